/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-surveys-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-list-row.h"
#include "sp-record-list.h"
#include "sp-row.h"
#include "sp-survey-designer.h"
#include "sp-surveys-page.h"
#include "sp-city-time.h"

struct _SpSurveysPage
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpServerAccessFunc  access;
  gpointer            access_data;
  GDestroyNotify      access_data_destroy;
  SpRecordList       *records;
  char               *today;

  GtkStack           *stack;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  SpSurveyDesigner   *designer;
};

G_DEFINE_FINAL_TYPE (SpSurveysPage, sp_surveys_page, ADW_TYPE_BIN)

static void
update_today (SpSurveysPage *self)
{
  g_free (self->today);
  self->today = sp_city_today ();
}

static guint
count_questions (SpSurveysPage *self,
                 const char    *survey_id)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                                      "SELECT count(*) FROM survey_question"
                                      " WHERE survey_id = ?1 AND deleted = 0", &error);
  guint count = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, survey_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return count;
}

static void
bind_row (gpointer     page,
          GtkListItem *item,
          SpRow       *row)
{
  SpSurveysPage *self = page;
  const char *title = sp_row_get_string (row, "title");
  const char *status = sp_row_get_string (row, "status");
  const char *opens = sp_row_get_string (row, "opens");
  const char *closes = sp_row_get_string (row, "closes");
  gboolean code = g_strcmp0 (sp_row_get_string (row, "access"), "code") == 0;
  gboolean english = *sp_row_get_string (row, "title_en") != '\0';
  guint n = count_questions (self, sp_row_get_id (row));
  g_autofree char *dates = NULL;
  g_autofree char *questions = g_strdup_printf (ngettext ("%u question", "%u questions", n), n);
  g_autofree char *details = NULL;
  const char *badge = NULL, *badge_class = "accent", *tooltip = NULL;

  if (*opens && *closes)
    dates = g_strdup_printf (_("%s to %s"), opens, closes);
  else if (*opens)
    dates = g_strdup_printf (_("from %s"), opens);
  else if (*closes)
    dates = g_strdup_printf (_("until %s"), closes);
  else
    dates = g_strdup (_("no end date"));
  details = g_strdup_printf ("%s · %s · %s%s", dates, questions,
                             code ? _("access codes") : _("public"),
                             english ? _(" · German and English") : "");

  if (g_strcmp0 (status, "closed") == 0 || (g_strcmp0 (status, "published") == 0 && *closes &&
                                            g_strcmp0 (closes, self->today) < 0))
    {
      badge = _("Closed");
      badge_class = "dim";
      tooltip = _("Citizens can no longer answer");
    }
  else if (g_strcmp0 (status, "published") == 0)
    {
      gboolean waiting = *opens && g_strcmp0 (opens, self->today) > 0;

      badge = waiting ? _("Scheduled") : C_("survey state", "Open");
      badge_class = "success";
      tooltip = waiting ? _("Published; opens later") : _("Citizens can answer now");
    }
  else
    {
      badge = _("Draft");
      tooltip = _("Not visible to citizens");
    }

  sp_list_row_update (gtk_list_item_get_child (item),
                      *title ? title : _("Untitled survey"), details,
                      badge, badge_class, tooltip, sp_row_get_pending (row));
}

static void
update_empty_state (gpointer page)
{
  SpSurveysPage *self = page;

  sp_record_list_update_empty_state (self->records, self->list_stack, self->empty_page,
                                     _("Try a different search."),
                                     "view-list-bullet-symbolic",
                                     _("No Surveys Yet"),
                                     _("Create a survey with “New Survey”: questions of nine types, pages, conditions, German and English. It works offline and reaches the server with the next sync."));
}

static void
on_opened (gpointer    page,
           const char *id,
           guint       flags)
{
}

static const SpRecordListFuncs record_funcs = {
  .load = SP_RECORD_FUNC (sp_survey_designer_load),
  .refresh = SP_RECORD_FUNC (sp_survey_designer_refresh),
  .save = SP_RECORD_FUNC (sp_survey_designer_save),
  .validate = SP_RECORD_FUNC (sp_survey_designer_validate),
  .get_dirty = SP_RECORD_FUNC (sp_survey_designer_get_dirty),
  .get_row_id = SP_RECORD_FUNC (sp_survey_designer_get_row_id),
  .focus_first = SP_RECORD_FUNC (sp_survey_designer_focus_first),
  .bind_row = bind_row,
  .update_empty = update_empty_state,
  .opened = on_opened,
  .gone_message = N_("The survey no longer exists"),
  .invalid_message = N_("The survey has errors and cannot be saved. Keep editing to fix them, or discard your changes."),
};

static void
on_row_activated (SpSurveysPage *self,
                  guint          position)
{
  g_autoptr(SpRow) row = g_list_model_get_item (sp_record_list_get_shown (self->records), position);

  if (row != NULL)
    sp_record_list_choose (self->records, sp_row_get_id (row));
}

