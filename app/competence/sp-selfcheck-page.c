/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-selfcheck-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-error.h"
#include "competence/sp-competence-catalogue.h"
#include "competence/sp-competence-score.h"
#include "training/sp-training-catalogue.h"
#include "sp-api-client.h"
#include "sp-competence-chart.h"
#include "sp-selfcheck-store.h"
#include "sp-selfcheck-page.h"

#define META_LAST_ORG_UNIT "selfcheck.last_org_unit"
#define ORG_UNIT_MAX_LEN   200

/* One step of a run: the questions of one competence. */
typedef struct {
  JsonObject *area;        /* borrowed from the catalogue document */
  JsonObject *competence;
  guint       area_index;
  guint       n_areas;
  guint       index_in_area;
  guint       n_in_area;
} Step;

struct _SpSelfcheckPage
{
  AdwBin                 parent_instance;

  SpLocalStore          *store;
  SpServerAccessFunc  server_func;
  gpointer               server_data;
  GDestroyNotify         server_destroy;

  GStrv                  catalogue_ids;    /* published, as in the combo row */

  /* The run on screen (run or result view). */
  SpSelfcheckRun        *run;
  JsonNode              *catalogue;
  GArray                *steps;            /* Step */
  GHashTable            *answers;          /* question id -> GStrv */
  int                    step;
  SpCompetenceScore     *score;
  GCancellable          *submit_cancellable;

  GtkStack              *stack;
  AdwPreferencesGroup   *resume_group;
  AdwActionRow          *resume_row;
  AdwComboRow           *catalogue_row;
  GtkStringList         *catalogue_titles;
  AdwEntryRow           *org_unit_row;
  GtkSpinButton         *year_spin;
  GtkButton             *start_button;
  AdwPreferencesGroup   *history_group;
  GtkListBox            *history_list;
  GtkLabel              *progress_label;
  GtkProgressBar        *progress_bar;
  GtkScrolledWindow     *step_scroller;
  AdwBin                *step_bin;
  GtkButton             *previous_button;
  GtkButton             *next_button;
  GtkLabel              *unanswered_label;
  GtkLabel              *result_title;
  GtkLabel              *result_subtitle;
  AdwPreferencesGroup   *chart_group;
  SpCompetenceChart     *chart;
  GtkListBox            *levels_list;
  AdwPreferencesGroup   *recommendations_group;
  GtkListBox            *recommendations_list;
  AdwEntryRow           *submit_org_unit_row;
  GtkLabel              *submit_status;
  GtkButton             *submit_button;
};

