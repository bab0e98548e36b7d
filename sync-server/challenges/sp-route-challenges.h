/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* Hackathon challenges:
 *   GET  /api/v1/challenges                  published and closed challenges (public)
 *   GET  /api/v1/challenges/ID               one of them with its accepted and
 *                                            winning solutions (public, no contacts)
 *   POST /api/v1/challenges/ID/solutions     a citizen's or team's solution (public,
 *                                            16 KiB, rate-limited, honeypot "website")
 *   GET  /api/v1/challenges/stats            problems posted, solutions submitted and
 *                                            accepted per challenge and year (editor)
 * The public ones answer CORS requests from any origin. Team contacts are
 * cleared (a server push, so desktops get it too) once the retention
 * period (feedback setting contact_retention_days, default 90 days) after
 * the challenge's event date, else its deadline, is over: at start and
 * hourly. */

#define SP_CHALLENGE_CONTACT_RETENTION_DAYS_DEFAULT 90

void     sp_route_challenges_register (SpServer *server);

G_END_DECLS
