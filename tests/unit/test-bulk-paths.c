/* SPDX-License-Identifier: EUPL-1.2 */
/* The bulk fast paths behave like the row-by-row ones: batched local
 * saves (sp_local_store_begin_batch/end_batch), big pulled pages written
 * without the search triggers, and pull pages and push bodies decoded
 * without a JSON tree (sp_change_parse_pull_page, _parse_push_body). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sp-error.h"
#include "sp-local-store.h"
#include "test-tmpdir.h"

typedef struct {
  char         *dir;
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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sp-bulk-XXXXXX", &error);
  g_assert_no_error (error);
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
  g_free (f->path);
  g_free (f->dir);
}

static JsonObject *
service (const char *name)
{
  JsonObject *fields = json_object_new ();

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "status", "published");
  return fields;
}

static gint64
count (SpLocalStore *store,
       const char   *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (sp_db_handle (sp_local_store_get_db (store)), sql, -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_batch_saves (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autofree char *bad_id = NULL;

  g_assert_true (sp_local_store_begin_batch (f->store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("Wohnung anmelden %u", i);
      g_autoptr(JsonObject) fields = service (name);
      g_autofree char *id = sp_local_store_save (f->store, "service", NULL, fields, &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }

  /* A failing edit inside the batch changes nothing and keeps the rest. */
  json_object_set_int_member (bad, "name", 5);
  bad_id = sp_local_store_save (f->store, "service", NULL, bad, &error);
  g_assert_null (bad_id);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (f->changed, ==, 0);   /* views hear about it once, at the end */
  g_assert_true (sp_local_store_end_batch (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);

  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 50);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, 50);
  /* searchable right away */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM fts_pending"), ==, 0);
  g_assert_cmpint (count (f->store,
                          "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'wohnung'"),
                   ==, 50);

  /* a reopened profile sees everything (it was committed) */
  g_clear_object (&f->store);
  f->store = sp_local_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 50);
}

static void
test_batch_cancel (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = service ("Hund anmelden");
  g_autofree char *id = NULL;
  g_autofree char *after = NULL;

  g_assert_true (sp_local_store_begin_batch (f->store, &error));
  id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  sp_local_store_cancel_batch (f->store);

  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, 0);
  g_assert_cmpuint (f->changed, ==, 0);

  /* and single saves work as before afterwards */
  after = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
}

#define HLC "001764000000000:0000:server"

