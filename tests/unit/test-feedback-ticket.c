/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-feedback-ticket"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-feedback.h"

/* Tickets, the SLA due time and the city's feedback settings. */

static void
test_ticket_shape_and_randomness (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[256] = { 0 };

  for (guint i = 0; i < 20000; i++)
    {
      char *ticket = sp_feedback_ticket_new ();
      g_autofree char *again = sp_feedback_ticket_normalize (ticket);

      g_assert_cmpuint (strlen (ticket), ==, SP_FEEDBACK_TICKET_LEN);
      g_assert_true (g_str_has_prefix (ticket, "FB-"));
      g_assert_cmpint (ticket[7], ==, '-');
      g_assert_cmpint (ticket[12], ==, '-');
      /* Nothing to misread: no I, L, O, U. */
      g_assert_null (strpbrk (ticket + 3, "ILOU"));
      g_assert_cmpstr (again, ==, ticket);
      for (const char *p = ticket + 3; *p; p++)
        counts[(guchar) *p]++;

      g_assert_false (g_hash_table_contains (seen, ticket));
      g_hash_table_add (seen, ticket);
    }

  /* All 32 symbols are used, roughly evenly (20000 * 12 / 32 = 7500 each). */
  for (const char *c = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; *c; c++)
    {
      g_assert_cmpuint (counts[(guchar) *c], >, 6500);
      g_assert_cmpuint (counts[(guchar) *c], <, 8500);
    }
}

static void
test_ticket_normalize (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "FB-7K3M-Q9XD-2HPA", "FB-7K3M-Q9XD-2HPA" },
    { "fb-7k3m-q9xd-2hpa", "FB-7K3M-Q9XD-2HPA" },
    { " FB 7K3M Q9XD 2HPA ", "FB-7K3M-Q9XD-2HPA" },
    { "7K3MQ9XD2HPA", "FB-7K3M-Q9XD-2HPA" },
    { "FB-7K3M-Q9XD-2HPO", "FB-7K3M-Q9XD-2HP0" },   /* O is 0 */
    { "FB-7K3M-Q9XD-2HPI", "FB-7K3M-Q9XD-2HP1" },   /* I and L are 1 */
    { "FB-7K3M-Q9XD-2HPl", "FB-7K3M-Q9XD-2HP1" },
    { "FB-FB00-0000-0000", "FB-FB00-0000-0000" },
    { "FB-7K3M-Q9XD-2HPU", NULL },                  /* U is not a symbol */
    { "FB-7K3M-Q9XD-2HP", NULL },
    { "FB-7K3M-Q9XD-2HPAA", NULL },
    { "XX-7K3M-Q9XD-2HPA", NULL },
    { "", NULL },
    { "../../etc/passwd", NULL },
    { "FB-7K3M-Q9XD-2HP%", NULL },
    { "<script>alert(1)</script>", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sp_feedback_ticket_normalize (cases[i].input);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  g_assert_null (sp_feedback_ticket_normalize (NULL));
}

static void
test_due_and_overdue (void)
{
  g_autofree char *due = sp_feedback_due ("2026-11-27T16:30:00Z", 72);
  g_autofree char *due_year = sp_feedback_due ("2026-12-31T23:00:00Z", 2);
  g_autoptr(GDateTime) before = g_date_time_new_utc (2026, 11, 30, 16, 29, 0);
  g_autoptr(GDateTime) after = g_date_time_new_utc (2026, 11, 30, 16, 31, 0);

  g_assert_cmpstr (due, ==, "2026-11-30T16:30:00Z");
  g_assert_cmpstr (due_year, ==, "2027-01-01T01:00:00Z");
  g_assert_null (sp_feedback_due ("gestern", 72));
  g_assert_null (sp_feedback_due (NULL, 72));

  g_assert_false (sp_feedback_is_overdue ("new", due, before));
  g_assert_true (sp_feedback_is_overdue ("new", due, after));
  g_assert_true (sp_feedback_is_overdue ("in_progress", due, after));
  /* Answered, closed or spam feedback is never overdue. */
  g_assert_false (sp_feedback_is_overdue ("answered", due, after));
  g_assert_false (sp_feedback_is_overdue ("closed", due, after));
  g_assert_false (sp_feedback_is_overdue ("spam", due, after));
  g_assert_false (sp_feedback_is_overdue ("new", "", after));
}

static void
test_times (void)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_iso8601 ("2026-03-29T03:15:00+02:00", NULL);
  g_autofree char *formatted = sp_feedback_format_time (local);
  g_autofree char *from_hlc = sp_feedback_hlc_time ("001795775400000:0003:server");
  g_autofree char *week1 = sp_feedback_iso_week ("2026-11-29T10:00:00Z");
  g_autofree char *week2 = sp_feedback_iso_week ("2027-01-01");
  g_autofree char *week3 = sp_feedback_iso_week ("2026-12-28");

  g_assert_cmpstr (formatted, ==, "2026-03-29T01:15:00Z");
  g_assert_cmpstr (from_hlc, ==, "2026-11-27T10:30:00Z");
  g_assert_null (sp_feedback_hlc_time ("not an hlc"));
  /* ISO weeks: 1 January 2027 (a Friday) still belongs to 2026's week 53. */
  g_assert_cmpstr (week1, ==, "2026-W48");
  g_assert_cmpstr (week2, ==, "2026-W53");
  g_assert_cmpstr (week3, ==, "2026-W53");
  g_assert_null (sp_feedback_iso_week ("2026-02-30"));
  g_assert_null (sp_feedback_iso_week ("soon"));
}

static void
test_settings_and_states (void)
{
  /* Absent row = default; rubbish = default; silly values clamped. */
  g_assert_cmpuint (sp_feedback_setting_value ("sla_hours", NULL), ==, 72);
  g_assert_cmpuint (sp_feedback_setting_value ("contact_retention_days", NULL), ==, 90);
  g_assert_cmpuint (sp_feedback_setting_value ("sla_hours", " 48 "), ==, 48);
  g_assert_cmpuint (sp_feedback_setting_value ("contact_retention_days", "30"), ==, 30);
  g_assert_cmpuint (sp_feedback_setting_value ("sla_hours", "drei Tage"), ==, 72);
  g_assert_cmpuint (sp_feedback_setting_value ("sla_hours", "-5"), ==, 72);
  g_assert_cmpuint (sp_feedback_setting_value ("sla_hours", "0"), ==, 1);
  g_assert_cmpuint (sp_feedback_setting_value ("contact_retention_days", "999999999999"), ==, 3650);
  g_assert_cmpuint (sp_feedback_setting_value ("colour", "7"), ==, 0);

  g_assert_cmpstr (sp_feedback_public_state ("spam"), ==, "closed");
  g_assert_cmpstr (sp_feedback_public_state ("answered"), ==, "answered");
  g_assert_cmpstr (sp_feedback_open311_status ("new"), ==, "open");
  g_assert_cmpstr (sp_feedback_open311_status ("in_progress"), ==, "open");
  g_assert_cmpstr (sp_feedback_open311_status ("answered"), ==, "closed");
  g_assert_cmpstr (sp_feedback_open311_status ("spam"), ==, "closed");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/feedback/ticket/shape-and-randomness", test_ticket_shape_and_randomness);
  g_test_add_func ("/feedback/ticket/normalize", test_ticket_normalize);
  g_test_add_func ("/feedback/sla/due-and-overdue", test_due_and_overdue);
  g_test_add_func ("/feedback/times", test_times);
  g_test_add_func ("/feedback/settings-and-states", test_settings_and_states);

  return g_test_run ();
}
