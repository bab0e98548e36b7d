/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include "sp-merge.h"

#define T(ms, node) "0000000000" #ms ":0000:" node

static JsonNode *
str_node (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, s);
  return node;
}

static JsonNode *
bool_node (gboolean b)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  json_node_set_boolean (node, b);
  return node;
}

/* A server row: created by node "srv" at version 1 (hlc 10000), then
 * "name" changed by @name_node at version 5 with @name_hlc. */
static SpRowState *
server_row (const char *name,
            const char *name_hlc)
{
  SpRowState *row = sp_row_state_new ();
  g_autoptr(JsonNode) office = str_node ("Bürgerservice");
  g_autoptr(JsonNode) n = str_node (name);
  g_autoptr(JsonNode) live = bool_node (FALSE);

  sp_row_state_set_field (row, "office", office, T (10000, "srv"), 1);
  sp_row_state_set_field (row, SP_FIELD_DELETED, live, T (10000, "srv"), 1);
  sp_row_state_set_field (row, "name", n, name_hlc, 5);
  g_assert_true (row->exists);
  g_assert_cmpint (row->version, ==, 5);
  return row;
}

static SpChange *
upsert (gint64      base_version,
        const char *hlc,
        const char *field,
        const char *value)
{
  SpChange *change = sp_change_new ();

  change->change_id = g_strdup ("c1");
  change->entity = g_strdup ("service");
  change->id = g_strdup ("s1");
  change->base_version = base_version;
  change->hlc = g_strdup (hlc);
  change->op = SP_OP_UPSERT;
  if (field)
    json_object_set_string_member (change->fields, field, value);
  return change;
}

static SpChange *
delete_change (gint64      base_version,
               const char *hlc)
{
  SpChange *change = upsert (base_version, hlc, NULL, NULL);

  change->op = SP_OP_DELETE;
  return change;
}

static const SpEntity *
service (void)
{
  return sp_entity_lookup (SP_ENTITY_SERVICE);
}

static void
assert_applied_string (SpMergeResult *result,
                       const char    *field,
                       const char    *value,
                       const char    *hlc)
{
  g_assert_true (json_object_has_member (result->apply, field));
  g_assert_cmpstr (json_object_get_string_member (result->apply, field), ==, value);
  g_assert_cmpstr (g_hash_table_lookup (result->apply_hlc, field), ==, hlc);
}

static void
test_new_row (void)
{
  g_autoptr(SpChange) change = upsert (0, T (20000, "a"), "name", "Hund anmelden");
  g_autoptr(SpMergeResult) result = NULL;

  json_object_set_string_member (change->fields, "status", "draft");
  result = sp_merge_change (service (), NULL, change);

  assert_applied_string (result, "name", "Hund anmelden", T (20000, "a"));
  assert_applied_string (result, "status", "draft", T (20000, "a"));
  g_assert_false (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 0);

  /* An empty row state means the same as no row. */
  {
    g_autoptr(SpRowState) empty = sp_row_state_new ();
    g_autoptr(SpMergeResult) r2 = sp_merge_change (service (), empty, change);
    assert_applied_string (r2, "name", "Hund anmelden", T (20000, "a"));
    g_assert_cmpuint (r2->conflicts->len, ==, 0);
  }
}

static void
test_not_concurrent_applies_even_with_older_hlc (void)
{
  g_autoptr(SpRowState) row = server_row ("Alt", T (50000, "b"));
  /* The client saw version 5: its edit follows the server's, whatever the
   * wall clocks say. */
  g_autoptr(SpChange) change = upsert (5, T (40000, "a"), "name", "Neu");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);

  assert_applied_string (result, "name", "Neu", T (40000, "a"));
  g_assert_cmpuint (result->conflicts->len, ==, 0);
  /* A live row is not touched by an upsert's "deleted". */
  g_assert_false (json_object_has_member (result->apply, SP_FIELD_DELETED));
  g_assert_false (json_object_has_member (result->apply, "office"));
}

static void
test_untouched_field_applies (void)
{
  /* Base 1 < version 5 of "name", but the change edits "office", last
   * changed at version 1: no conflict. */
  g_autoptr(SpRowState) row = server_row ("Alt", T (50000, "b"));
  g_autoptr(SpChange) change = upsert (1, T (40000, "a"), "office", "Rathaus");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);

  assert_applied_string (result, "office", "Rathaus", T (40000, "a"));
  g_assert_false (json_object_has_member (result->apply, "name"));
  g_assert_cmpuint (result->conflicts->len, ==, 0);
}

