/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-route-competence"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-route-competence.h"

#include "sp-competence-catalogue.h"
#include "sp-competence-report.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-server-private.h"

/* The competence self-check API (staff token; the report for role hr):
 *   GET  /api/v1/competence/catalogues            published catalogues (latest
 *                                                 revision of each) with codes
 *   GET  /api/v1/competence/catalogues/ID[?version=N]  the full catalogue
 *   POST /api/v1/competence/submissions           an anonymous result -> 201
 *   GET  /api/v1/competence/report?year=YYYY[&org_unit=..]  anonymised report */

#define COMPETENCE_PATH   "/api/v1/competence"
#define CATALOGUES_PATH   COMPETENCE_PATH "/catalogues"
#define SUBMISSIONS_PATH  COMPETENCE_PATH "/submissions"
#define REPORT_PATH       COMPETENCE_PATH "/report"
#define ID_KEY            "\x01id"     /* never a query parameter name */
#define MAX_SUBMISSION    (64 * 1024)
#define ORG_UNIT_MAX_LEN  120
#define YEAR_MIN          2000

/* -- helpers ------------------------------------------------------------- */

static gboolean
parse_int (const char *text,
           gint64      min,
           gint64      max,
           gint64     *value)
{
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, (guint64) MAX (min, 0), (guint64) max, &v, NULL))
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

static gint64
year_max (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now) + 1;
}

/* Org units are compared as typed, with runs of white space folded. */
static char *
normalize_org_unit (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static JsonNode *
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, message);
  return NULL;
}

/* -- catalogues ------------------------------------------------------------ */

static JsonNode *
catalogue_list_work (SpServer     *server,
                     SpPrincipal  *principal,
                     JsonNode     *body,
                     GHashTable   *query,
                     guint        *status,
                     GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  g_auto(GStrv) ids = NULL;
  g_autoptr(JsonArray) list = json_array_new ();

  if (!(ids = sp_storage_competence_catalogues (storage, error)))
    return NULL;

  for (guint i = 0; ids[i]; i++)
    {
      const char *dot = strrchr (ids[i], '.');
      g_autofree char *key = dot ? g_strndup (ids[i], dot - ids[i]) : g_strdup (ids[i]);
      g_autoptr(JsonNode) full = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonObject *root, *entry;
      JsonArray *areas, *competences;

      full = sp_storage_competence_catalogue (storage, key, 0, TRUE, &local_error);
      if (full == NULL)
        {
          g_debug ("catalogue %s: %s", ids[i], local_error->message);
          continue;
        }
      root = json_node_get_object (full);

      entry = json_object_new ();
      json_object_set_string_member (entry, "id", sp_json_get_string (root, "id"));
      json_object_set_int_member (entry, "version", json_object_get_int_member (root, "version"));
      json_object_set_string_member (entry, "title", sp_json_get_string (root, "title"));
      json_object_set_string_member (entry, "description", sp_json_get_string (root, "description"));
      competences = json_array_new ();
      areas = json_object_get_array_member (root, "areas");
      for (guint a = 0; a < json_array_get_length (areas); a++)
        {
          JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, a),
                                                           "competences");

          for (guint c = 0; c < json_array_get_length (comps); c++)
            {
              JsonObject *comp = json_array_get_object_element (comps, c);
              JsonObject *short_comp = json_object_new ();

              json_object_set_string_member (short_comp, "code", sp_json_get_string (comp, "code"));
              json_object_set_string_member (short_comp, "title", sp_json_get_string (comp, "title"));
              json_array_add_object_element (competences, short_comp);
            }
        }
      json_object_set_array_member (entry, "competences", competences);
      json_array_add_object_element (list, entry);
    }

  return sp_json_array_node (g_steal_pointer (&list));
}

static JsonNode *
catalogue_get_work (SpServer     *server,
                    SpPrincipal  *principal,
                    JsonNode     *body,
                    GHashTable   *query,
                    guint        *status,
                    GError      **error)
{
  const char *id = g_hash_table_lookup (query, ID_KEY);
  const char *version_text = g_hash_table_lookup (query, "version");
  gint64 version = 0;

  if (version_text != NULL && !parse_int (version_text, 1, G_MAXINT32, &version))
    return invalid (error, "version must be a positive integer");

  return sp_storage_competence_catalogue (sp_server_get_storage (server), id, version, TRUE, error);
}

