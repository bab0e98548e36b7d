/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Grouped bar chart drawing shared by the pages' charts (HR report, bot
 * KPIs): a legend of the series on top, a value axis from 0 to @max with
 * @n_ticks gridlines, and per category one bar per series next to each
 * other with the category label below (slanted when the slots are narrow,
 * thinned out when even that does not fit). Charts wrap this in their own
 * widget and keep a text alternative of the same values. */

typedef struct
{
  guint               n_series;
  const char * const *series_labels;   /* legend, n_series */
  const GdkRGBA      *series_colors;   /* n_series */
  guint               n_categories;
  const char * const *category_labels; /* n_categories */
  const double       *values;          /* n_categories * n_series, by category; NAN: no bar */
  double              max;             /* top of the axis (> 0) */
  guint               n_ticks;         /* gridlines above 0 */
} SpBarChartData;

/* Draws @data into @cr at 0,0 in @width x @height, text and lines in @fg. */
void   sp_bar_chart_render       (cairo_t              *cr,
                                  int                   width,
                                  int                   height,
                                  const SpBarChartData *data,
                                  const GdkRGBA        *fg);

/* The body of a chart's GtkDrawingArea draw function: draws @data like
 * sp_bar_chart_render() with text and lines in @widget's colour and, where
 * @data leaves them unset, the series in the palette of the current light
 * or dark style (series_colors NULL) and the axis top from
 * sp_bar_chart_nice_max() over the values (max <= 0). */
void   sp_bar_chart_draw         (GtkWidget            *widget,
                                  cairo_t              *cr,
                                  int                   width,
                                  int                   height,
                                  const SpBarChartData *data);

/* A "nice" axis top >= @value (1, 2, 2.5 or 5 times a power of ten) and
 * its number of gridlines, for charts of counts. */
double sp_bar_chart_nice_max     (double                value,
                                  guint                *n_ticks);

/* Colour @index of the series palette (blue, green, orange, purple...),
 * each with at least 3:1 contrast to the light or dark background. */
void   sp_bar_chart_series_color (guint                 index,
                                  gboolean              dark,
                                  GdkRGBA              *color);

G_END_DECLS
