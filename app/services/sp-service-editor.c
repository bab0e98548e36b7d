/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-service-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-service-editor.h"

struct _SpServiceEditor
{
  AdwBin        parent_instance;
  SpLocalStore *store;
};

G_DEFINE_FINAL_TYPE (SpServiceEditor, sp_service_editor, ADW_TYPE_BIN)

static void
sp_service_editor_dispose (GObject *object)
{
  SpServiceEditor *self = (SpServiceEditor *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SERVICE_EDITOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_service_editor_parent_class)->dispose (object);
}

static void
sp_service_editor_class_init (SpServiceEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_service_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/services/sp-service-editor.ui");
}

static void
sp_service_editor_init (SpServiceEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_service_editor_new (SpLocalStore *store)
{
  SpServiceEditor *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_SERVICE_EDITOR, NULL);
  self->store = g_object_ref (store);

  return GTK_WIDGET (self);
}
