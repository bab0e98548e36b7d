/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-faq-cmd"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <string.h>

#include "sp-faq-cmd.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-faq-import.h"
#include "sp-json-util.h"

/* -- storing ------------------------------------------------------------------ */

static gboolean
same_row (const SpChange *stored,
          const SpChange *change)
{
  GList *members, *l;
  gboolean same = TRUE;

  if (stored->op == SP_OP_DELETE)
    return FALSE;
  members = json_object_get_members (change->fields);
  for (l = members; l != NULL && same; l = l->next)
    {
      JsonNode *a = json_object_get_member (stored->fields, l->data);
      JsonNode *b = json_object_get_member (change->fields, l->data);

      if (a == NULL || JSON_NODE_HOLDS_NULL (a))
        {
          /* An empty text or list equals a missing value. */
          same = JSON_NODE_HOLDS_NULL (b) ||
                 (JSON_NODE_HOLDS_VALUE (b) && json_node_get_value_type (b) == G_TYPE_STRING &&
                  *json_node_get_string (b) == '\0') ||
                 (JSON_NODE_HOLDS_ARRAY (b) && json_array_get_length (json_node_get_array (b)) == 0);
        }
      else
        same = sp_field_values_equal (a, b);
    }
  g_list_free (members);
  return same;
}

static GHashTable *
rows_by_id (SpStorage   *storage,
            const char  *entity,
            GPtrArray  **keep,
            GError     **error)
{
  GHashTable *table;

  if (!(*keep = sp_storage_bot_rows (storage, entity, error)))
    return NULL;
  table = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < (*keep)->len; i++)
    {
      SpChange *row = g_ptr_array_index (*keep, i);

      g_hash_table_insert (table, row->id, row);
    }
  return table;
}

gboolean
sp_faq_store (SpStorage         *storage,
              GPtrArray         *changes,
              SpFaqImportStats  *faq_stats,
              SpFaqImportStats  *service_stats,
              GError           **error)
{
  g_autoptr(GPtrArray) faqs = NULL, services = NULL;
  g_autoptr(GHashTable) faq_rows = NULL, service_rows = NULL;
  g_autoptr(GHashTable) by_leika = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) push = g_ptr_array_new ();
  SpFaqImportStats fs = { 0 }, ss = { 0 };

  g_return_val_if_fail (storage != NULL, FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!(faq_rows = rows_by_id (storage, SP_ENTITY_FAQ, &faqs, error)) ||
      !(service_rows = rows_by_id (storage, SP_ENTITY_SERVICE, &services, error)))
    return FALSE;

  /* LeiKa key -> published service (stored, or in this import). */
  for (guint i = 0; i < services->len; i++)
    {
      SpChange *row = g_ptr_array_index (services, i);
      const char *leika = sp_json_get_string (row->fields, "leika");

      if (row->op == SP_OP_UPSERT && leika && *leika &&
          g_strcmp0 (sp_json_get_string (row->fields, "status"), "published") == 0)
        g_hash_table_insert (by_leika, (gpointer) leika, row->id);
    }
  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      const char *leika = sp_json_get_string (change->fields, "leika");

      if (g_strcmp0 (change->entity, SP_ENTITY_SERVICE) == 0 && leika && *leika)
        g_hash_table_insert (by_leika, (gpointer) leika, change->id);
    }

  for (guint i = 0; i < changes->len; i++)
    {
      SpChange *change = g_ptr_array_index (changes, i);
      gboolean is_faq = g_strcmp0 (change->entity, SP_ENTITY_FAQ) == 0;
      SpFaqImportStats *stats = is_faq ? &fs : &ss;
      SpChange *stored = g_hash_table_lookup (is_faq ? faq_rows : service_rows, change->id);

      if (is_faq)
        {
          const char *service_id = sp_json_get_string (change->fields, "service_id");
          const char *leika = sp_json_get_string (change->fields, "leika");
          const char *linked;

          if ((service_id == NULL || *service_id == '\0') && leika && *leika &&
              (linked = g_hash_table_lookup (by_leika, leika)) != NULL)
            json_object_set_string_member (change->fields, "service_id", linked);
        }

      if (stored == NULL)
        stats->added++;
      else if (same_row (stored, change))
        {
          stats->unchanged++;
          continue;
        }
      else
        stats->updated++;
      g_ptr_array_add (push, change);
    }

  if (push->len > 0 && !sp_storage_push_as_server (storage, push, error))
    return FALSE;

  if (faq_stats)
    *faq_stats = fs;
  if (service_stats)
    *service_stats = ss;
  return TRUE;
}

/* -- command line ---------------------------------------------------------- */

static int
usage (void)
{
  g_printerr ("Usage:\n"
              "  stadtpult-server import faq FILE [--db FILE]\n"
              "  stadtpult-server import dldb DIR [--db FILE]\n");
  return 2;
}

