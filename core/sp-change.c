/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-change"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>

#include "sp-change.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-json-util.h"

#define SP_ID_MAX_LEN 64

SpChange *
sp_change_new (void)
{
  SpChange *change = g_new0 (SpChange, 1);

  change->fields = json_object_new ();
  change->op = SP_OP_UPSERT;
  return change;
}

SpChange *
sp_change_new_upsert (const char *entity,
                      char       *id)
{
  SpChange *change = sp_change_new ();

  change->entity = g_strdup (entity);
  change->id = id;
  return change;
}

SpChange *
sp_change_copy (const SpChange *change)
{
  SpChange *copy;

  g_return_val_if_fail (change != NULL, NULL);

  copy = g_new0 (SpChange, 1);
  copy->change_id = g_strdup (change->change_id);
  copy->entity = g_strdup (change->entity);
  copy->id = g_strdup (change->id);
  copy->base_version = change->base_version;
  copy->version = change->version;
  copy->hlc = g_strdup (change->hlc);
  copy->op = change->op;
  copy->fields = json_object_new ();
  if (change->fields != NULL || change->values != NULL)
    {
      g_autoptr(JsonObject) fields = sp_change_dup_fields (change);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (copy->fields, name, json_node_copy (value));
    }
  return copy;
}

void
sp_change_free (SpChange *change)
{
  if (change == NULL)
    return;
  g_free (change->change_id);
  g_free (change->entity);
  g_free (change->id);
  g_free (change->hlc);
  g_clear_pointer (&change->fields, json_object_unref);
  g_free (change->values);
  g_free (change);
}

/* The object of @values (registry order) of @entity. */
static JsonObject *
fields_from_values (const SpEntity     *entity,
                    const SpFieldValue *values)
{
  JsonObject *fields = json_object_new ();

  for (guint i = 0; entity != NULL && i < entity->n_fields; i++)
    {
      const SpField *field = &entity->fields[i];
      const SpFieldValue *v = &values[i];
      JsonNode *node = NULL;

      switch (v->kind)
        {
        case SP_VALUE_ABSENT:
          continue;
        case SP_VALUE_NULL:
          node = json_node_new (JSON_NODE_NULL);
          break;
        case SP_VALUE_TEXT:
          node = json_node_init_string (json_node_alloc (), v->text);
          break;
        case SP_VALUE_INT:
          node = field->type == SP_FIELD_BOOL
                 ? json_node_init_boolean (json_node_alloc (), v->num != 0)
                 : json_node_init_int (json_node_alloc (), v->num);
          break;
        case SP_VALUE_LIST:
          /* the decoder's own output: a valid array of strings */
          node = sp_json_parse (v->text, v->len, NULL);
          if (node == NULL)
            node = json_node_new (JSON_NODE_NULL);
          break;
        }
      json_object_set_member (fields, field->name, node);
    }
  return fields;
}

JsonObject *
sp_change_get_fields (SpChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  if (change->values != NULL)
    {
      g_clear_pointer (&change->fields, json_object_unref);
      change->fields = fields_from_values (sp_entity_lookup (change->entity), change->values);
      g_clear_pointer (&change->values, g_free);
    }
  else if (change->fields == NULL)
    change->fields = json_object_new ();
  return change->fields;
}

JsonObject *
sp_change_dup_fields (const SpChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  if (change->values != NULL)
    return fields_from_values (sp_entity_lookup (change->entity), change->values);
  return change->fields != NULL ? json_object_ref (change->fields) : json_object_new ();
}

const char *
sp_change_peek_string (const SpChange *change,
                       const char     *field)
{
  JsonNode *node;

  g_return_val_if_fail (change != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (change->values != NULL)
    {
      int i = sp_entity_field_index (sp_entity_lookup (change->entity), field);

      /* a string of a TEXT or ENUM field; STRV lists are not strings */
      return i >= 0 && change->values[i].kind == SP_VALUE_TEXT ? change->values[i].text : NULL;
    }
  node = change->fields != NULL ? json_object_get_member (change->fields, field) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
sp_op_to_string (SpOp op)
{
  return op == SP_OP_DELETE ? "delete" : "upsert";
}

gboolean
sp_id_is_valid (const char *id)
{
  gsize len = 0;

  if (id == NULL)
    return FALSE;

  for (const char *p = id; *p; p++, len++)
    {
      if (len >= SP_ID_MAX_LEN)
        return FALSE;
      if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == ':' || *p == '-'))
        return FALSE;
    }

  return len >= 1;
}

char *
sp_uuid_new (void)
{
  return g_uuid_string_random ();
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
    default:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_STRING)  return "a string";
        if (t == G_TYPE_BOOLEAN) return "a boolean";
        if (t == G_TYPE_INT64)   return "an integer";
        return "a number";
      }
    }
}

static const char *
node_string (JsonNode    *node,
             const char  *member,
             GError     **error)
{
  if (node == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected a string, got %s", member, type_name (node));
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
node_int (JsonNode    *node,
          const char  *member,
          gint64      *out,
          GError     **error)
{
  if (node == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected an integer, got %s", member, type_name (node));
      return FALSE;
    }
  *out = json_node_get_int (node);
  if (*out < 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: must not be negative", member);
      return FALSE;
    }
  return TRUE;
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *member,
                   GError     **error)
{
  return node_string (json_object_get_member (object, member), member, error);
}

static gboolean
get_int_member (JsonObject  *object,
                const char  *member,
                gint64      *out,
                GError     **error)
{
  return node_int (json_object_get_member (object, member), member, out, error);
}

/* A STRV field may come as one string with one item per line. */
static JsonNode *
normalize_strv (JsonNode *value)
{
  g_auto(GStrv) lines = NULL;
  JsonArray *array;
  JsonNode *node;

  lines = g_strsplit (json_node_get_string (value), "\n", -1);
  array = json_array_new ();
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

JsonObject *
sp_change_validate_fields (const SpEntity  *entity,
                           JsonObject      *fields,
                           GError         **error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (entity != NULL, NULL);

  if (fields == NULL)
    return g_steal_pointer (&result);

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
                       "%s: unknown field of %s", shown, entity->name);
          return NULL;
        }

      if (field->type == SP_FIELD_STRV && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        normalized = normalize_strv (value);
      else
        normalized = json_node_ref (value);   /* values are never changed in place */

      if (!sp_field_validate (field, normalized, &local_error))
        {
          g_set_error (error, SP_ERROR, local_error->code,
                       "%s: %s", name, local_error->message);
          return NULL;
        }
      json_object_set_member (result, name, g_steal_pointer (&normalized));
    }

  return g_steal_pointer (&result);
}

static SpChange *change_from_object (JsonObject  *object,
                                     gboolean     with_version,
                                     GError     **error);

SpChange *
sp_change_from_json (JsonNode  *node,
                     gboolean   with_version,
                     GError   **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "expected an object, got %s", type_name (node));
      return NULL;
    }
  /* the checks of the streaming decoders (check_members below) */
  return change_from_object (json_node_get_object (node), with_version, error);
}

