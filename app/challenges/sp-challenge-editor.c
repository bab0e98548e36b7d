/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-challenge-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-challenge-solutions.h"
#include "sp-solution-review.h"
#include "sp-challenge-editor.h"

#define ENTITY_CHALLENGE "challenge"

struct _SpChallengeEditor
{
  AdwBin             parent_instance;

  SpLocalStore      *store;
  char              *row_id;     /* NULL: new, not saved yet */
  char              *reviewer;
  JsonObject        *loaded;     /* the form's fields as last loaded */
  gboolean           dirty;
  gboolean           editable;
  gboolean           filling;

  GtkScrolledWindow *scroller;
  GtkLabel          *title_label;
  GtkLabel          *state_label;
  AdwEntryRow       *title_row;
  AdwEntryRow       *department_row;
  AdwEntryRow       *contact_row;
  GtkDropDown       *status_dropdown;
  AdwEntryRow       *event_row;
  AdwEntryRow       *event_date_row;
  AdwEntryRow       *deadline_row;
  GtkLabel          *error_label;
  GtkTextView       *problem_view;
  GtkTextView       *data_view;
  AdwPreferencesGroup *solutions_group;
  GtkListBox        *solutions_list;
  GtkWidget         *action_bar;
};

G_DEFINE_FINAL_TYPE (SpChallengeEditor, sp_challenge_editor, ADW_TYPE_BIN)

enum {
  SAVED,
  DELETED,
  FOLLOWUP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const status_values[] = { "draft", "published", "closed", NULL };

/* Where each text field is edited: an entry row or a text view. */
typedef struct
{
  const char *field;
  gsize       offset;
  gboolean    text_view;
} FieldWidget;

#define ENTRY(f, w)  { f, G_STRUCT_OFFSET (SpChallengeEditor, w), FALSE }
#define VIEW(f, w)   { f, G_STRUCT_OFFSET (SpChallengeEditor, w), TRUE }

static const FieldWidget field_widgets[] = {
  ENTRY ("title", title_row),
  ENTRY ("department", department_row),
  ENTRY ("contact", contact_row),
  ENTRY ("event", event_row),
  ENTRY ("event_date", event_date_row),
  ENTRY ("deadline", deadline_row),
  VIEW ("problem", problem_view),
  VIEW ("data", data_view),
};

#define FIELD_WIDGET(self, fw) (G_STRUCT_MEMBER (GtkWidget *, self, (fw)->offset))

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* The form's fields as they would be saved. */
static JsonObject *
collect (SpChallengeEditor *self)
{
  JsonObject *fields = json_object_new ();
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  for (guint i = 0; i < G_N_ELEMENTS (field_widgets); i++)
    {
      GtkWidget *widget = FIELD_WIDGET (self, &field_widgets[i]);
      g_autofree char *text = field_widgets[i].text_view
                              ? sp_form_text_view_get_text (GTK_TEXT_VIEW (widget))
                              : g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));

      json_object_set_string_member (fields, field_widgets[i].field, g_strstrip (text));
    }
  json_object_set_string_member (fields, "status",
                                 status_values[MIN (status, G_N_ELEMENTS (status_values) - 2)]);
  return fields;
}

/* The same shape from a stored row (NULL: a new challenge). */
static JsonObject *
normalize (JsonObject *row)
{
  JsonObject *fields = json_object_new ();
  const char *status = sp_json_get_string_or (row, "status", "draft");

  for (guint i = 0; i < G_N_ELEMENTS (field_widgets); i++)
    json_object_set_string_member (fields, field_widgets[i].field,
                                   sp_json_get_string_or (row, field_widgets[i].field, ""));
  json_object_set_string_member (fields, "status",
                                 g_strv_contains (status_values, status) ? status : "draft");
  return fields;
}

/* -- validation -------------------------------------------------------------------- */

static const char *
check (JsonObject  *fields,
       const char **field)
{
  const char *event_date = json_object_get_string_member (fields, "event_date");
  const char *deadline = json_object_get_string_member (fields, "deadline");

  *field = "title";
  if (*json_object_get_string_member (fields, "title") == '\0')
    return _("Enter a title for the challenge.");
  *field = "event_date";
  if (!sp_form_valid_date (event_date))
    return _("Enter the event date as YYYY-MM-DD, for example 2027-03-20.");
  *field = "deadline";
  if (!sp_form_valid_date (deadline))
    return _("Enter the deadline as YYYY-MM-DD, for example 2027-03-31.");
  if (g_strcmp0 (json_object_get_string_member (fields, "status"), "draft") != 0)
    {
      *field = "problem";
      if (*json_object_get_string_member (fields, "problem") == '\0')
        return _("A published challenge needs a description of the problem.");
      *field = "deadline";
      if (*deadline == '\0')
        return _("A published challenge needs a deadline for solutions.");
    }
  *field = NULL;
  return NULL;
}

