/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-cut"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-test-proxy.h"
#include "sp-test-server.h"

/* The network drops in the middle of a server answer: once during a push
 * (the server applied the batch, the client never saw the results) and
 * once during a pull page. The sync fails with an error; the next sync
 * over a working link finishes the job, losing and duplicating nothing. */

#define N_SERVICES 3000
#define BATCH      500
#define PAGE       500
/* more than one pull page (SP_SNAPSHOT_MIN_ROWS): the server has a snapshot */
#define SNAP_SERVICES 10001

/* Sends @changes again, raw, and returns how many the server called
 * "duplicate". */
static guint
resend_raw (const char *base_url,
            const char *token,
            GPtrArray  *changes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *resp = NULL;
  JsonArray *results;
  guint duplicates = 0;
  guint status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    json_builder_add_value (builder, sp_change_to_json (changes->pdata[i], FALSE));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  status = sp_test_http (base_url, "POST", "/api/v1/sync", token, body, &resp);
  g_assert_cmpuint (status, ==, 200);
  answer = json_from_string (resp, &error);
  g_assert_no_error (error);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, changes->len);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *r = json_array_get_object_element (results, i);
      SpChange *change = changes->pdata[i];

      g_assert_cmpstr (json_object_get_string_member (r, "change_id"), ==, change->change_id);
      if (g_strcmp0 (json_object_get_string_member (r, "status"), "duplicate") == 0)
        duplicates++;
    }

  return duplicates;
}

/* Creates @n services "<prefix>-00000".. in @store offline; returns the
 * name each id must end up with on the server. */
static GHashTable *
create_services (SpLocalStore *store,
                 const char   *prefix,
                 guint         n)
{
  g_autoptr(GPtrArray) ids = sp_test_create_services (store, prefix, n);
  GHashTable *expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (expected, g_strdup (ids->pdata[i]),
                         g_strdup_printf ("%s-%05u", prefix, i));
  return expected;
}

static void
assert_server_holds (SpTestServer *server,
                     GHashTable   *expected)
{
  g_autofree char *fresh = sp_test_fresh_pull (server, server->base_url, "anna");
  g_autoptr(GPtrArray) rows = sp_test_query_strings (fresh,
      "SELECT id || '|' || name FROM service WHERE deleted = 0");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpuint (sp_test_count_rows (fresh, SP_ENTITY_SERVICE, TRUE),
                    ==, g_hash_table_size (expected));
  g_assert_cmpuint (rows->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < rows->len; i++)
    {
      const char *line = rows->pdata[i];
      const char *bar = strchr (line, '|');
      g_autofree char *id = g_strndup (line, bar - line);

      g_assert_cmpstr (g_hash_table_lookup (expected, id), ==, bar + 1);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_steal_pointer (&id));
    }
}

