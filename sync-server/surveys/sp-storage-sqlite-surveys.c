/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-surveys"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-entity.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-survey.h"

/* The survey part of the SQLite storage backend: the synced definition
 * tables survey, survey_question and survey_option (read only here) and
 * the server-only tables survey_response, survey_answer (one row per
 * atomic answer, so that results are plain SQL aggregates) and
 * survey_code. A response holds the day and the language only; access
 * codes are stored as SHA-256 hex and never linked to a response. */

#define TEXTS_MAX 200   /* latest free texts in a text summary */

/* A survey row taking responses on the day bound to ?N (opens and closes
 * inclusive, "" = no bound). */
#define OPEN_ON(n) \
  "status = 'published' " \
  "AND (opens IS NULL OR opens = '' OR opens <= ?" #n ") " \
  "AND (closes IS NULL OR closes = '' OR closes >= ?" #n ")"

/* -- definition rows ---------------------------------------------------------- */

typedef struct {
  const SpEntity *entity;
  JsonArray      *rows;
} RowsCollect;

static JsonObject *
row_object (const SpEntity *entity,
            sqlite3_stmt   *stmt)
{
  g_autoptr(SpDbRow) row = sp_db_row_from_stmt (entity, stmt);
  JsonObject *o = json_object_ref (row->fields);

  json_object_set_string_member (o, "id", row->id);
  return o;
}

static void
collect_row (sqlite3_stmt *stmt,
             gpointer      user_data)
{
  RowsCollect *collect = user_data;

  json_array_add_object_element (collect->rows, row_object (collect->entity, stmt));
}

