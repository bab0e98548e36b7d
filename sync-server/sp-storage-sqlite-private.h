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

G_END_DECLS
