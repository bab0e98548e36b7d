/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

#include "sp-survey.h"

/* A survey with one question of every type, rows as the server stores
 * them (field values plus "id"), for the survey unit tests. Q05 (text) is
 * shown only when Q04 is "yes" (o4y); Q07 only when Q03 (multiple)
 * contains o3b. */

static const char survey_fixture_survey[] =
  "{\"id\":\"s1\",\"title\":\"Umfrage\",\"title_en\":\"Survey\",\"intro\":\"Hallo\",\"intro_en\":\"\","
  "\"privacy\":\"Anonym\",\"privacy_en\":\"Anonymous\",\"thanks\":\"Danke\",\"thanks_en\":\"Thanks\","
  "\"status\":\"published\",\"opens\":\"\",\"closes\":\"\",\"access\":\"public\"}";

static const char survey_fixture_questions[] =
  "["
  "{\"id\":\"q1\",\"survey_id\":\"s1\",\"page\":1,\"position\":1,\"type\":\"single\",\"code\":\"Q01\","
  " \"text\":\"Wie oft?\",\"text_en\":\"How often?\",\"help\":\"\",\"help_en\":\"\",\"required\":true,"
  " \"min\":0,\"max\":0,\"condition_question\":\"\",\"condition_option\":\"\"},"
  "{\"id\":\"q2\",\"survey_id\":\"s1\",\"page\":1,\"position\":2,\"type\":\"dropdown\",\"code\":\"Q02\","
  " \"text\":\"Gerät\",\"text_en\":\"\",\"required\":false,\"min\":0,\"max\":0},"
  "{\"id\":\"q3\",\"survey_id\":\"s1\",\"page\":1,\"position\":3,\"type\":\"multiple\",\"code\":\"Q03\","
  " \"text\":\"Welche, \\\"genau\\\"?\",\"required\":false,\"min\":0,\"max\":2},"
  "{\"id\":\"q4\",\"survey_id\":\"s1\",\"page\":1,\"position\":4,\"type\":\"single\",\"code\":\"Q04\","
  " \"text\":\"Probleme?\",\"required\":true},"
  "{\"id\":\"q5\",\"survey_id\":\"s1\",\"page\":1,\"position\":5,\"type\":\"text\",\"code\":\"Q05\","
  " \"text\":\"Welche Probleme?\",\"required\":true,\"max\":30,"
  " \"condition_question\":\"q4\",\"condition_option\":\"o4y\"},"
  "{\"id\":\"q6\",\"survey_id\":\"s1\",\"page\":2,\"position\":1,\"type\":\"number\",\"code\":\"Q06\","
  " \"text\":\"Wie viele?\",\"required\":false,\"min\":0,\"max\":100},"
  "{\"id\":\"q7\",\"survey_id\":\"s1\",\"page\":2,\"position\":2,\"type\":\"date\",\"code\":\"Q07\","
  " \"text\":\"Wann?\",\"required\":false,\"condition_question\":\"q3\",\"condition_option\":\"o3b\"},"
  "{\"id\":\"q8\",\"survey_id\":\"s1\",\"page\":2,\"position\":3,\"type\":\"rating\",\"code\":\"Q08\","
  " \"text\":\"Zufrieden?\",\"required\":true,\"min\":0,\"max\":0},"
  "{\"id\":\"q9\",\"survey_id\":\"s1\",\"page\":2,\"position\":4,\"type\":\"matrix\",\"code\":\"Q09\","
  " \"text\":\"Bewertung\",\"required\":true},"
  "{\"id\":\"q10\",\"survey_id\":\"s1\",\"page\":2,\"position\":5,\"type\":\"ranking\",\"code\":\"\","
  " \"text\":\"Reihenfolge\",\"required\":false},"
  "{\"id\":\"qx\",\"survey_id\":\"other\",\"page\":1,\"position\":0,\"type\":\"text\",\"code\":\"X\","
  " \"text\":\"Andere Umfrage\"}"
  "]";

