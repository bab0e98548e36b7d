/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-catalogue-editor-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-json-util.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-change.h"
#include "competence/sp-competence-catalogue.h"
#include "competence/sp-competence-score.h"
#include "sp-catalogue-node.h"
#include "sp-catalogue-editor-page.h"

struct _SpCatalogueEditorPage
{
  AdwBin               parent_instance;

  SpLocalStore        *store;
  GPtrArray           *catalogue_ids;     /* char*, as in the drop-down */
  char                *current_id;
  JsonNode            *doc;               /* the document being edited */
  SpCatalogueNode     *root;
  GtkTreeListModel    *tree_model;
  GtkSingleSelection  *selection;
  GHashTable          *training_titles;   /* id -> title */
  GPtrArray           *training_ids;      /* ordered as the training drop-down (after "none") */
  GtkFileChooserNative *file_chooser;

  SpCatalogueNode     *form_node;
  GtkLabel            *form_error;

  guint                dirty : 1;
  guint                frozen : 1;
  guint                loading;
  guint                saving;

  GtkDropDown         *catalogue_dropdown;
  GtkStringList       *catalogue_titles;
  GtkButton           *save_button;
  GtkButton           *publish_button;
  GtkButton           *new_version_button;
  GtkButton           *import_button;
  GtkButton           *export_button;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;
  GtkStack            *stack;
  GtkListView         *tree_view;
  AdwBin              *form_bin;
};

G_DEFINE_FINAL_TYPE (SpCatalogueEditorPage, sp_catalogue_editor_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_catalogue (SpCatalogueEditorPage *self, const char *id);
static void build_form (SpCatalogueEditorPage *self, SpCatalogueNode *node);

/* -- helpers ------------------------------------------------------------ */

static void
show_toast (SpCatalogueEditorPage *self,
            const char            *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay == NULL)
    {
      g_message ("%s", text);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
set_banner (SpCatalogueEditorPage *self,
            const char            *text,
            gboolean               is_error)
{
  gtk_label_set_label (self->banner_label, text != NULL ? text : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->banner_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->banner_label), "error");
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL && *text != '\0');
}

static GtkWindow *
parent_window (SpCatalogueEditorPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
update_buttons (SpCatalogueEditorPage *self)
{
  gboolean have = self->doc != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), have && !self->frozen && self->dirty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->publish_button), have && !self->frozen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_version_button), have);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "catalogue.save", have && !self->frozen);
}

static void
mark_dirty (SpCatalogueEditorPage *self)
{
  self->dirty = TRUE;
  update_buttons (self);
}

/* -- storage ------------------------------------------------------------ */

static void
load_training (SpCatalogueEditorPage *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_hash_table_remove_all (self->training_titles);
  g_ptr_array_set_size (self->training_ids, 0);

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT id, title FROM training_item WHERE deleted = 0"
                        " ORDER BY title COLLATE NOCASE, id", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot list training items: %s", error->message);
      return;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *title = (const char *) sqlite3_column_text (stmt, 1);

      g_ptr_array_add (self->training_ids, g_strdup (id));
      g_hash_table_replace (self->training_titles, g_strdup (id), g_strdup (title ? title : id));
    }
  sqlite3_reset (stmt);
}

/* Fills the drop-down with every catalogue version and selects @select_id
 * (or the first). */
static void
fill_catalogues (SpCatalogueEditorPage *self,
                 const char            *select_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) titles = NULL;
  guint selected = 0;
  sqlite3_stmt *stmt;

  g_ptr_array_set_size (self->catalogue_ids, 0);
  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT id, title, revision, status FROM competence_catalogue"
                        " WHERE deleted = 0 ORDER BY title COLLATE NOCASE, key, revision DESC", &error);
  if (stmt == NULL)
    g_warning ("Cannot list catalogues: %s", error->message);
  else
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *id = (const char *) sqlite3_column_text (stmt, 0);
          const char *title = (const char *) sqlite3_column_text (stmt, 1);
          gboolean published = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "published") == 0;
          g_autofree char *text = NULL;

          /* Translators: catalogue drop-down, e.g. "DigComp · version 2 · draft" */
          text = g_strdup_printf (published ? _("%s · version %d · published") : _("%s · version %d · draft"),
                                  title ? title : id, sqlite3_column_int (stmt, 2));
          if (g_strcmp0 (id, select_id) == 0)
            selected = self->catalogue_ids->len;
          g_ptr_array_add (self->catalogue_ids, g_strdup (id));
          g_strv_builder_add (builder, text);
        }
      sqlite3_reset (stmt);
    }

  titles = g_strv_builder_end (builder);
  self->loading++;
  gtk_string_list_splice (self->catalogue_titles, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->catalogue_titles)),
                          (const char * const *) titles);
  if (self->catalogue_ids->len > 0)
    gtk_drop_down_set_selected (self->catalogue_dropdown, selected);
  self->loading--;

  if (self->catalogue_ids->len == 0)
    {
      open_catalogue (self, NULL);
      return;
    }
  if (g_strcmp0 (self->current_id, g_ptr_array_index (self->catalogue_ids, selected)) != 0)
    open_catalogue (self, g_ptr_array_index (self->catalogue_ids, selected));
}

