/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-local-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-error.h"
#include "sp-frozen.h"
#include "sp-json-util.h"
#include "sp-local-store.h"
#include "sp-uuid.h"

#define META_NODE_ID  "node_id"
#define META_HLC_LAST "hlc_last"
#define META_CURSOR   "cursor"
/* The newest outbox seq handed out by sp_local_store_outbox_take(): every
 * entry up to it may be on the server and is never merged into again. One
 * row written per batch instead of a "sent" mark on each of its entries
 * (which rewrote every entry's row, fields and all). */
#define META_OUTBOX_SENT "outbox_sent"
/* SQL: whether the outbox entry of this row may have been sent */
#define OUTBOX_ENTRY_SENT \
  "(sent <> 0 OR seq <= coalesce((SELECT CAST(value AS INTEGER) FROM meta " \
  "WHERE key = '" META_OUTBOX_SENT "'), 0))"

/* Pulled pages from this size on are written in bulk (sp_db_set_bulk_writes) */
#define BULK_MIN_CHANGES 256

struct _SpLocalStore
{
  GObject  parent_instance;

  char    *path;
  SpDb    *db;
  SpHlc   *clock;
  char    *node_id;

  gboolean    in_batch;        /* between begin_batch and end_batch */
  GHashTable *batch_touched;   /* entity names changed in the batch */
  gboolean    defer_search;    /* apply_pulled leaves fts_pending to the caller */
  GHashTable *ack_sql;         /* entity name -> version update of an ack */
  GHashTable *taken;           /* change_id -> TakenEntry: handed out, not answered */
  GHashTable *taken_rows;      /* set of TakenRow: the rows of the taken entries */
  gint64      taken_last_seq;  /* newest seq handed out (outbox_take_more goes on after it) */
};

/* A row with entries handed out by sp_local_store_outbox_take() and not
 * answered yet: a row "in flight". outbox_take_more() ends its batch
 * before any of them. Keyed by (entity, row id) without a joined string. */
typedef struct {
  const SpEntity *entity;
  const char     *row_id;    /* in the same allocation */
  guint           count;     /* its entries in flight */
} TakenRow;

/* Where a change handed out by sp_local_store_outbox_take() is in the
 * outbox, so that its ack needs no lookup by change_id. Only a hint: the
 * ack deletes by seq and goes on only when that row was still there. One
 * allocation with its change id and (until it is in flight) its row id. */
typedef struct {
  gint64          seq;
  const SpEntity *entity;
  TakenRow       *row;       /* set once in flight */
  const char     *row_id;    /* in the same allocation, then row->row_id */
  char            change_id[];
} TakenEntry;

static guint
taken_row_hash (gconstpointer key)
{
  const TakenRow *row = key;

  return g_str_hash (row->row_id) ^ g_direct_hash (row->entity);
}

static gboolean
taken_row_equal (gconstpointer a,
                 gconstpointer b)
{
  const TakenRow *row_a = a, *row_b = b;

  return row_a->entity == row_b->entity && strcmp (row_a->row_id, row_b->row_id) == 0;
}

static TakenEntry *
taken_entry_new (gint64          seq,
                 const SpEntity *entity,
                 const char     *change_id,
                 const char     *row_id)
{
  gsize id_len = strlen (change_id) + 1;
  gsize row_len = strlen (row_id) + 1;
  TakenEntry *entry = g_malloc (sizeof (TakenEntry) + id_len + row_len);

  entry->seq = seq;
  entry->entity = entity;
  entry->row = NULL;
  memcpy (entry->change_id, change_id, id_len);
  memcpy (entry->change_id + id_len, row_id, row_len);
  entry->row_id = entry->change_id + id_len;
  return entry;
}

G_DEFINE_FINAL_TYPE (SpLocalStore, sp_local_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sp_local_store_finalize (GObject *object)
{
  SpLocalStore *self = (SpLocalStore *) object;

  if (self->in_batch)
    sp_local_store_cancel_batch (self);
  g_clear_pointer (&self->batch_touched, g_hash_table_unref);
  g_clear_pointer (&self->ack_sql, g_hash_table_unref);
  g_clear_pointer (&self->taken, g_hash_table_unref);
  g_clear_pointer (&self->taken_rows, g_hash_table_unref);
  g_clear_pointer (&self->clock, sp_hlc_free);
  g_clear_pointer (&self->db, sp_db_close);
  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sp_local_store_parent_class)->finalize (object);
}

static void
sp_local_store_class_init (SpLocalStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_local_store_finalize;

  /**
   * SpLocalStore::changed:
   * @entity: (nullable): the entity whose rows changed, NULL for any
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sp_local_store_init (SpLocalStore *self)
{
  self->batch_touched = g_hash_table_new (g_str_hash, g_str_equal);
  self->ack_sql = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  /* keys in the values: no copies */
  self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->taken_rows = g_hash_table_new_full (taken_row_hash, taken_row_equal, g_free, NULL);
}

static char *
new_node_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *s = g_string_new ("c");

  for (const char *p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (s, *p);
  /* "c" + 16 hex digits is unique enough and keeps HLCs short. */
  g_string_truncate (s, 17);
  return g_string_free (s, FALSE);
}

