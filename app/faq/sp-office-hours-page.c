/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-office-hours-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-form.h"
#include "sp-office-hours-page.h"
#include "sp-office-hours.h"

#define ENTITY_HOURS     "bot_hours"
#define ENTITY_SETTING   "bot_setting"
#define HOTLINE_ID       "bot_setting.hotline"
#define CALLBACK_ID      "bot_setting.callback_hours"
#define DEFAULT_CALLBACK 24
#define NOW_INTERVAL_S   30

static const char * const weekday_names[] = {
  N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
  N_("Friday"), N_("Saturday"), N_("Sunday"),
};

typedef struct {
  AdwPreferencesGroup *group;
  GtkListBox          *list;
  GtkEntry            *opens;
  GtkEntry            *closes;
  GtkLabel            *error;
} Day;

struct _SpOfficeHoursPage
{
  AdwBin          parent_instance;

  SpLocalStore   *store;
  Day             days[7];
  guint           now_source;
  int             holidays_year;

  GtkLabel       *now_label;
  GtkBox         *weekly_box;
  GtkEntry       *closure_day_entry;
  GtkEntry       *closure_note_entry;
  GtkLabel       *closure_error;
  GtkListBox     *closures_list;
  GtkBox         *holidays_box;
  GtkEntry       *hotline_entry;
  GtkSpinButton  *callback_spin;
  GtkLabel       *settings_error;
};

G_DEFINE_FINAL_TYPE (SpOfficeHoursPage, sp_office_hours_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ helpers */

static const char *
weekday_name (int weekday)   /* 1..7 */
{
  g_assert (weekday >= 1 && weekday <= 7);
  return _(weekday_names[weekday - 1]);
}

/* "Thursday, 2026-12-24" (German: "Donnerstag, 24.12.2026"). Weekday names
 * are our own translations: the UI language may differ from LC_TIME. */
static char *
format_day (GDateTime *date)
{
  /* Translators: a date, see g_date_time_format() */
  g_autofree char *day = g_date_time_format (date, _("%Y-%m-%d"));

  /* Translators: weekday and date */
  return g_strdup_printf (_("%s, %s"), weekday_name (g_date_time_get_day_of_week (date)), day);
}

static GDateTime *
parse_day (const char *text)
{
  int y, m, d;
  char tail;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_time_new (sp_city_time_zone (), y, m, d, 0, 0, 0);
}

/* Rows of `bot_hours` that are not deleted, in display order. */
typedef struct {
  char *id;
  char *kind;
  int   weekday;
  char *day;
  char *opens;
  char *closes;
  char *note;
} HoursRow;

static void
hours_row_free (HoursRow *row)
{
  g_free (row->id);
  g_free (row->kind);
  g_free (row->day);
  g_free (row->opens);
  g_free (row->closes);
  g_free (row->note);
  g_free (row);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return g_strdup (text != NULL ? text : "");
}

static GPtrArray *
load_hours (SpOfficeHoursPage *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hours_row_free);
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT id, kind, coalesce(weekday, 0), day, opens, closes, note"
                        " FROM bot_hours WHERE deleted = 0"
                        " ORDER BY kind, weekday, opens, day, id",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the office hours: %s", error->message);
      return rows;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      HoursRow *row = g_new0 (HoursRow, 1);

      row->id = column_text (stmt, 0);
      row->kind = column_text (stmt, 1);
      row->weekday = sqlite3_column_int (stmt, 2);
      row->day = column_text (stmt, 3);
      row->opens = column_text (stmt, 4);
      row->closes = column_text (stmt, 5);
      row->note = column_text (stmt, 6);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  return rows;
}

static char *
setting_value (SpOfficeHoursPage *self,
               const char        *id)
{
  g_autoptr(GError) error = NULL;
  SpDbRow *row = sp_local_store_get (self->store, ENTITY_SETTING, id, &error);
  char *value = NULL;

  if (row != NULL && !row->deleted)
    value = g_strdup (json_object_get_string_member_with_default (row->fields, "value", ""));
  g_clear_pointer (&row, sp_db_row_free);
  return value;
}

