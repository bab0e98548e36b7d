/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SP_ERROR (sp_error_quark ())

/* Error codes shared by core, server and client. Each maps to an HTTP status
 * and a stable machine-readable string used as {"error": ...}. */
typedef enum {
  SP_ERROR_INVALID,         /* 400 "invalid_request": malformed, wrong type */
  SP_ERROR_UNKNOWN_ENTITY,  /* 400 "unknown_entity" */
  SP_ERROR_UNKNOWN_FIELD,   /* 400 "unknown_field" */
  SP_ERROR_UNAUTHORIZED,    /* 401 "unauthorized": no/expired/bad token, bad password */
  SP_ERROR_FORBIDDEN,       /* 403 "forbidden": role may not read/write */
  SP_ERROR_NOT_FOUND,       /* 404 "not_found" */
  SP_ERROR_TOO_LARGE,       /* 413 "too_large" */
  SP_ERROR_RATE_LIMITED,    /* 429 "rate_limited" */
  SP_ERROR_STORAGE,         /* 500 "storage" */
  SP_ERROR_NETWORK,         /* client side: server unreachable */
  SP_ERROR_PROTOCOL,        /* client side: unexpected server answer */
  SP_ERROR_SCHEMA,          /* database newer than this program */
  SP_ERROR_FROZEN,          /* 409 "frozen": a published version is immutable */
} SpError;

GQuark      sp_error_quark       (void);
guint       sp_error_http_status (int code);
const char *sp_error_slug        (int code);

G_END_DECLS
