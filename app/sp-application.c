/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "sp-application.h"
#include "sp-error.h"
#include "sp-preferences-window.h"
#include "sp-signin-dialog.h"
#include "sp-window.h"

#define SCHEMA_ID "de.stadtpult.Stadtpult"

struct _SpApplication
{
  AdwApplication    parent_instance;

  char             *profile_dir;
  GSettings        *settings;
  SpLocalStore     *store;
  SpSyncController *controller;
  GtkWindow        *signin_dialog;  /* weak */
  GError           *startup_error;
  gboolean          profile_given;
  gboolean          started;        /* first activation done */
  guint             demo_attempts;
};

G_DEFINE_FINAL_TYPE (SpApplication, sp_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "profile", 'p', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the local database and the settings in DIR"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static SpWindow *
main_window (SpApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       window == NULL || !SP_IS_WINDOW (window); l = l->next)
    {
      if (l == NULL)
        return NULL;
      window = l->data;
    }
  return SP_WINDOW (window);
}

static void
toast (SpApplication *self,
       const char    *text)
{
  SpWindow *window = main_window (self);

  if (window != NULL)
    sp_window_add_toast (window, text);
}

static void
on_signed_in (SpApplication *self)
{
  g_autofree char *text = NULL;

  /* Translators: %s is the user name */
  text = g_strdup_printf (_("Signed in as %s"), sp_sync_controller_get_user (self->controller));
  toast (self, text);
}

static void
on_keyring_unavailable (SpApplication *self)
{
  toast (self, _("The keyring is not available: you stay signed in until Stadtpult is closed and will have to sign in again next time."));
}

static void
show_sign_in (SpApplication *self,
              const char    *message)
{
  SpSigninDialog *dialog;

  if (self->signin_dialog != NULL)
    {
      gtk_window_present (self->signin_dialog);
      return;
    }

  dialog = sp_signin_dialog_new (GTK_WINDOW (main_window (self)), self->controller, message);
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (on_signed_in),
                           self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->signin_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_sign_in_required (SpApplication *self,
                     const char    *message)
{
  show_sign_in (self, message);
}

/* Actions */

static void
sync_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SpApplication *self = user_data;

  if (!sp_sync_controller_get_signed_in (self->controller))
    show_sign_in (self, NULL);
  else
    sp_sync_controller_sync_now (self->controller);
}

static void
sign_in_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  show_sign_in (SP_APPLICATION (user_data), NULL);
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SpApplication *self = user_data;
  guint pending;

  if (!sp_sync_controller_get_signed_in (self->controller))
    {
      show_sign_in (self, NULL);
      return;
    }

  pending = sp_sync_controller_get_pending (self->controller);
  sp_sync_controller_sign_out (self->controller);
  if (pending > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("Signed out. %u change stays on this computer until you sign in again.",
                                   "Signed out. %u changes stay on this computer until you sign in again.",
                                   pending),
                         pending);
      toast (self, text);
    }
  else
    toast (self, _("Signed out"));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SpApplication *self = user_data;
  SpPreferencesWindow *window;

  window = sp_preferences_window_new (GTK_WINDOW (main_window (self)),
                                      self->settings, self->controller);
  /* For its "app." actions (sign in/out). */
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
  /* Do not start with the server address selected: one key press would
   * replace it. */
  gtk_root_set_focus (GTK_ROOT (window), NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SpApplication *self = user_data;
  static const char *developers[] = { "Stadtpult contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", main_window (self),
                        "application-name", _("Stadtpult"),
                        "application-icon", "de.stadtpult.Stadtpult",
                        "developer-name", _("Stadtpult contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Edit the city's service catalogue, also offline, and keep it in sync with the city's server."),
                        "website", "https://stadtpult.de/",
                        "issue-url", "https://stadtpult.de/issues",
                        "copyright", _("© 2026 Stadtpult contributors"),
                        "license-type", GTK_LICENSE_CUSTOM,
                        "license", _("Licensed under the European Union Public Licence (EUPL), version 1.2. "
                                     "See https://joinup.ec.europa.eu/collection/eupl for the text in all EU languages."),
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_conflicts_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SpWindow *window = main_window (SP_APPLICATION (user_data));

  if (window != NULL)
    {
      sp_window_show_page (window, "conflicts");
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SpApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close windows first so they save their state (window size). */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "sync", sync_action },
  { "sign-in", sign_in_action },
  { "sign-out", sign_out_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "show-conflicts", show_conflicts_action },
  { "quit", quit_action },
};

/* Start-up */

static GSettings *
create_settings (SpApplication  *self,
                 GError        **error)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autofree char *ini = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The settings schema %s is not installed"), SCHEMA_ID);
      return NULL;
    }

  if (!self->profile_given)
    return g_settings_new_full (schema, NULL, NULL);

  ini = g_build_filename (self->profile_dir, "settings.ini", NULL);
  backend = g_keyfile_settings_backend_new (ini, "/", NULL);
  return g_settings_new_full (schema, backend, NULL);
}

static gboolean
open_profile (SpApplication  *self,
              GError        **error)
{
  g_autofree char *db_path = NULL;

  if (self->profile_dir == NULL)
    self->profile_dir = g_build_filename (g_get_user_data_dir (), "stadtpult", NULL);

  if (g_mkdir_with_parents (self->profile_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: %s are a folder and the reason */
                   _("Cannot create the profile folder %s: %s"),
                   self->profile_dir, g_strerror (saved_errno));
      return FALSE;
    }

  self->settings = create_settings (self, error);
  if (self->settings == NULL)
    return FALSE;

  db_path = g_build_filename (self->profile_dir, "stadtpult.db", NULL);
  self->store = sp_local_store_open (db_path, error);
  if (self->store == NULL)
    return FALSE;

  self->controller = sp_sync_controller_new (self->store, self->settings, self->profile_dir);
  g_signal_connect_object (self->controller, "sign-in-required",
                           G_CALLBACK (on_sign_in_required), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "keyring-unavailable",
                           G_CALLBACK (on_keyring_unavailable), self, G_CONNECT_SWAPPED);
  return TRUE;
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SpApplication) self = user_data;

  if (!sp_sync_controller_restore_finish (SP_SYNC_CONTROLLER (source), result, NULL))
    show_sign_in (self, NULL);
}

