/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-bot-api"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sp-test-server.h"

#include "sp-faq-import.h"
#include "sp-office-hours.h"

/* The chat bot end to end: `import faq` and `import dldb` on the server's
 * database (bad files store nothing, re-imports update in place), the
 * /api/v1/bot/ask contract with good and hostile input, smalltalk, known
 * questions answered with their FAQ id, chatter refused and logged without
 * personal data, suggestions picked by number, KPIs, the staff endpoints'
 * roles, and an FAQ entry pushed by a desktop answered after the index
 * rebuild. */

#define ASK_TIMEOUT_S 600   /* the first question loads the language resources */

static const char faq_file[] =
  "[\n"
  "  {\"id\": \"ausweis\", \"question\": \"Wie beantrage ich einen Personalausweis?\",\n"
  "   \"alternatives\": [\"Perso beantragen\", \"neuer Personalausweis\"],\n"
  "   \"keywords\": [\"Personalausweis\", \"Ausweis\"],\n"
  "   \"answer\": \"Den Personalausweis beantragen Sie beim Bürgerservice. Bringen Sie ein biometrisches Passfoto mit. Termine: https://www.jena.de/buergerservice/termin\"},\n"
  "  {\"id\": \"hund-an\", \"question\": \"Wie melde ich meinen Hund zur Hundesteuer an?\",\n"
  "   \"alternatives\": [\"Hund anmelden Hundesteuer\"], \"keywords\": [\"Hundesteuer\", \"Hund\"],\n"
  "   \"answer\": \"Melden Sie Ihren Hund innerhalb von zwei Wochen bei der Steuerabteilung an.\"},\n"
  "  {\"id\": \"hund-ab\", \"question\": \"Wie melde ich meinen Hund von der Hundesteuer ab?\",\n"
  "   \"alternatives\": [\"Hund abmelden Hundesteuer\"], \"keywords\": [\"Hundesteuer\", \"Hund\"],\n"
  "   \"answer\": \"Melden Sie Ihren Hund bei der Steuerabteilung ab, wenn er verstorben oder abgegeben ist.\"},\n"
  "  {\"id\": \"sperrmuell\", \"question\": \"Wie melde ich Sperrmüll zur Abholung an?\",\n"
  "   \"alternatives\": [\"Sperrmüll abholen lassen\", \"alte Möbel entsorgen\"], \"keywords\": [\"Sperrmüll\"],\n"
  "   \"answer\": \"Sperrmüll bestellen Sie beim Kommunalservice.\", \"answer_short\": \"Sperrmüll bestellen Sie beim Kommunalservice.\",\n"
  "   \"office\": \"Kommunalservice Jena\", \"valid_until\": \"2099-12-31\"},\n"
  "  {\"id\": \"6f1c3a52-7d2e-4b8a-9c01-2f3e4d5a6b7c\", \"question\": \"How do I register my address?\",\n"
  "   \"alternatives\": [\"address registration\"], \"keywords\": [\"registration\"], \"language\": \"en\",\n"
  "   \"answer\": \"Register with the citizens' office within two weeks of moving in.\"},\n"
  "  {\"id\": \"abgelaufen\", \"question\": \"Wo gibt es die Corona-Testzentren?\",\n"
  "   \"alternatives\": [], \"keywords\": [\"Corona\", \"Testzentrum\"], \"valid_until\": \"2020-12-31\",\n"
  "   \"answer\": \"Die Testzentren sind geschlossen.\"}\n"
  "]\n";

typedef struct {
  guint interactions;
  guint answered;
  guint unanswered;
} Counts;

/* -- helpers ------------------------------------------------------------------ */

static int
run_server_cmd (SpTestServer  *server,
                char         **out,
                char         **err,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("STADTPULT_SERVER"));
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, server->db_path);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s: %s%s", (const char *) argv->pdata[1], (const char *) argv->pdata[2],
                  *out, *err);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* POST /api/v1/bot/ask without a client timeout; *cors gets the
 * Access-Control-Allow-Origin header. */
static guint
post_raw (SpTestServer *server,
          const char   *path,
          const char   *body,
          char        **text,
          char        **cors)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", ASK_TIMEOUT_S, NULL);
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) req = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", req);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (text)
    *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (cors)
    *cors = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Access-Control-Allow-Origin"));
  return soup_message_get_status (msg);
}

