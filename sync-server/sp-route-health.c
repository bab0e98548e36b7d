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
  SpServer          *server;
  SoupServerMessage *msg;
  gboolean           finished;
  gulong             finished_id;
} MetricsRequest;

static void
metrics_request_free (MetricsRequest *req)
{
  SpServer *server = req->server;

  g_signal_handler_disconnect (req->msg, req->finished_id);
  g_object_unref (req->msg);
  g_free (req);
  _sp_server_release (server);
}

static void
metrics_msg_finished (SoupServerMessage *msg,
                      MetricsRequest    *req)
{
  req->finished = TRUE;
}

static void
metrics_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  MetricsRequest *req = task_data;

  /* Row counts query the storage, which may be busy with a push. */
  g_task_return_pointer (task, _sp_server_metrics_text (req->server), g_free);
}

static void
metrics_done (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MetricsRequest *req = g_task_get_task_data (G_TASK (result));
  char *text = g_task_propagate_pointer (G_TASK (result), NULL);

  if (req->finished)
    {
      g_free (text);
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
  soup_server_message_unpause (req->msg);
}

static void
metrics_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  g_autoptr(GTask) task = NULL;
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

  _sp_server_hold (user_data);
  req = g_new0 (MetricsRequest, 1);
  req->server = user_data;
  req->msg = g_object_ref (msg);
  req->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (metrics_msg_finished), req);

  soup_server_message_pause (msg);

  task = g_task_new (NULL, NULL, metrics_done, NULL);
  g_task_set_task_data (task, req, (GDestroyNotify) metrics_request_free);
  g_task_run_in_thread (task, metrics_thread);
}

void
sp_route_health_register (SpServer *server)
{
  SoupServer *soup = sp_server_get_soup (server);

  soup_server_add_handler (soup, "/healthz", healthz_handler, server, NULL);
  soup_server_add_handler (soup, "/metrics", metrics_handler, server, NULL);
}
