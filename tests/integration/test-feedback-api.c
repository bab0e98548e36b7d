/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-feedback-api"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "sp-feedback.h"
#include "sp-test-feedback.h"
#include "sp-test-server.h"

/* Citizen feedback against a real server: what a citizen sends arrives in
 * the editors' inbox by sync; the ticket shows state and public reply and
 * nothing else; hostile input is refused and stores nothing; a person
 * sending a few is never refused while a burst of 100 is; spam looks
 * closed; statistics for editors only; contact data is cleared after the
 * retention period. Citizens send from their own loopback addresses. */

typedef struct {
  SpTestServer *server;
  char         *editor;      /* token of redaktion (editor) */
  char         *staff;       /* token of mitarbeiter (staff only) */
  char         *service;     /* a published service */
  char         *draft;       /* a draft service */
} Fixture;

static Fixture fx;

/* POST /api/v1/feedback from @from; asserts @status, returns the body. */
static JsonObject *
post_feedback (const char *from,
               const char *json,
               guint       status)
{
  SpTestResponse r = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  sp_test_citizen_request (fx.server->base_url, from, "POST", "/api/v1/feedback", NULL,
                           "application/json", json, NULL, &r);
  if (r.status != status)
    g_error ("POST %s: expected %u, got %u: %s", json, status, r.status, r.body);
  g_assert_cmpstr (r.content_type, ==, "application/json");
  node = sp_test_parse_json (r.body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_object_ref (json_node_get_object (node));
  sp_test_response_clear (&r);
  return object;
}

/* GET /api/v1/feedback/TICKET; asserts @status; the body text. */
static char *
get_ticket (const char *ticket,
            guint       status)
{
  SpTestResponse r = { 0 };
  g_autofree char *path = g_strconcat ("/api/v1/feedback/", ticket, NULL);
  char *body;

  sp_test_citizen_request (fx.server->base_url, "127.0.0.2", "GET", path, NULL, NULL, NULL, NULL, &r);
  if (r.status != status)
    g_error ("GET %s: expected %u, got %u: %s", path, status, r.status, r.body);
  g_assert_cmpstr (r.content_type, ==, "application/json");
  body = g_steal_pointer (&r.body);
  sp_test_response_clear (&r);
  return body;
}

static guint
count_feedback (void)
{
  g_autoptr(GHashTable) rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");

  return g_hash_table_size (rows);
}

static void
test_create_and_lookup (void)
{
  g_autofree char *body = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *request = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) created_at = NULL;
  g_autofree char *expected_due = NULL;
  g_autofree char *normalized = NULL;
  JsonObject *view, *staff;
  const char *ticket;

  request = g_strdup_printf ("{\"service_id\":\"%s\",\"rating\":2,\"text\":\"Der Upload bricht ab.\","
                             "\"channel\":\"kiosk\",\"contact\":\"anna@example.org\",\"consent\":true,"
                             "\"website\":\"\"}", fx.service);
  created = post_feedback ("127.0.0.11", request, 201);
  ticket = json_object_get_string_member (created, "ticket");
  normalized = sp_feedback_ticket_normalize (ticket);
  g_assert_cmpstr (normalized, ==, ticket);
  g_assert_nonnull (json_object_get_string_member (created, "id"));

  /* The citizen's view: state and dates, no text, no contact. */
  body = get_ticket (ticket, 200);
  g_assert_null (strstr (body, "Upload"));
  g_assert_null (strstr (body, "anna@example.org"));
  node = sp_test_parse_json (body);
  view = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (view, "ticket"), ==, ticket);
  g_assert_cmpstr (json_object_get_string_member (view, "state"), ==, "new");
  g_assert_true (json_object_get_null_member (view, "reply"));
  g_assert_true (json_object_get_null_member (view, "replied"));
  g_assert_cmpstr (json_object_get_string_member (view, "service_id"), ==, fx.service);
  g_assert_cmpstr (json_object_get_string_member (view, "service_name"), ==, "Wohnsitz anmelden");
  g_assert_false (json_object_has_member (view, "text"));
  g_assert_false (json_object_has_member (view, "contact"));
  created_at = sp_feedback_parse_time (json_object_get_string_member (view, "created"));
  g_assert_nonnull (created_at);
  g_assert_cmpint (ABS (g_date_time_difference (now, created_at)), <, 120 * G_USEC_PER_SEC);
  g_assert_nonnull (sp_feedback_parse_time (json_object_get_string_member (view, "updated")));

  /* Typed in lower case without dashes: the same ticket. */
  {
    g_auto(GStrv) parts = g_strsplit (ticket, "-", -1);
    g_autofree char *joined = g_strjoinv ("", parts);

    lower = g_ascii_strdown (joined, -1);
    g_free (get_ticket (lower, 200));
  }

  /* The editors' copy by sync: everything, due after the 72 hours SLA. */
  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  staff = sp_test_staff_feedback (rows, ticket);
  g_assert_cmpstr (json_object_get_string_member (staff, "id"), ==,
                   json_object_get_string_member (created, "id"));
  g_assert_cmpstr (json_object_get_string_member (staff, "text"), ==, "Der Upload bricht ab.");
  g_assert_cmpstr (json_object_get_string_member (staff, "contact"), ==, "anna@example.org");
  g_assert_cmpstr (json_object_get_string_member (staff, "channel"), ==, "kiosk");
  g_assert_cmpstr (json_object_get_string_member (staff, "state"), ==, "new");
  g_assert_cmpint (json_object_get_int_member (staff, "rating"), ==, 2);
  expected_due = sp_feedback_due (json_object_get_string_member (staff, "created"), 72);
  g_assert_cmpstr (json_object_get_string_member (staff, "due"), ==, expected_due);

  /* Staff only see it when they may: not a plain staff member. */
  {
    g_autoptr(GHashTable) staff_rows = sp_test_staff_rows (fx.server->base_url, fx.staff, "feedback");

    g_assert_cmpuint (g_hash_table_size (staff_rows), ==, 0);
  }
}

