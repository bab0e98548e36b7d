/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-sync.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-json-util.h"
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

/* Push bodies are decoded by the core's streaming decoder
 * (sp_change_parse_push_body, the same as the client's pull pages): no
 * JSON tree of the body, every change checked like sp_change_from_json,
 * the whole body before anything is stored. */

/* Requests are answered from a worker thread's JSON text: big pages and
 * batches never build a JsonNode tree on the main loop. */
typedef struct {
  SpServer          *server;
  SpPrincipal       *principal;
  gboolean           is_push;
  GBytes            *body;      /* push: the raw request body */
  char              *since;     /* pull */
  char              *limit;     /* pull */
  char              *answer;    /* the worker's JSON text */
  gsize              answer_len;
  GError            *error;     /* or why there is none */
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  g_clear_pointer (&job->principal, sp_principal_free);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->since);
  g_free (job->limit);
  g_free (job->answer);
  g_clear_error (&job->error);
  g_free (job);
}

GString *
sp_route_sync_pull_page (SpStorage          *storage,
                         const SpPrincipal  *principal,
                         const char         *since,
                         guint               limit,
                         GError            **error)
{
  g_autoptr(GString) out = g_string_sized_new (64 * 1024);
  g_autofree char *cursor = NULL;
  gboolean more = FALSE;

  g_string_append (out, "{\"changes\":");
  if (!sp_storage_pull_json (storage, principal, since, limit, out, NULL, &cursor, &more, error))
    return NULL;

  /* The cursor is ours ("v1.<digits>"): no escaping needed. */
  g_string_append_printf (out, ",\"cursor\":\"%s\",\"more\":%s}",
                          cursor, more ? "true" : "false");
  return g_steal_pointer (&out);
}

static GString *
pull_json (SyncJob  *job,
           GError  **error)
{
  guint limit;

  if (!parse_limit (job->limit, &limit, error))
    return NULL;
  return sp_route_sync_pull_page (sp_server_get_storage (job->server), job->principal,
                                  job->since, limit, error);
}

static GString *
push_json (SyncJob  *job,
           GError  **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *cursor = NULL;
  const char *data;
  gsize len;
  guint applied = 0;
  guint conflicts = 0;

  data = g_bytes_get_data (job->body, &len);
  if (!(changes = sp_change_parse_push_body (data, len, PUSH_MAX_CHANGES, error)))
    return NULL;
  g_clear_pointer (&job->body, g_bytes_unref);

  results = g_ptr_array_new_full (changes->len, (GDestroyNotify) sp_change_result_free);
  if (!sp_storage_push (sp_server_get_storage (job->server), job->principal, changes, results,
                        &cursor, error))
    return NULL;

  out = g_string_sized_new (128 + results->len * 80);
  g_string_append (out, "{\"results\":[");
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

      /* change_ids were validated: [A-Za-z0-9._:-] only. */
      g_string_append (out, i > 0 ? ",{\"change_id\":\"" : "{\"change_id\":\"");
      g_string_append (out, result->change_id);
      g_string_append (out, "\",\"status\":\"");
      g_string_append (out, sp_result_status_to_string (result->status));
      g_string_append (out, "\",\"version\":");
      sp_json_append_int (out, result->version);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "],\"cursor\":\"%s\"}", cursor);
  sp_server_count_sync (job->server, applied, conflicts);

  return g_steal_pointer (&out);
}

static void
sync_job_work (gpointer data)
{
  SyncJob *job = data;
  GString *out;

  out = job->is_push ? push_json (job, &job->error) : pull_json (job, &job->error);
  if (out != NULL)
    {
      job->answer_len = out->len;
      job->answer = g_string_free (out, FALSE);
    }
}

static void
sync_job_reply (SoupServerMessage *msg,
                gpointer           data)
{
  SyncJob *job = data;

  if (job->error != NULL)
    sp_server_reply_error (msg, job->error);
  else
    sp_server_reply_json_text (msg, SOUP_STATUS_OK, g_steal_pointer (&job->answer),
                               job->answer_len);
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
  gboolean is_get = g_strcmp0 (method, "GET") == 0;
  gboolean is_post = g_strcmp0 (method, "POST") == 0;
  SyncJob *job;

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

  job = g_new0 (SyncJob, 1);
  job->server = server;
  job->principal = g_steal_pointer (&principal);
  job->is_push = is_post;

  if (is_post)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      job->body = soup_message_body_flatten (body);
      if (g_bytes_get_size (job->body) > SP_MAX_BODY_SIZE)
        {
          g_set_error (&error, SP_ERROR, SP_ERROR_TOO_LARGE,
                       "Request body larger than %d bytes", SP_MAX_BODY_SIZE);
          sp_server_reply_error (msg, error);
          sync_job_free (job);
          return;
        }
    }
  else if (query != NULL)
    {
      job->since = g_strdup (g_hash_table_lookup (query, "since"));
      job->limit = g_strdup (g_hash_table_lookup (query, "limit"));
    }

  /* The client may go away, or the server shut down, while we work; a
   * shutdown waits for this job before closing the storage. */
  _sp_server_run_job (server, msg, TRUE, job, (GDestroyNotify) sync_job_free,
                      sync_job_work, sync_job_reply);
}

void
sp_route_sync_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), SYNC_PATH,
                           sync_handler, server, NULL);
}
