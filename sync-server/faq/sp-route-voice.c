/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-voice"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sp-route-voice.h"

#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-server-private.h"
#include "sp-voice-bot.h"

/* The voice bot (see sp-route-voice.h for the documents).
 *
 * Language: the prompts are spoken in German (xml:lang de-DE, espeak-ng
 * voice "de") whatever the server's locale is, so they are not gettext
 * strings but a small German/English table below (English with
 * ?lang=en, voice "en-gb"). The bot's answers come in the language of the
 * FAQ entry.
 *
 * Speech recognition stays the platform's. The menu field carries
 *   - a DTMF grammar: keys 1-9 = the top topics, 0 = staff;
 *   - an inline SRGS voice grammar (xml:lang de-DE) of the topics'
 *     keywords, each wrapped in GARBAGE so that "ich brauche einen neuen
 *     Perso" hits "perso", returning "faq:ID";
 *   - the platform's free-form recognition, referenced as
 *     builtin:dictation (the name most VoiceXML platforms use for their
 *     dictation / statistical language model grammar; configure another
 *     URI with STADTPULT_VOICE_DICTATION, or "" to leave it out). A
 *     platform without it raises error.unsupported.* and the document falls
 *     back to the same menu without that grammar.
 * Whatever was recognised goes to /voice/answer as pick (the grammar's
 * result) and q (the utterance), and through the chat bot's matcher.
 *
 * Prompts: every distinct (voice, text) is rendered once with espeak-ng
 * into CACHE/<sha256>.wav (CACHE = "<db>.voice-prompts/" next to the
 * database) and served at /voice/prompt/<sha256>.wav with a strong ETag and
 * a year-long immutable cache (the name is the content's key). Rendering
 * runs in a subprocess (at most MAX_RENDERS at once, RENDER_TIMEOUT_S
 * each), started when a document that uses the prompt is served, or when
 * the WAV is first requested; the main loop never waits for it. */

#define VOICE_ROOT        "/voice"
#define PROMPT_PREFIX     "/voice/prompt/"
#define MAX_TOPICS        9
#define MAX_SUGGESTIONS   3       /* keys 3, 4, 5 in the answer menu */
#define MAX_QUESTION      500
#define MAX_NUMBER_DIGITS 15
#define MIN_NUMBER_DIGITS 5
#define MAX_RENDERS       2
#define RENDER_TIMEOUT_S  20
#define MAX_PROMPT_TEXTS  50000
#define VXML_TYPE         "application/voicexml+xml; charset=utf-8"

/* -- prompt texts -------------------------------------------------------- */

typedef enum {
  P_GREETING,
  P_MENU_INTRO,
  P_MENU_KEY,          /* %u, %s */
  P_MENU_STAFF,
  P_MENU_HELP,         /* %u */
  P_NOINPUT,
  P_NOMATCH,
  P_ANSWER_OPTIONS,
  P_SUGGEST_INTRO,
  P_SUGGEST_KEY,       /* %u, %s */
  P_NO_ANSWER,
  P_TRANSFER,
  P_TRANSFER_FAILED,
  P_CLOSED,
  P_CONSENT,
  P_CONSENT_HELP,
  P_NO_CONSENT,
  P_NUMBER,
  P_NUMBER_HELP,
  P_NUMBER_SAID,
  P_NUMBER_CONFIRM,
  P_CALLBACK_DONE,     /* %s hours */
  P_CALLBACK_FAILED,
  P_TECHNICAL,
  P_GOODBYE,
  N_PROMPTS
} PromptId;

static const struct {
  const char *de;
  const char *en;
} prompt_texts[N_PROMPTS] = {
  [P_GREETING] = {
    "Willkommen beim Bürgertelefon der Stadtverwaltung. Sie sprechen mit einem automatischen Assistenten.",
    "Welcome to the citizen hotline of the city administration. You are talking to an automatic assistant." },
  [P_MENU_INTRO] = {
    "Sagen Sie in wenigen Worten, worum es geht, oder wählen Sie ein Thema mit der Tastatur.",
    "Tell me in a few words what it is about, or choose a topic with your keypad." },
  [P_MENU_KEY] = {
    "Taste %u: %s",
    "Key %u: %s" },
  [P_MENU_STAFF] = {
    "Mit der Taste 0 erreichen Sie eine Mitarbeiterin oder einen Mitarbeiter.",
    "Press 0 to reach a member of staff." },
  [P_MENU_HELP] = {
    "Sprechen Sie Ihre Frage frei, zum Beispiel: Wie melde ich meine Wohnung an? Oder wählen Sie mit den Tasten 1 bis %u ein Thema. Mit der Taste 0 erreichen Sie eine Mitarbeiterin oder einen Mitarbeiter.",
    "Ask your question freely, for example: How do I register my flat? Or choose a topic with the keys 1 to %u. Press 0 to reach a member of staff." },
  [P_NOINPUT] = {
    "Ich habe nichts gehört.",
    "I did not hear anything." },
  [P_NOMATCH] = {
    "Das habe ich leider nicht verstanden.",
    "Sorry, I did not understand that." },
  [P_ANSWER_OPTIONS] = {
    "Drücken Sie die 1, um die Antwort zu wiederholen, die 2, um zurück zum Hauptmenü zu kommen, oder die 0 für eine Mitarbeiterin oder einen Mitarbeiter.",
    "Press 1 to hear the answer again, 2 to go back to the main menu, or 0 for a member of staff." },
  [P_SUGGEST_INTRO] = {
    "Meinten Sie vielleicht eine dieser Fragen?",
    "Did you perhaps mean one of these questions?" },
  [P_SUGGEST_KEY] = {
    "Taste %u: %s",
    "Key %u: %s" },
  [P_NO_ANSWER] = {
    "Dazu habe ich leider keine sichere Antwort.",
    "Sorry, I have no reliable answer to that." },
  [P_TRANSFER] = {
    "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter. Einen Moment bitte.",
    "I am connecting you with a member of staff. One moment, please." },
  [P_TRANSFER_FAILED] = {
    "Leider ist gerade niemand frei.",
    "Sorry, nobody is available right now." },
  [P_CLOSED] = {
    "Unser Service-Team ist gerade nicht im Dienst. Wir rufen Sie gern zurück.",
    "Our service team is not on duty right now. We are happy to call you back." },
  [P_CONSENT] = {
    "Für den Rückruf speichern wir Ihre Telefonnummer und Ihre Frage, nur um Sie zurückzurufen. Danach wird beides gelöscht. Wenn Sie einverstanden sind, drücken Sie die 1. Wenn nicht, drücken Sie die 2.",
    "For the call back we store your phone number and your question, only to call you back; both are deleted afterwards. If you agree, press 1. If not, press 2." },
  [P_CONSENT_HELP] = {
    "Drücken Sie die 1, wenn wir Ihre Nummer für den Rückruf speichern dürfen, sonst die 2.",
    "Press 1 if we may store your number for the call back, otherwise 2." },
  [P_NO_CONSENT] = {
    "In Ordnung, wir speichern nichts. Sie erreichen uns wieder zu den Servicezeiten.",
    "All right, we store nothing. You can reach us again during our service hours." },
  [P_NUMBER] = {
    "Bitte geben Sie Ihre Telefonnummer mit Vorwahl über die Tastatur ein und drücken Sie zum Schluss die Raute-Taste.",
    "Please enter your phone number with the area code on your keypad and press the hash key at the end." },
  [P_NUMBER_HELP] = {
    "Die Nummer hat 5 bis 15 Ziffern, mit Vorwahl. Schließen Sie die Eingabe mit der Raute-Taste ab.",
    "The number has 5 to 15 digits, with the area code. End it with the hash key." },
  [P_NUMBER_SAID] = {
    "Sie haben eingegeben:",
    "You entered:" },
  [P_NUMBER_CONFIRM] = {
    "Wenn das stimmt, drücken Sie die 1. Um die Nummer neu einzugeben, drücken Sie die 2.",
    "If that is right, press 1. To enter the number again, press 2." },
  [P_CALLBACK_DONE] = {
    "Vielen Dank. Wir rufen Sie innerhalb von %s Stunden zurück. Auf Wiederhören.",
    "Thank you. We will call you back within %s hours. Goodbye." },
  [P_CALLBACK_FAILED] = {
    "Ihr Rückrufwunsch konnte leider nicht gespeichert werden. Bitte rufen Sie zu den Servicezeiten wieder an.",
    "Sorry, your call back request could not be stored. Please call again during our service hours." },
  [P_TECHNICAL] = {
    "Es ist ein technischer Fehler aufgetreten. Bitte rufen Sie später noch einmal an.",
    "A technical error occurred. Please call again later." },
  [P_GOODBYE] = {
    "Vielen Dank für Ihren Anruf. Auf Wiederhören.",
    "Thank you for calling. Goodbye." },
};

