/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One entity row as a GObject, the item type of SpRowListModel. */

#define SP_TYPE_ROW (sp_row_get_type ())
G_DECLARE_FINAL_TYPE (SpRow, sp_row, SP, ROW, GObject)

SpRow       *sp_row_new         (const char *entity,
                                 const char *id,
                                 gint64      version,
                                 JsonObject *fields);
const char  *sp_row_get_entity  (SpRow *self);
const char  *sp_row_get_id      (SpRow *self);
gint64       sp_row_get_version (SpRow *self);
JsonObject  *sp_row_get_fields  (SpRow *self);
/* Field as string ("" for null/missing; STRV joined by ", "). */
const char  *sp_row_get_string  (SpRow *self, const char *field);
/* TRUE while the row has local changes not yet accepted by the server. */
gboolean     sp_row_get_pending (SpRow *self);
void         sp_row_set_pending (SpRow *self, gboolean pending);

G_END_DECLS
