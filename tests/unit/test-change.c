/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <string.h>

#include "sp-change.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-uuid.h"

#define HLC "001700000000000:0001:clientA"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = sp_json_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static SpChange *
change_from (const char  *json,
             gboolean     with_version,
             GError     **error)
{
  g_autoptr(JsonNode) node = parse (json);

  return sp_change_from_json (node, with_version, error);
}

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpChange) change = NULL;
  g_autoptr(SpChange) again = NULL;
  g_autoptr(SpChange) copy = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autofree char *text = NULL;
  JsonArray *docs;

  change = change_from ("{\"change_id\":\"8d3c6f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f\","
                        "\"entity\":\"service\",\"id\":\"svc-1\",\"base_version\":7,"
                        "\"version\":12,\"hlc\":\"" HLC "\",\"op\":\"upsert\","
                        "\"fields\":{\"name\":\"Wohnung anmelden\",\"documents\":[\"Ausweis\"],"
                        "\"status\":\"published\",\"fees\":null}}",
                        TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (change);
  g_assert_cmpstr (change->change_id, ==, "8d3c6f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f");
  g_assert_cmpstr (change->entity, ==, "service");
  g_assert_cmpstr (change->id, ==, "svc-1");
  g_assert_cmpint (change->base_version, ==, 7);
  g_assert_cmpint (change->version, ==, 12);
  g_assert_cmpstr (change->hlc, ==, HLC);
  g_assert_cmpint (change->op, ==, SP_OP_UPSERT);
  g_assert_cmpstr (json_object_get_string_member (change->fields, "name"), ==, "Wohnung anmelden");
  docs = json_object_get_array_member (change->fields, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 1);
  g_assert_true (json_object_get_null_member (change->fields, "fees"));

  out = sp_change_to_json (change, TRUE);
  text = sp_json_to_string (out, NULL);
  again = change_from (text, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->change_id, ==, change->change_id);
  g_assert_cmpint (again->version, ==, 12);
  g_assert_cmpint (json_object_get_size (again->fields), ==, 4);

  /* Without version the member is not written. */
  {
    g_autoptr(JsonNode) no_version = sp_change_to_json (change, FALSE);
    g_assert_false (json_object_has_member (json_node_get_object (no_version), "version"));
  }

  copy = sp_change_copy (change);
  json_object_set_string_member (copy->fields, "name", "changed");
  g_assert_cmpstr (json_object_get_string_member (change->fields, "name"), ==, "Wohnung anmelden");
}

static void
test_delete_without_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpChange) change = NULL;

  change = change_from ("{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\","
                        "\"base_version\":3,\"hlc\":\"" HLC "\",\"op\":\"delete\"}",
                        FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (change->op, ==, SP_OP_DELETE);
  g_assert_nonnull (change->fields);
  g_assert_cmpuint (json_object_get_size (change->fields), ==, 0);
}

static void
test_strv_from_string (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpChange) change = NULL;
  JsonArray *docs;

  change = change_from ("{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\","
                        "\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\","
                        "\"fields\":{\"documents\":\"Personalausweis\\n\\n  Meldeschein \\n\"}}",
                        FALSE, &error);
  g_assert_no_error (error);
  docs = json_object_get_array_member (change->fields, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (docs, 0), ==, "Personalausweis");
  g_assert_cmpstr (json_array_get_string_element (docs, 1), ==, "Meldeschein");
}

typedef struct {
  const char *json;
  int         code;
  const char *message_part;
} BadCase;

#define BASE "\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0," \
             "\"hlc\":\"" HLC "\",\"op\":\"upsert\""

