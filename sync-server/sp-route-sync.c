/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-route-sync.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-server-private.h"

/* GET  /api/v1/sync?since=CURSOR&limit=N
 *   -> {"cursor":..,"more":bool,"changes":[..]}
 * POST /api/v1/sync {"changes":[..]}
 *   -> {"results":[{"change_id","status","version"}],"cursor":..}
 *
 * Both authenticate with the bearer token; the storage work runs in a
 * worker thread. A push is parsed and validated completely before anything
 * is stored. */

#define SYNC_PATH           "/api/v1/sync"
#define PULL_DEFAULT_LIMIT  SP_STORAGE_PULL_DEFAULT
#define PULL_MAX_LIMIT      SP_STORAGE_PULL_MAX
#define PUSH_MAX_CHANGES    10000

static gboolean
parse_limit (const char  *text,
             guint       *limit,
             GError     **error)
{
  guint64 value;

  if (text == NULL || *text == '\0')
    {
      *limit = PULL_DEFAULT_LIMIT;
      return TRUE;
    }

  if (!g_ascii_isdigit (*text) ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "limit: expected a whole number from 1 to %u", PULL_MAX_LIMIT);
      return FALSE;
    }

  *limit = (guint) MIN (value, PULL_MAX_LIMIT);
  return TRUE;
}

/* -- push bodies -------------------------------------------------------------
 *
 * A push body is read straight into SpChanges by a small strict JSON reader:
 * json-glib's parser would build (and then free) a node tree of the whole
 * body, and sp_change_from_json would copy every field once more, which
 * dominated the time of a 10 000-change push. The checks and messages are
 * those of sp_change_from_json (core/sp-change.c); the field values go
 * through the registry's sp_field_validate. */

#define MAX_DEPTH 64

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  GString    *buf;
} Reader;

static gboolean
reader_fail (Reader      *r,
             GError     **error,
             const char  *what)
{
  g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
               "malformed JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (r->p - r->start), what);
  return FALSE;
}

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
read_hex4 (Reader *r,
           guint  *out)
{
  guint v = 0;

  if (r->end - r->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (r->p[i]);

      if (d < 0)
        return FALSE;
      v = v * 16 + (guint) d;
    }
  r->p += 4;
  *out = v;
  return TRUE;
}

