/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-survey-designer"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-json-util.h"
#include "surveys/sp-survey.h"
#include "sp-survey-doc.h"
#include "sp-survey-preview.h"
#include "sp-survey-results.h"
#include "sp-survey-designer.h"

struct _SpSurveyDesigner
{
  AdwBin              parent_instance;

  SpLocalStore       *store;
  SpServerAccessFunc  access;
  gpointer            access_data;

  SpSurveyDoc        *doc;
  char               *saved_text;   /* the document as stored */
  GHashTable         *expanded;     /* question ids shown open */
  GHashTable         *problem_labels; /* question id -> GtkLabel */
  GHashTable         *question_rows;  /* question id -> AdwExpanderRow */
  GPtrArray          *problems;
  JsonObject         *focus_object;   /* focus its text or label after a rebuild */
  GtkWidget          *focus_target;
  guint               loading;
  guint               rebuild_source;

  GtkScrolledWindow  *scroller;
  GtkLabel           *heading_label;
  GtkLabel           *pending_label;
  AdwPreferencesGroup *settings_group;
  GtkLabel           *settings_error;
  AdwPreferencesGroup *texts_group;
  GtkBox             *pages_box;

  GtkWidget          *title_row;
  GtkWidget          *title_en_row;
  GtkDropDown        *status_dropdown;
  GtkDropDown        *access_dropdown;
  GtkWidget          *opens_row;
  GtkWidget          *closes_row;
  GtkWidget          *text_views[6];
};

G_DEFINE_FINAL_TYPE (SpSurveyDesigner, sp_survey_designer, ADW_TYPE_BIN)

enum {
  SAVED,
  DELETED,
  BACK,
  DUPLICATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const status_values[] = { "draft", "published", "closed", NULL };
static const char * const access_values[] = { "public", "code", NULL };
static const char * const text_fields[] = { "intro", "intro_en", "privacy", "privacy_en",
                                            "thanks", "thanks_en" };

static void rebuild_pages (SpSurveyDesigner *self);
static void update_state  (SpSurveyDesigner *self);

static const char *
str (JsonObject *object,
     const char *name)
{
  return sp_json_get_string_or (object, name, "");
}

/* BOOL fields: a JSON boolean (or an integer from older rows). */
static gboolean
get_bool (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return json_node_get_int (node) != 0;
}

static guint
index_of (const char * const *values,
          const char         *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

/* The accessible name the UI tests and screen readers find a control by. */
static void
name_widget (GtkWidget  *widget,
             const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* The row around an entry made by entry_row(). */
#define ROW_OF(entry) gtk_widget_get_ancestor ((entry), ADW_TYPE_ACTION_ROW)

static void
queue_rebuild_cb (gpointer data);

static void
queue_rebuild (SpSurveyDesigner *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_once ((GSourceOnceFunc) queue_rebuild_cb, self);
}

static void
queue_rebuild_cb (gpointer data)
{
  SpSurveyDesigner *self = data;

  self->rebuild_source = 0;
  rebuild_pages (self);
}

/* Field edits */

static void
on_string_changed (GtkEditable      *editable,
                   SpSurveyDesigner *self)
{
  JsonObject *object = g_object_get_data (G_OBJECT (editable), "sp-object");
  const char *field = g_object_get_data (G_OBJECT (editable), "sp-field");
  g_autofree char *text = NULL;

  if (self->loading > 0)
    return;
  text = g_strdup (gtk_editable_get_text (editable));
  /* Codes are identifiers: no white space around them. */
  if (g_str_equal (field, "code") || g_str_equal (field, "opens") || g_str_equal (field, "closes"))
    g_strstrip (text);
  json_object_set_string_member (object, field, text);

  if (object != self->doc->survey && (g_str_equal (field, "text") || g_str_equal (field, "code")))
    {
      AdwExpanderRow *row = g_hash_table_lookup (self->question_rows, str (object, "id"));

      if (row != NULL)
        {
          g_autofree char *title = g_strdup_printf ("%s · %s", str (object, "code"),
                                                    *str (object, "text") ? str (object, "text")
                                                                          : _("New question"));

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        }
    }
  update_state (self);
}

static void
bind_editable (SpSurveyDesigner *self,
               GtkWidget        *editable,
               JsonObject       *object,
               const char       *field)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), str (object, field));
  g_object_set_data (G_OBJECT (editable), "sp-object", object);
  g_object_set_data (G_OBJECT (editable), "sp-field", (gpointer) g_intern_string (field));
  g_signal_connect (editable, "changed", G_CALLBACK (on_string_changed), self);
  if (object == self->focus_object && self->focus_target == NULL &&
      (g_str_equal (field, "text") || g_str_equal (field, "label")))
    self->focus_target = editable;
}

/* A titled row with an entry; returns the entry (its row: ROW_OF). */
static GtkWidget *
entry_row (SpSurveyDesigner *self,
           const char       *title,
           const char       *name,
           JsonObject       *object,
           const char       *field)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *entry = gtk_entry_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_object_set (row, "use-markup", FALSE, NULL);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 28);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), entry);
  name_widget (entry, name);
  bind_editable (self, entry, object, field);
  return entry;
}

static GtkWidget *
small_entry (SpSurveyDesigner *self,
             const char       *placeholder,
             const char       *name,
             JsonObject       *object,
             const char       *field,
             int               width_chars)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  name_widget (entry, name);
  bind_editable (self, entry, object, field);
  return entry;
}

static void
on_text_buffer_changed (GtkTextBuffer    *buffer,
                        SpSurveyDesigner *self)
{
  const char *field = g_object_get_data (G_OBJECT (buffer), "sp-field");
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->loading > 0)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  json_object_set_string_member (self->doc->survey, field, text);
  update_state (self);
}

static void
on_spin_changed (GtkSpinButton    *spin,
                 SpSurveyDesigner *self)
{
  JsonObject *object = g_object_get_data (G_OBJECT (spin), "sp-object");
  const char *field = g_object_get_data (G_OBJECT (spin), "sp-field");

  if (self->loading > 0)
    return;
  json_object_set_int_member (object, field, gtk_spin_button_get_value_as_int (spin));
  update_state (self);
}