/* Spoken words the inline voice grammars understand. */
static const char * const words_staff[2][7] = {
  { "mitarbeiter", "mitarbeiterin", "mensch", "person", "sachbearbeiter", "vermittlung", NULL },
  { "staff", "agent", "person", "human", "operator", "representative", NULL },
};
static const char * const words_repeat[2][4] = {
  { "wiederholen", "nochmal", "noch einmal", NULL },
  { "repeat", "again", "once more", NULL },
};
static const char * const words_back[2][5] = {
  { "zurück", "menü", "hauptmenü", "andere frage", NULL },
  { "back", "menu", "main menu", "other question", NULL },
};
static const char * const words_bye[2][6] = {
  { "danke", "tschüss", "auf wiederhören", "ende", "auflegen", NULL },
  { "thanks", "thank you", "goodbye", "bye", "end", NULL },
};
static const char * const words_yes[2][5] = {
  { "ja", "einverstanden", "richtig", "stimmt", NULL },
  { "yes", "agree", "right", "correct", NULL },
};
static const char * const words_no[2][4] = {
  { "nein", "nicht einverstanden", "falsch", NULL },
  { "no", "disagree", "wrong", NULL },
};

typedef struct {
  const char *code;       /* "de" */
  const char *xml_lang;   /* "de-DE" */
  const char *voice;      /* espeak-ng voice */
  guint       idx;        /* column of the tables above */
} VoiceLang;

static const VoiceLang voice_langs[] = {
  { "de", "de-DE", "de", 0 },
  { "en", "en-GB", "en-gb", 1 },
};

static const VoiceLang *
voice_lang_for (GHashTable *query)
{
  const char *lang = query ? g_hash_table_lookup (query, "lang") : NULL;

  if (g_strcmp0 (lang, "en") == 0)
    return &voice_langs[1];
  return &voice_langs[0];
}

/* -- the route --------------------------------------------------------- */

typedef struct _RenderJob RenderJob;

typedef struct {
  SpServer   *server;
  char       *cache_dir;      /* NULL: prompts only as text */
  char       *espeak;         /* path of espeak-ng, NULL if missing */
  char       *dictation;      /* grammar URI of free speech, NULL: none */

  GMutex      lock;           /* guards texts */
  GHashTable *texts;          /* sha -> "voice\ntext" */

  /* Main thread only. */
  GHashTable *jobs;           /* sha -> RenderJob, queued or running */
  GQueue      queue;          /* RenderJob waiting for a slot */
  guint       running;
} VoiceRoute;

/* -- VoiceXML writing ---------------------------------------------------- */

typedef struct {
  VoiceRoute      *route;
  const VoiceLang *lang;
  GString         *out;
  GPtrArray       *shas;      /* prompts used, for rendering ahead */
} Vx;

static const char *
ptext (const Vx  *vx,
       PromptId   id)
{
  return vx->lang->idx == 1 ? prompt_texts[id].en : prompt_texts[id].de;
}

static void
vx_text (Vx         *vx,
         const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  g_string_append (vx->out, escaped);
}

