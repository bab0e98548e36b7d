/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sp-entity.h"

G_BEGIN_DECLS

/* One change as it travels in the sync protocol (contract):
 *   {"change_id":UUID,"entity":..,"id":..,"base_version":N,"hlc":..,
 *    "op":"upsert"|"delete","fields":{..}}
 * and, when pulled, the same plus "version". */

typedef enum {
  SP_OP_UPSERT,
  SP_OP_DELETE,
} SpOp;

typedef struct {
  char       *change_id;
  char       *entity;
  char       *id;
  gint64      base_version;   /* 0 = new row */
  gint64      version;        /* server sequence; 0 while unsent */
  char       *hlc;
  SpOp        op;
  JsonObject *fields;         /* empty for deletes; NULL when @values is set */
  /* Set instead of @fields by sp_change_parse_pull_page() and
   * sp_change_parse_push_body() (the sync data paths: no JsonObject per
   * change): one value per field of the entity,
   * in registry order, in one block with their text (owned).
   * sp_change_get_fields() turns them into @fields when something needs
   * the object. Exactly one of @fields and @values is set. */
  SpFieldValue *values;
} SpChange;

typedef enum {
  SP_RESULT_APPLIED,
  SP_RESULT_DUPLICATE,
  SP_RESULT_CONFLICT,
} SpResultStatus;

typedef struct {
  char           *change_id;
  SpResultStatus  status;
  gint64          version;
} SpChangeResult;

SpChange       *sp_change_new              (void);
/* An upsert of row @id (taken, not copied) of @entity, no fields yet. */
SpChange       *sp_change_new_upsert       (const char     *entity,
                                            char           *id);
SpChange       *sp_change_copy             (const SpChange *change);
void            sp_change_free             (SpChange *change);
const char     *sp_op_to_string            (SpOp op);
/* The fields of @change as an object (owned by @change): @fields, built
 * from @values first if the change was decoded into values. */
JsonObject     *sp_change_get_fields       (SpChange       *change);
/* The fields of @change as a new reference, without changing @change. */
JsonObject     *sp_change_dup_fields       (const SpChange *change);
/* The string value of @field of @change (values or fields), NULL when the
 * change does not set it to a string. Borrowed from @change. */
const char     *sp_change_peek_string      (const SpChange *change,
                                            const char     *field);

/* Parse and validate a change against the registry: known entity, known
 * fields with the right types and sizes, valid ids and HLC. With
 * @with_version the "version" member is required (a pulled change). */
SpChange       *sp_change_from_json        (JsonNode  *node,
                                            gboolean   with_version,
                                            GError   **error);
/* Validate @fields (a change's "fields" or a local edit) against @entity:
 * unknown members fail with SP_ERROR_UNKNOWN_FIELD, bad values with
 * SP_ERROR_INVALID ("name: expected a string, got an integer"). A string
 * for a STRV field is split into lines (blank lines dropped). Returns a
 * normalized copy. */
JsonObject     *sp_change_validate_fields  (const SpEntity *entity,
                                            JsonObject     *fields,
                                            GError        **error);
JsonNode       *sp_change_to_json          (const SpChange *change,
                                            gboolean        with_version);
/* The same JSON as sp_change_to_json(), appended to @out as text without
 * building a tree (fast path for pages of thousands of changes). */
void            sp_change_append_json      (GString        *out,
                                            const SpChange *change,
                                            gboolean        with_version);

/* Decode a pull answer {"cursor":..,"more":bool,"changes":[..]} straight
 * into SpChanges (with "version"), without a tree of the whole page: each
 * change is checked like sp_change_from_json(); changes of entities this
 * program does not know are skipped and fields it does not know are
 * dropped (a newer server). Malformed JSON fails with SP_ERROR_INVALID, a
 * bad change or a missing "changes"/"cursor" with SP_ERROR_PROTOCOL. */
gboolean        sp_change_parse_pull_page  (const char  *data,
                                            gsize        len,
                                            GPtrArray  **changes,   /* SpChange */
                                            char       **cursor,
                                            gboolean    *more,
                                            GError     **error);

/* Decode a push body {"changes":[..]} straight into SpChanges (without
 * "version", fields as SpChange.values like a pull page's, see there),
 * each checked exactly like sp_change_from_json (node, FALSE):
 * unknown entities and fields are errors here. The whole body is checked
 * before anything is returned. Malformed JSON fails with SP_ERROR_INVALID
 * ("malformed JSON at byte N: .."), more than @max_changes changes with
 * SP_ERROR_INVALID, a bad change with its own code and message prefixed
 * "changes[i]: ". One streaming decoder with sp_change_parse_pull_page(). */
GPtrArray      *sp_change_parse_push_body  (const char  *data,
                                            gsize        len,
                                            guint        max_changes,
                                            GError     **error); /* SpChange */

SpChangeResult *sp_change_result_new       (const char     *change_id,
                                            SpResultStatus  status,
                                            gint64          version);
void            sp_change_result_free      (SpChangeResult *result);
const char     *sp_result_status_to_string (SpResultStatus status);
gboolean        sp_result_status_from_string (const char     *str,
                                              SpResultStatus *status);
JsonNode       *sp_change_result_to_json   (const SpChangeResult *result);
SpChangeResult *sp_change_result_from_json (JsonNode  *node,
                                            GError   **error);
/* Decode a push answer {"results":[..],..} into SpChangeResults, each
 * checked exactly like sp_change_result_from_json() (a bad one fails with
 * its message prefixed "results[i]: "), without a JSON tree; the same
 * decoder as sp_change_parse_push_body(). Other members are skipped.
 * Fails with SP_ERROR_INVALID. */
GPtrArray      *sp_change_parse_push_answer (const char  *data,
                                             gsize        len,
                                             GError     **error); /* SpChangeResult */

/* ids and change ids: 1..64 characters of [A-Za-z0-9._:-] (UUIDs fit). */
gboolean        sp_id_is_valid             (const char *id);
char           *sp_uuid_new                (void);

/* Parse a JSON document from bytes; errors are SP_ERROR_INVALID with a
 * message naming the position. */
JsonNode       *sp_json_parse              (const char *data,
                                            gssize      len,
                                            GError    **error);
char           *sp_json_to_string          (JsonNode   *node,
                                            gsize      *len);
/* g_utf8_validate_len (@data, @len, NULL), faster on mostly ASCII text
 * (documents of the sync protocol, SQLite text columns). */
gboolean        sp_utf8_is_valid           (const char *data,
                                            gsize       len);

/* The first byte from @p on (before @end) that a JSON string cannot hold
 * as it is ('"', '\\', a control character) or that is not ASCII; @end if
 * there is none. Eight bytes at a time (the JSON writers and decoders of
 * sync pages). */
static inline const char *
sp_json_plain_end (const char *p,
                   const char *end)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);

  while (end - p >= 8)
    {
      guint64 w;

      memcpy (&w, p, sizeof w);
      /* all bytes ASCII: then byte - n borrows exactly for bytes < n */
      if ((w & highs) != 0 ||
          (((w - ones * 0x20) | ((w ^ (ones * '"')) - ones) | ((w ^ (ones * '\\')) - ones)) & highs) != 0)
        break;
      p += 8;
    }
  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
        break;
      p++;
    }
  return p;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpChange, sp_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpChangeResult, sp_change_result_free)

G_END_DECLS
