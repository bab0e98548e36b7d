/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-db"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-db.h"
#include "sp-error.h"
#include "sp-migrations-private.h"

struct _SpDb
{
  sqlite3      *handle;
  SpSchemaKind  kind;
  int           version;
  GHashTable   *stmts;    /* SQL text -> sqlite3_stmt */
  GHashTable   *write_stmts;  /* "entity#mask" -> stmt (owned by stmts) */
  const SpEntity *last_write_entity;  /* the write statement used last */
  guint64       last_write_mask;
  sqlite3_stmt *last_write_stmt;
  gboolean      search_checked;
  GPtrArray    *search_sql;   /* per indexed entity: delete, insert, clear */
  GHashTable   *search_entities;  /* names of entities with a search index */
  gboolean      bulk_ok;      /* every trigger only marks fts_pending */
  gboolean      bulk;         /* triggers off, sp_db_row_write marks rows */
  GHashTable   *bulk_floor;   /* entity name -> its max rowid when bulk began */
};

static gsize sqlite_configured;

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

gboolean
sp_db_set_error (SpDb    *db,
                 GError **error)
{
  g_set_error (error, SP_ERROR, SP_ERROR_STORAGE, "%s",
               db && db->handle ? sqlite3_errmsg (db->handle) : "database not open");
  return FALSE;
}

