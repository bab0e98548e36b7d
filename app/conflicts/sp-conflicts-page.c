/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-conflicts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-merge.h"
#include "sp-row.h"
#include "sp-row-list-model.h"
#include "sp-conflicts-page.h"

/* Conflicts are few, so the unresolved ones are filtered with a
 * GtkCustomFilter over the generic row model and shown in a GtkListBox. */

struct _SpConflictsPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpRowListModel     *model;
  GtkFilterListModel *unresolved;
  GtkSortListModel   *sorted;

  GtkStack           *stack;
  GtkListBox         *list_box;
};

G_DEFINE_FINAL_TYPE (SpConflictsPage, sp_conflicts_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_CONFLICTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
conflict_is_resolved (SpRow *row)
{
  JsonNode *node = json_object_get_member (sp_row_get_fields (row), "resolved");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return FALSE;
}

static gboolean
filter_unresolved (gpointer item,
                   gpointer user_data)
{
  return !conflict_is_resolved (SP_ROW (item));
}

/* Newest first. HLC strings compare in clock order. */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  int cmp = g_strcmp0 (sp_row_get_string ((SpRow *) b, "kept_hlc"),
                       sp_row_get_string ((SpRow *) a, "kept_hlc"));

  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static const char *
field_label (const char *entity,
             const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "name", N_("Name") },
    { "leika", N_("LeiKa key") },
    { "description", N_("Description") },
    { "documents", N_("Required documents") },
    { "fees", N_("Fees") },
    { "office", N_("Responsible office") },
    { "opening_hours", N_("Opening hours") },
    { "online_url", N_("Online service link") },
    { "status", N_("Status") },
    { SP_FIELD_DELETED, N_("Deletion") },
  };

  if (g_strcmp0 (entity, SP_ENTITY_SERVICE) == 0 || g_strcmp0 (field, SP_FIELD_DELETED) == 0)
    for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
      if (g_strcmp0 (labels[i].field, field) == 0)
        return _(labels[i].label);

  return field;
}

static JsonNode *
parse_value (const char *json_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json_text == NULL || *json_text == '\0' ||
      !json_parser_load_from_data (parser, json_text, -1, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

/* A value as the user would read it; *empty set for "no value". */
static char *
describe_value (const char *field,
                const char *json_text,
                gboolean   *empty)
{
  g_autoptr(JsonNode) node = parse_value (json_text);

  *empty = FALSE;

  if (g_strcmp0 (field, SP_FIELD_DELETED) == 0 && node != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("Deleted") : _("Edited, not deleted"));

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *empty = TRUE;
      return g_strdup (_("(empty)"));
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *text = NULL;

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            text = g_strdup (json_node_get_string (item));
          else
            text = json_to_string (item, FALSE);
          if (s->len > 0)
            g_string_append_c (s, '\n');
          g_string_append_printf (s, "• %s", text);
        }

      if (s->len == 0)
        {
          *empty = TRUE;
          g_string_append (s, _("(empty)"));
        }
      return g_string_free (s, FALSE);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (*text == '\0')
        {
          *empty = TRUE;
          return g_strdup (_("(empty)"));
        }
      if (g_strcmp0 (field, "status") == 0)
        {
          if (g_strcmp0 (text, "draft") == 0)
            return g_strdup (_("Draft"));
          if (g_strcmp0 (text, "published") == 0)
            return g_strdup (_("Published"));
        }
      return g_strdup (text);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));

  return json_to_string (node, FALSE);
}

/* "MMMMMMMMMMMMMMM:CCCC:NODE" -> local date and time. */
static char *
describe_hlc (const char *hlc)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 ms;
  char *end = NULL;

  if (hlc == NULL || *hlc == '\0')
    return NULL;

  ms = g_ascii_strtoll (hlc, &end, 10);
  if (end == hlc || ms <= 0)
    return NULL;

  dt = g_date_time_new_from_unix_local (ms / 1000);
  if (dt == NULL)
    return NULL;

  /* Translators: date and time of a change, see g_date_time_format() */
  return g_date_time_format (dt, _("%Y-%m-%d %H:%M"));
}

