/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Modal sign-in window: server URL, user name, password. Errors show
 * inline; on success it emits ::signed-in and closes. */

#define SP_TYPE_SIGNIN_DIALOG (sp_signin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SpSigninDialog, sp_signin_dialog, SP, SIGNIN_DIALOG, AdwWindow)

SpSigninDialog *sp_signin_dialog_new (GtkWindow        *parent,
                                      SpSyncController *controller,
                                      const char       *message);

G_END_DECLS
