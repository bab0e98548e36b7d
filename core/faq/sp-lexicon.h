/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Language resources of the FAQ matcher, immutable once loaded and shared
 * by all threads: Snowball stemmers (German, English), stop words, the
 * German word list for compound splitting (wngerman), OpenThesaurus
 * synonyms, the curated municipal synonyms, and an English -> German
 * dictionary (trans-de-en plus curated additions).
 *
 * Curated files (stopwords-de.txt, stopwords-en.txt, synonyms-de.txt,
 * en-de.txt) are looked up in $STADTPULT_DATA_DIR, $SP_SOURCE_ROOT/data/faq,
 * the installed $datadir/stadtpult/faq, then the source tree. System
 * dictionaries come from their Debian paths; a missing one is reported once
 * with g_warning() and the lexicon works without it. */
typedef struct _SpLexicon SpLexicon;

/* One expansion of a word: a normalised term and its weight (0..1]. */
typedef struct {
  const char *term;     /* stem key, owned by the lexicon */
  float       weight;
} SpLexiconTerm;

/* Loaded once, cached; never freed. Missing files are reported with
 * g_warning() and left out; NULL with @error only if a curated file that
 * exists cannot be read. */
SpLexicon   *sp_lexicon_get_default       (GError     **error);
/* Loads from an explicit curated-file directory (tests; NULL: none); free
 * with sp_lexicon_free(). @system_dicts: also load the Debian dictionaries. */
SpLexicon   *sp_lexicon_new               (const char  *data_dir,
                                           gboolean     system_dicts,
                                           GError     **error);
/* A new lexicon from the places sp_lexicon_get_default() loads, not shared:
 * its memos start empty (benchmarks of cold caches); free with
 * sp_lexicon_free(). */
SpLexicon   *sp_lexicon_new_default       (GError     **error);
void         sp_lexicon_free              (SpLexicon   *self);

/* Which resources were loaded (for diagnostics and tests). */
gboolean     sp_lexicon_has_wordlist      (SpLexicon   *self);
gboolean     sp_lexicon_has_thesaurus     (SpLexicon   *self);
gboolean     sp_lexicon_has_translations  (SpLexicon   *self);

/* @word is a folded token (sp_text_fold()). */
gboolean     sp_lexicon_is_stopword       (SpLexicon   *self,
                                           const char  *lang,
                                           const char  *word);
/* TRUE if @word (folded) is a German word of the word list. */
gboolean     sp_lexicon_is_german_word    (SpLexicon   *self,
                                           const char  *word);
/* TRUE if the word list has @word (folded) in lower case: a verb,
 * adjective ... rather than only a noun. TRUE without a word list. */
gboolean     sp_lexicon_is_verb_form      (SpLexicon   *self,
                                           const char  *word);
/* TRUE if @word (folded) is an English word known to the dictionary. */
gboolean     sp_lexicon_is_english_word   (SpLexicon   *self,
                                           const char  *word);
/* Stem key of a folded word: Snowball stem of @lang ("de" or "en"), for
 * German with umlauts folded away (führen, fuehren, fuhren -> fuhr). */
char        *sp_lexicon_stem              (SpLexicon   *self,
                                           const char  *lang,
                                           const char  *word);
/* Splits a folded German compound into umlaut-free (sp_text_plain()) parts (linking -s-, -es-,
 * -n-, -en-, -e- dropped): "wohnsitzanmeldung" -> {"wohnsitz",
 * "anmeldung"}. @known (nullable) names extra words that count as
 * vocabulary (the index's own words). NULL if it is no compound. */
GStrv        sp_lexicon_split_compound    (SpLexicon   *self,
                                           const char  *word,
                                           GHashTable  *known);
/* Synonyms of a stem key (curated list first, then OpenThesaurus), as an
 * array of SpLexiconTerm whose terms may be several words separated by
 * spaces (stem keys). NULL if none. */
const GArray *sp_lexicon_synonyms         (SpLexicon   *self,
                                           const char  *stem_key);
/* German translations of a folded English word or phrase (words separated
 * by one space), as SpLexiconTerm whose terms are German stem keys (several
 * separated by spaces for a phrase), best first. NULL if none. */
const GArray *sp_lexicon_translate_en     (SpLexicon   *self,
                                           const char  *english);

/* How common a German stem key is in general language (how many entries
 * of the German-English dictionary use it), 0 (rare or unknown) .. 1
 * (everyday word like "Haus", "geben"). 0 without the dictionary. */
double       sp_lexicon_commonness        (SpLexicon   *self,
                                           const char  *stem_key);
/* The single words of the curated synonym list (folded), which the matcher
 * also accepts as typo targets ("Knöllchen", "gestohlen"). */
GPtrArray   *sp_lexicon_curated_words     (SpLexicon   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpLexicon, sp_lexicon_free)

G_END_DECLS
