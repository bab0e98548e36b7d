/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "sp-storage.h"
#include "sp-storage-sqlite-private.h"

#include "sp-db.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-json-util.h"
#include "sp-merge.h"

/* The embedded SQLite backend of the server storage interface.
 *
 * Every public call takes the mutex and runs in one transaction. Versions
 * come from one global sequence (meta key "server_version"), persisted in
 * the same transaction as the rows that use them, so a crash never reuses a
 * version a client could have seen. All SQL is prepared and cached by SpDb;
 * table and column names come from the entity registry only. */

#define CURSOR_PREFIX       "v1."
#define SERVER_NODE         "server"
#define CREATED_CLOCK       "*"     /* never a registry field name */
#define PULL_DEFAULT_LIMIT  SP_STORAGE_PULL_DEFAULT
#define PULL_MAX_LIMIT      SP_STORAGE_PULL_MAX

/* Column layout of every entity SELECT below. */
enum {
  COL_ID,
  COL_VERSION,
  COL_HLC,
  COL_DELETED,
  COL_CHANGE_ID,
  COL_FIRST_FIELD,
};

typedef struct {
  const SpEntity *entity;
  int             scope_col;       /* column of scope_from_field, or -1 */
  char           *sql_select_one;  /* row by id */
  char           *sql_upsert;      /* insert or full update */
  char           *sql_insert;      /* insert of a new row, nothing if it exists */
  char           *sql_pull;        /* rows after a version, in order */
  char           *sql_published;
  char           *sql_etag;
  char           *sql_count;
  char           *sql_max_version;
  GString        *json_entity;     /* pull JSON: ,"entity":"<name>","id": */
  GString       **json_names;      /* pull JSON: ,"<field>": per field */
} EntitySql;

/* One SQLite connection and what belongs to it. */
typedef struct {
  GMutex         mutex;
  SpDb          *db;
  GHashTable    *stmts;        /* SQL text (by address) -> statement owned by db */
  JsonParser    *strv_parser;  /* reused for list columns (hot in big pulls) */
} Conn;

/* Three connections: pushes and account writes go through the writer;
 * pulls and published content read through the reader, and sign-ins and
 * token checks through their own, so that none of them waits for a big push
 * or a big page (WAL gives readers the last committed state). The merge
 * path reads through the writer, inside its transaction. */
struct _SpStorage {
  Conn        w;
  Conn        r;
  Conn        a;
  SpHlc      *clock;      /* writer only */
  gint64      version;    /* writer only: last version assigned */
  GHashTable *sql;        /* entity name -> EntitySql, read-only after open */
};

void
sp_principal_free (SpPrincipal *principal)
{
  if (principal == NULL)
    return;
  g_free (principal->name);
  g_strfreev (principal->roles);
  g_free (principal);
}

static void
entity_sql_free (EntitySql *es)
{
  g_free (es->sql_select_one);
  g_free (es->sql_upsert);
  g_free (es->sql_insert);
  g_free (es->sql_pull);
  g_free (es->sql_published);
  g_free (es->sql_etag);
  g_free (es->sql_count);
  g_free (es->sql_max_version);
  if (es->json_entity != NULL)
    g_string_free (es->json_entity, TRUE);
  for (guint i = 0; es->json_names != NULL && i < es->entity->n_fields; i++)
    g_string_free (es->json_names[i], TRUE);
  g_free (es->json_names);
  g_free (es);
}

static void append_json_string (GString *out, const char *s, gsize len);

static EntitySql *
entity_sql_new (const SpEntity *entity)
{
  EntitySql *es = g_new0 (EntitySql, 1);
  g_autoptr(GString) cols = g_string_new ("id, version, hlc, deleted, change_id");
  g_autoptr(GString) params = g_string_new ("?1, ?2, ?3, ?4, ?5");
  g_autoptr(GString) sets = g_string_new ("version = excluded.version, hlc = excluded.hlc, "
                                          "deleted = excluded.deleted, change_id = excluded.change_id");
  int name_idx = sp_entity_field_index (entity, "name");
  int status_idx = sp_entity_field_index (entity, "status");

  es->entity = entity;
  es->scope_col = -1;

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const char *f = entity->fields[i].name;

      g_string_append_printf (cols, ", \"%s\"", f);
      g_string_append_printf (params, ", ?%u", COL_FIRST_FIELD + i + 1);
      g_string_append_printf (sets, ", \"%s\" = excluded.\"%s\"", f, f);
      if (entity->scope_from_field && strcmp (entity->scope_from_field, f) == 0)
        es->scope_col = COL_FIRST_FIELD + (int) i;
    }

  es->sql_select_one = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?1",
                                        cols->str, entity->name);
  es->sql_upsert = g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s) "
                                    "ON CONFLICT (id) DO UPDATE SET %s",
                                    entity->name, cols->str, params->str, sets->str);
  es->sql_insert = g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s) "
                                    "ON CONFLICT (id) DO NOTHING",
                                    entity->name, cols->str, params->str);
  es->sql_pull = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE version > ?1 ORDER BY version",
                                  cols->str, entity->name);
  if (name_idx >= 0 && status_idx >= 0)
    es->sql_published = g_strdup_printf ("SELECT %s FROM \"%s\" "
                                         "WHERE deleted = 0 AND status = 'published' "
                                         "ORDER BY name COLLATE NOCASE, id",
                                         cols->str, entity->name);
  es->sql_etag = g_strdup_printf ("SELECT coalesce(max(version), 0), "
                                  "(SELECT count(*) FROM \"%s\" WHERE deleted = 0) FROM \"%s\"",
                                  entity->name, entity->name);
  es->sql_count = g_strdup_printf ("SELECT count(*) FROM \"%s\"", entity->name);
  es->sql_max_version = g_strdup_printf ("SELECT coalesce(max(version), 0) FROM \"%s\"",
                                         entity->name);

  es->json_entity = g_string_new (",\"entity\":");
  append_json_string (es->json_entity, entity->name, strlen (entity->name));
  g_string_append (es->json_entity, ",\"id\":");
  es->json_names = g_new0 (GString *, entity->n_fields);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      es->json_names[i] = g_string_new (",");
      append_json_string (es->json_names[i], entity->fields[i].name,
                          strlen (entity->fields[i].name));
      g_string_append_c (es->json_names[i], ':');
    }
  return es;
}

static EntitySql *
lookup_sql (SpStorage  *self,
            const char *entity,
            GError    **error)
{
  EntitySql *es = entity ? g_hash_table_lookup (self->sql, entity) : NULL;

  if (es == NULL)
    g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY,
                 "unknown entity “%s”", entity ? entity : "(null)");
  return es;
}

/* @sql must live as long as @self (a literal or EntitySql text): the
 * statement is looked up by its address, which is cheaper than hashing the
 * text on every one of the many calls a big push makes. */
