/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

#include "sp-storage.h"

G_BEGIN_DECLS

#define SP_COMPETENCE_REPORT_MIN_N 5

/* The anonymised HR report of one year from raw group rows (all org units
 * of @year, from sp_storage_competence_report_rows()):
 *   {"groups":[{"org_unit","year","n","levels":{"1.1":mean,..}}],
 *    "suppressed":K, "total":{"year","n","levels"}|null}
 * Groups with n < 5 are withheld. If the withheld groups of the year
 * together have 0 < n < 5, the smallest shown groups are withheld too until
 * they reach 5, so that the total minus the shown groups never reveals a
 * small group; the total is shown only with n >= 5. A code's mean is shown
 * only where at least 5 submissions gave it, and in the total only if the
 * part not shown for that code is 0 or at least 5. With @org_unit (may be
 * NULL) the same decision is made on all groups first, then filtered.
 * K counts withheld groups (of the filter), never submissions. Means have
 * two decimals. */
JsonNode *sp_competence_report_build (GPtrArray  *rows,
                                      gint64      year,
                                      const char *org_unit);

G_END_DECLS
