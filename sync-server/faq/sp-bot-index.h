/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-matcher.h"
#include "sp-office-hours.h"
#include "sp-storage.h"

G_BEGIN_DECLS

/* The chat/voice bot's view of the content: a matcher index over the
 * published, not expired FAQ entries and the published services that no
 * published FAQ entry covers (name, office; keywords of FAQ entries linked
 * to them), plus the office hours (bot_hours) and settings (bot_setting).
 *
 * An SpBotIndex is an immutable, reference-counted snapshot; queries on it
 * are thread-safe. The SpBotIndexer keeps the live one: it notices content
 * changes (the storage's content version, checked at most every
 * SP_BOT_INDEX_CHECK_MS, and the day for valid_until) and rebuilds in its
 * own thread, swapping the new snapshot in atomically. Requests keep using
 * the old snapshot meanwhile; only the very first build is waited for. */

#define SP_BOT_INDEX_CHECK_MS 200

typedef enum {
  SP_BOT_DOC_FAQ,
  SP_BOT_DOC_SERVICE,
} SpBotDocKind;

typedef struct {
  SpBotDocKind  kind;
  char         *match_id;       /* id in the matcher: faq id, or "service:" + id */
  char         *id;             /* the row id */
  char         *question;       /* FAQ question or service name */
  char         *answer;         /* FAQ: full answer; service: "" */
  char         *answer_short;   /* FAQ: spoken answer; service: "" */
  char         *service_id;     /* FAQ: linked service or ""; service: its id */
  char         *office;
  char         *opening_hours;  /* services (also of an FAQ's linked service) */
  char         *online_url;     /* services (also of an FAQ's linked service) */
  char         *language;       /* "de" or "en" */
} SpBotDoc;

typedef struct _SpBotIndex SpBotIndex;

/* Loads the content from @storage and builds a snapshot (slow: call it
 * off the main loop). @day ("YYYY-MM-DD") decides which entries expired. */
SpBotIndex     *sp_bot_index_build         (SpStorage    *storage,
                                            const char   *day,
                                            GError      **error);
SpBotIndex     *sp_bot_index_ref           (SpBotIndex   *self);
void            sp_bot_index_unref         (SpBotIndex   *self);

SpMatcher      *sp_bot_index_get_matcher   (SpBotIndex   *self);
/* The document of a match id (SpMatch.id), NULL if unknown. */
const SpBotDoc *sp_bot_index_lookup        (SpBotIndex   *self,
                                            const char   *match_id);
guint           sp_bot_index_size          (SpBotIndex   *self);
/* Content version the snapshot was built from. */
gint64          sp_bot_index_get_version   (SpBotIndex   *self);
SpOfficeHours  *sp_bot_index_get_office_hours (SpBotIndex *self);
/* A bot_setting value ("hotline", "callback_hours"), NULL if unset. */
const char     *sp_bot_index_get_setting   (SpBotIndex   *self,
                                            const char   *key);

typedef struct _SpBotIndexer SpBotIndexer;

/* @storage must outlive the indexer. With @build_now the first build
 * starts at once in the background, else with the first
 * sp_bot_indexer_get() (a server without FAQ content need not load the
 * language resources before someone asks). */
SpBotIndexer   *sp_bot_indexer_new         (SpStorage    *storage,
                                            gboolean      build_now);
/* Waits for a running build. */
void            sp_bot_indexer_free        (SpBotIndexer *self);
/* The current snapshot (a new reference); starts a rebuild in the
 * background when the content changed. NULL only if the first build
 * failed. May block (first build only): call it off the main loop. */
SpBotIndex     *sp_bot_indexer_get         (SpBotIndexer *self);
/* Makes the next sp_bot_indexer_get() check the content version now. */
void            sp_bot_indexer_invalidate  (SpBotIndexer *self);
/* Number of builds finished (tests, metrics). */
guint           sp_bot_indexer_get_builds  (SpBotIndexer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpBotIndex, sp_bot_index_unref)

G_END_DECLS
