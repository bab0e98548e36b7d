/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bot-kpi-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sp-bar-chart.h"
#include "sp-bot-kpi-page.h"
#include "sp-error.h"
#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-city-time.h"

/* The figures exist on the server only (counted where the bots answer);
 * the page keeps the last answer of the selected period in memory. */

typedef enum {
  CHANNEL_CHAT,
  CHANNEL_VOICE,
  N_CHANNELS
} Channel;

typedef enum {
  F_INTERACTIONS,
  F_ANSWERED,
  F_HANDOFFS,
  F_UNANSWERED,
  F_CALLBACKS,
  N_FIGURES
} Figure;

static const char * const figure_keys[N_FIGURES] = {
  "interactions", "answered", "handoffs", "unanswered", "callbacks",
};

typedef struct {
  char   *day;                          /* YYYY-MM-DD */
  gint64  values[N_CHANNELS][N_FIGURES];
} Day;

struct _SpBotKpiPage
{
  AdwBin              parent_instance;

  SpServerAccessFunc  server_func;
  gpointer            server_data;
  GDestroyNotify      server_destroy;

  GCancellable       *cancellable;
  GArray             *days;     /* Day, oldest first, every day of the period */
  gboolean            loaded_once;
  guint               n_days;

  GtkFileChooserNative *chooser;

  GtkDropDown        *period_dropdown;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkLabel           *summary_label;
  GtkFlowBox         *totals_box;
  GtkDrawingArea     *chart;
  GtkGrid            *table;
};

G_DEFINE_FINAL_TYPE (SpBotKpiPage, sp_bot_kpi_page, ADW_TYPE_BIN)

static const guint periods[] = { 7, 30, 90 };

static void
day_clear (Day *day)
{
  g_clear_pointer (&day->day, g_free);
}

static const char *
channel_name (Channel channel)
{
  return channel == CHANNEL_CHAT ? _("Chat") : _("Telephone");
}

static const char *
figure_name (Figure figure)
{
  switch (figure)
    {
    case F_INTERACTIONS: return _("Interactions");
    case F_ANSWERED:     return _("Answered");
    case F_HANDOFFS:     return _("Hand-offs");
    case F_UNANSWERED:   return _("Unanswered");
    case F_CALLBACKS:    return _("Callbacks");
    case N_FIGURES:
    default:
      g_assert_not_reached ();
    }
}

static guint
selected_days (SpBotKpiPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->period_dropdown);

  return periods[selected < G_N_ELEMENTS (periods) ? selected : 0];
}

static gint64
day_total (const Day *day,
           Figure     figure)
{
  return day->values[CHANNEL_CHAT][figure] + day->values[CHANNEL_VOICE][figure];
}

/* "87,5 %" in German, "87.5 %" in English; "–" without interactions. */
static char *
rate_text (gint64 answered,
           gint64 interactions)
{
  char *text;

  if (interactions <= 0)
    return g_strdup ("–");
  /* Translators: a percentage, e.g. "87.5 %" */
  text = g_strdup_printf (_("%.1f %%"), 100.0 * answered / interactions);
  /* Translators: the decimal separator of numbers shown ("," in German) */
  g_strdelimit (text, ".", C_("decimal separator", ".")[0]);
  return text;
}

/* "2026-11-29" as the UI language writes dates ("29.11.2026"). */
static char *
display_day (const char *iso)
{
  int y, m, d;

  if (sscanf (iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    {
      g_autoptr(GDateTime) date = g_date_time_new_local (y, m, d, 0, 0, 0);

      /* Translators: a date, see g_date_time_format() */
      return g_date_time_format (date, _("%Y-%m-%d"));
    }
  return g_strdup (iso);
}

static void
update_actions (SpBotKpiPage *self)
{
  gboolean have = self->days->len > 0 &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "figures") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kpi.export-csv", have);
}

static void
show_error (SpBotKpiPage *self,
            const char   *title,
            const char   *description)
{
  g_array_set_size (self->days, 0);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_actions (self);
}

/* ------------------------------------------------------------------ chart */

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SpBotKpiPage *self = user_data;
  static const Figure shown[] = { F_INTERACTIONS, F_ANSWERED, F_HANDOFFS };
  g_autofree const char **labels = g_new0 (const char *, self->days->len + 1);
  g_autofree double *values = g_new0 (double, G_N_ELEMENTS (shown) * self->days->len + 1);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  const char *legend[G_N_ELEMENTS (shown)];
  SpBarChartData data = { 0 };

  for (guint s = 0; s < G_N_ELEMENTS (shown); s++)
    legend[s] = figure_name (shown[s]);

  for (guint i = 0; i < self->days->len; i++)
    {
      Day *day = &g_array_index (self->days, Day, i);
      char *label = g_strdup_printf ("%.2s.%.2s.", day->day + 8, day->day + 5);

      g_ptr_array_add (strings, label);
      labels[i] = label;
      for (guint s = 0; s < G_N_ELEMENTS (shown); s++)
        values[i * G_N_ELEMENTS (shown) + s] = (double) day_total (day, shown[s]);
    }

  data.n_series = G_N_ELEMENTS (shown);
  data.series_labels = legend;
  data.n_categories = self->days->len;
  data.category_labels = labels;
  data.values = values;
  sp_bar_chart_draw (GTK_WIDGET (area), cr, width, height, &data);
}

