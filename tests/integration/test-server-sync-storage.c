/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-server-sync-storage"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "../../sync-server/sp-storage.h"

#include "sp-change.h"
#include "sp-error.h"

/* The server's storage backend (SQLite) driven directly: what a pushing and
 * pulling client would observe through the sync API. */

typedef struct {
  char      *dir;
  char      *path;
  SpStorage *storage;
} Fixture;

static SpPrincipal *
principal_new (const char *name,
               const char *roles_csv)
{
  SpPrincipal *p = g_new0 (SpPrincipal, 1);

  p->name = g_strdup (name);
  p->roles = g_strsplit (roles_csv, ",", -1);
  return p;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("sp-storage-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "server.db", NULL);
  fx->storage = sp_storage_open_sqlite (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->storage);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_pointer (&fx->storage, sp_storage_close);
  remove_dir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

static char *
hlc (gint64      ms,
     const char *node)
{
  return g_strdup_printf ("%015" G_GINT64_FORMAT ":%04x:%s", ms, 0u, node);
}

#define T0 G_GINT64_CONSTANT (1700000000000)

static SpChange *
change_new (const char *entity,
            const char *id,
            gint64      base_version,
            gint64      ms,
            const char *node,
            SpOp        op,
            const char *fields_json)
{
  SpChange *change = sp_change_new ();

  change->change_id = sp_uuid_new ();
  change->entity = g_strdup (entity);
  change->id = g_strdup (id);
  change->base_version = base_version;
  change->hlc = hlc (ms, node);
  change->op = op;
  if (fields_json != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node_json = sp_json_parse (fields_json, -1, &error);

      g_assert_no_error (error);
      json_object_unref (change->fields);
      change->fields = json_object_ref (json_node_get_object (node_json));
    }
  return change;
}

static SpChange *
service_change (const char *id,
                gint64      base_version,
                gint64      ms,
                const char *node,
                const char *fields_json)
{
  return change_new ("service", id, base_version, ms, node, SP_OP_UPSERT, fields_json);
}

/* Push one change; returns its result (owned by caller). */
static SpChangeResult *
push_one (Fixture           *fx,
          const SpPrincipal *who,
          SpChange          *change)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  g_ptr_array_add (changes, change);
  g_assert_true (sp_storage_push (fx->storage, who, changes, results, &cursor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_true (g_str_has_prefix (cursor, "v1."));
  return g_ptr_array_steal_index (results, 0);
}

static GPtrArray *
pull (Fixture           *fx,
      const SpPrincipal *who,
      const char        *since,
      guint              limit,
      char             **cursor,
      gboolean          *more)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GError) error = NULL;
  gboolean more_local = FALSE;

  g_assert_true (sp_storage_pull (fx->storage, who, since, limit, changes, cursor,
                                  more ? more : &more_local, &error));
  g_assert_no_error (error);
  return changes;
}

static const SpChange *
find_change (GPtrArray  *changes,
             const char *entity,
             const char *id)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const SpChange *c = g_ptr_array_index (changes, i);

      if (g_strcmp0 (c->entity, entity) == 0 && g_strcmp0 (c->id, id) == 0)
        return c;
    }
  return NULL;
}

static const char *
field_string (const SpChange *change,
              const char     *field)
{
  JsonNode *node = json_object_get_member (change->fields, field);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

static GPtrArray *
conflicts_of (GPtrArray  *changes,
              const char *row_id)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *c = g_ptr_array_index (changes, i);

      if (g_strcmp0 (c->entity, "conflict") == 0 && c->op == SP_OP_UPSERT &&
          g_strcmp0 (field_string (c, "row_id"), row_id) == 0)
        g_ptr_array_add (out, c);
    }
  return out;
}

/* -- tests ------------------------------------------------------------- */

static void
test_push_pull_roundtrip (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor,staff");
  g_autoptr(SpPrincipal) staff = principal_new ("mitarbeiter", "staff");
  g_autoptr(SpChangeResult) r = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autofree char *cursor = NULL;
  const SpChange *c;
  JsonNode *docs;
  gboolean more = TRUE;

  r = push_one (fx, editor, service_change ("svc-1", 0, T0, "alice",
                                            "{\"name\":\"Wohnung anmelden\","
                                            "\"documents\":[\"Personalausweis\",\"Wohnungsgeberbestätigung\","
                                            "\"\\\"Zitat\\\" \\\\ Tab\\t\",\"Steuer\\u0001zeichen\"],"
                                            "\"status\":\"published\"}"));
  g_assert_cmpint (r->status, ==, SP_RESULT_APPLIED);
  g_assert_cmpint (r->version, >, 0);

  /* Another staff member sees it on first sync, with every field. */
  pulled = pull (fx, staff, NULL, 0, &cursor, &more);
  g_assert_cmpuint (pulled->len, ==, 1);
  g_assert_false (more);
  c = g_ptr_array_index (pulled, 0);
  g_assert_cmpstr (c->entity, ==, "service");
  g_assert_cmpstr (c->id, ==, "svc-1");
  g_assert_cmpint (c->op, ==, SP_OP_UPSERT);
  g_assert_cmpint (c->version, ==, r->version);
  g_assert_cmpint (c->base_version, ==, r->version);
  g_assert_cmpstr (c->change_id, ==, r->change_id);
  g_assert_cmpstr (field_string (c, "name"), ==, "Wohnung anmelden");
  g_assert_cmpstr (field_string (c, "status"), ==, "published");
  g_assert_null (field_string (c, "fees"));
  g_assert_true (json_object_has_member (c->fields, "online_url"));
  docs = json_object_get_member (c->fields, "documents");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (docs));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (docs)), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (docs), 1), ==,
                   "Wohnungsgeberbestätigung");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (docs), 2), ==,
                   "\"Zitat\" \\ Tab\t");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (docs), 3), ==,
                   "Steuer\001zeichen");
  g_assert_cmpint (sp_storage_row_count (fx->storage, "service"), ==, 1);
  g_assert_cmpint (sp_storage_row_count (fx->storage, "nope"), ==, -1);

  {
    /* Round-trips through the JSON codec as a pulled change. */
    g_autoptr(JsonNode) json = sp_change_to_json (c, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(SpChange) back = sp_change_from_json (json, TRUE, &error);

    g_assert_no_error (error);
    g_assert_cmpint (back->version, ==, c->version);
  }

  /* Nothing new since: empty page, same cursor. */
  {
    g_autofree char *cursor2 = NULL;
    g_autoptr(GPtrArray) again = pull (fx, staff, cursor, 0, &cursor2, &more);

    g_assert_cmpuint (again->len, ==, 0);
    g_assert_false (more);
    g_assert_cmpstr (cursor2, ==, cursor);
  }
}

