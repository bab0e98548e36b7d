/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hr-page"

#include "config.h"

#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <math.h>

#include "sp-api-client.h"
#include "sp-error.h"
#include "sp-hr-chart.h"
#include "sp-hr-page.h"
#include "sp-hr-report.h"
#include "training/sp-competence-titles.h"

/* The report comes from the server only (it never exists on the device:
 * there are no individual answers anywhere to compute it from). Two
 * requests per load, this year and the previous one; a newer load cancels
 * the older. */

#define N_ROW        "#n"   /* the table's "Submissions" row */
#define NEEDS_LIMIT  5
#define ITEMS_LIMIT  4

struct _SpHrPage
{
  AdwBin           parent_instance;

  SpLocalStore    *store;
  SpServerAccessFunc   server_func;
  gpointer         server_data;
  GDestroyNotify   server_destroy;

  GCancellable    *cancellable;
  guint            pending;
  GError          *load_error;
  GError          *previous_error;
  SpHrReport      *next_current;
  SpHrReport      *next_previous;

  SpHrReport      *current;
  SpHrReport      *previous;
  GHashTable      *titles;        /* code -> title */
  GListStore      *rows;          /* GtkStringObject: N_ROW, codes */
  GtkStringList   *org_names;     /* dropdown: "All org units", units */
  gboolean         updating_orgs;
  gboolean         loaded_once;
  guint            year_timeout;

  GtkFileChooserNative *chooser;

  GtkSpinButton   *year_spin;
  GtkDropDown     *org_dropdown;
  GtkCheckButton  *compare_check;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkLabel        *summary_label;
  GtkLabel        *suppressed_label;
  GtkLabel        *notice_label;
  GtkColumnView   *table_view;
  GtkLabel        *chart_heading;
  SpHrChart       *chart;
  GtkLabel        *chart_text;
  GtkLabel        *needs_heading;
  GtkListBox      *needs_list;
};

G_DEFINE_FINAL_TYPE (SpHrPage, sp_hr_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  TRAINING_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
get_year (SpHrPage *self)
{
  return (gint64) gtk_spin_button_get_value_as_int (self->year_spin);
}

static gboolean
comparing (SpHrPage *self)
{
  return gtk_check_button_get_active (self->compare_check) && self->previous != NULL;
}

/* The org unit chosen in the drop-down, NULL for all. */
static const char *
selected_org_unit (SpHrPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->org_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_list_model_get_n_items (G_LIST_MODEL (self->org_names)))
    return NULL;
  return gtk_string_list_get_string (self->org_names, selected);
}

static void
add_toast (SpHrPage   *self,
           const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static void
update_actions (SpHrPage *self)
{
  gboolean have = self->current != NULL &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "report") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hr.export-csv", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hr.export-pdf", have);
}

static void
show_error (SpHrPage   *self,
            const char *title,
            const char *description)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_actions (self);
}

static void
show_load_error (SpHrPage     *self,
                 const GError *error)
{
  if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    show_error (self, _("No Access"),
                _("Only HR may see reports. Sign in with an HR account."));
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    show_error (self, _("Signed Out"),
                _("The server no longer accepts your sign-in. Sign in again to see reports."));
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
    show_error (self, _("Offline"),
                _("The server cannot be reached. Reports are made on the server only: try again when you are online."));
  else
    show_error (self, _("Cannot Load the Report"), error->message);
}

/* Competence titles from the synced catalogues (newest published first). */
static void
load_titles (SpHrPage *self)
{
  g_clear_pointer (&self->titles, g_hash_table_unref);
  self->titles = sp_competence_titles_load (self->store);
}

static const char *
title_for (SpHrPage   *self,
           const char *code)
{
  const char *title = g_hash_table_lookup (self->titles, code);

  return title != NULL ? title : "";
}

/* ------------------------------------------------------------------ table */

typedef struct {
  SpHrPage *self;
  char     *org_unit;   /* NULL: total */
  gboolean  is_label;
} ColumnInfo;

