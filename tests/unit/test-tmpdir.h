/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes a test's temporary directory made with g_dir_make_tmp() and the
 * files in it (databases, their -wal and -shm); no subdirectories. */
static inline void
test_remove_tmpdir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}
