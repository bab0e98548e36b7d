/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-server"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-server.h"
#include "sp-server-private.h"

#include "sp-auth.h"
#include "sp-conn-reaper.h"
#include "sp-error.h"
#include "sp-entity.h"
#include "sp-json-util.h"
#include "sp-route-health.h"
#include "sp-route-login.h"
#include "sp-route-services.h"
#include "sp-route-competence.h"
#include "sp-route-training.h"
#include "sp-route-handoff.h"
#include "sp-route-static.h"
#include "sp-route-snapshot.h"
#include "sp-route-sync.h"
#include "sp-bot-cors.h"
#include "sp-route-bot.h"
#include "sp-route-voice.h"
#include "sp-route-surveys.h"
#include "sp-route-feedback.h"
#include "sp-route-open311.h"
#include "sp-route-challenges.h"

/* Latency histogram buckets (seconds), Prometheus style. */
static const double duration_buckets[] = {
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
};
#define N_BUCKETS G_N_ELEMENTS (duration_buckets)

static const char * const known_methods[] = {
  "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", NULL,
};

struct _SpServer {
  SoupServer *soup;
  SpStorage  *storage;
  char       *public_dir;

  GMutex      metrics_lock;
  GHashTable *request_counts;             /* "METHOD code" -> guint64* */
  guint64     bucket_counts[N_BUCKETS];   /* non-cumulative */
  guint64     duration_count;
  double      duration_sum;
  guint64     sync_applied;
  guint64     sync_conflicts;
  guint64     snapshots_served;
  guint64     snapshots_made;
  guint64     logins[_SP_LOGIN_N_RESULTS];
  gint64      start_time;      /* unix seconds */

  /* Worker tasks still running; the storage must outlive them. */
  gint        in_flight;
  /* SoupServerMessages alive: a route's worker keeps its message referenced
   * until it is done, so this also covers routes with their own GTasks. */
  gint        live_messages;
};

#define START_TIME_KEY "sp-start-time"
#define COUNTED_KEY    "sp-counted"

/* -- replies ----------------------------------------------------------- */

void
sp_server_reply_json (SoupServerMessage *msg,
                      guint              status,
                      JsonNode          *node)
{
  g_autoptr(JsonGenerator) gen = NULL;
  char *text;
  gsize len;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  gen = json_generator_new ();
  if (node != NULL)
    json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);
  if (node == NULL)
    {
      g_free (text);
      text = g_strdup ("null");
      len = 4;
    }
  sp_server_reply_json_text (msg, status, text, len);
}

void
sp_server_reply_json_text (SoupServerMessage *msg,
                           guint              status,
                           char              *text,
                           gsize              len)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (text != NULL);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  /* libsoup 3.2 has no reason phrase for 429. */
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, len);
}

void
_sp_server_reply_error_literal (SoupServerMessage *msg,
                                guint              status,
                                const char        *slug,
                                const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, slug);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message ? message : "");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  sp_server_reply_json (msg, status, node);
}

void
sp_server_reply_error (SoupServerMessage *msg,
                       const GError      *error)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (error != NULL);

  if (error->domain == SP_ERROR)
    {
      guint status = sp_error_http_status (error->code);

      if (status >= 500)
        g_warning ("%s", error->message);
      if (status == SOUP_STATUS_UNAUTHORIZED)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "WWW-Authenticate", "Bearer realm=\"stadtpult\"");
      _sp_server_reply_error_literal (msg, status, sp_error_slug (error->code),
                                      error->message);
    }
  else
    {
      g_warning ("Internal error: %s", error->message);
      _sp_server_reply_error_literal (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "internal", "Internal server error");
    }
}

void
_sp_server_reply_method_not_allowed (SoupServerMessage *msg,
                                     const char        *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", allow);
  _sp_server_reply_error_literal (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                  "method_not_allowed",
                                  "Method not allowed for this resource");
}

void
_sp_server_reply_api_not_found (SoupServerMessage *msg)
{
  _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                  "No such API endpoint");
}

/* -- authentication and bodies ------------------------------------------ */

