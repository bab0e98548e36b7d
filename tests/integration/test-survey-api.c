/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-survey-api"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "sp-test-server.h"

#include "sp-city-time.h"
#include "sp-hlc.h"
#include "../unit/test-survey-fixture.h"

/* The survey API end to end on a real server: surveys pushed by an editor
 * through sync, the public list and definitions (de/en, drafts only as an
 * editor's preview), responses with good and hostile input for every
 * type, conditions, closed surveys, one-time access codes, size and rate
 * limits, results and both CSV exports exact, the roles, and that nothing
 * is stored when a response is refused. */

#define DEMO_ID          "demo.survey.online"
#define POSTS_PER_RUN    18      /* the rate limit allows 20 per client and process */

static SpTestServer *server;
static char *editor_token;
static char *staff_token;
static char *today;
static guint posts_this_run;

/* -- helpers -------------------------------------------------------------------- */

/* A request with a raw body; *headers (optional) gets the response
 * headers (unref them). */
static guint
request (const char          *method,
         const char          *path,
         const char          *token,
         const char          *body,
         gsize                body_len,
         char               **text,
         SoupMessageHeaders **headers,
         const char          *extra_header,
         const char          *extra_value)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (extra_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), extra_header, extra_value);
  if (body != NULL)
    {
      g_autoptr(GBytes) req = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, "application/json", req);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (text != NULL)
    *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (headers != NULL)
    *headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return soup_message_get_status (msg);
}

static JsonObject *
get_object (const char *path,
            const char *token,
            guint       expected)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = request ("GET", path, token, NULL, 0, &text, NULL, NULL, NULL);

  g_test_message ("GET %s -> %u %s", path, status, text);
  g_assert_cmpuint (status, ==, expected);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* One number from the server database (read only). */
static gint64
count_server (const char *sql)
{
  return sp_test_server_count (server, sql);
}

static gint64
stored_rows (void)
{
  return count_server ("SELECT (SELECT count(*) FROM survey_response) * 1000000 + "
                       "(SELECT count(*) FROM survey_answer)");
}

/* The limiter is per process: a new server process starts afresh. */
static void
restart_server (void)
{
  sp_test_server_kill (server, SIGTERM);
  sp_test_server_start (server, FALSE);
  posts_this_run = 0;
}

/* POST /api/v1/surveys/ID/responses; returns the status, *reply the
 * parsed answer. */
static guint
post_response (const char  *survey,
               const char  *body,
               JsonObject **reply)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/surveys/%s/responses", survey);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  if (posts_this_run >= POSTS_PER_RUN)
    restart_server ();
  posts_this_run++;

  status = request ("POST", path, NULL, body, strlen (body), &text, NULL, NULL, NULL);
  g_test_message ("POST %s %s -> %u %s", path, body, status, text);
  node = json_from_string (text, NULL);
  if (reply != NULL)
    *reply = node && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node)) : NULL;
  return status;
}

/* Posts and expects a refusal with @status and @slug (and the question
 * @question when not NULL), with nothing stored. */
static void
expect_refused (const char *survey,
                const char *body,
                guint       status,
                const char *slug,
                const char *question)
{
  g_autoptr(JsonObject) reply = NULL;
  gint64 before = stored_rows ();

  g_assert_cmpuint (post_response (survey, body, &reply), ==, status);
  g_assert_nonnull (reply);
  g_assert_cmpstr (json_object_get_string_member (reply, "error"), ==, slug);
  g_assert_nonnull (json_object_get_string_member (reply, "message"));
  if (question != NULL)
    g_assert_cmpstr (json_object_get_string_member (reply, "question"), ==, question);
  g_assert_cmpint (stored_rows (), ==, before);
}

static void
expect_stored (const char *survey,
               const char *body)
{
  g_autoptr(JsonObject) reply = NULL;
  gint64 before = count_server ("SELECT count(*) FROM survey_response");

  g_assert_cmpuint (post_response (survey, body, &reply), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (reply, "status"), ==, "stored");
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_response"), ==, before + 1);
}

/* Pushes rows (objects with "id" and fields) of @entity as the editor. */
static void
push_rows (const char *entity,
           const char *rows_json)
{
  g_autoptr(JsonNode) rows = json_from_string (rows_json, NULL);
  g_autoptr(SpHlc) hlc = sp_hlc_new ("testsurvey");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  JsonArray *array, *results;
  guint status;

  g_assert_nonnull (rows);
  array = json_node_get_array (rows);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      g_autoptr(GList) members = json_object_get_members (row);
      g_autofree char *change_id = g_uuid_string_random ();
      g_autofree char *stamp = sp_hlc_now (hlc);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "change_id");
      json_builder_add_string_value (b, change_id);
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, entity);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, json_object_get_string_member (row, "id"));
      json_builder_set_member_name (b, "base_version");
      json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "hlc");
      json_builder_add_string_value (b, stamp);
      json_builder_set_member_name (b, "op");
      json_builder_add_string_value (b, "upsert");
      json_builder_set_member_name (b, "fields");
      json_builder_begin_object (b);
      for (GList *l = members; l != NULL; l = l->next)
        if (strcmp (l->data, "id") != 0)
          {
            json_builder_set_member_name (b, l->data);
            json_builder_add_value (b, json_node_copy (json_object_get_member (row, l->data)));
          }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);

  status = sp_test_http (server->base_url, "POST", "/api/v1/sync", editor_token, body, &text);
  g_assert_cmpuint (status, ==, 200);
  answer = json_from_string (text, NULL);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                     ==, "applied");
}

