/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-competence-score-parity"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sp-change.h"
#include "sp-competence-score.h"

/* The desktop (C) and the /selfcheck/ web page (JavaScript) must score
 * alike: random answer sets on the default catalogue, some runs only
 * partly finished, scored by both; levels, area means and recommendations
 * must be identical. Skipped without node. */

#define N_RUNS 60

static const char node_script[] =
  "const [score, input] = process.argv.slice(2);\n"
  "const m = await import(score);\n"
  "const fs = await import('node:fs');\n"
  "const data = JSON.parse(fs.readFileSync(input, 'utf8'));\n"
  "const out = data.runs.map((run) => {\n"
  "  const s = m.scoreCatalogue(data.catalogue, run.answers, run.finished === null ? null : new Set(run.finished));\n"
  "  return { levels: s.competences.map((c) => [c.code, c.level, c.score, c.max]),\n"
  "           areas: s.areas.map((a) => [a.code, a.level]),\n"
  "           recs: m.recommend(data.catalogue, s, []).map((r) => r.competence_code + ':' + r.training_id) };\n"
  "});\n"
  "process.stdout.write(JSON.stringify(out));\n";

static char *
read_source (const char *rel)
{
  g_autofree char *path = g_build_filename (g_getenv ("SP_SOURCE_ROOT") ? g_getenv ("SP_SOURCE_ROOT") : ".",
                                            rel, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
test_parity (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *catalogue_text = read_source ("data/competence/digcomp-de.json");
  g_autofree char *score_js = g_build_filename (g_getenv ("SP_SOURCE_ROOT") ? g_getenv ("SP_SOURCE_ROOT") : ".",
                                                "sync-server", "public", "selfcheck", "score.js", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *input = NULL;
  g_autofree char *script = NULL;
  g_autofree char *score_url = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(JsonNode) catalogue = NULL;
  g_autoptr(JsonNode) js = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *answer_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  GPtrArray *finished_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  JsonArray *areas;
  guint compared = 0;

  if (node == NULL || catalogue_text == NULL || !g_file_test (score_js, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("needs node, the default catalogue and selfcheck/score.js");
      goto out;
    }

  catalogue = sp_json_parse (catalogue_text, -1, &error);
  g_assert_no_error (error);
  areas = json_object_get_array_member (json_node_get_object (catalogue), "areas");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "catalogue");
  json_builder_add_value (b, json_node_copy (catalogue));
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint run = 0; run < N_RUNS; run++)
    {
      GHashTable *answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
      GHashTable *finished = run % 3 == 0 ? NULL : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "answers");
      json_builder_begin_object (b);
      for (guint a = 0; a < json_array_get_length (areas); a++)
        {
          JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, a), "competences");

          for (guint c = 0; c < json_array_get_length (comps); c++)
            {
              JsonObject *comp = json_array_get_object_element (comps, c);
              JsonArray *qs = json_object_get_array_member (comp, "questions");

              if (finished != NULL && g_rand_int_range (rand, 0, 2) == 0)
                g_hash_table_add (finished, g_strdup (json_object_get_string_member (comp, "code")));
              for (guint q = 0; q < json_array_get_length (qs); q++)
                {
                  JsonObject *qo = json_array_get_object_element (qs, q);
                  JsonArray *opts = json_object_get_array_member (qo, "options");
                  gboolean multiple = g_strcmp0 (json_object_get_string_member (qo, "kind"), "multiple") == 0;
                  g_autoptr(GStrvBuilder) chosen = g_strv_builder_new ();
                  const char *qid = json_object_get_string_member (qo, "id");

                  /* about a quarter unanswered */
                  if (g_rand_int_range (rand, 0, 4) == 0)
                    continue;
                  json_builder_set_member_name (b, qid);
                  json_builder_begin_array (b);
                  for (guint o = 0; o < json_array_get_length (opts); o++)
                    {
                      const char *oid = json_object_get_string_member (json_array_get_object_element (opts, o), "id");
                      gboolean pick = multiple ? g_rand_boolean (rand)
                                               : o == (guint) g_rand_int_range (rand, 0, (gint32) json_array_get_length (opts));

                      if (pick)
                        {
                          json_builder_add_string_value (b, oid);
                          g_strv_builder_add (chosen, oid);
                          if (!multiple)
                            break;
                        }
                    }
                  json_builder_end_array (b);
                  g_hash_table_insert (answers, g_strdup (qid), g_strv_builder_end (chosen));
                }
            }
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "finished");
      if (finished == NULL)
        json_builder_add_null_value (b);
      else
        {
          GHashTableIter iter;
          gpointer key;

          json_builder_begin_array (b);
          g_hash_table_iter_init (&iter, finished);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            json_builder_add_string_value (b, key);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
      g_ptr_array_add (answer_sets, answers);
      g_ptr_array_add (finished_sets, finished ? finished : g_hash_table_new (g_str_hash, g_str_equal));
      if (finished == NULL)
        {
          /* marker: NULL means "all finished" */
          g_hash_table_insert (g_ptr_array_index (finished_sets, run), (gpointer) "\x01all", (gpointer) "\x01all");
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);

  dir = g_dir_make_tmp ("sp-parity-XXXXXX", &error);
  g_assert_no_error (error);
  input = g_build_filename (dir, "input.json", NULL);
  script = g_build_filename (dir, "score.mjs", NULL);
  {
    g_autofree char *text = json_to_string (doc, FALSE);

    g_assert_true (g_file_set_contents (input, text, -1, NULL));
    g_assert_true (g_file_set_contents (script, node_script, -1, NULL));
  }
  score_url = g_filename_to_uri (score_js, NULL, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           node, script, score_url, input, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("node failed: %s", stderr_text);
  js = sp_json_parse (stdout_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (js)), ==, N_RUNS);

  for (guint run = 0; run < N_RUNS; run++)
    {
      GHashTable *finished = g_ptr_array_index (finished_sets, run);
      gboolean all = g_hash_table_contains (finished, "\x01all");
      g_autoptr(SpCompetenceScore) score = sp_competence_score (catalogue, g_ptr_array_index (answer_sets, run),
                                                                all ? NULL : finished, &error);
      g_autoptr(GPtrArray) recs = NULL;
      JsonObject *expected = json_array_get_object_element (json_node_get_array (js), run);
      JsonArray *levels = json_object_get_array_member (expected, "levels");
      JsonArray *js_areas = json_object_get_array_member (expected, "areas");
      JsonArray *js_recs = json_object_get_array_member (expected, "recs");

      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (levels), ==, score->competences->len);
      for (guint i = 0; i < score->competences->len; i++)
        {
          SpCompetenceLevel *l = g_ptr_array_index (score->competences, i);
          JsonArray *e = json_array_get_array_element (levels, i);

          g_assert_cmpstr (l->code, ==, json_array_get_string_element (e, 0));
          if (l->level != json_array_get_int_element (e, 1) || l->score != json_array_get_int_element (e, 2) ||
              l->max != json_array_get_int_element (e, 3))
            g_error ("run %u, %s: C level %d (%d/%d), JS level %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")",
                     run, l->code, l->level, l->score, l->max, json_array_get_int_element (e, 1),
                     json_array_get_int_element (e, 2), json_array_get_int_element (e, 3));
          compared++;
        }
      for (guint i = 0; i < score->areas->len; i++)
        {
          SpCompetenceAreaLevel *a = g_ptr_array_index (score->areas, i);
          JsonArray *e = json_array_get_array_element (js_areas, i);

          g_assert_cmpstr (a->code, ==, json_array_get_string_element (e, 0));
          g_assert_cmpfloat_with_epsilon (a->level, json_array_get_double_element (e, 1), 1e-9);
        }
      recs = sp_competence_recommend (catalogue, score, NULL);
      g_assert_cmpuint (recs->len, ==, json_array_get_length (js_recs));
      for (guint i = 0; i < recs->len; i++)
        {
          SpCompetenceRecommendation *r = g_ptr_array_index (recs, i);
          g_autofree char *key = g_strconcat (r->competence_code, ":", r->training_id, NULL);

          g_assert_cmpstr (key, ==, json_array_get_string_element (js_recs, i));
        }
    }
  g_test_message ("%u competence results compared", compared);

  g_unlink (input);
  g_unlink (script);
  g_rmdir (dir);

out:
  g_ptr_array_unref (answer_sets);
  g_ptr_array_unref (finished_sets);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/competence/score/parity-with-web", test_parity);

  return g_test_run ();
}
