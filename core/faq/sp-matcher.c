/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-matcher"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sp-matcher.h"

#include "sp-lexicon-private.h"
#include "sp-text.h"

/* Fields of a document and their BM25F weights and length normalisation. */
enum { FIELD_TITLE, FIELD_ALT, FIELD_KEYWORDS, FIELD_EXTRA, N_FIELDS };

static const double field_weight[N_FIELDS] = { 3.0, 2.5, 2.0, 0.7 };
static const double field_b[N_FIELDS] = { 0.6, 0.6, 0.5, 0.75 };
#define BM25_K1 1.2

/* Weights of index terms derived from a word, relative to the word. */
#define W_PART      0.6f   /* a part of a compound */
#define W_DERIVED   0.7f   /* Anmeldung ~ anmelden */
#define W_BIGRAM    0.5f   /* two neighbouring words */
#define W_REPEAT    0.25f  /* a word again in the same field */

/* Weights of query expansions. */
#define Q_DERIVED   0.8f
#define Q_PART      0.7f
#define Q_TYPO1     0.8f
#define Q_TYPO2     0.6f
#define Q_SEPARATED 1.0f
#define Q_VERB_ALONE 0.5f
#define Q_EN_SELF   0.6f
#define Q_BIGRAM    0.5f
#define WEAK_ONLY_FACTOR 0.8  /* confidence kept by a match on loose neighbours only */
#define Q_STRONG    0.75f  /* expansions at least this faithful count as the word */

#define COMMON_DISCOUNT 0.6f

#define MAX_SLOTS   32
#define MAX_ALTS    24

/* Confidence model (see sp_matcher_query_full()). */
#define CONF_RATIO     2.5
#define CONF_MARGIN    5.2
#define CONF_MASS      1.4
#define CONF_BIAS     -2.9
#define CONFIDENCE_THRESHOLD 0.35

typedef struct {
  char  *id;
  char  *lang;
  char  *text[N_FIELDS];   /* alternatives and keywords joined by '\n' */
} Doc;

typedef struct {
  guint32 doc;
  float   score;
} Posting;

typedef struct {
  const char *key;
  guint32     first;      /* into postings */
  guint32     n;
  float       ideal;      /* score of a document titled with just this term */
} Term;

typedef struct {
  const char *word;       /* folded surface form, or a stem key */
  guint32     freq;       /* documents containing it */
  gboolean    is_key;     /* word is an index term (stem key) itself */
} Surface;

typedef struct {
  guint64 hash;
  guint32 word;           /* index into surfaces */
} DeleteKey;

typedef struct {
  guint32 hash;
  guint32 term;           /* index into term_list + 1; 0: empty */
} TermSlot;

struct _SpMatcher
{
  SpLexicon    *lexicon;
  GPtrArray    *docs;          /* Doc */
  gboolean      built;

  GStringChunk *strings;
  GHashTable   *terms;         /* key -> GUINT_TO_POINTER (index + 1) (building) */
  TermSlot     *term_table;    /* open addressing over term_list (queries) */
  guint32       term_mask;
  GArray       *term_list;     /* Term */
  Posting      *postings;
  guint         n_postings;
  GHashTable   *surface_index; /* folded word -> GUINT_TO_POINTER (index + 1) */
  GArray       *surfaces;      /* Surface */
  GHashTable   *known_plain;   /* plain surface words (compound splitting) */
  DeleteKey    *deletes;       /* sorted by hash */
  guint         n_deletes;
  guint32      *delete_dir;    /* first delete whose hash's top bits are >= b */
  guint         delete_bits;   /* the directory has 2^bits + 1 entries */
  /* A Bloom filter over the deletes' hashes (64-byte blocks): most probes
   * of a typo search find nothing, and the filter says so without a cache
   * miss in the directory and the deletes. */
  guint32      *delete_bloom;
  guint64       delete_bloom_mask; /* blocks - 1 */
  double        unknown_score; /* what a word unknown to the index would score */
  gboolean      has_english;   /* some entries are English (stemmed in English) */
  /* How each word of a question was read (its slots), memoised: the same
   * words come again and again. Bounded; starts over when full. */
  GHashTable   *word_memo;     /* 'd'|'e' + word (+ '|' + verb form) -> WordMemo */
  /* What each word says about the question's language: a direct-mapped
   * table (a word evicts the one in its place), no allocation per word. */
  struct VoteEntry *votes;
  GRWLock       memo_lock;     /* word_memo and votes */
};

static void word_lists_init (void);

/* Entries of the language vote table (a power of two) and the longest word
 * it keeps. */
#define VOTE_TABLE_SIZE 4096
#define VOTE_WORD_MAX   30

/* What a word says about the question's language (the vote, low bits),
 * and whether it is a German / English stop word: looked up once per word
 * by the language detection, then read by the analysis. */
enum { VOTE_NONE, VOTE_EN_STOP, VOTE_DE_STOP, VOTE_EN, VOTE_DE, VOTE_MASK = 7 };
#define STOP_DE 8
#define STOP_EN 16

struct VoteEntry {
  char   word[VOTE_WORD_MAX + 1];  /* "" : empty */
  gint8  vote;
};

/* --- documents ------------------------------------------------------------ */

SpMatcher *
sp_matcher_new (SpLexicon *lexicon)
{
  SpMatcher *self = g_new0 (SpMatcher, 1);

  word_lists_init ();

  self->lexicon = lexicon != NULL ? lexicon : sp_lexicon_get_default (NULL);
  if (self->lexicon == NULL)
    {
      /* Unreadable language files: match on plain stems rather than fail. */
      static SpLexicon *bare;
      static gsize once;

      if (g_once_init_enter (&once))
        {
          bare = sp_lexicon_new (NULL, FALSE, NULL);
          g_once_init_leave (&once, 1);
        }
      self->lexicon = bare;
    }
  self->docs = g_ptr_array_new ();
  self->strings = g_string_chunk_new (1 << 16);
  self->terms = g_hash_table_new (g_str_hash, g_str_equal);
  self->term_list = g_array_new (FALSE, FALSE, sizeof (Term));
  self->surface_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->surfaces = g_array_new (FALSE, FALSE, sizeof (Surface));
  self->known_plain = g_hash_table_new (g_str_hash, g_str_equal);
  self->word_memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->votes = g_new0 (struct VoteEntry, VOTE_TABLE_SIZE);
  g_rw_lock_init (&self->memo_lock);
  return self;
}

static void
doc_free (gpointer data)
{
  Doc *doc = data;

  g_free (doc->id);
  g_free (doc->lang);
  for (guint f = 0; f < N_FIELDS; f++)
    g_free (doc->text[f]);
  g_free (doc);
}

void
sp_matcher_free (SpMatcher *self)
{
  if (self == NULL)
    return;
  g_ptr_array_set_free_func (self->docs, doc_free);
  g_ptr_array_unref (self->docs);
  g_hash_table_unref (self->terms);
  g_free (self->term_table);
  g_array_unref (self->term_list);
  g_free (self->postings);
  g_hash_table_unref (self->surface_index);
  g_array_unref (self->surfaces);
  g_hash_table_unref (self->known_plain);
  g_free (self->deletes);
  g_free (self->delete_dir);
  g_free (self->delete_bloom);
  g_hash_table_unref (self->word_memo);
  g_free (self->votes);
  g_rw_lock_clear (&self->memo_lock);
  g_string_chunk_free (self->strings);
  g_free (self);
}

void
sp_matcher_add (SpMatcher        *self,
                const SpMatchDoc *doc)
{
  Doc *d;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->built);
  g_return_if_fail (doc != NULL && doc->id != NULL);

  d = g_new0 (Doc, 1);
  d->id = g_strdup (doc->id);
  d->lang = g_strdup (doc->lang != NULL && g_str_equal (doc->lang, "en") ? "en" : "de");
  if (g_str_equal (d->lang, "en"))
    self->has_english = TRUE;
  d->text[FIELD_TITLE] = g_strdup (doc->title != NULL ? doc->title : "");
  d->text[FIELD_ALT] = doc->alternatives != NULL ?
    g_strjoinv ("\n", (char **) doc->alternatives) : g_strdup ("");
  d->text[FIELD_KEYWORDS] = doc->keywords != NULL ?
    g_strjoinv ("\n", (char **) doc->keywords) : g_strdup ("");
  d->text[FIELD_EXTRA] = g_strdup (doc->extra != NULL ? doc->extra : "");
  g_ptr_array_add (self->docs, d);
}

guint
sp_matcher_size (SpMatcher *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->docs->len;
}

/* --- analysis shared by documents and questions --------------------------- */

static const char * const verb_particles[] = {
  "an", "ab", "auf", "aus", "ein", "um", "zu", "mit", "nach", "vor", "weg",
  "zurueck", "her", "hin", "los", "fest", "frei", "fort", "bei", "nieder",
  "teil", "statt", "dar", "zusammen", "weiter", "wieder", "hinzu", "vorbei",
  "ueber", "unter", "durch", "heraus", "herunter", "hoch", "kennen",
};

