/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The entity registry: every synced table is described once here. The sync
 * engine (client and server) and the SQLite codecs are generic over it;
 * features add an SpEntity and a migration, never sync code. */

typedef enum {
  SP_FIELD_TEXT,     /* JSON string   <-> TEXT */
  SP_FIELD_INT,      /* JSON integer  <-> INTEGER */
  SP_FIELD_BOOL,     /* JSON boolean  <-> INTEGER 0/1 */
  SP_FIELD_ENUM,     /* JSON string from a fixed set <-> TEXT */
  SP_FIELD_STRV,     /* JSON array of strings <-> TEXT (JSON array; never queried) */
} SpFieldType;

typedef struct {
  const char         *name;
  SpFieldType         type;
  guint               max_len;      /* bytes for TEXT/ENUM, per item and
                                     * item count for STRV; 0 = default */
  const char * const *enum_values;  /* NULL-terminated, SP_FIELD_ENUM only */
  guint               max_items;    /* SP_FIELD_STRV: item count; 0 = max_len */
} SpField;

/* Defaults when max_len is 0. */
#define SP_FIELD_DEFAULT_MAX_LEN   10000
#define SP_FIELD_DEFAULT_MAX_ITEMS 100

typedef enum {
  SP_CONFLICT_FIELD_LWW,            /* per-field last-writer-wins by HLC,
                                     * losers kept as conflict records */
} SpConflictPolicy;

typedef struct {
  const char         *name;         /* entity name == table name */
  const SpField      *fields;
  guint               n_fields;
  const char         *read_roles;   /* comma separated; "staff" = everyone */
  const char         *write_roles;  /* comma separated */
  /* If set, read/write roles are those of the entity whose name is stored in
   * this field of the row (used by "conflict"). */
  const char         *scope_from_field;
  SpConflictPolicy    policy;
  /* Frozen rows (e.g. published catalogue versions): a stored row is frozen
   * when its @frozen_field holds @frozen_value, or when the row of
   * @parent_entity named by its @parent_field is frozen (recursively). The
   * server refuses pushes that change or delete a frozen row or attach a
   * row to a frozen parent (SP_ERROR_FROZEN); server-side imports are not
   * checked. All NULL: never frozen. */
  const char         *frozen_field;
  const char         *frozen_value;
  const char         *parent_field;
  const char         *parent_entity;
} SpEntity;

const SpEntity       *sp_entity_lookup      (const char *name);
/* All registered entities, in registry order; *n_entities set. */
const SpEntity *const*sp_entity_all         (guint      *n_entities);
const SpField        *sp_entity_get_field   (const SpEntity *entity,
                                             const char     *field);
/* Role checks; @roles is a NULL-terminated list of the caller's roles.
 * "admin" may do everything; every caller has "staff". */
gboolean              sp_entity_can_read    (const SpEntity     *entity,
                                             const char * const *roles);
gboolean              sp_entity_can_write   (const SpEntity     *entity,
                                             const char * const *roles);
gboolean              sp_roles_contain_any  (const char * const *roles,
                                             const char         *allowed_csv);
gboolean              sp_role_is_known      (const char *role);
/* Index of @field in entity->fields, or -1. */
int                   sp_entity_field_index (const SpEntity *entity,
                                             const char     *field);
/* Entity whose roles apply to a row: for entities with scope_from_field the
 * entity named by that field of @fields (NULL if unknown), else @entity. */
const SpEntity       *sp_entity_scope_for_row (const SpEntity *entity,
                                               JsonObject     *fields);

/* TRUE if @entity has a frozen rule (frozen_field or parent_field). */
gboolean              sp_entity_can_freeze  (const SpEntity *entity);

/* Validate one field value against its definition (type, length, enum).
 * JSON null is allowed for every field and means "empty". */
gboolean              sp_field_validate     (const SpField *field,
                                             JsonNode      *value,
                                             GError       **error);
/* A field value as a row stores it, without a JsonNode: what the sync
 * decoders make of a change's "fields" (sp_change_parse_pull_page()) and
 * what sp_db_row_write_values() binds as it is. */
typedef enum {
  SP_VALUE_ABSENT = 0,   /* not in the change: not written */
  SP_VALUE_NULL,         /* JSON null */
  SP_VALUE_TEXT,         /* TEXT, ENUM: @text */
  SP_VALUE_INT,          /* INT: @num; BOOL: @num 0 or 1 */
  SP_VALUE_LIST,         /* STRV: @text, the JSON array as the column stores it */
} SpValueKind;

typedef struct {
  SpValueKind  kind;
  guint        len;      /* bytes of @text (NUL-terminated) */
  const char  *text;
  gint64       num;
} SpFieldValue;

/* Appends the string @s (@len bytes) as a JSON string literal the way a
 * STRV column stores its items: '"' and '\\' escaped, control characters
 * as \u00XX, everything else as it is. */
void                  sp_field_list_append_item (GString    *out,
                                                 const char *s,
                                                 gsize       len);
/* Values compare equal (used to skip no-op conflict records). */
gboolean              sp_field_values_equal (JsonNode *a,
                                             JsonNode *b);

/* Well-known entities */
#define SP_ENTITY_SERVICE  "service"
#define SP_ENTITY_CONFLICT "conflict"

G_END_DECLS
