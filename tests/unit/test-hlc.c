/* SPDX-License-Identifier: EUPL-1.2 */
#include "config.h"

#include <string.h>

#include "sp-hlc.h"

typedef struct {
  gint64 now;
} FakeClock;

static gint64
fake_now (gpointer data)
{
  return ((FakeClock *) data)->now;
}

static void
test_format (void)
{
  g_autoptr(SpHlc) hlc = sp_hlc_new ("node-1");
  FakeClock clock = { 1700000000123 };
  g_autofree char *ts = NULL;
  gint64 ms = 0;
  guint counter = 99;
  g_autofree char *node = NULL;

  sp_hlc_set_time_func (hlc, fake_now, &clock);
  ts = sp_hlc_now (hlc);
  g_assert_cmpstr (ts, ==, "001700000000123:0000:node-1");
  g_assert_true (sp_hlc_parse (ts, &ms, &counter, &node));
  g_assert_cmpint (ms, ==, 1700000000123);
  g_assert_cmpuint (counter, ==, 0);
  g_assert_cmpstr (node, ==, "node-1");
  g_assert_cmpstr (sp_hlc_get_node (hlc), ==, "node-1");
}

static void
test_monotonic_when_clock_stalls_or_goes_back (void)
{
  g_autoptr(SpHlc) hlc = sp_hlc_new ("a");
  FakeClock clock = { 5000 };
  g_autofree char *prev = NULL;

  sp_hlc_set_time_func (hlc, fake_now, &clock);
  prev = sp_hlc_now (hlc);

  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *next = NULL;

      /* Wall clock stands still, jumps back, then forward. */
      if (i == 300)
        clock.now = 1000;
      if (i == 600)
        clock.now = 9000;
      next = sp_hlc_now (hlc);
      g_assert_cmpint (sp_hlc_compare (next, prev), >, 0);
      g_free (prev);
      prev = g_steal_pointer (&next);
    }

  g_assert_true (g_str_has_prefix (prev, "000000000009000:"));
}

static void
test_counter_overflow_carries (void)
{
  g_autoptr(SpHlc) hlc = sp_hlc_new ("a");
  FakeClock clock = { 42 };
  g_autofree char *prev = NULL;

  sp_hlc_set_time_func (hlc, fake_now, &clock);
  prev = sp_hlc_now (hlc);
  for (guint i = 0; i < 0x10000 + 10; i++)
    {
      g_autofree char *next = sp_hlc_now (hlc);

      g_assert_true (sp_hlc_is_valid (next));
      g_assert_cmpint (sp_hlc_compare (next, prev), >, 0);
      g_free (prev);
      prev = g_steal_pointer (&next);
    }
  /* 65536 + 11 timestamps at ms 42: the counter wrapped into ms 43. */
  g_assert_true (g_str_has_prefix (prev, "000000000000043:"));
}

static void
test_observe (void)
{
  g_autoptr(SpHlc) hlc = sp_hlc_new ("local");
  FakeClock clock = { 1000 };
  g_autofree char *after_remote = NULL;
  g_autofree char *after_past = NULL;
  g_autofree char *same_ms = NULL;
  const char *remote = "000000000050000:0007:remote";

  sp_hlc_set_time_func (hlc, fake_now, &clock);

  /* A remote clock far ahead is accepted; our next stamp sorts after it. */
  g_assert_true (sp_hlc_observe (hlc, remote));
  after_remote = sp_hlc_now (hlc);
  g_assert_cmpint (sp_hlc_compare (after_remote, remote), >, 0);
  g_assert_true (g_str_has_prefix (after_remote, "000000000050000:"));

  /* Observing an old timestamp does not move the clock back. */
  g_assert_true (sp_hlc_observe (hlc, "000000000000001:0000:old"));
  after_past = sp_hlc_now (hlc);
  g_assert_cmpint (sp_hlc_compare (after_past, after_remote), >, 0);

  /* Same millisecond, larger counter: the counter follows it. */
  g_assert_true (sp_hlc_observe (hlc, "000000000050000:0100:other"));
  same_ms = sp_hlc_now (hlc);
  g_assert_cmpint (sp_hlc_compare (same_ms, "000000000050000:0100:other"), >, 0);

  /* Malformed input is refused and changes nothing. */
  g_assert_false (sp_hlc_observe (hlc, "garbage"));
  g_assert_false (sp_hlc_observe (hlc, NULL));
}

