/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bot-eval"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sp-bot-eval.h"
#include "sp-change.h"
#include "sp-faq-import.h"
#include "sp-json-util.h"

/* FAQ row ids of a DLDB import: "dldb.faq.<service id>" */
#define DLDB_FAQ_PREFIX "dldb.faq."

static void
entry_free (gpointer data)
{
  SpBotEntry *entry = data;

  g_free (entry->id);
  g_free (entry->title);
  g_strfreev (entry->alternatives);
  g_strfreev (entry->keywords);
  g_free (entry->lang);
  g_free (entry);
}

static void
question_free (gpointer data)
{
  SpBotQuestion *question = data;

  g_free (question->q);
  g_free (question->expect);
  g_strfreev (question->also);
  g_free (question->kind);
  g_free (question);
}

/* Takes @id, @title, @alternatives (NULL: none) and @keywords. */
static SpBotEntry *
entry_new (char       *id,
           char       *title,
           GStrv       alternatives,
           GStrv       keywords,
           const char *lang)
{
  SpBotEntry *entry = g_new0 (SpBotEntry, 1);

  entry->id = id;
  entry->title = title;
  entry->alternatives = alternatives ? alternatives : g_new0 (char *, 1);
  entry->keywords = keywords;
  entry->lang = g_strdup (lang);
  return entry;
}

static void
set_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* "name": [] */
static void
set_empty_array (JsonBuilder *builder,
                 const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

static void
set_strv (JsonBuilder *builder,
          const char  *name,
          char       **strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint k = 0; strv[k] != NULL; k++)
    json_builder_add_string_value (builder, strv[k]);
  json_builder_end_array (builder);
}

GPtrArray *
sp_bot_load_dldb (const char  *dir,
                  GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);

  g_return_val_if_fail (dir != NULL, NULL);

  /* the import's own conversion: what `stadtpult-server import dldb` stores */
  changes = sp_faq_import_dldb (dir, NULL, error);
  if (changes == NULL)
    return NULL;
  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      const char *question = sp_json_get_string (change->fields, "question");

      if (g_strcmp0 (change->entity, SP_ENTITY_FAQ) != 0 || question == NULL ||
          !g_str_has_prefix (change->id, DLDB_FAQ_PREFIX))
        continue;
      g_ptr_array_add (entries, entry_new (g_strdup (change->id + strlen (DLDB_FAQ_PREFIX)),
                                           g_strdup (question), NULL,
                                           sp_json_get_strv (change->fields, "keywords"), "de"));
    }

  if (entries->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: no services", dir);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
sp_bot_load_faq (const char  *path,
                 GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) file_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  JsonArray *array;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  changes = sp_faq_import_parse (data, len, error);
  if (changes == NULL)
    return NULL;
  /* row id -> the file's own id, which the question sets refer to */
  root = json_from_string (data, error);
  if (root == NULL)
    return NULL;
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = sp_json_get_string (json_array_get_object_element (array, i), "id");

      if (id != NULL)
        g_hash_table_insert (file_ids, sp_faq_import_id (id), g_strdup (id));
    }

  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      const char *file_id = g_hash_table_lookup (file_ids, change->id);

      if (g_strcmp0 (change->entity, SP_ENTITY_FAQ) != 0)
        continue;
      g_ptr_array_add (entries,
                       entry_new (g_strdup (file_id ? file_id : change->id),
                                  g_strdup (sp_json_get_string_or (change->fields, "question", "")),
                                  sp_json_get_strv (change->fields, "alternatives"),
                                  sp_json_get_strv (change->fields, "keywords"),
                                  sp_json_get_string_or (change->fields, "language", "de")));
    }
  return g_steal_pointer (&entries);
}

/* The part of a DLDB name before its first " - " qualifier. */
static char *
name_head (const char *name)
{
  const char *dash = strstr (name, " - ");

  return g_strstrip (dash ? g_strndup (name, dash - name) : g_strdup (name));
}

