/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* "Follow-up survey" after a hackathon event: asks the departments that
 * posted challenges at the event (same event name and date, not drafts)
 * how useful the solutions were. The first time it creates the survey
 * from a built-in template (rating of usefulness, whether the department
 * will use a solution, what to improve; access by one-time code, open for
 * four weeks) through the local store and records it as the challenges'
 * followup_survey_id; later it reuses that survey. Once online and synced
 * it fetches one access code per department from the server
 * (POST /api/v1/surveys/ID/codes) and lists a mail per department with a
 * mailto: link (contact, survey address, code). Codes are shown once. */

#define SP_TYPE_FOLLOWUP_DIALOG (sp_followup_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SpFollowupDialog, sp_followup_dialog, SP, FOLLOWUP_DIALOG, AdwWindow)

SpFollowupDialog *sp_followup_dialog_new (GtkWindow        *parent,
                                          SpLocalStore     *store,
                                          SpSyncController *controller,
                                          const char       *challenge_id);

G_END_DECLS