gboolean
sp_db_exec (SpDb        *db,
            const char  *sql,
            GError     **error)
{
  char *errmsg = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (sqlite3_exec (db->handle, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_STORAGE, "%s",
                   errmsg ? errmsg : sqlite3_errmsg (db->handle));
      sqlite3_free (errmsg);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
sp_db_prepare (SpDb        *db,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (db->stmts, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
                          &stmt, NULL) != SQLITE_OK)
    {
      sp_db_set_error (db, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (db->stmts, g_strdup (sql), stmt);
  return stmt;
}

gboolean
sp_db_begin (SpDb    *db,
             GError **error)
{
  return sp_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
sp_db_commit (SpDb    *db,
              GError **error)
{
  return sp_db_exec (db, "COMMIT", error);
}

void
sp_db_rollback (SpDb *db)
{
  g_return_if_fail (db != NULL);

  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

static int
read_user_version (SpDb *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

int
sp_db_latest_version (SpSchemaKind kind)
{
  guint n;
  const SpMigration *migrations = _sp_migrations_get (kind, &n);

  return n > 0 ? migrations[n - 1].version : 0;
}

static gboolean
migrate (SpDb     *db,
         int       target,
         GError  **error)
{
  guint n;
  const SpMigration *migrations = _sp_migrations_get (db->kind, &n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pragma = NULL;
      g_autoptr(GError) local_error = NULL;

      if (migrations[i].version <= db->version || migrations[i].version > target)
        continue;

      if (!sp_db_begin (db, error))
        return FALSE;

      pragma = g_strdup_printf ("PRAGMA user_version = %d", migrations[i].version);
      if (!sp_db_exec (db, migrations[i].sql, &local_error) ||
          !sp_db_exec (db, pragma, &local_error) ||
          !sp_db_commit (db, &local_error))
        {
          sp_db_rollback (db);
          g_set_error (error, SP_ERROR, SP_ERROR_STORAGE,
                       "migration %d of the %s schema failed: %s",
                       migrations[i].version,
                       db->kind == SP_SCHEMA_SERVER ? "server" : "client",
                       local_error->message);
          return FALSE;
        }

      db->version = migrations[i].version;
      g_debug ("migrated %s to version %d", sqlite3_db_filename (db->handle, "main"),
               db->version);
    }

  return TRUE;
}

/* One connection to @path (@flags plus SQLITE_OPEN_NOMUTEX: one thread at
 * a time uses it) with the busy timeout; NULL and @error on failure. */
static sqlite3 *
open_handle (const char  *path,
             int          flags,
             GError     **error)
{
  sqlite3 *handle = NULL;
  int rc = sqlite3_open_v2 (path, &handle, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_STORAGE, "cannot open %s: %s", path,
                   handle ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
      sqlite3_close (handle);
      return NULL;
    }
  sqlite3_busy_timeout (handle, 10000);
  return handle;
}

SpDb *
sp_db_open_at_version (const char    *path,
                       SpSchemaKind   kind,
                       int            version,
                       GError       **error)
{
  SpDb *db;
  int latest = sp_db_latest_version (kind);
  const char *page_size;

  g_return_val_if_fail (path != NULL, NULL);

  /* No allocation statistics (nothing reads them): they take a global
   * mutex around every malloc and free of SQLite, some 5 % of a bulk
   * write. Only possible before SQLite initializes; harmless after. */
  if (g_once_init_enter (&sqlite_configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&sqlite_configured, 1);
    }

  db = g_new0 (SpDb, 1);
  db->kind = kind;
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  db->write_stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  db->bulk_floor = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  db->handle = open_handle (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (db->handle == NULL)
    {
      sp_db_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);

  /* Page size of new files (existing ones keep theirs); set before
   * journal_mode, which writes the header of a new file. 8 KiB instead of
   * SQLite's 4 KiB: shallower b-trees and half the WAL frames per row, a
   * first sync of 100 000 services about 15 % faster. A client database
   * takes 32 KiB: a first sync from a snapshot ran 20 to 25 % faster
   * again (16 KiB: 10 to 20 %, not enough for the 40x target in two of
   * three full bench runs). The price: 10 000 saves in one batch (an
   * import) take about a third longer, 0.47 instead of 0.35 s, since each
   * save's savepoint copies the pages it changes. The server's many small
   * pushes keep 8 KiB (bench/README.md, "Page size"). */
  page_size = kind == SP_SCHEMA_CLIENT ? "PRAGMA page_size = 32768;" : "PRAGMA page_size = 8192;";
  if (!sp_db_exec (db, page_size, error) ||
      !sp_db_exec (db,
                   "PRAGMA journal_mode = WAL;"
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA temp_store = MEMORY;"
                   "PRAGMA cache_size = -16000;",
                   error))
    {
      sp_db_close (db);
      return NULL;
    }

  db->version = read_user_version (db);
  if (db->version < 0)
    {
      sp_db_set_error (db, error);
      sp_db_close (db);
      return NULL;
    }

  if (db->version > latest)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_SCHEMA,
                   "%s has schema version %d, newer than this program knows (%d)",
                   path, db->version, latest);
      sp_db_close (db);
      return NULL;
    }

  if (version > latest)
    version = latest;

  if (!migrate (db, version, error))
    {
      sp_db_close (db);
      return NULL;
    }

  return db;
}

sqlite3 *
sp_db_open_reader (const char  *path,
                   GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return open_handle (path, SQLITE_OPEN_READONLY, error);
}

SpDb *
sp_db_open (const char    *path,
            SpSchemaKind   kind,
            GError       **error)
{
  return sp_db_open_at_version (path, kind, sp_db_latest_version (kind), error);
}

void
sp_db_close (SpDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->write_stmts, g_hash_table_unref);
  g_clear_pointer (&db->bulk_floor, g_hash_table_unref);
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  g_clear_pointer (&db->search_sql, g_ptr_array_unref);
  g_clear_pointer (&db->search_entities, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db);
}

sqlite3 *
sp_db_handle (SpDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);
  return db->handle;
}

SpSchemaKind
sp_db_kind (SpDb *db)
{
  g_return_val_if_fail (db != NULL, SP_SCHEMA_CLIENT);
  return db->kind;
}

int
sp_db_schema_version (SpDb *db)
{
  g_return_val_if_fail (db != NULL, 0);
  return db->version;
}

gboolean
sp_db_table_exists (SpDb       *db,
                    const char *name)
{
  sqlite3_stmt *stmt;
  gboolean found;

  g_return_val_if_fail (db != NULL, FALSE);

  stmt = sp_db_prepare (db, "SELECT 1 FROM sqlite_master WHERE name = ?1 AND type = 'table'", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* Whether every trigger of the schema is a search marker: one statement
 * inserting into fts_pending, on an entity table with a search index. Only
 * then may bulk writes (sp_db_set_bulk_writes) switch triggers off and do
 * their work themselves; any other trigger keeps them on. */
static gboolean
triggers_only_mark (SpDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (db->handle,
                          "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      const char *sql = (const char *) sqlite3_column_text (stmt, 1);
      const char *body = sql ? strstr (sql, " BEGIN") : NULL;
      guint statements = 0;

      if (table == NULL || body == NULL ||
          !g_hash_table_contains (db->search_entities, table) ||
          strstr (body, "INSERT INTO fts_pending") == NULL)
        {
          ok = FALSE;
          break;
        }
      for (const char *p = body; *p; p++)
        if (*p == ';')
          statements++;
      ok = statements == 1;
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* Builds, once per connection, the statements that move rows marked in
 * fts_pending into each "<entity>_fts" table, from the FTS table's own
 * column list. */
static void
check_search_tables (SpDb *db)
{
  guint n_entities;
  const SpEntity * const *entities;

  if (db->search_checked)
    return;
  db->search_checked = TRUE;
  db->search_sql = g_ptr_array_new_with_free_func (g_free);
  db->search_entities = g_hash_table_new (g_str_hash, g_str_equal);

  if (db->kind != SP_SCHEMA_CLIENT || !sp_db_table_exists (db, "fts_pending"))
    return;

  entities = sp_entity_all (&n_entities);
  for (guint i = 0; i < n_entities; i++)
    {
      g_autofree char *fts = g_strdup_printf ("%s_fts", entities[i]->name);
      g_autofree char *probe = NULL;
      g_autoptr(GString) cols = g_string_new (NULL);
      g_autoptr(GString) src_cols = g_string_new (NULL);
      sqlite3_stmt *stmt = NULL;
      int n;

      if (!sp_db_table_exists (db, fts))
        continue;

      probe = g_strdup_printf ("SELECT * FROM \"%s\" LIMIT 0", fts);
      if (sqlite3_prepare_v2 (db->handle, probe, -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_finalize (stmt);
          continue;
        }
      n = sqlite3_column_count (stmt);
      for (int c = 0; c < n; c++)
        {
          const char *col = sqlite3_column_name (stmt, c);

          /* Only registry names reach SQL. */
          if (sp_entity_get_field (entities[i], col) == NULL)
            continue;
          g_string_append_printf (cols, ", \"%s\"", col);
          g_string_append_printf (src_cols, ", s.\"%s\"", col);
        }
      sqlite3_finalize (stmt);
      if (cols->len == 0)
        continue;

      g_ptr_array_add (db->search_sql,
                       g_strdup_printf ("DELETE FROM \"%s\" WHERE rowid IN "
                                        "(SELECT row FROM fts_pending WHERE entity = '%s')",
                                        fts, entities[i]->name));
      g_ptr_array_add (db->search_sql,
                       g_strdup_printf ("INSERT INTO \"%s\" (rowid%s) "
                                        "SELECT s.rowid%s FROM fts_pending p "
                                        "JOIN \"%s\" s ON s.rowid = p.row "
                                        "WHERE p.entity = '%s'",
                                        fts, cols->str, src_cols->str,
                                        entities[i]->name, entities[i]->name));
      g_ptr_array_add (db->search_sql,
                       g_strdup_printf ("DELETE FROM fts_pending WHERE entity = '%s'",
                                        entities[i]->name));
      g_hash_table_add (db->search_entities, (gpointer) entities[i]->name);
    }

  db->bulk_ok = triggers_only_mark (db);
}

gboolean
sp_db_search_index_pending (SpDb *db)
{
  sqlite3_stmt *stmt;
  gboolean pending;

  g_return_val_if_fail (db != NULL, FALSE);

  check_search_tables (db);
  if (db->search_sql->len == 0)
    return FALSE;

  stmt = sp_db_prepare (db, "SELECT 1 FROM fts_pending LIMIT 1", NULL);
  if (stmt == NULL)
    return FALSE;
  pending = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return pending;
}

gboolean
sp_db_update_search_index (SpDb    *db,
                           GError **error)
{
  gboolean own_transaction;

  g_return_val_if_fail (db != NULL, FALSE);

  if (!sp_db_search_index_pending (db))
    return TRUE;

  own_transaction = sqlite3_get_autocommit (db->handle);
  if (own_transaction && !sp_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < db->search_sql->len; i++)
    {
      sqlite3_stmt *stmt = sp_db_prepare (db, g_ptr_array_index (db->search_sql, i), error);
      int rc;

      if (stmt == NULL)
        goto failed;
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          sp_db_set_error (db, error);
          goto failed;
        }
    }

  if (own_transaction && !sp_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  if (own_transaction)
    sp_db_rollback (db);
  return FALSE;
}

char *
sp_db_meta_get (SpDb       *db,
                const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = sp_db_prepare (db, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

gboolean
sp_db_meta_set (SpDb        *db,
                const char  *key,
                const char  *value,
                GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = sp_db_prepare (db,
                        "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  return TRUE;
}

/* JSON text of an array of strings, without a JsonGenerator per value;
 * NULL if an element is not a string. */
static char *
strv_to_json (JsonArray *array,
              gsize     *len)
{
  guint n = json_array_get_length (array);
  GString *out = g_string_sized_new (16 + n * 24);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *s;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, ',');
      s = json_node_get_string (item);
      sp_field_list_append_item (out, s, strlen (s));
    }
  g_string_append_c (out, ']');
  *len = out->len;
  return g_string_free (out, FALSE);
}

static void bind_field (sqlite3_stmt *stmt, int idx, const SpField *field,
                        JsonNode *value, sqlite3_destructor_type text_mode);

void
sp_db_bind_field (sqlite3_stmt  *stmt,
                  int            idx,
                  const SpField *field,
                  JsonNode      *value)
{
  g_return_if_fail (stmt != NULL);
  g_return_if_fail (field != NULL);

  bind_field (stmt, idx, field, value, SQLITE_TRANSIENT);
}

/* @value of @field as the row stores it (what is bound): text borrowed
 * from @value, or in *owned (STRV, allocated). A value of the wrong type
 * is stored as NULL. */
static void
value_from_node (const SpField *field,
                 JsonNode      *value,
                 SpFieldValue  *out,
                 char         **owned)
{
  *owned = NULL;
  out->kind = SP_VALUE_NULL;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return;

  switch (field->type)
    {
    case SP_FIELD_TEXT:
    case SP_FIELD_ENUM:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          out->kind = SP_VALUE_TEXT;
          out->text = json_node_get_string (value);
          out->len = (guint) strlen (out->text);
        }
      break;

    case SP_FIELD_INT:
      if (JSON_NODE_HOLDS_VALUE (value))
        {
          out->kind = SP_VALUE_INT;
          out->num = json_node_get_int (value);
        }
      break;

    case SP_FIELD_BOOL:
      if (JSON_NODE_HOLDS_VALUE (value))
        {
          out->kind = SP_VALUE_INT;
          out->num = json_node_get_boolean (value) ? 1 : 0;
        }
      break;

    case SP_FIELD_STRV:
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          gsize len = 0;
          char *text = strv_to_json (json_node_get_array (value), &len);

          if (text == NULL)
            {
              g_autoptr(JsonGenerator) gen = json_generator_new ();

              json_generator_set_root (gen, value);
              text = json_generator_to_data (gen, &len);
            }
          out->kind = SP_VALUE_LIST;
          out->text = *owned = text;
          out->len = (guint) len;
        }
      break;

    default:
      break;
    }
}

/* @text_mode SQLITE_STATIC when the text outlives the statement's next
 * step (sp_db_row_write: no copy of every string of a pulled page). */
static void
bind_value (sqlite3_stmt            *stmt,
            int                      idx,
            const SpFieldValue      *value,
            sqlite3_destructor_type  text_mode)
{
  switch (value->kind)
    {
    case SP_VALUE_TEXT:
    case SP_VALUE_LIST:
      sqlite3_bind_text (stmt, idx, value->text, (int) value->len, text_mode);
      break;
    case SP_VALUE_INT:
      sqlite3_bind_int64 (stmt, idx, value->num);
      break;
    case SP_VALUE_ABSENT:
    case SP_VALUE_NULL:
    default:
      sqlite3_bind_null (stmt, idx);
      break;
    }
}

void
sp_db_bind_value (sqlite3_stmt        *stmt,
                  int                  idx,
                  const SpFieldValue  *value)
{
  g_return_if_fail (stmt != NULL);
  g_return_if_fail (value != NULL);

  bind_value (stmt, idx, value, SQLITE_STATIC);
}

static void
bind_field (sqlite3_stmt            *stmt,
            int                      idx,
            const SpField           *field,
            JsonNode                *value,
            sqlite3_destructor_type  text_mode)
{
  SpFieldValue v = { 0 };
  char *owned;

  value_from_node (field, value, &v, &owned);
  bind_value (stmt, idx, &v, owned != NULL ? g_free : text_mode);
}

JsonNode *
sp_db_column_field (sqlite3_stmt  *stmt,
                    int            col,
                    const SpField *field)
{
  JsonNode *node;

  g_return_val_if_fail (stmt != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return json_node_new (JSON_NODE_NULL);

  switch (field->type)
    {
    case SP_FIELD_TEXT:
    case SP_FIELD_ENUM:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, (const char *) sqlite3_column_text (stmt, col));
      return node;

    case SP_FIELD_INT:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, sqlite3_column_int64 (stmt, col));
      return node;

    case SP_FIELD_BOOL:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, sqlite3_column_int64 (stmt, col) != 0);
      return node;

    case SP_FIELD_STRV:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        const char *text = (const char *) sqlite3_column_text (stmt, col);
        int len = sqlite3_column_bytes (stmt, col);
        JsonNode *root;

        if (text != NULL && json_parser_load_from_data (parser, text, len, NULL) &&
            (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
          return json_node_copy (root);
        return json_node_new (JSON_NODE_NULL);
      }

    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

void
sp_db_row_free (SpDbRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->hlc);
  g_free (row->change_id);
  g_clear_pointer (&row->fields, json_object_unref);
  g_free (row);
}

char *
sp_db_select_sql (const SpEntity *entity,
                  const char     *where)
{
  GString *sql = g_string_new ("SELECT id, version, hlc, deleted, change_id");

  for (guint i = 0; i < entity->n_fields; i++)
    g_string_append_printf (sql, ", \"%s\"", entity->fields[i].name);
  g_string_append_printf (sql, " FROM \"%s\"", entity->name);
  if (where != NULL)
    g_string_append_printf (sql, " %s", where);
  return g_string_free (sql, FALSE);
}

SpDbRow *
sp_db_row_from_stmt (const SpEntity *entity,
                     sqlite3_stmt   *stmt)
{
  SpDbRow *row = g_new0 (SpDbRow, 1);

  row->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->version = sqlite3_column_int64 (stmt, 1);
  row->hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->deleted = sqlite3_column_int (stmt, 3) != 0;
  row->change_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  row->fields = json_object_new ();
  for (guint i = 0; i < entity->n_fields; i++)
    json_object_set_member (row->fields, entity->fields[i].name,
                            sp_db_column_field (stmt, 5 + (int) i, &entity->fields[i]));
  return row;
}

SpDbRow *
sp_db_row_read (SpDb            *db,
                const SpEntity  *entity,
                const char      *id,
                GError         **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  SpDbRow *row = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sql = sp_db_select_sql (entity, "WHERE id = ?1");
  stmt = sp_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = sp_db_row_from_stmt (entity, stmt);
  else if (rc != SQLITE_DONE)
    sp_db_set_error (db, error);
  sqlite3_reset (stmt);
  return row;
}

/* The upsert statement for @entity writing the fields in @mask (bit i =
 * entity->fields[i]), cached per connection. */
static sqlite3_stmt *
write_stmt (SpDb            *db,
            const SpEntity  *entity,
            guint64          mask,
            GError         **error)
{
  char key[96];
  sqlite3_stmt *stmt;
  g_autoptr(GString) sql = NULL;
  g_autoptr(GString) values = NULL;
  g_autoptr(GString) update = NULL;
  guint n = 0;

  /* A page writes row after row of one entity with the same fields; the
   * statement was reset and unbound after its last step (write_values). */
  if (db->last_write_stmt != NULL && db->last_write_entity == entity &&
      db->last_write_mask == mask)
    return db->last_write_stmt;

  g_snprintf (key, sizeof key, "%s#%" G_GINT64_MODIFIER "x", entity->name, mask);
  stmt = g_hash_table_lookup (db->write_stmts, key);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      db->last_write_entity = entity;
      db->last_write_mask = mask;
      db->last_write_stmt = stmt;
      return stmt;
    }

  sql = g_string_new (NULL);
  values = g_string_new ("?1, ?2, ?3, ?4, ?5");
  update = g_string_new ("version = excluded.version, hlc = excluded.hlc, "
                         "deleted = excluded.deleted, change_id = excluded.change_id");
  g_string_append_printf (sql, "INSERT INTO \"%s\" (id, version, hlc, deleted, change_id",
                          entity->name);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const char *name = entity->fields[i].name;

      if (!(mask & (G_GUINT64_CONSTANT (1) << i)))
        continue;
      n++;
      g_string_append_printf (sql, ", \"%s\"", name);
      g_string_append_printf (values, ", ?%u", 5 + n);
      g_string_append_printf (update, ", \"%s\" = excluded.\"%s\"", name, name);
    }
  g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
                          values->str, update->str);

  stmt = sp_db_prepare (db, sql->str, error);
  if (stmt != NULL)
    g_hash_table_insert (db->write_stmts, g_strdup (key), stmt);
  return stmt;
}

static gboolean write_values (SpDb *db, const SpEntity *entity, const char *id,
                              gint64 version, const char *hlc, gboolean deleted,
                              const char *change_id, const SpFieldValue *values,
                              char **owned, GError **error);

gboolean
sp_db_row_write (SpDb            *db,
                 const SpEntity  *entity,
                 const char      *id,
                 gint64           version,
                 const char      *hlc,
                 gboolean         deleted,
                 const char      *change_id,
                 JsonObject      *fields,
                 GError         **error)
{
  SpFieldValue values[64];
  JsonNode *nodes[64];
  char *owned[64];
  guint n_present = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (entity->n_fields <= G_N_ELEMENTS (values), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (hlc != NULL, FALSE);

  /* Reject members the registry does not know: SQL is only ever built
   * from registry names. */
  for (guint i = 0; i < entity->n_fields; i++)
    {
      nodes[i] = fields != NULL ? json_object_get_member (fields, entity->fields[i].name) : NULL;
      if (nodes[i] != NULL)
        n_present++;
    }
  if (fields != NULL && n_present != json_object_get_size (fields))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (sp_entity_get_field (entity, name) == NULL)
            {
              g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD,
                           "%s has no field “%s”", entity->name, name);
              return FALSE;
            }
        }
    }

  for (guint i = 0; i < entity->n_fields; i++)
    {
      owned[i] = NULL;
      if (nodes[i] == NULL)
        values[i].kind = SP_VALUE_ABSENT;
      else
        value_from_node (&entity->fields[i], nodes[i], &values[i], &owned[i]);
    }

  return write_values (db, entity, id, version, hlc, deleted, change_id, values, owned, error);
}

gboolean
sp_db_row_write_values (SpDb                *db,
                        const SpEntity      *entity,
                        const char          *id,
                        gint64               version,
                        const char          *hlc,
                        gboolean             deleted,
                        const char          *change_id,
                        const SpFieldValue  *values,
                        GError             **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (entity->n_fields <= 64, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (hlc != NULL, FALSE);

  return write_values (db, entity, id, version, hlc, deleted, change_id, values, NULL, error);
}

/* The row write of both: the fields whose value is not ABSENT; @owned
 * (NULL or one per field) texts are handed to SQLite, which frees them. */
static gboolean
write_values (SpDb                *db,
              const SpEntity      *entity,
              const char          *id,
              gint64               version,
              const char          *hlc,
              gboolean             deleted,
              const char          *change_id,
              const SpFieldValue  *values,
              char               **owned,
              GError             **error)
{
  sqlite3_stmt *stmt;
  guint64 mask = 0;
  int idx;
  int rc;

  for (guint i = 0; i < entity->n_fields; i++)
    if (values[i].kind != SP_VALUE_ABSENT)
      mask |= G_GUINT64_CONSTANT (1) << i;

  stmt = write_stmt (db, entity, mask, error);
  if (stmt == NULL)
    {
      for (guint i = 0; owned != NULL && i < entity->n_fields; i++)
        g_free (owned[i]);
      return FALSE;
    }

  /* Everything bound lives until the step below returns: no copies. */
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, deleted ? 1 : 0);
  if (change_id)
    sqlite3_bind_text (stmt, 5, change_id, -1, SQLITE_STATIC);
  idx = 6;
  for (guint i = 0; i < entity->n_fields; i++)
    if (mask & (G_GUINT64_CONSTANT (1) << i))
      bind_value (stmt, idx++, &values[i],
                  owned != NULL && owned[i] != NULL ? g_free : SQLITE_STATIC);
    else if (owned != NULL)
      g_free (owned[i]);

  /* Bulk writes mark the row for the search index themselves (what the
   * marker triggers do): by the rowid of an insert, else by its id. New
   * rows above the table's rowids before the bulk writes began are marked
   * all at once when they end (sp_db_set_bulk_writes). */
  if (db->bulk)
    sqlite3_set_last_insert_rowid (db->handle, 0);
  rc = sqlite3_step (stmt);
  if (db->bulk && rc == SQLITE_DONE && g_hash_table_contains (db->search_entities, entity->name))
    {
      sqlite3_int64 rowid = sqlite3_last_insert_rowid (db->handle);
      g_autofree char *by_id = NULL;
      sqlite3_stmt *mark;
      gint64 *floor = g_hash_table_lookup (db->bulk_floor, entity->name);

      if (floor == NULL)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT coalesce(max(rowid), 0) FROM \"%s\"",
                                                  entity->name);
          sqlite3_stmt *max_stmt;

          /* before this row: the one just inserted is not below it */
          floor = g_new (gint64, 1);
          *floor = rowid != 0 ? rowid - 1 : G_MAXINT64;
          if (rowid == 0 && (max_stmt = sp_db_prepare (db, sql, NULL)) != NULL)
            {
              if (sqlite3_step (max_stmt) == SQLITE_ROW)
                *floor = sqlite3_column_int64 (max_stmt, 0);
              sqlite3_reset (max_stmt);
            }
          g_hash_table_insert (db->bulk_floor, (gpointer) entity->name, floor);
        }
      if (rowid != 0 && rowid > *floor)
        goto marked;   /* by the range, at the end */

      if (rowid != 0)
        mark = sp_db_prepare (db, "INSERT INTO fts_pending (entity, row) VALUES (?1, ?2) "
                                  "ON CONFLICT DO NOTHING", error);
      else
        {
          by_id = g_strdup_printf ("INSERT INTO fts_pending (entity, row) "
                                   "SELECT ?1, rowid FROM \"%s\" WHERE id = ?3 "
                                   "ON CONFLICT DO NOTHING", entity->name);
          mark = sp_db_prepare (db, by_id, error);
        }
      if (mark == NULL)
        {
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
      sqlite3_bind_text (mark, 1, entity->name, -1, SQLITE_STATIC);
      if (rowid != 0)
        sqlite3_bind_int64 (mark, 2, rowid);
      else
        sqlite3_bind_text (mark, 3, id, -1, SQLITE_STATIC);
      rc = sqlite3_step (mark);
      sqlite3_reset (mark);
    }
marked:
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);   /* drop the borrowed pointers */
  if (rc != SQLITE_DONE)
    return sp_db_set_error (db, error);
  return TRUE;
}

