/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-record-editor.h"

G_BEGIN_DECLS

/* The form for one FAQ entry of the chat and voice bot: question,
 * alternative phrasings, short spoken answer (with a character count and
 * "Read aloud" through espeak-ng when installed), full answer, keywords,
 * linked service (found among the local `service` rows; fills LeiKa key and
 * office), language, status and valid-until date. Like the service editor
 * it edits a copy and writes only the changed fields through the local
 * store (outbox, works offline). Delete removes the entry at once and offers
 * "Undo" in a toast.
 *
 * Loading, saving, deleting, actions and signals: SpRecordEditor. */

#define SP_TYPE_FAQ_EDITOR (sp_faq_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpFaqEditor, sp_faq_editor, SP, FAQ_EDITOR, SpRecordEditor)

GtkWidget  *sp_faq_editor_new             (SpLocalStore *store);
void        sp_faq_editor_set_question    (SpFaqEditor  *self,
                                           const char   *text);
void        sp_faq_editor_add_alternative (SpFaqEditor  *self,
                                           const char   *text);

G_END_DECLS
