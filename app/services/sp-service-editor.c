/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-service-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-service-editor.h"

struct _SpServiceEditor
{
  AdwBin          parent_instance;

  SpLocalStore   *store;
  char           *row_id;     /* NULL: a new service not saved yet */
  JsonObject     *loaded;     /* normalized fields as last loaded */
  guint           loading : 1;
  guint           dirty : 1;

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

G_DEFINE_FINAL_TYPE (SpServiceEditor, sp_service_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ROW_ID,
  PROP_DIRTY,
  N_PROPS
};

enum {
  SAVED,
  DELETED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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
collect_fields (SpServiceEditor *self)
{
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
normalize_row (JsonObject *row)
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

gboolean
sp_service_editor_validate (SpServiceEditor *self,
                            gboolean         focus)
{
  g_autoptr(JsonObject) fields = NULL;
  const char *name_msg, *leika_msg, *url_msg;

  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), FALSE);

  fields = collect_fields (self);
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

static void
update_header (SpServiceEditor *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autofree char *trimmed = g_strstrip (g_strdup (name));

  if (*trimmed != '\0')
    gtk_label_set_text (self->title_label, trimmed);
  else if (self->row_id == NULL)
    gtk_label_set_text (self->title_label, _("New service"));
  else
    gtk_label_set_text (self->title_label, _("Untitled service"));

  if (self->dirty)
    gtk_label_set_text (self->state_label, _("Unsaved changes"));
  else if (self->row_id == NULL)
    gtk_label_set_text (self->state_label, _("Not saved yet"));
  else if (self->store != NULL &&
           sp_local_store_is_pending (self->store, SP_ENTITY_SERVICE, self->row_id))
    gtk_label_set_text (self->state_label, _("Saved on this computer, not yet synced"));
  else
    gtk_label_set_text (self->state_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label),
                          *gtk_label_get_text (self->state_label) != '\0');
}

static void
update_actions (SpServiceEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 self->dirty || self->row_id == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.revert", self->dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete", self->row_id != NULL);
}

static void
set_dirty (SpServiceEditor *self,
           gboolean         dirty)
{
  dirty = !!dirty;
  if (self->dirty != dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  update_header (self);
  update_actions (self);
}

static void
on_field_changed (SpServiceEditor *self)
{
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;

  if (self->loading)
    return;

  now = collect_fields (self);
  changes = sp_form_diff_fields (self->loaded, now);
  set_dirty (self, json_object_get_size (changes) > 0);

  /* Clear an error as soon as the field is fixed; new errors show on save. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->name_error)) && check_name (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->name_entry), self->name_error, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->leika_error)) && check_leika (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->leika_entry), self->leika_error, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->url_error)) && check_url (now) == NULL)
    sp_form_set_field_error (GTK_WIDGET (self->url_entry), self->url_error, NULL);
}

static void
fill_form (SpServiceEditor *self,
           JsonObject      *fields)
{
  JsonArray *docs = json_object_get_array_member (fields, "documents");
  g_autoptr(GString) docs_text = g_string_new (NULL);
  gboolean published = g_strcmp0 (json_object_get_string_member (fields, "status"), "published") == 0;

  for (guint i = 0; i < json_array_get_length (docs); i++)
    {
      if (i > 0)
        g_string_append_c (docs_text, '\n');
      g_string_append (docs_text, json_array_get_string_element (docs, i));
    }

  self->loading = TRUE;
  sp_form_entry_set_text (self->name_entry, json_object_get_string_member (fields, "name"));
  sp_form_entry_set_text (self->leika_entry, json_object_get_string_member (fields, "leika"));
  sp_form_text_view_set_text (self->description_view, json_object_get_string_member (fields, "description"));
  sp_form_text_view_set_text (self->documents_view, docs_text->str);
  sp_form_entry_set_text (self->fees_entry, json_object_get_string_member (fields, "fees"));
  sp_form_entry_set_text (self->office_entry, json_object_get_string_member (fields, "office"));
  sp_form_entry_set_text (self->hours_entry, json_object_get_string_member (fields, "opening_hours"));
  sp_form_entry_set_text (self->url_entry, json_object_get_string_member (fields, "online_url"));
  gtk_drop_down_set_selected (self->status_dropdown, published ? 1 : 0);
  self->loading = FALSE;

  clear_errors (self);
}

/* Reads @id from the store into self->loaded; FALSE when missing/deleted. */
static gboolean
read_row (SpServiceEditor *self,
          const char      *id,
          JsonObject     **out_fields)
{
  g_autoptr(JsonObject) row = sp_form_read_fields (self->store, SP_ENTITY_SERVICE, id);

  *out_fields = row != NULL ? normalize_row (row) : NULL;
  return row != NULL;
}

static void
set_row_id (SpServiceEditor *self,
            const char      *id)
{
  if (g_strcmp0 (self->row_id, id) == 0)
    return;

  g_free (self->row_id);
  self->row_id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_ID]);
}

gboolean
sp_service_editor_load (SpServiceEditor *self,
                        const char      *id)
{
  g_autoptr(JsonObject) fields = NULL;
  gboolean found = TRUE;

  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  if (id != NULL && !read_row (self, id, &fields))
    {
      found = FALSE;
      id = NULL;
    }

  if (fields == NULL)
    fields = normalize_row (NULL);

  set_row_id (self, id);
  g_clear_pointer (&self->loaded, json_object_unref);
  self->loaded = json_object_ref (fields);
  fill_form (self, fields);
  set_dirty (self, FALSE);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  return found;
}

