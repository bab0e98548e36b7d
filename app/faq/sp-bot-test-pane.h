/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* "Ask the bot": a question entry and, as one types (debounced), the
 * ranked matches of the core matcher over the FAQ entries and services on
 * this computer (top 5: title, score, confidence as a bar) and whether the
 * bot would answer (confidence >= sp_matcher_threshold ()) or say that it
 * does not know. Works offline. The matcher index is built in a worker
 * thread and rebuilt when faq or service rows change.
 *
 * Signal ::faq-activated (const char *faq_id): a FAQ match was clicked. */

#define SP_TYPE_BOT_TEST_PANE (sp_bot_test_pane_get_type ())
G_DECLARE_FINAL_TYPE (SpBotTestPane, sp_bot_test_pane, SP, BOT_TEST_PANE, AdwBin)

GtkWidget *sp_bot_test_pane_new          (SpLocalStore  *store);
void       sp_bot_test_pane_set_store    (SpBotTestPane *self,
                                          SpLocalStore  *store);
/* Asks @text (fills the entry). */
void       sp_bot_test_pane_set_question (SpBotTestPane *self,
                                          const char    *text);
void       sp_bot_test_pane_focus        (SpBotTestPane *self);

G_END_DECLS
