/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-voice-vxml"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sp-test-server.h"

/* The hotline's voice bot as a telephone platform sees it: VoiceXML 2.1
 * documents that parse, a keypad menu of FAQ topics, a question answered
 * with the FAQ's spoken answer (escaped), prompts as WAV rendered once by
 * espeak-ng and then served from the cache, the transfer to the hotline in
 * office hours, and a call back request with consent that lands in the
 * staff's hand-off inbox; counted in the bot KPIs under "voice". */

#define VXML_NS    "http://www.w3.org/2001/vxml"
#define SRGS_NS    "http://www.w3.org/2001/06/grammar"
#define TRICKY_Q   "Sperrmüll & Elektro <groß> abholen \"lassen\"?"
#define TRICKY_A   "Sperrmüll holen wir auf Antrag ab: bis 3 m³ & ohne <Gebühr>. Termin unter 03641 49-0."

typedef struct {
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
fetch (const char  *base_url,
       const char  *method,
       const char  *path,
       const char  *form_body,      /* application/x-www-form-urlencoded, nullable */
       const char  *if_none_match,  /* nullable */
       Reply       *reply)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (base_url, path, NULL);

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (form_body != NULL)
    {
      g_autoptr(GBytes) req = g_bytes_new (form_body, strlen (form_body));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", req);
    }
  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", if_none_match);

  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
}

/* A parsed VoiceXML document with its XPath context. */
typedef struct {
  xmlDocPtr          doc;
  xmlXPathContextPtr xpath;
  char              *text;
} Vxml;

static void
vxml_free (Vxml *vxml)
{
  xmlXPathFreeContext (vxml->xpath);
  xmlFreeDoc (vxml->doc);
  g_free (vxml->text);
  g_free (vxml);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Vxml, vxml_free)

/* GETs (or POSTs) a voice document and checks what every one must be:
 * 200, application/voicexml+xml, well-formed, a VoiceXML 2.1 root in
 * German. */
static Vxml *
get_vxml (SpTestServer *server,
          const char   *method,
          const char   *path,
          const char   *form_body)
{
  g_auto(Reply) reply = { 0 };
  Vxml *vxml = g_new0 (Vxml, 1);
  xmlNodePtr root;
  xmlChar *version, *lang;
  gsize len;
  const char *data;

  fetch (server->base_url, method, path, form_body, NULL, &reply);
  data = g_bytes_get_data (reply.body, &len);
  vxml->text = g_strndup (data, len);
  if (reply.status != 200)
    g_error ("%s %s: status %u\n%s", method, path, reply.status, vxml->text);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply.headers, NULL), ==,
                   "application/voicexml+xml");
  g_assert_nonnull (strstr (soup_message_headers_get_one (reply.headers, "Content-Type"), "charset=utf-8"));

  vxml->doc = xmlReadMemory (data, (int) len, path, NULL, XML_PARSE_NONET);
  if (vxml->doc == NULL)
    g_error ("%s is not well-formed XML:\n%s", path, vxml->text);

  root = xmlDocGetRootElement (vxml->doc);
  g_assert_cmpstr ((const char *) root->name, ==, "vxml");
  g_assert_nonnull (root->ns);
  g_assert_cmpstr ((const char *) root->ns->href, ==, VXML_NS);
  version = xmlGetProp (root, BAD_CAST "version");
  lang = xmlGetNsProp (root, BAD_CAST "lang", XML_XML_NAMESPACE);
  g_assert_cmpstr ((const char *) version, ==, "2.1");
  g_assert_cmpstr ((const char *) lang, ==, "de-DE");
  xmlFree (version);
  xmlFree (lang);

  vxml->xpath = xmlXPathNewContext (vxml->doc);
  xmlXPathRegisterNs (vxml->xpath, BAD_CAST "v", BAD_CAST VXML_NS);
  xmlXPathRegisterNs (vxml->xpath, BAD_CAST "g", BAD_CAST SRGS_NS);
  return vxml;
}

/* Text content (or attribute value) of every node matching @expr. */
static GPtrArray *
vxml_strings (Vxml       *vxml,
              const char *expr)
{
  xmlXPathObjectPtr result = xmlXPathEvalExpression (BAD_CAST expr, vxml->xpath);
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (result);
  for (int i = 0; result->nodesetval != NULL && i < result->nodesetval->nodeNr; i++)
    {
      xmlChar *content = xmlNodeGetContent (result->nodesetval->nodeTab[i]);

      g_ptr_array_add (strings, g_strdup ((const char *) content));
      xmlFree (content);
    }
  xmlXPathFreeObject (result);
  return strings;
}