static void
test_concurrent_equal_values (void)
{
  g_autoptr(SpRowState) row = server_row ("Gleich", T (50000, "b"));
  g_autoptr(SpChange) newer = upsert (1, T (60000, "a"), "name", "Gleich");
  g_autoptr(SpChange) older = upsert (1, T (40000, "a"), "name", "Gleich");
  g_autoptr(SpMergeResult) r1 = sp_merge_change (service (), row, newer);
  g_autoptr(SpMergeResult) r2 = sp_merge_change (service (), row, older);

  g_assert_cmpuint (r1->conflicts->len, ==, 0);
  g_assert_cmpuint (r2->conflicts->len, ==, 0);
  /* The newer timestamp is kept, the value is the same either way. */
  assert_applied_string (r1, "name", "Gleich", T (60000, "a"));
  g_assert_false (json_object_has_member (r2->apply, "name"));
}

static void
test_concurrent_same_node (void)
{
  /* The server's value came from this client's own earlier, still
   * unacknowledged edit: no conflict record, the newer HLC wins. */
  g_autoptr(SpRowState) row = server_row ("Erste Fassung", T (50000, "a"));
  g_autoptr(SpChange) newer = upsert (1, T (60000, "a"), "name", "Zweite Fassung");
  g_autoptr(SpChange) older = upsert (1, T (40000, "a"), "name", "Uralt");
  g_autoptr(SpMergeResult) r1 = sp_merge_change (service (), row, newer);
  g_autoptr(SpMergeResult) r2 = sp_merge_change (service (), row, older);

  assert_applied_string (r1, "name", "Zweite Fassung", T (60000, "a"));
  g_assert_cmpuint (r1->conflicts->len, ==, 0);
  g_assert_false (json_object_has_member (r2->apply, "name"));
  g_assert_cmpuint (r2->conflicts->len, ==, 0);
}

static void
test_concurrent_incoming_wins (void)
{
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = upsert (1, T (60000, "a"), "name", "Von A");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  assert_applied_string (result, "name", "Von A", T (60000, "a"));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, "name");
  g_assert_cmpstr (json_node_get_string (cv->lost_value), ==, "Von B");
  g_assert_cmpstr (cv->lost_hlc, ==, T (50000, "b"));
  g_assert_cmpstr (json_node_get_string (cv->kept_value), ==, "Von A");
  g_assert_cmpstr (cv->kept_hlc, ==, T (60000, "a"));
}

static void
test_concurrent_server_wins (void)
{
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = upsert (1, T (40000, "a"), "name", "Von A");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  g_assert_false (json_object_has_member (result->apply, "name"));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, "name");
  g_assert_cmpstr (json_node_get_string (cv->lost_value), ==, "Von A");
  g_assert_cmpstr (cv->lost_hlc, ==, T (40000, "a"));
  g_assert_cmpstr (json_node_get_string (cv->kept_value), ==, "Von B");
  g_assert_cmpstr (cv->kept_hlc, ==, T (50000, "b"));
}

static void
test_null_versus_value (void)
{
  /* Clearing a field concurrently with an edit is a real conflict. */
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = upsert (1, T (60000, "a"), NULL, NULL);
  g_autoptr(SpMergeResult) result = NULL;
  SpConflictValue *cv;

  json_object_set_null_member (change->fields, "name");
  result = sp_merge_change (service (), row, change);
  g_assert_true (json_object_get_null_member (result->apply, "name"));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (json_node_get_string (cv->lost_value), ==, "Von B");
  g_assert_true (JSON_NODE_HOLDS_NULL (cv->kept_value));
}

static void
test_delete_unchanged_row (void)
{
  g_autoptr(SpRowState) row = server_row ("Alt", T (50000, "b"));
  g_autoptr(SpChange) change = delete_change (5, T (40000, "a"));
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);

  g_assert_true (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpstr (g_hash_table_lookup (result->apply_hlc, SP_FIELD_DELETED), ==, T (40000, "a"));
  g_assert_cmpuint (json_object_get_size (result->apply), ==, 1);
  g_assert_cmpuint (result->conflicts->len, ==, 0);
}

static void
test_delete_versus_newer_edit (void)
{
  /* A deleted (base 1) while B edited the name (version 5) later. */
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = delete_change (1, T (40000, "a"));
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  g_assert_false (json_object_has_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, SP_FIELD_DELETED);
  g_assert_true (json_node_get_boolean (cv->lost_value));
  g_assert_cmpstr (cv->lost_hlc, ==, T (40000, "a"));
  g_assert_false (json_node_get_boolean (cv->kept_value));
  g_assert_cmpstr (cv->kept_hlc, ==, T (50000, "b"));
}

static void
test_delete_versus_older_edit (void)
{
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = delete_change (1, T (60000, "a"));
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  g_assert_true (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, SP_FIELD_DELETED);
  g_assert_false (json_node_get_boolean (cv->lost_value));
  g_assert_cmpstr (cv->lost_hlc, ==, T (50000, "b"));
  g_assert_true (json_node_get_boolean (cv->kept_value));
}