static void
push_survey (const char *id,
             const char *title_en,
             const char *status,
             const char *opens,
             const char *closes,
             const char *access)
{
  g_autofree char *row = g_strdup_printf (
    "[{\"id\":\"%s\",\"title\":\"Umfrage %s\",\"title_en\":\"%s\",\"intro\":\"Einleitung\","
    "\"intro_en\":\"\",\"privacy\":\"\",\"privacy_en\":\"\",\"thanks\":\"Danke %s\","
    "\"thanks_en\":\"Thanks %s\",\"status\":\"%s\",\"opens\":\"%s\",\"closes\":\"%s\",\"access\":\"%s\"}]",
    id, id, title_en, id, id, status, opens, closes, access);

  push_rows ("survey", row);
}

/* One question row of survey @sid. */
static char *
question_row (const char *sid,
              const char *id,
              int         position,
              const char *type,
              const char *code,
              gboolean    required,
              int         max)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"survey_id\":\"%s\",\"page\":1,\"position\":%d,"
                          "\"type\":\"%s\",\"code\":\"%s\",\"text\":\"Frage %s\",\"text_en\":\"Question %s\","
                          "\"help\":\"\",\"help_en\":\"\",\"required\":%s,\"min\":0,\"max\":%d,"
                          "\"condition_question\":\"\",\"condition_option\":\"\"}",
                          id, sid, position, type, code, code, code, required ? "true" : "false", max);
}

static char *
option_row (const char *qid,
            const char *suffix,
            const char *kind,
            const char *code,
            int         position)
{
  return g_strdup_printf ("{\"id\":\"%s.%s\",\"question_id\":\"%s\",\"kind\":\"%s\",\"code\":\"%s\","
                          "\"label\":\"Antwort %s\",\"label_en\":\"Answer %s\",\"position\":%d}",
                          qid, suffix, qid, kind, code, suffix, suffix, position);
}

/* -- setup ---------------------------------------------------------------------- */