static void
on_required_changed (GtkSwitch        *sw,
                     GParamSpec       *pspec,
                     SpSurveyDesigner *self)
{
  JsonObject *object = g_object_get_data (G_OBJECT (sw), "sp-object");

  if (self->loading > 0)
    return;
  json_object_set_boolean_member (object, "required", gtk_switch_get_active (sw));
  update_state (self);
  queue_rebuild (self);  /* the subtitle says "required" */
}

static void
on_status_changed (SpSurveyDesigner *self)
{
  if (self->loading > 0)
    return;
  json_object_set_string_member (self->doc->survey, "status",
                                 status_values[gtk_drop_down_get_selected (self->status_dropdown)]);
  update_state (self);
}

static void
on_access_changed (SpSurveyDesigner *self)
{
  if (self->loading > 0)
    return;
  json_object_set_string_member (self->doc->survey, "access",
                                 access_values[gtk_drop_down_get_selected (self->access_dropdown)]);
  update_state (self);
}

static void
on_type_changed (GtkDropDown      *dropdown,
                 GParamSpec       *pspec,
                 SpSurveyDesigner *self)
{
  JsonObject *question = g_object_get_data (G_OBJECT (dropdown), "sp-object");
  const char *type = sp_survey_question_types[gtk_drop_down_get_selected (dropdown)];

  if (self->loading > 0 || g_str_equal (type, str (question, "type")))
    return;
  json_object_set_string_member (question, "type", type);
  if (g_str_equal (type, "rating"))
    {
      json_object_set_int_member (question, "min", 1);
      json_object_set_int_member (question, "max", 5);
    }
  else
    {
      json_object_set_int_member (question, "min", 0);
      json_object_set_int_member (question, "max", 0);
    }
  update_state (self);
  queue_rebuild (self);
}

static void
on_condition_question_changed (GtkDropDown      *dropdown,
                               GParamSpec       *pspec,
                               SpSurveyDesigner *self)
{
  JsonObject *question = g_object_get_data (G_OBJECT (dropdown), "sp-object");
  GPtrArray *sources = g_object_get_data (G_OBJECT (dropdown), "sp-sources");
  guint selected = gtk_drop_down_get_selected (dropdown);
  JsonObject *source = selected > 0 && selected <= sources->len ? sources->pdata[selected - 1] : NULL;

  if (self->loading > 0)
    return;
  if (source == NULL)
    {
      json_object_set_string_member (question, "condition_question", "");
      json_object_set_string_member (question, "condition_option", "");
    }
  else if (!g_str_equal (str (source, "id"), str (question, "condition_question")))
    {
      g_autoptr(GPtrArray) options = sp_survey_doc_get_options (self->doc, str (source, "id"), "option");

      json_object_set_string_member (question, "condition_question", str (source, "id"));
      json_object_set_string_member (question, "condition_option",
                                     options->len > 0 ? str (options->pdata[0], "id") : "");
    }
  update_state (self);
  queue_rebuild (self);
}

static void
on_condition_option_changed (GtkDropDown      *dropdown,
                             GParamSpec       *pspec,
                             SpSurveyDesigner *self)
{
  JsonObject *question = g_object_get_data (G_OBJECT (dropdown), "sp-object");
  GPtrArray *options = g_object_get_data (G_OBJECT (dropdown), "sp-options");
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->loading > 0 || selected >= options->len)
    return;
  json_object_set_string_member (question, "condition_option", str (options->pdata[selected], "id"));
  update_state (self);
}

static void
on_page_chosen (GtkDropDown      *dropdown,
                GParamSpec       *pspec,
                SpSurveyDesigner *self)
{
  JsonObject *question = g_object_get_data (G_OBJECT (dropdown), "sp-object");

  if (self->loading > 0)
    return;
  sp_survey_doc_set_question_page (self->doc, str (question, "id"),
                                   gtk_drop_down_get_selected (dropdown) + 1);
  g_hash_table_add (self->expanded, g_strdup (str (question, "id")));
  update_state (self);
  queue_rebuild (self);
}

static void
on_expanded_changed (AdwExpanderRow   *row,
                     GParamSpec       *pspec,
                     SpSurveyDesigner *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "sp-id");

  if (adw_expander_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (id));
  else
    g_hash_table_remove (self->expanded, id);
}

/* Building the form */

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *name,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  name_widget (button, name);
  return button;
}

static GtkWidget *
labelled_dropdown (const char * const *items,
                   const char         *name)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (items);

  gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
  name_widget (dropdown, name);
  return dropdown;
}

static void
add_settings_rows (SpSurveyDesigner *self)
{
  const char *status_items[] = { _("Draft"), _("Published"), _("Closed"), NULL };
  const char *access_items[] = { _("Public: anyone with the link"), _("One-time access codes"), NULL };
  GtkWidget *row;

  self->title_row = entry_row (self, _("Title"), _("Survey title (German)"), self->doc->survey, "title");
  adw_preferences_group_add (self->settings_group, ROW_OF (self->title_row));
  self->title_en_row = entry_row (self, _("Title in English (optional: offers the survey in English)"),
                                  _("Survey title (English)"), self->doc->survey, "title_en");
  adw_preferences_group_add (self->settings_group, ROW_OF (self->title_en_row));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Status"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Citizens see published surveys between the opening and closing day"));
  self->status_dropdown = GTK_DROP_DOWN (labelled_dropdown (status_items, _("Status")));
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (on_status_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->status_dropdown));
  adw_preferences_group_add (self->settings_group, row);

  self->opens_row = entry_row (self, _("Opens on (YYYY-MM-DD, empty: at once)"), _("Opens on"),
                               self->doc->survey, "opens");
  adw_preferences_group_add (self->settings_group, ROW_OF (self->opens_row));
  self->closes_row = entry_row (self, _("Closes after (YYYY-MM-DD, empty: open end)"), _("Closes after"),
                                self->doc->survey, "closes");
  adw_preferences_group_add (self->settings_group, ROW_OF (self->closes_row));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Access"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Access codes restrict a survey to a closed group; each code answers once"));
  self->access_dropdown = GTK_DROP_DOWN (labelled_dropdown (access_items, _("Access")));
  g_signal_connect_swapped (self->access_dropdown, "notify::selected", G_CALLBACK (on_access_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->access_dropdown));
  adw_preferences_group_add (self->settings_group, row);
}