int
sp_faq_cmd (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *db = NULL;
  SpFaqImportStats fs = { 0 }, ss = { 0 };
  const char *what, *arg;
  SpStorage *storage;
  guint n_services = 0;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database file (default stadtpult.db)", "FILE" },
    { NULL }
  };

  g_return_val_if_fail (argc >= 1, 2);

  context = g_option_context_new ("faq FILE | dldb DIR");
  g_option_context_set_summary (context,
                                "Import FAQ entries (JSON array) or a DLDB service directory export.\n"
                                "Imported entries are published at once and reach desktops by sync;\n"
                                "a re-import updates the same entries.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("stadtpult-server: %s\n", error->message);
      return 2;
    }
  if (argc != 3 || (strcmp (argv[1], "faq") != 0 && strcmp (argv[1], "dldb") != 0))
    return usage ();
  what = argv[1];
  arg = argv[2];

  /* Read and check everything before the database is touched. */
  if (strcmp (what, "faq") == 0)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_file_get_contents (arg, &data, &len, &error))
        changes = sp_faq_import_parse (data, len, &error);
    }
  else
    changes = sp_faq_import_dldb (arg, &n_services, &error);
  if (changes == NULL)
    {
      g_printerr ("stadtpult-server: %s: %s\nNothing was imported.\n", arg, error->message);
      return 1;
    }

  storage = sp_storage_open_sqlite (db ? db : "stadtpult.db", &error);
  if (storage == NULL)
    {
      g_printerr ("stadtpult-server: cannot open %s: %s\n", db ? db : "stadtpult.db", error->message);
      return 1;
    }
  if (!sp_faq_store (storage, changes, &fs, &ss, &error))
    {
      g_printerr ("stadtpult-server: %s: %s\nNothing was imported.\n", arg, error->message);
      sp_storage_close (storage);
      return 1;
    }
  sp_storage_close (storage);

  if (strcmp (what, "dldb") == 0)
    g_print ("services: %u new, %u updated, %u unchanged\n", ss.added, ss.updated, ss.unchanged);
  g_print ("faq: %u new, %u updated, %u unchanged\n", fs.added, fs.updated, fs.unchanged);
  return 0;
}

/* -- demo ------------------------------------------------------------------ */

/* Bürgerservice Jena (demo): Mo 8-16, Tu 8-18, We 8-12, Th 8-18, Fr 8-12. */
static const struct {
  int         weekday;
  const char *opens;
  const char *closes;
} demo_hours[] = {
  { 1, "08:00", "16:00" },
  { 2, "08:00", "18:00" },
  { 3, "08:00", "12:00" },
  { 4, "08:00", "18:00" },
  { 5, "08:00", "12:00" },
};

static const struct {
  const char *key;
  const char *value;
} demo_settings[] = {
  { "hotline",        "+49 3641 49-0" },
  { "callback_hours", "24" },
};

gboolean
sp_faq_demo_load (SpStorage  *storage,
                  gboolean   *loaded,
                  GError    **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) hours = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);

  g_return_val_if_fail (storage != NULL, FALSE);

  if (loaded)
    *loaded = FALSE;

  if (sp_storage_row_count (storage, SP_ENTITY_FAQ) == 0)
    {
      g_autoptr(GBytes) bytes = NULL;
      gsize len = 0;
      const char *data;

      if (!(bytes = g_resources_lookup_data (SP_FAQ_DEMO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error)))
        return FALSE;
      data = g_bytes_get_data (bytes, &len);
      if (!(changes = sp_faq_import_parse (data, len, error)) ||
          !sp_faq_store (storage, changes, NULL, NULL, error))
        {
          g_prefix_error (error, "demo FAQ: ");
          return FALSE;
        }
      if (loaded)
        *loaded = TRUE;
    }

  if (sp_storage_row_count (storage, "bot_hours") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (demo_hours); i++)
        {
          SpChange *change = sp_change_new_upsert ("bot_hours",
                                                   g_strdup_printf ("bot_hours.demo.%d", demo_hours[i].weekday));

          json_object_set_string_member (change->fields, "kind", "weekly");
          json_object_set_int_member (change->fields, "weekday", demo_hours[i].weekday);
          json_object_set_string_member (change->fields, "day", "");
          json_object_set_string_member (change->fields, "opens", demo_hours[i].opens);
          json_object_set_string_member (change->fields, "closes", demo_hours[i].closes);
          json_object_set_string_member (change->fields, "note", "Bürgerservice");
          g_ptr_array_add (hours, change);
        }
    }
  if (sp_storage_row_count (storage, "bot_setting") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (demo_settings); i++)
        {
          SpChange *change = sp_change_new_upsert ("bot_setting",
                                                   g_strdup_printf ("bot_setting.%s", demo_settings[i].key));

          json_object_set_string_member (change->fields, "key", demo_settings[i].key);
          json_object_set_string_member (change->fields, "value", demo_settings[i].value);
          g_ptr_array_add (hours, change);
        }
    }
  if (hours->len > 0)
    {
      if (!sp_storage_push_as_server (storage, hours, error))
        {
          g_prefix_error (error, "demo office hours: ");
          return FALSE;
        }
      if (loaded)
        *loaded = TRUE;
    }

  return TRUE;
}
