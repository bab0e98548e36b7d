/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* "Office hours" (editor/admin): when the bots hand citizens over to
 * staff. Edits synced rows in @store, so it works offline (outbox) and the
 * server decides hand-offs from exactly what was set here:
 *  - the weekly schedule (`bot_hours` kind weekly): Monday..Sunday, several
 *    intervals per day, add (HH:MM validation, no overlap with the day's
 *    other intervals) and remove;
 *  - special closures (`bot_hours` kind closure): a date and a note;
 *  - the Thuringian public holidays of this year and the next, read-only
 *    (computed by core/faq/sp-office-hours.h, never stored);
 *  - the bot settings (`bot_setting` rows "bot_setting.hotline" and
 *    "bot_setting.callback_hours": hotline number, callback promise in
 *    hours).
 * A line on top says whether the office is open now and when it opens
 * next, computed locally from the same rules (updated every 30 s and after
 * every change). */

#define SP_TYPE_OFFICE_HOURS_PAGE (sp_office_hours_page_get_type ())
G_DECLARE_FINAL_TYPE (SpOfficeHoursPage, sp_office_hours_page, SP, OFFICE_HOURS_PAGE, AdwBin)

GtkWidget *sp_office_hours_page_new (SpLocalStore *store);

G_END_DECLS
