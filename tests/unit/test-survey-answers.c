/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-survey-answers"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-survey.h"

#include "sp-error.h"
#include "test-survey-fixture.h"

/* The survey definition (de/en, order, default codes, conditions) and the
 * validation of answers per question type: what the citizen page and the
 * desktop preview show as "please correct" and what the server refuses. */

static JsonObject *
def_object (JsonNode *node)
{
  return json_node_get_object (node);
}

static JsonObject *
question_at (JsonObject *def,
             guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (def, "questions"), i);
}

static void
test_build_german (void)
{
  g_autoptr(JsonNode) node = survey_fixture_build ("de");
  JsonObject *def = def_object (node);
  JsonArray *questions = json_object_get_array_member (def, "questions");
  JsonObject *q1 = question_at (def, 0);
  JsonArray *options;

  g_assert_cmpstr (json_object_get_string_member (def, "id"), ==, "s1");
  g_assert_cmpstr (json_object_get_string_member (def, "title"), ==, "Umfrage");
  g_assert_cmpstr (json_object_get_string_member (def, "lang"), ==, "de");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (def, "languages")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (def, "pages"), ==, 2);
  /* The question of another survey is not part of it. */
  g_assert_cmpint (json_array_get_length (questions), ==, 10);

  g_assert_cmpstr (json_object_get_string_member (q1, "id"), ==, "q1");
  g_assert_true (json_object_get_boolean_member (q1, "required"));
  g_assert_true (json_object_get_null_member (q1, "condition"));
  options = json_object_get_array_member (q1, "options");
  /* By position, whatever the row order. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 0), "id"), ==, "o1a");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 0), "label"), ==, "Oft");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (q1, "rows")), ==, 0);

  /* Condition as an object; rating's default scale; default codes. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (question_at (def, 4), "condition"),
                                                  "question"), ==, "q4");
  g_assert_cmpint (json_object_get_int_member (question_at (def, 7), "max"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (question_at (def, 9), "code"), ==, "Q10");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (question_at (def, 9), "options"), 2), "code"), ==, "A3");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (question_at (def, 8), "rows"), 1), "code"), ==, "SQ002");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (question_at (def, 8), "options")), ==, 2);
}

static void
test_build_english_fallback (void)
{
  g_autoptr(JsonNode) node = survey_fixture_build ("en");
  JsonObject *def = def_object (node);

  g_assert_cmpstr (json_object_get_string_member (def, "lang"), ==, "en");
  g_assert_cmpstr (json_object_get_string_member (def, "title"), ==, "Survey");
  /* intro_en is empty: German. */
  g_assert_cmpstr (json_object_get_string_member (def, "intro"), ==, "Hallo");
  g_assert_cmpstr (json_object_get_string_member (question_at (def, 0), "text"), ==, "How often?");
  g_assert_cmpstr (json_object_get_string_member (question_at (def, 1), "text"), ==, "Gerät");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (question_at (def, 1), "options"), 0), "label"), ==, "Handy");
}

static void
test_build_german_only (void)
{
  g_autoptr(JsonObject) survey = json_object_new ();
  g_autoptr(JsonArray) none = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *def;

  json_object_set_string_member (survey, "id", "s2");
  json_object_set_string_member (survey, "title", "Nur Deutsch");
  node = sp_survey_build (survey, none, none, "en");
  def = def_object (node);
  g_assert_cmpstr (json_object_get_string_member (def, "lang"), ==, "de");
  g_assert_cmpstr (json_object_get_string_member (def, "title"), ==, "Nur Deutsch");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (def, "languages")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (def, "status"), ==, "draft");
  g_assert_cmpint (json_object_get_int_member (def, "pages"), ==, 1);
}

/* Checks @answers_json; expects success or the failing question. */
static JsonObject *
check (const char *answers_json,
       const char *bad_question)
{
  g_autoptr(JsonNode) def = survey_fixture_build ("de");
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  JsonNode *answers = json_from_string (answers_json, &error);
  gboolean ok;

  g_assert_no_error (error);
  ok = sp_survey_check_answers (def_object (def), json_node_get_object (answers), &question, &error);
  if (bad_question == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_null (question);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
      g_assert_cmpstr (question, ==, bad_question);
      g_test_message ("%s: %s", question, error->message);
    }
  {
    JsonObject *o = json_object_ref (json_node_get_object (answers));

    json_node_unref (answers);
    return o;
  }
}

