/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sp-feedback.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-hlc.h"
#include "sp-json-util.h"

/* Crockford's base 32: no I, L, O, U (nothing to misread or to spell). */
static const char ticket_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
#define TICKET_CHARS 12

static const char * const json_channels[] = { "web", "kiosk", "app", "bot", NULL };

/* -- tickets ------------------------------------------------------------------ */

static char *
ticket_format (const char body[TICKET_CHARS])
{
  return g_strdup_printf ("FB-%.4s-%.4s-%.4s", body, body + 4, body + 8);
}

char *
sp_feedback_ticket_new (void)
{
  guint8 bytes[8];
  guint64 bits = 0;
  char body[TICKET_CHARS];

  /* Up to 256 bytes getrandom() never returns short once the kernel's
   * generator is seeded; it blocks until then. */
  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("The kernel's random generator failed");

  for (guint i = 0; i < sizeof bytes; i++)
    bits = bits << 8 | bytes[i];
  for (guint i = 0; i < TICKET_CHARS; i++, bits >>= 5)
    body[i] = ticket_alphabet[bits & 31];

  return ticket_format (body);
}

char *
sp_feedback_ticket_normalize (const char *text)
{
  char body[TICKET_CHARS + 2];
  guint n = 0;
  const char *start;

  if (text == NULL || strlen (text) > 64)
    return NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-' || c == '\t')
        continue;
      if (n == G_N_ELEMENTS (body))
        return NULL;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      body[n++] = c;
    }

  if (n == TICKET_CHARS + 2 && body[0] == 'F' && body[1] == 'B')
    start = body + 2;
  else if (n == TICKET_CHARS)
    start = body;
  else
    return NULL;

  for (guint i = 0; i < TICKET_CHARS; i++)
    if (start[i] == '\0' || strchr (ticket_alphabet, start[i]) == NULL)
      return NULL;

  return ticket_format (start);
}

/* -- validation --------------------------------------------------------------- */

void
sp_feedback_input_free (SpFeedbackInput *input)
{
  if (input == NULL)
    return;

  g_free (input->service_id);
  g_free (input->text);
  g_free (input->channel);
  g_free (input->contact);
  g_free (input->address);
  g_free (input->lat);
  g_free (input->lon);
  g_free (input);
}

static SpFeedbackInput *
input_new (void)
{
  SpFeedbackInput *input = g_new0 (SpFeedbackInput, 1);

  input->service_id = g_strdup ("");
  input->text = g_strdup ("");
  input->contact = g_strdup ("");
  input->address = g_strdup ("");
  input->lat = g_strdup ("");
  input->lon = g_strdup ("");
  return input;
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (const char  *name,
      const char **field,
      GError     **error,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    *field = name;
  g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: %s", name, message);
  return FALSE;
}

/* A free text of at most @max characters (the stored fields allow four
 * bytes per character), without control characters other than line breaks
 * and tabs. */
static gboolean
check_text (const char  *name,
            const char  *value,
            gsize        max,
            const char **field,
            GError     **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    return fail (name, field, error, "not valid UTF-8");
  if (g_utf8_strlen (value, -1) > (glong) max)
    return fail (name, field, error, "too long (at most %" G_GSIZE_FORMAT " characters)", max);
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
      return fail (name, field, error, "contains control characters");
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The checks both routes share, on a filled-in input. */
static gboolean
input_check (SpFeedbackInput  *input,
             const char       *text_name,
             const char      **field,
             GError          **error)
{
  if (*input->service_id != '\0' && !sp_id_is_valid (input->service_id))
    return fail ("service_id", field, error, "unknown service");
  if (input->rating != 0 && (input->rating < 1 || input->rating > 5))
    return fail ("rating", field, error, "expected a whole number from 1 to 5");
  if (!check_text (text_name, input->text, SP_FEEDBACK_TEXT_MAX, field, error))
    return FALSE;
  if (is_blank (input->text) && input->rating == 0 &&
      *input->lat == '\0' && is_blank (input->address))
    return fail (text_name, field, error, "please write something or give a rating");
  return check_text ("contact", input->contact, SP_FEEDBACK_CONTACT_MAX, field, error);
}

/* The honeypot: a field hidden from people that only bots fill in. */
static gboolean
honeypot_ok (gboolean     filled,
             const char **field,
             GError     **error)
{
  if (filled)
    return fail ("website", field, error, "rejected");
  return TRUE;
}

/* String member @name into *out (left alone when missing or null). */
static gboolean
json_string (JsonObject  *body,
             const char  *name,
             char       **out,
             const char **field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (name, field, error, "expected a string");
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

SpFeedbackInput *
sp_feedback_input_from_json (JsonObject  *body,
                             const char **field,
                             GError     **error)
{
  g_autoptr(SpFeedbackInput) input = input_new ();
  JsonNode *node;
  gboolean consent = FALSE;

  if (field != NULL)
    *field = NULL;
  if (body == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "Expected a JSON object");
      return NULL;
    }

  if (!honeypot_ok (sp_json_member_filled (body, "website"), field, error))
    return NULL;

  input->channel = g_strdup ("web");
  if (!json_string (body, "service_id", &input->service_id, field, error) ||
      !json_string (body, "text", &input->text, field, error) ||
      !json_string (body, "channel", &input->channel, field, error) ||
      !json_string (body, "contact", &input->contact, field, error))
    return NULL;

  node = json_object_get_member (body, "rating");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1 || json_node_get_int (node) > 5)
        {
          fail ("rating", field, error, "expected a whole number from 1 to 5");
          return NULL;
        }
      input->rating = json_node_get_int (node);
    }

  if (!g_strv_contains (json_channels, input->channel))
    {
      fail ("channel", field, error, "expected web, kiosk, app or bot");
      return NULL;
    }

  node = json_object_get_member (body, "consent");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          fail ("consent", field, error, "expected true or false");
          return NULL;
        }
      consent = json_node_get_boolean (node);
    }

  g_strstrip (input->contact);
  if (*input->contact != '\0' && !consent)
    {
      fail ("consent", field, error,
            "contact data is only stored with the citizen's consent (\"consent\":true)");
      return NULL;
    }

  if (!input_check (input, "text", field, error))
    return NULL;

  return g_steal_pointer (&input);
}

