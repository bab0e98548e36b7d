/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"
#include "sp-storage.h"

G_BEGIN_DECLS

/* GET and POST /api/v1/sync (the sync protocol contract). */
void     sp_route_sync_register  (SpServer           *server);

/* The answer of GET /api/v1/sync (since, limit) as JSON text:
 * {"changes":[..],"cursor":..,"more":bool}. */
GString *sp_route_sync_pull_page (SpStorage          *storage,
                                  const SpPrincipal  *principal,
                                  const char         *since,
                                  guint               limit,
                                  GError            **error);

G_END_DECLS
