/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-lexicon"

#include "config.h"

#include <glib/gi18n.h>
#include <libstemmer.h>
#include <math.h>
#include <string.h>

#include "sp-lexicon-private.h"

#include "sp-text.h"

#define OPENTHESAURUS_PATH "/usr/share/openthesaurus-de/openthesaurus.txt"
#define TRANS_DE_EN_PATH   "/usr/share/trans/de-en"
#define NGERMAN_PATH       "/usr/share/dict/ngerman"

/* Synsets larger than this are too generic to expand with. */
#define THESAURUS_MAX_SYNSET    14
#define THESAURUS_MAX_PER_TERM  24
#define TRANSLATIONS_MAX        16

#define WEIGHT_CURATED_SYNONYM  0.85f
#define WEIGHT_THESAURUS        0.45f

/* --- tables -------------------------------------------------------------- */

/* A lexicon loaded from the cache looks its big tables up in the mapped
 * file (sp-lexicon-cache.c); a parsed one in its hash tables. */

/* WORD_* flags of a plain word, 0 if the word list lacks it. */
static guint
word_list_flags (SpLexicon  *self,
                 const char *plain)
{
  if (self->cache_file != NULL)
    return sp_lexicon_cache_maybe_word (self, plain) ?
           sp_lexicon_cache_value (self, &self->words_index, plain) : 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->words_de, plain));
}

static gboolean
word_list_empty (SpLexicon *self)
{
  return self->cache_file == NULL && g_hash_table_size (self->words_de) == 0;
}

/* --- stemming ----------------------------------------------------------- */

typedef struct {
  struct sb_stemmer *de;
  struct sb_stemmer *en;
} Stemmers;

static void
stemmers_free (gpointer data)
{
  Stemmers *s = data;

  if (s->de != NULL)
    sb_stemmer_delete (s->de);
  if (s->en != NULL)
    sb_stemmer_delete (s->en);
  g_free (s);
}

/* libstemmer is not thread-safe: one pair of stemmers per thread. */
static GPrivate stemmers_key = G_PRIVATE_INIT (stemmers_free);

static Stemmers *
get_stemmers (void)
{
  Stemmers *s = g_private_get (&stemmers_key);

  if (s == NULL)
    {
      s = g_new0 (Stemmers, 1);
      s->de = sb_stemmer_new ("german", "UTF_8");
      s->en = sb_stemmer_new ("english", "UTF_8");
      g_private_set (&stemmers_key, s);
    }
  return s;
}

char *
sp_lexicon_stem_uncached (SpLexicon  *self,
               const char *lang,
               const char *word)
{
  Stemmers *s = get_stemmers ();
  gboolean en = lang != NULL && g_str_equal (lang, "en");
  struct sb_stemmer *st = en ? s->en : s->de;
  const sb_symbol *out;
  gsize len = strlen (word);

  /* Digits and very short words are kept as they are. */
  if (st == NULL || len < 3 || g_ascii_isdigit (word[0]))
    return en ? g_strdup (word) : sp_text_plain (word);
  out = sb_stemmer_stem (st, (const sb_symbol *) word, (int) len);
  if (out == NULL)
    return g_strdup (word);
  if (en)
    return g_strndup ((const char *) out, sb_stemmer_length (st));
  {
    g_autofree char *stem = g_strndup ((const char *) out, sb_stemmer_length (st));
    gsize sl = strlen (stem);

    /* Snowball takes "-er" off nouns too: Wetter -> wett (= wetten),
     * Anwohner -> anwohn. A noun in -er whose rest is no noun keeps it;
     * plurals like Kinder (Kind) still lose it. */
    if (self != NULL && !word_list_empty (self) && sl >= 3 &&
        ((len == sl + 2 && g_str_has_suffix (word, "er")) ||
         (len == sl + 3 && (g_str_has_suffix (word, "ern") || g_str_has_suffix (word, "ers")))) &&
        strncmp (word, stem, sl) == 0)
      {
        g_autofree char *plain_stem = sp_text_plain (stem);
        g_autofree char *er = g_strndup (word, sl + 2);
        g_autofree char *plain_er = sp_text_plain (er);
        guint stem_flags = word_list_flags (self, plain_stem);
        guint er_flags = word_list_flags (self, plain_er);

        if (er_flags != 0 && (stem_flags & WORD_NOUN) == 0)
          return g_steal_pointer (&plain_er);
      }
    return sp_text_plain (stem);
  }
}

/* Bound of each memo: the words of citizens' questions and their compound
 * parts, not the whole language. */
#define STEM_MEMO_MAX 65536

/* Snowball costs some 4 000 instructions a word; once loading is done the
 * stem of a word never changes (while loading, the curated words still
 * join the word list that stemming consults), so it is memoised. */
char *
sp_lexicon_stem (SpLexicon  *self,
                 const char *lang,
                 const char *word)
{
  char *owned = NULL;
  const char *stem = sp_lexicon_stem_ref (self, lang, word, &owned);

  return owned != NULL ? owned : g_strdup (stem);
}