/* -- Open311 ------------------------------------------------------------------- */

static const char *
param (GHashTable *params,
       const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL ? value : "";
}

static gboolean
parse_coordinate (const char  *name,
                  const char  *text,
                  double       limit,
                  char       **out,
                  const char **field,
                  GError     **error)
{
  char *end = NULL;
  double value;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || fabs (value) > limit)
    return fail (name, field, error, "expected decimal degrees between %g and %g", -limit, limit);
  *out = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", value));
  return TRUE;
}

static gboolean
is_truthy (const char *value)
{
  return g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "1") == 0 ||
         g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "on") == 0;
}

/* "First Last, email, phone" of the parts given. */
static gboolean
open311_contact (GHashTable  *params,
                 char       **contact,
                 const char **field,
                 GError     **error)
{
  g_autofree char *name = g_strstrip (g_strdup_printf ("%s %s", param (params, "first_name"),
                                                      param (params, "last_name")));
  const char *email = param (params, "email");
  const char *phone = param (params, "phone");
  GString *out = g_string_new (name);

  if (*email != '\0')
    {
      if (strchr (email, '@') == NULL || strpbrk (email, " \t\r\n<>,;") != NULL)
        {
          g_string_free (out, TRUE);
          return fail ("email", field, error, "not an e-mail address");
        }
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", email);
    }
  if (*phone != '\0')
    {
      if (strspn (phone, "+0123456789 ()-/") != strlen (phone))
        {
          g_string_free (out, TRUE);
          return fail ("phone", field, error, "not a phone number");
        }
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", phone);
    }

  *contact = g_string_free (out, FALSE);
  return TRUE;
}

SpFeedbackInput *
sp_feedback_input_from_open311 (GHashTable  *params,
                                gboolean    *contact_dropped,
                                const char **field,
                                GError     **error)
{
  g_autoptr(SpFeedbackInput) input = input_new ();
  g_autofree char *contact = NULL;
  const char *code, *lat, *lon;

  g_return_val_if_fail (params != NULL, NULL);

  if (field != NULL)
    *field = NULL;
  if (contact_dropped != NULL)
    *contact_dropped = FALSE;

  if (!honeypot_ok (*param (params, "website") != '\0', field, error))
    return NULL;

  code = param (params, "service_code");
  if (*code == '\0')
    {
      fail ("service_code", field, error, "required");
      return NULL;
    }
  g_free (input->service_id);
  input->service_id = g_strdup (strcmp (code, SP_FEEDBACK_OPEN311_GENERAL) == 0 ? "" : code);
  if (*input->service_id != '\0' && !sp_id_is_valid (input->service_id))
    {
      fail ("service_code", field, error, "unknown service");
      return NULL;
    }

  input->channel = g_strdup ("open311");
  g_free (input->text);
  input->text = g_strdup (param (params, "description"));
  g_free (input->address);
  input->address = g_strstrip (g_strdup (param (params, "address_string")));
  if (!check_text ("address_string", input->address, SP_FEEDBACK_ADDRESS_MAX, field, error))
    return NULL;

  lat = param (params, "lat");
  lon = param (params, "long");
  if ((*lat == '\0') != (*lon == '\0'))
    {
      fail (*lat == '\0' ? "lat" : "long", field, error, "lat and long go together");
      return NULL;
    }
  if (*lat != '\0')
    {
      g_clear_pointer (&input->lat, g_free);
      g_clear_pointer (&input->lon, g_free);
      if (!parse_coordinate ("lat", lat, 90, &input->lat, field, error) ||
          !parse_coordinate ("long", lon, 180, &input->lon, field, error))
        return NULL;
    }

  if (!open311_contact (params, &contact, field, error))
    return NULL;
  if (*contact != '\0')
    {
      if (is_truthy (param (params, "attribute[consent]")))
        {
          g_free (input->contact);
          input->contact = g_steal_pointer (&contact);
        }
      else if (contact_dropped != NULL)
        *contact_dropped = TRUE;
    }

  if (!input_check (input, "description", field, error))
    return NULL;

  return g_steal_pointer (&input);
}