/* Reads the string literal at r->p (its opening quote) into r->buf. */
static gboolean
read_string (Reader  *r,
             GError **error)
{
  const char *run;

  g_string_truncate (r->buf, 0);
  r->p++;
  run = r->p;

  while (TRUE)
    {
      unsigned char c;

      if (r->p >= r->end)
        return reader_fail (r, error, "unterminated string");

      c = (unsigned char) *r->p;
      if (c == '"')
        {
          g_string_append_len (r->buf, run, r->p - run);
          r->p++;
          return TRUE;
        }
      if (c < 0x20)
        return reader_fail (r, error, "control character in a string");
      if (c != '\\')
        {
          r->p++;
          continue;
        }

      g_string_append_len (r->buf, run, r->p - run);
      if (++r->p >= r->end)
        return reader_fail (r, error, "unterminated string");
      c = (unsigned char) *r->p++;
      switch (c)
        {
        case '"':  g_string_append_c (r->buf, '"'); break;
        case '\\': g_string_append_c (r->buf, '\\'); break;
        case '/':  g_string_append_c (r->buf, '/'); break;
        case 'b':  g_string_append_c (r->buf, '\b'); break;
        case 'f':  g_string_append_c (r->buf, '\f'); break;
        case 'n':  g_string_append_c (r->buf, '\n'); break;
        case 'r':  g_string_append_c (r->buf, '\r'); break;
        case 't':  g_string_append_c (r->buf, '\t'); break;
        case 'u':
          {
            guint u;

            if (!read_hex4 (r, &u))
              return reader_fail (r, error, "bad \\u escape");
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                guint lo;

                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                  return reader_fail (r, error, "unpaired surrogate");
                r->p += 2;
                if (!read_hex4 (r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                  return reader_fail (r, error, "unpaired surrogate");
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
              }
            else if (u >= 0xDC00 && u <= 0xDFFF)
              return reader_fail (r, error, "unpaired surrogate");
            if (u == 0)
              return reader_fail (r, error, "NUL character in a string");
            g_string_append_unichar (r->buf, u);
          }
          break;
        default:
          return reader_fail (r, error, "bad escape in a string");
        }
      run = r->p;
    }
}

static JsonNode *
read_number (Reader  *r,
             GError **error)
{
  const char *s = r->p;
  gboolean is_int = TRUE;
  g_autofree char *text = NULL;
  JsonNode *node;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    {
      reader_fail (r, error, "bad number");
      return NULL;
    }
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      is_int = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        {
          reader_fail (r, error, "bad number");
          return NULL;
        }
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      is_int = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        {
          reader_fail (r, error, "bad number");
          return NULL;
        }
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  text = g_strndup (s, r->p - s);
  node = json_node_new (JSON_NODE_VALUE);
  if (is_int)
    {
      gint64 v;

      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
        {
          json_node_set_int (node, v);
          return node;
        }
    }
  json_node_set_double (node, g_ascii_strtod (text, NULL));
  return node;
}

static gboolean
read_literal (Reader     *r,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return FALSE;
  r->p += len;
  return TRUE;
}

/* Any JSON value at r->p, as a node (NULL and *error on bad input). */
static JsonNode *
read_value (Reader  *r,
            guint    depth,
            GError **error)
{
  JsonNode *node;

  skip_ws (r);
  if (r->p >= r->end)
    {
      reader_fail (r, error, "unexpected end of the document");
      return NULL;
    }
  if (depth > MAX_DEPTH)
    {
      reader_fail (r, error, "nested too deeply");
      return NULL;
    }

  switch (*r->p)
    {
    case '{':
      {
        g_autoptr(JsonObject) object = json_object_new ();

        r->p++;
        skip_ws (r);
        if (r->p < r->end && *r->p == '}')
          r->p++;
        else
          {
            while (TRUE)
              {
                g_autofree char *key = NULL;
                JsonNode *value;

                skip_ws (r);
                if (r->p >= r->end || *r->p != '"')
                  {
                    reader_fail (r, error, "expected a member name");
                    return NULL;
                  }
                if (!read_string (r, error))
                  return NULL;
                key = g_strndup (r->buf->str, r->buf->len);
                skip_ws (r);
                if (r->p >= r->end || *r->p++ != ':')
                  {
                    reader_fail (r, error, "expected ':'");
                    return NULL;
                  }
                if (!(value = read_value (r, depth + 1, error)))
                  return NULL;
                json_object_set_member (object, key, value);
                skip_ws (r);
                if (r->p < r->end && *r->p == ',')
                  {
                    r->p++;
                    continue;
                  }
                if (r->p < r->end && *r->p == '}')
                  {
                    r->p++;
                    break;
                  }
                reader_fail (r, error, "expected ',' or '}'");
                return NULL;
              }
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, g_steal_pointer (&object));
        return node;
      }

    case '[':
      {
        g_autoptr(JsonArray) array = json_array_new ();

        r->p++;
        skip_ws (r);
        if (r->p < r->end && *r->p == ']')
          r->p++;
        else
          {
            while (TRUE)
              {
                JsonNode *value;

                if (!(value = read_value (r, depth + 1, error)))
                  return NULL;
                json_array_add_element (array, value);
                skip_ws (r);
                if (r->p < r->end && *r->p == ',')
                  {
                    r->p++;
                    continue;
                  }
                if (r->p < r->end && *r->p == ']')
                  {
                    r->p++;
                    break;
                  }
                reader_fail (r, error, "expected ',' or ']'");
                return NULL;
              }
          }
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, g_steal_pointer (&array));
        return node;
      }

    case '"':
      if (!read_string (r, error))
        return NULL;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, r->buf->str);
      return node;

    case 't':
    case 'f':
      {
        gboolean value = *r->p == 't';

        if (read_literal (r, value ? "true" : "false"))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_boolean (node, value);
            return node;
          }
      }
      break;

    case 'n':
      if (read_literal (r, "null"))
        return json_node_new (JSON_NODE_NULL);
      break;

    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        return read_number (r, error);
      break;
    }

  reader_fail (r, error, "unexpected character");
  return NULL;
}

