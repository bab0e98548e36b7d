/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-surveys"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "sp-route-surveys.h"

#include "sp-bot-cors.h"
#include "sp-change.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-server-private.h"
#include "sp-survey.h"

#define SURVEYS_PATH      "/api/v1/surveys"
#define EDITOR_ROLES      "admin,editor"
#define MAX_PUBLIC_BODY   (16 * 1024)
#define MAX_CODES_BODY    1024
#define MAX_CODES         1000
#define CODE_GROUPS       3
#define CODE_GROUP_LEN    4
#define RATE_BUCKET       "surveys"

/* 32 letters and digits without 0/O and 1/I, which people confuse. */
static const char code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* -- helpers ------------------------------------------------------------------ */

static const char *
query_lang (GHashTable *query)
{
  const char *lang = query ? g_hash_table_lookup (query, "lang") : NULL;

  return g_strcmp0 (lang, "en") == 0 ? "en" : "de";
}

/* The refusal for @result (closed, code problems), NULL when stored. */
static JsonNode *
submit_refusal (SpSurveySubmit  result,
                guint          *status)
{
  switch (result)
    {
    case SP_SURVEY_SUBMIT_STORED:
      return NULL;
    case SP_SURVEY_SUBMIT_CLOSED:
      return _sp_server_error_node (status, SOUP_STATUS_CONFLICT, "closed",
                                    "This survey does not take responses now");
    case SP_SURVEY_SUBMIT_CODE_USED:
      return _sp_server_error_node (status, SOUP_STATUS_FORBIDDEN, "code_used",
                                    "This access code has been used already");
    case SP_SURVEY_SUBMIT_CODE_INVALID:
    default:
      return _sp_server_error_node (status, SOUP_STATUS_FORBIDDEN, "code_invalid", "Unknown access code");
    }
}

/* Whether @definition's survey takes responses on @today. */
static gboolean
definition_open (JsonObject *definition,
                 const char *today)
{
  const char *opens = sp_json_get_string_or (definition, "opens", "");
  const char *closes = sp_json_get_string_or (definition, "closes", "");

  return g_strcmp0 (sp_json_get_string (definition, "status"), "published") == 0 &&
         (*opens == '\0' || strcmp (opens, today) <= 0) &&
         (*closes == '\0' || strcmp (closes, today) >= 0);
}

/* The definition of survey @id in @lang, or NULL (SP_ERROR_NOT_FOUND...). */
static JsonNode *
load_definition (SpServer    *server,
                 const char  *id,
                 const char  *lang,
                 GError     **error)
{
  g_autoptr(JsonObject) survey = NULL;
  g_autoptr(JsonArray) questions = NULL;
  g_autoptr(JsonArray) options = NULL;

  if (!sp_storage_survey_rows (sp_server_get_storage (server), id, &survey, &questions, &options, error))
    return NULL;
  return sp_survey_build (survey, questions, options, lang);
}

char *
sp_survey_code_hash (const char *code)
{
  g_autoptr(GString) norm = g_string_new (NULL);

  g_return_val_if_fail (code != NULL, NULL);

  for (const char *p = code; *p != '\0'; p++)
    if (*p != '-' && !g_ascii_isspace (*p))
      g_string_append_c (norm, g_ascii_toupper (*p));
  if (norm->len == 0)
    return NULL;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, norm->str, norm->len);
}

GStrv
sp_survey_codes_new (guint n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    {
      char code[CODE_GROUPS * (CODE_GROUP_LEN + 1)];
      guint k = 0;

      for (guint g = 0; g < CODE_GROUPS; g++)
        {
          if (g > 0)
            code[k++] = '-';
          for (guint c = 0; c < CODE_GROUP_LEN; c++)
            code[k++] = code_alphabet[randombytes_uniform (sizeof code_alphabet - 1)];
        }
      code[k] = '\0';
      g_strv_builder_add (builder, code);
    }
  return g_strv_builder_end (builder);
}

/* The work of a route gets its survey id and options in a small object. */
static JsonNode *
work_args (const char *id,
           const char *lang,
           gboolean    preview,
           JsonNode   *request)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "lang", lang);
  json_object_set_boolean_member (o, "preview", preview);
  if (request != NULL)
    json_object_set_member (o, "request", request);
  return sp_json_object_node (o);
}

/* -- public ---------------------------------------------------------------------- */