SpLocalStore *
sp_local_store_open (const char  *path,
                     GError     **error)
{
  g_autoptr(SpLocalStore) self = NULL;
  g_autofree char *node_id = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (SP_TYPE_LOCAL_STORE, NULL);
  self->path = g_strdup (path);
  self->db = sp_db_open (path, SP_SCHEMA_CLIENT, error);
  if (self->db == NULL)
    return NULL;

  node_id = sp_db_meta_get (self->db, META_NODE_ID);
  if (node_id == NULL || !sp_hlc_node_is_valid (node_id))
    {
      g_clear_pointer (&node_id, g_free);
      node_id = new_node_id ();
      /* INSERT OR IGNORE semantics under concurrency: re-read after. */
      if (!sp_db_begin (self->db, error))
        return NULL;
      {
        g_autofree char *again = sp_db_meta_get (self->db, META_NODE_ID);
        if (again != NULL && sp_hlc_node_is_valid (again))
          {
            g_free (node_id);
            node_id = g_steal_pointer (&again);
          }
        else if (!sp_db_meta_set (self->db, META_NODE_ID, node_id, error))
          {
            sp_db_rollback (self->db);
            return NULL;
          }
      }
      if (!sp_db_commit (self->db, error))
        {
          sp_db_rollback (self->db);
          return NULL;
        }
    }

  self->node_id = g_steal_pointer (&node_id);
  self->clock = sp_hlc_new (self->node_id);

  last = sp_db_meta_get (self->db, META_HLC_LAST);
  if (last != NULL)
    sp_hlc_observe (self->clock, last);

  return g_steal_pointer (&self);
}

const char *
sp_local_store_get_path (SpLocalStore *self)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);
  return self->path;
}

SpDb *
sp_local_store_get_db (SpLocalStore *self)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);
  return self->db;
}

const char *
sp_local_store_get_node_id (SpLocalStore *self)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);
  return self->node_id;
}

SpHlc *
sp_local_store_get_clock (SpLocalStore *self)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);
  return self->clock;
}

void
sp_local_store_emit_changed (SpLocalStore *self,
                             const char   *entity)
{
  g_return_if_fail (SP_IS_LOCAL_STORE (self));
  g_signal_emit (self, signals[CHANGED], 0, entity);
}

/* A local edit is one transaction, or inside a batch one savepoint of the
 * batch's transaction (so a failed edit still changes nothing). */
static gboolean
edit_begin (SpLocalStore  *self,
            GError       **error)
{
  if (self->in_batch)
    return sp_db_exec (self->db, "SAVEPOINT sp_edit", error);
  return sp_db_begin (self->db, error);
}

static gboolean
edit_commit (SpLocalStore  *self,
             GError       **error)
{
  if (self->in_batch)
    return sp_db_exec (self->db, "RELEASE sp_edit", error);
  return sp_db_update_search_index (self->db, error) &&
         sp_db_commit (self->db, error);
}

static void
edit_rollback (SpLocalStore *self)
{
  if (self->in_batch)
    {
      sqlite3_exec (sp_db_handle (self->db), "ROLLBACK TO sp_edit; RELEASE sp_edit",
                    NULL, NULL, NULL);
      return;
    }
  sp_db_rollback (self->db);
}

static void
edit_changed (SpLocalStore *self,
              const char   *entity)
{
  if (self->in_batch)
    g_hash_table_add (self->batch_touched, (gpointer) entity);
  else
    sp_local_store_emit_changed (self, entity);
}

gboolean
sp_local_store_begin_batch (SpLocalStore  *self,
                            GError       **error)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_batch, FALSE);

  if (!sp_db_begin (self->db, error))
    return FALSE;
  self->in_batch = TRUE;
  return TRUE;
}

