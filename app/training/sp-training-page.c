/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-training-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-api-client.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-row.h"
#include "sp-row-list-model.h"
#include "sp-training-catalogue.h"
#include "sp-competence-titles.h"
#include "sp-training-editor.h"
#include "sp-training-page.h"

/* The training catalogue. Marks (planned/done) live in the local-only
 * table training_mark; the anonymous demand deltas for the server wait in
 * the local-only queue training_demand_queue (client migration 4) until the server took them,
 * so marking works offline and nothing is counted twice or lost. Neither
 * table syncs. */

#define QUEUE_RETRY_SECONDS 60

struct _SpTrainingPage
{
  AdwBin                 parent_instance;

  SpLocalStore          *store;
  SpServerAccessFunc   server_func;
  gpointer               server_data;
  GDestroyNotify         server_destroy;

  SpRowListModel        *model;
  GtkCustomFilter       *filter;
  GtkFilterListModel    *filtered;
  GtkSingleSelection    *selection;

  GHashTable            *marks;        /* item id -> "planned"|"done" */
  GHashTable            *demand;       /* item id -> gint64[2] planned, done */
  GHashTable            *titles;       /* competence code -> title */
  GPtrArray             *filter_codes; /* competence dropdown index - 1 -> code */
  char                  *current_id;

  gboolean               roles_trainer;
  gboolean               server_trainer;
  gboolean               flushing;
  guint                  retry_source;
  GCancellable          *cancellable;

  GtkSearchEntry        *search_entry;
  GtkButton             *new_button;
  GtkDropDown           *kind_dropdown;
  GtkDropDown           *competence_dropdown;
  GtkToggleButton       *mobile_toggle;
  GtkToggleButton       *marked_toggle;
  GtkStack              *list_stack;
  GtkListView           *list_view;
  AdwStatusPage         *empty_page;
  GtkStack              *detail_stack;
  GtkLabel              *title_label;
  GtkLabel              *meta_label;
  GtkLabel              *description_label;
  GtkListBox            *facts_list;
  GtkLinkButton         *link_button;
  GtkLabel              *mark_label;
  GtkWidget             *planned_button;
  GtkWidget             *done_button;
  GtkWidget             *clear_button;
  GtkWidget             *trainer_box;
  GtkLabel              *demand_label;
};

