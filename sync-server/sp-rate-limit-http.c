/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-rate-limit"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-rate-limit.h"
#include "sp-server-private.h"

#include "sp-error.h"

/* The HTTP side of sp-rate-limit.c: one limiter per process. */

static GInetAddress *trusted_proxy;

static SpRateLimiter *
process_limiter (void)
{
  static gsize once = 0;
  static SpRateLimiter *limiter;

  if (g_once_init_enter (&once))
    {
      limiter = sp_rate_limiter_new (NULL, NULL);
      g_once_init_leave (&once, 1);
    }

  return limiter;
}

gboolean
sp_rate_limit_set_trusted_proxy (const char  *address,
                                 GError     **error)
{
  GInetAddress *inet = NULL;

  if (address != NULL && (inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", address);
      return FALSE;
    }

  g_clear_object (&trusted_proxy);
  trusted_proxy = inet;
  return TRUE;
}

gboolean
_sp_server_rate_limit (SpServer          *server,
                       SoupServerMessage *msg,
                       const char        *bucket)
{
  GSocketAddress *remote;
  const char *forwarded_for;
  g_autofree char *client = NULL;
  g_autofree char *seconds = NULL;
  guint retry_after = 0;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), TRUE);
  g_return_val_if_fail (bucket != NULL, TRUE);

  remote = soup_server_message_get_remote_address (msg);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return TRUE;

  forwarded_for = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                 "X-Forwarded-For");
  client = sp_rate_limit_client_key (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
                                     forwarded_for, trusted_proxy);
  if (sp_rate_limiter_take (process_limiter (), bucket, client, &retry_after))
    return TRUE;

  seconds = g_strdup_printf ("%u", retry_after);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", seconds);
  _sp_server_reply_error_literal (msg, sp_error_http_status (SP_ERROR_RATE_LIMITED),
                                  sp_error_slug (SP_ERROR_RATE_LIMITED),
                                  "Too many requests from your network, please try again later");
  return FALSE;
}
