/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One building block of a competence catalogue document being edited (the
 * catalogue JSON format of core/competence/sp-competence-score.h): the
 * catalogue, an area, a competence, a question, an answer option or a
 * recommendation. A node wraps its JSON object (shared with the document,
 * so edits change the document) and lists its children for a
 * GtkTreeListModel; structural edits change the JSON arrays and the
 * children list together. */

typedef enum {
  SP_CATALOGUE_NODE_CATALOGUE,
  SP_CATALOGUE_NODE_AREA,
  SP_CATALOGUE_NODE_COMPETENCE,
  SP_CATALOGUE_NODE_QUESTION,
  SP_CATALOGUE_NODE_OPTION,
  SP_CATALOGUE_NODE_RECOMMENDATION,
} SpCatalogueNodeKind;

#define SP_TYPE_CATALOGUE_NODE (sp_catalogue_node_get_type ())
G_DECLARE_FINAL_TYPE (SpCatalogueNode, sp_catalogue_node, SP, CATALOGUE_NODE, GObject)

/* The root node of a catalogue document. @training_titles (training id ->
 * title, may be NULL) names the training items of recommendations. */
SpCatalogueNode     *sp_catalogue_node_new_root     (JsonObject       *catalogue,
                                                     GHashTable       *training_titles);
SpCatalogueNodeKind  sp_catalogue_node_get_kind     (SpCatalogueNode  *self);
JsonObject          *sp_catalogue_node_get_object   (SpCatalogueNode  *self);
SpCatalogueNode     *sp_catalogue_node_get_parent   (SpCatalogueNode  *self);
SpCatalogueNode     *sp_catalogue_node_get_root     (SpCatalogueNode  *self);
const char          *sp_catalogue_node_get_label    (SpCatalogueNode  *self);
/* Children (SpCatalogueNode), NULL for options. */
GListModel          *sp_catalogue_node_get_children (SpCatalogueNode  *self);
/* Call after changing the node's JSON object: updates the label. */
void                 sp_catalogue_node_changed      (SpCatalogueNode  *self);
/* Appends a new child of @kind with sensible defaults; returns it
 * (owned by @self). */
SpCatalogueNode     *sp_catalogue_node_add_child    (SpCatalogueNode     *self,
                                                     SpCatalogueNodeKind  kind);
void                 sp_catalogue_node_remove       (SpCatalogueNode  *self);
/* Moves the node by @delta among its siblings of the same kind; FALSE at
 * either end. */
gboolean             sp_catalogue_node_move         (SpCatalogueNode  *self,
                                                     int               delta);
/* Position among siblings of the same kind and their count. */
guint                sp_catalogue_node_get_index    (SpCatalogueNode  *self,
                                                     guint            *n_siblings);
/* What is wrong with this block alone (translated), or NULL. */
char                *sp_catalogue_node_validate     (SpCatalogueNode  *self);
/* The node at a place named like the core validator does
 * ("areas[0].competences[2].questions[1]"), as deep as the path resolves. */
SpCatalogueNode     *sp_catalogue_node_find_path    (SpCatalogueNode  *root,
                                                     const char       *path);

G_END_DECLS
