/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-challenges-api"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "sp-test-server.h"

#include "sp-city-time.h"

/* Hackathon challenges end to end against the real server (with --demo):
 * the public list and detail (published and closed only, accepted and
 * winning solutions without contacts), citizen submissions with good and
 * hostile input (deadline, drafts, consent, honeypot, links, licences,
 * sizes, script text stored verbatim), the rate limit, the editors'
 * figures and their roles, CORS, and the deletion of team contacts after
 * the retention period by a server push. */

typedef struct {
  SpTestServer *server;
  char         *editor;   /* token of "redaktion" */
  char         *staff;    /* token of "mitarbeiter" */
  guint         n_changes;
} Fixture;

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Pushes one upsert of @entity row @id with the JSON object text @fields
 * as the editor; returns the HTTP status. */
static guint
push (Fixture    *f,
      const char *token,
      const char *entity,
      const char *id,
      const char *fields)
{
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:testnode",
                                          g_get_real_time () / 1000);
  g_autofree char *body = NULL;
  g_autofree char *reply = NULL;
  guint status;

  body = g_strdup_printf ("{\"changes\":[{\"change_id\":\"chal-test-%u\",\"entity\":\"%s\","
                          "\"id\":\"%s\",\"base_version\":0,\"hlc\":\"%s\",\"op\":\"upsert\","
                          "\"fields\":%s}]}",
                          ++f->n_changes, entity, id, hlc, fields);
  status = sp_test_http (f->server->base_url, "POST", "/api/v1/sync", token, body, &reply);
  g_test_message ("push %s %s: %u %s", entity, id, status, reply);
  return status;
}

static char *
push_challenge (Fixture    *f,
                const char *title,
                const char *status,
                const char *event_date,
                const char *deadline)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *fields =
    g_strdup_printf ("{\"title\":\"%s\",\"problem\":\"Ein Problem\",\"data\":\"\",\"department\":"
                     "\"Fachdienst Test\",\"contact\":\"test@jena.example\",\"event\":\"Testathon\","
                     "\"event_date\":\"%s\",\"deadline\":\"%s\",\"status\":\"%s\","
                     "\"followup_survey_id\":\"\"}",
                     title, event_date, deadline, status);

  g_assert_cmpuint (push (f, f->editor, "challenge", id, fields), ==, 200);
  return g_steal_pointer (&id);
}

/* POST /api/v1/challenges/@id/solutions; *reply (optional) the answer. */
static guint
submit (Fixture    *f,
        const char *id,
        const char *json,
        JsonNode  **reply)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/challenges/%s/solutions", id);
  g_autofree char *body = NULL;
  guint status = sp_test_http (f->server->base_url, "POST", path, NULL, json, &body);

  g_test_message ("submit: %u %s", status, body);
  if (reply != NULL)
    *reply = parse (body);
  return status;
}

static const char *
string_of (JsonNode   *node,
           const char *member)
{
  return json_object_get_string_member (json_node_get_object (node), member);
}

/* The stored fields of solution @id as the editor pulls them, NULL when
 * the server has no such row. */
static JsonObject *
pulled_solution (Fixture    *f,
                 const char *id)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *changes;

  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/sync?limit=10000",
                                  f->editor, NULL, &body), ==, 200);
  root = parse (body);
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "entity"), "challenge_solution") &&
          g_str_equal (json_object_get_string_member (change, "id"), id))
        return json_object_ref (json_object_get_object_member (change, "fields"));
    }
  return NULL;
}

/* Whether any pulled row (conflict records included) holds @text. */
static gboolean
pull_contains (Fixture    *f,
               const char *text)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/sync?limit=10000",
                                  f->editor, NULL, &body), ==, 200);
  return strstr (body, text) != NULL;
}

static JsonNode *
get_json (Fixture    *f,
          const char *path,
          guint       expected)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", path, NULL, NULL, &body), ==, expected);
  return parse (body);
}

static JsonObject *
find_by_id (JsonArray  *array,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (o, "id"), id) == 0)
        return o;
    }
  return NULL;
}