JsonNode *
sp_change_to_json (const SpChange *change,
                   gboolean        with_version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) fields = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (change != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "change_id");
  json_builder_add_string_value (builder, change->change_id);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, change->entity);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, change->id);
  json_builder_set_member_name (builder, "base_version");
  json_builder_add_int_value (builder, change->base_version);
  if (with_version)
    {
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, change->version);
    }
  json_builder_set_member_name (builder, "hlc");
  json_builder_add_string_value (builder, change->hlc);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, sp_op_to_string (change->op));
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  fields = sp_change_dup_fields (change);
  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, json_node_copy (value));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
append_json_node (GString  *out,
                  JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &value))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            sp_json_append_string (out, name);
            g_string_append_c (out, ':');
            append_json_node (out, value);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          sp_json_append_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_DOUBLE)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        else
          g_string_append (out, "null");
      }
      break;
    }
}

void
sp_change_append_json (GString        *out,
                       const SpChange *change,
                       gboolean        with_version)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (change != NULL);

  g_string_append (out, "{\"change_id\":");
  sp_json_append_string (out, change->change_id);
  g_string_append (out, ",\"entity\":");
  sp_json_append_string (out, change->entity);
  g_string_append (out, ",\"id\":");
  sp_json_append_string (out, change->id);
  g_string_append_printf (out, ",\"base_version\":%" G_GINT64_FORMAT, change->base_version);
  if (with_version)
    g_string_append_printf (out, ",\"version\":%" G_GINT64_FORMAT, change->version);
  g_string_append (out, ",\"hlc\":");
  sp_json_append_string (out, change->hlc);
  g_string_append (out, ",\"op\":");
  sp_json_append_string (out, sp_op_to_string (change->op));
  g_string_append (out, ",\"fields\":{");
  if (change->fields != NULL || change->values != NULL)
    {
      g_autoptr(JsonObject) fields = sp_change_dup_fields (change);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      gboolean first = TRUE;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          sp_json_append_string (out, name);
          g_string_append_c (out, ':');
          append_json_node (out, value);
        }
    }
  g_string_append (out, "}}");
}

SpChangeResult *
sp_change_result_new (const char     *change_id,
                      SpResultStatus  status,
                      gint64          version)
{
  SpChangeResult *result = g_new0 (SpChangeResult, 1);

  result->change_id = g_strdup (change_id);
  result->status = status;
  result->version = version;
  return result;
}

void
sp_change_result_free (SpChangeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->change_id);
  g_free (result);
}

const char *
sp_result_status_to_string (SpResultStatus status)
{
  switch (status)
    {
    case SP_RESULT_DUPLICATE: return "duplicate";
    case SP_RESULT_CONFLICT:  return "conflict";
    case SP_RESULT_APPLIED:
    default:                  return "applied";
    }
}

gboolean
sp_result_status_from_string (const char     *str,
                              SpResultStatus *status)
{
  SpResultStatus s;

  if (g_strcmp0 (str, "applied") == 0)
    s = SP_RESULT_APPLIED;
  else if (g_strcmp0 (str, "duplicate") == 0)
    s = SP_RESULT_DUPLICATE;
  else if (g_strcmp0 (str, "conflict") == 0)
    s = SP_RESULT_CONFLICT;
  else
    return FALSE;

  if (status)
    *status = s;
  return TRUE;
}

JsonNode *
sp_change_result_to_json (const SpChangeResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "change_id");
  json_builder_add_string_value (builder, result->change_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, sp_result_status_to_string (result->status));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, result->version);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

SpChangeResult *
sp_change_result_from_json (JsonNode  *node,
                            GError   **error)
{
  JsonObject *object;
  const char *change_id;
  const char *status_str;
  SpResultStatus status;
  gint64 version;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "expected an object, got %s", type_name (node));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!(change_id = get_string_member (object, "change_id", error)))
    return NULL;
  if (!sp_id_is_valid (change_id))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "change_id: invalid");
      return NULL;
    }
  if (!(status_str = get_string_member (object, "status", error)))
    return NULL;
  if (!sp_result_status_from_string (status_str, &status))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "status: expected \"applied\", \"duplicate\" or \"conflict\"");
      return NULL;
    }
  if (!get_int_member (object, "version", &version, error))
    return NULL;

  return sp_change_result_new (change_id, status, version);
}

/* g_utf8_validate_len(), eight ASCII bytes at a time: sync pages and push
 * bodies are mostly ASCII, and glib checks byte by byte. Each multi-byte
 * sequence is checked by glib itself. */
gboolean
sp_utf8_is_valid (const char *data,
                  gsize       len)
{
  const guchar *p = (const guchar *) data;
  const guchar *end = p + len;

  while (p < end)
    {
      gsize n;

      if (end - p >= 8)
        {
          guint64 word;

          memcpy (&word, p, sizeof word);
          if ((word & G_GUINT64_CONSTANT (0x8080808080808080)) == 0)
            {
              p += 8;
              continue;
            }
        }
      if (*p < 0x80)
        {
          p++;
          continue;
        }
      n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
      if ((gsize) (end - p) < n || !g_utf8_validate_len ((const char *) p, n, NULL))
        return FALSE;
      p += n;
    }
  return TRUE;
}

/* A strict RFC 8259 parser building json-glib nodes directly. It is several
 * times faster than JsonParser (no GScanner, no intermediate copies), which
 * matters for sync pages of thousands of changes. */

#define FAST_MAX_DEPTH 64

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  GString    *buf;
  GString    *arena;     /* text of a change's field values (pull pages, push bodies) */
  GString    *member_buf[8];   /* string members of a change (fast_change) */
  const char *problem;
} FastParser;

/* Frees the buffers of the streaming decoders. */
static void
fast_parser_clear (FastParser *fp)
{
  if (fp->buf != NULL)
    g_string_free (fp->buf, TRUE);
  if (fp->arena != NULL)
    g_string_free (fp->arena, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (fp->member_buf); i++)
    if (fp->member_buf[i] != NULL)
      g_string_free (fp->member_buf[i], TRUE);
  memset (fp, 0, sizeof *fp);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FastParser, fast_parser_clear)

static JsonNode *fast_value (FastParser *fp, guint depth);

static inline void
fast_ws (FastParser *fp)
{
  while (fp->p < fp->end && (*fp->p == ' ' || *fp->p == '\n' || *fp->p == '\r' || *fp->p == '\t'))
    fp->p++;
}

