/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-snapshot-cache"

#include "config.h"

#include <glib/gstdio.h>
#include <errno.h>

#include "sp-snapshot-cache.h"

#include "sp-change.h"
#include "sp-error.h"
#include "sp-local-store.h"
#include "sp-route-sync.h"

#define SNAPSHOT_PURPOSE "snapshots"

typedef struct {
  char   *path;     /* NULL: too few rows for a snapshot */
  char   *cursor;
  GBytes *file;     /* mapped; NULL with path */
  gint64  rows;
} Snapshot;

struct _SpSnapshotCache {
  SpStorage  *storage;
  GMutex      lock;        /* held while looking up and while making one */
  char       *dir;         /* NULL until the first snapshot */
  GHashTable *snapshots;   /* roles key -> Snapshot */
  guint       serial;      /* for file names */
};

static void
remove_db_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("Cannot remove %s: %s", file, g_strerror (errno));
    }
}

static void
snapshot_free (Snapshot *snapshot)
{
  if (snapshot->path != NULL)
    remove_db_files (snapshot->path);
  g_free (snapshot->path);
  g_free (snapshot->cursor);
  g_clear_pointer (&snapshot->file, g_bytes_unref);
  g_free (snapshot);
}

SpSnapshotCache *
sp_snapshot_cache_new (SpStorage *storage)
{
  SpSnapshotCache *self;

  g_return_val_if_fail (storage != NULL, NULL);

  self = g_new0 (SpSnapshotCache, 1);
  self->storage = storage;
  g_mutex_init (&self->lock);
  self->snapshots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) snapshot_free);
  return self;
}

void
sp_snapshot_cache_free (SpSnapshotCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->snapshots);
  g_mutex_clear (&self->lock);
  g_free (self->dir);
  g_free (self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The caller's roles, sorted and each once: what a pull filters by. */
static char *
roles_key (const SpPrincipal *principal)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new ();
  GString *key = g_string_new (NULL);

  for (guint i = 0; principal->roles != NULL && principal->roles[i] != NULL; i++)
    g_ptr_array_add (roles, principal->roles[i]);
  g_ptr_array_sort (roles, compare_strings);
  for (guint i = 0; i < roles->len; i++)
    {
      const char *role = roles->pdata[i];

      if (i > 0 && g_strcmp0 (role, roles->pdata[i - 1]) == 0)
        continue;
      if (key->len > 0)
        g_string_append_c (key, ',');
      g_string_append (key, role);
    }
  return g_string_free (key, FALSE);
}

/* Snapshot files of an earlier run of the server are stale: remove them. */
static gboolean
open_dir (SpSnapshotCache  *self,
          GError          **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (self->dir != NULL)
    return TRUE;
  if (!(self->dir = sp_storage_cache_dir (self->storage, SNAPSHOT_PURPOSE, error)))
    return FALSE;
  if ((dir = g_dir_open (self->dir, 0, NULL)))
    while ((name = g_dir_read_name (dir)))
      if (g_str_has_prefix (name, "snapshot-"))
        {
          g_autofree char *file = g_build_filename (self->dir, name, NULL);

          g_unlink (file);
        }
  return TRUE;
}

/* Makes the snapshot for @principal at @path: the pull pages of a first
 * sync, as sent and as decoded and written by a client. */
static gboolean
build (SpSnapshotCache    *self,
       const SpPrincipal  *principal,
       const char         *path,
       char              **cursor,
       gint64             *rows,
       GError            **error)
{
  g_autoptr(SpLocalStore) store = NULL;
  g_autofree char *since = NULL;
  gboolean more = TRUE;

  remove_db_files (path);
  if (!(store = sp_local_store_open (path, error)))
    return FALSE;
  sp_local_store_set_search_deferred (store, TRUE);

  while (more)
    {
      g_autoptr(GString) page = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      g_autofree char *next = NULL;

      if (!(page = sp_route_sync_pull_page (self->storage, principal, since, SP_STORAGE_PULL_MAX,
                                            error)) ||
          !sp_change_parse_pull_page (page->str, page->len, &changes, &next, &more, error) ||
          !sp_local_store_apply_pulled (store, changes, next, error))
        return FALSE;
      *rows += changes->len;
      g_free (since);
      since = g_steal_pointer (&next);
    }

  /* One file: a client attaches it where it saved it, with no -wal or
   * -shm beside it to go with it. */
  if (!sp_db_exec (sp_local_store_get_db (store), "PRAGMA journal_mode = DELETE", error))
    return FALSE;
  *cursor = g_steal_pointer (&since);
  return TRUE;
}

GBytes *
sp_snapshot_cache_get (SpSnapshotCache    *self,
                       const SpPrincipal  *principal,
                       char              **cursor,
                       gboolean           *built,
                       GError            **error)
{
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autofree char *new_cursor = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  Snapshot *snapshot;
  GBytes *file = NULL;
  gint64 rows = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (principal != NULL, NULL);
  g_return_val_if_fail (cursor != NULL, NULL);

  key = roles_key (principal);
  if (built)
    *built = FALSE;

  g_mutex_lock (&self->lock);

  snapshot = g_hash_table_lookup (self->snapshots, key);
  if (snapshot != NULL)
    {
      gint64 behind = sp_storage_changes_since (self->storage, snapshot->cursor, NULL);

      if (behind >= 0 && behind <= SP_SNAPSHOT_MAX_LAG)
        goto answer;
    }

  if (!open_dir (self, error))
    goto out;
  path = g_strdup_printf ("%s/snapshot-%u.db", self->dir, ++self->serial);
  if (!build (self, principal, path, &new_cursor, &rows, error) ||
      (rows > SP_SNAPSHOT_MIN_ROWS && !(mapped = g_mapped_file_new (path, FALSE, error))))
    {
      remove_db_files (path);
      goto out;
    }

  /* The old file goes; a reply still sending it keeps its mapping. */
  snapshot = g_new0 (Snapshot, 1);
  snapshot->cursor = g_steal_pointer (&new_cursor);
  snapshot->rows = rows;
  if (mapped != NULL)
    {
      snapshot->path = g_steal_pointer (&path);
      snapshot->file = g_mapped_file_get_bytes (mapped);
    }
  else
    remove_db_files (path);
  g_hash_table_replace (self->snapshots, g_strdup (key), snapshot);
  if (built)
    *built = snapshot->file != NULL;

answer:
  if (snapshot->file == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   "No snapshot for %" G_GINT64_FORMAT " rows: they fit in one pull page", snapshot->rows);
      goto out;
    }
  *cursor = g_strdup (snapshot->cursor);
  file = g_bytes_ref (snapshot->file);

out:
  g_mutex_unlock (&self->lock);
  return file;
}