/* Asks and checks the contract shape; counts what the KPIs must show. */
static JsonObject *
ask (SpTestServer *server,
     Counts       *counts,
     const char   *session,
     const char   *question)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) req = NULL;
  g_autofree char *body = NULL, *text = NULL, *cors = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  const char *kind;
  double confidence;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "question");
  json_builder_add_string_value (b, question);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, session);
  json_builder_end_object (b);
  req = json_builder_get_root (b);
  body = json_to_string (req, FALSE);

  g_assert_cmpuint (post_raw (server, "/api/v1/bot/ask", body, &text, &cors), ==, 200);
  g_assert_cmpstr (cors, ==, "*");
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  o = json_node_get_object (node);

  /* contract */
  g_assert_true (json_object_has_member (o, "answer"));
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "answer")), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_object_get_string_member (o, "answer"), !=, "");
  g_assert_true (json_object_has_member (o, "faq_id"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "faq_id")) ||
                 json_node_get_value_type (json_object_get_member (o, "faq_id")) == G_TYPE_STRING);
  confidence = json_object_get_double_member (o, "confidence");
  g_assert_cmpfloat (confidence, >=, 0.0);
  g_assert_cmpfloat (confidence, <=, 1.0);
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "handoff")), ==, G_TYPE_BOOLEAN);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "suggestions")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "suggestions")), <=, 3);
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "office_open")), ==, G_TYPE_BOOLEAN);

  kind = json_object_get_string_member (o, "kind");
  counts->interactions++;
  if (g_str_equal (kind, "answer"))
    counts->answered++;
  else if (g_str_equal (kind, "unknown") || g_str_equal (kind, "clarify"))
    {
      counts->unanswered++;
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "faq_id")));
    }
  else
    g_assert_true (g_str_equal (kind, "smalltalk") || g_str_equal (kind, "handoff"));

  return json_object_ref (o);
}

static const char *
faq_id_of (JsonObject *o)
{
  JsonNode *node = json_object_get_member (o, "faq_id");

  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node);
}

static JsonNode *
get_json (SpTestServer *server,
          const char   *path,
          const char   *token)
{
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", path, token, NULL, &body), ==, 200);
  node = json_from_string (body, &error);
  g_assert_no_error (error);
  return node;
}

/* Pushes one change as @token's user (a desktop's sync push). */
static void
push_change (SpTestServer *server,
             const char   *token,
             const char   *entity,
             const char   *id,
             const char   *fields_json)
{
  static guint n;
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:testdesk", g_get_real_time () / 1000);
  g_autofree char *body = g_strdup_printf ("{\"changes\":[{\"change_id\":\"bot-test-%u-%" G_GINT64_FORMAT "\","
                                           "\"entity\":\"%s\",\"id\":\"%s\",\"base_version\":0,"
                                           "\"hlc\":\"%s\",\"op\":\"upsert\",\"fields\":%s}]}",
                                           ++n, g_get_real_time (), entity, id, hlc, fields_json);

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", token, body, NULL), ==, 200);
}

static JsonObject *
find_unanswered (JsonNode   *list,
                 const char *needle)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (list), "questions");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (strstr (json_object_get_string_member (o, "text"), needle) != NULL)
        return o;
    }
  return NULL;
}

