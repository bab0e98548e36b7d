/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* The survey API (JSON shapes in core/surveys/sp-survey.h):
 *
 * Public (CORS `*`, no cookies, nothing about the citizen stored):
 *   GET  /api/v1/surveys[?lang=en]
 *        -> [{"id","title","intro","languages","lang","access","opens","closes"}]
 *        published, access public, open today; closing soonest first
 *   GET  /api/v1/surveys/ID[?lang=en]
 *        -> the definition of sp_survey_build() plus "open": bool (false
 *        when closed or not yet open). Drafts: 404, except for editors
 *        and admins sending their bearer token (preview).
 *   POST /api/v1/surveys/ID/responses
 *        {"answers":{QID: value},"code"?,"lang"?: "de"|"en","website"?}
 *        (body <= 16 KiB, rate limited per client: bucket "surveys")
 *        -> 201 {"status":"stored","thanks": text in lang}
 *        errors (nothing stored on any of them):
 *          400 {"error":"invalid_answer","question":QID,"message"}
 *          400 "invalid_request" (not an object, answers not an object,
 *              bad lang), 400 "rejected" (honeypot "website" filled)
 *          403 "code_required" (access code survey, no "code"),
 *              "code_invalid" (unknown code), "code_used" (used before)
 *          404 "not_found" (unknown survey or a draft)
 *          409 "closed" (closed, or today outside opens..closes)
 *          413 "too_large", 429 "rate_limited" (Retry-After)
 *
 * Editors (admin, editor; bearer token):
 *   GET  /api/v1/surveys/ID/results
 *        -> {"responses":N,"questions":{QID: summary}}, summary by type:
 *          single, dropdown, multiple {"type","answered","options":{OID:n}}
 *          ranking {"type","answered","mean_rank":{OID:x},"first":{OID:n}}
 *          matrix  {"type","answered","rows":{RID:{OID:n}}}
 *          number  {"type","answered","mean","min","max","median"} (null
 *                  when unanswered)
 *          rating  the same plus "histogram":{"1":n,..,"MAX":n}
 *          text    {"type","answered","texts":[latest 200, newest first]}
 *          date    {"type","answered","days":{"YYYY-MM-DD":n}}
 *        "answered" counts responses that answered the question; options,
 *        rows and histogram values without answers are listed with 0.
 *   GET  /api/v1/surveys/ID/responses.csv[?format=limesurvey][&lang=en]
 *        text/csv (see sp_survey_csv_header())
 *   POST /api/v1/surveys/ID/codes {"count": 1..1000}
 *        -> 201 {"codes":["K7QM-9XDA-2HPA",..]}: shown once, stored only
 *        as SHA-256 hex; codes are case-insensitive and "-"/spaces are
 *        ignored when entered. */

void     sp_route_surveys_register      (SpServer   *server);

/* TRUE for the public survey paths above (for CORS). */
gboolean sp_route_surveys_path_is_public (const char *path);

/* SHA-256 hex of access code @code after normalising it (upper case, "-"
 * and white space removed); NULL when nothing is left. */
char    *sp_survey_code_hash            (const char *code);

/* @n new random access codes (NULL-terminated). */
GStrv    sp_survey_codes_new            (guint       n);

G_END_DECLS
