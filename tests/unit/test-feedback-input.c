/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-feedback-input"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-entity.h"
#include "sp-error.h"
#include "sp-feedback.h"

/* The validation shared by POST /api/v1/feedback and Open311: what a
 * citizen may send, and the field each refusal names. */

static JsonObject *
object_of (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static SpFeedbackInput *
from_json (const char *json)
{
  g_autoptr(JsonObject) body = object_of (json);
  g_autoptr(GError) error = NULL;
  const char *field = "unset";
  SpFeedbackInput *input = sp_feedback_input_from_json (body, &field, &error);

  g_assert_no_error (error);
  g_assert_null (field);
  g_assert_nonnull (input);
  return input;
}

/* Asserts that @json is refused naming @field. */
static void
assert_refused (const char *json,
                const char *field)
{
  g_autoptr(JsonObject) body = object_of (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFeedbackInput) input = NULL;
  const char *got = NULL;

  input = sp_feedback_input_from_json (body, &got, &error);
  g_assert_null (input);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  if (g_strcmp0 (got, field) != 0)
    g_error ("%s: expected field %s, got %s (%s)", json, field, got, error->message);
  g_assert_true (g_str_has_prefix (error->message, field));
}

static void
test_json_good (void)
{
  g_autoptr(SpFeedbackInput) full = NULL;
  g_autoptr(SpFeedbackInput) thumbs = NULL;
  g_autoptr(SpFeedbackInput) text_only = NULL;
  g_autoptr(SpFeedbackInput) script = NULL;

  full = from_json ("{\"service_id\":\"3f2a-svc\",\"rating\":4,\"text\":\"Schnell erledigt!\","
                    "\"channel\":\"kiosk\",\"contact\":\" anna@example.org \",\"consent\":true,"
                    "\"website\":\"\",\"lang\":\"de\"}");
  g_assert_cmpstr (full->service_id, ==, "3f2a-svc");
  g_assert_cmpint (full->rating, ==, 4);
  g_assert_cmpstr (full->text, ==, "Schnell erledigt!");
  g_assert_cmpstr (full->channel, ==, "kiosk");
  g_assert_cmpstr (full->contact, ==, "anna@example.org");

  /* "War das hilfreich?": a rating alone, channel web by default. */
  thumbs = from_json ("{\"service_id\":\"s1\",\"rating\":1}");
  g_assert_cmpstr (thumbs->text, ==, "");
  g_assert_cmpstr (thumbs->channel, ==, "web");
  g_assert_cmpstr (thumbs->contact, ==, "");

  text_only = from_json ("{\"text\":\"Die Seite lädt nicht\",\"rating\":null,\"contact\":\"\"}");
  g_assert_cmpint (text_only->rating, ==, 0);
  g_assert_cmpstr (text_only->service_id, ==, "");

  /* Markup is a citizen's text like any other: kept verbatim (the pages
   * escape it). */
  script = from_json ("{\"text\":\"<script>alert('x')</script><img src=x onerror=alert(1)>\"}");
  g_assert_cmpstr (script->text, ==, "<script>alert('x')</script><img src=x onerror=alert(1)>");
}

static void
test_json_hostile (void)
{
  g_autofree char *long_text = g_strnfill (SP_FEEDBACK_TEXT_MAX + 1, 'a');
  g_autofree char *max_text = g_strnfill (SP_FEEDBACK_TEXT_MAX, 'a');
  g_autofree char *too_long = g_strdup_printf ("{\"text\":\"%s\"}", long_text);
  g_autofree char *just_right = g_strdup_printf ("{\"text\":\"%s\"}", max_text);
  g_autoptr(SpFeedbackInput) ok = NULL;

  assert_refused ("{\"text\":\"x\",\"website\":\"http://spam.example\"}", "website");
  assert_refused ("{\"text\":\"x\",\"website\":1}", "website");
  assert_refused ("{\"text\":\"x\",\"contact\":\"anna@example.org\"}", "consent");
  assert_refused ("{\"text\":\"x\",\"contact\":\"anna@example.org\",\"consent\":false}", "consent");
  assert_refused ("{\"text\":\"x\",\"contact\":\"anna@example.org\",\"consent\":\"yes\"}", "consent");
  assert_refused ("{\"rating\":0}", "rating");
  assert_refused ("{\"rating\":6}", "rating");
  assert_refused ("{\"rating\":4.5}", "rating");
  assert_refused ("{\"rating\":\"5\"}", "rating");
  assert_refused ("{\"rating\":true}", "rating");
  assert_refused ("{\"text\":42}", "text");
  assert_refused ("{\"text\":[\"a\"]}", "text");
  assert_refused ("{\"text\":\"   \\n \"}", "text");
  assert_refused ("{}", "text");
  assert_refused (too_long, "text");
  assert_refused ("{\"text\":\"a\\u0007b\"}", "text");
  assert_refused ("{\"text\":\"x\",\"channel\":\"open311\"}", "channel");
  assert_refused ("{\"text\":\"x\",\"channel\":\"fax\"}", "channel");
  assert_refused ("{\"text\":\"x\",\"channel\":{}}", "channel");
  assert_refused ("{\"text\":\"x\",\"service_id\":\"../etc\"}", "service_id");
  assert_refused ("{\"text\":\"x\",\"service_id\":7}", "service_id");

  ok = from_json (just_right);
  g_assert_cmpuint (strlen (ok->text), ==, SP_FEEDBACK_TEXT_MAX);
}

/* The limit counts characters: 4000 umlauts (8000 bytes) are a valid text
 * that the stored field holds, one more is refused. */
static void
test_json_umlauts (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SpFeedbackInput) ok = NULL;
  g_autofree char *just_right = NULL;
  g_autofree char *too_long = NULL;
  const SpField *field = sp_entity_get_field (sp_entity_lookup ("feedback"), "text");

  for (guint i = 0; i < SP_FEEDBACK_TEXT_MAX; i++)
    g_string_append (text, "\u00fc");
  just_right = g_strdup_printf ("{\"text\":\"%s\"}", text->str);
  too_long = g_strdup_printf ("{\"text\":\"%s\u00fc\"}", text->str);

  ok = from_json (just_right);
  g_assert_cmpint (g_utf8_strlen (ok->text, -1), ==, SP_FEEDBACK_TEXT_MAX);
  g_assert_cmpuint (strlen (ok->text), <=, field->max_len);
  assert_refused (too_long, "text");
}

