/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Scoring of the digital competence self-check. The same rules are
 * implemented in JavaScript by the /selfcheck/ web page; both must agree.
 *
 * All functions work on a catalogue in the catalogue JSON format (the file
 * format, the server's GET /api/v1/competence/catalogues/ID answer and what
 * sp_competence_catalogue_export_db() gives):
 *   {"id","version","title","description","status","levels":[5 labels],
 *    "areas":[{"code","title","competences":[{"code","title","description",
 *      "questions":[{"id","kind","text","options":[{"id","label","points",
 *                                                   "correct"}]}],
 *      "recommendations":[{"min_level","max_level","training","note"}]}]}]}
 *
 * Per question: "self" and "single": score = points of the chosen option,
 * max = the largest option points. "multiple": a correct option scores its
 * points when chosen, an incorrect one when NOT chosen; max = sum of all
 * points. Per competence: r = sum(score) / sum(max) over the answered
 * questions (unanswered questions count as 0 of their max only once the
 * competence is finished); level = 1 + round(4 * r), 1..5. Area level =
 * mean of its competences' levels, rounded to one decimal. */

#define SP_COMPETENCE_LEVEL_MIN 1
#define SP_COMPETENCE_LEVEL_MAX 5

typedef struct {
  char  *code;          /* competence code, e.g. "1.1" */
  char  *area_code;     /* e.g. "1" */
  char  *title;
  int    score;         /* sum of question scores */
  int    max;           /* sum of question maxima counted */
  guint  n_answered;
  guint  n_questions;
  int    level;         /* 1..5; 0 = no result yet (nothing answered and
                         * not finished) */
} SpCompetenceLevel;

typedef struct {
  char   *code;         /* area code, e.g. "1" */
  char   *title;
  double  level;        /* mean of the competence levels > 0, one decimal;
                         * 0 when none has a level */
  guint   n_levels;     /* competences that have a level */
} SpCompetenceAreaLevel;

typedef struct {
  char       *competence_code;
  int         level;        /* the competence's level that matched */
  int         min_level;
  int         max_level;
  char       *training_id;
  char       *note;
  JsonObject *training;     /* the resolved training item, NULL if unknown */
} SpCompetenceRecommendation;

typedef struct {
  GPtrArray *competences;   /* SpCompetenceLevel, in catalogue order */
  GPtrArray *areas;         /* SpCompetenceAreaLevel, in catalogue order */
} SpCompetenceScore;

/* Score of one question (a catalogue question object) for the chosen option
 * ids (@chosen NULL-terminated, may be NULL = nothing chosen); *max gets
 * the question's maximum. Unknown option ids are ignored. */
int                  sp_competence_question_score   (JsonObject          *question,
                                                     const char * const  *chosen,
                                                     int                 *max);
/* 1 + round(4 * score / max), in integer arithmetic; max <= 0 gives 1. */
int                  sp_competence_level_for        (int score,
                                                     int max);
/* Default label of a level 1..5 ("Grundlagen fehlen" .. "kann andere
 * anleiten"), translated; NULL outside 1..5. */
const char          *sp_competence_level_label      (int level);

/* Scores a whole catalogue. @answers maps question id (char*) to the
 * chosen option ids (a NULL-terminated char**, GStrv); a question missing
 * from @answers is unanswered. @finished is the set of competence codes
 * (char* keys) the person has finished; NULL means every competence is
 * finished (the end of a run). Fails with SP_ERROR_INVALID on a catalogue
 * that is not in the catalogue format. */
SpCompetenceScore   *sp_competence_score            (JsonNode     *catalogue,
                                                     GHashTable   *answers,
                                                     GHashTable   *finished,
                                                     GError      **error);
void                 sp_competence_score_free       (SpCompetenceScore *score);
/* The entry for @code or NULL. */
SpCompetenceLevel   *sp_competence_score_get        (SpCompetenceScore *score,
                                                     const char        *code);
/* {"1.1":L,...} for every competence with a level (the "levels" member of
 * a submission). */
JsonNode            *sp_competence_score_levels_json (SpCompetenceScore *score);

/* Recommendations: every recommendation of a competence whose
 * [min_level, max_level] contains that competence's level (> 0), in
 * catalogue order; training ids resolved against @training (an array of
 * training items {"id",...}, may be NULL). Returns SpCompetenceRecommendation. */
GPtrArray           *sp_competence_recommend        (JsonNode          *catalogue,
                                                     SpCompetenceScore *score,
                                                     JsonNode          *training);
void                 sp_competence_recommendation_free (SpCompetenceRecommendation *rec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpCompetenceScore, sp_competence_score_free)

G_END_DECLS