static void
add_text_views (SpSurveyDesigner *self)
{
  const char *titles[] = {
    N_("Introduction"), N_("Introduction (English)"),
    N_("Privacy notice"), N_("Privacy notice (English)"),
    N_("Thank-you text"), N_("Thank-you text (English)"),
  };
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *label = gtk_label_new (_(titles[i]));
      GtkWidget *frame = gtk_frame_new (NULL);
      GtkWidget *view = gtk_text_view_new ();
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
      gtk_widget_set_size_request (view, -1, 72);
      name_widget (view, _(titles[i]));
      gtk_frame_set_child (GTK_FRAME (frame), view);
      g_object_set_data (G_OBJECT (buffer), "sp-field", (gpointer) text_fields[i]);
      g_signal_connect (buffer, "changed", G_CALLBACK (on_text_buffer_changed), self);
      gtk_grid_attach (GTK_GRID (grid), label, i % 2, (i / 2) * 2, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), frame, i % 2, (i / 2) * 2 + 1, 1, 1);
      self->text_views[i] = view;
    }
  adw_preferences_group_add (self->texts_group, grid);
}

static void
fill_settings (SpSurveyDesigner *self)
{
  JsonObject *survey = self->doc->survey;
  GtkWidget *rows[] = { self->title_row, self->title_en_row, self->opens_row, self->closes_row };
  const char *fields[] = { "title", "title_en", "opens", "closes" };

  self->loading++;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_object_set_data (G_OBJECT (rows[i]), "sp-object", survey);
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (rows[i])), str (survey, fields[i])) != 0)
        gtk_editable_set_text (GTK_EDITABLE (rows[i]), str (survey, fields[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    sp_form_text_view_set_text (GTK_TEXT_VIEW (self->text_views[i]), str (survey, text_fields[i]));
  gtk_drop_down_set_selected (self->status_dropdown, index_of (status_values, str (survey, "status")));
  gtk_drop_down_set_selected (self->access_dropdown, index_of (access_values, str (survey, "access")));
  self->loading--;
}

static void
add_option_rows (SpSurveyDesigner *self,
                 AdwExpanderRow   *expander,
                 JsonObject       *question,
                 const char       *kind)
{
  const char *qid = str (question, "id");
  const char *qcode = str (question, "code");
  gboolean rows = g_str_equal (kind, "row");
  g_autoptr(GPtrArray) options = sp_survey_doc_get_options (self->doc, qid, kind);
  GtkWidget *header = gtk_label_new (rows ? _("Rows (statements rated on the answer scale)")
                                          : g_str_equal (str (question, "type"), "matrix")
                                            ? _("Answer scale")
                                            : _("Answer options"));
  GtkWidget *add;
  g_autofree char *add_name = NULL;

  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 12);
  adw_expander_row_add_row (expander, header);

  for (guint i = 0; i < options->len; i++)
    {
      JsonObject *option = options->pdata[i];
      const char *id = str (option, "id");
      const char *ocode = str (option, "code");
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label;
      g_autofree char *prefix = g_strdup_printf (rows ? _("%s row %s") : _("%s option %s"), qcode, ocode);
      g_autofree char *n_code = g_strdup_printf (_("%s: code"), prefix);
      g_autofree char *n_label = g_strdup_printf (_("%s: label (German)"), prefix);
      g_autofree char *n_label_en = g_strdup_printf (_("%s: label (English)"), prefix);
      g_autofree char *n_up = g_strdup_printf (_("Move %s up"), prefix);
      g_autofree char *n_down = g_strdup_printf (_("Move %s down"), prefix);
      g_autofree char *n_remove = g_strdup_printf (_("Remove %s"), prefix);

      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 3);
      gtk_widget_set_margin_bottom (box, 3);
      gtk_box_append (GTK_BOX (box), small_entry (self, _("Code"), n_code, option, "code", 6));
      label = small_entry (self, _("Label"), n_label, option, "label", 12);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      label = small_entry (self, _("Label in English"), n_label_en, option, "label_en", 12);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), icon_button ("go-up-symbolic", _("Move Up"), n_up,
                                                  "designer.move-option", g_variant_new ("(si)", id, -1)));
      gtk_box_append (GTK_BOX (box), icon_button ("go-down-symbolic", _("Move Down"), n_down,
                                                  "designer.move-option", g_variant_new ("(si)", id, 1)));
      gtk_box_append (GTK_BOX (box), icon_button ("user-trash-symbolic", _("Remove"), n_remove,
                                                  "designer.remove-option", g_variant_new_string (id)));
      adw_expander_row_add_row (expander, box);
    }

  add = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (add),
                        g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                      "icon-name", "list-add-symbolic",
                                      "label", rows ? _("Add Row") : _("Add Option"),
                                      NULL));
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  gtk_widget_set_margin_start (add, 6);
  gtk_widget_set_margin_bottom (add, 6);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "designer.add-option");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "(ss)", qid, kind);
  add_name = g_strdup_printf (rows ? _("Add row to %s") : _("Add option to %s"), qcode);
  name_widget (add, add_name);
  adw_expander_row_add_row (expander, add);
}

static GtkWidget *
spin_row (SpSurveyDesigner *self,
          JsonObject       *question,
          const char       *field,
          const char       *title,
          const char       *subtitle,
          double            lower,
          double            upper)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);
  g_autofree char *name = g_strdup_printf ("%s: %s", str (question, "code"), title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), sp_json_get_int_or (question, field, 0));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  name_widget (spin, name);
  g_object_set_data (G_OBJECT (spin), "sp-object", question);
  g_object_set_data (G_OBJECT (spin), "sp-field", (gpointer) g_intern_string (field));
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  return row;
}