static void
test_parse_page (void)
{
  const char *page =
    "{\"cursor\":\"v1.7\",\"more\":true,\"changes\":["
    /* the usual shape */
    "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,"
    "\"version\":5,\"hlc\":\"" HLC "\",\"op\":\"upsert\","
    "\"fields\":{\"name\":\"Pass \\u00e4ndern\",\"documents\":[\"Ausweis\"],\"future\":{\"x\":1}}},"
    /* an entity this program does not know: skipped */
    "{\"change_id\":\"c2\",\"entity\":\"newthing\",\"id\":\"n1\",\"base_version\":0,"
    "\"version\":6,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{\"a\":1}},"
    /* fields before entity, documents as lines */
    "{\"fields\":{\"documents\":\"Antrag\\n\\n Foto \",\"status\":\"draft\"},"
    "\"change_id\":\"c3\",\"id\":\"s2\",\"entity\":\"service\",\"base_version\":2,"
    "\"version\":7,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"extra\":[1,2]},"
    /* a delete without fields */
    "{\"change_id\":\"c4\",\"entity\":\"service\",\"id\":\"s3\",\"base_version\":3,"
    "\"version\":8,\"hlc\":\"" HLC "\",\"op\":\"delete\"}"
    "]}";
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;
  SpChange *c;
  JsonArray *docs;

  g_assert_true (sp_change_parse_pull_page (page, strlen (page), &changes, &cursor, &more, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cursor, ==, "v1.7");
  g_assert_true (more);
  g_assert_cmpuint (changes->len, ==, 3);

  c = changes->pdata[0];
  /* decoded into values (no JsonObject), the object made of them on demand */
  g_assert_nonnull (c->values);
  g_assert_null (c->fields);
  g_assert_cmpstr (c->change_id, ==, "c1");
  g_assert_cmpstr (c->entity, ==, "service");
  g_assert_cmpint (c->version, ==, 5);
  g_assert_cmpstr (json_object_get_string_member (sp_change_get_fields (c), "name"), ==, "Pass ändern");
  g_assert_false (json_object_has_member (sp_change_get_fields (c), "future"));
  g_assert_cmpuint (json_object_get_size (c->fields), ==, 2);

  c = changes->pdata[1];
  g_assert_cmpstr (c->id, ==, "s2");
  g_assert_cmpint (c->base_version, ==, 2);
  docs = json_object_get_array_member (sp_change_get_fields (c), "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (docs, 1), ==, "Foto");

  c = changes->pdata[2];
  g_assert_cmpint (c->op, ==, SP_OP_DELETE);
  g_assert_cmpuint (json_object_get_size (c->fields), ==, 0);
}

static SpChange *
pulled (const char *id,
        gint64      version,
        const char *name)
{
  SpChange *c = sp_change_new ();

  c->change_id = g_strdup_printf ("pc-%s-%" G_GINT64_FORMAT, id, version);
  c->entity = g_strdup ("service");
  c->id = g_strdup (id);
  c->base_version = version;
  c->version = version;
  c->hlc = g_strdup (HLC);
  json_object_set_string_member (c->fields, "name", name);
  json_object_set_string_member (c->fields, "status", "published");
  return c;
}

/* A big pulled page (a first sync) is written without the per-row search
 * triggers; it must still index exactly what they would, new rows and
 * updated ones, keep pending local edits, and leave the triggers working
 * for everything after it. */
static void
test_bulk_page (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) small = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(JsonObject) local = service ("Lokal bearbeitet");
  g_autoptr(JsonObject) later = service ("Nachher angelegt");
  g_autofree char *kept = NULL;
  g_autofree char *after = NULL;
  g_autoptr(SpDbRow) row = NULL;

  /* the client schema's triggers are all search markers: bulk is possible */
  g_assert_true (sp_db_set_bulk_writes (sp_local_store_get_db (f->store), TRUE));
  g_assert_false (sp_db_set_bulk_writes (sp_local_store_get_db (f->store), FALSE));

  /* one row from an earlier (small) pull, one with a pending local edit */
  g_ptr_array_add (small, pulled ("s-upd", 1, "Vorher"));
  g_assert_true (sp_local_store_apply_pulled (f->store, small, "v1.1", &error));
  g_assert_no_error (error);
  kept = sp_local_store_save (f->store, "service", "s-keep", local, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%03u", i);
      g_ptr_array_add (page, pulled (id, 10 + i, "Massenleistung"));
    }
  g_ptr_array_add (page, pulled ("s-upd", 400, "Umbenannt"));
  g_ptr_array_add (page, pulled ("s-keep", 401, "Vom Server"));
  g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.401", &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service"), ==, 302);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM fts_pending"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'massenleistung'"), ==, 300);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'umbenannt'"), ==, 1);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'vorher'"), ==, 0);
  /* the pending local value wins locally, and is what search finds */
  row = sp_local_store_get (f->store, "service", "s-keep", &error);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Lokal bearbeitet");
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'lokal'"), ==, 1);

  /* deferred: the rows stay marked until the reader indexes them */
  sp_local_store_set_search_deferred (f->store, TRUE);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%03u", i);
      g_ptr_array_add (again, pulled (id, 500 + i, "Zweitname"));
    }
  g_assert_true (sp_local_store_apply_pulled (f->store, again, "v1.799", &error));
  g_assert_no_error (error);
  sp_local_store_set_search_deferred (f->store, FALSE);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM fts_pending"), ==, 300);
  g_assert_true (sp_db_update_search_index (sp_local_store_get_db (f->store), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'zweitname'"), ==, 300);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'massenleistung'"), ==, 0);

  /* the triggers are back for ordinary edits */
  after = sp_local_store_save (f->store, "service", NULL, later, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM service_fts WHERE service_fts MATCH 'nachher'"), ==, 1);
}

static void
expect_page_error (const char *page,
                   int         code,
                   const char *needle)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  g_assert_false (sp_change_parse_pull_page (page, strlen (page), &changes, &cursor, &more,
                                             &error));
  g_assert_error (error, SP_ERROR, code);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_null (changes);
  g_assert_null (cursor);
}

static void
test_parse_page_errors (void)
{
  expect_page_error ("{\"cursor\":\"v1.1\",\"more\":false,\"changes\":[{\"change_id\":\"c1\","
                     "\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"version\":1,"
                     "\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{\"name\":7}}]}",
                     SP_ERROR_PROTOCOL, "changes[0].fields.name");
  expect_page_error ("{\"cursor\":\"v1.1\",\"more\":false,\"changes\":[{\"change_id\":\"c1\","
                     "\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,"
                     "\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}]}",
                     SP_ERROR_PROTOCOL, "version: missing");
  expect_page_error ("{\"more\":false,\"changes\":[]}", SP_ERROR_PROTOCOL, "no cursor");
  expect_page_error ("{\"cursor\":\"v1.1\",\"more\":false}", SP_ERROR_PROTOCOL, "no changes");
  expect_page_error ("{\"cursor\":\"v1.1\",\"changes\":[{]}", SP_ERROR_INVALID, "malformed");
  expect_page_error ("{\"cursor\":\"v1.1\",\"changes\":[]} x", SP_ERROR_INVALID, "trailing");
  expect_page_error ("[]", SP_ERROR_INVALID, "malformed");
}

