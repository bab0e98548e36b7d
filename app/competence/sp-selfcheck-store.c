/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-selfcheck-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-error.h"
#include "sp-selfcheck-store.h"

#define RUN_COLUMNS "id, catalogue_id, year, started, finished, org_unit, submitted"

void
sp_selfcheck_run_free (SpSelfcheckRun *run)
{
  if (run == NULL)
    return;
  g_free (run->id);
  g_free (run->catalogue_id);
  g_free (run->started);
  g_free (run->finished);
  g_free (run->org_unit);
  g_free (run);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup (text) : NULL;
}

static SpSelfcheckRun *
run_from_stmt (sqlite3_stmt *stmt)
{
  SpSelfcheckRun *run = g_new0 (SpSelfcheckRun, 1);

  run->id = column_dup (stmt, 0);
  run->catalogue_id = column_dup (stmt, 1);
  run->year = sqlite3_column_int (stmt, 2);
  run->started = column_dup (stmt, 3);
  run->finished = column_dup (stmt, 4);
  run->org_unit = column_dup (stmt, 5);
  run->submitted = sqlite3_column_int (stmt, 6) != 0;
  return run;
}

/* Runs a prepared query that yields runs; @first: only the first row. */
static GPtrArray *
collect_runs (SpDb          *db,
              sqlite3_stmt  *stmt,
              gboolean       first,
              GError       **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_selfcheck_run_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (runs, run_from_stmt (stmt));
      if (first)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&runs);
}

static SpSelfcheckRun *
first_run (GPtrArray *runs)
{
  SpSelfcheckRun *run;

  if (runs == NULL || runs->len == 0)
    {
      g_clear_pointer (&runs, g_ptr_array_unref);
      return NULL;
    }
  run = g_ptr_array_steal_index (runs, 0);
  g_ptr_array_unref (runs);
  return run;
}

