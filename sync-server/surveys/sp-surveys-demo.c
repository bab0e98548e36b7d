/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-surveys-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-surveys-demo.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-server-private.h"
#include "sp-survey.h"

/* Question ids are SP_SURVEYS_DEMO_ID "." + the lower-case code, option
 * ids the question id "." + the lower-case option code. */

typedef struct {
  const char *code;
  const char *type;
  int         page;
  gboolean    required;
  int         min;
  int         max;
  const char *text;
  const char *text_en;
  const char *help;
  const char *help_en;
  const char *condition_question;   /* code */
  const char *condition_option;     /* option code */
} DemoQuestion;

typedef struct {
  const char *question;   /* code */
  const char *kind;
  const char *code;
  const char *label;
  const char *label_en;
} DemoOption;

static const DemoQuestion demo_questions[] = {
  { "Q01", "single", 1, TRUE, 0, 0,
    "Wie oft nutzen Sie die Online-Dienste der Stadt Jena?",
    "How often do you use the City of Jena's online services?",
    "", "", NULL, NULL },
  { "Q02", "multiple", 1, FALSE, 0, 0,
    "Welche Online-Dienste haben Sie schon genutzt?",
    "Which online services have you used?",
    "Mehrere Antworten möglich.", "Choose all that apply.", NULL, NULL },
  { "Q03", "dropdown", 1, FALSE, 0, 0,
    "Mit welchem Gerät nutzen Sie die Dienste meistens?",
    "Which device do you mostly use?",
    "", "", NULL, NULL },
  { "Q04", "single", 1, TRUE, 0, 0,
    "Hatten Sie bei der Nutzung Probleme?",
    "Did you have any problems using them?",
    "", "", NULL, NULL },
  { "Q05", "text", 1, TRUE, 0, 1000,
    "Was hat nicht funktioniert?",
    "What did not work?",
    "Bitte keine persönlichen Daten angeben.", "Please do not enter personal data.",
    "Q04", "A1" },
  { "Q06", "rating", 2, TRUE, 0, 5,
    "Wie zufrieden sind Sie insgesamt mit den Online-Diensten?",
    "Overall, how satisfied are you with the online services?",
    "1 = gar nicht zufrieden, 5 = sehr zufrieden", "1 = not at all satisfied, 5 = very satisfied",
    NULL, NULL },
  { "Q07", "matrix", 2, FALSE, 0, 0,
    "Wie bewerten Sie die folgenden Punkte?",
    "How do you rate the following?",
    "", "", NULL, NULL },
  { "Q08", "ranking", 2, FALSE, 0, 0,
    "Was sollten wir zuerst verbessern?",
    "What should we improve first?",
    "Bringen Sie die Punkte in eine Reihenfolge, das Wichtigste zuerst.",
    "Put them in order, the most important first.", NULL, NULL },
  { "Q09", "number", 2, FALSE, 0, 100,
    "Wie viele Anliegen haben Sie im letzten Jahr online erledigt?",
    "How many matters did you settle online last year?",
    "", "", NULL, NULL },
  { "Q10", "date", 2, FALSE, 0, 0,
    "Wann haben Sie zuletzt einen Online-Dienst der Stadt genutzt?",
    "When did you last use one of the city's online services?",
    "", "", NULL, NULL },
  { "Q11", "text", 2, FALSE, 0, 2000,
    "Was möchten Sie uns sonst noch mitteilen?",
    "Is there anything else you would like to tell us?",
    "", "", NULL, NULL },
};