static void
expect_push_error (const char *body,
                   guint       max,
                   int         code,
                   const char *needle)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  changes = sp_change_parse_push_body (body, strlen (body), max, &error);
  g_assert_null (changes);
  g_assert_error (error, SP_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not in “%s”", needle, error->message);
}

#define GOOD "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0," \
             "\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{\"name\":\"Ausweis\"," \
             "\"documents\":\"Foto\\nAntrag\"}}"

/* Push bodies go through the same streaming decoder as pull pages, with
 * the push rules: each change as sp_change_from_json() reads it, unknown
 * entities and fields refused, and errors naming the change. */
static void
test_parse_push_body (void)
{
  const char *body =
    "{\"other\":[1,{\"x\":null}],\"changes\":[" GOOD ","
    /* fields before entity, a version (ignored in a push), a delete */
    "{\"fields\":{\"status\":\"draft\"},\"change_id\":\"c2\",\"id\":\"s2\",\"version\":9,"
    "\"entity\":\"service\",\"base_version\":3,\"hlc\":\"" HLC "\",\"op\":\"upsert\"},"
    "{\"change_id\":\"c3\",\"entity\":\"service\",\"id\":\"s3\",\"base_version\":4,"
    "\"hlc\":\"" HLC "\",\"op\":\"delete\"}]}";
  const char *one = GOOD;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autoptr(SpChange) expected = NULL;
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  SpChange *c;

  changes = sp_change_parse_push_body (body, strlen (body), 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 3);

  /* the same change as the tree decoder makes of it */
  tree = sp_json_parse (one, -1, &error);
  expected = sp_change_from_json (tree, FALSE, &error);
  g_assert_no_error (error);
  sp_change_append_json (a, expected, FALSE);
  sp_change_append_json (b, changes->pdata[0], FALSE);
  g_assert_cmpstr (a->str, ==, b->str);
  g_assert_nonnull (((SpChange *) changes->pdata[0])->values);   /* no object per change */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      sp_change_get_fields (changes->pdata[0]), "documents")), ==, 2);

  c = changes->pdata[1];
  g_assert_cmpstr (c->id, ==, "s2");
  g_assert_cmpint (c->base_version, ==, 3);
  g_assert_cmpint (c->version, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (sp_change_get_fields (c), "status"), ==, "draft");
  c = changes->pdata[2];
  g_assert_cmpint (c->op, ==, SP_OP_DELETE);

  /* a repeated "changes" replaces the first */
  {
    const char *twice = "{\"changes\":[" GOOD "],\"changes\":[]}";
    g_autoptr(GPtrArray) none = sp_change_parse_push_body (twice, strlen (twice), 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }

  expect_push_error ("{\"changes\":[" GOOD ",{\"change_id\":\"c9\",\"entity\":\"service\","
                     "\"id\":\"s9\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\","
                     "\"fields\":{\"colour\":\"rot\"}}]}", 10,
                     SP_ERROR_UNKNOWN_FIELD, "changes[1]: fields.colour: unknown field of service");
  expect_push_error ("{\"changes\":[{\"fields\":{\"colour\":\"rot\"},\"change_id\":\"c9\","
                     "\"entity\":\"service\",\"id\":\"s9\",\"base_version\":0,\"hlc\":\"" HLC "\","
                     "\"op\":\"upsert\"}]}", 10,
                     SP_ERROR_UNKNOWN_FIELD, "changes[0]: fields.colour: unknown field of service");
  expect_push_error ("{\"changes\":[{\"change_id\":\"c9\",\"entity\":\"spaceship\",\"id\":\"s9\","
                     "\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}]}", 10,
                     SP_ERROR_UNKNOWN_ENTITY, "changes[0]: entity: unknown entity");
  expect_push_error ("{\"changes\":[" GOOD ",7]}", 10, SP_ERROR_INVALID,
                     "changes[1]: expected an object, got an integer");
  expect_push_error ("{\"changes\":[" GOOD ",{\"change_id\":\"c9\"}]}", 10, SP_ERROR_INVALID,
                     "changes[1]: entity: missing");
  expect_push_error ("{\"changes\":[{\"change_id\":\"c9\",\"entity\":\"service\",\"id\":\"s9\","
                     "\"base_version\":-1,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}]}", 10,
                     SP_ERROR_INVALID, "base_version: must not be negative");
  expect_push_error ("{\"changes\":[" GOOD "," GOOD "]}", 1, SP_ERROR_INVALID,
                     "more than 1 changes");
  expect_push_error ("{\"changes\":[" GOOD, 10, SP_ERROR_INVALID, "malformed JSON at byte");
  expect_push_error ("{\"changes\":7}", 10, SP_ERROR_INVALID, "changes: expected an array");
  expect_push_error ("{\"other\":[]}", 10, SP_ERROR_INVALID, "changes: missing");
  expect_push_error ("[]", 10, SP_ERROR_INVALID, "expected a JSON object");
  expect_push_error ("{\"changes\":[]} []", 10, SP_ERROR_INVALID, "trailing data");
  expect_push_error ("\xff{}", 10, SP_ERROR_INVALID, "not valid UTF-8");
  expect_push_error ("", 10, SP_ERROR_INVALID, "empty document");
}

