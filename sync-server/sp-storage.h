/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-change.h"
#include "sp-office-hours.h"
#include "sp-survey.h"

G_BEGIN_DECLS

/* The one narrow storage interface of the server. Everything the server
 * stores or reads goes through it, so that a PostgreSQL (libpq) backend can
 * replace the embedded SQLite one (sp-storage-sqlite.c) without touching
 * routes. No SQL, no sqlite3 types outside the backend.
 *
 * Calls are blocking and may be made from worker threads: the backend
 * serialises access itself (each call is one transaction). */

typedef struct _SpStorage SpStorage;

#define SP_STORAGE_PULL_DEFAULT  1000
#define SP_STORAGE_PULL_MAX      10000

typedef struct {
  char  *name;
  char **roles;          /* NULL-terminated, always includes "staff" */
} SpPrincipal;

void         sp_principal_free            (SpPrincipal *principal);

/* Opens the SQLite backend at @path (created and migrated if needed). */
SpStorage   *sp_storage_open_sqlite       (const char  *path,
                                           GError     **error);
void         sp_storage_close             (SpStorage   *self);

/* -- sync ------------------------------------------------------------ */

/* Apply pushed changes in order, in one transaction per batch. Every
 * change's entity must be writable by @principal's roles (else the whole
 * batch fails with SP_ERROR_FORBIDDEN and nothing is stored). Idempotent by
 * change_id. Merges concurrent changes by the rules in sp-merge.h and stores
 * every overwritten value as a "conflict" row. @results gets one
 * SpChangeResult per change; *cursor the server cursor after the batch. */
gboolean     sp_storage_push              (SpStorage          *self,
                                           const SpPrincipal  *principal,
                                           GPtrArray          *changes,   /* SpChange */
                                           GPtrArray          *results,   /* SpChangeResult, out */
                                           char              **cursor,
                                           GError            **error);
/* Rows changed after @since (NULL/"" = from the start; the first sync is a
 * snapshot of current rows, each once, not a replay), readable by
 * @principal, in server order, at most @limit (0 = SP_STORAGE_PULL_DEFAULT,
 * capped at SP_STORAGE_PULL_MAX). Deleted rows come as op "delete" with no
 * fields. A cursor not issued by this server fails with SP_ERROR_INVALID.
 * *cursor is where the next pull continues; *more whether rows remain. */
gboolean     sp_storage_pull              (SpStorage          *self,
                                           const SpPrincipal  *principal,
                                           const char         *since,
                                           guint               limit,
                                           GPtrArray          *changes,   /* SpChange, out */
                                           char              **cursor,
                                           gboolean           *more,
                                           GError            **error);
/* The same page written as JSON text: appends a JSON array whose elements
 * are exactly what sp_change_to_json (change, TRUE) gives for the changes
 * sp_storage_pull returns, without building them (fast first syncs).
 * *n_changes (optional) gets their number. */
gboolean     sp_storage_pull_json         (SpStorage          *self,
                                           const SpPrincipal  *principal,
                                           const char         *since,
                                           guint               limit,
                                           GString            *json,
                                           guint              *n_changes,
                                           char              **cursor,
                                           gboolean           *more,
                                           GError            **error);
/* How many changes the server has stored after @since (a cursor it
 * issued; NULL/"" = from the start), readable or not: how far a client at
 * that cursor is behind at most. -1 with @error for a cursor not issued
 * here. */
gint64       sp_storage_changes_since     (SpStorage          *self,
                                           const char         *since,
                                           GError            **error);
/* Import path (server-side writes such as `import`, --demo): applied like a
 * push by the server itself (node "server"), bypassing roles. A change
 * without change_id, id or hlc gets a fresh one (the hlc from the server's
 * clock); already seen change_ids are skipped as duplicates. */
gboolean     sp_storage_push_as_server    (SpStorage          *self,
                                           GPtrArray          *changes,
                                           GError            **error);

