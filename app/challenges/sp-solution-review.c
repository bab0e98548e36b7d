/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-solution-review"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-challenge-solutions.h"
#include "sp-solution-review.h"

#define ENTITY_SOLUTION "challenge_solution"
#define ENTITY_SCORE    "challenge_score"
#define N_STATES        5
#define N_CRITERIA      3

static const char * const criteria[N_CRITERIA] = { "impact", "feasibility", "innovation" };

struct _SpSolutionReview
{
  AdwWindow          parent_instance;

  SpLocalStore      *store;
  char              *solution_id;
  char              *reviewer;
  char              *state;        /* as loaded */
  char              *link;
  gboolean           score_touched;
  gboolean           loading;

  AdwToastOverlay   *toast_overlay;
  GtkLabel          *title_label;
  GtkLabel          *meta_label;
  GtkLabel          *description_label;
  AdwActionRow      *link_row;
  GtkWidget         *link_button;
  AdwActionRow      *licence_row;
  AdwActionRow      *contact_row;
  GtkBox            *state_box;
  AdwPreferencesGroup *score_group;
  GtkBox            *impact_box;
  GtkBox            *feasibility_box;
  GtkBox            *innovation_box;
  GtkToggleButton   *state_buttons[N_STATES];
  GtkToggleButton   *score_buttons[N_CRITERIA][5];
  AdwEntryRow       *comment_row;
  AdwPreferencesGroup *reviews_group;
  GtkListBox        *reviews_list;
};

G_DEFINE_FINAL_TYPE (SpSolutionReview, sp_solution_review, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_score_changed (SpSolutionReview *self)
{
  if (!self->loading)
    self->score_touched = TRUE;
}

/* A row of linked toggle buttons, one active at a time. */
static void
add_choices (SpSolutionReview  *self,
             GtkBox            *box,
             guint              n,
             const char       **labels,
             const char       **names,
             GtkToggleButton  **buttons)
{
  for (guint i = 0; i < n; i++)
    {
      buttons[i] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (labels[i]));
      if (i > 0)
        gtk_toggle_button_set_group (buttons[i], buttons[0]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, names[i], -1);
      gtk_box_append (box, GTK_WIDGET (buttons[i]));
    }
}

static int
chosen (GtkToggleButton **buttons,
        guint             n)
{
  for (guint i = 0; i < n; i++)
    if (gtk_toggle_button_get_active (buttons[i]))
      return (int) i;
  return -1;
}

static void
on_score_toggled (GtkToggleButton  *button,
                  SpSolutionReview *self)
{
  if (gtk_toggle_button_get_active (button))
    on_score_changed (self);
}

static void
on_open_link (SpSolutionReview *self)
{
  if (self->link != NULL && *self->link != '\0')
    gtk_show_uri (GTK_WINDOW (self), self->link, GDK_CURRENT_TIME);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text,
              const char   *empty)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : empty);
}

/* One line per reviewer, then the average. */
static void
fill_reviews (SpSolutionReview *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  sqlite3_stmt *stmt;
  double sum = 0;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reviews_list))) != NULL)
    gtk_list_box_remove (self->reviews_list, child);

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT coalesce(reviewer, ''), impact, feasibility, innovation, coalesce(comment, '')"
                        " FROM challenge_score WHERE solution_id = ?1 AND deleted = 0"
                        "   AND impact BETWEEN 1 AND 5 AND feasibility BETWEEN 1 AND 5"
                        "   AND innovation BETWEEN 1 AND 5 ORDER BY reviewer",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the scores: %s", error->message);
      return;
    }
  sqlite3_bind_text (stmt, 1, self->solution_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *reviewer = (const char *) sqlite3_column_text (stmt, 0);
      int impact = sqlite3_column_int (stmt, 1);
      int feasibility = sqlite3_column_int (stmt, 2);
      int innovation = sqlite3_column_int (stmt, 3);
      const char *comment = (const char *) sqlite3_column_text (stmt, 4);
      double mark = (impact + feasibility + innovation) / 3.0;
      g_autofree char *title = g_strdup_printf (_("%s: %.1f"), reviewer, mark);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (*comment != '\0')
        subtitle = g_strdup_printf (_("Impact %d · Feasibility %d · Innovation %d — “%s”"),
                                    impact, feasibility, innovation, comment);
      else
        subtitle = g_strdup_printf (_("Impact %d · Feasibility %d · Innovation %d"),
                                    impact, feasibility, innovation);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->reviews_list, row);
      sum += mark;
      n++;
    }
  sqlite3_reset (stmt);

  if (n > 0)
    {
      g_autofree char *average =
        g_strdup_printf (ngettext ("Average %.1f of 5 from %u review",
                                   "Average %.1f of 5 from %u reviews", n),
                         sum / n, n);

      adw_preferences_group_set_description (self->reviews_group, average);
    }
  else
    adw_preferences_group_set_description (self->reviews_group, _("Nobody has scored this solution yet."));
  gtk_widget_set_visible (GTK_WIDGET (self->reviews_list), n > 0);
}

