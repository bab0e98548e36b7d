/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-faq-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-entity.h"
#include "sp-json-util.h"
#include "sp-form.h"
#include "sp-row-list-model.h"
#include "sp-faq-editor.h"

#define SP_ENTITY_FAQ       "faq"
/* Longer than this is tiring on the telephone; a hint, not an error. */
#define SPOKEN_COMFORT_LEN  300
#define SPOKEN_MAX_LEN      1000
#define SERVICE_RESULTS     5

struct _SpFaqEditor
{
  SpRecordEditor     parent_instance;

  char              *service_id;  /* the linked service as edited */
  SpRowListModel    *services;    /* service search for linking */
  GSubprocess       *speaker;     /* espeak-ng while reading aloud */
  char              *espeak;      /* its path, NULL when not installed */

  GtkScrolledWindow *scroller;
  GtkLabel          *title_label;
  GtkLabel          *state_label;
  GtkEntry          *question_entry;
  GtkLabel          *question_error;
  GtkListBox        *alternatives_list;
  GtkWidget         *alternative_entry_box;
  GtkEntry          *alternative_entry;
  GtkTextView       *short_view;
  GtkLabel          *short_counter;
  GtkLabel          *short_error;
  GtkButton         *speak_button;
  GtkTextView       *answer_view;
  GtkLabel          *answer_error;
  GtkFlowBox        *keywords_box;
  GtkWidget         *keyword_entry_box;
  GtkEntry          *keyword_entry;
  GtkLabel          *service_label;
  GtkButton         *unlink_button;
  GtkSearchEntry    *service_search;
  GtkListBox        *service_results;
  GtkEntry          *leika_entry;
  GtkLabel          *leika_error;
  GtkEntry          *office_entry;
  GtkDropDown       *language_dropdown;
  GtkDropDown       *status_dropdown;
  GtkEntry          *valid_entry;
  GtkLabel          *valid_error;
  GtkWidget         *action_bar;
};

G_DEFINE_FINAL_TYPE (SpFaqEditor, sp_faq_editor, SP_TYPE_RECORD_EDITOR)

#define EDITOR(self) SP_RECORD_EDITOR (self)

/* GtkDropDown positions of the enum values. */
static const char * const language_values[] = { "de", "en", NULL };
static const char * const status_values[] = { "draft", "published", NULL };

static const char * const text_fields[] = {
  "question", "answer_short", "answer", "service_id", "leika", "office", "valid_until",
};
static const char * const list_fields[] = { "alternatives", "keywords" };

static void on_field_changed (SpFaqEditor *self);

/* Alternatives and keywords: one child per value, the value in its data. */

static void
list_remove_child (GtkWidget *container,
                   GtkWidget *child)
{
  if (GTK_IS_LIST_BOX (container))
    gtk_list_box_remove (GTK_LIST_BOX (container), child);
  else
    gtk_flow_box_remove (GTK_FLOW_BOX (container), child);
}

static void
list_update_visible (GtkWidget *container)
{
  gtk_widget_set_visible (container, gtk_widget_get_first_child (container) != NULL);
}

static void
on_item_remove_clicked (GtkButton *button,
                        gpointer   user_data)
{
  SpFaqEditor *self = user_data;
  GtkWidget *item = g_object_get_data (G_OBJECT (button), "item");
  GtkWidget *container = gtk_widget_get_parent (item);
  gboolean alternative = container == GTK_WIDGET (self->alternatives_list);

  list_remove_child (container, item);
  list_update_visible (container);
  on_field_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (alternative ? self->alternative_entry : self->keyword_entry));
}

static gboolean
list_contains (GtkWidget  *container,
               const char *value)
{
  for (GtkWidget *child = gtk_widget_get_first_child (container);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_utf8_collate (g_object_get_data (G_OBJECT (child), "value"), value) == 0)
      return TRUE;
  return FALSE;
}

