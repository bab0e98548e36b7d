/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-merge"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-hlc.h"
#include "sp-merge.h"

SpRowState *
sp_row_state_new (void)
{
  SpRowState *state = g_new0 (SpRowState, 1);

  state->fields = json_object_new ();
  state->field_hlc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->field_version = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return state;
}

void
sp_row_state_free (SpRowState *state)
{
  if (state == NULL)
    return;
  g_clear_pointer (&state->fields, json_object_unref);
  g_clear_pointer (&state->field_hlc, g_hash_table_unref);
  g_clear_pointer (&state->field_version, g_hash_table_unref);
  g_free (state);
}

void
sp_row_state_set_field (SpRowState *state,
                        const char *field,
                        JsonNode   *value,
                        const char *hlc,
                        gint64      version)
{
  gint64 *v;

  g_return_if_fail (state != NULL);
  g_return_if_fail (field != NULL);

  state->exists = TRUE;
  json_object_set_member (state->fields, field,
                          value ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
  if (hlc != NULL)
    g_hash_table_insert (state->field_hlc, g_strdup (field), g_strdup (hlc));
  else
    g_hash_table_remove (state->field_hlc, field);
  v = g_new (gint64, 1);
  *v = version;
  g_hash_table_insert (state->field_version, g_strdup (field), v);
  if (version > state->version)
    state->version = version;
}

void
sp_conflict_value_free (SpConflictValue *value)
{
  if (value == NULL)
    return;
  g_free (value->field);
  g_clear_pointer (&value->lost_value, json_node_unref);
  g_free (value->lost_hlc);
  g_clear_pointer (&value->kept_value, json_node_unref);
  g_free (value->kept_hlc);
  g_free (value);
}

void
sp_merge_result_free (SpMergeResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->apply, json_object_unref);
  g_clear_pointer (&result->apply_hlc, g_hash_table_unref);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_free (result);
}

