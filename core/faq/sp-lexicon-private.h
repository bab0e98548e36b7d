/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <string.h>

#include "sp-lexicon.h"

G_BEGIN_DECLS

/* Internals of SpLexicon shared by sp-lexicon.c (parsing, queries) and
 * sp-lexicon-cache.c (the binary cache of the parsed lexicon). */

/* Values of words_de: which spellings the word list has. */
#define WORD_LOWER  1   /* verb, adjective, ...: "melden" */
#define WORD_NOUN   2   /* capitalised: "Meldung" */

/* One big table of the cache file, looked up in place (sp-lexicon-cache.c). */
typedef struct {
  const guint32 *buckets;      /* (string + 1, value) pairs; string 0: empty */
  guint32        mask;         /* number of buckets - 1 */
  const guint32 *terms;        /* term lists of synonyms and translations */
  guint32        n_terms;
} SpLexiconIndex;

struct _SpLexicon
{
  GStringChunk *strings;
  /* Loaded from the cache: the big tables live in the mapped file and
   * words_de, background are empty; synonyms and translations only memoise
   * the GArrays handed out so far (under memo_lock). */
  GMappedFile  *cache_file;
  const char   *blob;
  guint32       blob_len;
  SpLexiconIndex words_index;
  /* A Bloom filter over words_index's keys (64-byte blocks): compound
   * splitting asks for hundreds of slices of a word that are no words, and
   * the filter (1 MB) answers most of them without touching the 8 MB
   * table. */
  const guint32 *words_bloom;
  guint32        words_bloom_mask;  /* blocks - 1 */
  SpLexiconIndex background_index;
  SpLexiconIndex synonyms_index;
  SpLexiconIndex translations_index;
  /* Stem keys of the German words of the word list and the curated list
   * (folded word -> stem key), worked out when the cache was written: a
   * probe instead of Snowball for a word seen for the first time. */
  SpLexiconIndex stems_index;
  GMutex        memo_lock;
  /* Stem keys of the words stemmed since loading finished (frozen): the
   * matcher stems the same words and compound parts again and again. */
  GHashTable   *stem_memo[2];  /* de, en: folded word -> stem key */
  GRWLock       stem_lock;
  gboolean      frozen;
  GHashTable   *stop_de;       /* folded word -> itself */
  GHashTable   *stop_en;
  GHashTable   *words_de;      /* plain word -> WORD_* flags */
  GHashTable   *synonyms;      /* stem key -> GArray of SpLexiconTerm */
  GHashTable   *translations;  /* folded English phrase -> GArray of SpLexiconTerm */
  GPtrArray    *curated_words; /* folded single words of synonyms-de.txt */
  GHashTable   *background;    /* stem key -> entries of trans-de-en using it */
  GHashTable   *fold_cache;    /* folded word -> stem key (loading only) */
  GHashTable   *folded_words;  /* folded words of the word list (parsing only: the cache's stems) */
  guint         background_n;
  GHashTable   *curated_set;
  gboolean      has_wordlist;
  gboolean      has_thesaurus;
  gboolean      has_translations;
};

/* A term list (synonyms, translations) read where it lies: in the mapped
 * cache file or in a parsed lexicon's GArray. Nothing is allocated, so the
 * matcher's hot path asks for it rather than for the GArray. */
typedef struct {
  const guint32       *pairs;     /* cache: n x (string offset, weight bits) */
  const SpLexiconTerm *terms;     /* parsed lexicon */
  const char          *blob;
  guint32              blob_len;
  guint                n;
} SpLexiconTermList;

static inline SpLexiconTerm
sp_lexicon_term_list_get (const SpLexiconTermList *list,
                          guint                    i)
{
  SpLexiconTerm t;
  guint32 off;

  if (list->terms != NULL)
    return list->terms[i];
  off = list->pairs[2 * i];
  t.term = off < list->blob_len ? list->blob + off : "";
  memcpy (&t.weight, &list->pairs[2 * i + 1], sizeof t.weight);
  return t;
}

/* sp_lexicon_synonyms() / sp_lexicon_translate_en() as a term list; FALSE
 * (and @out empty) if there is none. */
gboolean  sp_lexicon_synonyms_list     (SpLexicon         *self,
                                        const char        *stem_key,
                                        SpLexiconTermList *out);
gboolean  sp_lexicon_translate_en_list (SpLexicon         *self,
                                        const char        *english,
                                        SpLexiconTermList *out);

/* sp_lexicon_stem() without a copy where it can: the stem key owned by
 * the lexicon's memo (valid as long as the lexicon), or, while loading or
 * once the memo is full, a new string also stored in *@owned (the caller
 * frees it; NULL otherwise). Thread-safe. */
const char *sp_lexicon_stem_ref  (SpLexicon   *self,
                                  const char  *lang,
                                  const char  *word,
                                  char       **owned);

/* The stem key of @word worked out now (Snowball), not looked up nor
 * memoised: what the cache stores for the word list. */
char     *sp_lexicon_stem_uncached (SpLexicon  *self,
                                    const char *lang,
                                    const char *word);

/* Identity of the lexicon's inputs: every file's path, size and mtime
 * (@paths, NULL-terminated) plus the format version. NULL if a file is
 * missing: such a lexicon is never cached. */
char     *sp_lexicon_cache_key   (const char * const *paths);
/* Fills the empty tables of @self from the cache file for @key. FALSE
 * (and @self possibly half filled: discard it) if there is no valid one. */
gboolean  sp_lexicon_cache_load  (SpLexicon  *self,
                                  const char *key);
/* FALSE if the word list surely lacks @key (its Bloom filter). */
gboolean  sp_lexicon_cache_maybe_word (SpLexicon  *self,
                                       const char *key);
/* Value stored for @key in @index (0 if absent: flags and counts are
 * never 0). */
guint32   sp_lexicon_cache_value (SpLexicon            *self,
                                  const SpLexiconIndex *index,
                                  const char           *key);
/* The term list of @key in @index, in place; FALSE if absent. */
gboolean  sp_lexicon_cache_list  (SpLexicon            *self,
                                  const SpLexiconIndex *index,
                                  const char           *key,
                                  SpLexiconTermList    *out);
/* TRUE if @index has @key. */
gboolean  sp_lexicon_cache_has   (SpLexicon            *self,
                                  const SpLexiconIndex *index,
                                  const char           *key);
/* Term list of @key in @index as a GArray of SpLexiconTerm, memoised in
 * @memo (synonyms or translations) for the lexicon's lifetime; NULL if
 * absent. Thread-safe. */
const GArray *sp_lexicon_cache_terms (SpLexicon            *self,
                                      const SpLexiconIndex *index,
                                      GHashTable           *memo,
                                      const char           *key);
/* Writes the parsed @self as the cache file for @key; failures are only
 * logged with g_debug() (a read-only home just means no cache). */
void      sp_lexicon_cache_save  (SpLexicon  *self,
                                  const char *key);

G_END_DECLS
