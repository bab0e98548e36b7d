/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-faq-matcher"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-matcher.h"

#include "../../bench/bot/sp-bot-eval.h"

/* The FAQ matcher over the real Berlin service catalogue (service names and
 * topic names, nothing curated): what a citizen asking in colloquial
 * German, with typos or in English, gets back, and what it refuses. */

#define ANMELDUNG_WOHNUNG   "120686"
#define ABMELDUNG_WOHNUNG   "120335"
#define REISEPASS           "121151"
#define REISEPASS_VORL      "121153"
#define PERSO_VERLUST       "120726"
#define PERSO_BEANTRAGEN    "120703"
#define HUNDESTEUER_ANMELD  "121494"
#define FUEHRERSCHEIN_ERSATZ "121593"
#define REISEPASS_VERLUST   "121368"

static SpMatcher *berlin;

static SpMatcher *
berlin_matcher (void)
{
  if (berlin == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_build_filename (g_getenv ("SP_SOURCE_ROOT"), "tests", "data",
                                               "berlin-dldb", NULL);
      g_autoptr(GPtrArray) entries = sp_bot_load_dldb (dir, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (entries->len, ==, 560);
      berlin = sp_bot_matcher_new (entries);
      g_assert_cmpuint (sp_matcher_size (berlin), ==, 560);
    }
  return berlin;
}

/* The top match of @question, NULL if none; its confidence in @conf. */
static char *
top_match (SpMatcher  *matcher,
           const char *question,
           double     *conf)
{
  g_autoptr(GArray) matches = sp_matcher_query (matcher, question, 5);

  g_test_message ("%s -> %s (%.2f)", question,
                  matches->len > 0 ? g_array_index (matches, SpMatch, 0).id : "-",
                  matches->len > 0 ? g_array_index (matches, SpMatch, 0).confidence : 0.0);
  if (conf != NULL)
    *conf = matches->len > 0 ? g_array_index (matches, SpMatch, 0).confidence : 0.0;
  return matches->len > 0 ? g_strdup (g_array_index (matches, SpMatch, 0).id) : NULL;
}

static void
assert_answers (const char *question,
                const char *expected_id)
{
  double conf = 0;
  g_autofree char *id = top_match (berlin_matcher (), question, &conf);

  g_assert_cmpstr (id, ==, expected_id);
  g_assert_cmpfloat (conf, >=, sp_matcher_threshold ());
}

static void
assert_refuses (const char *question)
{
  double conf = 0;
  g_autofree char *id = top_match (berlin_matcher (), question, &conf);

  g_assert_cmpfloat (conf, <, sp_matcher_threshold ());
}

static void
test_separable_verbs (void)
{
  /* "melde ... an" is "anmelden", which meets "Anmeldung". */
  assert_answers ("Wie melde ich meine Wohnung an?", ANMELDUNG_WOHNUNG);
  assert_answers ("wie melde ich meine wohnung ab wenn ich ins ausland ziehe", ABMELDUNG_WOHNUNG);
  assert_answers ("meine Wohnung abmelden", ABMELDUNG_WOHNUNG);
  assert_answers ("Wohnsitzanmeldung", ANMELDUNG_WOHNUNG);
}

static void
test_typos_and_spelling (void)
{
  assert_answers ("Ich brauche einen neuen Reisepas", REISEPASS);
  assert_answers ("Fuehrerschein verloren", FUEHRERSCHEIN_ERSATZ);
  assert_answers ("Führerschein verloren", FUEHRERSCHEIN_ERSATZ);
  assert_answers ("fuhrerschein verloren", FUEHRERSCHEIN_ERSATZ);
  assert_answers ("anmeldung einer wohnugn", ANMELDUNG_WOHNUNG);
}

static void
test_synonyms (void)
{
  /* Nothing in the catalogue says "Perso" or "verloren". */
  assert_answers ("perso verloren was tun", PERSO_VERLUST);
  assert_answers ("Ich will meinen Hund anmelden", HUNDESTEUER_ANMELD);
}

static void
test_english (void)
{
  assert_answers ("How do I register my flat?", ANMELDUNG_WOHNUNG);
  assert_answers ("I lost my passport", REISEPASS_VERLUST);
}

static void
test_refusals (void)
{
  assert_refuses ("Wie wird das Wetter morgen?");
  assert_refuses ("Wer hat das Spiel gewonnen?");
  assert_refuses ("Erzähl mir einen Witz");
  assert_refuses ("What is the meaning of life?");
  assert_refuses ("asdf qwertz");
  assert_refuses ("");
}

static void
test_confidence (void)
{
  SpMatcher *m = berlin_matcher ();
  double exact = 0, typo = 0, noisy = 0, unrelated = 0;
  g_autofree char *a = top_match (m, "Anmeldung einer Wohnung", &exact);
  g_autofree char *b = top_match (m, "Anmeldung einer Wohnugn", &typo);
  g_autofree char *c = top_match (m, "Anmeldung einer Wohnung Sauerteig Rezept Fußball", &noisy);
  g_autofree char *d = top_match (m, "Sauerteig Rezept Fußball", &unrelated);
  g_autoptr(GArray) ranked = sp_matcher_query (m, "Reisepass beantragen", 10);

  g_assert_cmpstr (a, ==, ANMELDUNG_WOHNUNG);
  g_assert_cmpstr (b, ==, ANMELDUNG_WOHNUNG);
  g_assert_cmpstr (c, ==, ANMELDUNG_WOHNUNG);
  /* The exact wording is surest; a typo or words the catalogue does not
   * know make the bot less sure; nothing known, least. */
  g_assert_cmpfloat (exact, >=, typo);
  g_assert_cmpfloat (exact, >, noisy);
  g_assert_cmpfloat (noisy, >, unrelated);
  g_assert_cmpfloat (exact, <=, 1.0);
  g_assert_cmpfloat (unrelated, >=, 0.0);

  /* Best first, scores and confidences never rising down the list, and
   * only the first can be an answer. */
  g_assert_cmpuint (ranked->len, ==, 10);
  for (guint i = 1; i < ranked->len; i++)
    {
      SpMatch *prev = &g_array_index (ranked, SpMatch, i - 1);
      SpMatch *cur = &g_array_index (ranked, SpMatch, i);

      g_assert_cmpfloat (cur->score, <=, prev->score);
      g_assert_cmpfloat (cur->confidence, <=, prev->confidence);
    }
  g_assert_cmpstr (g_array_index (ranked, SpMatch, 0).id, ==, REISEPASS);
}

static void
test_language (void)
{
  SpMatcher *m = berlin_matcher ();
  SpMatchInfo info = { 0, };
  g_autoptr(GArray) r = sp_matcher_query_full (m, "Where can I apply for a passport?", 3, &info);
  g_autofree char *explained = sp_matcher_explain (m, "Wie melde ich mich an?");

  g_assert_cmpstr (info.lang, ==, "en");
  g_assert_cmpstr (sp_matcher_detect_language (m, "Wo beantrage ich einen Reisepass?"), ==, "de");
  g_assert_cmpstr (sp_matcher_detect_language (m, "perso weg"), ==, "de");
  g_assert_cmpstr (sp_matcher_detect_language (m, "How do I register my flat?"), ==, "en");
  g_assert_true (strstr (explained, "anmeld") != NULL);
}

/* Curated FAQ entries (alternatives, keywords, English entries). */
static void
test_fields (void)
{
  g_autoptr(SpMatcher) m = sp_matcher_new (NULL);
  const char *alt_kita[] = { "Wie bekomme ich einen Kitaplatz?", NULL };
  const char *kw_kita[] = { "Betreuung", "Krippe", NULL };
  const char *kw_muell[] = { "Sperrmüll", "Entsorgung", NULL };
  SpMatchDoc docs[] = {
    { "kita", "Kita-Gutschein beantragen", alt_kita, kw_kita, "Jugendamt", "de" },
    { "muell", "Abholung von Sperrmüll", NULL, kw_muell, "Kommunalservice", "de" },
    { "opening", "Opening hours of the citizens' office", NULL, NULL, NULL, "en" },
    { "empty", NULL, NULL, NULL, NULL, NULL },
  };
  g_autofree char *kita = NULL;
  g_autofree char *muell = NULL;
  g_autofree char *opening = NULL;
  g_autoptr(GArray) none = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    sp_matcher_add (m, &docs[i]);
  sp_matcher_build (m);
  g_assert_cmpuint (sp_matcher_size (m), ==, 4);

  kita = top_match (m, "Kindergartenplatz finden", NULL);
  g_assert_cmpstr (kita, ==, "kita");
  muell = top_match (m, "Wann wird der Sperrmüll abgeholt?", NULL);
  g_assert_cmpstr (muell, ==, "muell");
  opening = top_match (m, "When is the office open? opening hours", NULL);
  g_assert_cmpstr (opening, ==, "opening");
  none = sp_matcher_query (m, "", 5);
  g_assert_cmpuint (none->len, ==, 0);
}

/* The Jena demo FAQ (German, a few English entries): a question that meets
 * an entry only through loose thesaurus neighbours ("Wetter" ~ "Klima" ~
 * "Klimaschutz" of the cargo bike entry) is refused, and an English
 * question finds the English entry before the German one. */
static void
test_city_faq (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("SP_SOURCE_ROOT"), "data", "faq",
                                            "demo-jena.json", NULL);
  g_autoptr(GPtrArray) entries = sp_bot_load_faq (path, &error);
  g_autoptr(SpMatcher) m = NULL;
  g_autofree char *address = NULL;
  g_autofree char *wohnung = NULL;
  double conf = 1;

  g_assert_no_error (error);
  m = sp_bot_matcher_new (entries);

  g_free (top_match (m, "Wie wird das Wetter morgen?", &conf));
  g_assert_cmpfloat (conf, <, sp_matcher_threshold ());
  address = top_match (m, "How do I register my address in Jena?", &conf);
  g_assert_cmpstr (address, ==, "en-register-address");
  g_assert_cmpfloat (conf, >=, sp_matcher_threshold ());
  wohnung = top_match (m, "Wie melde ich meine Wohnung an?", &conf);
  g_assert_cmpstr (wohnung, ==, "wohnsitz-anmelden");
}

