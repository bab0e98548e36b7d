/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* Small pieces every editor form of the desktop shares: reading and
 * writing entries and text views without moving the cursor, inline field
 * errors that screen readers hear, the change set between the loaded and
 * the edited fields, dates, and toasts on the window's overlay. */

/* The entry's text without leading and trailing white space (new string). */
char       *sp_form_entry_get_trimmed    (GtkEntry    *entry);
/* Sets @text unless the entry already shows it (keeps the cursor). */
void        sp_form_entry_set_text       (GtkEntry    *entry,
                                          const char  *text);
char       *sp_form_text_view_get_text   (GtkTextView *view);
void        sp_form_text_view_set_text   (GtkTextView *view,
                                          const char  *text);

/* Shows @message (NULL: clears) in @error_label below @widget, marks
 * @widget invalid (style class "error", ARIA invalid + description). */
void        sp_form_set_field_error      (GtkWidget   *widget,
                                          GtkLabel    *error_label,
                                          const char  *message);

/* The fields of the row @id of @entity in @store, NULL when it is missing
 * or deleted (a read error is logged). */
JsonObject *sp_form_read_fields          (SpLocalStore *store,
                                          const char   *entity,
                                          const char   *id);

/* Members of @now that differ from @before (all of them without @before). */
JsonObject *sp_form_diff_fields          (JsonObject  *before,
                                          JsonObject  *now);

/* TRUE for "" and for a real calendar date written YYYY-MM-DD. */
gboolean    sp_form_valid_date           (const char  *text);

/* LeiKa keys are often written in groups ("99 050 012 261 000"): the
 * digits without spaces (new string). */
char       *sp_form_normalize_leika      (const char  *text);
/* NULL for "" and a valid (normalized) LeiKa key, else the error message. */
const char *sp_form_check_leika          (const char  *leika);

/* Asks whether to discard edits that cannot be saved (@body says why):
 * an AdwMessageDialog on @widget's window with the responses "keep"
 * (default) and "discard"; @callback gets the AdwMessageDialog::response. */
void        sp_form_ask_discard          (GtkWidget   *widget,
                                          const char  *body,
                                          GCallback    callback,
                                          gpointer     user_data);

/* Adds @toast (consumed) to the window's toast overlay above @widget, so
 * that the toasts of all pages queue up together; logs it without one. */
void        sp_form_add_toast            (GtkWidget   *widget,
                                          AdwToast    *toast);
void        sp_form_show_toast           (GtkWidget   *widget,
                                          const char  *title);

G_END_DECLS