/* A directory for files derived from the stored data that can be made
 * again at any time (rendered voice prompts, sync snapshots), named after
 * @purpose, next to the database ("<db>.<purpose>/"); created if missing. */
char        *sp_storage_cache_dir         (SpStorage          *self,
                                           const char         *purpose,
                                           GError            **error);

/* -- accounts -------------------------------------------------------- */

/* @password_hash is a libsodium crypto_pwhash_str (argon2id) string. */
gboolean     sp_storage_user_put          (SpStorage          *self,
                                           const char         *name,
                                           const char         *password_hash,
                                           const char * const *roles,
                                           GError            **error);
/* FALSE without error when the user does not exist. */
gboolean     sp_storage_user_get          (SpStorage          *self,
                                           const char         *name,
                                           char              **password_hash,
                                           char             ***roles,
                                           GError            **error);
guint        sp_storage_user_count        (SpStorage          *self);
/* Tokens are stored as SHA-256 hex of the token only. */
gboolean     sp_storage_token_put         (SpStorage          *self,
                                           const char         *token_hash,
                                           const char         *user,
                                           gint64              expires_unix,
                                           GError            **error);
/* NULL when unknown or expired. */
SpPrincipal *sp_storage_token_lookup      (SpStorage          *self,
                                           const char         *token_hash,
                                           gint64              now_unix);

/* -- published content ------------------------------------------------- */

/* Published, not deleted rows of @entity whose "status" is "published",
 * as a JSON array of objects {"id",...fields}; ordered by name.
 * *etag gets a validator that changes whenever the result may change. */
JsonNode    *sp_storage_published         (SpStorage          *self,
                                           const char         *entity,
                                           char              **etag,
                                           GError            **error);

/* -- counters for /metrics --------------------------------------------- */
/* Rows stored for @entity, tombstones included; -1 for unknown entities. */
gint64       sp_storage_row_count         (SpStorage          *self,
                                           const char         *entity);

/* True if a row @id of @entity is stored (tombstones included). */
gboolean     sp_storage_row_exists        (SpStorage          *self,
                                           const char         *entity,
                                           const char         *id);

/* -- competence self-check (sync-server/competence/) -------------------- */

/* Row ids ("KEY.REV") of the newest published revision of every catalogue
 * key, ordered by title. */
GStrv        sp_storage_competence_catalogues (SpStorage      *self,
                                               GError        **error);
/* The catalogue JSON (core/competence/sp-competence-catalogue.h) of
 * catalogue @key in @revision, or of its newest published revision when
 * @revision is 0. SP_ERROR_NOT_FOUND if there is none. With
 * @published_only a draft revision counts as missing. */
JsonNode    *sp_storage_competence_catalogue  (SpStorage      *self,
                                               const char     *key,
                                               gint64          revision,
                                               gboolean        published_only,
                                               GError        **error);

/* Stores one anonymous submission: catalogue key, revision, org unit,
 * year and a level per competence code (@levels: char* code ->
 * GINT_TO_POINTER (level 1..5)). Nothing else: no user, token, address or
 * time; the row id is random. */
gboolean     sp_storage_competence_submission_add (SpStorage   *self,
                                                   const char  *catalogue,
                                                   gint64       revision,
                                                   const char  *org_unit,
                                                   gint64       year,
                                                   GHashTable  *levels,
                                                   GError     **error);

/* Submissions stored in all years (e.g. to load demo data only once). */
gint64       sp_storage_competence_submission_count (SpStorage *self);

typedef struct {
  gint64 sum;        /* sum of the levels given for a code */
  guint  count;      /* submissions that gave one */
} SpLevelSum;

typedef struct {
  char       *org_unit;
  gint64      year;
  guint       n;       /* submissions */
  GHashTable *levels;  /* char* code -> SpLevelSum* */
} SpReportRow;

void         sp_report_row_free            (SpReportRow *row);
/* One row per org unit that has submissions in @year, ordered by org
 * unit. Raw counts: suppression is the caller's job. */
