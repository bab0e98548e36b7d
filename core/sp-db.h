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
 * deleted INTEGER, change_id TEXT, then one column per registry field. */

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

/* Read one row (NULL without error when missing). */
SpDbRow      *sp_db_row_read           (SpDb            *db,
                                        const SpEntity  *entity,
                                        const char      *id,
                                        GError         **error);
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpDbRow, sp_db_row_free)

G_END_DECLS