static void
add_limit_rows (SpSurveyDesigner *self,
                AdwExpanderRow   *expander,
                JsonObject       *question)
{
  const char *type = str (question, "type");

  if (g_str_equal (type, "number"))
    {
      adw_expander_row_add_row (expander, spin_row (self, question, "min", _("Minimum"),
                                                    _("Checked only when smaller than the maximum"),
                                                    -1e9, 1e9));
      adw_expander_row_add_row (expander, spin_row (self, question, "max", _("Maximum"), NULL, -1e9, 1e9));
    }
  else if (g_str_equal (type, "rating"))
    adw_expander_row_add_row (expander, spin_row (self, question, "max", _("Points on the scale"),
                                                  _("From 1 to this number"), 2, 10));
  else if (g_str_equal (type, "text"))
    adw_expander_row_add_row (expander, spin_row (self, question, "max", _("Maximum length"),
                                                  _("Characters; 0: no limit"), 0, SP_SURVEY_TEXT_MAX_CHARS));
  else if (g_str_equal (type, "multiple"))
    adw_expander_row_add_row (expander, spin_row (self, question, "max", _("Most choices"),
                                                  _("0: any number of options"), 0, 100));
}

static char *
question_label (JsonObject *question)
{
  return g_strdup_printf ("%s · %s", str (question, "code"),
                          *str (question, "text") ? str (question, "text") : _("New question"));
}

static void
add_condition_row (SpSurveyDesigner *self,
                   AdwExpanderRow   *expander,
                   JsonObject       *question)
{
  const char *qcode = str (question, "code");
  GPtrArray *sources = sp_survey_doc_condition_sources (self->doc, str (question, "id"));
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *dropdown;
  g_autofree char *name = g_strdup_printf (_("%s: show only if question"), qcode);
  JsonObject *current = sp_survey_doc_find_question (self->doc, str (question, "condition_question"));
  guint selected = 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Condition"));
  if (sources->len == 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Always shown. A question can depend on the answer to an earlier single, dropdown or multiple choice question."));
      g_ptr_array_unref (sources);
      adw_expander_row_add_row (expander, row);
      return;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Show this question only if the answer is"));

  g_ptr_array_add (items, g_strdup (_("Always shown")));
  for (guint i = 0; i < sources->len; i++)
    {
      g_ptr_array_add (items, question_label (sources->pdata[i]));
      if (sources->pdata[i] == current)
        selected = i + 1;
    }
  g_ptr_array_add (items, NULL);
  dropdown = labelled_dropdown ((const char * const *) items->pdata, name);
  gtk_widget_set_size_request (dropdown, 180, -1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
  g_object_set_data (G_OBJECT (dropdown), "sp-object", question);
  g_object_set_data_full (G_OBJECT (dropdown), "sp-sources", sources, (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_condition_question_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);

  if (current != NULL && selected > 0)
    {
      GPtrArray *options = sp_survey_doc_get_options (self->doc, str (current, "id"), "option");
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *option_name = g_strdup_printf (_("%s: show only if answer"), qcode);
      guint option_selected = 0;

      for (guint i = 0; i < options->len; i++)
        {
          JsonObject *option = options->pdata[i];

          g_ptr_array_add (labels, g_strdup_printf ("%s · %s", str (option, "code"), str (option, "label")));
          if (g_str_equal (str (option, "id"), str (question, "condition_option")))
            option_selected = i;
        }
      g_ptr_array_add (labels, NULL);
      dropdown = labelled_dropdown ((const char * const *) labels->pdata, option_name);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), option_selected);
      g_object_set_data (G_OBJECT (dropdown), "sp-object", question);
      g_object_set_data_full (G_OBJECT (dropdown), "sp-options", options, (GDestroyNotify) g_ptr_array_unref);
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_condition_option_changed), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_label_new (_("is")));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
    }
  adw_expander_row_add_row (expander, row);
}

static void
add_arrange_row (SpSurveyDesigner *self,
                 AdwExpanderRow   *expander,
                 JsonObject       *question)
{
  const char *id = str (question, "id");
  const char *qcode = str (question, "code");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *n_up = g_strdup_printf (_("Move %s up"), qcode);
  g_autofree char *n_down = g_strdup_printf (_("Move %s down"), qcode);
  g_autofree char *n_page = g_strdup_printf (_("%s: page"), qcode);
  g_autofree char *n_delete = g_strdup_printf (_("Delete %s"), qcode);
  GtkWidget *dropdown;

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), icon_button ("go-up-symbolic", _("Move Up"), n_up,
                                              "designer.move-question", g_variant_new ("(si)", id, -1)));
  gtk_box_append (GTK_BOX (box), icon_button ("go-down-symbolic", _("Move Down"), n_down,
                                              "designer.move-question", g_variant_new ("(si)", id, 1)));

  for (guint i = 1; i <= self->doc->n_pages; i++)
    g_ptr_array_add (pages, g_strdup_printf (_("Page %u"), i));
  g_ptr_array_add (pages, NULL);
  dropdown = labelled_dropdown ((const char * const *) pages->pdata, n_page);
  gtk_widget_set_tooltip_text (dropdown, _("Move to another page"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), sp_json_get_int_or (question, "page", 1) - 1);
  g_object_set_data (G_OBJECT (dropdown), "sp-object", question);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_page_chosen), self);
  gtk_box_append (GTK_BOX (box), dropdown);

  button = gtk_button_new_with_label (_("Delete Question"));
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "designer.remove-question");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  name_widget (button, n_delete);
  gtk_box_append (GTK_BOX (box), button);
  adw_expander_row_add_row (expander, box);
}