static void
test_rating_only_and_general (void)
{
  g_autofree char *thumbs = g_strdup_printf ("{\"service_id\":\"%s\",\"rating\":5}", fx.service);
  g_autoptr(JsonObject) a = post_feedback ("127.0.0.12", thumbs, 201);
  g_autoptr(JsonObject) b = post_feedback ("127.0.0.12", "{\"text\":\"Allgemeines Lob\",\"channel\":\"app\"}", 201);
  g_autofree char *body = get_ticket (json_object_get_string_member (b, "ticket"), 200);
  g_autoptr(JsonNode) node = sp_test_parse_json (body);

  g_assert_true (json_object_get_null_member (json_node_get_object (node), "service_id"));
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "service_name"));
}

/* POST /api/v1/feedback/TICKET/text from @from; asserts @status. */
static void
post_followup (const char *from,
               const char *ticket,
               const char *json,
               guint       status)
{
  SpTestResponse r = { 0 };
  g_autofree char *path = g_strconcat ("/api/v1/feedback/", ticket, "/text", NULL);

  sp_test_citizen_request (fx.server->base_url, from, "POST", path, NULL,
                           "application/json", json, NULL, &r);
  if (r.status != status)
    g_error ("POST %s %s: expected %u, got %u: %s", path, json, status, r.status, r.body);
  sp_test_response_clear (&r);
}

/* "War das hilfreich?": the rating goes at once, the words that follow
 * become the text of the same feedback (counted once), only while it is
 * new, once, and never for a feedback that has a text already. */
