/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-record-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-record-list.h"
#include "sp-split-model.h"

struct _SpRecordList
{
  GObject                  parent_instance;

  /* Owned by the page, which owns this object. */
  GtkWidget               *page;
  const SpRecordListFuncs *funcs;
  GtkListView             *list_view;
  GtkStack                *editor_stack;
  gpointer                 editor;
  SpRecordListFuncs       *own_funcs; /* @funcs completed for an SpRecordEditor */

  SpLocalStore            *store;
  char                    *entity;
  SpRowListModel          *model;
  SpSplitModel            *split;
  GtkFilterListModel      *filtered;  /* NULL unless filterable */
  GtkSingleSelection      *selection;
  gulong                   changed_handler;

  /* Set while the list itself changes the selection. */
  guint                    updating_selection;
};

G_DEFINE_FINAL_TYPE (SpRecordList, sp_record_list, G_TYPE_OBJECT)

/* What to do once the editor may change rows. */
typedef struct
{
  SpRecordList *self;
  GtkWidget    *page;
  char         *target_id;  /* NULL: a new record */
  guint         flags;
} PendingSwitch;

static void
pending_switch_free (PendingSwitch *p)
{
  g_clear_object (&p->self);
  g_clear_object (&p->page);
  g_free (p->target_id);
  g_free (p);
}

gboolean
sp_record_list_editor_is_open (SpRecordList *self)
{
  g_return_val_if_fail (SP_IS_RECORD_LIST (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->editor_stack), "editor") == 0;
}

static void
select_position (SpRecordList *self,
                 guint         position)
{
  self->updating_selection++;
  gtk_single_selection_set_selected (self->selection, position);
  self->updating_selection--;

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* The position of @id in the shown list, or GTK_INVALID_LIST_POSITION. */
static guint
find_position (SpRecordList *self,
               const char   *id)
{
  int pos = sp_row_list_model_find (self->model, id);
  guint n;

  if (pos < 0)
    return GTK_INVALID_LIST_POSITION;
  if (self->filtered == NULL || gtk_filter_list_model_get_filter (self->filtered) == NULL)
    return pos;

  /* Filtered: few rows; look among them. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      if (g_strcmp0 (sp_row_get_id (row), id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
sp_record_list_sync_selection (SpRecordList *self)
{
  const char *id;
  guint position = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (SP_IS_RECORD_LIST (self));

  id = sp_record_list_editor_is_open (self) ? self->funcs->get_row_id (self->editor) : NULL;
  if (id != NULL)
    {
      /* Cheap check first: is the selected item already that row? */
      SpRow *selected = gtk_single_selection_get_selected_item (self->selection);

      if (selected != NULL && g_strcmp0 (sp_row_get_id (selected), id) == 0)
        return;
      position = find_position (self, id);
    }
  if (gtk_single_selection_get_selected (self->selection) != position)
    select_position (self, position);
}

void
sp_record_list_open (SpRecordList *self,
                     const char   *id,
                     guint         flags)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (!self->funcs->load (self->editor, id) && id != NULL)
    {
      sp_form_show_toast (self->page, _(self->funcs->gone_message));
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
      sp_record_list_sync_selection (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->editor_stack, "editor");
  sp_record_list_sync_selection (self);
  if (self->funcs->opened != NULL)
    self->funcs->opened (self->page, id, flags);

  if (id == NULL)
    self->funcs->focus_first (self->editor);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  PendingSwitch *p = user_data;

  if (g_strcmp0 (response, "discard") == 0)
    sp_record_list_open (p->self, p->target_id, p->flags);
  else
    p->self->funcs->validate (p->self->editor, TRUE);

  pending_switch_free (p);
}

void
sp_record_list_switch_to (SpRecordList *self,
                          const char   *id,
                          guint         flags)
{
  PendingSwitch *p;

  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (!sp_record_list_editor_is_open (self) || !self->funcs->get_dirty (self->editor))
    {
      sp_record_list_open (self, id, flags);
      return;
    }

  if (self->funcs->validate (self->editor, FALSE))
    {
      gboolean saved;

      /* Valid changes are saved on the way out. */
      self->updating_selection++;
      saved = self->funcs->save (self->editor);
      self->updating_selection--;
      if (saved)
        sp_record_list_open (self, id, flags);
      else
        sp_record_list_sync_selection (self);  /* the editor told why; keep the edits */
      return;
    }

  /* Stay on the current row until the user decides. */
  sp_record_list_sync_selection (self);
  p = g_new0 (PendingSwitch, 1);
  p->self = g_object_ref (self);
  p->page = g_object_ref (self->page);
  p->target_id = g_strdup (id);
  p->flags = flags;
  sp_form_ask_discard (self->page, _(self->funcs->invalid_message),
                       G_CALLBACK (on_discard_response), p);
}

