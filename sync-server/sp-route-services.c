/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-services"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-services.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-server-private.h"

/* Public, read-only citizen service catalogue:
 *   GET /api/v1/services[?q=words]  published services, sorted by name
 *   GET /api/v1/services/ID         one published service
 * with ETag / If-None-Match and gzip. */

#define SERVICES_PATH "/api/v1/services"
#define MAX_QUERY_LEN 200

typedef struct {
  SpServer *server;

  /* The last full list, serialized and compressed, keyed by the storage
   * validator: repeated polls cost one storage call and no encoding. */
  GMutex    lock;
  char     *cached_etag;
  GBytes   *cached_plain;
  GBytes   *cached_gzip;
} ServicesRoute;

typedef struct {
  ServicesRoute     *route;
  char              *id;             /* NULL for the list */
  char              *q;              /* NULL: no filter */
  char              *if_none_match;
  gboolean           gzip;

  /* results */
  guint              status;
  char              *etag;
  GBytes            *body;
  gboolean           body_gzipped;
  GError            *error;
} Request;

static void
request_free (Request *req)
{
  g_free (req->id);
  g_free (req->q);
  g_free (req->if_none_match);
  g_free (req->etag);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_error (&req->error);
  g_free (req);
}

/* Case- and accent-insensitive form: "Führungszeugnis" and "Fuehrungszeugnis"
 * -> "fuhrungszeugnis", "Straße" -> "strasse". */
static char *
fold_text (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      g_string_append_unichar (out, c);
    }
  stripped = g_string_free (out, FALSE);
  folded = g_utf8_casefold (stripped, -1);

  /* German transliterations: "fuehrung" finds "Führung". Applied to both
   * sides, so plain "ue" spellings still match themselves. */
  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p; p++)
    {
      g_string_append_c (out, *p);
      if (p[1] == 'e' && (*p == 'a' || *p == 'o' || *p == 'u'))
        p++;
    }

  return g_string_free (out, FALSE);
}

static gboolean
service_matches (JsonObject  *service,
                 char       **words)
{
  static const char * const fields[] = { "name", "description", "leika", "office", NULL };
  g_autoptr(GString) haystack = g_string_new (NULL);
  g_autofree char *folded = NULL;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (service, fields[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_string_append (haystack, json_node_get_string (node));
          g_string_append_c (haystack, '\n');
        }
    }

  folded = fold_text (haystack->str);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (folded, words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static char *
make_etag (const char *validator,
           const char *variant,
           gboolean    gzipped)
{
  g_autofree char *input = g_strconcat (validator, "\n", variant, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);

  sum[32] = '\0';
  return g_strdup_printf ("\"%s%s\"", sum, gzipped ? "-gz" : "");
}

/* Compares ignoring the encoding suffix: a cached identity body is as good
 * as a cached gzip body for deciding "not modified". */
static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  g_auto(GStrv) parts = NULL;
  gsize base_len;

  if (if_none_match == NULL)
    return FALSE;

  base_len = 1 + 32;      /* opening quote + hash */
  parts = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *candidate = g_strstrip (parts[i]);

      if (g_str_has_prefix (candidate, "W/"))
        candidate += 2;
      if (strcmp (candidate, "*") == 0)
        return TRUE;
      if (strlen (candidate) >= base_len && strncmp (candidate, etag, base_len) == 0)
        return TRUE;
    }

  return FALSE;
}

static GBytes *
serialize (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize len;
  char *text;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);

  return g_bytes_new_take (text, len);
}