/* The chart's text alternative: one line per day with activity. */
static char *
describe_chart (SpBotKpiPage *self)
{
  GString *text = g_string_new (_("Interactions, answered questions and hand-offs per day"));
  guint quiet = 0;

  for (guint i = 0; i < self->days->len; i++)
    {
      Day *day = &g_array_index (self->days, Day, i);
      g_autofree char *date = NULL;

      if (day_total (day, F_INTERACTIONS) == 0 && day_total (day, F_HANDOFFS) == 0)
        {
          quiet++;
          continue;
        }
      date = display_day (day->day);
      g_string_append_c (text, '\n');
      /* Translators: day, interactions, answered, hand-offs */
      g_string_append_printf (text, _("%s: %d interactions, %d answered, %d hand-offs"),
                              date, (int) day_total (day, F_INTERACTIONS),
                              (int) day_total (day, F_ANSWERED), (int) day_total (day, F_HANDOFFS));
    }
  if (quiet > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("%u day without interactions",
                                              "%u days without interactions", quiet),
                              quiet);
    }
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------ view */

static GtkWidget *
total_card (const char *title,
            const char *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *number = gtk_label_new (value);
  GtkWidget *caption = gtk_label_new (title);
  g_autofree char *name = g_strdup_printf ("%s: %s", title, value);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_top (number, 12);
  gtk_widget_set_margin_start (number, 12);
  gtk_widget_set_margin_end (number, 12);
  gtk_widget_set_margin_bottom (caption, 12);
  gtk_widget_set_margin_start (caption, 12);
  gtk_widget_set_margin_end (caption, 12);
  gtk_widget_add_css_class (number, "title-2");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return box;
}

static void
table_cell (SpBotKpiPage *self,
            const char   *text,
            int           column,
            int           row,
            gboolean      header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column <= 1 ? 0 : 1);
  if (header)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (self->table, label, column, row, 1, 1);
}

static void
rebuild (SpBotKpiPage *self)
{
  gint64 totals[N_CHANNELS][N_FIGURES] = { { 0 } };
  gint64 sum[N_FIGURES] = { 0 };
  g_autofree char *summary = NULL, *rate = NULL, *description = NULL, *first = NULL, *last = NULL;
  GtkWidget *child;
  int row = 0;

  for (guint i = 0; i < self->days->len; i++)
    for (guint c = 0; c < N_CHANNELS; c++)
      for (guint f = 0; f < N_FIGURES; f++)
        {
          totals[c][f] += g_array_index (self->days, Day, i).values[c][f];
          sum[f] += g_array_index (self->days, Day, i).values[c][f];
        }

  /* Translators: number of days, first and last day, interactions in the chat and on the telephone */
  first = display_day (g_array_index (self->days, Day, 0).day);
  last = display_day (g_array_index (self->days, Day, self->days->len - 1).day);
  summary = g_strdup_printf (_("%u days from %s to %s: %d interactions in the chat, %d on the telephone"),
                             self->days->len, first, last,
                             (int) totals[CHANNEL_CHAT][F_INTERACTIONS],
                             (int) totals[CHANNEL_VOICE][F_INTERACTIONS]);
  gtk_label_set_label (self->summary_label, summary);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->totals_box))) != NULL)
    gtk_flow_box_remove (self->totals_box, child);
  rate = rate_text (sum[F_ANSWERED], sum[F_INTERACTIONS]);
  for (guint f = 0; f < N_FIGURES; f++)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, sum[f]);

      gtk_flow_box_append (self->totals_box, total_card (figure_name (f), value));
      if (f == F_ANSWERED)
        gtk_flow_box_append (self->totals_box, total_card (_("Answered rate"), rate));
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  table_cell (self, _("Day"), 0, row, TRUE);
  table_cell (self, _("Channel"), 1, row, TRUE);
  for (guint f = 0; f < N_FIGURES; f++)
    table_cell (self, figure_name (f), f < 2 ? f + 2 : f + 3, row, TRUE);
  table_cell (self, _("Answered rate"), 4, row, TRUE);
  row++;

  /* Newest day first, each channel a line. */
  for (guint i = self->days->len; i-- > 0;)
    {
      Day *day = &g_array_index (self->days, Day, i);

      for (guint c = 0; c < N_CHANNELS; c++)
        {
          g_autofree char *day_rate = rate_text (day->values[c][F_ANSWERED], day->values[c][F_INTERACTIONS]);
          g_autofree char *date = c == 0 ? display_day (day->day) : g_strdup ("");

          table_cell (self, date, 0, row, FALSE);
          table_cell (self, channel_name (c), 1, row, FALSE);
          for (guint f = 0; f < N_FIGURES; f++)
            {
              g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, day->values[c][f]);

              table_cell (self, value, f < 2 ? f + 2 : f + 3, row, FALSE);
            }
          table_cell (self, day_rate, 4, row, FALSE);
          row++;
        }
    }

  description = describe_chart (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "figures");
  update_actions (self);
}