static void
column_info_free (gpointer data,
                  GClosure *closure)
{
  ColumnInfo *info = data;

  g_free (info->org_unit);
  g_free (info);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  ColumnInfo *info = user_data;
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), info->is_label ? 0 : 1);
  if (info->is_label)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 10);
    }
  else
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ColumnInfo *info = user_data;
  SpHrPage *self = info->self;
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  const char *code = gtk_string_object_get_string (gtk_list_item_get_item (item));
  gboolean is_n = g_str_equal (code, N_ROW);
  const char *group_name = info->org_unit != NULL ? info->org_unit : _("All org units");
  SpHrGroup *group, *before;
  g_autofree char *text = NULL, *tooltip = NULL;
  double mean, change, earlier;

  if (info->is_label)
    {
      if (is_n)
        {
          gtk_label_set_label (label, _("Submissions (n)"));
          gtk_widget_set_tooltip_text (GTK_WIDGET (label), _("Number of anonymous self-check submissions"));
        }
      else
        {
          text = g_strdup_printf ("%s %s", code, title_for (self, code));
          gtk_label_set_label (label, text);
          gtk_widget_set_tooltip_text (GTK_WIDGET (label), text);
        }
      return;
    }

  group = sp_hr_report_find (self->current, info->org_unit);
  before = comparing (self) ? sp_hr_report_find (self->previous, info->org_unit) : NULL;

  if (group == NULL)
    {
      gtk_label_set_label (label, "–");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), NULL);
      return;
    }

  if (is_n)
    {
      if (before != NULL)
        {
          text = g_strdup_printf ("%" G_GINT64_FORMAT " (%" G_GINT64_FORMAT ": %" G_GINT64_FORMAT ")",
                                  group->n, self->previous->year, before->n);
        }
      else
        text = g_strdup_printf ("%" G_GINT64_FORMAT, group->n);
      gtk_label_set_label (label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), NULL);
      return;
    }

  if (!sp_hr_group_get_level (group, code, &mean))
    {
      gtk_label_set_label (label, "–");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                                   _("Not shown: fewer than 5 submissions answered this competence"));
      return;
    }

  if (comparing (self) && sp_hr_report_change (self->current, self->previous, info->org_unit, code, &change))
    {
      text = g_strdup_printf ("%.2f (%+.1f %%)", mean, change);
      sp_hr_group_get_level (before, code, &earlier);
      /* Translators: org unit, competence code and title, year, mean, year, mean */
      tooltip = g_strdup_printf (_("%s, %s %s: %d %.2f, %d %.2f"),
                                 group_name, code, title_for (self, code),
                                 (int) (self->current->year), mean, (int) (self->previous->year), earlier);
    }
  else
    {
      text = g_strdup_printf ("%.2f", mean);
      tooltip = g_strdup_printf ("%s, %s %s: %" G_GINT64_FORMAT " %.2f",
                                 group_name, code, title_for (self, code), self->current->year, mean);
    }
  gtk_label_set_label (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
}

static void
add_column (SpHrPage   *self,
            const char *title,
            const char *org_unit,
            gboolean    is_label)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  ColumnInfo *info = g_new0 (ColumnInfo, 1);
  g_autoptr(GtkColumnViewColumn) column = NULL;

  info->self = self;
  info->org_unit = g_strdup (org_unit);
  info->is_label = is_label;
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), info);
  g_signal_connect_data (factory, "bind", G_CALLBACK (bind_cell), info, column_info_free, 0);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  /* Fixed widths keep the table (and so the page) within the window for
   * the usual handful of org units; long names are cut in the header and
   * can be widened by dragging. */
  gtk_column_view_column_set_fixed_width (column, is_label ? 220 : 118);
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (self->table_view, column);
}

static void
clear_columns (SpHrPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->table_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->table_view, column);
    }
}

static void
rebuild_table (SpHrPage *self)
{
  const char *org_unit = selected_org_unit (self);
  g_autoptr(GPtrArray) codes = sp_hr_report_codes (self->current, NULL);
  g_autoptr(GtkStringObject) n_row = gtk_string_object_new (N_ROW);

  gtk_column_view_set_model (self->table_view, NULL);
  clear_columns (self);

  add_column (self, _("Competence"), NULL, TRUE);
  for (guint i = 0; i < self->current->groups->len; i++)
    {
      SpHrGroup *group = g_ptr_array_index (self->current->groups, i);

      if (org_unit == NULL || g_strcmp0 (org_unit, group->org_unit) == 0)
        add_column (self, group->org_unit, group->org_unit, FALSE);
    }
  if (self->current->total != NULL)
    add_column (self, _("All org units"), NULL, FALSE);

  g_list_store_remove_all (self->rows);
  g_list_store_append (self->rows, n_row);
  for (guint i = 0; i < codes->len; i++)
    {
      g_autoptr(GtkStringObject) row = gtk_string_object_new (g_ptr_array_index (codes, i));
      g_list_store_append (self->rows, row);
    }

  gtk_column_view_set_model (self->table_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)))));
}

