/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-feedback-util.h"
#include "sp-feedback-detail.h"

#define SLA_REFRESH_S 60

struct _SpFeedbackDetail
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  char               *user;
  char               *id;
  JsonObject         *loaded;       /* fields as last shown */
  gboolean            loading;
  guint               sla_source;
  GtkListStore       *org_units;    /* completion of the org unit */

  GtkStack           *stack;
  GtkLabel           *ticket_label;
  GtkLabel           *meta_label;
  GtkLabel           *sla_label;
  GtkLabel           *pending_label;
  GtkLabel           *text_label;
  GtkLabel           *contact_label;
  GtkLabel           *location_label;
  GtkDropDown        *state_dropdown;
  GtkEntry           *org_unit_entry;
  GtkEntry           *assignee_entry;
  GtkEntry           *tags_entry;
  GtkLabel           *replied_label;
  GtkTextView        *reply_view;
  GtkListBox         *notes_list;
  GtkEntry           *note_entry;
};

G_DEFINE_FINAL_TYPE (SpFeedbackDetail, sp_feedback_detail, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
loaded_string (SpFeedbackDetail *self,
               const char       *field)
{
  JsonNode *node = self->loaded ? json_object_get_member (self->loaded, field) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static gint64
loaded_int (SpFeedbackDetail *self,
            const char       *field)
{
  JsonNode *node = self->loaded ? json_object_get_member (self->loaded, field) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_int (node);
}

/* Tags as the entry shows them ("a, b"). */
static char *
tags_text (JsonObject *fields)
{
  JsonNode *node = fields ? json_object_get_member (fields, "tags") : NULL;
  GString *s = g_string_new (NULL);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *tags = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (tags); i++)
        g_string_append_printf (s, "%s%s", i ? ", " : "", json_array_get_string_element (tags, i));
    }
  return g_string_free (s, FALSE);
}

static void
update_sla (SpFeedbackDetail *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  g_autofree char *due = sp_feedback_format_time (loaded_string (self, "due"));
  SpFeedbackDue kind;

  kind = sp_feedback_describe_due (loaded_string (self, "due"), loaded_string (self, "state"),
                                   now, &text);
  gtk_widget_set_visible (GTK_WIDGET (self->sla_label), kind != SP_FEEDBACK_DUE_NONE);
  if (kind == SP_FEEDBACK_DUE_OVERDUE)
    gtk_widget_add_css_class (GTK_WIDGET (self->sla_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sla_label), "error");
  if (text != NULL)
    {
      /* Translators: SLA timer ("overdue by 3 h") and the due time */
      g_autofree char *label = g_strdup_printf (_("Answer %s (due %s)"), text, due);

      gtk_label_set_label (self->sla_label, label);
    }
}

static gboolean
sla_tick (gpointer data)
{
  update_sla (SP_FEEDBACK_DETAIL (data));
  return G_SOURCE_CONTINUE;
}

static void
load_notes (SpFeedbackDetail *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  sqlite3_stmt *stmt;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->notes_list))) != NULL)
    gtk_list_box_remove (self->notes_list, child);

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT coalesce(text, ''), coalesce(author, ''), coalesce(created, '')"
                        " FROM feedback_note WHERE feedback_id = ?1 AND deleted = 0"
                        " ORDER BY created, rowid", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the notes: %s", error->message);
      return;
    }
  sqlite3_bind_text (stmt, 1, self->id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      const char *author = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *when = sp_feedback_format_time ((const char *) sqlite3_column_text (stmt, 2));
      /* Translators: author and time of an internal note */
      g_autofree char *byline = g_strdup_printf (_("%s, %s"),
                                                 *author ? author : _("Unknown"), when);
      g_autofree char *accessible = g_strdup_printf ("%s — %s", text, byline);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *body = gtk_label_new (text);
      GtkWidget *by = gtk_label_new (byline);

      gtk_label_set_use_markup (GTK_LABEL (body), FALSE);
      gtk_label_set_wrap (GTK_LABEL (body), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (body), TRUE);
      gtk_label_set_xalign (GTK_LABEL (body), 0);
      gtk_label_set_xalign (GTK_LABEL (by), 0);
      gtk_widget_add_css_class (by, "dim-label");
      gtk_widget_add_css_class (by, "caption");
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_widget_set_margin_start (box, 10);
      gtk_widget_set_margin_end (box, 10);
      gtk_box_append (GTK_BOX (box), body);
      gtk_box_append (GTK_BOX (box), by);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      gtk_list_box_append (self->notes_list, row);
      n++;
    }
  sqlite3_reset (stmt);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_list), n > 0);
}

