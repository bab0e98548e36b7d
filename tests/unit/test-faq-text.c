/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-faq-text"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-lexicon.h"
#include "sp-smalltalk.h"
#include "sp-text.h"

/* German text handling of the FAQ matcher: folding, tokens, stemming,
 * compounds, synonyms, translations, small talk. */

static SpLexicon *
lexicon (void)
{
  g_autoptr(GError) error = NULL;
  SpLexicon *lex = sp_lexicon_get_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (lex);
  /* CI installs the Debian dictionaries (scripts/install-deps.sh). */
  g_assert_true (sp_lexicon_has_wordlist (lex));
  g_assert_true (sp_lexicon_has_thesaurus (lex));
  g_assert_true (sp_lexicon_has_translations (lex));
  return lex;
}

static void
assert_fold (const char *in,
             const char *expected)
{
  g_autofree char *out = sp_text_fold (in);

  g_assert_cmpstr (out, ==, expected);
}

static void
test_fold (void)
{
  assert_fold ("Führerschein", "fuehrerschein");
  assert_fold ("FÜHRERSCHEIN", "fuehrerschein");
  assert_fold ("Straße", "strasse");
  assert_fold ("STRASSE", "strasse");
  assert_fold ("Café au lait", "cafe au lait");
  /* A combining diaeresis typed separately is an umlaut too. */
  assert_fold ("Fu\xcc\x88hrerschein", "fuehrerschein");
  assert_fold ("  Wie melde ich mich an?!  ", "wie melde ich mich an");
  assert_fold ("Anwohner-/Bewohnerparkausweis", "anwohner bewohnerparkausweis");
  assert_fold ("", "");
  assert_fold (NULL, "");
  /* Invalid UTF-8 is repaired, not trusted. */
  assert_fold ("Pass\xff" "wort", "pass wort");
}

static void
test_plain (void)
{
  const char *cases[][2] = {
    { "fuehrerschein", "fuhrerschein" },
    { "fuhrerschein", "fuhrerschein" },
    { "antraege", "antrage" },
    { "boese", "bose" },
    /* Not umlauts: after a vowel or q. */
    { "neue", "neue" },
    { "steuer", "steuer" },
    { "bauer", "bauer" },
    { "quelle", "quelle" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = sp_text_plain (cases[i][0]);
      g_assert_cmpstr (out, ==, cases[i][1]);
    }
}

static void
test_tokenize (void)
{
  g_autoptr(GArray) ends = NULL;
  g_auto(GStrv) tokens = sp_text_tokenize_clauses ("Wie melde ich mich an, wenn ich umziehe? Danke", &ends);

  g_assert_cmpuint (g_strv_length (tokens), ==, 9);
  g_assert_cmpstr (tokens[4], ==, "an");
  g_assert_cmpuint (ends->len, ==, 9);
  g_assert_false (g_array_index (ends, gboolean, 3));
  g_assert_true (g_array_index (ends, gboolean, 4));   /* "an," */
  g_assert_true (g_array_index (ends, gboolean, 7));   /* "umziehe?" */
  g_assert_true (g_array_index (ends, gboolean, 8));   /* the end */
}

static void
test_edit_distance (void)
{
  g_assert_cmpuint (sp_text_edit_distance ("reisepass", "reisepass", 2), ==, 0);
  g_assert_cmpuint (sp_text_edit_distance ("reisepas", "reisepass", 2), ==, 1);
  g_assert_cmpuint (sp_text_edit_distance ("wohnugn", "wohnung", 2), ==, 1);   /* transposition */
  g_assert_cmpuint (sp_text_edit_distance ("fuhrerschein", "fuehrerschein", 2), ==, 1);
  g_assert_cmpuint (sp_text_edit_distance ("ausweis", "antrag", 2), ==, 3);     /* over the limit */
}

static void
assert_same_stem (SpLexicon  *lex,
                  const char *a,
                  const char *b)
{
  g_autofree char *fa = sp_text_fold (a);
  g_autofree char *fb = sp_text_fold (b);
  g_autofree char *sa = sp_lexicon_stem (lex, "de", fa);
  g_autofree char *sb = sp_lexicon_stem (lex, "de", fb);

  g_assert_cmpstr (sa, ==, sb);
}

static void
test_stem (void)
{
  SpLexicon *lex = lexicon ();
  g_autofree char *en = NULL;
  g_autofree char *wetter = NULL;
  g_autofree char *wetten = NULL;

  /* Spellings with and without umlauts meet. */
  assert_same_stem (lex, "Führerschein", "Fuehrerschein");
  assert_same_stem (lex, "Führerschein", "fuhrerschein");
  assert_same_stem (lex, "Führerscheine", "Führerschein");
  /* Inflection and nominalisation. */
  assert_same_stem (lex, "anmelden", "Anmeldung");
  assert_same_stem (lex, "beantragen", "Beantragung");
  assert_same_stem (lex, "Anträge", "Antrag");
  assert_same_stem (lex, "Reisepasses", "Reisepass");
  assert_same_stem (lex, "Kinder", "Kind");
  /* A noun in -er is no verb stem: the weather is not a bet. */
  wetter = sp_lexicon_stem (lex, "de", "wetter");
  wetten = sp_lexicon_stem (lex, "de", "wetten");
  g_assert_cmpstr (wetter, !=, wetten);

  en = sp_lexicon_stem (lex, "en", "registering");
  g_assert_cmpstr (en, ==, "regist");
}

static void
assert_split (SpLexicon          *lex,
              const char         *word,
              const char * const *expected)
{
  g_autofree char *folded = sp_text_fold (word);
  g_auto(GStrv) parts = sp_lexicon_split_compound (lex, folded, NULL);

  if (expected == NULL)
    {
      g_assert_null (parts);
      return;
    }
  g_assert_nonnull (parts);
  g_assert_cmpuint (g_strv_length (parts), ==, g_strv_length ((GStrv) expected));
  /* Compared as stems: "hunde" + "steuer" is as right as "hund" + "steuer". */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *got = sp_lexicon_stem (lex, "de", parts[i]);
      g_autofree char *want = sp_lexicon_stem (lex, "de", expected[i]);

      g_assert_cmpstr (got, ==, want);
    }
}