static void
show_error (SpChallengeEditor *self,
            const char        *field,
            const char        *message,
            gboolean           focus)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_widgets); i++)
    {
      GtkWidget *widget = FIELD_WIDGET (self, &field_widgets[i]);

      if (g_strcmp0 (field, field_widgets[i].field) == 0)
        {
          sp_form_set_field_error (widget, self->error_label, message);
          if (focus)
            gtk_widget_grab_focus (widget);
        }
      else if (gtk_widget_has_css_class (widget, "error"))
        sp_form_set_field_error (widget, self->error_label, NULL);
    }
  if (field == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

gboolean
sp_challenge_editor_validate (SpChallengeEditor *self,
                              gboolean           focus)
{
  g_autoptr(JsonObject) fields = NULL;
  const char *field, *message;

  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), FALSE);

  fields = collect (self);
  message = check (fields, &field);
  show_error (self, field, message, focus);
  return message == NULL;
}

/* -- header, actions, solutions ------------------------------------------------------- */

static void
update_header (SpChallengeEditor *self)
{
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  const char *state = "";

  gtk_label_set_text (self->title_label,
                      *title != '\0' ? title
                      : self->row_id == NULL ? _("New challenge") : _("Untitled challenge"));

  if (!self->editable)
    state = _("Read only: editing challenges needs the editor role.");
  else if (self->dirty)
    state = _("Unsaved changes");
  else if (self->row_id == NULL)
    state = _("Not saved yet");
  else if (sp_local_store_is_pending (self->store, ENTITY_CHALLENGE, self->row_id))
    state = _("Saved on this computer, not yet synced");
  gtk_label_set_text (self->state_label, state);
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), *state != '\0');
}

static gboolean
event_is_over (SpChallengeEditor *self)
{
  g_autofree char *day = today ();
  const char *event_date = sp_json_get_string_or (self->loaded, "event_date", "");

  return *event_date != '\0' && strcmp (event_date, day) <= 0;
}

static void
update_actions (SpChallengeEditor *self)
{
  gboolean over = event_is_over (self);
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "challenge-editor.save",
                                 self->editable && (self->dirty || self->row_id == NULL));
  gtk_widget_action_set_enabled (widget, "challenge-editor.revert", self->editable && self->dirty);
  gtk_widget_action_set_enabled (widget, "challenge-editor.delete",
                                 self->editable && self->row_id != NULL);
  gtk_widget_action_set_enabled (widget, "challenge-editor.followup",
                                 self->editable && self->row_id != NULL && !self->dirty && over);
}

static void
set_dirty (SpChallengeEditor *self,
           gboolean           dirty)
{
  self->dirty = dirty;
  update_header (self);
  update_actions (self);
}

static void
on_field_changed (SpChallengeEditor *self)
{
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;

  if (self->filling)
    return;
  now = collect (self);
  changes = sp_form_diff_fields (self->loaded, now);
  set_dirty (self, json_object_get_size (changes) > 0);
  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    sp_challenge_editor_validate (self, FALSE);
}

static GtkWidget *
solution_row (const SpSolutionSummary *s)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge = gtk_label_new (sp_solution_state_label (s->state));
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  g_autofree char *title = NULL;
  g_autofree char *score = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;

  title = s->rank > 0 ? g_strdup_printf ("%u. %s", s->rank, s->title) : g_strdup (s->title);
  if (s->n_scores > 0)
    score = g_strdup_printf (ngettext ("average %.1f from %u review", "average %.1f from %u reviews",
                                       s->n_scores),
                             s->average, s->n_scores);
  else
    score = g_strdup (_("not scored yet"));
  subtitle = g_strdup_printf ("%s · %s", *s->team ? s->team : _("unnamed team"), score);
  accessible = g_strdup_printf ("%s, %s, %s", title, sp_solution_state_label (s->state), subtitle);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "solution-state");
  gtk_widget_add_css_class (badge, s->state);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  if (s->pending)
    {
      GtkWidget *pending = gtk_image_new_from_icon_name ("emblem-synchronizing-symbolic");

      gtk_widget_set_tooltip_text (pending, _("Saved on this computer, not yet synced"));
      gtk_widget_add_css_class (pending, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pending);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  g_object_set_data_full (G_OBJECT (row), "solution-id", g_strdup (s->id), g_free);
  return row;
}