static JsonNode *
list_work (SpServer     *server,
           SpPrincipal  *principal,
           JsonNode     *body,
           GHashTable   *query,
           guint        *status,
           GError      **error)
{
  g_autofree char *today = sp_city_today ();
  g_autoptr(JsonArray) rows = NULL;
  JsonArray *list;

  if (!(rows = sp_storage_surveys_open (sp_server_get_storage (server), today, error)))
    return NULL;
  list = json_array_new ();
  for (guint i = 0; i < json_array_get_length (rows); i++)
    json_array_add_element (list, sp_survey_build_summary (json_array_get_object_element (rows, i),
                                                           query_lang (query)));
  return sp_json_array_node (list);
}

static JsonNode *
definition_work (SpServer     *server,
                 SpPrincipal  *principal,
                 JsonNode     *body,
                 GHashTable   *query,
                 guint        *status,
                 GError      **error)
{
  JsonObject *args = json_node_get_object (body);
  g_autofree char *today = sp_city_today ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *def;

  if (!(node = load_definition (server, sp_json_get_string (args, "id"),
                                sp_json_get_string (args, "lang"), error)))
    return NULL;
  def = json_node_get_object (node);
  if (g_strcmp0 (sp_json_get_string (def, "status"), "draft") == 0 &&
      !json_object_get_boolean_member (args, "preview"))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such survey");
      return NULL;
    }
  json_object_set_boolean_member (def, "open", definition_open (def, today));
  return g_steal_pointer (&node);
}

static JsonNode *
respond_work (SpServer     *server,
              SpPrincipal  *principal,
              JsonNode     *body,
              GHashTable   *query,
              guint        *status,
              GError      **error)
{
  JsonObject *args = json_node_get_object (body);
  const char *id = sp_json_get_string (args, "id");
  JsonNode *request = json_object_get_member (args, "request");
  g_autofree char *today = sp_city_today ();
  g_autofree char *question = NULL;
  g_autofree char *code_hash = NULL;
  g_autoptr(JsonNode) def_node = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) rows = NULL;
  JsonObject *req, *def, *answers, *reply;
  JsonNode *member, *node;
  const char *lang = "de";
  SpSurveySubmit result;

  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "Expected a JSON object");
      return NULL;
    }
  req = json_node_get_object (request);

  /* The honeypot: people never see the field, form-filling bots do. */
  if (sp_json_member_filled (req, "website"))
    return _sp_server_error_node (status, SOUP_STATUS_BAD_REQUEST, "rejected", "Request rejected");

  member = json_object_get_member (req, "lang");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      lang = sp_json_get_string (req, "lang");
      if (g_strcmp0 (lang, "de") != 0 && g_strcmp0 (lang, "en") != 0)
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "lang: expected “de” or “en”");
          return NULL;
        }
    }

  if (!(def_node = load_definition (server, id, lang, error)))
    return NULL;
  def = json_node_get_object (def_node);
  if (g_strcmp0 (sp_json_get_string (def, "status"), "draft") == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No such survey");
      return NULL;
    }
  if (!definition_open (def, today))
    return submit_refusal (SP_SURVEY_SUBMIT_CLOSED, status);

  member = json_object_get_member (req, "answers");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "answers: expected an object");
      return NULL;
    }
  answers = json_node_get_object (member);

  /* The code first: nobody should fill in a survey only to learn then
   * that their code is spent. */
  if (g_strcmp0 (sp_json_get_string (def, "access"), "code") == 0)
    {
      const char *code = sp_json_get_string (req, "code");

      if (code == NULL || !(code_hash = sp_survey_code_hash (code)))
        return _sp_server_error_node (status, SOUP_STATUS_FORBIDDEN, "code_required",
                                      "This survey needs an access code");
      if ((node = submit_refusal (sp_storage_survey_code_state (sp_server_get_storage (server),
                                                                id, code_hash), status)))
        return node;
    }

  if (!sp_survey_check_answers (def, answers, &question, &local_error))
    return _sp_server_error_node_naming (status, SOUP_STATUS_BAD_REQUEST, "invalid_answer",
                                         local_error->message, "question", question);

  rows = sp_survey_answer_rows (def, answers);
  if (!sp_storage_survey_submit (sp_server_get_storage (server), id, code_hash, today,
                                 sp_json_get_string (def, "lang"), rows, &result, error))
    return NULL;

  if ((node = submit_refusal (result, status)))
    return node;

  reply = json_object_new ();
  json_object_set_string_member (reply, "status", "stored");
  json_object_set_string_member (reply, "thanks", sp_json_get_string_or (def, "thanks", ""));
  *status = SOUP_STATUS_CREATED;
  return sp_json_object_node (reply);
}

/* -- editors ---------------------------------------------------------------------- */

