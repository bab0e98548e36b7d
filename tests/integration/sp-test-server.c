/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-test-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sp-test-server.h"

#include "sp-city-time.h"
#include "sp-db.h"
#include "sp-error.h"

static const char *
server_binary (void)
{
  const char *path = g_getenv ("STADTPULT_SERVER");

  if (path == NULL || *path == '\0')
    g_error ("STADTPULT_SERVER is not set (run through meson test)");

  return path;
}

/* A POSIX TZ for the server whose date is not the city's today: UTC-12
 * while it is before noon in Berlin, UTC+14 after. A server set to UTC is
 * a day off Berlin for an hour or two every night; every day the server
 * compares or stores (deadlines, opening days, answer days) must be the
 * city's, so the tests run it where the machine's day is always wrong. */
static const char *
off_city_time_zone (void)
{
  g_autoptr(GDateTime) now = sp_city_now ();

  return g_date_time_get_hour (now) < 12 ? "XXA+12" : "XXB-14";
}

/* The server must not outlive a test that aborts on a failed assertion. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

SpTestServer *
sp_test_server_new (void)
{
  g_autoptr(GError) error = NULL;
  SpTestServer *self = g_new0 (SpTestServer, 1);

  self->dir = g_dir_make_tmp ("stadtpult-it-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "server.db", NULL);

  return self;
}

char *
sp_test_server_path (SpTestServer *self,
                     const char   *name)
{
  return g_build_filename (self->dir, name, NULL);
}

void
sp_test_server_start (SpTestServer *self,
                      gboolean      demo)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_name = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  gint64 deadline;

  g_assert_null (self->proc);

  out_name = g_strdup_printf ("server-%u.out", self->n_starts++);
  out_path = g_build_filename (self->dir, out_name, NULL);

  /* stdout goes to a file that we poll: no pipe that could fill up and
   * block the server later; stderr stays on the test's stderr (log). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "TZ", off_city_time_zone (), TRUE);

  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  g_ptr_array_add (argv, (char *) "--bind");
  g_ptr_array_add (argv, (char *) "127.0.0.1");
  if (demo)
    g_ptr_array_add (argv, (char *) "--demo");
  g_ptr_array_add (argv, NULL);

  self->proc = g_subprocess_launcher_spawnv (launcher,
                                             (const char * const *) argv->pdata,
                                             &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *contents = NULL;
      const char *p;

      if (g_file_get_contents (out_path, &contents, NULL, NULL) &&
          (p = strstr (contents, "listening on http://")) != NULL &&
          strchr (p, '\n') != NULL)
        {
          const char *host = p + strlen ("listening on http://");
          const char *colon = strchr (host, ':');
          guint64 port = 0;

          g_assert_nonnull (colon);
          port = g_ascii_strtoull (colon + 1, NULL, 10);
          g_assert_cmpuint (port, >, 0);
          g_assert_cmpuint (port, <, 65536);
          self->port = (guint) port;
          g_free (self->base_url);
          self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
          return;
        }

      if (g_subprocess_get_identifier (self->proc) == NULL)
        g_error ("stadtpult-server exited before listening (see stderr)");

      if (g_get_monotonic_time () > deadline)
        g_error ("stadtpult-server did not print \"listening on\" within 15 s");

      g_usleep (10 * 1000);
    }
}

GPid
sp_test_server_get_pid (SpTestServer *self)
{
  const char *ident;

  g_assert_nonnull (self->proc);
  ident = g_subprocess_get_identifier (self->proc);
  g_assert_nonnull (ident);

  return (GPid) g_ascii_strtoll (ident, NULL, 10);
}

void
sp_test_server_kill (SpTestServer *self,
                     int           signum)
{
  g_autoptr(GError) error = NULL;

  if (self->proc == NULL)
    return;

  g_subprocess_send_signal (self->proc, signum);
  g_subprocess_wait (self->proc, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->proc);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

void
sp_test_server_free (SpTestServer *self)
{
  if (self == NULL)
    return;

  sp_test_server_kill (self, SIGTERM);
  if (g_getenv ("SP_TEST_KEEP_TMP") == NULL)
    remove_tree (self->dir);
  else
    g_printerr ("keeping %s\n", self->dir);

  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->base_url);
  g_free (self);
}

void
sp_test_server_add_user (SpTestServer *self,
                         const char   *name,
                         const char   *roles,
                         const char   *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *pw_name = g_strdup_printf ("pw-%s.txt", name);
  g_autofree char *pw_path = g_build_filename (self->dir, pw_name, NULL);
  g_autofree char *pw_text = g_strdup_printf ("%s\n", password);

  g_file_set_contents (pw_path, pw_text, -1, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                           server_binary (), "user", "add", name,
                           "--role", roles,
                           "--password-file", pw_path,
                           "--db", self->db_path,
                           NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
}

SpSyncClient *
sp_test_client_new (SpTestServer *self,
                    const char   *db_name,
                    const char   *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = g_build_filename (self->dir, db_name, NULL);
  g_autofree char *token = NULL;
  g_auto(GStrv) roles = NULL;
  SpSyncClient *client;

  client = sp_sync_client_new (db_path, self->base_url);
  token = sp_sync_client_login (client, user, user, &roles, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_nonnull (roles);
  sp_sync_client_set_token (client, token);

  return client;
}

guint
sp_test_http (const char  *base_url,
              const char  *method,
              const char  *path,
              const char  *token,
              const char  *json_body,
              char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (base_url, path, NULL);

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", auth);
    }

  if (json_body != NULL)
    {
      g_autoptr(GBytes) req = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (msg, "application/json", req);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_message_get_status (msg);
}

char *
sp_test_login_token (const char *base_url,
                     const char *user,
                     const char *password)
{
  g_autofree char *req = NULL;
  g_autofree char *resp = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  guint status;

  req = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
  status = sp_test_http (base_url, "POST", "/api/v1/login", NULL, req, &resp);
  g_assert_cmpuint (status, ==, 200);

  node = json_from_string (resp, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  obj = json_node_get_object (node);
  g_assert_true (json_object_has_member (obj, "token"));

  return g_strdup (json_object_get_string_member (obj, "token"));
}

JsonObject *
sp_test_service_fields (const char *name,
                        guint       n)
{
  JsonObject *fields = json_object_new ();
  JsonArray *docs = json_array_new ();
  g_autofree char *leika = g_strdup_printf ("99%012u", n);
  g_autofree char *fees = g_strdup_printf ("%u,00 EUR", 10 + n % 90);

  json_array_add_string_element (docs, "Personalausweis");
  if (n % 2 == 0)
    json_array_add_string_element (docs, "Meldebescheinigung");

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "leika", leika);
  json_object_set_string_member (fields, "description",
                                 "Beschreibung der Leistung für Bürgerinnen und Bürger.");
  json_object_set_array_member (fields, "documents", docs);
  json_object_set_string_member (fields, "fees", fees);
  json_object_set_string_member (fields, "office", "Bürgerservice, Markt 1");
  json_object_set_string_member (fields, "opening_hours", "Mo-Fr 8-18 Uhr");
  json_object_set_string_member (fields, "online_url", "https://example.org/dienst");
  json_object_set_string_member (fields, "status", n % 5 == 0 ? "draft" : "published");

  return fields;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
fields_canonical (JsonObject *fields)
{
  g_autoptr(GList) members = json_object_get_members (fields);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *out = g_string_new ("{");

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_members);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonNode *value = json_object_get_member (fields, name);
      g_autofree char *text = json_to_string (value, FALSE);

      g_string_append_printf (out, "%s\"%s\":%s", i > 0 ? "," : "", name, text);
    }

  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
sp_test_dump_entity (const char *db_path,
                     const char *entity_name,
                     gboolean    with_version)
{
  g_autoptr(GError) error = NULL;
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt;
  SpDb *db;

  g_assert_nonnull (entity);
  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT id FROM \"%s\" ORDER BY id", entity->name);
  stmt = sp_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(SpDbRow) row = sp_db_row_read (db, entity, g_ptr_array_index (ids, i), &error);
      g_autofree char *fields = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (row);
      fields = fields_canonical (row->fields);
      g_string_append_printf (out, "%s|%d|%s|", row->id, row->deleted ? 1 : 0,
                              row->hlc ? row->hlc : "");
      if (with_version)
        g_string_append_printf (out, "%" G_GINT64_FORMAT "|", row->version);
      g_string_append_printf (out, "%s\n", fields);
    }

  sp_db_close (db);
  return g_string_free (out, FALSE);
}

guint
sp_test_count_rows (const char *db_path,
                    const char *entity_name,
                    gboolean    include_deleted)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  guint count = 0;
  SpDb *db;

  g_assert_nonnull (sp_entity_lookup (entity_name));
  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"%s", entity_name,
                         include_deleted ? "" : " WHERE deleted = 0");
  stmt = sp_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  sp_db_close (db);
  return count;
}

guint
sp_test_count_all_rows (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  const SpEntity * const *all;
  guint n_entities = 0;
  guint count = 0;
  SpDb *db;

  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  g_assert_no_error (error);
  all = sp_entity_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", all[i]->name);
      g_autoptr(GError) local_error = NULL;
      sqlite3_stmt *stmt = sp_db_prepare (db, sql, &local_error);

      /* an entity without a table in the client schema holds no rows */
      if (stmt == NULL)
        continue;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count += (guint) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }

  sp_db_close (db);
  return count;
}

