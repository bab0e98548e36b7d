/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-survey-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-json-util.h"
#include "surveys/sp-survey.h"
#include "sp-survey-preview.h"

typedef struct
{
  GtkWidget *card;
  GtkLabel  *error;
  GtkWidget *first_input;
} QuestionView;

struct _SpSurveyPreview
{
  AdwWindow          parent_instance;

  JsonNode          *definitions[2];  /* de, en */
  guint              lang;
  JsonObject        *answers;
  guint              step;            /* 0: start, 1..pages, pages + 1: thanks */
  GHashTable        *views;           /* question id -> QuestionView */

  AdwWindowTitle    *window_title;
  GtkDropDown       *language_dropdown;
  GtkScrolledWindow *scroller;
  GtkBox            *page_box;
  GtkWidget         *back_button;
  GtkLabel          *progress_label;
  GtkButton         *next_button;
};

G_DEFINE_FINAL_TYPE (SpSurveyPreview, sp_survey_preview, ADW_TYPE_WINDOW)

static void render_step (SpSurveyPreview *self);

static JsonObject *
definition (SpSurveyPreview *self)
{
  return json_node_get_object (self->definitions[self->lang]);
}

static guint
n_pages (SpSurveyPreview *self)
{
  return (guint) MAX (sp_json_get_int_or (definition (self), "pages", 1), 1);
}

static JsonArray *
questions (SpSurveyPreview *self)
{
  return json_object_get_array_member (definition (self), "questions");
}

/* The preview speaks the survey's language, not the desktop's. */
static const char *
say (SpSurveyPreview *self,
     const char      *german,
     const char      *english)
{
  return self->lang == 1 ? english : german;
}

/* Answers */

static void
update_visibility (SpSurveyPreview *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->views);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      QuestionView *view = value;

      gtk_widget_set_visible (view->card,
                              sp_survey_question_visible (definition (self), self->answers, key));
    }
}

static void
set_answer (SpSurveyPreview *self,
            const char      *question_id,
            JsonNode        *value)  /* consumed; NULL: no answer */
{
  QuestionView *view = g_hash_table_lookup (self->views, question_id);

  if (value == NULL)
    json_object_remove_member (self->answers, question_id);
  else
    json_object_set_member (self->answers, question_id, value);
  if (view != NULL)
    gtk_widget_set_visible (GTK_WIDGET (view->error), FALSE);
  update_visibility (self);
}

static const char *
qid_of (gpointer widget)
{
  return g_object_get_data (G_OBJECT (widget), "sp-question");
}

static void
on_choice_toggled (GtkCheckButton  *button,
                   SpSurveyPreview *self)
{
  if (gtk_check_button_get_active (button))
    set_answer (self, qid_of (button),
                json_node_init_string (json_node_alloc (), g_object_get_data (G_OBJECT (button), "sp-option")));
}

static void
on_multiple_toggled (GtkCheckButton  *button,
                     SpSurveyPreview *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  JsonArray *chosen = json_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child) && gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      json_array_add_string_element (chosen, g_object_get_data (G_OBJECT (child), "sp-option"));
  set_answer (self, qid_of (button), json_node_init_array (json_node_alloc (), chosen));
  json_array_unref (chosen);
}

static void
on_dropdown_selected (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      SpSurveyPreview *self)
{
  JsonArray *options = g_object_get_data (G_OBJECT (dropdown), "sp-options");
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected == 0 || selected > json_array_get_length (options))
    set_answer (self, qid_of (dropdown), NULL);
  else
    set_answer (self, qid_of (dropdown),
                json_node_init_string (json_node_alloc (),
                                       sp_json_get_string (json_array_get_object_element (options, selected - 1), "id")));
}

static void
on_text_changed (GtkTextBuffer   *buffer,
                 SpSurveyPreview *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  set_answer (self, qid_of (buffer), json_node_init_string (json_node_alloc (), text));
}

