/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-training-catalogue"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-training-catalogue.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"

static const char * const text_members[] = {
  "title", "kind", "provider", "url", "starts", "ends", "track", "description",
};

static gboolean
date_is_valid (const char *s)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (s == NULL || *s == '\0')
    return TRUE;
  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  iso = g_strconcat (s, "T00:00:00Z", NULL);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  return dt != NULL;
}

gboolean
sp_training_item_validate (JsonObject  *item,
                           GError     **error)
{
  const char *id, *title, *kind;
  JsonNode *node;

  g_return_val_if_fail (item != NULL, FALSE);

  id = sp_json_get_string (item, "id");
  if (!sp_id_is_valid (id))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("id: expected 1 to 64 characters of letters, digits and “._:-”"));
      return FALSE;
    }
  title = sp_json_get_string (item, "title");
  while (title != NULL && g_ascii_isspace (*title))
    title++;
  if (title == NULL || *title == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("%s: a training item needs a title"), id);
      return FALSE;
    }
  kind = sp_json_get_string (item, "kind");
  if (g_strcmp0 (kind, "literature") != 0 && g_strcmp0 (kind, "course") != 0 &&
      g_strcmp0 (kind, "tutorial") != 0 && g_strcmp0 (kind, "elearning") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("%s: “kind” must be literature, course, tutorial or elearning"), id);
      return FALSE;
    }
  node = json_object_get_member (item, "level");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
       json_node_get_int (node) < 1 || json_node_get_int (node) > 5))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("%s: “level” must be 1 to 5"), id);
      return FALSE;
    }
  if (!date_is_valid (sp_json_get_string (item, "starts")) || !date_is_valid (sp_json_get_string (item, "ends")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("%s: dates must be written YYYY-MM-DD"), id);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
sp_training_catalogue_to_changes (JsonNode  *items,
                                  GError   **error)
{
  const SpEntity *entity = sp_entity_lookup (SP_ENTITY_TRAINING_ITEM);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) ids = NULL;
  JsonArray *array;

  g_return_val_if_fail (items != NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("A training catalogue must be a JSON array of items"));
      return NULL;
    }

  array = json_node_get_array (items);
  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autoptr(JsonObject) fields = NULL;
      g_autoptr(JsonObject) normalized = NULL;
      JsonNode *member;
      SpChange *change;
      const char *id;

      if (item == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("[%u]: expected an object"), i);
          return NULL;
        }
      if (!sp_training_item_validate (item, error))
        {
          g_prefix_error (error, "[%u] ", i);
          return NULL;
        }
      id = sp_json_get_string (item, "id");
      if (g_hash_table_contains (ids, id))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("[%u]: duplicate id “%s”"), i, id);
          return NULL;
        }
      g_hash_table_add (ids, (gpointer) id);

      fields = json_object_new ();
      for (guint m = 0; m < G_N_ELEMENTS (text_members); m++)
        {
          const char *value = sp_json_get_string (item, text_members[m]);

          json_object_set_string_member (fields, text_members[m], value ? value : "");
        }
      member = json_object_get_member (item, "competences");
      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        json_object_set_member (fields, "competences", json_node_copy (member));
      else
        json_object_set_array_member (fields, "competences", json_array_new ());
      member = json_object_get_member (item, "level");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member))
        json_object_set_int_member (fields, "level", json_node_get_int (member));
      else
        json_object_set_null_member (fields, "level");

      if (!(normalized = sp_change_validate_fields (entity, fields, error)))
        {
          g_prefix_error (error, "[%u] %s: ", i, id);
          return NULL;
        }

      change = sp_change_new ();
      change->entity = g_strdup (SP_ENTITY_TRAINING_ITEM);
      change->id = g_strdup (id);
      change->op = SP_OP_UPSERT;
      if (change->fields)
        json_object_unref (change->fields);
      change->fields = g_steal_pointer (&normalized);
      g_ptr_array_add (changes, change);
    }

  return g_steal_pointer (&changes);
}

JsonObject *
sp_training_item_to_json (const char *id,
                          JsonObject *fields)
{
  JsonObject *item = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (id != NULL, item);

  json_object_set_string_member (item, "id", id);
  for (guint m = 0; m < G_N_ELEMENTS (text_members); m++)
    {
      const char *value = sp_json_get_string (fields, text_members[m]);

      json_object_set_string_member (item, text_members[m], value ? value : "");
    }
  node = fields ? json_object_get_member (fields, "competences") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_member (item, "competences", json_node_copy (node));
  else
    json_object_set_array_member (item, "competences", json_array_new ());
  node = fields ? json_object_get_member (fields, "level") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    json_object_set_int_member (item, "level", json_node_get_int (node));
  else
    json_object_set_null_member (item, "level");
  return item;
}

JsonNode *
sp_training_catalogue_export_db (SpDb     *db,
                                 GError  **error)
{
  const SpEntity *entity = sp_entity_lookup (SP_ENTITY_TRAINING_ITEM);
  g_autofree char *sql = sp_db_select_sql (entity,
                                           "WHERE deleted = 0 ORDER BY track, title COLLATE NOCASE, id");
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!(stmt = sp_db_prepare (db, sql, error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SpDbRow) row = sp_db_row_from_stmt (entity, stmt);

      json_array_add_object_element (array, sp_training_item_to_json (row->id, row->fields));
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, g_steal_pointer (&array));
  return node;
}
