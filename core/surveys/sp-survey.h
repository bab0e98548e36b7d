/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Surveys: the definition JSON citizens, the embed snippet and the desktop
 * preview render, the validation of answers (server and desktop preview
 * use the same code), condition visibility and the CSV exports.
 *
 * Definition (contract of GET /api/v1/surveys/ID, built by
 * sp_survey_build()):
 *
 *   {"id", "title", "intro", "privacy", "thanks",      texts in "lang"
 *    "lang": "de"|"en",                                language of the texts
 *    "languages": ["de"] | ["de","en"],                 "en" when title_en != ""
 *    "access": "public"|"code",                         code: POST needs "code"
 *    "status": "draft"|"published"|"closed",
 *    "opens": "YYYY-MM-DD"|"", "closes": "YYYY-MM-DD"|"" (inclusive),
 *    "pages": N,                                        highest page number (>= 1)
 *    "questions": [                                     ordered by page, position
 *      {"id", "code", "type", "page", "position", "text", "help",
 *       "required": bool, "min": int, "max": int,
 *       "condition": {"question": QID, "option": OID} | null,
 *       "options": [{"id", "code", "label"}],            choices (kind "option")
 *       "rows":    [{"id", "code", "label"}]}]}          matrix rows (kind "row")
 *
 * "options" and "rows" are always present (empty arrays when the type has
 * none). With lang "en" every *_en text that is not empty replaces the
 * German one; empty ones fall back to German. Empty codes get defaults
 * ("Q01".. by question order, "A1".. for options, "SQ001".. for rows).
 *
 * Types and their answers (POST {"answers":{QID: value}}):
 *   single, dropdown   an option id (string)
 *   multiple           an array of distinct option ids; max > 0: at most
 *                      max of them
 *   ranking            an array of ALL option ids of the question, each
 *                      once, best first
 *   text               a string; max > 0: at most max characters
 *   number             a JSON number; min < max: within min..max
 *   rating             an integer 1..max (max is 5 when the row has 0;
 *                      the definition carries the effective max)
 *   date               "YYYY-MM-DD", a real calendar date
 *   matrix             {row id: option id}; required: every row answered
 *
 * null, "" (or only white space), [] and {} count as "not answered" and
 * are removed from the answers. A question is visible when it has no
 * condition, or when its condition question is visible and its answer is
 * (single, dropdown) or contains (multiple, ranking, a matrix row value)
 * the condition option. "required" applies to visible questions only;
 * answers to hidden questions are dropped. */

#define SP_SURVEY_TEXT_MAX_CHARS 10000   /* any text answer */
#define SP_SURVEY_RATING_DEFAULT_MAX 5

/* The definition of @survey (its fields plus "id") with @questions (rows
 * with "id" + fields; rows of other surveys are skipped) and @options
 * (rows with "id" + fields; rows of other questions are skipped). Rows are
 * the live ones (the caller leaves out deleted rows). @lang "en" picks the
 * English texts, anything else German. */
JsonNode *sp_survey_build            (JsonObject  *survey,
                                      JsonArray   *questions,
                                      JsonArray   *options,
                                      const char  *lang);

/* The list item of GET /api/v1/surveys for @survey (fields plus "id"):
 * {"id","title","intro","languages","lang","access","opens","closes"}. */
JsonNode *sp_survey_build_summary    (JsonObject  *survey,
                                      const char  *lang);

/* Validates @answers against @definition. FALSE with SP_ERROR_INVALID and
 * *question (optional, owned by the caller) set to the offending question
 * id: an unknown question id, a wrong type, an unknown option, out of
 * range, a missing required answer. Answers to questions hidden by their
 * condition and empty answers are removed from @answers. */
gboolean  sp_survey_check_answers    (JsonObject  *definition,
                                      JsonObject  *answers,
                                      char       **question,
                                      GError     **error);

/* Whether @question_id is shown given @answers (see above). FALSE for
 * unknown ids. */
gboolean  sp_survey_question_visible (JsonObject  *definition,
                                      JsonObject  *answers,
                                      const char  *question_id);

/* The question @question_id of @definition, or NULL. */
JsonObject *sp_survey_get_question   (JsonObject  *definition,
                                      const char  *question_id);

/* One stored atomic answer (server table survey_answer): single/dropdown
 * item "" + option_id; multiple item = option id per chosen option;
 * ranking item = option id + rank 1..n; matrix item = row id + option_id;
 * text and date: text; number and rating: num. Strings point into the
 * answers object they were made from. */
typedef struct {
  const char *question_id;
  const char *item;
  const char *option_id;   /* or NULL */
  gint64      rank;        /* 0 = none */
  gboolean    has_num;
  double      num;
  const char *text;        /* or NULL */
} SpSurveyAnswerRow;

/* Splits checked @answers into rows (an array of SpSurveyAnswerRow). */
GArray   *sp_survey_answer_rows      (JsonObject  *definition,
                                      JsonObject  *answers);

typedef enum {
  SP_SURVEY_CSV_PLAIN,        /* question texts as headers, labels as values */
  SP_SURVEY_CSV_LIMESURVEY,   /* LimeSurvey column codes and answer codes */
} SpSurveyCsvFormat;

/* CSV export (RFC 4180: comma, every field quoted, "" escapes, CRLF).
 *
 * LimeSurvey: id, submitdate ("YYYY-MM-DD 00:00:00": only the day is
 * stored), lastpage (the number of pages), startlanguage, then per
 * question: single/dropdown CODE = answer code; multiple CODE[SQ] = "Y" or
 * "" per option code; matrix CODE[ROW] = answer code per row code;
 * ranking CODE[1]..CODE[n] = answer codes; text, number, rating, date
 * CODE = the raw value.
 *
 * Plain: the response number, day and language columns ("Antwort",
 * "Datum", "Sprache" or in English with an "en" definition), then one
 * column per question (its text) with option labels (multiple and ranking
 * joined with "; ", ranking best first), one column per matrix row
 * ("Question [Row]"). Free text beginning with = + - @ gets a leading '
 * so that spreadsheets do not run it as a formula.
 *
 * @response: {"id": int, "submitted": "YYYY-MM-DD", "language": "de"|"en",
 * "answers": {QID: value as posted}}. */
void      sp_survey_csv_header       (JsonObject        *definition,
                                      SpSurveyCsvFormat  format,
                                      GString           *out);
void      sp_survey_csv_row          (JsonObject        *definition,
                                      SpSurveyCsvFormat  format,
                                      JsonObject        *response,
                                      GString           *out);

/* Appends @field to @out as one quoted CSV field. */
void      sp_survey_csv_field        (GString           *out,
                                      const char        *field);

/* TRUE if @s is "YYYY-MM-DD" and a real date. */
gboolean  sp_survey_is_day           (const char        *s);

G_END_DECLS
