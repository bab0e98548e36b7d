/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-server-sync-http"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-test-server.h"

#include "sp-change.h"

/* GET/POST /api/v1/sync over HTTP against the real server binary: the
 * contract's shapes, refusals that store nothing, paging and cursors. */

static SpTestServer *server;
static char *admin_token;
static char *editor_token;
static char *staff_token;

#define T0 G_GINT64_CONSTANT (1700000000000)

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = sp_json_parse (text, -1, &error);

  g_assert_no_error (error);
  return node;
}

static char *
change_json (const char *change_id,
             const char *id,
             gint64      base_version,
             gint64      ms,
             const char *node,
             const char *fields)
{
  return g_strdup_printf ("{\"change_id\":\"%s\",\"entity\":\"service\",\"id\":\"%s\","
                          "\"base_version\":%" G_GINT64_FORMAT ",\"hlc\":\"%015" G_GINT64_FORMAT ":0000:%s\","
                          "\"op\":\"upsert\",\"fields\":%s}",
                          change_id, id, base_version, ms, node, fields);
}

/* Pulls everything visible to @token; returns the final cursor. */
static char *
pull_all (const char  *token,
          const char  *since,
          guint        limit,
          GHashTable  *rows,     /* id -> JSON text of fields, optional */
          guint       *n_pages,
          guint       *n_changes)
{
  g_autofree char *cursor = g_strdup (since);
  gboolean more = TRUE;

  *n_pages = 0;
  *n_changes = 0;
  while (more)
    {
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *obj;
      JsonArray *changes;
      guint status;

      path = g_strdup_printf ("/api/v1/sync?limit=%u%s%s", limit,
                              escaped ? "&since=" : "", escaped ? escaped : "");
      status = sp_test_http (server->base_url, "GET", path, token, NULL, &body);
      g_assert_cmpuint (status, ==, 200);
      root = parse (body);
      obj = json_node_get_object (root);
      g_assert_true (json_object_has_member (obj, "cursor"));
      g_assert_true (json_object_has_member (obj, "more"));
      changes = json_object_get_array_member (obj, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);

      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(SpChange) change = sp_change_from_json (json_array_get_element (changes, i),
                                                            TRUE, &error);

          /* Every pulled change is a valid change with a version. */
          g_assert_no_error (error);
          g_assert_cmpint (change->version, >, 0);
          if (rows != NULL && strcmp (change->entity, "service") == 0)
            {
              g_autoptr(JsonNode) fields = json_node_new (JSON_NODE_OBJECT);

              json_node_set_object (fields, change->fields);
              g_hash_table_replace (rows, g_strdup (change->id),
                                    change->op == SP_OP_DELETE ? g_strdup ("deleted")
                                                               : sp_json_to_string (fields, NULL));
            }
        }

      (*n_pages)++;
      *n_changes += json_array_get_length (changes);
      more = json_object_get_boolean_member (obj, "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (obj, "cursor"));
    }

  return g_steal_pointer (&cursor);
}

static void
test_push_pull_contract (void)
{
  g_autofree char *c1 = change_json ("http-c1", "http-svc-1", 0, T0, "alice",
                                     "{\"name\":\"Hundesteuer anmelden\",\"documents\":[\"Ausweis\"],\"status\":\"published\"}");
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", c1);
  g_autofree char *resp = NULL;
  g_autofree char *resp2 = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) root2 = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObject *result;
  guint pages, n;
  gint64 version;

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, body, &resp), ==, 200);
  root = parse (resp);
  g_assert_true (json_object_has_member (json_node_get_object (root), "cursor"));
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "change_id"), ==, "http-c1");
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  version = json_object_get_int_member (result, "version");
  g_assert_cmpint (version, >, 0);

  /* Sent again (the answer was lost): duplicate with the same version. */
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, body, &resp2), ==, 200);
  root2 = parse (resp2);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root2), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "duplicate");
  g_assert_cmpint (json_object_get_int_member (result, "version"), ==, version);

  /* Every staff member sees it. */
  cursor = pull_all (staff_token, NULL, 1000, rows, &pages, &n);
  g_assert_true (g_hash_table_contains (rows, "http-svc-1"));
  g_assert_nonnull (strstr (g_hash_table_lookup (rows, "http-svc-1"), "Hundesteuer anmelden"));
  g_assert_nonnull (strstr (g_hash_table_lookup (rows, "http-svc-1"), "[\"Ausweis\"]"));
}

