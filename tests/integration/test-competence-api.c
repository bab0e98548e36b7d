/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-competence-api"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <signal.h>
#include <string.h>

#include "sp-api-client.h"
#include "sp-competence-catalogue.h"
#include "sp-error.h"
#include "sp-test-server.h"

/* The competence self-check API against a real server on a fresh database
 * (no --demo): the default catalogue is there, submissions are validated
 * and anonymous, HR reports never show (or let anyone compute) a group of
 * fewer than 5, and published catalogue versions are frozen. */

typedef struct {
  SpTestServer *server;
  char         *staff;
  char         *hr;
  char         *trainer;
  char         *editor;
} Fixture;

static Fixture *fx;

static void
fixture_init (void)
{
  fx = g_new0 (Fixture, 1);
  fx->server = sp_test_server_new ();
  sp_test_server_add_user (fx->server, "mitarbeiter", "staff", "mitarbeiter");
  sp_test_server_add_user (fx->server, "personal", "hr", "personal");
  sp_test_server_add_user (fx->server, "schulung", "trainer", "schulung");
  sp_test_server_add_user (fx->server, "redaktion", "editor", "redaktion");
  sp_test_server_start (fx->server, FALSE);
  fx->staff = sp_test_login_token (fx->server->base_url, "mitarbeiter", "mitarbeiter");
  fx->hr = sp_test_login_token (fx->server->base_url, "personal", "personal");
  fx->trainer = sp_test_login_token (fx->server->base_url, "schulung", "schulung");
  fx->editor = sp_test_login_token (fx->server->base_url, "redaktion", "redaktion");
}

static void
fixture_free (void)
{
  sp_test_server_free (fx->server);
  g_free (fx->staff);
  g_free (fx->hr);
  g_free (fx->trainer);
  g_free (fx->editor);
  g_free (fx);
}

static JsonNode *
get_json (const char *path,
          const char *token,
          guint       expected_status)
{
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  guint status;

  status = sp_test_http (fx->server->base_url, "GET", path, token, NULL, &body);
  if (status != expected_status)
    g_error ("GET %s: %u (expected %u): %s", path, status, expected_status, body);
  node = json_from_string (body, &error);
  g_assert_no_error (error);
  return node;
}

static void
assert_error_slug (const char *body,
                   const char *slug)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (body, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "error"), ==, slug);
  g_assert_true (json_object_has_member (json_node_get_object (node), "message"));
}

static guint
submit (const char *org_unit,
        int         year,
        const char *levels_json)
{
  g_autofree char *json = g_strdup_printf ("{\"catalogue\":\"digcomp\",\"version\":1,"
                                           "\"org_unit\":\"%s\",\"year\":%d,\"levels\":%s}",
                                           org_unit, year, levels_json);
  g_autofree char *body = NULL;
  guint status;

  status = sp_test_http (fx->server->base_url, "POST", "/api/v1/competence/submissions",
                         fx->staff, json, &body);
  if (status == 201)
    {
      g_autoptr(JsonNode) node = json_from_string (body, NULL);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status"), ==, "stored");
    }
  return status;
}

static void
submit_n (const char *org_unit,
          int         year,
          guint       n,
          int         level)
{
  g_autofree char *levels = g_strdup_printf ("{\"1.1\":%d,\"2.1\":%d}", level, level);

  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (submit (org_unit, year, levels), ==, 201);
}

static JsonNode *
report (int         year,
        const char *org_unit)
{
  g_autofree char *path = NULL;

  if (org_unit)
    {
      g_autofree char *esc = g_uri_escape_string (org_unit, NULL, TRUE);
      path = g_strdup_printf ("/api/v1/competence/report?year=%d&org_unit=%s", year, esc);
    }
  else
    path = g_strdup_printf ("/api/v1/competence/report?year=%d", year);
  return get_json (path, fx->hr, 200);
}

static JsonObject *
find_group (JsonNode   *report_node,
            const char *org_unit)
{
  JsonArray *groups = json_object_get_array_member (json_node_get_object (report_node), "groups");

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (g, "org_unit"), org_unit) == 0)
        return g;
    }
  return NULL;
}

