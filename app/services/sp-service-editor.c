/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-service-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-service-editor.h"

struct _SpServiceEditor
{
  SpRecordEditor  parent_instance;

  GtkScrolledWindow *scroller;
  GtkLabel       *title_label;
  GtkLabel       *state_label;
  GtkEntry       *name_entry;
  GtkEntry       *leika_entry;
  GtkTextView    *description_view;
  GtkTextView    *documents_view;
  GtkEntry       *fees_entry;
  GtkEntry       *office_entry;
  GtkEntry       *hours_entry;
  GtkEntry       *url_entry;
  GtkDropDown    *status_dropdown;
  GtkLabel       *name_error;
  GtkLabel       *leika_error;
  GtkLabel       *url_error;
};

G_DEFINE_FINAL_TYPE (SpServiceEditor, sp_service_editor, SP_TYPE_RECORD_EDITOR)

/* GtkDropDown positions of the status values. */
static const char * const status_values[] = { "draft", "published", NULL };

static void
set_string_take (JsonObject *object,
                 const char *member,
                 char       *value)
{
  json_object_set_string_member (object, member, value);
  g_free (value);
}

/* The fields as the form would save them. */
static JsonObject *
collect_fields (SpRecordEditor *editor)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (editor);
  JsonObject *fields = json_object_new ();
  g_autofree char *leika_raw = sp_form_entry_get_trimmed (self->leika_entry);
  g_autofree char *documents = sp_form_text_view_get_text (self->documents_view);
  g_auto(GStrv) lines = g_strsplit (documents, "\n", -1);
  JsonArray *docs = json_array_new ();
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  set_string_take (fields, "name", sp_form_entry_get_trimmed (self->name_entry));
  set_string_take (fields, "leika", sp_form_normalize_leika (leika_raw));
  set_string_take (fields, "description", sp_form_text_view_get_text (self->description_view));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (*line != '\0')
        json_array_add_string_element (docs, line);
    }
  json_object_set_array_member (fields, "documents", docs);

  set_string_take (fields, "fees", sp_form_entry_get_trimmed (self->fees_entry));
  set_string_take (fields, "office", sp_form_entry_get_trimmed (self->office_entry));
  set_string_take (fields, "opening_hours", sp_form_entry_get_trimmed (self->hours_entry));
  set_string_take (fields, "online_url", sp_form_entry_get_trimmed (self->url_entry));
  json_object_set_string_member (fields, "status",
                                 status < G_N_ELEMENTS (status_values) - 1 ? status_values[status] : "draft");

  return fields;
}

/* Same shape as collect_fields() from a stored row: strings for text
 * fields ("" for null), an array for documents, "draft" as default status. */
static JsonObject *
normalize_row (SpRecordEditor *editor,
               JsonObject     *row)
{
  static const char * const text_fields[] = {
    "name", "leika", "description", "fees", "office", "opening_hours", "online_url",
  };
  JsonObject *fields = json_object_new ();
  JsonArray *docs = json_array_new ();
  JsonNode *node;
  const char *status = "draft";

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      const char *value = NULL;

      if (row != NULL && (node = json_object_get_member (row, text_fields[i])) != NULL &&
          JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        value = json_node_get_string (node);
      json_object_set_string_member (fields, text_fields[i], value ? value : "");
    }

  if (row != NULL && (node = json_object_get_member (row, "documents")) != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
                json_array_add_string_element (docs, json_node_get_string (item));
            }
        }
    }
  json_object_set_array_member (fields, "documents", docs);

  if (row != NULL && (node = json_object_get_member (row, "status")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && g_strcmp0 (json_node_get_string (node), "published") == 0)
    status = "published";
  json_object_set_string_member (fields, "status", status);

  return fields;
}

static gboolean
is_web_link (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  return (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0) &&
         host != NULL && *host != '\0' && strchr (text, ' ') == NULL;
}

static const char *
check_name (JsonObject *fields)
{
  if (*json_object_get_string_member (fields, "name") == '\0')
    return _("Enter a name for the service.");
  return NULL;
}

static const char *
check_leika (JsonObject *fields)
{
  return sp_form_check_leika (json_object_get_string_member (fields, "leika"));
}

static const char *
check_url (JsonObject *fields)
{
  const char *url = json_object_get_string_member (fields, "online_url");

  if (*url == '\0' || is_web_link (url))
    return NULL;

  return _("Enter a web address starting with https:// or http://.");
}

static gboolean
validate (SpRecordEditor *editor,
          gboolean        focus)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (editor);
  g_autoptr(JsonObject) fields = collect_fields (editor);
  const char *name_msg, *leika_msg, *url_msg;

  name_msg = check_name (fields);
  leika_msg = check_leika (fields);
  url_msg = check_url (fields);

  sp_form_set_field_error (GTK_WIDGET (self->name_entry), self->name_error, name_msg);
  sp_form_set_field_error (GTK_WIDGET (self->leika_entry), self->leika_error, leika_msg);
  sp_form_set_field_error (GTK_WIDGET (self->url_entry), self->url_error, url_msg);

  if (focus)
    {
      if (name_msg)
        gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      else if (leika_msg)
        gtk_widget_grab_focus (GTK_WIDGET (self->leika_entry));
      else if (url_msg)
        gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
    }

  return name_msg == NULL && leika_msg == NULL && url_msg == NULL;
}

