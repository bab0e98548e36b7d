/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-lexicon"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "sp-lexicon-private.h"

/* Binary cache of the parsed lexicon.
 *
 * Parsing the system dictionaries (wngerman, OpenThesaurus, trans-de-en:
 * 630 000 lines, every word folded and Snowball-stemmed) costs seconds of
 * CPU; the result is a handful of string tables. The first process that
 * parses them writes those tables to
 * $XDG_CACHE_HOME/stadtpult/faq-lexicon-<key hash>.bin; later processes map
 * that file and look words up in it directly: the four big tables (word
 * list, commonness counts, synonyms, translations: over a million entries)
 * are stored as open-addressing hash tables, so loading builds nothing but
 * the three small curated sets, and only the pages a query touches are
 * read. The key names every input file with size and mtime, so an updated
 * Debian package or an edited curated list is parsed again; bump
 * CACHE_VERSION whenever parsing, folding or stemming changes what the
 * lexicon holds.
 *
 * Layout (native byte order, 4-byte aligned; it is a per-machine cache):
 *   "SPLEXC\0\0", u32 version, u32 key length, key bytes (padded),
 *   u32 background_n, u32 blob length, NUL-terminated strings (padded),
 *   stop_de:  u32 n, n x u32 string
 *   stop_en:  u32 n, n x u32 string
 *   curated:  u32 n, n x u32 string (in order)
 *   words_de, background, synonyms, translations, stems, each:
 *     u32 buckets (a power of two), buckets x (u32 string + 1 or 0 if
 *     empty, u32 value), u32 n_terms, n_terms x u32
 *   Strings are offsets into the blob; a bucket's value is the WORD_* flags
 *   (words_de), the count (background), the index into the table's terms
 *   of "u32 m, m x (u32 term string, f32 weight)" (synonyms, translations)
 *   or the stem key's string + 1 (stems: the folded words of the word list
 *   and of the curated synonyms).
 *   Probing is linear from cache_hash (key) & (buckets - 1).
 *   words bloom: u32 blocks (a power of two), blocks x 16 u32: a blocked
 *   Bloom filter over the keys of words_de (bloom_bits()). */

#define CACHE_MAGIC   "SPLEXC\0\0"
#define CACHE_VERSION 4

char *
sp_lexicon_cache_key (const char * const *paths)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "v%d", CACHE_VERSION);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      GStatBuf st;

      if (g_stat (paths[i], &st) != 0)
        {
          g_string_free (key, TRUE);
          return NULL;
        }
      g_string_append_printf (key, "\n%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              paths[i], (gint64) st.st_size, (gint64) st.st_mtime);
    }
  return g_string_free (key, FALSE);
}

static char *
cache_path (const char *key)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *name = g_strdup_printf ("faq-lexicon-%.16s.bin", sum);

  return g_build_filename (g_get_user_cache_dir (), "stadtpult", name, NULL);
}

/* FNV-1a: fixed here, as the file outlives any one GLib's g_str_hash(). */
static guint32
cache_hash (const char *s)
{
  guint32 h = 2166136261u;

  for (; *s != '\0'; s++)
    h = (h ^ (guchar) *s) * 16777619u;
  return h;
}

/* The block of @h and the three bits of it set for a key (of 512). */
static inline void
bloom_bits (guint32  h,
            guint32  mask,
            guint32 *block,
            guint32  bits[3])
{
  guint32 x = h * 0x85ebca6bu;

  x ^= x >> 13;
  x *= 0xc2b2ae35u;
  x ^= x >> 16;
  *block = h & mask;
  bits[0] = x & 511;
  bits[1] = (x >> 9) & 511;
  bits[2] = (x >> 18) & 511;
}

gboolean
sp_lexicon_cache_maybe_word (SpLexicon  *self,
                             const char *key)
{
  guint32 block, bits[3];
  const guint32 *b;

  if (self->words_bloom == NULL)
    return TRUE;
  bloom_bits (cache_hash (key), self->words_bloom_mask, &block, bits);
  b = self->words_bloom + 16 * (gsize) block;
  for (guint i = 0; i < 3; i++)
    if ((b[bits[i] >> 5] & (1u << (bits[i] & 31))) == 0)
      return FALSE;
  return TRUE;
}

/* --- writing -------------------------------------------------------------- */

typedef struct {
  GString    *blob;
  GHashTable *offsets;   /* string -> offset + 1 in blob */
} Writer;

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
pad4 (GByteArray *out)
{
  static const guint8 zero[4];

  if (out->len % 4 != 0)
    g_byte_array_append (out, zero, 4 - out->len % 4);
}

