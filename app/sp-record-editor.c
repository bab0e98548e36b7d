/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-record-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-record-editor.h"

typedef struct
{
  SpLocalStore      *store;
  char              *row_id;     /* NULL: a new record not saved yet */
  JsonObject        *loaded;     /* normalized fields as last loaded */
  gboolean           dirty;
  gboolean           editable;
  gboolean           filling;

  GtkScrolledWindow *scroller;
  GtkLabel          *title_label;
  GtkLabel          *state_label;
} SpRecordEditorPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SpRecordEditor, sp_record_editor, ADW_TYPE_BIN)

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

#define PRIV(self) ((SpRecordEditorPrivate *) sp_record_editor_get_instance_private (self))
#define CLASS(self) SP_RECORD_EDITOR_GET_CLASS (self)

/* -- state ------------------------------------------------------------------------------ */

static void
update_header (SpRecordEditor *self)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  SpRecordEditorClass *klass = CLASS (self);
  g_autoptr(JsonObject) now = NULL;
  g_autofree char *title = NULL;
  const char *state = "";

  if (priv->title_label == NULL)
    return;

  now = klass->collect (self);
  title = g_strstrip (g_strdup (sp_json_get_string_or (now, klass->title_field, "")));

  gtk_label_set_text (priv->title_label,
                      *title != '\0' ? title
                      : priv->row_id == NULL ? _(klass->new_title) : _(klass->untitled));

  if (!priv->editable)
    state = klass->read_only != NULL ? _(klass->read_only) : "";
  else if (priv->dirty)
    state = _("Unsaved changes");
  else if (priv->row_id == NULL)
    state = _("Not saved yet");
  else if (priv->store != NULL &&
           sp_local_store_is_pending (priv->store, klass->entity, priv->row_id))
    state = _("Saved on this computer, not yet synced");
  gtk_label_set_text (priv->state_label, state);
  gtk_widget_set_visible (GTK_WIDGET (priv->state_label), *state != '\0');
}

static void
update_state (SpRecordEditor *self)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  GtkWidget *widget = GTK_WIDGET (self);

  update_header (self);
  gtk_widget_action_set_enabled (widget, "editor.save",
                                 priv->editable && (priv->dirty || priv->row_id == NULL));
  gtk_widget_action_set_enabled (widget, "editor.revert", priv->editable && priv->dirty);
  gtk_widget_action_set_enabled (widget, "editor.delete", priv->editable && priv->row_id != NULL);
  if (CLASS (self)->state_changed != NULL)
    CLASS (self)->state_changed (self);
}

static void
set_dirty (SpRecordEditor *self,
           gboolean        dirty)
{
  SpRecordEditorPrivate *priv = PRIV (self);

  dirty = !!dirty;
  if (priv->dirty != dirty)
    {
      priv->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  update_state (self);
}

static void
set_row_id (SpRecordEditor *self,
            const char     *id)
{
  SpRecordEditorPrivate *priv = PRIV (self);

  if (g_strcmp0 (priv->row_id, id) == 0)
    return;
  g_free (priv->row_id);
  priv->row_id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_ID]);
}

static void
set_loaded (SpRecordEditor *self,
            JsonObject     *fields)
{
  SpRecordEditorPrivate *priv = PRIV (self);

  g_clear_pointer (&priv->loaded, json_object_unref);
  priv->loaded = json_object_ref (fields);
  priv->filling = TRUE;
  CLASS (self)->fill (self, fields);
  priv->filling = FALSE;
  set_dirty (self, FALSE);
}

/* The stored row @id as the form's fields; NULL when missing or deleted. */
static JsonObject *
read_fields (SpRecordEditor *self,
             const char     *id)
{
  g_autoptr(JsonObject) row = sp_form_read_fields (PRIV (self)->store, CLASS (self)->entity, id);

  return row != NULL ? CLASS (self)->normalize (self, row) : NULL;
}

static void
show_error_toast (SpRecordEditor *self,
                  const char     *format,
                  const GError   *error)
{
  g_autofree char *message = g_strdup_printf (_(format), error->message);

  g_warning ("%s", message);
  sp_form_show_toast (GTK_WIDGET (self), message);
}

void
sp_record_editor_setup (SpRecordEditor    *self,
                        GtkScrolledWindow *scroller,
                        GtkLabel          *title_label,
                        GtkLabel          *state_label)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  g_autoptr(JsonObject) fields = NULL;

  g_return_if_fail (SP_IS_RECORD_EDITOR (self));

  priv->scroller = scroller;
  priv->title_label = title_label;
  priv->state_label = state_label;
  fields = CLASS (self)->normalize (self, NULL);
  set_loaded (self, fields);
}

void
sp_record_editor_changed (SpRecordEditor *self)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;

  g_return_if_fail (SP_IS_RECORD_EDITOR (self));

  if (priv->filling || priv->loaded == NULL)
    return;

  now = CLASS (self)->collect (self);
  changes = sp_form_diff_fields (priv->loaded, now);
  set_dirty (self, json_object_get_size (changes) > 0);
  if (CLASS (self)->edited != NULL)
    CLASS (self)->edited (self, now);
}

