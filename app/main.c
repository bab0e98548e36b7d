/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "stadtpult"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sp-application.h"
#include "sp-build-paths.h"

/* TRUE when this binary is the one in the build tree (not installed). */
static gboolean
running_uninstalled (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  if (exe == NULL)
    return FALSE;
  dir = g_path_get_dirname (exe);
  return g_str_equal (dir, SP_BUILD_APP_DIR);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SpApplication) app = NULL;
  const char *localedir = LOCALEDIR;

  if (running_uninstalled ())
    {
      const char *schema_dir = g_getenv ("GSETTINGS_SCHEMA_DIR");
      g_autofree char *dirs = NULL;

      /* The schema compiled into the build tree, before installed ones. */
      if (schema_dir != NULL && *schema_dir != '\0')
        dirs = g_strconcat (SP_BUILD_DATA_DIR, G_SEARCHPATH_SEPARATOR_S, schema_dir, NULL);
      else
        dirs = g_strdup (SP_BUILD_DATA_DIR);
      g_setenv ("GSETTINGS_SCHEMA_DIR", dirs, TRUE);

      if (g_file_test (BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR))
        localedir = BUILD_LOCALEDIR;
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Stadtpult"));

  app = sp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
