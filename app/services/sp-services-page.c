/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-services-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-services-page.h"

struct _SpServicesPage
{
  AdwBin        parent_instance;
  SpLocalStore *store;
};

G_DEFINE_FINAL_TYPE (SpServicesPage, sp_services_page, ADW_TYPE_BIN)

static void
sp_services_page_dispose (GObject *object)
{
  SpServicesPage *self = (SpServicesPage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_SERVICES_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_services_page_parent_class)->dispose (object);
}

static void
sp_services_page_class_init (SpServicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_services_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/services/sp-services-page.ui");
}

static void
sp_services_page_init (SpServicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_services_page_new (SpLocalStore *store)
{
  SpServicesPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_SERVICES_PAGE, NULL);
  self->store = g_object_ref (store);

  return GTK_WIDGET (self);
}
