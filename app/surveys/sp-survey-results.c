/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-survey-results"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sp-bar-chart.h"
#include "sp-error.h"
#include "sp-form.h"
#include "sp-http-private.h"
#include "sp-json-util.h"
#include "sp-survey-results.h"

struct _SpSurveyResults
{
  AdwWindow             parent_instance;

  SpServerAccessFunc    access;
  gpointer              access_data;
  JsonObject           *definition;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *export_format;
  char                 *codes_text;

  AdwWindowTitle       *window_title;
  GtkWidget            *codes_button;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkBox               *results_box;
};

G_DEFINE_FINAL_TYPE (SpSurveyResults, sp_survey_results, ADW_TYPE_WINDOW)

static const char *
survey_id (SpSurveyResults *self)
{
  return sp_json_get_string_or (self->definition, "id", "");
}

static gboolean
get_access (SpSurveyResults  *self,
            char            **base_url,
            char            **token,
            char            **ca_file)
{
  return self->access != NULL && self->access (self->access_data, base_url, token, ca_file) &&
         *base_url != NULL && *token != NULL;
}

static void
show_error (SpSurveyResults *self,
            const char      *title,
            const char      *description)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* Why a request failed, in words for the user. */
static void
show_request_error (SpSurveyResults *self,
                    const GError    *error,
                    guint            status)
{
  if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK) || status == 0)
    show_error (self, _("Offline"),
                _("The server cannot be reached. Responses are stored on the server only: try again when you are online."));
  else if (status == 401)
    show_error (self, _("Not Signed In"),
                _("The sign-in has expired. Sign in again to see the results."));
  else if (status == 403)
    show_error (self, _("No Access"),
                _("Only the editorial team may see survey results."));
  else if (status == 404)
    show_error (self, _("Not on the Server Yet"),
                _("The server does not know this survey yet. Sync first, then try again."));
  else
    show_error (self, _("The Server Refused"), error->message);
}

/* Charts */

typedef struct
{
  guint    n_series;
  char   **series_labels;
  guint    n_categories;
  char   **category_labels;
  double  *values;
  double   max;
  gboolean counts;
} Chart;

static void
chart_free (Chart *chart)
{
  g_strfreev (chart->series_labels);
  g_strfreev (chart->category_labels);
  g_free (chart->values);
  g_free (chart);
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  Chart *chart = user_data;
  SpBarChartData data = { 0 };

  data.n_series = chart->n_series;
  data.series_labels = (const char * const *) chart->series_labels;
  data.n_categories = chart->n_categories;
  data.category_labels = (const char * const *) chart->category_labels;
  data.values = chart->values;
  if (chart->max > 0)
    {
      data.max = chart->max;
      data.n_ticks = (guint) MIN (chart->max, 5);
    }
  sp_bar_chart_draw (GTK_WIDGET (area), cr, width, height, &data);
}

/* A chart widget with a text alternative of the same values. */
static GtkWidget *
chart_widget (Chart      *chart,
              const char *description)
{
  GtkWidget *area = g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG, NULL);
  int height = chart->n_series > 1 ? 240 : 200;

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), height);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_chart, chart, (GDestroyNotify) chart_free);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_widget_set_tooltip_text (area, description);
  return area;
}

static double
member_number (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  return json_node_get_double (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char **
labels_of (JsonArray *items)
{
  guint n = items ? json_array_get_length (items) : 0;
  char **labels = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      labels[i] = g_strdup (sp_json_get_string_or (item, "label", sp_json_get_string_or (item, "code", "")));
    }
  return labels;
}

/* One series: a value per option (counts or mean ranks). */
static Chart *
option_chart (JsonArray  *options,
              JsonObject *values,
              const char *series,
              GString    *description)
{
  Chart *chart = g_new0 (Chart, 1);
  guint n = options ? json_array_get_length (options) : 0;

  chart->n_series = 1;
  chart->series_labels = g_new0 (char *, 2);
  chart->series_labels[0] = g_strdup (series);
  chart->n_categories = n;
  chart->category_labels = labels_of (options);
  chart->values = g_new0 (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const char *id = sp_json_get_string (json_array_get_object_element (options, i), "id");
      double value = member_number (values, id);

      chart->values[i] = isnan (value) ? 0 : value;
      g_string_append_printf (description, "; %s: %g", chart->category_labels[i], chart->values[i]);
    }
  return chart;
}

static void
add_stat (GtkWidget  *grid,
          int         column,
          const char *label,
          double      value)
{
  g_autofree char *text = isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.4g", value);
  GtkWidget *number = gtk_label_new (text);
  GtkWidget *caption = gtk_label_new (label);

  gtk_widget_add_css_class (number, "title-2");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), number, column, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), caption, column, 1, 1, 1);
}