SpPrincipal *
sp_server_authenticate (SpServer           *self,
                        SoupServerMessage  *msg,
                        GError            **error)
{
  const char *header;
  const char *token;
  g_autofree char *hash = NULL;
  SpPrincipal *principal;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  if (header == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_UNAUTHORIZED,
                           "Missing bearer token");
      return NULL;
    }

  if (g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_UNAUTHORIZED,
                           "Authorization must be a bearer token");
      return NULL;
    }

  token = header + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > 512)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_UNAUTHORIZED,
                           "Invalid bearer token");
      return NULL;
    }

  hash = sp_auth_hash_token (token);

  principal = sp_storage_token_lookup (self->storage, hash,
                                       g_get_real_time () / G_USEC_PER_SEC);
  if (principal == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_UNAUTHORIZED,
                           "Unknown or expired token, please sign in again");
      return NULL;
    }

  return principal;
}

#define MAX_JSON_DEPTH 64

/* json-glib parses recursively: refuse absurd nesting before it can
 * exhaust the stack. */
static gboolean
json_depth_ok (const char *data,
               gsize       len)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if (c == ']' || c == '}')
        depth--;
    }

  return TRUE;
}

gboolean
_sp_server_check_roles (SoupServerMessage *msg,
                        SpPrincipal       *principal,
                        const char        *roles,
                        const char        *message)
{
  g_autoptr(GError) error = NULL;

  if (sp_roles_contain_any ((const char * const *) principal->roles, roles))
    return TRUE;
  g_set_error_literal (&error, SP_ERROR, SP_ERROR_FORBIDDEN, message);
  sp_server_reply_error (msg, error);
  return FALSE;
}

SpPrincipal *
_sp_server_require_roles (SpServer          *self,
                          SoupServerMessage *msg,
                          const char        *roles,
                          const char        *message)
{
  g_autoptr(SpPrincipal) principal = NULL;
  g_autoptr(GError) error = NULL;

  if (!(principal = sp_server_authenticate (self, msg, &error)))
    {
      sp_server_reply_error (msg, error);
      return NULL;
    }
  if (roles != NULL && !_sp_server_check_roles (msg, principal, roles, message))
    return NULL;
  return g_steal_pointer (&principal);
}

gboolean
_sp_server_require_method (SoupServerMessage *msg,
                           const char        *method,
                           const char        *allow)
{
  if (strcmp (soup_server_message_get_method (msg), method) == 0)
    return TRUE;
  _sp_server_reply_method_not_allowed (msg, allow);
  return FALSE;
}

JsonNode *
_sp_server_require_json_body (SoupServerMessage *msg,
                              gsize              max_size)
{
  g_autoptr(GError) error = NULL;
  JsonNode *body;

  if (!(body = sp_server_read_json_body (msg, max_size, &error)))
    sp_server_reply_error (msg, error);
  return body;
}

JsonNode *
_sp_server_error_node (guint      *status,
                       guint       code,
                       const char *slug,
                       const char *message)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "error", slug);
  json_object_set_string_member (o, "message", message);
  *status = code;
  return sp_json_object_node (o);
}

JsonNode *
sp_server_read_json_body (SoupServerMessage  *msg,
                          gsize               max_size,
                          GError            **error)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *body;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  headers = soup_server_message_get_request_headers (msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > max_size)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_TOO_LARGE,
                   "Request body larger than %" G_GSIZE_FORMAT " bytes", max_size);
      return NULL;
    }

  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &len);

  if (len > max_size)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_TOO_LARGE,
                   "Request body larger than %" G_GSIZE_FORMAT " bytes", max_size);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "Request body is empty, expected JSON");
      return NULL;
    }

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "Request body is not valid UTF-8");
      return NULL;
    }

  if (!json_depth_ok (data, len))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "JSON nested deeper than %d levels", MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "Malformed JSON: %s", local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "Request body holds no JSON value");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* -- deferred work -------------------------------------------------------- */

