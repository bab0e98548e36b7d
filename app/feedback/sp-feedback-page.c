/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-row-list-model.h"
#include "sp-split-model.h"
#include "sp-feedback-detail.h"
#include "sp-feedback-overview.h"
#include "sp-feedback-settings.h"
#include "sp-feedback-util.h"
#include "sp-feedback-page.h"

#define EXCERPT_CHARS 120

/* The inbox columns. */
typedef enum {
  COL_TICKET,
  COL_RECEIVED,
  COL_STATE,
  COL_DUE,
  COL_RATING,
  COL_SERVICE,
  COL_TEXT,
  COL_CHANNEL,
  COL_ORG_UNIT,
  N_COLUMNS
} Column;

typedef struct {
  const char *title;
  int         width;        /* fixed width */
  const char *sort_field;   /* NULL: not sortable */
  const char *sort_lookup;
} ColumnInfo;

/* What triage needs first comes first; the rest scrolls in sideways. */
static const ColumnInfo column_info[N_COLUMNS] = {
  [COL_TICKET]   = { N_("Ticket"),   170, NULL, NULL },
  [COL_RECEIVED] = { N_("Received"), 125, "created", NULL },
  [COL_STATE]    = { N_("State"),    120, "state", NULL },
  [COL_DUE]      = { N_("Due"),      125, "due", NULL },
  [COL_RATING]   = { N_("Rating"),    85, "rating", NULL },
  [COL_SERVICE]  = { N_("Service"),  160, "service_id", "service.name" },
  [COL_TEXT]     = { N_("Text"),     320, NULL, NULL },
  [COL_CHANNEL]  = { N_("Channel"),   80, NULL, NULL },
  [COL_ORG_UNIT] = { N_("Org unit"), 130, NULL, NULL },
};

/* Filter choices: index 0 of each drop-down is "all". */
static const char * const rating_values[] = { NULL, "5", "4", "3", "2", "1", "0" };

struct _SpFeedbackPage
{
  AdwBin               parent_instance;

  SpLocalStore        *store;
  SpSyncController    *controller;
  SpRowListModel      *model;
  SpSplitModel        *split;
  GtkMultiSelection   *selection;
  GHashTable          *services;     /* id -> name */
  GPtrArray           *service_ids;  /* of the service filter, index 0 = all */
  GtkColumnViewColumn *columns[N_COLUMNS];
  Column               probed;       /* see primary_sort() */
  guint                badge_count;
  gboolean             updating_filters;
  SpFeedbackDetail    *detail;
  GtkWidget           *overview;

  GtkSearchEntry      *search_entry;
  GtkDropDown         *state_filter;
  GtkDropDown         *service_filter;
  GtkDropDown         *rating_filter;
  GtkDropDown         *channel_filter;
  GtkEntry            *from_entry;
  GtkEntry            *until_entry;
  GtkLabel            *counts_label;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  AdwStatusPage       *empty_page;
  GtkLabel            *selection_label;
  GtkFlowBox          *filter_box;
  GtkPopover          *bulk_popover;
  GtkEntry            *bulk_org_unit_entry;
  GtkEntry            *bulk_tag_entry;
  AdwBin              *detail_bin;
  AdwBin              *overview_bin;
  AdwViewStack        *view_stack;
};

G_DEFINE_FINAL_TYPE (SpFeedbackPage, sp_feedback_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONTROLLER,
  PROP_BADGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ cells */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column == COL_TICKET)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static char *
