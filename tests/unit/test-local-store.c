/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sp-error.h"
#include "sp-local-store.h"
#include "test-tmpdir.h"

#define FUTURE_HLC "004102444800000:0003:server"   /* year 2100 */

typedef struct {
  char         *dir;
  char         *path;
  SpLocalStore *store;
  guint         changed;
  char         *changed_entity;
} Fixture;

static void
on_changed (SpLocalStore *store,
            const char   *entity,
            Fixture      *f)
{
  f->changed++;
  g_free (f->changed_entity);
  f->changed_entity = g_strdup (entity);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sp-local-store-XXXXXX", &error);
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
  g_free (f->changed_entity);
}

static char *
save_name (Fixture    *f,
           const char *id,
           const char *field,
           const char *value)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *row_id;

  json_object_set_string_member (fields, field, value);
  row_id = sp_local_store_save (f->store, "service", id, fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row_id);
  return row_id;
}

static GPtrArray *
peek_all (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = sp_local_store_outbox_peek (f->store, 0, &error);

  g_assert_no_error (error);
  return changes;
}

static SpChange *
pulled (const char *id,
        gint64      version,
        const char *hlc,
        const char *name,
        const char *office)
{
  SpChange *change = sp_change_new ();

  change->change_id = g_strdup_printf ("srv-%s-%" G_GINT64_FORMAT, id, version);
  change->entity = g_strdup ("service");
  change->id = g_strdup (id);
  change->version = version;
  change->base_version = version - 1;
  change->hlc = g_strdup (hlc);
  if (name)
    json_object_set_string_member (change->fields, "name", name);
  if (office)
    json_object_set_string_member (change->fields, "office", office);
  return change;
}

static void
test_save_creates_row_and_outbox_entry (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Personalausweis beantragen");
  g_autoptr(SpDbRow) row = sp_local_store_get (f->store, "service", id, &error);
  g_autoptr(GPtrArray) outbox = peek_all (f);
  SpChange *change;

  g_assert_true (sp_id_is_valid (id));
  g_assert_nonnull (row);
  g_assert_cmpint (row->version, ==, 0);
  g_assert_false (row->deleted);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Personalausweis beantragen");
  g_assert_true (sp_hlc_is_valid (row->hlc));

  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_cmpstr (f->changed_entity, ==, "service");

  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
  g_assert_true (sp_local_store_is_pending (f->store, "service", id));
  g_assert_cmpuint (outbox->len, ==, 1);
  change = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (change->entity, ==, "service");
  g_assert_cmpstr (change->id, ==, id);
  g_assert_cmpint (change->op, ==, SP_OP_UPSERT);
  g_assert_cmpint (change->base_version, ==, 0);
  g_assert_cmpstr (change->hlc, ==, row->hlc);
  g_assert_cmpstr (change->change_id, ==, row->change_id);
  g_assert_cmpstr (json_object_get_string_member (change->fields, "name"), ==, "Personalausweis beantragen");
  g_assert_cmpuint (json_object_get_size (change->fields), ==, 1);

  /* The node id of this profile is in every local timestamp. */
  {
    g_autofree char *node = sp_hlc_node_of (change->hlc);
    g_assert_cmpstr (node, ==, sp_local_store_get_node_id (f->store));
  }
}