GPtrArray   *sp_storage_competence_report_rows (SpStorage   *self,
                                                gint64       year,
                                                GError     **error);  /* SpReportRow */
/* -- training catalogue (sync-server/training/) -------------------------- */

/* Stored items in the training file format (array), see
 * core/training/sp-training-catalogue.h. */
JsonNode    *sp_storage_training_items     (SpStorage          *self,
                                            GError            **error);
/* Adds @delta (+1/-1) to the anonymous counter of (@item, @state
 * "planned"|"done"); counters never drop below 0. SP_ERROR_INVALID for an
 * unknown item. */
gboolean     sp_storage_training_demand_add (SpStorage         *self,
                                             const char        *item,
                                             const char        *state,
                                             int                delta,
                                             GError           **error);
/* {"items":[{"item","title","planned","done"}]} for items with demand. */
JsonNode    *sp_storage_training_demand    (SpStorage          *self,
                                            GError            **error);

/* -- bot (sync-server/faq/) ------------------------------------------------ */

/* The highest version of any row of the bot's content (faq, service,
 * bot_hours, bot_setting): changes whenever that content may have
 * changed. Cheap (one indexed max per table). -1 on failure. */
gint64       sp_storage_bot_content_version (SpStorage        *self);
/* Every stored row of @entity (tombstones as op "delete" without fields),
 * as SpChange with id, version, hlc and all fields; unordered. */
GPtrArray   *sp_storage_bot_rows           (SpStorage          *self,
                                            const char         *entity,
                                            GError            **error);  /* SpChange */

/* One unanswered question to log: @text_norm groups (the folded text),
 * @text is shown (already stripped of personal data), @count adds. */
typedef struct {
  char   *text_norm;
  char   *text;
  char   *language;
  guint   count;
  gint64  first_seen;     /* unix seconds */
  gint64  last_seen;
} SpBotUnanswered;

void         sp_bot_unanswered_free        (SpBotUnanswered *item);

/* Per day ("YYYY-MM-DD") and channel ("chat"|"voice") counters to add. */
typedef struct {
  char   day[11];
  char   channel[8];
  gint64 interactions;
  gint64 answered;
  gint64 handoffs;
  gint64 unanswered;
  gint64 callbacks;
} SpBotKpiDelta;

/* Adds the counters and unanswered questions (grouped by text_norm: count
 * added, last_seen raised, a "done"/"dismissed" entry asked again stays as
 * it is) in one transaction. Either array may be NULL. */
gboolean     sp_storage_bot_record         (SpStorage          *self,
                                            GArray             *kpis,        /* SpBotKpiDelta */
                                            GPtrArray          *unanswered,  /* SpBotUnanswered */
                                            GError            **error);
/* {"questions":[{"id","text","language","count","first_seen","last_seen",
 * "state"}]} with @state (NULL = all), most asked first, at most @limit. */
JsonNode    *sp_storage_bot_unanswered     (SpStorage          *self,
                                            const char         *state,
                                            guint               limit,
                                            GError            **error);
/* Sets the state ("open"|"done"|"dismissed"); SP_ERROR_NOT_FOUND for an
 * unknown id. */
gboolean     sp_storage_bot_unanswered_set_state (SpStorage    *self,
                                                  gint64        id,
                                                  const char   *state,
                                                  GError      **error);
/* {"days":[{"day","channel","interactions","answered","handoffs",
 * "unanswered","callbacks"}]} for @from..@to (inclusive, "YYYY-MM-DD",
 * either may be NULL), ordered by day and channel. */
JsonNode    *sp_storage_bot_kpi            (SpStorage          *self,
                                            const char         *from,
                                            const char         *to,
                                            GError            **error);

/* -- bot hand-off (sync-server/faq/sp-route-handoff.c) ---------------------- */

/* The office hours from the live `bot_hours` rows (see
 * core/faq/sp-office-hours.h); invalid rows are skipped. */
