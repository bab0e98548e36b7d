/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-services-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-row.h"
#include "sp-record-list.h"
#include "sp-service-editor.h"
#include "sp-services-page.h"

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
  SpRecordList       *records;

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

static void
update_empty_state (gpointer page)
{
  SpServicesPage *self = page;

  sp_record_list_update_empty_state (self->records, self->list_stack, self->empty_page,
                                     _("Try a different search."),
                                     "view-list-symbolic",
                                     _("No Services Yet"),
                                     _("Create the first service of the catalogue with the + button."));
}

static void
on_editor_saved (SpServicesPage  *self,
                 const char      *id,
                 SpServiceEditor *editor)
{
  /* Keep the saved row selected; it may have moved in the order. */
  sp_record_list_sync_selection (self->records);
}

static void
on_editor_deleted (SpServicesPage  *self,
                   const char      *id,
                   SpServiceEditor *editor)
{
  sp_record_list_close (self->records);
}

static void
on_search_changed (SpServicesPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  SpRowListModel *model = sp_record_list_get_model (self->records);
  gint64 begin = g_get_monotonic_time ();

  /* GtkSearchEntry debounces ::search-changed (150 ms). */
  sp_row_list_model_set_search (model, text);

  g_debug ("Search “%s”: %u rows in %.1f ms", text,
           g_list_model_get_n_items (G_LIST_MODEL (model)),
           (g_get_monotonic_time () - begin) / 1000.0);
}

static void
on_search_activate (SpServicesPage *self)
{
  /* Enter opens the first result. */
  sp_record_list_open_first (self->records);
}

static void
on_search_stop (SpServicesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* List rows */

static void
bind_row (gpointer     page,
          GtkListItem *item,
          SpRow       *row)
{
  const char *name = sp_row_get_string (row, "name");
  gboolean draft = g_strcmp0 (sp_row_get_string (row, "status"), "published") != 0;

  sp_list_row_update (gtk_list_item_get_child (item),
                      *name != '\0' ? name : _("Untitled service"),
                      sp_row_get_string (row, "office"),
                      draft ? _("Draft") : NULL, "accent",
                      draft ? _("Not shown to citizens") : NULL,
                      sp_row_get_pending (row));
}

static const SpRecordListFuncs record_funcs = {
  .bind_row = bind_row,
  .update_empty = update_empty_state,
  .gone_message = N_("The service no longer exists"),
  .invalid_message = N_("The service has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
};

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  sp_record_list_new_record (SP_SERVICES_PAGE (widget)->records);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_record_list_save (SP_SERVICES_PAGE (widget)->records);
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
  if (self->records != NULL)
    sp_record_list_save_valid (self->records);

  GTK_WIDGET_CLASS (sp_services_page_parent_class)->unmap (widget);
}

static void
sp_services_page_constructed (GObject *object)
{
  SpServicesPage *self = (SpServicesPage *) object;

  G_OBJECT_CLASS (sp_services_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  sp_record_editor_set_store (SP_RECORD_EDITOR (self->editor), self->store);

  self->records = sp_record_list_new (GTK_WIDGET (self), &record_funcs, self->store,
                                      SP_ENTITY_SERVICE, "name", FALSE,
                                      self->list_view, self->editor_stack, self->editor);

  update_empty_state (self);
}

static void
sp_services_page_dispose (GObject *object)
{
  SpServicesPage *self = (SpServicesPage *) object;

  if (self->records != NULL)
    sp_record_list_detach (self->records);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SERVICES_PAGE);

  g_clear_object (&self->records);
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
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Typing while the list has the focus searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));

  /* Window-wide shortcuts; the actions are disabled while the page is not
   * shown, so the keys then reach other pages. */
  sp_add_global_shortcuts (GTK_WIDGET (self),
                           "<Control>n", "services.new",
                           "<Control>s", "services.save",
                           "<Control>f", "services.search",
                           NULL);

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
