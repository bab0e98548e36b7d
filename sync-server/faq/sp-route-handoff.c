/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-handoff"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "sp-route-handoff.h"

#include "sp-entity.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-office-hours.h"
#include "sp-route-bot.h"
#include "sp-server-private.h"

#define CITIZEN_HANDOFF_PATH   "/api/v1/bot/handoff"
#define CITIZEN_CALLBACK_PATH  "/api/v1/bot/callback"
#define STAFF_PATH             "/api/v1/handoff"
#define STAFF_CONVERSATIONS    STAFF_PATH "/conversations"
#define STAFF_EVENTS           STAFF_PATH "/events"

#define ROUTE_KEY              "sp-route-handoff"
#define STAFF_ROLES            "editor,admin"

#define MAX_PUBLIC_BODY        (16 * 1024)
#define MAX_TEXT_CHARS         2000
#define MIN_CONTACT_CHARS      3
#define MAX_CONTACT_CHARS      200
#define MAX_SESSION_BYTES      200
#define ID_HEX_LEN             32          /* 128 bits */

#define POLL_SECONDS           25
#define MAX_WAITERS            512         /* held long-polls, all kinds */
#define MAX_WAITERS_PER_CONV   4
#define CITIZEN_PER_MINUTE     20          /* messages per conversation */
#define STAFF_PER_MINUTE       120
#define CREATE_PER_MINUTE      60          /* new conversations, server-wide */
#define RING_SIZE              4096        /* staff events remembered */
#define PURGE_INTERVAL_SECONDS 3600
#define CALLBACK_HOURS_DEFAULT 24

static guint retention_days = SP_HANDOFF_RETENTION_DAYS_DEFAULT;

typedef struct {
  guint64 seq;
  char    id[ID_HEX_LEN + 1];
} Event;

typedef struct {
  SpServer *server;
  gint      ref_count;

  /* Main thread only. */
  GQueue    parked;        /* Waiter*, held long-polls */
  guint     n_waiters;     /* parked or querying */
  guint64   seq_base;      /* first cursor of this run (unix ms at start) */
  guint64   seq;           /* cursor of the latest event */
  GQueue    ring;          /* Event*, the latest RING_SIZE events */
  gboolean  shutting_down;
  guint     purge_id;

  /* Any thread: the server-wide budget of new conversations. */
  GMutex    lock;
  double    create_tokens;
  gint64    create_refill;  /* monotonic us */
} HandoffRoute;

static HandoffRoute *
route_ref (HandoffRoute *route)
{
  g_atomic_int_inc (&route->ref_count);
  return route;
}

static void
route_unref (HandoffRoute *route)
{
  if (!g_atomic_int_dec_and_test (&route->ref_count))
    return;

  g_assert (g_queue_is_empty (&route->parked));
  g_queue_clear_full (&route->ring, g_free);
  g_mutex_clear (&route->lock);
  g_free (route);
}

/* The route's data lives as long as the SoupServer. */
static void
route_dispose (gpointer data)
{
  HandoffRoute *route = data;

  g_clear_handle_id (&route->purge_id, g_source_remove);
  route_unref (route);
}

static HandoffRoute *
route_get (SpServer *server)
{
  return g_object_get_data (G_OBJECT (sp_server_get_soup (server)), ROUTE_KEY);
}

/* -- texts for citizens (both languages, chosen per request) ----------------- */

typedef struct {
  const char *de;
  const char *en;
} Text;

static const Text text_waiting = {
  "Sie werden mit einer Mitarbeiterin oder einem Mitarbeiter verbunden. Bitte haben Sie einen Moment Geduld.",
  "We are connecting you with a member of staff. Please wait a moment.",
};
static const Text text_closed_hours = {
  "Gerade ist niemand im Dienst.",
  "Nobody is on duty right now.",
};
static const Text text_back_at = {
  "Wir sind wieder da am %s.",
  "We are back on %s.",
};
static const Text text_offer_callback = {
  "Sie können einen Rückruf anfordern.",
  "You can request a call back.",
};
static const Text text_callback_done = {
  "Vielen Dank, Ihr Anliegen ist eingegangen. Rückruf innerhalb von %d Stunden.",
  "Thank you, we have received your request. We will call you back within %d hours.",
};
static const Text text_conversation_closed = {
  "Das Gespräch wurde beendet.",
  "The conversation has ended.",
};