SpOfficeHours *sp_storage_office_hours     (SpStorage          *self,
                                            GError            **error);
/* The value of bot setting @key (row "bot_setting.KEY", else any live row
 * with that key), NULL when unset. */
char        *sp_storage_bot_setting        (SpStorage          *self,
                                            const char         *key);

/* A new conversation @id (the citizen's 128-bit random handle) of @kind
 * "chat"|"callback" on @channel "chat"|"voice", state "waiting"; @question
 * becomes its first citizen message. @contact (callbacks, given with
 * consent) may be NULL. Times are unix seconds. */
gboolean     sp_storage_handoff_create     (SpStorage          *self,
                                            const char         *id,
                                            const char         *kind,
                                            const char         *channel,
                                            const char         *language,
                                            const char         *question,
                                            const char         *contact,
                                            gint64              now,
                                            GError            **error);
/* Appends a message from @sender "citizen"|"staff"|"bot" (@staff_user for
 * staff); a staff message makes the conversation "active" and assigns it
 * to @staff_user. Returns the message id; 0 with SP_ERROR_NOT_FOUND
 * (unknown conversation), SP_ERROR_RATE_LIMITED (@sender wrote
 * @max_per_minute messages in the last minute; 0 = no limit), or 0 without
 * error when the conversation is closed (nothing stored). *state (optional)
 * gets the state afterwards. */
gint64       sp_storage_handoff_add_message (SpStorage         *self,
                                             const char        *id,
                                             const char        *sender,
                                             const char        *staff_user,
                                             const char        *text,
                                             gint64             now,
                                             guint              max_per_minute,
                                             char             **state,
                                             GError           **error);
/* The citizen's view: {"messages":[{"id","sender","text","created"}],
 * "state"} with the messages after id @after. SP_ERROR_NOT_FOUND. */
JsonNode    *sp_storage_handoff_messages   (SpStorage          *self,
                                            const char         *id,
                                            gint64              after,
                                            GError            **error);
/* The staff inbox: {"conversations":[{"id","kind","channel","state",
 * "language","question","contact","assignee","created","updated",
 * "messages","unanswered","last_message":{..}|null}]}. @state NULL (all),
 * "waiting", "active", "closed" or "open" (waiting and active); waiting
 * ones oldest first, then active and closed ones newest first. With @ids
 * (NULL-terminated) exactly those conversations that still exist. */
JsonNode    *sp_storage_handoff_list       (SpStorage          *self,
                                            const char         *state,
                                            const char * const *ids,
                                            GError            **error);
/* One conversation as in the list plus "transcript": every message with
 * "staff_user". SP_ERROR_NOT_FOUND. */
JsonNode    *sp_storage_handoff_get        (SpStorage          *self,
                                            const char         *id,
                                            GError            **error);
/* Closes @id (closing a closed one changes nothing; *was_closed tells).
 * SP_ERROR_NOT_FOUND. */
gboolean     sp_storage_handoff_close      (SpStorage          *self,
                                            const char         *id,
                                            gint64              now,
                                            gboolean           *was_closed,
                                            GError            **error);
/* Deletes conversations of any state last changed before @idle_before
 * (closed ones, and call backs or chats nobody took up), with their
 * messages and contact data. Returns how many, -1 on failure. */
gint64       sp_storage_handoff_purge      (SpStorage          *self,
                                            gint64              idle_before,
                                            GError            **error);

/* -- hackathon challenges (sync-server/challenges/) ------------------------ */

/* Published and closed challenges (not deleted), public fields only:
 * [{"id","title","problem","data","department","contact","event",
 * "event_date","deadline","status","open","solution_count",
 * "accepted_count"}]. "open": published and @today ("YYYY-MM-DD") not
 * after the deadline (inclusive; no deadline = open); solution_count
 * counts every solution but spam, accepted_count the accepted and
 * winning ones. Open ones first (nearest deadline first), then the
 * others (latest first). */
