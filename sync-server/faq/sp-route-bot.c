/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-bot"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sp-route-bot.h"

#include "sp-bot-index.h"
#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-server-private.h"
#include "sp-smalltalk.h"
#include "sp-text.h"

#define BOT_PATH          "/api/v1/bot"
#define ASK_PATH          BOT_PATH "/ask"
#define STATUS_PATH       BOT_PATH "/status"
#define UNANSWERED_PATH   BOT_PATH "/unanswered"
#define KPI_PATH          BOT_PATH "/kpi"

#define MAX_ASK_BODY      4096
#define MAX_STATE_BODY    1024
#define MAX_QUESTION      500      /* characters */
#define MAX_SESSION       128      /* characters */
#define MAX_MATCHES       4
#define MAX_SUGGESTIONS   3
/* Suggestions below the answer threshold: candidates of at least this
 * share of the threshold (so chatter gets no random suggestions). */
#define SUGGEST_FACTOR    0.35
/* Entries shown as related to an answer: at least this share of its score. */
#define RELATED_FACTOR    0.8
/* An entry in the question's language may win over a better scored one in
 * the other language down to this share of its score. */
#define SAME_LANGUAGE_FACTOR 0.75
#define SESSION_TTL       (30 * 60 * G_USEC_PER_SEC)
#define MAX_SESSIONS      20000
#define FLUSH_INTERVAL    (2 * G_USEC_PER_SEC)
#define BOT_DATA_KEY      "sp-bot"
/* Questions queued for the workers at most; more get 429 (a flood must not
 * queue unbounded work). */
#define MAX_ASK_IN_FLIGHT 1024

typedef enum {
  OFFER_NONE,
  OFFER_HANDOFF,
  OFFER_CALLBACK,
} Offer;

/* What the bot remembers of a chat: the suggestions it offered and an open
 * hand-off/callback offer. No question text, nothing personal. */
typedef struct {
  char   *suggestions[MAX_SUGGESTIONS];   /* match ids */
  guint   n_suggestions;
  Offer   offer;
  gint64  last_seen;   /* monotonic µs */
} BotSession;

typedef struct {
  SpServer     *server;
  SpStorage    *storage;
  SpBotIndexer *indexer;

  GMutex        lock;
  GHashTable   *sessions;     /* session -> BotSession* */
  gint64        last_sweep;
  GHashTable   *kpi;          /* "day channel" -> SpBotKpiDelta* */
  GHashTable   *unanswered;   /* text_norm -> SpBotUnanswered* */
  gint64        last_flush;
  guint64       asked[SP_BOT_KIND_HANDOFF + 1];
  gint          asks_in_flight;
  char          today[16];    /* sp_city_today(), worked out once a second */
  gint64        today_at;     /* real time in s when today was set */
} SpBot;

/* -- texts (German / English) -------------------------------------------------- */

typedef enum {
  T_GREETING,
  T_THANKS,
  T_BYE,
  T_NO,
  T_YES_NOTHING,
  T_HANDOFF_OPEN,
  T_HANDOFF_CLOSED,
  T_CALLBACK_ACCEPT,
  T_NEXT_OPEN,
  T_NOT_UNDERSTOOD,
  T_DID_YOU_MEAN,
  T_PICK_NUMBER,
  T_PICK_NUMBER_VOICE,
  T_OFFER_HANDOFF,
  T_OFFER_CALLBACK,
  T_IN_GERMAN,
  T_RESPONSIBLE,
  T_HOURS,
  T_ONLINE,
  T_SERVICE_SPOKEN_OFFICE,
  N_TEXTS,
} TextId;

static const char * const texts[N_TEXTS][2] = {
  [T_GREETING] = {
    "Hallo! Ich bin der digitale Assistent der Stadtverwaltung. Fragen Sie mich zum Beispiel: „Wie melde ich meine Wohnung an?“",
    "Hello! I am the city administration’s digital assistant. Ask me, for example: “How do I register my new address?”" },
  [T_THANKS] = {
    "Gern geschehen! Kann ich sonst noch helfen?",
    "You are welcome! Is there anything else I can help with?" },
  [T_BYE] = {
    "Auf Wiedersehen und alles Gute!",
    "Goodbye and all the best!" },
  [T_NO] = {
    "In Ordnung. Fragen Sie mich gern etwas anderes.",
    "All right. Feel free to ask me something else." },
  [T_YES_NOTHING] = {
    "Wobei kann ich Ihnen helfen? Stellen Sie mir einfach Ihre Frage.",
    "How can I help you? Just ask me your question." },
  [T_HANDOFF_OPEN] = {
    "Gern verbinde ich Sie mit einer Mitarbeiterin oder einem Mitarbeiter.",
    "I will gladly connect you with a member of staff." },
  [T_HANDOFF_CLOSED] = {
    "Gerade ist leider niemand im Dienst%s. Sie können einen Rückruf anfordern; wir melden uns innerhalb von %s Stunden.",
    "Nobody is on duty right now%s. You can request a call back; we will get back to you within %s hours." },
  [T_CALLBACK_ACCEPT] = {
    "Gern. Bitte beschreiben Sie Ihr Anliegen und wie wir Sie erreichen können; wir melden uns innerhalb von %s Stunden.",
    "Gladly. Please describe your request and how we can reach you; we will get back to you within %s hours." },
  [T_NEXT_OPEN] = {
    " (wieder erreichbar: %s)",
    " (back: %s)" },
  [T_NOT_UNDERSTOOD] = {
    "Das habe ich leider nicht verstanden.",
    "Sorry, I did not understand that." },
  [T_DID_YOU_MEAN] = {
    " Meinten Sie vielleicht:",
    " Did you mean:" },
  [T_PICK_NUMBER] = {
    "Antworten Sie einfach mit der Nummer.",
    "Just reply with the number." },
  [T_PICK_NUMBER_VOICE] = {
    "Sagen Sie die Nummer oder drücken Sie sie auf der Telefontastatur.",
    "Say the number or press it on your keypad." },
  [T_OFFER_HANDOFF] = {
    " Möchten Sie mit einer Mitarbeiterin oder einem Mitarbeiter sprechen? Dann antworten Sie mit „ja“.",
    " Would you like to talk to a member of staff? Then reply “yes”." },
  [T_OFFER_CALLBACK] = {
    " Gerade ist niemand im Dienst. Möchten Sie einen Rückruf anfordern? Dann antworten Sie mit „ja“.",
    " Nobody is on duty right now. Would you like to request a call back? Then reply “yes”." },
  [T_IN_GERMAN] = {
    "",
    "This answer is in German (Antwort auf Deutsch):\n" },
  [T_RESPONSIBLE] = {
    "Zuständig: %s",
    "Responsible office: %s" },
  [T_HOURS] = {
    "Öffnungszeiten: %s",
    "Opening hours: %s" },
  [T_ONLINE] = {
    "Online: %s",
    "Online: %s" },
  [T_SERVICE_SPOKEN_OFFICE] = {
    " Zuständig ist %s.",
    " The responsible office is %s." },
};