GPtrArray *
sp_bot_synthesize (GPtrArray *real,
                   guint      n,
                   guint32    seed)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GPtrArray) quals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) topics = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  g_return_val_if_fail (real != NULL && real->len > 0, NULL);

  /* qualifier pool: every " - " segment after a name's head; topic pool:
   * every topic name, both in catalogue order (deterministic) */
  for (guint i = 0; i < real->len; i++)
    {
      SpBotEntry *entry = g_ptr_array_index (real, i);
      g_auto(GStrv) parts = g_strsplit (entry->title, " - ", -1);

      for (guint k = 1; parts[k] != NULL; k++)
        {
          char *part = g_strstrip (g_strdup (parts[k]));

          if (*part != '\0' && !g_ptr_array_find_with_equal_func (quals, part, g_str_equal, NULL))
            g_ptr_array_add (quals, part);
          else
            g_free (part);
        }
      for (guint k = 0; entry->keywords[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (topics, entry->keywords[k], g_str_equal, NULL))
          g_ptr_array_add (topics, entry->keywords[k]);
      g_hash_table_add (seen, g_strdup (entry->title));
    }
  g_assert (quals->len > 0 && topics->len > 0);

  for (guint i = 0; i < n; i++)
    {
      SpBotEntry *base;
      g_autoptr(GStrvBuilder) kw = NULL;
      g_autofree char *head = NULL;
      char *name = NULL;

      if (i < real->len)
        {
          base = g_ptr_array_index (real, i);
          g_ptr_array_add (entries, entry_new (g_strdup (base->id), g_strdup (base->title),
                                               g_strdupv (base->alternatives),
                                               g_strdupv (base->keywords), base->lang));
          continue;
        }

      base = g_ptr_array_index (real, g_rand_int_range (rand, 0, real->len));
      head = name_head (base->title);
      for (guint attempt = 0; name == NULL; attempt++)
        {
          const char *q1 = g_ptr_array_index (quals, g_rand_int_range (rand, 0, quals->len));
          const char *q2 = g_ptr_array_index (quals, g_rand_int_range (rand, 0, quals->len));
          gboolean two = attempt >= 3 || g_rand_double (rand) < 0.3;
          char *candidate = two && g_strcmp0 (q1, q2) != 0 ?
            g_strdup_printf ("%s - %s - %s", head, q1, q2) :
            g_strdup_printf ("%s - %s", head, q1);

          if (attempt >= 20)
            {
              g_free (candidate);
              candidate = g_strdup_printf ("%s - %s - %s (%u)", head, q1, q2, i);
            }
          if (g_hash_table_contains (seen, candidate))
            g_free (candidate);
          else
            name = candidate;
        }
      g_hash_table_add (seen, g_strdup (name));

      kw = g_strv_builder_new ();
      g_strv_builder_addv (kw, (const char **) base->keywords);
      if (g_rand_double (rand) < 0.5)
        {
          const char *topic = g_ptr_array_index (topics, g_rand_int_range (rand, 0, topics->len));

          if (!g_strv_contains ((const char * const *) base->keywords, topic))
            g_strv_builder_add (kw, topic);
        }
      g_ptr_array_add (entries, entry_new (g_strdup_printf ("9%06u", i), name, NULL,
                                           g_strv_builder_end (kw), "de"));
    }
  return g_steal_pointer (&entries);
}

static gboolean
write_json (JsonBuilder  *builder,
            const char   *dir,
            const char   *file,
            GError      **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  json_generator_set_root (generator, root);
  return json_generator_to_file (generator, path, error);
}

static void
begin_export (JsonBuilder *builder,
              guint        count)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, "2016-01-15T09:40:55+01:00");
  json_builder_set_member_name (builder, "datacount");
  json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "locale");
  json_builder_add_string_value (builder, "de_DE");
  json_builder_set_member_name (builder, "error");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
}

static void
end_export (JsonBuilder *builder)
{
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

gboolean
sp_bot_write_dldb (GPtrArray   *entries,
                   const char  *dir,
                   GError     **error)
{
  g_autoptr(JsonBuilder) services = json_builder_new ();
  g_autoptr(JsonBuilder) topics = json_builder_new ();
  g_autoptr(JsonBuilder) empty = json_builder_new ();
  g_autoptr(GPtrArray) topic_names = g_ptr_array_new ();
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }

  begin_export (services, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      SpBotEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (services);
      set_string (services, "id", entry->id);
      set_string (services, "name", entry->title);
      set_empty_array (services, "authorities");
      set_empty_array (services, "locations");
      json_builder_end_object (services);

      for (guint k = 0; entry->keywords[k] != NULL; k++)
        {
          GPtrArray *list = g_hash_table_lookup (members, entry->keywords[k]);

          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (members, entry->keywords[k], list);
              g_ptr_array_add (topic_names, entry->keywords[k]);
            }
          g_ptr_array_add (list, entry);
        }
    }
  end_export (services);

  begin_export (topics, topic_names->len);
  for (guint i = 0; i < topic_names->len; i++)
    {
      const char *name = g_ptr_array_index (topic_names, i);
      GPtrArray *list = g_hash_table_lookup (members, name);
      g_autofree char *id = g_strdup_printf ("8%05u", i);

      json_builder_begin_object (topics);
      set_string (topics, "id", id);
      set_string (topics, "name", name);
      json_builder_set_member_name (topics, "relation");
      json_builder_begin_object (topics);
      json_builder_set_member_name (topics, "services");
      json_builder_begin_array (topics);
      for (guint k = 0; k < list->len; k++)
        {
          SpBotEntry *entry = g_ptr_array_index (list, k);

          json_builder_begin_object (topics);
          set_string (topics, "id", entry->id);
          set_string (topics, "name", entry->title);
          json_builder_end_object (topics);
        }
      json_builder_end_array (topics);
      set_empty_array (topics, "childs");
      json_builder_end_object (topics);
      json_builder_end_object (topics);
    }
  end_export (topics);

  begin_export (empty, 0);
  end_export (empty);

  return write_json (services, dir, "services_de.json", error) &&
         write_json (topics, dir, "topic_de.json", error) &&
         write_json (empty, dir, "locations_de.json", error) &&
         write_json (empty, dir, "authority_de.json", error);
}

