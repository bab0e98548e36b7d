/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <string.h>

#include "sp-entity.h"
#include "sp-error.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_registry (void)
{
  const SpEntity *service = sp_entity_lookup (SP_ENTITY_SERVICE);
  const SpEntity *conflict = sp_entity_lookup (SP_ENTITY_CONFLICT);
  const char *service_fields[] = { "name", "leika", "description", "documents", "fees",
                                   "office", "opening_hours", "online_url", "status" };
  const SpEntity * const *all;
  guint n = 0;

  g_assert_nonnull (service);
  g_assert_nonnull (conflict);
  g_assert_null (sp_entity_lookup ("services"));
  g_assert_null (sp_entity_lookup (NULL));

  g_assert_cmpuint (service->n_fields, ==, G_N_ELEMENTS (service_fields));
  for (guint i = 0; i < G_N_ELEMENTS (service_fields); i++)
    {
      g_assert_nonnull (sp_entity_get_field (service, service_fields[i]));
      g_assert_cmpint (sp_entity_field_index (service, service_fields[i]), ==, (int) i);
    }
  g_assert_null (sp_entity_get_field (service, "deleted"));
  g_assert_null (sp_entity_get_field (service, "id"));
  g_assert_cmpint (sp_entity_get_field (service, "documents")->type, ==, SP_FIELD_STRV);
  g_assert_cmpint (sp_entity_get_field (service, "status")->type, ==, SP_FIELD_ENUM);
  g_assert_cmpint (sp_entity_get_field (conflict, "resolved")->type, ==, SP_FIELD_BOOL);
  g_assert_cmpstr (conflict->scope_from_field, ==, "entity");

  /* Later features add entities; these two come first, and every entity
   * is found by its unique name. */
  all = sp_entity_all (&n);
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (all[0] == service);
  g_assert_true (all[1] == conflict);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (sp_entity_lookup (all[i]->name) == all[i]);
      g_assert_cmpuint (all[i]->n_fields, >, 0);
      g_assert_null (sp_entity_get_field (all[i], "id"));
      g_assert_null (sp_entity_get_field (all[i], "version"));
      g_assert_null (sp_entity_get_field (all[i], "deleted"));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (all[i]->name, !=, all[j]->name);
    }
}

static void
test_roles (void)
{
  const SpEntity *service = sp_entity_lookup (SP_ENTITY_SERVICE);
  const char *admin[] = { "admin", NULL };
  const char *editor[] = { "editor", "staff", NULL };
  const char *hr[] = { "hr", NULL };
  const char *nobody[] = { NULL };

  g_assert_true (sp_entity_can_read (service, nobody));   /* everyone is staff */
  g_assert_true (sp_entity_can_read (service, NULL));
  g_assert_true (sp_entity_can_write (service, admin));
  g_assert_true (sp_entity_can_write (service, editor));
  g_assert_false (sp_entity_can_write (service, hr));
  g_assert_false (sp_entity_can_write (service, nobody));

  g_assert_true (sp_roles_contain_any (hr, "kita,hr"));
  g_assert_false (sp_roles_contain_any (hr, "kita,trainer"));
  g_assert_true (sp_roles_contain_any (admin, "kita"));     /* admin may do all */
  g_assert_true (sp_roles_contain_any (nobody, "staff"));
  g_assert_false (sp_roles_contain_any (admin, ""));

  for (const char * const *r = (const char *[]) { "admin", "editor", "hr", "kita", "trainer", "staff", NULL }; *r; r++)
    g_assert_true (sp_role_is_known (*r));
  g_assert_false (sp_role_is_known ("root"));
  g_assert_false (sp_role_is_known ("Admin"));
  g_assert_false (sp_role_is_known (NULL));
}

static void
test_conflict_scope (void)
{
  const SpEntity *conflict = sp_entity_lookup (SP_ENTITY_CONFLICT);
  g_autoptr(JsonObject) fields = json_object_new ();

  g_assert_null (sp_entity_scope_for_row (conflict, fields));
  json_object_set_string_member (fields, "entity", "service");
  g_assert_true (sp_entity_scope_for_row (conflict, fields) == sp_entity_lookup ("service"));
  json_object_set_string_member (fields, "entity", "conflict");
  g_assert_null (sp_entity_scope_for_row (conflict, fields));
  json_object_set_string_member (fields, "entity", "nope");
  g_assert_null (sp_entity_scope_for_row (conflict, fields));
  g_assert_true (sp_entity_scope_for_row (sp_entity_lookup ("service"), NULL) ==
                 sp_entity_lookup ("service"));
}

static void
expect_invalid (const SpField *field,
                const char    *json,
                const char    *message_part)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;

  g_assert_false (sp_field_validate (field, node, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  if (message_part)
    g_assert_nonnull (strstr (error->message, message_part));
}

static void
expect_valid (const SpField *field,
              const char    *json)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_field_validate (field, node, &error));
  g_assert_no_error (error);
}

