/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-handoff"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-error.h"

/* The hand-off part of the SQLite storage backend: office hours and bot
 * settings (entity tables bot_hours, bot_setting, read only here) and the
 * server-only tables handoff_conversation and handoff_message. No IPs,
 * cookies or user ids of citizens: a conversation is known only by its
 * random id; the contact given for a callback is deleted with it. */

SpOfficeHours *
sp_storage_office_hours (SpStorage  *self,
                         GError    **error)
{
  SpOfficeHours *hours;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  hours = sp_office_hours_new_from_db (db, error);
  _sp_storage_sqlite_unlock (self, FALSE);
  return hours;
}

char *
sp_storage_bot_setting (SpStorage  *self,
                        const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  id = g_strconcat ("bot_setting.", key, NULL);
  db = _sp_storage_sqlite_lock (self, FALSE);
  /* By the row id the desktop writes, or by the key of any other row. */
  stmt = sp_db_prepare (db,
                        "SELECT value FROM bot_setting WHERE deleted = 0 AND (id = ?1 OR key = ?2) "
                        "ORDER BY id = ?1 DESC, version DESC LIMIT 1",
                        &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  else
    g_warning ("Cannot read bot setting %s: %s", key, error->message);
  _sp_storage_sqlite_unlock (self, FALSE);

  return value;
}

/* -- conversations -------------------------------------------------------- */

static gint64
insert_message (SpDb        *db,
                const char  *id,
                const char  *sender,
                const char  *staff_user,
                const char  *text,
                gint64       now,
                GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO handoff_message (conversation_id, sender, staff_user, text, created) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)",
                              error)))
    return 0;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sender, -1, SQLITE_TRANSIENT);
  if (staff_user != NULL)
    sqlite3_bind_text (stmt, 3, staff_user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (sp_db_handle (db));
}

