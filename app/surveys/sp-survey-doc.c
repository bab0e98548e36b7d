/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-survey-doc"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-survey-doc.h"

#define ENTITY_SURVEY   "survey"
#define ENTITY_QUESTION "survey_question"
#define ENTITY_OPTION   "survey_option"

const char * const sp_survey_question_types[] = {
  "single", "dropdown", "multiple", "text", "number", "date", "rating", "matrix", "ranking", NULL
};

static const char * const survey_text_fields[] = {
  "title", "title_en", "intro", "intro_en", "privacy", "privacy_en", "thanks", "thanks_en",
  "opens", "closes", NULL
};

const char *
sp_survey_type_label (const char *type)
{
  static const struct { const char *type; const char *label; } labels[] = {
    { "single",   N_("Single choice") },
    { "dropdown", N_("Dropdown") },
    { "multiple", N_("Multiple choice") },
    { "text",     N_("Free text") },
    { "number",   N_("Number") },
    { "date",     N_("Date") },
    { "rating",   N_("Rating scale") },
    { "matrix",   N_("Likert matrix") },
    { "ranking",  N_("Ranking") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (type, labels[i].type) == 0)
      return _(labels[i].label);
  return type;
}

gboolean
sp_survey_type_has_options (const char *type)
{
  return g_strv_contains ((const char * const[]) { "single", "dropdown", "multiple", "matrix",
                                                    "ranking", NULL }, type ? type : "");
}

gboolean
sp_survey_type_has_rows (const char *type)
{
  return g_strcmp0 (type, "matrix") == 0;
}

static const char *
str (JsonObject *object,
     const char *name)
{
  return sp_json_get_string_or (object, name, "");
}

static const char *
id_of (JsonObject *object)
{
  return str (object, "id");
}

static JsonObject *
object_with_id (JsonObject *fields,
                const char *id)
{
  JsonObject *object = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_set_string_member (object, "id", id);
  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (object, name, json_node_copy (value));
  return object;
}

/* Creation */

static JsonObject *
new_survey_object (const char *id)
{
  JsonObject *survey = json_object_new ();

  json_object_set_string_member (survey, "id", id);
  for (guint i = 0; survey_text_fields[i] != NULL; i++)
    json_object_set_string_member (survey, survey_text_fields[i], "");
  json_object_set_string_member (survey, "status", "draft");
  json_object_set_string_member (survey, "access", "public");
  return survey;
}

SpSurveyDoc *
sp_survey_doc_new (void)
{
  SpSurveyDoc *doc = g_new0 (SpSurveyDoc, 1);
  g_autofree char *id = g_uuid_string_random ();

  doc->survey = new_survey_object (id);
  doc->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  doc->options = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  doc->n_pages = 1;
  return doc;
}

void
sp_survey_doc_free (SpSurveyDoc *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->id);
  json_object_unref (doc->survey);
  g_ptr_array_unref (doc->questions);
  g_ptr_array_unref (doc->options);
  g_free (doc);
}

/* Loading */

static GPtrArray *
select_ids (SpLocalStore *store,
            const char   *sql,
            const char   *parent_id,
            GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (store), sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, parent_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (sp_local_store_get_db (store), error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

SpSurveyDoc *
sp_survey_doc_load (SpLocalStore *store,
                    const char   *id,
                    GError      **error)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GPtrArray) question_ids = NULL;
  SpSurveyDoc *doc;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  fields = sp_form_read_fields (store, ENTITY_SURVEY, id);
  if (fields == NULL)
    return NULL;

  question_ids = select_ids (store,
                             "SELECT id FROM survey_question WHERE survey_id = ?1 AND deleted = 0"
                             " ORDER BY page, position, id",
                             id, error);
  if (question_ids == NULL)
    return NULL;

  doc = g_new0 (SpSurveyDoc, 1);
  doc->id = g_strdup (id);
  doc->survey = new_survey_object (id);
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, fields);
    while (json_object_iter_next (&iter, &name, &value))
      if (!JSON_NODE_HOLDS_NULL (value))
        json_object_set_member (doc->survey, name, json_node_copy (value));
  }
  doc->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  doc->options = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  doc->n_pages = 1;

  for (guint i = 0; i < question_ids->len; i++)
    {
      const char *qid = question_ids->pdata[i];
      g_autoptr(JsonObject) qfields = sp_form_read_fields (store, ENTITY_QUESTION, qid);
      g_autoptr(GPtrArray) option_ids = NULL;
      JsonObject *question;

      if (qfields == NULL)
        continue;
      question = object_with_id (qfields, qid);
      g_ptr_array_add (doc->questions, question);
      doc->n_pages = MAX (doc->n_pages, (guint) CLAMP (sp_json_get_int_or (question, "page", 1), 1, 999));

      option_ids = select_ids (store,
                               "SELECT id FROM survey_option WHERE question_id = ?1 AND deleted = 0"
                               " ORDER BY kind, position, id",
                               qid, error);
      if (option_ids == NULL)
        {
          sp_survey_doc_free (doc);
          return NULL;
        }
      for (guint j = 0; j < option_ids->len; j++)
        {
          g_autoptr(JsonObject) ofields = sp_form_read_fields (store, ENTITY_OPTION, option_ids->pdata[j]);

          if (ofields != NULL)
            g_ptr_array_add (doc->options, object_with_id (ofields, option_ids->pdata[j]));
        }
    }
  return doc;
}