static void
test_field_validate (void)
{
  const SpEntity *service = sp_entity_lookup (SP_ENTITY_SERVICE);
  const SpEntity *conflict = sp_entity_lookup (SP_ENTITY_CONFLICT);
  const SpField *name = sp_entity_get_field (service, "name");
  const SpField *documents = sp_entity_get_field (service, "documents");
  const SpField *status = sp_entity_get_field (service, "status");
  const SpField *resolved = sp_entity_get_field (conflict, "resolved");
  g_autofree char *long_name = g_strnfill (501, 'x');
  g_autofree char *long_name_json = g_strdup_printf ("\"%s\"", long_name);
  g_autofree char *ok_name_json = g_strdup_printf ("\"%.*s\"", 500, long_name);
  GString *many = g_string_new ("[");

  expect_valid (name, "\"Wohnung anmelden\"");
  expect_valid (name, "null");
  expect_valid (name, ok_name_json);
  expect_invalid (name, "42", "expected a string");
  expect_invalid (name, "[\"a\"]", "expected a string");
  expect_invalid (name, long_name_json, "longer than 500");

  expect_valid (status, "\"draft\"");
  expect_valid (status, "\"published\"");
  expect_invalid (status, "\"archived\"", "draft|published");
  expect_invalid (status, "true", "expected a string");

  expect_valid (documents, "[]");
  expect_valid (documents, "[\"Personalausweis\", \"Meldeschein\"]");
  expect_invalid (documents, "[\"a\", 1]", "[1]");
  expect_invalid (documents, "{\"a\": 1}", "expected an array");
  for (int i = 0; i < 101; i++)
    g_string_append_printf (many, "%s\"d%d\"", i ? "," : "", i);
  g_string_append_c (many, ']');
  expect_invalid (documents, many->str, "more than 100 items");
  g_string_free (many, TRUE);

  expect_valid (resolved, "true");
  expect_invalid (resolved, "1", "expected a boolean");
  expect_invalid (resolved, "\"true\"", "expected a boolean");
}

static void
test_values_equal (void)
{
  g_autoptr(JsonNode) a = parse ("[\"x\",\"y\"]");
  g_autoptr(JsonNode) b = parse ("[\"x\",\"y\"]");
  g_autoptr(JsonNode) c = parse ("[\"y\",\"x\"]");
  g_autoptr(JsonNode) s1 = parse ("\"x\"");
  g_autoptr(JsonNode) s2 = parse ("\"x\"");
  g_autoptr(JsonNode) n = parse ("null");
  g_autoptr(JsonNode) t = parse ("true");
  g_autoptr(JsonNode) one = parse ("1");

  g_assert_true (sp_field_values_equal (a, b));
  g_assert_false (sp_field_values_equal (a, c));
  g_assert_true (sp_field_values_equal (s1, s2));
  g_assert_false (sp_field_values_equal (s1, a));
  g_assert_true (sp_field_values_equal (n, NULL));
  g_assert_false (sp_field_values_equal (n, s1));
  g_assert_false (sp_field_values_equal (t, one));
}

static void
test_errors (void)
{
  struct { int code; guint status; const char *slug; } table[] = {
    { SP_ERROR_INVALID, 400, "invalid_request" },
    { SP_ERROR_UNKNOWN_ENTITY, 400, "unknown_entity" },
    { SP_ERROR_UNKNOWN_FIELD, 400, "unknown_field" },
    { SP_ERROR_UNAUTHORIZED, 401, "unauthorized" },
    { SP_ERROR_FORBIDDEN, 403, "forbidden" },
    { SP_ERROR_NOT_FOUND, 404, "not_found" },
    { SP_ERROR_TOO_LARGE, 413, "too_large" },
    { SP_ERROR_RATE_LIMITED, 429, "rate_limited" },
    { SP_ERROR_STORAGE, 500, "storage" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_assert_cmpuint (sp_error_http_status (table[i].code), ==, table[i].status);
      g_assert_cmpstr (sp_error_slug (table[i].code), ==, table[i].slug);
    }
  g_assert_cmpuint (sp_error_http_status (SP_ERROR_SCHEMA), >=, 500);
  g_assert_cmpstr (sp_error_slug (SP_ERROR_NETWORK), ==, "network");
  g_assert_cmpstr (g_quark_to_string (SP_ERROR), ==, "sp-error-quark");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/entity/registry", test_registry);
  g_test_add_func ("/entity/roles", test_roles);
  g_test_add_func ("/entity/conflict-scope", test_conflict_scope);
  g_test_add_func ("/entity/field-validate", test_field_validate);
  g_test_add_func ("/entity/values-equal", test_values_equal);
  g_test_add_func ("/entity/errors", test_errors);

  return g_test_run ();
}
