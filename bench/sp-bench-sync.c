/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bench-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sp-bench-util.h"
#include "sp-change.h"
#include "sp-db.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-local-store.h"
#include "sp-sync-client.h"

/* bench/sync: our sync server and client on loopback.
 *
 *   first sync   a fresh client pulls N_FIRST services (server seeded by a
 *                raw bulk push first, not timed): from the server's snapshot
 *                (the first time made for that request, then ready), and
 *                page by page without one
 *   incremental  a synced client pulls N_INCR services changed on the server
 *   push         a client pushes N_PUSH services made offline
 *
 * Each is timed around the SpSyncClient call only; the median of the runs
 * is reported in records per second. With --reference (the JSON printed by
 * bench/pouchdb/bench.js) the table also has PouchDB's numbers and ratios.
 */

static guint n_first = 100000;
static guint n_incr = 1000;
static guint n_push = 10000;
static guint runs = 5;
static guint first_runs = 3;
static guint push_batch;   /* 0: the client's default */
static char *server_bin;
static char *reference;
static char *json_out;
static gboolean keep_tmp;

static GOptionEntry entries[] = {
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_bin, "stadtpult-server binary", "PATH" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference, "JSON of the PouchDB run", "FILE" },
  { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_out, "Write our results as JSON", "FILE" },
  { "first", 0, 0, G_OPTION_ARG_INT, &n_first, "Services in the first sync (100000)", "N" },
  { "incr", 0, 0, G_OPTION_ARG_INT, &n_incr, "Changes in the incremental pull (1000)", "N" },
  { "push", 0, 0, G_OPTION_ARG_INT, &n_push, "Changes pushed (10000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of incremental and push (5)", "N" },
  { "first-runs", 0, 0, G_OPTION_ARG_INT, &first_runs, "Runs of the first sync (3)", "N" },
  { "push-batch", 0, 0, G_OPTION_ARG_INT, &push_batch, "Changes per push request (client default)", "N" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep_tmp, "Keep the temporary directory", NULL },
  { NULL }
};

typedef struct {
  char        *dir;
  char        *db_path;
  char        *base_url;
  GSubprocess *proc;
} Server;

static void
server_start (Server *server)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *out_path = g_build_filename (server->dir, "server.out", NULL);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;   /* also under valgrind */

  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  server->proc = g_subprocess_launcher_spawn (launcher, &error, server_bin,
                                              "--db", server->db_path,
                                              "--port", "0", "--bind", "127.0.0.1",
                                              NULL);
  if (server->proc == NULL)
    sp_bench_die ("spawning the server", error);

  for (;;)
    {
      g_autofree char *text = NULL;
      const char *p;

      if (g_file_get_contents (out_path, &text, NULL, NULL) &&
          (p = strstr (text, "listening on http://")) != NULL && strchr (p, '\n'))
        {
          const char *colon = strchr (p + strlen ("listening on http://"), ':');
          guint port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);

          server->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
          return;
        }
      if (g_subprocess_get_identifier (server->proc) == NULL || g_get_monotonic_time () > deadline)
        sp_bench_die ("server did not start", NULL);
      g_usleep (10000);
    }
}

static void
add_user (Server *server, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = g_build_filename (server->dir, "pw.txt", NULL);
  g_autoptr(GSubprocess) proc = NULL;

  g_file_set_contents (pw, name, -1, NULL);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, server_bin, "user", "add", name,
                           "--role", "editor", "--password-file", pw,
                           "--db", server->db_path, NULL);
  if (proc == NULL || !g_subprocess_wait_check (proc, NULL, &error))
    sp_bench_die ("user add", error);
}

