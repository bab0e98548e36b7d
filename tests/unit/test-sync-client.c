/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sp-error.h"
#include "sp-local-store.h"
#include "sp-sync-client.h"

/* A scripted sync server in its own thread, so that the blocking client
 * calls of the test thread can talk to it. */

typedef enum {
  MODE_NORMAL,
  MODE_BAD_JSON,
  MODE_FORBIDDEN,
  MODE_SERVER_ERROR,
  MODE_DROP_HALF,      /* answer only the first half of each push */
} Mode;

typedef struct {
  GMutex        lock;
  GCond         cond;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *base_url;
  Mode          mode;
  /* state */
  GHashTable   *seen;          /* change_id -> version */
  GPtrArray    *pushed;        /* change_id of every accepted change, in order */
  guint         push_requests;
  guint         pull_requests;
  guint         other_requests;   /* to other paths, e.g. a snapshot */
  gint64        version;
  GPtrArray    *pullable;      /* JSON text of changes served by pull */
  char         *last_since;
  char         *last_auth;
} Mock;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static gboolean
authorized (Mock              *mock,
            SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_free (mock->last_auth);
  mock->last_auth = g_strdup (auth);
  if (g_strcmp0 (auth, "Bearer tok-1") != 0)
    {
      respond (msg, 401, "{\"error\":\"unauthorized\",\"message\":\"Anmeldung abgelaufen\"}");
      return FALSE;
    }
  return TRUE;
}

static void
login_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonNode) root = sp_json_parse (body->data, body->length, NULL);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  if (o && g_strcmp0 (json_object_get_string_member_with_default (o, "user", ""), "anna") == 0 &&
      g_strcmp0 (json_object_get_string_member_with_default (o, "password", ""), "geheim") == 0)
    respond (msg, 200, "{\"token\":\"tok-1\",\"roles\":[\"editor\",\"staff\"]}");
  else
    respond (msg, 401, "{\"error\":\"unauthorized\",\"message\":\"Benutzer oder Passwort falsch\"}");
}

static void
handle_push (Mock              *mock,
             SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonNode) root = sp_json_parse (body->data, body->length, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  JsonArray *changes;
  guint n;

  mock->push_requests++;
  g_assert_nonnull (root);
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  n = json_array_get_length (changes);
  if (mock->mode == MODE_DROP_HALF)
    n = (n + 1) / 2;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SpChange) change = sp_change_from_json (json_array_get_element (changes, i), FALSE, &error);
      gpointer seen;
      g_autoptr(SpChangeResult) result = NULL;
      g_autoptr(JsonNode) rn = NULL;

      g_assert_no_error (error);
      seen = g_hash_table_lookup (mock->seen, change->change_id);
      if (seen)
        result = sp_change_result_new (change->change_id, SP_RESULT_DUPLICATE, GPOINTER_TO_INT (seen));
      else
        {
          mock->version++;
          g_hash_table_insert (mock->seen, g_strdup (change->change_id), GINT_TO_POINTER (mock->version));
          g_ptr_array_add (mock->pushed, g_strdup (change->change_id));
          result = sp_change_result_new (change->change_id,
                                         change->op == SP_OP_DELETE ? SP_RESULT_CONFLICT : SP_RESULT_APPLIED,
                                         mock->version);
        }
      rn = sp_change_result_to_json (result);
      json_builder_add_value (b, g_steal_pointer (&rn));
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "cursor");
  json_builder_add_string_value (b, "ignored-by-clients");
  json_builder_end_object (b);
  answer = json_builder_get_root (b);
  text = sp_json_to_string (answer, NULL);
  respond (msg, 200, text);
}

