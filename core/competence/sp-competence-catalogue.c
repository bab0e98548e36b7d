/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-catalogue"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-competence-catalogue.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"

#define N_LEVELS        5
#define MAX_POINTS      4

/* -- helpers ------------------------------------------------------------- */

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object ? json_object_get_member (object, name) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = member (object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
element_object (JsonArray *array,
                guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
key_is_valid (const char *key)
{
  gsize len;

  if (key == NULL || (len = strlen (key)) == 0 || len > SP_COMPETENCE_KEY_MAX_LEN)
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
code_is_valid (const char *code)
{
  gsize len;

  if (code == NULL || (len = strlen (code)) == 0 || len > SP_COMPETENCE_CODE_MAX_LEN)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      return FALSE;
  return code[0] != '.' && code[len - 1] != '.';
}

static gboolean
nonempty (const char *s)
{
  if (s == NULL)
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  return *s != '\0';
}

char *
sp_competence_catalogue_row_id (const char *key,
                                gint64      revision)
{
  g_return_val_if_fail (key != NULL, NULL);
  return g_strdup_printf ("%s.%" G_GINT64_FORMAT, key, revision);
}

/* -- validation ------------------------------------------------------------ */

static gboolean
invalid (GError    **error,
         const char *where,
         const char *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError    **error,
         const char *where,
         const char *format,
         ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (where != NULL && *where != '\0')
    g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: %s", where, text);
  else
    g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, text);
  return FALSE;
}

static gboolean
validate_option (JsonObject  *option,
                 const char  *where,
                 GError     **error)
{
  gint64 points;
  JsonNode *correct;

  if (option == NULL)
    return invalid (error, where, _("expected an object"));
  if (!nonempty (sp_json_get_string (option, "label")))
    return invalid (error, where, _("an answer option needs a label"));
  if (!sp_json_get_int (option, "points", &points))
    return invalid (error, where, _("“points” must be an integer"));
  if (points < 0 || points > MAX_POINTS)
    return invalid (error, where, _("points must be between 0 and %d"), MAX_POINTS);
  correct = member (option, "correct");
  if (correct != NULL && !JSON_NODE_HOLDS_NULL (correct) &&
      (!JSON_NODE_HOLDS_VALUE (correct) || json_node_get_value_type (correct) != G_TYPE_BOOLEAN))
    return invalid (error, where, _("“correct” must be true or false"));
  return TRUE;
}

static gboolean
validate_question (JsonObject  *question,
                   const char  *where,
                   GError     **error)
{
  const char *kind;
  JsonArray *options;
  guint n;

  if (question == NULL)
    return invalid (error, where, _("expected an object"));
  kind = sp_json_get_string (question, "kind");
  if (g_strcmp0 (kind, "self") != 0 && g_strcmp0 (kind, "single") != 0 &&
      g_strcmp0 (kind, "multiple") != 0)
    return invalid (error, where, _("“kind” must be “self”, “single” or “multiple”"));
  if (!nonempty (sp_json_get_string (question, "text")))
    return invalid (error, where, _("a question needs a text"));
  options = member_array (question, "options");
  n = options ? json_array_get_length (options) : 0;
  if (n == 0)
    return invalid (error, where, _("a question needs answer options"));
  if (strcmp (kind, "self") != 0 && n < 2)
    return invalid (error, where, _("a choice question needs at least two answer options"));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *w = g_strdup_printf ("%s.options[%u]", where, i);

      if (!validate_option (element_object (options, i), w, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate_recommendation (JsonObject  *rec,
                         const char  *where,
                         GError     **error)
{
  gint64 min_level, max_level;

  if (rec == NULL)
    return invalid (error, where, _("expected an object"));
  if (!sp_json_get_int (rec, "min_level", &min_level) ||
      !sp_json_get_int (rec, "max_level", &max_level))
    return invalid (error, where, _("“min_level” and “max_level” must be integers"));
  if (min_level < 1 || min_level > N_LEVELS || max_level < 1 || max_level > N_LEVELS)
    return invalid (error, where, _("levels must be between 1 and %d"), N_LEVELS);
  if (min_level > max_level)
    return invalid (error, where, _("“min_level” is greater than “max_level”"));
  if (!sp_id_is_valid (sp_json_get_string (rec, "training")))
    return invalid (error, where, _("“training” must name a training item id"));
  return TRUE;
}

gboolean
sp_competence_catalogue_validate (JsonNode  *catalogue,
                                  GError   **error)
{
  g_autoptr(GHashTable) area_codes = NULL;
  g_autoptr(GHashTable) codes = NULL;
  JsonObject *root;
  JsonArray *levels, *areas;
  const char *status;
  gint64 version;

  g_return_val_if_fail (catalogue != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (catalogue))
    return invalid (error, NULL, _("A catalogue must be a JSON object"));
  root = json_node_get_object (catalogue);

  if (!key_is_valid (sp_json_get_string (root, "id")))
    return invalid (error, "id", _("expected 1 to %d characters of a-z, 0-9, “-” and “_”"),
                    SP_COMPETENCE_KEY_MAX_LEN);
  if (!sp_json_get_int (root, "version", &version) || version < 1 || version > 1000000)
    return invalid (error, "version", _("expected a positive integer"));
  if (!nonempty (sp_json_get_string (root, "title")))
    return invalid (error, "title", _("a catalogue needs a title"));
  status = sp_json_get_string (root, "status");
  if (member (root, "status") != NULL && g_strcmp0 (status, "draft") != 0 &&
      g_strcmp0 (status, "published") != 0)
    return invalid (error, "status", _("expected “draft” or “published”"));

  levels = member_array (root, "levels");
  if (levels == NULL || json_array_get_length (levels) != N_LEVELS)
    return invalid (error, "levels", _("expected exactly %d level labels"), N_LEVELS);
  for (guint i = 0; i < N_LEVELS; i++)
    {
      JsonNode *node = json_array_get_element (levels, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !nonempty (json_node_get_string (node)))
        return invalid (error, "levels", _("level %u needs a label"), i + 1);
    }

  areas = member_array (root, "areas");
  if (areas == NULL || json_array_get_length (areas) == 0)
    return invalid (error, "areas", _("a catalogue needs at least one area"));

  area_codes = g_hash_table_new (g_str_hash, g_str_equal);
  codes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonObject *area = element_object (areas, a);
      g_autofree char *aw = g_strdup_printf ("areas[%u]", a);
      JsonArray *competences;
      const char *acode;

      if (area == NULL)
        return invalid (error, aw, _("expected an object"));
      acode = sp_json_get_string (area, "code");
      if (!code_is_valid (acode))
        return invalid (error, aw, _("“code” must be 1 to %d characters of letters, digits and dots"),
                        SP_COMPETENCE_CODE_MAX_LEN);
      if (g_hash_table_contains (area_codes, acode))
        return invalid (error, aw, _("duplicate area code “%s”"), acode);
      g_hash_table_add (area_codes, (gpointer) acode);
      if (!nonempty (sp_json_get_string (area, "title")))
        return invalid (error, aw, _("an area needs a title"));

      competences = member_array (area, "competences");
      if (competences == NULL)
        return invalid (error, aw, _("“competences” must be an array"));

      for (guint c = 0; c < json_array_get_length (competences); c++)
        {
          JsonObject *competence = element_object (competences, c);
          g_autofree char *cw = g_strdup_printf ("%s.competences[%u]", aw, c);
          JsonArray *questions, *recs;
          const char *code;

          if (competence == NULL)
            return invalid (error, cw, _("expected an object"));
          code = sp_json_get_string (competence, "code");
          if (!code_is_valid (code))
            return invalid (error, cw, _("“code” must be 1 to %d characters of letters, digits and dots"),
                            SP_COMPETENCE_CODE_MAX_LEN);
          if (g_hash_table_contains (codes, code))
            return invalid (error, cw, _("duplicate competence code “%s”"), code);
          g_hash_table_add (codes, (gpointer) code);
          if (!nonempty (sp_json_get_string (competence, "title")))
            return invalid (error, cw, _("a competence needs a title"));

          questions = member_array (competence, "questions");
          if (questions == NULL && member (competence, "questions") != NULL)
            return invalid (error, cw, _("“questions” must be an array"));
          for (guint q = 0; questions && q < json_array_get_length (questions); q++)
            {
              g_autofree char *qw = g_strdup_printf ("%s.questions[%u]", cw, q);

              if (!validate_question (element_object (questions, q), qw, error))
                return FALSE;
            }

          recs = member_array (competence, "recommendations");
          if (recs == NULL && member (competence, "recommendations") != NULL &&
              !JSON_NODE_HOLDS_NULL (member (competence, "recommendations")))
            return invalid (error, cw, _("“recommendations” must be an array"));
          for (guint r = 0; recs && r < json_array_get_length (recs); r++)
            {
              g_autofree char *rw = g_strdup_printf ("%s.recommendations[%u]", cw, r);

              if (!validate_recommendation (element_object (recs, r), rw, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

/* -- catalogue -> changes ------------------------------------------------ */

static void
copy_string (JsonObject *to,
             JsonObject *from,
             const char *from_name,
             const char *to_name)
{
  const char *value = sp_json_get_string (from, from_name);

  json_object_set_string_member (to, to_name, value ? value : "");
}

static gboolean
add_change (GPtrArray   *changes,
            const char  *entity_name,
            const char  *id,
            JsonObject  *fields,      /* consumed */
            GError     **error)
{
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autoptr(JsonObject) owned = fields;
  g_autoptr(JsonObject) normalized = NULL;
  SpChange *change;

  g_assert (entity != NULL);
  if (!sp_id_is_valid (id))
    return invalid (error, NULL, _("row id “%s” is too long or contains invalid characters"), id);
  if (!(normalized = sp_change_validate_fields (entity, owned, error)))
    {
      g_prefix_error (error, "%s %s: ", entity_name, id);
      return FALSE;
    }

  change = sp_change_new ();
  change->entity = g_strdup (entity_name);
  change->id = g_strdup (id);
  change->op = SP_OP_UPSERT;
  if (change->fields)
    json_object_unref (change->fields);
  change->fields = g_steal_pointer (&normalized);
  g_ptr_array_add (changes, change);
  return TRUE;
}

GPtrArray *
sp_competence_catalogue_to_changes (JsonNode    *catalogue,
                                    const char  *status_override,
                                    GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *cat_id = NULL;
  JsonObject *root, *fields, *cat_fields;
  JsonArray *areas, *levels;
  const char *key, *status;
  gint64 version = 0;

  g_return_val_if_fail (catalogue != NULL, NULL);

  if (!sp_competence_catalogue_validate (catalogue, error))
    return NULL;

  root = json_node_get_object (catalogue);
  key = sp_json_get_string (root, "id");
  sp_json_get_int (root, "version", &version);
  status = status_override ? status_override : sp_json_get_string (root, "status");
  if (status == NULL)
    status = "published";
  cat_id = sp_competence_catalogue_row_id (key, version);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  fields = json_object_new ();
  json_object_set_string_member (fields, "key", key);
  json_object_set_int_member (fields, "revision", version);
  copy_string (fields, root, "title", "title");
  copy_string (fields, root, "description", "description");
  json_object_set_string_member (fields, "status", status);
  levels = member_array (root, "levels");
  json_object_set_array_member (fields, "levels", json_array_ref (levels));
  cat_fields = fields;

  areas = member_array (root, "areas");
  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonObject *area = element_object (areas, a);
      const char *acode = sp_json_get_string (area, "code");
      JsonArray *competences = member_array (area, "competences");
      g_autofree char *area_id = g_strdup_printf ("%s.a.%s", cat_id, acode);

      fields = json_object_new ();
      json_object_set_string_member (fields, "catalogue_id", cat_id);
      json_object_set_string_member (fields, "code", acode);
      copy_string (fields, area, "title", "title");
      json_object_set_int_member (fields, "position", a);
      if (!add_change (changes, SP_ENTITY_COMPETENCE_AREA, area_id, fields, error))
        {
          json_object_unref (cat_fields);
          return NULL;
        }

      for (guint c = 0; c < json_array_get_length (competences); c++)
        {
          JsonObject *competence = element_object (competences, c);
          const char *code = sp_json_get_string (competence, "code");
          JsonArray *questions = member_array (competence, "questions");
          JsonArray *recs = member_array (competence, "recommendations");
          g_autofree char *comp_id = g_strdup_printf ("%s.c.%s", cat_id, code);

          fields = json_object_new ();
          json_object_set_string_member (fields, "catalogue_id", cat_id);
          json_object_set_string_member (fields, "area_code", acode);
          json_object_set_string_member (fields, "code", code);
          copy_string (fields, competence, "title", "title");
          copy_string (fields, competence, "description", "description");
          json_object_set_int_member (fields, "position", c);
          if (!add_change (changes, SP_ENTITY_COMPETENCE, comp_id, fields, error))
            {
              json_object_unref (cat_fields);
              return NULL;
            }

          for (guint q = 0; questions && q < json_array_get_length (questions); q++)
            {
              JsonObject *question = element_object (questions, q);
              JsonArray *options = member_array (question, "options");
              g_autofree char *qid = g_strdup_printf ("%s.q.%s.%u", cat_id, code, q + 1);

              fields = json_object_new ();
              json_object_set_string_member (fields, "catalogue_id", cat_id);
              json_object_set_string_member (fields, "competence_code", code);
              copy_string (fields, question, "kind", "kind");
              copy_string (fields, question, "text", "text");
              json_object_set_int_member (fields, "position", q);
              if (!add_change (changes, SP_ENTITY_COMPETENCE_QUESTION, qid, fields, error))
                {
                  json_object_unref (cat_fields);
                  return NULL;
                }

              for (guint o = 0; o < json_array_get_length (options); o++)
                {
                  JsonObject *option = element_object (options, o);
                  JsonNode *correct = member (option, "correct");
                  g_autofree char *oid = g_strdup_printf ("%s.o.%u", qid, o + 1);
                  gint64 points = 0;

                  sp_json_get_int (option, "points", &points);
                  fields = json_object_new ();
                  json_object_set_string_member (fields, "question_id", qid);
                  copy_string (fields, option, "label", "label");
                  json_object_set_int_member (fields, "points", points);
                  json_object_set_boolean_member (fields, "correct",
                                                  correct && JSON_NODE_HOLDS_VALUE (correct) &&
                                                  json_node_get_boolean (correct));
                  json_object_set_int_member (fields, "position", o);
                  if (!add_change (changes, SP_ENTITY_COMPETENCE_OPTION, oid, fields, error))
                    {
                      json_object_unref (cat_fields);
                      return NULL;
                    }
                }
            }

          for (guint r = 0; recs && r < json_array_get_length (recs); r++)
            {
              JsonObject *rec = element_object (recs, r);
              g_autofree char *rid = g_strdup_printf ("%s.r.%s.%u", cat_id, code, r + 1);
              gint64 min_level = 1, max_level = N_LEVELS;

              sp_json_get_int (rec, "min_level", &min_level);
              sp_json_get_int (rec, "max_level", &max_level);
              fields = json_object_new ();
              json_object_set_string_member (fields, "catalogue_id", cat_id);
              json_object_set_string_member (fields, "competence_code", code);
              json_object_set_int_member (fields, "min_level", min_level);
              json_object_set_int_member (fields, "max_level", max_level);
              copy_string (fields, rec, "training", "training_id");
              copy_string (fields, rec, "note", "note");
              if (!add_change (changes, SP_ENTITY_COMPETENCE_RECOMMENDATION, rid, fields, error))
                {
                  json_object_unref (cat_fields);
                  return NULL;
                }
            }
        }
    }

  /* The catalogue row last: a published catalogue freezes its parts, so
   * they must be in place before it (on the server and locally). */
  if (!add_change (changes, SP_ENTITY_COMPETENCE_CATALOGUE, cat_id, cat_fields, error))
    return NULL;

  return g_steal_pointer (&changes);
}

/* -- export ------------------------------------------------------------- */

/* Rows of @entity_name matching @where (with ?1 bound to @param). */
static GPtrArray *
select_rows (SpDb        *db,
             const char  *entity_name,
             const char  *where,
             const char  *param,
             GError     **error)
{
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autofree char *sql = sp_db_select_sql (entity, where);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_db_row_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = sp_db_prepare (db, sql, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, sp_db_row_from_stmt (entity, stmt));
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&rows);
}

static void
put_string (JsonObject *to,
            const char *name,
            JsonObject *fields,
            const char *field)
{
  const char *value = sp_json_get_string (fields, field);

  json_object_set_string_member (to, name, value ? value : "");
}

static gint64
field_int (JsonObject *fields,
           const char *field,
           gint64      fallback)
{
  gint64 value;

  return sp_json_get_int (fields, field, &value) ? value : fallback;
}

/* Adds @node to the array stored under @key in @groups (created as needed). */
static void
group_add (GHashTable *groups,
           const char *key,
           JsonObject *object)
{
  JsonArray *array;

  if (key == NULL)
    {
      json_object_unref (object);
      return;
    }
  array = g_hash_table_lookup (groups, key);
  if (array == NULL)
    {
      array = json_array_new ();
      g_hash_table_insert (groups, g_strdup (key), array);
    }
  json_array_add_object_element (array, object);
}

static JsonArray *
group_take (GHashTable *groups,
            const char *key)
{
  JsonArray *array = key ? g_hash_table_lookup (groups, key) : NULL;

  return array ? json_array_ref (array) : json_array_new ();
}

JsonNode *
sp_competence_catalogue_export_db (SpDb        *db,
                                   const char  *catalogue_row_id,
                                   GError     **error)
{
  const SpEntity *cat_entity = sp_entity_lookup (SP_ENTITY_COMPETENCE_CATALOGUE);
  g_autoptr(SpDbRow) cat = NULL;
  g_autoptr(GPtrArray) areas = NULL;
  g_autoptr(GPtrArray) competences = NULL;
  g_autoptr(GPtrArray) questions = NULL;
  g_autoptr(GPtrArray) options = NULL;
  g_autoptr(GPtrArray) recs = NULL;
  g_autoptr(GHashTable) options_by_q = NULL;
  g_autoptr(GHashTable) questions_by_c = NULL;
  g_autoptr(GHashTable) recs_by_c = NULL;
  g_autoptr(GHashTable) comps_by_a = NULL;
  JsonObject *root;
  JsonArray *out_areas;
  JsonNode *levels, *node;
  GError *local_error = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (catalogue_row_id != NULL, NULL);

  cat = sp_db_row_read (db, cat_entity, catalogue_row_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (cat == NULL || cat->deleted)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("There is no competence catalogue “%s”"), catalogue_row_id);
      return NULL;
    }

  if (!(areas = select_rows (db, SP_ENTITY_COMPETENCE_AREA,
                             "WHERE catalogue_id = ?1 AND deleted = 0 ORDER BY position, code, id",
                             catalogue_row_id, error)) ||
      !(competences = select_rows (db, SP_ENTITY_COMPETENCE,
                                   "WHERE catalogue_id = ?1 AND deleted = 0 ORDER BY position, code, id",
                                   catalogue_row_id, error)) ||
      !(questions = select_rows (db, SP_ENTITY_COMPETENCE_QUESTION,
                                 "WHERE catalogue_id = ?1 AND deleted = 0 ORDER BY position, id",
                                 catalogue_row_id, error)) ||
      !(options = select_rows (db, SP_ENTITY_COMPETENCE_OPTION,
                               "WHERE deleted = 0 AND question_id IN "
                               "(SELECT id FROM competence_question WHERE catalogue_id = ?1 AND deleted = 0) "
                               "ORDER BY position, id",
                               catalogue_row_id, error)) ||
      !(recs = select_rows (db, SP_ENTITY_COMPETENCE_RECOMMENDATION,
                            "WHERE catalogue_id = ?1 AND deleted = 0 ORDER BY min_level, max_level, id",
                            catalogue_row_id, error)))
    return NULL;

  options_by_q = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_array_unref);
  questions_by_c = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_array_unref);
  recs_by_c = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_array_unref);
  comps_by_a = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_array_unref);

  for (guint i = 0; i < options->len; i++)
    {
      SpDbRow *row = g_ptr_array_index (options, i);
      JsonObject *o = json_object_new ();
      JsonNode *correct = member (row->fields, "correct");

      json_object_set_string_member (o, "id", row->id);
      put_string (o, "label", row->fields, "label");
      json_object_set_int_member (o, "points", field_int (row->fields, "points", 0));
      json_object_set_boolean_member (o, "correct",
                                      correct && JSON_NODE_HOLDS_VALUE (correct) &&
                                      json_node_get_value_type (correct) == G_TYPE_BOOLEAN &&
                                      json_node_get_boolean (correct));
      group_add (options_by_q, sp_json_get_string (row->fields, "question_id"), o);
    }

  for (guint i = 0; i < questions->len; i++)
    {
      SpDbRow *row = g_ptr_array_index (questions, i);
      JsonObject *q = json_object_new ();

      json_object_set_string_member (q, "id", row->id);
      put_string (q, "kind", row->fields, "kind");
      put_string (q, "text", row->fields, "text");
      json_object_set_array_member (q, "options", group_take (options_by_q, row->id));
      group_add (questions_by_c, sp_json_get_string (row->fields, "competence_code"), q);
    }

  for (guint i = 0; i < recs->len; i++)
    {
      SpDbRow *row = g_ptr_array_index (recs, i);
      JsonObject *r = json_object_new ();

      json_object_set_int_member (r, "min_level", field_int (row->fields, "min_level", 1));
      json_object_set_int_member (r, "max_level", field_int (row->fields, "max_level", N_LEVELS));
      put_string (r, "training", row->fields, "training_id");
      put_string (r, "note", row->fields, "note");
      group_add (recs_by_c, sp_json_get_string (row->fields, "competence_code"), r);
    }

  for (guint i = 0; i < competences->len; i++)
    {
      SpDbRow *row = g_ptr_array_index (competences, i);
      JsonObject *c = json_object_new ();
      const char *code = sp_json_get_string (row->fields, "code");

      put_string (c, "code", row->fields, "code");
      put_string (c, "title", row->fields, "title");
      put_string (c, "description", row->fields, "description");
      json_object_set_array_member (c, "questions", group_take (questions_by_c, code));
      json_object_set_array_member (c, "recommendations", group_take (recs_by_c, code));
      group_add (comps_by_a, sp_json_get_string (row->fields, "area_code"), c);
    }

  root = json_object_new ();
  put_string (root, "id", cat->fields, "key");
  json_object_set_int_member (root, "version", field_int (cat->fields, "revision", 1));
  put_string (root, "title", cat->fields, "title");
  put_string (root, "description", cat->fields, "description");
  put_string (root, "status", cat->fields, "status");
  levels = member (cat->fields, "levels");
  if (levels != NULL && JSON_NODE_HOLDS_ARRAY (levels))
    json_object_set_member (root, "levels", json_node_copy (levels));
  else
    json_object_set_array_member (root, "levels", json_array_new ());

  out_areas = json_array_new ();
  for (guint i = 0; i < areas->len; i++)
    {
      SpDbRow *row = g_ptr_array_index (areas, i);
      JsonObject *a = json_object_new ();

      put_string (a, "code", row->fields, "code");
      put_string (a, "title", row->fields, "title");
      json_object_set_array_member (a, "competences",
                                    group_take (comps_by_a, sp_json_get_string (row->fields, "code")));
      json_array_add_object_element (out_areas, a);
    }
  json_object_set_array_member (root, "areas", out_areas);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}

JsonNode *
sp_competence_catalogue_export_local (SpLocalStore  *store,
                                      const char    *catalogue_row_id,
                                      GError       **error)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  return sp_competence_catalogue_export_db (sp_local_store_get_db (store), catalogue_row_id, error);
}

char *
sp_competence_catalogue_save_local (SpLocalStore  *store,
                                    JsonNode      *catalogue,
                                    GError       **error)
{
  g_autoptr(GPtrArray) changes = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (catalogue != NULL, NULL);

  if (!(changes = sp_competence_catalogue_to_changes (catalogue, NULL, error)))
    return NULL;

  /* One transaction for the whole catalogue: all of it or nothing. */
  if (!sp_local_store_begin_batch (store, error))
    return NULL;
  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      g_autofree char *id = sp_local_store_save (store, change->entity, change->id,
                                                 change->fields, error);

      if (id == NULL)
        {
          sp_local_store_cancel_batch (store);
          return NULL;
        }
    }
  if (!sp_local_store_end_batch (store, error))
    return NULL;

  return g_strdup (((SpChange *) g_ptr_array_index (changes, changes->len - 1))->id);
}

char *
sp_competence_catalogue_new_revision (SpLocalStore  *store,
                                      const char    *catalogue_row_id,
                                      GError       **error)
{
  g_autoptr(JsonNode) catalogue = NULL;
  JsonObject *root;
  const char *key;
  sqlite3_stmt *stmt;
  gint64 max_revision = 0;
  SpDb *db;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (catalogue_row_id != NULL, NULL);

  if (!(catalogue = sp_competence_catalogue_export_local (store, catalogue_row_id, error)))
    return NULL;
  root = json_node_get_object (catalogue);
  key = sp_json_get_string (root, "id");

  db = sp_local_store_get_db (store);
  if (!(stmt = sp_db_prepare (db, "SELECT coalesce(max(revision), 0) FROM competence_catalogue "
                                  "WHERE key = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_revision = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  json_object_set_int_member (root, "version", max_revision + 1);
  json_object_set_string_member (root, "status", "draft");
  return sp_competence_catalogue_save_local (store, catalogue, error);
}

GStrv
sp_competence_catalogue_list_published (SpDb     *db,
                                        GError  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!(stmt = sp_db_prepare (db,
                              "SELECT c.id FROM competence_catalogue c "
                              "WHERE c.deleted = 0 AND c.status = 'published' AND c.revision = "
                              "  (SELECT max(d.revision) FROM competence_catalogue d "
                              "   WHERE d.key = c.key AND d.deleted = 0 AND d.status = 'published') "
                              "ORDER BY c.title COLLATE NOCASE, c.key",
                              error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_strv_builder_end (builder);
}
