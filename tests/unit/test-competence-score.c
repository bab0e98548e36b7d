/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-competence-score"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-competence-score.h"
#include "sp-error.h"

/* A small catalogue: area 1 with competence 1.1 (a self-rating 0..4 and a
 * single choice worth 4) and 1.2 (a multiple choice: a, b correct with 2
 * points each, c wrong with 1 point, d wrong with 1 point; max 6); area 2
 * with 2.1 (one self-rating) and no questions for 2.2. */
static const char catalogue_json[] =
  "{\"id\":\"t\",\"version\":1,\"title\":\"T\",\"status\":\"published\","
  " \"levels\":[\"a\",\"b\",\"c\",\"d\",\"e\"],"
  " \"areas\":["
  "  {\"code\":\"1\",\"title\":\"Eins\",\"competences\":["
  "   {\"code\":\"1.1\",\"title\":\"Suchen\",\"questions\":["
  "     {\"id\":\"q1\",\"kind\":\"self\",\"text\":\"?\",\"options\":["
  "       {\"id\":\"q1a\",\"label\":\"nie\",\"points\":0},{\"id\":\"q1b\",\"label\":\"etwas\",\"points\":1},"
  "       {\"id\":\"q1c\",\"label\":\"mit Hilfe\",\"points\":2},{\"id\":\"q1d\",\"label\":\"allein\",\"points\":3},"
  "       {\"id\":\"q1e\",\"label\":\"erklären\",\"points\":4}]},"
  "     {\"id\":\"q2\",\"kind\":\"single\",\"text\":\"?\",\"options\":["
  "       {\"id\":\"q2a\",\"label\":\"falsch\",\"points\":0,\"correct\":false},"
  "       {\"id\":\"q2b\",\"label\":\"richtig\",\"points\":4,\"correct\":true}]}],"
  "    \"recommendations\":["
  "     {\"min_level\":1,\"max_level\":2,\"training\":\"tr.basics\",\"note\":\"Grundkurs\"},"
  "     {\"min_level\":3,\"max_level\":4,\"training\":\"tr.advanced\",\"note\":\"\"},"
  "     {\"min_level\":1,\"max_level\":5,\"training\":\"tr.unknown\",\"note\":\"\"}]},"
  "   {\"code\":\"1.2\",\"title\":\"Bewerten\",\"questions\":["
  "     {\"id\":\"q3\",\"kind\":\"multiple\",\"text\":\"?\",\"options\":["
  "       {\"id\":\"q3a\",\"label\":\"a\",\"points\":2,\"correct\":true},"
  "       {\"id\":\"q3b\",\"label\":\"b\",\"points\":2,\"correct\":true},"
  "       {\"id\":\"q3c\",\"label\":\"c\",\"points\":1,\"correct\":false},"
  "       {\"id\":\"q3d\",\"label\":\"d\",\"points\":1,\"correct\":false}]}]}]},"
  "  {\"code\":\"2\",\"title\":\"Zwei\",\"competences\":["
  "   {\"code\":\"2.1\",\"title\":\"Kommunizieren\",\"questions\":["
  "     {\"id\":\"q4\",\"kind\":\"self\",\"text\":\"?\",\"options\":["
  "       {\"id\":\"q4a\",\"label\":\"nie\",\"points\":0},{\"id\":\"q4b\",\"label\":\"immer\",\"points\":4}]}]},"
  "   {\"code\":\"2.2\",\"title\":\"Leer\",\"questions\":[]}]}]}";

static const char training_json[] =
  "[{\"id\":\"tr.basics\",\"title\":\"Grundkurs\",\"kind\":\"course\"},"
  " {\"id\":\"tr.advanced\",\"title\":\"Aufbaukurs\",\"kind\":\"elearning\"}]";

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static GHashTable *
answers_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_strfreev);
}

static void
answer (GHashTable *answers,
        const char *question,
        ...)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  const char *option;
  va_list args;

  va_start (args, question);
  while ((option = va_arg (args, const char *)))
    g_strv_builder_add (b, option);
  va_end (args);
  g_hash_table_insert (answers, (gpointer) question, g_strv_builder_end (b));
}

