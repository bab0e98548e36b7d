/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Preferences: server URL, the city's CA certificate, sync interval, and
 * the account (sign in / sign out through the app actions). */

#define SP_TYPE_PREFERENCES_WINDOW (sp_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SpPreferencesWindow, sp_preferences_window, SP, PREFERENCES_WINDOW, AdwPreferencesWindow)

SpPreferencesWindow *sp_preferences_window_new (GtkWindow        *parent,
                                                GSettings        *settings,
                                                SpSyncController *controller);

G_END_DECLS