static void
test_invalid (void)
{
  g_autofree char *long_id = g_strnfill (65, 'a');
  g_autofree char *long_id_case = g_strdup_printf ("{\"change_id\":\"%s\",\"entity\":\"service\","
                                                   "\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\","
                                                   "\"op\":\"upsert\",\"fields\":{}}", long_id);
  const BadCase cases[] = {
    { "[]", SP_ERROR_INVALID, "expected an object" },
    { "\"change\"", SP_ERROR_INVALID, "expected an object" },
    /* missing members */
    { "{\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "change_id: missing" },
    { "{\"change_id\":\"c1\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "entity: missing" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "id: missing" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "base_version: missing" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "hlc: missing" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"fields\":{}}",
      SP_ERROR_INVALID, "op: missing" },
    { "{" BASE "}", SP_ERROR_INVALID, "fields: missing" },
    /* wrong types */
    { "{\"change_id\":5,\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "change_id: expected a string" },
    { "{\"change_id\":\"c1\",\"entity\":[],\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "entity: expected a string" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":1,\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "id: expected a string" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":\"0\",\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "base_version: expected an integer" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":1.5,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "base_version: expected an integer" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":-1,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "base_version: must not be negative" },
    { "{" BASE ",\"fields\":[]}", SP_ERROR_INVALID, "fields: expected an object" },
    { "{" BASE ",\"fields\":{\"name\":42}}", SP_ERROR_INVALID, "fields.name: expected a string" },
    { "{" BASE ",\"fields\":{\"documents\":[1]}}", SP_ERROR_INVALID, "fields.documents: [0]: expected a string" },
    { "{" BASE ",\"fields\":{\"status\":\"gone\"}}", SP_ERROR_INVALID, "fields.status: must be one of" },
    /* bad values */
    { "{\"change_id\":\"c 1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "change_id:" },
    { long_id_case, SP_ERROR_INVALID, "change_id:" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "id:" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"a/b\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "id:" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"yesterday\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_INVALID, "hlc:" },
    { "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"replace\",\"fields\":{}}",
      SP_ERROR_INVALID, "op:" },
    /* registry */
    { "{\"change_id\":\"c1\",\"entity\":\"users\",\"id\":\"s1\",\"base_version\":0,\"hlc\":\"" HLC "\",\"op\":\"upsert\",\"fields\":{}}",
      SP_ERROR_UNKNOWN_ENTITY, "users" },
    { "{" BASE ",\"fields\":{\"password\":\"x\"}}", SP_ERROR_UNKNOWN_FIELD, "fields.password" },
    { "{" BASE ",\"fields\":{\"deleted\":true}}", SP_ERROR_UNKNOWN_FIELD, "fields.deleted" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SpChange) change = change_from (cases[i].json, FALSE, &error);

      if (change != NULL || !g_error_matches (error, SP_ERROR, cases[i].code) ||
          strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %u (%s): expected code %d with “%s”, got %s", i, cases[i].json,
                 cases[i].code, cases[i].message_part, error ? error->message : "success");
    }
}

static void
test_version_required_when_pulled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpChange) change = NULL;

  change = change_from ("{" BASE ",\"fields\":{}}", TRUE, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "version: missing"));
  g_assert_null (change);
}

static void
test_results (void)
{
  g_autoptr(SpChangeResult) result = sp_change_result_new ("c1", SP_RESULT_CONFLICT, 42);
  g_autoptr(JsonNode) node = sp_change_result_to_json (result);
  g_autoptr(SpChangeResult) back = NULL;
  g_autoptr(GError) error = NULL;
  SpResultStatus status;

  back = sp_change_result_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->change_id, ==, "c1");
  g_assert_cmpint (back->status, ==, SP_RESULT_CONFLICT);
  g_assert_cmpint (back->version, ==, 42);

  g_assert_true (sp_result_status_from_string ("duplicate", &status));
  g_assert_cmpint (status, ==, SP_RESULT_DUPLICATE);
  g_assert_false (sp_result_status_from_string ("ok", &status));
  g_assert_cmpstr (sp_result_status_to_string (SP_RESULT_APPLIED), ==, "applied");

  {
    g_autoptr(JsonNode) bad = parse ("{\"change_id\":\"c1\",\"status\":\"maybe\",\"version\":1}");
    g_autoptr(SpChangeResult) r = sp_change_result_from_json (bad, &error);
    g_assert_null (r);
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    g_autoptr(JsonNode) bad = parse ("{\"change_id\":\"c1\",\"status\":\"applied\"}");
    g_autoptr(SpChangeResult) r = sp_change_result_from_json (bad, &error);
    g_assert_null (r);
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  }
}

static void
test_json_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char bad_utf8[] = "{\"a\":\"\xff\"}";

  node = sp_json_parse ("{\"a\":", -1, &error);
  g_assert_null (node);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  node = sp_json_parse ("", 0, &error);
  g_assert_null (node);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  node = sp_json_parse (bad_utf8, -1, &error);
  g_assert_null (node);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  node = sp_json_parse ("{\"a\":\"ä\"} trailing", -1, &error);
  g_assert_null (node);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_clear_error (&error);

  node = sp_json_parse ("{\"a\":\"Jena\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "a"), ==, "Jena");
}

static void
test_ids (void)
{
  g_autofree char *uuid = sp_uuid_new ();
  g_autofree char *uuid2 = sp_uuid_new ();

  g_assert_true (sp_id_is_valid (uuid));
  g_assert_cmpstr (uuid, !=, uuid2);
  g_assert_cmpuint (strlen (uuid), ==, 36);
  g_assert_true (sp_id_is_valid ("svc.1:a_b-c"));
  g_assert_false (sp_id_is_valid (""));
  g_assert_false (sp_id_is_valid (NULL));
  g_assert_false (sp_id_is_valid ("ä"));
  g_assert_false (sp_id_is_valid ("a'b"));
}

