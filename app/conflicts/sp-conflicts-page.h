/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

#define SP_TYPE_CONFLICTS_PAGE (sp_conflicts_page_get_type ())
G_DECLARE_FINAL_TYPE (SpConflictsPage, sp_conflicts_page, SP, CONFLICTS_PAGE, AdwBin)

GtkWidget *sp_conflicts_page_new (SpLocalStore *store);

G_END_DECLS
