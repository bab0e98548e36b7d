/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "competence/sp-catalogue-editor-page.h"
#include "competence/sp-selfcheck-page.h"
#include "challenges/sp-challenges-page.h"
#include "conflicts/sp-conflicts-page.h"
#include "faq/sp-faq-page.h"
#include "feedback/sp-feedback-page.h"
#include "faq/sp-unanswered-page.h"
#include "faq/sp-bot-kpi-page.h"
#include "faq/sp-handoff-page.h"
#include "faq/sp-office-hours-page.h"
#include "hr/sp-hr-page.h"
#include "services/sp-services-page.h"
#include "surveys/sp-surveys-page.h"
#include "training/sp-training-page.h"
#include "sp-sync-status.h"
#include "sp-window.h"

struct _SpWindow
{
  AdwApplicationWindow  parent_instance;

  SpLocalStore         *store;
  SpSyncController     *controller;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_box;
  GtkListBox           *sidebar;
  GtkListBoxRow        *conflicts_row;
  GtkLabel             *conflicts_badge;
  GtkWidget            *content_box;
  AdwWindowTitle       *content_title;
  GtkStack             *sync_button_stack;
  GtkSpinner           *sync_spinner;
  SpSyncStatus         *sync_status;
  GtkRevealer          *signin_revealer;
  GtkStack             *stack;
  GtkWidget            *training_page;
  GtkWidget            *faq_page;
  GtkWidget            *unanswered_page;

  guint                 n_conflicts;
};

/* Pages added after "Services", in sidebar order. @roles: who sees the
 * page (comma separated, NULL = everyone); the server enforces the same. */
typedef struct
{
  const char *name;
  const char *title;
  const char *icon_name;
  const char *roles;
} SpFeature;

static const SpFeature features[] = {
  { "selfcheck",  N_("Self-check"),             "emblem-ok-symbolic",        NULL },
  { "training",   N_("Training"),               "x-office-address-book-symbolic", NULL },
  { "catalogues", N_("Competence catalogues"),  "view-list-symbolic",        "hr,trainer" },
  { "hr",         N_("HR report"),              "x-office-spreadsheet-symbolic", "hr" },
  { "faq",        N_("FAQ & Bot"),              "help-faq-symbolic",         NULL },
  { "unanswered", N_("Questions without answer"), "dialog-question-symbolic", "editor" },
  { "handoff",    N_("Hand-offs"),              "mail-unread-symbolic",      "editor" },
  { "office-hours", N_("Office hours"),         "alarm-symbolic",            "editor" },
  { "surveys",    N_("Surveys"),                "checkbox-checked-symbolic", "editor" },
  { "bot-kpi",    N_("Bot KPIs"),               "x-office-presentation-symbolic", NULL },
  { "challenges", N_("Challenges"),             "applications-science-symbolic", "editor" },
  { "feedback",   N_("Feedback"),               "mail-send-receive-symbolic", "editor" },
};