const char *
sp_lexicon_stem_ref (SpLexicon   *self,
                     const char  *lang,
                     const char  *word,
                     char       **owned)
{
  GHashTable *memo;
  const char *known;
  char *stem;

  gboolean en = lang != NULL && lang[0] == 'e' && strcmp (lang, "en") == 0;

  *owned = NULL;
  if (self == NULL || !self->frozen)
    return *owned = sp_lexicon_stem_uncached (self, lang, word);
  /* German words of the word list: stemmed when the cache was written. */
  if (!en && self->cache_file != NULL)
    {
      guint32 at = sp_lexicon_cache_value (self, &self->stems_index, word);

      if (at != 0 && at - 1 < self->blob_len)
        return self->blob + at - 1;
    }
  memo = self->stem_memo[en ? 1 : 0];
  g_rw_lock_reader_lock (&self->stem_lock);
  known = g_hash_table_lookup (memo, word);
  g_rw_lock_reader_unlock (&self->stem_lock);
  if (known != NULL)
    return known;
  stem = sp_lexicon_stem_uncached (self, lang, word);
  g_rw_lock_writer_lock (&self->stem_lock);
  /* Values are never replaced nor removed: callers keep them. */
  known = g_hash_table_lookup (memo, word);
  if (known == NULL && g_hash_table_size (memo) < STEM_MEMO_MAX)
    {
      g_hash_table_insert (memo, g_strdup (word), stem);
      known = g_steal_pointer (&stem);
    }
  g_rw_lock_writer_unlock (&self->stem_lock);
  if (known != NULL)
    {
      g_free (stem);
      return known;
    }
  return *owned = stem;
}

/* Stem keys of all words of @phrase joined by spaces; NULL if empty. */
static char *
stem_phrase (SpLexicon  *self,
             const char *lang,
             const char *phrase,
             guint      *n_words)
{
  g_auto(GStrv) tokens = sp_text_tokenize (phrase);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autofree char *key = sp_lexicon_stem (self, lang, tokens[i]);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, key);
      n++;
    }
  if (n_words != NULL)
    *n_words = n;
  if (n == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* --- files --------------------------------------------------------------- */

static const char *
find_data_dir (void)
{
  static char *dir = NULL;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("STADTPULT_DATA_DIR");
      g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

      if (env != NULL && *env != '\0')
        {
          /* Either the faq folder itself or a datadir holding faq/. */
          g_ptr_array_add (candidates, g_build_filename (env, "faq", NULL));
          g_ptr_array_add (candidates, g_strdup (env));
        }
      env = g_getenv ("SP_SOURCE_ROOT");
      if (env != NULL && *env != '\0')
        g_ptr_array_add (candidates, g_build_filename (env, "data", "faq", NULL));
      g_ptr_array_add (candidates, g_build_filename (PKGDATADIR, "faq", NULL));
      /* Uninstalled builds: the source tree (SOURCE_PUBLIC_DIR is
       * <source>/sync-server/public). */
      g_ptr_array_add (candidates, g_build_filename (SOURCE_PUBLIC_DIR, "..", "..",
                                                    "data", "faq", NULL));
      for (guint i = 0; i < candidates->len; i++)
        {
          g_autofree char *probe = g_build_filename (candidates->pdata[i],
                                                     "stopwords-de.txt", NULL);

          if (g_file_test (probe, G_FILE_TEST_IS_REGULAR))
            {
              dir = g_strdup (candidates->pdata[i]);
              break;
            }
        }
      g_once_init_leave (&once, 1);
    }
  return dir;
}

/* Calls @line_func for every line that is not empty and not a '#' comment,
 * stripped. */
static gboolean
for_each_line (const char  *path,
               void       (*line_func) (SpLexicon *self, char *line),
               SpLexicon   *self,
               GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  const char *p, *end;

  if (file == NULL)
    return FALSE;
  p = g_mapped_file_get_contents (file);
  end = p + g_mapped_file_get_length (file);
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize len = (nl != NULL ? nl : end) - p;
      char buf[4096];

      if (len > 0 && len < sizeof buf && p[0] != '#')
        {
          memcpy (buf, p, len);
          buf[len] = '\0';
          g_strstrip (buf);
          if (buf[0] != '\0')
            line_func (self, buf);
        }
      p = nl != NULL ? nl + 1 : end;
    }
  return TRUE;
}

static void
add_stopword (GHashTable *set,
              GStringChunk *strings,
              const char *line)
{
  g_auto(GStrv) tokens = sp_text_tokenize (line);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *w = g_string_chunk_insert_const (strings, tokens[i]);
      g_hash_table_add (set, w);
    }
}

static void
stop_de_line (SpLexicon *self,
              char      *line)
{
  add_stopword (self->stop_de, self->strings, line);
}

