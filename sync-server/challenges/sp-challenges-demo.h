/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-storage.h"

G_BEGIN_DECLS

/* The demo hackathon of `--demo`: three Jena challenges of different
 * departments (two at an event a few weeks ago, closed, one open for
 * solutions), with solutions in every state and review scores of the demo
 * editors. Dates are relative to today. */
gboolean sp_challenges_demo_load (SpStorage  *storage,
                                  GError    **error);

G_END_DECLS
