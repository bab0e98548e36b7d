/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The hackathon KPIs from the local rows (offline): problems posted
 * (published and closed challenges), solutions developed (all but spam)
 * and accepted (accepted and winners), in total, per year (bar chart with
 * a text alternative) and per challenge. A challenge's year is that of its
 * event date, else of its deadline. Follows the store. */

#define SP_TYPE_CHALLENGE_FIGURES (sp_challenge_figures_get_type ())
G_DECLARE_FINAL_TYPE (SpChallengeFigures, sp_challenge_figures, SP, CHALLENGE_FIGURES, AdwBin)

void sp_challenge_figures_set_store (SpChallengeFigures *self,
                                     SpLocalStore       *store);
void sp_challenge_figures_reload    (SpChallengeFigures *self);

G_END_DECLS