/* -- loading and saving ------------------------------------------------------------------ */

gboolean
sp_record_editor_load (SpRecordEditor *self,
                       const char     *id)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  g_autoptr(JsonObject) fields = NULL;
  gboolean found = TRUE;

  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);
  g_return_val_if_fail (priv->store != NULL, FALSE);

  if (id != NULL && (fields = read_fields (self, id)) == NULL)
    {
      found = FALSE;
      id = NULL;
    }
  if (fields == NULL)
    fields = CLASS (self)->normalize (self, NULL);

  set_row_id (self, id);
  set_loaded (self, fields);
  if (priv->scroller != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (priv->scroller), 0);
  return found;
}

gboolean
sp_record_editor_refresh (SpRecordEditor *self)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) changes = NULL;

  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  if (priv->row_id == NULL)
    return TRUE;
  if ((fields = read_fields (self, priv->row_id)) == NULL)
    return FALSE;

  /* The pending mark may have changed with a sync. */
  update_state (self);
  if (priv->dirty)
    return TRUE;

  changes = sp_form_diff_fields (priv->loaded, fields);
  if (json_object_get_size (changes) > 0)
    set_loaded (self, fields);
  return TRUE;
}

gboolean
sp_record_editor_validate (SpRecordEditor *self,
                           gboolean        focus)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  return CLASS (self)->validate (self, focus);
}

gboolean
sp_record_editor_save (SpRecordEditor *self)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  SpRecordEditorClass *klass;
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  klass = CLASS (self);
  if (!priv->editable)
    return FALSE;
  if (klass->prepare_save != NULL)
    klass->prepare_save (self);
  if (!klass->validate (self, TRUE))
    return FALSE;

  now = klass->collect (self);
  changes = sp_form_diff_fields (priv->row_id != NULL ? priv->loaded : NULL, now);
  if (priv->row_id == NULL && klass->complete_new != NULL)
    klass->complete_new (self, changes);
  else if (priv->row_id != NULL && json_object_get_size (changes) == 0)
    {
      set_dirty (self, FALSE);
      return TRUE;
    }

  id = sp_local_store_save (priv->store, klass->entity, priv->row_id, changes, &error);
  if (id == NULL)
    {
      show_error_toast (self, klass->save_failed, error);
      return FALSE;
    }

  /* Show what was stored (e.g. a LeiKa key typed in groups, normalized). */
  set_row_id (self, id);
  stored = read_fields (self, id);
  set_loaded (self, stored != NULL ? stored : now);

  sp_form_show_toast (GTK_WIDGET (self), _(klass->saved));
  g_signal_emit (self, signals[SAVED], 0, id);
  return TRUE;
}

void
sp_record_editor_revert (SpRecordEditor *self)
{
  g_autofree char *id = NULL;

  g_return_if_fail (SP_IS_RECORD_EDITOR (self));

  id = g_strdup (PRIV (self)->row_id);
  if (!sp_record_editor_load (self, id) && id != NULL)
    sp_form_show_toast (GTK_WIDGET (self), _(CLASS (self)->gone));
}

/* -- deleting ---------------------------------------------------------------------------- */

typedef struct
{
  SpRecordEditor *self;
  char           *id;
  JsonObject     *fields;
} Undo;

static void
undo_free (gpointer  data,
           GClosure *closure)
{
  Undo *undo = data;

  g_object_unref (undo->self);
  g_free (undo->id);
  json_object_unref (undo->fields);
  g_free (undo);
}

static void
on_undo_clicked (AdwToast *toast,
                 Undo     *undo)
{
  SpRecordEditor *self = undo->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* Saving every field again brings the row back (a newer change). */
  id = sp_local_store_save (PRIV (self)->store, CLASS (self)->entity, undo->id, undo->fields, &error);
  if (id == NULL)
    {
      show_error_toast (self, CLASS (self)->restore_failed, error);
      return;
    }
  if (!PRIV (self)->dirty)
    sp_record_editor_load (self, id);
  g_signal_emit (self, signals[SAVED], 0, id);
}

