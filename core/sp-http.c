/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-http"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <unistd.h>

#include "sp-http-private.h"

#include "sp-change.h"
#include "sp-error.h"

SoupSession *
_sp_http_session_new (guint         timeout,
                      GTlsDatabase *tls_database)
{
  SoupSession *session;

  session = soup_session_new_with_options ("timeout", timeout,
                                           "idle-timeout", timeout,
                                           "user-agent", "Stadtpult/" PACKAGE_VERSION " ",
                                           NULL);
  if (tls_database != NULL)
    soup_session_set_tls_database (session, tls_database);
  return session;
}

int
_sp_http_code_for_status (guint       status,
                          const char *slug)
{
  static const int codes[] = {
    SP_ERROR_INVALID, SP_ERROR_UNKNOWN_ENTITY, SP_ERROR_UNKNOWN_FIELD,
    SP_ERROR_UNAUTHORIZED, SP_ERROR_FORBIDDEN, SP_ERROR_NOT_FOUND,
    SP_ERROR_TOO_LARGE, SP_ERROR_RATE_LIMITED, SP_ERROR_STORAGE,
    SP_ERROR_FROZEN,
  };

  if (status == SOUP_STATUS_UNAUTHORIZED)
    return SP_ERROR_UNAUTHORIZED;
  if (status == SOUP_STATUS_FORBIDDEN)
    return SP_ERROR_FORBIDDEN;

  if (slug != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      if (g_strcmp0 (sp_error_slug (codes[i]), slug) == 0)
        return codes[i];

  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:               return SP_ERROR_NOT_FOUND;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE: return SP_ERROR_TOO_LARGE;
    case 429:                                   return SP_ERROR_RATE_LIMITED;
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:         return SP_ERROR_NETWORK;
    default:
      if (status >= 400 && status < 500)
        return SP_ERROR_INVALID;
      if (status >= 500)
        return SP_ERROR_STORAGE;
      return SP_ERROR_PROTOCOL;
    }
}

SoupMessage *
_sp_http_message_new (const char    *base_url,
                      const char    *token,
                      const char    *method,
                      const char    *path_and_query,
                      GBytes        *body,
                      GError       **error)
{
  g_autofree char *url = NULL;
  SoupMessage *msg;

  if (base_url == NULL)
    base_url = "";
  /* "http://host:8080/" + "/api/..." must not give a double slash. */
  if (g_str_has_suffix (base_url, "/") && path_and_query[0] == '/')
    url = g_strconcat (base_url, path_and_query + 1, NULL);
  else
    url = g_strconcat (base_url, path_and_query, NULL);

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Invalid server address “%s”"), base_url);
      return NULL;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/json");
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", auth);
    }

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return msg;
}

/* The error of a failed soup_session_send*(): cancellation as it is,
 * anything else "cannot reach the server". */
static void
set_send_error (GError  *local_error,
                GError **error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NETWORK,
                   _("Cannot reach the server: %s"), local_error->message);
      g_error_free (local_error);
    }
}

/* The SP_ERROR for a non-2xx answer with body @data: the server's
 * "message" (and "error" slug) if it sent JSON, else the reason phrase. */
static void
set_status_error (SoupMessage  *msg,
                  guint         status,
                  const char   *data,
                  gsize         len,
                  GError      **error)
{
  g_autoptr(JsonNode) err = len ? sp_json_parse (data, (gssize) len, NULL) : NULL;
  const char *slug = NULL;
  const char *message = NULL;

  if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
    {
      JsonObject *o = json_node_get_object (err);

      if (json_object_has_member (o, "error") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "error")))
        slug = json_object_get_string_member (o, "error");
      if (json_object_has_member (o, "message") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "message")))
        message = json_object_get_string_member (o, "message");
    }

  if (message == NULL)
    message = soup_message_get_reason_phrase (msg);
  if (message == NULL || *message == '\0')
    message = soup_status_get_phrase (status);

  g_set_error (error, SP_ERROR, _sp_http_code_for_status (status, slug),
               "%s (HTTP %u)", message ? message : _("Server error"), status);
}

/* An answer cut short (the connection closed in the middle of it) arrives
 * without an error from libsoup: FALSE (and @error set) when @len is not
 * the announced length. */
