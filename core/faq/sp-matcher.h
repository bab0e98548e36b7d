/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-lexicon.h"

G_BEGIN_DECLS

/* The FAQ/service matching engine, built for German citizen questions:
 * folding, stemming, compound splitting, separable verbs, typo tolerance,
 * synonyms and English questions against German entries. Documents are
 * added, then sp_matcher_build() freezes the index; queries after that are
 * thread-safe and allocation-light. */
typedef struct _SpMatcher SpMatcher;

typedef struct {
  const char         *id;            /* returned in SpMatch.id */
  const char         *title;         /* the question / service name */
  const char * const *alternatives;  /* other phrasings, NULL-terminated, nullable */
  const char * const *keywords;      /* nullable */
  const char         *extra;         /* topics, office, ...: weak evidence, nullable */
  const char         *lang;          /* "de" (default when NULL) or "en" */
} SpMatchDoc;

typedef struct {
  const char *id;          /* owned by the matcher */
  double      score;       /* BM25F-style score, comparable within one query */
  double      confidence;  /* 0..1: how likely the top match is right */
} SpMatch;

/* What the matcher understood of a question (optional output). */
typedef struct {
  const char *lang;        /* "de" or "en" (static strings) */
  guint       n_terms;     /* content words of the question */
  guint       n_known;     /* of them, found in the index (after expansion) */
  /* The features the confidence is computed from (for the test pane): */
  double      ratio;       /* top score / best score the question could reach */
  double      coverage;    /* share of the question's words the top match has */
  double      margin;      /* (top - second) / best score the question could reach */
  double      mass;        /* weight of the question's words the top match has */
} SpMatchInfo;

SpMatcher *sp_matcher_new         (SpLexicon         *lexicon);  /* lexicon must outlive it; NULL: default */
void       sp_matcher_add         (SpMatcher         *self,
                                   const SpMatchDoc  *doc);      /* copies */
void       sp_matcher_build       (SpMatcher         *self);     /* before queries */
guint      sp_matcher_size        (SpMatcher         *self);
/* Ranked matches, best first, at most @max (GArray of SpMatch). Every
 * match carries the same query-level confidence scaled by its share of the
 * top score, so only the first one can reach sp_matcher_threshold(). */
GArray    *sp_matcher_query       (SpMatcher         *self,
                                   const char        *question,
                                   guint              max);
GArray    *sp_matcher_query_full  (SpMatcher         *self,
                                   const char        *question,
                                   guint              max,
                                   SpMatchInfo       *info);     /* nullable */
/* How the question was read, one line per word: its expansions with their
 * weights ("wohnung: wohnung 1.00, wohn 0.80 | ..."). For the desktop's
 * test pane and for debugging; the format is not stable. */
char      *sp_matcher_explain     (SpMatcher         *self,
                                   const char        *question);
/* "de" or "en" (static strings), from stop words and vocabulary. */
const char *sp_matcher_detect_language (SpMatcher    *self,
                                        const char   *question);
double     sp_matcher_threshold   (void);   /* answer only at confidence >= this */
void       sp_matcher_free        (SpMatcher         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpMatcher, sp_matcher_free)

G_END_DECLS
