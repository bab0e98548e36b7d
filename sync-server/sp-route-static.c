/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-static"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sp-route-static.h"

#include "sp-server-private.h"

/* Static citizen pages (the PWA) from the public directory. */

#define MAX_STATIC_FILE (32 * 1024 * 1024)

typedef struct {
  SpServer   *server;
  char       *root;          /* realpath of the public dir, or NULL */
  GHashTable *gzip_cache;    /* path -> CachedGzip */
} StaticRoute;

typedef struct {
  char   *etag;
  GBytes *bytes;
} CachedGzip;

static void
cached_gzip_free (CachedGzip *cached)
{
  g_free (cached->etag);
  g_bytes_unref (cached->bytes);
  g_free (cached);
}

static const struct {
  const char *suffix;
  const char *type;
  gboolean    compress;
} content_types[] = {
  { ".html",        "text/html; charset=utf-8",              TRUE },
  { ".htm",         "text/html; charset=utf-8",              TRUE },
  { ".js",          "text/javascript; charset=utf-8",        TRUE },
  { ".mjs",         "text/javascript; charset=utf-8",        TRUE },
  { ".css",         "text/css; charset=utf-8",               TRUE },
  { ".json",        "application/json",                      TRUE },
  { ".webmanifest", "application/manifest+json",             TRUE },
  { ".svg",         "image/svg+xml",                         TRUE },
  { ".txt",         "text/plain; charset=utf-8",             TRUE },
  { ".xml",         "application/xml",                       TRUE },
  { ".vxml",        "application/voicexml+xml",              TRUE },
  { ".png",         "image/png",                             FALSE },
  { ".jpg",         "image/jpeg",                            FALSE },
  { ".jpeg",        "image/jpeg",                            FALSE },
  { ".webp",        "image/webp",                            FALSE },
  { ".gif",         "image/gif",                             FALSE },
  { ".ico",         "image/x-icon",                          FALSE },
  { ".woff2",       "font/woff2",                            FALSE },
  { ".woff",        "font/woff",                             FALSE },
  { ".wav",         "audio/wav",                             FALSE },
  { ".mp3",         "audio/mpeg",                            FALSE },
  { ".ogg",         "audio/ogg",                             FALSE },
  { ".pdf",         "application/pdf",                       FALSE },
};

static const char *
content_type_for (const char *path,
                  gboolean   *compress)
{
  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    {
      if (g_str_has_suffix (path, content_types[i].suffix))
        {
          *compress = content_types[i].compress;
          return content_types[i].type;
        }
    }

  *compress = FALSE;
  return "application/octet-stream";
}

static const char *
cache_control_for (const char *path)
{
  /* Pages, the service worker and the manifest must be revalidated so that
   * updates reach citizens; other assets may be reused for an hour. */
  if (g_str_has_suffix (path, ".html") ||
      g_str_has_suffix (path, "/sw.js") ||
      g_str_has_suffix (path, ".webmanifest"))
    return "no-cache";

  return "public, max-age=3600";
}

static const char not_found_html[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"de\">\n"
  "<head><meta charset=\"utf-8\">"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
  "<title>Seite nicht gefunden – Stadtpult</title></head>\n"
  "<body>\n"
  "<main>\n"
  "<h1>Seite nicht gefunden</h1>\n"
  "<p>Die angeforderte Seite gibt es nicht. <a href=\"/\">Zur Startseite</a></p>\n"
  "</main>\n"
  "</body>\n"
  "</html>\n";

static void
set_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

static void
reply_not_found (StaticRoute       *route,
                 SoupServerMessage *msg)
{
  g_autofree char *custom = NULL;
  char *contents = NULL;
  gsize len = 0;

  set_common_headers (msg);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);

  if (route->root != NULL)
    {
      custom = g_build_filename (route->root, "404.html", NULL);
      if (g_file_get_contents (custom, &contents, &len, NULL))
        {
          soup_server_message_set_response (msg, "text/html; charset=utf-8",
                                            SOUP_MEMORY_TAKE, contents, len);
          return;
        }
    }

  soup_server_message_set_response (msg, "text/html; charset=utf-8",
                                    SOUP_MEMORY_STATIC, not_found_html,
                                    strlen (not_found_html));
}