static const DemoOption demo_options[] = {
  { "Q01", "option", "A1", "Mehrmals im Monat", "Several times a month" },
  { "Q01", "option", "A2", "Einige Male im Jahr", "A few times a year" },
  { "Q01", "option", "A3", "Seltener", "Less often" },
  { "Q01", "option", "A4", "Noch nie", "Never" },
  { "Q02", "option", "A1", "Termin im Bürgerservice buchen", "Booking an appointment at the citizens' office" },
  { "Q02", "option", "A2", "Anwohnerparkausweis", "Residents' parking permit" },
  { "Q02", "option", "A3", "Sperrmüll anmelden", "Bulky waste collection" },
  { "Q02", "option", "A4", "Hund anmelden", "Registering a dog" },
  { "Q02", "option", "A5", "Kita-Platz suchen", "Finding a childcare place" },
  { "Q03", "option", "A1", "Smartphone", "Smartphone" },
  { "Q03", "option", "A2", "Tablet", "Tablet" },
  { "Q03", "option", "A3", "Computer oder Laptop", "Computer or laptop" },
  { "Q03", "option", "A4", "Gerät in der Stadtbibliothek", "A computer at the city library" },
  { "Q04", "option", "A1", "Ja", "Yes" },
  { "Q04", "option", "A2", "Nein", "No" },
  { "Q07", "row", "SQ001", "Die Dienste finden", "Finding the services" },
  { "Q07", "row", "SQ002", "Verständlichkeit der Texte", "Clear wording" },
  { "Q07", "row", "SQ003", "Bedienung auf dem Smartphone", "Use on a smartphone" },
  { "Q07", "row", "SQ004", "Dauer der Bearbeitung", "Processing time" },
  { "Q07", "option", "A1", "sehr gut", "very good" },
  { "Q07", "option", "A2", "gut", "good" },
  { "Q07", "option", "A3", "mittel", "fair" },
  { "Q07", "option", "A4", "schlecht", "poor" },
  { "Q08", "option", "A1", "Mehr Dienste online", "More services online" },
  { "Q08", "option", "A2", "Einfachere Sprache", "Plainer language" },
  { "Q08", "option", "A3", "Schnellere Bearbeitung", "Faster processing" },
  { "Q08", "option", "A4", "Bessere Barrierefreiheit", "Better accessibility" },
};

/* Demo responses, written with codes (see code_id()). */
static const char * const demo_responses[] = {
  "{\"Q01\":\"A1\",\"Q02\":[\"A1\",\"A3\"],\"Q03\":\"A1\",\"Q04\":\"A2\",\"Q06\":5,"
  "\"Q07\":{\"SQ001\":\"A1\",\"SQ002\":\"A2\",\"SQ003\":\"A1\",\"SQ004\":\"A2\"},"
  "\"Q08\":[\"A1\",\"A3\",\"A2\",\"A4\"],\"Q09\":6,\"Q11\":\"Weiter so!\"}",
  "{\"Q01\":\"A2\",\"Q02\":[\"A2\"],\"Q03\":\"A3\",\"Q04\":\"A1\","
  "\"Q05\":\"Die Zahlung per Karte ist zweimal abgebrochen.\",\"Q06\":3,"
  "\"Q07\":{\"SQ001\":\"A3\",\"SQ002\":\"A2\",\"SQ003\":\"A3\",\"SQ004\":\"A3\"},"
  "\"Q08\":[\"A3\",\"A1\",\"A4\",\"A2\"],\"Q09\":2}",
  "{\"Q01\":\"A2\",\"Q02\":[\"A1\",\"A5\"],\"Q03\":\"A1\",\"Q04\":\"A2\",\"Q06\":4,"
  "\"Q07\":{\"SQ001\":\"A2\",\"SQ002\":\"A2\",\"SQ003\":\"A2\"},\"Q09\":3}",
  "{\"Q01\":\"A3\",\"Q03\":\"A4\",\"Q04\":\"A1\",\"Q05\":\"Ich habe den Antrag nicht gefunden.\","
  "\"Q06\":2,\"Q08\":[\"A2\",\"A4\",\"A1\",\"A3\"],\"Q11\":\"Bitte mehr in Leichter Sprache.\"}",
  "{\"Q01\":\"A1\",\"Q02\":[\"A1\",\"A2\",\"A3\",\"A4\"],\"Q03\":\"A2\",\"Q04\":\"A2\",\"Q06\":4,"
  "\"Q07\":{\"SQ001\":\"A2\",\"SQ002\":\"A1\",\"SQ003\":\"A2\",\"SQ004\":\"A4\"},"
  "\"Q08\":[\"A3\",\"A1\",\"A2\",\"A4\"],\"Q09\":12}",
  "{\"Q01\":\"A4\",\"Q04\":\"A2\",\"Q06\":3,\"Q08\":[\"A1\",\"A2\",\"A3\",\"A4\"],"
  "\"Q11\":\"Ich wusste nicht, dass es das gibt.\"}",
  "{\"Q01\":\"A2\",\"Q02\":[\"A3\"],\"Q03\":\"A1\",\"Q04\":\"A1\","
  "\"Q05\":\"Auf dem Handy war der Knopf zum Absenden nicht zu sehen.\",\"Q06\":2,"
  "\"Q07\":{\"SQ001\":\"A3\",\"SQ002\":\"A3\",\"SQ003\":\"A4\",\"SQ004\":\"A3\"},"
  "\"Q08\":[\"A4\",\"A3\",\"A2\",\"A1\"],\"Q09\":1}",
  "{\"Q01\":\"A1\",\"Q02\":[\"A1\",\"A5\"],\"Q03\":\"A3\",\"Q04\":\"A2\",\"Q06\":5,"
  "\"Q07\":{\"SQ001\":\"A1\",\"SQ002\":\"A1\",\"SQ003\":\"A2\",\"SQ004\":\"A2\"},"
  "\"Q08\":[\"A1\",\"A3\",\"A4\",\"A2\"],\"Q09\":20}",
};