static void
test_invalid_save_changes_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *id = save_name (f, NULL, "name", "Original");
  g_autoptr(JsonObject) bad_type = json_object_new ();
  g_autoptr(JsonObject) bad_field = json_object_new ();
  g_autoptr(JsonObject) bad_enum = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SpDbRow) row = NULL;
  guint changed_before = f->changed;

  json_object_set_string_member (bad_type, "name", "Neu");
  json_object_set_int_member (bad_type, "office", 5);
  g_assert_null (sp_local_store_save (f->store, "service", id, bad_type, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "office"));
  g_clear_error (&error);

  json_object_set_string_member (bad_field, "colour", "red");
  g_assert_null (sp_local_store_save (f->store, "service", id, bad_field, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD);
  g_clear_error (&error);

  json_object_set_string_member (bad_enum, "status", "archived");
  g_assert_null (sp_local_store_save (f->store, "service", id, bad_enum, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (sp_local_store_save (f->store, "citizen", NULL, bad_enum, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY);
  g_clear_error (&error);

  g_assert_null (sp_local_store_save (f->store, "service", "bad id!", bad_enum, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  row = sp_local_store_get (f->store, "service", id, &error);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Original");
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
  g_assert_cmpuint (f->changed, ==, changed_before);
}

static void
test_outbox_coalescing (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = save_name (f, NULL, "name", "Erst");
  g_autoptr(GPtrArray) first = peek_all (f);
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *first_id = g_strdup (((SpChange *) first->pdata[0])->change_id);
  g_autofree char *first_hlc = g_strdup (((SpChange *) first->pdata[0])->hlc);
  g_autofree char *other = save_name (f, NULL, "name", "Anderer Dienst");
  SpChange *change;

  g_free (save_name (f, id, "office", "Bürgerservice"));
  g_free (save_name (f, id, "name", "Zweit"));

  /* One entry for the row (plus one for the other row). */
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 2);
  second = peek_all (f);
  change = g_ptr_array_index (second, 0);
  g_assert_cmpstr (change->id, ==, id);
  g_assert_cmpstr (change->change_id, ==, first_id);
  g_assert_cmpint (sp_hlc_compare (change->hlc, first_hlc), >, 0);
  g_assert_cmpstr (json_object_get_string_member (change->fields, "name"), ==, "Zweit");
  g_assert_cmpstr (json_object_get_string_member (change->fields, "office"), ==, "Bürgerservice");
  g_assert_cmpstr (((SpChange *) second->pdata[1])->id, ==, other);
}

static void
test_mark_sent_prevents_coalescing (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Erst");
  g_autoptr(GPtrArray) batch = peek_all (f);
  g_autoptr(GPtrArray) after = NULL;
  SpChange *sent, *later;

  g_assert_true (sp_local_store_outbox_mark_sent (f->store, batch, &error));
  g_assert_no_error (error);

  g_free (save_name (f, id, "name", "Nach dem Senden"));
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 2);

  after = peek_all (f);
  sent = g_ptr_array_index (after, 0);
  later = g_ptr_array_index (after, 1);
  /* The sent change is untouched: it may already have landed. */
  g_assert_cmpstr (sent->change_id, ==, ((SpChange *) batch->pdata[0])->change_id);
  g_assert_cmpstr (json_object_get_string_member (sent->fields, "name"), ==, "Erst");
  g_assert_cmpstr (later->change_id, !=, sent->change_id);
  g_assert_cmpstr (json_object_get_string_member (later->fields, "name"), ==, "Nach dem Senden");
  g_assert_cmpint (sp_hlc_compare (later->hlc, sent->hlc), >, 0);

  /* peek honours the limit, oldest first */
  {
    g_autoptr(GPtrArray) one = sp_local_store_outbox_peek (f->store, 1, &error);
    g_assert_cmpuint (one->len, ==, 1);
    g_assert_cmpstr (((SpChange *) one->pdata[0])->change_id, ==, sent->change_id);
  }
}

/* The push fast path sends exactly the changes peek decodes, as the text
 * sp_change_append_json() writes, and marks them sent like mark_sent. */
static void
test_outbox_take (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Anführungszeichen \" und \\ und\nZeile");
  g_autofree char *other = save_name (f, NULL, "name", "Zweite");
  g_autofree char *third = save_name (f, NULL, "name", "Dritte");
  g_autoptr(GPtrArray) before = peek_all (f);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  SpChange *sent;
  guint n;

  g_assert_true (sp_local_store_delete (f->store, "service", third, &error));
  g_assert_no_error (error);
  g_clear_pointer (&before, g_ptr_array_unref);
  before = peek_all (f);
  g_assert_cmpuint (before->len, ==, 4);

  for (guint i = 0; i < 2; i++)
    {
      if (i > 0)
        g_string_append_c (expected, ',');
      sp_change_append_json (expected, before->pdata[i], FALSE);
    }

  /* the oldest two */
  n = sp_local_store_outbox_take (f->store, 2, json, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (json->str + 1, ==, expected->str);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 2);
  g_assert_true (g_hash_table_contains (ids, ((SpChange *) before->pdata[0])->change_id));
  g_string_append_c (json, ']');
  parsed = sp_json_parse (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (parsed)), ==, 2);

  /* sent now: a later edit of the first row does not merge into it */
  g_free (save_name (f, id, "name", "Nach dem Senden"));
  after = peek_all (f);
  g_assert_cmpuint (after->len, ==, 5);
  sent = after->pdata[0];
  g_assert_cmpstr (sent->change_id, ==, ((SpChange *) before->pdata[0])->change_id);
  g_assert_cmpstr (json_object_get_string_member (sent->fields, "name"), ==,
                   "Anführungszeichen \" und \\ und\nZeile");

  /* the rest (the delete too); the oldest two go again: answers may be lost */
  g_string_truncate (json, 0);
  g_hash_table_remove_all (ids);
  n = sp_local_store_outbox_take (f->store, 0, json, ids, &error);
  g_assert_cmpuint (n, ==, 5);
  g_assert_nonnull (strstr (json->str, "\"op\":\"delete\",\"fields\":{}"));

  /* an empty outbox: nothing, no error */
  {
    g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);

    for (guint i = 0; i < after->len; i++)
      g_ptr_array_add (results, sp_change_result_new (((SpChange *) after->pdata[i])->change_id,
                                                     SP_RESULT_APPLIED, 10 + i));
    g_assert_true (sp_local_store_outbox_ack (f->store, results, &error));
    g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 0);
    g_string_truncate (json, 0);
    g_assert_cmpuint (sp_local_store_outbox_take (f->store, 0, json, NULL, &error), ==, 0);
    g_assert_no_error (error);
    g_assert_cmpuint (json->len, ==, 0);
  }
}