static char *
question_subtitle (SpSurveyDesigner *self,
                   JsonObject       *question)
{
  GString *subtitle = g_string_new (sp_survey_type_label (str (question, "type")));
  JsonObject *source = sp_survey_doc_find_question (self->doc, str (question, "condition_question"));

  if (get_bool (question, "required"))
    g_string_append_printf (subtitle, " · %s", _("required"));
  if (source != NULL)
    g_string_append_printf (subtitle, " · %s", _("shown on a condition"));
  return g_string_free (subtitle, FALSE);
}

static GtkWidget *
question_row (SpSurveyDesigner *self,
              JsonObject       *question)
{
  const char *id = str (question, "id");
  const char *qcode = str (question, "code");
  const char *type = str (question, "type");
  GtkWidget *expander = adw_expander_row_new ();
  AdwExpanderRow *row = ADW_EXPANDER_ROW (expander);
  g_autofree char *title = question_label (question);
  g_autofree char *subtitle = question_subtitle (self, question);
  g_autoptr(GPtrArray) type_items = g_ptr_array_new ();
  GtkWidget *problem;
  GtkWidget *widget;
  GtkWidget *action_row;
  g_autofree char *n_type = g_strdup_printf (_("%s: type"), qcode);
  g_autofree char *n_code = g_strdup_printf (_("%s: code"), qcode);
  g_autofree char *n_text = g_strdup_printf (_("%s: question (German)"), qcode);
  g_autofree char *n_text_en = g_strdup_printf (_("%s: question (English)"), qcode);
  g_autofree char *n_help = g_strdup_printf (_("%s: help (German)"), qcode);
  g_autofree char *n_help_en = g_strdup_printf (_("%s: help (English)"), qcode);
  g_autofree char *n_required = g_strdup_printf (_("%s: required"), qcode);

  g_object_set (expander, "use-markup", FALSE, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, subtitle);
  g_object_set_data_full (G_OBJECT (row), "sp-id", g_strdup (id), g_free);
  adw_expander_row_set_expanded (row, g_hash_table_contains (self->expanded, id));
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_expanded_changed), self);
  g_hash_table_insert (self->question_rows, g_strdup (id), row);

  problem = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (problem), 0);
  gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
  gtk_widget_set_margin_start (problem, 12);
  gtk_widget_set_margin_end (problem, 12);
  gtk_widget_set_margin_top (problem, 8);
  gtk_widget_set_margin_bottom (problem, 8);
  gtk_widget_set_visible (problem, FALSE);
  adw_expander_row_add_row (row, problem);
  g_hash_table_insert (self->problem_labels, g_strdup (id), problem);

  for (guint i = 0; sp_survey_question_types[i] != NULL; i++)
    g_ptr_array_add (type_items, (gpointer) sp_survey_type_label (sp_survey_question_types[i]));
  g_ptr_array_add (type_items, NULL);
  action_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), _("Type"));
  widget = labelled_dropdown ((const char * const *) type_items->pdata, n_type);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), index_of (sp_survey_question_types, type));
  g_object_set_data (G_OBJECT (widget), "sp-object", question);
  g_signal_connect (widget, "notify::selected", G_CALLBACK (on_type_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), widget);
  adw_expander_row_add_row (row, action_row);

  widget = entry_row (self, _("Question"), n_text, question, "text");
  g_object_set_data (G_OBJECT (row), "sp-text-row", widget);
  adw_expander_row_add_row (row, ROW_OF (widget));
  adw_expander_row_add_row (row, ROW_OF (entry_row (self, _("Question in English"), n_text_en, question, "text_en")));
  adw_expander_row_add_row (row, ROW_OF (entry_row (self, _("Help text (optional)"), n_help, question, "help")));
  adw_expander_row_add_row (row, ROW_OF (entry_row (self, _("Help text in English"), n_help_en, question, "help_en")));
  adw_expander_row_add_row (row, ROW_OF (entry_row (self, _("Code (LimeSurvey)"), n_code, question, "code")));

  action_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), _("Answer required"));
  widget = gtk_switch_new ();
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (widget), get_bool (question, "required"));
  name_widget (widget, n_required);
  g_object_set_data (G_OBJECT (widget), "sp-object", question);
  g_signal_connect (widget, "notify::active", G_CALLBACK (on_required_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), widget);
  adw_expander_row_add_row (row, action_row);

  add_limit_rows (self, row, question);
  if (sp_survey_type_has_rows (type))
    add_option_rows (self, row, question, "row");
  if (sp_survey_type_has_options (type))
    add_option_rows (self, row, question, "option");
  add_condition_row (self, row, question);
  add_arrange_row (self, row, question);
  return expander;
}

static GtkWidget *
add_question_button (guint page)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *name = g_strdup_printf (_("Add question to page %u"), page);

  for (guint i = 0; sp_survey_question_types[i] != NULL; i++)
    {
      GtkWidget *item = gtk_button_new_with_label (sp_survey_type_label (sp_survey_question_types[i]));

      gtk_widget_add_css_class (item, "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (item))), 0);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (item), "designer.add-question");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (item), "(us)", page, sp_survey_question_types[i]);
      g_signal_connect_swapped (item, "clicked", G_CALLBACK (gtk_popover_popdown), popover);
      gtk_box_append (GTK_BOX (box), item);
    }
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button),
                             g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                           "icon-name", "list-add-symbolic",
                                           "label", _("Add Question"),
                                           NULL));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  name_widget (button, name);
  /* The toggle inside carries the name for AT-SPI clients too. */
  name_widget (gtk_widget_get_first_child (button), name);
  return button;
}

