/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* What the triage views (inbox columns, detail pane, overview) say about a
 * feedback row, and the local edits they share. */

typedef enum {
  SP_FEEDBACK_DUE_NONE,      /* no SLA: answered, closed, spam or no due time */
  SP_FEEDBACK_DUE_PENDING,
  SP_FEEDBACK_DUE_OVERDUE,
} SpFeedbackDue;

/* States and channels in their registry order, NULL-terminated. */
extern const char * const sp_feedback_states[];
extern const char * const sp_feedback_channels[];

const char    *sp_feedback_state_label   (const char *state);
const char    *sp_feedback_channel_label (const char *channel);
/* "★★★☆☆" for 3, "" for 0 (no rating). */
char          *sp_feedback_rating_stars  (gint64      rating);
/* "3 of 5 stars" / "No rating": what screen readers say for the stars. */
char          *sp_feedback_rating_text   (gint64      rating);
/* An ISO 8601 UTC time in local time for people ("2026-11-29 14:05"), or
 * @iso itself when it does not parse. */
char          *sp_feedback_format_time   (const char *iso);
/* The SLA timer of an open item: "overdue by 3 h" / "due in 5 h" (days
 * from two days on) into *text (may be NULL). */
SpFeedbackDue  sp_feedback_describe_due  (const char *due,
                                          const char *state,
                                          GDateTime  *now,
                                          char      **text);
/* Now as the data model writes times: "YYYY-MM-DDTHH:MM:SSZ". */
char          *sp_feedback_now_iso       (void);
/* The service names by id (one query), for the inbox and the overview. */
GHashTable    *sp_feedback_service_names (SpLocalStore *store);
/* "tag1, tag2" -> ["tag1","tag2"] without empty and duplicate entries. */
JsonArray     *sp_feedback_parse_tags    (const char *text);
/* Saves @fields into every row of @ids in one batch; FALSE with @error
 * when one fails (then nothing is saved). */
gboolean       sp_feedback_save_rows     (SpLocalStore *store,
                                          GPtrArray    *ids,
                                          JsonObject   *fields,
                                          GError      **error);
/* Adds @tag to the tags of every row of @ids, one batch. */
gboolean       sp_feedback_add_tag       (SpLocalStore *store,
                                          GPtrArray    *ids,
                                          const char   *tag,
                                          GError      **error);

G_END_DECLS
