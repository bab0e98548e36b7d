/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sp-error.h"
#include "sp-row-list-model.h"
#include "test-tmpdir.h"

typedef struct {
  char         *dir;
  char         *path;
  SpLocalStore *store;
} Fixture;

typedef struct {
  guint n_signals;
  guint position, removed, added;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *ic)
{
  ic->n_signals++;
  ic->position = position;
  ic->removed = removed;
  ic->added = added;
}

static SpChange *
pulled (const char *id,
        gint64      version,
        const char *name,
        const char *office)
{
  SpChange *change = sp_change_new ();

  change->change_id = g_strdup_printf ("srv-%s", id);
  change->entity = g_strdup ("service");
  change->id = g_strdup (id);
  change->version = version;
  change->hlc = g_strdup_printf ("0017000000%05" G_GINT64_FORMAT ":0000:server", version);
  json_object_set_string_member (change->fields, "name", name);
  if (office)
    json_object_set_string_member (change->fields, "office", office);
  {
    JsonArray *docs = json_array_new ();
    json_array_add_string_element (docs, "Personalausweis");
    json_array_add_string_element (docs, "Foto");
    json_object_set_array_member (change->fields, "documents", docs);
  }
  return change;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  SpChange *gone;

  f->dir = g_dir_make_tmp ("sp-row-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "profile.db", NULL);
  f->store = sp_local_store_open (f->path, &error);
  g_assert_no_error (error);

  g_ptr_array_add (page, pulled ("s1", 1, "Wohnung anmelden", "Bürgerservice"));
  g_ptr_array_add (page, pulled ("s2", 2, "anwohnerparkausweis", "Straßenverkehrsamt"));
  g_ptr_array_add (page, pulled ("s3", 3, "Hund anmelden", "Steueramt Müller-Haus"));
  g_ptr_array_add (page, pulled ("s4", 4, "Baugenehmigung", "Bauordnungsamt"));
  g_ptr_array_add (page, pulled ("s5", 5, "Zweitwohnsitzsteuer", NULL));
  gone = pulled ("s6", 6, "Abgeschafft anmelden", NULL);
  gone->op = SP_OP_DELETE;
  g_ptr_array_add (page, gone);
  g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.6", &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_tmpdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static const char *
name_at (SpRowListModel *model,
         guint           position)
{
  g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (model), position);
  static char buf[256];

  g_assert_nonnull (row);
  g_strlcpy (buf, sp_row_get_string (row, "name"), sizeof buf);
  return buf;
}

static guint
n_items (SpRowListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static void
test_count_and_order (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "service", "name");
  g_autoptr(SpRow) row = NULL;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == SP_TYPE_ROW);
  /* The deleted row is not listed. */
  g_assert_cmpuint (n_items (model), ==, 5);
  /* Case-insensitive order. */
  g_assert_cmpstr (name_at (model, 0), ==, "anwohnerparkausweis");
  g_assert_cmpstr (name_at (model, 1), ==, "Baugenehmigung");
  g_assert_cmpstr (name_at (model, 2), ==, "Hund anmelden");
  g_assert_cmpstr (name_at (model, 3), ==, "Wohnung anmelden");
  g_assert_cmpstr (name_at (model, 4), ==, "Zweitwohnsitzsteuer");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 5));

  row = g_list_model_get_item (G_LIST_MODEL (model), 3);
  g_assert_cmpstr (sp_row_get_id (row), ==, "s1");
  g_assert_cmpstr (sp_row_get_entity (row), ==, "service");
  g_assert_cmpint (sp_row_get_version (row), ==, 1);
  g_assert_cmpstr (sp_row_get_string (row, "office"), ==, "Bürgerservice");
  g_assert_cmpstr (sp_row_get_string (row, "documents"), ==, "Personalausweis, Foto");
  g_assert_cmpstr (sp_row_get_string (row, "fees"), ==, "");
  g_assert_cmpstr (sp_row_get_string (row, "no_such_field"), ==, "");
  g_assert_false (sp_row_get_pending (row));
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "service", "name");

  sp_row_list_model_set_search (model, "anmel");
  g_assert_cmpstr (sp_row_list_model_get_search (model), ==, "anmel");
  g_assert_cmpuint (n_items (model), ==, 2);   /* not the deleted one */
  g_assert_cmpstr (name_at (model, 0), ==, "Hund anmelden");
  g_assert_cmpstr (name_at (model, 1), ==, "Wohnung anmelden");

  /* All words must match, each as a prefix. */
  sp_row_list_model_set_search (model, "wohn anm");
  g_assert_cmpuint (n_items (model), ==, 1);
  g_assert_cmpstr (name_at (model, 0), ==, "Wohnung anmelden");

  /* Umlauts: typed with or without, in other fields too. */
  sp_row_list_model_set_search (model, "Bürger");
  g_assert_cmpuint (n_items (model), ==, 1);
  g_assert_cmpstr (name_at (model, 0), ==, "Wohnung anmelden");
  sp_row_list_model_set_search (model, "burgerserv");
  g_assert_cmpuint (n_items (model), ==, 1);
  sp_row_list_model_set_search (model, "MÜLLER");
  g_assert_cmpuint (n_items (model), ==, 1);
  g_assert_cmpstr (name_at (model, 0), ==, "Hund anmelden");

  /* Query syntax in user input is taken literally and never fails. */
  sp_row_list_model_set_search (model, "\"anmel");
  g_assert_cmpuint (n_items (model), ==, 2);
  sp_row_list_model_set_search (model, "hund AND OR NOT (");
  g_assert_cmpuint (n_items (model), ==, 0);
  sp_row_list_model_set_search (model, "*");
  g_assert_cmpuint (n_items (model), ==, 5);
  sp_row_list_model_set_search (model, "nichtvorhanden");
  g_assert_cmpuint (n_items (model), ==, 0);

  sp_row_list_model_set_search (model, "");
  g_assert_null (sp_row_list_model_get_search (model));
  g_assert_cmpuint (n_items (model), ==, 5);
}

