/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

#include "sp-storage.h"

G_BEGIN_DECLS

/* Snapshots for first syncs (GET /api/v1/sync/snapshot).
 *
 * A snapshot is a whole client database file (the core's client schema at
 * this build's version) holding what a first pull would give a caller with
 * these roles, and its cursor: it is made exactly as a client's first sync
 * makes it (sp_storage_pull pages applied by SpLocalStore), just without
 * the network. A new client copies it in (sp_local_store_load_snapshot)
 * instead of writing 100 000 rows one by one, and pulls the rest from its
 * cursor.
 *
 * One snapshot per set of roles, kept as a file in "<db>.snapshots/" and
 * served from a read-only mapping. It is made again when the server has
 * stored more than SP_SNAPSHOT_MAX_LAG changes since; a client gets those
 * by its ordinary pull afterwards. Files are removed when replaced and
 * when the cache is freed. */

typedef struct _SpSnapshotCache SpSnapshotCache;

/* At most this many changes behind (one pull page): else made again. */
#define SP_SNAPSHOT_MAX_LAG SP_STORAGE_PULL_MAX
/* Only for more rows than one pull page: below that the page-by-page
 * pull is one or two requests, and a snapshot, whose empty tables and
 * indexes alone take a page each (2 to 4 MB), would be the bigger
 * download. */
#define SP_SNAPSHOT_MIN_ROWS SP_STORAGE_PULL_MAX

/* @storage must outlive the cache. */
SpSnapshotCache *sp_snapshot_cache_new  (SpStorage          *storage);
void             sp_snapshot_cache_free (SpSnapshotCache    *self);

/* The snapshot file for @principal's roles and *cursor, its cursor;
 * made first if needed (*built, optional, says so). SP_ERROR_NOT_FOUND
 * when the roles see no more than SP_SNAPSHOT_MIN_ROWS rows (that answer
 * is kept like a snapshot). Blocking: call it from a worker thread.
 * Thread-safe. */
GBytes          *sp_snapshot_cache_get  (SpSnapshotCache    *self,
                                         const SpPrincipal  *principal,
                                         char              **cursor,
                                         gboolean           *built,
                                         GError            **error);

G_END_DECLS
