/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-entity"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-entity.h"
#include "sp-error.h"

static const char * const service_status_values[] = { "draft", "published", NULL };

static const SpField service_fields[] = {
  { .name = "name",          .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "leika",         .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "description",   .type = SP_FIELD_TEXT, .max_len = 20000 },
  { .name = "documents",     .type = SP_FIELD_STRV, .max_len = 500, .max_items = 100 },
  { .name = "fees",          .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "office",        .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "opening_hours", .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "online_url",    .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "status",        .type = SP_FIELD_ENUM, .max_len = 32,
    .enum_values = service_status_values },
};

static const SpEntity service_entity = {
  .name = SP_ENTITY_SERVICE,
  .fields = service_fields,
  .n_fields = G_N_ELEMENTS (service_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .scope_from_field = NULL,
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField conflict_fields[] = {
  { .name = "entity",     .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "row_id",     .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "field",      .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "lost_value", .type = SP_FIELD_TEXT, .max_len = 100000 },
  { .name = "lost_hlc",   .type = SP_FIELD_TEXT, .max_len = 128 },
  { .name = "kept_value", .type = SP_FIELD_TEXT, .max_len = 100000 },
  { .name = "kept_hlc",   .type = SP_FIELD_TEXT, .max_len = 128 },
  { .name = "resolved",   .type = SP_FIELD_BOOL },
};

static const SpEntity conflict_entity = {
  .name = SP_ENTITY_CONFLICT,
  .fields = conflict_fields,
  .n_fields = G_N_ELEMENTS (conflict_fields),
  .read_roles = "staff",
  .write_roles = "admin",
  .scope_from_field = "entity",
  .policy = SP_CONFLICT_FIELD_LWW,
};

/* Competence self-check catalogues (core/competence/). A published
 * catalogue revision and all its parts are frozen. */
static const char * const catalogue_status_values[] = { "draft", "published", NULL };
static const char * const question_kind_values[] = { "self", "single", "multiple", NULL };
static const char * const training_kind_values[] = { "literature", "course", "tutorial", "elearning", NULL };

static const SpField competence_catalogue_fields[] = {
  { .name = "key",         .type = SP_FIELD_TEXT, .max_len = 24 },
  { .name = "revision",    .type = SP_FIELD_INT },
  { .name = "title",       .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "description", .type = SP_FIELD_TEXT, .max_len = 20000 },
  { .name = "status",      .type = SP_FIELD_ENUM, .max_len = 32,
    .enum_values = catalogue_status_values },
  { .name = "levels",      .type = SP_FIELD_STRV, .max_len = 200, .max_items = 5 },
};

static const SpEntity competence_catalogue_entity = {
  .name = "competence_catalogue",
  .fields = competence_catalogue_fields,
  .n_fields = G_N_ELEMENTS (competence_catalogue_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .frozen_field = "status",
  .frozen_value = "published",
};

static const SpField competence_area_fields[] = {
  { .name = "catalogue_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "code",         .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "title",        .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "position",     .type = SP_FIELD_INT },
};

static const SpEntity competence_area_entity = {
  .name = "competence_area",
  .fields = competence_area_fields,
  .n_fields = G_N_ELEMENTS (competence_area_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .parent_field = "catalogue_id",
  .parent_entity = "competence_catalogue",
};

static const SpField competence_fields[] = {
  { .name = "catalogue_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "area_code",    .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "code",         .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "title",        .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "description",  .type = SP_FIELD_TEXT, .max_len = 20000 },
  { .name = "position",     .type = SP_FIELD_INT },
};

static const SpEntity competence_entity = {
  .name = "competence",
  .fields = competence_fields,
  .n_fields = G_N_ELEMENTS (competence_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .parent_field = "catalogue_id",
  .parent_entity = "competence_catalogue",
};

static const SpField competence_question_fields[] = {
  { .name = "catalogue_id",    .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "competence_code", .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "kind",            .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = question_kind_values },
  { .name = "text",            .type = SP_FIELD_TEXT, .max_len = 4000 },
  { .name = "position",        .type = SP_FIELD_INT },
};

static const SpEntity competence_question_entity = {
  .name = "competence_question",
  .fields = competence_question_fields,
  .n_fields = G_N_ELEMENTS (competence_question_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .parent_field = "catalogue_id",
  .parent_entity = "competence_catalogue",
};

static const SpField competence_option_fields[] = {
  { .name = "question_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "label",       .type = SP_FIELD_TEXT, .max_len = 1000 },
  { .name = "points",      .type = SP_FIELD_INT },
  { .name = "correct",     .type = SP_FIELD_BOOL },
  { .name = "position",    .type = SP_FIELD_INT },
};

static const SpEntity competence_option_entity = {
  .name = "competence_option",
  .fields = competence_option_fields,
  .n_fields = G_N_ELEMENTS (competence_option_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .parent_field = "question_id",
  .parent_entity = "competence_question",
};

static const SpField competence_recommendation_fields[] = {
  { .name = "catalogue_id",    .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "competence_code", .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "min_level",       .type = SP_FIELD_INT },
  { .name = "max_level",       .type = SP_FIELD_INT },
  { .name = "training_id",     .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "note",            .type = SP_FIELD_TEXT, .max_len = 2000 },
};

static const SpEntity competence_recommendation_entity = {
  .name = "competence_recommendation",
  .fields = competence_recommendation_fields,
  .n_fields = G_N_ELEMENTS (competence_recommendation_fields),
  .read_roles = "staff",
  .write_roles = "hr,trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
  .parent_field = "catalogue_id",
  .parent_entity = "competence_catalogue",
};

/* Training catalogue (core/training/). */
static const SpField training_item_fields[] = {
  { .name = "title",       .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "kind",        .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = training_kind_values },
  { .name = "competences", .type = SP_FIELD_STRV, .max_len = 16, .max_items = 50 },
  { .name = "level",       .type = SP_FIELD_INT },
  { .name = "provider",    .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "url",         .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "starts",      .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "ends",        .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "track",       .type = SP_FIELD_TEXT, .max_len = 32 },
  { .name = "description", .type = SP_FIELD_TEXT, .max_len = 20000 },
};

static const SpEntity training_item_entity = {
  .name = "training_item",
  .fields = training_item_fields,
  .n_fields = G_N_ELEMENTS (training_item_fields),
  .read_roles = "staff",
  .write_roles = "trainer",
  .policy = SP_CONFLICT_FIELD_LWW,
};

/* FAQ and bot content (core/faq/): curated answers for the chat bot and
 * the voice bot, and the office hours that decide the hand-off to staff. */
static const char * const faq_language_values[] = { "de", "en", NULL };
static const char * const faq_status_values[] = { "draft", "published", NULL };
static const char * const bot_hours_kind_values[] = { "weekly", "closure", NULL };

static const SpField faq_fields[] = {
  { .name = "question",     .type = SP_FIELD_TEXT, .max_len = 1000 },
  { .name = "alternatives", .type = SP_FIELD_STRV, .max_len = 1000, .max_items = 50 },
  { .name = "answer_short", .type = SP_FIELD_TEXT, .max_len = 1000 },
  { .name = "answer",       .type = SP_FIELD_TEXT, .max_len = 20000 },
  { .name = "keywords",     .type = SP_FIELD_STRV, .max_len = 100, .max_items = 50 },
  { .name = "service_id",   .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "leika",        .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "office",       .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "language",     .type = SP_FIELD_ENUM, .max_len = 8,
    .enum_values = faq_language_values },
  { .name = "status",       .type = SP_FIELD_ENUM, .max_len = 32,
    .enum_values = faq_status_values },
  { .name = "valid_until",  .type = SP_FIELD_TEXT, .max_len = 10 },
};

static const SpEntity faq_entity = {
  .name = "faq",
  .fields = faq_fields,
  .n_fields = G_N_ELEMENTS (faq_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField bot_hours_fields[] = {
  { .name = "kind",    .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = bot_hours_kind_values },
  { .name = "weekday", .type = SP_FIELD_INT },
  { .name = "day",     .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "opens",   .type = SP_FIELD_TEXT, .max_len = 5 },
  { .name = "closes",  .type = SP_FIELD_TEXT, .max_len = 5 },
  { .name = "note",    .type = SP_FIELD_TEXT, .max_len = 500 },
};

static const SpEntity bot_hours_entity = {
  .name = "bot_hours",
  .fields = bot_hours_fields,
  .n_fields = G_N_ELEMENTS (bot_hours_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField bot_setting_fields[] = {
  { .name = "key",   .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "value", .type = SP_FIELD_TEXT, .max_len = 2000 },
};

static const SpEntity bot_setting_entity = {
  .name = "bot_setting",
  .fields = bot_setting_fields,
  .n_fields = G_N_ELEMENTS (bot_setting_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

/* Citizen participation (issue 5): feedback on the city's digital
 * services with its triage, surveys and hackathon challenges. Citizens'
 * submissions are created by the server (sp_storage_push_as_server) and
 * reach editors' desktops by sync; rows holding contact data are read by
 * editors only. */
static const char * const feedback_channel_values[] =
  { "web", "kiosk", "app", "bot", "open311", NULL };
static const char * const feedback_state_values[] =
  { "new", "in_progress", "answered", "closed", "spam", NULL };
static const char * const survey_status_values[] =
  { "draft", "published", "closed", NULL };
static const char * const survey_access_values[] = { "public", "code", NULL };
static const char * const survey_question_type_values[] =
  { "single", "dropdown", "multiple", "text", "number", "date", "rating",
    "matrix", "ranking", NULL };
static const char * const survey_option_kind_values[] = { "option", "row", NULL };
static const char * const challenge_status_values[] =
  { "draft", "published", "closed", NULL };
static const char * const challenge_solution_state_values[] =
  { "submitted", "accepted", "winner", "rejected", "spam", NULL };

static const SpField feedback_fields[] = {
  { .name = "ticket",     .type = SP_FIELD_TEXT, .max_len = 32 },
  { .name = "service_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "rating",     .type = SP_FIELD_INT },
  { .name = "text",       .type = SP_FIELD_TEXT, .max_len = 16000 },
  { .name = "channel",    .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = feedback_channel_values },
  { .name = "contact",    .type = SP_FIELD_TEXT, .max_len = 800 },
  { .name = "created",    .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "due",        .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "state",      .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = feedback_state_values },
  { .name = "org_unit",   .type = SP_FIELD_TEXT, .max_len = 200 },
  { .name = "tags",       .type = SP_FIELD_STRV, .max_len = 64, .max_items = 20 },
  { .name = "assignee",   .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "reply",      .type = SP_FIELD_TEXT, .max_len = 16000 },
  { .name = "replied",    .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "address",    .type = SP_FIELD_TEXT, .max_len = 800 },
  { .name = "lat",        .type = SP_FIELD_TEXT, .max_len = 16 },
  { .name = "lon",        .type = SP_FIELD_TEXT, .max_len = 16 },
};

static const SpEntity feedback_entity = {
  .name = "feedback",
  .fields = feedback_fields,
  .n_fields = G_N_ELEMENTS (feedback_fields),
  .read_roles = "admin,editor",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField feedback_note_fields[] = {
  { .name = "feedback_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "text",        .type = SP_FIELD_TEXT, .max_len = 4000 },
  { .name = "author",      .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "created",     .type = SP_FIELD_TEXT, .max_len = 20 },
};

static const SpEntity feedback_note_entity = {
  .name = "feedback_note",
  .fields = feedback_note_fields,
  .n_fields = G_N_ELEMENTS (feedback_note_fields),
  .read_roles = "admin,editor",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField feedback_setting_fields[] = {
  { .name = "key",   .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "value", .type = SP_FIELD_TEXT, .max_len = 2000 },
};

static const SpEntity feedback_setting_entity = {
  .name = "feedback_setting",
  .fields = feedback_setting_fields,
  .n_fields = G_N_ELEMENTS (feedback_setting_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField survey_fields[] = {
  { .name = "title",      .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "title_en",   .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "intro",      .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "intro_en",   .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "privacy",    .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "privacy_en", .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "thanks",     .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "thanks_en",  .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "status",     .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = survey_status_values },
  { .name = "opens",      .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "closes",     .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "access",     .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = survey_access_values },
};

static const SpEntity survey_entity = {
  .name = "survey",
  .fields = survey_fields,
  .n_fields = G_N_ELEMENTS (survey_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField survey_question_fields[] = {
  { .name = "survey_id",          .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "page",               .type = SP_FIELD_INT },
  { .name = "position",           .type = SP_FIELD_INT },
  { .name = "type",               .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = survey_question_type_values },
  { .name = "code",               .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "text",               .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "text_en",            .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "help",               .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "help_en",            .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "required",           .type = SP_FIELD_BOOL },
  { .name = "min",                .type = SP_FIELD_INT },
  { .name = "max",                .type = SP_FIELD_INT },
  { .name = "condition_question", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "condition_option",   .type = SP_FIELD_TEXT, .max_len = 64 },
};

static const SpEntity survey_question_entity = {
  .name = "survey_question",
  .fields = survey_question_fields,
  .n_fields = G_N_ELEMENTS (survey_question_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField survey_option_fields[] = {
  { .name = "question_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "kind",        .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = survey_option_kind_values },
  { .name = "code",        .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "label",       .type = SP_FIELD_TEXT, .max_len = 1000 },
  { .name = "label_en",    .type = SP_FIELD_TEXT, .max_len = 1000 },
  { .name = "position",    .type = SP_FIELD_INT },
};

static const SpEntity survey_option_entity = {
  .name = "survey_option",
  .fields = survey_option_fields,
  .n_fields = G_N_ELEMENTS (survey_option_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField challenge_fields[] = {
  { .name = "title",              .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "problem",            .type = SP_FIELD_TEXT, .max_len = 20000 },
  { .name = "data",               .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "department",         .type = SP_FIELD_TEXT, .max_len = 200 },
  { .name = "contact",            .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "event",              .type = SP_FIELD_TEXT, .max_len = 200 },
  { .name = "event_date",         .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "deadline",           .type = SP_FIELD_TEXT, .max_len = 10 },
  { .name = "status",             .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = challenge_status_values },
  { .name = "followup_survey_id", .type = SP_FIELD_TEXT, .max_len = 64 },
};

static const SpEntity challenge_entity = {
  .name = "challenge",
  .fields = challenge_fields,
  .n_fields = G_N_ELEMENTS (challenge_fields),
  .read_roles = "staff",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField challenge_solution_fields[] = {
  { .name = "challenge_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "title",        .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "description",  .type = SP_FIELD_TEXT, .max_len = 10000 },
  { .name = "link",         .type = SP_FIELD_TEXT, .max_len = 2000 },
  { .name = "team",         .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "contact",      .type = SP_FIELD_TEXT, .max_len = 500 },
  { .name = "licence",      .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "created",      .type = SP_FIELD_TEXT, .max_len = 20 },
  { .name = "state",        .type = SP_FIELD_ENUM, .max_len = 16,
    .enum_values = challenge_solution_state_values },
};

static const SpEntity challenge_solution_entity = {
  .name = "challenge_solution",
  .fields = challenge_solution_fields,
  .n_fields = G_N_ELEMENTS (challenge_solution_fields),
  .read_roles = "admin,editor",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpField challenge_score_fields[] = {
  { .name = "solution_id", .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "reviewer",    .type = SP_FIELD_TEXT, .max_len = 64 },
  { .name = "impact",      .type = SP_FIELD_INT },
  { .name = "feasibility", .type = SP_FIELD_INT },
  { .name = "innovation",  .type = SP_FIELD_INT },
  { .name = "comment",     .type = SP_FIELD_TEXT, .max_len = 2000 },
};

static const SpEntity challenge_score_entity = {
  .name = "challenge_score",
  .fields = challenge_score_fields,
  .n_fields = G_N_ELEMENTS (challenge_score_fields),
  .read_roles = "admin,editor",
  .write_roles = "admin,editor",
  .policy = SP_CONFLICT_FIELD_LWW,
};

static const SpEntity * const registry[] = {
  &service_entity,
  &conflict_entity,
  &competence_catalogue_entity,
  &competence_area_entity,
  &competence_entity,
  &competence_question_entity,
  &competence_option_entity,
  &competence_recommendation_entity,
  &training_item_entity,
  &faq_entity,
  &bot_hours_entity,
  &bot_setting_entity,
  &feedback_entity,
  &feedback_note_entity,
  &feedback_setting_entity,
  &survey_entity,
  &survey_question_entity,
  &survey_option_entity,
  &challenge_entity,
  &challenge_solution_entity,
  &challenge_score_entity,
};

static const char * const known_roles[] = {
  "admin", "editor", "hr", "kita", "trainer", "staff", NULL,
};

const SpEntity *
sp_entity_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    {
      if (strcmp (registry[i]->name, name) == 0)
        return registry[i];
    }

  return NULL;
}

const SpEntity * const *
sp_entity_all (guint *n_entities)
{
  if (n_entities)
    *n_entities = G_N_ELEMENTS (registry);
  return registry;
}

int
sp_entity_field_index (const SpEntity *entity,
                       const char     *field)
{
  g_return_val_if_fail (entity != NULL, -1);

  if (field == NULL)
    return -1;

  for (guint i = 0; i < entity->n_fields; i++)
    {
      if (strcmp (entity->fields[i].name, field) == 0)
        return (int) i;
    }

  return -1;
}

const SpField *
sp_entity_get_field (const SpEntity *entity,
                     const char     *field)
{
  int idx = sp_entity_field_index (entity, field);

  return idx < 0 ? NULL : &entity->fields[idx];
}

const SpEntity *
sp_entity_scope_for_row (const SpEntity *entity,
                         JsonObject     *fields)
{
  JsonNode *node;
  const SpEntity *scope;

  g_return_val_if_fail (entity != NULL, NULL);

  if (entity->scope_from_field == NULL)
    return entity;
  if (fields == NULL)
    return NULL;

  node = json_object_get_member (fields, entity->scope_from_field);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  scope = sp_entity_lookup (json_node_get_string (node));
  /* No chains of scopes. */
  if (scope == NULL || scope->scope_from_field != NULL)
    return NULL;
  return scope;
}

gboolean
sp_roles_contain_any (const char * const *roles,
                      const char         *allowed_csv)
{
  g_auto(GStrv) allowed = NULL;

  if (allowed_csv == NULL || *allowed_csv == '\0')
    return FALSE;

  allowed = g_strsplit (allowed_csv, ",", -1);
  for (guint i = 0; allowed[i]; i++)
    {
      const char *a = g_strstrip (allowed[i]);

      /* Everyone is staff. */
      if (strcmp (a, "staff") == 0)
        return TRUE;

      if (roles == NULL)
        continue;

      for (guint j = 0; roles[j]; j++)
        {
          if (strcmp (roles[j], a) == 0)
            return TRUE;
        }
    }

  if (roles != NULL)
    {
      for (guint j = 0; roles[j]; j++)
        if (strcmp (roles[j], "admin") == 0)
          return TRUE;
    }

  return FALSE;
}

gboolean
sp_entity_can_read (const SpEntity     *entity,
                    const char * const *roles)
{
  g_return_val_if_fail (entity != NULL, FALSE);
  return sp_roles_contain_any (roles, entity->read_roles);
}

gboolean
sp_entity_can_write (const SpEntity     *entity,
                     const char * const *roles)
{
  g_return_val_if_fail (entity != NULL, FALSE);
  return sp_roles_contain_any (roles, entity->write_roles);
}

gboolean
sp_role_is_known (const char *role)
{
  if (role == NULL)
    return FALSE;
  return g_strv_contains (known_roles, role);
}

static const char *
json_type_name (JsonNode *value)
{
  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
    default:
      {
        GType t = json_node_get_value_type (value);
        if (t == G_TYPE_STRING)
          return "a string";
        if (t == G_TYPE_BOOLEAN)
          return "a boolean";
        if (t == G_TYPE_INT64)
          return "an integer";
        return "a number";
      }
    }
}

static gboolean
node_is_type (JsonNode *value,
              GType     type)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == type;
}

gboolean
sp_field_validate (const SpField  *field,
                   JsonNode       *value,
                   GError        **error)
{
  guint max_len;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  max_len = field->max_len ? field->max_len : SP_FIELD_DEFAULT_MAX_LEN;

  switch (field->type)
    {
    case SP_FIELD_TEXT:
    case SP_FIELD_ENUM:
      {
        const char *s;

        if (!node_is_type (value, G_TYPE_STRING))
          {
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                         "expected a string, got %s", json_type_name (value));
            return FALSE;
          }
        s = json_node_get_string (value);
        if (!g_utf8_validate (s, -1, NULL))
          {
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "invalid UTF-8");
            return FALSE;
          }
        if (strlen (s) > max_len)
          {
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                         "longer than %u bytes", max_len);
            return FALSE;
          }
        if (field->type == SP_FIELD_ENUM &&
            (field->enum_values == NULL || !g_strv_contains (field->enum_values, s)))
          {
            g_autofree char *allowed = field->enum_values
              ? g_strjoinv ("|", (char **) field->enum_values) : g_strdup ("");
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                         "must be one of %s", allowed);
            return FALSE;
          }
        return TRUE;
      }

    case SP_FIELD_INT:
      if (!node_is_type (value, G_TYPE_INT64))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "expected an integer, got %s", json_type_name (value));
          return FALSE;
        }
      return TRUE;

    case SP_FIELD_BOOL:
      if (!node_is_type (value, G_TYPE_BOOLEAN))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "expected a boolean, got %s", json_type_name (value));
          return FALSE;
        }
      return TRUE;

    case SP_FIELD_STRV:
      {
        JsonArray *array;
        guint n;
        guint max_items = field->max_items ? field->max_items
                          : (field->max_len ? field->max_len : SP_FIELD_DEFAULT_MAX_ITEMS);

        if (!JSON_NODE_HOLDS_ARRAY (value))
          {
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                         "expected an array of strings, got %s", json_type_name (value));
            return FALSE;
          }
        array = json_node_get_array (value);
        n = json_array_get_length (array);
        if (n > max_items)
          {
            g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                         "more than %u items", max_items);
            return FALSE;
          }
        for (guint i = 0; i < n; i++)
          {
            JsonNode *item = json_array_get_element (array, i);
            const char *s;

            if (!node_is_type (item, G_TYPE_STRING))
              {
                g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                             "[%u]: expected a string, got %s", i, json_type_name (item));
                return FALSE;
              }
            s = json_node_get_string (item);
            if (!g_utf8_validate (s, -1, NULL))
              {
                g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                             "[%u]: invalid UTF-8", i);
                return FALSE;
              }
            if (strlen (s) > max_len)
              {
                g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                             "[%u]: longer than %u bytes", i, max_len);
                return FALSE;
              }
          }
        return TRUE;
      }

    default:
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "unsupported field type");
      return FALSE;
    }
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

void
sp_field_list_append_item (GString    *out,
                           const char *s,
                           gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;
  const char *end = s + len;

  g_string_append_c (out, '"');
  for (const char *p = s; p < end; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else
        {
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
  g_string_append_len (out, run, end - run);
  g_string_append_c (out, '"');
}

gboolean
sp_field_values_equal (JsonNode *a,
                       JsonNode *b)
{
  if (is_null (a) || is_null (b))
    return is_null (a) && is_null (b);

  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;

  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a);
        JsonArray *ba = json_node_get_array (b);
        guint n = json_array_get_length (aa);

        if (n != json_array_get_length (ba))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!sp_field_values_equal (json_array_get_element (aa, i),
                                      json_array_get_element (ba, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      {
        GType ta = json_node_get_value_type (a);
        GType tb = json_node_get_value_type (b);

        if (ta != tb)
          return FALSE;
        if (ta == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        if (ta == G_TYPE_INT64)
          return json_node_get_int (a) == json_node_get_int (b);
        if (ta == G_TYPE_BOOLEAN)
          return !json_node_get_boolean (a) == !json_node_get_boolean (b);
        if (ta == G_TYPE_DOUBLE)
          return json_node_get_double (a) == json_node_get_double (b);
        return FALSE;
      }

    case JSON_NODE_OBJECT:
    default:
      return json_node_equal (a, b);
    }
}

gboolean
sp_entity_can_freeze (const SpEntity *entity)
{
  g_return_val_if_fail (entity != NULL, FALSE);
  return entity->frozen_field != NULL || entity->parent_field != NULL;
}
