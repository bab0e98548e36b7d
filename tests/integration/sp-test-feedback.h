/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Helpers of the citizen feedback tests (test-feedback-api.c,
 * test-open311.c): requests from citizens on their own loopback
 * addresses (127.0.0.N, so each has its own rate limit), and the staff's
 * side through the sync API. */

typedef struct {
  guint  status;
  char  *body;
  char  *content_type;
  char  *retry_after;     /* NULL when absent */
  char  *allow_origin;    /* Access-Control-Allow-Origin, NULL when absent */
} SpTestResponse;

void        sp_test_response_clear      (SpTestResponse *response);

/* @method @path on @base_url from the source address @from (e.g.
 * "127.0.0.5"); @token, @content_type + @body and one extra header
 * (@header = "Name: value") may be NULL. Returns the status. */
guint       sp_test_citizen_request     (const char      *base_url,
                                         const char      *from,
                                         const char      *method,
                                         const char      *path,
                                         const char      *token,
                                         const char      *content_type,
                                         const char      *body,
                                         const char      *header,
                                         SpTestResponse  *response);

/* Parses @text, asserting it is JSON. */
JsonNode   *sp_test_parse_json          (const char      *text);

/* Pushes a published (or draft) service as the staff user of @token;
 * returns its id. */
char       *sp_test_push_service        (const char      *base_url,
                                         const char      *token,
                                         const char      *name,
                                         const char      *status);
/* Pushes an upsert of @fields_json (a JSON object text) to row @id of
 * @entity as the staff user of @token, on @base_version; asserts it was
 * applied. */
void        sp_test_push_fields         (const char      *base_url,
                                         const char      *token,
                                         const char      *entity,
                                         const char      *id,
                                         gint64           base_version,
                                         const char      *fields_json);

/* The same, returning the push result's status ("applied", "conflict"). */
char       *sp_test_push_fields_status  (const char      *base_url,
                                         const char      *token,
                                         const char      *entity,
                                         const char      *id,
                                         gint64           base_version,
                                         const char      *fields_json);

/* What staff see after a full pull as @token: the live rows of @entity as
 * id -> fields object (plus "version" and "hlc" members). */
GHashTable *sp_test_staff_rows          (const char      *base_url,
                                         const char      *token,
                                         const char      *entity);
/* The staff's copy of the feedback row with @ticket (asserts there is
 * one). */
JsonObject *sp_test_staff_feedback      (GHashTable      *rows,
                                         const char      *ticket);

G_END_DECLS
