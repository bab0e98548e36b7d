/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-sync-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sp-change.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-local-store.h"
#include "sp-sync-client.h"

#include "sp-http-private.h"

#define DEFAULT_PAGE_SIZE  10000   /* the server's maximum */
#define DEFAULT_PUSH_BATCH 1000
#define DEFAULT_TIMEOUT    60

struct _SpSyncClient
{
  GObject       parent_instance;

  GMutex        lock;          /* guards token and tls_database */
  char         *db_path;
  char         *base_url;      /* without trailing slash */
  char         *token;
  GTlsDatabase *tls_database;
  guint         page_size;
  guint         push_batch;
  guint         timeout;
  gboolean      no_snapshot;
};

G_DEFINE_FINAL_TYPE (SpSyncClient, sp_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DB_PATH,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sp_sync_client_finalize (GObject *object)
{
  SpSyncClient *self = (SpSyncClient *) object;

  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_object (&self->tls_database);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sp_sync_client_parent_class)->finalize (object);
}

static void
sp_sync_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpSyncClient *self = SP_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SpSyncClient *self = SP_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_free (self->db_path);
      self->db_path = g_value_dup_string (value);
      break;
    case PROP_BASE_URL:
      {
        char *url = g_value_dup_string (value);
        gsize len = url ? strlen (url) : 0;

        while (len > 0 && url[len - 1] == '/')
          url[--len] = '\0';
        g_free (self->base_url);
        self->base_url = url;
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_client_class_init (SpSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_sync_client_finalize;
  object_class->get_property = sp_sync_client_get_property;
  object_class->set_property = sp_sync_client_set_property;

  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_sync_client_init (SpSyncClient *self)
{
  g_mutex_init (&self->lock);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->push_batch = DEFAULT_PUSH_BATCH;
  self->timeout = DEFAULT_TIMEOUT;
}

SpSyncClient *
sp_sync_client_new (const char *db_path,
                    const char *base_url)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (SP_TYPE_SYNC_CLIENT,
                       "db-path", db_path,
                       "base-url", base_url,
                       NULL);
}

const char *
sp_sync_client_get_base_url (SpSyncClient *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), NULL);
  return self->base_url;
}

void
sp_sync_client_set_token (SpSyncClient *self,
                          const char   *token)
{
  g_return_if_fail (SP_IS_SYNC_CLIENT (self));

  g_mutex_lock (&self->lock);
  g_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->lock);
}

static char *
dup_token (SpSyncClient *self)
{
  char *token;

  g_mutex_lock (&self->lock);
  token = g_strdup (self->token);
  g_mutex_unlock (&self->lock);
  return token;
}

gboolean
sp_sync_client_set_ca_file (SpSyncClient  *self,
                            const char    *path,
                            GError       **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), FALSE);

  if (path != NULL && *path != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      database = g_tls_file_database_new (path, &local_error);
      if (database == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       _("Cannot read the CA certificate %s: %s"), path, local_error->message);
          return FALSE;
        }
    }

  g_mutex_lock (&self->lock);
  g_set_object (&self->tls_database, database);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
sp_sync_client_set_page_size (SpSyncClient *self,
                              guint         limit)
{
  g_return_if_fail (SP_IS_SYNC_CLIENT (self));
  self->page_size = limit ? limit : DEFAULT_PAGE_SIZE;
}

void
sp_sync_client_set_use_snapshot (SpSyncClient *self,
                                 gboolean      use_snapshot)
{
  g_return_if_fail (SP_IS_SYNC_CLIENT (self));
  self->no_snapshot = !use_snapshot;
}

void
sp_sync_client_set_push_batch (SpSyncClient *self,
                               guint         batch)
{
  g_return_if_fail (SP_IS_SYNC_CLIENT (self));
  self->push_batch = batch ? batch : DEFAULT_PUSH_BATCH;
}

void
sp_sync_client_set_timeout (SpSyncClient *self,
                            guint         seconds)
{
  g_return_if_fail (SP_IS_SYNC_CLIENT (self));
  self->timeout = seconds;
}

