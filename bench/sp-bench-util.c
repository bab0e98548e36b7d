/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bench-util"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "sp-bench-util.h"

void
sp_bench_die (const char *what,
              GError     *error)
{
  g_printerr ("%s: %s: %s\n", g_get_prgname (), what, error ? error->message : "failed");
  exit (1);
}

int
sp_bench_cmp_double (gconstpointer a,
                     gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}