G_DEFINE_FINAL_TYPE (SpSelfcheckPage, sp_selfcheck_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_start (SpSelfcheckPage *self);
static void show_step (SpSelfcheckPage *self, int step);
static void show_result (SpSelfcheckPage *self);

/* -- helpers ------------------------------------------------------------ */

static void
show_toast (SpSelfcheckPage *self,
            const char      *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay == NULL)
    {
      g_message ("%s", text);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
report_error (SpSelfcheckPage *self,
              const char      *what,
              const GError    *error)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

  g_warning ("%s", text);
  show_toast (self, text);
}

static SpDb *
get_db (SpSelfcheckPage *self)
{
  return sp_local_store_get_db (self->store);
}

static JsonArray *
obj_array (JsonObject *object,
           const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static guint
array_length (JsonArray *array)
{
  return array != NULL ? json_array_get_length (array) : 0;
}

/* The label of a level: the catalogue's own, else the default. */
static const char *
level_label (SpSelfcheckPage *self,
             int              level)
{
  JsonArray *levels = self->catalogue != NULL
                      ? obj_array (json_node_get_object (self->catalogue), "levels") : NULL;

  if (levels != NULL && level >= 1 && (guint) level <= json_array_get_length (levels))
    {
      const char *label = json_array_get_string_element (levels, level - 1);

      if (label != NULL && *label != '\0')
        return label;
    }
  return sp_competence_level_label (level);
}

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
clear_run (SpSelfcheckPage *self)
{
  g_clear_pointer (&self->run, sp_selfcheck_run_free);
  g_clear_pointer (&self->catalogue, json_node_unref);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->score, sp_competence_score_free);
  if (self->steps != NULL)
    g_array_set_size (self->steps, 0);
  self->step = 0;
}

static char *
catalogue_display_title (SpSelfcheckPage *self,
                         const char      *catalogue_id)
{
  g_autoptr(SpDbRow) row = sp_local_store_get (self->store, SP_ENTITY_COMPETENCE_CATALOGUE,
                                               catalogue_id, NULL);

  if (row == NULL)
    return g_strdup (catalogue_id);
  /* Translators: catalogue title and its version, e.g. "DigComp (version 1)" */
  return g_strdup_printf (_("%s (version %d)"),
                          sp_json_get_string_or (row->fields, "title", ""), (int) sp_json_get_int_or (row->fields, "revision", 0));
}

/* Loads run @run_id with its catalogue, steps and answers. */
static gboolean
load_run (SpSelfcheckPage *self,
          const char      *run_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (run_id);
  JsonArray *areas;

  clear_run (self);

  self->run = sp_selfcheck_run_get (get_db (self), id, &error);
  if (self->run == NULL)
    {
      if (error != NULL)
        report_error (self, _("Cannot read the self-check"), error);
      return FALSE;
    }

  self->catalogue = sp_competence_catalogue_export_local (self->store, self->run->catalogue_id, &error);
  if (self->catalogue == NULL)
    {
      report_error (self, _("The catalogue of this self-check is not available"), error);
      clear_run (self);
      return FALSE;
    }

  self->answers = sp_selfcheck_answers_load (get_db (self), id, &error);
  if (self->answers == NULL)
    {
      report_error (self, _("Cannot read your answers"), error);
      clear_run (self);
      return FALSE;
    }

  areas = obj_array (json_node_get_object (self->catalogue), "areas");
  for (guint a = 0; a < array_length (areas); a++)
    {
      JsonObject *area = json_array_get_object_element (areas, a);
      JsonArray *competences = obj_array (area, "competences");

      for (guint c = 0; c < array_length (competences); c++)
        {
          Step step = {
            area, json_array_get_object_element (competences, c),
            a, array_length (areas), c, array_length (competences),
          };

          g_array_append_val (self->steps, step);
        }
    }

  return TRUE;
}

/* -- start page --------------------------------------------------------- */

static void
on_history_row_activated (SpSelfcheckPage *self,
                          GtkListBoxRow   *row)
{
  const char *run_id = g_object_get_data (G_OBJECT (row), "run-id");

  if (run_id != NULL && load_run (self, run_id))
    show_result (self);
}

static void
fill_history (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = sp_selfcheck_run_list_finished (get_db (self), &error);

  clear_list_box (self->history_list);
  if (runs == NULL)
    {
      g_warning ("Cannot list earlier self-checks: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->history_group), FALSE);
      return;
    }

  for (guint i = 0; i < runs->len; i++)
    {
      SpSelfcheckRun *run = g_ptr_array_index (runs, i);
      g_autofree char *catalogue = catalogue_display_title (self, run->catalogue_id);
      g_autofree char *title = g_strdup_printf ("%d · %s", run->year, catalogue);
      g_autoptr(GDateTime) finished = g_date_time_new_from_iso8601 (run->finished, NULL);
      g_autofree char *date = finished != NULL ? g_date_time_format (finished, "%x") : g_strdup ("");
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (run->submitted)
        /* Translators: %s is a date */
        subtitle = g_strdup_printf (_("Finished %s · submitted anonymously"), date);
      else
        subtitle = g_strdup_printf (_("Finished %s"), date);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "run-id", g_strdup (run->id), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                      -1);
      gtk_list_box_append (self->history_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), runs->len > 0);
}

static void
fill_catalogues (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->catalogue_titles));
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_auto(GStrv) title_strv = NULL;

  g_clear_pointer (&self->catalogue_ids, g_strfreev);
  self->catalogue_ids = sp_competence_catalogue_list_published (get_db (self), &error);
  if (self->catalogue_ids == NULL)
    {
      g_warning ("Cannot list catalogues: %s", error->message);
      self->catalogue_ids = g_new0 (char *, 1);
    }

  for (guint i = 0; self->catalogue_ids[i] != NULL; i++)
    {
      g_autofree char *title = catalogue_display_title (self, self->catalogue_ids[i]);
      g_strv_builder_add (titles, title);
    }
  title_strv = g_strv_builder_end (titles);
  gtk_string_list_splice (self->catalogue_titles, 0, n, (const char * const *) title_strv);
}

static void
show_start (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpSelfcheckRun) unfinished = NULL;

  fill_catalogues (self);
  fill_history (self);

  unfinished = sp_selfcheck_run_get_unfinished (get_db (self), &error);
  if (error != NULL)
    g_warning ("Cannot look for an unfinished self-check: %s", error->message);

  if (unfinished != NULL)
    {
      g_autofree char *catalogue = catalogue_display_title (self, unfinished->catalogue_id);
      g_autofree char *title = g_strdup_printf ("%d · %s", unfinished->year, catalogue);
      int step = sp_selfcheck_run_get_step (get_db (self), unfinished->id);
      g_autofree char *subtitle = g_strdup_printf (_("Stopped at step %d"), step + 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resume_row), title);
      adw_action_row_set_subtitle (self->resume_row, subtitle);
      g_object_set_data_full (G_OBJECT (self->resume_row), "run-id", g_strdup (unfinished->id), g_free);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->resume_group), unfinished != NULL);

  if (self->catalogue_ids[0] == NULL && unfinished == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), self->catalogue_ids[0] != NULL);
  gtk_stack_set_visible_child_name (self->stack, "start");
}