/* Words that open a new clause: a verb particle right before one of them
 * ends its clause ("wie melde ich mich ab, wenn ..." without the comma). */
static const char * const clause_openers[] = {
  "wenn", "weil", "dass", "ob", "damit", "als", "nachdem", "bevor", "obwohl",
  "sobald", "falls", "und", "oder", "aber", "sondern", "denn", "was", "wie", "wo",
  "wann", "warum", "wer", "welche", "welcher", "welches", "wohin", "woher", "bis",
  "seit", "seitdem", "waehrend", "ohne", "bitte", "danke",
};

/* Membership in a small word list: a scan of the words that share the
 * first letter and the length (a packed (letter, length) bit test first). */
static gboolean
in_word_list (const char * const *words,
              guint               n,
              const guint32      *lengths,  /* per letter a - z: bit l set if some word has length l */
              const char         *w)
{
  gsize len;

  if (w[0] < 'a' || w[0] > 'z')
    return FALSE;
  len = strlen (w);
  if (len >= 32 || (lengths[w[0] - 'a'] & (1u << len)) == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (w[0] == words[i][0] && strcmp (w, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
word_list_lengths (const char * const *words,
                   guint               n,
                   guint32            *lengths)
{
  for (guint i = 0; i < n; i++)
    lengths[words[i][0] - 'a'] |= 1u << strlen (words[i]);
}

static guint32 clause_opener_lengths[26];
static guint32 particle_lengths[26];

static void
word_lists_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      word_list_lengths (clause_openers, G_N_ELEMENTS (clause_openers), clause_opener_lengths);
      word_list_lengths (verb_particles, G_N_ELEMENTS (verb_particles), particle_lengths);
      g_once_init_leave (&once, 1);
    }
}

static gboolean
opens_clause (const char *w)
{
  return in_word_list (clause_openers, G_N_ELEMENTS (clause_openers), clause_opener_lengths, w);
}

static gboolean
is_particle (const char *w)
{
  return in_word_list (verb_particles, G_N_ELEMENTS (verb_particles), particle_lengths, w);
}

/* "anmeldung" ~ "anmeld": the noun in -ung and its verb share a stem once
 * -ung is off; short words keep -ung in Snowball's stem. */
static char *
derived_key (const char *key)
{
  gsize n = strlen (key);

  if (n >= 7 && g_str_has_suffix (key, "ung"))
    return g_strndup (key, n - 3);
  return NULL;
}

static inline guint64
hash64 (const char *s,
        gsize       len)
{
  guint64 h = 1469598103934665603ull;

  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar) s[i];
      h *= 1099511628211ull;
    }
  return h;
}

/* Hash of the term table (FNV-1a, 32 bits). */
static inline guint32
term_hash (const char *s,
           gsize       len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar) s[i];
      h *= 16777619u;
    }
  return h;
}

static guint
max_typos (gsize len)
{
  if (len >= 9)
    return 2;
  if (len >= 5)
    return 1;
  return 0;
}

/* Calls @func for every string made from @word by deleting up to @max
 * characters (the word itself included), possibly repeated. */
static void
for_each_delete (const char *word,
                 gsize       len,
                 guint       max,
                 void      (*func) (const char *s, gsize len, gpointer data),
                 gpointer    data)
{
  char buf[64];

  if (len >= sizeof buf)
    return;
  func (word, len, data);
  if (max == 0)
    return;
  for (gsize i = 0; i < len; i++)
    {
      memcpy (buf, word, i);
      memcpy (buf + i, word + i + 1, len - i - 1);
      buf[len - 1] = '\0';
      if (i > 0 && word[i] == word[i - 1])
        continue;  /* same string as the previous deletion */
      for_each_delete (buf, len - 1, max - 1, func, data);
    }
}

/* --- building -------------------------------------------------------------- */

typedef struct {
  float tf[N_FIELDS];
} TermFreq;

typedef struct {
  SpMatcher  *self;
  GHashTable *tf;        /* key -> TermFreq* for the current document */
  GHashTable *seen;      /* surface words of the current document */
  double      len[N_FIELDS];
  guint       field;
} DocAnalysis;

static const char *
intern (SpMatcher  *self,
        const char *s)
{
  return g_string_chunk_insert_const (self->strings, s);
}

static void
add_occurrence (DocAnalysis *a,
                const char  *key,
                float        weight)
{
  TermFreq *tf = g_hash_table_lookup (a->tf, key);

  if (tf == NULL)
    {
      tf = g_new0 (TermFreq, 1);
      g_hash_table_insert (a->tf, (gpointer) intern (a->self, key), tf);
    }
  /* In a short field, saying a word twice ("Reisepass beantragen
   * (vorläufiger Reisepass)") hardly makes it more about that word. */
  if (tf->tf[a->field] > 0)
    tf->tf[a->field] += W_REPEAT * weight;
  else
    tf->tf[a->field] = weight;
}

static void
note_surface (SpMatcher  *self,
              GHashTable *seen,
              const char *word)
{
  gpointer idx;

  if (seen != NULL && g_hash_table_contains (seen, word))
    return;
  idx = g_hash_table_lookup (self->surface_index, word);
  if (idx == NULL)
    {
      Surface s = { intern (self, word), 0, FALSE };

      g_array_append_val (self->surfaces, s);
      idx = GUINT_TO_POINTER (self->surfaces->len);
      g_hash_table_insert (self->surface_index, (gpointer) s.word, idx);
    }
  if (seen != NULL)
    {
      g_array_index (self->surfaces, Surface, GPOINTER_TO_UINT (idx) - 1).freq++;
      g_hash_table_add (seen, (gpointer) intern (self, word));
    }
}

/* Indexes one word of a document: its stem, the derivation, compound parts. */
static void
analyse_doc_word (DocAnalysis *a,
                  const char  *lang,
                  const char  *word,
                  char       **key_out)
{
  SpMatcher *self = a->self;
  g_autofree char *key = sp_lexicon_stem (self->lexicon, lang, word);

  note_surface (self, a->seen, word);
  add_occurrence (a, key, 1.0f);
  a->len[a->field] += 1.0;
  if (g_str_equal (lang, "de"))
    {
      g_autofree char *der = derived_key (key);
      g_auto(GStrv) parts = NULL;

      if (der != NULL)
        add_occurrence (a, der, W_DERIVED);
      parts = sp_lexicon_split_compound (self->lexicon, word, self->known_plain);
      for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
        {
          g_autofree char *pk = sp_lexicon_stem (self->lexicon, "de", parts[i]);
          g_autofree char *pder = derived_key (pk);
          g_auto(GStrv) sub = sp_lexicon_split_compound (self->lexicon, parts[i], self->known_plain);

          note_surface (self, a->seen, parts[i]);
          add_occurrence (a, pk, W_PART);
          if (pder != NULL)
            add_occurrence (a, pder, W_PART * W_DERIVED);
          /* Kinderreisepass -> kinder + reisepass -> reise + pass. */
          for (guint j = 0; sub != NULL && sub[j] != NULL; j++)
            {
              g_autofree char *sk = sp_lexicon_stem (self->lexicon, "de", sub[j]);

              note_surface (self, a->seen, sub[j]);
              add_occurrence (a, sk, W_PART * W_PART);
            }
        }
    }
  *key_out = g_steal_pointer (&key);
}

static void
analyse_doc_field (DocAnalysis *a,
                   const char  *lang,
                   const char  *text)
{
  g_autoptr(GArray) ends = NULL;
  g_auto(GStrv) tokens = sp_text_tokenize_clauses (text, &ends);
  g_autofree char *prev = NULL;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *key = NULL;

      if (sp_lexicon_is_stopword (a->self->lexicon, lang, tokens[i]) ||
          (strlen (tokens[i]) < 2 && !g_ascii_isdigit (tokens[i][0])))
        continue;
      analyse_doc_word (a, lang, tokens[i], &key);
      if (prev != NULL)
        {
          g_autofree char *bigram = g_strconcat (prev, " ", key, NULL);
          add_occurrence (a, bigram, W_BIGRAM);
        }
      g_free (prev);
      prev = key;
      if (g_array_index (ends, gboolean, i))
        g_clear_pointer (&prev, g_free);
    }
}

typedef struct {
  guint32 term;
  guint32 doc;
  float   score;
} RawPosting;

static int
raw_posting_cmp (gconstpointer a,
                 gconstpointer b)
{
  const RawPosting *x = a, *y = b;

  if (x->term != y->term)
    return x->term < y->term ? -1 : 1;
  return x->doc < y->doc ? -1 : (x->doc > y->doc);
}

static int
delete_key_cmp (gconstpointer a,
                gconstpointer b)
{
  const DeleteKey *x = a, *y = b;

  return x->hash < y->hash ? -1 : (x->hash > y->hash);
}

