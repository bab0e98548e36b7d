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
#include "sp-city-time.h"

#define ENTITY_CHALLENGE "challenge"

struct _SpChallengeEditor
{
  SpRecordEditor     parent_instance;

  char              *reviewer;

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

G_DEFINE_FINAL_TYPE (SpChallengeEditor, sp_challenge_editor, SP_TYPE_RECORD_EDITOR)

#define EDITOR(self) SP_RECORD_EDITOR (self)

enum {
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

/* The form's fields as they would be saved. */
static JsonObject *
collect (SpRecordEditor *editor)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (editor);
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
normalize (SpRecordEditor *editor,
           JsonObject     *row)
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

static gboolean
validate (SpRecordEditor *editor,
          gboolean        focus)
{
  g_autoptr(JsonObject) fields = collect (editor);
  const char *field, *message;

  message = check (fields, &field);
  show_error (SP_CHALLENGE_EDITOR (editor), field, message, focus);
  return message == NULL;
}

/* -- header, actions, solutions ------------------------------------------------------- */

static gboolean
event_is_over (SpChallengeEditor *self)
{
  g_autofree char *day = sp_city_today ();
  const char *event_date = sp_json_get_string_or (sp_record_editor_get_loaded (EDITOR (self)),
                                                  "event_date", "");

  return *event_date != '\0' && strcmp (event_date, day) <= 0;
}

/* Follow-up surveys are for challenges whose event is over. */
static void
state_changed (SpRecordEditor *editor)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (editor);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "challenge-editor.followup",
                                 sp_record_editor_get_editable (editor) &&
                                 sp_record_editor_get_row_id (editor) != NULL &&
                                 !sp_record_editor_get_dirty (editor) && event_is_over (self));
}

static void
on_field_changed (SpChallengeEditor *self)
{
  sp_record_editor_changed (EDITOR (self));
}

static void
edited (SpRecordEditor *editor,
        JsonObject     *now)
{
  if (gtk_widget_get_visible (GTK_WIDGET (SP_CHALLENGE_EDITOR (editor)->error_label)))
    validate (editor, FALSE);
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
  SpLocalStore *store = sp_record_editor_get_store (EDITOR (self));
  const char *row_id = sp_record_editor_get_row_id (EDITOR (self));
  GtkWidget *child;
  guint ranked = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->solutions_list))) != NULL)
    gtk_list_box_remove (self->solutions_list, child);

  if (row_id == NULL || store == NULL)
    {
      adw_preferences_group_set_description (self->solutions_group,
                                             _("Solutions arrive from the city's web site once the challenge is published."));
      gtk_widget_set_visible (GTK_WIDGET (self->solutions_list), FALSE);
      return;
    }

  solutions = sp_challenge_solutions_load (store, row_id);
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
                                   sp_record_editor_get_store (EDITOR (self)), id,
                                   sp_record_editor_get_editable (EDITOR (self)) ? self->reviewer : NULL);
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
fill (SpRecordEditor *editor,
      JsonObject     *fields)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (editor);
  const char *status = json_object_get_string_member (fields, "status");

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
  show_error (self, NULL, NULL, FALSE);
  fill_solutions (self);
}

/* A new challenge has no follow-up survey yet. */
static void
complete_new (SpRecordEditor *editor,
              JsonObject     *changes)
{
  json_object_set_string_member (changes, "followup_survey_id", "");
}

static void
focus_first (SpRecordEditor *editor)
{
  gtk_widget_grab_focus (GTK_WIDGET (SP_CHALLENGE_EDITOR (editor)->title_row));
}

static void
followup_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  const char *id = sp_record_editor_get_row_id (SP_RECORD_EDITOR (widget));

  if (id != NULL)
    g_signal_emit (widget, signals[FOLLOWUP], 0, id);
}

/* -- accessors ---------------------------------------------------------------------------- */

static void
store_set (SpRecordEditor *editor,
           SpLocalStore   *old,
           SpLocalStore   *store)
{
  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, editor);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), editor, G_CONNECT_SWAPPED);
}

void
sp_challenge_editor_set_reviewer (SpChallengeEditor *self,
                                  const char        *reviewer)
{
  g_return_if_fail (SP_IS_CHALLENGE_EDITOR (self));

  g_free (self->reviewer);
  self->reviewer = reviewer != NULL && *reviewer != '\0' ? g_strdup (reviewer) : NULL;
}

static void
apply_editable (SpRecordEditor *editor,
                gboolean        editable)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (editor);

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
}

/* -- class ---------------------------------------------------------------------------------- */

static void
sp_challenge_editor_dispose (GObject *object)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CHALLENGE_EDITOR);

  G_OBJECT_CLASS (sp_challenge_editor_parent_class)->dispose (object);
}

static void
sp_challenge_editor_finalize (GObject *object)
{
  SpChallengeEditor *self = SP_CHALLENGE_EDITOR (object);

  g_free (self->reviewer);

  G_OBJECT_CLASS (sp_challenge_editor_parent_class)->finalize (object);
}

static void
sp_challenge_editor_class_init (SpChallengeEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SpRecordEditorClass *editor_class = SP_RECORD_EDITOR_CLASS (klass);

  object_class->dispose = sp_challenge_editor_dispose;
  object_class->finalize = sp_challenge_editor_finalize;

  editor_class->entity = ENTITY_CHALLENGE;
  editor_class->title_field = "title";
  editor_class->new_title = N_("New challenge");
  editor_class->untitled = N_("Untitled challenge");
  editor_class->read_only = N_("Read only: editing challenges needs the editor role.");
  editor_class->saved = N_("Challenge saved");
  editor_class->save_failed = N_("Could not save the challenge: %s");
  editor_class->gone = N_("The challenge no longer exists");
  editor_class->deleted = N_("Challenge deleted");
  editor_class->delete_failed = N_("Could not delete the challenge: %s");
  editor_class->delete_heading = N_("Delete Challenge?");
  editor_class->delete_body = N_("The challenge disappears from the web site. Its solutions stay for the figures.");
  editor_class->normalize = normalize;
  editor_class->collect = collect;
  editor_class->fill = fill;
  editor_class->validate = validate;
  editor_class->focus_first = focus_first;
  editor_class->edited = edited;
  editor_class->complete_new = complete_new;
  editor_class->apply_editable = apply_editable;
  editor_class->store_set = store_set;
  editor_class->state_changed = state_changed;
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

  gtk_widget_class_install_action (widget_class, "challenge-editor.followup", NULL, followup_action);
}

static void
sp_challenge_editor_init (SpChallengeEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->problem_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->data_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problem"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->data_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Data available"), -1);
  sp_record_editor_setup (EDITOR (self), self->scroller, self->title_label, self->state_label);
}
