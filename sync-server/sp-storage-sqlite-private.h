/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-db.h"
#include "sp-storage.h"

G_BEGIN_DECLS

/* For the feature parts of the SQLite backend
 * (sync-server/<feature>/sp-storage-sqlite-<feature>.c): the writer or
 * reader connection, locked. Every lock must be paired with an unlock; a
 * caller that writes runs its own transaction (sp_db_begin/commit) and
 * never touches entity tables or the version sequence (those go through
 * sp_storage_push*). */
SpDb *_sp_storage_sqlite_lock   (SpStorage *self,
                                 gboolean   writer);
void  _sp_storage_sqlite_unlock (SpStorage *self,
                                 gboolean   writer);

/* Locks the reader (or the writer), stores it in *db and prepares @sql on
 * it; NULL (unlocked again, @error set) when that fails. */
static inline sqlite3_stmt *
_sp_storage_sqlite_lock_prepare (SpStorage   *self,
                                 gboolean     writer,
                                 SpDb       **db,
                                 const char  *sql,
                                 GError     **error)
{
  sqlite3_stmt *stmt;

  *db = _sp_storage_sqlite_lock (self, writer);
  if (!(stmt = sp_db_prepare (*db, sql, error)))
    _sp_storage_sqlite_unlock (self, writer);
  return stmt;
}

/* The writer, locked, in a transaction; NULL (unlocked) on failure. */
SpDb     *_sp_storage_sqlite_write_begin (SpStorage  *self,
                                          GError    **error);
/* Commits when @ok (else, or when that fails, rolls back) and unlocks
 * the writer. Returns whether the transaction was committed. */
gboolean  _sp_storage_sqlite_write_end   (SpStorage  *self,
                                          SpDb       *db,
                                          gboolean    ok,
                                          GError    **error);
/* Steps @stmt once, expecting SQLITE_DONE, and resets it. */
gboolean  _sp_storage_sqlite_step_done   (SpDb          *db,
                                          sqlite3_stmt  *stmt,
                                          GError       **error);

typedef void (*SpStorageRowFunc) (sqlite3_stmt *stmt,
                                  gpointer      user_data);
/* Calls @func for each row of the bound @stmt, then resets it. FALSE
 * (and @error set) when stepping fails. */
gboolean  _sp_storage_sqlite_each_row    (SpDb              *db,
                                          sqlite3_stmt      *stmt,
                                          SpStorageRowFunc   func,
                                          gpointer           user_data,
                                          GError           **error);

G_END_DECLS