/* A session for the calling thread. */
static SoupSession *
create_session (SpSyncClient *self)
{
  g_autoptr(GTlsDatabase) tls_database = NULL;

  g_mutex_lock (&self->lock);
  if (self->tls_database != NULL)
    tls_database = g_object_ref (self->tls_database);
  g_mutex_unlock (&self->lock);
  return _sp_http_session_new (self->timeout, tls_database);
}

/* Performs one request and returns the parsed JSON answer of a 2xx
 * response; maps everything else to SP_ERROR (sp-http.c). */
static JsonNode *
request_bytes (SpSyncClient  *self,
               SoupSession   *session,
               const char    *method,
               const char    *path_and_query,
               GBytes        *body,
               gboolean       with_token,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *token = NULL;

  if (with_token)
    {
      token = dup_token (self);
      if (token == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_UNAUTHORIZED, _("Not signed in"));
          return NULL;
        }
    }

  return _sp_http_request (session, self->base_url, token, method, path_and_query,
                           body, TRUE, NULL, cancellable, error);
}

static JsonNode *
request_json (SpSyncClient  *self,
              SoupSession   *session,
              const char    *method,
              const char    *path_and_query,
              JsonNode      *body,
              gboolean       with_token,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (body != NULL)
    {
      gsize len = 0;
      char *text = sp_json_to_string (body, &len);

      bytes = g_bytes_new_take (text, len);
    }
  return request_bytes (self, session, method, path_and_query, bytes, with_token,
                        cancellable, error);
}

static gboolean
protocol_error (GError    **error,
                const char *what)
{
  g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL,
               _("Unexpected answer from the server: %s"), what);
  return FALSE;
}

char *
sp_sync_client_login (SpSyncClient   *self,
                      const char     *user,
                      const char     *password,
                      char         ***roles,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonNode *token_node;
  char *token;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  session = create_session (self);
  answer = request_json (self, session, "POST", "/api/v1/login", body, FALSE,
                         cancellable, error);
  if (answer == NULL)
    return NULL;

  object = json_node_get_object (answer);
  token_node = json_object_get_member (object, "token");
  if (token_node == NULL || !JSON_NODE_HOLDS_VALUE (token_node) ||
      json_node_get_value_type (token_node) != G_TYPE_STRING ||
      *json_node_get_string (token_node) == '\0')
    {
      protocol_error (error, "no token");
      return NULL;
    }

  token = g_strdup (json_node_get_string (token_node));
  sp_sync_client_set_token (self, token);
  if (roles)
    *roles = sp_json_get_strv (object, "roles");
  return token;
}

/* Push is pipelined as well: up to PUSH_DEPTH batches are on their way at
 * once, so that the server decodes batch n + 1 while it applies batch n,
 * and the calling thread acks the answered batch and takes the next one
 * meanwhile. A push has PUSH_DEPTH sender threads (started when first
 * needed, joined at its end), each with its own SoupSession for its whole
 * life; batch n goes to sender n % PUSH_DEPTH. So a push keeps at most
 * PUSH_DEPTH connections (and TLS handshakes) alive from batch to batch
 * instead of opening one per batch. When
 * batch n is answered, batch n + 2 is taken and sent before n is acked,
 * so that the server does not wait for the client's bookkeeping.
 *
 * Order: sp_local_store_outbox_take_more() never puts a change of a row
 * into a batch while another change of that row is in flight, so the
 * server may apply two batches on their way in either order with the same
 * result. Answers are acked strictly in the order of the batches; the
 * first batch that fails ends the push, and the answers of the batches
 * after it are dropped (their changes stay in the outbox and come back
 * "duplicate" when sent again). */

#define PUSH_DEPTH 2

/* Requests leave in batch order: a batch connects (when its sender has no
 * connection yet) and writes its request only after the one before it has
 * written its headers (or given up), so that the server, and whatever is
 * between, sees the batches in order. */
typedef struct {
  GMutex lock;
  GCond  cond;
  guint  next;      /* index of the batch that may send now */
  guint  started;   /* batches started so far */
} PushWire;

