/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-server-api"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "sp-test-server.h"

#include "sp-db.h"

/* The server binary as people and other programs meet it: health and
 * metrics, login, the user command, the public service catalogue, the
 * citizen pages, and bad input of every kind. One server with the demo
 * content serves all cases. */

static SpTestServer *server;

typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* HTTP without automatic decompression, with optional extra headers
 * ("Name", "value", ..., NULL). */
static Reply *
request (const char *method,
         const char *path,
         const char *token,
         GBytes     *body,
         ...)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  SoupMessageHeaders *req_headers;
  Reply *reply;
  const char *name;
  va_list args;

  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_session_set_timeout (session, 60);

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  req_headers = soup_message_get_request_headers (msg);
  /* libsoup asks for gzip by default; tests opt in explicitly. */
  soup_message_headers_remove (req_headers, "Accept-Encoding");

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (req_headers, "Authorization", auth);
    }

  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (req_headers, name, va_arg (args, const char *));
  va_end (args);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  reply = g_new0 (Reply, 1);
  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return reply;
}

static char *
body_text (Reply *reply)
{
  return g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
}

static JsonNode *
body_json (Reply *reply)
{
  g_autofree char *text = body_text (reply);
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_json_error (Reply      *reply,
                   guint       status,
                   const char *slug)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply->headers, NULL),
                                   "application/json"));
  node = body_json (reply);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, slug);
  g_assert_true (json_object_has_member (object, "message"));
  g_assert_cmpstr (json_object_get_string_member (object, "message"), !=, "");
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static GBytes *
gunzip (GBytes *data)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Sends @raw over a plain socket and returns everything the server sent. */
static char *
raw_http (const char *raw)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GInputStream *in;
  char buf[4096];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             raw, strlen (raw), NULL, NULL, &error);
  g_assert_no_error (error);

  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (out, buf, n);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
raw_status (const char *response)
{
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (response + 9, NULL, 10);
}

/* Runs the server binary with @argv (NULL-terminated, without the program)
 * and returns its exit status; *err gets its stderr. */
static int
run_cli (char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("STADTPULT_SERVER"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &stderr_text, &error);
  g_assert_no_error (error);

  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);

  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static char *
write_temp (const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = sp_test_server_path (server, name);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
login (const char *user,
       const char *password,
       guint      *status,
       char     ***roles)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
  g_autoptr(GBytes) bytes = text_bytes (body);
  g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, bytes, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *array;
  GPtrArray *list;

  *status = reply->status;
  if (reply->status != SOUP_STATUS_OK)
    return NULL;

  node = body_json (reply);
  object = json_node_get_object (node);
  array = json_object_get_array_member (object, "roles");
  list = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (list, g_strdup (json_array_get_string_element (array, i)));
  g_ptr_array_add (list, NULL);
  if (roles != NULL)
    *roles = (char **) g_ptr_array_free (list, FALSE);
  else
    g_strfreev ((char **) g_ptr_array_free (list, FALSE));

  return g_strdup (json_object_get_string_member (object, "token"));
}

/* -- tests ----------------------------------------------------------------- */

static void
test_healthz (void)
{
  g_autoptr(Reply) reply = request ("GET", "/healthz", NULL, NULL, NULL);
  g_autofree char *text = body_text (reply);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (g_strstrip (text), ==, "ok");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply->headers, NULL),
                                   "text/plain"));
}

static void
test_metrics (void)
{
  g_autoptr(Reply) warmup = request ("GET", "/healthz", NULL, NULL, NULL);
  g_autoptr(Reply) missing = request ("GET", "/api/v1/no-such-thing", NULL, NULL, NULL);
  g_autoptr(Reply) reply = request ("GET", "/metrics", NULL, NULL, NULL);
  g_autofree char *text = body_text (reply);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GRegex) sample = g_regex_new ("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? [-+0-9.eE]+(Inf)?$",
                                          0, 0, NULL);
  gint64 last_bucket = -1;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply->headers, NULL),
                                   "text/plain"));

  g_assert_nonnull (strstr (text, "# TYPE stadtpult_http_requests_total counter"));
  g_assert_nonnull (strstr (text, "stadtpult_http_requests_total{method=\"GET\",code=\"200\"}"));
  g_assert_nonnull (strstr (text, "stadtpult_http_requests_total{method=\"GET\",code=\"404\"}"));
  g_assert_nonnull (strstr (text, "# TYPE stadtpult_http_request_duration_seconds histogram"));
  g_assert_nonnull (strstr (text, "stadtpult_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
  g_assert_nonnull (strstr (text, "stadtpult_http_request_duration_seconds_sum "));
  g_assert_nonnull (strstr (text, "stadtpult_sync_changes_applied_total "));
  g_assert_nonnull (strstr (text, "stadtpult_sync_conflicts_total "));
  /* 27 demo services, 3 of them drafts */
  g_assert_nonnull (strstr (text, "stadtpult_rows{entity=\"service\"} 27\n"));

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0' || lines[i][0] == '#')
        continue;
      if (!g_regex_match (sample, lines[i], 0, NULL))
        g_error ("Not a Prometheus sample line: %s", lines[i]);
      /* Histogram buckets are cumulative. */
      if (g_str_has_prefix (lines[i], "stadtpult_http_request_duration_seconds_bucket"))
        {
          gint64 value = g_ascii_strtoll (strrchr (lines[i], ' ') + 1, NULL, 10);

          g_assert_cmpint (value, >=, last_bucket);
          last_bucket = value;
        }
    }
  g_assert_cmpint (last_bucket, >=, 2);
}