G_DEFINE_FINAL_TYPE (SpTrainingPage, sp_training_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void flush_queue (SpTrainingPage *self);
static void show_detail (SpTrainingPage *self);

static void
add_toast (SpTrainingPage *self,
           const char     *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static gboolean
can_edit (SpTrainingPage *self)
{
  return self->roles_trainer || self->server_trainer;
}

static const char *
mark_label (const char *state)
{
  if (g_strcmp0 (state, "planned") == 0)
    return _("Planned");
  if (g_strcmp0 (state, "done") == 0)
    return _("Done");
  return NULL;
}

/* ------------------------------------------------------------ local data */

static void
load_marks (SpTrainingPage *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_hash_table_remove_all (self->marks);
  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT item_id, state FROM training_mark", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read training marks: %s", error->message);
      return;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (self->marks,
                         g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
}

static gboolean
enqueue (SpTrainingPage  *self,
         const char      *item_id,
         const char      *state,
         int              delta,
         GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "INSERT INTO training_demand_queue (item_id, state, delta) VALUES (?1, ?2, ?3)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, delta);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (sp_local_store_get_db (self->store), error);
  return TRUE;
}

/* Sets (state NULL: removes) the mark of @item_id and queues the demand
 * deltas, one transaction. */
static gboolean
set_mark (SpTrainingPage  *self,
          const char      *item_id,
          const char      *state,
          GError         **error)
{
  SpDb *db = sp_local_store_get_db (self->store);
  const char *old = g_hash_table_lookup (self->marks, item_id);
  sqlite3_stmt *stmt;
  int rc;

  if (g_strcmp0 (old, state) == 0)
    return TRUE;
  if (!sp_db_begin (db, error))
    return FALSE;

  if (state != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *changed = g_date_time_format_iso8601 (now);

      stmt = sp_db_prepare (db,
                            "INSERT INTO training_mark (item_id, state, changed) VALUES (?1, ?2, ?3)"
                            " ON CONFLICT (item_id) DO UPDATE SET state = excluded.state,"
                            " changed = excluded.changed",
                            error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, changed, -1, SQLITE_TRANSIENT);
    }
  else
    {
      stmt = sp_db_prepare (db, "DELETE FROM training_mark WHERE item_id = ?1", error);
      if (stmt == NULL)
        goto fail;
    }
  sqlite3_bind_text (stmt, 1, item_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      goto fail;
    }

  if ((old != NULL && !enqueue (self, item_id, old, -1, error)) ||
      (state != NULL && !enqueue (self, item_id, state, 1, error)))
    goto fail;
  if (!sp_db_commit (db, error))
    goto fail;

  if (state != NULL)
    g_hash_table_insert (self->marks, g_strdup (item_id), g_strdup (state));
  else
    g_hash_table_remove (self->marks, item_id);
  return TRUE;

fail:
  sp_db_rollback (db);
  return FALSE;
}

/* ------------------------------------------------------------ server */

typedef struct {
  SpTrainingPage *self;
  gint64          seq;
} QueueSend;

static gboolean
retry_cb (gpointer user_data)
{
  SpTrainingPage *self = user_data;

  self->retry_source = 0;
  flush_queue (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (SpTrainingPage *self)
{
  if (self->retry_source == 0)
    self->retry_source = g_timeout_add_seconds (QUEUE_RETRY_SECONDS, retry_cb, self);
}

static void
delete_queued (SpTrainingPage *self,
               gint64          seq)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "DELETE FROM training_demand_queue WHERE seq = ?1", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot update the demand queue: %s", error->message);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);
}

static void load_demand (SpTrainingPage *self);

static void
on_demand_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  QueueSend *send = user_data;
  SpTrainingPage *self = send->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 seq = send->seq;

  g_free (send);
  node = sp_api_client_request_json_finish (result, NULL, &error);
  self->flushing = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  if (error == NULL ||
      g_error_matches (error, SP_ERROR, SP_ERROR_INVALID) ||
      g_error_matches (error, SP_ERROR, SP_ERROR_NOT_FOUND) ||
      g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    {
      /* Taken, or refused for good (e.g. an item deleted meanwhile):
       * sending it again would never help. */
      if (error != NULL)
        g_message ("Dropping a demand change the server refused: %s", error->message);
      delete_queued (self, seq);
      flush_queue (self);
      if (error == NULL && can_edit (self))
        load_demand (self);
    }
  else
    {
      g_debug ("Demand changes wait for the server: %s", error->message);
      schedule_retry (self);
    }
  g_object_unref (self);
}

static void
flush_queue (SpTrainingPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  QueueSend *send;
  sqlite3_stmt *stmt;

  if (self->flushing || self->store == NULL)
    return;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT seq, item_id, state, delta FROM training_demand_queue ORDER BY seq LIMIT 1",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the demand queue: %s", error->message);
      return;
    }
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "item");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
  json_builder_set_member_name (builder, "delta");
  json_builder_add_int_value (builder, sqlite3_column_int (stmt, 3));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  send = g_new0 (QueueSend, 1);
  send->seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file))
    {
      /* Not signed in: the queue waits. */
      g_free (send);
      schedule_retry (self);
      return;
    }

  send->self = g_object_ref (self);
  self->flushing = TRUE;
  sp_api_client_request_json_async (base_url, token, ca_file, "POST", "/api/v1/training/demand",
                                    body, self->cancellable, on_demand_sent, send);
}

static void
update_trainer_ui (SpTrainingPage *self)
{
  gboolean editor = can_edit (self);

  gtk_widget_set_visible (GTK_WIDGET (self->new_button), editor);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.new", editor);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.edit", editor && self->current_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.delete", editor && self->current_id != NULL);
  gtk_widget_set_visible (self->trainer_box, editor);
}

