/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* The training catalogue ("Training" in the sidebar; for everyone).
 *
 *   GtkWidget *sp_training_page_new (SpLocalStore          *store,
 *                                    SpServerAccessFunc   server_func,
 *                                    gpointer               user_data,
 *                                    GDestroyNotify         destroy);
 *
 * A searchable list of the synced training_item rows with filters by kind,
 * competence and the mobile-app qualification track, and a detail view.
 * Everyone can mark an item planned or done: the mark stays on this
 * device (local-only table training_mark) and is also counted anonymously
 * on the server (POST /api/v1/training/demand, item + state + delta only;
 * kept in a local queue while offline and sent later). Trainers (roles
 * trainer or admin) create, edit and delete items (local edits that sync)
 * and see the anonymous demand counts (GET /api/v1/training/demand).
 *
 * @server_func: as for sp_hr_page_new() (same signature as
 * SpServerAccessFunc); NULL or FALSE = not signed in (marks are then
 * queued). Whether the user is a trainer is found out from the demand
 * request (allowed for trainers only); sp_training_page_set_roles() tells
 * it at once, e.g. after a sign-in. */

#define SP_TYPE_TRAINING_PAGE (sp_training_page_get_type ())
G_DECLARE_FINAL_TYPE (SpTrainingPage, sp_training_page, SP, TRAINING_PAGE, AdwBin)

GtkWidget *sp_training_page_new       (SpLocalStore          *store,
                                       SpServerAccessFunc   server_func,
                                       gpointer               user_data,
                                       GDestroyNotify         destroy);
/* The signed-in user's roles (NULL: unknown/signed out). */
void       sp_training_page_set_roles (SpTrainingPage        *self,
                                       const char * const    *roles);
/* Clears search and filters and shows the item @id. */
void       sp_training_page_show_item (SpTrainingPage        *self,
                                       const char            *id);
/* Sends queued demand changes and reloads the demand counts (call when
 * coming online or after a sign-in; the page also does it when shown). */
void       sp_training_page_refresh   (SpTrainingPage        *self);

G_END_DECLS