/* A request answered from a worker thread (_sp_server_run_job()). Owned by
 * job_done(), which frees it on the server's main context. It is the task's
 * data without a destroy notify on purpose: the worker thread drops GLib's
 * reference on the task only after queueing job_done (gtask.c,
 * g_task_thread_pool_thread), so the task is often finalized in the worker,
 * after job_done ran; with a destroy notify the message's last reference
 * would be dropped there (seen under concurrent load). The worker only runs
 * work() on the route's data, which gets no message. */
typedef struct {
  SpServer          *server;
  SoupServerMessage *msg;
  gpointer           data;       /* the route's */
  GDestroyNotify     data_free;
  SpServerJobWork    work;
  SpServerJobReply   reply;
  GMainContext      *context;    /* the server's, where job_done() runs */
  gboolean           finished;   /* connection went away meanwhile */
  gulong             finished_id;
  gulong             disconnected_id;
} Job;

void
_sp_server_hold (SpServer *self)
{
  g_atomic_int_inc (&self->in_flight);
}

void
_sp_server_release (SpServer *self)
{
  if (g_atomic_int_dec_and_test (&self->in_flight))
    g_main_context_wakeup (NULL);
}

static gboolean
shutdown_tick (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
_sp_server_shutdown (SpServer *self)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_return_if_fail (self != NULL);

  /* No new connections; let running work (a push in a transaction) end. */
  soup_server_disconnect (self->soup);
  /* Held long-polls must not keep the shutdown waiting. */
  sp_route_handoff_shutdown (self);
  while ((g_atomic_int_get (&self->in_flight) > 0 ||
          g_atomic_int_get (&self->live_messages) > 0) &&
         g_get_monotonic_time () < deadline)
    {
      /* Wake up now and then: the last reference to a message may be
       * dropped in a worker thread. */
      GSource *tick = g_timeout_source_new (50);

      g_source_set_callback (tick, shutdown_tick, NULL, NULL);
      g_source_attach (tick, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);
    }

  if (g_atomic_int_get (&self->in_flight) > 0 || g_atomic_int_get (&self->live_messages) > 0)
    g_warning ("Requests still running at shutdown (%d tasks, %d messages)",
               g_atomic_int_get (&self->in_flight), g_atomic_int_get (&self->live_messages));
}

static void
job_free (Job *job)
{
  SpServer *server = job->server;

  g_assert (g_main_context_is_owner (job->context));
  if (job->finished_id != 0)
    g_signal_handler_disconnect (job->msg, job->finished_id);
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_clear_object (&job->msg);
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_main_context_unref (job->context);
  g_free (job);
  _sp_server_release (server);
}

static void
job_msg_finished (SoupServerMessage *msg,
                  Job               *job)
{
  job->finished = TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;

  job->work (job->data);
  g_task_return_boolean (task, TRUE);
}

static void
job_done (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Job *job = user_data;

  if (!job->finished)
    {
      job->reply (job->msg, job->data);
      soup_server_message_unpause (job->msg);
    }

  job_free (job);
}

void
_sp_server_run_job (SpServer          *self,
                    SoupServerMessage *msg,
                    gboolean           watch_disconnected,
                    gpointer           data,
                    GDestroyNotify     data_free,
                    SpServerJobWork    work,
                    SpServerJobReply   reply)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (work != NULL && reply != NULL);

  _sp_server_hold (self);
  job = g_new0 (Job, 1);
  job->server = self;
  job->msg = g_object_ref (msg);
  job->data = data;
  job->data_free = data_free;
  job->work = work;
  job->reply = reply;
  job->context = g_main_context_ref_thread_default ();   /* as g_task_new's */
  job->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (job_msg_finished), job);
  if (watch_disconnected)
    job->disconnected_id = g_signal_connect (msg, "disconnected",
                                             G_CALLBACK (job_msg_finished), job);

  soup_server_message_pause (msg);

  task = g_task_new (NULL, NULL, job_done, job);
  g_task_set_source_tag (task, _sp_server_run_job);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, job_thread);
}

/* sp_server_defer() and sp_server_defer_text() as a job. */
typedef struct {
  SpServer          *server;
  SpPrincipal       *principal;
  JsonNode          *body;
  GHashTable        *query;
  SpServerWorkFunc   func;       /* one of the two */
  SpServerTextFunc   text_func;
  JsonNode          *node;       /* func's answer */
  char              *text;       /* text_func's answer */
  gsize              text_len;
  guint              status;
  GError            *error;
} DeferData;