gboolean
sp_local_store_end_batch (SpLocalStore  *self,
                          GError       **error)
{
  GError *local_error = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (self->in_batch, FALSE);

  self->in_batch = FALSE;
  if (!sp_db_update_search_index (self->db, &local_error) ||
      !sp_db_commit (self->db, &local_error))
    {
      sp_db_rollback (self->db);
      g_hash_table_remove_all (self->batch_touched);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  g_hash_table_iter_init (&iter, self->batch_touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    sp_local_store_emit_changed (self, key);
  g_hash_table_remove_all (self->batch_touched);
  return TRUE;
}

void
sp_local_store_cancel_batch (SpLocalStore *self)
{
  g_return_if_fail (SP_IS_LOCAL_STORE (self));

  if (!self->in_batch)
    return;
  self->in_batch = FALSE;
  sp_db_rollback (self->db);
  g_hash_table_remove_all (self->batch_touched);
}

/* Persist the greatest timestamp issued or observed, so that a reopened
 * store keeps its clock monotonic. */
static gboolean
persist_clock (SpLocalStore  *self,
               const char    *hlc,
               GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (self->db,
                        "INSERT INTO meta (key, value) VALUES ('" META_HLC_LAST "', ?1) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                        "WHERE excluded.value > meta.value OR meta.value IS NULL",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hlc, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (self->db, error);
  return TRUE;
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return sp_json_to_string (node, NULL);
}

/* Outbox "fields" text back into an object (sp_json_parse: no GScanner,
 * several times faster than JsonParser for thousands of outbox rows). */
static JsonObject *
object_from_string (const char *text)
{
  g_autoptr(JsonNode) root = NULL;

  if (text != NULL && (root = sp_json_parse (text, -1, NULL)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));
  return json_object_new ();
}

typedef struct {
  gint64  seq;
  char   *change_id;
  char   *op;
  char   *fields;
  gboolean sent;
} OutboxEntry;

static void
outbox_entry_clear (OutboxEntry *entry)
{
  g_clear_pointer (&entry->change_id, g_free);
  g_clear_pointer (&entry->op, g_free);
  g_clear_pointer (&entry->fields, g_free);
}

/* The newest outbox entry of a row; FALSE if there is none. */
static gboolean
outbox_newest (SpLocalStore *self,
               const char   *entity,
               const char   *id,
               OutboxEntry  *entry,
               GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  memset (entry, 0, sizeof *entry);
  stmt = sp_db_prepare (self->db,
                        "SELECT seq, change_id, op, fields, " OUTBOX_ENTRY_SENT " FROM outbox "
                        "WHERE entity = ?1 AND row_id = ?2 ORDER BY seq DESC LIMIT 1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->change_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->op = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->fields = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->sent = sqlite3_column_int (stmt, 4) != 0;
    }
  else if (rc != SQLITE_DONE)
    sp_db_set_error (self->db, error);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
outbox_insert (SpLocalStore  *self,
               const char    *entity,
               const char    *id,
               gint64         base_version,
               const char    *hlc,
               SpOp           op,
               JsonObject    *fields,
               char         **change_id_out,
               GError       **error)
{
  g_autofree char *change_id = sp_uuid_new_ordered ();
  g_autofree char *fields_text = object_to_string (fields);
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (self->db,
                        "INSERT INTO outbox (change_id, entity, row_id, base_version, hlc, op, fields, sent) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, base_version);
  sqlite3_bind_text (stmt, 5, hlc, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, sp_op_to_string (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fields_text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (self->db, error);
  if (change_id_out)
    *change_id_out = g_steal_pointer (&change_id);
  return TRUE;
}

static gboolean
outbox_update (SpLocalStore  *self,
               gint64         seq,
               const char    *hlc,
               JsonObject    *fields,
               GError       **error)
{
  g_autofree char *fields_text = object_to_string (fields);
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (self->db,
                        "UPDATE outbox SET hlc = ?2, fields = ?3 WHERE seq = ?1 AND NOT " OUTBOX_ENTRY_SENT,
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, hlc, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, fields_text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (self->db, error);
  return TRUE;
}

static gboolean
fields_unchanged (SpDbRow    *existing,
                  JsonObject *fields)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
    if (!sp_field_values_equal (json_object_get_member (existing->fields, name), value))
      return FALSE;
  return TRUE;
}

static const SpEntity *
lookup_entity (const char  *name,
               GError     **error)
{
  const SpEntity *entity = sp_entity_lookup (name);

  if (entity == NULL)
    g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY,
                 "unknown entity “%s”", name ? name : "(null)");
  return entity;
}

char *
sp_local_store_save (SpLocalStore  *self,
                     const char    *entity_name,
                     const char    *id,
                     JsonObject    *fields,
                     GError       **error)
{
  const SpEntity *entity;
  g_autoptr(JsonObject) valid = NULL;
  g_autoptr(SpDbRow) existing = NULL;
  g_autofree char *row_id = NULL;
  g_autofree char *hlc = NULL;
  g_autofree char *change_id = NULL;
  OutboxEntry newest;
  gboolean has_newest;
  GError *local_error = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);

  if (!(entity = lookup_entity (entity_name, error)))
    return NULL;
  if (!(valid = sp_change_validate_fields (entity, fields, error)))
    return NULL;

  if (id == NULL)
    row_id = sp_uuid_new_ordered ();
  else if (!sp_id_is_valid (id))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "invalid row id “%s”", id);
      return NULL;
    }
  else
    row_id = g_strdup (id);

  if (!edit_begin (self, error))
    return NULL;

  existing = sp_db_row_read (self->db, entity, row_id, &local_error);
  if (local_error != NULL)
    goto failed;

  /* Saving what is already stored is no change: nothing to sync. */
  if (existing != NULL && !existing->deleted && fields_unchanged (existing, valid))
    {
      edit_rollback (self);
      return g_steal_pointer (&row_id);
    }

  /* Refuse here what the server would refuse, instead of queueing a
   * change that could never be pushed. */
  if (!sp_db_check_frozen (self->db, entity, row_id, valid, &local_error))
    goto failed;

  hlc = sp_hlc_now (self->clock);

  has_newest = outbox_newest (self, entity->name, row_id, &newest, &local_error);
  if (local_error != NULL)
    goto failed;

  if (has_newest && !newest.sent && g_strcmp0 (newest.op, "upsert") == 0)
    {
      /* Coalesce into the pending change that has not left the machine. */
      g_autoptr(JsonObject) merged = object_from_string (newest.fields);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, valid);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (merged, name, json_node_copy (value));

      if (!outbox_update (self, newest.seq, hlc, merged, &local_error))
        {
          outbox_entry_clear (&newest);
          goto failed;
        }
      change_id = g_strdup (newest.change_id);
    }
  else if (!outbox_insert (self, entity->name, row_id,
                           existing ? existing->version : 0,
                           hlc, SP_OP_UPSERT, valid, &change_id, &local_error))
    {
      outbox_entry_clear (&newest);
      goto failed;
    }
  outbox_entry_clear (&newest);

  if (!sp_db_row_write (self->db, entity, row_id,
                        existing ? existing->version : 0,
                        hlc, FALSE, change_id, valid, &local_error) ||
      !persist_clock (self, hlc, &local_error) ||
      !edit_commit (self, &local_error))
    goto failed;

  edit_changed (self, entity->name);
  return g_steal_pointer (&row_id);

failed:
  edit_rollback (self);
  g_propagate_error (error, local_error);
  return NULL;
}

gboolean
sp_local_store_delete (SpLocalStore  *self,
                       const char    *entity_name,
                       const char    *id,
                       GError       **error)
{
  const SpEntity *entity;
  g_autoptr(SpDbRow) existing = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  g_autofree char *hlc = NULL;
  g_autofree char *change_id = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);

  if (!(entity = lookup_entity (entity_name, error)))
    return FALSE;
  if (!sp_id_is_valid (id))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "invalid row id");
      return FALSE;
    }

  if (!edit_begin (self, error))
    return FALSE;

  if (!sp_db_check_frozen (self->db, entity, id, NULL, &local_error))
    goto failed;

  existing = sp_db_row_read (self->db, entity, id, &local_error);
  if (local_error != NULL)
    goto failed;
  if (existing == NULL || existing->deleted)
    {
      g_set_error (&local_error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   "%s “%s” does not exist", entity->name, id);
      goto failed;
    }

  hlc = sp_hlc_now (self->clock);
  if (!outbox_insert (self, entity->name, id, existing->version, hlc,
                      SP_OP_DELETE, empty, &change_id, &local_error) ||
      !sp_db_row_write (self->db, entity, id, existing->version, hlc, TRUE,
                        change_id, NULL, &local_error) ||
      !persist_clock (self, hlc, &local_error) ||
      !edit_commit (self, &local_error))
    goto failed;

  edit_changed (self, entity->name);
  return TRUE;

