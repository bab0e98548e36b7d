/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

void sp_route_training_register (SpServer *server);

G_END_DECLS
