/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* The chat bot API (sync-server/faq/):
 *   POST /api/v1/bot/ask         {"question","session","lang"?,"channel"?}  public, CORS
 *   GET  /api/v1/bot/status      {"office_open","next_open","hotline"}     public, CORS
 *   GET  /api/v1/bot/unanswered?state=open|done|dismissed|all  (editor, admin)
 *   POST /api/v1/bot/unanswered/ID {"state":"open"|"done"|"dismissed"}  (editor, admin)
 *   GET  /api/v1/bot/kpi?from=YYYY-MM-DD&to=YYYY-MM-DD          (staff)
 *
 * The bot answers in the language of the question (or "lang"): its own
 * texts come from a German/English table in sp-route-bot.c (not gettext:
 * the server's locale is not the citizen's). FAQ answers are shown as
 * stored; an English question answered by a German entry says so. */

typedef enum {
  SP_BOT_KIND_ANSWER,      /* an FAQ entry or a service answered */
  SP_BOT_KIND_CLARIFY,     /* not sure: suggestions to pick from */
  SP_BOT_KIND_UNKNOWN,     /* nothing matched well enough */
  SP_BOT_KIND_SMALLTALK,   /* greeting, thanks, bye, yes/no without context */
  SP_BOT_KIND_HANDOFF,     /* the citizen asked for (or accepted) a person */
} SpBotKind;

typedef enum {
  SP_BOT_EVENT_INTERACTION,
  SP_BOT_EVENT_ANSWERED,
  SP_BOT_EVENT_HANDOFF,
  SP_BOT_EVENT_UNANSWERED,
  SP_BOT_EVENT_CALLBACK,
} SpBotEvent;

typedef struct {
  char *faq_id;       /* NULL for a service */
  char *service_id;   /* NULL unless the entry is (or links) a service */
  char *question;     /* FAQ question or service name */
} SpBotSuggestion;

typedef struct {
  char       *answer;       /* the text to show (or to speak, channel voice) */
  char       *faq_id;       /* NULL unless an FAQ entry answered */
  char       *service_id;   /* NULL unless a service answered or is linked */
  double      confidence;   /* 0..1 */
  gboolean    handoff;      /* offer (or start) a hand-off to staff */
  gboolean    office_open;
  SpBotKind   kind;
  const char *lang;         /* "de" or "en" (static) */
  GPtrArray  *suggestions;  /* SpBotSuggestion, at most 3, never NULL after an answer */
} SpBotAnswer;

const char *sp_bot_kind_to_string  (SpBotKind          kind);
void        sp_bot_answer_clear    (SpBotAnswer       *answer);
/* The /api/v1/bot/ask JSON of @answer, as text (@length: its bytes,
 * nullable). */
char       *sp_bot_answer_to_json  (const SpBotAnswer *answer,
                                    gsize             *length);

/* Answers @question (the logic of /api/v1/bot/ask, for the voice route
 * too): smalltalk, FAQ and service matches, clarifying suggestions and the
 * hand-off offer. @lang ("de"|"en"|NULL = detect), @channel ("chat" or
 * "voice": voice answers are the spoken short versions without links).
 * @session (nullable, 1..128 chars) keeps the last suggestions and offers
 * in memory for 30 minutes so that "1".."3" and "ja" work. Counts the
 * KPIs interactions/answered/unanswered and logs unanswered questions
 * (personal data stripped). Hand-offs and callbacks are counted by the
 * route that creates them (sp_bot_kpi_count()). Blocks until the first
 * index is built: call it from a worker thread. FALSE only when there is
 * no index at all (the storage failed). */
gboolean    sp_bot_answer          (SpServer          *server,
                                    const char        *question,
                                    const char        *lang,
                                    const char        *channel,
                                    SpBotAnswer       *out);
gboolean    sp_bot_answer_session  (SpServer          *server,
                                    const char        *question,
                                    const char        *session,
                                    const char        *lang,
                                    const char        *channel,
                                    SpBotAnswer       *out);

/* Counts one KPI event for today (Europe/Berlin) and @channel ("chat" or
 * "voice"); thread-safe, kept in memory and written in batches (at most a
 * few seconds later, before every KPI read and at shutdown). */
void        sp_bot_kpi_count       (SpServer          *server,
                                    const char        *channel,
                                    SpBotEvent         event);

/* Whether the office is open now; *next_open (nullable) gets the next
 * opening as ISO 8601 (NULL when open or never), *hotline (nullable) the
 * hotline setting (NULL if unset). Thread-safe; may block like
 * sp_bot_answer(). */
gboolean    sp_bot_office_open     (SpServer          *server,
                                    char             **next_open,
                                    char             **hotline);

/* Appends the bot's Prometheus metrics to @out. */
void        sp_route_bot_metrics   (SpServer          *server,
                                    GString           *out);

void        sp_route_bot_register  (SpServer          *server);

G_END_DECLS