/* ------------------------------------------------------------------ now */

static void
update_now (SpOfficeHoursPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpOfficeHours) hours = NULL;
  g_autoptr(GDateTime) now = sp_city_now ();
  g_autofree char *text = NULL;

  hours = sp_office_hours_new_from_db (sp_local_store_get_db (self->store), &error);
  if (hours == NULL)
    {
      g_warning ("Cannot compute the office hours: %s", error->message);
      return;
    }

  if (sp_office_hours_is_open (hours, now))
    {
      g_autoptr(GDateTime) closes = sp_office_hours_closes_at (hours, now);
      g_autofree char *time = closes ? g_date_time_format (closes, "%H:%M") : NULL;

      g_autoptr(GDateTime) last_minute = closes ? g_date_time_add_minutes (closes, -1) : NULL;

      if (closes != NULL && g_date_time_get_day_of_year (closes) == g_date_time_get_day_of_year (now))
        text = g_strdup_printf (_("Now: open until %s"), time);
      else if (closes != NULL && g_date_time_get_hour (closes) == 0 && g_date_time_get_minute (closes) == 0 &&
               g_date_time_get_day_of_year (last_minute) == g_date_time_get_day_of_year (now))
        text = g_strdup_printf (_("Now: open until %s"), "24:00");
      else if (closes != NULL)
        {
          g_autofree char *day = format_day (closes);

          /* Translators: day, time */
          text = g_strdup_printf (_("Now: open until %s, %s"), day, time);
        }
      else
        text = g_strdup (_("Now: open"));
    }
  else
    {
      g_autoptr(GDateTime) next = sp_office_hours_next_open (hours, now);
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
      const char *holiday = sp_office_hours_holiday_name (g_date_time_get_year (now),
                                                          g_date_time_get_month (now),
                                                          g_date_time_get_day_of_month (now));
      const char *note = sp_office_hours_closure_note (hours, today);
      g_autofree char *reason = NULL;

      if (holiday != NULL)
        /* Translators: the name of a public holiday */
        reason = g_strdup_printf (_(" (public holiday: %s)"), holiday);
      else if (note != NULL)
        /* Translators: the note of a special closure */
        reason = g_strdup_printf (_(" (closed today: %s)"), *note ? note : _("special closure"));

      if (next == NULL)
        text = g_strdup_printf (_("Now: closed%s. No opening within a year: add office hours below."),
                                reason ? reason : "");
      else
        {
          g_autofree char *day = format_day (next);
          g_autofree char *time = g_date_time_format (next, "%H:%M");

          /* Translators: reason (may be empty), then day and time */
          text = g_strdup_printf (_("Now: closed%s. Next opening: %s, %s"),
                                  reason ? reason : "", day, time);
        }
    }
  gtk_label_set_label (self->now_label, text);
}

static gboolean
now_cb (gpointer user_data)
{
  update_now (SP_OFFICE_HOURS_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ rows */

static void
on_remove_clicked (GtkButton         *button,
                   SpOfficeHoursPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "row-id");
  g_autoptr(GError) error = NULL;

  if (!sp_local_store_delete (self->store, ENTITY_HOURS, id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot remove: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), text);
    }
}

static GtkWidget *
hours_action_row (SpOfficeHoursPage *self,
                  HoursRow          *row,
                  const char        *title,
                  const char        *subtitle,
                  const char        *remove_name)
{
  GtkWidget *action_row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *full_subtitle = NULL;

  if (sp_local_store_is_pending (self->store, ENTITY_HOURS, row->id))
    full_subtitle = g_strdup_printf ("%s%s%s", subtitle ? subtitle : "",
                                     subtitle && *subtitle ? " · " : "", _("not synced yet"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), title);
  if (full_subtitle != NULL || (subtitle != NULL && *subtitle))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), full_subtitle ? full_subtitle : subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, remove_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  g_object_set_data_full (G_OBJECT (button), "row-id", g_strdup (row->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), button);
  return action_row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
