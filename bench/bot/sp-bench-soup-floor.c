/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bench-soup-floor"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdio.h>

#include "sp-bench-util.h"

/* bench/bot: the floor of the HTTP stack under POST /api/v1/bot/ask.
 *
 * The architecture mandates libsoup 3 for the server, so no Stadtpult
 * server can answer more requests per second than a bare SoupServer that
 * does nothing but answer. This program is that SoupServer: one handler for
 * /api/v1/bot/ask that takes the POST (libsoup has read the body by then)
 * and answers 200 application/json with a constant body, without parsing
 * the question, matching or logging. bench/bot/run-bot.sh runs wrk against
 * it with the same settings and ask.lua as against stadtpult-server and
 * NLP.js, and bench-bot prints it as the "libsoup alone" row: the highest
 * requests/s, and so the highest ratio to NLP.js, any libsoup server can
 * reach on that machine in that run.
 *
 * The body is one real answer of stadtpult-server over the Berlin catalogue
 * (the question "der fahrzeugbrif ist weg, will das auto aber verkaufen",
 * 858 bytes; the answers to the bench questions are 835 bytes on average,
 * median 844), so the bytes on the wire are those of a typical answer. It
 * is sent as static memory (no copy) and without the extra headers
 * (Cache-Control, CORS, nosniff, Server) the real server adds: as cheap as
 * libsoup allows.
 *
 * Usage: bench-soup-floor [--port N] (0, the default: any free port);
 * prints "listening on http://127.0.0.1:PORT/" like stadtpult-server. */

static const char answer[] =
  "{\"answer\":\"Zulassungsbescheinigung Teil II für KFZ wegen Verlust oder Diebstahl ersetzen.\\n"
  "Zuständig: Landesamt für Bürger- und Ordnungsangelegenheiten.\\n"
  "Standorte: Kfz-Zulassungsbehörde-Friedr.-Kreuzberg, Jüterboger Str. 3, 10965 Berlin; "
  "Kfz-Zulassungsbehörde-Lichtenberg, Ferdinand-Schultze-Str. 55, 13055 Berlin.\\n"
  "Mehr Informationen und Termine: https://service.berlin.de/dienstleistung/121584/\","
  "\"faq_id\":\"dldb.faq.121584\",\"confidence\":0.71024609072389777,\"handoff\":false,"
  "\"suggestions\":[{\"faq_id\":\"dldb.faq.121575\",\"service_id\":\"dldb.service.121575\","
  "\"question\":\"Zulassungsbescheinigung Teil I für KFZ wegen Verlust oder Diebstahl ersetzen\"},"
  "{\"faq_id\":\"dldb.faq.297016\",\"service_id\":\"dldb.service.297016\","
  "\"question\":\"Bankbrief / -zulassungsbescheinigung Teil II\"}],"
  "\"service_id\":\"dldb.service.121584\",\"kind\":\"answer\",\"office_open\":false,\"lang\":\"de\"}";

static int port;

static GOptionEntry option_entries[] = {
  { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0, the default: any free port)", "N" },
  { NULL }
};

static void
on_ask (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    answer, sizeof answer - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- bare libsoup server, the floor of bench/bot's HTTP table");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;

  g_set_prgname ("bench-soup-floor");

  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    sp_bench_die ("options", error);
  if (port < 0 || port > 65535)
    sp_bench_die ("--port must be 0 to 65535", NULL);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/api/v1/bot/ask", on_ask, NULL, NULL);
  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    sp_bench_die ("listen", error);

  uris = soup_server_get_uris (server);
  g_assert (uris != NULL);
  printf ("listening on http://127.0.0.1:%d/\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);

  return 0;
}