static void
on_store_changed (SpSelfcheckPage *self,
                  const char      *entity)
{
  const char *visible = gtk_stack_get_visible_child_name (self->stack);

  /* A sync brought catalogues: refresh the overview, never a running step. */
  if ((entity == NULL || g_str_equal (entity, SP_ENTITY_COMPETENCE_CATALOGUE)) &&
      (g_strcmp0 (visible, "start") == 0 || g_strcmp0 (visible, "empty") == 0))
    show_start (self);
}

static void
on_start_clicked (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *org_unit = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->org_unit_row))));
  guint selected = adw_combo_row_get_selected (self->catalogue_row);
  int year = gtk_spin_button_get_value_as_int (self->year_spin);
  g_autofree char *run_id = NULL;

  if (selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length (self->catalogue_ids))
    return;

  if (*org_unit != '\0' && !sp_db_meta_set (get_db (self), META_LAST_ORG_UNIT, org_unit, &error))
    {
      g_warning ("Cannot remember the organisational unit: %s", error->message);
      g_clear_error (&error);
    }

  run_id = sp_selfcheck_run_start (get_db (self), self->catalogue_ids[selected], year, org_unit, &error);
  if (run_id == NULL)
    {
      report_error (self, _("Cannot start the self-check"), error);
      return;
    }
  if (!load_run (self, run_id))
    return;
  show_step (self, 0);
}

static void
on_resume_clicked (SpSelfcheckPage *self)
{
  const char *run_id = g_object_get_data (G_OBJECT (self->resume_row), "run-id");

  if (run_id == NULL || !load_run (self, run_id))
    return;
  show_step (self, sp_selfcheck_run_get_step (get_db (self), run_id));
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     SpSelfcheckPage  *self)
{
  const char *run_id = g_object_get_data (G_OBJECT (self->resume_row), "run-id");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "discard") == 0 && run_id != NULL)
    {
      if (!sp_selfcheck_run_delete (get_db (self), run_id, &error))
        report_error (self, _("Cannot discard the self-check"), error);
      show_start (self);
    }
  g_object_unref (self);
}

static void
on_discard_clicked (SpSelfcheckPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Discard the Unfinished Self-Check?"),
                                   _("Your answers so far are deleted from this device."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("Cancel"),
                                    "discard", _("Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* -- steps -------------------------------------------------------------- */

static gboolean
question_answered (SpSelfcheckPage *self,
                   JsonObject      *question)
{
  GStrv chosen = g_hash_table_lookup (self->answers, sp_json_get_string_or (question, "id", ""));

  return chosen != NULL && chosen[0] != NULL;
}

static guint
count_unanswered (SpSelfcheckPage *self)
{
  guint n = 0;

  for (guint s = 0; s < self->steps->len; s++)
    {
      JsonArray *questions = obj_array (g_array_index (self->steps, Step, s).competence, "questions");

      for (guint q = 0; q < array_length (questions); q++)
        if (!question_answered (self, json_array_get_object_element (questions, q)))
          n++;
    }
  return n;
}

static void
update_unanswered (SpSelfcheckPage *self)
{
  gboolean last = self->step + 1 >= (int) self->steps->len;
  guint n = last ? count_unanswered (self) : 0;

  if (n > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u question unanswered: it counts as 0 points",
                                                         "%u questions unanswered: they count as 0 points",
                                                         n), n);
      gtk_label_set_label (self->unanswered_label, text);
    }
  else
    gtk_label_set_label (self->unanswered_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->unanswered_label), n > 0);
}

/* Collects and stores the chosen options of the question of @button. */
static void
on_option_toggled (GtkCheckButton  *button,
                   SpSelfcheckPage *self)
{
  GtkWidget *group = gtk_widget_get_parent (GTK_WIDGET (button));
  const char *question_id = g_object_get_data (G_OBJECT (group), "question-id");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) chosen = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run == NULL || question_id == NULL)
    return;
  /* A radio group toggles twice (off, then on): store the state after the "on". */
  if (g_object_get_data (G_OBJECT (group), "radio") != NULL && !gtk_check_button_get_active (button))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (group); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *option_id = g_object_get_data (G_OBJECT (child), "option-id");

      if (option_id != NULL && GTK_IS_CHECK_BUTTON (child) &&
          gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
        g_strv_builder_add (builder, option_id);
    }
  chosen = g_strv_builder_end (builder);

  if (!sp_selfcheck_answer_save (get_db (self), self->run->id, question_id,
                                 (const char * const *) chosen, &error))
    {
      report_error (self, _("Cannot save your answer"), error);
      return;
    }
  if (chosen[0] != NULL)
    g_hash_table_replace (self->answers, g_strdup (question_id), g_steal_pointer (&chosen));
  else
    g_hash_table_remove (self->answers, question_id);
  update_unanswered (self);
}

