/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-office-hours"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "sp-office-hours.h"

#include "sp-error.h"
#include "sp-json-util.h"

#define MINUTES_PER_DAY   (24 * 60)
/* next_open() looks this many days ahead. */
#define LOOKAHEAD_DAYS    370
#define MAX_HOLIDAYS      16

typedef struct {
  int opens;    /* minutes since midnight, 0..1439 */
  int closes;   /* minutes since midnight, opens+1..1440 */
} Interval;

struct _SpOfficeHours {
  GArray     *weekly[8];   /* of Interval, index 1 (Monday) .. 7, sorted by opens */
  GHashTable *closures;    /* "YYYY-MM-DD" -> note ("" when none) */
  guint       n_intervals;
  /* The last date day_closed() answered, (date << 1 | closed), 0: none:
   * every question asks about today, and the holiday rules cost more
   * than the rest of the bot's answer around the matcher. */
  gint        closed_memo;
};

/* -- holidays ------------------------------------------------------------- */

void
sp_office_hours_easter (int  year,
                        int *month,
                        int *day)
{
  /* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
  int a = year % 19;
  int b = year / 100;
  int c = year % 100;
  int d = b / 4;
  int e = b % 4;
  int f = (b + 8) / 25;
  int g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4;
  int k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int n = h + l - 7 * m + 114;

  g_return_if_fail (month != NULL && day != NULL);

  *month = n / 31;
  *day = n % 31 + 1;
}

static void
add_holiday (SpHoliday  *list,
             guint      *n,
             int         month,
             int         day,
             const char *name_de,
             const char *name_en)
{
  g_assert (*n < MAX_HOLIDAYS);
  list[*n].month = month;
  list[*n].day = day;
  list[*n].name_de = name_de;
  list[*n].name_en = name_en;
  (*n)++;
}

static void
add_easter_holiday (SpHoliday  *list,
                    guint      *n,
                    const GDate *easter,
                    int         offset,
                    const char *name_de,
                    const char *name_en)
{
  GDate date = *easter;

  if (offset > 0)
    g_date_add_days (&date, offset);
  else
    g_date_subtract_days (&date, -offset);
  add_holiday (list, n, g_date_get_month (&date), g_date_get_day (&date), name_de, name_en);
}

static int
compare_holidays (gconstpointer a,
                  gconstpointer b)
{
  const SpHoliday *ha = a, *hb = b;

  return (ha->month * 100 + ha->day) - (hb->month * 100 + hb->day);
}

/* All Thuringian public holidays of @year, sorted; returns the count. */
static guint
holidays_of_year (int        year,
                  SpHoliday *list)
{
  guint n = 0;
  int em, ed;
  GDate easter;

  if (year < 1583 || year > 9999)
    return 0;

  sp_office_hours_easter (year, &em, &ed);
  g_date_clear (&easter, 1);
  g_date_set_dmy (&easter, ed, em, year);

  add_holiday (list, &n, 1, 1, "Neujahr", "New Year's Day");
  add_easter_holiday (list, &n, &easter, -2, "Karfreitag", "Good Friday");
  add_easter_holiday (list, &n, &easter, 1, "Ostermontag", "Easter Monday");
  add_holiday (list, &n, 5, 1, "Tag der Arbeit", "Labour Day");
  add_easter_holiday (list, &n, &easter, 39, "Christi Himmelfahrt", "Ascension Day");
  add_easter_holiday (list, &n, &easter, 50, "Pfingstmontag", "Whit Monday");
  /* Thüringer Feiertagsgesetz, since 2019. */
  if (year >= 2019)
    add_holiday (list, &n, 9, 20, "Weltkindertag", "World Children's Day");
  if (year >= 1990)
    add_holiday (list, &n, 10, 3, "Tag der Deutschen Einheit", "German Unity Day");
  add_holiday (list, &n, 10, 31, "Reformationstag", "Reformation Day");
  add_holiday (list, &n, 12, 25, "1. Weihnachtstag", "Christmas Day");
  add_holiday (list, &n, 12, 26, "2. Weihnachtstag", "Boxing Day");

  /* Ascension Day can fall on 1 May (e.g. 2008): both stay listed. */
  qsort (list, n, sizeof *list, compare_holidays);

  return n;
}

guint
sp_office_hours_holidays (int        year,
                          SpHoliday *out,
                          guint      max)
{
  SpHoliday list[MAX_HOLIDAYS];
  guint n = holidays_of_year (year, list);

  g_return_val_if_fail (out != NULL || max == 0, 0);

  memcpy (out, list, MIN (n, max) * sizeof *list);
  return n;
}

static const SpHoliday *
holiday_lookup (int        year,
                int        month,
                int        day,
                SpHoliday *list)
{
  guint n = holidays_of_year (year, list);

  for (guint i = 0; i < n; i++)
    {
      if (list[i].month == month && list[i].day == day)
        return &list[i];
    }
  return NULL;
}

const char *
sp_office_hours_holiday_name (int year,
                              int month,
                              int day)
{
  SpHoliday list[MAX_HOLIDAYS];
  const SpHoliday *h = holiday_lookup (year, month, day, list);

  /* The names are static strings: safe to return past @list. */
  return h ? h->name_de : NULL;
}

const char *
sp_office_hours_holiday_name_en (int year,
                                 int month,
                                 int day)
{
  SpHoliday list[MAX_HOLIDAYS];
  const SpHoliday *h = holiday_lookup (year, month, day, list);

  return h ? h->name_en : NULL;
}

/* -- parsing and validation ------------------------------------------------- */

int
sp_office_hours_parse_time (const char *text,
                            gboolean    allow_end_of_day)
{
  int h, m;

  if (text == NULL || strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return -1;

  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h == 24 && m == 0 && allow_end_of_day)
    return MINUTES_PER_DAY;
  if (h > 23 || m > 59)
    return -1;

  return h * 60 + m;
}

/* "YYYY-MM-DD" of a real date. */
static gboolean
parse_day (const char *text,
           int        *year,
           int        *month,
           int        *day)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  if (y < 1583 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  if (year)
    *year = y;
  if (month)
    *month = m;
  if (day)
    *day = d;
  return TRUE;
}

static gboolean
check_weekly (int          weekday,
              const char  *opens,
              const char  *closes,
              int         *opens_min,
              int         *closes_min,
              GError     **error)
{
  int o, c;

  if (weekday < 1 || weekday > 7)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Weekday must be between 1 (Monday) and 7 (Sunday)"));
      return FALSE;
    }
  if ((o = sp_office_hours_parse_time (opens, FALSE)) < 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Opening time “%s” is not a time of day like 08:00"),
                   opens ? opens : "");
      return FALSE;
    }
  if ((c = sp_office_hours_parse_time (closes, TRUE)) < 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Closing time “%s” is not a time of day like 18:00 (24:00 for midnight)"),
                   closes ? closes : "");
      return FALSE;
    }
  if (c <= o)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Closing time %s must be later than opening time %s"),
                   closes, opens);
      return FALSE;
    }

  if (opens_min)
    *opens_min = o;
  if (closes_min)
    *closes_min = c;
  return TRUE;
}

