/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-change.h"
#include "sp-db.h"
#include "sp-hlc.h"

G_BEGIN_DECLS

/* The desktop client's local database (one per profile): entity rows, the
 * outbox of local changes not yet answered by the server, the pull cursor
 * and the client's HLC node id. Everything works offline.
 *
 * A local edit writes the row and its outbox entry in one transaction. A
 * change leaves the outbox only when the server answered
 * applied/duplicate/conflict (sp_local_store_outbox_ack). Re-sending after a
 * crash is safe: the server deduplicates by change_id. */

#define SP_TYPE_LOCAL_STORE (sp_local_store_get_type ())
G_DECLARE_FINAL_TYPE (SpLocalStore, sp_local_store, SP, LOCAL_STORE, GObject)

SpLocalStore *sp_local_store_open            (const char    *path,
                                              GError       **error);
const char   *sp_local_store_get_path        (SpLocalStore  *self);
SpDb         *sp_local_store_get_db          (SpLocalStore  *self);
const char   *sp_local_store_get_node_id     (SpLocalStore  *self);
SpHlc        *sp_local_store_get_clock       (SpLocalStore  *self);

/* Local edits. @id NULL creates a row with a new UUID. @fields may be
 * partial; unknown fields or wrong types fail with SP_ERROR and change
 * nothing. Emits ::changed. Returns the row id. */
char         *sp_local_store_save            (SpLocalStore  *self,
                                              const char    *entity,
                                              const char    *id,
                                              JsonObject    *fields,
                                              GError       **error);
gboolean      sp_local_store_delete          (SpLocalStore  *self,
                                              const char    *entity,
                                              const char    *id,
                                              GError       **error);
/* Many local edits in one transaction (imports, bulk edits): between
 * begin_batch and end_batch, save and delete join the batch's transaction
 * (each edit still all-or-nothing: a failed one leaves the batch as it
 * was), the search index is updated once and ::changed is emitted once per
 * entity at end_batch, which commits. cancel_batch rolls the whole batch
 * back. Other operations (sync, outbox) must not run during a batch. */
gboolean      sp_local_store_begin_batch     (SpLocalStore  *self,
                                              GError       **error);
gboolean      sp_local_store_end_batch       (SpLocalStore  *self,
                                              GError       **error);
void          sp_local_store_cancel_batch    (SpLocalStore  *self);

/* Current local state (NULL without error when missing). */
SpDbRow      *sp_local_store_get             (SpLocalStore  *self,
                                              const char    *entity,
                                              const char    *id,
                                              GError       **error);

/* TRUE while the row has outbox entries (local changes not yet accepted). */
gboolean      sp_local_store_is_pending      (SpLocalStore  *self,
                                              const char    *entity,
                                              const char    *id);

/* Outbox, oldest first. Entries sent once are marked so that later local
 * edits of the same row do not merge into a change that may have landed. */
guint         sp_local_store_outbox_count    (SpLocalStore  *self);
GPtrArray    *sp_local_store_outbox_peek     (SpLocalStore  *self,
                                              guint          limit,
                                              GError       **error); /* SpChange */
gboolean      sp_local_store_outbox_mark_sent(SpLocalStore  *self,
                                              GPtrArray     *changes,
                                              GError       **error);
/* The push fast path: appends the oldest @limit (0: all) outbox entries to
 * @json as the JSON change objects of a push body, comma separated (the
 * text sp_change_append_json() writes; the stored fields go out as they
 * are, without decoding), adds their change ids (copies) to @change_ids
 * (optional, a set with g_free keys), and marks them sent, all in one
 * transaction. Returns how many; 0 with @error set on failure (then @json
 * is as before). Starts over with the oldest entry: what earlier takes
 * handed out is sent again (its answers may have been lost). */
guint         sp_local_store_outbox_take     (SpLocalStore  *self,
                                              guint          limit,
                                              GString       *json,
                                              GHashTable    *change_ids,
                                              GError       **error);
/* The next batch while earlier ones are still in flight (pipelined push):
 * like sp_local_store_outbox_take(), but goes on after the entries handed
 * out since then, and ends before the first entry of a row that has an
 * entry in flight (handed out, not answered by sp_local_store_outbox_ack()),
 * so that no row has changes in two requests at once and the server
 * applies each row's changes in order. 0 without @error: nothing to send
 * now (the outbox is done, or its next entry waits for an answer). */
guint         sp_local_store_outbox_take_more(SpLocalStore  *self,
                                              guint          limit,
                                              GString       *json,
                                              GHashTable    *change_ids,
                                              GError       **error);
/* Removes the answered changes and records the versions the server gave
 * (rows without newer local edits take that version), one transaction. */
gboolean      sp_local_store_outbox_ack      (SpLocalStore  *self,
                                              GPtrArray     *results, /* SpChangeResult */
                                              GError       **error);

/* Apply a page of pulled changes and store @cursor, one transaction. Rows
 * with pending outbox changes keep their pending field values. Observes
 * each change's HLC. */
gboolean      sp_local_store_apply_pulled    (SpLocalStore  *self,
                                              GPtrArray     *changes, /* SpChange */
                                              const char    *cursor,
                                              GError       **error);
char         *sp_local_store_get_cursor      (SpLocalStore  *self);

/* TRUE for a profile that has never synced and holds no rows: no cursor,
 * an empty outbox and no rows in any synced table. */
gboolean      sp_local_store_is_empty        (SpLocalStore  *self);
/* A first sync from the server's snapshot (GET /api/v1/sync/snapshot),
 * saved as the file @snapshot_path: a whole database in this client's
 * schema with the rows the caller may read, and in its meta the cursor
 * they are current to. Copies its rows into this profile, which must be
 * empty (else SP_ERROR_INVALID), and takes over its cursor and clock, in
 * one transaction (sp_db_load_image(): another schema is SP_ERROR_SCHEMA,
 * a file that is no database SP_ERROR_STORAGE; nothing changes then). The
 * caller then pulls from that cursor as usual. Rows are left marked for
 * the search index, as after a paged first sync. Emits ::changed.
 * *n_rows (optional) gets the rows loaded. */
gboolean      sp_local_store_load_snapshot   (SpLocalStore  *self,
                                              const char    *snapshot_path,
                                              guint         *n_rows,
                                              GError       **error);
/* While deferred, sp_local_store_apply_pulled() leaves the rows it wrote
 * marked for the search index (fts_pending, committed with the rows)
 * instead of indexing them page by page; the caller indexes them once with
 * sp_db_update_search_index() afterwards (a multi-page pull). Readers of
 * the index call that first anyway, so nothing is ever missing from a
 * search, even after a crash in between. */
void          sp_local_store_set_search_deferred (SpLocalStore *self,
                                                  gboolean      deferred);

/* Tell views that rows changed (after a sync in another connection).
 * @entity NULL means "anything". */
void          sp_local_store_emit_changed    (SpLocalStore  *self,
                                              const char    *entity);

G_END_DECLS
