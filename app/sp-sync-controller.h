/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* Owns the SpSyncClient of the profile and decides when to sync:
 * every "sync-interval" seconds while online and signed in, 2 s after a
 * local edit (debounced), at once when the network comes back, on request;
 * failures back off exponentially from 2 s to 5 min. A 401 from the server
 * signs out and emits ::sign-in-required. Also signs in (token to the
 * keyring, server URL and user to GSettings) and restores the stored
 * sign-in at start. Its properties feed the header's sync status. */

#define SP_TYPE_SYNC_CONTROLLER (sp_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (SpSyncController, sp_sync_controller, SP, SYNC_CONTROLLER, GObject)

SpSyncController *sp_sync_controller_new           (SpLocalStore     *store,
                                                    GSettings        *settings,
                                                    const char       *profile_dir);

guint             sp_sync_controller_get_pending   (SpSyncController *self);
GDateTime        *sp_sync_controller_get_last_sync (SpSyncController *self);
gboolean          sp_sync_controller_get_online    (SpSyncController *self);
gboolean          sp_sync_controller_get_syncing   (SpSyncController *self);
gboolean          sp_sync_controller_get_signed_in (SpSyncController *self);
const char       *sp_sync_controller_get_error     (SpSyncController *self);
const char       *sp_sync_controller_get_user      (SpSyncController *self);
const char       *sp_sync_controller_get_server_url(SpSyncController *self);

/* Starts a sync now (or right after the running one). */
void              sp_sync_controller_sync_now      (SpSyncController *self);

/* Signs in with a password; on success a first sync starts and the token
 * is stored in the keyring in the background. Without a Secret Service it
 * stays in memory only and ::keyring-unavailable is emitted. Errors:
 * SP_ERROR_UNAUTHORIZED, SP_ERROR_NETWORK, ... */
void              sp_sync_controller_sign_in_async (SpSyncController    *self,
                                                    const char          *server_url,
                                                    const char          *user,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          sp_sync_controller_sign_in_finish(SpSyncController    *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Looks up the token stored for the configured server and user; finishes
 * TRUE when signed in with it. */
void              sp_sync_controller_restore_async (SpSyncController    *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          sp_sync_controller_restore_finish(SpSyncController    *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Forgets the token (also in the keyring); local data stays. */
void              sp_sync_controller_sign_out      (SpSyncController *self);

/* The signed-in user's roles (from the last sign-in, kept with the
 * profile), NULL when not known; has_role: any of the comma-separated
 * roles (admin counts for every role). */
const char * const *sp_sync_controller_get_roles   (SpSyncController *self);
gboolean          sp_sync_controller_has_role      (SpSyncController *self,
                                                    const char       *allowed_csv);
/* Server URL, bearer token and CA file (or NULL) of the current sign-in
 * as new strings, for requests outside sync; FALSE when signed out.
 * Matches SpServerAccessFunc (sp-api-client.h). */
gboolean          sp_sync_controller_get_access    (SpSyncController  *self,
                                                    char             **base_url,
                                                    char             **token,
                                                    char             **ca_file);

/* Human-readable text for a sync or sign-in error. */
char             *sp_sync_controller_describe_error(const GError *error);

G_END_DECLS
