/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-sync.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-server-private.h"

/* GET  /api/v1/sync?since=CURSOR&limit=N
 *   -> {"cursor":..,"more":bool,"changes":[..]}
 * POST /api/v1/sync {"changes":[..]}
 *   -> {"results":[{"change_id","status","version"}],"cursor":..}
 *
 * Both authenticate with the bearer token; the storage work runs in a
 * worker thread. A push is parsed and validated completely before anything
 * is stored. */

#define SYNC_PATH           "/api/v1/sync"
#define PULL_DEFAULT_LIMIT  SP_STORAGE_PULL_DEFAULT
#define PULL_MAX_LIMIT      SP_STORAGE_PULL_MAX
#define PUSH_MAX_CHANGES    10000

static gboolean
parse_limit (const char  *text,
             guint       *limit,
             GError     **error)
{
  guint64 value;

  if (text == NULL || *text == '\0')
    {
      *limit = PULL_DEFAULT_LIMIT;
      return TRUE;
    }

  if (!g_ascii_isdigit (*text) ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "limit: expected a whole number from 1 to %u", PULL_MAX_LIMIT);
      return FALSE;
    }

  *limit = (guint) MIN (value, PULL_MAX_LIMIT);
  return TRUE;
}

static JsonNode *
pull_work (SpServer     *server,
           SpPrincipal  *principal,
           JsonNode     *body,
           GHashTable   *query,
           guint        *status,
           GError      **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autofree char *cursor = NULL;
  const char *since = query ? g_hash_table_lookup (query, "since") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  gboolean more = FALSE;
  guint limit;
  JsonObject *object;
  JsonArray *array;
  JsonNode *root;

  if (!parse_limit (limit_text, &limit, error))
    return NULL;

  if (!sp_storage_pull (sp_server_get_storage (server), principal, since, limit,
                        changes, &cursor, &more, error))
    return NULL;

  array = json_array_sized_new (changes->len);
  for (guint i = 0; i < changes->len; i++)
    json_array_add_element (array, sp_change_to_json (g_ptr_array_index (changes, i), TRUE));

  object = json_object_new ();
  json_object_set_string_member (object, "cursor", cursor);
  json_object_set_boolean_member (object, "more", more);
  json_object_set_array_member (object, "changes", array);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, object);
  *status = SOUP_STATUS_OK;
  return root;
}

/* The whole body must be valid before anything is stored. */
static GPtrArray *
parse_push_body (JsonNode  *body,
                 GError   **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  JsonObject *object;
  JsonNode *changes_node;
  JsonArray *array;
  guint n;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "expected a JSON object {\"changes\": [..]}");
      return NULL;
    }

  object = json_node_get_object (body);
  changes_node = json_object_get_member (object, "changes");
  if (changes_node == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "changes: missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (changes_node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "changes: expected an array");
      return NULL;
    }

  array = json_node_get_array (changes_node);
  n = json_array_get_length (array);
  if (n > PUSH_MAX_CHANGES)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "changes: %u changes in one request, at most %u allowed",
                   n, PUSH_MAX_CHANGES);
      return NULL;
    }

  changes = g_ptr_array_new_full (n, (GDestroyNotify) sp_change_free);
  for (guint i = 0; i < n; i++)
    {
      SpChange *change = sp_change_from_json (json_array_get_element (array, i), FALSE, error);

      if (change == NULL)
        {
          g_prefix_error (error, "changes[%u]: ", i);
          return NULL;
        }
      g_ptr_array_add (changes, change);
    }

  return g_steal_pointer (&changes);
}

static JsonNode *
push_work (SpServer     *server,
           SpPrincipal  *principal,
           JsonNode     *body,
           GHashTable   *query,
           guint        *status,
           GError      **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *cursor = NULL;
  guint applied = 0;
  guint conflicts = 0;
  JsonObject *object;
  JsonArray *array;
  JsonNode *root;

  if (!(changes = parse_push_body (body, error)))
    return NULL;

  results = g_ptr_array_new_full (changes->len, (GDestroyNotify) sp_change_result_free);
  if (!sp_storage_push (sp_server_get_storage (server), principal, changes, results,
                        &cursor, error))
    return NULL;

  array = json_array_sized_new (results->len);
  for (guint i = 0; i < results->len; i++)
    {
      const SpChangeResult *result = g_ptr_array_index (results, i);

      if (result->status == SP_RESULT_APPLIED)
        applied++;
      else if (result->status == SP_RESULT_CONFLICT)
        {
          applied++;
          conflicts++;
        }
      json_array_add_element (array, sp_change_result_to_json (result));
    }
  sp_server_count_sync (server, applied, conflicts);

  object = json_object_new ();
  json_object_set_array_member (object, "results", array);
  json_object_set_string_member (object, "cursor", cursor);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, object);
  *status = SOUP_STATUS_OK;
  return root;
}

static void
sync_handler (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SpServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(SpPrincipal) principal = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_get = method == SOUP_METHOD_GET || g_strcmp0 (method, "GET") == 0;
  gboolean is_post = method == SOUP_METHOD_POST || g_strcmp0 (method, "POST") == 0;

  if (g_strcmp0 (path, SYNC_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (!is_get && !is_post)
    {
      _sp_server_reply_method_not_allowed (msg, "GET, POST");
      return;
    }

  if (!(principal = sp_server_authenticate (server, msg, &error)))
    {
      sp_server_reply_error (msg, error);
      return;
    }

  if (is_get)
    {
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, query, pull_work);
    }
  else
    {
      JsonNode *body = sp_server_read_json_body (msg, SP_MAX_BODY_SIZE, &error);

      if (body == NULL)
        {
          sp_server_reply_error (msg, error);
          return;
        }
      sp_server_defer (server, msg, g_steal_pointer (&principal), body, NULL, push_work);
    }
}

void
sp_route_sync_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), SYNC_PATH,
                           sync_handler, server, NULL);
}
