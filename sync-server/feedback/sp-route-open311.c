/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-open311"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-open311.h"

#include "sp-bot-cors.h"
#include "sp-error.h"
#include "sp-feedback-store.h"
#include "sp-json-util.h"
#include "sp-server-private.h"

#define OPEN311_PATH        "/open311/v2"
#define SPECIFICATION       "http://wiki.open311.org/GeoReport_v2"
#define CHANGESET           "2026-11-29T00:00:00Z"
#define MAX_PUBLIC_BODY     (16 * 1024)
#define DEFAULT_DAYS        90          /* GeoReport v2: default window */
#define MAX_REQUESTS        1000
#define MAX_IDS             100
#define RATE_BUCKET         "feedback"  /* shared with POST /api/v1/feedback */

#define GENERAL_NAME        "Allgemeine Rückmeldung"
#define GENERAL_DESCRIPTION "Lob, Kritik und Hinweise zu den digitalen Diensten der Stadt"

/* -- replies -------------------------------------------------------------------- */

/* [{"code":@code,"description":@description}] */
static JsonNode *
error_node (guint       code,
            const char *description)
{
  JsonObject *o = json_object_new ();
  JsonArray *array = json_array_new ();

  json_object_set_int_member (o, "code", code);
  json_object_set_string_member (o, "description", description);
  json_array_add_object_element (array, o);
  return sp_json_array_node (array);
}

static void
reply_error (SoupServerMessage *msg,
             guint              code,
             const char        *description)
{
  g_autoptr(JsonNode) node = error_node (code, description);

  sp_server_reply_json (msg, code, node);
}

/* -- services --------------------------------------------------------------------- */

static JsonObject *
service_object (const char *code,
                const char *name,
                const char *description,
                const char *group)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "service_code", code);
  json_object_set_string_member (o, "service_name", name ? name : "");
  json_object_set_string_member (o, "description", description ? description : "");
  /* Every service has the consent attribute. */
  json_object_set_boolean_member (o, "metadata", TRUE);
  json_object_set_string_member (o, "type", "realtime");
  json_object_set_string_member (o, "keywords", "");
  json_object_set_string_member (o, "group", group ? group : "");
  return o;
}

static JsonNode *
services_work (SpServer     *server,
               SpPrincipal  *principal,
               JsonNode     *body,
               GHashTable   *query,
               guint        *status,
               GError      **error)
{
  g_autoptr(JsonNode) published = NULL;
  g_autofree char *etag = NULL;
  JsonArray *services = json_array_new ();
  JsonArray *list;

  if (!(published = sp_storage_published (sp_server_get_storage (server), "service", &etag, error)))
    {
      json_array_unref (services);
      return NULL;
    }

  json_array_add_object_element (services,
                                 service_object (SP_FEEDBACK_OPEN311_GENERAL, GENERAL_NAME,
                                                 GENERAL_DESCRIPTION, NULL));
  list = json_node_get_array (published);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *s = json_array_get_object_element (list, i);
      g_autofree char *summary = NULL;
      const char *description = json_object_get_string_member_with_default (s, "description", "");

      /* A summary: the first paragraph, at most 300 characters. */
      summary = g_strndup (description, strcspn (description, "\n"));
      if (g_utf8_strlen (summary, -1) > 300)
        {
          g_autofree char *cut = g_utf8_substring (summary, 0, 299);

          g_free (summary);
          summary = g_strconcat (cut, "…", NULL);
        }

      json_array_add_object_element (services,
                                     service_object (json_object_get_string_member (s, "id"),
                                                     json_object_get_string_member_with_default (s, "name", ""),
                                                     summary,
                                                     json_object_get_string_member_with_default (s, "office", "")));
    }

  return sp_json_array_node (services);
}

