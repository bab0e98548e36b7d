/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-test-feedback"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sp-test-feedback.h"
#include "sp-test-server.h"

void
sp_test_response_clear (SpTestResponse *response)
{
  g_clear_pointer (&response->body, g_free);
  g_clear_pointer (&response->content_type, g_free);
  g_clear_pointer (&response->retry_after, g_free);
  g_clear_pointer (&response->allow_origin, g_free);
  response->status = 0;
}

guint
sp_test_citizen_request (const char     *base_url,
                         const char     *from,
                         const char     *method,
                         const char     *path,
                         const char     *token,
                         const char     *content_type,
                         const char     *body,
                         const char     *header,
                         SpTestResponse *response)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (from);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  SoupMessageHeaders *request_headers, *response_headers;

  g_assert_nonnull (inet);
  local = g_inet_socket_address_new (inet, 0);
  session = soup_session_new_with_options ("local-address", local, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", auth);
    }
  if (header != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (header, ": ", 2);

      g_assert_nonnull (parts[1]);
      soup_message_headers_append (request_headers, parts[0], parts[1]);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  response_headers = soup_message_get_response_headers (msg);
  if (response != NULL)
    {
      sp_test_response_clear (response);
      response->status = soup_message_get_status (msg);
      response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      response->content_type = g_strdup (soup_message_headers_get_content_type (response_headers, NULL));
      response->retry_after = g_strdup (soup_message_headers_get_one (response_headers, "Retry-After"));
      response->allow_origin = g_strdup (soup_message_headers_get_one (response_headers,
                                                                       "Access-Control-Allow-Origin"));
    }

  return soup_message_get_status (msg);
}

JsonNode *
sp_test_parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    g_error ("Not JSON (%s): %s", error ? error->message : "empty", text);
  return node;
}

char *
sp_test_push_fields_status (const char *base_url,
                            const char *token,
                            const char *entity,
                            const char *id,
                            gint64      base_version,
                            const char *fields_json)
{
  static guint counter;
  g_autofree char *change_id = g_uuid_string_random ();
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":%04x:feedbacktest",
                                          g_get_real_time () / 1000, counter++ & 0xffff);
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *result;
  guint status;

  request = g_strdup_printf ("{\"changes\":[{\"change_id\":\"%s\",\"entity\":\"%s\",\"id\":\"%s\","
                             "\"base_version\":%" G_GINT64_FORMAT ",\"hlc\":\"%s\",\"op\":\"upsert\","
                             "\"fields\":%s}]}",
                             change_id, entity, id, base_version, hlc, fields_json);
  status = sp_test_http (base_url, "POST", "/api/v1/sync", token, request, &answer);
  if (status != 200)
    g_error ("push %s: %u %s", request, status, answer);
  node = sp_test_parse_json (answer);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node),
                                                                        "results"), 0);
  return g_strdup (json_object_get_string_member (result, "status"));
}

void
sp_test_push_fields (const char *base_url,
                     const char *token,
                     const char *entity,
                     const char *id,
                     gint64      base_version,
                     const char *fields_json)
{
  g_autofree char *status = sp_test_push_fields_status (base_url, token, entity, id,
                                                        base_version, fields_json);

  g_assert_cmpstr (status, ==, "applied");
}

char *
sp_test_push_service (const char *base_url,
                      const char *token,
                      const char *name,
                      const char *status)
{
  char *id = g_uuid_string_random ();
  g_autofree char *fields = g_strdup_printf ("{\"name\":\"%s\",\"status\":\"%s\",\"office\":\"Bürgerservice\","
                                             "\"description\":\"Beschreibung von %s\"}",
                                             name, status, name);

  sp_test_push_fields (base_url, token, "service", id, 0, fields);
  return id;
}

GHashTable *
sp_test_staff_rows (const char *base_url,
                    const char *token,
                    const char *entity)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_object_unref);
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *changes;
  guint status;

  status = sp_test_http (base_url, "GET", "/api/v1/sync?limit=10000", token, NULL, &answer);
  g_assert_cmpuint (status, ==, 200);
  node = sp_test_parse_json (answer);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "more"));
  changes = json_object_get_array_member (json_node_get_object (node), "changes");

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *fields;

      if (g_strcmp0 (json_object_get_string_member (change, "entity"), entity) != 0 ||
          g_strcmp0 (json_object_get_string_member (change, "op"), "upsert") != 0)
        continue;
      fields = json_object_ref (json_object_get_object_member (change, "fields"));
      json_object_set_int_member (fields, "version", json_object_get_int_member (change, "version"));
      json_object_set_string_member (fields, "hlc", json_object_get_string_member (change, "hlc"));
      g_hash_table_replace (rows, g_strdup (json_object_get_string_member (change, "id")), fields);
    }

  return rows;
}

JsonObject *
sp_test_staff_feedback (GHashTable *rows,
                        const char *ticket)
{
  GHashTableIter iter;
  gpointer id, fields;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &id, &fields))
    if (g_strcmp0 (json_object_get_string_member (fields, "ticket"), ticket) == 0)
      {
        json_object_set_string_member (fields, "id", id);
        return fields;
      }

  g_error ("No feedback with ticket %s in the staff's copy", ticket);
  return NULL;
}
