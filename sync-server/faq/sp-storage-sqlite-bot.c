/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-bot"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-error.h"

/* The bot part of the SQLite storage backend: reads of the bot's content
 * (faq, service, bot_hours, bot_setting rows) for the matcher index, and
 * the server-only tables bot_unanswered (questions the bot could not
 * answer, text only) and bot_kpi_day (anonymous counters per day and
 * channel). */

static const char * const content_entities[] = { "faq", "service", "bot_hours", "bot_setting" };

void
sp_bot_unanswered_free (SpBotUnanswered *item)
{
  if (item == NULL)
    return;
  g_free (item->text_norm);
  g_free (item->text);
  g_free (item->language);
  g_free (item);
}

gint64
sp_storage_bot_content_version (SpStorage *self)
{
  gint64 version = 0;
  SpDb *db;

  g_return_val_if_fail (self != NULL, -1);

  db = _sp_storage_sqlite_lock (self, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (content_entities); i++)
    {
      static const char * const sql[] = {
        "SELECT coalesce(max(version), 0) FROM faq",
        "SELECT coalesce(max(version), 0) FROM service",
        "SELECT coalesce(max(version), 0) FROM bot_hours",
        "SELECT coalesce(max(version), 0) FROM bot_setting",
      };
      sqlite3_stmt *stmt = sp_db_prepare (db, sql[i], NULL);

      if (stmt == NULL)
        {
          version = -1;
          break;
        }
      if (sqlite3_step (stmt) == SQLITE_ROW)
        version = MAX (version, sqlite3_column_int64 (stmt, 0));
      else
        version = -1;
      sqlite3_reset (stmt);
      if (version < 0)
        break;
    }
  _sp_storage_sqlite_unlock (self, FALSE);

  return version;
}

typedef struct {
  const SpEntity *entity;
  GPtrArray      *rows;
} RowsData;

static void
add_row_change (sqlite3_stmt *stmt,
                gpointer      data)
{
  RowsData *d = data;
  g_autoptr(SpDbRow) row = sp_db_row_from_stmt (d->entity, stmt);
  SpChange *change = sp_change_new ();

  change->entity = g_strdup (d->entity->name);
  change->id = g_steal_pointer (&row->id);
  change->version = row->version;
  change->base_version = row->version;
  change->hlc = g_steal_pointer (&row->hlc);
  change->change_id = g_steal_pointer (&row->change_id);
  change->op = row->deleted ? SP_OP_DELETE : SP_OP_UPSERT;
  json_object_unref (change->fields);
  change->fields = g_steal_pointer (&row->fields);
  g_ptr_array_add (d->rows, change);
}

GPtrArray *
sp_storage_bot_rows (SpStorage   *self,
                     const char  *entity,
                     GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *sql = NULL;
  const SpEntity *e;
  sqlite3_stmt *stmt;
  RowsData data;
  gboolean ok;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(e = sp_entity_lookup (entity)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY, "unknown entity “%s”", entity);
      return NULL;
    }
  sql = sp_db_select_sql (e, NULL);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  data.entity = e;
  data.rows = rows;

  db = _sp_storage_sqlite_lock (self, FALSE);
  ok = (stmt = sp_db_prepare (db, sql, error)) != NULL &&
       _sp_storage_sqlite_each_row (db, stmt, add_row_change, &data, error);
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&rows) : NULL;
}