failed:
  edit_rollback (self);
  g_propagate_error (error, local_error);
  return FALSE;
}

SpDbRow *
sp_local_store_get (SpLocalStore  *self,
                    const char    *entity_name,
                    const char    *id,
                    GError       **error)
{
  const SpEntity *entity;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);

  if (!(entity = lookup_entity (entity_name, error)))
    return NULL;
  if (id == NULL)
    return NULL;
  return sp_db_row_read (self->db, entity, id, error);
}

gboolean
sp_local_store_is_pending (SpLocalStore *self,
                           const char   *entity,
                           const char   *id)
{
  sqlite3_stmt *stmt;
  gboolean pending;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);

  stmt = sp_db_prepare (self->db,
                        "SELECT 1 FROM outbox WHERE entity = ?1 AND row_id = ?2 LIMIT 1",
                        NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  pending = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return pending;
}

guint
sp_local_store_outbox_count (SpLocalStore *self)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), 0);

  stmt = sp_db_prepare (self->db, "SELECT count(*) FROM outbox", NULL);
  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

GPtrArray *
sp_local_store_outbox_peek (SpLocalStore  *self,
                            guint          limit,
                            GError       **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);

  stmt = sp_db_prepare (self->db,
                        "SELECT change_id, entity, row_id, base_version, hlc, op, fields "
                        "FROM outbox ORDER BY seq LIMIT ?1",
                        error);
  if (stmt == NULL)
    return NULL;

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  sqlite3_bind_int64 (stmt, 1, limit ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SpChange *change = g_new0 (SpChange, 1);

      change->change_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      change->entity = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      change->id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      change->base_version = sqlite3_column_int64 (stmt, 3);
      change->hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      change->op = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 5), "delete") == 0
                   ? SP_OP_DELETE : SP_OP_UPSERT;
      change->fields = object_from_string ((const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (changes, change);
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&changes);
}

/* Steps @stmt once (done, or a row), then resets it. */
static gboolean
step_done (SpDb          *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sp_db_set_error (db, error);
  return TRUE;
}

gboolean
sp_local_store_outbox_mark_sent (SpLocalStore  *self,
                                 GPtrArray     *changes,
                                 GError       **error)
{
  sqlite3_stmt *stmt;
  GError *local_error = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!sp_db_begin (self->db, error))
    return FALSE;

  stmt = sp_db_prepare (self->db, "UPDATE outbox SET sent = 1 WHERE change_id = ?1", &local_error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < changes->len; i++)
    {
      const SpChange *change = g_ptr_array_index (changes, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, change->change_id, -1, SQLITE_TRANSIENT);
      if (!step_done (self->db, stmt, &local_error))
        goto failed;
    }

  if (!sp_db_commit (self->db, &local_error))
    goto failed;
  return TRUE;

failed:
  sp_db_rollback (self->db);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Whether @text looks like the JSON object outbox_insert() stored. */
static gboolean
is_object_text (const char *text,
                gsize       len)
{
  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;
  while (len > 0 && g_ascii_isspace (*text))
    text++, len--;
  return len >= 2 && text[0] == '{' && text[len - 1] == '}';
}

