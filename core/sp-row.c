/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-row.h"

struct _SpRow
{
  GObject     parent_instance;

  char       *entity;
  char       *id;
  gint64      version;
  JsonObject *fields;
  GHashTable *strings;   /* field -> display string, filled lazily */
  guint       pending : 1;
};

G_DEFINE_FINAL_TYPE (SpRow, sp_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENTITY,
  PROP_ID,
  PROP_VERSION,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sp_row_finalize (GObject *object)
{
  SpRow *self = (SpRow *) object;

  g_clear_pointer (&self->entity, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->strings, g_hash_table_unref);

  G_OBJECT_CLASS (sp_row_parent_class)->finalize (object);
}

static void
sp_row_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  SpRow *self = SP_ROW (object);

  switch (prop_id)
    {
    case PROP_ENTITY:
      g_value_set_string (value, self->entity);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_PENDING:
      g_value_set_boolean (value, self->pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_row_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  SpRow *self = SP_ROW (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      sp_row_set_pending (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_row_class_init (SpRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_row_finalize;
  object_class->get_property = sp_row_get_property;
  object_class->set_property = sp_row_set_property;

  properties[PROP_ENTITY] =
    g_param_spec_string ("entity", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_row_init (SpRow *self)
{
  self->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SpRow *
sp_row_new (const char *entity,
            const char *id,
            gint64      version,
            JsonObject *fields)
{
  SpRow *self;

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (SP_TYPE_ROW, NULL);
  self->entity = g_strdup (entity);
  self->id = g_strdup (id);
  self->version = version;
  self->fields = fields ? json_object_ref (fields) : json_object_new ();
  return self;
}

const char *
sp_row_get_entity (SpRow *self)
{
  g_return_val_if_fail (SP_IS_ROW (self), NULL);
  return self->entity;
}

const char *
sp_row_get_id (SpRow *self)
{
  g_return_val_if_fail (SP_IS_ROW (self), NULL);
  return self->id;
}

gint64
sp_row_get_version (SpRow *self)
{
  g_return_val_if_fail (SP_IS_ROW (self), 0);
  return self->version;
}

JsonObject *
sp_row_get_fields (SpRow *self)
{
  g_return_val_if_fail (SP_IS_ROW (self), NULL);
  return self->fields;
}

static char *
node_to_display (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = node_to_display (json_array_get_element (array, i));

          if (s->len > 0)
            g_string_append (s, ", ");
          g_string_append (s, item);
        }
      return g_string_free (s, FALSE);
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "true" : "false");
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
    }

  return g_strdup ("");
}

const char *
sp_row_get_string (SpRow      *self,
                   const char *field)
{
  const char *cached;
  char *value;

  g_return_val_if_fail (SP_IS_ROW (self), "");
  g_return_val_if_fail (field != NULL, "");

  cached = g_hash_table_lookup (self->strings, field);
  if (cached != NULL)
    return cached;

  value = node_to_display (json_object_get_member (self->fields, field));
  g_hash_table_insert (self->strings, g_strdup (field), value);
  return value;
}

gboolean
sp_row_get_pending (SpRow *self)
{
  g_return_val_if_fail (SP_IS_ROW (self), FALSE);
  return self->pending;
}

void
sp_row_set_pending (SpRow    *self,
                    gboolean  pending)
{
  g_return_if_fail (SP_IS_ROW (self));

  pending = !!pending;
  if (self->pending == (guint) pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}
