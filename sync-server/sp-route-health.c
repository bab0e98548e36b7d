/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-health"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-health.h"

#include "sp-server-private.h"

static gboolean
is_get_or_head (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  return method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
}

static void
healthz_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  if (strcmp (path, "/healthz") != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (!is_get_or_head (msg))
    {
      _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_STATIC, "ok", 2);
}

typedef struct {
  SpServer *server;
  char     *text;
} MetricsRequest;

static void
metrics_request_free (MetricsRequest *req)
{
  g_free (req->text);
  g_free (req);
}

static void
metrics_work (gpointer data)
{
  MetricsRequest *req = data;

  /* Row counts query the storage, which may be busy with a push. */
  req->text = _sp_server_metrics_text (req->server);
}

static void
metrics_reply (SoupServerMessage *msg,
               gpointer           data)
{
  MetricsRequest *req = data;
  char *text = g_steal_pointer (&req->text);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
metrics_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  MetricsRequest *req;

  if (strcmp (path, "/metrics") != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (!is_get_or_head (msg))
    {
      _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  req = g_new0 (MetricsRequest, 1);
  req->server = user_data;
  _sp_server_run_job (user_data, msg, FALSE, req, (GDestroyNotify) metrics_request_free,
                      metrics_work, metrics_reply);
}

void
sp_route_health_register (SpServer *server)
{
  SoupServer *soup = sp_server_get_soup (server);

  soup_server_add_handler (soup, "/healthz", healthz_handler, server, NULL);
  soup_server_add_handler (soup, "/metrics", metrics_handler, server, NULL);
}
