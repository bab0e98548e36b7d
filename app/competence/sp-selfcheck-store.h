/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-db.h"
#include "competence/sp-competence-score.h"

G_BEGIN_DECLS

/* The person's own self-check runs, answers and results in the local-only
 * tables selfcheck_run, selfcheck_answer and selfcheck_result of the
 * client database (core/sp-migrations.c). These never enter the outbox:
 * a person's answers and history never leave the device. The step a run
 * stopped at is kept in the meta table ("selfcheck.step.<run id>"). */

typedef struct {
  char     *id;
  char     *catalogue_id;   /* row id, e.g. "digcomp.1" */
  int       year;
  char     *started;        /* ISO 8601 */
  char     *finished;       /* NULL while unfinished */
  char     *org_unit;
  gboolean  submitted;
} SpSelfcheckRun;

void            sp_selfcheck_run_free          (SpSelfcheckRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpSelfcheckRun, sp_selfcheck_run_free)

/* The newest unfinished run, or NULL (also without error when none). */
SpSelfcheckRun *sp_selfcheck_run_get_unfinished (SpDb        *db,
                                                 GError     **error);
SpSelfcheckRun *sp_selfcheck_run_get           (SpDb        *db,
                                                const char  *run_id,
                                                GError     **error);
/* Finished runs, newest year (then newest finish) first. */
GPtrArray      *sp_selfcheck_run_list_finished (SpDb        *db,
                                                GError     **error);  /* SpSelfcheckRun */
/* Creates an unfinished run; returns its id. */
char           *sp_selfcheck_run_start         (SpDb        *db,
                                                const char  *catalogue_id,
                                                int          year,
                                                const char  *org_unit,
                                                GError     **error);
gboolean        sp_selfcheck_run_delete        (SpDb        *db,
                                                const char  *run_id,
                                                GError     **error);
/* Question id -> GStrv of chosen option ids. */
GHashTable     *sp_selfcheck_answers_load      (SpDb        *db,
                                                const char  *run_id,
                                                GError     **error);
/* Stores the chosen options of one question (empty = unanswered). */
gboolean        sp_selfcheck_answer_save       (SpDb               *db,
                                                const char         *run_id,
                                                const char         *question_id,
                                                const char * const *option_ids,
                                                GError            **error);
int             sp_selfcheck_run_get_step      (SpDb        *db,
                                                const char  *run_id);
gboolean        sp_selfcheck_run_set_step      (SpDb        *db,
                                                const char  *run_id,
                                                int          step,
                                                GError     **error);
/* Stores the level of every competence of @score and marks the run
 * finished, one transaction. */
gboolean        sp_selfcheck_run_finish        (SpDb              *db,
                                                const char        *run_id,
                                                SpCompetenceScore *score,
                                                GError           **error);
/* Competence code -> level (GINT_TO_POINTER). */
GHashTable     *sp_selfcheck_results_load      (SpDb        *db,
                                                const char  *run_id,
                                                GError     **error);
gboolean        sp_selfcheck_run_set_submitted (SpDb        *db,
                                                const char  *run_id,
                                                GError     **error);
/* The catalogue key of a catalogue row id ("digcomp.1" -> "digcomp"). */
char           *sp_selfcheck_catalogue_key     (const char  *catalogue_id);
/* The newest finished run of the same catalogue key of a year before
 * @run's, or NULL. */
SpSelfcheckRun *sp_selfcheck_run_find_previous (SpDb           *db,
                                                SpSelfcheckRun *run,
                                                GError        **error);

G_END_DECLS