static void
test_followup_text (void)
{
  g_autofree char *thumbs = g_strdup_printf ("{\"service_id\":\"%s\",\"rating\":1}", fx.service);
  g_autoptr(JsonObject) rated = post_feedback ("127.0.0.15", thumbs, 201);
  g_autoptr(JsonObject) worded = post_feedback ("127.0.0.15", "{\"text\":\"Schon geschrieben\"}", 201);
  const char *ticket = json_object_get_string_member (rated, "ticket");
  g_autoptr(GHashTable) rows = NULL;
  guint before = count_feedback ();
  JsonObject *staff;

  post_followup ("127.0.0.15", ticket, "{\"text\":\"   \"}", 400);
  post_followup ("127.0.0.15", ticket, "{\"text\":7}", 400);
  post_followup ("127.0.0.15", ticket, "{}", 400);
  post_followup ("127.0.0.15", "FB-0000-0000-0000", "{\"text\":\"Wer bin ich?\"}", 404);
  post_followup ("127.0.0.15", json_object_get_string_member (worded, "ticket"),
                 "{\"text\":\"Überschreiben?\"}", 404);

  post_followup ("127.0.0.15", ticket, "{\"text\":\"Die Gebühr fehlt. <b>x</b>\"}", 200);
  /* Once only: the text is there now. */
  post_followup ("127.0.0.15", ticket, "{\"text\":\"Noch etwas\"}", 404);

  g_assert_cmpuint (count_feedback (), ==, before);
  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  staff = sp_test_staff_feedback (rows, ticket);
  g_assert_cmpstr (json_object_get_string_member (staff, "text"), ==, "Die Gebühr fehlt. <b>x</b>");
  g_assert_cmpint (json_object_get_int_member (staff, "rating"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (staff, "state"), ==, "new");
}

static void
test_hostile_input (void)
{
  static const char * const from = "127.0.0.13";
  guint before = count_feedback ();
  g_autofree char *big_text = g_strnfill (20 * 1024, 'x');
  g_autofree char *oversize = g_strdup_printf ("{\"text\":\"%s\"}", big_text);
  g_autofree char *long_text = g_strnfill (SP_FEEDBACK_TEXT_MAX + 1, 'y');
  g_autofree char *too_long = g_strdup_printf ("{\"text\":\"%s\"}", long_text);
  g_autofree char *draft = g_strdup_printf ("{\"service_id\":\"%s\",\"rating\":3}", fx.draft);
  static const struct {
    const char *body;
    const char *error;
    const char *field;
  } cases[] = {
    { "{\"text\":\"x\",\"contact\":\"anna@example.org\"}", "invalid_request", "consent" },
    { "{\"text\":\"x\",\"contact\":\"anna@example.org\",\"consent\":\"ja\"}", "invalid_request", "consent" },
    { "{\"text\":\"Kaufen!\",\"website\":\"http://spam.example\"}", "rejected", "website" },
    { "{\"rating\":\"5\"}", "invalid_request", "rating" },
    { "{\"rating\":9}", "invalid_request", "rating" },
    { "{\"text\":42}", "invalid_request", "text" },
    { "{\"text\":\"  \"}", "invalid_request", "text" },
    { "{\"text\":\"x\",\"channel\":\"open311\"}", "invalid_request", "channel" },
    { "{\"text\":\"x\",\"service_id\":\"no-such-service\"}", "invalid_request", "service_id" },
    { "[1,2,3]", "invalid_request", NULL },
  };
  SpTestResponse r = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) answer = post_feedback (from, cases[i].body, 400);

      g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, cases[i].error);
      g_assert_nonnull (json_object_get_string_member (answer, "message"));
      if (cases[i].field != NULL)
        g_assert_cmpstr (json_object_get_string_member (answer, "field"), ==, cases[i].field);
    }

  {
    g_autoptr(JsonObject) answer = post_feedback (from, too_long, 400);
    g_assert_cmpstr (json_object_get_string_member (answer, "field"), ==, "text");
  }
  {
    /* A draft service is no service for citizens. */
    g_autoptr(JsonObject) answer = post_feedback (from, draft, 400);
    g_assert_cmpstr (json_object_get_string_member (answer, "field"), ==, "service_id");
  }
  {
    g_autoptr(JsonObject) answer = post_feedback (from, oversize, 413);
    g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "too_large");
  }
  {
    g_autoptr(JsonObject) answer = post_feedback (from, "{\"text\": \"unterminated", 400);
    g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "invalid_request");
  }

  g_assert_cmpuint (sp_test_citizen_request (fx.server->base_url, from, "GET", "/api/v1/feedback",
                                             NULL, NULL, NULL, NULL, &r), ==, 405);
  sp_test_response_clear (&r);

  /* Nothing of it was stored. */
  g_assert_cmpuint (count_feedback (), ==, before);
}