static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  g_auto(GStrv) parts = NULL;

  if (if_none_match == NULL)
    return FALSE;

  parts = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *candidate = g_strstrip (parts[i]);

      if (g_str_has_prefix (candidate, "W/"))
        candidate += 2;
      if (strcmp (candidate, "*") == 0 ||
          strcmp (candidate, g_str_has_prefix (etag, "W/") ? etag + 2 : etag) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Maps a decoded request path to a file below the root, refusing anything
 * that could leave it: "..", hidden files, backslashes, symlinks out. */
static char *
resolve_path (StaticRoute  *route,
              const char   *path,
              gboolean     *is_dir)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  g_autofree char *real = NULL;
  GStatBuf st;

  *is_dir = FALSE;

  if (route->root == NULL || strchr (path, '\\') != NULL)
    return NULL;

  g_ptr_array_add (parts, route->root);
  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];

      if (*segment == '\0')
        continue;
      /* ".", "..", dotfiles */
      if (*segment == '.')
        return NULL;
      g_ptr_array_add (parts, (gpointer) segment);
    }
  g_ptr_array_add (parts, NULL);

  joined = g_build_filenamev ((char **) parts->pdata);
  real = realpath (joined, NULL);
  if (real == NULL)
    return NULL;

  if (strcmp (real, route->root) != 0 &&
      !(g_str_has_prefix (real, route->root) && real[strlen (route->root)] == '/'))
    return NULL;

  if (g_stat (real, &st) != 0)
    return NULL;

  if (S_ISDIR (st.st_mode))
    *is_dir = TRUE;
  else if (!S_ISREG (st.st_mode))
    return NULL;

  return g_steal_pointer (&real);
}

/* Short addresses that are easy to print or say, for pages that take
 * their subject from the query: /surveys/ID and /challenges/ID (to
 * "?id=ID"), /feedback/FB-... and /feedback/status (to the ticket status
 * page). The request's own query is kept. NULL for other paths. */
static char *
short_link_target (const char *path,
                   const char *query)
{
  static const char * const by_id[] = { "/surveys/", "/challenges/" };
  g_autofree char *subject = NULL;
  const char *target = NULL;
  const char *key = NULL;
  GString *location;

  for (guint i = 0; i < G_N_ELEMENTS (by_id) && target == NULL; i++)
    if (g_str_has_prefix (path, by_id[i]))
      {
        target = by_id[i];
        key = "id";
        subject = g_strdup (path + strlen (by_id[i]));
      }
  if (target == NULL && (strcmp (path, "/feedback/status") == 0 || strcmp (path, "/feedback/status/") == 0))
    target = "/feedback/status.html";
  else if (target == NULL && g_str_has_prefix (path, "/feedback/FB-"))
    {
      target = "/feedback/status.html";
      key = "ticket";
      subject = g_strdup (path + strlen ("/feedback/"));
    }
  if (target == NULL)
    return NULL;

  if (subject != NULL)
    {
      if (g_str_has_suffix (subject, "/"))
        subject[strlen (subject) - 1] = '\0';
      if (*subject == '\0' || *subject == '.' || strchr (subject, '/') != NULL)
        return NULL;
    }

  /* target?key=subject&query, each part only when present */
  location = g_string_new (target);
  if (subject != NULL)
    {
      g_string_append_printf (location, "?%s=", key);
      g_string_append_uri_escaped (location, subject, NULL, FALSE);
    }
  if (query != NULL && *query != '\0')
    g_string_append_printf (location, "%c%s", subject != NULL ? '&' : '?', query);
  return g_string_free (location, FALSE);
}

