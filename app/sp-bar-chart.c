/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bar-chart"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "sp-bar-chart.h"

#define MARGIN        12
#define LEGEND_HEIGHT 24
#define AXIS_WIDTH    24
#define LABEL_HEIGHT  34

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *text,
             double      size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static char *
tick_text (double value)
{
  if (fabs (value - round (value)) < 1e-9)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

static void
draw_legend (cairo_t              *cr,
             const SpBarChartData *data,
             const GdkRGBA        *fg,
             double                x)
{
  for (guint s = 0; s < data->n_series; s++)
    {
      g_autoptr(PangoLayout) layout = make_layout (cr, data->series_labels[s], 12);
      int tw, th;

      gdk_cairo_set_source_rgba (cr, &data->series_colors[s]);
      cairo_rectangle (cr, x, MARGIN + 3, 12, 12);
      cairo_fill (cr);
      x += 16;
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_move_to (cr, x, MARGIN + 9 - th / 2.0);
      pango_cairo_show_layout (cr, layout);
      x += tw + 16;
    }
}

void
sp_bar_chart_render (cairo_t              *cr,
                     int                   width,
                     int                   height,
                     const SpBarChartData *data,
                     const GdkRGBA        *fg)
{
  double axis_width = AXIS_WIDTH;
  double x0, x1 = width - MARGIN;
  double y0 = MARGIN + LEGEND_HEIGHT, y1 = height - MARGIN - LABEL_HEIGHT;
  double slot, unit;
  guint n_ticks, label_every = 1;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (fg != NULL);

  n_ticks = MAX (data->n_ticks, 1);

  /* The axis as wide as its widest number. */
  {
    g_autofree char *top = tick_text (data->max);
    g_autoptr(PangoLayout) layout = make_layout (cr, top, 11);
    int tw, th;

    pango_layout_get_pixel_size (layout, &tw, &th);
    axis_width = MAX (axis_width, tw + 10);
  }
  x0 = MARGIN + axis_width;

  if (data->n_categories == 0 || data->n_series == 0 || data->max <= 0 ||
      x1 - x0 < 40 || y1 - y0 < 40)
    return;

  slot = (x1 - x0) / data->n_categories;
  unit = (y1 - y0) / data->max;
  /* Labels slanted need about 14 px each; thin them out below that. */
  if (slot < 14)
    label_every = (guint) ceil (14 / slot);

  draw_legend (cr, data, fg, x0);

  /* Axis with gridlines */
  cairo_set_line_width (cr, 1);
  for (guint tick = 0; tick <= n_ticks; tick++)
    {
      double value = data->max * tick / n_ticks;
      double y = y1 - value * unit;
      g_autofree char *text = tick_text (value);
      g_autoptr(PangoLayout) layout = make_layout (cr, text, 11);
      int tw, th;

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, tick == 0 ? 0.6 : 0.18);
      cairo_move_to (cr, x0, (int) y + 0.5);
      cairo_line_to (cr, x1, (int) y + 0.5);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_move_to (cr, x0 - tw - 6, y - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  for (guint i = 0; i < data->n_categories; i++)
    {
      double sx = x0 + i * slot;
      double bw = MAX (1, (slot - 6) / data->n_series);
      const char *text = data->category_labels[i];
      g_autoptr(PangoLayout) label = NULL;
      int tw, th;

      for (guint s = 0; s < data->n_series; s++)
        {
          double value = data->values[i * data->n_series + s];

          if (isnan (value))
            continue;
          value = CLAMP (value, 0, data->max);
          gdk_cairo_set_source_rgba (cr, &data->series_colors[s]);
          cairo_rectangle (cr, sx + 3 + s * bw, y1 - value * unit, bw, value * unit);
          cairo_fill (cr);
        }

      if (i % label_every != 0 || text == NULL)
        continue;
      label = make_layout (cr, text, slot < 26 ? 9 : 11);
      pango_layout_get_pixel_size (label, &tw, &th);
      gdk_cairo_set_source_rgba (cr, fg);
      if (tw > slot * label_every - 2)
        {
          /* Narrow slots: the label written upwards-slanted. */
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

void
sp_bar_chart_draw (GtkWidget            *widget,
                   cairo_t              *cr,
                   int                   width,
                   int                   height,
                   const SpBarChartData *data)
{
  g_autofree GdkRGBA *colors = NULL;
  SpBarChartData shown = *data;
  GdkRGBA fg;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (data != NULL);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  if (shown.series_colors == NULL)
    {
      gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

      colors = g_new0 (GdkRGBA, MAX (shown.n_series, 1));
      for (guint s = 0; s < shown.n_series; s++)
        sp_bar_chart_series_color (s, dark, &colors[s]);
      shown.series_colors = colors;
    }
  if (shown.max <= 0)
    {
      double top = 0;

      for (guint i = 0; i < shown.n_series * shown.n_categories; i++)
        if (!isnan (shown.values[i]))
          top = MAX (top, shown.values[i]);
      shown.max = sp_bar_chart_nice_max (MAX (top, 1), &shown.n_ticks);
    }
  sp_bar_chart_render (cr, width, height, &shown, &fg);
}

double
sp_bar_chart_nice_max (double  value,
                       guint  *n_ticks)
{
  static const double steps[] = { 1, 2, 2.5, 5, 10 };
  double magnitude, step = 1;
  guint ticks;

  if (value <= 0 || isnan (value))
    {
      if (n_ticks != NULL)
        *n_ticks = 1;
      return 1;
    }

  /* About 4 or 5 gridlines: a round step, the top a multiple of it. */
  magnitude = pow (10, floor (log10 (value / 4)));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      step = steps[i] * magnitude;
      if (value / step <= 5)
        break;
    }
  if (step < 1)
    step = 1;
  ticks = (guint) ceil (value / step - 1e-9);
  ticks = MAX (ticks, 1);
  if (n_ticks != NULL)
    *n_ticks = ticks;
  return ticks * step;
}

void
sp_bar_chart_series_color (guint     index,
                           gboolean  dark,
                           GdkRGBA  *color)
{
  static const char * const light[] = { "#1a5fb4", "#26a269", "#c64600", "#813d9c" };
  static const char * const night[] = { "#99c1f1", "#8ff0a4", "#ffbe6f", "#dc8add" };

  g_return_if_fail (color != NULL);

  gdk_rgba_parse (color, (dark ? night : light)[index % G_N_ELEMENTS (light)]);
}