/* Org units in use, for the entry's completion. */
static void
load_org_units (SpFeedbackDetail *self)
{
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT DISTINCT org_unit FROM feedback"
                        " WHERE deleted = 0 AND org_unit IS NOT NULL AND org_unit != ''"
                        " ORDER BY org_unit COLLATE NOCASE LIMIT 500", NULL);
  if (stmt == NULL)
    return;
  gtk_list_store_clear (self->org_units);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    gtk_list_store_insert_with_values (self->org_units, NULL, -1,
                                       0, (const char *) sqlite3_column_text (stmt, 0), -1);
  sqlite3_reset (stmt);
}

/* Entries keep what the person typed unless the stored value changed. */
static void
refresh_entry (GtkEntry   *entry,
               const char *before,
               const char *now)
{
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (before == NULL || g_strcmp0 (shown, before) == 0)
    sp_form_entry_set_text (entry, now);
}

static void
load (SpFeedbackDetail *self,
      gboolean          same_row)
{
  g_autoptr(JsonObject) before = self->loaded ? json_object_ref (self->loaded) : NULL;
  g_autoptr(GHashTable) services = NULL;
  g_autofree char *stars = NULL;
  g_autofree char *received = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *tags_before = NULL;
  g_autofree char *tags_now = NULL;
  const char *service;
  const char *contact;
  const char *address;
  JsonObject *fields;
  guint state_index = 0;

  fields = self->id ? sp_form_read_fields (self->store, "feedback", self->id) : NULL;
  g_clear_pointer (&self->loaded, json_object_unref);
  if (fields == NULL)
    {
      g_clear_pointer (&self->id, g_free);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  self->loaded = fields;
  self->loading = TRUE;

  gtk_label_set_label (self->ticket_label, loaded_string (self, "ticket"));
  services = sp_feedback_service_names (self->store);
  service = g_hash_table_lookup (services, loaded_string (self, "service_id"));
  stars = sp_feedback_rating_text (loaded_int (self, "rating"));
  received = sp_feedback_format_time (loaded_string (self, "created"));
  /* Translators: received time · channel · service · rating */
  meta = g_strdup_printf (_("Received %s via %s · %s · %s"), received,
                          sp_feedback_channel_label (loaded_string (self, "channel")),
                          service != NULL && *service ? service : _("No service"), stars);
  gtk_label_set_label (self->meta_label, meta);
  update_sla (self);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label),
                          sp_local_store_is_pending (self->store, "feedback", self->id));

  if (*loaded_string (self, "text") != '\0')
    {
      gtk_label_set_text (self->text_label, loaded_string (self, "text"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->text_label), "dim-label");
    }
  else
    {
      gtk_label_set_text (self->text_label, _("Rating only, no text"));
      gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "dim-label");
    }

  contact = loaded_string (self, "contact");
  if (*contact != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Contact (with consent): %s"), contact);
      gtk_label_set_text (self->contact_label, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->contact_label), *contact != '\0');

  address = loaded_string (self, "address");
  if (*address != '\0' || *loaded_string (self, "lat") != '\0')
    {
      g_autofree char *label = *loaded_string (self, "lat") != '\0'
        ? g_strdup_printf (_("Location: %s (%s, %s)"), address,
                           loaded_string (self, "lat"), loaded_string (self, "lon"))
        : g_strdup_printf (_("Location: %s"), address);
      gtk_label_set_text (self->location_label, label);
      gtk_widget_set_visible (GTK_WIDGET (self->location_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->location_label), FALSE);

  for (guint i = 0; sp_feedback_states[i]; i++)
    if (g_str_equal (sp_feedback_states[i], loaded_string (self, "state")))
      state_index = i;
  gtk_drop_down_set_selected (self->state_dropdown, state_index);

  tags_before = same_row ? tags_text (before) : NULL;
  tags_now = tags_text (self->loaded);
  refresh_entry (self->org_unit_entry,
                 same_row && before ? json_object_get_string_member_with_default (before, "org_unit", "") : NULL,
                 loaded_string (self, "org_unit"));
  refresh_entry (self->assignee_entry,
                 same_row && before ? json_object_get_string_member_with_default (before, "assignee", "") : NULL,
                 loaded_string (self, "assignee"));
  refresh_entry (self->tags_entry, tags_before, tags_now);

  if (*loaded_string (self, "replied") != '\0')
    {
      g_autofree char *when = sp_feedback_format_time (loaded_string (self, "replied"));
      g_autofree char *label = g_strdup_printf (_("Replied %s. The citizen sees the reply on the ticket's status page."), when);
      gtk_label_set_label (self->replied_label, label);
    }
  else
    gtk_label_set_label (self->replied_label,
                         _("Not answered yet. The reply is public: the citizen sees it with the ticket number."));
  if (!same_row)
    sp_form_text_view_set_text (self->reply_view, loaded_string (self, "reply"));

  load_notes (self);
  if (!same_row)
    load_org_units (self);
  gtk_stack_set_visible_child_name (self->stack, "detail");
  self->loading = FALSE;
}