static JsonNode *
service_definition_work (SpServer     *server,
                         SpPrincipal  *principal,
                         JsonNode     *body,
                         GHashTable   *query,
                         guint        *status,
                         GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  const char *code = g_hash_table_lookup (query, "item");
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  JsonObject *root, *attribute, *yes, *no;
  JsonArray *attributes, *values;

  if (strcmp (code, SP_FEEDBACK_OPEN311_GENERAL) != 0 &&
      !(name = sp_storage_feedback_service_name (storage, code)))
    {
      *status = SOUP_STATUS_NOT_FOUND;
      return error_node (SOUP_STATUS_NOT_FOUND, "service_code: unknown service");
    }

  description = g_strdup_printf ("Ich willige ein, dass die Stadt meine Kontaktdaten (Name, E-Mail, "
                                 "Telefon) speichert, um mir zu dieser Meldung zu antworten. Sie "
                                 "werden nach %u Tagen gelöscht. Ohne Einwilligung werden sie nicht "
                                 "gespeichert.",
                                 sp_feedback_store_setting (storage,
                                                            SP_FEEDBACK_SETTING_CONTACT_RETENTION_DAYS));

  yes = json_object_new ();
  json_object_set_string_member (yes, "key", "true");
  json_object_set_string_member (yes, "name", "Ja");
  no = json_object_new ();
  json_object_set_string_member (no, "key", "false");
  json_object_set_string_member (no, "name", "Nein");
  values = json_array_new ();
  json_array_add_object_element (values, yes);
  json_array_add_object_element (values, no);

  attribute = json_object_new ();
  json_object_set_boolean_member (attribute, "variable", TRUE);
  json_object_set_string_member (attribute, "code", "consent");
  json_object_set_string_member (attribute, "datatype", "singlevaluelist");
  json_object_set_boolean_member (attribute, "required", FALSE);
  json_object_set_string_member (attribute, "datatype_description",
                                 "true: e-mail, phone and name are stored (with consent); otherwise they are dropped");
  json_object_set_int_member (attribute, "order", 1);
  json_object_set_string_member (attribute, "description", description);
  json_object_set_array_member (attribute, "values", values);

  attributes = json_array_new ();
  json_array_add_object_element (attributes, attribute);
  root = json_object_new ();
  json_object_set_string_member (root, "service_code", code);
  json_object_set_array_member (root, "attributes", attributes);
  return sp_json_object_node (root);
}

/* -- requests --------------------------------------------------------------------- */

static void
set_coordinate (JsonObject *o,
                const char *name,
                const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_double_member (o, name, g_ascii_strtod (value, NULL));
  else
    json_object_set_null_member (o, name);
}

/* A stored feedback (public view from sp-storage.h) as an Open311
 * service request: no description, no contact data. */
static JsonObject *
request_object (JsonObject *row)
{
  JsonObject *o = json_object_new ();
  const char *service_id = json_object_get_string_member (row, "service_id");
  const char *service_name = json_object_get_string_member_with_default (row, "service_name", NULL);
  g_autofree char *updated = sp_feedback_hlc_time (json_object_get_string_member (row, "hlc"));

  json_object_set_string_member (o, "service_request_id", json_object_get_string_member (row, "ticket"));
  json_object_set_string_member (o, "status",
                                 sp_feedback_open311_status (json_object_get_string_member (row, "state")));
  sp_feedback_json_set_text (o, "status_notes", json_object_get_string_member (row, "reply"));
  json_object_set_string_member (o, "service_name",
                                 *service_id == '\0' ? GENERAL_NAME : service_name ? service_name : "");
  json_object_set_string_member (o, "service_code",
                                 *service_id == '\0' ? SP_FEEDBACK_OPEN311_GENERAL : service_id);
  /* Citizens' descriptions stay with the city. */
  json_object_set_null_member (o, "description");
  json_object_set_null_member (o, "agency_responsible");
  json_object_set_null_member (o, "service_notice");
  sp_feedback_json_set_text (o, "requested_datetime", json_object_get_string_member (row, "created"));
  sp_feedback_json_set_text (o, "updated_datetime", updated);
  sp_feedback_json_set_text (o, "expected_datetime", json_object_get_string_member (row, "due"));
  sp_feedback_json_set_text (o, "address", json_object_get_string_member (row, "address"));
  json_object_set_null_member (o, "address_id");
  json_object_set_null_member (o, "zipcode");
  set_coordinate (o, "lat", json_object_get_string_member (row, "lat"));
  set_coordinate (o, "long", json_object_get_string_member (row, "lon"));
  json_object_set_null_member (o, "media_url");
  return o;
}

/* Adds the request of @ticket (user input) to @requests unless it is
 * unknown or spam. FALSE only on storage failures. */
