/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Asked for the current sign-in before a request: sets *base_url, *token
 * and *ca_file (PEM file or NULL) as new strings and returns TRUE, or
 * returns FALSE when signed out. The desktop's pages take one of these. */
typedef gboolean (*SpServerAccessFunc) (gpointer   user_data,
                                        char     **base_url,
                                        char     **token,
                                        char     **ca_file);

/* Authenticated JSON requests to the Stadtpult server outside sync (the
 * competence catalogues, submissions, HR reports, training demand...).
 * Uses the same session setup (timeouts, user agent, the city's CA file)
 * and error mapping as SpSyncClient.
 *
 * @base_url e.g. "http://127.0.0.1:8080" (a trailing slash is fine);
 * @path starts with "/" and may carry a query ("/api/v1/competence/report?year=2026");
 * @token the bearer token or NULL; @ca_file a PEM file or NULL for the
 * system's CAs; @body NULL for none.
 *
 * Returns the parsed JSON answer (object or array) of a 2xx response.
 * Anything else returns NULL with an SP_ERROR: the server's
 * {"error","message"} mapped like the sync client does (401
 * SP_ERROR_UNAUTHORIZED, 403 SP_ERROR_FORBIDDEN, 404 SP_ERROR_NOT_FOUND,
 * 400 SP_ERROR_INVALID, ...; the message is the server's human text), no
 * connection SP_ERROR_NETWORK. *status (optional) gets the HTTP status, 0
 * when no answer came. A 2xx answer without a body gives a JSON null node. */
JsonNode *sp_api_client_request_json        (const char          *base_url,
                                             const char          *token,
                                             const char          *ca_file,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             guint               *status,
                                             GCancellable        *cancellable,
                                             GError             **error);

/* The same in a worker thread; @body is copied. */
void      sp_api_client_request_json_async  (const char          *base_url,
                                             const char          *token,
                                             const char          *ca_file,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonNode *sp_api_client_request_json_finish (GAsyncResult        *result,
                                             guint               *status,
                                             GError             **error);

G_END_DECLS
