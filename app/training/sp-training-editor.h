/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The dialog in which trainers create or edit a training item; saving is a
 * local edit of "training_item" (it syncs). ::saved (const char *id). */

#define SP_TYPE_TRAINING_EDITOR (sp_training_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpTrainingEditor, sp_training_editor, SP, TRAINING_EDITOR, AdwWindow)

/* @id NULL: a new item. */
SpTrainingEditor *sp_training_editor_new (GtkWindow    *parent,
                                          SpLocalStore *store,
                                          const char   *id);

/* The kind enum values and their translated labels, index-aligned. */
extern const char * const sp_training_kinds[];
const char *sp_training_kind_label (const char *kind);

G_END_DECLS