gboolean
sp_service_editor_refresh (SpServiceEditor *self)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) changes = NULL;

  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), FALSE);

  if (self->row_id == NULL)
    return TRUE;

  if (!read_row (self, self->row_id, &fields))
    return FALSE;

  /* The pending mark may have changed with a sync. */
  update_header (self);

  if (self->dirty)
    return TRUE;

  changes = sp_form_diff_fields (self->loaded, fields);
  if (json_object_get_size (changes) == 0)
    return TRUE;

  g_clear_pointer (&self->loaded, json_object_unref);
  self->loaded = json_object_ref (fields);
  fill_form (self, fields);
  set_dirty (self, FALSE);

  return TRUE;
}

gboolean
sp_service_editor_save (SpServiceEditor *self)
{
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  JsonObject *fields = NULL;

  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), FALSE);

  if (!sp_service_editor_validate (self, TRUE))
    return FALSE;

  now = collect_fields (self);
  changes = sp_form_diff_fields (self->row_id ? self->loaded : NULL, now);

  if (self->row_id != NULL && json_object_get_size (changes) == 0)
    {
      set_dirty (self, FALSE);
      return TRUE;
    }

  id = sp_local_store_save (self->store, SP_ENTITY_SERVICE, self->row_id, changes, &error);
  if (id == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not save the service: %s"), error->message);
      g_warning ("%s", msg);
      sp_form_show_toast (GTK_WIDGET (self), msg);
      return FALSE;
    }

  set_row_id (self, id);
  if (!read_row (self, id, &fields))
    fields = json_object_ref (now);
  g_clear_pointer (&self->loaded, json_object_unref);
  self->loaded = fields;

  /* Keep what the user sees (e.g. the typed LeiKa spacing is normalized). */
  fill_form (self, fields);
  set_dirty (self, FALSE);

  sp_form_show_toast (GTK_WIDGET (self), _("Service saved"));
  g_signal_emit (self, signals[SAVED], 0, id);

  return TRUE;
}

void
sp_service_editor_revert (SpServiceEditor *self)
{
  g_autofree char *id = NULL;

  g_return_if_fail (SP_IS_SERVICE_EDITOR (self));

  id = g_strdup (self->row_id);
  if (!sp_service_editor_load (self, id) && id != NULL)
    sp_form_show_toast (GTK_WIDGET (self), _("The service no longer exists"));
}

void
sp_service_editor_focus_name (SpServiceEditor *self)
{
  g_return_if_fail (SP_IS_SERVICE_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

const char *
sp_service_editor_get_row_id (SpServiceEditor *self)
{
  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), NULL);

  return self->row_id;
}

gboolean
sp_service_editor_get_dirty (SpServiceEditor *self)
{
  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), FALSE);

  return self->dirty;
}

SpLocalStore *
sp_service_editor_get_store (SpServiceEditor *self)
{
  g_return_val_if_fail (SP_IS_SERVICE_EDITOR (self), NULL);

  return self->store;
}

void
sp_service_editor_set_store (SpServiceEditor *self,
                             SpLocalStore    *store)
{
  g_return_if_fail (SP_IS_SERVICE_EDITOR (self));
  g_return_if_fail (!store || SP_IS_LOCAL_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(SpServiceEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "delete") != 0 || self->row_id == NULL || self->store == NULL)
    return;

  id = g_strdup (self->row_id);
  if (!sp_local_store_delete (self->store, SP_ENTITY_SERVICE, id, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not delete the service: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self), msg);
      return;
    }

  sp_service_editor_load (self, NULL);
  sp_form_show_toast (GTK_WIDGET (self), _("Service deleted"));
  g_signal_emit (self, signals[DELETED], 0, id);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *name = json_object_get_string_member_with_default (self->loaded, "name", "");
  AdwMessageDialog *dialog;

  if (self->row_id == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Delete Service?"), NULL));
  if (*name != '\0')
    adw_message_dialog_format_body (dialog,
                                    _("“%s” will be removed from the catalogue and, after the next sync, from the citizen pages."),
                                    name);
  else
    adw_message_dialog_set_body (dialog,
                                 _("The service will be removed from the catalogue and, after the next sync, from the citizen pages."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_service_editor_save (SP_SERVICE_EDITOR (widget));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sp_service_editor_revert (SP_SERVICE_EDITOR (widget));
}

static void
sp_service_editor_dispose (GObject *object)
{
  SpServiceEditor *self = (SpServiceEditor *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SERVICE_EDITOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_service_editor_parent_class)->dispose (object);
}

static void
sp_service_editor_finalize (GObject *object)
{
  SpServiceEditor *self = (SpServiceEditor *) object;

  g_clear_pointer (&self->row_id, g_free);
  g_clear_pointer (&self->loaded, json_object_unref);

  G_OBJECT_CLASS (sp_service_editor_parent_class)->finalize (object);
}

static void
sp_service_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ROW_ID:
      g_value_set_string (value, self->row_id);
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_service_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SpServiceEditor *self = SP_SERVICE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sp_service_editor_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_service_editor_class_init (SpServiceEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_service_editor_dispose;
  object_class->finalize = sp_service_editor_finalize;
  object_class->get_property = sp_service_editor_get_property;
  object_class->set_property = sp_service_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROW_ID] =
    g_param_spec_string ("row-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpServiceEditor::saved:
   * @id: the id of the saved row
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * SpServiceEditor::deleted:
   * @id: the id of the deleted row
   */
  signals[DELETED] =
    g_signal_new ("deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

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

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
}

static void
sp_service_editor_init (SpServiceEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->documents_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);

  self->loaded = normalize_row (NULL);
  fill_form (self, self->loaded);
  set_dirty (self, FALSE);
}

GtkWidget *
sp_service_editor_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_SERVICE_EDITOR,
                       "store", store,
                       NULL);
}
