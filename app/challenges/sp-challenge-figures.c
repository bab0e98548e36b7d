/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-challenge-figures"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-bar-chart.h"
#include "sp-challenge-figures.h"

enum { PROBLEMS, DEVELOPED, ACCEPTED, N_FIGURES };

typedef struct
{
  char   year[5];
  double counts[N_FIGURES];
} Year;

struct _SpChallengeFigures
{
  AdwBin          parent_instance;

  SpLocalStore   *store;
  GArray         *years;              /* Year, oldest first */
  guint64         totals[N_FIGURES];

  GtkBox         *totals_box;
  GtkDrawingArea *chart;
  GtkListBox     *challenges_list;
};

G_DEFINE_FINAL_TYPE (SpChallengeFigures, sp_challenge_figures, ADW_TYPE_BIN)

static const char *
figure_name (guint figure)
{
  switch (figure)
    {
    case PROBLEMS:
      return _("Problems posted");
    case DEVELOPED:
      return _("Solutions developed");
    default:
      return _("Solutions accepted");
    }
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SpChallengeFigures *self = user_data;
  g_autofree const char **labels = g_new0 (const char *, self->years->len + 1);
  g_autofree double *values = g_new0 (double, N_FIGURES * self->years->len + 1);
  const char *legend[N_FIGURES];
  SpBarChartData data = { 0 };

  for (guint f = 0; f < N_FIGURES; f++)
    legend[f] = figure_name (f);
  for (guint i = 0; i < self->years->len; i++)
    {
      Year *y = &g_array_index (self->years, Year, i);

      labels[i] = y->year;
      memcpy (values + i * N_FIGURES, y->counts, sizeof y->counts);
    }

  cairo_translate (cr, 12, 12);
  data.n_series = N_FIGURES;
  data.series_labels = legend;
  data.n_categories = self->years->len;
  data.category_labels = labels;
  data.values = values;
  sp_bar_chart_draw (GTK_WIDGET (area), cr, width - 24, height - 24, &data);
}

static GtkWidget *
total_card (guint   figure,
            guint64 value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  g_autofree char *accessible = g_strdup_printf ("%s: %s", figure_name (figure), number);
  GtkWidget *value_label = gtk_label_new (number);
  GtkWidget *name_label = gtk_label_new (figure_name (figure));

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "figure-card");
  gtk_widget_add_css_class (value_label, "title-1");
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (name_label), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_margin_top (value_label, 18);
  gtk_widget_set_margin_bottom (name_label, 18);
  return box;
}

static void
add_to_year (SpChallengeFigures *self,
             const char         *day,
             const double        counts[N_FIGURES])
{
  Year *y = NULL;

  if (day == NULL || strlen (day) < 4 || !g_ascii_isdigit (day[0]))
    return;
  for (guint i = 0; i < self->years->len && y == NULL; i++)
    if (strncmp (g_array_index (self->years, Year, i).year, day, 4) == 0)
      y = &g_array_index (self->years, Year, i);
  if (y == NULL)
    {
      Year fresh = { { 0 }, { 0 } };
      guint at = 0;

      memcpy (fresh.year, day, 4);
      while (at < self->years->len && strcmp (g_array_index (self->years, Year, at).year, fresh.year) < 0)
        at++;
      g_array_insert_val (self->years, at, fresh);
      y = &g_array_index (self->years, Year, at);
    }
  for (guint f = 0; f < N_FIGURES; f++)
    y->counts[f] += counts[f];
}

static char *
describe (SpChallengeFigures *self)
{
  GString *text = g_string_new (_("Problems posted, solutions developed and accepted per year"));

  for (guint i = 0; i < self->years->len; i++)
    {
      Year *y = &g_array_index (self->years, Year, i);

      g_string_append_printf (text, _("; %s: %.0f problems, %.0f solutions, %.0f accepted"),
                              y->year, y->counts[PROBLEMS], y->counts[DEVELOPED], y->counts[ACCEPTED]);
    }
  return g_string_free (text, FALSE);
}