static guint32
string_offset (Writer     *w,
               const char *s)
{
  gpointer off = g_hash_table_lookup (w->offsets, s);

  if (off == NULL)
    {
      off = GUINT_TO_POINTER (w->blob->len + 1);
      g_hash_table_insert (w->offsets, (gpointer) s, off);
      g_string_append_len (w->blob, s, strlen (s) + 1);
    }
  return GPOINTER_TO_UINT (off) - 1;
}

static void
write_set (Writer     *w,
           GByteArray *body,
           GHashTable *set)
{
  GHashTableIter it;
  gpointer key;

  put_u32 (body, g_hash_table_size (set));
  g_hash_table_iter_init (&it, set);
  while (g_hash_table_iter_next (&it, &key, NULL))
    put_u32 (body, string_offset (w, key));
}

/* Writes @table as an index; @term_lists: its values are GArrays of
 * SpLexiconTerm, else small integers. */
static void
write_index (Writer     *w,
             GByteArray *body,
             GHashTable *table,
             gboolean    term_lists)
{
  guint32 n_buckets = 16;
  g_autofree guint32 *buckets = NULL;
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint32));
  GHashTableIter it;
  gpointer key, value;

  /* At most half full: short probe sequences. */
  while (n_buckets < 2 * g_hash_table_size (table))
    n_buckets *= 2;
  buckets = g_new0 (guint32, 2 * (gsize) n_buckets);
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      guint32 b = cache_hash (key) & (n_buckets - 1);
      guint32 v;

      while (buckets[2 * b] != 0)
        b = (b + 1) & (n_buckets - 1);
      if (term_lists)
        {
          GArray *list = value;

          v = terms->len;
          g_array_append_val (terms, list->len);
          for (guint i = 0; i < list->len; i++)
            {
              SpLexiconTerm *t = &g_array_index (list, SpLexiconTerm, i);
              guint32 off = string_offset (w, t->term);
              guint32 bits;

              memcpy (&bits, &t->weight, sizeof bits);
              g_array_append_val (terms, off);
              g_array_append_val (terms, bits);
            }
        }
      else
        v = GPOINTER_TO_UINT (value);
      buckets[2 * b] = string_offset (w, key) + 1;
      buckets[2 * b + 1] = v;
    }
  put_u32 (body, n_buckets);
  g_byte_array_append (body, (const guint8 *) buckets, 2 * sizeof (guint32) * n_buckets);
  put_u32 (body, terms->len);
  g_byte_array_append (body, (const guint8 *) terms->data, sizeof (guint32) * terms->len);
}

/* Writing a cache file tidies up the others in its directory (each is some
 * 55 MB; every source checkout, data directory and Debian package update
 * has its own key):
 *   - a file whose inputs have changed or are gone can never be hit again
 *     (the key names each input's path, size and mtime): removed at once;
 *   - so is a file that is not a cache file of any version;
 *   - of the rest (inputs of another checkout or installation that still
 *     exist), the CACHE_KEEP_OTHERS most recently used stay, unless unused
 *     for CACHE_MAX_AGE_DAYS. Loading a file marks it used (its mtime), at
 *     most once a day, so a source tree and an installed copy on one
 *     machine do not evict each other. */
#define CACHE_KEEP_OTHERS   4
#define CACHE_MAX_AGE_DAYS  30
#define CACHE_TOUCH_SECONDS (24 * 3600)

/* The key stored in the cache file @path (of any version), or NULL when
 * it is no cache file. Only the header is read. */
static char *
read_key (const char *path)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  const char *data;
  gsize len;
  guint32 key_len;

  if (file == NULL)
    return NULL;
  data = g_mapped_file_get_contents (file);
  len = g_mapped_file_get_length (file);
  if (len < 16 || memcmp (data, CACHE_MAGIC, 8) != 0)
    return NULL;
  memcpy (&key_len, data + 12, sizeof key_len);
  if (key_len == 0 || key_len > len - 16)
    return NULL;
  return g_strndup (data + 16, key_len);
}

/* Whether every input the key names still has the size and mtime it had
 * (lines after the first: "path size mtime"; paths may hold spaces). */