static void
test_login (void)
{
  g_autofree char *token = NULL;
  g_autofree char *wrong_pw_msg = NULL;
  g_autofree char *unknown_msg = NULL;
  g_auto(GStrv) roles = NULL;
  guint status = 0;

  token = login ("admin", "admin", &status, &roles);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 40);
  g_assert_true (g_strv_contains ((const char * const *) roles, "admin"));
  g_assert_true (g_strv_contains ((const char * const *) roles, "staff"));

  /* The token works on the staff API. */
  {
    g_autoptr(Reply) sync = request ("GET", "/api/v1/sync?limit=1", token, NULL, NULL);
    g_assert_cmpuint (sync->status, ==, 200);
  }

  /* Wrong password and unknown user look the same. */
  {
    g_autoptr(GBytes) body = text_bytes ("{\"user\":\"admin\",\"password\":\"falsch\"}");
    g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, body, NULL);
    g_autoptr(JsonNode) node = NULL;

    assert_json_error (reply, 401, "unauthorized");
    node = body_json (reply);
    wrong_pw_msg = g_strdup (json_object_get_string_member (json_node_get_object (node), "message"));
  }
  {
    g_autoptr(GBytes) body = text_bytes ("{\"user\":\"niemand\",\"password\":\"admin\"}");
    g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, body, NULL);
    g_autoptr(JsonNode) node = NULL;

    assert_json_error (reply, 401, "unauthorized");
    node = body_json (reply);
    unknown_msg = g_strdup (json_object_get_string_member (json_node_get_object (node), "message"));
  }
  g_assert_cmpstr (wrong_pw_msg, ==, unknown_msg);

  /* Malformed requests */
  {
    const char *bad[] = {
      "{\"user\":",
      "[]",
      "{\"user\":\"admin\"}",
      "{\"user\":42,\"password\":\"admin\"}",
      "{\"user\":\"admin\",\"password\":null}",
      "\"admin\"",
      "{\"user\":\"\",\"password\":\"\"}",
      "{\"user\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
      "{\"user\":\"admin\",\"password\":\"admin\",\"x\":\"\\u0000\"",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = text_bytes (bad[i]);
        g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, body, NULL);

        assert_json_error (reply, 400, "invalid_request");
      }
  }

  /* No body at all, wrong method */
  {
    g_autoptr(Reply) empty = request ("POST", "/api/v1/login", NULL, NULL, NULL);
    g_autoptr(Reply) get = request ("GET", "/api/v1/login", NULL, NULL, NULL);

    assert_json_error (empty, 400, "invalid_request");
    g_assert_cmpuint (get->status, ==, 405);
  }
}

static void
test_login_throttle (void)
{
  g_autofree char *token = NULL;
  guint status = 0;

  /* Password guessing on one account is stopped after ten failures ... */
  for (guint i = 0; i < 10; i++)
    {
      token = login ("schulung", "falsch", &status, NULL);
      g_assert_cmpuint (status, ==, 401);
    }

  {
    g_autoptr(GBytes) body = text_bytes ("{\"user\":\"schulung\",\"password\":\"schulung\"}");
    g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, body, NULL);

    assert_json_error (reply, 429, "rate_limited");
    g_assert_nonnull (soup_message_headers_get_one (reply->headers, "Retry-After"));
  }

  /* Operators see the guessing in the metrics. */
  {
    g_autoptr(Reply) metrics = request ("GET", "/metrics", NULL, NULL, NULL);
    g_autofree char *text = body_text (metrics);

    g_assert_nonnull (strstr (text, "stadtpult_login_attempts_total{result=\"throttled\"} 1\n"));
    g_assert_null (strstr (text, "stadtpult_login_attempts_total{result=\"failed\"} 0\n"));
  }

  /* ... while other accounts still sign in. */
  token = login ("kita", "kita", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (token);
}