static gboolean
save (SpFeedbackDetail *self,
      JsonObject       *fields,
      const char       *done)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->id == NULL)
    return FALSE;
  id = sp_local_store_save (self->store, "feedback", self->id, fields, &error);
  if (id == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot save: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self), message);
      return FALSE;
    }
  if (done != NULL)
    sp_form_show_toast (GTK_WIDGET (self), done);
  return TRUE;
}

static void
on_state_selected (SpFeedbackDetail *self)
{
  guint index = gtk_drop_down_get_selected (self->state_dropdown);
  g_autoptr(JsonObject) fields = NULL;

  if (self->loading || self->id == NULL || index >= g_strv_length ((char **) sp_feedback_states))
    return;
  if (g_str_equal (sp_feedback_states[index], loaded_string (self, "state")))
    return;
  fields = json_object_new ();
  json_object_set_string_member (fields, "state", sp_feedback_states[index]);
  save (self, fields, NULL);
}

static void
on_assign_activate (SpFeedbackDetail *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *org_unit = sp_form_entry_get_trimmed (self->org_unit_entry);
  g_autofree char *assignee = sp_form_entry_get_trimmed (self->assignee_entry);
  g_autofree char *tags = sp_form_entry_get_trimmed (self->tags_entry);

  json_object_set_string_member (fields, "org_unit", org_unit);
  json_object_set_string_member (fields, "assignee", assignee);
  json_object_set_array_member (fields, "tags", sp_feedback_parse_tags (tags));
  if (save (self, fields, _("Assignment saved")))
    {
      g_autofree char *shown = tags_text (self->loaded);
      /* Show the tags as stored (trimmed, without duplicates). */
      sp_form_entry_set_text (self->tags_entry, shown);
    }
}

static void
on_reply_clicked (SpFeedbackDetail *self)
{
  g_autofree char *reply = sp_form_text_view_get_text (self->reply_view);
  g_autofree char *now = NULL;
  g_autoptr(JsonObject) fields = NULL;

  g_strstrip (reply);
  if (*reply == '\0')
    {
      sp_form_show_toast (GTK_WIDGET (self), _("Write the reply first"));
      gtk_widget_grab_focus (GTK_WIDGET (self->reply_view));
      return;
    }
  now = sp_feedback_now_iso ();
  fields = json_object_new ();
  json_object_set_string_member (fields, "reply", reply);
  json_object_set_string_member (fields, "replied", now);
  json_object_set_string_member (fields, "state", "answered");
  save (self, fields, _("Reply saved; the citizen sees it after the next sync"));
}