/* Forgets what was handed out: a new push starts over with the oldest
 * entry (answers may have been lost). */
static void
taken_forget (SpLocalStore *self)
{
  g_hash_table_remove_all (self->taken);
  g_hash_table_remove_all (self->taken_rows);
  self->taken_last_seq = 0;
}

/* Whether a row has entries in flight. */
static gboolean
taken_row_in_flight (SpLocalStore   *self,
                     const SpEntity *entity,
                     const char     *row_id)
{
  TakenRow key = { entity, row_id, 0 };

  return g_hash_table_contains (self->taken_rows, &key);
}

/* The entry is in flight, and so its row. */
static void
taken_add (SpLocalStore *self,
           TakenEntry   *entry)
{
  TakenRow key = { entry->entity, entry->row_id, 0 };
  TakenRow *row = g_hash_table_lookup (self->taken_rows, &key);

  if (row == NULL)
    {
      gsize row_len = strlen (entry->row_id) + 1;

      row = g_malloc (sizeof (TakenRow) + row_len);
      row->entity = entry->entity;
      row->row_id = memcpy ((char *) (row + 1), entry->row_id, row_len);
      row->count = 0;
      g_hash_table_add (self->taken_rows, row);
    }
  row->count++;
  entry->row = row;
  entry->row_id = row->row_id;
  g_hash_table_replace (self->taken, entry->change_id, entry);
}

/* The change is answered: its row is no longer in flight (once no other
 * entry of it is). */
static void
taken_remove (SpLocalStore *self,
              const char   *change_id)
{
  gpointer entry;
  TakenRow *row;

  /* one lookup: taken owns the entry, so steal and free it here */
  if (!g_hash_table_steal_extended (self->taken, change_id, NULL, &entry))
    return;
  row = ((TakenEntry *) entry)->row;
  g_free (entry);
  if (--row->count == 0)
    g_hash_table_remove (self->taken_rows, row);
}

/* The entries after self->taken_last_seq, up to @limit, ending before the
 * first entry of a row in flight; see sp_local_store_outbox_take(). */
static guint
outbox_take_after (SpLocalStore  *self,
                   guint          limit,
                   GString       *json,
                   GHashTable    *change_ids,
                   GError       **error)
{
  GError *local_error = NULL;
  g_autoptr(GPtrArray) entries = NULL;   /* TakenEntry, owned until added */
  gboolean check_rows = g_hash_table_size (self->taken_rows) > 0;
  sqlite3_stmt *stmt;
  gint64 after = self->taken_last_seq;
  gint64 last_seq = -1;
  gsize len_before;
  guint n = 0;
  int rc;

  len_before = json->len;
  entries = g_ptr_array_new_with_free_func (g_free);

  /* One write transaction: nothing can coalesce into an entry between
   * reading it and marking it sent. */
  if (!sp_db_begin (self->db, error))
    return 0;

  stmt = sp_db_prepare (self->db,
                        "SELECT seq, change_id, entity, row_id, base_version, hlc, op, fields "
                        "FROM outbox WHERE seq > ?2 ORDER BY seq LIMIT ?1",
                        &local_error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, limit ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 2, after);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *change_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *entity_name = (const char *) sqlite3_column_text (stmt, 2);
      const char *row_id = (const char *) sqlite3_column_text (stmt, 3);
      const SpEntity *entity = entity_name ? sp_entity_lookup (entity_name) : NULL;
      const char *op = (const char *) sqlite3_column_text (stmt, 6);
      const char *fields = (const char *) sqlite3_column_text (stmt, 7);
      int fields_len = sqlite3_column_bytes (stmt, 7);

      /* a row in flight: its next change waits for the answer (only
       * entries with an entity and a row id are ever in flight) */
      if (check_rows && entity != NULL && row_id != NULL &&
          taken_row_in_flight (self, entity, row_id))
        {
          rc = SQLITE_DONE;
          break;
        }

      last_seq = sqlite3_column_int64 (stmt, 0);
      if (n > 0)
        g_string_append_c (json, ',');
      /* the member order of sp_change_append_json () */
      g_string_append (json, "{\"change_id\":");
      sp_json_append_string (json, change_id ? change_id : "");
      g_string_append (json, ",\"entity\":");
      sp_json_append_string (json, entity_name ? entity_name : "");
      g_string_append (json, ",\"id\":");
      sp_json_append_string (json, row_id ? row_id : "");
      g_string_append (json, ",\"base_version\":");
      sp_json_append_int (json, sqlite3_column_int64 (stmt, 4));
      g_string_append (json, ",\"hlc\":");
      {
        const char *hlc = (const char *) sqlite3_column_text (stmt, 5);

        sp_json_append_string (json, hlc ? hlc : "");
      }
      g_string_append (json, g_strcmp0 (op, "delete") == 0 ? ",\"op\":\"delete\",\"fields\":"
                                                          : ",\"op\":\"upsert\",\"fields\":");
      /* stored by outbox_insert/outbox_update as a JSON object: as it is */
      if (fields != NULL && is_object_text (fields, (gsize) fields_len))
        g_string_append_len (json, fields, fields_len);
      else
        g_string_append (json, "{}");
      g_string_append_c (json, '}');
      if (change_ids != NULL && change_id != NULL)
        g_hash_table_add (change_ids, g_strdup (change_id));
      if (change_id != NULL && entity != NULL && row_id != NULL)
        g_ptr_array_add (entries, taken_entry_new (last_seq, entity, change_id, row_id));
      n++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->db, &local_error);
      goto failed;
    }

  if (n > 0)
    {
      /* never lowered: a push that starts over re-takes sent entries */
      stmt = sp_db_prepare (self->db,
                            "INSERT INTO meta (key, value) VALUES ('" META_OUTBOX_SENT "', ?1) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                            "WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)",
                            &local_error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, last_seq);
      if (!step_done (self->db, stmt, &local_error))
        goto failed;
    }

  if (!sp_db_commit (self->db, &local_error))
    goto failed;

  /* only now in flight: a row may have several entries in one batch */
  for (guint i = 0; i < entries->len; i++)
    taken_add (self, g_steal_pointer (&entries->pdata[i]));
  if (n > 0)
    self->taken_last_seq = last_seq;
  return n;