/* Same fields and values as bench/pouchdb/bench.js serviceDoc() */
static JsonObject *
service_fields (const char *prefix,
                guint       n)
{
  JsonObject *f = json_object_new ();
  JsonArray *docs = json_array_new ();
  g_autofree char *name = g_strdup_printf ("%s %06u", prefix, n);
  g_autofree char *leika = g_strdup_printf ("99%012u", n);
  g_autofree char *fees = g_strdup_printf ("%u,00 EUR", 10 + n % 90);
  g_autofree char *url = g_strdup_printf ("https://example.org/dienst/%u", n);

  json_array_add_string_element (docs, "Personalausweis");
  if (n % 2 == 0)
    json_array_add_string_element (docs, "Meldebescheinigung");

  json_object_set_string_member (f, "name", name);
  json_object_set_string_member (f, "leika", leika);
  json_object_set_string_member (f, "description",
      "Beschreibung der Leistung für Bürgerinnen und Bürger: was zu tun ist, was es kostet.");
  json_object_set_array_member (f, "documents", docs);
  json_object_set_string_member (f, "fees", fees);
  json_object_set_string_member (f, "office", "Bürgerservice, Markt 1, 07743 Jena");
  json_object_set_string_member (f, "opening_hours", "Mo-Fr 8-18 Uhr");
  json_object_set_string_member (f, "online_url", url);
  json_object_set_string_member (f, "status", n % 5 == 0 ? "draft" : "published");

  return f;
}

typedef struct {
  char   *id;
  gint64  version;
} Seeded;

/* POST /api/v1/sync with @changes; fills the versions the server gave. */
static void
raw_push (SoupSession *session,
          const char  *base_url,
          const char  *token,
          GPtrArray   *changes,
          gint64      *versions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) resp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (base_url, "/api/v1/sync", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  JsonArray *results;
  char *text;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    json_builder_add_value (builder, sp_change_to_json (changes->pdata[i], FALSE));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  len = strlen (text);
  body = g_bytes_new_take (text, len);

  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  resp = soup_session_send_and_read (session, msg, NULL, &error);
  if (resp == NULL)
    sp_bench_die ("seed push", error);
  if (soup_message_get_status (msg) != 200)
    {
      g_printerr ("%.*s\n", (int) g_bytes_get_size (resp), (const char *) g_bytes_get_data (resp, NULL));
      sp_bench_die ("seed push status", NULL);
    }

  answer = sp_json_parse (g_bytes_get_data (resp, NULL), g_bytes_get_size (resp), &error);
  if (answer == NULL)
    sp_bench_die ("seed push answer", error);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  if (results == NULL || json_array_get_length (results) != changes->len)
    sp_bench_die ("seed push results", NULL);
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *r = json_array_get_object_element (results, i);
      if (g_strcmp0 (json_object_get_string_member (r, "status"), "applied") != 0)
        sp_bench_die ("seed push: change not applied", NULL);
      if (versions != NULL)
        versions[i] = json_object_get_int_member (r, "version");
    }
}

static SpChange *
make_change (SpHlc      *hlc,
             const char *id,
             gint64      base_version,
             JsonObject *fields)
{
  SpChange *change = sp_change_new ();

  change->change_id = sp_uuid_new ();
  change->entity = g_strdup (SP_ENTITY_SERVICE);
  change->id = id ? g_strdup (id) : sp_uuid_new ();
  change->base_version = base_version;
  change->hlc = sp_hlc_now (hlc);
  change->op = SP_OP_UPSERT;
  if (change->fields != NULL)
    json_object_unref (change->fields);
  change->fields = fields;

  return change;
}

static guint
count_services (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  SpDb *db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  sqlite3_stmt *stmt;
  guint n;

  if (db == NULL)
    sp_bench_die ("open client db", error);
  stmt = sp_db_prepare (db, "SELECT count(*) FROM service WHERE deleted = 0", &error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    sp_bench_die ("count", error);
  n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  sp_db_close (db);

  return n;
}

static double
median (GArray *secs)
{
  g_autoptr(GArray) s = g_array_copy (secs);
  guint m;

  g_array_sort (s, sp_bench_cmp_double);
  m = s->len / 2;
  return s->len % 2 ? g_array_index (s, double, m)
                    : (g_array_index (s, double, m - 1) + g_array_index (s, double, m)) / 2;
}

static char *
secs_list (GArray *secs)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < secs->len; i++)
    g_string_append_printf (out, "%s%.3f", i ? " " : "", g_array_index (secs, double, i));
  return g_string_free (out, FALSE);
}

