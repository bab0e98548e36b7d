/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-feedback"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp-route-feedback.h"

#include "sp-bot-cors.h"
#include "sp-error.h"
#include "sp-feedback-store.h"
#include "sp-json-util.h"
#include "sp-server-private.h"

#define FEEDBACK_PATH        "/api/v1/feedback"
#define STATS_NAME           "stats"
#define FOLLOWUP_SUFFIX      "/text"
#define ROUTE_KEY            "sp-route-feedback"
#define EDITOR_ROLES         "editor,admin"

#define MAX_PUBLIC_BODY      (16 * 1024)
#define RETENTION_SECONDS    3600

/* One rate limit for every way of sending feedback (JSON and Open311). */
#define RATE_BUCKET          "feedback"

static const char * const states[] = { "new", "in_progress", "answered", "closed", "spam" };
#define STATE_SPAM 4

typedef struct {
  SpServer *server;
  guint     retention_id;
} FeedbackRoute;

/* -- POST /api/v1/feedback ------------------------------------------------------- */

/* 400 {"error","message","field"}: "rejected" for the honeypot. */
static JsonNode *
invalid_node (guint      *status,
              const char *field,
              const char *message)
{
  JsonNode *node = _sp_server_error_node (status, SOUP_STATUS_BAD_REQUEST,
                                          g_strcmp0 (field, "website") == 0
                                            ? "rejected" : sp_error_slug (SP_ERROR_INVALID),
                                          message);

  sp_feedback_json_set_text (json_node_get_object (node), "field", field);
  return node;
}

static JsonNode *
create_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  g_autoptr(SpFeedbackInput) input = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *ticket = NULL;
  const char *field = NULL;
  JsonObject *o;

  input = sp_feedback_input_from_json (JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL,
                                       &field, &local_error);
  if (input == NULL)
    {
      return invalid_node (status, field, local_error->message);
    }

  if (!sp_feedback_store_add (sp_server_get_storage (server), input, now, &id, &ticket, &local_error))
    {
      if (!g_error_matches (local_error, SP_ERROR, SP_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return invalid_node (status, "service_id", local_error->message);
    }

  o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "ticket", ticket);
  *status = SOUP_STATUS_CREATED;
  return sp_json_object_node (o);
}

/* -- GET /api/v1/feedback/TICKET ----------------------------------------------------- */

static JsonNode *
ticket_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  g_autofree char *ticket = sp_feedback_ticket_normalize (g_hash_table_lookup (query, "ticket"));
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *updated = NULL;
  gboolean spam;
  JsonObject *o;

  if (ticket == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No feedback with this ticket");
      return NULL;
    }
  if (!(row = sp_storage_feedback_by_ticket (sp_server_get_storage (server), ticket, error)))
    return NULL;

  /* Spam looks like any closed feedback; it gets no reply. */
  spam = g_strcmp0 (json_object_get_string_member (row, "state"), "spam") == 0;
  updated = sp_feedback_hlc_time (json_object_get_string_member (row, "hlc"));

  o = json_object_new ();
  json_object_set_string_member (o, "ticket", ticket);
  json_object_set_string_member (o, "state",
                                 sp_feedback_public_state (json_object_get_string_member (row, "state")));
  sp_feedback_json_set_text (o, "created", json_object_get_string_member (row, "created"));
  sp_feedback_json_set_text (o, "updated", updated);
  sp_feedback_json_set_text (o, "reply", spam ? NULL : json_object_get_string_member (row, "reply"));
  sp_feedback_json_set_text (o, "replied", spam ? NULL : json_object_get_string_member (row, "replied"));
  sp_feedback_json_set_text (o, "service_id", json_object_get_string_member (row, "service_id"));
  json_object_set_member (o, "service_name",
                          json_node_copy (json_object_get_member (row, "service_name")));
  return sp_json_object_node (o);
}

/* -- POST /api/v1/feedback/TICKET/text ----------------------------------------------- */

/* A few words after a rating sent alone: {"text"}, validated like the text
 * of new feedback. */
