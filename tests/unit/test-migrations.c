/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sp-db.h"
#include "sp-error.h"
#include "sp-migrations-private.h"
#include "test-tmpdir.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sp-migrations-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tmpdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
query_int (SpDb       *db,
           const char *sql)
{
  sqlite3_stmt *stmt = sp_db_prepare (db, sql, NULL);
  gint64 v = -1;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return v;
}

static char *
query_text (SpDb       *db,
            const char *sql)
{
  sqlite3_stmt *stmt = sp_db_prepare (db, sql, NULL);
  char *v = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return v;
}

static void
test_pragmas (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SpDb *db = sp_db_open (f->path, SP_SCHEMA_CLIENT, &error);
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  mode = query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA busy_timeout"), ==, 10000);
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 1);   /* NORMAL */
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, sp_db_latest_version (SP_SCHEMA_CLIENT));
  g_assert_cmpint (sp_db_schema_version (db), ==, sp_db_latest_version (SP_SCHEMA_CLIENT));
  g_assert_cmpint (sp_db_kind (db), ==, SP_SCHEMA_CLIENT);

  /* The statement cache hands out the same statement for the same SQL. */
  g_assert_true (sp_db_prepare (db, "SELECT 1", NULL) == sp_db_prepare (db, "SELECT 1", NULL));
  g_assert_null (sp_db_prepare (db, "SELEKT nonsense", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_STORAGE);
  sp_db_close (db);
}

/* Writes one service row using only columns that exist since client or
 * server schema version 1. */
static void
insert_v1_service (SpDb       *db,
                   const char *id,
                   const char *name,
                   const char *description)
{
  sqlite3_stmt *stmt = sp_db_prepare (db,
                                      "INSERT INTO service (id, version, hlc, deleted, name, description, documents, status) "
                                      "VALUES (?1, 3, '000000000000001:0000:old', 0, ?2, ?3, '[\"Ausweis\"]', 'published')",
                                      NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, description, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
}

static void
check_service_row (SpDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpDbRow) row = sp_db_row_read (db, sp_entity_lookup ("service"), "svc-old", &error);
  JsonArray *docs;

  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpint (row->version, ==, 3);
  g_assert_false (row->deleted);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Gewerbe anmelden");
  g_assert_cmpstr (json_object_get_string_member (row->fields, "status"), ==, "published");
  docs = json_object_get_array_member (row->fields, "documents");
  g_assert_cmpstr (json_array_get_string_element (docs, 0), ==, "Ausweis");
}

static void
test_client_from_every_version (Fixture       *f,
                                gconstpointer  data)
{
  int latest = sp_db_latest_version (SP_SCHEMA_CLIENT);

  g_assert_cmpint (latest, >=, 2);

  for (int k = 0; k < latest; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s.%d", f->path, k);
      SpDb *db;

      db = sp_db_open_at_version (path, SP_SCHEMA_CLIENT, k, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sp_db_schema_version (db), ==, k);
      g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, k);
      if (k >= 1)
        {
          insert_v1_service (db, "svc-old", "Gewerbe anmelden", "Anmeldung eines Gewerbes in Jena");
          g_assert_true (sp_db_meta_set (db, "cursor", "v1.3", &error));
          sqlite3_stmt *stmt = sp_db_prepare (db,
                                              "INSERT INTO outbox (change_id, entity, row_id, base_version, hlc, op, fields) "
                                              "VALUES ('ch-1', 'service', 'svc-old', 3, '000000000000002:0000:old', 'upsert', '{}')",
                                              NULL);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          sqlite3_reset (stmt);
        }
      if (k < 2)
        g_assert_false (sp_db_table_exists (db, "service_fts"));
      sp_db_close (db);

      db = sp_db_open (path, SP_SCHEMA_CLIENT, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sp_db_schema_version (db), ==, latest);
      g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, latest);
      g_assert_true (sp_db_table_exists (db, "service_fts"));

      if (k >= 1)
        {
          g_autofree char *cursor = sp_db_meta_get (db, "cursor");

          check_service_row (db);
          g_assert_cmpstr (cursor, ==, "v1.3");
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE change_id = 'ch-1'"), ==, 1);
          /* Rows from before the FTS table existed are found (backfill),
           * umlaut-insensitively. */
          /* (Rows written at version 2 or later wait in fts_pending.) */
          g_assert_true (sp_db_update_search_index (db, NULL));
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'gewerbe'"), ==, 1);
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'jena'"), ==, 1);
        }

      /* New rows are indexed by the triggers; updates re-index. */
      insert_v1_service (db, "svc-new", "Hund anmelden", "Hundesteuer für Müller");
      g_assert_true (sp_db_search_index_pending (db));
      g_assert_true (sp_db_update_search_index (db, NULL));
      g_assert_false (sp_db_search_index_pending (db));
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'muller'"), ==, 1);
      g_assert_cmpint (sp_db_exec (db, "UPDATE service SET name = 'Katze melden' WHERE id = 'svc-new'", NULL), ==, TRUE);
      /* Not yet indexed: the old text is still found until the update. */
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'hund'"), ==, 1);
      g_assert_true (sp_db_update_search_index (db, NULL));
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'hund'"), ==, 0);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'katze'"), ==, 1);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'hundesteuer'"), ==, 1);
      /* Deleted rows leave the index; unchanged rows are not re-marked. */
      g_assert_true (sp_db_exec (db, "DELETE FROM service WHERE id = 'svc-new'", NULL));
      g_assert_true (sp_db_update_search_index (db, NULL));
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'katze'"), ==, 0);
      g_assert_true (sp_db_exec (db, "UPDATE service SET version = version + 1", NULL));
      g_assert_false (sp_db_search_index_pending (db));
      sp_db_close (db);
    }
}

