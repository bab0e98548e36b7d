/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The solutions of one challenge as the review shows them: from the local
 * `challenge_solution` and `challenge_score` rows, with each solution's
 * average score and its rank. A reviewer's mark is the mean of impact,
 * feasibility and innovation (1..5); a solution's average is the mean of
 * its reviewers' marks. Ranked by average (unscored last), spam and
 * rejected solutions are not ranked. */

typedef struct
{
  char   *id;
  char   *title;
  char   *team;
  char   *state;
  double  average;     /* 0 without scores */
  guint   n_scores;
  guint   rank;        /* 1.., 0 = not ranked */
  gboolean pending;    /* local edits not synced yet */
} SpSolutionSummary;

void        sp_solution_summary_free    (SpSolutionSummary *summary);

/* The solutions of @challenge_id, best ranked first, then the unranked
 * ones by state. */
GPtrArray  *sp_challenge_solutions_load (SpLocalStore *store,
                                         const char   *challenge_id);  /* SpSolutionSummary */

/* Row id of @reviewer's score of @solution_id (one per reviewer). */
char       *sp_challenge_score_id       (const char   *solution_id,
                                         const char   *reviewer);

/* The translated name of a solution state. */
const char *sp_solution_state_label     (const char   *state);

extern const char * const sp_solution_states[];

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpSolutionSummary, sp_solution_summary_free)

G_END_DECLS