void
sp_record_list_choose (SpRecordList *self,
                       const char   *id)
{
  /* A copy: saving on the way out reloads the list and drops the row. */
  g_autofree char *copy = g_strdup (id);

  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (sp_record_list_editor_is_open (self) &&
      g_strcmp0 (copy, self->funcs->get_row_id (self->editor)) == 0)
    {
      if (self->funcs->reselected != NULL)
        self->funcs->reselected (self->page);
      return;
    }

  sp_record_list_switch_to (self, copy, 0);
}

static void
on_selection_changed (SpRecordList *self)
{
  SpRow *row;

  if (self->updating_selection > 0)
    return;

  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return;  /* unselected by a reload or search: keep the editor as it is */

  sp_record_list_choose (self, sp_row_get_id (row));
}

void
sp_record_list_open_first (SpRecordList *self)
{
  GListModel *shown = sp_record_list_get_shown (self);

  if (g_list_model_get_n_items (shown) > 0)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (shown, 0);
      g_autofree char *id = g_strdup (sp_row_get_id (row));

      sp_record_list_switch_to (self, id, 0);
    }
}

void
sp_record_list_new_record (SpRecordList *self)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (sp_record_list_editor_is_open (self) && self->funcs->get_row_id (self->editor) == NULL &&
      !self->funcs->get_dirty (self->editor))
    {
      self->funcs->focus_first (self->editor);
      return;
    }
  sp_record_list_switch_to (self, NULL, 0);
}

void
sp_record_list_save (SpRecordList *self)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (sp_record_list_editor_is_open (self))
    self->funcs->save (self->editor);
}

void
sp_record_list_save_valid (SpRecordList *self)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (sp_record_list_editor_is_open (self) &&
      self->funcs->get_dirty (self->editor) &&
      self->funcs->validate (self->editor, FALSE))
    self->funcs->save (self->editor);
}

void
sp_record_list_close (SpRecordList *self)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  select_position (self, GTK_INVALID_LIST_POSITION);
}

void
sp_record_list_set_filter (SpRecordList *self,
                           GtkFilter    *filter)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));
  g_return_if_fail (self->filtered != NULL);

  gtk_filter_list_model_set_filter (self->filtered, filter);
  if (filter != NULL)
    gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
  self->funcs->update_empty (self->page);
  sp_record_list_sync_selection (self);
}

void
sp_record_list_update_empty_state (SpRecordList  *self,
                                   GtkStack      *list_stack,
                                   AdwStatusPage *empty_page,
                                   const char    *no_results_description,
                                   const char    *icon_name,
                                   const char    *title,
                                   const char    *description)
{
  const char *search;

  g_return_if_fail (SP_IS_RECORD_LIST (self));

  if (g_list_model_get_n_items (sp_record_list_get_shown (self)) > 0)
    {
      gtk_stack_set_visible_child_name (list_stack, "list");
      return;
    }

  search = sp_row_list_model_get_search (self->model);
  if ((search != NULL && *search != '\0') ||
      (self->filtered != NULL && gtk_filter_list_model_get_filter (self->filtered) != NULL))
    {
      adw_status_page_set_icon_name (empty_page, "system-search-symbolic");
      adw_status_page_set_title (empty_page, _("No Results"));
      adw_status_page_set_description (empty_page, no_results_description);
    }
  else
    {
      adw_status_page_set_icon_name (empty_page, icon_name);
      adw_status_page_set_title (empty_page, title);
      adw_status_page_set_description (empty_page, description);
    }
  gtk_stack_set_visible_child_name (list_stack, "empty");
}

static void
on_items_changed (SpRecordList *self)
{
  /* The first half of a split replacement: wait for the second. */
  if (sp_split_model_in_split (self->split))
    return;

  self->funcs->update_empty (self->page);
  sp_record_list_sync_selection (self);
}

static void
on_store_changed (SpRecordList *self,
                  const char   *entity)
{
  if (entity != NULL && g_strcmp0 (entity, self->entity) != 0)
    return;

  /* A sync may have changed or deleted the open row. Unsaved edits stay. */
  if (sp_record_list_editor_is_open (self) && !self->funcs->refresh (self->editor) &&
      !self->funcs->get_dirty (self->editor))
    {
      self->funcs->load (self->editor, NULL);
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
    }
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
  SpRecordList *self = user_data;

  self->funcs->bind_row (self->page, item, gtk_list_item_get_item (item));
}

