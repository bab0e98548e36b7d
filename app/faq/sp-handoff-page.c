/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-handoff-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-form.h"
#include "sp-handoff-page.h"
#include "sp-json-util.h"

/* Everything here lives on the server; the page holds the last answer in
 * memory. Requests run in the API client's worker threads, so the UI never
 * waits: a newer load of the lists supersedes an older one (generation
 * counter), the open conversation is loaded by id and dropped when another
 * one was chosen meanwhile. */

#define RETRY_MIN_S      2
#define RETRY_MAX_S      60
#define POLL_FALLBACK_S  10
#define QUICK_RETURN_US  (G_USEC_PER_SEC)

struct _SpHandoffPage
{
  AdwBin              parent_instance;

  SpServerAccessFunc  server_func;
  gpointer            server_data;
  GDestroyNotify      server_destroy;

  GCancellable       *cancellable;        /* lists, conversation, posts */
  GCancellable       *events_cancellable; /* the long-poll */
  gboolean            events_running;
  gboolean            events_unsupported;
  gint64              cursor;
  gint64              events_started;     /* monotonic µs */
  guint               events_source;      /* delayed next long-poll */
  guint               retry_source;
  guint               retry_delay;
  guint               poll_source;

  guint               list_generation;
  guint               list_pending;
  GPtrArray          *next_list;          /* JsonObject */
  GError             *list_error;
  GPtrArray          *conversations;      /* JsonObject: waiting and active */
  GHashTable         *seen_waiting;       /* ids already announced */
  gboolean            loaded_once;
  guint               badge_count;

  char               *selected_id;
  JsonObject         *selected;           /* the open conversation */
  gint64              shown_last_message; /* id of the newest message shown */
  guint               shown_messages;
  gboolean            sending;

  GtkInfoBar         *banner;
  GtkLabel           *banner_label;
  AdwLeaflet         *leaflet;
  GtkWidget          *list_pane;
  GtkLabel           *status_label;
  GtkLabel           *waiting_heading;
  GtkListBox         *waiting_list;
  GtkLabel           *active_heading;
  GtkListBox         *active_list;
  GtkLabel           *callback_heading;
  GtkListBox         *callback_list;
  GtkStack           *chat_stack;
  GtkButton          *back_button;
  GtkLabel           *chat_title;
  GtkLabel           *chat_subtitle;
  GtkWidget          *close_button;
  GtkWidget          *callback_box;
  GtkLabel           *callback_question;
  GtkLabel           *callback_contact;
  GtkLabel           *callback_requested;
  GtkScrolledWindow  *messages_scroller;
  GtkListBox         *messages_list;
  GtkWidget          *reply_box;
  GtkTextView        *reply_view;
  GtkWidget          *send_button;
};

G_DEFINE_FINAL_TYPE (SpHandoffPage, sp_handoff_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BADGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_lists      (SpHandoffPage *self);
static void load_selected   (SpHandoffPage *self);
static void start_events    (SpHandoffPage *self);

/* ------------------------------------------------------------------ helpers */

static gboolean
get_access (SpHandoffPage  *self,
            char          **base_url,
            char          **token,
            char          **ca_file)
{
  return self->server_func != NULL &&
         self->server_func (self->server_data, base_url, token, ca_file);
}

static const char *
conv_string (JsonObject *conversation,
             const char *member)
{
  return sp_json_get_string_or (conversation, member, "");
}

static gboolean
is_callback (JsonObject *conversation)
{
  return g_str_equal (conv_string (conversation, "kind"), "callback");
}

/* "14:05" today, "27.11.2026, 14:05" (German) before. */
static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = NULL, now = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (unix_seconds);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  /* Translators: date and time of a message, see g_date_time_format() */
  return g_date_time_format (time, _("%Y-%m-%d, %H:%M"));
}

static const char *
channel_text (JsonObject *conversation)
{
  return g_str_equal (conv_string (conversation, "channel"), "voice") ? _("Telephone") : _("Chat");
}

static const char *
language_text (JsonObject *conversation)
{
  return g_str_equal (conv_string (conversation, "language"), "en") ? _("English") : _("German");
}

static void
set_banner (SpHandoffPage *self,
            const char    *text)
{
  gtk_label_set_label (self->banner_label, text != NULL ? text : "");
  gtk_info_bar_set_revealed (self->banner, text != NULL);
}

