/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-kill"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "sp-test-proxy.h"
#include "sp-test-server.h"

/* The server dies (SIGKILL) in the middle of a 10 000-change push: once
 * while it works on a batch, once right after it committed a batch whose
 * answer the client never got. After restarts on the same database and
 * another sync, the server holds every change exactly once and the outbox
 * is empty. */

#define N_CHANGES 10000
#define BATCH     500

typedef struct {
  SpSyncClient *client;
  GError       *error;
  gboolean      ok;
  gboolean      done;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;
  SpSyncStats stats = { 0, };

  job->ok = sp_sync_client_push (job->client, &stats, NULL, &job->error);
  g_atomic_int_set (&job->done, TRUE);

  return NULL;
}

static void
test_sigkill_mid_push (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_a = sp_test_server_path (server, "a.db");
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(SpSyncClient) client = NULL;
  g_autoptr(SpSyncClient) client2 = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autofree char *token = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_fresh = NULL;
  g_autofree char *proxy_url = NULL;
  SpTestProxy *proxy = NULL;
  gint64 start = g_get_monotonic_time ();
  PushJob job = { 0, };
  GThread *thread;
  guint left_at_kill;
  SpSyncStats stats;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_start (server, FALSE);

  store = sp_local_store_open (path_a, &error);
  g_assert_no_error (error);
  ids = sp_test_create_services (store, "Massenleistung", N_CHANGES);
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, N_CHANGES);

  expected = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ids->len; i++)
    {
      char *name = g_strdup_printf ("Massenleistung-%05u", i);
      g_ptr_array_add (names, name);
      g_hash_table_insert (expected, ids->pdata[i], name);
    }

  g_test_message ("%.1f s: %u services saved offline",
                  (g_get_monotonic_time () - start) / 1e6, N_CHANGES);

  /* the client talks to the server through a proxy that only watches, so
   * that the test sees when a push request is on its way */
  proxy = sp_test_proxy_new (server->port);
  proxy_url = sp_test_proxy_get_url (proxy);
  sp_test_proxy_watch (proxy, "POST /api/v1/sync");
  client = sp_sync_client_new (path_a, proxy_url);
  token = sp_sync_client_login (client, "anna", "anna", NULL, NULL, &error);
  g_assert_no_error (error);
  sp_sync_client_set_token (client, token);
  sp_sync_client_set_push_batch (client, BATCH);
  sp_sync_client_set_timeout (client, 10);

  /* push in a thread; kill the server while it works on the third batch:
   * a third of a batch's round trip after that request started */
  job.client = client;
  thread = g_thread_new ("push", push_thread, &job);
  {
    gint64 t_first = 0, t_second = 0;

    while (sp_test_proxy_get_watched (proxy) < 3 && !g_atomic_int_get (&job.done))
      {
        guint seen = sp_test_proxy_get_watched (proxy);

        if (seen >= 1 && t_first == 0)
          t_first = g_get_monotonic_time ();
        if (seen >= 2 && t_second == 0)
          t_second = g_get_monotonic_time ();
        g_usleep (100);
      }
    if (t_second > t_first && t_first > 0)
      g_usleep ((t_second - t_first) / 3);
    g_test_message ("batch round trip ~%.1f ms; killing the server",
                    (t_second - t_first) / 1000.0);
  }
  sp_test_server_kill (server, SIGKILL);
  g_thread_join (thread);

  left_at_kill = sp_local_store_outbox_count (store);
  g_test_message ("outbox after the kill: %u of %u", left_at_kill, N_CHANGES);
  /* the push must have been interrupted, not have finished first */
  g_assert_false (job.ok);
  g_assert_nonnull (job.error);
  g_test_message ("push error: %s", job.error->message);
  g_clear_error (&job.error);
  g_assert_cmpuint (left_at_kill, >, 0);
  g_assert_cmpuint (left_at_kill, <, N_CHANGES);

  /* restart on the same database (another port), same token. This time
   * the server is killed right after it answered the second batch of the
   * next push: it committed the batch, the client never saw the answer.
   * Two batches are on their way at once and the server may apply them
   * in either order, so the first batch may or may not be committed (and
   * acked) by then. */
  sp_test_proxy_free (proxy);
  sp_test_server_start (server, FALSE);
  proxy = sp_test_proxy_new (server->port);
  g_free (proxy_url);
  proxy_url = sp_test_proxy_get_url (proxy);
  client2 = sp_sync_client_new (path_a, proxy_url);
  sp_sync_client_set_token (client2, token);
  sp_sync_client_set_push_batch (client2, BATCH);
  sp_sync_client_set_timeout (client2, 10);
  /* one byte of the answer reaches the client (so it cannot silently
   * retry), then the link and the server die */
  sp_test_proxy_cut_response (proxy, "POST /api/v1/sync", 1, 1);
  job = (PushJob) { .client = client2 };
  thread = g_thread_new ("push", push_thread, &job);
  while (sp_test_proxy_get_cuts (proxy) < 1 && !g_atomic_int_get (&job.done))
    g_usleep (100);
  sp_test_server_kill (server, SIGKILL);
  g_thread_join (thread);
  g_assert_cmpuint (sp_test_proxy_get_cuts (proxy), ==, 1);
  g_assert_false (job.ok);
  g_clear_error (&job.error);
  sp_test_proxy_free (proxy);
  left_at_kill = sp_local_store_outbox_count (store);
  g_test_message ("outbox after the second kill: %u", left_at_kill);
  g_assert_cmpuint (left_at_kill, >=, 2 * BATCH);

  /* after another restart the server still knows the changes of the cut
   * batch: sent again they are "duplicate", not applied a second time.
   * The oldest two batches' worth of the outbox holds the cut batch
   * (whether or not the batch before it was acked); what the server had
   * not committed is applied now, once. */
  sp_test_server_start (server, FALSE);
  {
    g_autoptr(GPtrArray) unanswered = sp_local_store_outbox_peek (store, 2 * BATCH, &error);
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonNode) answer = NULL;
    g_autofree char *body = NULL;
    g_autofree char *resp = NULL;
    JsonArray *results;
    guint duplicates = 0;
    guint applied = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (unanswered->len, ==, 2 * BATCH);
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "changes");
    json_builder_begin_array (builder);
    for (guint i = 0; i < unanswered->len; i++)
      json_builder_add_value (builder, sp_change_to_json (unanswered->pdata[i], FALSE));
    json_builder_end_array (builder);
    json_builder_end_object (builder);
    root = json_builder_get_root (builder);
    body = json_to_string (root, FALSE);
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", token,
                                    body, &resp), ==, 200);
    answer = json_from_string (resp, &error);
    g_assert_no_error (error);
    results = json_object_get_array_member (json_node_get_object (answer), "results");
    for (guint i = 0; i < json_array_get_length (results); i++)
      {
        JsonObject *r = json_array_get_object_element (results, i);
        const char *status = json_object_get_string_member (r, "status");

        if (g_strcmp0 (status, "duplicate") == 0)
          duplicates++;
        else if (g_strcmp0 (status, "applied") == 0)
          applied++;
      }
    g_test_message ("sent again: %u duplicate, %u applied", duplicates, applied);
    g_assert_cmpuint (duplicates, >=, BATCH);
    g_assert_cmpuint (duplicates + applied, ==, 2 * BATCH);
  }

  g_clear_object (&client2);
  client2 = sp_sync_client_new (path_a, server->base_url);
  sp_sync_client_set_token (client2, token);
  sp_sync_client_set_push_batch (client2, 1000);
  stats = sp_test_sync_ok (client2);
  g_test_message ("%.1f s: final sync pushed %u, pulled %u",
                  (g_get_monotonic_time () - start) / 1e6, stats.pushed, stats.pulled);
  g_assert_cmpuint (stats.pushed, ==, left_at_kill);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, 0);

  /* a second desktop pulls everything: exactly the 10 000 services */
  fresh = sp_test_fresh_pull (server, server->base_url, "anna");
  g_assert_cmpuint (sp_test_count_rows (fresh, SP_ENTITY_SERVICE, TRUE), ==, N_CHANGES);
  {
    g_autoptr(GPtrArray) rows = sp_test_query_strings (fresh,
        "SELECT id || '|' || name FROM service WHERE deleted = 0");
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        g_free, NULL);

    g_assert_cmpuint (rows->len, ==, N_CHANGES);
    for (guint i = 0; i < rows->len; i++)
      {
        const char *line = rows->pdata[i];
        const char *bar = strchr (line, '|');
        g_autofree char *id = g_strndup (line, bar - line);
        const char *want = g_hash_table_lookup (expected, id);

        g_assert_nonnull (want);
        g_assert_cmpstr (bar + 1, ==, want);
        g_assert_false (g_hash_table_contains (seen, id));
        g_hash_table_add (seen, g_steal_pointer (&id));
      }
    g_assert_cmpuint (g_hash_table_size (seen), ==, N_CHANGES);
  }

  g_test_message ("%.1f s: a fresh client pulled everything",
                  (g_get_monotonic_time () - start) / 1e6);

  /* and the pushing client holds the same rows as the server */
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_fresh = sp_test_dump_entity (fresh, SP_ENTITY_SERVICE, TRUE);
  g_assert_true (g_str_equal (dump_a, dump_fresh));

  /* nothing left to do: another sync sends nothing */
  stats = sp_test_sync_ok (client2);
  g_assert_cmpuint (stats.pushed, ==, 0);

  g_clear_object (&client);
  g_clear_object (&client2);
  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/sigkill-mid-push", test_sigkill_mid_push);

  return g_test_run ();
}