static void
list_add (SpFaqEditor *self,
          GtkWidget   *container,
          const char  *value)
{
  gboolean chip = GTK_IS_FLOW_BOX (container);
  GtkWidget *item = chip ? gtk_flow_box_child_new () : gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (value);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *remove_name = g_strdup_printf (_("Remove “%s”"), value);

  g_object_set_data_full (G_OBJECT (item), "value", g_strdup (value), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, value, -1);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (chip)
    {
      /* Keywords are short: one line, the whole word. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_widget_set_tooltip_text (label, value);
    }
  else
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (label, TRUE);
    }
  gtk_box_append (GTK_BOX (box), label);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_tooltip_text (remove, remove_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  gtk_widget_set_visible (remove, sp_record_editor_get_editable (EDITOR (self)));
  g_object_set_data (G_OBJECT (remove), "item", item);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_item_remove_clicked), self);
  gtk_box_append (GTK_BOX (box), remove);

  if (chip)
    {
      gtk_widget_add_css_class (box, "card");
      gtk_widget_set_margin_start (label, 8);
      gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (item), box);
      gtk_widget_set_focusable (item, FALSE);
      gtk_flow_box_append (GTK_FLOW_BOX (container), item);
    }
  else
    {
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (item), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (item), FALSE);
      gtk_widget_set_focusable (item, FALSE);
      gtk_list_box_append (GTK_LIST_BOX (container), item);
    }
  list_update_visible (container);
}

static JsonArray *
list_get_values (GtkWidget *container)
{
  JsonArray *array = json_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (container);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    json_array_add_string_element (array, g_object_get_data (G_OBJECT (child), "value"));
  return array;
}

static void
list_set_values (SpFaqEditor *self,
                 GtkWidget   *container,
                 JsonArray   *values)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    list_remove_child (container, child);
  for (guint i = 0; i < json_array_get_length (values); i++)
    list_add (self, container, json_array_get_string_element (values, i));
  list_update_visible (container);
}

/* Adds the entry's text (trimmed, not twice) to @container. */
static void
add_from_entry (SpFaqEditor *self,
                GtkEntry    *entry,
                GtkWidget   *container)
{
  g_autofree char *text = sp_form_entry_get_trimmed (entry);

  if (*text == '\0' || !sp_record_editor_get_editable (EDITOR (self)))
    return;
  if (!list_contains (container, text))
    {
      list_add (self, container, text);
      on_field_changed (self);
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_alternative_entry_activate (SpFaqEditor *self)
{
  add_from_entry (self, self->alternative_entry, GTK_WIDGET (self->alternatives_list));
}

static void
on_keyword_entry_activate (SpFaqEditor *self)
{
  add_from_entry (self, self->keyword_entry, GTK_WIDGET (self->keywords_box));
}

/* Fields */

static void
set_string_take (JsonObject *object,
                 const char *member,
                 char       *value)
{
  json_object_set_string_member (object, member, value);
  g_free (value);
}

static const char *
enum_value (GtkDropDown        *dropdown,
            const char * const *values)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  return selected < g_strv_length ((char **) values) ? values[selected] : values[0];
}

static guint
enum_position (const char * const *values,
               const char         *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

/* The fields as the form would save them. */
static JsonObject *
collect_fields (SpRecordEditor *editor)
{
  SpFaqEditor *self = SP_FAQ_EDITOR (editor);
  JsonObject *fields = json_object_new ();
  g_autofree char *short_text = sp_form_text_view_get_text (self->short_view);
  g_autofree char *answer = sp_form_text_view_get_text (self->answer_view);
  g_autofree char *leika = sp_form_entry_get_trimmed (self->leika_entry);

  set_string_take (fields, "question", sp_form_entry_get_trimmed (self->question_entry));
  json_object_set_array_member (fields, "alternatives",
                                list_get_values (GTK_WIDGET (self->alternatives_list)));
  set_string_take (fields, "answer_short", g_strdup (g_strstrip (short_text)));
  set_string_take (fields, "answer", g_strdup (g_strstrip (answer)));
  json_object_set_array_member (fields, "keywords",
                                list_get_values (GTK_WIDGET (self->keywords_box)));
  json_object_set_string_member (fields, "service_id", self->service_id ? self->service_id : "");
  set_string_take (fields, "leika", sp_form_normalize_leika (leika));
  set_string_take (fields, "office", sp_form_entry_get_trimmed (self->office_entry));
  json_object_set_string_member (fields, "language",
                                 enum_value (self->language_dropdown, language_values));
  json_object_set_string_member (fields, "status",
                                 enum_value (self->status_dropdown, status_values));
  set_string_take (fields, "valid_until", sp_form_entry_get_trimmed (self->valid_entry));

  return fields;
}

static JsonArray *
string_array (JsonObject *row,
              const char *member)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = row ? json_object_get_member (row, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *values = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *item = json_array_get_element (values, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            json_array_add_string_element (array, json_node_get_string (item));
        }
    }
  return array;
}

static const char *
string_member (JsonObject *row,
               const char *member)
{
  JsonNode *node = row ? json_object_get_member (row, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* Same shape as collect_fields() from a stored row. */
static JsonObject *
normalize_row (SpRecordEditor *editor,
               JsonObject     *row)
{
  JsonObject *fields = json_object_new ();
  const char *value;

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      value = string_member (row, text_fields[i]);
      json_object_set_string_member (fields, text_fields[i], value ? value : "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (list_fields); i++)
    json_object_set_array_member (fields, list_fields[i], string_array (row, list_fields[i]));

  value = string_member (row, "language");
  json_object_set_string_member (fields, "language",
                                 language_values[enum_position (language_values, value)]);
  value = string_member (row, "status");
  json_object_set_string_member (fields, "status",
                                 status_values[enum_position (status_values, value)]);
  return fields;
}

/* Validation */

static gboolean
has_web_address (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  return strstr (lower, "http://") != NULL || strstr (lower, "https://") != NULL ||
         strstr (lower, "www.") != NULL;
}

static const char *
check_question (JsonObject *fields)
{
  if (*json_object_get_string_member (fields, "question") == '\0')
    return _("Enter the question as citizens ask it.");
  return NULL;
}

static const char *
check_short (JsonObject *fields)
{
  const char *text = json_object_get_string_member (fields, "answer_short");

  if (has_web_address (text))
    return _("The short answer is read aloud: leave out web addresses.");
  if (g_utf8_strlen (text, -1) > SPOKEN_MAX_LEN)
    return _("The short answer can have at most 1000 characters.");
  return NULL;
}

static const char *
check_answer (JsonObject *fields)
{
  if (g_strcmp0 (json_object_get_string_member (fields, "status"), "published") == 0 &&
      *json_object_get_string_member (fields, "answer") == '\0' &&
      *json_object_get_string_member (fields, "answer_short") == '\0')
    return _("A published entry needs an answer.");
  return NULL;
}

static const char *
check_leika (JsonObject *fields)
{
  return sp_form_check_leika (json_object_get_string_member (fields, "leika"));
}

static const char *
check_valid_until (JsonObject *fields)
{
  if (!sp_form_valid_date (json_object_get_string_member (fields, "valid_until")))
    return _("Enter a date as YYYY-MM-DD, for example 2027-12-31.");
  return NULL;
}

typedef struct
{
  const char *(*check) (JsonObject *fields);
  gsize       widget_offset;
  gsize       error_offset;
} FieldCheck;

#define CHECK(fn, widget, error) \
  { fn, G_STRUCT_OFFSET (SpFaqEditor, widget), G_STRUCT_OFFSET (SpFaqEditor, error) }

/* In form order: the first invalid field gets the focus. */
static const FieldCheck checks[] = {
  CHECK (check_question, question_entry, question_error),
  CHECK (check_short, short_view, short_error),
  CHECK (check_answer, answer_view, answer_error),
  CHECK (check_leika, leika_entry, leika_error),
  CHECK (check_valid_until, valid_entry, valid_error),
};

#define CHECK_WIDGET(self, c) (G_STRUCT_MEMBER (GtkWidget *, self, (c)->widget_offset))
#define CHECK_ERROR(self, c) (G_STRUCT_MEMBER (GtkLabel *, self, (c)->error_offset))

static gboolean
validate (SpRecordEditor *editor,
          gboolean        focus)
{
  SpFaqEditor *self = SP_FAQ_EDITOR (editor);
  g_autoptr(JsonObject) fields = collect_fields (editor);
  GtkWidget *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      const char *message = checks[i].check (fields);

      sp_form_set_field_error (CHECK_WIDGET (self, &checks[i]), CHECK_ERROR (self, &checks[i]), message);
      if (message != NULL && first == NULL)
        first = CHECK_WIDGET (self, &checks[i]);
    }

  if (focus && first != NULL)
    gtk_widget_grab_focus (first);

  return first == NULL;
}

/* Clears errors that are fixed (@fields) or all of them (NULL). */
static void
clear_errors (SpFaqEditor *self,
              JsonObject  *fields)
{
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (fields == NULL ||
        (gtk_widget_get_visible (GTK_WIDGET (CHECK_ERROR (self, &checks[i]))) &&
         checks[i].check (fields) == NULL))
      sp_form_set_field_error (CHECK_WIDGET (self, &checks[i]), CHECK_ERROR (self, &checks[i]), NULL);
}

/* Header, counter, service */

static void
update_counter (SpFaqEditor *self)
{
  g_autofree char *text = sp_form_text_view_get_text (self->short_view);
  glong n = g_utf8_strlen (g_strstrip (text), -1);
  g_autofree char *label = NULL;

  if (n > SPOKEN_COMFORT_LEN)
    label = g_strdup_printf (ngettext ("%ld character: long for the telephone, try to stay under %d",
                                       "%ld characters: long for the telephone, try to stay under %d",
                                       n),
                             n, SPOKEN_COMFORT_LEN);
  else
    label = g_strdup_printf (ngettext ("%ld character", "%ld characters", n), n);
  gtk_label_set_text (self->short_counter, label);
  if (n > SPOKEN_COMFORT_LEN)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->short_counter), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->short_counter), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->short_counter), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->short_counter), "dim-label");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->speak_button), n > 0 || self->speaker != NULL);
}

