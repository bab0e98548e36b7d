/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-faq-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-entity.h"
#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-row.h"
#include "sp-record-list.h"
#include "sp-bot-test-pane.h"
#include "sp-faq-editor.h"
#include "sp-faq-page.h"
#include "sp-city-time.h"

#define SP_ENTITY_FAQ "faq"

/* Positions in the filter drop-downs. */
enum { STATUS_ALL, STATUS_DRAFT, STATUS_PUBLISHED, STATUS_EXPIRED };
enum { LANGUAGE_ALL, LANGUAGE_DE, LANGUAGE_EN };

struct _SpFaqPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpRecordList       *records;
  GtkCustomFilter    *filter;
  char               *today;          /* YYYY-MM-DD for "expired" */
  gboolean            editable;

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

/* Flags of a switch: add the taken-over question as an alternative. */
#define OPEN_ADD_QUESTION 1

/* After the editor loaded @id (NULL: a new entry). */
static void
on_entry_opened (gpointer    page,
                 const char *id,
                 guint       flags)
{
  SpFaqPage *self = page;

  adw_leaflet_set_visible_child_name (self->leaflet, "content");

  if (self->question != NULL && self->editable)
    {
      if (id == NULL)
        sp_faq_editor_set_question (self->editor, self->question);
      else if (flags & OPEN_ADD_QUESTION)
        sp_faq_editor_add_alternative (self->editor, self->question);
    }
}

static void
on_entry_reselected (gpointer page)
{
  adw_leaflet_set_visible_child_name (SP_FAQ_PAGE (page)->leaflet, "content");
}

/* Enter (or a click on the selected row when the page is narrow). */
static void
on_row_activated (SpFaqPage *self,
                  guint      position)
{
  g_autoptr(SpRow) row = g_list_model_get_item (sp_record_list_get_shown (self->records), position);

  if (row != NULL)
    sp_record_list_choose (self->records, sp_row_get_id (row));
}

static void
update_empty_state (gpointer page)
{
  SpFaqPage *self = page;

  sp_record_list_update_empty_state (self->records, self->list_stack, self->empty_page,
                                     _("Try a different search or other filters."),
                                     "dialog-question-symbolic",
                                     _("No FAQ Entries Yet"),
                                     self->editable
                                     ? _("Create the first answer of the chat and voice bot with the + button.")
                                     : _("The editorial team has not written answers for the bot yet."));
}

static void
on_editor_saved (SpFaqPage  *self,
                 const char *id)
{
  if (!sp_record_list_editor_is_open (self->records))
    sp_record_list_open (self->records, id, 0);  /* brought back by "Undo" */
  sp_record_list_sync_selection (self->records);

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
  sp_record_list_close (self->records);
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

  if (sp_record_list_editor_is_open (self->records) &&
      g_strcmp0 (id, sp_record_editor_get_row_id (SP_RECORD_EDITOR (self->editor))) == 0)
    {
      if (add)
        sp_faq_editor_add_alternative (self->editor, self->question);
      return;
    }

  /* The new entry prefilled with the question is not wanted then. */
  if (add && sp_record_editor_get_row_id (SP_RECORD_EDITOR (self->editor)) == NULL)
    sp_record_editor_load (SP_RECORD_EDITOR (self->editor), NULL);

  sp_record_list_switch_to (self->records, id, add ? OPEN_ADD_QUESTION : 0);
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
  g_free (self->today);
  self->today = sp_city_today ();
}

static void
on_filter_changed (SpFaqPage *self)
{
  gboolean all = gtk_drop_down_get_selected (self->status_filter) == STATUS_ALL &&
                 gtk_drop_down_get_selected (self->language_filter) == LANGUAGE_ALL;

  if (self->records == NULL)
    return;

  update_today (self);
  /* Without a filter the list passes the SQLite-backed model through
   * untouched (no row is read that is not shown). */
  sp_record_list_set_filter (self->records, all ? NULL : GTK_FILTER (self->filter));
}