static const char * const weekdays_de[] = {
  NULL, "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
};
static const char * const weekdays_en[] = {
  NULL, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char * const months_de[] = {
  NULL, "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
  "September", "Oktober", "November", "Dezember",
};
static const char * const months_en[] = {
  NULL, "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
};

static const char *
tr (const Text *text,
    const char *lang)
{
  return g_strcmp0 (lang, "en") == 0 ? text->en : text->de;
}

/* "Montag, 30. November, 08:00 Uhr" / "Monday, 30 November, 08:00". */
static char *
format_local_time (GDateTime  *at,
                   const char *lang)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (at, sp_city_time_zone ());
  int wd = g_date_time_get_day_of_week (local);
  int month = g_date_time_get_month (local);

  if (g_strcmp0 (lang, "en") == 0)
    return g_strdup_printf ("%s, %d %s, %02d:%02d", weekdays_en[wd],
                            g_date_time_get_day_of_month (local), months_en[month],
                            g_date_time_get_hour (local), g_date_time_get_minute (local));

  return g_strdup_printf ("%s, %d. %s, %02d:%02d Uhr", weekdays_de[wd],
                          g_date_time_get_day_of_month (local), months_de[month],
                          g_date_time_get_hour (local), g_date_time_get_minute (local));
}

/* -- validation --------------------------------------------------------------- */

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != ID_HEX_LEN)
    return FALSE;
  for (guint i = 0; i < ID_HEX_LEN; i++)
    {
      if (!g_ascii_isxdigit (id[i]) || g_ascii_isupper (id[i]))
        return FALSE;
    }
  return TRUE;
}

static char *
new_conversation_id (void)
{
  guint8 bytes[ID_HEX_LEN / 2];
  char *hex = g_malloc (ID_HEX_LEN + 1);

  randombytes_buf (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

static JsonObject *
body_object (JsonNode  *body,
             GError   **error)
{
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "Expected a JSON object");
      return NULL;
    }
  return json_node_get_object (body);
}

/* The member @name as a stripped string of @min..@max characters. */
static char *
text_member (JsonObject  *object,
             const char  *name,
             guint        min_chars,
             guint        max_chars,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *text = NULL;
  glong chars;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected a text", name);
      return NULL;
    }

  text = g_strstrip (g_strdup (json_node_get_string (node)));
  chars = g_utf8_strlen (text, -1);
  if (chars < (glong) min_chars || chars > (glong) max_chars)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected %u to %u characters", name, min_chars, max_chars);
      return NULL;
    }

  return g_steal_pointer (&text);
}

/* Optional member @name from @allowed (NULL-terminated), else @fallback. */
static const char *
choice_member (JsonObject          *object,
               const char          *name,
               const char * const  *allowed,
               GError             **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return allowed[0];

  value = sp_json_get_string (object, name);
  for (guint i = 0; value != NULL && allowed[i] != NULL; i++)
    {
      if (strcmp (value, allowed[i]) == 0)
        return allowed[i];
    }

  g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected “%s” or “%s”",
               name, allowed[0], allowed[1]);
  return NULL;
}

static const char * const languages[] = { "de", "en", NULL };
static const char * const channels[] = { "chat", "voice", NULL };

/* -- replies ---------------------------------------------------------------------- */

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
error_node (const char *slug,
            const char *message)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "error", slug);
  json_object_set_string_member (o, "message", message);
  return object_node (o);
}

/* -- KPIs ----------------------------------------------------------------------- */

/* Hand-offs and call backs are counted here, where they are created; the
 * bot's route counts interactions and answers. */
static void
count_kpi (SpServer   *server,
           const char *channel,
           gboolean    callback)
{
  sp_bot_kpi_count (server, channel, callback ? SP_BOT_EVENT_CALLBACK : SP_BOT_EVENT_HANDOFF);
}

/* -- events and long-polls (main thread) ------------------------------------------- */

typedef struct {
  HandoffRoute      *route;
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;      /* the client went away */
  gboolean           parked;
  gboolean           final;         /* answer whatever the next query gives */
  guint              timeout_id;
  gint64             deadline;      /* monotonic us */
  guint64            seq_at_query;

  /* Citizen poll: conversation and message id; staff poll: NULL and the
   * cursor. */
  char              *conversation;
  gint64             after;
  char              *known_state;

  /* Staff poll: what the current query looks up. */
  GStrv              ids;
  gboolean           reset;
  guint64            cursor;
} Waiter;

static void start_query (Waiter *waiter);

static void
waiter_free (Waiter *waiter)
{
  HandoffRoute *route = waiter->route;

  g_assert (!waiter->parked);
  if (waiter->finished_id != 0)
    g_signal_handler_disconnect (waiter->msg, waiter->finished_id);
  g_clear_object (&waiter->msg);
  g_free (waiter->conversation);
  g_free (waiter->known_state);
  g_strfreev (waiter->ids);
  g_free (waiter);
  route->n_waiters--;
  route_unref (route);
}

static void
unpark (Waiter *waiter)
{
  if (!waiter->parked)
    return;
  g_queue_remove (&waiter->route->parked, waiter);
  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  waiter->parked = FALSE;
}

