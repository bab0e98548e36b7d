/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hr-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "sp-hr-chart.h"

#define MARGIN        12
#define LEGEND_HEIGHT 24
#define AXIS_WIDTH    24
#define LABEL_HEIGHT  34

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

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *text,
             double      size,
             gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

void
sp_hr_chart_render (SpHrChart *self,
                    cairo_t   *cr,
                    int        width,
                    int        height,
                    gboolean   print)
{
  gboolean dark = !print && adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA fg = { 0, 0, 0, 1 }, current, before;
  double x0 = MARGIN + AXIS_WIDTH, x1 = width - MARGIN;
  double y0 = MARGIN + LEGEND_HEIGHT, y1 = height - MARGIN - LABEL_HEIGHT;
  double slot, unit;
  g_autofree char *legend_now = NULL, *legend_before = NULL;

  g_return_if_fail (SP_IS_HR_CHART (self));

  if (!print)
    gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  /* Blue bars with at least 3:1 contrast to the background; the previous
   * year lighter but still visible, and told apart by the legend too. */
  gdk_rgba_parse (&current, dark ? "#99c1f1" : "#1a5fb4");
  gdk_rgba_parse (&before, dark ? "#5e5c64" : "#9a9996");

  if (self->bars->len == 0 || x1 - x0 < 40 || y1 - y0 < 40)
    return;

  slot = (x1 - x0) / self->bars->len;
  unit = (y1 - y0) / 5.0;

  /* Legend */
  {
    g_autoptr(PangoLayout) a = NULL, b = NULL;
    int tw, th;
    double x = x0;

    legend_now = g_strdup_printf ("%s %" G_GINT64_FORMAT, self->group ? self->group : "", self->year);
    legend_before = g_strdup_printf ("%" G_GINT64_FORMAT, self->year - 1);
    a = make_layout (cr, legend_now, 12, FALSE);
    b = make_layout (cr, legend_before, 12, FALSE);

    gdk_cairo_set_source_rgba (cr, &current);
    cairo_rectangle (cr, x, MARGIN + 3, 12, 12);
    cairo_fill (cr);
    x += 16;
    pango_layout_get_pixel_size (a, &tw, &th);
    gdk_cairo_set_source_rgba (cr, &fg);
    cairo_move_to (cr, x, MARGIN + 9 - th / 2.0);
    pango_cairo_show_layout (cr, a);
    x += tw + 16;

    gdk_cairo_set_source_rgba (cr, &before);
    cairo_rectangle (cr, x, MARGIN + 3, 12, 12);
    cairo_fill (cr);
    x += 16;
    gdk_cairo_set_source_rgba (cr, &fg);
    cairo_move_to (cr, x, MARGIN + 9 - th / 2.0);
    pango_cairo_show_layout (cr, b);
  }

  /* Axis 0..5 with gridlines */
  cairo_set_line_width (cr, 1);
  for (int level = 0; level <= 5; level++)
    {
      double y = y1 - level * unit;
      g_autofree char *text = g_strdup_printf ("%d", level);
      g_autoptr(PangoLayout) layout = make_layout (cr, text, 11, FALSE);
      int tw, th;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, level == 0 ? 0.6 : 0.18);
      cairo_move_to (cr, x0, (int) y + 0.5);
      cairo_line_to (cr, x1, (int) y + 0.5);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, x0 - tw - 6, y - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      double sx = x0 + i * slot;
      double bw = MAX (2, (slot - 6) / 2);
      g_autoptr(PangoLayout) label = make_layout (cr, bar->code, slot < 26 ? 9 : 11, FALSE);
      int tw, th;

      if (!isnan (bar->mean))
        {
          gdk_cairo_set_source_rgba (cr, &current);
          cairo_rectangle (cr, sx + 3, y1 - bar->mean * unit, bw, bar->mean * unit);
          cairo_fill (cr);
        }
      if (!isnan (bar->previous))
        {
          gdk_cairo_set_source_rgba (cr, &before);
          cairo_rectangle (cr, sx + 3 + bw, y1 - bar->previous * unit, bw, bar->previous * unit);
          cairo_fill (cr);
        }

      pango_layout_get_pixel_size (label, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &fg);
      if (tw > slot - 2)
        {
          /* Narrow slots: the code written upwards-slanted. */
          cairo_save (cr);
          cairo_move_to (cr, sx + slot / 2 - 4, y1 + 4 + tw * 0.7);
          cairo_rotate (cr, -G_PI / 4);
          pango_cairo_show_layout (cr, label);
          cairo_restore (cr);
        }
      else
        {
          cairo_move_to (cr, sx + (slot - tw) / 2, y1 + 4);
          pango_cairo_show_layout (cr, label);
        }
    }
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