static GtkWidget *
build_question (SpSelfcheckPage *self,
                JsonObject      *question,
                guint            number,
                guint            n_questions)
{
  const char *kind = sp_json_get_string_or (question, "kind", "");
  const char *text = sp_json_get_string_or (question, "text", "");
  gboolean radio = !g_str_equal (kind, "multiple");
  JsonArray *options = obj_array (question, "options");
  GStrv chosen = g_hash_table_lookup (self->answers, sp_json_get_string_or (question, "id", ""));
  g_autofree char *heading = g_strdup_printf (_("Question %u of %u"), number, n_questions);
  GtkWidget *group, *label;
  GtkCheckButton *first = NULL;

  group = g_object_new (GTK_TYPE_BOX,
                        "orientation", GTK_ORIENTATION_VERTICAL,
                        "spacing", 6,
                        "accessible-role", radio ? GTK_ACCESSIBLE_ROLE_RADIO_GROUP : GTK_ACCESSIBLE_ROLE_GROUP,
                        NULL);
  gtk_widget_add_css_class (group, "card");
  g_object_set_data_full (G_OBJECT (group), "question-id", g_strdup (sp_json_get_string_or (question, "id", "")), g_free);
  if (radio)
    g_object_set_data (G_OBJECT (group), "radio", GINT_TO_POINTER (1));

  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_box_append (GTK_BOX (group), label);

  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_box_append (GTK_BOX (group), label);

  if (!radio)
    {
      label = gtk_label_new (_("Choose all that apply."));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_start (label, 12);
      gtk_box_append (GTK_BOX (group), label);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (group),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, heading,
                                  -1);

  for (guint o = 0; o < array_length (options); o++)
    {
      JsonObject *option = json_array_get_object_element (options, o);
      const char *option_id = sp_json_get_string_or (option, "id", "");
      const char *option_label = sp_json_get_string_or (option, "label", "");
      /* Grouped check buttons draw as radio buttons: say so to screen readers too. */
      GtkWidget *button = g_object_new (GTK_TYPE_CHECK_BUTTON,
                                        "accessible-role", radio ? GTK_ACCESSIBLE_ROLE_RADIO
                                                                 : GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                        NULL);
      /* A wrapping label: long answers stay readable in a narrow window. */
      GtkWidget *text_label = gtk_label_new (option_label);

      gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (text_label), 0);
      gtk_check_button_set_child (GTK_CHECK_BUTTON (button), text_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, option_label, -1);
      gtk_widget_set_margin_start (button, 12);
      gtk_widget_set_margin_end (button, 12);
      if (o + 1 == array_length (options))
        gtk_widget_set_margin_bottom (button, 12);
      if (radio)
        {
          if (first == NULL)
            first = GTK_CHECK_BUTTON (button);
          else
            gtk_check_button_set_group (GTK_CHECK_BUTTON (button), first);
        }
      g_object_set_data_full (G_OBJECT (button), "option-id", g_strdup (option_id), g_free);
      if (chosen != NULL && g_strv_contains ((const char * const *) chosen, option_id))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (button), TRUE);
      gtk_box_append (GTK_BOX (group), button);
    }

  /* Connected after restoring the stored state: nothing is re-saved. */
  for (GtkWidget *child = gtk_widget_get_first_child (group); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child))
      g_signal_connect (child, "toggled", G_CALLBACK (on_option_toggled), self);

  return group;
}

