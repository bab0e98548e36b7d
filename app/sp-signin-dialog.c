/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-signin-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-signin-dialog.h"

struct _SpSigninDialog
{
  AdwWindow         parent_instance;

  SpSyncController *controller;
  GCancellable     *cancellable;

  GtkLabel         *message_label;
  GtkEntry         *url_entry;
  GtkEntry         *user_entry;
  GtkPasswordEntry *password_entry;
  GtkLabel         *error_label;
  GtkSpinner       *spinner;
  GtkButton        *sign_in_button;
};

G_DEFINE_FINAL_TYPE (SpSigninDialog, sp_signin_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (SpSigninDialog *self,
            const char     *text)
{
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
set_busy (SpSigninDialog *self,
          gboolean        busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
}

/* The URL as typed, with "http(s)://" added when missing and no trailing
 * slash; NULL if it is not a usable http(s) URL. */
static char *
normalize_url (const char *text)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  gsize len;

  url = g_strstrip (g_strdup (text));
  if (*url == '\0')
    return NULL;
  if (strstr (url, "://") == NULL)
    {
      char *with_scheme = g_strconcat ("https://", url, NULL);

      g_free (url);
      url = with_scheme;
    }
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;
  return g_steal_pointer (&url);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SpSigninDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  if (!sp_sync_controller_sign_in_finish (SP_SYNC_CONTROLLER (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      text = sp_sync_controller_describe_error (error);
      show_error (self, text);
      if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
        {
          /* Typing the password again replaces it (and hides the error). */
          gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
          gtk_editable_select_region (GTK_EDITABLE (self->password_entry), 0, -1);
        }
      return;
    }

  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNED_IN], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_sign_in_clicked (SpSigninDialog *self)
{
  g_autofree char *url = NULL;
  const char *user;
  const char *password;

  url = normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->url_entry)));
  user = gtk_editable_get_text (GTK_EDITABLE (self->user_entry));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (url == NULL)
    {
      show_error (self, _("Enter the server address, for example https://stadtpult.example.de"));
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
      return;
    }
  if (*user == '\0')
    {
      show_error (self, _("Enter your user name"));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_entry));
      return;
    }
  if (*password == '\0')
    {
      show_error (self, _("Enter your password"));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  sp_sync_controller_sign_in_async (self->controller, url, user, password,
                                    self->cancellable, on_signed_in,
                                    g_object_ref (self));
}

static void
on_cancel_clicked (SpSigninDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_entry_changed (SpSigninDialog *self)
{
  /* The old error no longer applies to what is typed now. */
  show_error (self, NULL);
}

static void
sp_signin_dialog_dispose (GObject *object)
{
  SpSigninDialog *self = SP_SIGNIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SIGNIN_DIALOG);

  G_OBJECT_CLASS (sp_signin_dialog_parent_class)->dispose (object);
}

static void
sp_signin_dialog_class_init (SpSigninDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_signin_dialog_dispose;

  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/sp-signin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, url_entry);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, user_entry);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpSigninDialog, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DIALOG);
}

static void
sp_signin_dialog_init (SpSigninDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SpSigninDialog *
sp_signin_dialog_new (GtkWindow        *parent,
                      SpSyncController *controller,
                      const char       *message)
{
  SpSigninDialog *self;
  const char *url;
  const char *user;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);

  self = g_object_new (SP_TYPE_SIGNIN_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->controller = g_object_ref (controller);

  url = sp_sync_controller_get_server_url (controller);
  user = sp_sync_controller_get_user (controller);
  if (url != NULL && *url != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url);
  if (user != NULL && *user != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user);
  if (message != NULL)
    gtk_label_set_label (self->message_label, message);

  /* Focus the first empty field. */
  if (url == NULL || *url == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
  else if (user == NULL || *user == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->user_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));

  return self;
}