static inline gboolean
fast_fail (FastParser *fp,
           const char *problem)
{
  if (fp->problem == NULL)
    fp->problem = problem;
  return FALSE;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Bytes that end a run of plain string characters: the quote, the
 * backslash and control characters. */
static const guint8 string_stop[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/* g_string_append_len() without the call when there is room (tens of
 * short strings per change). */
static inline void
buf_append (GString    *buf,
            const char *data,
            gsize       len)
{
  if (buf->len + len >= buf->allocated_len)
    {
      g_string_append_len (buf, data, (gssize) len);
      return;
    }
  memcpy (buf->str + buf->len, data, len);
  buf->len += len;
  buf->str[buf->len] = '\0';
}

/* Reads a string (fp->p at the opening quote) into fp->buf. */
static gboolean
fast_string (FastParser *fp)
{
  const char *run;

  fp->buf->len = 0;
  fp->buf->str[0] = '\0';
  fp->p++;   /* opening quote */
  run = fp->p;

  while (fp->p < fp->end)
    {
      guchar c;

      for (;;)
        {
          fp->p = sp_json_plain_end (fp->p, fp->end);
          if (fp->p >= fp->end || string_stop[(guchar) *fp->p])
            break;
          fp->p++;   /* not ASCII: the document is valid UTF-8 */
        }
      if (fp->p >= fp->end)
        break;
      c = (guchar) *fp->p;
      if (c == '"')
        {
          buf_append (fp->buf, run, fp->p - run);
          fp->p++;
          return TRUE;
        }
      if (c < 0x20)
        return fast_fail (fp, "control character in a string");

      buf_append (fp->buf, run, fp->p - run);
      if (fp->end - fp->p < 2)
        return fast_fail (fp, "unterminated string");
      fp->p++;
      switch (*fp->p)
        {
        case '"':  g_string_append_c (fp->buf, '"'); fp->p++; break;
        case '\\': g_string_append_c (fp->buf, '\\'); fp->p++; break;
        case '/':  g_string_append_c (fp->buf, '/'); fp->p++; break;
        case 'b':  g_string_append_c (fp->buf, '\b'); fp->p++; break;
        case 'f':  g_string_append_c (fp->buf, '\f'); fp->p++; break;
        case 'n':  g_string_append_c (fp->buf, '\n'); fp->p++; break;
        case 'r':  g_string_append_c (fp->buf, '\r'); fp->p++; break;
        case 't':  g_string_append_c (fp->buf, '\t'); fp->p++; break;
        case 'u':
          {
            int hi, lo;
            gunichar ch;

            if (fp->end - fp->p < 5 || (hi = hex4 (fp->p + 1)) < 0)
              return fast_fail (fp, "bad \\u escape");
            fp->p += 5;
            if (hi >= 0xd800 && hi <= 0xdbff)
              {
                if (fp->end - fp->p < 6 || fp->p[0] != '\\' || fp->p[1] != 'u' ||
                    (lo = hex4 (fp->p + 2)) < 0xdc00 || lo > 0xdfff)
                  return fast_fail (fp, "lone surrogate in \\u escape");
                fp->p += 6;
                ch = 0x10000 + (((gunichar) hi - 0xd800) << 10) + ((gunichar) lo - 0xdc00);
              }
            else if (hi >= 0xdc00 && hi <= 0xdfff)
              return fast_fail (fp, "lone surrogate in \\u escape");
            else
              ch = (gunichar) hi;
            if (ch == 0)
              return fast_fail (fp, "NUL in a string");
            g_string_append_unichar (fp->buf, ch);
          }
          break;
        default:
          return fast_fail (fp, "bad escape in a string");
        }
      run = fp->p;
    }

  return fast_fail (fp, "unterminated string");
}

static JsonNode *
fast_number (FastParser *fp)
{
  const char *s = fp->p;
  gboolean integer = TRUE;
  char tmp[64];
  JsonNode *node;

  if (fp->p < fp->end && *fp->p == '-')
    fp->p++;
  if (fp->p >= fp->end || !g_ascii_isdigit (*fp->p))
    {
      fast_fail (fp, "bad number");
      return NULL;
    }
  if (*fp->p == '0')
    fp->p++;
  else
    while (fp->p < fp->end && g_ascii_isdigit (*fp->p))
      fp->p++;
  if (fp->p < fp->end && *fp->p == '.')
    {
      integer = FALSE;
      fp->p++;
      if (fp->p >= fp->end || !g_ascii_isdigit (*fp->p))
        {
          fast_fail (fp, "bad number");
          return NULL;
        }
      while (fp->p < fp->end && g_ascii_isdigit (*fp->p))
        fp->p++;
    }
  if (fp->p < fp->end && (*fp->p == 'e' || *fp->p == 'E'))
    {
      integer = FALSE;
      fp->p++;
      if (fp->p < fp->end && (*fp->p == '+' || *fp->p == '-'))
        fp->p++;
      if (fp->p >= fp->end || !g_ascii_isdigit (*fp->p))
        {
          fast_fail (fp, "bad number");
          return NULL;
        }
      while (fp->p < fp->end && g_ascii_isdigit (*fp->p))
        fp->p++;
    }

  if ((gsize) (fp->p - s) >= sizeof tmp)
    {
      fast_fail (fp, "number too long");
      return NULL;
    }
  memcpy (tmp, s, fp->p - s);
  tmp[fp->p - s] = '\0';

  node = json_node_alloc ();
  if (integer)
    {
      char *endp = NULL;
      gint64 v;

      errno = 0;
      v = g_ascii_strtoll (tmp, &endp, 10);
      if (errno == 0)
        return json_node_init_int (node, v);
    }
  return json_node_init_double (node, g_ascii_strtod (tmp, NULL));
}

static gboolean
fast_literal (FastParser *fp,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (fp->end - fp->p) < len || memcmp (fp->p, word, len) != 0)
    return fast_fail (fp, "unexpected character");
  fp->p += len;
  return TRUE;
}

static JsonNode *
fast_value (FastParser *fp,
            guint       depth)
{
  fast_ws (fp);
  if (fp->p >= fp->end)
    {
      fast_fail (fp, "unexpected end of document");
      return NULL;
    }
  if (depth > FAST_MAX_DEPTH)
    {
      fast_fail (fp, "nested too deeply");
      return NULL;
    }

  switch (*fp->p)
    {
    case '"':
      if (!fast_string (fp))
        return NULL;
      return json_node_init_string (json_node_alloc (), fp->buf->str);

    case '{':
      {
        JsonObject *object = json_object_new ();
        JsonNode *node = json_node_init_object (json_node_alloc (), object);

        json_object_unref (object);
        fp->p++;
        fast_ws (fp);
        if (fp->p < fp->end && *fp->p == '}')
          {
            fp->p++;
            return node;
          }
        for (;;)
          {
            g_autofree char *name = NULL;
            JsonNode *member;

            fast_ws (fp);
            if (fp->p >= fp->end || *fp->p != '"')
              {
                fast_fail (fp, "expected a member name");
                break;
              }
            if (!fast_string (fp))
              break;
            name = g_strndup (fp->buf->str, fp->buf->len);
            fast_ws (fp);
            if (fp->p >= fp->end || *fp->p != ':')
              {
                fast_fail (fp, "expected ':'");
                break;
              }
            fp->p++;
            if (!(member = fast_value (fp, depth + 1)))
              break;
            json_object_set_member (object, name, member);
            fast_ws (fp);
            if (fp->p < fp->end && *fp->p == ',')
              {
                fp->p++;
                continue;
              }
            if (fp->p < fp->end && *fp->p == '}')
              {
                fp->p++;
                return node;
              }
            fast_fail (fp, "expected ',' or '}'");
            break;
          }
        json_node_unref (node);
        return NULL;
      }

    case '[':
      {
        JsonArray *array = json_array_new ();
        JsonNode *node = json_node_init_array (json_node_alloc (), array);

        json_array_unref (array);
        fp->p++;
        fast_ws (fp);
        if (fp->p < fp->end && *fp->p == ']')
          {
            fp->p++;
            return node;
          }
        for (;;)
          {
            JsonNode *element = fast_value (fp, depth + 1);

            if (element == NULL)
              break;
            json_array_add_element (array, element);
            fast_ws (fp);
            if (fp->p < fp->end && *fp->p == ',')
              {
                fp->p++;
                continue;
              }
            if (fp->p < fp->end && *fp->p == ']')
              {
                fp->p++;
                return node;
              }
            fast_fail (fp, "expected ',' or ']'");
            break;
          }
        json_node_unref (node);
        return NULL;
      }

    case 't':
      return fast_literal (fp, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return fast_literal (fp, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return fast_literal (fp, "null") ? json_node_init_null (json_node_alloc ()) : NULL;

    default:
      return fast_number (fp);
    }
}

JsonNode *
sp_json_parse (const char  *data,
               gssize       len,
               GError     **error)
{
  FastParser fp = { 0 };
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "empty document");
      return NULL;
    }
  if (len < 0)
    len = (gssize) strlen (data);
  if (!sp_utf8_is_valid (data, (gsize) len))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document is not valid UTF-8");
      return NULL;
    }
  if (memchr (data, '\0', (gsize) len) != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document contains a NUL byte");
      return NULL;
    }

  fp.start = fp.p = data;
  fp.end = data + len;
  fast_ws (&fp);
  if (fp.p >= fp.end)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "empty document");
      return NULL;
    }

  fp.buf = g_string_sized_new (256);
  root = fast_value (&fp, 0);
  g_string_free (fp.buf, TRUE);
  if (root != NULL)
    {
      fast_ws (&fp);
      if (fp.p < fp.end)
        {
          fast_fail (&fp, "trailing data after the document");
          g_clear_pointer (&root, json_node_unref);
        }
    }

  if (root == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "malformed JSON at byte %" G_GSIZE_FORMAT ": %s",
                   (gsize) (fp.p - fp.start), fp.problem ? fp.problem : "syntax error");
      return NULL;
    }
  return root;
}