typedef struct {
  SpMatcher  *matcher;
  GPtrArray  *questions;
  GPtrArray  *expected;   /* top id per question, from the main thread */
  gint        mismatches;
} ThreadCheck;

static gpointer
query_all (gpointer data)
{
  ThreadCheck *check = data;

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < check->questions->len; i++)
      {
        g_autofree char *id = top_match (check->matcher, check->questions->pdata[i], NULL);

        if (g_strcmp0 (id, check->expected->pdata[i]) != 0)
          g_atomic_int_inc (&check->mismatches);
      }
  return NULL;
}

static void
test_threads (void)
{
  const char *qs[] = {
    "Wie melde ich meine Wohnung an?", "perso verloren was tun", "Reisepas",
    "How do I register my flat?", "Hundesteuer", "Kita Gutschein", "Führerschein umtauschen",
    "Baugenehmigung beantragen", "Gewerbe anmelden", "Wohngeld",
  };
  ThreadCheck check = { berlin_matcher (), g_ptr_array_new (),
                        g_ptr_array_new_with_free_func (g_free), 0 };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      g_ptr_array_add (check.questions, (gpointer) qs[i]);
      g_ptr_array_add (check.expected, top_match (check.matcher, qs[i], NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("query", query_all, &check);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (check.mismatches, ==, 0);
  g_ptr_array_unref (check.questions);
  g_ptr_array_unref (check.expected);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faq/matcher/separable-verbs", test_separable_verbs);
  g_test_add_func ("/faq/matcher/typos", test_typos_and_spelling);
  g_test_add_func ("/faq/matcher/synonyms", test_synonyms);
  g_test_add_func ("/faq/matcher/english", test_english);
  g_test_add_func ("/faq/matcher/refusals", test_refusals);
  g_test_add_func ("/faq/matcher/confidence", test_confidence);
  g_test_add_func ("/faq/matcher/language", test_language);
  g_test_add_func ("/faq/matcher/fields", test_fields);
  g_test_add_func ("/faq/matcher/city-faq", test_city_faq);
  g_test_add_func ("/faq/matcher/threads", test_threads);
  ret = g_test_run ();
  g_clear_pointer (&berlin, sp_matcher_free);
  return ret;
}
