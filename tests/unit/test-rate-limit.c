/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-rate-limit"

#include "config.h"

#include <glib/gi18n.h>

#include "../../sync-server/sp-rate-limit.h"

/* The token buckets of the public write endpoints, on an injected clock
 * (no sleeping). */

typedef struct {
  gint64 now;   /* microseconds */
} FakeClock;

static gint64
fake_clock (gpointer user_data)
{
  return ((FakeClock *) user_data)->now;
}

static void
advance (FakeClock *clock,
         double     seconds)
{
  clock->now += (gint64) (seconds * G_USEC_PER_SEC);
}

static void
test_burst_of_hundred_refused (void)
{
  FakeClock clock = { 1000 * G_USEC_PER_SEC };
  SpRateLimiter *limiter = sp_rate_limiter_new (fake_clock, &clock);
  guint allowed = 0, refused = 0, retry_after = 0;

  for (guint i = 0; i < 100; i++)
    {
      if (sp_rate_limiter_take (limiter, "feedback", "198.51.100.7", &retry_after))
        {
          g_assert_cmpuint (retry_after, ==, 0);
          allowed++;
        }
      else
        {
          /* 10 per minute: the next token is back within 6 seconds. */
          g_assert_cmpuint (retry_after, >=, 1);
          g_assert_cmpuint (retry_after, <=, 6);
          refused++;
        }
    }

  g_assert_cmpuint (allowed, ==, SP_RATE_LIMIT_DEFAULT_BURST);
  g_assert_cmpuint (refused, ==, 100 - SP_RATE_LIMIT_DEFAULT_BURST);

  /* After waiting as told, one more request passes, not two. */
  g_assert_false (sp_rate_limiter_take (limiter, "feedback", "198.51.100.7", &retry_after));
  advance (&clock, retry_after);
  g_assert_true (sp_rate_limiter_take (limiter, "feedback", "198.51.100.7", NULL));
  g_assert_false (sp_rate_limiter_take (limiter, "feedback", "198.51.100.7", NULL));

  sp_rate_limiter_free (limiter);
}

static void
test_person_never_refused (void)
{
  FakeClock clock = { 0 };
  SpRateLimiter *limiter = sp_rate_limiter_new (fake_clock, &clock);

  /* A few a minute for a whole day. */
  for (guint minute = 0; minute < 24 * 60; minute++)
    {
      for (guint i = 0; i < 3; i++)
        {
          g_assert_true (sp_rate_limiter_take (limiter, "feedback", "192.0.2.1", NULL));
          advance (&clock, 5);
        }
      advance (&clock, 45);
    }

  /* Even ten in a row and then the sustained rate of 10 a minute. */
  for (guint i = 0; i < 10; i++)
    g_assert_true (sp_rate_limiter_take (limiter, "feedback", "192.0.2.1", NULL));
  for (guint i = 0; i < 600; i++)
    {
      g_assert_true (sp_rate_limiter_take (limiter, "feedback", "192.0.2.1", NULL));
      advance (&clock, 6);
    }

  sp_rate_limiter_free (limiter);
}

static void
test_buckets_and_clients_separate (void)
{
  FakeClock clock = { 0 };
  SpRateLimiter *limiter = sp_rate_limiter_new (fake_clock, &clock);
  guint retry_after = 0;

  sp_rate_limiter_set_bucket (limiter, "survey", 3, 1);

  for (guint i = 0; i < SP_RATE_LIMIT_DEFAULT_BURST; i++)
    g_assert_true (sp_rate_limiter_take (limiter, "feedback", "192.0.2.1", NULL));
  g_assert_false (sp_rate_limiter_take (limiter, "feedback", "192.0.2.1", NULL));

  /* Another client, another bucket name: untouched. */
  g_assert_true (sp_rate_limiter_take (limiter, "feedback", "192.0.2.2", NULL));
  g_assert_true (sp_rate_limiter_take (limiter, "open311", "192.0.2.1", NULL));

  /* A configured bucket: burst 3, one per minute. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (sp_rate_limiter_take (limiter, "survey", "192.0.2.1", NULL));
  g_assert_false (sp_rate_limiter_take (limiter, "survey", "192.0.2.1", &retry_after));
  g_assert_cmpuint (retry_after, ==, 60);
  advance (&clock, 59);
  g_assert_false (sp_rate_limiter_take (limiter, "survey", "192.0.2.1", &retry_after));
  g_assert_cmpuint (retry_after, ==, 1);
  advance (&clock, 1);
  g_assert_true (sp_rate_limiter_take (limiter, "survey", "192.0.2.1", NULL));

  sp_rate_limiter_free (limiter);
}

static void
test_idle_entries_pruned (void)
{
  FakeClock clock = { 0 };
  SpRateLimiter *limiter = sp_rate_limiter_new (fake_clock, &clock);

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *client = g_strdup_printf ("10.0.%u.%u", i / 256, i % 256);

      g_assert_true (sp_rate_limiter_take (limiter, "feedback", client, NULL));
    }
  for (guint i = 0; i < SP_RATE_LIMIT_DEFAULT_BURST; i++)
    sp_rate_limiter_take (limiter, "feedback", "203.0.113.9", NULL);
  g_assert_cmpuint (sp_rate_limiter_size (limiter), ==, 501);

  /* 30 s later the single-request clients are full again, the busy one is
   * not: it keeps its state. */
  advance (&clock, 30);
  sp_rate_limiter_prune (limiter);
  g_assert_cmpuint (sp_rate_limiter_size (limiter), ==, 1);

  /* The next request after a minute prunes by itself. */
  advance (&clock, 150);
  g_assert_true (sp_rate_limiter_take (limiter, "feedback", "198.51.100.1", NULL));
  g_assert_cmpuint (sp_rate_limiter_size (limiter), ==, 1);

  sp_rate_limiter_free (limiter);
}

