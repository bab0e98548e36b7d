/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-conn-reaper"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sp-conn-reaper.h"

#define REAPER_KEY "sp-conn-reaper"
/* A request without a byte either way for this long is taken for one
 * libsoup forgot (a client gone in the middle of it). */
#define STALE_MS   (10 * 60 * 1000)
#define BUSY_KEY   "sp-conn-reaper-busy"

struct _SpConnReaper
{
  GHashTable *conns;     /* GSocket -> Conn */
  guint       source_id;
  guint       idle_ms;
};

/* One connection as the reaper sees it. */
typedef struct {
  SpConnReaper *reaper;
  GSocket      *socket;  /* a reference */
  guint         busy;    /* requests read (headers) and not finished */
  GSource      *watch;   /* while idle: readable (a request, or the end) */
} Conn;

static void
conn_unwatch (Conn *c)
{
  if (c->watch != NULL)
    {
      g_source_destroy (c->watch);
      g_clear_pointer (&c->watch, g_source_unref);
    }
}

static void
conn_free (gpointer data)
{
  Conn *c = data;

  conn_unwatch (c);
  g_object_unref (c->socket);
  g_free (c);
}

/* Closes the socket of a connection libsoup is done with and forgets it. */
static void
conn_reap (Conn *c)
{
  g_socket_close (c->socket, NULL);
  g_hash_table_remove (c->reaper->conns, c->socket);
}

/* An idle connection became readable: the client's next request (libsoup
 * reads it; the watch returns once that request is answered) or the end
 * of the stream: the client went away, and libsoup 3.2 would keep the
 * socket open for good. */
static gboolean
conn_readable (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  Conn *c = data;
  char byte;
  gssize n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n > 0)
    {
      g_clear_pointer (&c->watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  g_clear_pointer (&c->watch, g_source_unref);
  conn_reap (c);
  return G_SOURCE_REMOVE;
}

static void
conn_watch (Conn *c)
{
  if (c->watch != NULL || g_socket_is_closed (c->socket))
    return;
  c->watch = g_socket_create_source (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (c->watch, (GSourceFunc) (GCallback) conn_readable, c, NULL);
  g_source_attach (c->watch, g_main_context_get_thread_default ());
}

static void
reaper_free (gpointer data)
{
  SpConnReaper *self = data;

  if (self->source_id != 0)
    g_source_remove (self->source_id);
  g_hash_table_unref (self->conns);
  g_free (self);
}

static gboolean
reap_cb (gpointer data)
{
  sp_conn_reaper_reap (data);
  return G_SOURCE_CONTINUE;
}

SpConnReaper *
sp_conn_reaper_get (SoupServer *server,
                    guint       interval_s,
                    guint       idle_s)
{
  SpConnReaper *self = g_object_get_data (G_OBJECT (server), REAPER_KEY);

  if (self != NULL)
    return self;
  self = g_new0 (SpConnReaper, 1);
  self->conns = g_hash_table_new_full (NULL, NULL, NULL, conn_free);
  self->idle_ms = idle_s * 1000;
  self->source_id = g_timeout_add_seconds (MAX (interval_s, 1), reap_cb, self);
  g_object_set_data_full (G_OBJECT (server), REAPER_KEY, self, reaper_free);
  return self;
}

static Conn *
conn_of (SpConnReaper      *self,
         SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  return socket != NULL ? g_hash_table_lookup (self->conns, socket) : NULL;
}

static void
msg_got_headers (SoupServerMessage *msg,
                 SpConnReaper      *self)
{
  Conn *c = conn_of (self, msg);

  if (c == NULL || g_object_get_data (G_OBJECT (msg), BUSY_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), BUSY_KEY, GINT_TO_POINTER (1));
  c->busy++;
  conn_unwatch (c);
}

static void
msg_finished (SoupServerMessage *msg,
              SpConnReaper      *self)
{
  Conn *c = conn_of (self, msg);

  if (c == NULL || g_object_get_data (G_OBJECT (msg), BUSY_KEY) == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), BUSY_KEY, NULL);
  if (c->busy > 0 && --c->busy == 0)
    conn_watch (c);
}

void
sp_conn_reaper_track (SpConnReaper      *self,
                      SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Conn *c;

  if (socket == NULL)
    return;
  c = g_hash_table_lookup (self->conns, socket);
  if (c == NULL)
    {
      c = g_new0 (Conn, 1);
      c->reaper = self;
      c->socket = g_object_ref (socket);
      g_hash_table_insert (self->conns, socket, c);
    }
  g_signal_connect (msg, "got-headers", G_CALLBACK (msg_got_headers), self);
  g_signal_connect (msg, "finished", G_CALLBACK (msg_finished), self);
}

guint
sp_conn_reaper_reap (SpConnReaper *self)
{
  GHashTableIter it;
  gpointer value;
  guint closed = 0;

  g_hash_table_iter_init (&it, self->conns);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Conn *c = value;
      struct tcp_info info;
      socklen_t len = sizeof info;

      /* Closed by libsoup (Connection: close, errors): only our
       * reference is left. */
      if (g_socket_is_closed (c->socket))
        {
          g_hash_table_iter_remove (&it);
          continue;
        }
      if (getsockopt (g_socket_get_fd (c->socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
        {
          g_hash_table_iter_remove (&it);  /* not TCP: left to libsoup */
          continue;
        }
      if (info.tcpi_state == TCP_CLOSE ||
          (info.tcpi_state == TCP_CLOSE_WAIT && c->busy == 0))
        {
          /* Shut down both ways, or the client went away between two
           * requests: libsoup is done with it, whether it still holds the
           * socket (the leak) or not. */
          g_socket_close (c->socket, NULL);
          g_hash_table_iter_remove (&it);
          closed++;
          continue;
        }
      if ((info.tcpi_state == TCP_ESTABLISHED && c->busy == 0 && self->idle_ms > 0 &&
           info.tcpi_last_data_recv >= self->idle_ms &&
           info.tcpi_last_data_sent >= self->idle_ms) ||
          ((info.tcpi_state == TCP_ESTABLISHED || info.tcpi_state == TCP_CLOSE_WAIT) &&
           info.tcpi_last_data_recv >= STALE_MS && info.tcpi_last_data_sent >= STALE_MS))
        {
          /* Idle too long: the server-side keep-alive timeout (or a
           * request that will never finish). */
          g_socket_close (c->socket, NULL);
          g_hash_table_iter_remove (&it);
          closed++;
        }
    }
  return closed;
}

guint
sp_conn_reaper_size (SpConnReaper *self)
{
  return g_hash_table_size (self->conns);
}
