/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-handoff-api"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "sp-office-hours.h"
#include "sp-test-server.h"

/* The bot hand-off against a real server: closed out of office hours (with
 * the next opening), a conversation in hours that staff answer and close
 * while the citizen's long-poll gets each step at once, call back requests
 * only with consent, staff-only inbox endpoints, a held long-poll that
 * blocks nothing, and closed conversations deleted after 30 days. */

typedef struct {
  SpTestServer *server;
  char         *editor;    /* token of redaktion (editor) */
  guint         n_changes;
} Fixture;

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* HTTP with a JSON answer; asserts @status and returns the object. */
static JsonObject *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      guint       status)
{
  g_autofree char *text = NULL;
  guint got = sp_test_http (f->server->base_url, method, path, token, body, &text);

  if (got != status)
    g_error ("%s %s: expected %u, got %u: %s", method, path, status, got, text);
  return parse_object (text);
}

/* Pushes one bot_hours/bot_setting change through the sync API as editor;
 * returns the row's new version. */
static gint64
push (Fixture    *f,
      const char *entity,
      const char *id,
      gint64      base_version,
      const char *fields_json)   /* NULL: delete */
{
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:handofftest",
                                          g_get_real_time () / 1000 + f->n_changes);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *result;

  body = g_strdup_printf ("{\"changes\":[{\"change_id\":\"handoff-test-%u\",\"entity\":\"%s\","
                          "\"id\":\"%s\",\"base_version\":%" G_GINT64_FORMAT ",\"hlc\":\"%s\","
                          "\"op\":\"%s\"%s%s}]}",
                          f->n_changes++, entity, id, base_version, hlc,
                          fields_json ? "upsert" : "delete",
                          fields_json ? ",\"fields\":" : "", fields_json ? fields_json : "");
  answer = call (f, "POST", "/api/v1/sync", f->editor, body, 200);
  result = json_array_get_object_element (json_object_get_array_member (answer, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return json_object_get_int_member (result, "version");
}

/* Today in Berlin, "YYYY-MM-DD"; *holiday whether it is a public holiday. */
static char *
berlin_today (gboolean *holiday)
{
  g_autoptr(GDateTime) now = sp_city_now ();

  *holiday = sp_office_hours_holiday_name (g_date_time_get_year (now),
                                           g_date_time_get_month (now),
                                           g_date_time_get_day_of_month (now)) != NULL;
  return g_date_time_format (now, "%Y-%m-%d");
}

/* -- a long-poll in a thread ------------------------------------------------------ */

typedef struct {
  char   *base_url;
  char   *path;
  char   *token;
  guint   status;
  char   *body;
  gint    done;
  gint64  returned;    /* monotonic us */
} Poll;

static gpointer
poll_thread (gpointer data)
{
  Poll *poll = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (poll->base_url, poll->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;

  /* Like sp_test_http, but a connection the server drops gives status 0. */
  if (poll->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", poll->token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_session_set_timeout (session, 60);
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  poll->status = bytes ? soup_message_get_status (msg) : 0;
  poll->body = bytes ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  poll->returned = g_get_monotonic_time ();
  g_atomic_int_set (&poll->done, 1);
  return NULL;
}

static GThread *
poll_start (Poll       *poll,
            Fixture    *f,
            const char *path,
            const char *token)
{
  memset (poll, 0, sizeof *poll);
  poll->base_url = g_strdup (f->server->base_url);
  poll->path = g_strdup (path);
  poll->token = g_strdup (token);
  return g_thread_new ("poll", poll_thread, poll);
}

/* Waits for the poll; asserts 200 and returns its answer. */
static JsonObject *
poll_finish (Poll    *poll,
             GThread *thread)
{
  JsonObject *o;

  g_thread_join (thread);
  g_assert_cmpuint (poll->status, ==, 200);
  o = parse_object (poll->body);
  g_free (poll->base_url);
  g_free (poll->path);
  g_free (poll->token);
  g_free (poll->body);
  return o;
}

static gboolean
poll_done (Poll *poll)
{
  return g_atomic_int_get (&poll->done) != 0;
}

/* -- helpers on answers ------------------------------------------------------------ */

static JsonObject *
find_conversation (JsonObject *list,
                   const char *id)
{
  JsonArray *a = json_object_get_array_member (list, "conversations");

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *c = json_array_get_object_element (a, i);

      if (g_strcmp0 (json_object_get_string_member (c, "id"), id) == 0)
        return c;
    }
  return NULL;
}

static gint64
position_of (JsonObject *list,
             const char *id)
{
  JsonArray *a = json_object_get_array_member (list, "conversations");

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (a, i), "id"), id) == 0)
        return i;
    }
  return -1;
}