/* ------------------------------------------------------------------ retry */

static gboolean
retry_cb (gpointer user_data)
{
  SpHandoffPage *self = user_data;

  self->retry_source = 0;
  sp_handoff_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* The connection is gone: say so, keep what is shown, try again later
 * (2 s doubling to a minute). */
static void
schedule_retry (SpHandoffPage *self,
                const GError  *error)
{
  g_autofree char *text = NULL;

  if (self->retry_source != 0)
    return;
  self->retry_delay = self->retry_delay == 0 ? RETRY_MIN_S : MIN (self->retry_delay * 2, RETRY_MAX_S);
  text = g_strdup_printf (ngettext ("No connection to the server: new conversations and replies do not arrive. Next try in %u second.",
                                    "No connection to the server: new conversations and replies do not arrive. Next try in %u seconds.",
                                    self->retry_delay),
                          self->retry_delay);
  set_banner (self, text);
  g_debug ("connection lost (%s), retry in %u s", error ? error->message : "", self->retry_delay);
  self->retry_source = g_timeout_add_seconds (self->retry_delay, retry_cb, self);
}

static void
connection_ok (SpHandoffPage *self)
{
  self->retry_delay = 0;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_banner (self, NULL);
  /* The long-poll may have stopped while the connection was gone. */
  start_events (self);
}

/* Errors that end trying until the next sign-in or refresh. */
static gboolean
handle_fatal_error (SpHandoffPage *self,
                    const GError  *error)
{
  if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    {
      set_banner (self, _("The server no longer accepts your sign-in. Sign in again to see hand-offs."));
      return TRUE;
    }
  if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    {
      set_banner (self, _("Only editors and administrators may answer hand-offs."));
      return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------------ lists */

static GtkWidget *
conversation_row (JsonObject *conversation)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  const char *question = conv_string (conversation, "question");
  GtkWidget *title = gtk_label_new (*question ? question : _("(no question)"));
  g_autofree char *when = format_time (sp_json_get_int_or (conversation, "created", 0));
  g_autofree char *caption = NULL;
  GtkWidget *subtitle, *preview = NULL;

  if (is_callback (conversation))
    /* Translators: contact, channel, requested at */
    caption = g_strdup_printf (_("%s · %s · %s"), conv_string (conversation, "contact"),
                               channel_text (conversation), when);
  else if (*conv_string (conversation, "assignee"))
    /* Translators: channel, started at, the staff member answering */
    caption = g_strdup_printf (_("%s · %s · %s"), channel_text (conversation), when,
                               conv_string (conversation, "assignee"));
  else
    /* Translators: channel, language and start of a waiting conversation */
    caption = g_strdup_printf (_("%s · %s · since %s"), channel_text (conversation),
                               language_text (conversation), when);
  subtitle = gtk_label_new (caption);
  if (!is_callback (conversation))
    {
      JsonNode *last = json_object_get_member (conversation, "last_message");
      gint64 unanswered = sp_json_get_int_or (conversation, "unanswered", 0);

      if (last != NULL && JSON_NODE_HOLDS_OBJECT (last) && sp_json_get_int_or (conversation, "messages", 0) > 1)
        {
          preview = gtk_label_new (sp_json_get_string_or (json_node_get_object (last), "text", ""));

          gtk_label_set_xalign (GTK_LABEL (preview), 0);
          gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
          gtk_label_set_single_line_mode (GTK_LABEL (preview), TRUE);
          gtk_widget_add_css_class (preview, "caption");
        }
      if (unanswered > 0)
        {
          g_autofree char *with_count =
            g_strdup_printf (ngettext ("%s · %d unanswered", "%s · %d unanswered", (gulong) unanswered),
                             caption, (int) unanswered);

          gtk_label_set_label (GTK_LABEL (subtitle), with_count);
        }
    }

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (subtitle), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  if (preview != NULL)
    gtk_box_append (GTK_BOX (box), preview);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, conv_string (conversation, "id"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, *question ? question : _("(no question)"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption,
                                  -1);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
set_heading (GtkLabel   *label,
             const char *title,
             guint       count)
{
  g_autofree char *text = g_strdup_printf ("%s (%u)", title, count);

  gtk_label_set_label (label, text);
}

static GtkWidget *
empty_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
notify_new_waiting (SpHandoffPage *self,
                    JsonObject    *conversation)
{
  GApplication *app = g_application_get_default ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  if (app == NULL || (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root))))
    return;

  notification = g_notification_new (is_callback (conversation)
                                     ? _("New callback request")
                                     : _("A citizen is waiting for a reply"));
  g_notification_set_body (notification, conv_string (conversation, "question"));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  id = g_strdup_printf ("handoff-%s", conv_string (conversation, "id"));
  g_application_send_notification (app, id, notification);
}

static void
rebuild_lists (SpHandoffPage *self)
{
  guint n_waiting = 0, n_active = 0, n_callbacks = 0;
  GtkListBoxRow *selected_row = NULL;

  clear_list (self->waiting_list);
  clear_list (self->active_list);
  clear_list (self->callback_list);

  for (guint i = 0; i < self->conversations->len; i++)
    {
      JsonObject *conversation = g_ptr_array_index (self->conversations, i);
      const char *state = conv_string (conversation, "state");
      GtkWidget *row = conversation_row (conversation);
      GtkListBox *list;

      if (is_callback (conversation))
        list = self->callback_list, n_callbacks++;
      else if (g_str_equal (state, "waiting"))
        list = self->waiting_list, n_waiting++;
      else
        list = self->active_list, n_active++;
      gtk_list_box_append (list, row);
      if (g_strcmp0 (self->selected_id, conv_string (conversation, "id")) == 0)
        selected_row = GTK_LIST_BOX_ROW (row);
    }

  if (n_waiting == 0)
    gtk_list_box_append (self->waiting_list, empty_row (_("Nobody is waiting")));
  if (n_active == 0)
    gtk_list_box_append (self->active_list, empty_row (_("No conversation in progress")));
  if (n_callbacks == 0)
    gtk_list_box_append (self->callback_list, empty_row (_("No callback requests")));

  set_heading (self->waiting_heading, _("Waiting"), n_waiting);
  set_heading (self->active_heading, _("In Progress"), n_active);
  set_heading (self->callback_heading, _("Callback Requests"), n_callbacks);

  if (selected_row != NULL)
    gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (selected_row))),
                             selected_row);

  if (self->badge_count != n_waiting + n_callbacks)
    {
      self->badge_count = n_waiting + n_callbacks;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE_COUNT]);
    }
}