static gboolean
waiter_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timeout_id = 0;
  unpark (waiter);
  waiter->final = TRUE;
  start_query (waiter);
  return G_SOURCE_REMOVE;
}

static void
park (Waiter *waiter)
{
  gint64 remaining = waiter->deadline - g_get_monotonic_time ();

  if (remaining <= 0)
    {
      waiter->final = TRUE;
      start_query (waiter);
      return;
    }

  waiter->parked = TRUE;
  g_queue_push_tail (&waiter->route->parked, waiter);
  waiter->timeout_id = g_timeout_add ((guint) MAX (remaining / 1000, 1), waiter_timeout, waiter);
}

static void
waiter_msg_finished (SoupServerMessage *msg,
                     Waiter            *waiter)
{
  waiter->finished = TRUE;
  if (waiter->parked)
    {
      unpark (waiter);
      waiter_free (waiter);
    }
  /* else a query runs; its callback frees the waiter. */
}

static void
waiter_reply (Waiter    *waiter,
              guint      status,
              JsonNode  *node)
{
  sp_server_reply_json (waiter->msg, status, node);
  soup_server_message_unpause (waiter->msg);
  waiter_free (waiter);
}

/* Staff cursor: the conversations changed after it (main thread). */
static void
staff_lookup (Waiter *waiter)
{
  HandoffRoute *route = waiter->route;
  guint64 after = (guint64) MAX (waiter->after, 0);
  Event *oldest = g_queue_peek_head (&route->ring);
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  g_clear_pointer (&waiter->ids, g_strfreev);
  waiter->cursor = route->seq;

  /* 0, a cursor of an earlier run or from the future, or older than what
   * the ring remembers: the client reloads. */
  if (after < route->seq_base || after > route->seq ||
      (oldest != NULL && after + 1 < oldest->seq))
    {
      waiter->reset = TRUE;
      return;
    }
  waiter->reset = FALSE;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  ids = g_ptr_array_new ();
  for (GList *l = route->ring.tail; l != NULL; l = l->prev)
    {
      Event *event = l->data;

      if (event->seq <= after)
        break;
      if (g_hash_table_add (seen, event->id))
        g_ptr_array_add (ids, g_strdup (event->id));
    }
  if (ids->len > 0)
    {
      g_ptr_array_add (ids, NULL);
      waiter->ids = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
    }
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Waiter *waiter = task_data;
  SpStorage *storage = sp_server_get_storage (waiter->route->server);
  GError *error = NULL;
  JsonNode *node;

  if (waiter->conversation != NULL)
    node = sp_storage_handoff_messages (storage, waiter->conversation, waiter->after, &error);
  else
    node = sp_storage_handoff_list (storage, waiter->reset ? "open" : NULL,
                                    waiter->reset ? NULL : (const char * const *) waiter->ids,
                                    &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static gboolean
citizen_ready (Waiter   *waiter,
               JsonNode *node)
{
  JsonObject *o = json_node_get_object (node);
  const char *state = sp_json_get_string (o, "state");

  return json_array_get_length (json_object_get_array_member (o, "messages")) > 0 ||
         g_strcmp0 (state, "closed") == 0 ||
         (waiter->known_state != NULL && g_strcmp0 (state, waiter->known_state) != 0);
}

static void
query_done (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Waiter *waiter = user_data;
  HandoffRoute *route = waiter->route;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean ready;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  _sp_server_release (route->server);

  if (waiter->finished || route->shutting_down)
    {
      waiter_free (waiter);
      return;
    }

  if (error != NULL)
    {
      sp_server_reply_error (waiter->msg, error);
      soup_server_message_unpause (waiter->msg);
      waiter_free (waiter);
      return;
    }

  if (waiter->conversation != NULL)
    ready = citizen_ready (waiter, node);
  else
    {
      JsonObject *o = json_node_get_object (node);

      json_object_set_int_member (o, "cursor", (gint64) waiter->cursor);
      json_object_set_boolean_member (o, "reset", waiter->reset);
      ready = TRUE;
    }

  if (ready || waiter->final)
    waiter_reply (waiter, SOUP_STATUS_OK, node);
  else if (route->seq != waiter->seq_at_query)
    start_query (waiter);       /* something changed while we looked */
  else
    park (waiter);
}

static void
start_query (Waiter *waiter)
{
  HandoffRoute *route = waiter->route;
  g_autoptr(GTask) task = NULL;

  waiter->seq_at_query = route->seq;

  if (waiter->conversation == NULL)
    {
      staff_lookup (waiter);
      if (!waiter->reset && waiter->ids == NULL)
        {
          /* Nothing new for the inbox: no need to ask the storage. */
          if (waiter->final)
            {
              JsonObject *o = json_object_new ();

              json_object_set_array_member (o, "conversations", json_array_new ());
              json_object_set_int_member (o, "cursor", (gint64) waiter->cursor);
              json_object_set_boolean_member (o, "reset", FALSE);
              waiter_reply (waiter, SOUP_STATUS_OK, object_node (o));
            }
          else
            park (waiter);
          return;
        }
    }

  _sp_server_hold (route->server);
  task = g_task_new (NULL, NULL, query_done, waiter);
  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, waiter, NULL);
  g_task_run_in_thread (task, query_thread);
}

static guint
waiters_on (HandoffRoute *route,
            const char   *conversation)
{
  guint n = 0;

  for (GList *l = route->parked.head; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      if (g_strcmp0 (waiter->conversation, conversation) == 0)
        n++;
    }
  return n;
}

/* Holds @msg until something happens (or 25 s). @conversation NULL: the
 * staff inbox. */
static void
long_poll (HandoffRoute      *route,
           SoupServerMessage *msg,
           const char        *conversation,
           gint64             after,
           const char        *known_state)
{
  Waiter *waiter;

  if (route->n_waiters >= MAX_WAITERS ||
      (conversation != NULL && waiters_on (route, conversation) >= MAX_WAITERS_PER_CONV))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "5");
      _sp_server_reply_error_literal (msg, 429, sp_error_slug (SP_ERROR_RATE_LIMITED),
                                      "Too many waiting requests, please retry in a few seconds");
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->route = route_ref (route);
  waiter->msg = g_object_ref (msg);
  waiter->conversation = g_strdup (conversation);
  waiter->after = after;
  waiter->known_state = g_strdup (known_state);
  waiter->deadline = g_get_monotonic_time () + POLL_SECONDS * G_USEC_PER_SEC;
  waiter->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (waiter_msg_finished), waiter);
  route->n_waiters++;

  soup_server_message_pause (msg);
  start_query (waiter);
}