char *
sp_json_to_string (JsonNode *node,
                   gsize    *len)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, len);
}

/* -- pull pages decoded without a tree of the page ---------------------- */

enum {
  PM_CHANGE_ID,
  PM_ENTITY,
  PM_ID,
  PM_BASE_VERSION,
  PM_VERSION,
  PM_HLC,
  PM_OP,
  PM_FIELDS,
  PM_N
};

G_STATIC_ASSERT (PM_N <= G_N_ELEMENTS (((FastParser *) NULL)->member_buf));

static const char * const page_member_names[PM_N] = {
  "change_id", "entity", "id", "base_version", "version", "hlc", "op", "fields",
};

static int
page_member_index (const char *name)
{
  for (int i = 0; i < PM_N; i++)
    if (strcmp (name, page_member_names[i]) == 0)
      return i;
  return -1;
}

/* Reads "name": (fp->p at the quote) into fp->buf and moves past the ':'. */
static gboolean
fast_member_name (FastParser *fp)
{
  fast_ws (fp);
  if (fp->p >= fp->end || *fp->p != '"')
    return fast_fail (fp, "expected a member name");
  if (!fast_string (fp))
    return FALSE;
  fast_ws (fp);
  if (fp->p >= fp->end || *fp->p != ':')
    return fast_fail (fp, "expected ':'");
  fp->p++;
  return TRUE;
}

/* Past white space: TRUE (and past it) when @close follows, as in an
 * empty object or array. */
static gboolean
fast_closes (FastParser *fp,
             char        close)
{
  fast_ws (fp);
  if (fp->p < fp->end && *fp->p == close)
    {
      fp->p++;
      return TRUE;
    }
  return FALSE;
}