/* "Q07" -> "demo.survey.online.q07"; with @option "SQ001" ->
 * "demo.survey.online.q07.sq001". */
static char *
code_id (const char *question,
         const char *option)
{
  g_autofree char *q = g_ascii_strdown (question, -1);
  g_autofree char *o = option ? g_ascii_strdown (option, -1) : NULL;

  return o ? g_strdup_printf ("%s.%s.%s", SP_SURVEYS_DEMO_ID, q, o)
           : g_strdup_printf ("%s.%s", SP_SURVEYS_DEMO_ID, q);
}

static void
set_text (SpChange   *change,
          const char *field,
          const char *value)
{
  json_object_set_string_member (change->fields, field, value ? value : "");
}

static GPtrArray *
definition_changes (void)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GDateTime) now = sp_city_now ();
  g_autoptr(GDateTime) later = g_date_time_add_years (now, 1);
  g_autofree char *opens = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *closes = g_date_time_format (later, "%Y-%m-%d");
  SpChange *survey = sp_change_new_upsert ("survey", g_strdup (SP_SURVEYS_DEMO_ID));

  set_text (survey, "title", "Zufriedenheit mit den Online-Diensten der Stadt Jena");
  set_text (survey, "title_en", "Satisfaction with the City of Jena's online services");
  set_text (survey, "intro",
            "Die Stadt Jena bietet immer mehr Dienste online an. Sagen Sie uns in fünf Minuten, "
            "was gut funktioniert und was wir besser machen sollen.");
  set_text (survey, "intro_en",
            "The City of Jena offers more and more services online. Take five minutes to tell us "
            "what works well and what we should improve.");
  set_text (survey, "privacy",
            "Die Umfrage ist anonym: Wir speichern nur Ihre Antworten und den Tag der Teilnahme, "
            "keine IP-Adresse, keine Cookies und keine Uhrzeit. Bitte geben Sie in den Textfeldern "
            "keine persönlichen Daten an.");
  set_text (survey, "privacy_en",
            "This survey is anonymous: we store only your answers and the day you took part, no IP "
            "address, no cookies and no time of day. Please do not enter personal data in the text fields.");
  set_text (survey, "thanks", "Vielen Dank für Ihre Teilnahme! Die Ergebnisse veröffentlichen wir auf jena.de.");
  set_text (survey, "thanks_en", "Thank you for taking part! We will publish the results on jena.de.");
  set_text (survey, "status", "published");
  set_text (survey, "opens", opens);
  set_text (survey, "closes", closes);
  set_text (survey, "access", "public");
  g_ptr_array_add (changes, survey);

  for (guint i = 0; i < G_N_ELEMENTS (demo_questions); i++)
    {
      const DemoQuestion *dq = &demo_questions[i];
      SpChange *q = sp_change_new_upsert ("survey_question", code_id (dq->code, NULL));
      g_autofree char *cq = dq->condition_question ? code_id (dq->condition_question, NULL) : NULL;
      g_autofree char *co = dq->condition_option ? code_id (dq->condition_question, dq->condition_option) : NULL;

      set_text (q, "survey_id", SP_SURVEYS_DEMO_ID);
      json_object_set_int_member (q->fields, "page", dq->page);
      json_object_set_int_member (q->fields, "position", i + 1);
      set_text (q, "type", dq->type);
      set_text (q, "code", dq->code);
      set_text (q, "text", dq->text);
      set_text (q, "text_en", dq->text_en);
      set_text (q, "help", dq->help);
      set_text (q, "help_en", dq->help_en);
      json_object_set_boolean_member (q->fields, "required", dq->required);
      json_object_set_int_member (q->fields, "min", dq->min);
      json_object_set_int_member (q->fields, "max", dq->max);
      set_text (q, "condition_question", cq);
      set_text (q, "condition_option", co);
      g_ptr_array_add (changes, q);
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_options); i++)
    {
      const DemoOption *d = &demo_options[i];
      SpChange *o = sp_change_new_upsert ("survey_option", code_id (d->question, d->code));
      g_autofree char *qid = code_id (d->question, NULL);

      set_text (o, "question_id", qid);
      set_text (o, "kind", d->kind);
      set_text (o, "code", d->code);
      set_text (o, "label", d->label);
      set_text (o, "label_en", d->label_en);
      json_object_set_int_member (o->fields, "position", i + 1);
      g_ptr_array_add (changes, o);
    }

  return changes;
}

