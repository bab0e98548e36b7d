/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-test-proxy"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-test-proxy.h"

typedef struct _Conn Conn;

struct _SpTestProxy {
  GSocket      *listener;
  guint         port;
  guint         upstream_port;
  GCancellable *cancellable;
  GThread      *accept_thread;

  GMutex        lock;
  GPtrArray    *threads;      /* GThread, joined in _free */
  GPtrArray    *conns;        /* Conn */
  char         *cut_prefix;   /* armed cut or NULL */
  gsize         cut_after;
  guint         cut_skip;
  guint         cuts;
  guint64       bytes_down;
  char         *watch_prefix;
  guint         watched;
  /* Connections look at their first request in the order they were
   * accepted (a client with several requests on their way sends them in
   * order, but the threads here could read them in any order). */
  GCond         order;
  guint         accepted;
  guint         first_reads;
};

struct _Conn {
  gint          ref_count;
  SpTestProxy  *proxy;
  GSocket      *client;
  GSocket      *upstream;
  /* armed for the response now in flight: bytes still allowed through */
  gboolean      armed;
  gsize         allowance;
  guint         seq;          /* accept order */
  gboolean      first_read;   /* its turn in the order is over */
};

static Conn *
conn_ref (Conn *conn)
{
  g_atomic_int_inc (&conn->ref_count);
  return conn;
}

static void
conn_unref (Conn *conn)
{
  if (g_atomic_int_dec_and_test (&conn->ref_count))
    {
      g_clear_object (&conn->client);
      g_clear_object (&conn->upstream);
      g_free (conn);
    }
}

static void
conn_close (Conn *conn)
{
  g_socket_shutdown (conn->client, TRUE, TRUE, NULL);
  g_socket_shutdown (conn->upstream, TRUE, TRUE, NULL);
}

static gboolean
send_all (GSocket      *socket,
          const char   *data,
          gsize         len,
          GCancellable *cancellable)
{
  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, cancellable, NULL);

      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }

  return TRUE;
}

/* With proxy->lock: waits (up to a second) for the connections accepted
 * before @conn to read their first request, then takes its turn. */
static void
first_read_turn (Conn *conn)
{
  SpTestProxy *proxy = conn->proxy;
  gint64 deadline = g_get_monotonic_time () + G_TIME_SPAN_SECOND;

  if (conn->first_read)
    return;
  while (proxy->first_reads < conn->seq &&
         g_cond_wait_until (&proxy->order, &proxy->lock, deadline))
    ;
  conn->first_read = TRUE;
  proxy->first_reads = MAX (proxy->first_reads, conn->seq + 1);
  g_cond_broadcast (&proxy->order);
}

/* client -> server */
static gpointer
pump_up (gpointer data)
{
  Conn *conn = data;
  SpTestProxy *proxy = conn->proxy;
  char buf[65536];

  for (;;)
    {
      gssize n = g_socket_receive (conn->client, buf, sizeof buf,
                                   proxy->cancellable, NULL);

      if (n <= 0)
        break;

      g_mutex_lock (&proxy->lock);
      first_read_turn (conn);
      if (proxy->watch_prefix != NULL &&
          (gsize) n >= strlen (proxy->watch_prefix) &&
          memcmp (buf, proxy->watch_prefix, strlen (proxy->watch_prefix)) == 0)
        proxy->watched++;
      if (proxy->cut_prefix != NULL &&
          (gsize) n >= strlen (proxy->cut_prefix) &&
          memcmp (buf, proxy->cut_prefix, strlen (proxy->cut_prefix)) == 0)
        {
          if (proxy->cut_skip > 0)
            proxy->cut_skip--;
          else
            {
              conn->armed = TRUE;
              conn->allowance = proxy->cut_after;
              g_clear_pointer (&proxy->cut_prefix, g_free);
            }
        }
      g_mutex_unlock (&proxy->lock);

      if (!send_all (conn->upstream, buf, (gsize) n, proxy->cancellable))
        break;
    }

  g_mutex_lock (&proxy->lock);
  first_read_turn (conn);
  g_mutex_unlock (&proxy->lock);
  conn_close (conn);
  conn_unref (conn);
  return NULL;
}

