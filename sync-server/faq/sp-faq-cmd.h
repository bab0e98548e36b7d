/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-storage.h"

G_BEGIN_DECLS

#define SP_FAQ_DEMO_RESOURCE "/de/stadtpult/server/content/faq/demo-jena.json"

typedef struct {
  guint added;
  guint updated;
  guint unchanged;
} SpFaqImportStats;

/* Stores imported `faq`/`service` changes (sp-faq-import.h) as server
 * content with sp_storage_push_as_server(): rows whose stored values equal
 * the import are left alone (no new version, nothing to pull), changed
 * rows are updated in place, new ones added. An FAQ entry without
 * service_id but with a LeiKa key is linked to the published service with
 * that key. All or nothing. */
gboolean  sp_faq_store         (SpStorage         *storage,
                                GPtrArray         *changes,    /* SpChange */
                                SpFaqImportStats  *faq_stats,
                                SpFaqImportStats  *service_stats,
                                GError           **error);

/* `stadtpult-server import faq FILE [--db FILE]` and
 * `stadtpult-server import dldb DIR [--db FILE]`; @argv[0] is "import".
 * Returns the exit status (1 on bad input, nothing stored). */
int       sp_faq_cmd           (int                argc,
                                char             **argv);

/* --demo: the Jena demo FAQ (data/faq/demo-jena.json, through the same
 * import), Bürgerservice office hours and the hotline setting, each only
 * when none exist yet. *loaded says whether anything was added. */
gboolean  sp_faq_demo_load     (SpStorage         *storage,
                                gboolean          *loaded,
                                GError           **error);

G_END_DECLS