static gint64
suppressed (JsonNode *report_node)
{
  return json_object_get_int_member (json_node_get_object (report_node), "suppressed");
}

/* -- catalogues ---------------------------------------------------------- */

static void
test_catalogue_list (void)
{
  g_autoptr(JsonNode) list = get_json ("/api/v1/competence/catalogues", fx->staff, 200);
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *digcomp = NULL;
  JsonArray *competences;
  g_autofree char *body = NULL;

  /* Present in a fresh database without --demo. */
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonObject *c = json_array_get_object_element (json_node_get_array (list), i);

      if (g_strcmp0 (json_object_get_string_member (c, "id"), "digcomp") == 0)
        digcomp = c;
    }
  g_assert_nonnull (digcomp);
  g_assert_cmpint (json_object_get_int_member (digcomp, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (digcomp, "title"), !=, "");
  competences = json_object_get_array_member (digcomp, "competences");
  for (guint i = 0; i < json_array_get_length (competences); i++)
    {
      JsonObject *c = json_array_get_object_element (competences, i);

      g_assert_cmpstr (json_object_get_string_member (c, "title"), !=, "");
      g_hash_table_add (codes, (gpointer) json_object_get_string_member (c, "code"));
    }
  /* All 21 DigComp codes plus the process-analysis area. */
  for (int area = 1; area <= 5; area++)
    {
      static const int n_per_area[] = { 0, 3, 6, 4, 4, 4 };

      for (int c = 1; c <= n_per_area[area]; c++)
        {
          g_autofree char *code = g_strdup_printf ("%d.%d", area, c);

          if (!g_hash_table_contains (codes, code))
            g_error ("competence %s is missing", code);
        }
    }
  g_assert_true (g_hash_table_contains (codes, "6.1"));
  g_assert_cmpuint (g_hash_table_size (codes), >, 21);

  /* Any staff token; none: 401. */
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/catalogues",
                                  NULL, NULL, &body), ==, 401);
  assert_error_slug (body, "unauthorized");
}

static void
test_catalogue_full (void)
{
  g_autoptr(JsonNode) full = get_json ("/api/v1/competence/catalogues/digcomp", fx->staff, 200);
  g_autoptr(JsonNode) v1 = get_json ("/api/v1/competence/catalogues/digcomp?version=1", fx->staff, 200);
  g_autoptr(JsonNode) missing = get_json ("/api/v1/competence/catalogues/digcomp?version=99", fx->staff, 404);
  g_autoptr(JsonNode) unknown = get_json ("/api/v1/competence/catalogues/nonesuch", fx->staff, 404);
  g_autofree char *a = json_to_string (full, FALSE);
  g_autofree char *b = json_to_string (v1, FALSE);
  JsonObject *root = json_node_get_object (full);
  JsonArray *areas = json_object_get_array_member (root, "areas");
  guint n_questions = 0, n_competences = 0, n_recs = 0;

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (json_object_get_string_member (root, "id"), ==, "digcomp");
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "published");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "levels")), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "levels"), 0),
                   ==, "Grundlagen fehlen");

  for (guint i = 0; i < json_array_get_length (areas); i++)
    {
      JsonArray *comps = json_object_get_array_member (json_array_get_object_element (areas, i), "competences");

      for (guint c = 0; c < json_array_get_length (comps); c++)
        {
          JsonObject *comp = json_array_get_object_element (comps, c);
          JsonArray *qs = json_object_get_array_member (comp, "questions");

          n_competences++;
          /* at least 3 questions per competence, each with options */
          g_assert_cmpuint (json_array_get_length (qs), >=, 3);
          n_questions += json_array_get_length (qs);
          for (guint q = 0; q < json_array_get_length (qs); q++)
            {
              JsonObject *qo = json_array_get_object_element (qs, q);

              g_assert_cmpuint (json_array_get_length (json_object_get_array_member (qo, "options")), >=, 2);
              g_assert_true (g_str_has_prefix (json_object_get_string_member (qo, "id"), "digcomp.1.q."));
            }
          n_recs += json_array_get_length (json_object_get_array_member (comp, "recommendations"));
        }
    }
  g_assert_cmpuint (n_competences, >, 21);
  g_assert_cmpuint (n_recs, >, 0);
  g_test_message ("%u competences, %u questions, %u recommendations", n_competences, n_questions, n_recs);

  assert_error_slug (json_to_string (missing, FALSE), "not_found");
  (void) unknown;
}

