/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* HTTP plumbing shared by SpSyncClient and sp-api-client: one session
 * setup and one request path with the same error mapping. */

/* A session with @timeout seconds (request and idle) and the Stadtpult user
 * agent; @tls_database (may be NULL) replaces the system's CAs. */
SoupSession *_sp_http_session_new     (guint          timeout,
                                       GTlsDatabase  *tls_database);
/* SP_ERROR code for an HTTP error status and the answer's "error" slug. */
int          _sp_http_code_for_status (guint          status,
                                       const char    *slug);
/* Sends @method @base_url@path_and_query with an optional bearer @token
 * and JSON @body; returns the parsed JSON of a 2xx answer (with
 * @require_object anything but an object is SP_ERROR_PROTOCOL; an empty
 * body gives a JSON null node). Non-2xx answers become SP_ERROR with the
 * server's message. *status (optional) gets the HTTP status, 0 without an
 * answer. */
/* The same without parsing: the raw body of a 2xx answer. An answer
 * shorter than its Content-Length (a cut connection) is SP_ERROR_NETWORK. */
GBytes      *_sp_http_request_bytes   (SoupSession   *session,
                                       const char    *base_url,
                                       const char    *token,
                                       const char    *method,
                                       const char    *path_and_query,
                                       GBytes        *body,
                                       guint         *status,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* The two halves of _sp_http_request_bytes(), for a caller that watches
 * the message (e.g. its "wrote-headers" signal) before sending it. */
SoupMessage *_sp_http_message_new     (const char    *base_url,
                                       const char    *token,
                                       const char    *method,
                                       const char    *path_and_query,
                                       GBytes        *body,
                                       GError       **error);
GBytes      *_sp_http_send            (SoupSession   *session,
                                       SoupMessage   *msg,
                                       guint         *status,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* _sp_http_send() for a big answer: its body goes to the file @fd in
 * pieces, never whole in memory. Errors as there; FALSE when failed (then
 * @fd may hold part of the body). */
gboolean     _sp_http_download        (SoupSession   *session,
                                       SoupMessage   *msg,
                                       int            fd,
                                       guint         *status,
                                       GCancellable  *cancellable,
                                       GError       **error);
JsonNode    *_sp_http_request         (SoupSession   *session,
                                       const char    *base_url,
                                       const char    *token,
                                       const char    *method,
                                       const char    *path_and_query,
                                       GBytes        *body,
                                       gboolean       require_object,
                                       guint         *status,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