static void
apply_lists (SpHandoffPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *status = NULL;
  gboolean selected_open = FALSE;

  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  self->conversations = g_steal_pointer (&self->next_list);

  for (guint i = 0; i < self->conversations->len; i++)
    {
      JsonObject *conversation = g_ptr_array_index (self->conversations, i);
      const char *id = conv_string (conversation, "id");

      if (g_strcmp0 (id, self->selected_id) == 0)
        selected_open = TRUE;
      if (!g_str_equal (conv_string (conversation, "state"), "waiting") ||
          g_hash_table_contains (self->seen_waiting, id))
        continue;
      g_hash_table_add (self->seen_waiting, g_strdup (id));
      if (self->loaded_once)
        notify_new_waiting (self, conversation);
    }
  self->loaded_once = TRUE;

  /* Translators: time of the last update */
  status = g_strdup_printf (_("Updated at %s"), time);
  gtk_label_set_label (self->status_label, status);
  rebuild_lists (self);

  if (self->selected_id != NULL && !selected_open)
    {
      /* Closed meanwhile (here or on another desk): show its end state. */
      load_selected (self);
    }
  else if (self->selected_id != NULL)
    load_selected (self);
}

typedef struct {
  SpHandoffPage *self;
  guint          generation;
} ListRequest;