static sqlite3_stmt *
prepare (Conn        *c,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (c->stmts, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      return stmt;
    }

  if ((stmt = sp_db_prepare (c->db, sql, error)))
    g_hash_table_insert (c->stmts, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
step_done (Conn          *c,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sp_db_set_error (c->db, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text ? g_strdup ((const char *) text) : NULL;
}

static char *
format_cursor (gint64 version)
{
  return g_strdup_printf (CURSOR_PREFIX "%" G_GINT64_FORMAT, version);
}

static gboolean
parse_cursor (const char  *cursor,
              gint64      *version,
              GError     **error)
{
  guint64 v;

  if (cursor == NULL || *cursor == '\0')
    {
      *version = 0;
      return TRUE;
    }

  if (!g_str_has_prefix (cursor, CURSOR_PREFIX) ||
      !g_ascii_isdigit (cursor[strlen (CURSOR_PREFIX)]) ||
      !g_ascii_string_to_unsigned (cursor + strlen (CURSOR_PREFIX), 10, 0, G_MAXINT64, &v, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "since: not a cursor this server issued");
      return FALSE;
    }

  *version = (gint64) v;
  return TRUE;
}

static gint64
query_int64 (Conn       *c,
             const char *sql,
             GError    **error)
{
  sqlite3_stmt *stmt = prepare (c, sql, error);
  gint64 value = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    sp_db_set_error (c->db, error);
  sqlite3_reset (stmt);
  return value;
}

/* The highest version in use: the persisted sequence, but never below any
 * version stored in a table (defends against a damaged sequence row). */
static gboolean
load_version (SpStorage  *self,
              GError    **error)
{
  gint64 version;
  GHashTableIter iter;
  EntitySql *es;
  gint64 v;

  if ((version = query_int64 (&self->w, "SELECT coalesce(max(value), 0) FROM version_seq", error)) < 0)
    return FALSE;

  g_hash_table_iter_init (&iter, self->sql);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &es))
    {
      if ((v = query_int64 (&self->w, es->sql_max_version, error)) < 0)
        return FALSE;
      version = MAX (version, v);
    }
  if ((v = query_int64 (&self->w, "SELECT coalesce(max(version), 0) FROM applied_change", error)) < 0)
    return FALSE;
  version = MAX (version, v);

  self->version = version;
  return TRUE;
}

static gboolean
persist_version (SpStorage  *self,
                 GError    **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (&self->w,
                        "INSERT INTO version_seq (id, value) VALUES (1, ?1) "
                        "ON CONFLICT (id) DO UPDATE SET value = excluded.value", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->version);
  return step_done (&self->w, stmt, error);
}

static gboolean
conn_open (Conn        *c,
           const char  *path,
           GError     **error)
{
  g_mutex_init (&c->mutex);
  c->stmts = g_hash_table_new (NULL, NULL);
  c->strv_parser = json_parser_new ();
  c->db = sp_db_open (path, SP_SCHEMA_SERVER, error);
  return c->db != NULL;
}

static void
conn_close (Conn *c)
{
  if (c->stmts == NULL)
    return;   /* never opened */
  g_clear_pointer (&c->stmts, g_hash_table_unref);
  g_clear_object (&c->strv_parser);
  g_clear_pointer (&c->db, sp_db_close);
  g_mutex_clear (&c->mutex);
}

SpStorage *
sp_storage_open_sqlite (const char  *path,
                        GError     **error)
{
  SpStorage *self;
  const SpEntity * const *all;
  guint n_all = 0;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (SpStorage, 1);
  self->clock = sp_hlc_new (SERVER_NODE);
  self->sql = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) entity_sql_free);

  /* The writer opens first: it creates and migrates the file. */
  if (!conn_open (&self->w, path, error) || !conn_open (&self->r, path, error) ||
      !conn_open (&self->a, path, error))
    {
      sp_storage_close (self);
      return NULL;
    }

  /* Every registry entity whose table (with all registry columns) the
   * migrations created. One that lacks it is left out with a warning, so a
   * missing migration costs that entity (pushes get "unknown entity"), not
   * the whole server. */
  all = sp_entity_all (&n_all);
  for (guint i = 0; i < n_all; i++)
    {
      EntitySql *es = entity_sql_new (all[i]);
      g_autoptr(GError) local_error = NULL;

      if (prepare (&self->w, es->sql_upsert, &local_error) == NULL)
        {
          g_warning ("Entity “%s” is not synced: %s has no table for it (%s)",
                     all[i]->name, path, local_error->message);
          entity_sql_free (es);
          continue;
        }
      g_hash_table_insert (self->sql, (gpointer) all[i]->name, es);
    }

  /* The server is the only user of its file: a larger page cache, and
   * checkpoints every ~16 MiB of WAL rather than after every big push.
   * Failing here only costs speed. */
  if (!sp_db_exec (self->w.db,
                   "PRAGMA cache_size = -32768;"
                   "PRAGMA wal_autocheckpoint = 4096;",
                   NULL))
    g_debug ("could not tune %s", path);

  if (!load_version (self, error))
    {
      sp_storage_close (self);
      return NULL;
    }

  return self;
}

void
sp_storage_close (SpStorage *self)
{
  if (self == NULL)
    return;
  conn_close (&self->a);
  conn_close (&self->r);
  conn_close (&self->w);
  g_clear_pointer (&self->clock, sp_hlc_free);
  g_clear_pointer (&self->sql, g_hash_table_unref);
  g_free (self);
}

/* -- feature backends (sp-storage-sqlite-private.h) ---------------------- */

SpDb *
_sp_storage_sqlite_lock (SpStorage *self,
                         gboolean   writer)
{
  Conn *c = writer ? &self->w : &self->r;

  g_mutex_lock (&c->mutex);
  return c->db;
}

void
_sp_storage_sqlite_unlock (SpStorage *self,
                           gboolean   writer)
{
  g_mutex_unlock (writer ? &self->w.mutex : &self->r.mutex);
}

SpDb *
_sp_storage_sqlite_write_begin (SpStorage  *self,
                                GError    **error)
{
  SpDb *db = _sp_storage_sqlite_lock (self, TRUE);

  if (!sp_db_begin (db, error))
    {
      _sp_storage_sqlite_unlock (self, TRUE);
      return NULL;
    }
  return db;
}

gboolean
_sp_storage_sqlite_write_end (SpStorage  *self,
                              SpDb       *db,
                              gboolean    ok,
                              GError    **error)
{
  if (ok && !sp_db_commit (db, error))
    ok = FALSE;
  if (!ok)
    sp_db_rollback (db);
  _sp_storage_sqlite_unlock (self, TRUE);
  return ok;
}

gboolean
_sp_storage_sqlite_step_done (SpDb          *db,
                              sqlite3_stmt  *stmt,
                              GError       **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE || sp_db_set_error (db, error);

  sqlite3_reset (stmt);
  return ok;
}

gboolean
_sp_storage_sqlite_each_row (SpDb              *db,
                             sqlite3_stmt      *stmt,
                             SpStorageRowFunc   func,
                             gpointer           user_data,
                             GError           **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (stmt, user_data);
  if (rc != SQLITE_DONE)
    sp_db_set_error (db, error);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

gboolean
sp_storage_row_exists (SpStorage  *self,
                       const char *entity,
                       const char *id)
{
  EntitySql *es;
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (id == NULL || !(es = lookup_sql (self, entity, NULL)))
    return FALSE;

  g_mutex_lock (&self->r.mutex);
  if ((stmt = prepare (&self->r, es->sql_select_one, NULL)))
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      found = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->r.mutex);
  return found;
}

/* -- field codec ---------------------------------------------------------- */

/* Decodes the JSON array of strings a list column holds (as written by
 * json-glib) without a JsonParser; NULL if the text is anything else, then
 * the caller falls back to the full parser. */
static JsonNode *
parse_string_array (const char *p,
                    const char *end)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GString) item = g_string_new (NULL);
  JsonNode *node;

#define SKIP_WS() while (p < end && g_ascii_isspace (*p)) p++

  SKIP_WS ();
  if (p >= end || *p++ != '[')
    return NULL;
  SKIP_WS ();
  if (p < end && *p == ']')
    p++;
  else
    {
      while (TRUE)
        {
          SKIP_WS ();
          if (p >= end || *p++ != '"')
            return NULL;
          g_string_truncate (item, 0);
          while (p < end && *p != '"')
            {
              if (*p != '\\')
                {
                  g_string_append_c (item, *p++);
                  continue;
                }
              if (++p >= end)
                return NULL;
              switch (*p++)
                {
                case '"':  g_string_append_c (item, '"'); break;
                case '\\': g_string_append_c (item, '\\'); break;
                case '/':  g_string_append_c (item, '/'); break;
                case 'b':  g_string_append_c (item, '\b'); break;
                case 'f':  g_string_append_c (item, '\f'); break;
                case 'n':  g_string_append_c (item, '\n'); break;
                case 'r':  g_string_append_c (item, '\r'); break;
                case 't':  g_string_append_c (item, '\t'); break;
                default:   return NULL;   /* \u escapes: leave to the parser */
                }
            }
          if (p >= end)
            return NULL;
          p++;  /* closing quote */
          if (!sp_utf8_is_valid (item->str, item->len) ||
              memchr (item->str, '\0', item->len) != NULL)
            return NULL;
          json_array_add_string_element (array, item->str);
          SKIP_WS ();
          if (p < end && *p == ',')
            {
              p++;
              continue;
            }
          if (p < end && *p == ']')
            {
              p++;
              break;
            }
          return NULL;
        }
    }
  SKIP_WS ();
  if (p != end)
    return NULL;

