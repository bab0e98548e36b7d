/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-faq-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-row.h"
#include "sp-row-list-model.h"
#include "sp-split-model.h"
#include "sp-bot-test-pane.h"
#include "sp-faq-editor.h"
#include "sp-faq-page.h"

#define SP_ENTITY_FAQ "faq"

/* Positions in the filter drop-downs. */
enum { STATUS_ALL, STATUS_DRAFT, STATUS_PUBLISHED, STATUS_EXPIRED };
enum { LANGUAGE_ALL, LANGUAGE_DE, LANGUAGE_EN };

struct _SpFaqPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpRowListModel     *model;
  SpSplitModel       *split;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  gulong              changed_handler;
  char               *today;          /* YYYY-MM-DD for "expired" */
  gboolean            editable;
  guint               updating_selection;

  /* A question taken over from "Questions without answer". */
  char               *question;
  char               *unanswered_id;

  AdwLeaflet         *leaflet;
  GtkWidget          *back_button;
  GtkSearchEntry     *search_entry;
  GtkToggleButton    *test_toggle;
  GtkDropDown        *status_filter;
  GtkDropDown        *language_filter;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  AdwFlap            *flap;
  GtkRevealer        *question_revealer;
  GtkLabel           *question_label;
  GtkStack           *editor_stack;
  AdwStatusPage      *none_page;
  GtkWidget          *none_new_button;
  SpFaqEditor        *editor;
  SpBotTestPane      *test_pane;
};

G_DEFINE_FINAL_TYPE (SpFaqPage, sp_faq_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  QUESTION_ANSWERED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What to do once the editor may change rows. */
typedef struct
{
  SpFaqPage *self;
  char      *target_id;    /* NULL: a new entry */
  gboolean   add_question; /* the taken-over question as an alternative */
} PendingSwitch;

static void
pending_switch_free (PendingSwitch *p)
{
  g_clear_object (&p->self);
  g_free (p->target_id);
  g_free (p);
}

static gboolean
editor_is_open (SpFaqPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->editor_stack), "editor") == 0;
}