static void
on_list_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ListRequest *request = user_data;
  SpHandoffPage *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      request->generation != self->list_generation)
    goto out;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    array = json_node_get_array (node);
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *root = json_node_get_object (node);
      gint64 cursor;

      if (json_object_has_member (root, "conversations") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "conversations")))
        array = json_object_get_array_member (root, "conversations");
      if (sp_json_get_int (root, "cursor", &cursor) && cursor > self->cursor)
        self->cursor = cursor;
    }
  if (array == NULL && error == NULL)
    g_set_error (&error, SP_ERROR, SP_ERROR_INVALID, _("The server sent no conversations."));

  if (error != NULL)
    {
      if (self->list_error == NULL)
        self->list_error = g_steal_pointer (&error);
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              !g_str_equal (conv_string (json_node_get_object (element), "state"), "closed"))
            g_ptr_array_add (self->next_list, json_object_ref (json_node_get_object (element)));
        }
    }

  g_assert (self->list_pending > 0);
  if (--self->list_pending > 0)
    goto out;

  if (self->list_error != NULL)
    {
      if (!handle_fatal_error (self, self->list_error))
        schedule_retry (self, self->list_error);
      g_clear_error (&self->list_error);
      g_clear_pointer (&self->next_list, g_ptr_array_unref);
      goto out;
    }
  connection_ok (self);
  apply_lists (self);

out:
  g_object_unref (request->self);
  g_free (request);
}

static void
load_lists (SpHandoffPage *self)
{
  static const char * const states[] = { "open" };  /* waiting and active */
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL;

  self->list_generation++;
  self->list_pending = 0;
  g_clear_error (&self->list_error);
  g_clear_pointer (&self->next_list, g_ptr_array_unref);

  if (!get_access (self, &base_url, &token, &ca_file))
    {
      gtk_label_set_label (self->status_label, _("Not signed in"));
      return;
    }

  self->next_list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      ListRequest *request = g_new0 (ListRequest, 1);
      g_autofree char *path = g_strdup_printf ("/api/v1/handoff/conversations?state=%s", states[i]);

      request->self = g_object_ref (self);
      request->generation = self->list_generation;
      self->list_pending++;
      sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                        self->cancellable, on_list_loaded, request);
    }
}

/* ------------------------------------------------------------------ chat */

static GtkWidget *
message_row (JsonObject *message)
{
  const char *sender = sp_json_get_string_or (message, "sender", "citizen");
  const char *staff_user = sp_json_get_string_or (message, "staff_user", "");
  const char *text = sp_json_get_string_or (message, "text", "");
  g_autofree char *when = format_time (sp_json_get_int_or (message, "created", 0));
  g_autofree char *heading = NULL, *name = NULL;
  gboolean mine = g_str_equal (sender, "staff");
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *bubble = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *meta, *body;
  const char *who;

  if (mine)
    who = *staff_user ? staff_user : _("Staff");
  else if (g_str_equal (sender, "bot"))
    who = _("Bot");
  else
    who = _("Citizen");
  /* Translators: sender and time of a message */
  heading = g_strdup_printf (_("%s, %s"), who, when);
  meta = gtk_label_new (heading);
  body = gtk_label_new (text);

  gtk_widget_add_css_class (bubble, "card");
  gtk_widget_set_halign (bubble, mine ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_margin_start (bubble, mine ? 48 : 0);
  gtk_widget_set_margin_end (bubble, mine ? 0 : 48);
  gtk_widget_set_margin_top (row, 4);
  gtk_widget_set_margin_bottom (row, 4);
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_widget_add_css_class (meta, "caption");
  gtk_widget_add_css_class (meta, mine ? "accent" : "dim-label");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  for (GtkWidget *w = meta; w != NULL; w = (w == meta ? body : NULL))
    {
      gtk_widget_set_margin_start (w, 12);
      gtk_widget_set_margin_end (w, 12);
    }
  gtk_widget_set_margin_top (meta, 8);
  gtk_widget_set_margin_bottom (body, 10);
  gtk_box_append (GTK_BOX (bubble), meta);
  gtk_box_append (GTK_BOX (bubble), body);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), bubble);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Read as "Citizen, 14:05: text". */
  name = g_strdup_printf ("%s: %s", heading, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  SpHandoffPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->messages_scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
update_actions (SpHandoffPage *self)
{
  gboolean open = self->selected != NULL &&
                  !g_str_equal (conv_string (self->selected, "state"), "closed");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.close", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.send", open && !self->sending);
  gtk_text_view_set_editable (self->reply_view, open);
}