static void
vx_printf (Vx         *vx,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

/* Appends markup; every %s argument must be escaped already. */
static void
vx_printf (Vx         *vx,
           const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (vx->out, format, args);
  va_end (args);
}

static char *
prompt_key (const char *voice,
            const char *text)
{
  g_autofree char *key = g_strconcat (voice, "\n", text, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}

/* Remembers @text so that /voice/prompt/<sha>.wav can render it; returns
 * the sha (owned by the caller). Thread-safe. */
static char *
prompt_register (VoiceRoute *route,
                 const char *voice,
                 const char *text)
{
  char *sha = prompt_key (voice, text);

  g_mutex_lock (&route->lock);
  if (!g_hash_table_contains (route->texts, sha))
    {
      /* Prompts come from the curated content, so the table stays small;
       * should it ever grow past the bound, start over (texts come back
       * with the next document that uses them). */
      if (g_hash_table_size (route->texts) >= MAX_PROMPT_TEXTS)
        g_hash_table_remove_all (route->texts);
      g_hash_table_insert (route->texts, g_strdup (sha),
                           g_strconcat (voice, "\n", text, NULL));
    }
  g_mutex_unlock (&route->lock);

  return sha;
}

/* <audio src="prompt/SHA.wav">text</audio>: the platform plays the file, or
 * speaks the text itself if it cannot fetch it. */
static void
vx_audio (Vx         *vx,
          const char *text)
{
  char *sha;

  if (text == NULL || *text == '\0')
    return;

  sha = prompt_register (vx->route, vx->lang->voice, text);
  vx_printf (vx, "<audio src=\"prompt/%s.wav\">", sha);
  vx_text (vx, text);
  g_string_append (vx->out, "</audio>");
  g_ptr_array_add (vx->shas, sha);
}

static void
vx_prompt (Vx         *vx,
           const char *text)
{
  g_string_append (vx->out, "<prompt bargein=\"true\">");
  vx_audio (vx, text);
  g_string_append (vx->out, "</prompt>\n");
}

static void
vx_begin (Vx *vx)
{
  vx_printf (vx,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\" xml:lang=\"%s\">\n"
             "<meta name=\"generator\" content=\"Stadtpult\"/>\n"
             "<property name=\"inputmodes\" value=\"dtmf voice\"/>\n"
             "<property name=\"interdigittimeout\" value=\"5s\"/>\n"
             "<var name=\"lang\" expr=\"'%s'\"/>\n",
             vx->lang->xml_lang, vx->lang->code);
  /* Any fetch or semantic error ends the call politely. */
  g_string_append (vx->out, "<catch event=\"error\">");
  vx_prompt (vx, ptext (vx, P_TECHNICAL));
  g_string_append (vx->out, "<exit/></catch>\n");
}

static char *
vx_end (Vx *vx)
{
  g_string_append (vx->out, "</vxml>\n");
  return g_string_free (g_steal_pointer (&vx->out), FALSE);
}

/* A URL relative to /voice/ with escaped query values, as attribute text. */
static char *
voice_url (const Vx   *vx,
           const char *page,
           const char *q)
{
  GString *url = g_string_new (page);
  char sep = '?';

  if (q != NULL && *q != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);

      g_string_append_printf (url, "%cq=%s", sep, escaped);
      sep = '&';
    }
  if (vx->lang->idx != 0)
    g_string_append_printf (url, "%clang=%s", sep, vx->lang->code);

  {
    g_autofree char *plain = g_string_free (url, FALSE);

    return g_markup_escape_text (plain, -1);
  }
}

/* SRGS grammar element start (inline, semantics/1.0 tags). */
static void
grammar_begin (Vx         *vx,
               const char *mode,
               const char *root)
{
  vx_printf (vx,
             "<grammar mode=\"%s\" version=\"1.0\" root=\"%s\" tag-format=\"semantics/1.0\" "
             "type=\"application/srgs+xml\" xmlns=\"http://www.w3.org/2001/06/grammar\"%s%s%s>\n"
             "<rule id=\"%s\" scope=\"public\"><one-of>\n",
             mode, root,
             strcmp (mode, "voice") == 0 ? " xml:lang=\"" : "",
             strcmp (mode, "voice") == 0 ? vx->lang->xml_lang : "",
             strcmp (mode, "voice") == 0 ? "\"" : "",
             root);
}

static void
grammar_end (Vx *vx)
{
  g_string_append (vx->out, "</one-of></rule></grammar>\n");
}

/* @value must be a safe ECMAScript string body (ids, fixed words). */
static void
grammar_item (Vx         *vx,
              const char *token,
              const char *value)
{
  g_string_append (vx->out, "<item>");
  vx_text (vx, token);
  vx_printf (vx, "<tag>out=\"%s\";</tag></item>\n", value);
}

/* One item: any of @words, with anything around them. */
static void
grammar_words (Vx                 *vx,
               const char * const *words,
               const char         *value)
{
  gboolean any = FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      any = TRUE;
  if (!any)
    return;

  g_string_append (vx->out,
                   "<item><item repeat=\"0-1\"><ruleref special=\"GARBAGE\"/></item><one-of>");
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      g_string_append (vx->out, "<item>");
      vx_text (vx, words[i]);
      g_string_append (vx->out, "</item>");
    }
  vx_printf (vx,
             "</one-of><item repeat=\"0-1\"><ruleref special=\"GARBAGE\"/></item>"
             "<tag>out=\"%s\";</tag></item>\n", value);
}

/* A value usable inside out="..." and as a URL query value. */
static gboolean
safe_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._:-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Key 1 or "ja" -> "yes", key 2 or "nein" -> "no"; rules @name_keys and
 * @name_words. */
static void
yes_no_grammars (Vx         *vx,
                 const char *name)
{
  g_autofree char *keys = g_strconcat (name, "_keys", NULL);
  g_autofree char *words = g_strconcat (name, "_words", NULL);

  grammar_begin (vx, "dtmf", keys);
  grammar_item (vx, "1", "yes");
  grammar_item (vx, "2", "no");
  grammar_end (vx);
  grammar_begin (vx, "voice", words);
  grammar_words (vx, words_yes[vx->lang->idx], "yes");
  grammar_words (vx, words_no[vx->lang->idx], "no");
  grammar_end (vx);
}

/* "Taste N: question" for each topic, N counting from @first_key, each a
 * prompt of its own (rendered once, shared by every document). */
static void
numbered_topics (Vx        *vx,
                 PromptId   format,
                 guint      first_key,
                 GPtrArray *topics,
                 guint      max)
{
  for (guint i = 0; topics != NULL && i < topics->len && i < max; i++)
    {
      SpVoiceTopic *topic = g_ptr_array_index (topics, i);
      g_autofree char *line = g_strdup_printf (ptext (vx, format), first_key + i, topic->question);

      g_string_append (vx->out, "<break time=\"300ms\"/>");
      vx_audio (vx, line);
    }
}

/* The DTMF items of the same topics: key -> "faq:ID". */
static void
numbered_topic_keys (Vx        *vx,
                     guint      first_key,
                     GPtrArray *topics,
                     guint      max)
{
  for (guint i = 0; topics != NULL && i < topics->len && i < max; i++)
    {
      SpVoiceTopic *topic = g_ptr_array_index (topics, i);
      g_autofree char *key = g_strdup_printf ("%u", first_key + i);
      g_autofree char *value = g_strconcat ("faq:", topic->id, NULL);

      grammar_item (vx, key, value);
    }
}

static void
noinput_nomatch (Vx         *vx,
                 const char *help,
                 const char *after_three)  /* markup run at the third time */
{
  g_string_append (vx->out, "<help>");
  vx_prompt (vx, help);
  g_string_append (vx->out, "<reprompt/></help>\n<noinput count=\"1\">");
  vx_prompt (vx, ptext (vx, P_NOINPUT));
  g_string_append (vx->out, "<reprompt/></noinput>\n<noinput count=\"3\">");
  g_string_append (vx->out, after_three);
  g_string_append (vx->out, "</noinput>\n<nomatch count=\"1\">");
  vx_prompt (vx, ptext (vx, P_NOMATCH));
  g_string_append (vx->out, "<reprompt/></nomatch>\n<nomatch count=\"3\">");
  g_string_append (vx->out, after_three);
  g_string_append (vx->out, "</nomatch>\n");
}

