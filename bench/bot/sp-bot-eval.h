/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-matcher.h"

G_BEGIN_DECLS

/* Shared by bench/bot/sp-bench-bot.c and tests/unit/test-faq-accuracy.c:
 * the service catalogue of a DLDB export as matcher entries, the labelled
 * question sets, and their scoring. */

/* One catalogue entry: exactly what the matcher (and NLP.js) gets. */
typedef struct {
  char  *id;            /* DLDB service id, or the FAQ file's "id" */
  char  *title;         /* service name, or the FAQ question */
  GStrv  alternatives;  /* FAQ alternatives; never NULL */
  GStrv  keywords;      /* topics listing the service, or FAQ keywords; never NULL */
  char  *lang;          /* "de" or "en" */
} SpBotEntry;

/* One labelled question (bench/bot/questions-*.json). */
typedef struct {
  char  *q;
  char  *expect;    /* service id, NULL: out of scope */
  GStrv  also;      /* acceptable alternatives, never NULL */
  char  *kind;      /* "de", "de-typo", "en", "oos" */
} SpBotQuestion;

typedef enum {
  SP_BOT_KIND_DE,
  SP_BOT_KIND_DE_TYPO,
  SP_BOT_KIND_EN,
  SP_BOT_KIND_OOS,
  SP_BOT_N_KINDS
} SpBotKind;

/* Accuracy on a question set. "Answered" means the top match reaches
 * sp_matcher_threshold(); below it the bot says it does not know. */
typedef struct {
  guint n;             /* questions */
  guint n_in;          /* in scope (expect != NULL) */
  guint n_oos;
  guint top1;          /* in scope, answered with the expected entry */
  guint top1_ok;       /* in scope, answered with the expected entry or an "also" */
  guint rank1_ok;      /* in scope, acceptable entry ranked first, threshold ignored */
  guint refused_in;    /* in scope, not answered (false refusal) */
  guint refused_oos;   /* out of scope, not answered (right) */
  guint kind_n[SP_BOT_N_KINDS];
  guint kind_ok[SP_BOT_N_KINDS]; /* in scope: answered acceptably; oos: refused */
} SpBotScore;

/* Entries of a DLDB export dir, as `stadtpult-server import dldb` makes
 * them (sp_faq_import_dldb(): FAQ question = service name, keywords = the
 * topics listing the service and their parents), id = the DLDB service id,
 * in the order of services_de.json. GPtrArray of SpBotEntry, NULL with
 * @error. */
GPtrArray  *sp_bot_load_dldb        (const char  *dir,
                                     GError     **error);
/* Entries of an FAQ file in the format of `stadtpult-server import faq`
 * (parsed by sp_faq_import_parse()), id = the file's "id". */
GPtrArray  *sp_bot_load_faq         (const char  *path,
                                     GError     **error);
/* The first @real->len entries are @real; the rest are made up from them,
 * deterministically for @seed (see bench/bot/README.md, "synthetic"). */
GPtrArray  *sp_bot_synthesize       (GPtrArray   *real,
                                     guint        n,
                                     guint32      seed);
/* Writes @entries as a DLDB export (services_de.json, topic_de.json,
 * locations_de.json, authority_de.json) into @dir: flat topics, so that
 * importing it gives back the same keywords. */
gboolean    sp_bot_write_dldb       (GPtrArray   *entries,
                                     const char  *dir,
                                     GError     **error);
/* Writes @entries as a JSON array of {"id","title","alternatives",
 * "keywords","lang"} (what the NLP.js reference trains on). */
gboolean    sp_bot_write_entries    (GPtrArray   *entries,
                                     const char  *path,
                                     GError     **error);
/* A built matcher over @entries (SpMatchDoc title, alternatives, keywords, lang). */
SpMatcher  *sp_bot_matcher_new      (GPtrArray   *entries);
/* Like sp_bot_matcher_new() over @lexicon (NULL: the default one). */
SpMatcher  *sp_bot_matcher_new_full (GPtrArray   *entries,
                                     SpLexicon   *lexicon);

/* GPtrArray of SpBotQuestion, NULL with @error. */
GPtrArray  *sp_bot_load_questions   (const char  *path,
                                     GError     **error);
SpBotKind   sp_bot_question_kind    (const SpBotQuestion *question);
gboolean    sp_bot_question_accepts (const SpBotQuestion *question,
                                     const char          *id);

/* Scores the answers to @questions. @misses (nullable) receives one line
 * per wrong answer or refusal (for the report). */
void        sp_bot_score            (SpMatcher   *matcher,
                                     GPtrArray   *questions,
                                     SpBotScore  *score,
                                     GPtrArray   *misses);

/* "de", "de-typo", "en", "oos" */
const char *sp_bot_kind_name        (SpBotKind    kind);

G_END_DECLS
