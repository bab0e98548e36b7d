/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-rate-limit"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <sys/random.h>

#include "sp-rate-limit.h"

/* Upper bound of tracked entries (~64 bytes each). When the table is full
 * even after pruning, new clients share one overflow bucket per name, so an
 * attacker rotating addresses cannot grow the memory nor escape the limit. */
#define MAX_ENTRIES      (256 * 1024)
#define PRUNE_INTERVAL   (60 * G_USEC_PER_SEC)
#define KEY_SIZE         32
#define ID_SIZE          16
#define OVERFLOW_CLIENT  "\001overflow"

/* A token bucket kept as its "theoretical arrival time" (the generic cell
 * rate algorithm, exact in integers): the bucket is full again at @full;
 * each request pushes @full on by @interval; a request is refused while
 * @full lies more than @tolerance (= (burst - 1) intervals) ahead. */
typedef struct {
  guint8 id[ID_SIZE];     /* HMAC (key, bucket "\0" client), truncated */
  gint64 full;
  gint64 interval;
  gint64 tolerance;
} Entry;

typedef struct {
  guint burst;
  guint per_minute;
} BucketConfig;

struct _SpRateLimiter {
  GMutex            lock;
  SpRateLimitClock  clock;
  gpointer          clock_data;
  GHmac            *hmac;       /* keyed with the per-limiter random key */
  GHashTable       *entries;    /* Entry (its own key) */
  GHashTable       *buckets;    /* name -> BucketConfig */
  gint64            last_prune;
};

static guint
entry_hash (gconstpointer key)
{
  const Entry *entry = key;
  guint hash;

  memcpy (&hash, entry->id, sizeof hash);
  return hash;
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  return memcmp (((const Entry *) a)->id, ((const Entry *) b)->id, ID_SIZE) == 0;
}

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
random_key (guint8 key[KEY_SIZE])
{
  gsize filled = 0;

  while (filled < KEY_SIZE)
    {
      gssize n = getrandom (key + filled, KEY_SIZE - filled, 0);

      if (n <= 0)
        break;
      filled += n;
    }

  /* No getrandom(): GLib's generator is seeded from /dev/urandom. */
  for (; filled < KEY_SIZE; filled++)
    key[filled] = (guint8) g_random_int ();
}

SpRateLimiter *
sp_rate_limiter_new (SpRateLimitClock clock,
                     gpointer         clock_data)
{
  SpRateLimiter *self = g_new0 (SpRateLimiter, 1);
  guint8 key[KEY_SIZE];

  g_mutex_init (&self->lock);
  self->clock = clock ? clock : default_clock;
  self->clock_data = clock_data;
  random_key (key);
  self->hmac = g_hmac_new (G_CHECKSUM_SHA256, key, sizeof key);
  memset (key, 0, sizeof key);
  self->entries = g_hash_table_new_full (entry_hash, entry_equal, g_free, NULL);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->last_prune = self->clock (self->clock_data);

  return self;
}

void
sp_rate_limiter_free (SpRateLimiter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->buckets);
  g_hmac_unref (self->hmac);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
sp_rate_limiter_set_bucket (SpRateLimiter *self,
                            const char    *bucket,
                            guint          burst,
                            guint          per_minute)
{
  BucketConfig *config;

  g_return_if_fail (self != NULL);
  g_return_if_fail (bucket != NULL);
  g_return_if_fail (burst > 0 && per_minute > 0);

  config = g_new (BucketConfig, 1);
  config->burst = burst;
  config->per_minute = per_minute;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->buckets, g_strdup (bucket), config);
  g_mutex_unlock (&self->lock);
}

static gboolean
entry_is_full (gpointer key,
               gpointer value,
               gpointer user_data)
{
  return ((Entry *) key)->full <= *(const gint64 *) user_data;
}

static void
prune_locked (SpRateLimiter *self,
              gint64         now)
{
  g_hash_table_foreach_remove (self->entries, entry_is_full, &now);
  self->last_prune = now;
}

static void
entry_id (SpRateLimiter *self,
          const char    *bucket,
          const char    *client,
          guint8         id[ID_SIZE])
{
  g_autoptr(GHmac) hmac = g_hmac_copy (self->hmac);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) bucket, strlen (bucket) + 1);
  g_hmac_update (hmac, (const guchar *) client, strlen (client));
  g_hmac_get_digest (hmac, digest, &len);
  memcpy (id, digest, ID_SIZE);
}