#undef SKIP_WS

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);
  return node;
}

/* The registry codec of sp-db, with list (STRV) columns decoded without a
 * parser per row (sp_db_bind_field encodes them without a generator). */
static JsonNode *
column_field (Conn          *c,
              sqlite3_stmt  *stmt,
              int            col,
              const SpField *field)
{
  const char *text;
  int len;
  JsonNode *root;

  if (field->type != SP_FIELD_STRV || sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return sp_db_column_field (stmt, col, field);

  text = (const char *) sqlite3_column_text (stmt, col);
  len = sqlite3_column_bytes (stmt, col);
  if (text != NULL && (root = parse_string_array (text, text + len)) != NULL)
    return root;
  if (text != NULL && json_parser_load_from_data (c->strv_parser, text, len, NULL) &&
      (root = json_parser_steal_root (c->strv_parser)) != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (root))
        return root;
      json_node_unref (root);
    }
  return json_node_new (JSON_NODE_NULL);
}

/* -- reading rows ------------------------------------------------------ */

static JsonNode *
bool_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

/* All registry fields of the current row of @stmt. */
static JsonObject *
row_fields (Conn         *c,
            EntitySql    *es,
            sqlite3_stmt *stmt)
{
  JsonObject *fields = json_object_new ();

  for (guint i = 0; i < es->entity->n_fields; i++)
    {
      const SpField *field = &es->entity->fields[i];

      json_object_set_member (fields, field->name,
                              column_field (c, stmt, COL_FIRST_FIELD + i, field));
    }
  return fields;
}

/* Loads row + field clocks into an SpRowState for the merge. *row_hlc gets
 * the row's hlc.
 *
 * A row's creation is recorded as one field_clock entry under the field name
 * CREATED_CLOCK: every field without its own entry was last set then. A row
 * written once (created and never changed since) has no field_clock entry
 * at all: its own hlc and version are those of its creation, and
 * *unclocked tells apply_change() to write the CREATED_CLOCK entry from
 * them before the row changes. So a first push of N rows writes no clock
 * rows. Fields without any clock in a row that has other clock entries
 * (older databases) are treated as unchanged since any base. */
