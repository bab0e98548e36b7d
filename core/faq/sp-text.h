/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Text normalisation shared by the FAQ matcher and its lexicon. All
 * functions are pure and thread-safe. */

/* Unicode case folding with German umlauts spelled out: "Führerschein"
 * -> "fuehrerschein", "Straße" -> "strasse"; other accents are dropped
 * ("Café" -> "cafe"). Characters that are neither letters nor digits
 * become single spaces; the result has no leading/trailing space. */
char      *sp_text_fold                (const char  *text);
/* Umlaut-free form of a folded word, so that "fuehrerschein",
 * "fuhrerschein" and the fold of "Führerschein" meet: "ae" -> "a",
 * "oe" -> "o", "ue" -> "u", except after a vowel or "q" ("neue",
 * "Bauer", "Quelle" keep theirs). */
char      *sp_text_plain               (const char  *folded);
/* sp_text_plain() into @buf (@size bytes); FALSE (and @buf untouched) if
 * @folded does not fit. */
gboolean   sp_text_plain_buf           (const char  *folded,
                                        char        *buf,
                                        gsize        size);
/* Folds and splits @text into word tokens (letters/digits runs). Hyphens
 * and slashes separate tokens. Returns a NULL-terminated vector. */
GStrv      sp_text_tokenize            (const char  *text);
/* Like sp_text_tokenize(), and @clause_ends (a new GArray of gboolean,
 * owned by the caller) says for each token whether it ends a clause
 * (followed by ".", "?", "!", ",", ";", ":", "(", ")" or the end). */
GStrv      sp_text_tokenize_clauses    (const char  *text,
                                        GArray     **clause_ends);  /* gboolean */
/* sp_text_tokenize_clauses() into the caller's storage, for hot paths
 * that keep it: folds @text into @buf and sets @tokens to pointers into
 * @buf->str (NULL-terminated) and @clause_ends (gboolean) to whether each
 * token ends a clause. All three are cleared first. */
void       sp_text_tokenize_into       (const char  *text,
                                        GString     *buf,
                                        GPtrArray   *tokens,
                                        GArray      *clause_ends);  /* gboolean */
/* Damerau-Levenshtein distance (optimal string alignment) of two byte
 * strings, or @max + 1 when it exceeds @max. */
guint      sp_text_edit_distance       (const char  *a,
                                        const char  *b,
                                        guint        max);

G_END_DECLS
