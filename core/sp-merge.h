/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-change.h"

G_BEGIN_DECLS

/* Merge rules for SP_CONFLICT_FIELD_LWW (pure functions, no storage).
 *
 * The row's "deleted" flag is merged like a field named "deleted": an upsert
 * sets it to false, a delete to true.
 *
 * For every field of the incoming change:
 *  - the row does not exist, or the field's last server change has a version
 *    <= base_version: the incoming value is applied;
 *  - otherwise the field was changed concurrently:
 *     - equal values: nothing to record;
 *     - the server's value came from the same node (same HLC node id): the
 *       client's own earlier edit, the newer HLC wins, nothing recorded;
 *     - else the greater HLC wins and the loser is kept as an SpConflictValue.
 *
 * An upsert only touches "deleted" of an existing row when the row is
 * deleted (a resurrection). A delete of a row whose fields another node
 * changed after base_version is a delete-vs-edit conflict on "deleted": the
 * newest such edit stands for deleted=false; the greater HLC wins and the
 * loser is recorded (field "deleted").
 */

#define SP_FIELD_DELETED "deleted"

typedef struct {
  gboolean    exists;
  gint64      version;
  JsonObject *fields;         /* current values, incl. "deleted" (bool) */
  GHashTable *field_hlc;      /* field name -> hlc of its last change */
  GHashTable *field_version;  /* field name -> GINT64 version (gint64 *) */
} SpRowState;

typedef struct {
  char     *field;
  JsonNode *lost_value;
  char     *lost_hlc;
  JsonNode *kept_value;
  char     *kept_hlc;
} SpConflictValue;

typedef struct {
  JsonObject *apply;          /* fields (incl. "deleted") to write, with ... */
  GHashTable *apply_hlc;      /* ... field name -> hlc to store for it */
  GPtrArray  *conflicts;      /* SpConflictValue */
} SpMergeResult;

SpRowState    *sp_row_state_new        (void);
void           sp_row_state_free       (SpRowState *state);
/* Record that @field has @value, last changed at @hlc in @version. */
void           sp_row_state_set_field  (SpRowState *state,
                                        const char *field,
                                        JsonNode   *value,
                                        const char *hlc,
                                        gint64      version);

SpMergeResult *sp_merge_change         (const SpEntity   *entity,
                                        const SpRowState *row,
                                        const SpChange   *change);
void           sp_merge_result_free    (SpMergeResult *result);
void           sp_conflict_value_free  (SpConflictValue *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpRowState, sp_row_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpMergeResult, sp_merge_result_free)

G_END_DECLS