excerpt (const char *text)
{
  g_autofree char *flat = g_strdup (text);
  glong len;

  /* One line: the cell is a single-line label. */
  g_strdelimit (flat, "\r\n\t", ' ');
  len = g_utf8_strlen (flat, -1);
  if (len <= EXCERPT_CHARS)
    return g_steal_pointer (&flat);
  return g_strconcat (g_utf8_substring (flat, 0, EXCERPT_CHARS), "…", NULL);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  SpFeedbackPage *self = g_object_get_data (G_OBJECT (factory), "sp-page");
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  SpRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  gboolean overdue = FALSE;

  switch (column)
    {
    case COL_TICKET:
      text = g_strdup (sp_row_get_string (row, "ticket"));
      if (sp_row_get_pending (row))
        accessible = g_strdup_printf (_("%s, pending sync"), text);
      break;
    case COL_RECEIVED:
      text = sp_feedback_format_time (sp_row_get_string (row, "created"));
      break;
    case COL_SERVICE:
      {
        const char *name = g_hash_table_lookup (self->services, sp_row_get_string (row, "service_id"));
        text = g_strdup (name != NULL ? name : "");
      }
      break;
    case COL_RATING:
      {
        gint64 rating = g_ascii_strtoll (sp_row_get_string (row, "rating"), NULL, 10);
        text = sp_feedback_rating_stars (rating);
        accessible = sp_feedback_rating_text (rating);
      }
      break;
    case COL_CHANNEL:
      text = g_strdup (sp_feedback_channel_label (sp_row_get_string (row, "channel")));
      break;
    case COL_STATE:
      text = g_strdup (sp_feedback_state_label (sp_row_get_string (row, "state")));
      break;
    case COL_ORG_UNIT:
      text = g_strdup (sp_row_get_string (row, "org_unit"));
      break;
    case COL_DUE:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
        SpFeedbackDue due = sp_feedback_describe_due (sp_row_get_string (row, "due"),
                                                      sp_row_get_string (row, "state"),
                                                      now, &text);
        overdue = due == SP_FEEDBACK_DUE_OVERDUE;
        if (text == NULL)
          text = g_strdup ("");
      }
      break;
    case COL_TEXT:
      text = excerpt (sp_row_get_string (row, "text"));
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (label, text);
  if (column == COL_DUE)
    {
      if (overdue)
        gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
    }
  if (column == COL_TEXT)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), *text ? sp_row_get_string (row, "text") : NULL);
  /* Recycled cells: always set the name (GTK 4.8 names a label whose
   * name was reset after its type). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible != NULL ? accessible : text, -1);
}

/* ------------------------------------------------------------------ sorting */

/* GTK 4.8 cannot tell which column the person sorts by (no
 * gtk_column_view_sorter_get_primary_sort_column() before 4.10). Each
 * sortable column has a sorter that never finds items equal and notes its
 * column when asked: comparing two items once with the view's sorter asks
 * the primary column first, and the sign tells the direction. The rows
 * themselves are sorted by SQLite, never by these sorters. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GtkColumnViewColumn *column = GTK_COLUMN_VIEW_COLUMN (user_data);
  SpFeedbackPage *self = g_object_get_data (G_OBJECT (column), "sp-page");

  if (self->probed == N_COLUMNS)
    self->probed = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "sp-column"));
  return GTK_ORDERING_LARGER;
}

static void
on_sort_changed (SpFeedbackPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering order;

  self->probed = N_COLUMNS;
  order = gtk_sorter_compare (sorter, a, b);
  if (self->probed == N_COLUMNS || order == GTK_ORDERING_EQUAL)
    sp_row_list_model_set_sort (self->model, "created", NULL, TRUE);
  else
    sp_row_list_model_set_sort (self->model, column_info[self->probed].sort_field,
                                column_info[self->probed].sort_lookup,
                                order == GTK_ORDERING_SMALLER);
}

/* ------------------------------------------------------------------ filters */

