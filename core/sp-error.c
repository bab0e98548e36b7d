/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-error"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-error.h"

G_DEFINE_QUARK (sp-error-quark, sp_error)

guint
sp_error_http_status (int code)
{
  switch ((SpError) code)
    {
    case SP_ERROR_INVALID:
    case SP_ERROR_UNKNOWN_ENTITY:
    case SP_ERROR_UNKNOWN_FIELD:
      return 400;
    case SP_ERROR_UNAUTHORIZED:
      return 401;
    case SP_ERROR_FORBIDDEN:
      return 403;
    case SP_ERROR_NOT_FOUND:
      return 404;
    case SP_ERROR_TOO_LARGE:
      return 413;
    case SP_ERROR_RATE_LIMITED:
      return 429;
    case SP_ERROR_FROZEN:
      return 409;
    case SP_ERROR_NETWORK:
      return 503;
    case SP_ERROR_PROTOCOL:
      return 502;
    case SP_ERROR_SCHEMA:
    case SP_ERROR_STORAGE:
    default:
      return 500;
    }
}

const char *
sp_error_slug (int code)
{
  switch ((SpError) code)
    {
    case SP_ERROR_INVALID:        return "invalid_request";
    case SP_ERROR_UNKNOWN_ENTITY: return "unknown_entity";
    case SP_ERROR_UNKNOWN_FIELD:  return "unknown_field";
    case SP_ERROR_UNAUTHORIZED:   return "unauthorized";
    case SP_ERROR_FORBIDDEN:      return "forbidden";
    case SP_ERROR_NOT_FOUND:      return "not_found";
    case SP_ERROR_TOO_LARGE:      return "too_large";
    case SP_ERROR_RATE_LIMITED:   return "rate_limited";
    case SP_ERROR_STORAGE:        return "storage";
    case SP_ERROR_NETWORK:        return "network";
    case SP_ERROR_PROTOCOL:       return "protocol";
    case SP_ERROR_SCHEMA:         return "schema";
    case SP_ERROR_FROZEN:         return "frozen";
    default:                      return "internal";
    }
}