static void
handle_pull (Mock              *mock,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  const char *since = query ? g_hash_table_lookup (query, "since") : NULL;
  const char *limit_s = query ? g_hash_table_lookup (query, "limit") : NULL;
  guint limit = limit_s ? (guint) g_ascii_strtoull (limit_s, NULL, 10) : 100;
  guint start = 0, end;
  GString *s = g_string_new ("{\"changes\":[");

  mock->pull_requests++;
  g_free (mock->last_since);
  mock->last_since = g_strdup (since);
  /* Cursors look like "v1+<n>/x": characters that need URL encoding. */
  if (since && *since)
    start = (guint) g_ascii_strtoull (since + 3, NULL, 10);
  end = MIN (start + limit, mock->pullable->len);
  for (guint i = start; i < end; i++)
    g_string_append_printf (s, "%s%s", i > start ? "," : "", (char *) mock->pullable->pdata[i]);
  g_string_append_printf (s, "],\"cursor\":\"v1+%u/x\",\"more\":%s}", end,
                          end < mock->pullable->len ? "true" : "false");
  respond (msg, 200, s->str);
  g_string_free (s, TRUE);
}

static void
sync_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  Mock *mock = data;

  g_mutex_lock (&mock->lock);
  if (!authorized (mock, msg))
    ;
  else if (strcmp (path, "/api/v1/sync") != 0)
    {
      /* a server without first-sync snapshots, as before they came */
      mock->other_requests++;
      respond (msg, 404, "{\"error\":\"not_found\",\"message\":\"No such API\"}");
    }
  else if (mock->mode == MODE_BAD_JSON)
    respond (msg, 200, "{\"results\": [oops");
  else if (mock->mode == MODE_FORBIDDEN)
    respond (msg, 403, "{\"error\":\"forbidden\",\"message\":\"Die Rolle darf service nicht schreiben\"}");
  else if (mock->mode == MODE_SERVER_ERROR)
    respond (msg, 500, "{\"error\":\"storage\",\"message\":\"disk full\"}");
  else if (strcmp (soup_server_message_get_method (msg), "POST") == 0)
    handle_push (mock, msg);
  else
    handle_pull (mock, msg, query);
  g_mutex_unlock (&mock->lock);
}