static void
fill_solutions (SpChallengeEditor *self)
{
  g_autoptr(GPtrArray) solutions = NULL;
  GtkWidget *child;
  guint ranked = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->solutions_list))) != NULL)
    gtk_list_box_remove (self->solutions_list, child);

  if (self->row_id == NULL || self->store == NULL)
    {
      adw_preferences_group_set_description (self->solutions_group,
                                             _("Solutions arrive from the city's web site once the challenge is published."));
      gtk_widget_set_visible (GTK_WIDGET (self->solutions_list), FALSE);
      return;
    }

  solutions = sp_challenge_solutions_load (self->store, self->row_id);
  for (guint i = 0; i < solutions->len; i++)
    {
      const SpSolutionSummary *s = g_ptr_array_index (solutions, i);

      gtk_list_box_append (self->solutions_list, solution_row (s));
      if (s->rank > 0)
        ranked++;
    }
  if (solutions->len == 0)
    adw_preferences_group_set_description (self->solutions_group, _("No solutions yet."));
  else
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u solution, ranked by the average of the reviewers' scores.",
                                   "%u solutions, ranked by the average of the reviewers' scores.",
                                   solutions->len),
                         solutions->len);

      adw_preferences_group_set_description (self->solutions_group, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->solutions_list), solutions->len > 0);
}

static void
on_review_saved (SpChallengeEditor *self)
{
  fill_solutions (self);
  sp_form_show_toast (GTK_WIDGET (self), _("Review saved"));
}

static void
on_solution_activated (SpChallengeEditor *self,
                       GtkListBoxRow     *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "solution-id");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SpSolutionReview *review;

  if (id == NULL)
    return;
  review = sp_solution_review_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->store, id, self->editable ? self->reviewer : NULL);
  g_signal_connect_object (review, "saved", G_CALLBACK (on_review_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (review));
}

static void
on_store_changed (SpChallengeEditor *self,
                  const char        *entity)
{
  if (entity == NULL || g_str_equal (entity, "challenge_solution") ||
      g_str_equal (entity, "challenge_score"))
    fill_solutions (self);
}

/* -- loading and saving ------------------------------------------------------------------ */

static void
fill (SpChallengeEditor *self,
      JsonObject        *fields)
{
  const char *status = json_object_get_string_member (fields, "status");

  self->filling = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (field_widgets); i++)
    {
      GtkWidget *widget = FIELD_WIDGET (self, &field_widgets[i]);
      const char *text = json_object_get_string_member (fields, field_widgets[i].field);

      if (field_widgets[i].text_view)
        sp_form_text_view_set_text (GTK_TEXT_VIEW (widget), text);
      else if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) != 0)
        gtk_editable_set_text (GTK_EDITABLE (widget), text);
    }
  for (guint i = 0; status_values[i] != NULL; i++)
    if (g_str_equal (status_values[i], status))
      gtk_drop_down_set_selected (self->status_dropdown, i);
  self->filling = FALSE;
}

static void
set_loaded (SpChallengeEditor *self,
            const char        *id,
            JsonObject        *fields)
{
  if (g_strcmp0 (self->row_id, id) != 0)
    {
      g_free (self->row_id);
      self->row_id = g_strdup (id);
    }
  g_clear_pointer (&self->loaded, json_object_unref);
  self->loaded = json_object_ref (fields);
  fill (self, fields);
  show_error (self, NULL, NULL, FALSE);
  set_dirty (self, FALSE);
  fill_solutions (self);
}

static JsonObject *
read_fields (SpChallengeEditor *self,
             const char        *id)
{
  g_autoptr(JsonObject) row = sp_form_read_fields (self->store, ENTITY_CHALLENGE, id);

  return row != NULL ? normalize (row) : NULL;
}

gboolean
sp_challenge_editor_load (SpChallengeEditor *self,
                          const char        *id)
{
  g_autoptr(JsonObject) fields = NULL;
  gboolean found = TRUE;

  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  if (id != NULL)
    fields = read_fields (self, id);
  if (fields == NULL)
    {
      found = id == NULL;
      id = NULL;
      fields = normalize (NULL);
    }
  set_loaded (self, id, fields);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  return found;
}

gboolean
sp_challenge_editor_refresh (SpChallengeEditor *self)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) changes = NULL;

  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), FALSE);

  if (self->row_id == NULL)
    return TRUE;
  if (!(fields = read_fields (self, self->row_id)))
    return FALSE;
  update_header (self);
  if (self->dirty)
    return TRUE;
  changes = sp_form_diff_fields (self->loaded, fields);
  if (json_object_get_size (changes) > 0)
    set_loaded (self, self->row_id, fields);
  return TRUE;
}

gboolean
sp_challenge_editor_save (SpChallengeEditor *self)
{
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), FALSE);

  if (!self->editable || !sp_challenge_editor_validate (self, TRUE))
    return FALSE;

  now = collect (self);
  changes = sp_form_diff_fields (self->row_id != NULL ? self->loaded : NULL, now);
  if (self->row_id == NULL)
    json_object_set_string_member (changes, "followup_survey_id", "");
  else if (json_object_get_size (changes) == 0)
    {
      set_dirty (self, FALSE);
      return TRUE;
    }

  if (!(id = sp_local_store_save (self->store, ENTITY_CHALLENGE, self->row_id, changes, &error)))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the challenge: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), message);
      return FALSE;
    }
  stored = read_fields (self, id);
  set_loaded (self, id, stored != NULL ? stored : now);
  sp_form_show_toast (GTK_WIDGET (self), _("Challenge saved"));
  g_signal_emit (self, signals[SAVED], 0, id);
  return TRUE;
}

