/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Helpers the benchmark programs share. */

/* Prints "<program>: @what: <error message or "failed">" and exits 1. */
G_NORETURN void sp_bench_die        (const char    *what,
                                     GError        *error);
/* g_array_sort() order of doubles, ascending. */
int             sp_bench_cmp_double (gconstpointer  a,
                                     gconstpointer  b);

G_END_DECLS
