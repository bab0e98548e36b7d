/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The form of one hackathon challenge (title, department, contact,
 * status, event, event date, deadline, problem, data available) and below
 * it the challenge's solutions, ranked by their average score; a click
 * opens the review (SpSolutionReview). Edits go through the local store
 * (offline, synced later); only changed fields are written.
 *
 * Actions: challenge-editor.save, .revert, .delete, .followup.
 * Signals: ::saved (id), ::deleted (id), ::followup (id): the follow-up
 * survey was asked for (the page runs it, it needs the sign-in). */

#define SP_TYPE_CHALLENGE_EDITOR (sp_challenge_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpChallengeEditor, sp_challenge_editor, SP, CHALLENGE_EDITOR, AdwBin)

void        sp_challenge_editor_set_store    (SpChallengeEditor *self,
                                              SpLocalStore      *store);
/* The signed-in user who scores solutions (NULL: nobody). */
void        sp_challenge_editor_set_reviewer (SpChallengeEditor *self,
                                              const char        *reviewer);
void        sp_challenge_editor_set_editable (SpChallengeEditor *self,
                                              gboolean           editable);
/* Loads @id, or an empty new challenge for NULL; FALSE when @id is gone. */
gboolean    sp_challenge_editor_load         (SpChallengeEditor *self,
                                              const char        *id);
gboolean    sp_challenge_editor_refresh      (SpChallengeEditor *self);
gboolean    sp_challenge_editor_save         (SpChallengeEditor *self);
gboolean    sp_challenge_editor_validate     (SpChallengeEditor *self,
                                              gboolean           focus);
gboolean    sp_challenge_editor_get_dirty    (SpChallengeEditor *self);
const char *sp_challenge_editor_get_row_id   (SpChallengeEditor *self);
void        sp_challenge_editor_focus_title  (SpChallengeEditor *self);

G_END_DECLS