static gboolean
fields_equal (JsonObject *stored,
              JsonObject *wanted)
{
  g_autoptr(GList) members = json_object_get_members (wanted);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *a = json_object_get_member (stored, l->data);
      JsonNode *b = json_object_get_member (wanted, l->data);

      if (a == NULL || !sp_field_values_equal (a, b))
        return FALSE;
    }
  return TRUE;
}

/* Writes @doc as local edits: only rows that differ from the stored ones,
 * and deletes the stored parts of this catalogue version that the document
 * no longer has (row ids follow positions). Returns the catalogue row id. */
static char *
save_document (SpCatalogueEditorPage  *self,
               JsonNode               *doc,
               GError                **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *catalogue_id = NULL;
  SpDb *db = sp_local_store_get_db (self->store);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  changes = sp_competence_catalogue_to_changes (doc, NULL, error);
  if (changes == NULL)
    return NULL;
  catalogue_id = g_strdup (((SpChange *) g_ptr_array_index (changes, 0))->id);

  self->saving++;
  for (guint i = 0; ok && i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      g_autoptr(SpDbRow) stored = sp_local_store_get (self->store, change->entity, change->id, NULL);
      g_autofree char *saved = NULL;

      g_hash_table_add (keep, g_strconcat (change->entity, "/", change->id, NULL));
      if (stored != NULL && !stored->deleted && fields_equal (stored->fields, change->fields))
        continue;
      saved = sp_local_store_save (self->store, change->entity, change->id, change->fields, error);
      ok = saved != NULL;
    }

  if (ok)
    {
      stmt = sp_db_prepare (db,
                            "SELECT 'competence_area', id FROM competence_area WHERE catalogue_id = ?1 AND deleted = 0"
                            " UNION ALL SELECT 'competence', id FROM competence WHERE catalogue_id = ?1 AND deleted = 0"
                            " UNION ALL SELECT 'competence_question', id FROM competence_question WHERE catalogue_id = ?1 AND deleted = 0"
                            " UNION ALL SELECT 'competence_option', id FROM competence_option WHERE deleted = 0 AND question_id IN"
                            "   (SELECT id FROM competence_question WHERE catalogue_id = ?1)"
                            " UNION ALL SELECT 'competence_recommendation', id FROM competence_recommendation WHERE catalogue_id = ?1 AND deleted = 0",
                            error);
      if (stmt == NULL)
        ok = FALSE;
      else
        {
          sqlite3_bind_text (stmt, 1, catalogue_id, -1, SQLITE_TRANSIENT);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_autofree char *key = g_strconcat ((const char *) sqlite3_column_text (stmt, 0), "/",
                                                  (const char *) sqlite3_column_text (stmt, 1), NULL);

              if (!g_hash_table_contains (keep, key))
                g_ptr_array_add (stale, g_steal_pointer (&key));
            }
          sqlite3_reset (stmt);
        }
    }

  for (guint i = 0; ok && i < stale->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (stale, i), "/", 2);

      ok = sp_local_store_delete (self->store, parts[0], parts[1], error);
    }
  self->saving--;

  return ok ? g_steal_pointer (&catalogue_id) : NULL;
}

/* -- tree --------------------------------------------------------------- */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  GListModel *children = sp_catalogue_node_get_children (SP_CATALOGUE_NODE (item));

  return children != NULL ? g_object_ref (children) : NULL;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  g_autoptr(SpCatalogueNode) node = gtk_tree_list_row_get_item (row);
  GBinding *binding;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  binding = g_object_bind_property (node, "label", label, "label", G_BINDING_SYNC_CREATE);
  g_object_set_data_full (G_OBJECT (item), "binding", g_object_ref (binding),
                          (GDestroyNotify) g_binding_unbind);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);

  g_object_set_data (G_OBJECT (item), "binding", NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

/* Position of @node in the flattened tree, expanding its ancestors. */
static guint
find_node_position (SpCatalogueEditorPage *self,
                    SpCatalogueNode       *node)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  guint n;

  for (SpCatalogueNode *n2 = sp_catalogue_node_get_parent (node); n2 != NULL;
       n2 = sp_catalogue_node_get_parent (n2))
    g_ptr_array_insert (chain, 0, n2);

  for (guint c = 0; c < chain->len; c++)
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (self->tree_model));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
          g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

          if (item == chain->pdata[c])
            {
              gtk_tree_list_row_set_expanded (row, TRUE);
              break;
            }
        }
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree_model));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == (GObject *) node)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
select_node (SpCatalogueEditorPage *self,
             SpCatalogueNode       *node)
{
  guint position = find_node_position (self, node);

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->tree_view), "list.scroll-to-item", "u", position);
  build_form (self, node);
}

static void
on_selection_changed (SpCatalogueEditorPage *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(SpCatalogueNode) node = NULL;

  if (row == NULL)
    return;
  node = gtk_tree_list_row_get_item (row);
  if (node != self->form_node)
    build_form (self, node);
}