static void
load (SpSolutionReview *self)
{
  g_autoptr(JsonObject) fields = sp_form_read_fields (self->store, ENTITY_SOLUTION, self->solution_id);
  g_autoptr(JsonObject) score = NULL;
  const char *team, *created, *state;
  g_autofree char *meta = NULL;
  guint position = 0;

  if (fields == NULL)
    return;

  self->loading = TRUE;
  gtk_label_set_text (self->title_label, sp_json_get_string_or (fields, "title", ""));
  team = sp_json_get_string_or (fields, "team", "");
  created = sp_json_get_string_or (fields, "created", "");
  meta = g_strdup_printf (_("By %s · submitted %.10s"), *team ? team : _("an unnamed team"), created);
  gtk_label_set_text (self->meta_label, meta);
  gtk_label_set_text (self->description_label, sp_json_get_string_or (fields, "description", ""));

  g_free (self->link);
  self->link = g_strdup (sp_json_get_string_or (fields, "link", ""));
  set_subtitle (self->link_row, self->link, _("No link given"));
  gtk_widget_set_visible (self->link_button, *self->link != '\0');
  set_subtitle (self->licence_row, sp_json_get_string (fields, "licence"), _("Not stated"));
  set_subtitle (self->contact_row, sp_json_get_string (fields, "contact"),
                _("None (not given, or deleted after the retention period)"));

  state = sp_json_get_string_or (fields, "state", "submitted");
  g_free (self->state);
  self->state = g_strdup (*state ? state : "submitted");
  for (guint i = 0; sp_solution_states[i] != NULL; i++)
    if (g_str_equal (sp_solution_states[i], self->state))
      position = i;
  gtk_toggle_button_set_active (self->state_buttons[position], TRUE);

  if (self->reviewer != NULL)
    {
      g_autofree char *score_id = sp_challenge_score_id (self->solution_id, self->reviewer);
      g_autofree char *title = g_strdup_printf (_("Your Score (%s)"), self->reviewer);

      adw_preferences_group_set_title (self->score_group, title);
      score = sp_form_read_fields (self->store, ENTITY_SCORE, score_id);
    }
  else
    {
      adw_preferences_group_set_description (self->score_group, _("Sign in to score solutions."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->score_group), FALSE);
    }
  if (score != NULL)
    {
      for (guint c = 0; c < N_CRITERIA; c++)
        {
          gint64 value = sp_json_get_int_or (score, criteria[c], 0);

          if (value >= 1 && value <= 5)
            gtk_toggle_button_set_active (self->score_buttons[c][value - 1], TRUE);
        }
      gtk_editable_set_text (GTK_EDITABLE (self->comment_row), sp_json_get_string_or (score, "comment", ""));
    }
  self->loading = FALSE;

  fill_reviews (self);
}