/* Name-based ids never change: the same import gives the same rows
 * (value as Python's uuid.uuid5 gives it for the Stadtpult namespace). */
static void
test_name_based_ids (void)
{
  g_autofree char *id = sp_uuid_name_based ("faq:wohnsitz-anmelden");

  g_assert_cmpstr (id, ==, "dd940291-7afe-530c-81c3-f4bf65b5d3fc");
}

/* The milliseconds since the epoch at the start of a version 7 id. */
static gint64
ordered_id_ms (const char *id)
{
  g_autofree char *high = g_strndup (id, 8);        /* tttttttt-tttt-7... */
  g_autofree char *low = g_strndup (id + 9, 4);

  return g_ascii_strtoll (high, NULL, 16) << 16 | g_ascii_strtoll (low, NULL, 16);
}

/* Ids made on a desktop sort in the order they were made (version 7):
 * valid UUIDs and row ids, unique, with the time they were made. */
static void
test_ordered_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 start_ms = g_get_real_time () / 1000;
  char *previous = NULL;

  for (guint i = 0; i < 10000; i++)
    {
      char *id = sp_uuid_new_ordered ();

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_true (sp_id_is_valid (id));
      g_assert_cmpint (id[14], ==, '7');                 /* version */
      g_assert_nonnull (strchr ("89ab", id[19]));        /* variant */
      g_assert_false (g_hash_table_contains (seen, id));
      /* time and sub-millisecond fraction never go back */
      if (previous != NULL)
        g_assert_cmpint (strncmp (previous, id, 18), <=, 0);
      g_hash_table_add (seen, id);
      previous = id;
    }
  g_assert_cmpint (ordered_id_ms (previous), >=, start_ms);
  g_assert_cmpint (ordered_id_ms (previous), <=, g_get_real_time () / 1000);

  before = sp_uuid_new_ordered ();
  g_usleep (2000);
  after = sp_uuid_new_ordered ();
  g_assert_cmpstr (before, <, after);
}

static void
test_append_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpChange) change = sp_change_new ();
  g_autoptr(SpChange) back = NULL;
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autofree char *tree_text = NULL;
  JsonArray *docs = json_array_new ();
  const char *tricky = "Zitat \"x\" \\ Pfad\nZeile\tTab \x01 Straße €";

  change->change_id = g_strdup ("c-1");
  change->entity = g_strdup ("service");
  change->id = g_strdup ("s-1");
  change->base_version = 3;
  change->version = 9;
  change->hlc = g_strdup (HLC);
  json_object_set_string_member (change->fields, "name", tricky);
  json_object_set_null_member (change->fields, "fees");
  json_array_add_string_element (docs, "a\"b");
  json_array_add_string_element (docs, "");
  json_object_set_array_member (change->fields, "documents", docs);

  sp_change_append_json (text, change, TRUE);
  g_string_append_c (text, ']');
  root = parse (text->str);
  back = sp_change_from_json (json_array_get_element (json_node_get_array (root), 0), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (back->fields, "name"), ==, tricky);
  g_assert_true (json_object_get_null_member (back->fields, "fees"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (back->fields, "documents"), 0), ==, "a\"b");
  g_assert_cmpint (back->version, ==, 9);
  g_assert_cmpint (back->base_version, ==, 3);

  /* Same document as the tree serialiser. */
  tree = sp_change_to_json (change, TRUE);
  tree_text = sp_json_to_string (tree, NULL);
  {
    g_autoptr(JsonNode) a = parse (tree_text);
    g_assert_true (json_node_equal (a, json_array_get_element (json_node_get_array (root), 0)));
  }
}

/* Random damage to a valid change never crashes the codec: every result is
 * either a valid change or an SP_ERROR. */