static void
update_counts (SpFeedbackPage *self)
{
  g_autoptr(GHashTable) by_state = sp_row_list_model_count_by (self->model, "state");
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean filtering;

  g_string_append_printf (text, ngettext ("%u item", "%u items", shown), shown);
  for (guint i = 0; sp_feedback_states[i]; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (by_state, sp_feedback_states[i]));

      /* Translators: a state and its number of items ("New 12") */
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%s %u"), sp_feedback_state_label (sp_feedback_states[i]), n);
    }
  gtk_label_set_label (self->counts_label, text->str);

  filtering = sp_row_list_model_get_search (self->model) != NULL ||
              gtk_drop_down_get_selected (self->state_filter) > 0 ||
              gtk_drop_down_get_selected (self->service_filter) > 0 ||
              gtk_drop_down_get_selected (self->rating_filter) > 0 ||
              gtk_drop_down_get_selected (self->channel_filter) > 0 ||
              *gtk_editable_get_text (GTK_EDITABLE (self->from_entry)) != '\0' ||
              *gtk_editable_get_text (GTK_EDITABLE (self->until_entry)) != '\0';
  if (shown == 0)
    {
      adw_status_page_set_title (self->empty_page, filtering ? _("No Results") : _("No Feedback Yet"));
      adw_status_page_set_description (self->empty_page,
                                       filtering ? _("Try other filters or a different search.")
                                                 : _("Feedback from the citizen web app, the kiosks, the chat bot and Open311 arrives here with the next sync."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, shown > 0 ? "list" : "empty");
}

static void
update_badge (SpFeedbackPage *self)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT count(*) FROM feedback WHERE deleted = 0 AND state = 'new'", NULL);
  if (stmt == NULL)
    return;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (count != self->badge_count)
    {
      self->badge_count = count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE_COUNT]);
    }
}

/* A day entry as a bound of "created", or NULL when empty or invalid
 * (marked as an error then). */
static char *
day_bound (GtkEntry *entry,
           gboolean  end_of_day)
{
  g_autofree char *text = sp_form_entry_get_trimmed (entry);

  if (*text == '\0' || !sp_form_valid_date (text))
    {
      if (*text != '\0')
        gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return NULL;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  /* Received times are UTC; days compare as the person's calendar days
   * closely enough for triage. */
  return g_strconcat (text, end_of_day ? "T23:59:59Z" : "T00:00:00Z", NULL);
}

static void
apply_filters (SpFeedbackPage *self)
{
  guint state = gtk_drop_down_get_selected (self->state_filter);
  guint service = gtk_drop_down_get_selected (self->service_filter);
  guint rating = gtk_drop_down_get_selected (self->rating_filter);
  guint channel = gtk_drop_down_get_selected (self->channel_filter);
  g_autofree char *from = day_bound (self->from_entry, FALSE);
  g_autofree char *until = day_bound (self->until_entry, TRUE);
  const char *one[2] = { NULL, NULL };

  if (self->updating_filters)
    return;

  sp_row_list_model_freeze (self->model);
  sp_row_list_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  one[0] = state > 0 && state != GTK_INVALID_LIST_POSITION ? sp_feedback_states[state - 1] : NULL;
  sp_row_list_model_set_filter_values (self->model, "state", one[0] ? one : NULL);

  one[0] = service > 0 && service < self->service_ids->len ? g_ptr_array_index (self->service_ids, service) : NULL;
  sp_row_list_model_set_filter_values (self->model, "service_id", one[0] ? one : NULL);

  one[0] = rating > 0 && rating < G_N_ELEMENTS (rating_values) ? rating_values[rating] : NULL;
  sp_row_list_model_set_filter_values (self->model, "rating", one[0] ? one : NULL);

  one[0] = channel > 0 && channel != GTK_INVALID_LIST_POSITION ? sp_feedback_channels[channel - 1] : NULL;
  sp_row_list_model_set_filter_values (self->model, "channel", one[0] ? one : NULL);

  sp_row_list_model_set_filter_range (self->model, "created", from, until);
  sp_row_list_model_thaw (self->model);
  update_counts (self);
}

static void
on_filters_changed (SpFeedbackPage *self)
{
  apply_filters (self);
}

static void
on_search_stop (SpFeedbackPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_reset_clicked (SpFeedbackPage *self)
{
  self->updating_filters = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->state_filter, 0);
  gtk_drop_down_set_selected (self->service_filter, 0);
  gtk_drop_down_set_selected (self->rating_filter, 0);
  gtk_drop_down_set_selected (self->channel_filter, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->until_entry), "");
  self->updating_filters = FALSE;
  apply_filters (self);
}