static void
show_conversation (SpHandoffPage *self,
                   JsonObject    *conversation,
                   JsonArray     *messages)
{
  gboolean callback = is_callback (conversation);
  gboolean closed = g_str_equal (conv_string (conversation, "state"), "closed");
  const char *question = conv_string (conversation, "question");
  g_autofree char *when = format_time (sp_json_get_int_or (conversation, "created", 0));
  g_autofree char *subtitle = NULL;
  guint n = messages != NULL ? json_array_get_length (messages) : 0;
  gint64 last = -1;

  g_clear_pointer (&self->selected, json_object_unref);
  self->selected = json_object_ref (conversation);

  gtk_label_set_label (self->chat_title, *question ? question : _("(no question)"));
  if (closed)
    /* Translators: channel, language, started at */
    subtitle = g_strdup_printf (_("%s · %s · since %s · closed"), channel_text (conversation),
                                language_text (conversation), when);
  else if (g_str_equal (conv_string (conversation, "state"), "active"))
    subtitle = g_strdup_printf (_("%s · %s · since %s · in progress"), channel_text (conversation),
                                language_text (conversation), when);
  else
    subtitle = g_strdup_printf (_("%s · %s · since %s · waiting"), channel_text (conversation),
                                language_text (conversation), when);
  gtk_label_set_label (self->chat_subtitle, subtitle);

  gtk_widget_set_visible (self->close_button, !callback);
  gtk_widget_set_visible (self->callback_box, callback);
  gtk_widget_set_visible (GTK_WIDGET (self->messages_scroller), !callback);
  gtk_widget_set_visible (self->reply_box, !callback && !closed);
  if (callback)
    {
      gtk_label_set_label (self->callback_question, question);
      gtk_label_set_label (self->callback_contact, conv_string (conversation, "contact"));
      gtk_label_set_label (self->callback_requested, when);
    }

  for (guint i = 0; i < n; i++)
    last = MAX (last, sp_json_get_int_or (json_array_get_object_element (messages, i), "id", i));

  /* Rebuild only when something new came, so reading is not disturbed. */
  if (n != self->shown_messages || last != self->shown_last_message)
    {
      clear_list (self->messages_list);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (messages, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            gtk_list_box_append (self->messages_list, message_row (json_node_get_object (element)));
        }
      if (closed)
        gtk_list_box_append (self->messages_list, empty_row (_("The conversation is closed.")));
      self->shown_messages = n;
      self->shown_last_message = last;
      g_idle_add (scroll_to_end_cb, g_object_ref (self));
    }

  gtk_stack_set_visible_child_name (self->chat_stack, "chat");
  update_actions (self);
}

typedef struct {
  SpHandoffPage *self;
  char          *id;
} ConversationRequest;

static void
conversation_request_free (ConversationRequest *request)
{
  g_object_unref (request->self);
  g_free (request->id);
  g_free (request);
}

static void
on_conversation_loaded (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  ConversationRequest *request = user_data;
  SpHandoffPage *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root, *conversation;
  JsonArray *messages = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (request->id, self->selected_id) != 0)
    goto out;

  if (g_error_matches (error, SP_ERROR, SP_ERROR_NOT_FOUND))
    {
      sp_form_show_toast (GTK_WIDGET (self), _("The conversation no longer exists."));
      g_clear_pointer (&self->selected_id, g_free);
      g_clear_pointer (&self->selected, json_object_unref);
      gtk_stack_set_visible_child_name (self->chat_stack, "empty");
      goto out;
    }
  if (error != NULL)
    {
      if (!handle_fatal_error (self, error))
        schedule_retry (self, error);
      goto out;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto out;

  root = json_node_get_object (node);
  conversation = root;
  if (json_object_has_member (root, "conversation") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "conversation")))
    conversation = json_object_get_object_member (root, "conversation");
  /* The transcript (every message); "messages" may be its count. */
  for (JsonObject *o = root; o != NULL && messages == NULL; o = (o == root && conversation != root) ? conversation : NULL)
    for (guint i = 0; i < 2 && messages == NULL; i++)
      {
        const char *member = i == 0 ? "transcript" : "messages";

        if (json_object_has_member (o, member) &&
            JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, member)))
          messages = json_object_get_array_member (o, member);
      }

  show_conversation (self, conversation, messages);

out:
  conversation_request_free (request);
}

static void
load_selected (SpHandoffPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL, *path = NULL;
  ConversationRequest *request;

  if (self->selected_id == NULL || !get_access (self, &base_url, &token, &ca_file))
    return;

  request = g_new0 (ConversationRequest, 1);
  request->self = g_object_ref (self);
  request->id = g_strdup (self->selected_id);
  path = g_strdup_printf ("/api/v1/handoff/conversations/%s", self->selected_id);
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                    self->cancellable, on_conversation_loaded, request);
}