gboolean
sp_db_set_bulk_writes (SpDb     *db,
                       gboolean  bulk)
{
  int unused = 0;

  g_return_val_if_fail (db != NULL, FALSE);

  check_search_tables (db);
  bulk = bulk && db->bulk_ok;
  if (bulk == db->bulk)
    return bulk;

  if (!bulk)
    {
      /* (a failing transaction's way out: it is rolled back anyway) */
      if (!sp_db_end_bulk_writes (db, NULL))
        g_debug ("bulk writes ended without marking their new rows");
      return FALSE;
    }

  /* Switching expires the prepared statements; SQLite prepares them again
   * on their next step (the cost of a few statements per page). */
  if (sqlite3_db_config (db->handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &unused) != SQLITE_OK)
    return FALSE;
  db->bulk = TRUE;
  return TRUE;
}

gboolean
sp_db_end_bulk_writes (SpDb    *db,
                       GError **error)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;
  int unused = 0;

  g_return_val_if_fail (db != NULL, FALSE);

  if (!db->bulk)
    return TRUE;

  /* The new rows above each table's rowids of before, in one statement
   * per table instead of one per row. */
  g_hash_table_iter_init (&iter, db->bulk_floor);
  while (ok && g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *entity = key;
      g_autofree char *sql = g_strdup_printf ("INSERT INTO fts_pending (entity, row) "
                                              "SELECT ?1, rowid FROM \"%s\" WHERE rowid > ?2 "
                                              "ON CONFLICT DO NOTHING", entity);
      sqlite3_stmt *stmt;

      if (*(gint64 *) value == G_MAXINT64)
        continue;
      if (!(stmt = sp_db_prepare (db, sql, error)))
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, *(gint64 *) value);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        ok = sp_db_set_error (db, error);
      sqlite3_reset (stmt);
    }
  g_hash_table_remove_all (db->bulk_floor);

  if (sqlite3_db_config (db->handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, &unused) != SQLITE_OK)
    ok = ok && sp_db_set_error (db, error);
  db->bulk = FALSE;
  return ok;
}