static void
setup_surveys (void)
{
  g_autofree char *yesterday = sp_city_day (-1);
  g_autofree char *tomorrow = sp_city_day (1);
  g_autofree char *fixture_survey = NULL;
  g_autoptr(GString) questions = g_string_new ("[");
  g_autoptr(GString) options = g_string_new ("[");
  static const struct { const char *id, *type, *code; int max; } t7[] = {
    { "t7.single", "single", "S1", 0 }, { "t7.multi", "multiple", "M1", 0 },
    { "t7.rate", "rating", "R1", 5 }, { "t7.num", "number", "N1", 0 },
    { "t7.text", "text", "T1", 0 }, { "t7.date", "date", "D1", 0 },
    { "t7.matrix", "matrix", "X1", 0 }, { "t7.rank", "ranking", "K1", 0 },
  };

  /* s1: the unit tests' survey with every type and two conditions. */
  fixture_survey = g_strdup_printf ("[%s]", survey_fixture_survey);
  push_rows ("survey", fixture_survey);
  push_rows ("survey_question", survey_fixture_questions);
  push_rows ("survey_option", survey_fixture_options);

  push_survey ("t2", "Code survey", "published", "", "", "code");
  push_survey ("t3", "", "published", "2020-01-01", yesterday, "public");
  push_survey ("t4", "", "draft", "", "", "public");
  push_survey ("t5", "", "published", tomorrow, "", "public");
  push_survey ("t6", "", "closed", "", "", "public");
  push_survey ("t7", "Results", "published", today, today, "public");

  /* t2, t3, t5: one required single choice each. */
  for (guint i = 0; i < 3; i++)
    {
      const char *sid = (const char *[]) { "t2", "t3", "t5" }[i];
      g_autofree char *qid = g_strdup_printf ("%s.q", sid);
      g_autofree char *q = question_row (sid, qid, 1, "single", "Q1", TRUE, 0);
      g_autofree char *o = option_row (qid, "a", "option", "A1", 1);

      g_string_append_printf (questions, "%s%s", questions->len > 1 ? "," : "", q);
      g_string_append_printf (options, "%s%s", options->len > 1 ? "," : "", o);
    }

  for (guint i = 0; i < G_N_ELEMENTS (t7); i++)
    {
      g_autofree char *q = question_row ("t7", t7[i].id, i + 1, t7[i].type, t7[i].code, FALSE, t7[i].max);

      g_string_append_printf (questions, ",%s", q);
    }
  {
    static const struct { const char *q, *suffix, *kind, *code; } t7o[] = {
      { "t7.single", "a", "option", "A1" }, { "t7.single", "b", "option", "A2" },
      { "t7.multi", "a", "option", "A1" }, { "t7.multi", "b", "option", "A2" },
      { "t7.multi", "c", "option", "A3" },
      { "t7.matrix", "r1", "row", "SQ001" }, { "t7.matrix", "r2", "row", "SQ002" },
      { "t7.matrix", "x", "option", "A1" }, { "t7.matrix", "y", "option", "A2" },
      { "t7.rank", "a", "option", "A1" }, { "t7.rank", "b", "option", "A2" },
      { "t7.rank", "c", "option", "A3" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (t7o); i++)
      {
        g_autofree char *o = option_row (t7o[i].q, t7o[i].suffix, t7o[i].kind, t7o[i].code, i + 1);

        g_string_append_printf (options, ",%s", o);
      }
  }
  g_string_append_c (questions, ']');
  g_string_append_c (options, ']');
  push_rows ("survey_question", questions->str);
  push_rows ("survey_option", options->str);
}

/* -- tests ------------------------------------------------------------------------ */

static void
test_list (void)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  JsonArray *list;

  g_assert_cmpuint (request ("GET", "/api/v1/surveys?lang=en", NULL, NULL, 0, &text, &headers,
                             "Origin", "https://www.jena.de"), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Access-Control-Allow-Origin"), ==, "*");
  node = json_from_string (text, NULL);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);

      g_string_append_printf (ids, "%s ", json_object_get_string_member (s, "id"));
      if (g_str_equal (json_object_get_string_member (s, "id"), "t7"))
        {
          g_assert_cmpstr (json_object_get_string_member (s, "title"), ==, "Results");
          g_assert_cmpstr (json_object_get_string_member (s, "closes"), ==, today);
        }
      if (g_str_equal (json_object_get_string_member (s, "id"), DEMO_ID))
        g_assert_cmpstr (json_object_get_string_member (s, "title"), ==,
                         "Satisfaction with the City of Jena's online services");
    }
  /* Open public ones only, closing soonest first (t7 closes today, the
   * demo in a year, s1 has an open end). */
  g_assert_cmpstr (ids->str, ==, "t7 " DEMO_ID " s1 ");
}

static void
test_definition (void)
{
  g_autoptr(JsonObject) de = get_object ("/api/v1/surveys/s1", NULL, 200);
  g_autoptr(JsonObject) en = get_object ("/api/v1/surveys/s1?lang=en", NULL, 200);
  g_autoptr(JsonObject) closed = get_object ("/api/v1/surveys/t3", NULL, 200);
  g_autoptr(JsonObject) preview = NULL;
  g_autoptr(JsonObject) demo = get_object ("/api/v1/surveys/" DEMO_ID, NULL, 200);
  JsonArray *questions = json_object_get_array_member (de, "questions");
  JsonObject *q1 = json_array_get_object_element (questions, 0);
  JsonObject *q5 = json_array_get_object_element (questions, 4);
  JsonObject *opt = json_array_get_object_element (json_object_get_array_member (q1, "options"), 0);
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean condition = FALSE;
  JsonArray *dq;

  /* The contract members and the extras. */
  g_assert_cmpstr (json_object_get_string_member (de, "id"), ==, "s1");
  g_assert_cmpstr (json_object_get_string_member (de, "title"), ==, "Umfrage");
  g_assert_true (json_object_get_boolean_member (de, "open"));
  g_assert_cmpstr (json_object_get_string_member (de, "access"), ==, "public");
  g_assert_cmpstr (json_object_get_string_member (de, "thanks"), ==, "Danke");
  g_assert_cmpint (json_array_get_length (questions), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (q1, "type"), ==, "single");
  g_assert_cmpstr (json_object_get_string_member (q1, "text"), ==, "Wie oft?");
  g_assert_true (json_object_get_boolean_member (q1, "required"));
  g_assert_true (json_object_has_member (q1, "rows"));
  g_assert_cmpstr (json_object_get_string_member (opt, "id"), ==, "o1a");
  g_assert_cmpstr (json_object_get_string_member (opt, "label"), ==, "Oft");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (q5, "condition"), "option"),
                   ==, "o4y");
  g_assert_cmpstr (json_object_get_string_member (en, "title"), ==, "Survey");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (en, "questions"), 0), "text"),
                   ==, "How often?");
  /* Closed ones can be shown as closed. */
  g_assert_false (json_object_get_boolean_member (closed, "open"));

  /* The demo survey: every type, a condition, two pages, de + en. */
  dq = json_object_get_array_member (demo, "questions");
  for (guint i = 0; i < json_array_get_length (dq); i++)
    {
      JsonObject *q = json_array_get_object_element (dq, i);

      g_hash_table_add (types, (gpointer) json_object_get_string_member (q, "type"));
      condition |= !json_object_get_null_member (q, "condition");
    }
  g_assert_cmpuint (g_hash_table_size (types), ==, 9);
  g_assert_true (condition);
  g_assert_cmpint (json_object_get_int_member (demo, "pages"), ==, 2);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (demo, "languages")), ==, 2);

  /* Drafts: not for citizens nor staff without the editor role; an
   * editor's preview. */
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/t4", NULL, 404);
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/t4", staff_token, 404);
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/t4", "not-a-token", 401);
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/t4", editor_token, 200);
  g_assert_cmpstr (json_object_get_string_member (preview, "status"), ==, "draft");
  g_assert_false (json_object_get_boolean_member (preview, "open"));
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/nope", NULL, 404);
  g_clear_pointer (&preview, json_object_unref);
  preview = get_object ("/api/v1/surveys/bad%20id", NULL, 404);
}

