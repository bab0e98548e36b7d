/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* The desktop application. `--profile DIR` keeps the database
 * (DIR/stadtpult.db) and the settings (DIR/settings.ini) in DIR; without
 * it the profile is $XDG_DATA_HOME/stadtpult with the normal GSettings
 * backend. STADTPULT_DEMO_LOGIN=user:password@URL signs in at start. */

#define SP_TYPE_APPLICATION (sp_application_get_type ())
G_DECLARE_FINAL_TYPE (SpApplication, sp_application, SP, APPLICATION, AdwApplication)

SpApplication    *sp_application_new            (void);
const char       *sp_application_get_profile_dir(SpApplication *self);
SpLocalStore     *sp_application_get_store      (SpApplication *self);
SpSyncController *sp_application_get_controller (SpApplication *self);
GSettings        *sp_application_get_settings   (SpApplication *self);

G_END_DECLS