/* Live rows of @entity matching @where (one text parameter ?1). */
static JsonArray *
select_rows (SpDb        *db,
             const char  *entity_name,
             const char  *where,
             const char  *param,
             GError     **error)
{
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autofree char *sql = sp_db_select_sql (entity, where);
  g_autoptr(JsonArray) rows = json_array_new ();
  RowsCollect collect = { entity, rows };
  sqlite3_stmt *stmt;

  if (!(stmt = sp_db_prepare (db, sql, error)))
    return NULL;
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  if (!_sp_storage_sqlite_each_row (db, stmt, collect_row, &collect, error))
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
sp_storage_survey_rows (SpStorage   *self,
                        const char  *id,
                        JsonObject **survey,
                        JsonArray  **questions,
                        JsonArray  **options,
                        GError     **error)
{
  g_autoptr(JsonArray) surveys = NULL;
  g_autoptr(JsonArray) qrows = NULL;
  g_autoptr(JsonArray) orows = NULL;
  gboolean ok = FALSE;
  SpDb *db;

  g_return_val_if_fail (self != NULL && id != NULL, FALSE);
  g_return_val_if_fail (survey != NULL && questions != NULL && options != NULL, FALSE);

  db = _sp_storage_sqlite_lock (self, FALSE);
  if (!(surveys = select_rows (db, "survey", "WHERE id = ?1 AND deleted = 0", id, error)))
    goto out;
  if (json_array_get_length (surveys) == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such survey");
      goto out;
    }
  if (!(qrows = select_rows (db, "survey_question", "WHERE survey_id = ?1 AND deleted = 0", id, error)))
    goto out;
  if (!(orows = select_rows (db, "survey_option",
                             "WHERE deleted = 0 AND question_id IN "
                             "(SELECT id FROM survey_question WHERE survey_id = ?1 AND deleted = 0)",
                             id, error)))
    goto out;
  ok = TRUE;

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  if (!ok)
    return FALSE;
  *survey = json_object_ref (json_array_get_object_element (surveys, 0));
  *questions = g_steal_pointer (&qrows);
  *options = g_steal_pointer (&orows);
  return TRUE;
}

JsonArray *
sp_storage_surveys_open (SpStorage   *self,
                         const char  *today,
                         GError     **error)
{
  JsonArray *rows;
  SpDb *db;

  g_return_val_if_fail (self != NULL && today != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  rows = select_rows (db, "survey",
                      "WHERE deleted = 0 AND access = 'public' AND " OPEN_ON (1) " "
                      "ORDER BY (closes IS NULL OR closes = ''), closes, title, id",
                      today, error);
  _sp_storage_sqlite_unlock (self, FALSE);
  return rows;
}

/* -- responses -------------------------------------------------------------------- */

static SpSurveySubmit
code_state (SpDb        *db,
            const char  *survey_id,
            const char  *code_hash,
            GError     **error)
{
  sqlite3_stmt *stmt;
  SpSurveySubmit state = SP_SURVEY_SUBMIT_CODE_INVALID;

  if (!(stmt = sp_db_prepare (db, "SELECT used FROM survey_code WHERE survey_id = ?1 AND code_hash = ?2",
                              error)))
    return SP_SURVEY_SUBMIT_CODE_INVALID;
  sqlite3_bind_text (stmt, 1, survey_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, code_hash, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = sqlite3_column_int (stmt, 0) != 0 ? SP_SURVEY_SUBMIT_CODE_USED : SP_SURVEY_SUBMIT_STORED;
  sqlite3_reset (stmt);
  return state;
}

SpSurveySubmit
sp_storage_survey_code_state (SpStorage  *self,
                              const char *survey_id,
                              const char *code_hash)
{
  SpSurveySubmit state;
  SpDb *db;

  g_return_val_if_fail (self != NULL && survey_id != NULL && code_hash != NULL,
                        SP_SURVEY_SUBMIT_CODE_INVALID);

  db = _sp_storage_sqlite_lock (self, FALSE);
  state = code_state (db, survey_id, code_hash, NULL);
  _sp_storage_sqlite_unlock (self, FALSE);
  return state;
}

/* Whether survey @id is published and open on @today. */
static gboolean
survey_is_open (SpDb        *db,
                const char  *id,
                const char  *today,
                gboolean    *open,
                GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = sp_db_prepare (db,
                              "SELECT 1 FROM survey WHERE id = ?1 AND deleted = 0 AND " OPEN_ON (2),
                              error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  *open = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
sp_storage_survey_submit (SpStorage       *self,
                          const char      *survey_id,
                          const char      *code_hash,
                          const char      *today,
                          const char      *language,
                          GArray          *rows,
                          SpSurveySubmit  *result,
                          GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean open = FALSE;
  gint64 response_id;
  SpDb *db;

  g_return_val_if_fail (self != NULL && survey_id != NULL && today != NULL, FALSE);
  g_return_val_if_fail (language != NULL && rows != NULL && result != NULL, FALSE);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  if (!survey_is_open (db, survey_id, today, &open, error))
    goto fail;
  if (!open)
    {
      *result = SP_SURVEY_SUBMIT_CLOSED;
      _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
      return TRUE;
    }

  if (code_hash != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      SpSurveySubmit state = code_state (db, survey_id, code_hash, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (state != SP_SURVEY_SUBMIT_STORED)
        {
          *result = state;
          _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
          return TRUE;
        }
      if (!(stmt = sp_db_prepare (db,
                                  "UPDATE survey_code SET used = 1 "
                                  "WHERE survey_id = ?1 AND code_hash = ?2 AND used = 0",
                                  error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, survey_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, code_hash, -1, SQLITE_TRANSIENT);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO survey_response (survey_id, submitted, language) VALUES (?1, ?2, ?3)",
                              error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, survey_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, language, -1, SQLITE_TRANSIENT);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;
  response_id = sqlite3_last_insert_rowid (sp_db_handle (db));

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO survey_answer (response_id, question_id, item, option_id, rank, num, text) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              error)))
    goto fail;
  for (guint i = 0; i < rows->len; i++)
    {
      const SpSurveyAnswerRow *row = &g_array_index (rows, SpSurveyAnswerRow, i);

      sqlite3_bind_int64 (stmt, 1, response_id);
      sqlite3_bind_text (stmt, 2, row->question_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, row->item ? row->item : "", -1, SQLITE_TRANSIENT);
      if (row->option_id != NULL)
        sqlite3_bind_text (stmt, 4, row->option_id, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 4);
      if (row->rank > 0)
        sqlite3_bind_int64 (stmt, 5, row->rank);
      else
        sqlite3_bind_null (stmt, 5);
      if (row->has_num)
        sqlite3_bind_double (stmt, 6, row->num);
      else
        sqlite3_bind_null (stmt, 6);
      if (row->text != NULL)
        sqlite3_bind_text (stmt, 7, row->text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 7);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  *result = SP_SURVEY_SUBMIT_STORED;
  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
  return FALSE;
}

gboolean
sp_storage_survey_codes_add (SpStorage          *self,
                             const char         *survey_id,
                             const char * const *code_hashes,
                             gint64              created,
                             GError            **error)
{
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL && survey_id != NULL && code_hashes != NULL, FALSE);

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;
  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO survey_code (survey_id, code_hash, used, created) "
                              "VALUES (?1, ?2, 0, ?3)",
                              error)))
    goto fail;
  for (guint i = 0; code_hashes[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, survey_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, code_hashes[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, created);
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }
  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
  return FALSE;
}

/* -- results ------------------------------------------------------------------------ */

static JsonArray *
question_list (JsonObject *q,
               const char *name)
{
  JsonNode *node = json_object_get_member (q, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* {choice id: 0} for every choice of @q in @list. */
static JsonObject *
zero_counts (JsonObject *q,
             const char *list)
{
  JsonArray *array = question_list (q, list);
  JsonObject *o = json_object_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    json_object_set_int_member (o, sp_json_get_string_or (json_array_get_object_element (array, i), "id", ""), 0);
  return o;
}

static void
set_double_or_null (JsonObject   *o,
                    const char   *name,
                    sqlite3_stmt *stmt,
                    int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (o, name);
  else
    json_object_set_double_member (o, name, sqlite3_column_double (stmt, col));
}

/* Binds @qid as ?1, steps every row through @func. */
typedef void (*ResultRowFunc) (JsonObject *summary, sqlite3_stmt *stmt);

static gboolean
query_question (SpDb          *db,
                const char    *sql,
                const char    *qid,
                JsonObject    *summary,
                ResultRowFunc  func,
                GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = sp_db_prepare (db, sql, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, qid, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (summary, stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  return TRUE;
}

static const char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);

  return s ? s : "";
}

static void
row_answered (JsonObject   *summary,
              sqlite3_stmt *stmt)
{
  json_object_set_int_member (summary, "answered", sqlite3_column_int64 (stmt, 0));
}

/* Adds to a count member of the object member @list of @summary. */
static void
add_count (JsonObject *counts,
           const char *key,
           gint64      n)
{
  json_object_set_int_member (counts, key, json_object_get_int_member_with_default (counts, key, 0) + n);
}

static void
row_option_counts (JsonObject   *summary,
                   sqlite3_stmt *stmt)
{
  add_count (json_object_get_object_member (summary, "options"), col_text (stmt, 0),
             sqlite3_column_int64 (stmt, 1));
}

static void
row_matrix_counts (JsonObject   *summary,
                   sqlite3_stmt *stmt)
{
  JsonObject *rows = json_object_get_object_member (summary, "rows");
  const char *rid = col_text (stmt, 0);
  JsonObject *counts;

  if (!json_object_has_member (rows, rid))
    json_object_set_object_member (rows, rid, json_object_new ());
  counts = json_object_get_object_member (rows, rid);
  add_count (counts, col_text (stmt, 1), sqlite3_column_int64 (stmt, 2));
}

static void
row_ranking (JsonObject   *summary,
             sqlite3_stmt *stmt)
{
  const char *oid = col_text (stmt, 0);

  json_object_set_double_member (json_object_get_object_member (summary, "mean_rank"), oid,
                                 sqlite3_column_double (stmt, 1));
  json_object_set_int_member (json_object_get_object_member (summary, "first"), oid,
                              sqlite3_column_int64 (stmt, 2));
}

static void
row_number_stats (JsonObject   *summary,
                  sqlite3_stmt *stmt)
{
  set_double_or_null (summary, "mean", stmt, 0);
  set_double_or_null (summary, "min", stmt, 1);
  set_double_or_null (summary, "max", stmt, 2);
}

static void
row_median (JsonObject   *summary,
            sqlite3_stmt *stmt)
{
  set_double_or_null (summary, "median", stmt, 0);
}

static void
row_histogram (JsonObject   *summary,
               sqlite3_stmt *stmt)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));

  add_count (json_object_get_object_member (summary, "histogram"), key, sqlite3_column_int64 (stmt, 1));
}

static void
row_text_item (JsonObject   *summary,
               sqlite3_stmt *stmt)
{
  json_array_add_string_element (json_object_get_array_member (summary, "texts"), col_text (stmt, 0));
}

static void
row_day (JsonObject   *summary,
         sqlite3_stmt *stmt)
{
  add_count (json_object_get_object_member (summary, "days"), col_text (stmt, 0),
             sqlite3_column_int64 (stmt, 1));
}

static JsonObject *
question_summary (SpDb        *db,
                  JsonObject  *q,
                  GError     **error)
{
  g_autoptr(JsonObject) s = json_object_new ();
  const char *qid = sp_json_get_string_or (q, "id", "");
  const char *type = sp_json_get_string_or (q, "type", "");
  gboolean ok;

  json_object_set_string_member (s, "type", type);
  json_object_set_int_member (s, "answered", 0);
  if (!query_question (db, "SELECT count(DISTINCT response_id) FROM survey_answer WHERE question_id = ?1",
                       qid, s, row_answered, error))
    return NULL;

  if (strcmp (type, "single") == 0 || strcmp (type, "dropdown") == 0 || strcmp (type, "multiple") == 0)
    {
      json_object_set_object_member (s, "options", zero_counts (q, "options"));
      ok = query_question (db,
                           "SELECT option_id, count(*) FROM survey_answer "
                           "WHERE question_id = ?1 AND option_id IS NOT NULL GROUP BY option_id",
                           qid, s, row_option_counts, error);
    }
  else if (strcmp (type, "matrix") == 0)
    {
      JsonArray *rows = question_list (q, "rows");
      JsonObject *by_row = json_object_new ();

      for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
        json_object_set_object_member (by_row,
                                       sp_json_get_string_or (json_array_get_object_element (rows, i), "id", ""),
                                       zero_counts (q, "options"));
      json_object_set_object_member (s, "rows", by_row);
      ok = query_question (db,
                           "SELECT item, option_id, count(*) FROM survey_answer "
                           "WHERE question_id = ?1 AND option_id IS NOT NULL GROUP BY item, option_id",
                           qid, s, row_matrix_counts, error);
    }
  else if (strcmp (type, "ranking") == 0)
    {
      json_object_set_object_member (s, "mean_rank", json_object_new ());
      json_object_set_object_member (s, "first", zero_counts (q, "options"));
      ok = query_question (db,
                           "SELECT option_id, avg(rank), sum(rank = 1) FROM survey_answer "
                           "WHERE question_id = ?1 AND rank IS NOT NULL GROUP BY option_id",
                           qid, s, row_ranking, error);
    }
  else if (strcmp (type, "number") == 0 || strcmp (type, "rating") == 0)
    {
      json_object_set_null_member (s, "mean");
      json_object_set_null_member (s, "min");
      json_object_set_null_member (s, "max");
      json_object_set_null_member (s, "median");
      ok = query_question (db,
                           "SELECT avg(num), min(num), max(num) FROM survey_answer "
                           "WHERE question_id = ?1 AND num IS NOT NULL",
                           qid, s, row_number_stats, error) &&
           query_question (db,
                           "SELECT avg(num) FROM ("
                           "  SELECT num, row_number() OVER (ORDER BY num) AS rn, count(*) OVER () AS n"
                           "  FROM survey_answer WHERE question_id = ?1 AND num IS NOT NULL)"
                           " WHERE rn IN ((n + 1) / 2, (n + 2) / 2)",
                           qid, s, row_median, error);
      if (ok && strcmp (type, "rating") == 0)
        {
          JsonObject *histogram = json_object_new ();
          gint64 max = sp_json_get_int_or (q, "max", SP_SURVEY_RATING_DEFAULT_MAX);

          for (gint64 v = 1; v <= max && v <= 100; v++)
            {
              g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, v);

              json_object_set_int_member (histogram, key, 0);
            }
          json_object_set_object_member (s, "histogram", histogram);
          ok = query_question (db,
                               "SELECT CAST(num AS INTEGER), count(*) FROM survey_answer "
                               "WHERE question_id = ?1 AND num IS NOT NULL GROUP BY 1 ORDER BY 1",
                               qid, s, row_histogram, error);
        }
    }
  else if (strcmp (type, "text") == 0)
    {
      json_object_set_array_member (s, "texts", json_array_new ());
      ok = query_question (db,
                           "SELECT text FROM survey_answer "
                           "WHERE question_id = ?1 AND text IS NOT NULL "
                           "ORDER BY response_id DESC LIMIT " G_STRINGIFY (TEXTS_MAX),
                           qid, s, row_text_item, error);
    }
  else if (strcmp (type, "date") == 0)
    {
      json_object_set_object_member (s, "days", json_object_new ());
      ok = query_question (db,
                           "SELECT text, count(*) FROM survey_answer "
                           "WHERE question_id = ?1 AND text IS NOT NULL GROUP BY text ORDER BY text",
                           qid, s, row_day, error);
    }
  else
    ok = TRUE;

  return ok ? g_steal_pointer (&s) : NULL;
}

JsonNode *
sp_storage_survey_results (SpStorage   *self,
                           JsonObject  *definition,
                           GError     **error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObject *summaries = json_object_new ();
  JsonArray *questions;
  sqlite3_stmt *stmt;
  gint64 n = 0;
  gboolean ok = FALSE;
  SpDb *db;

  g_return_val_if_fail (self != NULL && definition != NULL, NULL);

  questions = json_object_get_array_member (definition, "questions");
  json_object_set_object_member (result, "questions", summaries);

  db = _sp_storage_sqlite_lock (self, FALSE);
  /* One snapshot for all the numbers. */
  if (!sp_db_exec (db, "BEGIN", error))
    goto out;
  if (!(stmt = sp_db_prepare (db, "SELECT count(*) FROM survey_response WHERE survey_id = ?1", error)))
    goto end;
  sqlite3_bind_text (stmt, 1, sp_json_get_string_or (definition, "id", ""), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      JsonObject *summary;

      if (!(summary = question_summary (db, q, error)))
        goto end;
      json_object_set_object_member (summaries, sp_json_get_string_or (q, "id", ""), summary);
    }
  ok = TRUE;

end:
  sp_db_exec (db, "COMMIT", NULL);
out:
  _sp_storage_sqlite_unlock (self, FALSE);
  if (!ok)
    return NULL;

  json_object_set_int_member (result, "responses", n);
  return sp_json_object_node (g_steal_pointer (&result));
}

/* -- responses for exports --------------------------------------------------------- */

typedef struct {
  GHashTable           *types;      /* question id -> type */
  SpSurveyResponseFunc  func;
  gpointer              user_data;
  gint64                current;
  JsonObject           *response;
} ResponsesCollect;

static void
flush_response (ResponsesCollect *c)
{
  if (c->response == NULL)
    return;
  c->func (c->response, c->user_data);
  g_clear_pointer (&c->response, json_object_unref);
}

static void
collect_answer (sqlite3_stmt *stmt,
                gpointer      user_data)
{
  ResponsesCollect *c = user_data;
  gint64 id = sqlite3_column_int64 (stmt, 0);
  const char *qid, *type;
  JsonObject *answers;

  if (c->response == NULL || id != c->current)
    {
      flush_response (c);
      c->current = id;
      c->response = json_object_new ();
      json_object_set_int_member (c->response, "id", id);
      json_object_set_string_member (c->response, "submitted", col_text (stmt, 1));
      json_object_set_string_member (c->response, "language", col_text (stmt, 2));
      json_object_set_object_member (c->response, "answers", json_object_new ());
    }
  if (sqlite3_column_type (stmt, 3) == SQLITE_NULL)
    return;   /* a response without answers */

  qid = col_text (stmt, 3);
  if (!(type = g_hash_table_lookup (c->types, qid)))
    return;   /* a question deleted since */
  answers = json_object_get_object_member (c->response, "answers");

  if (strcmp (type, "multiple") == 0 || strcmp (type, "ranking") == 0)
    {
      if (!json_object_has_member (answers, qid))
        json_object_set_array_member (answers, qid, json_array_new ());
      json_array_add_string_element (json_object_get_array_member (answers, qid), col_text (stmt, 5));
    }
  else if (strcmp (type, "matrix") == 0)
    {
      if (!json_object_has_member (answers, qid))
        json_object_set_object_member (answers, qid, json_object_new ());
      json_object_set_string_member (json_object_get_object_member (answers, qid),
                                     col_text (stmt, 4), col_text (stmt, 5));
    }
  else if (strcmp (type, "number") == 0 || strcmp (type, "rating") == 0)
    {
      double num = sqlite3_column_double (stmt, 7);

      if (num == (double) (gint64) num)
        json_object_set_int_member (answers, qid, (gint64) num);
      else
        json_object_set_double_member (answers, qid, num);
    }
  else if (strcmp (type, "text") == 0 || strcmp (type, "date") == 0)
    json_object_set_string_member (answers, qid, col_text (stmt, 8));
  else
    json_object_set_string_member (answers, qid, col_text (stmt, 5));
}

gboolean
sp_storage_survey_responses (SpStorage             *self,
                             JsonObject            *definition,
                             SpSurveyResponseFunc   func,
                             gpointer               user_data,
                             GError               **error)
{
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  ResponsesCollect collect = { types, func, user_data, 0, NULL };
  JsonArray *questions;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  SpDb *db;

  g_return_val_if_fail (self != NULL && definition != NULL && func != NULL, FALSE);

  questions = json_object_get_array_member (definition, "questions");
  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);

      g_hash_table_insert (types, (gpointer) sp_json_get_string_or (q, "id", ""),
                           (gpointer) sp_json_get_string_or (q, "type", ""));
    }

  db = _sp_storage_sqlite_lock (self, FALSE);
  if ((stmt = sp_db_prepare (db,
                             "SELECT r.id, r.submitted, r.language, a.question_id, a.item, a.option_id, "
                             "  a.rank, a.num, a.text "
                             "FROM survey_response r LEFT JOIN survey_answer a ON a.response_id = r.id "
                             "WHERE r.survey_id = ?1 ORDER BY r.id, a.question_id, a.rank, a.item",
                             error)))
    {
      sqlite3_bind_text (stmt, 1, sp_json_get_string_or (definition, "id", ""), -1, SQLITE_TRANSIENT);
      ok = _sp_storage_sqlite_each_row (db, stmt, collect_answer, &collect, error);
    }
  _sp_storage_sqlite_unlock (self, FALSE);

  if (ok)
    flush_response (&collect);
  g_clear_pointer (&collect.response, json_object_unref);
  return ok;
}