gboolean
sp_bot_write_entries (GPtrArray   *entries,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      SpBotEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (b);
      set_string (b, "id", entry->id);
      set_string (b, "title", entry->title);
      set_strv (b, "alternatives", entry->alternatives);
      set_strv (b, "keywords", entry->keywords);
      set_string (b, "lang", entry->lang);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_file (generator, path, error);
}

SpMatcher *
sp_bot_matcher_new (GPtrArray *entries)
{
  return sp_bot_matcher_new_full (entries, NULL);
}

SpMatcher *
sp_bot_matcher_new_full (GPtrArray *entries,
                         SpLexicon *lexicon)
{
  SpMatcher *matcher = sp_matcher_new (lexicon);

  for (guint i = 0; i < entries->len; i++)
    {
      SpBotEntry *entry = g_ptr_array_index (entries, i);
      SpMatchDoc doc = {
        .id = entry->id,
        .title = entry->title,
        .alternatives = (const char * const *) entry->alternatives,
        .keywords = (const char * const *) entry->keywords,
        .lang = entry->lang,
      };

      sp_matcher_add (matcher, &doc);
    }
  sp_matcher_build (matcher);
  return matcher;
}

GPtrArray *
sp_bot_load_questions (const char  *path,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) questions = g_ptr_array_new_with_free_func (question_free);
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not an array", path);
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const char *q = sp_json_get_string (object, "q");
      const char *kind = sp_json_get_string (object, "kind");
      SpBotQuestion *question;

      if (q == NULL || kind == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: entry %u needs \"q\" and \"kind\"", path, i);
          return NULL;
        }
      question = g_new0 (SpBotQuestion, 1);
      question->q = g_strdup (q);
      question->expect = g_strdup (sp_json_get_string (object, "expect"));
      question->kind = g_strdup (kind);
      question->also = sp_json_get_strv (object, "also");
      g_ptr_array_add (questions, question);
    }
  return g_steal_pointer (&questions);
}

static const char * const kind_names[SP_BOT_N_KINDS] = { "de", "de-typo", "en", "oos" };

const char *
sp_bot_kind_name (SpBotKind kind)
{
  g_return_val_if_fail (kind < SP_BOT_N_KINDS, NULL);
  return kind_names[kind];
}

SpBotKind
sp_bot_question_kind (const SpBotQuestion *question)
{
  if (question->expect == NULL)
    return SP_BOT_KIND_OOS;
  for (guint k = 0; k < SP_BOT_KIND_OOS; k++)
    if (g_strcmp0 (question->kind, kind_names[k]) == 0)
      return k;
  return SP_BOT_KIND_DE;
}

gboolean
sp_bot_question_accepts (const SpBotQuestion *question,
                         const char          *id)
{
  return id != NULL && question->expect != NULL &&
         (g_strcmp0 (question->expect, id) == 0 ||
          g_strv_contains ((const char * const *) question->also, id));
}

void
sp_bot_score (SpMatcher  *matcher,
              GPtrArray  *questions,
              SpBotScore *score,
              GPtrArray  *misses)
{
  double threshold = sp_matcher_threshold ();

  memset (score, 0, sizeof *score);
  for (guint i = 0; i < questions->len; i++)
    {
      SpBotQuestion *question = g_ptr_array_index (questions, i);
      SpBotKind kind = sp_bot_question_kind (question);
      g_autoptr(GArray) matches = sp_matcher_query (matcher, question->q, 5);
      SpMatch *top = matches->len > 0 ? &g_array_index (matches, SpMatch, 0) : NULL;
      gboolean answered = top != NULL && top->confidence >= threshold;
      const char *id = answered ? top->id : NULL;
      gboolean ok;

      score->n++;
      score->kind_n[kind]++;
      if (question->expect == NULL)
        {
          score->n_oos++;
          ok = !answered;
          if (ok)
            score->refused_oos++;
        }
      else
        {
          score->n_in++;
          if (top != NULL && sp_bot_question_accepts (question, top->id))
            score->rank1_ok++;
          if (!answered)
            score->refused_in++;
          if (g_strcmp0 (id, question->expect) == 0)
            score->top1++;
          ok = sp_bot_question_accepts (question, id);
          if (ok)
            score->top1_ok++;
        }
      if (ok)
        score->kind_ok[kind]++;
      else if (misses != NULL)
        g_ptr_array_add (misses,
                         g_strdup_printf ("[%s] %s -> %s (%.2f; expected %s)",
                                          question->kind, question->q,
                                          top ? top->id : "-",
                                          top ? top->confidence : 0.0,
                                          question->expect ? question->expect : "refusal"));
    }
}