rebuild_holidays (SpOfficeHoursPage *self,
                  int                year)
{
  gboolean english = !g_str_has_prefix (g_get_language_names ()[0], "de");
  GtkWidget *child;

  if (self->holidays_year == year)
    return;
  self->holidays_year = year;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->holidays_box))) != NULL)
    gtk_box_remove (self->holidays_box, child);

  for (int y = year; y <= year + 1; y++)
    {
      SpHoliday holidays[16];
      guint n = sp_office_hours_holidays (y, holidays, G_N_ELEMENTS (holidays));
      GtkWidget *group = adw_preferences_group_new ();
      g_autofree char *title = g_strdup_printf (_("Public Holidays in Thuringia %d"), y);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      if (y == year)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                               _("Computed, always closed; nothing to enter."));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GDateTime) date = g_date_time_new (sp_city_time_zone (), y,
                                                       holidays[i].month, holidays[i].day, 0, 0, 0);
          g_autofree char *day = format_day (date);
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         english ? holidays[i].name_en : holidays[i].name_de);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), day);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->holidays_box, group);
    }
}

static void
rebuild (SpOfficeHoursPage *self)
{
  g_autoptr(GPtrArray) rows = load_hours (self);
  g_autoptr(GDateTime) now = sp_city_now ();
  guint per_day[7] = { 0 };
  guint n_closures = 0;

  for (guint d = 0; d < 7; d++)
    clear_list (self->days[d].list);
  clear_list (self->closures_list);

  for (guint i = 0; i < rows->len; i++)
    {
      HoursRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->kind, "weekly") && row->weekday >= 1 && row->weekday <= 7)
        {
          /* Translators: an opening interval, e.g. "08:00 – 12:00" */
          g_autofree char *title = g_strdup_printf (_("%s – %s"), row->opens, row->closes);
          /* Translators: accessible name of a button: interval, weekday */
          g_autofree char *remove = g_strdup_printf (_("Remove %s on %s"), title, weekday_name (row->weekday));

          gtk_list_box_append (self->days[row->weekday - 1].list,
                               hours_action_row (self, row, title, NULL, remove));
          per_day[row->weekday - 1]++;
        }
      else if (g_str_equal (row->kind, "closure"))
        {
          g_autoptr(GDateTime) date = parse_day (row->day);
          g_autofree char *title = date ? format_day (date) : g_strdup (row->day);
          g_autofree char *remove = g_strdup_printf (_("Remove the closure on %s"), title);

          gtk_list_box_append (self->closures_list,
                               hours_action_row (self, row, title, row->note, remove));
          n_closures++;
        }
    }

  for (guint d = 0; d < 7; d++)
    {
      g_autofree char *title = NULL;

      if (per_day[d] == 0)
        gtk_list_box_append (self->days[d].list, placeholder_row (_("Closed")));
      if ((int) d + 1 == g_date_time_get_day_of_week (now))
        /* Translators: a weekday that is today */
        title = g_strdup_printf (_("%s (today)"), weekday_name (d + 1));
      else
        title = g_strdup (weekday_name (d + 1));
      adw_preferences_group_set_title (self->days[d].group, title);
    }
  if (n_closures == 0)
    gtk_list_box_append (self->closures_list, placeholder_row (_("No special closures")));

  rebuild_holidays (self, g_date_time_get_year (now));
  update_now (self);
}