static int
compare_service_names (gconstpointer a,
                       gconstpointer b,
                       gpointer      names)
{
  return g_utf8_collate (g_hash_table_lookup (names, *(const char * const *) a),
                         g_hash_table_lookup (names, *(const char * const *) b));
}

/* The service filter's choices: all, none, then the services by name. */
static void
load_services (SpFeedbackPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) sorted = NULL;
  g_autofree char *selected_id = NULL;
  guint selected = gtk_drop_down_get_selected (self->service_filter);
  guint reselect = 0;
  GHashTableIter iter;
  gpointer key;

  if (selected > 0 && selected < self->service_ids->len)
    selected_id = g_strdup (g_ptr_array_index (self->service_ids, selected));

  g_clear_pointer (&self->services, g_hash_table_unref);
  self->services = sp_feedback_service_names (self->store);

  sorted = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sorted, key);
  g_ptr_array_sort_with_data (sorted, compare_service_names, self->services);

  g_ptr_array_set_size (self->service_ids, 0);
  g_ptr_array_add (self->service_ids, g_strdup (""));
  gtk_string_list_append (names, _("All services"));
  g_ptr_array_add (self->service_ids, g_strdup (""));
  gtk_string_list_append (names, _("No service"));
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *id = g_ptr_array_index (sorted, i);

      if (g_strcmp0 (id, selected_id) == 0)
        reselect = self->service_ids->len;
      g_ptr_array_add (self->service_ids, g_strdup (id));
      gtk_string_list_append (names, g_hash_table_lookup (self->services, id));
    }

  self->updating_filters = TRUE;
  gtk_drop_down_set_model (self->service_filter, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->service_filter, selected == 1 ? 1 : reselect);
  self->updating_filters = FALSE;
}

/* ------------------------------------------------------------------ selection */

static GPtrArray *
selected_ids (SpFeedbackPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      char *id = sp_row_list_model_get_id (self->model, position);

      if (id != NULL)
        g_ptr_array_add (ids, id);
    }
  return ids;
}

static void
update_selection (SpFeedbackPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (set);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("None selected"));
  else
    text = g_strdup_printf (ngettext ("%u selected", "%u selected", (gulong) n), (guint) n);
  gtk_label_set_label (self->selection_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feedback.bulk-state", n > 0);
  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (self->bulk_popover)), n > 0);

  if (n == 1)
    {
      g_autofree char *id = sp_row_list_model_get_id (self->model, gtk_bitset_get_minimum (set));

      sp_feedback_detail_show (self->detail, id);
    }
}

static void
on_selection_changed (SpFeedbackPage *self)
{
  update_selection (self);
}

/* After a reload, select the row the detail pane shows again. */
static void
on_items_changed (SpFeedbackPage *self)
{
  const char *id;
  int position;

  if (sp_split_model_in_split (self->split))
    return;
  update_counts (self);
  update_badge (self);
  id = sp_feedback_detail_get_id (self->detail);
  if (id != NULL && (position = sp_row_list_model_find (self->model, id)) >= 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), (guint) position, TRUE);
  update_selection (self);
}

static void
bulk_done (SpFeedbackPage *self,
           GPtrArray      *ids,
           gboolean        ok,
           GError         *error,
           const char     *what)
{
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot save: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self), message);
      return;
    }
  {
    /* Translators: "Closed: 12 items" */
    g_autofree char *message = g_strdup_printf (ngettext ("%s: %u item", "%s: %u items", ids->len),
                                                what, ids->len);
    sp_form_show_toast (GTK_WIDGET (self), message);
  }
}