failed:
  sp_db_rollback (self->db);
  g_string_truncate (json, len_before);
  if (change_ids != NULL)
    g_hash_table_remove_all (change_ids);
  taken_forget (self);
  g_propagate_error (error, local_error);
  return 0;
}

guint
sp_local_store_outbox_take (SpLocalStore  *self,
                            guint          limit,
                            GString       *json,
                            GHashTable    *change_ids,
                            GError       **error)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (json != NULL, 0);

  taken_forget (self);
  return outbox_take_after (self, limit, json, change_ids, error);
}

guint
sp_local_store_outbox_take_more (SpLocalStore  *self,
                                 guint          limit,
                                 GString       *json,
                                 GHashTable    *change_ids,
                                 GError       **error)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), 0);
  g_return_val_if_fail (json != NULL, 0);

  return outbox_take_after (self, limit, json, change_ids, error);
}

/* Per entity: the version update of an answered change (row id ?1,
 * version ?2), cached for the store's lifetime. */
static const char *
ack_sql (SpLocalStore   *self,
         const SpEntity *entity)
{
  char *sql = g_hash_table_lookup (self->ack_sql, entity->name);

  if (sql == NULL)
    {
      sql = g_strdup_printf ("UPDATE \"%s\" SET version = ?2 WHERE id = ?1 AND version < ?2 "
                             "AND NOT EXISTS (SELECT 1 FROM outbox WHERE entity = '%s' "
                             "AND row_id = ?1)", entity->name, entity->name);
      g_hash_table_insert (self->ack_sql, (gpointer) entity->name, sql);
    }
  return sql;
}

/* The row of an answered change takes the version the server gave, unless
 * newer local edits of it are still in the outbox. *@update_stmt is
 * ack_sql() of *@last_entity, prepared again only when the entity changes. */
static gboolean
ack_version (SpLocalStore    *self,
             const SpEntity  *entity,
             const char      *row_id,
             gint64           version,
             const SpEntity **last_entity,
             sqlite3_stmt   **update_stmt,
             GHashTable      *touched,
             GError         **error)
{
  if (entity != *last_entity)
    {
      g_hash_table_add (touched, (gpointer) entity->name);
      *update_stmt = sp_db_prepare (self->db, ack_sql (self, entity), error);
      if (*update_stmt == NULL)
        return FALSE;
      *last_entity = entity;
    }
  sqlite3_bind_text (*update_stmt, 1, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (*update_stmt, 2, version);
  return step_done (self->db, *update_stmt, error);
}

gboolean
sp_local_store_outbox_ack (SpLocalStore  *self,
                           GPtrArray     *results,
                           GError       **error)
{
  GError *local_error = NULL;
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
  const SpEntity *last_entity = NULL;   /* of update_stmt, in touched */
  sqlite3_stmt *delete_stmt;
  sqlite3_stmt *update_stmt = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (results != NULL, FALSE);

  if (!sp_db_begin (self->db, error))
    return FALSE;

  /* Looked up once, not per change: the statements stay prepared in the
   * SpDb while the loop uses them (each step resets its own). */
  delete_stmt = sp_db_prepare (self->db, "DELETE FROM outbox WHERE seq = ?1", &local_error);
  if (delete_stmt == NULL)
    goto failed;

  for (guint i = 0; i < results->len; i++)
    {
      const SpChangeResult *result = g_ptr_array_index (results, i);
      g_autofree char *entity_name = NULL;
      g_autofree char *row_id = NULL;
      const SpEntity *entity;
      const TakenEntry *taken;
      sqlite3_stmt *stmt;
      gint64 seq = 0;
      int rc;

      taken = result->change_id ? g_hash_table_lookup (self->taken, result->change_id) : NULL;
      if (taken != NULL)
        {
          /* handed out by outbox_take(): delete by seq, if still there */
          sqlite3_bind_int64 (delete_stmt, 1, taken->seq);
          if (!step_done (self->db, delete_stmt, &local_error))
            goto failed;
          if (sqlite3_changes (sp_db_handle (self->db)) == 0)
            continue;   /* answered before (e.g. a retried push) */
          if (!ack_version (self, taken->entity, taken->row_id, result->version,
                            &last_entity, &update_stmt, touched, &local_error))
            goto failed;
          continue;
        }

      /* (no DELETE .. RETURNING: it costs SQLite more than this lookup) */
      stmt = sp_db_prepare (self->db,
                            "SELECT seq, entity, row_id FROM outbox WHERE change_id = ?1",
                            &local_error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, result->change_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          seq = sqlite3_column_int64 (stmt, 0);
          entity_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          rc = SQLITE_DONE;
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          sp_db_set_error (self->db, &local_error);
          goto failed;
        }
      if (entity_name == NULL)
        continue;   /* answered before (e.g. a retried push) */

      sqlite3_bind_int64 (delete_stmt, 1, seq);
      if (!step_done (self->db, delete_stmt, &local_error))
        goto failed;

      entity = sp_entity_lookup (entity_name);
      if (entity == NULL || row_id == NULL)
        continue;
      if (!ack_version (self, entity, row_id, result->version,
                        &last_entity, &update_stmt, touched, &local_error))
        goto failed;
    }

  if (!sp_db_commit (self->db, &local_error))
    goto failed;

  for (guint i = 0; i < results->len; i++)
    {
      const SpChangeResult *result = g_ptr_array_index (results, i);

      if (result->change_id != NULL)
        taken_remove (self, result->change_id);
    }

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, touched);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      sp_local_store_emit_changed (self, key);
  }
  return TRUE;

