/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* CORS for the public bot endpoints, so that the chat widget
 * (/bot/widget.js) works when a city page on another origin embeds it:
 * /api/v1/bot/ask, /api/v1/bot/status, /api/v1/bot/handoff[/...] and
 * /api/v1/bot/callback get `Access-Control-Allow-Origin: *` (they need no
 * credentials and set no cookies), and their preflight requests (OPTIONS
 * with Access-Control-Request-Method) are answered with 204 before any
 * route handler runs. Staff endpoints below /api/v1/bot/ (unanswered, kpi)
 * are left alone. */
void     sp_bot_cors_register    (SpServer   *server);

/* The same CORS answers for another group of public endpoints (e.g.
 * /api/v1/challenges/...): @is_public tells whether a path is one of
 * them. */
typedef gboolean (*SpCorsPathFunc) (const char *path);
void     sp_bot_cors_register_public (SpServer       *server,
                                      SpCorsPathFunc  is_public);

/* TRUE if @path is one of the public bot endpoints above. */
gboolean sp_bot_cors_path_is_public (const char *path);

G_END_DECLS