static char *
goodbye_markup (Vx *vx)
{
  g_autoptr(GString) saved = vx->out;
  char *markup;

  vx->out = g_string_new (NULL);
  vx_prompt (vx, ptext (vx, P_GOODBYE));
  g_string_append (vx->out, "<exit/>");
  markup = g_string_free (vx->out, FALSE);
  vx->out = g_steal_pointer (&saved);
  return markup;
}

/* -- documents ------------------------------------------------------------ */

static void
menu_form (Vx           *vx,
           const char   *id,
           GPtrArray    *topics,      /* SpVoiceTopic */
           gboolean      greeting,
           gboolean      dictation)
{
  g_autofree char *staff = voice_url (vx, "staff", NULL);
  g_autofree char *to_staff = g_strdup_printf ("<goto next=\"%s\"/>", staff);

  vx_printf (vx, "<form id=\"%s\">\n", id);
  if (greeting)
    {
      g_string_append (vx->out, "<block>");
      vx_prompt (vx, ptext (vx, P_GREETING));
      g_string_append (vx->out, "</block>\n");
    }

  g_string_append (vx->out, "<field name=\"topic\">\n");
  if (dictation)
    g_string_append (vx->out,
                     "<catch event=\"error.unsupported error.badfetch.grammar\">"
                     "<goto next=\"#keys\"/></catch>\n");

  g_string_append (vx->out, "<prompt bargein=\"true\">");
  vx_audio (vx, ptext (vx, P_MENU_INTRO));
  numbered_topics (vx, P_MENU_KEY, 1, topics, MAX_TOPICS);
  g_string_append (vx->out, "<break time=\"300ms\"/>");
  vx_audio (vx, ptext (vx, P_MENU_STAFF));
  g_string_append (vx->out, "</prompt>\n");

  grammar_begin (vx, "dtmf", "keys");
  numbered_topic_keys (vx, 1, topics, MAX_TOPICS);
  grammar_item (vx, "0", "staff");
  grammar_end (vx);

  grammar_begin (vx, "voice", "topics");
  for (guint i = 0; i < topics->len; i++)
    {
      SpVoiceTopic *topic = g_ptr_array_index (topics, i);
      g_autofree char *value = g_strconcat ("faq:", topic->id, NULL);

      if (topic->keywords != NULL)
        grammar_words (vx, (const char * const *) topic->keywords, value);
    }
  grammar_words (vx, words_staff[vx->lang->idx], "staff");
  grammar_end (vx);

  if (dictation && vx->route->dictation != NULL)
    {
      g_autofree char *src = g_markup_escape_text (vx->route->dictation, -1);

      vx_printf (vx, "<grammar mode=\"voice\" src=\"%s\" weight=\"0.5\"/>\n", src);
    }

  {
    g_autofree char *help = g_strdup_printf (ptext (vx, P_MENU_HELP), MAX (topics->len, 1));

    noinput_nomatch (vx, help, to_staff);
  }

  g_string_append (vx->out,
                   "<filled>\n"
                   "<var name=\"pick\" expr=\"topic\"/>\n"
                   "<var name=\"q\" expr=\"topic$.utterance\"/>\n"
                   "<submit next=\"answer\" method=\"get\" namelist=\"pick q lang\"/>\n"
                   "</filled>\n"
                   "</field>\n"
                   "</form>\n");
}

static char *
start_document (Vx          *vx,
                GHashTable  *query,
                GError     **error)
{
  g_autoptr(GPtrArray) topics = NULL;
  gboolean again = query != NULL && g_hash_table_contains (query, "again");

  topics = sp_voice_bot_topics (vx->route->server,
                                vx->lang->code, MAX_TOPICS, error);
  if (topics == NULL)
    return NULL;

  vx_begin (vx);
  menu_form (vx, "start", topics, !again, vx->route->dictation != NULL);
  if (vx->route->dictation != NULL)
    menu_form (vx, "keys", topics, FALSE, FALSE);
  return vx_end (vx);
}

static void
callback_form (Vx          *vx,
               const char  *question,
               gboolean     closed)
{
  g_autofree char *post = voice_url (vx, "callback", question);
  g_autofree char *bye = goodbye_markup (vx);

  g_string_append (vx->out, "<form id=\"callback\">\n");
  if (closed)
    {
      g_string_append (vx->out, "<block>");
      vx_prompt (vx, ptext (vx, P_CLOSED));
      g_string_append (vx->out, "</block>\n");
    }

  /* Consent first: nothing is asked for, let alone stored, without it. */
  g_string_append (vx->out, "<field name=\"consent\">\n");
  vx_prompt (vx, ptext (vx, P_CONSENT));
  yes_no_grammars (vx, "consent");
  noinput_nomatch (vx, ptext (vx, P_CONSENT_HELP), bye);
  g_string_append (vx->out, "<filled><if cond=\"consent == 'no'\">");
  vx_prompt (vx, ptext (vx, P_NO_CONSENT));
  g_string_append (vx->out, "<exit/></if></filled>\n</field>\n");

  vx_printf (vx, "<field name=\"number\" type=\"digits?minlength=%d;maxlength=%d\">\n"
             "<property name=\"inputmodes\" value=\"dtmf\"/>\n"
             "<property name=\"termchar\" value=\"#\"/>\n",
             MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS);
  vx_prompt (vx, ptext (vx, P_NUMBER));
  noinput_nomatch (vx, ptext (vx, P_NUMBER_HELP), bye);
  g_string_append (vx->out, "</field>\n");

  g_string_append (vx->out, "<field name=\"confirm\">\n<prompt bargein=\"true\">");
  vx_audio (vx, ptext (vx, P_NUMBER_SAID));
  /* The digits differ per caller: spoken by the platform, never cached. */
  g_string_append (vx->out,
                   " <say-as interpret-as=\"telephone\"><value expr=\"number\"/></say-as> "
                   "<break time=\"300ms\"/>");
  vx_audio (vx, ptext (vx, P_NUMBER_CONFIRM));
  g_string_append (vx->out, "</prompt>\n");
  yes_no_grammars (vx, "confirm");
  noinput_nomatch (vx, ptext (vx, P_NUMBER_CONFIRM), bye);
  vx_printf (vx,
             "<filled>\n"
             "<if cond=\"confirm == 'no'\"><clear namelist=\"number confirm\"/>\n"
             "<else/><submit next=\"%s\" method=\"post\" namelist=\"consent number\"/>\n"
             "</if>\n"
             "</filled>\n"
             "</field>\n"
             "</form>\n", post);
}