SpRecordList *
sp_record_list_new (GtkWidget               *page,
                    const SpRecordListFuncs *funcs,
                    SpLocalStore            *store,
                    const char              *entity,
                    const char              *sort_field,
                    gboolean                 filterable,
                    GtkListView             *list_view,
                    GtkStack                *editor_stack,
                    gpointer                 editor)
{
  SpRecordList *self;
  GtkListItemFactory *factory;
  GListModel *shown;

  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  g_return_val_if_fail (funcs != NULL, NULL);
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (GTK_IS_LIST_VIEW (list_view), NULL);
  g_return_val_if_fail (GTK_IS_STACK (editor_stack), NULL);

  self = g_object_new (SP_TYPE_RECORD_LIST, NULL);
  self->page = page;
  self->funcs = funcs;
  if (funcs->load == NULL)
    {
      /* An SpRecordEditor brings its own editor functions. */
      g_return_val_if_fail (SP_IS_RECORD_EDITOR (editor), NULL);
      self->own_funcs = g_memdup2 (funcs, sizeof *funcs);
      self->own_funcs->load = SP_RECORD_FUNC (sp_record_editor_load);
      self->own_funcs->refresh = SP_RECORD_FUNC (sp_record_editor_refresh);
      self->own_funcs->save = SP_RECORD_FUNC (sp_record_editor_save);
      self->own_funcs->validate = SP_RECORD_FUNC (sp_record_editor_validate);
      self->own_funcs->get_dirty = SP_RECORD_FUNC (sp_record_editor_get_dirty);
      self->own_funcs->get_row_id = SP_RECORD_FUNC (sp_record_editor_get_row_id);
      self->own_funcs->focus_first = SP_RECORD_FUNC (sp_record_editor_focus_first);
      self->funcs = self->own_funcs;
    }
  self->list_view = list_view;
  self->editor_stack = editor_stack;
  self->editor = editor;
  self->store = g_object_ref (store);
  self->entity = g_strdup (entity);

  self->model = sp_row_list_model_new (store, entity, sort_field);
  self->split = sp_split_model_new (G_LIST_MODEL (self->model));
  shown = G_LIST_MODEL (self->split);
  if (filterable)
    {
      self->filtered = gtk_filter_list_model_new (g_object_ref (shown), NULL);
      gtk_filter_list_model_set_incremental (self->filtered, FALSE);
      shown = G_LIST_MODEL (self->filtered);
    }
  self->selection = gtk_single_selection_new (g_object_ref (shown));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, 0);
  gtk_list_view_set_factory (list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (list_view, GTK_SELECTION_MODEL (self->selection));

  /* After the selection model's own handler: restores the selection. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  self->changed_handler = g_signal_connect_object (store, "changed",
                                                   G_CALLBACK (on_store_changed), self,
                                                   G_CONNECT_SWAPPED);
  return self;
}

void
sp_record_list_detach (SpRecordList *self)
{
  g_return_if_fail (SP_IS_RECORD_LIST (self));

  g_clear_signal_handler (&self->changed_handler, self->store);
  if (self->list_view != NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_list_view_set_factory (self->list_view, NULL);
      self->list_view = NULL;
    }
}

SpRowListModel *
sp_record_list_get_model (SpRecordList *self)
{
  g_return_val_if_fail (SP_IS_RECORD_LIST (self), NULL);

  return self->model;
}

GListModel *
sp_record_list_get_shown (SpRecordList *self)
{
  g_return_val_if_fail (SP_IS_RECORD_LIST (self), NULL);

  return self->filtered != NULL ? G_LIST_MODEL (self->filtered) : G_LIST_MODEL (self->split);
}

void
sp_add_global_shortcuts (GtkWidget  *widget,
                         const char *first_trigger,
                         ...)
{
  GtkEventController *controller;
  const char *trigger;
  va_list args;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);

  va_start (args, first_trigger);
  for (trigger = first_trigger; trigger != NULL; trigger = va_arg (args, const char *))
    {
      const char *action = va_arg (args, const char *);

      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                              gtk_named_action_new (action)));
    }
  va_end (args);

  gtk_widget_add_controller (widget, controller);
}

static void
sp_record_list_dispose (GObject *object)
{
  SpRecordList *self = SP_RECORD_LIST (object);

  g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->split);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_record_list_parent_class)->dispose (object);
}

static void
sp_record_list_finalize (GObject *object)
{
  SpRecordList *self = SP_RECORD_LIST (object);

  g_free (self->entity);
  g_free (self->own_funcs);

  G_OBJECT_CLASS (sp_record_list_parent_class)->finalize (object);
}

static void
sp_record_list_class_init (SpRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_record_list_dispose;
  object_class->finalize = sp_record_list_finalize;
}

static void
sp_record_list_init (SpRecordList *self)
{
}