static const char *
type_name (JsonNode *node)
{
  if (node == NULL)
    return "nothing";
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
    default:
      {
        GType t = json_node_get_value_type (node);

        if (t == G_TYPE_STRING)
          return "a string";
        if (t == G_TYPE_BOOLEAN)
          return "a boolean";
        if (t == G_TYPE_INT64)
          return "an integer";
        return "a number";
      }
    }
}

enum {
  M_CHANGE_ID,
  M_ENTITY,
  M_ID,
  M_BASE_VERSION,
  M_HLC,
  M_OP,
  M_FIELDS,
  N_MEMBERS,
};

static const char * const member_names[N_MEMBERS] = {
  "change_id", "entity", "id", "base_version", "hlc", "op", "fields",
};

static const char *
member_string (JsonNode    *node,
               const char  *name,
               GError     **error)
{
  if (node == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected a string, got %s", name, type_name (node));
      return NULL;
    }
  return json_node_get_string (node);
}

/* A STRV field may come as one string with one item per line. */
static JsonNode *
normalize_strv (JsonNode *value)
{
  g_auto(GStrv) lines = g_strsplit (json_node_get_string (value), "\n", -1);
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line != '\0')
        json_array_add_string_element (array, line);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

/* The checks of sp_change_from_json (node, FALSE, error), on the members
 * read; takes the "fields" object over without copying it. */
static SpChange *
change_from_members (JsonNode **members,
                     GError   **error)
{
  g_autoptr(SpChange) change = sp_change_new ();
  const SpEntity *entity;
  const char *s;
  JsonNode *fields_node;

  if (!(s = member_string (members[M_CHANGE_ID], "change_id", error)))
    return NULL;
  if (!sp_id_is_valid (s))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "change_id: must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
      return NULL;
    }
  change->change_id = g_strdup (s);

  if (!(s = member_string (members[M_ENTITY], "entity", error)))
    return NULL;
  if (!(entity = sp_entity_lookup (s)))
    {
      g_autofree char *shown = g_utf8_make_valid (s, MIN (strlen (s), 64));

      g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY,
                   "entity: unknown entity “%s”", shown);
      return NULL;
    }
  change->entity = g_strdup (s);

  if (!(s = member_string (members[M_ID], "id", error)))
    return NULL;
  if (!sp_id_is_valid (s))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "id: must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
      return NULL;
    }
  change->id = g_strdup (s);

  if (members[M_BASE_VERSION] == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "base_version: missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (members[M_BASE_VERSION]) ||
      json_node_get_value_type (members[M_BASE_VERSION]) != G_TYPE_INT64)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "base_version: expected an integer, got %s",
                   type_name (members[M_BASE_VERSION]));
      return NULL;
    }
  change->base_version = json_node_get_int (members[M_BASE_VERSION]);
  if (change->base_version < 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "base_version: must not be negative");
      return NULL;
    }

  if (!(s = member_string (members[M_HLC], "hlc", error)))
    return NULL;
  if (!sp_hlc_is_valid (s))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "hlc: expected MMMMMMMMMMMMMMM:CCCC:NODE");
      return NULL;
    }
  change->hlc = g_strdup (s);

  if (!(s = member_string (members[M_OP], "op", error)))
    return NULL;
  if (strcmp (s, "upsert") == 0)
    change->op = SP_OP_UPSERT;
  else if (strcmp (s, "delete") == 0)
    change->op = SP_OP_DELETE;
  else
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "op: expected \"upsert\" or \"delete\"");
      return NULL;
    }

  fields_node = members[M_FIELDS];
  if (fields_node == NULL || JSON_NODE_HOLDS_NULL (fields_node))
    {
      if (change->op == SP_OP_UPSERT)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "fields: missing");
          return NULL;
        }
    }
  else if (!JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "fields: expected an object, got %s", type_name (fields_node));
      return NULL;
    }
  else
    {
      JsonObject *fields = json_node_get_object (fields_node);
      g_autoptr(GPtrArray) split = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        {
          const SpField *field = sp_entity_get_field (entity, name);
          g_autoptr(JsonNode) normalized = NULL;
          g_autoptr(GError) local_error = NULL;

          if (field == NULL)
            {
              g_autofree char *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));

              g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD,
                           "fields.%s: unknown field of %s", shown, entity->name);
              return NULL;
            }

          if (field->type == SP_FIELD_STRV && JSON_NODE_HOLDS_VALUE (value) &&
              json_node_get_value_type (value) == G_TYPE_STRING)
            {
              normalized = normalize_strv (value);
              if (split == NULL)
                split = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (split, g_strdup (name));
            }

          if (!sp_field_validate (field, normalized ? normalized : value, &local_error))
            {
              g_set_error (error, SP_ERROR, local_error->code,
                           "fields.%s: %s", name, local_error->message);
              return NULL;
            }
        }

      for (guint i = 0; split != NULL && i < split->len; i++)
        {
          const char *f = g_ptr_array_index (split, i);

          json_object_set_member (fields, f, normalize_strv (json_object_get_member (fields, f)));
        }

      json_object_unref (change->fields);
      change->fields = json_object_ref (fields);
    }

  return g_steal_pointer (&change);
}