typedef struct {
  SpSyncClient *self;
  PushWire     *wire;
  guint         index;
  gboolean      released;      /* the next batch may send (wire->lock) */
  GBytes       *body;
  GHashTable   *sent_ids;      /* change ids of the batch */
  GCancellable *cancellable;   /* the push's own, not a reference */
  GPtrArray    *results;       /* SpChangeResult, when answered */
  GError       *error;
} PushFlight;

static void
push_wire_release (PushFlight *flight)
{
  g_mutex_lock (&flight->wire->lock);
  if (!flight->released)
    {
      flight->released = TRUE;
      flight->wire->next = flight->index + 1;
      g_cond_broadcast (&flight->wire->cond);
    }
  g_mutex_unlock (&flight->wire->lock);
}

static void
push_flight_wrote_headers (SoupMessage *msg,
                           PushFlight  *flight)
{
  push_wire_release (flight);
}

static void
push_flight_free (PushFlight *flight)
{
  g_clear_pointer (&flight->body, g_bytes_unref);
  g_clear_pointer (&flight->sent_ids, g_hash_table_unref);
  g_clear_pointer (&flight->results, g_ptr_array_unref);
  g_clear_error (&flight->error);
  g_free (flight);
}

/* Sends one batch over @session and decodes the answer into
 * flight->results. */
static void
push_flight_send (PushFlight  *flight,
                  SoupSession *session)
{
  g_autofree char *token = dup_token (flight->self);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *text;
  gsize len = 0;

  if (token == NULL)
    g_set_error (&flight->error, SP_ERROR, SP_ERROR_UNAUTHORIZED, _("Not signed in"));
  else
    msg = _sp_http_message_new (flight->self->base_url, token, "POST", "/api/v1/sync",
                                flight->body, &flight->error);
  if (msg != NULL)
    {
      /* libsoup sends a POST over a new connection unless it is marked
       * idempotent. A push is: the server answers "duplicate" for a change
       * it has applied before, as for any batch sent again (see above), so
       * that libsoup may also send the batch again by itself (maybe after
       * the next one: either order gives the same result, see above) when
       * a kept connection turns out closed before any answer came. */
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (push_flight_wrote_headers), flight);
      g_mutex_lock (&flight->wire->lock);
      while (flight->wire->next < flight->index)
        g_cond_wait (&flight->wire->cond, &flight->wire->lock);
      g_mutex_unlock (&flight->wire->lock);
      answer = _sp_http_send (session, msg, NULL, flight->cancellable, &flight->error);
    }
  push_wire_release (flight);
  g_clear_pointer (&flight->body, g_bytes_unref);
  if (answer == NULL)
    return;

  /* the results without a JSON tree of the answer */
  text = g_bytes_get_data (answer, &len);
  if (!(flight->results = sp_change_parse_push_answer (text, len, &local_error)))
    protocol_error (&flight->error, local_error->message);
}

/* One sender thread of a push. The SoupSession is created and dropped in
 * the thread (libsoup wants a session used on the thread that made it). */
typedef struct {
  SpSyncClient *self;
  GThread      *thread;        /* NULL until the first batch */
  GAsyncQueue  *todo;          /* PushFlight to send; the sender itself: stop */
  GAsyncQueue  *done;          /* PushFlight sent, answered or failed */
} PushSender;

static gpointer
push_sender_thread (gpointer data)
{
  PushSender *sender = data;
  g_autoptr(SoupSession) session = create_session (sender->self);
  gpointer item;

  while ((item = g_async_queue_pop (sender->todo)) != sender)
    {
      push_flight_send (item, session);
      g_async_queue_push (sender->done, item);
    }
  return NULL;
}

static void
push_sender_send (PushSender   *sender,
                  SpSyncClient *self,
                  PushFlight   *flight)
{
  if (sender->thread == NULL)
    {
      sender->self = self;
      sender->todo = g_async_queue_new ();
      sender->done = g_async_queue_new ();
      sender->thread = g_thread_new ("sp-push", push_sender_thread, sender);
    }
  g_async_queue_push (sender->todo, flight);
}