static void
show_step (SpSelfcheckPage *self,
           int              step)
{
  g_autoptr(GError) error = NULL;
  Step *s;
  JsonArray *questions;
  GtkWidget *box, *label;
  g_autofree char *progress = NULL;
  g_autofree char *title = NULL;
  const char *description;
  guint n_questions;

  if (self->run == NULL)
    return;
  if (self->steps->len == 0)
    {
      show_toast (self, _("This catalogue has no competences"));
      show_start (self);
      return;
    }

  self->step = CLAMP (step, 0, (int) self->steps->len - 1);
  s = &g_array_index (self->steps, Step, self->step);
  if (!sp_selfcheck_run_set_step (get_db (self), self->run->id, self->step, &error))
    g_warning ("Cannot remember the step: %s", error->message);

  /* Translators: progress of the self-check, e.g. "Area 2 of 6 · Competence 3 of 4" */
  progress = g_strdup_printf (_("Area %u of %u · Competence %u of %u"),
                              s->area_index + 1, s->n_areas, s->index_in_area + 1, s->n_in_area);
  gtk_label_set_label (self->progress_label, progress);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) (self->step + 1) / self->steps->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, progress,
                                  -1);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  label = gtk_label_new (NULL);
  title = g_strdup_printf ("%s %s", sp_json_get_string_or (s->area, "code", ""), sp_json_get_string_or (s->area, "title", ""));
  gtk_label_set_label (GTK_LABEL (label), title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  g_clear_pointer (&title, g_free);

  label = gtk_label_new (NULL);
  title = g_strdup_printf ("%s %s", sp_json_get_string_or (s->competence, "code", ""), sp_json_get_string_or (s->competence, "title", ""));
  gtk_label_set_label (GTK_LABEL (label), title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (box), label);

  description = sp_json_get_string_or (s->competence, "description", "");
  if (*description != '\0')
    {
      label = gtk_label_new (description);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }

  questions = obj_array (s->competence, "questions");
  n_questions = array_length (questions);
  for (guint q = 0; q < n_questions; q++)
    gtk_box_append (GTK_BOX (box),
                    build_question (self, json_array_get_object_element (questions, q), q + 1, n_questions));

  adw_bin_set_child (self->step_bin, box);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->step_scroller), 0);

  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->step > 0);
  gtk_button_set_label (self->next_button,
                        self->step + 1 >= (int) self->steps->len ? _("Show Result") : _("Next"));
  update_unanswered (self);
  gtk_stack_set_visible_child_name (self->stack, "run");
}

static void
on_previous_clicked (SpSelfcheckPage *self)
{
  show_step (self, self->step - 1);
}

static void
finish_run (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpCompetenceScore) score = NULL;

  score = sp_competence_score (self->catalogue, self->answers, NULL, &error);
  if (score == NULL ||
      !sp_selfcheck_run_finish (get_db (self), self->run->id, score, &error))
    {
      report_error (self, _("Cannot compute the result"), error);
      return;
    }

  /* Re-read: the run now has its finish time. */
  if (load_run (self, self->run->id))
    show_result (self);
}

static void
on_finish_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SpSelfcheckPage  *self)
{
  if (g_strcmp0 (response, "finish") == 0 && self->run != NULL)
    finish_run (self);
  g_object_unref (self);
}

