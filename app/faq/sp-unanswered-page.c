/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-unanswered-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-unanswered-page.h"

#define LIST_PATH "/api/v1/bot/unanswered?state=open"

struct _SpUnansweredPage
{
  AdwBin              parent_instance;

  SpServerAccessFunc  server_func;
  gpointer            server_data;
  GDestroyNotify      server_destroy;
  GCancellable       *cancellable;
  guint               n_open;

  GtkLabel           *count_label;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *message_page;
  GtkListBox         *list;
};

G_DEFINE_FINAL_TYPE (SpUnansweredPage, sp_unanswered_page, ADW_TYPE_BIN)

enum {
  CREATE_FAQ,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_count (SpUnansweredPage *self)
{
  g_autofree char *text = NULL;

  if (self->n_open == 0)
    text = g_strdup (_("No open questions"));
  else
    text = g_strdup_printf (ngettext ("%u open question", "%u open questions", self->n_open),
                            self->n_open);
  gtk_label_set_text (self->count_label, text);
}

static void
show_message (SpUnansweredPage *self,
              const char       *icon,
              const char       *title,
              const char       *description,
              gboolean          retry)
{
  GtkWidget *button = adw_status_page_get_child (self->message_page);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  adw_status_page_set_icon_name (self->message_page, icon);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_widget_set_visible (button, retry);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
show_empty (SpUnansweredPage *self)
{
  self->n_open = 0;
  update_count (self);
  show_message (self, "emblem-ok-symbolic", _("No Questions Without Answer"),
                _("The bot has answered every question citizens asked, or the editorial team has handled them."),
                FALSE);
}

static gboolean
get_access (SpUnansweredPage  *self,
            char             **base_url,
            char             **token,
            char             **ca_file)
{
  if (self->server_func != NULL && self->server_func (self->server_data, base_url, token, ca_file))
    return TRUE;

  show_message (self, "system-users-symbolic", _("Not Signed In"),
                _("Sign in with an editor account to see the questions the bot could not answer."),
                TRUE);
  gtk_label_set_text (self->count_label, "");
  return FALSE;
}

/* Setting a state */

typedef struct
{
  SpUnansweredPage *self;
  char             *id;
  char             *state;
  GtkWidget        *row;    /* removed on success; NULL: none shown */
  char             *done_message;
} StateRequest;

static void
state_request_free (StateRequest *r)
{
  g_object_unref (r->self);
  g_clear_object (&r->row);
  g_free (r->id);
  g_free (r->state);
  g_free (r->done_message);
  g_free (r);
}

static void
state_request_notify (gpointer  data,
                      GClosure *closure)
{
  state_request_free (data);
}

static void set_state (SpUnansweredPage *self,
                       const char       *id,
                       const char       *state,
                       GtkWidget        *row,
                       const char       *done_message);

static void
on_undo_clicked (AdwToast     *toast,
                 StateRequest *r)
{
  set_state (r->self, r->id, "open", NULL, NULL);
}

static void
on_state_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StateRequest *r = user_data;
  SpUnansweredPage *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      state_request_free (r);
      return;
    }
  if (node == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not change the question: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), msg);
      if (r->row != NULL)
        gtk_widget_set_sensitive (r->row, TRUE);
      state_request_free (r);
      return;
    }

  if (g_str_equal (r->state, "open"))
    {
      /* Undone: show it again. */
      sp_unanswered_page_reload (self);
      state_request_free (r);
      return;
    }

  if (r->row != NULL && gtk_widget_get_parent (r->row) == GTK_WIDGET (self->list))
    {
      gtk_list_box_remove (self->list, r->row);
      if (self->n_open > 0)
        self->n_open--;
      update_count (self);
      if (gtk_widget_get_first_child (GTK_WIDGET (self->list)) == NULL)
        show_empty (self);
    }
  if (r->done_message != NULL)
    {
      AdwToast *toast = adw_toast_new (r->done_message);

      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked),
                             r, state_request_notify, 0);
      sp_form_add_toast (GTK_WIDGET (self), toast);
      return;
    }
  state_request_free (r);
}

