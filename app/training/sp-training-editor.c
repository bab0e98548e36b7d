/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-training-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-training-catalogue.h"
#include "sp-form.h"
#include "sp-training-editor.h"

const char * const sp_training_kinds[] = { "course", "elearning", "tutorial", "literature", NULL };

const char *
sp_training_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "literature") == 0)
    return _("Literature");
  if (g_strcmp0 (kind, "course") == 0)
    return _("Course");
  if (g_strcmp0 (kind, "tutorial") == 0)
    return _("Tutorial");
  if (g_strcmp0 (kind, "elearning") == 0)
    return _("E-learning");
  return kind != NULL ? kind : "";
}

struct _SpTrainingEditor
{
  AdwWindow       parent_instance;

  SpLocalStore   *store;
  char           *id;

  GtkEntry       *title_entry;
  GtkDropDown    *kind_dropdown;
  GtkSpinButton  *level_spin;
  GtkEntry       *competences_entry;
  GtkEntry       *provider_entry;
  GtkEntry       *url_entry;
  GtkEntry       *starts_entry;
  GtkEntry       *ends_entry;
  GtkCheckButton *mobile_check;
  GtkTextView    *description_view;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (SpTrainingEditor, sp_training_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
entry_text (GtkEntry *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static void
show_error (SpTrainingEditor *self,
            const char       *message,
            GtkWidget        *focus)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static gboolean
valid_code (const char *code)
{
  if (*code == '\0' || strlen (code) > 16)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpTrainingEditor *self = SP_TRAINING_EDITOR (widget);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *title = g_strstrip (g_strdup (entry_text (self->title_entry)));
  g_autofree char *provider = g_strstrip (g_strdup (entry_text (self->provider_entry)));
  g_autofree char *url = g_strstrip (g_strdup (entry_text (self->url_entry)));
  g_autofree char *starts = g_strstrip (g_strdup (entry_text (self->starts_entry)));
  g_autofree char *ends = g_strstrip (g_strdup (entry_text (self->ends_entry)));
  g_autofree char *description = NULL;
  g_autofree char *id = NULL;
  JsonArray *competences = json_array_new ();
  GtkTextIter start, end;
  GtkTextBuffer *buffer;
  guint kind;

  json_object_set_array_member (fields, "competences", competences);

  if (*title == '\0')
    {
      show_error (self, _("Enter a title."), GTK_WIDGET (self->title_entry));
      return;
    }
  parts = g_strsplit_set (entry_text (self->competences_entry), ",; ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (!valid_code (parts[i]))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a competence code such as 1.1 or 5.3."), parts[i]);
          show_error (self, message, GTK_WIDGET (self->competences_entry));
          return;
        }
      json_array_add_string_element (competences, parts[i]);
    }
  if (*url != '\0' && !g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://"))
    {
      show_error (self, _("The link must start with https:// or http://."), GTK_WIDGET (self->url_entry));
      return;
    }
  if (!sp_form_valid_date (starts))
    {
      show_error (self, _("Enter the start as a date like 2026-03-31, or leave it empty."), GTK_WIDGET (self->starts_entry));
      return;
    }
  if (!sp_form_valid_date (ends))
    {
      show_error (self, _("Enter the end as a date like 2026-03-31, or leave it empty."), GTK_WIDGET (self->ends_entry));
      return;
    }
  if (*starts != '\0' && *ends != '\0' && strcmp (ends, starts) < 0)
    {
      show_error (self, _("The end lies before the start."), GTK_WIDGET (self->ends_entry));
      return;
    }

  buffer = gtk_text_view_get_buffer (self->description_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  kind = gtk_drop_down_get_selected (self->kind_dropdown);
  if (kind >= g_strv_length ((char **) sp_training_kinds))
    kind = 0;

  json_object_set_string_member (fields, "title", title);
  json_object_set_string_member (fields, "kind", sp_training_kinds[kind]);
  json_object_set_int_member (fields, "level", gtk_spin_button_get_value_as_int (self->level_spin));
  json_object_set_string_member (fields, "provider", provider);
  json_object_set_string_member (fields, "url", url);
  json_object_set_string_member (fields, "starts", starts);
  json_object_set_string_member (fields, "ends", ends);
  json_object_set_string_member (fields, "track",
                                 gtk_check_button_get_active (self->mobile_check) ? SP_TRAINING_TRACK_MOBILE : "");
  json_object_set_string_member (fields, "description", description);

  id = sp_local_store_save (self->store, SP_ENTITY_TRAINING_ITEM, self->id, fields, &error);
  if (id == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot save: %s"), error->message);
      show_error (self, message, NULL);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
load (SpTrainingEditor *self)
{
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *fields;
  JsonNode *node;

  gtk_window_set_title (GTK_WINDOW (self), self->id ? _("Edit Training Item") : _("New Training Item"));
  if (self->id == NULL)
    return;

  row = sp_local_store_get (self->store, SP_ENTITY_TRAINING_ITEM, self->id, &error);
  if (row == NULL)
    return;
  fields = row->fields;

#define SET_ENTRY(entry, name) \
  gtk_editable_set_text (GTK_EDITABLE (self->entry), \
                         json_object_get_string_member_with_default (fields, name, "") ?: "")

  SET_ENTRY (title_entry, "title");
  SET_ENTRY (provider_entry, "provider");
  SET_ENTRY (url_entry, "url");
  SET_ENTRY (starts_entry, "starts");
  SET_ENTRY (ends_entry, "ends");
#undef SET_ENTRY

  for (guint i = 0; sp_training_kinds[i] != NULL; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (fields, "kind", ""), sp_training_kinds[i]) == 0)
      gtk_drop_down_set_selected (self->kind_dropdown, i);
  node = json_object_get_member (fields, "level");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    gtk_spin_button_set_value (self->level_spin, json_node_get_int (node));
  node = json_object_get_member (fields, "competences");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (array, i));
      gtk_editable_set_text (GTK_EDITABLE (self->competences_entry), text->str);
    }
  gtk_check_button_set_active (self->mobile_check,
                               g_strcmp0 (json_object_get_string_member_with_default (fields, "track", ""),
                                          SP_TRAINING_TRACK_MOBILE) == 0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            json_object_get_string_member_with_default (fields, "description", "") ?: "", -1);
}

static void
sp_training_editor_dispose (GObject *object)
{
  SpTrainingEditor *self = SP_TRAINING_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_TRAINING_EDITOR);
  g_clear_object (&self->store);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (sp_training_editor_parent_class)->dispose (object);
}

static void
sp_training_editor_class_init (SpTrainingEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_training_editor_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/training/sp-training-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, title_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, level_spin);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, competences_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, provider_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, url_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, starts_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, ends_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, mobile_check);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingEditor, error_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sp_training_editor_init (SpTrainingEditor *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; sp_training_kinds[i] != NULL; i++)
    gtk_string_list_append (kinds, sp_training_kind_label (sp_training_kinds[i]));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
}

SpTrainingEditor *
sp_training_editor_new (GtkWindow    *parent,
                        SpLocalStore *store,
                        const char   *id)
{
  SpTrainingEditor *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_TRAINING_EDITOR,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  self->id = g_strdup (id);
  load (self);
  return self;
}