/* Ends the thread; every batch handed to it must have been waited for. */
static void
push_sender_stop (PushSender *sender)
{
  if (sender->thread == NULL)
    return;
  g_async_queue_push (sender->todo, sender);
  g_thread_join (g_steal_pointer (&sender->thread));
  g_clear_pointer (&sender->todo, g_async_queue_unref);
  g_clear_pointer (&sender->done, g_async_queue_unref);
}

/* Takes the next batch and starts sending it; NULL with *error unset when
 * there is nothing to send now. */
static PushFlight *
push_flight_start (SpSyncClient  *self,
                   SpLocalStore  *store,
                   PushWire      *wire,
                   PushSender    *senders,
                   gboolean       first,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GHashTable) sent_ids = NULL;
  PushFlight *flight;
  gsize body_len;
  guint n;

  /* The batch straight from the outbox as JSON text, marked sent in the
   * same transaction: from now on these changes may land on the server,
   * and later local edits must not be merged into them. */
  sent_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  text = g_string_sized_new (400 * MIN (self->push_batch, 4096) + 16);
  g_string_append (text, "{\"changes\":[");
  n = first ? sp_local_store_outbox_take (store, self->push_batch, text, sent_ids, error)
            : sp_local_store_outbox_take_more (store, self->push_batch, text, sent_ids, error);
  if (n == 0)
    return NULL;
  g_string_append (text, "]}");

  flight = g_new0 (PushFlight, 1);
  flight->self = self;
  flight->wire = wire;
  flight->index = wire->started++;
  body_len = text->len;
  flight->body = g_bytes_new_take (g_string_free (g_steal_pointer (&text), FALSE), body_len);
  flight->sent_ids = g_steal_pointer (&sent_ids);
  flight->cancellable = cancellable;
  push_sender_send (&senders[flight->index % PUSH_DEPTH], self, flight);
  return flight;
}

/* Waits until @flight is sent and answered (or failed). */
static void
push_flight_wait (PushFlight *flight,
                  PushSender *senders)
{
  PushFlight *sent = g_async_queue_pop (senders[flight->index % PUSH_DEPTH].done);

  /* a sender works through its batches in order, and they are waited for
   * in order */
  g_assert (sent == flight);
}

/* Records the answers of an answered batch; *all_answered FALSE when the
 * server left changes of it unanswered. */
static gboolean
push_flight_ack (PushFlight    *flight,
                 SpLocalStore  *store,
                 SpSyncStats   *stats,
                 gboolean      *all_answered,
                 GError       **error)
{
  guint matched = 0;

  for (guint i = 0; i < flight->results->len; i++)
    {
      const SpChangeResult *result = g_ptr_array_index (flight->results, i);

      if (g_hash_table_contains (flight->sent_ids, result->change_id))
        {
          matched++;
          if (stats)
            {
              stats->pushed++;
              if (result->status == SP_RESULT_CONFLICT)
                stats->conflicts++;
            }
        }
    }

  if (!sp_local_store_outbox_ack (store, flight->results, error))
    return FALSE;

  if (matched == 0)
    return protocol_error (error, "no change of the batch was answered");
  *all_answered = matched == g_hash_table_size (flight->sent_ids);
  return TRUE;
}