static JsonNode *
followup_work (SpServer     *server,
               SpPrincipal  *principal,
               JsonNode     *body,
               GHashTable   *query,
               guint        *status,
               GError      **error)
{
  g_autofree char *ticket = sp_feedback_ticket_normalize (g_hash_table_lookup (query, "ticket"));
  g_autoptr(JsonObject) only_text = json_object_new ();
  g_autoptr(SpFeedbackInput) input = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  const char *field = NULL;
  JsonObject *o;

  if (JSON_NODE_HOLDS_OBJECT (body) && json_object_has_member (json_node_get_object (body), "text"))
    json_object_set_member (only_text, "text",
                            json_node_copy (json_object_get_member (json_node_get_object (body), "text")));
  if (!(input = sp_feedback_input_from_json (only_text, &field, &local_error)))
    return invalid_node (status, field, local_error->message);

  if (ticket == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No feedback with this ticket");
      return NULL;
    }
  if (!sp_feedback_store_add_text (sp_server_get_storage (server), ticket, input->text, now, error))
    return NULL;

  o = json_object_new ();
  json_object_set_string_member (o, "ticket", ticket);
  return sp_json_object_node (o);
}

/* -- GET /api/v1/feedback/stats ------------------------------------------------------- */

typedef struct {
  JsonNode   *service_id;
  JsonNode   *service_name;
  gint64      count;          /* without spam */
  gint64      states[G_N_ELEMENTS (states)];
  gint64      rating_sum;
  gint64      rated;
  GHashTable *weeks;          /* "2026-W48" -> count (GSIZE_TO_POINTER) */
} Tally;

static Tally *
tally_new (JsonObject *group)
{
  Tally *tally = g_new0 (Tally, 1);

  tally->weeks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (group != NULL)
    {
      const char *id = json_object_get_string_member (group, "service_id");

      tally->service_id = id && *id ? json_node_init_string (json_node_alloc (), id)
                                    : json_node_init_null (json_node_alloc ());
      tally->service_name = json_node_copy (json_object_get_member (group, "service_name"));
    }
  return tally;
}

static void
tally_free (Tally *tally)
{
  g_clear_pointer (&tally->service_id, json_node_unref);
  g_clear_pointer (&tally->service_name, json_node_unref);
  g_hash_table_unref (tally->weeks);
  g_free (tally);
}

