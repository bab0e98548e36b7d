/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* One feedback item of the triage inbox: the citizen's text (plain, never
 * markup), contact and location when given, the SLA timer, state,
 * assignment (org unit with completion from the values in use, assignee,
 * tags), the public reply and the internal notes. Every change is a local
 * edit (outbox) that syncs. */

#define SP_TYPE_FEEDBACK_DETAIL (sp_feedback_detail_get_type ())
G_DECLARE_FINAL_TYPE (SpFeedbackDetail, sp_feedback_detail, SP, FEEDBACK_DETAIL, AdwBin)

GtkWidget  *sp_feedback_detail_new      (SpLocalStore     *store);
/* The signed-in user: the author of new notes. */
void        sp_feedback_detail_set_user (SpFeedbackDetail *self,
                                         const char       *user);
/* Shows the feedback row @id (NULL: nothing). */
void        sp_feedback_detail_show     (SpFeedbackDetail *self,
                                         const char       *id);
const char *sp_feedback_detail_get_id   (SpFeedbackDetail *self);

G_END_DECLS