/* -- submissions --------------------------------------------------------- */

static void
test_submission_validation (void)
{
  g_autofree char *long_unit = g_strnfill (200, 'x');
  static const struct { const char *body; const char *why; } bad[] = {
    { "{\"catalogue\":\"nonesuch\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":3}}", "unknown catalogue" },
    { "{\"catalogue\":\"digcomp\",\"version\":7,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":3}}", "unknown version" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"9.9\":3}}", "unknown code" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":0}}", "level 0" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":6}}", "level 6" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":2.5}}", "level 2.5" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{\"1.1\":\"3\"}}", "level as text" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":2026,\"levels\":{}}", "no levels" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":1999,\"levels\":{\"1.1\":3}}", "year 1999" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":3000,\"levels\":{\"1.1\":3}}", "year 3000" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD A\",\"year\":\"2026\",\"levels\":{\"1.1\":3}}", "year as text" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"   \",\"year\":2026,\"levels\":{\"1.1\":3}}", "blank org unit" },
    { "{\"catalogue\":\"digcomp\",\"version\":1,\"year\":2026,\"levels\":{\"1.1\":3}}", "no org unit" },
    { "[1,2,3]", "not an object" },
    { "{\"catalogue\":\"digcomp\",", "broken JSON" },
  };
  g_autofree char *oversize = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *answer = NULL;
      guint status = sp_test_http (fx->server->base_url, "POST", "/api/v1/competence/submissions",
                                   fx->staff, bad[i].body, &answer);

      if (status != 400)
        g_error ("%s: got %u: %s", bad[i].why, status, answer);
      assert_error_slug (answer, "invalid_request");
    }

  oversize = g_strdup_printf ("{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"%s\","
                              "\"year\":2026,\"levels\":{\"1.1\":3}}", long_unit);
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "POST", "/api/v1/competence/submissions",
                                  fx->staff, oversize, NULL), ==, 400);
  /* No token: 401. */
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "POST", "/api/v1/competence/submissions",
                                  NULL, "{}", &body), ==, 401);

  /* Nothing of that was stored. */
  {
    g_autoptr(JsonNode) r = report (2026, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (r), "groups")), ==, 0);
    g_assert_cmpint (suppressed (r), ==, 0);
  }

  /* A valid one: every competence or only some. */
  g_assert_cmpuint (submit ("FD Validierung", 2002, "{\"1.1\":1,\"5.4\":5,\"6.1\":3}"), ==, 201);
}

/* The server database holds nothing that links a submission to a person. */
static void
test_submission_anonymous (void)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  guint n = 0;

  submit_n ("FD Anonym", 2003, 3, 2);

  g_assert_cmpint (sqlite3_open_v2 (fx->server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info('competence_submission') ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_ptr_array_add (columns, NULL);
  joined = g_strjoinv (",", (char **) columns->pdata);
  /* year only: no user, token, address or time */
  g_assert_cmpstr (joined, ==, "catalogue,id,org_unit,revision,year");

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM competence_submission WHERE org_unit = 'FD Anonym'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);

      /* random ids, not a sequence that follows the arrival order */
      g_assert_cmpuint (strlen (id), >=, 32);
      n++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n, ==, 3);
  sqlite3_close (db);
}

/* -- report -------------------------------------------------------------- */

static void
test_report_roles (void)
{
  g_autofree char *body = NULL;
  const char *others[] = { fx->staff, fx->trainer, fx->editor };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_clear_pointer (&body, g_free);
      g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/report?year=2026",
                                      others[i], NULL, &body), ==, 403);
      assert_error_slug (body, "forbidden");
    }
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/report?year=2026",
                                  NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/report",
                                  fx->hr, NULL, NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/report?year=abc",
                                  fx->hr, NULL, NULL), ==, 400);
  g_assert_cmpuint (sp_test_http (fx->server->base_url, "GET", "/api/v1/competence/report?year=2026",
                                  fx->hr, NULL, NULL), ==, 200);
}