typedef struct {
  HandoffRoute *route;
  char         *id;
} Notify;

static void
notify_free (Notify *notify)
{
  route_unref (notify->route);
  g_free (notify->id);
  g_free (notify);
}

static gboolean
notify_main (gpointer user_data)
{
  Notify *notify = user_data;
  HandoffRoute *route = notify->route;
  Event *event = g_new0 (Event, 1);
  GList *l;

  event->seq = ++route->seq;
  g_strlcpy (event->id, notify->id, sizeof event->id);
  g_queue_push_tail (&route->ring, event);
  while (g_queue_get_length (&route->ring) > RING_SIZE)
    g_free (g_queue_pop_head (&route->ring));

  /* Wake the staff inbox and the citizen of this conversation. */
  l = route->parked.head;
  while (l != NULL)
    {
      Waiter *waiter = l->data;

      l = l->next;
      if (waiter->conversation == NULL || strcmp (waiter->conversation, notify->id) == 0)
        {
          unpark (waiter);
          start_query (waiter);
        }
    }

  return G_SOURCE_REMOVE;
}

void
sp_handoff_notify (SpServer   *server,
                   const char *id)
{
  HandoffRoute *route;
  Notify *notify;
  GSource *source;

  g_return_if_fail (server != NULL);
  g_return_if_fail (id_is_valid (id));

  if ((route = route_get (server)) == NULL)
    return;

  notify = g_new0 (Notify, 1);
  notify->route = route_ref (route);
  notify->id = g_strdup (id);

  /* Always on the main loop's thread, never in the caller's (which
   * g_main_context_invoke() would do when the context is free, e.g. while
   * the server shuts down). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, notify_main, notify, (GDestroyNotify) notify_free);
  g_source_attach (source, NULL);
  g_source_unref (source);
}

void
sp_route_handoff_shutdown (SpServer *server)
{
  HandoffRoute *route;
  Waiter *waiter;

  g_return_if_fail (server != NULL);

  if ((route = route_get (server)) == NULL)
    return;

  /* The server has closed every connection already (soup_server_
   * disconnect): drop the held requests without an answer, so that their
   * messages go away now; clients poll again when the server is back. */
  route->shutting_down = TRUE;
  g_clear_handle_id (&route->purge_id, g_source_remove);
  while ((waiter = g_queue_peek_head (&route->parked)) != NULL)
    {
      unpark (waiter);
      waiter_free (waiter);
    }
}

/* -- citizen endpoints (work functions run in a worker) ----------------------------- */