static void
stop_en_line (SpLexicon *self,
              char      *line)
{
  add_stopword (self->stop_en, self->strings, line);
}

/* Adds @term with @weight to the list of @key, unless present. */
static void
add_expansion (SpLexicon  *self,
               GHashTable *table,
               const char *key,
               const char *term,
               float       weight,
               guint       max)
{
  GArray *list;
  SpLexiconTerm t;

  if (g_str_equal (key, term))
    return;
  list = g_hash_table_lookup (table, key);
  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (SpLexiconTerm));
      g_hash_table_insert (table, g_string_chunk_insert_const (self->strings, key), list);
    }
  for (guint i = 0; i < list->len; i++)
    {
      SpLexiconTerm *o = &g_array_index (list, SpLexiconTerm, i);

      if (g_str_equal (o->term, term))
        {
          o->weight = MAX (o->weight, weight);
          return;
        }
    }
  if (list->len >= max)
    return;
  t.term = g_string_chunk_insert_const (self->strings, term);
  t.weight = weight;
  g_array_append_val (list, t);
}

/* synonyms-de.txt: "a; b; c" is a set of equivalent terms; "a => b; c"
 * expands a to b and c only. Terms may be phrases. */
static void
synonyms_line (SpLexicon *self,
               char      *line)
{
  char *arrow = strstr (line, "=>");
  g_auto(GStrv) sources = NULL;
  g_auto(GStrv) targets = NULL;
  g_autoptr(GPtrArray) src_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dst_keys = g_ptr_array_new_with_free_func (g_free);

  if (arrow != NULL)
    {
      *arrow = '\0';
      sources = g_strsplit (line, ";", -1);
      targets = g_strsplit (arrow + 2, ";", -1);
    }
  else
    {
      sources = g_strsplit (line, ";", -1);
      targets = g_strdupv (sources);
    }
  for (guint i = 0; sources[i] != NULL; i++)
    {
      char *k = stem_phrase (self, "de", sources[i], NULL);
      g_auto(GStrv) words = sp_text_tokenize (sources[i]);

      if (k != NULL)
        g_ptr_array_add (src_keys, k);
      /* Known to compound splitting and typo correction. */
      for (guint j = 0; words[j] != NULL; j++)
        if (strlen (words[j]) >= 3 && !g_hash_table_contains (self->curated_set, words[j]) &&
            !g_hash_table_contains (self->stop_de, words[j]))
          {
            char *w = g_string_chunk_insert_const (self->strings, words[j]);
            g_autofree char *plain = sp_text_plain (w);

            g_hash_table_add (self->curated_set, w);
            g_ptr_array_add (self->curated_words, w);
            g_hash_table_insert (self->words_de,
                                 g_string_chunk_insert_const (self->strings, plain),
                                 GUINT_TO_POINTER (WORD_NOUN | WORD_LOWER));
          }
    }
  for (guint i = 0; targets[i] != NULL; i++)
    {
      char *k = stem_phrase (self, "de", targets[i], NULL);
      if (k != NULL)
        g_ptr_array_add (dst_keys, k);
    }
  for (guint i = 0; i < src_keys->len; i++)
    for (guint j = 0; j < dst_keys->len; j++)
      add_expansion (self, self->synonyms, src_keys->pdata[i], dst_keys->pdata[j],
                     WEIGHT_CURATED_SYNONYM, 64);
}

/* en-de.txt: "english phrase => German; German phrase". */
static void
en_de_line (SpLexicon *self,
            char      *line)
{
  char *arrow = strstr (line, "=>");
  g_autofree char *en = NULL;
  g_auto(GStrv) targets = NULL;
  float weight = 1.0f;

  if (arrow == NULL)
    return;
  *arrow = '\0';
  {
    g_auto(GStrv) tokens = sp_text_tokenize (line);
    en = g_strjoinv (" ", tokens);
  }
  if (*en == '\0')
    return;
  targets = g_strsplit (arrow + 2, ";", -1);
  for (guint i = 0; targets[i] != NULL; i++)
    {
      g_autofree char *k = stem_phrase (self, "de", targets[i], NULL);

      if (k == NULL)
        continue;
      add_expansion (self, self->translations, en, k, weight, 64);
      weight = MAX (0.7f, weight - 0.05f);
    }
}

/* --- system dictionaries -------------------------------------------------- */

static void
ngerman_line (SpLexicon *self,
              char      *line)
{
  g_autofree char *folded = NULL;
  g_autofree char *plain = NULL;
  gpointer old;
  guint flags;

  if (strchr (line, ' ') != NULL || strchr (line, '\'') != NULL || strlen (line) < 2)
    return;
  /* Abbreviations (BGB, GmbH, BEA) are no compound parts. */
  if (g_ascii_isupper (line[0]) && g_ascii_isupper (line[1]))
    return;
  folded = sp_text_fold (line);
  if (strchr (folded, ' ') != NULL || *folded == '\0')
    return;
  plain = sp_text_plain (folded);
  if (self->folded_words != NULL)
    g_hash_table_add (self->folded_words, g_string_chunk_insert_const (self->strings, folded));
  flags = g_unichar_isupper (g_utf8_get_char (line)) ? WORD_NOUN : WORD_LOWER;
  old = g_hash_table_lookup (self->words_de, plain);
  if (old != NULL)
    flags |= GPOINTER_TO_UINT (old);
  g_hash_table_replace (self->words_de,
                        g_string_chunk_insert_const (self->strings, plain),
                        GUINT_TO_POINTER (flags));
}