typedef struct {
  GArray  *out;
  guint32  word;
} DeleteCollect;

static void
collect_delete (const char *s,
                gsize       len,
                gpointer    data)
{
  DeleteCollect *c = data;
  DeleteKey k = { hash64 (s, len), c->word };

  g_array_append_val (c->out, k);
}

static guint32
term_id (SpMatcher  *self,
         const char *key)
{
  gpointer idx = g_hash_table_lookup (self->terms, key);

  if (idx == NULL)
    {
      Term t = { intern (self, key), 0, 0, 0 };

      g_array_append_val (self->term_list, t);
      idx = GUINT_TO_POINTER (self->term_list->len);
      g_hash_table_insert (self->terms, (gpointer) t.key, idx);
    }
  return GPOINTER_TO_UINT (idx) - 1;
}

void
sp_matcher_build (SpMatcher *self)
{
  guint n_docs;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawPosting));
  g_autoptr(GPtrArray) doc_tfs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr(GArray) doc_lens = g_array_new (FALSE, TRUE, sizeof (double) * N_FIELDS);
  double avg_len[N_FIELDS] = { 0, };
  double title_one;
  g_autoptr(GArray) dels = g_array_new (FALSE, FALSE, sizeof (DeleteKey));

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->built);

  n_docs = self->docs->len;

  /* Pass 1: the index's own words, so that compounds split against them. */
  for (guint d = 0; d < n_docs; d++)
    {
      Doc *doc = self->docs->pdata[d];

      for (guint f = 0; f < N_FIELDS; f++)
        {
          g_auto(GStrv) tokens = sp_text_tokenize (doc->text[f]);

          for (guint i = 0; tokens[i] != NULL; i++)
            if (strlen (tokens[i]) >= 3 && !sp_lexicon_is_stopword (self->lexicon, doc->lang, tokens[i]))
              {
                g_autofree char *plain = sp_text_plain (tokens[i]);
                g_hash_table_add (self->known_plain, (gpointer) intern (self, plain));
              }
        }
    }

  /* Pass 2: term frequencies per field. */
  for (guint d = 0; d < n_docs; d++)
    {
      Doc *doc = self->docs->pdata[d];
      DocAnalysis a = { self, NULL, NULL, { 0, }, 0 };
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      a.tf = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      a.seen = seen;
      for (guint f = 0; f < N_FIELDS; f++)
        {
          a.field = f;
          analyse_doc_field (&a, doc->lang, doc->text[f]);
          avg_len[f] += a.len[f];
        }
      g_ptr_array_add (doc_tfs, a.tf);
      g_array_append_vals (doc_lens, a.len, 1);
    }
  for (guint f = 0; f < N_FIELDS; f++)
    avg_len[f] = n_docs > 0 ? MAX (avg_len[f] / n_docs, 1.0) : 1.0;

  /* Pass 3: BM25F scores per (term, document). */
  for (guint d = 0; d < n_docs; d++)
    {
      GHashTable *tf = doc_tfs->pdata[d];
      const double *len = &g_array_index (doc_lens, double, d * N_FIELDS);
      GHashTableIter it;
      gpointer key, value;

      g_hash_table_iter_init (&it, tf);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          TermFreq *t = value;
          double pseudo = 0;
          RawPosting p;

          for (guint f = 0; f < N_FIELDS; f++)
            if (t->tf[f] > 0)
              pseudo += field_weight[f] * t->tf[f] /
                        (1.0 - field_b[f] + field_b[f] * len[f] / avg_len[f]);
          p.term = term_id (self, key);
          p.doc = d;
          p.score = (float) pseudo;  /* idf applied below */
          g_array_append_val (raw, p);
        }
    }
  /* The pseudo frequency of a word that is a title of its own. */
  title_one = field_weight[FIELD_TITLE] /
              (1.0 - field_b[FIELD_TITLE] + field_b[FIELD_TITLE] / avg_len[FIELD_TITLE]);
  g_array_sort (raw, raw_posting_cmp);
  self->n_postings = raw->len;
  self->postings = g_new (Posting, MAX (raw->len, 1));
  for (guint i = 0; i < raw->len; )
    {
      RawPosting *r = &g_array_index (raw, RawPosting, i);
      Term *t = &g_array_index (self->term_list, Term, r->term);
      guint j = i;
      double idf;

      while (j < raw->len && g_array_index (raw, RawPosting, j).term == r->term)
        j++;
      t->first = i;
      t->n = j - i;
      idf = log (1.0 + (n_docs - t->n + 0.5) / (t->n + 0.5));
      t->ideal = (float) (idf * title_one * (BM25_K1 + 1.0) / (BM25_K1 + title_one));
      for (guint k = i; k < j; k++)
        {
          RawPosting *q = &g_array_index (raw, RawPosting, k);
          double s = idf * q->score * (BM25_K1 + 1.0) / (BM25_K1 + q->score);

          self->postings[k].doc = q->doc;
          self->postings[k].score = (float) s;
        }
      i = j;
    }
  /* A word of the question that no document has would have scored like a
   * rare word that is a whole title. */
  self->unknown_score = log (1.0 + (n_docs + 0.5) / 1.5) * title_one *
                        (BM25_K1 + 1.0) / (BM25_K1 + title_one);

  /* Typo targets beyond the documents' words: the curated synonyms'
   * words, and the index terms themselves (stems). */
  {
    GPtrArray *curated = sp_lexicon_curated_words (self->lexicon);

    for (guint i = 0; i < curated->len; i++)
      note_surface (self, NULL, curated->pdata[i]);
    for (guint t = 0; t < self->term_list->len; t++)
      {
        const Term *term = &g_array_index (self->term_list, Term, t);

        if (strchr (term->key, ' ') == NULL &&
            !g_hash_table_contains (self->surface_index, term->key))
          {
            Surface sf = { term->key, term->n, TRUE };

            g_array_append_val (self->surfaces, sf);
            g_hash_table_insert (self->surface_index, (gpointer) sf.word,
                                 GUINT_TO_POINTER (self->surfaces->len));
          }
      }
  }

  /* Typo index: deletion neighbourhoods of the surface words. */
  for (guint w = 0; w < self->surfaces->len; w++)
    {
      const Surface *s = &g_array_index (self->surfaces, Surface, w);
      gsize len = strlen (s->word);
      DeleteCollect c = { dels, w };

      if (max_typos (len) > 0)
        for_each_delete (s->word, len, max_typos (len), collect_delete, &c);
    }
  /* The term table of the queries: cheaper than a GHashTable of strings
   * (no g_str_hash call, the hash compared before the string). */
  {
    guint32 size = 16;

    while (size < 2 * self->term_list->len + 16)
      size *= 2;
    self->term_mask = size - 1;
    self->term_table = g_new0 (TermSlot, size);
    for (guint t = 0; t < self->term_list->len; t++)
      {
        const char *key = g_array_index (self->term_list, Term, t).key;
        guint32 h = term_hash (key, strlen (key));
        guint32 b = h & self->term_mask;

        while (self->term_table[b].term != 0)
          b = (b + 1) & self->term_mask;
        self->term_table[b].hash = h;
        self->term_table[b].term = t + 1;
      }
  }

  g_array_sort (dels, delete_key_cmp);
  self->n_deletes = dels->len;
  self->deletes = (DeleteKey *) g_array_free (g_steal_pointer (&dels), FALSE);
  /* A directory over the top bits of the hashes: a probe scans the one or
   * two keys of its bucket instead of binary-searching them all. */
  {
    guint bits = 1;
    gsize b = 0;

    while (bits < 28 && ((gsize) 1 << bits) < self->n_deletes)
      bits++;
    self->delete_bits = bits;
    self->delete_dir = g_new (guint32, ((gsize) 1 << bits) + 1);
    for (guint i = 0; i < self->n_deletes; i++)
      {
        gsize top = (gsize) (self->deletes[i].hash >> (64 - bits));

        while (b <= top)
          self->delete_dir[b++] = i;
      }
    while (b <= ((gsize) 1 << bits))
      self->delete_dir[b++] = self->n_deletes;
  }
  {
    guint64 blocks = 1;

    while (blocks * 512 < 16 * (guint64) MAX (self->n_deletes, 1))
      blocks *= 2;
    self->delete_bloom_mask = blocks - 1;
    self->delete_bloom = g_new0 (guint32, 16 * blocks);
    for (guint i = 0; i < self->n_deletes; i++)
      {
        guint64 h = self->deletes[i].hash;
        guint32 *blk = self->delete_bloom + 16 * (h & self->delete_bloom_mask);

        for (guint k = 0; k < 3; k++)
          {
            guint bit = (h >> (40 + 8 * k)) & 511;

            blk[bit >> 5] |= 1u << (bit & 31);
          }
      }
  }
  self->built = TRUE;
}

