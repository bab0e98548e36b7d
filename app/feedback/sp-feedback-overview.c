/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-overview"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sp-bar-chart.h"
#include "sp-db.h"
#include "sp-error.h"
#include "sp-feedback-util.h"
#include "sp-feedback-overview.h"

#define N_WEEKS 12

enum { SERIES_ALL, SERIES_LOW, N_SERIES };

struct _SpFeedbackOverview
{
  AdwBin          parent_instance;

  SpLocalStore   *store;
  gboolean        stale;
  gboolean        counting;      /* a worker counts */
  gboolean        count_again;   /* a change came while it counted */
  GCancellable   *cancellable;   /* of the workers, cancelled at dispose */
  double          counts[N_WEEKS * N_SERIES];
  char           *week_labels[N_WEEKS];

  GtkDrawingArea *chart;
  GtkGrid        *table;
};

G_DEFINE_FINAL_TYPE (SpFeedbackOverview, sp_feedback_overview, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SpFeedbackOverview *self = user_data;
  const char *legend[N_SERIES] = { _("Received"), _("Rated 1 or 2 stars") };
  SpBarChartData data = { 0 };

  data.n_series = N_SERIES;
  data.series_labels = legend;
  data.n_categories = N_WEEKS;
  data.category_labels = (const char * const *) self->week_labels;
  data.values = self->counts;
  sp_bar_chart_draw (GTK_WIDGET (area), cr, width, height, &data);
}

/* -- counting, in a worker thread ------------------------------------------ */

/* Counting 100 000 items takes a good part of a second (every item's row is
 * read), so it runs in a worker thread on its own read-only connection and
 * the page shows the result when it is there; the window stays responsive
 * meanwhile. */

typedef struct {
  char    *id;
  gint64   total;
  gint64   open;
  gint64   overdue;
  double   average;   /* NAN without ratings */
} ServiceCount;

typedef struct {
  char   *db_path;
  char   *start_iso;   /* Monday 00:00 UTC of the first week shown */
  char   *now_iso;
  double  counts[N_WEEKS * N_SERIES];
  GArray *services;    /* of ServiceCount, most items first */
} Counting;

static void
service_count_clear (gpointer data)
{
  g_free (((ServiceCount *) data)->id);
}

static void
counting_free (Counting *counting)
{
  g_free (counting->db_path);
  g_free (counting->start_iso);
  g_free (counting->now_iso);
  g_clear_pointer (&counting->services, g_array_unref);
  g_free (counting);
}

/* Runs @sql with @arg bound to ?1 and hands each row to @row. */
static gboolean
each_row (sqlite3    *db,
          const char *sql,
          const char *arg,
          void      (*row) (sqlite3_stmt *stmt, Counting *counting),
          Counting   *counting)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    row (stmt, counting);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static void
week_row (sqlite3_stmt *stmt,
          Counting     *counting)
{
  gint64 week = sqlite3_column_int64 (stmt, 0);

  if (week < 0 || week >= N_WEEKS)
    return;
  counting->counts[week * N_SERIES + SERIES_ALL] = (double) sqlite3_column_int64 (stmt, 1);
  counting->counts[week * N_SERIES + SERIES_LOW] = (double) sqlite3_column_int64 (stmt, 2);
}

static void
service_row (sqlite3_stmt *stmt,
             Counting     *counting)
{
  ServiceCount count = {
    .id = g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
    .total = sqlite3_column_int64 (stmt, 1),
    .open = sqlite3_column_int64 (stmt, 2),
    .overdue = sqlite3_column_int64 (stmt, 3),
    .average = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4),
  };

  g_array_append_val (counting->services, count);
}

/* Weeks counted from the Monday of the first one, in SQLite; then per
 * service, the busiest first. */
static gboolean
count_all (sqlite3  *db,
           Counting *counting)
{
  return each_row (db, "SELECT CAST((julianday(created) - julianday(?1)) / 7 AS INTEGER) AS week,"
                   " count(*), sum(rating BETWEEN 1 AND 2)"
                   " FROM feedback WHERE deleted = 0 AND created >= ?1"
                   " GROUP BY week", counting->start_iso, week_row, counting) &&
         each_row (db, "SELECT coalesce(service_id, ''), count(*),"
                   " sum(state IN ('new', 'in_progress')),"
                   " sum(state IN ('new', 'in_progress') AND due != '' AND due < ?1),"
                   " avg(CASE WHEN rating BETWEEN 1 AND 5 THEN rating END)"
                   " FROM feedback WHERE deleted = 0 GROUP BY 1 ORDER BY 2 DESC",
                   counting->now_iso, service_row, counting);
}

static void
count_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Counting *counting = data;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = sp_db_open_reader (counting->db_path, &error);
  gboolean ok;

  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ok = count_all (db, counting);
  if (!ok)
    g_task_return_new_error (task, SP_ERROR, SP_ERROR_STORAGE, "%s", sqlite3_errmsg (db));
  else
    g_task_return_boolean (task, TRUE);
  sqlite3_close (db);
}

/* -- showing ----------------------------------------------------------------- */

