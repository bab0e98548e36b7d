/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bench-inbox"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>

#include "sp-bench-util.h"
#include "sp-db.h"
#include "sp-local-store.h"
#include "sp-row-list-model.h"

/* bench/inbox: the feedback inbox's list model over N feedback items in a
 * client database, as the desktop's triage page drives it (newest first):
 *
 *   open list     a new model, sorted by "created" descending
 *   reset filters from a search plus a state filter back to all items
 *                 (one reload), then the state counts the page shows
 *
 * Both run on the main thread of the desktop, so every millisecond here is
 * a frozen window. The reference in the same run is the same database with
 * the feedback indexes of client schema 6 (before they led with "deleted"
 * and ordered "created" as the list does). Median of the runs, in ms. */

static guint n_items = 100000;
static guint runs = 5;

static GOptionEntry entries[] = {
  { "items", 0, 0, G_OPTION_ARG_INT, &n_items, "Feedback items (100000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs (5)", "N" },
  { NULL }
};

static const char schema6_indexes[] =
  "DROP INDEX feedback_created;"
  "DROP INDEX feedback_state;"
  "DROP INDEX feedback_service;"
  "CREATE INDEX feedback_created ON feedback (created);"
  "CREATE INDEX feedback_state ON feedback (state, created);"
  "CREATE INDEX feedback_service ON feedback (service_id, created);";

/* N items like a city's inbox after months: random days over 120 days,
 * five states, a few services; same rows for every database (seeded). */
static void
seed (const char *path)
{
  static const char * const states[] = { "new", "in_progress", "answered", "closed", "spam" };
  static const char * const channels[] = { "web", "kiosk", "app", "bot", "open311" };
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = sp_local_store_open (path, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (store == NULL)
    sp_bench_die ("open the client database", error);
  db = sp_db_handle (sp_local_store_get_db (store));
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (sqlite3_prepare_v2 (db, "INSERT INTO feedback (id, version, hlc, ticket, service_id, rating, text,"
                          " channel, created, due, state, tags) VALUES (?,?,?,?,?,?,?,?,?,?,?,'[]')",
                          -1, &stmt, NULL) != SQLITE_OK)
    sp_bench_die ("prepare the seed", NULL);
  for (guint i = 0; i < n_items; i++)
    {
      gint64 created = now - g_rand_int_range (rand, 0, 120 * 86400);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (created);
      g_autoptr(GDateTime) due = g_date_time_add_days (at, 3);
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", g_rand_int (rand), i);
      g_autofree char *ticket = g_strdup_printf ("FB-BENCH-%06u", i);
      g_autofree char *service = g_strdup_printf ("service-%u", g_rand_int_range (rand, 0, 40));
      g_autofree char *text = g_strdup_printf ("Eintrag %u zum Online-Antrag", i);
      g_autofree char *created_iso = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *due_iso = g_date_time_format (due, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:server", created * 1000);

      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, i + 1);
      sqlite3_bind_text (stmt, 3, hlc, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, ticket, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, service, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 6, g_rand_int_range (rand, 0, 6));
      sqlite3_bind_text (stmt, 7, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 8, channels[g_rand_int_range (rand, 0, G_N_ELEMENTS (channels))], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, created_iso, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 10, due_iso, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 11, states[g_rand_int_range (rand, 0, G_N_ELEMENTS (states))], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        sp_bench_die ("seed a feedback item", NULL);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (sqlite3_exec (db, "DELETE FROM fts_pending; COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    sp_bench_die ("commit the seed", NULL);
}

static double
median (GArray *ms)
{
  g_array_sort (ms, sp_bench_cmp_double);
  return g_array_index (ms, double, ms->len / 2);
}

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* Median ms of opening the list and of resetting the filters in @path. */
static void
measure (const char *path,
         double     *open_ms,
         double     *reset_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = sp_local_store_open (path, &error);
  g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) resets = g_array_new (FALSE, FALSE, sizeof (double));
  static const char * const new_only[] = { "new", NULL };

  if (store == NULL)
    sp_bench_die ("open the client database", error);
  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(SpRowListModel) model = NULL;
      g_autoptr(GHashTable) counts = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      model = sp_row_list_model_new (store, "feedback", "created");
      sp_row_list_model_set_sort (model, "created", NULL, TRUE);
      ms = elapsed_ms (start);
      g_array_append_val (opens, ms);
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) != n_items)
        sp_bench_die ("list every item", NULL);

      sp_row_list_model_set_search (model, "Online-Antrag");
      sp_row_list_model_set_filter_values (model, "state", new_only);

      start = g_get_monotonic_time ();
      sp_row_list_model_freeze (model);
      sp_row_list_model_set_search (model, "");
      sp_row_list_model_set_filter_values (model, "state", NULL);
      sp_row_list_model_thaw (model);
      counts = sp_row_list_model_count_by (model, "state");
      ms = elapsed_ms (start);
      g_array_append_val (resets, ms);
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) != n_items || g_hash_table_size (counts) != 5)
        sp_bench_die ("reset the filters", NULL);
    }
  *open_ms = median (opens);
  *reset_ms = median (resets);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- the feedback inbox's list over many items");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *now_db = NULL;
  g_autofree char *old_db = NULL;
  double now_open, now_reset, old_open, old_reset;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    sp_bench_die ("options", error);
  if (n_items == 0 || runs == 0)
    sp_bench_die ("--items and --runs must be at least 1", NULL);

  dir = g_dir_make_tmp ("sp-bench-inbox-XXXXXX", &error);
  if (dir == NULL)
    sp_bench_die ("temporary directory", error);
  now_db = g_build_filename (dir, "now.db", NULL);
  old_db = g_build_filename (dir, "schema6.db", NULL);
  seed (now_db);
  seed (old_db);
  {
    g_autoptr(SpLocalStore) store = sp_local_store_open (old_db, &error);

    if (store == NULL ||
        sqlite3_exec (sp_db_handle (sp_local_store_get_db (store)), schema6_indexes, NULL, NULL, NULL) != SQLITE_OK)
      sp_bench_die ("put back the schema 6 indexes", error);
  }

  measure (now_db, &now_open, &now_reset);
  measure (old_db, &old_open, &old_reset);

  printf ("bench/inbox: %u feedback items, median of %u runs (ms, main thread)\n\n", n_items, runs);
  printf ("| operation | stadtpult ms | schema 6 indexes ms | speed-up |\n");
  printf ("|---|---:|---:|---:|\n");
  printf ("| open list (newest first) | %.1f | %.1f | %.1fx |\n", now_open, old_open, old_open / now_open);
  printf ("| reset filters + state counts | %.1f | %.1f | %.1fx |\n", now_reset, old_reset, old_reset / now_reset);

  {
    const char * const files[] = { "now.db", "now.db-wal", "now.db-shm",
                                   "schema6.db", "schema6.db-wal", "schema6.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (dir, files[i], NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
