/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-faq-text-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <utime.h>

#include "sp-lexicon-private.h"
#include "sp-text.h"

/* The lexicon cache (core/faq/sp-lexicon-cache.c): a lexicon loaded from
 * the cache answers every lookup exactly like the freshly parsed one, and
 * an edited curated list is parsed again instead of served stale. The
 * Debian dictionaries are parsed twice (seconds each), in a private cache
 * directory. */

/* The copy of data/faq both tests use (so the second finds the cache the
 * first wrote), and the private cache directory. */
static char *data_dir;
static char *cache_dir;

static const char * const curated_files[] = {
  "stopwords-de.txt", "stopwords-en.txt", "synonyms-de.txt", "en-de.txt",
};

static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("SP_SOURCE_ROOT");
  g_autofree char *rel = NULL;
  va_list args;

  g_assert_nonnull (root);
  va_start (args, first);
  rel = g_build_filename_valist (first, &args);
  va_end (args);
  return g_build_filename (root, rel, NULL);
}

/* A copy of data/faq the test may edit. */
static char *
copy_curated (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sp-faq-data-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (curated_files); i++)
    {
      g_autofree char *from = source_path ("data", "faq", curated_files[i], NULL);
      g_autofree char *to = g_build_filename (dir, curated_files[i], NULL);
      g_autofree char *text = NULL;
      gsize len;

      g_file_get_contents (from, &text, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents (to, text, len, &error);
      g_assert_no_error (error);
    }
  return dir;
}

static void
remove_curated (const char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS (curated_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, curated_files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static SpLexicon *
load (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SpLexicon *lex = sp_lexicon_new (dir, TRUE, &error);

  g_assert_no_error (error);
  /* Only a lexicon with all Debian dictionaries is cached. */
  g_assert_true (lex != NULL && sp_lexicon_has_wordlist (lex) &&
                 sp_lexicon_has_thesaurus (lex) && sp_lexicon_has_translations (lex));
  return lex;
}

static void
assert_same_terms (const GArray *a,
                   const GArray *b)
{
  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const SpLexiconTerm *x = &g_array_index (a, SpLexiconTerm, i);
      const SpLexiconTerm *y = &g_array_index (b, SpLexiconTerm, i);

      g_assert_cmpstr (x->term, ==, y->term);
      g_assert_true (x->weight == y->weight);
    }
}

/* Every lookup the matcher makes, for one folded word. */
static void
assert_same_word (SpLexicon  *parsed,
                  SpLexicon  *cached,
                  const char *word)
{
  static const char * const langs[] = { "de", "en" };

  g_assert_cmpint (sp_lexicon_is_german_word (parsed, word), ==,
                   sp_lexicon_is_german_word (cached, word));
  g_assert_cmpint (sp_lexicon_is_verb_form (parsed, word), ==,
                   sp_lexicon_is_verb_form (cached, word));
  g_assert_cmpint (sp_lexicon_is_english_word (parsed, word), ==,
                   sp_lexicon_is_english_word (cached, word));
  assert_same_terms (sp_lexicon_translate_en (parsed, word),
                     sp_lexicon_translate_en (cached, word));
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      g_autofree char *stem_p = sp_lexicon_stem (parsed, langs[l], word);
      g_autofree char *stem_c = sp_lexicon_stem (cached, langs[l], word);

      g_assert_cmpint (sp_lexicon_is_stopword (parsed, langs[l], word), ==,
                       sp_lexicon_is_stopword (cached, langs[l], word));
      g_assert_cmpstr (stem_p, ==, stem_c);
      g_assert_true (sp_lexicon_commonness (parsed, stem_p) ==
                     sp_lexicon_commonness (cached, stem_c));
      assert_same_terms (sp_lexicon_synonyms (parsed, stem_p),
                         sp_lexicon_synonyms (cached, stem_c));
    }
  {
    g_auto(GStrv) split_p = sp_lexicon_split_compound (parsed, word, NULL);
    g_auto(GStrv) split_c = sp_lexicon_split_compound (cached, word, NULL);

    g_assert_true ((split_p == NULL) == (split_c == NULL));
    if (split_p != NULL)
      g_assert_true (g_strv_equal ((const char * const *) split_p,
                                   (const char * const *) split_c));
  }
}