static void
test_cors (void)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(SoupMessageHeaders) staff = NULL;

  g_assert_cmpuint (request ("OPTIONS", "/api/v1/surveys/s1/responses", NULL, NULL, 0, NULL, &headers,
                             "Access-Control-Request-Method", "POST"), ==, 204);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Access-Control-Allow-Origin"), ==, "*");
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Access-Control-Allow-Methods"), "POST"));
  /* Editor endpoints are not for other sites. */
  request ("GET", "/api/v1/surveys/s1/results", editor_token, NULL, 0, NULL, &staff, NULL, NULL);
  g_assert_null (soup_message_headers_get_one (staff, "Access-Control-Allow-Origin"));
}

static const char good_s1[] =
  "{\"answers\":{\"q1\":\"o1a\",\"q2\":\"o2b\",\"q3\":[\"o3a\",\"o3b\"],\"q4\":\"o4n\",\"q6\":42,"
  "\"q7\":\"2024-02-29\",\"q8\":4,\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9s\"},"
  "\"q10\":[\"o10b\",\"o10a\",\"o10c\"]}}";

/* good_s1 with one answer replaced (value_json NULL: removed). */
static char *
s1_with (const char *qid,
         const char *value_json)
{
  g_autoptr(JsonNode) node = json_from_string (good_s1, NULL);
  JsonObject *answers = json_object_get_object_member (json_node_get_object (node), "answers");

  if (value_json == NULL)
    json_object_remove_member (answers, qid);
  else
    json_object_set_member (answers, qid, json_from_string (value_json, NULL));
  return json_to_string (node, FALSE);
}

static void
refuse_s1 (const char *qid,
           const char *value_json)
{
  g_autofree char *body = s1_with (qid, value_json);

  expect_refused ("s1", body, 400, "invalid_answer", qid);
}

static void
test_responses_good (void)
{
  gint64 answers_before = count_server ("SELECT count(*) FROM survey_answer");
  g_autofree char *english = NULL;
  g_autofree char *sql = NULL;

  expect_stored ("s1", good_s1);
  /* q1 q2 q3x2 q4 q6 q7 q8 q9x2 q10x3 */
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_answer"), ==, answers_before + 13);
  /* Only what the survey asked, the day, the language. */
  sql = g_strdup_printf ("SELECT count(*) FROM survey_response WHERE survey_id = 's1' "
                         "AND language = 'de' AND submitted = '%s'", today);
  g_assert_cmpint (count_server (sql), ==, 1);

  english = g_strdup ("{\"lang\":\"en\",\"website\":\"\",\"answers\":{\"q1\":\"o1b\",\"q4\":\"o4n\",\"q8\":1,"
                      "\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9g\"},\"q2\":null,\"q3\":[],\"q6\":\"\"}}");
  expect_stored ("s1", english);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_response WHERE survey_id = 's1' "
                                 "AND language = 'en'"), ==, 1);
}