static void
test_server_from_every_version (Fixture       *f,
                                gconstpointer  data)
{
  int latest = sp_db_latest_version (SP_SCHEMA_SERVER);
  const char *tables[] = { "service", "conflict", "field_clock", "applied_change",
                           "users", "tokens", "version_seq", "meta" };

  g_assert_cmpint (latest, >=, 1);

  for (int k = 0; k <= latest; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s.s%d", f->path, k);
      SpDb *db;

      db = sp_db_open_at_version (path, SP_SCHEMA_SERVER, k, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sp_db_schema_version (db), ==, k);
      if (k >= 1)
        {
          insert_v1_service (db, "svc-old", "Gewerbe anmelden", "Gewerbe");
          g_assert_true (sp_db_exec (db,
                                     "INSERT INTO users (name, password_hash, roles) VALUES ('anna', 'x', 'editor');"
                                     "INSERT INTO tokens (token_hash, user, expires) VALUES ('abc', 'anna', 99);"
                                     "INSERT INTO field_clock VALUES ('service', 'svc-old', 'name', '000000000000001:0000:old', 3);"
                                     "INSERT INTO applied_change VALUES ('ch-1', 3, 'applied');"
                                     "UPDATE version_seq SET value = 3;",
                                     &error));
          g_assert_no_error (error);
        }
      sp_db_close (db);

      db = sp_db_open (path, SP_SCHEMA_SERVER, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sp_db_schema_version (db), ==, latest);
      for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
        g_assert_true (sp_db_table_exists (db, tables[i]));
      g_assert_false (sp_db_table_exists (db, "outbox"));
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM version_seq"), ==, 1);

      if (k >= 1)
        {
          check_service_row (db);
          g_assert_cmpint (query_int (db, "SELECT value FROM version_seq"), ==, 3);
          g_assert_cmpint (query_int (db, "SELECT version FROM field_clock WHERE row_id = 'svc-old'"), ==, 3);
          g_assert_cmpint (query_int (db, "SELECT expires FROM tokens WHERE user = 'anna'"), ==, 99);
          /* Foreign keys are enforced: a token needs its user. */
          g_assert_false (sp_db_exec (db, "INSERT INTO tokens VALUES ('t2', 'nobody', 1)", NULL));
        }
      else
        g_assert_cmpint (query_int (db, "SELECT value FROM version_seq"), ==, 0);
      sp_db_close (db);
    }
}

static void
test_newer_schema_refused (Fixture       *f,
                           gconstpointer  data)
{
  for (int kind = SP_SCHEMA_CLIENT; kind <= SP_SCHEMA_SERVER; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s.n%d", f->path, kind);
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d",
                                                 sp_db_latest_version (kind) + 1);
      SpDb *db = sp_db_open (path, kind, &error);

      g_assert_no_error (error);
      g_assert_true (sp_db_exec (db, pragma, NULL));
      sp_db_close (db);

      db = sp_db_open (path, kind, &error);
      g_assert_null (db);
      g_assert_error (error, SP_ERROR, SP_ERROR_SCHEMA);
    }
}

