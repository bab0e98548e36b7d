/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Citizen feedback triage for editors: the inbox (a GtkColumnView over the
 * synced feedback rows, filtered and sorted in SQLite, so 100 000+ items
 * cost only the visible rows), the detail pane, bulk actions on a
 * multi-selection, an overview with per-service counts and the trend of
 * the last 12 weeks, and the feedback settings. Works offline; every change
 * is a local edit that syncs. "badge-count": new items. */

#define SP_TYPE_FEEDBACK_PAGE (sp_feedback_page_get_type ())
G_DECLARE_FINAL_TYPE (SpFeedbackPage, sp_feedback_page, SP, FEEDBACK_PAGE, AdwBin)

GtkWidget *sp_feedback_page_new (SpLocalStore     *store,
                                 SpSyncController *controller);

G_END_DECLS