static void
on_demand_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SpTrainingPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *items = json_object_get_member (json_node_get_object (node), "items");

      self->server_trainer = TRUE;
      g_hash_table_remove_all (self->demand);
      if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
        {
          JsonArray *array = json_node_get_array (items);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              JsonObject *object;
              gint64 *counts;
              const char *item;

              if (!JSON_NODE_HOLDS_OBJECT (element))
                continue;
              object = json_node_get_object (element);
              item = json_object_get_string_member_with_default (object, "item", NULL);
              if (item == NULL)
                continue;
              counts = g_new0 (gint64, 2);
              counts[0] = json_object_get_int_member_with_default (object, "planned", 0);
              counts[1] = json_object_get_int_member_with_default (object, "done", 0);
              g_hash_table_insert (self->demand, g_strdup (item), counts);
            }
        }
    }
  else if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    self->server_trainer = FALSE;
  else if (error != NULL)
    g_debug ("No demand counts: %s", error->message);

  update_trainer_ui (self);
  show_detail (self);
  g_object_unref (self);
}

static void
load_demand (SpTrainingPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file))
    return;
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", "/api/v1/training/demand",
                                    NULL, self->cancellable, on_demand_loaded, g_object_ref (self));
}

/* ------------------------------------------------------------ list */

static gboolean
row_has_competence (SpRow      *row,
                    const char *code)
{
  JsonNode *node = json_object_get_member (sp_row_get_fields (row), "competences");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), code) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SpTrainingPage *self = user_data;
  SpRow *row = item;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint competence = gtk_drop_down_get_selected (self->competence_dropdown);

  if (kind != GTK_INVALID_LIST_POSITION && kind > 0 &&
      g_strcmp0 (sp_row_get_string (row, "kind"), sp_training_kinds[kind - 1]) != 0)
    return FALSE;
  if (competence != GTK_INVALID_LIST_POSITION && competence > 0 &&
      competence - 1 < self->filter_codes->len &&
      !row_has_competence (row, g_ptr_array_index (self->filter_codes, competence - 1)))
    return FALSE;
  if (gtk_toggle_button_get_active (self->mobile_toggle) &&
      g_strcmp0 (sp_row_get_string (row, "track"), SP_TRAINING_TRACK_MOBILE) != 0)
    return FALSE;
  if (gtk_toggle_button_get_active (self->marked_toggle) &&
      !g_hash_table_contains (self->marks, sp_row_get_id (row)))
    return FALSE;
  return TRUE;
}

static char *
row_subtitle (SpRow *row)
{
  g_autoptr(GString) text = g_string_new (sp_training_kind_label (sp_row_get_string (row, "kind")));
  const char *level = sp_row_get_string (row, "level");
  const char *provider = sp_row_get_string (row, "provider");

  if (*level != '\0')
    /* Translators: the level of a training item, 1 to 5 */
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("Level %s"), level);
    }
  if (*provider != '\0')
    g_string_append_printf (text, " · %s", provider);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box, *vbox, *title, *subtitle, *mobile, *mark;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (box), vbox);

  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (vbox), title);

  subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (vbox), subtitle);

  mobile = gtk_image_new_from_icon_name ("phone-symbolic");
  gtk_widget_set_tooltip_text (mobile, _("Mobile app qualification"));
  gtk_box_append (GTK_BOX (box), mobile);

  mark = gtk_label_new (NULL);
  gtk_widget_set_valign (mark, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (mark, "caption-heading");
  gtk_widget_add_css_class (mark, "accent");
  gtk_box_append (GTK_BOX (box), mark);

  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  SpTrainingPage *self = user_data;
  SpRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *vbox = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (vbox);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *mobile = gtk_widget_get_next_sibling (vbox);
  GtkWidget *mark = gtk_widget_get_next_sibling (mobile);
  const char *state = mark_label (g_hash_table_lookup (self->marks, sp_row_get_id (row)));
  gboolean is_mobile = g_strcmp0 (sp_row_get_string (row, "track"), SP_TRAINING_TRACK_MOBILE) == 0;
  g_autofree char *sub = row_subtitle (row);

  gtk_label_set_label (GTK_LABEL (title), sp_row_get_string (row, "title"));
  gtk_label_set_label (GTK_LABEL (subtitle), sub);
  gtk_widget_set_visible (mobile, is_mobile);
  gtk_label_set_label (GTK_LABEL (mark), state ? state : "");
  gtk_widget_set_visible (mark, state != NULL);
}