static void
cancel_ours (GCancellable *caller,
             GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/* The state of one push. */
typedef struct {
  GQueue        flights;       /* PushFlight, oldest first */
  PushWire      wire;
  PushSender    senders[PUSH_DEPTH];
  GCancellable *ours;
  GError       *failure;
  gboolean      first;         /* the next take starts over */
  gboolean      outbox_done;
  gboolean      resend;        /* changes were left unanswered */
} PushRun;

/* Starts batches until PUSH_DEPTH are on their way. @unacked: batches
 * answered but not acked yet (their rows still count as in flight). */
static void
push_fill (SpSyncClient  *self,
           SpLocalStore  *store,
           PushRun       *run,
           guint          unacked,
           GCancellable  *cancellable)
{
  /* Changes the server left unanswered go again, from the oldest entry
   * on, once the batches on their way are answered. */
  if (run->resend && run->flights.length == 0 && unacked == 0)
    {
      run->first = TRUE;
      run->resend = FALSE;
    }
  while (run->failure == NULL && !run->outbox_done && !run->resend &&
         run->flights.length < PUSH_DEPTH &&
         !g_cancellable_set_error_if_cancelled (cancellable, &run->failure))
    {
      PushFlight *flight = push_flight_start (self, store, &run->wire, run->senders,
                                              run->first, run->ours, &run->failure);

      run->first = FALSE;
      if (flight == NULL)
        {
          /* nothing left, or the next change waits for an answer */
          run->outbox_done = run->flights.length == 0 && unacked == 0;
          break;
        }
      g_queue_push_tail (&run->flights, flight);
    }
}

static gboolean
push_with_store (SpSyncClient  *self,
                 SpLocalStore  *store,
                 SpSyncStats   *stats,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PushRun run = { G_QUEUE_INIT, };
  gulong cancel_id = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_mutex_init (&run.wire.lock);
  g_cond_init (&run.wire.cond);
  run.first = TRUE;
  run.ours = g_cancellable_new ();
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_ours), run.ours, NULL);

  for (;;)
    {
      PushFlight *flight;

      push_fill (self, store, &run, 0, cancellable);
      if (run.flights.length == 0)
        break;

      flight = g_queue_pop_head (&run.flights);
      push_flight_wait (flight, run.senders);
      if (run.failure == NULL)
        {
          gboolean all_answered = TRUE;

          if (flight->error != NULL)
            run.failure = g_steal_pointer (&flight->error);
          else
            {
              /* the next batch goes out before this one is acked, so
               * that the server has work while the answer is recorded */
              push_fill (self, store, &run, 1, cancellable);
              if (run.failure == NULL &&
                  push_flight_ack (flight, store, stats, &all_answered, &run.failure) &&
                  !all_answered)
                run.resend = TRUE;
            }
          if (run.failure != NULL)
            g_cancellable_cancel (run.ours);   /* the batches after it */
        }
      push_flight_free (flight);
    }

  for (guint i = 0; i < PUSH_DEPTH; i++)
    push_sender_stop (&run.senders[i]);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  g_object_unref (run.ours);
  g_mutex_clear (&run.wire.lock);
  g_cond_clear (&run.wire.cond);
  if (run.failure != NULL)
    {
      g_propagate_error (error, run.failure);
      return FALSE;
    }
  return TRUE;
}

/* Pull is pipelined: a fetcher thread (with its own SoupSession) requests
 * and decodes page n + 1 while the calling thread writes page n, so JSON
 * parsing and SQLite work run on different cores. Pages are applied
 * strictly in order, each with its cursor in one transaction. */

#define PULL_QUEUE_DEPTH 2
#define SNAPSHOT_PATH    "/api/v1/sync/snapshot"
/* A pull with a page this big leaves search indexing to the first reader
 * (the bulk-write threshold of sp-local-store). */
#define PULL_INDEX_LATER_MIN 256

typedef struct {
  GPtrArray *changes;   /* SpChange */
  char      *cursor;
  gboolean   more;
  GError    *error;
} PullPage;

static void
pull_page_free (PullPage *page)
{
  g_clear_pointer (&page->changes, g_ptr_array_unref);
  g_free (page->cursor);
  g_clear_error (&page->error);
  g_free (page);
}

typedef struct {
  SpSyncClient *self;
  char         *cursor;
  GCancellable *cancellable;   /* ours; the caller's cancels it too */
  GMutex        lock;
  GCond         cond;
  GQueue        pages;
  GQueue        spent;         /* applied pages, freed by the fetcher */
  gboolean      stop;
} PullFetcher;

/* GET @path_and_query and the raw body of a 2xx answer (pull pages are
 * decoded by sp_change_parse_pull_page() without a JSON tree). */
static GBytes *
request_raw (SpSyncClient  *self,
             SoupSession   *session,
             const char    *path_and_query,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *token = dup_token (self);

  if (token == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_UNAUTHORIZED, _("Not signed in"));
      return NULL;
    }
  return _sp_http_request_bytes (session, self->base_url, token, "GET", path_and_query,
                                 NULL, NULL, cancellable, error);
}

