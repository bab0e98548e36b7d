/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* Open311 GeoReport v2 (JSON only) on citizen feedback, so existing
 * Open311 apps can report to the city and follow their reports:
 *   GET  /open311/v2/discovery.json
 *   GET  /open311/v2/services.json          published services + "general"
 *   GET  /open311/v2/services/CODE.json     the "consent" attribute
 *   POST /open311/v2/requests.json          form-urlencoded or JSON
 *   GET  /open311/v2/requests.json          ?service_request_id=&service_code=
 *                                           &start_date=&end_date=&status=
 *   GET  /open311/v2/requests/ID.json
 * service_request_id is the feedback ticket; status open (new,
 * in_progress) or closed; status_notes is the public reply. Spam is not
 * listed; descriptions and contact data are never published. Errors come
 * as [{"code":N,"description":..}]. */
void sp_route_open311_register (SpServer *server);

G_END_DECLS