/* ------------------------------------------------------------------ needs */

typedef struct {
  char *id;
  char *title;
  char *kind;
  char *provider;
  char *url;
} TrainingRef;

static void
training_ref_free (TrainingRef *ref)
{
  g_free (ref->id);
  g_free (ref->title);
  g_free (ref->kind);
  g_free (ref->provider);
  g_free (ref->url);
  g_free (ref);
}

/* Training items (synced catalogue) serving @code, lowest level first. */
static GPtrArray *
training_for (SpHrPage   *self,
              const char *code)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) training_ref_free);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT id, title, kind, provider, url FROM training_item"
                        " WHERE deleted = 0 AND EXISTS (SELECT 1 FROM json_each("
                        "   CASE WHEN json_valid(competences) THEN competences ELSE '[]' END)"
                        "   WHERE json_each.value = ?1)"
                        " ORDER BY coalesce(level, 0), title COLLATE NOCASE LIMIT ?2",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read training items: %s", error->message);
      return items;
    }
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, ITEMS_LIMIT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      TrainingRef *ref = g_new0 (TrainingRef, 1);

      ref->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      ref->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      ref->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      ref->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      ref->url = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (items, ref);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return items;
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "literature") == 0)
    return _("Literature");
  if (g_strcmp0 (kind, "course") == 0)
    return _("Course");
  if (g_strcmp0 (kind, "tutorial") == 0)
    return _("Tutorial");
  if (g_strcmp0 (kind, "elearning") == 0)
    return _("E-learning");
  return kind != NULL ? kind : "";
}

static void
on_training_row_activated (AdwActionRow *row,
                           SpHrPage     *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "training-id");

  if (id != NULL)
    g_signal_emit (self, signals[TRAINING_ACTIVATED], 0, id);
}

/* The change text of a need: "−3.5 % since 2025" or "". */
static char *
describe_change (SpHrPage   *self,
                 const char *org_unit,
                 const char *code)
{
  double change;

  if (!comparing (self) ||
      !sp_hr_report_change (self->current, self->previous, org_unit, code, &change))
    return NULL;
  /* Translators: change in percent since a year, e.g. "+4.2 % since 2025" */
  return g_strdup_printf (_("%+.1f %% since %d"), change, (int) (self->previous->year));
}

