/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-sync-controller.h"

G_BEGIN_DECLS

/* Hackathon challenges for editors: the list of challenges (filter by
 * status) next to the editor with the solutions' review (SpChallengeEditor),
 * and the key figures (SpChallengeFigures). Everything works offline on
 * the local rows; the follow-up survey's codes need the server.
 * Shortcuts while shown: Ctrl+N new challenge, Ctrl+S save. */

#define SP_TYPE_CHALLENGES_PAGE (sp_challenges_page_get_type ())
G_DECLARE_FINAL_TYPE (SpChallengesPage, sp_challenges_page, SP, CHALLENGES_PAGE, AdwBin)

GtkWidget *sp_challenges_page_new (SpLocalStore     *store,
                                   SpSyncController *controller);

G_END_DECLS
