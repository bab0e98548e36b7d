/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-competence-catalogue"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sp-change.h"
#include "sp-competence-catalogue.h"
#include "sp-competence-score.h"
#include "sp-error.h"
#include "sp-frozen.h"
#include "sp-local-store.h"

/* Catalogue JSON <-> registry rows: deterministic ids, a lossless round
 * trip through a client database, new versions as drafts, and validation
 * errors that say what is wrong where. */

static const char small_json[] =
  "{\"id\":\"mini\",\"version\":3,\"title\":\"Mini\",\"description\":\"Kurz\",\"status\":\"published\","
  " \"levels\":[\"Grundlagen fehlen\",\"Grundkenntnisse\",\"selbstständige Anwendung\","
  "            \"sicher und vertieft\",\"kann andere anleiten\"],"
  " \"areas\":["
  "  {\"code\":\"1\",\"title\":\"Informationen\",\"competences\":["
  "   {\"code\":\"1.1\",\"title\":\"Suchen\",\"description\":\"Recherche\",\"questions\":["
  "     {\"id\":\"x\",\"kind\":\"self\",\"text\":\"Ich suche gut.\",\"options\":["
  "       {\"id\":\"x1\",\"label\":\"kann ich nicht\",\"points\":0,\"correct\":false},"
  "       {\"id\":\"x2\",\"label\":\"kann ich anderen erklären\",\"points\":4,\"correct\":false}]},"
  "     {\"id\":\"y\",\"kind\":\"multiple\",\"text\":\"Was stimmt?\",\"options\":["
  "       {\"id\":\"y1\",\"label\":\"A\",\"points\":2,\"correct\":true},"
  "       {\"id\":\"y2\",\"label\":\"B\",\"points\":1,\"correct\":false}]}],"
  "    \"recommendations\":[{\"min_level\":1,\"max_level\":3,\"training\":\"training.x\",\"note\":\"Tipp\"}]},"
  "   {\"code\":\"1.2\",\"title\":\"Bewerten\",\"description\":\"\",\"questions\":[],\"recommendations\":[]}]},"
  "  {\"code\":\"6\",\"title\":\"Prozesse\",\"competences\":["
  "   {\"code\":\"6.1\",\"title\":\"Modelle lesen\",\"description\":\"BPMN\",\"questions\":["
  "     {\"id\":\"z\",\"kind\":\"single\",\"text\":\"Was ist ein Gateway?\",\"options\":["
  "       {\"id\":\"z1\",\"label\":\"Verzweigung\",\"points\":4,\"correct\":true},"
  "       {\"id\":\"z2\",\"label\":\"Drucker\",\"points\":0,\"correct\":false}]}],"
  "    \"recommendations\":[]}]}]}";

typedef struct {
  char         *dir;
  SpLocalStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("sp-cat-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "client.db", NULL);
  f->store = sp_local_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* The document with question and option ids dropped (they become row ids). */
static char *
canonical (JsonNode *catalogue,
           gboolean  drop_ids)
{
  /* json_node_copy () shares objects: copy through text. */
  g_autofree char *text = json_to_string (catalogue, FALSE);
  g_autoptr(JsonNode) copy = json_from_string (text, NULL);
  JsonArray *areas = json_object_get_array_member (json_node_get_object (copy), "areas");

  for (guint a = 0; drop_ids && a < json_array_get_length (areas); a++)
    {
      JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, a), "competences");

      for (guint c = 0; c < json_array_get_length (comps); c++)
        {
          JsonArray *qs = json_object_get_array_member (json_array_get_object_element (comps, c), "questions");

          for (guint q = 0; q < json_array_get_length (qs); q++)
            {
              JsonObject *qo = json_array_get_object_element (qs, q);
              JsonArray *os = json_object_get_array_member (qo, "options");

              json_object_remove_member (qo, "id");
              for (guint o = 0; o < json_array_get_length (os); o++)
                json_object_remove_member (json_array_get_object_element (os, o), "id");
            }
        }
    }
  return json_to_string (copy, FALSE);
}

