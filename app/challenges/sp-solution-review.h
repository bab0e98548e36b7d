/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The review of one hackathon solution: what the team submitted (title,
 * description, link, licence, team contact while it is kept), its state
 * (submitted, accepted, winner, rejected, spam) and the signed-in
 * reviewer's score (impact, feasibility, innovation 1..5 and a comment,
 * one `challenge_score` row per solution and reviewer), with every
 * reviewer's score and the average. Saves through the local store
 * (offline, synced later). Signal ::saved when something was stored. */

#define SP_TYPE_SOLUTION_REVIEW (sp_solution_review_get_type ())
G_DECLARE_FINAL_TYPE (SpSolutionReview, sp_solution_review, SP, SOLUTION_REVIEW, AdwWindow)

/* @reviewer NULL: nobody signed in, scoring is not possible. */
SpSolutionReview *sp_solution_review_new (GtkWindow    *parent,
                                          SpLocalStore *store,
                                          const char   *solution_id,
                                          const char   *reviewer);

G_END_DECLS
