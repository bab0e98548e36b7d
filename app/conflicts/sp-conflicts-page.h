/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The review list of unresolved sync conflicts: for each overwritten value
 * the current and the overwritten value, with "Restore overwritten value"
 * (a new local change of that field) and "Keep current value". */

#define SP_TYPE_CONFLICTS_PAGE (sp_conflicts_page_get_type ())
G_DECLARE_FINAL_TYPE (SpConflictsPage, sp_conflicts_page, SP, CONFLICTS_PAGE, AdwBin)

GtkWidget *sp_conflicts_page_new             (SpLocalStore    *store);
/* Number of unresolved conflicts (property "n-conflicts"), e.g. for a
 * sidebar badge. */
guint      sp_conflicts_page_get_n_conflicts (SpConflictsPage *self);

G_END_DECLS
