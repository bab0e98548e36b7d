/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-snapshot"

#include "config.h"

#include "sp-route-snapshot.h"

#include "sp-db.h"
#include "sp-error.h"
#include "sp-server-private.h"
#include "sp-snapshot-cache.h"

/* GET /api/v1/sync/snapshot?schema=N (bearer token)
 *   200 application/vnd.sqlite3: a whole client database file (schema
 *       version N) with the rows a first pull would give the caller, and
 *       in its meta the cursor to pull on from (also in the
 *       X-Stadtpult-Cursor header);
 *   404 "no_snapshot" when this server makes snapshots for another client
 *       schema version, or when the caller sees no more rows than one
 *       pull page (SP_SNAPSHOT_MIN_ROWS): the client pulls page by page.
 * An addition to the sync protocol, not a replacement: GET /api/v1/sync
 * from the start gives the same rows. */

#define SNAPSHOT_PATH "/api/v1/sync/snapshot"

typedef struct {
  SpServer        *server;
  SpSnapshotCache *cache;
} SnapshotRoute;

typedef struct {
  SnapshotRoute *route;
  SpPrincipal   *principal;
  GBytes        *file;
  char          *cursor;
  GError        *error;
} SnapshotJob;

static void
snapshot_route_free (SnapshotRoute *route)
{
  sp_snapshot_cache_free (route->cache);
  g_free (route);
}

static void
snapshot_job_free (SnapshotJob *job)
{
  g_clear_pointer (&job->principal, sp_principal_free);
  g_clear_pointer (&job->file, g_bytes_unref);
  g_free (job->cursor);
  g_clear_error (&job->error);
  g_free (job);
}

static void
snapshot_job_work (gpointer data)
{
  SnapshotJob *job = data;
  gboolean built = FALSE;
  gint64 t0 = g_get_monotonic_time ();

  job->file = sp_snapshot_cache_get (job->route->cache, job->principal, &job->cursor,
                                     &built, &job->error);
  if (job->file != NULL)
    sp_server_count_snapshot (job->route->server, built);
  if (built)
    g_message ("Made the sync snapshot for %s's roles in %.2f s (%" G_GSIZE_FORMAT " bytes)",
               job->principal->name, (g_get_monotonic_time () - t0) / 1e6,
               g_bytes_get_size (job->file));
}

static void
snapshot_job_reply (SoupServerMessage *msg,
                    gpointer           data)
{
  SnapshotJob *job = data;
  SoupMessageHeaders *headers;

  if (g_error_matches (job->error, SP_ERROR, SP_ERROR_NOT_FOUND))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, "no_snapshot",
                                      job->error->message);
      return;
    }
  if (job->error != NULL)
    {
      sp_server_reply_error (msg, job->error);
      return;
    }

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Content-Type", "application/vnd.sqlite3");
  /* the caller's data: no shared caches */
  soup_message_headers_replace (headers, "Cache-Control", "private, no-store");
  soup_message_headers_replace (headers, "X-Stadtpult-Cursor", job->cursor);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), job->file);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
snapshot_handler (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SnapshotRoute *route = user_data;
  g_autoptr(SpPrincipal) principal = NULL;
  const char *schema = query ? g_hash_table_lookup (query, "schema") : NULL;
  g_autofree char *wrong_schema = NULL;
  guint64 version = 0;
  SnapshotJob *job;

  if (g_strcmp0 (path, SNAPSHOT_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }
  if (!_sp_server_require_method (msg, "GET", "GET"))
    return;
  if (!(principal = _sp_server_require_roles (route->server, msg, NULL, NULL)))
    return;

  if (schema == NULL || !g_ascii_isdigit (*schema) ||
      !g_ascii_string_to_unsigned (schema, 10, 1, G_MAXINT, &version, NULL))
    {
      _sp_server_reply_error_literal (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                      "schema: expected the client's schema version, a whole number");
      return;
    }
  if ((int) version != sp_db_latest_version (SP_SCHEMA_CLIENT))
    {
      wrong_schema = g_strdup_printf ("This server makes snapshots for client schema version %d, "
                                      "not %d: pull from the start instead",
                                      sp_db_latest_version (SP_SCHEMA_CLIENT), (int) version);
      _sp_server_reply_error_literal (msg, SOUP_STATUS_NOT_FOUND, "no_snapshot", wrong_schema);
      return;
    }

  job = g_new0 (SnapshotJob, 1);
  job->route = route;
  job->principal = g_steal_pointer (&principal);
  _sp_server_run_job (route->server, msg, TRUE, job, (GDestroyNotify) snapshot_job_free,
                      snapshot_job_work, snapshot_job_reply);
}

void
sp_route_snapshot_register (SpServer *server)
{
  SnapshotRoute *route;

  g_return_if_fail (server != NULL);

  route = g_new0 (SnapshotRoute, 1);
  route->server = server;
  route->cache = sp_snapshot_cache_new (sp_server_get_storage (server));
  soup_server_add_handler (sp_server_get_soup (server), SNAPSHOT_PATH,
                           snapshot_handler, route, (GDestroyNotify) snapshot_route_free);
}
