/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-store"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-feedback-store.h"

#include "sp-change.h"
#include "sp-error.h"

#define TICKET_ATTEMPTS  4
#define RETENTION_BATCH  500

guint
sp_feedback_store_setting (SpStorage  *storage,
                           const char *key)
{
  g_autoptr(GHashTable) settings = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (storage != NULL, 0);

  if (!(settings = sp_storage_feedback_settings (storage, &error)))
    {
      g_warning ("Cannot read the feedback settings: %s", error->message);
      return sp_feedback_setting_value (key, NULL);
    }
  return sp_feedback_setting_value (key, g_hash_table_lookup (settings, key));
}

SpChange *
sp_feedback_store_new_change (const SpFeedbackInput *input,
                              const char            *ticket,
                              const char            *created,
                              guint                  sla_hours)
{
  g_autofree char *due = sp_feedback_due (created, sla_hours);
  SpChange *change;
  JsonObject *f;

  g_return_val_if_fail (input != NULL, NULL);

  change = sp_change_new_upsert ("feedback", sp_uuid_new ());
  f = change->fields;

  json_object_set_string_member (f, "ticket", ticket);
  json_object_set_string_member (f, "service_id", input->service_id);
  json_object_set_int_member (f, "rating", input->rating);
  json_object_set_string_member (f, "text", input->text);
  json_object_set_string_member (f, "channel", input->channel);
  json_object_set_string_member (f, "contact", input->contact);
  json_object_set_string_member (f, "created", created);
  json_object_set_string_member (f, "due", due ? due : "");
  json_object_set_string_member (f, "state", "new");
  json_object_set_string_member (f, "org_unit", "");
  json_object_set_array_member (f, "tags", json_array_new ());
  json_object_set_string_member (f, "assignee", "");
  json_object_set_string_member (f, "reply", "");
  json_object_set_string_member (f, "replied", "");
  json_object_set_string_member (f, "address", input->address);
  json_object_set_string_member (f, "lat", input->lat);
  json_object_set_string_member (f, "lon", input->lon);

  return change;
}

/* A ticket no stored feedback has (60 random bits make a clash most
 * unlikely; it is checked all the same). */
static char *
unused_ticket (SpStorage  *storage,
               GError    **error)
{
  for (guint i = 0; i < TICKET_ATTEMPTS; i++)
    {
      g_autofree char *ticket = sp_feedback_ticket_new ();
      g_autoptr(JsonObject) existing = NULL;
      g_autoptr(GError) local_error = NULL;

      existing = sp_storage_feedback_by_ticket (storage, ticket, &local_error);
      if (existing == NULL && g_error_matches (local_error, SP_ERROR, SP_ERROR_NOT_FOUND))
        return g_steal_pointer (&ticket);
      if (existing == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_set_error_literal (error, SP_ERROR, SP_ERROR_STORAGE, "No unused feedback ticket found");
  return NULL;
}

gboolean
sp_feedback_store_add (SpStorage              *storage,
                       const SpFeedbackInput  *input,
                       GDateTime              *now,
                       char                  **id,
                       char                  **ticket,
                       GError                **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autofree char *new_ticket = NULL;
  g_autofree char *created = NULL;
  SpChange *change;

  g_return_val_if_fail (storage != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (*input->service_id != '\0')
    {
      g_autofree char *name = sp_storage_feedback_service_name (storage, input->service_id);

      if (name == NULL)
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "service_id: unknown service");
          return FALSE;
        }
    }

  if (!(new_ticket = unused_ticket (storage, error)))
    return FALSE;

  created = sp_feedback_format_time (now);
  change = sp_feedback_store_new_change (input, new_ticket, created,
                                         sp_feedback_store_setting (storage, SP_FEEDBACK_SETTING_SLA_HOURS));
  g_ptr_array_add (changes, change);

  if (!sp_storage_push_as_server (storage, changes, error))
    return FALSE;

  if (id != NULL)
    *id = g_strdup (change->id);
  if (ticket != NULL)
    *ticket = g_steal_pointer (&new_ticket);
  return TRUE;
}

gint64
sp_feedback_store_expire_contacts (SpStorage  *storage,
                                   GDateTime  *now,
                                   GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) cutoff = NULL;
  g_autofree char *before = NULL;
  guint days;

  g_return_val_if_fail (storage != NULL, -1);
  g_return_val_if_fail (now != NULL, -1);

  days = sp_feedback_store_setting (storage, SP_FEEDBACK_SETTING_CONTACT_RETENTION_DAYS);
  cutoff = g_date_time_add_days (now, -(gint) days);
  before = sp_feedback_format_time (cutoff);

  if (!(rows = sp_storage_feedback_expired_contacts (storage, before, error)))
    return -1;

  for (guint i = 0; i < rows->len; i++)
    {
      SpChange *change = g_ptr_array_index (rows, i);

      if (g_strcmp0 (change->entity, "conflict") == 0)
        {
          /* A conflict record keeps both values as JSON text. */
          json_object_set_string_member (change->fields, "lost_value", "\"\"");
          json_object_set_string_member (change->fields, "kept_value", "\"\"");
        }
      else
        json_object_set_string_member (change->fields, "contact", "");
    }

  /* In batches: each push is one transaction that blocks other writers. */
  for (guint start = 0; start < rows->len; start += RETENTION_BATCH)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = start; i < MIN (rows->len, start + RETENTION_BATCH); i++)
        g_ptr_array_add (batch, g_ptr_array_index (rows, i));
      if (!sp_storage_push_as_server (storage, batch, error))
        return -1;
    }

  return rows->len;
}

gboolean
sp_feedback_store_add_text (SpStorage   *storage,
                            const char  *ticket,
                            const char  *text,
                            GDateTime   *now,
                            GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) cutoff = NULL;
  g_autofree char *after = NULL;
  SpChange *change;

  g_return_val_if_fail (storage != NULL, FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  cutoff = g_date_time_add_minutes (now, -SP_FEEDBACK_FOLLOWUP_MINUTES);
  after = sp_feedback_format_time (cutoff);
  if (!(rows = sp_storage_feedback_followup_ref (storage, ticket, after, error)))
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                           "No recent feedback without text has this ticket");
      return FALSE;
    }

  change = g_ptr_array_index (rows, 0);
  json_object_set_string_member (change->fields, "text", text);
  return sp_storage_push_as_server (storage, rows, error);
}

void
sp_feedback_json_set_text (JsonObject *object,
                           const char *name,
                           const char *value)
{
  g_return_if_fail (object != NULL);

  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}
