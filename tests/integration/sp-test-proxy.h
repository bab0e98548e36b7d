/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A TCP proxy on loopback between a client and the server, for fault
 * tests. It forwards bytes both ways unchanged until it is told to cut:
 * after a request whose first line starts with @request_prefix (e.g.
 * "POST /api/v1/sync"), it forwards @after_bytes bytes of the response
 * and then closes both sides, the way a lost network link looks to the
 * client. Runs in its own threads, so blocking clients can use it. */

typedef struct _SpTestProxy SpTestProxy;

SpTestProxy *sp_test_proxy_new          (guint        upstream_port);
guint        sp_test_proxy_get_port     (SpTestProxy *self);
char        *sp_test_proxy_get_url      (SpTestProxy *self);
/* Arm one cut (replaces an armed one): the first @skip matching requests
 * pass untouched, the response to the next one is cut. */
void         sp_test_proxy_cut_response (SpTestProxy *self,
                                         const char  *request_prefix,
                                         guint        skip,
                                         gsize        after_bytes);
/* Count requests whose first line starts with @request_prefix from now
 * on (replaces an earlier watch). */
void         sp_test_proxy_watch        (SpTestProxy *self,
                                         const char  *request_prefix);
guint        sp_test_proxy_get_watched  (SpTestProxy *self);
/* Number of cuts performed so far. */
guint        sp_test_proxy_get_cuts     (SpTestProxy *self);
/* Connections accepted from clients so far. */
guint        sp_test_proxy_get_accepted (SpTestProxy *self);
/* Bytes forwarded from the server to the client in total. */
guint64      sp_test_proxy_get_bytes_down (SpTestProxy *self);
void         sp_test_proxy_free         (SpTestProxy *self);

G_END_DECLS
