/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-util"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-feedback-util.h"

const char * const sp_feedback_states[] =
  { "new", "in_progress", "answered", "closed", "spam", NULL };
const char * const sp_feedback_channels[] =
  { "web", "kiosk", "app", "bot", "open311", NULL };

const char *
sp_feedback_state_label (const char *state)
{
  if (g_strcmp0 (state, "new") == 0)
    return C_("feedback state", "New");
  if (g_strcmp0 (state, "in_progress") == 0)
    return C_("feedback state", "In progress");
  if (g_strcmp0 (state, "answered") == 0)
    return C_("feedback state", "Answered");
  if (g_strcmp0 (state, "closed") == 0)
    return C_("feedback state", "Closed");
  if (g_strcmp0 (state, "spam") == 0)
    return C_("feedback state", "Spam");
  return state != NULL ? state : "";
}

const char *
sp_feedback_channel_label (const char *channel)
{
  if (g_strcmp0 (channel, "web") == 0)
    return C_("feedback channel", "Web");
  if (g_strcmp0 (channel, "kiosk") == 0)
    return C_("feedback channel", "Kiosk");
  if (g_strcmp0 (channel, "app") == 0)
    return C_("feedback channel", "App");
  if (g_strcmp0 (channel, "bot") == 0)
    return C_("feedback channel", "Chat bot");
  if (g_strcmp0 (channel, "open311") == 0)
    return C_("feedback channel", "Open311");
  return channel != NULL ? channel : "";
}

char *
sp_feedback_rating_stars (gint64 rating)
{
  GString *s = g_string_new (NULL);

  if (rating < 1 || rating > 5)
    return g_string_free (s, FALSE);
  for (gint64 i = 1; i <= 5; i++)
    g_string_append (s, i <= rating ? "★" : "☆");
  return g_string_free (s, FALSE);
}

char *
sp_feedback_rating_text (gint64 rating)
{
  if (rating < 1 || rating > 5)
    return g_strdup (_("No rating"));
  return g_strdup_printf (ngettext ("%d of 5 stars", "%d of 5 stars", (int) rating), (int) rating);
}

char *
sp_feedback_format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso == NULL || *iso == '\0')
    return g_strdup ("");
  utc = g_date_time_new_from_iso8601 (iso, NULL);
  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  /* Translators: date and time of feedback, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

SpFeedbackDue
sp_feedback_describe_due (const char *due,
                          const char *state,
                          GDateTime  *now,
                          char      **text)
{
  g_autoptr(GDateTime) when = NULL;
  GTimeSpan span;
  gint64 hours;
  gboolean overdue;

  if (text != NULL)
    *text = NULL;
  if (g_strcmp0 (state, "new") != 0 && g_strcmp0 (state, "in_progress") != 0)
    return SP_FEEDBACK_DUE_NONE;
  if (due == NULL || *due == '\0' || (when = g_date_time_new_from_iso8601 (due, NULL)) == NULL)
    return SP_FEEDBACK_DUE_NONE;

  span = g_date_time_difference (when, now);
  overdue = span < 0;
  /* Round up: "due in 1 h" until the last minute, "overdue by 1 h" at once. */
  hours = (ABS (span) + G_TIME_SPAN_HOUR - 1) / G_TIME_SPAN_HOUR;
  hours = MAX (hours, 1);

  if (text != NULL)
    {
      if (hours >= 48)
        {
          int days = (int) (hours / 24);

          *text = g_strdup_printf (overdue ? ngettext ("overdue by %d day", "overdue by %d days", days)
                                           : ngettext ("due in %d day", "due in %d days", days),
                                   days);
        }
      else
        /* Translators: "h" is the abbreviation of hours */
        *text = g_strdup_printf (overdue ? _("overdue by %d h") : _("due in %d h"), (int) hours);
    }
  return overdue ? SP_FEEDBACK_DUE_OVERDUE : SP_FEEDBACK_DUE_PENDING;
}

char *
sp_feedback_now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

GHashTable *
sp_feedback_service_names (SpLocalStore *store)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (store),
                        "SELECT id, coalesce(name, '') FROM service WHERE deleted = 0", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the service names: %s", error->message);
      return names;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (names,
                         g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  return names;
}

JsonArray *
sp_feedback_parse_tags (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  JsonArray *tags = json_array_new ();

  for (guint i = 0; parts[i]; i++)
    {
      char *tag = g_strstrip (parts[i]);

      if (*tag == '\0' || g_ptr_array_find_with_equal_func (seen, tag, g_str_equal, NULL))
        continue;
      g_ptr_array_add (seen, tag);
      json_array_add_string_element (tags, tag);
    }
  return tags;
}

/* Saves into @ids one by one what @build returns for each row. */
static gboolean
save_each (SpLocalStore *store,
           GPtrArray    *ids,
           JsonObject *(*build) (SpDbRow *row, gconstpointer data),
           gconstpointer data,
           GError      **error)
{
  if (!sp_local_store_begin_batch (store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(JsonObject) fields = NULL;
      g_autofree char *saved = NULL;
      SpDbRow *row = NULL;

      if (build != NULL)
        {
          row = sp_local_store_get (store, "feedback", id, error);
          if (row == NULL)
            {
              if (error != NULL && *error != NULL)
                {
                  sp_local_store_cancel_batch (store);
                  return FALSE;
                }
              continue;  /* gone meanwhile */
            }
          fields = build (row, data);
          sp_db_row_free (row);
        }
      else
        fields = json_object_ref ((JsonObject *) data);

      if (fields == NULL)
        continue;
      saved = sp_local_store_save (store, "feedback", id, fields, error);
      if (saved == NULL)
        {
          sp_local_store_cancel_batch (store);
          return FALSE;
        }
    }
  return sp_local_store_end_batch (store, error);
}

static JsonObject *
build_add_tag (SpDbRow       *row,
               gconstpointer  data)
{
  const char *tag = data;
  JsonNode *node = json_object_get_member (row->fields, "tags");
  JsonArray *tags = json_array_new ();
  JsonObject *fields;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *old = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (old); i++)
        {
          const char *t = json_array_get_string_element (old, i);

          if (g_strcmp0 (t, tag) == 0)
            {
              json_array_unref (tags);
              return NULL;  /* has it already: no change to sync */
            }
          json_array_add_string_element (tags, t);
        }
    }
  json_array_add_string_element (tags, tag);
  fields = json_object_new ();
  json_object_set_array_member (fields, "tags", tags);
  return fields;
}

gboolean
sp_feedback_add_tag (SpLocalStore *store,
                     GPtrArray    *ids,
                     const char   *tag,
                     GError      **error)
{
  return save_each (store, ids, build_add_tag, tag, error);
}

gboolean
sp_feedback_save_rows (SpLocalStore *store,
                       GPtrArray    *ids,
                       JsonObject   *fields,
                       GError      **error)
{
  return save_each (store, ids, NULL, fields, error);
}