static JsonNode *
results_work (SpServer     *server,
              SpPrincipal  *principal,
              JsonNode     *body,
              GHashTable   *query,
              guint        *status,
              GError      **error)
{
  JsonObject *args = json_node_get_object (body);
  g_autoptr(JsonNode) def = NULL;

  if (!(def = load_definition (server, sp_json_get_string (args, "id"), "de", error)))
    return NULL;
  return sp_storage_survey_results (sp_server_get_storage (server), json_node_get_object (def), error);
}

static JsonNode *
codes_work (SpServer     *server,
            SpPrincipal  *principal,
            JsonNode     *body,
            GHashTable   *query,
            guint        *status,
            GError      **error)
{
  JsonObject *args = json_node_get_object (body);
  const char *id = sp_json_get_string (args, "id");
  JsonNode *request = json_object_get_member (args, "request");
  g_autoptr(JsonNode) def = NULL;
  g_auto(GStrv) codes = NULL;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  JsonObject *reply;
  JsonArray *list;
  gint64 count;

  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request) ||
      !sp_json_get_int (json_node_get_object (request), "count", &count) ||
      count < 1 || count > MAX_CODES)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "count: expected a number from 1 to %d", MAX_CODES);
      return NULL;
    }
  if (!(def = load_definition (server, id, "de", error)))
    return NULL;

  codes = sp_survey_codes_new ((guint) count);
  for (guint i = 0; codes[i] != NULL; i++)
    g_ptr_array_add (hashes, sp_survey_code_hash (codes[i]));
  g_ptr_array_add (hashes, NULL);
  if (!sp_storage_survey_codes_add (sp_server_get_storage (server), id,
                                    (const char * const *) hashes->pdata,
                                    g_get_real_time () / G_USEC_PER_SEC, error))
    return NULL;

  list = json_array_new ();
  for (guint i = 0; codes[i] != NULL; i++)
    json_array_add_string_element (list, codes[i]);
  reply = json_object_new ();
  json_object_set_array_member (reply, "codes", list);
  *status = SOUP_STATUS_CREATED;
  return sp_json_object_node (reply);
}

/* CSV is no JSON: its own worker job. */
typedef struct {
  SpServer          *server;
  char              *id;
  char              *lang;
  SpSurveyCsvFormat  format;
  GBytes            *csv;       /* the worker's answer */
  GError            *error;     /* or why there is none */
} CsvRequest;

static void
csv_request_free (CsvRequest *req)
{
  g_free (req->id);
  g_free (req->lang);
  g_clear_pointer (&req->csv, g_bytes_unref);
  g_clear_error (&req->error);
  g_free (req);
}

typedef struct {
  JsonObject        *definition;
  SpSurveyCsvFormat  format;
  GString           *out;
} CsvWriter;

static void
csv_add_response (JsonObject *response,
                  gpointer    user_data)
{
  CsvWriter *writer = user_data;

  sp_survey_csv_row (writer->definition, writer->format, response, writer->out);
}

static void
csv_work (gpointer data)
{
  CsvRequest *req = data;
  g_autoptr(JsonNode) def = NULL;
  CsvWriter writer = { NULL, req->format, NULL };

  if (!(def = load_definition (req->server, req->id, req->lang, &req->error)))
    return;
  writer.definition = json_node_get_object (def);
  writer.out = g_string_new (NULL);
  sp_survey_csv_header (writer.definition, req->format, writer.out);
  if (!sp_storage_survey_responses (sp_server_get_storage (req->server), writer.definition,
                                    csv_add_response, &writer, &req->error))
    {
      g_string_free (writer.out, TRUE);
      return;
    }
  req->csv = g_string_free_to_bytes (writer.out);
}

static void
csv_reply (SoupServerMessage *msg,
           gpointer           data)
{
  CsvRequest *req = data;
  g_autofree char *disposition = NULL;
  SoupMessageHeaders *headers;

  if (req->csv == NULL)
    sp_server_reply_error (msg, req->error);
  else
    {
      headers = soup_server_message_get_response_headers (msg);
      disposition = g_strdup_printf ("attachment; filename=\"survey-%s%s.csv\"", req->id,
                                     req->format == SP_SURVEY_CSV_LIMESURVEY ? "-limesurvey" : "");
      soup_message_headers_replace (headers, "Content-Disposition", disposition);
      soup_message_headers_replace (headers, "Cache-Control", "no-store");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/csv; charset=utf-8", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (req->csv, NULL), g_bytes_get_size (req->csv));
    }
}

