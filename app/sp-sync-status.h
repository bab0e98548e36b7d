/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Header bar button showing the sync state of an SpSyncController (icon)
 * with a popover of details: online/offline, pending changes, last sync,
 * last error. Its "summary" property is a one-line text for a subtitle. */

#define SP_TYPE_SYNC_STATUS (sp_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (SpSyncStatus, sp_sync_status, SP, SYNC_STATUS, AdwBin)

SpSyncController *sp_sync_status_get_controller (SpSyncStatus     *self);
void              sp_sync_status_set_controller (SpSyncStatus     *self,
                                                 SpSyncController *controller);
const char       *sp_sync_status_get_summary    (SpSyncStatus     *self);

/* "today 10:42" style text for a sync time, or "never". */
char             *sp_sync_status_format_time    (GDateTime        *when);

G_END_DECLS
