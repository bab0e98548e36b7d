/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-record-editor.h"

G_BEGIN_DECLS

/* The form of one hackathon challenge (title, department, contact,
 * status, event, event date, deadline, problem, data available) and below
 * it the challenge's solutions, ranked by their average score; a click
 * opens the review (SpSolutionReview). Edits go through the local store
 * (offline, synced later); only changed fields are written.
 *
 * Loading, saving, deleting: SpRecordEditor. Its own action
 * challenge-editor.followup and signal ::followup (id): the follow-up
 * survey was asked for (the page runs it, it needs the sign-in). */

#define SP_TYPE_CHALLENGE_EDITOR (sp_challenge_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpChallengeEditor, sp_challenge_editor, SP, CHALLENGE_EDITOR, SpRecordEditor)

void        sp_challenge_editor_set_reviewer (SpChallengeEditor *self,
                                              const char        *reviewer);

G_END_DECLS
