/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-office-hours"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-error.h"
#include "sp-office-hours.h"

/* Office hours of the bot hand-off: Thuringian public holidays, the weekly
 * schedule in Berlin time across daylight saving changes, closure days,
 * the next opening across holiday weekends and the edges at midnight. */

static GDateTime *
berlin (int y, int mo, int d, int h, int mi)
{
  return g_date_time_new (sp_city_time_zone (), y, mo, d, h, mi, 0);
}

static GDateTime *
utc (int y, int mo, int d, int h, int mi)
{
  return g_date_time_new_utc (y, mo, d, h, mi, 0);
}

/* The instant as "YYYY-MM-DDTHH:MM+ZZ:ZZ" in Berlin time. */
static char *
local_text (GDateTime *at)
{
  g_autoptr(GDateTime) local = NULL;

  g_assert_nonnull (at);
  local = g_date_time_to_timezone (at, sp_city_time_zone ());
  return g_date_time_format (local, "%Y-%m-%dT%H:%M%:z");
}

static void
assert_next_open (SpOfficeHours *hours,
                  GDateTime     *after,
                  const char    *expected)
{
  g_autoptr(GDateTime) next = sp_office_hours_next_open (hours, after);
  g_autofree char *text = NULL;

  g_assert_nonnull (next);
  text = local_text (next);
  g_assert_cmpstr (text, ==, expected);
  /* It really is open then, and it was closed just before (unless open
   * at @after already). */
  g_assert_true (sp_office_hours_is_open (hours, next));
  if (g_date_time_compare (next, after) > 0)
    {
      g_autoptr(GDateTime) before = g_date_time_add_seconds (next, -1);
      g_assert_false (sp_office_hours_is_open (hours, before));
    }
}

/* Monday to Friday 08:00-12:00, Tuesday and Thursday also 13:00-18:00. */
static SpOfficeHours *
city_hours (void)
{
  SpOfficeHours *hours = sp_office_hours_new ();
  g_autoptr(GError) error = NULL;

  for (int wd = 1; wd <= 5; wd++)
    {
      g_assert_true (sp_office_hours_add_weekly (hours, wd, "08:00", "12:00", &error));
      g_assert_no_error (error);
    }
  g_assert_true (sp_office_hours_add_weekly (hours, 2, "13:00", "18:00", &error));
  g_assert_true (sp_office_hours_add_weekly (hours, 4, "13:00", "18:00", &error));
  g_assert_no_error (error);
  return hours;
}