static gboolean
check_length (SoupMessage  *msg,
              goffset       len,
              GError      **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) != len)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NETWORK,
                   _("Cannot reach the server: the answer was cut off"));
      return FALSE;
    }
  return TRUE;
}

GBytes *
_sp_http_send (SoupSession   *session,
               SoupMessage   *msg,
               guint         *status_out,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GBytes) response = NULL;
  GError *local_error = NULL;
  const char *data;
  gsize len = 0;
  guint status;

  if (status_out)
    *status_out = 0;

  response = soup_session_send_and_read (session, msg, cancellable, &local_error);
  if (response == NULL)
    {
      set_send_error (local_error, error);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status_out)
    *status_out = status;
  data = g_bytes_get_data (response, &len);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_status_error (msg, status, data, len, error);
      return NULL;
    }
  if (!check_length (msg, (goffset) len, error))
    return NULL;

  return g_steal_pointer (&response);
}

/* Error answers are short JSON; more is not read. */
#define ERROR_BODY_MAX (64 * 1024)
/* Bytes read at a time: one buffer used again and again. Reading a big
 * answer into fresh memory costs a page fault per 4 KiB, which on the
 * virtual machines we measured on made a 50 MB answer take 0.17 s
 * instead of 0.02 s. */
#define DOWNLOAD_CHUNK (1024 * 1024)

gboolean
_sp_http_download (SoupSession   *session,
                   SoupMessage   *msg,
                   int            fd,
                   guint         *status_out,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autofree guint8 *buf = NULL;
  GError *local_error = NULL;
  goffset total = 0;
  guint status;

  if (status_out)
    *status_out = 0;

  if (!(in = soup_session_send (session, msg, cancellable, &local_error)))
    {
      set_send_error (local_error, error);
      return FALSE;
    }

  status = soup_message_get_status (msg);
  if (status_out)
    *status_out = status;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(GBytes) body = g_input_stream_read_bytes (in, ERROR_BODY_MAX, cancellable, NULL);
      gsize len = 0;
      const char *data = body ? g_bytes_get_data (body, &len) : NULL;

      set_status_error (msg, status, data, len, error);
      return FALSE;
    }

  buf = g_malloc (DOWNLOAD_CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, DOWNLOAD_CHUNK, cancellable, &local_error);
      gsize done = 0;

      if (n < 0)
        {
          set_send_error (local_error, error);
          return FALSE;
        }
      if (n == 0)
        break;
      while (done < (gsize) n)
        {
          gssize w = write (fd, buf + done, (gsize) n - done);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              int saved = errno;

              g_set_error (error, SP_ERROR, SP_ERROR_STORAGE,
                           _("Cannot save the server's answer: %s"), g_strerror (saved));
              return FALSE;
            }
          done += (gsize) w;
        }
      total += n;
    }
  g_input_stream_close (in, NULL, NULL);
  return check_length (msg, total, error);
}

GBytes *
_sp_http_request_bytes (SoupSession   *session,
                        const char    *base_url,
                        const char    *token,
                        const char    *method,
                        const char    *path_and_query,
                        GBytes        *body,
                        guint         *status_out,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;

  if (status_out)
    *status_out = 0;
  if (!(msg = _sp_http_message_new (base_url, token, method, path_and_query, body, error)))
    return NULL;
  return _sp_http_send (session, msg, status_out, cancellable, error);
}

JsonNode *
_sp_http_request (SoupSession   *session,
                  const char    *base_url,
                  const char    *token,
                  const char    *method,
                  const char    *path_and_query,
                  GBytes        *body,
                  gboolean       require_object,
                  guint         *status_out,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *data;
  gsize len = 0;

  response = _sp_http_request_bytes (session, base_url, token, method, path_and_query,
                                     body, status_out, cancellable, error);
  if (response == NULL)
    return NULL;
  data = g_bytes_get_data (response, &len);

  if (len == 0 && !require_object)
    return json_node_new (JSON_NODE_NULL);

  root = sp_json_parse (data, (gssize) len, &local_error);
  if (root == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL,
                   _("Unexpected answer from the server: %s"), local_error->message);
      return NULL;
    }
  if (require_object && !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL,
                   _("Unexpected answer from the server: not a JSON object"));
      return NULL;
    }

  return g_steal_pointer (&root);
}
