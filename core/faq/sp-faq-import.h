/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Converters from external FAQ sources into `faq` and `service` changes
 * (SpChange, op upsert, full field set, no change_id and no hlc: the server
 * applies them with sp_storage_push_as_server(), which stamps both). Row
 * ids are deterministic, so a re-import updates the same rows.
 *
 * FAQ file (contract of `stadtpult-server import faq FILE`): a JSON array
 * of objects
 *   {"id","question","answer","alternatives":[..],"keywords":[..]}
 * with the optional members answer_short, service_id, leika, office,
 * language ("de"|"en", default "de") and valid_until ("YYYY-MM-DD").
 * Every entry is published. answer_short is derived from the answer when
 * missing (sp_faq_answer_short()).
 *
 * DLDB export (`import dldb DIR`): DIR/services_de.json, topic_de.json,
 * locations_de.json and, when present, authority_de.json (the format of
 * the Berlin service directory). Each service becomes a `service` row
 * "dldb.service.<id>" and an FAQ row "dldb.faq.<id>" whose question is the
 * service name and whose keywords are the topics listing the service (and
 * their parent topics). */

#define SP_ENTITY_FAQ "faq"

/* Row id of an imported FAQ entry: @file_id itself when it is a UUID,
 * else the name-based (SHA-1, version 5) UUID of "faq:" + @file_id in the
 * Stadtpult namespace. */
char      *sp_faq_import_id        (const char  *file_id);

/* The spoken short version of @answer: its first sentence(s) without URLs
 * and e-mail addresses, at most 300 bytes (cut at a word, with "…"). */
char      *sp_faq_answer_short     (const char  *answer);

/* Parses and validates a whole FAQ file. On any bad entry fails with
 * SP_ERROR_INVALID naming the entry index and the member
 * ("entry 3 (“kita”): answer: must not be empty") and returns NULL, so that
 * nothing is stored. */
GPtrArray *sp_faq_import_parse     (const char  *data,
                                    gsize        len,
                                    GError     **error);  /* SpChange */
GPtrArray *sp_faq_import_parse_node (JsonNode   *root,
                                     GError    **error);  /* SpChange */

/* Converts a DLDB export directory: service changes first, then FAQ
 * changes. *n_services (optional) gets the number of services. */
GPtrArray *sp_faq_import_dldb      (const char  *dir,
                                    guint       *n_services,
                                    GError     **error);  /* SpChange */

G_END_DECLS