static void
test_row_codec (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const SpEntity *service = sp_entity_lookup ("service");
  const SpEntity *conflict = sp_entity_lookup ("conflict");
  SpDb *db = sp_db_open (f->path, SP_SCHEMA_CLIENT, &error);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) partial = json_object_new ();
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(JsonObject) cfields = json_object_new ();
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(SpDbRow) crow = NULL;
  JsonArray *docs = json_array_new ();

  g_assert_no_error (error);

  json_array_add_string_element (docs, "Personalausweis");
  json_array_add_string_element (docs, "Mietvertrag \"Kopie\"");
  json_object_set_string_member (fields, "name", "Wohnung anmelden");
  json_object_set_array_member (fields, "documents", docs);
  json_object_set_string_member (fields, "office", "Bürgerservice");
  json_object_set_string_member (fields, "status", "published");
  g_assert_true (sp_db_row_write (db, service, "s1", 4, "000000000000009:0000:n", FALSE,
                                  "ch-9", fields, &error));
  g_assert_no_error (error);

  /* Partial update: only "office" changes, "name" stays. */
  json_object_set_string_member (partial, "office", "Rathaus");
  g_assert_true (sp_db_row_write (db, service, "s1", 5, "000000000000010:0000:n", FALSE,
                                  NULL, partial, &error));

  row = sp_db_row_read (db, service, "s1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (row->version, ==, 5);
  g_assert_cmpstr (row->hlc, ==, "000000000000010:0000:n");
  g_assert_null (row->change_id);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Wohnung anmelden");
  g_assert_cmpstr (json_object_get_string_member (row->fields, "office"), ==, "Rathaus");
  g_assert_true (json_object_get_null_member (row->fields, "fees"));
  docs = json_object_get_array_member (row->fields, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (docs, 1), ==, "Mietvertrag \"Kopie\"");

  g_assert_null (sp_db_row_read (db, service, "missing", &error));
  g_assert_no_error (error);

  /* Names outside the registry never reach SQL. */
  json_object_set_string_member (bad, "name\" = 1; DROP TABLE service; --", "x");
  g_assert_false (sp_db_row_write (db, service, "s1", 6, "000000000000011:0000:n", FALSE,
                                   NULL, bad, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD);
  g_clear_error (&error);
  g_assert_true (sp_db_table_exists (db, "service"));

  /* Booleans round-trip. */
  json_object_set_boolean_member (cfields, "resolved", TRUE);
  json_object_set_string_member (cfields, "entity", "service");
  g_assert_true (sp_db_row_write (db, conflict, "c1", 1, "000000000000011:0000:n", FALSE,
                                  NULL, cfields, &error));
  crow = sp_db_row_read (db, conflict, "c1", &error);
  g_assert_true (json_object_get_boolean_member (crow->fields, "resolved"));

  /* Transactions roll back. */
  g_assert_true (sp_db_begin (db, &error));
  g_assert_true (sp_db_meta_set (db, "k", "v", &error));
  sp_db_rollback (db);
  g_assert_null (sp_db_meta_get (db, "k"));
  g_assert_true (sp_db_meta_set (db, "k", "v2", &error));
  {
    g_autofree char *v = sp_db_meta_get (db, "k");
    g_assert_cmpstr (v, ==, "v2");
  }

  sp_db_close (db);
}

/* A reader connection (worker threads) sees the last committed state while
 * the owner writes, never writes, and fails clearly without a file. */
static void
test_reader (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  SpDb *db = sp_db_open (f->path, SP_SCHEMA_CLIENT, &error);
  sqlite3 *reader;
  sqlite3_stmt *count = NULL;

  g_assert_no_error (error);
  reader = sp_db_open_reader (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM meta WHERE key = 'r'", -1, &count, NULL), ==, SQLITE_OK);

  g_assert_true (sp_db_begin (db, &error));
  g_assert_true (sp_db_meta_set (db, "r", "1", &error));
  g_assert_cmpint (sqlite3_step (count), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (count, 0), ==, 0);   /* not committed yet */
  sqlite3_reset (count);
  g_assert_true (sp_db_commit (db, &error));
  g_assert_cmpint (sqlite3_step (count), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (count, 0), ==, 1);
  sqlite3_finalize (count);
  g_assert_cmpint (sqlite3_exec (reader, "DELETE FROM meta", NULL, NULL, NULL), ==, SQLITE_READONLY);
  sqlite3_close (reader);
  sp_db_close (db);

  g_assert_null (sp_db_open_reader (missing, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_STORAGE);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* The query plan of @sql, one line per step. */
static char *
query_plan (SpDb       *db,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  sqlite3_stmt *stmt = NULL;
  GString *plan = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (sp_db_handle (db), explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (plan, FALSE);
}

/* The feedback inbox's lists (the SQL shapes SpRowListModel builds for
 * them: newest first, by state, by service, a date range, the state
 * counts) read the index alone and never sort 100 000 rows. */
static void
test_feedback_list_plans (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const lists[] = {
    "SELECT rowid FROM \"feedback\" WHERE deleted = 0 ORDER BY \"created\" COLLATE NOCASE DESC, rowid DESC",
    "SELECT rowid FROM \"feedback\" WHERE deleted = 0 ORDER BY \"created\" COLLATE NOCASE, rowid",
    "SELECT rowid FROM \"feedback\" WHERE deleted = 0 AND \"state\" IN (?) ORDER BY \"created\" COLLATE NOCASE DESC, rowid DESC",
    "SELECT rowid FROM \"feedback\" WHERE deleted = 0 AND \"service_id\" IN (?) ORDER BY \"created\" COLLATE NOCASE DESC, rowid DESC",
    "SELECT rowid FROM \"feedback\" WHERE deleted = 0 AND \"created\" >= ? AND \"created\" <= ? ORDER BY \"created\" COLLATE NOCASE DESC, rowid DESC",
    "SELECT \"state\", count(*) FROM \"feedback\" WHERE deleted = 0 GROUP BY 1",
  };
  g_autoptr(GError) error = NULL;
  SpDb *db = sp_db_open (f->path, SP_SCHEMA_CLIENT, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autofree char *plan = query_plan (db, lists[i]);

      if (strstr (plan, "COVERING INDEX") == NULL || strstr (plan, "TEMP B-TREE") != NULL)
        g_error ("%s\nreads the table or sorts:\n%s", lists[i], plan);
    }
  sp_db_close (db);
}

/* Released migrations must never change: an old database was created
 * with exactly this text. Add a new migration instead. */
static void
test_migrations_frozen (void)
{
  static const struct { SpSchemaKind kind; int version; const char *sha256; } frozen[] = {
#include "migration-checksums.inc"
  };
  guint n_checked = 0;

  for (int kind = SP_SCHEMA_CLIENT; kind <= SP_SCHEMA_SERVER; kind++)
    {
      guint n;
      const SpMigration *migrations = _sp_migrations_get (kind, &n);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                                migrations[i].sql, -1);

          g_assert_cmpint (migrations[i].version, ==, (int) i + 1);
          for (guint j = 0; j < G_N_ELEMENTS (frozen); j++)
            {
              if (frozen[j].kind == (SpSchemaKind) kind && frozen[j].version == migrations[i].version)
                {
                  if (g_strcmp0 (sum, frozen[j].sha256) != 0)
                    g_error ("%s migration %d was changed after release (sha256 %s)",
                             kind == SP_SCHEMA_CLIENT ? "client" : "server",
                             migrations[i].version, sum);
                  n_checked++;
                }
            }
        }
    }

  g_assert_cmpuint (n_checked, ==, G_N_ELEMENTS (frozen));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/db/pragmas", Fixture, NULL, fixture_setup, test_pragmas, fixture_teardown);
  g_test_add ("/db/row-codec", Fixture, NULL, fixture_setup, test_row_codec, fixture_teardown);
  g_test_add ("/migrations/client-from-every-version", Fixture, NULL,
              fixture_setup, test_client_from_every_version, fixture_teardown);
  g_test_add ("/migrations/server-from-every-version", Fixture, NULL,
              fixture_setup, test_server_from_every_version, fixture_teardown);
  g_test_add ("/migrations/newer-schema-refused", Fixture, NULL,
              fixture_setup, test_newer_schema_refused, fixture_teardown);
  g_test_add_func ("/migrations/frozen", test_migrations_frozen);
  g_test_add ("/db/reader", Fixture, NULL, fixture_setup, test_reader, fixture_teardown);
  g_test_add ("/migrations/feedback-list-plans", Fixture, NULL,
              fixture_setup, test_feedback_list_plans, fixture_teardown);

  return g_test_run ();
}