static void demo_sign_in (SpApplication *self);

static gboolean
retry_demo_sign_in (gpointer data)
{
  demo_sign_in (SP_APPLICATION (data));
  return G_SOURCE_REMOVE;
}

static void
on_demo_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  if (sp_sync_controller_sign_in_finish (SP_SYNC_CONTROLLER (source), result, &error))
    {
      on_signed_in (self);
      return;
    }

  /* `make demo` may start us a moment before the server listens. */
  if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK) && self->demo_attempts < 15)
    {
      g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, retry_demo_sign_in,
                                  g_object_ref (self), g_object_unref);
      return;
    }

  {
    g_autofree char *reason = sp_sync_controller_describe_error (error);
    g_autofree char *text = NULL;

    /* Translators: %s is the reason */
    text = g_strdup_printf (_("The automatic sign-in failed: %s"), reason);
    show_sign_in (self, text);
  }
}

static void
demo_sign_in (SpApplication *self)
{
  const char *spec = g_getenv ("STADTPULT_DEMO_LOGIN");
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  const char *colon;
  const char *at;

  g_assert (spec != NULL);

  /* user:password@URL; the password may contain ':' or '@'. */
  colon = strchr (spec, ':');
  at = g_strrstr (spec, "@http");
  if (colon == NULL || at == NULL || at < colon)
    {
      g_warning ("STADTPULT_DEMO_LOGIN must look like user:password@http://host:port");
      show_sign_in (self, NULL);
      return;
    }

  user = g_strndup (spec, colon - spec);
  password = g_strndup (colon + 1, at - colon - 1);
  self->demo_attempts++;
  sp_sync_controller_sign_in_async (self->controller, at + 1, user, password, NULL,
                                    on_demo_signed_in, g_object_ref (self));
  memset (password, 0, strlen (password));
}

static void
sp_application_startup (GApplication *application)
{
  SpApplication *self = SP_APPLICATION (application);
  static const char *sync_accels[] = { "F5", NULL };
  static const char *prefs_accels[] = { "<Primary>comma", NULL };
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *close_accels[] = { "<Primary>w", NULL };

  G_APPLICATION_CLASS (sp_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync", sync_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  if (!open_profile (self, &self->startup_error))
    g_printerr ("stadtpult: %s\n", self->startup_error->message);
}

static void
on_error_dialog_response (GApplication *application)
{
  g_application_quit (application);
}

static void
sp_application_activate (GApplication *application)
{
  SpApplication *self = SP_APPLICATION (application);
  SpWindow *window;

  if (self->startup_error != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (NULL, _("Stadtpult cannot start"),
                                                  self->startup_error->message);

      gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      g_signal_connect_swapped (dialog, "response", G_CALLBACK (on_error_dialog_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  window = main_window (self);
  if (window == NULL)
    window = sp_window_new (ADW_APPLICATION (self), self->store, self->controller, self->settings);
  gtk_window_present (GTK_WINDOW (window));

  if (self->started)
    return;
  self->started = TRUE;

  if (g_getenv ("STADTPULT_DEMO_LOGIN") != NULL && *g_getenv ("STADTPULT_DEMO_LOGIN") != '\0')
    demo_sign_in (self);
  else
    sp_sync_controller_restore_async (self->controller, NULL, on_restored, g_object_ref (self));
}

static int
sp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  SpApplication *self = SP_APPLICATION (application);
  g_autofree char *profile = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("stadtpult %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "profile", "^ay", &profile))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (profile);

      g_free (self->profile_dir);
      self->profile_dir = g_file_get_path (file);
      self->profile_given = TRUE;
      /* Each profile is its own instance: several accounts may run at once,
       * and a second window must not open the first one's profile. */
      g_application_set_flags (application,
                               g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
sp_application_shutdown (GApplication *application)
{
  SpApplication *self = SP_APPLICATION (application);

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  g_clear_object (&self->store);
  if (self->settings != NULL)
    g_settings_sync ();
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (sp_application_parent_class)->shutdown (application);
}

static void
sp_application_finalize (GObject *object)
{
  SpApplication *self = SP_APPLICATION (object);

  g_clear_weak_pointer (&self->signin_dialog);
  g_clear_error (&self->startup_error);
  g_clear_object (&self->controller);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_free (self->profile_dir);

  G_OBJECT_CLASS (sp_application_parent_class)->finalize (object);
}

static void
sp_application_class_init (SpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sp_application_finalize;
  app_class->startup = sp_application_startup;
  app_class->activate = sp_application_activate;
  app_class->handle_local_options = sp_application_handle_local_options;
  app_class->shutdown = sp_application_shutdown;
}

static void
sp_application_init (SpApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Edit the city's service catalogue, also offline."));
}

SpApplication *
sp_application_new (void)
{
  return g_object_new (SP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/de/stadtpult/Stadtpult",
                       NULL);
}

const char *
sp_application_get_profile_dir (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);
  return self->profile_dir;
}

SpLocalStore *
sp_application_get_store (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);
  return self->store;
}

SpSyncController *
sp_application_get_controller (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);
  return self->controller;
}

GSettings *
sp_application_get_settings (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);
  return self->settings;
}