static JsonObject *
question (JsonNode   *catalogue,
          guint       area,
          guint       competence,
          guint       q)
{
  JsonArray *areas = json_object_get_array_member (json_node_get_object (catalogue), "areas");
  JsonObject *a = json_array_get_object_element (areas, area);
  JsonObject *c = json_array_get_object_element (json_object_get_array_member (a, "competences"), competence);

  return json_array_get_object_element (json_object_get_array_member (c, "questions"), q);
}

static void
test_level_formula (void)
{
  /* 1 + round (4 r) */
  g_assert_cmpint (sp_competence_level_for (0, 8), ==, 1);
  g_assert_cmpint (sp_competence_level_for (1, 8), ==, 2);   /* r = .125 -> 4r = .5 rounds up */
  g_assert_cmpint (sp_competence_level_for (2, 8), ==, 2);
  g_assert_cmpint (sp_competence_level_for (3, 8), ==, 3);   /* 1.5 -> 2 */
  g_assert_cmpint (sp_competence_level_for (4, 8), ==, 3);
  g_assert_cmpint (sp_competence_level_for (7, 8), ==, 5);   /* 3.5 -> 4 */
  g_assert_cmpint (sp_competence_level_for (8, 8), ==, 5);
  g_assert_cmpint (sp_competence_level_for (1, 3), ==, 2);   /* 1.33 -> 1 */
  g_assert_cmpint (sp_competence_level_for (2, 3), ==, 4);   /* 2.67 -> 3 */
  /* Degenerate: nothing to score gives the lowest level, never a crash. */
  g_assert_cmpint (sp_competence_level_for (0, 0), ==, 1);
  g_assert_cmpint (sp_competence_level_for (9, 8), ==, 5);

  g_assert_cmpstr (sp_competence_level_label (1), !=, NULL);
  g_assert_cmpstr (sp_competence_level_label (5), !=, NULL);
  g_assert_null (sp_competence_level_label (0));
  g_assert_null (sp_competence_level_label (6));
}

static void
test_question_kinds (void)
{
  g_autoptr(JsonNode) cat = parse (catalogue_json);
  const char *none[] = { NULL };
  const char *q1d[] = { "q1d", NULL };
  const char *q2a[] = { "q2a", NULL };
  const char *q2b[] = { "q2b", NULL };
  const char *q3ab[] = { "q3a", "q3b", NULL };
  const char *q3ac[] = { "q3a", "q3c", NULL };
  const char *q3all[] = { "q3a", "q3b", "q3c", "q3d", NULL };
  const char *bogus[] = { "nope", NULL };
  int max = -1;

  /* self: points of the chosen option, max = largest. */
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 0, 0), q1d, &max), ==, 3);
  g_assert_cmpint (max, ==, 4);
  /* single: the wrong answer scores its 0, the right one 4. */
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 0, 1), q2a, &max), ==, 0);
  g_assert_cmpint (max, ==, 4);
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 0, 1), q2b, &max), ==, 4);
  /* multiple: correct options count when chosen, wrong ones when not. */
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 1, 0), q3ab, &max), ==, 6);
  g_assert_cmpint (max, ==, 6);
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 1, 0), q3ac, &max), ==, 2 + 1);
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 1, 0), q3all, &max), ==, 4);
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 1, 0), none, &max), ==, 2);
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 1, 0), NULL, &max), ==, 2);
  /* Unknown option ids are ignored. */
  g_assert_cmpint (sp_competence_question_score (question (cat, 0, 0, 0), bogus, &max), ==, 0);
}

