/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Main window: sidebar of features (Services, Conflicts with a badge of
 * unresolved conflicts), the feature pages, the sync status in the header
 * and a toast overlay for outcomes. */

#define SP_TYPE_WINDOW (sp_window_get_type ())
G_DECLARE_FINAL_TYPE (SpWindow, sp_window, SP, WINDOW, AdwApplicationWindow)

SpWindow *sp_window_new        (AdwApplication   *application,
                                SpLocalStore     *store,
                                SpSyncController *controller,
                                GSettings        *settings);
void      sp_window_add_toast  (SpWindow         *self,
                                const char       *text);
/* Switches to the page named "services" or "conflicts". */
void      sp_window_show_page  (SpWindow         *self,
                                const char       *name);

G_END_DECLS
