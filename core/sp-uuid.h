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

/* A random id that sorts by when it was made (version 7: milliseconds since
 * the epoch, then a sub-millisecond fraction, then 62 random bits), for rows
 * and changes made on a desktop. Rows of an SQLite index keyed by such ids
 * are appended at its end instead of landing on random pages, so a batch of
 * new rows or changes rewrites a few pages, not most of them. Not for rows
 * whose time must not show (e.g. anonymous submissions): sp_uuid_new(). */
char *sp_uuid_new_ordered (void);

G_END_DECLS
