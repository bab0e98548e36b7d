/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Name-based (SHA-1, version 5) UUIDs in the Stadtpult namespace, for rows
 * whose id must follow from what they are: imported FAQ entries
 * ("faq:" + file id), one review score per solution and reviewer
 * ("challenge_score:" + solution id + ":" + reviewer), ... The same name
 * always gives the same id, on every machine. */
char *sp_uuid_name_based (const char *name);

G_END_DECLS
