/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-challenges"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-challenges.h"

#include "sp-bot-cors.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-server-private.h"

#define CHALLENGES_PATH      "/api/v1/challenges"
#define STATS_NAME           "stats"
#define SOLUTIONS_NAME       "solutions"
#define MAX_SOLUTION_BODY    (16 * 1024)
#define RATE_BUCKET          "challenge-solutions"
#define RETENTION_INTERVAL_S 3600
#define ENTITY_SOLUTION      "challenge_solution"

/* Licences a solution may name (SPDX ids), or "other". */
static const char * const licences[] = {
  "Apache-2.0", "MIT", "EUPL-1.2", "GPL-3.0-or-later", "AGPL-3.0-or-later",
  "LGPL-3.0-or-later", "MPL-2.0", "BSD-2-Clause", "BSD-3-Clause",
  "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "other", NULL,
};

/* What a submission may hold: text members with their limits. */
typedef struct {
  const char *name;
  guint       max_chars;
  gboolean    required;
} SolutionInput;

static const SolutionInput solution_inputs[] = {
  { "title",       200,  TRUE },
  { "description", 5000, TRUE },
  { "link",        2000, FALSE },
  { "team",        300,  FALSE },
  { "contact",     300,  FALSE },
  { "licence",     64,   FALSE },
};

/* -- reading -------------------------------------------------------------------- */

static JsonNode *
list_work (SpServer     *server,
           SpPrincipal  *principal,
           JsonNode     *body,
           GHashTable   *query,
           guint        *status,
           GError      **error)
{
  g_autofree char *day = sp_city_today ();

  return sp_storage_challenges_public (sp_server_get_storage (server), day, error);
}

static JsonNode *
detail_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  g_autofree char *day = sp_city_today ();
  JsonNode *node;
  JsonArray *ids;

  node = sp_storage_challenge_public (sp_server_get_storage (server),
                                      g_hash_table_lookup (query, "id"), day, error);
  if (node == NULL)
    return NULL;

  /* For the submission form. */
  ids = json_array_new ();
  for (guint i = 0; licences[i] != NULL; i++)
    json_array_add_string_element (ids, licences[i]);
  json_object_set_array_member (json_node_get_object (node), "licences", ids);
  return node;
}

static JsonNode *
stats_work (SpServer     *server,
            SpPrincipal  *principal,
            JsonNode     *body,
            GHashTable   *query,
            guint        *status,
            GError      **error)
{
  return sp_storage_challenges_stats (sp_server_get_storage (server), error);
}

/* -- submitting ------------------------------------------------------------------- */

static gboolean
link_is_web_address (const char *link)
{
  g_autoptr(GUri) uri = g_uri_parse (link, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL &&
         (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* Copies the input @in from @root into @fields; NULL when it is fine, else
 * the message of a 400 answer. */
static char *
take_input (JsonObject          *root,
            const SolutionInput *in,
            JsonObject          *fields)
{
  const SpField *field = sp_entity_get_field (sp_entity_lookup (ENTITY_SOLUTION), in->name);
  JsonNode *node = json_object_get_member (root, in->name);
  g_autofree char *text = NULL;

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING))
    return g_strdup_printf ("%s: expected a text", in->name);

  text = g_strstrip (g_strdup (node != NULL && !JSON_NODE_HOLDS_NULL (node)
                               ? json_node_get_string (node) : ""));
  if (in->required && *text == '\0')
    return g_strdup_printf ("%s: required", in->name);
  if (g_utf8_strlen (text, -1) > (glong) in->max_chars || strlen (text) > field->max_len)
    return g_strdup_printf ("%s: at most %u characters", in->name, in->max_chars);
  if (g_str_equal (in->name, "link") && *text != '\0' && !link_is_web_address (text))
    return g_strdup ("link: expected an http:// or https:// address");
  if (g_str_equal (in->name, "licence") && *text != '\0' &&
      !g_strv_contains (licences, text))
    return g_strdup ("licence: expected an SPDX licence id from the list, or “other”");

  json_object_set_string_member (fields, in->name, text);
  return NULL;
}

static gboolean
member_is_true (JsonObject *root,
                const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static JsonNode *
submit_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  const char *challenge_id = g_hash_table_lookup (query, "id");
  g_autofree char *day = sp_city_today ();
  g_autofree char *id = sp_uuid_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(JsonNode) challenge = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  SpChange *change;
  JsonObject *root, *answer;

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return _sp_server_error_node (status, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Expected a JSON object");
  root = json_node_get_object (body);

  /* The honeypot: a field people do not see, which bots fill in. */
  if (sp_json_member_filled (root, "website"))
    return _sp_server_error_node_naming (status, SOUP_STATUS_BAD_REQUEST, "rejected",
                                         "The submission was rejected", "field", "website");

  challenge = sp_storage_challenge_public (storage, challenge_id, day, &local_error);
  if (challenge == NULL &&
      !(g_error_matches (local_error, SP_ERROR, SP_ERROR_NOT_FOUND) &&
        sp_storage_row_exists (storage, "challenge", challenge_id)))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Drafts (and withdrawn ones) exist but take nothing, like closed ones. */
  if (challenge == NULL ||
      !json_object_get_boolean_member (json_node_get_object (challenge), "open"))
    return _sp_server_error_node (status, SOUP_STATUS_CONFLICT, "closed",
                                  "This challenge takes no more solutions");

  change = sp_change_new_upsert (ENTITY_SOLUTION, g_strdup (id));
  g_ptr_array_add (changes, change);
  for (guint i = 0; i < G_N_ELEMENTS (solution_inputs); i++)
    {
      g_autofree char *message = take_input (root, &solution_inputs[i], change->fields);

      if (message != NULL)
        return _sp_server_error_node_naming (status, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                             message, "field", solution_inputs[i].name);
    }
  /* Contact data only with explicit consent: literally true. */
  if (*json_object_get_string_member (change->fields, "contact") != '\0' &&
      !member_is_true (root, "consent"))
    return _sp_server_error_node_naming (status, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                         "consent: a contact is only stored when the team agrees (\"consent\": true)",
                                         "field", "consent");

  json_object_set_string_member (change->fields, "challenge_id", challenge_id);
  json_object_set_string_member (change->fields, "state", "submitted");
  json_object_set_string_member (change->fields, "created", created);

  /* As the server: editors' desktops get the new row by sync. */
  if (!sp_storage_push_as_server (storage, changes, error))
    return NULL;

  answer = json_object_new ();
  json_object_set_string_member (answer, "id", id);
  *status = SOUP_STATUS_CREATED;
  return sp_json_object_node (answer);
}

/* -- retention ------------------------------------------------------------------- */

static void
clear_expired_contacts (SpStorage *storage)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *day = sp_city_today ();

  changes = sp_storage_challenge_expired_contacts (storage, day,
                                                   SP_CHALLENGE_CONTACT_RETENTION_DAYS_DEFAULT,
                                                   &error);
  if (changes != NULL && changes->len > 0 && sp_storage_push_as_server (storage, changes, &error))
    g_message ("Deleted the team contact of %u hackathon solutions after the retention period",
               changes->len);
  if (error != NULL)
    g_warning ("Cannot delete expired team contacts: %s", error->message);
}

static void
retention_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  clear_expired_contacts (sp_server_get_storage (task_data));
  g_task_return_boolean (task, TRUE);
}