static gboolean
check_closure (const char  *day,
               GError     **error)
{
  if (!parse_day (day, NULL, NULL, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Closure day “%s” is not a date like 2025-12-24"),
                   day ? day : "");
      return FALSE;
    }
  return TRUE;
}

/* -- building --------------------------------------------------------------- */

SpOfficeHours *
sp_office_hours_new (void)
{
  SpOfficeHours *self = g_new0 (SpOfficeHours, 1);

  for (guint i = 1; i <= 7; i++)
    self->weekly[i] = g_array_new (FALSE, FALSE, sizeof (Interval));
  self->closures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

void
sp_office_hours_free (SpOfficeHours *self)
{
  if (self == NULL)
    return;

  for (guint i = 1; i <= 7; i++)
    g_array_unref (self->weekly[i]);
  g_hash_table_unref (self->closures);
  g_free (self);
}

gboolean
sp_office_hours_add_weekly (SpOfficeHours  *self,
                            int             weekday,
                            const char     *opens,
                            const char     *closes,
                            GError        **error)
{
  Interval interval;
  GArray *day;
  guint pos;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_weekly (weekday, opens, closes, &interval.opens, &interval.closes, error))
    return FALSE;

  /* Keep each day sorted by opening time. */
  day = self->weekly[weekday];
  for (pos = 0; pos < day->len; pos++)
    {
      if (g_array_index (day, Interval, pos).opens > interval.opens)
        break;
    }
  g_array_insert_val (day, pos, interval);
  self->n_intervals++;

  return TRUE;
}

gboolean
sp_office_hours_add_closure (SpOfficeHours  *self,
                             const char     *day,
                             const char     *note,
                             GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_closure (day, error))
    return FALSE;

  g_hash_table_replace (self->closures, g_strdup (day), g_strdup (note ? note : ""));
  g_atomic_int_set (&self->closed_memo, 0);
  return TRUE;
}

/* Fields of a bot_hours row: shared by validate_row and add_row. */
static gboolean
row_values (JsonObject   *fields,
            const char  **kind,
            gint64       *weekday,
            GError      **error)
{
  if (fields == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("Office hours row without fields"));
      return FALSE;
    }

  *kind = sp_json_get_string (fields, "kind");
  if (g_strcmp0 (*kind, "weekly") != 0 && g_strcmp0 (*kind, "closure") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Office hours row kind must be “weekly” or “closure”"));
      return FALSE;
    }

  *weekday = sp_json_get_int_or (fields, "weekday", 0);
  return TRUE;
}