/* -- submissions --------------------------------------------------------- */

/* Codes of published catalogue revisions, keyed "KEY.REV". Published
 * revisions are frozen, so the cache never goes stale. */
static GMutex      codes_lock;
static GHashTable *codes_cache;   /* char* -> GHashTable (set of codes) */

static GHashTable *
catalogue_codes (SpStorage   *storage,
                 const char  *key,
                 gint64       revision,
                 GError     **error)
{
  g_autofree char *cache_key = sp_competence_catalogue_row_id (key, revision);
  g_autoptr(JsonNode) full = NULL;
  GHashTable *codes;
  JsonArray *areas;

  g_mutex_lock (&codes_lock);
  if (codes_cache == NULL)
    codes_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  codes = g_hash_table_lookup (codes_cache, cache_key);
  if (codes != NULL)
    g_hash_table_ref (codes);
  g_mutex_unlock (&codes_lock);
  if (codes != NULL)
    return codes;

  if (!(full = sp_storage_competence_catalogue (storage, key, revision, TRUE, error)))
    return NULL;

  codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  areas = json_object_get_array_member (json_node_get_object (full), "areas");
  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, a),
                                                       "competences");

      for (guint c = 0; c < json_array_get_length (comps); c++)
        g_hash_table_add (codes, g_strdup (sp_json_get_string (json_array_get_object_element (comps, c),
                                                          "code")));
    }

  g_mutex_lock (&codes_lock);
  g_hash_table_replace (codes_cache, g_steal_pointer (&cache_key), g_hash_table_ref (codes));
  g_mutex_unlock (&codes_lock);
  return codes;
}

static JsonNode *
submission_work (SpServer     *server,
                 SpPrincipal  *principal,
                 JsonNode     *body,
                 GHashTable   *query,
                 guint        *status,
                 GError      **error)
{
  SpStorage *storage = sp_server_get_storage (server);
  g_autoptr(GHashTable) codes = NULL;
  g_autoptr(GHashTable) levels = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *org_unit = NULL;
  JsonObject *root, *levels_obj, *answer;
  JsonNode *levels_node, *node;
  const char *catalogue, *org_unit_raw;
  gint64 version, year;
  GList *members;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return invalid (error, "expected a JSON object");
  root = json_node_get_object (body);

  catalogue = sp_json_get_string (root, "catalogue");
  if (catalogue == NULL || *catalogue == '\0')
    return invalid (error, "catalogue: expected a catalogue id");
  if (!sp_json_get_int (root, "version", &version) || version < 1)
    return invalid (error, "version: expected a positive integer");
  if (!sp_json_get_int (root, "year", &year) || year < YEAR_MIN || year > year_max ())
    return invalid (error, "year: expected a year such as 2026");
  org_unit_raw = sp_json_get_string (root, "org_unit");
  if (org_unit_raw == NULL)
    return invalid (error, "org_unit: expected a string");
  org_unit = normalize_org_unit (org_unit_raw);
  if (*org_unit == '\0')
    return invalid (error, "org_unit must not be empty");
  if (g_utf8_strlen (org_unit, -1) > ORG_UNIT_MAX_LEN || !g_utf8_validate (org_unit, -1, NULL))
    return invalid (error, "org_unit is too long (at most 120 characters)");

  levels_node = json_object_get_member (root, "levels");
  if (levels_node == NULL || !JSON_NODE_HOLDS_OBJECT (levels_node))
    return invalid (error, "levels: expected an object {\"1.1\": level, ...}");
  levels_obj = json_node_get_object (levels_node);
  if (json_object_get_size (levels_obj) == 0)
    return invalid (error, "levels must name at least one competence");

  codes = catalogue_codes (storage, catalogue, version, &local_error);
  if (codes == NULL)
    {
      if (g_error_matches (local_error, SP_ERROR, SP_ERROR_NOT_FOUND))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "unknown catalogue “%s” in version %" G_GINT64_FORMAT, catalogue, version);
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  levels = g_hash_table_new (g_str_hash, g_str_equal);
  members = json_object_get_members (levels_obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *code = l->data;
      gint64 level;

      node = json_object_get_member (levels_obj, code);
      if (!g_hash_table_contains (codes, code))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "levels: unknown competence code “%s”", code);
          g_list_free (members);
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          (level = json_node_get_int (node)) < 1 || level > 5)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "levels.%s: expected an integer from 1 to 5", code);
          g_list_free (members);
          return NULL;
        }
      g_hash_table_insert (levels, (gpointer) code, GINT_TO_POINTER ((int) level));
    }
  g_list_free (members);

  if (!sp_storage_competence_submission_add (storage, catalogue, version, org_unit, year,
                                             levels, error))
    return NULL;

  *status = SOUP_STATUS_CREATED;
  answer = json_object_new ();
  json_object_set_string_member (answer, "status", "stored");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, answer);
  return node;
}

