/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

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
 * Actions: faq-editor.save, faq-editor.revert, faq-editor.delete.
 * Signals: ::saved (const char *id), ::deleted (const char *id). */

#define SP_TYPE_FAQ_EDITOR (sp_faq_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpFaqEditor, sp_faq_editor, SP, FAQ_EDITOR, AdwBin)

GtkWidget  *sp_faq_editor_new             (SpLocalStore *store);
void        sp_faq_editor_set_store       (SpFaqEditor  *self,
                                           SpLocalStore *store);
/* Loads the row @id, or an empty new entry for NULL. FALSE when the row
 * does not exist (any more); the editor is then empty. */
gboolean    sp_faq_editor_load            (SpFaqEditor  *self,
                                           const char   *id);
/* Re-reads the row after a sync unless there are unsaved changes; FALSE
 * when the row is gone. */
gboolean    sp_faq_editor_refresh         (SpFaqEditor  *self);
const char *sp_faq_editor_get_row_id      (SpFaqEditor  *self);
gboolean    sp_faq_editor_get_dirty       (SpFaqEditor  *self);
gboolean    sp_faq_editor_validate        (SpFaqEditor  *self,
                                           gboolean      focus);
gboolean    sp_faq_editor_save            (SpFaqEditor  *self);
void        sp_faq_editor_revert          (SpFaqEditor  *self);
void        sp_faq_editor_focus_question  (SpFaqEditor  *self);
/* Read-only for users who may not edit FAQ content. */
void        sp_faq_editor_set_editable    (SpFaqEditor  *self,
                                           gboolean      editable);
/* Prefills (an unanswered question): the question of a new entry, or one
 * more alternative phrasing of the loaded one. Leaves the edit unsaved. */
void        sp_faq_editor_set_question    (SpFaqEditor  *self,
                                           const char   *text);
void        sp_faq_editor_add_alternative (SpFaqEditor  *self,
                                           const char   *text);

G_END_DECLS