static void
rebuild_needs (SpHrPage *self)
{
  const char *org_unit = selected_org_unit (self);
  SpHrGroup *group = sp_hr_report_find (self->current, org_unit);
  g_autoptr(GPtrArray) needs = sp_hr_report_needs (group, NEEDS_LIMIT);
  g_autofree char *heading = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->needs_list))) != NULL)
    gtk_list_box_remove (self->needs_list, child);

  heading = g_strdup_printf (_("Qualification needs: %s (lowest mean level first)"),
                             org_unit != NULL ? org_unit : _("All org units"));
  gtk_label_set_label (self->needs_heading, heading);

  if (needs->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No shown data for this selection"));
      gtk_list_box_append (self->needs_list, row);
      return;
    }

  for (guint i = 0; i < needs->len; i++)
    {
      const char *code = g_ptr_array_index (needs, i);
      g_autoptr(GPtrArray) items = training_for (self, code);
      g_autofree char *title = NULL, *subtitle = NULL, *mean_text = NULL, *change = NULL;
      GtkWidget *row = adw_expander_row_new ();
      double mean = 0;

      sp_hr_group_get_level (group, code, &mean);
      mean_text = g_strdup_printf ("%.2f", mean);
      change = describe_change (self, org_unit, code);
      title = g_strdup_printf ("%u. %s %s", i + 1, code, title_for (self, code));
      if (change != NULL)
        /* Translators: mean level, change, number of training items */
        subtitle = g_strdup_printf (ngettext ("Mean level %s, %s, %u training item",
                                              "Mean level %s, %s, %u training items", items->len),
                                    mean_text, change, items->len);
      else
        subtitle = g_strdup_printf (ngettext ("Mean level %s, %u training item",
                                              "Mean level %s, %u training items", items->len),
                                    mean_text, items->len);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), i == 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);

      for (guint j = 0; j < items->len; j++)
        {
          TrainingRef *ref = g_ptr_array_index (items, j);
          GtkWidget *item_row = adw_action_row_new ();
          g_autofree char *item_subtitle = NULL;

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (item_row), ref->title ? ref->title : ref->id);
          item_subtitle = (ref->provider != NULL && *ref->provider != '\0')
                          ? g_strdup_printf ("%s · %s", kind_label (ref->kind), ref->provider)
                          : g_strdup (kind_label (ref->kind));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (item_row), item_subtitle);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (item_row), TRUE);
          g_object_set_data_full (G_OBJECT (item_row), "training-id", g_strdup (ref->id), g_free);
          g_signal_connect (item_row, "activated", G_CALLBACK (on_training_row_activated), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (item_row),
                                     gtk_image_new_from_icon_name ("go-next-symbolic"));

          if (ref->url != NULL && *ref->url != '\0')
            {
              GtkWidget *link = gtk_link_button_new_with_label (ref->url, _("Open"));
              g_autofree char *link_name = g_strdup_printf (_("Open %s"), ref->title ? ref->title : ref->id);

              gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
              gtk_widget_set_tooltip_text (link, ref->url);
              gtk_accessible_update_property (GTK_ACCESSIBLE (link),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, link_name, -1);
              adw_action_row_add_suffix (ADW_ACTION_ROW (item_row), link);
            }
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), item_row);
        }
      if (items->len == 0)
        adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);

      gtk_list_box_append (self->needs_list, row);
    }
}

/* ------------------------------------------------------------------ rebuild */

static void
rebuild_orgs (SpHrPage *self)
{
  g_autofree char *keep = g_strdup (selected_org_unit (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->org_names));
  guint selected = 0;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_ptr_array_add (names, (gpointer) _("All org units"));
  for (guint i = 0; i < self->current->groups->len; i++)
    {
      SpHrGroup *group = g_ptr_array_index (self->current->groups, i);

      if (g_strcmp0 (keep, group->org_unit) == 0)
        selected = names->len;
      g_ptr_array_add (names, group->org_unit);
    }
  g_ptr_array_add (names, NULL);

  self->updating_orgs = TRUE;
  gtk_string_list_splice (self->org_names, 0, n, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->org_dropdown, selected);
  self->updating_orgs = FALSE;
}

static void
rebuild_selection (SpHrPage *self)
{
  const char *org_unit = selected_org_unit (self);
  g_autofree char *chart_heading = NULL, *text = NULL;

  rebuild_table (self);

  sp_hr_chart_set_data (self->chart, self->current, comparing (self) ? self->previous : NULL,
                        org_unit, self->titles);
  chart_heading = g_strdup_printf (_("Chart: %s"), org_unit != NULL ? org_unit : _("All org units"));
  gtk_label_set_label (self->chart_heading, chart_heading);
  text = sp_hr_chart_describe (self->chart);
  gtk_label_set_label (self->chart_text, text);

  rebuild_needs (self);
}

