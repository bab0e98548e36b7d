/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-feedback-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-form.h"
#include "sp-feedback-settings.h"

/* Keys and defaults of the data model (absent row = default). */
static const struct {
  const char *key;
  int         fallback;
} settings[] = {
  { "sla_hours", 72 },
  { "contact_retention_days", 90 },
};

struct _SpFeedbackSettings
{
  AdwPreferencesWindow  parent_instance;

  SpLocalStore         *store;
  gboolean              loading;

  GtkSpinButton        *sla_spin;
  GtkSpinButton        *retention_spin;
};

G_DEFINE_FINAL_TYPE (SpFeedbackSettings, sp_feedback_settings, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkSpinButton *
spin_for (SpFeedbackSettings *self,
          guint               index)
{
  return index == 0 ? self->sla_spin : self->retention_spin;
}

static void
load (SpFeedbackSettings *self)
{
  self->loading = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *id = g_strconcat ("feedback_setting.", settings[i].key, NULL);
      g_autoptr(JsonObject) fields = sp_form_read_fields (self->store, "feedback_setting", id);
      const char *value = fields ? json_object_get_string_member_with_default (fields, "value", "") : "";
      gint64 number = 0;

      if (!g_ascii_string_to_signed (value, 10, 1, G_MAXINT, &number, NULL))
        number = settings[i].fallback;
      gtk_spin_button_set_value (spin_for (self, i), (double) number);
    }
  self->loading = FALSE;
}

static void
on_value_changed (GtkSpinButton      *spin,
                  SpFeedbackSettings *self)
{
  guint index = spin == self->sla_spin ? 0 : 1;
  g_autofree char *id = g_strconcat ("feedback_setting.", settings[index].key, NULL);
  g_autofree char *value = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (spin));
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  if (self->loading)
    return;
  fields = json_object_new ();
  json_object_set_string_member (fields, "key", settings[index].key);
  json_object_set_string_member (fields, "value", value);
  saved = sp_local_store_save (self->store, "feedback_setting", id, fields, &error);
  if (saved == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot save: %s"), error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
    }
}

static void
sp_feedback_settings_constructed (GObject *object)
{
  SpFeedbackSettings *self = SP_FEEDBACK_SETTINGS (object);

  G_OBJECT_CLASS (sp_feedback_settings_parent_class)->constructed (object);
  load (self);
  g_signal_connect (self->sla_spin, "value-changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect (self->retention_spin, "value-changed", G_CALLBACK (on_value_changed), self);
}

static void
sp_feedback_settings_dispose (GObject *object)
{
  SpFeedbackSettings *self = SP_FEEDBACK_SETTINGS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FEEDBACK_SETTINGS);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_feedback_settings_parent_class)->dispose (object);
}

static void
sp_feedback_settings_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SpFeedbackSettings *self = SP_FEEDBACK_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_feedback_settings_class_init (SpFeedbackSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sp_feedback_settings_constructed;
  object_class->dispose = sp_feedback_settings_dispose;
  object_class->set_property = sp_feedback_settings_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/feedback/sp-feedback-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackSettings, sla_spin);
  gtk_widget_class_bind_template_child (widget_class, SpFeedbackSettings, retention_spin);
}

static void
sp_feedback_settings_init (SpFeedbackSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_feedback_settings_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  return g_object_new (SP_TYPE_FEEDBACK_SETTINGS, "store", store, NULL);
}
