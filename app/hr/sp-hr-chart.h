/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gtk/gtk.h>

#include "sp-hr-report.h"

G_BEGIN_DECLS

/* Bar chart of the HR report drawn with cairo: per competence a bar of the
 * mean level (1..5) of one group (an org unit or the total) and, next to
 * it, a lighter bar of the previous year. The same values are the widget's
 * accessible description and sp_hr_chart_describe()'s text. */

#define SP_TYPE_HR_CHART (sp_hr_chart_get_type ())
G_DECLARE_FINAL_TYPE (SpHrChart, sp_hr_chart, SP, HR_CHART, GtkDrawingArea)

GtkWidget *sp_hr_chart_new       (void);
/* @previous may be NULL; @org_unit NULL: the total. @titles: code -> title. */
void       sp_hr_chart_set_data  (SpHrChart   *self,
                                  SpHrReport  *current,
                                  SpHrReport  *previous,
                                  const char  *org_unit,
                                  GHashTable  *titles);
/* A text alternative, one line per competence. */
char      *sp_hr_chart_describe  (SpHrChart   *self);
/* Draws into any cairo context (the widget, a PDF page) at 0,0. */
void       sp_hr_chart_render    (SpHrChart   *self,
                                  cairo_t     *cr,
                                  int          width,
                                  int          height,
                                  gboolean     print);

G_END_DECLS
