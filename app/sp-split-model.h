/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* GTK 4.8's list item manager, when one items-changed both removes a
 * tracked row (selection, focus) and adds rows, looks for the tracked item
 * among all added items: g_list_model_get_item() on every one of them, i.e.
 * 100 000 SQLite reads after a reload of the whole list. SpSplitModel passes
 * a model through but splits each replacement into "remove" then "add", so
 * the views only touch the rows they show.
 *
 * Between the two halves sp_split_model_in_split() is TRUE: handlers of
 * ::items-changed wait for the second half. */

#define SP_TYPE_SPLIT_MODEL (sp_split_model_get_type ())
G_DECLARE_FINAL_TYPE (SpSplitModel, sp_split_model, SP, SPLIT_MODEL, GObject)

SpSplitModel *sp_split_model_new      (GListModel   *model);
gboolean      sp_split_model_in_split (SpSplitModel *self);

G_END_DECLS