static void
test_report_threshold (void)
{
  g_autoptr(JsonNode) four = NULL;
  g_autoptr(JsonNode) five = NULL;
  JsonObject *group, *levels;

  /* 4 submissions: nothing shown, one group withheld, no total. */
  submit_n ("FD Schwelle", 2004, 2, 1);
  submit_n ("FD Schwelle", 2004, 2, 2);
  four = report (2004, NULL);
  g_assert_null (find_group (four, "FD Schwelle"));
  g_assert_cmpint (suppressed (four), ==, 1);
  g_assert_true (json_object_get_null_member (json_node_get_object (four), "total"));

  /* The 5th: shown with n and the means (1+1+2+2+2)/5 = 1.60. */
  submit_n ("FD Schwelle", 2004, 1, 2);
  five = report (2004, NULL);
  group = find_group (five, "FD Schwelle");
  g_assert_nonnull (group);
  g_assert_cmpint (json_object_get_int_member (group, "n"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (group, "year"), ==, 2004);
  levels = json_object_get_object_member (group, "levels");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (levels, "1.1"), 1.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (levels, "2.1"), 1.6, 1e-9);
  g_assert_cmpint (suppressed (five), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (five), "total"), "n"), ==, 5);
}

static void
test_report_means_two_decimals (void)
{
  g_autoptr(JsonNode) r = NULL;
  JsonObject *levels;

  /* (1+1+2+2+2+2) / 6 = 1.666.. -> 1.67 */
  submit_n ("FD Runden", 2005, 2, 1);
  submit_n ("FD Runden", 2005, 4, 2);
  r = report (2005, NULL);
  levels = json_object_get_object_member (find_group (r, "FD Runden"), "levels");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (levels, "1.1"), 1.67, 1e-9);
}

/* Checks one year's report against everything an HR user could combine. */
static void
assert_no_small_group_revealed (int year,
                                const char * const *units)
{
  g_autoptr(JsonNode) full = report (year, NULL);
  JsonObject *root = json_node_get_object (full);
  JsonArray *groups = json_object_get_array_member (root, "groups");
  gint64 visible = 0;

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      gint64 n = json_object_get_int_member (json_array_get_object_element (groups, i), "n");

      g_assert_cmpint (n, >=, 5);
      visible += n;
    }
  if (!json_object_get_null_member (root, "total"))
    {
      gint64 total = json_object_get_int_member (json_object_get_object_member (root, "total"), "n");
      gint64 rest = total - visible;

      g_assert_cmpint (total, >=, 5);
      /* the total minus the visible groups is 0 or a group of 5 or more */
      if (rest != 0 && rest < 5)
        g_error ("year %d: total %" G_GINT64_FORMAT " - visible %" G_GINT64_FORMAT
                 " reveals a group of %" G_GINT64_FORMAT, year, total, visible, rest);
    }

  /* Filtering by org unit never shows a group the full report withholds. */
  for (guint i = 0; units[i]; i++)
    {
      g_autoptr(JsonNode) one = report (year, units[i]);
      JsonArray *g = json_object_get_array_member (json_node_get_object (one), "groups");

      g_assert_cmpuint (json_array_get_length (g), <=, 1);
      if (json_array_get_length (g) == 1)
        {
          g_assert_nonnull (find_group (full, units[i]));
          g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (g, 0), "n"), >=, 5);
          g_assert_cmpint (suppressed (one), ==, 0);
        }
      else
        {
          g_assert_null (find_group (full, units[i]));
          g_assert_cmpint (suppressed (one), ==, 1);
        }
    }
}