/* Removes annotations: "{m}", "[adm.]", "(ugs.)", "/Abk./", "<...>". */
static void
strip_annotations (char *s)
{
  char *w = s;
  int depth = 0;
  gboolean in_slash = FALSE;

  for (char *r = s; *r != '\0'; r++)
    {
      if (*r == '{' || *r == '[' || *r == '(' || *r == '<')
        depth++;
      else if ((*r == '}' || *r == ']' || *r == ')' || *r == '>') && depth > 0)
        depth--;
      else if (*r == '/' && depth == 0 && (r == s || r[-1] == ' ' || in_slash))
        in_slash = !in_slash;
      else if (depth == 0 && !in_slash)
        *w++ = *r;
    }
  *w = '\0';
  g_strstrip (s);
}

static void
thesaurus_line (SpLexicon *self,
                char      *line)
{
  g_auto(GStrv) terms = g_strsplit (line, ";", -1);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length (terms);

  if (n < 2 || n > THESAURUS_MAX_SYNSET)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) tokens = NULL;

      strip_annotations (terms[i]);
      tokens = sp_text_tokenize (terms[i]);
      /* Single words only, and no stop words. */
      if (tokens[0] == NULL || tokens[1] != NULL ||
          g_hash_table_contains (self->stop_de, tokens[0]) || strlen (tokens[0]) < 3)
        continue;
      g_ptr_array_add (keys, sp_lexicon_stem (self, "de", tokens[0]));
    }
  for (guint i = 0; i < keys->len; i++)
    for (guint j = 0; j < keys->len; j++)
      if (i != j)
        add_expansion (self, self->synonyms, keys->pdata[i], keys->pdata[j],
                       WEIGHT_THESAURUS, THESAURUS_MAX_PER_TERM);
}

/* Cleans one English alternative: drops "to " of verbs, "sth.", "sb.",
 * annotations; NULL unless 1..3 plain words remain. */
static char *
clean_english (char *alt)
{
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  char *joined;

  strip_annotations (alt);
  tokens = sp_text_tokenize (alt);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *t = tokens[i];

      if (i == 0 && g_str_equal (t, "to") && tokens[1] != NULL)
        continue;
      if (g_str_equal (t, "sth") || g_str_equal (t, "sb") || g_str_equal (t, "one") ||
          g_str_equal (t, "oneself") || g_str_equal (t, "s"))
        continue;
      g_ptr_array_add (kept, (gpointer) t);
    }
  if (kept->len == 0 || kept->len > 3)
    return NULL;
  g_ptr_array_add (kept, NULL);
  joined = g_strjoinv (" ", (char **) kept->pdata);
  return joined;
}

/* Cleans one German alternative; NULL unless 1..2 words remain. */
static char *
clean_german (SpLexicon *self,
              char      *alt)
{
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *out;

  strip_annotations (alt);
  tokens = sp_text_tokenize (alt);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *t = tokens[i];

      if (g_str_equal (t, "etw") || g_str_equal (t, "jdm") || g_str_equal (t, "jdn") ||
          g_str_equal (t, "jds") || g_str_equal (t, "sich") ||
          g_hash_table_contains (self->stop_de, t))
        continue;
      g_ptr_array_add (kept, (gpointer) t);
    }
  if (kept->len == 0 || kept->len > 2)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < kept->len; i++)
    {
      g_autofree char *k = sp_lexicon_stem (self, "de", kept->pdata[i]);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, k);
    }
  return g_string_free (out, FALSE);
}

/* Counts the German words of one dictionary entry: how common a word is
 * in general language, independent of the FAQ index. */
static void
count_background (SpLexicon  *self,
                  const char *german)
{
  g_auto(GStrv) tokens = sp_text_tokenize (german);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  self->background_n++;
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *key = g_hash_table_lookup (self->fold_cache, tokens[i]);
      gpointer count;

      if (key == NULL)
        {
          g_autofree char *k = sp_lexicon_stem (self, "de", tokens[i]);

          key = g_string_chunk_insert_const (self->strings, k);
          g_hash_table_insert (self->fold_cache,
                               g_string_chunk_insert_const (self->strings, tokens[i]),
                               (gpointer) key);
        }
      if (!g_hash_table_add (seen, (gpointer) key))
        continue;
      count = g_hash_table_lookup (self->background, key);
      g_hash_table_insert (self->background, (gpointer) key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
    }
}

