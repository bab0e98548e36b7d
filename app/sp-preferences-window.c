/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-preferences-window.h"

struct _SpPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  SpSyncController     *controller;
  GtkFileChooserNative *chooser;

  AdwEntryRow          *server_row;
  AdwActionRow         *ca_row;
  GtkButton            *ca_clear_button;
  GtkSpinButton        *interval_spin;
  AdwActionRow         *account_row;
  GtkButton            *account_button;
};

G_DEFINE_FINAL_TYPE (SpPreferencesWindow, sp_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (SpPreferencesWindow *self,
       const char          *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
update_ca_row (SpPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");

  if (*path == '\0')
    adw_action_row_set_subtitle (self->ca_row, _("The system's certificates are used"));
  else
    adw_action_row_set_subtitle (self->ca_row, path);
  gtk_widget_set_visible (GTK_WIDGET (self->ca_clear_button), *path != '\0');
}

static void
update_account_row (SpPreferencesWindow *self)
{
  const char *user = sp_sync_controller_get_user (self->controller);
  const char *url = sp_sync_controller_get_server_url (self->controller);

  if (sp_sync_controller_get_signed_in (self->controller))
    {
      g_autofree char *text = NULL;

      /* Translators: "user at https://server" */
      text = g_strdup_printf (_("%s at %s"), user, url);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), _("Signed In As"));
      adw_action_row_set_subtitle (self->account_row, text);
      gtk_button_set_label (self->account_button, _("Sign Out"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), _("Not Signed In"));
      adw_action_row_set_subtitle (self->account_row,
                                   _("Changes are kept on this computer until you sign in"));
      gtk_button_set_label (self->account_button, _("Sign In…"));
    }
}

static void
on_account_clicked (SpPreferencesWindow *self)
{
  gboolean signed_in = sp_sync_controller_get_signed_in (self->controller);

  /* The app actions show their outcome in the main window (a toast or the
   * sign-in dialog); get out of the way. */
  gtk_widget_activate_action (GTK_WIDGET (self), signed_in ? "app.sign-out" : "app.sign-in", NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_server_apply (SpPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autoptr(GUri) uri = NULL;
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  if (*url != '\0')
    {
      uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
           g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0))
        {
          toast (self, _("Enter the server address, for example https://stadtpult.example.de"));
          return;
        }
    }

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  g_settings_set_string (self->settings, "server-url", url);
}

static void
on_chooser_response (SpPreferencesWindow  *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GList *certificates;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file ? g_file_get_path (file) : NULL;
  if (path == NULL)
    goto out;

  /* Refuse what is not a PEM certificate before the sync trips over it. */
  certificates = g_tls_certificate_list_new_from_file (path, &error);
  if (certificates == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the technical reason */
      text = g_strdup_printf (_("Not a certificate file: %s"),
                              error ? error->message : _("no certificate found"));
      toast (self, text);
      goto out;
    }
  g_list_free_full (certificates, g_object_unref);

  g_settings_set_string (self->settings, "ca-file", path);
  toast (self, _("CA certificate set"));

out:
  g_clear_object (&self->chooser);
}

static void
on_ca_choose_clicked (SpPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose the City's CA Certificate"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_pattern (filter, "*.cer");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (on_chooser_response), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_ca_clear_clicked (SpPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "ca-file", "");
}

static void
on_settings_changed (SpPreferencesWindow *self,
                     const char          *key)
{
  if (g_str_equal (key, "ca-file"))
    update_ca_row (self);
}

static void
sp_preferences_window_dispose (GObject *object)
{
  SpPreferencesWindow *self = SP_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (sp_preferences_window_parent_class)->dispose (object);
}

static void
sp_preferences_window_class_init (SpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/sp-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, account_button);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_account_clicked);
}

static void
sp_preferences_window_init (SpPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SpPreferencesWindow *
sp_preferences_window_new (GtkWindow        *parent,
                           GSettings        *settings,
                           SpSyncController *controller)
{
  SpPreferencesWindow *self;
  g_autofree char *url = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);

  self = g_object_new (SP_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);
  self->controller = g_object_ref (controller);

  url = g_settings_get_string (settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  g_settings_bind (settings, "sync-interval",
                   gtk_spin_button_get_adjustment (self->interval_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::signed-in", G_CALLBACK (update_account_row),
                           self, G_CONNECT_SWAPPED);
  update_ca_row (self);
  update_account_row (self);

  return self;
}