static void
test_paging_and_incremental (void)
{
  g_autoptr(GString) body = g_string_new ("{\"changes\":[");
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) rows2 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *resp = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;
  guint pages, n, before;

  /* Everything there is, then 30 new rows in one push. */
  g_free (pull_all (staff_token, NULL, 10000, rows, &pages, &before));
  g_hash_table_remove_all (rows);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *cid = g_strdup_printf ("page-c%u", i);
      g_autofree char *id = g_strdup_printf ("page-row-%02u", i);
      g_autofree char *fields = g_strdup_printf ("{\"name\":\"Leistung %u\"}", i);
      g_autofree char *c = change_json (cid, id, 0, T0 + i, "pager", fields);

      g_string_append_printf (body, "%s%s", i ? "," : "", c);
    }
  g_string_append (body, "]}");
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, body->str, &resp), ==, 200);

  /* A new client in pages of 7: every row once, in 5 pages. */
  cursor = pull_all (staff_token, NULL, 7, rows, &pages, &n);
  g_assert_cmpuint (n, ==, before + 30);
  g_assert_cmpuint (pages, ==, (before + 30 + 6) / 7);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("page-row-%02u", i);
      g_assert_true (g_hash_table_contains (rows, id));
    }

  /* Edit 2 rows; the next pull brings just those. */
  {
    g_autofree char *a = change_json ("page-e1", "page-row-03", 0, T0 + 100, "pager", "{\"fees\":\"5 Euro\"}");
    g_autofree char *b = change_json ("page-e2", "page-row-04", 0, T0 + 101, "pager", "{\"fees\":\"6 Euro\"}");
    g_autofree char *edit = g_strdup_printf ("{\"changes\":[%s,%s]}", a, b);
    g_autofree char *resp3 = NULL;

    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, edit, &resp3), ==, 200);
  }
  cursor2 = pull_all (staff_token, cursor, 100, rows2, &pages, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_nonnull (strstr (g_hash_table_lookup (rows2, "page-row-03"), "5 Euro"));
  g_assert_nonnull (strstr (g_hash_table_lookup (rows2, "page-row-03"), "Leistung 3"));
}

static void
test_conflict_over_http (void)
{
  g_autofree char *c0 = change_json ("cf-0", "cf-row", 0, T0, "alice", "{\"name\":\"Anfang\"}");
  g_autofree char *c1 = change_json ("cf-1", "cf-row", 0, T0 + 10, "bob", "{\"name\":\"Bob\"}");
  g_autofree char *b0 = g_strdup_printf ("{\"changes\":[%s]}", c0);
  g_autofree char *resp0 = NULL;
  g_autofree char *resp1 = NULL;
  g_autoptr(JsonNode) r0 = NULL;
  g_autoptr(JsonNode) r1 = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *pulled = NULL;
  JsonObject *result;

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, b0, &resp0), ==, 200);
  r0 = parse (resp0);
  {
    /* Bob edited from an older base (0) than Alice's creation. */
    g_autofree char *b1 = g_strdup_printf ("{\"changes\":[%s]}", c1);
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, b1, &resp1), ==, 200);
  }
  r1 = parse (resp1);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (r1), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "conflict");

  /* The conflict record reaches clients with both values. */
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/sync?limit=10000", staff_token, NULL, &pulled), ==, 200);
  g_assert_nonnull (strstr (pulled, "\"entity\":\"conflict\""));
  g_assert_nonnull (strstr (pulled, "\"row_id\":\"cf-row\""));
  g_assert_nonnull (strstr (pulled, "\\\"Anfang\\\""));
  g_assert_nonnull (strstr (pulled, "\\\"Bob\\\""));
}