static void
update_service (SpFaqEditor *self)
{
  g_autoptr(SpDbRow) row = NULL;
  gboolean linked = self->service_id != NULL && *self->service_id != '\0';

  SpLocalStore *store = sp_record_editor_get_store (EDITOR (self));

  if (linked && store != NULL)
    row = sp_local_store_get (store, SP_ENTITY_SERVICE, self->service_id, NULL);

  if (!linked)
    gtk_label_set_text (self->service_label, _("No service linked"));
  else if (row != NULL && !row->deleted)
    gtk_label_set_text (self->service_label,
                        sp_json_get_string_or (row->fields, "name", _("Untitled service")));
  else
    gtk_label_set_text (self->service_label, _("A service that is not on this computer"));
  gtk_widget_set_visible (GTK_WIDGET (self->unlink_button),
                          linked && sp_record_editor_get_editable (EDITOR (self)));
}

static void
on_field_changed (SpFaqEditor *self)
{
  update_counter (self);
  sp_record_editor_changed (EDITOR (self));
}

/* Clear an error as soon as the field is fixed; new errors show on save. */
static void
edited (SpRecordEditor *editor,
        JsonObject     *now)
{
  clear_errors (SP_FAQ_EDITOR (editor), now);
}

static void
fill_form (SpRecordEditor *editor,
           JsonObject     *fields)
{
  SpFaqEditor *self = SP_FAQ_EDITOR (editor);

  sp_form_entry_set_text (self->question_entry, json_object_get_string_member (fields, "question"));
  list_set_values (self, GTK_WIDGET (self->alternatives_list),
                   json_object_get_array_member (fields, "alternatives"));
  sp_form_text_view_set_text (self->short_view, json_object_get_string_member (fields, "answer_short"));
  sp_form_text_view_set_text (self->answer_view, json_object_get_string_member (fields, "answer"));
  list_set_values (self, GTK_WIDGET (self->keywords_box),
                   json_object_get_array_member (fields, "keywords"));
  g_free (self->service_id);
  self->service_id = g_strdup (json_object_get_string_member (fields, "service_id"));
  sp_form_entry_set_text (self->leika_entry, json_object_get_string_member (fields, "leika"));
  sp_form_entry_set_text (self->office_entry, json_object_get_string_member (fields, "office"));
  gtk_drop_down_set_selected (self->language_dropdown,
                              enum_position (language_values,
                                             json_object_get_string_member (fields, "language")));
  gtk_drop_down_set_selected (self->status_dropdown,
                              enum_position (status_values,
                                             json_object_get_string_member (fields, "status")));
  sp_form_entry_set_text (self->valid_entry, json_object_get_string_member (fields, "valid_until"));
  gtk_editable_set_text (GTK_EDITABLE (self->alternative_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->service_search), "");

  update_service (self);
  update_counter (self);
  clear_errors (self, NULL);
}

