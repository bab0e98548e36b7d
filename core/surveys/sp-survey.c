/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-survey"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sp-survey.h"

#include "sp-error.h"
#include "sp-json-util.h"

/* -- rows --------------------------------------------------------------------- */

/* A text field of a row; NULL and missing are "". */
static const char *
row_text (JsonObject *row,
          const char *field)
{
  return sp_json_get_string_or (row, field, "");
}

/* The English text of @field when @en and it is not empty, else German. */
static const char *
row_text_lang (JsonObject *row,
               const char *field,
               gboolean    en)
{
  if (en)
    {
      g_autofree char *en_field = g_strconcat (field, "_en", NULL);
      const char *text = row_text (row, en_field);

      if (*text != '\0')
        return text;
    }
  return row_text (row, field);
}

static gint64
row_int (JsonObject *row,
         const char *field)
{
  JsonNode *node = row ? json_object_get_member (row, field) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return (gint64) json_node_get_double (node);
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;
    default:
      return 0;
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  JsonObject *ra = *(JsonObject **) a;
  JsonObject *rb = *(JsonObject **) b;
  gboolean with_page = GPOINTER_TO_INT (user_data);
  gint64 pa, pb;
  int c;

  if (with_page)
    {
      pa = MAX (row_int (ra, "page"), 1);
      pb = MAX (row_int (rb, "page"), 1);
      if (pa != pb)
        return pa < pb ? -1 : 1;
    }
  pa = row_int (ra, "position");
  pb = row_int (rb, "position");
  if (pa != pb)
    return pa < pb ? -1 : 1;
  if ((c = g_strcmp0 (row_text (ra, "code"), row_text (rb, "code"))) != 0)
    return c;
  return g_strcmp0 (row_text (ra, "id"), row_text (rb, "id"));
}

static const char * const question_types[] = {
  "single", "dropdown", "multiple", "text", "number", "date", "rating", "matrix", "ranking", NULL,
};

/* -- definition ---------------------------------------------------------------- */

static JsonArray *
build_choices (GPtrArray  *rows,
               const char *kind,
               const char *default_prefix,
               const char *default_format,
               gboolean    en)
{
  JsonArray *array = json_array_new ();
  guint n = 0;

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      JsonObject *o;
      const char *row_kind = row_text (row, "kind");
      const char *code = row_text (row, "code");
      g_autofree char *fallback = NULL;

      if (strcmp (row_kind[0] ? row_kind : "option", kind) != 0)
        continue;
      n++;
      if (*code == '\0')
        code = fallback = g_strdup_printf (default_format, default_prefix, n);

      o = json_object_new ();
      json_object_set_string_member (o, "id", row_text (row, "id"));
      json_object_set_string_member (o, "code", code);
      json_object_set_string_member (o, "label", row_text_lang (row, "label", en));
      json_array_add_object_element (array, o);
    }
  return array;
}