static void
tally_add (Tally      *tally,
           guint       state,
           const char *week,
           gint64      count,
           gint64      rating_sum,
           gint64      rated)
{
  tally->states[state] += count;
  if (state == STATE_SPAM)
    return;

  tally->count += count;
  tally->rating_sum += rating_sum;
  tally->rated += rated;
  if (week != NULL)
    {
      gsize old = GPOINTER_TO_SIZE (g_hash_table_lookup (tally->weeks, week));

      g_hash_table_replace (tally->weeks, g_strdup (week), GSIZE_TO_POINTER (old + count));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The members every tally has: count, states, average_rating, rated, weeks. */
static void
tally_to_json (Tally      *tally,
               JsonObject *o)
{
  g_autofree gpointer *weeks = NULL;
  JsonObject *by_state = json_object_new ();
  JsonObject *by_week = json_object_new ();
  guint n_weeks = 0;

  json_object_set_int_member (o, "count", tally->count);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    json_object_set_int_member (by_state, states[i], tally->states[i]);
  json_object_set_object_member (o, "states", by_state);
  if (tally->rated > 0)
    json_object_set_double_member (o, "average_rating",
                                   round (100.0 * tally->rating_sum / tally->rated) / 100.0);
  else
    json_object_set_null_member (o, "average_rating");
  json_object_set_int_member (o, "rated", tally->rated);

  weeks = g_hash_table_get_keys_as_array (tally->weeks, &n_weeks);
  qsort (weeks, n_weeks, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_weeks; i++)
    json_object_set_int_member (by_week, weeks[i],
                                GPOINTER_TO_SIZE (g_hash_table_lookup (tally->weeks, weeks[i])));
  json_object_set_object_member (o, "weeks", by_week);
}

static int
compare_tallies (gconstpointer a,
                 gconstpointer b)
{
  const Tally *x = *(Tally * const *) a;
  const Tally *y = *(Tally * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (json_node_get_string (x->service_id), json_node_get_string (y->service_id));
}

/* "YYYY-MM-DD" (and nothing else) as a GDate; FALSE if it is none. */
static gboolean
parse_day (const char *text,
           GDate      *date)
{
  guint year, month, day;
  char tail;

  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3 ||
      text[4] != '-' || text[7] != '-' || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static JsonNode *
stats_work (SpServer     *server,
            SpPrincipal  *principal,
            JsonNode     *body,
            GHashTable   *query,
            guint        *status,
            GError      **error)
{
  const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
  const char *to = query ? g_hash_table_lookup (query, "to") : NULL;
  g_autoptr(GHashTable) services = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) tally_free);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(JsonArray) groups = NULL;
  g_autofree char *until = NULL;
  JsonArray *service_list = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node = sp_json_object_node (root);
  Tally *total = tally_new (NULL);

  if (from != NULL && *from == '\0')
    from = NULL;
  if (to != NULL && *to != '\0')
    {
      GDate day;

      parse_day (to, &day);
      g_date_add_days (&day, 1);
      until = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&day),
                               g_date_get_month (&day), g_date_get_day (&day));
    }
  else
    to = NULL;

  if (!(groups = sp_storage_feedback_stats (sp_server_get_storage (server), from, until, error)))
    {
      tally_free (total);
      json_node_unref (node);
      json_array_unref (service_list);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      const char *id = json_object_get_string_member (group, "service_id");
      const char *state = json_object_get_string_member (group, "state");
      g_autofree char *week = sp_feedback_iso_week (json_object_get_string_member (group, "day"));
      gint64 count = json_object_get_int_member (group, "count");
      gint64 sum = json_object_get_int_member (group, "rating_sum");
      gint64 rated = json_object_get_int_member (group, "rated");
      Tally *tally = g_hash_table_lookup (services, id);
      guint s;

      for (s = 0; s < G_N_ELEMENTS (states) && g_strcmp0 (states[s], state) != 0; s++)
        ;
      if (s == G_N_ELEMENTS (states))
        s = 0;   /* no or an unknown state: still new */

      if (tally == NULL)
        {
          tally = tally_new (group);
          g_hash_table_insert (services, (gpointer) json_object_get_string_member (group, "service_id"),
                               tally);
          g_ptr_array_add (sorted, tally);
        }
      tally_add (tally, s, week, count, sum, rated);
      tally_add (total, s, week, count, sum, rated);
    }

  g_ptr_array_sort (sorted, compare_tallies);
  for (guint i = 0; i < sorted->len; i++)
    {
      Tally *tally = g_ptr_array_index (sorted, i);
      JsonObject *o = json_object_new ();

      json_object_set_member (o, "service_id", json_node_ref (tally->service_id));
      json_object_set_member (o, "service_name", json_node_ref (tally->service_name));
      tally_to_json (tally, o);
      json_array_add_object_element (service_list, o);
    }

  sp_feedback_json_set_text (root, "from", from);
  sp_feedback_json_set_text (root, "to", to);
  tally_to_json (total, root);
  json_object_set_array_member (root, "services", service_list);
  tally_free (total);

  return node;
}

/* -- dispatch -------------------------------------------------------------------- */

static GHashTable *
single_query (const char *name,
              const char *value)
{
  GHashTable *q = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (q, (gpointer) name, g_strdup (value));
  return q;
}