/* --- queries ----------------------------------------------------------------- */

typedef struct {
  guint32 term;
  float   weight;
} Alt;

/* One way to match a word of the question: alternatives of which the best
 * counts. A word is a group of slots: its main slot, then the slots of its
 * compound parts (which together stand in for the word), or one bonus slot
 * of a phrase. */
typedef enum { SLOT_MAIN, SLOT_PART, SLOT_BONUS } SlotKind;

typedef struct {
  Alt       alts[MAX_ALTS];
  guint     n_alts;
  SlotKind  kind;
  gboolean  new_composite; /* PART: first part of a new way to spell the word */
  float     importance;   /* weight of the word in the question (main slot) */
} Slot;

typedef struct {
  SpMatcher  *self;
  const char *lang;
  Slot        slots[MAX_SLOTS];
  guint       n_slots;
  guint       n_terms;
  guint       n_known;
} Query;

/* The index term @key[0..len) (not necessarily NUL-terminated there), or
 * -1. */
static gint32
lookup_term_len (SpMatcher  *self,
                 const char *key,
                 gsize       len)
{
  guint32 h = term_hash (key, len);
  guint32 b = h & self->term_mask;

  for (;; b = (b + 1) & self->term_mask)
    {
      const TermSlot *ts = &self->term_table[b];

      if (ts->term == 0)
        return -1;
      if (ts->hash == h)
        {
          const char *tk = g_array_index (self->term_list, Term, ts->term - 1).key;

          if (memcmp (tk, key, len) == 0 && tk[len] == '\0')
            return (gint32) ts->term - 1;
        }
    }
}

static gint32
lookup_term (SpMatcher  *self,
             const char *key)
{
  return lookup_term_len (self, key, strlen (key));
}

/* The derivation of @key[0..len) (derived_key()) as an index term, or -1. */
static gint32
lookup_derived (SpMatcher  *self,
                const char *key,
                gsize       len)
{
  if (len >= 7 && memcmp (key + len - 3, "ung", 3) == 0)
    return lookup_term_len (self, key, len - 3);
  return -1;
}

static void
slot_add (Slot       *slot,
          gint32      term,
          float       weight)
{
  if (term < 0)
    return;
  for (guint i = 0; i < slot->n_alts; i++)
    if (slot->alts[i].term == (guint32) term)
      {
        slot->alts[i].weight = MAX (slot->alts[i].weight, weight);
        return;
      }
  if (slot->n_alts < MAX_ALTS)
    {
      slot->alts[slot->n_alts].term = term;
      slot->alts[slot->n_alts].weight = weight;
      slot->n_alts++;
    }
}

static void slot_add_key (Query *q, Slot *slot, const char *key, float weight, gboolean synonyms);

/* --- word memo ---------------------------------------------------------------- */

/* Entries of the memo before it starts over (a word takes some 100 bytes
 * per expansion). */
#define WORD_MEMO_MAX 8192

typedef struct {
  guint8    n_alts;
  guint8    kind;          /* SlotKind */
  guint8    new_composite;
  float     importance;
} MemoSlot;

typedef struct {
  guint     n_terms;     /* what the word added to Query.n_terms */
  guint     n_slots;
  MemoSlot *slots;       /* the slots the word added, in order (in this block) */
  Alt      *alts;        /* their alternatives, one after the other (in this block) */
} WordMemo;

/* Memo key of @word: @kind, the word, and '|' + @extra if given; FALSE if
 * too long for @buf. */
static gboolean
memo_key (char       *buf,
          gsize       size,
          char        kind,
          const char *word,
          const char *extra)
{
  gsize wl = strlen (word), el = extra != NULL ? strlen (extra) : 0;

  if (wl + el + 3 > size)
    return FALSE;
  buf[0] = kind;
  memcpy (buf + 1, word, wl);
  buf[wl + 1] = '\0';
  if (extra != NULL)
    {
      buf[wl + 1] = '|';
      memcpy (buf + wl + 2, extra, el + 1);
    }
  return TRUE;
}

/* Appends the memoised slots of @key to @q: FALSE if not memoised (or if
 * they do not all fit, then the caller computes them and stops where a
 * full query stops). */
static gboolean
memo_replay (Query      *q,
             const char *key)
{
  SpMatcher *self = q->self;
  const WordMemo *m;
  gboolean found = FALSE;

  g_rw_lock_reader_lock (&self->memo_lock);
  m = g_hash_table_lookup (self->word_memo, key);
  if (m != NULL && q->n_slots + m->n_slots <= MAX_SLOTS)
    {
      const Alt *alts = m->alts;

      for (guint i = 0; i < m->n_slots; i++)
        {
          const MemoSlot *from = &m->slots[i];
          Slot *to = &q->slots[q->n_slots++];

          memcpy (to->alts, alts, from->n_alts * sizeof (Alt));
          alts += from->n_alts;
          to->n_alts = from->n_alts;
          to->kind = from->kind;
          to->new_composite = from->new_composite;
          to->importance = from->importance;
        }
      q->n_terms += m->n_terms;
      found = TRUE;
    }
  g_rw_lock_reader_unlock (&self->memo_lock);
  return found;
}

static void
memo_insert (SpMatcher  *self,
             const char *key,
             WordMemo   *m)
{
  g_rw_lock_writer_lock (&self->memo_lock);
  if (g_hash_table_size (self->word_memo) >= WORD_MEMO_MAX)
    g_hash_table_remove_all (self->word_memo);
  g_hash_table_replace (self->word_memo, g_strdup (key), m);
  g_rw_lock_writer_unlock (&self->memo_lock);
}

/* Memoises the slots @q got from slot @start on and @n_terms; not when the
 * query ran out of slots (the word may have been cut short). */
static void
memo_record (Query      *q,
             const char *key,
             guint       start,
             guint       n_terms)
{
  WordMemo *m;
  guint n_alts = 0;
  Alt *alts;

  if (q->n_slots >= MAX_SLOTS)
    return;
  for (guint i = start; i < q->n_slots; i++)
    n_alts += q->slots[i].n_alts;
  /* One block: the entry, its slots, their alternatives. */
  m = g_malloc (sizeof (WordMemo) + (q->n_slots - start) * sizeof (MemoSlot) +
                n_alts * sizeof (Alt));
  m->n_terms = n_terms;
  m->n_slots = q->n_slots - start;
  m->slots = (MemoSlot *) (m + 1);
  m->alts = alts = (Alt *) (m->slots + m->n_slots);
  for (guint i = 0; i < m->n_slots; i++)
    {
      const Slot *from = &q->slots[start + i];

      m->slots[i].n_alts = from->n_alts;
      m->slots[i].kind = from->kind;
      m->slots[i].new_composite = from->new_composite;
      m->slots[i].importance = from->importance;
      memcpy (alts, from->alts, from->n_alts * sizeof (Alt));
      alts += from->n_alts;
    }
  memo_insert (q->self, key, m);
}

static Slot *
new_slot (Query *q)
{
  Slot *slot;

  if (q->n_slots >= MAX_SLOTS)
    return NULL;
  slot = &q->slots[q->n_slots++];
  /* The alternatives past n_alts are never read: no need to clear them. */
  slot->n_alts = 0;
  slot->kind = SLOT_MAIN;
  slot->new_composite = FALSE;
  slot->importance = 0;
  return slot;
}

/* Appends one way to say a word in several words (compound parts, a
 * phrase synonym): the parts' scores add up, and the word counts the best
 * of its main slot and its composites. */
static void
add_composite (Query              *q,
               const char * const *keys,
               float               weight,
               gboolean            synonyms)
{
  for (guint i = 0; keys[i] != NULL; i++)
    {
      Slot *ps = new_slot (q);

      if (ps == NULL)
        return;
      ps->kind = SLOT_PART;
      ps->new_composite = i == 0;
      slot_add_key (q, ps, keys[i], weight, synonyms);
    }
}

/* Adds a German stem key, its derivation and its synonyms. */
static void
slot_add_key (Query      *q,
              Slot       *slot,
              const char *key,
              float       weight,
              gboolean    synonyms)
{
  SpMatcher *self = q->self;
  gsize len = strlen (key);
  gint32 der = lookup_derived (self, key, len);
  SpLexiconTermList syn;

  slot_add (slot, lookup_term_len (self, key, len), weight);
  if (der >= 0)
    slot_add (slot, der, weight * Q_DERIVED);
  if (!synonyms || !sp_lexicon_synonyms_list (self->lexicon, key, &syn))
    return;
  for (guint i = 0; i < syn.n; i++)
    {
      SpLexiconTerm t = sp_lexicon_term_list_get (&syn, i);

      if (strchr (t.term, ' ') == NULL)
        slot_add_key (q, slot, t.term, weight * t.weight, FALSE);
      else
        {
          /* A phrase: its words together stand for the word. */
          g_auto(GStrv) words = g_strsplit (t.term, " ", -1);

          add_composite (q, (const char * const *) words, weight * t.weight * Q_PART, FALSE);
        }
    }
}