static void
test_idempotent_duplicate (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GPtrArray) results2 = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GPtrArray) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;
  g_autofree char *pull_cursor = NULL;

  g_ptr_array_add (changes, service_change ("a", 0, T0, "alice", "{\"name\":\"A\"}"));
  g_ptr_array_add (changes, service_change ("b", 0, T0 + 1, "alice", "{\"name\":\"B\"}"));
  g_assert_true (sp_storage_push (fx->storage, editor, changes, results, &cursor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);

  pulled = pull (fx, editor, NULL, 0, &pull_cursor, NULL);
  g_assert_cmpuint (pulled->len, ==, 2);

  /* The client did not see the answer (crash) and sends the batch again. */
  g_assert_true (sp_storage_push (fx->storage, editor, changes, results2, &cursor2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results2->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      SpChangeResult *first = g_ptr_array_index (results, i);
      SpChangeResult *second = g_ptr_array_index (results2, i);

      g_assert_cmpint (first->status, ==, SP_RESULT_APPLIED);
      g_assert_cmpint (second->status, ==, SP_RESULT_DUPLICATE);
      g_assert_cmpstr (second->change_id, ==, first->change_id);
      g_assert_cmpint (second->version, ==, first->version);
    }
  /* Nothing was stored twice: no new versions. */
  g_assert_cmpstr (cursor2, ==, cursor);
  {
    g_autoptr(GPtrArray) none = pull (fx, editor, pull_cursor, 0, NULL, NULL);
    g_assert_cmpuint (none->len, ==, 0);
  }
  g_assert_cmpint (sp_storage_row_count (fx->storage, "service"), ==, 2);

  /* The same change_id twice within one batch counts once. */
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
    g_autoptr(GPtrArray) res = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
    SpChange *c = service_change ("c", 0, T0 + 5, "alice", "{\"name\":\"C\"}");
    SpChange *dup = sp_change_copy (c);

    g_ptr_array_add (batch, c);
    g_ptr_array_add (batch, dup);
    g_assert_true (sp_storage_push (fx->storage, editor, batch, res, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (((SpChangeResult *) res->pdata[0])->status, ==, SP_RESULT_APPLIED);
    g_assert_cmpint (((SpChangeResult *) res->pdata[1])->status, ==, SP_RESULT_DUPLICATE);
    g_assert_cmpint (((SpChangeResult *) res->pdata[1])->version, ==,
                     ((SpChangeResult *) res->pdata[0])->version);
  }
}

static void
test_conflict_keeps_both (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpChangeResult) r0 = NULL;
  g_autoptr(SpChangeResult) r1 = NULL;
  g_autoptr(SpChangeResult) r2 = NULL;
  g_autoptr(SpChangeResult) r3 = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  const SpChange *row;
  const SpChange *cf;
  gint64 base;

  r0 = push_one (fx, editor, service_change ("svc", 0, T0, "alice",
                                             "{\"name\":\"Ausweis\",\"fees\":\"37 Euro\",\"office\":\"Bürgerservice\"}"));
  base = r0->version;

  /* Bob (offline) edits name and fees; Carol (offline, later clock) edits
   * name and office. Both started from the same base version. */
  r1 = push_one (fx, editor, service_change ("svc", base, T0 + 100, "bob",
                                             "{\"name\":\"Personalausweis beantragen\",\"fees\":\"37,00 Euro\"}"));
  g_assert_cmpint (r1->status, ==, SP_RESULT_APPLIED);
  r2 = push_one (fx, editor, service_change ("svc", base, T0 + 200, "carol",
                                             "{\"name\":\"Personalausweis\",\"office\":\"Bürgeramt Jena\"}"));
  g_assert_cmpint (r2->status, ==, SP_RESULT_CONFLICT);
  g_assert_cmpint (r2->version, >, r1->version);

  pulled = pull (fx, editor, NULL, 0, NULL, NULL);
  row = find_change (pulled, "service", "svc");
  g_assert_nonnull (row);
  /* Per field: name by the newer clock (Carol), fees from Bob, office from
   * Carol; nothing concurrent was lost silently. */
  g_assert_cmpstr (field_string (row, "name"), ==, "Personalausweis");
  g_assert_cmpstr (field_string (row, "fees"), ==, "37,00 Euro");
  g_assert_cmpstr (field_string (row, "office"), ==, "Bürgeramt Jena");
  g_assert_cmpint (row->version, ==, r2->version);

  conflicts = conflicts_of (pulled, "svc");
  g_assert_cmpuint (conflicts->len, ==, 1);
  cf = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (field_string (cf, "entity"), ==, "service");
  g_assert_cmpstr (field_string (cf, "field"), ==, "name");
  g_assert_cmpstr (field_string (cf, "lost_value"), ==, "\"Personalausweis beantragen\"");
  g_assert_cmpstr (field_string (cf, "kept_value"), ==, "\"Personalausweis\"");
  g_assert_true (g_str_has_suffix (field_string (cf, "lost_hlc"), ":bob"));
  g_assert_true (g_str_has_suffix (field_string (cf, "kept_hlc"), ":carol"));
  g_assert_false (json_object_get_boolean_member (cf->fields, "resolved"));
  g_assert_cmpint (cf->version, >, 0);

  /* A late edit with an older clock loses, but is kept too. */
  r3 = push_one (fx, editor, service_change ("svc", base, T0 + 50, "dave",
                                             "{\"fees\":\"kostenlos\"}"));
  g_assert_cmpint (r3->status, ==, SP_RESULT_CONFLICT);
  {
    g_autoptr(GPtrArray) all = pull (fx, editor, NULL, 0, NULL, NULL);
    g_autoptr(GPtrArray) cfs = conflicts_of (all, "svc");
    const SpChange *now = find_change (all, "service", "svc");
    gboolean found = FALSE;

    g_assert_cmpstr (field_string (now, "fees"), ==, "37,00 Euro");
    /* The losing client pulls the merged row back (new version). */
    g_assert_cmpint (now->version, ==, r3->version);
    g_assert_cmpuint (cfs->len, ==, 2);
    for (guint i = 0; i < cfs->len; i++)
      {
        SpChange *c = g_ptr_array_index (cfs, i);
        if (g_strcmp0 (field_string (c, "field"), "fees") == 0)
          {
            g_assert_cmpstr (field_string (c, "lost_value"), ==, "\"kostenlos\"");
            g_assert_cmpstr (field_string (c, "kept_value"), ==, "\"37,00 Euro\"");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* Restoring: an edit based on the newest version is applied plainly. */
  {
    g_autoptr(SpChangeResult) r4 = push_one (fx, editor,
                                             service_change ("svc", r3->version, T0 + 300, "bob",
                                                             "{\"name\":\"Personalausweis beantragen\"}"));
    g_autoptr(SpChangeResult) r5 = NULL;

    g_assert_cmpint (r4->status, ==, SP_RESULT_APPLIED);
    /* ... and the conflict record is marked resolved. */
    r5 = push_one (fx, editor, change_new ("conflict", cf->id, cf->version, T0 + 301, "bob",
                                           SP_OP_UPSERT, "{\"resolved\":true}"));
    g_assert_cmpint (r5->status, ==, SP_RESULT_APPLIED);
  }
  {
    g_autoptr(GPtrArray) all = pull (fx, editor, NULL, 0, NULL, NULL);
    const SpChange *c = find_change (all, "conflict", cf->id);

    g_assert_true (json_object_get_boolean_member (c->fields, "resolved"));
    g_assert_cmpstr (field_string (c, "lost_value"), ==, "\"Personalausweis beantragen\"");
    g_assert_cmpstr (field_string (find_change (all, "service", "svc"), "name"), ==,
                     "Personalausweis beantragen");
  }
}

/* Two people resolve the same conflict record at once: last writer wins,
 * no record about the record. */
static void
test_conflict_record_lww (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpChangeResult) r0 = NULL;
  g_autoptr(SpChangeResult) r1 = NULL;
  g_autoptr(SpChangeResult) a = NULL;
  g_autoptr(SpChangeResult) b = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autoptr(GPtrArray) cfs = NULL;
  const SpChange *cf;
  g_autofree char *cf_id = NULL;
  gint64 cf_version;

  r0 = push_one (fx, editor, service_change ("s", 0, T0, "a", "{\"name\":\"eins\"}"));
  r1 = push_one (fx, editor, service_change ("s", 0, T0 + 1, "b", "{\"name\":\"zwei\"}"));
  g_assert_cmpint (r1->status, ==, SP_RESULT_CONFLICT);
  pulled = pull (fx, editor, NULL, 0, NULL, NULL);
  cfs = conflicts_of (pulled, "s");
  g_assert_cmpuint (cfs->len, ==, 1);
  cf = g_ptr_array_index (cfs, 0);
  cf_id = g_strdup (cf->id);
  cf_version = cf->version;
  g_assert_cmpint (sp_storage_row_count (fx->storage, "conflict"), ==, 1);

  a = push_one (fx, editor, change_new ("conflict", cf_id, cf_version, T0 + 10, "a", SP_OP_UPSERT,
                                        "{\"resolved\":true}"));
  b = push_one (fx, editor, change_new ("conflict", cf_id, cf_version, T0 + 20, "b", SP_OP_UPSERT,
                                        "{\"resolved\":false}"));
  g_assert_cmpint (a->status, ==, SP_RESULT_APPLIED);
  g_assert_cmpint (b->status, ==, SP_RESULT_APPLIED);
  g_assert_cmpint (sp_storage_row_count (fx->storage, "conflict"), ==, 1);
  {
    g_autoptr(GPtrArray) all = pull (fx, editor, NULL, 0, NULL, NULL);
    const SpChange *now = find_change (all, "conflict", cf_id);

    g_assert_false (json_object_get_boolean_member (now->fields, "resolved"));
  }
}

static void
test_same_node_no_conflict (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpChangeResult) r0 = NULL;
  g_autoptr(SpChangeResult) r1 = NULL;
  g_autoptr(SpChangeResult) r2 = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;

  /* One client edits twice offline from the same base: its own edits. */
  r0 = push_one (fx, editor, service_change ("s", 0, T0, "alice", "{\"name\":\"x\"}"));
  r1 = push_one (fx, editor, service_change ("s", r0->version, T0 + 1, "alice", "{\"name\":\"y\"}"));
  r2 = push_one (fx, editor, service_change ("s", r0->version, T0 + 2, "alice", "{\"name\":\"z\"}"));
  g_assert_cmpint (r1->status, ==, SP_RESULT_APPLIED);
  g_assert_cmpint (r2->status, ==, SP_RESULT_APPLIED);

  pulled = pull (fx, editor, NULL, 0, NULL, NULL);
  conflicts = conflicts_of (pulled, "s");
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpstr (field_string (find_change (pulled, "service", "s"), "name"), ==, "z");
}

static void
test_roles_refuse (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(SpPrincipal) staff = principal_new ("mitarbeiter", "staff");
  g_autoptr(SpPrincipal) kita = principal_new ("kita", "kita,staff");
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpPrincipal) admin = principal_new ("admin", "admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(SpChangeResult) r = NULL;

  /* Staff may not write services: refused, nothing stored. */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_ptr_array_add (changes, service_change ("x", 0, T0, "m", "{\"name\":\"Hack\"}"));
    g_assert_false (sp_storage_push (fx->storage, staff, changes, results, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
    g_clear_error (&error);
    g_assert_cmpuint (results->len, ==, 0);
    g_assert_cmpint (sp_storage_row_count (fx->storage, "service"), ==, 0);
  }

  /* A batch with one forbidden change stores none of it, including the
   * allowed first change; re-sending later by someone allowed works. */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_ptr_array_add (changes, change_new ("conflict", "c1", 0, T0, "k", SP_OP_UPSERT,
                                          "{\"entity\":\"service\",\"row_id\":\"x\",\"field\":\"name\",\"resolved\":true}"));
    g_assert_false (sp_storage_push (fx->storage, kita, changes, results, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
    g_assert_nonnull (strstr (error->message, "changes[0]"));
    g_clear_error (&error);

    g_ptr_array_insert (changes, 0, service_change ("ok", 0, T0, "e", "{\"name\":\"Gut\"}"));
    g_ptr_array_add (changes, change_new ("conflict", "c9", 0, T0, "e", SP_OP_UPSERT,
                                          "{\"entity\":\"secret_reports\",\"row_id\":\"x\"}"));
    g_assert_false (sp_storage_push (fx->storage, editor, changes, results, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
    g_assert_nonnull (strstr (error->message, "changes[2]"));
    g_clear_error (&error);
    g_assert_cmpuint (results->len, ==, 0);
    g_ptr_array_remove_index (changes, 2);
    g_assert_cmpint (sp_storage_row_count (fx->storage, "service"), ==, 0);
    g_assert_cmpint (sp_storage_row_count (fx->storage, "conflict"), ==, 0);

    g_assert_true (sp_storage_push (fx->storage, editor, changes, results, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (results->len, ==, 2);
    g_assert_cmpint (sp_storage_row_count (fx->storage, "service"), ==, 1);
    g_assert_cmpint (sp_storage_row_count (fx->storage, "conflict"), ==, 1);
  }

  /* A conflict record without the entity it belongs to is refused. */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_ptr_array_add (changes, change_new ("conflict", "c2", 0, T0, "a", SP_OP_UPSERT,
                                          "{\"resolved\":true}"));
    g_assert_false (sp_storage_push (fx->storage, admin, changes, results, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* Resolving an existing conflict needs write access to its entity. */
  r = push_one (fx, editor, change_new ("conflict", "c1",
                                        ((SpChangeResult *) results->pdata[1])->version,
                                        T0 + 10, "e", SP_OP_UPSERT,
                                        "{\"resolved\":false}"));
  g_assert_cmpint (r->status, ==, SP_RESULT_APPLIED);
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_ptr_array_add (changes, change_new ("conflict", "c1", r->version, T0 + 20, "m", SP_OP_UPSERT,
                                          "{\"resolved\":true}"));
    g_assert_false (sp_storage_push (fx->storage, staff, changes, results, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }
}

static void
test_pull_paging (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  gint64 last_version = 0;
  gboolean more = TRUE;
  guint pages = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *id = g_strdup_printf ("row-%02u", i);
      g_autofree char *fields = g_strdup_printf ("{\"name\":\"Dienst %u\"}", i);

      g_ptr_array_add (changes, service_change (id, 0, T0 + i, "alice", fields));
    }
  g_assert_true (sp_storage_push (fx->storage, editor, changes, NULL, NULL, &error));
  g_assert_no_error (error);

  while (more)
    {
      g_autofree char *next = NULL;
      g_autoptr(GPtrArray) page = pull (fx, editor, cursor, 10, &next, &more);

      pages++;
      g_assert_cmpuint (page->len, ==, pages < 3 ? 10 : 5);
      g_assert_true (more == (pages < 3));
      for (guint i = 0; i < page->len; i++)
        {
          SpChange *c = g_ptr_array_index (page, i);

          g_assert_cmpint (c->version, >, last_version);
          last_version = c->version;
          g_assert_true (g_hash_table_add (seen, g_strdup (c->id)));
        }
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 25);

  /* Incremental: after 3 more edits the next pull returns just those. */
  g_ptr_array_set_size (changes, 0);
  g_ptr_array_add (changes, service_change ("row-03", last_version, T0 + 1000, "bob", "{\"fees\":\"1\"}"));
  g_ptr_array_add (changes, service_change ("row-07", last_version, T0 + 1001, "bob", "{\"fees\":\"2\"}"));
  g_ptr_array_add (changes, service_change ("new", 0, T0 + 1002, "bob", "{\"name\":\"Neu\"}"));
  g_assert_true (sp_storage_push (fx->storage, editor, changes, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) page = pull (fx, editor, cursor, 10, NULL, &more);

    g_assert_cmpuint (page->len, ==, 3);
    g_assert_false (more);
    g_assert_nonnull (find_change (page, "service", "row-03"));
    g_assert_nonnull (find_change (page, "service", "new"));
    g_assert_cmpstr (field_string (find_change (page, "service", "row-07"), "name"), ==, "Dienst 7");
  }

  /* Limits: 0 means the default, huge values are capped, bad cursors fail. */
  {
    g_autoptr(GPtrArray) page = pull (fx, editor, NULL, 100000, NULL, &more);
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

    g_assert_cmpuint (page->len, ==, 26);
    g_assert_false (sp_storage_pull (fx->storage, editor, "garbage", 10, bad, NULL, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (sp_storage_pull (fx->storage, editor, "v1.-5", 10, bad, NULL, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (sp_storage_pull (fx->storage, editor, "v1.12x", 10, bad, NULL, NULL, &error));
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (bad->len, ==, 0);
  }
}

static void
test_snapshot_and_tombstones (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpChangeResult) r0 = NULL;
  g_autoptr(SpChangeResult) r1 = NULL;
  g_autoptr(SpChangeResult) r2 = NULL;
  g_autoptr(SpChangeResult) rd = NULL;
  g_autoptr(GPtrArray) pulled = NULL;
  g_autofree char *cursor = NULL;
  const SpChange *c;

  r0 = push_one (fx, editor, service_change ("s", 0, T0, "a", "{\"name\":\"eins\",\"status\":\"draft\"}"));
  r1 = push_one (fx, editor, service_change ("s", r0->version, T0 + 1, "a", "{\"name\":\"zwei\"}"));
  r2 = push_one (fx, editor, service_change ("s", r1->version, T0 + 2, "a", "{\"status\":\"published\"}"));

  /* A new client gets the row once, in its latest state. */
  pulled = pull (fx, editor, NULL, 0, &cursor, NULL);
  g_assert_cmpuint (pulled->len, ==, 1);
  c = g_ptr_array_index (pulled, 0);
  g_assert_cmpstr (field_string (c, "name"), ==, "zwei");
  g_assert_cmpstr (field_string (c, "status"), ==, "published");
  g_assert_cmpint (c->version, ==, r2->version);
  g_assert_cmpstr (c->change_id, ==, r2->change_id);

  rd = push_one (fx, editor, change_new ("service", "s", r2->version, T0 + 3, "a", SP_OP_DELETE, NULL));
  g_assert_cmpint (rd->status, ==, SP_RESULT_APPLIED);
  {
    g_autoptr(GPtrArray) inc = pull (fx, editor, cursor, 0, NULL, NULL);
    g_autoptr(GPtrArray) fresh = pull (fx, editor, NULL, 0, NULL, NULL);
    g_autofree char *etag = NULL;
    g_autoptr(JsonNode) published = NULL;

    g_assert_cmpuint (inc->len, ==, 1);
    c = g_ptr_array_index (inc, 0);
    g_assert_cmpint (c->op, ==, SP_OP_DELETE);
    g_assert_cmpint (c->version, ==, rd->version);
    /* Tombstones reach new clients too, so deletes made offline settle. */
    g_assert_cmpuint (fresh->len, ==, 1);
    g_assert_cmpint (((SpChange *) fresh->pdata[0])->op, ==, SP_OP_DELETE);

    published = sp_storage_published (fx->storage, "service", &etag, NULL);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (published)), ==, 0);
  }

  /* An edit concurrent with the delete (older base) brings the row back
   * and keeps the delete as a conflict record. */
  {
    g_autoptr(SpChangeResult) re = push_one (fx, editor, service_change ("s", r2->version, T0 + 10, "b",
                                                                         "{\"fees\":\"10 Euro\"}"));
    g_autoptr(GPtrArray) all = pull (fx, editor, NULL, 0, NULL, NULL);
    g_autoptr(GPtrArray) cfs = conflicts_of (all, "s");

    g_assert_cmpint (re->status, ==, SP_RESULT_CONFLICT);
    c = find_change (all, "service", "s");
    g_assert_cmpint (c->op, ==, SP_OP_UPSERT);
    g_assert_cmpstr (field_string (c, "name"), ==, "zwei");
    g_assert_cmpstr (field_string (c, "fees"), ==, "10 Euro");
    g_assert_cmpuint (cfs->len, ==, 1);
    g_assert_cmpstr (field_string (cfs->pdata[0], "field"), ==, "deleted");
    g_assert_cmpstr (field_string (cfs->pdata[0], "lost_value"), ==, "true");
  }
}

static void
test_conflict_scope (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(SpPrincipal) staff = principal_new ("mitarbeiter", "staff");
  g_autoptr(SpPrincipal) admin = principal_new ("admin", "admin");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor_admin = NULL;
  gboolean more = TRUE;

  /* One conflict about a service (readable by all staff) and one about an
   * entity nobody may read here. */
  g_ptr_array_add (changes, change_new ("conflict", "visible", 0, T0, "server", SP_OP_UPSERT,
                                        "{\"entity\":\"service\",\"row_id\":\"s\",\"field\":\"name\"}"));
  g_ptr_array_add (changes, change_new ("conflict", "hidden", 0, T0, "server", SP_OP_UPSERT,
                                        "{\"entity\":\"secret_reports\",\"row_id\":\"r\",\"field\":\"x\"}"));
  g_assert_true (sp_storage_push_as_server (fx->storage, changes, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GPtrArray) page = pull (fx, staff, NULL, 1, &cursor, &more);

    g_assert_cmpuint (page->len, ==, 1);
    g_assert_cmpstr (((SpChange *) page->pdata[0])->id, ==, "visible");
    /* The hidden row neither shows nor keeps the pull going. */
    g_assert_false (more);
  }
  {
    g_autoptr(GPtrArray) page = pull (fx, admin, NULL, 0, &cursor_admin, &more);

    g_assert_cmpuint (page->len, ==, 1);
    g_assert_cmpstr (cursor_admin, ==, cursor);
  }
  {
    g_autoptr(GPtrArray) page = pull (fx, staff, cursor, 0, NULL, &more);
    g_assert_cmpuint (page->len, ==, 0);
  }
}

static void
test_published (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag1 = NULL;
  g_autofree char *etag2 = NULL;
  g_autofree char *etag3 = NULL;
  JsonArray *array;
  JsonObject *o;

  /* Server-side import: no hlc/change_id given. */
  for (guint i = 0; i < 4; i++)
    {
      static const char *names[] = { "zulassung", "Anmeldung", "Bauantrag", "Entwurf" };
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *fields = g_strdup_printf ("{\"name\":\"%s\",\"status\":\"%s\",\"documents\":[\"Ausweis\"]}",
                                                 names[i], i == 3 ? "draft" : "published");
      SpChange *c = service_change (id, 0, T0, "x", fields);

      g_clear_pointer (&c->hlc, g_free);
      g_clear_pointer (&c->change_id, g_free);
      g_ptr_array_add (changes, c);
    }
  g_assert_true (sp_storage_push_as_server (fx->storage, changes, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (((SpChange *) changes->pdata[0])->hlc, ":server"));

  first = sp_storage_published (fx->storage, "service", &etag1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (first);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  o = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Anmeldung");
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "p1");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "documents")));
  g_assert_true (json_object_has_member (o, "online_url"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2), "name"), ==, "zulassung");

  again = sp_storage_published (fx->storage, "service", &etag2, &error);
  g_assert_cmpstr (etag1, ==, etag2);

  g_ptr_array_set_size (changes, 0);
  g_ptr_array_add (changes, service_change ("p3", 0, T0, "x", "{\"status\":\"published\"}"));
  g_clear_pointer (&((SpChange *) changes->pdata[0])->hlc, g_free);
  g_assert_true (sp_storage_push_as_server (fx->storage, changes, &error));
  after = sp_storage_published (fx->storage, "service", &etag3, &error);
  g_assert_cmpstr (etag1, !=, etag3);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (after)), ==, 4);

  g_assert_null (sp_storage_published (fx->storage, "nope", NULL, &error));
  g_assert_nonnull (error);
}

static void
test_accounts (Fixture       *fx,
               gconstpointer  data)
{
  const char *roles[] = { "editor", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_auto(GStrv) got_roles = NULL;
  g_autoptr(SpPrincipal) p = NULL;
  g_autoptr(SpPrincipal) expired = NULL;
  g_autoptr(SpPrincipal) unknown = NULL;

  g_assert_cmpuint (sp_storage_user_count (fx->storage), ==, 0);
  g_assert_false (sp_storage_user_get (fx->storage, "redaktion", &hash, &got_roles, &error));
  g_assert_no_error (error);
  g_assert_true (sp_storage_user_put (fx->storage, "redaktion", "$argon2id$fake", roles, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sp_storage_user_count (fx->storage), ==, 1);
  g_assert_true (sp_storage_user_get (fx->storage, "redaktion", &hash, &got_roles, &error));
  g_assert_cmpstr (hash, ==, "$argon2id$fake");
  g_assert_true (g_strv_contains ((const char * const *) got_roles, "editor"));
  g_assert_true (g_strv_contains ((const char * const *) got_roles, "staff"));

  g_assert_true (sp_storage_token_put (fx->storage, "aa11", "redaktion", 2000, &error));
  g_assert_true (sp_storage_token_put (fx->storage, "bb22", "redaktion", 500, &error));
  p = sp_storage_token_lookup (fx->storage, "aa11", 1000);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->name, ==, "redaktion");
  g_assert_true (g_strv_contains ((const char * const *) p->roles, "editor"));
  g_assert_true (g_strv_contains ((const char * const *) p->roles, "staff"));
  expired = sp_storage_token_lookup (fx->storage, "bb22", 1000);
  g_assert_null (expired);
  unknown = sp_storage_token_lookup (fx->storage, "cc33", 1000);
  g_assert_null (unknown);
}

static void
test_versions_survive_reopen (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(SpChangeResult) r1 = NULL;
  g_autoptr(SpChangeResult) r2 = NULL;
  g_autoptr(SpChangeResult) dup = NULL;
  g_autoptr(GError) error = NULL;
  SpChange *again;

  r1 = push_one (fx, editor, service_change ("a", 0, T0, "a", "{\"name\":\"A\"}"));
  again = service_change ("a", 0, T0, "a", "{\"name\":\"A\"}");
  g_free (again->change_id);
  again->change_id = g_strdup (r1->change_id);

  sp_storage_close (fx->storage);
  fx->storage = sp_storage_open_sqlite (fx->path, &error);
  g_assert_no_error (error);

  dup = push_one (fx, editor, again);
  g_assert_cmpint (dup->status, ==, SP_RESULT_DUPLICATE);
  g_assert_cmpint (dup->version, ==, r1->version);
  r2 = push_one (fx, editor, service_change ("b", 0, T0 + 1, "a", "{\"name\":\"B\"}"));
  g_assert_cmpint (r2->version, >, r1->version);
}

static void
test_big_batch (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  const guint n = 10000;
  gint64 t0, t1, t2;
  guint total = 0;
  gboolean more = TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("svc-%05u", i);
      g_autofree char *fields = g_strdup_printf ("{\"name\":\"Dienstleistung %u\",\"leika\":\"99%08u\","
                                                 "\"description\":\"Beschreibung der Leistung %u für Bürgerinnen und Bürger\","
                                                 "\"documents\":[\"Personalausweis\",\"Antrag\"],\"fees\":\"20 Euro\","
                                                 "\"office\":\"Bürgerservice Jena\",\"opening_hours\":\"Mo-Fr 8-18\","
                                                 "\"online_url\":\"https://jena.de/%u\",\"status\":\"published\"}",
                                                 i, i, i, i);
      g_ptr_array_add (changes, service_change (id, 0, T0 + i, "bulk", fields));
    }

  t0 = g_get_monotonic_time ();
  g_assert_true (sp_storage_push (fx->storage, editor, changes, results, NULL, &error));
  g_assert_no_error (error);
  t1 = g_get_monotonic_time ();
  g_assert_cmpuint (results->len, ==, n);

  while (more)
    {
      g_autofree char *next = NULL;
      g_autoptr(GPtrArray) page = pull (fx, editor, cursor, 10000, &next, &more);

      total += page->len;
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  t2 = g_get_monotonic_time ();
  g_assert_cmpuint (total, ==, n);

  g_test_message ("push %u: %.0f changes/s; pull: %.0f rows/s", n,
                  n / ((t1 - t0) / 1e6), n / ((t2 - t1) / 1e6));
  /* Generous bounds (debug builds, slow CI); the bench measures properly. */
  g_assert_cmpint (t1 - t0, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (t2 - t1, <, 20 * G_USEC_PER_SEC);
}

typedef struct {
  Fixture   *fx;
  GPtrArray *changes;
  gboolean   done;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_storage_push (job->fx->storage, editor, job->changes, NULL, NULL, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

/* Readers (pulls, sign-ins) run next to a big push and see it whole or not
 * at all. */
static void
test_concurrent_readers (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(SpPrincipal) staff = principal_new ("mitarbeiter", "staff");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GError) error = NULL;
  const char *roles[] = { "editor", NULL };
  PushJob job = { fx, changes, FALSE };
  GThread *thread;
  guint seen_before = 0;
  guint seen_after = 0;
  guint lookups = 0;

  g_assert_true (sp_storage_user_put (fx->storage, "redaktion", "$argon2id$x", roles, &error));
  g_assert_true (sp_storage_token_put (fx->storage, "tok", "redaktion", G_MAXINT64, &error));

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *id = g_strdup_printf ("c-%05u", i);
      g_ptr_array_add (changes, service_change (id, 0, T0 + i, "bulk", "{\"name\":\"x\"}"));
    }

  thread = g_thread_new ("push", push_thread, &job);
  while (TRUE)
    {
      gboolean done = g_atomic_int_get (&job.done);
      g_autoptr(GPtrArray) page = pull (fx, staff, NULL, 10000, NULL, NULL);
      g_autoptr(SpPrincipal) p = sp_storage_token_lookup (fx->storage, "tok", 1);

      g_assert_nonnull (p);
      lookups++;
      g_assert_true (page->len == 0 || page->len == 5000);
      if (page->len == 0)
        seen_before++;
      else
        seen_after++;
      if (done)
        break;
    }
  g_thread_join (thread);
  g_assert_cmpuint (seen_after, >, 0);
  g_test_message ("pulls before the push committed: %u, after: %u, lookups: %u",
                  seen_before, seen_after, lookups);
}

/* The JSON text page is exactly the codec's form of the SpChange page. */
static void
test_pull_json_matches (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(SpPrincipal) editor = principal_new ("redaktion", "editor");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  gboolean more = TRUE;
  guint pages = 0;

  g_ptr_array_add (changes, service_change ("a", 0, T0, "x",
                                            "{\"name\":\"Zeile\\nzwei \\\"zitiert\\\" \\\\ \\u0002 ä €\","
                                            "\"documents\":[\"a\\\"b\",\"c\\\\d\",\"\\u0003\",\"ü\"],\"status\":\"draft\"}"));
  g_ptr_array_add (changes, service_change ("b", 0, T0 + 1, "x", "{\"documents\":[]}"));
  g_ptr_array_add (changes, service_change ("c", 0, T0 + 2, "x", "{\"name\":\"weg\"}"));
  g_ptr_array_add (changes, change_new ("service", "c", 3, T0 + 3, "x", SP_OP_DELETE, NULL));
  g_ptr_array_add (changes, service_change ("d", 0, T0 + 1, "y", "{\"name\":\"d\"}"));
  g_ptr_array_add (changes, service_change ("d", 0, T0 + 2, "z", "{\"name\":\"D\"}"));
  g_assert_true (sp_storage_push (fx->storage, editor, changes, NULL, NULL, &error));
  g_assert_no_error (error);

  while (more)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
      g_autoptr(GString) json = g_string_new (NULL);
      g_autoptr(JsonNode) parsed = NULL;
      g_autofree char *cursor1 = NULL;
      g_autofree char *cursor2 = NULL;
      gboolean more1 = FALSE;
      gboolean more2 = FALSE;
      guint n = 0;
      JsonArray *array;

      g_assert_true (sp_storage_pull (fx->storage, editor, since, 2, page, &cursor1, &more1, &error));
      g_assert_no_error (error);
      g_assert_true (sp_storage_pull_json (fx->storage, editor, since, 2, json, &n, &cursor2, &more2, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (cursor1, ==, cursor2);
      g_assert_true (more1 == more2);
      g_assert_cmpuint (n, ==, page->len);

      parsed = sp_json_parse (json->str, json->len, &error);
      g_assert_no_error (error);
      array = json_node_get_array (parsed);
      g_assert_cmpuint (json_array_get_length (array), ==, page->len);
      for (guint i = 0; i < page->len; i++)
        {
          g_autoptr(JsonNode) expected = sp_change_to_json (page->pdata[i], TRUE);
          g_autoptr(SpChange) back = sp_change_from_json (json_array_get_element (array, i), TRUE, &error);

          g_assert_no_error (error);
          g_assert_true (json_node_equal (expected, json_array_get_element (array, i)));
        }

      pages++;
      more = more1;
      g_free (since);
      since = g_steal_pointer (&cursor1);
    }
  g_assert_cmpuint (pages, ==, 3);   /* 4 rows + 1 conflict row, 2 per page */
}

/* -- pushed changes decoded into values -------------------------------- */

/* One change of a push body as text: @id of @entity with @fields (the
 * members of its "fields" object). */
static char *
change_text (const char *entity,
             const char *id,
             gint64      base_version,
             gint64      ms,
             const char *node,
             const char *fields)
{
  g_autofree char *clock = hlc (ms, node);

  return g_strdup_printf ("{\"change_id\":\"c-%s-%" G_GINT64_FORMAT "-%s\",\"entity\":\"%s\","
                          "\"id\":\"%s\",\"base_version\":%" G_GINT64_FORMAT ",\"hlc\":\"%s\","
                          "\"op\":\"upsert\",\"fields\":{%s}}",
                          id, ms, node, entity, id, base_version, clock, fields);
}

/* Pushes @text decoded as the server decodes push bodies (values) when
 * @flat, else through the tree decoder (an object), *@version set to the
 * version it got; FALSE with @error
 * (prefixed "changes[0]: " both ways) when the decoder or the push
 * refuses it. */
static gboolean
push_text (Fixture            *fx,
           const SpPrincipal  *who,
           const char         *text,
           gboolean            flat,
           gint64             *version,
           GError            **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_result_free);
  g_autofree char *cursor = NULL;

  if (flat)
    {
      g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", text);

      if (!(changes = sp_change_parse_push_body (body, strlen (body), 10, error)))
        return FALSE;
      g_assert_nonnull (((SpChange *) changes->pdata[0])->values);
    }
  else
    {
      g_autoptr(JsonNode) tree = sp_json_parse (text, -1, NULL);
      SpChange *change;

      g_assert_nonnull (tree);
      if (!(change = sp_change_from_json (tree, FALSE, error)))
        {
          g_prefix_error (error, "changes[0]: ");
          return FALSE;
        }
      g_assert_null (change->values);
      changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
      g_ptr_array_add (changes, change);
    }
  if (!sp_storage_push (fx->storage, who, changes, results, &cursor, error))
    return FALSE;
  if (version != NULL)
    *version = ((SpChangeResult *) results->pdata[0])->version;
  return TRUE;
}

/* Every column of row @a of @table but id, version and change_id equals
 * the one of row @b, by type and bytes. */
static void
assert_rows_equal (sqlite3    *db,
                   const char *table,
                   const char *a,
                   const char *b)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" WHERE id = ?1", table);
  sqlite3_stmt *sa = NULL;
  sqlite3_stmt *sb = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &sa, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &sb, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (sa, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text (sb, 1, b, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (sa), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_step (sb), ==, SQLITE_ROW);
  for (int col = 0; col < sqlite3_column_count (sa); col++)
    {
      const char *name = sqlite3_column_name (sa, col);

      if (strcmp (name, "id") == 0 || strcmp (name, "version") == 0 ||
          strcmp (name, "change_id") == 0)
        continue;
      if (sqlite3_column_type (sa, col) != sqlite3_column_type (sb, col) ||
          g_strcmp0 ((const char *) sqlite3_column_text (sa, col),
                     (const char *) sqlite3_column_text (sb, col)) != 0)
        g_error ("%s %s/%s: column %s: “%s” vs “%s”", table, a, b, name,
                 sqlite3_column_text (sa, col), sqlite3_column_text (sb, col));
    }
  sqlite3_finalize (sa);
  sqlite3_finalize (sb);
}

/* The conflict records about row @id as text, in a fixed order. */
static char *
conflict_text (sqlite3    *db,
               const char *id)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT field, lost_value, lost_hlc, kept_value, kept_hlc, resolved "
                                       "FROM conflict WHERE row_id = ?1 ORDER BY field, lost_hlc",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int col = 0; col < 6; col++)
      g_string_append_printf (out, "%s%s", sqlite3_column_text (stmt, col), col < 5 ? "|" : "\n");
  sqlite3_finalize (stmt);
  return g_string_free (out, FALSE);
}

/* A pushed change decoded into values (no JsonObject) stores exactly what
 * the same change read as a tree stores, new rows and updates, merges and
 * conflicts alike, and is refused with the same messages. */
static void
test_push_values (Fixture       *fx,
                  gconstpointer  data)
{
  static const struct {
    const char *entity;
    const char *fields;
  } cases[] = {
    { "service", "\"name\":\"Pass \\\"neu\\\" \\\\ \\u00e4\\n\\u0001 \\ud83d\\ude00\",\"leika\":null,"
                 "\"documents\":[\"Foto \\\"biometrisch\\\"\",\"a\\\\b\",\"Zeile\\neins\\u001f\",\"\\u20ac\"],"
                 "\"status\":\"published\"" },
    { "service", "\"status\":\"draft\",\"documents\":\"Antrag\\n\\n Foto \",\"name\":\"Zwei\",\"name\":\"Zweimal\"" },
    { "service", "\"documents\":[],\"fees\":\"\",\"office\":\"Amt\"" },
    { "service", "" },
    { "competence_catalogue", "\"key\":\"k\",\"revision\":-3,\"title\":null,\"levels\":\"a\\nb\"" },
    { "competence_area", "\"catalogue_id\":\"nowhere\",\"position\":9007199254740993,\"code\":\"A\"" },
    { "conflict", "\"entity\":\"service\",\"row_id\":\"x\",\"field\":\"name\","
                  "\"lost_value\":\"\\\"a\\\"\",\"resolved\":true" },
  };
  static const char * const edits[] = {
    "\"name\":\"Neu\",\"documents\":[\"x\"]",
    "\"status\":\"draft\",\"leika\":\"L\",\"name\":\"Alt\"",
  };
  static const char * const bad[] = {
    "\"status\":\"gone\"",
    "\"leika\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"",
    "\"documents\":[\"a\",7]",
    "\"documents\":{}",
    "\"name\":true",
    "\"name\":5",
    "\"name\":[\"a\"]",
    "\"colour\":\"rot\"",
    "\"name\":\"ok\",\"documents\":[\"a\",\"b\"],\"fees\":{\"x\":1}",
  };
  g_autoptr(SpPrincipal) admin = principal_new ("admin", "admin");
  gint64 created[G_N_ELEMENTS (cases)][2];
  sqlite3 *db = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (int flat = 0; flat <= 1; flat++)
        {
          g_autofree char *id = g_strdup_printf ("%s%u", flat ? "p" : "t", i);
          g_autofree char *text = change_text (cases[i].entity, id, 0, T0 + i, "n1", cases[i].fields);
          g_autoptr(GError) error = NULL;

          g_assert_true (push_text (fx, admin, text, flat, &created[i][flat], &error));
          g_assert_no_error (error);
        }
    }

  /* updates of the services, both on the created row: a plain one, then
   * a concurrent older edit from another node (merged field by field, a
   * conflict record for the name it loses) */
  for (guint i = 0; i < 4; i++)
    for (guint e = 0; e < G_N_ELEMENTS (edits); e++)
      for (int flat = 0; flat <= 1; flat++)
        {
          g_autofree char *id = g_strdup_printf ("%s%u", flat ? "p" : "t", i);
          g_autofree char *text = change_text ("service", id, created[i][flat],
                                               e == 0 ? T0 + 100 : T0 + 50,
                                               e == 0 ? "n1" : "n2", edits[e]);
          g_autoptr(GError) error = NULL;

          g_assert_true (push_text (fx, admin, text, flat, NULL, &error));
          g_assert_no_error (error);
        }

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p = g_strdup_printf ("p%u", i);
      g_autofree char *t = g_strdup_printf ("t%u", i);
      g_autofree char *pc = conflict_text (db, p);
      g_autofree char *tc = conflict_text (db, t);

      assert_rows_equal (db, cases[i].entity, p, t);
      g_assert_cmpstr (pc, ==, tc);
      if (i < 4)
        g_assert_nonnull (strstr (pc, "name|"));   /* the older edit lost its name */
    }
  sqlite3_close (db);

  /* refused alike: bad values, and a row under a published catalogue */
  for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GError) flat_error = NULL;
      g_autoptr(GError) tree_error = NULL;

      if (i < G_N_ELEMENTS (bad))
        text = change_text ("service", "bad", 0, T0, "n1", bad[i]);
      else
        {
          g_autofree char *published = change_text ("competence_catalogue", "cat", 0, T0, "n1",
                                                    "\"status\":\"published\"");
          g_autoptr(GError) error = NULL;

          g_assert_true (push_text (fx, admin, published, TRUE, NULL, &error));
          g_assert_no_error (error);
          text = change_text ("competence_area", "area", 0, T0, "n1", "\"catalogue_id\":\"cat\"");
        }
      g_assert_false (push_text (fx, admin, text, TRUE, NULL, &flat_error));
      g_assert_false (push_text (fx, admin, text, FALSE, NULL, &tree_error));
      g_assert_nonnull (flat_error);
      g_assert_nonnull (tree_error);
      g_assert_cmpint (flat_error->code, ==, tree_error->code);
      g_assert_cmpstr (flat_error->message, ==, tree_error->message);
    }
  g_assert_false (sp_storage_row_exists (fx->storage, "service", "bad"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/server-sync/storage/push-pull", test_push_pull_roundtrip);
  ADD ("/server-sync/storage/duplicate", test_idempotent_duplicate);
  ADD ("/server-sync/storage/conflict-keeps-both", test_conflict_keeps_both);
  ADD ("/server-sync/storage/same-node", test_same_node_no_conflict);
  ADD ("/server-sync/storage/conflict-record-lww", test_conflict_record_lww);
  ADD ("/server-sync/storage/roles", test_roles_refuse);
  ADD ("/server-sync/storage/paging", test_pull_paging);
  ADD ("/server-sync/storage/snapshot-tombstones", test_snapshot_and_tombstones);
  ADD ("/server-sync/storage/conflict-scope", test_conflict_scope);
  ADD ("/server-sync/storage/published", test_published);
  ADD ("/server-sync/storage/accounts", test_accounts);
  ADD ("/server-sync/storage/reopen", test_versions_survive_reopen);
  ADD ("/server-sync/storage/pull-json", test_pull_json_matches);
  ADD ("/server-sync/storage/concurrent-readers", test_concurrent_readers);
  ADD ("/server-sync/storage/big-batch", test_big_batch);
  ADD ("/server-sync/storage/push-values", test_push_values);

  return g_test_run ();
}