static void
on_entry_changed (GtkEditable     *editable,
                  SpSurveyPreview *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;
  double number;

  if (*trimmed == '\0')
    {
      set_answer (self, qid_of (editable), NULL);
      return;
    }
  if (!GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editable), "sp-number")))
    {
      set_answer (self, qid_of (editable), json_node_init_string (json_node_alloc (), trimmed));
      return;
    }
  /* Numbers as people type them: a decimal comma is fine. */
  g_strdelimit (trimmed, ",", '.');
  number = g_ascii_strtod (trimmed, &end);
  if (end != NULL && *end == '\0')
    set_answer (self, qid_of (editable), json_node_init_double (json_node_alloc (), number));
  else
    set_answer (self, qid_of (editable), json_node_init_string (json_node_alloc (), trimmed));
}

static void
on_rating_toggled (GtkToggleButton *button,
                   SpSurveyPreview *self)
{
  if (gtk_toggle_button_get_active (button))
    set_answer (self, qid_of (button),
                json_node_init_int (json_node_alloc (),
                                    GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "sp-value"))));
}

static void
on_matrix_toggled (GtkCheckButton  *button,
                   SpSurveyPreview *self)
{
  const char *qid = qid_of (button);
  JsonNode *old = json_object_get_member (self->answers, qid);
  JsonObject *rows;

  if (!gtk_check_button_get_active (button))
    return;
  rows = old != NULL && JSON_NODE_HOLDS_OBJECT (old)
         ? json_object_ref (json_node_get_object (old)) : json_object_new ();
  json_object_set_string_member (rows, g_object_get_data (G_OBJECT (button), "sp-row"),
                                 g_object_get_data (G_OBJECT (button), "sp-option"));
  set_answer (self, qid, json_node_init_object (json_node_alloc (), rows));
  json_object_unref (rows);
}

/* Ranking: rows with up and down buttons; the answer is the order. */
static void
ranking_store (SpSurveyPreview *self,
               GtkWidget       *list)
{
  JsonArray *order = json_array_new ();
  guint rank = 1;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *number = gtk_widget_get_first_child (row);
      g_autofree char *text = g_strdup_printf ("%u.", rank++);

      gtk_label_set_text (GTK_LABEL (number), text);
      json_array_add_string_element (order, g_object_get_data (G_OBJECT (row), "sp-option"));
    }
  set_answer (self, qid_of (list), json_node_init_array (json_node_alloc (), order));
  json_array_unref (order);
}

static void
on_rank_move (GtkButton       *button,
              SpSurveyPreview *self)
{
  GtkWidget *row = gtk_widget_get_parent (GTK_WIDGET (button));
  GtkWidget *list = gtk_widget_get_parent (row);
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "sp-delta"));

  if (delta < 0)
    {
      GtkWidget *prev = gtk_widget_get_prev_sibling (row);

      if (prev == NULL)
        return;
      gtk_box_reorder_child_after (GTK_BOX (list), prev, row);
    }
  else
    {
      GtkWidget *next = gtk_widget_get_next_sibling (row);

      if (next == NULL)
        return;
      gtk_box_reorder_child_after (GTK_BOX (list), row, next);
    }
  ranking_store (self, list);
}

/* Building a page */

static const char *
option_label (JsonObject *option)
{
  return sp_json_get_string_or (option, "label", "");
}

static void
tag (gpointer    widget,
     const char *question_id)
{
  g_object_set_data_full (G_OBJECT (widget), "sp-question", g_strdup (question_id), g_free);
}