static gboolean
key_inputs_unchanged (const char *key)
{
  g_auto(GStrv) lines = g_strsplit (key, "\n", -1);

  if (lines[0] == NULL || lines[1] == NULL || lines[0][0] != 'v')
    return FALSE;
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *mtime_at = strrchr (lines[i], ' ');
      char *size_at;
      GStatBuf st;

      if (mtime_at == NULL)
        return FALSE;
      *mtime_at++ = '\0';
      size_at = strrchr (lines[i], ' ');
      if (size_at == NULL)
        return FALSE;
      *size_at++ = '\0';
      if (g_stat (lines[i], &st) != 0 ||
          g_ascii_strtoll (size_at, NULL, 10) != (gint64) st.st_size ||
          g_ascii_strtoll (mtime_at, NULL, 10) != (gint64) st.st_mtime)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  char   *path;
  gint64  mtime;
} CacheFile;

static void
cache_file_clear (gpointer data)
{
  g_free (((CacheFile *) data)->path);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  gint64 x = ((const CacheFile *) a)->mtime, y = ((const CacheFile *) b)->mtime;

  return x < y ? 1 : x > y ? -1 : 0;
}

static void
prune_other_files (const char *dir,
                   const char *keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) live = g_array_new (FALSE, FALSE, sizeof (CacheFile));
  gint64 limit = g_get_real_time () / G_USEC_PER_SEC - CACHE_MAX_AGE_DAYS * 24 * 3600;
  const char *name;

  g_array_set_clear_func (live, cache_file_clear);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *key = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, "faq-lexicon-") || !g_str_has_suffix (name, ".bin"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_strcmp0 (path, keep) == 0 || g_stat (path, &st) != 0)
        continue;
      key = read_key (path);
      if (key == NULL || !key_inputs_unchanged (key) || (gint64) st.st_mtime < limit)
        g_unlink (path);
      else
        g_array_append_val (live, ((CacheFile) { g_steal_pointer (&path), (gint64) st.st_mtime }));
    }
  g_array_sort (live, newest_first);
  for (guint i = CACHE_KEEP_OTHERS; i < live->len; i++)
    g_unlink (g_array_index (live, CacheFile, i).path);
}

/* Marks the cache file @path used (see prune_other_files()). */
static void
mark_used (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 &&
      (gint64) st.st_mtime < g_get_real_time () / G_USEC_PER_SEC - CACHE_TOUCH_SECONDS)
    g_utime (path, NULL);
}

/* The Bloom filter of the word list: some 16 bits per word. */
static void
write_bloom (GByteArray *body,
             GHashTable *words)
{
  guint32 blocks = 1, block, bits[3];
  g_autofree guint32 *filter = NULL;
  GHashTableIter it;
  gpointer key;

  while ((gsize) blocks * 512 < 16 * (gsize) g_hash_table_size (words))
    blocks *= 2;
  filter = g_new0 (guint32, 16 * (gsize) blocks);
  g_hash_table_iter_init (&it, words);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      bloom_bits (cache_hash (key), blocks - 1, &block, bits);
      for (guint i = 0; i < 3; i++)
        filter[16 * (gsize) block + (bits[i] >> 5)] |= 1u << (bits[i] & 31);
    }
  put_u32 (body, blocks);
  g_byte_array_append (body, (const guint8 *) filter, 16 * sizeof (guint32) * (gsize) blocks);
}

/* The stems index: every folded word of the word list and of the curated
 * synonyms -> its stem key's string + 1. */
static void
write_stems (Writer     *w,
             GByteArray *body,
             SpLexicon  *self)
{
  g_autoptr(GHashTable) stems = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);

  if (self->folded_words != NULL)
    {
      GHashTableIter it;
      gpointer word;

      g_hash_table_iter_init (&it, self->folded_words);
      while (g_hash_table_iter_next (&it, &word, NULL))
        g_ptr_array_add (words, word);
    }
  g_ptr_array_extend (words, self->curated_words, NULL, NULL);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = words->pdata[i];
      char *stem;

      if (g_hash_table_contains (stems, word))
        continue;
      stem = sp_lexicon_stem_uncached (self, "de", word);
      g_ptr_array_add (keep, stem);
      g_hash_table_insert (stems, (gpointer) word, GUINT_TO_POINTER (string_offset (w, stem) + 1));
    }
  write_index (w, body, stems, FALSE);
}

