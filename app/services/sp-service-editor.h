/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-record-editor.h"

G_BEGIN_DECLS

/* The form for one service of the catalogue. It edits a copy of the row and
 * writes only the fields the user changed (sp_local_store_save), so that
 * concurrent edits of other fields merge cleanly. Works fully offline.
 * Loading, saving and deleting: SpRecordEditor. */

#define SP_TYPE_SERVICE_EDITOR (sp_service_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpServiceEditor, sp_service_editor, SP, SERVICE_EDITOR, SpRecordEditor)

GtkWidget *sp_service_editor_new (SpLocalStore *store);

G_END_DECLS
