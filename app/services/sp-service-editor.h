/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

#define SP_TYPE_SERVICE_EDITOR (sp_service_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpServiceEditor, sp_service_editor, SP, SERVICE_EDITOR, AdwBin)

GtkWidget  *sp_service_editor_new (SpLocalStore *store);

G_END_DECLS
