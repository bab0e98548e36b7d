/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-migrations"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-migrations-private.h"

/* ------------------------------------------------------------------------
 * Client schema (desktop profile database)
 * ------------------------------------------------------------------------ */

static const char client_v1[] =
  "CREATE TABLE service ("
  "  id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  hlc TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  change_id TEXT,"
  "  name TEXT,"
  "  leika TEXT,"
  "  description TEXT,"
  "  documents TEXT,"
  "  fees TEXT,"
  "  office TEXT,"
  "  opening_hours TEXT,"
  "  online_url TEXT,"
  "  status TEXT"
  ");"
  "CREATE INDEX service_name ON service (name COLLATE NOCASE) WHERE deleted = 0;"
  "CREATE TABLE conflict ("
  "  id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  hlc TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  change_id TEXT,"
  "  entity TEXT,"
  "  row_id TEXT,"
  "  field TEXT,"
  "  lost_value TEXT,"
  "  lost_hlc TEXT,"
  "  kept_value TEXT,"
  "  kept_hlc TEXT,"
  "  resolved INTEGER"
  ");"
  "CREATE INDEX conflict_row ON conflict (entity, row_id);"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id TEXT UNIQUE NOT NULL,"
  "  entity TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  hlc TEXT NOT NULL,"
  "  op TEXT NOT NULL,"
  "  fields TEXT NOT NULL DEFAULT '{}',"
  "  sent INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX outbox_row ON outbox (entity, row_id);"
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ");";

/* Full-text search over services. The FTS5 table keeps its own copy of the
 * indexed text (rowid = service.rowid). Writes to "service" only mark the
 * row in fts_pending (cheap, no FTS work per row); sp_db_update_search_index()
 * re-indexes the marked rows in two statements per transaction. Indexing
 * row by row from triggers would flush an FTS5 segment for every statement.
 * (No INSERT OR IGNORE in the triggers: an outer UPSERT overrides it.) */
static const char client_v2[] =
  "CREATE VIRTUAL TABLE service_fts USING fts5 ("
  "  name, description, leika, office,"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE TABLE fts_pending ("
  "  entity TEXT NOT NULL,"
  "  row INTEGER NOT NULL,"
  "  PRIMARY KEY (entity, row)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER service_fts_ai AFTER INSERT ON service BEGIN"
  "  INSERT INTO fts_pending (entity, row) SELECT 'service', new.rowid"
  "  WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE entity = 'service' AND row = new.rowid);"
  "END;"
  "CREATE TRIGGER service_fts_au AFTER UPDATE OF name, description, leika, office ON service BEGIN"
  "  INSERT INTO fts_pending (entity, row) SELECT 'service', new.rowid"
  "  WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE entity = 'service' AND row = new.rowid);"
  "END;"
  "CREATE TRIGGER service_fts_ad AFTER DELETE ON service BEGIN"
  "  INSERT INTO fts_pending (entity, row) SELECT 'service', old.rowid"
  "  WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE entity = 'service' AND row = old.rowid);"
  "END;"
  "INSERT INTO service_fts (rowid, name, description, leika, office)"
  "  SELECT rowid, name, description, leika, office FROM service;";

static const SpMigration client_migrations[] = {
  { 1, client_v1 },
  { 2, client_v2 },
};

/* ------------------------------------------------------------------------
 * Server schema
 *
 * Entity tables as on the client (version = server sequence of the row's
 * last accepted change), plus:
 *   field_clock (entity, row_id, field, hlc, version)  last change per field
 *                                                      (incl. "deleted")
 *   applied_change (change_id, version, status)        idempotent push
 *   users (name, password_hash, roles)                 roles comma separated
 *   tokens (token_hash, user, expires)                 SHA-256 hex, unix time
 *   version_seq (id = 1, value)                        global version sequence
 *   meta (key, value)
 * ------------------------------------------------------------------------ */

static const char server_v1[] =
  "CREATE TABLE service ("
  "  id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  hlc TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  change_id TEXT,"
  "  name TEXT,"
  "  leika TEXT,"
  "  description TEXT,"
  "  documents TEXT,"
  "  fees TEXT,"
  "  office TEXT,"
  "  opening_hours TEXT,"
  "  online_url TEXT,"
  "  status TEXT"
  ");"
  "CREATE INDEX service_version ON service (version);"
  "CREATE TABLE conflict ("
  "  id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  hlc TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  change_id TEXT,"
  "  entity TEXT,"
  "  row_id TEXT,"
  "  field TEXT,"
  "  lost_value TEXT,"
  "  lost_hlc TEXT,"
  "  kept_value TEXT,"
  "  kept_hlc TEXT,"
  "  resolved INTEGER"
  ");"
  "CREATE INDEX conflict_version ON conflict (version);"
  "CREATE TABLE field_clock ("
  "  entity TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  field TEXT NOT NULL,"
  "  hlc TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  PRIMARY KEY (entity, row_id, field)"
  ") WITHOUT ROWID;"
  "CREATE TABLE applied_change ("
  "  change_id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL,"
  "  status TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE users ("
  "  name TEXT PRIMARY KEY,"
  "  password_hash TEXT NOT NULL,"
  "  roles TEXT NOT NULL"
  ");"
  "CREATE TABLE tokens ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
  "  expires INTEGER NOT NULL"
  ");"
  "CREATE INDEX tokens_expires ON tokens (expires);"
  "CREATE TABLE version_seq ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  value INTEGER NOT NULL"
  ");"
  "INSERT INTO version_seq (id, value) VALUES (1, 0);"
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ");";

static const SpMigration server_migrations[] = {
  { 1, server_v1 },
};

const SpMigration *
_sp_migrations_get (SpSchemaKind  kind,
                    guint        *n_migrations)
{
  if (kind == SP_SCHEMA_SERVER)
    {
      *n_migrations = G_N_ELEMENTS (server_migrations);
      return server_migrations;
    }

  *n_migrations = G_N_ELEMENTS (client_migrations);
  return client_migrations;
}
