/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-seed"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "sp-competence-seed.h"

#include "sp-change.h"
#include "sp-competence-catalogue.h"
#include "sp-error.h"
#include "sp-training-catalogue.h"

/* -- seeding ---------------------------------------------------------------- */

static JsonNode *
load_resource (const char  *path,
               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  const char *data;

  if (!(bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error)))
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return sp_json_parse (data, (gssize) len, error);
}

static gboolean
push_missing (SpStorage   *storage,
              GPtrArray   *changes,
              guint       *n_pushed,
              GError     **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);

      if (!sp_storage_row_exists (storage, change->entity, change->id))
        g_ptr_array_add (missing, change);
    }
  if (n_pushed)
    *n_pushed = missing->len;
  if (missing->len == 0)
    return TRUE;
  return sp_storage_push_as_server (storage, missing, error);
}

gboolean
sp_competence_seed_defaults (SpStorage  *storage,
                             GError    **error)
{
  g_autoptr(JsonNode) training = NULL;
  g_autoptr(JsonNode) catalogue = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint n = 0;

  g_return_val_if_fail (storage != NULL, FALSE);

  if (!(training = load_resource (SP_TRAINING_DEFAULT_RESOURCE, error)) ||
      !(changes = sp_training_catalogue_to_changes (training, error)) ||
      !push_missing (storage, changes, &n, error))
    {
      g_prefix_error (error, "default training catalogue: ");
      return FALSE;
    }
  if (n > 0)
    g_debug ("seeded %u training items", n);
  g_clear_pointer (&changes, g_ptr_array_unref);

  if (!(catalogue = load_resource (SP_COMPETENCE_DEFAULT_RESOURCE, error)) ||
      !(changes = sp_competence_catalogue_to_changes (catalogue, NULL, error)))
    {
      g_prefix_error (error, "default competence catalogue: ");
      return FALSE;
    }
  /* The whole revision or nothing: only when its catalogue row is new. */
  if (!sp_storage_row_exists (storage, SP_ENTITY_COMPETENCE_CATALOGUE,
                              ((SpChange *) g_ptr_array_index (changes, changes->len - 1))->id))
    {
      if (!sp_storage_push_as_server (storage, changes, error))
        {
          g_prefix_error (error, "default competence catalogue: ");
          return FALSE;
        }
      g_debug ("seeded the default competence catalogue (%u rows)", changes->len);
    }

  return TRUE;
}

gboolean
sp_competence_import (SpStorage   *storage,
                      JsonNode    *catalogue,
                      char       **row_id,
                      GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonNode) existing = NULL;
  SpChange *head;
  JsonObject *root;

  g_return_val_if_fail (storage != NULL, FALSE);
  g_return_val_if_fail (catalogue != NULL, FALSE);

  if (!(changes = sp_competence_catalogue_to_changes (catalogue, NULL, error)))
    return FALSE;
  head = g_ptr_array_index (changes, changes->len - 1);
  root = json_node_get_object (catalogue);

  existing = sp_storage_competence_catalogue (storage, json_object_get_string_member (root, "id"),
                                              json_object_get_int_member (root, "version"),
                                              TRUE, NULL);
  if (existing != NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FROZEN,
                   _("Catalogue “%s” version %d is already published and "
                     "cannot be changed; give the file a higher “version”"),
                   json_object_get_string_member (root, "id"),
                   (int) json_object_get_int_member (root, "version"));
      return FALSE;
    }

  if (!sp_storage_push_as_server (storage, changes, error))
    return FALSE;
  if (row_id)
    *row_id = g_strdup (head->id);
  return TRUE;
}

/* -- demo ------------------------------------------------------------------ */

typedef struct {
  const char *org_unit;
  guint       n2025;
  guint       n2026;
  double      base;       /* mean level in 2025 */
  double      growth;     /* change until 2026 */
} DemoUnit;

static const DemoUnit demo_units[] = {
  { "FD Bürgerservice",                 12, 15, 2.6, 0.4 },
  { "FD Jugend und Bildung",             8, 10, 2.4, 0.3 },
  { "FD Finanzen",                       7,  8, 2.9, 0.2 },
  { "FD Digitalisierung und IT",         9, 11, 3.6, 0.2 },
  { "FD Umwelt und Naturschutz",         6,  4, 2.5, 0.3 },
  { "FD Stadtentwicklung",               3,  6, 2.7, 0.5 },
};