/* Hotline number as a tel: URI (digits and a leading +), NULL if unusable. */
static char *
tel_uri (const char *number)
{
  GString *uri;
  guint digits = 0;

  if (number == NULL)
    return NULL;

  uri = g_string_new ("tel:");
  for (const char *p = number; *p; p++)
    {
      if (*p == '+' && digits == 0 && uri->len == 4)
        g_string_append_c (uri, '+');
      else if (g_ascii_isdigit (*p))
        {
          g_string_append_c (uri, *p);
          digits++;
        }
    }
  if (digits < 3 || digits > 20)
    {
      g_string_free (uri, TRUE);
      return NULL;
    }
  return g_string_free (uri, FALSE);
}

static char *
staff_document (Vx          *vx,
                const char  *question,
                GError     **error)
{
  SpVoiceBotStatus status = { 0 };
  g_autofree char *tel = NULL;

  if (!sp_voice_bot_status (vx->route->server, &status, error))
    return NULL;
  tel = status.office_open ? tel_uri (status.hotline) : NULL;
  sp_voice_bot_status_clear (&status);

  vx_begin (vx);
  if (tel != NULL)
    {
      g_autofree char *cb = voice_url (vx, "callback", question);
      g_autofree char *dest = g_markup_escape_text (tel, -1);

      sp_voice_bot_count (vx->route->server, SP_VOICE_BOT_COUNT_HANDOFF);

      g_string_append (vx->out, "<form id=\"staff\">\n");
      vx_printf (vx,
                 "<catch event=\"error.connection error.unsupported\">"
                 "<goto next=\"%s\"/></catch>\n"
                 "<transfer name=\"xfer\" dest=\"%s\" type=\"bridge\" connecttimeout=\"30s\">\n",
                 cb, dest);
      vx_prompt (vx, ptext (vx, P_TRANSFER));
      g_string_append (vx->out,
                       "<filled>\n"
                       "<if cond=\"xfer == 'busy' || xfer == 'noanswer' || xfer == 'network_busy' || xfer == 'unknown'\">\n");
      vx_prompt (vx, ptext (vx, P_TRANSFER_FAILED));
      vx_printf (vx,
                 "<goto next=\"%s\"/>\n"
                 "</if>\n"
                 "<exit/>\n"
                 "</filled>\n"
                 "</transfer>\n"
                 "</form>\n", cb);
    }
  else
    callback_form (vx, question, TRUE);
  return vx_end (vx);
}

static char *
callback_document (Vx         *vx,
                   const char *question)
{
  vx_begin (vx);
  callback_form (vx, question, FALSE);
  return vx_end (vx);
}

static char *
answer_document (Vx          *vx,
                 GHashTable  *query,
                 GError     **error)
{
  SpServer *storage = vx->route->server;
  const char *pick = query ? g_hash_table_lookup (query, "pick") : NULL;
  const char *faq = query ? g_hash_table_lookup (query, "faq") : NULL;
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  g_autoptr(SpVoiceBotAnswer) answer = NULL;
  g_autofree char *question = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *back = NULL;
  g_autofree char *bye = NULL;

  if (g_strcmp0 (pick, "staff") == 0)
    return staff_document (vx, q, error);
  if (pick != NULL && g_str_has_prefix (pick, "faq:") && safe_id (pick + 4))
    faq = pick + 4;

  if (faq != NULL && safe_id (faq))
    answer = sp_voice_bot_answer_faq (storage, faq, vx->lang->code, error);
  else if (q != NULL && *q != '\0')
    {
      question = g_utf8_make_valid (q, MIN (strlen (q), MAX_QUESTION * 4));
      answer = sp_voice_bot_ask (storage, question, vx->lang->code, error);
    }
  else
    {
      /* Nothing understood: back to the menu. */
      back = voice_url (vx, "./", NULL);
      vx_begin (vx);
      g_string_append (vx->out, "<form id=\"answer\"><block>");
      vx_prompt (vx, ptext (vx, P_NOMATCH));
      vx_printf (vx, "<goto next=\"%s%sagain=1\"/></block></form>\n",
                 back, strchr (back, '?') ? "&amp;" : "?");
      return vx_end (vx);
    }
  if (answer == NULL)
    return NULL;

  if (answer->handoff_requested)
    return staff_document (vx, question ? question : answer->question, error);

  staff = voice_url (vx, "staff", question ? question : answer->question);
  back = voice_url (vx, "./", NULL);
  bye = goodbye_markup (vx);

  vx_begin (vx);
  g_string_append (vx->out, "<form id=\"answer\">\n<block>");
  vx_prompt (vx, answer->text != NULL && *answer->text != '\0' ? answer->text : ptext (vx, P_NO_ANSWER));
  g_string_append (vx->out, "</block>\n");

  if (answer->suggestions != NULL && answer->suggestions->len > 0)
    {
      g_string_append (vx->out, "<block><prompt bargein=\"true\">");
      vx_audio (vx, ptext (vx, P_SUGGEST_INTRO));
      numbered_topics (vx, P_SUGGEST_KEY, 3, answer->suggestions, MAX_SUGGESTIONS);
      g_string_append (vx->out, "</prompt></block>\n");
    }

  g_string_append (vx->out, "<field name=\"pick\">\n");
  vx_prompt (vx, ptext (vx, P_ANSWER_OPTIONS));
  grammar_begin (vx, "dtmf", "answer_keys");
  grammar_item (vx, "1", "repeat");
  grammar_item (vx, "2", "back");
  grammar_item (vx, "0", "staff");
  numbered_topic_keys (vx, 3, answer->suggestions, MAX_SUGGESTIONS);
  grammar_end (vx);
  grammar_begin (vx, "voice", "answer_words");
  grammar_words (vx, words_repeat[vx->lang->idx], "repeat");
  grammar_words (vx, words_back[vx->lang->idx], "back");
  grammar_words (vx, words_staff[vx->lang->idx], "staff");
  grammar_words (vx, words_bye[vx->lang->idx], "bye");
  grammar_end (vx);
  noinput_nomatch (vx, ptext (vx, P_ANSWER_OPTIONS), bye);
  vx_printf (vx,
             "<filled>\n"
             "<if cond=\"pick == 'repeat'\"><goto next=\"#answer\"/>\n"
             "<elseif cond=\"pick == 'back'\"/><goto next=\"%s%sagain=1\"/>\n"
             "<elseif cond=\"pick == 'staff'\"/><goto next=\"%s\"/>\n"
             "<elseif cond=\"pick == 'bye'\"/>%s\n"
             "<else/><submit next=\"answer\" method=\"get\" namelist=\"pick lang\"/>\n"
             "</if>\n"
             "</filled>\n"
             "</field>\n"
             "</form>\n",
             back, strchr (back, '?') ? "&amp;" : "?", staff, bye);
  return vx_end (vx);
}

