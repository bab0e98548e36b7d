/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-feedback-demo.h"

#include "sp-change.h"
#include "sp-feedback-store.h"

#define N_ITEMS     60
#define DEMO_SEED   20261129
#define DEMO_DAYS   70

/* The demo services most feedback is about (others get none). */
static const char * const demo_service_names[] = {
  "Wohnsitz anmelden",
  "Personalausweis beantragen",
  "Kita-Platz anmelden",
  "Sperrmüll anmelden",
  "Bewohnerparkausweis beantragen",
  "Kfz-Zulassung",
  "Wohngeld beantragen",
  "Briefwahl beantragen",
};

/* What citizens wrote, by rating (index 0: no rating). */
static const char * const texts[6][4] = {
  { "Auf der Seite fehlt, welche Unterlagen ich mitbringen muss.",
    "Der Link zum Online-Antrag führt ins Leere.",
    "Können Sie die Öffnungszeiten auch für Samstag angeben?",
    "Die Seite ist auf dem Handy schwer zu lesen." },
  { "Der Online-Antrag bricht beim Hochladen der Dokumente immer ab. Sehr ärgerlich!",
    "Nach dem Absenden kam nur eine Fehlermeldung, ich weiß nicht, ob der Antrag angekommen ist.",
    "Keine Termine in den nächsten sechs Wochen frei.",
    "Das Formular verlangt eine Steuer-ID, die ich als Student nicht finde." },
  { "Die Gebühren sind nirgends erklärt.",
    "Ich musste trotz Online-Antrag noch einmal persönlich vorbeikommen.",
    "Die Terminbuchung hat beim dritten Versuch funktioniert.",
    "Die Bestätigungsmail ist im Spam gelandet." },
  { "Geht so. Die Beschreibung könnte einfacher sein.",
    "Funktioniert, aber die Wartezeit auf die Bearbeitung ist lang.",
    "Ganz okay, die Unterlagenliste war hilfreich.",
    "" },
  { "Hat gut geklappt, danke!",
    "Übersichtlich, nur die Bezahlung per Karte fehlt.",
    "Schnell erledigt, nach zwei Tagen kam die Bestätigung.",
    "" },
  { "Super, alles online erledigt, ohne Wartezeit!",
    "Sehr freundliche Beratung am Telefon, vielen Dank.",
    "Endlich geht das auch digital. Weiter so!",
    "" },
};

static const char * const spam_texts[] = {
  "Billige Markenuhren hier: www.example.com/uhren",
  "Verdienen Sie 5000 Euro pro Woche von zu Hause!!!",
};

static const char * const replies[] = {
  "Vielen Dank für Ihren Hinweis. Wir haben die Seite ergänzt.",
  "Danke für Ihre Rückmeldung! Der Fehler beim Hochladen ist behoben, bitte versuchen Sie es noch einmal.",
  "Wir haben Ihre Anregung an den Fachdienst weitergegeben und melden uns, sobald es Neuigkeiten gibt.",
  "Vielen Dank für das Lob, das freut das ganze Team!",
};

static const char * const org_units[] = {
  "Bürgerservice", "Fachdienst Jugend und Bildung", "Kommunalservice Jena", "Ordnungsamt",
  "Team Digitalisierung",
};

/* Open311 reports with a place in Jena. */
static const struct {
  const char *text;
  const char *address;
  const char *lat;
  const char *lon;
} reports[] = {
  { "Sperrmüll liegt seit einer Woche neben den Containern.", "Magdelstieg 40, 07745 Jena", "50.919130", "11.570410" },
  { "Straßenlaterne defekt.", "Löbdergraben 12, 07743 Jena", "50.926520", "11.589870" },
  { "Schlagloch auf dem Radweg.", "Am Anger 5, 07743 Jena", "50.925340", "11.594010" },
  { "Überfüllter Papierkorb an der Haltestelle.", "Holzmarkt, 07743 Jena", "50.927210", "11.587050" },
};

static const char * const channels[] = { "web", "web", "web", "app", "kiosk", "bot" };

static GPtrArray *
demo_services (SpStorage  *storage,
               GError    **error)
{
  g_autoptr(JsonNode) published = NULL;
  g_autofree char *etag = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *list;

  if (!(published = sp_storage_published (storage, "service", &etag, error)))
    {
      g_ptr_array_unref (ids);
      return NULL;
    }

  list = json_node_get_array (published);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      const char *name = json_object_get_string_member_with_default (s, "name", "");

      if (g_strv_contains (demo_service_names, name))
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (s, "id")));
    }
  /* Another catalogue (e.g. an import): its first few services. */
  for (guint i = 0; ids->len < 4 && i < json_array_get_length (list); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (list, i), "id")));

  return ids;
}