/* After a member or element: TRUE with *done set at @close, TRUE at ','. */
static gboolean
fast_next (FastParser *fp,
           char        close,
           gboolean   *done)
{
  fast_ws (fp);
  if (fp->p < fp->end && *fp->p == ',')
    {
      fp->p++;
      *done = FALSE;
      return TRUE;
    }
  if (fp->p < fp->end && *fp->p == close)
    {
      fp->p++;
      *done = TRUE;
      return TRUE;
    }
  return fast_fail (fp, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

/* The "fields" object of a change of @entity, parsed straight into
 * @fields and validated like sp_change_validate_fields(). Members the
 * registry does not know fail with SP_ERROR_UNKNOWN_FIELD when @strict (a
 * push), else they are dropped (a pull from a newer server). */
/* The member value at @fp as a JsonNode checked for @field (a string for a
 * STRV field split into lines); NULL on a syntax error (fp->problem) or
 * with @error "fields.NAME: ..." when the value does not fit the field. */
static JsonNode *
fast_field_node (FastParser     *fp,
                 const SpField  *field,
                 GError        **error)
{
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(value = fast_value (fp, 3)))
    return NULL;
  if (field->type == SP_FIELD_STRV && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    {
      JsonNode *lines = normalize_strv (value);

      json_node_unref (value);
      value = lines;
    }
  if (!sp_field_validate (field, value, &local_error))
    {
      g_set_error (error, SP_ERROR, local_error->code,
                   "fields.%s: %s", field->name, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&value);
}

static gboolean
fast_fields (FastParser      *fp,
             const SpEntity  *entity,
             gboolean         strict,
             JsonObject      *fields,
             GError         **error)
{
  gboolean done = FALSE;

  fast_ws (fp);
  if (fp->p >= fp->end || *fp->p != '{')
    return fast_fail (fp, "expected an object");
  fp->p++;
  if (fast_closes (fp, '}'))
    return TRUE;

  while (!done)
    {
      g_autoptr(JsonNode) value = NULL;
      const SpField *field;

      if (!fast_member_name (fp))
        return FALSE;
      field = sp_entity_get_field (entity, fp->buf->str);
      if (field == NULL && strict)
        {
          g_autofree char *shown = g_utf8_make_valid (fp->buf->str, MIN (fp->buf->len, 64));

          g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD,
                       "fields.%s: unknown field of %s", shown, entity->name);
          return FALSE;
        }
      if (field == NULL)
        {
          /* not ours: parse (to check the syntax) and drop */
          if (!(value = fast_value (fp, 3)))
            return FALSE;
        }
      else
        {
          /* field->name is static, it outlives fp->buf */
          if (!(value = fast_field_node (fp, field, error)))
            return FALSE;
          json_object_set_member (fields, field->name, g_steal_pointer (&value));
        }
      if (!fast_next (fp, '}', &done))
        return FALSE;
    }
  return TRUE;
}

/* A string of a TEXT or ENUM field in fp->buf passes sp_field_validate()
 * (decoded strings are valid UTF-8 without NUL: the document was checked
 * as a whole, escapes of NUL and lone surrogates are refused). */
static gboolean
text_value_ok (const SpField *field,
               const GString *text)
{
  guint max_len = field->max_len ? field->max_len : SP_FIELD_DEFAULT_MAX_LEN;

  if (text->len > max_len)
    return FALSE;
  return field->type != SP_FIELD_ENUM ||
         (field->enum_values != NULL && g_strv_contains (field->enum_values, text->str));
}

/* A JSON array of strings of a STRV field (fp->p at '['), appended to
 * fp->arena as the column stores it (sp_field_list_append_item), when it
 * passes sp_field_validate(). FALSE otherwise, with fp->p anywhere: the
 * caller decodes it again the general way (for the error). */
static gboolean
fast_list_value (FastParser     *fp,
                 const SpField  *field,
                 SpFieldValue   *out,
                 gsize          *offset)
{
  guint max_len = field->max_len ? field->max_len : SP_FIELD_DEFAULT_MAX_LEN;
  guint max_items = field->max_items ? field->max_items
                    : (field->max_len ? field->max_len : SP_FIELD_DEFAULT_MAX_ITEMS);
  gsize start = fp->arena->len;
  gboolean done;
  guint n = 0;

  fp->p++;
  g_string_append_c (fp->arena, '[');
  done = fast_closes (fp, ']');
  while (!done)
    {
      fast_ws (fp);
      if (fp->p >= fp->end || *fp->p != '"' || n >= max_items)
        return FALSE;
      if (!fast_string (fp) || fp->buf->len > max_len)
        return FALSE;
      if (n++ > 0)
        g_string_append_c (fp->arena, ',');
      sp_field_list_append_item (fp->arena, fp->buf->str, fp->buf->len);
      if (!fast_next (fp, ']', &done))
        return FALSE;
    }
  g_string_append_c (fp->arena, ']');
  out->kind = SP_VALUE_LIST;
  out->len = (guint) (fp->arena->len - start);
  g_string_append_c (fp->arena, '\0');
  *offset = start;
  return TRUE;
}

/* A validated value of @field as the row stores it, text into fp->arena. */
static void
node_to_value (FastParser    *fp,
               const SpField *field,
               JsonNode      *value,
               SpFieldValue  *out,
               gsize         *offset)
{
  if (JSON_NODE_HOLDS_NULL (value))
    {
      out->kind = SP_VALUE_NULL;
      return;
    }
  switch (field->type)
    {
    case SP_FIELD_INT:
      out->kind = SP_VALUE_INT;
      out->num = json_node_get_int (value);
      break;

    case SP_FIELD_BOOL:
      out->kind = SP_VALUE_INT;
      out->num = json_node_get_boolean (value) ? 1 : 0;
      break;

    case SP_FIELD_STRV:
      {
        JsonArray *array = json_node_get_array (value);
        guint n = json_array_get_length (array);

        *offset = fp->arena->len;
        g_string_append_c (fp->arena, '[');
        for (guint i = 0; i < n; i++)
          {
            const char *item = json_array_get_string_element (array, i);

            if (i > 0)
              g_string_append_c (fp->arena, ',');
            sp_field_list_append_item (fp->arena, item, strlen (item));
          }
        g_string_append_c (fp->arena, ']');
        out->kind = SP_VALUE_LIST;
        out->len = (guint) (fp->arena->len - *offset);
        g_string_append_c (fp->arena, '\0');
      }
      break;

    case SP_FIELD_TEXT:
    case SP_FIELD_ENUM:
    default:
      {
        const char *text = json_node_get_string (value);

        out->kind = SP_VALUE_TEXT;
        out->len = (guint) strlen (text);
        *offset = fp->arena->len;
        g_string_append_len (fp->arena, text, out->len + 1);
      }
      break;
    }
}

/* One member value of @field into @out: strings of TEXT and ENUM fields,
 * arrays of strings of STRV fields and null straight from the text, the
 * rest (and every value that fails) through a JsonNode with exactly the
 * checks and messages of fast_fields(). */
static gboolean
fast_field_value (FastParser     *fp,
                  const SpField  *field,
                  SpFieldValue   *out,
                  gsize          *offset,
                  GError        **error)
{
  g_autoptr(JsonNode) value = NULL;
  const char *start;
  gsize arena_len = fp->arena->len;

  fast_ws (fp);
  start = fp->p;
  if (fp->p < fp->end && *fp->p == '"' &&
      (field->type == SP_FIELD_TEXT || field->type == SP_FIELD_ENUM))
    {
      if (!fast_string (fp))
        return FALSE;
      if (text_value_ok (field, fp->buf))
        {
          out->kind = SP_VALUE_TEXT;
          out->len = (guint) fp->buf->len;
          *offset = arena_len;
          buf_append (fp->arena, fp->buf->str, fp->buf->len + 1);
          return TRUE;
        }
      fp->p = start;
    }
  else if (fp->p < fp->end && *fp->p == '[' && field->type == SP_FIELD_STRV)
    {
      if (fast_list_value (fp, field, out, offset))
        return TRUE;
      /* not a list the column takes as it is, or a syntax error: again
       * below, which finds the same syntax error or the reason */
      g_string_truncate (fp->arena, arena_len);
      fp->problem = NULL;
      fp->p = start;
    }

  if (!(value = fast_field_node (fp, field, error)))
    return FALSE;
  node_to_value (fp, field, value, out, offset);
  return TRUE;
}

/* The "fields" object of a change of @entity decoded into change->values
 * (pull pages, push bodies): the members fast_fields() keeps, with its checks and
 * messages, without a JsonNode per value. */
static gboolean
fast_field_values (FastParser      *fp,
                   const SpEntity  *entity,
                   gboolean         strict,
                   SpChange        *change,
                   GError         **error)
{
  SpFieldValue values[64];
  gsize offsets[64];
  gsize size;
  char *block;
  gboolean done = FALSE;
  guint next = 0;   /* registry order is the usual order of the members */

  if (entity->n_fields > G_N_ELEMENTS (values))
    {
      change->fields = json_object_new ();
      return fast_fields (fp, entity, strict, change->fields, error);
    }

  memset (values, 0, entity->n_fields * sizeof values[0]);
  g_string_truncate (fp->arena, 0);

  fast_ws (fp);
  if (fp->p >= fp->end || *fp->p != '{')
    return fast_fail (fp, "expected an object");
  fp->p++;
  done = fast_closes (fp, '}');

  while (!done)
    {
      int i;

      if (!fast_member_name (fp))
        return FALSE;
      if (next < entity->n_fields && strcmp (entity->fields[next].name, fp->buf->str) == 0)
        i = (int) next;
      else
        i = sp_entity_field_index (entity, fp->buf->str);
      if (i < 0 && strict)
        {
          g_autofree char *shown = g_utf8_make_valid (fp->buf->str, MIN (fp->buf->len, 64));

          g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD,
                       "fields.%s: unknown field of %s", shown, entity->name);
          return FALSE;
        }
      if (i < 0)
        {
          /* not ours: parse (to check the syntax) and drop */
          JsonNode *other = fast_value (fp, 3);

          if (other == NULL)
            return FALSE;
          json_node_unref (other);
        }
      else
        {
          next = (guint) i + 1;
          if (!fast_field_value (fp, &entity->fields[i], &values[i], &offsets[i], error))
            return FALSE;
        }
      if (!fast_next (fp, '}', &done))
        return FALSE;
    }

  size = entity->n_fields * sizeof values[0];
  block = g_malloc (size + fp->arena->len);
  memcpy (block + size, fp->arena->str, fp->arena->len);
  for (guint i = 0; i < entity->n_fields; i++)
    if (values[i].kind == SP_VALUE_TEXT || values[i].kind == SP_VALUE_LIST)
      values[i].text = block + size + offsets[i];
  memcpy (block, values, size);
  change->values = (SpFieldValue *) block;
  return TRUE;
}

/* A non-negative integer of at most 18 digits (fp->p at its start) as
 * fast_number() reads it; FALSE (fp->p unmoved) for anything else, which
 * the caller reads as a node. */
static gboolean
fast_plain_int (FastParser *fp,
                gint64     *out)
{
  const char *p = fp->p;
  gint64 v = 0;
  int n = 0;

  if (p < fp->end && *p == '0' && p + 1 < fp->end && g_ascii_isdigit (p[1]))
    return FALSE;
  while (p < fp->end && g_ascii_isdigit (*p) && n < 18)
    {
      v = v * 10 + (*p - '0');
      p++;
      n++;
    }
  if (n == 0 || (p < fp->end && (g_ascii_isdigit (*p) || *p == '.' || *p == 'e' || *p == 'E')))
    return FALSE;
  *out = v;
  fp->p = p;
  return TRUE;
}

/* One member of a change for check_members(): a JsonNode (the tree, or a
 * value of an unusual type), or a string or a non-negative integer the
 * streaming decoders read without a node. All unset: missing. */
typedef struct {
  JsonNode *node;
  GString  *str;
  gboolean  is_int;
  gint64    num;
} Member;

static void
member_clear (Member *member)
{
  g_clear_pointer (&member->node, json_node_unref);
  member->str = NULL;
  member->is_int = FALSE;
}

/* The string of @member, NULL (without an error) when it is not one. */
static const char *
member_peek_string (const Member *member)
{
  if (member->str != NULL)
    return member->str->str;
  if (member->node != NULL && JSON_NODE_HOLDS_VALUE (member->node) &&
      json_node_get_value_type (member->node) == G_TYPE_STRING)
    return json_node_get_string (member->node);
  return NULL;
}

static const char *
member_string (const Member  *member,
               const char    *name,
               GError       **error)
{
  if (member->str != NULL)
    return member->str->str;
  if (member->is_int)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected a string, got an integer", name);
      return NULL;
    }
  return node_string (member->node, name, error);
}

