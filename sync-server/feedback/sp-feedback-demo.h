/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-storage.h"

G_BEGIN_DECLS

/* The demo citizen feedback of `--demo`: about 60 items from the last ten
 * weeks on several published demo services (and general feedback), in
 * every state and channel, with ratings, a few Open311 reports with a
 * location, some contact data given with consent, public replies, tags,
 * org units and a little spam. Times are relative to now. Call after the
 * demo services are stored. */
gboolean sp_feedback_demo_load (SpStorage  *storage,
                                GError    **error);

G_END_DECLS
