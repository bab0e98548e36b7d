/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* "Surveys": the list of the synced `survey` rows (status, dates, access,
 * questions) with search and "New survey"; choosing one opens the designer
 * (SpSurveyDesigner) in its place. Works offline; results, codes and the
 * server address for sharing need the sign-in (@access).
 *
 * Actions: surveys.new (Ctrl+N), surveys.search (Ctrl+F). */

#define SP_TYPE_SURVEYS_PAGE (sp_surveys_page_get_type ())
G_DECLARE_FINAL_TYPE (SpSurveysPage, sp_surveys_page, SP, SURVEYS_PAGE, AdwBin)

GtkWidget *sp_surveys_page_new (SpLocalStore       *store,
                                SpServerAccessFunc  access,
                                gpointer            access_data,
                                GDestroyNotify      access_data_destroy);

G_END_DECLS
