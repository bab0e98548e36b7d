/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-sync-status"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-sync-status.h"

struct _SpSyncStatus
{
  AdwBin            parent_instance;

  SpSyncController *controller;
  char             *summary;
  guint             refresh_id;

  GtkMenuButton    *button;
  GtkLabel         *connection_label;
  GtkLabel         *pending_label;
  GtkLabel         *last_sync_label;
  GtkLabel         *error_title;
  GtkLabel         *error_label;
};

G_DEFINE_FINAL_TYPE (SpSyncStatus, sp_sync_status, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTROLLER,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
sp_sync_status_format_time (GDateTime *when)
{
  g_autoptr(GDateTime) now = NULL;

  if (when == NULL)
    return g_strdup (_("never"));

  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (now) == g_date_time_get_year (when) &&
      g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (when))
    /* Translators: time of the last sync today, strftime format */
    return g_date_time_format (when, _("today %H:%M"));

  /* Translators: date and time of the last sync, strftime format */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M"));
}

static void
update (SpSyncStatus *self)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *pending_text = NULL;
  g_autofree char *time_text = NULL;
  const char *icon;
  const char *connection;
  const char *error;
  GDateTime *last_sync;
  gboolean signed_in, online, syncing;
  guint pending;

  if (self->controller == NULL)
    return;

  signed_in = sp_sync_controller_get_signed_in (self->controller);
  online = sp_sync_controller_get_online (self->controller);
  syncing = sp_sync_controller_get_syncing (self->controller);
  pending = sp_sync_controller_get_pending (self->controller);
  error = sp_sync_controller_get_error (self->controller);
  last_sync = sp_sync_controller_get_last_sync (self->controller);

  if (pending == 0)
    pending_text = g_strdup (_("none"));
  else
    pending_text = g_strdup_printf (ngettext ("%u change waiting to sync",
                                              "%u changes waiting to sync", pending),
                                    pending);
  time_text = sp_sync_status_format_time (last_sync);

  if (!signed_in)
    {
      connection = _("Not signed in");
      icon = "avatar-default-symbolic";
    }
  else if (!online)
    {
      connection = _("Offline");
      icon = "network-offline-symbolic";
    }
  else if (error != NULL)
    {
      connection = _("Online, last sync failed");
      icon = "dialog-warning-symbolic";
    }
  else
    {
      connection = _("Online");
      icon = "emblem-ok-symbolic";
    }

  gtk_label_set_label (self->connection_label, connection);
  gtk_label_set_label (self->pending_label, pending_text);
  gtk_label_set_label (self->last_sync_label, time_text);
  gtk_label_set_label (self->error_label, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_title), error != NULL);
  gtk_menu_button_set_icon_name (self->button, icon);

  /* One line for the window subtitle. */
  if (syncing)
    g_string_append (summary, _("Syncing…"));
  else if (!signed_in)
    g_string_append (summary, _("Not signed in"));
  else if (!online)
    g_string_append (summary, _("Offline"));
  else if (error != NULL)
    g_string_append (summary, _("Sync failed"));
  else if (last_sync != NULL)
    /* Translators: %s is a time like "today 10:42" */
    g_string_append_printf (summary, _("Synced %s"), time_text);
  else
    g_string_append (summary, _("Not synced yet"));

  if (pending > 0)
    {
      g_string_append (summary, " · ");
      g_string_append_printf (summary, ngettext ("%u pending change",
                                                 "%u pending changes", pending),
                              pending);
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), summary->str);
  /* The summary as the button's description for screen readers; the name
   * stays "Sync status". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary->str,
                                  -1);

  if (g_strcmp0 (self->summary, summary->str) != 0)
    {
      g_free (self->summary);
      self->summary = g_string_free (g_steal_pointer (&summary), FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }
}

static gboolean
on_refresh (gpointer data)
{
  /* "today" turns into a date at midnight. */
  update (SP_SYNC_STATUS (data));
  return G_SOURCE_CONTINUE;
}

SpSyncController *
sp_sync_status_get_controller (SpSyncStatus *self)
{
  g_return_val_if_fail (SP_IS_SYNC_STATUS (self), NULL);
  return self->controller;
}

void
sp_sync_status_set_controller (SpSyncStatus     *self,
                               SpSyncController *controller)
{
  g_return_if_fail (SP_IS_SYNC_STATUS (self));
  g_return_if_fail (!controller || SP_IS_SYNC_CONTROLLER (controller));

  if (self->controller == controller)
    return;

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    g_signal_connect_object (controller, "notify", G_CALLBACK (update), self,
                             G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

const char *
sp_sync_status_get_summary (SpSyncStatus *self)
{
  g_return_val_if_fail (SP_IS_SYNC_STATUS (self), NULL);
  return self->summary;
}

static void
sp_sync_status_dispose (GObject *object)
{
  SpSyncStatus *self = SP_SYNC_STATUS (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SYNC_STATUS);

  G_OBJECT_CLASS (sp_sync_status_parent_class)->dispose (object);
}

static void
sp_sync_status_finalize (GObject *object)
{
  SpSyncStatus *self = SP_SYNC_STATUS (object);

  g_free (self->summary);

  G_OBJECT_CLASS (sp_sync_status_parent_class)->finalize (object);
}

static void
sp_sync_status_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpSyncStatus *self = SP_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_status_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SpSyncStatus *self = SP_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      sp_sync_status_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_status_class_init (SpSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_sync_status_dispose;
  object_class->finalize = sp_sync_status_finalize;
  object_class->get_property = sp_sync_status_get_property;
  object_class->set_property = sp_sync_status_set_property;

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, SP_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/sp-sync-status.ui");
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, button);
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, connection_label);
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, pending_label);
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, error_title);
  gtk_widget_class_bind_template_child (widget_class, SpSyncStatus, error_label);
}

static void
sp_sync_status_init (SpSyncStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->refresh_id = g_timeout_add_seconds (60, on_refresh, self);
}
