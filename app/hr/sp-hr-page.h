/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* The anonymised HR competence report ("HR report" in the sidebar; show it
 * to role hr only, the server refuses everyone else anyway).
 *
 *   GtkWidget *sp_hr_page_new (SpLocalStore    *store,
 *                              SpServerAccessFunc   server_func,
 *                              gpointer         user_data,
 *                              GDestroyNotify   destroy);
 *
 * Loads GET /api/v1/competence/report?year=Y and ?year=Y-1 through the
 * core API client (async) when first shown, when the year changes and on
 * "Refresh report"; shows a table (rows: competences, columns: org units
 * and the total), the year-over-year change in percent, a chart with a
 * text alternative, the number of suppressed groups and a ranked list of
 * qualification needs with the training items (local training_item rows)
 * that serve them. Exports CSV (UTF-8 with BOM, ';', decimal commas) and
 * PDF. Competence titles come from the synced catalogue in @store.
 *
 * @server_func is asked for the current sign-in before every request: it
 * sets *base_url (e.g. "http://127.0.0.1:8080"), *token and *ca_file (PEM
 * file or NULL) as newly allocated strings and returns TRUE, or returns
 * FALSE when not signed in (SpServerAccessFunc, shared by every page).
 * @destroy frees @user_data with the page.
 *
 * Signal ::training-activated (const char *training_item_id): the user
 * chose a training item in the list of qualification needs (the window
 * may switch to the training page, see sp_training_page_show_item()). */

#define SP_TYPE_HR_PAGE (sp_hr_page_get_type ())
G_DECLARE_FINAL_TYPE (SpHrPage, sp_hr_page, SP, HR_PAGE, AdwBin)

GtkWidget *sp_hr_page_new    (SpLocalStore   *store,
                              SpServerAccessFunc  server_func,
                              gpointer        user_data,
                              GDestroyNotify  destroy);
/* Loads the report of the selected year again. */
void       sp_hr_page_reload (SpHrPage       *self);

G_END_DECLS
