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

/* Filters, all done in SQL; a row is listed when it passes every filter
 * and the search. Each setter reloads at once unless the model is frozen.
 *
 * Value filter: the field equals one of @values (for STRV fields: the list
 * holds one of them); "" also matches a missing value. NULL or an empty
 * @values removes the field's value filter. */
void            sp_row_list_model_set_filter_values (SpRowListModel     *self,
                                                     const char         *field,
                                                     const char * const *values);
/* Range filter, bounds inclusive, NULL = open (both NULL removes it).
 * INT/BOOL fields compare as numbers, text fields as text (ISO times and
 * days compare correctly as text). */
void            sp_row_list_model_set_filter_range  (SpRowListModel     *self,
                                                     const char         *field,
                                                     const char         *min,
                                                     const char         *max);
/* Removes every value and range filter and the search. */
void            sp_row_list_model_clear_filters     (SpRowListModel     *self);
/* Sort order: by @field (NULL: the order given at construction), ENUM
 * fields in the order of their values, text without case, then by row id
 * so that the order is stable. With @lookup ("entity.field", e.g.
 * "service.name") the rows sort by that field of the row whose id is in
 * @field (a name instead of an id). */
void            sp_row_list_model_set_sort          (SpRowListModel     *self,
                                                     const char         *field,
                                                     const char         *lookup,
                                                     gboolean            descending);
/* While frozen, filter and sort changes only collect; thawing reloads
 * once when something changed. */
void            sp_row_list_model_freeze            (SpRowListModel     *self);
void            sp_row_list_model_thaw              (SpRowListModel     *self);
/* Facet counts: rows per value of @field that pass all filters and the
 * search except the filter on @field itself (value -> GUINT_TO_POINTER
 * (count); a missing value counts as ""). */
GHashTable     *sp_row_list_model_count_by          (SpRowListModel     *self,
                                                     const char         *field);
/* The id of the row at @position without building the item (bulk actions
 * over a large selection), NULL when out of range or gone. */
char           *sp_row_list_model_get_id            (SpRowListModel     *self,
                                                     guint               position);

G_END_DECLS