static SpRowState *
load_state (SpStorage   *self,
            EntitySql   *es,
            const char  *id,
            char       **row_hlc,
            gboolean    *unclocked,
            GError     **error)
{
  g_autoptr(SpRowState) state = sp_row_state_new ();
  g_autofree char *created_hlc = NULL;
  gint64 created_version = 0;
  gint64 row_version;
  gboolean any_clock = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  *row_hlc = NULL;
  *unclocked = FALSE;

  if (!(stmt = prepare (&self->w, es->sql_select_one, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return g_steal_pointer (&state);
    }
  if (rc != SQLITE_ROW)
    {
      sp_db_set_error (self->w.db, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  state->exists = TRUE;
  state->version = row_version = sqlite3_column_int64 (stmt, COL_VERSION);
  *row_hlc = column_dup (stmt, COL_HLC);
  json_object_set_member (state->fields, SP_FIELD_DELETED,
                          bool_node (sqlite3_column_int (stmt, COL_DELETED) != 0));
  for (guint i = 0; i < es->entity->n_fields; i++)
    {
      const SpField *field = &es->entity->fields[i];

      json_object_set_member (state->fields, field->name,
                              column_field (&self->w, stmt, COL_FIRST_FIELD + i, field));
    }
  sqlite3_reset (stmt);

  if (!(stmt = prepare (&self->w,
                        "SELECT field, hlc, version FROM field_clock "
                        "WHERE entity = ?1 AND row_id = ?2", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, es->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (stmt, 0);
      const char *hlc = (const char *) sqlite3_column_text (stmt, 1);
      gint64 version = sqlite3_column_int64 (stmt, 2);
      JsonNode *value;

      any_clock = TRUE;
      if (field == NULL)
        continue;
      if (strcmp (field, CREATED_CLOCK) == 0)
        {
          g_free (created_hlc);
          created_hlc = g_strdup (hlc);
          created_version = version;
          continue;
        }
      value = json_object_get_member (state->fields, field);
      if (value == NULL)
        continue;   /* a field no longer in the registry */
      value = json_node_copy (value);
      sp_row_state_set_field (state, field, value, hlc, version);
      json_node_unref (value);
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->w.db, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  if (!any_clock && *row_hlc != NULL)
    {
      /* written once: created with the row's own hlc and version */
      created_hlc = g_strdup (*row_hlc);
      created_version = row_version;
      *unclocked = TRUE;
    }

  if (created_hlc != NULL)
    {
      for (guint i = 0; i <= es->entity->n_fields; i++)
        {
          const char *name = i < es->entity->n_fields ? es->entity->fields[i].name : SP_FIELD_DELETED;
          JsonNode *value;

          if (g_hash_table_contains (state->field_version, name))
            continue;
          value = json_node_copy (json_object_get_member (state->fields, name));
          sp_row_state_set_field (state, name, value, created_hlc, created_version);
          json_node_unref (value);
        }
    }

  /* sp_row_state_set_field raises state->version to the newest field; the
   * row's own version is at least that. */
  return g_steal_pointer (&state);
}

/* -- writing rows ------------------------------------------------------- */

/* Writes a whole row with @sql (es->sql_upsert or es->sql_insert): the
 * decoded @values of a change (registry order) when set, else @fields;
 * fields neither has are NULL. */
static gboolean
write_row (SpStorage           *self,
           EntitySql           *es,
           const char          *sql,
           const char          *id,
           gint64               version,
           const char          *hlc,
           gboolean             deleted,
           const char          *change_id,
           JsonObject          *fields,
           const SpFieldValue  *values,
           GError             **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (&self->w, sql, error)))
    return FALSE;

  sqlite3_bind_text (stmt, COL_ID + 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, COL_VERSION + 1, version);
  sqlite3_bind_text (stmt, COL_HLC + 1, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, COL_DELETED + 1, deleted ? 1 : 0);
  sqlite3_bind_text (stmt, COL_CHANGE_ID + 1, change_id, -1, SQLITE_STATIC);
  for (guint i = 0; i < es->entity->n_fields; i++)
    {
      const SpField *field = &es->entity->fields[i];

      if (values != NULL)
        sp_db_bind_value (stmt, COL_FIRST_FIELD + i + 1, &values[i]);
      else
        sp_db_bind_field (stmt, COL_FIRST_FIELD + i + 1, field,
                          fields != NULL ? json_object_get_member (fields, field->name) : NULL);
    }

  return step_done (&self->w, stmt, error);
}

static gboolean
write_field_clock (SpStorage   *self,
                   const char  *entity,
                   const char  *id,
                   const char  *field,
                   const char  *hlc,
                   gint64       version,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (&self->w,
                        "INSERT INTO field_clock (entity, row_id, field, hlc, version) "
                        "VALUES (?1, ?2, ?3, ?4, ?5) "
                        "ON CONFLICT (entity, row_id, field) DO UPDATE SET "
                        "hlc = excluded.hlc, version = excluded.version", error)))
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, version);
  return step_done (&self->w, stmt, error);
}

static gboolean
find_applied (SpStorage   *self,
              const char  *change_id,
              gboolean    *found,
              gint64      *version,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;
  if (!(stmt = prepare (&self->w, "SELECT version FROM applied_change WHERE change_id = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *version = sqlite3_column_int64 (stmt, 0);
    }
  else if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->w.db, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* Records @change_id as applied in @version, unless it was seen before
 * (*is_new FALSE). One index descent for the common case of a new change
 * instead of a lookup and an insert. */
static gboolean
claim_change_id (SpStorage   *self,
                 const char  *change_id,
                 gint64       version,
                 gboolean    *is_new,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (&self->w,
                        "INSERT INTO applied_change (change_id, version, status) "
                        "VALUES (?1, ?2, 'applied') ON CONFLICT (change_id) DO NOTHING", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version);
  if (!step_done (&self->w, stmt, error))
    return FALSE;
  *is_new = sqlite3_changes (sp_db_handle (self->w.db)) > 0;
  return TRUE;
}

static gboolean
mark_applied_conflict (SpStorage   *self,
                       const char  *change_id,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (&self->w,
                        "UPDATE applied_change SET status = 'conflict' WHERE change_id = ?1",
                        error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  return step_done (&self->w, stmt, error);
}

static JsonNode *
string_node (const char *s)
{
  JsonNode *node;

  if (s == NULL)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, s);
  return node;
}

static JsonNode *
json_text_node (JsonNode *value)
{
  g_autoptr(JsonNode) null_node = NULL;
  g_autofree char *text = NULL;

  if (value == NULL)
    value = null_node = json_node_new (JSON_NODE_NULL);
  text = sp_json_to_string (value, NULL);
  return string_node (text);
}

static gboolean apply_change (SpStorage       *self,
                              SpChange        *change,
                              gboolean         record,
                              SpChangeResult **result,
                              guint           *n_conflicts,
                              GError         **error);

/* Keeps one overwritten value as a new "conflict" row, written by the
 * server itself with its own version so that clients pull it. */
static gboolean
store_conflict (SpStorage             *self,
                const SpChange        *change,
                const SpConflictValue *cv,
                GError               **error)
{
  g_autoptr(SpChange) record = sp_change_new ();

  record->change_id = sp_uuid_new ();
  record->entity = g_strdup (SP_ENTITY_CONFLICT);
  record->id = sp_uuid_new ();
  record->base_version = 0;
  record->hlc = sp_hlc_now (self->clock);
  record->op = SP_OP_UPSERT;
  json_object_set_member (record->fields, "entity", string_node (change->entity));
  json_object_set_member (record->fields, "row_id", string_node (change->id));
  json_object_set_member (record->fields, "field", string_node (cv->field));
  json_object_set_member (record->fields, "lost_value", json_text_node (cv->lost_value));
  json_object_set_member (record->fields, "lost_hlc", string_node (cv->lost_hlc));
  json_object_set_member (record->fields, "kept_value", json_text_node (cv->kept_value));
  json_object_set_member (record->fields, "kept_hlc", string_node (cv->kept_hlc));
  json_object_set_member (record->fields, "resolved", bool_node (FALSE));

  return apply_change (self, record, FALSE, NULL, NULL, error);
}

/* Applies one change inside the open transaction. With @record the
 * change_id is deduplicated and recorded in applied_change. A new row is
 * written from the change's decoded values as they are; the fields of
 * @change become an object (sp_change_get_fields) only for a merge. */
static gboolean
apply_change (SpStorage       *self,
              SpChange        *change,
              gboolean         record,
              SpChangeResult **result,
              guint           *n_conflicts,
              GError         **error)
{
  g_autoptr(SpRowState) state = NULL;
  g_autoptr(SpMergeResult) merge = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *row_hlc = NULL;
  const char *new_hlc;
  EntitySql *es;
  JsonNode *deleted_node;
  gboolean deleted;
  gint64 version;
  gint64 claimed;
  SpResultStatus status;
  GHashTableIter iter;
  const char *name;
  const char *hlc;
  gboolean unclocked = FALSE;
  gint64 row_version;

  /* The version this change gets, unless it is a duplicate. */
  claimed = self->version + 1;
  if (record)
    {
      gboolean is_new = FALSE;

      if (!claim_change_id (self, change->change_id, claimed, &is_new, error))
        return FALSE;
      if (!is_new)
        {
          gboolean found = FALSE;
          gint64 old_version = 0;

          if (!find_applied (self, change->change_id, &found, &old_version, error))
            return FALSE;
          g_assert (found);
          if (result)
            *result = sp_change_result_new (change->change_id, SP_RESULT_DUPLICATE, old_version);
          return TRUE;
        }
    }

  if (!(es = lookup_sql (self, change->entity, error)))
    return FALSE;

  sp_hlc_observe (self->clock, change->hlc);

  /* Most pushed changes create rows (a first push, an import): try the
   * insert first, one statement instead of a lookup that misses and an
   * insert. A new row takes every value of the change (the first merge
   * rule) and needs no clock entry (see load_state); a delete of an
   * unknown row leaves a tombstone without data. */
  if (!write_row (self, es, es->sql_insert, change->id, claimed, change->hlc,
                  change->op == SP_OP_DELETE, change->change_id,
                  change->op == SP_OP_UPSERT ? change->fields : NULL,
                  change->op == SP_OP_UPSERT ? change->values : NULL, error))
    return FALSE;
  if (sqlite3_changes (sp_db_handle (self->w.db)) > 0)
    {
      self->version = claimed;
      if (result)
        *result = sp_change_result_new (change->change_id, SP_RESULT_APPLIED, claimed);
      return TRUE;
    }

  if (!(state = load_state (self, es, change->id, &row_hlc, &unclocked, error)))
    return FALSE;
  row_version = state->version;

  if (!state->exists)
    {
      /* A new row takes every value of the change (the first merge rule);
       * no merge needed, the common case of a big first push. A delete of
       * an unknown row leaves a tombstone without data. */
      fields = json_object_ref (change->op == SP_OP_UPSERT ? sp_change_get_fields (change)
                                                           : state->fields);
      deleted = change->op == SP_OP_DELETE;
    }
  else
    {
      sp_change_get_fields (change);   /* the merge reads the object */
      merge = sp_merge_change (es->entity, state, change);
      if (merge == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "change %s cannot be merged",
                       change->change_id);
          return FALSE;
        }

      /* The full new row: current values overlaid with what the merge
       * applies. The row always gets the new version, also when every
       * field lost, so that the pushing client pulls the merged state. */
      fields = json_object_new ();
      for (guint i = 0; i < es->entity->n_fields; i++)
        {
          const char *f = es->entity->fields[i].name;
          JsonNode *value = json_object_get_member (merge->apply, f);

          if (value == NULL)
            value = json_object_get_member (state->fields, f);
          json_object_set_member (fields, f,
                                  value ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
        }

      deleted_node = json_object_get_member (merge->apply, SP_FIELD_DELETED);
      if (deleted_node == NULL)
        deleted_node = json_object_get_member (state->fields, SP_FIELD_DELETED);
      deleted = deleted_node != NULL && JSON_NODE_HOLDS_VALUE (deleted_node) &&
                json_node_get_boolean (deleted_node);
    }

  new_hlc = sp_hlc_compare (change->hlc, row_hlc) > 0 ? change->hlc : row_hlc;
  version = ++self->version;
  g_assert (!record || version == claimed);

  if (!write_row (self, es, es->sql_upsert, change->id, version, new_hlc, deleted,
                  change->change_id, fields, NULL, error))
    return FALSE;

  /* A new row needs no clock entry: its hlc and version are those of its
   * creation until it changes (see load_state), and then its creation is
   * recorded from what they were. */
  if (state->exists)
    {
      if (unclocked &&
          !write_field_clock (self, es->entity->name, change->id, CREATED_CLOCK,
                              row_hlc, row_version, error))
        return FALSE;
      g_hash_table_iter_init (&iter, merge->apply_hlc);
      while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &hlc))
        {
          if (!write_field_clock (self, es->entity->name, change->id, name, hlc, version, error))
            return FALSE;
        }
    }

  /* Concurrent edits of a conflict record itself (two people resolving the
   * same conflict) settle by last writer; a record about a record would
   * help nobody. */
  if (merge != NULL && es->entity->scope_from_field != NULL)
    g_ptr_array_set_size (merge->conflicts, 0);

  for (guint i = 0; merge != NULL && i < merge->conflicts->len; i++)
    {
      if (!store_conflict (self, change, g_ptr_array_index (merge->conflicts, i), error))
        return FALSE;
    }

  status = merge != NULL && merge->conflicts->len > 0 ? SP_RESULT_CONFLICT : SP_RESULT_APPLIED;
  if (n_conflicts && merge != NULL)
    *n_conflicts += merge->conflicts->len;

  if (record && status == SP_RESULT_CONFLICT &&
      !mark_applied_conflict (self, change->change_id, error))
    return FALSE;

  if (result)
    *result = sp_change_result_new (change->change_id, status, version);
  return TRUE;
}

/* -- scopes --------------------------------------------------------------- */

/* The value of the scope field of the stored row @id, or NULL. */
static char *
stored_scope (SpStorage   *self,
              EntitySql   *es,
              const char  *id,
              GError     **error)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  int rc;

  if (!(stmt = prepare (&self->w, es->sql_select_one, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = column_dup (stmt, es->scope_col);
  else if (rc != SQLITE_DONE)
    sp_db_set_error (self->w.db, error);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
check_scope_name (const char          *scope_name,
                  const char * const  *roles,
                  const SpChange      *change,
                  GError             **error)
{
  const SpEntity *scope = sp_entity_lookup (scope_name);

  if (scope == NULL || scope->scope_from_field != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FORBIDDEN,
                   "%s %s: refers to unknown entity “%s”",
                   change->entity, change->id, scope_name);
      return FALSE;
    }
  if (!sp_entity_can_write (scope, roles))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FORBIDDEN,
                   "%s %s: your roles may not write %s",
                   change->entity, change->id, scope->name);
      return FALSE;
    }
  return TRUE;
}

/* Whether @roles may write @change; for scoped entities (conflict) both the
 * stored row's scope and the one the change sets must be writable. */
static gboolean
check_write (SpStorage           *self,
             const char * const  *roles,
             const SpChange      *change,
             GError             **error)
{
  EntitySql *es;
  g_autofree char *stored = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scope_name;
  gboolean checked = FALSE;

  if (!(es = lookup_sql (self, change->entity, error)))
    return FALSE;

  if (es->entity->scope_from_field == NULL)
    {
      if (!sp_entity_can_write (es->entity, roles))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_FORBIDDEN,
                       "your roles may not write %s", es->entity->name);
          return FALSE;
        }
      return TRUE;
    }

  stored = stored_scope (self, es, change->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (stored != NULL)
    {
      if (!check_scope_name (stored, roles, change, error))
        return FALSE;
      checked = TRUE;
    }

  scope_name = sp_change_peek_string (change, es->entity->scope_from_field);
  if (scope_name != NULL)
    {
      if (!check_scope_name (scope_name, roles, change, error))
        return FALSE;
      checked = TRUE;
    }

  if (!checked)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FORBIDDEN,
                   "%s %s: does not name the entity it belongs to (field %s)",
                   change->entity, change->id, es->entity->scope_from_field);
      return FALSE;
    }
  return TRUE;
}