static void
rebuild_pages (SpSurveyDesigner *self)
{
  GtkWidget *child;
  double scroll = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scroller));

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_box))) != NULL)
    gtk_box_remove (self->pages_box, child);
  g_hash_table_remove_all (self->problem_labels);
  g_hash_table_remove_all (self->question_rows);
  if (self->doc == NULL)
    return;

  self->loading++;
  for (guint page = 1; page <= self->doc->n_pages; page++)
    {
      g_autoptr(GPtrArray) questions = sp_survey_doc_get_page (self->doc, page);
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      g_autofree char *title = g_strdup_printf (_("Page %u"), page);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      if (questions->len == 0)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                               _("No questions on this page yet."));
      if (questions->len == 0 && self->doc->n_pages > 1)
        {
          g_autofree char *name = g_strdup_printf (_("Remove page %u"), page);

          gtk_box_append (GTK_BOX (suffix),
                          icon_button ("user-trash-symbolic", _("Remove Empty Page"), name,
                                       "designer.remove-page", g_variant_new_uint32 (page)));
        }
      gtk_box_append (GTK_BOX (suffix), add_question_button (page));
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), suffix);

      for (guint i = 0; i < questions->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), question_row (self, questions->pdata[i]));
      gtk_box_append (self->pages_box, group);
    }
  self->loading--;

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), scroll);
  update_state (self);

  /* A new question or option: its text field, scrolled into view. */
  if (self->focus_target != NULL)
    gtk_widget_grab_focus (self->focus_target);
  self->focus_object = NULL;
  self->focus_target = NULL;
}

/* State: dirty, pending sync, problems */

static gboolean
publishing (SpSurveyDesigner *self)
{
  return g_str_equal (str (self->doc->survey, "status"), "published");
}

static void
show_problems (SpSurveyDesigner *self)
{
  g_autoptr(GString) settings = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  gboolean strict = publishing (self);
  GtkWidget *settings_rows[] = { self->title_row, self->opens_row, self->closes_row };
  const char *settings_fields[] = { "title", "opens", "closes" };

  for (guint i = 0; i < G_N_ELEMENTS (settings_rows); i++)
    gtk_widget_remove_css_class (settings_rows[i], "error");

  g_hash_table_iter_init (&iter, self->problem_labels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      gboolean errors = FALSE;
      AdwExpanderRow *row = g_hash_table_lookup (self->question_rows, key);

      for (guint i = 0; i < self->problems->len; i++)
        {
          SpSurveyProblem *problem = self->problems->pdata[i];

          if (g_strcmp0 (problem->question_id, key) != 0)
            continue;
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, problem->message);
          errors |= problem->blocks_save || strict;
        }
      gtk_label_set_text (GTK_LABEL (value), text->str);
      gtk_widget_set_visible (GTK_WIDGET (value), text->len > 0);
      if (errors)
        {
          gtk_widget_remove_css_class (GTK_WIDGET (value), "warning");
          gtk_widget_add_css_class (GTK_WIDGET (value), "error");
        }
      else
        {
          gtk_widget_remove_css_class (GTK_WIDGET (value), "error");
          gtk_widget_add_css_class (GTK_WIDGET (value), "warning");
        }
      if (row != NULL)
        gtk_widget_set_tooltip_text (GTK_WIDGET (row), text->len > 0 ? text->str : NULL);
    }

  for (guint i = 0; i < self->problems->len; i++)
    {
      SpSurveyProblem *problem = self->problems->pdata[i];

      if (problem->question_id != NULL)
        continue;
      if (!problem->blocks_save && !strict)
        continue;
      if (settings->len > 0)
        g_string_append_c (settings, '\n');
      g_string_append (settings, problem->message);
      for (guint j = 0; j < G_N_ELEMENTS (settings_fields); j++)
        if (g_str_equal (problem->field, settings_fields[j]))
          gtk_widget_add_css_class (settings_rows[j], "error");
    }
  gtk_label_set_text (self->settings_error, settings->str);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), settings->len > 0);
}

static void
update_state (SpSurveyDesigner *self)
{
  g_autofree char *text = NULL;
  gboolean dirty;
  const char *title;

  if (self->doc == NULL || self->loading > 0)
    return;

  text = sp_survey_doc_to_string (self->doc);
  dirty = g_strcmp0 (text, self->saved_text) != 0;
  title = str (self->doc->survey, "title");
  gtk_label_set_text (self->heading_label, *title ? title : _("New Survey"));

  if (dirty)
    gtk_label_set_text (self->pending_label, _("Unsaved changes"));
  else if (self->doc->id != NULL && self->store != NULL &&
           sp_local_store_is_pending (self->store, "survey", self->doc->id))
    gtk_label_set_text (self->pending_label, _("Saved on this computer, not yet synced"));
  else
    gtk_label_set_text (self->pending_label, self->doc->id != NULL ? _("Saved") : "");

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = sp_survey_doc_validate (self->doc);
  show_problems (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.results", self->doc->id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.share", self->doc->id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.duplicate", self->doc->id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.delete", self->doc->id != NULL);
}

/* Editor API (SpRecordList) */

static void
set_doc (SpSurveyDesigner *self,
         SpSurveyDoc      *doc)
{
  g_clear_pointer (&self->doc, sp_survey_doc_free);
  self->doc = doc;
  g_free (self->saved_text);
  self->saved_text = sp_survey_doc_to_string (doc);
  fill_settings (self);
  rebuild_pages (self);
}

gboolean
sp_survey_designer_load (SpSurveyDesigner *self,
                         const char       *id)
{
  g_autoptr(GError) error = NULL;
  SpSurveyDoc *doc;

  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), FALSE);

  g_hash_table_remove_all (self->expanded);
  if (id == NULL)
    {
      set_doc (self, sp_survey_doc_new ());
      return TRUE;
    }
  doc = sp_survey_doc_load (self->store, id, &error);
  if (doc == NULL)
    {
      if (error != NULL)
        g_warning ("Cannot load survey %s: %s", id, error->message);
      set_doc (self, sp_survey_doc_new ());
      return FALSE;
    }
  set_doc (self, doc);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  return TRUE;
}

gboolean
sp_survey_designer_refresh (SpSurveyDesigner *self)
{
  g_autoptr(GError) error = NULL;
  SpSurveyDoc *doc;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), FALSE);

  if (self->doc == NULL || self->doc->id == NULL)
    return self->doc != NULL;
  if (sp_survey_designer_get_dirty (self))
    return TRUE;  /* unsaved edits stay */

  doc = sp_survey_doc_load (self->store, self->doc->id, &error);
  if (doc == NULL)
    return FALSE;
  text = sp_survey_doc_to_string (doc);
  if (g_strcmp0 (text, self->saved_text) == 0)
    {
      sp_survey_doc_free (doc);
      update_state (self);  /* the pending mark */
      return TRUE;
    }
  doc->n_pages = MAX (doc->n_pages, self->doc->n_pages);
  set_doc (self, doc);
  return TRUE;
}

