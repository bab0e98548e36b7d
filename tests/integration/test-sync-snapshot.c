/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-snapshot"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sp-db.h"
#include "sp-test-feedback.h"
#include "sp-test-server.h"

/* The first sync of a new desktop from the server's snapshot
 * (GET /api/v1/sync/snapshot): the endpoint answers only signed-in
 * callers, only for this client schema, with only what the caller's roles
 * may read; a desktop that loads a snapshot older than the latest changes
 * catches up by its pull and ends with exactly the rows of a desktop that
 * pulled page by page; after more than 10 000 changes the server makes a
 * new snapshot; for no more rows than one pull page there is none. */

/* More rows than one pull page (SP_SNAPSHOT_MIN_ROWS): a snapshot pays off */
#define SNAP_SERVICES 10001

typedef struct {
  guint   status;
  GBytes *body;
  char   *content_type;
  char   *cache_control;
  char   *cursor;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_pointer (&answer->content_type, g_free);
  g_clear_pointer (&answer->cache_control, g_free);
  g_clear_pointer (&answer->cursor, g_free);
}

static void
get_snapshot (SpTestServer *server,
              const char   *method,
              const char   *query,
              const char   *token,
              Answer       *answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/api/v1/sync/snapshot%s", server->base_url, query);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  answer->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  answer->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  answer->cache_control = g_strdup (soup_message_headers_get_one (headers, "Cache-Control"));
  answer->cursor = g_strdup (soup_message_headers_get_one (headers, "X-Stadtpult-Cursor"));
}

static char *
schema_query (void)
{
  return g_strdup_printf ("?schema=%d", sp_db_latest_version (SP_SCHEMA_CLIENT));
}

/* @n services made offline on @user's desktop @db_name (in one batch)
 * and pushed. */
static void
seed_services (SpTestServer *server,
               const char   *db_name,
               const char   *user,
               const char   *prefix,
               guint         n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sp_test_server_path (server, db_name);
  g_autoptr(SpLocalStore) store = sp_local_store_open (path, &error);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(SpSyncClient) client = NULL;

  g_assert_no_error (error);
  g_assert_true (sp_local_store_begin_batch (store, &error));
  ids = sp_test_create_services (store, prefix, n);
  g_assert_true (sp_local_store_end_batch (store, &error));
  g_assert_no_error (error);
  client = sp_test_client_new (server, db_name, user);
  sp_test_sync_ok (client);
}

static void
assert_json_error (const Answer *answer,
                   guint         status,
                   const char   *slug)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (answer->body, &len);

  g_assert_cmpuint (answer->status, ==, status);
  text = g_strndup (data, len);
  node = sp_test_parse_json (text);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "error"), ==, slug);
  g_test_message ("%u %s", status, text);
}

/* The answer saved as a file, to look into it with SQLite. */
static char *
save_body (SpTestServer *server,
           const Answer *answer,
           const char   *name)
{
  g_autoptr(GError) error = NULL;
  char *path = sp_test_server_path (server, name);
  gsize len = 0;
  const char *data = g_bytes_get_data (answer->body, &len);

  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  g_assert_no_error (error);
  return path;
}

static char *
meta_in_file (const char *path,
              const char *key)
{
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT value FROM meta WHERE key = '%s'", key);

  values = sp_test_query_strings (path, sql);
  return values->len == 1 ? g_strdup (values->pdata[0]) : NULL;
}