gboolean
sp_storage_handoff_create (SpStorage   *self,
                           const char  *id,
                           const char  *kind,
                           const char  *channel,
                           const char  *language,
                           const char  *question,
                           const char  *contact,
                           gint64       now,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (id != NULL && kind != NULL && channel != NULL && language != NULL, FALSE);
  g_return_val_if_fail (question != NULL, FALSE);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO handoff_conversation (id, kind, channel, state, language, "
                              "  question, contact, assignee, created, updated) "
                              "VALUES (?1, ?2, ?3, 'waiting', ?4, ?5, ?6, NULL, ?7, ?7)",
                              error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, channel, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, language, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, question, -1, SQLITE_TRANSIENT);
  if (contact != NULL)
    sqlite3_bind_text (stmt, 6, contact, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;

  /* The question opens the transcript (a voice call back may have none). */
  if (*question != '\0' && insert_message (db, id, "citizen", NULL, question, now, error) == 0)
    goto fail;

  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  return _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
}

/* State of conversation @id (owned by the caller), NULL and
 * SP_ERROR_NOT_FOUND when unknown. */
static char *
conversation_state (SpDb        *db,
                    const char  *id,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  char *state = NULL;
  int rc;

  if (!(stmt = sp_db_prepare (db, "SELECT state FROM handoff_conversation WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return state;
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such conversation");
  else
    sp_db_set_error (db, error);
  return NULL;
}

gint64
sp_storage_handoff_add_message (SpStorage   *self,
                                const char  *id,
                                const char  *sender,
                                const char  *staff_user,
                                const char  *text,
                                gint64       now,
                                guint        max_per_minute,
                                char       **state,
                                GError     **error)
{
  g_autofree char *current = NULL;
  sqlite3_stmt *stmt;
  gint64 message_id = 0;
  SpDb *db;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (id != NULL && sender != NULL && text != NULL, 0);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return 0;

  if (!(current = conversation_state (db, id, error)))
    goto fail;

  if (strcmp (current, "closed") == 0)
    {
      /* Nothing stored; the caller answers 409. */
      _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
      if (state != NULL)
        *state = g_steal_pointer (&current);
      return 0;
    }

  if (max_per_minute > 0)
    {
      gint64 recent = 0;

      if (!(stmt = sp_db_prepare (db,
                                  "SELECT count(*) FROM handoff_message "
                                  "WHERE conversation_id = ?1 AND sender = ?2 AND created > ?3",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, sender, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, now - 60);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        recent = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (recent >= max_per_minute)
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_RATE_LIMITED,
                               "Too many messages, please wait a moment");
          goto fail;
        }
    }

  if ((message_id = insert_message (db, id, sender, staff_user, text, now, error)) == 0)
    goto fail;

  /* A staff answer takes the conversation: active, assigned to the
   * member of staff who answered last. */
  if (strcmp (sender, "staff") == 0)
    {
      if (!(stmt = sp_db_prepare (db,
                                  "UPDATE handoff_conversation SET state = 'active', assignee = ?2, updated = ?3 "
                                  "WHERE id = ?1",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 2, staff_user, -1, SQLITE_TRANSIENT);
    }
  else if (!(stmt = sp_db_prepare (db, "UPDATE handoff_conversation SET updated = ?3 WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;

  if (!_sp_storage_sqlite_write_end (self, db, TRUE, error))
    return 0;

  if (state != NULL)
    *state = g_strdup (strcmp (sender, "staff") == 0 ? "active" : current);
  return message_id;

fail:
  _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
  return 0;
}

static JsonObject *
message_from_stmt (sqlite3_stmt *stmt,
                   gboolean      staff)
{
  JsonObject *m = json_object_new ();

  /* columns: id, sender, staff_user, text, created */
  json_object_set_int_member (m, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (m, "sender", (const char *) sqlite3_column_text (stmt, 1));
  if (staff)
    {
      if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
        json_object_set_null_member (m, "staff_user");
      else
        json_object_set_string_member (m, "staff_user", (const char *) sqlite3_column_text (stmt, 2));
    }
  json_object_set_string_member (m, "text", (const char *) sqlite3_column_text (stmt, 3));
  json_object_set_int_member (m, "created", sqlite3_column_int64 (stmt, 4));

  return m;
}

static void
add_message (sqlite3_stmt *stmt,
             gpointer      messages)
{
  json_array_add_object_element (messages, message_from_stmt (stmt, FALSE));
}

static void
add_staff_message (sqlite3_stmt *stmt,
                   gpointer      messages)
{
  json_array_add_object_element (messages, message_from_stmt (stmt, TRUE));
}

/* Messages of @id after @after as a JSON array, NULL on SQL errors. */
static JsonArray *
messages_after (SpDb        *db,
                const char  *id,
                gint64       after,
                gboolean     staff,
                GError     **error)
{
  g_autoptr(JsonArray) messages = json_array_new ();
  sqlite3_stmt *stmt;

  if (!(stmt = sp_db_prepare (db,
                              "SELECT id, sender, staff_user, text, created FROM handoff_message "
                              "WHERE conversation_id = ?1 AND id > ?2 ORDER BY id LIMIT 1000",
                              error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, after);
  if (!_sp_storage_sqlite_each_row (db, stmt, staff ? add_staff_message : add_message, messages, error))
    return NULL;

  return g_steal_pointer (&messages);
}

JsonNode *
sp_storage_handoff_messages (SpStorage   *self,
                             const char  *id,
                             gint64       after,
                             GError     **error)
{
  g_autofree char *state = NULL;
  JsonArray *messages = NULL;
  JsonObject *root;
  JsonNode *node = NULL;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  /* One read transaction: state and messages of the same moment. */
  if (!sp_db_exec (db, "BEGIN", error))
    goto out;
  if ((state = conversation_state (db, id, error)) != NULL &&
      (messages = messages_after (db, id, after, FALSE, error)) != NULL)
    {
      root = json_object_new ();
      json_object_set_array_member (root, "messages", messages);
      json_object_set_string_member (root, "state", state);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, root);
    }
  sp_db_exec (db, "COMMIT", NULL);

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return node;
}

#define SUMMARY_SQL \
  "SELECT c.id, c.kind, c.channel, c.state, c.language, c.question, c.contact, c.assignee, " \
  "  c.created, c.updated, " \
  "  (SELECT count(*) FROM handoff_message m WHERE m.conversation_id = c.id), " \
  "  (SELECT count(*) FROM handoff_message m WHERE m.conversation_id = c.id AND m.sender = 'citizen' " \
  "     AND m.id > coalesce((SELECT max(s.id) FROM handoff_message s " \
  "                          WHERE s.conversation_id = c.id AND s.sender = 'staff'), 0)), " \
  "  l.id, l.sender, l.staff_user, l.text, l.created " \
  "FROM handoff_conversation c " \
  "LEFT JOIN handoff_message l ON l.id = (SELECT max(id) FROM handoff_message x WHERE x.conversation_id = c.id) "

static void
set_text_or_null (JsonObject   *o,
                  const char   *name,
                  sqlite3_stmt *stmt,
                  int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (o, name);
  else
    json_object_set_string_member (o, name, (const char *) sqlite3_column_text (stmt, col));
}

static JsonObject *
summary_from_stmt (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (o, "kind", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "channel", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_string_member (o, "state", (const char *) sqlite3_column_text (stmt, 3));
  json_object_set_string_member (o, "language", (const char *) sqlite3_column_text (stmt, 4));
  set_text_or_null (o, "question", stmt, 5);
  set_text_or_null (o, "contact", stmt, 6);
  set_text_or_null (o, "assignee", stmt, 7);
  json_object_set_int_member (o, "created", sqlite3_column_int64 (stmt, 8));
  json_object_set_int_member (o, "updated", sqlite3_column_int64 (stmt, 9));
  json_object_set_int_member (o, "messages", sqlite3_column_int64 (stmt, 10));
  /* Citizen messages since the last staff answer. */
  json_object_set_int_member (o, "unanswered", sqlite3_column_int64 (stmt, 11));
  if (sqlite3_column_type (stmt, 12) == SQLITE_NULL)
    json_object_set_null_member (o, "last_message");
  else
    {
      JsonObject *m = json_object_new ();

      json_object_set_int_member (m, "id", sqlite3_column_int64 (stmt, 12));
      json_object_set_string_member (m, "sender", (const char *) sqlite3_column_text (stmt, 13));
      set_text_or_null (m, "staff_user", stmt, 14);
      json_object_set_string_member (m, "text", (const char *) sqlite3_column_text (stmt, 15));
      json_object_set_int_member (m, "created", sqlite3_column_int64 (stmt, 16));
      json_object_set_object_member (o, "last_message", m);
    }

  return o;
}

static void
add_summary (sqlite3_stmt *stmt,
             gpointer      list)
{
  json_array_add_object_element (list, summary_from_stmt (stmt));
}

JsonNode *
sp_storage_handoff_list (SpStorage          *self,
                         const char         *state,
                         const char * const *ids,
                         GError            **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  JsonObject *root;
  JsonNode *node = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);

  if (ids != NULL)
    {
      /* The conversations that changed (staff long-poll), any state. */
      if (!(stmt = sp_db_prepare (db, SUMMARY_SQL "WHERE c.id = ?1", error)))
        goto out;
      for (guint i = 0; ids[i] != NULL; i++)
        {
          sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            json_array_add_object_element (list, summary_from_stmt (stmt));
          sqlite3_reset (stmt);
          if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            {
              sp_db_set_error (db, error);
              goto out;
            }
        }
    }
  else
    {
      /* Waiting ones oldest first (who waits longest comes first), the
       * others newest first; closed ones last. */
      if (!(stmt = sp_db_prepare (db,
                                  SUMMARY_SQL
                                  "WHERE (?1 IS NULL OR c.state = ?1 "
                                  "       OR (?1 = 'open' AND c.state IN ('waiting', 'active'))) "
                                  "ORDER BY CASE c.state WHEN 'waiting' THEN 0 WHEN 'active' THEN 1 ELSE 2 END, "
                                  "  CASE c.state WHEN 'waiting' THEN c.created ELSE -c.updated END, c.id "
                                  "LIMIT 1000",
                                  error)))
        goto out;
      if (state != NULL)
        sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
      if (!_sp_storage_sqlite_each_row (db, stmt, add_summary, list, error))
        goto out;
    }

  root = json_object_new ();
  json_object_set_array_member (root, "conversations", g_steal_pointer (&list));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return node;
}

JsonNode *
sp_storage_handoff_get (SpStorage   *self,
                        const char  *id,
                        GError     **error)
{
  JsonObject *conversation = NULL;
  JsonArray *messages;
  JsonNode *node = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  if (!sp_db_exec (db, "BEGIN", error))
    goto out;
  if (!(stmt = sp_db_prepare (db, SUMMARY_SQL "WHERE c.id = ?1", error)))
    goto end;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    conversation = summary_from_stmt (stmt);
  sqlite3_reset (stmt);
  if (conversation == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such conversation");
      else
        sp_db_set_error (db, error);
      goto end;
    }

  if (!(messages = messages_after (db, id, 0, TRUE, error)))
    {
      json_object_unref (conversation);
      goto end;
    }
  json_object_set_array_member (conversation, "transcript", messages);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, conversation);

end:
  sp_db_exec (db, "COMMIT", NULL);
out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return node;
}

gboolean
sp_storage_handoff_close (SpStorage   *self,
                          const char  *id,
                          gint64       now,
                          gboolean    *was_closed,
                          GError     **error)
{
  g_autofree char *state = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  if (!(state = conversation_state (db, id, error)))
    goto fail;
  if (was_closed != NULL)
    *was_closed = strcmp (state, "closed") == 0;

  if (strcmp (state, "closed") != 0)
    {
      if (!(stmt = sp_db_prepare (db,
                                  "UPDATE handoff_conversation SET state = 'closed', updated = ?2 WHERE id = ?1",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  return _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
}

gint64
sp_storage_handoff_purge (SpStorage   *self,
                          gint64       idle_before,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  SpDb *db;

  g_return_val_if_fail (self != NULL, -1);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return -1;

  /* Messages go with their conversation (ON DELETE CASCADE); deleted
   * explicitly as well, so that a database opened without foreign keys
   * keeps no orphans. */
  if (!(stmt = sp_db_prepare (db,
                              "DELETE FROM handoff_message WHERE conversation_id IN "
                              "(SELECT id FROM handoff_conversation WHERE updated < ?1)",
                              error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, idle_before);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;

  if (!(stmt = sp_db_prepare (db,
                              "DELETE FROM handoff_conversation WHERE updated < ?1",
                              error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, idle_before);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;
  n = sqlite3_changes (sp_db_handle (db));

  return _sp_storage_sqlite_write_end (self, db, TRUE, error) ? n : -1;

fail:
  _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
  return -1;
}
