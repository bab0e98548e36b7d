/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-db.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* Competence catalogues: the JSON catalogue format (file, import/export,
 * full API answer; see sp-competence-score.h for its shape) <-> the synced
 * registry entities competence_catalogue, competence_area, competence,
 * competence_question, competence_option, competence_recommendation.
 *
 * Row ids are deterministic, derived from the catalogue key, its revision
 * ("version" in JSON) and positions, so that importing the same file twice
 * (or seeding the default catalogue on every server start) never
 * duplicates anything:
 *   catalogue       KEY.REV                       "digcomp.1"
 *   area            KEY.REV.a.AREA                "digcomp.1.a.1"
 *   competence      KEY.REV.c.CODE                "digcomp.1.c.1.1"
 *   question        KEY.REV.q.CODE.N              "digcomp.1.q.1.1.1"  (N from 1)
 *   option          QUESTION_ID.o.N               "digcomp.1.q.1.1.1.o.2"
 *   recommendation  KEY.REV.r.CODE.N              "digcomp.1.r.1.1.1"
 * Exports name questions and options by their row ids ("id").
 *
 * A published catalogue is frozen: the server refuses pushes that change
 * it or any of its parts (error "frozen"). Editing means a new revision:
 * sp_competence_catalogue_new_revision(). */

/* Entity names (registry, core/sp-entity.c). */
#define SP_ENTITY_COMPETENCE_CATALOGUE      "competence_catalogue"
#define SP_ENTITY_COMPETENCE_AREA           "competence_area"
#define SP_ENTITY_COMPETENCE                "competence"
#define SP_ENTITY_COMPETENCE_QUESTION       "competence_question"
#define SP_ENTITY_COMPETENCE_OPTION         "competence_option"
#define SP_ENTITY_COMPETENCE_RECOMMENDATION "competence_recommendation"

#define SP_COMPETENCE_DEFAULT_CATALOGUE     "digcomp"
#define SP_COMPETENCE_KEY_MAX_LEN           24    /* [a-z0-9_-] */
#define SP_COMPETENCE_CODE_MAX_LEN          16    /* [A-Za-z0-9.] */

/* "KEY.REV" */
char       *sp_competence_catalogue_row_id      (const char *key,
                                                 gint64      revision);

/* Checks a catalogue JSON document; errors are SP_ERROR_INVALID with a
 * message naming the place, e.g. "areas[0].competences[2]: duplicate
 * competence code “1.3”". Checked: key and version, exactly 5 level labels,
 * status, unique area and competence codes, every question has a valid kind
 * and at least one option (two for choice questions), option points 0..4,
 * recommendation levels 1..5 with min <= max and a training id. */
gboolean    sp_competence_catalogue_validate    (JsonNode   *catalogue,
                                                 GError    **error);

/* Validates and converts a catalogue into SpChange upserts (no change_id
 * and no hlc set: sp_storage_push_as_server() fills them in): areas,
 * competences, questions, options, recommendations, and the catalogue row
 * LAST (a published catalogue freezes its parts, so they go first).
 * @status_override (NULL = keep the document's "status", default
 * "published") sets the catalogue's status. */
GPtrArray  *sp_competence_catalogue_to_changes  (JsonNode    *catalogue,
                                                 const char  *status_override,
                                                 GError     **error);  /* SpChange */

/* Builds the catalogue JSON of the stored (not deleted) catalogue row
 * @catalogue_row_id from a database with the registry tables (client or
 * server schema). NULL and SP_ERROR_NOT_FOUND if there is no such row.
 * Parts are ordered by their "position" (then code / id). */
JsonNode   *sp_competence_catalogue_export_db   (SpDb        *db,
                                                 const char  *catalogue_row_id,
                                                 GError     **error);

/* The same for the desktop's local store. */
JsonNode   *sp_competence_catalogue_export_local (SpLocalStore *store,
                                                  const char   *catalogue_row_id,
                                                  GError      **error);

/* Writes a catalogue document into the local store as local edits (they
 * sync like any edit), all in one batch (sp_local_store_begin_batch; do
 * not call it inside another batch); returns the catalogue row id. Rows of
 * the same ids are overwritten; rows the document no longer has are kept. */
char       *sp_competence_catalogue_save_local  (SpLocalStore *store,
                                                 JsonNode     *catalogue,
                                                 GError      **error);

/* "New version": copies the stored catalogue @catalogue_row_id into the
 * next free revision of its key as a draft (local edits); returns the new
 * catalogue row id. */
char       *sp_competence_catalogue_new_revision (SpLocalStore *store,
                                                  const char   *catalogue_row_id,
                                                  GError      **error);

/* The "id" of the newest published revision of every catalogue key in @db
 * as row ids (e.g. "digcomp.1"), ordered by title. */
GStrv       sp_competence_catalogue_list_published (SpDb     *db,
                                                    GError  **error);

G_END_DECLS
