/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-city-time.h"
#include "sp-db.h"

G_BEGIN_DECLS

/* Office hours of the citizen hand-off (chat bot and voice bot): a weekly
 * schedule of opening intervals per weekday, special closure days and the
 * public holidays of Thuringia (computed, never stored), all in the local
 * time of Europe/Berlin (daylight saving time included).
 *
 * Built from the rows of the synced entity `bot_hours`:
 *   kind "weekly":  weekday 1 (Monday) .. 7 (Sunday), opens "HH:MM",
 *                   closes "HH:MM" (later than opens; "24:00" = midnight at
 *                   the end of the day). Several rows per weekday allowed.
 *   kind "closure": day "YYYY-MM-DD" closed all day, note (free text).
 * An empty schedule is never open. Immutable after loading: one schedule
 * may be queried from several threads. */

typedef struct _SpOfficeHours SpOfficeHours;

typedef struct {
  int         month;      /* 1..12 */
  int         day;        /* 1..31 */
  const char *name_de;    /* "Karfreitag" */
  const char *name_en;    /* "Good Friday" */
} SpHoliday;

SpOfficeHours *sp_office_hours_new          (void);
void           sp_office_hours_free         (SpOfficeHours *self);

/* Adds an opening interval [opens, closes) on @weekday (1 = Monday ..
 * 7 = Sunday). SP_ERROR_INVALID for a bad weekday, a time that is not
 * "HH:MM" (00:00..23:59; closes may be "24:00") or closes <= opens. */
gboolean       sp_office_hours_add_weekly   (SpOfficeHours *self,
                                             int            weekday,
                                             const char    *opens,
                                             const char    *closes,
                                             GError       **error);
/* Closes the whole day @day ("YYYY-MM-DD", a real date). @note may be NULL. */
gboolean       sp_office_hours_add_closure  (SpOfficeHours *self,
                                             const char    *day,
                                             const char    *note,
                                             GError       **error);

/* Validates the fields of one `bot_hours` row (as synced: "kind",
 * "weekday", "day", "opens", "closes", "note") with the rules above; the
 * desktop editor calls this before saving. */
gboolean       sp_office_hours_validate_row (JsonObject    *fields,
                                             GError       **error);
/* Adds one `bot_hours` row (its fields, e.g. sp_row_get_fields()). */
gboolean       sp_office_hours_add_row      (SpOfficeHours *self,
                                             JsonObject    *fields,
                                             GError       **error);
/* A schedule from the rows in @rows (JSON objects of fields, e.g. from a
 * sync pull or an API answer). Invalid rows are skipped; *n_invalid
 * (optional) gets their number. */
SpOfficeHours *sp_office_hours_new_from_json (JsonArray    *rows,
                                              guint        *n_invalid);
/* A schedule from the live (not deleted) rows of table `bot_hours` of a
 * client or server database. Invalid rows are skipped with a debug
 * message; SQL failures give NULL and @error. */
SpOfficeHours *sp_office_hours_new_from_db  (SpDb          *db,
                                             GError       **error);

/* Number of weekly intervals and closures loaded. */
guint          sp_office_hours_n_intervals  (SpOfficeHours *self);

/* TRUE if the office is open at @at (any time zone). Closed all day on
 * public holidays and closure days. */
gboolean       sp_office_hours_is_open      (SpOfficeHours *self,
                                             GDateTime     *at);
/* The first instant at or after @after at which the office is open, in
 * Europe/Berlin time; NULL if it never opens within a year. */
GDateTime     *sp_office_hours_next_open    (SpOfficeHours *self,
                                             GDateTime     *after);
/* The end of the opening interval that contains @at (Europe/Berlin time),
 * NULL when closed at @at. Adjacent intervals count as one. */
GDateTime     *sp_office_hours_closes_at    (SpOfficeHours *self,
                                             GDateTime     *at);
/* The note of a closure on @day ("YYYY-MM-DD"), NULL if it is none. */
const char    *sp_office_hours_closure_note (SpOfficeHours *self,
                                             const char    *day);

/* Thuringian public holidays (state-wide): the German name of the holiday
 * on that date, NULL on working days. */
const char    *sp_office_hours_holiday_name    (int year,
                                                int month,
                                                int day);
/* The same in English (for the English citizen pages). */
const char    *sp_office_hours_holiday_name_en (int year,
                                                int month,
                                                int day);
/* All holidays of @year in date order into @out (room for @max); returns
 * how many there are (at most 16). */
guint          sp_office_hours_holidays     (int            year,
                                             SpHoliday     *out,
                                             guint          max);
/* Easter Sunday of @year (Gregorian calendar, 1583..9999). */
void           sp_office_hours_easter       (int            year,
                                             int           *month,
                                             int           *day);
/* Minutes since midnight of "HH:MM" (00:00..23:59, or 24:00 when
 * @allow_end_of_day); -1 when malformed. */
int            sp_office_hours_parse_time   (const char    *text,
                                             gboolean       allow_end_of_day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpOfficeHours, sp_office_hours_free)

G_END_DECLS
