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
  gsize len = strlen (s);
  const char *run = s, *end = s + len, *p = s;

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

/* Reads 4 hex digits at @p; -1 if they are none. */
static gint
hex4 (const char *p)
{
  gint v = 0;

  for (guint i = 0; i < 4; i++)
    {
      gint d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* A JSON string literal at *@p (at its opening quote), decoded into a new
 * string; NULL if it is none this reader accepts. */
static char *
read_string (const char **p,
             const char  *end)
{
  GString *out;
  const char *s = *p;

  if (s >= end || *s != '"')
    return NULL;
  out = g_string_sized_new (64);
  for (s++; s < end && *s != '"'; s++)
    {
      guchar c = (guchar) *s;

      if (c < 0x20)
        break;
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          continue;
        }
      if (++s >= end)
        break;
      switch (*s)
        {
        case '"':  g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/':  g_string_append_c (out, '/'); break;
        case 'b':  g_string_append_c (out, '\b'); break;
        case 'f':  g_string_append_c (out, '\f'); break;
        case 'n':  g_string_append_c (out, '\n'); break;
        case 'r':  g_string_append_c (out, '\r'); break;
        case 't':  g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gint u = end - s > 4 ? hex4 (s + 1) : -1;

            s += 4;
            if (u >= 0xD800 && u <= 0xDBFF && end - s > 6 && s[1] == '\\' && s[2] == 'u')
              {
                gint lo = hex4 (s + 3);

                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                  }
              }
            /* No code point, NUL or a lone surrogate: json-glib decides. */
            if (u <= 0 || (u >= 0xD800 && u <= 0xDFFF))
              {
                g_string_free (out, TRUE);
                return NULL;
              }
            g_string_append_unichar (out, (gunichar) u);
          }
          break;
        default:
          g_string_free (out, TRUE);
          return NULL;
        }
    }
  if (s >= end || *s != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  *p = s + 1;
  return g_string_free (out, FALSE);
}

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

GHashTable *
sp_json_parse_flat_object (const char *data,
                           gsize       len)
{
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = data, *end = data + len;

  if (!g_utf8_validate_len (data, len, NULL))
    return NULL;
  p = skip_space (p, end);
  if (p >= end || *p++ != '{')
    return NULL;
  p = skip_space (p, end);
  if (p < end && *p == '}')
    p++;
  else
    for (;;)
      {
        g_autofree char *name = read_string (&p, end);
        char *value = NULL;

        /* A name given twice: json-glib's rules apply. */
        if (name == NULL || g_hash_table_contains (members, name))
          return NULL;
        p = skip_space (p, end);
        if (p >= end || *p++ != ':')
          return NULL;
        p = skip_space (p, end);
        if (end - p >= 4 && memcmp (p, "null", 4) == 0)
          p += 4;
        else if ((value = read_string (&p, end)) == NULL)
          return NULL;
        g_hash_table_insert (members, g_steal_pointer (&name), value);
        p = skip_space (p, end);
        if (p < end && *p == ',')
          {
            p = skip_space (p + 1, end);
            continue;
          }
        if (p < end && *p == '}')
          {
            p++;
            break;
          }
        return NULL;
      }
  if (skip_space (p, end) != end)
    return NULL;
  return g_steal_pointer (&members);
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
