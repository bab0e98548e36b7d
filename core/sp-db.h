/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "sp-entity.h"

G_BEGIN_DECLS

/* SQLite access shared by the desktop client and the server's SQLite
 * backend: open with WAL, foreign keys and busy_timeout; numbered migrations
 * (core/sp-migrations.c) applied at open; a prepared-statement cache; and
 * the generic row codec over the entity registry.
 *
 * Every entity table has: id TEXT PRIMARY KEY, version INTEGER, hlc TEXT,
 * deleted INTEGER, change_id TEXT, then one column per registry field
 * (TEXT/ENUM: TEXT, INT: INTEGER, BOOL: INTEGER 0/1, STRV: TEXT holding a
 * JSON array).
 *
 * Client schema (core/sp-migrations.c): entity tables, service_fts (FTS5
 * over name, description, leika, office; rowid = service.rowid; rows are
 * marked in fts_pending by triggers, see sp_db_update_search_index()),
 *   outbox (seq, change_id UNIQUE, entity, row_id, base_version, hlc, op,
 *           fields JSON text, sent 0/1: set only by older versions and
 *           sp_local_store_outbox_mark_sent; pushes keep the newest seq
 *           handed out in meta "outbox_sent"), meta (key, value).
 * Server schema: entity tables (+ index on version), and
 *   field_clock (entity, row_id, field, hlc, version)
 *       PRIMARY KEY (entity, row_id, field); field "deleted" included
 *   applied_change (change_id PRIMARY KEY, version, status)
 *   users (name PRIMARY KEY, password_hash, roles)  roles comma separated
 *   tokens (token_hash PRIMARY KEY, user REFERENCES users, expires unix s)
 *   version_seq (id = 1, value)  the global version sequence, one row
 *                                (UPDATE version_seq SET value = value + 1
 *                                 RETURNING value)
 *   meta (key PRIMARY KEY, value)
 *
 * An SpDb is used by one thread at a time. Statements from sp_db_prepare()
 * must be sqlite3_reset() after use, or they keep a read transaction open. */

typedef enum {
  SP_SCHEMA_CLIENT,
  SP_SCHEMA_SERVER,
} SpSchemaKind;

typedef struct _SpDb SpDb;

/* Opens (creating if needed) and migrates to the latest version. A database
 * with a newer schema than this program knows fails with SP_ERROR_SCHEMA. */
SpDb         *sp_db_open               (const char   *path,
                                        SpSchemaKind  kind,
                                        GError      **error);
/* Tests: open and migrate only up to @version (0 = no migrations). */
SpDb         *sp_db_open_at_version    (const char   *path,
                                        SpSchemaKind  kind,
                                        int           version,
                                        GError      **error);
/* A read-only connection to the database file @path for a worker thread
 * (WAL: it reads the last committed state while the owner writes). No
 * migrations, no statement cache; close it with sqlite3_close(). */
sqlite3      *sp_db_open_reader        (const char   *path,
                                        GError      **error);
void          sp_db_close              (SpDb *db);
sqlite3      *sp_db_handle             (SpDb *db);
SpSchemaKind  sp_db_kind               (SpDb *db);
int           sp_db_schema_version     (SpDb *db);
int           sp_db_latest_version     (SpSchemaKind kind);

gboolean      sp_db_exec               (SpDb        *db,
                                        const char  *sql,
                                        GError     **error);
/* Cached prepared statement, reset and unbound, owned by @db. */
sqlite3_stmt *sp_db_prepare            (SpDb        *db,
                                        const char  *sql,
                                        GError     **error);
gboolean      sp_db_begin              (SpDb *db, GError **error);   /* BEGIN IMMEDIATE */
gboolean      sp_db_commit             (SpDb *db, GError **error);
void          sp_db_rollback           (SpDb *db);
/* Sets SP_ERROR_STORAGE from sqlite3_errmsg; returns FALSE. */
gboolean      sp_db_set_error          (SpDb *db, GError **error);

/* TRUE if a table (or virtual table) named @name exists. */
gboolean      sp_db_table_exists       (SpDb *db, const char *name);

/* Client schema: rows written to entity tables are marked for the search
 * index and indexed in bulk by this call (inside the caller's transaction,
 * or in its own). SpLocalStore calls it before each commit; readers of
 * "<entity>_fts" call it first if rows may have been written elsewhere. */
gboolean      sp_db_update_search_index (SpDb *db, GError **error);
gboolean      sp_db_search_index_pending (SpDb *db);

/* Loading a whole database file into empty tables (sp-db-image.c). */
typedef gboolean (*SpDbImageFunc) (SpDb        *db,
                                   const char  *schema,
                                   gpointer     user_data,
                                   GError     **error);