static void
rebind_rows (SpTrainingPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

static void
update_empty_state (SpTrainingPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Training Items Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("The catalogue arrives with the next sync. Trainers add items with the + button."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Results"));
      adw_status_page_set_description (self->empty_page, _("Try a different search or fewer filters."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
select_current (SpTrainingPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  for (guint i = 0; self->current_id != NULL && i < n; i++)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      if (g_strcmp0 (sp_row_get_id (row), self->current_id) == 0)
        {
          if (gtk_single_selection_get_selected (self->selection) != i)
            gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

static void
on_items_changed (SpTrainingPage *self)
{
  update_empty_state (self);
  select_current (self);
}

static void
on_selection_changed (SpTrainingPage *self)
{
  SpRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row == NULL)
    return;  /* filtered away: keep showing the item */
  if (g_strcmp0 (self->current_id, sp_row_get_id (row)) == 0)
    return;
  g_free (self->current_id);
  self->current_id = g_strdup (sp_row_get_id (row));
  show_detail (self);
}

static void
on_filter_changed (SpTrainingPage *self)
{
  if (self->filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_search_changed (SpTrainingPage *self)
{
  sp_row_list_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_stop (SpTrainingPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
load_competences (SpTrainingPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *keep = NULL;
  guint selected = gtk_drop_down_get_selected (self->competence_dropdown), new_selected = 0;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->filter_codes->len)
    keep = g_strdup (g_ptr_array_index (self->filter_codes, selected - 1));

  g_clear_pointer (&self->titles, g_hash_table_unref);
  self->titles = sp_competence_titles_load (self->store);
  codes = sp_competence_titles_codes (self->titles);

  g_ptr_array_set_size (self->filter_codes, 0);
  gtk_string_list_append (names, _("All competences"));
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      g_autofree char *label = g_strdup_printf ("%s %s", code, (char *) g_hash_table_lookup (self->titles, code));

      g_ptr_array_add (self->filter_codes, g_strdup (code));
      gtk_string_list_append (names, label);
      if (g_strcmp0 (keep, code) == 0)
        new_selected = i + 1;
    }
  gtk_drop_down_set_model (self->competence_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->competence_dropdown, new_selected);
}

/* ------------------------------------------------------------ detail */

static void
add_fact (SpTrainingPage *self,
          const char     *title,
          const char     *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->facts_list, row);
}

static void
show_detail (SpTrainingPage *self)
{
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpRow) item = NULL;
  g_autoptr(GString) competences = g_string_new (NULL);
  g_autofree char *meta = NULL, *dates = NULL, *mark_text = NULL;
  const char *state, *url, *starts, *ends;
  JsonNode *node;
  GtkWidget *child;

  update_trainer_ui (self);

  if (self->current_id != NULL)
    row = sp_local_store_get (self->store, SP_ENTITY_TRAINING_ITEM, self->current_id, &error);
  if (row == NULL || row->deleted)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  item = sp_row_new (SP_ENTITY_TRAINING_ITEM, self->current_id, row->version, row->fields);

  gtk_label_set_label (self->title_label, sp_row_get_string (item, "title"));
  meta = row_subtitle (item);
  gtk_label_set_label (self->meta_label, meta);
  gtk_label_set_label (self->description_label, sp_row_get_string (item, "description"));
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), *sp_row_get_string (item, "description") != '\0');

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts_list))) != NULL)
    gtk_list_box_remove (self->facts_list, child);

  node = json_object_get_member (row->fields, "competences");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *code = json_array_get_string_element (array, i);
          const char *title = code ? g_hash_table_lookup (self->titles, code) : NULL;

          g_string_append_printf (competences, "%s%s%s%s", i > 0 ? "\n" : "", code ? code : "",
                                  title ? " " : "", title ? title : "");
        }
    }
  add_fact (self, _("Competences"), competences->str);
  add_fact (self, _("Level"), sp_row_get_string (item, "level"));
  add_fact (self, _("Provider"), sp_row_get_string (item, "provider"));
  starts = sp_row_get_string (item, "starts");
  ends = sp_row_get_string (item, "ends");
  if (*starts != '\0' && *ends != '\0')
    /* Translators: from start date to end date */
    dates = g_strdup_printf (_("%s to %s"), starts, ends);
  else if (*starts != '\0')
    dates = g_strdup_printf (_("From %s"), starts);
  else if (*ends != '\0')
    dates = g_strdup_printf (_("Until %s"), ends);
  add_fact (self, _("Dates"), dates);
  if (g_strcmp0 (sp_row_get_string (item, "track"), SP_TRAINING_TRACK_MOBILE) == 0)
    add_fact (self, _("Track"), _("Mobile app qualification"));
  gtk_widget_set_visible (GTK_WIDGET (self->facts_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->facts_list)) != NULL);

  url = sp_row_get_string (item, "url");
  gtk_link_button_set_uri (self->link_button, *url != '\0' ? url : "about:blank");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->link_button), url);
  gtk_widget_set_visible (GTK_WIDGET (self->link_button), *url != '\0');

  state = g_hash_table_lookup (self->marks, self->current_id);
  if (g_strcmp0 (state, "planned") == 0)
    mark_text = g_strdup (_("You plan to take this."));
  else if (g_strcmp0 (state, "done") == 0)
    mark_text = g_strdup (_("You have done this."));
  else
    mark_text = g_strdup (_("Not marked."));
  gtk_label_set_label (self->mark_label, mark_text);
  gtk_widget_set_visible (self->planned_button, g_strcmp0 (state, "planned") != 0);
  gtk_widget_set_visible (self->done_button, g_strcmp0 (state, "done") != 0);
  gtk_widget_set_visible (self->clear_button, state != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.mark", TRUE);

  if (can_edit (self))
    {
      gint64 *counts = g_hash_table_lookup (self->demand, self->current_id);
      g_autofree char *demand = NULL;

      if (!self->server_trainer)
        demand = g_strdup (_("Anonymous demand: not loaded (offline or not signed in)."));
      else
        demand = g_strdup_printf (_("Anonymous demand: %d planned, %d done"),
                                  (int) (counts ? counts[0] : 0), (int) (counts ? counts[1] : 0));
      gtk_label_set_label (self->demand_label, demand);
    }

  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
on_store_changed (SpTrainingPage *self,
                  const char     *entity,
                  SpLocalStore   *store)
{
  if (entity == NULL || g_strcmp0 (entity, "competence") == 0)
    load_competences (self);
  if (entity == NULL || g_strcmp0 (entity, SP_ENTITY_TRAINING_ITEM) == 0)
    show_detail (self);
}

/* ------------------------------------------------------------ actions */

static void
mark_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (widget);
  const char *state = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  if (self->current_id == NULL)
    return;
  if (!set_mark (self, self->current_id, *state != '\0' ? state : NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the mark: %s"), error->message);
      add_toast (self, text);
      return;
    }
  if (gtk_toggle_button_get_active (self->marked_toggle))
    on_filter_changed (self);
  rebind_rows (self);
  show_detail (self);
  flush_queue (self);
}

static void
on_editor_saved (SpTrainingPage *self,
                 const char     *id)
{
  g_free (self->current_id);
  self->current_id = g_strdup (id);
  select_current (self);
  show_detail (self);
  add_toast (self, _("Training item saved"));
}

static void
open_editor (SpTrainingPage *self,
             const char     *id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SpTrainingEditor *editor = sp_training_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                     self->store, id);

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (SP_TRAINING_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (widget);

  if (self->current_id != NULL)
    open_editor (self, self->current_id);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SpTrainingPage   *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "item-id");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0 || id == NULL)
    return;
  if (!sp_local_store_delete (self->store, SP_ENTITY_TRAINING_ITEM, id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot delete: %s"), error->message);
      add_toast (self, text);
      return;
    }
  if (g_strcmp0 (self->current_id, id) == 0)
    g_clear_pointer (&self->current_id, g_free);
  show_detail (self);
  add_toast (self, _("Training item deleted"));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->current_id == NULL)
    return;
  body = g_strdup_printf (_("“%s” will be removed from the catalogue for everyone."),
                          gtk_label_get_label (self->title_label));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Delete Training Item?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "item-id", g_strdup (self->current_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------ public */

void
sp_training_page_set_roles (SpTrainingPage     *self,
                            const char * const *roles)
{
  g_return_if_fail (SP_IS_TRAINING_PAGE (self));

  self->roles_trainer = roles != NULL && sp_roles_contain_any (roles, "trainer,admin");
  update_trainer_ui (self);
  show_detail (self);
  if (self->roles_trainer)
    load_demand (self);
}

void
sp_training_page_show_item (SpTrainingPage *self,
                            const char     *id)
{
  g_return_if_fail (SP_IS_TRAINING_PAGE (self));
  g_return_if_fail (id != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  sp_row_list_model_set_search (self->model, NULL);
  gtk_drop_down_set_selected (self->kind_dropdown, 0);
  gtk_drop_down_set_selected (self->competence_dropdown, 0);
  gtk_toggle_button_set_active (self->mobile_toggle, FALSE);
  gtk_toggle_button_set_active (self->marked_toggle, FALSE);
  on_filter_changed (self);

  g_free (self->current_id);
  self->current_id = g_strdup (id);
  select_current (self);
  show_detail (self);
}

void
sp_training_page_refresh (SpTrainingPage *self)
{
  g_return_if_fail (SP_IS_TRAINING_PAGE (self));

  flush_queue (self);
  load_demand (self);
}

static void
sp_training_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sp_training_page_parent_class)->map (widget);
  sp_training_page_refresh (SP_TRAINING_PAGE (widget));
}