static void
test_report_complementary (void)
{
  static const char * const units[] = { "FD Gross", "FD Mittel", "FD Klein", NULL };
  g_autoptr(JsonNode) r = NULL;
  JsonObject *total;

  /* 2006: 8 + 5 + 3. Withholding only "Klein" (3) would let total minus
   * the others reveal it: the smallest shown group (Mittel, 5) goes too. */
  submit_n ("FD Gross", 2006, 8, 4);
  submit_n ("FD Mittel", 2006, 5, 3);
  submit_n ("FD Klein", 2006, 3, 1);

  r = report (2006, NULL);
  g_assert_nonnull (find_group (r, "FD Gross"));
  g_assert_null (find_group (r, "FD Mittel"));
  g_assert_null (find_group (r, "FD Klein"));
  /* K counts groups, not submissions */
  g_assert_cmpint (suppressed (r), ==, 2);
  total = json_object_get_object_member (json_node_get_object (r), "total");
  g_assert_nonnull (total);
  g_assert_cmpint (json_object_get_int_member (total, "n"), ==, 16);
  g_assert_cmpint (json_object_get_int_member (total, "year"), ==, 2006);
  /* (8*4 + 5*3 + 3*1) / 16 = 3.125 -> 3.13 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (total, "levels"), "1.1"),
                                  3.13, 1e-9);
  assert_no_small_group_revealed (2006, units);
}

static void
test_report_differencing (void)
{
  static const char * const units_2007[] = { "FD A", "FD B", "FD C", NULL };
  static const char * const units_2008[] = { "FD D", NULL };
  static const char * const units_2009[] = { "FD A", "FD B", "FD C", "FD E", NULL };

  /* 2007: two small groups that together reach 5: no extra suppression
   * needed, the total shows (it cannot be split into the two). */
  submit_n ("FD A", 2007, 6, 3);
  submit_n ("FD B", 2007, 2, 2);
  submit_n ("FD C", 2007, 3, 5);
  assert_no_small_group_revealed (2007, units_2007);
  {
    g_autoptr(JsonNode) r = report (2007, NULL);
    g_assert_cmpint (suppressed (r), ==, 2);
    g_assert_nonnull (find_group (r, "FD A"));
  }

  /* 2008: one group only, below 5: no groups and no total. */
  submit_n ("FD D", 2008, 4, 2);
  assert_no_small_group_revealed (2008, units_2008);
  {
    g_autoptr(JsonNode) r = report (2008, NULL);
    g_assert_true (json_object_get_null_member (json_node_get_object (r), "total"));
  }

  /* 2009: one small group next to several big ones, then the small group
   * grows one by one: at no step can it be computed. */
  submit_n ("FD A", 2009, 7, 4);
  submit_n ("FD B", 2009, 9, 2);
  submit_n ("FD C", 2009, 5, 3);
  for (guint i = 0; i < 6; i++)
    {
      submit_n ("FD E", 2009, 1, 1 + (int) i % 5);
      assert_no_small_group_revealed (2009, units_2009);
    }

  /* Per competence: a code only a few gave is not shown for a group, and
   * the total hides it if the hidden part would be small. */
  {
    g_autoptr(JsonNode) r = NULL;
    JsonObject *a, *levels;

    submit_n ("FD X", 2010, 6, 3);                                   /* 1.1 and 2.1 */
    g_assert_cmpuint (submit ("FD X", 2010, "{\"5.4\":5}"), ==, 201); /* one person gives 5.4 */
    g_assert_cmpuint (submit ("FD X", 2010, "{\"5.4\":1}"), ==, 201);
    r = report (2010, NULL);
    a = find_group (r, "FD X");
    g_assert_nonnull (a);
    levels = json_object_get_object_member (a, "levels");
    g_assert_true (json_object_has_member (levels, "1.1"));
    g_assert_false (json_object_has_member (levels, "5.4"));
    levels = json_object_get_object_member (json_object_get_object_member (json_node_get_object (r), "total"), "levels");
    g_assert_false (json_object_has_member (levels, "5.4"));
  }
}

/* -- frozen versions ---------------------------------------------------- */