static gpointer
server_thread (gpointer data)
{
  Mock *mock = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (mock->context);
  mock->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (mock->server, "/api/v1/login", login_handler, mock, NULL);
  soup_server_add_handler (mock->server, "/api/v1/sync", sync_handler, mock, NULL);
  g_assert_true (soup_server_listen_local (mock->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (mock->server);

  g_mutex_lock (&mock->lock);
  mock->base_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_cond_signal (&mock->cond);
  g_mutex_unlock (&mock->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (mock->loop);

  soup_server_disconnect (mock->server);
  g_clear_object (&mock->server);
  g_main_context_pop_thread_default (mock->context);
  return NULL;
}

static char *
pullable_change (guint i)
{
  return g_strdup_printf ("{\"change_id\":\"srv-%u\",\"entity\":\"service\",\"id\":\"remote-%u\","
                          "\"base_version\":0,\"version\":%u,\"hlc\":\"001700000000%03u:0000:server\","
                          "\"op\":\"upsert\",\"fields\":{\"name\":\"Dienst %u\",\"status\":\"published\","
                          "\"future_field\":\"from a newer server\"}}",
                          i, i, 1000 + i, i, i);
}

static void
mock_start (Mock *mock,
            guint n_pullable)
{
  g_mutex_init (&mock->lock);
  g_cond_init (&mock->cond);
  mock->context = g_main_context_new ();
  mock->loop = g_main_loop_new (mock->context, FALSE);
  mock->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  mock->pushed = g_ptr_array_new_with_free_func (g_free);
  mock->pullable = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_pullable; i++)
    g_ptr_array_add (mock->pullable, pullable_change (i));
  /* A change of an entity this client does not know is skipped. */
  if (n_pullable > 0)
    g_ptr_array_add (mock->pullable,
                     g_strdup ("{\"change_id\":\"srv-x\",\"entity\":\"parking_permit\",\"id\":\"q1\","
                               "\"base_version\":0,\"version\":5000,\"hlc\":\"001700000000999:0000:server\","
                               "\"op\":\"upsert\",\"fields\":{\"title\":\"Umfrage\"}}"));

  g_mutex_lock (&mock->lock);
  mock->thread = g_thread_new ("mock-server", server_thread, mock);
  while (mock->base_url == NULL)
    g_cond_wait (&mock->cond, &mock->lock);
  g_mutex_unlock (&mock->lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
mock_stop (Mock *mock)
{
  g_main_context_invoke (mock->context, quit_loop, mock->loop);
  g_thread_join (mock->thread);
  g_main_loop_unref (mock->loop);
  g_main_context_unref (mock->context);
  g_hash_table_unref (mock->seen);
  g_ptr_array_unref (mock->pushed);
  g_ptr_array_unref (mock->pullable);
  g_free (mock->base_url);
  g_free (mock->last_since);
  g_free (mock->last_auth);
  g_mutex_clear (&mock->lock);
  g_cond_clear (&mock->cond);
}

static void
mock_set_mode (Mock *mock,
               Mode  mode)
{
  g_mutex_lock (&mock->lock);
  mock->mode = mode;
  g_mutex_unlock (&mock->lock);
}

typedef struct {
  char *dir;
  char *db_path;
  Mock  mock;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sp-sync-client-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "profile.db", NULL);
  mock_start (&f->mock, GPOINTER_TO_UINT (data));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  mock_stop (&f->mock);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

static void
save_services (Fixture *f,
               guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = sp_local_store_open (f->db_path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *name = g_strdup_printf ("Lokaler Dienst %u", i);

      json_object_set_string_member (fields, "name", name);
      g_free (sp_local_store_save (store, "service", NULL, fields, &error));
      g_assert_no_error (error);
    }
}

static guint
outbox_count (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = sp_local_store_open (f->db_path, &error);

  g_assert_no_error (error);
  return sp_local_store_outbox_count (store);
}

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) roles = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bad = NULL;

  /* The trailing slash of the configured URL does not matter. */
  g_assert_false (g_str_has_suffix (sp_sync_client_get_base_url (client), "/"));

  bad = sp_sync_client_login (client, "anna", "falsch", NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, SP_ERROR, SP_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Benutzer oder Passwort falsch"));
  g_clear_error (&error);

  token = sp_sync_client_login (client, "anna", "geheim", &roles, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-1");
  g_assert_cmpuint (g_strv_length (roles), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) roles, "editor"));

  /* The token is used from now on. */
  g_assert_true (sp_sync_client_pull (client, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->mock.last_auth, ==, "Bearer tok-1");
}

static void
test_push_in_batches (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  SpSyncStats stats = { 0 };
  g_autoptr(GPtrArray) empty = NULL;

  save_services (f, 25);
  sp_sync_client_set_token (client, "tok-1");
  sp_sync_client_set_push_batch (client, 10);

  g_assert_true (sp_sync_client_push (client, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 25);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (f->mock.push_requests, ==, 3);
  g_assert_cmpuint (f->mock.pushed->len, ==, 25);
  g_assert_cmpuint (outbox_count (f), ==, 0);

  /* Every row took the version the server gave it. */
  store = sp_local_store_open (f->db_path, &error);
  {
    sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (store),
                                        "SELECT min(version), max(version) FROM service", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 1);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, 25);
    sqlite3_reset (stmt);
  }

  /* Nothing left: no request at all. */
  g_assert_true (sp_sync_client_push (client, &stats, NULL, &error));
  g_assert_cmpuint (f->mock.push_requests, ==, 3);
  empty = sp_local_store_outbox_peek (store, 0, &error);
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_partial_answers_resend (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0 };

  save_services (f, 8);
  sp_sync_client_set_token (client, "tok-1");
  sp_sync_client_set_push_batch (client, 8);
  mock_set_mode (&f->mock, MODE_DROP_HALF);

  /* The server answers half of each batch: the rest is sent again until
   * everything is answered, nothing twice. */
  g_assert_true (sp_sync_client_push (client, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 8);
  g_assert_cmpuint (f->mock.pushed->len, ==, 8);
  g_assert_cmpuint (outbox_count (f), ==, 0);
}

static void
test_pull_pages (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(SpDbRow) row = NULL;
  g_autofree char *cursor = NULL;
  SpSyncStats stats = { 0 };

  sp_sync_client_set_token (client, "tok-1");
  sp_sync_client_set_page_size (client, 5);

  g_assert_true (sp_sync_client_pull (client, &stats, NULL, &error));
  g_assert_no_error (error);
  /* 12 services + 1 change of an unknown entity, 5 per page; the empty
   * profile asked for a snapshot first, got a 404 and pulled pages */
  g_assert_cmpuint (f->mock.pull_requests, ==, 3);
  g_assert_cmpuint (f->mock.other_requests, ==, 1);
  g_assert_cmpuint (stats.pulled, ==, 12);
  g_assert_cmpuint (stats.snapshot, ==, 0);

  store = sp_local_store_open (f->db_path, &error);
  cursor = sp_local_store_get_cursor (store);
  g_assert_cmpstr (cursor, ==, "v1+13/x");
  /* The cursor went to the server URL-encoded and came back intact. */
  g_assert_cmpstr (f->mock.last_since, ==, "v1+10/x");

  row = sp_local_store_get (store, "service", "remote-11", &error);
  g_assert_nonnull (row);
  g_assert_cmpint (row->version, ==, 1011);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Dienst 11");
  g_assert_false (json_object_has_member (row->fields, "future_field"));

  /* The next pull starts from the stored cursor (no snapshot: the
   * profile has synced). */
  g_assert_true (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_cmpuint (f->mock.pull_requests, ==, 4);
  g_assert_cmpuint (f->mock.other_requests, ==, 1);
  g_assert_cmpstr (f->mock.last_since, ==, "v1+13/x");
  g_assert_cmpuint (stats.pulled, ==, 12);
}

static void
test_errors_keep_outbox (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(SpSyncClient) nowhere = NULL;
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0 };
  g_autofree char *dead_url = NULL;

  save_services (f, 3);

  /* Not signed in: refused before any request. */
  g_assert_false (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_cmpuint (f->mock.push_requests, ==, 0);

  /* Expired token. */
  sp_sync_client_set_token (client, "tok-old");
  g_assert_false (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Anmeldung abgelaufen"));
  g_clear_error (&error);

  sp_sync_client_set_token (client, "tok-1");

  mock_set_mode (&f->mock, MODE_BAD_JSON);
  g_assert_false (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_PROTOCOL);
  g_clear_error (&error);

  mock_set_mode (&f->mock, MODE_FORBIDDEN);
  g_assert_false (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "darf service nicht schreiben"));
  g_clear_error (&error);

  mock_set_mode (&f->mock, MODE_SERVER_ERROR);
  g_assert_false (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_STORAGE);
  g_clear_error (&error);

  /* A server that is not there. */
  {
    g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
    bound = g_socket_get_local_address (sock, NULL);
    dead_url = g_strdup_printf ("http://127.0.0.1:%u",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    /* bound but not listening: connection refused */
    nowhere = sp_sync_client_new (f->db_path, dead_url);
    sp_sync_client_set_token (nowhere, "tok-1");
    g_assert_false (sp_sync_client_sync (nowhere, &stats, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_NETWORK);
    g_clear_error (&error);
  }

  /* Nothing was lost on the way; once the server works, all goes out once. */
  g_assert_cmpuint (outbox_count (f), ==, 3);
  mock_set_mode (&f->mock, MODE_NORMAL);
  g_assert_true (sp_sync_client_sync (client, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outbox_count (f), ==, 0);
  g_assert_cmpuint (f->mock.pushed->len, ==, 3);
}

static void
test_resend_is_duplicate (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0 };

  save_services (f, 4);
  sp_sync_client_set_token (client, "tok-1");

  /* The server stored the batch but the answer was lost (bad JSON). */
  g_mutex_lock (&f->mock.lock);
  f->mock.mode = MODE_BAD_JSON;
  g_mutex_unlock (&f->mock.lock);
  {
    g_autoptr(SpLocalStore) store = sp_local_store_open (f->db_path, &error);
    g_autoptr(GPtrArray) batch = sp_local_store_outbox_peek (store, 0, &error);

    g_mutex_lock (&f->mock.lock);
    for (guint i = 0; i < batch->len; i++)
      {
        SpChange *c = g_ptr_array_index (batch, i);
        f->mock.version++;
        g_hash_table_insert (f->mock.seen, g_strdup (c->change_id), GINT_TO_POINTER (f->mock.version));
      }
    g_mutex_unlock (&f->mock.lock);
  }
  g_assert_false (sp_sync_client_push (client, &stats, NULL, &error));
  g_clear_error (&error);

  mock_set_mode (&f->mock, MODE_NORMAL);
  g_assert_true (sp_sync_client_push (client, &stats, NULL, &error));
  g_assert_cmpuint (outbox_count (f), ==, 0);
  /* All four were duplicates: none was applied a second time. */
  g_assert_cmpuint (f->mock.pushed->len, ==, 0);
}

typedef struct {
  GMainLoop   *loop;
  gboolean     ok;
  SpSyncStats  stats;
  GError      *error;
  char        *token;
} AsyncResult;

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  AsyncResult *r = data;

  r->token = sp_sync_client_login_finish (SP_SYNC_CLIENT (source), result, NULL, &r->error);
  g_main_loop_quit (r->loop);
}

static void
on_sync (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  AsyncResult *r = data;

  r->ok = sp_sync_client_sync_finish (SP_SYNC_CLIENT (source), result, &r->stats, &r->error);
  g_main_loop_quit (r->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  AsyncResult r = { 0 };

  save_services (f, 2);
  r.loop = g_main_loop_new (NULL, FALSE);

  sp_sync_client_login_async (client, "anna", "geheim", NULL, on_login, &r);
  g_main_loop_run (r.loop);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.token, ==, "tok-1");

  sp_sync_client_sync_async (client, NULL, on_sync, &r);
  g_main_loop_run (r.loop);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (r.stats.pushed, ==, 2);
  g_assert_cmpuint (r.stats.pulled, ==, 2);   /* the unknown entity is skipped */
  g_assert_cmpuint (outbox_count (f), ==, 0);

  g_main_loop_unref (r.loop);
  g_free (r.token);
}

static void
test_ca_file (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = g_build_filename (f->dir, "junk.pem", NULL);

  g_assert_false (sp_sync_client_set_ca_file (client, "/nonexistent/ca.pem", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (junk, "not a certificate", -1, NULL));
  g_assert_false (sp_sync_client_set_ca_file (client, junk, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  /* Back to the system's certificates. */
  g_assert_true (sp_sync_client_set_ca_file (client, NULL, &error));
  g_assert_no_error (error);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SpSyncClient) client = sp_sync_client_new (f->db_path, f->mock.base_url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0 };

  save_services (f, 2);
  sp_sync_client_set_token (client, "tok-1");
  g_cancellable_cancel (cancellable);

  g_assert_false (sp_sync_client_sync (client, &stats, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (sp_sync_client_pull (client, &stats, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->mock.push_requests + f->mock.pull_requests, ==, 0);
  g_assert_cmpuint (outbox_count (f), ==, 2);

  /* A fresh run does the whole job. */
  g_assert_true (sp_sync_client_sync (client, &stats, NULL, NULL));
  g_assert_cmpuint (outbox_count (f), ==, 0);
  g_assert_cmpuint (stats.pulled, ==, 4);
}

#define ADD(path, n_pullable, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (n_pullable), fixture_setup, func, fixture_teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/sync-client/login", 0, test_login);
  ADD ("/sync-client/push-batches", 0, test_push_in_batches);
  ADD ("/sync-client/partial-answers", 0, test_partial_answers_resend);
  ADD ("/sync-client/pull-pages", 12, test_pull_pages);
  ADD ("/sync-client/errors-keep-outbox", 0, test_errors_keep_outbox);
  ADD ("/sync-client/resend-is-duplicate", 0, test_resend_is_duplicate);
  ADD ("/sync-client/async", 2, test_async);
  ADD ("/sync-client/ca-file", 0, test_ca_file);
  ADD ("/sync-client/cancelled", 4, test_cancelled);

  return g_test_run ();
}
