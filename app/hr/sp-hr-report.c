/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hr-report"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp-error.h"
#include "sp-hr-report.h"
#include "training/sp-competence-titles.h"

static void
sp_hr_group_free (SpHrGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->org_unit);
  g_clear_pointer (&group->levels, g_hash_table_unref);
  g_free (group);
}

static SpHrGroup *
parse_group (JsonObject  *object,
             gboolean     is_total,
             GError     **error)
{
  SpHrGroup *group;
  JsonNode *levels;

  if (!is_total &&
      (!json_object_has_member (object, "org_unit") ||
       json_node_get_value_type (json_object_get_member (object, "org_unit")) != G_TYPE_STRING))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "report group without org_unit");
      return NULL;
    }

  group = g_new0 (SpHrGroup, 1);
  group->org_unit = is_total ? NULL : g_strdup (json_object_get_string_member (object, "org_unit"));
  group->n = json_object_get_int_member_with_default (object, "n", 0);
  group->levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  levels = json_object_get_member (object, "levels");
  if (levels != NULL && JSON_NODE_HOLDS_OBJECT (levels))
    {
      JsonObjectIter iter;
      const char *code;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (levels));
      while (json_object_iter_next (&iter, &code, &value))
        {
          double *mean;

          /* A withheld mean may come as null: it is simply not shown. */
          if (!JSON_NODE_HOLDS_VALUE (value))
            continue;
          mean = g_new (double, 1);
          *mean = json_node_get_double (value);
          g_hash_table_insert (group->levels, g_strdup (code), mean);
        }
    }
  return group;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const SpHrGroup *ga = *(SpHrGroup **) a;
  const SpHrGroup *gb = *(SpHrGroup **) b;

  return g_utf8_collate (ga->org_unit, gb->org_unit);
}

SpHrReport *
sp_hr_report_parse (JsonNode  *node,
                    gint64     year,
                    GError   **error)
{
  g_autoptr(SpHrReport) report = NULL;
  JsonObject *root;
  JsonNode *groups, *total;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "the report is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (node);

  report = g_new0 (SpHrReport, 1);
  report->year = year;
  report->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_hr_group_free);
  report->suppressed = (guint) MAX (0, json_object_get_int_member_with_default (root, "suppressed", 0));

  groups = json_object_get_member (root, "groups");
  if (groups != NULL && JSON_NODE_HOLDS_ARRAY (groups))
    {
      JsonArray *array = json_node_get_array (groups);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          SpHrGroup *group;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          group = parse_group (json_node_get_object (element), FALSE, error);
          if (group == NULL)
            return NULL;
          g_ptr_array_add (report->groups, group);
        }
    }
  g_ptr_array_sort (report->groups, compare_groups);

  total = json_object_get_member (root, "total");
  if (total != NULL && JSON_NODE_HOLDS_OBJECT (total))
    report->total = parse_group (json_node_get_object (total), TRUE, NULL);

  return g_steal_pointer (&report);
}

void
sp_hr_report_free (SpHrReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->groups, g_ptr_array_unref);
  sp_hr_group_free (report->total);
  g_free (report);
}

SpHrGroup *
sp_hr_report_find (SpHrReport *report,
                   const char *org_unit)
{
  if (report == NULL)
    return NULL;
  if (org_unit == NULL)
    return report->total;
  for (guint i = 0; i < report->groups->len; i++)
    {
      SpHrGroup *group = g_ptr_array_index (report->groups, i);

      if (g_strcmp0 (group->org_unit, org_unit) == 0)
        return group;
    }
  return NULL;
}

gboolean
sp_hr_group_get_level (SpHrGroup  *group,
                       const char *code,
                       double     *mean)
{
  double *value;

  if (group == NULL)
    return FALSE;
  value = g_hash_table_lookup (group->levels, code);
  if (value == NULL)
    return FALSE;
  if (mean != NULL)
    *mean = *value;
  return TRUE;
}

gboolean
sp_hr_report_change (SpHrReport *current,
                     SpHrReport *previous,
                     const char *org_unit,
                     const char *code,
                     double     *percent)
{
  double now, before;

  if (!sp_hr_group_get_level (sp_hr_report_find (current, org_unit), code, &now) ||
      !sp_hr_group_get_level (sp_hr_report_find (previous, org_unit), code, &before) ||
      before <= 0)
    return FALSE;
  if (percent != NULL)
    *percent = (now - before) / before * 100.0;
  return TRUE;
}

int
sp_hr_code_compare (const char *a,
                    const char *b)
{
  return sp_competence_code_compare (a, b);
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return sp_hr_code_compare (*(const char **) a, *(const char **) b);
}