static gboolean
add_param (GHashTable  *params,
           const char  *name,
           JsonNode    *node,
           GError     **error)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *text;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected a text value", name);
      return FALSE;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      text = json_node_get_string (node);
      break;
    case G_TYPE_BOOLEAN:
      text = json_node_get_boolean (node) ? "true" : "false";
      break;
    case G_TYPE_INT64:
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, json_node_get_int (node));
      text = buf;
      break;
    default:
      text = g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node));
      break;
    }

  g_hash_table_replace (params, g_strdup (name), g_strdup (text));
  return TRUE;
}

GHashTable *
sp_feedback_open311_params_from_json (JsonObject  *body,
                                      GError     **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (body != NULL, NULL);

  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (strcmp (name, "attribute") == 0 && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObjectIter inner;
          const char *key;
          JsonNode *value;

          json_object_iter_init (&inner, json_node_get_object (node));
          while (json_object_iter_next (&inner, &key, &value))
            {
              g_autofree char *full = g_strdup_printf ("attribute[%s]", key);

              if (!add_param (params, full, value, error))
                return NULL;
            }
        }
      else if (!add_param (params, name, node, error))
        return NULL;
    }

  return g_steal_pointer (&params);
}

/* -- times --------------------------------------------------------------------- */

char *
sp_feedback_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

GDateTime *
sp_feedback_parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, utc);
}

char *
sp_feedback_due (const char *created,
                 guint       sla_hours)
{
  g_autoptr(GDateTime) start = sp_feedback_parse_time (created);
  g_autoptr(GDateTime) due = NULL;

  if (start == NULL)
    return NULL;
  due = g_date_time_add_hours (start, (gint) sla_hours);
  return due ? sp_feedback_format_time (due) : NULL;
}

gboolean
sp_feedback_is_overdue (const char *state,
                        const char *due,
                        GDateTime  *now)
{
  g_autoptr(GDateTime) due_time = NULL;

  g_return_val_if_fail (now != NULL, FALSE);

  if (g_strcmp0 (state, "new") != 0 && g_strcmp0 (state, "in_progress") != 0)
    return FALSE;
  due_time = sp_feedback_parse_time (due);
  return due_time != NULL && g_date_time_compare (now, due_time) > 0;
}

char *
sp_feedback_hlc_time (const char *hlc)
{
  g_autoptr(GDateTime) time = NULL;
  gint64 ms = 0;

  if (hlc == NULL || !sp_hlc_parse (hlc, &ms, NULL, NULL))
    return NULL;
  time = g_date_time_new_from_unix_utc (ms / 1000);
  return time ? sp_feedback_format_time (time) : NULL;
}

char *
sp_feedback_iso_week (const char *day)
{
  g_autoptr(GDateTime) date = NULL;
  guint year, month, mday;

  if (day == NULL || strlen (day) < 10 ||
      sscanf (day, "%4u-%2u-%2u", &year, &month, &mday) != 3 ||
      !g_date_valid_dmy (mday, month, year))
    return NULL;

  date = g_date_time_new_utc (year, month, mday, 0, 0, 0);
  if (date == NULL)
    return NULL;
  return g_strdup_printf ("%04d-W%02d", g_date_time_get_week_numbering_year (date),
                          g_date_time_get_week_of_year (date));
}

/* -- settings and states ------------------------------------------------------------ */

guint
sp_feedback_setting_value (const char *key,
                           const char *value)
{
  guint64 fallback, max, parsed;

  if (g_strcmp0 (key, SP_FEEDBACK_SETTING_SLA_HOURS) == 0)
    {
      fallback = SP_FEEDBACK_SLA_HOURS_DEFAULT;
      max = 24 * 366;
    }
  else if (g_strcmp0 (key, SP_FEEDBACK_SETTING_CONTACT_RETENTION_DAYS) == 0)
    {
      fallback = SP_FEEDBACK_CONTACT_RETENTION_DAYS_DEFAULT;
      max = 3650;
    }
  else
    return 0;

  if (value == NULL)
    return fallback;
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (value));

    if (!g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT64, &parsed, NULL))
      return fallback;
  }

  return (guint) CLAMP (parsed, 1, max);
}

const char *
sp_feedback_public_state (const char *state)
{
  if (state == NULL || strcmp (state, "spam") == 0)
    return "closed";
  return state;
}

const char *
sp_feedback_open311_status (const char *state)
{
  if (g_strcmp0 (state, "new") == 0 || g_strcmp0 (state, "in_progress") == 0)
    return "open";
  return "closed";
}