typedef struct {
  SpRateLimiter *limiter;
  gint           allowed;
} ThreadData;

static gpointer
take_many (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint i = 0; i < 1000; i++)
    if (sp_rate_limiter_take (data->limiter, "feedback", "192.0.2.77", NULL))
      g_atomic_int_inc (&data->allowed);

  return NULL;
}

static void
test_threads_share_one_bucket (void)
{
  FakeClock clock = { 0 };
  ThreadData data = { sp_rate_limiter_new (fake_clock, &clock), 0 };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("taker", take_many, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (data.allowed, ==, SP_RATE_LIMIT_DEFAULT_BURST);
  sp_rate_limiter_free (data.limiter);
}

static char *
key_of (const char *peer,
        const char *forwarded_for,
        const char *proxy)
{
  g_autoptr(GInetAddress) peer_addr = g_inet_address_new_from_string (peer);
  g_autoptr(GInetAddress) proxy_addr = proxy ? g_inet_address_new_from_string (proxy) : NULL;

  g_assert_nonnull (peer_addr);
  return sp_rate_limit_client_key (peer_addr, forwarded_for, proxy_addr);
}

#define assert_key(expected, peer, xff, proxy) \
  G_STMT_START { \
    g_autofree char *_key = key_of (peer, xff, proxy); \
    g_assert_cmpstr (_key, ==, expected); \
  } G_STMT_END

static void
test_client_key (void)
{
  /* Without a trusted proxy a forged header changes nothing. */
  assert_key ("192.0.2.10", "192.0.2.10", NULL, NULL);
  assert_key ("192.0.2.10", "192.0.2.10", "203.0.113.1", NULL);
  assert_key ("192.0.2.10", "192.0.2.10", "203.0.113.1", "127.0.0.1");

  /* Behind the trusted proxy the last hop it saw counts, not what the
   * client claimed before it. */
  assert_key ("203.0.113.1", "127.0.0.1", "203.0.113.1", "127.0.0.1");
  assert_key ("198.51.100.4", "127.0.0.1", "10.9.9.9, 198.51.100.4", "127.0.0.1");
  assert_key ("198.51.100.4", "127.0.0.1", "10.9.9.9,198.51.100.4:5123", "127.0.0.1");
  assert_key ("2001:0db8:0001:0002::/64", "127.0.0.1", "[2001:db8:1:2::99]:443", "127.0.0.1");
  /* Garbage or no header: the proxy itself. */
  assert_key ("127.0.0.1", "127.0.0.1", "<script>", "127.0.0.1");
  assert_key ("127.0.0.1", "127.0.0.1", NULL, "127.0.0.1");

  /* IPv6: one /64 is one client; v4-mapped is IPv4. */
  assert_key ("2001:0db8:0001:0002::/64", "2001:db8:1:2::1", NULL, NULL);
  assert_key ("2001:0db8:0001:0002::/64", "2001:db8:1:2:ffff:1:2:3", NULL, NULL);
  assert_key ("2001:0db8:0001:0003::/64", "2001:db8:1:3::1", NULL, NULL);
  assert_key ("192.0.2.55", "::ffff:192.0.2.55", NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limit/burst-of-hundred-refused", test_burst_of_hundred_refused);
  g_test_add_func ("/rate-limit/person-never-refused", test_person_never_refused);
  g_test_add_func ("/rate-limit/buckets-and-clients-separate", test_buckets_and_clients_separate);
  g_test_add_func ("/rate-limit/idle-entries-pruned", test_idle_entries_pruned);
  g_test_add_func ("/rate-limit/threads-share-one-bucket", test_threads_share_one_bucket);
  g_test_add_func ("/rate-limit/client-key", test_client_key);

  return g_test_run ();
}