static const char * const weekdays[2][7] = {
  { "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So" },
  { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" },
};

static int
lang_index (const char *lang)
{
  return g_strcmp0 (lang, "en") == 0 ? 1 : 0;
}

static const char *
T (const char *lang,
   TextId      id)
{
  return texts[id][lang_index (lang)];
}

/* -- state ----------------------------------------------------------------- */

static void
bot_session_free (BotSession *s)
{
  for (guint i = 0; i < s->n_suggestions; i++)
    g_free (s->suggestions[i]);
  g_free (s);
}

static void bot_flush (SpBot *bot);

static void
bot_free (SpBot *bot)
{
  bot_flush (bot);
  sp_bot_indexer_free (bot->indexer);
  g_hash_table_unref (bot->sessions);
  g_hash_table_unref (bot->kpi);
  g_hash_table_unref (bot->unanswered);
  g_mutex_clear (&bot->lock);
  g_free (bot);
}

static SpBot *
bot_get (SpServer *server)
{
  SpBot *bot = g_object_get_data (G_OBJECT (sp_server_get_soup (server)), BOT_DATA_KEY);

  g_return_val_if_fail (bot != NULL, NULL);
  return bot;
}

static const char *
valid_channel (const char *channel)
{
  return g_strcmp0 (channel, "voice") == 0 ? "voice" : "chat";
}

/* -- KPIs and the unanswered log ---------------------------------------------- */

/* With the lock held. The day in the office's time zone costs a
 * GDateTime: counted several times per question, it is worked out once a
 * second. */
static const char *
kpi_today (SpBot *bot)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (now != bot->today_at || bot->today[0] == '\0')
    {
      g_autofree char *day = sp_city_today ();

      g_strlcpy (bot->today, day, sizeof bot->today);
      bot->today_at = now;
    }
  return bot->today;
}

/* With the lock held. */
static SpBotKpiDelta *
kpi_slot (SpBot      *bot,
          const char *channel)
{
  const char *day = kpi_today (bot);
  char key[64];
  SpBotKpiDelta *d;

  g_snprintf (key, sizeof key, "%s %s", day, channel);
  d = g_hash_table_lookup (bot->kpi, key);
  if (d == NULL)
    {
      d = g_new0 (SpBotKpiDelta, 1);
      g_strlcpy (d->day, day, sizeof d->day);
      g_strlcpy (d->channel, channel, sizeof d->channel);
      g_hash_table_insert (bot->kpi, g_strdup (key), d);
    }
  return d;
}

static void
kpi_add (SpBotKpiDelta *d,
         SpBotEvent     event)
{
  switch (event)
    {
    case SP_BOT_EVENT_INTERACTION: d->interactions++; break;
    case SP_BOT_EVENT_ANSWERED:    d->answered++;     break;
    case SP_BOT_EVENT_HANDOFF:     d->handoffs++;     break;
    case SP_BOT_EVENT_UNANSWERED:  d->unanswered++;   break;
    case SP_BOT_EVENT_CALLBACK:    d->callbacks++;    break;
    default: g_assert_not_reached ();
    }
}

/* Writes what was counted and logged since the last flush. */
static void
bot_flush (SpBot *bot)
{
  g_autoptr(GArray) kpis = g_array_new (FALSE, FALSE, sizeof (SpBotKpiDelta));
  g_autoptr(GPtrArray) unanswered = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_bot_unanswered_free);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&bot->lock);
  bot->last_flush = g_get_monotonic_time ();
  g_hash_table_iter_init (&iter, bot->kpi);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_vals (kpis, value, 1);
  g_hash_table_remove_all (bot->kpi);
  g_hash_table_iter_init (&iter, bot->unanswered);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (unanswered, value);
      g_hash_table_iter_steal (&iter);
    }
  g_mutex_unlock (&bot->lock);

  if (!sp_storage_bot_record (bot->storage, kpis, unanswered, &error))
    g_warning ("Cannot store the bot counters: %s", error->message);
}

static void
bot_maybe_flush (SpBot *bot)
{
  gboolean due;

  g_mutex_lock (&bot->lock);
  due = g_get_monotonic_time () - bot->last_flush >= FLUSH_INTERVAL &&
        (g_hash_table_size (bot->kpi) > 0 || g_hash_table_size (bot->unanswered) > 0);
  g_mutex_unlock (&bot->lock);
  if (due)
    bot_flush (bot);
}

void
sp_bot_kpi_count (SpServer   *server,
                  const char *channel,
                  SpBotEvent  event)
{
  SpBot *bot;

  g_return_if_fail (server != NULL);
  if (!(bot = bot_get (server)))
    return;

  g_mutex_lock (&bot->lock);
  kpi_add (kpi_slot (bot, valid_channel (channel)), event);
  g_mutex_unlock (&bot->lock);
}

