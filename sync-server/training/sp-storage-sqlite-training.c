/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-training"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-error.h"
#include "sp-training-catalogue.h"

/* The training part of the SQLite storage backend: the catalogue (entity
 * table training_item) and the anonymous demand counters (server-only
 * table training_demand: item, state, count; no user). */

JsonNode *
sp_storage_training_items (SpStorage  *self,
                           GError    **error)
{
  JsonNode *node;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  node = sp_training_catalogue_export_db (db, error);
  _sp_storage_sqlite_unlock (self, FALSE);
  return node;
}

gboolean
sp_storage_training_demand_add (SpStorage   *self,
                                const char  *item,
                                const char  *state,
                                int          delta,
                                GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean known = FALSE;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (item != NULL && state != NULL, FALSE);

  if (strcmp (state, "planned") != 0 && strcmp (state, "done") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "state must be “planned” or “done”");
      return FALSE;
    }

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  if (!(stmt = sp_db_prepare (db, "SELECT 1 FROM training_item WHERE id = ?1 AND deleted = 0", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, item, -1, SQLITE_TRANSIENT);
  known = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!known)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "unknown training item “%s”", item);
      goto fail;
    }

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO training_demand (item_id, state, count) VALUES (?1, ?2, max(?3, 0)) "
                              "ON CONFLICT (item_id, state) DO UPDATE SET count = max(count + ?3, 0)",
                              error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, item, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, delta);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;

  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  return _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
}

static void
add_demand (sqlite3_stmt *stmt,
            gpointer      items)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "item", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (o, "title", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_int_member (o, "planned", sqlite3_column_int64 (stmt, 2));
  json_object_set_int_member (o, "done", sqlite3_column_int64 (stmt, 3));
  json_array_add_object_element (items, o);
}

JsonNode *
sp_storage_training_demand (SpStorage  *self,
                            GError    **error)
{
  g_autoptr(JsonArray) items = json_array_new ();
  JsonObject *root;
  JsonNode *node = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  if (!(stmt = sp_db_prepare (db,
                              "SELECT d.item_id, coalesce(t.title, ''), "
                              "  sum(CASE d.state WHEN 'planned' THEN d.count ELSE 0 END), "
                              "  sum(CASE d.state WHEN 'done' THEN d.count ELSE 0 END) "
                              "FROM training_demand d LEFT JOIN training_item t ON t.id = d.item_id "
                              "GROUP BY d.item_id ORDER BY 3 DESC, 4 DESC, 2 COLLATE NOCASE",
                              error)))
    goto out;
  if (!_sp_storage_sqlite_each_row (db, stmt, add_demand, items, error))
    goto out;

  root = json_object_new ();
  json_object_set_array_member (root, "items", g_steal_pointer (&items));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return node;
}