/* ------------------------------------------------------------------ loading */

static gboolean
parse_days (SpBotKpiPage *self,
            JsonNode     *node,
            GDate        *first,
            guint         n_days,
            GError      **error)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *array;
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  if (root == NULL || !json_object_has_member (root, "days") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "days")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("The server sent no figures."));
      return FALSE;
    }
  array = json_object_get_array_member (root, "days");

  g_array_set_size (self->days, 0);
  for (guint i = 0; i < n_days; i++)
    {
      GDate date = *first;
      Day day = { 0 };
      char text[16];

      g_date_add_days (&date, i);
      g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
      day.day = g_strdup (text);
      g_array_append_val (self->days, day);
    }
  for (guint i = 0; i < self->days->len; i++)
    g_hash_table_insert (index, g_array_index (self->days, Day, i).day, GUINT_TO_POINTER (i + 1));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const char *date = sp_json_get_string (object, "day");
      const char *channel = sp_json_get_string (object, "channel");
      guint pos;
      Channel c;

      if (date == NULL || channel == NULL)
        continue;
      pos = GPOINTER_TO_UINT (g_hash_table_lookup (index, date));
      if (pos == 0)
        continue;
      if (g_str_equal (channel, "chat"))
        c = CHANNEL_CHAT;
      else if (g_str_equal (channel, "voice"))
        c = CHANNEL_VOICE;
      else
        continue;
      for (guint f = 0; f < N_FIGURES; f++)
        g_array_index (self->days, Day, pos - 1).values[c][f] += sp_json_get_int_or (object, figure_keys[f], 0);
    }
  return TRUE;
}

typedef struct {
  SpBotKpiPage *self;
  GDate         first;
  guint         n_days;
} Request;

static void
on_kpi_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  SpBotKpiPage *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  if (node != NULL && parse_days (self, node, &request->first, request->n_days, &error))
    rebuild (self);
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
    show_error (self, _("Offline"),
                _("The server cannot be reached. The bot figures are counted on the server only: try again when you are online."));
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    show_error (self, _("Signed Out"),
                _("The server no longer accepts your sign-in. Sign in again to see the bot figures."));
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    show_error (self, _("No Access"), _("Your account may not see the bot figures."));
  else
    show_error (self, _("Cannot Load the Figures"), error->message);

out:
  g_object_unref (request->self);
  g_free (request);
}

void
sp_bot_kpi_page_reload (SpBotKpiPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL, *path = NULL;
  g_autoptr(GDateTime) now = sp_city_now ();
  char from[16], to[16];
  Request *request;

  g_return_if_fail (SP_IS_BOT_KPI_PAGE (self));

  self->loaded_once = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file))
    {
      show_error (self, _("Not Signed In"), _("Sign in to see the bot figures."));
      return;
    }

  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->n_days = selected_days (self);
  g_date_set_dmy (&request->first,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &request->first);
  g_date_subtract_days (&request->first, request->n_days - 1);
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &request->first);
  path = g_strdup_printf ("/api/v1/bot/kpi?from=%s&to=%s", from, to);

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  update_actions (self);
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                    self->cancellable, on_kpi_loaded, request);
}

static void
on_period_changed (SpBotKpiPage *self)
{
  if (self->loaded_once)
    sp_bot_kpi_page_reload (self);
}

