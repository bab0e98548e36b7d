/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* A survey being designed: the `survey` row, its `survey_question` rows
 * and their `survey_option` rows, held as JSON objects of field values plus
 * "id" (the shape core/surveys/sp-survey.h builds definitions from). The
 * designer edits the objects in place; structural edits go through the
 * functions below, which keep pages, positions, codes and conditions
 * consistent. Saving writes only rows that differ from the stored ones
 * (and deletes removed ones) through the local store, in one batch. */

typedef struct
{
  char       *id;         /* NULL until the survey is saved the first time */
  JsonObject *survey;     /* fields + "id" */
  GPtrArray  *questions;  /* JsonObject: ordered by page, position */
  GPtrArray  *options;    /* JsonObject: ordered by question, kind, position */
  guint       n_pages;    /* >= 1; pages may be empty while designing */
} SpSurveyDoc;

/* One problem the designer shows next to its field. */
typedef struct
{
  char     *question_id;  /* NULL: a survey setting */
  char     *field;        /* "title", "opens", "code", "options", ... */
  char     *message;      /* translated */
  gboolean  blocks_save;  /* FALSE: only publishing is blocked */
} SpSurveyProblem;

extern const char * const sp_survey_question_types[];  /* NULL-terminated, menu order */

SpSurveyDoc *sp_survey_doc_new              (void);
/* NULL without error when the survey does not exist (any more). */
SpSurveyDoc *sp_survey_doc_load             (SpLocalStore *store,
                                             const char   *id,
                                             GError      **error);
void         sp_survey_doc_free             (SpSurveyDoc  *doc);
/* A copy with new ids (conditions follow), status draft, "(copy)" title. */
SpSurveyDoc *sp_survey_doc_duplicate        (SpSurveyDoc  *doc);
/* A canonical text of the content, to compare two documents. */
char        *sp_survey_doc_to_string        (SpSurveyDoc  *doc);
/* Writes the differences to the stored rows; sets doc->id for a new one. */
gboolean     sp_survey_doc_save             (SpSurveyDoc  *doc,
                                             SpLocalStore *store,
                                             GError      **error);
/* Deletes the survey with its questions and options. */
gboolean     sp_survey_doc_delete           (SpLocalStore *store,
                                             const char   *id,
                                             GError      **error);

JsonObject  *sp_survey_doc_find_question    (SpSurveyDoc  *doc,
                                             const char   *id);
JsonObject  *sp_survey_doc_find_option      (SpSurveyDoc  *doc,
                                             const char   *id);
/* Options (kind "option") or matrix rows (kind "row") of a question, in order. */
GPtrArray   *sp_survey_doc_get_options      (SpSurveyDoc  *doc,
                                             const char   *question_id,
                                             const char   *kind);
/* Questions on @page, in order. */
GPtrArray   *sp_survey_doc_get_page         (SpSurveyDoc  *doc,
                                             guint         page);

JsonObject  *sp_survey_doc_add_question     (SpSurveyDoc  *doc,
                                             guint         page,
                                             const char   *type);
void         sp_survey_doc_remove_question  (SpSurveyDoc  *doc,
                                             const char   *id);
/* Up/down within its page; FALSE at either end. */
gboolean     sp_survey_doc_move_question    (SpSurveyDoc  *doc,
                                             const char   *id,
                                             int           delta);
/* To the end of @page (1..n_pages). */
void         sp_survey_doc_set_question_page (SpSurveyDoc *doc,
                                              const char  *id,
                                              guint        page);
void         sp_survey_doc_add_page         (SpSurveyDoc  *doc);
/* Removes an empty page (later pages move up); FALSE if it has questions. */
gboolean     sp_survey_doc_remove_page      (SpSurveyDoc  *doc,
                                             guint         page);

JsonObject  *sp_survey_doc_add_option       (SpSurveyDoc  *doc,
                                             const char   *question_id,
                                             const char   *kind);
void         sp_survey_doc_remove_option    (SpSurveyDoc  *doc,
                                             const char   *id);
gboolean     sp_survey_doc_move_option      (SpSurveyDoc  *doc,
                                             const char   *id,
                                             int           delta);

/* Whether questions of @type have options / matrix rows. */
gboolean     sp_survey_type_has_options     (const char   *type);
gboolean     sp_survey_type_has_rows        (const char   *type);
const char  *sp_survey_type_label           (const char   *type);

/* Earlier questions (in page order) with options that @question_id may
 * depend on. */
GPtrArray   *sp_survey_doc_condition_sources (SpSurveyDoc *doc,
                                              const char  *question_id);

/* Everything wrong with the document (SpSurveyProblem). */
GPtrArray   *sp_survey_doc_validate         (SpSurveyDoc  *doc);
void         sp_survey_problem_free         (SpSurveyProblem *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpSurveyDoc, sp_survey_doc_free)

G_END_DECLS