static void
test_responses_bad (void)
{
  /* Every type: wrong type, unknown option, out of range, missing. */
  refuse_s1 ("q1", NULL);
  refuse_s1 ("q1", "\"o2a\"");
  refuse_s1 ("q1", "1");
  refuse_s1 ("q2", "[\"o2a\"]");
  refuse_s1 ("q3", "[\"o3a\",\"o3b\",\"o3c\"]");
  refuse_s1 ("q3", "[\"o3a\",\"o3a\"]");
  refuse_s1 ("q3", "\"o3a\"");
  refuse_s1 ("q6", "\"42\"");
  refuse_s1 ("q6", "101");
  refuse_s1 ("q7", "\"2023-02-29\"");
  refuse_s1 ("q7", "\"morgen\"");
  refuse_s1 ("q8", "6");
  refuse_s1 ("q8", "2.5");
  refuse_s1 ("q8", "true");
  refuse_s1 ("q9", "{\"r9a\":\"o9g\"}");
  refuse_s1 ("q9", "{\"r9a\":\"o9g\",\"r9b\":\"o1a\"}");
  refuse_s1 ("q10", "[\"o10a\",\"o10b\"]");
  refuse_s1 ("q10", "[\"o10a\",\"o10b\",\"o10x\"]");
  refuse_s1 ("nope", "\"o1a\"");
  refuse_s1 ("qx", "\"text\"");

  /* Malformed requests. */
  expect_refused ("s1", "{\"answers\":[1]}", 400, "invalid_request", NULL);
  expect_refused ("s1", "{}", 400, "invalid_request", NULL);
  expect_refused ("s1", "[]", 400, "invalid_request", NULL);
  expect_refused ("s1", "{\"answers\":", 400, "invalid_request", NULL);
  expect_refused ("s1", "{\"answers\":{},\"lang\":\"fr\"}", 400, "invalid_request", NULL);
  /* The honeypot. */
  {
    g_autofree char *bot = g_strdup_printf ("{\"website\":\"http://spam.example\",%s", good_s1 + 1);

    expect_refused ("s1", bot, 400, "rejected", NULL);
  }
  expect_refused ("nope", good_s1, 404, "not_found", NULL);
}

static void
test_condition_hidden (void)
{
  gint64 before = count_server ("SELECT count(*) FROM survey_answer WHERE question_id = 'q5'");
  g_autofree char *hidden = s1_with ("q5", "\"versteckt\"");
  g_autofree char *shown_missing = s1_with ("q4", "\"o4y\"");
  g_autofree char *shown = NULL;

  /* Q05 is hidden (Q04 = no): its answer is ignored, not stored. */
  expect_stored ("s1", hidden);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_answer WHERE question_id = 'q5'"), ==, before);
  /* Shown (Q04 = yes) it is required. */
  expect_refused ("s1", shown_missing, 400, "invalid_answer", "q5");
  {
    g_autoptr(JsonNode) node = json_from_string (shown_missing, NULL);
    JsonObject *answers = json_object_get_object_member (json_node_get_object (node), "answers");

    json_object_set_string_member (answers, "q5", "Die Seite lädt nicht");
    shown = json_to_string (node, FALSE);
  }
  expect_stored ("s1", shown);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_answer WHERE question_id = 'q5'"), ==, before + 1);
}

static void
test_closed (void)
{
  expect_refused ("t3", "{\"answers\":{\"t3.q\":\"t3.q.a\"}}", 409, "closed", NULL);
  expect_refused ("t5", "{\"answers\":{\"t5.q\":\"t5.q.a\"}}", 409, "closed", NULL);
  expect_refused ("t6", "{\"answers\":{}}", 409, "closed", NULL);
  expect_refused ("t4", "{\"answers\":{}}", 404, "not_found", NULL);
}

static void
test_oversize (void)
{
  g_autoptr(GString) big = g_string_new ("{\"answers\":{\"q1\":\"o1a\",\"q4\":\"o4y\",\"q5\":\"");
  gint64 before = stored_rows ();
  g_autofree char *text = NULL;

  while (big->len < 17 * 1024)
    g_string_append (big, "Lorem ipsum dolor sit amet. ");
  g_string_append (big, "\"}}");
  g_assert_cmpuint (request ("POST", "/api/v1/surveys/s1/responses", NULL, big->str, big->len,
                             &text, NULL, NULL, NULL), ==, 413);
  posts_this_run++;
  g_assert_nonnull (strstr (text, "too_large"));
  g_assert_cmpint (stored_rows (), ==, before);
}