/* A phrasing or keyword typed but not added yet is meant to be saved. */
static void
prepare_save (SpRecordEditor *editor)
{
  on_alternative_entry_activate (SP_FAQ_EDITOR (editor));
  on_keyword_entry_activate (SP_FAQ_EDITOR (editor));
}

static void
focus_first (SpRecordEditor *editor)
{
  gtk_widget_grab_focus (GTK_WIDGET (SP_FAQ_EDITOR (editor)->question_entry));
}

void
sp_faq_editor_set_question (SpFaqEditor *self,
                            const char  *text)
{
  g_return_if_fail (SP_IS_FAQ_EDITOR (self));
  g_return_if_fail (text != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->question_entry), text);
}

void
sp_faq_editor_add_alternative (SpFaqEditor *self,
                               const char  *text)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (SP_IS_FAQ_EDITOR (self));
  g_return_if_fail (text != NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || list_contains (GTK_WIDGET (self->alternatives_list), trimmed))
    return;
  list_add (self, GTK_WIDGET (self->alternatives_list), trimmed);
  on_field_changed (self);
}

static void
store_set (SpRecordEditor *editor,
           SpLocalStore   *old,
           SpLocalStore   *store)
{
  SpFaqEditor *self = SP_FAQ_EDITOR (editor);

  g_clear_object (&self->services);
  if (store != NULL)
    self->services = sp_row_list_model_new (store, SP_ENTITY_SERVICE, "name");
}

