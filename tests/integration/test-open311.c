/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-open311"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-feedback.h"
#include "sp-test-feedback.h"
#include "sp-test-server.h"

/* Open311 GeoReport v2 like an existing Open311 app uses it: discovery,
 * the service list with the consent attribute, a form-urlencoded report
 * that editors get by sync, its status and the city's reply once staff
 * have answered, the list filters, spam that disappears, errors in the
 * Open311 shape, and nothing of the citizen's description or contact
 * data published. */

#define FORM "application/x-www-form-urlencoded"

typedef struct {
  SpTestServer *server;
  char         *editor;
  char         *service;
  char         *draft;
} Fixture;

static Fixture fx;

/* @method @path from a citizen at @from; asserts @status and that the
 * answer is JSON; returns it. */
static JsonNode *
call (const char *from,
      const char *method,
      const char *path,
      const char *content_type,
      const char *body,
      guint       status)
{
  SpTestResponse r = { 0 };
  JsonNode *node;

  sp_test_citizen_request (fx.server->base_url, from, method, path, NULL, content_type, body, NULL, &r);
  if (r.status != status)
    g_error ("%s %s: expected %u, got %u: %s", method, path, status, r.status, r.body);
  g_assert_cmpstr (r.content_type, ==, "application/json");
  g_assert_cmpstr (r.allow_origin, ==, "*");
  node = sp_test_parse_json (r.body);
  sp_test_response_clear (&r);
  return node;
}

/* Asserts an Open311 error [{"code":@status,"description":..}] mentioning
 * @word. */
static void
assert_open311_error (JsonNode   *node,
                      guint       status,
                      const char *word)
{
  JsonObject *error;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  error = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, status);
  if (strstr (json_object_get_string_member (error, "description"), word) == NULL)
    g_error ("expected “%s” in %s", word, json_object_get_string_member (error, "description"));
}

/* POSTs a report (form fields) and returns its service_request_id. */
static char *
report (const char *from,
        const char *form)
{
  g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", FORM, form, 201);
  JsonObject *answer;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  answer = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_true (json_object_get_null_member (answer, "account_id"));
  g_assert_nonnull (strstr (json_object_get_string_member (answer, "service_notice"),
                            json_object_get_string_member (answer, "service_request_id")));
  return g_strdup (json_object_get_string_member (answer, "service_request_id"));
}

static JsonObject *
request_of (const char *ticket,
            guint       status)
{
  g_autofree char *path = g_strdup_printf ("/open311/v2/requests/%s.json", ticket);
  g_autoptr(JsonNode) node = call ("127.0.0.2", "GET", path, NULL, NULL, status);

  if (status != 200)
    {
      assert_open311_error (node, status, "service_request_id");
      return NULL;
    }
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  return json_object_ref (json_array_get_object_element (json_node_get_array (node), 0));
}

static gboolean
list_has (JsonNode   *list,
          const char *ticket)
{
  JsonArray *array = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i),
                                                  "service_request_id"), ticket) == 0)
      return TRUE;
  return FALSE;
}

static void
test_discovery_and_services (void)
{
  g_autoptr(JsonNode) discovery = call ("127.0.0.2", "GET", "/open311/v2/discovery.json", NULL, NULL, 200);
  g_autoptr(JsonNode) services = call ("127.0.0.2", "GET", "/open311/v2/services.json", NULL, NULL, 200);
  g_autoptr(JsonNode) general = call ("127.0.0.2", "GET", "/open311/v2/services/general.json", NULL, NULL, 200);
  g_autofree char *definition_path = g_strdup_printf ("/open311/v2/services/%s.json", fx.service);
  g_autofree char *draft_path = g_strdup_printf ("/open311/v2/services/%s.json", fx.draft);
  g_autoptr(JsonNode) definition = call ("127.0.0.2", "GET", definition_path, NULL, NULL, 200);
  g_autoptr(JsonNode) draft = call ("127.0.0.2", "GET", draft_path, NULL, NULL, 404);
  g_autoptr(JsonNode) unknown = call ("127.0.0.2", "GET", "/open311/v2/services/nope.json", NULL, NULL, 404);
  g_autoptr(JsonNode) xml = call ("127.0.0.2", "GET", "/open311/v2/services.xml", NULL, NULL, 400);
  JsonObject *endpoint, *attribute;
  JsonArray *list;
  gboolean have_general = FALSE, have_service = FALSE;
  g_autofree char *expected_url = g_strconcat (fx.server->base_url, "/open311/v2", NULL);

  endpoint = json_array_get_object_element (json_object_get_array_member (json_node_get_object (discovery),
                                                                          "endpoints"), 0);
  g_assert_cmpstr (json_object_get_string_member (endpoint, "url"), ==, expected_url);
  g_assert_cmpstr (json_object_get_string_member (endpoint, "specification"), ==,
                   "http://wiki.open311.org/GeoReport_v2");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (endpoint, "formats"), 0),
                   ==, "application/json");

  list = json_node_get_array (services);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      const char *code = json_object_get_string_member (s, "service_code");

      g_assert_true (json_object_get_boolean_member (s, "metadata"));
      g_assert_cmpstr (json_object_get_string_member (s, "type"), ==, "realtime");
      g_assert_cmpstr (code, !=, fx.draft);
      if (strcmp (code, "general") == 0)
        have_general = TRUE;
      if (strcmp (code, fx.service) == 0)
        {
          have_service = TRUE;
          g_assert_cmpstr (json_object_get_string_member (s, "service_name"), ==, "Sperrmüll anmelden");
        }
    }
  g_assert_true (have_general);
  g_assert_true (have_service);

  attribute = json_array_get_object_element (json_object_get_array_member (json_node_get_object (definition),
                                                                           "attributes"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (definition), "service_code"), ==,
                   fx.service);
  g_assert_cmpstr (json_object_get_string_member (attribute, "code"), ==, "consent");
  g_assert_cmpstr (json_object_get_string_member (attribute, "datatype"), ==, "singlevaluelist");
  g_assert_false (json_object_get_boolean_member (attribute, "required"));
  g_assert_nonnull (strstr (json_object_get_string_member (attribute, "description"), "90 Tagen"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (general), "service_code"), ==, "general");

  assert_open311_error (draft, 404, "service_code");
  assert_open311_error (unknown, 404, "service_code");
  assert_open311_error (xml, 400, "JSON");
}

