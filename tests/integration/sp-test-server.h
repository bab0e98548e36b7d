/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-local-store.h"
#include "sp-sync-client.h"

G_BEGIN_DECLS

/* Test support for the integration suite: a real stadtpult-server process
 * (binary from $STADTPULT_SERVER) on a temporary database, listening on a
 * port the kernel picks (--port 0), plus helpers to build clients, create
 * users through the command line, talk raw HTTP and compare databases. */

typedef struct {
  char        *dir;        /* temporary directory, removed by _free */
  char        *db_path;    /* server database */
  char        *base_url;   /* http://127.0.0.1:PORT, no trailing slash */
  guint        port;
  GSubprocess *proc;       /* NULL while stopped */
  guint        n_starts;
} SpTestServer;

/* Creates the temporary directory; the server is not started yet. */
SpTestServer *sp_test_server_new        (void);
/* Starts the binary on port 0 and waits for its "listening on" line.
 * Aborts the test if it does not come within 15 s. */
void          sp_test_server_start      (SpTestServer *self,
                                         gboolean      demo);
/* Sends @signum and waits for the process to exit. */
void          sp_test_server_kill       (SpTestServer *self,
                                         int           signum);
GPid          sp_test_server_get_pid    (SpTestServer *self);
void          sp_test_server_free       (SpTestServer *self);
/* `stadtpult-server user add NAME --role ROLES --password-file F --db DB` */
void          sp_test_server_add_user   (SpTestServer *self,
                                         const char   *name,
                                         const char   *roles,
                                         const char   *password);

/* A path inside the server's temporary directory (for client dbs). */
char         *sp_test_server_path       (SpTestServer *self,
                                         const char   *name);

/* A sync client on @db_name (inside the temp dir), logged in as @user
 * (password == user name). Asserts the login worked. */
SpSyncClient *sp_test_client_new        (SpTestServer *self,
                                         const char   *db_name,
                                         const char   *user);

/* Raw HTTP: returns the status; *body (optional) the response text.
 * @token may be NULL (no Authorization header). */
guint         sp_test_http              (const char   *base_url,
                                         const char   *method,
                                         const char   *path,
                                         const char   *token,
                                         const char   *json_body,
                                         char        **body);
/* POST /api/v1/login; returns the token (asserts 200). */
char         *sp_test_login_token       (const char   *base_url,
                                         const char   *user,
                                         const char   *password);

/* A service field set for tests: name plus deterministic other fields. */
JsonObject   *sp_test_service_fields    (const char   *name,
                                         guint         n);

/* Canonical text of every row of @entity in the client database at
 * @db_path, sorted by id: "id|deleted|hlc|{fields json}\n" per row. The
 * version column is left out unless @with_version. */
char         *sp_test_dump_entity       (const char   *db_path,
                                         const char   *entity,
                                         gboolean      with_version);
guint         sp_test_count_rows        (const char   *db_path,
                                         const char   *entity,
                                         gboolean      include_deleted);

/* Rows of every registered entity (tombstones included) in a client db. */
guint         sp_test_count_all_rows    (const char   *db_path);

/* The number in the first column of the first row of @sql on the server
 * database of @self, opened read-only (the client helpers would migrate
 * it). */
gint64        sp_test_server_count      (SpTestServer *self,
                                         const char   *sql);
/* The same for any database file (e.g. a downloaded snapshot), read-only. */
gint64        sp_test_file_count        (const char   *db_path,
                                         const char   *sql);

/* Field of a row in a client db as JSON text ("null" when missing). */
char         *sp_test_get_field_json    (const char   *db_path,
                                         const char   *entity,
                                         const char   *id,
                                         const char   *field);

/* First column of every result row of @sql (no parameters) on the client
 * database at @db_path, as strings (NULL columns become ""). */
GPtrArray    *sp_test_query_strings     (const char   *db_path,
                                         const char   *sql);

/* Creates @n services named "<prefix>-00000".. in @store; returns ids. */
GPtrArray    *sp_test_create_services   (SpLocalStore *store,
                                         const char   *prefix,
                                         guint         n);

/* Runs a sync and asserts it worked; returns the stats. */
SpSyncStats   sp_test_sync_ok           (SpSyncClient *client);

/* A fresh client on a new database that pulls everything as @user and
 * returns the path of its database. */
char         *sp_test_fresh_pull        (SpTestServer *self,
                                         const char   *base_url,
                                         const char   *user);

G_END_DECLS
