/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-training-api"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-test-server.h"

/* The training catalogue: present in a fresh database (with the IT staff's
 * mobile-app track), synced to desktops, and anonymous planned/done
 * counters that only trainers read. */

static gint64
demand_of (JsonNode   *demand,
           const char *item,
           const char *state)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (demand), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (o, "item"), item) == 0)
        return json_object_get_int_member (o, state);
    }
  return 0;
}

static guint
post_demand (SpTestServer *server,
             const char   *token,
             const char   *item,
             const char   *state,
             int           delta)
{
  g_autofree char *json = g_strdup_printf ("{\"item\":\"%s\",\"state\":\"%s\",\"delta\":%d}",
                                           item, state, delta);

  return sp_test_http (server->base_url, "POST", "/api/v1/training/demand", token, json, NULL);
}

static JsonNode *
get_demand (SpTestServer *server,
            const char   *token)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/training/demand", token, NULL, &body), ==, 200);
  return json_from_string (body, NULL);
}

static void
test_training (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *staff = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) items = NULL;
  g_autoptr(JsonNode) demand = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pwa = NULL;
  guint mobile = 0;

  sp_test_server_add_user (server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_add_user (server, "schulung", "trainer", "schulung");
  sp_test_server_start (server, FALSE);
  staff = sp_test_login_token (server->base_url, "mitarbeiter", "mitarbeiter");
  trainer = sp_test_login_token (server->base_url, "schulung", "schulung");

  /* the catalogue, without --demo */
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/training", staff, NULL, &body), ==, 200);
  items = json_from_string (body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (items));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonObject *o = json_array_get_object_element (json_node_get_array (items), i);
      const char *kind = json_object_get_string_member (o, "kind");

      g_assert_true (g_str_equal (kind, "literature") || g_str_equal (kind, "course") ||
                     g_str_equal (kind, "tutorial") || g_str_equal (kind, "elearning"));
      g_assert_true (json_object_has_member (o, "competences"));
      if (g_strcmp0 (json_object_get_string_member (o, "track"), "mobile-app") == 0)
        {
          mobile++;
          if (pwa == NULL)
            pwa = g_strdup (json_object_get_string_member (o, "id"));
        }
    }
  g_assert_cmpuint (mobile, >=, 5);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/training", NULL, NULL, NULL), ==, 401);

  /* it reaches desktops by sync */
  {
    g_autofree char *db = sp_test_fresh_pull (server, server->base_url, "mitarbeiter");
    g_assert_cmpuint (sp_test_count_rows (db, "training_item", FALSE), ==,
                      json_array_get_length (json_node_get_array (items)));
  }

  /* anonymous counters */
  g_assert_cmpuint (post_demand (server, staff, pwa, "planned", 1), ==, 200);
  g_assert_cmpuint (post_demand (server, staff, pwa, "planned", 1), ==, 200);
  g_assert_cmpuint (post_demand (server, trainer, pwa, "planned", 1), ==, 200);
  g_assert_cmpuint (post_demand (server, staff, pwa, "planned", -1), ==, 200);
  g_assert_cmpuint (post_demand (server, staff, pwa, "done", 1), ==, 200);
  demand = get_demand (server, trainer);
  g_assert_cmpint (demand_of (demand, pwa, "planned"), ==, 2);
  g_assert_cmpint (demand_of (demand, pwa, "done"), ==, 1);

  /* never below zero */
  g_assert_cmpuint (post_demand (server, staff, pwa, "done", -1), ==, 200);
  g_assert_cmpuint (post_demand (server, staff, pwa, "done", -1), ==, 200);
  g_clear_pointer (&demand, json_node_unref);
  demand = get_demand (server, trainer);
  g_assert_cmpint (demand_of (demand, pwa, "done"), ==, 0);
  g_assert_cmpint (demand_of (demand, pwa, "planned"), ==, 2);

  /* bad input: 400, nothing counted */
  g_assert_cmpuint (post_demand (server, staff, "no.such.item", "planned", 1), ==, 400);
  g_assert_cmpuint (post_demand (server, staff, pwa, "maybe", 1), ==, 400);
  g_assert_cmpuint (post_demand (server, staff, pwa, "planned", 2), ==, 400);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/training/demand", staff,
                                  "{\"item\":1}", NULL), ==, 400);
  g_assert_cmpuint (post_demand (server, NULL, pwa, "planned", 1), ==, 401);
  g_clear_pointer (&demand, json_node_unref);
  demand = get_demand (server, trainer);
  g_assert_cmpint (demand_of (demand, pwa, "planned"), ==, 2);
  g_assert_cmpint (demand_of (demand, "no.such.item", "planned"), ==, 0);

  /* only trainers read the demand */
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/training/demand", staff, NULL, &body), ==, 403);
  g_assert_nonnull (strstr (body, "\"forbidden\""));

  /* trainers write the catalogue, staff may not */
  {
    g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:testnode", g_get_real_time () / 1000);
    g_autofree char *change = g_strdup_printf ("{\"changes\":[{\"change_id\":\"tr-1\",\"entity\":\"training_item\","
                                               "\"id\":\"training.neu\",\"base_version\":0,\"hlc\":\"%s\",\"op\":\"upsert\","
                                               "\"fields\":{\"title\":\"Neu\",\"kind\":\"tutorial\"}}]}", hlc);

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", staff, change, NULL), ==, 403);
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", trainer, change, NULL), ==, 200);
  }

  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/training/api/catalogue-and-demand", test_training);

  return g_test_run ();
}
