/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"

G_BEGIN_DECLS

/* "Questions without answer": the citizen questions the bot could not
 * answer, as the server logged them (GET /api/v1/bot/unanswered?state=open
 * through the core API client; text, how often, when last), for editors and
 * admins. Per question: "Create FAQ entry" (emits ::create-faq; the window
 * hands it to the FAQ page), "Done" and "Dismiss" (POST
 * /api/v1/bot/unanswered/ID {"state"}, with "Undo"). Offline or signed
 * out it says so and offers to try again; nothing else depends on it.
 *
 * Signal ::create-faq (const char *question, const char *id). */

#define SP_TYPE_UNANSWERED_PAGE (sp_unanswered_page_get_type ())
G_DECLARE_FINAL_TYPE (SpUnansweredPage, sp_unanswered_page, SP, UNANSWERED_PAGE, AdwBin)

GtkWidget *sp_unanswered_page_new       (SpServerAccessFunc  server_func,
                                         gpointer            user_data,
                                         GDestroyNotify      destroy);
void       sp_unanswered_page_reload    (SpUnansweredPage   *self);
/* Marks the question @id done on the server (an FAQ entry answers it). */
void       sp_unanswered_page_mark_done (SpUnansweredPage   *self,
                                         const char         *id);

G_END_DECLS