static gboolean
member_int (const Member  *member,
            const char    *name,
            gint64        *out,
            GError       **error)
{
  if (member->is_int)
    {
      *out = member->num;   /* never negative */
      return TRUE;
    }
  if (member->str != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected an integer, got a string", name);
      return FALSE;
    }
  return node_int (member->node, name, out, error);
}

/* The string member @name as a valid id (owned), NULL with @error set. */
static char *
node_id (const Member  *member,
         const char    *name,
         GError       **error)
{
  const char *s;

  if (!(s = member_string (member, name, error)))
    return NULL;
  if (!sp_id_is_valid (s))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: must be 1 to 64 characters of A-Z a-z 0-9 . _ : -", name);
      return NULL;
    }
  return g_strdup (s);
}

/* The checks of one change on its members (NULL when missing), the same
 * for the tree (sp_change_from_json) and the streaming decoders of pull
 * pages and push bodies, in this order: change_id, entity, id,
 * base_version, version (@with_version), hlc, op, fields. @change gets the
 * values; its fields are already decoded and validated when @fields_done.
 * An entity this program does not know fails with SP_ERROR_UNKNOWN_ENTITY
 * when @strict, else sets *skip (then nothing else is checked); unknown
 * fields fail when @strict, else they are dropped. */
static gboolean
check_members (const Member    *members,
               SpChange        *change,
               gboolean         fields_done,
               gboolean         with_version,
               gboolean         strict,
               gboolean        *skip,
               GError         **error)
{
  const SpEntity *entity;
  const char *s;

  *skip = FALSE;

  if (!(change->change_id = node_id (&members[PM_CHANGE_ID], "change_id", error)))
    return FALSE;

  if (!(s = member_string (&members[PM_ENTITY], "entity", error)))
    return FALSE;
  if (!(entity = sp_entity_lookup (s)))
    {
      g_autofree char *shown = NULL;

      if (!strict)
        {
          *skip = TRUE;   /* an entity this program does not know */
          return TRUE;
        }
      shown = g_utf8_make_valid (s, MIN (strlen (s), 64));
      g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_ENTITY,
                   "entity: unknown entity “%s”", shown);
      return FALSE;
    }
  change->entity = g_strdup (s);

  if (!(change->id = node_id (&members[PM_ID], "id", error)))
    return FALSE;

  if (!member_int (&members[PM_BASE_VERSION], "base_version", &change->base_version, error))
    return FALSE;
  if (with_version && !member_int (&members[PM_VERSION], "version", &change->version, error))
    return FALSE;

  if (!(s = member_string (&members[PM_HLC], "hlc", error)))
    return FALSE;
  if (!sp_hlc_is_valid (s))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "hlc: expected MMMMMMMMMMMMMMM:CCCC:NODE");
      return FALSE;
    }
  change->hlc = g_strdup (s);

  if (!(s = member_string (&members[PM_OP], "op", error)))
    return FALSE;
  if (strcmp (s, "upsert") == 0)
    change->op = SP_OP_UPSERT;
  else if (strcmp (s, "delete") == 0)
    change->op = SP_OP_DELETE;
  else
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "op: expected \"upsert\" or \"delete\"");
      return FALSE;
    }

  if (!fields_done)
    {
      JsonNode *fields_node = members[PM_FIELDS].node;

      if (fields_node == NULL || JSON_NODE_HOLDS_NULL (fields_node))
        {
          if (change->op == SP_OP_UPSERT)
            {
              g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "fields: missing");
              return FALSE;
            }
        }
      else if (!JSON_NODE_HOLDS_OBJECT (fields_node))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "fields: expected an object, got %s", type_name (fields_node));
          return FALSE;
        }
      else
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(JsonObject) known = NULL;
          JsonObject *validated;

          if (strict)
            known = json_object_ref (json_node_get_object (fields_node));
          else
            {
              JsonObjectIter iter;
              const char *name;
              JsonNode *value;

              known = json_object_new ();
              json_object_iter_init (&iter, json_node_get_object (fields_node));
              while (json_object_iter_next (&iter, &name, &value))
                if (sp_entity_get_field (entity, name) != NULL)
                  json_object_set_member (known, name, json_node_ref (value));
            }

          validated = sp_change_validate_fields (entity, known, &local_error);
          if (validated == NULL)
            {
              g_set_error (error, SP_ERROR, local_error->code,
                           "fields.%s", local_error->message);
              return FALSE;
            }
          g_clear_pointer (&change->fields, json_object_unref);
          g_clear_pointer (&change->values, g_free);
          change->fields = validated;
        }
    }

  return TRUE;
}

static SpChange *
change_from_object (JsonObject  *object,
                    gboolean     with_version,
                    GError     **error)
{
  Member members[PM_N] = { { 0 } };
  g_autoptr(SpChange) change = sp_change_new ();
  gboolean skip;

  for (int i = 0; i < PM_N; i++)
    members[i].node = json_object_get_member (object, page_member_names[i]);   /* borrowed */
  if (!check_members (members, change, FALSE, with_version, TRUE, &skip, error))
    return NULL;
  return g_steal_pointer (&change);
}