static void
rebuild (SpHrPage *self)
{
  g_autofree char *summary = NULL, *suppressed = NULL;
  gint64 shown_n = 0;

  load_titles (self);
  rebuild_orgs (self);

  for (guint i = 0; i < self->current->groups->len; i++)
    shown_n += ((SpHrGroup *) g_ptr_array_index (self->current->groups, i))->n;

  if (self->current->total != NULL)
    summary = g_strdup_printf (ngettext ("Competence report %d: %u org unit shown, %d submissions in all",
                                         "Competence report %d: %u org units shown, %d submissions in all",
                                         self->current->groups->len),
                               (int) (self->current->year), self->current->groups->len, (int) (self->current->total->n));
  else if (self->current->groups->len > 0)
    summary = g_strdup_printf (ngettext ("Competence report %d: %u org unit shown",
                                         "Competence report %d: %u org units shown",
                                         self->current->groups->len),
                               (int) (self->current->year), self->current->groups->len);
  else
    summary = g_strdup_printf (_("Competence report %d: no group has enough submissions to be shown"),
                               (int) (self->current->year));
  gtk_label_set_label (self->summary_label, summary);

  suppressed = g_strdup_printf (ngettext ("Suppressed groups: %u. Groups with fewer than 5 submissions are never shown, nor is any total or other group from which they could be calculated.",
                                          "Suppressed groups: %u. Groups with fewer than 5 submissions are never shown, nor is any total or other group from which they could be calculated.",
                                          self->current->suppressed),
                                self->current->suppressed);
  gtk_label_set_label (self->suppressed_label, suppressed);

  if (gtk_check_button_get_active (self->compare_check) && self->previous == NULL)
    {
      g_autofree char *notice = NULL;

      notice = g_strdup_printf (_("The report of %d could not be loaded (%s): no year-over-year change."),
                                (int) (self->current->year - 1),
                                self->previous_error ? self->previous_error->message : "");
      gtk_label_set_label (self->notice_label, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->notice_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->notice_label), FALSE);

  rebuild_selection (self);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "report");
  update_actions (self);
}

/* ------------------------------------------------------------------ loading */

typedef struct {
  SpHrPage *self;
  gint64    year;
  gboolean  is_previous;
} Request;

static void
load_finished (SpHrPage *self)
{
  if (self->load_error != NULL)
    {
      show_load_error (self, self->load_error);
      return;
    }

  g_clear_pointer (&self->current, sp_hr_report_free);
  g_clear_pointer (&self->previous, sp_hr_report_free);
  self->current = g_steal_pointer (&self->next_current);
  self->previous = g_steal_pointer (&self->next_previous);
  rebuild (self);
}

static void
on_report_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *request = user_data;
  SpHrPage *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  SpHrReport *report = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (request->self);
      g_free (request);
      return;
    }
  if (node != NULL)
    report = sp_hr_report_parse (node, request->year, &error);

  if (request->is_previous)
    {
      self->next_previous = report;
      if (report == NULL)
        g_propagate_error (&self->previous_error, g_steal_pointer (&error));
    }
  else
    {
      self->next_current = report;
      if (report == NULL)
        g_propagate_error (&self->load_error, g_steal_pointer (&error));
    }

  g_assert (self->pending > 0);
  if (--self->pending == 0)
    load_finished (self);

  g_object_unref (request->self);
  g_free (request);
}

static void
start_request (SpHrPage   *self,
               const char *base_url,
               const char *token,
               const char *ca_file,
               gint64      year,
               gboolean    is_previous)
{
  Request *request = g_new0 (Request, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/competence/report?year=%" G_GINT64_FORMAT, year);

  request->self = g_object_ref (self);
  request->year = year;
  request->is_previous = is_previous;
  self->pending++;
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                    self->cancellable, on_report_loaded, request);
}

void
sp_hr_page_reload (SpHrPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;
  gint64 year;

  g_return_if_fail (SP_IS_HR_PAGE (self));

  g_clear_handle_id (&self->year_timeout, g_source_remove);
  self->loaded_once = TRUE;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 0;
  g_clear_error (&self->load_error);
  g_clear_error (&self->previous_error);
  g_clear_pointer (&self->next_current, sp_hr_report_free);
  g_clear_pointer (&self->next_previous, sp_hr_report_free);

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file))
    {
      show_error (self, _("Not Signed In"),
                  _("Sign in with an HR account to see the anonymised competence reports."));
      return;
    }

  year = get_year (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  update_actions (self);

  start_request (self, base_url, token, ca_file, year, FALSE);
  start_request (self, base_url, token, ca_file, year - 1, TRUE);
}