static guint
count_cache_files (void)
{
  g_autofree char *sub = g_build_filename (cache_dir, "stadtpult", NULL);
  g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_cache_same_answers (void)
{
  const char *dir = data_dir;
  g_autofree char *questions_path = source_path ("bench", "bot", "questions-berlin.json", NULL);
  g_autofree char *questions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLexicon) parsed = NULL;
  g_autoptr(SpLexicon) cached = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) words = NULL;
  GPtrArray *curated_p, *curated_c;
  guint n = 0;

  /* The first load parses and writes the cache, the second maps it. */
  g_assert_cmpuint (count_cache_files (), ==, 0);
  parsed = load (dir);
  g_assert_cmpuint (count_cache_files (), ==, 1);
  cached = load (dir);
  /* (Internals, only to be sure which path each one took.) */
  g_assert_null (parsed->cache_file);
  g_assert_nonnull (cached->cache_file);

  curated_p = sp_lexicon_curated_words (parsed);
  curated_c = sp_lexicon_curated_words (cached);
  g_assert_cmpuint (curated_p->len, ==, curated_c->len);
  for (guint i = 0; i < curated_p->len; i++)
    g_assert_cmpstr (curated_p->pdata[i], ==, curated_c->pdata[i]);

  /* The words of the labelled citizen questions (German, English, typos)
   * and of the curated lists, plus a few that are in no list. */
  g_file_get_contents (questions_path, &questions, NULL, &error);
  g_assert_no_error (error);
  words = sp_text_tokenize (questions);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_hash_table_add (seen, words[i]))
      {
        assert_same_word (parsed, cached, words[i]);
        n++;
      }
  for (guint i = 0; i < curated_p->len; i++)
    assert_same_word (parsed, cached, curated_p->pdata[i]);
  assert_same_word (parsed, cached, "xyzzyq");
  assert_same_word (parsed, cached, "wohnsitzanmeldung");
  assert_same_word (parsed, cached, "id card");
  g_assert_cmpuint (n, >, 1000);
}

/* The names of the files in the private cache directory. */
static GPtrArray *
cache_file_names (void)
{
  g_autofree char *sub = g_build_filename (cache_dir, "stadtpult", NULL);
  g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  return g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL);
}

static char *
cache_file_path (const char *name)
{
  return g_build_filename (cache_dir, "stadtpult", name, NULL);
}

static void
set_age_days (const char *path,
              int         days)
{
  struct utimbuf times;

  times.actime = times.modtime = time (NULL) - (time_t) days * 24 * 3600;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gint64
age_seconds (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) time (NULL) - (gint64) st.st_mtime;
}

/* A cache file header (magic, version, key) for @key, @days old; what
 * follows the header does not matter to the tidying. NULL @key: junk. */
static void
plant (const char *name,
       const char *key,
       int         days)
{
  g_autofree char *path = cache_file_path (name);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  if (key != NULL)
    {
      guint32 version = 1, len = strlen (key);

      g_byte_array_append (bytes, (const guint8 *) "SPLEXC\0\0", 8);
      g_byte_array_append (bytes, (const guint8 *) &version, 4);
      g_byte_array_append (bytes, (const guint8 *) &len, 4);
      g_byte_array_append (bytes, (const guint8 *) key, len);
    }
  g_byte_array_append (bytes, (const guint8 *) "not a lexicon, only padding", 27);
  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  set_age_days (path, days);
}

