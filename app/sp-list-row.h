/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The row of the desktop's entity lists (services, FAQ entries): a title,
 * a dimmed subtitle, an optional badge ("Draft", "Expired") and the icon
 * of rows that are saved locally but not synced yet. The list row around
 * it gets an accessible name that says all of that, so screen readers
 * (and the UI tests) hear more than an empty "list item".
 *
 * In a GtkSignalListItemFactory: ::setup sets sp_list_row_new() as the
 * item's child, ::bind calls sp_list_row_update() on it. */

GtkWidget *sp_list_row_new    (void);
/* @subtitle, @badge and @badge_tooltip may be NULL or ""; @badge_class is
 * the badge's style class ("accent", "error", ...). */
void       sp_list_row_update (GtkWidget  *row,
                               const char *title,
                               const char *subtitle,
                               const char *badge,
                               const char *badge_class,
                               const char *badge_tooltip,
                               gboolean    pending);

G_END_DECLS