char *
sp_test_get_field_json (const char *db_path,
                        const char *entity_name,
                        const char *id,
                        const char *field)
{
  g_autoptr(GError) error = NULL;
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autoptr(SpDbRow) row = NULL;
  char *result;
  SpDb *db;

  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  g_assert_no_error (error);
  row = sp_db_row_read (db, entity, id, &error);
  g_assert_no_error (error);

  if (row == NULL || !json_object_has_member (row->fields, field))
    result = g_strdup ("null");
  else
    result = json_to_string (json_object_get_member (row->fields, field), FALSE);

  sp_db_close (db);
  return result;
}

GPtrArray *
sp_test_query_strings (const char *db_path,
                       const char *sql)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  SpDb *db;

  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  g_assert_no_error (error);
  stmt = sp_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      g_ptr_array_add (result, g_strdup (text ? text : ""));
    }
  sqlite3_reset (stmt);
  sp_db_close (db);

  return result;
}

GPtrArray *
sp_test_create_services (SpLocalStore *store,
                         const char   *prefix,
                         guint         n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%05u", prefix, i);
      g_autoptr(JsonObject) fields = sp_test_service_fields (name, i);
      char *id = sp_local_store_save (store, SP_ENTITY_SERVICE, NULL, fields, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
      g_ptr_array_add (ids, id);
    }

  g_assert_cmpuint (sp_local_store_outbox_count (store), >=, n);
  return ids;
}

SpSyncStats
sp_test_sync_ok (SpSyncClient *client)
{
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0, };

  sp_sync_client_sync (client, &stats, NULL, &error);
  g_assert_no_error (error);

  return stats;
}

char *
sp_test_fresh_pull (SpTestServer *self,
                    const char   *base_url,
                    const char   *user)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("fresh-%u-%s.db", ++counter, user);
  g_autofree char *db_path = g_build_filename (self->dir, name, NULL);
  g_autoptr(SpSyncClient) client = sp_sync_client_new (db_path, base_url);
  g_autofree char *token = NULL;
  SpSyncStats stats = { 0, };

  token = sp_sync_client_login (client, user, user, NULL, NULL, &error);
  g_assert_no_error (error);
  sp_sync_client_set_token (client, token);
  sp_sync_client_pull (client, &stats, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&db_path);
}

gint64
sp_test_server_count (SpTestServer *self,
                      const char   *sql)
{
  return sp_test_file_count (self->db_path, sql);
}

gint64
sp_test_file_count (const char *db_path,
                    const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}