static void
select_conversation (SpHandoffPage *self,
                     const char    *id)
{
  if (g_strcmp0 (id, self->selected_id) != 0)
    {
      g_free (self->selected_id);
      self->selected_id = g_strdup (id);
      self->shown_messages = G_MAXUINT;
      self->shown_last_message = -1;
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reply_view), "", -1);
      /* Show what the list knows at once, the messages follow. */
      for (guint i = 0; self->conversations != NULL && i < self->conversations->len; i++)
        {
          JsonObject *conversation = g_ptr_array_index (self->conversations, i);

          if (g_str_equal (conv_string (conversation, "id"), id))
            show_conversation (self, conversation, NULL);
        }
    }
  load_selected (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  if (self->selected == NULL || !is_callback (self->selected))
    gtk_widget_grab_focus (GTK_WIDGET (self->reply_view));
}

static void
on_row_activated (SpHandoffPage *self,
                  GtkListBoxRow *row)
{
  const char *id = gtk_widget_get_name (GTK_WIDGET (row));

  if (id == NULL || !gtk_list_box_row_get_selectable (row))
    return;
  /* One selection across the three sections. */
  for (GtkListBox *list = self->waiting_list; list != NULL;
       list = list == self->waiting_list ? self->active_list
              : list == self->active_list ? self->callback_list : NULL)
    if (GTK_WIDGET (list) != gtk_widget_get_parent (GTK_WIDGET (row)))
      gtk_list_box_unselect_all (list);
  select_conversation (self, id);
}

static void
on_back_clicked (SpHandoffPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_folded_changed (SpHandoffPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), adw_leaflet_get_folded (self->leaflet));
}

/* ------------------------------------------------------------------ posting */

typedef struct {
  SpHandoffPage *self;
  char          *id;
  char          *text;     /* the reply; NULL: close */
  gboolean       callback;
} PostRequest;

static void
post_request_free (PostRequest *request)
{
  g_object_unref (request->self);
  g_free (request->id);
  g_free (request->text);
  g_free (request);
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PostRequest *request = user_data;
  SpHandoffPage *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sp_api_client_request_json_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  if (request->text != NULL)
    {
      self->sending = FALSE;
      update_actions (self);
    }

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      if (request->text != NULL && g_strcmp0 (request->id, self->selected_id) == 0)
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->reply_view);
          GtkTextIter start;

          /* Nothing typed is lost: the reply goes back into the field. */
          gtk_text_buffer_get_start_iter (buffer, &start);
          gtk_text_buffer_insert (buffer, &start, request->text, -1);
        }
      if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
        text = g_strdup (request->text != NULL
                         ? _("Reply not sent: no connection to the server.")
                         : _("Not closed: no connection to the server."));
      else
        text = g_strdup_printf (request->text != NULL ? _("Reply not sent: %s") : _("Not closed: %s"),
                                error->message);
      sp_form_show_toast (GTK_WIDGET (self), text);
      if (!handle_fatal_error (self, error) && g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK))
        schedule_retry (self, error);
      goto out;
    }

  if (request->text == NULL)
    {
      sp_form_show_toast (GTK_WIDGET (self), request->callback ? _("Callback marked as done") : _("Conversation closed"));
      if (g_strcmp0 (request->id, self->selected_id) == 0)
        {
          g_clear_pointer (&self->selected_id, g_free);
          g_clear_pointer (&self->selected, json_object_unref);
          gtk_stack_set_visible_child_name (self->chat_stack, "empty");
          adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
          update_actions (self);
        }
    }
  load_lists (self);
  if (request->text != NULL)
    load_selected (self);

out:
  post_request_free (request);
}

