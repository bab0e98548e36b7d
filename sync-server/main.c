/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "stadtpult-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sp-auth.h"
#include "sp-demo.h"
#include "sp-competence-seed.h"
#include "sp-faq-cmd.h"
#include "sp-rate-limit.h"
#include "sp-route-handoff.h"
#include "sp-server-private.h"
#include "sp-storage.h"

#define EXIT_USAGE 2

static const char usage_text[] =
  "Usage:\n"
  "  stadtpult-server [--db FILE] [--port N] [--bind ADDR] [--demo]\n"
  "                   [--tls-cert FILE --tls-key FILE] [--public-dir DIR]\n"
  "                   [--handoff-retention-days N] [--trusted-proxy ADDR]\n"
  "  stadtpult-server user add NAME --role ROLE[,ROLE] --password-file FILE [--db FILE]\n"
  "  stadtpult-server import catalogue|training FILE [--db FILE]\n"
  "  stadtpult-server export catalogue ID [--version N] [--db FILE]\n"
  "  stadtpult-server import faq FILE [--db FILE]\n"
  "  stadtpult-server import dldb DIR [--db FILE]\n"
  "\n"
  "Roles: admin, editor, hr, kita, trainer, staff (everyone is staff).\n"
  "Run “stadtpult-server --help” or “stadtpult-server user add --help” for details.\n";

static int
usage_error (const char *message)
{
  if (message != NULL)
    g_printerr ("stadtpult-server: %s\n\n", message);
  g_printerr ("%s", usage_text);
  return EXIT_USAGE;
}

/* -- user add --------------------------------------------------------------- */

static char *
read_password_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  char *newline;

  if (strcmp (path, "-") == 0)
    {
      GString *buf = g_string_new (NULL);
      char chunk[4096];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0 && buf->len < 1024 * 1024)
        g_string_append_len (buf, chunk, n);
      len = buf->len;
      contents = g_string_free (buf, FALSE);
    }
  else if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  /* The password is the first line; the newline is not part of it. */
  if ((newline = memchr (contents, '\n', len)) != NULL)
    {
      *newline = '\0';
      len = newline - contents;
    }
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';

  if (strlen (contents) != len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: the password contains a NUL byte", path);
      return NULL;
    }

  if (!g_utf8_validate (contents, len, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: the password is not valid UTF-8", path);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

static int
cmd_user (int    argc,
          char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *roles_csv = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_auto(GStrv) roles = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;
  SpStorage *storage;
  const char *name;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &roles_csv, "Roles of the account, comma separated", "ROLE[,ROLE]" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "File whose first line is the password (- for stdin)", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Server database (default: stadtpult.db)", "FILE" },
    { NULL }
  };

  g_set_prgname ("stadtpult-server user");
  context = g_option_context_new ("add NAME");
  g_option_context_set_summary (context,
                                "Create a staff account, or update the password and roles of an existing one.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (argc < 2 || strcmp (argv[1], "add") != 0)
    return usage_error (argc < 2 ? "“user” needs a subcommand" : "Unknown “user” subcommand");
  if (argc != 3)
    return usage_error ("“user add” needs exactly one NAME");
  name = argv[2];

  if (!sp_auth_user_name_is_valid (name))
    return usage_error ("Invalid user name (1–64 characters of A–Z, a–z, 0–9, “.”, “_”, “@”, “-”)");
  if (roles_csv == NULL)
    return usage_error ("“user add” needs --role ROLE[,ROLE]");
  if (password_file == NULL)
    return usage_error ("“user add” needs --password-file FILE");

  roles = sp_auth_parse_roles (roles_csv, &error);
  if (roles == NULL)
    return usage_error (error->message);

  password = read_password_file (password_file, &error);
  if (password == NULL)
    return usage_error (error->message);
  if (*password == '\0')
    return usage_error ("The password file's first line is empty");

  hash = sp_auth_hash_password (password, &error);
  memset (password, 0, strlen (password));
  if (hash == NULL)
    return usage_error (error->message);

  storage = sp_storage_open_sqlite (db ? db : "stadtpult.db", &error);
  if (storage == NULL)
    {
      g_printerr ("stadtpult-server: cannot open %s: %s\n", db ? db : "stadtpult.db", error->message);
      return 1;
    }

  if (!sp_storage_user_put (storage, name, hash, (const char * const *) roles, &error))
    {
      g_printerr ("stadtpult-server: cannot save user %s: %s\n", name, error->message);
      sp_storage_close (storage);
      return 1;
    }
  sp_storage_close (storage);

  joined = g_strjoinv (",", roles);
  g_print ("user %s saved with roles %s\n", name, joined);

  return 0;
}

/* -- server --------------------------------------------------------------- */

static gboolean
on_quit_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("Shutting down");
  g_main_loop_quit (loop);

  return G_SOURCE_CONTINUE;
}

/* Running from a meson build directory: the binary sits in
 * BUILD/sync-server/ next to BUILD/build.ninja. */
static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *build_root = NULL;
  g_autofree char *ninja = NULL;

  if (exe == NULL)
    return FALSE;

  dir = g_path_get_dirname (exe);
  build_root = g_path_get_dirname (dir);
  ninja = g_build_filename (build_root, "build.ninja", NULL);

  return g_file_test (ninja, G_FILE_TEST_EXISTS);
}