static void
collect_codes (GHashTable *seen,
               SpHrGroup  *group)
{
  GHashTableIter iter;
  gpointer code;

  if (group == NULL)
    return;
  g_hash_table_iter_init (&iter, group->levels);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    g_hash_table_add (seen, g_strdup (code));
}

static void
collect_report_codes (GHashTable *seen,
                      SpHrReport *report)
{
  if (report == NULL)
    return;
  for (guint i = 0; i < report->groups->len; i++)
    collect_codes (seen, g_ptr_array_index (report->groups, i));
  collect_codes (seen, report->total);
}

GPtrArray *
sp_hr_report_codes (SpHrReport *current,
                    SpHrReport *previous)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer code;

  collect_report_codes (seen, current);
  collect_report_codes (seen, previous);
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    {
      g_ptr_array_add (codes, code);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (codes, compare_codes);
  return codes;
}

typedef struct {
  const char *code;
  double      mean;
} Need;

static int
compare_needs (gconstpointer a,
               gconstpointer b)
{
  const Need *na = a, *nb = b;

  if (na->mean != nb->mean)
    return na->mean < nb->mean ? -1 : 1;
  return sp_hr_code_compare (na->code, nb->code);
}

GPtrArray *
sp_hr_report_needs (SpHrGroup *group,
                    guint      limit)
{
  g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (Need));
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer code, mean;

  if (group == NULL)
    return codes;

  g_hash_table_iter_init (&iter, group->levels);
  while (g_hash_table_iter_next (&iter, &code, &mean))
    {
      Need need = { code, *(double *) mean };
      g_array_append_val (needs, need);
    }
  g_array_sort (needs, compare_needs);
  for (guint i = 0; i < needs->len && (limit == 0 || i < limit); i++)
    g_ptr_array_add (codes, g_strdup (g_array_index (needs, Need, i).code));
  return codes;
}

char *
sp_hr_format_decimal (double value,
                      int    digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  char *text, *dot;

  g_snprintf (format, sizeof format, "%%.%df", CLAMP (digits, 0, 6));
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  text = g_strdup (buffer);
  dot = strchr (text, '.');
  if (dot != NULL)
    *dot = ',';
  /* No "-0,0". */
  if (text[0] == '-' && strspn (text + 1, "0,") == strlen (text + 1))
    memmove (text, text + 1, strlen (text));
  return text;
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, ';');
  if (text == NULL)
    return;
  if (strpbrk (text, ";\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
}

static void
csv_group (GString    *out,
           SpHrReport *current,
           SpHrReport *previous,
           SpHrGroup  *group,
           GPtrArray  *codes,
           GHashTable *titles)
{
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      g_autofree char *year = NULL, *n = NULL, *mean_text = NULL;
      g_autofree char *before_text = NULL, *change_text = NULL;
      double mean, before, change;

      if (!sp_hr_group_get_level (group, code, &mean))
        continue;

      year = g_strdup_printf ("%" G_GINT64_FORMAT, current->year);
      n = g_strdup_printf ("%" G_GINT64_FORMAT, group->n);
      mean_text = sp_hr_format_decimal (mean, 2);
      if (sp_hr_group_get_level (sp_hr_report_find (previous, group->org_unit), code, &before))
        before_text = sp_hr_format_decimal (before, 2);
      if (sp_hr_report_change (current, previous, group->org_unit, code, &change))
        change_text = sp_hr_format_decimal (change, 1);

      csv_field (out, year);
      csv_field (out, group->org_unit != NULL ? group->org_unit : _("All org units"));
      csv_field (out, n);
      csv_field (out, code);
      csv_field (out, titles != NULL ? g_hash_table_lookup (titles, code) : NULL);
      csv_field (out, mean_text);
      csv_field (out, before_text);
      csv_field (out, change_text);
      g_string_append (out, "\r\n");
    }
}

char *
sp_hr_report_to_csv (SpHrReport *current,
                     SpHrReport *previous,
                     GHashTable *titles)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *before_header = NULL;

  g_return_val_if_fail (current != NULL, NULL);

  codes = sp_hr_report_codes (current, NULL);
  before_header = g_strdup_printf (_("Mean %d"), (int) (current->year - 1));

  csv_field (out, _("Year"));
  csv_field (out, _("Org unit"));
  csv_field (out, _("Submissions"));
  csv_field (out, _("Code"));
  csv_field (out, _("Competence"));
  csv_field (out, _("Mean level"));
  csv_field (out, before_header);
  csv_field (out, _("Change in %"));
  g_string_append (out, "\r\n");

  for (guint i = 0; i < current->groups->len; i++)
    csv_group (out, current, previous, g_ptr_array_index (current->groups, i), codes, titles);
  if (current->total != NULL)
    csv_group (out, current, previous, current->total, codes, titles);

  /* The BOM tells Excel that the file is UTF-8. */
  g_string_prepend (out, "\xEF\xBB\xBF");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