static char *
row_title (SpConflictsPage *self,
           const char      *entity,
           const char      *row_id)
{
  g_autoptr(SpDbRow) row = NULL;
  const char *name = NULL;

  if (entity != NULL && row_id != NULL)
    row = sp_local_store_get (self->store, entity, row_id, NULL);
  if (row != NULL && row->fields != NULL)
    name = json_object_get_string_member_with_default (row->fields, "name", NULL);

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  if (g_strcmp0 (entity, SP_ENTITY_SERVICE) == 0)
    return g_strdup (_("Untitled service"));
  return g_strdup_printf ("%s %s", entity ? entity : "?", row_id ? row_id : "?");
}

static void
show_toast (SpConflictsPage *self,
            const char      *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  /* The window's overlay, so that toasts of all pages queue up together. */
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
  else
    g_message ("%s", title);
}

static gboolean
mark_resolved (SpConflictsPage *self,
               SpRow           *conflict,
               GError         **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;

  json_object_set_boolean_member (fields, "resolved", TRUE);
  id = sp_local_store_save (self->store, SP_ENTITY_CONFLICT, sp_row_get_id (conflict),
                            fields, error);
  return id != NULL;
}

/* Writes the overwritten value back as a new local change. */
static gboolean
restore_value (SpConflictsPage *self,
               SpRow           *conflict,
               GError         **error)
{
  const char *entity = sp_row_get_string (conflict, "entity");
  const char *row_id = sp_row_get_string (conflict, "row_id");
  const char *field = sp_row_get_string (conflict, "field");
  g_autoptr(JsonNode) lost = parse_value (sp_row_get_string (conflict, "lost_value"));
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;

  if (lost == NULL)
    lost = json_node_new (JSON_NODE_NULL);

  if (g_strcmp0 (field, SP_FIELD_DELETED) == 0)
    {
      g_autoptr(SpDbRow) row = sp_local_store_get (self->store, entity, row_id, error);
      gboolean want_deleted = JSON_NODE_HOLDS_VALUE (lost) &&
                              json_node_get_value_type (lost) == G_TYPE_BOOLEAN &&
                              json_node_get_boolean (lost);

      if (row == NULL)
        {
          if (error && *error)
            return FALSE;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The row no longer exists."));
          return FALSE;
        }

      if (want_deleted)
        return row->deleted || sp_local_store_delete (self->store, entity, row_id, error);

      /* Bring the deleted row back with its last known values. */
      if (row->fields != NULL)
        {
          json_object_unref (fields);
          fields = json_object_ref (row->fields);
        }
      id = sp_local_store_save (self->store, entity, row_id, fields, error);
      return id != NULL;
    }

  json_object_set_member (fields, field, g_steal_pointer (&lost));
  id = sp_local_store_save (self->store, entity, row_id, fields, error);
  return id != NULL;
}