static void
trans_line (SpLexicon *self,
            char      *line)
{
  char *sep = strstr (line, " :: ");
  g_auto(GStrv) de_senses = NULL;
  g_auto(GStrv) en_senses = NULL;

  if (sep == NULL)
    return;
  *sep = '\0';
  count_background (self, line);
  de_senses = g_strsplit (line, "|", -1);
  en_senses = g_strsplit (sep + 4, "|", -1);
  for (guint s = 0; de_senses[s] != NULL && en_senses[s] != NULL; s++)
    {
      g_auto(GStrv) de_alts = NULL;
      g_auto(GStrv) en_alts = NULL;
      g_autoptr(GPtrArray) de_keys = g_ptr_array_new_with_free_func (g_free);

      /* Example sentences (later senses with many words) carry little. */
      if (s > 0 && strchr (en_senses[s], ' ') != NULL &&
          g_strv_length (de_senses) > 1 && strlen (en_senses[s]) > 40)
        continue;
      de_alts = g_strsplit (de_senses[s], ";", -1);
      en_alts = g_strsplit (en_senses[s], ";", -1);
      for (guint i = 0; de_alts[i] != NULL; i++)
        {
          char *k = clean_german (self, de_alts[i]);
          if (k != NULL)
            g_ptr_array_add (de_keys, k);
        }
      for (guint j = 0; en_alts[j] != NULL; j++)
        {
          g_autofree char *en = clean_english (en_alts[j]);

          if (en == NULL || g_hash_table_contains (self->stop_en, en))
            continue;
          for (guint i = 0; i < de_keys->len; i++)
            {
              const char *de = de_keys->pdata[i];
              /* Headword senses and single, short words first. */
              float w = 0.9f - 0.1f * MIN (s, 3) - 0.05f * MIN (i, 3) -
                        (strchr (de, ' ') != NULL ? 0.1f : 0.0f) -
                        (strlen (de) > 14 ? 0.05f : 0.0f);
              add_expansion (self, self->translations, en, de, w, TRANSLATIONS_MAX);
            }
        }
    }
}

static int
term_cmp_weight (gconstpointer a,
                 gconstpointer b)
{
  const SpLexiconTerm *x = a, *y = b;

  return (x->weight < y->weight) - (x->weight > y->weight);
}

static void
sort_lists (GHashTable *table)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_array_sort (value, term_cmp_weight);
}

static void
free_array (gpointer data)
{
  g_array_unref (data);
}

static gboolean
load_system_file (SpLexicon   *self,
                  const char  *path,
                  void       (*line_func) (SpLexicon *self, char *line),
                  const char  *package)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_warning ("%s is missing (Debian package %s): the FAQ matcher works without it",
                 path, package);
      return FALSE;
    }
  if (!for_each_line (path, line_func, self, &error))
    {
      g_warning ("Cannot read %s: %s", path, error->message);
      return FALSE;
    }
  return TRUE;
}

static SpLexicon *
lexicon_alloc (void)
{
  SpLexicon *self = g_new0 (SpLexicon, 1);

  self->strings = g_string_chunk_new (1 << 16);
  self->stop_de = g_hash_table_new (g_str_hash, g_str_equal);
  self->stop_en = g_hash_table_new (g_str_hash, g_str_equal);
  self->words_de = g_hash_table_new (g_str_hash, g_str_equal);
  self->synonyms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, free_array);
  self->translations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, free_array);
  self->curated_words = g_ptr_array_new ();
  self->curated_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->background = g_hash_table_new (g_str_hash, g_str_equal);
  g_mutex_init (&self->memo_lock);
  for (guint i = 0; i < G_N_ELEMENTS (self->stem_memo); i++)
    self->stem_memo[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_rw_lock_init (&self->stem_lock);
  return self;
}

static SpLexicon *
lexicon_parse (const char  *data_dir,
               gboolean     system_dicts,
               GError     **error)
{
  g_autoptr(SpLexicon) self = lexicon_alloc ();
  static const struct {
    const char *name;
    void (*func) (SpLexicon *, char *);
  } curated[] = {
    { "stopwords-de.txt", stop_de_line },
    { "stopwords-en.txt", stop_en_line },
    { "synonyms-de.txt", synonyms_line },
    { "en-de.txt", en_de_line },
  };

  self->fold_cache = g_hash_table_new (g_str_hash, g_str_equal);
  self->folded_words = g_hash_table_new (g_str_hash, g_str_equal);

  if (data_dir == NULL)
    g_warning ("The FAQ language files (stopwords-de.txt ...) were not found: "
               "the matcher works without stop words and curated synonyms");
  /* Stop words and the word list first: stemming consults the word list,
   * and every later file is stored as stem keys. */
  for (guint i = 0; data_dir != NULL && i < 2; i++)
    {
      g_autofree char *path = g_build_filename (data_dir, curated[i].name, NULL);

      if (!for_each_line (path, curated[i].func, self, error))
        return NULL;
    }
  if (system_dicts)
    self->has_wordlist = load_system_file (self, NGERMAN_PATH, ngerman_line, "wngerman");
  for (guint i = 2; data_dir != NULL && i < G_N_ELEMENTS (curated); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, curated[i].name, NULL);

      if (!for_each_line (path, curated[i].func, self, error))
        return NULL;
    }
  if (system_dicts)
    {
      self->has_thesaurus = load_system_file (self, OPENTHESAURUS_PATH, thesaurus_line,
                                              "openthesaurus-de-text");
      self->has_translations = load_system_file (self, TRANS_DE_EN_PATH, trans_line,
                                                 "trans-de-en");
    }
  sort_lists (self->synonyms);
  sort_lists (self->translations);
  g_clear_pointer (&self->fold_cache, g_hash_table_unref);
  self->frozen = TRUE;
  return g_steal_pointer (&self);
}

