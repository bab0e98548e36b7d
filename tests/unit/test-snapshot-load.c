/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-local-store.h"
#include "test-tmpdir.h"

/* A first sync from a snapshot file (sp_local_store_load_snapshot): the
 * rows arrive as they were, with the cursor and clock of the snapshot;
 * the search index and its triggers work afterwards; a profile that is not
 * empty, a file of another schema or no database at all change nothing. */

#define N_ROWS      300                             /* a bulk page's size */
#define SNAP_CURSOR "v1.300"
#define FUTURE_HLC  "004102444800000:0007:server"   /* year 2100 */

typedef struct {
  char         *dir;
  char         *snapshot;   /* made like the server makes one */
  char         *path;
  SpLocalStore *store;
  guint         changed;
} Fixture;

static void
on_changed (SpLocalStore *store,
            const char   *entity,
            Fixture      *f)
{
  f->changed++;
}

static SpChange *
pulled_service (guint i)
{
  SpChange *change = sp_change_new ();

  change->change_id = g_strdup_printf ("srv-%u", i);
  change->entity = g_strdup ("service");
  change->id = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
  change->version = i + 1;
  change->base_version = i + 1;
  change->hlc = i == N_ROWS - 1 ? g_strdup (FUTURE_HLC)
                                : g_strdup_printf ("001700000000%03u:0000:server", i);
  json_object_set_string_member (change->fields, "name",
                                 i == 7 ? "Wohnsitz anmelden" : "Leistung");
  json_object_set_string_member (change->fields, "status", "published");
  return change;
}

/* The pages of a first pull written by a fresh store, with the search
 * index left to its first reader: what the server's snapshot holds. */
static void
make_snapshot (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  g_unlink (path);
  store = sp_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_ROWS; i++)
    g_ptr_array_add (changes, pulled_service (i));
  sp_local_store_set_search_deferred (store, TRUE);
  g_assert_true (sp_local_store_apply_pulled (store, changes, SNAP_CURSOR, &error));
  g_assert_no_error (error);
  g_assert_true (sp_db_exec (sp_local_store_get_db (store), "PRAGMA journal_mode = DELETE", &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sp-snapshot-XXXXXX", &error);
  g_assert_no_error (error);
  f->snapshot = g_build_filename (f->dir, "snapshot.db", NULL);
  make_snapshot (f->snapshot);
  f->path = g_build_filename (f->dir, "profile.db", NULL);
  f->store = sp_local_store_open (f->path, &error);
  g_assert_no_error (error);
  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_tmpdir (f->dir);
  g_free (f->snapshot);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
count (SpLocalStore *store,
       const char   *sql)
{
  sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (store), sql, NULL);
  gint64 n = -1;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Rows found by the search index, after indexing what is marked. */
static gint64
search (SpLocalStore *store,
        const char   *words)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_assert_true (sp_db_update_search_index (sp_local_store_get_db (store), &error));
  g_assert_no_error (error);
  stmt = sp_db_prepare (sp_local_store_get_db (store),
                        "SELECT count(*) FROM service_fts WHERE service_fts MATCH ?1", NULL);
  sqlite3_bind_text (stmt, 1, words, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* The profile is as it was: empty, no cursor, triggers in place. */
static void
assert_untouched (Fixture *f,
                  gint64   services,
                  gint64   triggers)
{
  g_autofree char *cursor = sp_local_store_get_cursor (f->store);

  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, services);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"),
                   ==, triggers);
  g_assert_null (cursor);
  g_assert_cmpuint (f->changed, ==, 0);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *cursor = NULL;
  g_autofree char *new_id = NULL;
  g_autoptr(SpDbRow) new_row = NULL;
  gint64 triggers = count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
  guint n_rows = 0;

  g_assert_true (sp_local_store_is_empty (f->store));
  g_assert_true (sp_local_store_load_snapshot (f->store, f->snapshot, &n_rows, &error));
  g_assert_no_error (error);

  /* every row, as it was pulled, with the snapshot's cursor */
  g_assert_cmpuint (n_rows, ==, N_ROWS);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, N_ROWS);
  row = sp_local_store_get (f->store, "service", "00000000-0000-4000-8000-000000000007", &error);
  g_assert_nonnull (row);
  g_assert_cmpint (row->version, ==, 8);
  g_assert_cmpstr (row->hlc, ==, "001700000000007:0000:server");
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Wohnsitz anmelden");
  cursor = sp_local_store_get_cursor (f->store);
  g_assert_cmpstr (cursor, ==, SNAP_CURSOR);
  g_assert_false (sp_local_store_is_empty (f->store));
  g_assert_cmpuint (f->changed, ==, 1);

  /* the search finds the rows; the triggers are back and mark new rows */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"),
                   ==, triggers);
  g_assert_cmpint (search (f->store, "wohnsitz"), ==, 1);
  g_assert_cmpint (search (f->store, "leistung"), ==, N_ROWS - 1);
  json_object_set_string_member (fields, "name", "Wohnsitz abmelden");
  new_id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (search (f->store, "wohnsitz"), ==, 2);

  /* the clock went past the newest change of the snapshot */
  new_row = sp_local_store_get (f->store, "service", new_id, &error);
  g_assert_cmpint (sp_hlc_compare (new_row->hlc, FUTURE_HLC), >, 0);

  /* and the next load is refused: the profile is not empty any more */
  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, N_ROWS + 1);
}