static gboolean
add_ticket (SpStorage   *storage,
            const char  *ticket,
            JsonArray   *requests,
            GError     **error)
{
  g_autofree char *normalized = sp_feedback_ticket_normalize (ticket);
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) local_error = NULL;

  if (normalized == NULL)
    return TRUE;
  if (!(row = sp_storage_feedback_by_ticket (storage, normalized, &local_error)))
    {
      if (g_error_matches (local_error, SP_ERROR, SP_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_strcmp0 (json_object_get_string_member (row, "state"), "spam") != 0)
    json_array_add_object_element (requests, request_object (row));
  return TRUE;
}

static JsonNode *
request_work (SpServer     *server,
              SpPrincipal  *principal,
              JsonNode     *body,
              GHashTable   *query,
              guint        *status,
              GError      **error)
{
  g_autoptr(JsonArray) requests = json_array_new ();

  if (!add_ticket (sp_server_get_storage (server), g_hash_table_lookup (query, "item"), requests, error))
    return NULL;
  if (json_array_get_length (requests) == 0)
    {
      *status = SOUP_STATUS_NOT_FOUND;
      return error_node (SOUP_STATUS_NOT_FOUND, "service_request_id: no such request");
    }
  return sp_json_array_node (g_steal_pointer (&requests));
}

/* An Open311 date parameter as our UTC time text; *out NULL when absent.
 * A day alone means its start, or its end with @end_of_day. FALSE when it
 * is given but no ISO 8601 time (or day). */
static gboolean
date_param (GHashTable  *query,
            const char  *name,
            gboolean     end_of_day,
            char       **out)
{
  const char *text = g_hash_table_lookup (query, name);
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *as_day = NULL;

  *out = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (strlen (text) == 10)
    text = as_day = g_strconcat (text, end_of_day ? "T23:59:59Z" : "T00:00:00Z", NULL);
  if (!(time = sp_feedback_parse_time (text)))
    return FALSE;
  *out = sp_feedback_format_time (time);
  return TRUE;
}

static JsonNode *
requests_work (SpServer     *server,
               SpPrincipal  *principal,
               JsonNode     *body,
               GHashTable   *query,
               guint        *status,
               GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  const char *ids = query ? g_hash_table_lookup (query, "service_request_id") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "service_code") : NULL;
  const char *status_param = query ? g_hash_table_lookup (query, "status") : NULL;
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonArray) requests = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  const char *wanted_status = NULL;

  if (query == NULL)
    query = empty;

  /* By ids, the other filters do not apply (GeoReport v2). */
  if (ids != NULL && *ids != '\0')
    {
      g_auto(GStrv) tickets = g_strsplit (ids, ",", MAX_IDS + 1);

      requests = json_array_new ();
      for (guint i = 0; tickets[i] != NULL && i < MAX_IDS; i++)
        if (!add_ticket (storage, g_strstrip (tickets[i]), requests, error))
          return NULL;
      return sp_json_array_node (g_steal_pointer (&requests));
    }

  if (!date_param (query, "start_date", FALSE, &from) || !date_param (query, "end_date", TRUE, &until))
    {
      *status = SOUP_STATUS_BAD_REQUEST;
      return error_node (SOUP_STATUS_BAD_REQUEST,
                         "start_date, end_date: expected ISO 8601 times, e.g. 2026-11-01T00:00:00Z");
    }
  if (from == NULL && until == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) start = g_date_time_add_days (now, -DEFAULT_DAYS);

      from = sp_feedback_format_time (start);
    }
  if (until != NULL)
    {
      /* end_date is inclusive. */
      char *inclusive = g_strconcat (until, "\x7f", NULL);

      g_free (until);
      until = inclusive;
    }

  if (status_param != NULL && *status_param != '\0')
    {
      g_auto(GStrv) wanted = g_strsplit (status_param, ",", 3);
      gboolean open = FALSE, closed = FALSE;

      for (guint i = 0; wanted[i] != NULL; i++)
        {
          const char *s = g_strstrip (wanted[i]);

          if (strcmp (s, "open") == 0)
            open = TRUE;
          else if (strcmp (s, "closed") == 0)
            closed = TRUE;
          else
            {
              *status = SOUP_STATUS_BAD_REQUEST;
              return error_node (SOUP_STATUS_BAD_REQUEST, "status: expected open or closed");
            }
        }
      if (open != closed)
        wanted_status = open ? "open" : "closed";
    }

  if (code != NULL && strcmp (code, SP_FEEDBACK_OPEN311_GENERAL) == 0)
    code = "";
  else if (code != NULL && *code == '\0')
    code = NULL;

  if (!(requests = sp_storage_feedback_list (storage, code, from, until, wanted_status,
                                             MAX_REQUESTS, error)))
    return NULL;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonNode *element = json_array_get_element (requests, i);

      json_node_take_object (element, request_object (json_node_get_object (element)));
    }
  return sp_json_array_node (g_steal_pointer (&requests));
}