static void
test_compounds (void)
{
  SpLexicon *lex = lexicon ();
  const char *wohnsitz[] = { "wohnsitz", "anmeldung", NULL };
  const char *perso[] = { "personal", "ausweis", NULL };
  const char *hund[] = { "hund", "steuer", NULL };          /* linking -e- */
  const char *verwarn[] = { "verwarnung", "geld", NULL };   /* linking -s- */
  const char *fuehrer[] = { "fuhrer", "schein", NULL };     /* umlauts folded */
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) with_known = NULL;

  assert_split (lex, "Wohnsitzanmeldung", wohnsitz);
  assert_split (lex, "Personalausweis", perso);
  assert_split (lex, "Hundesteuer", hund);
  assert_split (lex, "Verwarnungsgeld", verwarn);
  assert_split (lex, "Führerschein", fuehrer);
  /* Words that are no compounds stay whole. */
  assert_split (lex, "Anmeldung", NULL);
  assert_split (lex, "Ausweis", NULL);
  assert_split (lex, "Bescheinigung", NULL);
  assert_split (lex, "Einbürgerung", NULL);

  /* The index's own words count as vocabulary. */
  g_hash_table_add (known, (gpointer) "stadtpult");
  with_known = sp_lexicon_split_compound (lex, "stadtpultanmeldung", known);
  g_assert_nonnull (with_known);
  g_assert_cmpstr (with_known[0], ==, "stadtpult");
  g_assert_cmpstr (with_known[1], ==, "anmeldung");
}

static gboolean
has_term (const GArray *terms,
          const char   *term)
{
  for (guint i = 0; terms != NULL && i < terms->len; i++)
    if (g_str_equal (g_array_index (terms, SpLexiconTerm, i).term, term))
      return TRUE;
  return FALSE;
}

static void
test_synonyms (void)
{
  SpLexicon *lex = lexicon ();
  g_autofree char *perso = sp_lexicon_stem (lex, "de", "perso");
  g_autofree char *perso_target = sp_lexicon_stem (lex, "de", "personalausweis");
  g_autofree char *knoellchen = sp_lexicon_stem (lex, "de", "knoellchen");
  g_autofree char *bussgeld = sp_lexicon_stem (lex, "de", "bussgeld");
  g_autofree char *kita = sp_lexicon_stem (lex, "de", "kita");
  g_autofree char *kindergarten = sp_lexicon_stem (lex, "de", "kindergarten");
  g_autofree char *auto_ = sp_lexicon_stem (lex, "de", "auto");
  g_autofree char *fahrzeug = sp_lexicon_stem (lex, "de", "fahrzeug");
  const GArray *syn;

  g_assert_true (has_term (sp_lexicon_synonyms (lex, perso), perso_target));
  g_assert_true (has_term (sp_lexicon_synonyms (lex, knoellchen), bussgeld));
  g_assert_true (has_term (sp_lexicon_synonyms (lex, kita), kindergarten));
  g_assert_true (has_term (sp_lexicon_synonyms (lex, auto_), fahrzeug));
  /* Curated synonyms weigh more than the thesaurus, less than the word. */
  syn = sp_lexicon_synonyms (lex, perso);
  g_assert_cmpfloat (g_array_index (syn, SpLexiconTerm, 0).weight, <, 1.0);
  g_assert_cmpfloat (g_array_index (syn, SpLexiconTerm, 0).weight, >, 0.5);
  /* "Knöllchen" -> official words only, not the other way round. */
  g_assert_false (has_term (sp_lexicon_synonyms (lex, bussgeld), knoellchen));
  /* Stop words. */
  g_assert_true (sp_lexicon_is_stopword (lex, "de", "moechte"));
  g_assert_true (sp_lexicon_is_stopword (lex, "en", "the"));
  g_assert_false (sp_lexicon_is_stopword (lex, "de", "reisepass"));
  /* Everyday words are more common than catalogue words. */
  g_assert_cmpfloat (sp_lexicon_commonness (lex, "haus"), >,
                     sp_lexicon_commonness (lex, perso_target));
}