/* @good_json with member @qid replaced by @value_json. */
static char *
with_answer (const char *qid,
             const char *value_json)
{
  g_autoptr(JsonNode) node = json_from_string (survey_fixture_good, NULL);
  JsonObject *o = json_node_get_object (node);

  if (value_json == NULL)
    json_object_remove_member (o, qid);
  else
    json_object_set_member (o, qid, json_from_string (value_json, NULL));
  return json_to_string (node, FALSE);
}

static void
expect (const char *qid,
        const char *value_json,
        gboolean    good)
{
  g_autofree char *answers = with_answer (qid, value_json);
  g_autoptr(JsonObject) o = check (answers, good ? NULL : qid);
}

static void
test_good (void)
{
  g_autoptr(JsonObject) o = check (survey_fixture_good, NULL);

  g_assert_cmpint (json_object_get_size (o), ==, 9);
}

static void
test_unknown_question (void)
{
  g_autoptr(JsonObject) o = NULL;
  g_autofree char *answers = with_answer ("nope", "\"x\"");

  o = check (answers, "nope");
  /* A question of another survey is unknown too. */
  g_free (answers);
  answers = with_answer ("qx", "\"x\"");
  g_clear_pointer (&o, json_object_unref);
  o = check (answers, "qx");
}

/* Answers to one question put into the complete good set. */
static const struct {
  const char *question;
  const char *value;     /* JSON; NULL = left out */
  gboolean    good;
} cases[] = {
  { "q1", "\"o1b\"", TRUE },
  { "q1", "\"o2a\"", FALSE },  /* another question's option */
  { "q1", "\"zzz\"", FALSE },
  { "q1", "1", FALSE },
  { "q1", "[\"o1a\"]", FALSE },
  { "q1", NULL, FALSE },  /* required */
  { "q1", "null", FALSE },  /* empty = missing */
  { "q2", NULL, TRUE },  /* optional */
  { "q2", "\"o2a\"", TRUE },
  { "q2", "true", FALSE },
  { "q2", "{\"a\":1}", FALSE },
  { "q3", "[\"o3c\"]", TRUE },
  { "q3", "[]", TRUE },  /* = not answered */
  { "q3", "[\"o3a\",\"o3b\",\"o3c\"]", FALSE },  /* max 2 */
  { "q3", "[\"o3a\",\"o3a\"]", FALSE },
  { "q3", "[\"o3a\",\"o1a\"]", FALSE },
  { "q3", "[\"o3a\",3]", FALSE },
  { "q3", "\"o3a\"", FALSE },
  { "q10", "[\"o10c\",\"o10b\",\"o10a\"]", TRUE },
  { "q10", "[\"o10c\",\"o10b\"]", FALSE },  /* all of them */
  { "q10", "[\"o10c\",\"o10b\",\"o10b\"]", FALSE },
  { "q10", "[\"o10c\",\"o10b\",\"o10a\",\"o3a\"]", FALSE },
  { "q10", "{\"o10a\":1}", FALSE },
  { "q6", "0", TRUE },
  { "q6", "100", TRUE },
  { "q6", "2.5", TRUE },
  { "q6", "-1", FALSE },
  { "q6", "100.5", FALSE },
  { "q6", "\"5\"", FALSE },
  { "q6", "true", FALSE },
  { "q8", "1", TRUE },
  { "q8", "5", TRUE },
  { "q8", "5.0", TRUE },
  { "q8", "0", FALSE },
  { "q8", "6", FALSE },
  { "q8", "3.5", FALSE },
  { "q8", "\"3\"", FALSE },
  { "q8", NULL, FALSE },
  { "q7", "\"2024-02-29\"", TRUE },
  { "q7", "\"2023-02-29\"", FALSE },
  { "q7", "\"2024-13-01\"", FALSE },
  { "q7", "\"29.02.2024\"", FALSE },
  { "q7", "\"2024-2-29\"", FALSE },
  { "q7", "\"2024-02-29T10:00:00Z\"", FALSE },
  { "q7", "20240229", FALSE },
  { "q9", "{\"r9a\":\"o9s\",\"r9b\":\"o9s\"}", TRUE },
  { "q9", "{\"r9a\":\"o9s\"}", FALSE },  /* required: every row */
  { "q9", "{\"r9a\":\"o9s\",\"r9x\":\"o9s\"}", FALSE },  /* unknown row */
  { "q9", "{\"r9a\":\"o9s\",\"r9b\":\"o1a\"}", FALSE },  /* unknown option */
  { "q9", "{\"r9a\":\"o9s\",\"r9b\":2}", FALSE },
  { "q9", "{\"o9s\":\"r9a\",\"r9b\":\"o9s\"}", FALSE },  /* swapped */
  { "q9", "[\"o9s\"]", FALSE },
  { "q9", "{}", FALSE },  /* empty = missing */
};