static void
name_widget (GtkWidget  *widget,
             const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static JsonNode *
answer_of (SpSurveyPreview *self,
           const char      *qid)
{
  return json_object_get_member (self->answers, qid);
}

static gboolean
answer_has (JsonNode   *answer,
            const char *option_id)
{
  if (answer == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (answer))
    return g_strcmp0 (json_node_get_string (answer), option_id) == 0;
  if (JSON_NODE_HOLDS_ARRAY (answer))
    {
      JsonArray *array = json_node_get_array (answer);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (g_strcmp0 (json_array_get_string_element (array, i), option_id) == 0)
          return TRUE;
    }
  return FALSE;
}

static GtkWidget *
build_input (SpSurveyPreview *self,
             JsonObject      *question,
             GtkWidget      **first)
{
  const char *qid = sp_json_get_string (question, "id");
  const char *type = sp_json_get_string_or (question, "type", "");
  const char *text = sp_json_get_string_or (question, "text", "");
  JsonArray *options = json_object_get_array_member (question, "options");
  JsonArray *rows = json_object_get_array_member (question, "rows");
  guint n_options = options ? json_array_get_length (options) : 0;
  JsonNode *answer = answer_of (self, qid);
  gint64 max = sp_json_get_int_or (question, "max", 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  if (g_str_equal (type, "single") || g_str_equal (type, "multiple"))
    {
      gboolean single = g_str_equal (type, "single");
      GtkCheckButton *group = NULL;

      for (guint i = 0; i < n_options; i++)
        {
          JsonObject *option = json_array_get_object_element (options, i);
          GtkWidget *check = gtk_check_button_new_with_label (option_label (option));

          tag (check, qid);
          g_object_set_data_full (G_OBJECT (check), "sp-option",
                                  g_strdup (sp_json_get_string (option, "id")), g_free);
          if (single)
            {
              if (group != NULL)
                gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
              else
                group = GTK_CHECK_BUTTON (check);
            }
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                       answer_has (answer, sp_json_get_string (option, "id")));
          g_signal_connect (check, "toggled",
                            single ? G_CALLBACK (on_choice_toggled) : G_CALLBACK (on_multiple_toggled), self);
          gtk_box_append (GTK_BOX (box), check);
          if (*first == NULL)
            *first = check;
        }
    }
  else if (g_str_equal (type, "dropdown"))
    {
      GtkStringList *items = gtk_string_list_new (NULL);
      GtkWidget *dropdown;
      guint selected = 0;

      gtk_string_list_append (items, say (self, "Bitte wählen", "Please choose"));
      for (guint i = 0; i < n_options; i++)
        {
          JsonObject *option = json_array_get_object_element (options, i);

          gtk_string_list_append (items, option_label (option));
          if (answer_has (answer, sp_json_get_string (option, "id")))
            selected = i + 1;
        }
      dropdown = gtk_drop_down_new (G_LIST_MODEL (items), NULL);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
      gtk_widget_set_halign (dropdown, GTK_ALIGN_START);
      tag (dropdown, qid);
      name_widget (dropdown, text);
      g_object_set_data_full (G_OBJECT (dropdown), "sp-options", json_array_ref (options),
                              (GDestroyNotify) json_array_unref);
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_dropdown_selected), self);
      gtk_box_append (GTK_BOX (box), dropdown);
      *first = dropdown;
    }
  else if (g_str_equal (type, "text"))
    {
      GtkWidget *frame = gtk_frame_new (NULL);
      GtkWidget *view = gtk_text_view_new ();
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
      gtk_widget_set_size_request (view, -1, 80);
      if (answer != NULL && JSON_NODE_HOLDS_VALUE (answer) &&
          json_node_get_value_type (answer) == G_TYPE_STRING)
        gtk_text_buffer_set_text (buffer, json_node_get_string (answer), -1);
      tag (buffer, qid);
      name_widget (view, text);
      g_signal_connect (buffer, "changed", G_CALLBACK (on_text_changed), self);
      gtk_frame_set_child (GTK_FRAME (frame), view);
      gtk_box_append (GTK_BOX (box), frame);
      if (max > 0)
        {
          g_autofree char *limit = g_strdup_printf (say (self, "Höchstens %" G_GINT64_FORMAT " Zeichen",
                                                         "At most %" G_GINT64_FORMAT " characters"), max);
          GtkWidget *hint = gtk_label_new (limit);

          gtk_label_set_xalign (GTK_LABEL (hint), 0);
          gtk_widget_add_css_class (hint, "dim-label");
          gtk_widget_add_css_class (hint, "caption");
          gtk_box_append (GTK_BOX (box), hint);
        }
      *first = view;
    }
  else if (g_str_equal (type, "number") || g_str_equal (type, "date"))
    {
      GtkWidget *entry = gtk_entry_new ();
      gboolean number = g_str_equal (type, "number");

      gtk_widget_set_halign (entry, GTK_ALIGN_START);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 14);
      if (!number)
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), say (self, "JJJJ-MM-TT", "YYYY-MM-DD"));
      else
        gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
      if (answer != NULL && JSON_NODE_HOLDS_VALUE (answer))
        {
          g_autofree char *value = json_node_get_value_type (answer) == G_TYPE_STRING
                                   ? g_strdup (json_node_get_string (answer))
                                   : g_strdup_printf ("%g", json_node_get_double (answer));

          gtk_editable_set_text (GTK_EDITABLE (entry), value);
        }
      tag (entry, qid);
      g_object_set_data (G_OBJECT (entry), "sp-number", GINT_TO_POINTER (number));
      name_widget (entry, text);
      g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
      gtk_box_append (GTK_BOX (box), entry);
      *first = entry;
    }
  else if (g_str_equal (type, "rating"))
    {
      GtkWidget *scale = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkToggleButton *group = NULL;
      gint64 points = max > 1 ? max : SP_SURVEY_RATING_DEFAULT_MAX;

      gtk_widget_add_css_class (scale, "linked");
      gtk_widget_set_halign (scale, GTK_ALIGN_START);
      for (gint64 i = 1; i <= points; i++)
        {
          g_autofree char *label = g_strdup_printf ("%" G_GINT64_FORMAT, i);
          GtkWidget *button = gtk_toggle_button_new_with_label (label);

          tag (button, qid);
          g_object_set_data (G_OBJECT (button), "sp-value", GINT_TO_POINTER ((int) i));
          if (group != NULL)
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
          else
            group = GTK_TOGGLE_BUTTON (button);
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                        answer != NULL && JSON_NODE_HOLDS_VALUE (answer) &&
                                        json_node_get_value_type (answer) != G_TYPE_STRING &&
                                        json_node_get_int (answer) == i);
          g_signal_connect (button, "toggled", G_CALLBACK (on_rating_toggled), self);
          gtk_box_append (GTK_BOX (scale), button);
          if (*first == NULL)
            *first = button;
        }
      gtk_box_append (GTK_BOX (box), scale);
    }
  else if (g_str_equal (type, "matrix"))
    {
      GtkWidget *grid = gtk_grid_new ();
      guint n_rows = rows ? json_array_get_length (rows) : 0;
      JsonObject *chosen = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;

      gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
      gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
      for (guint j = 0; j < n_options; j++)
        {
          GtkWidget *head = gtk_label_new (option_label (json_array_get_object_element (options, j)));

          gtk_label_set_wrap (GTK_LABEL (head), TRUE);
          gtk_label_set_justify (GTK_LABEL (head), GTK_JUSTIFY_CENTER);
          gtk_widget_add_css_class (head, "caption");
          gtk_grid_attach (GTK_GRID (grid), head, j + 1, 0, 1, 1);
        }
      for (guint i = 0; i < n_rows; i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          const char *row_id = sp_json_get_string (row, "id");
          GtkWidget *label = gtk_label_new (option_label (row));
          GtkCheckButton *group = NULL;

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_widget_set_hexpand (label, TRUE);
          gtk_grid_attach (GTK_GRID (grid), label, 0, i + 1, 1, 1);
          for (guint j = 0; j < n_options; j++)
            {
              JsonObject *option = json_array_get_object_element (options, j);
              GtkWidget *check = gtk_check_button_new ();
              g_autofree char *name = g_strdup_printf ("%s: %s", option_label (row), option_label (option));

              gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
              name_widget (check, name);
              tag (check, qid);
              g_object_set_data_full (G_OBJECT (check), "sp-row", g_strdup (row_id), g_free);
              g_object_set_data_full (G_OBJECT (check), "sp-option",
                                      g_strdup (sp_json_get_string (option, "id")), g_free);
              if (group != NULL)
                gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
              else
                group = GTK_CHECK_BUTTON (check);
              gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                           chosen != NULL &&
                                           g_strcmp0 (sp_json_get_string (chosen, row_id),
                                                      sp_json_get_string (option, "id")) == 0);
              g_signal_connect (check, "toggled", G_CALLBACK (on_matrix_toggled), self);
              gtk_grid_attach (GTK_GRID (grid), check, j + 1, i + 1, 1, 1);
              if (*first == NULL)
                *first = check;
            }
        }
      gtk_box_append (GTK_BOX (box), grid);
    }
  else if (g_str_equal (type, "ranking"))
    {
      GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

      tag (list, qid);
      for (guint i = 0; i < n_options; i++)
        {
          JsonObject *option = json_array_get_object_element (options, i);
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          GtkWidget *label = gtk_label_new (option_label (option));
          GtkWidget *up = gtk_button_new_from_icon_name ("go-up-symbolic");
          GtkWidget *down = gtk_button_new_from_icon_name ("go-down-symbolic");
          g_autofree char *n_up = g_strdup_printf ("%s: %s", option_label (option), say (self, "nach oben", "up"));
          g_autofree char *n_down = g_strdup_printf ("%s: %s", option_label (option), say (self, "nach unten", "down"));

          g_object_set_data_full (G_OBJECT (row), "sp-option", g_strdup (sp_json_get_string (option, "id")), g_free);
          gtk_box_append (GTK_BOX (row), gtk_label_new (NULL));
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_set_hexpand (label, TRUE);
          gtk_box_append (GTK_BOX (row), label);
          g_object_set_data (G_OBJECT (up), "sp-delta", GINT_TO_POINTER (-1));
          g_object_set_data (G_OBJECT (down), "sp-delta", GINT_TO_POINTER (1));
          name_widget (up, n_up);
          name_widget (down, n_down);
          gtk_widget_add_css_class (up, "flat");
          gtk_widget_add_css_class (down, "flat");
          g_signal_connect (up, "clicked", G_CALLBACK (on_rank_move), self);
          g_signal_connect (down, "clicked", G_CALLBACK (on_rank_move), self);
          gtk_box_append (GTK_BOX (row), up);
          gtk_box_append (GTK_BOX (row), down);
          gtk_box_append (GTK_BOX (list), row);
          if (*first == NULL)
            *first = up;
        }
      gtk_box_append (GTK_BOX (box), list);
      /* Keep an order chosen before (a language switch rebuilds the page). */
      if (answer != NULL && JSON_NODE_HOLDS_ARRAY (answer))
        {
          JsonArray *order = json_node_get_array (answer);
          GtkWidget *after = NULL;

          for (guint i = 0; i < json_array_get_length (order); i++)
            for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
              if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "sp-option"),
                             json_array_get_string_element (order, i)) == 0)
                {
                  gtk_box_reorder_child_after (GTK_BOX (list), row, after);
                  after = row;
                  break;
                }
        }
      ranking_store (self, list);
    }
  return box;
}