/* Copies every row of @tables from the SQLite database file @image_path
 * (e.g. the server's snapshot for a first sync) into the same tables of
 * @db, in one transaction. The file must have exactly @db's schema (every
 * table, index and trigger with the same SQL, the same version), else
 * SP_ERROR_SCHEMA; a table of @tables that is not empty in @db is
 * SP_ERROR_INVALID; a file SQLite cannot read SP_ERROR_STORAGE. Tables
 * @db does not have are skipped. @func (may be NULL) runs in the
 * transaction after the copy, with the file attached as @schema (e.g. to
 * read its meta); when it fails nothing is kept. SQLite copies the
 * records as they are (its transfer optimisation: the triggers of @tables
 * are dropped for the copy and made again), far cheaper than writing the
 * rows one by one. *n_rows (optional) gets the rows copied. The file is
 * only read. */
gboolean      sp_db_load_image         (SpDb               *db,
                                        const char         *image_path,
                                        const char * const *tables,
                                        SpDbImageFunc       func,
                                        gpointer            user_data,
                                        gint64             *n_rows,
                                        GError            **error);

/* Key/value table "meta" (both schemas). */
char         *sp_db_meta_get           (SpDb *db, const char *key);
gboolean      sp_db_meta_set           (SpDb *db, const char *key,
                                        const char *value, GError **error);

/* Field codec: bind a JSON value (or NULL/JSON null) of @field at @idx;
 * read column @col as JSON (NULL column -> JSON null node). */
void          sp_db_bind_field         (sqlite3_stmt  *stmt,
                                        int            idx,
                                        const SpField *field,
                                        JsonNode      *value);
/* The same for a decoded value (SpChange.values; ABSENT binds NULL), its
 * text bound without a copy: it must live until the statement's next
 * step returns. */
void          sp_db_bind_value         (sqlite3_stmt        *stmt,
                                        int                  idx,
                                        const SpFieldValue  *value);
JsonNode     *sp_db_column_field       (sqlite3_stmt  *stmt,
                                        int            col,
                                        const SpField *field);

typedef struct {
  char       *id;
  gint64      version;
  char       *hlc;
  gboolean    deleted;
  char       *change_id;
  JsonObject *fields;       /* all registry fields */
} SpDbRow;

void          sp_db_row_free           (SpDbRow *row);

/* "SELECT id, version, hlc, deleted, change_id, <fields in registry order>
 * FROM <entity> <where>" (where may be NULL), and the row decoded from such
 * a statement's current result. */
char         *sp_db_select_sql         (const SpEntity *entity,
                                        const char     *where);
SpDbRow      *sp_db_row_from_stmt      (const SpEntity *entity,
                                        sqlite3_stmt   *stmt);

/* Read one row (NULL without error when missing). */
SpDbRow      *sp_db_row_read           (SpDb            *db,
                                        const SpEntity  *entity,
                                        const char      *id,
                                        GError         **error);
/* Bulk writes (a pulled page of thousands of rows): SQL triggers off for
 * this connection, and sp_db_row_write() marks each written row of an
 * entity with a search index in fts_pending itself, in the same
 * transaction, which is all the client schema's triggers do, at a fraction
 * of their cost per row. Only rows written through sp_db_row_write() are
 * marked: use it around such writes only, and switch it off again (TRUE
 * turns it on only when every trigger of the schema is such a marker;
 * returns whether bulk writes are on now). */
gboolean      sp_db_set_bulk_writes    (SpDb     *db,
                                        gboolean  bulk);
/* Ends bulk writes before the transaction commits: marks the rows they
 * inserted (those not marked one by one) and turns triggers on again.
 * FALSE with @error when marking failed (roll back then). */
gboolean      sp_db_end_bulk_writes    (SpDb     *db,
                                        GError  **error);
/* Insert or update one row; only the members present in @fields are
 * written on update (a partial update), all on insert. */
gboolean      sp_db_row_write          (SpDb            *db,
                                        const SpEntity  *entity,
                                        const char      *id,
                                        gint64           version,
                                        const char      *hlc,
                                        gboolean         deleted,
                                        const char      *change_id,
                                        JsonObject      *fields,
                                        GError         **error);

/* The same with the fields as values in registry order (a pulled change's
 * SpChange.values): SP_VALUE_ABSENT fields are not written, text is bound
 * without a copy. */
gboolean      sp_db_row_write_values   (SpDb                *db,
                                        const SpEntity      *entity,
                                        const char          *id,
                                        gint64               version,
                                        const char          *hlc,
                                        gboolean             deleted,
                                        const char          *change_id,
                                        const SpFieldValue  *values,
                                        GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpDbRow, sp_db_row_free)

G_END_DECLS