static void
test_mutations (void)
{
  const char *valid = "{\"change_id\":\"c1\",\"entity\":\"service\",\"id\":\"s1\","
                      "\"base_version\":2,\"version\":5,\"hlc\":\"" HLC "\",\"op\":\"upsert\","
                      "\"fields\":{\"name\":\"Wohnung\",\"documents\":[\"A\",\"B\"],"
                      "\"status\":\"draft\",\"fees\":null}}";
  const char alphabet[] = "{}[]\":,0123456789-.eEtrufalsn \\\xc3\xa4\x00";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);
  guint parsed = 0, accepted = 0;

  for (guint round = 0; round < 20000; round++)
    {
      g_autofree char *doc = g_strdup (valid);
      gsize len = strlen (doc);
      guint n_edits = g_rand_int_range (rand, 1, 4);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      for (guint e = 0; e < n_edits; e++)
        {
          gsize pos = g_rand_int_range (rand, 0, (gint32) len);
          doc[pos] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }

      node = sp_json_parse (doc, (gssize) len, &error);
      if (node == NULL)
        {
          g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
          continue;
        }
      parsed++;

      for (int with_version = 0; with_version <= 1; with_version++)
        {
          g_autoptr(GError) change_error = NULL;
          g_autoptr(SpChange) change = sp_change_from_json (node, with_version, &change_error);

          if (change == NULL)
            {
              g_assert_nonnull (change_error);
              g_assert_true (change_error->domain == SP_ERROR);
              g_assert_true (change_error->code == SP_ERROR_INVALID ||
                             change_error->code == SP_ERROR_UNKNOWN_ENTITY ||
                             change_error->code == SP_ERROR_UNKNOWN_FIELD);
              continue;
            }
          accepted++;
          g_assert_true (sp_id_is_valid (change->change_id));
          g_assert_true (sp_id_is_valid (change->id));
          g_assert_true (sp_hlc_is_valid (change->hlc));
          g_assert_nonnull (sp_entity_lookup (change->entity));
          g_assert_cmpint (change->base_version, >=, 0);
        }
    }

  /* The damage was mostly caught, but not always at the same layer. */
  g_assert_cmpuint (parsed, >, 100);
  g_assert_cmpuint (accepted, >, 10);
}

static JsonNode *
glib_parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
random_tree (GRand *rand,
             guint  depth)
{
  static const char *pieces[] = { "a", "Ä", "ß", "\"", "\\", "/", "\n", "\t", "\x01", "€", "😀", " ", "x y" };
  int kind = g_rand_int_range (rand, 0, depth > 3 ? 5 : 7);
  JsonNode *node = json_node_alloc ();

  switch (kind)
    {
    case 0:
      {
        GString *str = g_string_new (NULL);
        guint n = g_rand_int_range (rand, 0, 6);

        for (guint i = 0; i < n; i++)
          g_string_append (str, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
        json_node_init_string (node, str->str);
        g_string_free (str, TRUE);
        break;
      }
    case 1:
      json_node_init_int (node, (gint64) g_rand_int (rand) * (g_rand_boolean (rand) ? -1 : 1) * 1000003);
      break;
    case 2:
      json_node_init_double (node, g_rand_double_range (rand, -1e6, 1e6));
      break;
    case 3:
      json_node_init_boolean (node, g_rand_boolean (rand));
      break;
    case 4:
      json_node_init_null (node);
      break;
    case 5:
      {
        JsonArray *array = json_array_new ();
        guint n = g_rand_int_range (rand, 0, 5);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array, random_tree (rand, depth + 1));
        json_node_init_array (node, array);
        json_array_unref (array);
        break;
      }
    default:
      {
        JsonObject *object = json_object_new ();
        guint n = g_rand_int_range (rand, 0, 5);

        for (guint i = 0; i < n; i++)
          {
            g_autofree char *name = g_strdup_printf ("k%u\"ä\\%u", i, g_rand_int_range (rand, 0, 3));
            json_object_set_member (object, name, random_tree (rand, depth + 1));
          }
        json_node_init_object (node, object);
        json_object_unref (object);
        break;
      }
    }
  return node;
}

/* The fast parser builds exactly the tree json-glib builds. */
static void
test_json_parse_equivalence (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  const char *docs[] = {
    "{\"a\":\"\\u00e4\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"}",
    " [ -0 , 0 , 1e3 , 1.5E-2 , -12.25 , 9007199254740993 , true , false , null ] ",
    "\"only a string\"",
    "{\"dup\":1,\"dup\":2}",
    "[[[[[]]]],{}]",
  };
  const char *bad[] = {
    "[1,]", "{\"a\" 1}", "01", "1.", ".5", "\"\\x\"", "tru", "[", "\"abc", "{\"a\":1,}",
    "\"a\x01b\"", "\"\\ud800\"", "\"\\udc00x\"", "[1] [2]", "{\"a\":}", "{1:2}", "-", "1e",
    "\"\\u12\"", "nul", "{\"a\":1 \"b\":2}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonNode) ours = sp_json_parse (docs[i], -1, NULL);
      g_autoptr(JsonNode) theirs = glib_parse (docs[i]);

      g_assert_nonnull (ours);
      g_assert_nonnull (theirs);
      if (!json_node_equal (ours, theirs))
        g_error ("doc %u parsed differently", i);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) ours = sp_json_parse (bad[i], -1, &error);

      if (ours != NULL)
        g_error ("accepted malformed document %s", bad[i]);
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "at byte"));
    }

  /* Deep nesting is refused, not a stack overflow. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autoptr(JsonNode) node = sp_json_parse (deep, -1, &error);
    g_assert_null (node);
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  }

  for (guint round = 0; round < 500; round++)
    {
      g_autoptr(JsonNode) tree = random_tree (rand, 0);
      g_autofree char *text = sp_json_to_string (tree, NULL);
      g_autoptr(JsonNode) ours = sp_json_parse (text, -1, NULL);
      g_autoptr(JsonNode) theirs = glib_parse (text);

      g_assert_nonnull (ours);
      g_assert_nonnull (theirs);
      if (!json_node_equal (ours, theirs))
        g_error ("round %u: %s parsed differently", round, text);
    }
}

/* Push answers decoded in place give what sp_change_result_from_json()
 * gives over the parsed tree, errors included. */
