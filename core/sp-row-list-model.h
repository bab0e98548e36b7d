/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

#include "sp-local-store.h"
#include "sp-row.h"

G_BEGIN_DECLS

/* A GListModel of SpRow over one entity table of an SpLocalStore, for
 * GtkListView/GtkColumnView with 100 000+ rows: it keeps only the ordered
 * list of row ids (one query) and builds SpRow items on demand, caching a
 * window of them. Search text filters through the entity's FTS5 table
 * "<entity>_fts" when the schema has one, else LIKE over text fields.
 * Reloads (items-changed) when the store emits ::changed for its entity. */

#define SP_TYPE_ROW_LIST_MODEL (sp_row_list_model_get_type ())
G_DECLARE_FINAL_TYPE (SpRowListModel, sp_row_list_model, SP, ROW_LIST_MODEL, GObject)

SpRowListModel *sp_row_list_model_new         (SpLocalStore   *store,
                                               const char     *entity,
                                               const char     *order_field);
void            sp_row_list_model_set_search  (SpRowListModel *self,
                                               const char     *text);
const char     *sp_row_list_model_get_search  (SpRowListModel *self);
/* Position of the row with @id, or -1. */
int             sp_row_list_model_find        (SpRowListModel *self,
                                               const char     *id);
void            sp_row_list_model_reload      (SpRowListModel *self);

G_END_DECLS
