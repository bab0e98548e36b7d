/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"

G_BEGIN_DECLS

/* "Hand-offs" (editor/admin): the inbox of conversations the chat and
 * voice bot handed over to staff, straight from the server (they never
 * sync: a conversation's id is the citizen's secret handle).
 *
 * Sections "Waiting", "In progress" (chats with state waiting/active) and
 * "Callback requests" (kind callback: question, contact given with
 * consent, requested at; "Callback done" closes it). Selecting a chat
 * shows its messages (citizen, bot, staff) and a reply field: Enter sends,
 * Shift+Enter or Ctrl+Enter starts a new line. "Close conversation" ends
 * it for the citizen too.
 *
 * Endpoints (Bearer token from @server_func):
 *   GET  /api/v1/handoff/conversations?state=waiting|active
 *        -> [{"id","kind","channel","state","language","question",
 *             "contact","assignee","created","updated"}]
 *           (also accepted: {"conversations":[...]})
 *   GET  /api/v1/handoff/conversations/ID
 *        -> {"conversation":{...}, "messages":[{"id","sender",
 *             "staff_user","text","created"}]} (or the conversation's
 *           members and "messages" at the top level)
 *   POST /api/v1/handoff/conversations/ID/messages {"text"}
 *   POST /api/v1/handoff/conversations/ID/close
 *   GET  /api/v1/handoff/events?after=N   (long-poll, about 25 s)
 * Live updates: the page keeps one long-poll running while signed in;
 * whenever it returns with news (a higher cursor: the members "cursor",
 * "last", "next" or the highest "id" of its "events"/"messages"), the
 * lists and the open conversation are loaded again. A lost connection
 * shows a banner and retries with backoff (2 s doubling to 60 s); the UI
 * never waits for the network. A server without the events endpoint is
 * polled every 10 s instead.
 *
 * Property "badge-count" (guint): conversations waiting for someone
 * (waiting chats and open callback requests), for the sidebar. A new
 * waiting conversation while the window is not focused sends a desktop
 * notification (GNotification). */

#define SP_TYPE_HANDOFF_PAGE (sp_handoff_page_get_type ())
G_DECLARE_FINAL_TYPE (SpHandoffPage, sp_handoff_page, SP, HANDOFF_PAGE, AdwBin)

GtkWidget *sp_handoff_page_new             (SpServerAccessFunc  server_func,
                                            gpointer            user_data,
                                            GDestroyNotify      destroy);
/* Loads the lists again and (re)starts the live updates, e.g. after a
 * sign-in or when the network is back. */
void       sp_handoff_page_refresh         (SpHandoffPage      *self);
guint      sp_handoff_page_get_badge_count (SpHandoffPage      *self);

G_END_DECLS
