/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* What the voice bot (sp-route-voice.c) needs from the chat bot, the
 * hand-off inbox and the storage, in the words of a telephone call. The
 * answers come from the chat bot's own code (sp-route-bot.h), the call
 * back requests go into the hand-off inbox (sp-storage.h); nothing here
 * matches or stores by itself. All calls block: use them off the main
 * loop. */

typedef struct {
  char  *id;          /* faq row id */
  char  *question;
  char **keywords;    /* lower case, NULL-terminated, may be NULL */
} SpVoiceTopic;

void        sp_voice_topic_free         (SpVoiceTopic *topic);

/* The menu: up to @max published, current FAQ entries in @lang (falling
 * back to German ones), most asked on the voice line first, then in
 * question order. Cached until the bot's content changes. */
GPtrArray  *sp_voice_bot_topics         (SpServer     *server,
                                         const char   *lang,
                                         guint         max,
                                         GError      **error);   /* SpVoiceTopic */

typedef struct {
  char      *text;               /* what to say: the FAQ's spoken answer, or the bot's reply;
                                  * NULL when the bot had no answer */
  char      *faq_id;             /* NULL when the bot had no answer */
  char      *question;           /* the FAQ's question, else the caller's */
  gboolean   handoff_requested;  /* the caller asked for a person ("Mitarbeiter bitte") */
  GPtrArray *suggestions;        /* SpVoiceTopic (id, question): "did you mean" */
} SpVoiceBotAnswer;

void        sp_voice_bot_answer_free    (SpVoiceBotAnswer *answer);

/* Asks the chat bot (channel "voice", counted in its KPIs) and turns the
 * reply into something to speak: the FAQ's answer_short, never URLs. */
SpVoiceBotAnswer *sp_voice_bot_ask      (SpServer     *server,
                                         const char   *question,
                                         const char   *lang,
                                         GError      **error);
/* The spoken answer of FAQ entry @faq_id (a menu key or a suggestion),
 * counted as an answered voice interaction. SP_ERROR_NOT_FOUND if it is
 * not published. */
SpVoiceBotAnswer *sp_voice_bot_answer_faq (SpServer   *server,
                                           const char *faq_id,
                                           const char *lang,
                                           GError    **error);

typedef struct {
  gboolean  office_open;
  char     *hotline;          /* bot_setting "hotline", NULL if unset */
  char     *callback_hours;   /* bot_setting "callback_hours", default "24" */
} SpVoiceBotStatus;

gboolean    sp_voice_bot_status         (SpServer         *server,
                                         SpVoiceBotStatus *status,
                                         GError          **error);
void        sp_voice_bot_status_clear   (SpVoiceBotStatus *status);

typedef enum {
  SP_VOICE_BOT_COUNT_HANDOFF,     /* transferred to the hotline */
  SP_VOICE_BOT_COUNT_CALLBACK,    /* call back request stored */
} SpVoiceBotCount;

/* Adds one to today's voice KPI @what. Failures are logged only. */
void        sp_voice_bot_count          (SpServer         *server,
                                         SpVoiceBotCount   what);

/* Stores a call back request (given with consent) in the hand-off inbox:
 * kind "callback", channel "voice", contact "tel:" + @number (digits as
 * keyed in), and counts it. *hours gets the promised call back time. */
gboolean    sp_voice_bot_store_callback (SpServer     *server,
                                         const char   *question,
                                         const char   *number,
                                         const char   *lang,
                                         char        **hours,
                                         GError      **error);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpVoiceBotAnswer, sp_voice_bot_answer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpVoiceTopic, sp_voice_topic_free)

G_END_DECLS
