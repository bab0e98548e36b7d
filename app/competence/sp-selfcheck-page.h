/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-api-client.h"
#include "sp-local-store.h"

G_BEGIN_DECLS

/* The digital competence self-check ("Self-check" in the sidebar).
 *
 *   GtkWidget *sp_selfcheck_page_new (SpLocalStore          *store,
 *                                     SpServerAccessFunc  server_func,
 *                                     gpointer               user_data,
 *                                     GDestroyNotify         destroy);
 *
 * Works offline from the synced catalogue rows (the newest published
 * revision of each catalogue key): the person picks a catalogue, an
 * organisational unit (the last one used is remembered) and a year, and
 * answers one competence per step; every answer is stored at once in the
 * local-only selfcheck_* tables, so an unfinished run continues where it
 * stopped. The result shows the level per competence and area (chart and
 * list), recommended training items and the change since an earlier year.
 * The only thing that ever leaves the device is the anonymous submission
 * (POST /api/v1/competence/submissions: catalogue, version, org unit, year,
 * levels), sent on request.
 *
 * @server_func is asked for the current sign-in when submitting: it sets
 * *base_url (e.g. "http://127.0.0.1:8080"), *token (the bearer token) and
 * *ca_file (a PEM file or NULL) as newly allocated strings and returns
 * TRUE, or returns FALSE when not signed in. It may be NULL (then the page
 * says "Sign in to submit"). @destroy frees @user_data with the page. */

#define SP_TYPE_SELFCHECK_PAGE (sp_selfcheck_page_get_type ())
G_DECLARE_FINAL_TYPE (SpSelfcheckPage, sp_selfcheck_page, SP, SELFCHECK_PAGE, AdwBin)

GtkWidget *sp_selfcheck_page_new (SpLocalStore          *store,
                                  SpServerAccessFunc  server_func,
                                  gpointer               user_data,
                                  GDestroyNotify         destroy);

G_END_DECLS
