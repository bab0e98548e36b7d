/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-challenges-demo"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-challenges-demo.h"

#include "sp-change.h"
#include "sp-city-time.h"
#include "sp-uuid.h"

typedef struct {
  const char *key;
  const char *title;
  const char *department;
  const char *contact;
  const char *problem;
  const char *data;
  gboolean    upcoming;   /* else: at the past event, closed */
} DemoChallenge;

static const DemoChallenge demo_challenges[] = {
  { "kita", "Kita-Platz-Finder für Eltern",
    "Fachdienst Kinderbetreuung", "kita-platz@jena.example",
    "Eltern suchen einen Kita-Platz oft bei vielen Einrichtungen gleichzeitig und wissen nicht, "
    "wo gerade Plätze frei werden. Wie können Familien freie Plätze, Öffnungszeiten und "
    "pädagogische Konzepte aller Jenaer Kitas an einem Ort finden und vergleichen?",
    "Liste aller 88 Kitas mit Adresse, Träger, Öffnungszeiten und Konzept (CSV, wöchentlich "
    "aktualisiert); freie Plätze je Altersgruppe als Open-Data-Schnittstelle (JSON).",
    FALSE },
  { "baeume", "Gießkarte für Stadtbäume",
    "Kommunalservice Jena", "stadtgruen@jena.example",
    "Trockene Sommer setzen den rund 40 000 Straßenbäumen zu. Viele Anwohnerinnen und Anwohner "
    "möchten gießen, wissen aber nicht, welcher Baum Wasser braucht und wann zuletzt gegossen wurde.",
    "Baumkataster mit Standort, Art und Pflanzjahr (GeoJSON); Niederschlagsdaten des "
    "Deutschen Wetterdienstes; Standorte der öffentlichen Wasserpumpen.",
    FALSE },
  { "parken", "Parkhausbelegung als offene Daten",
    "Fachdienst Mobilität", "mobilitaet@jena.example",
    "Wer in die Innenstadt fährt, kreist oft auf der Suche nach einem freien Parkplatz. Die "
    "Belegung der Parkhäuser ist bekannt, aber nur auf den Anzeigetafeln zu sehen.",
    "Belegung der sieben städtischen Parkhäuser im Minutentakt (DATEX II), Standorte und "
    "Tarife (CSV), Verkehrszählungen der Hauptstraßen seit 2019.",
    TRUE },
};

typedef struct {
  const char *challenge;
  const char *title;
  const char *team;
  const char *description;
  const char *link;
  const char *licence;
  const char *contact;
  const char *state;
  /* Scores of the demo editors "redaktion" and "admin":
   * impact, feasibility, innovation; 0 = not scored. */
  int         scores[2][3];
} DemoSolution;

static const DemoSolution demo_solutions[] = {
  { "kita", "KitaKompass Jena", "Code for Jena",
    "Eine barrierefreie Web-App zeigt alle Kitas auf einer Karte, filtert nach Alter, "
    "Öffnungszeiten und Konzept und meldet per E-Mail, wenn in der Wunsch-Kita ein Platz frei wird.",
    "https://github.com/codeforjena/kitakompass", "MIT", "team@kitakompass.example", "winner",
    { { 5, 4, 4 }, { 5, 4, 5 } } },
  { "kita", "Kita-Bot für den Messenger", "Studierende der EAH Jena",
    "Ein Chatbot beantwortet Fragen zu Anmeldung, Fristen und freien Plätzen in einfacher Sprache.",
    "https://gitlab.com/eah-jena/kita-bot", "GPL-3.0-or-later", "", "accepted",
    { { 4, 3, 4 }, { 3, 3, 4 } } },
  { "kita", "Platzbörse als Tabellenvorlage", "Jana M.",
    "Eine Tabellenvorlage, in die Kitas freie Plätze eintragen.",
    "https://example.org/platzboerse.xlsx", "other", "", "rejected",
    { { 2, 4, 1 }, { 0, 0, 0 } } },
  { "baeume", "Gieß den Baum Jena", "OK Lab Jena",
    "Angepasst an Jena nach dem Vorbild von „Gieß den Kiez“: Karte aller Straßenbäume mit "
    "Wasserbedarf aus Alter und Niederschlag; Gießen wird mit einem Klick eingetragen.",
    "https://github.com/oklab-jena/giess-den-baum", "MIT", "hallo@oklab-jena.example", "winner",
    { { 5, 5, 3 }, { 4, 5, 4 } } },
  { "baeume", "Baumpaten-App", "Klasse 10b, Carl-Zeiss-Gymnasium",
    "Schulklassen und Nachbarschaften übernehmen Patenschaften für Bäume und bekommen "
    "eine Erinnerung, wenn es länger nicht geregnet hat.",
    "https://codeberg.org/czg-jena/baumpaten", "EUPL-1.2", "", "accepted",
    { { 4, 4, 4 }, { 4, 3, 5 } } },
  { "baeume", "Billige Uhren kaufen", "",
    "Beste Angebote!!!", "http://uhren.example", "", "", "spam",
    { { 0, 0, 0 }, { 0, 0, 0 } } },
  { "parken", "ParkenJetzt Jena", "Mobility Lab Jena",
    "Freie Plätze aller Parkhäuser als Karte, Widget für die Stadtseite und offene "
    "Schnittstelle (GTFS-ähnlich) für Navigations-Apps.",
    "https://github.com/mobilitylab-jena/parkenjetzt", "Apache-2.0", "kontakt@mobilitylab.example",
    "submitted", { { 4, 4, 3 }, { 0, 0, 0 } } },
  { "parken", "Parkhaus-Prognose", "Data Science Club der FSU",
    "Sagt die Belegung der nächsten zwei Stunden aus Wochentag, Wetter und Veranstaltungen voraus.",
    "https://github.com/dsc-fsu/parkprognose", "Apache-2.0", "", "submitted",
    { { 0, 0, 0 }, { 0, 0, 0 } } },
};