static gboolean
year_timeout_cb (gpointer user_data)
{
  SpHrPage *self = user_data;

  self->year_timeout = 0;
  sp_hr_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_year_changed (SpHrPage *self)
{
  if (!self->loaded_once)
    return;
  /* Clicking through years loads once the user stops. */
  g_clear_handle_id (&self->year_timeout, g_source_remove);
  self->year_timeout = g_timeout_add (400, year_timeout_cb, self);
}

static void
on_org_changed (SpHrPage *self)
{
  if (self->updating_orgs || self->current == NULL)
    return;
  rebuild_selection (self);
}

static void
on_compare_toggled (SpHrPage *self)
{
  if (self->current == NULL)
    return;
  rebuild (self);
}

/* ------------------------------------------------------------------ export */

static void
open_chooser (SpHrPage   *self,
              const char *title,
              const char *name,
              const char *pattern,
              const char *filter_name,
              GCallback   callback)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  self->chooser = gtk_file_chooser_native_new (title,
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", callback, self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static GFile *
chooser_file (SpHrPage *self,
              int       response)
{
  GFile *file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  return file;
}

static void
on_csv_response (SpHrPage *self,
                 int       response)
{
  g_autoptr(GFile) file = chooser_file (self, response);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  if (file == NULL || self->current == NULL)
    return;

  csv = sp_hr_report_to_csv (self->current, comparing (self) ? self->previous : NULL, self->titles);
  if (!g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the CSV file: %s"), error->message);
      add_toast (self, text);
      return;
    }
  add_toast (self, _("Report exported as CSV"));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SpHrPage *self = SP_HR_PAGE (widget);
  g_autofree char *name = NULL;

  if (self->current == NULL)
    return;
  /* Translators: a file name */
  name = g_strdup_printf (_("competence-report-%d.csv"), (int) (self->current->year));
  open_chooser (self, _("Export Report as CSV"), name, "*.csv", _("CSV files"),
                G_CALLBACK (on_csv_response));
}

/* PDF: A4 landscape in points. */
#define PDF_W       842.0
#define PDF_H       595.0
#define PDF_MARGIN  36.0

static double
pdf_text (cairo_t    *cr,
          double      x,
          double      y,
          double      width,
          const char *text,
          double      size,
          gboolean    bold,
          gboolean    right,
          gboolean    wrap)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  int tw, th;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  if (wrap)
    pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  else
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (right)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return th;
}

static char *
cell_text (SpHrPage   *self,
           SpHrGroup  *group,
           const char *code)
{
  double mean, change;

  if (group == NULL)
    return g_strdup ("–");
  if (code == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, group->n);
  if (!sp_hr_group_get_level (group, code, &mean))
    return g_strdup ("–");
  if (comparing (self) && sp_hr_report_change (self->current, self->previous, group->org_unit, code, &change))
    return g_strdup_printf ("%.2f (%+.1f %%)", mean, change);
  return g_strdup_printf ("%.2f", mean);
}

static double
pdf_header (SpHrPage *self,
            cairo_t  *cr)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%x");
  g_autofree char *title = g_strdup_printf (_("Competence report %d"), (int) (self->current->year));
  g_autofree char *created = g_strdup_printf (_("Created on %s. Anonymised: only groups with at least 5 submissions are shown."), date);
  double y = PDF_MARGIN;

  cairo_set_source_rgb (cr, 0, 0, 0);
  y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, title, 16, TRUE, FALSE, TRUE) + 4;
  y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, created, 8.5, FALSE, FALSE, TRUE) + 2;
  return y;
}

