/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-uuid"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-uuid.h"

/* The Stadtpult namespace (fixed forever: changing it would give every
 * name-based row a new id, e.g. duplicate every imported FAQ entry). */
static const guint8 stadtpult_namespace[16] = {
  0x4f, 0x0c, 0x8a, 0x3e, 0x6b, 0x2d, 0x4c, 0x59,
  0x9a, 0x1e, 0x7d, 0x3b, 0x5e, 0x2f, 0x8c, 0x61,
};

/* The 16 bytes of a UUID as its text, lower-case hex with dashes. */
static char *
uuid_text (const guint8 b[16])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
sp_uuid_name_based (const char *name)
{
  g_autoptr(GChecksum) sha1 = NULL;
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);

  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, stadtpult_namespace, sizeof stadtpult_namespace);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);

  digest[6] = (digest[6] & 0x0f) | 0x50;   /* version 5 */
  digest[8] = (digest[8] & 0x3f) | 0x80;   /* RFC 4122 variant */

  return uuid_text (digest);
}

char *
sp_uuid_new_ordered (void)
{
  gint64 now_us = g_get_real_time ();
  guint64 ms = (guint64) (now_us / 1000);
  guint sub_ms = (guint) ((now_us % 1000) * 4096 / 1000);   /* 12 bits */
  guint32 r1 = g_random_int ();
  guint32 r2 = g_random_int ();
  guint8 b[16];

  b[0] = (guint8) (ms >> 40);
  b[1] = (guint8) (ms >> 32);
  b[2] = (guint8) (ms >> 24);
  b[3] = (guint8) (ms >> 16);
  b[4] = (guint8) (ms >> 8);
  b[5] = (guint8) ms;
  b[6] = (guint8) (0x70 | (sub_ms >> 8));   /* version 7 */
  b[7] = (guint8) sub_ms;
  b[8] = (guint8) (0x80 | (r1 >> 26));      /* RFC 9562 variant */
  b[9] = (guint8) (r1 >> 16);
  b[10] = (guint8) (r1 >> 8);
  b[11] = (guint8) r1;
  b[12] = (guint8) (r2 >> 24);
  b[13] = (guint8) (r2 >> 16);
  b[14] = (guint8) (r2 >> 8);
  b[15] = (guint8) r2;

  return uuid_text (b);
}