static JsonNode *
copy_or_null (JsonNode *node)
{
  return node ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static gboolean
same_node (const char *a,
           const char *b)
{
  g_autofree char *na = sp_hlc_node_of (a);
  g_autofree char *nb = sp_hlc_node_of (b);

  return na != NULL && nb != NULL && strcmp (na, nb) == 0;
}

static void
merge_field (SpMergeResult    *result,
             const SpRowState *row,
             const SpChange   *change,
             const char       *field,
             JsonNode         *value)
{
  const gint64 *field_version = NULL;
  const char *cur_hlc;
  JsonNode *cur;

  if (row != NULL && row->exists && row->field_version != NULL)
    field_version = g_hash_table_lookup (row->field_version, field);

  /* Not changed on the server since the client's base: take it. */
  if (row == NULL || !row->exists || field_version == NULL ||
      *field_version <= change->base_version)
    {
      json_object_set_member (result->apply, field, copy_or_null (value));
      g_hash_table_insert (result->apply_hlc, g_strdup (field), g_strdup (change->hlc));
      return;
    }

  /* Changed concurrently. */
  cur = row->fields ? json_object_get_member (row->fields, field) : NULL;
  cur_hlc = row->field_hlc ? g_hash_table_lookup (row->field_hlc, field) : NULL;

  if (sp_field_values_equal (cur, value) || same_node (cur_hlc, change->hlc))
    {
      /* Nothing was lost: keep the newer timestamp (and value). */
      if (sp_hlc_compare (change->hlc, cur_hlc) > 0)
        {
          json_object_set_member (result->apply, field, copy_or_null (value));
          g_hash_table_insert (result->apply_hlc, g_strdup (field), g_strdup (change->hlc));
        }
      return;
    }

  {
    SpConflictValue *cv = g_new0 (SpConflictValue, 1);

    cv->field = g_strdup (field);

    if (sp_hlc_compare (change->hlc, cur_hlc) > 0)
      {
        json_object_set_member (result->apply, field, copy_or_null (value));
        g_hash_table_insert (result->apply_hlc, g_strdup (field), g_strdup (change->hlc));
        cv->lost_value = copy_or_null (cur);
        cv->lost_hlc = g_strdup (cur_hlc);
        cv->kept_value = copy_or_null (value);
        cv->kept_hlc = g_strdup (change->hlc);
      }
    else
      {
        cv->lost_value = copy_or_null (value);
        cv->lost_hlc = g_strdup (change->hlc);
        cv->kept_value = copy_or_null (cur);
        cv->kept_hlc = g_strdup (cur_hlc);
      }

    g_ptr_array_add (result->conflicts, cv);
  }
}

static gboolean
deleted_changed_since (const SpRowState *row,
                       gint64            base_version)
{
  const gint64 *v = row->field_version
    ? g_hash_table_lookup (row->field_version, SP_FIELD_DELETED) : NULL;

  return v != NULL && *v > base_version;
}

/* A delete whose base is older than edits made by another node: the row's
 * liveness is in conflict with those edits. The newest of them stands for
 * "deleted = false"; the greater HLC wins and the loser is recorded. */
static void
merge_delete_vs_edits (SpMergeResult    *result,
                       const SpRowState *row,
                       const SpChange   *change,
                       JsonNode         *deleted)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *newest_edit = NULL;
  SpConflictValue *cv;

  g_hash_table_iter_init (&iter, row->field_version);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *field = key;
      const char *hlc;

      if (*(gint64 *) value <= change->base_version ||
          strcmp (field, SP_FIELD_DELETED) == 0)
        continue;
      hlc = g_hash_table_lookup (row->field_hlc, field);
      if (hlc == NULL || same_node (hlc, change->hlc))
        continue;
      if (sp_hlc_compare (hlc, newest_edit) > 0)
        newest_edit = hlc;
    }

  if (newest_edit == NULL)
    {
      merge_field (result, row, change, SP_FIELD_DELETED, deleted);
      return;
    }

  cv = g_new0 (SpConflictValue, 1);
  cv->field = g_strdup (SP_FIELD_DELETED);
  if (sp_hlc_compare (change->hlc, newest_edit) > 0)
    {
      json_object_set_member (result->apply, SP_FIELD_DELETED, json_node_copy (deleted));
      g_hash_table_insert (result->apply_hlc, g_strdup (SP_FIELD_DELETED), g_strdup (change->hlc));
      cv->lost_value = json_node_init_boolean (json_node_alloc (), FALSE);
      cv->lost_hlc = g_strdup (newest_edit);
      cv->kept_value = json_node_init_boolean (json_node_alloc (), TRUE);
      cv->kept_hlc = g_strdup (change->hlc);
    }
  else
    {
      cv->lost_value = json_node_init_boolean (json_node_alloc (), TRUE);
      cv->lost_hlc = g_strdup (change->hlc);
      cv->kept_value = json_node_init_boolean (json_node_alloc (), FALSE);
      cv->kept_hlc = g_strdup (newest_edit);
    }
  g_ptr_array_add (result->conflicts, cv);
}

SpMergeResult *
sp_merge_change (const SpEntity   *entity,
                 const SpRowState *row,
                 const SpChange   *change)
{
  SpMergeResult *result;
  g_autoptr(JsonNode) deleted = NULL;

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (change != NULL, NULL);
  g_return_val_if_fail (change->hlc != NULL, NULL);

  result = g_new0 (SpMergeResult, 1);
  result->apply = json_object_new ();
  result->apply_hlc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  result->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_conflict_value_free);

  /* Fields in registry order, so results are deterministic. */
  if (change->op == SP_OP_UPSERT && change->fields != NULL)
    {
      for (guint i = 0; i < entity->n_fields; i++)
        {
          const char *name = entity->fields[i].name;
          JsonNode *value = json_object_get_member (change->fields, name);

          if (value != NULL)
            merge_field (result, row, change, name, value);
        }
    }

  deleted = json_node_new (JSON_NODE_VALUE);
  json_node_set_boolean (deleted, change->op == SP_OP_DELETE);

  /* An upsert to a live row does not touch "deleted" unless the row was
   * deleted (then it is a resurrection, merged like a field). */
  if (change->op == SP_OP_DELETE && row != NULL && row->exists &&
      !deleted_changed_since (row, change->base_version))
    merge_delete_vs_edits (result, row, change, deleted);
  else if (change->op == SP_OP_DELETE || row == NULL || !row->exists)
    merge_field (result, row, change, SP_FIELD_DELETED, deleted);
  else
    {
      JsonNode *cur = row->fields ? json_object_get_member (row->fields, SP_FIELD_DELETED) : NULL;

      if (cur != NULL && JSON_NODE_HOLDS_VALUE (cur) && json_node_get_boolean (cur))
        merge_field (result, row, change, SP_FIELD_DELETED, deleted);
    }

  return result;
}
