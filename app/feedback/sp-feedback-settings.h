/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The feedback settings (synced feedback_setting rows): the SLA in hours
 * and how long contact data is kept. Each change is saved at once as a
 * local edit. */

#define SP_TYPE_FEEDBACK_SETTINGS (sp_feedback_settings_get_type ())
G_DECLARE_FINAL_TYPE (SpFeedbackSettings, sp_feedback_settings, SP, FEEDBACK_SETTINGS, AdwPreferencesWindow)

GtkWidget *sp_feedback_settings_new (SpLocalStore *store);

G_END_DECLS