static void
test_codes (void)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *code;
  JsonArray *codes;

  /* Editors only, 1..1000. */
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", staff_token,
                                  "{\"count\":3}", NULL), ==, 403);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", NULL,
                                  "{\"count\":3}", NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", editor_token,
                                  "{\"count\":0}", NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", editor_token,
                                  "{\"count\":1001}", NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", editor_token,
                                  "{\"count\":\"3\"}", NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/nope/codes", editor_token,
                                  "{\"count\":3}", NULL), ==, 404);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_code"), ==, 0);

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/surveys/t2/codes", editor_token,
                                  "{\"count\":3}", &text), ==, 201);
  node = json_from_string (text, NULL);
  codes = json_object_get_array_member (json_node_get_object (node), "codes");
  g_assert_cmpuint (json_array_get_length (codes), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const char *c = json_array_get_string_element (codes, i);

      g_assert_cmpuint (strlen (c), ==, 14);
      g_assert_true (c[4] == '-' && c[9] == '-');
      g_assert_true (g_hash_table_add (seen, (gpointer) c));
    }
  code = json_array_get_string_element (codes, 0);

  /* Stored as SHA-256 only, never in the clear. */
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_code WHERE survey_id = 't2' AND used = 0 "
                                 "AND length(code_hash) = 64"), ==, 3);
  {
    g_autofree char *compact = NULL;
    GString *s = g_string_new (NULL);

    for (const char *p = code; *p; p++)
      if (*p != '-')
        g_string_append_c (s, *p);
    compact = g_string_free (s, FALSE);
    hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, compact, -1);
    sql = g_strdup_printf ("SELECT count(*) FROM survey_code WHERE code_hash = '%s'", hash);
    g_assert_cmpint (count_server (sql), ==, 1);
    g_free (sql);
    sql = g_strdup_printf ("SELECT count(*) FROM survey_code WHERE code_hash LIKE '%%%s%%'", compact);
    g_assert_cmpint (count_server (sql), ==, 0);
  }

  /* No code, an unknown one, then the code typed sloppily, then again. */
  expect_refused ("t2", "{\"answers\":{\"t2.q\":\"t2.q.a\"}}", 403, "code_required", NULL);
  expect_refused ("t2", "{\"answers\":{\"t2.q\":\"t2.q.a\"},\"code\":\"\"}", 403, "code_required", NULL);
  expect_refused ("t2", "{\"answers\":{\"t2.q\":\"t2.q.a\"},\"code\":\"AAAA-BBBB-CCCC\"}", 403, "code_invalid", NULL);
  /* A bad answer with a good code spends nothing. */
  body = g_strdup_printf ("{\"answers\":{},\"code\":\"%s\"}", code);
  expect_refused ("t2", body, 400, "invalid_answer", "t2.q");
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_code WHERE used = 1"), ==, 0);

  lower = g_ascii_strdown (code, -1);
  g_free (body);
  body = g_strdup_printf ("{\"answers\":{\"t2.q\":\"t2.q.a\"},\"code\":\" %.4s %s \"}", lower, lower + 5);
  expect_stored ("t2", body);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_code WHERE used = 1"), ==, 1);
  g_free (body);
  body = g_strdup_printf ("{\"answers\":{\"t2.q\":\"t2.q.a\"},\"code\":\"%s\"}", code);
  expect_refused ("t2", body, 403, "code_used", NULL);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_response WHERE survey_id = 't2'"), ==, 1);
  /* The response table has no place for a code, a time or an address. */
  g_assert_cmpint (count_server ("SELECT count(*) FROM pragma_table_info('survey_response')"), ==, 4);

  /* Another code still works once. */
  g_free (body);
  body = g_strdup_printf ("{\"answers\":{\"t2.q\":\"t2.q.a\"},\"code\":\"%s\"}",
                          json_array_get_string_element (codes, 1));
  expect_stored ("t2", body);
  g_assert_cmpint (count_server ("SELECT count(*) FROM survey_code WHERE used = 1"), ==, 2);
}

/* -- results and exports ------------------------------------------------------------ */

static const char * const t7_responses[] = {
  "{\"lang\":\"en\",\"answers\":{\"t7.single\":\"t7.single.a\",\"t7.multi\":[\"t7.multi.a\",\"t7.multi.b\"],"
  "\"t7.rate\":5,\"t7.num\":10,\"t7.text\":\"eins, \\\"zwei\\\"\",\"t7.date\":\"2026-01-01\","
  "\"t7.matrix\":{\"t7.matrix.r1\":\"t7.matrix.x\",\"t7.matrix.r2\":\"t7.matrix.y\"},"
  "\"t7.rank\":[\"t7.rank.a\",\"t7.rank.b\",\"t7.rank.c\"]}}",
  "{\"answers\":{\"t7.single\":\"t7.single.a\",\"t7.multi\":[\"t7.multi.b\"],"
  "\"t7.rate\":3,\"t7.num\":2.5,\"t7.text\":\"<script>alert(1)</script>\",\"t7.date\":\"2026-01-01\","
  "\"t7.matrix\":{\"t7.matrix.r1\":\"t7.matrix.x\"},"
  "\"t7.rank\":[\"t7.rank.b\",\"t7.rank.a\",\"t7.rank.c\"]}}",
  "{\"answers\":{\"t7.single\":\"t7.single.b\",\"t7.rate\":4,\"t7.num\":4,"
  "\"t7.text\":\"<img src=x onerror=alert(1)>\",\"t7.date\":\"2026-02-03\","
  "\"t7.rank\":[\"t7.rank.b\",\"t7.rank.c\",\"t7.rank.a\"]}}",
};