static JsonNode *
post_request_work (SpServer     *server,
                   SpPrincipal  *principal,
                   JsonNode     *body,
                   GHashTable   *query,
                   guint        *status,
                   GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  g_autoptr(SpFeedbackInput) input = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *notice = NULL;
  gboolean dropped = FALSE;
  JsonObject *o;
  JsonArray *array;

  input = sp_feedback_input_from_open311 (query, &dropped, NULL, &local_error);
  if (input == NULL ||
      !sp_feedback_store_add (storage, input, now, NULL, &ticket, &local_error))
    {
      if (!g_error_matches (local_error, SP_ERROR, SP_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      *status = SOUP_STATUS_BAD_REQUEST;
      /* The shared validation names our field; Open311 calls it service_code. */
      if (g_str_has_prefix (local_error->message, "service_id:"))
        return error_node (SOUP_STATUS_BAD_REQUEST, "service_code: unknown service");
      return error_node (SOUP_STATUS_BAD_REQUEST, local_error->message);
    }

  notice = g_strdup_printf ("Vielen Dank! Ihre Meldung ist unter der Vorgangsnummer %s eingegangen "
                            "und wird in der Regel innerhalb von %u Stunden bearbeitet.%s",
                            ticket,
                            sp_feedback_store_setting (storage, SP_FEEDBACK_SETTING_SLA_HOURS),
                            dropped ? " Ihre Kontaktdaten wurden ohne Einwilligung "
                                      "(attribute[consent]=true) nicht gespeichert." : "");

  o = json_object_new ();
  json_object_set_string_member (o, "service_request_id", ticket);
  json_object_set_string_member (o, "service_notice", notice);
  json_object_set_null_member (o, "account_id");
  array = json_array_new ();
  json_array_add_object_element (array, o);
  *status = SOUP_STATUS_CREATED;
  return sp_json_array_node (array);
}

/* The POST body as Open311 parameters (form-urlencoded or JSON); NULL
 * after replying the error. */
static GHashTable *
read_post_params (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GError) error = NULL;

  if (body->length > MAX_PUBLIC_BODY)
    {
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "Request body larger than 16384 bytes");
      return NULL;
    }

  if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonNode) node = sp_server_read_json_body (msg, MAX_PUBLIC_BODY, &error);
      GHashTable *params;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, node ? "Expected a JSON object" : error->message);
          return NULL;
        }
      if (!(params = sp_feedback_open311_params_from_json (json_node_get_object (node), &error)))
        reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return params;
    }

  if (type == NULL || g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      return soup_form_decode (text);
    }

  reply_error (msg, SOUP_STATUS_BAD_REQUEST,
               "Send application/x-www-form-urlencoded or application/json (media uploads are not supported)");
  return NULL;
}

/* -- discovery and dispatch ---------------------------------------------------------- */