static void
test_user_add (void)
{
  g_autofree char *pw1 = write_temp ("pw1.txt", "Geheim 1!\r\nsecond line ignored\n");
  g_autofree char *pw2 = write_temp ("pw2.txt", "anderes-Passwort");
  g_autofree char *empty = write_temp ("empty.txt", "\n");
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_auto(GStrv) roles = NULL;
  guint status = 0;

  /* Runs while the server is up, on the same database. */
  g_assert_cmpint (run_cli (NULL, "user", "add", "anna", "--role", "editor,kita",
                            "--password-file", pw1, "--db", server->db_path, NULL), ==, 0);

  token = login ("anna", "Geheim 1!", &status, &roles);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_strv_contains ((const char * const *) roles, "editor"));
  g_assert_true (g_strv_contains ((const char * const *) roles, "kita"));
  g_assert_true (g_strv_contains ((const char * const *) roles, "staff"));
  g_assert_false (g_strv_contains ((const char * const *) roles, "admin"));
  g_clear_pointer (&token, g_free);
  g_clear_pointer (&roles, g_strfreev);

  /* The newline/CR is not part of the password. */
  token = login ("anna", "Geheim 1!\r", &status, NULL);
  g_assert_cmpuint (status, ==, 401);

  /* Adding again updates password and roles. */
  g_assert_cmpint (run_cli (NULL, "user", "add", "anna", "--role", "hr",
                            "--password-file", pw2, "--db", server->db_path, NULL), ==, 0);
  token = login ("anna", "Geheim 1!", &status, NULL);
  g_assert_cmpuint (status, ==, 401);
  token = login ("anna", "anderes-Passwort", &status, &roles);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_strv_contains ((const char * const *) roles, "hr"));
  g_assert_false (g_strv_contains ((const char * const *) roles, "editor"));
  g_clear_pointer (&token, g_free);

  /* Unknown role: clear error, exit 2, nothing stored. */
  g_assert_cmpint (run_cli (&err, "user", "add", "bernd", "--role", "editor,chef",
                            "--password-file", pw1, "--db", server->db_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "chef"));
  token = login ("bernd", "Geheim 1!", &status, NULL);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&err, g_free);

  /* Empty password */
  g_assert_cmpint (run_cli (&err, "user", "add", "bernd", "--role", "editor",
                            "--password-file", empty, "--db", server->db_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "empty"));
  g_clear_pointer (&err, g_free);

  /* Missing options, unknown subcommands */
  g_assert_cmpint (run_cli (NULL, "user", "add", "bernd", "--db", server->db_path, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "user", "remove", "bernd", NULL), ==, 2);
  g_assert_cmpint (run_cli (&err, "frobnicate", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Usage"));
}

static void
test_bad_command_line (void)
{
  g_autofree char *db = sp_test_server_path (server, "cli.db");

  g_assert_cmpint (run_cli (NULL, "--db", db, "--tls-cert", "/nonexistent.pem", "--port", "0", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "--db", db, "--port", "70000", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "--db", db, "--port", "acht", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "--db", db, "--no-such-option", NULL), ==, 2);
}

static void
test_sync_needs_token (void)
{
  g_autoptr(Reply) none = request ("GET", "/api/v1/sync", NULL, NULL, NULL);
  g_autoptr(Reply) bad = request ("GET", "/api/v1/sync", "not-a-token", NULL, NULL);
  g_autoptr(GBytes) body = text_bytes ("{\"changes\":[]}");
  g_autoptr(Reply) push = request ("POST", "/api/v1/sync", NULL, body, NULL);

  assert_json_error (none, 401, "unauthorized");
  assert_json_error (bad, 401, "unauthorized");
  assert_json_error (push, 401, "unauthorized");
}

static void
test_expired_token (void)
{
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  SpDb *db;

  token = login ("mitarbeiter", "mitarbeiter", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  {
    g_autoptr(Reply) ok = request ("GET", "/api/v1/sync?limit=1", token, NULL, NULL);
    g_assert_cmpuint (ok->status, ==, 200);
  }

  /* Thirty days later ... */
  db = sp_db_open (server->db_path, SP_SCHEMA_SERVER, &error);
  g_assert_no_error (error);
  sp_db_exec (db, "UPDATE tokens SET expires = 1", &error);
  g_assert_no_error (error);
  sp_db_close (db);

  {
    g_autoptr(Reply) expired = request ("GET", "/api/v1/sync?limit=1", token, NULL, NULL);
    assert_json_error (expired, 401, "unauthorized");
  }
}

static JsonArray *
services_array (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static void
test_services (void)
{
  g_autoptr(Reply) plain = request ("GET", "/api/v1/services", NULL, NULL, NULL);
  g_autoptr(JsonNode) node = body_json (plain);
  JsonArray *array = services_array (node);
  const char *etag = soup_message_headers_get_one (plain->headers, "ETag");
  g_autofree char *first_id = NULL;
  g_autofree char *prev = NULL;

  g_assert_cmpuint (plain->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (plain->headers, NULL),
                                   "application/json"));
  g_assert_nonnull (etag);
  g_assert_null (soup_message_headers_get_one (plain->headers, "Content-Encoding"));

  /* 27 demo services, 3 drafts: only the 24 published ones, by name */
  g_assert_cmpuint (json_array_get_length (array), ==, 24);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *service = json_array_get_object_element (array, i);
      const char *name = json_object_get_string_member (service, "name");
      static const char * const fields[] = {
        "id", "name", "leika", "description", "documents", "fees", "office",
        "opening_hours", "online_url", NULL
      };

      for (guint f = 0; fields[f] != NULL; f++)
        g_assert_true (json_object_has_member (service, fields[f]));
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (service, "documents")));
      g_assert_cmpstr (name, !=, "Schulanmeldung Grundschule");
      g_assert_cmpstr (name, !=, "Lastenrad-Förderung beantragen");
      g_assert_cmpstr (name, !=, "Baumfällgenehmigung beantragen");
      if (json_object_has_member (service, "status"))
        g_assert_cmpstr (json_object_get_string_member (service, "status"), ==, "published");
      if (prev != NULL)
        g_assert_cmpint (g_utf8_collate (prev, name), <=, 0);
      g_free (prev);
      prev = g_strdup (name);
      if (first_id == NULL)
        first_id = g_strdup (json_object_get_string_member (service, "id"));
    }

  /* Unchanged: 304 without a body */
  {
    g_autoptr(Reply) again = request ("GET", "/api/v1/services", NULL, NULL,
                                      "If-None-Match", etag, NULL);

    g_assert_cmpuint (again->status, ==, 304);
    g_assert_cmpuint (g_bytes_get_size (again->body), ==, 0);
  }

  /* gzip when asked for, same content */
  {
    g_autoptr(Reply) gz = request ("GET", "/api/v1/services", NULL, NULL,
                                   "Accept-Encoding", "gzip, deflate", NULL);
    g_autoptr(GBytes) unzipped = NULL;

    g_assert_cmpuint (gz->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (gz->headers, "Content-Encoding"), ==, "gzip");
    g_assert_nonnull (strstr (soup_message_headers_get_one (gz->headers, "Vary"), "Accept-Encoding"));
    g_assert_cmpuint (g_bytes_get_size (gz->body), <, g_bytes_get_size (plain->body));
    unzipped = gunzip (gz->body);
    g_assert_true (g_bytes_equal (unzipped, plain->body));
  }

  /* A refused gzip stays plain */
  {
    g_autoptr(Reply) no = request ("GET", "/api/v1/services", NULL, NULL,
                                   "Accept-Encoding", "gzip;q=0, identity", NULL);

    g_assert_null (soup_message_headers_get_one (no->headers, "Content-Encoding"));
    g_assert_true (g_bytes_equal (no->body, plain->body));
  }

  /* Search ignores case and umlauts */
  {
    g_autoptr(Reply) found = request ("GET", "/api/v1/services?q=FUHRUNGSZEUGNIS", NULL, NULL, NULL);
    g_autoptr(JsonNode) result = body_json (found);
    JsonArray *hits = services_array (result);

    g_assert_cmpuint (found->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (hits), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hits, 0), "name"),
                     ==, "Führungszeugnis beantragen");
  }
  {
    g_autoptr(Reply) found = request ("GET", "/api/v1/services?q=fuehrungszeugnis", NULL, NULL, NULL);
    g_autoptr(Reply) two = request ("GET", "/api/v1/services?q=gewerbe%20amt", NULL, NULL, NULL);
    g_autoptr(JsonNode) result = body_json (found);
    g_autoptr(JsonNode) result2 = body_json (two);

    g_assert_cmpuint (json_array_get_length (services_array (result)), ==, 1);
    /* every word must match: "Gewerbe anmelden" and "Gewerbe abmelden"
     * mention the Gewerbeamt */
    g_assert_cmpuint (json_array_get_length (services_array (result2)), ==, 2);
  }
  {
    g_autoptr(Reply) none = request ("GET", "/api/v1/services?q=Baumf%C3%A4llgenehmigung", NULL, NULL, NULL);
    g_autoptr(JsonNode) result = body_json (none);

    /* a draft: not found by citizens */
    g_assert_cmpuint (json_array_get_length (services_array (result)), ==, 0);
  }

  /* One service; unknown ids are a JSON 404 */
  {
    g_autofree char *path = g_strconcat ("/api/v1/services/", first_id, NULL);
    g_autoptr(Reply) one = request ("GET", path, NULL, NULL, NULL);
    g_autoptr(JsonNode) result = body_json (one);
    g_autoptr(Reply) missing = request ("GET", "/api/v1/services/00000000-0000-0000-0000-000000000000",
                                        NULL, NULL, NULL);
    g_autoptr(Reply) post = request ("POST", "/api/v1/services", NULL, NULL, NULL);

    g_assert_cmpuint (one->status, ==, 200);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "id"), ==, first_id);
    assert_json_error (missing, 404, "not_found");
    g_assert_cmpuint (post->status, ==, 405);
  }
}

