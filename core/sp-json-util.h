/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed, forgiving member access for JSON documents that are validated by
 * their caller (catalogues, API bodies). @object may be NULL. */

/* The string member @name, or NULL when missing or not a string. */
const char *sp_json_get_string (JsonObject *object,
                                const char *name);
/* TRUE and *value when the member @name is a JSON integer. */
gboolean    sp_json_get_int    (JsonObject *object,
                                const char *name,
                                gint64     *value);

/* The same with a fallback for missing or mistyped members. */
const char *sp_json_get_string_or (JsonObject *object,
                                   const char *name,
                                   const char *fallback);
gint64      sp_json_get_int_or    (JsonObject *object,
                                   const char *name,
                                   gint64      fallback);

/* The string items of the array member @name as a NULL-terminated vector
 * (owned, never NULL): empty when missing or not an array; items that are
 * not strings are skipped. */
GStrv       sp_json_get_strv      (JsonObject *object,
                                   const char *name);

/* TRUE when @object has a member @name holding anything but null or an
 * empty string (e.g. a honeypot field that only bots fill in). */
gboolean    sp_json_member_filled (JsonObject *object,
                                   const char *name);

/* Appends @s (valid UTF-8; NULL: "") as a JSON string literal, for JSON
 * written as text rather than through a JsonNode and JsonGenerator. */
void        sp_json_append_string (GString    *out,
                                   const char *s);
/* Appends @value as a JSON number the way JsonGenerator writes a double. */
void        sp_json_append_double (GString    *out,
                                   double      value);
/* Appends @value as a JSON number (decimal digits, no printf: hot in push
 * bodies and answers). */
void        sp_json_append_int    (GString    *out,
                                   gint64      value);

/* A JSON node holding @object (ownership taken). */
JsonNode   *sp_json_object_node   (JsonObject *object);
/* A JSON node holding @array (ownership taken). */
JsonNode   *sp_json_array_node    (JsonArray  *array);

G_END_DECLS