static void
retention_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  _sp_server_release (user_data);
}

static gboolean
retention_tick (gpointer user_data)
{
  SpServer *server = user_data;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, retention_done, server);

  _sp_server_hold (server);
  g_task_set_task_data (task, server, NULL);
  g_task_run_in_thread (task, retention_thread);
  return G_SOURCE_CONTINUE;
}

static void
stop_retention (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

/* -- routing ---------------------------------------------------------------------- */

static gboolean
path_is_public (const char *path)
{
  return _sp_server_path_public_except (path, CHALLENGES_PATH, STATS_NAME);
}

static void
challenges_handler (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SpServer *server = user_data;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GHashTable) id = NULL;
  guint n;

  if (strcmp (path, CHALLENGES_PATH) == 0)
    {
      if (_sp_server_require_method (msg, "GET", "GET"))
        sp_server_defer (server, msg, NULL, NULL, NULL, list_work);
      return;
    }
  if (!g_str_has_prefix (path, CHALLENGES_PATH "/"))
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  parts = g_strsplit (path + strlen (CHALLENGES_PATH "/"), "/", 3);
  n = g_strv_length (parts);

  if (n == 1 && strcmp (parts[0], STATS_NAME) == 0)
    {
      SpPrincipal *principal;

      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      if ((principal = _sp_server_require_roles (server, msg, "admin,editor",
                                                 "Only editors may read the challenge figures")))
        sp_server_defer (server, msg, principal, NULL, NULL, stats_work);
      return;
    }

  if (n == 0 || n > 2 || !sp_id_is_valid (parts[0]) ||
      (n == 2 && strcmp (parts[1], SOLUTIONS_NAME) != 0))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such challenge");
      return;
    }
  /* The work functions find the challenge under "id". */
  id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (id, (gpointer) "id", g_strdup (parts[0]));

  if (n == 1)
    {
      if (_sp_server_require_method (msg, "GET", "GET"))
        sp_server_defer (server, msg, NULL, NULL, id, detail_work);
      return;
    }

  {
    JsonNode *body = _sp_server_require_public_post (server, msg, "POST", RATE_BUCKET,
                                                     MAX_SOLUTION_BODY);

    /* Anonymous: no principal, nothing about the sender is kept. */
    if (body != NULL)
      sp_server_defer (server, msg, NULL, body, id, submit_work);
  }
}

void
sp_route_challenges_register (SpServer *server)
{
  SoupServer *soup;
  guint retention_id;

  g_return_if_fail (server != NULL);

  soup = sp_server_get_soup (server);
  sp_bot_cors_register_public (server, path_is_public);
  soup_server_add_handler (soup, CHALLENGES_PATH, challenges_handler, server, NULL);

  /* Retention: once now (before the first request), then hourly. */
  clear_expired_contacts (sp_server_get_storage (server));
  retention_id = g_timeout_add_seconds (RETENTION_INTERVAL_S, retention_tick, server);
  g_object_set_data_full (G_OBJECT (soup), "sp-challenges-retention",
                          GUINT_TO_POINTER (retention_id), stop_retention);
}