static void
test_report_status_and_reply (void)
{
  g_autofree char *form = g_strdup_printf ("service_code=%s&description=Sperrm%%C3%%BCll+am+Magdelstieg"
                                           "&lat=50.91913&long=11.57041&address_string=Magdelstieg+40"
                                           "&email=max%%40example.org&first_name=Max&last_name=Muster"
                                           "&attribute%%5Bconsent%%5D=true&api_key=x&jurisdiction_id=jena.de",
                                           fx.service);
  g_autofree char *ticket = report ("127.0.0.11", form);
  g_autoptr(GHashTable) rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  JsonObject *staff = sp_test_staff_feedback (rows, ticket);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonNode) by_ids = NULL;
  g_autofree char *ids_path = NULL;
  g_autofree char *before_text = NULL;

  /* The editors get everything by sync. */
  g_assert_cmpstr (json_object_get_string_member (staff, "channel"), ==, "open311");
  g_assert_cmpstr (json_object_get_string_member (staff, "service_id"), ==, fx.service);
  g_assert_cmpstr (json_object_get_string_member (staff, "text"), ==, "Sperrmüll am Magdelstieg");
  g_assert_cmpstr (json_object_get_string_member (staff, "contact"), ==, "Max Muster, max@example.org");
  g_assert_cmpstr (json_object_get_string_member (staff, "address"), ==, "Magdelstieg 40");
  g_assert_cmpstr (json_object_get_string_member (staff, "lat"), ==, "50.919130");
  g_assert_cmpstr (json_object_get_string_member (staff, "lon"), ==, "11.570410");
  g_assert_cmpint (json_object_get_int_member (staff, "rating"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (staff, "state"), ==, "new");

  /* The public request: open, no notes, no description, no contact. */
  before = request_of (ticket, 200);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), before);

    before_text = json_to_string (node, FALSE);
  }
  g_assert_cmpstr (json_object_get_string_member (before, "status"), ==, "open");
  g_assert_true (json_object_get_null_member (before, "status_notes"));
  g_assert_true (json_object_get_null_member (before, "description"));
  g_assert_cmpstr (json_object_get_string_member (before, "service_code"), ==, fx.service);
  g_assert_cmpstr (json_object_get_string_member (before, "service_name"), ==, "Sperrmüll anmelden");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (before, "lat"), 50.91913, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (before, "long"), 11.57041, 1e-6);
  g_assert_null (strstr (before_text, "Sperrmüll am"));
  g_assert_null (strstr (before_text, "example.org"));
  g_assert_null (strstr (before_text, "Muster"));

  /* Staff answer it in the desktop; the Open311 app sees the outcome. */
  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback", json_object_get_string_member (staff, "id"),
                       json_object_get_int_member (staff, "version"),
                       "{\"state\":\"answered\",\"reply\":\"Der Sperrmüll wird am Montag abgeholt.\","
                       "\"replied\":\"2026-11-29T13:00:00Z\"}");
  after = request_of (ticket, 200);
  g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "closed");
  g_assert_cmpstr (json_object_get_string_member (after, "status_notes"), ==,
                   "Der Sperrmüll wird am Montag abgeholt.");
  g_assert_cmpstr (json_object_get_string_member (after, "updated_datetime"), >=,
                   json_object_get_string_member (before, "updated_datetime"));
  g_assert_cmpstr (json_object_get_string_member (after, "requested_datetime"), ==,
                   json_object_get_string_member (before, "requested_datetime"));

  /* By id list (lower case is fine; unknown ids are skipped). */
  {
    g_autofree char *lower = g_ascii_strdown (ticket, -1);

    ids_path = g_strdup_printf ("/open311/v2/requests.json?service_request_id=%s,FB-0000-0000-0000,x", lower);
  }
  by_ids = call ("127.0.0.2", "GET", ids_path, NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (by_ids)), ==, 1);
  g_assert_true (list_has (by_ids, ticket));
}