static char *
time_before (GDateTime *now,
             double     days)
{
  g_autoptr(GDateTime) time = g_date_time_add_seconds (now, -days * 24 * 3600);

  return sp_feedback_format_time (time);
}

static void
set_processing (JsonObject *f,
                GRand      *rand,
                GDateTime  *now,
                double      ago,
                const char *state)
{
  const char *tags_pool[] = { "online-antrag", "termin", "lob", "fehler", "barrierefreiheit" };
  JsonArray *tags = json_array_new ();

  json_object_set_string_member (f, "state", state);
  json_object_set_string_member (f, "org_unit", org_units[g_rand_int_range (rand, 0, G_N_ELEMENTS (org_units))]);
  json_object_set_string_member (f, "assignee", g_rand_boolean (rand) ? "redaktion" : "admin");
  json_array_add_string_element (tags, tags_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (tags_pool))]);
  json_object_set_array_member (f, "tags", tags);

  if (strcmp (state, "answered") == 0 || (strcmp (state, "closed") == 0 && g_rand_boolean (rand)))
    {
      g_autofree char *replied = time_before (now, ago - g_rand_double_range (rand, 0.05, MIN (ago, 3.0)));

      json_object_set_string_member (f, "reply", replies[g_rand_int_range (rand, 0, G_N_ELEMENTS (replies))]);
      json_object_set_string_member (f, "replied", replied);
    }
}

gboolean
sp_feedback_demo_load (SpStorage  *storage,
                       GError    **error)
{
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (DEMO_SEED);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint sla_hours;

  g_return_val_if_fail (storage != NULL, FALSE);

  if (sp_storage_row_count (storage, "feedback") > 0)
    return TRUE;
  if (!(services = demo_services (storage, error)))
    return FALSE;

  sla_hours = sp_feedback_store_setting (storage, SP_FEEDBACK_SETTING_SLA_HOURS);

  for (guint i = 0; i < N_ITEMS; i++)
    {
      SpFeedbackInput input = { 0 };
      g_autofree char *ticket = sp_feedback_ticket_new ();
      g_autofree char *created = NULL;
      /* Days ago, spread over the period: older feedback is mostly done,
       * the latest mostly waits. */
      double ago = MAX (0.05, DEMO_DAYS * (1.0 - (double) i / N_ITEMS) - g_rand_double_range (rand, 0, 1));
      gboolean report = i % 12 == 5;
      gboolean spam = i % 17 == 9;
      guint r = g_rand_int_range (rand, 0, 100);
      const char *state;
      SpChange *change;

      input.rating = report || spam ? 0 : r < 10 ? 0 : r < 22 ? 1 : r < 34 ? 2 : r < 52 ? 3 : r < 77 ? 4 : 5;
      input.service_id = (char *) (services->len > 0 && !report && g_rand_int_range (rand, 0, 8) != 0
                                   ? g_ptr_array_index (services, g_rand_int_range (rand, 0, services->len))
                                   : "");
      input.channel = (char *) (report ? "open311" : channels[g_rand_int_range (rand, 0, G_N_ELEMENTS (channels))]);
      input.text = (char *) (spam ? spam_texts[i % G_N_ELEMENTS (spam_texts)]
                             : report ? reports[(i / 12) % G_N_ELEMENTS (reports)].text
                             : texts[input.rating][g_rand_int_range (rand, 0, 4)]);
      input.contact = (char *) (!spam && i % 7 == 3 ? (i % 2 ? "+49 3641 123456" : "m.beispiel@example.org") : "");
      input.address = (char *) (report ? reports[(i / 12) % G_N_ELEMENTS (reports)].address : "");
      input.lat = (char *) (report ? reports[(i / 12) % G_N_ELEMENTS (reports)].lat : "");
      input.lon = (char *) (report ? reports[(i / 12) % G_N_ELEMENTS (reports)].lon : "");

      if (spam)
        state = "spam";
      else if (ago < 4)
        state = r % 3 == 0 ? "in_progress" : "new";
      else if (ago < 14)
        state = r % 4 == 0 ? "new" : r % 4 == 1 ? "in_progress" : "answered";
      else
        state = r % 3 == 0 ? "answered" : "closed";

      /* "War das hilfreich?" sends a rating alone. */
      if (*input.text == '\0' && input.rating == 0)
        input.rating = 4;

      created = time_before (now, ago);
      change = sp_feedback_store_new_change (&input, ticket, created, sla_hours);
      if (strcmp (state, "new") != 0)
        set_processing (change->fields, rand, now, ago, state);
      g_ptr_array_add (changes, change);
    }

  return sp_storage_push_as_server (storage, changes, error);
}