static void
defer_data_free (DeferData *data)
{
  g_clear_pointer (&data->principal, sp_principal_free);
  g_clear_pointer (&data->body, json_node_unref);
  g_clear_pointer (&data->query, g_hash_table_unref);
  g_clear_pointer (&data->node, json_node_unref);
  g_free (data->text);
  g_clear_error (&data->error);
  g_free (data);
}

static void
defer_work (gpointer user_data)
{
  DeferData *data = user_data;

  data->status = SOUP_STATUS_OK;
  if (data->text_func != NULL)
    data->text = data->text_func (data->server, data->principal, data->body, data->query,
                                  &data->status, &data->text_len, &data->error);
  else
    data->node = data->func (data->server, data->principal, data->body, data->query,
                             &data->status, &data->error);

  /* Free the inputs in the worker, they may be large. */
  g_clear_pointer (&data->body, json_node_unref);
}

static void
defer_reply (SoupServerMessage *msg,
             gpointer           user_data)
{
  DeferData *data = user_data;

  if (data->error != NULL)
    sp_server_reply_error (msg, data->error);
  else if (data->text_func != NULL)
    sp_server_reply_json_text (msg, data->status ? data->status : SOUP_STATUS_OK,
                               g_steal_pointer (&data->text), data->text_len);
  else
    sp_server_reply_json (msg, data->status ? data->status : SOUP_STATUS_OK, data->node);
}

static void
defer_start (SpServer          *self,
             SoupServerMessage *msg,
             SpPrincipal       *principal,
             JsonNode          *body,
             GHashTable        *query,
             SpServerWorkFunc   func,
             SpServerTextFunc   text_func)
{
  DeferData *data = g_new0 (DeferData, 1);

  data->server = self;
  data->principal = principal;
  data->body = body;
  data->query = query ? g_hash_table_ref (query) : NULL;
  data->func = func;
  data->text_func = text_func;

  _sp_server_run_job (self, msg, FALSE, data, (GDestroyNotify) defer_data_free,
                      defer_work, defer_reply);
}

void
sp_server_defer (SpServer          *self,
                 SoupServerMessage *msg,
                 SpPrincipal       *principal,
                 JsonNode          *body,
                 GHashTable        *query,
                 SpServerWorkFunc   func)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (func != NULL);

  defer_start (self, msg, principal, body, query, func, NULL);
}

void
sp_server_defer_text (SpServer          *self,
                      SoupServerMessage *msg,
                      SpPrincipal       *principal,
                      JsonNode          *body,
                      GHashTable        *query,
                      SpServerTextFunc   func)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (func != NULL);

  defer_start (self, msg, principal, body, query, NULL, func);
}

/* -- metrics -------------------------------------------------------------- */

void
sp_server_count_sync (SpServer *self,
                      guint     applied,
                      guint     conflicts)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->metrics_lock);
  self->sync_applied += applied;
  self->sync_conflicts += conflicts;
  g_mutex_unlock (&self->metrics_lock);
}

void
sp_server_count_snapshot (SpServer *self,
                          gboolean  made)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->metrics_lock);
  self->snapshots_served++;
  if (made)
    self->snapshots_made++;
  g_mutex_unlock (&self->metrics_lock);
}

void
_sp_server_count_login (SpServer      *self,
                        SpLoginResult  result)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (result < _SP_LOGIN_N_RESULTS);

  g_mutex_lock (&self->metrics_lock);
  self->logins[result]++;
  g_mutex_unlock (&self->metrics_lock);
}