static void
bulk_state_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (widget);
  const char *state = g_variant_get_string (param, NULL);
  g_autoptr(GPtrArray) ids = selected_ids (self);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!g_strv_contains (sp_feedback_states, state) || ids->len == 0)
    return;
  json_object_set_string_member (fields, "state", state);
  ok = sp_feedback_save_rows (self->store, ids, fields, &error);
  bulk_done (self, ids, ok, error, sp_feedback_state_label (state));
}

static void
on_bulk_assign (SpFeedbackPage *self)
{
  g_autofree char *org_unit = sp_form_entry_get_trimmed (self->bulk_org_unit_entry);
  g_autoptr(GPtrArray) ids = selected_ids (self);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (*org_unit == '\0' || ids->len == 0)
    return;
  json_object_set_string_member (fields, "org_unit", org_unit);
  ok = sp_feedback_save_rows (self->store, ids, fields, &error);
  gtk_popover_popdown (self->bulk_popover);
  bulk_done (self, ids, ok, error, _("Assigned"));
}

static void
on_bulk_tag (SpFeedbackPage *self)
{
  g_autofree char *tag = sp_form_entry_get_trimmed (self->bulk_tag_entry);
  g_autoptr(GPtrArray) ids = selected_ids (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (*tag == '\0' || ids->len == 0)
    return;
  ok = sp_feedback_add_tag (self->store, ids, tag, &error);
  gtk_popover_popdown (self->bulk_popover);
  bulk_done (self, ids, ok, error, _("Tagged"));
}

static void
settings_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (widget);
  GtkWidget *dialog = sp_feedback_settings_new (self->store);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "inbox");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ------------------------------------------------------------------ store */

static void
on_store_changed (SpFeedbackPage *self,
                  const char     *entity)
{
  if (entity == NULL || g_str_equal (entity, "service"))
    load_services (self);
  /* Service names in visible cells (the model reloads itself for
   * feedback and after syncs that brought feedback). */
  if (entity != NULL && g_str_equal (entity, "service"))
    sp_row_list_model_reload (self->model);
}

static void
on_signed_in_changed (SpFeedbackPage *self)
{
  sp_feedback_detail_set_user (self->detail, sp_sync_controller_get_user (self->controller));
}

static void
add_columns (SpFeedbackPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "sp-page", self);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (_(column_info[c].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, column_info[c].width);
      gtk_column_view_column_set_expand (column, c == COL_TEXT);
      if (column_info[c].sort_field != NULL)
        {
          g_autoptr(GtkCustomSorter) sorter = gtk_custom_sorter_new (probe_compare, column, NULL);

          g_object_set_data (G_OBJECT (column), "sp-page", self);
          g_object_set_data (G_OBJECT (column), "sp-column", GUINT_TO_POINTER (c));
          gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
        }
      gtk_column_view_append_column (self->column_view, column);
      self->columns[c] = column;
      g_object_unref (column);
    }
}