static void
test_cut_mid_response (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_a = sp_test_server_path (server, "a.db");
  g_autofree char *path_b = sp_test_server_path (server, "b.db");
  g_autofree char *proxy_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(SpSyncClient) client_a = NULL;
  g_autoptr(SpSyncClient) client_b = NULL;
  g_autoptr(GPtrArray) in_flight = NULL;
  g_autoptr(GHashTable) expected = NULL;
  SpTestProxy *proxy;
  SpSyncStats stats = { 0, };
  guint pulled_rows;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_add_user (server, "bernd", "editor", "bernd");
  sp_test_server_start (server, FALSE);
  proxy = sp_test_proxy_new (server->port);
  proxy_url = sp_test_proxy_get_url (proxy);

  store = sp_local_store_open (path_a, &error);
  g_assert_no_error (error);
  expected = create_services (store, "Hundesteuer", N_SERVICES);

  client_a = sp_sync_client_new (path_a, proxy_url);
  token = sp_sync_client_login (client_a, "anna", "anna", NULL, NULL, &error);
  g_assert_no_error (error);
  sp_sync_client_set_token (client_a, token);
  sp_sync_client_set_push_batch (client_a, BATCH);
  sp_sync_client_set_page_size (client_a, PAGE);
  sp_sync_client_set_timeout (client_a, 10);

  /* 1. cut the answer to the second push batch after 1 000 bytes: the
   * server has applied it, the client has not seen the results */
  sp_test_proxy_cut_response (proxy, "POST /api/v1/sync", 1, 1000);
  g_assert_false (sp_sync_client_sync (client_a, &stats, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("sync over the cut link: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (sp_test_proxy_get_cuts (proxy), ==, 1);
  /* the first batch was answered, the second was not */
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, N_SERVICES - BATCH);

  /* the server did apply the second batch: sending it again (raw, as the
   * client will) gives "duplicate" for every change */
  in_flight = sp_local_store_outbox_peek (store, BATCH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_flight->len, ==, BATCH);
  g_assert_cmpuint (resend_raw (server->base_url, token, in_flight), ==, BATCH);

  /* 2. the link works again: the sync finishes */
  stats = (SpSyncStats) { 0, };
  sp_sync_client_sync (client_a, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, N_SERVICES - BATCH);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, 0);
  assert_server_holds (server, expected);

  /* and the batch sent three times is still only "duplicate" */
  g_assert_cmpuint (resend_raw (server->base_url, token, in_flight), ==, BATCH);
  assert_server_holds (server, expected);

  /* 3. a new desktop pulls through the proxy page by page (not from a
   * snapshot: that cut is test_cut_snapshot); the third page is cut */
  client_b = sp_sync_client_new (path_b, proxy_url);
  sp_sync_client_set_use_snapshot (client_b, FALSE);
  {
    g_autofree char *tb = sp_sync_client_login (client_b, "bernd", "bernd", NULL, NULL, &error);
    g_assert_no_error (error);
    sp_sync_client_set_token (client_b, tb);
  }
  sp_sync_client_set_page_size (client_b, PAGE);
  sp_sync_client_set_timeout (client_b, 10);
  sp_test_proxy_cut_response (proxy, "GET /api/v1/sync", 2, 3000);
  g_assert_false (sp_sync_client_sync (client_b, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("pull over the cut link: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (sp_test_proxy_get_cuts (proxy), ==, 2);
  /* pages are applied whole or not at all: the two pages before the cut
   * (services and any other rows the server holds, all entities) */
  pulled_rows = sp_test_count_all_rows (path_b);
  g_test_message ("rows after the cut pull: %u", pulled_rows);
  g_assert_cmpuint (pulled_rows, ==, 2 * PAGE);

  stats = (SpSyncStats) { 0, };
  sp_sync_client_sync (client_b, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_test_count_rows (path_b, SP_ENTITY_SERVICE, TRUE), ==, N_SERVICES);
  /* the rest came once, the pages before the cut were not pulled again */
  g_assert_cmpuint (stats.pulled + 2 * PAGE, ==, sp_test_count_all_rows (path_b));
  {
    g_autofree char *fresh = sp_test_fresh_pull (server, server->base_url, "bernd");
    g_assert_cmpuint (sp_test_count_all_rows (fresh), ==, sp_test_count_all_rows (path_b));
  }

  /* both desktops hold the same rows; A pulls once to learn versions it
   * never saw because its answers were cut */
  sp_sync_client_sync (client_a, NULL, NULL, &error);
  g_assert_no_error (error);
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_SERVICE, TRUE);
  g_assert_true (g_str_equal (dump_a, dump_b));
  assert_server_holds (server, expected);

  g_clear_object (&client_a);
  g_clear_object (&client_b);
  sp_test_proxy_free (proxy);
  sp_test_server_free (server);
}

/* A new desktop's first sync loads the server's snapshot; when that
 * answer is cut, the sync pulls page by page instead and still gets every
 * row once, and the partial file is gone. The next new desktop gets the
 * snapshot whole. */
static void
test_cut_snapshot (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_a = sp_test_server_path (server, "a.db");
  g_autofree char *path_b = sp_test_server_path (server, "b.db");
  g_autofree char *path_c = sp_test_server_path (server, "c.db");
  g_autofree char *partial = g_strconcat (path_b, ".snapshot", NULL);
  g_autofree char *proxy_url = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;
  g_autofree char *dump_c = NULL;
  g_autoptr(SpSyncClient) client_a = NULL;
  g_autoptr(SpSyncClient) client_b = NULL;
  g_autoptr(SpSyncClient) client_c = NULL;
  SpTestProxy *proxy;
  SpSyncStats stats;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_start (server, FALSE);
  proxy = sp_test_proxy_new (server->port);
  proxy_url = sp_test_proxy_get_url (proxy);

  /* more rows than one pull page, so that there is a snapshot */
  {
    g_autoptr(SpLocalStore) store = sp_local_store_open (path_a, &error);
    g_autoptr(GPtrArray) ids = NULL;

    g_assert_no_error (error);
    g_assert_true (sp_local_store_begin_batch (store, &error));
    ids = sp_test_create_services (store, "Sperrmüll", SNAP_SERVICES);
    g_assert_true (sp_local_store_end_batch (store, &error));
    g_assert_no_error (error);
  }
  client_a = sp_test_client_new (server, "a.db", "anna");
  sp_test_sync_ok (client_a);

  /* the snapshot answer breaks off after 100 000 bytes */
  client_b = sp_sync_client_new (path_b, proxy_url);
  {
    g_autofree char *token = sp_sync_client_login (client_b, "anna", "anna", NULL, NULL, &error);
    g_assert_no_error (error);
    sp_sync_client_set_token (client_b, token);
  }
  sp_sync_client_set_timeout (client_b, 10);
  sp_test_proxy_cut_response (proxy, "GET /api/v1/sync/snapshot", 0, 100000);
  stats = sp_test_sync_ok (client_b);
  g_assert_cmpuint (sp_test_proxy_get_cuts (proxy), ==, 1);
  g_assert_cmpuint (stats.snapshot, ==, 0);
  g_assert_cmpuint (stats.pulled, ==, sp_test_count_all_rows (path_b));
  g_assert_cmpuint (sp_test_count_rows (path_b, SP_ENTITY_SERVICE, TRUE), ==, SNAP_SERVICES);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* over a working link a new desktop loads the snapshot: the same rows */
  client_c = sp_test_client_new (server, "c.db", "anna");
  stats = sp_test_sync_ok (client_c);
  g_assert_cmpuint (stats.snapshot, ==, sp_test_count_all_rows (path_c));
  g_assert_cmpuint (stats.pulled, ==, stats.snapshot);

  /* all three hold the same services, versions included */
  sp_test_sync_ok (client_a);
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_SERVICE, TRUE);
  dump_c = sp_test_dump_entity (path_c, SP_ENTITY_SERVICE, TRUE);
  g_assert_true (g_str_equal (dump_a, dump_b));
  g_assert_true (g_str_equal (dump_a, dump_c));

  g_clear_object (&client_a);
  g_clear_object (&client_b);
  g_clear_object (&client_c);
  sp_test_proxy_free (proxy);
  sp_test_server_free (server);
}

/* A push of many batches keeps its connections alive from batch to batch:
 * at most PUSH_DEPTH (2) of them, however many batches, instead of a new
 * connection (and, with TLS, a new handshake) per batch. */
#define KEEP_BATCH   100
#define KEEP_BATCHES 8

static void
test_push_keeps_connections (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path = sp_test_server_path (server, "keep.db");
  g_autofree char *proxy_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(SpSyncClient) client = NULL;
  g_autoptr(GHashTable) expected = NULL;
  SpTestProxy *proxy;
  SpSyncStats stats = { 0, };
  guint accepted_before;
  guint connections;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_start (server, FALSE);
  proxy = sp_test_proxy_new (server->port);
  proxy_url = sp_test_proxy_get_url (proxy);

  store = sp_local_store_open (path, &error);
  g_assert_no_error (error);
  expected = create_services (store, "Meldeamt", KEEP_BATCH * KEEP_BATCHES);

  client = sp_sync_client_new (path, proxy_url);
  token = sp_sync_client_login (client, "anna", "anna", NULL, NULL, &error);
  g_assert_no_error (error);
  sp_sync_client_set_token (client, token);
  sp_sync_client_set_push_batch (client, KEEP_BATCH);

  sp_test_proxy_watch (proxy, "POST /api/v1/sync");
  accepted_before = sp_test_proxy_get_accepted (proxy);
  sp_sync_client_push (client, &stats, NULL, &error);
  g_assert_no_error (error);
  connections = sp_test_proxy_get_accepted (proxy) - accepted_before;
  g_test_message ("%u push requests over %u connections",
                  sp_test_proxy_get_watched (proxy), connections);
  g_assert_cmpuint (sp_test_proxy_get_watched (proxy), >=, KEEP_BATCHES);
  g_assert_cmpuint (connections, >=, 1);
  g_assert_cmpuint (connections, <=, 2);

  g_assert_cmpuint (stats.pushed, ==, KEEP_BATCH * KEEP_BATCHES);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, 0);
  assert_server_holds (server, expected);

  g_clear_object (&client);
  sp_test_proxy_free (proxy);
  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/connection-cut-mid-response", test_cut_mid_response);
  g_test_add_func ("/integration/sync/snapshot-cut", test_cut_snapshot);
  g_test_add_func ("/integration/sync/push-keeps-connections", test_push_keeps_connections);

  return g_test_run ();
}