JsonNode    *sp_storage_challenges_public  (SpStorage          *self,
                                            const char         *today,
                                            GError            **error);
/* One of those challenges plus "solutions": its accepted and winning
 * solutions [{"id","title","description","link","team","licence",
 * "created","state"}], winners first; never a contact. Drafts, deleted
 * and unknown ids: SP_ERROR_NOT_FOUND. */
JsonNode    *sp_storage_challenge_public   (SpStorage          *self,
                                            const char         *id,
                                            const char         *today,
                                            GError            **error);
/* {"problems_posted","solutions_submitted","solutions_accepted",
 * "challenges":[{"id","title","department","event","event_date",
 * "deadline","status","submitted","accepted","winners"}],
 * "years":[{"year","problems","submitted","accepted"}]} over published
 * and closed challenges; a challenge's year is that of its event date
 * (else its deadline); submitted = all but spam, accepted = accepted +
 * winner. */
JsonNode    *sp_storage_challenges_stats   (SpStorage          *self,
                                            GError            **error);
/* Retention: the solutions holding a team contact whose challenge's event
 * date (else deadline, else the solution's creation day) lies more than
 * the retention period before @today. The period is the feedback_setting
 * "contact_retention_days" when it holds a positive number, else
 * @default_days. Returned as upserts {"contact":""} (SpChange) based on the
 * row's version, ready for sp_storage_push_as_server(). */
GPtrArray   *sp_storage_challenge_expired_contacts (SpStorage     *self,
                                                    const char    *today,
                                                    guint          default_days,
                                                    GError       **error);  /* SpChange */

/* -- citizen feedback (sync-server/feedback/) ------------------------------ */

/* Feedback settings (entity feedback_setting) as key -> stored value; the
 * row "feedback_setting.KEY" wins over other rows with that key. Keys
 * without a row are absent (core/feedback/sp-feedback.h has the defaults). */
GHashTable  *sp_storage_feedback_settings  (SpStorage          *self,
                                            GError            **error);
/* The name of the live, published service @service_id; NULL if there is
 * none (unknown, deleted or draft). */
char        *sp_storage_feedback_service_name (SpStorage       *self,
                                               const char      *service_id);
/* Public view of one live feedback (spam included, the caller hides it):
 * {"id","hlc","ticket","service_id","service_name"|null,"state","created",
 * "due","reply","replied","address","lat","lon"}, strings ("" when empty).
 * Never text or contact. SP_ERROR_NOT_FOUND for an unknown ticket. */
JsonObject  *sp_storage_feedback_by_ticket (SpStorage          *self,
                                            const char         *ticket,
                                            GError            **error);
/* Live feedback except spam, newest first, as public views (above):
 * created in [@from, @until) (ISO times, NULL = open), of @service_id
 * (NULL = any, "" = none), @status "open" (new, in_progress) or "closed"
 * (NULL = both), at most @limit (0 = 1000). */
JsonArray   *sp_storage_feedback_list      (SpStorage          *self,
                                            const char         *service_id,
                                            const char         *from,
                                            const char         *until,
                                            const char         *status,
                                            guint               limit,
                                            GError            **error);
/* Counts of live feedback created in [@from, @until) (NULL = open) grouped
 * by service, state and day: [{"service_id","service_name"|null,"state",
 * "day","count","rating_sum","rated"}]. */
JsonArray   *sp_storage_feedback_stats     (SpStorage          *self,
                                            const char         *from,
                                            const char         *until,
                                            GError            **error);
/* Live feedback created before @created_before that still holds contact
 * data (retention): upserts of entity "feedback" with the row id and its
 * current version as base_version, no fields yet; and likewise of entity
 * "conflict" for conflict records that kept a contact value of such
 * feedback. */
GPtrArray   *sp_storage_feedback_expired_contacts (SpStorage   *self,
                                                   const char  *created_before,
                                                   GError     **error);
