/* SPDX-License-Identifier: EUPL-1.2 */
/* Implementation follows. */
#include "sp-sync-client.h"