static void
on_restore_clicked (GtkButton       *button,
                    SpConflictsPage *self)
{
  SpRow *conflict = g_object_get_data (G_OBJECT (button), "conflict");
  g_autoptr(SpRow) hold = g_object_ref (conflict);
  g_autoptr(GError) error = NULL;

  if (!restore_value (self, hold, &error) || !mark_resolved (self, hold, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not restore the value: %s"), error->message);
      show_toast (self, msg);
      return;
    }

  show_toast (self, _("Overwritten value restored"));
}

static void
on_keep_clicked (GtkButton       *button,
                 SpConflictsPage *self)
{
  SpRow *conflict = g_object_get_data (G_OBJECT (button), "conflict");
  g_autoptr(SpRow) hold = g_object_ref (conflict);
  g_autoptr(GError) error = NULL;

  if (!mark_resolved (self, hold, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not resolve the conflict: %s"), error->message);
      show_toast (self, msg);
      return;
    }

  show_toast (self, _("Current value kept"));
}

static GtkWidget *
value_column (const char *heading,
              const char *value,
              gboolean    empty,
              const char *when)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label;

  gtk_widget_set_hexpand (box, TRUE);

  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  if (empty)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, heading,
                                  -1);
  gtk_box_append (GTK_BOX (box), label);

  if (when != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Changed %s"), when);

      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  return box;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SpConflictsPage *self = user_data;
  SpRow *conflict = item;
  const char *entity = sp_row_get_string (conflict, "entity");
  const char *field = sp_row_get_string (conflict, "field");
  g_autofree char *title = row_title (self, entity, sp_row_get_string (conflict, "row_id"));
  g_autofree char *kept_when = describe_hlc (sp_row_get_string (conflict, "kept_hlc"));
  g_autofree char *lost_when = describe_hlc (sp_row_get_string (conflict, "lost_hlc"));
  g_autofree char *kept = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *heading = NULL;
  gboolean kept_empty, lost_empty;
  GtkWidget *row, *box, *label, *values, *buttons, *button;

  kept = describe_value (field, sp_row_get_string (conflict, "kept_value"), &kept_empty);
  lost = describe_value (field, sp_row_get_string (conflict, "lost_value"), &lost_empty);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: "<service name> — <field name>" */
  heading = g_strdup_printf (_("%s — %s"), title, field_label (entity, field));
  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  values = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_box_set_homogeneous (GTK_BOX (values), TRUE);
  gtk_box_append (GTK_BOX (values), value_column (_("Current value"), kept, kept_empty, kept_when));
  gtk_box_append (GTK_BOX (values), value_column (_("Overwritten value"), lost, lost_empty, lost_when));
  gtk_box_append (GTK_BOX (box), values);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (box), buttons);

  button = gtk_button_new_with_label (_("Keep current value"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Keep current value"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, heading,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "conflict", g_object_ref (conflict), g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_keep_clicked), self);
  gtk_box_append (GTK_BOX (buttons), button);

  button = gtk_button_new_with_label (_("Restore overwritten value"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Restore overwritten value"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, heading,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "conflict", g_object_ref (conflict), g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_restore_clicked), self);
  gtk_box_append (GTK_BOX (buttons), button);

  return row;
}

static void
on_items_changed (SpConflictsPage *self,
                  guint            position,
                  guint            removed,
                  guint            added,
                  GListModel      *model)
{
  guint n = g_list_model_get_n_items (model);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONFLICTS]);
}

static void
on_store_changed (SpConflictsPage *self,
                  const char      *entity,
                  SpLocalStore    *store)
{
  /* Titles show the service name: refresh them when services change. */
  if (g_strcmp0 (entity, SP_ENTITY_SERVICE) == 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0)
    sp_row_list_model_reload (self->model);
}

guint
sp_conflicts_page_get_n_conflicts (SpConflictsPage *self)
{
  g_return_val_if_fail (SP_IS_CONFLICTS_PAGE (self), 0);

  if (self->sorted == NULL)
    return 0;
  return g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

static void
sp_conflicts_page_constructed (GObject *object)
{
  SpConflictsPage *self = (SpConflictsPage *) object;
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;

  G_OBJECT_CLASS (sp_conflicts_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  self->model = sp_row_list_model_new (self->store, SP_ENTITY_CONFLICT, "kept_hlc");
  filter = gtk_custom_filter_new (filter_unresolved, NULL, NULL);
  self->unresolved = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                                GTK_FILTER (filter));
  sorter = gtk_custom_sorter_new (compare_newest_first, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->unresolved)),
                                          GTK_SORTER (sorter));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->sorted),
                           create_row, self, NULL);
  g_signal_connect_object (self->sorted, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);

  on_items_changed (self, 0, 0, 0, G_LIST_MODEL (self->sorted));
}

static void
sp_conflicts_page_dispose (GObject *object)
{
  SpConflictsPage *self = (SpConflictsPage *) object;

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CONFLICTS_PAGE);

  g_clear_object (&self->sorted);
  g_clear_object (&self->unresolved);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_conflicts_page_parent_class)->dispose (object);
}

static void
sp_conflicts_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpConflictsPage *self = SP_CONFLICTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_CONFLICTS:
      g_value_set_uint (value, sp_conflicts_page_get_n_conflicts (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_conflicts_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SpConflictsPage *self = SP_CONFLICTS_PAGE (object);

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
sp_conflicts_page_class_init (SpConflictsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_conflicts_page_constructed;
  object_class->dispose = sp_conflicts_page_dispose;
  object_class->get_property = sp_conflicts_page_get_property;
  object_class->set_property = sp_conflicts_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_CONFLICTS] =
    g_param_spec_uint ("n-conflicts", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/conflicts/sp-conflicts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpConflictsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpConflictsPage, list_box);
}

static void
sp_conflicts_page_init (SpConflictsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_conflicts_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_CONFLICTS_PAGE,
                       "store", store,
                       NULL);
}