/* The cases of the questions in @questions (NULL-terminated ids). */
static void
run_cases (const char * const *questions)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (g_strv_contains (questions, cases[i].question))
      expect (cases[i].question, cases[i].value, cases[i].good);
}

static void
test_single_dropdown (void)
{
  run_cases ((const char *[]) { "q1", "q2", NULL });
}

static void
test_multiple (void)
{
  run_cases ((const char *[]) { "q3", NULL });
}

static void
test_ranking (void)
{
  run_cases ((const char *[]) { "q10", NULL });
}

static void
test_number (void)
{
  run_cases ((const char *[]) { "q6", NULL });
}

static void
test_rating (void)
{
  run_cases ((const char *[]) { "q8", NULL });
}

static void
test_date (void)
{
  run_cases ((const char *[]) { "q7", NULL });
}

static void
test_matrix (void)
{
  run_cases ((const char *[]) { "q9", NULL });
}

/* Q05 (text, max 30) is shown when Q04 is "yes". */
static void
check_text (const char *value_json,
            gboolean    good)
{
  g_autofree char *answers = g_strdup_printf (
    "{\"q1\":\"o1a\",\"q4\":\"o4y\",\"q5\":%s,\"q8\":1,\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9g\"}}",
    value_json);
  g_autoptr(JsonObject) o = check (answers, good ? NULL : "q5");

  if (good)
    {
      g_autoptr(JsonNode) expected = json_from_string (value_json, NULL);

      /* Stored verbatim. */
      g_assert_cmpstr (json_object_get_string_member (o, "q5"), ==, json_node_get_string (expected));
    }
}

static void
test_text (void)
{
  check_text ("\"<script>alert(1)</script>\"", TRUE);
  check_text ("\"äöüäöüäöüäöüäöüäöüäöüäöüäöüäöü\"", TRUE);      /* 30 characters, 60 bytes */
  check_text ("\"1234567890123456789012345678901\"", FALSE);     /* max 30 */
  check_text ("\"  \"", FALSE);                                   /* blank = missing */
  check_text ("42", FALSE);
}

static void
test_conditions (void)
{
  g_autoptr(JsonNode) def = survey_fixture_build ("de");
  g_autoptr(JsonNode) answers = json_from_string ("{\"q4\":\"o4n\",\"q3\":[\"o3a\"]}", NULL);
  g_autoptr(JsonObject) o = NULL;
  JsonObject *a = json_node_get_object (answers);

  g_assert_true (sp_survey_question_visible (def_object (def), a, "q1"));
  g_assert_false (sp_survey_question_visible (def_object (def), a, "q5"));
  g_assert_false (sp_survey_question_visible (def_object (def), a, "q7"));
  g_assert_false (sp_survey_question_visible (def_object (def), a, "nope"));
  json_object_set_string_member (a, "q4", "o4y");
  g_assert_true (sp_survey_question_visible (def_object (def), a, "q5"));
  /* "contains" for multiple choice. */
  json_object_set_array_member (a, "q3", json_array_new ());
  json_array_add_string_element (json_object_get_array_member (a, "q3"), "o3c");
  json_array_add_string_element (json_object_get_array_member (a, "q3"), "o3b");
  g_assert_true (sp_survey_question_visible (def_object (def), a, "q7"));
  g_assert_false (sp_survey_question_visible (def_object (def), NULL, "q5"));

  /* A hidden required question needs no answer; an answer to a hidden
   * question is dropped, even when it is invalid. */
  o = check ("{\"q1\":\"o1a\",\"q3\":[\"o3a\"],\"q4\":\"o4n\",\"q5\":12345,\"q7\":\"kein Datum\",\"q8\":2,"
             "\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9g\"}}", NULL);
  g_assert_false (json_object_has_member (o, "q5"));
  g_assert_false (json_object_has_member (o, "q7"));
  g_assert_true (json_object_has_member (o, "q3"));
  g_clear_pointer (&o, json_object_unref);
  /* Shown: required again. */
  o = check ("{\"q1\":\"o1a\",\"q4\":\"o4y\",\"q8\":2,\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9g\"}}", "q5");
}

