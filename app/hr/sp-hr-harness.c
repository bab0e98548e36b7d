/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hr-harness"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "sp-sync-client.h"
#include "hr/sp-hr-page.h"
#include "training/sp-training-page.h"

/* A developer harness (not installed) to try the HR report and training
 * pages before they are wired into the main window:
 *   hr-training-harness DB_PATH
 * SP_HARNESS_LOGIN=user:password@http://127.0.0.1:8080 signs in and syncs
 * once at start; SP_HARNESS_PAGE=hr|training picks the page shown first. */

typedef struct {
  char *base_url;
  char *token;
} Server;

static Server server;

static gboolean
server_func (gpointer   user_data,
             char     **base_url,
             char     **token,
             char     **ca_file)
{
  if (server.token == NULL)
    return FALSE;
  *base_url = g_strdup (server.base_url);
  *token = g_strdup (server.token);
  *ca_file = NULL;
  return TRUE;
}

static char **roles;

static void
sign_in_and_sync (const char *db_path,
                  const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpSyncClient) client = NULL;
  g_auto(GStrv) at = g_strsplit (login, "@", 2);
  g_auto(GStrv) user = NULL;

  if (at[0] == NULL || at[1] == NULL)
    g_error ("SP_HARNESS_LOGIN must be user:password@URL");
  user = g_strsplit (at[0], ":", 2);
  if (user[0] == NULL || user[1] == NULL)
    g_error ("SP_HARNESS_LOGIN must be user:password@URL");

  client = sp_sync_client_new (db_path, at[1]);
  server.token = sp_sync_client_login (client, user[0], user[1], &roles, NULL, &error);
  if (server.token == NULL)
    g_error ("Sign-in failed: %s", error->message);
  server.base_url = g_strdup (at[1]);
  sp_sync_client_set_token (client, server.token);
  if (!sp_sync_client_sync (client, NULL, NULL, &error))
    g_error ("Sync failed: %s", error->message);
}

static void
on_activate (GtkApplication *app,
             SpLocalStore   *store)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *training = sp_training_page_new (store, server_func, NULL, NULL);

  if (roles != NULL)
    sp_training_page_set_roles (SP_TRAINING_PAGE (training), (const char * const *) roles);

  gtk_window_set_title (GTK_WINDOW (window), "Stadtpult HR and training harness");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_stack_add_titled (GTK_STACK (stack), sp_hr_page_new (store, server_func, NULL, NULL),
                        "hr", "HR report");
  gtk_stack_add_titled (GTK_STACK (stack), training, "training", "Training");
  gtk_widget_set_vexpand (stack, TRUE);
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (stack));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), switcher);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), stack);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), box);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), overlay);
  if (g_getenv ("SP_HARNESS_PAGE") != NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (stack), g_getenv ("SP_HARNESS_PAGE"));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(SpLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *login = g_getenv ("SP_HARNESS_LOGIN");

  if (argc < 2)
    {
      g_printerr ("usage: %s DB_PATH\n", argv[0]);
      return 2;
    }
  if (login != NULL)
    sign_in_and_sync (argv[1], login);
  store = sp_local_store_open (argv[1], &error);
  if (store == NULL)
    g_error ("%s", error->message);

  app = adw_application_new ("de.stadtpult.HrTrainingHarness", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), store);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