static guint
vxml_count (Vxml       *vxml,
            const char *expr)
{
  g_autoptr(GPtrArray) strings = vxml_strings (vxml, expr);

  return strings->len;
}

static gboolean
strv_contains_substring (GPtrArray  *strings,
                         const char *needle)
{
  for (guint i = 0; i < strings->len; i++)
    if (strstr (g_ptr_array_index (strings, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static char *
hlc_now (void)
{
  return g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:voicetest", g_get_real_time () / 1000);
}

/* Pushes one upsert as the editor; asserts it was applied. */
static void
push_row (SpTestServer *server,
          const char   *token,
          const char   *entity,
          const char   *id,
          const char   *fields_json)
{
  g_autofree char *change_id = g_uuid_string_random ();
  g_autofree char *hlc = hlc_now ();
  g_autofree char *body = g_strdup_printf ("{\"changes\":[{\"change_id\":\"%s\",\"entity\":\"%s\","
                                           "\"id\":\"%s\",\"base_version\":0,\"hlc\":\"%s\","
                                           "\"op\":\"upsert\",\"fields\":%s}]}",
                                           change_id, entity, id, hlc, fields_json);
  g_autofree char *answer = NULL;

  g_assert_cmpuint (sp_test_http (server->base_url, "POST", "/api/v1/sync", token, body, &answer), ==, 200);
  if (strstr (answer, "\"applied\"") == NULL)
    g_error ("push of %s not applied: %s", entity, answer);
}

static char *
push_faq (SpTestServer *server,
          const char   *token,
          const char   *question,
          const char   *answer_short,
          const char   *keywords_json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *fields = NULL;
  char *id = g_uuid_string_random ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "question");
  json_builder_add_string_value (b, question);
  json_builder_set_member_name (b, "answer_short");
  json_builder_add_string_value (b, answer_short);
  json_builder_set_member_name (b, "answer");
  json_builder_add_string_value (b, answer_short);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, "de");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "published");
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  fields = json_to_string (node, FALSE);
  /* keywords as given (a JSON array) */
  fields[strlen (fields) - 1] = '\0';
  {
    g_autofree char *full = g_strdup_printf ("%s,\"keywords\":%s}", fields, keywords_json);

    push_row (server, token, "faq", id, full);
  }
  return id;
}

static char *
cache_file (SpTestServer *server,
            const char   *sha)
{
  g_autofree char *dir = g_strconcat (server->db_path, ".voice-prompts", NULL);
  g_autofree char *name = g_strconcat (sha, ".wav", NULL);

  return g_build_filename (dir, name, NULL);
}

/* The sha of a prompt src "prompt/<sha>.wav". */
static char *
prompt_sha (const char *src)
{
  g_assert_true (g_str_has_prefix (src, "prompt/"));
  g_assert_true (g_str_has_suffix (src, ".wav"));
  g_assert_cmpuint (strlen (src), ==, strlen ("prompt/") + 64 + 4);
  return g_strndup (src + strlen ("prompt/"), 64);
}

static void
check_wav_rendered_once (SpTestServer *server,
                         const char   *src)
{
  g_autofree char *sha = prompt_sha (src);
  g_autofree char *path = g_strconcat ("/voice/", src, NULL);
  g_autofree char *file = cache_file (server, sha);
  g_autofree char *etag = g_strdup_printf ("\"%s\"", sha);
  g_auto(Reply) first = { 0 };
  g_auto(Reply) second = { 0 };
  g_auto(Reply) revalidate = { 0 };
  GStatBuf st1, st2;
  const guint8 *data;
  gsize len;

  fetch (server->base_url, "GET", path, NULL, NULL, &first);
  g_assert_cmpuint (first.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (first.headers, NULL), ==, "audio/wav");
  g_assert_cmpstr (soup_message_headers_get_one (first.headers, "ETag"), ==, etag);
  g_assert_nonnull (strstr (soup_message_headers_get_one (first.headers, "Cache-Control"), "max-age="));
  data = g_bytes_get_data (first.body, &len);
  g_assert_cmpuint (len, >, 44 + 1000);    /* a header and some speech */
  g_assert_cmpmem (data, 4, "RIFF", 4);
  g_assert_cmpmem (data + 8, 4, "WAVE", 4);

  /* Rendered into the cache next to the database, once. */
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (file, &st1), ==, 0);
  g_usleep (1100 * 1000);   /* mtime has one-second resolution on some file systems */

  fetch (server->base_url, "GET", path, NULL, NULL, &second);
  g_assert_cmpuint (second.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (second.headers, "X-Stadtpult-Prompt"), ==, "cached");
  g_assert_true (g_bytes_equal (first.body, second.body));
  g_assert_cmpint (g_stat (file, &st2), ==, 0);
  g_assert_cmpint (st1.st_mtime, ==, st2.st_mtime);
  g_assert_cmpint (st1.st_ino, ==, st2.st_ino);

  fetch (server->base_url, "GET", path, NULL, etag, &revalidate);
  g_assert_cmpuint (revalidate.status, ==, 304);
}