/* Personal data out of a logged question: e-mail addresses, telephone
 * numbers and other long digit runs, and names after "ich heiße", "mein
 * Name ist", "my name is". */
static char *
strip_personal (const char *text)
{
  static GRegex *email, *digits, *names;
  static gsize once = 0;
  g_autofree char *a = NULL, *b = NULL;
  char *c;

  if (g_once_init_enter (&once))
    {
      email = g_regex_new ("[[:alnum:]._%+-]+@[[:alnum:].-]+\\.[[:alpha:]]{2,}",
                           G_REGEX_OPTIMIZE, 0, NULL);
      digits = g_regex_new ("\\+?\\d[\\d \\t/().-]{3,}\\d", G_REGEX_OPTIMIZE, 0, NULL);
      names = g_regex_new ("(?i)\\b(ich\\s+hei(?:ß|ss)e|mein\\s+name\\s+ist|my\\s+name\\s+is)\\s+"
                           "[\\p{L}'’-]+(?:\\s+(?-i:\\p{Lu})[\\p{L}'’-]+)?",
                           G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (email && digits && names);
      g_once_init_leave (&once, 1);
    }

  a = g_regex_replace_literal (email, text, -1, 0, "[…]", 0, NULL);
  b = g_regex_replace_literal (digits, a ? a : text, -1, 0, "[…]", 0, NULL);
  c = g_regex_replace (names, b ? b : text, -1, 0, "\\1 […]", 0, NULL);
  return c ? c : g_strdup ("");
}

static void
log_unanswered (SpBot      *bot,
                const char *question,
                const char *lang)
{
  g_autofree char *clean = strip_personal (question);
  g_autofree char *norm = sp_text_fold (clean);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SpBotUnanswered *u;

  if (norm == NULL || *norm == '\0')
    return;
  /* Nothing but placeholders and digits left: not worth a FAQ entry. */
  if (strspn (norm, "0123456789 ") == strlen (norm))
    return;

  g_mutex_lock (&bot->lock);
  if ((u = g_hash_table_lookup (bot->unanswered, norm)) != NULL)
    {
      u->count++;
      u->last_seen = now;
    }
  else
    {
      u = g_new0 (SpBotUnanswered, 1);
      u->text_norm = g_strdup (norm);
      u->text = g_strdup (g_strstrip (clean));
      u->language = g_strdup (lang);
      u->count = 1;
      u->first_seen = u->last_seen = now;
      g_hash_table_insert (bot->unanswered, u->text_norm, u);
    }
  g_mutex_unlock (&bot->lock);
}

/* -- sessions ---------------------------------------------------------------- */

/* With the lock held: the session, created if needed (NULL for no id). */
static BotSession *
session_get (SpBot      *bot,
             const char *id)
{
  gint64 now = g_get_monotonic_time ();
  BotSession *s;

  if (id == NULL)
    return NULL;

  /* Forget idle sessions now and then, and bound their number. */
  if (now - bot->last_sweep > 60 * G_USEC_PER_SEC ||
      g_hash_table_size (bot->sessions) >= MAX_SESSIONS)
    {
      GHashTableIter iter;
      gpointer value;

      bot->last_sweep = now;
      g_hash_table_iter_init (&iter, bot->sessions);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (now - ((BotSession *) value)->last_seen > SESSION_TTL ||
            g_hash_table_size (bot->sessions) >= MAX_SESSIONS)
          g_hash_table_iter_remove (&iter);
    }

  s = g_hash_table_lookup (bot->sessions, id);
  if (s != NULL && now - s->last_seen > SESSION_TTL)
    {
      g_hash_table_remove (bot->sessions, id);
      s = NULL;
    }
  if (s == NULL)
    {
      s = g_new0 (BotSession, 1);
      g_hash_table_insert (bot->sessions, g_strdup (id), s);
    }
  s->last_seen = now;
  return s;
}

static void
session_set_suggestions (BotSession *s,
                         GPtrArray  *match_ids)
{
  for (guint i = 0; i < s->n_suggestions; i++)
    g_clear_pointer (&s->suggestions[i], g_free);
  s->n_suggestions = 0;
  for (guint i = 0; match_ids != NULL && i < match_ids->len && i < MAX_SUGGESTIONS; i++)
    s->suggestions[s->n_suggestions++] = g_strdup (g_ptr_array_index (match_ids, i));
}

/* "1", "2.", " 3) " -> 1..3; 0 otherwise. */
static guint
picked_number (const char *question)
{
  const char *p = question;
  guint n;

  while (g_ascii_isspace (*p))
    p++;
  if (*p < '1' || *p > '0' + MAX_SUGGESTIONS)
    return 0;
  n = *p++ - '0';
  while (*p == '.' || *p == ')' || g_ascii_isspace (*p))
    p++;
  return *p == '\0' ? n : 0;
}

/* -- answers ------------------------------------------------------------------- */

const char *
sp_bot_kind_to_string (SpBotKind kind)
{
  switch (kind)
    {
    case SP_BOT_KIND_ANSWER:    return "answer";
    case SP_BOT_KIND_CLARIFY:   return "clarify";
    case SP_BOT_KIND_UNKNOWN:   return "unknown";
    case SP_BOT_KIND_SMALLTALK: return "smalltalk";
    case SP_BOT_KIND_HANDOFF:   return "handoff";
    default:                    return "unknown";
    }
}

static void
suggestion_free (SpBotSuggestion *s)
{
  g_free (s->faq_id);
  g_free (s->service_id);
  g_free (s->question);
  g_free (s);
}

void
sp_bot_answer_clear (SpBotAnswer *answer)
{
  g_return_if_fail (answer != NULL);

  g_clear_pointer (&answer->answer, g_free);
  g_clear_pointer (&answer->faq_id, g_free);
  g_clear_pointer (&answer->service_id, g_free);
  g_clear_pointer (&answer->suggestions, g_ptr_array_unref);
  memset (answer, 0, sizeof *answer);
}

/* Written as text: building a JsonNode and running a JsonGenerator over it
 * cost some 65 000 instructions per answer, more than the matcher (the
 * bot's HTTP hot path). Members in the contract's order. */
char *
sp_bot_answer_to_json (const SpBotAnswer *answer,
                       gsize             *length)
{
  GString *out;
  guint n;

  g_return_val_if_fail (answer != NULL, NULL);

  out = g_string_sized_new (512);
  n = answer->suggestions ? answer->suggestions->len : 0;
  g_string_append (out, "{\"answer\":");
  sp_json_append_string (out, answer->answer ? answer->answer : "");
  g_string_append (out, ",\"faq_id\":");
  if (answer->faq_id)
    sp_json_append_string (out, answer->faq_id);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"confidence\":");
  sp_json_append_double (out, CLAMP (answer->confidence, 0.0, 1.0));
  g_string_append (out, answer->handoff ? ",\"handoff\":true" : ",\"handoff\":false");
  g_string_append (out, ",\"suggestions\":[");
  for (guint i = 0; i < n; i++)
    {
      SpBotSuggestion *s = g_ptr_array_index (answer->suggestions, i);

      g_string_append (out, i > 0 ? ",{\"faq_id\":" : "{\"faq_id\":");
      if (s->faq_id)
        sp_json_append_string (out, s->faq_id);
      else
        g_string_append (out, "null");
      if (s->service_id)
        {
          g_string_append (out, ",\"service_id\":");
          sp_json_append_string (out, s->service_id);
        }
      g_string_append (out, ",\"question\":");
      sp_json_append_string (out, s->question);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  if (answer->service_id)
    {
      g_string_append (out, ",\"service_id\":");
      sp_json_append_string (out, answer->service_id);
    }
  g_string_append (out, ",\"kind\":");
  sp_json_append_string (out, sp_bot_kind_to_string (answer->kind));
  g_string_append (out, answer->office_open ? ",\"office_open\":true" : ",\"office_open\":false");
  g_string_append (out, ",\"lang\":");
  sp_json_append_string (out, answer->lang ? answer->lang : "de");
  g_string_append_c (out, '}');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/* "Mo, 01.12., 08:00 Uhr" / "Mon, 01/12, 08:00" */
static char *
format_next_open (GDateTime  *next,
                  const char *lang)
{
  int l = lang_index (lang);
  g_autofree char *rest = g_date_time_format (next, l ? "%d/%m, %H:%M" : "%d.%m., %H:%M Uhr");

  return g_strdup_printf ("%s, %s", weekdays[l][g_date_time_get_day_of_week (next) - 1], rest);
}

static char *
closed_text (SpBotIndex *index,
             const char *lang,
             TextId      id)
{
  g_autoptr(GDateTime) now = sp_city_now ();
  g_autoptr(GDateTime) next = sp_office_hours_next_open (sp_bot_index_get_office_hours (index), now);
  const char *hours = sp_bot_index_get_setting (index, "callback_hours");
  g_autofree char *when = NULL;
  g_autofree char *next_text = NULL;

  if (next != NULL)
    {
      when = format_next_open (next, lang);
      next_text = g_strdup_printf (T (lang, T_NEXT_OPEN), when);
    }
  if (id == T_CALLBACK_ACCEPT)
    return g_strdup_printf (T (lang, id), hours ? hours : "24");
  return g_strdup_printf (T (lang, id), next_text ? next_text : "", hours ? hours : "24");
}

/* The answer text of a matched document. */
static char *
doc_answer (const SpBotDoc *doc,
            const char     *lang,
            gboolean        voice)
{
  GString *out = g_string_new (NULL);
  int en = lang_index (lang);

  if (en && g_strcmp0 (doc->language, "en") != 0)
    g_string_append (out, T (lang, T_IN_GERMAN));

  if (doc->kind == SP_BOT_DOC_FAQ)
    {
      g_string_append (out, voice && *doc->answer_short ? doc->answer_short : doc->answer);
      return g_string_free (out, FALSE);
    }

  /* A service without an FAQ entry: name, office, opening hours, link. */
  if (voice)
    {
      g_string_append_printf (out, "%s.", doc->question);
      if (*doc->office)
        g_string_append_printf (out, T (lang, T_SERVICE_SPOKEN_OFFICE), doc->office);
      if (*doc->opening_hours)
        {
          g_string_append_c (out, ' ');
          g_string_append_printf (out, T (lang, T_HOURS), doc->opening_hours);
          g_string_append_c (out, '.');
        }
      return g_string_free (out, FALSE);
    }
  g_string_append (out, doc->question);
  if (*doc->office)
    {
      g_string_append_c (out, '\n');
      g_string_append_printf (out, T (lang, T_RESPONSIBLE), doc->office);
    }
  if (*doc->opening_hours)
    {
      g_string_append_c (out, '\n');
      g_string_append_printf (out, T (lang, T_HOURS), doc->opening_hours);
    }
  if (*doc->online_url)
    {
      g_string_append_c (out, '\n');
      g_string_append_printf (out, T (lang, T_ONLINE), doc->online_url);
    }
  return g_string_free (out, FALSE);
}

static void
answer_with_doc (SpBotAnswer    *out,
                 const SpBotDoc *doc,
                 double          confidence,
                 gboolean        voice)
{
  out->kind = SP_BOT_KIND_ANSWER;
  out->answer = doc_answer (doc, out->lang, voice);
  out->faq_id = doc->kind == SP_BOT_DOC_FAQ ? g_strdup (doc->id) : NULL;
  out->service_id = *doc->service_id ? g_strdup (doc->service_id) : NULL;
  out->confidence = confidence;
}

static void
add_suggestion (SpBotAnswer    *out,
                const SpBotDoc *doc)
{
  SpBotSuggestion *s = g_new0 (SpBotSuggestion, 1);

  s->faq_id = doc->kind == SP_BOT_DOC_FAQ ? g_strdup (doc->id) : NULL;
  s->service_id = *doc->service_id ? g_strdup (doc->service_id) : NULL;
  s->question = g_strdup (doc->question);
  g_ptr_array_add (out->suggestions, s);
}

static void
smalltalk_answer (SpBotAnswer *out,
                  TextId       id)
{
  out->kind = SP_BOT_KIND_SMALLTALK;
  out->answer = g_strdup (T (out->lang, id));
  out->confidence = 1.0;
}

static void
handoff_answer (SpBotAnswer *out,
                SpBotIndex  *index,
                gboolean     accepted_callback)
{
  out->kind = SP_BOT_KIND_HANDOFF;
  out->handoff = TRUE;
  out->confidence = 1.0;
  if (out->office_open)
    out->answer = g_strdup (T (out->lang, T_HANDOFF_OPEN));
  else
    out->answer = closed_text (index, out->lang,
                               accepted_callback ? T_CALLBACK_ACCEPT : T_HANDOFF_CLOSED);
}

gboolean
sp_bot_answer_session (SpServer    *server,
                       const char  *question,
                       const char  *session,
                       const char  *lang,
                       const char  *channel,
                       SpBotAnswer *out)
{
  g_autoptr(SpBotIndex) index = NULL;
  g_autoptr(GArray) matches = NULL;
  g_autoptr(GPtrArray) offered = g_ptr_array_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *picked = NULL;
  const char *smalltalk_lang = NULL;
  SpSmalltalk smalltalk;
  SpMatcher *matcher;
  Offer pending = OFFER_NONE;
  gboolean voice;
  guint number;
  SpBot *bot;
  double threshold = sp_matcher_threshold ();

  g_return_val_if_fail (server != NULL, FALSE);
  g_return_val_if_fail (question != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) suggestion_free);
  if (!(bot = bot_get (server)) || !(index = sp_bot_indexer_get (bot->indexer)))
    return FALSE;

  channel = valid_channel (channel);
  voice = strcmp (channel, "voice") == 0;
  matcher = sp_bot_index_get_matcher (index);
  now = sp_city_now ();
  out->office_open = sp_office_hours_is_open (sp_bot_index_get_office_hours (index), now);
  sp_bot_kpi_count (server, channel, SP_BOT_EVENT_INTERACTION);

  /* What the session remembers: a number picks a suggestion. */
  number = picked_number (question);
  g_mutex_lock (&bot->lock);
  {
    BotSession *s = session_get (bot, session);

    if (s != NULL)
      {
        pending = s->offer;
        s->offer = OFFER_NONE;
        if (number > 0 && number <= s->n_suggestions)
          picked = g_strdup (s->suggestions[number - 1]);
      }
  }
  g_mutex_unlock (&bot->lock);

  smalltalk = sp_smalltalk_classify (question, &smalltalk_lang);
  if (lang != NULL && (strcmp (lang, "de") == 0 || strcmp (lang, "en") == 0))
    out->lang = strcmp (lang, "en") == 0 ? "en" : "de";
  else if (smalltalk != SP_SMALLTALK_NONE && smalltalk_lang != NULL)
    out->lang = g_strcmp0 (smalltalk_lang, "en") == 0 ? "en" : "de";
  else if (picked == NULL && smalltalk == SP_SMALLTALK_NONE)
    {
      /* The question goes to the matcher anyway, which reads its language
       * the way sp_matcher_detect_language() does: ask it once. */
      SpMatchInfo info = { 0 };

      matches = sp_matcher_query_full (matcher, question, MAX_MATCHES, &info);
      out->lang = g_strcmp0 (info.lang, "en") == 0 ? "en" : "de";
    }
  else
    out->lang = g_strcmp0 (sp_matcher_detect_language (matcher, question), "en") == 0 ? "en" : "de";

  if (picked != NULL)
    {
      const SpBotDoc *doc = sp_bot_index_lookup (index, picked);

      if (doc != NULL)
        {
          answer_with_doc (out, doc, 1.0, voice);
          sp_bot_kpi_count (server, channel, SP_BOT_EVENT_ANSWERED);
          g_mutex_lock (&bot->lock);
          bot->asked[out->kind]++;
          g_mutex_unlock (&bot->lock);
          return TRUE;
        }
    }

  switch (smalltalk)
    {
    case SP_SMALLTALK_GREETING:
      smalltalk_answer (out, T_GREETING);
      break;
    case SP_SMALLTALK_THANKS:
      smalltalk_answer (out, T_THANKS);
      break;
    case SP_SMALLTALK_BYE:
      smalltalk_answer (out, T_BYE);
      break;
    case SP_SMALLTALK_NO:
      smalltalk_answer (out, T_NO);
      break;
    case SP_SMALLTALK_HUMAN:
      handoff_answer (out, index, FALSE);
      break;
    case SP_SMALLTALK_YES:
      if (pending == OFFER_NONE)
        smalltalk_answer (out, T_YES_NOTHING);
      else
        handoff_answer (out, index, pending == OFFER_CALLBACK);
      break;
    case SP_SMALLTALK_NONE:
    default:
      break;
    }
  if (smalltalk != SP_SMALLTALK_NONE)
    {
      g_mutex_lock (&bot->lock);
      bot->asked[out->kind]++;
      g_mutex_unlock (&bot->lock);
      return TRUE;
    }

  if (matches == NULL)
    matches = sp_matcher_query (matcher, question, MAX_MATCHES);
  if (matches->len > 0 && g_array_index (matches, SpMatch, 0).confidence >= threshold)
    {
      const SpMatch *top = &g_array_index (matches, SpMatch, 0);
      const SpBotDoc *doc = sp_bot_index_lookup (index, top->id);
      guint chosen = 0;

      /* An entry in the question's language close behind wins over one in
       * the other language (an English entry for an English question). */
      for (guint i = 1; doc != NULL && g_strcmp0 (doc->language, out->lang) != 0 && i < matches->len; i++)
        {
          const SpMatch *m = &g_array_index (matches, SpMatch, i);
          const SpBotDoc *other = sp_bot_index_lookup (index, m->id);

          if (other != NULL && g_strcmp0 (other->language, out->lang) == 0 &&
              m->score >= SAME_LANGUAGE_FACTOR * top->score)
            {
              doc = other;
              chosen = i;
              break;
            }
        }

      if (doc != NULL)
        {
          answer_with_doc (out, doc, top->confidence, voice);
          /* Related entries close behind the answer. */
          for (guint i = 0; i < matches->len && out->suggestions->len < MAX_SUGGESTIONS - 1; i++)
            {
              const SpMatch *m = &g_array_index (matches, SpMatch, i);
              const SpBotDoc *other = sp_bot_index_lookup (index, m->id);

              if (i != chosen && other != NULL && m->score >= RELATED_FACTOR * top->score)
                {
                  add_suggestion (out, other);
                  g_ptr_array_add (offered, other->match_id);
                }
            }
          sp_bot_kpi_count (server, channel, SP_BOT_EVENT_ANSWERED);
          g_mutex_lock (&bot->lock);
          {
            BotSession *s = session_get (bot, session);

            if (s != NULL)
              session_set_suggestions (s, offered);
          }
          bot->asked[out->kind]++;
          g_mutex_unlock (&bot->lock);
          return TRUE;
        }
    }

  /* Not sure: no guess. Suggestions if any are close, and a person. */
  {
    GString *text = g_string_new (T (out->lang, T_NOT_UNDERSTOOD));

    out->confidence = matches->len > 0 ? g_array_index (matches, SpMatch, 0).confidence : 0.0;
    for (guint i = 0; i < matches->len && out->suggestions->len < MAX_SUGGESTIONS; i++)
      {
        const SpMatch *m = &g_array_index (matches, SpMatch, i);
        const SpBotDoc *doc = sp_bot_index_lookup (index, m->id);

        if (doc == NULL || m->confidence < SUGGEST_FACTOR * threshold)
          continue;
        if (out->suggestions->len == 0)
          g_string_append (text, T (out->lang, T_DID_YOU_MEAN));
        g_string_append_printf (text, "\n%u. %s", out->suggestions->len + 1, doc->question);
        add_suggestion (out, doc);
        g_ptr_array_add (offered, doc->match_id);
      }
    if (out->suggestions->len > 0)
      {
        g_string_append_c (text, '\n');
        g_string_append (text, T (out->lang, voice ? T_PICK_NUMBER_VOICE : T_PICK_NUMBER));
      }
    g_string_append (text, T (out->lang, out->office_open ? T_OFFER_HANDOFF : T_OFFER_CALLBACK));
    out->answer = g_string_free (text, FALSE);
    out->kind = out->suggestions->len > 0 ? SP_BOT_KIND_CLARIFY : SP_BOT_KIND_UNKNOWN;
    out->handoff = out->office_open;

    g_mutex_lock (&bot->lock);
    {
      BotSession *s = session_get (bot, session);

      if (s != NULL)
        {
          session_set_suggestions (s, offered);
          s->offer = out->office_open ? OFFER_HANDOFF : OFFER_CALLBACK;
        }
    }
    bot->asked[out->kind]++;
    g_mutex_unlock (&bot->lock);

    sp_bot_kpi_count (server, channel, SP_BOT_EVENT_UNANSWERED);
    log_unanswered (bot, question, out->lang);
  }

  return TRUE;
}

gboolean
sp_bot_answer (SpServer    *server,
               const char  *question,
               const char  *lang,
               const char  *channel,
               SpBotAnswer *out)
{
  return sp_bot_answer_session (server, question, NULL, lang, channel, out);
}

gboolean
sp_bot_office_open (SpServer  *server,
                    char     **next_open,
                    char     **hotline)
{
  g_autoptr(SpBotIndex) index = NULL;
  g_autoptr(GDateTime) now = NULL;
  gboolean open;
  SpBot *bot;

  g_return_val_if_fail (server != NULL, FALSE);

  if (next_open)
    *next_open = NULL;
  if (hotline)
    *hotline = NULL;
  if (!(bot = bot_get (server)) || !(index = sp_bot_indexer_get (bot->indexer)))
    return FALSE;

  now = sp_city_now ();
  open = sp_office_hours_is_open (sp_bot_index_get_office_hours (index), now);
  if (next_open && !open)
    {
      g_autoptr(GDateTime) next = sp_office_hours_next_open (sp_bot_index_get_office_hours (index), now);

      if (next != NULL)
        *next_open = g_date_time_format_iso8601 (next);
    }
  if (hotline)
    *hotline = g_strdup (sp_bot_index_get_setting (index, "hotline"));
  return open;
}

/* -- routes ------------------------------------------------------------------- */

/* The checks of a string member: @present (the member is there and not
 * null), @is_string, its value @s. */
static gboolean
check_string (const char  *name,
              gboolean     present,
              gboolean     is_string,
              const char  *s,
              gboolean     required,
              guint        max_chars,
              const char **out,
              GError     **error)
{
  glong n;

  *out = NULL;
  if (!present)
    {
      if (required)
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", name);
      return !required;
    }
  if (!is_string)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected a string", name);
      return FALSE;
    }
  n = g_utf8_strlen (s, -1);
  if (n == 0 || (guint) n > max_chars)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected 1 to %u characters",
                   name, max_chars);
      return FALSE;
    }
  *out = s;
  return TRUE;
}