static const char * const reviewers[] = { "redaktion", "admin" };

static char *
demo_id (const char *kind,
         const char *key)
{
  g_autofree char *name = g_strconcat ("demo:", kind, ":", key, NULL);

  return sp_uuid_name_based (name);
}

static SpChange *
add_change (GPtrArray  *changes,
            const char *entity,
            char       *id)
{
  SpChange *change = sp_change_new_upsert (entity, id);

  g_ptr_array_add (changes, change);
  return change;
}

static void
add_challenges (GPtrArray *changes)
{
  g_autofree char *past_event = sp_city_day (-40);
  g_autofree char *past_deadline = sp_city_day (-38);
  g_autofree char *next_event = sp_city_day (21);
  g_autofree char *next_deadline = sp_city_day (23);

  for (guint i = 0; i < G_N_ELEMENTS (demo_challenges); i++)
    {
      const DemoChallenge *c = &demo_challenges[i];
      JsonObject *f = add_change (changes, "challenge", demo_id ("challenge", c->key))->fields;

      json_object_set_string_member (f, "title", c->title);
      json_object_set_string_member (f, "problem", c->problem);
      json_object_set_string_member (f, "data", c->data);
      json_object_set_string_member (f, "department", c->department);
      json_object_set_string_member (f, "contact", c->contact);
      json_object_set_string_member (f, "event", c->upcoming ? "Mobilitäts-Hackathon Jena"
                                                             : "Open Data Day Jena");
      json_object_set_string_member (f, "event_date", c->upcoming ? next_event : past_event);
      json_object_set_string_member (f, "deadline", c->upcoming ? next_deadline : past_deadline);
      json_object_set_string_member (f, "status", c->upcoming ? "published" : "closed");
      json_object_set_string_member (f, "followup_survey_id", "");
    }
}

static void
add_solutions (GPtrArray *changes)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_solutions); i++)
    {
      const DemoSolution *s = &demo_solutions[i];
      g_autofree char *id = demo_id ("solution", s->title);
      const DemoChallenge *challenge = NULL;
      g_autofree char *challenge_id = demo_id ("challenge", s->challenge);
      g_autofree char *day = NULL;
      g_autofree char *created = NULL;
      JsonObject *f;

      for (guint j = 0; j < G_N_ELEMENTS (demo_challenges); j++)
        if (g_str_equal (demo_challenges[j].key, s->challenge))
          challenge = &demo_challenges[j];
      g_assert (challenge != NULL);
      day = sp_city_day (challenge->upcoming ? -(int) (i % 3 + 1) : -40 + (int) (i % 2));
      created = g_strconcat (day, "T18:30:00Z", NULL);

      f = add_change (changes, "challenge_solution", g_strdup (id))->fields;
      json_object_set_string_member (f, "challenge_id", challenge_id);
      json_object_set_string_member (f, "title", s->title);
      json_object_set_string_member (f, "description", s->description);
      json_object_set_string_member (f, "link", s->link);
      json_object_set_string_member (f, "team", s->team);
      json_object_set_string_member (f, "contact", s->contact);
      json_object_set_string_member (f, "licence", s->licence);
      json_object_set_string_member (f, "created", created);
      json_object_set_string_member (f, "state", s->state);

      for (guint r = 0; r < G_N_ELEMENTS (reviewers); r++)
        {
          g_autofree char *name = NULL;
          JsonObject *score;

          if (s->scores[r][0] == 0)
            continue;
          name = g_strconcat ("challenge_score:", id, ":", reviewers[r], NULL);
          score = add_change (changes, "challenge_score", sp_uuid_name_based (name))->fields;
          json_object_set_string_member (score, "solution_id", id);
          json_object_set_string_member (score, "reviewer", reviewers[r]);
          json_object_set_int_member (score, "impact", s->scores[r][0]);
          json_object_set_int_member (score, "feasibility", s->scores[r][1]);
          json_object_set_int_member (score, "innovation", s->scores[r][2]);
          json_object_set_string_member (score, "comment", "");
        }
    }
}

gboolean
sp_challenges_demo_load (SpStorage  *storage,
                         GError    **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  g_return_val_if_fail (storage != NULL, FALSE);

  add_challenges (changes);
  add_solutions (changes);
  return sp_storage_push_as_server (storage, changes, error);
}