/* -- form --------------------------------------------------------------- */

static void
update_form_error (SpCatalogueEditorPage *self)
{
  g_autofree char *message = NULL;

  if (self->form_node == NULL || self->form_error == NULL)
    return;
  message = sp_catalogue_node_validate (self->form_node);
  gtk_label_set_label (self->form_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), message != NULL);
}

static void
field_changed (SpCatalogueEditorPage *self)
{
  if (self->form_node == NULL)
    return;
  sp_catalogue_node_changed (self->form_node);
  update_form_error (self);
  mark_dirty (self);
}

static void
on_entry_changed (GtkEditable           *editable,
                  SpCatalogueEditorPage *self)
{
  const char *member = g_object_get_data (G_OBJECT (editable), "member");
  JsonObject *object = sp_catalogue_node_get_object (self->form_node);
  gpointer level = g_object_get_data (G_OBJECT (editable), "level-index");

  if (level != NULL)
    {
      JsonArray *levels = json_object_get_array_member (object, "levels");
      guint index = GPOINTER_TO_UINT (level) - 1;
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

      /* Rebuild the five labels with the edited one. */
      for (guint i = 0; i < 5; i++)
        g_ptr_array_add (values, g_strdup (levels != NULL && i < json_array_get_length (levels)
                                           ? json_array_get_string_element (levels, i) : ""));
      g_free (values->pdata[index]);
      values->pdata[index] = g_strdup (gtk_editable_get_text (editable));
      levels = json_array_new ();
      for (guint i = 0; i < 5; i++)
        json_array_add_string_element (levels, values->pdata[i]);
      json_object_set_array_member (object, "levels", levels);
    }
  else
    json_object_set_string_member (object, member, gtk_editable_get_text (editable));
  field_changed (self);
}

static void
on_text_buffer_changed (GtkTextBuffer         *buffer,
                        SpCatalogueEditorPage *self)
{
  const char *member = g_object_get_data (G_OBJECT (buffer), "member");
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  json_object_set_string_member (sp_catalogue_node_get_object (self->form_node), member, text);
  field_changed (self);
}

static void
on_spin_changed (GtkSpinButton         *spin,
                 SpCatalogueEditorPage *self)
{
  const char *member = g_object_get_data (G_OBJECT (spin), "member");

  json_object_set_int_member (sp_catalogue_node_get_object (self->form_node), member,
                              gtk_spin_button_get_value_as_int (spin));
  field_changed (self);
}

static void
on_check_toggled (GtkCheckButton        *check,
                  SpCatalogueEditorPage *self)
{
  const char *member = g_object_get_data (G_OBJECT (check), "member");

  json_object_set_boolean_member (sp_catalogue_node_get_object (self->form_node), member,
                                  gtk_check_button_get_active (check));
  field_changed (self);
}

static const char * const kind_values[] = { "self", "single", "multiple", NULL };

static void
on_kind_selected (GtkDropDown           *dropdown,
                  GParamSpec            *pspec,
                  SpCatalogueEditorPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected >= G_N_ELEMENTS (kind_values) - 1)
    return;
  json_object_set_string_member (sp_catalogue_node_get_object (self->form_node), "kind", kind_values[selected]);
  field_changed (self);
}

static void
on_training_selected (GtkDropDown           *dropdown,
                      GParamSpec            *pspec,
                      SpCatalogueEditorPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *id = "";

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->training_ids->len)
    id = g_ptr_array_index (self->training_ids, selected - 1);
  json_object_set_string_member (sp_catalogue_node_get_object (self->form_node), "training", id);
  field_changed (self);
}

static GtkWidget *
field_label (GtkBox     *box,
             const char *text)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (box, label);
  return label;
}

static void
name_widget (GtkWidget  *widget,
             GtkWidget  *label)
{
  /* The label is mnemonic and visible: the name comes from it. */
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
}

static GtkWidget *
add_entry (SpCatalogueEditorPage *self,
           GtkBox                *box,
           const char            *title,
           JsonObject            *object,
           const char            *member)
{
  GtkWidget *label = field_label (box, title);
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), sp_json_get_string_or (object, member, ""));
  gtk_editable_set_editable (GTK_EDITABLE (entry), !self->frozen);
  g_object_set_data (G_OBJECT (entry), "member", (gpointer) member);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
  name_widget (entry, label);
  gtk_box_append (box, entry);
  return entry;
}

static GtkWidget *
add_text_view (SpCatalogueEditorPage *self,
               GtkBox                *box,
               const char            *title,
               JsonObject            *object,
               const char            *member)
{
  GtkWidget *label = field_label (box, title);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), !self->frozen);
  gtk_widget_set_size_request (view, -1, 80);
  gtk_text_buffer_set_text (buffer, sp_json_get_string_or (object, member, ""), -1);
  g_object_set_data (G_OBJECT (buffer), "member", (gpointer) member);
  g_signal_connect (buffer, "changed", G_CALLBACK (on_text_buffer_changed), self);
  name_widget (view, label);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (box, frame);
  return view;
}