static void
test_deterministic_ids (void)
{
  g_autoptr(JsonNode) doc = parse (small_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  SpChange *first;

  changes = sp_competence_catalogue_to_changes (doc, NULL, &error);
  g_assert_no_error (error);
  /* 1 catalogue, 2 areas, 3 competences, 3 questions, 6 options, 1 rule */
  g_assert_cmpuint (changes->len, ==, 16);

  /* the catalogue row comes last: once published it freezes its parts */
  first = g_ptr_array_index (changes, changes->len - 1);
  g_assert_cmpstr (first->entity, ==, SP_ENTITY_COMPETENCE_CATALOGUE);
  g_assert_cmpstr (first->id, ==, "mini.3");
  g_assert_cmpstr (json_object_get_string_member (first->fields, "key"), ==, "mini");
  g_assert_cmpint (json_object_get_int_member (first->fields, "revision"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (first->fields, "status"), ==, "published");
  g_assert_null (first->change_id);
  g_assert_null (first->hlc);

  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *c = g_ptr_array_index (changes, i);

      g_assert_true (sp_id_is_valid (c->id));
      g_assert_false (g_hash_table_contains (ids, c->id));
      g_hash_table_add (ids, c->id);
    }
  g_assert_true (g_hash_table_contains (ids, "mini.3.a.6"));
  g_assert_true (g_hash_table_contains (ids, "mini.3.c.1.1"));
  g_assert_true (g_hash_table_contains (ids, "mini.3.q.1.1.2"));
  g_assert_true (g_hash_table_contains (ids, "mini.3.q.1.1.2.o.2"));
  g_assert_true (g_hash_table_contains (ids, "mini.3.r.1.1.1"));

  /* The same document always gives the same rows. */
  again = sp_competence_catalogue_to_changes (doc, "draft", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, changes->len);
  for (guint i = 0; i < changes->len; i++)
    g_assert_cmpstr (((SpChange *) g_ptr_array_index (again, i))->id, ==,
                     ((SpChange *) g_ptr_array_index (changes, i))->id);
  g_assert_cmpstr (json_object_get_string_member (((SpChange *) g_ptr_array_index (again, again->len - 1))->fields, "status"),
                   ==, "draft");
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) doc = parse (small_json);
  g_autoptr(JsonNode) exported = NULL;
  g_autoptr(JsonNode) twice = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  JsonObject *q;

  id = sp_competence_catalogue_save_local (f->store, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "mini.3");
  /* Local edits: they go to the server with the next sync. */
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 16);

  exported = sp_competence_catalogue_export_local (f->store, id, &error);
  g_assert_no_error (error);
  a = canonical (doc, TRUE);
  b = canonical (exported, TRUE);
  g_assert_cmpstr (a, ==, b);

  /* Exports name questions and options by row id. */
  q = json_array_get_object_element (
        json_object_get_array_member (
          json_array_get_object_element (
            json_object_get_array_member (
              json_array_get_object_element (
                json_object_get_array_member (json_node_get_object (exported), "areas"), 0),
              "competences"), 0),
          "questions"), 1);
  g_assert_cmpstr (json_object_get_string_member (q, "id"), ==, "mini.3.q.1.1.2");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (q, "options"), 0), "id"),
                   ==, "mini.3.q.1.1.2.o.1");

  /* Re-importing the export changes nothing (same ids, same values). */
  id2 = sp_competence_catalogue_save_local (f->store, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id2, ==, id);
  twice = sp_competence_catalogue_export_local (f->store, id, &error);
  g_assert_no_error (error);
  c = canonical (exported, FALSE);
  d = canonical (twice, FALSE);
  g_assert_cmpstr (c, ==, d);

  /* The exported catalogue scores like the original. */
  {
    g_autoptr(GHashTable) answers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_strfreev);
    g_autoptr(SpCompetenceScore) score = NULL;
    char *picked[] = { "mini.3.q.1.1.1.o.2", NULL };

    char *nothing[] = { NULL };

    g_hash_table_insert (answers, (gpointer) "mini.3.q.1.1.1", g_strdupv (picked));
    score = sp_competence_score (exported, answers, NULL, &error);
    g_assert_no_error (error);
    /* 4 of 4, the skipped multiple choice 0 of 3: 4/7 -> 1 + round (2.29) = 3 */
    g_assert_cmpint (sp_competence_score_get (score, "1.1")->level, ==, 3);
    g_clear_pointer (&score, sp_competence_score_free);
    /* answered with nothing ticked: B (wrong) not chosen scores 1:
     * 5/7 -> 1 + round (2.86) = 4 */
    g_hash_table_insert (answers, (gpointer) "mini.3.q.1.1.2", g_strdupv (nothing));
    score = sp_competence_score (exported, answers, NULL, &error);
    g_assert_cmpint (sp_competence_score_get (score, "1.1")->level, ==, 4);
    g_assert_cmpint (sp_competence_score_get (score, "6.1")->level, ==, 1);
  }

  /* A published catalogue is frozen on this device too: deleting one of
   * its questions is refused and queues nothing. */
  {
    guint pending = sp_local_store_outbox_count (f->store);

    g_assert_false (sp_local_store_delete (f->store, SP_ENTITY_COMPETENCE_QUESTION,
                                           "mini.3.q.1.1.2", &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FROZEN);
    g_clear_error (&error);
    g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, pending);
  }
  g_clear_pointer (&twice, json_node_unref);
  twice = sp_competence_catalogue_export_local (f->store, id, &error);
  g_assert_no_error (error);
  q = json_array_get_object_element (
        json_object_get_array_member (json_node_get_object (twice), "areas"), 0);
  g_assert_cmpuint (json_array_get_length (
                      json_object_get_array_member (
                        json_array_get_object_element (json_object_get_array_member (q, "competences"), 0),
                        "questions")), ==, 2);
}

