/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

#define SP_TYPE_SERVICES_PAGE (sp_services_page_get_type ())
G_DECLARE_FINAL_TYPE (SpServicesPage, sp_services_page, SP, SERVICES_PAGE, AdwBin)

GtkWidget *sp_services_page_new (SpLocalStore *store);

G_END_DECLS
