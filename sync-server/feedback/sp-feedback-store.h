/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-feedback.h"
#include "sp-storage.h"

G_BEGIN_DECLS

/* Server-side writes of citizen feedback, shared by the JSON route
 * (sp-route-feedback.c), Open311 (sp-route-open311.c) and the demo
 * content. */

/* Stores validated @input as a new "feedback" row, written as the server
 * (sp_storage_push_as_server) so that it syncs to editors: state "new",
 * created @now, due after the city's `sla_hours`, a fresh ticket. A
 * service_id that is not a published service fails with SP_ERROR_INVALID
 * ("service_id: unknown service"). *id and *ticket (optional) get the new
 * row's id and ticket. */
gboolean  sp_feedback_store_add             (SpStorage              *storage,
                                             const SpFeedbackInput  *input,
                                             GDateTime              *now,
                                             char                  **id,
                                             char                  **ticket,
                                             GError                **error);

/* The SpChange sp_feedback_store_add() pushes, for callers that push many
 * at once (demo content): all fields set, state "new". */
SpChange *sp_feedback_store_new_change      (const SpFeedbackInput  *input,
                                             const char             *ticket,
                                             const char             *created,
                                             guint                   sla_hours);

/* The city's `sla_hours` or `contact_retention_days` (defaults when
 * unset or unreadable). */
guint     sp_feedback_store_setting         (SpStorage              *storage,
                                             const char             *key);

/* Retention: clears the contact data of feedback created more than
 * `contact_retention_days` before @now, pushing contact "" as the server
 * (so editors' copies are cleared by sync too). Returns how many rows were
 * cleared, -1 on failure. */
gint64    sp_feedback_store_expire_contacts (SpStorage              *storage,
                                             GDateTime              *now,
                                             GError                **error);

/* Minutes after sending a rating alone ("War das hilfreich?") in which the
 * citizen may add a few words to the same feedback. */
#define SP_FEEDBACK_FOLLOWUP_MINUTES 60
/* Makes @text (validated) the text of the feedback with @ticket if it was
 * created at most SP_FEEDBACK_FOLLOWUP_MINUTES before @now, is still new
 * and has no text yet, so that a rating and the words that follow it are
 * one feedback, counted once. SP_ERROR_NOT_FOUND otherwise. */
gboolean  sp_feedback_store_add_text        (SpStorage              *storage,
                                             const char             *ticket,
                                             const char             *text,
                                             GDateTime              *now,
                                             GError                **error);
/* Sets member @name of @object to @value, or to null when @value is NULL
 * or empty (public views show "no reply" as null). */
void      sp_feedback_json_set_text         (JsonObject             *object,
                                             const char             *name,
                                             const char             *value);

G_END_DECLS
