/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-frozen"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-frozen.h"

#include "sp-error.h"

#define MAX_DEPTH 4

static char *
stored_text (SpDb           *db,
             const SpEntity *entity,
             const char     *id,
             const char     *field)
{
  g_autoptr(SpDbRow) row = sp_db_row_read (db, entity, id, NULL);
  JsonNode *node;

  if (row == NULL)
    return NULL;
  node = json_object_get_member (row->fields, field);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gboolean
is_frozen (SpDb           *db,
           const SpEntity *entity,
           const char     *id,
           guint           depth)
{
  if (entity == NULL || id == NULL || depth > MAX_DEPTH)
    return FALSE;

  if (entity->frozen_field != NULL)
    {
      g_autofree char *value = stored_text (db, entity, id, entity->frozen_field);

      if (g_strcmp0 (value, entity->frozen_value) == 0)
        return TRUE;
    }
  if (entity->parent_field != NULL)
    {
      g_autofree char *parent = stored_text (db, entity, id, entity->parent_field);

      if (parent != NULL)
        return is_frozen (db, sp_entity_lookup (entity->parent_entity), parent, depth + 1);
    }
  return FALSE;
}

gboolean
sp_db_row_is_frozen (SpDb           *db,
                     const SpEntity *entity,
                     const char     *id)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);

  return sp_entity_can_freeze (entity) && is_frozen (db, entity, id, 0);
}

gboolean
sp_db_check_frozen (SpDb           *db,
                    const SpEntity *entity,
                    const char     *id,
                    JsonObject     *fields,
                    GError        **error)
{
  JsonNode *node;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);

  if (!sp_entity_can_freeze (entity))
    return TRUE;

  if (id != NULL && is_frozen (db, entity, id, 0))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FROZEN,
                   _("This belongs to a published version and cannot be changed; create a new version instead"));
      return FALSE;
    }

  if (entity->parent_field == NULL || fields == NULL)
    return TRUE;
  node = json_object_get_member (fields, entity->parent_field);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING &&
      is_frozen (db, sp_entity_lookup (entity->parent_entity), json_node_get_string (node), 1))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FROZEN,
                   _("The catalogue version is published and cannot be changed; create a new version instead"));
      return FALSE;
    }
  return TRUE;
}
