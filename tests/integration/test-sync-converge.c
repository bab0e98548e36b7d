/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-converge"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-test-server.h"

/* Two editors work offline on the same catalogue and end up with the same
 * data: edits of different fields of one service and of different
 * services all survive, on both desktops and on the server. */

static void
save_field (SpLocalStore *store,
            const char   *id,
            const char   *field,
            const char   *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *saved = NULL;

  json_object_set_string_member (fields, field, value);
  saved = sp_local_store_save (store, SP_ENTITY_SERVICE, id, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, id);
}

static void
assert_field (const char *db_path,
              const char *id,
              const char *field,
              const char *expected)
{
  g_autofree char *json = sp_test_get_field_json (db_path, SP_ENTITY_SERVICE, id, field);
  g_autofree char *want = g_strdup_printf ("\"%s\"", expected);

  g_assert_cmpstr (json, ==, want);
}

/* dump line "id|deleted|..." of a row that is not a tombstone */
static gboolean
is_live (const char *line)
{
  const char *bar = strchr (line, '|');

  return bar != NULL && g_str_has_prefix (bar, "|0|");
}

static void
test_two_clients_converge (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_a = sp_test_server_path (server, "a.db");
  g_autofree char *path_b = sp_test_server_path (server, "b.db");
  g_autoptr(SpLocalStore) store_a = NULL;
  g_autoptr(SpLocalStore) store_b = NULL;
  g_autoptr(SpSyncClient) client_a = NULL;
  g_autoptr(SpSyncClient) client_b = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;
  g_autofree char *dump_server = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *new_a = NULL;
  g_autofree char *new_b = NULL;
  SpSyncStats stats;

  sp_test_server_add_user (server, "anna", "editor", "anna");
  sp_test_server_add_user (server, "bernd", "editor", "bernd");
  sp_test_server_start (server, FALSE);

  store_a = sp_local_store_open (path_a, &error);
  g_assert_no_error (error);
  store_b = sp_local_store_open (path_b, &error);
  g_assert_no_error (error);
  client_a = sp_test_client_new (server, "a.db", "anna");
  client_b = sp_test_client_new (server, "b.db", "bernd");

  /* A creates the catalogue and publishes it */
  ids = sp_test_create_services (store_a, "Leistung", 6);
  g_assert_cmpuint (sp_local_store_outbox_count (store_a), ==, 6);
  stats = sp_test_sync_ok (client_a);
  g_assert_cmpuint (stats.pushed, ==, 6);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (sp_local_store_outbox_count (store_a), ==, 0);

  /* B gets all of it */
  stats = sp_test_sync_ok (client_b);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.pulled, >=, 6);
  g_assert_cmpuint (sp_test_count_rows (path_b, SP_ENTITY_SERVICE, FALSE), ==, 6);
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_SERVICE, TRUE);
  g_assert_cmpstr (dump_a, ==, dump_b);
  g_clear_pointer (&dump_a, g_free);
  g_clear_pointer (&dump_b, g_free);

  /* Offline on both sides: different fields of service 0, different
   * services, a new service each, and a deletion on B. */
  /* B edits service 0 before A does but pushes after A: an older change
   * of another field must still land (per-field, not per-row, merge). */
  save_field (store_b, ids->pdata[0], "office", "Bürgerbüro Lobeda (B)");
  g_usleep (5000);
  save_field (store_a, ids->pdata[0], "fees", "25,00 EUR (A)");
  save_field (store_a, ids->pdata[1], "name", "Wohnung anmelden (A)");
  save_field (store_b, ids->pdata[2], "description", "Neue Beschreibung (B)");
  g_usleep (2000);
  save_field (store_b, ids->pdata[2], "opening_hours", "Di 9-12 Uhr (B)");
  sp_local_store_delete (store_b, SP_ENTITY_SERVICE, ids->pdata[3], &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) fa = sp_test_service_fields ("Neu von A", 100);
    g_autoptr(JsonObject) fb = sp_test_service_fields ("Neu von B", 101);

    new_a = sp_local_store_save (store_a, SP_ENTITY_SERVICE, NULL, fa, &error);
    g_assert_no_error (error);
    new_b = sp_local_store_save (store_b, SP_ENTITY_SERVICE, NULL, fb, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (sp_local_store_outbox_count (store_a), ==, 3);
  g_assert_cmpuint (sp_local_store_outbox_count (store_b), >=, 4);

  /* both sync, twice */
  stats = sp_test_sync_ok (client_a);
  g_assert_cmpuint (stats.pushed, ==, 3);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  stats = sp_test_sync_ok (client_b);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  sp_test_sync_ok (client_a);
  sp_test_sync_ok (client_b);
  g_assert_cmpuint (sp_local_store_outbox_count (store_a), ==, 0);
  g_assert_cmpuint (sp_local_store_outbox_count (store_b), ==, 0);

  /* every edit survived on both sides */
  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? path_a : path_b;
      g_autofree char *deleted = NULL;
      g_autoptr(GPtrArray) rows = NULL;

      assert_field (path, ids->pdata[0], "fees", "25,00 EUR (A)");
      assert_field (path, ids->pdata[0], "office", "Bürgerbüro Lobeda (B)");
      assert_field (path, ids->pdata[0], "name", "Leistung-00000");
      assert_field (path, ids->pdata[1], "name", "Wohnung anmelden (A)");
      assert_field (path, ids->pdata[2], "description", "Neue Beschreibung (B)");
      assert_field (path, ids->pdata[2], "opening_hours", "Di 9-12 Uhr (B)");
      assert_field (path, new_a, "name", "Neu von A");
      assert_field (path, new_b, "name", "Neu von B");

      deleted = g_strdup_printf ("SELECT deleted FROM service WHERE id = '%s'",
                                 (const char *) ids->pdata[3]);
      rows = sp_test_query_strings (path, deleted);
      /* a tombstone, or the row is gone */
      if (rows->len > 0)
        g_assert_cmpstr (rows->pdata[0], ==, "1");

      g_assert_cmpuint (sp_test_count_rows (path, SP_ENTITY_SERVICE, FALSE), ==, 7);
      /* different fields never make a conflict record */
      g_assert_cmpuint (sp_test_count_rows (path, SP_ENTITY_CONFLICT, TRUE), ==, 0);
    }

  /* identical rows (all fields, hlc, version, tombstones) */
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_SERVICE, TRUE);
  g_assert_cmpstr (dump_a, ==, dump_b);

  /* and the server agrees: a new client pulling everything sees the same */
  fresh = sp_test_fresh_pull (server, server->base_url, "anna");
  g_assert_cmpuint (sp_test_count_rows (fresh, SP_ENTITY_SERVICE, FALSE), ==, 7);
  {
    g_autoptr(GPtrArray) a_rows = sp_test_query_strings (path_a,
        "SELECT id FROM service WHERE deleted = 0 ORDER BY id");
    g_autoptr(GPtrArray) s_rows = sp_test_query_strings (fresh,
        "SELECT id FROM service WHERE deleted = 0 ORDER BY id");

    g_assert_cmpuint (a_rows->len, ==, s_rows->len);
    for (guint i = 0; i < a_rows->len; i++)
      g_assert_cmpstr (a_rows->pdata[i], ==, s_rows->pdata[i]);
  }
  /* A snapshot pull may leave tombstones out; compare the live rows with
   * all their fields. */
  dump_server = sp_test_dump_entity (fresh, SP_ENTITY_SERVICE, TRUE);
  {
    g_auto(GStrv) lines_a = g_strsplit (dump_a, "\n", -1);
    g_auto(GStrv) lines_s = g_strsplit (dump_server, "\n", -1);
    g_autoptr(GString) live_a = g_string_new (NULL);
    g_autoptr(GString) live_s = g_string_new (NULL);

    for (guint i = 0; lines_a[i] != NULL; i++)
      if (is_live (lines_a[i]))
        g_string_append_printf (live_a, "%s\n", lines_a[i]);
    for (guint i = 0; lines_s[i] != NULL; i++)
      if (is_live (lines_s[i]))
        g_string_append_printf (live_s, "%s\n", lines_s[i]);
    g_assert_cmpstr (live_a->str, ==, live_s->str);
  }

  g_clear_object (&client_a);
  g_clear_object (&client_b);
  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/two-clients-converge", test_two_clients_converge);

  return g_test_run ();
}