typedef struct {
  SpMatcher  *self;
  const char *word;
  gsize       len;
  guint       max;
  guint       best_dist;
  guint32     best_freq;
  gint32      best_word;
  guint32     checked[64];  /* words already compared (many deletions lead to one) */
  guint       n_checked;
} TypoSearch;

static void
typo_probe (TypoSearch *ts,
            const char *s,
            gsize       len)
{
  SpMatcher *self = ts->self;
  guint64 h = hash64 (s, len);
  const guint32 *blk = self->delete_bloom + 16 * (h & self->delete_bloom_mask);
  gsize top;
  guint32 lo, hi;

  for (guint k = 0; k < 3; k++)
    {
      guint bit = (h >> (40 + 8 * k)) & 511;

      if ((blk[bit >> 5] & (1u << (bit & 31))) == 0)
        return;  /* no deletion of an index word has this hash */
    }
  top = (gsize) (h >> (64 - self->delete_bits));
  lo = self->delete_dir[top];
  hi = self->delete_dir[top + 1];

  while (lo < hi && self->deletes[lo].hash < h)
    lo++;
  for (; lo < hi && self->deletes[lo].hash == h; lo++)
    {
      guint32 w = self->deletes[lo].word;
      const Surface *sf = &g_array_index (self->surfaces, Surface, w);
      guint dist, allowed;
      gboolean seen = FALSE;

      for (guint i = 0; i < ts->n_checked && !seen; i++)
        seen = ts->checked[i] == w;
      if (seen)
        continue;
      if (ts->n_checked < G_N_ELEMENTS (ts->checked))
        ts->checked[ts->n_checked++] = w;
      dist = sp_text_edit_distance (ts->word, sf->word, ts->max);
      allowed = sf->is_key ? ts->max : MIN (ts->max, max_typos (strlen (sf->word)));
      if (dist > allowed || dist == 0)
        continue;
      if (dist < ts->best_dist || (dist == ts->best_dist && sf->freq > ts->best_freq))
        {
          ts->best_dist = dist;
          ts->best_freq = sf->freq;
          ts->best_word = (gint32) w;
        }
    }
}

/* Probes the word and every string made from it by deleting one or two
 * (@max) characters, each set of positions once, in the order of
 * for_each_delete() (which the index was built with). */
static void
typo_probe_deletes (TypoSearch *ts)
{
  const char *word = ts->word;
  gsize len = ts->len;
  char one[64], two[64];

  if (len >= sizeof one)
    return;
  typo_probe (ts, word, len);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && word[i] == word[i - 1])
        continue;  /* same string as the previous deletion */
      memcpy (one, word, i);
      memcpy (one + i, word + i + 1, len - i - 1);
      typo_probe (ts, one, len - 1);
      if (ts->max < 2)
        continue;
      /* The second deletion at or after the first: the positions before it
       * were paired with this one already. */
      for (gsize j = i; j < len - 1; j++)
        {
          if (j > i && one[j] == one[j - 1])
            continue;
          memcpy (two, one, j);
          memcpy (two + j, one + j + 1, len - 2 - j);
          typo_probe (ts, two, len - 2);
        }
    }
}

/* The index word closest to @word within the typo budget, or NULL. */
static const Surface *
correct_typo (SpMatcher  *self,
              const char *word,
              guint       max,
              guint      *dist_out)
{
  TypoSearch ts = { self, word, strlen (word), max, G_MAXUINT, 0, -1, { 0, }, 0 };

  if (ts.max == 0 || self->n_deletes == 0 || ts.len < 4)
    return NULL;
  g_assert (ts.max <= 2);
  typo_probe_deletes (&ts);
  if (ts.best_word < 0)
    return NULL;
  *dist_out = ts.best_dist;
  return &g_array_index (self->surfaces, Surface, ts.best_word);
}

/* One German content word of the question. */
static void
analyse_german_word (Query      *q,
                     const char *word,
                     const char *alt_word,     /* nullable: separable verb form */
                     float       weight)
{
  SpMatcher *self = q->self;
  g_autofree char *key_owned = NULL;
  const char *key = sp_lexicon_stem_ref (self->lexicon, "de", word, &key_owned);
  Slot *slot = new_slot (q);
  SpLexiconTermList none;
  gboolean exact;

  if (slot == NULL)
    return;
  q->n_terms++;
  if (alt_word != NULL)
    {
      g_autofree char *akey_owned = NULL;
      const char *akey = sp_lexicon_stem_ref (self->lexicon, "de", alt_word, &akey_owned);

      slot_add_key (q, slot, akey, Q_SEPARATED, TRUE);
      slot_add_key (q, slot, key, Q_VERB_ALONE, TRUE);
    }
  else
    slot_add_key (q, slot, key, 1.0f, TRUE);

  exact = lookup_term (self, key) >= 0;
  if (!exact && slot->n_alts == 0 && !sp_lexicon_synonyms_list (self->lexicon, key, &none) &&
      !sp_lexicon_is_german_word (self->lexicon, word))
    {
      guint dist = 0, kdist = 0;
      const Surface *fixed = correct_typo (self, word, max_typos (strlen (word)), &dist);
      /* The stem too: "zulasen" -> "zulas" ~ "zulass" (Zulassung); only
       * worth a search when the word itself is no single typo away (the
       * stem's correction must be closer to win). */
      const Surface *kfixed = strlen (key) >= 5 && (fixed == NULL || dist > 1) ?
        correct_typo (self, key, max_typos (strlen (word)), &kdist) : NULL;

      if (kfixed != NULL && kfixed->is_key && (fixed == NULL || kdist < dist))
        {
          slot_add_key (q, slot, kfixed->word, kdist == 1 ? Q_TYPO1 : Q_TYPO2, TRUE);
        }
      else if (fixed != NULL)
        {
          g_autofree char *fkey = fixed->is_key ? g_strdup (fixed->word) :
                                  sp_lexicon_stem (self->lexicon, "de", fixed->word);
          slot_add_key (q, slot, fkey, dist == 1 ? Q_TYPO1 : Q_TYPO2, TRUE);
        }
    }
  if (!exact && slot->n_alts == 0)
    {
      g_auto(GStrv) parts = sp_lexicon_split_compound (self->lexicon, word, self->known_plain);

      if (parts != NULL)
        {
          for (guint i = 0; parts[i] != NULL; i++)
            {
              char *pk = sp_lexicon_stem (self->lexicon, "de", parts[i]);

              g_free (parts[i]);
              parts[i] = pk;
            }
          add_composite (q, (const char * const *) parts, Q_PART, TRUE);
        }
    }
  /* Everyday words ("Haus", "abgeben") say less about the topic than rare
   * ones, also when the catalogue happens to use them rarely. */
  {
    double common = sp_lexicon_commonness (self->lexicon, key);

    /* A misspelt word is as common as the word meant. */
    for (guint i = 0; common == 0 && !exact && i < slot->n_alts; i++)
      if (slot->alts[i].weight >= Q_STRONG)
        common = MAX (common, sp_lexicon_commonness (self->lexicon,
                      g_array_index (self->term_list, Term, slot->alts[i].term).key));
    slot->importance = weight * (1.0f - COMMON_DISCOUNT * (float) common);
  }
}

/* analyse_german_word(), memoised. */
static void
add_german_word (Query      *q,
                 const char *word,
                 const char *alt_word,
                 float       weight)
{
  char key[128];
  guint start = q->n_slots, n_terms = q->n_terms;

  if (weight != 1.0f || !memo_key (key, sizeof key, 'd', word, alt_word))
    {
      analyse_german_word (q, word, alt_word, weight);
      return;
    }
  if (memo_replay (q, key))
    return;
  analyse_german_word (q, word, alt_word, weight);
  memo_record (q, key, start, q->n_terms - n_terms);
}

static gboolean
is_separable_prefix_of (const char *word,
                        const char *particle)
{
  return g_str_has_prefix (word, particle) && strlen (word) > strlen (particle) + 3;
}

/* "angemeldet" -> "anmelden", "gemeldet" -> "melden", "anzumelden" ->
 * "anmelden": NULL if @word is none of these. */
static char *
participle_base (const char *word)
{
  gsize n = strlen (word);

  for (guint i = 0; i < G_N_ELEMENTS (verb_particles); i++)
    {
      const char *p = verb_particles[i];
      gsize pl;

      if (word[0] != p[0] || !is_separable_prefix_of (word, p))
        continue;
      pl = strlen (p);
      if (g_str_has_prefix (word + pl, "zu") && n > pl + 5)
        return g_strconcat (p, word + pl + 2, NULL);
      if (g_str_has_prefix (word + pl, "ge") && n > pl + 5 && word[n - 1] == 't')
        {
          g_autofree char *stem = g_strndup (word + pl + 2, n - pl - 2 - (word[n - 2] == 'e' ? 2 : 1));
          return g_strconcat (p, stem, "en", NULL);
        }
    }
  if (g_str_has_prefix (word, "ge") && n > 6 && word[n - 1] == 't')
    {
      g_autofree char *stem = g_strndup (word + 2, n - 2 - (word[n - 2] == 'e' ? 2 : 1));
      return g_strconcat (stem, "en", NULL);
    }
  return NULL;
}