/* Deletes the open record; with @undoable the toast offers Undo. */
static void
delete_open_record (SpRecordEditor *self,
                    gboolean        undoable)
{
  SpRecordEditorPrivate *priv = PRIV (self);
  SpRecordEditorClass *klass = CLASS (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (priv->row_id);
  g_autoptr(JsonObject) fields = json_object_ref (priv->loaded);
  AdwToast *toast;

  if (!sp_local_store_delete (priv->store, klass->entity, id, &error))
    {
      show_error_toast (self, klass->delete_failed, error);
      return;
    }

  sp_record_editor_load (self, NULL);
  g_signal_emit (self, signals[DELETED], 0, id);

  toast = adw_toast_new (_(klass->deleted));
  if (undoable)
    {
      Undo *undo = g_new0 (Undo, 1);

      undo->self = g_object_ref (self);
      undo->id = g_steal_pointer (&id);
      undo->fields = g_steal_pointer (&fields);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked), undo, undo_free, 0);
    }
  sp_form_add_toast (GTK_WIDGET (self), toast);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SpRecordEditor   *self)
{
  if (g_strcmp0 (response, "delete") == 0 && PRIV (self)->row_id != NULL && PRIV (self)->store != NULL)
    delete_open_record (self, FALSE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpRecordEditor *self = SP_RECORD_EDITOR (widget);
  SpRecordEditorPrivate *priv = PRIV (self);
  SpRecordEditorClass *klass = CLASS (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *title;
  AdwMessageDialog *dialog;

  if (priv->row_id == NULL || !priv->editable)
    return;
  if (klass->delete_heading == NULL)
    {
      delete_open_record (self, klass->restore_failed != NULL);
      return;
    }

  title = sp_json_get_string_or (priv->loaded, klass->title_field, "");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _(klass->delete_heading), NULL));
  if (*title != '\0' || klass->delete_body_untitled == NULL)
    adw_message_dialog_format_body (dialog, _(klass->delete_body), title);
  else
    adw_message_dialog_set_body (dialog, _(klass->delete_body_untitled));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_record_editor_save (SP_RECORD_EDITOR (widget));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sp_record_editor_revert (SP_RECORD_EDITOR (widget));
}

/* -- accessors --------------------------------------------------------------------------- */

void
sp_record_editor_focus_first (SpRecordEditor *self)
{
  g_return_if_fail (SP_IS_RECORD_EDITOR (self));

  CLASS (self)->focus_first (self);
}

const char *
sp_record_editor_get_row_id (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), NULL);

  return PRIV (self)->row_id;
}

gboolean
sp_record_editor_get_dirty (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  return PRIV (self)->dirty;
}

JsonObject *
sp_record_editor_get_loaded (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), NULL);

  return PRIV (self)->loaded;
}

gboolean
sp_record_editor_is_filling (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  return PRIV (self)->filling;
}

SpLocalStore *
sp_record_editor_get_store (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), NULL);

  return PRIV (self)->store;
}

void
sp_record_editor_set_store (SpRecordEditor *self,
                            SpLocalStore   *store)
{
  g_autoptr(SpLocalStore) old = NULL;

  g_return_if_fail (SP_IS_RECORD_EDITOR (self));
  g_return_if_fail (store == NULL || SP_IS_LOCAL_STORE (store));

  if (PRIV (self)->store == store)
    return;
  old = g_steal_pointer (&PRIV (self)->store);
  PRIV (self)->store = store != NULL ? g_object_ref (store) : NULL;
  if (CLASS (self)->store_set != NULL)
    CLASS (self)->store_set (self, old, store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sp_record_editor_get_editable (SpRecordEditor *self)
{
  g_return_val_if_fail (SP_IS_RECORD_EDITOR (self), FALSE);

  return PRIV (self)->editable;
}

void
sp_record_editor_set_editable (SpRecordEditor *self,
                               gboolean        editable)
{
  g_return_if_fail (SP_IS_RECORD_EDITOR (self));

  PRIV (self)->editable = !!editable;
  if (CLASS (self)->apply_editable != NULL)
    CLASS (self)->apply_editable (self, editable);
  update_state (self);
}

/* -- class ------------------------------------------------------------------------------- */

static void
sp_record_editor_dispose (GObject *object)
{
  SpRecordEditor *self = SP_RECORD_EDITOR (object);

  g_clear_object (&PRIV (self)->store);

  G_OBJECT_CLASS (sp_record_editor_parent_class)->dispose (object);
}

static void
sp_record_editor_finalize (GObject *object)
{
  SpRecordEditorPrivate *priv = PRIV (SP_RECORD_EDITOR (object));

  g_clear_pointer (&priv->row_id, g_free);
  g_clear_pointer (&priv->loaded, json_object_unref);

  G_OBJECT_CLASS (sp_record_editor_parent_class)->finalize (object);
}

static void
sp_record_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SpRecordEditorPrivate *priv = PRIV (SP_RECORD_EDITOR (object));

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_ROW_ID:
      g_value_set_string (value, priv->row_id);
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, priv->dirty);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_record_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      sp_record_editor_set_store (SP_RECORD_EDITOR (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_record_editor_class_init (SpRecordEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_record_editor_dispose;
  object_class->finalize = sp_record_editor_finalize;
  object_class->get_property = sp_record_editor_get_property;
  object_class->set_property = sp_record_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROW_ID] =
    g_param_spec_string ("row-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpRecordEditor::saved:
   * @id: the id of the saved row
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * SpRecordEditor::deleted:
   * @id: the id of the deleted row
   */
  signals[DELETED] =
    g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
}

static void
sp_record_editor_init (SpRecordEditor *self)
{
  PRIV (self)->editable = TRUE;
}
