/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-db.h"

G_BEGIN_DECLS

/* The training catalogue (entity "training_item", synced): the file format
 * of data/training/default-de.json and of GET /api/v1/training:
 *   [{"id","title","kind":"literature"|"course"|"tutorial"|"elearning",
 *     "competences":["1.1",..],"level":1..5,"provider","url",
 *     "starts":"YYYY-MM-DD"|"","ends":"YYYY-MM-DD"|"",
 *     "track":"mobile-app"|"","description"}]
 * Row ids are the items' "id" (e.g. "training.mobile.pwa"), so importing
 * the same file again never duplicates. */

#define SP_ENTITY_TRAINING_ITEM   "training_item"
#define SP_TRAINING_TRACK_MOBILE  "mobile-app"

/* Checks one item; SP_ERROR_INVALID naming the member. */
gboolean    sp_training_item_validate        (JsonObject  *item,
                                              GError     **error);
/* Validates a whole file (array of items, unique ids) and converts it into
 * SpChange upserts of "training_item" (no change_id/hlc: filled in by
 * sp_storage_push_as_server()). */
GPtrArray  *sp_training_catalogue_to_changes (JsonNode    *items,
                                              GError     **error);  /* SpChange */
/* All stored, not deleted items of @db (client or server schema) in the
 * file format, ordered by track, then title. */
JsonNode   *sp_training_catalogue_export_db  (SpDb        *db,
                                              GError     **error);
/* Item row -> file-format object {"id",...}. */
JsonObject *sp_training_item_to_json         (const char  *id,
                                              JsonObject  *fields);

G_END_DECLS
