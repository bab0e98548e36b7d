/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-storage-sqlite-voice"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <sqlite3.h>

#include "sp-voice-bot.h"

#include "sp-error.h"
#include "sp-storage-sqlite-private.h"

char *
sp_storage_cache_dir (SpStorage   *storage,
                      const char  *purpose,
                      GError     **error)
{
  g_autofree char *db_path = NULL;
  g_autofree char *dir = NULL;
  const char *file;
  SpDb *db;

  g_return_val_if_fail (storage != NULL, NULL);
  g_return_val_if_fail (purpose != NULL && *purpose != '\0', NULL);

  db = _sp_storage_sqlite_lock (storage, FALSE);
  file = sqlite3_db_filename (sp_db_handle (db), "main");
  db_path = g_strdup (file);
  _sp_storage_sqlite_unlock (storage, FALSE);

  if (db_path != NULL && *db_path != '\0')
    dir = g_strconcat (db_path, ".", purpose, NULL);
  else
    /* An in-memory database: a per-user cache. */
    dir = g_build_filename (g_get_user_cache_dir (), "stadtpult", purpose, NULL);

  if (g_mkdir_with_parents (dir, 0750) != 0)
    {
      int saved = errno;

      g_set_error (error, SP_ERROR, SP_ERROR_STORAGE,
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  return g_steal_pointer (&dir);
}