static void
apply_editable (SpRecordEditor *editor,
                gboolean        editable)
{
  SpFaqEditor *self = SP_FAQ_EDITOR (editor);
  GtkWidget *containers[] = { GTK_WIDGET (self->alternatives_list), GTK_WIDGET (self->keywords_box) };

  gtk_editable_set_editable (GTK_EDITABLE (self->question_entry), editable);
  gtk_editable_set_editable (GTK_EDITABLE (self->leika_entry), editable);
  gtk_editable_set_editable (GTK_EDITABLE (self->office_entry), editable);
  gtk_editable_set_editable (GTK_EDITABLE (self->valid_entry), editable);
  gtk_text_view_set_editable (self->short_view, editable);
  gtk_text_view_set_editable (self->answer_view, editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->language_dropdown), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->status_dropdown), editable);
  gtk_widget_set_visible (self->alternative_entry_box, editable);
  gtk_widget_set_visible (self->keyword_entry_box, editable);
  gtk_widget_set_visible (GTK_WIDGET (self->service_search), editable);
  gtk_widget_set_visible (GTK_WIDGET (self->service_results), FALSE);
  gtk_widget_set_visible (self->action_bar, editable);

  /* The remove buttons of phrasings and keywords. */
  for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
    for (GtkWidget *item = gtk_widget_get_first_child (containers[i]);
         item != NULL;
         item = gtk_widget_get_next_sibling (item))
      {
        GtkWidget *child = GTK_IS_FLOW_BOX_CHILD (item)
                           ? gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (item))
                           : gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (item));

        gtk_widget_set_visible (gtk_widget_get_last_child (child), editable);
      }

  update_service (self);
}

/* Linking a service */

static void
on_service_search_changed (SpFaqEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->service_search));
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->service_results))) != NULL)
    gtk_list_box_remove (self->service_results, child);

  if (self->services == NULL || *text == '\0')
    {
      gtk_widget_set_visible (GTK_WIDGET (self->service_results), FALSE);
      return;
    }

  /* The same full-text search as the service list. */
  sp_row_list_model_set_search (self->services, text);
  n = MIN (g_list_model_get_n_items (G_LIST_MODEL (self->services)), SERVICE_RESULTS);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpRow) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);
      const char *name = sp_row_get_string (service, "name");
      const char *office = sp_row_get_string (service, "office");
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (*name ? name : _("Untitled service"));
      GtkWidget *subtitle = gtk_label_new (office);

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_widget_set_visible (subtitle, *office != '\0');
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), subtitle);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      *name ? name : _("Untitled service"), -1);
      g_object_set_data_full (G_OBJECT (row), "service", g_object_ref (service), g_object_unref);
      gtk_list_box_append (self->service_results, row);
    }
  if (n == 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (_("No service matches"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->service_results, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->service_results), TRUE);
}

static void
link_service (SpFaqEditor *self,
              SpRow       *service)
{
  const char *leika = sp_row_get_string (service, "leika");
  const char *office = sp_row_get_string (service, "office");

  g_free (self->service_id);
  self->service_id = g_strdup (sp_row_get_id (service));
  if (*leika != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->leika_entry), leika);
  if (*office != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->office_entry), office);
  gtk_editable_set_text (GTK_EDITABLE (self->service_search), "");
  on_service_search_changed (self);
  update_service (self);
  on_field_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->service_search));
}

static void
on_service_result_activated (SpFaqEditor   *self,
                             GtkListBoxRow *row)
{
  SpRow *service = g_object_get_data (G_OBJECT (row), "service");

  if (service != NULL && sp_record_editor_get_editable (EDITOR (self)))
    link_service (self, service);
}

static void
on_service_search_activate (SpFaqEditor *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->service_results, 0);

  /* Enter links the best match. */
  if (first != NULL && gtk_widget_get_visible (GTK_WIDGET (self->service_results)))
    on_service_result_activated (self, first);
}

