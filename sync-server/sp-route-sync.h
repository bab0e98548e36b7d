/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* GET and POST /api/v1/sync (the sync protocol contract). */
void sp_route_sync_register (SpServer *server);

G_END_DECLS