static void
pdf_table (SpHrPage *self,
           cairo_t  *cr,
           double   *y_io)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GPtrArray) codes = sp_hr_report_codes (self->current, NULL);
  const double row_h = 12.5, label_w = 205, size = 7.5;
  const guint per_page = 6;
  const char *org_unit = selected_org_unit (self);

  for (guint i = 0; i < self->current->groups->len; i++)
    {
      SpHrGroup *group = g_ptr_array_index (self->current->groups, i);

      if (org_unit == NULL || g_strcmp0 (org_unit, group->org_unit) == 0)
        g_ptr_array_add (groups, group);
    }
  if (self->current->total != NULL)
    g_ptr_array_add (groups, self->current->total);

  /* Columns in chunks that fit the page width, rows across pages. */
  for (guint first = 0; first < MAX (groups->len, 1); first += per_page)
    {
      guint last = MIN (first + per_page, groups->len);
      double col_w = (PDF_W - 2 * PDF_MARGIN - label_w) / MAX (1, last - first);
      double y = *y_io;

      for (int r = -1; r <= (int) codes->len; r++)
        {
          const char *code = r >= 1 ? g_ptr_array_index (codes, r - 1) : NULL;
          gboolean header = r == -1;

          if (y + row_h > PDF_H - PDF_MARGIN)
            {
              cairo_show_page (cr);
              y = pdf_header (self, cr) + 6;
            }
          if (r % 2 == 1)
            {
              cairo_set_source_rgb (cr, 0.94, 0.94, 0.94);
              cairo_rectangle (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, row_h);
              cairo_fill (cr);
            }
          cairo_set_source_rgb (cr, 0, 0, 0);

          if (header)
            pdf_text (cr, PDF_MARGIN + 2, y + 1, label_w - 4, _("Competence"), size, TRUE, FALSE, FALSE);
          else if (r == 0)
            pdf_text (cr, PDF_MARGIN + 2, y + 1, label_w - 4, _("Submissions (n)"), size, FALSE, FALSE, FALSE);
          else
            {
              g_autofree char *label = g_strdup_printf ("%s %s", code, title_for (self, code));
              pdf_text (cr, PDF_MARGIN + 2, y + 1, label_w - 4, label, size, FALSE, FALSE, FALSE);
            }

          for (guint g = first; g < last; g++)
            {
              SpHrGroup *group = g_ptr_array_index (groups, g);
              double x = PDF_MARGIN + label_w + (g - first) * col_w;
              g_autofree char *text = NULL;

              if (header)
                text = g_strdup (group->org_unit != NULL ? group->org_unit : _("All org units"));
              else
                text = cell_text (self, group, code);
              pdf_text (cr, x + 2, y + 1, col_w - 6, text, size, header, TRUE, FALSE);
            }
          y += row_h;
          if (header)
            {
              cairo_set_line_width (cr, 0.6);
              cairo_move_to (cr, PDF_MARGIN, y);
              cairo_line_to (cr, PDF_W - PDF_MARGIN, y);
              cairo_stroke (cr);
            }
        }
      *y_io = y + 10;
    }
}

static gboolean
write_pdf (SpHrPage    *self,
           const char  *path,
           GError     **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, PDF_W, PDF_H);
  cairo_t *cr = cairo_create (surface);
  const char *org_unit = selected_org_unit (self);
  g_autofree char *suppressed = NULL, *chart_title = NULL, *needs_title = NULL;
  g_autoptr(GPtrArray) needs = NULL;
  cairo_status_t status;
  double y;

  g_autofree char *title = g_strdup_printf (_("Competence report %d"), (int) (self->current->year));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Stadtpult");

  y = pdf_header (self, cr);
  suppressed = g_strdup (gtk_label_get_label (self->suppressed_label));
  y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, suppressed, 8.5, FALSE, FALSE, TRUE) + 4;
  if (comparing (self))
    {
      g_autofree char *note = g_strdup_printf (_("Values: mean level 1 to 5, in brackets the change in percent since %d."),
                                               (int) (self->previous->year));
      y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, note, 8.5, FALSE, FALSE, TRUE) + 6;
    }
  pdf_table (self, cr, &y);

  /* The chart and the needs on a page of their own. */
  cairo_show_page (cr);
  y = pdf_header (self, cr) + 6;
  chart_title = g_strdup_printf (_("Chart: %s"), org_unit != NULL ? org_unit : _("All org units"));
  y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, chart_title, 11, TRUE, FALSE, TRUE) + 4;
  cairo_save (cr);
  cairo_translate (cr, PDF_MARGIN, y);
  sp_hr_chart_render (self->chart, cr, (int) (PDF_W - 2 * PDF_MARGIN), 280, TRUE);
  cairo_restore (cr);
  y += 290;

  needs = sp_hr_report_needs (sp_hr_report_find (self->current, org_unit), NEEDS_LIMIT);
  needs_title = g_strdup (gtk_label_get_label (self->needs_heading));
  y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, needs_title, 11, TRUE, FALSE, TRUE) + 4;
  for (guint i = 0; i < needs->len; i++)
    {
      const char *code = g_ptr_array_index (needs, i);
      g_autofree char *mean = cell_text (self, sp_hr_report_find (self->current, org_unit), code);
      g_autofree char *line = g_strdup_printf ("%u. %s %s: %s", i + 1, code, title_for (self, code), mean);

      y += pdf_text (cr, PDF_MARGIN, y, PDF_W - 2 * PDF_MARGIN, line, 9, FALSE, FALSE, TRUE) + 2;
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
on_pdf_response (SpHrPage *self,
                 int       response)
{
  g_autoptr(GFile) file = chooser_file (self, response);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (file == NULL || self->current == NULL)
    return;
  path = g_file_get_path (file);
  if (path == NULL || !write_pdf (self, path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the PDF file: %s"),
                                               error ? error->message : _("not a local file"));
      add_toast (self, text);
      return;
    }
  add_toast (self, _("Report exported as PDF"));
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SpHrPage *self = SP_HR_PAGE (widget);
  g_autofree char *name = NULL;

  if (self->current == NULL)
    return;
  /* Translators: a file name */
  name = g_strdup_printf (_("competence-report-%d.pdf"), (int) (self->current->year));
  open_chooser (self, _("Export Report as PDF"), name, "*.pdf", _("PDF documents"),
                G_CALLBACK (on_pdf_response));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  sp_hr_page_reload (SP_HR_PAGE (widget));
}

/* ------------------------------------------------------------------ object */

static void
sp_hr_page_map (GtkWidget *widget)
{
  SpHrPage *self = SP_HR_PAGE (widget);

  GTK_WIDGET_CLASS (sp_hr_page_parent_class)->map (widget);

  /* Load when first shown; later only on request or a new year. */
  if (!self->loaded_once)
    sp_hr_page_reload (self);
}

static void
sp_hr_page_dispose (GObject *object)
{
  SpHrPage *self = SP_HR_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->year_timeout, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->table_view != NULL)
    {
      gtk_column_view_set_model (self->table_view, NULL);
      clear_columns (self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_HR_PAGE);

  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  self->server_func = NULL;

  g_clear_object (&self->rows);
  g_clear_object (&self->org_names);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_hr_page_parent_class)->dispose (object);
}