/* Comparing and saving */

static JsonNode *
array_node (GPtrArray *objects)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < objects->len; i++)
    json_array_add_object_element (array, json_object_ref (objects->pdata[i]));
  return json_node_init_array (json_node_alloc (), array);
}

static char *
object_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

char *
sp_survey_doc_to_string (SpSurveyDoc *doc)
{
  g_autoptr(JsonNode) questions = array_node (doc->questions);
  g_autoptr(JsonNode) options = array_node (doc->options);
  g_autofree char *survey = object_string (doc->survey);
  g_autofree char *q = json_to_string (questions, FALSE);
  g_autofree char *o = json_to_string (options, FALSE);

  return g_strconcat (survey, "\n", q, "\n", o, NULL);
}

static JsonObject *
fields_without_id (JsonObject *object)
{
  JsonObject *fields = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_str_equal (name, "id"))
      json_object_set_member (fields, name, json_node_copy (value));
  return fields;
}

static gboolean
save_row (SpLocalStore *store,
          const char   *entity,
          JsonObject   *object,
          GError      **error)
{
  g_autoptr(JsonObject) now = fields_without_id (object);
  g_autoptr(JsonObject) before = sp_form_read_fields (store, entity, id_of (object));
  g_autoptr(JsonObject) changes = sp_form_diff_fields (before, now);
  g_autofree char *saved = NULL;

  if (json_object_get_size (changes) == 0)
    return TRUE;
  saved = sp_local_store_save (store, entity, id_of (object), changes, error);
  return saved != NULL;
}

static gboolean
in_array (GPtrArray  *objects,
          const char *id)
{
  for (guint i = 0; i < objects->len; i++)
    if (g_str_equal (id_of (objects->pdata[i]), id))
      return TRUE;
  return FALSE;
}

gboolean
sp_survey_doc_save (SpSurveyDoc  *doc,
                    SpLocalStore *store,
                    GError      **error)
{
  g_autoptr(SpSurveyDoc) stored = NULL;
  const char *id = id_of (doc->survey);

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), FALSE);

  if (doc->id != NULL)
    {
      stored = sp_survey_doc_load (store, doc->id, error);
      if (stored == NULL && error != NULL && *error != NULL)
        return FALSE;
    }

  if (!sp_local_store_begin_batch (store, error))
    return FALSE;

  if (!save_row (store, ENTITY_SURVEY, doc->survey, error))
    goto failed;
  for (guint i = 0; i < doc->questions->len; i++)
    {
      JsonObject *question = doc->questions->pdata[i];

      json_object_set_string_member (question, "survey_id", id);
      if (!save_row (store, ENTITY_QUESTION, question, error))
        goto failed;
    }
  for (guint i = 0; i < doc->options->len; i++)
    if (!save_row (store, ENTITY_OPTION, doc->options->pdata[i], error))
      goto failed;

  /* Rows removed while designing. */
  if (stored != NULL)
    {
      for (guint i = 0; i < stored->options->len; i++)
        if (!in_array (doc->options, id_of (stored->options->pdata[i])) &&
            !sp_local_store_delete (store, ENTITY_OPTION, id_of (stored->options->pdata[i]), error))
          goto failed;
      for (guint i = 0; i < stored->questions->len; i++)
        if (!in_array (doc->questions, id_of (stored->questions->pdata[i])) &&
            !sp_local_store_delete (store, ENTITY_QUESTION, id_of (stored->questions->pdata[i]), error))
          goto failed;
    }

  if (!sp_local_store_end_batch (store, error))
    return FALSE;
  if (doc->id == NULL)
    doc->id = g_strdup (id);
  return TRUE;