static void
analyse_german (Query        *q,
                GStrv         tokens,
                GArray       *ends,
                const guint8 *info)
{
  SpMatcher *self = q->self;
  guint n = g_strv_length (tokens);
  g_autofree char **separated = g_new0 (char *, n + 1);
  guint clause_start = 0;

  /* Separable verbs: "melde ... an" -> "anmelde". */
  for (guint i = 0; i < n; i++)
    {
      gboolean clause_end = g_array_index (ends, gboolean, i) ||
                            (tokens[i + 1] != NULL && opens_clause (tokens[i + 1]));

      if (i > clause_start && clause_end && is_particle (tokens[i]))
        for (guint j = clause_start; j < i; j++)
          {
            g_autofree char *cand = NULL;
            g_autofree char *key = NULL;

            if (separated[j] != NULL || is_particle (tokens[j]) ||
                (info[j] & STOP_DE) != 0 ||
                strlen (tokens[j]) < 3 || !sp_lexicon_is_verb_form (self->lexicon, tokens[j]))
              continue;
            cand = g_strconcat (tokens[i], tokens[j], NULL);
            key = sp_lexicon_stem (self->lexicon, "de", cand);
            if (lookup_term (self, key) >= 0 || sp_lexicon_is_german_word (self->lexicon, cand))
              separated[j] = g_steal_pointer (&cand);
          }
      if (clause_end)
        clause_start = i + 1;
    }

  for (guint i = 0; i < n; i++)
    {
      const char *w = tokens[i];
      g_autofree char *base = NULL;
      g_autofree char *key_owned = NULL;
      const char *key;

      if ((info[i] & STOP_DE) != 0 ||
          (strlen (w) < 2 && !g_ascii_isdigit (w[0])))
        continue;
      key = sp_lexicon_stem_ref (self->lexicon, "de", w, &key_owned);
      if (separated[i] == NULL && lookup_term (self, key) < 0 &&
          (base = participle_base (w)) != NULL)
        {
          g_autofree char *bkey_owned = NULL;
          const char *bkey = sp_lexicon_stem_ref (self->lexicon, "de", base, &bkey_owned);

          if (lookup_term (self, bkey) >= 0)
            separated[i] = g_steal_pointer (&base);
        }
      add_german_word (q, w, separated[i], 1.0f);
    }
  for (guint i = 0; i < n; i++)
    g_free (separated[i]);
}

/* English: tries phrases of up to three words, then single words, against
 * the English -> German dictionary. */
static gboolean
translate (SpMatcher         *self,
           const char        *word,
           SpLexiconTermList *tr)
{
  gsize n = strlen (word);
  char buf[64];

  if (sp_lexicon_translate_en_list (self->lexicon, word, tr))
    return TRUE;
  if (n < 4 || n >= sizeof buf - 2)
    return FALSE;
  /* Plurals and verb forms: documents -> document, applying -> apply,
   * registered -> register, lost -> (dictionary has it). */
  if (g_str_has_suffix (word, "ies"))
    {
      memcpy (buf, word, n - 3);
      memcpy (buf + n - 3, "y", 2);
      if (sp_lexicon_translate_en_list (self->lexicon, buf, tr))
        return TRUE;
    }
  if (g_str_has_suffix (word, "s") || g_str_has_suffix (word, "d"))
    {
      memcpy (buf, word, n - 1);
      buf[n - 1] = '\0';
      if (sp_lexicon_translate_en_list (self->lexicon, buf, tr))
        return TRUE;
    }
  if (g_str_has_suffix (word, "es") || g_str_has_suffix (word, "ed"))
    {
      memcpy (buf, word, n - 2);
      buf[n - 2] = '\0';
      if (sp_lexicon_translate_en_list (self->lexicon, buf, tr))
        return TRUE;
    }
  if (g_str_has_suffix (word, "ing") && n > 5)
    {
      memcpy (buf, word, n - 3);
      buf[n - 3] = '\0';
      if (sp_lexicon_translate_en_list (self->lexicon, buf, tr))
        return TRUE;
      memcpy (buf + n - 3, "e", 2);
      if (sp_lexicon_translate_en_list (self->lexicon, buf, tr))
        return TRUE;
    }
  return FALSE;
}

static void
slot_add_translations (Query                   *q,
                       Slot                    *slot,
                       const SpLexiconTermList *tr)
{
  for (guint i = 0; i < tr->n; i++)
    {
      SpLexiconTerm t = sp_lexicon_term_list_get (tr, i);

      /* The translation's own synonyms too: dictionaries and catalogues
       * rarely pick the same word. */
      if (strchr (t.term, ' ') == NULL)
        slot_add_key (q, slot, t.term, t.weight, TRUE);
      else
        {
          g_auto(GStrv) words = g_strsplit (t.term, " ", -1);

          add_composite (q, (const char * const *) words, t.weight * Q_PART, FALSE);
        }
    }
}

/* Like a German word's: everyday words ("German", "house") weigh less. */
static float
english_importance (Query *q,
                    Slot  *slot)
{
  if (slot->n_alts == 0)
    return 1.0f;
  return 1.0f - COMMON_DISCOUNT * (float) sp_lexicon_commonness (q->self->lexicon,
           g_array_index (q->self->term_list, Term, slot->alts[0].term).key);
}

/* One English word of the question (no phrase); FALSE if the query has no
 * slot left for it. */
static gboolean
analyse_english_word (Query      *q,
                      const char *w)
{
  SpMatcher *self = q->self;
  SpLexiconTermList tr;
  gboolean translated = translate (self, w, &tr);
  Slot *slot = new_slot (q);
  g_autofree char *key_owned = NULL;
  const char *key;

  if (slot == NULL)
    return FALSE;
  q->n_terms++;
  if (translated)
    slot_add_translations (q, slot, &tr);
  /* The word itself, for names and loan words ("Visum", "Hotel"). */
  key = sp_lexicon_stem_ref (self->lexicon, "de", w, &key_owned);
  slot_add (slot, lookup_term (self, key), translated ? Q_EN_SELF : 1.0f);
  /* ... and as English entries spell it (they are stemmed in English). */
  if (self->has_english)
    {
      g_autofree char *en_key = sp_lexicon_stem (self->lexicon, "en", w);

      slot_add (slot, lookup_term (self, en_key), 1.0f);
    }
  slot->importance = english_importance (q, slot);
  return TRUE;
}

/* analyse_english_word(), memoised. */
static gboolean
add_english_word (Query      *q,
                  const char *w)
{
  char key[128];
  guint start = q->n_slots, n_terms = q->n_terms;

  if (!memo_key (key, sizeof key, 'e', w, NULL))
    return analyse_english_word (q, w);
  if (memo_replay (q, key))
    return TRUE;
  if (!analyse_english_word (q, w))
    return FALSE;
  memo_record (q, key, start, q->n_terms - n_terms);
  return TRUE;
}

static void
analyse_english (Query        *q,
                 GStrv         tokens,
                 const guint8 *info)
{
  SpMatcher *self = q->self;
  guint n = g_strv_length (tokens);

  for (guint i = 0; i < n; )
    {
      guint used = 0;

      /* Longest dictionary phrase first ("identity card", "driving licence"). */
      for (guint len = MIN (3, n - i); len >= 2 && used == 0; len--)
        {
          g_autofree char *phrase = NULL;
          SpLexiconTermList tr;
          char **sub = g_new0 (char *, len + 1);

          for (guint k = 0; k < len; k++)
            sub[k] = tokens[i + k];
          phrase = g_strjoinv (" ", sub);
          g_free (sub);
          if ((info[i] & STOP_EN) != 0)
            break;
          if (sp_lexicon_translate_en_list (self->lexicon, phrase, &tr))
            {
              Slot *slot = new_slot (q);

              if (slot == NULL)
                return;
              q->n_terms++;
              slot_add_translations (q, slot, &tr);
              slot->importance = english_importance (q, slot);
              used = len;
            }
        }
      if (used == 0)
        {
          const char *w = tokens[i];

          used = 1;
          if ((info[i] & STOP_EN) == 0 && strlen (w) >= 2 &&
              !add_english_word (q, w))
            return;
        }
      i += used;
    }
}

