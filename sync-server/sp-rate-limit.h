/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* In-memory token buckets for the public write endpoints (feedback,
 * Open311, survey responses, challenge solutions).
 *
 * Each (bucket name, client) pair holds up to `burst` tokens and gets
 * `per_minute` tokens back per minute; a request takes one token. A person
 * sending a few requests in a minute is never refused; a burst of a
 * hundred is. Client addresses are only ever used as the input of a keyed
 * hash (HMAC-SHA-256 with a key drawn at random per limiter, i.e. per
 * process): the address itself is neither stored, logged nor written to
 * disk, and nothing survives a restart. Entries whose bucket has filled up
 * again are pruned, since they are indistinguishable from new ones.
 *
 * Thread-safe. The HTTP side is `_sp_server_rate_limit()` in
 * sp-server-private.h. */

#define SP_RATE_LIMIT_DEFAULT_BURST      20
#define SP_RATE_LIMIT_DEFAULT_PER_MINUTE 10

/* Monotonic time in microseconds (tests inject their own clock). */
typedef gint64 (*SpRateLimitClock) (gpointer user_data);

typedef struct _SpRateLimiter SpRateLimiter;

/* @clock NULL = g_get_monotonic_time(). */
SpRateLimiter *sp_rate_limiter_new        (SpRateLimitClock  clock,
                                           gpointer          clock_data);
void           sp_rate_limiter_free       (SpRateLimiter    *self);

/* Sets burst and refill of @bucket (default SP_RATE_LIMIT_DEFAULT_*). */
void           sp_rate_limiter_set_bucket (SpRateLimiter    *self,
                                           const char       *bucket,
                                           guint             burst,
                                           guint             per_minute);

/* Takes a token of @client in @bucket: TRUE if there was one. FALSE means
 * refused; *retry_after (may be NULL) gets the whole seconds (>= 1) until a
 * token is back. @client is any string naming the client, usually from
 * sp_rate_limit_client_key(). */
gboolean       sp_rate_limiter_take       (SpRateLimiter    *self,
                                           const char       *bucket,
                                           const char       *client,
                                           guint            *retry_after);

/* Drops every entry whose bucket is full again (also done by
 * sp_rate_limiter_take() once a minute and when the table is full). */
void           sp_rate_limiter_prune      (SpRateLimiter    *self);
/* Number of (bucket, client) entries held. */
guint          sp_rate_limiter_size       (SpRateLimiter    *self);

/* The client a request is counted under: the peer address, or, when the
 * peer is @trusted_proxy (may be NULL), the last address of the
 * X-Forwarded-For header @forwarded_for (may be NULL; ignored when it does
 * not end in an IP address). IPv4-mapped IPv6 addresses count as IPv4;
 * IPv6 clients count per /64 network, since one subscriber usually has a
 * whole /64. NULL if @peer is NULL. */
char          *sp_rate_limit_client_key   (GInetAddress     *peer,
                                           const char       *forwarded_for,
                                           GInetAddress     *trusted_proxy);

/* The server's --trusted-proxy ADDR (NULL: none): requests whose peer is
 * ADDR count under their last X-Forwarded-For address. FALSE if @address
 * is not an IP address. Call before serving. (sp-rate-limit-http.c) */
gboolean       sp_rate_limit_set_trusted_proxy (const char *address,
                                                GError    **error);

G_END_DECLS