failed:
  sp_db_rollback (self->db);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Field names with pending local values for a row, and whether the newest
 * pending op is a delete. NULL when nothing is pending. */
static GHashTable *
pending_fields (SpLocalStore  *self,
                const char    *entity,
                const char    *id,
                gboolean      *pending_delete,
                GError       **error)
{
  GHashTable *names = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = sp_db_prepare (self->db,
                        "SELECT op, fields FROM outbox WHERE entity = ?1 AND row_id = ?2 ORDER BY seq",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) fields =
        object_from_string ((const char *) sqlite3_column_text (stmt, 1));
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (names == NULL)
        names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      *pending_delete = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "delete") == 0;
      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        g_hash_table_add (names, g_strdup (name));
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->db, error);
      g_clear_pointer (&names, g_hash_table_unref);
    }
  sqlite3_reset (stmt);
  return names;
}

static gboolean
apply_one (SpLocalStore   *self,
           const SpChange *change,
           gboolean        check_pending,
           GError        **error)
{
  const SpEntity *entity = sp_entity_lookup (change->entity);
  g_autoptr(GHashTable) pending = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean pending_delete = FALSE;

  if (entity == NULL)
    return TRUE;   /* an entity this client version does not know */

  if (check_pending)
    {
      pending = pending_fields (self, entity->name, change->id, &pending_delete, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (pending == NULL && change->values != NULL)
    return sp_db_row_write_values (self->db, entity, change->id, change->version, change->hlc,
                                   change->op == SP_OP_DELETE, change->change_id,
                                   change->values, error);
  if (pending == NULL)
    return sp_db_row_write (self->db, entity, change->id, change->version, change->hlc,
                            change->op == SP_OP_DELETE, change->change_id,
                            change->fields, error);

  /* Local edits not yet accepted by the server win locally; they will be
   * merged on the server when pushed. */
  {
    g_autoptr(SpDbRow) local = sp_db_row_read (self->db, entity, change->id, &local_error);
    g_autoptr(JsonObject) fields = json_object_new ();
    g_autoptr(JsonObject) pulled = sp_change_dup_fields (change);
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;
    const char *hlc;

    if (local_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }

    json_object_iter_init (&iter, pulled);
    while (json_object_iter_next (&iter, &name, &value))
      if (!g_hash_table_contains (pending, name))
        json_object_set_member (fields, name, json_node_copy (value));

    if (local == NULL)
      return sp_db_row_write (self->db, entity, change->id, change->version, change->hlc,
                              pending_delete, change->change_id, fields, error);

    hlc = sp_hlc_compare (local->hlc, change->hlc) > 0 ? local->hlc : change->hlc;
    return sp_db_row_write (self->db, entity, change->id,
                            MAX (local->version, change->version), hlc,
                            local->deleted, local->change_id, fields, error);
  }
}

gboolean
sp_local_store_apply_pulled (SpLocalStore  *self,
                             GPtrArray     *changes,
                             const char    *cursor,
                             GError       **error)
{
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
  GError *local_error = NULL;
  const char *max_hlc = NULL;
  gboolean check_pending;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!sp_db_begin (self->db, error))
    return FALSE;

  /* Most pages arrive with an empty outbox: skip the per-row lookups. */
  check_pending = sp_local_store_outbox_count (self) > 0;

  /* A big page (a first sync) marks its rows for the search index without
   * the per-row triggers; small ones are not worth re-preparing for. */
  if (changes->len >= BULK_MIN_CHANGES)
    sp_db_set_bulk_writes (self->db, TRUE);

  for (guint i = 0; i < changes->len; i++)
    {
      const SpChange *change = g_ptr_array_index (changes, i);
      const SpEntity *entity;

      if (change->hlc == NULL || change->id == NULL)
        continue;

      if (!apply_one (self, change, check_pending, &local_error))
        goto failed;

      sp_hlc_observe (self->clock, change->hlc);
      if (sp_hlc_compare (change->hlc, max_hlc) > 0)
        max_hlc = change->hlc;
      if ((entity = sp_entity_lookup (change->entity)))
        g_hash_table_add (touched, (gpointer) entity->name);
    }

  if (!sp_db_end_bulk_writes (self->db, &local_error))
    goto failed;
  if ((max_hlc != NULL && !persist_clock (self, max_hlc, &local_error)) ||
      (cursor != NULL && !sp_db_meta_set (self->db, META_CURSOR, cursor, &local_error)) ||
      (!self->defer_search && !sp_db_update_search_index (self->db, &local_error)) ||
      !sp_db_commit (self->db, &local_error))
    goto failed;

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, touched);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      sp_local_store_emit_changed (self, key);
  }
  return TRUE;