static char *
change_json (const char *change_id,
             const char *entity,
             const char *id,
             const char *fields_json)
{
  g_autofree char *hlc = g_strdup_printf ("%015" G_GINT64_FORMAT ":0000:testnode",
                                          g_get_real_time () / 1000);

  return g_strdup_printf ("{\"change_id\":\"%s\",\"entity\":\"%s\",\"id\":\"%s\",\"base_version\":0,"
                          "\"hlc\":\"%s\",\"op\":\"upsert\",\"fields\":%s}",
                          change_id, entity, id, hlc, fields_json);
}

static guint
push (const char *token,
      const char *changes_json,
      char      **body)
{
  g_autofree char *json = g_strdup_printf ("{\"changes\":[%s]}", changes_json);

  return sp_test_http (fx->server->base_url, "POST", "/api/v1/sync", token, json, body);
}

static void
test_frozen (void)
{
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL, *c5 = NULL, *c6 = NULL;
  g_autofree char *body = NULL;
  g_autofree char *publish = NULL;
  g_autofree char *both = NULL;

  /* The published default catalogue: no change to a question... */
  c1 = change_json ("frozen-1", "competence_question", "digcomp.1.q.1.1.1", "{\"text\":\"Neu\"}");
  g_assert_cmpuint (push (fx->trainer, c1, &body), ==, 409);
  assert_error_slug (body, "frozen");
  g_clear_pointer (&body, g_free);
  /* ... to an option (through its question) ... */
  c2 = change_json ("frozen-2", "competence_option", "digcomp.1.q.1.1.1.o.1", "{\"points\":4}");
  g_assert_cmpuint (push (fx->hr, c2, &body), ==, 409);
  assert_error_slug (body, "frozen");
  g_clear_pointer (&body, g_free);
  /* ... no new part attached to it, no unpublishing. */
  c3 = change_json ("frozen-3", "competence_question", "extra-question",
                    "{\"catalogue_id\":\"digcomp.1\",\"competence_code\":\"1.1\",\"kind\":\"self\",\"text\":\"?\"}");
  g_assert_cmpuint (push (fx->trainer, c3, &body), ==, 409);
  g_clear_pointer (&body, g_free);
  c4 = change_json ("frozen-4", "competence_catalogue", "digcomp.1", "{\"status\":\"draft\"}");
  g_assert_cmpuint (push (fx->trainer, c4, &body), ==, 409);
  g_clear_pointer (&body, g_free);
  /* Roles still come first: staff may not write catalogues at all. */
  c5 = change_json ("frozen-5", "competence_catalogue", "mine.1", "{\"key\":\"mine\",\"revision\":1,\"status\":\"draft\"}");
  g_assert_cmpuint (push (fx->staff, c5, &body), ==, 403);
  g_clear_pointer (&body, g_free);

  /* A draft is editable, also its parts, until it is published. */
  g_clear_pointer (&c5, g_free);
  c5 = change_json ("draft-1", "competence_catalogue", "mine.1",
                    "{\"key\":\"mine\",\"revision\":1,\"title\":\"Mein Katalog\",\"status\":\"draft\"}");
  c6 = change_json ("draft-2", "competence_question", "mine.1.q.1",
                    "{\"catalogue_id\":\"mine.1\",\"competence_code\":\"1.1\",\"kind\":\"self\",\"text\":\"Erste\"}");
  both = g_strconcat (c5, ",", c6, NULL);
  g_assert_cmpuint (push (fx->trainer, both, &body), ==, 200);
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&c6, g_free);
  c6 = change_json ("draft-3", "competence_question", "mine.1.q.1", "{\"text\":\"Zweite\"}");
  g_assert_cmpuint (push (fx->hr, c6, &body), ==, 200);
  g_clear_pointer (&body, g_free);

  publish = change_json ("draft-publish", "competence_catalogue", "mine.1", "{\"status\":\"published\"}");
  g_assert_cmpuint (push (fx->trainer, publish, &body), ==, 200);
  g_clear_pointer (&body, g_free);
  /* Sending the publishing change again (a lost answer) is a duplicate,
   * not refused. */
  g_assert_cmpuint (push (fx->trainer, publish, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"duplicate\""));
  g_clear_pointer (&body, g_free);

  g_clear_pointer (&c6, g_free);
  c6 = change_json ("draft-4", "competence_question", "mine.1.q.1", "{\"text\":\"Dritte\"}");
  g_assert_cmpuint (push (fx->trainer, c6, &body), ==, 409);
  assert_error_slug (body, "frozen");
  g_assert_nonnull (strstr (body, "mine.1.q.1"));
}