static GtkWidget *
add_spin (SpCatalogueEditorPage *self,
          GtkBox                *box,
          const char            *title,
          JsonObject            *object,
          const char            *member,
          int                    min,
          int                    max)
{
  GtkWidget *label = field_label (box, title);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), CLAMP ((int) sp_json_get_int_or (object, member, 0), min, max));
  gtk_widget_set_halign (spin, GTK_ALIGN_START);
  gtk_widget_set_sensitive (spin, !self->frozen);
  g_object_set_data (G_OBJECT (spin), "member", (gpointer) member);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  name_widget (spin, label);
  gtk_box_append (box, spin);
  return spin;
}

static void
add_action_button (SpCatalogueEditorPage *self,
                   GtkWidget             *box,
                   const char            *label,
                   const char            *action,
                   gboolean               destructive)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (destructive)
    gtk_widget_add_css_class (button, "destructive-action");
  gtk_box_append (GTK_BOX (box), button);
}

static void
build_form (SpCatalogueEditorPage *self,
            SpCatalogueNode       *node)
{
  GtkWidget *box, *heading, *buttons;
  JsonObject *o;
  guint index = 0, n_siblings = 1;
  const char *heading_text = NULL;

  g_set_object (&self->form_node, node);
  self->form_error = NULL;
  if (node == NULL)
    {
      adw_bin_set_child (self->form_bin, NULL);
      return;
    }
  o = sp_catalogue_node_get_object (node);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  switch (sp_catalogue_node_get_kind (node))
    {
    case SP_CATALOGUE_NODE_CATALOGUE: heading_text = _("Catalogue"); break;
    case SP_CATALOGUE_NODE_AREA: heading_text = _("Area"); break;
    case SP_CATALOGUE_NODE_COMPETENCE: heading_text = _("Competence"); break;
    case SP_CATALOGUE_NODE_QUESTION: heading_text = _("Question"); break;
    case SP_CATALOGUE_NODE_OPTION: heading_text = _("Answer Option"); break;
    case SP_CATALOGUE_NODE_RECOMMENDATION: heading_text = _("Recommendation"); break;
    default: g_assert_not_reached ();
    }
  heading = gtk_label_new (heading_text);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_box_append (GTK_BOX (box), heading);

  self->form_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->form_error, 0);
  gtk_label_set_wrap (self->form_error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->form_error), "error");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->form_error));

  switch (sp_catalogue_node_get_kind (node))
    {
    case SP_CATALOGUE_NODE_CATALOGUE:
      {
        g_autofree char *info = g_strdup_printf (_("Key “%s”, version %d, %s"),
                                                 sp_json_get_string_or (o, "id", ""), (int) sp_json_get_int_or (o, "version", 0),
                                                 self->frozen ? _("published") : _("draft"));
        GtkWidget *label = gtk_label_new (info);
        JsonNode *levels_node = json_object_get_member (o, "levels");
        JsonArray *levels = levels_node != NULL && JSON_NODE_HOLDS_ARRAY (levels_node)
                            ? json_node_get_array (levels_node) : NULL;

        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_widget_add_css_class (label, "dim-label");
        gtk_box_append (GTK_BOX (box), label);
        add_entry (self, GTK_BOX (box), _("_Title"), o, "title");
        add_text_view (self, GTK_BOX (box), _("_Description"), o, "description");
        for (guint i = 0; i < 5; i++)
          {
            g_autofree char *title = g_strdup_printf (_("Label of level %u"), i + 1);
            GtkWidget *label_widget = field_label (GTK_BOX (box), title);
            GtkWidget *entry = gtk_entry_new ();

            gtk_editable_set_text (GTK_EDITABLE (entry),
                                   levels != NULL && i < json_array_get_length (levels)
                                   ? json_array_get_string_element (levels, i) : "");
            gtk_editable_set_editable (GTK_EDITABLE (entry), !self->frozen);
            g_object_set_data (G_OBJECT (entry), "level-index", GUINT_TO_POINTER (i + 1));
            g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
            name_widget (entry, label_widget);
            gtk_box_append (GTK_BOX (box), entry);
          }
      }
      break;
    case SP_CATALOGUE_NODE_AREA:
      add_entry (self, GTK_BOX (box), _("_Code"), o, "code");
      add_entry (self, GTK_BOX (box), _("_Title"), o, "title");
      break;
    case SP_CATALOGUE_NODE_COMPETENCE:
      add_entry (self, GTK_BOX (box), _("_Code"), o, "code");
      add_entry (self, GTK_BOX (box), _("_Title"), o, "title");
      add_text_view (self, GTK_BOX (box), _("_Description"), o, "description");
      break;
    case SP_CATALOGUE_NODE_QUESTION:
      {
        const char * const kinds[] = { _("Self-rating"), _("Single choice (knowledge check)"),
                                       _("Multiple choice"), NULL };
        GtkWidget *label = field_label (GTK_BOX (box), _("_Kind"));
        GtkWidget *dropdown = gtk_drop_down_new_from_strings (kinds);
        const char *kind = sp_json_get_string_or (o, "kind", "");

        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown),
                                    g_str_equal (kind, "single") ? 1 : g_str_equal (kind, "multiple") ? 2 : 0);
        gtk_widget_set_sensitive (dropdown, !self->frozen);
        g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_kind_selected), self);
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), dropdown);
        gtk_box_append (GTK_BOX (box), dropdown);
        add_text_view (self, GTK_BOX (box), _("_Question text"), o, "text");
        label = gtk_label_new (_("Self-rating and single choice: the chosen option's points count. Multiple choice: a correct option scores its points when chosen, an incorrect one when not chosen."));
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_label_set_wrap (GTK_LABEL (label), TRUE);
        gtk_widget_add_css_class (label, "dim-label");
        gtk_box_append (GTK_BOX (box), label);
      }
      break;
    case SP_CATALOGUE_NODE_OPTION:
      {
        JsonNode *correct = json_object_get_member (o, "correct");
        GtkWidget *check = gtk_check_button_new_with_label (_("Correct answer"));

        add_entry (self, GTK_BOX (box), _("_Label"), o, "label");
        add_spin (self, GTK_BOX (box), _("_Points (0 to 4)"), o, "points", 0, 4);
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                     correct != NULL && JSON_NODE_HOLDS_VALUE (correct) &&
                                     json_node_get_value_type (correct) == G_TYPE_BOOLEAN &&
                                     json_node_get_boolean (correct));
        gtk_widget_set_sensitive (check, !self->frozen);
        g_object_set_data (G_OBJECT (check), "member", (gpointer) "correct");
        g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
        gtk_box_append (GTK_BOX (box), check);
      }
      break;
    case SP_CATALOGUE_NODE_RECOMMENDATION:
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) titles = NULL;
        const char *training = sp_json_get_string_or (o, "training", "");
        GtkWidget *label, *dropdown;
        guint selected = 0;

        add_spin (self, GTK_BOX (box), _("_From level"), o, "min_level",
                  SP_COMPETENCE_LEVEL_MIN, SP_COMPETENCE_LEVEL_MAX);
        add_spin (self, GTK_BOX (box), _("_To level"), o, "max_level",
                  SP_COMPETENCE_LEVEL_MIN, SP_COMPETENCE_LEVEL_MAX);

        g_strv_builder_add (builder, _("(choose a training item)"));
        for (guint i = 0; i < self->training_ids->len; i++)
          {
            const char *id = g_ptr_array_index (self->training_ids, i);

            g_strv_builder_add (builder, g_hash_table_lookup (self->training_titles, id));
            if (g_str_equal (id, training))
              selected = i + 1;
          }
        if (selected == 0 && *training != '\0')
          {
            /* A training item this device has not synced (yet). */
            g_ptr_array_add (self->training_ids, g_strdup (training));
            g_strv_builder_add (builder, training);
            selected = self->training_ids->len;
          }
        titles = g_strv_builder_end (builder);

        label = field_label (GTK_BOX (box), _("T_raining item"));
        dropdown = gtk_drop_down_new_from_strings ((const char * const *) titles);
        gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
        gtk_drop_down_set_expression (GTK_DROP_DOWN (dropdown),
                                      gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
        gtk_widget_set_sensitive (dropdown, !self->frozen);
        g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_training_selected), self);
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), dropdown);
        gtk_box_append (GTK_BOX (box), dropdown);
        add_entry (self, GTK_BOX (box), _("_Note"), o, "note");
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (!self->frozen)
    {
      buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_margin_top (buttons, 12);
      switch (sp_catalogue_node_get_kind (node))
        {
        case SP_CATALOGUE_NODE_CATALOGUE:
          add_action_button (self, buttons, _("Add Area"), "catalogue.add-area", FALSE);
          break;
        case SP_CATALOGUE_NODE_AREA:
          add_action_button (self, buttons, _("Add Competence"), "catalogue.add-competence", FALSE);
          break;
        case SP_CATALOGUE_NODE_COMPETENCE:
          add_action_button (self, buttons, _("Add Question"), "catalogue.add-question", FALSE);
          add_action_button (self, buttons, _("Add Recommendation"), "catalogue.add-recommendation", FALSE);
          break;
        case SP_CATALOGUE_NODE_QUESTION:
          add_action_button (self, buttons, _("Add Option"), "catalogue.add-option", FALSE);
          break;
        case SP_CATALOGUE_NODE_OPTION:
        case SP_CATALOGUE_NODE_RECOMMENDATION:
        default:
          break;
        }
      gtk_box_append (GTK_BOX (box), buttons);

      if (sp_catalogue_node_get_parent (node) != NULL)
        {
          index = sp_catalogue_node_get_index (node, &n_siblings);
          buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          add_action_button (self, buttons, _("Move Up"), "catalogue.move-up", FALSE);
          add_action_button (self, buttons, _("Move Down"), "catalogue.move-down", FALSE);
          add_action_button (self, buttons, _("Remove"), "catalogue.remove", TRUE);
          gtk_box_append (GTK_BOX (box), buttons);
        }
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "catalogue.move-up", !self->frozen && index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "catalogue.move-down",
                                 !self->frozen && index + 1 < n_siblings);

  adw_bin_set_child (self->form_bin, box);
  update_form_error (self);
}