static GtkWidget *
text_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
question_view_free (QuestionView *view)
{
  g_free (view);
}

static void
add_question (SpSurveyPreview *self,
              JsonObject      *question)
{
  QuestionView *view = g_new0 (QuestionView, 1);
  const char *text = sp_json_get_string_or (question, "text", "");
  const char *help = sp_json_get_string_or (question, "help", "");
  gboolean required = json_object_get_boolean_member_with_default (question, "required", FALSE);
  g_autofree char *heading = required ? g_strdup_printf ("%s *", text) : g_strdup (text);
  GtkWidget *card = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 8,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP, NULL);
  GtkWidget *error;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "survey-question");
  gtk_box_append (GTK_BOX (card), text_label (heading, "heading"));
  if (*help != '\0')
    gtk_box_append (GTK_BOX (card), text_label (help, "dim-label"));
  gtk_box_append (GTK_BOX (card), build_input (self, question, &view->first_input));
  error = text_label (NULL, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (card), error);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

  view->card = card;
  view->error = GTK_LABEL (error);
  g_hash_table_insert (self->views, g_strdup (sp_json_get_string (question, "id")), view);
  gtk_box_append (self->page_box, card);
}

static void
render_step (SpSurveyPreview *self)
{
  JsonObject *def = definition (self);
  guint pages = n_pages (self);
  GtkWidget *child;
  g_autofree char *progress = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->page_box))) != NULL)
    gtk_box_remove (self->page_box, child);
  g_hash_table_remove_all (self->views);

  gtk_box_append (self->page_box, text_label (sp_json_get_string_or (def, "title", ""), "title-1"));

  if (self->step == 0)
    {
      const char *intro = sp_json_get_string_or (def, "intro", "");
      const char *privacy = sp_json_get_string_or (def, "privacy", "");

      if (*intro != '\0')
        gtk_box_append (self->page_box, text_label (intro, NULL));
      if (*privacy != '\0')
        {
          gtk_box_append (self->page_box, text_label (say (self, "Datenschutz", "Privacy"), "heading"));
          gtk_box_append (self->page_box, text_label (privacy, "dim-label"));
        }
      if (g_str_equal (sp_json_get_string_or (def, "access", "public"), "code"))
        gtk_box_append (self->page_box,
                        text_label (say (self, "Für diese Umfrage brauchen Sie einen Zugangscode.",
                                         "You need an access code for this survey."), "accent"));
      progress = g_strdup_printf (say (self, "%u Seiten", "%u pages"), pages);
      gtk_button_set_label (self->next_button, say (self, "Umfrage starten", "Start survey"));
    }
  else if (self->step <= pages)
    {
      JsonArray *qs = questions (self);

      for (guint i = 0; i < json_array_get_length (qs); i++)
        {
          JsonObject *question = json_array_get_object_element (qs, i);

          if ((guint) sp_json_get_int_or (question, "page", 1) == self->step)
            add_question (self, question);
        }
      if (g_hash_table_size (self->views) == 0)
        gtk_box_append (self->page_box, text_label (say (self, "Auf dieser Seite sind keine Fragen.",
                                                         "There are no questions on this page."), "dim-label"));
      gtk_box_append (self->page_box, text_label (say (self, "* Pflichtfrage", "* Required"), "dim-label"));
      progress = g_strdup_printf (say (self, "Seite %u von %u", "Page %u of %u"), self->step, pages);
      gtk_button_set_label (self->next_button, self->step == pages ? say (self, "Absenden", "Send")
                                                                    : say (self, "Weiter", "Next"));
      update_visibility (self);
    }
  else
    {
      const char *thanks = sp_json_get_string_or (def, "thanks", "");

      gtk_box_append (self->page_box,
                      text_label (*thanks ? thanks : say (self, "Vielen Dank für Ihre Teilnahme!",
                                                          "Thank you for taking part!"), NULL));
      gtk_box_append (self->page_box,
                      text_label (_("This was a preview: no answers were sent."), "dim-label"));
      progress = g_strdup ("");
      gtk_button_set_label (self->next_button, say (self, "Von vorn", "Start again"));
    }

  gtk_label_set_text (self->progress_label, progress);
  gtk_widget_set_sensitive (self->back_button, self->step > 0 && self->step <= pages);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

