/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-feedback"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-error.h"

/* The citizen feedback part of the SQLite storage backend: reads for the
 * public ticket view, Open311 and the statistics. Citizen feedback is
 * written through sp_storage_push_as_server (it syncs to editors); these
 * queries never return a citizen's text or contact data, except
 * sp_storage_feedback_expired_contacts() which returns row ids only. */

GHashTable *
sp_storage_feedback_settings (SpStorage  *self,
                              GError    **error)
{
  g_autoptr(GHashTable) settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  /* Later rows win: the row the desktop writes ("feedback_setting.KEY")
   * over any other row with that key, then the newest. */
  if ((stmt = sp_db_prepare (db,
                             "SELECT key, value FROM feedback_setting "
                             "WHERE deleted = 0 AND key IS NOT NULL AND value IS NOT NULL "
                             "ORDER BY id = 'feedback_setting.' || key, version",
                             error)))
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_hash_table_replace (settings,
                              g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                              g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      ok = rc == SQLITE_DONE || sp_db_set_error (db, error);
      sqlite3_reset (stmt);
    }
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&settings) : NULL;
}

char *
sp_storage_feedback_service_name (SpStorage  *self,
                                  const char *service_id)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  char *name = NULL;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  if (service_id == NULL || *service_id == '\0')
    return NULL;

  db = _sp_storage_sqlite_lock (self, FALSE);
  if ((stmt = sp_db_prepare (db,
                             "SELECT coalesce(name, '') FROM service "
                             "WHERE id = ?1 AND deleted = 0 AND status = 'published'",
                             &error)))
    {
      sqlite3_bind_text (stmt, 1, service_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  else
    g_warning ("Cannot look up service %s: %s", service_id, error->message);
  _sp_storage_sqlite_unlock (self, FALSE);

  return name;
}

/* -- public view ------------------------------------------------------------ */

#define PUBLIC_COLUMNS \
  "SELECT f.id, f.hlc, f.ticket, coalesce(f.service_id, ''), s.name, f.state, " \
  "  f.created, f.due, f.reply, f.replied, f.address, f.lat, f.lon " \
  "FROM feedback f LEFT JOIN service s " \
  "  ON s.id = f.service_id AND s.deleted = 0 AND s.status = 'published' "

static const char * const public_names[] = {
  "id", "hlc", "ticket", "service_id", "service_name", "state",
  "created", "due", "reply", "replied", "address", "lat", "lon",
};

static void
add_public_row (sqlite3_stmt *stmt,
                gpointer      user_data)
{
  JsonArray *rows = user_data;
  JsonObject *o = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (public_names); i++)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, i);

      /* The service name stays null for no or an unpublished service. */
      if (value == NULL && strcmp (public_names[i], "service_name") == 0)
        json_object_set_null_member (o, public_names[i]);
      else
        json_object_set_string_member (o, public_names[i], value ? value : "");
    }
  json_array_add_object_element (rows, o);
}

/* Runs the bound @stmt and unlocks the reader: its rows as public
 * objects, NULL on failure. */
static JsonArray *
read_public_rows (SpStorage     *self,
                  SpDb          *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  gboolean ok;

  ok = _sp_storage_sqlite_each_row (db, stmt, add_public_row, rows, error);
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&rows) : NULL;
}

JsonObject *
sp_storage_feedback_by_ticket (SpStorage   *self,
                               const char  *ticket,
                               GError     **error)
{
  g_autoptr(JsonArray) rows = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (ticket != NULL, NULL);

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db,
                                                PUBLIC_COLUMNS "WHERE f.ticket = ?1 AND f.deleted = 0 "
                                                "ORDER BY f.created LIMIT 1",
                                                error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, ticket, -1, SQLITE_TRANSIENT);

  if (!(rows = read_public_rows (self, db, stmt, error)))
    return NULL;
  if (json_array_get_length (rows) == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No feedback with ticket %s", ticket);
      return NULL;
    }
  return json_object_ref (json_array_get_object_element (rows, 0));
}

JsonArray *
sp_storage_feedback_list (SpStorage   *self,
                          const char  *service_id,
                          const char  *from,
                          const char  *until,
                          const char  *status,
                          guint        limit,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  /* Newest first along the created index; the other filters are cheap. */
  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db,
                                                PUBLIC_COLUMNS
                                                "WHERE f.created >= ?2 AND f.created < ?3 AND f.deleted = 0 "
                                                "  AND f.state != 'spam' "
                                                "  AND (?1 IS NULL OR coalesce(f.service_id, '') = ?1) "
                                                "  AND (?4 IS NULL OR ?4 = CASE WHEN f.state IN ('new', 'in_progress') "
                                                "                          THEN 'open' ELSE 'closed' END) "
                                                "ORDER BY f.created DESC LIMIT ?5",
                                                error)))
    return NULL;
  if (service_id != NULL)
    sqlite3_bind_text (stmt, 1, service_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, from ? from : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, until ? until : "\x7f", -1, SQLITE_TRANSIENT);
  if (status != NULL)
    sqlite3_bind_text (stmt, 4, status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, limit ? limit : 1000);

  return read_public_rows (self, db, stmt, error);
}