/* The feedback with @ticket that may still get its citizen's follow-up
 * text: created at or after @created_after, still "new", without text and
 * not from Open311. An array of 0 or 1 upserts as above. */
GPtrArray   *sp_storage_feedback_followup_ref (SpStorage       *self,
                                               const char      *ticket,
                                               const char      *created_after,
                                               GError         **error);

/* -- surveys (sync-server/surveys/) ---------------------------------------- */

/* The live rows of survey @id as sp_survey_build() takes them: *survey its
 * fields plus "id", *questions its live questions and *options their live
 * options (objects with "id" plus fields). SP_ERROR_NOT_FOUND when there
 * is no live survey @id. */
gboolean     sp_storage_survey_rows        (SpStorage          *self,
                                            const char         *id,
                                            JsonObject        **survey,
                                            JsonArray         **questions,
                                            JsonArray         **options,
                                            GError            **error);
/* Live surveys that are published, public and open on @today
 * ("YYYY-MM-DD" within opens..closes, both inclusive, "" = no bound), as
 * rows (fields plus "id"), closing soonest first (open end last). */
JsonArray   *sp_storage_surveys_open       (SpStorage          *self,
                                            const char         *today,
                                            GError            **error);

typedef enum {
  SP_SURVEY_SUBMIT_STORED,
  SP_SURVEY_SUBMIT_CLOSED,        /* gone, not published, or @today outside opens..closes */
  SP_SURVEY_SUBMIT_CODE_INVALID,  /* no such code for the survey */
  SP_SURVEY_SUBMIT_CODE_USED,     /* the code was used before */
} SpSurveySubmit;

/* State of access code @code_hash (SHA-256 hex) of @survey_id without
 * changing it: SP_SURVEY_SUBMIT_STORED for an unused code, else
 * CODE_INVALID or CODE_USED. */
SpSurveySubmit sp_storage_survey_code_state (SpStorage         *self,
                                             const char        *survey_id,
                                             const char        *code_hash);
/* Stores one anonymous response in one transaction: checks that the
 * survey is still open on @today, marks @code_hash (NULL = no code) used,
 * and inserts the response (day @today and @language only) and @rows
 * (SpSurveyAnswerRow from sp_survey_answer_rows()). The code is never
 * linked to the response. Nothing is stored unless *result is
 * SP_SURVEY_SUBMIT_STORED; FALSE only on storage errors. */
gboolean     sp_storage_survey_submit      (SpStorage          *self,
                                            const char         *survey_id,
                                            const char         *code_hash,
                                            const char         *today,
                                            const char         *language,
                                            GArray             *rows,
                                            SpSurveySubmit     *result,
                                            GError            **error);
/* {"responses":N,"questions":{QID:summary}} for the questions of
 * @definition (sp_survey_build()), see sync-server/surveys/. */
JsonNode    *sp_storage_survey_results     (SpStorage          *self,
                                            JsonObject         *definition,
                                            GError            **error);
/* Calls @func for every stored response of @definition's survey, oldest
 * first, as {"id","submitted","language","answers":{QID: value as
 * posted}} (the input of sp_survey_csv_row()). */
typedef void (*SpSurveyResponseFunc) (JsonObject *response,
                                      gpointer    user_data);
gboolean     sp_storage_survey_responses   (SpStorage          *self,
                                            JsonObject         *definition,
                                            SpSurveyResponseFunc func,
                                            gpointer            user_data,
                                            GError            **error);
/* Adds one-time access codes (SHA-256 hex of each code) to @survey_id in
 * one transaction; @created is unix seconds. */
gboolean     sp_storage_survey_codes_add   (SpStorage          *self,
                                            const char         *survey_id,
                                            const char * const *code_hashes,
                                            gint64              created,
                                            GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpPrincipal, sp_principal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpReportRow, sp_report_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpBotUnanswered, sp_bot_unanswered_free)

G_END_DECLS