static void
count_request (SpServer          *self,
               SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  guint status = soup_server_message_get_status (msg);
  gint64 *start;
  double seconds = 0;
  g_autofree char *key = NULL;
  guint64 *count;

  if (g_object_get_data (G_OBJECT (msg), COUNTED_KEY) != NULL || status == 0)
    return;
  g_object_set_data (G_OBJECT (msg), COUNTED_KEY, GINT_TO_POINTER (1));

  start = g_object_get_data (G_OBJECT (msg), START_TIME_KEY);
  if (start != NULL)
    seconds = (g_get_monotonic_time () - *start) / (double) G_USEC_PER_SEC;

  if (method == NULL || !g_strv_contains (known_methods, method))
    method = "OTHER";
  key = g_strdup_printf ("%s %u", method, status);

  g_mutex_lock (&self->metrics_lock);
  count = g_hash_table_lookup (self->request_counts, key);
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->request_counts, g_steal_pointer (&key), count);
    }
  (*count)++;

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      if (seconds <= duration_buckets[i])
        {
          self->bucket_counts[i]++;
          break;
        }
    }
  self->duration_count++;
  self->duration_sum += seconds;
  g_mutex_unlock (&self->metrics_lock);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
_sp_server_metrics_text (SpServer *self)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  const SpEntity * const *entities;
  guint n_entities = 0;
  guint64 cumulative = 0;
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  g_mutex_lock (&self->metrics_lock);

  g_string_append (out,
                   "# HELP stadtpult_http_requests_total HTTP requests answered, by method and status code.\n"
                   "# TYPE stadtpult_http_requests_total counter\n");
  g_hash_table_iter_init (&iter, self->request_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      const char *space = strchr (k, ' ');
      guint64 *count = g_hash_table_lookup (self->request_counts, k);

      g_string_append_printf (out,
                              "stadtpult_http_requests_total{method=\"%.*s\",code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              (int) (space - k), k, space + 1, *count);
    }

  g_string_append (out,
                   "# HELP stadtpult_http_request_duration_seconds Time from reading a request to finishing its response.\n"
                   "# TYPE stadtpult_http_request_duration_seconds histogram\n");
  for (guint i = 0; i < N_BUCKETS; i++)
    {
      cumulative += self->bucket_counts[i];
      g_string_append_printf (out,
                              "stadtpult_http_request_duration_seconds_bucket{le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              g_ascii_formatd (num, sizeof num, "%g", duration_buckets[i]),
                              cumulative);
    }
  g_string_append_printf (out,
                          "stadtpult_http_request_duration_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
                          self->duration_count);
  g_string_append_printf (out,
                          "stadtpult_http_request_duration_seconds_sum %s\n",
                          g_ascii_formatd (num, sizeof num, "%.6f", self->duration_sum));
  g_string_append_printf (out,
                          "stadtpult_http_request_duration_seconds_count %" G_GUINT64_FORMAT "\n",
                          self->duration_count);

  g_string_append_printf (out,
                          "# HELP stadtpult_sync_changes_applied_total Pushed changes accepted by the server.\n"
                          "# TYPE stadtpult_sync_changes_applied_total counter\n"
                          "stadtpult_sync_changes_applied_total %" G_GUINT64_FORMAT "\n"
                          "# HELP stadtpult_sync_conflicts_total Pushed changes merged with a concurrent edit (overwritten values kept).\n"
                          "# TYPE stadtpult_sync_conflicts_total counter\n"
                          "stadtpult_sync_conflicts_total %" G_GUINT64_FORMAT "\n"
                          "# HELP stadtpult_sync_snapshots_total First-sync snapshots sent to new desktops, and of those made for the request.\n"
                          "# TYPE stadtpult_sync_snapshots_total counter\n"
                          "stadtpult_sync_snapshots_total{result=\"served\"} %" G_GUINT64_FORMAT "\n"
                          "stadtpult_sync_snapshots_total{result=\"made\"} %" G_GUINT64_FORMAT "\n",
                          self->sync_applied, self->sync_conflicts,
                          self->snapshots_served, self->snapshots_made);

  g_string_append_printf (out,
                          "# HELP stadtpult_login_attempts_total Staff sign-ins by outcome.\n"
                          "# TYPE stadtpult_login_attempts_total counter\n"
                          "stadtpult_login_attempts_total{result=\"ok\"} %" G_GUINT64_FORMAT "\n"
                          "stadtpult_login_attempts_total{result=\"failed\"} %" G_GUINT64_FORMAT "\n"
                          "stadtpult_login_attempts_total{result=\"throttled\"} %" G_GUINT64_FORMAT "\n",
                          self->logins[SP_LOGIN_OK], self->logins[SP_LOGIN_FAILED],
                          self->logins[SP_LOGIN_THROTTLED]);

  g_string_append_printf (out,
                          "# HELP stadtpult_build_info Version of the running server.\n"
                          "# TYPE stadtpult_build_info gauge\n"
                          "stadtpult_build_info{version=\"%s\"} 1\n"
                          "# HELP stadtpult_start_time_seconds Start of the server process (unix time).\n"
                          "# TYPE stadtpult_start_time_seconds gauge\n"
                          "stadtpult_start_time_seconds %" G_GINT64_FORMAT "\n",
                          PACKAGE_VERSION, self->start_time);

  g_mutex_unlock (&self->metrics_lock);

  sp_route_bot_metrics (self, out);

  g_string_append (out,
                   "# HELP stadtpult_rows Rows stored per entity (including tombstones).\n"
                   "# TYPE stadtpult_rows gauge\n");
  entities = sp_entity_all (&n_entities);
  for (guint i = 0; i < n_entities; i++)
    {
      gint64 rows = sp_storage_row_count (self->storage, entities[i]->name);

      if (rows < 0)
        continue;
      g_string_append_printf (out, "stadtpult_rows{entity=\"%s\"} %" G_GINT64_FORMAT "\n",
                              entities[i]->name, rows);
    }

  return g_string_free (out, FALSE);
}

