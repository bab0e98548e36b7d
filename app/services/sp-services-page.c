/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-services-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-row.h"
#include "sp-row-list-model.h"
#include "sp-service-editor.h"
#include "sp-services-page.h"
#include "sp-split-model.h"

/* The service catalogue: a searchable list on the left (a GtkListView over
 * an SQLite-backed SpRowListModel, so 100 000 rows cost only the visible
 * row widgets) and the editor on the right.
 *
 * Unsaved changes are never lost silently: switching to another row (or
 * away from the page) saves them when they are valid, as the HIG suggests;
 * invalid edits open a dialog that offers to keep editing or discard. */

struct _SpServicesPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpRowListModel     *model;
  SpSplitModel       *split;
  GtkSingleSelection *selection;
  gulong              changed_handler;

  /* Set while the page itself changes the selection. */
  guint               updating_selection;

  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkStack           *editor_stack;
  SpServiceEditor    *editor;
};

G_DEFINE_FINAL_TYPE (SpServicesPage, sp_services_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  SpServicesPage *self;
  char           *target_id;  /* NULL: a new service */
} PendingSwitch;

static void
pending_switch_free (PendingSwitch *p)
{
  g_clear_object (&p->self);
  g_free (p->target_id);
  g_free (p);
}

static gboolean
editor_is_open (SpServicesPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->editor_stack), "editor") == 0;
}

static void
select_position (SpServicesPage *self,
                 guint           position)
{
  self->updating_selection++;
  gtk_single_selection_set_selected (self->selection, position);
  self->updating_selection--;

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Selects the row the editor shows, if the (filtered) list has it. */
static void
sync_selection (SpServicesPage *self)
{
  const char *id = editor_is_open (self) ? sp_service_editor_get_row_id (self->editor) : NULL;
  guint position = GTK_INVALID_LIST_POSITION;
  SpRow *selected;

  if (id != NULL)
    {
      int pos;

      /* Cheap check first: is the selected item already that row? */
      selected = gtk_single_selection_get_selected_item (self->selection);
      if (selected != NULL && g_strcmp0 (sp_row_get_id (selected), id) == 0)
        return;

      pos = sp_row_list_model_find (self->model, id);
      if (pos >= 0)
        position = pos;
    }

  if (gtk_single_selection_get_selected (self->selection) != position)
    select_position (self, position);
}

static void
open_service (SpServicesPage *self,
              const char     *id)
{
  if (!sp_service_editor_load (self->editor, id) && id != NULL)
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                     adw_toast_new (_("The service no longer exists")));
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
      sync_selection (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->editor_stack, "editor");
  sync_selection (self);

  if (id == NULL)
    sp_service_editor_focus_name (self->editor);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  PendingSwitch *p = user_data;

  if (g_strcmp0 (response, "discard") == 0)
    open_service (p->self, p->target_id);
  else
    sp_service_editor_validate (p->self->editor, TRUE);

  pending_switch_free (p);
}

/* Leaves the current service for @id (NULL: a new one), guarding unsaved
 * changes. */