static void
test_services_follow_edits (void)
{
  g_autofree char *token = NULL;
  g_autoptr(Reply) before = request ("GET", "/api/v1/services", NULL, NULL, NULL);
  const char *etag = soup_message_headers_get_one (before->headers, "ETag");
  g_autofree char *change = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *change_id = g_uuid_string_random ();
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  token = login ("redaktion", "redaktion", &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  change = g_strdup_printf ("{\"changes\":[{\"change_id\":\"%s\",\"entity\":\"service\",\"id\":\"%s\","
                            "\"base_version\":0,\"hlc\":\"%015" G_GINT64_FORMAT ":0000:testnode\","
                            "\"op\":\"upsert\",\"fields\":{\"name\":\"Angelkarte beantragen\","
                            "\"status\":\"published\",\"documents\":[\"Fischereischein\"]}}]}",
                            change_id, uuid, g_get_real_time () / 1000);
  body = text_bytes (change);
  {
    g_autoptr(Reply) push = request ("POST", "/api/v1/sync", token, body, NULL);
    g_assert_cmpuint (push->status, ==, 200);
  }

  {
    g_autoptr(Reply) after = request ("GET", "/api/v1/services", NULL, NULL,
                                      "If-None-Match", etag, NULL);
    g_autoptr(JsonNode) node = NULL;
    JsonArray *array;
    gboolean found = FALSE;

    g_assert_cmpuint (after->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (after->headers, "ETag"), !=, etag);
    node = body_json (after);
    array = services_array (node);
    for (guint i = 0; i < json_array_get_length (array); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "id"), uuid) == 0)
        found = TRUE;
    g_assert_true (found);
  }

  /* Metrics count the applied change. */
  {
    g_autoptr(Reply) metrics = request ("GET", "/metrics", NULL, NULL, NULL);
    g_autofree char *text = body_text (metrics);

    g_assert_null (strstr (text, "stadtpult_sync_changes_applied_total 0\n"));
  }
}

