/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-city-time"

#include "config.h"

#include "sp-city-time.h"

GTimeZone *
sp_city_time_zone (void)
{
  static GTimeZone *tz;

  if (g_once_init_enter (&tz))
    {
      GTimeZone *zone = g_time_zone_new_identifier ("Europe/Berlin");

      /* Without tzdata: the same rules as a POSIX TZ string (since 1996). */
      if (zone == NULL)
        zone = g_time_zone_new_identifier ("CET-1CEST,M3.5.0,M10.5.0/3");
      if (zone == NULL)
        zone = g_time_zone_new_utc ();
      g_once_init_leave (&tz, zone);
    }

  return tz;
}

GDateTime *
sp_city_now (void)
{
  return g_date_time_new_now (sp_city_time_zone ());
}

char *
sp_city_day (int offset)
{
  g_autoptr(GDateTime) now = sp_city_now ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, offset);

  return g_date_time_format (then, "%Y-%m-%d");
}

char *
sp_city_today (void)
{
  return sp_city_day (0);
}