static void
assert_counts (JsonObject *counts,
               const char *expected)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, counts);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_results (void)
{
  g_autoptr(JsonObject) results = NULL;
  g_autoptr(JsonObject) denied = NULL;
  JsonObject *q, *s;

  for (guint i = 0; i < G_N_ELEMENTS (t7_responses); i++)
    expect_stored ("t7", t7_responses[i]);

  /* Roles: editors only. */
  denied = get_object ("/api/v1/surveys/t7/results", staff_token, 403);
  g_clear_pointer (&denied, json_object_unref);
  denied = get_object ("/api/v1/surveys/t7/results", NULL, 401);

  results = get_object ("/api/v1/surveys/t7/results", editor_token, 200);
  g_assert_cmpint (json_object_get_int_member (results, "responses"), ==, 3);
  q = json_object_get_object_member (results, "questions");

  s = json_object_get_object_member (q, "t7.single");
  g_assert_cmpstr (json_object_get_string_member (s, "type"), ==, "single");
  g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 3);
  assert_counts (json_object_get_object_member (s, "options"), "{\"t7.single.a\":2,\"t7.single.b\":1}");

  s = json_object_get_object_member (q, "t7.multi");
  g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 2);
  assert_counts (json_object_get_object_member (s, "options"),
                 "{\"t7.multi.a\":1,\"t7.multi.b\":2,\"t7.multi.c\":0}");

  s = json_object_get_object_member (q, "t7.rate");
  g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (s, "mean"), ==, 4.0);
  g_assert_cmpfloat (json_object_get_double_member (s, "median"), ==, 4.0);
  g_assert_cmpfloat (json_object_get_double_member (s, "min"), ==, 3.0);
  g_assert_cmpfloat (json_object_get_double_member (s, "max"), ==, 5.0);
  assert_counts (json_object_get_object_member (s, "histogram"), "{\"1\":0,\"2\":0,\"3\":1,\"4\":1,\"5\":1}");

  s = json_object_get_object_member (q, "t7.num");
  g_assert_cmpfloat (json_object_get_double_member (s, "mean"), ==, 5.5);
  g_assert_cmpfloat (json_object_get_double_member (s, "median"), ==, 4.0);
  g_assert_cmpfloat (json_object_get_double_member (s, "min"), ==, 2.5);
  g_assert_cmpfloat (json_object_get_double_member (s, "max"), ==, 10.0);
  g_assert_false (json_object_has_member (s, "histogram"));

  s = json_object_get_object_member (q, "t7.text");
  {
    JsonArray *texts = json_object_get_array_member (s, "texts");

    g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 3);
    g_assert_cmpuint (json_array_get_length (texts), ==, 3);
    /* Newest first, verbatim: escaping is the job of whoever shows it. */
    g_assert_cmpstr (json_array_get_string_element (texts, 0), ==, "<img src=x onerror=alert(1)>");
    g_assert_cmpstr (json_array_get_string_element (texts, 1), ==, "<script>alert(1)</script>");
    g_assert_cmpstr (json_array_get_string_element (texts, 2), ==, "eins, \"zwei\"");
  }

  s = json_object_get_object_member (q, "t7.date");
  assert_counts (json_object_get_object_member (s, "days"), "{\"2026-01-01\":2,\"2026-02-03\":1}");

  s = json_object_get_object_member (q, "t7.matrix");
  g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 2);
  assert_counts (json_object_get_object_member (s, "rows"),
                 "{\"t7.matrix.r1\":{\"t7.matrix.x\":2,\"t7.matrix.y\":0},"
                 "\"t7.matrix.r2\":{\"t7.matrix.x\":0,\"t7.matrix.y\":1}}");

  s = json_object_get_object_member (q, "t7.rank");
  g_assert_cmpint (json_object_get_int_member (s, "answered"), ==, 3);
  assert_counts (json_object_get_object_member (s, "first"),
                 "{\"t7.rank.a\":1,\"t7.rank.b\":2,\"t7.rank.c\":0}");
  {
    JsonObject *mean = json_object_get_object_member (s, "mean_rank");

    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (mean, "t7.rank.a"), 2.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (mean, "t7.rank.b"), 4.0 / 3, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (mean, "t7.rank.c"), 8.0 / 3, 1e-9);
  }
}

static char *
get_csv (const char *query,
         const char *token,
         guint       expected,
         char      **content_type)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/surveys/t7/responses.csv%s", query);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  char *text = NULL;

  g_assert_cmpuint (request ("GET", path, token, NULL, 0, &text, &headers, NULL, NULL), ==, expected);
  if (content_type != NULL)
    *content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  return text;
}