static PullPage *
fetch_page (SpSyncClient *self,
            SoupSession  *session,
            const char   *cursor,
            GCancellable *cancellable)
{
  PullPage *page = g_new0 (PullPage, 1);
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize len = 0;

  escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);
  path = g_strdup_printf ("/api/v1/sync?since=%s&limit=%u", escaped, self->page_size);
  body = request_raw (self, session, path, cancellable, &page->error);
  if (body == NULL)
    return page;

  data = g_bytes_get_data (body, &len);
  if (!sp_change_parse_pull_page (data, len, &page->changes, &page->cursor, &page->more,
                                  &local_error))
    {
      protocol_error (&page->error, local_error->message);
      return page;
    }

  if (page->more && page->changes->len == 0 && g_strcmp0 (cursor, page->cursor) == 0)
    {
      protocol_error (&page->error, "more pages announced but the cursor did not move");
      return page;
    }

  return page;
}

static gpointer
pull_fetcher_thread (gpointer data)
{
  PullFetcher *fetcher = data;
  g_autoptr(SoupSession) session = create_session (fetcher->self);
  g_autofree char *cursor = g_strdup (fetcher->cursor);

  for (;;)
    {
      PullPage *page;
      gboolean last;

      g_mutex_lock (&fetcher->lock);
      for (;;)
        {
          /* Freeing a page of thousands of changes takes a while: do it
           * here, not on the thread that writes the next page. */
          if (fetcher->spent.length > 0)
            {
              PullPage *old = g_queue_pop_head (&fetcher->spent);

              g_mutex_unlock (&fetcher->lock);
              pull_page_free (old);
              g_mutex_lock (&fetcher->lock);
              continue;
            }
          if (fetcher->stop || fetcher->pages.length < PULL_QUEUE_DEPTH)
            break;
          g_cond_wait (&fetcher->cond, &fetcher->lock);
        }
      if (fetcher->stop)
        {
          g_mutex_unlock (&fetcher->lock);
          break;
        }
      g_mutex_unlock (&fetcher->lock);

      page = fetch_page (fetcher->self, session, cursor, fetcher->cancellable);
      last = page->error != NULL || !page->more;
      if (!last)
        {
          g_free (cursor);
          cursor = g_strdup (page->cursor);
        }

      g_mutex_lock (&fetcher->lock);
      g_queue_push_tail (&fetcher->pages, page);
      g_cond_broadcast (&fetcher->cond);
      g_mutex_unlock (&fetcher->lock);

      if (last)
        break;
    }

  return NULL;
}

/* A new, empty profile starts from the server's snapshot: one database
 * file in our schema, saved next to the profile and copied in as it is
 * (far cheaper than writing its rows one by one), then the pull goes on
 * from its cursor. Whatever prevents that (an older server, a server made
 * for another schema version, a file that does not fit) only costs the
 * download: the pull starts from the beginning instead. *loaded says
 * whether it was loaded. FALSE only when cancelled. */