static void
test_push_answer (void)
{
  static const char good[] =
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"applied\",\"version\":7},"
    " {\"version\": 8, \"status\": \"conflict\", \"change_id\": \"c-2\", \"extra\": [1, {}]},"
    "{\"change_id\":\"c\\u002d3\",\"status\":\"duplicate\",\"version\":10}],"
    "\"cursor\":\"v1.9\"}";
  static const char * const bad[] = {
    "{\"cursor\":\"v1.9\"}",
    "{\"results\":{}}",
    "[]",
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"lost\",\"version\":7}]}",
    "{\"results\":[{\"change_id\":\"c 1\",\"status\":\"applied\",\"version\":7}]}",
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"applied\",\"version\":\"7\"}]}",
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"applied\"}]}",
    "{\"results\":[7]}",
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"applied\",\"version\":1e1}]}",
    "{\"results\":[{\"change_id\":\"c-1\",\"status\":\"applied\",\"version\":7}",
    "{\"results\":[]} x",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = sp_change_parse_push_answer (good, strlen (good), &error);
  const SpChangeResult *r;

  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  r = results->pdata[0];
  g_assert_cmpstr (r->change_id, ==, "c-1");
  g_assert_cmpint (r->status, ==, SP_RESULT_APPLIED);
  g_assert_cmpint (r->version, ==, 7);
  r = results->pdata[1];
  g_assert_cmpstr (r->change_id, ==, "c-2");
  g_assert_cmpint (r->status, ==, SP_RESULT_CONFLICT);
  g_assert_cmpint (r->version, ==, 8);
  r = results->pdata[2];
  g_assert_cmpstr (r->change_id, ==, "c-3");
  g_assert_cmpint (r->status, ==, SP_RESULT_DUPLICATE);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) none = sp_change_parse_push_answer (bad[i], strlen (bad[i]), &error);
      g_autoptr(JsonNode) tree = sp_json_parse (bad[i], -1, NULL);

      g_assert_null (none);
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
      /* an element the tree decoder refuses: the same message */
      if (tree != NULL && JSON_NODE_HOLDS_OBJECT (tree) &&
          json_object_has_member (json_node_get_object (tree), "results") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (tree), "results")))
        {
          JsonArray *array = json_object_get_array_member (json_node_get_object (tree), "results");
          g_autoptr(GError) tree_error = NULL;
          g_autoptr(SpChangeResult) none2 =
            sp_change_result_from_json (json_array_get_element (array, 0), &tree_error);
          g_autofree char *want = g_strdup_printf ("results[0]: %s", tree_error->message);

          g_assert_null (none2);
          g_assert_cmpstr (error->message, ==, want);
        }
      g_clear_error (&error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/change/roundtrip", test_roundtrip);
  g_test_add_func ("/change/delete-without-fields", test_delete_without_fields);
  g_test_add_func ("/change/strv-from-string", test_strv_from_string);
  g_test_add_func ("/change/invalid", test_invalid);
  g_test_add_func ("/change/version-required", test_version_required_when_pulled);
  g_test_add_func ("/change/results", test_results);
  g_test_add_func ("/change/json-parse", test_json_parse);
  g_test_add_func ("/change/ids", test_ids);
  g_test_add_func ("/change/ordered-ids", test_ordered_ids);
  g_test_add_func ("/change/name-based-ids", test_name_based_ids);
  g_test_add_func ("/change/append-json", test_append_json);
  g_test_add_func ("/change/mutations", test_mutations);
  g_test_add_func ("/change/json-parse-equivalence", test_json_parse_equivalence);
  g_test_add_func ("/change/push-answer", test_push_answer);

  return g_test_run ();
}