static gboolean
digits_only (const char *s,
             guint       min,
             guint       max)
{
  gsize len = s ? strlen (s) : 0;

  if (len < min || len > max)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static char *
callback_post_document (Vx          *vx,
                        GHashTable  *query,
                        GHashTable  *form,
                        GError     **error)
{
  SpServer *storage = vx->route->server;
  const char *consent = form ? g_hash_table_lookup (form, "consent") : NULL;
  const char *number = form ? g_hash_table_lookup (form, "number") : NULL;
  const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
  g_autofree char *question = NULL;
  g_autofree char *hours = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_strcmp0 (consent, "yes") != 0 ||
      !digits_only (number, MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS))
    {
      /* Nothing is stored without consent and a plausible number. */
      return callback_document (vx, q);
    }

  question = q != NULL && *q != '\0'
    ? g_utf8_make_valid (q, MIN (strlen (q), MAX_QUESTION * 4))
    : g_strdup (vx->lang->idx == 1 ? "(call back requested by phone)" : "(Rückruf per Telefon erbeten)");

  vx_begin (vx);
  g_string_append (vx->out, "<form id=\"done\"><block>");
  if (sp_voice_bot_store_callback (storage, question, number, vx->lang->code, &hours, &local_error))
    {
      g_autofree char *text = g_strdup_printf (ptext (vx, P_CALLBACK_DONE), hours ? hours : "24");

      vx_prompt (vx, text);
    }
  else
    {
      g_warning ("Voice call back not stored: %s", local_error->message);
      vx_prompt (vx, ptext (vx, P_CALLBACK_FAILED));
    }
  g_string_append (vx->out, "<exit/></block></form>\n");
  return vx_end (vx);
}

/* -- serving documents off the main loop ---------------------------------- */

typedef enum {
  DOC_START,
  DOC_ANSWER,
  DOC_STAFF,
  DOC_CALLBACK,
  DOC_CALLBACK_POST,
} DocKind;

typedef struct {
  VoiceRoute        *route;
  DocKind            kind;
  const VoiceLang   *lang;
  GHashTable        *query;
  GHashTable        *form;
  GPtrArray         *shas;
  char              *xml;       /* the worker's document */
  GError            *error;     /* or why there is none */
} DocData;

static void render_ahead (VoiceRoute *route, GPtrArray *shas);

static void
doc_data_free (DocData *data)
{
  g_clear_pointer (&data->query, g_hash_table_unref);
  g_clear_pointer (&data->form, g_hash_table_unref);
  g_clear_pointer (&data->shas, g_ptr_array_unref);
  g_free (data->xml);
  g_clear_error (&data->error);
  g_free (data);
}

static void
doc_work (gpointer user_data)
{
  DocData *data = user_data;
  Vx vx = { data->route, data->lang, g_string_new (NULL), data->shas };
  const char *q = data->query ? g_hash_table_lookup (data->query, "q") : NULL;
  g_autofree char *question = q ? g_utf8_make_valid (q, MIN (strlen (q), MAX_QUESTION * 4)) : NULL;
  GError *error = NULL;
  char *xml = NULL;

  switch (data->kind)
    {
    case DOC_START:
      xml = start_document (&vx, data->query, &error);
      break;
    case DOC_ANSWER:
      xml = answer_document (&vx, data->query, &error);
      break;
    case DOC_STAFF:
      xml = staff_document (&vx, question, &error);
      break;
    case DOC_CALLBACK:
      xml = callback_document (&vx, question);
      break;
    case DOC_CALLBACK_POST:
      xml = callback_post_document (&vx, data->query, data->form, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (vx.out != NULL)
    g_string_free (vx.out, TRUE);

  if (xml == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, SP_ERROR, SP_ERROR_STORAGE, "no document");
      data->error = error;
      return;
    }
  data->xml = xml;
}

static void
reply_technical_error (SoupServerMessage *msg,
                       DocData           *data)
{
  Vx vx = { data->route, data->lang, g_string_new (NULL), data->shas };
  g_autofree char *xml = NULL;

  vx_begin (&vx);
  g_string_append (vx.out, "<form id=\"error\"><block>");
  vx_prompt (&vx, ptext (&vx, P_TECHNICAL));
  g_string_append (vx.out, "<exit/></block></form>\n");
  xml = vx_end (&vx);

  /* A VoiceXML answer even on failure, so the caller hears what happened. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, VXML_TYPE, SOUP_MEMORY_COPY, xml, strlen (xml));
}

static void
doc_reply (SoupServerMessage *msg,
           gpointer           user_data)
{
  DocData *data = user_data;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  if (data->error != NULL)
    {
      g_warning ("Voice document failed: %s", data->error->message);
      reply_technical_error (msg, data);
    }
  else
    {
      char *xml = g_steal_pointer (&data->xml);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, VXML_TYPE, SOUP_MEMORY_TAKE, xml, strlen (xml));
    }
  render_ahead (data->route, data->shas);
}

static void
serve_document (VoiceRoute        *route,
                SoupServerMessage *msg,
                DocKind            kind,
                GHashTable        *query,
                GHashTable        *form)
{
  DocData *data;

  data = g_new0 (DocData, 1);
  data->route = route;
  data->kind = kind;
  data->lang = voice_lang_for (query);
  data->query = query ? g_hash_table_ref (query) : NULL;
  data->form = form;
  data->shas = g_ptr_array_new_with_free_func (g_free);

  _sp_server_run_job (route->server, msg, FALSE, data, (GDestroyNotify) doc_data_free,
                      doc_work, doc_reply);
}

/* -- prompt rendering ------------------------------------------------------ */

typedef struct {
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           gone;
} Waiter;

struct _RenderJob {
  VoiceRoute   *route;
  char         *sha;
  char         *voice;
  char         *text;
  char         *tmp_path;
  GSList       *waiters;     /* Waiter */
  GSubprocess  *proc;
  GCancellable *cancellable;
  guint         timeout_id;
  gboolean      timed_out;
};

static char *
prompt_path (VoiceRoute *route,
             const char *sha)
{
  g_autofree char *name = g_strconcat (sha, ".wav", NULL);

  return g_build_filename (route->cache_dir, name, NULL);
}

static void
waiter_finished (SoupServerMessage *msg,
                 Waiter            *waiter)
{
  waiter->gone = TRUE;
}

static void
set_prompt_headers (SoupServerMessage *msg,
                    const char        *sha,
                    const char        *how)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *etag = g_strdup_printf ("\"%s\"", sha);

  soup_message_headers_replace (headers, "ETag", etag);
  /* The name is the key of voice and text: the file never changes. */
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=31536000, immutable");
  soup_message_headers_replace (headers, "X-Stadtpult-Prompt", how);
}

/* Replies with the cached WAV; FALSE if it is not there. */
static gboolean
reply_prompt_file (VoiceRoute        *route,
                   SoupServerMessage *msg,
                   const char        *sha,
                   const char        *how)
{
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (route->cache_dir == NULL)
    return FALSE;
  path = prompt_path (route, sha);
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;

  set_prompt_headers (msg, sha, how);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (strcmp (soup_server_message_get_method (msg), "HEAD") == 0)
    {
      soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), len);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "audio/wav", NULL);
      g_free (contents);
    }
  else
    soup_server_message_set_response (msg, "audio/wav", SOUP_MEMORY_TAKE, contents, len);
  return TRUE;
}