failed:
  sp_local_store_cancel_batch (store);
  return FALSE;
}

gboolean
sp_survey_doc_delete (SpLocalStore *store,
                      const char   *id,
                      GError      **error)
{
  g_autoptr(SpSurveyDoc) doc = sp_survey_doc_load (store, id, error);

  if (doc == NULL)
    return error == NULL || *error == NULL;

  if (!sp_local_store_begin_batch (store, error))
    return FALSE;
  for (guint i = 0; i < doc->options->len; i++)
    if (!sp_local_store_delete (store, ENTITY_OPTION, id_of (doc->options->pdata[i]), error))
      goto failed;
  for (guint i = 0; i < doc->questions->len; i++)
    if (!sp_local_store_delete (store, ENTITY_QUESTION, id_of (doc->questions->pdata[i]), error))
      goto failed;
  if (!sp_local_store_delete (store, ENTITY_SURVEY, id, error))
    goto failed;
  return sp_local_store_end_batch (store, error);

failed:
  sp_local_store_cancel_batch (store);
  return FALSE;
}

SpSurveyDoc *
sp_survey_doc_duplicate (SpSurveyDoc *doc)
{
  SpSurveyDoc *copy = g_new0 (SpSurveyDoc, 1);
  g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *survey_id = g_uuid_string_random ();
  g_autofree char *title = NULL;

  copy->survey = object_with_id (doc->survey, survey_id);
  title = g_strdup_printf (_("%s (copy)"), str (doc->survey, "title"));
  json_object_set_string_member (copy->survey, "title", title);
  if (*str (doc->survey, "title_en") != '\0')
    {
      g_autofree char *title_en = g_strdup_printf ("%s (copy)", str (doc->survey, "title_en"));

      json_object_set_string_member (copy->survey, "title_en", title_en);
    }
  json_object_set_string_member (copy->survey, "status", "draft");
  copy->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  copy->options = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  copy->n_pages = doc->n_pages;

  for (guint i = 0; i < doc->questions->len; i++)
    g_hash_table_insert (new_ids, g_strdup (id_of (doc->questions->pdata[i])), g_uuid_string_random ());
  for (guint i = 0; i < doc->options->len; i++)
    g_hash_table_insert (new_ids, g_strdup (id_of (doc->options->pdata[i])), g_uuid_string_random ());

  for (guint i = 0; i < doc->questions->len; i++)
    {
      JsonObject *old = doc->questions->pdata[i];
      JsonObject *question = object_with_id (old, g_hash_table_lookup (new_ids, id_of (old)));
      const char *cq = g_hash_table_lookup (new_ids, str (old, "condition_question"));
      const char *co = g_hash_table_lookup (new_ids, str (old, "condition_option"));

      json_object_set_string_member (question, "survey_id", survey_id);
      json_object_set_string_member (question, "condition_question", cq ? cq : "");
      json_object_set_string_member (question, "condition_option", cq && co ? co : "");
      g_ptr_array_add (copy->questions, question);
    }
  for (guint i = 0; i < doc->options->len; i++)
    {
      JsonObject *old = doc->options->pdata[i];
      JsonObject *option = object_with_id (old, g_hash_table_lookup (new_ids, id_of (old)));
      const char *qid = g_hash_table_lookup (new_ids, str (old, "question_id"));

      json_object_set_string_member (option, "question_id", qid ? qid : "");
      g_ptr_array_add (copy->options, option);
    }
  return copy;
}

/* Lookups */

static JsonObject *
find_in (GPtrArray  *objects,
         const char *id)
{
  if (id == NULL || *id == '\0')
    return NULL;
  for (guint i = 0; i < objects->len; i++)
    if (g_str_equal (id_of (objects->pdata[i]), id))
      return objects->pdata[i];
  return NULL;
}

JsonObject *
sp_survey_doc_find_question (SpSurveyDoc *doc,
                             const char  *id)
{
  return find_in (doc->questions, id);
}

