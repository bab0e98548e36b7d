/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The client half of the sync protocol (/api/v1/login, /api/v1/sync).
 *
 * The blocking calls open their own connection to the profile database at
 * @db_path and their own SoupSession, so they may run in a worker thread
 * while the UI keeps its SpLocalStore; the _async variants do exactly that.
 * A sync pushes the whole outbox in batches, then pulls pages until
 * "more" is false. An empty profile first loads the server's snapshot
 * (GET /api/v1/sync/snapshot, sp_local_store_load_snapshot()) and pulls
 * from its cursor; without one (an older server, another schema version,
 * few rows) it pulls page by page from the start. Any failure leaves the
 * outbox and cursor consistent:
 * running the sync again finishes the job without losing or duplicating. */

#define SP_TYPE_SYNC_CLIENT (sp_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (SpSyncClient, sp_sync_client, SP, SYNC_CLIENT, GObject)

typedef struct {
  guint pushed;       /* changes answered by the server */
  guint conflicts;    /* of which "conflict" */
  guint pulled;       /* changes applied locally */
  guint snapshot;     /* of which rows loaded from the server's snapshot */
} SpSyncStats;

SpSyncClient *sp_sync_client_new            (const char   *db_path,
                                             const char   *base_url);
const char   *sp_sync_client_get_base_url   (SpSyncClient *self);
void          sp_sync_client_set_token      (SpSyncClient *self,
                                             const char   *token);
/* PEM file with the city's own CA certificate(s), or NULL for the system's. */
gboolean      sp_sync_client_set_ca_file    (SpSyncClient *self,
                                             const char   *path,
                                             GError      **error);
void          sp_sync_client_set_page_size  (SpSyncClient *self,
                                             guint         limit);   /* default 10000 */
/* Whether an empty profile starts from the server's snapshot (default
 * TRUE); FALSE pulls it page by page (tests and benchmarks of that path). */
void          sp_sync_client_set_use_snapshot (SpSyncClient *self,
                                               gboolean      use_snapshot);
void          sp_sync_client_set_push_batch (SpSyncClient *self,
                                             guint         batch);   /* default 1000 */
void          sp_sync_client_set_timeout    (SpSyncClient *self,
                                             guint         seconds); /* default 60 */

/* Returns the bearer token; @roles (out, optional) the caller's roles.
 * Wrong credentials: SP_ERROR_UNAUTHORIZED. */
char         *sp_sync_client_login          (SpSyncClient *self,
                                             const char   *user,
                                             const char   *password,
                                             char       ***roles,
                                             GCancellable *cancellable,
                                             GError      **error);
gboolean      sp_sync_client_push           (SpSyncClient *self,
                                             SpSyncStats  *stats,
                                             GCancellable *cancellable,
                                             GError      **error);
gboolean      sp_sync_client_pull           (SpSyncClient *self,
                                             SpSyncStats  *stats,
                                             GCancellable *cancellable,
                                             GError      **error);
gboolean      sp_sync_client_sync           (SpSyncClient *self,
                                             SpSyncStats  *stats,
                                             GCancellable *cancellable,
                                             GError      **error);

void          sp_sync_client_login_async    (SpSyncClient        *self,
                                             const char          *user,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char         *sp_sync_client_login_finish   (SpSyncClient  *self,
                                             GAsyncResult  *result,
                                             char        ***roles,
                                             GError       **error);
void          sp_sync_client_sync_async     (SpSyncClient        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      sp_sync_client_sync_finish    (SpSyncClient  *self,
                                             GAsyncResult  *result,
                                             SpSyncStats   *stats,
                                             GError       **error);

G_END_DECLS
