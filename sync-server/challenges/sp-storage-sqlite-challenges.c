/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-challenges"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-error.h"
#include "sp-json-util.h"

/* The hackathon part of the SQLite storage backend: public reads of the
 * `challenge` rows with their accepted solutions, the editors' counts, and
 * the rows whose team contact is due for deletion. Writes go through
 * sp_storage_push_as_server(). */

/* Solutions that count as developed (all but spam) and as accepted. */
#define COUNT_SUBMITTED \
  "(SELECT count(*) FROM challenge_solution s WHERE s.challenge_id = c.id" \
  "  AND s.deleted = 0 AND coalesce(s.state, 'submitted') <> 'spam')"
#define COUNT_STATE(states) \
  "(SELECT count(*) FROM challenge_solution s WHERE s.challenge_id = c.id" \
  "  AND s.deleted = 0 AND s.state IN (" states "))"
#define POSTED "c.deleted = 0 AND c.status IN ('published', 'closed')"

static const char * const public_columns[] = {
  "id", "title", "problem", "data", "department", "contact", "event",
  "event_date", "deadline", "status",
};

#define PUBLIC_SELECT \
  "SELECT c.id, c.title, c.problem, c.data, c.department, c.contact, c.event," \
  "  c.event_date, c.deadline, c.status," \
  "  (c.status = 'published' AND (coalesce(c.deadline, '') = '' OR c.deadline >= ?1)) AS open," \
  "  " COUNT_SUBMITTED ", " COUNT_STATE ("'accepted', 'winner'") \
  " FROM challenge c WHERE " POSTED

static void
set_text_column (JsonObject   *object,
                 const char   *name,
                 sqlite3_stmt *stmt,
                 int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  json_object_set_string_member (object, name, text ? text : "");
}

static void
add_public_challenge (sqlite3_stmt *stmt,
                      gpointer      user_data)
{
  JsonArray *array = user_data;
  JsonObject *o = json_object_new ();
  int n = G_N_ELEMENTS (public_columns);

  for (int i = 0; i < n; i++)
    set_text_column (o, public_columns[i], stmt, i);
  json_object_set_boolean_member (o, "open", sqlite3_column_int (stmt, n) != 0);
  json_object_set_int_member (o, "solution_count", sqlite3_column_int64 (stmt, n + 1));
  json_object_set_int_member (o, "accepted_count", sqlite3_column_int64 (stmt, n + 2));
  json_array_add_object_element (array, o);
}

static void
add_public_solution (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  static const char * const columns[] = {
    "id", "title", "description", "link", "team", "licence", "created", "state",
  };
  JsonArray *array = user_data;
  JsonObject *o = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    set_text_column (o, columns[i], stmt, i);
  json_array_add_object_element (array, o);
}

/* Binds @today (and @id when not NULL) and collects the rows of @sql. */
static JsonArray *
query_challenges (SpStorage   *self,
                  const char  *sql,
                  const char  *id,
                  const char  *today,
                  GError     **error)
{
  g_autoptr(JsonArray) array = json_array_new ();
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  db = _sp_storage_sqlite_lock (self, FALSE);
  ok = (stmt = sp_db_prepare (db, sql, error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
      if (id != NULL)
        sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      ok = _sp_storage_sqlite_each_row (db, stmt, add_public_challenge, array, error);
    }
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&array) : NULL;
}

JsonNode *
sp_storage_challenges_public (SpStorage   *self,
                              const char  *today,
                              GError     **error)
{
  JsonArray *array;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (today != NULL, NULL);

  array = query_challenges (self,
                            PUBLIC_SELECT
                            " ORDER BY open DESC,"
                            "  CASE WHEN open THEN coalesce(nullif(c.deadline, ''), '9999') END,"
                            "  coalesce(nullif(c.event_date, ''), c.deadline) DESC, c.title",
                            NULL, today, error);
  if (array == NULL)
    return NULL;
  return sp_json_array_node (array);
}

JsonNode *
sp_storage_challenge_public (SpStorage   *self,
                             const char  *id,
                             const char  *today,
                             GError     **error)
{
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonArray) solutions = json_array_new ();
  JsonObject *challenge;
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL && today != NULL, NULL);

  found = query_challenges (self, PUBLIC_SELECT " AND c.id = ?2", id, today, error);
  if (found == NULL)
    return NULL;
  if (json_array_get_length (found) == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such challenge");
      return NULL;
    }

  db = _sp_storage_sqlite_lock (self, FALSE);
  ok = (stmt = sp_db_prepare (db,
                              "SELECT id, title, description, link, team, licence, created, state"
                              " FROM challenge_solution"
                              " WHERE challenge_id = ?1 AND deleted = 0 AND state IN ('accepted', 'winner')"
                              " ORDER BY state = 'winner' DESC, created, id",
                              error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      ok = _sp_storage_sqlite_each_row (db, stmt, add_public_solution, solutions, error);
    }
  _sp_storage_sqlite_unlock (self, FALSE);
  if (!ok)
    return NULL;

  challenge = json_array_get_object_element (found, 0);
  json_object_set_array_member (challenge, "solutions", g_steal_pointer (&solutions));
  return json_node_init_object (json_node_alloc (), challenge);
}

/* -- counts for editors ------------------------------------------------------ */

typedef struct {
  JsonArray  *challenges;
  GTree      *years;        /* year string -> gint64[3] problems, submitted, accepted */
  gint64      totals[3];
} StatsData;