static void
switch_to (SpServicesPage *self,
           const char     *id)
{
  if (editor_is_open (self) && sp_service_editor_get_dirty (self->editor))
    {
      if (sp_service_editor_validate (self->editor, FALSE))
        {
          gboolean saved;

          /* Valid changes are saved on the way out. */
          self->updating_selection++;
          saved = sp_service_editor_save (self->editor);
          self->updating_selection--;

          if (!saved)
            {
              /* The editor told why (a toast); keep the edits on screen. */
              sync_selection (self);
              return;
            }
        }
      else
        {
          PendingSwitch *p;

          /* Stay on the current row until the user decides. */
          sync_selection (self);

          p = g_new0 (PendingSwitch, 1);
          p->self = g_object_ref (self);
          p->target_id = g_strdup (id);
          sp_form_ask_discard (GTK_WIDGET (self),
                               _("The service has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
                               G_CALLBACK (on_discard_response), p);
          return;
        }
    }

  open_service (self, id);
}

static void
on_selection_changed (SpServicesPage *self)
{
  g_autofree char *id = NULL;
  SpRow *row;

  if (self->updating_selection > 0)
    return;

  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return;  /* unselected by a reload or search: keep the editor as it is */

  /* A copy: saving on the way out reloads the list and drops @row. */
  id = g_strdup (sp_row_get_id (row));
  if (editor_is_open (self) && g_strcmp0 (id, sp_service_editor_get_row_id (self->editor)) == 0)
    return;

  switch_to (self, id);
}

static void
update_empty_state (SpServicesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  const char *search = sp_row_list_model_get_search (self->model);

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  if (search != NULL && *search != '\0')
    {
      adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Results"));
      adw_status_page_set_description (self->empty_page, _("Try a different search."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "view-list-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Services Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Create the first service of the catalogue with the + button."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
on_items_changed (SpServicesPage *self,
                  guint           position,
                  guint           removed,
                  guint           added,
                  GListModel     *model)
{
  /* The first half of a split replacement: wait for the second. */
  if (sp_split_model_in_split (self->split))
    return;

  update_empty_state (self);
  sync_selection (self);
}

static void
on_store_changed (SpServicesPage *self,
                  const char     *entity,
                  SpLocalStore   *store)
{
  if (entity != NULL && g_strcmp0 (entity, SP_ENTITY_SERVICE) != 0)
    return;

  /* A sync may have changed or deleted the open row. Unsaved edits stay. */
  if (editor_is_open (self) && !sp_service_editor_refresh (self->editor) &&
      !sp_service_editor_get_dirty (self->editor))
    {
      sp_service_editor_load (self->editor, NULL);
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
    }
}

static void
on_editor_saved (SpServicesPage  *self,
                 const char      *id,
                 SpServiceEditor *editor)
{
  /* Keep the saved row selected; it may have moved in the order. */
  sync_selection (self);
}

static void
on_editor_deleted (SpServicesPage  *self,
                   const char      *id,
                   SpServiceEditor *editor)
{
  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  select_position (self, GTK_INVALID_LIST_POSITION);
}

static void
on_search_changed (SpServicesPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gint64 begin = g_get_monotonic_time ();

  /* GtkSearchEntry debounces ::search-changed (150 ms). */
  sp_row_list_model_set_search (self->model, text);

  g_debug ("Search “%s”: %u rows in %.1f ms", text,
           g_list_model_get_n_items (G_LIST_MODEL (self->model)),
           (g_get_monotonic_time () - begin) / 1000.0);
}

static void
on_search_activate (SpServicesPage *self)
{
  /* Enter opens the first result. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (self->model), 0);
      switch_to (self, sp_row_get_id (row));
    }
}

static void
on_search_stop (SpServicesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* List rows */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (item, sp_list_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  SpRow *row = gtk_list_item_get_item (item);
  const char *name = sp_row_get_string (row, "name");
  gboolean draft = g_strcmp0 (sp_row_get_string (row, "status"), "published") != 0;

  sp_list_row_update (gtk_list_item_get_child (item),
                      *name != '\0' ? name : _("Untitled service"),
                      sp_row_get_string (row, "office"),
                      draft ? _("Draft") : NULL, "accent",
                      draft ? _("Not shown to citizens") : NULL,
                      sp_row_get_pending (row));
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SpServicesPage *self = SP_SERVICES_PAGE (widget);

  if (editor_is_open (self) && sp_service_editor_get_row_id (self->editor) == NULL &&
      !sp_service_editor_get_dirty (self->editor))
    {
      sp_service_editor_focus_name (self->editor);
      return;
    }

  switch_to (self, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SpServicesPage *self = SP_SERVICES_PAGE (widget);

  if (editor_is_open (self))
    sp_service_editor_save (self->editor);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpServicesPage *self = SP_SERVICES_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
set_actions_enabled (SpServicesPage *self,
                     gboolean        enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.new", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.save", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.search", enabled);
}

static void
sp_services_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sp_services_page_parent_class)->map (widget);

  /* The shortcuts are window-wide while the page is shown. */
  set_actions_enabled (SP_SERVICES_PAGE (widget), TRUE);
}

static void
sp_services_page_unmap (GtkWidget *widget)
{
  SpServicesPage *self = SP_SERVICES_PAGE (widget);

  set_actions_enabled (self, FALSE);

  /* Leaving the page keeps valid edits. */
  if (self->store != NULL && editor_is_open (self) &&
      sp_service_editor_get_dirty (self->editor) &&
      sp_service_editor_validate (self->editor, FALSE))
    sp_service_editor_save (self->editor);

  GTK_WIDGET_CLASS (sp_services_page_parent_class)->unmap (widget);
}

static void
sp_services_page_constructed (GObject *object)
{
  SpServicesPage *self = (SpServicesPage *) object;

  G_OBJECT_CLASS (sp_services_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  sp_service_editor_set_store (self->editor, self->store);

  self->model = sp_row_list_model_new (self->store, SP_ENTITY_SERVICE, "name");
  self->split = sp_split_model_new (G_LIST_MODEL (self->model));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->split)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  /* After the selection model's own handler: restores the selection. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  self->changed_handler = g_signal_connect_object (self->store, "changed",
                                                   G_CALLBACK (on_store_changed), self,
                                                   G_CONNECT_SWAPPED);

  update_empty_state (self);
}

static void
sp_services_page_dispose (GObject *object)
{
  SpServicesPage *self = (SpServicesPage *) object;

  g_clear_signal_handler (&self->changed_handler, self->store);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SERVICES_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->split);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_services_page_parent_class)->dispose (object);
}

static void
sp_services_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SpServicesPage *self = SP_SERVICES_PAGE (object);

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
sp_services_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SpServicesPage *self = SP_SERVICES_PAGE (object);

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
sp_services_page_class_init (SpServicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_services_page_constructed;
  object_class->dispose = sp_services_page_dispose;
  object_class->get_property = sp_services_page_get_property;
  object_class->set_property = sp_services_page_set_property;

  widget_class->map = sp_services_page_map;
  widget_class->unmap = sp_services_page_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SP_TYPE_SERVICE_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/services/sp-services-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, SpServicesPage, editor);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_deleted);

  gtk_widget_class_install_action (widget_class, "services.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "services.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "services.search", NULL, search_action);
}

static void
sp_services_page_init (SpServicesPage *self)
{
  GtkListItemFactory *factory;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  /* Typing while the list has the focus searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));

  /* Window-wide shortcuts; the actions are disabled while the page is not
   * shown, so the keys then reach other pages. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>n"),
                                                          gtk_named_action_new ("services.new")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>s"),
                                                          gtk_named_action_new ("services.save")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>f"),
                                                          gtk_named_action_new ("services.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  set_actions_enabled (self, FALSE);
}

GtkWidget *
sp_services_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_SERVICES_PAGE,
                       "store", store,
                       NULL);
}
