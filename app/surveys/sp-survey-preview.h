/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The survey as citizens will see it, before it is published: page by
 * page in German or English, with the intro and privacy text first and the
 * thank-you text last. Conditions show and hide questions as answers
 * change, and "Next" checks the page with the same validator the server
 * uses (core/surveys/sp-survey.h), so required answers, ranges and limits
 * behave exactly as online. Nothing is sent anywhere. */

#define SP_TYPE_SURVEY_PREVIEW (sp_survey_preview_get_type ())
G_DECLARE_FINAL_TYPE (SpSurveyPreview, sp_survey_preview, SP, SURVEY_PREVIEW, AdwWindow)

/* @survey (fields + "id"), @questions and @options (rows with "id") as
 * the designer holds them, unsaved edits included. */
GtkWidget *sp_survey_preview_new (GtkWindow  *parent,
                                  JsonObject *survey,
                                  JsonArray  *questions,
                                  JsonArray  *options);

G_END_DECLS