static void
on_delete_response (AdwMessageDialog  *dialog,
                    const char        *response,
                    SpChallengeEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "delete") != 0 || self->row_id == NULL)
    return;

  id = g_strdup (self->row_id);
  if (!sp_local_store_delete (self->store, ENTITY_CHALLENGE, id, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the challenge: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), message);
      return;
    }
  sp_challenge_editor_load (self, NULL);
  sp_form_show_toast (GTK_WIDGET (self), _("Challenge deleted"));
  g_signal_emit (self, signals[DELETED], 0, id);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Delete Challenge?"),
                                                       _("The challenge disappears from the web site. Its solutions stay for the figures.")));
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
  sp_challenge_editor_save (SP_CHALLENGE_EDITOR (widget));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (widget);
  g_autofree char *id = g_strdup (self->row_id);

  sp_challenge_editor_load (self, id);
}

static void
followup_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (widget);

  if (self->row_id != NULL)
    g_signal_emit (self, signals[FOLLOWUP], 0, self->row_id);
}

/* -- accessors ---------------------------------------------------------------------------- */

gboolean
sp_challenge_editor_get_dirty (SpChallengeEditor *self)
{
  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), FALSE);

  return self->dirty;
}

const char *
sp_challenge_editor_get_row_id (SpChallengeEditor *self)
{
  g_return_val_if_fail (SP_IS_CHALLENGE_EDITOR (self), NULL);

  return self->row_id;
}

void
sp_challenge_editor_focus_title (SpChallengeEditor *self)
{
  g_return_if_fail (SP_IS_CHALLENGE_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

void
sp_challenge_editor_set_store (SpChallengeEditor *self,
                               SpLocalStore      *store)
{
  g_return_if_fail (SP_IS_CHALLENGE_EDITOR (self));
  g_return_if_fail (SP_IS_LOCAL_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
}

void
sp_challenge_editor_set_reviewer (SpChallengeEditor *self,
                                  const char        *reviewer)
{
  g_return_if_fail (SP_IS_CHALLENGE_EDITOR (self));

  g_free (self->reviewer);
  self->reviewer = reviewer != NULL && *reviewer != '\0' ? g_strdup (reviewer) : NULL;
}

void
sp_challenge_editor_set_editable (SpChallengeEditor *self,
                                  gboolean           editable)
{
  g_return_if_fail (SP_IS_CHALLENGE_EDITOR (self));

  self->editable = editable;
  for (guint i = 0; i < G_N_ELEMENTS (field_widgets); i++)
    {
      GtkWidget *widget = FIELD_WIDGET (self, &field_widgets[i]);

      if (field_widgets[i].text_view)
        gtk_text_view_set_editable (GTK_TEXT_VIEW (widget), editable);
      else
        gtk_editable_set_editable (GTK_EDITABLE (widget), editable);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->status_dropdown), editable);
  gtk_widget_set_visible (self->action_bar, editable);
  update_header (self);
  update_actions (self);
}

/* -- class ---------------------------------------------------------------------------------- */

static void
sp_challenge_editor_dispose (GObject *object)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CHALLENGE_EDITOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_challenge_editor_parent_class)->dispose (object);
}

static void
sp_challenge_editor_finalize (GObject *object)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (object);

  g_free (self->row_id);
  g_free (self->reviewer);
  g_clear_pointer (&self->loaded, json_object_unref);

  G_OBJECT_CLASS (sp_challenge_editor_parent_class)->finalize (object);
}

static void
sp_challenge_editor_class_init (SpChallengeEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_challenge_editor_dispose;
  object_class->finalize = sp_challenge_editor_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FOLLOWUP] = g_signal_new ("followup", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/challenges/sp-challenge-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, department_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, contact_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, event_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, event_date_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, problem_view);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, data_view);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, solutions_group);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, solutions_list);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeEditor, action_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_solution_activated);

  gtk_widget_class_install_action (widget_class, "challenge-editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "challenge-editor.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "challenge-editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "challenge-editor.followup", NULL, followup_action);
}

static void
sp_challenge_editor_init (SpChallengeEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->editable = TRUE;
  g_signal_connect_object (gtk_text_view_get_buffer (self->problem_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->data_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problem"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->data_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Data available"), -1);
  self->loaded = normalize (NULL);
  fill (self, self->loaded);
  set_dirty (self, FALSE);
}