static gboolean
pull_snapshot (SpSyncClient  *self,
               SpLocalStore  *store,
               SpSyncStats   *stats,
               gboolean      *loaded,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *file = NULL;
  guint n_rows = 0;
  gboolean ok;
  int fd;

  *loaded = FALSE;
  if (self->no_snapshot || !sp_local_store_is_empty (store) || !(token = dup_token (self)))
    return TRUE;

  path = g_strdup_printf (SNAPSHOT_PATH "?schema=%d", sp_db_latest_version (SP_SCHEMA_CLIENT));
  if (!(msg = _sp_http_message_new (self->base_url, token, "GET", path, NULL, &local_error)))
    goto fall_back;

  file = g_strconcat (self->db_path, ".snapshot", NULL);
  fd = g_open (file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (&local_error, SP_ERROR, SP_ERROR_STORAGE, "Cannot create %s: %s",
                   file, g_strerror (saved));
      goto fall_back;
    }
  session = create_session (self);
  ok = _sp_http_download (session, msg, fd, NULL, cancellable, &local_error);
  close (fd);
  ok = ok && sp_local_store_load_snapshot (store, file, &n_rows, &local_error);
  g_unlink (file);
  if (!ok)
    goto fall_back;

  *loaded = TRUE;
  if (stats)
    {
      stats->pulled += n_rows;
      stats->snapshot += n_rows;
    }
  return TRUE;

fall_back:
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* No snapshot here, or no server at all (the pull will say so): not
   * worth a line in the log at every automatic sync. */
  if (g_error_matches (local_error, SP_ERROR, SP_ERROR_NOT_FOUND) ||
      g_error_matches (local_error, SP_ERROR, SP_ERROR_NETWORK) ||
      g_error_matches (local_error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    g_debug ("No snapshot, pulling from the start: %s", local_error->message);
  else
    g_message ("Cannot use the server's snapshot, pulling from the start: %s",
               local_error->message);
  return TRUE;
}

static gboolean
pull_with_store (SpSyncClient  *self,
                 SpLocalStore  *store,
                 SpSyncStats   *stats,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PullFetcher fetcher = { 0 };
  GThread *thread;
  gulong cancel_id = 0;
  gboolean ok = FALSE;
  gboolean index_later = FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Its rows stay marked for the search index, like a big page's. */
  if (!pull_snapshot (self, store, stats, &index_later, cancellable, error))
    return FALSE;

  fetcher.self = self;
  fetcher.cursor = sp_local_store_get_cursor (store);
  fetcher.cancellable = g_cancellable_new ();
  g_mutex_init (&fetcher.lock);
  g_cond_init (&fetcher.cond);
  g_queue_init (&fetcher.pages);
  g_queue_init (&fetcher.spent);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_ours),
                                       fetcher.cancellable, NULL);

  /* Index the pulled rows for search once at the end, not page by page:
   * a first sync of 100 000 rows would otherwise flush and merge FTS5
   * segments for every page. Rows of big pages (a first sync, a catalogue
   * import on the server) stay marked in fts_pending instead: indexing
   * costs about twice as much as writing them, and the first search
   * (SpRowListModel) or local save indexes whatever is marked before it
   * reads, so the rows are usable at once and searchable when needed. */
  sp_local_store_set_search_deferred (store, TRUE);

  thread = g_thread_new ("sp-pull", pull_fetcher_thread, &fetcher);

  for (;;)
    {
      PullPage *page;
      gboolean more;

      g_mutex_lock (&fetcher.lock);
      while (fetcher.pages.length == 0)
        g_cond_wait (&fetcher.cond, &fetcher.lock);
      page = g_queue_pop_head (&fetcher.pages);
      g_cond_broadcast (&fetcher.cond);
      g_mutex_unlock (&fetcher.lock);

      if (page->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&page->error));
          pull_page_free (page);
          break;
        }

      if (!sp_local_store_apply_pulled (store, page->changes, page->cursor, error))
        {
          pull_page_free (page);
          break;
        }
      if (page->changes->len >= PULL_INDEX_LATER_MIN)
        index_later = TRUE;
      if (stats)
        stats->pulled += page->changes->len;

      more = page->more;
      if (!more)
        {
          pull_page_free (page);
          ok = TRUE;
          break;
        }
      g_mutex_lock (&fetcher.lock);
      g_queue_push_tail (&fetcher.spent, page);
      g_cond_broadcast (&fetcher.cond);
      g_mutex_unlock (&fetcher.lock);
    }

  /* Stop the fetcher (it may be waiting for room or in a request). */
  g_mutex_lock (&fetcher.lock);
  fetcher.stop = TRUE;
  g_cond_broadcast (&fetcher.cond);
  g_mutex_unlock (&fetcher.lock);
  if (!ok)
    g_cancellable_cancel (fetcher.cancellable);
  g_thread_join (thread);

  sp_local_store_set_search_deferred (store, FALSE);
  if (!index_later)
    {
      g_autoptr(GError) index_error = NULL;

      /* Also after a failed page: the pages applied before it are indexed. */
      if (!sp_db_update_search_index (sp_local_store_get_db (store), &index_error))
        {
          if (ok)
            {
              g_propagate_error (error, g_steal_pointer (&index_error));
              ok = FALSE;
            }
          else
            g_warning ("Cannot update the search index: %s", index_error->message);
        }
    }

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);
  g_queue_clear_full (&fetcher.pages, (GDestroyNotify) pull_page_free);
  g_queue_clear_full (&fetcher.spent, (GDestroyNotify) pull_page_free);
  g_clear_object (&fetcher.cancellable);
  g_free (fetcher.cursor);
  g_mutex_clear (&fetcher.lock);
  g_cond_clear (&fetcher.cond);
  return ok;
}