void
sp_lexicon_cache_save (SpLexicon  *self,
                       const char *key)
{
  g_autofree char *path = cache_path (key);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GHashTable) offsets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) blob = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Writer w = { blob, offsets };

  G_STATIC_ASSERT (sizeof (float) == sizeof (guint32));

  write_set (&w, body, self->stop_de);
  write_set (&w, body, self->stop_en);
  put_u32 (body, self->curated_words->len);
  for (guint i = 0; i < self->curated_words->len; i++)
    put_u32 (body, string_offset (&w, self->curated_words->pdata[i]));
  write_index (&w, body, self->words_de, FALSE);
  write_index (&w, body, self->background, FALSE);
  write_index (&w, body, self->synonyms, TRUE);
  write_index (&w, body, self->translations, TRUE);
  write_stems (&w, body, self);
  write_bloom (body, self->words_de);

  g_byte_array_append (out, (const guint8 *) CACHE_MAGIC, 8);
  put_u32 (out, CACHE_VERSION);
  put_u32 (out, strlen (key));
  g_byte_array_append (out, (const guint8 *) key, strlen (key));
  pad4 (out);
  put_u32 (out, self->background_n);
  put_u32 (out, blob->len);
  g_byte_array_append (out, (const guint8 *) blob->str, blob->len);
  pad4 (out);
  g_byte_array_append (out, body->data, body->len);

  /* g_file_set_contents() writes a temporary file and renames it: a
   * process loading concurrently sees the old file or the whole new one. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, (const char *) out->data, out->len, &error))
    g_debug ("Cannot write the lexicon cache %s: %s", path,
             error != NULL ? error->message : g_strerror (errno));
  else
    prune_other_files (dir, path);
}

/* --- reading -------------------------------------------------------------- */

typedef struct {
  const char *data;
  gsize       pos;
  gsize       len;
  gboolean    ok;
} Reader;

static guint32
get_u32 (Reader *r)
{
  guint32 v;

  if (!r->ok || r->len - r->pos < sizeof v)
    {
      r->ok = FALSE;
      return 0;
    }
  memcpy (&v, r->data + r->pos, sizeof v);
  r->pos += sizeof v;
  return v;
}

/* @n u32 words in place (the file is 4-byte aligned and so is the map). */
static const guint32 *
get_u32s (Reader *r,
          guint32 n)
{
  const guint32 *p = (const guint32 *) (gconstpointer) (r->data + r->pos);

  if (!r->ok || (r->len - r->pos) / sizeof (guint32) < n)
    {
      r->ok = FALSE;
      return NULL;
    }
  r->pos += sizeof (guint32) * (gsize) n;
  return p;
}

static const char *
blob_string (SpLexicon *self,
             guint32    off)
{
  return off < self->blob_len ? self->blob + off : NULL;
}

/* Reads a set of strings into @table (and @array, if given). */
static void
read_set (SpLexicon  *self,
          Reader     *r,
          GHashTable *table,
          GPtrArray  *array)
{
  guint32 n = get_u32 (r);
  const guint32 *offs = get_u32s (r, n);

  for (guint32 i = 0; offs != NULL && i < n; i++)
    {
      char *s = (char *) blob_string (self, offs[i]);

      if (s == NULL)
        {
          r->ok = FALSE;
          return;
        }
      g_hash_table_add (table, s);
      if (array != NULL)
        g_ptr_array_add (array, s);
    }
}

static void
read_index (Reader         *r,
            SpLexiconIndex *index)
{
  guint32 n_buckets = get_u32 (r);

  if (n_buckets == 0 || (n_buckets & (n_buckets - 1)) != 0 || n_buckets > G_MAXUINT32 / 2)
    {
      r->ok = FALSE;
      return;
    }
  index->buckets = get_u32s (r, 2 * n_buckets);
  index->mask = n_buckets - 1;
  index->n_terms = get_u32 (r);
  index->terms = get_u32s (r, index->n_terms);
}

/* Bucket pair of @key, NULL if absent. */
static const guint32 *
find_bucket (SpLexicon            *self,
             const SpLexiconIndex *index,
             const char           *key)
{
  guint32 b = cache_hash (key) & index->mask;

  for (guint32 probes = 0; probes <= index->mask; probes++)
    {
      const guint32 *pair = index->buckets + 2 * (gsize) b;
      const char *s;

      if (pair[0] == 0)
        return NULL;
      s = blob_string (self, pair[0] - 1);
      if (s != NULL && strcmp (s, key) == 0)
        return pair;
      b = (b + 1) & index->mask;
    }
  return NULL;
}

guint32
sp_lexicon_cache_value (SpLexicon            *self,
                        const SpLexiconIndex *index,
                        const char           *key)
{
  const guint32 *pair = find_bucket (self, index, key);

  return pair != NULL ? pair[1] : 0;
}