static GHashTable *
params_of (const char *first,
           ...)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (params, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return params;
}

static void
test_open311 (void)
{
  g_autoptr(GHashTable) good = params_of ("service_code", "svc-1", "description", "Schlagloch",
                                          "lat", "50.9271", "long", "11.5892",
                                          "address_string", "Markt 1, Jena",
                                          "email", "max@example.org", "first_name", "Max",
                                          "last_name", "Muster", "attribute[consent]", "true",
                                          "api_key", "ignored", NULL);
  g_autoptr(GHashTable) no_consent = params_of ("service_code", "general", "description", "Hallo",
                                                "email", "max@example.org", "phone", "+49 3641 0", NULL);
  g_autoptr(GHashTable) location_only = params_of ("service_code", "general",
                                                   "lat", "-0.5", "long", "180", NULL);
  g_autoptr(SpFeedbackInput) input = NULL;
  g_autoptr(SpFeedbackInput) anonymous = NULL;
  g_autoptr(SpFeedbackInput) located = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dropped = TRUE;
  const char *field = NULL;

  input = sp_feedback_input_from_open311 (good, &dropped, &field, &error);
  g_assert_no_error (error);
  g_assert_false (dropped);
  g_assert_cmpstr (input->service_id, ==, "svc-1");
  g_assert_cmpstr (input->channel, ==, "open311");
  g_assert_cmpint (input->rating, ==, 0);
  g_assert_cmpstr (input->text, ==, "Schlagloch");
  g_assert_cmpstr (input->lat, ==, "50.927100");
  g_assert_cmpstr (input->lon, ==, "11.589200");
  g_assert_cmpstr (input->address, ==, "Markt 1, Jena");
  g_assert_cmpstr (input->contact, ==, "Max Muster, max@example.org");

  /* Contact data without consent is not refused (Open311 clients do not
   * know the attribute) but never stored. */
  anonymous = sp_feedback_input_from_open311 (no_consent, &dropped, &field, &error);
  g_assert_no_error (error);
  g_assert_true (dropped);
  g_assert_cmpstr (anonymous->service_id, ==, "");
  g_assert_cmpstr (anonymous->contact, ==, "");

  /* A location says enough without a description. */
  located = sp_feedback_input_from_open311 (location_only, NULL, &field, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (located->lon, ==, "180.000000");

  {
    static const struct {
      const char *params[8];
      const char *field;
    } bad[] = {
      { { "description", "x" }, "service_code" },
      { { "service_code", "general" }, "description" },
      { { "service_code", "general", "description", "x", "website", "y" }, "website" },
      { { "service_code", "general", "description", "x", "lat", "50.9" }, "long" },
      { { "service_code", "general", "description", "x", "lat", "91", "long", "11" }, "lat" },
      { { "service_code", "general", "description", "x", "lat", "50", "long", "nan" }, "long" },
      { { "service_code", "general", "description", "x", "lat", "5O", "long", "11" }, "lat" },
      { { "service_code", "general", "description", "x", "email", "a b@c", "attribute[consent]", "true" }, "email" },
      { { "service_code", "general", "description", "x", "phone", "call me", "attribute[consent]", "true" }, "phone" },
      { { "service_code", "a/b", "description", "x" }, "service_code" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(SpFeedbackInput) refused = NULL;

        for (guint j = 0; j < G_N_ELEMENTS (bad[i].params) && bad[i].params[j]; j += 2)
          g_hash_table_insert (params, (gpointer) bad[i].params[j], (gpointer) bad[i].params[j + 1]);
        refused = sp_feedback_input_from_open311 (params, NULL, &field, &bad_error);
        g_assert_null (refused);
        g_assert_error (bad_error, SP_ERROR, SP_ERROR_INVALID);
        g_assert_cmpstr (field, ==, bad[i].field);
      }
  }
}

static void
test_open311_json_params (void)
{
  g_autoptr(JsonObject) body = object_of ("{\"service_code\":\"general\",\"lat\":50.93,\"long\":11,"
                                          "\"description\":\"Laterne aus\",\"attribute\":{\"consent\":true},"
                                          "\"email\":null}");
  g_autoptr(JsonObject) nested = object_of ("{\"service_code\":\"general\",\"description\":[\"x\"]}");
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  params = sp_feedback_open311_params_from_json (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "lat"), ==, "50.93");
  g_assert_cmpstr (g_hash_table_lookup (params, "long"), ==, "11");
  g_assert_cmpstr (g_hash_table_lookup (params, "attribute[consent]"), ==, "true");
  g_assert_false (g_hash_table_contains (params, "email"));

  g_assert_null (sp_feedback_open311_params_from_json (nested, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "description"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/feedback/input/json-good", test_json_good);
  g_test_add_func ("/feedback/input/json-hostile", test_json_hostile);
  g_test_add_func ("/feedback/input/json-umlauts", test_json_umlauts);
  g_test_add_func ("/feedback/input/open311", test_open311);
  g_test_add_func ("/feedback/input/open311-json-params", test_open311_json_params);

  return g_test_run ();
}