/* -- report -------------------------------------------------------------- */

static JsonNode *
report_work (SpServer     *server,
             SpPrincipal  *principal,
             JsonNode     *body,
             GHashTable   *query,
             guint        *status,
             GError      **error)
{
  const char *year_text = query ? g_hash_table_lookup (query, "year") : NULL;
  const char *org_unit_raw = query ? g_hash_table_lookup (query, "org_unit") : NULL;
  g_autofree char *org_unit = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 year;

  if (!parse_int (year_text, YEAR_MIN, 9999, &year))
    return invalid (error, "year: expected ?year=YYYY");
  if (org_unit_raw != NULL && *org_unit_raw != '\0')
    org_unit = normalize_org_unit (org_unit_raw);

  if (!(rows = sp_storage_competence_report_rows (sp_server_get_storage (server), year, error)))
    return NULL;
  return sp_competence_report_build (rows, year, org_unit);
}

/* -- dispatch ------------------------------------------------------------ */

static void
competence_handler (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SpServer *server = user_data;
  g_autoptr(SpPrincipal) principal = NULL;

  if (!(principal = _sp_server_require_roles (server, msg, NULL, NULL)))
    return;

  if (strcmp (path, CATALOGUES_PATH) == 0)
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, query, catalogue_list_work);
      return;
    }

  if (g_str_has_prefix (path, CATALOGUES_PATH "/"))
    {
      const char *id = path + strlen (CATALOGUES_PATH "/");
      g_autoptr(GHashTable) q = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      if (*id == '\0' || strchr (id, '/') != NULL || !sp_id_is_valid (id))
        {
          _sp_server_reply_api_not_found (msg);
          return;
        }
      if (query != NULL)
        {
          const char *version = g_hash_table_lookup (query, "version");

          if (version != NULL)
            g_hash_table_insert (q, g_strdup ("version"), g_strdup (version));
        }
      g_hash_table_insert (q, g_strdup (ID_KEY), g_strdup (id));
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, q, catalogue_get_work);
      return;
    }

  if (strcmp (path, SUBMISSIONS_PATH) == 0)
    {
      JsonNode *body;

      if (!_sp_server_require_method (msg, "POST", "POST"))
        return;
      if (!(body = _sp_server_require_json_body (msg, MAX_SUBMISSION)))
        return;
      /* The principal is not passed on: a submission is anonymous. */
      sp_server_defer (server, msg, NULL, body, NULL, submission_work);
      return;
    }

  if (strcmp (path, REPORT_PATH) == 0)
    {
      if (!_sp_server_require_method (msg, "GET", "GET"))
        return;
      if (!_sp_server_check_roles (msg, principal, "hr", "Only HR may read competence reports"))
        return;
      sp_server_defer (server, msg, g_steal_pointer (&principal), NULL, query, report_work);
      return;
    }

  _sp_server_reply_api_not_found (msg);
}

void
sp_route_competence_register (SpServer *server)
{
  g_return_if_fail (server != NULL);

  soup_server_add_handler (sp_server_get_soup (server), COMPETENCE_PATH,
                           competence_handler, server, NULL);
}
