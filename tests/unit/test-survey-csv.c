/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-survey-csv"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-survey.h"

#include "test-survey-fixture.h"

/* The CSV exports: LimeSurvey's column codes and answer codes, the plain
 * export with question texts and labels, RFC 4180 quoting, and free text
 * that spreadsheets would run as a formula. */

static char *
export (SpSurveyCsvFormat  format,
        const char        *lang,
        const char        *response_json)
{
  g_autoptr(JsonNode) def = survey_fixture_build (lang);
  g_autoptr(JsonNode) response = json_from_string (response_json, NULL);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (response);
  sp_survey_csv_header (json_node_get_object (def), format, out);
  sp_survey_csv_row (json_node_get_object (def), format, json_node_get_object (response), out);
  return g_string_free (out, FALSE);
}

static const char response_full[] =
  "{\"id\":7,\"submitted\":\"2026-11-29\",\"language\":\"en\",\"answers\":"
  "{\"q1\":\"o1a\",\"q2\":\"o2b\",\"q3\":[\"o3c\",\"o3a\"],\"q4\":\"o4y\","
  "\"q5\":\"Er sagte \\\"nein\\\", dann: a,b\\nzweite Zeile\",\"q6\":2.5,"
  "\"q7\":\"2024-02-29\",\"q8\":4,\"q9\":{\"r9b\":\"o9s\",\"r9a\":\"o9g\"},"
  "\"q10\":[\"o10b\",\"o10c\",\"o10a\"]}}";

static void
test_limesurvey (void)
{
  g_autofree char *csv = export (SP_SURVEY_CSV_LIMESURVEY, "de", response_full);

  g_assert_cmpstr (csv, ==,
    "\"id\",\"submitdate\",\"lastpage\",\"startlanguage\",\"Q01\",\"Q02\","
    "\"Q03[SQ001]\",\"Q03[SQ002]\",\"Q03[SQ003]\",\"Q04\",\"Q05\",\"Q06\",\"Q07\",\"Q08\","
    "\"Q09[R1]\",\"Q09[SQ002]\",\"Q10[1]\",\"Q10[2]\",\"Q10[3]\"\r\n"
    "\"7\",\"2026-11-29 00:00:00\",\"2\",\"en\",\"A1\",\"A2\","
    "\"Y\",\"\",\"Y\",\"Y\",\"Er sagte \"\"nein\"\", dann: a,b\nzweite Zeile\",\"2.5\",\"2024-02-29\",\"4\","
    "\"G\",\"S\",\"A2\",\"A3\",\"A1\"\r\n");
}

static void
test_plain (void)
{
  g_autofree char *csv = export (SP_SURVEY_CSV_PLAIN, "de", response_full);

  g_assert_cmpstr (csv, ==,
    "\"Antwort\",\"Datum\",\"Sprache\",\"Wie oft?\",\"Gerät\",\"Welche, \"\"genau\"\"?\","
    "\"Probleme?\",\"Welche Probleme?\",\"Wie viele?\",\"Wann?\",\"Zufrieden?\","
    "\"Bewertung [Suche]\",\"Bewertung [Texte]\",\"Reihenfolge\"\r\n"
    "\"7\",\"2026-11-29\",\"en\",\"Oft\",\"PC\",\"Termin; Müll\",\"Ja\","
    "\"Er sagte \"\"nein\"\", dann: a,b\nzweite Zeile\",\"2.5\",\"2024-02-29\",\"4\","
    "\"gut\",\"schlecht\",\"Einfacher; Barrierefrei; Schneller\"\r\n");
}

static void
test_plain_english (void)
{
  g_autofree char *csv = export (SP_SURVEY_CSV_PLAIN, "en", "{\"id\":1,\"submitted\":\"2026-01-02\",\"answers\":{}}");

  g_assert_true (g_str_has_prefix (csv, "\"Response\",\"Date\",\"Language\",\"How often?\",\"Gerät\","));
  /* Nothing answered: empty fields, the language defaults to German. */
  g_assert_true (g_str_has_suffix (csv, "\r\n\"1\",\"2026-01-02\",\"de\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"));
}

static void
test_formula (void)
{
  g_autofree char *plain = export (SP_SURVEY_CSV_PLAIN, "de",
    "{\"id\":2,\"submitted\":\"2026-11-29\",\"language\":\"de\",\"answers\":"
    "{\"q5\":\"=HYPERLINK(\\\"http://x\\\")\",\"q6\":-3}}");
  g_autofree char *lime = export (SP_SURVEY_CSV_LIMESURVEY, "de",
    "{\"id\":2,\"submitted\":\"2026-11-29\",\"language\":\"de\",\"answers\":"
    "{\"q5\":\"=HYPERLINK(\\\"http://x\\\")\",\"q6\":-3}}");

  /* The plain export is for spreadsheets; numbers stay numbers. */
  g_assert_nonnull (strstr (plain, ",\"'=HYPERLINK(\"\"http://x\"\")\",\"-3\","));
  /* LimeSurvey gets the raw text. */
  g_assert_nonnull (strstr (lime, ",\"=HYPERLINK(\"\"http://x\"\")\",\"-3\","));
}

static void
test_unknown_option (void)
{
  /* An option deleted after the response: an empty cell, nothing else moves. */
  g_autofree char *csv = export (SP_SURVEY_CSV_LIMESURVEY, "de",
    "{\"id\":3,\"submitted\":\"2026-11-29\",\"language\":\"de\",\"answers\":{\"q1\":\"gone\",\"q2\":\"o2a\"}}");

  g_assert_nonnull (strstr (csv, "\"3\",\"2026-11-29 00:00:00\",\"2\",\"de\",\"\",\"A1\","));
}

static void
test_field_quoting (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  sp_survey_csv_field (out, "a\"b");
  sp_survey_csv_field (out, NULL);
  sp_survey_csv_field (out, "x\r\ny");
  g_assert_cmpstr (out->str, ==, "\"a\"\"b\"\"\"\"x\r\ny\"");
}

static void
test_is_day (void)
{
  g_assert_true (sp_survey_is_day ("2026-11-29"));
  g_assert_true (sp_survey_is_day ("2000-02-29"));
  g_assert_false (sp_survey_is_day ("1900-02-29"));
  g_assert_false (sp_survey_is_day ("2026-11-31"));
  g_assert_false (sp_survey_is_day ("2026-1-1x"));
  g_assert_false (sp_survey_is_day ("+026-11-29"));
  g_assert_false (sp_survey_is_day (""));
  g_assert_false (sp_survey_is_day (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/survey/csv/limesurvey", test_limesurvey);
  g_test_add_func ("/survey/csv/plain", test_plain);
  g_test_add_func ("/survey/csv/plain-english", test_plain_english);
  g_test_add_func ("/survey/csv/formula", test_formula);
  g_test_add_func ("/survey/csv/unknown-option", test_unknown_option);
  g_test_add_func ("/survey/csv/field-quoting", test_field_quoting);
  g_test_add_func ("/survey/csv/is-day", test_is_day);

  return g_test_run ();
}