static void
static_handler (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  StaticRoute *route = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *file = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *last_modified = NULL;
  g_autoptr(GDateTime) mtime = NULL;
  const char *content_type;
  gboolean is_dir;
  gboolean compress;
  GStatBuf st;
  char *contents = NULL;
  gsize len = 0;

  if (strcmp (path, "/api") == 0 || g_str_has_prefix (path, "/api/"))
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (headers, "Allow", "GET, HEAD");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                        SOUP_MEMORY_STATIC, "Method not allowed\n", 19);
      return;
    }

  file = resolve_path (route, path, &is_dir);
  if (file == NULL)
    {
      g_autofree char *location =
        short_link_target (path, g_uri_get_query (soup_server_message_get_uri (msg)));

      if (location != NULL)
        soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
      else
        reply_not_found (route, msg);
      return;
    }

  if (is_dir)
    {
      if (!g_str_has_suffix (path, "/"))
        {
          /* Relative links in the index page need the trailing slash; the
           * query (e.g. a survey's id) stays. */
          const char *dir_query = g_uri_get_query (soup_server_message_get_uri (msg));
          g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
          g_autofree char *location = g_strconcat (escaped, "/", dir_query ? "?" : "",
                                                   dir_query ? dir_query : "", NULL);

          soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, location);
          return;
        }

      {
        g_autofree char *index = g_build_filename (file, "index.html", NULL);

        g_free (file);
        file = NULL;
        if (g_stat (index, &st) == 0 && S_ISREG (st.st_mode))
          file = g_steal_pointer (&index);
      }

      if (file == NULL)
        {
          reply_not_found (route, msg);
          return;
        }
    }

  if (g_stat (file, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_STATIC_FILE)
    {
      reply_not_found (route, msg);
      return;
    }

  set_common_headers (msg);
  content_type = content_type_for (file, &compress);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\"",
                          (gint64) st.st_size, (gint64) st.st_mtime);
  mtime = g_date_time_new_from_unix_utc (st.st_mtime);
  last_modified = soup_date_time_to_string (mtime, SOUP_DATE_HTTP);

  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Last-Modified", last_modified);
  soup_message_headers_replace (headers, "Cache-Control", cache_control_for (file));
  if (compress)
    soup_message_headers_replace (headers, "Vary", "Accept-Encoding");

  if (etag_matches (soup_message_headers_get_one (req_headers, "If-None-Match"), etag))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  if (!g_file_get_contents (file, &contents, &len, NULL))
    {
      reply_not_found (route, msg);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);

  if (compress && len > 1024 &&
      _sp_accepts_gzip (soup_message_headers_get_one (req_headers, "Accept-Encoding")))
    {
      CachedGzip *cached = g_hash_table_lookup (route->gzip_cache, file);

      if (cached == NULL || strcmp (cached->etag, etag) != 0)
        {
          GBytes *gz = _sp_gzip ((const guint8 *) contents, len);

          if (gz != NULL)
            {
              cached = g_new0 (CachedGzip, 1);
              cached->etag = g_strdup (etag);
              cached->bytes = gz;
              g_hash_table_replace (route->gzip_cache, g_strdup (file), cached);
            }
          else
            cached = NULL;
        }

      if (cached != NULL)
        {
          g_free (contents);
          soup_message_headers_replace (headers, "Content-Encoding", "gzip");
          soup_message_headers_set_content_type (headers, content_type, NULL);
          soup_message_body_append_bytes (soup_server_message_get_response_body (msg),
                                          cached->bytes);
          return;
        }
    }

  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, contents, len);
}

static void
static_route_free (StaticRoute *route)
{
  g_free (route->root);
  g_hash_table_unref (route->gzip_cache);
  g_free (route);
}

void
sp_route_static_register (SpServer *server)
{
  StaticRoute *route = g_new0 (StaticRoute, 1);
  const char *dir = _sp_server_get_public_dir (server);

  route->server = server;
  route->gzip_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) cached_gzip_free);
  if (dir != NULL)
    route->root = realpath (dir, NULL);
  if (route->root == NULL)
    g_warning ("Public directory %s not found; citizen pages are not served",
               dir ? dir : "(none)");

  soup_server_add_handler (sp_server_get_soup (server), NULL,
                           static_handler, route, (GDestroyNotify) static_route_free);
}