/* A string of codes as an id (a question's option or matrix row). */
static JsonNode *
code_node (const char *question,
           JsonNode   *value)
{
  g_autofree char *id = code_id (question, json_node_get_string (value));
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, id);
  return node;
}

/* {"Q01":"A1",...} with codes -> the same with ids. */
static JsonObject *
answers_from_codes (JsonObject *coded)
{
  JsonObject *answers = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (coded);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *code = l->data;
      JsonNode *value = json_object_get_member (coded, code);
      g_autofree char *qid = code_id (code, NULL);

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *in = json_node_get_array (value);
          JsonArray *out = json_array_new ();

          for (guint k = 0; k < json_array_get_length (in); k++)
            json_array_add_element (out, code_node (code, json_array_get_element (in, k)));
          json_object_set_array_member (answers, qid, out);
        }
      else if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *in = json_node_get_object (value);
          JsonObject *out = json_object_new ();
          g_autoptr(GList) rows = json_object_get_members (in);

          for (GList *r = rows; r != NULL; r = r->next)
            {
              g_autofree char *rid = code_id (code, r->data);

              json_object_set_member (out, rid, code_node (code, json_object_get_member (in, r->data)));
            }
          json_object_set_object_member (answers, qid, out);
        }
      else if (json_node_get_value_type (value) == G_TYPE_STRING &&
               strcmp (code, "Q05") != 0 && strcmp (code, "Q11") != 0)
        json_object_set_member (answers, qid, code_node (code, value));
      else
        json_object_set_member (answers, qid, json_node_copy (value));
    }
  return answers;
}

gboolean
sp_surveys_demo_load (SpStorage  *storage,
                      GError    **error)
{
  g_autoptr(GPtrArray) changes = definition_changes ();
  g_autoptr(JsonObject) survey = NULL;
  g_autoptr(JsonArray) questions = NULL;
  g_autoptr(JsonArray) options = NULL;
  g_autoptr(JsonNode) definition = NULL;
  g_autofree char *today = sp_city_today ();

  g_return_val_if_fail (storage != NULL, FALSE);

  if (!sp_storage_push_as_server (storage, changes, error))
    return FALSE;
  if (!sp_storage_survey_rows (storage, SP_SURVEYS_DEMO_ID, &survey, &questions, &options, error))
    return FALSE;
  definition = sp_survey_build (survey, questions, options, "de");

  for (guint i = 0; i < G_N_ELEMENTS (demo_responses); i++)
    {
      g_autoptr(JsonNode) coded = json_from_string (demo_responses[i], error);
      g_autoptr(JsonObject) answers = NULL;
      g_autoptr(GArray) rows = NULL;
      g_autofree char *question = NULL;
      SpSurveySubmit result;

      if (coded == NULL)
        return FALSE;
      answers = answers_from_codes (json_node_get_object (coded));
      if (!sp_survey_check_answers (json_node_get_object (definition), answers, &question, error))
        {
          g_prefix_error (error, "Demo response %u, %s: ", i, question);
          return FALSE;
        }
      rows = sp_survey_answer_rows (json_node_get_object (definition), answers);
      if (!sp_storage_survey_submit (storage, SP_SURVEYS_DEMO_ID, NULL, today,
                                     i % 4 == 3 ? "en" : "de", rows, &result, error))
        return FALSE;
      if (result != SP_SURVEY_SUBMIT_STORED)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "Demo response %u not stored", i);
          return FALSE;
        }
    }

  g_message ("Published the demo survey with %u responses", (guint) G_N_ELEMENTS (demo_responses));
  return TRUE;
}