static void
sp_training_page_constructed (GObject *object)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (object);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  G_OBJECT_CLASS (sp_training_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  gtk_string_list_append (kinds, _("All kinds"));
  for (guint i = 0; sp_training_kinds[i] != NULL; i++)
    gtk_string_list_append (kinds, sp_training_kind_label (sp_training_kinds[i]));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
  load_competences (self);
  load_marks (self);

  self->model = sp_row_list_model_new (self->store, SP_ENTITY_TRAINING_ITEM, "title");
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  rebind_rows (self);

  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);

  update_empty_state (self);
  update_trainer_ui (self);
}

static void
sp_training_page_dispose (GObject *object)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_TRAINING_PAGE);

  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  self->server_func = NULL;

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_training_page_parent_class)->dispose (object);
}

static void
sp_training_page_finalize (GObject *object)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->marks, g_hash_table_unref);
  g_clear_pointer (&self->demand, g_hash_table_unref);
  g_clear_pointer (&self->titles, g_hash_table_unref);
  g_clear_pointer (&self->filter_codes, g_ptr_array_unref);
  g_free (self->current_id);

  G_OBJECT_CLASS (sp_training_page_parent_class)->finalize (object);
}

static void
sp_training_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (object);

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
sp_training_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SpTrainingPage *self = SP_TRAINING_PAGE (object);

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
sp_training_page_class_init (SpTrainingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_training_page_constructed;
  object_class->dispose = sp_training_page_dispose;
  object_class->finalize = sp_training_page_finalize;
  object_class->get_property = sp_training_page_get_property;
  object_class->set_property = sp_training_page_set_property;
  widget_class->map = sp_training_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/training/sp-training-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, competence_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, mobile_toggle);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, marked_toggle);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, facts_list);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, link_button);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, mark_label);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, planned_button);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, done_button);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, trainer_box);
  gtk_widget_class_bind_template_child (widget_class, SpTrainingPage, demand_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);

  gtk_widget_class_install_action (widget_class, "training.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "training.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "training.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "training.mark", "s", mark_action);
}

static void
sp_training_page_init (SpTrainingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->demand = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->filter_codes = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
}

GtkWidget *
sp_training_page_new (SpLocalStore         *store,
                      SpServerAccessFunc  server_func,
                      gpointer              user_data,
                      GDestroyNotify        destroy)
{
  SpTrainingPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_TRAINING_PAGE, "store", store, NULL);
  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  return GTK_WIDGET (self);
}