static void
load_settings (SpOfficeHoursPage *self)
{
  g_autofree char *hotline = setting_value (self, HOTLINE_ID);
  g_autofree char *callback = setting_value (self, CALLBACK_ID);
  gint64 hours = callback != NULL ? g_ascii_strtoll (callback, NULL, 10) : DEFAULT_CALLBACK;

  gtk_editable_set_text (GTK_EDITABLE (self->hotline_entry), hotline ? hotline : "");
  gtk_spin_button_set_value (self->callback_spin, hours > 0 ? hours : DEFAULT_CALLBACK);
  sp_form_set_field_error (GTK_WIDGET (self->hotline_entry), self->settings_error, NULL);
}

static void
on_store_changed (SpOfficeHoursPage *self,
                  const char        *entity)
{
  if (entity == NULL || g_str_equal (entity, ENTITY_HOURS))
    rebuild (self);
  /* Settings from a sync replace what is shown, unless it is being edited. */
  if ((entity == NULL || g_str_equal (entity, ENTITY_SETTING)) &&
      gtk_widget_get_focus_child (GTK_WIDGET (self->hotline_entry)) == NULL)
    load_settings (self);
}

/* ------------------------------------------------------------------ edits */

static gboolean
save_hours (SpOfficeHoursPage  *self,
            JsonObject         *fields,
            GError            **error)
{
  g_autofree char *id = NULL;

  if (!sp_office_hours_validate_row (fields, error))
    return FALSE;
  id = sp_local_store_save (self->store, ENTITY_HOURS, NULL, fields, error);
  return id != NULL;
}

static void
on_add_interval (GtkWidget         *widget,
                 SpOfficeHoursPage *self)
{
  int weekday = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "weekday"));
  Day *day = &self->days[weekday - 1];
  const char *opens = gtk_editable_get_text (GTK_EDITABLE (day->opens));
  const char *closes = gtk_editable_get_text (GTK_EDITABLE (day->closes));
  int from = sp_office_hours_parse_time (opens, FALSE);
  int to = sp_office_hours_parse_time (closes, TRUE);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;

  if (from < 0 || to < 0)
    {
      sp_form_set_field_error (GTK_WIDGET (day->opens), day->error, _("Enter both times as HH:MM, e.g. 08:00 and 12:30 (24:00 for midnight)."));
      return;
    }
  if (to <= from)
    {
      sp_form_set_field_error (GTK_WIDGET (day->opens), day->error, _("The closing time must be later than the opening time."));
      return;
    }

  rows = load_hours (self);
  for (guint i = 0; i < rows->len; i++)
    {
      HoursRow *row = g_ptr_array_index (rows, i);
      int other_from, other_to;

      if (!g_str_equal (row->kind, "weekly") || row->weekday != weekday)
        continue;
      other_from = sp_office_hours_parse_time (row->opens, FALSE);
      other_to = sp_office_hours_parse_time (row->closes, TRUE);
      if (from < other_to && other_from < to)
        {
          g_autofree char *text = g_strdup_printf (_("Overlaps with %s – %s on %s. Remove that interval first or choose other times."),
                                                   row->opens, row->closes, weekday_name (weekday));
          sp_form_set_field_error (GTK_WIDGET (day->opens), day->error, text);
          return;
        }
    }

  fields = json_object_new ();
  json_object_set_string_member (fields, "kind", "weekly");
  json_object_set_int_member (fields, "weekday", weekday);
  json_object_set_string_member (fields, "day", "");
  json_object_set_string_member (fields, "opens", opens);
  json_object_set_string_member (fields, "closes", closes);
  json_object_set_string_member (fields, "note", "");
  if (!save_hours (self, fields, &error))
    {
      sp_form_set_field_error (GTK_WIDGET (day->opens), day->error, error->message);
      return;
    }
  sp_form_set_field_error (GTK_WIDGET (day->opens), day->error, NULL);
  gtk_editable_set_text (GTK_EDITABLE (day->opens), "");
  gtk_editable_set_text (GTK_EDITABLE (day->closes), "");
}