static void
set_state (SpUnansweredPage *self,
           const char       *id,
           const char       *state,
           GtkWidget        *row,
           const char       *done_message)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;
  g_autofree char *escaped = g_uri_escape_string (id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/bot/unanswered/%s", escaped);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  StateRequest *r;

  if (self->server_func == NULL ||
      !self->server_func (self->server_data, &base_url, &token, &ca_file))
    {
      sp_form_show_toast (GTK_WIDGET (self), _("Sign in to change the questions."));
      json_object_unref (object);
      return;
    }

  json_object_set_string_member (object, "state", state);
  json_node_take_object (body, object);

  r = g_new0 (StateRequest, 1);
  r->self = g_object_ref (self);
  r->id = g_strdup (id);
  r->state = g_strdup (state);
  r->row = row ? g_object_ref (row) : NULL;
  r->done_message = g_strdup (done_message);
  if (row != NULL)
    gtk_widget_set_sensitive (row, FALSE);

  sp_api_client_request_json_async (base_url, token, ca_file, "POST", path, body,
                                    self->cancellable, on_state_set, r);
}

static GtkWidget *
row_for_id (SpUnansweredPage *self,
            const char       *id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "id"), id) == 0)
      return row;
  return NULL;
}

void
sp_unanswered_page_mark_done (SpUnansweredPage *self,
                              const char       *id)
{
  g_return_if_fail (SP_IS_UNANSWERED_PAGE (self));
  g_return_if_fail (id != NULL);

  set_state (self, id, "done", row_for_id (self, id), _("Question marked as answered"));
}

static void
on_create_clicked (GtkButton *button,
                   GtkWidget *row)
{
  SpUnansweredPage *self = SP_UNANSWERED_PAGE (gtk_widget_get_ancestor (row, SP_TYPE_UNANSWERED_PAGE));

  g_signal_emit (self, signals[CREATE_FAQ], 0,
                 g_object_get_data (G_OBJECT (row), "text"),
                 g_object_get_data (G_OBJECT (row), "id"));
}

static void
on_done_clicked (GtkButton *button,
                 GtkWidget *row)
{
  SpUnansweredPage *self = SP_UNANSWERED_PAGE (gtk_widget_get_ancestor (row, SP_TYPE_UNANSWERED_PAGE));

  set_state (self, g_object_get_data (G_OBJECT (row), "id"), "done", row,
             _("Question marked as answered"));
}

static void
on_dismiss_clicked (GtkButton *button,
                    GtkWidget *row)
{
  SpUnansweredPage *self = SP_UNANSWERED_PAGE (gtk_widget_get_ancestor (row, SP_TYPE_UNANSWERED_PAGE));

  set_state (self, g_object_get_data (G_OBJECT (row), "id"), "dismissed", row,
             _("Question dismissed"));
}

/* Loading */

/* The visible label names the button (an extra accessible label would be
 * read out twice with GTK 4.8); the row names the question. */
static GtkWidget *
action_button (const char *label,
               GCallback   callback,
               GtkWidget  *row)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_signal_connect (button, "clicked", callback, row);
  return button;
}

