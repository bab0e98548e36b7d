/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-db-image"

#include "config.h"

#include <string.h>

#include "sp-db.h"
#include "sp-error.h"

/* Loading a whole database file (an "image", e.g. the server's snapshot
 * for a first sync) into empty tables of an open database.
 *
 * The image is attached and must have exactly the schema of the database
 * it goes into: then `INSERT INTO main.t SELECT * FROM image.t` into an
 * empty table without triggers is SQLite's transfer optimisation, which
 * copies the records and index entries as they are instead of encoding
 * and inserting them row by row. The schema check is also what makes a
 * file from the network safe to read here: only tables we know are read,
 * made with our own SQL. */

#define IMAGE_SCHEMA "image"

/* Whether the attached image has the schema of main, object for object
 * and SQL for SQL, at the same version. Statistics tables (ANALYZE) are
 * not part of the schema. */
static gboolean
image_schema_matches (SpDb     *db,
                      GError  **error)
{
  sqlite3 *handle = sp_db_handle (db);
  sqlite3_stmt *stmt = NULL;
  gboolean differs;
  int version = -1;
  int rc;

  rc = sqlite3_prepare_v2 (handle, "PRAGMA " IMAGE_SCHEMA ".user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version < 0)
    return sp_db_set_error (db, error);
  if (version != sp_db_schema_version (db))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_SCHEMA,
                   "The database file has schema version %d, this profile %d",
                   version, sp_db_schema_version (db));
      return FALSE;
    }

#define OBJECTS(schema) \
  "SELECT type, name, tbl_name, sql FROM " schema ".sqlite_schema " \
  "WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'"
  rc = sqlite3_prepare_v2 (handle,
                           "SELECT 1 FROM (" OBJECTS ("main") " EXCEPT " OBJECTS (IMAGE_SCHEMA) ") "
                           "UNION ALL "
                           "SELECT 1 FROM (" OBJECTS (IMAGE_SCHEMA) " EXCEPT " OBJECTS ("main") ") "
                           "LIMIT 1",
                           -1, &stmt, NULL);
#undef OBJECTS
  if (rc != SQLITE_OK)
    return sp_db_set_error (db, error);
  rc = sqlite3_step (stmt);
  differs = rc == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  if (differs)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_SCHEMA,
                           "The database file has another schema than this profile");
      return FALSE;
    }
  return TRUE;
}

static gboolean
table_is_empty (SpDb        *db,
                const char  *table,
                GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM main.\"%s\" LIMIT 1", table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (sp_db_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    return sp_db_set_error (db, error);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_ROW)
    g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "Table %s is not empty", table);
  else
    sp_db_set_error (db, error);
  return FALSE;
}

/* The copy itself, in the caller's transaction: the triggers of @tables
 * (search-index markers) would make SQLite insert row by row, so they are
 * dropped and made again from their own SQL around it. */
static gboolean
copy_tables (SpDb               *db,
             const char * const *tables,
             gint64             *n_rows,
             GError            **error)
{
  sqlite3 *handle = sp_db_handle (db);
  g_autoptr(GPtrArray) trigger_sql = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) copied = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; tables[i] != NULL; i++)
    {
      if (!sp_db_table_exists (db, tables[i]))
        continue;
      if (!table_is_empty (db, tables[i], error))
        return FALSE;
      g_hash_table_add (copied, (gpointer) tables[i]);
    }

  if (sqlite3_prepare_v2 (handle,
                          "SELECT name, tbl_name, sql FROM main.sqlite_schema WHERE type = 'trigger'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sp_db_set_error (db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (g_hash_table_contains (copied, sqlite3_column_text (stmt, 1)))
      {
        g_ptr_array_add (trigger_sql, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
        g_ptr_array_add (trigger_sql, g_strdup_printf ("DROP TRIGGER main.\"%s\"",
                                                       sqlite3_column_text (stmt, 0)));
      }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);

  for (guint i = 1; i < trigger_sql->len; i += 2)
    if (!sp_db_exec (db, g_ptr_array_index (trigger_sql, i), error))
      return FALSE;

  *n_rows = 0;
  for (guint i = 0; tables[i] != NULL; i++)
    {
      g_autofree char *sql = NULL;

      if (!g_hash_table_contains (copied, tables[i]))
        continue;
      sql = g_strdup_printf ("INSERT INTO main.\"%s\" SELECT * FROM " IMAGE_SCHEMA ".\"%s\"",
                             tables[i], tables[i]);
      if (!sp_db_exec (db, sql, error))
        return FALSE;
      *n_rows += sqlite3_changes64 (handle);
    }

  for (guint i = 0; i < trigger_sql->len; i += 2)
    if (!sp_db_exec (db, g_ptr_array_index (trigger_sql, i), error))
      return FALSE;
  return TRUE;
}

gboolean
sp_db_load_image (SpDb               *db,
                  const char         *image_path,
                  const char * const *tables,
                  SpDbImageFunc       func,
                  gpointer            user_data,
                  gint64             *n_rows,
                  GError            **error)
{
  sqlite3_stmt *attach = NULL;
  gint64 copied = 0;
  gboolean ok;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (image_path != NULL, FALSE);
  g_return_val_if_fail (tables != NULL, FALSE);

  if (sqlite3_prepare_v2 (sp_db_handle (db), "ATTACH ?1 AS " IMAGE_SCHEMA, -1, &attach, NULL) != SQLITE_OK)
    return sp_db_set_error (db, error);
  sqlite3_bind_text (attach, 1, image_path, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (attach);
  sqlite3_finalize (attach);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);

  /* Not BEGIN IMMEDIATE (sp_db_begin), which would open a write
   * transaction on the image too and so make the commit one of two files
   * (a super-journal and its syncs): main's write lock comes with a first
   * write that changes nothing, waiting for other writers like any. */
  ok = image_schema_matches (db, error) &&
       sp_db_exec (db, "BEGIN; DELETE FROM main.meta WHERE 0", error);
  if (ok)
    {
      if (copy_tables (db, tables, &copied, error) &&
          (func == NULL || func (db, IMAGE_SCHEMA, user_data, error)) &&
          sp_db_commit (db, error))
        ;
      else
        {
          sp_db_rollback (db);
          ok = FALSE;
        }
    }

  if (!sp_db_exec (db, "DETACH " IMAGE_SCHEMA, ok ? error : NULL))
    ok = FALSE;
  if (ok && n_rows != NULL)
    *n_rows = copied;
  return ok;
}
