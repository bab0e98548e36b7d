/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "sp-demo.h"

#include "sp-auth.h"
#include "sp-challenges-demo.h"
#include "sp-change.h"
#include "sp-feedback-demo.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-surveys-demo.h"

#define DEMO_SERVICES_RESOURCE "/de/stadtpult/server/demo/services.json"

/* The demo accounts documented in the README: name = password. */
static const struct {
  const char *name;
  const char *roles;
} demo_accounts[] = {
  { "admin",       "admin" },
  { "redaktion",   "editor" },
  { "personal",    "hr" },
  { "kita",        "kita" },
  { "schulung",    "trainer" },
  { "mitarbeiter", "staff" },
};

typedef struct {
  const char *name;
  char       *hash;
  GError     *error;
} HashJob;

static gpointer
hash_thread (gpointer data)
{
  HashJob *job = data;

  job->hash = sp_auth_hash_password (job->name, &job->error);
  return NULL;
}

static gboolean
load_accounts (SpStorage  *storage,
               GError    **error)
{
  HashJob jobs[G_N_ELEMENTS (demo_accounts)] = { { 0 } };
  GThread *threads[G_N_ELEMENTS (demo_accounts)];
  gboolean ok = TRUE;

  /* argon2id is deliberately slow: hash the accounts in parallel (sp-auth
   * bounds how many run at once). */
  for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
    {
      jobs[i].name = demo_accounts[i].name;
      threads[i] = g_thread_new ("demo-hash", hash_thread, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
    {
      g_auto(GStrv) roles = NULL;

      if (ok && jobs[i].error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&jobs[i].error));
          ok = FALSE;
        }

      if (ok)
        roles = sp_auth_parse_roles (demo_accounts[i].roles, error);
      if (ok && roles == NULL)
        ok = FALSE;
      if (ok && !sp_storage_user_put (storage, demo_accounts[i].name, jobs[i].hash,
                                      (const char * const *) roles, error))
        ok = FALSE;

      g_clear_error (&jobs[i].error);
      g_free (jobs[i].hash);
    }

  return ok;
}

static gboolean
load_services (SpStorage  *storage,
               guint      *n_loaded,
               GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(SpHlc) hlc = sp_hlc_new ("server");
  const SpEntity *entity = sp_entity_lookup (SP_ENTITY_SERVICE);
  JsonArray *array;

  bytes = g_resources_lookup_data (DEMO_SERVICES_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID,
                           "Demo services are not a JSON array");
      return FALSE;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *source = json_array_get_object_element (array, i);
      g_autoptr(SpChange) change = sp_change_new ();
      g_autoptr(GList) members = NULL;

      if (source == NULL)
        continue;

      change->change_id = sp_uuid_new ();
      change->entity = g_strdup (SP_ENTITY_SERVICE);
      change->id = sp_uuid_new ();
      change->base_version = 0;
      change->hlc = sp_hlc_now (hlc);
      change->op = SP_OP_UPSERT;

      members = json_object_get_members (source);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *value = json_object_get_member (source, name);
          const SpField *field = sp_entity_get_field (entity, name);

          if (field == NULL)
            {
              g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD,
                           "Demo service %u has unknown field “%s”", i, name);
              return FALSE;
            }
          if (!sp_field_validate (field, value, error))
            return FALSE;

          json_object_set_member (change->fields, name, json_node_copy (value));
        }

      g_ptr_array_add (changes, g_steal_pointer (&change));
    }

  if (!sp_storage_push_as_server (storage, changes, error))
    return FALSE;

  *n_loaded = changes->len;
  return TRUE;
}

gboolean
sp_demo_load (SpStorage  *storage,
              gboolean   *loaded,
              GError    **error)
{
  guint n_services = 0;

  g_return_val_if_fail (storage != NULL, FALSE);
  g_return_val_if_fail (loaded != NULL, FALSE);

  *loaded = FALSE;

  if (sp_storage_user_count (storage) > 0 ||
      sp_storage_row_count (storage, SP_ENTITY_SERVICE) > 0)
    return TRUE;

  if (!load_services (storage, &n_services, error))
    return FALSE;

  if (!sp_surveys_demo_load (storage, error))
    return FALSE;

  if (!sp_feedback_demo_load (storage, error))
    return FALSE;

  if (!sp_challenges_demo_load (storage, error))
    return FALSE;

  if (!load_accounts (storage, error))
    return FALSE;

  g_message ("Loaded %u demo services and %u demo accounts",
             n_services, (guint) G_N_ELEMENTS (demo_accounts));
  *loaded = TRUE;

  return TRUE;
}