G_DEFINE_FINAL_TYPE (SpWindow, sp_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONTROLLER,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
sp_window_add_toast (SpWindow   *self,
                     const char *text)
{
  g_return_if_fail (SP_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static guint
count_unresolved_conflicts (SpWindow *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  guint count = 0;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT count(*) FROM conflict"
                        " WHERE deleted = 0 AND coalesce(resolved, 0) = 0",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot count conflicts: %s", error->message);
      return 0;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static void
update_conflicts_badge (SpWindow *self,
                        gboolean  announce)
{
  guint count = count_unresolved_conflicts (self);

  if (count > 0)
    {
      g_autofree char *number = g_strdup_printf ("%u", count);
      g_autofree char *description =
        g_strdup_printf (ngettext ("%u unresolved conflict", "%u unresolved conflicts", count),
                         count);

      gtk_label_set_label (self->conflicts_badge, number);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->conflicts_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->conflicts_row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_badge), count > 0);

  /* New conflicts arrive with a sync: point them out once. */
  if (announce && count > self->n_conflicts)
    {
      guint added = count - self->n_conflicts;
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u new conflict to review",
                                   "%u new conflicts to review",
                                   added),
                         added);
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_button_label (toast, _("Review"));
      adw_toast_set_action_name (toast, "app.show-conflicts");
      /* Longer than the default: there is something to do. */
      adw_toast_set_timeout (toast, 10);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  self->n_conflicts = count;
}

static void
on_store_changed (SpWindow   *self,
                  const char *entity)
{
  if (entity == NULL || g_str_equal (entity, SP_ENTITY_CONFLICT))
    update_conflicts_badge (self, TRUE);
}

static void
on_syncing_changed (SpWindow *self)
{
  gboolean syncing = sp_sync_controller_get_syncing (self->controller);

  gtk_stack_set_visible_child_name (self->sync_button_stack, syncing ? "syncing" : "idle");
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
}

static void
on_signed_in_changed (SpWindow *self)
{
  gtk_revealer_set_reveal_child (self->signin_revealer,
                                 !sp_sync_controller_get_signed_in (self->controller));
}

void
sp_window_show_page (SpWindow   *self,
                     const char *name)
{
  g_return_if_fail (SP_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_visible_page_changed (SpWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkListBoxRow *row = NULL;

  if (child != NULL)
    {
      GtkStackPage *page = gtk_stack_get_page (self->stack, child);

      adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
       child != NULL && name != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && g_str_equal (gtk_widget_get_name (child), name))
        {
          row = GTK_LIST_BOX_ROW (child);
          break;
        }
    }
  if (row != NULL && gtk_list_box_get_selected_row (self->sidebar) != row)
    gtk_list_box_select_row (self->sidebar, row);
}

static void
on_sidebar_row_activated (SpWindow      *self,
                          GtkListBoxRow *row)
{
  sp_window_show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
on_sidebar_row_selected (SpWindow      *self,
                         GtkListBoxRow *row)
{
  /* Keyboard navigation in the unfolded sidebar switches pages too. */
  if (row != NULL && !adw_leaflet_get_folded (self->leaflet))
    sp_window_show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
on_back_clicked (SpWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_leaflet_folded_changed (SpWindow *self)
{
  /* Unfolded, the sidebar shows the selection; folded, it is a menu. */
  gtk_list_box_set_selection_mode (self->sidebar,
                                   adw_leaflet_get_folded (self->leaflet)
                                   ? GTK_SELECTION_NONE : GTK_SELECTION_BROWSE);
  if (!adw_leaflet_get_folded (self->leaflet))
    on_visible_page_changed (self);
}

static void
show_conflicts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  sp_window_show_page (SP_WINDOW (widget), "conflicts");
}

static void
show_services_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  sp_window_show_page (SP_WINDOW (widget), "services");
}

static gboolean
get_server_access (gpointer   user_data,
                   char     **base_url,
                   char     **token,
                   char     **ca_file)
{
  return sp_sync_controller_get_access (SP_SYNC_CONTROLLER (user_data),
                                        base_url, token, ca_file);
}

/* "Create FAQ entry" on an unanswered question: the FAQ page takes it. */
static void
on_create_faq (SpWindow   *self,
               const char *question,
               const char *unanswered_id)
{
  sp_faq_page_take_question (SP_FAQ_PAGE (self->faq_page), question, unanswered_id);
  sp_window_show_page (self, "faq");
}

static void
on_faq_question_answered (SpWindow   *self,
                          const char *unanswered_id)
{
  sp_unanswered_page_mark_done (SP_UNANSWERED_PAGE (self->unanswered_page), unanswered_id);
}

static GtkWidget *
create_feature_page (SpWindow        *self,
                     const SpFeature *feature)
{
  if (g_str_equal (feature->name, "selfcheck"))
    return sp_selfcheck_page_new (self->store, get_server_access,
                                  g_object_ref (self->controller), g_object_unref);
  if (g_str_equal (feature->name, "training"))
    return sp_training_page_new (self->store, get_server_access,
                                 g_object_ref (self->controller), g_object_unref);
  if (g_str_equal (feature->name, "catalogues"))
    return sp_catalogue_editor_page_new (self->store);
  if (g_str_equal (feature->name, "hr"))
    return sp_hr_page_new (self->store, get_server_access,
                           g_object_ref (self->controller), g_object_unref);
  if (g_str_equal (feature->name, "handoff"))
    {
      GtkWidget *page = sp_handoff_page_new (get_server_access,
                                             g_object_ref (self->controller), g_object_unref);

      /* Live updates follow the sign-in and the network. */
      g_signal_connect_object (self->controller, "notify::signed-in",
                               G_CALLBACK (sp_handoff_page_refresh), page, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->controller, "notify::online",
                               G_CALLBACK (sp_handoff_page_refresh), page, G_CONNECT_SWAPPED);
      return page;
    }
  if (g_str_equal (feature->name, "feedback"))
    return sp_feedback_page_new (self->store, self->controller);
  if (g_str_equal (feature->name, "challenges"))
    return sp_challenges_page_new (self->store, self->controller);
  if (g_str_equal (feature->name, "surveys"))
    return sp_surveys_page_new (self->store, get_server_access,
                                g_object_ref (self->controller), g_object_unref);
  if (g_str_equal (feature->name, "office-hours"))
    return sp_office_hours_page_new (self->store);
  if (g_str_equal (feature->name, "bot-kpi"))
    return sp_bot_kpi_page_new (get_server_access,
                                g_object_ref (self->controller), g_object_unref);
  if (g_str_equal (feature->name, "faq"))
    {
      self->faq_page = sp_faq_page_new (self->store);
      g_signal_connect_object (self->faq_page, "question-answered",
                               G_CALLBACK (on_faq_question_answered), self, G_CONNECT_SWAPPED);
      return self->faq_page;
    }
  if (g_str_equal (feature->name, "unanswered"))
    {
      self->unanswered_page = sp_unanswered_page_new (get_server_access,
                                                      g_object_ref (self->controller), g_object_unref);
      g_signal_connect_object (self->unanswered_page, "create-faq",
                               G_CALLBACK (on_create_faq), self, G_CONNECT_SWAPPED);
      return self->unanswered_page;
    }
  g_assert_not_reached ();
}

static GtkWidget *
create_sidebar_row (const SpFeature *feature)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = gtk_image_new_from_icon_name (feature->icon_name);
  GtkWidget *label = gtk_label_new (_(feature->title));

  gtk_widget_set_name (row, feature->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(feature->title),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
on_page_badge_changed (GtkWidget  *page,
                       GParamSpec *pspec,
                       GtkWidget  *row)
{
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), "sp-badge");
  guint count = 0;

  g_object_get (page, "badge-count", &count, NULL);
  if (count > 0)
    {
      g_autofree char *number = g_strdup_printf ("%u", count);
      g_autofree char *description =
        g_strdup_printf (ngettext ("%u waiting", "%u waiting", count), count);

      gtk_label_set_label (GTK_LABEL (badge), number);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_set_visible (badge, count > 0);
}

/* Pages with a "badge-count" property get a count badge on their row. */
static void
add_sidebar_badge (GtkWidget *row,
                   GtkWidget *page)
{
  GtkWidget *badge;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "badge-count") == NULL)
    return;
  badge = gtk_label_new (NULL);
  gtk_widget_add_css_class (badge, "sidebar-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), badge);
  g_object_set_data (G_OBJECT (row), "sp-badge", badge);
  g_signal_connect_object (page, "notify::badge-count",
                           G_CALLBACK (on_page_badge_changed), row, 0);
  on_page_badge_changed (page, NULL, row);
}

/* Show each feature to the roles it is for; leave a page that is hidden. */
static void
on_roles_changed (SpWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    {
      GtkWidget *page = gtk_stack_get_child_by_name (self->stack, features[i].name);
      gboolean visible = features[i].roles == NULL
                         || sp_sync_controller_has_role (self->controller, features[i].roles);

      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (g_str_equal (gtk_widget_get_name (child), features[i].name))
          gtk_widget_set_visible (child, visible);

      if (!visible && page != NULL && gtk_stack_get_visible_child (self->stack) == page)
        gtk_stack_set_visible_child_name (self->stack, "services");
    }

  sp_training_page_set_roles (SP_TRAINING_PAGE (self->training_page),
                              sp_sync_controller_get_roles (self->controller));
  sp_faq_page_set_roles (SP_FAQ_PAGE (self->faq_page),
                         sp_sync_controller_get_roles (self->controller));
}

static void
on_training_activated (SpWindow   *self,
                       const char *training_item_id)
{
  sp_training_page_show_item (SP_TRAINING_PAGE (self->training_page), training_item_id);
  sp_window_show_page (self, "training");
}

static void
sp_window_constructed (GObject *object)
{
  SpWindow *self = SP_WINDOW (object);
  GtkStackPage *page;

  G_OBJECT_CLASS (sp_window_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  g_assert (self->controller != NULL);
  g_assert (self->settings != NULL);

  page = gtk_stack_add_titled (self->stack, sp_services_page_new (self->store),
                               "services", _("Services"));
  gtk_stack_page_set_icon_name (page, "view-list-bullet-symbolic");
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    {
      GtkWidget *child = create_feature_page (self, &features[i]);

      GtkWidget *scroller = gtk_scrolled_window_new ();

      /* Wide pages (tables) scroll sideways instead of widening the window. */
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                      GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
      page = gtk_stack_add_titled (self->stack, scroller, features[i].name, _(features[i].title));
      gtk_stack_page_set_icon_name (page, features[i].icon_name);
      GtkWidget *row = create_sidebar_row (&features[i]);

      add_sidebar_badge (row, child);
      gtk_list_box_insert (self->sidebar, row,
                           gtk_list_box_row_get_index (self->conflicts_row));
      if (g_str_equal (features[i].name, "training"))
        self->training_page = child;
      else if (g_str_equal (features[i].name, "hr"))
        g_signal_connect_object (child, "training-activated",
                                 G_CALLBACK (on_training_activated), self, G_CONNECT_SWAPPED);
    }
  page = gtk_stack_add_titled (self->stack, sp_conflicts_page_new (self->store),
                               "conflicts", _("Conflicts"));
  gtk_stack_page_set_icon_name (page, "dialog-warning-symbolic");
  gtk_stack_set_visible_child_name (self->stack, "services");
  on_visible_page_changed (self);

  sp_sync_status_set_controller (self->sync_status, self->controller);
  g_object_bind_property (self->sync_status, "summary",
                          self->content_title, "subtitle",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->controller, "notify::syncing",
                           G_CALLBACK (on_syncing_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::signed-in",
                           G_CALLBACK (on_signed_in_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::roles",
                           G_CALLBACK (on_roles_changed), self, G_CONNECT_SWAPPED);
  on_syncing_changed (self);
  on_signed_in_changed (self);
  on_roles_changed (self);
  update_conflicts_badge (self, FALSE);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
sp_window_dispose (GObject *object)
{
  SpWindow *self = SP_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_WINDOW);
  g_clear_object (&self->controller);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sp_window_parent_class)->dispose (object);
}

static void
sp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SpWindow *self = SP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SpWindow *self = SP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CONTROLLER:
      self->controller = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_window_class_init (SpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_window_constructed;
  object_class->dispose = sp_window_dispose;
  object_class->get_property = sp_window_get_property;
  object_class->set_property = sp_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, SP_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SP_TYPE_SYNC_STATUS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/sp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, conflicts_row);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, conflicts_badge);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, sync_button_stack);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, sync_status);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, signin_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_page_changed);

  gtk_widget_class_install_action (widget_class, "win.show-conflicts", NULL, show_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.show-services", NULL, show_services_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-services", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-conflicts", NULL);
}

static void
sp_window_init (SpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SpWindow *
sp_window_new (AdwApplication   *application,
               SpLocalStore     *store,
               SpSyncController *controller,
               GSettings        *settings)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SP_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "controller", controller,
                       "settings", settings,
                       NULL);
}
