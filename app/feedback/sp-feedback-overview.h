/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The feedback KPIs from the local database: items received per week over
 * the last 12 weeks (all and with a low rating) as a bar chart with a text
 * alternative, and per service the total, open and overdue items and the
 * average rating. Recomputed while shown when feedback changes. */

#define SP_TYPE_FEEDBACK_OVERVIEW (sp_feedback_overview_get_type ())
G_DECLARE_FINAL_TYPE (SpFeedbackOverview, sp_feedback_overview, SP, FEEDBACK_OVERVIEW, AdwBin)

GtkWidget *sp_feedback_overview_new (SpLocalStore *store);

G_END_DECLS