static void
reply_discovery (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = NULL;
  JsonObject *root = json_object_new ();
  JsonObject *endpoint = json_object_new ();
  JsonArray *endpoints = json_array_new ();
  JsonArray *formats = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  const char *host = g_uri_get_host (uri);
  gboolean v6 = host != NULL && strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);
  g_autofree char *port_text = port > 0 ? g_strdup_printf (":%d", port) : g_strdup ("");

  url = g_strdup_printf ("%s://%s%s%s%s" OPEN311_PATH, g_uri_get_scheme (uri),
                         v6 ? "[" : "", host ? host : "localhost", v6 ? "]" : "", port_text);

  json_array_add_string_element (formats, "application/json");
  json_object_set_string_member (endpoint, "specification", SPECIFICATION);
  json_object_set_string_member (endpoint, "url", url);
  json_object_set_string_member (endpoint, "changeset", CHANGESET);
  json_object_set_string_member (endpoint, "type", "production");
  json_object_set_array_member (endpoint, "formats", formats);
  json_array_add_object_element (endpoints, endpoint);

  json_object_set_string_member (root, "changeset", CHANGESET);
  json_object_set_string_member (root, "contact", "Stadtpult – Rückmeldungen an die Stadtverwaltung");
  json_object_set_string_member (root, "key_service", "Kein API-Schlüssel nötig");
  json_object_set_array_member (root, "endpoints", endpoints);
  node = sp_json_object_node (root);
  sp_server_reply_json (msg, SOUP_STATUS_OK, node);
}

static gboolean
require_method (SoupServerMessage *msg,
                const char        *allow)
{
  g_auto(GStrv) methods = g_strsplit (allow, ", ", -1);

  if (g_strv_contains ((const char * const *) methods, soup_server_message_get_method (msg)))
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed for this resource");
  return FALSE;
}

/* "services/CODE.json" -> CODE (owned), NULL if @rest is no such path. */
static char *
item_of (const char *rest,
         const char *collection)
{
  gsize len = strlen (collection);
  const char *item;

  if (strncmp (rest, collection, len) != 0 || rest[len] != '/')
    return NULL;
  item = rest + len + 1;
  if (!g_str_has_suffix (item, ".json") || strlen (item) <= 5 || strchr (item, '/') != NULL)
    return NULL;
  return g_strndup (item, strlen (item) - 5);
}

/* GET COLLECTION/ITEM.json: defers @func with the query {"item": ITEM}.
 * FALSE if @rest is no such path. */
static gboolean
defer_item (SpServer          *server,
            SoupServerMessage *msg,
            const char        *rest,
            const char        *collection,
            SpServerWorkFunc   func)
{
  g_autofree char *item = item_of (rest, collection);
  g_autoptr(GHashTable) q = NULL;

  if (item == NULL)
    return FALSE;
  if (require_method (msg, "GET, HEAD"))
    {
      q = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_hash_table_insert (q, (gpointer) "item", g_steal_pointer (&item));
      sp_server_defer (server, msg, NULL, NULL, q, func);
    }
  return TRUE;
}

static void
open311_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SpServer *server = user_data;
  const char *rest;

  if (!g_str_has_prefix (path, OPEN311_PATH "/"))
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "No such Open311 resource");
      return;
    }
  rest = path + strlen (OPEN311_PATH "/");

  if (g_str_has_suffix (rest, ".xml"))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "Only the JSON format is supported");
      return;
    }

  if (strcmp (rest, "discovery.json") == 0)
    {
      if (require_method (msg, "GET, HEAD"))
        reply_discovery (msg);
      return;
    }

  if (strcmp (rest, "services.json") == 0)
    {
      if (require_method (msg, "GET, HEAD"))
        sp_server_defer (server, msg, NULL, NULL, NULL, services_work);
      return;
    }

  if (defer_item (server, msg, rest, "services", service_definition_work))
    return;

  if (strcmp (rest, "requests.json") == 0)
    {
      g_autoptr(GHashTable) params = NULL;

      if (!require_method (msg, "GET, HEAD, POST"))
        return;
      if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
        {
          sp_server_defer (server, msg, NULL, NULL, query, requests_work);
          return;
        }
      if (!_sp_server_rate_limit (server, msg, RATE_BUCKET) ||
          !(params = read_post_params (msg)))
        return;
      sp_server_defer (server, msg, NULL, NULL, params, post_request_work);
      return;
    }

  if (defer_item (server, msg, rest, "requests", request_work))
    return;

  reply_error (msg, SOUP_STATUS_NOT_FOUND, "No such Open311 resource");
}

static gboolean
open311_path_is_public (const char *path)
{
  return path != NULL && g_str_has_prefix (path, OPEN311_PATH "/");
}

void
sp_route_open311_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), OPEN311_PATH, open311_handler, server, NULL);
  sp_bot_cors_register_public (server, open311_path_is_public);
}