static void
select_position (SpFaqPage *self,
                 guint      position)
{
  self->updating_selection++;
  gtk_single_selection_set_selected (self->selection, position);
  self->updating_selection--;

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* The position of @id in the filtered list, or GTK_INVALID_LIST_POSITION. */
static guint
find_position (SpFaqPage  *self,
               const char *id)
{
  int pos = sp_row_list_model_find (self->model, id);
  guint n;

  if (pos < 0)
    return GTK_INVALID_LIST_POSITION;
  if (gtk_filter_list_model_get_filter (self->filtered) == NULL)
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

static void
sync_selection (SpFaqPage *self)
{
  const char *id = editor_is_open (self) ? sp_faq_editor_get_row_id (self->editor) : NULL;
  guint position = GTK_INVALID_LIST_POSITION;
  SpRow *selected = gtk_single_selection_get_selected_item (self->selection);

  if (id != NULL)
    {
      if (selected != NULL && g_strcmp0 (sp_row_get_id (selected), id) == 0)
        return;
      position = find_position (self, id);
    }
  if (gtk_single_selection_get_selected (self->selection) != position)
    select_position (self, position);
}

static void
update_question_banner (SpFaqPage *self)
{
  if (self->question != NULL)
    {
      g_autofree char *text =
        g_strdup_printf (_("Unanswered question: “%s”. Save to add it as a new entry, or click a match of the bot test to add it to that entry as an alternative phrasing."),
                         self->question);

      gtk_label_set_text (self->question_label, text);
    }
  gtk_revealer_set_reveal_child (self->question_revealer, self->question != NULL);
}

static void
forget_question (SpFaqPage *self)
{
  g_clear_pointer (&self->question, g_free);
  g_clear_pointer (&self->unanswered_id, g_free);
  update_question_banner (self);
}

static void
open_entry (SpFaqPage  *self,
            const char *id,
            gboolean    add_question)
{
  if (!sp_faq_editor_load (self->editor, id) && id != NULL)
    {
      sp_form_show_toast (GTK_WIDGET (self), _("The FAQ entry no longer exists"));
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
      sync_selection (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->editor_stack, "editor");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  sync_selection (self);

  if (self->question != NULL && self->editable)
    {
      if (id == NULL)
        sp_faq_editor_set_question (self->editor, self->question);
      else if (add_question)
        sp_faq_editor_add_alternative (self->editor, self->question);
    }

  if (id == NULL)
    sp_faq_editor_focus_question (self->editor);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  PendingSwitch *p = user_data;

  if (g_strcmp0 (response, "discard") == 0)
    open_entry (p->self, p->target_id, p->add_question);
  else
    sp_faq_editor_validate (p->self->editor, TRUE);

  pending_switch_free (p);
}

/* Leaves the current entry for @id (NULL: a new one), guarding unsaved
 * changes: valid ones are saved, invalid ones ask. */
static void
switch_to (SpFaqPage  *self,
           const char *id,
           gboolean    add_question)
{
  PendingSwitch *p;

  if (!editor_is_open (self) || !sp_faq_editor_get_dirty (self->editor))
    {
      open_entry (self, id, add_question);
      return;
    }

  if (sp_faq_editor_validate (self->editor, FALSE))
    {
      gboolean saved;

      self->updating_selection++;
      saved = sp_faq_editor_save (self->editor);
      self->updating_selection--;
      if (saved)
        open_entry (self, id, add_question);
      else
        sync_selection (self);
      return;
    }

  sync_selection (self);
  p = g_new0 (PendingSwitch, 1);
  p->self = g_object_ref (self);
  p->target_id = g_strdup (id);
  p->add_question = add_question;
  sp_form_ask_discard (GTK_WIDGET (self),
                       _("The FAQ entry has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
                       G_CALLBACK (on_discard_response), p);
}

static void
on_selection_changed (SpFaqPage *self)
{
  g_autofree char *id = NULL;
  SpRow *row;

  if (self->updating_selection > 0)
    return;

  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return;

  /* A copy: saving on the way out reloads the list and drops @row. */
  id = g_strdup (sp_row_get_id (row));
  if (editor_is_open (self) && g_strcmp0 (id, sp_faq_editor_get_row_id (self->editor)) == 0)
    {
      adw_leaflet_set_visible_child_name (self->leaflet, "content");
      return;
    }

  switch_to (self, id, FALSE);
}

/* Enter (or a click on the selected row when the page is narrow). */
static void
on_row_activated (SpFaqPage *self,
                  guint      position)
{
  g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  g_autofree char *id = NULL;

  if (row == NULL)
    return;
  id = g_strdup (sp_row_get_id (row));
  if (editor_is_open (self) && g_strcmp0 (id, sp_faq_editor_get_row_id (self->editor)) == 0)
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  else
    switch_to (self, id, FALSE);
}

static void
update_empty_state (SpFaqPage *self)
{
  const char *search = sp_row_list_model_get_search (self->model);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  if ((search != NULL && *search != '\0') || gtk_filter_list_model_get_filter (self->filtered) != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Results"));
      adw_status_page_set_description (self->empty_page, _("Try a different search or other filters."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-question-symbolic");
      adw_status_page_set_title (self->empty_page, _("No FAQ Entries Yet"));
      adw_status_page_set_description (self->empty_page,
                                       self->editable
                                       ? _("Create the first answer of the chat and voice bot with the + button.")
                                       : _("The editorial team has not written answers for the bot yet."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
on_items_changed (SpFaqPage *self)
{
  if (sp_split_model_in_split (self->split))
    return;

  update_empty_state (self);
  sync_selection (self);
}

static void
on_store_changed (SpFaqPage  *self,
                  const char *entity)
{
  if (entity != NULL && g_strcmp0 (entity, SP_ENTITY_FAQ) != 0)
    return;

  /* A sync may have changed or deleted the open row. Unsaved edits stay. */
  if (editor_is_open (self) && !sp_faq_editor_refresh (self->editor) &&
      !sp_faq_editor_get_dirty (self->editor))
    {
      sp_faq_editor_load (self->editor, NULL);
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
    }
}

static void
on_editor_saved (SpFaqPage  *self,
                 const char *id)
{
  if (!editor_is_open (self))
    open_entry (self, id, FALSE);  /* brought back by "Undo" */
  sync_selection (self);

  if (self->question != NULL)
    {
      g_autofree char *unanswered_id = g_steal_pointer (&self->unanswered_id);

      forget_question (self);
      if (unanswered_id != NULL)
        g_signal_emit (self, signals[QUESTION_ANSWERED], 0, unanswered_id);
    }
}

static void
on_editor_deleted (SpFaqPage  *self,
                   const char *id)
{
  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  select_position (self, GTK_INVALID_LIST_POSITION);
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

/* Narrow: list and editor one at a time, with a way back. */
static void
on_leaflet_folded (SpFaqPage *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

static void
on_back_clicked (SpFaqPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_match_activated (SpFaqPage  *self,
                    const char *id)
{
  gboolean add = self->question != NULL && self->editable;

  if (editor_is_open (self) && g_strcmp0 (id, sp_faq_editor_get_row_id (self->editor)) == 0)
    {
      if (add)
        sp_faq_editor_add_alternative (self->editor, self->question);
      return;
    }

  /* The new entry prefilled with the question is not wanted then. */
  if (add && sp_faq_editor_get_row_id (self->editor) == NULL)
    sp_faq_editor_load (self->editor, NULL);

  switch_to (self, id, add);
}

static void
on_forget_question (SpFaqPage *self)
{
  forget_question (self);
}

/* Search and filters */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SpFaqPage *self = user_data;
  SpRow *row = item;
  guint status = gtk_drop_down_get_selected (self->status_filter);
  guint language = gtk_drop_down_get_selected (self->language_filter);
  const char *valid_until = sp_row_get_string (row, "valid_until");
  gboolean expired = *valid_until != '\0' && g_strcmp0 (valid_until, self->today) < 0;
  gboolean published = g_strcmp0 (sp_row_get_string (row, "status"), "published") == 0;
  const char *lang = sp_row_get_string (row, "language");

  if ((status == STATUS_DRAFT && published) ||
      (status == STATUS_PUBLISHED && (!published || expired)) ||
      (status == STATUS_EXPIRED && !expired))
    return FALSE;
  if ((language == LANGUAGE_DE && g_strcmp0 (lang, "en") == 0) ||
      (language == LANGUAGE_EN && g_strcmp0 (lang, "en") != 0))
    return FALSE;
  return TRUE;
}

static void
update_today (SpFaqPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_free (self->today);
  self->today = g_date_time_format (now, "%Y-%m-%d");
}

static void
on_filter_changed (SpFaqPage *self)
{
  gboolean all = gtk_drop_down_get_selected (self->status_filter) == STATUS_ALL &&
                 gtk_drop_down_get_selected (self->language_filter) == LANGUAGE_ALL;

  if (self->filtered == NULL)
    return;

  update_today (self);
  /* Without a filter the list passes the SQLite-backed model through
   * untouched (no row is read that is not shown). */
  gtk_filter_list_model_set_filter (self->filtered, all ? NULL : GTK_FILTER (self->filter));
  if (!all)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty_state (self);
  sync_selection (self);
}

static void
on_search_changed (SpFaqPage *self)
{
  /* GtkSearchEntry debounces ::search-changed (150 ms). */
  sp_row_list_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_activate (SpFaqPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (self->filtered), 0);

      switch_to (self, sp_row_get_id (row), FALSE);
    }
}

static void
on_search_stop (SpFaqPage *self)
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
  SpFaqPage *self = user_data;
  SpRow *row = gtk_list_item_get_item (item);
  const char *question = sp_row_get_string (row, "question");
  const char *valid_until = sp_row_get_string (row, "valid_until");
  gboolean published = g_strcmp0 (sp_row_get_string (row, "status"), "published") == 0;
  gboolean expired = *valid_until != '\0' && g_strcmp0 (valid_until, self->today) < 0;
  gboolean english = g_strcmp0 (sp_row_get_string (row, "language"), "en") == 0;
  g_autofree char *validity = NULL;
  g_autofree char *details = NULL;

  if (expired)
    validity = g_strdup_printf (_("expired on %s"), valid_until);
  else if (*valid_until != '\0')
    validity = g_strdup_printf (_("valid until %s"), valid_until);
  else
    validity = g_strdup (_("no end date"));
  details = g_strdup_printf ("%s · %s", english ? _("English") : _("German"), validity);

  sp_list_row_update (gtk_list_item_get_child (item),
                      *question != '\0' ? question : _("Untitled entry"),
                      details,
                      expired ? _("Expired") : published ? NULL : _("Draft"),
                      expired ? "error" : "accent",
                      expired ? _("The bot no longer uses this entry") : published ? NULL : _("Not used by the bot yet"),
                      sp_row_get_pending (row));
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  if (!self->editable)
    return;
  if (editor_is_open (self) && sp_faq_editor_get_row_id (self->editor) == NULL &&
      !sp_faq_editor_get_dirty (self->editor))
    {
      sp_faq_editor_focus_question (self->editor);
      return;
    }
  switch_to (self, NULL, FALSE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  if (editor_is_open (self))
    sp_faq_editor_save (self->editor);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  gtk_toggle_button_set_active (self->test_toggle, TRUE);
  sp_bot_test_pane_focus (self->test_pane);
}

static void
set_actions_enabled (SpFaqPage *self,
                     gboolean   enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "faq.new", enabled && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "faq.save", enabled && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "faq.search", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "faq.test", enabled);
}

void
sp_faq_page_set_roles (SpFaqPage          *self,
                       const char * const *roles)
{
  g_return_if_fail (SP_IS_FAQ_PAGE (self));

  self->editable = roles != NULL && sp_roles_contain_any (roles, "editor,admin");
  sp_faq_editor_set_editable (self->editor, self->editable);
  set_actions_enabled (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
  gtk_widget_set_visible (self->none_new_button, self->editable);
  adw_status_page_set_description (self->none_page,
                                   self->editable
                                   ? _("Select an entry in the list or create a new one.")
                                   : _("Select an entry in the list to read it."));
  if (!self->editable && editor_is_open (self) && sp_faq_editor_get_row_id (self->editor) == NULL)
    gtk_stack_set_visible_child_name (self->editor_stack, "none");
  update_empty_state (self);
}

void
sp_faq_page_take_question (SpFaqPage  *self,
                           const char *question,
                           const char *unanswered_id)
{
  g_return_if_fail (SP_IS_FAQ_PAGE (self));
  g_return_if_fail (question != NULL);

  g_free (self->question);
  self->question = g_strdup (question);
  g_free (self->unanswered_id);
  self->unanswered_id = g_strdup (unanswered_id);
  update_question_banner (self);

  gtk_toggle_button_set_active (self->test_toggle, TRUE);
  sp_bot_test_pane_set_question (self->test_pane, question);

  if (editor_is_open (self) && sp_faq_editor_get_row_id (self->editor) == NULL &&
      !sp_faq_editor_get_dirty (self->editor))
    open_entry (self, NULL, FALSE);
  else
    switch_to (self, NULL, FALSE);
}

static void
sp_faq_page_map (GtkWidget *widget)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  GTK_WIDGET_CLASS (sp_faq_page_parent_class)->map (widget);

  set_actions_enabled (self, TRUE);
  update_today (self);
}

static void
sp_faq_page_unmap (GtkWidget *widget)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  set_actions_enabled (self, FALSE);

  /* Leaving the page keeps valid edits. */
  if (self->store != NULL && editor_is_open (self) && self->editable &&
      sp_faq_editor_get_dirty (self->editor) &&
      sp_faq_editor_validate (self->editor, FALSE))
    sp_faq_editor_save (self->editor);

  GTK_WIDGET_CLASS (sp_faq_page_parent_class)->unmap (widget);
}

static void
sp_faq_page_constructed (GObject *object)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

  G_OBJECT_CLASS (sp_faq_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  sp_faq_editor_set_store (self->editor, self->store);
  sp_bot_test_pane_set_store (self->test_pane, self->store);

  self->model = sp_row_list_model_new (self->store, SP_ENTITY_FAQ, "question");
  self->split = sp_split_model_new (G_LIST_MODEL (self->model));
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->split)), NULL);
  gtk_filter_list_model_set_incremental (self->filtered, FALSE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  self->changed_handler = g_signal_connect_object (self->store, "changed",
                                                   G_CALLBACK (on_store_changed), self,
                                                   G_CONNECT_SWAPPED);
  sp_faq_page_set_roles (self, NULL);
}

static void
sp_faq_page_dispose (GObject *object)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

  g_clear_signal_handler (&self->changed_handler, self->store);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FAQ_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->split);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_faq_page_parent_class)->dispose (object);
}

static void
sp_faq_page_finalize (GObject *object)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

  g_free (self->today);
  g_free (self->question);
  g_free (self->unanswered_id);

  G_OBJECT_CLASS (sp_faq_page_parent_class)->finalize (object);
}

static void
sp_faq_page_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

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
sp_faq_page_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

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
sp_faq_page_class_init (SpFaqPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_faq_page_constructed;
  object_class->dispose = sp_faq_page_dispose;
  object_class->finalize = sp_faq_page_finalize;
  object_class->get_property = sp_faq_page_get_property;
  object_class->set_property = sp_faq_page_set_property;

  widget_class->map = sp_faq_page_map;
  widget_class->unmap = sp_faq_page_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[QUESTION_ANSWERED] =
    g_signal_new ("question-answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SP_TYPE_FAQ_EDITOR);
  g_type_ensure (SP_TYPE_BOT_TEST_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-faq-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, test_toggle);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, language_filter);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, flap);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, question_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, question_label);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, none_page);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, none_new_button);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, editor);
  gtk_widget_class_bind_template_child (widget_class, SpFaqPage, test_pane);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_deleted);
  gtk_widget_class_bind_template_callback (widget_class, on_match_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_forget_question);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_install_action (widget_class, "faq.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "faq.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "faq.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "faq.test", NULL, test_action);
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *trigger,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                          gtk_named_action_new (action)));
}

static void
sp_faq_page_init (SpFaqPage *self)
{
  GtkListItemFactory *factory;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  update_today (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (on_row_activated), self);
  /* The test pane is shown where there is room; it folds over the editor
   * on narrow windows, where the flap hides it until asked for. */
  g_object_bind_property (self->flap, "reveal-flap", self->test_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  /* Window-wide while the page is shown (the actions are disabled else). */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>n", "faq.new");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>s", "faq.save");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>f", "faq.search");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>t", "faq.test");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  set_actions_enabled (self, FALSE);
}

GtkWidget *
sp_faq_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_FAQ_PAGE, "store", store, NULL);
}