/* One element of "changes" (fp->p at its start), checked by
 * check_members(), its fields decoded into values when "entity" comes
 * first (the usual order), else as an object. *change is NULL without error for an entity this
 * program does not know (not @strict). A syntax error returns FALSE with
 * fp->problem set and no @error. */
static gboolean
fast_change (FastParser  *fp,
             gboolean     with_version,
             gboolean     strict,
             SpChange   **change_out,
             GError     **error)
{
  Member members[PM_N] = { { 0 } };
  g_autoptr(SpChange) change = NULL;
  const SpEntity *entity = NULL;
  gboolean fields_done = FALSE;
  gboolean done = FALSE;
  gboolean ok = FALSE;
  gboolean skip = FALSE;

  *change_out = NULL;
  fast_ws (fp);
  if (fp->p >= fp->end || *fp->p != '{')
    {
      JsonNode *other = fast_value (fp, 2);

      if (other != NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "expected an object, got %s", type_name (other));
          json_node_unref (other);
        }
      return FALSE;
    }
  fp->p++;
  change = g_new0 (SpChange, 1);   /* fields or values below */
  change->op = SP_OP_UPSERT;

  done = fast_closes (fp, '}');

  while (!done)
    {
      int m;

      if (!fast_member_name (fp))
        goto out;
      m = page_member_index (fp->buf->str);

      if (m == PM_FIELDS && entity == NULL && member_peek_string (&members[PM_ENTITY]) != NULL)
        entity = sp_entity_lookup (member_peek_string (&members[PM_ENTITY]));

      fast_ws (fp);
      if (m >= 0 && m != PM_FIELDS && fp->p < fp->end && *fp->p == '"' &&
          m != PM_BASE_VERSION && m != PM_VERSION)
        {
          GString *swap;

          /* a string member (the usual case): no node, the buffer kept */
          if (!fast_string (fp))
            goto out;
          member_clear (&members[m]);
          if (fp->member_buf[m] == NULL)
            fp->member_buf[m] = g_string_sized_new (64);
          swap = fp->member_buf[m];
          fp->member_buf[m] = fp->buf;
          fp->buf = swap;
          members[m].str = fp->member_buf[m];
        }
      else if ((m == PM_BASE_VERSION || m == PM_VERSION) && fast_plain_int (fp, &members[m].num))
        {
          g_clear_pointer (&members[m].node, json_node_unref);
          members[m].str = NULL;
          members[m].is_int = TRUE;
        }
      else if (m == PM_FIELDS && entity != NULL && fp->p < fp->end && *fp->p == '{')
        {
          /* the usual order: entity before fields, decoded in place */
          member_clear (&members[PM_FIELDS]);
          g_clear_pointer (&change->fields, json_object_unref);
          g_clear_pointer (&change->values, g_free);
          if (!fast_field_values (fp, entity, strict, change, error))
            goto out;
          fields_done = TRUE;
        }
      else
        {
          JsonNode *value = fast_value (fp, 2);

          if (value == NULL)
            goto out;
          if (m < 0)
            json_node_unref (value);    /* members we do not use */
          else
            {
              member_clear (&members[m]);
              members[m].node = value;
              if (m == PM_FIELDS)
                fields_done = FALSE;
            }
        }
      if (m == PM_ENTITY && fields_done)
        {
          /* fields were checked against the first entity */
          fast_fail (fp, "entity repeated after fields");
          goto out;
        }
      if (!fast_next (fp, '}', &done))
        goto out;
    }

  if (!check_members (members, change, fields_done, with_version, strict, &skip, error))
    goto out;
  if (change->fields == NULL && change->values == NULL)
    change->fields = json_object_new ();
  if (!skip)
    *change_out = g_steal_pointer (&change);
  ok = TRUE;

out:
  for (int i = 0; i < PM_N; i++)
    member_clear (&members[i]);
  return ok;
}

/* Checks the document as a whole before it is decoded. */
static gboolean
fast_document_ok (const char  *data,
                  gsize        len,
                  GError     **error)
{
  if (data == NULL || len == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "empty document");
      return FALSE;
    }
  if (!sp_utf8_is_valid (data, len))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document is not valid UTF-8");
      return FALSE;
    }
  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "document contains a NUL byte");
      return FALSE;
    }
  return TRUE;
}

static void
fast_syntax_error (FastParser  *fp,
                   GError     **error)
{
  g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "malformed JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (fp->p - fp->start), fp->problem ? fp->problem : "syntax error");
}

/* Reads one element of the array of a push document (fp->p at it) into
 * @items; FALSE with *error set for a bad element, unset for malformed
 * JSON. */
typedef gboolean (*FastItemFunc) (FastParser  *fp,
                                  GPtrArray   *items,
                                  GError     **error);

/* The documents of a push, {"changes": [..]} and {"results": [..]}: the
 * elements of the array member @name, each read by @item into a new array
 * (freed with @free_func; a repeated member replaces the earlier one), at
 * most @max_items, other members skipped. Errors as
 * sp_change_parse_push_body() describes, naming @name. */
static GPtrArray *
fast_push_document (const char      *data,
                    gsize            len,
                    const char      *name,
                    guint            max_items,
                    FastItemFunc     item,
                    GDestroyNotify   free_func,
                    GError         **error)
{
  g_auto(FastParser) fp = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  gboolean done = FALSE;

  if (!fast_document_ok (data, len, error))
    return NULL;

  fp.start = fp.p = data;
  fp.end = data + len;
  fp.buf = g_string_sized_new (256);
  fp.arena = g_string_sized_new (4096);

  fast_ws (&fp);
  if (fp.p >= fp.end || *fp.p != '{')
    {
      g_autoptr(JsonNode) other = fast_value (&fp, 0);

      if (other == NULL)
        fast_syntax_error (&fp, error);
      else
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                     "expected a JSON object {\"%s\": [..]}", name);
      return NULL;
    }
  fp.p++;
  done = fast_closes (&fp, '}');

  while (!done)
    {
      gboolean is_items;

      if (!fast_member_name (&fp))
        goto syntax;
      is_items = strcmp (fp.buf->str, name) == 0;
      fast_ws (&fp);

      if (!is_items || fp.p >= fp.end || *fp.p != '[')
        {
          g_autoptr(JsonNode) value = fast_value (&fp, 1);

          if (value == NULL)
            goto syntax;
          if (is_items)
            {
              g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected an array", name);
              return NULL;
            }
        }
      else
        {
          gboolean end = FALSE;

          /* A repeated member replaces the earlier one. */
          g_clear_pointer (&items, g_ptr_array_unref);
          items = g_ptr_array_new_with_free_func (free_func);
          fp.p++;
          end = fast_closes (&fp, ']');
          while (!end)
            {
              g_autoptr(GError) local_error = NULL;

              if (items->len >= max_items)
                {
                  g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                               "%s: more than %u %s in one request", name, max_items, name);
                  return NULL;
                }
              fast_ws (&fp);
              if (!item (&fp, items, &local_error))
                {
                  if (local_error == NULL)
                    fast_syntax_error (&fp, &local_error);
                  g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                              "%s[%u]: ", name, items->len);
                  return NULL;
                }
              if (!fast_next (&fp, ']', &end))
                goto syntax;
            }
        }
      if (!fast_next (&fp, '}', &done))
        goto syntax;
    }

  fast_ws (&fp);
  if (fp.p < fp.end)
    {
      fast_fail (&fp, "trailing data after the document");
      goto syntax;
    }
  if (items == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", name);
      return NULL;
    }
  return g_steal_pointer (&items);