/* What a push handed out stays handed out: also for another connection to
 * the profile (the desktop's own, a later sync), and when a push starts
 * over with fewer changes than the last one took. */
static void
test_take_is_remembered (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = save_name (f, NULL, "name", "Erste");
  g_autofree char *second = save_name (f, NULL, "name", "Zweite");
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(SpLocalStore) other = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_assert_cmpuint (sp_local_store_outbox_take (f->store, 0, json, NULL, &error), ==, 2);
  g_string_truncate (json, 0);
  /* starts over with one change: the second stays handed out */
  g_assert_cmpuint (sp_local_store_outbox_take (f->store, 1, json, NULL, &error), ==, 1);
  g_assert_no_error (error);

  other = sp_local_store_open (f->path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autofree char *id = NULL;

    json_object_set_string_member (fields, "name", "Zweite, geändert");
    id = sp_local_store_save (other, "service", second, fields, &error);
    g_assert_no_error (error);
  }
  g_free (save_name (f, first, "name", "Erste, geändert"));

  after = peek_all (f);
  g_assert_cmpuint (after->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (((SpChange *) after->pdata[0])->fields, "name"),
                   ==, "Erste");
  g_assert_cmpstr (json_object_get_string_member (((SpChange *) after->pdata[1])->fields, "name"),
                   ==, "Zweite");
  g_assert_cmpstr (((SpChange *) after->pdata[2])->id, ==, second);
  g_assert_cmpstr (((SpChange *) after->pdata[3])->id, ==, first);

  /* a new row's entry after them still takes its later edits */
  {
    g_autofree char *third = save_name (f, NULL, "name", "Dritte");
    g_autoptr(GPtrArray) now = NULL;

    g_free (save_name (f, third, "name", "Dritte, geändert"));
    now = peek_all (f);
    g_assert_cmpuint (now->len, ==, 5);
    g_assert_cmpstr (json_object_get_string_member (((SpChange *) now->pdata[4])->fields, "name"),
                     ==, "Dritte, geändert");
  }
}

/* A pipelined push: take_more() goes on after the batches in flight and
 * ends before a row that has a change in flight, until that is answered. */