static void
test_find (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "service", "name");

  g_assert_cmpint (sp_row_list_model_find (model, "s2"), ==, 0);
  g_assert_cmpint (sp_row_list_model_find (model, "s5"), ==, 4);
  g_assert_cmpint (sp_row_list_model_find (model, "s6"), ==, -1);   /* deleted */
  g_assert_cmpint (sp_row_list_model_find (model, "nope"), ==, -1);

  sp_row_list_model_set_search (model, "anmel");
  g_assert_cmpint (sp_row_list_model_find (model, "s1"), ==, 1);
  g_assert_cmpint (sp_row_list_model_find (model, "s2"), ==, -1);
}

static void
test_reload_after_save (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "service", "name");
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  ItemsChanged ic = { 0 };
  int pos;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &ic);

  json_object_set_string_member (fields, "name", "Führungszeugnis beantragen");
  id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ic.n_signals, ==, 1);
  g_assert_cmpuint (ic.position, ==, 0);
  g_assert_cmpuint (ic.removed, ==, 5);
  g_assert_cmpuint (ic.added, ==, 6);
  g_assert_cmpuint (n_items (model), ==, 6);

  pos = sp_row_list_model_find (model, id);
  g_assert_cmpint (pos, ==, 2);   /* after Baugenehmigung */
  {
    g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (model), (guint) pos);
    g_assert_cmpstr (sp_row_get_string (row, "name"), ==, "Führungszeugnis beantragen");
    g_assert_true (sp_row_get_pending (row));
  }

  /* Renaming moves it; the cached item is not served stale. */
  json_object_set_string_member (fields, "name", "Zulassung");
  g_free (sp_local_store_save (f->store, "service", id, fields, &error));
  g_assert_cmpuint (ic.n_signals, ==, 2);
  g_assert_cmpint (sp_row_list_model_find (model, id), ==, 4);
  g_assert_cmpstr (name_at (model, 4), ==, "Zulassung");

  /* Deleting removes it. */
  g_assert_true (sp_local_store_delete (f->store, "service", id, &error));
  g_assert_cmpuint (n_items (model), ==, 5);
  g_assert_cmpint (sp_row_list_model_find (model, id), ==, -1);

  /* Other entities do not disturb the list. */
  sp_local_store_emit_changed (f->store, "conflict");
  g_assert_cmpuint (ic.n_signals, ==, 3);
  /* Nor does a sync that wrote nothing of this table (the selection in
   * the view stays); one that did reloads. */
  sp_local_store_emit_changed (f->store, NULL);
  g_assert_cmpuint (ic.n_signals, ==, 3);
  {
    g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_ptr_array_add (page, pulled ("s7", 7, "Gewerbe anmelden", NULL));
    g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.7", &error));
    g_assert_no_error (error);
  }
  sp_local_store_emit_changed (f->store, NULL);
  g_assert_cmpuint (ic.n_signals, ==, 4);
  g_assert_cmpuint (n_items (model), ==, 6);
}