static void
csv_start (SpServer          *server,
           SoupServerMessage *msg,
           const char        *id,
           GHashTable        *query)
{
  const char *format = query ? g_hash_table_lookup (query, "format") : NULL;
  CsvRequest *req;

  if (format != NULL && strcmp (format, "limesurvey") != 0 && strcmp (format, "plain") != 0)
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                      "format: expected “plain” or “limesurvey”");
      return;
    }

  req = g_new0 (CsvRequest, 1);
  req->server = server;
  req->id = g_strdup (id);
  req->lang = g_strdup (query_lang (query));
  req->format = g_strcmp0 (format, "limesurvey") == 0 ? SP_SURVEY_CSV_LIMESURVEY : SP_SURVEY_CSV_PLAIN;
  _sp_server_run_job (server, msg, FALSE, req, (GDestroyNotify) csv_request_free,
                      csv_work, csv_reply);
}

/* -- dispatch ----------------------------------------------------------------------- */

gboolean
sp_route_surveys_path_is_public (const char *path)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (path == NULL || !g_str_has_prefix (path, SURVEYS_PATH))
    return FALSE;
  path += strlen (SURVEYS_PATH);
  if (*path == '\0')
    return TRUE;
  if (*path != '/')
    return FALSE;
  parts = g_strsplit (path + 1, "/", -1);
  n = g_strv_length (parts);
  return (n == 1 && *parts[0] != '\0') || (n == 2 && strcmp (parts[1], "responses") == 0);
}

/* The principal when a bearer token was sent (401 replied when it is
 * bad), NULL without replying when none was; *replied tells. */
static SpPrincipal *
optional_principal (SpServer          *server,
                    SoupServerMessage *msg,
                    gboolean          *replied)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  SpPrincipal *principal;

  *replied = FALSE;
  if (soup_message_headers_get_one (headers, "Authorization") == NULL)
    return NULL;
  principal = _sp_server_require_roles (server, msg, NULL, NULL);
  *replied = principal == NULL;
  return principal;
}

static void
surveys_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SpServer *server = user_data;
  g_auto(GStrv) parts = NULL;
  const char *id, *action;
  guint n;

  if (strcmp (path, SURVEYS_PATH) == 0 || strcmp (path, SURVEYS_PATH "/") == 0)
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      sp_server_defer (server, msg, NULL, NULL, query, list_work);
      return;
    }

  if (!g_str_has_prefix (path, SURVEYS_PATH "/"))
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  parts = g_strsplit (path + strlen (SURVEYS_PATH "/"), "/", -1);
  n = g_strv_length (parts);
  id = parts[0];
  action = n >= 2 ? parts[1] : NULL;
  if (n > 2 || !sp_id_is_valid (id))
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (action == NULL)
    {
      g_autoptr(SpPrincipal) principal = NULL;
      gboolean replied, preview;

      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      principal = optional_principal (server, msg, &replied);
      if (replied)
        return;
      preview = principal != NULL &&
                sp_roles_contain_any ((const char * const *) principal->roles, EDITOR_ROLES);
      sp_server_defer (server, msg, NULL, work_args (id, query_lang (query), preview, NULL),
                       NULL, definition_work);
      return;
    }

  if (strcmp (action, "responses") == 0)
    {
      JsonNode *body;

      if (!(body = _sp_server_require_public_post (server, msg, "POST", RATE_BUCKET, MAX_PUBLIC_BODY)))
        return;
      /* Anonymous: no principal, no address, no time of day. */
      sp_server_defer (server, msg, NULL, work_args (id, "de", FALSE, body), NULL, respond_work);
      return;
    }

  if (strcmp (action, "results") == 0 || strcmp (action, "responses.csv") == 0 ||
      strcmp (action, "codes") == 0)
    {
      g_autoptr(SpPrincipal) principal = NULL;
      gboolean is_codes = strcmp (action, "codes") == 0;

      if (!_sp_server_require_method (msg, is_codes ? "POST" : "GET", is_codes ? "POST" : "GET"))
        return;
      if (!(principal = _sp_server_require_roles (server, msg, EDITOR_ROLES,
                                                  "Only editors may see survey results or issue codes")))
        return;
      if (strcmp (action, "results") == 0)
        sp_server_defer (server, msg, NULL, work_args (id, "de", TRUE, NULL), NULL, results_work);
      else if (strcmp (action, "responses.csv") == 0)
        csv_start (server, msg, id, query);
      else
        {
          JsonNode *body;

          if (!(body = _sp_server_require_json_body (msg, MAX_CODES_BODY)))
            return;
          sp_server_defer (server, msg, NULL, work_args (id, "de", TRUE, body), NULL, codes_work);
        }
      return;
    }

  _sp_server_reply_api_not_found (msg);
}

void
sp_route_surveys_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), SURVEYS_PATH, surveys_handler, server, NULL);
  sp_bot_cors_register_public (server, sp_route_surveys_path_is_public);
}