static GtkWidget *
question_card (JsonObject *question,
               JsonObject *summary)
{
  const char *type = sp_json_get_string_or (question, "type", "");
  JsonArray *options = json_object_get_array_member (question, "options");
  JsonArray *rows = json_object_get_array_member (question, "rows");
  GtkWidget *card = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 8,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP, NULL);
  g_autofree char *heading = g_strdup_printf ("%s · %s", sp_json_get_string_or (question, "code", ""),
                                              sp_json_get_string_or (question, "text", ""));
  GtkWidget *label = gtk_label_new (heading);
  double answered = member_number (summary, "answered");
  g_autofree char *answered_text = NULL;
  g_autoptr(GString) description = g_string_new (heading);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "survey-result");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (card), label);
  answered_text = g_strdup_printf (ngettext ("%d answer", "%d answers", isnan (answered) ? 0 : (int) answered),
                                   isnan (answered) ? 0 : (int) answered);
  label = gtk_label_new (answered_text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (card), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);

  if (summary == NULL)
    return card;

  if (g_str_equal (type, "single") || g_str_equal (type, "dropdown") || g_str_equal (type, "multiple"))
    {
      Chart *chart = option_chart (options, member_object (summary, "options"), _("Answers"), description);

      gtk_box_append (GTK_BOX (card), chart_widget (chart, description->str));
    }
  else if (g_str_equal (type, "ranking"))
    {
      Chart *chart = option_chart (options, member_object (summary, "mean_rank"),
                                   _("Mean rank (1 = best)"), description);

      chart->max = options ? json_array_get_length (options) : 1;
      gtk_box_append (GTK_BOX (card), chart_widget (chart, description->str));
    }
  else if (g_str_equal (type, "matrix"))
    {
      Chart *chart = g_new0 (Chart, 1);
      JsonObject *counts = member_object (summary, "rows");
      guint n_rows = rows ? json_array_get_length (rows) : 0;
      guint n_options = options ? json_array_get_length (options) : 0;

      chart->n_series = n_options;
      chart->series_labels = labels_of (options);
      chart->n_categories = n_rows;
      chart->category_labels = labels_of (rows);
      chart->values = g_new0 (double, MAX (n_rows * n_options, 1));
      for (guint r = 0; r < n_rows; r++)
        {
          JsonObject *row = member_object (counts, sp_json_get_string (json_array_get_object_element (rows, r), "id"));

          g_string_append_printf (description, "; %s:", chart->category_labels[r]);
          for (guint o = 0; o < n_options; o++)
            {
              double value = member_number (row, sp_json_get_string (json_array_get_object_element (options, o), "id"));

              chart->values[r * n_options + o] = isnan (value) ? 0 : value;
              g_string_append_printf (description, " %s %g", chart->series_labels[o], chart->values[r * n_options + o]);
            }
        }
      if (n_options > 0 && n_rows > 0)
        gtk_box_append (GTK_BOX (card), chart_widget (chart, description->str));
      else
        chart_free (chart);
    }
  else if (g_str_equal (type, "rating") || g_str_equal (type, "number"))
    {
      GtkWidget *grid = gtk_grid_new ();
      JsonObject *histogram = member_object (summary, "histogram");

      gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
      add_stat (grid, 0, _("Mean"), member_number (summary, "mean"));
      add_stat (grid, 1, _("Median"), member_number (summary, "median"));
      add_stat (grid, 2, _("Lowest"), member_number (summary, "min"));
      add_stat (grid, 3, _("Highest"), member_number (summary, "max"));
      gtk_box_append (GTK_BOX (card), grid);
      if (g_str_equal (type, "rating") && histogram != NULL)
        {
          Chart *chart = g_new0 (Chart, 1);
          gint64 points = sp_json_get_int_or (question, "max", 5);

          points = CLAMP (points, 2, 10);
          chart->n_series = 1;
          chart->series_labels = g_new0 (char *, 2);
          chart->series_labels[0] = g_strdup (_("Answers"));
          chart->n_categories = points;
          chart->category_labels = g_new0 (char *, points + 1);
          chart->values = g_new0 (double, points);
          for (gint64 i = 1; i <= points; i++)
            {
              g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, i);
              double value = member_number (histogram, key);

              chart->category_labels[i - 1] = g_strdup (key);
              chart->values[i - 1] = isnan (value) ? 0 : value;
              g_string_append_printf (description, "; %s: %g", key, chart->values[i - 1]);
            }
          gtk_box_append (GTK_BOX (card), chart_widget (chart, description->str));
        }
    }
  else if (g_str_equal (type, "date"))
    {
      JsonObject *days = member_object (summary, "days");
      g_autoptr(GList) names = days ? json_object_get_members (days) : NULL;
      guint n = g_list_length (names);
      Chart *chart = g_new0 (Chart, 1);
      guint i = 0;

      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      chart->n_series = 1;
      chart->series_labels = g_new0 (char *, 2);
      chart->series_labels[0] = g_strdup (_("Answers"));
      chart->n_categories = n;
      chart->category_labels = g_new0 (char *, n + 1);
      chart->values = g_new0 (double, MAX (n, 1));
      for (GList *l = names; l != NULL; l = l->next, i++)
        {
          chart->category_labels[i] = g_strdup (l->data);
          chart->values[i] = member_number (days, l->data);
          g_string_append_printf (description, "; %s: %g", (char *) l->data, chart->values[i]);
        }
      if (n > 0)
        gtk_box_append (GTK_BOX (card), chart_widget (chart, description->str));
      else
        chart_free (chart);
    }
  else if (g_str_equal (type, "text"))
    {
      JsonNode *node = json_object_get_member (summary, "texts");
      JsonArray *texts = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      GtkWidget *list = gtk_list_box_new ();

      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Free-text answers"), -1);
      for (guint i = 0; texts != NULL && i < json_array_get_length (texts); i++)
        {
          JsonNode *item = json_array_get_element (texts, i);
          GtkWidget *text;

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            continue;
          /* Citizens' words: plain text, never markup. */
          text = gtk_label_new (json_node_get_string (item));
          gtk_label_set_use_markup (GTK_LABEL (text), FALSE);
          gtk_label_set_xalign (GTK_LABEL (text), 0);
          gtk_label_set_wrap (GTK_LABEL (text), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_selectable (GTK_LABEL (text), TRUE);
          gtk_widget_set_margin_top (text, 8);
          gtk_widget_set_margin_bottom (text, 8);
          gtk_widget_set_margin_start (text, 12);
          gtk_widget_set_margin_end (text, 12);
          gtk_list_box_append (GTK_LIST_BOX (list), text);
        }
      if (gtk_widget_get_first_child (list) != NULL)
        gtk_box_append (GTK_BOX (card), list);
      else
        g_object_ref_sink (list), g_object_unref (list);
    }
  return card;
}

