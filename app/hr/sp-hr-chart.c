/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hr-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "sp-bar-chart.h"
#include "sp-hr-chart.h"

typedef struct {
  char   *code;
  char   *title;
  double  mean;      /* NAN: not shown */
  double  previous;  /* NAN: not shown */
} Bar;

struct _SpHrChart
{
  GtkDrawingArea  parent_instance;

  GArray         *bars;   /* Bar */
  char           *group;  /* display name of the group */
  gint64          year;
};

G_DEFINE_FINAL_TYPE (SpHrChart, sp_hr_chart, GTK_TYPE_DRAWING_AREA)

static void
bar_clear (Bar *bar)
{
  g_clear_pointer (&bar->code, g_free);
  g_clear_pointer (&bar->title, g_free);
}

void
sp_hr_chart_render (SpHrChart *self,
                    cairo_t   *cr,
                    int        width,
                    int        height,
                    gboolean   print)
{
  gboolean dark = !print && adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA fg = { 0, 0, 0, 1 }, colors[2];
  g_autofree char *legend_now = NULL, *legend_before = NULL;
  g_autofree const char **codes = NULL;
  g_autofree double *values = NULL;
  const char *legend[2];
  SpBarChartData data = { 0 };

  g_return_if_fail (SP_IS_HR_CHART (self));

  if (!print)
    gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  /* Blue bars with at least 3:1 contrast to the background; the previous
   * year lighter but still visible, and told apart by the legend too. */
  sp_bar_chart_series_color (0, dark, &colors[0]);
  gdk_rgba_parse (&colors[1], dark ? "#5e5c64" : "#9a9996");

  legend_now = g_strdup_printf ("%s %" G_GINT64_FORMAT, self->group ? self->group : "", self->year);
  legend_before = g_strdup_printf ("%" G_GINT64_FORMAT, self->year - 1);
  legend[0] = legend_now;
  legend[1] = legend_before;

  codes = g_new0 (const char *, self->bars->len + 1);
  values = g_new0 (double, 2 * self->bars->len + 1);
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);

      codes[i] = bar->code;
      values[2 * i] = bar->mean;
      values[2 * i + 1] = bar->previous;
    }

  data.n_series = 2;
  data.series_labels = legend;
  data.series_colors = colors;
  data.n_categories = self->bars->len;
  data.category_labels = codes;
  data.values = values;
  data.max = 5;
  data.n_ticks = 5;
  sp_bar_chart_render (cr, width, height, &data, &fg);
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  sp_hr_chart_render (SP_HR_CHART (area), cr, width, height, FALSE);
}

char *
sp_hr_chart_describe (SpHrChart *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (SP_IS_HR_CHART (self), NULL);

  g_string_append_printf (text, _("Mean level per competence (1 to 5), %s, %d compared with %d"),
                          self->group ? self->group : "", (int) self->year, (int) (self->year - 1));
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      g_autofree char *now = NULL, *before = NULL;

      now = isnan (bar->mean) ? g_strdup (_("not shown")) : g_strdup_printf ("%.2f", bar->mean);
      before = isnan (bar->previous) ? g_strdup (_("not shown")) : g_strdup_printf ("%.2f", bar->previous);
      g_string_append_c (text, '\n');
      /* Translators: competence code, title, this year's and last year's mean */
      g_string_append_printf (text, _("%s %s: %s (previous year: %s)"),
                              bar->code, bar->title ? bar->title : "", now, before);
    }
  return g_string_free (text, FALSE);
}

void
sp_hr_chart_set_data (SpHrChart  *self,
                      SpHrReport *current,
                      SpHrReport *previous,
                      const char *org_unit,
                      GHashTable *titles)
{
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *description = NULL;
  SpHrGroup *group, *before;

  g_return_if_fail (SP_IS_HR_CHART (self));

  g_array_set_size (self->bars, 0);
  g_clear_pointer (&self->group, g_free);
  self->year = current != NULL ? current->year : 0;

  if (current != NULL)
    {
      group = sp_hr_report_find (current, org_unit);
      before = sp_hr_report_find (previous, org_unit);
      self->group = g_strdup (org_unit != NULL ? org_unit : _("All org units"));
      codes = sp_hr_report_codes (current, NULL);

      for (guint i = 0; i < codes->len; i++)
        {
          const char *code = g_ptr_array_index (codes, i);
          Bar bar = { g_strdup (code), NULL, NAN, NAN };

          bar.title = g_strdup (titles ? g_hash_table_lookup (titles, code) : NULL);
          sp_hr_group_get_level (group, code, &bar.mean);
          sp_hr_group_get_level (before, code, &bar.previous);
          g_array_append_val (self->bars, bar);
        }
    }

  description = sp_hr_chart_describe (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sp_hr_chart_finalize (GObject *object)
{
  SpHrChart *self = SP_HR_CHART (object);

  g_clear_pointer (&self->bars, g_array_unref);
  g_free (self->group);

  G_OBJECT_CLASS (sp_hr_chart_parent_class)->finalize (object);
}

static void
sp_hr_chart_class_init (SpHrChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sp_hr_chart_finalize;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sp_hr_chart_init (SpHrChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, (GDestroyNotify) bar_clear);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), 300);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_chart, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Competence chart"),
                                  -1);
}

GtkWidget *
sp_hr_chart_new (void)
{
  return g_object_new (SP_TYPE_HR_CHART, NULL);
}
