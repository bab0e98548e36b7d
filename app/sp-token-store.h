/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The sign-in token in the Secret Service (libsecret), keyed by server URL,
 * user name and profile directory, so that several profiles on one
 * workstation keep separate sign-ins. The token is never written to disk
 * by Stadtpult itself. */

void      sp_token_store_save_async    (const char          *server,
                                        const char          *user,
                                        const char          *profile,
                                        const char          *token,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  sp_token_store_save_finish   (GAsyncResult        *result,
                                        GError             **error);

/* Finishes with NULL and no error when no token is stored. */
void      sp_token_store_lookup_async  (const char          *server,
                                        const char          *user,
                                        const char          *profile,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char     *sp_token_store_lookup_finish (GAsyncResult        *result,
                                        GError             **error);

void      sp_token_store_clear_async   (const char          *server,
                                        const char          *user,
                                        const char          *profile,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  sp_token_store_clear_finish  (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