static void
test_consent_and_json (void)
{
  g_autofree char *no_consent = report ("127.0.0.12", "service_code=general&description=Laterne+aus"
                                                      "&email=ohne%40example.org&phone=03641+1234");
  g_autoptr(JsonNode) json_answer = NULL;
  g_autoptr(GHashTable) rows = NULL;
  JsonObject *row;
  const char *json_ticket;

  json_answer = call ("127.0.0.12", "POST", "/open311/v2/requests.json", "application/json",
                      "{\"service_code\":\"general\",\"description\":\"Ampel defekt\",\"lat\":50.93,"
                      "\"long\":11.59,\"email\":\"json@example.org\",\"attribute\":{\"consent\":true}}", 201);
  json_ticket = json_object_get_string_member (json_array_get_object_element (json_node_get_array (json_answer), 0),
                                               "service_request_id");

  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  /* Contact data without consent is not stored. */
  row = sp_test_staff_feedback (rows, no_consent);
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (row, "service_id"), ==, "");
  row = sp_test_staff_feedback (rows, json_ticket);
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "json@example.org");
  g_assert_cmpstr (json_object_get_string_member (row, "lat"), ==, "50.930000");
  g_assert_cmpstr (json_object_get_string_member (row, "text"), ==, "Ampel defekt");
}

static void
test_hostile (void)
{
  static const char * const from = "127.0.0.13";
  static const struct {
    const char *form;
    const char *word;
  } cases[] = {
    { "description=ohne+Dienst", "service_code" },
    { "service_code=no-such-service&description=x", "service_code" },
    { "service_code=general", "description" },
    { "service_code=general&description=x&lat=50.9", "long" },
    { "service_code=general&description=x&lat=95&long=11", "lat" },
    { "service_code=general&description=x&lat=50&long=abc", "long" },
    { "service_code=general&description=x&website=http%3A%2F%2Fspam.example", "website" },
    { "service_code=general&description=x&email=a+b&attribute%5Bconsent%5D=true", "email" },
  };
  g_autoptr(GHashTable) rows_before = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  g_autoptr(GHashTable) rows_after = NULL;
  g_autofree char *draft_form = g_strdup_printf ("service_code=%s&description=x", fx.draft);
  g_autofree char *long_text = g_strnfill (SP_FEEDBACK_TEXT_MAX + 1, 'z');
  g_autofree char *too_long = g_strdup_printf ("service_code=general&description=%s", long_text);
  g_autofree char *big = g_strnfill (20 * 1024, 'q');
  g_autofree char *oversize = g_strdup_printf ("service_code=general&description=%s", big);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", FORM, cases[i].form, 400);

      assert_open311_error (node, 400, cases[i].word);
    }

  {
    g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", FORM, draft_form, 400);
    assert_open311_error (node, 400, "service_code");
  }
  {
    g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", FORM, too_long, 400);
    assert_open311_error (node, 400, "description");
  }
  {
    g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", FORM, oversize, 413);
    assert_open311_error (node, 413, "16384");
  }
  {
    g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", "application/json",
                                     "{\"service_code\":\"general\",\"description\":{\"a\":1}}", 400);
    assert_open311_error (node, 400, "description");
  }
  {
    g_autoptr(JsonNode) node = call (from, "POST", "/open311/v2/requests.json", "multipart/form-data; boundary=x",
                                     "--x--", 400);
    assert_open311_error (node, 400, "form-urlencoded");
  }
  {
    g_autoptr(JsonNode) node = call (from, "DELETE", "/open311/v2/requests.json", NULL, NULL, 405);
    assert_open311_error (node, 405, "not allowed");
  }
  {
    g_autoptr(JsonNode) node = call (from, "GET", "/open311/v2/requests.json?start_date=letzte+Woche",
                                     NULL, NULL, 400);
    assert_open311_error (node, 400, "start_date");
  }
  {
    g_autoptr(JsonNode) node = call (from, "GET", "/open311/v2/requests/%3Cscript%3E.json", NULL, NULL, 404);
    assert_open311_error (node, 404, "service_request_id");
  }

  /* Nothing was stored. */
  rows_after = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  g_assert_cmpuint (g_hash_table_size (rows_after), ==, g_hash_table_size (rows_before));
}