const char *
sp_survey_designer_get_row_id (SpSurveyDesigner *self)
{
  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), NULL);

  return self->doc != NULL ? self->doc->id : NULL;
}

gboolean
sp_survey_designer_get_dirty (SpSurveyDesigner *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), FALSE);

  if (self->doc == NULL)
    return FALSE;
  text = sp_survey_doc_to_string (self->doc);
  return g_strcmp0 (text, self->saved_text) != 0;
}

static void
focus_problem (SpSurveyDesigner *self,
               SpSurveyProblem  *problem)
{
  if (problem->question_id == NULL)
    {
      GtkWidget *widget = g_str_equal (problem->field, "opens") ? self->opens_row
                          : g_str_equal (problem->field, "closes") ? self->closes_row
                          : self->title_row;

      gtk_widget_grab_focus (widget);
      return;
    }
  {
    AdwExpanderRow *row = g_hash_table_lookup (self->question_rows, problem->question_id);

    if (row != NULL)
      {
        adw_expander_row_set_expanded (row, TRUE);
        gtk_widget_grab_focus (g_object_get_data (G_OBJECT (row), "sp-text-row"));
      }
  }
}

gboolean
sp_survey_designer_validate (SpSurveyDesigner *self,
                             gboolean          focus)
{
  gboolean strict;

  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), FALSE);

  if (self->doc == NULL)
    return FALSE;
  update_state (self);
  strict = publishing (self);
  for (guint i = 0; i < self->problems->len; i++)
    {
      SpSurveyProblem *problem = self->problems->pdata[i];

      if (problem->blocks_save || strict)
        {
          if (focus)
            focus_problem (self, problem);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sp_survey_designer_save (SpSurveyDesigner *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SP_IS_SURVEY_DESIGNER (self), FALSE);

  if (!sp_survey_designer_validate (self, TRUE))
    {
      sp_form_show_toast (GTK_WIDGET (self),
                          publishing (self)
                          ? _("The survey cannot be published yet: fix the marked problems or keep it as a draft")
                          : _("The survey has errors: fix the marked fields to save it"));
      return FALSE;
    }
  if (!sp_survey_doc_save (self->doc, self->store, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the survey: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), text);
      return FALSE;
    }
  g_free (self->saved_text);
  self->saved_text = sp_survey_doc_to_string (self->doc);
  update_state (self);
  sp_form_show_toast (GTK_WIDGET (self), publishing (self) ? _("Survey saved and published")
                                                           : _("Survey saved"));
  g_signal_emit (self, signals[SAVED], 0, self->doc->id);
  return TRUE;
}

void
sp_survey_designer_focus_first (SpSurveyDesigner *self)
{
  g_return_if_fail (SP_IS_SURVEY_DESIGNER (self));

  gtk_widget_grab_focus (self->title_row);
}

void
sp_survey_designer_set_store (SpSurveyDesigner *self,
                              SpLocalStore     *store)
{
  g_return_if_fail (SP_IS_SURVEY_DESIGNER (self));

  g_set_object (&self->store, store);
}

void
sp_survey_designer_set_access (SpSurveyDesigner   *self,
                               SpServerAccessFunc  access,
                               gpointer            access_data)
{
  g_return_if_fail (SP_IS_SURVEY_DESIGNER (self));

  self->access = access;
  self->access_data = access_data;
}

/* Actions */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sp_survey_designer_save (SP_SURVEY_DESIGNER (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
add_page_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);

  sp_survey_doc_add_page (self->doc);
  rebuild_pages (self);
}

static void
remove_page_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);

  if (sp_survey_doc_remove_page (self->doc, g_variant_get_uint32 (param)))
    queue_rebuild (self);
}

static void
add_question_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  const char *type;
  guint page;
  JsonObject *question;

  g_variant_get (param, "(u&s)", &page, &type);
  question = sp_survey_doc_add_question (self->doc, page, type);
  if (question == NULL)
    return;
  g_hash_table_add (self->expanded, g_strdup (str (question, "id")));
  self->focus_object = question;
  queue_rebuild (self);
}

/* designer.remove-question and designer.remove-option (an id). */
static void
remove_item_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  const char *id = g_variant_get_string (param, NULL);

  if (g_str_equal (action_name, "designer.remove-question"))
    sp_survey_doc_remove_question (self->doc, id);
  else
    sp_survey_doc_remove_option (self->doc, id);
  queue_rebuild (self);
}

/* designer.move-question and designer.move-option (an id and -1 or 1). */
static void
move_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  const char *id;
  gboolean moved;
  int delta;

  g_variant_get (param, "(&si)", &id, &delta);
  if (g_str_equal (action_name, "designer.move-question"))
    moved = sp_survey_doc_move_question (self->doc, id, delta);
  else
    moved = sp_survey_doc_move_option (self->doc, id, delta);
  if (moved)
    queue_rebuild (self);
}

static void
add_option_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  const char *question_id, *kind;

  g_variant_get (param, "(&s&s)", &question_id, &kind);
  self->focus_object = sp_survey_doc_add_option (self->doc, question_id, kind);
  queue_rebuild (self);
}

static JsonArray *
objects_array (GPtrArray *objects)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < objects->len; i++)
    json_array_add_object_element (array, json_object_ref (objects->pdata[i]));
  return array;
}

static GtkWindow *
parent_window (SpSurveyDesigner *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  g_autoptr(JsonArray) questions = objects_array (self->doc->questions);
  g_autoptr(JsonArray) options = objects_array (self->doc->options);
  GtkWidget *preview;

  preview = sp_survey_preview_new (parent_window (self), self->doc->survey, questions, options);
  gtk_window_present (GTK_WINDOW (preview));
}