static gboolean
get_string (JsonObject  *o,
            const char  *name,
            gboolean     required,
            guint        max_chars,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (o, name);
  gboolean present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  gboolean is_string = present && JSON_NODE_HOLDS_VALUE (node) &&
                       json_node_get_value_type (node) == G_TYPE_STRING;

  return check_string (name, present, is_string, is_string ? json_node_get_string (node) : NULL,
                       required, max_chars, out, error);
}

/* The answer to the question in @body as JSON text. */
static char *
ask_answer (SpServer    *server,
            JsonNode    *body,
            gsize       *length,
            GError     **error)
{
  g_autofree char *question = NULL;
  const char *raw, *session, *lang, *channel;
  SpBotAnswer answer = { 0 };
  JsonObject *o;
  char *text;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "expected a JSON object {\"question\",\"session\"}");
      return NULL;
    }
  o = json_node_get_object (body);
  if (!get_string (o, "question", TRUE, MAX_QUESTION, &raw, error) ||
      !get_string (o, "session", TRUE, MAX_SESSION, &session, error) ||
      !get_string (o, "lang", FALSE, 2, &lang, error) ||
      !get_string (o, "channel", FALSE, 5, &channel, error))
    return NULL;
  question = g_strstrip (g_strdup (raw));
  if (*question == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "question: must not be empty");
      return NULL;
    }
  if (lang != NULL && strcmp (lang, "de") != 0 && strcmp (lang, "en") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "lang: expected “de” or “en”");
      return NULL;
    }
  if (channel != NULL && strcmp (channel, "chat") != 0 && strcmp (channel, "voice") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "channel: expected “chat” or “voice”");
      return NULL;
    }

  if (!sp_bot_answer_session (server, question, session, lang, channel, &answer))
    {
      sp_bot_answer_clear (&answer);
      g_set_error (error, SP_ERROR, SP_ERROR_STORAGE, "The bot is not available");
      return NULL;
    }
  text = sp_bot_answer_to_json (&answer, length);
  sp_bot_answer_clear (&answer);
  bot_maybe_flush (bot_get (server));
  return text;
}