static void
test_translations (void)
{
  SpLexicon *lex = lexicon ();
  g_autofree char *reisepass = sp_lexicon_stem (lex, "de", "reisepass");
  g_autofree char *personalausweis = sp_lexicon_stem (lex, "de", "personalausweis");
  g_autofree char *hund = sp_lexicon_stem (lex, "de", "hund");
  g_autofree char *wohnung = sp_lexicon_stem (lex, "de", "wohnung");

  g_assert_true (has_term (sp_lexicon_translate_en (lex, "passport"), reisepass));
  g_assert_true (has_term (sp_lexicon_translate_en (lex, "id card"), personalausweis));
  /* From trans-de-en itself. */
  g_assert_true (has_term (sp_lexicon_translate_en (lex, "dog"), hund));
  g_assert_true (has_term (sp_lexicon_translate_en (lex, "flat"), wohnung));
  g_assert_true (sp_lexicon_is_english_word (lex, "passport"));
  g_assert_null (sp_lexicon_translate_en (lex, "xyzzyq"));
}

static void
test_smalltalk (void)
{
  const struct {
    const char  *text;
    SpSmalltalk  kind;
    const char  *lang;
  } cases[] = {
    { "Hallo", SP_SMALLTALK_GREETING, "de" },
    { "Guten Tag!", SP_SMALLTALK_GREETING, "de" },
    { "moin", SP_SMALLTALK_GREETING, "de" },
    { "Servus", SP_SMALLTALK_GREETING, "de" },
    { "hi there", SP_SMALLTALK_GREETING, "en" },
    { "Hello", SP_SMALLTALK_GREETING, "en" },
    { "Danke!", SP_SMALLTALK_THANKS, "de" },
    { "vielen Dank", SP_SMALLTALK_THANKS, "de" },
    { "thx", SP_SMALLTALK_THANKS, "en" },
    { "Thank you very much", SP_SMALLTALK_THANKS, "en" },
    { "Tschüss", SP_SMALLTALK_BYE, "de" },
    { "bye", SP_SMALLTALK_BYE, "en" },
    { "Mitarbeiter bitte", SP_SMALLTALK_HUMAN, "de" },
    { "Ich möchte mit einem Menschen sprechen", SP_SMALLTALK_HUMAN, "de" },
    { "Can I talk to a human?", SP_SMALLTALK_HUMAN, "en" },
    { "ja", SP_SMALLTALK_YES, "de" },
    { "yes please", SP_SMALLTALK_YES, "en" },
    { "nein", SP_SMALLTALK_NO, "de" },
    /* A question with a greeting is a question. */
    { "Hallo, wo beantrage ich einen Reisepass?", SP_SMALLTALK_NONE, "de" },
    { "Wie viele Menschen wohnen in Jena?", SP_SMALLTALK_NONE, "de" },
    { "", SP_SMALLTALK_NONE, "de" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *lang = NULL;
      SpSmalltalk kind = sp_smalltalk_classify (cases[i].text, &lang);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpstr (sp_smalltalk_to_string (kind), ==, sp_smalltalk_to_string (cases[i].kind));
      g_assert_cmpstr (lang, ==, cases[i].lang);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faq/text/fold", test_fold);
  g_test_add_func ("/faq/text/plain", test_plain);
  g_test_add_func ("/faq/text/tokenize", test_tokenize);
  g_test_add_func ("/faq/text/edit-distance", test_edit_distance);
  g_test_add_func ("/faq/text/stem", test_stem);
  g_test_add_func ("/faq/text/compounds", test_compounds);
  g_test_add_func ("/faq/text/synonyms", test_synonyms);
  g_test_add_func ("/faq/text/translations", test_translations);
  g_test_add_func ("/faq/text/smalltalk", test_smalltalk);
  return g_test_run ();
}