static void
test_new_revision (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) doc = parse (small_json);
  g_autoptr(JsonNode) v4 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *next = NULL;
  g_autofree char *next2 = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_auto(GStrv) published = NULL;

  id = sp_competence_catalogue_save_local (f->store, doc, &error);
  g_assert_no_error (error);
  next = sp_competence_catalogue_new_revision (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next, ==, "mini.4");

  v4 = sp_competence_catalogue_export_local (f->store, next, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (v4), "version"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (v4), "status"), ==, "draft");
  /* Same content otherwise. */
  json_object_set_int_member (json_node_get_object (v4), "version", 3);
  json_object_set_string_member (json_node_get_object (v4), "status", "published");
  a = canonical (doc, TRUE);
  b = canonical (v4, TRUE);
  g_assert_cmpstr (a, ==, b);

  /* Only published revisions are listed: still version 3. */
  published = sp_competence_catalogue_list_published (sp_local_store_get_db (f->store), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (published), ==, 1);
  g_assert_cmpstr (published[0], ==, "mini.3");

  /* A new version of the draft goes to 5, not 4 again. */
  next2 = sp_competence_catalogue_new_revision (f->store, next, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next2, ==, "mini.5");

  /* Publishing 4 makes it the listed one. */
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autofree char *saved = NULL;
    g_auto(GStrv) again = NULL;

    json_object_set_string_member (fields, "status", "published");
    saved = sp_local_store_save (f->store, SP_ENTITY_COMPETENCE_CATALOGUE, next, fields, &error);
    g_assert_no_error (error);
    again = sp_competence_catalogue_list_published (sp_local_store_get_db (f->store), &error);
    g_assert_cmpstr (again[0], ==, "mini.4");
  }
}

/* A client refuses edits of a published version before they reach the
 * outbox (the server would refuse them with "frozen"). */