/* One element of "changes" at r->p. */
static SpChange *
read_change (Reader  *r,
             GError **error)
{
  JsonNode *members[N_MEMBERS] = { NULL, };
  SpChange *change = NULL;

  skip_ws (r);
  if (r->p >= r->end || *r->p != '{')
    {
      g_autoptr(JsonNode) other = read_value (r, 1, error);

      if (other != NULL)
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                     "expected an object, got %s", type_name (other));
      return NULL;
    }

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    r->p++;
  else
    {
      while (TRUE)
        {
          JsonNode *value;
          int which = -1;

          skip_ws (r);
          if (r->p >= r->end || *r->p != '"')
            {
              reader_fail (r, error, "expected a member name");
              goto out;
            }
          if (!read_string (r, error))
            goto out;
          for (int m = 0; m < N_MEMBERS; m++)
            if (strcmp (r->buf->str, member_names[m]) == 0)
              which = m;
          skip_ws (r);
          if (r->p >= r->end || *r->p++ != ':')
            {
              reader_fail (r, error, "expected ':'");
              goto out;
            }
          if (!(value = read_value (r, 2, error)))
            goto out;
          if (which >= 0)
            {
              g_clear_pointer (&members[which], json_node_unref);
              members[which] = value;
            }
          else
            json_node_unref (value);

          skip_ws (r);
          if (r->p < r->end && *r->p == ',')
            {
              r->p++;
              continue;
            }
          if (r->p < r->end && *r->p == '}')
            {
              r->p++;
              break;
            }
          reader_fail (r, error, "expected ',' or '}'");
          goto out;
        }
    }

  change = change_from_members (members, error);

out:
  for (int m = 0; m < N_MEMBERS; m++)
    g_clear_pointer (&members[m], json_node_unref);
  return change;
}