/* A pulled change decoded into values (no JsonObject) stores exactly what
 * the same change read as a tree stores, and fails with the same
 * messages: escapes, lists of strings, lines, null, unknown members. */
static void
test_pull_values (Fixture       *f,
                  gconstpointer  data)
{
#define VALUE_CHANGE(id, fields) \
  "{\"change_id\":\"c-" id "\",\"entity\":\"service\",\"id\":\"" id "\",\"base_version\":1," \
  "\"version\":1,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{" fields "}}"
  const char *changes[] = {
    VALUE_CHANGE ("v1", "\"name\":\"Pass \\\"neu\\\" \\\\ \\u00e4\\n\\u0001\",\"leika\":null,"
                  "\"documents\":[\"Foto \\\"biometrisch\\\"\",\"a\\\\b\",\"Zeile\\neins\\u001f\",\"\\u20ac\"],"
                  "\"status\":\"published\",\"future\":{\"x\":[1,2]}"),
    VALUE_CHANGE ("v2", "\"documents\":\"Antrag\\n\\n Foto \",\"name\":\"Zwei\",\"name\":\"Zweimal\""),
    VALUE_CHANGE ("v3", "\"documents\":[],\"fees\":\"\""),
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *page = g_strdup_printf ("{\"cursor\":\"v1.1\",\"more\":false,\"changes\":[%s]}",
                                               changes[i]);
      g_autoptr(GPtrArray) pulled_page = NULL;
      g_autoptr(GPtrArray) tree_page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
      g_autofree char *cursor = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) tree = NULL;
      g_autoptr(JsonObject) known = NULL;
      g_autoptr(SpDbRow) flat_row = NULL;
      g_autoptr(SpDbRow) tree_row = NULL;
      SpChange *tree_change;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      gboolean more;

      g_assert_true (sp_change_parse_pull_page (page, strlen (page), &pulled_page, &cursor,
                                                &more, &error));
      g_assert_no_error (error);
      g_assert_nonnull (((SpChange *) pulled_page->pdata[0])->values);

      /* the same change through the tree decoder (without the member this
       * program does not know, which a pull drops) */
      tree = sp_json_parse (changes[i], -1, &error);
      g_assert_no_error (error);
      json_object_remove_member (json_object_get_object_member (json_node_get_object (tree), "fields"),
                                 "future");
      tree_change = sp_change_from_json (tree, TRUE, &error);
      g_assert_no_error (error);
      g_free (tree_change->id);
      tree_change->id = g_strdup_printf ("t%u", i);
      g_ptr_array_add (tree_page, tree_change);

      g_assert_true (sp_local_store_apply_pulled (f->store, pulled_page, "v1.1", &error));
      g_assert_no_error (error);
      g_assert_true (sp_local_store_apply_pulled (f->store, tree_page, "v1.1", &error));
      g_assert_no_error (error);

      flat_row = sp_local_store_get (f->store, "service", ((SpChange *) pulled_page->pdata[0])->id, &error);
      tree_row = sp_local_store_get (f->store, "service", tree_change->id, &error);
      g_assert_nonnull (flat_row);
      g_assert_nonnull (tree_row);
      json_object_iter_init (&iter, tree_row->fields);
      while (json_object_iter_next (&iter, &name, &value))
        g_assert_true (sp_field_values_equal (value, json_object_get_member (flat_row->fields, name)));

      /* and the object made of the values on demand is the tree's */
      known = sp_change_dup_fields (pulled_page->pdata[0]);
      g_assert_cmpuint (json_object_get_size (known), ==,
                        json_object_get_size (tree_change->fields));
      json_object_iter_init (&iter, tree_change->fields);
      while (json_object_iter_next (&iter, &name, &value))
        g_assert_true (sp_field_values_equal (value, json_object_get_member (known, name)));
    }

  /* the stored list text is the one of the tree path */
  {
    sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (f->store),
                                        "SELECT a.documents, b.documents FROM service a, service b "
                                        "WHERE a.id = 'v1' AND b.id = 't0'", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                     (const char *) sqlite3_column_text (stmt, 1));
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                     "[\"Foto \\\"biometrisch\\\"\",\"a\\\\b\",\"Zeile\\u000aeins\\u001f\",\"€\"]");
    sqlite3_reset (stmt);
  }