static gint64
vm_hwm_kb (GSubprocess *proc)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (proc));
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (p = strstr (text, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtoll (p + strlen ("VmHWM:"), NULL, 10);
}

/* CPU seconds (user + system) of this process, all threads */
static double
self_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Rows per transaction in the storage floor: the client's default pull
 * page (DEFAULT_PAGE_SIZE in core/sp-sync-client.c), one transaction each. */
#define FLOOR_TX_ROWS 10000

typedef struct {
  char          *insert_sql;
  int            n_cols;
  GPtrArray     *values;   /* sqlite3_value *, n_cols per row, server order */
} FloorRows;

static void
floor_rows_clear (FloorRows *rows)
{
  g_clear_pointer (&rows->insert_sql, g_free);
  g_clear_pointer (&rows->values, g_ptr_array_unref);
}

/* The service rows a first sync wrote, read back from its database in
 * server order (by version), with the INSERT that writes them again. */
static void
floor_rows_load (FloorRows  *rows,
                 const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) params = g_string_new (NULL);
  SpDb *db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  sqlite3_stmt *stmt;

  if (db == NULL)
    sp_bench_die ("floor: open synced db", error);
  stmt = sp_db_prepare (db, "SELECT * FROM service ORDER BY version", &error);
  if (stmt == NULL)
    sp_bench_die ("floor: read rows", error);
  rows->n_cols = sqlite3_column_count (stmt);
  for (int c = 0; c < rows->n_cols; c++)
    {
      g_string_append_printf (names, "%s\"%s\"", c ? ", " : "", sqlite3_column_name (stmt, c));
      g_string_append_printf (params, "%s?%d", c ? ", " : "", c + 1);
    }
  rows->insert_sql = g_strdup_printf ("INSERT INTO service (%s) VALUES (%s)", names->str, params->str);
  rows->values = g_ptr_array_new_with_free_func ((GDestroyNotify) sqlite3_value_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < rows->n_cols; c++)
      g_ptr_array_add (rows->values, sqlite3_value_dup (sqlite3_column_value (stmt, c)));
  sqlite3_reset (stmt);
  sp_db_close (db);
}

/* The storage floor of a first sync: the same rows written into a fresh
 * client database (same schema, indexes and settings) with one prepared
 * INSERT per row and a transaction per page, nothing else: no network, no
 * JSON, no sync bookkeeping, the search-index triggers off. A first sync
 * that writes these rows one by one, in server order, into this schema
 * cannot take less time than this.
 * Returns the seconds; adds the CPU seconds to @cpu. */
static double
floor_write (const FloorRows *rows,
             const char      *db_path,
             GArray          *cpu)
{
  g_autoptr(GError) error = NULL;
  guint n_rows = rows->values->len / rows->n_cols;
  gint64 t0 = g_get_monotonic_time ();
  double c0 = self_cpu ();
  sqlite3_stmt *stmt;
  double secs;
  int unused = 0;
  SpDb *db;

  /* timed from opening to closing the database, as a sync's store is */
  db = sp_db_open (db_path, SP_SCHEMA_CLIENT, &error);
  if (db == NULL)
    sp_bench_die ("floor: open fresh db", error);
  stmt = sp_db_prepare (db, rows->insert_sql, &error);
  if (stmt == NULL)
    sp_bench_die ("floor: prepare", error);
  sqlite3_db_config (sp_db_handle (db), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &unused);

  for (guint r = 0; r < n_rows; r++)
    {
      if (r % FLOOR_TX_ROWS == 0 && !sp_db_begin (db, &error))
        sp_bench_die ("floor: begin", error);
      for (int c = 0; c < rows->n_cols; c++)
        sqlite3_bind_value (stmt, c + 1, rows->values->pdata[(gsize) r * rows->n_cols + c]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        sp_bench_die ("floor: insert", NULL);
      sqlite3_reset (stmt);
      if ((r + 1) % FLOOR_TX_ROWS == 0 || r + 1 == n_rows)
        if (!sp_db_commit (db, &error))
          sp_bench_die ("floor: commit", error);
    }
  sp_db_close (db);   /* the last checkpoint, as when a sync's store closes */
  secs = (g_get_monotonic_time () - t0) / 1e6;
  c0 = self_cpu () - c0;
  g_array_append_val (cpu, c0);
  return secs;
}

/* CPU seconds of the server process, from /proc/PID/stat */
static double
server_cpu (GSubprocess *proc)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (proc));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (p = strrchr (text, ')')) == NULL)
    return 0;
  /* after "pid (comm)": state is field 3; utime 14, stime 15 */
  fields = g_strsplit (p + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         (double) sysconf (_SC_CLK_TCK);
}

