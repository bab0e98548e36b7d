/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One year's anonymised competence report as the server sends it
 * (GET /api/v1/competence/report?year=Y):
 *   {"groups":[{"org_unit","year","n","levels":{"1.1":mean,..}}],
 *    "suppressed":K,"total":{"year","n","levels"}|null}
 * plus the helpers the HR page and its exports share: year-over-year
 * change, the ranking of qualification needs and the CSV export. */

typedef struct {
  char       *org_unit;   /* NULL for the total */
  gint64      n;
  GHashTable *levels;     /* code -> double* (mean) */
} SpHrGroup;

typedef struct {
  gint64      year;
  GPtrArray  *groups;     /* SpHrGroup, sorted by org unit */
  SpHrGroup  *total;      /* NULL when withheld */
  guint       suppressed;
} SpHrReport;

SpHrReport *sp_hr_report_parse        (JsonNode    *node,
                                       gint64       year,
                                       GError     **error);
void        sp_hr_report_free         (SpHrReport  *report);
/* @org_unit NULL: the total. */
SpHrGroup  *sp_hr_report_find         (SpHrReport  *report,
                                       const char  *org_unit);
gboolean    sp_hr_group_get_level     (SpHrGroup   *group,
                                       const char  *code,
                                       double      *mean);
/* (mean_y - mean_{y-1}) / mean_{y-1} * 100 for the same org unit (NULL:
 * total) and code; FALSE when either year does not show it. */
gboolean    sp_hr_report_change       (SpHrReport  *current,
                                       SpHrReport  *previous,
                                       const char  *org_unit,
                                       const char  *code,
                                       double      *percent);
/* Every competence code shown in either report, in code order ("1.2" <
 * "1.10" < "2.1"). */
GPtrArray  *sp_hr_report_codes        (SpHrReport  *current,
                                       SpHrReport  *previous);
int         sp_hr_code_compare        (const char  *a,
                                       const char  *b);
/* The codes of @group ordered by mean, lowest first (ties by code): the
 * qualification needs. At most @limit (0: all). */
GPtrArray  *sp_hr_report_needs        (SpHrGroup   *group,
                                       guint        limit);
/* "2,85": a decimal comma whatever the locale (for CSV for German Excel). */
char       *sp_hr_format_decimal      (double       value,
                                       int          digits);
/* The CSV export: UTF-8 with BOM, ';' separated, decimal commas, one line
 * per shown (org unit | total, competence) of @current with the previous
 * year's mean and the change in percent when @previous shows them.
 * @titles: code -> title (may be NULL). */
char       *sp_hr_report_to_csv       (SpHrReport  *current,
                                       SpHrReport  *previous,
                                       GHashTable  *titles);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpHrReport, sp_hr_report_free)

G_END_DECLS