static gboolean
office_open (SpTestServer *server)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/status", NULL, NULL, &body), ==, 200);
  return strstr (body, "\"office_open\":true") != NULL;
}

static gint64
voice_kpi (SpTestServer *server,
           const char   *token,
           const char   *counter)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *days;
  gint64 sum = 0;

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/bot/kpi", token, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  days = json_object_get_array_member (json_node_get_object (root), "days");
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);

      if (g_strcmp0 (json_object_get_string_member (day, "channel"), "voice") == 0)
        sum += json_object_get_int_member (day, counter);
    }
  return sum;
}

static guint
count_voice_callbacks (SpTestServer *server,
                       const char   *token,
                       const char   *contact)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  guint n = 0;

  g_assert_cmpuint (sp_test_http (server->base_url, "GET", "/api/v1/handoff/conversations?state=open",
                                  token, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  list = json_object_get_array_member (json_node_get_object (root), "conversations");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);

      if (g_strcmp0 (json_object_get_string_member (c, "kind"), "callback") == 0 &&
          g_strcmp0 (json_object_get_string_member (c, "channel"), "voice") == 0 &&
          g_strcmp0 (json_object_get_string_member (c, "contact"), contact) == 0)
        n++;
    }
  return n;
}

static void
test_voice (void)
{
  SpTestServer *server = sp_test_server_new ();
  g_autofree char *editor = NULL;
  g_autofree char *faq_id = NULL;
  g_autofree char *tricky_id = NULL;
  g_autofree char *escaped_q = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Vxml) start = NULL;
  g_autoptr(Vxml) answer = NULL;
  g_autoptr(Vxml) by_id = NULL;
  g_autoptr(Vxml) tricky = NULL;
  g_autoptr(Vxml) staff = NULL;
  g_autoptr(Vxml) callback = NULL;
  g_autoptr(Vxml) done = NULL;
  g_autoptr(Vxml) refused = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GPtrArray) srcs = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  gint64 interactions_before;
  gboolean answered = FALSE;
  g_autofree char *espeak = g_find_program_in_path ("espeak-ng");

  if (espeak == NULL)
    {
      g_test_skip ("espeak-ng is not installed (scripts/install-deps.sh installs it)");
      sp_test_server_free (server);
      return;
    }

  sp_test_server_start (server, TRUE);
  editor = sp_test_login_token (server->base_url, "redaktion", "redaktion");

  faq_id = push_faq (server, editor, "Wie beantrage ich einen Angelschein?",
                     "Den Fischereischein beantragen Sie nach bestandener Prüfung bei der unteren Fischereibehörde.",
                     "[\"Angelschein\",\"Fischereischein\",\"angeln\"]");
  tricky_id = push_faq (server, editor, TRICKY_Q, TRICKY_A, "[\"Sperrmüll & Co\",\"<groß>\"]");

  /* -- start document: greeting, keypad menu, free speech ------------------- */
  start = get_vxml (server, "GET", "/voice/", NULL);
  g_assert_cmpuint (vxml_count (start, "//v:form[@id='start']//v:field"), ==, 1);
  tags = vxml_strings (start, "//v:form[@id='start']//g:grammar[@mode='dtmf']//g:tag");
  g_assert_cmpuint (tags->len, >=, 3);     /* our two entries (at least) and 0 = staff */
  g_assert_cmpuint (tags->len, <=, 10);    /* keys 1-9 and 0 */
  g_assert_true (strv_contains_substring (tags, "\"staff\""));
  g_assert_true (strv_contains_substring (tags, "\"faq:"));
  /* the keywords are in the voice grammar, escaped */
  texts = vxml_strings (start, "//v:form[@id='start']//g:grammar[@mode='voice']//g:item");
  g_assert_true (strv_contains_substring (texts, "mitarbeiter"));
  g_clear_pointer (&texts, g_ptr_array_unref);
  /* the platform's free-form recognition next to the inline grammar */
  g_assert_cmpuint (vxml_count (start, "//v:form[@id='start']//v:grammar[@src]"), ==, 1);
  g_assert_cmpuint (vxml_count (start, "//v:form[@id='start']//v:noinput"), >=, 1);
  g_assert_cmpuint (vxml_count (start, "//v:form[@id='start']//v:nomatch"), >=, 1);
  g_assert_cmpuint (vxml_count (start, "//v:form[@id='start']//v:help"), ==, 1);
  /* every prompt has a rendered file and the text as fallback */
  srcs = vxml_strings (start, "//v:audio/@src");
  g_assert_cmpuint (srcs->len, >=, 3);
  texts = vxml_strings (start, "//v:audio");
  g_assert_true (strv_contains_substring (texts, "Willkommen"));
  for (guint i = 0; i < texts->len; i++)
    g_assert_cmpstr (g_ptr_array_index (texts, i), !=, "");
  g_clear_pointer (&texts, g_ptr_array_unref);
  g_clear_pointer (&srcs, g_ptr_array_unref);

  /* -- a free question (as the platform's recognizer heard it) --------------- */
  interactions_before = voice_kpi (server, editor, "interactions");
  escaped_q = g_uri_escape_string ("Ich möchte einen Angelschein beantragen", NULL, FALSE);
  path = g_strdup_printf ("/voice/answer?q=%s", escaped_q);
  /* the bot's index picks up new entries within a moment */
  for (guint attempt = 0; attempt < 50 && !answered; attempt++)
    {
      g_clear_pointer (&answer, vxml_free);
      answer = get_vxml (server, "GET", path, NULL);
      texts = vxml_strings (answer, "//v:form[@id='answer']/v:block[1]//v:audio");
      answered = strv_contains_substring (texts, "Fischereischein");
      g_clear_pointer (&texts, g_ptr_array_unref);
      if (!answered)
        g_usleep (200 * 1000);
    }
  if (!answered)
    g_error ("the voice bot did not answer the question:\n%s", answer->text);
  /* then: 1 repeat, 2 back, 0 staff */
  g_clear_pointer (&tags, g_ptr_array_unref);
  tags = vxml_strings (answer, "//v:field[@name='pick']//g:grammar[@mode='dtmf']//g:tag");
  g_assert_true (strv_contains_substring (tags, "\"repeat\""));
  g_assert_true (strv_contains_substring (tags, "\"back\""));
  g_assert_true (strv_contains_substring (tags, "\"staff\""));
  g_assert_cmpuint (vxml_count (answer, "//v:field[@name='pick']//v:help"), ==, 1);
  g_assert_cmpuint (voice_kpi (server, editor, "interactions"), >, interactions_before);

  /* -- the same by key (the menu's faq:ID) ----------------------------------- */
  g_free (path);
  path = g_strdup_printf ("/voice/answer?pick=faq:%s&q=1", faq_id);
  by_id = get_vxml (server, "GET", path, NULL);
  texts = vxml_strings (by_id, "//v:form[@id='answer']/v:block[1]//v:audio");
  g_assert_true (strv_contains_substring (texts, "Fischereischein beantragen Sie"));
  g_clear_pointer (&texts, g_ptr_array_unref);

  /* -- markup in content is escaped and spoken as text ------------------------ */
  g_free (path);
  path = g_strdup_printf ("/voice/answer?faq=%s", tricky_id);
  tricky = get_vxml (server, "GET", path, NULL);
  texts = vxml_strings (tricky, "//v:form[@id='answer']/v:block[1]//v:audio");
  g_assert_cmpuint (texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, TRICKY_A);
  g_clear_pointer (&texts, g_ptr_array_unref);

  /* -- the prompt as WAV: rendered once, then from the cache ------------------ */
  srcs = vxml_strings (tricky, "//v:form[@id='answer']/v:block[1]//v:audio/@src");
  g_assert_cmpuint (srcs->len, ==, 1);
  check_wav_rendered_once (server, g_ptr_array_index (srcs, 0));
  g_clear_pointer (&srcs, g_ptr_array_unref);
  {
    g_auto(Reply) missing = { 0 };

    fetch (server->base_url, "GET", "/voice/prompt/0000000000000000000000000000000000000000000000000000000000000000.wav",
           NULL, NULL, &missing);
    g_assert_cmpuint (missing.status, ==, 404);
  }

  /* -- call back with consent, out of hours or after a failed transfer -------- */
  callback = get_vxml (server, "GET", "/voice/callback?q=Sperrm%C3%BCll", NULL);
  g_assert_cmpuint (vxml_count (callback, "//v:field[@name='consent']"), ==, 1);
  g_assert_cmpuint (vxml_count (callback, "//v:field[@name='number' and starts-with(@type,'digits')]"), ==, 1);
  texts = vxml_strings (callback, "//v:submit/@next");
  g_assert_cmpuint (texts->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (texts, 0), "callback?q=Sperrm%C3%BCll"));
  g_clear_pointer (&texts, g_ptr_array_unref);

  /* without consent nothing is stored */
  refused = get_vxml (server, "POST", "/voice/callback?q=Sperrm%C3%BCll", "consent=no&number=036414912345");
  g_assert_cmpuint (vxml_count (refused, "//v:field[@name='consent']"), ==, 1);
  g_assert_cmpuint (count_voice_callbacks (server, editor, "tel:036414912345"), ==, 0);

  done = get_vxml (server, "POST", "/voice/callback?q=Sperrm%C3%BCll", "consent=yes&number=036414912345");
  texts = vxml_strings (done, "//v:audio");
  g_assert_true (strv_contains_substring (texts, "Stunden zurück"));
  g_clear_pointer (&texts, g_ptr_array_unref);
  g_assert_cmpuint (count_voice_callbacks (server, editor, "tel:036414912345"), ==, 1);
  g_assert_cmpint (voice_kpi (server, editor, "callbacks"), >=, 1);

  /* -- transfer to the hotline in office hours ------------------------------- */
  push_row (server, editor, "bot_setting", "bot_setting.hotline",
            "{\"key\":\"hotline\",\"value\":\"+49 3641 49-0\"}");
  for (int day = 1; day <= 7; day++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *fields = g_strdup_printf ("{\"kind\":\"weekly\",\"weekday\":%d,\"day\":\"\","
                                                 "\"opens\":\"00:00\",\"closes\":\"24:00\",\"note\":\"\"}", day);

      push_row (server, editor, "bot_hours", id, fields);
    }
  for (guint attempt = 0; attempt < 50 && !office_open (server); attempt++)
    g_usleep (200 * 1000);

  staff = get_vxml (server, "GET", "/voice/staff?q=Sperrm%C3%BCll", NULL);
  if (office_open (server))
    {
      texts = vxml_strings (staff, "//v:transfer/@dest");
      g_assert_cmpuint (texts->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, "tel:+493641490");
      g_clear_pointer (&texts, g_ptr_array_unref);
      /* a failed transfer leads to the call back */
      g_assert_cmpuint (vxml_count (staff, "//v:transfer/v:filled//v:goto[starts-with(@next,'callback')]"), ==, 1);
      g_assert_cmpint (voice_kpi (server, editor, "handoffs"), >=, 1);
    }
  else
    {
      /* a public holiday in Thuringia today: closed all day */
      g_test_message ("office closed today (public holiday): checking the call back instead");
      g_assert_cmpuint (vxml_count (staff, "//v:field[@name='consent']"), ==, 1);
    }

  /* -- no route for anything else, and /voice redirects ------------------------ */
  {
    g_auto(Reply) reply = { 0 };

    fetch (server->base_url, "GET", "/voice/nothing-here", NULL, NULL, &reply);
    g_assert_cmpuint (reply.status, ==, 404);
  }

  sp_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/voice/vxml", test_voice);

  return g_test_run ();
}
