/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-challenges-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-list-row.h"
#include "sp-record-list.h"
#include "sp-row.h"
#include "sp-challenge-editor.h"
#include "sp-challenge-figures.h"
#include "sp-followup-dialog.h"
#include "sp-challenges-page.h"
#include "sp-city-time.h"

#define ENTITY_CHALLENGE "challenge"

/* Positions in the status filter. */
enum { FILTER_ALL, FILTER_DRAFTS, FILTER_OPEN, FILTER_CLOSED };

struct _SpChallengesPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpSyncController   *controller;
  SpRecordList       *records;
  GtkCustomFilter    *filter;
  char               *today;
  gboolean            editable;

  AdwLeaflet         *leaflet;
  GtkWidget          *back_button;
  GtkDropDown        *status_filter;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkStack           *editor_stack;
  AdwStatusPage      *none_page;
  GtkWidget          *none_new_button;
  SpChallengeEditor  *editor;
  SpChallengeFigures *figures;
};

G_DEFINE_FINAL_TYPE (SpChallengesPage, sp_challenges_page, ADW_TYPE_BIN)

static void
update_today (SpChallengesPage *self)
{
  g_free (self->today);
  self->today = sp_city_today ();
}

/* Open for solutions: published, deadline not passed. */
static gboolean
row_is_open (SpChallengesPage *self,
             SpRow            *row)
{
  const char *deadline = sp_row_get_string (row, "deadline");

  return g_strcmp0 (sp_row_get_string (row, "status"), "published") == 0 &&
         (*deadline == '\0' || g_strcmp0 (deadline, self->today) >= 0);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SpChallengesPage *self = user_data;
  SpRow *row = item;
  const char *status = sp_row_get_string (row, "status");

  switch (gtk_drop_down_get_selected (self->status_filter))
    {
    case FILTER_DRAFTS:
      return g_strcmp0 (status, "draft") == 0 || *status == '\0';
    case FILTER_OPEN:
      return row_is_open (self, row);
    case FILTER_CLOSED:
      return g_strcmp0 (status, "closed") == 0 ||
             (g_strcmp0 (status, "published") == 0 && !row_is_open (self, row));
    default:
      return TRUE;
    }
}

static void
on_filter_changed (SpChallengesPage *self)
{
  if (self->records == NULL)
    return;
  update_today (self);
  sp_record_list_set_filter (self->records,
                             gtk_drop_down_get_selected (self->status_filter) == FILTER_ALL
                             ? NULL : GTK_FILTER (self->filter));
}

static void
bind_row (gpointer     page,
          GtkListItem *item,
          SpRow       *row)
{
  SpChallengesPage *self = page;
  const char *title = sp_row_get_string (row, "title");
  const char *department = sp_row_get_string (row, "department");
  const char *event_date = sp_row_get_string (row, "event_date");
  const char *status = sp_row_get_string (row, "status");
  g_autofree char *details = NULL;
  const char *badge, *badge_class, *tooltip;

  if (*department != '\0' && *event_date != '\0')
    details = g_strdup_printf ("%s · %s", department, event_date);
  else
    details = g_strdup (*department != '\0' ? department : event_date);

  if (row_is_open (self, row))
    {
      badge = C_("challenge", "Open");
      badge_class = "success";
      tooltip = _("Citizens can submit solutions");
    }
  else if (g_strcmp0 (status, "published") == 0 || g_strcmp0 (status, "closed") == 0)
    {
      badge = _("Closed");
      badge_class = NULL;
      tooltip = _("The deadline is over");
    }
  else
    {
      badge = _("Draft");
      badge_class = "accent";
      tooltip = _("Not on the web site yet");
    }

  sp_list_row_update (gtk_list_item_get_child (item),
                      *title != '\0' ? title : _("Untitled challenge"),
                      details, badge, badge_class, tooltip, sp_row_get_pending (row));
}

static void
update_empty_state (gpointer page)
{
  SpChallengesPage *self = page;

  sp_record_list_update_empty_state (self->records, self->list_stack, self->empty_page,
                                     _("No challenge matches this filter."),
                                     "applications-science-symbolic",
                                     _("No Challenges Yet"),
                                     self->editable
                                     ? _("Post the first problem of a department with the + button.")
                                     : _("The editorial team has not posted challenges yet."));
}

static void
on_opened (gpointer    page,
           const char *id,
           guint       flags)
{
  adw_leaflet_set_visible_child_name (SP_CHALLENGES_PAGE (page)->leaflet, "content");
}