static const char survey_fixture_options[] =
  "["
  "{\"id\":\"o1b\",\"question_id\":\"q1\",\"kind\":\"option\",\"code\":\"A2\",\"label\":\"Selten\",\"label_en\":\"Rarely\",\"position\":2},"
  "{\"id\":\"o1a\",\"question_id\":\"q1\",\"kind\":\"option\",\"code\":\"A1\",\"label\":\"Oft\",\"label_en\":\"Often\",\"position\":1},"
  "{\"id\":\"o2a\",\"question_id\":\"q2\",\"kind\":\"option\",\"code\":\"A1\",\"label\":\"Handy\",\"label_en\":\"\",\"position\":1},"
  "{\"id\":\"o2b\",\"question_id\":\"q2\",\"kind\":\"option\",\"code\":\"A2\",\"label\":\"PC\",\"position\":2},"
  "{\"id\":\"o3a\",\"question_id\":\"q3\",\"kind\":\"option\",\"code\":\"SQ001\",\"label\":\"Termin\",\"position\":1},"
  "{\"id\":\"o3b\",\"question_id\":\"q3\",\"kind\":\"option\",\"code\":\"SQ002\",\"label\":\"Parken\",\"position\":2},"
  "{\"id\":\"o3c\",\"question_id\":\"q3\",\"kind\":\"option\",\"code\":\"SQ003\",\"label\":\"Müll\",\"position\":3},"
  "{\"id\":\"o4y\",\"question_id\":\"q4\",\"kind\":\"option\",\"code\":\"Y\",\"label\":\"Ja\",\"position\":1},"
  "{\"id\":\"o4n\",\"question_id\":\"q4\",\"kind\":\"option\",\"code\":\"N\",\"label\":\"Nein\",\"position\":2},"
  "{\"id\":\"r9a\",\"question_id\":\"q9\",\"kind\":\"row\",\"code\":\"R1\",\"label\":\"Suche\",\"position\":1},"
  "{\"id\":\"r9b\",\"question_id\":\"q9\",\"kind\":\"row\",\"code\":\"\",\"label\":\"Texte\",\"position\":2},"
  "{\"id\":\"o9g\",\"question_id\":\"q9\",\"kind\":\"option\",\"code\":\"G\",\"label\":\"gut\",\"position\":1},"
  "{\"id\":\"o9s\",\"question_id\":\"q9\",\"kind\":\"option\",\"code\":\"S\",\"label\":\"schlecht\",\"position\":2},"
  "{\"id\":\"o10a\",\"question_id\":\"q10\",\"kind\":\"option\",\"code\":\"\",\"label\":\"Schneller\",\"position\":1},"
  "{\"id\":\"o10b\",\"question_id\":\"q10\",\"kind\":\"option\",\"code\":\"\",\"label\":\"Einfacher\",\"position\":2},"
  "{\"id\":\"o10c\",\"question_id\":\"q10\",\"kind\":\"option\",\"code\":\"\",\"label\":\"Barrierefrei\",\"position\":3},"
  "{\"id\":\"stray\",\"question_id\":\"qx\",\"kind\":\"option\",\"code\":\"Z\",\"label\":\"Fremd\",\"position\":1}"
  "]";

/* The fixture's definition in @lang (owned). */
static inline JsonNode *
survey_fixture_build (const char *lang)
{
  g_autoptr(JsonNode) survey = json_from_string (survey_fixture_survey, NULL);
  g_autoptr(JsonNode) questions = json_from_string (survey_fixture_questions, NULL);
  g_autoptr(JsonNode) options = json_from_string (survey_fixture_options, NULL);

  g_assert_nonnull (survey);
  g_assert_nonnull (questions);
  g_assert_nonnull (options);
  return sp_survey_build (json_node_get_object (survey), json_node_get_array (questions),
                          json_node_get_array (options), lang);
}

/* A complete valid answer set (Q05 hidden: Q04 is "no"). */
static const char survey_fixture_good[] =
  "{\"q1\":\"o1a\",\"q2\":\"o2b\",\"q3\":[\"o3a\",\"o3b\"],\"q4\":\"o4n\",\"q6\":42,"
  "\"q7\":\"2024-02-29\",\"q8\":4,\"q9\":{\"r9a\":\"o9g\",\"r9b\":\"o9s\"},"
  "\"q10\":[\"o10b\",\"o10a\",\"o10c\"]}";