SpSelfcheckRun *
sp_selfcheck_run_get_unfinished (SpDb    *db,
                                 GError **error)
{
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (db, "SELECT " RUN_COLUMNS " FROM selfcheck_run"
                            " WHERE finished IS NULL ORDER BY started DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  return first_run (collect_runs (db, stmt, TRUE, error));
}

SpSelfcheckRun *
sp_selfcheck_run_get (SpDb        *db,
                      const char  *run_id,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (run_id != NULL, NULL);

  stmt = sp_db_prepare (db, "SELECT " RUN_COLUMNS " FROM selfcheck_run WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  return first_run (collect_runs (db, stmt, TRUE, error));
}

GPtrArray *
sp_selfcheck_run_list_finished (SpDb    *db,
                                GError **error)
{
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (db, "SELECT " RUN_COLUMNS " FROM selfcheck_run"
                            " WHERE finished IS NOT NULL ORDER BY year DESC, finished DESC", error);
  if (stmt == NULL)
    return NULL;
  return collect_runs (db, stmt, FALSE, error);
}

char *
sp_selfcheck_run_start (SpDb        *db,
                        const char  *catalogue_id,
                        int          year,
                        const char  *org_unit,
                        GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *started = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (catalogue_id != NULL, NULL);

  stmt = sp_db_prepare (db, "INSERT INTO selfcheck_run (id, catalogue_id, year, started, org_unit)"
                            " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, catalogue_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, year);
  sqlite3_bind_text (stmt, 4, started, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, org_unit != NULL ? org_unit : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&id);
}

static gboolean
exec_with_id (SpDb        *db,
              const char  *sql,
              const char  *run_id,
              GError     **error)
{
  sqlite3_stmt *stmt = sp_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  return TRUE;
}

static char *
step_key (const char *run_id)
{
  return g_strconcat ("selfcheck.step.", run_id, NULL);
}

gboolean
sp_selfcheck_run_delete (SpDb        *db,
                         const char  *run_id,
                         GError     **error)
{
  g_autofree char *key = step_key (run_id);

  if (!sp_db_begin (db, error))
    return FALSE;
  if (!exec_with_id (db, "DELETE FROM selfcheck_answer WHERE run_id = ?", run_id, error) ||
      !exec_with_id (db, "DELETE FROM selfcheck_result WHERE run_id = ?", run_id, error) ||
      !exec_with_id (db, "DELETE FROM selfcheck_run WHERE id = ?", run_id, error) ||
      !exec_with_id (db, "DELETE FROM meta WHERE key = ?", key, error))
    {
      sp_db_rollback (db);
      return FALSE;
    }
  return sp_db_commit (db, error);
}

static GStrv
parse_id_array (const char *json_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (json_text != NULL && json_parser_load_from_data (parser, json_text, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  return g_strv_builder_end (builder);
}

GHashTable *
sp_selfcheck_answers_load (SpDb        *db,
                           const char  *run_id,
                           GError     **error)
{
  g_autoptr(GHashTable) answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_strfreev);
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (db, "SELECT question_id, option_ids FROM selfcheck_answer WHERE run_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GStrv ids = parse_id_array ((const char *) sqlite3_column_text (stmt, 1));

      if (ids[0] == NULL)
        {
          g_strfreev (ids);
          continue;
        }
      g_hash_table_replace (answers, column_dup (stmt, 0), ids);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&answers);
}

gboolean
sp_selfcheck_answer_save (SpDb               *db,
                          const char         *run_id,
                          const char         *question_id,
                          const char * const *option_ids,
                          GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *answered = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (run_id != NULL && question_id != NULL, FALSE);

  json_builder_begin_array (builder);
  for (guint i = 0; option_ids != NULL && option_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, option_ids[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  stmt = sp_db_prepare (db, "INSERT INTO selfcheck_answer (run_id, question_id, option_ids, answered)"
                            " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, question_id)"
                            " DO UPDATE SET option_ids = excluded.option_ids, answered = excluded.answered",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, question_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, answered, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  return TRUE;
}

int
sp_selfcheck_run_get_step (SpDb       *db,
                           const char *run_id)
{
  g_autofree char *key = step_key (run_id);
  g_autofree char *value = sp_db_meta_get (db, key);

  return value != NULL ? (int) g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
sp_selfcheck_run_set_step (SpDb        *db,
                           const char  *run_id,
                           int          step,
                           GError     **error)
{
  g_autofree char *key = step_key (run_id);
  g_autofree char *value = g_strdup_printf ("%d", step);

  return sp_db_meta_set (db, key, value, error);
}

gboolean
sp_selfcheck_run_finish (SpDb              *db,
                         const char        *run_id,
                         SpCompetenceScore *score,
                         GError           **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *finished = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (run_id != NULL && score != NULL, FALSE);

  if (!sp_db_begin (db, error))
    return FALSE;
  if (!exec_with_id (db, "DELETE FROM selfcheck_result WHERE run_id = ?", run_id, error))
    goto fail;

  for (guint i = 0; i < score->competences->len; i++)
    {
      SpCompetenceLevel *level = g_ptr_array_index (score->competences, i);
      int rc;

      if (level->level < SP_COMPETENCE_LEVEL_MIN)
        continue;
      stmt = sp_db_prepare (db, "INSERT INTO selfcheck_result (run_id, competence_code, level)"
                                " VALUES (?, ?, ?)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, level->code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, level->level);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          sp_db_set_error (db, error);
          goto fail;
        }
    }

  stmt = sp_db_prepare (db, "UPDATE selfcheck_run SET finished = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, finished, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, run_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      sp_db_set_error (db, error);
      goto fail;
    }
  sqlite3_reset (stmt);
  return sp_db_commit (db, error);

fail:
  sp_db_rollback (db);
  return FALSE;
}

GHashTable *
sp_selfcheck_results_load (SpDb        *db,
                           const char  *run_id,
                           GError     **error)
{
  g_autoptr(GHashTable) results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (db, "SELECT competence_code, level FROM selfcheck_result WHERE run_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, run_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_replace (results, column_dup (stmt, 0), GINT_TO_POINTER (sqlite3_column_int (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&results);
}

gboolean
sp_selfcheck_run_set_submitted (SpDb        *db,
                                const char  *run_id,
                                GError     **error)
{
  return exec_with_id (db, "UPDATE selfcheck_run SET submitted = 1 WHERE id = ?", run_id, error);
}

char *
sp_selfcheck_catalogue_key (const char *catalogue_id)
{
  const char *dot;

  if (catalogue_id == NULL)
    return NULL;
  dot = strrchr (catalogue_id, '.');
  return dot != NULL ? g_strndup (catalogue_id, dot - catalogue_id) : g_strdup (catalogue_id);
}

SpSelfcheckRun *
sp_selfcheck_run_find_previous (SpDb            *db,
                                SpSelfcheckRun  *run,
                                GError         **error)
{
  g_autoptr(GPtrArray) runs = sp_selfcheck_run_list_finished (db, error);
  g_autofree char *key = sp_selfcheck_catalogue_key (run->catalogue_id);

  if (runs == NULL)
    return NULL;

  /* Newest year first: the first earlier year of the same catalogue. */
  for (guint i = 0; i < runs->len; i++)
    {
      SpSelfcheckRun *other = g_ptr_array_index (runs, i);
      g_autofree char *other_key = sp_selfcheck_catalogue_key (other->catalogue_id);

      if (other->year < run->year && g_strcmp0 (key, other_key) == 0)
        return g_ptr_array_steal_index (runs, i);
    }
  return NULL;
}
