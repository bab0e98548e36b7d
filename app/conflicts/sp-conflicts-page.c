/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-conflicts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-conflicts-page.h"

struct _SpConflictsPage
{
  AdwBin        parent_instance;
  SpLocalStore *store;
};

G_DEFINE_FINAL_TYPE (SpConflictsPage, sp_conflicts_page, ADW_TYPE_BIN)

static void
sp_conflicts_page_dispose (GObject *object)
{
  SpConflictsPage *self = (SpConflictsPage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_CONFLICTS_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_conflicts_page_parent_class)->dispose (object);
}

static void
sp_conflicts_page_class_init (SpConflictsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_conflicts_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/conflicts/sp-conflicts-page.ui");
}

static void
sp_conflicts_page_init (SpConflictsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sp_conflicts_page_new (SpLocalStore *store)
{
  SpConflictsPage *self;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  self = g_object_new (SP_TYPE_CONFLICTS_PAGE, NULL);
  self->store = g_object_ref (store);

  return GTK_WIDGET (self);
}