static void
test_easter (void)
{
  static const struct { int y, m, d; } known[] = {
    { 2000, 4, 23 }, { 2008, 3, 23 }, { 2011, 4, 24 }, { 2019, 4, 21 },
    { 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 }, { 2027, 3, 28 },
    { 2038, 4, 25 }, { 2285, 3, 22 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      int m = 0, d = 0;

      sp_office_hours_easter (known[i].y, &m, &d);
      g_assert_cmpint (m, ==, known[i].m);
      g_assert_cmpint (d, ==, known[i].d);
    }
}

static void
test_holidays (void)
{
  static const struct { int y; const char *dates; } years[] = {
    { 2024, "01-01 03-29 04-01 05-01 05-09 05-20 09-20 10-03 10-31 12-25 12-26" },
    { 2025, "01-01 04-18 04-21 05-01 05-29 06-09 09-20 10-03 10-31 12-25 12-26" },
    { 2026, "01-01 04-03 04-06 05-01 05-14 05-25 09-20 10-03 10-31 12-25 12-26" },
    { 2027, "01-01 03-26 03-29 05-01 05-06 05-17 09-20 10-03 10-31 12-25 12-26" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (years); i++)
    {
      SpHoliday list[16];
      guint n = sp_office_hours_holidays (years[i].y, list, G_N_ELEMENTS (list));
      g_autoptr(GString) dates = g_string_new (NULL);

      for (guint j = 0; j < n; j++)
        g_string_append_printf (dates, "%s%02d-%02d", j ? " " : "", list[j].month, list[j].day);
      g_assert_cmpstr (dates->str, ==, years[i].dates);
    }

  g_assert_cmpstr (sp_office_hours_holiday_name (2025, 4, 18), ==, "Karfreitag");
  g_assert_cmpstr (sp_office_hours_holiday_name (2025, 4, 21), ==, "Ostermontag");
  g_assert_cmpstr (sp_office_hours_holiday_name (2026, 5, 14), ==, "Christi Himmelfahrt");
  g_assert_cmpstr (sp_office_hours_holiday_name (2026, 5, 25), ==, "Pfingstmontag");
  g_assert_cmpstr (sp_office_hours_holiday_name (2024, 9, 20), ==, "Weltkindertag");
  g_assert_cmpstr (sp_office_hours_holiday_name (2024, 10, 31), ==, "Reformationstag");
  g_assert_cmpstr (sp_office_hours_holiday_name (2024, 10, 3), ==, "Tag der Deutschen Einheit");
  g_assert_cmpstr (sp_office_hours_holiday_name (2027, 12, 26), ==, "2. Weihnachtstag");
  g_assert_cmpstr (sp_office_hours_holiday_name_en (2025, 4, 18), ==, "Good Friday");
  g_assert_cmpstr (sp_office_hours_holiday_name_en (2024, 9, 20), ==, "World Children's Day");

  /* Not state-wide holidays in Thuringia. */
  g_assert_null (sp_office_hours_holiday_name (2024, 3, 31));   /* Easter Sunday */
  g_assert_null (sp_office_hours_holiday_name (2025, 6, 19));   /* Corpus Christi */
  g_assert_null (sp_office_hours_holiday_name (2024, 11, 1));   /* All Saints' Day */
  g_assert_null (sp_office_hours_holiday_name (2025, 11, 19));  /* Buß- und Bettag (Saxony) */
  g_assert_null (sp_office_hours_holiday_name (2025, 12, 24));
  /* Weltkindertag only since 2019. */
  g_assert_null (sp_office_hours_holiday_name (2018, 9, 20));
  g_assert_nonnull (sp_office_hours_holiday_name (2019, 9, 20));
}

static void
test_parse_and_validate (void)
{
  g_autoptr(SpOfficeHours) hours = sp_office_hours_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) row = NULL;

  g_assert_cmpint (sp_office_hours_parse_time ("08:00", FALSE), ==, 480);
  g_assert_cmpint (sp_office_hours_parse_time ("23:59", FALSE), ==, 1439);
  g_assert_cmpint (sp_office_hours_parse_time ("00:00", FALSE), ==, 0);
  g_assert_cmpint (sp_office_hours_parse_time ("24:00", TRUE), ==, 1440);
  g_assert_cmpint (sp_office_hours_parse_time ("24:00", FALSE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time ("24:01", TRUE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time ("8:00", FALSE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time ("08:60", FALSE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time ("08.00", FALSE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time ("", FALSE), ==, -1);
  g_assert_cmpint (sp_office_hours_parse_time (NULL, FALSE), ==, -1);

  g_assert_false (sp_office_hours_add_weekly (hours, 0, "08:00", "12:00", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_weekly (hours, 8, "08:00", "12:00", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_weekly (hours, 1, "12:00", "12:00", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_weekly (hours, 1, "14:00", "09:00", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_weekly (hours, 1, "24:00", "24:00", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_closure (hours, "2025-02-30", NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sp_office_hours_add_closure (hours, "24.12.2025", NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  /* Nothing was added by the refused calls: never open. */
  g_assert_cmpuint (sp_office_hours_n_intervals (hours), ==, 0);
  {
    g_autoptr(GDateTime) at = berlin (2025, 11, 24, 9, 0);
    g_assert_false (sp_office_hours_is_open (hours, at));
    g_assert_null (sp_office_hours_next_open (hours, at));
  }

  /* Synced rows, as the desktop editor validates them. */
  row = json_from_string ("{\"kind\":\"weekly\",\"weekday\":3,\"opens\":\"09:00\",\"closes\":\"24:00\"}", NULL);
  g_assert_true (sp_office_hours_validate_row (json_node_get_object (row), &error));
  g_assert_no_error (error);
  g_clear_pointer (&row, json_node_unref);
  row = json_from_string ("{\"kind\":\"weekly\",\"weekday\":\"3\",\"opens\":\"09:00\",\"closes\":\"17:00\"}", NULL);
  g_assert_false (sp_office_hours_validate_row (json_node_get_object (row), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&row, json_node_unref);
  row = json_from_string ("{\"kind\":\"closure\",\"day\":\"2025-12-24\",\"note\":\"Heiligabend\"}", NULL);
  g_assert_true (sp_office_hours_validate_row (json_node_get_object (row), &error));
  g_assert_no_error (error);
  g_clear_pointer (&row, json_node_unref);
  row = json_from_string ("{\"kind\":\"holiday\",\"day\":\"2025-12-24\"}", NULL);
  g_assert_false (sp_office_hours_validate_row (json_node_get_object (row), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_weekly (void)
{
  g_autoptr(SpOfficeHours) hours = city_hours ();
  static const struct { int h, m; gboolean open; } tuesday[] = {
    { 7, 59, FALSE }, { 8, 0, TRUE }, { 11, 59, TRUE }, { 12, 0, FALSE },
    { 12, 59, FALSE }, { 13, 0, TRUE }, { 17, 59, TRUE }, { 18, 0, FALSE },
  };

  /* Tuesday 2025-11-25 */
  for (guint i = 0; i < G_N_ELEMENTS (tuesday); i++)
    {
      g_autoptr(GDateTime) at = berlin (2025, 11, 25, tuesday[i].h, tuesday[i].m);
      g_assert_cmpint (sp_office_hours_is_open (hours, at), ==, tuesday[i].open);
    }

  /* Any time zone: 07:30 UTC is 08:30 in Berlin in winter, 09:30 in summer. */
  {
    g_autoptr(GDateTime) winter = utc (2025, 11, 24, 7, 30);
    g_autoptr(GDateTime) winter_early = utc (2025, 11, 24, 6, 59);
    g_autoptr(GDateTime) summer_early = utc (2025, 7, 14, 5, 59);
    g_autoptr(GDateTime) summer = utc (2025, 7, 14, 6, 0);

    g_assert_true (sp_office_hours_is_open (hours, winter));
    g_assert_false (sp_office_hours_is_open (hours, winter_early));
    g_assert_false (sp_office_hours_is_open (hours, summer_early));
    g_assert_true (sp_office_hours_is_open (hours, summer));
  }

  /* Weekend: closed; Friday afternoon -> Monday 08:00. */
  {
    g_autoptr(GDateTime) saturday = berlin (2025, 11, 29, 10, 0);
    g_autoptr(GDateTime) friday = berlin (2025, 11, 28, 12, 0);
    g_autoptr(GDateTime) tuesday_noon = berlin (2025, 11, 25, 12, 30);
    g_autoptr(GDateTime) open_now = berlin (2025, 11, 25, 9, 15);

    g_assert_false (sp_office_hours_is_open (hours, saturday));
    assert_next_open (hours, friday, "2025-12-01T08:00+01:00");
    assert_next_open (hours, tuesday_noon, "2025-11-25T13:00+01:00");
    /* Open now: now. */
    assert_next_open (hours, open_now, "2025-11-25T09:15+01:00");
  }

  /* Closing time of the interval in progress. */
  {
    g_autoptr(GDateTime) at = berlin (2025, 11, 25, 9, 0);
    g_autoptr(GDateTime) closes = sp_office_hours_closes_at (hours, at);
    g_autofree char *text = local_text (closes);
    g_autoptr(GDateTime) closed = berlin (2025, 11, 25, 12, 30);

    g_assert_cmpstr (text, ==, "2025-11-25T12:00+01:00");
    g_assert_null (sp_office_hours_closes_at (hours, closed));
  }
}

static void
test_holiday_weekends (void)
{
  g_autoptr(SpOfficeHours) hours = city_hours ();

  /* Easter 2025: Thursday 17 April after closing -> Karfreitag, weekend,
   * Ostermontag closed -> Tuesday 22 April 08:00 (summer time). */
  {
    g_autoptr(GDateTime) thursday = berlin (2025, 4, 17, 18, 0);
    g_autoptr(GDateTime) good_friday = berlin (2025, 4, 18, 9, 0);
    g_autoptr(GDateTime) easter_monday = berlin (2025, 4, 21, 9, 0);

    g_assert_false (sp_office_hours_is_open (hours, good_friday));
    g_assert_false (sp_office_hours_is_open (hours, easter_monday));
    assert_next_open (hours, thursday, "2025-04-22T08:00+02:00");
    assert_next_open (hours, good_friday, "2025-04-22T08:00+02:00");
  }

  /* Christmas 2026: Thursday 24 December closed by a closure row, 25 and
   * 26 are holidays (Friday, Saturday) -> Monday 28 December. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) wednesday = berlin (2026, 12, 23, 12, 0);
    g_autoptr(GDateTime) christmas_eve = berlin (2026, 12, 24, 9, 0);

    g_assert_true (sp_office_hours_add_closure (hours, "2026-12-24", "Heiligabend", &error));
    g_assert_no_error (error);
    g_assert_cmpstr (sp_office_hours_closure_note (hours, "2026-12-24"), ==, "Heiligabend");
    g_assert_null (sp_office_hours_closure_note (hours, "2026-12-23"));
    g_assert_false (sp_office_hours_is_open (hours, christmas_eve));
    assert_next_open (hours, wednesday, "2026-12-28T08:00+01:00");
  }

  /* Weltkindertag 2027 is a Monday; Reformationstag 2025 a Friday. */
  {
    g_autoptr(GDateTime) friday = berlin (2027, 9, 17, 12, 0);
    g_autoptr(GDateTime) thursday = berlin (2025, 10, 30, 18, 0);

    assert_next_open (hours, friday, "2027-09-21T08:00+02:00");
    assert_next_open (hours, thursday, "2025-11-03T08:00+01:00");
  }
}

static void
test_dst (void)
{
  g_autoptr(SpOfficeHours) hours = city_hours ();
  g_autoptr(GError) error = NULL;

  /* Friday before the spring change: 08:00 CET = 07:00 UTC; the Monday
   * after: 08:00 CEST = 06:00 UTC. */
  {
    g_autoptr(GDateTime) friday = berlin (2025, 3, 28, 12, 0);
    g_autoptr(GDateTime) monday_0559 = utc (2025, 3, 31, 5, 59);
    g_autoptr(GDateTime) monday_0600 = utc (2025, 3, 31, 6, 0);

    assert_next_open (hours, friday, "2025-03-31T08:00+02:00");
    g_assert_false (sp_office_hours_is_open (hours, monday_0559));
    g_assert_true (sp_office_hours_is_open (hours, monday_0600));
  }

  /* Autumn: the Monday after, 08:00 CET = 07:00 UTC. */
  {
    g_autoptr(GDateTime) friday = berlin (2025, 10, 24, 12, 0);
    g_autoptr(GDateTime) monday_0659 = utc (2025, 10, 27, 6, 59);
    g_autoptr(GDateTime) monday_0700 = utc (2025, 10, 27, 7, 0);

    assert_next_open (hours, friday, "2025-10-27T08:00+01:00");
    g_assert_false (sp_office_hours_is_open (hours, monday_0659));
    g_assert_true (sp_office_hours_is_open (hours, monday_0700));
  }

  /* On the switch days themselves (Sundays): a night shift 02:30-04:00.
   * In spring 02:30 does not exist: open from 03:00 CEST (01:00 UTC). In
   * autumn 02:30 comes twice: open from the first (00:30 UTC). */
  g_assert_true (sp_office_hours_add_weekly (hours, 7, "02:30", "04:00", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GDateTime) saturday = berlin (2025, 3, 29, 12, 0);
    g_autoptr(GDateTime) at_0059 = utc (2025, 3, 30, 0, 59);
    g_autoptr(GDateTime) at_0100 = utc (2025, 3, 30, 1, 0);
    g_autoptr(GDateTime) at_0200 = utc (2025, 3, 30, 2, 0);

    assert_next_open (hours, saturday, "2025-03-30T03:00+02:00");
    g_assert_false (sp_office_hours_is_open (hours, at_0059));
    g_assert_true (sp_office_hours_is_open (hours, at_0100));
    g_assert_false (sp_office_hours_is_open (hours, at_0200));   /* 04:00 CEST */
  }
  {
    g_autoptr(GDateTime) saturday = berlin (2025, 10, 25, 12, 0);
    g_autoptr(GDateTime) at_0029 = utc (2025, 10, 26, 0, 29);
    g_autoptr(GDateTime) at_0030 = utc (2025, 10, 26, 0, 30);
    g_autoptr(GDateTime) at_0059 = utc (2025, 10, 26, 0, 59);   /* 02:59 CEST */
    g_autoptr(GDateTime) at_0100 = utc (2025, 10, 26, 1, 0);    /* 02:00 CET */
    g_autoptr(GDateTime) at_0259 = utc (2025, 10, 26, 2, 59);   /* 03:59 CET */
    g_autoptr(GDateTime) at_0300 = utc (2025, 10, 26, 3, 0);    /* 04:00 CET */
    g_autoptr(GDateTime) next = sp_office_hours_next_open (hours, saturday);
    g_autoptr(GDateTime) expected = utc (2025, 10, 26, 0, 30);

    g_assert_nonnull (next);
    g_assert_true (g_date_time_equal (next, expected));
    g_assert_false (sp_office_hours_is_open (hours, at_0029));
    g_assert_true (sp_office_hours_is_open (hours, at_0030));
    g_assert_true (sp_office_hours_is_open (hours, at_0059));
    /* 02:00-02:29 CET (the second pass) is before the opening time. */
    g_assert_false (sp_office_hours_is_open (hours, at_0100));
    g_assert_true (sp_office_hours_is_open (hours, at_0259));
    g_assert_false (sp_office_hours_is_open (hours, at_0300));
  }
}

static void
test_midnight (void)
{
  g_autoptr(SpOfficeHours) hours = sp_office_hours_new ();
  g_autoptr(GError) error = NULL;

  /* Friday 20:00-24:00 and Saturday 00:00-02:00: one evening shift. */
  g_assert_true (sp_office_hours_add_weekly (hours, 5, "20:00", "24:00", &error));
  g_assert_true (sp_office_hours_add_weekly (hours, 6, "00:00", "02:00", &error));
  g_assert_no_error (error);

  {
    g_autoptr(GDateTime) before_midnight = g_date_time_new (sp_city_time_zone (), 2025, 11, 28, 23, 59, 59.5);
    g_autoptr(GDateTime) midnight = berlin (2025, 11, 29, 0, 0);
    g_autoptr(GDateTime) at_0159 = berlin (2025, 11, 29, 1, 59);
    g_autoptr(GDateTime) at_0200 = berlin (2025, 11, 29, 2, 0);
    g_autoptr(GDateTime) at_2000 = berlin (2025, 11, 28, 20, 0);
    g_autoptr(GDateTime) at_1959 = berlin (2025, 11, 28, 19, 59);
    g_autoptr(GDateTime) closes = sp_office_hours_closes_at (hours, at_2000);
    g_autofree char *closes_text = local_text (closes);

    g_assert_true (sp_office_hours_is_open (hours, before_midnight));
    g_assert_true (sp_office_hours_is_open (hours, midnight));
    g_assert_true (sp_office_hours_is_open (hours, at_0159));
    g_assert_false (sp_office_hours_is_open (hours, at_0200));
    g_assert_true (sp_office_hours_is_open (hours, at_2000));
    g_assert_false (sp_office_hours_is_open (hours, at_1959));
    /* The shift ends on Saturday at 02:00, across midnight. */
    g_assert_cmpstr (closes_text, ==, "2025-11-29T02:00+01:00");
    assert_next_open (hours, at_0200, "2025-12-05T20:00+01:00");
  }

  /* Always open (00:00-24:00 every day) except on holidays. */
  {
    g_autoptr(SpOfficeHours) always = sp_office_hours_new ();
    g_autoptr(GDateTime) new_year = berlin (2026, 1, 1, 12, 0);
    g_autoptr(GDateTime) new_years_eve = berlin (2025, 12, 31, 23, 59);

    for (int wd = 1; wd <= 7; wd++)
      g_assert_true (sp_office_hours_add_weekly (always, wd, "00:00", "24:00", NULL));
    g_assert_true (sp_office_hours_is_open (always, new_years_eve));
    g_assert_false (sp_office_hours_is_open (always, new_year));
    assert_next_open (always, new_year, "2026-01-02T00:00+01:00");
  }
}

static void
test_from_json (void)
{
  g_autoptr(JsonNode) rows = json_from_string (
    "[{\"kind\":\"weekly\",\"weekday\":1,\"opens\":\"09:00\",\"closes\":\"15:00\"},"
    " {\"kind\":\"weekly\",\"weekday\":1,\"opens\":\"9:00\",\"closes\":\"15:00\"},"
    " {\"kind\":\"closure\",\"day\":\"2025-12-01\",\"note\":\"Betriebsausflug\"},"
    " {\"kind\":\"closure\",\"day\":\"\"},"
    " 42]", NULL);
  g_autoptr(SpOfficeHours) hours = NULL;
  guint invalid = 0;

  hours = sp_office_hours_new_from_json (json_node_get_array (rows), &invalid);
  g_assert_cmpuint (invalid, ==, 3);
  g_assert_cmpuint (sp_office_hours_n_intervals (hours), ==, 2);
  {
    g_autoptr(GDateTime) monday = berlin (2025, 11, 24, 10, 0);
    g_autoptr(GDateTime) closed_monday = berlin (2025, 12, 1, 10, 0);

    g_assert_true (sp_office_hours_is_open (hours, monday));
    g_assert_false (sp_office_hours_is_open (hours, closed_monday));
    assert_next_open (hours, closed_monday, "2025-12-08T09:00+01:00");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/office-hours/easter", test_easter);
  g_test_add_func ("/office-hours/holidays", test_holidays);
  g_test_add_func ("/office-hours/parse-and-validate", test_parse_and_validate);
  g_test_add_func ("/office-hours/weekly", test_weekly);
  g_test_add_func ("/office-hours/holiday-weekends", test_holiday_weekends);
  g_test_add_func ("/office-hours/dst", test_dst);
  g_test_add_func ("/office-hours/midnight", test_midnight);
  g_test_add_func ("/office-hours/from-json", test_from_json);

  return g_test_run ();
}