static void
show_weeks (SpFeedbackOverview *self,
            Counting           *counting)
{
  g_autoptr(GString) description = g_string_new (_("Feedback received per week"));

  memcpy (self->counts, counting->counts, sizeof self->counts);
  for (guint w = 0; w < N_WEEKS; w++)
    {
      g_string_append_c (description, '\n');
      /* Translators: week, received items, items with a low rating */
      g_string_append_printf (description, _("%s: %d received, %d rated 1 or 2 stars"),
                              self->week_labels[w], (int) self->counts[w * N_SERIES + SERIES_ALL],
                              (int) self->counts[w * N_SERIES + SERIES_LOW]);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
add_cell (SpFeedbackOverview *self,
          const char         *text,
          int                 column,
          int                 row,
          gboolean            heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  if (column == 0)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
    }
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (self->table, label, column, row, 1, 1);
}

static void
show_services (SpFeedbackOverview *self,
               Counting           *counting)
{
  g_autoptr(GHashTable) names = sp_feedback_service_names (self->store);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  add_cell (self, _("Service"), 0, 0, TRUE);
  add_cell (self, _("Total"), 1, 0, TRUE);
  add_cell (self, C_("feedback count", "Open"), 2, 0, TRUE);
  add_cell (self, _("Overdue"), 3, 0, TRUE);
  add_cell (self, _("Average rating"), 4, 0, TRUE);

  for (guint i = 0; i < counting->services->len; i++)
    {
      const ServiceCount *count = &g_array_index (counting->services, ServiceCount, i);
      const char *name = g_hash_table_lookup (names, count->id);
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, count->total);
      g_autofree char *open = g_strdup_printf ("%" G_GINT64_FORMAT, count->open);
      g_autofree char *overdue = g_strdup_printf ("%" G_GINT64_FORMAT, count->overdue);
      g_autofree char *average = isnan (count->average) ? g_strdup ("–")
                                                        : g_strdup_printf ("%.1f", count->average);

      add_cell (self, name != NULL ? name : _("No service"), 0, (int) i + 1, FALSE);
      add_cell (self, total, 1, (int) i + 1, FALSE);
      add_cell (self, open, 2, (int) i + 1, FALSE);
      add_cell (self, overdue, 3, (int) i + 1, FALSE);
      add_cell (self, average, 4, (int) i + 1, FALSE);
    }
}

static void reload (SpFeedbackOverview *self);

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SpFeedbackOverview *self = SP_FEEDBACK_OVERVIEW (source);
  Counting *counting = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean counted = g_task_propagate_boolean (G_TASK (result), &error);

  self->counting = FALSE;
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;   /* disposed */
  if (counted)
    {
      show_weeks (self, counting);
      show_services (self, counting);
    }
  else
    g_warning ("Cannot count the feedback: %s", error->message);
  /* Something changed while counting (also when it failed): count again. */
  if (self->count_again)
    reload (self);
}

/* The last N_WEEKS weeks' labels, and the counts from a worker. While a
 * counting runs, another is only noted and starts when it is done. */
static void
reload (SpFeedbackOverview *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) today = g_date_time_new_utc (g_date_time_get_year (now),
                                                    g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) monday = g_date_time_add_days (today, 1 - g_date_time_get_day_of_week (today));
  g_autoptr(GDateTime) start = g_date_time_add_weeks (monday, 1 - N_WEEKS);
  g_autoptr(GTask) task = NULL;
  Counting *counting;

  self->stale = FALSE;
  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }
  self->count_again = FALSE;
  self->counting = TRUE;

  for (guint w = 0; w < N_WEEKS; w++)
    {
      g_autoptr(GDateTime) week = g_date_time_add_weeks (start, (int) w);

      g_free (self->week_labels[w]);
      /* Translators: calendar week ("KW 47" in German) */
      self->week_labels[w] = g_strdup_printf (_("W%d"), g_date_time_get_week_of_year (week));
    }

  counting = g_new0 (Counting, 1);
  counting->db_path = g_strdup (sp_local_store_get_path (self->store));
  counting->start_iso = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
  counting->now_iso = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  counting->services = g_array_new (FALSE, TRUE, sizeof (ServiceCount));
  g_array_set_clear_func (counting->services, service_count_clear);

  task = g_task_new (self, self->cancellable, on_counted, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, counting, (GDestroyNotify) counting_free);
  g_task_run_in_thread (task, count_in_thread);
}

static void
on_store_changed (SpFeedbackOverview *self,
                  const char         *entity)
{
  if (entity != NULL && !g_str_equal (entity, "feedback") && !g_str_equal (entity, "service"))
    return;
  /* Only while shown: the inbox edits rows all the time. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
sp_feedback_overview_map (GtkWidget *widget)
{
  SpFeedbackOverview *self = SP_FEEDBACK_OVERVIEW (widget);

  GTK_WIDGET_CLASS (sp_feedback_overview_parent_class)->map (widget);
  if (self->stale)
    reload (self);
}

static void
sp_feedback_overview_constructed (GObject *object)
{
  SpFeedbackOverview *self = SP_FEEDBACK_OVERVIEW (object);

  G_OBJECT_CLASS (sp_feedback_overview_parent_class)->constructed (object);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  self->stale = TRUE;
}

static void
sp_feedback_overview_dispose (GObject *object)
{
  SpFeedbackOverview *self = SP_FEEDBACK_OVERVIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FEEDBACK_OVERVIEW);
  g_clear_object (&self->store);
  for (guint w = 0; w < N_WEEKS; w++)
    g_clear_pointer (&self->week_labels[w], g_free);

  G_OBJECT_CLASS (sp_feedback_overview_parent_class)->dispose (object);
}

static void
sp_feedback_overview_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SpFeedbackOverview *self = SP_FEEDBACK_OVERVIEW (object);

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
sp_feedback_overview_class_init (SpFeedbackOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_feedback_overview_constructed;
  object_class->dispose = sp_feedback_overview_dispose;
  object_class->set_property = sp_feedback_overview_set_property;
  widget_class->map = sp_feedback_overview_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/feedback/sp-feedback-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackOverview, chart);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackOverview, table);
}

static void
sp_feedback_overview_init (SpFeedbackOverview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
sp_feedback_overview_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  return g_object_new (SP_TYPE_FEEDBACK_OVERVIEW, "store", store, NULL);
}