/* -- statistics --------------------------------------------------------------- */

static void
add_group (sqlite3_stmt *stmt,
           gpointer      user_data)
{
  JsonArray *groups = user_data;
  JsonObject *o = json_object_new ();
  const char *name = (const char *) sqlite3_column_text (stmt, 1);

  json_object_set_string_member (o, "service_id", (const char *) sqlite3_column_text (stmt, 0));
  if (name != NULL)
    json_object_set_string_member (o, "service_name", name);
  else
    json_object_set_null_member (o, "service_name");
  json_object_set_string_member (o, "state", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_string_member (o, "day", (const char *) sqlite3_column_text (stmt, 3));
  json_object_set_int_member (o, "count", sqlite3_column_int64 (stmt, 4));
  json_object_set_int_member (o, "rating_sum", sqlite3_column_int64 (stmt, 5));
  json_object_set_int_member (o, "rated", sqlite3_column_int64 (stmt, 6));
  json_array_add_object_element (groups, o);
}

JsonArray *
sp_storage_feedback_stats (SpStorage   *self,
                           const char  *from,
                           const char  *until,
                           GError     **error)
{
  g_autoptr(JsonArray) groups = json_array_new ();
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db,
                                                "SELECT coalesce(f.service_id, ''), s.name, coalesce(f.state, 'new'), "
                                                "  substr(f.created, 1, 10) AS day, count(*), "
                                                "  sum(CASE WHEN f.rating BETWEEN 1 AND 5 THEN f.rating ELSE 0 END), "
                                                "  sum(f.rating BETWEEN 1 AND 5) "
                                                "FROM feedback f LEFT JOIN service s ON s.id = f.service_id AND s.deleted = 0 "
                                                "WHERE f.created >= ?1 AND f.created < ?2 AND f.deleted = 0 "
                                                "GROUP BY 1, 3, 4 ORDER BY 1, 4",
                                                error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, from ? from : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, until ? until : "\x7f", -1, SQLITE_TRANSIENT);

  ok = _sp_storage_sqlite_each_row (db, stmt, add_group, groups, error);
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&groups) : NULL;
}

/* -- retention ------------------------------------------------------------------ */

static void
add_row_ref (sqlite3_stmt *stmt,
             gpointer      user_data)
{
  SpChange *change = sp_change_new_upsert ((const char *) sqlite3_column_text (stmt, 0),
                                           g_strdup ((const char *) sqlite3_column_text (stmt, 1)));

  change->base_version = sqlite3_column_int64 (stmt, 2);
  g_ptr_array_add (user_data, change);
}

/* Upserts without fields (id and base_version) of the rows @sql selects
 * as (entity, id, version), with @params bound as ?1, ?2, ... */
static GPtrArray *
row_refs (SpStorage           *self,
          const char          *sql,
          const char * const  *params,
          GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  if (!(stmt = _sp_storage_sqlite_lock_prepare (self, FALSE, &db, sql, error)))
    return NULL;
  for (guint i = 0; params[i] != NULL; i++)
    sqlite3_bind_text (stmt, i + 1, params[i], -1, SQLITE_TRANSIENT);

  ok = _sp_storage_sqlite_each_row (db, stmt, add_row_ref, rows, error);
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&rows) : NULL;
}

GPtrArray *
sp_storage_feedback_expired_contacts (SpStorage   *self,
                                      const char  *created_before,
                                      GError     **error)
{
  const char * const params[] = { created_before, NULL };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (created_before != NULL, NULL);

  return row_refs (self,
                   "SELECT 'feedback', id, version FROM feedback "
                   "WHERE created < ?1 AND deleted = 0 AND contact IS NOT NULL AND contact != '' "
                   "UNION ALL "
                   "SELECT 'conflict', c.id, c.version FROM conflict c "
                   "  JOIN feedback f ON f.id = c.row_id "
                   "WHERE c.entity = 'feedback' AND c.field = 'contact' AND c.deleted = 0 "
                   "  AND f.created < ?1 "
                   "  AND (coalesce(c.lost_value, '\"\"') NOT IN ('\"\"', 'null') "
                   "    OR coalesce(c.kept_value, '\"\"') NOT IN ('\"\"', 'null'))",
                   params, error);
}

GPtrArray *
sp_storage_feedback_followup_ref (SpStorage   *self,
                                  const char  *ticket,
                                  const char  *created_after,
                                  GError     **error)
{
  const char * const params[] = { ticket, created_after, NULL };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (ticket != NULL, NULL);
  g_return_val_if_fail (created_after != NULL, NULL);

  return row_refs (self,
                   "SELECT 'feedback', id, version FROM feedback "
                   "WHERE ticket = ?1 AND created >= ?2 AND deleted = 0 AND state = 'new' "
                   "  AND coalesce(text, '') = '' AND channel != 'open311'",
                   params, error);
}