gboolean
sp_competence_demo_load (SpStorage  *storage,
                         gboolean   *loaded,
                         GError    **error)
{
  g_autoptr(JsonNode) catalogue = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260401);
  JsonArray *areas;
  const char *key;
  gint64 version;

  g_return_val_if_fail (storage != NULL, FALSE);

  if (loaded)
    *loaded = FALSE;
  if (sp_storage_competence_submission_count (storage) != 0)
    return TRUE;

  if (!(catalogue = sp_storage_competence_catalogue (storage, SP_COMPETENCE_DEFAULT_CATALOGUE,
                                                     0, TRUE, error)))
    return FALSE;
  key = json_object_get_string_member (json_node_get_object (catalogue), "id");
  version = json_object_get_int_member (json_node_get_object (catalogue), "version");
  areas = json_object_get_array_member (json_node_get_object (catalogue), "areas");
  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, a),
                                                       "competences");

      for (guint c = 0; c < json_array_get_length (comps); c++)
        g_ptr_array_add (codes, g_strdup (json_object_get_string_member (json_array_get_object_element (comps, c),
                                                                         "code")));
    }

  for (guint u = 0; u < G_N_ELEMENTS (demo_units); u++)
    {
      const DemoUnit *unit = &demo_units[u];

      for (int year = 2025; year <= 2026; year++)
        {
          guint n = year == 2025 ? unit->n2025 : unit->n2026;

          for (guint i = 0; i < n; i++)
            {
              g_autoptr(GHashTable) levels = g_hash_table_new (g_str_hash, g_str_equal);
              /* Each person is a bit better or worse overall. */
              double person = g_rand_double_range (rand, -0.8, 0.8);

              for (guint c = 0; c < codes->len; c++)
                {
                  /* Area 5 (problem solving) and 6 (processes) are the
                   * weak spots of the demo city. */
                  const char *code = g_ptr_array_index (codes, c);
                  double weak = (code[0] == '5' || code[0] == '6') ? -0.5 : 0.0;
                  double v = unit->base + (year == 2026 ? unit->growth : 0.0) + person + weak +
                             g_rand_double_range (rand, -0.9, 0.9);
                  int level = CLAMP ((int) (v + 0.5), 1, 5);

                  g_hash_table_insert (levels, (gpointer) code, GINT_TO_POINTER (level));
                }
              if (!sp_storage_competence_submission_add (storage, key, version, unit->org_unit,
                                                         year, levels, error))
                return FALSE;
            }
        }
    }

  if (loaded)
    *loaded = TRUE;
  return TRUE;
}

/* -- command line ---------------------------------------------------------- */

static int
cmd_fail (const char *what,
          GError     *error)
{
  g_printerr ("stadtpult-server: %s: %s\n", what, error ? error->message : "failed");
  return 1;
}

static JsonNode *
read_json_file (const char  *path,
                GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return sp_json_parse (data, (gssize) len, error);
}

int
sp_competence_cmd (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  gint64 version = 0;
  gboolean is_import;
  const char *what, *arg;
  SpStorage *storage;
  int status = 0;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database file (default stadtpult.db)", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_INT64, &version, "Catalogue version (export; default: newest published)", "N" },
    { NULL }
  };

  g_return_val_if_fail (argc >= 1, 2);

  is_import = strcmp (argv[0], "import") == 0;
  context = g_option_context_new (is_import ? "catalogue|training FILE" : "catalogue ID");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("stadtpult-server: %s\n", error->message);
      return 2;
    }
  if (argc != 3 || (strcmp (argv[1], "catalogue") != 0 &&
                    !(is_import && strcmp (argv[1], "training") == 0)))
    {
      g_printerr ("Usage:\n"
                  "  stadtpult-server import catalogue FILE [--db FILE]\n"
                  "  stadtpult-server import training FILE [--db FILE]\n"
                  "  stadtpult-server export catalogue ID [--version N] [--db FILE]\n");
      return 2;
    }
  what = argv[1];
  arg = argv[2];

  storage = sp_storage_open_sqlite (db ? db : "stadtpult.db", &error);
  if (storage == NULL)
    return cmd_fail (db ? db : "stadtpult.db", error);
  if (!sp_competence_seed_defaults (storage, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }

  if (is_import)
    {
      g_autoptr(JsonNode) doc = read_json_file (arg, &error);

      if (doc == NULL)
        status = cmd_fail (arg, error);
      else if (strcmp (what, "catalogue") == 0)
        {
          g_autofree char *row_id = NULL;

          if (!sp_competence_import (storage, doc, &row_id, &error))
            status = cmd_fail (arg, error);
          else
            g_printerr ("imported catalogue %s\n", row_id);
        }
      else
        {
          g_autoptr(GPtrArray) changes = sp_training_catalogue_to_changes (doc, &error);

          if (changes == NULL || !sp_storage_push_as_server (storage, changes, &error))
            status = cmd_fail (arg, error);
          else
            g_printerr ("imported %u training items\n", changes->len);
        }
    }
  else
    {
      g_autoptr(JsonNode) doc = sp_storage_competence_catalogue (storage, arg, version,
                                                                 version == 0, &error);

      if (doc == NULL)
        status = cmd_fail (arg, error);
      else
        {
          g_autoptr(JsonGenerator) gen = json_generator_new ();
          g_autofree char *text = NULL;

          json_generator_set_pretty (gen, TRUE);
          json_generator_set_indent (gen, 2);
          json_generator_set_root (gen, doc);
          text = json_generator_to_data (gen, NULL);
          fputs (text, stdout);
          fputc ('\n', stdout);
        }
    }

  sp_storage_close (storage);
  return status;
}