static void
clear_errors (SpServiceEditor *self)
{
  sp_form_set_field_error (GTK_WIDGET (self->name_entry), self->name_error, NULL);
  sp_form_set_field_error (GTK_WIDGET (self->leika_entry), self->leika_error, NULL);
  sp_form_set_field_error (GTK_WIDGET (self->url_entry), self->url_error, NULL);
}

/* Clear an error as soon as the field is fixed; new errors show on save. */
static void
edited (SpRecordEditor *editor,
        JsonObject     *now)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (editor);

  if (gtk_widget_get_visible (GTK_WIDGET (self->name_error)) && check_name (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->name_entry), self->name_error, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->leika_error)) && check_leika (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->leika_entry), self->leika_error, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->url_error)) && check_url (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->url_entry), self->url_error, NULL);
}

static void
on_field_changed (SpServiceEditor *self)
{
  sp_record_editor_changed (SP_RECORD_EDITOR (self));
}

static void
fill_form (SpRecordEditor *editor,
           JsonObject     *fields)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (editor);
  JsonArray *docs = json_object_get_array_member (fields, "documents");
  g_autoptr(GString) docs_text = g_string_new (NULL);
  gboolean published = g_strcmp0 (json_object_get_string_member (fields, "status"), "published") == 0;

  for (guint i = 0; i < json_array_get_length (docs); i++)
    {
      if (i > 0)
        g_string_append_c (docs_text, '\n');
      g_string_append (docs_text, json_array_get_string_element (docs, i));
    }

  sp_form_entry_set_text (self->name_entry, json_object_get_string_member (fields, "name"));
  sp_form_entry_set_text (self->leika_entry, json_object_get_string_member (fields, "leika"));
  sp_form_text_view_set_text (self->description_view, json_object_get_string_member (fields, "description"));
  sp_form_text_view_set_text (self->documents_view, docs_text->str);
  sp_form_entry_set_text (self->fees_entry, json_object_get_string_member (fields, "fees"));
  sp_form_entry_set_text (self->office_entry, json_object_get_string_member (fields, "office"));
  sp_form_entry_set_text (self->hours_entry, json_object_get_string_member (fields, "opening_hours"));
  sp_form_entry_set_text (self->url_entry, json_object_get_string_member (fields, "online_url"));
  gtk_drop_down_set_selected (self->status_dropdown, published ? 1 : 0);
  clear_errors (self);
}

static void
focus_first (SpRecordEditor *editor)
{
  gtk_widget_grab_focus (GTK_WIDGET (SP_SERVICE_EDITOR (editor)->name_entry));
}

static void
sp_service_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SP_TYPE_SERVICE_EDITOR);

  G_OBJECT_CLASS (sp_service_editor_parent_class)->dispose (object);
}

static void
sp_service_editor_class_init (SpServiceEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SpRecordEditorClass *editor_class = SP_RECORD_EDITOR_CLASS (klass);

  object_class->dispose = sp_service_editor_dispose;

  editor_class->entity = SP_ENTITY_SERVICE;
  editor_class->title_field = "name";
  editor_class->new_title = N_("New service");
  editor_class->untitled = N_("Untitled service");
  editor_class->saved = N_("Service saved");
  editor_class->save_failed = N_("Could not save the service: %s");
  editor_class->gone = N_("The service no longer exists");
  editor_class->deleted = N_("Service deleted");
  editor_class->delete_failed = N_("Could not delete the service: %s");
  editor_class->delete_heading = N_("Delete Service?");
  editor_class->delete_body = N_("“%s” will be removed from the catalogue and, after the next sync, from the citizen pages.");
  editor_class->delete_body_untitled = N_("The service will be removed from the catalogue and, after the next sync, from the citizen pages.");
  editor_class->normalize = normalize_row;
  editor_class->collect = collect_fields;
  editor_class->fill = fill_form;
  editor_class->validate = validate;
  editor_class->focus_first = focus_first;
  editor_class->edited = edited;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/services/sp-service-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, leika_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, documents_view);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, fees_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, office_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, hours_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, url_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, name_error);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, leika_error);
  gtk_widget_class_bind_template_child (widget_class, SpServiceEditor, url_error);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
}

static void
sp_service_editor_init (SpServiceEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->documents_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);

  sp_record_editor_setup (SP_RECORD_EDITOR (self), self->scroller, self->title_label, self->state_label);
}

GtkWidget *
sp_service_editor_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_SERVICE_EDITOR, "store", store, NULL);
}