JsonNode *
sp_survey_build (JsonObject *survey,
                 JsonArray  *questions,
                 JsonArray  *options,
                 const char *lang)
{
  g_autoptr(GPtrArray) qrows = g_ptr_array_new ();
  g_autoptr(GHashTable) by_question = NULL;   /* question id -> GPtrArray of option rows */
  g_autoptr(GHashTable) qids = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean en = g_strcmp0 (lang, "en") == 0;
  const char *survey_id;
  JsonObject *def;
  JsonArray *qarray;
  gint64 pages = 1;

  g_return_val_if_fail (survey != NULL, NULL);

  survey_id = row_text (survey, "id");
  by_question = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *sid = row_text (q, "survey_id");

      if (q == NULL || *row_text (q, "id") == '\0' || (*sid != '\0' && strcmp (sid, survey_id) != 0))
        continue;
      if (!g_strv_contains (question_types, row_text (q, "type")))
        continue;
      g_ptr_array_add (qrows, q);
      g_hash_table_add (qids, (gpointer) row_text (q, "id"));
    }
  g_ptr_array_sort_with_data (qrows, compare_rows, GINT_TO_POINTER (TRUE));

  for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
    {
      JsonObject *o = json_array_get_object_element (options, i);
      const char *qid = row_text (o, "question_id");
      GPtrArray *list;

      if (o == NULL || *row_text (o, "id") == '\0' || !g_hash_table_contains (qids, qid))
        continue;
      if (!(list = g_hash_table_lookup (by_question, qid)))
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_question, (gpointer) qid, list);
        }
      g_ptr_array_add (list, o);
    }

  def = json_object_new ();
  json_object_set_string_member (def, "id", survey_id);
  json_object_set_string_member (def, "title", row_text_lang (survey, "title", en));
  json_object_set_string_member (def, "intro", row_text_lang (survey, "intro", en));
  json_object_set_string_member (def, "privacy", row_text_lang (survey, "privacy", en));
  json_object_set_string_member (def, "thanks", row_text_lang (survey, "thanks", en));
  json_object_set_string_member (def, "lang", en && *row_text (survey, "title_en") ? "en" : "de");
  {
    JsonArray *languages = json_array_new ();

    json_array_add_string_element (languages, "de");
    if (*row_text (survey, "title_en") != '\0')
      json_array_add_string_element (languages, "en");
    json_object_set_array_member (def, "languages", languages);
  }
  json_object_set_string_member (def, "access",
                                 strcmp (row_text (survey, "access"), "code") == 0 ? "code" : "public");
  json_object_set_string_member (def, "status",
                                 *row_text (survey, "status") ? row_text (survey, "status") : "draft");
  json_object_set_string_member (def, "opens", row_text (survey, "opens"));
  json_object_set_string_member (def, "closes", row_text (survey, "closes"));

  qarray = json_array_new ();
  for (guint i = 0; i < qrows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (qrows, i);
      JsonObject *q = json_object_new ();
      GPtrArray *opts = g_hash_table_lookup (by_question, row_text (row, "id"));
      const char *type = row_text (row, "type");
      const char *code = row_text (row, "code");
      const char *cq = row_text (row, "condition_question");
      const char *co = row_text (row, "condition_option");
      g_autofree char *fallback = NULL;
      gint64 page = MAX (row_int (row, "page"), 1);
      gint64 max = row_int (row, "max");

      if (opts != NULL)
        g_ptr_array_sort_with_data (opts, compare_rows, GINT_TO_POINTER (FALSE));
      if (*code == '\0')
        code = fallback = g_strdup_printf ("Q%02u", i + 1);
      if (strcmp (type, "rating") == 0 && max <= 0)
        max = SP_SURVEY_RATING_DEFAULT_MAX;
      pages = MAX (pages, page);

      json_object_set_string_member (q, "id", row_text (row, "id"));
      json_object_set_string_member (q, "code", code);
      json_object_set_string_member (q, "type", type);
      json_object_set_int_member (q, "page", page);
      json_object_set_int_member (q, "position", row_int (row, "position"));
      json_object_set_string_member (q, "text", row_text_lang (row, "text", en));
      json_object_set_string_member (q, "help", row_text_lang (row, "help", en));
      json_object_set_boolean_member (q, "required", row_int (row, "required") != 0);
      json_object_set_int_member (q, "min", row_int (row, "min"));
      json_object_set_int_member (q, "max", max);
      /* A condition on a question that is gone is no condition. */
      if (*cq != '\0' && *co != '\0' && strcmp (cq, row_text (row, "id")) != 0 &&
          g_hash_table_contains (qids, cq))
        {
          JsonObject *cond = json_object_new ();

          json_object_set_string_member (cond, "question", cq);
          json_object_set_string_member (cond, "option", co);
          json_object_set_object_member (q, "condition", cond);
        }
      else
        json_object_set_null_member (q, "condition");
      json_object_set_array_member (q, "options", build_choices (opts, "option", "A", "%s%u", en));
      json_object_set_array_member (q, "rows", build_choices (opts, "row", "SQ", "%s%03u", en));
      json_array_add_object_element (qarray, q);
    }
  json_object_set_int_member (def, "pages", pages);
  json_object_set_array_member (def, "questions", qarray);

  return sp_json_object_node (def);
}

JsonNode *
sp_survey_build_summary (JsonObject *survey,
                         const char *lang)
{
  gboolean en = g_strcmp0 (lang, "en") == 0;
  JsonObject *o = json_object_new ();
  JsonArray *languages = json_array_new ();

  g_return_val_if_fail (survey != NULL, NULL);

  json_object_set_string_member (o, "id", row_text (survey, "id"));
  json_object_set_string_member (o, "title", row_text_lang (survey, "title", en));
  json_object_set_string_member (o, "intro", row_text_lang (survey, "intro", en));
  json_array_add_string_element (languages, "de");
  if (*row_text (survey, "title_en") != '\0')
    json_array_add_string_element (languages, "en");
  json_object_set_array_member (o, "languages", languages);
  json_object_set_string_member (o, "lang", en && *row_text (survey, "title_en") ? "en" : "de");
  json_object_set_string_member (o, "access",
                                 strcmp (row_text (survey, "access"), "code") == 0 ? "code" : "public");
  json_object_set_string_member (o, "opens", row_text (survey, "opens"));
  json_object_set_string_member (o, "closes", row_text (survey, "closes"));

  return sp_json_object_node (o);
}