static void
sp_hr_page_finalize (GObject *object)
{
  SpHrPage *self = SP_HR_PAGE (object);

  g_clear_error (&self->load_error);
  g_clear_error (&self->previous_error);
  g_clear_pointer (&self->next_current, sp_hr_report_free);
  g_clear_pointer (&self->next_previous, sp_hr_report_free);
  g_clear_pointer (&self->current, sp_hr_report_free);
  g_clear_pointer (&self->previous, sp_hr_report_free);
  g_clear_pointer (&self->titles, g_hash_table_unref);

  G_OBJECT_CLASS (sp_hr_page_parent_class)->finalize (object);
}

static void
sp_hr_page_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SpHrPage *self = SP_HR_PAGE (object);

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
sp_hr_page_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SpHrPage *self = SP_HR_PAGE (object);

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
sp_hr_page_class_init (SpHrPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_hr_page_dispose;
  object_class->finalize = sp_hr_page_finalize;
  object_class->get_property = sp_hr_page_get_property;
  object_class->set_property = sp_hr_page_set_property;
  widget_class->map = sp_hr_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TRAINING_ACTIVATED] =
    g_signal_new ("training-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SP_TYPE_HR_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, "/de/stadtpult/Stadtpult/hr/sp-hr-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, year_spin);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, org_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, compare_check);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, suppressed_label);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, table_view);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, chart_heading);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, chart);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, chart_text);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, needs_heading);
  gtk_widget_class_bind_template_child (widget_class, SpHrPage, needs_list);
  gtk_widget_class_bind_template_callback (widget_class, on_year_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_org_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_toggled);

  gtk_widget_class_install_action (widget_class, "hr.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "hr.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "hr.export-pdf", NULL, export_pdf_action);
}

static void
sp_hr_page_init (SpHrPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GtkExpression) expression = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rows = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->org_names = gtk_string_list_new ((const char * const []) { _("All org units"), NULL });
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->org_dropdown, expression);
  gtk_drop_down_set_model (self->org_dropdown, G_LIST_MODEL (self->org_names));

  /* Not loaded yet: no report-dependent handler runs for the initial year. */
  gtk_spin_button_set_value (self->year_spin, g_date_time_get_year (now));
  update_actions (self);
}

GtkWidget *
sp_hr_page_new (SpLocalStore   *store,
                SpServerAccessFunc  server_func,
                gpointer        user_data,
                GDestroyNotify  destroy)
{
  SpHrPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_HR_PAGE, "store", store, NULL);
  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  return GTK_WIDGET (self);
}