static void
on_search_changed (SpSurveysPage *self)
{
  sp_row_list_model_set_search (sp_record_list_get_model (self->records),
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_empty_state (self);
}

static void
on_search_activate (SpSurveysPage *self)
{
  sp_record_list_open_first (self->records);
}

static void
on_designer_saved (SpSurveysPage *self,
                   const char    *id)
{
  sp_record_list_sync_selection (self->records);
}

static void
on_designer_deleted (SpSurveysPage *self,
                     const char    *id)
{
  sp_record_list_close (self->records);
}

static void
on_designer_duplicated (SpSurveysPage *self,
                        const char    *id)
{
  sp_record_list_open (self->records, id, 0);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     SpSurveysPage    *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    sp_record_list_close (self->records);
  else
    sp_survey_designer_validate (self->designer, TRUE);
}

/* Back to the list: valid edits are kept, invalid ones need a decision. */
static void
on_designer_back (SpSurveysPage *self)
{
  if (!sp_survey_designer_get_dirty (self->designer))
    {
      sp_record_list_close (self->records);
      return;
    }
  if (sp_survey_designer_validate (self->designer, FALSE))
    {
      if (sp_survey_designer_save (self->designer))
        sp_record_list_close (self->records);
      return;
    }
  sp_form_ask_discard (GTK_WIDGET (self), _(record_funcs.invalid_message),
                       G_CALLBACK (on_discard_response), self);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  sp_record_list_new_record (SP_SURVEYS_PAGE (widget)->records);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpSurveysPage *self = SP_SURVEYS_PAGE (widget);

  if (sp_record_list_editor_is_open (self->records))
    on_designer_back (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
set_actions_enabled (SpSurveysPage *self,
                     gboolean       enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "surveys.new", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "surveys.search", enabled);
}

static void
sp_surveys_page_map (GtkWidget *widget)
{
  SpSurveysPage *self = SP_SURVEYS_PAGE (widget);

  GTK_WIDGET_CLASS (sp_surveys_page_parent_class)->map (widget);
  update_today (self);
  set_actions_enabled (self, TRUE);
}

static void
sp_surveys_page_unmap (GtkWidget *widget)
{
  SpSurveysPage *self = SP_SURVEYS_PAGE (widget);

  set_actions_enabled (self, FALSE);
  if (self->records != NULL)
    sp_record_list_save_valid (self->records);

  GTK_WIDGET_CLASS (sp_surveys_page_parent_class)->unmap (widget);
}

/* Question and option rows change with a sync too. */
static void
on_store_changed (SpSurveysPage *self,
                  const char    *entity)
{
  if (entity != NULL && !g_str_equal (entity, "survey_question") && !g_str_equal (entity, "survey_option"))
    return;
  if (sp_record_list_editor_is_open (self->records))
    sp_survey_designer_refresh (self->designer);
  sp_row_list_model_reload (sp_record_list_get_model (self->records));
}

static void
sp_surveys_page_dispose (GObject *object)
{
  SpSurveysPage *self = SP_SURVEYS_PAGE (object);

  if (self->records != NULL)
    sp_record_list_detach (self->records);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SURVEYS_PAGE);
  g_clear_object (&self->records);
  g_clear_object (&self->store);
  if (self->access_data_destroy != NULL)
    g_clear_pointer (&self->access_data, self->access_data_destroy);

  G_OBJECT_CLASS (sp_surveys_page_parent_class)->dispose (object);
}

static void
sp_surveys_page_finalize (GObject *object)
{
  g_free (SP_SURVEYS_PAGE (object)->today);

  G_OBJECT_CLASS (sp_surveys_page_parent_class)->finalize (object);
}

static void
sp_surveys_page_class_init (SpSurveysPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_surveys_page_dispose;
  object_class->finalize = sp_surveys_page_finalize;
  widget_class->map = sp_surveys_page_map;
  widget_class->unmap = sp_surveys_page_unmap;

  g_type_ensure (SP_TYPE_SURVEY_DESIGNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/surveys/sp-surveys-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SpSurveysPage, designer);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_designer_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_designer_deleted);
  gtk_widget_class_bind_template_callback (widget_class, on_designer_back);
  gtk_widget_class_bind_template_callback (widget_class, on_designer_duplicated);

  gtk_widget_class_install_action (widget_class, "surveys.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "surveys.search", NULL, search_action);
}

static void
sp_surveys_page_init (SpSurveysPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_today (self);

  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (on_row_activated), self);
  sp_add_global_shortcuts (GTK_WIDGET (self),
                           "<Control>n", "surveys.new",
                           "<Control>f", "surveys.search",
                           NULL);
  set_actions_enabled (self, FALSE);
}

GtkWidget *
sp_surveys_page_new (SpLocalStore       *store,
                     SpServerAccessFunc  access,
                     gpointer            access_data,
                     GDestroyNotify      access_data_destroy)
{
  SpSurveysPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_SURVEYS_PAGE, NULL);
  self->store = g_object_ref (store);
  self->access = access;
  self->access_data = access_data;
  self->access_data_destroy = access_data_destroy;
  sp_survey_designer_set_store (self->designer, store);
  sp_survey_designer_set_access (self->designer, access, access_data);
  self->records = sp_record_list_new (GTK_WIDGET (self), &record_funcs, store, "survey", "title",
                                      FALSE, self->list_view, self->stack, self->designer);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  update_empty_state (self);
  return GTK_WIDGET (self);
}