static char *
ask_work (SpServer     *server,
          SpPrincipal  *principal,
          JsonNode     *body,
          GHashTable   *query,
          guint        *status,
          gsize        *length,
          GError      **error)
{
  char *text = ask_answer (server, body, length, error);

  g_atomic_int_dec_and_test (&bot_get (server)->asks_in_flight);
  return text;
}

static JsonNode *
status_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *next_open = NULL, *hotline = NULL;
  gboolean open = sp_bot_office_open (server, &next_open, &hotline);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "office_open");
  json_builder_add_boolean_value (b, open);
  json_builder_set_member_name (b, "next_open");
  if (next_open)
    json_builder_add_string_value (b, next_open);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "hotline");
  if (hotline)
    json_builder_add_string_value (b, hotline);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
unanswered_list_work (SpServer     *server,
                      SpPrincipal  *principal,
                      JsonNode     *body,
                      GHashTable   *query,
                      guint        *status,
                      GError      **error)
{
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *limit = query ? g_hash_table_lookup (query, "limit") : NULL;
  guint64 n = 1000;

  if (state == NULL)
    state = "open";
  if (strcmp (state, "open") != 0 && strcmp (state, "done") != 0 &&
      strcmp (state, "dismissed") != 0 && strcmp (state, "all") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "state: expected open, done, dismissed or all");
      return NULL;
    }
  if (limit != NULL && (!g_ascii_string_to_unsigned (limit, 10, 1, 10000, &n, NULL)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "limit: expected 1 to 10000");
      return NULL;
    }
  bot_flush (bot_get (server));
  return sp_storage_bot_unanswered (sp_server_get_storage (server),
                                    strcmp (state, "all") == 0 ? NULL : state, (guint) n, error);
}

