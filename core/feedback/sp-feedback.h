/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Citizen feedback (entity "feedback", issue 5): the public ticket handle,
 * the validation shared by POST /api/v1/feedback and the Open311
 * POST requests.json, the SLA due time and the city's settings
 * (entity "feedback_setting"). No I/O: the server and the desktop both use
 * it. */

/* Public handle of one feedback: "FB-" and 3 groups of 4 characters of
 * Crockford's base 32 (0-9 A-Z without I L O U), 60 random bits. */
#define SP_FEEDBACK_TICKET_LEN        17

#define SP_FEEDBACK_TEXT_MAX          4000   /* characters */
#define SP_FEEDBACK_CONTACT_MAX       200    /* characters */
#define SP_FEEDBACK_ADDRESS_MAX       200    /* characters */

/* feedback_setting keys (row id "feedback_setting." KEY) and defaults. */
#define SP_FEEDBACK_SETTING_SLA_HOURS               "sla_hours"
#define SP_FEEDBACK_SETTING_CONTACT_RETENTION_DAYS  "contact_retention_days"
#define SP_FEEDBACK_SLA_HOURS_DEFAULT               72
#define SP_FEEDBACK_CONTACT_RETENTION_DAYS_DEFAULT  90

/* The Open311 service code of feedback not about one service. */
#define SP_FEEDBACK_OPEN311_GENERAL   "general"

/* A fresh random ticket (from the kernel's random generator). */
char        *sp_feedback_ticket_new          (void);
/* @text as a ticket in canonical form, or NULL if it is none. Typing
 * slips are forgiven: lower case, spaces, missing dashes, "FB" left out,
 * O for 0 and I/L for 1. */
char        *sp_feedback_ticket_normalize    (const char *text);

/* Validated citizen feedback, ready to be stored. */
typedef struct {
  char   *service_id;   /* "" = none */
  gint64  rating;       /* 1..5, 0 = none */
  char   *text;         /* as sent (not trimmed, never rewritten) */
  char   *channel;      /* web|kiosk|app|bot|open311 */
  char   *contact;      /* "" unless the citizen consented */
  char   *address;      /* Open311 address_string or "" */
  char   *lat;          /* decimal degrees or "" (both or none) */
  char   *lon;
} SpFeedbackInput;

void         sp_feedback_input_free          (SpFeedbackInput *input);

/* The body of POST /api/v1/feedback:
 *   {"service_id"?,"rating"?:1-5,"text","channel"?,"contact"?,"consent"?,
 *    "website"?}
 * channel web (default), kiosk, app or bot; text up to 4000 characters and
 * not blank unless a rating is given; contact only with "consent":true;
 * "website" is a honeypot that people never fill in. Unknown members are
 * ignored. On error NULL, SP_ERROR_INVALID with a message for people, and
 * *field (optional) names the offending member ("website" for the
 * honeypot: the caller answers "rejected"). */
SpFeedbackInput *sp_feedback_input_from_json (JsonObject  *body,
                                              const char **field,
                                              GError     **error);

/* Open311 GeoReport v2 request parameters (form fields; char* -> char*):
 * service_code (a service id or "general"), description, lat + long,
 * address_string, email, phone, first_name, last_name,
 * attribute[consent] ("true"), website (honeypot). Contact data without
 * attribute[consent]=true is dropped, not stored (*contact_dropped, may be
 * NULL, tells). Errors as sp_feedback_input_from_json(). */
SpFeedbackInput *sp_feedback_input_from_open311 (GHashTable  *params,
                                                 gboolean    *contact_dropped,
                                                 const char **field,
                                                 GError     **error);
/* A JSON request body of Open311 clients as the form fields above: strings,
 * numbers and booleans as text, "attribute":{"consent":true} as
 * attribute[consent]. NULL with SP_ERROR_INVALID for nested values. */
GHashTable  *sp_feedback_open311_params_from_json (JsonObject *body,
                                                   GError    **error);

/* "YYYY-MM-DDTHH:MM:SSZ" of @time in UTC. */
char        *sp_feedback_format_time         (GDateTime  *time);
/* Parses such a time (or any ISO 8601 time with zone); NULL if invalid. */
GDateTime   *sp_feedback_parse_time          (const char *text);
/* The SLA due time: @created plus @sla_hours; NULL if @created is
 * invalid. */
char        *sp_feedback_due                 (const char *created,
                                              guint       sla_hours);
/* TRUE when feedback in @state with @due is still to be handled (new or
 * in_progress) at @now and @due has passed. */
gboolean     sp_feedback_is_overdue          (const char *state,
                                              const char *due,
                                              GDateTime  *now);
/* The time of an HLC ("MMMMMMMMMMMMMMM:CCCC:NODE") as
 * "YYYY-MM-DDTHH:MM:SSZ", NULL if invalid. */
char        *sp_feedback_hlc_time            (const char *hlc);
/* ISO 8601 week of a "YYYY-MM-DD..." day or time: "2026-W48"; NULL if
 * invalid. */
char        *sp_feedback_iso_week            (const char *day);

/* The value of setting @key from its stored text @value (NULL = no row):
 * the default for missing or invalid values, clamped to a sane range
 * (sla_hours 1..8760, contact_retention_days 1..3650). 0 for unknown
 * keys. */
guint        sp_feedback_setting_value       (const char *key,
                                              const char *value);

/* The state citizens see: spam shows as "closed". */
const char  *sp_feedback_public_state        (const char *state);
/* Open311 status: "open" for new and in_progress, else "closed". */
const char  *sp_feedback_open311_status      (const char *state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpFeedbackInput, sp_feedback_input_free)

G_END_DECLS