static void
results_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  g_autoptr(JsonArray) questions = objects_array (self->doc->questions);
  g_autoptr(JsonArray) options = objects_array (self->doc->options);
  g_autoptr(JsonNode) definition = sp_survey_build (self->doc->survey, questions, options, "de");
  GtkWidget *results;

  results = sp_survey_results_new (parent_window (self), self->access, self->access_data,
                                   json_node_get_object (definition));
  gtk_window_present (GTK_WINDOW (results));
}

static void
on_copy_clicked (GtkButton *button,
                 GtkLabel  *label)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), gtk_label_get_text (label));
  sp_form_show_toast (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))))),
                      _("Copied"));
}

static GtkWidget *
copy_block (const char *heading,
            const char *text,
            const char *copy_name)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_tooltip_text (button, _("Copy"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  name_widget (button, copy_name);
  g_signal_connect (button, "clicked", G_CALLBACK (on_copy_clicked), label);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), button);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), row);
  return box;
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *url = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *server = NULL;
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  const char *body;

  if (self->access == NULL || !self->access (self->access_data, &base_url, &token, &ca_file) ||
      base_url == NULL)
    g_clear_pointer (&base_url, g_free);
  server = g_strdup (base_url != NULL ? base_url : "https://SERVER");
  while (g_str_has_suffix (server, "/"))
    server[strlen (server) - 1] = '\0';
  url = g_strdup_printf ("%s/surveys/?id=%s", server, self->doc->id);
  snippet = g_strdup_printf ("<script src=\"%s/surveys/embed.js\" data-survey=\"%s\"></script>",
                             server, self->doc->id);

  if (!publishing (self))
    body = _("Citizens can answer once the survey is published and synced. For a survey with access codes, hand out codes from the results window.");
  else if (base_url == NULL)
    body = _("Sign in to a server to see the real address; SERVER stands for it.");
  else
    body = _("Put the link into a newsletter or on a poster, or paste the snippet into any page of the city's web site.");

  dialog = adw_message_dialog_new (parent_window (self), _("Share Survey"), body);
  gtk_box_append (GTK_BOX (box), copy_block (_("Link for citizens"), url, _("Copy link")));
  gtk_box_append (GTK_BOX (box), copy_block (_("Embed snippet"), snippet, _("Copy embed snippet")));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  g_autoptr(SpSurveyDoc) copy = NULL;
  g_autoptr(GError) error = NULL;

  if (sp_survey_designer_get_dirty (self) && !sp_survey_designer_save (self))
    return;
  copy = sp_survey_doc_duplicate (self->doc);
  if (!sp_survey_doc_save (copy, self->store, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot duplicate the survey: %s"), error->message);

      sp_form_show_toast (widget, text);
      return;
    }
  sp_form_show_toast (widget, _("Survey duplicated as a draft"));
  g_signal_emit (self, signals[DUPLICATED], 0, copy->id);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SpSurveyDesigner *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (!g_str_equal (response, "delete") || self->doc == NULL || self->doc->id == NULL)
    return;
  id = g_strdup (self->doc->id);
  if (!sp_survey_doc_delete (self->store, id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot delete the survey: %s"), error->message);

      sp_form_show_toast (GTK_WIDGET (self), text);
      return;
    }
  set_doc (self, sp_survey_doc_new ());
  sp_form_show_toast (GTK_WIDGET (self), _("Survey deleted"));
  g_signal_emit (self, signals[DELETED], 0, id);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent_window (self), _("Delete Survey?"),
                                   _("The survey, its questions and options are deleted on all computers with the next sync. Responses on the server can no longer be viewed."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
sp_survey_designer_dispose (GObject *object)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SURVEY_DESIGNER);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_survey_designer_parent_class)->dispose (object);
}

static void
sp_survey_designer_finalize (GObject *object)
{
  SpSurveyDesigner *self = SP_SURVEY_DESIGNER (object);

  g_clear_pointer (&self->doc, sp_survey_doc_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->problem_labels, g_hash_table_unref);
  g_clear_pointer (&self->question_rows, g_hash_table_unref);
  g_free (self->saved_text);

  G_OBJECT_CLASS (sp_survey_designer_parent_class)->finalize (object);
}

static void
sp_survey_designer_class_init (SpSurveyDesignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_survey_designer_dispose;
  object_class->finalize = sp_survey_designer_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[DUPLICATED] = g_signal_new ("duplicated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/surveys/sp-survey-designer.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, scroller);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, heading_label);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, pending_label);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, settings_group);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, settings_error);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, texts_group);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyDesigner, pages_box);

  gtk_widget_class_install_action (widget_class, "designer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "designer.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "designer.preview", NULL, preview_action);
  gtk_widget_class_install_action (widget_class, "designer.results", NULL, results_action);
  gtk_widget_class_install_action (widget_class, "designer.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "designer.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "designer.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "designer.add-page", NULL, add_page_action);
  gtk_widget_class_install_action (widget_class, "designer.remove-page", "u", remove_page_action);
  gtk_widget_class_install_action (widget_class, "designer.add-question", "(us)", add_question_action);
  gtk_widget_class_install_action (widget_class, "designer.remove-question", "s", remove_item_action);
  gtk_widget_class_install_action (widget_class, "designer.move-question", "(si)", move_item_action);
  gtk_widget_class_install_action (widget_class, "designer.add-option", "(ss)", add_option_action);
  gtk_widget_class_install_action (widget_class, "designer.remove-option", "s", remove_item_action);
  gtk_widget_class_install_action (widget_class, "designer.move-option", "(si)", move_item_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "designer.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "designer.preview", NULL);
}

static void
sp_survey_designer_init (SpSurveyDesigner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problem_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->question_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->doc = sp_survey_doc_new ();
  self->saved_text = sp_survey_doc_to_string (self->doc);
  add_settings_rows (self);
  add_text_views (self);
  fill_settings (self);
}
