/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-harness"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "sp-sync-client.h"
#include "competence/sp-competence-catalogue.h"
#include "training/sp-training-catalogue.h"
#include "sp-change.h"
#include "sp-catalogue-editor-page.h"
#include "sp-selfcheck-page.h"

/* A developer harness (not installed) to try the competence pages before
 * they are wired into the main window:
 *   competence-harness DB_PATH
 * With SP_HARNESS_LOGIN=user:password@http://127.0.0.1:8080 it signs in and
 * syncs once at start, so the self-check can submit. SP_HARNESS_CATALOGUE
 * and SP_HARNESS_TRAINING (JSON files) are written into the local store as
 * local edits first, to try the pages without a server. */

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
  server.token = sp_sync_client_login (client, user[0], user[1], NULL, NULL, &error);
  if (server.token == NULL)
    g_error ("Sign-in failed: %s", error->message);
  server.base_url = g_strdup (at[1]);
  sp_sync_client_set_token (client, server.token);
  if (!sp_sync_client_sync (client, NULL, NULL, &error))
    g_error ("Sync failed: %s", error->message);
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  return json_node_copy (json_parser_get_root (parser));
}

static void
seed (SpLocalStore *store)
{
  g_autoptr(GError) error = NULL;
  const char *catalogue = g_getenv ("SP_HARNESS_CATALOGUE");
  const char *training = g_getenv ("SP_HARNESS_TRAINING");

  if (catalogue != NULL)
    {
      g_autoptr(JsonNode) doc = load_json (catalogue);
      g_autofree char *id = sp_competence_catalogue_save_local (store, doc, &error);

      if (id == NULL)
        g_error ("%s: %s", catalogue, error->message);
    }
  if (training != NULL)
    {
      g_autoptr(JsonNode) doc = load_json (training);
      g_autoptr(GPtrArray) changes = sp_training_catalogue_to_changes (doc, &error);

      if (changes == NULL)
        g_error ("%s: %s", training, error->message);
      for (guint i = 0; i < changes->len; i++)
        {
          SpChange *change = g_ptr_array_index (changes, i);
          g_autofree char *id = sp_local_store_save (store, change->entity, change->id,
                                                     change->fields, &error);
          if (id == NULL)
            g_error ("%s: %s", training, error->message);
        }
    }
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

  gtk_window_set_title (GTK_WINDOW (window), "Stadtpult competence harness");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 780);
  gtk_stack_add_titled (GTK_STACK (stack),
                        sp_selfcheck_page_new (store, server_func, NULL, NULL),
                        "selfcheck", _("Self-check"));
  gtk_stack_add_titled (GTK_STACK (stack), sp_catalogue_editor_page_new (store),
                        "catalogues", _("Competence Catalogues"));
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
  seed (store);

  app = adw_application_new ("de.stadtpult.CompetenceHarness", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), store);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