static void
fill_filter (GtkDropDown        *dropdown,
             const char         *all,
             const char * const *values,
             const char       *(*label) (const char *))
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, all);
  for (guint i = 0; values[i]; i++)
    gtk_string_list_append (list, label (values[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

static void
sp_feedback_page_constructed (GObject *object)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (object);
  g_autoptr(GtkStringList) ratings = gtk_string_list_new (NULL);

  G_OBJECT_CLASS (sp_feedback_page_parent_class)->constructed (object);

  self->detail = SP_FEEDBACK_DETAIL (sp_feedback_detail_new (self->store));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->detail), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Feedback details"), -1);
  adw_bin_set_child (self->detail_bin, GTK_WIDGET (self->detail));
  self->overview = sp_feedback_overview_new (self->store);
  adw_bin_set_child (self->overview_bin, self->overview);

  fill_filter (self->state_filter, _("All states"), sp_feedback_states, sp_feedback_state_label);
  fill_filter (self->channel_filter, _("All channels"), sp_feedback_channels, sp_feedback_channel_label);
  gtk_string_list_append (ratings, _("Any rating"));
  for (guint i = 1; i < G_N_ELEMENTS (rating_values) - 1; i++)
    {
      g_autofree char *stars = sp_feedback_rating_stars (g_ascii_strtoll (rating_values[i], NULL, 10));
      gtk_string_list_append (ratings, stars);
    }
  gtk_string_list_append (ratings, _("No rating"));
  gtk_drop_down_set_model (self->rating_filter, G_LIST_MODEL (ratings));
  load_services (self);

  self->model = sp_row_list_model_new (self->store, "feedback", "created");
  sp_row_list_model_set_sort (self->model, "created", NULL, TRUE);
  self->split = sp_split_model_new (G_LIST_MODEL (self->model));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->split)));
  add_columns (self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view, self->columns[COL_RECEIVED], GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sort_changed), self, G_CONNECT_SWAPPED);
  on_sort_changed (self);

  for (GtkDropDown **d = (GtkDropDown *[]) { self->state_filter, self->service_filter,
                                            self->rating_filter, self->channel_filter, NULL };
       *d != NULL; d++)
    g_signal_connect_object (*d, "notify::selected", G_CALLBACK (on_filters_changed),
                             self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->split, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::signed-in",
                           G_CALLBACK (on_signed_in_changed), self, G_CONNECT_SWAPPED);
  on_signed_in_changed (self);
  update_counts (self);
  update_badge (self);
  update_selection (self);
}

static void
sp_feedback_page_dispose (GObject *object)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (object);

  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FEEDBACK_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->split);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->service_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (sp_feedback_page_parent_class)->dispose (object);
}

static void
sp_feedback_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (object);

  switch (prop_id)
    {
    case PROP_BADGE_COUNT:
      g_value_set_uint (value, self->badge_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_feedback_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SpFeedbackPage *self = SP_FEEDBACK_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CONTROLLER:
      self->controller = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_feedback_page_class_init (SpFeedbackPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_feedback_page_constructed;
  object_class->dispose = sp_feedback_page_dispose;
  object_class->get_property = sp_feedback_page_get_property;
  object_class->set_property = sp_feedback_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, SP_TYPE_SYNC_CONTROLLER,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BADGE_COUNT] =
    g_param_spec_uint ("badge-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/feedback/sp-feedback-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, state_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, service_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, rating_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, channel_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, until_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, counts_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, filter_box);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, bulk_popover);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, bulk_org_unit_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, bulk_tag_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, detail_bin);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, overview_bin);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackPage, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_bulk_assign);
  gtk_widget_class_bind_template_callback (widget_class, on_bulk_tag);

  gtk_widget_class_install_action (widget_class, "feedback.bulk-state", "s", bulk_state_action);
  gtk_widget_class_install_action (widget_class, "feedback.settings", NULL, settings_action);
  gtk_widget_class_install_action (widget_class, "feedback.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "feedback.search", NULL);
}

static void
sp_feedback_page_init (SpFeedbackPage *self)
{
  self->service_ids = g_ptr_array_new_with_free_func (g_free);
  self->probed = N_COLUMNS;
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Tab reaches the filters themselves, not the cells of their flow box. */
  for (GtkWidget *cell = gtk_widget_get_first_child (GTK_WIDGET (self->filter_box));
       cell != NULL;
       cell = gtk_widget_get_next_sibling (cell))
    gtk_widget_set_focusable (cell, FALSE);
}

GtkWidget *
sp_feedback_page_new (SpLocalStore     *store,
                      SpSyncController *controller)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);

  return g_object_new (SP_TYPE_FEEDBACK_PAGE, "store", store, "controller", controller, NULL);
}