static char *
today_in_jena (void)
{
  g_autoptr(GDateTime) now = sp_city_now ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static gboolean
today_is_holiday (void)
{
  g_autoptr(GDateTime) now = sp_city_now ();

  return sp_office_hours_holiday_name (g_date_time_get_year (now), g_date_time_get_month (now),
                                       g_date_time_get_day_of_month (now)) != NULL;
}

/* -- tests ---------------------------------------------------------------------- */

/* Row ids and spoken answers of imported entries (no server needed). */
static void
test_import_rules (void)
{
  g_autofree char *a = sp_faq_import_id ("kita-platz");
  g_autofree char *b = sp_faq_import_id ("kita-platz");
  g_autofree char *c = sp_faq_import_id ("kita-platz ");
  g_autofree char *uuid = sp_faq_import_id ("6F1C3A52-7D2E-4B8A-9C01-2F3E4D5A6B7C");
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

  /* stable, a version 5 UUID, different names differ, UUIDs kept */
  g_assert_cmpstr (a, ==, b);
  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpint (a[14], ==, '5');
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (uuid, ==, "6f1c3a52-7d2e-4b8a-9c01-2f3e4d5a6b7c");

  /* first sentences, without links and e-mail addresses, at most 300 bytes */
  s1 = sp_faq_answer_short ("Den Antrag stellen Sie z. B. online: https://www.jena.de/antrag. "
                            "Er kostet 10 Euro. Fragen an info@jena.de. Mehr steht im Portal.");
  g_assert_cmpstr (s1, ==, "Den Antrag stellen Sie z. B. online. Er kostet 10 Euro.");
  s2 = sp_faq_answer_short ("Kurz.");
  g_assert_cmpstr (s2, ==, "Kurz.");
  {
    g_autoptr(GString) longer = g_string_new (NULL);

    for (guint i = 0; i < 80; i++)
      g_string_append (longer, "Straßenbahn ");
    s3 = sp_faq_answer_short (longer->str);
    g_assert_cmpuint (strlen (s3), <=, 300);
    g_assert_true (g_str_has_suffix (s3, "…"));
    g_assert_true (g_utf8_validate (s3, -1, NULL));
  }
}

static void
test_import_faq (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *good = sp_test_server_path (server, "faq.json");
  g_autofree char *bad = sp_test_server_path (server, "bad.json");
  g_autofree char *changed = sp_test_server_path (server, "changed.json");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *ausweis = sp_faq_import_id ("ausweis");
  g_autofree char *sql = NULL;
  g_autoptr(GString) edited = g_string_new (faq_file);

  g_assert_true (g_file_set_contents (good, faq_file, -1, NULL));

  /* a bad entry: exit 1, a message naming entry and field, nothing stored */
  g_assert_true (g_file_set_contents (bad,
                                      "[{\"id\":\"a\",\"question\":\"Frage?\",\"answer\":\"Antwort.\"},"
                                      " {\"id\":\"b\",\"question\":\"Frage 2?\",\"answer\":\"Antwort.\",\"keywords\":\"kein Array\"}]",
                                      -1, NULL));
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "entry 1"));
  g_assert_nonnull (strstr (err, "keywords"));
  /* checked before the database is even opened */
  g_assert_false (g_file_test (server->db_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (bad, "{\"id\":\"a\"}", -1, NULL));
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "array"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", "/nonexistent/faq.json", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_false (g_file_test (server->db_path, G_FILE_TEST_EXISTS));

  /* the good file: six entries, published, deterministic ids */
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", good, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "6 new"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq WHERE status = 'published'"), ==, 6);
  sql = g_strdup_printf ("SELECT count(*) FROM faq WHERE id = '%s' AND language = 'de' "
                         "AND answer_short = 'Den Personalausweis beantragen Sie beim Bürgerservice. "
                         "Bringen Sie ein biometrisches Passfoto mit.'", ausweis);
  g_assert_cmpint (sp_test_server_count (server, sql), ==, 1);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq WHERE id = '6f1c3a52-7d2e-4b8a-9c01-2f3e4d5a6b7c' "
                                         "AND language = 'en'"), ==, 1);

  /* re-import unchanged: nothing new, no new versions */
  {
    gint64 version = sp_test_server_count (server, "SELECT max(value) FROM version_seq");

    g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", good, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "0 new, 0 updated, 6 unchanged"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (sp_test_server_count (server, "SELECT max(value) FROM version_seq"), ==, version);
  }

  /* changed answer: the same row is updated */
  g_string_replace (edited, "beim Bürgerservice. Bringen", "im Bürgerbüro. Bringen", 1);
  g_assert_true (g_file_set_contents (changed, edited->str, -1, NULL));
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", changed, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "0 new, 1 updated, 5 unchanged"));
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq"), ==, 6);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM faq WHERE id = '%s' AND answer LIKE '%%im Bürgerbüro%%'", ausweis);
  g_assert_cmpint (sp_test_server_count (server, sql), ==, 1);

  sp_test_server_free (server);
}