gboolean
sp_sync_client_push (SpSyncClient  *self,
                     SpSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SpLocalStore) store = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), FALSE);

  if (!(store = sp_local_store_open (self->db_path, error)))
    return FALSE;
  return push_with_store (self, store, stats, cancellable, error);
}

gboolean
sp_sync_client_pull (SpSyncClient  *self,
                     SpSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SpLocalStore) store = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), FALSE);

  if (!(store = sp_local_store_open (self->db_path, error)))
    return FALSE;
  return pull_with_store (self, store, stats, cancellable, error);
}

gboolean
sp_sync_client_sync (SpSyncClient  *self,
                     SpSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SpLocalStore) store = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), FALSE);

  if (!(store = sp_local_store_open (self->db_path, error)))
    return FALSE;
  return push_with_store (self, store, stats, cancellable, error) &&
         pull_with_store (self, store, stats, cancellable, error);
}

/* -- async ------------------------------------------------------------ */

typedef struct {
  char *user;
  char *password;
} LoginData;

typedef struct {
  char  *token;
  char **roles;
} LoginResult;

static void
login_data_free (LoginData *data)
{
  g_free (data->user);
  if (data->password)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
login_result_free (LoginResult *result)
{
  g_free (result->token);
  g_strfreev (result->roles);
  g_free (result);
}

static void
login_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SpSyncClient *self = source_object;
  LoginData *data = task_data;
  GError *error = NULL;
  LoginResult *result = g_new0 (LoginResult, 1);

  result->token = sp_sync_client_login (self, data->user, data->password, &result->roles,
                                        cancellable, &error);
  if (result->token == NULL)
    {
      login_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) login_result_free);
}

void
sp_sync_client_login_async (SpSyncClient        *self,
                            const char          *user,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoginData *data;

  g_return_if_fail (SP_IS_SYNC_CLIENT (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  data = g_new0 (LoginData, 1);
  data->user = g_strdup (user);
  data->password = g_strdup (password);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_sync_client_login_async);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);
  g_task_run_in_thread (task, login_thread);
}

char *
sp_sync_client_login_finish (SpSyncClient   *self,
                             GAsyncResult   *result,
                             char         ***roles,
                             GError        **error)
{
  LoginResult *login;
  char *token;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  login = g_task_propagate_pointer (G_TASK (result), error);
  if (login == NULL)
    return NULL;

  token = g_steal_pointer (&login->token);
  if (roles)
    *roles = g_steal_pointer (&login->roles);
  login_result_free (login);
  return token;
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SpSyncClient *self = source_object;
  SpSyncStats *stats = g_new0 (SpSyncStats, 1);
  GError *error = NULL;

  if (!sp_sync_client_sync (self, stats, cancellable, &error))
    {
      /* Keep partial counts for the caller: it may report them. */
      g_task_set_task_data (task, stats, g_free);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, stats, g_free);
}

void
sp_sync_client_sync_async (SpSyncClient        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_sync_client_sync_async);
  g_task_run_in_thread (task, sync_thread);
}

gboolean
sp_sync_client_sync_finish (SpSyncClient  *self,
                            GAsyncResult  *result,
                            SpSyncStats   *stats,
                            GError       **error)
{
  g_autofree SpSyncStats *done = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  done = g_task_propagate_pointer (G_TASK (result), error);
  if (done == NULL)
    {
      SpSyncStats *partial = g_task_get_task_data (G_TASK (result));

      if (stats && partial)
        *stats = *partial;
      return FALSE;
    }
  if (stats)
    *stats = *done;
  return TRUE;
}
