/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>

#include "sp-row-list-model.h"
#include "test-tmpdir.h"

/* The triage inbox's filters and column sort orders on SpRowListModel:
 * what a person filtering and sorting the feedback list sees. */

typedef struct {
  char         *dir;
  SpLocalStore *store;
} Fixture;

static void
add_feedback (SpLocalStore *store,
              const char   *id,
              const char   *ticket,
              const char   *service_id,
              gint64        rating,
              const char   *state,
              const char   *created,
              const char   *tag)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  json_object_set_string_member (fields, "ticket", ticket);
  json_object_set_string_member (fields, "service_id", service_id);
  json_object_set_int_member (fields, "rating", rating);
  json_object_set_string_member (fields, "text", "Das Formular war verständlich");
  json_object_set_string_member (fields, "channel", "web");
  json_object_set_string_member (fields, "state", state);
  json_object_set_string_member (fields, "created", created);
  if (tag != NULL)
    {
      JsonArray *tags = json_array_new ();

      json_array_add_string_element (tags, tag);
      json_object_set_array_member (fields, "tags", tags);
    }
  saved = sp_local_store_save (store, "feedback", id, fields, &error);
  g_assert_no_error (error);
}

static void
add_service (SpLocalStore *store,
             const char   *id,
             const char   *name)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  json_object_set_string_member (fields, "name", name);
  saved = sp_local_store_save (store, "service", id, fields, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("sp-row-list-filter-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "profile.db", NULL);
  f->store = sp_local_store_open (path, &error);
  g_assert_no_error (error);

  add_service (f->store, "svc-a", "Wohnung anmelden");
  add_service (f->store, "svc-b", "Anwohnerparken");
  add_feedback (f->store, "f1", "FB-1", "svc-a", 5, "new", "2026-01-05T10:00:00Z", "lob");
  add_feedback (f->store, "f2", "FB-2", "svc-b", 1, "closed", "2026-02-01T10:00:00Z", NULL);
  add_feedback (f->store, "f3", "FB-3", "svc-a", 2, "in_progress", "2026-03-01T10:00:00Z", "formular");
  add_feedback (f->store, "f4", "FB-4", "", 0, "new", "2026-03-15T10:00:00Z", "formular");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_tmpdir (f->dir);
  g_free (f->dir);
}

/* The tickets in list order, comma separated. */
static char *
tickets (SpRowListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(SpRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_string_append_printf (s, "%s%s", i ? "," : "", sp_row_get_string (row, "ticket"));
    }
  return g_string_free (s, FALSE);
}

static void
count_reload (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              guint      *changes)
{
  (*changes)++;
}

#define ASSERT_TICKETS(model, expected) \
  G_STMT_START { g_autofree char *t_ = tickets (model); g_assert_cmpstr (t_, ==, expected); } G_STMT_END

static void
test_values_and_ranges (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "feedback", "created");
  const char *open_states[] = { "new", "in_progress", NULL };
  const char *formular[] = { "formular", NULL };
  const char *no_service[] = { "", NULL };

  ASSERT_TICKETS (model, "FB-1,FB-2,FB-3,FB-4");

  sp_row_list_model_set_filter_values (model, "state", open_states);
  ASSERT_TICKETS (model, "FB-1,FB-3,FB-4");
  sp_row_list_model_set_filter_range (model, "rating", "2", NULL);
  ASSERT_TICKETS (model, "FB-1,FB-3");
  sp_row_list_model_set_filter_range (model, "rating", NULL, NULL);
  sp_row_list_model_set_filter_range (model, "created", "2026-02-01", "2026-03-10T23:59:59Z");
  ASSERT_TICKETS (model, "FB-3");
  sp_row_list_model_set_filter_range (model, "created", NULL, NULL);
  sp_row_list_model_set_filter_values (model, "tags", formular);
  ASSERT_TICKETS (model, "FB-3,FB-4");
  sp_row_list_model_set_filter_values (model, "service_id", no_service);
  ASSERT_TICKETS (model, "FB-4");

  /* Full-text search combines with the filters. */
  sp_row_list_model_set_filter_values (model, "service_id", NULL);
  sp_row_list_model_set_search (model, "FB 3");
  ASSERT_TICKETS (model, "FB-3");

  sp_row_list_model_clear_filters (model);
  g_assert_null (sp_row_list_model_get_search (model));
  ASSERT_TICKETS (model, "FB-1,FB-2,FB-3,FB-4");
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "feedback", "created");
  g_autofree char *id = NULL;

  sp_row_list_model_set_sort (model, "created", NULL, TRUE);
  ASSERT_TICKETS (model, "FB-4,FB-3,FB-2,FB-1");
  /* Ratings as numbers, states in their workflow order. */
  sp_row_list_model_set_sort (model, "rating", NULL, FALSE);
  ASSERT_TICKETS (model, "FB-4,FB-2,FB-3,FB-1");
  sp_row_list_model_set_sort (model, "state", NULL, FALSE);
  ASSERT_TICKETS (model, "FB-1,FB-4,FB-3,FB-2");
  /* Services by their names: Anwohnerparken before Wohnung anmelden. */
  sp_row_list_model_set_sort (model, "service_id", "service.name", FALSE);
  ASSERT_TICKETS (model, "FB-4,FB-2,FB-1,FB-3");

  id = sp_row_list_model_get_id (model, 1);
  g_assert_cmpstr (id, ==, "f2");
  g_assert_null (sp_row_list_model_get_id (model, 4));
}

static void
test_freeze_and_counts (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SpRowListModel) model = sp_row_list_model_new (f->store, "feedback", "created");
  g_autoptr(GHashTable) counts = NULL;
  const char *closed[] = { "closed", NULL };
  guint changes = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (count_reload), &changes);

  sp_row_list_model_freeze (model);
  sp_row_list_model_set_filter_values (model, "state", closed);
  sp_row_list_model_set_filter_range (model, "rating", "1", "1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  sp_row_list_model_thaw (model);
  g_assert_cmpuint (changes, ==, 1);
  ASSERT_TICKETS (model, "FB-2");

  /* Counts per state ignore the state filter itself (facets). */
  counts = sp_row_list_model_count_by (model, "state");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "closed")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "new")), ==, 0);
  g_clear_pointer (&counts, g_hash_table_unref);
  sp_row_list_model_set_filter_range (model, "rating", NULL, NULL);
  counts = sp_row_list_model_count_by (model, "state");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "new")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "in_progress")), ==, 1);

  /* A local edit reloads with the filters still applied. */
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *saved = NULL;

    json_object_set_string_member (fields, "state", "closed");
    saved = sp_local_store_save (f->store, "feedback", "f1", fields, &error);
    g_assert_no_error (error);
  }
  ASSERT_TICKETS (model, "FB-1,FB-2");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/row-list-filter/values-and-ranges", test_values_and_ranges);
  ADD ("/row-list-filter/sort", test_sort);
  ADD ("/row-list-filter/freeze-and-counts", test_freeze_and_counts);

  return g_test_run ();
}