static void
test_catalogue_levels (void)
{
  g_autoptr(JsonNode) cat = parse (catalogue_json);
  g_autoptr(GHashTable) answers = answers_new ();
  g_autoptr(SpCompetenceScore) score = NULL;
  g_autoptr(JsonNode) levels = NULL;
  g_autoptr(GError) error = NULL;
  SpCompetenceLevel *l;
  SpCompetenceAreaLevel *area;

  answer (answers, "q1", "q1d", NULL);         /* 3 of 4 */
  answer (answers, "q2", "q2b", NULL);         /* 4 of 4 -> 7/8 -> 4.5 -> 5 */
  answer (answers, "q3", "q3a", "q3c", NULL);  /* 3 of 6 -> 2 + 1 -> 3 */
  answer (answers, "q4", "q4a", NULL);         /* 0 of 4 -> 1 */

  score = sp_competence_score (cat, answers, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (score->competences->len, ==, 4);
  g_assert_cmpuint (score->areas->len, ==, 2);

  l = sp_competence_score_get (score, "1.1");
  g_assert_cmpint (l->score, ==, 7);
  g_assert_cmpint (l->max, ==, 8);
  g_assert_cmpint (l->level, ==, 5);
  g_assert_cmpstr (l->area_code, ==, "1");
  g_assert_cmpint (sp_competence_score_get (score, "1.2")->level, ==, 3);
  g_assert_cmpint (sp_competence_score_get (score, "2.1")->level, ==, 1);
  /* A competence without questions has no level. */
  g_assert_cmpint (sp_competence_score_get (score, "2.2")->level, ==, 0);
  g_assert_null (sp_competence_score_get (score, "9.9"));

  /* Area level: mean of the competence levels, one decimal. */
  area = g_ptr_array_index (score->areas, 0);
  g_assert_cmpstr (area->code, ==, "1");
  g_assert_cmpfloat_with_epsilon (area->level, 4.0, 0.001);
  area = g_ptr_array_index (score->areas, 1);
  g_assert_cmpfloat_with_epsilon (area->level, 1.0, 0.001);
  g_assert_cmpuint (area->n_levels, ==, 1);

  levels = sp_competence_score_levels_json (score);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (levels), "1.1"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (levels), "1.2"), ==, 3);
  g_assert_false (json_object_has_member (json_node_get_object (levels), "2.2"));
}

static void
test_area_mean_rounding (void)
{
  g_autoptr(JsonNode) cat = parse (catalogue_json);
  g_autoptr(GHashTable) answers = answers_new ();
  g_autoptr(SpCompetenceScore) score = NULL;
  SpCompetenceAreaLevel *area;

  answer (answers, "q1", "q1e", NULL);
  answer (answers, "q2", "q2b", NULL);         /* 1.1 -> 5 */
  answer (answers, "q3", "q3c", NULL);         /* 1 of 6 -> 0.67 -> 2 */
  score = sp_competence_score (cat, answers, NULL, NULL);
  area = g_ptr_array_index (score->areas, 0);
  /* (5 + 2) / 2 = 3.5 */
  g_assert_cmpfloat_with_epsilon (area->level, 3.5, 0.001);
}

static void
test_unfinished (void)
{
  g_autoptr(JsonNode) cat = parse (catalogue_json);
  g_autoptr(GHashTable) answers = answers_new ();
  g_autoptr(GHashTable) finished = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SpCompetenceScore) partial = NULL;
  g_autoptr(SpCompetenceScore) done = NULL;
  g_autoptr(SpCompetenceScore) all_done = NULL;
  SpCompetenceLevel *l;

  /* Only the first question of 1.1 answered, full marks. */
  answer (answers, "q1", "q1e", NULL);

  /* While 1.1 is not finished, its unanswered question does not count. */
  partial = sp_competence_score (cat, answers, finished, NULL);
  l = sp_competence_score_get (partial, "1.1");
  g_assert_cmpint (l->max, ==, 4);
  g_assert_cmpint (l->level, ==, 5);
  g_assert_cmpuint (l->n_answered, ==, 1);
  g_assert_cmpuint (l->n_questions, ==, 2);
  /* Competences not started have no level yet. */
  g_assert_cmpint (sp_competence_score_get (partial, "1.2")->level, ==, 0);
  g_assert_cmpint (sp_competence_score_get (partial, "2.1")->level, ==, 0);

  /* Finished: the unanswered question counts as 0 of 4 -> 4/8 -> 3. */
  g_hash_table_add (finished, (gpointer) "1.1");
  done = sp_competence_score (cat, answers, finished, NULL);
  l = sp_competence_score_get (done, "1.1");
  g_assert_cmpint (l->max, ==, 8);
  g_assert_cmpint (l->level, ==, 3);
  g_assert_cmpint (sp_competence_score_get (done, "2.1")->level, ==, 0);

  /* Everything finished: skipped competences score the lowest level. */
  all_done = sp_competence_score (cat, answers, NULL, NULL);
  g_assert_cmpint (sp_competence_score_get (all_done, "2.1")->level, ==, 1);
  /* multiple choice skipped entirely: 0 of 6, not the 2 an empty answer gets */
  g_assert_cmpint (sp_competence_score_get (all_done, "1.2")->score, ==, 0);
  g_assert_cmpint (sp_competence_score_get (all_done, "1.2")->level, ==, 1);
}