static void
test_like_fallback (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(SpRowListModel) model = NULL;
  const char *fields_list[][2] = { { "c1", "name" }, { "c2", "office" }, { "c3", "descr_100%" } };

  for (guint i = 0; i < G_N_ELEMENTS (fields_list); i++)
    {
      SpChange *c = sp_change_new ();
      c->change_id = g_strdup_printf ("cc%u", i);
      c->entity = g_strdup ("conflict");
      c->id = g_strdup (fields_list[i][0]);
      c->version = 10 + i;
      c->hlc = g_strdup ("001700000000000:0000:server");
      json_object_set_string_member (c->fields, "entity", "service");
      json_object_set_string_member (c->fields, "row_id", "s1");
      json_object_set_string_member (c->fields, "field", fields_list[i][1]);
      json_object_set_boolean_member (c->fields, "resolved", FALSE);
      g_ptr_array_add (page, c);
    }
  g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.12", &error));

  model = sp_row_list_model_new (f->store, "conflict", "field");
  g_assert_cmpuint (n_items (model), ==, 3);
  g_assert_cmpstr (name_at (model, 0), ==, "");   /* conflicts have no name */
  sp_row_list_model_set_search (model, "offi");
  g_assert_cmpuint (n_items (model), ==, 1);
  {
    g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpstr (sp_row_get_id (row), ==, "c2");
    g_assert_cmpstr (sp_row_get_string (row, "resolved"), ==, "false");
  }
  /* LIKE wildcards in the search text are literal. */
  sp_row_list_model_set_search (model, "100%");
  g_assert_cmpuint (n_items (model), ==, 1);
  sp_row_list_model_set_search (model, "_");
  g_assert_cmpuint (n_items (model), ==, 1);   /* only "descr_100%" has one */
}

static void
test_100k_rows (Fixture       *f,
                gconstpointer  data)
{
  SpDb *db = sp_local_store_get_db (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpRowListModel) model = NULL;
  gint64 start, elapsed, best = G_MAXINT64;

  g_assert_true (sp_db_exec (db,
                             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
                             "INSERT INTO service (id, version, hlc, deleted, name, office, status) "
                             "SELECT 'bulk-' || i, i + 10, '001700000000000:0000:server', 0, "
                             "'Dienst ' || ((i * 7919) % 100000), 'Amt ' || (i % 50), 'published' FROM n",
                             &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  model = sp_row_list_model_new (f->store, "service", "name");
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (n_items (model), ==, 100005);

  for (int i = 0; i < 3; i++)
    {
      start = g_get_monotonic_time ();
      sp_row_list_model_reload (model);
      best = MIN (best, g_get_monotonic_time () - start);
    }
  g_test_message ("id list of 100 005 rows: first %.1f ms, best reload %.1f ms",
                  elapsed / 1000.0, best / 1000.0);
  /* Well under 100 ms on a normal machine; generous for a busy CI box. */
  g_assert_cmpint (best, <, 250 * 1000);

  /* Scrolling to the middle builds only what is asked for. */
  start = g_get_monotonic_time ();
  for (guint i = 50000; i < 50100; i++)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_true (g_str_has_prefix (sp_row_get_string (row, "name"), "Dienst "));
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("100 items from the middle: %.1f ms", elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, 250 * 1000);

  start = g_get_monotonic_time ();
  sp_row_list_model_set_search (model, "dienst 4242");
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("search in 100 005 rows: %.1f ms, %u hits", elapsed / 1000.0, n_items (model));
  g_assert_cmpuint (n_items (model), >=, 1);
  g_assert_cmpstr (name_at (model, 0), ==, "Dienst 4242");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/row-list-model/count-and-order", test_count_and_order);
  ADD ("/row-list-model/search", test_search);
  ADD ("/row-list-model/find", test_find);
  ADD ("/row-list-model/reload-after-save", test_reload_after_save);
  ADD ("/row-list-model/like-fallback", test_like_fallback);
  ADD ("/row-list-model/100k-rows", test_100k_rows);

  return g_test_run ();
}
