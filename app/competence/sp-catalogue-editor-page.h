/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The competence catalogue editor ("Competence Catalogues", for the roles
 * hr and trainer):
 *
 *   GtkWidget *sp_catalogue_editor_page_new (SpLocalStore *store);
 *
 * A tree of the building blocks of one catalogue version (areas ->
 * competences -> questions -> answer options, and recommendations per
 * competence) with a form for the selected block: add, remove, reorder,
 * edit texts, question kind, points, the correct flag, recommendation level
 * ranges and training items; errors show inline. "Save" writes the draft as
 * local edits (they sync like any edit), "Publish…" freezes the version,
 * "New Version" copies a catalogue into revision N+1 as a draft,
 * "Import…"/"Export…" read and write the catalogue JSON file format.
 * Published versions are read-only. Ctrl+S saves. */

#define SP_TYPE_CATALOGUE_EDITOR_PAGE (sp_catalogue_editor_page_get_type ())
G_DECLARE_FINAL_TYPE (SpCatalogueEditorPage, sp_catalogue_editor_page, SP, CATALOGUE_EDITOR_PAGE, AdwBin)

GtkWidget *sp_catalogue_editor_page_new (SpLocalStore *store);

G_END_DECLS