/* The whole body must be valid before anything is stored. */
static GPtrArray *
parse_push_body (const char  *data,
                 gsize        len,
                 GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GString) buf = g_string_new (NULL);
  Reader r = { data, data, data + len, buf };
  gboolean seen_changes = FALSE;

  if (len == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "empty document");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document is not valid UTF-8");
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document contains a NUL byte");
      return NULL;
    }

  skip_ws (&r);
  if (r.p >= r.end || *r.p != '{')
    {
      g_autoptr(JsonNode) other = read_value (&r, 0, error);

      if (other != NULL)
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                     "expected a JSON object {\"changes\": [..]}");
      return NULL;
    }

  r.p++;
  skip_ws (&r);
  if (r.p < r.end && *r.p == '}')
    r.p++;
  else
    {
      while (TRUE)
        {
          skip_ws (&r);
          if (r.p >= r.end || *r.p != '"')
            {
              reader_fail (&r, error, "expected a member name");
              return NULL;
            }
          if (!read_string (&r, error))
            return NULL;
          skip_ws (&r);
          if (r.p >= r.end || *r.p++ != ':')
            {
              reader_fail (&r, error, "expected ':'");
              return NULL;
            }
          skip_ws (&r);

          if (strcmp (buf->str, "changes") != 0)
            {
              g_autoptr(JsonNode) ignored = read_value (&r, 1, error);

              if (ignored == NULL)
                return NULL;
            }
          else if (r.p >= r.end || *r.p != '[')
            {
              g_autoptr(JsonNode) other = read_value (&r, 1, error);

              if (other != NULL)
                g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "changes: expected an array");
              return NULL;
            }
          else
            {
              /* A repeated "changes" member replaces the earlier one. */
              g_clear_pointer (&changes, g_ptr_array_unref);
              changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
              seen_changes = TRUE;

              r.p++;
              skip_ws (&r);
              if (r.p < r.end && *r.p == ']')
                r.p++;
              else
                {
                  while (TRUE)
                    {
                      SpChange *change;

                      if (changes->len >= PUSH_MAX_CHANGES)
                        {
                          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                                       "changes: more than %u changes in one request",
                                       PUSH_MAX_CHANGES);
                          return NULL;
                        }
                      if (!(change = read_change (&r, error)))
                        {
                          g_prefix_error (error, "changes[%u]: ", changes->len);
                          return NULL;
                        }
                      g_ptr_array_add (changes, change);

                      skip_ws (&r);
                      if (r.p < r.end && *r.p == ',')
                        {
                          r.p++;
                          continue;
                        }
                      if (r.p < r.end && *r.p == ']')
                        {
                          r.p++;
                          break;
                        }
                      reader_fail (&r, error, "expected ',' or ']'");
                      return NULL;
                    }
                }
            }

          skip_ws (&r);
          if (r.p < r.end && *r.p == ',')
            {
              r.p++;
              continue;
            }
          if (r.p < r.end && *r.p == '}')
            {
              r.p++;
              break;
            }
          reader_fail (&r, error, "expected ',' or '}'");
          return NULL;
        }
    }

  skip_ws (&r);
  if (r.p != r.end)
    {
      reader_fail (&r, error, "trailing data after the document");
      return NULL;
    }

  if (!seen_changes)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "changes: missing");
      return NULL;
    }

  return g_steal_pointer (&changes);
}

/* Requests are answered from a worker thread's JSON text: big pages and
 * batches never build a JsonNode tree on the main loop. */
typedef struct {
  SpServer          *server;
  SoupServerMessage *msg;
  SpPrincipal       *principal;
  gboolean           is_push;
  GBytes            *body;      /* push: the raw request body */
  char              *since;     /* pull */
  char              *limit;     /* pull */
  gboolean           finished;  /* the connection went away meanwhile */
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           held;      /* counted by _sp_server_hold */
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  /* The worker is done with the storage by now. */
  if (job->held)
    _sp_server_release (job->server);
  if (job->finished_id != 0)
    g_signal_handler_disconnect (job->msg, job->finished_id);
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->principal, sp_principal_free);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->since);
  g_free (job->limit);
  g_free (job);
}

static GString *
pull_json (SyncJob  *job,
           GError  **error)
{
  g_autoptr(GString) out = g_string_sized_new (64 * 1024);
  g_autofree char *cursor = NULL;
  gboolean more = FALSE;
  guint limit;

  if (!parse_limit (job->limit, &limit, error))
    return NULL;

  g_string_append (out, "{\"changes\":");
  if (!sp_storage_pull_json (sp_server_get_storage (job->server), job->principal,
                             job->since, limit, out, NULL, &cursor, &more, error))
    return NULL;

  /* The cursor is ours ("v1.<digits>"): no escaping needed. */
  g_string_append_printf (out, ",\"cursor\":\"%s\",\"more\":%s}",
                          cursor, more ? "true" : "false");
  return g_steal_pointer (&out);
}