/* Parsing the system dictionaries costs seconds of CPU, so a complete
 * lexicon (curated files and all three dictionaries present) is kept in a
 * binary cache keyed by its input files (sp-lexicon-cache.c) and loaded
 * from there while none of them changed. STADTPULT_LEXICON_CACHE=0
 * disables the cache. */
SpLexicon *
sp_lexicon_new (const char  *data_dir,
                gboolean     system_dicts,
                GError     **error)
{
  g_autofree char *key = NULL;
  SpLexicon *self;

  if (data_dir != NULL && system_dicts &&
      g_strcmp0 (g_getenv ("STADTPULT_LEXICON_CACHE"), "0") != 0)
    {
      g_autofree char *stop_de = g_build_filename (data_dir, "stopwords-de.txt", NULL);
      g_autofree char *stop_en = g_build_filename (data_dir, "stopwords-en.txt", NULL);
      g_autofree char *synonyms = g_build_filename (data_dir, "synonyms-de.txt", NULL);
      g_autofree char *en_de = g_build_filename (data_dir, "en-de.txt", NULL);
      const char * const inputs[] = {
        stop_de, stop_en, synonyms, en_de,
        NGERMAN_PATH, OPENTHESAURUS_PATH, TRANS_DE_EN_PATH, NULL
      };

      key = sp_lexicon_cache_key (inputs);
    }
  if (key != NULL)
    {
      self = lexicon_alloc ();
      /* Loaded from the cache, synonyms and translations only memoise the
       * lists handed out, keyed by their key's (unique) place in the
       * mapped file: no string hashing per lookup. */
      g_hash_table_unref (self->synonyms);
      g_hash_table_unref (self->translations);
      self->synonyms = g_hash_table_new_full (NULL, NULL, NULL, free_array);
      self->translations = g_hash_table_new_full (NULL, NULL, NULL, free_array);
      if (sp_lexicon_cache_load (self, key))
        {
          self->has_wordlist = self->has_thesaurus = self->has_translations = TRUE;
          self->frozen = TRUE;
          return self;
        }
      sp_lexicon_free (self);
    }
  self = lexicon_parse (data_dir, system_dicts, error);
  if (self != NULL && key != NULL &&
      self->has_wordlist && self->has_thesaurus && self->has_translations)
    sp_lexicon_cache_save (self, key);
  if (self != NULL)
    g_clear_pointer (&self->folded_words, g_hash_table_unref);
  return self;
}

static SpLexicon *default_lexicon;

SpLexicon *
sp_lexicon_get_default (GError **error)
{
  static GMutex lock;
  static GError *load_error;
  static gboolean tried;
  SpLexicon *result;

  g_mutex_lock (&lock);
  if (!tried)
    {
      tried = TRUE;
      default_lexicon = sp_lexicon_new (find_data_dir (), TRUE, &load_error);
    }
  result = default_lexicon;
  if (result == NULL && error != NULL)
    *error = g_error_copy (load_error);
  g_mutex_unlock (&lock);
  return result;
}

SpLexicon *
sp_lexicon_new_default (GError **error)
{
  return sp_lexicon_new (find_data_dir (), TRUE, error);
}

void
sp_lexicon_free (SpLexicon *self)
{
  if (self == NULL || self == default_lexicon)
    return;
  g_clear_pointer (&self->stop_de, g_hash_table_unref);
  g_clear_pointer (&self->stop_en, g_hash_table_unref);
  g_clear_pointer (&self->words_de, g_hash_table_unref);
  g_clear_pointer (&self->synonyms, g_hash_table_unref);
  g_clear_pointer (&self->translations, g_hash_table_unref);
  g_clear_pointer (&self->curated_words, g_ptr_array_unref);
  g_clear_pointer (&self->curated_set, g_hash_table_unref);
  g_clear_pointer (&self->background, g_hash_table_unref);
  g_clear_pointer (&self->fold_cache, g_hash_table_unref);
  g_clear_pointer (&self->folded_words, g_hash_table_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->cache_file, g_mapped_file_unref);
  g_mutex_clear (&self->memo_lock);
  for (guint i = 0; i < G_N_ELEMENTS (self->stem_memo); i++)
    g_clear_pointer (&self->stem_memo[i], g_hash_table_unref);
  g_rw_lock_clear (&self->stem_lock);
  g_free (self);
}