static gboolean
save_score (SpSolutionReview  *self,
            GError           **error)
{
  g_autofree char *score_id = sp_challenge_score_id (self->solution_id, self->reviewer);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *comment = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_row)));
  g_autofree char *id = NULL;

  json_object_set_string_member (fields, "solution_id", self->solution_id);
  json_object_set_string_member (fields, "reviewer", self->reviewer);
  for (guint c = 0; c < N_CRITERIA; c++)
    {
      int value = chosen (self->score_buttons[c], 5);

      if (value < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Score all three criteria from 1 to 5."));
          return FALSE;
        }
      json_object_set_int_member (fields, criteria[c], value + 1);
    }
  json_object_set_string_member (fields, "comment", g_strstrip (comment));

  id = sp_local_store_save (self->store, ENTITY_SCORE, score_id, fields, error);
  return id != NULL;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SpSolutionReview *self = SP_SOLUTION_REVIEW (widget);
  g_autoptr(GError) error = NULL;
  int position = chosen (self->state_buttons, N_STATES);
  const char *state = position >= 0 ? sp_solution_states[position] : self->state;
  gboolean ok = sp_local_store_begin_batch (self->store, &error);

  if (ok && g_strcmp0 (state, self->state) != 0)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *id = NULL;

      json_object_set_string_member (fields, "state", state);
      ok = (id = sp_local_store_save (self->store, ENTITY_SOLUTION, self->solution_id, fields, &error)) != NULL;
    }
  if (ok && self->reviewer != NULL && self->score_touched)
    ok = save_score (self, &error);
  if (ok)
    ok = sp_local_store_end_batch (self->store, &error);
  else
    sp_local_store_cancel_batch (self->store);

  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the review: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sp_solution_review_dispose (GObject *object)
{
  SpSolutionReview *self = SP_SOLUTION_REVIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SOLUTION_REVIEW);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_solution_review_parent_class)->dispose (object);
}

static void
sp_solution_review_finalize (GObject *object)
{
  SpSolutionReview *self = SP_SOLUTION_REVIEW (object);

  g_free (self->solution_id);
  g_free (self->reviewer);
  g_free (self->state);
  g_free (self->link);

  G_OBJECT_CLASS (sp_solution_review_parent_class)->finalize (object);
}

static void
sp_solution_review_class_init (SpSolutionReviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_solution_review_dispose;
  object_class->finalize = sp_solution_review_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/challenges/sp-solution-review.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, title_label);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, description_label);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, link_row);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, link_button);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, licence_row);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, contact_row);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, state_box);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, score_group);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, impact_box);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, feasibility_box);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, innovation_box);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, comment_row);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, reviews_group);
  gtk_widget_class_bind_template_child (widget_class, SpSolutionReview, reviews_list);
  gtk_widget_class_bind_template_callback (widget_class, on_score_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_open_link);

  gtk_widget_class_install_action (widget_class, "review.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "review.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sp_solution_review_init (SpSolutionReview *self)
{
  const char *state_labels[N_STATES];
  const char *criterion_names[N_CRITERIA] = { _("Impact"), _("Feasibility"), _("Innovation") };
  GtkBox *boxes[N_CRITERIA];

  gtk_widget_init_template (GTK_WIDGET (self));

  g_assert (g_strv_length ((char **) sp_solution_states) == N_STATES);
  for (guint i = 0; i < N_STATES; i++)
    state_labels[i] = sp_solution_state_label (sp_solution_states[i]);
  add_choices (self, self->state_box, N_STATES, state_labels, state_labels, self->state_buttons);

  boxes[0] = self->impact_box;
  boxes[1] = self->feasibility_box;
  boxes[2] = self->innovation_box;
  for (guint c = 0; c < N_CRITERIA; c++)
    {
      static const char *digits[5] = { "1", "2", "3", "4", "5" };
      char *names_mem[5];
      const char *names[5];

      for (guint v = 0; v < 5; v++)
        names[v] = names_mem[v] = g_strdup_printf ("%s %u", criterion_names[c], v + 1);
      add_choices (self, boxes[c], 5, digits, names, self->score_buttons[c]);
      for (guint v = 0; v < 5; v++)
        {
          g_free (names_mem[v]);
          g_signal_connect (self->score_buttons[c][v], "toggled", G_CALLBACK (on_score_toggled), self);
        }
    }
}

SpSolutionReview *
sp_solution_review_new (GtkWindow    *parent,
                        SpLocalStore *store,
                        const char   *solution_id,
                        const char   *reviewer)
{
  SpSolutionReview *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (solution_id != NULL, NULL);

  self = g_object_new (SP_TYPE_SOLUTION_REVIEW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->solution_id = g_strdup (solution_id);
  self->reviewer = reviewer != NULL && *reviewer != '\0' ? g_strdup (reviewer) : NULL;
  load (self);
  return self;
}
