/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* Hand-off from the bots to staff (issue 4, item 5).
 *
 * Citizens (no login; the conversation id, 128 random bits, is the only
 * handle; CORS by sp-bot-cors.c):
 *   POST /api/v1/bot/handoff {"session","question","lang"}
 *        -> 201 {"conversation","state":"waiting","message"} in office
 *        hours, else 409 {"error":"closed_hours","message","next_open"}
 *   POST /api/v1/bot/callback {"question","contact","consent":true,"lang",
 *        "channel"?} -> 201 {"conversation","state","callback_hours","message"}
 *   POST /api/v1/bot/handoff/ID/messages {"text"} -> 201 {"id","state"};
 *        404 unknown, 409 {"error":"closed"} when staff closed it
 *   GET  /api/v1/bot/handoff/ID/events?after=N[&state=S]  long-poll: at
 *        once when there are messages after id N, the conversation is
 *        closed or its state differs from S; else held up to 25 s ->
 *        {"messages":[{"id","sender","text","created"}],"state"}
 *
 * Staff (Bearer token, role editor or admin):
 *   GET  /api/v1/handoff/conversations?state=waiting|active|closed|open
 *   GET  /api/v1/handoff/conversations/ID          (with "transcript")
 *   POST /api/v1/handoff/conversations/ID/messages {"text"}
 *        -> 201 {"id","state":"active"}; assigns the conversation
 *   POST /api/v1/handoff/conversations/ID/close    -> {"id","state":"closed"}
 *   GET  /api/v1/handoff/events?after=CURSOR  long-poll (25 s):
 *        {"cursor","reset","conversations":[summaries that changed]};
 *        after=0, a cursor of an earlier server run or one too old gives
 *        "reset":true and every open conversation (reload the list).
 *
 * Held requests cost no thread: the message is paused and woken when its
 * conversation changes. Conversations (and their contact data) are
 * deleted when they have been idle for the retention period (closed ones,
 * and call backs nobody took up), at start and hourly. */

#define SP_HANDOFF_RETENTION_DAYS_DEFAULT 30

void   sp_route_handoff_register          (SpServer    *server);
/* Drops every held long-poll (the server has closed the connections) so
 * that shutting down does not wait for them. */
void   sp_route_handoff_shutdown          (SpServer    *server);
/* Days closed conversations are kept (1..3650); call before
 * sp_route_handoff_register (i.e. before _sp_server_new). */
void   sp_route_handoff_set_retention_days (guint       days);

/* A call back request with consent from another channel (the voice bot):
 * stored, counted in the bot KPIs and shown in the staff inbox at once.
 * @channel "chat"|"voice", @language "de"|"en", @question may be NULL.
 * Blocking (storage): call it from a worker. Returns the conversation id. */
char  *sp_handoff_request_callback        (SpServer    *server,
                                           const char  *channel,
                                           const char  *language,
                                           const char  *question,
                                           const char  *contact,
                                           GError     **error);
/* Wakes the long-polls waiting on conversation @id and the staff inbox.
 * Any thread. */
void   sp_handoff_notify                  (SpServer    *server,
                                           const char  *id);

G_END_DECLS