static void
on_search_changed (SpFaqPage *self)
{
  /* GtkSearchEntry debounces ::search-changed (150 ms). */
  sp_row_list_model_set_search (sp_record_list_get_model (self->records),
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_activate (SpFaqPage *self)
{
  sp_record_list_open_first (self->records);
}

static void
on_search_stop (SpFaqPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* List rows */

static void
bind_row (gpointer     page,
          GtkListItem *item,
          SpRow       *row)
{
  SpFaqPage *self = page;
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

static const SpRecordListFuncs record_funcs = {
  .bind_row = bind_row,
  .update_empty = update_empty_state,
  .opened = on_entry_opened,
  .reselected = on_entry_reselected,
  .gone_message = N_("The FAQ entry no longer exists"),
  .invalid_message = N_("The FAQ entry has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
};

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SpFaqPage *self = SP_FAQ_PAGE (widget);

  if (self->editable)
    sp_record_list_new_record (self->records);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_record_list_save (SP_FAQ_PAGE (widget)->records);
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
  sp_record_editor_set_editable (SP_RECORD_EDITOR (self->editor), self->editable);
  set_actions_enabled (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
  gtk_widget_set_visible (self->none_new_button, self->editable);
  adw_status_page_set_description (self->none_page,
                                   self->editable
                                   ? _("Select an entry in the list or create a new one.")
                                   : _("Select an entry in the list to read it."));
  if (!self->editable && self->records != NULL && sp_record_list_editor_is_open (self->records) &&
      sp_record_editor_get_row_id (SP_RECORD_EDITOR (self->editor)) == NULL)
    gtk_stack_set_visible_child_name (self->editor_stack, "none");
  if (self->records != NULL)
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

  if (sp_record_list_editor_is_open (self->records) &&
      sp_record_editor_get_row_id (SP_RECORD_EDITOR (self->editor)) == NULL &&
      !sp_record_editor_get_dirty (SP_RECORD_EDITOR (self->editor)))
    sp_record_list_open (self->records, NULL, 0);
  else
    sp_record_list_switch_to (self->records, NULL, 0);
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
  if (self->records != NULL && self->editable)
    sp_record_list_save_valid (self->records);

  GTK_WIDGET_CLASS (sp_faq_page_parent_class)->unmap (widget);
}

static void
sp_faq_page_constructed (GObject *object)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

  G_OBJECT_CLASS (sp_faq_page_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  sp_record_editor_set_store (SP_RECORD_EDITOR (self->editor), self->store);
  sp_bot_test_pane_set_store (self->test_pane, self->store);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->records = sp_record_list_new (GTK_WIDGET (self), &record_funcs, self->store,
                                      SP_ENTITY_FAQ, "question", TRUE,
                                      self->list_view, self->editor_stack, self->editor);
  sp_faq_page_set_roles (self, NULL);
}

static void
sp_faq_page_dispose (GObject *object)
{
  SpFaqPage *self = SP_FAQ_PAGE (object);

  if (self->records != NULL)
    sp_record_list_detach (self->records);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FAQ_PAGE);

  g_clear_object (&self->records);
  g_clear_object (&self->filter);
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
sp_faq_page_init (SpFaqPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_today (self);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (on_row_activated), self);
  /* The test pane is shown where there is room; it folds over the editor
   * on narrow windows, where the flap hides it until asked for. */
  g_object_bind_property (self->flap, "reveal-flap", self->test_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  /* Window-wide while the page is shown (the actions are disabled else). */
  sp_add_global_shortcuts (GTK_WIDGET (self),
                           "<Control>n", "faq.new",
                           "<Control>s", "faq.save",
                           "<Control>f", "faq.search",
                           "<Control>t", "faq.test",
                           NULL);

  set_actions_enabled (self, FALSE);
}

GtkWidget *
sp_faq_page_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_FAQ_PAGE, "store", store, NULL);
}