JsonObject *
sp_survey_doc_find_option (SpSurveyDoc *doc,
                           const char  *id)
{
  return find_in (doc->options, id);
}

static guint
page_of (JsonObject *question)
{
  return (guint) MAX (sp_json_get_int_or (question, "page", 1), 1);
}

GPtrArray *
sp_survey_doc_get_options (SpSurveyDoc *doc,
                           const char  *question_id,
                           const char  *kind)
{
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < doc->options->len; i++)
    {
      JsonObject *option = doc->options->pdata[i];

      if (g_str_equal (str (option, "question_id"), question_id) &&
          g_str_equal (str (option, "kind"), kind))
        g_ptr_array_add (result, option);
    }
  return result;
}

GPtrArray *
sp_survey_doc_get_page (SpSurveyDoc *doc,
                        guint        page)
{
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < doc->questions->len; i++)
    if (page_of (doc->questions->pdata[i]) == page)
      g_ptr_array_add (result, doc->questions->pdata[i]);
  return result;
}

/* Keeps doc->questions ordered by page and numbers positions 1.. per page. */
static int
compare_questions (gconstpointer a,
                   gconstpointer b)
{
  JsonObject *qa = *(JsonObject **) a;
  JsonObject *qb = *(JsonObject **) b;
  gint64 pa = page_of (qa), pb = page_of (qb);

  if (pa != pb)
    return pa < pb ? -1 : 1;
  pa = sp_json_get_int_or (qa, "position", 0);
  pb = sp_json_get_int_or (qb, "position", 0);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

static void
renumber_questions (SpSurveyDoc *doc)
{
  guint page = 0, position = 0;

  g_ptr_array_sort (doc->questions, compare_questions);
  for (guint i = 0; i < doc->questions->len; i++)
    {
      JsonObject *question = doc->questions->pdata[i];

      if (page_of (question) != page)
        {
          page = page_of (question);
          position = 0;
        }
      if (sp_json_get_int_or (question, "position", -1) != ++position)
        json_object_set_int_member (question, "position", position);
      doc->n_pages = MAX (doc->n_pages, page);
    }
}

static void
renumber_options (SpSurveyDoc *doc,
                  const char  *question_id,
                  const char  *kind)
{
  g_autoptr(GPtrArray) options = sp_survey_doc_get_options (doc, question_id, kind);

  for (guint i = 0; i < options->len; i++)
    if (sp_json_get_int_or (options->pdata[i], "position", -1) != (gint64) i + 1)
      json_object_set_int_member (options->pdata[i], "position", i + 1);
}

/* Codes: LimeSurvey question codes "Q01".., answer codes "A1".., subquestion
 * codes "SQ001".. */
static gboolean
code_used (GPtrArray  *objects,
           const char *code)
{
  for (guint i = 0; i < objects->len; i++)
    if (g_ascii_strcasecmp (str (objects->pdata[i], "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static char *
next_code (GPtrArray  *siblings,
           const char *format)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *code = g_strdup_printf (format, n);

      if (!code_used (siblings, code))
        return g_steal_pointer (&code);
    }
}

JsonObject *
sp_survey_doc_add_question (SpSurveyDoc *doc,
                            guint        page,
                            const char  *type)
{
  JsonObject *question = json_object_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *code = next_code (doc->questions, "Q%02u");
  g_autoptr(GPtrArray) on_page = NULL;

  g_return_val_if_fail (g_strv_contains (sp_survey_question_types, type), NULL);

  page = CLAMP (page, 1, doc->n_pages);
  on_page = sp_survey_doc_get_page (doc, page);
  json_object_set_string_member (question, "id", id);
  json_object_set_string_member (question, "survey_id", id_of (doc->survey));
  json_object_set_int_member (question, "page", page);
  json_object_set_int_member (question, "position", on_page->len + 1);
  json_object_set_string_member (question, "type", type);
  json_object_set_string_member (question, "code", code);
  json_object_set_string_member (question, "text", "");
  json_object_set_string_member (question, "text_en", "");
  json_object_set_string_member (question, "help", "");
  json_object_set_string_member (question, "help_en", "");
  json_object_set_boolean_member (question, "required", FALSE);
  json_object_set_int_member (question, "min", g_str_equal (type, "rating") ? 1 : 0);
  json_object_set_int_member (question, "max", g_str_equal (type, "rating") ? 5 : 0);
  json_object_set_string_member (question, "condition_question", "");
  json_object_set_string_member (question, "condition_option", "");
  g_ptr_array_add (doc->questions, question);
  renumber_questions (doc);
  return question;
}

void
sp_survey_doc_remove_question (SpSurveyDoc *doc,
                               const char  *id)
{
  JsonObject *question = sp_survey_doc_find_question (doc, id);
  g_autofree char *qid = g_strdup (id);

  if (question == NULL)
    return;

  for (guint i = doc->options->len; i > 0; i--)
    if (g_str_equal (str (doc->options->pdata[i - 1], "question_id"), qid))
      g_ptr_array_remove_index (doc->options, i - 1);
  /* Questions shown on its answer are shown always now. */
  for (guint i = 0; i < doc->questions->len; i++)
    if (g_str_equal (str (doc->questions->pdata[i], "condition_question"), qid))
      {
        json_object_set_string_member (doc->questions->pdata[i], "condition_question", "");
        json_object_set_string_member (doc->questions->pdata[i], "condition_option", "");
      }
  g_ptr_array_remove (doc->questions, question);
  renumber_questions (doc);
}

gboolean
sp_survey_doc_move_question (SpSurveyDoc *doc,
                             const char  *id,
                             int          delta)
{
  JsonObject *question = sp_survey_doc_find_question (doc, id);
  g_autoptr(GPtrArray) on_page = NULL;
  guint index;

  if (question == NULL)
    return FALSE;
  on_page = sp_survey_doc_get_page (doc, page_of (question));
  if (!g_ptr_array_find (on_page, question, &index) ||
      (delta < 0 && index == 0) || (delta > 0 && index + 1 >= on_page->len))
    return FALSE;

  {
    JsonObject *other = on_page->pdata[index + delta];
    gint64 a = sp_json_get_int_or (question, "position", 0);
    gint64 b = sp_json_get_int_or (other, "position", 0);

    json_object_set_int_member (question, "position", b);
    json_object_set_int_member (other, "position", a);
  }
  renumber_questions (doc);
  return TRUE;
}

void
sp_survey_doc_set_question_page (SpSurveyDoc *doc,
                                 const char  *id,
                                 guint        page)
{
  JsonObject *question = sp_survey_doc_find_question (doc, id);

  if (question == NULL || page < 1 || page > doc->n_pages || page_of (question) == page)
    return;
  json_object_set_int_member (question, "page", page);
  json_object_set_int_member (question, "position", G_MAXINT);
  renumber_questions (doc);
}

void
sp_survey_doc_add_page (SpSurveyDoc *doc)
{
  doc->n_pages++;
}

gboolean
sp_survey_doc_remove_page (SpSurveyDoc *doc,
                           guint        page)
{
  g_autoptr(GPtrArray) on_page = sp_survey_doc_get_page (doc, page);

  if (on_page->len > 0 || doc->n_pages <= 1)
    return FALSE;
  for (guint i = 0; i < doc->questions->len; i++)
    if (page_of (doc->questions->pdata[i]) > page)
      json_object_set_int_member (doc->questions->pdata[i], "page",
                                  page_of (doc->questions->pdata[i]) - 1);
  doc->n_pages--;
  return TRUE;
}

JsonObject *
sp_survey_doc_add_option (SpSurveyDoc *doc,
                          const char  *question_id,
                          const char  *kind)
{
  g_autoptr(GPtrArray) siblings = sp_survey_doc_get_options (doc, question_id, kind);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *code = next_code (siblings, g_str_equal (kind, "row") ? "SQ%03u" : "A%u");
  JsonObject *option = json_object_new ();

  json_object_set_string_member (option, "id", id);
  json_object_set_string_member (option, "question_id", question_id);
  json_object_set_string_member (option, "kind", kind);
  json_object_set_string_member (option, "code", code);
  json_object_set_string_member (option, "label", "");
  json_object_set_string_member (option, "label_en", "");
  json_object_set_int_member (option, "position", siblings->len + 1);
  g_ptr_array_add (doc->options, option);
  return option;
}

void
sp_survey_doc_remove_option (SpSurveyDoc *doc,
                             const char  *id)
{
  JsonObject *option = sp_survey_doc_find_option (doc, id);
  g_autofree char *question_id = NULL;
  g_autofree char *kind = NULL;

  if (option == NULL)
    return;
  question_id = g_strdup (str (option, "question_id"));
  kind = g_strdup (str (option, "kind"));
  for (guint i = 0; i < doc->questions->len; i++)
    if (g_str_equal (str (doc->questions->pdata[i], "condition_option"), id))
      {
        json_object_set_string_member (doc->questions->pdata[i], "condition_question", "");
        json_object_set_string_member (doc->questions->pdata[i], "condition_option", "");
      }
  g_ptr_array_remove (doc->options, option);
  renumber_options (doc, question_id, kind);
}

static int
compare_options (gconstpointer a,
                 gconstpointer b)
{
  gint64 pa = sp_json_get_int_or (*(JsonObject **) a, "position", 0);
  gint64 pb = sp_json_get_int_or (*(JsonObject **) b, "position", 0);

  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

gboolean
sp_survey_doc_move_option (SpSurveyDoc *doc,
                           const char  *id,
                           int          delta)
{
  JsonObject *option = sp_survey_doc_find_option (doc, id);
  g_autoptr(GPtrArray) siblings = NULL;
  guint index;

  if (option == NULL)
    return FALSE;
  siblings = sp_survey_doc_get_options (doc, str (option, "question_id"), str (option, "kind"));
  if (!g_ptr_array_find (siblings, option, &index) ||
      (delta < 0 && index == 0) || (delta > 0 && index + 1 >= siblings->len))
    return FALSE;
  {
    JsonObject *other = siblings->pdata[index + delta];
    gint64 a = sp_json_get_int_or (option, "position", 0);
    gint64 b = sp_json_get_int_or (other, "position", 0);

    json_object_set_int_member (option, "position", b);
    json_object_set_int_member (other, "position", a);
  }
  g_ptr_array_sort (doc->options, compare_options);
  return TRUE;
}

GPtrArray *
sp_survey_doc_condition_sources (SpSurveyDoc *doc,
                                 const char  *question_id)
{
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < doc->questions->len; i++)
    {
      JsonObject *question = doc->questions->pdata[i];
      const char *type = str (question, "type");

      if (g_str_equal (id_of (question), question_id))
        break;
      /* Answers that are options: single, dropdown, multiple. */
      if (sp_survey_type_has_options (type) && !sp_survey_type_has_rows (type) &&
          !g_str_equal (type, "ranking"))
        g_ptr_array_add (result, question);
    }
  return result;
}

/* Validation */

void
sp_survey_problem_free (SpSurveyProblem *problem)
{
  g_free (problem->question_id);
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

static void
add_problem (GPtrArray  *problems,
             const char *question_id,
             const char *field,
             gboolean    blocks_save,
             const char *message)
{
  SpSurveyProblem *problem = g_new0 (SpSurveyProblem, 1);

  problem->question_id = g_strdup (question_id);
  problem->field = g_strdup (field);
  problem->message = g_strdup (message);
  problem->blocks_save = blocks_save;
  g_ptr_array_add (problems, problem);
}

static gboolean
valid_code (const char *code)
{
  if (!g_ascii_isalpha (*code))
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static gboolean
blank (JsonObject *object,
       const char *name)
{
  g_autofree char *text = g_strstrip (g_strdup (str (object, name)));

  return *text == '\0';
}

static void
validate_options (SpSurveyDoc *doc,
                  JsonObject  *question,
                  const char  *kind,
                  GPtrArray   *problems)
{
  g_autoptr(GPtrArray) options = sp_survey_doc_get_options (doc, id_of (question), kind);
  gboolean rows = g_str_equal (kind, "row");
  const char *field = rows ? "rows" : "options";

  if (options->len == 0)
    {
      add_problem (problems, id_of (question), field, FALSE,
                   rows ? _("A matrix needs at least one row before the survey can be published.")
                        : _("A choice question needs at least one option before the survey can be published."));
      return;
    }
  for (guint i = 0; i < options->len; i++)
    {
      JsonObject *option = options->pdata[i];
      const char *code = str (option, "code");

      if (blank (option, "label"))
        {
          g_autofree char *message =
            g_strdup_printf (rows ? _("Row %s has no label.") : _("Option %s has no label."), code);

          add_problem (problems, id_of (question), field, FALSE, message);
        }
      if (!valid_code (code))
        {
          g_autofree char *message =
            g_strdup_printf (_("The code “%s” must start with a letter and contain only letters and digits."),
                             code);

          add_problem (problems, id_of (question), field, TRUE, message);
        }
      for (guint j = 0; j < i; j++)
        if (g_ascii_strcasecmp (str (options->pdata[j], "code"), code) == 0)
          {
            g_autofree char *message = g_strdup_printf (_("The code “%s” is used twice."), code);

            add_problem (problems, id_of (question), field, TRUE, message);
            break;
          }
    }
}

GPtrArray *
sp_survey_doc_validate (SpSurveyDoc *doc)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_survey_problem_free);
  const char *opens = str (doc->survey, "opens");
  const char *closes = str (doc->survey, "closes");
  gboolean english = !blank (doc->survey, "title_en");

  if (blank (doc->survey, "title"))
    add_problem (problems, NULL, "title", TRUE, _("Give the survey a title."));
  if (!sp_form_valid_date (opens))
    add_problem (problems, NULL, "opens", TRUE, _("Write the date as YYYY-MM-DD, e.g. 2026-12-01."));
  if (!sp_form_valid_date (closes))
    add_problem (problems, NULL, "closes", TRUE, _("Write the date as YYYY-MM-DD, e.g. 2026-12-31."));
  else if (*opens != '\0' && *closes != '\0' && sp_form_valid_date (opens) && strcmp (closes, opens) < 0)
    add_problem (problems, NULL, "closes", TRUE, _("The survey cannot close before it opens."));
  if (doc->questions->len == 0)
    add_problem (problems, NULL, "questions", FALSE, _("Add at least one question before publishing."));

  for (guint i = 0; i < doc->questions->len; i++)
    {
      JsonObject *question = doc->questions->pdata[i];
      const char *qid = id_of (question);
      const char *type = str (question, "type");
      const char *code = str (question, "code");
      gint64 min = sp_json_get_int_or (question, "min", 0);
      gint64 max = sp_json_get_int_or (question, "max", 0);
      const char *cq = str (question, "condition_question");

      if (blank (question, "text"))
        add_problem (problems, qid, "text", FALSE, _("Write the question before publishing."));
      else if (english && blank (question, "text_en"))
        add_problem (problems, qid, "text_en", FALSE,
                     _("The survey has an English title: write the question in English too."));

      if (*code == '\0')
        add_problem (problems, qid, "code", TRUE, _("Every question needs a code."));
      else if (!valid_code (code))
        add_problem (problems, qid, "code", TRUE,
                     _("The code must start with a letter and contain only letters and digits (LimeSurvey)."));
      else
        for (guint j = 0; j < i; j++)
          if (g_ascii_strcasecmp (str (doc->questions->pdata[j], "code"), code) == 0)
            {
              g_autofree char *message =
                g_strdup_printf (_("The code “%s” is already used by another question."), code);

              add_problem (problems, qid, "code", TRUE, message);
              break;
            }

      if (sp_survey_type_has_options (type))
        validate_options (doc, question, "option", problems);
      if (sp_survey_type_has_rows (type))
        validate_options (doc, question, "row", problems);

      if (g_str_equal (type, "number") && min > max && max != 0)
        add_problem (problems, qid, "max", TRUE, _("The maximum must be larger than the minimum."));
      if (g_str_equal (type, "rating") && (max < 2 || max > 10))
        add_problem (problems, qid, "max", TRUE, _("A rating scale has 2 to 10 points."));
      if ((g_str_equal (type, "text") || g_str_equal (type, "multiple")) && max < 0)
        add_problem (problems, qid, "max", TRUE, _("The limit cannot be negative."));

      if (*cq != '\0')
        {
          g_autoptr(GPtrArray) sources = sp_survey_doc_condition_sources (doc, qid);
          JsonObject *source = sp_survey_doc_find_question (doc, cq);
          JsonObject *option = sp_survey_doc_find_option (doc, str (question, "condition_option"));

          if (source == NULL || !g_ptr_array_find (sources, source, NULL))
            add_problem (problems, qid, "condition", TRUE,
                         _("A question can only depend on an earlier choice question."));
          else if (option == NULL || !g_str_equal (str (option, "question_id"), cq))
            add_problem (problems, qid, "condition", TRUE, _("Choose the answer the question depends on."));
        }
    }
  return problems;
}
