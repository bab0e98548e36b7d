/* SPDX-License-Identifier: EUPL-1.2 */
/* Implementation follows. */
#include "sp-row.h"
