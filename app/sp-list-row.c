/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-list-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-list-row.h"

static const char * const badge_classes[] = { "accent", "error", "warning", "success", NULL };

static GtkWidget *
ellipsized_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

GtkWidget *
sp_list_row_new (void)
{
  GtkWidget *box, *vbox, *title, *subtitle, *badge, *pending;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (box), vbox);

  title = ellipsized_label ();
  gtk_box_append (GTK_BOX (vbox), title);

  subtitle = ellipsized_label ();
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (vbox), subtitle);

  badge = gtk_label_new (NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "caption-heading");
  gtk_box_append (GTK_BOX (box), badge);

  pending = gtk_image_new_from_icon_name ("emblem-synchronizing-symbolic");
  gtk_widget_set_valign (pending, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (pending, "dim-label");
  gtk_widget_set_tooltip_text (pending, _("Saved on this computer, not yet synced"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (pending),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pending sync"),
                                  -1);
  gtk_box_append (GTK_BOX (box), pending);

  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (box), "badge", badge);
  g_object_set_data (G_OBJECT (box), "pending", pending);
  return box;
}

void
sp_list_row_update (GtkWidget  *row,
                    const char *title,
                    const char *subtitle,
                    const char *badge,
                    const char *badge_class,
                    const char *badge_tooltip,
                    gboolean    pending)
{
  GtkWidget *title_label, *subtitle_label, *badge_label, *pending_icon, *item;
  gboolean has_subtitle = subtitle != NULL && *subtitle != '\0';
  gboolean has_badge = badge != NULL && *badge != '\0';
  g_autoptr(GString) name = NULL;

  g_return_if_fail (GTK_IS_BOX (row));
  g_return_if_fail (title != NULL);

  title_label = g_object_get_data (G_OBJECT (row), "title");
  subtitle_label = g_object_get_data (G_OBJECT (row), "subtitle");
  badge_label = g_object_get_data (G_OBJECT (row), "badge");
  pending_icon = g_object_get_data (G_OBJECT (row), "pending");

  gtk_label_set_text (GTK_LABEL (title_label), title);
  gtk_widget_set_tooltip_text (title_label, title);
  gtk_label_set_text (GTK_LABEL (subtitle_label), has_subtitle ? subtitle : "");
  gtk_widget_set_visible (subtitle_label, has_subtitle);

  gtk_label_set_text (GTK_LABEL (badge_label), has_badge ? badge : "");
  for (guint i = 0; badge_classes[i] != NULL; i++)
    gtk_widget_remove_css_class (badge_label, badge_classes[i]);
  if (badge_class != NULL)
    gtk_widget_add_css_class (badge_label, badge_class);
  gtk_widget_set_tooltip_text (badge_label, badge_tooltip);
  gtk_widget_set_visible (badge_label, has_badge);
  gtk_widget_set_visible (pending_icon, pending);

  /* GTK 4.8 names a list row after nothing: the row widget the list view
   * puts around @row says what a sighted user reads in it. */
  name = g_string_new (title);
  if (has_subtitle)
    g_string_append_printf (name, ", %s", subtitle);
  if (has_badge)
    g_string_append_printf (name, ", %s", badge);
  if (pending)
    g_string_append_printf (name, ", %s", _("pending sync"));
  item = gtk_widget_get_parent (row);
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
}