static void
test_refuses_local_rows (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;
  gint64 triggers = count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");

  json_object_set_string_member (fields, "name", "Offline angelegt");
  id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  f->changed = 0;
  g_assert_false (sp_local_store_is_empty (f->store));

  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  assert_untouched (f, 1, triggers);
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
}

static void
test_refuses_synced_profile (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *cursor = NULL;

  /* a pull that brought nothing readable still leaves a cursor */
  g_assert_true (sp_local_store_apply_pulled (f->store, none, "v1.5", &error));
  g_assert_false (sp_local_store_is_empty (f->store));
  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  cursor = sp_local_store_get_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "v1.5");
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, 0);
}

static void
alter_snapshot (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_refuses_other_schema (Fixture       *f,
                           gconstpointer  data)
{
  static const char * const changes[] = {
    /* a table of a newer version */
    "CREATE TABLE extra (x)",
    /* the same tables under another version number */
    "PRAGMA user_version = 999",
    /* a table made with other SQL: a view where the table should be */
    "ALTER TABLE service RENAME TO service_old; "
    "CREATE VIEW service AS SELECT * FROM service_old",
  };
  gint64 triggers = count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(GError) error = NULL;

      make_snapshot (f->snapshot);
      alter_snapshot (f->snapshot, changes[i]);
      g_test_message ("snapshot changed by: %s", changes[i]);
      g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
      g_assert_error (error, SP_ERROR, SP_ERROR_SCHEMA);
      assert_untouched (f, 0, triggers);
      g_assert_true (sp_local_store_is_empty (f->store));
      g_unlink (f->snapshot);
    }
}

static void
test_refuses_no_database (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;
  gint64 triggers = count (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
  const char *garbage = "{\"error\":\"not a database, an HTML page or half a download\"}";
  g_autofree char *half = NULL;
  gsize len = 0;

  g_assert_true (g_file_set_contents (f->snapshot, garbage, -1, &error));
  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("garbage: %s", error->message);
  g_clear_error (&error);
  assert_untouched (f, 0, triggers);

  /* the first half of a real snapshot (a cut download) */
  make_snapshot (f->snapshot);
  g_assert_true (g_file_get_contents (f->snapshot, &half, &len, &error));
  g_assert_true (g_file_set_contents (f->snapshot, half, len / 2, &error));
  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("half a snapshot: %s", error->message);
  g_clear_error (&error);
  assert_untouched (f, 0, triggers);

  /* a snapshot without a cursor would make the next pull start over */
  make_snapshot (f->snapshot);
  alter_snapshot (f->snapshot, "DELETE FROM meta WHERE key = 'cursor'");
  g_assert_false (sp_local_store_load_snapshot (f->store, f->snapshot, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);
  assert_untouched (f, 0, triggers);

  /* the profile works as before */
  json_object_set_string_member (fields, "name", "Danach");
  id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (search (f->store, "danach"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/snapshot/load", test_load);
  ADD ("/snapshot/refuses-local-rows", test_refuses_local_rows);
  ADD ("/snapshot/refuses-synced-profile", test_refuses_synced_profile);
  ADD ("/snapshot/refuses-other-schema", test_refuses_other_schema);
  ADD ("/snapshot/refuses-no-database", test_refuses_no_database);
#undef ADD

  return g_test_run ();
}