static void
on_next_clicked (SpSelfcheckPage *self)
{
  guint unanswered;

  if (self->run == NULL)
    return;
  if (self->step + 1 < (int) self->steps->len)
    {
      show_step (self, self->step + 1);
      return;
    }

  unanswered = count_unanswered (self);
  if (unanswered > 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      g_autofree char *body = g_strdup_printf (ngettext ("%u question is unanswered. It counts as 0 points.",
                                                         "%u questions are unanswered. They count as 0 points.",
                                                         unanswered), unanswered);
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Show the Result?"), body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "back", _("Keep Answering"),
                                        "finish", _("Show Result"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "finish",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "back");
      g_signal_connect (dialog, "response", G_CALLBACK (on_finish_response), g_object_ref (self));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  finish_run (self);
}

/* -- result ------------------------------------------------------------- */

static GtkWidget *
level_row (const char *title,
           const char *subtitle,
           const char *value,
           const char *change)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;
  g_autofree char *description = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (change != NULL)
    {
      label = gtk_label_new (change);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  label = gtk_label_new (value);
  gtk_widget_add_css_class (label, "title-3");
  gtk_label_set_width_chars (GTK_LABEL (label), 3);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  description = change != NULL ? g_strdup_printf ("%s · %s", subtitle, change) : g_strdup (subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  return row;
}

static char *
describe_change (int    level,
                 int    previous,
                 int    previous_year)
{
  int delta = level - previous;

  if (delta > 0)
    /* Translators: level change since an earlier year, e.g. "+1 since 2025" */
    return g_strdup_printf (_("+%d since %d"), delta, previous_year);
  if (delta < 0)
    return g_strdup_printf (_("−%d since %d"), -delta, previous_year);
  return g_strdup_printf (_("same as %d"), previous_year);
}

static void
fill_levels (SpSelfcheckPage *self,
             GHashTable      *previous,
             int              previous_year)
{
  clear_list_box (self->levels_list);

  for (guint a = 0; a < self->score->areas->len; a++)
    {
      SpCompetenceAreaLevel *area = g_ptr_array_index (self->score->areas, a);
      g_autofree char *title = g_strdup_printf (_("Area %s %s"), area->code, area->title);
      g_autofree char *value = g_strdup_printf ("%.1f", area->level);
      g_autofree char *subtitle = g_strdup_printf (_("Mean level of the area: %.1f of 5"), area->level);
      GtkWidget *row = level_row (title, subtitle, value, NULL);

      gtk_widget_add_css_class (row, "property");
      gtk_list_box_append (self->levels_list, row);

      for (guint c = 0; c < self->score->competences->len; c++)
        {
          SpCompetenceLevel *level = g_ptr_array_index (self->score->competences, c);
          g_autofree char *ctitle = NULL, *csubtitle = NULL, *cvalue = NULL, *change = NULL;
          gpointer prev;

          if (g_strcmp0 (level->area_code, area->code) != 0)
            continue;
          ctitle = g_strdup_printf ("%s %s", level->code, level->title);
          cvalue = g_strdup_printf ("%d", level->level);
          /* Translators: "Level 3 of 5: selbstständige Anwendung" */
          csubtitle = g_strdup_printf (_("Level %d of 5: %s"), level->level,
                                       level_label (self, level->level) ? level_label (self, level->level) : "");
          if (previous != NULL && g_hash_table_lookup_extended (previous, level->code, NULL, &prev))
            change = describe_change (level->level, GPOINTER_TO_INT (prev), previous_year);
          gtk_list_box_append (self->levels_list, level_row (ctitle, csubtitle, cvalue, change));
        }
    }
}

static void
fill_recommendations (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) training = sp_training_catalogue_export_db (get_db (self), &error);
  g_autoptr(GPtrArray) recs = NULL;

  if (training == NULL)
    g_warning ("Cannot read the training catalogue: %s", error->message);

  clear_list_box (self->recommendations_list);
  recs = sp_competence_recommend (self->catalogue, self->score, training);

  for (guint i = 0; i < recs->len; i++)
    {
      SpCompetenceRecommendation *rec = g_ptr_array_index (recs, i);
      SpCompetenceLevel *level = sp_competence_score_get (self->score, rec->competence_code);
      const char *title = rec->training != NULL ? sp_json_get_string_or (rec->training, "title", "") : rec->training_id;
      const char *url = rec->training != NULL ? sp_json_get_string_or (rec->training, "url", "") : "";
      const char *provider = rec->training != NULL ? sp_json_get_string_or (rec->training, "provider", "") : "";
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row = adw_action_row_new ();

      /* Translators: why a training is recommended, e.g. "For 1.1 Browsing (your level: 2)" */
      g_string_append_printf (subtitle, _("For %s %s (your level: %d)"), rec->competence_code,
                              level != NULL ? level->title : "", rec->level);
      if (*provider != '\0')
        g_string_append_printf (subtitle, " · %s", provider);
      if (rec->note != NULL && *rec->note != '\0')
        g_string_append_printf (subtitle, " · %s", rec->note);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      if (*url != '\0')
        {
          GtkWidget *link = gtk_link_button_new_with_label (url, _("Open"));
          g_autofree char *name = g_strdup_printf (_("Open “%s”"), title);

          gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (link),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), link);
        }
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle->str,
                                      -1);
      gtk_list_box_append (self->recommendations_list, row);
    }

  if (recs->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No recommendations for your levels in this catalogue"));
      gtk_list_box_append (self->recommendations_list, row);
    }
}

static void
update_submit_state (SpSelfcheckPage *self)
{
  gboolean submitted = self->run != NULL && self->run->submitted;

  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !submitted);
  gtk_button_set_label (self->submit_button, submitted ? _("Submitted") : _("Submit Anonymously…"));
  if (submitted)
    gtk_label_set_label (self->submit_status, _("Submitted anonymously. Thank you!"));
}

static void
show_result (SpSelfcheckPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpSelfcheckRun) previous = NULL;
  g_autoptr(GHashTable) previous_levels = NULL;
  JsonObject *catalogue;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GString) scale = g_string_new (NULL);

  if (self->run == NULL)
    return;

  g_clear_pointer (&self->score, sp_competence_score_free);
  self->score = sp_competence_score (self->catalogue, self->answers, NULL, &error);
  if (self->score == NULL)
    {
      report_error (self, _("Cannot compute the result"), error);
      show_start (self);
      return;
    }

  previous = sp_selfcheck_run_find_previous (get_db (self), self->run, &error);
  if (previous != NULL)
    previous_levels = sp_selfcheck_results_load (get_db (self), previous->id, NULL);

  catalogue = json_node_get_object (self->catalogue);
  /* Translators: result heading, e.g. "Your Result 2026" */
  title = g_strdup_printf (_("Your Result %d"), self->run->year);
  gtk_label_set_label (self->result_title, title);
  if (previous_levels != NULL)
    /* Translators: e.g. "DigComp, version 1 · compared with 2025" */
    subtitle = g_strdup_printf (_("%s, version %d · compared with %d"),
                                sp_json_get_string_or (catalogue, "title", ""), (int) sp_json_get_int_or (catalogue, "version", 0),
                                previous->year);
  else
    subtitle = g_strdup_printf (_("%s, version %d"),
                                sp_json_get_string_or (catalogue, "title", ""), (int) sp_json_get_int_or (catalogue, "version", 0));
  gtk_label_set_label (self->result_subtitle, subtitle);

  for (int level = SP_COMPETENCE_LEVEL_MIN; level <= SP_COMPETENCE_LEVEL_MAX; level++)
    g_string_append_printf (scale, "%s%d %s", level > 1 ? " · " : "", level,
                            level_label (self, level) ? level_label (self, level) : "");
  if (previous_levels != NULL)
    /* Translators: legend of the chart's marker */
    {
      g_string_append_c (scale, '\n');
      g_string_append_printf (scale, _("The black line marks your level of %d."), previous->year);
    }
  adw_preferences_group_set_description (self->chart_group, scale->str);

  sp_competence_chart_set_data (self->chart, self->score, previous_levels,
                                previous != NULL ? previous->year : 0);
  fill_levels (self, previous_levels, previous != NULL ? previous->year : 0);
  fill_recommendations (self);

  gtk_editable_set_text (GTK_EDITABLE (self->submit_org_unit_row),
                         self->run->org_unit != NULL ? self->run->org_unit : "");
  gtk_label_set_label (self->submit_status, "");
  update_submit_state (self);

  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