static void
reply_prompt_unavailable (SoupServerMessage *msg)
{
  static const char text[] = "Prompt not available; speak the text of the <audio> element.\n";

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "5");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    text, strlen (text));
}

static void render_next (VoiceRoute *route);

static void
render_job_free (RenderJob *job)
{
  /* Only at shutdown can requests still wait here: they get no answer. */
  for (GSList *l = job->waiters; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      g_signal_handler_disconnect (waiter->msg, waiter->finished_id);
      g_object_unref (waiter->msg);
      g_free (waiter);
    }
  g_slist_free (job->waiters);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  g_clear_object (&job->proc);
  g_clear_object (&job->cancellable);
  g_free (job->sha);
  g_free (job->voice);
  g_free (job->text);
  g_free (job->tmp_path);
  g_free (job);
}

static void
render_finish (RenderJob *job,
               gboolean   ok)
{
  VoiceRoute *route = job->route;

  if (!ok && job->tmp_path != NULL)
    g_unlink (job->tmp_path);

  for (GSList *l = job->waiters; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      if (!waiter->gone)
        {
          if (!ok || !reply_prompt_file (route, waiter->msg, job->sha, "rendered"))
            reply_prompt_unavailable (waiter->msg);
          soup_server_message_unpause (waiter->msg);
        }
      g_signal_handler_disconnect (waiter->msg, waiter->finished_id);
      g_object_unref (waiter->msg);
      g_free (waiter);
    }
  g_clear_pointer (&job->waiters, g_slist_free);

  if (job->proc != NULL)
    route->running--;
  /* Removing it from the table frees it. */
  g_hash_table_remove (route->jobs, job->sha);
  render_next (route);
}

static gboolean
render_timeout (gpointer user_data)
{
  RenderJob *job = user_data;

  job->timeout_id = 0;
  job->timed_out = TRUE;
  g_warning ("espeak-ng took longer than %d s for prompt %s; stopped", RENDER_TIMEOUT_S, job->sha);
  g_cancellable_cancel (job->cancellable);
  g_subprocess_force_exit (job->proc);
  return G_SOURCE_REMOVE;
}

static void
render_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RenderJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *final = NULL;
  gboolean ok;

  ok = g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, &err_text, &error);
  if (job->route == NULL)
    {
      /* The server shut down meanwhile (see voice_route_free). */
      g_unlink (job->tmp_path);
      render_job_free (job);
      return;
    }
  if (ok && !job->timed_out)
    {
      /* communicate returns once the pipes close; the exit status may
       * still be on its way. */
      if (!g_subprocess_wait (G_SUBPROCESS (source), NULL, &error))
        ok = FALSE;
      else if (!g_subprocess_get_if_exited (G_SUBPROCESS (source)) ||
               g_subprocess_get_exit_status (G_SUBPROCESS (source)) != 0)
        {
          g_warning ("espeak-ng failed for prompt %s: %s", job->sha, err_text ? err_text : "");
          ok = FALSE;
        }
    }
  else
    {
      if (error != NULL && !job->timed_out)
        g_warning ("espeak-ng failed for prompt %s: %s", job->sha, error->message);
      ok = FALSE;
    }

  if (ok)
    {
      final = prompt_path (job->route, job->sha);
      if (g_rename (job->tmp_path, final) != 0)
        {
          g_warning ("Cannot store prompt %s: %s", final, g_strerror (errno));
          ok = FALSE;
        }
      else
        g_debug ("rendered prompt %s", job->sha);
    }

  render_finish (job, ok);
}

static void
render_start (RenderJob *job)
{
  VoiceRoute *route = job->route;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf (".%s.%u.tmp", job->sha, g_random_int ());

  job->tmp_path = g_build_filename (route->cache_dir, name, NULL);
  job->cancellable = g_cancellable_new ();
  /* Text on stdin: it can never be taken for an option. */
  job->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error,
                                route->espeak, "-v", job->voice, "-s", "150",
                                "-w", job->tmp_path, "--stdin", NULL);
  if (job->proc == NULL)
    {
      g_warning ("Cannot run espeak-ng: %s", error->message);
      render_finish (job, FALSE);
      return;
    }

  route->running++;
  job->timeout_id = g_timeout_add_seconds (RENDER_TIMEOUT_S, render_timeout, job);
  g_subprocess_communicate_utf8_async (job->proc, job->text, job->cancellable,
                                       render_exited, job);
}

static void
render_next (VoiceRoute *route)
{
  while (route->running < MAX_RENDERS && !g_queue_is_empty (&route->queue))
    render_start (g_queue_pop_head (&route->queue));
}

/* Queues the rendering of @sha (if its text is known and it is neither
 * cached nor queued) and adds @msg (may be NULL) to those waiting for it.
 * FALSE if it cannot be rendered. Main thread. */
static gboolean
render_request (VoiceRoute        *route,
                const char        *sha,
                SoupServerMessage *msg)
{
  RenderJob *job = g_hash_table_lookup (route->jobs, sha);

  if (route->cache_dir == NULL || route->espeak == NULL)
    return FALSE;

  if (job == NULL)
    {
      const char *key;
      const char *newline;

      g_mutex_lock (&route->lock);
      key = g_hash_table_lookup (route->texts, sha);
      newline = key ? strchr (key, '\n') : NULL;
      if (newline != NULL)
        {
          job = g_new0 (RenderJob, 1);
          job->route = route;
          job->sha = g_strdup (sha);
          job->voice = g_strndup (key, newline - key);
          job->text = g_strdup (newline + 1);
        }
      g_mutex_unlock (&route->lock);

      if (job == NULL)
        return FALSE;

      g_hash_table_insert (route->jobs, job->sha, job);
      g_queue_push_tail (&route->queue, job);
    }

  if (msg != NULL)
    {
      Waiter *waiter = g_new0 (Waiter, 1);

      waiter->msg = g_object_ref (msg);
      waiter->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (waiter_finished), waiter);
      job->waiters = g_slist_prepend (job->waiters, waiter);
      soup_server_message_pause (msg);
    }

  render_next (route);
  return TRUE;
}