static void
test_csv (void)
{
  g_autofree char *lime = NULL, *plain = NULL, *denied = NULL, *type = NULL, *expected = NULL;
  g_autofree char *bad = NULL;
  gint64 first = count_server ("SELECT min(id) FROM survey_response WHERE survey_id = 't7'");

  denied = get_csv ("", staff_token, 403, NULL);
  g_free (denied);
  denied = get_csv ("", NULL, 401, NULL);
  bad = get_csv ("?format=excel", editor_token, 400, NULL);

  lime = get_csv ("?format=limesurvey", editor_token, 200, &type);
  g_assert_cmpstr (type, ==, "text/csv");
  expected = g_strdup_printf (
    "\"id\",\"submitdate\",\"lastpage\",\"startlanguage\",\"S1\",\"M1[A1]\",\"M1[A2]\",\"M1[A3]\","
    "\"R1\",\"N1\",\"T1\",\"D1\",\"X1[SQ001]\",\"X1[SQ002]\",\"K1[1]\",\"K1[2]\",\"K1[3]\"\r\n"
    "\"%" G_GINT64_FORMAT "\",\"%s 00:00:00\",\"1\",\"en\",\"A1\",\"Y\",\"Y\",\"\",\"5\",\"10\","
    "\"eins, \"\"zwei\"\"\",\"2026-01-01\",\"A1\",\"A2\",\"A1\",\"A2\",\"A3\"\r\n"
    "\"%" G_GINT64_FORMAT "\",\"%s 00:00:00\",\"1\",\"de\",\"A1\",\"\",\"Y\",\"\",\"3\",\"2.5\","
    "\"<script>alert(1)</script>\",\"2026-01-01\",\"A1\",\"\",\"A2\",\"A1\",\"A3\"\r\n"
    "\"%" G_GINT64_FORMAT "\",\"%s 00:00:00\",\"1\",\"de\",\"A2\",\"\",\"\",\"\",\"4\",\"4\","
    "\"<img src=x onerror=alert(1)>\",\"2026-02-03\",\"\",\"\",\"A2\",\"A3\",\"A1\"\r\n",
    first, today, first + 1, today, first + 2, today);
  g_assert_cmpstr (lime, ==, expected);

  plain = get_csv ("", editor_token, 200, NULL);
  g_free (expected);
  expected = g_strdup_printf (
    "\"Antwort\",\"Datum\",\"Sprache\",\"Frage S1\",\"Frage M1\",\"Frage R1\",\"Frage N1\",\"Frage T1\","
    "\"Frage D1\",\"Frage X1 [Antwort r1]\",\"Frage X1 [Antwort r2]\",\"Frage K1\"\r\n"
    "\"%" G_GINT64_FORMAT "\",\"%s\",\"en\",\"Antwort a\",\"Antwort a; Antwort b\",\"5\",\"10\","
    "\"eins, \"\"zwei\"\"\",\"2026-01-01\",\"Antwort x\",\"Antwort y\",\"Antwort a; Antwort b; Antwort c\"\r\n",
    first, today);
  g_assert_true (g_str_has_prefix (plain, expected));
  /* Header and three responses. */
  {
    g_auto(GStrv) lines = g_strsplit (plain, "\r\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 5);
    g_assert_cmpstr (lines[4], ==, "");
  }
}

static void
test_rate_limit (void)
{
  guint limited = 0;
  gint64 before;

  restart_server ();
  before = stored_rows ();
  /* A person sending a few is never refused; a burst of 30 is. */
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(SoupMessageHeaders) headers = NULL;
      guint status = request ("POST", "/api/v1/surveys/t3/responses", NULL, "{\"answers\":{}}", 14,
                              NULL, &headers, NULL, NULL);

      if (i < 5)
        g_assert_cmpuint (status, ==, 409);
      if (status == 429)
        {
          limited++;
          g_assert_nonnull (soup_message_headers_get_one (headers, "Retry-After"));
        }
    }
  g_assert_cmpuint (limited, >=, 5);
  g_assert_cmpint (stored_rows (), ==, before);
  restart_server ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = sp_test_server_new ();
  sp_test_server_start (server, TRUE);
  editor_token = sp_test_login_token (server->base_url, "redaktion", "redaktion");
  staff_token = sp_test_login_token (server->base_url, "mitarbeiter", "mitarbeiter");
  today = sp_city_day (0);
  setup_surveys ();

  g_test_add_func ("/survey-api/list", test_list);
  g_test_add_func ("/survey-api/definition", test_definition);
  g_test_add_func ("/survey-api/cors", test_cors);
  g_test_add_func ("/survey-api/responses/good", test_responses_good);
  g_test_add_func ("/survey-api/responses/bad", test_responses_bad);
  g_test_add_func ("/survey-api/responses/condition", test_condition_hidden);
  g_test_add_func ("/survey-api/responses/closed", test_closed);
  g_test_add_func ("/survey-api/responses/oversize", test_oversize);
  g_test_add_func ("/survey-api/codes", test_codes);
  g_test_add_func ("/survey-api/results", test_results);
  g_test_add_func ("/survey-api/csv", test_csv);
  g_test_add_func ("/survey-api/rate-limit", test_rate_limit);

  ret = g_test_run ();

  sp_test_server_free (server);
  g_free (editor_token);
  g_free (staff_token);
  g_free (today);
  return ret;
}
