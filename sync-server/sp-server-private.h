/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <string.h>

#include "sp-city-time.h"
#include "sp-server.h"

G_BEGIN_DECLS

/* Internal API of the server binary (main.c and the route groups). */

/* Creates the SoupServer, registers every route group and the request
 * metrics. @storage stays owned by the caller and must outlive the server. */
SpServer   *_sp_server_new                 (SpStorage       *storage,
                                            const char      *public_dir,
                                            GTlsCertificate *tls_certificate);
void        _sp_server_free                (SpServer        *self);
const char *_sp_server_get_public_dir      (SpServer        *self);

/* Stops listening and waits (up to 30 s) for running worker tasks. */
void        _sp_server_shutdown            (SpServer        *self);
/* Counts a worker task that uses the storage (see _sp_server_shutdown). */
void        _sp_server_hold                (SpServer        *self);
void        _sp_server_release             (SpServer        *self);

/* Work answered from a worker thread, the one implementation behind
 * sp_server_defer() and the routes with answers of their own: holds the
 * server (_sp_server_hold), pauses @msg and runs @work (@data) in a worker
 * thread; then, on the main context, @reply (@msg, @data) sets the answer
 * and @msg is unpaused, both skipped when @msg finished meanwhile (or, with
 * @watch_disconnected, its connection went away); last @data_free (@data)
 * (may be NULL) and the release, also on the main context. So @data may hold
 * libsoup objects and other main-thread state, which @work must not touch;
 * @work gets no message. */
typedef void (*SpServerJobWork)  (gpointer           data);
typedef void (*SpServerJobReply) (SoupServerMessage *msg,
                                  gpointer           data);
void        _sp_server_run_job             (SpServer          *self,
                                            SoupServerMessage *msg,
                                            gboolean           watch_disconnected,
                                            gpointer           data,
                                            GDestroyNotify     data_free,
                                            SpServerJobWork    work,
                                            SpServerJobReply   reply);

/* Listens on @address:@port (0 = any free port). *uri gets the URI clients
 * use, e.g. "http://127.0.0.1:8080/". */
gboolean    _sp_server_listen              (SpServer        *self,
                                            const char      *address,
                                            guint            port,
                                            char           **uri,
                                            GError         **error);

/* {"error":@slug,"message":@message} with @status. */
void        _sp_server_reply_error_literal (SoupServerMessage *msg,
                                            guint              status,
                                            const char        *slug,
                                            const char        *message);
/* 405 with an Allow header. */
void        _sp_server_reply_method_not_allowed (SoupServerMessage *msg,
                                                 const char        *allow);
/* 404 JSON for API paths. */
void        _sp_server_reply_api_not_found (SoupServerMessage *msg);

/* Guards for route handlers: each returns FALSE/NULL once it has replied
 * with the error, so a handler just returns. */
/* TRUE when @principal has one of the comma-separated @roles, else a 403
 * "forbidden" reply with @message. */
gboolean     _sp_server_check_roles        (SoupServerMessage *msg,
                                            SpPrincipal       *principal,
                                            const char        *roles,
                                            const char        *message);
/* The signed-in user (a 401 reply without a valid token), with one of
 * @roles if @roles is not NULL (else 403 with @message). */
SpPrincipal *_sp_server_require_roles      (SpServer          *self,
                                            SoupServerMessage *msg,
                                            const char        *roles,
                                            const char        *message);
/* TRUE when the request's method is @method, else a 405 with @allow. */
gboolean     _sp_server_require_method     (SoupServerMessage *msg,
                                            const char        *method,
                                            const char        *allow);
/* sp_server_read_json_body(), replying the error on failure. */
JsonNode    *_sp_server_require_json_body  (SoupServerMessage *msg,
                                            gsize              max_size);
/* {"error":@slug,"message":@message} for a work function of
 * sp_server_defer() that refuses with a JSON answer: sets *status to
 * @code; callers may add members (e.g. the offending "field"). */
JsonNode    *_sp_server_error_node         (guint             *status,
                                            guint              code,
                                            const char        *slug,
                                            const char        *message);
/* Takes a token of the client's @bucket (sp-rate-limit.h: burst 20, 10 per
 * minute); without one a 429 "rate_limited" reply with Retry-After and
 * FALSE. Public write endpoints call it first. (sp-rate-limit-http.c) */
gboolean     _sp_server_rate_limit         (SpServer          *self,
                                            SoupServerMessage *msg,
                                            const char        *bucket);

typedef enum {
  SP_LOGIN_OK,
  SP_LOGIN_FAILED,
  SP_LOGIN_THROTTLED,
  _SP_LOGIN_N_RESULTS,
} SpLoginResult;

/* Counts a sign-in attempt for /metrics (thread-safe). */
void        _sp_server_count_login         (SpServer        *self,
                                            SpLoginResult    result);

/* Prometheus text exposition of all metrics. */
char       *_sp_server_metrics_text        (SpServer        *self);

/* True if @accept_encoding (an Accept-Encoding header, may be NULL) allows
 * gzip. */
gboolean    _sp_accepts_gzip               (const char      *accept_encoding);
/* gzip-compresses @data. */
GBytes     *_sp_gzip                       (const guint8    *data,
                                            gsize            len);

/* _sp_server_error_node() that also names the offending part as @member
 * (e.g. "field", "question") = @value, when @value is not NULL. */
static inline JsonNode *
_sp_server_error_node_naming (guint      *status,
                              guint       code,
                              const char *slug,
                              const char *message,
                              const char *member,
                              const char *value)
{
  JsonNode *node = _sp_server_error_node (status, code, slug, message);

  if (value != NULL)
    json_object_set_string_member (json_node_get_object (node), member, value);
  return node;
}

/* The preamble of a public write: the method POST (else 405 with @allow),
 * a token of the client's rate limit @bucket (else 429), then the JSON
 * body of at most @max_size bytes; NULL once it has replied the error. */
static inline JsonNode *
_sp_server_require_public_post (SpServer          *self,
                                SoupServerMessage *msg,
                                const char        *allow,
                                const char        *bucket,
                                gsize              max_size)
{
  if (!_sp_server_require_method (msg, "POST", allow) ||
      !_sp_server_rate_limit (self, msg, bucket))
    return NULL;
  return _sp_server_require_json_body (msg, max_size);
}

/* TRUE when @path is @base or below it, except @base/@except (e.g. the
 * editors' statistics): the public (CORS) paths of a route group. */
static inline gboolean
_sp_server_path_public_except (const char *path,
                               const char *base,
                               const char *except)
{
  gsize len = strlen (base);

  if (path == NULL || strncmp (path, base, len) != 0)
    return FALSE;
  return path[len] == '\0' || (path[len] == '/' && strcmp (path + len + 1, except) != 0);
}

G_END_DECLS