typedef struct {
  gint64 wall;
  double client;
  double server;
} Mark;

static Mark
mark (Server *server)
{
  return (Mark) { g_get_monotonic_time (), self_cpu (), server_cpu (server->proc) };
}

/* Adds the CPU seconds used since @m to @cpu (client + server). */
static double
since (Server *server, Mark m, GArray *cpu)
{
  Mark now = mark (server);
  double used = (now.client - m.client) + (now.server - m.server);

  g_array_append_val (cpu, used);
  return (now.wall - m.wall) / 1e6;
}

/* a database file with its WAL and shared-memory files */
static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
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

static double
ref_rate (JsonObject *ref,
          const char *op)
{
  JsonObject *rates;

  if (ref == NULL || !json_object_has_member (ref, "rec_per_s"))
    return 0;
  rates = json_object_get_object_member (ref, "rec_per_s");
  if (!json_object_has_member (rates, op))
    return 0;
  return json_object_get_double_member (rates, op);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SpHlc) hlc = NULL;
  g_autoptr(GArray) t_first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_incr = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_push = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_save = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_paged = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_paged = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_floor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_floor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_incr = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) c_push = g_array_new (FALSE, FALSE, sizeof (double));
  Mark m;
  g_autoptr(JsonNode) ref_node = NULL;
  g_autofree char *token = NULL;
  g_autofree char *synced_db = NULL;
  g_autofree char *l_first = NULL, *l_incr = NULL, *l_push = NULL, *l_floor = NULL;
  g_autofree char *l_cold = NULL, *l_paged = NULL;
  g_autofree gint64 *versions = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *ref = NULL;
  Server server = { 0, };
  gint64 t0, rss_kb;
  double r_first, r_cold, r_paged, r_incr, r_push, r_floor;
  struct { const char *label; const char *key; double ours; double target; double cpu; guint n; } rows[6];

  g_set_prgname ("bench-sync");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    sp_bench_die ("options", error);
  if (server_bin == NULL)
    server_bin = g_strdup (g_getenv ("STADTPULT_SERVER"));
  if (server_bin == NULL)
    sp_bench_die ("--server PATH or STADTPULT_SERVER is required", NULL);
  if (runs == 0 || first_runs == 0 || n_incr * runs > n_first)
    sp_bench_die ("need runs >= 1 and incr * runs <= first", NULL);

  if (reference != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (reference, &text, NULL, &error) ||
          (ref_node = json_from_string (text, &error)) == NULL)
        sp_bench_die ("reference", error);
      ref = json_node_get_object (ref_node);
    }

  server.dir = g_dir_make_tmp ("stadtpult-bench-XXXXXX", &error);
  if (server.dir == NULL)
    sp_bench_die ("tmp dir", error);
  server.db_path = g_build_filename (server.dir, "server.db", NULL);
  add_user (&server, "bench");
  server_start (&server);

  session = soup_session_new_with_options ("timeout", 300, NULL);
  {
    g_autofree char *path = g_build_filename (server.dir, "login.db", NULL);
    g_autoptr(SpSyncClient) c = sp_sync_client_new (path, server.base_url);
    token = sp_sync_client_login (c, "bench", "bench", NULL, NULL, &error);
    if (token == NULL)
      sp_bench_die ("login", error);
  }

  /* seed the server: raw bulk push, 1 000 per request (not timed) */
  hlc = sp_hlc_new ("benchseed");
  versions = g_new0 (gint64, n_first);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n_first; i += 1000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
      guint end = MIN (i + 1000, n_first);

      for (guint k = i; k < end; k++)
        {
          SpChange *change = make_change (hlc, NULL, 0, service_fields ("Leistung", k));
          g_ptr_array_add (ids, g_strdup (change->id));
          g_ptr_array_add (batch, change);
        }
      raw_push (session, server.base_url, token, batch, versions + i);
    }
  g_printerr ("seeded %u services in %.1f s\n", n_first,
              (g_get_monotonic_time () - t0) / 1e6);

  /* first sync into a fresh client: the first one right after seeding
   * makes the server build its snapshot (cold); the next first_runs load
   * the snapshot it has (the row with the target); as many again pull
   * page by page, without a snapshot, for comparison */
  for (guint r = 0; r < 1 + 2 * first_runs; r++)
    {
      gboolean cold = r == 0;
      gboolean paged = r > first_runs;
      g_autofree char *name = g_strdup_printf ("first-%u.db", r);
      g_autofree char *path = g_build_filename (server.dir, name, NULL);
      g_autoptr(SpSyncClient) client = sp_sync_client_new (path, server.base_url);
      SpSyncStats stats = { 0, };
      double secs;

      sp_sync_client_set_token (client, token);
      sp_sync_client_set_use_snapshot (client, !paged);
      m = mark (&server);
      if (!sp_sync_client_sync (client, &stats, NULL, &error))
        sp_bench_die ("first sync", error);
      secs = since (&server, m, cold ? c_cold : paged ? c_paged : c_first);
      if (count_services (path) != n_first)
        sp_bench_die ("first sync: wrong row count", NULL);
      if (paged ? stats.snapshot != 0 : stats.snapshot != stats.pulled)
        sp_bench_die ("first sync: not the intended path (snapshot or pages)", NULL);
      g_array_append_val (cold ? t_cold : paged ? t_paged : t_first, secs);
      g_printerr ("first sync %u (%s): %u in %.3f s\n", r,
                  cold ? "snapshot made for it" : paged ? "page by page" : "snapshot",
                  stats.pulled, secs);

      if (paged)
        {
          remove_db (path);
          continue;
        }
      if (synced_db != NULL)
        remove_db (synced_db);
      g_free (synced_db);
      synced_db = g_steal_pointer (&path);
    }

  /* the storage floor of the first sync: its rows written alone */
  {
    FloorRows floor_rows = { 0, };

    floor_rows_load (&floor_rows, synced_db);
    if (floor_rows.values->len != (gsize) n_first * floor_rows.n_cols)
      sp_bench_die ("floor: wrong row count", NULL);
    for (guint r = 0; r < first_runs; r++)
      {
        g_autofree char *name = g_strdup_printf ("floor-%u.db", r);
        g_autofree char *path = g_build_filename (server.dir, name, NULL);
        double secs = floor_write (&floor_rows, path, c_floor);

        if (count_services (path) != n_first)
          sp_bench_die ("floor: wrong row count written", NULL);
        g_array_append_val (t_floor, secs);
        g_printerr ("storage floor %u: %u in %.3f s\n", r, n_first, secs);
        remove_db (path);
      }
    floor_rows_clear (&floor_rows);
  }

  /* incremental pull: N_INCR services changed on the server */
  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
      g_autoptr(SpSyncClient) client = sp_sync_client_new (synced_db, server.base_url);
      SpSyncStats stats = { 0, };
      double secs;

      for (guint k = r * n_incr; k < (r + 1) * n_incr; k++)
        {
          JsonObject *f = json_object_new ();
          g_autofree char *fees = g_strdup_printf ("%u,50 EUR", r + 1);

          json_object_set_string_member (f, "fees", fees);
          g_ptr_array_add (batch, make_change (hlc, ids->pdata[k], versions[k], f));
        }
      for (guint k = 0; k < batch->len; k += 1000)
        {
          g_autoptr(GPtrArray) part = g_ptr_array_new ();
          for (guint j = k; j < MIN (k + 1000, batch->len); j++)
            g_ptr_array_add (part, batch->pdata[j]);
          raw_push (session, server.base_url, token, part, versions + r * n_incr + k);
        }

      sp_sync_client_set_token (client, token);
      m = mark (&server);
      if (!sp_sync_client_sync (client, &stats, NULL, &error))
        sp_bench_die ("incremental sync", error);
      secs = since (&server, m, c_incr);
      if (stats.pulled != n_incr)
        {
          g_printerr ("incremental pulled %u, expected %u\n", stats.pulled, n_incr);
          sp_bench_die ("incremental", NULL);
        }
      g_array_append_val (t_incr, secs);
      g_printerr ("incremental %u: %u in %.3f s\n", r, stats.pulled, secs);
    }

  /* push: N_PUSH services made offline in a fresh client */
  for (guint r = 0; r < runs; r++)
    {
      g_autofree char *name = g_strdup_printf ("push-%u.db", r);
      g_autofree char *path = g_build_filename (server.dir, name, NULL);
      g_autofree char *prefix = g_strdup_printf ("Neu%u", r);
      g_autoptr(SpSyncClient) client = NULL;
      SpSyncStats stats = { 0, };
      double secs;

      {
        g_autoptr(SpLocalStore) store = sp_local_store_open (path, &error);

        if (store == NULL)
          sp_bench_die ("open store", error);
        t0 = g_get_monotonic_time ();
        /* one transaction for all saves, as an import would do */
        if (!sp_local_store_begin_batch (store, &error))
          sp_bench_die ("local save", error);
        for (guint k = 0; k < n_push; k++)
          {
            g_autoptr(JsonObject) f = service_fields (prefix, k);
            g_autofree char *id = sp_local_store_save (store, SP_ENTITY_SERVICE, NULL, f, &error);

            if (id == NULL)
              sp_bench_die ("local save", error);
          }
        if (!sp_local_store_end_batch (store, &error))
          sp_bench_die ("local save", error);
        secs = (g_get_monotonic_time () - t0) / 1e6;
        g_array_append_val (t_save, secs);
        if (sp_local_store_outbox_count (store) != n_push)
          sp_bench_die ("outbox count", NULL);
      }

      client = sp_sync_client_new (path, server.base_url);
      sp_sync_client_set_token (client, token);
      sp_sync_client_set_push_batch (client, push_batch);
      m = mark (&server);
      if (!sp_sync_client_push (client, &stats, NULL, &error))
        sp_bench_die ("push", error);
      secs = since (&server, m, c_push);
      if (stats.pushed != n_push)
        sp_bench_die ("push: not all answered", NULL);
      g_array_append_val (t_push, secs);
      g_printerr ("push %u: %u in %.3f s\n", r, stats.pushed, secs);
    }

  rss_kb = vm_hwm_kb (server.proc);

  r_first = n_first / median (t_first);
  r_cold = n_first / median (t_cold);
  r_paged = n_first / median (t_paged);
  r_incr = n_incr / median (t_incr);
  r_push = n_push / median (t_push);
  r_floor = n_first / median (t_floor);
  l_first = secs_list (t_first);
  l_cold = secs_list (t_cold);
  l_paged = secs_list (t_paged);
  l_floor = secs_list (t_floor);
  l_incr = secs_list (t_incr);
  l_push = secs_list (t_push);

  rows[0] = (typeof (rows[0])) { "first sync (server's snapshot ready)", "first_sync", r_first, 40,
                                 median (c_first), n_first };
  rows[1] = (typeof (rows[0])) { "first sync, snapshot made for it (once per roles and 10 000 changes)",
                                 "first_sync", r_cold, 0, median (c_cold), n_first };
  rows[2] = (typeof (rows[0])) { "first sync page by page (no snapshot)", "first_sync", r_paged, 0,
                                 median (c_paged), n_first };
  /* compared with PouchDB's first sync: what a row-by-row first sync could reach at most */
  rows[3] = (typeof (rows[0])) { "first sync: storage floor (SQLite alone)", "first_sync", r_floor, 0,
                                 median (c_floor), n_first };
  rows[4] = (typeof (rows[0])) { "incremental pull", "incremental", r_incr, 0, median (c_incr), n_incr };
  rows[5] = (typeof (rows[0])) { "push", "push", r_push, 20, median (c_push), n_push };

  printf ("\nbench/sync on loopback: first sync %u, incremental %u, push %u records\n",
          n_first, n_incr, n_push);
  printf ("runs: first sync %u (+ 1 making the snapshot, + %u page by page), incremental %u, "
          "push %u (median)\n\n", first_runs, first_runs, runs, runs);
  printf ("| operation | stadtpult rec/s | pouchdb rec/s | ratio | target |\n");
  printf ("|---|---:|---:|---:|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      double theirs = ref_rate (ref, rows[i].key);
      g_autofree char *target = rows[i].target > 0
        ? g_strdup_printf (">= %.0fx: %s", rows[i].target,
                           theirs <= 0 ? "n/a" :
                           rows[i].ours / theirs >= rows[i].target ? "met" : "MISSED")
        : g_strdup ("-");

      if (theirs > 0)
        printf ("| %s | %.0f | %.0f | %.1fx | %s |\n", rows[i].label, rows[i].ours, theirs,
                rows[i].ours / theirs, target);
      else
        printf ("| %s | %.0f | n/a | n/a | %s |\n", rows[i].label, rows[i].ours, target);
    }
  printf ("\nstorage floor: the first sync's rows written into a fresh client database "
          "alone, one by one (no network, no JSON, no sync bookkeeping), take %.3f s; our "
          "first sync page by page takes %.2fx that, from the snapshot %.2fx.\n",
          median (t_floor), median (t_paged) / median (t_floor),
          median (t_first) / median (t_floor));
  printf ("\nstadtpult times (s): first sync [%s], snapshot made for it [%s], page by page [%s], "
          "storage floor [%s], incremental [%s], push [%s]\n",
          l_first, l_cold, l_paged, l_floor, l_incr, l_push);
  printf ("stadtpult local saves of %u services (not part of the push time): median %.3f s\n",
          n_push, median (t_save));
  printf ("stadtpult-server peak RSS (VmHWM): %.1f MiB\n", rss_kb / 1024.0);
  if (ref != NULL && json_object_has_member (ref, "peak_rss_kb"))
    printf ("pouchdb (express-pouchdb + client, one node process) peak RSS: %.1f MiB\n",
            json_object_get_int_member (ref, "peak_rss_kb") / 1024.0);
  {
    GStatBuf st;
    if (g_stat (server.db_path, &st) == 0)
      printf ("server database: %.1f MiB\n", st.st_size / (1024.0 * 1024.0));
  }

  printf ("\nCPU cost (client + server CPU seconds, median; less sensitive to a busy machine):\n\n");
  printf ("| operation | stadtpult rec/CPU-s | pouchdb rec/CPU-s | ratio |\n");
  printf ("|---|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      double ours = rows[i].cpu > 0 ? rows[i].n / rows[i].cpu : 0;
      double theirs = 0;

      if (ref != NULL && json_object_has_member (ref, "rec_per_cpu_s"))
        {
          JsonObject *rc = json_object_get_object_member (ref, "rec_per_cpu_s");
          if (json_object_has_member (rc, rows[i].key))
            theirs = json_object_get_double_member (rc, rows[i].key);
        }
      if (theirs > 0)
        printf ("| %s | %.0f | %.0f | %.1fx |\n", rows[i].label, ours, theirs, ours / theirs);
      else
        printf ("| %s | %.0f | n/a | n/a |\n", rows[i].label, ours);
    }

  if (json_out != NULL)
    {
      g_autofree char *text = g_strdup_printf (
          "{\"first_sync\":%.1f,\"first_sync_cold\":%.1f,\"first_sync_paged\":%.1f,"
          "\"incremental\":%.1f,\"push\":%.1f,\"peak_rss_kb\":%" G_GINT64_FORMAT "}\n",
          r_first, r_cold, r_paged, r_incr, r_push, rss_kb);
      g_file_set_contents (json_out, text, -1, NULL);
    }

  g_subprocess_send_signal (server.proc, SIGTERM);
  g_subprocess_wait (server.proc, NULL, NULL);
  if (!keep_tmp)
    remove_tree (server.dir);
  else
    g_printerr ("kept %s\n", server.dir);

  return 0;
}
