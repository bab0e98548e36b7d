/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-json-util"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"

#include "sp-change.h"

const char *
sp_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
sp_json_get_int (JsonObject *object,
                 const char *name,
                 gint64     *value)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

const char *
sp_json_get_string_or (JsonObject *object,
                       const char *name,
                       const char *fallback)
{
  const char *value = sp_json_get_string (object, name);

  return value != NULL ? value : fallback;
}

gint64
sp_json_get_int_or (JsonObject *object,
                    const char *name,
                    gint64      fallback)
{
  gint64 value;

  return sp_json_get_int (object, name, &value) ? value : fallback;
}

GStrv
sp_json_get_strv (JsonObject *object,
                  const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
sp_json_member_filled (JsonObject *object,
                       const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  return !JSON_NODE_HOLDS_VALUE (node) ||
         json_node_get_value_type (node) != G_TYPE_STRING ||
         *json_node_get_string (node) != '\0';
}

JsonNode *
sp_json_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (object != NULL, node);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
sp_json_array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  g_return_val_if_fail (array != NULL, node);

  json_node_take_array (node, array);
  return node;
}

void
sp_json_append_string (GString    *out,
                       const char *s)
{
  gsize len;
  const char *run, *end, *p;

  if (s == NULL)
    s = "";
  len = strlen (s);
  run = p = s;
  end = s + len;

  g_string_append_c (out, '"');
  while ((p = sp_json_plain_end (p, end)) < end)
    {
      guchar c = (guchar) *p;

      /* UTF-8 stays as it is; only '"', '\\' and control characters are
       * escaped. */
      if (c >= 0x80)
        {
          p++;
          continue;
        }
      g_string_append_len (out, run, p - run);
      run = ++p;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, run, end - run);
  g_string_append_c (out, '"');
}

void
sp_json_append_double (GString *out,
                       double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);
  /* As JsonGenerator writes it: a double stays recognisable as one. */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

void
sp_json_append_int (GString *out,
                    gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 v = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}
