/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-login"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-login.h"

#include "sp-auth.h"
#include "sp-error.h"
#include "sp-server-private.h"

/* A login body is tiny; anything bigger is not a login. */
#define MAX_LOGIN_BODY (8 * 1024)

/* Password guessing: after this many failed logins for one account within
 * the window, further attempts are refused until the window has passed. */
#define MAX_FAILURES        10
#define FAILURE_WINDOW_SECS (15 * 60)
#define MAX_TRACKED_USERS   10000

typedef struct {
  guint  failures;
  gint64 window_start;   /* monotonic, microseconds */
} Throttle;

static GMutex throttle_lock;
static GHashTable *throttles;   /* user name -> Throttle */

static Throttle *
throttle_get (const char *user,
              gboolean    create)
{
  Throttle *throttle;
  gint64 now = g_get_monotonic_time ();

  if (throttles == NULL)
    throttles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  throttle = g_hash_table_lookup (throttles, user);
  if (throttle != NULL && now - throttle->window_start > FAILURE_WINDOW_SECS * G_USEC_PER_SEC)
    {
      g_hash_table_remove (throttles, user);
      throttle = NULL;
    }

  if (throttle == NULL && create)
    {
      if (g_hash_table_size (throttles) >= MAX_TRACKED_USERS)
        g_hash_table_remove_all (throttles);
      throttle = g_new0 (Throttle, 1);
      throttle->window_start = now;
      g_hash_table_insert (throttles, g_strdup (user), throttle);
    }

  return throttle;
}

/* Seconds until @user may try again, 0 if now. */
static guint
throttle_retry_after (const char *user)
{
  Throttle *throttle;
  guint wait = 0;

  g_mutex_lock (&throttle_lock);
  throttle = throttle_get (user, FALSE);
  if (throttle != NULL && throttle->failures >= MAX_FAILURES)
    {
      gint64 elapsed = (g_get_monotonic_time () - throttle->window_start) / G_USEC_PER_SEC;

      wait = (guint) MAX (1, FAILURE_WINDOW_SECS - elapsed);
    }
  g_mutex_unlock (&throttle_lock);

  return wait;
}

static void
throttle_record (const char *user,
                 gboolean    success)
{
  g_mutex_lock (&throttle_lock);
  if (success)
    {
      if (throttles != NULL)
        g_hash_table_remove (throttles, user);
    }
  else
    throttle_get (user, TRUE)->failures++;
  g_mutex_unlock (&throttle_lock);
}

static JsonNode *
login_work (SpServer     *server,
            SpPrincipal  *principal,
            JsonNode     *body,
            GHashTable   *query,
            guint        *status,
            GError      **error)
{
  JsonObject *object = json_node_get_object (body);
  const char *user = json_object_get_string_member (object, "user");
  const char *password = json_object_get_string_member (object, "password");
  SpStorage *storage = sp_server_get_storage (server);
  g_auto(GStrv) roles = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  roles = sp_auth_verify_user (storage, user, password, error);
  throttle_record (user, roles != NULL);
  _sp_server_count_login (server, roles != NULL ? SP_LOGIN_OK : SP_LOGIN_FAILED);
  if (roles == NULL)
    {
      g_message ("Failed login for “%s”", sp_auth_user_name_is_valid (user) ? user : "(invalid name)");
      return NULL;
    }

  token = sp_auth_issue_token (storage, user, error);
  if (token == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  for (guint i = 0; roles[i] != NULL; i++)
    json_builder_add_string_value (builder, roles[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, SP_TOKEN_LIFETIME_SECONDS);
  json_builder_end_object (builder);

  *status = SOUP_STATUS_OK;

  return json_builder_get_root (builder);
}

static gboolean
member_is_string (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL &&
         JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
login_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SpServer *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;

  if (strcmp (path, "/api/v1/login") != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      _sp_server_reply_method_not_allowed (msg, "POST");
      return;
    }

  body = sp_server_read_json_body (msg, MAX_LOGIN_BODY, &error);
  if (body == NULL)
    {
      sp_server_reply_error (msg, error);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST,
                                      sp_error_slug (SP_ERROR_INVALID),
                                      "Expected a JSON object {\"user\":..,\"password\":..}");
      return;
    }

  object = json_node_get_object (body);
  if (!member_is_string (object, "user") || !member_is_string (object, "password"))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST,
                                      sp_error_slug (SP_ERROR_INVALID),
                                      "\"user\" and \"password\" must be strings");
      return;
    }

  if (*json_object_get_string_member (object, "user") == '\0' ||
      *json_object_get_string_member (object, "password") == '\0')
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST,
                                      sp_error_slug (SP_ERROR_INVALID),
                                      "\"user\" and \"password\" must not be empty");
      return;
    }

  {
    guint retry_after = throttle_retry_after (json_object_get_string_member (object, "user"));

    if (retry_after > 0)
      {
        g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

        _sp_server_count_login (server, SP_LOGIN_THROTTLED);
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", seconds);
        _sp_server_reply_error_literal (msg, sp_error_http_status (SP_ERROR_RATE_LIMITED),
                                        sp_error_slug (SP_ERROR_RATE_LIMITED),
                                        "Too many failed logins for this account, try again later");
        return;
      }
  }

  /* argon2id takes a while: verify in a worker thread. */
  sp_server_defer (server, msg, NULL, g_steal_pointer (&body), NULL, login_work);
}

void
sp_route_login_register (SpServer *server)
{
  soup_server_add_handler (sp_server_get_soup (server), "/api/v1/login",
                           login_handler, server, NULL);
}