static JsonNode *
unanswered_state_work (SpServer     *server,
                       SpPrincipal  *principal,
                       JsonNode     *body,
                       GHashTable   *query,
                       guint        *status,
                       GError      **error)
{
  const char *id_text = g_hash_table_lookup (query, "_id");
  const char *state;
  guint64 id = 0;
  JsonObject *o;
  JsonNode *node;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "expected a JSON object {\"state\"}");
      return NULL;
    }
  o = json_node_get_object (body);
  if (!get_string (o, "state", TRUE, 16, &state, error))
    return NULL;
  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such unanswered question");
      return NULL;
    }
  bot_flush (bot_get (server));
  if (!sp_storage_bot_unanswered_set_state (sp_server_get_storage (server), (gint64) id, state, error))
    return NULL;

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, json_object_new ());
  json_object_set_int_member (json_node_get_object (node), "id", (gint64) id);
  json_object_set_string_member (json_node_get_object (node), "state", state);
  return node;
}

static gboolean
is_day (const char *s)
{
  int y, m, d;

  return s != NULL && strlen (s) == 10 && s[4] == '-' && s[7] == '-' &&
         sscanf (s, "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y);
}

static JsonNode *
kpi_work (SpServer     *server,
          SpPrincipal  *principal,
          JsonNode     *body,
          GHashTable   *query,
          guint        *status,
          GError      **error)
{
  const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
  const char *to = query ? g_hash_table_lookup (query, "to") : NULL;

  if ((from != NULL && !is_day (from)) || (to != NULL && !is_day (to)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "from, to: expected dates YYYY-MM-DD");
      return NULL;
    }
  bot_flush (bot_get (server));
  return sp_storage_bot_kpi (sp_server_get_storage (server), from, to, error);
}

/* CORS of the public endpoints (and their preflight, answered before any
 * handler runs) is sp-bot-cors.c's. */
static gboolean
already_answered (SoupServerMessage *msg)
{
  return soup_server_message_get_status (msg) != 0;
}

/* The request body read by sp_json_parse() (the sync path's parser, much
 * cheaper than a JsonParser) when it is a well-formed object of plain
 * values, the usual question; NULL otherwise: then json-glib reads it,
 * and words any error, as for every other route. */
static JsonNode *
read_simple_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObjectIter iter;
  JsonNode *member;
  const char *data;
  gsize len;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > MAX_ASK_BODY)
    return NULL;
  bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (bytes, &len);
  if (len == 0 || len > MAX_ASK_BODY ||
      (node = sp_json_parse (data, (gssize) len, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, NULL, &member))
    if (!JSON_NODE_HOLDS_VALUE (member) && !JSON_NODE_HOLDS_NULL (member))
      return NULL;
  return g_steal_pointer (&node);
}