void
sp_challenge_figures_reload (SpChallengeFigures *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  GtkWidget *child;
  sqlite3_stmt *stmt;

  g_return_if_fail (SP_IS_CHALLENGE_FIGURES (self));

  if (self->store == NULL)
    return;

  g_array_set_size (self->years, 0);
  memset (self->totals, 0, sizeof self->totals);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->challenges_list))) != NULL)
    gtk_list_box_remove (self->challenges_list, child);

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT coalesce(c.title, ''), coalesce(c.department, ''),"
                        "  coalesce(nullif(c.event_date, ''), c.deadline, ''),"
                        "  (SELECT count(*) FROM challenge_solution s WHERE s.challenge_id = c.id"
                        "     AND s.deleted = 0 AND coalesce(s.state, 'submitted') <> 'spam'),"
                        "  (SELECT count(*) FROM challenge_solution s WHERE s.challenge_id = c.id"
                        "     AND s.deleted = 0 AND s.state IN ('accepted', 'winner'))"
                        " FROM challenge c WHERE c.deleted = 0 AND c.status IN ('published', 'closed')"
                        " ORDER BY 3 DESC, 1",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot count the challenges: %s", error->message);
      return;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *title = (const char *) sqlite3_column_text (stmt, 0);
      const char *department = (const char *) sqlite3_column_text (stmt, 1);
      const char *day = (const char *) sqlite3_column_text (stmt, 2);
      double counts[N_FIGURES] = { 1, sqlite3_column_int (stmt, 3), sqlite3_column_int (stmt, 4) };
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      for (guint f = 0; f < N_FIGURES; f++)
        self->totals[f] += (guint64) counts[f];
      add_to_year (self, day, counts);

      subtitle = g_strdup_printf (ngettext ("%s · %s · %.0f solution, %.0f accepted",
                                            "%s · %s · %.0f solutions, %.0f accepted",
                                            (gulong) counts[DEVELOPED]),
                                  *department ? department : _("no department"),
                                  *day ? day : _("no date"), counts[DEVELOPED], counts[ACCEPTED]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->challenges_list, row);
    }
  sqlite3_reset (stmt);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->totals_box))) != NULL)
    gtk_box_remove (self->totals_box, child);
  for (guint f = 0; f < N_FIGURES; f++)
    gtk_box_append (self->totals_box, total_card (f, self->totals[f]));

  description = describe (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hackathon figures per year"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->chart), description);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
on_store_changed (SpChallengeFigures *self,
                  const char         *entity)
{
  if (entity == NULL || g_str_has_prefix (entity, "challenge"))
    sp_challenge_figures_reload (self);
}

void
sp_challenge_figures_set_store (SpChallengeFigures *self,
                                SpLocalStore       *store)
{
  g_return_if_fail (SP_IS_CHALLENGE_FIGURES (self));
  g_return_if_fail (SP_IS_LOCAL_STORE (store));

  g_set_object (&self->store, store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  sp_challenge_figures_reload (self);
}

static void
sp_challenge_figures_dispose (GObject *object)
{
  SpChallengeFigures *self = SP_CHALLENGE_FIGURES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CHALLENGE_FIGURES);
  g_clear_object (&self->store);
  g_clear_pointer (&self->years, g_array_unref);

  G_OBJECT_CLASS (sp_challenge_figures_parent_class)->dispose (object);
}

static void
sp_challenge_figures_class_init (SpChallengeFiguresClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_challenge_figures_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/challenges/sp-challenge-figures.ui");
  gtk_widget_class_bind_template_child (widget_class, SpChallengeFigures, totals_box);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeFigures, chart);
  gtk_widget_class_bind_template_child (widget_class, SpChallengeFigures, challenges_list);
}

static void
sp_challenge_figures_init (SpChallengeFigures *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->years = g_array_new (FALSE, TRUE, sizeof (Year));
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
}