gboolean
sp_storage_bot_record (SpStorage  *self,
                       GArray     *kpis,
                       GPtrArray  *unanswered,
                       GError    **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);

  if ((kpis == NULL || kpis->len == 0) && (unanswered == NULL || unanswered->len == 0))
    return TRUE;

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  for (guint i = 0; kpis != NULL && i < kpis->len; i++)
    {
      const SpBotKpiDelta *d = &g_array_index (kpis, SpBotKpiDelta, i);

      if (!(stmt = sp_db_prepare (db,
                                  "INSERT INTO bot_kpi_day (day, channel, interactions, answered, "
                                  "  handoffs, unanswered, callbacks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                                  "ON CONFLICT (day, channel) DO UPDATE SET "
                                  "  interactions = interactions + excluded.interactions, "
                                  "  answered = answered + excluded.answered, "
                                  "  handoffs = handoffs + excluded.handoffs, "
                                  "  unanswered = unanswered + excluded.unanswered, "
                                  "  callbacks = callbacks + excluded.callbacks",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, d->day, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, d->channel, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, d->interactions);
      sqlite3_bind_int64 (stmt, 4, d->answered);
      sqlite3_bind_int64 (stmt, 5, d->handoffs);
      sqlite3_bind_int64 (stmt, 6, d->unanswered);
      sqlite3_bind_int64 (stmt, 7, d->callbacks);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  for (guint i = 0; unanswered != NULL && i < unanswered->len; i++)
    {
      const SpBotUnanswered *u = g_ptr_array_index (unanswered, i);

      if (!(stmt = sp_db_prepare (db,
                                  "INSERT INTO bot_unanswered (text_norm, text, language, count, "
                                  "  first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                  "ON CONFLICT (text_norm) DO UPDATE SET "
                                  "  count = count + excluded.count, "
                                  "  last_seen = max(last_seen, excluded.last_seen)",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, u->text_norm, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, u->text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, u->language ? u->language : "de", -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, MAX (u->count, 1));
      sqlite3_bind_int64 (stmt, 5, u->first_seen);
      sqlite3_bind_int64 (stmt, 6, u->last_seen);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  return _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
}

static JsonNode *
wrap_array (const char *name,
            JsonArray  *array)
{
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_array_member (root, name, array);
  json_node_take_object (node, root);
  return node;
}

static void
add_unanswered (sqlite3_stmt *stmt,
                gpointer      items)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (o, "text", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "language", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_int_member (o, "count", sqlite3_column_int64 (stmt, 3));
  json_object_set_int_member (o, "first_seen", sqlite3_column_int64 (stmt, 4));
  json_object_set_int_member (o, "last_seen", sqlite3_column_int64 (stmt, 5));
  json_object_set_string_member (o, "state", (const char *) sqlite3_column_text (stmt, 6));
  json_array_add_object_element (items, o);
}

/* Runs the prepared, bound @stmt and wraps its rows (one object each, by
 * @func) in {"<name>": [...]}; unlocks the reader. */
static JsonNode *
read_array (SpStorage         *self,
            SpDb              *db,
            sqlite3_stmt      *stmt,
            const char        *name,
            SpStorageRowFunc   func,
            GError           **error)
{
  g_autoptr(JsonArray) items = json_array_new ();
  gboolean ok;

  ok = _sp_storage_sqlite_each_row (db, stmt, func, items, error);
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? wrap_array (name, g_steal_pointer (&items)) : NULL;
}

JsonNode *
sp_storage_bot_unanswered (SpStorage   *self,
                           const char  *state,
                           guint        limit,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db,
                                                "SELECT id, text, language, count, first_seen, last_seen, state "
                                                "FROM bot_unanswered WHERE ?1 IS NULL OR state = ?1 "
                                                "ORDER BY count DESC, last_seen DESC, id LIMIT ?2",
                                                error)))
    return NULL;
  if (state != NULL)
    sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit ? limit : 1000);

  return read_array (self, db, stmt, "questions", add_unanswered, error);
}

gboolean
sp_storage_bot_unanswered_set_state (SpStorage   *self,
                                     gint64       id,
                                     const char  *state,
                                     GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);

  if (g_strcmp0 (state, "open") != 0 && g_strcmp0 (state, "done") != 0 &&
      g_strcmp0 (state, "dismissed") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "state: expected “open”, “done” or “dismissed”");
      return FALSE;
    }

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, TRUE, &db,
                                                "UPDATE bot_unanswered SET state = ?2 WHERE id = ?1",
                                                error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    {
      _sp_storage_sqlite_unlock (self, TRUE);
      return FALSE;
    }
  found = sqlite3_changes (sp_db_handle (db)) > 0;
  _sp_storage_sqlite_unlock (self, TRUE);

  if (!found)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   "No unanswered question %" G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

static void
add_kpi_day (sqlite3_stmt *stmt,
             gpointer      days)
{
  static const char * const names[] = {
    "interactions", "answered", "handoffs", "unanswered", "callbacks",
  };
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "day", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (o, "channel", (const char *) sqlite3_column_text (stmt, 1));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    json_object_set_int_member (o, names[i], sqlite3_column_int64 (stmt, 2 + i));
  json_array_add_object_element (days, o);
}

JsonNode *
sp_storage_bot_kpi (SpStorage   *self,
                    const char  *from,
                    const char  *to,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db,
                                                "SELECT day, channel, interactions, answered, handoffs, unanswered, "
                                                "  callbacks FROM bot_kpi_day "
                                                "WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2) "
                                                "ORDER BY day, channel",
                                                error)))
    return NULL;
  if (from != NULL)
    sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  if (to != NULL)
    sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);

  return read_array (self, db, stmt, "days", add_kpi_day, error);
}
