/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-split-model"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-split-model.h"

struct _SpSplitModel
{
  GObject     parent_instance;
  GListModel *model;
  guint       hidden_position;  /* rows [hidden_position, +hidden_count) of */
  guint       hidden_count;     /* the inner model are not announced yet */
};

static GType
sp_split_model_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (SP_SPLIT_MODEL (list)->model);
}

static guint
sp_split_model_get_n_items (GListModel *list)
{
  SpSplitModel *self = SP_SPLIT_MODEL (list);

  return g_list_model_get_n_items (self->model) - self->hidden_count;
}

static gpointer
sp_split_model_get_item (GListModel *list,
                         guint       position)
{
  SpSplitModel *self = SP_SPLIT_MODEL (list);

  if (self->hidden_count > 0 && position >= self->hidden_position)
    position += self->hidden_count;

  return g_list_model_get_item (self->model, position);
}

static void
sp_split_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sp_split_model_get_item_type;
  iface->get_n_items = sp_split_model_get_n_items;
  iface->get_item = sp_split_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpSplitModel, sp_split_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sp_split_model_list_model_init))

static void
sp_split_model_items_changed (SpSplitModel *self,
                              guint         position,
                              guint         removed,
                              guint         added,
                              GListModel   *model)
{
  if (removed == 0 || added == 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  self->hidden_position = position;
  self->hidden_count = added;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, 0);
  self->hidden_count = 0;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
}

static void
sp_split_model_dispose (GObject *object)
{
  SpSplitModel *self = SP_SPLIT_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, sp_split_model_items_changed, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (sp_split_model_parent_class)->dispose (object);
}

static void
sp_split_model_class_init (SpSplitModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sp_split_model_dispose;
}

static void
sp_split_model_init (SpSplitModel *self)
{
}

SpSplitModel *
sp_split_model_new (GListModel *model)
{
  SpSplitModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (SP_TYPE_SPLIT_MODEL, NULL);
  self->model = g_object_ref (model);
  g_signal_connect_swapped (model, "items-changed",
                            G_CALLBACK (sp_split_model_items_changed), self);
  return self;
}

gboolean
sp_split_model_in_split (SpSplitModel *self)
{
  g_return_val_if_fail (SP_IS_SPLIT_MODEL (self), FALSE);

  return self->hidden_count > 0;
}