/* Checks the answers up to the current page like the server would. */
static gboolean
check_page (SpSurveyPreview *self)
{
  JsonObject *full = definition (self);
  JsonArray *qs = json_object_get_array_member (full, "questions");
  g_autoptr(JsonObject) def = json_object_new ();
  JsonArray *shown_qs = json_array_new ();
  g_autoptr(JsonObject) answers = json_object_new ();
  g_autofree char *question = NULL;
  g_autoptr(GError) error = NULL;
  QuestionView *view;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  /* The definition up to this page (later pages are not answered yet);
   * json_node_copy() would share the objects, so build a new one. */
  json_object_iter_init (&iter, full);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_str_equal (name, "questions"))
      json_object_set_member (def, name, json_node_ref (value));
  for (guint i = 0; i < json_array_get_length (qs); i++)
    {
      JsonObject *q = json_array_get_object_element (qs, i);
      const char *qid = sp_json_get_string (q, "id");

      if ((guint) sp_json_get_int_or (q, "page", 1) > self->step)
        continue;
      json_array_add_object_element (shown_qs, json_object_ref (q));
      if (json_object_has_member (self->answers, qid))
        json_object_set_member (answers, qid, json_node_copy (json_object_get_member (self->answers, qid)));
    }
  json_object_set_array_member (def, "questions", shown_qs);

  if (sp_survey_check_answers (def, answers, &question, &error))
    return TRUE;

  view = question != NULL ? g_hash_table_lookup (self->views, question) : NULL;
  if (view != NULL)
    {
      gtk_label_set_text (view->error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (view->error), TRUE);
      if (view->first_input != NULL)
        gtk_widget_grab_focus (view->first_input);
    }
  else
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  say (self, "Bitte prüfen Sie Ihre Antworten",
                                                       "Please check your answers"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  return FALSE;
}