static void
on_unlink_clicked (SpFaqEditor *self)
{
  g_clear_pointer (&self->service_id, g_free);
  update_service (self);
  on_field_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->service_search));
}

/* Reading aloud */

static void
set_speaking (SpFaqEditor *self,
              gboolean     speaking)
{
  gtk_button_set_label (self->speak_button, speaking ? _("Stop Reading") : _("Read Aloud"));
}

static void
on_speaker_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpFaqEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("espeak-ng: %s", error->message);

  if (self->speaker == G_SUBPROCESS (source))
    {
      g_clear_object (&self->speaker);
      set_speaking (self, FALSE);
      update_counter (self);
    }
}

static void
on_speak_clicked (SpFaqEditor *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *voice;

  if (self->speaker != NULL)
    {
      g_subprocess_force_exit (self->speaker);
      return;
    }

  text = sp_form_text_view_get_text (self->short_view);
  g_strstrip (text);
  if (self->espeak == NULL || *text == '\0')
    return;

  voice = enum_value (self->language_dropdown, language_values);
  self->speaker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                    &error, self->espeak, "-v", voice, "--", text, NULL);
  if (self->speaker == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not read the answer aloud: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), msg);
      return;
    }
  set_speaking (self, TRUE);
  g_subprocess_wait_async (self->speaker, NULL, on_speaker_exited, g_object_ref (self));
}

static void
sp_faq_editor_dispose (GObject *object)
{
  SpFaqEditor *self = (SpFaqEditor *) object;

  if (self->speaker != NULL)
    g_subprocess_force_exit (self->speaker);
  g_clear_object (&self->speaker);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FAQ_EDITOR);
  g_clear_object (&self->services);

  G_OBJECT_CLASS (sp_faq_editor_parent_class)->dispose (object);
}

static void
sp_faq_editor_finalize (GObject *object)
{
  SpFaqEditor *self = (SpFaqEditor *) object;

  g_clear_pointer (&self->service_id, g_free);
  g_clear_pointer (&self->espeak, g_free);

  G_OBJECT_CLASS (sp_faq_editor_parent_class)->finalize (object);
}

static void
sp_faq_editor_class_init (SpFaqEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SpRecordEditorClass *editor_class = SP_RECORD_EDITOR_CLASS (klass);

  object_class->dispose = sp_faq_editor_dispose;
  object_class->finalize = sp_faq_editor_finalize;

  editor_class->entity = SP_ENTITY_FAQ;
  editor_class->title_field = "question";
  editor_class->new_title = N_("New FAQ entry");
  editor_class->untitled = N_("Untitled entry");
  editor_class->read_only = N_("Read only: editing FAQ entries needs the editor role.");
  editor_class->saved = N_("FAQ entry saved");
  editor_class->save_failed = N_("Could not save the FAQ entry: %s");
  editor_class->gone = N_("The FAQ entry no longer exists");
  editor_class->deleted = N_("FAQ entry deleted");
  editor_class->delete_failed = N_("Could not delete the FAQ entry: %s");
  editor_class->restore_failed = N_("Could not restore the FAQ entry: %s");
  editor_class->normalize = normalize_row;
  editor_class->collect = collect_fields;
  editor_class->fill = fill_form;
  editor_class->validate = validate;
  editor_class->focus_first = focus_first;
  editor_class->edited = edited;
  editor_class->prepare_save = prepare_save;
  editor_class->apply_editable = apply_editable;
  editor_class->store_set = store_set;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-faq-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, question_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, question_error);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, alternatives_list);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, alternative_entry_box);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, alternative_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, short_view);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, short_counter);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, short_error);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, speak_button);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, answer_view);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, answer_error);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, keywords_box);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, keyword_entry_box);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, keyword_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, service_label);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, unlink_button);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, service_search);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, service_results);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, leika_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, leika_error);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, office_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, valid_entry);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, valid_error);
  gtk_widget_class_bind_template_child (widget_class, SpFaqEditor, action_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_alternative_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_keyword_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_speak_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_unlink_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_service_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_service_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_service_result_activated);
}

static void
sp_faq_editor_init (SpFaqEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->espeak = g_find_program_in_path ("espeak-ng");
  gtk_widget_set_visible (GTK_WIDGET (self->speak_button), self->espeak != NULL);

  g_signal_connect_object (gtk_text_view_get_buffer (self->short_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->answer_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);

  sp_record_editor_setup (EDITOR (self), self->scroller, self->title_label, self->state_label);
}

GtkWidget *
sp_faq_editor_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_FAQ_EDITOR, "store", store, NULL);
}