static gboolean
take_create_token (HandoffRoute *route)
{
  gint64 now = g_get_monotonic_time ();
  gboolean ok;

  g_mutex_lock (&route->lock);
  route->create_tokens = MIN ((double) CREATE_PER_MINUTE,
                              route->create_tokens +
                              (now - route->create_refill) / (60.0 * G_USEC_PER_SEC) * CREATE_PER_MINUTE);
  route->create_refill = now;
  ok = route->create_tokens >= 1.0;
  if (ok)
    route->create_tokens -= 1.0;
  g_mutex_unlock (&route->lock);

  if (!ok)
    g_debug ("Hand-off creation budget exhausted");
  return ok;
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonNode *
handoff_create_work (SpServer     *server,
                     SpPrincipal  *principal,
                     JsonNode     *body,
                     GHashTable   *query,
                     guint        *status,
                     GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  g_autoptr(SpOfficeHours) hours = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *question = NULL;
  g_autofree char *id = NULL;
  JsonObject *root, *answer;
  const char *lang;
  const char *session;

  if (!(root = body_object (body, error)) ||
      !(question = text_member (root, "question", 1, MAX_TEXT_CHARS, error)) ||
      !(lang = choice_member (root, "lang", languages, error)))
    return NULL;

  /* The widget's session is only checked, never stored. */
  session = sp_json_get_string (root, "session");
  if ((json_object_has_member (root, "session") && session == NULL) ||
      (session != NULL && strlen (session) > MAX_SESSION_BYTES))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "session: expected a text of at most %d bytes",
                   MAX_SESSION_BYTES);
      return NULL;
    }

  if (!(hours = sp_storage_office_hours (storage, error)))
    return NULL;

  if (!sp_office_hours_is_open (hours, now))
    {
      g_autoptr(GDateTime) next = sp_office_hours_next_open (hours, now);
      g_autoptr(GString) message = g_string_new (tr (&text_closed_hours, lang));
      JsonObject *o = json_object_new ();

      if (next != NULL)
        {
          g_autofree char *when = format_local_time (next, lang);

          g_string_append_c (message, ' ');
          g_string_append_printf (message, tr (&text_back_at, lang), when);
        }
      g_string_append_c (message, ' ');
      g_string_append (message, tr (&text_offer_callback, lang));

      json_object_set_string_member (o, "error", "closed_hours");
      json_object_set_string_member (o, "message", message->str);
      if (next != NULL)
        {
          g_autofree char *iso = g_date_time_format (next, "%FT%T%:z");
          json_object_set_string_member (o, "next_open", iso);
        }
      else
        json_object_set_null_member (o, "next_open");
      json_object_set_boolean_member (o, "callback", TRUE);
      *status = SOUP_STATUS_CONFLICT;
      return object_node (o);
    }

  if (!take_create_token (route_get (server)))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_RATE_LIMITED,
                           "Too many requests, please try again in a minute");
      return NULL;
    }

  id = new_conversation_id ();
  if (!sp_storage_handoff_create (storage, id, "chat", "chat", lang, question, NULL,
                                  now_unix (), error))
    return NULL;
  count_kpi (server, "chat", FALSE);
  sp_handoff_notify (server, id);

  answer = json_object_new ();
  json_object_set_string_member (answer, "conversation", id);
  json_object_set_string_member (answer, "state", "waiting");
  json_object_set_string_member (answer, "message", tr (&text_waiting, lang));
  *status = SOUP_STATUS_CREATED;
  return object_node (answer);
}

static int
callback_hours (SpStorage *storage)
{
  g_autofree char *value = sp_storage_bot_setting (storage, "callback_hours");
  gint64 hours;

  if (value != NULL && g_ascii_string_to_signed (g_strstrip (value), 10, 1, 24 * 30, &hours, NULL))
    return (int) hours;
  return CALLBACK_HOURS_DEFAULT;
}

char *
sp_handoff_request_callback (SpServer    *server,
                             const char  *channel,
                             const char  *language,
                             const char  *question,
                             const char  *contact,
                             GError     **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (g_strv_contains (channels, channel), NULL);
  g_return_val_if_fail (g_strv_contains (languages, language), NULL);
  g_return_val_if_fail (contact != NULL, NULL);

  if (!take_create_token (route_get (server)))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_RATE_LIMITED,
                           "Too many requests, please try again in a minute");
      return NULL;
    }

  id = new_conversation_id ();
  /* A voice caller may leave no question, only the number. */
  if (!sp_storage_handoff_create (sp_server_get_storage (server), id, "callback", channel,
                                  language, question ? question : "", contact, now_unix (), error))
    return NULL;
  count_kpi (server, channel, TRUE);
  sp_handoff_notify (server, id);

  return g_steal_pointer (&id);
}