/* Bad requests get a 4xx JSON error and store nothing. */
static void
test_refusals_store_nothing (void)
{
  g_autofree char *good = change_json ("bad-good", "bad-row", 0, T0, "x", "{\"name\":\"gut\"}");
  g_autofree char *bad_type = change_json ("bad-type", "bad-row2", 0, T0, "x", "{\"name\":42}");
  g_autofree char *unknown = change_json ("bad-field", "bad-row3", 0, T0, "x", "{\"colour\":\"rot\"}");
  struct {
    const char *token;
    char       *body;
    guint       status;
    const char *slug;
    const char *needle;
  } cases[] = {
    { NULL, g_strdup_printf ("{\"changes\":[%s]}", good), 401, "unauthorized", NULL },
    { "nope", g_strdup_printf ("{\"changes\":[%s]}", good), 401, "unauthorized", NULL },
    { staff_token, g_strdup_printf ("{\"changes\":[%s]}", good), 403, "forbidden", NULL },
    { editor_token, g_strdup ("[1,2]"), 400, "invalid_request", NULL },
    { editor_token, g_strdup ("{\"changes\":"), 400, "invalid_request", NULL },
    { editor_token, g_strdup ("{}"), 400, "invalid_request", "changes" },
    { editor_token, g_strdup ("{\"changes\":{}}"), 400, "invalid_request", "changes" },
    { editor_token, g_strdup_printf ("{\"changes\":[%s,%s]}", good, bad_type), 400, "invalid_request", "changes[1]" },
    { editor_token, g_strdup_printf ("{\"changes\":[%s,%s]}", good, unknown), 400, "unknown_field", "changes[1]" },
    { editor_token, g_strdup_printf ("{\"changes\":[%s,{\"change_id\":\"x\",\"entity\":\"spaceship\",\"id\":\"a\","
                                     "\"base_version\":0,\"hlc\":\"001700000000000:0000:x\",\"op\":\"upsert\",\"fields\":{}}]}", good),
      400, "unknown_entity", "changes[1]" },
    { editor_token, g_strdup_printf ("{\"changes\":[%s,7]}", good), 400, "invalid_request", "changes[1]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *resp = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *obj;
      guint status;

      status = sp_test_http (server->base_url, "POST", "/api/v1/sync", cases[i].token, cases[i].body, &resp);
      g_test_message ("case %u: %u %s", i, status, resp);
      g_assert_cmpuint (status, ==, cases[i].status);
      root = parse (resp);
      obj = json_node_get_object (root);
      g_assert_cmpstr (json_object_get_string_member (obj, "error"), ==, cases[i].slug);
      g_assert_true (json_object_has_member (obj, "message"));
      if (cases[i].needle)
        g_assert_nonnull (strstr (json_object_get_string_member (obj, "message"), cases[i].needle));
      g_free (cases[i].body);
    }

  /* None of the "good" change above was stored by any refused request. */
  {
    g_autofree char *all = NULL;

    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/sync?limit=10000", admin_token, NULL, &all), ==, 200);
    g_assert_null (strstr (all, "\"bad-row\""));
  }

  /* More than 10 000 changes in one request. */
  {
    g_autoptr(GString) big = g_string_new ("{\"changes\":[");
    g_autofree char *resp = NULL;

    for (guint i = 0; i < 10001; i++)
      {
        g_autofree char *cid = g_strdup_printf ("big-%u", i);
        g_autofree char *c = change_json (cid, cid, 0, T0, "x", "{}");
        g_string_append_printf (big, "%s%s", i ? "," : "", c);
      }
    g_string_append (big, "]}");
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, big->str, &resp), ==, 400);
    g_assert_nonnull (strstr (resp, "10000"));
  }
}

/* The push body reader: escapes, list fields given as lines, members it
 * does not know, and malformed documents. */
