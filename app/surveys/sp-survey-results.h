/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "sp-api-client.h"

G_BEGIN_DECLS

/* The results of a survey, fetched from the server with the signed-in
 * token (GET /api/v1/surveys/ID/results): the number of responses and one
 * card per question (bar charts of choice counts, the rating histogram,
 * matrix rows, the mean rank of ranking options, days of date answers,
 * number statistics, the latest free-text answers). CSV export, plain or
 * in LimeSurvey's columns (GET .../responses.csv), and one-time access
 * codes (POST .../codes) shown once to copy or save. Offline or refused,
 * it says so. */

#define SP_TYPE_SURVEY_RESULTS (sp_survey_results_get_type ())
G_DECLARE_FINAL_TYPE (SpSurveyResults, sp_survey_results, SP, SURVEY_RESULTS, AdwWindow)

/* @definition: the survey's definition (sp_survey_build) naming questions
 * and options. */
GtkWidget *sp_survey_results_new (GtkWindow          *parent,
                                  SpServerAccessFunc  access,
                                  gpointer            access_data,
                                  JsonObject         *definition);

G_END_DECLS
