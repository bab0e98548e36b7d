/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gtk/gtk.h>

#include "competence/sp-competence-score.h"

G_BEGIN_DECLS

/* Horizontal bar chart of a self-check result drawn with cairo: one bar per
 * area (the mean level) followed by its competences' bars on the scale
 * 1..5, with an optional marker for an earlier year's level. The same
 * values are set as the widget's accessible description; the page shows
 * them as a list too. */

#define SP_TYPE_COMPETENCE_CHART (sp_competence_chart_get_type ())
G_DECLARE_FINAL_TYPE (SpCompetenceChart, sp_competence_chart, SP, COMPETENCE_CHART, GtkDrawingArea)

GtkWidget *sp_competence_chart_new      (void);
/* @previous: competence code -> level (GINT_TO_POINTER) of @previous_year,
 * or NULL. */
void       sp_competence_chart_set_data (SpCompetenceChart *self,
                                         SpCompetenceScore *score,
                                         GHashTable        *previous,
                                         int                previous_year);

G_END_DECLS
