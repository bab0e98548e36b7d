/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-sync-roles"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-error.h"
#include "sp-test-server.h"

/* Roles refuse what they must: only editors (and admins) write services;
 * everyone signed in reads them; nobody without a valid token gets in. */

static char *
service_change_json (const char *name)
{
  g_autofree char *change_id = sp_uuid_new ();
  g_autofree char *id = sp_uuid_new ();
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:testnode",
                                          g_get_real_time () / 1000);

  return g_strdup_printf ("{\"changes\":[{\"change_id\":\"%s\",\"entity\":\"service\","
                          "\"id\":\"%s\",\"base_version\":0,\"hlc\":\"%s\",\"op\":\"upsert\","
                          "\"fields\":{\"name\":\"%s\",\"status\":\"published\"}}]}",
                          change_id, id, hlc, name);
}

static void
assert_error_body (const char *body,
                   const char *slug)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  node = json_from_string (body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "error"), ==, slug);
  g_assert_true (json_object_has_member (obj, "message"));
}

/* Pulls everything through the protocol as @token; returns the changes. */
static JsonArray *
raw_pull_all (const char *base_url,
              const char *token)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = g_strdup ("");

  for (;;)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s&limit=100", escaped);
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *obj;
      JsonArray *changes;
      guint status;

      status = sp_test_http (base_url, "GET", path, token, NULL, &body);
      g_assert_cmpuint (status, ==, 200);
      node = json_from_string (body, &error);
      g_assert_no_error (error);
      obj = json_node_get_object (node);
      changes = json_object_get_array_member (obj, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));

      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (obj, "cursor"));
      if (!json_object_get_boolean_member (obj, "more"))
        break;
    }

  return all;
}

static guint
count_entity (JsonArray  *changes,
              const char *entity)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      if (g_strcmp0 (json_object_get_string_member (c, "entity"), entity) == 0)
        n++;
    }

  return n;
}

