/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-training-catalogue"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-change.h"
#include "sp-error.h"
#include "sp-local-store.h"
#include "sp-training-catalogue.h"

/* The training file <-> training_item rows, and its validation. */

static const char items_json[] =
  "[{\"id\":\"training.mobile.pwa\",\"title\":\"Progressive Web Apps\",\"kind\":\"course\","
  "  \"competences\":[\"3.4\",\"5.2\"],\"level\":3,\"provider\":\"IT-Schulung Jena\","
  "  \"url\":\"https://example.org/pwa\",\"starts\":\"2026-03-02\",\"ends\":\"2026-03-04\","
  "  \"track\":\"mobile-app\",\"description\":\"Offline, Manifest, Service Worker\"},"
  " {\"id\":\"training.buch\",\"title\":\"Digitale Verwaltung\",\"kind\":\"literature\","
  "  \"competences\":[],\"level\":1,\"provider\":\"\",\"url\":\"\",\"starts\":\"\",\"ends\":\"\","
  "  \"track\":\"\",\"description\":\"\"}]";

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doc = json_from_string (items_json, &error);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonNode) exported = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sp-training-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.db", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  JsonArray *items;
  JsonObject *pwa;

  changes = sp_training_catalogue_to_changes (doc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpstr (((SpChange *) g_ptr_array_index (changes, 0))->id, ==, "training.mobile.pwa");
  g_assert_cmpstr (((SpChange *) g_ptr_array_index (changes, 0))->entity, ==, SP_ENTITY_TRAINING_ITEM);

  store = sp_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *c = g_ptr_array_index (changes, i);
      g_autofree char *id = sp_local_store_save (store, c->entity, c->id, c->fields, &error);

      g_assert_no_error (error);
    }

  exported = sp_training_catalogue_export_db (sp_local_store_get_db (store), &error);
  g_assert_no_error (error);
  items = json_node_get_array (exported);
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  /* Ordered by track ("" first), then title. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "id"), ==, "training.buch");
  pwa = json_array_get_object_element (items, 1);
  g_assert_cmpstr (json_object_get_string_member (pwa, "track"), ==, SP_TRAINING_TRACK_MOBILE);
  g_assert_cmpint (json_object_get_int_member (pwa, "level"), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (pwa, "competences"), 1), ==, "5.2");
  g_assert_cmpstr (json_object_get_string_member (pwa, "starts"), ==, "2026-03-02");
  g_assert_cmpstr (json_object_get_string_member (pwa, "kind"), ==, "course");

  g_clear_object (&store);
  g_assert_cmpint (system (cmd), ==, 0);
}

static void
assert_invalid (const char *from,
                const char *to,
                const char *message_part)
{
  g_autoptr(GString) text = g_string_new (items_json);
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  g_assert_cmpint (g_string_replace (text, from, to, 1), ==, 1);
  doc = json_from_string (text->str, &error);
  g_assert_no_error (error);
  changes = sp_training_catalogue_to_changes (doc, &error);
  g_assert_null (changes);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_validation (void)
{
  assert_invalid ("\"kind\":\"course\"", "\"kind\":\"webinar\"", "kind");
  assert_invalid ("\"level\":3", "\"level\":7", "level");
  assert_invalid ("\"starts\":\"2026-03-02\"", "\"starts\":\"2.3.2026\"", "YYYY-MM-DD");
  assert_invalid ("\"ends\":\"2026-03-04\"", "\"ends\":\"2026-02-30\"", "YYYY-MM-DD");
  assert_invalid ("\"title\":\"Progressive Web Apps\"", "\"title\":\"  \"", "title");
  assert_invalid ("\"id\":\"training.buch\"", "\"id\":\"training.mobile.pwa\"", "duplicate");
  assert_invalid ("\"id\":\"training.buch\"", "\"id\":\"kein gültiger Schlüssel\"", "id");
}

static void
test_default_file (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SP_SOURCE_ROOT") ? g_getenv ("SP_SOURCE_ROOT") : ".",
                                            "data", "training", "default-de.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint mobile = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_test_skip ("no data/training/default-de.json");
      return;
    }
  doc = sp_json_parse (text, -1, &error);
  g_assert_no_error (error);
  changes = sp_training_catalogue_to_changes (doc, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    if (g_strcmp0 (json_object_get_string_member (((SpChange *) g_ptr_array_index (changes, i))->fields, "track"),
                   SP_TRAINING_TRACK_MOBILE) == 0)
      mobile++;
  /* The IT staff's mobile-app track is there. */
  g_assert_cmpuint (mobile, >=, 5);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/training/catalogue/round-trip", test_round_trip);
  g_test_add_func ("/training/catalogue/validation", test_validation);
  g_test_add_func ("/training/catalogue/default-file", test_default_file);

  return g_test_run ();
}
