/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-local-store.h"

G_BEGIN_DECLS

/* Competence code -> title from the synced catalogues of @store (the
 * newest published revision of each catalogue first; the first title of a
 * code wins). Never NULL. */
GHashTable *sp_competence_titles_load  (SpLocalStore *store);
/* Competence codes in their natural order: "1.2" < "1.10" < "2.1". */
int         sp_competence_code_compare (const char   *a,
                                        const char   *b);
/* The keys of @titles sorted by sp_competence_code_compare (strings owned
 * by @titles). */
GPtrArray  *sp_competence_titles_codes (GHashTable   *titles);

G_END_DECLS