/* -- lookups ---------------------------------------------------------------------- */

static JsonArray *
definition_questions (JsonObject *definition)
{
  JsonNode *node = definition ? json_object_get_member (definition, "questions") : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonArray *
question_array (JsonObject *question,
                const char *name)
{
  JsonNode *node = json_object_get_member (question, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
sp_survey_get_question (JsonObject *definition,
                        const char *question_id)
{
  JsonArray *questions = definition_questions (definition);

  g_return_val_if_fail (question_id != NULL, NULL);

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);

      if (g_strcmp0 (sp_json_get_string (q, "id"), question_id) == 0)
        return q;
    }
  return NULL;
}

/* The choice of @question (in "options" or "rows") with id @id, or NULL. */
static JsonObject *
find_choice (JsonObject *question,
             const char *list,
             const char *id)
{
  JsonArray *array = question_array (question, list);

  for (guint i = 0; id != NULL && array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (sp_json_get_string (o, "id"), id) == 0)
        return o;
    }
  return NULL;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* -- visibility ------------------------------------------------------------------- */

static gboolean
answer_contains (JsonNode   *answer,
                 const char *option)
{
  if (answer == NULL)
    return FALSE;
  if (node_is_string (answer))
    return strcmp (json_node_get_string (answer), option) == 0;
  if (JSON_NODE_HOLDS_ARRAY (answer))
    {
      JsonArray *a = json_node_get_array (answer);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *item = json_array_get_element (a, i);

          if (node_is_string (item) && strcmp (json_node_get_string (item), option) == 0)
            return TRUE;
        }
      return FALSE;
    }
  if (JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *o = json_node_get_object (answer);
      g_autoptr(GList) values = json_object_get_values (o);

      for (GList *l = values; l != NULL; l = l->next)
        if (node_is_string (l->data) && strcmp (json_node_get_string (l->data), option) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
visible_at_depth (JsonObject *definition,
                  JsonObject *answers,
                  JsonObject *question,
                  guint       depth)
{
  JsonNode *cond = json_object_get_member (question, "condition");
  JsonObject *c, *cq;
  const char *cqid, *option;
  JsonArray *questions = definition_questions (definition);

  if (cond == NULL || !JSON_NODE_HOLDS_OBJECT (cond))
    return TRUE;
  /* A cycle of conditions can never be met. */
  if (depth > json_array_get_length (questions))
    return FALSE;

  c = json_node_get_object (cond);
  cqid = sp_json_get_string (c, "question");
  option = sp_json_get_string (c, "option");
  if (cqid == NULL || option == NULL || !(cq = sp_survey_get_question (definition, cqid)))
    return TRUE;
  if (!visible_at_depth (definition, answers, cq, depth + 1))
    return FALSE;
  return answer_contains (answers ? json_object_get_member (answers, cqid) : NULL, option);
}

gboolean
sp_survey_question_visible (JsonObject *definition,
                            JsonObject *answers,
                            const char *question_id)
{
  JsonObject *q;

  g_return_val_if_fail (definition != NULL, FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);

  if (!(q = sp_survey_get_question (definition, question_id)))
    return FALSE;
  return visible_at_depth (definition, answers, q, 0);
}

/* -- validation ------------------------------------------------------------------- */

gboolean
sp_survey_is_day (const char *s)
{
  int y, m, d;

  if (s == NULL || strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  if (sscanf (s, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return FALSE;
  return y >= 1 && g_date_valid_dmy (d, m, y);
}

static gboolean
answer_is_empty (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node_is_string (node))
    {
      for (const char *p = json_node_get_string (node); *p != '\0'; p = g_utf8_next_char (p))
        if (!g_unichar_isspace (g_utf8_get_char (p)))
          return FALSE;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;
  return FALSE;
}

/* A JSON number (not a boolean or string) into *value. */
static gboolean
node_number (JsonNode *node,
             double   *value)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return isfinite (*value);
    default:
      return FALSE;
    }
}

/* Bounds for messages: the registry's INT fields may hold any 64-bit value. */
static int
small_int (gint64 value)
{
  return (int) CLAMP (value, G_MININT, G_MAXINT);
}

#define FAIL(...) G_STMT_START { \
    g_set_error (error, SP_ERROR, SP_ERROR_INVALID, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

/* Option ids in @node (an array), each a known option, each once. */
static gboolean
check_option_list (JsonObject  *q,
                   JsonNode    *node,
                   guint       *n_items,
                   GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    FAIL (_("Expected a list of option ids"));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *id;

      if (!node_is_string (item))
        FAIL (_("Expected a list of option ids"));
      id = json_node_get_string (item);
      if (!find_choice (q, "options", id))
        FAIL (_("Unknown option “%s”"), id);
      if (!g_hash_table_add (seen, (gpointer) id))
        FAIL (_("Option “%s” given twice"), id);
    }
  *n_items = json_array_get_length (array);
  return TRUE;
}

static gboolean
check_answer (JsonObject  *q,
              JsonNode    *node,
              GError     **error)
{
  const char *type = sp_json_get_string_or (q, "type", "");
  gint64 min = sp_json_get_int_or (q, "min", 0);
  gint64 max = sp_json_get_int_or (q, "max", 0);
  gboolean required = FALSE;
  JsonNode *req = json_object_get_member (q, "required");

  if (req != NULL && JSON_NODE_HOLDS_VALUE (req) && json_node_get_value_type (req) == G_TYPE_BOOLEAN)
    required = json_node_get_boolean (req);

  if (strcmp (type, "single") == 0 || strcmp (type, "dropdown") == 0)
    {
      if (!node_is_string (node))
        FAIL (_("Expected an option id"));
      if (!find_choice (q, "options", json_node_get_string (node)))
        FAIL (_("Unknown option “%s”"), json_node_get_string (node));
      return TRUE;
    }
  if (strcmp (type, "multiple") == 0)
    {
      guint n;

      if (!check_option_list (q, node, &n, error))
        return FALSE;
      if (max > 0 && n > max)
        FAIL (_("At most %d choices"), small_int (max));
      return TRUE;
    }
  if (strcmp (type, "ranking") == 0)
    {
      JsonArray *opts = question_array (q, "options");
      guint n;

      if (!check_option_list (q, node, &n, error))
        return FALSE;
      if (opts == NULL || n != json_array_get_length (opts))
        FAIL (_("Put all %u options in order"), opts ? json_array_get_length (opts) : 0);
      return TRUE;
    }
  if (strcmp (type, "text") == 0)
    {
      glong chars;

      if (!node_is_string (node))
        FAIL (_("Expected a text"));
      chars = g_utf8_strlen (json_node_get_string (node), -1);
      if (max > 0 && chars > max)
        FAIL (_("At most %d characters"), small_int (max));
      if (chars > SP_SURVEY_TEXT_MAX_CHARS)
        FAIL (_("At most %d characters"), SP_SURVEY_TEXT_MAX_CHARS);
      return TRUE;
    }
  if (strcmp (type, "number") == 0)
    {
      double value;

      if (!node_number (node, &value))
        FAIL (_("Expected a number"));
      if (min < max && (value < (double) min || value > (double) max))
        FAIL (_("Expected a number from %d to %d"), small_int (min), small_int (max));
      return TRUE;
    }
  if (strcmp (type, "rating") == 0)
    {
      double value;

      if (max <= 0)
        max = SP_SURVEY_RATING_DEFAULT_MAX;
      if (!node_number (node, &value) || value != floor (value))
        FAIL (_("Expected a whole number from 1 to %d"), small_int (max));
      if (value < 1 || value > (double) max)
        FAIL (_("Expected a whole number from 1 to %d"), small_int (max));
      return TRUE;
    }
  if (strcmp (type, "date") == 0)
    {
      if (!node_is_string (node) || !sp_survey_is_day (json_node_get_string (node)))
        FAIL (_("Expected a date YYYY-MM-DD"));
      return TRUE;
    }
  if (strcmp (type, "matrix") == 0)
    {
      JsonArray *rows = question_array (q, "rows");
      JsonObject *o;
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        FAIL (_("Expected an answer for each row"));
      o = json_node_get_object (node);
      members = json_object_get_members (o);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (o, l->data);

          if (!find_choice (q, "rows", l->data))
            FAIL (_("Unknown row “%s”"), (const char *) l->data);
          if (!node_is_string (value))
            FAIL (_("Expected an option id for row “%s”"), (const char *) l->data);
          if (!find_choice (q, "options", json_node_get_string (value)))
            FAIL (_("Unknown option “%s”"), json_node_get_string (value));
        }
      if (required && rows != NULL && json_object_get_size (o) < json_array_get_length (rows))
        FAIL (_("Answer every row"));
      return TRUE;
    }

  FAIL (_("Unknown question type “%s”"), type);
}

gboolean
sp_survey_check_answers (JsonObject  *definition,
                         JsonObject  *answers,
                         char       **question,
                         GError     **error)
{
  JsonArray *questions = definition_questions (definition);
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func (g_free);
  guint n;

  g_return_val_if_fail (definition != NULL, FALSE);
  g_return_val_if_fail (answers != NULL, FALSE);

  if (question != NULL)
    *question = NULL;
  n = questions ? json_array_get_length (questions) : 0;

  members = json_object_get_members (answers);
  for (GList *l = members; l != NULL; l = l->next)
    if (!sp_survey_get_question (definition, l->data))
      {
        if (question != NULL)
          *question = g_strdup (l->data);
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID, _("Unknown question “%s”"),
                     (const char *) l->data);
        return FALSE;
      }

  /* Visibility on the answers as given, then drop hidden and empty ones. */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *id = sp_json_get_string (q, "id");
      JsonNode *node = json_object_get_member (answers, id);

      if (node == NULL)
        continue;
      if (answer_is_empty (node) || !visible_at_depth (definition, answers, q, 0))
        g_ptr_array_add (drop, g_strdup (id));
    }
  for (guint i = 0; i < drop->len; i++)
    json_object_remove_member (answers, g_ptr_array_index (drop, i));

  for (guint i = 0; i < n; i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *id = sp_json_get_string (q, "id");
      JsonNode *node = json_object_get_member (answers, id);
      JsonNode *req = json_object_get_member (q, "required");
      g_autoptr(GError) local_error = NULL;

      if (node == NULL)
        {
          if (req != NULL && JSON_NODE_HOLDS_VALUE (req) &&
              json_node_get_value_type (req) == G_TYPE_BOOLEAN && json_node_get_boolean (req) &&
              visible_at_depth (definition, answers, q, 0))
            g_set_error_literal (&local_error, SP_ERROR, SP_ERROR_INVALID, _("An answer is required"));
        }
      else
        check_answer (q, node, &local_error);

      if (local_error != NULL)
        {
          if (question != NULL)
            *question = g_strdup (id);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}

/* -- stored rows ------------------------------------------------------------------- */

GArray *
sp_survey_answer_rows (JsonObject *definition,
                       JsonObject *answers)
{
  JsonArray *questions = definition_questions (definition);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (SpSurveyAnswerRow));

  g_return_val_if_fail (definition != NULL, rows);
  g_return_val_if_fail (answers != NULL, rows);

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *id = sp_json_get_string (q, "id");
      const char *type = sp_json_get_string_or (q, "type", "");
      JsonNode *node = json_object_get_member (answers, id);
      SpSurveyAnswerRow row = { .question_id = id, .item = "" };

      if (node == NULL)
        continue;

      if (strcmp (type, "multiple") == 0 || strcmp (type, "ranking") == 0)
        {
          JsonArray *a = json_node_get_array (node);
          gboolean ranked = strcmp (type, "ranking") == 0;

          for (guint k = 0; k < json_array_get_length (a); k++)
            {
              row.item = row.option_id = json_array_get_string_element (a, k);
              row.rank = ranked ? k + 1 : 0;
              g_array_append_val (rows, row);
            }
        }
      else if (strcmp (type, "matrix") == 0)
        {
          JsonObject *o = json_node_get_object (node);
          JsonArray *qrows = question_array (q, "rows");

          /* In row order, for a stable export. */
          for (guint k = 0; qrows != NULL && k < json_array_get_length (qrows); k++)
            {
              const char *rid = sp_json_get_string (json_array_get_object_element (qrows, k), "id");

              if (rid == NULL || !json_object_has_member (o, rid))
                continue;
              row.item = rid;
              row.option_id = json_object_get_string_member (o, rid);
              g_array_append_val (rows, row);
            }
        }
      else if (strcmp (type, "number") == 0 || strcmp (type, "rating") == 0)
        {
          row.has_num = node_number (node, &row.num);
          g_array_append_val (rows, row);
        }
      else if (strcmp (type, "text") == 0 || strcmp (type, "date") == 0)
        {
          row.text = json_node_get_string (node);
          g_array_append_val (rows, row);
        }
      else
        {
          row.option_id = json_node_get_string (node);
          g_array_append_val (rows, row);
        }
    }

  return rows;
}

/* -- CSV ----------------------------------------------------------------------- */

void
sp_survey_csv_field (GString    *out,
                     const char *field)
{
  g_string_append_c (out, '"');
  for (const char *p = field ? field : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_next (GString  *out,
          gboolean *first)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
}

static void
csv_put (GString    *out,
         gboolean   *first,
         const char *field)
{
  csv_next (out, first);
  sp_survey_csv_field (out, field);
}

static const char *
choice_attr (JsonObject *q,
             const char *list,
             const char *id,
             const char *attr)
{
  return sp_json_get_string_or (find_choice (q, list, id), attr, "");
}

static char *
number_text (JsonNode *node)
{
  double value;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (node == NULL || !node_number (node, &value))
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", value));
}

/* Free text for spreadsheets: a leading ' stops formula evaluation. */
static void
csv_put_text (GString    *out,
              gboolean   *first,
              const char *text,
              gboolean    defuse)
{
  if (defuse && text != NULL && strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0')
    {
      g_autofree char *safe = g_strconcat ("'", text, NULL);

      csv_put (out, first, safe);
      return;
    }
  csv_put (out, first, text);
}

void
sp_survey_csv_header (JsonObject        *definition,
                      SpSurveyCsvFormat  format,
                      GString           *out)
{
  JsonArray *questions = definition_questions (definition);
  gboolean en = g_strcmp0 (sp_json_get_string (definition, "lang"), "en") == 0;
  gboolean first = TRUE;

  g_return_if_fail (definition != NULL && out != NULL);

  if (format == SP_SURVEY_CSV_LIMESURVEY)
    {
      csv_put (out, &first, "id");
      csv_put (out, &first, "submitdate");
      csv_put (out, &first, "lastpage");
      csv_put (out, &first, "startlanguage");
    }
  else
    {
      csv_put (out, &first, en ? "Response" : "Antwort");
      csv_put (out, &first, en ? "Date" : "Datum");
      csv_put (out, &first, en ? "Language" : "Sprache");
    }

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *type = sp_json_get_string_or (q, "type", "");
      const char *code = sp_json_get_string_or (q, "code", "");
      const char *text = sp_json_get_string_or (q, "text", "");
      JsonArray *opts = question_array (q, "options");
      JsonArray *rows = question_array (q, "rows");

      if (format == SP_SURVEY_CSV_LIMESURVEY && strcmp (type, "multiple") == 0)
        {
          for (guint k = 0; opts != NULL && k < json_array_get_length (opts); k++)
            {
              g_autofree char *h = g_strdup_printf ("%s[%s]", code,
                                                    sp_json_get_string_or (json_array_get_object_element (opts, k), "code", ""));
              csv_put (out, &first, h);
            }
        }
      else if (format == SP_SURVEY_CSV_LIMESURVEY && strcmp (type, "ranking") == 0)
        {
          for (guint k = 0; opts != NULL && k < json_array_get_length (opts); k++)
            {
              g_autofree char *h = g_strdup_printf ("%s[%u]", code, k + 1);
              csv_put (out, &first, h);
            }
        }
      else if (strcmp (type, "matrix") == 0)
        {
          for (guint k = 0; rows != NULL && k < json_array_get_length (rows); k++)
            {
              JsonObject *r = json_array_get_object_element (rows, k);
              g_autofree char *h = NULL;

              if (format == SP_SURVEY_CSV_LIMESURVEY)
                h = g_strdup_printf ("%s[%s]", code, sp_json_get_string_or (r, "code", ""));
              else
                h = g_strdup_printf ("%s [%s]", text, sp_json_get_string_or (r, "label", ""));
              csv_put (out, &first, h);
            }
        }
      else
        csv_put (out, &first, format == SP_SURVEY_CSV_LIMESURVEY ? code : text);
    }
  g_string_append (out, "\r\n");
}

void
sp_survey_csv_row (JsonObject        *definition,
                   SpSurveyCsvFormat  format,
                   JsonObject        *response,
                   GString           *out)
{
  JsonArray *questions = definition_questions (definition);
  JsonNode *answers_node = json_object_get_member (response, "answers");
  JsonObject *answers = answers_node && JSON_NODE_HOLDS_OBJECT (answers_node)
                        ? json_node_get_object (answers_node) : NULL;
  gboolean lime = format == SP_SURVEY_CSV_LIMESURVEY;
  const char *label_attr = lime ? "code" : "label";
  g_autofree char *id = NULL;
  gboolean first = TRUE;

  g_return_if_fail (definition != NULL && response != NULL && out != NULL);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, sp_json_get_int_or (response, "id", 0));
  csv_put (out, &first, id);
  if (lime)
    {
      g_autofree char *when = g_strdup_printf ("%s 00:00:00", sp_json_get_string_or (response, "submitted", ""));
      g_autofree char *pages = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                sp_json_get_int_or (definition, "pages", 1));

      csv_put (out, &first, when);
      csv_put (out, &first, pages);
    }
  else
    csv_put (out, &first, sp_json_get_string_or (response, "submitted", ""));
  csv_put (out, &first, sp_json_get_string_or (response, "language", "de"));

  for (guint i = 0; questions != NULL && i < json_array_get_length (questions); i++)
    {
      JsonObject *q = json_array_get_object_element (questions, i);
      const char *qid = sp_json_get_string_or (q, "id", "");
      const char *type = sp_json_get_string_or (q, "type", "");
      JsonArray *opts = question_array (q, "options");
      JsonArray *rows = question_array (q, "rows");
      JsonNode *node = answers ? json_object_get_member (answers, qid) : NULL;
      JsonArray *list = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      if (strcmp (type, "multiple") == 0 || strcmp (type, "ranking") == 0)
        {
          gboolean ranking = strcmp (type, "ranking") == 0;
          guint n_opts = opts ? json_array_get_length (opts) : 0;

          if (lime)
            {
              for (guint k = 0; k < n_opts; k++)
                {
                  const char *value = "";

                  if (ranking)
                    {
                      if (list != NULL && k < json_array_get_length (list))
                        value = choice_attr (q, "options", json_array_get_string_element (list, k), "code");
                    }
                  else
                    {
                      const char *oid = sp_json_get_string (json_array_get_object_element (opts, k), "id");

                      value = answer_contains (node, oid) ? "Y" : "";
                    }
                  csv_put (out, &first, value);
                }
            }
          else
            {
              g_autoptr(GString) joined = g_string_new (NULL);

              if (ranking)
                {
                  for (guint k = 0; list != NULL && k < json_array_get_length (list); k++)
                    g_string_append_printf (joined, "%s%s", k ? "; " : "",
                                            choice_attr (q, "options", json_array_get_string_element (list, k), "label"));
                }
              else
                {
                  for (guint k = 0; k < n_opts; k++)
                    {
                      JsonObject *o = json_array_get_object_element (opts, k);

                      if (answer_contains (node, sp_json_get_string (o, "id")))
                        g_string_append_printf (joined, "%s%s", joined->len ? "; " : "",
                                                sp_json_get_string_or (o, "label", ""));
                    }
                }
              csv_put (out, &first, joined->str);
            }
        }
      else if (strcmp (type, "matrix") == 0)
        {
          JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

          for (guint k = 0; rows != NULL && k < json_array_get_length (rows); k++)
            {
              const char *rid = sp_json_get_string (json_array_get_object_element (rows, k), "id");
              const char *oid = o && rid ? sp_json_get_string (o, rid) : NULL;

              csv_put (out, &first, oid ? choice_attr (q, "options", oid, label_attr) : "");
            }
        }
      else if (strcmp (type, "single") == 0 || strcmp (type, "dropdown") == 0)
        {
          const char *oid = node_is_string (node) ? json_node_get_string (node) : NULL;

          csv_put (out, &first, oid ? choice_attr (q, "options", oid, label_attr) : "");
        }
      else if (strcmp (type, "number") == 0 || strcmp (type, "rating") == 0)
        {
          g_autofree char *text = number_text (node);

          csv_put (out, &first, text);
        }
      else
        csv_put_text (out, &first, node_is_string (node) ? json_node_get_string (node) : "",
                      !lime && strcmp (type, "text") == 0);
    }
  g_string_append (out, "\r\n");
}
