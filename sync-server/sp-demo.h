/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-storage.h"

G_BEGIN_DECLS

/* Loads the demo accounts and the Jena demo service catalogue into an empty
 * database. *loaded is FALSE (and nothing changes) when the database already
 * has users or services. */
gboolean sp_demo_load (SpStorage  *storage,
                       gboolean   *loaded,
                       GError    **error);

G_END_DECLS