static const SpRecordListFuncs record_funcs = {
  .bind_row = bind_row,
  .update_empty = update_empty_state,
  .opened = on_opened,
  .gone_message = N_("The challenge no longer exists"),
  .invalid_message = N_("The challenge has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
};

static void
on_row_activated (SpChallengesPage *self,
                  guint             position)
{
  g_autoptr(SpRow) row = g_list_model_get_item (sp_record_list_get_shown (self->records), position);

  if (row != NULL)
    sp_record_list_choose (self->records, sp_row_get_id (row));
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
on_editor_saved (SpChallengesPage *self,
                 const char       *id)
{
  sp_record_list_sync_selection (self->records);
}

static void
on_editor_deleted (SpChallengesPage *self,
                   const char       *id)
{
  sp_record_list_close (self->records);
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

static void
on_followup (SpChallengesPage *self,
             const char       *id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SpFollowupDialog *dialog;

  dialog = sp_followup_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->store, self->controller, id);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_leaflet_folded (SpChallengesPage *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

static void
on_back_clicked (SpChallengesPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* -- roles and actions ------------------------------------------------------------------ */

static void
set_actions_enabled (SpChallengesPage *self,
                     gboolean          enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "challenges.new", enabled && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "challenges.save", enabled && self->editable);
}

static void
on_account_changed (SpChallengesPage *self)
{
  const char * const *roles = sp_sync_controller_get_roles (self->controller);

  self->editable = roles != NULL && sp_roles_contain_any (roles, "editor,admin");
  sp_record_editor_set_editable (SP_RECORD_EDITOR (self->editor), self->editable);
  sp_challenge_editor_set_reviewer (self->editor, sp_sync_controller_get_user (self->controller));
  set_actions_enabled (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
  gtk_widget_set_visible (self->none_new_button, self->editable);
  update_empty_state (self);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SpChallengesPage *self = SP_CHALLENGES_PAGE (widget);

  gtk_drop_down_set_selected (self->status_filter, FILTER_ALL);
  sp_record_list_new_record (self->records);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_record_list_save (SP_CHALLENGES_PAGE (widget)->records);
}

static void
sp_challenges_page_map (GtkWidget *widget)
{
  SpChallengesPage *self = SP_CHALLENGES_PAGE (widget);

  GTK_WIDGET_CLASS (sp_challenges_page_parent_class)->map (widget);
  update_today (self);
  set_actions_enabled (self, TRUE);
}

static void
sp_challenges_page_unmap (GtkWidget *widget)
{
  SpChallengesPage *self = SP_CHALLENGES_PAGE (widget);

  set_actions_enabled (self, FALSE);
  if (self->records != NULL && self->editable)
    sp_record_list_save_valid (self->records);

  GTK_WIDGET_CLASS (sp_challenges_page_parent_class)->unmap (widget);
}

static void
sp_challenges_page_dispose (GObject *object)
{
  SpChallengesPage *self = SP_CHALLENGES_PAGE (object);

  if (self->records != NULL)
    sp_record_list_detach (self->records);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CHALLENGES_PAGE);
  g_clear_object (&self->records);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (sp_challenges_page_parent_class)->dispose (object);
}

static void
sp_challenges_page_finalize (GObject *object)
{
  g_free (SP_CHALLENGES_PAGE (object)->today);

  G_OBJECT_CLASS (sp_challenges_page_parent_class)->finalize (object);
}

static void
sp_challenges_page_class_init (SpChallengesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_challenges_page_dispose;
  object_class->finalize = sp_challenges_page_finalize;
  widget_class->map = sp_challenges_page_map;
  widget_class->unmap = sp_challenges_page_unmap;

  g_type_ensure (SP_TYPE_CHALLENGE_EDITOR);
  g_type_ensure (SP_TYPE_CHALLENGE_FIGURES);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/challenges/sp-challenges-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, none_page);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, none_new_button);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, editor);
  gtk_widget_class_bind_template_child (widget_class, SpChallengesPage, figures);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_deleted);
  gtk_widget_class_bind_template_callback (widget_class, on_followup);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_install_action (widget_class, "challenges.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "challenges.save", NULL, save_action);
}

static void
sp_challenges_page_init (SpChallengesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_today (self);

  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (on_row_activated), self);
  sp_add_global_shortcuts (GTK_WIDGET (self),
                           "<Control>n", "challenges.new",
                           "<Control>s", "challenges.save",
                           NULL);
  set_actions_enabled (self, FALSE);
}

GtkWidget *
sp_challenges_page_new (SpLocalStore     *store,
                        SpSyncController *controller)
{
  SpChallengesPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);

  self = g_object_new (SP_TYPE_CHALLENGES_PAGE, NULL);
  self->store = g_object_ref (store);
  self->controller = g_object_ref (controller);

  sp_record_editor_set_store (SP_RECORD_EDITOR (self->editor), store);
  sp_challenge_figures_set_store (self->figures, store);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->records = sp_record_list_new (GTK_WIDGET (self), &record_funcs, store, ENTITY_CHALLENGE,
                                      "title", TRUE, self->list_view, self->editor_stack, self->editor);
  g_signal_connect_object (controller, "notify::roles", G_CALLBACK (on_account_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::user", G_CALLBACK (on_account_changed), self,
                           G_CONNECT_SWAPPED);
  on_account_changed (self);
  return GTK_WIDGET (self);
}