static void
on_add_closure (SpOfficeHoursPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->closure_day_entry));
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->closure_note_entry));
  g_autoptr(GDateTime) date = parse_day (text);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;

  if (date == NULL)
    {
      sp_form_set_field_error (GTK_WIDGET (self->closure_day_entry), self->closure_error, _("Enter the date as YYYY-MM-DD, e.g. 2026-12-24."));
      return;
    }
  rows = load_hours (self);
  for (guint i = 0; i < rows->len; i++)
    {
      HoursRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->kind, "closure") && g_str_equal (row->day, text))
        {
          sp_form_set_field_error (GTK_WIDGET (self->closure_day_entry), self->closure_error, _("This day is already closed."));
          return;
        }
    }

  fields = json_object_new ();
  json_object_set_string_member (fields, "kind", "closure");
  json_object_set_int_member (fields, "weekday", 0);
  json_object_set_string_member (fields, "day", text);
  json_object_set_string_member (fields, "opens", "");
  json_object_set_string_member (fields, "closes", "");
  json_object_set_string_member (fields, "note", note);
  if (!save_hours (self, fields, &error))
    {
      sp_form_set_field_error (GTK_WIDGET (self->closure_day_entry), self->closure_error, error->message);
      return;
    }
  sp_form_set_field_error (GTK_WIDGET (self->closure_day_entry), self->closure_error, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->closure_day_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->closure_note_entry), "");
}

static gboolean
valid_phone (const char *text)
{
  guint digits = 0;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!strchr (" +-/()", *p))
        return FALSE;
    }
  return digits >= 3;
}

static gboolean
save_setting (SpOfficeHoursPage  *self,
              const char         *id,
              const char         *key,
              const char         *value,
              GError            **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *saved = NULL;

  json_object_set_string_member (fields, "key", key);
  json_object_set_string_member (fields, "value", value);
  saved = sp_local_store_save (self->store, ENTITY_SETTING, id, fields, error);
  return saved != NULL;
}

static void
on_save_settings (SpOfficeHoursPage *self)
{
  g_autofree char *hotline = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->hotline_entry))));
  g_autofree char *hours = NULL;
  g_autoptr(GError) error = NULL;

  gtk_spin_button_update (self->callback_spin);
  hours = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->callback_spin));

  if (*hotline != '\0' && !valid_phone (hotline))
    {
      sp_form_set_field_error (GTK_WIDGET (self->hotline_entry), self->settings_error,
                               _("The hotline number may contain only digits, spaces, +, -, / and brackets."));
      return;
    }
  if (!save_setting (self, HOTLINE_ID, "hotline", hotline, &error) ||
      !save_setting (self, CALLBACK_ID, "callback_hours", hours, &error))
    {
      sp_form_set_field_error (GTK_WIDGET (self->hotline_entry), self->settings_error, error->message);
      return;
    }
  sp_form_set_field_error (GTK_WIDGET (self->hotline_entry), self->settings_error, NULL);
  sp_form_show_toast (GTK_WIDGET (self), _("Bot settings saved"));
}

/* ------------------------------------------------------------------ setup */