/* -- structure actions -------------------------------------------------- */

static void
add_child_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (widget);
  SpCatalogueNodeKind kind;
  SpCatalogueNode *child;

  if (self->form_node == NULL || self->frozen)
    return;
  if (g_str_equal (action_name, "catalogue.add-area"))
    kind = SP_CATALOGUE_NODE_AREA;
  else if (g_str_equal (action_name, "catalogue.add-competence"))
    kind = SP_CATALOGUE_NODE_COMPETENCE;
  else if (g_str_equal (action_name, "catalogue.add-question"))
    kind = SP_CATALOGUE_NODE_QUESTION;
  else if (g_str_equal (action_name, "catalogue.add-option"))
    kind = SP_CATALOGUE_NODE_OPTION;
  else
    kind = SP_CATALOGUE_NODE_RECOMMENDATION;

  child = sp_catalogue_node_add_child (self->form_node, kind);
  mark_dirty (self);
  select_node (self, child);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (widget);
  g_autoptr(SpCatalogueNode) node = NULL;

  if (self->form_node == NULL || self->frozen)
    return;
  node = g_object_ref (self->form_node);
  if (sp_catalogue_node_move (node, g_str_equal (action_name, "catalogue.move-up") ? -1 : 1))
    {
      mark_dirty (self);
      g_clear_object (&self->form_node);
      select_node (self, node);
    }
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (widget);
  g_autoptr(SpCatalogueNode) node = NULL;
  SpCatalogueNode *parent;

  if (self->form_node == NULL || self->frozen)
    return;
  node = g_object_ref (self->form_node);
  parent = sp_catalogue_node_get_parent (node);
  if (parent == NULL)
    return;
  sp_catalogue_node_remove (node);
  mark_dirty (self);
  select_node (self, parent);
}