on_overview_clicked (SpSelfcheckPage *self)
{
  clear_run (self);
  show_start (self);
}

/* -- submission --------------------------------------------------------- */

typedef struct {
  SpSelfcheckPage *self;
  char            *run_id;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_object (&data->self);
  g_free (data->run_id);
  g_free (data);
}

static void
on_submitted (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SubmitData *data = user_data;
  SpSelfcheckPage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = sp_api_client_request_json_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      submit_data_free (data);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), TRUE);

  if (answer == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
        text = g_strdup (_("Submit later, you are offline. Your result stays on this device."));
      else if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
        text = g_strdup (_("Sign in again to submit. Your result stays on this device."));
      else
        /* Translators: %s is the server's explanation */
        text = g_strdup_printf (_("The server did not accept the submission: %s"), error->message);
      gtk_label_set_label (self->submit_status, text);
      show_toast (self, text);
      submit_data_free (data);
      return;
    }

  if (!sp_selfcheck_run_set_submitted (get_db (self), data->run_id, &error))
    g_warning ("Cannot mark the self-check as submitted: %s", error->message);
  if (self->run != NULL && g_strcmp0 (self->run->id, data->run_id) == 0)
    {
      self->run->submitted = TRUE;
      update_submit_state (self);
    }
  show_toast (self, _("Submitted anonymously. Thank you!"));
  submit_data_free (data);
}

static void
send_submission (SpSelfcheckPage *self,
                 const char      *org_unit)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *catalogue = json_node_get_object (self->catalogue);
  SubmitData *data;

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file) ||
      base_url == NULL || token == NULL)
    {
      gtk_label_set_label (self->submit_status,
                           _("Sign in to submit. Your result stays on this device."));
      return;
    }

  /* Remember the unit for this run and the next self-check. */
  g_free (self->run->org_unit);
  self->run->org_unit = g_strdup (org_unit);
  {
    sqlite3_stmt *stmt = sp_db_prepare (get_db (self),
                                        "UPDATE selfcheck_run SET org_unit = ? WHERE id = ?", &error);
    if (stmt != NULL)
      {
        sqlite3_bind_text (stmt, 1, org_unit, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, self->run->id, -1, SQLITE_TRANSIENT);
        sqlite3_step (stmt);
        sqlite3_reset (stmt);
      }
    sp_db_meta_set (get_db (self), META_LAST_ORG_UNIT, org_unit, NULL);
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "catalogue");
  json_builder_add_string_value (builder, sp_json_get_string_or (catalogue, "id", ""));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, (int) sp_json_get_int_or (catalogue, "version", 0));
  json_builder_set_member_name (builder, "org_unit");
  json_builder_add_string_value (builder, org_unit);
  json_builder_set_member_name (builder, "year");
  json_builder_add_int_value (builder, self->run->year);
  json_builder_set_member_name (builder, "levels");
  json_builder_add_value (builder, sp_competence_score_levels_json (self->score));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  g_cancellable_cancel (self->submit_cancellable);
  g_clear_object (&self->submit_cancellable);
  self->submit_cancellable = g_cancellable_new ();

  data = g_new0 (SubmitData, 1);
  data->self = g_object_ref (self);
  data->run_id = g_strdup (self->run->id);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), FALSE);
  gtk_label_set_label (self->submit_status, _("Submitting…"));
  sp_api_client_request_json_async (base_url, token, ca_file, "POST",
                                    "/api/v1/competence/submissions", body,
                                    self->submit_cancellable, on_submitted, data);
}