static void
test_body_reader (void)
{
  const char *ok_body =
    "  {\"client\":{\"name\":\"x\",\"v\":[1,2.5e3,-0,true,false,null]},\n"
    "   \"changes\":[{\"extra\":[{}],\"change_id\":\"rd-1\",\"entity\":\"service\",\"id\":\"rd-row\","
    "\"base_version\":0,\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\","
    "\"fields\":{\"name\":\"A\\u00e4\\ud83d\\ude00\\t\\\"q\\\"\\\\ \\/\",\"name\":\"Zweimal \\u00fc \\ud83d\\ude00\\n\\\"q\\\"\\\\\","
    "\"documents\":\"Ausweis\\n\\n  Meldebescheinigung  \\n\",\"fees\":null}}\r\n]}  ";
  g_autofree char *resp = NULL;
  g_autofree char *all = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *changes;
  gboolean found = FALSE;
  const char *bad[] = {
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":1.5,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\",\"fields\":{}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":-1,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\",\"fields\":{}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\",\"fields\":{\"name\":\"\\ud83d\"}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\",\"fields\":{\"name\":\"a\\u0000b\"}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"bad\",\"op\":\"upsert\",\"fields\":{}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"merge\",\"fields\":{}}]}",
    "{\"changes\":[{\"change_id\":\"rd 2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\",\"fields\":{}}]}",
    "{\"changes\":[{\"change_id\":\"rd-2\",\"entity\":\"service\",\"id\":\"r\",\"base_version\":0,"
      "\"hlc\":\"001700000000000:0000:rd\",\"op\":\"upsert\"}]}",
    "{\"changes\":[]} x",
    "{\"changes\":[],}",
    "{\"changes\":[1,]}",
    "{'changes':[]}",
    "{\"changes\":[\"\x01\"]}",
    "{\"changes\":[tru]}",
    "{\"changes\":[01]}",
    "",
    "   ",
    NULL,
  };
  g_autoptr(GString) deep = g_string_new ("{\"changes\":[], \"x\":");

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, ok_body, &resp), ==, 200);
  g_assert_nonnull (strstr (resp, "\"applied\""));

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/sync?limit=10000", staff_token, NULL, &all), ==, 200);
  root = parse (all);
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      JsonObject *fields = json_object_get_object_member (c, "fields");
      JsonArray *docs;

      if (g_strcmp0 (json_object_get_string_member (c, "id"), "rd-row") != 0)
        continue;
      found = TRUE;
      /* The later of two equal member names counts, as in json-glib. */
      g_assert_cmpstr (json_object_get_string_member (fields, "name"), ==,
                       "Zweimal \xc3\xbc \xf0\x9f\x98\x80\n\"q\"\\");
      docs = json_object_get_array_member (fields, "documents");
      g_assert_cmpuint (json_array_get_length (docs), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (docs, 0), ==, "Ausweis");
      g_assert_cmpstr (json_array_get_string_element (docs, 1), ==, "Meldebescheinigung");
    }
  g_assert_true (found);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autofree char *r = NULL;
      guint status = sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, bad[i], &r);
      g_autoptr(JsonNode) err = NULL;

      g_test_message ("bad %u: %u %s", i, status, r);
      g_assert_cmpuint (status, ==, 400);
      err = parse (r);
      g_assert_true (json_object_has_member (json_node_get_object (err), "error"));
    }

  /* Deep nesting is refused, not a crash. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autofree char *r = NULL;
    g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, deep->str, &r), ==, 400);
  }
  {
    g_autofree char *r = NULL;
    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/healthz", NULL, NULL, &r), ==, 200);
  }
}

static void
test_pull_errors (void)
{
  struct {
    const char *method;
    const char *path;
    const char *token;
    guint       status;
  } cases[] = {
    { "GET", "/api/v1/sync", NULL, 401 },
    { "GET", "/api/v1/sync?since=garbage", "staff", 400 },
    { "GET", "/api/v1/sync?since=v1.abc", "staff", 400 },
    { "GET", "/api/v1/sync?limit=abc", "staff", 400 },
    { "GET", "/api/v1/sync?limit=0", "staff", 400 },
    { "GET", "/api/v1/sync?limit=-3", "staff", 400 },
    { "PUT", "/api/v1/sync", "staff", 405 },
    { "DELETE", "/api/v1/sync", "staff", 405 },
    { "GET", "/api/v1/sync?limit=99999999", "staff", 200 },
    { "GET", "/api/v1/sync?since=", "staff", 200 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *resp = NULL;
      g_autoptr(JsonNode) root = NULL;
      const char *token = cases[i].token ? staff_token : NULL;
      guint status = sp_test_http (server->base_url, cases[i].method, cases[i].path, token, NULL, &resp);

      g_test_message ("%s %s: %u %s", cases[i].method, cases[i].path, status, resp);
      g_assert_cmpuint (status, ==, cases[i].status);
      root = parse (resp);
      if (status != 200)
        g_assert_true (json_object_has_member (json_node_get_object (root), "error"));
      else
        g_assert_true (json_object_has_member (json_node_get_object (root), "changes"));
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = sp_test_server_new ();
  sp_test_server_add_user (server, "chef", "admin", "chef");
  sp_test_server_add_user (server, "redakteur", "editor", "redakteur");
  sp_test_server_add_user (server, "kollege", "staff", "kollege");
  sp_test_server_start (server, FALSE);
  admin_token = sp_test_login_token (server->base_url, "chef", "chef");
  editor_token = sp_test_login_token (server->base_url, "redakteur", "redakteur");
  staff_token = sp_test_login_token (server->base_url, "kollege", "kollege");

  g_test_add_func ("/server-sync/http/push-pull", test_push_pull_contract);
  g_test_add_func ("/server-sync/http/paging", test_paging_and_incremental);
  g_test_add_func ("/server-sync/http/conflict", test_conflict_over_http);
  g_test_add_func ("/server-sync/http/refusals", test_refusals_store_nothing);
  g_test_add_func ("/server-sync/http/body-reader", test_body_reader);
  g_test_add_func ("/server-sync/http/pull-errors", test_pull_errors);

  ret = g_test_run ();

  g_free (admin_token);
  g_free (editor_token);
  g_free (staff_token);
  sp_test_server_free (server);
  return ret;
}