static void
test_static (void)
{
  g_autoptr(Reply) root = request ("GET", "/", NULL, NULL, NULL);
  g_autofree char *html = body_text (root);
  g_autoptr(Reply) missing = request ("GET", "/gibt-es-nicht.html", NULL, NULL, NULL);
  g_autoptr(Reply) api_missing = request ("GET", "/api/v1/gibt-es-nicht", NULL, NULL, NULL);
  g_autoptr(Reply) post = request ("POST", "/", NULL, NULL, NULL);

  g_assert_cmpuint (root->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (root->headers, NULL),
                                   "text/html"));
  g_assert_nonnull (strstr (html, "<html"));
  g_assert_nonnull (soup_message_headers_get_one (root->headers, "Cache-Control"));

  /* Revalidation of static files */
  {
    const char *etag = soup_message_headers_get_one (root->headers, "ETag");
    g_autoptr(Reply) again = NULL;

    g_assert_nonnull (etag);
    again = request ("GET", "/", NULL, NULL, "If-None-Match", etag, NULL);
    g_assert_cmpuint (again->status, ==, 304);
  }

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (missing->headers, NULL),
                                   "text/html"));
  assert_json_error (api_missing, 404, "not_found");
  g_assert_cmpuint (post->status, ==, 405);

  /* Content types the PWA needs */
  {
    g_autoptr(Reply) manifest = request ("GET", "/manifest.webmanifest", NULL, NULL, NULL);
    g_autoptr(Reply) js = request ("GET", "/app.js", NULL, NULL, NULL);
    g_autoptr(Reply) sw = request ("GET", "/sw.js", NULL, NULL, NULL);

    if (manifest->status == 200)
      g_assert_cmpstr (soup_message_headers_get_content_type (manifest->headers, NULL),
                       ==, "application/manifest+json");
    if (js->status == 200)
      g_assert_cmpstr (soup_message_headers_get_content_type (js->headers, NULL),
                       ==, "text/javascript");
    if (sw->status == 200)
      g_assert_cmpstr (soup_message_headers_get_one (sw->headers, "Cache-Control"), ==, "no-cache");
  }
}

/* Status and Location of GET @path, without following a redirect. */
static guint
redirect_of (const char  *path,
             char       **location)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                      "Location"));
  return soup_message_get_status (msg);
}

/* Short addresses for posters and the phone lead to the pages that take
 * their subject from the query, keeping the query; nothing else does. */