/* -- frozen rows (SpEntity.frozen_field / parent_field) ------------------ */

#define FROZEN_MAX_DEPTH 4

/* The stored value of @field of row @id as text (NULL if the row or value
 * is missing). Reads through the writer, inside the push transaction, so
 * earlier changes of the same batch count. */
static char *
stored_text (SpStorage   *self,
             EntitySql   *es,
             const char  *id,
             const char  *field,
             GError     **error)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  int idx = sp_entity_field_index (es->entity, field);
  int rc;

  g_assert (idx >= 0);
  if (!(stmt = prepare (&self->w, es->sql_select_one, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = column_dup (stmt, COL_FIRST_FIELD + idx);
  else if (rc != SQLITE_DONE)
    sp_db_set_error (self->w.db, error);
  sqlite3_reset (stmt);
  return value;
}

/* Whether the stored row @id of @entity is frozen. */
static gboolean
row_is_frozen (SpStorage       *self,
               const SpEntity  *entity,
               const char      *id,
               guint            depth,
               gboolean        *frozen,
               GError         **error)
{
  EntitySql *es;
  g_autoptr(GError) local_error = NULL;

  *frozen = FALSE;
  if (entity == NULL || id == NULL || depth > FROZEN_MAX_DEPTH)
    return TRUE;
  if (!(es = lookup_sql (self, entity->name, error)))
    return FALSE;

  if (entity->frozen_field != NULL)
    {
      g_autofree char *value = stored_text (self, es, id, entity->frozen_field, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (g_strcmp0 (value, entity->frozen_value) == 0)
        {
          *frozen = TRUE;
          return TRUE;
        }
    }

  if (entity->parent_field != NULL)
    {
      g_autofree char *parent = stored_text (self, es, id, entity->parent_field, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (parent != NULL)
        return row_is_frozen (self, sp_entity_lookup (entity->parent_entity), parent,
                              depth + 1, frozen, error);
    }

  return TRUE;
}

/* Refuses a pushed change that touches a frozen row or attaches a row to a
 * frozen parent (e.g. a published catalogue version). */
static gboolean
check_frozen (SpStorage       *self,
              const SpChange  *change,
              GError         **error)
{
  const SpEntity *entity = sp_entity_lookup (change->entity);
  gboolean frozen = FALSE;
  gboolean seen = FALSE;
  gint64 seen_version = 0;
  const char *parent;

  if (entity == NULL || !sp_entity_can_freeze (entity))
    return TRUE;
  /* A change that landed before (e.g. the one that published the version,
   * re-sent after a lost answer) stays a harmless duplicate. */
  if (!find_applied (self, change->change_id, &seen, &seen_version, error))
    return FALSE;
  if (seen)
    return TRUE;

  if (!row_is_frozen (self, entity, change->id, 0, &frozen, error))
    return FALSE;
  if (frozen)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FROZEN,
                   "%s %s belongs to a published version and cannot be changed; "
                   "create a new version instead", change->entity, change->id);
      return FALSE;
    }

  if (entity->parent_field == NULL)
    return TRUE;
  parent = sp_change_peek_string (change, entity->parent_field);
  if (parent == NULL)
    return TRUE;

  if (!row_is_frozen (self, sp_entity_lookup (entity->parent_entity),
                      parent, 1, &frozen, error))
    return FALSE;
  if (frozen)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FROZEN,
                   "%s %s: %s %s is published and cannot be changed; "
                   "create a new version instead", change->entity, change->id,
                   entity->parent_entity, parent);
      return FALSE;
    }
  return TRUE;
}

/* -- push --------------------------------------------------------------- */

static gboolean
push_locked (SpStorage           *self,
             const char * const  *roles,      /* NULL: the server itself */
             GPtrArray           *changes,
             GPtrArray           *results,
             GError             **error)
{
  gint64 start_version;
  gint64 stored_version;
  guint n_before = results ? results->len : 0;

  if (!sp_db_begin (self->w.db, error))
    return FALSE;

  /* Another process (an `import` next to the running server) may have
   * advanced the sequence: continue from the committed value, read under
   * the write lock this transaction holds. */
  if ((stored_version = query_int64 (&self->w, "SELECT coalesce(max(value), 0) FROM version_seq",
                                     error)) < 0)
    {
      sp_db_rollback (self->w.db);
      return FALSE;
    }
  self->version = MAX (self->version, stored_version);
  start_version = self->version;

  if (roles != NULL)
    {
      const SpEntity *writable = NULL;   /* unscoped, checked just before */

      for (guint i = 0; i < changes->len; i++)
        {
          const SpChange *change = g_ptr_array_index (changes, i);
          const SpEntity *entity = sp_entity_lookup (change->entity);

          /* a batch is mostly one entity: its roles are checked once */
          if (entity != NULL && entity == writable)
            continue;
          if (!check_write (self, roles, change, error))
            {
              g_prefix_error (error, "changes[%u]: ", i);
              goto fail;
            }
          if (entity != NULL && entity->scope_from_field == NULL)
            writable = entity;
        }
    }

  for (guint i = 0; i < changes->len; i++)
    {
      SpChangeResult *result = NULL;

      if (roles != NULL && !check_frozen (self, g_ptr_array_index (changes, i), error))
        {
          g_prefix_error (error, "changes[%u]: ", i);
          goto fail;
        }
      if (!apply_change (self, g_ptr_array_index (changes, i), TRUE, &result, NULL, error))
        {
          g_prefix_error (error, "changes[%u]: ", i);
          goto fail;
        }
      if (results)
        g_ptr_array_add (results, result);
      else
        sp_change_result_free (result);
    }

  if (self->version != start_version && !persist_version (self, error))
    goto fail;
  if (!sp_db_commit (self->w.db, error))
    goto fail;
  return TRUE;

fail:
  sp_db_rollback (self->w.db);
  self->version = start_version;
  if (results)
    g_ptr_array_set_size (results, n_before);
  return FALSE;
}

