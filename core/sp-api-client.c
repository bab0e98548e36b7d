/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-api-client"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-api-client.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-http-private.h"

#define API_TIMEOUT 60

JsonNode *
sp_api_client_request_json (const char    *base_url,
                            const char    *token,
                            const char    *ca_file,
                            const char    *method,
                            const char    *path,
                            JsonNode      *body,
                            guint         *status,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GTlsDatabase) tls_database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  if (status)
    *status = 0;

  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      tls_database = g_tls_file_database_new (ca_file, &local_error);
      if (tls_database == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       _("Cannot read the CA certificate file “%s”: %s"),
                       ca_file, local_error->message);
          return NULL;
        }
    }

  if (body != NULL)
    {
      gsize len = 0;
      char *text = sp_json_to_string (body, &len);

      bytes = g_bytes_new_take (text, len);
    }

  session = _sp_http_session_new (API_TIMEOUT, tls_database);
  return _sp_http_request (session, base_url, token, method, path, bytes,
                           FALSE, status, cancellable, error);
}

typedef struct {
  char     *base_url;
  char     *token;
  char     *ca_file;
  char     *method;
  char     *path;
  JsonNode *body;
} RequestData;

typedef struct {
  JsonNode *node;
  guint     status;
  GError   *error;
} RequestResult;

static void
request_data_free (RequestData *data)
{
  g_free (data->base_url);
  g_free (data->token);
  g_free (data->ca_file);
  g_free (data->method);
  g_free (data->path);
  g_clear_pointer (&data->body, json_node_unref);
  g_free (data);
}

static void
request_result_free (RequestResult *result)
{
  g_clear_pointer (&result->node, json_node_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static void
request_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RequestData *data = task_data;
  RequestResult *result = g_new0 (RequestResult, 1);

  result->node = sp_api_client_request_json (data->base_url, data->token, data->ca_file,
                                             data->method, data->path, data->body,
                                             &result->status, cancellable, &result->error);
  g_task_return_pointer (task, result, (GDestroyNotify) request_result_free);
}

void
sp_api_client_request_json_async (const char          *base_url,
                                  const char          *token,
                                  const char          *ca_file,
                                  const char          *method,
                                  const char          *path,
                                  JsonNode            *body,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RequestData *data;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  data = g_new0 (RequestData, 1);
  data->base_url = g_strdup (base_url);
  data->token = g_strdup (token);
  data->ca_file = g_strdup (ca_file);
  data->method = g_strdup (method);
  data->path = g_strdup (path);
  data->body = body ? json_node_copy (body) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_api_client_request_json_async);
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);
  g_task_run_in_thread (task, request_thread);
}

JsonNode *
sp_api_client_request_json_finish (GAsyncResult  *result,
                                   guint         *status,
                                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  RequestResult *res;
  JsonNode *node;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (status)
    *status = 0;
  res = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (res == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (status)
    *status = res->status;
  if (res->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&res->error));
      request_result_free (res);
      return NULL;
    }
  node = g_steal_pointer (&res->node);
  request_result_free (res);
  return node;
}