static void
test_outbox_take_more (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = save_name (f, NULL, "name", "A");
  g_autofree char *b = save_name (f, NULL, "name", "B");
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autofree char *c = NULL;
  SpChange *first;

  /* batch 1: row A */
  g_assert_cmpuint (sp_local_store_outbox_take (f->store, 1, json, ids, &error), ==, 1);
  g_assert_no_error (error);
  /* edits while it is on its way: A again (a new entry, A is sent), then C */
  g_free (save_name (f, a, "name", "A2"));
  c = save_name (f, NULL, "name", "C");
  all = peek_all (f);
  g_assert_cmpuint (all->len, ==, 4);   /* A, B, A2, C */
  first = all->pdata[0];

  /* batch 2: B, then it stops before A2 (A is in flight) */
  g_string_truncate (json, 0);
  g_hash_table_remove_all (ids);
  g_assert_cmpuint (sp_local_store_outbox_take_more (f->store, 0, json, ids, &error), ==, 1);
  g_assert_true (g_hash_table_contains (ids, ((SpChange *) all->pdata[1])->change_id));
  g_assert_nonnull (strstr (json->str, b));
  /* nothing more while A is in flight */
  g_string_truncate (json, 0);
  g_assert_cmpuint (sp_local_store_outbox_take_more (f->store, 0, json, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (json->len, ==, 0);

  /* A answered: A2 and C go */
  g_ptr_array_add (results, sp_change_result_new (first->change_id, SP_RESULT_APPLIED, 5));
  g_assert_true (sp_local_store_outbox_ack (f->store, results, &error));
  g_hash_table_remove_all (ids);
  g_assert_cmpuint (sp_local_store_outbox_take_more (f->store, 0, json, ids, &error), ==, 2);
  g_assert_true (g_hash_table_contains (ids, ((SpChange *) all->pdata[2])->change_id));
  g_assert_true (g_hash_table_contains (ids, ((SpChange *) all->pdata[3])->change_id));

  /* a new push (take) starts over with the oldest unanswered entry: B */
  g_string_truncate (json, 0);
  g_hash_table_remove_all (ids);
  g_assert_cmpuint (sp_local_store_outbox_take (f->store, 1, json, ids, &error), ==, 1);
  g_assert_true (g_hash_table_contains (ids, ((SpChange *) all->pdata[1])->change_id));
}

static void
test_ack_sets_version (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Erst");
  g_autoptr(GPtrArray) batch = peek_all (f);
  g_autoptr(GPtrArray) results1 = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GPtrArray) results2 = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(SpDbRow) row2 = NULL;

  g_assert_true (sp_local_store_outbox_mark_sent (f->store, batch, &error));
  g_free (save_name (f, id, "name", "Zweit"));

  /* The first change is answered while a newer local edit is pending:
   * the row keeps its base version. */
  g_ptr_array_add (results1, sp_change_result_new (((SpChange *) batch->pdata[0])->change_id,
                                                  SP_RESULT_APPLIED, 17));
  g_ptr_array_add (results1, sp_change_result_new ("unknown-change", SP_RESULT_APPLIED, 99));
  g_assert_true (sp_local_store_outbox_ack (f->store, results1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
  row = sp_local_store_get (f->store, "service", id, &error);
  g_assert_cmpint (row->version, ==, 0);
  g_assert_true (sp_local_store_is_pending (f->store, "service", id));

  /* Acking the same result again is harmless (a retried push). */
  g_assert_true (sp_local_store_outbox_ack (f->store, results1, &error));
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);

  rest = peek_all (f);
  g_ptr_array_add (results2, sp_change_result_new (((SpChange *) rest->pdata[0])->change_id,
                                                  SP_RESULT_CONFLICT, 18));
  g_assert_true (sp_local_store_outbox_ack (f->store, results2, &error));
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 0);
  row2 = sp_local_store_get (f->store, "service", id, &error);
  g_assert_cmpint (row2->version, ==, 18);
  g_assert_cmpstr (json_object_get_string_member (row2->fields, "name"), ==, "Zweit");
  g_assert_false (sp_local_store_is_pending (f->store, "service", id));

  /* The next edit is based on the acknowledged version. */
  g_free (save_name (f, id, "name", "Dritt"));
  {
    g_autoptr(GPtrArray) next = peek_all (f);
    g_assert_cmpint (((SpChange *) next->pdata[0])->base_version, ==, 18);
  }
}

static void
test_apply_pulled_keeps_pending_fields (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Lokal");
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(SpDbRow) fresh = NULL;
  g_autofree char *cursor = NULL;
  guint changed_before = f->changed;

  g_ptr_array_add (page, pulled (id, 10, "001700000000000:0000:other", "Vom Server", "Rathaus"));
  g_ptr_array_add (page, pulled ("fremd", 11, "001700000000001:0000:other", "Fremder Dienst", NULL));
  g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.11", &error));
  g_assert_no_error (error);

  row = sp_local_store_get (f->store, "service", id, &error);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Lokal");
  g_assert_cmpstr (json_object_get_string_member (row->fields, "office"), ==, "Rathaus");
  g_assert_cmpint (row->version, ==, 10);
  g_assert_false (row->deleted);

  fresh = sp_local_store_get (f->store, "service", "fremd", &error);
  g_assert_nonnull (fresh);
  g_assert_cmpstr (json_object_get_string_member (fresh->fields, "name"), ==, "Fremder Dienst");
  g_assert_cmpint (fresh->version, ==, 11);
  g_assert_false (sp_local_store_is_pending (f->store, "service", "fremd"));

  cursor = sp_local_store_get_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "v1.11");
  g_assert_cmpuint (f->changed, >, changed_before);
  /* The pending change still goes out unchanged. */
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 1);
}