static void
test_cache_follows_edits (void)
{
  const char *dir = data_dir;
  g_autofree char *en_de = g_build_filename (dir, "en-de.txt", NULL);
  g_autofree char *stopwords = g_build_filename (dir, "stopwords-de.txt", NULL);
  g_autofree char *first = NULL;
  g_autofree char *live_key = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *key = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;
  SpLexicon *lex;
  const GArray *terms;
  gboolean found = FALSE;

  /* From the cache the previous test wrote, unused for 10 days: loading
   * marks it used. */
  before = cache_file_names ();
  g_assert_cmpuint (before->len, ==, 1);
  first = cache_file_path (before->pdata[0]);
  set_age_days (first, 10);
  lex = load (dir);
  g_assert_nonnull (lex->cache_file);
  g_assert_null (sp_lexicon_translate_en (lex, "grumbleflux"));
  sp_lexicon_free (lex);
  g_assert_cmpint (age_seconds (first), <, 3600);

  /* Other files in the cache directory: those of another checkout whose
   * inputs are still there, used 1 to 5 and 40 days ago; one whose input
   * is gone; one that is no cache file; one of somebody else. */
  live_key = sp_lexicon_cache_key ((const char * const[]) { stopwords, NULL });
  g_assert_nonnull (live_key);
  for (int days = 1; days <= 5; days++)
    {
      g_autofree char *name = g_strdup_printf ("faq-lexicon-live%d.bin", days);

      plant (name, live_key, days);
    }
  plant ("faq-lexicon-live40.bin", live_key, 40);
  plant ("faq-lexicon-gone.bin", "v4\n/nonexistent/stadtpult/en-de.txt 12 1700000000", 0);
  plant ("faq-lexicon-junk.bin", NULL, 0);
  plant ("unrelated.txt", NULL, 100);

  /* An editor adds an English word: the next process must know it. */
  g_file_get_contents (en_de, &text, NULL, &error);
  g_assert_no_error (error);
  edited = g_strconcat (text, "grumbleflux => Bürgeramt\n", NULL);
  g_file_set_contents (en_de, edited, -1, &error);
  g_assert_no_error (error);

  lex = load (dir);
  g_assert_null (lex->cache_file);
  terms = sp_lexicon_translate_en (lex, "grumbleflux");
  g_assert_nonnull (terms);
  target = sp_text_fold ("Bürgeramt");
  key = sp_lexicon_stem (lex, "de", target);
  for (guint i = 0; i < terms->len; i++)
    found |= g_str_equal (g_array_index (terms, SpLexiconTerm, i).term, key);
  g_assert_true (found);
  sp_lexicon_free (lex);
  /* A new cache file for the edited inputs. The old one can never be hit
   * again, nor can the one whose input is gone, nor the junk: removed. Of
   * the other checkout's files, the 4 most recently used stay; the fifth
   * and the one unused for 40 days go. Other files stay. */
  after = cache_file_names ();
  g_assert_false (has_name (after, before->pdata[0]));
  g_assert_false (has_name (after, "faq-lexicon-gone.bin"));
  g_assert_false (has_name (after, "faq-lexicon-junk.bin"));
  g_assert_false (has_name (after, "faq-lexicon-live5.bin"));
  g_assert_false (has_name (after, "faq-lexicon-live40.bin"));
  for (int days = 1; days <= 4; days++)
    {
      g_autofree char *name = g_strdup_printf ("faq-lexicon-live%d.bin", days);

      g_assert_true (has_name (after, name));
    }
  g_assert_true (has_name (after, "unrelated.txt"));
  g_assert_cmpuint (after->len, ==, 6);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("sp-faq-cache-XXXXXX", &error);
  int ret;

  g_assert_no_error (error);
  cache_dir = cache;
  /* Before anything asks GLib for the cache directory. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_unsetenv ("STADTPULT_LEXICON_CACHE");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faq/lexicon-cache/same-answers", test_cache_same_answers);
  g_test_add_func ("/faq/lexicon-cache/follows-edits", test_cache_follows_edits);
  data_dir = copy_curated ();
  ret = g_test_run ();
  remove_curated (data_dir);
  g_free (data_dir);
  {
    g_autofree char *sub = g_build_filename (cache, "stadtpult", NULL);
    g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (sub, name, NULL);

        g_unlink (path);
      }
    g_rmdir (sub);
    g_rmdir (cache);
  }
  return ret;
}