static void
test_short_links (void)
{
  const struct { const char *path; guint status; const char *location; } cases[] = {
    { "/surveys/demo.survey.online", 302, "/surveys/?id=demo.survey.online" },
    { "/surveys/3f1c?lang=en", 302, "/surveys/?id=3f1c&lang=en" },
    { "/challenges/9d12/", 302, "/challenges/?id=9d12" },
    { "/feedback/FB-ABCD-EFGH-JKMN", 302, "/feedback/status.html?ticket=FB-ABCD-EFGH-JKMN" },
    { "/feedback/status?ticket=FB-1", 302, "/feedback/status.html?ticket=FB-1" },
    { "/surveys?id=x", 301, "/surveys/?id=x" },
    { "/surveys/.hidden", 404, NULL },
    { "/surveys/a/b", 404, NULL },
    { "/kita/a", 404, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *location = NULL;
      g_autofree char *expected = NULL;
      guint status = redirect_of (cases[i].path, &location);

      if (status != cases[i].status)
        g_error ("GET %s: expected %u, got %u", cases[i].path, cases[i].status, status);
      if (cases[i].location == NULL)
        continue;
      /* libsoup makes the Location absolute. */
      expected = g_strconcat (server->base_url, cases[i].location, NULL);
      if (g_strcmp0 (location, expected) != 0 && g_strcmp0 (location, cases[i].location) != 0)
        g_error ("GET %s: expected Location %s, got %s", cases[i].path, cases[i].location, location);
    }
}

static void
test_traversal (void)
{
  const char *attempts[] = {
    "/../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd",
    "/.git/config",
    "/./../meson.build",
    "//etc/passwd",
  };

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autofree char *raw = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                              attempts[i]);
      g_autofree char *response = raw_http (raw);
      guint status = raw_status (response);

      if (status != 404 && status != 400)
        g_error ("%s answered %u", attempts[i], status);
      g_assert_null (strstr (response, "root:"));
      g_assert_null (strstr (response, "project("));
    }

  /* The demo database next to the test must not leak either. */
  {
    g_autoptr(Reply) reply = request ("GET", "/server.db", NULL, NULL, NULL);
    g_assert_cmpuint (reply->status, ==, 404);
  }
}

static void
test_oversize (void)
{
  g_autofree char *token = NULL;
  guint status = 0;

  token = login ("admin", "admin", &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  /* Beyond the staff API limit */
  {
    gsize size = 16 * 1024 * 1024 + 4096;
    char *data = g_malloc (size);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(Reply) reply = NULL;

    memset (data, ' ', size);
    memcpy (data, "{\"changes\":[", 12);
    data[size - 2] = ']';
    data[size - 1] = '}';
    body = g_bytes_new_take (data, size);
    reply = request ("POST", "/api/v1/sync", token, body, NULL);
    assert_json_error (reply, 413, "too_large");
  }

  /* A login body is small */
  {
    g_autofree char *big = g_strnfill (64 * 1024, 'x');
    g_autofree char *text = g_strdup_printf ("{\"user\":\"admin\",\"password\":\"%s\"}", big);
    g_autoptr(GBytes) body = text_bytes (text);
    g_autoptr(Reply) reply = request ("POST", "/api/v1/login", NULL, body, NULL);

    assert_json_error (reply, 413, "too_large");
  }

  /* Chunked, without Content-Length, is limited as well */
  {
    g_autoptr(GString) raw = g_string_new ("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    g_autofree char *chunk = g_strnfill (1024 * 1024, 'y');
    g_autofree char *response = NULL;

    for (guint i = 0; i < 17; i++)
      g_string_append_printf (raw, "%x\r\n%s\r\n", (guint) strlen (chunk), chunk);
    g_string_append (raw, "0\r\n\r\n");
    response = raw_http (raw->str);
    g_assert_cmpuint (raw_status (response), ==, 413);
  }

  /* The server is still fine. */
  {
    g_autoptr(Reply) health = request ("GET", "/healthz", NULL, NULL, NULL);
    g_assert_cmpuint (health->status, ==, 200);
  }
}

static void
test_malformed_sync (void)
{
  g_autofree char *token = NULL;
  guint status = 0;
  const char *bad[] = {
    "{\"changes\":[",
    "not json at all",
    "\xff\xfe{}",
  };

  token = login ("admin", "admin", &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) body = text_bytes (bad[i]);
      g_autoptr(Reply) reply = request ("POST", "/api/v1/sync", token, body, NULL);

      assert_json_error (reply, 400, "invalid_request");
    }

  /* Still serving */
  {
    g_autoptr(Reply) health = request ("GET", "/healthz", NULL, NULL, NULL);
    g_assert_cmpuint (health->status, ==, 200);
  }
}

static void
test_demo_idempotent (void)
{
  /* A second --demo start on the same database keeps the content as is. */
  sp_test_server_kill (server, SIGTERM);
  sp_test_server_start (server, TRUE);

  {
    g_autoptr(Reply) reply = request ("GET", "/metrics", NULL, NULL, NULL);
    g_autofree char *text = body_text (reply);

    /* 27 demo services + the one pushed by test_services_follow_edits */
    g_assert_nonnull (strstr (text, "stadtpult_rows{entity=\"service\"} 28\n"));
  }
}

static gboolean
accept_same_certificate (SoupMessage          *msg,
                         GTlsCertificate      *peer,
                         GTlsCertificateFlags  errors,
                         gpointer              user_data)
{
  return g_tls_certificate_is_same (peer, user_data);
}

static void
test_tls (void)
{
  g_autofree char *cert = sp_test_server_path (server, "cert.pem");
  g_autofree char *key = sp_test_server_path (server, "key.pem");
  g_autofree char *db = sp_test_server_path (server, "tls.db");
  g_autofree char *out_path = sp_test_server_path (server, "tls.out");
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 deadline;

  if (g_find_program_in_path ("openssl") == NULL)
    {
      g_test_skip ("openssl not installed");
      return;
    }

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-keyout", key, "-out", cert, "-days", "2",
                              "-subj", "/CN=127.0.0.1", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (openssl, NULL, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STADTPULT_SERVER"),
                                      "--db", db, "--port", "0",
                                      "--tls-cert", cert, "--tls-key", key, NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (url == NULL)
    {
      g_autofree char *contents = NULL;
      const char *p;

      if (g_file_get_contents (out_path, &contents, NULL, NULL) &&
          (p = strstr (contents, "listening on ")) != NULL && strchr (p, '\n') != NULL)
        url = g_strndup (p + 13, strchr (p, '\n') - (p + 13));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *health = g_strconcat (url, "healthz", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GTlsCertificate) trusted = g_tls_certificate_new_from_file (cert, &error);

    g_assert_no_error (error);
    /* Trust exactly the server's own certificate, like a city's own CA. */
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_same_certificate), trusted);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "ok", 2);
  }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static guint