static void
test_script_stored_verbatim (void)
{
  static const char text[] = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autofree char *body = NULL;
  g_autofree char *unknown = NULL;
  SpTestResponse r = { 0 };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json = json_to_string (request, FALSE);

  created = post_feedback ("127.0.0.14", json, 201);
  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  g_assert_cmpstr (json_object_get_string_member (sp_test_staff_feedback (rows, json_object_get_string_member (created, "ticket")),
                                                  "text"), ==, text);

  /* The public view never carries it; answers are JSON, never HTML. */
  body = get_ticket (json_object_get_string_member (created, "ticket"), 200);
  g_assert_null (strstr (body, "script"));
  g_assert_null (strstr (body, "onerror"));

  /* A hostile ticket path is not echoed back. */
  sp_test_citizen_request (fx.server->base_url, "127.0.0.2", "GET",
                           "/api/v1/feedback/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                           NULL, NULL, NULL, NULL, &r);
  g_assert_cmpuint (r.status, ==, 404);
  g_assert_cmpstr (r.content_type, ==, "application/json");
  g_assert_null (strstr (r.body, "<script"));
  sp_test_response_clear (&r);

  /* A well-formed ticket nobody has. */
  unknown = get_ticket ("FB-0000-0000-0000", 404);
  g_assert_nonnull (strstr (unknown, "not_found"));
}

static void
test_staff_reply_and_spam (void)
{
  g_autoptr(JsonObject) answered = post_feedback ("127.0.0.15", "{\"text\":\"Wann kommt die Antwort?\"}", 201);
  g_autoptr(JsonObject) spam = post_feedback ("127.0.0.15", "{\"text\":\"Billige Uhren\"}", 201);
  g_autoptr(GHashTable) rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  JsonObject *a = sp_test_staff_feedback (rows, json_object_get_string_member (answered, "ticket"));
  JsonObject *s = sp_test_staff_feedback (rows, json_object_get_string_member (spam, "ticket"));
  g_autofree char *a_body = NULL;
  g_autofree char *s_body = NULL;
  g_autoptr(JsonNode) a_node = NULL;
  g_autoptr(JsonNode) s_node = NULL;
  JsonObject *a_view, *s_view;

  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback", json_object_get_string_member (a, "id"),
                       json_object_get_int_member (a, "version"),
                       "{\"state\":\"answered\",\"reply\":\"Die Antwort kommt heute.\","
                       "\"replied\":\"2026-11-29T12:00:00Z\",\"org_unit\":\"Bürgerservice\","
                       "\"assignee\":\"redaktion\"}");
  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback", json_object_get_string_member (s, "id"),
                       json_object_get_int_member (s, "version"),
                       "{\"state\":\"spam\",\"reply\":\"interne Notiz im Antwortfeld\"}");

  a_body = get_ticket (json_object_get_string_member (answered, "ticket"), 200);
  a_node = sp_test_parse_json (a_body);
  a_view = json_node_get_object (a_node);
  g_assert_cmpstr (json_object_get_string_member (a_view, "state"), ==, "answered");
  g_assert_cmpstr (json_object_get_string_member (a_view, "reply"), ==, "Die Antwort kommt heute.");
  g_assert_cmpstr (json_object_get_string_member (a_view, "replied"), ==, "2026-11-29T12:00:00Z");
  /* Internal triage data stays internal. */
  g_assert_null (strstr (a_body, "Bürgerservice"));
  g_assert_null (strstr (a_body, "redaktion"));

  /* Spam looks like any closed feedback and shows no reply. */
  s_body = get_ticket (json_object_get_string_member (spam, "ticket"), 200);
  s_node = sp_test_parse_json (s_body);
  s_view = json_node_get_object (s_node);
  g_assert_cmpstr (json_object_get_string_member (s_view, "state"), ==, "closed");
  g_assert_true (json_object_get_null_member (s_view, "reply"));
  g_assert_null (strstr (s_body, "spam"));
}