static void
test_delete_versus_own_edit (void)
{
  /* The edit at version 5 came from the deleting node itself. */
  g_autoptr(SpRowState) row = server_row ("Von A", T (50000, "a"));
  g_autoptr(SpChange) change = delete_change (1, T (60000, "a"));
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);

  g_assert_true (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 0);
}

static SpRowState *
deleted_row (const char *deleted_hlc)
{
  SpRowState *row = server_row ("Alt", T (10000, "srv"));
  g_autoptr(JsonNode) dead = bool_node (TRUE);

  /* Deleted by node "b" at version 7. */
  sp_row_state_set_field (row, SP_FIELD_DELETED, dead, deleted_hlc, 7);
  return row;
}

static void
test_edit_versus_newer_delete (void)
{
  g_autoptr(SpRowState) row = deleted_row (T (70000, "b"));
  g_autoptr(SpChange) change = upsert (5, T (60000, "a"), "name", "Neu");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  /* The name itself was not changed concurrently: it is applied, but the
   * row stays deleted and the resurrection attempt is recorded. */
  assert_applied_string (result, "name", "Neu", T (60000, "a"));
  g_assert_false (json_object_has_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, SP_FIELD_DELETED);
  g_assert_false (json_node_get_boolean (cv->lost_value));
  g_assert_true (json_node_get_boolean (cv->kept_value));
}

static void
test_edit_versus_older_delete (void)
{
  g_autoptr(SpRowState) row = deleted_row (T (50000, "b"));
  g_autoptr(SpChange) change = upsert (5, T (60000, "a"), "name", "Neu");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);
  SpConflictValue *cv;

  assert_applied_string (result, "name", "Neu", T (60000, "a"));
  g_assert_false (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  cv = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpstr (cv->field, ==, SP_FIELD_DELETED);
  g_assert_true (json_node_get_boolean (cv->lost_value));
  g_assert_false (json_node_get_boolean (cv->kept_value));
}

static void
test_resurrect_after_seen_delete (void)
{
  /* The client saw the delete (base 7) and saves again: no conflict. */
  g_autoptr(SpRowState) row = deleted_row (T (50000, "b"));
  g_autoptr(SpChange) change = upsert (7, T (40000, "a"), "name", "Wieder da");
  g_autoptr(SpMergeResult) result = sp_merge_change (service (), row, change);

  g_assert_false (json_object_get_boolean_member (result->apply, SP_FIELD_DELETED));
  g_assert_cmpuint (result->conflicts->len, ==, 0);
}

static void
test_multiple_fields (void)
{
  g_autoptr(SpRowState) row = server_row ("Von B", T (50000, "b"));
  g_autoptr(SpChange) change = upsert (1, T (60000, "a"), "name", "Von A");
  g_autoptr(SpMergeResult) result = NULL;
  g_autoptr(JsonArray) docs = json_array_new ();

  json_array_add_string_element (docs, "Ausweis");
  json_object_set_array_member (change->fields, "documents", json_array_ref (docs));
  json_object_set_string_member (change->fields, "office", "Rathaus");
  result = sp_merge_change (service (), row, change);

  g_assert_cmpuint (json_object_get_size (result->apply), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result->apply, "documents")), ==, 1);
  g_assert_cmpuint (result->conflicts->len, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/merge/new-row", test_new_row);
  g_test_add_func ("/merge/not-concurrent", test_not_concurrent_applies_even_with_older_hlc);
  g_test_add_func ("/merge/untouched-field", test_untouched_field_applies);
  g_test_add_func ("/merge/concurrent-equal", test_concurrent_equal_values);
  g_test_add_func ("/merge/concurrent-same-node", test_concurrent_same_node);
  g_test_add_func ("/merge/concurrent-incoming-wins", test_concurrent_incoming_wins);
  g_test_add_func ("/merge/concurrent-server-wins", test_concurrent_server_wins);
  g_test_add_func ("/merge/null-versus-value", test_null_versus_value);
  g_test_add_func ("/merge/delete-unchanged", test_delete_unchanged_row);
  g_test_add_func ("/merge/delete-vs-newer-edit", test_delete_versus_newer_edit);
  g_test_add_func ("/merge/delete-vs-older-edit", test_delete_versus_older_edit);
  g_test_add_func ("/merge/delete-vs-own-edit", test_delete_versus_own_edit);
  g_test_add_func ("/merge/edit-vs-newer-delete", test_edit_versus_newer_delete);
  g_test_add_func ("/merge/edit-vs-older-delete", test_edit_versus_older_delete);
  g_test_add_func ("/merge/resurrect-after-seen-delete", test_resurrect_after_seen_delete);
  g_test_add_func ("/merge/multiple-fields", test_multiple_fields);

  return g_test_run ();
}