static void
test_roles_refuse (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *path_ed = sp_test_server_path (server, "ed.db");
  g_autofree char *path_hr = sp_test_server_path (server, "hr.db");
  g_autofree char *tok_ed = NULL;
  g_autofree char *tok_kita = NULL;
  g_autofree char *tok_hr = NULL;
  g_autoptr(SpLocalStore) store_ed = NULL;
  g_autoptr(SpLocalStore) store_hr = NULL;
  g_autoptr(SpSyncClient) client_ed = NULL;
  g_autoptr(SpSyncClient) client_hr = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonArray) pulled = NULL;
  g_autofree char *body = NULL;
  SpSyncStats stats = { 0, };

  sp_test_server_add_user (server, "redaktion", "editor", "redaktion");
  sp_test_server_add_user (server, "personal", "hr", "personal");
  sp_test_server_add_user (server, "kita", "kita", "kita");
  sp_test_server_add_user (server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_start (server, FALSE);

  /* the editor publishes three services */
  store_ed = sp_local_store_open (path_ed, &error);
  g_assert_no_error (error);
  client_ed = sp_test_client_new (server, "ed.db", "redaktion");
  ids = sp_test_create_services (store_ed, "Elterngeld", 3);
  stats = sp_test_sync_ok (client_ed);
  g_assert_cmpuint (stats.pushed, ==, 3);

  tok_ed = sp_test_login_token (server->base_url, "redaktion", "redaktion");
  tok_kita = sp_test_login_token (server->base_url, "kita", "kita");
  tok_hr = sp_test_login_token (server->base_url, "personal", "personal");

  /* wrong password: 401 */
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/login", NULL,
                                  "{\"user\":\"kita\",\"password\":\"falsch\"}", &body),
                    ==, 401);
  assert_error_body (body, "unauthorized");
  g_clear_pointer (&body, g_free);

  /* no token / a made-up token: 401 on pull and push, nothing stored */
  {
    g_autofree char *change = service_change_json ("Ohne Anmeldung");

    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/sync?since=&limit=10",
                                    NULL, NULL, &body), ==, 401);
    assert_error_body (body, "unauthorized");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    NULL, change, &body), ==, 401);
    assert_error_body (body, "unauthorized");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    "bm90LWEtcmVhbC10b2tlbg", change, &body), ==, 401);
    assert_error_body (body, "unauthorized");
    g_clear_pointer (&body, g_free);
  }

  /* kita may not write services: 403, nothing stored */
  {
    g_autofree char *change = service_change_json ("Von der Kita");

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    tok_kita, change, &body), ==, 403);
    assert_error_body (body, "forbidden");
    g_clear_pointer (&body, g_free);
  }

  /* nor may hr */
  {
    g_autofree char *change = service_change_json ("Von der Personalabteilung");

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    tok_hr, change, &body), ==, 403);
    assert_error_body (body, "forbidden");
    g_clear_pointer (&body, g_free);
  }

  /* nor conflict records of services (scope from the row's entity) */
  {
    g_autofree char *change_id = sp_uuid_new ();
    g_autofree char *id = sp_uuid_new ();
    g_autofree char *json = g_strdup_printf (
        "{\"changes\":[{\"change_id\":\"%s\",\"entity\":\"conflict\",\"id\":\"%s\","
        "\"base_version\":0,\"hlc\":\"%015" G_GINT64_FORMAT ":0000:testnode\",\"op\":\"upsert\","
        "\"fields\":{\"entity\":\"service\",\"row_id\":\"%s\",\"field\":\"name\","
        "\"lost_value\":\"\\\"x\\\"\",\"resolved\":true}}]}",
        change_id, id, g_get_real_time () / 1000, (const char *) ids->pdata[0]);

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    tok_kita, json, &body), ==, 403);
    assert_error_body (body, "forbidden");
    g_clear_pointer (&body, g_free);
  }

  /* hr reads services (everyone is staff) but cannot write them, also not
   * through the desktop client */
  store_hr = sp_local_store_open (path_hr, &error);
  g_assert_no_error (error);
  client_hr = sp_test_client_new (server, "hr.db", "personal");
  stats = (SpSyncStats) { 0, };
  sp_sync_client_pull (client_hr, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_test_count_rows (path_hr, SP_ENTITY_SERVICE, FALSE), ==, 3);
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autofree char *saved = NULL;

    json_object_set_string_member (fields, "name", "Von HR geändert");
    saved = sp_local_store_save (store_hr, SP_ENTITY_SERVICE, ids->pdata[0], fields, &error);
    g_assert_no_error (error);
  }
  g_assert_false (sp_sync_client_sync (client_hr, NULL, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* the refused change stays in the outbox: it is not silently dropped */
  g_assert_cmpuint (sp_local_store_outbox_count (store_hr), ==, 1);

  /* the editor sees none of it */
  sp_test_sync_ok (client_ed);
  {
    g_autofree char *fresh = sp_test_fresh_pull (server, server->base_url, "redaktion");
    g_autofree char *name = sp_test_get_field_json (fresh, SP_ENTITY_SERVICE,
                                                    ids->pdata[0], "name");
    g_assert_cmpuint (sp_test_count_rows (fresh, SP_ENTITY_SERVICE, TRUE), ==, 3);
    g_assert_cmpuint (sp_test_count_rows (fresh, SP_ENTITY_CONFLICT, TRUE), ==, 0);
    g_assert_cmpstr (name, ==, "\"Elterngeld-00000\"");
  }

  /* the editor can push the same kind of change */
  {
    g_autofree char *change = service_change_json ("Von der Redaktion");

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync",
                                    tok_ed, change, &body), ==, 200);
    g_assert_nonnull (strstr (body, "\"applied\""));
    g_clear_pointer (&body, g_free);
  }

  /* what each role pulls is exactly what it may read */
  {
    const char *users[] = { "personal", "kita", "mitarbeiter", "redaktion" };
    const char *roles[][3] = { { "hr", "staff", NULL }, { "kita", "staff", NULL },
                               { "staff", NULL, NULL }, { "editor", "staff", NULL } };

    for (guint u = 0; u < G_N_ELEMENTS (users); u++)
      {
        g_autofree char *tok = sp_test_login_token (server->base_url, users[u], users[u]);
        g_autoptr(JsonArray) changes = raw_pull_all (server->base_url, tok);

        g_assert_cmpuint (count_entity (changes, SP_ENTITY_SERVICE), ==, 4);
        for (guint i = 0; i < json_array_get_length (changes); i++)
          {
            JsonObject *c = json_array_get_object_element (changes, i);
            const SpEntity *entity = sp_entity_lookup (json_object_get_string_member (c, "entity"));
            const SpEntity *scope;

            g_assert_nonnull (entity);
            scope = sp_entity_scope_for_row (entity, json_object_get_object_member (c, "fields"));
            g_assert_nonnull (scope);
            g_assert_true (sp_entity_can_read (scope, roles[u]));
          }
      }
  }

  /* only 4 services and no conflict records exist: the refused pushes
   * left no trace */
  pulled = raw_pull_all (server->base_url, tok_ed);
  g_assert_cmpuint (count_entity (pulled, SP_ENTITY_SERVICE), ==, 4);
  g_assert_cmpuint (count_entity (pulled, SP_ENTITY_CONFLICT), ==, 0);

  g_clear_object (&client_ed);
  g_clear_object (&client_hr);
  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/integration/sync/roles-refuse", test_roles_refuse);

  return g_test_run ();
}
