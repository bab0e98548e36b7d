/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* GET /api/v1/sync/snapshot?schema=N: the first-sync snapshot for the
 * caller's roles (sp-snapshot-cache.h). */
void sp_route_snapshot_register (SpServer *server);

G_END_DECLS
