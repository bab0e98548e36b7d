/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bot-cors"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-bot-cors.h"

#define BOT_PREFIX "/api/v1/bot/"

static const char * const public_endpoints[] = {
  "ask", "status", "handoff", "callback",
};

gboolean
sp_bot_cors_path_is_public (const char *path)
{
  const char *rest;

  if (path == NULL || !g_str_has_prefix (path, BOT_PREFIX))
    return FALSE;
  rest = path + strlen (BOT_PREFIX);

  for (guint i = 0; i < G_N_ELEMENTS (public_endpoints); i++)
    {
      gsize len = strlen (public_endpoints[i]);

      /* "handoff" also covers "handoff/ID/messages" and ".../events". */
      if (strncmp (rest, public_endpoints[i], len) == 0 &&
          (rest[len] == '\0' || rest[len] == '/'))
        return TRUE;
    }

  return FALSE;
}

/* Runs after the request was read and before the route handler: a status
 * set here skips the handler (libsoup's documented rule). */
static void
request_read (SoupServer        *soup,
              SoupServerMessage *msg,
              gpointer           user_data)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  SpCorsPathFunc is_public = (SpCorsPathFunc) user_data;

  if (uri == NULL || !is_public (g_uri_get_path (uri)))
    return;

  soup_message_headers_replace (resp, "Access-Control-Allow-Origin", "*");

  if (strcmp (soup_server_message_get_method (msg), "OPTIONS") == 0 &&
      soup_message_headers_get_one (req, "Access-Control-Request-Method") != NULL &&
      soup_server_message_get_status (msg) == 0)
    {
      soup_message_headers_replace (resp, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      soup_message_headers_replace (resp, "Access-Control-Allow-Headers", "Content-Type, Accept");
      soup_message_headers_replace (resp, "Access-Control-Max-Age", "86400");
      soup_message_headers_replace (resp, "Cache-Control", "no-store");
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
}

void
sp_bot_cors_register_public (SpServer       *server,
                             SpCorsPathFunc  is_public)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (is_public != NULL);

  g_signal_connect (sp_server_get_soup (server), "request-read",
                    G_CALLBACK (request_read), (gpointer) is_public);
}

void
sp_bot_cors_register (SpServer *server)
{
  sp_bot_cors_register_public (server, sp_bot_cors_path_is_public);
}