static void
test_list_filters_and_spam (void)
{
  g_autofree char *service_form = g_strdup_printf ("service_code=%s&description=Termin+fehlt", fx.service);
  g_autofree char *on_service = report ("127.0.0.14", service_form);
  g_autofree char *general = report ("127.0.0.14", "service_code=general&description=Allgemein");
  g_autofree char *spam = report ("127.0.0.14", "service_code=general&description=Uhren+kaufen");
  g_autofree char *by_service = g_strdup_printf ("/open311/v2/requests.json?service_code=%s", fx.service);
  g_autoptr(GHashTable) rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  JsonObject *spam_row = sp_test_staff_feedback (rows, spam);
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonNode) service_list = NULL;
  g_autoptr(JsonNode) general_list = NULL;
  g_autoptr(JsonNode) open_list = NULL;
  g_autoptr(JsonNode) closed_list = NULL;
  g_autoptr(JsonNode) future = NULL;
  g_autoptr(JsonNode) today = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *today_path = g_strdup_printf ("/open311/v2/requests.json?start_date=%s&end_date=%s", day, day);
  JsonArray *array;

  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback", json_object_get_string_member (spam_row, "id"),
                       json_object_get_int_member (spam_row, "version"), "{\"state\":\"spam\"}");

  all = call ("127.0.0.2", "GET", "/open311/v2/requests.json", NULL, NULL, 200);
  g_assert_true (list_has (all, on_service));
  g_assert_true (list_has (all, general));
  g_assert_false (list_has (all, spam));
  /* Newest first. */
  array = json_node_get_array (all);
  for (guint i = 1; i < json_array_get_length (array); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i - 1), "requested_datetime"),
                     >=, json_object_get_string_member (json_array_get_object_element (array, i), "requested_datetime"));
  /* Never a description or contact data. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_assert_true (json_object_get_null_member (o, "description"));
      g_assert_false (json_object_has_member (o, "contact"));
      g_assert_false (json_object_has_member (o, "email"));
    }

  service_list = call ("127.0.0.2", "GET", by_service, NULL, NULL, 200);
  g_assert_true (list_has (service_list, on_service));
  g_assert_false (list_has (service_list, general));

  general_list = call ("127.0.0.2", "GET", "/open311/v2/requests.json?service_code=general", NULL, NULL, 200);
  g_assert_true (list_has (general_list, general));
  g_assert_false (list_has (general_list, on_service));

  /* The one answered in test_report_status_and_reply is closed. */
  open_list = call ("127.0.0.2", "GET", "/open311/v2/requests.json?status=open", NULL, NULL, 200);
  closed_list = call ("127.0.0.2", "GET", "/open311/v2/requests.json?status=closed", NULL, NULL, 200);
  g_assert_true (list_has (open_list, general));
  g_assert_false (list_has (closed_list, general));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (closed_list)), >=, 1);
  array = json_node_get_array (closed_list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i), "status"), ==, "closed");

  future = call ("127.0.0.2", "GET", "/open311/v2/requests.json?start_date=2999-01-01T00:00:00Z", NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (future)), ==, 0);
  today = call ("127.0.0.2", "GET", today_path, NULL, NULL, 200);
  g_assert_true (list_has (today, general));

  /* Spam is gone for Open311 clients, also by id. */
  request_of (spam, 404);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  fx.server = sp_test_server_new ();
  sp_test_server_add_user (fx.server, "redaktion", "editor", "redaktion");
  sp_test_server_start (fx.server, FALSE);
  fx.editor = sp_test_login_token (fx.server->base_url, "redaktion", "redaktion");
  fx.service = sp_test_push_service (fx.server->base_url, fx.editor, "Sperrmüll anmelden", "published");
  fx.draft = sp_test_push_service (fx.server->base_url, fx.editor, "Schulanmeldung Grundschule", "draft");

  g_test_add_func ("/open311/discovery-and-services", test_discovery_and_services);
  g_test_add_func ("/open311/report-status-and-reply", test_report_status_and_reply);
  g_test_add_func ("/open311/consent-and-json", test_consent_and_json);
  g_test_add_func ("/open311/hostile", test_hostile);
  g_test_add_func ("/open311/list-filters-and-spam", test_list_filters_and_spam);

  result = g_test_run ();

  g_free (fx.editor);
  g_free (fx.service);
  g_free (fx.draft);
  sp_test_server_free (fx.server);
  return result;
}