static gboolean
validate_changes (GPtrArray  *changes,
                  GError    **error)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const SpChange *change = g_ptr_array_index (changes, i);

      if (change == NULL || !sp_id_is_valid (change->change_id) ||
          !sp_id_is_valid (change->id) || !sp_hlc_is_valid (change->hlc))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "changes[%u]: missing or invalid change_id, id or hlc", i);
          return FALSE;
        }
      if (sp_entity_lookup (change->entity) == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY,
                       "changes[%u]: unknown entity “%s”", i,
                       change->entity ? change->entity : "(null)");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sp_storage_push (SpStorage          *self,
                 const SpPrincipal  *principal,
                 GPtrArray          *changes,
                 GPtrArray          *results,
                 char              **cursor,
                 GError            **error)
{
  static const char * const staff_only[] = { "staff", NULL };
  const char * const *roles;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (principal != NULL, FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!validate_changes (changes, error))
    return FALSE;

  roles = principal->roles ? (const char * const *) principal->roles : staff_only;

  g_mutex_lock (&self->w.mutex);
  ok = push_locked (self, roles, changes, results, error);
  if (ok && cursor)
    *cursor = format_cursor (self->version);
  g_mutex_unlock (&self->w.mutex);

  return ok;
}

gboolean
sp_storage_push_as_server (SpStorage  *self,
                           GPtrArray  *changes,
                           GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  g_mutex_lock (&self->w.mutex);

  /* Server writes carry server HLCs and fresh change ids where the caller
   * left them out. */
  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);

      if (change == NULL)
        continue;
      if (change->change_id == NULL)
        change->change_id = sp_uuid_new ();
      if (change->id == NULL)
        change->id = sp_uuid_new ();
      if (change->hlc == NULL || *change->hlc == '\0')
        {
          g_free (change->hlc);
          change->hlc = sp_hlc_now (self->clock);
        }
    }

  ok = validate_changes (changes, error) &&
       push_locked (self, NULL, changes, NULL, error);
  g_mutex_unlock (&self->w.mutex);

  return ok;
}

/* -- pull --------------------------------------------------------------- */

typedef struct {
  EntitySql    *es;
  sqlite3_stmt *stmt;
  gboolean      has_row;
  gint64        version;
} PullSource;

/* Moves @src to its next row the caller may read. */
static gboolean
pull_source_next (SpStorage   *self,
                  PullSource  *src,
                  GHashTable  *readable,
                  GError     **error)
{
  int rc;

  while ((rc = sqlite3_step (src->stmt)) == SQLITE_ROW)
    {
      if (src->es->scope_col >= 0)
        {
          const char *scope = (const char *) sqlite3_column_text (src->stmt, src->es->scope_col);

          if (scope == NULL || !g_hash_table_contains (readable, scope))
            continue;
        }
      src->has_row = TRUE;
      src->version = sqlite3_column_int64 (src->stmt, COL_VERSION);
      return TRUE;
    }

  src->has_row = FALSE;
  if (rc != SQLITE_DONE)
    return sp_db_set_error (self->r.db, error);
  return TRUE;
}

static SpChange *
change_from_row (SpStorage    *self,
                 EntitySql    *es,
                 sqlite3_stmt *stmt)
{
  SpChange *change = g_new0 (SpChange, 1);

  change->entity = g_strdup (es->entity->name);
  change->id = column_dup (stmt, COL_ID);
  change->version = sqlite3_column_int64 (stmt, COL_VERSION);
  change->base_version = change->version;
  change->hlc = column_dup (stmt, COL_HLC);
  change->change_id = column_dup (stmt, COL_CHANGE_ID);
  if (change->change_id == NULL)
    change->change_id = g_strdup_printf ("v%" G_GINT64_FORMAT, change->version);
  if (sqlite3_column_int (stmt, COL_DELETED) != 0)
    {
      /* A tombstone carries no data. */
      change->op = SP_OP_DELETE;
      change->fields = json_object_new ();
    }
  else
    {
      change->op = SP_OP_UPSERT;
      change->fields = row_fields (&self->r, es, stmt);
    }
  return change;
}

/* -- pull as JSON text ---------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

#define APPEND_LITERAL(out, lit) g_string_append_len ((out), "" lit, sizeof (lit) - 1)

/* Appends @s as a JSON string literal; text that is not valid UTF-8 is
 * made valid first. Runs of plain ASCII are copied eight bytes at a time
 * (sp_json_plain_end), each multi-byte sequence checked as
 * sp_utf8_is_valid() does. */
static void
append_json_string (GString    *out,
                    const char *s,
                    gsize       len)
{
  const char *end = s + len;
  const char *run = s;
  const char *p = s;
  gsize start = out->len;

  g_string_append_c (out, '"');
  for (;;)
    {
      unsigned char c;

      p = sp_json_plain_end (p, end);
      if (p >= end)
        break;
      c = (unsigned char) *p;
      if (c >= 0x80)
        {
          gsize n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

          if ((gsize) (end - p) < n || !g_utf8_validate_len (p, n, NULL))
            {
              g_autofree char *valid = g_utf8_make_valid (s, (gssize) len);

              g_string_truncate (out, start);
              append_json_string (out, valid, strlen (valid));
              return;
            }
          p += n;
          continue;
        }

      g_string_append_len (out, run, p - run);
      run = ++p;
      switch (c)
        {
        case '"':  APPEND_LITERAL (out, "\\\""); break;
        case '\\': APPEND_LITERAL (out, "\\\\"); break;
        case '\n': APPEND_LITERAL (out, "\\n"); break;
        case '\r': APPEND_LITERAL (out, "\\r"); break;
        case '\t': APPEND_LITERAL (out, "\\t"); break;
        case '\b': APPEND_LITERAL (out, "\\b"); break;
        case '\f': APPEND_LITERAL (out, "\\f"); break;
        default:
          APPEND_LITERAL (out, "\\u00");
          g_string_append_c (out, hex_digits[c >> 4]);
          g_string_append_c (out, hex_digits[c & 0xf]);
          break;
        }
    }
  g_string_append_len (out, run, end - run);
  g_string_append_c (out, '"');
}

static void
append_column_string (GString      *out,
                      sqlite3_stmt *stmt,
                      int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  if (text == NULL)
    APPEND_LITERAL (out, "null");
  else
    append_json_string (out, text, (gsize) sqlite3_column_bytes (stmt, col));
}

/* Whether @p..@end is a JSON array of strings (the stored form of a list
 * column), so that it can be copied into a response as it is. */
static gboolean
strv_text_is_valid (const char *p,
                    const char *end)
{
  gboolean first = TRUE;

  if (p >= end || *p++ != '[')
    return FALSE;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p < end && *p == ']')
    return p + 1 == end;

  while (TRUE)
    {
      if (!first)
        {
          if (p >= end || *p++ != ',')
            return FALSE;
        }
      first = FALSE;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p >= end || *p++ != '"')
        return FALSE;
      while (p < end && *p != '"')
        {
          if ((unsigned char) *p < 0x20)
            return FALSE;
          if (*p == '\\')
            {
              if (++p >= end)
                return FALSE;
              if (*p == 'u')
                {
                  if (end - p < 5)
                    return FALSE;
                  for (int i = 1; i <= 4; i++)
                    if (!g_ascii_isxdigit (p[i]))
                      return FALSE;
                  p += 4;
                }
              else if (*p == '\0' || !strchr ("\"\\/bfnrt", *p))
                return FALSE;
            }
          p++;
        }
      if (p >= end)
        return FALSE;
      p++;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p < end && *p == ']')
        return p + 1 == end;
    }
}