/* The desktop's "import catalogue" path: the document saved as local edits
 * syncs as one batch (parts first, the publishing catalogue row last) and
 * the server accepts it. */
static void
test_desktop_import_syncs (void)
{
  g_autoptr(JsonNode) doc = get_json ("/api/v1/competence/catalogues/digcomp?version=1", fx->staff, 200);
  g_autofree char *path = sp_test_server_path (fx->server, "desk.db");
  g_autoptr(SpSyncClient) client = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) full = NULL;
  g_autofree char *row_id = NULL;
  gboolean found = FALSE;

  json_object_set_string_member (json_node_get_object (doc), "id", "jena-it");
  json_object_set_string_member (json_node_get_object (doc), "title", "IT-Kompetenzen Jena");

  client = sp_test_client_new (fx->server, "desk.db", "schulung");
  store = sp_local_store_open (path, &error);
  g_assert_no_error (error);
  row_id = sp_competence_catalogue_save_local (store, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (row_id, ==, "jena-it.1");
  sp_test_sync_ok (client);
  g_assert_cmpuint (sp_local_store_outbox_count (store), ==, 0);

  list = get_json ("/api/v1/competence/catalogues", fx->staff, 200);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (json_node_get_array (list), i), "id"),
                   "jena-it") == 0)
      found = TRUE;
  g_assert_true (found);
  full = get_json ("/api/v1/competence/catalogues/jena-it", fx->staff, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (full), "areas")),
                    ==, json_array_get_length (json_object_get_array_member (json_node_get_object (doc), "areas")));
}

/* -- core API client -------------------------------------------------- */

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_api_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) report_node = NULL;
  JsonNode *denied;
  guint status = 0;

  list = sp_api_client_request_json (fx->server->base_url, fx->staff, NULL, "GET",
                                     "/api/v1/competence/catalogues", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list));

  body = json_from_string ("{\"catalogue\":\"digcomp\",\"version\":1,\"org_unit\":\"FD Client\","
                           "\"year\":2011,\"levels\":{\"1.1\":4}}", NULL);
  created = sp_api_client_request_json (fx->server->base_url, fx->staff, NULL, "POST",
                                        "/api/v1/competence/submissions", body, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);

  denied = sp_api_client_request_json (fx->server->base_url, fx->staff, NULL, "GET",
                                       "/api/v1/competence/report?year=2011", NULL, &status, NULL, &error);
  g_assert_null (denied);
  g_assert_error (error, SP_ERROR, SP_ERROR_FORBIDDEN);
  g_assert_cmpuint (status, ==, 403);
  g_clear_error (&error);

  /* async, with a trailing slash on the base URL */
  {
    g_autofree char *base = g_strconcat (fx->server->base_url, "/", NULL);

    sp_api_client_request_json_async (base, fx->hr, NULL, "GET", "/api/v1/competence/report?year=2011",
                                      NULL, NULL, on_async_done, &result);
  }
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report_node = sp_api_client_request_json_finish (result, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (suppressed (report_node), ==, 1);

  /* no server there */
  denied = sp_api_client_request_json ("http://127.0.0.1:1", NULL, NULL, "GET", "/api/v1/training",
                                       NULL, &status, NULL, &error);
  g_assert_null (denied);
  g_assert_error (error, SP_ERROR, SP_ERROR_NETWORK);
  g_assert_cmpuint (status, ==, 0);
}

/* -- seeding and the command line ----------------------------------------- */

