/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-conflict"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-test-server.h"

/* Two editors change the same field of the same service offline. The later
 * edit (by HLC) wins everywhere, the earlier one is kept as a conflict
 * record on both desktops, and restoring it brings it back everywhere. */

static void
save_name (SpLocalStore *store,
           const char   *id,
           const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *saved = NULL;

  json_object_set_string_member (fields, "name", name);
  saved = sp_local_store_save (store, SP_ENTITY_SERVICE, id, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, id);
}

static char *
name_of (const char *db_path,
         const char *id)
{
  return sp_test_get_field_json (db_path, SP_ENTITY_SERVICE, id, "name");
}

/* The conflict rows for (service, @id, name) in a client db. */
static GPtrArray *
conflicts_for (const char *db_path,
               const char *id)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT id FROM conflict WHERE entity = 'service' AND row_id = '%s'"
      " AND field = 'name' AND deleted = 0 ORDER BY id", id);

  return sp_test_query_strings (db_path, sql);
}

/* lost_value/kept_value hold JSON text; compare the decoded string. */
static void
assert_json_text_is_string (const char *json_text,
                            const char *expected)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (json_text);
  node = json_from_string (json_text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

static void
assert_conflict (const char *db_path,
                 const char *conflict_id,
                 const char *lost,
                 const char *kept,
                 gboolean    resolved)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = sp_local_store_open (db_path, &error);
  g_autoptr(SpDbRow) row = NULL;
  JsonObject *f;

  g_assert_no_error (error);
  row = sp_local_store_get (store, SP_ENTITY_CONFLICT, conflict_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  f = row->fields;

  g_assert_cmpstr (json_object_get_string_member (f, "entity"), ==, "service");
  g_assert_cmpstr (json_object_get_string_member (f, "field"), ==, "name");
  assert_json_text_is_string (json_object_get_string_member (f, "lost_value"), lost);
  assert_json_text_is_string (json_object_get_string_member (f, "kept_value"), kept);
  g_assert_true (sp_hlc_is_valid (json_object_get_string_member (f, "lost_hlc")));
  g_assert_true (sp_hlc_is_valid (json_object_get_string_member (f, "kept_hlc")));
  g_assert_cmpint (sp_hlc_compare (json_object_get_string_member (f, "lost_hlc"),
                                   json_object_get_string_member (f, "kept_hlc")), <, 0);
  g_assert_cmpint (json_object_get_boolean_member (f, "resolved") ? 1 : 0, ==, resolved ? 1 : 0);
}

static void
test_conflict_kept_and_restorable (void)
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
  g_autoptr(GPtrArray) conf_a = NULL;
  g_autoptr(GPtrArray) conf_b = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;
  g_autofree char *fresh = NULL;
  const char *id;
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

  ids = sp_test_create_services (store_a, "Personalausweis beantragen", 2);
  id = ids->pdata[0];
  sp_test_sync_ok (client_a);
  sp_test_sync_ok (client_b);
  {
    g_autofree char *name = name_of (path_b, id);
    g_assert_cmpstr (name, ==, "\"Personalausweis beantragen-00000\"");
  }

  /* offline: A first, B a little later (later HLC) */
  save_name (store_a, id, "Name von A");
  g_usleep (20 * 1000);
  save_name (store_b, id, "Name von B");

  stats = sp_test_sync_ok (client_a);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  stats = sp_test_sync_ok (client_b);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  sp_test_sync_ok (client_a);

  /* B's later value wins everywhere */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = name_of (i == 0 ? path_a : path_b, id);
      g_assert_cmpstr (name, ==, "\"Name von B\"");
    }
  fresh = sp_test_fresh_pull (server, server->base_url, "anna");
  {
    g_autofree char *name = name_of (fresh, id);
    g_assert_cmpstr (name, ==, "\"Name von B\"");
  }

  /* ... and A's value is kept in one conflict record on both clients */
  conf_a = conflicts_for (path_a, id);
  conf_b = conflicts_for (path_b, id);
  g_assert_cmpuint (conf_a->len, ==, 1);
  g_assert_cmpuint (conf_b->len, ==, 1);
  g_assert_cmpstr (conf_a->pdata[0], ==, conf_b->pdata[0]);
  assert_conflict (path_a, conf_a->pdata[0], "Name von A", "Name von B", FALSE);
  assert_conflict (path_b, conf_b->pdata[0], "Name von A", "Name von B", FALSE);
  /* the other service was not touched */
  {
    g_autoptr(GPtrArray) other = conflicts_for (path_a, ids->pdata[1]);
    g_assert_cmpuint (other->len, ==, 0);
  }

  /* restore on A, the way the desktop does: save the row with the lost
   * value and mark the conflict resolved */
  save_name (store_a, id, "Name von A");
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autofree char *saved = NULL;

    json_object_set_boolean_member (fields, "resolved", TRUE);
    saved = sp_local_store_save (store_a, SP_ENTITY_CONFLICT, conf_a->pdata[0],
                                 fields, &error);
    g_assert_no_error (error);
  }
  stats = sp_test_sync_ok (client_a);
  g_assert_cmpuint (stats.pushed, ==, 2);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  sp_test_sync_ok (client_b);

  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? path_a : path_b;
      g_autofree char *name = name_of (path, id);
      g_autoptr(GPtrArray) open_conflicts = sp_test_query_strings (path,
          "SELECT id FROM conflict WHERE resolved = 0 AND deleted = 0");

      g_assert_cmpstr (name, ==, "\"Name von A\"");
      assert_conflict (path, conf_a->pdata[0], "Name von A", "Name von B", TRUE);
      g_assert_cmpuint (open_conflicts->len, ==, 0);
    }

  g_clear_pointer (&fresh, g_free);
  fresh = sp_test_fresh_pull (server, server->base_url, "bernd");
  {
    g_autofree char *name = name_of (fresh, id);
    g_assert_cmpstr (name, ==, "\"Name von A\"");
    assert_conflict (fresh, conf_a->pdata[0], "Name von A", "Name von B", TRUE);
  }

  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_SERVICE, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_SERVICE, TRUE);
  g_assert_cmpstr (dump_a, ==, dump_b);
  g_clear_pointer (&dump_a, g_free);
  g_clear_pointer (&dump_b, g_free);
  dump_a = sp_test_dump_entity (path_a, SP_ENTITY_CONFLICT, TRUE);
  dump_b = sp_test_dump_entity (path_b, SP_ENTITY_CONFLICT, TRUE);
  g_assert_cmpstr (dump_a, ==, dump_b);

  g_clear_object (&client_a);
  g_clear_object (&client_b);
  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/conflict-kept-and-restorable",
                   test_conflict_kept_and_restorable);

  return g_test_run ();
}