static void
show_results (SpSurveyResults *self,
              JsonObject      *results)
{
  JsonArray *questions = json_object_get_array_member (self->definition, "questions");
  JsonObject *summaries = member_object (results, "questions");
  gint64 responses = sp_json_get_int_or (results, "responses", 0);
  g_autofree char *count = g_strdup_printf (ngettext ("%d response", "%d responses", (int) responses),
                                            (int) responses);
  GtkWidget *child;
  GtkWidget *label;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_box))) != NULL)
    gtk_box_remove (self->results_box, child);

  label = gtk_label_new (count);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "title-1");
  gtk_box_append (self->results_box, label);
  adw_window_title_set_subtitle (self->window_title, count);

  if (responses == 0)
    {
      label = gtk_label_new (_("Nobody has answered yet. Share the link or the embed snippet to invite citizens."));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->results_box, label);
    }
  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *question = json_array_get_object_element (questions, i);

      gtk_box_append (self->results_box,
                      question_card (question, member_object (summaries, sp_json_get_string (question, "id"))));
    }
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
on_results_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpSurveyResults) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = sp_api_client_request_json_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error == NULL)
        g_set_error_literal (&error, SP_ERROR, SP_ERROR_PROTOCOL, _("The server sent no results."));
      show_request_error (self, error, status);
      return;
    }
  show_results (self, json_node_get_object (node));
}