static gint
word_info_uncached (SpMatcher  *self,
                    const char *w)
{
  gboolean sde = sp_lexicon_is_stopword (self->lexicon, "de", w);
  gboolean sen = sp_lexicon_is_stopword (self->lexicon, "en", w);
  gint stops = (sde ? STOP_DE : 0) | (sen ? STOP_EN : 0);

  if (sen && !sde)
    return VOTE_EN_STOP | stops;
  if (sde && !sen)
    return VOTE_DE_STOP | stops;
  if (!sde && !sen)
    {
      gboolean gde = sp_lexicon_is_german_word (self->lexicon, w) ||
                     g_hash_table_contains (self->surface_index, w);
      gboolean gen = sp_lexicon_is_english_word (self->lexicon, w);

      if (gen && !gde)
        return VOTE_EN;
      if (gde && !gen)
        return VOTE_DE;
    }
  return VOTE_NONE | stops;
}

/* word_info_uncached() of @w, memoised. */
static gint
word_info (SpMatcher  *self,
           const char *w)
{
  gsize len = strlen (w);
  struct VoteEntry *e;
  gint vote = -1;

  if (!self->built || len == 0 || len > VOTE_WORD_MAX)
    return word_info_uncached (self, w);
  e = &self->votes[term_hash (w, len) & (VOTE_TABLE_SIZE - 1)];
  g_rw_lock_reader_lock (&self->memo_lock);
  if (memcmp (e->word, w, len + 1) == 0)
    vote = e->vote;
  g_rw_lock_reader_unlock (&self->memo_lock);
  if (vote >= 0)
    return vote;
  vote = word_info_uncached (self, w);
  g_rw_lock_writer_lock (&self->memo_lock);
  memcpy (e->word, w, len + 1);
  e->vote = (gint8) vote;
  g_rw_lock_writer_unlock (&self->memo_lock);
  return vote;
}

/* The question's language; @info (nullable) gets word_info() of each
 * token. */
static const char *
detect_language_tokens (SpMatcher *self,
                        GStrv      tokens,
                        guint8    *info)
{
  double en = 0, de = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      gint wi = word_info (self, tokens[i]);

      if (info != NULL)
        info[i] = (guint8) wi;
      switch (wi & VOTE_MASK)
      {
      case VOTE_EN_STOP: en += 1; break;
      case VOTE_DE_STOP: de += 1; break;
      case VOTE_EN: en += 0.7; break;
      case VOTE_DE: de += 0.7; break;
      default: break;
      }
    }
  return en > de ? "en" : "de";
}

const char *
sp_matcher_detect_language (SpMatcher  *self,
                            const char *question)
{
  g_auto(GStrv) tokens = NULL;

  g_return_val_if_fail (self != NULL, "de");
  tokens = sp_text_tokenize (question);
  return detect_language_tokens (self, tokens, NULL);
}

/* Phrase bonus: neighbouring content words that are neighbours in a
 * document too. */
static void
add_bigram_slots (Query *q)
{
  guint n = q->n_slots;

  for (guint i = 0; i + 1 < n; i++)
    {
      Slot *a = &q->slots[i], *b = &q->slots[i + 1];

      if (a->n_alts == 0 || b->n_alts == 0 || a->kind != SLOT_MAIN || b->kind != SLOT_MAIN)
        continue;
      /* Only the best alternatives of each side, to keep this cheap. */
      for (guint x = 0; x < MIN (a->n_alts, 3); x++)
        for (guint y = 0; y < MIN (b->n_alts, 3); y++)
          {
            const Term *ta = &g_array_index (q->self->term_list, Term, a->alts[x].term);
            const Term *tb = &g_array_index (q->self->term_list, Term, b->alts[y].term);
            gsize la = strlen (ta->key), lb = strlen (tb->key);
            char buf[160];
            gint32 t;

            if (la + lb + 2 > sizeof buf)
              continue;
            memcpy (buf, ta->key, la);
            buf[la] = ' ';
            memcpy (buf + la + 1, tb->key, lb);
            t = lookup_term_len (q->self, buf, la + 1 + lb);
            if (t >= 0)
              {
                Slot *s = new_slot (q);

                if (s == NULL)
                  return;
                slot_add (s, t, Q_BIGRAM * MIN (a->alts[x].weight, b->alts[y].weight));
                s->kind = SLOT_BONUS;
              }
          }
    }
}

static int
match_cmp (gconstpointer a,
           gconstpointer b)
{
  const SpMatch *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return strcmp (x->id, y->id);
}

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* Fills @q (uninitialised: its 32 slots are 6 KB, cleared one by one as
 * they are used). */
/* The folded question and its tokens, kept per thread. */
typedef struct {
  GString    *folded;
  GPtrArray  *tokens;
  GArray     *ends;
  GByteArray *info;      /* word_info() of each token */
} TextScratch;

static void
text_scratch_free (gpointer data)
{
  TextScratch *ts = data;

  g_string_free (ts->folded, TRUE);
  g_ptr_array_unref (ts->tokens);
  g_array_unref (ts->ends);
  g_byte_array_unref (ts->info);
  g_free (ts);
}

static GPrivate text_scratch_key = G_PRIVATE_INIT (text_scratch_free);

static void
analyse_question (SpMatcher  *self,
                  const char *question,
                  Query      *q)
{
  TextScratch *ts = g_private_get (&text_scratch_key);
  GArray *ends;
  GStrv tokens;

  if (ts == NULL)
    {
      ts = g_new0 (TextScratch, 1);
      ts->folded = g_string_sized_new (256);
      ts->tokens = g_ptr_array_sized_new (64);
      ts->ends = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 64);
      ts->info = g_byte_array_sized_new (64);
      g_private_set (&text_scratch_key, ts);
    }
  sp_text_tokenize_into (question, ts->folded, ts->tokens, ts->ends);
  tokens = (GStrv) ts->tokens->pdata;
  ends = ts->ends;

  q->self = self;
  q->n_slots = q->n_terms = q->n_known = 0;
  g_byte_array_set_size (ts->info, ts->tokens->len);
  q->lang = detect_language_tokens (self, tokens, ts->info->data);
  if (g_str_equal (q->lang, "en"))
    analyse_english (q, tokens, ts->info->data);
  else
    analyse_german (q, tokens, ends, ts->info->data);
  add_bigram_slots (q);
}