static GtkWidget *
question_row (JsonObject *question)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text_label, *meta_label, *create;
  const char *text = sp_json_get_string_or (question, "text", "");
  const char *language = sp_json_get_string_or (question, "language", "de");
  gint64 count = sp_json_get_int_or (question, "count", 1);
  gint64 last_seen = sp_json_get_int_or (question, "last_seen", 0);
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_local (last_seen);
  g_autofree char *when = last ? g_date_time_format (last, "%x, %H:%M") : g_strdup ("");
  guint times = (guint) CLAMP (count, 1, G_MAXUINT);
  g_autofree char *asked = g_strdup_printf (ngettext ("Asked %u time", "Asked %u times", times), times);
  g_autofree char *meta = g_strdup_printf (_("%s · last on %s · %s"), asked, when,
                                           g_str_equal (language, "en") ? _("English") : _("German"));
  g_autofree char *accessible = g_strdup_printf ("%s, %s", text, meta);
  gint64 id = 0;

  sp_json_get_int (question, "id", &id);
  g_object_set_data_full (G_OBJECT (row), "id", g_strdup_printf ("%" G_GINT64_FORMAT, id), g_free);
  g_object_set_data_full (G_OBJECT (row), "text", g_strdup (text), g_free);

  text_label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text_label), FALSE);
  gtk_box_append (GTK_BOX (box), text_label);

  meta_label = gtk_label_new (meta);
  gtk_label_set_xalign (GTK_LABEL (meta_label), 0);
  gtk_label_set_wrap (GTK_LABEL (meta_label), TRUE);
  gtk_widget_add_css_class (meta_label, "dim-label");
  gtk_widget_add_css_class (meta_label, "caption");
  gtk_box_append (GTK_BOX (box), meta_label);

  create = action_button (_("Create FAQ Entry"), G_CALLBACK (on_create_clicked), row);
  gtk_widget_add_css_class (create, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), create);
  gtk_box_append (GTK_BOX (buttons),
                  action_button (_("Done"), G_CALLBACK (on_done_clicked), row));
  gtk_box_append (GTK_BOX (buttons),
                  action_button (_("Dismiss"), G_CALLBACK (on_dismiss_clicked), row));
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SpUnansweredPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *questions = NULL;
  GtkWidget *child;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (node == NULL)
    {
      gtk_label_set_text (self->count_label, "");
      if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
        show_message (self, "network-offline-symbolic", _("Server Not Reachable"),
                      _("The questions are kept on the server. Everything else works offline; try again when the connection is back."),
                      TRUE);
      else if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN) ||
               g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
        show_message (self, "dialog-password-symbolic", _("Not Allowed"),
                      _("Only the editorial team (editor or admin role) sees the questions without answer."),
                      TRUE);
      else
        show_message (self, "dialog-warning-symbolic", _("Could Not Load the Questions"),
                      error->message, TRUE);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "questions") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (node), "questions")))
    questions = json_object_get_array_member (json_node_get_object (node), "questions");
  if (questions == NULL)
    {
      gtk_label_set_text (self->count_label, "");
      show_message (self, "dialog-warning-symbolic", _("Could Not Load the Questions"),
                    _("The server sent an answer this version does not understand."), TRUE);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < json_array_get_length (questions); i++)
    {
      JsonNode *item = json_array_get_element (questions, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        gtk_list_box_append (self->list, question_row (json_node_get_object (item)));
    }

  self->n_open = json_array_get_length (questions);
  if (self->n_open == 0)
    {
      show_empty (self);
      return;
    }
  update_count (self);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

void
sp_unanswered_page_reload (SpUnansweredPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;

  g_return_if_fail (SP_IS_UNANSWERED_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (!get_access (self, &base_url, &token, &ca_file))
    return;

  /* Keep showing the list while it reloads; a spinner only the first time. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") != 0)
    {
      gtk_spinner_set_spinning (self->spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", LIST_PATH, NULL,
                                    self->cancellable, on_loaded, g_object_ref (self));
}

static void
sp_unanswered_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sp_unanswered_page_parent_class)->map (widget);

  /* Fresh questions whenever the page is shown. */
  sp_unanswered_page_reload (SP_UNANSWERED_PAGE (widget));
}

static void
sp_unanswered_page_dispose (GObject *object)
{
  SpUnansweredPage *self = SP_UNANSWERED_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_UNANSWERED_PAGE);

  G_OBJECT_CLASS (sp_unanswered_page_parent_class)->dispose (object);
}

static void
sp_unanswered_page_class_init (SpUnansweredPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_unanswered_page_dispose;
  widget_class->map = sp_unanswered_page_map;

  signals[CREATE_FAQ] =
    g_signal_new ("create-faq", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-unanswered-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpUnansweredPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SpUnansweredPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SpUnansweredPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpUnansweredPage, message_page);
  gtk_widget_class_bind_template_child (widget_class, SpUnansweredPage, list);
  gtk_widget_class_bind_template_callback (widget_class, sp_unanswered_page_reload);
}

static void
sp_unanswered_page_init (SpUnansweredPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_count (self);
}

GtkWidget *
sp_unanswered_page_new (SpServerAccessFunc server_func,
                        gpointer           user_data,
                        GDestroyNotify     destroy)
{
  SpUnansweredPage *self = g_object_new (SP_TYPE_UNANSWERED_PAGE, NULL);

  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  return GTK_WIDGET (self);
}