static void
test_import_dldb (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *dldb = g_build_filename (g_getenv ("SP_SOURCE_ROOT"), "tests", "data", "berlin-dldb", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *bad = sp_test_server_path (server, "bad-dldb");
  gint64 version;
  Counts counts = { 0 };

  sp_test_server_add_user (server, "mitarbeiter", "staff", "mitarbeiter");

  /* not a DLDB export: exit 1, nothing stored */
  g_assert_cmpint (g_mkdir (bad, 0700), ==, 0);
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "dldb", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "services_de.json"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM service"), ==, 0);

  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "dldb", dldb, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "services: 560 new"));
  g_assert_nonnull (strstr (out, "faq: 560 new"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM service WHERE id LIKE 'dldb.service.%' "
                                         "AND status = 'published'"), ==, 560);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq WHERE id LIKE 'dldb.faq.%' "
                                         "AND service_id = 'dldb.service.' || substr(id, 10)"), ==, 560);
  /* topics as keywords, the office and the link in the answer */
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq WHERE id = 'dldb.faq.120926' "
                                         "AND question = 'Führungszeugnis' AND keywords <> '[]' "
                                         "AND answer LIKE '%https://service.berlin.de/dienstleistung/120926/%'"), ==, 1);

  /* re-import: no duplicates, no new versions */
  version = sp_test_server_count (server, "SELECT max(value) FROM version_seq");
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "dldb", dldb, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "services: 0 new, 0 updated, 560 unchanged"));
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM service"), ==, 560);
  g_assert_cmpint (sp_test_server_count (server, "SELECT count(*) FROM faq"), ==, 560);
  g_assert_cmpint (sp_test_server_count (server, "SELECT max(value) FROM version_seq"), ==, version);

  /* a desktop pulls them */
  sp_test_server_start (server, FALSE);
  desk = sp_test_fresh_pull (server, server->base_url, "mitarbeiter");
  g_assert_cmpuint (sp_test_count_rows (desk, "service", FALSE), ==, 560);
  g_assert_cmpuint (sp_test_count_rows (desk, "faq", FALSE), ==, 560);

  /* and the bot answers from the catalogue */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "dldb-1", "Ich brauche ein Führungszeugnis");

    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "answer");
    g_assert_cmpstr (faq_id_of (o), ==, "dldb.faq.120926");
    g_assert_cmpstr (json_object_get_string_member (o, "service_id"), ==, "dldb.service.120926");
  }

  sp_test_server_free (server);
}

