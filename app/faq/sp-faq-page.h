/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* "FAQ & Bot": the bot's FAQ entries as a searchable list (full-text
 * search over faq_fts like the service list; filters by status, including
 * expired entries, and language), the entry editor and the "ask the bot"
 * test pane beside it (a flap that folds over the editor on narrow
 * windows). Everyone can read; editing needs the editor or admin role
 * (sp_faq_page_set_roles()). Works offline.
 *
 * Unsaved valid edits are saved when leaving an entry, invalid ones ask
 * first, as in the service catalogue.
 *
 * Signal ::question-answered (const char *unanswered_id): a question taken
 * over with sp_faq_page_take_question() was saved as a new entry or as an
 * alternative phrasing of an existing one. */

#define SP_TYPE_FAQ_PAGE (sp_faq_page_get_type ())
G_DECLARE_FINAL_TYPE (SpFaqPage, sp_faq_page, SP, FAQ_PAGE, AdwBin)

GtkWidget *sp_faq_page_new           (SpLocalStore       *store);
void       sp_faq_page_set_roles     (SpFaqPage          *self,
                                      const char * const *roles);
/* An unanswered citizen question (@unanswered_id: the server's id, or
 * NULL): opens a new entry with it as the question and asks the test pane,
 * whose matches, when clicked, add it as an alternative phrasing of that
 * entry instead. */
void       sp_faq_page_take_question (SpFaqPage          *self,
                                      const char         *question,
                                      const char         *unanswered_id);

G_END_DECLS