static void
on_next_clicked (SpSurveyPreview *self)
{
  guint pages = n_pages (self);

  if (self->step > pages)
    {
      /* Start again. */
      json_object_unref (self->answers);
      self->answers = json_object_new ();
      self->step = 0;
    }
  else if (self->step == 0 || check_page (self))
    self->step++;
  else
    return;
  render_step (self);
}

static void
on_back_clicked (SpSurveyPreview *self)
{
  if (self->step > 0)
    self->step--;
  render_step (self);
}

static void
on_language_changed (SpSurveyPreview *self)
{
  self->lang = gtk_drop_down_get_selected (self->language_dropdown) == 1 ? 1 : 0;
  if (self->definitions[0] != NULL)
    render_step (self);
}

static void
sp_survey_preview_dispose (GObject *object)
{
  SpSurveyPreview *self = SP_SURVEY_PREVIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SURVEY_PREVIEW);

  G_OBJECT_CLASS (sp_survey_preview_parent_class)->dispose (object);
}

static void
sp_survey_preview_finalize (GObject *object)
{
  SpSurveyPreview *self = SP_SURVEY_PREVIEW (object);

  g_clear_pointer (&self->definitions[0], json_node_unref);
  g_clear_pointer (&self->definitions[1], json_node_unref);
  g_clear_pointer (&self->answers, json_object_unref);
  g_clear_pointer (&self->views, g_hash_table_unref);

  G_OBJECT_CLASS (sp_survey_preview_parent_class)->finalize (object);
}