/* -- open, save, publish, versions -------------------------------------- */

static void
open_catalogue (SpCatalogueEditorPage *self,
                const char            *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) roots = NULL;
  g_autoptr(GtkTreeListRow) row = NULL;

  build_form (self, NULL);
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->tree_model);
  g_clear_object (&self->root);
  g_clear_pointer (&self->doc, json_node_unref);
  g_clear_pointer (&self->current_id, g_free);
  self->dirty = FALSE;
  self->frozen = FALSE;
  set_banner (self, NULL, FALSE);

  if (id != NULL)
    {
      self->doc = sp_competence_catalogue_export_local (self->store, id, &error);
      if (self->doc == NULL)
        set_banner (self, error->message, TRUE);
    }
  if (self->doc == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_buttons (self);
      return;
    }

  self->current_id = g_strdup (id);
  self->frozen = g_strcmp0 (sp_json_get_string_or (json_node_get_object (self->doc), "status", ""), "published") == 0;
  load_training (self);
  self->root = sp_catalogue_node_new_root (json_node_get_object (self->doc), self->training_titles);
  roots = g_list_store_new (SP_TYPE_CATALOGUE_NODE);
  g_list_store_append (roots, self->root);
  self->tree_model = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&roots)), FALSE, FALSE,
                                              create_children, NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->tree_model));
  row = gtk_tree_list_model_get_row (self->tree_model, 0);
  gtk_tree_list_row_set_expanded (row, TRUE);

  if (self->frozen)
    set_banner (self, _("This version is published and frozen. Use “New Version” to change the catalogue."), FALSE);

  gtk_stack_set_visible_child_name (self->stack, "editor");
  select_node (self, self->root);
  update_buttons (self);
}

/* Validates the document; on failure shows the error and selects the
 * block it names. */
static gboolean
validate_document (SpCatalogueEditorPage *self)
{
  g_autoptr(GError) error = NULL;

  if (sp_competence_catalogue_validate (self->doc, &error))
    return TRUE;

  set_banner (self, error->message, TRUE);
  select_node (self, sp_catalogue_node_find_path (self->root, error->message));
  return FALSE;
}

static gboolean
save_current (SpCatalogueEditorPage *self,
              gboolean               announce)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->doc == NULL || self->frozen)
    return FALSE;
  if (!validate_document (self))
    return FALSE;

  id = save_document (self, self->doc, &error);
  if (id == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the catalogue: %s"), error->message);
      set_banner (self, text, TRUE);
      return FALSE;
    }
  self->dirty = FALSE;
  set_banner (self, NULL, FALSE);
  update_buttons (self);
  if (announce)
    show_toast (self, _("Catalogue saved"));
  return TRUE;
}