static GString *
push_json (SyncJob  *job,
           GError  **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *cursor = NULL;
  const char *data;
  gsize len;
  guint applied = 0;
  guint conflicts = 0;

  data = g_bytes_get_data (job->body, &len);
  if (!(changes = parse_push_body (data, len, error)))
    return NULL;
  g_clear_pointer (&job->body, g_bytes_unref);

  results = g_ptr_array_new_full (changes->len, (GDestroyNotify) sp_change_result_free);
  if (!sp_storage_push (sp_server_get_storage (job->server), job->principal, changes, results,
                        &cursor, error))
    return NULL;

  out = g_string_sized_new (128 + results->len * 80);
  g_string_append (out, "{\"results\":[");
  for (guint i = 0; i < results->len; i++)
    {
      const SpChangeResult *result = g_ptr_array_index (results, i);

      if (result->status == SP_RESULT_APPLIED)
        applied++;
      else if (result->status == SP_RESULT_CONFLICT)
        {
          applied++;
          conflicts++;
        }

      /* change_ids were validated: [A-Za-z0-9._:-] only. */
      g_string_append_printf (out, "%s{\"change_id\":\"%s\",\"status\":\"%s\",\"version\":%" G_GINT64_FORMAT "}",
                              i > 0 ? "," : "", result->change_id,
                              sp_result_status_to_string (result->status), result->version);
    }
  g_string_append_printf (out, "],\"cursor\":\"%s\"}", cursor);
  sp_server_count_sync (job->server, applied, conflicts);

  return g_steal_pointer (&out);
}

static void
sync_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SyncJob *job = task_data;
  GError *error = NULL;
  GString *out;

  out = job->is_push ? push_json (job, &error) : pull_json (job, &error);
  if (out == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_string_free_to_bytes (out), (GDestroyNotify) g_bytes_unref);
}

static void
sync_job_done (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = G_TASK (result);
  SyncJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_task_propagate_pointer (task, &error);
  if (job->finished)
    return;

  if (error != NULL)
    sp_server_reply_error (job->msg, error);
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (job->msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_status (job->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (job->msg),
                                             "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (job->msg), bytes);
    }
  soup_server_message_unpause (job->msg);
}

static void
sync_job_msg_finished (SoupServerMessage *msg,
                       SyncJob           *job)
{
  job->finished = TRUE;
}

static void
sync_job_run (SyncJob *job)
{
  g_autoptr(GTask) task = NULL;

  /* The client may go away, or the server shut down, while we work. */
  job->finished_id = g_signal_connect (job->msg, "finished",
                                       G_CALLBACK (sync_job_msg_finished), job);
  job->disconnected_id = g_signal_connect (job->msg, "disconnected",
                                           G_CALLBACK (sync_job_msg_finished), job);
  soup_server_message_pause (job->msg);

  /* A shutdown waits for this job before closing the storage. */
  _sp_server_hold (job->server);
  job->held = TRUE;

  task = g_task_new (NULL, NULL, sync_job_done, NULL);
  g_task_set_source_tag (task, sync_job_run);
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  g_task_run_in_thread (task, sync_job_thread);
}

static void
sync_handler (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SpServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(SpPrincipal) principal = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_get = g_strcmp0 (method, "GET") == 0;
  gboolean is_post = g_strcmp0 (method, "POST") == 0;
  SyncJob *job;

  if (g_strcmp0 (path, SYNC_PATH) != 0)
    {
      _sp_server_reply_api_not_found (msg);
      return;
    }

  if (!is_get && !is_post)
    {
      _sp_server_reply_method_not_allowed (msg, "GET, POST");
      return;
    }

  if (!(principal = sp_server_authenticate (server, msg, &error)))
    {
      sp_server_reply_error (msg, error);
      return;
    }

  job = g_new0 (SyncJob, 1);
  job->server = server;
  job->msg = g_object_ref (msg);
  job->principal = g_steal_pointer (&principal);
  job->is_push = is_post;

  if (is_post)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      job->body = soup_message_body_flatten (body);
      if (g_bytes_get_size (job->body) > SP_MAX_BODY_SIZE)
        {
          g_set_error (&error, SP_ERROR, SP_ERROR_TOO_LARGE,
                       "Request body larger than %d bytes", SP_MAX_BODY_SIZE);
          sp_server_reply_error (msg, error);
          sync_job_free (job);
          return;
        }
    }
  else if (query != NULL)
    {
      job->since = g_strdup (g_hash_table_lookup (query, "since"));
      job->limit = g_strdup (g_hash_table_lookup (query, "limit"));
    }

  sync_job_run (job);
}

void
sp_route_sync_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), SYNC_PATH,
                           sync_handler, server, NULL);
}
