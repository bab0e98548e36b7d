/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Hybrid logical clock. Timestamps are strings
 *   MMMMMMMMMMMMMMM:CCCC:NODE
 * (milliseconds since the epoch, 15 decimal digits; counter, 4 lower-case hex
 * digits; node id) so that strcmp() orders them in clock order. */

#define SP_HLC_MAX_DRIFT_MS (60 * 1000)

typedef struct _SpHlc SpHlc;

SpHlc    *sp_hlc_new           (const char *node_id);
void      sp_hlc_free          (SpHlc *self);
const char *sp_hlc_get_node    (SpHlc *self);
/* A fresh timestamp, greater than every one issued or observed before. */
char     *sp_hlc_now           (SpHlc *self);
/* Merge a remote timestamp into the clock (receive event). Returns FALSE if
 * @remote is malformed. Remote clocks far in the future are accepted. */
gboolean  sp_hlc_observe       (SpHlc *self, const char *remote);
/* For tests: make the wall clock a function. */
void      sp_hlc_set_time_func (SpHlc *self, gint64 (*now_ms) (gpointer), gpointer data);

gboolean  sp_hlc_parse         (const char *hlc, gint64 *ms, guint *counter, char **node);
gboolean  sp_hlc_is_valid      (const char *hlc);
/* Node ids: 1..64 characters of [A-Za-z0-9_-]. */
gboolean  sp_hlc_node_is_valid (const char *node);
/* Node part of a valid timestamp, or NULL. */
char     *sp_hlc_node_of       (const char *hlc);
/* strcmp semantics, NULL sorts first. */
int       sp_hlc_compare       (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpHlc, sp_hlc_free)

G_END_DECLS