static void
build_day (SpOfficeHoursPage *self,
           int                weekday)
{
  Day *day = &self->days[weekday - 1];
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *add_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *opens = gtk_entry_new ();
  GtkWidget *closes = gtk_entry_new ();
  GtkWidget *dash = gtk_label_new ("–");
  GtkWidget *button = gtk_button_new_with_label (_("Add"));
  GtkWidget *error = gtk_label_new (NULL);
  g_autofree char *opens_name = g_strdup_printf (_("%s opens"), weekday_name (weekday));
  g_autofree char *closes_name = g_strdup_printf (_("%s closes"), weekday_name (weekday));
  g_autofree char *add_name = g_strdup_printf (_("Add interval on %s"), weekday_name (weekday));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), weekday_name (weekday));
  if (weekday == 1)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("Weekly schedule: one or more intervals per day, e.g. 08:00 – 12:00 and 13:00 – 18:00."));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  weekday_name (weekday), -1);

  for (GtkWidget *entry = opens; entry != NULL; entry = entry == opens ? closes : NULL)
    {
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
      gtk_entry_set_max_length (GTK_ENTRY (entry), 5);
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
      g_object_set_data (G_OBJECT (entry), "weekday", GINT_TO_POINTER (weekday));
      g_signal_connect_object (entry, "activate", G_CALLBACK (on_add_interval), self, 0);
    }
  gtk_entry_set_placeholder_text (GTK_ENTRY (opens), "08:00");
  gtk_entry_set_placeholder_text (GTK_ENTRY (closes), "16:00");
  gtk_widget_set_tooltip_text (opens, _("Opens at (HH:MM)"));
  gtk_widget_set_tooltip_text (closes, _("Closes at (HH:MM, 24:00 for midnight)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (opens), GTK_ACCESSIBLE_PROPERTY_LABEL, opens_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (closes), GTK_ACCESSIBLE_PROPERTY_LABEL, closes_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, add_name, -1);
  gtk_widget_set_tooltip_text (button, add_name);
  g_object_set_data (G_OBJECT (button), "weekday", GINT_TO_POINTER (weekday));
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_add_interval), self, 0);

  gtk_widget_set_margin_top (add_box, 6);
  gtk_box_append (GTK_BOX (add_box), opens);
  gtk_box_append (GTK_BOX (add_box), dash);
  gtk_box_append (GTK_BOX (add_box), closes);
  gtk_box_append (GTK_BOX (add_box), button);

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_widget_set_margin_top (error, 6);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), add_box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), error);
  gtk_box_append (self->weekly_box, group);

  day->group = ADW_PREFERENCES_GROUP (group);
  day->list = GTK_LIST_BOX (list);
  day->opens = GTK_ENTRY (opens);
  day->closes = GTK_ENTRY (closes);
  day->error = GTK_LABEL (error);
}

static void
sp_office_hours_page_constructed (GObject *object)
{
  SpOfficeHoursPage *self = SP_OFFICE_HOURS_PAGE (object);

  G_OBJECT_CLASS (sp_office_hours_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  for (int weekday = 1; weekday <= 7; weekday++)
    build_day (self, weekday);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed),
                           self, G_CONNECT_SWAPPED);
  rebuild (self);
  load_settings (self);
  self->now_source = g_timeout_add_seconds (NOW_INTERVAL_S, now_cb, self);
}

static void
sp_office_hours_page_dispose (GObject *object)
{
  SpOfficeHoursPage *self = SP_OFFICE_HOURS_PAGE (object);

  g_clear_handle_id (&self->now_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_OFFICE_HOURS_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_office_hours_page_parent_class)->dispose (object);
}

static void
sp_office_hours_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SpOfficeHoursPage *self = SP_OFFICE_HOURS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_office_hours_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SpOfficeHoursPage *self = SP_OFFICE_HOURS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_office_hours_page_class_init (SpOfficeHoursPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_office_hours_page_constructed;
  object_class->dispose = sp_office_hours_page_dispose;
  object_class->get_property = sp_office_hours_page_get_property;
  object_class->set_property = sp_office_hours_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-office-hours-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, now_label);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, weekly_box);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, closure_day_entry);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, closure_note_entry);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, closure_error);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, closures_list);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, holidays_box);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, hotline_entry);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, callback_spin);
  gtk_widget_class_bind_template_child (widget_class, SpOfficeHoursPage, settings_error);
  gtk_widget_class_bind_template_callback (widget_class, on_add_closure);
  gtk_widget_class_bind_template_callback (widget_class, on_save_settings);
}

static void
sp_office_hours_page_init (SpOfficeHoursPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sp_form_set_field_error (GTK_WIDGET (self->hotline_entry), self->settings_error, NULL);
}

GtkWidget *
sp_office_hours_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_OFFICE_HOURS_PAGE, "store", store, NULL);
}