static void
test_recommendations (void)
{
  g_autoptr(JsonNode) cat = parse (catalogue_json);
  g_autoptr(JsonNode) training = parse (training_json);
  g_autoptr(GHashTable) answers = answers_new ();
  g_autoptr(SpCompetenceScore) score = NULL;
  g_autoptr(GPtrArray) recs = NULL;
  SpCompetenceRecommendation *rec;

  /* 1.1 at level 2: 2 of 8 -> 2 */
  answer (answers, "q1", "q1c", NULL);
  answer (answers, "q2", "q2a", NULL);
  score = sp_competence_score (cat, answers, NULL, NULL);
  g_assert_cmpint (sp_competence_score_get (score, "1.1")->level, ==, 2);

  recs = sp_competence_recommend (cat, score, training);
  /* [1,2] and [1,5] match level 2, [3,4] does not; other competences have
   * no rules. */
  g_assert_cmpuint (recs->len, ==, 2);
  rec = g_ptr_array_index (recs, 0);
  g_assert_cmpstr (rec->competence_code, ==, "1.1");
  g_assert_cmpstr (rec->training_id, ==, "tr.basics");
  g_assert_cmpstr (rec->note, ==, "Grundkurs");
  g_assert_cmpint (rec->level, ==, 2);
  g_assert_nonnull (rec->training);
  g_assert_cmpstr (json_object_get_string_member (rec->training, "title"), ==, "Grundkurs");
  rec = g_ptr_array_index (recs, 1);
  g_assert_cmpstr (rec->training_id, ==, "tr.unknown");
  /* Unknown training ids stay, unresolved. */
  g_assert_null (rec->training);
  g_clear_pointer (&recs, g_ptr_array_unref);
  g_clear_pointer (&score, sp_competence_score_free);

  /* Level 4 -> the advanced course instead. */
  g_hash_table_remove_all (answers);
  answer (answers, "q1", "q1d", NULL);
  answer (answers, "q2", "q2b", NULL);     /* 7/8 -> 5: only [1,5] */
  score = sp_competence_score (cat, answers, NULL, NULL);
  recs = sp_competence_recommend (cat, score, NULL);
  g_assert_cmpuint (recs->len, ==, 1);
  g_assert_cmpstr (((SpCompetenceRecommendation *) g_ptr_array_index (recs, 0))->training_id, ==, "tr.unknown");
  g_clear_pointer (&recs, g_ptr_array_unref);
  g_clear_pointer (&score, sp_competence_score_free);

  g_hash_table_remove_all (answers);
  answer (answers, "q1", "q1c", NULL);
  answer (answers, "q2", "q2b", NULL);     /* 6/8 -> 4 */
  score = sp_competence_score (cat, answers, NULL, NULL);
  recs = sp_competence_recommend (cat, score, training);
  g_assert_cmpuint (recs->len, ==, 2);
  g_assert_cmpstr (((SpCompetenceRecommendation *) g_ptr_array_index (recs, 0))->training_id, ==, "tr.advanced");
}

static void
test_not_a_catalogue (void)
{
  g_autoptr(JsonNode) node = parse ("[1,2]");
  g_autoptr(GError) error = NULL;
  SpCompetenceScore *score;

  score = sp_competence_score (node, NULL, NULL, &error);
  g_assert_null (score);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/competence/score/level-formula", test_level_formula);
  g_test_add_func ("/competence/score/question-kinds", test_question_kinds);
  g_test_add_func ("/competence/score/catalogue-levels", test_catalogue_levels);
  g_test_add_func ("/competence/score/area-mean", test_area_mean_rounding);
  g_test_add_func ("/competence/score/unfinished", test_unfinished);
  g_test_add_func ("/competence/score/recommendations", test_recommendations);
  g_test_add_func ("/competence/score/not-a-catalogue", test_not_a_catalogue);

  return g_test_run ();
}