/* server -> client, with the cut */
static gpointer
pump_down (gpointer data)
{
  Conn *conn = data;
  SpTestProxy *proxy = conn->proxy;
  char buf[65536];

  for (;;)
    {
      gssize n = g_socket_receive (conn->upstream, buf, sizeof buf,
                                   proxy->cancellable, NULL);
      gsize forward;
      gboolean cut = FALSE;

      if (n <= 0)
        break;

      forward = (gsize) n;
      g_mutex_lock (&proxy->lock);
      if (conn->armed)
        {
          if (forward >= conn->allowance)
            {
              forward = conn->allowance;
              cut = TRUE;
              conn->armed = FALSE;
              proxy->cuts++;
            }
          else
            conn->allowance -= forward;
        }
      proxy->bytes_down += forward;
      g_mutex_unlock (&proxy->lock);

      if (forward > 0 &&
          !send_all (conn->client, buf, forward, proxy->cancellable))
        break;

      if (cut)
        break;
    }

  conn_close (conn);
  conn_unref (conn);
  return NULL;
}

static gpointer
accept_loop (gpointer data)
{
  SpTestProxy *self = data;

  for (;;)
    {
      g_autoptr(GSocket) client = NULL;
      g_autoptr(GSocket) upstream = NULL;
      g_autoptr(GInetAddress) loopback = NULL;
      g_autoptr(GSocketAddress) addr = NULL;
      Conn *conn;

      client = g_socket_accept (self->listener, self->cancellable, NULL);
      if (client == NULL)
        break;

      upstream = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, NULL);
      loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      addr = g_inet_socket_address_new (loopback, self->upstream_port);
      if (upstream == NULL ||
          !g_socket_connect (upstream, addr, self->cancellable, NULL))
        {
          /* server down: the client sees a refused/closed connection */
          g_socket_close (client, NULL);
          continue;
        }

      conn = g_new0 (Conn, 1);
      conn->ref_count = 1;
      conn->proxy = self;
      conn->client = g_steal_pointer (&client);
      conn->upstream = g_steal_pointer (&upstream);

      g_mutex_lock (&self->lock);
      conn->seq = self->accepted++;
      g_ptr_array_add (self->conns, conn);
      g_ptr_array_add (self->threads,
                       g_thread_new ("proxy-up", pump_up, conn_ref (conn)));
      g_ptr_array_add (self->threads,
                       g_thread_new ("proxy-down", pump_down, conn_ref (conn)));
      g_mutex_unlock (&self->lock);
    }

  return NULL;
}

SpTestProxy *
sp_test_proxy_new (guint upstream_port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  SpTestProxy *self = g_new0 (SpTestProxy, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->order);
  self->upstream_port = upstream_port;
  self->cancellable = g_cancellable_new ();
  self->threads = g_ptr_array_new ();
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  addr = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (self->listener, addr, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  self->accept_thread = g_thread_new ("proxy-accept", accept_loop, self);

  return self;
}

guint
sp_test_proxy_get_port (SpTestProxy *self)
{
  return self->port;
}

char *
sp_test_proxy_get_url (SpTestProxy *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

void
sp_test_proxy_cut_response (SpTestProxy *self,
                            const char  *request_prefix,
                            guint        skip,
                            gsize        after_bytes)
{
  g_mutex_lock (&self->lock);
  g_free (self->cut_prefix);
  self->cut_prefix = g_strdup (request_prefix);
  self->cut_skip = skip;
  self->cut_after = after_bytes;
  g_mutex_unlock (&self->lock);
}

void
sp_test_proxy_watch (SpTestProxy *self,
                     const char  *request_prefix)
{
  g_mutex_lock (&self->lock);
  g_free (self->watch_prefix);
  self->watch_prefix = g_strdup (request_prefix);
  self->watched = 0;
  g_mutex_unlock (&self->lock);
}

guint
sp_test_proxy_get_watched (SpTestProxy *self)
{
  guint watched;

  g_mutex_lock (&self->lock);
  watched = self->watched;
  g_mutex_unlock (&self->lock);

  return watched;
}

guint
sp_test_proxy_get_cuts (SpTestProxy *self)
{
  guint cuts;

  g_mutex_lock (&self->lock);
  cuts = self->cuts;
  g_mutex_unlock (&self->lock);

  return cuts;
}

guint
sp_test_proxy_get_accepted (SpTestProxy *self)
{
  guint accepted;

  g_mutex_lock (&self->lock);
  accepted = self->accepted;
  g_mutex_unlock (&self->lock);

  return accepted;
}

guint64
sp_test_proxy_get_bytes_down (SpTestProxy *self)
{
  guint64 bytes;

  g_mutex_lock (&self->lock);
  bytes = self->bytes_down;
  g_mutex_unlock (&self->lock);

  return bytes;
}

void
sp_test_proxy_free (SpTestProxy *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->accept_thread);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->conns->len; i++)
    conn_close (g_ptr_array_index (self->conns, i));
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));

  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->conns);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_free (self->cut_prefix);
  g_free (self->watch_prefix);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->order);
  g_free (self);
}