static void
test_stats (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *week = sp_feedback_iso_week (today);
  g_autofree char *path = g_strdup_printf ("/api/v1/feedback/stats?from=%s&to=%s", today, today);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  JsonObject *stats, *service = NULL;
  JsonArray *services;
  GHashTableIter iter;
  gpointer value;
  gint64 expected_total = 0, expected_spam = 0, expected_service = 0, rating_sum = 0, rated = 0;

  /* Expected from the editors' copy of every feedback. */
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gboolean is_spam = g_strcmp0 (json_object_get_string_member (value, "state"), "spam") == 0;

      expected_spam += is_spam;
      expected_total += !is_spam;
      if (!is_spam && g_strcmp0 (json_object_get_string_member (value, "service_id"), fx.service) == 0)
        {
          expected_service++;
          if (json_object_get_int_member (value, "rating") > 0)
            {
              rating_sum += json_object_get_int_member (value, "rating");
              rated++;
            }
        }
    }
  g_assert_cmpint (expected_spam, >=, 1);
  g_assert_cmpint (rated, >=, 2);

  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET", path, fx.editor, NULL, &body), ==, 200);
  node = sp_test_parse_json (body);
  stats = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (stats, "from"), ==, today);
  g_assert_cmpint (json_object_get_int_member (stats, "count"), ==, expected_total);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "states"), "spam"),
                   ==, expected_spam);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "weeks"), week),
                   ==, expected_total);

  services = json_object_get_array_member (stats, "services");
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = json_array_get_object_element (services, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (s, "service_id", NULL), fx.service) == 0)
        service = s;
    }
  g_assert_nonnull (service);
  g_assert_cmpstr (json_object_get_string_member (service, "service_name"), ==, "Wohnsitz anmelden");
  g_assert_cmpint (json_object_get_int_member (service, "count"), ==, expected_service);
  g_assert_cmpint (json_object_get_int_member (service, "rated"), ==, rated);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (service, "average_rating"),
                                  (double) rating_sum / rated, 0.01);

  /* A period without feedback. */
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET",
                                  "/api/v1/feedback/stats?from=2020-01-01&to=2020-12-31",
                                  fx.editor, NULL, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"count\":0"));
  g_assert_nonnull (strstr (body, "\"average_rating\":null"));

  /* Editors only; days only. */
  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET", "/api/v1/feedback/stats", NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET", "/api/v1/feedback/stats", fx.staff, NULL, NULL), ==, 403);
  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET", "/api/v1/feedback/stats?from=gestern",
                                  fx.editor, NULL, NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (fx.server->base_url, "GET", "/api/v1/feedback/stats?to=2026-02-30",
                                  fx.editor, NULL, NULL), ==, 400);
}

static void
test_cors (void)
{
  SpTestResponse r = { 0 };

  /* The form on another city site may post (preflight), the statistics
   * are not offered to other origins. */
  sp_test_citizen_request (fx.server->base_url, "127.0.0.16", "OPTIONS", "/api/v1/feedback", NULL,
                           NULL, NULL, "Access-Control-Request-Method: POST", &r);
  g_assert_cmpuint (r.status, ==, 204);
  g_assert_cmpstr (r.allow_origin, ==, "*");

  sp_test_citizen_request (fx.server->base_url, "127.0.0.16", "POST", "/api/v1/feedback", NULL,
                           "application/json", "{\"rating\":4}", "Origin: https://www.jena.de", &r);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_cmpstr (r.allow_origin, ==, "*");

  sp_test_citizen_request (fx.server->base_url, "127.0.0.16", "GET", "/api/v1/feedback/stats", fx.editor,
                           NULL, NULL, "Origin: https://evil.example", &r);
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_null (r.allow_origin);
  sp_test_response_clear (&r);
}