static void
add_stats_row (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  static const char * const columns[] = {
    "id", "title", "department", "event", "event_date", "deadline", "status",
  };
  StatsData *d = user_data;
  JsonObject *o = json_object_new ();
  const char *event_date = (const char *) sqlite3_column_text (stmt, 4);
  const char *deadline = (const char *) sqlite3_column_text (stmt, 5);
  const char *day = event_date != NULL && *event_date ? event_date : deadline;
  gint64 counts[3] = { 1, sqlite3_column_int64 (stmt, 7), sqlite3_column_int64 (stmt, 8) };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    set_text_column (o, columns[i], stmt, i);
  json_object_set_int_member (o, "submitted", counts[1]);
  json_object_set_int_member (o, "accepted", counts[2]);
  json_object_set_int_member (o, "winners", sqlite3_column_int64 (stmt, 9));
  json_array_add_object_element (d->challenges, o);

  for (guint i = 0; i < 3; i++)
    d->totals[i] += counts[i];

  if (day != NULL && strlen (day) >= 4 && g_ascii_isdigit (day[0]))
    {
      g_autofree char *year = g_strndup (day, 4);
      gint64 *sums = g_tree_lookup (d->years, year);

      if (sums == NULL)
        {
          sums = g_new0 (gint64, 3);
          g_tree_insert (d->years, g_steal_pointer (&year), sums);
        }
      for (guint i = 0; i < 3; i++)
        sums[i] += counts[i];
    }
}

static int
compare_years (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (a, b);
}

static gboolean
add_year (gpointer key,
          gpointer value,
          gpointer user_data)
{
  JsonArray *years = user_data;
  const gint64 *sums = value;
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "year", g_ascii_strtoll (key, NULL, 10));
  json_object_set_int_member (o, "problems", sums[0]);
  json_object_set_int_member (o, "submitted", sums[1]);
  json_object_set_int_member (o, "accepted", sums[2]);
  json_array_add_object_element (years, o);
  return FALSE;
}

JsonNode *
sp_storage_challenges_stats (SpStorage  *self,
                             GError    **error)
{
  g_autoptr(JsonArray) challenges = json_array_new ();
  g_autoptr(GTree) years = g_tree_new_full (compare_years, NULL, g_free, g_free);
  StatsData data = { challenges, years, { 0, 0, 0 } };
  JsonObject *result;
  JsonArray *year_array;
  JsonNode *node;
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  ok = (stmt = sp_db_prepare (db,
                              "SELECT c.id, c.title, c.department, c.event, c.event_date, c.deadline, c.status, "
                              COUNT_SUBMITTED ", " COUNT_STATE ("'accepted', 'winner'") ", "
                              COUNT_STATE ("'winner'")
                              " FROM challenge c WHERE " POSTED
                              " ORDER BY coalesce(nullif(c.event_date, ''), c.deadline) DESC, c.title",
                              error)) != NULL &&
       _sp_storage_sqlite_each_row (db, stmt, add_stats_row, &data, error);
  _sp_storage_sqlite_unlock (self, FALSE);
  if (!ok)
    return NULL;

  result = json_object_new ();
  json_object_set_int_member (result, "problems_posted", data.totals[0]);
  json_object_set_int_member (result, "solutions_submitted", data.totals[1]);
  json_object_set_int_member (result, "solutions_accepted", data.totals[2]);
  json_object_set_array_member (result, "challenges", g_steal_pointer (&challenges));
  year_array = json_array_new ();
  g_tree_foreach (years, add_year, year_array);
  json_object_set_array_member (result, "years", year_array);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, result);
  return node;
}

/* -- retention ------------------------------------------------------------------ */

static void
add_contact_clearing (sqlite3_stmt *stmt,
                      gpointer      user_data)
{
  GPtrArray *changes = user_data;
  SpChange *change = sp_change_new_upsert ("challenge_solution",
                                           g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

  /* Based on the stored version: the cleared contact replaces the value
   * instead of being merged as a concurrent edit (which would keep the
   * old contact in a conflict record). */
  change->base_version = sqlite3_column_int64 (stmt, 1);
  json_object_set_string_member (change->fields, "contact", "");
  g_ptr_array_add (changes, change);
}

GPtrArray *
sp_storage_challenge_expired_contacts (SpStorage   *self,
                                       const char  *today,
                                       guint        default_days,
                                       GError     **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  sqlite3_stmt *stmt;
  gboolean ok;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (today != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  ok = (stmt = sp_db_prepare (db,
                              "WITH setting (days) AS ("
                              "  SELECT coalesce((SELECT CAST(value AS INTEGER) FROM feedback_setting"
                              "    WHERE id = 'feedback_setting.contact_retention_days' AND deleted = 0"
                              "      AND CAST(value AS INTEGER) > 0), ?2))"
                              " SELECT s.id, s.version FROM challenge_solution s"
                              "  LEFT JOIN challenge c ON c.id = s.challenge_id, setting"
                              " WHERE s.deleted = 0 AND coalesce(s.contact, '') <> ''"
                              "  AND date(coalesce(nullif(c.event_date, ''), nullif(c.deadline, ''),"
                              "                    substr(s.created, 1, 10)),"
                              "           '+' || setting.days || ' days') < ?1",
                              error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, default_days);
      ok = _sp_storage_sqlite_each_row (db, stmt, add_contact_clearing, changes, error);
    }
  _sp_storage_sqlite_unlock (self, FALSE);

  return ok ? g_steal_pointer (&changes) : NULL;
}