static void
test_ask (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *file = sp_test_server_path (server, "faq.json");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *ausweis = sp_faq_import_id ("ausweis");
  g_autofree char *sperrmuell = sp_faq_import_id ("sperrmuell");
  g_autofree char *editor = NULL, *staff = NULL, *text = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) kpi = NULL;
  g_autoptr(JsonNode) status = NULL;
  Counts counts = { 0 };
  g_autofree char *today = NULL;
  gboolean open;

  g_assert_true (g_file_set_contents (file, faq_file, -1, NULL));
  g_assert_cmpint (run_server_cmd (server, &out, &err, "import", "faq", file, NULL), ==, 0);
  sp_test_server_add_user (server, "redaktion", "editor", "redaktion");
  sp_test_server_add_user (server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_start (server, FALSE);
  editor = sp_test_login_token (server->base_url, "redaktion", "redaktion");
  staff = sp_test_login_token (server->base_url, "mitarbeiter", "mitarbeiter");

  /* a known question, in other words: its FAQ entry with the full answer */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-known", "Wo kann ich einen neuen Personalausweis beantragen?");

    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "answer");
    g_assert_cmpstr (faq_id_of (o), ==, ausweis);
    g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "https://www.jena.de/buergerservice/termin"));
    g_assert_false (json_object_get_boolean_member (o, "handoff"));
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-known", "Sperrmüll abholen lassen");

    g_assert_cmpstr (faq_id_of (o), ==, sperrmuell);
  }
  /* an English question answered in English wording, the German answer marked */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-en", "How can I apply for an identity card?");

    g_assert_cmpstr (json_object_get_string_member (o, "lang"), ==, "en");
    if (g_strcmp0 (faq_id_of (o), ausweis) == 0)
      g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "Antwort auf Deutsch"));
  }
  /* expired entries are not answered */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-old", "Wo gibt es die Corona-Testzentren?");
    g_autofree char *expired = sp_faq_import_id ("abgelaufen");

    g_assert_cmpstr (faq_id_of (o), !=, expired);
  }

  /* smalltalk */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-talk", "Hallo!");

    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "smalltalk");
    g_assert_null (faq_id_of (o));
    g_assert_cmpstr (json_object_get_string_member (o, "lang"), ==, "de");
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-talk", "Thank you!");

    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "smalltalk");
    g_assert_cmpstr (json_object_get_string_member (o, "lang"), ==, "en");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "welcome"));
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-human", "Mitarbeiter bitte");

    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "handoff");
    g_assert_true (json_object_get_boolean_member (o, "handoff"));
  }

  /* chatter: no guess, logged without the phone number, e-mail or name */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-chat",
                                   "Mein Name ist Erika Mustermann, wer wird Fußballweltmeister? "
                                   "Rufen Sie mich an: 0176 12345678 oder erika@example.org");

    g_assert_null (faq_id_of (o));
    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "unknown");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "nicht verstanden"));
    g_assert_cmpfloat (json_object_get_double_member (o, "confidence"), <, 0.5);
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-chat2", "Wer wird Fußballweltmeister?");

    g_assert_null (faq_id_of (o));
  }

  /* vague questions: suggestions (to clarify, or related to an answer),
   * and "1" picks the first one */
  {
    static const char * const vague[] = {
      "Sperrmüll Personalausweis Hund", "Personalausweis oder Sperrmüll?", "Hundesteuer",
      "melden", "Hund", "abmelden oder anmelden",
    };
    gboolean picked_one = FALSE;

    for (guint v = 0; v < G_N_ELEMENTS (vague) && !picked_one; v++)
      {
        g_autoptr(JsonObject) o = ask (server, &counts, "s-pick", vague[v]);
        JsonArray *suggestions = json_object_get_array_member (o, "suggestions");
        g_autoptr(JsonObject) picked = NULL;
        const char *first;

        if (json_array_get_length (suggestions) == 0)
          continue;
        first = json_object_get_string_member (json_array_get_object_element (suggestions, 0), "faq_id");
        g_assert_cmpstr (first, !=, faq_id_of (o));
        if (faq_id_of (o) == NULL)
          {
            g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "clarify");
            g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "1. "));
          }
        g_test_message ("“%s”: %s, picking “%s”", vague[v], json_object_get_string_member (o, "kind"),
                        json_object_get_string_member (json_array_get_object_element (suggestions, 0), "question"));

        picked = ask (server, &counts, "s-pick", "1");
        g_assert_cmpstr (json_object_get_string_member (picked, "kind"), ==, "answer");
        g_assert_cmpstr (faq_id_of (picked), ==, first);
        g_assert_cmpfloat (json_object_get_double_member (picked, "confidence"), ==, 1.0);
        picked_one = TRUE;
      }
    g_assert_true (picked_one);
  }
  /* "1" without suggestions in the session is no pick */
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-fresh", "1");

    g_assert_null (faq_id_of (o));
  }

  /* hostile input: 400/413 JSON errors, nothing counted or logged */
  {
    static const char * const bodies[] = {
      "{\"question\":\"Wo kaufe ich einen Zollstock?\"",        /* malformed */
      "[\"Wo kaufe ich einen Zollstock?\"]",                    /* no object */
      "{\"question\":5,\"session\":\"x\"}",                               /* wrong type */
      "{\"question\":\"   \",\"session\":\"x\"}",                         /* empty */
      "{\"question\":\"\",\"session\":\"x\"}",
      "{\"question\":\"Zollstock\"}",                                /* no session */
      "{\"question\":\"Zollstock\",\"session\":\"\"}",
      "{\"question\":\"Zollstock\",\"session\":\"x\",\"lang\":\"fr\"}",
      "{\"question\":\"Zollstock\",\"session\":\"x\",\"channel\":\"fax\"}",
      "{\"question\":null,\"session\":\"x\"}",
    };
    g_autoptr(GString) long_question = g_string_new ("{\"question\":\"");
    g_autoptr(GString) huge = g_string_new ("{\"question\":\"Ausweis\",\"session\":\"x\",\"pad\":\"");

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autofree char *reply = NULL;

        g_assert_cmpuint (post_raw (server, "/api/v1/bot/ask", bodies[i], &reply, NULL), ==, 400);
        g_assert_nonnull (strstr (reply, "\"error\":\"invalid_request\""));
        g_assert_nonnull (strstr (reply, "\"message\""));
      }
    for (guint i = 0; i < 501; i++)
      g_string_append (long_question, "a");
    g_string_append (long_question, "\",\"session\":\"x\"}");
    g_assert_cmpuint (post_raw (server, "/api/v1/bot/ask", long_question->str, NULL, NULL), ==, 400);
    for (guint i = 0; i < 5000; i++)
      g_string_append_c (huge, 'x');
    g_string_append (huge, "\"}");
    g_clear_pointer (&text, g_free);
    g_assert_cmpuint (post_raw (server, "/api/v1/bot/ask", huge->str, &text, NULL), ==, 413);
    g_assert_nonnull (strstr (text, "\"error\":\"too_large\""));
    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/ask", NULL, NULL, NULL), ==, 405);
  }

  /* staff endpoints: token and role */
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/unanswered", NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/unanswered", staff, NULL, NULL), ==, 403);
  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/bot/unanswered/1", staff,
                                  "{\"state\":\"done\"}", NULL), ==, 403);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/kpi", NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/kpi", "not-a-token", NULL, NULL), ==, 401);

  list = get_json (server, "/api/v1/bot/unanswered?state=open", editor);
  {
    JsonObject *chatter = find_unanswered (list, "Mein Name ist");
    JsonArray *items = json_object_get_array_member (json_node_get_object (list), "questions");
    const char *logged;

    g_assert_nonnull (chatter);
    logged = json_object_get_string_member (chatter, "text");
    g_assert_null (strstr (logged, "12345678"));
    g_assert_null (strstr (logged, "0176"));
    g_assert_null (strstr (logged, "erika@example.org"));
    g_assert_null (strstr (logged, "Erika"));
    g_assert_null (strstr (logged, "Mustermann"));
    /* nothing of the hostile requests, no smalltalk, no bare numbers */
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        const char *t = json_object_get_string_member (json_array_get_object_element (items, i), "text");

        g_assert_null (strstr (t, "Zollstock"));
        g_assert_cmpstr (t, !=, "Hallo!");
        g_assert_cmpstr (t, !=, "1");
      }
    /* the same question again is grouped, not repeated */
    g_assert_nonnull (find_unanswered (list, "Wer wird Fußballweltmeister?"));

    /* triage */
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/bot/unanswered/%" G_GINT64_FORMAT,
                                               json_object_get_int_member (chatter, "id"));
      g_autoptr(JsonNode) open_list = NULL;
      g_autoptr(JsonNode) all = NULL;

      g_assert_cmpuint (sp_test_http (server->base_url, "POST", path, editor, "{\"state\":\"maybe\"}", NULL), ==, 400);
      g_assert_cmpuint (sp_test_http (server->base_url, "POST", path, editor, "{\"state\":\"dismissed\"}", NULL), ==, 200);
      g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/bot/unanswered/99999", editor,
                                      "{\"state\":\"done\"}", NULL), ==, 404);
      open_list = get_json (server, "/api/v1/bot/unanswered?state=open", editor);
      g_assert_null (find_unanswered (open_list, "Mein Name ist"));
      all = get_json (server, "/api/v1/bot/unanswered?state=all", editor);
      g_assert_cmpstr (json_object_get_string_member (find_unanswered (all, "Mein Name ist"), "state"), ==, "dismissed");
    }
  }

  /* KPIs of today: exactly what was asked */
  today = today_in_jena ();
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/bot/kpi?from=%s&to=%s", today, today);
    JsonArray *days;
    JsonObject *chat = NULL;

    kpi = get_json (server, path, staff);
    days = json_object_get_array_member (json_node_get_object (kpi), "days");
    for (guint i = 0; i < json_array_get_length (days); i++)
      {
        JsonObject *d = json_array_get_object_element (days, i);

        if (g_str_equal (json_object_get_string_member (d, "channel"), "chat"))
          chat = d;
      }
    g_assert_nonnull (chat);
    g_assert_cmpstr (json_object_get_string_member (chat, "day"), ==, today);
    g_assert_cmpint (json_object_get_int_member (chat, "interactions"), ==, counts.interactions);
    g_assert_cmpint (json_object_get_int_member (chat, "answered"), ==, counts.answered);
    g_assert_cmpint (json_object_get_int_member (chat, "unanswered"), ==, counts.unanswered);
    g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/kpi?from=gestern", staff, NULL, NULL), ==, 400);
  }

  /* office hours set on a desktop reach the bot: open around the clock */
  for (int day = 1; day <= 7; day++)
    {
      g_autofree char *id = g_strdup_printf ("hours-test-%d", day);
      g_autofree char *fields = g_strdup_printf ("{\"kind\":\"weekly\",\"weekday\":%d,\"day\":\"\","
                                                 "\"opens\":\"00:00\",\"closes\":\"24:00\",\"note\":\"\"}", day);

      push_change (server, editor, "bot_hours", id, fields);
    }
  push_change (server, editor, "bot_setting", "bot_setting.hotline",
               "{\"key\":\"hotline\",\"value\":\"+49 3641 49-0\"}");
  open = !today_is_holiday ();
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

    for (;;)
      {
        JsonObject *s;

        g_clear_pointer (&status, json_node_unref);
        status = get_json (server, "/api/v1/bot/status", NULL);
        s = json_node_get_object (status);
        if (json_object_get_boolean_member (s, "office_open") == open &&
            !JSON_NODE_HOLDS_NULL (json_object_get_member (s, "hotline")))
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (100 * 1000);
      }
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "hotline"), ==, "+49 3641 49-0");
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-hours", "Wer wird Fußballweltmeister?");
    g_autoptr(JsonObject) yes = NULL;

    g_assert_true (json_object_get_boolean_member (o, "office_open") == open);
    g_assert_true (json_object_get_boolean_member (o, "handoff") == open);
    yes = ask (server, &counts, "s-hours", "ja");
    g_assert_cmpstr (json_object_get_string_member (yes, "kind"), ==, "handoff");
    g_assert_true (json_object_get_boolean_member (yes, "handoff"));
  }

  /* an FAQ entry pushed by a desktop is answered after the rebuild; a
   * draft never */
  push_change (server, editor, "faq", "faq-lastenrad",
               "{\"question\":\"Wo kann ich ein Lastenrad ausleihen?\",\"alternatives\":[\"Lastenrad mieten\"],"
               "\"answer_short\":\"\",\"answer\":\"Lastenräder verleiht die Stadtbibliothek kostenlos.\","
               "\"keywords\":[\"Lastenrad\",\"Fahrrad\"],\"service_id\":\"\",\"leika\":\"\",\"office\":\"\","
               "\"language\":\"de\",\"status\":\"published\",\"valid_until\":\"\"}");
  push_change (server, editor, "faq", "faq-entwurf",
               "{\"question\":\"Wann öffnet das neue Schwimmbad?\",\"alternatives\":[],"
               "\"answer_short\":\"\",\"answer\":\"Noch geheim.\",\"keywords\":[\"Schwimmbad\"],"
               "\"service_id\":\"\",\"leika\":\"\",\"office\":\"\",\"language\":\"de\","
               "\"status\":\"draft\",\"valid_until\":\"\"}");
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    guint tries = 0;

    for (;; tries++)
      {
        g_autoptr(JsonObject) o = ask (server, &counts, "s-new", "Wo kann ich ein Lastenrad ausleihen?");

        if (g_strcmp0 (faq_id_of (o), "faq-lastenrad") == 0)
          {
            g_assert_nonnull (strstr (json_object_get_string_member (o, "answer"), "Stadtbibliothek"));
            break;
          }
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (200 * 1000);
      }
    g_test_message ("new FAQ answered after %u earlier tries", tries);
  }
  {
    g_autoptr(JsonObject) o = ask (server, &counts, "s-new", "Wann öffnet das neue Schwimmbad?");

    g_assert_cmpstr (faq_id_of (o), !=, "faq-entwurf");
  }

  /* /metrics counts the bot */
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/metrics", NULL, NULL, &text), ==, 200);
  g_assert_nonnull (strstr (text, "stadtpult_bot_questions_total{kind=\"answer\"}"));

  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bot/import-rules", test_import_rules);
  g_test_add_func ("/bot/import-faq", test_import_faq);
  g_test_add_func ("/bot/import-dldb", test_import_dldb);
  g_test_add_func ("/bot/ask", test_ask);

  return g_test_run ();
}