static gint64
server_count (const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (fx->server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static int
run_cli (char **out,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("STADTPULT_SERVER"));
  va_start (args, out);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static void
test_seed_and_cli (void)
{
  gint64 options = server_count ("SELECT count(*) FROM competence_option");
  gint64 items = server_count ("SELECT count(*) FROM training_item");
  gint64 version = server_count ("SELECT max(version) FROM training_item");
  g_autofree char *exported = NULL;
  g_autofree char *path = sp_test_server_path (fx->server, "digcomp-v2.json");
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *text = NULL;
  JsonObject *first = NULL;

  g_assert_cmpint (options, >, 0);
  g_assert_cmpint (items, >, 0);

  /* A restart seeds again: nothing is duplicated or rewritten. */
  sp_test_server_kill (fx->server, SIGTERM);
  sp_test_server_start (fx->server, FALSE);
  g_assert_cmpint (server_count ("SELECT count(*) FROM competence_option"), ==, options);
  g_assert_cmpint (server_count ("SELECT count(*) FROM training_item"), ==, items);
  g_assert_cmpint (server_count ("SELECT max(version) FROM training_item"), ==, version);

  /* export -> edit -> import as version 2 -> the list offers version 2
   * (the commands run while the server is stopped) */
  sp_test_server_kill (fx->server, SIGTERM);
  g_assert_cmpint (run_cli (&exported, "export", "catalogue", "digcomp", "--db", fx->server->db_path, NULL), ==, 0);
  doc = json_from_string (exported, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (doc), "id"), ==, "digcomp");
  json_object_set_int_member (json_node_get_object (doc), "version", 2);
  json_object_set_string_member (json_node_get_object (doc), "title", "Digitale Kompetenzen 2");
  text = json_to_string (doc, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (run_cli (NULL, "import", "catalogue", path, "--db", fx->server->db_path, NULL), ==, 0);
  /* the same version again is refused: published versions are frozen */
  g_assert_cmpint (run_cli (NULL, "import", "catalogue", path, "--db", fx->server->db_path, NULL), !=, 0);

  /* a broken file: clear error, nothing imported */
  g_assert_true (g_file_set_contents (path, "{\"id\":\"x\",\"version\":1}", -1, NULL));
  g_assert_cmpint (run_cli (NULL, "import", "catalogue", path, "--db", fx->server->db_path, NULL), !=, 0);
  sp_test_server_start (fx->server, FALSE);

  list = get_json ("/api/v1/competence/catalogues", fx->staff, 200);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonObject *c = json_array_get_object_element (json_node_get_array (list), i);

      if (g_strcmp0 (json_object_get_string_member (c, "id"), "digcomp") == 0)
        {
          g_assert_null (first);
          first = c;
        }
    }
  g_assert_nonnull (first);
  g_assert_cmpint (json_object_get_int_member (first, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "Digitale Kompetenzen 2");
  /* version 1 stays available for results that name it */
  {
    g_autoptr(JsonNode) v1 = get_json ("/api/v1/competence/catalogues/digcomp?version=1", fx->staff, 200);
    g_assert_cmpuint (submit ("FD Version", 2012, "{\"1.1\":2}"), ==, 201);
  }

}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  fixture_init ();

  g_test_add_func ("/competence/api/catalogue-list", test_catalogue_list);
  g_test_add_func ("/competence/api/catalogue-full", test_catalogue_full);
  g_test_add_func ("/competence/api/submission-validation", test_submission_validation);
  g_test_add_func ("/competence/api/submission-anonymous", test_submission_anonymous);
  g_test_add_func ("/competence/api/report-roles", test_report_roles);
  g_test_add_func ("/competence/api/report-threshold", test_report_threshold);
  g_test_add_func ("/competence/api/report-two-decimals", test_report_means_two_decimals);
  g_test_add_func ("/competence/api/report-complementary", test_report_complementary);
  g_test_add_func ("/competence/api/report-differencing", test_report_differencing);
  g_test_add_func ("/competence/api/frozen", test_frozen);
  g_test_add_func ("/competence/api/desktop-import-syncs", test_desktop_import_syncs);
  g_test_add_func ("/competence/api/api-client", test_api_client);
  g_test_add_func ("/competence/api/seed-and-cli", test_seed_and_cli);

  ret = g_test_run ();
  fixture_free ();
  return ret;
}