static void
reload (SpSurveyResults *self)
{
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *escaped = g_uri_escape_string (survey_id (self), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/surveys/%s/results", escaped);

  if (!get_access (self, &base_url, &token, &ca_file))
    {
      show_error (self, _("Not Signed In"),
                  _("Results are counted on the server. Sign in (Preferences or the sign-in bar) to see them."));
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                    self->cancellable, on_results_loaded, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  reload (SP_SURVEY_RESULTS (widget));
}

/* CSV export: the server writes it; we save it where the user chose. */

typedef struct
{
  char  *base_url;
  char  *token;
  char  *ca_file;
  char  *path;
  GFile *file;
} Download;

static void
download_free (Download *download)
{
  g_free (download->base_url);
  g_free (download->token);
  g_free (download->ca_file);
  g_free (download->path);
  g_clear_object (&download->file);
  g_free (download);
}

static void
download_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Download *download = task_data;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  if (download->ca_file != NULL && *download->ca_file != '\0')
    {
      database = g_tls_file_database_new (download->ca_file, &error);
      if (database == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  /* sp-api-client speaks JSON only; the CSV comes as raw bytes. */
  session = _sp_http_session_new (60, database);
  bytes = _sp_http_request_bytes (session, download->base_url, download->token, "GET",
                                  download->path, NULL, NULL, cancellable, &error);
  if (bytes == NULL ||
      !g_file_replace_contents (download->file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_download_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SpSurveyResults *self = SP_SURVEY_RESULTS (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK)
             ? g_strdup (_("Cannot export: the server cannot be reached"))
             : g_strdup_printf (_("Cannot export: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self->results_box), text);
      return;
    }
  sp_form_show_toast (GTK_WIDGET (self->results_box), _("Responses exported as CSV"));
}

static void
on_export_chosen (SpSurveyResults *self,
                  int              response)
{
  g_autoptr(GTask) task = NULL;
  Download *download;
  g_autofree char *escaped = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  download = g_new0 (Download, 1);
  download->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  if (download->file == NULL ||
      !get_access (self, &download->base_url, &download->token, &download->ca_file))
    {
      download_free (download);
      sp_form_show_toast (GTK_WIDGET (self->results_box), _("Sign in to export the responses"));
      return;
    }
  escaped = g_uri_escape_string (survey_id (self), NULL, FALSE);
  download->path = g_strdup_printf ("/api/v1/surveys/%s/responses.csv%s", escaped,
                                    g_strcmp0 (self->export_format, "limesurvey") == 0
                                    ? "?format=limesurvey" : "");
  task = g_task_new (self, self->cancellable, on_download_done, NULL);
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  g_task_run_in_thread (task, download_thread);
}

static GtkFileChooserNative *
new_save_chooser (SpSurveyResults *self,
                  const char      *title,
                  const char      *name,
                  const char      *filter_name,
                  const char      *mime_type)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  return self->chooser;
}

static char *
file_stem (SpSurveyResults *self)
{
  g_autofree char *title = g_strdup (sp_json_get_string_or (self->definition, "title", "survey"));

  g_strdelimit (title, "/\\:*?\"<>|", '-');
  return g_steal_pointer (&title);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpSurveyResults *self = SP_SURVEY_RESULTS (widget);
  const char *format = g_variant_get_string (param, NULL);
  g_autofree char *stem = file_stem (self);
  /* Translators: a file name; the survey's title */
  g_autofree char *name = g_strdup_printf (g_str_equal (format, "limesurvey") ? _("%s-limesurvey.csv")
                                                                              : _("%s-responses.csv"), stem);
  GtkFileChooserNative *chooser;

  g_free (self->export_format);
  self->export_format = g_strdup (format);
  chooser = new_save_chooser (self, g_str_equal (format, "limesurvey") ? _("Export for LimeSurvey")
                                                                       : _("Export Responses as CSV"),
                              name, _("CSV files"), "text/csv");
  g_signal_connect_swapped (chooser, "response", G_CALLBACK (on_export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Access codes */

static void
on_codes_file_chosen (SpSurveyResults *self,
                      int              response)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT || self->codes_text == NULL)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  if (file == NULL)
    return;
  if (!g_file_replace_contents (file, self->codes_text, strlen (self->codes_text), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION | G_FILE_CREATE_PRIVATE,
                                NULL, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the codes: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self->results_box), text);
      return;
    }
  sp_form_show_toast (GTK_WIDGET (self->results_box), _("Access codes saved"));
}

static void
on_codes_response (AdwMessageDialog *dialog,
                   const char       *response,
                   SpSurveyResults  *self)
{
  if (g_str_equal (response, "copy"))
    {
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->codes_text);
      sp_form_show_toast (GTK_WIDGET (self->results_box), _("Access codes copied"));
    }
  else if (g_str_equal (response, "save"))
    {
      g_autofree char *stem = file_stem (self);
      /* Translators: a file name; the survey's title */
      g_autofree char *name = g_strdup_printf (_("%s-access-codes.txt"), stem);
      GtkFileChooserNative *chooser = new_save_chooser (self, _("Save Access Codes"), name,
                                                        _("Text files"), "text/plain");

      g_signal_connect_swapped (chooser, "response", G_CALLBACK (on_codes_file_chosen), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
    }
}

static void
show_codes (SpSurveyResults *self,
            JsonArray       *codes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *dialog;
  GtkWidget *view;
  GtkWidget *scroller;

  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonNode *node = json_array_get_element (codes, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (text, "%s\n", json_node_get_string (node));
    }
  g_free (self->codes_text);
  self->codes_text = g_strdup (text->str);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Access Codes"),
                                   _("Each code answers the survey once. They are shown only now: the server keeps them only as hashes. Copy or save them before closing."));
  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text->str, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Generated access codes"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 200);
  gtk_widget_add_css_class (scroller, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "save", _("_Save as Text File…"),
                                    "copy", _("_Copy"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "copy", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_codes_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_codes_generated (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SpSurveyResults) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;
  JsonNode *codes;

  node = sp_api_client_request_json_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  codes = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
          ? json_object_get_member (json_node_get_object (node), "codes") : NULL;
  if (codes == NULL || !JSON_NODE_HOLDS_ARRAY (codes))
    {
      g_autofree char *text = NULL;

      if (status == 0 || g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
        text = g_strdup (_("Cannot generate codes: the server cannot be reached"));
      else if (status == 404)
        text = g_strdup (_("Cannot generate codes: sync the survey first"));
      else
        text = g_strdup_printf (_("Cannot generate codes: %s"),
                                error != NULL ? error->message : _("unexpected answer"));
      sp_form_show_toast (GTK_WIDGET (self->results_box), text);
      return;
    }
  show_codes (self, json_node_get_array (codes));
}

static void
on_count_response (AdwMessageDialog *dialog,
                   const char       *response,
                   SpSurveyResults  *self)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "sp-spin");
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;

  if (!g_str_equal (response, "generate"))
    return;
  if (!get_access (self, &base_url, &token, &ca_file))
    {
      sp_form_show_toast (GTK_WIDGET (self->results_box), _("Sign in to generate access codes"));
      return;
    }
  object = json_object_new ();
  json_object_set_int_member (object, "count", gtk_spin_button_get_value_as_int (spin));
  body = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  escaped = g_uri_escape_string (survey_id (self), NULL, FALSE);
  path = g_strdup_printf ("/api/v1/surveys/%s/codes", escaped);
  sp_api_client_request_json_async (base_url, token, ca_file, "POST", path, body,
                                    self->cancellable, on_codes_generated, g_object_ref (self));
}

static void
codes_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SpSurveyResults *self = SP_SURVEY_RESULTS (widget);
  GtkWidget *dialog;
  GtkWidget *spin = gtk_spin_button_new_with_range (1, 1000, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 20);
  gtk_widget_set_halign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Number of codes"), -1);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Generate Access Codes?"),
                                   _("How many people should be able to answer? Every code works once; codes made before stay valid."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), spin);
  g_object_set_data (G_OBJECT (dialog), "sp-spin", spin);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "generate", _("_Generate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "generate", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "generate");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_count_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
sp_survey_results_dispose (GObject *object)
{
  SpSurveyResults *self = SP_SURVEY_RESULTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SURVEY_RESULTS);

  G_OBJECT_CLASS (sp_survey_results_parent_class)->dispose (object);
}

static void
sp_survey_results_finalize (GObject *object)
{
  SpSurveyResults *self = SP_SURVEY_RESULTS (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->definition, json_object_unref);
  g_free (self->export_format);
  g_free (self->codes_text);

  G_OBJECT_CLASS (sp_survey_results_parent_class)->finalize (object);
}

static void
sp_survey_results_class_init (SpSurveyResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_survey_results_dispose;
  object_class->finalize = sp_survey_results_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/surveys/sp-survey-results.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, window_title);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, codes_button);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, stack);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, error_page);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyResults, results_box);

  gtk_widget_class_install_action (widget_class, "results.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "results.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "results.codes", NULL, codes_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "results.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sp_survey_results_init (SpSurveyResults *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
sp_survey_results_new (GtkWindow          *parent,
                       SpServerAccessFunc  access,
                       gpointer            access_data,
                       JsonObject         *definition)
{
  SpSurveyResults *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (definition != NULL, NULL);

  self = g_object_new (SP_TYPE_SURVEY_RESULTS, "transient-for", parent, NULL);
  self->access = access;
  self->access_data = access_data;
  self->definition = json_object_ref (definition);
  title = g_strdup_printf (_("Results: %s"), sp_json_get_string_or (definition, "title", ""));
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_visible (self->codes_button,
                          g_strcmp0 (sp_json_get_string (definition, "access"), "code") == 0);
  reload (self);
  return GTK_WIDGET (self);
}