static void
sp_survey_preview_class_init (SpSurveyPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_survey_preview_dispose;
  object_class->finalize = sp_survey_preview_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/surveys/sp-survey-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, window_title);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, scroller);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, page_box);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, back_button);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SpSurveyPreview, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_language_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sp_survey_preview_init (SpSurveyPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->answers = json_object_new ();
  self->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) question_view_free);
}

GtkWidget *
sp_survey_preview_new (GtkWindow  *parent,
                       JsonObject *survey,
                       JsonArray  *questions,
                       JsonArray  *options)
{
  SpSurveyPreview *self;
  gboolean english;

  g_return_val_if_fail (survey != NULL && questions != NULL && options != NULL, NULL);

  self = g_object_new (SP_TYPE_SURVEY_PREVIEW, "transient-for", parent, NULL);
  self->definitions[0] = sp_survey_build (survey, questions, options, "de");
  self->definitions[1] = sp_survey_build (survey, questions, options, "en");
  english = *sp_json_get_string_or (survey, "title_en", "") != '\0';
  gtk_widget_set_sensitive (GTK_WIDGET (self->language_dropdown), english);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->language_dropdown),
                               english ? NULL : _("Give the survey an English title to offer it in English"));
  render_step (self);
  return GTK_WIDGET (self);
}