static gint64
kpi_of (JsonObject *kpi,
        const char *channel,
        const char *counter)
{
  JsonArray *days = json_object_get_array_member (kpi, "days");
  gint64 sum = 0;

  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *d = json_array_get_object_element (days, i);

      if (g_strcmp0 (json_object_get_string_member (d, "channel"), channel) == 0)
        sum += json_object_get_int_member (d, counter);
    }
  return sum;
}

static JsonObject *
open_conversation (Fixture    *f,
                   const char *question,
                   const char *lang)
{
  g_autofree char *body = g_strdup_printf ("{\"session\":\"s-%s\",\"question\":\"%s\",\"lang\":\"%s\"}",
                                           lang, question, lang);
  return call (f, "POST", "/api/v1/bot/handoff", NULL, body, 201);
}

static void
test_handoff (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *admin = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *hr = NULL;
  g_autofree char *today = NULL;
  g_autofree char *closure_fields = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *callback = NULL;
  gint64 closure_version;
  gboolean holiday = FALSE;

  f->server = sp_test_server_new ();
  sp_test_server_add_user (f->server, "redaktion", "editor", "redaktion");
  sp_test_server_add_user (f->server, "admin", "admin", "admin");
  sp_test_server_add_user (f->server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_add_user (f->server, "personal", "hr", "personal");
  sp_test_server_start (f->server, FALSE);
  f->editor = sp_test_login_token (f->server->base_url, "redaktion", "redaktion");
  admin = sp_test_login_token (f->server->base_url, "admin", "admin");
  staff = sp_test_login_token (f->server->base_url, "mitarbeiter", "mitarbeiter");
  hr = sp_test_login_token (f->server->base_url, "personal", "personal");

  /* No office hours set: closed, no next opening, a call back offered. */
  {
    g_autoptr(JsonObject) o = call (f, "POST", "/api/v1/bot/handoff", NULL,
                                    "{\"session\":\"s1\",\"question\":\"Wie melde ich mich um?\",\"lang\":\"de\"}", 409);

    g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "closed_hours");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "Rückruf"));
    g_assert_true (json_object_get_null_member (o, "next_open"));
    g_assert_true (json_object_get_boolean_member (o, "callback"));
  }

  /* Open every day around the clock ("24:00" is the end of the day), but
   * closed today by a closure row: still closed, next opening tomorrow. */
  for (int wd = 1; wd <= 7; wd++)
    {
      g_autofree char *id = g_strdup_printf ("test.hours.%d", wd);
      g_autofree char *fields = g_strdup_printf ("{\"kind\":\"weekly\",\"weekday\":%d,"
                                                 "\"opens\":\"00:00\",\"closes\":\"24:00\"}", wd);
      push (f, "bot_hours", id, 0, fields);
    }
  today = berlin_today (&holiday);
  closure_fields = g_strdup_printf ("{\"kind\":\"closure\",\"day\":\"%s\",\"note\":\"Test\"}", today);
  closure_version = push (f, "bot_hours", "test.hours.closure", 0, closure_fields);
  {
    g_autoptr(JsonObject) o = call (f, "POST", "/api/v1/bot/handoff", NULL,
                                    "{\"session\":\"s1\",\"question\":\"Passport?\",\"lang\":\"en\"}", 409);
    const char *next = json_object_get_string_member (o, "next_open");
    g_autoptr(GDateTime) when = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "closed_hours");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "We are back on"));
    g_assert_nonnull (next);
    when = g_date_time_new_from_iso8601 (next, NULL);
    g_assert_nonnull (when);
    /* Berlin midnight after today (or after a holiday that follows). */
    g_assert_cmpint (g_date_time_difference (when, now), >, 0);
    g_assert_cmpint (g_date_time_difference (when, now), <=, 4 * G_TIME_SPAN_DAY);
    g_assert_nonnull (strstr (next, "T00:00:00"));
  }
  push (f, "bot_hours", "test.hours.closure", closure_version, NULL);

  /* Call back requests: only with consent (literally true), any time. */
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"Bitte zurückrufen\",\"contact\":\"0151 2345678\",\"lang\":\"de\"}", 400);
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"Bitte zurückrufen\",\"contact\":\"0151 2345678\",\"consent\":\"true\"}", 400);
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"Bitte zurückrufen\",\"contact\":\"0151 2345678\",\"consent\":false}", 400);
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"Bitte zurückrufen\",\"contact\":\"01\",\"consent\":true}", 400);
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"  \",\"contact\":\"0151 2345678\",\"consent\":true}", 400);
  call (f, "POST", "/api/v1/bot/callback", NULL,
        "{\"question\":\"Bitte zurückrufen\",\"contact\":\"0151 2345678\",\"consent\":true,\"channel\":\"fax\"}", 400);
  {
    g_autoptr(JsonObject) o = call (f, "POST", "/api/v1/bot/callback", NULL,
                                    "{\"question\":\"Bitte zurückrufen wegen Kita-Platz\","
                                    "\"contact\":\"0151 2345678\",\"consent\":true,\"lang\":\"de\"}", 201);

    callback = g_strdup (json_object_get_string_member (o, "conversation"));
    g_assert_cmpuint (strlen (callback), ==, 32);
    g_assert_cmpint (json_object_get_int_member (o, "callback_hours"), ==, 24);
    g_assert_nonnull (strstr (json_object_get_string_member (o, "message"),
                              "Rückruf innerhalb von 24 Stunden"));
  }
  push (f, "bot_setting", "bot_setting.callback_hours", 0, "{\"key\":\"callback_hours\",\"value\":\"48\"}");
  {
    g_autoptr(JsonObject) o = call (f, "POST", "/api/v1/bot/callback", NULL,
                                    "{\"question\":\"Call me\",\"contact\":\"me@example.org\","
                                    "\"consent\":true,\"lang\":\"en\",\"channel\":\"voice\"}", 201);

    g_assert_cmpint (json_object_get_int_member (o, "callback_hours"), ==, 48);
    g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "within 48 hours"));
  }

  /* Staff endpoints: a token, and the editor or admin role. */
  call (f, "GET", "/api/v1/handoff/conversations", NULL, NULL, 401);
  call (f, "GET", "/api/v1/handoff/events?after=0", NULL, NULL, 401);
  call (f, "GET", "/api/v1/handoff/conversations", staff, NULL, 403);
  call (f, "GET", "/api/v1/handoff/conversations", hr, NULL, 403);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/handoff/conversations/%s/messages", callback);
    call (f, "POST", path, staff, "{\"text\":\"Hallo\"}", 403);
  }
  call (f, "GET", "/api/v1/handoff/conversations?state=nonsense", f->editor, NULL, 400);

  /* The call back request is in the inbox, with the contact. */
  {
    g_autoptr(JsonObject) list = call (f, "GET", "/api/v1/handoff/conversations?state=waiting", admin, NULL, 200);
    JsonObject *c = find_conversation (list, callback);

    g_assert_nonnull (c);
    g_assert_cmpstr (json_object_get_string_member (c, "kind"), ==, "callback");
    g_assert_cmpstr (json_object_get_string_member (c, "contact"), ==, "0151 2345678");
    g_assert_cmpstr (json_object_get_string_member (c, "question"), ==, "Bitte zurückrufen wegen Kita-Platz");
  }

  if (holiday)
    {
      /* Closed all day on a Thuringian public holiday whatever the rows say. */
      g_autoptr(JsonObject) o = call (f, "POST", "/api/v1/bot/handoff", NULL,
                                      "{\"session\":\"s1\",\"question\":\"Hallo\"}", 409);
      g_test_message ("today is a public holiday in Thuringia: in-hours part skipped");
      sp_test_server_free (f->server);
      g_free (f->editor);
      g_test_skip ("public holiday");
      return;
    }

  /* In hours: two citizens open conversations. */
  {
    g_autoptr(JsonObject) a = open_conversation (f, "Wie melde ich meine Wohnung an?", "de");
    g_autoptr(JsonObject) b = NULL;

    g_usleep (1100 * 1000);   /* a later creation second */
    b = open_conversation (f, "How do I get a parking permit?", "en");
    first = g_strdup (json_object_get_string_member (a, "conversation"));
    second = g_strdup (json_object_get_string_member (b, "conversation"));
    g_assert_cmpstr (json_object_get_string_member (a, "state"), ==, "waiting");
    g_assert_nonnull (strstr (json_object_get_string_member (b, "message"), "member of staff"));
    g_assert_cmpuint (strlen (first), ==, 32);
    g_assert_cmpstr (first, !=, second);
  }
  call (f, "POST", "/api/v1/bot/handoff", NULL, "{\"question\":\"\"}", 400);
  call (f, "POST", "/api/v1/bot/handoff", NULL, "{\"question\":\"Hallo\",\"lang\":\"fr\"}", 400);
  call (f, "POST", "/api/v1/bot/handoff", NULL, "[1,2]", 400);

  /* Staff see both waiting, the one waiting longest first. */
  {
    g_autoptr(JsonObject) list = call (f, "GET", "/api/v1/handoff/conversations?state=waiting", f->editor, NULL, 200);
    JsonObject *c = find_conversation (list, first);

    g_assert_nonnull (c);
    g_assert_cmpint (position_of (list, first), <, position_of (list, second));
    g_assert_cmpint (json_object_get_int_member (c, "messages"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (c, "unanswered"), ==, 1);
    g_assert_true (json_object_get_null_member (c, "assignee"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "last_message"), "text"),
                     ==, "Wie melde ich meine Wohnung an?");
  }

  /* The citizen's long-poll is held, blocks nothing, and returns the
   * staff answer at once. */
  {
    g_autofree char *events = g_strdup_printf ("/api/v1/bot/handoff/%s/events?after=0", first);
    g_autoptr(JsonObject) now = call (f, "GET", events, NULL, NULL, 200);
    JsonArray *messages = json_object_get_array_member (now, "messages");
    gint64 question_id;
    g_autofree char *held = NULL;
    g_autofree char *reply_path = g_strdup_printf ("/api/v1/handoff/conversations/%s/messages", first);
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(JsonObject) got = NULL;
    GThread *thread;
    Poll poll;
    gint64 posted, start;

    /* Messages already there: at once. */
    g_assert_cmpuint (json_array_get_length (messages), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (now, "state"), ==, "waiting");
    question_id = json_object_get_int_member (json_array_get_object_element (messages, 0), "id");

    held = g_strdup_printf ("/api/v1/bot/handoff/%s/events?after=%" G_GINT64_FORMAT, first, question_id);
    thread = poll_start (&poll, f, held, NULL);
    g_usleep (700 * 1000);
    g_assert_false (poll_done (&poll));

    /* Meanwhile the server answers everything else. */
    start = g_get_monotonic_time ();
    g_assert_cmpuint (sp_test_http (f->server->base_url, "GET", "/healthz", NULL, NULL, NULL), ==, 200);
    {
      g_autoptr(JsonObject) list = call (f, "GET", "/api/v1/handoff/conversations?state=open", f->editor, NULL, 200);
      g_assert_nonnull (find_conversation (list, second));
    }
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    g_assert_false (poll_done (&poll));

    posted = g_get_monotonic_time ();
    reply = call (f, "POST", reply_path, f->editor, "{\"text\":\"Guten Tag! Sie brauchen einen Termin im Bürgerbüro.\"}", 201);
    g_assert_cmpstr (json_object_get_string_member (reply, "state"), ==, "active");
    got = poll_finish (&poll, thread);
    g_assert_cmpint (poll.returned - posted, <, G_USEC_PER_SEC);
    messages = json_object_get_array_member (got, "messages");
    g_assert_cmpuint (json_array_get_length (messages), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "sender"), ==, "staff");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "text"), ==,
                     "Guten Tag! Sie brauchen einen Termin im Bürgerbüro.");
    g_assert_false (json_object_has_member (json_array_get_object_element (messages, 0), "staff_user"));
    g_assert_cmpstr (json_object_get_string_member (got, "state"), ==, "active");
  }

  /* The staff inbox long-poll: reset first, then the citizen's next
   * message at once. */
  {
    g_autoptr(JsonObject) reset = call (f, "GET", "/api/v1/handoff/events?after=0", f->editor, NULL, 200);
    g_autofree char *path = NULL;
    g_autofree char *msg_path = g_strdup_printf ("/api/v1/bot/handoff/%s/messages", first);
    g_autoptr(JsonObject) got = NULL;
    g_autoptr(JsonObject) sent = NULL;
    JsonObject *c;
    GThread *thread;
    Poll poll;
    gint64 posted;

    g_assert_true (json_object_get_boolean_member (reset, "reset"));
    g_assert_nonnull (find_conversation (reset, first));
    g_assert_nonnull (find_conversation (reset, callback));
    path = g_strdup_printf ("/api/v1/handoff/events?after=%" G_GINT64_FORMAT,
                            json_object_get_int_member (reset, "cursor"));
    thread = poll_start (&poll, f, path, f->editor);
    g_usleep (700 * 1000);
    g_assert_false (poll_done (&poll));

    posted = g_get_monotonic_time ();
    sent = call (f, "POST", msg_path, NULL, "{\"text\":\"Danke! Welche Unterlagen brauche ich?\"}", 201);
    got = poll_finish (&poll, thread);
    g_assert_cmpint (poll.returned - posted, <, G_USEC_PER_SEC);
    g_assert_false (json_object_get_boolean_member (got, "reset"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (got, "conversations")), ==, 1);
    c = find_conversation (got, first);
    g_assert_nonnull (c);
    g_assert_cmpint (json_object_get_int_member (c, "unanswered"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (c, "assignee"), ==, "redaktion");
    g_assert_cmpint (json_object_get_int_member (got, "cursor"), >, json_object_get_int_member (reset, "cursor"));
  }

  /* Counted in the bot KPIs of today: two hand-offs (chat), two call
   * backs (one by chat, one by voice). */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/bot/kpi?from=%s&to=%s", today, today);
    g_autoptr(JsonObject) kpi = call (f, "GET", path, f->editor, NULL, 200);

    g_assert_cmpint (kpi_of (kpi, "chat", "handoffs"), ==, 2);
    g_assert_cmpint (kpi_of (kpi, "chat", "callbacks"), ==, 1);
    g_assert_cmpint (kpi_of (kpi, "voice", "callbacks"), ==, 1);
    g_assert_cmpint (kpi_of (kpi, "voice", "handoffs"), ==, 0);
  }

  /* Citizen input checks. */
  {
    g_autofree char *msg_path = g_strdup_printf ("/api/v1/bot/handoff/%s/messages", first);
    g_autofree char *long_text = g_strnfill (2001, 'a');
    g_autofree char *long_body = g_strdup_printf ("{\"text\":\"%s\"}", long_text);
    g_autofree char *max_text = g_strnfill (2000, 'b');
    g_autofree char *max_body = g_strdup_printf ("{\"text\":\"%s\"}", max_text);

    call (f, "POST", msg_path, NULL, long_body, 400);
    call (f, "POST", msg_path, NULL, "{\"text\":\"   \"}", 400);
    call (f, "POST", msg_path, NULL, "{\"text\":42}", 400);
    call (f, "POST", msg_path, NULL, max_body, 201);
    call (f, "POST", "/api/v1/bot/handoff/0123456789abcdef0123456789abcdef/messages", NULL,
          "{\"text\":\"Hallo\"}", 404);
    call (f, "POST", "/api/v1/bot/handoff/not-an-id/messages", NULL, "{\"text\":\"Hallo\"}", 404);
    call (f, "GET", "/api/v1/bot/handoff/0123456789abcdef0123456789abcdef/events?after=0", NULL, NULL, 404);
    call (f, "GET", "/api/v1/handoff/conversations/0123456789abcdef0123456789abcdef", f->editor, NULL, 404);
  }

  /* The transcript for staff. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/handoff/conversations/%s", first);
    g_autoptr(JsonObject) c = call (f, "GET", path, f->editor, NULL, 200);
    JsonArray *t = json_object_get_array_member (c, "transcript");

    g_assert_cmpuint (json_array_get_length (t), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (t, 1), "staff_user"), ==, "redaktion");
    g_assert_cmpstr (json_object_get_string_member (c, "state"), ==, "active");
  }

  /* Staff close: the held citizen poll ends at once with "closed"; nobody
   * can write any more. */
  {
    g_autofree char *events = g_strdup_printf ("/api/v1/bot/handoff/%s/events?after=1000000", first);
    g_autofree char *close_path = g_strdup_printf ("/api/v1/handoff/conversations/%s/close", first);
    g_autofree char *msg_path = g_strdup_printf ("/api/v1/bot/handoff/%s/messages", first);
    g_autofree char *staff_path = g_strdup_printf ("/api/v1/handoff/conversations/%s/messages", first);
    g_autoptr(JsonObject) closed = NULL;
    g_autoptr(JsonObject) got = NULL;
    g_autoptr(JsonObject) refused = NULL;
    GThread *thread;
    Poll poll;
    gint64 posted;

    thread = poll_start (&poll, f, events, NULL);
    g_usleep (700 * 1000);
    g_assert_false (poll_done (&poll));
    posted = g_get_monotonic_time ();
    closed = call (f, "POST", close_path, f->editor, NULL, 200);
    g_assert_cmpstr (json_object_get_string_member (closed, "state"), ==, "closed");
    got = poll_finish (&poll, thread);
    g_assert_cmpint (poll.returned - posted, <, G_USEC_PER_SEC);
    g_assert_cmpstr (json_object_get_string_member (got, "state"), ==, "closed");

    refused = call (f, "POST", msg_path, NULL, "{\"text\":\"Noch eine Frage\"}", 409);
    g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "closed");
    g_clear_pointer (&refused, json_object_unref);
    refused = call (f, "POST", staff_path, f->editor, "{\"text\":\"Nachtrag\"}", 409);
    g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "closed");
  }
  {
    g_autoptr(JsonObject) closed = call (f, "GET", "/api/v1/handoff/conversations?state=closed", f->editor, NULL, 200);
    g_autoptr(JsonObject) open = call (f, "GET", "/api/v1/handoff/conversations?state=open", f->editor, NULL, 200);

    g_assert_nonnull (find_conversation (closed, first));
    g_assert_null (find_conversation (open, first));
    g_assert_nonnull (find_conversation (open, second));
  }

  /* Held polls do not keep the server from stopping (no 25 s wait). */
  {
    g_autofree char *events = g_strdup_printf ("/api/v1/bot/handoff/%s/events?after=1000000", second);
    GThread *thread, *staff_thread;
    Poll poll, staff_poll;
    gint64 start;

    thread = poll_start (&poll, f, events, NULL);
    staff_thread = poll_start (&staff_poll, f, "/api/v1/handoff/events?after=1", f->editor);
    g_thread_join (staff_thread);       /* a stale cursor: reset at once */
    g_assert_cmpuint (staff_poll.status, ==, 200);
    g_free (staff_poll.base_url);
    g_free (staff_poll.path);
    g_free (staff_poll.token);
    g_free (staff_poll.body);
    g_usleep (700 * 1000);
    g_assert_false (poll_done (&poll));
    /* Held to its end the poll would keep the server for 24 more
     * seconds; other start-up work (the bot's language resources) may
     * take a few seconds on a busy machine. */
    start = g_get_monotonic_time ();
    sp_test_server_kill (f->server, SIGTERM);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
    g_thread_join (thread);
    g_assert_cmpint (poll.returned - start, <, 20 * G_USEC_PER_SEC);
    g_free (poll.base_url);
    g_free (poll.path);
    g_free (poll.token);
    g_free (poll.body);
  }

  /* Retention: conversations are deleted with their messages and contact
   * data 30 days after their last activity, closed or not (at start and
   * hourly): a call back nobody took up keeps no phone number forever. */
  {
    char *sql;
    sqlite3 *db = NULL;
    g_autofree char *path_first = g_strdup_printf ("/api/v1/handoff/conversations/%s", first);
    g_autofree char *path_callback = g_strdup_printf ("/api/v1/handoff/conversations/%s", callback);
    g_autofree char *close_callback = g_strdup_printf ("/api/v1/handoff/conversations/%s/close", callback);
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    sqlite3_stmt *stmt;
    int remaining = -1;

    g_assert_cmpint (sqlite3_open (f->server->db_path, &db), ==, SQLITE_OK);
    /* @first closed 31 days ago, @second open but idle as long. */
    sql = sqlite3_mprintf ("UPDATE handoff_conversation SET updated = %lld WHERE id IN ('%q', '%q')",
                           (long long) (now - 31 * 24 * 3600), first, second);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_free (sql);
    sqlite3_close (db);

    sp_test_server_start (f->server, FALSE);
    call (f, "GET", path_first, f->editor, NULL, 404);
    {
      g_autofree char *path_second = g_strdup_printf ("/api/v1/handoff/conversations/%s", second);
      call (f, "GET", path_second, f->editor, NULL, 404);
    }
    /* Closed recently: kept. */
    call (f, "POST", close_callback, f->editor, NULL, 200);
    call (f, "GET", path_callback, f->editor, NULL, 200);

    g_assert_cmpint (sqlite3_open (f->server->db_path, &db), ==, SQLITE_OK);
    sql = sqlite3_mprintf ("SELECT count(*) FROM handoff_message WHERE conversation_id = '%q'", first);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    remaining = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_free (sql);
    sqlite3_close (db);
    g_assert_cmpint (remaining, ==, 0);
  }

  sp_test_server_free (f->server);
  g_free (f->editor);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/handoff/api", test_handoff);

  return g_test_run ();
}