static void
test_apply_pulled_delete_and_overwrite (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page1 = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) page2 = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(SpDbRow) row = NULL;
  SpChange *del;
  SpChange *unknown;

  g_ptr_array_add (page1, pulled ("s1", 1, "001700000000000:0000:other", "Alt", "Amt"));
  g_assert_true (sp_local_store_apply_pulled (f->store, page1, "v1.1", &error));

  g_ptr_array_add (page2, pulled ("s1", 2, "001700000000005:0000:other", "Neu", NULL));
  del = pulled ("s1", 3, "001700000000006:0000:other", NULL, NULL);
  del->op = SP_OP_DELETE;
  g_ptr_array_add (page2, del);
  unknown = pulled ("x", 4, "001700000000007:0000:other", NULL, NULL);
  g_free (unknown->entity);
  unknown->entity = g_strdup ("from_a_newer_server");
  g_ptr_array_add (page2, unknown);
  g_assert_true (sp_local_store_apply_pulled (f->store, page2, "v1.4", &error));
  g_assert_no_error (error);

  row = sp_local_store_get (f->store, "service", "s1", &error);
  g_assert_true (row->deleted);
  g_assert_cmpint (row->version, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (row->fields, "name"), ==, "Neu");
  g_assert_cmpstr (json_object_get_string_member (row->fields, "office"), ==, "Amt");
  g_assert_cmpuint (sp_local_store_outbox_count (f->store), ==, 0);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = save_name (f, NULL, "name", "Weg damit");
  g_autoptr(SpDbRow) row = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  SpChange *last;

  g_assert_true (sp_local_store_delete (f->store, "service", id, &error));
  g_assert_no_error (error);

  row = sp_local_store_get (f->store, "service", id, &error);
  g_assert_true (row->deleted);
  outbox = peek_all (f);
  g_assert_cmpuint (outbox->len, ==, 2);
  last = g_ptr_array_index (outbox, 1);
  g_assert_cmpint (last->op, ==, SP_OP_DELETE);
  g_assert_cmpuint (json_object_get_size (last->fields), ==, 0);

  g_assert_false (sp_local_store_delete (f->store, "service", id, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sp_local_store_delete (f->store, "service", "never-existed", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
}

static void
test_reopen_keeps_node_and_clock (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_strdup (sp_local_store_get_node_id (f->store));
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  SpChange *change;

  g_assert_true (sp_hlc_node_is_valid (node));

  /* A server clock far ahead of ours. */
  g_ptr_array_add (page, pulled ("s1", 1, FUTURE_HLC, "Zukunft", NULL));
  g_assert_true (sp_local_store_apply_pulled (f->store, page, "v1.1", &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);

  f->store = sp_local_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sp_local_store_get_node_id (f->store), ==, node);

  id = save_name (f, NULL, "name", "Nach dem Neustart");
  outbox = peek_all (f);
  change = g_ptr_array_index (outbox, 0);
  g_assert_cmpint (sp_hlc_compare (change->hlc, FUTURE_HLC), >, 0);

  /* And again: a reopened store never issues an older timestamp. */
  {
    g_autofree char *hlc_before = g_strdup (change->hlc);
    g_autoptr(GPtrArray) again = NULL;

    g_clear_object (&f->store);
    f->store = sp_local_store_open (f->path, &error);
    g_free (save_name (f, NULL, "name", "Noch einer"));
    again = peek_all (f);
    g_assert_cmpuint (again->len, ==, 2);
    g_assert_cmpint (sp_hlc_compare (((SpChange *) again->pdata[1])->hlc, hlc_before), >, 0);
  }

  /* A second profile gets its own node id. */
  {
    g_autofree char *other_path = g_build_filename (f->dir, "other.db", NULL);
    g_autoptr(SpLocalStore) other = sp_local_store_open (other_path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sp_local_store_get_node_id (other), !=, node);
  }
}

static void
test_strv_save (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;
  g_autoptr(SpDbRow) row = NULL;
  JsonArray *docs;

  json_object_set_string_member (fields, "documents", "Personalausweis\nMeldebestätigung\n");
  id = sp_local_store_save (f->store, "service", NULL, fields, &error);
  g_assert_no_error (error);
  row = sp_local_store_get (f->store, "service", id, &error);
  docs = json_object_get_array_member (row->fields, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (docs, 1), ==, "Meldebestätigung");
}

/* New rows and their changes get ids in the order they were made, so that
 * the id indexes (here and on the server) grow at their end instead of
 * rewriting pages all over them on every batch. */
static void
test_new_ids_in_order (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changes = NULL;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Dienst %u", i);

      g_ptr_array_add (ids, save_name (f, NULL, "name", name));
      g_usleep (1100);   /* a new millisecond: ids of one are in any order */
    }

  changes = peek_all (f);
  g_assert_cmpuint (changes->len, ==, 20);
  for (guint i = 1; i < 20; i++)
    {
      const SpChange *before = changes->pdata[i - 1];
      const SpChange *after = changes->pdata[i];

      g_assert_cmpstr (ids->pdata[i - 1], <, ids->pdata[i]);
      g_assert_cmpstr (before->id, ==, ids->pdata[i - 1]);
      g_assert_cmpstr (before->change_id, <, after->change_id);
    }
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/local-store/save", test_save_creates_row_and_outbox_entry);
  ADD ("/local-store/invalid-save", test_invalid_save_changes_nothing);
  ADD ("/local-store/coalescing", test_outbox_coalescing);
  ADD ("/local-store/mark-sent", test_mark_sent_prevents_coalescing);
  ADD ("/local-store/take", test_outbox_take);
  ADD ("/local-store/take-more", test_outbox_take_more);
  ADD ("/local-store/take-is-remembered", test_take_is_remembered);
  ADD ("/local-store/ack", test_ack_sets_version);
  ADD ("/local-store/pulled-keeps-pending", test_apply_pulled_keeps_pending_fields);
  ADD ("/local-store/pulled-delete", test_apply_pulled_delete_and_overwrite);
  ADD ("/local-store/delete", test_delete);
  ADD ("/local-store/reopen", test_reopen_keeps_node_and_clock);
  ADD ("/local-store/strv", test_strv_save);
  ADD ("/local-store/new-ids-in-order", test_new_ids_in_order);

  return g_test_run ();
}