static void
test_parse_rejects (void)
{
  const char *bad[] = {
    "",
    "00000000000001:0000:a",            /* 14 digits */
    "0000000000000001:0000:a",          /* 16 digits */
    "000000000000001:000:a",            /* 3 hex digits */
    "000000000000001:00G0:a",           /* not hex */
    "000000000000001:00A0:a",           /* upper-case hex */
    "000000000000001:0000:",            /* empty node */
    "000000000000001:0000:a b",         /* space in node */
    "000000000000001:0000:a/b",
    "000000000000001-0000:a",
    "00000000000000x:0000:a",
    NULL,
  };
  g_autofree char *long_node = g_strnfill (65, 'n');
  g_autofree char *too_long = g_strconcat ("000000000000001:0000:", long_node, NULL);
  g_autofree char *max_node = g_strnfill (64, 'n');
  g_autofree char *just_fits = g_strconcat ("000000000000001:0000:", max_node, NULL);

  for (guint i = 0; bad[i]; i++)
    g_assert_false (sp_hlc_is_valid (bad[i]));
  g_assert_false (sp_hlc_is_valid (NULL));
  g_assert_false (sp_hlc_is_valid (too_long));
  g_assert_true (sp_hlc_is_valid (just_fits));
  g_assert_true (sp_hlc_is_valid ("000000000000001:00ff:Node_1-x"));

  g_assert_null (sp_hlc_node_of ("bad"));
  {
    g_autofree char *node = sp_hlc_node_of ("000000000000001:00ff:Node_1-x");
    g_assert_cmpstr (node, ==, "Node_1-x");
  }

  g_assert_true (sp_hlc_node_is_valid ("abc-DEF_123"));
  g_assert_false (sp_hlc_node_is_valid ("a:b"));
  g_assert_false (sp_hlc_node_is_valid (""));
}

static void
test_compare (void)
{
  g_assert_cmpint (sp_hlc_compare (NULL, NULL), ==, 0);
  g_assert_cmpint (sp_hlc_compare (NULL, "000000000000001:0000:a"), <, 0);
  g_assert_cmpint (sp_hlc_compare ("000000000000001:0000:a", NULL), >, 0);
  /* Milliseconds dominate, then the counter, then the node. */
  g_assert_cmpint (sp_hlc_compare ("000000000000002:0000:a", "000000000000001:ffff:z"), >, 0);
  g_assert_cmpint (sp_hlc_compare ("000000000000001:0010:a", "000000000000001:000f:z"), >, 0);
  g_assert_cmpint (sp_hlc_compare ("000000000000001:0000:b", "000000000000001:0000:a"), >, 0);
}

static void
test_two_nodes_interleave (void)
{
  /* Messages passed back and forth: every receive sorts after its send. */
  g_autoptr(SpHlc) a = sp_hlc_new ("a");
  g_autoptr(SpHlc) b = sp_hlc_new ("b");
  FakeClock ca = { 1000 }, cb = { 500 };   /* b's wall clock lags */

  sp_hlc_set_time_func (a, fake_now, &ca);
  sp_hlc_set_time_func (b, fake_now, &cb);

  for (int i = 0; i < 50; i++)
    {
      g_autofree char *from_a = sp_hlc_now (a);
      g_autofree char *from_b = NULL;
      g_autofree char *back = NULL;

      g_assert_true (sp_hlc_observe (b, from_a));
      from_b = sp_hlc_now (b);
      g_assert_cmpint (sp_hlc_compare (from_b, from_a), >, 0);
      g_assert_true (sp_hlc_observe (a, from_b));
      back = sp_hlc_now (a);
      g_assert_cmpint (sp_hlc_compare (back, from_b), >, 0);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hlc/format", test_format);
  g_test_add_func ("/hlc/monotonic", test_monotonic_when_clock_stalls_or_goes_back);
  g_test_add_func ("/hlc/counter-overflow", test_counter_overflow_carries);
  g_test_add_func ("/hlc/observe", test_observe);
  g_test_add_func ("/hlc/parse-rejects", test_parse_rejects);
  g_test_add_func ("/hlc/compare", test_compare);
  g_test_add_func ("/hlc/two-nodes", test_two_nodes_interleave);

  return g_test_run ();
}