count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_no_connection_leak (void)
{
  GPid pid = sp_test_server_get_pid (server);
  guint before, after;

  /* Clients that open a connection, make a request and go away must not
   * leave file descriptors behind: a server for a city runs for months. */
  {
    g_autoptr(Reply) warmup = request ("GET", "/healthz", NULL, NULL, NULL);
  }
  g_usleep (G_USEC_PER_SEC / 5);
  before = count_fds (pid);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(Reply) reply = request ("GET", i % 2 ? "/healthz" : "/api/v1/services", NULL, NULL, NULL);
      g_assert_cmpuint (reply->status, ==, 200);
    }

  g_usleep (G_USEC_PER_SEC / 2);
  after = count_fds (pid);
  g_assert_cmpuint (after, <=, before + 5);
}

#define DEFERRED_CLIENTS 8
#define DEFERRED_ROUNDS  150

typedef struct {
  const char *ask;          /* the whole request */
  const char *body_start;   /* how every answer's body begins */
} DeferredAsk;

/* One client of run_deferred_concurrent(): asks a route that answers from
 * a worker thread over and over; every third time it goes away right after
 * sending. Returns the number of answers it read. */
static gpointer
deferred_client (gpointer data)
{
  const DeferredAsk *ask = data;
  guint answered = 0;

  for (guint i = 0; i < DEFERRED_ROUNDS; i++)
    {
      g_autofree char *response = NULL;
      const char *body;

      if (i % 3 == 2)
        {
          g_autoptr(GSocketClient) client = g_socket_client_new ();
          g_autoptr(GSocketConnection) conn = NULL;
          g_autoptr(GError) error = NULL;

          conn = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
          g_assert_no_error (error);
          g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                     ask->ask, strlen (ask->ask), NULL, NULL, &error);
          g_assert_no_error (error);
          g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
          continue;
        }

      response = raw_http (ask->ask);
      body = strstr (response, "\r\n\r\n");
      if (g_str_has_prefix (response, "HTTP/1.1 200 ") && body != NULL &&
          g_str_has_prefix (body + 4, ask->body_start))
        answered++;
    }

  return GUINT_TO_POINTER (answered);
}

/* Many requests to one route answered from worker threads at once, some of
 * whose clients leave early: every answer arrives and the server lives on.
 * The server asserts that it frees a deferred request's message on its main
 * thread; GLib's worker may drop the last reference on the GTask after the
 * answer went out, so the message must not hang on the task. */
static void
run_deferred_concurrent (const DeferredAsk *ask)
{
  GThread *clients[DEFERRED_CLIENTS];
  guint answered = 0;

  for (guint i = 0; i < DEFERRED_CLIENTS; i++)
    clients[i] = g_thread_new ("deferred-client", deferred_client, (gpointer) ask);
  for (guint i = 0; i < DEFERRED_CLIENTS; i++)
    answered += GPOINTER_TO_UINT (g_thread_join (clients[i]));

  g_assert_cmpuint (answered, ==, DEFERRED_CLIENTS * (DEFERRED_ROUNDS - DEFERRED_ROUNDS / 3));
  g_assert_nonnull (g_subprocess_get_identifier (server->proc));
  {
    g_autoptr(Reply) reply = request ("GET", "/healthz", NULL, NULL, NULL);

    g_assert_cmpuint (reply->status, ==, 200);
  }
}