static JsonNode *
callback_work (SpServer     *server,
               SpPrincipal  *principal,
               JsonNode     *body,
               GHashTable   *query,
               guint        *status,
               GError      **error)
{
  g_autofree char *question = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = NULL;
  JsonObject *root, *answer;
  JsonNode *consent;
  const char *lang, *channel;
  int hours;

  if (!(root = body_object (body, error)))
    return NULL;

  /* Contact data only with explicit consent: literally true. */
  consent = json_object_get_member (root, "consent");
  if (consent == NULL || !JSON_NODE_HOLDS_VALUE (consent) ||
      json_node_get_value_type (consent) != G_TYPE_BOOLEAN || !json_node_get_boolean (consent))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "consent: the citizen must agree (true) before contact data is stored");
      return NULL;
    }

  if (!(question = text_member (root, "question", 1, MAX_TEXT_CHARS, error)) ||
      !(contact = text_member (root, "contact", MIN_CONTACT_CHARS, MAX_CONTACT_CHARS, error)) ||
      !(lang = choice_member (root, "lang", languages, error)) ||
      !(channel = choice_member (root, "channel", channels, error)))
    return NULL;

  if (!(id = sp_handoff_request_callback (server, channel, lang, question, contact, error)))
    return NULL;

  hours = callback_hours (sp_server_get_storage (server));
  message = g_strdup_printf (tr (&text_callback_done, lang), hours);

  answer = json_object_new ();
  json_object_set_string_member (answer, "conversation", id);
  json_object_set_string_member (answer, "state", "waiting");
  json_object_set_int_member (answer, "callback_hours", hours);
  json_object_set_string_member (answer, "message", message);
  *status = SOUP_STATUS_CREATED;
  return object_node (answer);
}

/* The conversation id of a request, passed from the handler in the query
 * table (a copy; the worker cannot see the path). */
#define ID_KEY "sp-conversation"
#define USER_KEY "sp-staff-user"

static GHashTable *
id_query (const char *id)
{
  GHashTable *q = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (q, (gpointer) ID_KEY, g_strdup (id));
  return q;
}

static JsonNode *
add_message (SpServer     *server,
             const char   *id,
             const char   *sender,
             const char   *staff_user,
             JsonNode     *body,
             guint        *status,
             GError      **error)
{
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;
  JsonObject *root, *answer;
  gint64 message_id;
  GError *local_error = NULL;

  if (!(root = body_object (body, error)) ||
      !(text = text_member (root, "text", 1, MAX_TEXT_CHARS, error)))
    return NULL;

  message_id = sp_storage_handoff_add_message (sp_server_get_storage (server), id, sender,
                                               staff_user, text, now_unix (),
                                               staff_user ? STAFF_PER_MINUTE : CITIZEN_PER_MINUTE,
                                               &state, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (message_id == 0)
    {
      /* Closed: nothing stored. */
      *status = SOUP_STATUS_CONFLICT;
      if (staff_user != NULL)
        return error_node ("closed", "This conversation is closed");
      {
        g_autofree char *both = g_strdup_printf ("%s / %s", text_conversation_closed.de,
                                                 text_conversation_closed.en);
        return error_node ("closed", both);
      }
    }

  sp_handoff_notify (server, id);

  answer = json_object_new ();
  json_object_set_int_member (answer, "id", message_id);
  json_object_set_string_member (answer, "state", state);
  *status = SOUP_STATUS_CREATED;
  return object_node (answer);
}

static JsonNode *
citizen_message_work (SpServer     *server,
                      SpPrincipal  *principal,
                      JsonNode     *body,
                      GHashTable   *query,
                      guint        *status,
                      GError      **error)
{
  return add_message (server, g_hash_table_lookup (query, ID_KEY), "citizen", NULL,
                      body, status, error);
}

/* Splits "/PREFIX/ID/rest" into ID and rest ("" when none); FALSE when the
 * path does not have that shape. */
static gboolean
split_id_path (const char  *path,
               const char  *prefix,
               char       **id,
               const char **rest)
{
  const char *p, *slash;

  if (!g_str_has_prefix (path, prefix) || path[strlen (prefix)] != '/')
    return FALSE;
  p = path + strlen (prefix) + 1;
  slash = strchr (p, '/');
  *id = slash ? g_strndup (p, slash - p) : g_strdup (p);
  *rest = slash ? slash + 1 : "";
  return TRUE;
}

/* The ?after= of @query (missing or empty: 0); FALSE when it is not a
 * non-negative integer. */
static gboolean
parse_after (GHashTable  *query,
             gint64      *after)
{
  const char *value = query ? g_hash_table_lookup (query, "after") : NULL;
  guint64 n = 0;

  *after = 0;
  if (value == NULL || *value == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &n, NULL))
    return FALSE;
  *after = (gint64) n;
  return TRUE;
}

/* GET .../events?after=N of conversation @id (NULL: all, for staff):
 * 405 with @allow for other methods, 400 for a bad after, else the
 * long-poll. */
