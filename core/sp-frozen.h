/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-db.h"

G_BEGIN_DECLS

/* The registry's frozen rule (SpEntity.frozen_field / parent_field) checked
 * against a local database, so that a client refuses an edit the server
 * would refuse ("frozen") instead of queueing a change that can never be
 * pushed. The server enforces the same rule in its storage. */

/* TRUE if the stored row @id of @entity is frozen (itself, or through its
 * parent chain). */
gboolean sp_db_row_is_frozen (SpDb           *db,
                              const SpEntity *entity,
                              const char     *id);

/* FALSE with SP_ERROR_FROZEN if writing @fields (may be NULL, e.g. for a
 * delete) to row @id of @entity would change a frozen row or attach it to
 * a frozen parent. */
gboolean sp_db_check_frozen  (SpDb           *db,
                              const SpEntity *entity,
                              const char     *id,
                              JsonObject     *fields,
                              GError        **error);

G_END_DECLS