static void
on_submit_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SpSelfcheckPage  *self)
{
  if (g_strcmp0 (response, "submit") == 0 && self->run != NULL && self->score != NULL)
    {
      const char *org_unit = g_object_get_data (G_OBJECT (dialog), "org-unit");
      send_submission (self, org_unit);
    }
  g_object_unref (self);
}

static void
on_submit_clicked (SpSelfcheckPage *self)
{
  g_autofree char *org_unit = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->submit_org_unit_row))));
  JsonObject *catalogue;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) levels = NULL;
  GtkWidget *dialog;
  guint n_levels;

  if (self->run == NULL || self->score == NULL)
    return;
  if (*org_unit == '\0' || strlen (org_unit) > ORG_UNIT_MAX_LEN)
    {
      gtk_label_set_label (self->submit_status,
                           _("Enter your organisational unit to submit."));
      gtk_widget_grab_focus (GTK_WIDGET (self->submit_org_unit_row));
      return;
    }

  catalogue = json_node_get_object (self->catalogue);
  levels = sp_competence_score_levels_json (self->score);
  n_levels = json_object_get_size (json_node_get_object (levels));
  body = g_strdup_printf (ngettext ("Only this is sent: the catalogue “%s”, version %d"
                                    ", the organisational unit “%s”, the year %d and your level for %u competence.\n\n"
                                    "Your answers, your name and your user account are not sent. The server stores no time and no address with it, and HR only sees groups of at least five people.",
                                    "Only this is sent: the catalogue “%s”, version %d"
                                    ", the organisational unit “%s”, the year %d and your levels for %u competences.\n\n"
                                    "Your answers, your name and your user account are not sent. The server stores no time and no address with it, and HR only sees groups of at least five people.",
                                    n_levels),
                          sp_json_get_string_or (catalogue, "id", ""), (int) sp_json_get_int_or (catalogue, "version", 0),
                          org_unit, self->run->year, n_levels);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Submit Anonymously?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("Cancel"),
                                    "submit", _("Submit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "submit",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "submit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "org-unit", g_steal_pointer (&org_unit), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_submit_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* -- GObject ------------------------------------------------------------ */

static void
sp_selfcheck_page_constructed (GObject *object)
{
  SpSelfcheckPage *self = SP_SELFCHECK_PAGE (object);
  g_autofree char *last_org_unit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  G_OBJECT_CLASS (sp_selfcheck_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  gtk_spin_button_set_value (self->year_spin, g_date_time_get_year (now));
  last_org_unit = sp_db_meta_get (get_db (self), META_LAST_ORG_UNIT);
  if (last_org_unit != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->org_unit_row), last_org_unit);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  show_start (self);
}

static void
sp_selfcheck_page_dispose (GObject *object)
{
  SpSelfcheckPage *self = SP_SELFCHECK_PAGE (object);

  g_cancellable_cancel (self->submit_cancellable);
  g_clear_object (&self->submit_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SELFCHECK_PAGE);
  clear_run (self);
  g_clear_object (&self->store);
  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  self->server_func = NULL;

  G_OBJECT_CLASS (sp_selfcheck_page_parent_class)->dispose (object);
}

static void
sp_selfcheck_page_finalize (GObject *object)
{
  SpSelfcheckPage *self = SP_SELFCHECK_PAGE (object);

  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->catalogue_ids, g_strfreev);

  G_OBJECT_CLASS (sp_selfcheck_page_parent_class)->finalize (object);
}

static void
sp_selfcheck_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpSelfcheckPage *self = SP_SELFCHECK_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_selfcheck_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SpSelfcheckPage *self = SP_SELFCHECK_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_selfcheck_page_class_init (SpSelfcheckPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_selfcheck_page_constructed;
  object_class->dispose = sp_selfcheck_page_dispose;
  object_class->finalize = sp_selfcheck_page_finalize;
  object_class->get_property = sp_selfcheck_page_get_property;
  object_class->set_property = sp_selfcheck_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SP_TYPE_COMPETENCE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/competence/sp-selfcheck-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, resume_group);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, resume_row);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, catalogue_row);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, catalogue_titles);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, org_unit_row);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, year_spin);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, step_scroller);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, step_bin);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, unanswered_label);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, result_title);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, result_subtitle);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, chart_group);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, chart);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, levels_list);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, recommendations_group);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, recommendations_list);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, submit_org_unit_row);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, submit_status);
  gtk_widget_class_bind_template_child (widget_class, SpSelfcheckPage, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, on_history_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_resume_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_discard_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_overview_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
}

static void
sp_selfcheck_page_init (SpSelfcheckPage *self)
{
  self->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_selfcheck_page_new (SpLocalStore          *store,
                       SpServerAccessFunc  server_func,
                       gpointer               user_data,
                       GDestroyNotify         destroy)
{
  SpSelfcheckPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_SELFCHECK_PAGE, "store", store, NULL);
  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  return GTK_WIDGET (self);
}