static void
on_map (SpBotKpiPage *self)
{
  /* The figures grow all day: fresh ones each time the page is shown. */
  sp_bot_kpi_page_reload (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  sp_bot_kpi_page_reload (SP_BOT_KPI_PAGE (widget));
}

/* ------------------------------------------------------------------ export */

static void
append_decimal (GString *out,
                gint64   answered,
                gint64   interactions)
{
  g_autofree char *text = NULL;

  if (interactions <= 0)
    return;
  text = g_strdup_printf ("%.1f", 100.0 * answered / interactions);
  g_strdelimit (text, ".", ',');
  g_string_append (out, text);
}

char *
sp_bot_kpi_page_to_csv (SpBotKpiPage *self)
{
  GString *out;

  g_return_val_if_fail (SP_IS_BOT_KPI_PAGE (self), NULL);

  /* UTF-8 with BOM and ';' for spreadsheets set to German. */
  out = g_string_new ("\xef\xbb\xbf");
  g_string_append_printf (out, "%s;%s", _("Day"), _("Channel"));
  for (guint f = 0; f < N_FIGURES; f++)
    {
      g_string_append_printf (out, ";%s", figure_name (f));
      if (f == F_ANSWERED)
        g_string_append_printf (out, ";%s", _("Answered rate (%)"));
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < self->days->len; i++)
    {
      Day *day = &g_array_index (self->days, Day, i);

      for (guint c = 0; c < N_CHANNELS; c++)
        {
          g_string_append_printf (out, "%s;%s", day->day, c == CHANNEL_CHAT ? "chat" : "voice");
          for (guint f = 0; f < N_FIGURES; f++)
            {
              g_string_append_printf (out, ";%" G_GINT64_FORMAT, day->values[c][f]);
              if (f == F_ANSWERED)
                {
                  g_string_append_c (out, ';');
                  append_decimal (out, day->values[c][F_ANSWERED], day->values[c][F_INTERACTIONS]);
                }
            }
          g_string_append (out, "\r\n");
        }
    }
  return g_string_free (out, FALSE);
}

static void
on_csv_response (SpBotKpiPage *self,
                 int           response)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  if (response != GTK_RESPONSE_ACCEPT || self->days->len == 0)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  if (file == NULL)
    return;

  csv = sp_bot_kpi_page_to_csv (self);
  if (!g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the CSV file: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self), text);
      return;
    }
  sp_form_show_toast (GTK_WIDGET (self), _("Bot figures exported as CSV"));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SpBotKpiPage *self = SP_BOT_KPI_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->days->len == 0)
    return;
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  /* Translators: a file name; the period's first and last day */
  name = g_strdup_printf (_("bot-figures-%s-%s.csv"),
                          g_array_index (self->days, Day, 0).day,
                          g_array_index (self->days, Day, self->days->len - 1).day);
  self->chooser = gtk_file_chooser_native_new (_("Export Bot Figures as CSV"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_csv_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ------------------------------------------------------------------ class */

static void
sp_bot_kpi_page_dispose (GObject *object)
{
  SpBotKpiPage *self = SP_BOT_KPI_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  self->server_func = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_BOT_KPI_PAGE);

  G_OBJECT_CLASS (sp_bot_kpi_page_parent_class)->dispose (object);
}

static void
sp_bot_kpi_page_finalize (GObject *object)
{
  SpBotKpiPage *self = SP_BOT_KPI_PAGE (object);

  g_clear_pointer (&self->days, g_array_unref);

  G_OBJECT_CLASS (sp_bot_kpi_page_parent_class)->finalize (object);
}

static void
sp_bot_kpi_page_class_init (SpBotKpiPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_bot_kpi_page_dispose;
  object_class->finalize = sp_bot_kpi_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-bot-kpi-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, totals_box);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, chart);
  gtk_widget_class_bind_template_child (widget_class, SpBotKpiPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_period_changed);

  gtk_widget_class_install_action (widget_class, "kpi.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "kpi.export-csv", NULL, export_csv_action);
}

static void
sp_bot_kpi_page_init (SpBotKpiPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->days = g_array_new (FALSE, TRUE, sizeof (Day));
  g_array_set_clear_func (self->days, (GDestroyNotify) day_clear);
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  update_actions (self);
}

GtkWidget *
sp_bot_kpi_page_new (SpServerAccessFunc server_func,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  SpBotKpiPage *self = g_object_new (SP_TYPE_BOT_KPI_PAGE, NULL);

  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  return GTK_WIDGET (self);
}