static void
on_save_clicked (SpCatalogueEditorPage *self)
{
  save_current (self, TRUE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_current (SP_CATALOGUE_EDITOR_PAGE (widget), TRUE);
}

static void
on_publish_response (AdwMessageDialog      *dialog,
                     const char            *response,
                     SpCatalogueEditorPage *self)
{
  if (g_strcmp0 (response, "publish") == 0 && self->doc != NULL && !self->frozen)
    {
      JsonObject *root = json_node_get_object (self->doc);
      g_autofree char *id = g_strdup (self->current_id);

      json_object_set_string_member (root, "status", "published");
      if (save_current (self, FALSE))
        {
          show_toast (self, _("Catalogue published"));
          g_clear_pointer (&self->current_id, g_free);
          fill_catalogues (self, id);
        }
      else
        json_object_set_string_member (root, "status", "draft");
    }
  g_object_unref (self);
}

static void
on_publish_clicked (SpCatalogueEditorPage *self)
{
  JsonObject *root;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->doc == NULL || self->frozen || !validate_document (self))
    return;
  root = json_node_get_object (self->doc);
  body = g_strdup_printf (_("Version %d of “%s” becomes the self-check of all staff after the next sync. A published version can no longer be changed; later changes need a new version."),
                          (int) sp_json_get_int_or (root, "version", 0), sp_json_get_string_or (root, "title", ""));
  dialog = adw_message_dialog_new (parent_window (self), _("Publish This Version?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("Cancel"),
                                    "publish", _("Publish"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "publish",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_publish_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_new_version_clicked (SpCatalogueEditorPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->current_id == NULL)
    return;
  if (self->dirty && !save_current (self, FALSE))
    return;

  self->saving++;
  id = sp_competence_catalogue_new_revision (self->store, self->current_id, &error);
  self->saving--;
  if (id == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot create a new version: %s"), error->message);
      set_banner (self, text, TRUE);
      return;
    }
  fill_catalogues (self, id);
  show_toast (self, _("New draft version created"));
}

/* -- switching catalogues ----------------------------------------------- */

static void
on_switch_response (AdwMessageDialog      *dialog,
                    const char            *response,
                    SpCatalogueEditorPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->catalogue_dropdown);

  if (g_strcmp0 (response, "discard") == 0 && selected < self->catalogue_ids->len)
    open_catalogue (self, g_ptr_array_index (self->catalogue_ids, selected));
  else
    {
      /* Back to the catalogue being edited. */
      for (guint i = 0; i < self->catalogue_ids->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->catalogue_ids, i), self->current_id) == 0)
          {
            self->loading++;
            gtk_drop_down_set_selected (self->catalogue_dropdown, i);
            self->loading--;
          }
    }
  g_object_unref (self);
}

static void
on_catalogue_selected (SpCatalogueEditorPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->catalogue_dropdown);
  GtkWidget *dialog;

  if (self->loading > 0 || selected >= self->catalogue_ids->len)
    return;
  if (g_strcmp0 (g_ptr_array_index (self->catalogue_ids, selected), self->current_id) == 0)
    return;
  if (!self->dirty)
    {
      open_catalogue (self, g_ptr_array_index (self->catalogue_ids, selected));
      return;
    }

  dialog = adw_message_dialog_new (parent_window (self), _("Discard Changes?"),
                                   _("The catalogue has unsaved changes."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("Keep Editing"),
                                    "discard", _("Discard Changes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect (dialog, "response", G_CALLBACK (on_switch_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_store_changed (SpCatalogueEditorPage *self,
                  const char            *entity)
{
  g_autofree char *id = NULL;

  if (self->saving > 0 || self->dirty)
    return;
  if (entity != NULL && !g_str_has_prefix (entity, "competence") &&
      !g_str_equal (entity, "training_item"))
    return;

  /* Another device changed catalogues: show the stored state. */
  id = g_strdup (self->current_id);
  g_clear_pointer (&self->current_id, g_free);
  fill_catalogues (self, id);
}

/* -- import and export -------------------------------------------------- */

static void
import_file (SpCatalogueEditorPage *self,
             GFile                 *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  JsonNode *doc;
  JsonObject *root;
  sqlite3_stmt *stmt;
  gint64 max_revision = 0, version;

  if (!json_parser_load_from_file (parser, path, &error))
    {
      text = g_strdup_printf (_("Cannot read “%s”: %s"), path, error->message);
      set_banner (self, text, TRUE);
      return;
    }
  doc = json_parser_get_root (parser);
  if (doc == NULL || !sp_competence_catalogue_validate (doc, &error))
    {
      text = g_strdup_printf (_("“%s” is not a valid catalogue: %s"), path,
                              error != NULL ? error->message : _("empty file"));
      set_banner (self, text, TRUE);
      return;
    }

  /* Imports become drafts to review; an existing version is never
   * overwritten: the import takes the next free version instead. */
  root = json_node_get_object (doc);
  version = (int) sp_json_get_int_or (root, "version", 0);
  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT coalesce(max(revision), 0) FROM competence_catalogue WHERE key = ?", &error);
  if (stmt == NULL)
    {
      set_banner (self, error->message, TRUE);
      return;
    }
  sqlite3_bind_text (stmt, 1, sp_json_get_string_or (root, "id", ""), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_revision = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (version <= max_revision)
    json_object_set_int_member (root, "version", max_revision + 1);
  json_object_set_string_member (root, "status", "draft");

  id = save_document (self, doc, &error);
  if (id == NULL)
    {
      text = g_strdup_printf (_("Cannot import the catalogue: %s"), error->message);
      set_banner (self, text, TRUE);
      return;
    }
  g_clear_pointer (&self->current_id, g_free);
  fill_catalogues (self, id);
  text = g_strdup_printf (_("Imported as version %d (draft). Check it and publish it."),
                          (int) sp_json_get_int_or (root, "version", 0));
  set_banner (self, text, FALSE);
}

static void
export_file (SpCatalogueEditorPage *self,
             GFile                 *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  gsize length;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, self->doc);
  data = json_generator_to_data (generator, &length);
  if (!g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot write the file: %s"), error->message);
      set_banner (self, text, TRUE);
      return;
    }
  show_toast (self, _("Catalogue exported"));
}

static void
on_file_chosen (GtkNativeDialog       *dialog,
                int                    response,
                SpCatalogueEditorPage *self)
{
  /* Alive until this handler returns, though the page lets go of it. */
  g_autoptr(GtkNativeDialog) keep = g_object_ref (dialog);
  g_autoptr(GFile) file = NULL;
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->file_chooser);
  if (file == NULL)
    return;
  if (save)
    export_file (self, file);
  else
    import_file (self, file);
}

static GtkFileChooserNative *
new_chooser (SpCatalogueEditorPage *self,
             const char            *title,
             GtkFileChooserAction   action,
             const char            *accept)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, parent_window (self), action,
                                                               accept, _("_Cancel"));
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Catalogue files (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), self);
  g_clear_object (&self->file_chooser);
  self->file_chooser = chooser;
  return chooser;
}