gboolean
sp_office_hours_validate_row (JsonObject  *fields,
                              GError     **error)
{
  const char *kind;
  gint64 weekday;

  if (!row_values (fields, &kind, &weekday, error))
    return FALSE;

  if (strcmp (kind, "weekly") == 0)
    return check_weekly ((int) CLAMP (weekday, G_MININT, G_MAXINT),
                         sp_json_get_string (fields, "opens"),
                         sp_json_get_string (fields, "closes"),
                         NULL, NULL, error);

  return check_closure (sp_json_get_string (fields, "day"), error);
}

gboolean
sp_office_hours_add_row (SpOfficeHours  *self,
                         JsonObject     *fields,
                         GError        **error)
{
  const char *kind;
  gint64 weekday;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!row_values (fields, &kind, &weekday, error))
    return FALSE;

  if (strcmp (kind, "weekly") == 0)
    return sp_office_hours_add_weekly (self, (int) CLAMP (weekday, G_MININT, G_MAXINT),
                                       sp_json_get_string (fields, "opens"),
                                       sp_json_get_string (fields, "closes"),
                                       error);

  return sp_office_hours_add_closure (self, sp_json_get_string (fields, "day"),
                                      sp_json_get_string (fields, "note"), error);
}

SpOfficeHours *
sp_office_hours_new_from_json (JsonArray *rows,
                               guint     *n_invalid)
{
  SpOfficeHours *self = sp_office_hours_new ();
  guint invalid = 0;

  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      g_autoptr(GError) error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !sp_office_hours_add_row (self, json_node_get_object (node), &error))
        {
          g_debug ("Skipping office hours row %u: %s", i,
                   error ? error->message : "not an object");
          invalid++;
        }
    }

  if (n_invalid != NULL)
    *n_invalid = invalid;
  return self;
}

SpOfficeHours *
sp_office_hours_new_from_db (SpDb    *db,
                             GError **error)
{
  g_autoptr(SpOfficeHours) self = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = sp_db_prepare (db,
                        "SELECT id, kind, weekday, day, opens, closes, note "
                        "FROM bot_hours WHERE deleted = 0",
                        error);
  if (stmt == NULL)
    return NULL;

  self = sp_office_hours_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (g_strcmp0 (kind, "weekly") == 0)
        {
          gint64 weekday = sqlite3_column_type (stmt, 2) == SQLITE_INTEGER
                           ? sqlite3_column_int64 (stmt, 2) : 0;

          ok = sp_office_hours_add_weekly (self, (int) CLAMP (weekday, -1, 8),
                                           (const char *) sqlite3_column_text (stmt, 4),
                                           (const char *) sqlite3_column_text (stmt, 5),
                                           &local_error);
        }
      else if (g_strcmp0 (kind, "closure") == 0)
        ok = sp_office_hours_add_closure (self,
                                          (const char *) sqlite3_column_text (stmt, 3),
                                          (const char *) sqlite3_column_text (stmt, 6),
                                          &local_error);
      else
        {
          ok = FALSE;
          g_set_error (&local_error, SP_ERROR, SP_ERROR_INVALID, "kind “%s”", kind ? kind : "");
        }

      if (!ok)
        g_debug ("Skipping office hours row %s: %s",
                 (const char *) sqlite3_column_text (stmt, 0), local_error->message);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

guint
sp_office_hours_n_intervals (SpOfficeHours *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_intervals + g_hash_table_size (self->closures);
}

const char *
sp_office_hours_closure_note (SpOfficeHours *self,
                              const char    *day)
{
  g_return_val_if_fail (self != NULL, NULL);

  return day ? g_hash_table_lookup (self->closures, day) : NULL;
}

/* -- queries ------------------------------------------------------------------ */

/* TRUE if the office is closed all day on this date. */
static gboolean
day_closed (SpOfficeHours *self,
            int            year,
            int            month,
            int            day)
{
  char key[16];
  gint date = (year * 16 + month) * 32 + day;
  gint memo = g_atomic_int_get (&self->closed_memo);
  gboolean closed;

  if (date > 0 && date < G_MAXINT / 2 && memo >> 1 == date)
    return memo & 1;
  g_snprintf (key, sizeof key, "%04d-%02d-%02d", year, month, day);
  closed = sp_office_hours_holiday_name (year, month, day) != NULL ||
           g_hash_table_contains (self->closures, key);
  if (date > 0 && date < G_MAXINT / 2)
    g_atomic_int_set (&self->closed_memo, date << 1 | closed);
  return closed;
}

static GDateTime *
to_local (GDateTime *at)
{
  return g_date_time_to_timezone (at, sp_city_time_zone ());
}

/* The interval of @weekday that contains @minute, or NULL. */
static const Interval *
interval_at (SpOfficeHours *self,
             int            weekday,
             int            minute)
{
  GArray *day = self->weekly[weekday];

  for (guint i = 0; i < day->len; i++)
    {
      const Interval *iv = &g_array_index (day, Interval, i);

      if (iv->opens <= minute && minute < iv->closes)
        return iv;
    }
  return NULL;
}

gboolean
sp_office_hours_is_open (SpOfficeHours *self,
                         GDateTime     *at)
{
  g_autoptr(GDateTime) local = NULL;
  int y, m, d;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (at != NULL, FALSE);

  local = to_local (at);
  g_date_time_get_ymd (local, &y, &m, &d);
  if (day_closed (self, y, m, d))
    return FALSE;

  return interval_at (self, g_date_time_get_day_of_week (local),
                      g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local)) != NULL;
}