static const char *
default_public_dir (void)
{
  gboolean have_source = g_file_test (SOURCE_PUBLIC_DIR, G_FILE_TEST_IS_DIR);

  if (have_source && running_from_build_tree ())
    return SOURCE_PUBLIC_DIR;
  if (g_file_test (INSTALLED_PUBLIC_DIR, G_FILE_TEST_IS_DIR) || !have_source)
    return INSTALLED_PUBLIC_DIR;

  return SOURCE_PUBLIC_DIR;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *public_dir = NULL;
  g_autofree char *trusted_proxy = NULL;
  g_autofree char *uri = NULL;
  gint port = 8080;
  gint handoff_retention_days = SP_HANDOFF_RETENTION_DAYS_DEFAULT;
  gboolean demo = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  SpStorage *storage;
  SpServer *server;
  guint sigterm_id, sigint_id;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "SQLite database file (default: stadtpult.db)", "FILE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port, 0 picks a free one (default: 8080)", "N" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, "Address to listen on (default: 127.0.0.1)", "ADDR" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Load the demo accounts and Jena demo services into an empty database", NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate (PEM), needs --tls-key", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM), needs --tls-cert", "FILE" },
    { "public-dir", 0, 0, G_OPTION_ARG_FILENAME, &public_dir, "Directory of the citizen web pages", "DIR" },
    { "handoff-retention-days", 0, 0, G_OPTION_ARG_INT, &handoff_retention_days, "Days idle or closed bot hand-offs and their contact data are kept (default: 30)", "N" },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING, &trusted_proxy, "Reverse proxy whose X-Forwarded-For names the client for rate limits", "ADDR" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Stadtpult sync server: staff sync API, login and the citizen pages.");
  g_option_context_set_description (context,
                                    "Accounts:\n"
                                    "  stadtpult-server user add NAME --role ROLE[,ROLE] --password-file FILE [--db FILE]\n"
                                    "  Roles: admin, editor, hr, kita, trainer, staff\n");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (argc > 1)
    {
      g_autofree char *message = g_strdup_printf ("Unexpected argument “%s”", argv[1]);
      return usage_error (message);
    }

  if (port < 0 || port > 65535)
    return usage_error ("--port must be between 0 and 65535");

  if (handoff_retention_days < 1 || handoff_retention_days > 3650)
    return usage_error ("--handoff-retention-days must be between 1 and 3650");
  sp_route_handoff_set_retention_days ((guint) handoff_retention_days);

  if (!sp_rate_limit_set_trusted_proxy (trusted_proxy, &error))
    return usage_error (error->message);

  if ((tls_cert == NULL) != (tls_key == NULL))
    return usage_error ("--tls-cert and --tls-key must be given together");

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("stadtpult-server: cannot load the TLS certificate: %s\n", error->message);
          return EXIT_USAGE;
        }
    }

  if (public_dir != NULL && !g_file_test (public_dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf ("--public-dir %s is not a directory", public_dir);
      return usage_error (message);
    }

  storage = sp_storage_open_sqlite (db ? db : "stadtpult.db", &error);
  if (storage == NULL)
    {
      g_printerr ("stadtpult-server: cannot open %s: %s\n", db ? db : "stadtpult.db", error->message);
      return 1;
    }

  /* Default competence and training catalogues: in every database. */
  if (!sp_competence_seed_defaults (storage, &error))
    {
      g_printerr ("stadtpult-server: cannot seed the default catalogues: %s\n", error->message);
      g_clear_error (&error);
    }

  if (demo)
    {
      gboolean loaded = FALSE;

      if (!sp_demo_load (storage, &loaded, &error))
        {
          g_printerr ("stadtpult-server: cannot load the demo content: %s\n", error->message);
          sp_storage_close (storage);
          return 1;
        }
      if (loaded)
        g_printerr ("demo content loaded (accounts: admin, redaktion, personal, kita, schulung, mitarbeiter; password = user name)\n");
      else
        g_printerr ("demo content already present\n");
      if (!sp_competence_demo_load (storage, &loaded, &error))
        {
          g_printerr ("stadtpult-server: cannot load the demo self-check submissions: %s\n", error->message);
          g_clear_error (&error);
        }
      if (!sp_faq_demo_load (storage, &loaded, &error))
        {
          g_printerr ("stadtpult-server: cannot load the demo FAQ: %s\n", error->message);
          g_clear_error (&error);
        }
    }

  server = _sp_server_new (storage, public_dir ? public_dir : default_public_dir (), certificate);

  if (!_sp_server_listen (server, bind ? bind : "127.0.0.1", port, &uri, &error))
    {
      g_printerr ("stadtpult-server: cannot listen on %s:%d: %s\n",
                  bind ? bind : "127.0.0.1", port, error->message);
      _sp_server_free (server);
      sp_storage_close (storage);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ? EXIT_USAGE : 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, loop);

  printf ("listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  _sp_server_shutdown (server);
  _sp_server_free (server);
  sp_storage_close (storage);

  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  signal (SIGPIPE, SIG_IGN);
  setvbuf (stdout, NULL, _IOLBF, 0);

  g_set_prgname ("stadtpult-server");

  if (!sp_auth_init ())
    {
      g_printerr ("stadtpult-server: libsodium cannot be initialised\n");
      return 1;
    }

  if (argc >= 2 && argv[1][0] != '-')
    {
      if (strcmp (argv[1], "user") == 0)
        return cmd_user (argc - 1, argv + 1);
      if (strcmp (argv[1], "import") == 0 || strcmp (argv[1], "export") == 0)
        {
          if (argc >= 3 && (strcmp (argv[2], "catalogue") == 0 || strcmp (argv[2], "training") == 0))
            return sp_competence_cmd (argc - 1, argv + 1);
          if (argc >= 3 && strcmp (argv[1], "import") == 0 &&
              (strcmp (argv[2], "faq") == 0 || strcmp (argv[2], "dldb") == 0))
            return sp_faq_cmd (argc - 1, argv + 1);
        }

      {
        g_autofree char *message = g_strdup_printf ("Unknown command “%s”", argv[1]);
        return usage_error (message);
      }
    }

  return cmd_serve (argc, argv);
}