static void
restart (Fixture *f)
{
  /* A fresh process: fresh rate limits, and the retention runs at start. */
  sp_test_server_kill (f->server, SIGTERM);
  sp_test_server_start (f->server, TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = sp_test_server_new ();
  sp_test_server_start (f->server, TRUE);
  f->editor = sp_test_login_token (f->server->base_url, "redaktion", "redaktion");
  f->staff = sp_test_login_token (f->server->base_url, "mitarbeiter", "mitarbeiter");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  sp_test_server_free (f->server);
  g_free (f->editor);
  g_free (f->staff);
}

/* -- tests ------------------------------------------------------------------------ */

static void
test_public_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *today = sp_city_day (0);
  g_autofree char *later = sp_city_day (30);
  g_autofree char *draft = push_challenge (f, "Entwurf <b>geheim</b>", "draft", today, later);
  g_autoptr(JsonNode) list = get_json (f, "/api/v1/challenges", 200);
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  JsonArray *array = json_node_get_array (list);
  JsonObject *first, *kita = NULL;
  JsonArray *solutions;

  /* The demo's three: the open one first; drafts never. */
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "Parkhausbelegung als offene Daten");
  g_assert_true (json_object_get_boolean_member (first, "open"));
  g_assert_cmpint (json_object_get_int_member (first, "solution_count"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "accepted_count"), ==, 0);
  g_assert_null (find_by_id (array, draft));
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_has_prefix (json_object_get_string_member (o, "title"), "Kita"))
        kita = o;
    }
  g_assert_nonnull (kita);
  g_assert_false (json_object_get_boolean_member (kita, "open"));
  g_assert_cmpstr (json_object_get_string_member (kita, "status"), ==, "closed");
  /* Spam does not count, rejected ones do (they were developed). */
  g_assert_cmpint (json_object_get_int_member (kita, "solution_count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (kita, "accepted_count"), ==, 2);

  /* Detail: accepted and winning solutions only, winner first, no contact. */
  path = g_strdup_printf ("/api/v1/challenges/%s", json_object_get_string_member (kita, "id"));
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", path, NULL, NULL, &body), ==, 200);
  detail = parse (body);
  solutions = json_object_get_array_member (json_node_get_object (detail), "solutions");
  g_assert_cmpuint (json_array_get_length (solutions), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (solutions, 0), "state"),
                   ==, "winner");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (solutions, 0), "title"),
                   ==, "KitaKompass Jena");
  g_assert_false (json_object_has_member (json_array_get_object_element (solutions, 0), "contact"));
  g_assert_null (strstr (body, "team@kitakompass.example"));
  g_assert_null (strstr (body, "Platzbörse"));   /* rejected */
  g_assert_true (json_object_has_member (json_node_get_object (detail), "licences"));

  /* Drafts and unknown ids are not found; a bad path neither. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/challenges/%s", draft);
  g_clear_pointer (&detail, json_node_unref);
  detail = get_json (f, path, 404);
  g_assert_cmpstr (string_of (detail, "error"), ==, "not_found");
  g_clear_pointer (&detail, json_node_unref);
  detail = get_json (f, "/api/v1/challenges/00000000-0000-4000-8000-000000000000", 404);
  g_clear_pointer (&detail, json_node_unref);
  detail = get_json (f, "/api/v1/challenges/x/y/z", 404);
}

static void
test_submit (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *today = sp_city_day (0);
  g_autofree char *yesterday = sp_city_day (-1);
  g_autofree char *later = sp_city_day (30);
  g_autofree char *open = push_challenge (f, "Offen", "published", later, today);
  g_autofree char *late = push_challenge (f, "Vorbei", "published", yesterday, yesterday);
  g_autofree char *draft = push_challenge (f, "Entwurf", "draft", later, later);
  g_autofree char *closed = push_challenge (f, "Geschlossen", "closed", later, later);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *solution = NULL;
  const char *script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  g_autofree char *good =
    g_strdup_printf ("{\"title\":\"%s\",\"description\":\"Karte & \\\"Daten\\\"\","
                     "\"link\":\"https://codeberg.org/team/app\",\"team\":\"Team Saale\","
                     "\"contact\":\"saale@team.example\",\"consent\":true,\"licence\":\"EUPL-1.2\","
                     "\"website\":\"\"}",
                     "<script>alert(1)</script><img src=x onerror=alert(2)>");
  guint n_bad = 0;

  /* Good: 201 with the new row's id; the server stored it for editors. */
  g_assert_cmpuint (submit (f, open, good, &reply), ==, 201);
  solution = g_strdup (string_of (reply, "id"));
  g_assert_true (g_uuid_string_is_valid (solution));
  stored = pulled_solution (f, solution);
  g_assert_nonnull (stored);
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, script);   /* verbatim */
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Karte & \"Daten\"");
  g_assert_cmpstr (json_object_get_string_member (stored, "challenge_id"), ==, open);
  g_assert_cmpstr (json_object_get_string_member (stored, "state"), ==, "submitted");
  g_assert_cmpstr (json_object_get_string_member (stored, "contact"), ==, "saale@team.example");
  g_assert_cmpstr (json_object_get_string_member (stored, "licence"), ==, "EUPL-1.2");
  /* A UTC timestamp of the moment it came in. */
  g_assert_true (g_str_has_suffix (json_object_get_string_member (stored, "created"), "Z"));
  {
    g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (json_object_get_string_member (stored, "created"), NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_nonnull (created);
    g_assert_cmpint (ABS (g_date_time_difference (now, created)), <, 5 * 60 * G_USEC_PER_SEC);
  }

  /* Submitted solutions are not public; the contact never is. */
  path = g_strdup_printf ("/api/v1/challenges/%s", open);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", path, NULL, NULL, &body), ==, 200);
  g_assert_null (strstr (body, "Team Saale"));
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (push (f, f->editor, "challenge_solution", solution, "{\"state\":\"accepted\"}"), ==, 200);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", path, NULL, NULL, &body), ==, 200);
  g_assert_nonnull (strstr (body, "Team Saale"));
  g_assert_null (strstr (body, "saale@team.example"));
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/challenges", NULL, NULL, &body), ==, 200);
  g_assert_null (strstr (body, "saale@team.example"));

  /* After the deadline, drafts and closed challenges: 409 "closed". */
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (submit (f, late, "{\"title\":\"t\",\"description\":\"d\"}", &reply), ==, 409);
  g_assert_cmpstr (string_of (reply, "error"), ==, "closed");
  g_assert_cmpuint (submit (f, draft, "{\"title\":\"t\",\"description\":\"d\"}", NULL), ==, 409);
  g_assert_cmpuint (submit (f, closed, "{\"title\":\"t\",\"description\":\"d\"}", NULL), ==, 409);
  g_assert_cmpuint (submit (f, "00000000-0000-4000-8000-000000000000",
                            "{\"title\":\"t\",\"description\":\"d\"}", NULL), ==, 404);

  /* Hostile and wrong input: 400 naming the member, nothing stored. */
  {
    static const struct {
      const char *body;
      const char *field;
    } bad[] = {
      { "{\"title\":\"t\",\"description\":\"d\",\"contact\":\"me@x.example\"}", "consent" },
      { "{\"title\":\"t\",\"description\":\"d\",\"contact\":\"me@x.example\",\"consent\":\"yes\"}", "consent" },
      { "{\"description\":\"d\"}", "title" },
      { "{\"title\":\"   \",\"description\":\"d\"}", "title" },
      { "{\"title\":42,\"description\":\"d\"}", "title" },
      { "{\"title\":\"t\"}", "description" },
      { "{\"title\":\"t\",\"description\":\"d\",\"link\":\"javascript:alert(1)\"}", "link" },
      { "{\"title\":\"t\",\"description\":\"d\",\"link\":\"ftp://x.example/\"}", "link" },
      { "{\"title\":\"t\",\"description\":\"d\",\"licence\":\"WTFPL\"}", "licence" },
      { "{\"title\":\"t\",\"description\":\"d\",\"team\":[\"a\"]}", "team" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_clear_pointer (&reply, json_node_unref);
        g_assert_cmpuint (submit (f, open, bad[i].body, &reply), ==, 400);
        g_assert_cmpstr (string_of (reply, "error"), ==, "invalid_request");
        g_assert_cmpstr (string_of (reply, "field"), ==, bad[i].field);
        n_bad++;
      }
  }
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (submit (f, open, "{\"title\":\"Bot\",\"description\":\"d\",\"website\":\"http://spam.example\"}",
                            &reply), ==, 400);
  g_assert_cmpstr (string_of (reply, "error"), ==, "rejected");
  g_assert_cmpuint (submit (f, open, "[1,2]", NULL), ==, 400);
  g_assert_cmpuint (submit (f, open, "{\"title\":", NULL), ==, 400);
  huge = g_strnfill (17 * 1024, 'x');
  {
    g_autofree char *big = g_strdup_printf ("{\"title\":\"t\",\"description\":\"%s\"}", huge);

    g_assert_cmpuint (submit (f, open, big, NULL), ==, 413);
  }
  g_assert_false (pull_contains (f, "spam.example"));
  g_assert_false (pull_contains (f, "me@x.example"));
  g_assert_false (pull_contains (f, "WTFPL"));

  /* GET on the submission path is not allowed. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/challenges/%s/solutions", open);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", path, NULL, NULL, NULL), ==, 405);

  /* Rate limit: the burst is used up by now (1 + 4 + 10 + 5 POSTs), a
   * burst of 100 is refused. */
  restart (f);
  {
    guint refused = 0;

    for (guint i = 0; i < 30; i++)
      if (submit (f, open, "{\"title\":\"Flut\",\"description\":\"d\"}", NULL) == 429)
        refused++;
    g_assert_cmpuint (refused, >=, 9);
  }
}

static void
test_stats_roles_cors (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *years;

  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/challenges/stats", NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/challenges/stats", f->staff, NULL, &body), ==, 403);
  g_assert_nonnull (strstr (body, "\"forbidden\""));
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/api/v1/challenges/stats", f->editor, NULL, &body), ==, 200);
  stats = parse (body);
  root = json_node_get_object (stats);
  g_assert_cmpint (json_object_get_int_member (root, "problems_posted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "solutions_submitted"), ==, 7);   /* 8 minus spam */
  g_assert_cmpint (json_object_get_int_member (root, "solutions_accepted"), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "challenges")), ==, 3);
  years = json_object_get_array_member (root, "years");
  g_assert_cmpuint (json_array_get_length (years), >=, 1);
  {
    gint64 problems = 0, submitted = 0;

    for (guint i = 0; i < json_array_get_length (years); i++)
      {
        problems += json_object_get_int_member (json_array_get_object_element (years, i), "problems");
        submitted += json_object_get_int_member (json_array_get_object_element (years, i), "submitted");
      }
    g_assert_cmpint (problems, ==, 3);
    g_assert_cmpint (submitted, ==, 7);
  }
  /* Staff may not change solutions (editors' data). */
  g_assert_cmpuint (push (f, f->staff, "challenge_solution", "00000000-0000-4000-8000-000000000001",
                          "{\"state\":\"winner\"}"), ==, 403);

  /* CORS: a city page elsewhere may read and submit, not the figures. */
  url = g_strconcat (f->server->base_url, "/api/v1/challenges/x/solutions", NULL);
  msg = soup_message_new ("OPTIONS", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", "https://www.jena.example");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Access-Control-Request-Method", "POST");
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 204);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Access-Control-Allow-Origin"), ==, "*");
  g_clear_object (&msg);
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&bytes, g_bytes_unref);
  url = g_strconcat (f->server->base_url, "/api/v1/challenges/stats", NULL);
  msg = soup_message_new ("GET", url);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                               "Access-Control-Allow-Origin"));
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *today = sp_city_day (0);
  g_autofree char *long_ago = sp_city_day (-400);
  g_autofree char *months_ago = sp_city_day (-200);
  g_autofree char *old_event = push_challenge (f, "Alt", "published", long_ago, today);
  g_autofree char *recent_event = push_challenge (f, "Jüngst", "published", months_ago, today);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *a_id = NULL;
  g_autofree char *b_id = NULL;

  /* The city keeps contacts for a year. */
  g_assert_cmpuint (push (f, f->editor, "feedback_setting", "feedback_setting.contact_retention_days",
                          "{\"key\":\"contact_retention_days\",\"value\":\"365\"}"), ==, 200);

  g_assert_cmpuint (submit (f, old_event, "{\"title\":\"A\",\"description\":\"d\",\"contact\":\"alt@team.example\","
                                          "\"consent\":true}", &a), ==, 201);
  g_assert_cmpuint (submit (f, recent_event, "{\"title\":\"B\",\"description\":\"d\",\"contact\":\"neu@team.example\","
                                             "\"consent\":true}", &b), ==, 201);
  a_id = g_strdup (string_of (a, "id"));
  b_id = g_strdup (string_of (b, "id"));
  g_assert_true (pull_contains (f, "alt@team.example"));

  /* The retention job runs at start (and hourly). */
  restart (f);
  g_clear_pointer (&f->editor, g_free);
  f->editor = sp_test_login_token (f->server->base_url, "redaktion", "redaktion");

  stored = pulled_solution (f, a_id);
  g_assert_cmpstr (json_object_get_string_member (stored, "contact"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "A");
  g_clear_pointer (&stored, json_object_unref);
  stored = pulled_solution (f, b_id);
  g_assert_cmpstr (json_object_get_string_member (stored, "contact"), ==, "neu@team.example");
  /* Gone everywhere, no conflict record keeps it. */
  g_assert_false (pull_contains (f, "alt@team.example"));

  /* With the default period (90 days) the other one goes too. */
  g_assert_cmpuint (push (f, f->editor, "feedback_setting", "feedback_setting.contact_retention_days",
                          "{\"key\":\"contact_retention_days\",\"value\":\"\"}"), ==, 200);
  restart (f);
  g_clear_pointer (&f->editor, g_free);
  f->editor = sp_test_login_token (f->server->base_url, "redaktion", "redaktion");
  g_assert_false (pull_contains (f, "neu@team.example"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/challenges-api/public-list", Fixture, NULL, fixture_set_up, test_public_list, fixture_tear_down);
  g_test_add ("/challenges-api/submit", Fixture, NULL, fixture_set_up, test_submit, fixture_tear_down);
  g_test_add ("/challenges-api/stats-roles-cors", Fixture, NULL, fixture_set_up, test_stats_roles_cors, fixture_tear_down);
  g_test_add ("/challenges-api/retention", Fixture, NULL, fixture_set_up, test_retention, fixture_tear_down);

  return g_test_run ();
}
