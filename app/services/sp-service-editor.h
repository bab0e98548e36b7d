/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The form for one service of the catalogue. It edits a copy of the row and
 * writes only the fields the user changed (sp_local_store_save), so that
 * concurrent edits of other fields merge cleanly. Works fully offline.
 *
 * Actions: editor.save, editor.revert, editor.delete. */

#define SP_TYPE_SERVICE_EDITOR (sp_service_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpServiceEditor, sp_service_editor, SP, SERVICE_EDITOR, AdwBin)

GtkWidget    *sp_service_editor_new          (SpLocalStore    *store);
SpLocalStore *sp_service_editor_get_store    (SpServiceEditor *self);
void          sp_service_editor_set_store    (SpServiceEditor *self,
                                              SpLocalStore    *store);
/* Loads the row @id, or an empty new service for NULL. Returns FALSE when
 * the row does not exist (any more); the editor is then empty. */
gboolean      sp_service_editor_load         (SpServiceEditor *self,
                                              const char      *id);
/* Re-reads the current row after a sync unless there are unsaved changes.
 * Returns FALSE when the row is gone. */
gboolean      sp_service_editor_refresh      (SpServiceEditor *self);
/* NULL while editing a new, unsaved service. */
const char   *sp_service_editor_get_row_id   (SpServiceEditor *self);
gboolean      sp_service_editor_get_dirty    (SpServiceEditor *self);
/* Shows inline errors; with @focus the first invalid field gets focus. */
gboolean      sp_service_editor_validate     (SpServiceEditor *self,
                                              gboolean         focus);
/* Validates and saves; emits ::saved. */
gboolean      sp_service_editor_save         (SpServiceEditor *self);
void          sp_service_editor_revert       (SpServiceEditor *self);
void          sp_service_editor_focus_name   (SpServiceEditor *self);

G_END_DECLS