/* -- request bookkeeping ---------------------------------------------------- */

static void
reject_too_large (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *message = NULL;

  /* Stop keeping what is still coming; the client gets its answer when the
   * body is through. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  if (soup_server_message_get_status (msg) != 0)
    return;

  message = g_strdup_printf ("Request body larger than %d bytes", SP_MAX_BODY_SIZE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  _sp_server_reply_error_literal (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                  sp_error_slug (SP_ERROR_TOO_LARGE), message);
}

static void
msg_got_headers (SoupServerMessage *msg,
                 SpServer          *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > SP_MAX_BODY_SIZE)
    reject_too_large (msg);
}

static void
msg_got_chunk (SoupServerMessage *msg,
               GBytes            *chunk,
               SpServer          *self)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (body->length > SP_MAX_BODY_SIZE)
    reject_too_large (msg);
}

static void
message_gone (gpointer  data,
              GObject  *where_the_object_was)
{
  SpServer *self = data;

  g_atomic_int_dec_and_test (&self->live_messages);
}

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 SpServer          *self)
{
  gint64 *start = g_new (gint64, 1);

  *start = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), START_TIME_KEY, start, g_free);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Content-Type-Options", "nosniff");
  /* Keep-alive: libsoup 3.2 leaks the socket (and its file descriptor) of
   * every idle keep-alive connection that the client closes; the reaper
   * closes those (and connections idle for two minutes). */
  sp_conn_reaper_track (sp_conn_reaper_get (soup, 5, 120), msg);
  g_signal_connect (msg, "got-headers", G_CALLBACK (msg_got_headers), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (msg_got_chunk), self);

  g_atomic_int_inc (&self->live_messages);
  g_object_weak_ref (G_OBJECT (msg), message_gone, self);
}

static void
request_done (SoupServer        *soup,
              SoupServerMessage *msg,
              SpServer          *self)
{
  count_request (self, msg);
}

/* -- lifecycle ----------------------------------------------------------- */

