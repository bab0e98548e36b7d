/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* Citizen feedback on the city's digital services:
 *   POST /api/v1/feedback          (contract) a citizen's feedback -> 201
 *                                  {"id","ticket"}; public, rate limited
 *   GET  /api/v1/feedback/TICKET   (contract) state and public reply only
 *   GET  /api/v1/feedback/stats    editors: counts per service, state and
 *                                  ISO week, average ratings (?from=&to=)
 * with CORS for the public ones, and the contact retention job (at start
 * and hourly). Open311 is in sp-route-open311.h. */
void sp_route_feedback_register (SpServer *server);

G_END_DECLS