static void
on_import_clicked (SpCatalogueEditorPage *self)
{
  GtkFileChooserNative *chooser = new_chooser (self, _("Import Catalogue"),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_export_clicked (SpCatalogueEditorPage *self)
{
  GtkFileChooserNative *chooser;
  JsonObject *root;
  g_autofree char *name = NULL;

  if (self->doc == NULL || !validate_document (self))
    return;
  root = json_node_get_object (self->doc);
  name = g_strdup_printf ("%s-%d.json", sp_json_get_string_or (root, "id", ""), (int) sp_json_get_int_or (root, "version", 0));
  chooser = new_chooser (self, _("Export Catalogue"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* -- GObject ------------------------------------------------------------ */

static void
sp_catalogue_editor_page_constructed (GObject *object)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (object);

  G_OBJECT_CLASS (sp_catalogue_editor_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  fill_catalogues (self, NULL);
  update_buttons (self);
}

static void
sp_catalogue_editor_page_dispose (GObject *object)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (object);

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CATALOGUE_EDITOR_PAGE);
  g_clear_object (&self->form_node);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree_model);
  g_clear_object (&self->root);
  g_clear_pointer (&self->doc, json_node_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_catalogue_editor_page_parent_class)->dispose (object);
}

static void
sp_catalogue_editor_page_finalize (GObject *object)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (object);

  g_clear_pointer (&self->catalogue_ids, g_ptr_array_unref);
  g_clear_pointer (&self->training_ids, g_ptr_array_unref);
  g_clear_pointer (&self->training_titles, g_hash_table_unref);
  g_clear_pointer (&self->current_id, g_free);

  G_OBJECT_CLASS (sp_catalogue_editor_page_parent_class)->finalize (object);
}

static void
sp_catalogue_editor_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (object);

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
sp_catalogue_editor_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SpCatalogueEditorPage *self = SP_CATALOGUE_EDITOR_PAGE (object);

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
sp_catalogue_editor_page_class_init (SpCatalogueEditorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_catalogue_editor_page_constructed;
  object_class->dispose = sp_catalogue_editor_page_dispose;
  object_class->finalize = sp_catalogue_editor_page_finalize;
  object_class->get_property = sp_catalogue_editor_page_get_property;
  object_class->set_property = sp_catalogue_editor_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/competence/sp-catalogue-editor-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, catalogue_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, catalogue_titles);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, publish_button);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, new_version_button);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, tree_view);
  gtk_widget_class_bind_template_child (widget_class, SpCatalogueEditorPage, form_bin);
  gtk_widget_class_bind_template_callback (widget_class, on_catalogue_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_publish_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_new_version_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);

  gtk_widget_class_install_action (widget_class, "catalogue.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "catalogue.add-area", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "catalogue.add-competence", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "catalogue.add-question", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "catalogue.add-option", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "catalogue.add-recommendation", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "catalogue.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "catalogue.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "catalogue.remove", NULL, remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "catalogue.save", NULL);
}

static void
sp_catalogue_editor_page_init (SpCatalogueEditorPage *self)
{
  GtkListItemFactory *factory;

  self->catalogue_ids = g_ptr_array_new_with_free_func (g_free);
  self->training_ids = g_ptr_array_new_with_free_func (g_free);
  self->training_titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (on_selection_changed), self);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->tree_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->tree_view, GTK_SELECTION_MODEL (self->selection));
}

GtkWidget *
sp_catalogue_editor_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_CATALOGUE_EDITOR_PAGE, "store", store, NULL);
}