static void
events_request (HandoffRoute      *route,
                SoupServerMessage *msg,
                GHashTable        *query,
                const char        *id,
                const char        *state,
                const char        *allow)
{
  gint64 after;

  if (!_sp_server_require_method (msg, "GET", allow))
    return;
  if (!parse_after (query, &after))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST, sp_error_slug (SP_ERROR_INVALID),
                                      "after: expected a non-negative integer");
      return;
    }
  long_poll (route, msg, id, after, state);
}

static void
reply_unknown_conversation (SoupServerMessage *msg)
{
  _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, sp_error_slug (SP_ERROR_NOT_FOUND),
                                  "No such conversation");
}

/* The id and the rest of "PREFIX/ID[/rest]"; answers 404 and returns FALSE
 * for other paths and malformed ids. */
static gboolean
conversation_path (SoupServerMessage  *msg,
                   const char         *path,
                   const char         *prefix,
                   char              **id,
                   const char        **rest)
{
  if (!split_id_path (path, prefix, id, rest))
    {
      _sp_server_reply_api_not_found (msg);
      return FALSE;
    }
  if (!id_is_valid (*id))
    {
      reply_unknown_conversation (msg);
      return FALSE;
    }
  return TRUE;
}

static void
citizen_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  HandoffRoute *route = user_data;
  SpServer *server = route->server;
  g_autofree char *id = NULL;
  const char *rest;
  JsonNode *body;

  if (strcmp (path, CITIZEN_CALLBACK_PATH) == 0 || strcmp (path, CITIZEN_HANDOFF_PATH) == 0)
    {
      if (!_sp_server_require_method (msg, "POST", "POST, OPTIONS"))
        return;
      if (!(body = _sp_server_require_json_body (msg, MAX_PUBLIC_BODY)))
        return;
      sp_server_defer (server, msg, NULL, body, NULL,
                       strcmp (path, CITIZEN_CALLBACK_PATH) == 0 ? callback_work : handoff_create_work);
      return;
    }

  if (!conversation_path (msg, path, CITIZEN_HANDOFF_PATH, &id, &rest))
    return;

  if (strcmp (rest, "messages") == 0)
    {
      g_autoptr(GHashTable) q = NULL;

      if (!_sp_server_require_method (msg, "POST", "POST, OPTIONS"))
        return;
      if (!(body = _sp_server_require_json_body (msg, MAX_PUBLIC_BODY)))
        return;
      q = id_query (id);
      sp_server_defer (server, msg, NULL, body, q, citizen_message_work);
      return;
    }

  if (strcmp (rest, "events") == 0)
    {
      const char *state = query ? g_hash_table_lookup (query, "state") : NULL;

      if (state != NULL && strcmp (state, "waiting") != 0 && strcmp (state, "active") != 0 &&
          strcmp (state, "closed") != 0)
        state = NULL;
      events_request (route, msg, query, id, state, "GET, OPTIONS");
      return;
    }

  _sp_server_reply_api_not_found (msg);
}

/* -- staff endpoints ------------------------------------------------------------ */

static JsonNode *
staff_list_work (SpServer     *server,
                 SpPrincipal  *principal,
                 JsonNode     *body,
                 GHashTable   *query,
                 guint        *status,
                 GError      **error)
{
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;

  if (state != NULL && *state == '\0')
    state = NULL;
  return sp_storage_handoff_list (sp_server_get_storage (server), state, NULL, error);
}

static JsonNode *
staff_get_work (SpServer     *server,
                SpPrincipal  *principal,
                JsonNode     *body,
                GHashTable   *query,
                guint        *status,
                GError      **error)
{
  return sp_storage_handoff_get (sp_server_get_storage (server),
                                 g_hash_table_lookup (query, ID_KEY), error);
}

static JsonNode *
staff_message_work (SpServer     *server,
                    SpPrincipal  *principal,
                    JsonNode     *body,
                    GHashTable   *query,
                    guint        *status,
                    GError      **error)
{
  return add_message (server, g_hash_table_lookup (query, ID_KEY), "staff", principal->name,
                      body, status, error);
}

static JsonNode *
staff_close_work (SpServer     *server,
                  SpPrincipal  *principal,
                  JsonNode     *body,
                  GHashTable   *query,
                  guint        *status,
                  GError      **error)
{
  const char *id = g_hash_table_lookup (query, ID_KEY);
  gboolean was_closed = FALSE;
  JsonObject *answer;

  if (!sp_storage_handoff_close (sp_server_get_storage (server), id, now_unix (),
                                 &was_closed, error))
    return NULL;
  if (!was_closed)
    sp_handoff_notify (server, id);

  answer = json_object_new ();
  json_object_set_string_member (answer, "id", id);
  json_object_set_string_member (answer, "state", "closed");
  return object_node (answer);
}

static const char * const list_states[] = { "waiting", "active", "closed", "open", NULL };

