/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-form"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sp-form.h"

char *
sp_form_entry_get_trimmed (GtkEntry *entry)
{
  g_return_val_if_fail (GTK_IS_ENTRY (entry), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

void
sp_form_entry_set_text (GtkEntry   *entry,
                        const char *text)
{
  g_return_if_fail (GTK_IS_ENTRY (entry));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
}

char *
sp_form_text_view_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  buffer = gtk_text_view_get_buffer (view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
sp_form_text_view_set_text (GtkTextView *view,
                            const char  *text)
{
  g_autofree char *current = NULL;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  current = sp_form_text_view_get_text (view);
  if (g_strcmp0 (current, text) != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

void
sp_form_set_field_error (GtkWidget  *widget,
                         GtkLabel   *error_label,
                         const char *message)
{
  gboolean invalid = message != NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (GTK_IS_LABEL (error_label));

  gtk_label_set_text (error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (error_label), invalid);

  if (invalid)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  else
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

JsonObject *
sp_form_read_fields (SpLocalStore *store,
                     const char   *entity,
                     const char   *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpDbRow) row = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (entity != NULL && id != NULL, NULL);

  row = sp_local_store_get (store, entity, id, &error);
  if (error != NULL)
    g_warning ("Could not read %s %s: %s", entity, id, error->message);
  if (row == NULL || row->deleted)
    return NULL;
  return json_object_ref (row->fields);
}

static char *
node_to_string (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("null");
  return json_to_string (node, FALSE);
}

JsonObject *
sp_form_diff_fields (JsonObject *before,
                     JsonObject *now)
{
  JsonObject *changes = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (now != NULL, changes);

  json_object_iter_init (&iter, now);
  while (json_object_iter_next (&iter, &name, &node))
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      if (before != NULL)
        {
          a = node_to_string (json_object_get_member (before, name));
          b = node_to_string (node);
        }
      if (before == NULL || g_strcmp0 (a, b) != 0)
        json_object_set_member (changes, name, json_node_copy (node));
    }

  return changes;
}

gboolean
sp_form_valid_date (const char *text)
{
  int y, m, d;
  char tail;

  g_return_val_if_fail (text != NULL, FALSE);

  if (*text == '\0')
    return TRUE;
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  return g_date_valid_dmy (d, m, y);
}

#define LEIKA_DIGITS 14

char *
sp_form_normalize_leika (const char *text)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (s, *p);

  return g_string_free (s, FALSE);
}

const char *
sp_form_check_leika (const char *leika)
{
  guint n = 0;

  g_return_val_if_fail (leika != NULL, NULL);

  if (*leika == '\0')
    return NULL;

  for (const char *p = leika; *p; p++, n++)
    if (!g_ascii_isdigit (*p))
      return _("A LeiKa key consists of 14 digits, for example 99050012261000.");

  if (n != LEIKA_DIGITS)
    return _("A LeiKa key consists of 14 digits, for example 99050012261000.");

  return NULL;
}

void
sp_form_ask_discard (GtkWidget  *widget,
                     const char *body,
                     GCallback   callback,
                     gpointer    user_data)
{
  GtkRoot *root;
  AdwMessageDialog *dialog;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Discard Changes?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard Changes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect (dialog, "response", callback, user_data);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
sp_form_add_toast (GtkWidget *widget,
                   AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_message ("%s", adw_toast_get_title (toast));
      g_object_unref (toast);
      return;
    }

  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
sp_form_show_toast (GtkWidget  *widget,
                    const char *title)
{
  sp_form_add_toast (widget, adw_toast_new (title));
}