static Entry *
lookup_locked (SpRateLimiter *self,
               const char    *bucket,
               const char    *client,
               gint64         now)
{
  const BucketConfig *config = g_hash_table_lookup (self->buckets, bucket);
  Entry probe;
  Entry *entry;

  entry_id (self, bucket, client, probe.id);
  entry = g_hash_table_lookup (self->entries, &probe);
  if (entry != NULL)
    return entry;

  if (g_hash_table_size (self->entries) >= MAX_ENTRIES)
    {
      prune_locked (self, now);
      if (g_hash_table_size (self->entries) >= MAX_ENTRIES)
        {
          if (strcmp (client, OVERFLOW_CLIENT) == 0)
            return NULL;
          return lookup_locked (self, bucket, OVERFLOW_CLIENT, now);
        }
    }

  entry = g_new (Entry, 1);
  memcpy (entry->id, probe.id, ID_SIZE);
  entry->interval = 60 * G_USEC_PER_SEC /
                    (config ? config->per_minute : SP_RATE_LIMIT_DEFAULT_PER_MINUTE);
  entry->tolerance = entry->interval *
                     ((config ? config->burst : SP_RATE_LIMIT_DEFAULT_BURST) - 1);
  entry->full = now;
  g_hash_table_add (self->entries, entry);

  return entry;
}

gboolean
sp_rate_limiter_take (SpRateLimiter *self,
                      const char    *bucket,
                      const char    *client,
                      guint         *retry_after)
{
  gboolean allowed = TRUE;
  Entry *entry;
  gint64 now;

  g_return_val_if_fail (self != NULL, TRUE);
  g_return_val_if_fail (bucket != NULL, TRUE);
  g_return_val_if_fail (client != NULL, TRUE);

  if (retry_after != NULL)
    *retry_after = 0;

  g_mutex_lock (&self->lock);

  now = self->clock (self->clock_data);
  if (now - self->last_prune >= PRUNE_INTERVAL)
    prune_locked (self, now);

  entry = lookup_locked (self, bucket, client, now);
  if (entry != NULL)
    {
      gint64 full = MAX (entry->full, now);
      gint64 wait = full - entry->tolerance - now;

      if (wait <= 0)
        entry->full = full + entry->interval;
      else
        {
          allowed = FALSE;
          if (retry_after != NULL)
            *retry_after = (guint) MIN ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXUINT);
        }
    }

  g_mutex_unlock (&self->lock);

  return allowed;
}

void
sp_rate_limiter_prune (SpRateLimiter *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  prune_locked (self, self->clock (self->clock_data));
  g_mutex_unlock (&self->lock);
}

guint
sp_rate_limiter_size (SpRateLimiter *self)
{
  guint size;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  size = g_hash_table_size (self->entries);
  g_mutex_unlock (&self->lock);

  return size;
}

/* -- client addresses ------------------------------------------------------ */

/* The last element of an X-Forwarded-For list as an address: "a, b, c" ->
 * c; "[v6]:port" and "v4:port" lose the port. */
static GInetAddress *
last_forwarded (const char *forwarded_for)
{
  const char *comma;
  g_autofree char *item = NULL;
  char *text;

  if (forwarded_for == NULL)
    return NULL;

  comma = strrchr (forwarded_for, ',');
  item = g_strdup (comma ? comma + 1 : forwarded_for);
  text = g_strstrip (item);

  if (text[0] == '[')
    {
      char *close = strchr (text, ']');

      if (close == NULL)
        return NULL;
      *close = '\0';
      text++;
    }
  else if (strchr (text, ':') == strrchr (text, ':') && strchr (text, ':') != NULL)
    *strchr (text, ':') = '\0';   /* one colon: IPv4 with a port */

  return g_inet_address_new_from_string (text);
}

static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

char *
sp_rate_limit_client_key (GInetAddress *peer,
                          const char   *forwarded_for,
                          GInetAddress *trusted_proxy)
{
  g_autoptr(GInetAddress) forwarded = NULL;
  GInetAddress *client = peer;
  const guint8 *bytes;

  if (peer == NULL)
    return NULL;

  if (trusted_proxy != NULL && g_inet_address_equal (peer, trusted_proxy) &&
      (forwarded = last_forwarded (forwarded_for)) != NULL)
    client = forwarded;

  if (g_inet_address_get_family (client) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (client);

  bytes = g_inet_address_to_bytes (client);
  if (memcmp (bytes, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0)
    return g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);

  /* IPv6: the /64 network. */
  return g_strdup_printf ("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
                          bytes[0], bytes[1], bytes[2], bytes[3],
                          bytes[4], bytes[5], bytes[6], bytes[7]);
}