static void
ask_handler (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SpServer *server = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *body;

  if (strcmp (path, ASK_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  if (already_answered (msg))
    return;
  if (!_sp_server_require_method (msg, "POST", "POST"))
    return;
  if ((body = read_simple_body (msg)) == NULL &&
      (body = _sp_server_require_json_body (msg, MAX_ASK_BODY)) == NULL)
    return;
  if (g_atomic_int_add (&bot_get (server)->asks_in_flight, 1) >= MAX_ASK_IN_FLIGHT)
    {
      g_atomic_int_dec_and_test (&bot_get (server)->asks_in_flight);
      json_node_unref (body);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      g_set_error_literal (&error, SP_ERROR, SP_ERROR_RATE_LIMITED,
                           "Too many questions at once, please try again in a moment");
      sp_server_reply_error (msg, error);
      return;
    }
  sp_server_defer_text (server, msg, NULL, body, NULL, ask_work);
}

static void
status_handler (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SpServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (path, STATUS_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  if (already_answered (msg))
    return;
  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }
  sp_server_defer (server, msg, NULL, NULL, NULL, status_work);
}

static void
unanswered_handler (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SpServer *server = user_data;
  g_autoptr(SpPrincipal) principal = NULL;

  if (!(principal = _sp_server_require_roles (server, msg, "editor,admin",
                                              "Only editors may read and triage the unanswered questions")))
    return;

  if (strcmp (path, UNANSWERED_PATH) == 0)
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, query, unanswered_list_work);
      return;
    }
  if (g_str_has_prefix (path, UNANSWERED_PATH "/") && strchr (path + strlen (UNANSWERED_PATH "/"), '/') == NULL)
    {
      g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      JsonNode *body;

      if (!_sp_server_require_method (msg, "POST", "POST"))
        return;
      if (!(body = _sp_server_require_json_body (msg, MAX_STATE_BODY)))
        return;
      g_hash_table_insert (params, "_id", g_strdup (path + strlen (UNANSWERED_PATH "/")));
      sp_server_defer (server, msg, g_steal_pointer (&principal), body, params, unanswered_state_work);
      return;
    }
  _sp_server_reply_api_not_found (msg);
}

