/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-storage.h"

G_BEGIN_DECLS

/* Row id of the demo survey of --demo. */
#define SP_SURVEYS_DEMO_ID "demo.survey.online"

/* Publishes the demo survey "Zufriedenheit mit den Online-Diensten der
 * Stadt Jena" (German and English, two pages, every question type, one
 * condition, open from today for a year) with a handful of anonymous
 * responses, so that the results view has something to show. */
gboolean sp_surveys_demo_load (SpStorage  *storage,
                               GError    **error);

G_END_DECLS