static void
staff_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  HandoffRoute *route = user_data;
  SpServer *server = route->server;
  g_autoptr(SpPrincipal) principal = NULL;
  g_autoptr(GHashTable) q = NULL;
  g_autofree char *id = NULL;
  const char *rest;
  JsonNode *body = NULL;

  if (!(principal = _sp_server_require_roles (server, msg, STAFF_ROLES,
                                              "Only editors and administrators answer hand-offs")))
    return;

  if (strcmp (path, STAFF_EVENTS) == 0)
    {
      events_request (route, msg, query, NULL, NULL, "GET");
      return;
    }

  if (strcmp (path, STAFF_CONVERSATIONS) == 0 || strcmp (path, STAFF_CONVERSATIONS "/") == 0)
    {
      const char *state = query ? g_hash_table_lookup (query, "state") : NULL;

      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      if (state != NULL && *state != '\0' && !g_strv_contains (list_states, state))
        {
          _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST, sp_error_slug (SP_ERROR_INVALID),
                                          "state: expected waiting, active, closed or open");
          return;
        }
      sp_server_defer (server, msg, NULL, NULL, query, staff_list_work);
      return;
    }

  if (!conversation_path (msg, path, STAFF_CONVERSATIONS, &id, &rest))
    return;
  q = id_query (id);

  if (*rest == '\0')
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      sp_server_defer (server, msg, NULL, NULL, q, staff_get_work);
      return;
    }

  if (strcmp (rest, "messages") == 0 || strcmp (rest, "close") == 0)
    {
      gboolean close = strcmp (rest, "close") == 0;

      if (!_sp_server_require_method (msg, "POST", "POST"))
        return;
      if (!close && !(body = _sp_server_require_json_body (msg, MAX_PUBLIC_BODY)))
        return;
      sp_server_defer (server, msg, g_steal_pointer (&principal), body, q,
                       close ? staff_close_work : staff_message_work);
      return;
    }

  _sp_server_reply_api_not_found (msg);
}

/* -- retention ----------------------------------------------------------------- */

static gint64
purge_now (SpStorage *storage)
{
  g_autoptr(GError) error = NULL;
  gint64 n;

  n = sp_storage_handoff_purge (storage, now_unix () - (gint64) retention_days * 24 * 3600, &error);
  if (n < 0)
    g_warning ("Cannot delete old hand-off conversations: %s", error->message);
  else if (n > 0)
    g_message ("Deleted %" G_GINT64_FORMAT " hand-off conversations idle for more than %u days",
               n, retention_days);
  return n;
}

static void
purge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  HandoffRoute *route = task_data;

  purge_now (sp_server_get_storage (route->server));
  g_task_return_boolean (task, TRUE);
}

static void
purge_done (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HandoffRoute *route = user_data;

  _sp_server_release (route->server);
  route_unref (route);
}

static gboolean
purge_tick (gpointer user_data)
{
  HandoffRoute *route = user_data;
  g_autoptr(GTask) task = NULL;

  _sp_server_hold (route->server);
  task = g_task_new (NULL, NULL, purge_done, route_ref (route));
  g_task_set_source_tag (task, purge_tick);
  g_task_set_task_data (task, route, NULL);
  g_task_run_in_thread (task, purge_thread);

  return G_SOURCE_CONTINUE;
}

void
sp_route_handoff_set_retention_days (guint days)
{
  g_return_if_fail (days >= 1 && days <= 3650);

  retention_days = days;
}

/* -- registration ---------------------------------------------------------------- */

void
sp_route_handoff_register (SpServer *server)
{
  SoupServer *soup;
  HandoffRoute *route;

  g_return_if_fail (server != NULL);

  soup = sp_server_get_soup (server);
  route = g_new0 (HandoffRoute, 1);
  route->server = server;
  route->ref_count = 1;
  g_queue_init (&route->parked);
  g_queue_init (&route->ring);
  route->seq_base = (guint64) (g_get_real_time () / 1000);
  route->seq = route->seq_base;
  g_mutex_init (&route->lock);
  route->create_tokens = CREATE_PER_MINUTE;
  route->create_refill = g_get_monotonic_time ();

  /* Retention: once now (before the first request), then hourly. */
  purge_now (sp_server_get_storage (server));
  route->purge_id = g_timeout_add_seconds (PURGE_INTERVAL_SECONDS, purge_tick, route);

  g_object_set_data_full (G_OBJECT (soup), ROUTE_KEY, route, route_dispose);

  soup_server_add_handler (soup, CITIZEN_HANDOFF_PATH, citizen_handler, route, NULL);
  soup_server_add_handler (soup, CITIZEN_CALLBACK_PATH, citizen_handler, route, NULL);
  soup_server_add_handler (soup, STAFF_PATH, staff_handler, route, NULL);
}