static void
on_note_add (SpFeedbackDetail *self)
{
  g_autofree char *text = sp_form_entry_get_trimmed (self->note_entry);
  g_autofree char *now = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;

  if (*text == '\0' || self->id == NULL)
    return;
  now = sp_feedback_now_iso ();
  fields = json_object_new ();
  json_object_set_string_member (fields, "feedback_id", self->id);
  json_object_set_string_member (fields, "text", text);
  json_object_set_string_member (fields, "author", self->user ? self->user : "");
  json_object_set_string_member (fields, "created", now);
  id = sp_local_store_save (self->store, "feedback_note", NULL, fields, &error);
  if (id == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot save: %s"), error->message);
      sp_form_show_toast (GTK_WIDGET (self), message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
}

static void
on_store_changed (SpFeedbackDetail *self,
                  const char       *entity)
{
  if (self->id == NULL)
    return;
  if (entity == NULL || g_str_equal (entity, "feedback") || g_str_equal (entity, "service"))
    load (self, TRUE);
  else if (g_str_equal (entity, "feedback_note"))
    load_notes (self);
}

void
sp_feedback_detail_show (SpFeedbackDetail *self,
                         const char       *id)
{
  g_return_if_fail (SP_IS_FEEDBACK_DETAIL (self));

  if (id != NULL && g_strcmp0 (id, self->id) == 0)
    return;
  g_free (self->id);
  self->id = g_strdup (id);
  load (self, FALSE);
}

const char *
sp_feedback_detail_get_id (SpFeedbackDetail *self)
{
  g_return_val_if_fail (SP_IS_FEEDBACK_DETAIL (self), NULL);
  return self->id;
}

void
sp_feedback_detail_set_user (SpFeedbackDetail *self,
                             const char       *user)
{
  g_return_if_fail (SP_IS_FEEDBACK_DETAIL (self));
  g_free (self->user);
  self->user = g_strdup (user);
}

static void
sp_feedback_detail_constructed (GObject *object)
{
  SpFeedbackDetail *self = SP_FEEDBACK_DETAIL (object);

  G_OBJECT_CLASS (sp_feedback_detail_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
}

static void
sp_feedback_detail_dispose (GObject *object)
{
  SpFeedbackDetail *self = SP_FEEDBACK_DETAIL (object);

  g_clear_handle_id (&self->sla_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FEEDBACK_DETAIL);
  g_clear_object (&self->store);
  g_clear_object (&self->org_units);

  G_OBJECT_CLASS (sp_feedback_detail_parent_class)->dispose (object);
}

static void
sp_feedback_detail_finalize (GObject *object)
{
  SpFeedbackDetail *self = SP_FEEDBACK_DETAIL (object);

  g_free (self->id);
  g_free (self->user);
  g_clear_pointer (&self->loaded, json_object_unref);

  G_OBJECT_CLASS (sp_feedback_detail_parent_class)->finalize (object);
}

static void
sp_feedback_detail_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SpFeedbackDetail *self = SP_FEEDBACK_DETAIL (object);

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
sp_feedback_detail_class_init (SpFeedbackDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_feedback_detail_constructed;
  object_class->dispose = sp_feedback_detail_dispose;
  object_class->finalize = sp_feedback_detail_finalize;
  object_class->set_property = sp_feedback_detail_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/feedback/sp-feedback-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, ticket_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, sla_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, pending_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, text_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, contact_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, location_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, org_unit_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, assignee_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, replied_label);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, reply_view);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, notes_list);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackDetail, note_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_assign_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_reply_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_note_add);
}

static void
sp_feedback_detail_init (SpFeedbackDetail *self)
{
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
  g_autoptr(GtkEntryCompletion) completion = gtk_entry_completion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; sp_feedback_states[i]; i++)
    gtk_string_list_append (states, sp_feedback_state_label (sp_feedback_states[i]));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (states));
  g_signal_connect_object (self->state_dropdown, "notify::selected",
                           G_CALLBACK (on_state_selected), self, G_CONNECT_SWAPPED);

  /* Completion of the org unit from the values in use. */
  self->org_units = gtk_list_store_new (1, G_TYPE_STRING);
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->org_units));
  gtk_entry_completion_set_text_column (completion, 0);
  /* Suggestions in a pop-up only: inline completion would select text
   * that the next typed letter replaces. */
  gtk_entry_completion_set_inline_completion (completion, FALSE);
  gtk_entry_completion_set_popup_single_match (completion, TRUE);
  gtk_entry_set_completion (self->org_unit_entry, completion);

  self->sla_source = g_timeout_add_seconds (SLA_REFRESH_S, sla_tick, self);
}

GtkWidget *
sp_feedback_detail_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  return g_object_new (SP_TYPE_FEEDBACK_DETAIL, "store", store, NULL);
}