failed:
  sp_db_set_bulk_writes (self->db, FALSE);
  sp_db_rollback (self->db);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* The synced tables a snapshot fills: every entity's table, and the
 * search-index marks of their rows (the index itself is built by its
 * first reader, as after a paged first sync). */
static const char **
snapshot_tables (void)
{
  const SpEntity * const *all;
  guint n_all = 0;
  const char **tables;

  all = sp_entity_all (&n_all);
  tables = g_new0 (const char *, n_all + 2);
  for (guint i = 0; i < n_all; i++)
    tables[i] = all[i]->name;
  tables[n_all] = "fts_pending";
  return tables;
}

gboolean
sp_local_store_is_empty (SpLocalStore *self)
{
  g_autofree const char **tables = NULL;
  g_autofree char *cursor = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);

  if ((cursor = sp_local_store_get_cursor (self)) != NULL ||
      sp_local_store_outbox_count (self) > 0)
    return FALSE;

  tables = snapshot_tables ();
  for (guint i = 0; tables[i] != NULL; i++)
    {
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt;
      gboolean has_rows;

      if (!sp_db_table_exists (self->db, tables[i]))
        continue;
      sql = g_strdup_printf ("SELECT 1 FROM \"%s\" LIMIT 1", tables[i]);
      if (!(stmt = sp_db_prepare (self->db, sql, NULL)))
        return FALSE;
      has_rows = sqlite3_step (stmt) != SQLITE_DONE;
      sqlite3_reset (stmt);
      if (has_rows)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  SpLocalStore *store;
  gint64        marks;   /* rows of fts_pending copied (not synced rows) */
} SnapshotLoad;

/* In the snapshot's transaction, with its file attached as @schema: take
 * over its cursor and clock; refuse if the profile got a cursor or local
 * edits since the caller looked. */
static gboolean
snapshot_take_meta (SpDb        *db,
                    const char  *schema,
                    gpointer     user_data,
                    GError     **error)
{
  SnapshotLoad *load = user_data;
  SpLocalStore *self = load->store;
  g_autofree char *sql = g_strdup_printf ("SELECT (SELECT value FROM \"%s\".meta WHERE key = '" META_CURSOR "'), "
                                          "(SELECT value FROM \"%s\".meta WHERE key = '" META_HLC_LAST "'), "
                                          "(SELECT count(*) FROM \"%s\".fts_pending)",
                                          schema, schema, schema);
  g_autofree char *ours = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *hlc = NULL;
  sqlite3_stmt *stmt = NULL;

  if ((ours = sp_db_meta_get (db, META_CURSOR)) != NULL || sp_local_store_outbox_count (self) > 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "The profile has synced or has local changes");
      return FALSE;
    }

  /* Not sp_db_prepare(): no cached statement may name the attachment. */
  if (sqlite3_prepare_v2 (sp_db_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    return sp_db_set_error (db, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      load->marks = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);

  if (cursor == NULL || *cursor == '\0' || (hlc != NULL && !sp_hlc_is_valid (hlc)))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "The snapshot has no cursor or an invalid clock");
      return FALSE;
    }

  if (hlc != NULL)
    {
      if (!persist_clock (self, hlc, error))
        return FALSE;
      sp_hlc_observe (self->clock, hlc);
    }
  return sp_db_meta_set (db, META_CURSOR, cursor, error);
}

gboolean
sp_local_store_load_snapshot (SpLocalStore  *self,
                              const char    *snapshot_path,
                              guint         *n_rows,
                              GError       **error)
{
  g_autofree const char **tables = NULL;
  SnapshotLoad load = { self, 0 };
  gint64 copied = 0;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (snapshot_path != NULL, FALSE);
  g_return_val_if_fail (!self->in_batch, FALSE);

  tables = snapshot_tables ();
  if (!sp_db_load_image (self->db, snapshot_path, tables, snapshot_take_meta, &load, &copied, error))
    return FALSE;

  if (n_rows != NULL)
    *n_rows = (guint) (copied - load.marks);
  sp_local_store_emit_changed (self, NULL);
  return TRUE;
}

void
sp_local_store_set_search_deferred (SpLocalStore *self,
                                    gboolean      deferred)
{
  g_return_if_fail (SP_IS_LOCAL_STORE (self));
  self->defer_search = deferred;
}

char *
sp_local_store_get_cursor (SpLocalStore *self)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (self), NULL);
  return sp_db_meta_get (self->db, META_CURSOR);
}
