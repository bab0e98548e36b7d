/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-competence"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-change.h"
#include "sp-competence-catalogue.h"
#include "sp-error.h"

/* The competence part of the SQLite storage backend: catalogue queries over
 * the registry tables and the anonymous submissions (server-only tables
 * competence_submission, competence_submission_level; see
 * core/sp-migrations.c). */

GStrv
sp_storage_competence_catalogues (SpStorage  *self,
                                  GError    **error)
{
  SpDb *db;
  GStrv ids;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);
  ids = sp_competence_catalogue_list_published (db, error);
  _sp_storage_sqlite_unlock (self, FALSE);
  return ids;
}

JsonNode *
sp_storage_competence_catalogue (SpStorage   *self,
                                 const char  *key,
                                 gint64       revision,
                                 gboolean     published_only,
                                 GError     **error)
{
  g_autofree char *row_id = NULL;
  g_autoptr(JsonNode) node = NULL;
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);

  if (revision > 0)
    stmt = sp_db_prepare (db,
                          "SELECT id FROM competence_catalogue WHERE key = ?1 AND revision = ?2 "
                          "AND deleted = 0 AND (?3 = 0 OR status = 'published') "
                          "ORDER BY id LIMIT 1",
                          error);
  else
    stmt = sp_db_prepare (db,
                          "SELECT id FROM competence_catalogue WHERE key = ?1 AND deleted = 0 "
                          "AND status = 'published' ORDER BY revision DESC, id LIMIT 1",
                          error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (revision > 0)
    {
      sqlite3_bind_int64 (stmt, 2, revision);
      sqlite3_bind_int (stmt, 3, published_only ? 1 : 0);
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (row_id == NULL)
    {
      if (revision > 0)
        g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                     "There is no published competence catalogue “%s” in version %" G_GINT64_FORMAT,
                     key, revision);
      else
        g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                     "There is no published competence catalogue “%s”", key);
      goto out;
    }

  node = sp_competence_catalogue_export_db (db, row_id, error);

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return g_steal_pointer (&node);
}

gboolean
sp_storage_competence_submission_add (SpStorage   *self,
                                      const char  *catalogue,
                                      gint64       revision,
                                      const char  *org_unit,
                                      gint64       year,
                                      GHashTable  *levels,
                                      GError     **error)
{
  g_autofree char *id = NULL;
  GHashTableIter iter;
  gpointer key, value;
  sqlite3_stmt *stmt;
  SpDb *db;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (catalogue != NULL && org_unit != NULL && levels != NULL, FALSE);

  /* Random, so that neither ids nor (WITHOUT ROWID) storage order follow
   * the order submissions arrived in. */
  id = sp_uuid_new ();

  if (!(db = _sp_storage_sqlite_write_begin (self, error)))
    return FALSE;

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO competence_submission (id, catalogue, revision, org_unit, year) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)",
                              error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, catalogue, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, revision);
  sqlite3_bind_text (stmt, 4, org_unit, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, year);
  if (!_sp_storage_sqlite_step_done (db, stmt, error))
    goto fail;

  if (!(stmt = sp_db_prepare (db,
                              "INSERT INTO competence_submission_level (submission_id, code, level) "
                              "VALUES (?1, ?2, ?3)",
                              error)))
    goto fail;
  g_hash_table_iter_init (&iter, levels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, GPOINTER_TO_INT (value));
      if (!_sp_storage_sqlite_step_done (db, stmt, error))
        goto fail;
    }

  return _sp_storage_sqlite_write_end (self, db, TRUE, error);

fail:
  return _sp_storage_sqlite_write_end (self, db, FALSE, NULL);
}

void
sp_report_row_free (SpReportRow *row)
{
  if (row == NULL)
    return;
  g_free (row->org_unit);
  g_clear_pointer (&row->levels, g_hash_table_unref);
  g_free (row);
}

GPtrArray *
sp_storage_competence_report_rows (SpStorage  *self,
                                   gint64      year,
                                   GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_report_row_free);
  g_autoptr(GHashTable) by_unit = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;
  GPtrArray *result = NULL;
  SpDb *db;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  db = _sp_storage_sqlite_lock (self, FALSE);

  /* Group sizes first, then per-code sums; both aggregated in SQL. */
  if (!(stmt = sp_db_prepare (db,
                              "SELECT org_unit, count(*) FROM competence_submission "
                              "WHERE year = ?1 GROUP BY org_unit ORDER BY org_unit",
                              error)))
    goto out;
  sqlite3_bind_int64 (stmt, 1, year);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SpReportRow *row = g_new0 (SpReportRow, 1);

      row->org_unit = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->year = year;
      row->n = (guint) sqlite3_column_int64 (stmt, 1);
      row->levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (rows, row);
      g_hash_table_insert (by_unit, row->org_unit, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      goto out;
    }

  if (!(stmt = sp_db_prepare (db,
                              "SELECT s.org_unit, l.code, sum(l.level), count(*) "
                              "FROM competence_submission s "
                              "JOIN competence_submission_level l ON l.submission_id = s.id "
                              "WHERE s.year = ?1 GROUP BY s.org_unit, l.code",
                              error)))
    goto out;
  sqlite3_bind_int64 (stmt, 1, year);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SpReportRow *row = g_hash_table_lookup (by_unit, sqlite3_column_text (stmt, 0));
      SpLevelSum *sum;

      if (row == NULL)
        continue;
      sum = g_new0 (SpLevelSum, 1);
      sum->sum = sqlite3_column_int64 (stmt, 2);
      sum->count = (guint) sqlite3_column_int64 (stmt, 3);
      g_hash_table_insert (row->levels, g_strdup ((const char *) sqlite3_column_text (stmt, 1)), sum);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      goto out;
    }

  result = g_steal_pointer (&rows);

out:
  _sp_storage_sqlite_unlock (self, FALSE);
  return result;
}

gint64
sp_storage_competence_submission_count (SpStorage *self)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  SpDb *db;

  g_return_val_if_fail (self != NULL, -1);

  db = _sp_storage_sqlite_lock (self, FALSE);
  if ((stmt = sp_db_prepare (db, "SELECT count(*) FROM competence_submission", NULL)))
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  _sp_storage_sqlite_unlock (self, FALSE);
  return n;
}