static void
post (SpHandoffPage *self,
      const char    *text)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL, *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  PostRequest *request;

  if (self->selected_id == NULL)
    return;
  if (!get_access (self, &base_url, &token, &ca_file))
    {
      sp_form_show_toast (GTK_WIDGET (self), _("Not signed in"));
      return;
    }

  request = g_new0 (PostRequest, 1);
  request->self = g_object_ref (self);
  request->id = g_strdup (self->selected_id);
  request->text = g_strdup (text);
  request->callback = self->selected != NULL && is_callback (self->selected);
  if (text != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      path = g_strdup_printf ("/api/v1/handoff/conversations/%s/messages", self->selected_id);
      self->sending = TRUE;
      update_actions (self);
    }
  else
    path = g_strdup_printf ("/api/v1/handoff/conversations/%s/close", self->selected_id);

  sp_api_client_request_json_async (base_url, token, ca_file, "POST", path, body,
                                    self->cancellable, on_posted, request);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpHandoffPage *self = SP_HANDOFF_PAGE (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->reply_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->sending)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0')
    return;
  gtk_text_buffer_set_text (buffer, "", -1);
  post (self, text);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  post (SP_HANDOFF_PAGE (widget), NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  sp_handoff_page_refresh (SP_HANDOFF_PAGE (widget));
}

/* Enter sends; Shift+Enter and Ctrl+Enter start a new line. */
static gboolean
on_reply_key_pressed (SpHandoffPage         *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  if (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
    {
      gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (self->reply_view), "\n", 1);
      return TRUE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "handoff.send", NULL);
  return TRUE;
}

/* ------------------------------------------------------------------ events */

static gboolean
poll_cb (gpointer user_data)
{
  SpHandoffPage *self = user_data;

  self->poll_source = 0;
  load_lists (self);
  self->poll_source = g_timeout_add_seconds (POLL_FALLBACK_S, poll_cb, self);
  return G_SOURCE_REMOVE;
}

static gboolean
sp_json_get_boolean_or_false (JsonObject *object,
                              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gint64
max_id (JsonObject *root,
        const char *member)
{
  gint64 result = -1;
  JsonArray *array;

  if (!json_object_has_member (root, member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, member)))
    return -1;
  array = json_object_get_array_member (root, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        result = MAX (result, sp_json_get_int_or (json_node_get_object (element), "id", -1));
    }
  return result;
}

static gboolean
events_again_cb (gpointer user_data)
{
  SpHandoffPage *self = user_data;

  self->events_source = 0;
  start_events (self);
  return G_SOURCE_REMOVE;
}

static void
on_events (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SpHandoffPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;
  gboolean news = FALSE;

  node = sp_api_client_request_json_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->events_running = FALSE;

  if (error != NULL)
    {
      if (status == 404 || status == 405)
        {
          /* An older server: ask for the lists now and then instead. */
          self->events_unsupported = TRUE;
          if (self->poll_source == 0)
            self->poll_source = g_timeout_add_seconds (POLL_FALLBACK_S, poll_cb, self);
        }
      else if (!handle_fatal_error (self, error))
        schedule_retry (self, error);
      g_object_unref (self);
      return;
    }

  if (self->retry_source != 0 || gtk_info_bar_get_revealed (self->banner))
    {
      /* Back online: what happened meanwhile is in the lists. */
      connection_ok (self);
      news = TRUE;
    }
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *root = json_node_get_object (node);
      static const char * const cursor_members[] = { "cursor", "last", "next" };
      gint64 cursor = self->cursor;

      for (guint i = 0; i < G_N_ELEMENTS (cursor_members); i++)
        cursor = MAX (cursor, sp_json_get_int_or (root, cursor_members[i], -1));
      cursor = MAX (cursor, max_id (root, "events"));
      cursor = MAX (cursor, max_id (root, "messages"));
      if (cursor > self->cursor || max_id (root, "events") >= 0 ||
          sp_json_get_boolean_or_false (root, "reset") ||
          (json_object_has_member (root, "conversations") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "conversations")) &&
           json_array_get_length (json_object_get_array_member (root, "conversations")) > 0))
        news = TRUE;
      self->cursor = cursor;
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    news = TRUE;

  if (news)
    load_lists (self);

  /* A server that answers at once without news: do not hammer it. */
  if (!news && g_get_monotonic_time () - self->events_started < QUICK_RETURN_US)
    self->events_source = g_timeout_add_seconds (1, events_again_cb, self);
  else
    start_events (self);
  g_object_unref (self);
}