/* One pulled row as sp_change_to_json (change, TRUE) writes it. */
static void
append_row_json (GString      *out,
                 EntitySql    *es,
                 sqlite3_stmt *stmt)
{
  gint64 version = sqlite3_column_int64 (stmt, COL_VERSION);
  gboolean deleted = sqlite3_column_int (stmt, COL_DELETED) != 0;

  APPEND_LITERAL (out, "{\"change_id\":");
  if (sqlite3_column_type (stmt, COL_CHANGE_ID) == SQLITE_NULL)
    {
      APPEND_LITERAL (out, "\"v");
      sp_json_append_int (out, version);
      g_string_append_c (out, '"');
    }
  else
    append_column_string (out, stmt, COL_CHANGE_ID);
  g_string_append_len (out, es->json_entity->str, es->json_entity->len);   /* ,"entity":..,"id": */
  append_column_string (out, stmt, COL_ID);
  APPEND_LITERAL (out, ",\"base_version\":");
  sp_json_append_int (out, version);
  APPEND_LITERAL (out, ",\"version\":");
  sp_json_append_int (out, version);
  APPEND_LITERAL (out, ",\"hlc\":");
  append_column_string (out, stmt, COL_HLC);
  if (deleted)
    APPEND_LITERAL (out, ",\"op\":\"delete\",\"fields\":{");
  else
    APPEND_LITERAL (out, ",\"op\":\"upsert\",\"fields\":{");

  for (guint i = 0; !deleted && i < es->entity->n_fields; i++)
    {
      const SpField *field = &es->entity->fields[i];
      int col = COL_FIRST_FIELD + (int) i;
      GString *name = es->json_names[i];   /* "name": with its comma */

      if (i == 0)
        g_string_append_len (out, name->str + 1, name->len - 1);
      else
        g_string_append_len (out, name->str, name->len);

      if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
        {
          APPEND_LITERAL (out, "null");
          continue;
        }

      switch (field->type)
        {
        case SP_FIELD_INT:
          sp_json_append_int (out, (gint64) sqlite3_column_int64 (stmt, col));
          break;

        case SP_FIELD_BOOL:
          if (sqlite3_column_int64 (stmt, col) != 0)
            APPEND_LITERAL (out, "true");
          else
            APPEND_LITERAL (out, "false");
          break;

        case SP_FIELD_STRV:
          {
            const char *text = (const char *) sqlite3_column_text (stmt, col);
            int len = sqlite3_column_bytes (stmt, col);

            if (text != NULL && strv_text_is_valid (text, text + len) &&
                sp_utf8_is_valid (text, (gsize) len))
              g_string_append_len (out, text, len);
            else
              APPEND_LITERAL (out, "null");
          }
          break;

        case SP_FIELD_TEXT:
        case SP_FIELD_ENUM:
        default:
          append_column_string (out, stmt, col);
          break;
        }
    }
  APPEND_LITERAL (out, "}}");
}

typedef void (*PullEmitFunc) (SpStorage    *self,
                              EntitySql    *es,
                              sqlite3_stmt *stmt,
                              guint         index,
                              gpointer      data);

static void
emit_change (SpStorage    *self,
             EntitySql    *es,
             sqlite3_stmt *stmt,
             guint         index,
             gpointer      data)
{
  g_ptr_array_add (data, change_from_row (self, es, stmt));
}

static void
emit_json (SpStorage    *self,
           EntitySql    *es,
           sqlite3_stmt *stmt,
           guint         index,
           gpointer      data)
{
  if (index > 0)
    g_string_append_c (data, ',');
  append_row_json (data, es, stmt);
}

static gboolean
pull_locked (SpStorage          *self,
             const char * const *roles,
             gint64              since,
             guint               limit,
             PullEmitFunc        emit,
             gpointer            emit_data,
             guint              *n_emitted,
             gint64             *last_version,
             gboolean           *more,
             GError            **error)
{
  g_autoptr(GHashTable) readable = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) sources = g_array_new (FALSE, TRUE, sizeof (PullSource));
  const SpEntity * const *all;
  guint n_all = 0;
  gboolean ok = FALSE;

  *last_version = 0;
  *more = FALSE;

  all = sp_entity_all (&n_all);
  for (guint i = 0; i < n_all; i++)
    if (all[i]->scope_from_field == NULL && sp_entity_can_read (all[i], roles))
      g_hash_table_add (readable, (gpointer) all[i]->name);

  for (guint i = 0; i < n_all; i++)
    {
      PullSource src = { 0 };

      if (all[i]->scope_from_field == NULL && !g_hash_table_contains (readable, all[i]->name))
        continue;

      src.es = g_hash_table_lookup (self->sql, all[i]->name);
      if (src.es == NULL)
        continue;   /* no table (see sp_storage_open_sqlite) */
      if (!(src.stmt = prepare (&self->r, src.es->sql_pull, error)))
        goto out;
      sqlite3_bind_int64 (src.stmt, 1, since);
      g_array_append_val (sources, src);
      if (!pull_source_next (self, &g_array_index (sources, PullSource, sources->len - 1),
                             readable, error))
        goto out;
    }

  /* Merge the per-table streams in version order. */
  while (TRUE)
    {
      PullSource *best = NULL;

      for (guint i = 0; i < sources->len; i++)
        {
          PullSource *src = &g_array_index (sources, PullSource, i);

          if (src->has_row && (best == NULL || src->version < best->version))
            best = src;
        }

      if (best == NULL)
        break;
      if (*n_emitted >= limit)
        {
          *more = TRUE;
          break;
        }

      emit (self, best->es, best->stmt, *n_emitted, emit_data);
      (*n_emitted)++;
      *last_version = best->version;
      if (!pull_source_next (self, best, readable, error))
        goto out;
    }

  ok = TRUE;

out:
  for (guint i = 0; i < sources->len; i++)
    sqlite3_reset (g_array_index (sources, PullSource, i).stmt);
  return ok;
}

static gboolean
pull_common (SpStorage          *self,
             const SpPrincipal  *principal,
             const char         *since,
             guint               limit,
             PullEmitFunc        emit,
             gpointer            emit_data,
             guint              *n_emitted,
             char              **cursor,
             gboolean           *more,
             GError            **error)
{
  static const char * const staff_only[] = { "staff", NULL };
  const char * const *roles;
  gint64 since_version;
  gint64 last_version = 0;
  gint64 committed = 0;
  gboolean more_rows = FALSE;
  gboolean ok;

  *n_emitted = 0;

  if (!parse_cursor (since, &since_version, error))
    return FALSE;

  if (limit == 0)
    limit = PULL_DEFAULT_LIMIT;
  limit = MIN (limit, PULL_MAX_LIMIT);
  roles = principal->roles ? (const char * const *) principal->roles : staff_only;

  g_mutex_lock (&self->r.mutex);

  /* A read transaction: one consistent snapshot across tables, and the
   * last version committed in that snapshot. */
  ok = sp_db_exec (self->r.db, "BEGIN", error);
  if (ok)
    {
      committed = query_int64 (&self->r, "SELECT coalesce(max(value), 0) FROM version_seq", error);
      ok = committed >= 0 &&
           pull_locked (self, roles, since_version, limit, emit, emit_data, n_emitted,
                        &last_version, &more_rows, error);
      if (ok)
        ok = sp_db_exec (self->r.db, "COMMIT", error);
      else
        sp_db_rollback (self->r.db);
    }

  if (ok)
    {
      /* With nothing more to see, the cursor moves to the server's current
       * version (skipping rows this caller may not read); otherwise it
       * points at the last row returned. */
      gint64 next = more_rows ? last_version : MAX (last_version, committed);

      if (cursor)
        *cursor = format_cursor (next);
      if (more)
        *more = more_rows;
    }

  g_mutex_unlock (&self->r.mutex);
  return ok;
}

