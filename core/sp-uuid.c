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

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3],
                          digest[4], digest[5], digest[6], digest[7],
                          digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}