static void
test_condition_cycle (void)
{
  g_autoptr(JsonObject) survey = json_object_new ();
  g_autoptr(JsonNode) questions = json_from_string (
    "[{\"id\":\"a\",\"type\":\"single\",\"page\":1,\"position\":1,\"required\":true,"
    "  \"condition_question\":\"b\",\"condition_option\":\"bo\"},"
    " {\"id\":\"b\",\"type\":\"single\",\"page\":1,\"position\":2,\"required\":true,"
    "  \"condition_question\":\"a\",\"condition_option\":\"ao\"},"
    " {\"id\":\"c\",\"type\":\"text\",\"page\":1,\"position\":3,\"required\":true,"
    "  \"condition_question\":\"gone\",\"condition_option\":\"x\"}]", NULL);
  g_autoptr(JsonNode) options = json_from_string (
    "[{\"id\":\"ao\",\"question_id\":\"a\",\"kind\":\"option\"},"
    " {\"id\":\"bo\",\"question_id\":\"b\",\"kind\":\"option\"}]", NULL);
  g_autoptr(JsonNode) def = NULL;
  g_autoptr(JsonNode) answers = json_from_string ("{\"a\":\"ao\",\"b\":\"bo\",\"c\":\"hallo\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;

  json_object_set_string_member (survey, "id", "s");
  def = sp_survey_build (survey, json_node_get_array (questions), json_node_get_array (options), "de");
  /* A condition on a missing question is none. */
  g_assert_true (json_object_get_null_member (question_at (def_object (def), 2), "condition"));
  /* Questions conditioned on each other are never shown. */
  g_assert_false (sp_survey_question_visible (def_object (def), json_node_get_object (answers), "a"));
  g_assert_true (sp_survey_check_answers (def_object (def), json_node_get_object (answers), &question, &error));
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_size (json_node_get_object (answers)), ==, 1);
}

static void
test_answer_rows (void)
{
  g_autoptr(JsonNode) def = survey_fixture_build ("de");
  g_autoptr(JsonObject) answers = check (survey_fixture_good, NULL);
  g_autoptr(GArray) rows = sp_survey_answer_rows (def_object (def), answers);
  guint ranked = 0, multiple = 0, matrix = 0;

  /* q1 q2 q3x2 q4 q6 q7 q8 q9x2 q10x3 */
  g_assert_cmpuint (rows->len, ==, 13);
  for (guint i = 0; i < rows->len; i++)
    {
      SpSurveyAnswerRow *row = &g_array_index (rows, SpSurveyAnswerRow, i);

      if (g_str_equal (row->question_id, "q10"))
        {
          ranked++;
          g_assert_cmpint (row->rank, ==, ranked);
          g_assert_cmpstr (row->item, ==, row->option_id);
          if (ranked == 1)
            g_assert_cmpstr (row->option_id, ==, "o10b");
        }
      else if (g_str_equal (row->question_id, "q3"))
        {
          multiple++;
          g_assert_cmpstr (row->item, ==, row->option_id);
        }
      else if (g_str_equal (row->question_id, "q9"))
        {
          matrix++;
          g_assert_true (g_str_has_prefix (row->item, "r9"));
          g_assert_true (g_str_has_prefix (row->option_id, "o9"));
        }
      else if (g_str_equal (row->question_id, "q6"))
        {
          g_assert_true (row->has_num);
          g_assert_cmpfloat (row->num, ==, 42);
        }
      else if (g_str_equal (row->question_id, "q7"))
        g_assert_cmpstr (row->text, ==, "2024-02-29");
      else if (g_str_equal (row->question_id, "q1"))
        {
          g_assert_cmpstr (row->item, ==, "");
          g_assert_cmpstr (row->option_id, ==, "o1a");
        }
    }
  g_assert_cmpuint (ranked, ==, 3);
  g_assert_cmpuint (multiple, ==, 2);
  g_assert_cmpuint (matrix, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/survey/build/german", test_build_german);
  g_test_add_func ("/survey/build/english-fallback", test_build_english_fallback);
  g_test_add_func ("/survey/build/german-only", test_build_german_only);
  g_test_add_func ("/survey/answers/good", test_good);
  g_test_add_func ("/survey/answers/unknown-question", test_unknown_question);
  g_test_add_func ("/survey/answers/single-dropdown", test_single_dropdown);
  g_test_add_func ("/survey/answers/multiple", test_multiple);
  g_test_add_func ("/survey/answers/ranking", test_ranking);
  g_test_add_func ("/survey/answers/text", test_text);
  g_test_add_func ("/survey/answers/number", test_number);
  g_test_add_func ("/survey/answers/rating", test_rating);
  g_test_add_func ("/survey/answers/date", test_date);
  g_test_add_func ("/survey/answers/matrix", test_matrix);
  g_test_add_func ("/survey/conditions", test_conditions);
  g_test_add_func ("/survey/conditions/cycle", test_condition_cycle);
  g_test_add_func ("/survey/answer-rows", test_answer_rows);

  return g_test_run ();
}