char *
sp_storage_cache_dir (SpStorage   *storage,
                      const char  *purpose,
                      GError     **error)
{
  g_autofree char *db_path = NULL;
  g_autofree char *dir = NULL;
  const char *file;
  SpDb *db;

  g_return_val_if_fail (storage != NULL, NULL);
  g_return_val_if_fail (purpose != NULL && *purpose != '\0', NULL);

  db = _sp_storage_sqlite_lock (storage, FALSE);
  file = sqlite3_db_filename (sp_db_handle (db), "main");
  db_path = g_strdup (file);
  _sp_storage_sqlite_unlock (storage, FALSE);

  if (db_path != NULL && *db_path != '\0')
    dir = g_strconcat (db_path, ".", purpose, NULL);
  else
    /* An in-memory database: a per-user cache. */
    dir = g_build_filename (g_get_user_cache_dir (), "stadtpult", purpose, NULL);

  if (g_mkdir_with_parents (dir, 0750) != 0)
    {
      int saved = errno;

      g_set_error (error, SP_ERROR, SP_ERROR_STORAGE,
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  return g_steal_pointer (&dir);
}

gint64
sp_storage_changes_since (SpStorage   *self,
                          const char  *since,
                          GError     **error)
{
  gint64 since_version;
  gint64 committed;

  g_return_val_if_fail (self != NULL, -1);

  if (!parse_cursor (since, &since_version, error))
    return -1;

  g_mutex_lock (&self->r.mutex);
  committed = query_int64 (&self->r, "SELECT coalesce(max(value), 0) FROM version_seq", error);
  g_mutex_unlock (&self->r.mutex);

  if (committed < 0)
    return -1;
  return MAX (committed - since_version, 0);
}

gboolean
sp_storage_pull (SpStorage          *self,
                 const SpPrincipal  *principal,
                 const char         *since,
                 guint               limit,
                 GPtrArray          *changes,
                 char              **cursor,
                 gboolean           *more,
                 GError            **error)
{
  guint n_before;
  guint n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (principal != NULL, FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  n_before = changes->len;
  if (!pull_common (self, principal, since, limit, emit_change, changes, &n,
                    cursor, more, error))
    {
      g_ptr_array_set_size (changes, n_before);
      return FALSE;
    }
  return TRUE;
}

gboolean
sp_storage_pull_json (SpStorage          *self,
                      const SpPrincipal  *principal,
                      const char         *since,
                      guint               limit,
                      GString            *json,
                      guint              *n_changes,
                      char              **cursor,
                      gboolean           *more,
                      GError            **error)
{
  gsize len_before;
  guint n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (principal != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  len_before = json->len;
  g_string_append_c (json, '[');
  if (!pull_common (self, principal, since, limit, emit_json, json, &n,
                    cursor, more, error))
    {
      g_string_truncate (json, len_before);
      return FALSE;
    }
  g_string_append_c (json, ']');
  if (n_changes)
    *n_changes = n;
  return TRUE;
}

/* -- accounts ----------------------------------------------------------- */

static char **
roles_from_text (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  gboolean has_staff = FALSE;

  for (guint i = 0; parts[i]; i++)
    {
      char *role = g_strstrip (parts[i]);

      if (*role == '\0')
        continue;
      if (strcmp (role, "staff") == 0)
        has_staff = TRUE;
      g_strv_builder_add (builder, role);
    }
  if (!has_staff)
    g_strv_builder_add (builder, "staff");
  return g_strv_builder_end (builder);
}

gboolean
sp_storage_user_put (SpStorage          *self,
                     const char         *name,
                     const char         *password_hash,
                     const char * const *roles,
                     GError            **error)
{
  g_autofree char *roles_text = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  roles_text = roles ? g_strjoinv (",", (char **) roles) : g_strdup ("");

  g_mutex_lock (&self->w.mutex);
  if ((stmt = prepare (&self->w,
                       "INSERT INTO users (name, password_hash, roles) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (name) DO UPDATE SET "
                       "password_hash = excluded.password_hash, roles = excluded.roles",
                       error)))
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, password_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, roles_text, -1, SQLITE_STATIC);
      ok = step_done (&self->w, stmt, error);
    }
  g_mutex_unlock (&self->w.mutex);

  return ok;
}

gboolean
sp_storage_user_get (SpStorage   *self,
                     const char  *name,
                     char       **password_hash,
                     char      ***roles,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  g_mutex_lock (&self->a.mutex);
  if ((stmt = prepare (&self->a, "SELECT password_hash, roles FROM users WHERE name = ?1", error)))
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          found = TRUE;
          if (password_hash)
            *password_hash = column_dup (stmt, 0);
          if (roles)
            *roles = roles_from_text ((const char *) sqlite3_column_text (stmt, 1));
        }
      else if (rc != SQLITE_DONE)
        sp_db_set_error (self->a.db, error);
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->a.mutex);

  return found;
}

guint
sp_storage_user_count (SpStorage *self)
{
  gint64 n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->a.mutex);
  n = query_int64 (&self->a, "SELECT count(*) FROM users", NULL);
  g_mutex_unlock (&self->a.mutex);

  return n < 0 ? 0 : (guint) n;
}

gboolean
sp_storage_token_put (SpStorage   *self,
                      const char  *token_hash,
                      const char  *user,
                      gint64       expires_unix,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (user != NULL, FALSE);

  g_mutex_lock (&self->w.mutex);
  if ((stmt = prepare (&self->w,
                       "INSERT INTO tokens (token_hash, user, expires) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (token_hash) DO UPDATE SET "
                       "user = excluded.user, expires = excluded.expires", error)))
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, user, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, expires_unix);
      ok = step_done (&self->w, stmt, error);
    }
  g_mutex_unlock (&self->w.mutex);

  return ok;
}

SpPrincipal *
sp_storage_token_lookup (SpStorage  *self,
                         const char *token_hash,
                         gint64      now_unix)
{
  g_autoptr(GError) error = NULL;
  SpPrincipal *principal = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (token_hash == NULL)
    return NULL;

  g_mutex_lock (&self->a.mutex);
  if ((stmt = prepare (&self->a,
                       "SELECT u.name, u.roles FROM tokens t JOIN users u ON u.name = t.user "
                       "WHERE t.token_hash = ?1 AND t.expires > ?2", &error)))
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now_unix);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          principal = g_new0 (SpPrincipal, 1);
          principal->name = column_dup (stmt, 0);
          principal->roles = roles_from_text ((const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
    }
  else
    g_warning ("token lookup: %s", error->message);
  g_mutex_unlock (&self->a.mutex);

  return principal;
}

/* -- published content ---------------------------------------------------- */

JsonNode *
sp_storage_published (SpStorage   *self,
                      const char  *entity,
                      char       **etag,
                      GError     **error)
{
  g_autoptr(JsonArray) array = NULL;
  JsonNode *root = NULL;
  sqlite3_stmt *stmt;
  EntitySql *es;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->r.mutex);

  if (!(es = lookup_sql (self, entity, error)))
    goto out;
  if (es->sql_published == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   "%s has no published rows", entity);
      goto out;
    }

  if (!sp_db_exec (self->r.db, "BEGIN", error))
    goto out;

  if (etag)
    {
      if (!(stmt = prepare (&self->r, es->sql_etag, error)))
        goto rollback;
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sp_db_set_error (self->r.db, error);
          sqlite3_reset (stmt);
          goto rollback;
        }
      *etag = g_strdup_printf ("\"%s-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\"",
                               es->entity->name,
                               (gint64) sqlite3_column_int64 (stmt, 0),
                               (gint64) sqlite3_column_int64 (stmt, 1));
      sqlite3_reset (stmt);
    }

  if (!(stmt = prepare (&self->r, es->sql_published, error)))
    goto rollback;

  array = json_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "id", (const char *) sqlite3_column_text (stmt, COL_ID));
      for (guint i = 0; i < es->entity->n_fields; i++)
        {
          const SpField *field = &es->entity->fields[i];
          JsonNode *value;

          if (strcmp (field->name, "status") == 0)
            continue;
          value = column_field (&self->r, stmt, COL_FIRST_FIELD + i, field);
          if (field->type == SP_FIELD_STRV && JSON_NODE_HOLDS_NULL (value))
            {
              json_node_unref (value);
              value = json_node_new (JSON_NODE_ARRAY);
              json_node_take_array (value, json_array_new ());
            }
          json_object_set_member (object, field->name, value);
        }
      json_array_add_object_element (array, object);
    }
  if (rc != SQLITE_DONE)
    {
      sp_db_set_error (self->r.db, error);
      sqlite3_reset (stmt);
      goto rollback;
    }
  sqlite3_reset (stmt);

  if (!sp_db_exec (self->r.db, "COMMIT", error))
    goto rollback;

  root = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (root, array);
  ok = TRUE;
  goto out;

rollback:
  sp_db_rollback (self->r.db);
out:
  if (!ok && etag)
    g_clear_pointer (etag, g_free);
  g_mutex_unlock (&self->r.mutex);
  return root;
}

gint64
sp_storage_row_count (SpStorage  *self,
                      const char *entity)
{
  EntitySql *es;
  gint64 n = -1;

  g_return_val_if_fail (self != NULL, -1);

  g_mutex_lock (&self->r.mutex);
  if ((es = lookup_sql (self, entity, NULL)))
    n = query_int64 (&self->r, es->sql_count, NULL);
  g_mutex_unlock (&self->r.mutex);

  return n;
}
