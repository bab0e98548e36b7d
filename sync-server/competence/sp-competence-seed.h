/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-storage.h"

G_BEGIN_DECLS

#define SP_COMPETENCE_DEFAULT_RESOURCE "/de/stadtpult/server/content/competence/digcomp-de.json"
#define SP_TRAINING_DEFAULT_RESOURCE   "/de/stadtpult/server/content/training/default-de.json"

/* Seeds the default training catalogue and the default competence
 * catalogue (compiled in from data/) where they are missing: rows have
 * deterministic ids, so running this on every start never duplicates and
 * never touches rows that exist (also deleted or edited ones). */
gboolean  sp_competence_seed_defaults (SpStorage   *storage,
                                       GError     **error);

/* Imports a catalogue document (parsed JSON) as published server content;
 * *row_id (optional) gets the catalogue row id. An existing revision of the
 * same key is not overwritten (SP_ERROR_FROZEN if published, else the
 * draft is updated). */
gboolean  sp_competence_import        (SpStorage   *storage,
                                       JsonNode    *catalogue,
                                       char       **row_id,
                                       GError     **error);

/* --demo: anonymous submissions for 2025 and 2026 across Jena org units
 * (some groups below 5), once. *loaded says whether anything was added. */
gboolean  sp_competence_demo_load     (SpStorage   *storage,
                                       gboolean    *loaded,
                                       GError     **error);

/* `stadtpult-server import catalogue FILE [--db FILE]`,
 * `stadtpult-server import training FILE [--db FILE]`,
 * `stadtpult-server export catalogue ID [--version N] [--db FILE]`:
 * @argv starts at "import"/"export". Returns the exit status. */
int       sp_competence_cmd           (int          argc,
                                       char       **argv);

G_END_DECLS