static void
kpi_handler (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  SpServer *server = user_data;
  g_autoptr(SpPrincipal) principal = NULL;

  if (!(principal = _sp_server_require_roles (server, msg, "staff", "Only staff")))
    return;
  if (strcmp (path, KPI_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  if (!_sp_server_require_method (msg, "GET", "GET"))
    return;
  sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, query, kpi_work);
}

void
sp_route_bot_metrics (SpServer *server,
                      GString  *out)
{
  g_autoptr(SpBotIndex) index = NULL;
  SpBot *bot;
  guint64 asked[SP_BOT_KIND_HANDOFF + 1];
  guint builds;

  g_return_if_fail (server != NULL && out != NULL);
  if (!(bot = bot_get (server)))
    return;

  g_mutex_lock (&bot->lock);
  memcpy (asked, bot->asked, sizeof asked);
  g_mutex_unlock (&bot->lock);
  builds = sp_bot_indexer_get_builds (bot->indexer);

  g_string_append (out,
                   "# HELP stadtpult_bot_questions_total Questions the chat and voice bot handled, by outcome.\n"
                   "# TYPE stadtpult_bot_questions_total counter\n");
  for (guint i = 0; i <= SP_BOT_KIND_HANDOFF; i++)
    g_string_append_printf (out, "stadtpult_bot_questions_total{kind=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            sp_bot_kind_to_string (i), asked[i]);
  g_string_append_printf (out,
                          "# HELP stadtpult_bot_index_builds_total Builds of the bot's matcher index.\n"
                          "# TYPE stadtpult_bot_index_builds_total counter\n"
                          "stadtpult_bot_index_builds_total %u\n", builds);
}

void
sp_route_bot_register (SpServer *server)
{
  SoupServer *soup;
  SpBot *bot;

  g_return_if_fail (server != NULL);

  soup = sp_server_get_soup (server);
  bot = g_new0 (SpBot, 1);
  bot->server = server;
  bot->storage = sp_server_get_storage (server);
  g_mutex_init (&bot->lock);
  bot->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bot_session_free);
  bot->kpi = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bot->unanswered = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) sp_bot_unanswered_free);
  bot->last_flush = g_get_monotonic_time ();
  bot->last_sweep = g_get_monotonic_time ();
  /* With content, load the language resources now, so that the first
   * citizen does not wait for them. */
  bot->indexer = sp_bot_indexer_new (bot->storage,
                                     sp_storage_row_count (bot->storage, "faq") > 0);
  /* Freed with the SoupServer, before the storage is closed. */
  g_object_set_data_full (G_OBJECT (soup), BOT_DATA_KEY, bot, (GDestroyNotify) bot_free);

  soup_server_add_handler (soup, ASK_PATH, ask_handler, server, NULL);
  soup_server_add_handler (soup, STATUS_PATH, status_handler, server, NULL);
  soup_server_add_handler (soup, UNANSWERED_PATH, unanswered_handler, server, NULL);
  soup_server_add_handler (soup, KPI_PATH, kpi_handler, server, NULL);
}