syntax:
  fast_syntax_error (&fp, error);
  return NULL;
}

static gboolean
push_change_item (FastParser  *fp,
                  GPtrArray   *items,
                  GError     **error)
{
  SpChange *change = NULL;

  /* fields as values, like a pull page: the server binds them as they
   * are and builds the object only where its logic needs one */
  if (!fast_change (fp, FALSE, TRUE, &change, error))
    return FALSE;
  g_ptr_array_add (items, change);
  return TRUE;
}

GPtrArray *
sp_change_parse_push_body (const char  *data,
                           gsize        len,
                           guint        max_changes,
                           GError     **error)
{
  return fast_push_document (data, len, "changes", max_changes, push_change_item,
                             (GDestroyNotify) sp_change_free, error);
}

gboolean
sp_change_parse_pull_page (const char  *data,
                           gsize        len,
                           GPtrArray  **changes_out,
                           char       **cursor_out,
                           gboolean    *more_out,
                           GError     **error)
{
  g_auto(FastParser) fp = { 0 };
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *cursor = NULL;
  gboolean more = FALSE;
  gboolean have_changes = FALSE;
  gboolean done = FALSE;
  GError *local_error = NULL;
  guint index = 0;

  g_return_val_if_fail (changes_out != NULL && cursor_out != NULL && more_out != NULL, FALSE);

  if (!fast_document_ok (data, len, error))
    return FALSE;

  fp.start = fp.p = data;
  fp.end = data + len;
  fp.buf = g_string_sized_new (256);
  fp.arena = g_string_sized_new (4096);
  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  fast_ws (&fp);
  if (fp.p >= fp.end || *fp.p != '{')
    {
      fast_fail (&fp, "not a JSON object");
      goto syntax;
    }
  fp.p++;
  done = fast_closes (&fp, '}');

  while (!done)
    {
      if (!fast_member_name (&fp))
        goto syntax;

      if (strcmp (fp.buf->str, "changes") == 0)
        {
          gboolean end = FALSE;

          fast_ws (&fp);
          if (fp.p >= fp.end || *fp.p != '[')
            {
              JsonNode *other = fast_value (&fp, 1);

              if (other == NULL)
                goto syntax;
              json_node_unref (other);
              g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "no changes");
              return FALSE;
            }
          fp.p++;
          g_ptr_array_set_size (changes, 0);
          have_changes = TRUE;
          index = 0;
          end = fast_closes (&fp, ']');
          while (!end)
            {
              SpChange *change = NULL;

              if (!fast_change (&fp, TRUE, FALSE, &change, &local_error))
                {
                  if (local_error == NULL)
                    goto syntax;
                  g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "changes[%u].%s",
                               index, local_error->message);
                  g_clear_error (&local_error);
                  return FALSE;
                }
              if (change != NULL)
                g_ptr_array_add (changes, change);
              index++;
              if (!fast_next (&fp, ']', &end))
                goto syntax;
            }
        }
      else
        {
          g_autoptr(JsonNode) value = NULL;
          g_autofree char *name = g_strdup (fp.buf->str);

          if (!(value = fast_value (&fp, 1)))
            goto syntax;
          if (strcmp (name, "cursor") == 0)
            {
              g_clear_pointer (&cursor, g_free);
              if (JSON_NODE_HOLDS_VALUE (value) &&
                  json_node_get_value_type (value) == G_TYPE_STRING)
                cursor = g_strdup (json_node_get_string (value));
            }
          else if (strcmp (name, "more") == 0)
            more = JSON_NODE_HOLDS_VALUE (value) &&
                   json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                   json_node_get_boolean (value);
        }
      if (!fast_next (&fp, '}', &done))
        goto syntax;
    }

  fast_ws (&fp);
  if (fp.p < fp.end)
    {
      fast_fail (&fp, "trailing data after the document");
      goto syntax;
    }

  if (!have_changes)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "no changes");
      return FALSE;
    }
  if (cursor == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_PROTOCOL, "no cursor");
      return FALSE;
    }

  *changes_out = g_steal_pointer (&changes);
  *cursor_out = g_steal_pointer (&cursor);
  *more_out = more;
  return TRUE;

syntax:
  fast_syntax_error (&fp, error);
  return FALSE;
}

/* One element of "results" (fp->p at it): the usual {"change_id": string,
 * "status": string, "version": integer} read in place; anything else
 * through a node and sp_change_result_from_json(), for the same checks
 * and messages. */
static SpChangeResult *
fast_result (FastParser  *fp,
             GError     **error)
{
  const char *start = fp->p;
  g_autofree char *change_id = NULL;
  gboolean has_status = FALSE;
  gboolean has_version = FALSE;
  SpResultStatus status = SP_RESULT_APPLIED;
  gint64 version = 0;
  gboolean done;

  if (fp->p < fp->end && *fp->p == '{')
    {
      fp->p++;
      done = fast_closes (fp, '}');
      while (!done)
        {
          if (!fast_member_name (fp))
            goto general;
          fast_ws (fp);
          if (strcmp (fp->buf->str, "change_id") == 0 && fp->p < fp->end && *fp->p == '"' &&
              change_id == NULL)
            {
              if (!fast_string (fp))
                goto general;
              change_id = g_strndup (fp->buf->str, fp->buf->len);
            }
          else if (strcmp (fp->buf->str, "status") == 0 && fp->p < fp->end && *fp->p == '"' &&
                   !has_status)
            {
              if (!fast_string (fp) || !sp_result_status_from_string (fp->buf->str, &status))
                goto general;
              has_status = TRUE;
            }
          else if (strcmp (fp->buf->str, "version") == 0 && !has_version &&
                   fast_plain_int (fp, &version))
            has_version = TRUE;
          else
            goto general;
          if (!fast_next (fp, '}', &done))
            goto general;
        }
      if (change_id != NULL && has_status && has_version && sp_id_is_valid (change_id))
        return sp_change_result_new (change_id, status, version);
    }

general:
  {
    g_autoptr(JsonNode) node = NULL;

    fp->p = start;
    fp->problem = NULL;
    if (!(node = fast_value (fp, 1)))
      return NULL;
    return sp_change_result_from_json (node, error);
  }
}

static gboolean
push_result_item (FastParser  *fp,
                  GPtrArray   *items,
                  GError     **error)
{
  SpChangeResult *result = fast_result (fp, error);

  if (result == NULL)
    return FALSE;
  g_ptr_array_add (items, result);
  return TRUE;
}

GPtrArray *
sp_change_parse_push_answer (const char  *data,
                             gsize        len,
                             GError     **error)
{
  return fast_push_document (data, len, "results", G_MAXUINT, push_result_item,
                             (GDestroyNotify) sp_change_result_free, error);
}
