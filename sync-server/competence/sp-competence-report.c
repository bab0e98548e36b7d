/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-report"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-competence-report.h"

static double
mean2 (gint64 sum,
       guint  count)
{
  /* Two decimals, halves up: round (100 * sum / count) / 100. */
  return (double) ((200 * sum + count) / (2 * (gint64) count)) / 100.0;
}

static JsonObject *
levels_json (GHashTable *levels,
             GHashTable *hidden_counts)   /* code -> count not shown, or NULL */
{
  JsonObject *out = json_object_new ();
  g_autoptr(GList) codes = g_hash_table_get_keys (levels);

  codes = g_list_sort (codes, (GCompareFunc) strcmp);
  for (GList *l = codes; l; l = l->next)
    {
      SpLevelSum *sum = g_hash_table_lookup (levels, l->data);

      if (sum->count < SP_COMPETENCE_REPORT_MIN_N)
        continue;
      if (hidden_counts != NULL)
        {
          guint hidden = GPOINTER_TO_UINT (g_hash_table_lookup (hidden_counts, l->data));

          if (hidden > 0 && hidden < SP_COMPETENCE_REPORT_MIN_N)
            continue;
        }
      json_object_set_double_member (out, l->data, mean2 (sum->sum, sum->count));
    }
  return out;
}

static int
compare_by_n (gconstpointer a,
              gconstpointer b)
{
  const SpReportRow *ra = *(SpReportRow * const *) a;
  const SpReportRow *rb = *(SpReportRow * const *) b;

  if (ra->n != rb->n)
    return ra->n < rb->n ? -1 : 1;
  return g_strcmp0 (ra->org_unit, rb->org_unit);
}

JsonNode *
sp_competence_report_build (GPtrArray  *rows,
                            gint64      year,
                            const char *org_unit)
{
  g_autoptr(GHashTable) withheld = g_hash_table_new (NULL, NULL);  /* SpReportRow* set */
  g_autoptr(GHashTable) total_levels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) hidden_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) shown_by_n = g_ptr_array_new ();
  JsonArray *groups = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node;
  guint withheld_n = 0;
  guint total_n = 0;
  guint k = 0;

  g_return_val_if_fail (rows != NULL, NULL);

  /* 1. Primary suppression: groups below the threshold. */
  for (guint i = 0; i < rows->len; i++)
    {
      SpReportRow *row = g_ptr_array_index (rows, i);

      total_n += row->n;
      if (row->n < SP_COMPETENCE_REPORT_MIN_N)
        {
          g_hash_table_add (withheld, row);
          withheld_n += row->n;
        }
      else
        g_ptr_array_add (shown_by_n, row);
    }

  /* 2. Complementary suppression: the withheld part must not be a small
   * number that total minus shown groups would reveal. */
  g_ptr_array_sort (shown_by_n, compare_by_n);
  for (guint i = 0; withheld_n > 0 && withheld_n < SP_COMPETENCE_REPORT_MIN_N &&
                    i < shown_by_n->len; i++)
    {
      SpReportRow *row = g_ptr_array_index (shown_by_n, i);

      g_hash_table_add (withheld, row);
      withheld_n += row->n;
    }

  /* 3. Totals per code, and what is not shown per code. */
  for (guint i = 0; i < rows->len; i++)
    {
      SpReportRow *row = g_ptr_array_index (rows, i);
      gboolean row_hidden = g_hash_table_contains (withheld, row);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, row->levels);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          SpLevelSum *sum = value;
          SpLevelSum *t = g_hash_table_lookup (total_levels, key);

          if (t == NULL)
            {
              t = g_new0 (SpLevelSum, 1);
              g_hash_table_insert (total_levels, key, t);
            }
          t->sum += sum->sum;
          t->count += sum->count;
          if (row_hidden || sum->count < SP_COMPETENCE_REPORT_MIN_N)
            g_hash_table_insert (hidden_counts, key,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (hidden_counts, key)) +
                                                   sum->count));
        }
    }

  /* 4. Output (rows come ordered by org unit). */
  for (guint i = 0; i < rows->len; i++)
    {
      SpReportRow *row = g_ptr_array_index (rows, i);
      JsonObject *group;

      if (org_unit != NULL && g_strcmp0 (row->org_unit, org_unit) != 0)
        continue;
      if (g_hash_table_contains (withheld, row))
        {
          k++;
          continue;
        }
      group = json_object_new ();
      json_object_set_string_member (group, "org_unit", row->org_unit);
      json_object_set_int_member (group, "year", row->year);
      json_object_set_int_member (group, "n", row->n);
      json_object_set_object_member (group, "levels", levels_json (row->levels, NULL));
      json_array_add_object_element (groups, group);
    }

  json_object_set_array_member (root, "groups", groups);
  json_object_set_int_member (root, "suppressed", k);

  if (total_n >= SP_COMPETENCE_REPORT_MIN_N &&
      (withheld_n == 0 || withheld_n >= SP_COMPETENCE_REPORT_MIN_N))
    {
      JsonObject *total = json_object_new ();

      json_object_set_int_member (total, "year", year);
      json_object_set_int_member (total, "n", total_n);
      json_object_set_object_member (total, "levels", levels_json (total_levels, hidden_counts));
      json_object_set_object_member (root, "total", total);
    }
  else
    json_object_set_null_member (root, "total");

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}