static void
test_frozen_locally (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) doc = parse (small_json);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *next = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) attach = json_object_new ();
  SpDb *db = sp_local_store_get_db (f->store);
  const SpEntity *question = sp_entity_lookup (SP_ENTITY_COMPETENCE_QUESTION);
  const SpEntity *option = sp_entity_lookup (SP_ENTITY_COMPETENCE_OPTION);
  const SpEntity *catalogue = sp_entity_lookup (SP_ENTITY_COMPETENCE_CATALOGUE);

  id = sp_competence_catalogue_save_local (f->store, doc, &error);
  g_assert_no_error (error);

  json_object_set_string_member (fields, "text", "Neu");
  g_assert_true (sp_db_row_is_frozen (db, catalogue, "mini.3"));
  g_assert_true (sp_db_row_is_frozen (db, option, "mini.3.q.1.1.2.o.1"));
  g_assert_false (sp_db_check_frozen (db, question, "mini.3.q.1.1.1", fields, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_FROZEN);
  g_clear_error (&error);
  g_assert_false (sp_db_check_frozen (db, option, "mini.3.q.1.1.1.o.1", NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_FROZEN);
  g_clear_error (&error);
  /* a new question attached to the published version */
  json_object_set_string_member (attach, "catalogue_id", "mini.3");
  g_assert_false (sp_db_check_frozen (db, question, "brand-new", attach, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_FROZEN);
  g_clear_error (&error);

  /* the new version is a draft: editable */
  next = sp_competence_catalogue_new_revision (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (sp_db_row_is_frozen (db, catalogue, next));
  g_assert_true (sp_db_check_frozen (db, question, "mini.4.q.1.1.1", fields, &error));
  g_assert_no_error (error);
  json_object_set_string_member (attach, "catalogue_id", "mini.4");
  g_assert_true (sp_db_check_frozen (db, question, "brand-new", attach, &error));
  /* other entities are never frozen */
  g_assert_true (sp_db_check_frozen (db, sp_entity_lookup ("service"), "x", fields, &error));
  g_assert_no_error (error);
}

static void
test_export_missing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = sp_competence_catalogue_export_local (f->store, "nope.1", &error);

  g_assert_null (node);
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
}

/* Replaces @from by @to once in the small catalogue and validates. */
static void
assert_invalid (const char *from,
                const char *to,
                const char *message_part)
{
  g_autoptr(GString) text = g_string_new (small_json);
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  g_assert_cmpint (g_string_replace (text, from, to, 1), ==, 1);
  doc = parse (text->str);
  g_assert_false (sp_competence_catalogue_validate (doc, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
  g_clear_error (&error);
  changes = sp_competence_catalogue_to_changes (doc, NULL, &error);
  g_assert_null (changes);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
}

static void
test_validation (void)
{
  g_autoptr(JsonNode) doc = parse (small_json);
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_competence_catalogue_validate (doc, &error));
  g_assert_no_error (error);

  /* duplicate codes */
  assert_invalid ("\"code\":\"1.2\"", "\"code\":\"1.1\"", "duplicate competence code");
  assert_invalid ("\"code\":\"6\"", "\"code\":\"1\"", "duplicate area code");
}

static void
test_validation_cases (void)
{
  /* question without options */
  assert_invalid ("\"text\":\"Was ist ein Gateway?\",\"options\":[",
                  "\"text\":\"Was ist ein Gateway?\",\"options\":[],\"x\":[", "answer options");
  /* a choice with one option */
  assert_invalid ("{\"id\":\"z2\",\"label\":\"Drucker\",\"points\":0,\"correct\":false}",
                  "{\"id\":\"z2\",\"label\":\"\",\"points\":0,\"correct\":false}", "label");
  assert_invalid ("\"correct\":true},       {\"id\":\"z2\",\"label\":\"Drucker\",\"points\":0,\"correct\":false}",
                  "\"correct\":true}", "at least two");
  /* levels range */
  assert_invalid ("\"min_level\":1,\"max_level\":3", "\"min_level\":0,\"max_level\":3", "between 1 and 5");
  assert_invalid ("\"min_level\":1,\"max_level\":3", "\"min_level\":4,\"max_level\":3", "greater");
  assert_invalid ("\"min_level\":1,\"max_level\":3", "\"min_level\":1,\"max_level\":6", "between 1 and 5");
  /* points range */
  assert_invalid ("\"label\":\"A\",\"points\":2", "\"label\":\"A\",\"points\":5", "between 0 and 4");
  assert_invalid ("\"label\":\"A\",\"points\":2", "\"label\":\"A\",\"points\":-1", "between 0 and 4");
  /* five level labels */
  assert_invalid ("\"sicher und vertieft\",", "", "5 level labels");
  /* kind */
  assert_invalid ("\"kind\":\"multiple\"", "\"kind\":\"essay\"", "kind");
  /* key and version */
  assert_invalid ("\"id\":\"mini\"", "\"id\":\"Mini Katalog\"", "id");
  assert_invalid ("\"version\":3", "\"version\":0", "version");
  assert_invalid ("\"version\":3", "\"version\":\"3\"", "version");
  /* the place is named */
  assert_invalid ("\"code\":\"6.1\"", "\"code\":\"1.1\"", "areas[1].competences[0]");
  assert_invalid ("\"training\":\"training.x\"", "\"training\":\"\"", "training");
}

static void
test_default_catalogue (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SP_SOURCE_ROOT") ? g_getenv ("SP_SOURCE_ROOT") : ".",
                                            "data", "competence", "digcomp-de.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint n_competences = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_test_skip ("no data/competence/digcomp-de.json");
      return;
    }
  doc = sp_json_parse (text, -1, &error);
  g_assert_no_error (error);
  changes = sp_competence_catalogue_to_changes (doc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SpChange *) g_ptr_array_index (changes, changes->len - 1))->id, ==, "digcomp.1");
  for (guint i = 0; i < changes->len; i++)
    if (g_strcmp0 (((SpChange *) g_ptr_array_index (changes, i))->entity, SP_ENTITY_COMPETENCE) == 0)
      n_competences++;
  /* 21 DigComp competences plus the process-analysis area */
  g_assert_cmpuint (n_competences, >, 21);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/competence/catalogue/deterministic-ids", test_deterministic_ids);
  g_test_add ("/competence/catalogue/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/competence/catalogue/new-revision", Fixture, NULL, fixture_setup, test_new_revision, fixture_teardown);
  g_test_add ("/competence/catalogue/frozen-locally", Fixture, NULL, fixture_setup, test_frozen_locally, fixture_teardown);
  g_test_add ("/competence/catalogue/export-missing", Fixture, NULL, fixture_setup, test_export_missing, fixture_teardown);
  g_test_add_func ("/competence/catalogue/validation", test_validation);
  g_test_add_func ("/competence/catalogue/validation-cases", test_validation_cases);
  g_test_add_func ("/competence/catalogue/default-file", test_default_catalogue);

  return g_test_run ();
}