static void
test_rate_limit (void)
{
  SpTestResponse r = { 0 };
  guint created = 0, refused = 0;

  /* A person sending a few in a minute is never refused. */
  for (guint i = 0; i < 3; i++)
    json_object_unref (post_feedback ("127.0.0.20", "{\"text\":\"Noch ein Gedanke\"}", 201));

  /* A burst of 100 is, with Retry-After; forged X-Forwarded-For headers do
   * not help (no --trusted-proxy). */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *forged = g_strdup_printf ("X-Forwarded-For: 198.51.100.%u", i);

      sp_test_citizen_request (fx.server->base_url, "127.0.0.21", "POST", "/api/v1/feedback", NULL,
                               "application/json", "{\"rating\":1}", forged, &r);
      if (r.status == 201)
        created++;
      else
        {
          g_autoptr(JsonNode) node = sp_test_parse_json (r.body);
          guint64 seconds = 0;

          g_assert_cmpuint (r.status, ==, 429);
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "error"), ==,
                           "rate_limited");
          g_assert_nonnull (r.retry_after);
          g_assert_true (g_ascii_string_to_unsigned (r.retry_after, 10, 1, 3600, &seconds, NULL));
          refused++;
        }
    }
  sp_test_response_clear (&r);
  g_assert_cmpuint (created, <=, 20);
  g_assert_cmpuint (refused, >=, 80);

  /* Someone else is not affected, and the person still can look up. */
  json_object_unref (post_feedback ("127.0.0.22", "{\"text\":\"Ich bin jemand anderes\"}", 201));
  g_free (get_ticket ("FB-0000-0000-0000", 404));
}