gboolean
sp_lexicon_has_wordlist (SpLexicon *self)
{
  return self->has_wordlist;
}

gboolean
sp_lexicon_has_thesaurus (SpLexicon *self)
{
  return self->has_thesaurus;
}

gboolean
sp_lexicon_has_translations (SpLexicon *self)
{
  return self->has_translations;
}

gboolean
sp_lexicon_is_stopword (SpLexicon  *self,
                        const char *lang,
                        const char *word)
{
  if (lang != NULL && g_str_equal (lang, "en"))
    return g_hash_table_contains (self->stop_en, word);
  return g_hash_table_contains (self->stop_de, word);
}

/* WORD_* flags of a folded word (its plain form in the word list). */
static guint
folded_word_flags (SpLexicon  *self,
                   const char *word)
{
  char buf[64];
  g_autofree char *plain = NULL;

  if (sp_text_plain_buf (word, buf, sizeof buf))
    return word_list_flags (self, buf);
  plain = sp_text_plain (word);
  return word_list_flags (self, plain);
}

gboolean
sp_lexicon_is_german_word (SpLexicon  *self,
                           const char *word)
{
  return folded_word_flags (self, word) != 0 ||
         g_hash_table_contains (self->stop_de, word);
}

gboolean
sp_lexicon_is_verb_form (SpLexicon  *self,
                         const char *word)
{
  if (word_list_empty (self))
    return TRUE;
  return (folded_word_flags (self, word) & WORD_LOWER) != 0;
}

gboolean
sp_lexicon_is_english_word (SpLexicon  *self,
                            const char *word)
{
  /* Whether the dictionary has it, without its translations. */
  if (self->cache_file != NULL)
    return sp_lexicon_cache_has (self, &self->translations_index, word) ||
           g_hash_table_contains (self->stop_en, word);
  return g_hash_table_contains (self->translations, word) ||
         g_hash_table_contains (self->stop_en, word);
}

double
sp_lexicon_commonness (SpLexicon  *self,
                       const char *stem_key)
{
  guint df;

  if (self->background_n == 0)
    return 0;
  if (self->cache_file != NULL)
    df = sp_lexicon_cache_value (self, &self->background_index, stem_key);
  else
    df = GPOINTER_TO_UINT (g_hash_table_lookup (self->background, stem_key));
  /* 0 for rare words, 1 for the most common ones. */
  return CLAMP (log1p (df) / log1p (self->background_n / 50.0), 0.0, 1.0);
}

GPtrArray *
sp_lexicon_curated_words (SpLexicon *self)
{
  return self->curated_words;
}

const GArray *
sp_lexicon_synonyms (SpLexicon  *self,
                     const char *stem_key)
{
  if (self->cache_file != NULL)
    return sp_lexicon_cache_terms (self, &self->synonyms_index, self->synonyms, stem_key);
  return g_hash_table_lookup (self->synonyms, stem_key);
}

static gboolean
array_list (const GArray      *array,
            SpLexiconTermList *out)
{
  memset (out, 0, sizeof *out);
  if (array == NULL)
    return FALSE;
  out->terms = (const SpLexiconTerm *) (gconstpointer) array->data;
  out->n = array->len;
  return TRUE;
}

gboolean
sp_lexicon_synonyms_list (SpLexicon         *self,
                          const char        *stem_key,
                          SpLexiconTermList *out)
{
  if (self->cache_file != NULL)
    return sp_lexicon_cache_list (self, &self->synonyms_index, stem_key, out);
  return array_list (g_hash_table_lookup (self->synonyms, stem_key), out);
}

gboolean
sp_lexicon_translate_en_list (SpLexicon         *self,
                              const char        *english,
                              SpLexiconTermList *out)
{
  if (self->cache_file != NULL)
    return sp_lexicon_cache_list (self, &self->translations_index, english, out);
  return array_list (g_hash_table_lookup (self->translations, english), out);
}

const GArray *
sp_lexicon_translate_en (SpLexicon  *self,
                         const char *english)
{
  if (self->cache_file != NULL)
    return sp_lexicon_cache_terms (self, &self->translations_index, self->translations,
                                   english);
  return g_hash_table_lookup (self->translations, english);
}

/* --- compounds ------------------------------------------------------------ */

#define SPLIT_MAX_LEN 48

/* Cost of @part (@len bytes, a NUL-terminated slice of the plain word) as
 * a compound part, < 0 if it is none. A verb stem ("wohn" of wohnen) may
 * be a modifier. */