char *
sp_matcher_explain (SpMatcher  *self,
                    const char *question)
{
  g_autofree Query *q = g_new (Query, 1);
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL && self->built, g_string_free (out, FALSE));

  analyse_question (self, question, q);
  g_string_append_printf (out, "lang %s\n", q->lang);
  for (guint s = 0; s < q->n_slots; s++)
    {
      const Slot *slot = &q->slots[s];

      g_string_append (out, slot->kind == SLOT_MAIN ? "word" :
                            slot->kind == SLOT_BONUS ? "  phrase" :
                            slot->new_composite ? "  parts" : "     +");
      if (slot->kind == SLOT_MAIN)
        g_string_append_printf (out, " (%.2f)", slot->importance);
      g_string_append (out, ":");
      for (guint a = 0; a < slot->n_alts; a++)
        g_string_append_printf (out, " %s %.2f",
                                g_array_index (self->term_list, Term, slot->alts[a].term).key,
                                slot->alts[a].weight);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* Per-document accumulators of one query. Allocating and zeroing them for
 * every question costs as much as scoring a short one (5 x 40 KB at 10 000
 * entries), so each thread keeps one set, sized for the largest index it
 * queried; a query clears a document's acc, cover and direct when it
 * first meets it (doc_mark), and hands main_best, part_sum and slot_best
 * back all zero. Any matcher may use it. */
typedef struct {
  guint    cap;            /* entries of each array */
  float   *acc;
  float   *cover;
  guint8  *direct;         /* met by a word of the question or a faithful expansion */
  float   *main_best;
  float   *part_sum;
  float   *slot_best;
  guint32 *touched;
  guint32 *group_touched;
  /* Which documents a query / a word's group of slots met already: the
   * document's mark equals the stamp of that query / group. */
  guint32 *doc_mark;
  guint32 *group_mark;
  guint32  stamp;
} Scratch;

static void
scratch_clear (Scratch *sc)
{
  g_clear_pointer (&sc->acc, g_free);
  g_clear_pointer (&sc->cover, g_free);
  g_clear_pointer (&sc->direct, g_free);
  g_clear_pointer (&sc->main_best, g_free);
  g_clear_pointer (&sc->part_sum, g_free);
  g_clear_pointer (&sc->slot_best, g_free);
  g_clear_pointer (&sc->touched, g_free);
  g_clear_pointer (&sc->group_touched, g_free);
  g_clear_pointer (&sc->doc_mark, g_free);
  g_clear_pointer (&sc->group_mark, g_free);
  sc->stamp = 0;
  sc->cap = 0;
}

static void
scratch_free (gpointer data)
{
  scratch_clear (data);
  g_free (data);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static Scratch *
get_scratch (guint n)
{
  Scratch *sc = g_private_get (&scratch_key);

  if (sc != NULL && sc->cap >= n)
    return sc;
  if (sc == NULL)
    {
      sc = g_new0 (Scratch, 1);
      g_private_set (&scratch_key, sc);
    }
  scratch_clear (sc);
  sc->cap = n;
  sc->acc = g_new0 (float, n);
  sc->cover = g_new0 (float, n);
  sc->direct = g_new0 (guint8, n);
  sc->main_best = g_new0 (float, n);
  sc->part_sum = g_new0 (float, n);
  sc->slot_best = g_new0 (float, n);
  sc->touched = g_new (guint32, n);
  sc->group_touched = g_new (guint32, n);
  sc->doc_mark = g_new0 (guint32, n);
  sc->group_mark = g_new0 (guint32, n);
  return sc;
}

/* A fresh stamp for doc_mark / group_mark. */
static guint32
scratch_stamp (Scratch *sc)
{
  if (++sc->stamp == 0)
    {
      memset (sc->doc_mark, 0, sc->cap * sizeof (guint32));
      memset (sc->group_mark, 0, sc->cap * sizeof (guint32));
      sc->stamp = 1;
    }
  return sc->stamp;
}

GArray *
sp_matcher_query_full (SpMatcher   *self,
                       const char  *question,
                       guint        max,
                       SpMatchInfo *info)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (SpMatch));
  Query query;  /* 6 KB on the stack rather than zeroed on the heap */
  Query *q = &query;
  Scratch *sc;
  float *acc, *slot_best, *main_best, *part_sum, *cover;
  guint8 *direct;
  guint32 *touched, *group_touched, *doc_mark, *group_mark;
  guint32 query_stamp;
  guint n_touched = 0;
  double qmax = 0, n_words = 0;
  double ratio = 0, margin = 0, coverage = 0, mass = 0;
  guint n_docs;

  g_return_val_if_fail (self != NULL, result);
  g_return_val_if_fail (self->built, result);

  analyse_question (self, question, q);

  n_docs = self->docs->len;
  sc = get_scratch (n_docs + 1);
  acc = sc->acc;
  cover = sc->cover;
  direct = sc->direct;
  main_best = sc->main_best;
  part_sum = sc->part_sum;
  slot_best = sc->slot_best;
  touched = sc->touched;
  group_touched = sc->group_touched;
  doc_mark = sc->doc_mark;
  group_mark = sc->group_mark;
  query_stamp = scratch_stamp (sc);

  for (guint s = 0; s < q->n_slots; )
    {
      guint g_end = s + 1;
      guint n_gt = 0;
      guint32 group_stamp = scratch_stamp (sc);
      double ideal = 0;
      float importance = q->slots[s].kind == SLOT_BONUS ? 0 : q->slots[s].importance;

      while (g_end < q->n_slots && q->slots[g_end].kind == SLOT_PART)
        g_end++;
      for (guint k = s; k < g_end; k++)
        {
          Slot *slot = &q->slots[k];
          float *best = k == s ? main_best : slot_best;

          for (guint a = 0; a < slot->n_alts; a++)
            {
              const Term *t = &g_array_index (self->term_list, Term, slot->alts[a].term);
              float w = slot->alts[a].weight;

              /* Only the word itself and faithful expansions say what the
               * word could score; a weak one (thesaurus, a part of some
               * compound) does not make the word known. */
              const Posting *p = &self->postings[t->first], *end = p + t->n;
              gboolean is_direct = k == s && w >= Q_STRONG && q->slots[s].kind != SLOT_BONUS;

              if (k == s && w >= Q_STRONG && ideal == 0)
                ideal = t->ideal;  /* the word itself (or what it means) comes first */
              for (; p < end; p++)
                {
                  guint32 d = p->doc;
                  float v = w * p->score;

                  if (group_mark[d] != group_stamp)
                    {
                      group_mark[d] = group_stamp;
                      group_touched[n_gt++] = d;
                      if (doc_mark[d] != query_stamp)
                        {
                          doc_mark[d] = query_stamp;
                          touched[n_touched++] = d;
                          acc[d] = cover[d] = 0;
                          direct[d] = 0;
                        }
                    }
                  if (v > best[d])
                    best[d] = v;
                  if (is_direct)
                    direct[d] = 1;
                }
            }
          if (k > s)
            {
              gboolean last = k + 1 == g_end || q->slots[k + 1].new_composite;

              /* Add this part's best to the sum of its composite; a finished
               * composite competes with the main slot. */
              for (guint i = 0; i < n_gt; i++)
                {
                  guint32 d = group_touched[i];

                  part_sum[d] += slot_best[d];
                  slot_best[d] = 0;
                  if (last)
                    {
                      main_best[d] = MAX (main_best[d], part_sum[d]);
                      part_sum[d] = 0;
                    }
                }
            }
        }
      if (q->slots[s].kind != SLOT_BONUS)
        {
          /* The word's ideal: a document titled with it, or with a rare
           * word when the index does not know the word itself. */
          if (ideal <= 0)
            ideal = self->unknown_score;
          else
            q->n_known++;
          qmax += importance * ideal;
          n_words += importance;
        }
      if (q->slots[s].kind == SLOT_BONUS)
        for (guint i = 0; i < n_gt; i++)
          {
            guint32 d = group_touched[i];

            acc[d] += main_best[d];
            main_best[d] = part_sum[d] = 0;
          }
      else
        for (guint i = 0; i < n_gt; i++)
          {
            guint32 d = group_touched[i];
            float v = main_best[d];

            acc[d] += importance * v;
            cover[d] += importance * (float) MIN (v / ideal, 1.0);
            main_best[d] = part_sum[d] = 0;
          }
      s = g_end;
    }

  if (n_touched > 0 && max > 0)
    {
      /* The best max (at least two, for the margin) by insertion: the
       * touched documents can be thousands, the list is a handful. */
      guint keep = MAX (max, 2);
      SpMatch stack_all[16 + 1];
      g_autofree SpMatch *heap_all = keep + 1 > G_N_ELEMENTS (stack_all) ?
                                     g_new (SpMatch, keep + 1) : NULL;
      SpMatch *all = heap_all != NULL ? heap_all : stack_all;
      guint n_all = 0;
      double s1, s2, conf;
      guint32 top_doc = 0;

      for (guint i = 0; i < n_touched; i++)
        {
          guint32 d = touched[i];
          SpMatch m;
          guint pos = n_all;

          /* Most lose on the score alone. */
          if (n_all == keep && acc[d] < all[keep - 1].score)
            continue;
          m.id = ((Doc *) self->docs->pdata[d])->id;
          m.score = acc[d];
          m.confidence = cover[d];
          if (n_all == keep && match_cmp (&m, &all[keep - 1]) >= 0)
            continue;
          while (pos > 0 && match_cmp (&m, &all[pos - 1]) < 0)
            pos--;
          memmove (&all[pos + 1], &all[pos], (n_all - pos) * sizeof (SpMatch));
          all[pos] = m;
          if (pos == 0)
            top_doc = d;
          if (n_all < keep)
            n_all++;
        }
      s1 = all[0].score;
      s2 = n_all > 1 ? all[1].score : 0;
      ratio = qmax > 0 ? MIN (s1 / qmax, 1.5) : 0;
      margin = qmax > 0 ? MIN ((s1 - s2) / qmax, 1.0) : 0;
      mass = all[0].confidence;
      coverage = n_words > 0 ? MIN (mass / n_words, 1.0) : 0;
      /* Logistic model of "the top match is right", fitted on labelled
       * citizen questions (bench/bot) over the Berlin catalogue. */
      conf = sigmoid (CONF_RATIO * ratio + CONF_MARGIN * margin +
                      CONF_MASS * MIN (mass, 3.0) + CONF_BIAS);
      /* A best match that shares no word with the question, only loose
       * neighbours ("Wetter" ~ "Klima" ~ "Klimaschutz"), is less sure. */
      if (!direct[top_doc])
        conf *= WEAK_ONLY_FACTOR;
      for (guint i = 0; i < MIN (max, n_all); i++)
        {
          SpMatch m = all[i];

          m.confidence = conf * (s1 > 0 ? m.score / s1 : 0);
          if (i > 0)
            m.confidence = MIN (m.confidence, conf * 0.95);
          g_array_append_val (result, m);
        }
    }

  /* main_best, part_sum and slot_best are zero again after each group;
   * acc, cover and direct are cleared when the next query meets them. */

  if (info != NULL)
    {
      info->lang = q->lang;
      info->n_terms = q->n_terms;
      info->n_known = q->n_known;
      info->ratio = ratio;
      info->coverage = coverage;
      info->margin = margin;
      info->mass = mass;
    }
  return result;
}

GArray *
sp_matcher_query (SpMatcher  *self,
                  const char *question,
                  guint       max)
{
  return sp_matcher_query_full (self, question, max, NULL);
}

double
sp_matcher_threshold (void)
{
  return CONFIDENCE_THRESHOLD;
}
