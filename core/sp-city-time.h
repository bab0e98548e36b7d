/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The city's civil time: Europe/Berlin, daylight saving time included.
 *
 * Every date the server compares or stores for the city (a challenge's
 * deadline, a survey's opening days, the day a survey answer or a bot KPI
 * is counted on, office hours) is a day in this zone, whatever time zone
 * the machine itself is set to (servers often run on UTC). The citizen
 * pages work out "today" in the same zone, so page and server agree. */

/* The zone (owned, do not unref). Falls back to the same rules as a POSIX
 * TZ string when tzdata is missing. */
GTimeZone *sp_city_time_zone (void);
/* Now in the city's zone. */
GDateTime *sp_city_now       (void);
/* The city's day @offset days from today, "YYYY-MM-DD" (0: today). */
char      *sp_city_day       (int offset);
/* Today in the city, "YYYY-MM-DD". */
char      *sp_city_today     (void);

G_END_DECLS