static double
part_cost (SpLexicon  *self,
           GHashTable *known,
           const char *part,
           gsize       len,
           gboolean    head)
{
  guint flags;
  gboolean is_known = FALSE;
  double common = 0, bonus;

  if (len < 3)
    return -1;
  /* The word list (or the index's words) first: most slices are no word,
   * and then nothing else needs looking up. */
  flags = word_list_flags (self, part);
  if (known != NULL && g_hash_table_contains (known, part))
    {
      flags |= WORD_NOUN | WORD_LOWER;
      is_known = TRUE;
    }
  if (flags == 0 && (head || len < 4))
    return -1;
  if (g_hash_table_contains (self->stop_de, part))
    return -1;
  if (flags != 0)
    {
      g_autofree char *owned = NULL;

      common = sp_lexicon_commonness (self, sp_lexicon_stem_ref (self, "de", part, &owned));
    }
  /* Short parts must be everyday nouns (Amt, Bau) or the index's words,
   * not names or abbreviations (Bea, Gew). */
  if (len < 4 && ((flags & WORD_NOUN) == 0 || (!is_known && common < 0.3)))
    return -1;
  /* Everyday words and the index's own words make likelier parts:
   * Standes|amt, not Stande|samt; Hunde|steuer, not Hundes|teuer. */
  bonus = 0.4 * common + (is_known ? 0.3 : 0.0);
  if (head)
    {
      /* The word list spells some nouns in lower case only (platz): any
       * word will do as the head. */
      if (flags == 0)
        return -1;
      return (len < 4 ? 1.05 : 1.0) - bonus;
    }
  if (flags != 0)
    return (len < 4 ? 1.3 : 1.0) - bonus;
  if (len >= 4 && len + 2 <= SPLIT_MAX_LEN)
    {
      char buf[SPLIT_MAX_LEN + 4];

      memcpy (buf, part, len);
      memcpy (buf + len, "en", 3);
      if (word_list_flags (self, buf) & WORD_LOWER)
        return 1.3;
      buf[len + 1] = '\0';  /* "...e": Schule -> Schul */
      if (word_list_flags (self, buf) != 0)
        return 1.3;
    }
  return -1;
}

GStrv
sp_lexicon_split_compound (SpLexicon  *self,
                           const char *word,
                           GHashTable *known)
{
  g_autofree char *plain = sp_text_plain (word);
  gsize n = strlen (plain);
  double best[SPLIT_MAX_LEN + 1];
  int from[SPLIT_MAX_LEN + 1];     /* start of the last part ending here */
  int link_start[SPLIT_MAX_LEN + 1]; /* end of the previous part (before a linker) */
  static const char * const linkers[] = { "", "s", "es", "n", "en", "e", "er" };
  static const double linker_cost[] = { 0, 0.05, 0.1, 0.1, 0.1, 0.3, 0.3 };
  GPtrArray *parts;
  int pos;

  if (n < 7 || n > SPLIT_MAX_LEN)
    return NULL;
  for (gsize i = 0; i <= n; i++)
    {
      best[i] = G_MAXDOUBLE;
      from[i] = -1;
      link_start[i] = -1;
    }
  best[0] = 0;
  /* best[i]: cheapest cover of plain[0..i) by parts, where the cover may end
   * in a linking element (for all but i == n). */
  for (gsize j = 0; j < n; j++)
    {
      if (best[j] == G_MAXDOUBLE)
        continue;
      for (gsize i = j + 3; i <= n; i++)
        {
          gboolean head = i == n;
          double c;

          char saved;

          if (j == 0 && i == n)
            continue;  /* the word itself is no split */
          /* The slice plain[j..i) as a string of its own, for a moment. */
          saved = plain[i];
          plain[i] = '\0';
          c = part_cost (self, known, plain + j, i - j, head);
          plain[i] = saved;
          if (c < 0)
            continue;
          if (head)
            {
              if (best[j] + c < best[n])
                {
                  best[n] = best[j] + c;
                  from[n] = j;
                  link_start[n] = j;
                }
              continue;
            }
          /* A modifier, then optionally a linking element. */
          for (guint l = 0; l < G_N_ELEMENTS (linkers); l++)
            {
              gsize ll = strlen (linkers[l]);
              gsize k = i + ll;

              if (k >= n || strncmp (plain + i, linkers[l], ll) != 0)
                continue;
              if (best[j] + c + linker_cost[l] < best[k])
                {
                  best[k] = best[j] + c + linker_cost[l];
                  from[k] = j;
                  link_start[k] = i;
                }
            }
        }
    }
  if (from[n] < 0)
    return NULL;
  parts = g_ptr_array_new ();
  pos = n;
  while (pos > 0)
    {
      int start = from[pos];
      int end = pos == (int) n ? (int) n : link_start[pos];

      g_ptr_array_insert (parts, 0, g_strndup (plain + start, end - start));
      pos = start;
    }
  g_ptr_array_add (parts, NULL);
  return (GStrv) g_ptr_array_free (parts, FALSE);
}