gboolean
sp_lexicon_cache_list (SpLexicon            *self,
                       const SpLexiconIndex *index,
                       const char           *key,
                       SpLexiconTermList    *out)
{
  const guint32 *pair = find_bucket (self, index, key);
  guint32 at, m;

  memset (out, 0, sizeof *out);
  if (pair == NULL)
    return FALSE;
  at = pair[1];
  m = at < index->n_terms ? index->terms[at] : 0;
  /* A damaged file must not make us read past the table. */
  if (m > (index->n_terms - at - 1) / 2)
    m = 0;
  out->pairs = index->terms + at + 1;
  out->blob = self->blob;
  out->blob_len = self->blob_len;
  out->n = m;
  return TRUE;
}

gboolean
sp_lexicon_cache_has (SpLexicon            *self,
                      const SpLexiconIndex *index,
                      const char           *key)
{
  return find_bucket (self, index, key) != NULL;
}

const GArray *
sp_lexicon_cache_terms (SpLexicon            *self,
                        const SpLexiconIndex *index,
                        GHashTable           *memo,
                        const char           *key)
{
  const guint32 *pair = find_bucket (self, index, key);
  GArray *list;
  guint32 at, m;

  if (pair == NULL)
    return NULL;
  g_mutex_lock (&self->memo_lock);
  list = g_hash_table_lookup (memo, self->blob + pair[0] - 1);
  if (list == NULL)
    {
      guint32 n = 0;
      SpLexiconTerm *out;

      at = pair[1];
      m = at < index->n_terms ? index->terms[at] : 0;
      /* Filled in place: g_array_append_val() per term costs more than
       * the rest of a lookup. */
      list = g_array_sized_new (FALSE, FALSE, sizeof (SpLexiconTerm), m);
      g_array_set_size (list, m);
      out = (SpLexiconTerm *) (gpointer) list->data;
      for (guint32 j = 0; j < m && at + 2 + 2 * (gsize) j < index->n_terms; j++)
        {
          guint32 bits = index->terms[at + 2 + 2 * j];

          out[n].term = blob_string (self, index->terms[at + 1 + 2 * j]);
          memcpy (&out[n].weight, &bits, sizeof bits);
          if (out[n].term != NULL)
            n++;
        }
      g_array_set_size (list, n);
      g_hash_table_insert (memo, (gpointer) (self->blob + pair[0] - 1), list);
    }
  g_mutex_unlock (&self->memo_lock);
  return list;
}

gboolean
sp_lexicon_cache_load (SpLexicon  *self,
                       const char *key)
{
  g_autofree char *path = cache_path (key);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  Reader r = { 0 };
  guint32 key_len;

  if (file == NULL)
    return FALSE;
  r.data = g_mapped_file_get_contents (file);
  r.len = g_mapped_file_get_length (file);
  r.ok = r.len >= 8 && memcmp (r.data, CACHE_MAGIC, 8) == 0;
  r.pos = 8;
  if (get_u32 (&r) != CACHE_VERSION)
    return FALSE;
  key_len = get_u32 (&r);
  if (!r.ok || key_len != strlen (key) || r.len - r.pos < key_len ||
      memcmp (r.data + r.pos, key, key_len) != 0)
    return FALSE;
  r.pos = (r.pos + key_len + 3) & ~(gsize) 3;
  self->background_n = get_u32 (&r);
  self->blob_len = get_u32 (&r);
  if (!r.ok || self->blob_len == 0 || r.len - r.pos < self->blob_len ||
      r.data[r.pos + self->blob_len - 1] != '\0')
    return FALSE;
  self->blob = r.data + r.pos;
  r.pos = (r.pos + self->blob_len + 3) & ~(gsize) 3;

  read_set (self, &r, self->stop_de, NULL);
  read_set (self, &r, self->stop_en, NULL);
  read_set (self, &r, self->curated_set, self->curated_words);
  read_index (&r, &self->words_index);
  read_index (&r, &self->background_index);
  read_index (&r, &self->synonyms_index);
  read_index (&r, &self->translations_index);
  read_index (&r, &self->stems_index);
  {
    guint32 blocks = get_u32 (&r);

    if (blocks == 0 || (blocks & (blocks - 1)) != 0 || blocks > G_MAXUINT32 / 16)
      r.ok = FALSE;
    else
      {
        self->words_bloom = get_u32s (&r, 16 * blocks);
        self->words_bloom_mask = blocks - 1;
      }
  }
  if (!r.ok || r.pos != r.len)
    {
      g_debug ("Ignoring the damaged lexicon cache %s", path);
      return FALSE;
    }
  self->cache_file = g_steal_pointer (&file);
  mark_used (path);
  return TRUE;
}