static void
test_deferred_concurrent (void)
{
  /* sp_server_defer() */
  const DeferredAsk ask = {
    "GET /open311/v2/services.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    "[",
  };

  run_deferred_concurrent (&ask);
}

static void
test_sync_concurrent (void)
{
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;
  DeferredAsk ask;
  guint status;

  /* The sync route's pull, with a valid token. */
  token = login ("mitarbeiter", "mitarbeiter", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = g_strdup_printf ("GET /api/v1/sync?limit=20 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", token);
  ask.ask = text;
  ask.body_start = "{\"changes\":[";
  run_deferred_concurrent (&ask);
}

static void
test_services_concurrent (void)
{
  /* sp-route-services' own answers (ETag, gzip) */
  const DeferredAsk ask = {
    "GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    "[",
  };

  run_deferred_concurrent (&ask);
}

static void
test_metrics_concurrent (void)
{
  const DeferredAsk ask = {
    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    "# ",
  };

  run_deferred_concurrent (&ask);
}

typedef struct {
  const char *url;
  const char *token;
  GBytes     *body;
  guint       status;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", job->url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", job->token);
  g_autoptr(GBytes) reply = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", job->body);
  /* The server goes away in the middle: an error is expected here. */
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  job->status = soup_message_get_status (msg);

  return NULL;
}

static guint
service_rows (const char *base_url)
{
  g_autofree char *text = NULL;
  const char *p;

  g_assert_cmpuint (sp_test_http (base_url, "GET", "/metrics", NULL, NULL, &text), ==, 200);
  p = strstr (text, "stadtpult_rows{entity=\"service\"} ");
  g_assert_nonnull (p);
  return (guint) g_ascii_strtoull (p + strlen ("stadtpult_rows{entity=\"service\"} "), NULL, 10);
}

static void
test_sigterm_mid_push (void)
{
  SpTestServer *own = sp_test_server_new ();
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GString) json = g_string_new ("{\"changes\":[");
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  gint64 now = g_get_real_time () / 1000;
  PushJob job = { 0 };
  GThread *thread;
  guint rows;

  sp_test_server_add_user (own, "red", "editor", "red");
  sp_test_server_start (own, FALSE);
  token = sp_test_login_token (own->base_url, "red", "red");

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (json,
                            "%s{\"change_id\":\"c-%05u\",\"entity\":\"service\",\"id\":\"s-%05u\","
                            "\"base_version\":0,\"hlc\":\"%015" G_GINT64_FORMAT ":%04x:term\","
                            "\"op\":\"upsert\",\"fields\":{\"name\":\"Leistung %05u\",\"status\":\"published\"}}",
                            i ? "," : "", i, i, now, i, i);
  g_string_append (json, "]}");

  url = g_strconcat (own->base_url, "/api/v1/sync", NULL);
  job.url = url;
  job.token = token;
  job.body = g_bytes_new (json->str, json->len);
  thread = g_thread_new ("push", push_thread, &job);

  /* Stop the server while the push is under way: it finishes what it is
   * doing and exits cleanly. */
  g_usleep (G_USEC_PER_SEC / 4);
  g_subprocess_send_signal (own->proc, SIGTERM);
  g_subprocess_wait (own->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (own->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (own->proc), ==, 0);
  g_clear_object (&own->proc);
  g_thread_join (thread);

  /* All of the batch or nothing, and re-pushing completes it. */
  sp_test_server_start (own, FALSE);
  rows = service_rows (own->base_url);
  g_assert_true (rows == 0 || rows == 10000);
  g_clear_pointer (&token, g_free);
  token = sp_test_login_token (own->base_url, "red", "red");
  g_assert_cmpuint (sp_test_http (own->base_url, "POST", "/api/v1/sync", token, json->str, &reply), ==, 200);
  g_assert_null (strstr (reply, "\"conflict\""));
  g_assert_cmpuint (service_rows (own->base_url), ==, 10000);

  g_bytes_unref (job.body);
  sp_test_server_free (own);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = sp_test_server_new ();
  sp_test_server_start (server, TRUE);

  g_test_add_func ("/server-api/healthz", test_healthz);
  g_test_add_func ("/server-api/metrics", test_metrics);
  g_test_add_func ("/server-api/login", test_login);
  g_test_add_func ("/server-api/login-throttle", test_login_throttle);
  g_test_add_func ("/server-api/user-add", test_user_add);
  g_test_add_func ("/server-api/bad-command-line", test_bad_command_line);
  g_test_add_func ("/server-api/sync-needs-token", test_sync_needs_token);
  g_test_add_func ("/server-api/expired-token", test_expired_token);
  g_test_add_func ("/server-api/services", test_services);
  g_test_add_func ("/server-api/services-follow-edits", test_services_follow_edits);
  g_test_add_func ("/server-api/static", test_static);
  g_test_add_func ("/server-api/short-links", test_short_links);
  g_test_add_func ("/server-api/traversal", test_traversal);
  g_test_add_func ("/server-api/oversize", test_oversize);
  g_test_add_func ("/server-api/no-connection-leak", test_no_connection_leak);
  g_test_add_func ("/server-api/deferred-concurrent", test_deferred_concurrent);
  g_test_add_func ("/server-api/sync-concurrent", test_sync_concurrent);
  g_test_add_func ("/server-api/services-concurrent", test_services_concurrent);
  g_test_add_func ("/server-api/metrics-concurrent", test_metrics_concurrent);
  g_test_add_func ("/server-api/malformed-sync", test_malformed_sync);
  g_test_add_func ("/server-api/demo-idempotent", test_demo_idempotent);
  g_test_add_func ("/server-api/tls", test_tls);
  g_test_add_func ("/server-api/sigterm-mid-push", test_sigterm_mid_push);

  ret = g_test_run ();
  sp_test_server_free (server);

  return ret;
}