#define VALUE_PAGE(fields) \
  "{\"cursor\":\"v1.1\",\"more\":false,\"changes\":[" VALUE_CHANGE ("e1", fields) "]}"
  expect_page_error (VALUE_PAGE ("\"status\":\"gone\""), SP_ERROR_PROTOCOL,
                     "changes[0].fields.status: must be one of draft|published");
  expect_page_error (VALUE_PAGE ("\"leika\":\"" "0123456789012345678901234567890123456789"
                                 "0123456789012345678901234567890123456789\""), SP_ERROR_PROTOCOL,
                     "changes[0].fields.leika: longer than 64 bytes");
  expect_page_error (VALUE_PAGE ("\"documents\":[\"a\",7]"), SP_ERROR_PROTOCOL,
                     "changes[0].fields.documents: [1]: expected a string, got an integer");
  expect_page_error (VALUE_PAGE ("\"documents\":{}"), SP_ERROR_PROTOCOL,
                     "changes[0].fields.documents: expected an array of strings, got an object");
  expect_page_error (VALUE_PAGE ("\"name\":true"), SP_ERROR_PROTOCOL,
                     "changes[0].fields.name: expected a string, got a boolean");
  expect_page_error (VALUE_PAGE ("\"documents\":[\"a\",\"b]"), SP_ERROR_INVALID,
                     "malformed JSON");
  expect_page_error (VALUE_PAGE ("\"name\":\"a\\u0000b\""), SP_ERROR_INVALID,
                     "NUL in a string");
#define HEAD_PAGE(members) \
  "{\"cursor\":\"v1.1\",\"more\":false,\"changes\":[{" members ",\"entity\":\"service\"," \
  "\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}]}"
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"id\":\"i\",\"base_version\":0,\"version\":-1"),
                     SP_ERROR_PROTOCOL, "changes[0].version: must not be negative");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"id\":\"i\",\"base_version\":0,\"version\":1.5"),
                     SP_ERROR_PROTOCOL, "changes[0].version: expected an integer, got a number");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"id\":\"i\",\"base_version\":\"0\",\"version\":1"),
                     SP_ERROR_PROTOCOL, "changes[0].base_version: expected an integer, got a string");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"id\":5,\"base_version\":0,\"version\":1"),
                     SP_ERROR_PROTOCOL, "changes[0].id: expected a string, got an integer");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c d\",\"id\":\"i\",\"base_version\":0,\"version\":1"),
                     SP_ERROR_PROTOCOL, "changes[0].change_id: must be 1 to 64 characters");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"id\":\"i\",\"base_version\":0,\"version\":01"),
                     SP_ERROR_INVALID, "malformed JSON");
  expect_page_error (HEAD_PAGE ("\"change_id\":\"c\",\"base_version\":0,\"version\":1"),
                     SP_ERROR_PROTOCOL, "changes[0].id: missing");
#undef HEAD_PAGE
#undef VALUE_PAGE
#undef VALUE_CHANGE
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/bulk/batch-saves", Fixture, NULL, fixture_setup, test_batch_saves,
              fixture_teardown);
  g_test_add ("/bulk/batch-cancel", Fixture, NULL, fixture_setup, test_batch_cancel,
              fixture_teardown);
  g_test_add ("/bulk/pulled-page", Fixture, NULL, fixture_setup, test_bulk_page,
              fixture_teardown);
  g_test_add ("/bulk/pull-values", Fixture, NULL, fixture_setup, test_pull_values,
              fixture_teardown);
  g_test_add_func ("/bulk/parse-page", test_parse_page);
  g_test_add_func ("/bulk/parse-page-errors", test_parse_page_errors);
  g_test_add_func ("/bulk/parse-push-body", test_parse_push_body);
  return g_test_run ();
}
