/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"

G_BEGIN_DECLS

/* "Bot KPIs" (everyone with staff): the chat and voice bot's figures per
 * day and channel from GET /api/v1/bot/kpi?from=YYYY-MM-DD&to=YYYY-MM-DD
 * ({"days":[{"day","channel","interactions","answered","handoffs",
 * "unanswered","callbacks"}]}; days without a row count as zero).
 *
 * A period selector (last 7, 30 or 90 days, today included), totals with
 * the answered rate, a chart per day (interactions, answered, hand-offs;
 * shared bar chart drawing, with a text alternative), a table per day and
 * channel and a CSV export (UTF-8 with BOM, ';', decimal commas). Loads
 * when first shown, on a period change and on "Refresh"; offline or
 * signed out it says so and shows nothing stale.
 *
 * @server_func: SpServerAccessFunc, asked before every request. */

#define SP_TYPE_BOT_KPI_PAGE (sp_bot_kpi_page_get_type ())
G_DECLARE_FINAL_TYPE (SpBotKpiPage, sp_bot_kpi_page, SP, BOT_KPI_PAGE, AdwBin)

GtkWidget *sp_bot_kpi_page_new    (SpServerAccessFunc  server_func,
                                   gpointer            user_data,
                                   GDestroyNotify      destroy);
/* Loads the selected period again. */
void       sp_bot_kpi_page_reload (SpBotKpiPage       *self);
/* The figures as CSV text (header + one line per day and channel). */
char      *sp_bot_kpi_page_to_csv (SpBotKpiPage       *self);

G_END_DECLS
