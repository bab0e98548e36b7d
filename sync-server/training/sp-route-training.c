/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-training"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-training.h"

#include "sp-entity.h"
#include "sp-error.h"
#include "sp-server-private.h"

/* The training catalogue API:
 *   GET  /api/v1/training          items (staff)
 *   POST /api/v1/training/demand   {"item","state":"planned"|"done","delta":1|-1}
 *                                  anonymous counter (staff)
 *   GET  /api/v1/training/demand   {"items":[{"item","title","planned","done"}]}
 *                                  (trainer) */

#define TRAINING_PATH  "/api/v1/training"
#define DEMAND_PATH    TRAINING_PATH "/demand"
#define MAX_DEMAND     4096

static JsonNode *
items_work (SpServer     *server,
            SpPrincipal  *principal,
            JsonNode     *body,
            GHashTable   *query,
            guint        *status,
            GError      **error)
{
  return sp_storage_training_items (sp_server_get_storage (server), error);
}

static JsonNode *
demand_get_work (SpServer     *server,
                 SpPrincipal  *principal,
                 JsonNode     *body,
                 GHashTable   *query,
                 guint        *status,
                 GError      **error)
{
  return sp_storage_training_demand (sp_server_get_storage (server), error);
}

static JsonNode *
demand_add_work (SpServer     *server,
                 SpPrincipal  *principal,
                 JsonNode     *body,
                 GHashTable   *query,
                 guint        *status,
                 GError      **error)
{
  JsonObject *root, *answer;
  JsonNode *item, *state, *delta, *node;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "expected a JSON object");
      return NULL;
    }
  root = json_node_get_object (body);
  item = json_object_get_member (root, "item");
  state = json_object_get_member (root, "state");
  delta = json_object_get_member (root, "delta");

  if (item == NULL || !JSON_NODE_HOLDS_VALUE (item) ||
      json_node_get_value_type (item) != G_TYPE_STRING ||
      !sp_id_is_valid (json_node_get_string (item)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "item: expected a training item id");
      return NULL;
    }
  if (state == NULL || !JSON_NODE_HOLDS_VALUE (state) ||
      json_node_get_value_type (state) != G_TYPE_STRING ||
      (g_strcmp0 (json_node_get_string (state), "planned") != 0 &&
       g_strcmp0 (json_node_get_string (state), "done") != 0))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "state: expected “planned” or “done”");
      return NULL;
    }
  if (delta == NULL || !JSON_NODE_HOLDS_VALUE (delta) ||
      json_node_get_value_type (delta) != G_TYPE_INT64 ||
      (json_node_get_int (delta) != 1 && json_node_get_int (delta) != -1))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "delta: expected 1 or -1");
      return NULL;
    }

  if (!sp_storage_training_demand_add (sp_server_get_storage (server),
                                       json_node_get_string (item),
                                       json_node_get_string (state),
                                       (int) json_node_get_int (delta), error))
    return NULL;

  answer = json_object_new ();
  json_object_set_string_member (answer, "status", "stored");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, answer);
  return node;
}

static void
training_handler (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SpServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(SpPrincipal) principal = NULL;

  if (!(principal = _sp_server_require_roles (server, msg, NULL, NULL)))
    return;

  if (strcmp (path, TRAINING_PATH) == 0)
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, NULL, items_work);
      return;
    }

  if (strcmp (path, DEMAND_PATH) == 0)
    {
      if (strcmp (method, "GET") == 0)
        {
          if (!_sp_server_check_roles (msg, principal, "trainer",
                                       "Only trainers may read the training demand"))
            return;
          sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, NULL, demand_get_work);
          return;
        }
      if (strcmp (method, "POST") == 0)
        {
          JsonNode *body;

          if (!(body = _sp_server_require_json_body (msg, MAX_DEMAND)))
            return;
          /* Anonymous: the principal is not passed on. */
          sp_server_defer (server, msg, NULL, body, NULL, demand_add_work);
          return;
        }
      _sp_server_reply_method_not_allowed (msg, "GET, POST");
      return;
    }

  _sp_server_reply_api_not_found (msg);
}

void
sp_route_training_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), TRAINING_PATH,
                           training_handler, server, NULL);
}