static GDateTime *
local_time_on (const GDate *date,
               int          minute)
{
  if (minute >= MINUTES_PER_DAY)
    {
      GDate next = *date;

      g_date_add_days (&next, 1);
      return local_time_on (&next, 0);
    }

  return g_date_time_new (sp_city_time_zone (),
                          g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date), minute / 60, minute % 60, 0);
}

GDateTime *
sp_office_hours_next_open (SpOfficeHours *self,
                           GDateTime     *after)
{
  g_autoptr(GDateTime) local = NULL;
  int y, m, d, now_minute;
  GDate date;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);

  if (self->n_intervals == 0)
    return NULL;

  local = to_local (after);
  g_date_time_get_ymd (local, &y, &m, &d);
  now_minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);

  for (guint offset = 0; offset <= LOOKAHEAD_DAYS; offset++, g_date_add_days (&date, 1))
    {
      GArray *day;

      if (day_closed (self, g_date_get_year (&date), g_date_get_month (&date),
                      g_date_get_day (&date)))
        continue;

      day = self->weekly[g_date_get_weekday (&date)];
      for (guint i = 0; i < day->len; i++)
        {
          const Interval *iv = &g_array_index (day, Interval, i);
          g_autoptr(GDateTime) candidate = NULL;

          if (offset == 0 && iv->closes <= now_minute)
            continue;
          if (offset == 0 && iv->opens <= now_minute)
            return g_date_time_ref (local);

          /* An opening time inside the spring-forward gap becomes the first
           * valid time after it (GLib moves it there); keep it only if it
           * is really open. A time that occurs twice when the clocks go
           * back is taken at its first occurrence. */
          candidate = local_time_on (&date, iv->opens);
          if (candidate != NULL)
            {
              g_autoptr(GDateTime) earlier = g_date_time_add_hours (candidate, -1);

              if (g_date_time_get_day_of_month (earlier) == g_date_time_get_day_of_month (candidate) &&
                  g_date_time_get_hour (earlier) * 60 + g_date_time_get_minute (earlier) == iv->opens &&
                  g_date_time_compare (earlier, local) >= 0)
                {
                  g_date_time_unref (candidate);
                  candidate = g_steal_pointer (&earlier);
                }
            }
          if (candidate != NULL &&
              g_date_time_compare (candidate, local) >= 0 &&
              sp_office_hours_is_open (self, candidate))
            return g_steal_pointer (&candidate);
        }
    }

  return NULL;
}

GDateTime *
sp_office_hours_closes_at (SpOfficeHours *self,
                           GDateTime     *at)
{
  g_autoptr(GDateTime) local = NULL;
  const Interval *iv;
  int y, m, d, minute;
  GDate date;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (at != NULL, NULL);

  if (!sp_office_hours_is_open (self, at))
    return NULL;

  local = to_local (at);
  g_date_time_get_ymd (local, &y, &m, &d);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  iv = interval_at (self, g_date_get_weekday (&date), minute);

  /* Follow adjacent intervals, also across midnight (at most a week). */
  for (guint days = 0; iv != NULL && days < 8; )
    {
      const Interval *next = interval_at (self, g_date_get_weekday (&date), iv->closes);

      if (next != NULL && next != iv && next->closes > iv->closes)
        {
          iv = next;
          continue;
        }
      if (iv->closes < MINUTES_PER_DAY)
        break;

      /* Open until midnight: does the next day open at 00:00? */
      {
        GDate tomorrow = date;
        const Interval *first;

        g_date_add_days (&tomorrow, 1);
        if (day_closed (self, g_date_get_year (&tomorrow), g_date_get_month (&tomorrow),
                        g_date_get_day (&tomorrow)) ||
            (first = interval_at (self, g_date_get_weekday (&tomorrow), 0)) == NULL)
          break;
        date = tomorrow;
        iv = first;
        days++;
      }
    }

  return local_time_on (&date, iv->closes);
}