static void
start_events (SpHandoffPage *self)
{
  g_autofree char *base_url = NULL, *token = NULL, *ca_file = NULL, *path = NULL;

  if (self->events_running || self->events_unsupported || self->events_source != 0)
    return;
  if (!get_access (self, &base_url, &token, &ca_file))
    return;

  self->events_running = TRUE;
  self->events_started = g_get_monotonic_time ();
  if (self->events_cancellable == NULL)
    self->events_cancellable = g_cancellable_new ();
  path = g_strdup_printf ("/api/v1/handoff/events?after=%" G_GINT64_FORMAT, MAX (self->cursor, 0));
  sp_api_client_request_json_async (base_url, token, ca_file, "GET", path, NULL,
                                    self->events_cancellable, on_events, g_object_ref (self));
}

static void
stop_events (SpHandoffPage *self)
{
  g_cancellable_cancel (self->events_cancellable);
  g_clear_object (&self->events_cancellable);
  g_clear_handle_id (&self->events_source, g_source_remove);
  self->events_running = FALSE;
}

/* ------------------------------------------------------------------ public */

void
sp_handoff_page_refresh (SpHandoffPage *self)
{
  g_return_if_fail (SP_IS_HANDOFF_PAGE (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  /* A fresh long-poll with the current sign-in. */
  stop_events (self);
  self->events_unsupported = FALSE;
  g_clear_handle_id (&self->poll_source, g_source_remove);
  load_lists (self);
  start_events (self);
}

guint
sp_handoff_page_get_badge_count (SpHandoffPage *self)
{
  g_return_val_if_fail (SP_IS_HANDOFF_PAGE (self), 0);

  return self->badge_count;
}

static gboolean
first_load_cb (gpointer user_data)
{
  SpHandoffPage *self = user_data;

  sp_handoff_page_refresh (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ class */

static void
sp_handoff_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SpHandoffPage *self = SP_HANDOFF_PAGE (object);

  switch (prop_id)
    {
    case PROP_BADGE_COUNT:
      g_value_set_uint (value, self->badge_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_handoff_page_dispose (GObject *object)
{
  SpHandoffPage *self = SP_HANDOFF_PAGE (object);

  stop_events (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->server_destroy != NULL)
    g_clear_pointer (&self->server_data, self->server_destroy);
  self->server_func = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_HANDOFF_PAGE);

  G_OBJECT_CLASS (sp_handoff_page_parent_class)->dispose (object);
}

static void
sp_handoff_page_finalize (GObject *object)
{
  SpHandoffPage *self = SP_HANDOFF_PAGE (object);

  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->next_list, g_ptr_array_unref);
  g_clear_pointer (&self->seen_waiting, g_hash_table_unref);
  g_clear_pointer (&self->selected, json_object_unref);
  g_clear_error (&self->list_error);
  g_free (self->selected_id);

  G_OBJECT_CLASS (sp_handoff_page_parent_class)->finalize (object);
}

static void
sp_handoff_page_class_init (SpHandoffPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_handoff_page_dispose;
  object_class->finalize = sp_handoff_page_finalize;
  object_class->get_property = sp_handoff_page_get_property;

  properties[PROP_BADGE_COUNT] =
    g_param_spec_uint ("badge-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-handoff-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, banner);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, waiting_heading);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, waiting_list);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, active_heading);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, active_list);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_heading);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_list);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, chat_stack);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, chat_title);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, chat_subtitle);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, close_button);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_box);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_question);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_contact);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, callback_requested);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, messages_scroller);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, messages_list);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, reply_box);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, reply_view);
  gtk_widget_class_bind_template_child (widget_class, SpHandoffPage, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);

  gtk_widget_class_install_action (widget_class, "handoff.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "handoff.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "handoff.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, GDK_CONTROL_MASK, "handoff.refresh", NULL);
}

static void
sp_handoff_page_init (SpHandoffPage *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->seen_waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->cursor = -1;

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_reply_key_pressed),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->reply_view), keys);

  rebuild_lists (self);
  gtk_label_set_label (self->status_label, _("Not signed in"));
  update_actions (self);
  on_folded_changed (self);
}

GtkWidget *
sp_handoff_page_new (SpServerAccessFunc server_func,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  SpHandoffPage *self = g_object_new (SP_TYPE_HANDOFF_PAGE, NULL);

  self->server_func = server_func;
  self->server_data = user_data;
  self->server_destroy = destroy;
  /* Live from the start, so the sidebar badge and notifications work
   * before the page is ever opened. */
  g_idle_add (first_load_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}
