/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "sp-competence-chart.h"

#define ROW_HEIGHT      24
#define AREA_ROW_HEIGHT 30
#define HEADER_HEIGHT   28
#define MARGIN          12

typedef struct {
  gboolean  is_area;
  char     *label;
  double    level;      /* 0 = none */
  double    previous;   /* 0 = none */
} ChartRow;

struct _SpCompetenceChart
{
  GtkDrawingArea  parent_instance;

  GArray         *rows;  /* ChartRow */
  int             previous_year;
};

G_DEFINE_FINAL_TYPE (SpCompetenceChart, sp_competence_chart, GTK_TYPE_DRAWING_AREA)

static void
chart_row_clear (ChartRow *row)
{
  g_clear_pointer (&row->label, g_free);
}

static void
set_source_hex (cairo_t    *cr,
                const char *hex)
{
  GdkRGBA rgba;

  gdk_rgba_parse (&rgba, hex);
  gdk_cairo_set_source_rgba (cr, &rgba);
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    bold,
             int         width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  if (width > 0)
    {
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SpCompetenceChart *self = SP_COMPETENCE_CHART (area);
  GtkWidget *widget = GTK_WIDGET (area);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  /* Blue bars with at least 3:1 contrast against the background. */
  const char *area_colour = dark ? "#99c1f1" : "#1a5fb4";
  const char *competence_colour = dark ? "#62a0ea" : "#3584e4";
  GdkRGBA fg;
  int label_width = CLAMP (width * 2 / 5, 120, 320);
  double x0 = MARGIN + label_width + 8;
  double x1 = width - MARGIN;
  double unit = (x1 - x0) / (SP_COMPETENCE_LEVEL_MAX - SP_COMPETENCE_LEVEL_MIN + 1);
  double y = HEADER_HEIGHT;

  if (x1 - x0 < 40)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Scale 1..5 with gridlines. A bar of level L reaches L units. */
  for (int level = 0; level <= SP_COMPETENCE_LEVEL_MAX; level++)
    {
      double x = x0 + level * unit;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, level == 0 ? 0.6 : 0.18);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, (int) x + 0.5, HEADER_HEIGHT - 4);
      cairo_line_to (cr, (int) x + 0.5, height - 4);
      cairo_stroke (cr);

      if (level > 0)
        {
          g_autofree char *text = g_strdup_printf ("%d", level);
          g_autoptr(PangoLayout) layout = make_layout (widget, text, FALSE, 0);
          int tw, th;

          pango_layout_get_pixel_size (layout, &tw, &th);
          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_move_to (cr, x - tw / 2.0 - (level == SP_COMPETENCE_LEVEL_MAX ? tw / 2.0 : 0), 4);
          pango_cairo_show_layout (cr, layout);
        }
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      ChartRow *row = &g_array_index (self->rows, ChartRow, i);
      int row_height = row->is_area ? AREA_ROW_HEIGHT : ROW_HEIGHT;
      double bar_height = row->is_area ? 18 : 12;
      double bar_y = y + (row_height - bar_height) / 2;
      g_autoptr(PangoLayout) layout = make_layout (widget, row->label, row->is_area,
                                                   row->is_area ? label_width : label_width - 12);
      int tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, MARGIN + (row->is_area ? 0 : 12), y + (row_height - th) / 2.0);
      pango_cairo_show_layout (cr, layout);

      if (row->level > 0)
        {
          set_source_hex (cr, row->is_area ? area_colour : competence_colour);
          cairo_rectangle (cr, x0, bar_y, row->level * unit, bar_height);
          cairo_fill (cr);
        }

      if (row->previous > 0)
        {
          /* The earlier year: a vertical marker in the text colour. */
          double px = x0 + row->previous * unit;

          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_set_line_width (cr, 3);
          cairo_move_to (cr, px, bar_y - 3);
          cairo_line_to (cr, px, bar_y + bar_height + 3);
          cairo_stroke (cr);
        }

      y += row_height;
    }
}

static void
update_size_and_description (SpCompetenceChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  int height = HEADER_HEIGHT + MARGIN;

  for (guint i = 0; i < self->rows->len; i++)
    {
      ChartRow *row = &g_array_index (self->rows, ChartRow, i);

      height += row->is_area ? AREA_ROW_HEIGHT : ROW_HEIGHT;
      if (text->len > 0)
        g_string_append (text, "; ");
      if (row->level <= 0)
        /* Translators: a chart row without a result, e.g. "1.1 Browsing: no result" */
        g_string_append_printf (text, _("%s: no result"), row->label);
      else
        /* Translators: a chart row, e.g. "1.1 Browsing: level 3" */
        g_string_append_printf (text, row->is_area ? _("%s: level %.1f") : _("%s: level %.0f"),
                                row->label, row->level);
      if (row->previous > 0)
        /* Translators: the earlier year's level after a chart row */
        g_string_append_printf (text, _(" (%d: %.1f)"), self->previous_year, row->previous);
    }

  gtk_widget_set_size_request (GTK_WIDGET (self), 320, height);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sp_competence_chart_set_data (SpCompetenceChart *self,
                              SpCompetenceScore *score,
                              GHashTable        *previous,
                              int                previous_year)
{
  g_return_if_fail (SP_IS_COMPETENCE_CHART (self));

  g_array_set_size (self->rows, 0);
  self->previous_year = previous_year;

  for (guint a = 0; score != NULL && a < score->areas->len; a++)
    {
      SpCompetenceAreaLevel *area = g_ptr_array_index (score->areas, a);
      ChartRow area_row = { TRUE, g_strdup_printf ("%s %s", area->code, area->title), area->level, 0 };
      double prev_sum = 0;
      guint prev_n = 0;
      guint area_index = self->rows->len;

      g_array_append_val (self->rows, area_row);

      for (guint c = 0; c < score->competences->len; c++)
        {
          SpCompetenceLevel *competence = g_ptr_array_index (score->competences, c);
          ChartRow row = { FALSE, NULL, competence->level, 0 };
          gpointer value;

          if (g_strcmp0 (competence->area_code, area->code) != 0)
            continue;
          row.label = g_strdup_printf ("%s %s", competence->code, competence->title);
          if (previous != NULL &&
              g_hash_table_lookup_extended (previous, competence->code, NULL, &value))
            {
              row.previous = GPOINTER_TO_INT (value);
              prev_sum += row.previous;
              prev_n++;
            }
          g_array_append_val (self->rows, row);
        }

      if (prev_n > 0)
        g_array_index (self->rows, ChartRow, area_index).previous =
          (int) (prev_sum / prev_n * 10 + 0.5) / 10.0;
    }

  update_size_and_description (self);
}

static void
sp_competence_chart_finalize (GObject *object)
{
  SpCompetenceChart *self = SP_COMPETENCE_CHART (object);

  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (sp_competence_chart_parent_class)->finalize (object);
}

static void
sp_competence_chart_class_init (SpCompetenceChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sp_competence_chart_finalize;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sp_competence_chart_init (SpCompetenceChart *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (ChartRow));
  g_array_set_clear_func (self->rows, (GDestroyNotify) chart_row_clear);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_chart, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chart of competence levels"),
                                  -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sp_competence_chart_new (void)
{
  return g_object_new (SP_TYPE_COMPETENCE_CHART, NULL);
}
