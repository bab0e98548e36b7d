/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "sp-storage.h"

G_BEGIN_DECLS

/* The server context shared by all route groups (one file per group:
 * sp-route-login.c, sp-route-sync.c, sp-route-services.c, ...). Each group
 * has `void sp_route_<group>_register (SpServer *server);` called by
 * sp-server.c. */

typedef struct _SpServer SpServer;

#define SP_MAX_BODY_SIZE (16 * 1024 * 1024)   /* staff API bodies */

SoupServer  *sp_server_get_soup        (SpServer *self);
SpStorage   *sp_server_get_storage     (SpServer *self);

/* Bearer token -> principal. NULL and SP_ERROR_UNAUTHORIZED if missing,
 * unknown or expired. */
SpPrincipal *sp_server_authenticate    (SpServer          *self,
                                        SoupServerMessage *msg,
                                        GError           **error);

/* Parses the request body as JSON (Content-Length <= @max_size, else
 * SP_ERROR_TOO_LARGE; bad JSON: SP_ERROR_INVALID). */
JsonNode    *sp_server_read_json_body  (SoupServerMessage *msg,
                                        gsize              max_size,
                                        GError           **error);

void         sp_server_reply_json      (SoupServerMessage *msg,
                                        guint              status,
                                        JsonNode          *node);
/* The same with JSON already written as text (@text taken). */
void         sp_server_reply_json_text (SoupServerMessage *msg,
                                        guint              status,
                                        char              *text,
                                        gsize              len);
/* {"error": sp_error_slug(code), "message": error->message} with
 * sp_error_http_status(code); non-SP_ERROR domains give 500. */
void         sp_server_reply_error     (SoupServerMessage *msg,
                                        const GError      *error);

/* Run slow work off the main loop: pauses @msg, runs @func in a worker
 * thread, then replies with its JSON (status from *status, default 200) or
 * its error, and unpauses. Takes ownership of @principal and @body (both may
 * be NULL; freed after @func ran); @query (may be NULL) is referenced, so
 * the form hash table a SoupServerCallback gets can be passed as is. The
 * JsonNode returned by @func is owned by the caller of @func. */
typedef JsonNode *(*SpServerWorkFunc) (SpServer    *server,
                                       SpPrincipal *principal,
                                       JsonNode    *body,
                                       GHashTable  *query,
                                       guint       *status,
                                       GError     **error);
void         sp_server_defer           (SpServer          *self,
                                        SoupServerMessage *msg,
                                        SpPrincipal       *principal,
                                        JsonNode          *body,
                                        GHashTable        *query,
                                        SpServerWorkFunc   func);
/* The same for work that writes its JSON answer as text (hot paths where a
 * JsonNode and a JsonGenerator would cost more than the work): @func
 * returns the text (new string, length in *length) or NULL with @error. */
typedef char     *(*SpServerTextFunc) (SpServer    *server,
                                       SpPrincipal *principal,
                                       JsonNode    *body,
                                       GHashTable  *query,
                                       guint       *status,
                                       gsize       *length,
                                       GError     **error);
void         sp_server_defer_text      (SpServer          *self,
                                        SoupServerMessage *msg,
                                        SpPrincipal       *principal,
                                        JsonNode          *body,
                                        GHashTable        *query,
                                        SpServerTextFunc   func);

/* Prometheus counters (thread-safe). */
void         sp_server_count_sync      (SpServer *self,
                                        guint     applied,
                                        guint     conflicts);
/* A first-sync snapshot sent; @made: made for this request. */
void         sp_server_count_snapshot  (SpServer *self,
                                        gboolean  made);

G_END_DECLS