SpServer *
_sp_server_new (SpStorage       *storage,
                const char      *public_dir,
                GTlsCertificate *tls_certificate)
{
  SpServer *self;

  g_return_val_if_fail (storage != NULL, NULL);

  self = g_new0 (SpServer, 1);
  self->storage = storage;
  self->public_dir = g_strdup (public_dir);
  g_mutex_init (&self->metrics_lock);
  self->start_time = g_get_real_time () / G_USEC_PER_SEC;
  self->request_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->soup = soup_server_new ("server-header", "stadtpult-server/" PACKAGE_VERSION " ",
                                "tls-certificate", tls_certificate,
                                NULL);

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_done), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_done), self);

  sp_route_static_register (self);
  sp_route_health_register (self);
  sp_route_login_register (self);
  sp_route_sync_register (self);
  sp_route_snapshot_register (self);
  sp_route_services_register (self);
  sp_route_competence_register (self);
  sp_route_training_register (self);
  sp_route_handoff_register (self);
  sp_bot_cors_register (self);
  sp_route_bot_register (self);
  sp_route_voice_register (self);
  sp_route_surveys_register (self);
  sp_route_feedback_register (self);
  sp_route_open311_register (self);
  sp_route_challenges_register (self);

  return self;
}

void
_sp_server_free (SpServer *self)
{
  if (self == NULL)
    return;

  soup_server_disconnect (self->soup);
  g_signal_handlers_disconnect_by_data (self->soup, self);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->request_counts, g_hash_table_unref);
  g_mutex_clear (&self->metrics_lock);
  g_free (self->public_dir);
  /* Messages still alive hold a weak reference to us: keep the struct. */
  if (g_atomic_int_get (&self->live_messages) == 0)
    g_free (self);
}

gboolean
_sp_server_listen (SpServer    *self,
                   const char  *address,
                   guint        port,
                   char       **uri,
                   GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;
  SoupServerListenOptions options = 0;
  GSList *uris;
  gboolean https = soup_server_is_https (self->soup);

  if (g_strcmp0 (address, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (address);

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", address);
      return FALSE;
    }

  if (https)
    options |= SOUP_SERVER_LISTEN_HTTPS;

  sockaddr = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->soup, sockaddr, options, error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    {
      GUri *first = uris->data;
      g_autofree char *host = g_inet_address_to_string (inet);
      gboolean v6 = strchr (host, ':') != NULL;

      *uri = g_strdup_printf ("%s://%s%s%s:%d/",
                              https ? "https" : "http",
                              v6 ? "[" : "", host, v6 ? "]" : "",
                              g_uri_get_port (first));
    }
  else
    *uri = g_strdup_printf ("%s://%s:%u/", https ? "https" : "http", address, port);

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

SoupServer *
sp_server_get_soup (SpServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->soup;
}

SpStorage *
sp_server_get_storage (SpServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->storage;
}

const char *
_sp_server_get_public_dir (SpServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->public_dir;
}

/* -- helpers ------------------------------------------------------------- */

gboolean
_sp_accepts_gzip (const char *accept_encoding)
{
  g_auto(GStrv) parts = NULL;

  if (accept_encoding == NULL)
    return FALSE;

  parts = g_strsplit (accept_encoding, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) params = g_strsplit (parts[i], ";", -1);
      const char *coding = g_strstrip (params[0]);
      gboolean allowed = TRUE;

      if (g_ascii_strcasecmp (coding, "gzip") != 0 &&
          g_ascii_strcasecmp (coding, "x-gzip") != 0)
        continue;

      for (guint j = 1; params[j] != NULL; j++)
        {
          const char *p = g_strstrip (params[j]);

          if (g_ascii_strncasecmp (p, "q=", 2) == 0 &&
              g_ascii_strtod (p + 2, NULL) <= 0.0)
            allowed = FALSE;
        }

      return allowed;
    }

  return FALSE;
}

GBytes *
_sp_gzip (const guint8 *data,
          gsize         len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GByteArray) out = g_byte_array_sized_new (len / 4 + 64);
  gsize in_pos = 0;

  for (;;)
    {
      guint8 buf[16384];
      gsize read = 0, written = 0;
      GConverterResult res;
      g_autoptr(GError) error = NULL;

      res = g_converter_convert (G_CONVERTER (compressor),
                                 data + in_pos, len - in_pos,
                                 buf, sizeof buf,
                                 G_CONVERTER_INPUT_AT_END,
                                 &read, &written, &error);
      if (res == G_CONVERTER_ERROR)
        {
          g_warning ("gzip failed: %s", error->message);
          return NULL;
        }
      in_pos += read;
      g_byte_array_append (out, buf, written);
      if (res == G_CONVERTER_FINISHED)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