static void
services_work (gpointer data)
{
  Request *req = data;
  ServicesRoute *route = req->route;
  SpStorage *storage = sp_server_get_storage (route->server);
  g_autoptr(JsonNode) published = NULL;
  g_autofree char *validator = NULL;
  g_autofree char *variant = NULL;
  g_autoptr(JsonNode) result = NULL;
  JsonArray *array;

  published = sp_storage_published (storage, SP_ENTITY_SERVICE, &validator, &req->error);
  if (published == NULL)
    {
      if (req->error == NULL)
        g_set_error_literal (&req->error, SP_ERROR, SP_ERROR_STORAGE,
                             "Could not read the published services");
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (published))
    {
      g_set_error_literal (&req->error, SP_ERROR, SP_ERROR_STORAGE,
                           "Published services are not a list");
      return;
    }
  array = json_node_get_array (published);

  if (req->id != NULL)
    variant = g_strconcat ("id:", req->id, NULL);
  else if (req->q != NULL)
    variant = g_strconcat ("q:", req->q, NULL);
  else
    variant = g_strdup ("list");

  req->etag = make_etag (validator ? validator : "", variant, req->gzip);
  if (etag_matches (req->if_none_match, req->etag))
    {
      req->status = SOUP_STATUS_NOT_MODIFIED;
      return;
    }

  if (req->id == NULL && req->q == NULL)
    {
      /* The full list: reuse the encoding of the last identical answer. */
      g_mutex_lock (&route->lock);
      if (route->cached_etag == NULL || g_strcmp0 (route->cached_etag, validator) != 0)
        {
          g_clear_pointer (&route->cached_etag, g_free);
          g_clear_pointer (&route->cached_plain, g_bytes_unref);
          g_clear_pointer (&route->cached_gzip, g_bytes_unref);
          route->cached_plain = serialize (published);
          route->cached_etag = g_strdup (validator);
        }
      if (req->gzip && route->cached_gzip == NULL)
        route->cached_gzip = _sp_gzip (g_bytes_get_data (route->cached_plain, NULL),
                                       g_bytes_get_size (route->cached_plain));
      if (req->gzip && route->cached_gzip != NULL)
        {
          req->body = g_bytes_ref (route->cached_gzip);
          req->body_gzipped = TRUE;
        }
      else
        req->body = g_bytes_ref (route->cached_plain);
      g_mutex_unlock (&route->lock);

      req->status = SOUP_STATUS_OK;
      return;
    }

  if (req->id != NULL)
    {
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          object = json_node_get_object (element);
          if (g_strcmp0 (json_object_get_string_member_with_default (object, "id", NULL),
                         req->id) == 0)
            {
              result = json_node_copy (element);
              break;
            }
        }

      if (result == NULL)
        {
          g_set_error_literal (&req->error, SP_ERROR, SP_ERROR_NOT_FOUND,
                               "No published service with this id");
          return;
        }
    }
  else
    {
      g_autofree char *folded = fold_text (req->q);
      g_auto(GStrv) words = g_strsplit_set (folded, " \t\n\r,;", -1);
      JsonArray *filtered = json_array_new ();
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              service_matches (json_node_get_object (element), words))
            json_array_add_element (filtered, json_node_copy (element));
        }

      result = json_node_init_array (json_node_alloc (), filtered);
      json_array_unref (filtered);
    }

  req->body = serialize (result);
  if (req->gzip && g_bytes_get_size (req->body) > 512)
    {
      GBytes *gz = _sp_gzip (g_bytes_get_data (req->body, NULL), g_bytes_get_size (req->body));

      if (gz != NULL)
        {
          g_bytes_unref (req->body);
          req->body = gz;
          req->body_gzipped = TRUE;
        }
    }
  req->status = SOUP_STATUS_OK;
}

static void
services_reply (SoupServerMessage *msg,
                gpointer           data)
{
  Request *req = data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (req->error != NULL)
    {
      sp_server_reply_error (msg, req->error);
      return;
    }

  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "Vary", "Accept-Encoding");
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  if (req->etag != NULL)
    soup_message_headers_replace (headers, "ETag", req->etag);

  soup_server_message_set_status (msg, req->status, NULL);
  if (req->status == SOUP_STATUS_OK)
    {
      if (req->body_gzipped)
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), req->body);
    }
}

static void
services_handler (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  ServicesRoute *route = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *id = NULL;
  const char *q = NULL;
  g_autofree char *trimmed = NULL;
  Request *req;

  if (strcmp (path, SERVICES_PATH) != 0 && strcmp (path, SERVICES_PATH "/") != 0)
    {
      id = path + strlen (SERVICES_PATH "/");
      if (!g_str_has_prefix (path, SERVICES_PATH "/") || !sp_id_is_valid (id))
        {
          _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                          "No published service with this id");
          return;
        }
    }

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  if (query != NULL)
    q = g_hash_table_lookup (query, "q");
  if (q != NULL)
    {
      if (strlen (q) > MAX_QUERY_LEN || !g_utf8_validate (q, -1, NULL))
        {
          _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST,
                                          sp_error_slug (SP_ERROR_INVALID),
                                          "The search text is too long or not UTF-8");
          return;
        }
      trimmed = g_strstrip (g_strdup (q));
      if (*trimmed == '\0')
        g_clear_pointer (&trimmed, g_free);
    }

  req = g_new0 (Request, 1);
  req->route = route;
  req->id = g_strdup (id);
  req->q = id == NULL ? g_steal_pointer (&trimmed) : NULL;
  req->if_none_match = g_strdup (soup_message_headers_get_one (req_headers, "If-None-Match"));
  req->gzip = _sp_accepts_gzip (soup_message_headers_get_one (req_headers, "Accept-Encoding"));
  _sp_server_run_job (route->server, msg, FALSE, req, (GDestroyNotify) request_free,
                      services_work, services_reply);
}

static void
services_route_free (ServicesRoute *route)
{
  g_mutex_clear (&route->lock);
  g_free (route->cached_etag);
  g_clear_pointer (&route->cached_plain, g_bytes_unref);
  g_clear_pointer (&route->cached_gzip, g_bytes_unref);
  g_free (route);
}

void
sp_route_services_register (SpServer *server)
{
  ServicesRoute *route = g_new0 (ServicesRoute, 1);

  route->server = server;
  g_mutex_init (&route->lock);

  soup_server_add_handler (sp_server_get_soup (server), SERVICES_PATH,
                           services_handler, route,
                           (GDestroyNotify) services_route_free);
}
