/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-competence-migrations"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sp-db.h"
#include "sp-entity.h"

/* The competence and training tables appear when a database of any older
 * version is opened, match the registry column for column, and the
 * person's own self-check tables exist only on the client. */

static const char * const client_only[] = {
  "selfcheck_run", "selfcheck_answer", "selfcheck_result", "training_mark", NULL,
};
static const char * const server_only[] = {
  "competence_submission", "competence_submission_level", "training_demand", NULL,
};

static gboolean
has_column (SpDb       *db,
            const char *table,
            const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') WHERE name = ?1", table);
  sqlite3_stmt *stmt = sp_db_prepare (db, sql, NULL);
  gboolean found;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, column, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  found = sqlite3_column_int (stmt, 0) == 1;
  sqlite3_reset (stmt);
  return found;
}

static void
assert_registry_tables (SpDb *db)
{
  static const char * const base[] = { "id", "version", "hlc", "deleted", "change_id" };
  const SpEntity * const *all;
  guint n = 0;

  all = sp_entity_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (sp_db_table_exists (db, all[i]->name));
      for (guint b = 0; b < G_N_ELEMENTS (base); b++)
        g_assert_true (has_column (db, all[i]->name, base[b]));
      for (guint f = 0; f < all[i]->n_fields; f++)
        if (!has_column (db, all[i]->name, all[i]->fields[f].name))
          g_error ("%s.%s is missing", all[i]->name, all[i]->fields[f].name);
    }
}

static void
test_from_every_version (gconstpointer data)
{
  SpSchemaKind kind = GPOINTER_TO_INT (data);
  int latest = sp_db_latest_version (kind);
  g_autofree char *dir = g_dir_make_tmp ("sp-cmig-XXXXXX", NULL);

  for (int k = 0; k <= latest; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s/db.%d", dir, k);
      const char * const *mine = kind == SP_SCHEMA_CLIENT ? client_only : server_only;
      const char * const *theirs = kind == SP_SCHEMA_CLIENT ? server_only : client_only;
      SpDb *db;

      db = sp_db_open_at_version (path, kind, k, &error);
      g_assert_no_error (error);
      if (k >= 1)
        g_assert_true (sp_db_exec (db, "INSERT INTO service (id, hlc, name) VALUES ('s1', '000000000000001:0000:n', 'Alt')", NULL));
      sp_db_close (db);

      db = sp_db_open (path, kind, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sp_db_schema_version (db), ==, latest);
      assert_registry_tables (db);
      for (guint i = 0; mine[i]; i++)
        g_assert_true (sp_db_table_exists (db, mine[i]));
      for (guint i = 0; theirs[i]; i++)
        g_assert_false (sp_db_table_exists (db, theirs[i]));
      if (k >= 1)
        {
          sqlite3_stmt *stmt = sp_db_prepare (db, "SELECT name FROM service WHERE id = 's1'", NULL);

          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "Alt");
          sqlite3_reset (stmt);
        }

      if (kind == SP_SCHEMA_CLIENT)
        {
          /* Deleting a run deletes its answers and results. */
          g_assert_true (sp_db_exec (db,
                                     "INSERT INTO selfcheck_run (id, catalogue_id, year, started) VALUES ('r', 'digcomp.1', 2026, '2026-03-01');"
                                     "INSERT INTO selfcheck_answer (run_id, question_id, option_ids) VALUES ('r', 'q', '[\"o\"]');"
                                     "INSERT INTO selfcheck_result (run_id, competence_code, level) VALUES ('r', '1.1', 3);"
                                     "INSERT INTO training_mark (item_id, state) VALUES ('training.x', 'planned');"
                                     "DELETE FROM selfcheck_run WHERE id = 'r';",
                                     &error));
          g_assert_no_error (error);
          {
            sqlite3_stmt *stmt = sp_db_prepare (db, "SELECT (SELECT count(*) FROM selfcheck_answer) + (SELECT count(*) FROM selfcheck_result)", NULL);

            g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
            g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
            sqlite3_reset (stmt);
          }
          g_assert_false (sp_db_exec (db, "INSERT INTO training_mark (item_id, state) VALUES ('training.y', 'maybe')", NULL));
        }
      else
        {
          /* Levels are 1..5; a submission's levels go with it. */
          g_assert_true (sp_db_exec (db,
                                     "INSERT INTO competence_submission VALUES ('x', 'digcomp', 1, 'FD A', 2026);"
                                     "INSERT INTO competence_submission_level VALUES ('x', '1.1', 5);",
                                     NULL));
          g_assert_false (sp_db_exec (db, "INSERT INTO competence_submission_level VALUES ('x', '1.2', 6)", NULL));
          g_assert_true (sp_db_exec (db, "DELETE FROM competence_submission", NULL));
          {
            sqlite3_stmt *stmt = sp_db_prepare (db, "SELECT count(*) FROM competence_submission_level", NULL);

            g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
            g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
            sqlite3_reset (stmt);
          }
        }
      sp_db_close (db);
      g_unlink (path);
      {
        g_autofree char *wal = g_strconcat (path, "-wal", NULL);
        g_autofree char *shm = g_strconcat (path, "-shm", NULL);
        g_unlink (wal);
        g_unlink (shm);
      }
    }
  g_rmdir (dir);
}

static void
test_frozen_rules (void)
{
  const SpEntity *cat = sp_entity_lookup ("competence_catalogue");
  const SpEntity *option = sp_entity_lookup ("competence_option");
  const SpEntity *question = sp_entity_lookup ("competence_question");
  const SpEntity *training = sp_entity_lookup ("training_item");
  static const char * const hr[] = { "hr", "staff", NULL };
  static const char * const trainer[] = { "trainer", "staff", NULL };
  static const char * const staff[] = { "staff", NULL };

  g_assert_nonnull (cat);
  g_assert_cmpstr (cat->frozen_field, ==, "status");
  g_assert_cmpstr (cat->frozen_value, ==, "published");
  g_assert_true (sp_entity_can_freeze (cat));
  /* option -> question -> catalogue: every parent entity exists and has
   * the field the child names */
  g_assert_cmpstr (option->parent_entity, ==, "competence_question");
  g_assert_cmpstr (question->parent_entity, ==, "competence_catalogue");
  g_assert_nonnull (sp_entity_get_field (option, option->parent_field));
  g_assert_nonnull (sp_entity_get_field (question, question->parent_field));
  g_assert_false (sp_entity_can_freeze (training));
  g_assert_false (sp_entity_can_freeze (sp_entity_lookup ("service")));

  g_assert_true (sp_entity_can_write (cat, hr));
  g_assert_true (sp_entity_can_write (cat, trainer));
  g_assert_false (sp_entity_can_write (cat, staff));
  g_assert_true (sp_entity_can_read (cat, staff));
  g_assert_true (sp_entity_can_write (training, trainer));
  g_assert_false (sp_entity_can_write (training, hr));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/competence/migrations/client-from-every-version",
                        GINT_TO_POINTER (SP_SCHEMA_CLIENT), test_from_every_version);
  g_test_add_data_func ("/competence/migrations/server-from-every-version",
                        GINT_TO_POINTER (SP_SCHEMA_SERVER), test_from_every_version);
  g_test_add_func ("/competence/registry/frozen-rules", test_frozen_rules);

  return g_test_run ();
}
