/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Keep-alive without leaking file descriptors on libsoup 3.2 (Debian 12).
 *
 * libsoup 3.2 never frees the connection of a keep-alive client that goes
 * away while the connection is idle (a reference cycle between the
 * connection and the message waiting for its next request; fixed upstream
 * in 3.3 by libsoup commit d20c6601). The TCP connection is shut down, but
 * the socket is never closed, so every such client costs the server one
 * file descriptor for good.
 *
 * The reaper remembers the socket of every request. Once a connection's
 * requests are answered it watches the socket: when the client closes it
 * (the end of the stream, not a next request) the reaper closes the socket
 * at once. Every few seconds it also closes sockets whose TCP connection is
 * over (shut down both ways, or closed by the client between requests),
 * those idle (no byte either way, no request in progress) for @idle_s
 * seconds (the server-side keep-alive timeout) or, with a request, for ten
 * minutes (a request libsoup will never finish), and forgets those libsoup
 * closed itself. Sockets that are not TCP are left alone. Main context
 * only. */
typedef struct _SpConnReaper SpConnReaper;

/* The reaper of @server (created on first use, freed with it); runs every
 * @interval_s seconds in the thread-default main context. */
SpConnReaper *sp_conn_reaper_get     (SoupServer        *server,
                                      guint              interval_s,
                                      guint              idle_s);
/* Remembers the socket of @msg (call from SoupServer::request-started). */
void          sp_conn_reaper_track   (SpConnReaper      *self,
                                      SoupServerMessage *msg);
/* One pass now; returns the number of descriptors it closed. */
guint         sp_conn_reaper_reap    (SpConnReaper      *self);
/* Sockets remembered (open connections seen so far, not yet reaped). */
guint         sp_conn_reaper_size    (SpConnReaper      *self);

G_END_DECLS