static void
test_retention_and_settings (void)
{
  g_autoptr(JsonObject) old = post_feedback ("127.0.0.30", "{\"text\":\"Bitte rufen Sie mich an\","
                                             "\"contact\":\"0176 555 0101\",\"consent\":true}", 201);
  g_autoptr(JsonObject) recent = post_feedback ("127.0.0.30", "{\"text\":\"Schreiben Sie mir\","
                                                "\"contact\":\"neu@example.org\",\"consent\":true}", 201);
  g_autoptr(JsonObject) medium = post_feedback ("127.0.0.30", "{\"text\":\"Mail genügt\","
                                                "\"contact\":\"mittel@example.org\",\"consent\":true}", 201);
  g_autoptr(JsonObject) changed = post_feedback ("127.0.0.30", "{\"text\":\"Neue Adresse\","
                                                 "\"contact\":\"alt@example.org\",\"consent\":true}", 201);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  JsonObject *row;

  /* An editor who had not seen the citizen's contact changes it: the old
   * value is kept in a conflict record. */
  {
    g_autofree char *status = sp_test_push_fields_status (fx.server->base_url, fx.editor, "feedback",
                                                          json_object_get_string_member (changed, "id"), 0,
                                                          "{\"contact\":\"neu2@example.org\"}");
    g_autoptr(GHashTable) conflicts = sp_test_staff_rows (fx.server->base_url, fx.editor, "conflict");
    GHashTableIter iter;
    gpointer value;
    gboolean kept = FALSE;

    g_assert_cmpstr (status, ==, "conflict");
    g_hash_table_iter_init (&iter, conflicts);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      kept |= g_strcmp0 (json_object_get_string_member (value, "lost_value"), "\"alt@example.org\"") == 0;
    g_assert_true (kept);
  }

  /* The old ones were created 100 days ago, the medium one 40 days ago. */
  sp_test_server_kill (fx.server, SIGTERM);
  sql = g_strdup_printf ("UPDATE feedback SET created = '2020-01-01T10:00:00Z' WHERE ticket IN ('%s', '%s');"
                         "UPDATE feedback SET created = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-40 days') "
                         "WHERE ticket = '%s';",
                         json_object_get_string_member (old, "ticket"),
                         json_object_get_string_member (changed, "ticket"),
                         json_object_get_string_member (medium, "ticket"));
  g_assert_cmpint (sqlite3_open (fx.server->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* Cleared at start (and hourly): the 90 days default. */
  sp_test_server_start (fx.server, FALSE);
  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (old, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (row, "text"), ==, "Bitte rufen Sie mich an");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (changed, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (medium, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "mittel@example.org");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (recent, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "neu@example.org");

  /* The city shortens the period to 30 days and the SLA to 24 hours. */
  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback_setting",
                       "feedback_setting.contact_retention_days", 0,
                       "{\"key\":\"contact_retention_days\",\"value\":\"30\"}");
  sp_test_push_fields (fx.server->base_url, fx.editor, "feedback_setting",
                       "feedback_setting.sla_hours", 0, "{\"key\":\"sla_hours\",\"value\":\"24\"}");
  sp_test_server_kill (fx.server, SIGTERM);
  sp_test_server_start (fx.server, FALSE);

  after = post_feedback ("127.0.0.30", "{\"text\":\"Nach der Änderung\"}", 201);
  g_clear_pointer (&rows, g_hash_table_unref);
  rows = sp_test_staff_rows (fx.server->base_url, fx.editor, "feedback");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (medium, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (recent, "ticket"));
  g_assert_cmpstr (json_object_get_string_member (row, "contact"), ==, "neu@example.org");
  row = sp_test_staff_feedback (rows, json_object_get_string_member (after, "ticket"));
  {
    g_autofree char *due = sp_feedback_due (json_object_get_string_member (row, "created"), 24);

    g_assert_cmpstr (json_object_get_string_member (row, "due"), ==, due);
  }

  /* No copy of the cleared contact data is kept anywhere on the server. */
  {
    g_autoptr(GHashTable) conflicts = sp_test_staff_rows (fx.server->base_url, fx.editor, "conflict");
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, conflicts);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), value);
        g_autofree char *text = json_to_string (node, FALSE);

        g_assert_null (strstr (text, "0176 555 0101"));
        g_assert_null (strstr (text, "mittel@example.org"));
        g_assert_null (strstr (text, "alt@example.org"));
        g_assert_null (strstr (text, "neu2@example.org"));
      }
  }
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  fx.server = sp_test_server_new ();
  sp_test_server_add_user (fx.server, "redaktion", "editor", "redaktion");
  sp_test_server_add_user (fx.server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_start (fx.server, FALSE);
  fx.editor = sp_test_login_token (fx.server->base_url, "redaktion", "redaktion");
  fx.staff = sp_test_login_token (fx.server->base_url, "mitarbeiter", "mitarbeiter");
  fx.service = sp_test_push_service (fx.server->base_url, fx.editor, "Wohnsitz anmelden", "published");
  fx.draft = sp_test_push_service (fx.server->base_url, fx.editor, "Baumfällgenehmigung beantragen", "draft");

  g_test_add_func ("/feedback-api/create-and-lookup", test_create_and_lookup);
  g_test_add_func ("/feedback-api/rating-only-and-general", test_rating_only_and_general);
  g_test_add_func ("/feedback-api/followup-text", test_followup_text);
  g_test_add_func ("/feedback-api/hostile-input", test_hostile_input);
  g_test_add_func ("/feedback-api/script-stored-verbatim", test_script_stored_verbatim);
  g_test_add_func ("/feedback-api/staff-reply-and-spam", test_staff_reply_and_spam);
  g_test_add_func ("/feedback-api/stats", test_stats);
  g_test_add_func ("/feedback-api/cors", test_cors);
  g_test_add_func ("/feedback-api/rate-limit", test_rate_limit);
  g_test_add_func ("/feedback-api/retention-and-settings", test_retention_and_settings);

  result = g_test_run ();

  g_free (fx.editor);
  g_free (fx.staff);
  g_free (fx.service);
  g_free (fx.draft);
  sp_test_server_free (fx.server);
  return result;
}