static void
feedback_handler (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  FeedbackRoute *route = user_data;
  SpServer *server = route->server;
  const char *rest;

  if (strcmp (path, FEEDBACK_PATH) == 0 || strcmp (path, FEEDBACK_PATH "/") == 0)
    {
      JsonNode *body;

      if (!(body = _sp_server_require_public_post (server, msg, "POST, OPTIONS",
                                                   RATE_BUCKET, MAX_PUBLIC_BODY)))
        return;
      sp_server_defer (server, msg, NULL, body, NULL, create_work);
      return;
    }

  if (!g_str_has_prefix (path, FEEDBACK_PATH "/"))
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  rest = path + strlen (FEEDBACK_PATH "/");

  if (strcmp (rest, STATS_NAME) == 0)
    {
      SpPrincipal *principal;
      const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
      const char *to = query ? g_hash_table_lookup (query, "to") : NULL;
      GDate day;

      if (!_sp_server_require_method (msg, "GET", "GET") ||
          !(principal = _sp_server_require_roles (server, msg, EDITOR_ROLES,
                                                  "Only editors and administrators see feedback statistics")))
        return;
      if ((from != NULL && *from != '\0' && !parse_day (from, &day)) ||
          (to != NULL && *to != '\0' && !parse_day (to, &day)))
        {
          sp_principal_free (principal);
          _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST, sp_error_slug (SP_ERROR_INVALID),
                                          "from, to: expected a day YYYY-MM-DD");
          return;
        }
      sp_server_defer (server, msg, principal, NULL, query, stats_work);
      return;
    }

  if (g_str_has_suffix (rest, FOLLOWUP_SUFFIX) && strchr (rest, '/') == rest + strlen (rest) - strlen (FOLLOWUP_SUFFIX))
    {
      g_autofree char *ticket = g_strndup (rest, strlen (rest) - strlen (FOLLOWUP_SUFFIX));
      g_autoptr(GHashTable) q = single_query ("ticket", ticket);
      JsonNode *body;

      if (!(body = _sp_server_require_public_post (server, msg, "POST, OPTIONS",
                                                   RATE_BUCKET, MAX_PUBLIC_BODY)))
        return;
      sp_server_defer (server, msg, NULL, body, q, followup_work);
      return;
    }

  if (*rest == '\0' || strchr (rest, '/') != NULL)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (!_sp_server_require_method (msg, "GET", "GET, OPTIONS"))
    return;
  {
    g_autoptr(GHashTable) q = single_query ("ticket", rest);

    sp_server_defer (server, msg, NULL, NULL, q, ticket_work);
  }
}

/* The widget and form on other city sites post here: CORS for all but the
 * staff statistics. */
static gboolean
feedback_path_is_public (const char *path)
{
  return _sp_server_path_public_except (path, FEEDBACK_PATH, STATS_NAME);
}

/* -- contact retention ----------------------------------------------------------- */

static void
expire_contacts (SpStorage *storage)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  gint64 n = sp_feedback_store_expire_contacts (storage, now, &error);

  if (n < 0)
    g_warning ("Cannot clear old feedback contact data: %s", error->message);
  else if (n > 0)
    g_message ("Cleared contact data past its retention (%" G_GINT64_FORMAT " feedback rows and conflict records)",
               n);
}

static void
retention_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  expire_contacts (task_data);
}

static void
retention_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SpServer *server = user_data;

  _sp_server_release (server);
}

static gboolean
retention_tick (gpointer user_data)
{
  FeedbackRoute *route = user_data;
  g_autoptr(GTask) task = NULL;

  _sp_server_hold (route->server);
  task = g_task_new (NULL, NULL, retention_done, route->server);
  g_task_set_source_tag (task, retention_tick);
  g_task_set_task_data (task, sp_server_get_storage (route->server), NULL);
  g_task_run_in_thread (task, retention_thread);

  return G_SOURCE_CONTINUE;
}

static void
route_free (gpointer data)
{
  FeedbackRoute *route = data;

  g_clear_handle_id (&route->retention_id, g_source_remove);
  g_free (route);
}

/* -- registration ------------------------------------------------------------------ */

void
sp_route_feedback_register (SpServer *server)
{
  SoupServer *soup;
  FeedbackRoute *route;

  g_return_if_fail (server != NULL);

  soup = sp_server_get_soup (server);
  route = g_new0 (FeedbackRoute, 1);
  route->server = server;
  g_object_set_data_full (G_OBJECT (soup), ROUTE_KEY, route, route_free);

  /* Retention: once now, before the first request, then hourly. */
  expire_contacts (sp_server_get_storage (server));
  route->retention_id = g_timeout_add_seconds (RETENTION_SECONDS, retention_tick, route);

  soup_server_add_handler (soup, FEEDBACK_PATH, feedback_handler, route, NULL);
  sp_bot_cors_register_public (server, feedback_path_is_public);
}
