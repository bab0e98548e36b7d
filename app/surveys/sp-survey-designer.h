/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* The survey designer: settings (titles, texts de + en, status, dates,
 * access), pages with their questions of all nine types, options and
 * matrix rows, required flags, limits and conditions. It edits a
 * SpSurveyDoc in memory with inline validation and writes the changed rows
 * through the local store (outbox, works offline) on Save. From here staff
 * open the preview, the results (online), the share dialog, duplicate and
 * delete. It is the SpRecordList editor of the surveys page.
 *
 * Actions: designer.save, .back, .preview, .results, .share, .duplicate,
 * .delete, .add-page, .add-question ((us): page, type).
 * Signals: ::saved (id), ::deleted (id), ::back, ::duplicated (id). */

#define SP_TYPE_SURVEY_DESIGNER (sp_survey_designer_get_type ())
G_DECLARE_FINAL_TYPE (SpSurveyDesigner, sp_survey_designer, SP, SURVEY_DESIGNER, AdwBin)

void        sp_survey_designer_set_store    (SpSurveyDesigner   *self,
                                             SpLocalStore       *store);
void        sp_survey_designer_set_access   (SpSurveyDesigner   *self,
                                             SpServerAccessFunc  access,
                                             gpointer            access_data);
gboolean    sp_survey_designer_load         (SpSurveyDesigner   *self,
                                             const char         *id);
gboolean    sp_survey_designer_refresh      (SpSurveyDesigner   *self);
const char *sp_survey_designer_get_row_id   (SpSurveyDesigner   *self);
gboolean    sp_survey_designer_get_dirty    (SpSurveyDesigner   *self);
gboolean    sp_survey_designer_validate     (SpSurveyDesigner   *self,
                                             gboolean            focus);
gboolean    sp_survey_designer_save         (SpSurveyDesigner   *self);
void        sp_survey_designer_focus_first  (SpSurveyDesigner   *self);

G_END_DECLS