static void
test_http (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *token = NULL;
  g_autofree char *query = schema_query ();
  g_autofree char *file = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *wrong = g_strdup_printf ("?schema=%d", sp_db_latest_version (SP_SCHEMA_CLIENT) - 1);
  Answer answer = { 0, };

  sp_test_server_add_user (server, "erika", "editor", "erika");
  sp_test_server_start (server, FALSE);
  token = sp_test_login_token (server->base_url, "erika", "erika");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Leistung %u", i);
      g_autofree char *id = sp_test_push_service (server->base_url, token, name, "published");
    }

  /* no token, an unknown token */
  get_snapshot (server, "GET", query, NULL, &answer);
  assert_json_error (&answer, 401, "unauthorized");
  answer_clear (&answer);
  get_snapshot (server, "GET", query, "not-a-token", &answer);
  assert_json_error (&answer, 401, "unauthorized");
  answer_clear (&answer);

  /* only GET; the client must say its schema version */
  get_snapshot (server, "POST", query, token, &answer);
  g_assert_cmpuint (answer.status, ==, 405);
  answer_clear (&answer);
  get_snapshot (server, "GET", "", token, &answer);
  assert_json_error (&answer, 400, "invalid");
  answer_clear (&answer);
  get_snapshot (server, "GET", "?schema=sieben", token, &answer);
  assert_json_error (&answer, 400, "invalid");
  answer_clear (&answer);

  /* an older client: no snapshot, it pulls from the start */
  get_snapshot (server, "GET", wrong, token, &answer);
  assert_json_error (&answer, 404, "no_snapshot");
  answer_clear (&answer);

  /* three services (and the seeded catalogues) fit in one pull page: no
   * snapshot, which would be the bigger download */
  get_snapshot (server, "GET", query, token, &answer);
  assert_json_error (&answer, 404, "no_snapshot");
  answer_clear (&answer);

  seed_services (server, "seed.db", "erika", "Leistung", SNAP_SERVICES);

  /* a database file of our schema with all the services and the cursor
   * of the header; never kept by shared caches */
  get_snapshot (server, "GET", query, token, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (answer.content_type, ==, "application/vnd.sqlite3");
  g_assert_nonnull (strstr (answer.cache_control, "no-store"));
  g_assert_nonnull (strstr (answer.cache_control, "private"));
  file = save_body (server, &answer, "snapshot.db");
  g_assert_cmpint (sp_test_file_count (file, "PRAGMA user_version"), ==,
                   sp_db_latest_version (SP_SCHEMA_CLIENT));
  g_assert_cmpint (sp_test_file_count (file, "SELECT count(*) FROM service WHERE deleted = 0"), ==,
                   3 + SNAP_SERVICES);
  cursor = meta_in_file (file, "cursor");
  g_assert_nonnull (answer.cursor);
  g_assert_cmpstr (cursor, ==, answer.cursor);
  /* nothing of the builder's own outbox or conflicts */
  g_assert_cmpint (sp_test_file_count (file, "SELECT count(*) FROM outbox"), ==, 0);
  answer_clear (&answer);

  /* the second caller gets the same snapshot, not a new one; operators
   * see both in /metrics */
  get_snapshot (server, "GET", query, token, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (answer.cursor, ==, cursor);
  answer_clear (&answer);
  {
    g_autofree char *metrics = NULL;

    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/metrics", NULL, NULL, &metrics), ==, 200);
    g_assert_nonnull (strstr (metrics, "stadtpult_sync_snapshots_total{result=\"served\"} 2\n"));
    g_assert_nonnull (strstr (metrics, "stadtpult_sync_snapshots_total{result=\"made\"} 1\n"));
  }

  sp_test_server_free (server);
}

static void
test_roles (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *editor_token = NULL;
  g_autofree char *hr_token = NULL;
  g_autofree char *query = schema_query ();
  g_autofree char *service_id = NULL;
  g_autofree char *feedback_id = g_uuid_string_random ();
  g_autofree char *hr_file = NULL;
  g_autofree char *editor_file = NULL;
  g_autofree char *hr_db = sp_test_server_path (server, "hr.db");
  g_autofree char *editor_db = sp_test_server_path (server, "editor.db");
  g_autoptr(SpSyncClient) hr_client = NULL;
  g_autoptr(SpSyncClient) editor_client = NULL;
  Answer answer = { 0, };
  SpSyncStats stats;

  sp_test_server_add_user (server, "erika", "editor", "erika");
  sp_test_server_add_user (server, "hanna", "hr", "hanna");
  sp_test_server_start (server, FALSE);
  editor_token = sp_test_login_token (server->base_url, "erika", "erika");
  hr_token = sp_test_login_token (server->base_url, "hanna", "hanna");

  seed_services (server, "seed.db", "erika", "Leistung", SNAP_SERVICES);
  service_id = sp_test_push_service (server->base_url, editor_token, "Wohnsitz anmelden", "published");
  sp_test_push_fields (server->base_url, editor_token, "feedback", feedback_id, 0,
                       "{\"text\":\"Die Ampel am Markt ist defekt\",\"contact\":\"anna@example.org\","
                       "\"state\":\"new\",\"channel\":\"web\"}");

  /* HR reads services but not the citizens' feedback: not even in the
   * file it downloads */
  get_snapshot (server, "GET", query, hr_token, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  hr_file = save_body (server, &answer, "hr-snapshot.db");
  answer_clear (&answer);
  g_assert_cmpint (sp_test_file_count (hr_file, "SELECT count(*) FROM service"), ==, SNAP_SERVICES + 1);
  g_assert_cmpint (sp_test_file_count (hr_file, "SELECT count(*) FROM feedback"), ==, 0);
  g_assert_cmpint (sp_test_file_count (hr_file, "SELECT count(*) FROM feedback_note"), ==, 0);

  get_snapshot (server, "GET", query, editor_token, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  editor_file = save_body (server, &answer, "editor-snapshot.db");
  answer_clear (&answer);
  g_assert_cmpint (sp_test_file_count (editor_file, "SELECT count(*) FROM feedback"), ==, 1);

  /* the desktops load their own snapshot */
  hr_client = sp_test_client_new (server, "hr.db", "hanna");
  stats = sp_test_sync_ok (hr_client);
  g_assert_cmpuint (stats.snapshot, >, 0);
  g_assert_cmpuint (sp_test_count_rows (hr_db, "service", TRUE), ==, SNAP_SERVICES + 1);
  g_assert_cmpuint (sp_test_count_rows (hr_db, "feedback", TRUE), ==, 0);

  editor_client = sp_test_client_new (server, "editor.db", "erika");
  stats = sp_test_sync_ok (editor_client);
  g_assert_cmpuint (stats.snapshot, >, 0);
  g_assert_cmpuint (sp_test_count_rows (editor_db, "feedback", TRUE), ==, 1);

  sp_test_server_free (server);
}

/* id, name, version and hlc of every live service, sorted. */
static char *
live_services (const char *db_path)
{
  g_autoptr(GPtrArray) rows =
    sp_test_query_strings (db_path, "SELECT id || '|' || name || '|' || version || '|' || hlc "
                                    "FROM service WHERE deleted = 0 ORDER BY id");

  g_ptr_array_add (rows, NULL);
  return g_strjoinv ("\n", (char **) rows->pdata);
}

/* A new desktop, page by page (no snapshot); returns its database. */
static char *
paged_pull (SpTestServer *server,
            const char   *name)
{
  g_autoptr(SpSyncClient) client = sp_test_client_new (server, name, "anna");
  SpSyncStats stats;

  sp_sync_client_set_use_snapshot (client, FALSE);
  stats = sp_test_sync_ok (client);
  g_assert_cmpuint (stats.snapshot, ==, 0);
  return sp_test_server_path (server, name);
}

static void
test_catch_up (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_a = sp_test_server_path (server, "a.db");
  g_autofree char *path_b = sp_test_server_path (server, "b.db");
  g_autofree char *path_c = sp_test_server_path (server, "c.db");
  g_autofree char *path_e = sp_test_server_path (server, "e.db");
  g_autofree char *path_d = NULL;
  g_autofree char *path_f = NULL;
  g_autofree char *live_a = NULL;
  g_autofree char *live_c = NULL;
  g_autofree char *live_d = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) more = NULL;
  g_autoptr(SpSyncClient) client_a = NULL;
  g_autoptr(SpSyncClient) client_b = NULL;
  g_autoptr(SpSyncClient) client_c = NULL;
  g_autoptr(SpSyncClient) client_e = NULL;
  SpSyncStats stats;
  guint first;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_start (server, FALSE);

  store = sp_local_store_open (path_a, &error);
  g_assert_no_error (error);
  g_assert_true (sp_local_store_begin_batch (store, &error));
  ids = sp_test_create_services (store, "Parkausweis", SNAP_SERVICES);
  g_assert_true (sp_local_store_end_batch (store, &error));
  client_a = sp_test_client_new (server, "a.db", "anna");
  sp_test_sync_ok (client_a);

  /* B makes the server build its snapshot */
  client_b = sp_test_client_new (server, "b.db", "anna");
  stats = sp_test_sync_ok (client_b);
  first = stats.snapshot;
  g_assert_cmpuint (first, ==, sp_test_count_all_rows (path_b));
  g_assert_cmpuint (sp_test_count_rows (path_b, "service", TRUE), ==, SNAP_SERVICES);

  /* then A renames five, deletes three and adds two */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *name = g_strdup_printf ("Bewohnerparkausweis %u", i);
      g_autofree char *id = NULL;

      json_object_set_string_member (fields, "name", name);
      id = sp_local_store_save (store, "service", ids->pdata[i], fields, &error);
      g_assert_no_error (error);
    }
  for (guint i = 5; i < 8; i++)
    {
      g_assert_true (sp_local_store_delete (store, "service", ids->pdata[i], &error));
      g_assert_no_error (error);
    }
  more = sp_test_create_services (store, "Anwohnerparken", 2);
  sp_test_sync_ok (client_a);

  /* C loads the same (now older) snapshot and pulls the ten changes */
  client_c = sp_test_client_new (server, "c.db", "anna");
  stats = sp_test_sync_ok (client_c);
  g_assert_cmpuint (stats.snapshot, ==, first);
  g_assert_cmpuint (stats.pulled, ==, first + 10);

  /* its services are A's, and a page-by-page desktop's, to the version */
  sp_test_sync_ok (client_a);
  path_d = paged_pull (server, "d.db");
  live_a = live_services (path_a);
  live_c = live_services (path_c);
  live_d = live_services (path_d);
  g_assert_cmpstr (live_c, ==, live_a);
  g_assert_cmpstr (live_c, ==, live_d);
  g_assert_cmpuint (sp_test_count_rows (path_c, "service", FALSE), ==, SNAP_SERVICES - 1);
  /* the deleted rows are gone there too (as tombstones) */
  g_assert_cmpuint (sp_test_count_rows (path_c, "service", TRUE), ==, SNAP_SERVICES + 2);

  /* more than 10 000 changes later the server makes a new snapshot: a new
   * desktop gets everything from it */
  g_assert_true (sp_local_store_begin_batch (store, &error));
  g_clear_pointer (&more, g_ptr_array_unref);
  more = sp_test_create_services (store, "Sondernutzung", 10001);
  g_assert_true (sp_local_store_end_batch (store, &error));
  g_assert_no_error (error);
  sp_test_sync_ok (client_a);

  client_e = sp_test_client_new (server, "e.db", "anna");
  stats = sp_test_sync_ok (client_e);
  g_assert_cmpuint (stats.snapshot, ==, stats.pulled);
  g_assert_cmpuint (sp_test_count_rows (path_e, "service", FALSE), ==, SNAP_SERVICES - 1 + 10001);
  path_f = paged_pull (server, "f.db");
  {
    g_autofree char *live_e = live_services (path_e);
    g_autofree char *live_f = live_services (path_f);

    g_assert_cmpstr (live_e, ==, live_f);
  }

  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/snapshot/http", test_http);
  g_test_add_func ("/integration/sync/snapshot/roles", test_roles);
  g_test_add_func ("/integration/sync/snapshot/catch-up", test_catch_up);

  return g_test_run ();
}