static void
render_ahead (VoiceRoute *route,
              GPtrArray  *shas)
{
  if (route->cache_dir == NULL || route->espeak == NULL || shas == NULL)
    return;

  for (guint i = 0; i < shas->len; i++)
    {
      const char *sha = g_ptr_array_index (shas, i);
      g_autofree char *path = prompt_path (route, sha);

      if (!g_hash_table_contains (route->jobs, sha) &&
          !g_file_test (path, G_FILE_TEST_EXISTS))
        render_request (route, sha, NULL);
    }
}

static gboolean
is_sha (const char *s,
        gsize       len)
{
  if (len != 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

static void
serve_prompt (VoiceRoute        *route,
              SoupServerMessage *msg,
              const char        *path)
{
  const char *name = path + strlen (PROMPT_PREFIX);
  const char *inm;
  g_autofree char *sha = NULL;
  g_autofree char *etag = NULL;
  gsize len = strlen (name);

  if (len != 68 || !g_str_has_suffix (name, ".wav") || !is_sha (name, 64))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        "No such prompt\n", 15);
      return;
    }
  sha = g_strndup (name, 64);

  /* A strong validator: the content is fixed by the name. */
  etag = g_strdup_printf ("\"%s\"", sha);
  inm = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "If-None-Match");
  if (inm != NULL && strstr (inm, etag) != NULL && route->cache_dir != NULL)
    {
      g_autofree char *file = prompt_path (route, sha);

      if (g_file_test (file, G_FILE_TEST_EXISTS))
        {
          set_prompt_headers (msg, sha, "cached");
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
          return;
        }
    }

  if (reply_prompt_file (route, msg, sha, "cached"))
    return;

  if (!render_request (route, sha, msg))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        "No such prompt\n", 15);
    }
}

/* -- dispatch ---------------------------------------------------------------- */

static void
voice_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  VoiceRoute *route = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;

  if (strcmp (path, VOICE_ROOT) == 0)
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, VOICE_ROOT "/");
      return;
    }

  if (g_str_has_prefix (path, PROMPT_PREFIX))
    {
      if (!get)
        {
          _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
          return;
        }
      serve_prompt (route, msg, path);
      return;
    }

  if (strcmp (path, VOICE_ROOT "/") == 0 || strcmp (path, VOICE_ROOT "/start") == 0)
    {
      if (!get)
        _sp_server_reply_method_not_allowed (msg, "GET, HEAD");
      else
        serve_document (route, msg, DOC_START, query, NULL);
      return;
    }

  if (strcmp (path, VOICE_ROOT "/answer") == 0 || strcmp (path, VOICE_ROOT "/staff") == 0)
    {
      /* Platforms may submit with either method; the answer has no side
       * effect beyond counting. */
      DocKind kind = strcmp (path, VOICE_ROOT "/answer") == 0 ? DOC_ANSWER : DOC_STAFF;
      GHashTable *params = query;
      g_autoptr(GHashTable) form = NULL;

      if (strcmp (method, "POST") == 0)
        {
          SoupMessageBody *body = soup_server_message_get_request_body (msg);
          g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
          g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

          form = soup_form_decode (text);
          if (query != NULL)
            {
              GHashTableIter iter;
              gpointer k, v;

              g_hash_table_iter_init (&iter, query);
              while (g_hash_table_iter_next (&iter, &k, &v))
                if (!g_hash_table_contains (form, k))
                  g_hash_table_insert (form, g_strdup (k), g_strdup (v));
            }
          params = form;
        }
      else if (!get)
        {
          _sp_server_reply_method_not_allowed (msg, "GET, HEAD, POST");
          return;
        }
      serve_document (route, msg, kind, params, NULL);
      return;
    }

  if (strcmp (path, VOICE_ROOT "/callback") == 0)
    {
      if (get)
        serve_document (route, msg, DOC_CALLBACK, query, NULL);
      else if (strcmp (method, "POST") == 0)
        {
          SoupMessageBody *body = soup_server_message_get_request_body (msg);
          g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
          g_autofree char *text = NULL;

          if (g_bytes_get_size (bytes) > 4096)
            {
              _sp_server_reply_error_literal (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                              "too_large", "Call back form larger than 4096 bytes");
              return;
            }
          text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          serve_document (route, msg, DOC_CALLBACK_POST, query, soup_form_decode (text));
        }
      else
        _sp_server_reply_method_not_allowed (msg, "GET, HEAD, POST");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    "No such voice document\n", 23);
}

static void
voice_route_free (VoiceRoute *route)
{
  GHashTableIter iter;
  gpointer value;

  /* Queued jobs go with the table; a running espeak-ng is stopped and its
   * job left to its exit callback, which must not touch the route. Jobs
   * with waiting requests are done by now: the server waits for every
   * message before it is freed. */
  g_queue_clear (&route->queue);
  g_hash_table_iter_init (&iter, route->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RenderJob *job = value;

      if (job->proc == NULL)
        continue;
      g_hash_table_iter_steal (&iter);
      job->route = NULL;
      g_clear_handle_id (&job->timeout_id, g_source_remove);
      g_cancellable_cancel (job->cancellable);
      g_subprocess_force_exit (job->proc);
    }
  g_clear_pointer (&route->jobs, g_hash_table_unref);
  g_clear_pointer (&route->texts, g_hash_table_unref);
  g_mutex_clear (&route->lock);
  g_free (route->cache_dir);
  g_free (route->espeak);
  g_free (route->dictation);
  g_free (route);
}

void
sp_route_voice_register (SpServer *server)
{
  VoiceRoute *route;
  g_autoptr(GError) error = NULL;
  const char *dictation = g_getenv ("STADTPULT_VOICE_DICTATION");

  g_return_if_fail (server != NULL);

  route = g_new0 (VoiceRoute, 1);
  route->server = server;
  g_mutex_init (&route->lock);
  route->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  route->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) render_job_free);
  g_queue_init (&route->queue);
  route->dictation = g_strdup (dictation != NULL ? (*dictation ? dictation : NULL) : "builtin:dictation");

  route->cache_dir = sp_storage_cache_dir (sp_server_get_storage (server), "voice-prompts", &error);
  if (route->cache_dir == NULL)
    g_warning ("Voice prompts are not rendered (platforms speak the text): %s", error->message);
  route->espeak = g_find_program_in_path ("espeak-ng");
  if (route->espeak == NULL)
    g_warning ("espeak-ng not found: voice prompts are not rendered (platforms speak the text)");

  soup_server_add_handler (sp_server_get_soup (server), VOICE_ROOT,
                           voice_handler, route, (GDestroyNotify) voice_route_free);
}
