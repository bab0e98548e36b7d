/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-sync-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-error.h"
#include "sp-sync-client.h"
#include "sp-sync-controller.h"
#include "sp-token-store.h"

#define EDIT_DELAY_SECONDS     2
#define BACKOFF_MIN_SECONDS    2
#define BACKOFF_MAX_SECONDS    (5 * 60)
/* Long enough for a person to answer an unlock prompt of the keyring. */
#define KEYRING_TIMEOUT_SECONDS 60
#define LAST_SYNC_META_KEY     "desktop.last_sync"
#define ROLES_META_KEY         "desktop.roles"

struct _SpSyncController
{
  GObject          parent_instance;

  SpLocalStore    *store;
  GSettings       *settings;
  char            *profile_dir;
  GNetworkMonitor *monitor;

  SpSyncClient    *client;       /* NULL while signed out */
  char            *server_url;
  char            *user;
  char            *token;        /* NULL while signed out */
  char           **roles;        /* from the last sign-in, NULL if unknown */

  GCancellable    *cancellable;  /* of the running sync */
  GDateTime       *last_sync;
  char            *error;
  guint            pending;
  guint            backoff;      /* seconds of the current backoff, 0 = none */
  guint            timeout_id;
  gboolean         online;
  gboolean         network_available;
  gboolean         syncing;
  gboolean         again;        /* edits arrived during the running sync */
  gboolean         own_emit;     /* ::changed emitted by us after a sync */
};

G_DEFINE_FINAL_TYPE (SpSyncController, sp_sync_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_PROFILE_DIR,
  PROP_PENDING,
  PROP_LAST_SYNC,
  PROP_ONLINE,
  PROP_SYNCING,
  PROP_SIGNED_IN,
  PROP_ERROR,
  PROP_USER,
  PROP_SERVER_URL,
  PROP_ROLES,
  N_PROPS
};

enum {
  SYNCED,
  SIGN_IN_REQUIRED,
  KEYRING_UNAVAILABLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_sync (SpSyncController *self);

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL || *url == '\0')
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  return g_str_equal (host, "localhost") ||
         g_str_has_prefix (host, "127.") ||
         g_str_equal (host, "::1") ||
         g_str_equal (host, "[::1]");
}

static void
set_error (SpSyncController *self,
           const char       *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_syncing (SpSyncController *self,
             gboolean          syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

static void
update_pending (SpSyncController *self)
{
  guint pending = sp_local_store_outbox_count (self->store);

  if (pending == self->pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
update_online (SpSyncController *self)
{
  gboolean online;

  /* A server on this machine is reachable without any network; the
   * monitor would call a box without a default route "offline". */
  online = self->network_available || url_is_loopback (self->server_url);
  if (online == self->online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static gboolean
on_timeout (gpointer user_data)
{
  SpSyncController *self = user_data;

  self->timeout_id = 0;
  if (self->online)
    start_sync (self);
  /* Offline: the next network-changed to "available" starts a sync. */
  return G_SOURCE_REMOVE;
}

static void
schedule (SpSyncController *self,
          guint             seconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->client == NULL)
    return;
  self->timeout_id = g_timeout_add_seconds (seconds, on_timeout, self);
}

static guint
interval (SpSyncController *self)
{
  return MAX (10, g_settings_get_uint (self->settings, "sync-interval"));
}

char *
sp_sync_controller_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    return g_strdup (_("Wrong user name or password"));
  if (g_error_matches (error, SP_ERROR, SP_ERROR_NETWORK) ||
      error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    {
      const char *reason = error->message;
      const char *core_format = _("Cannot reach the server: %s");
      const char *core_reason = strstr (core_format, "%s");

      /* The core's "Cannot reach the server: <GIO reason>" (in whatever
       * language) would repeat what this message already says. */
      if (core_reason != NULL &&
          strncmp (reason, core_format, core_reason - core_format) == 0)
        reason += core_reason - core_format;
      /* Translators: %s is the technical reason */
      return g_strdup_printf (_("Server not reachable: %s"), reason);
    }
  if (g_error_matches (error, SP_ERROR, SP_ERROR_FORBIDDEN))
    /* Translators: %s is the server's explanation */
    return g_strdup_printf (_("Not allowed: %s"), error->message);
  if (error->domain == G_TLS_ERROR)
    /* Translators: %s is the technical reason */
    return g_strdup_printf (_("Secure connection failed: %s"), error->message);
  return g_strdup (error->message);
}

static void
save_last_sync (SpSyncController *self)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           g_date_time_to_unix (self->last_sync));
  g_autoptr(GError) error = NULL;

  if (!sp_db_meta_set (sp_local_store_get_db (self->store), LAST_SYNC_META_KEY, text, &error))
    g_warning ("Could not remember the time of the last sync: %s", error->message);
}

static void
load_last_sync (SpSyncController *self)
{
  g_autofree char *text = sp_db_meta_get (sp_local_store_get_db (self->store), LAST_SYNC_META_KEY);
  gint64 when;

  if (text == NULL || (when = g_ascii_strtoll (text, NULL, 10)) <= 0)
    return;
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = g_date_time_new_from_unix_local (when);
}

static void
drop_sign_in (SpSyncController *self,
              gboolean          forget_in_keyring)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_syncing (self, FALSE);
  self->backoff = 0;
  self->again = FALSE;

  if (forget_in_keyring && self->server_url != NULL && self->user != NULL)
    sp_token_store_clear_async (self->server_url, self->user, self->profile_dir,
                                NULL, NULL, NULL);

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  if (self->client != NULL)
    {
      g_clear_object (&self->client);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
    }
}

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SpSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  SpSyncStats stats = { 0, };
  gboolean again;

  if (!sp_sync_client_sync_finish (SP_SYNC_CLIENT (source), result, &stats, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A sign-out during the sync already reset everything. */
      if ((gpointer) source != (gpointer) self->client)
        return;
    }
  else if ((gpointer) source != (gpointer) self->client)
    {
      /* Signed out (or in again elsewhere) meanwhile; still show the data. */
      self->own_emit = TRUE;
      sp_local_store_emit_changed (self->store, NULL);
      self->own_emit = FALSE;
      return;
    }

  g_clear_object (&self->cancellable);
  set_syncing (self, FALSE);
  again = self->again;
  self->again = FALSE;

  /* The sync wrote through its own connection: tell the views. */
  self->own_emit = TRUE;
  sp_local_store_emit_changed (self->store, NULL);
  self->own_emit = FALSE;
  update_pending (self);

  if (error == NULL)
    {
      g_debug ("Synced: %u pushed (%u conflicts), %u pulled",
               stats.pushed, stats.conflicts, stats.pulled);
      self->backoff = 0;
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      self->last_sync = g_date_time_new_now_local ();
      save_last_sync (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      set_error (self, NULL);
      g_signal_emit (self, signals[SYNCED], 0, stats.pushed, stats.pulled, stats.conflicts);
      schedule (self, again ? EDIT_DELAY_SECONDS : interval (self));
      return;
    }

  if (g_error_matches (error, SP_ERROR, SP_ERROR_UNAUTHORIZED))
    {
      g_autofree char *message = NULL;

      set_error (self, _("The server did not accept the sign-in any more"));
      drop_sign_in (self, TRUE);
      message = g_strdup (_("Your sign-in has expired or was revoked. Please sign in again."));
      g_signal_emit (self, signals[SIGN_IN_REQUIRED], 0, message);
      return;
    }

  {
    g_autofree char *text = sp_sync_controller_describe_error (error);

    g_message ("Sync failed: %s", error->message);
    set_error (self, text);
  }

  self->backoff = self->backoff == 0 ? BACKOFF_MIN_SECONDS
                                     : MIN (self->backoff * 2, BACKOFF_MAX_SECONDS);
  schedule (self, self->backoff);
}

static void
start_sync (SpSyncController *self)
{
  g_assert (SP_IS_SYNC_CONTROLLER (self));

  if (self->client == NULL)
    return;
  if (self->syncing)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_syncing (self, TRUE);
  sp_sync_client_sync_async (self->client, self->cancellable,
                             on_sync_done, g_object_ref (self));
}

void
sp_sync_controller_sync_now (SpSyncController *self)
{
  g_return_if_fail (SP_IS_SYNC_CONTROLLER (self));

  /* A manual sync also ends a backoff. */
  self->backoff = 0;
  start_sync (self);
}

static void
on_store_changed (SpLocalStore     *store,
                  const char       *entity,
                  SpSyncController *self)
{
  update_pending (self);

  if (self->own_emit || self->client == NULL)
    return;

  /* A local edit: sync soon, debounced. While backing off after a
   * failure, the backoff timer picks the edit up. */
  if (self->syncing)
    self->again = TRUE;
  else if (self->backoff == 0)
    schedule (self, EDIT_DELAY_SECONDS);
}

static void
on_network_changed (GNetworkMonitor  *monitor,
                    gboolean          available,
                    SpSyncController *self)
{
  gboolean was_online = self->online;

  self->network_available = available;
  update_online (self);

  if (!was_online && self->online && self->client != NULL)
    {
      g_debug ("Back online, syncing");
      self->backoff = 0;
      schedule (self, 1);
    }
}

static gboolean
apply_ca_file (SpSyncController  *self,
               SpSyncClient      *client,
               GError           **error)
{
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ca-file");

  return sp_sync_client_set_ca_file (client, *ca_file ? ca_file : NULL, error);
}

static void
on_settings_changed (GSettings        *settings,
                     const char       *key,
                     SpSyncController *self)
{
  if (g_str_equal (key, "ca-file"))
    {
      g_autoptr(GError) error = NULL;

      if (self->client != NULL && !apply_ca_file (self, self->client, &error))
        {
          g_autofree char *text = NULL;

          /* Translators: %s is the technical reason */
          text = g_strdup_printf (_("Cannot use the CA certificate: %s"), error->message);
          set_error (self, text);
        }
      else if (self->client != NULL)
        sp_sync_controller_sync_now (self);
    }
  else if (g_str_equal (key, "sync-interval"))
    {
      if (self->client != NULL && !self->syncing && self->backoff == 0)
        schedule (self, interval (self));
    }
  else if (g_str_equal (key, "server-url"))
    {
      g_autofree char *url = g_settings_get_string (settings, key);

      if (self->client != NULL && g_strcmp0 (url, self->server_url) != 0)
        {
          /* The token belongs to the old server. */
          drop_sign_in (self, FALSE);
          g_free (self->server_url);
          self->server_url = g_steal_pointer (&url);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
          update_online (self);
          g_signal_emit (self, signals[SIGN_IN_REQUIRED], 0,
                         _("The server address changed. Please sign in to the new server."));
        }
      else if (self->client == NULL)
        {
          g_free (self->server_url);
          self->server_url = g_steal_pointer (&url);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
          update_online (self);
        }
    }
}

static void
use_sign_in (SpSyncController   *self,
             SpSyncClient       *client,
             const char         *server_url,
             const char         *user,
             const char         *token,
             const char * const *roles)
{
  SpDb *db = sp_local_store_get_db (self->store);
  g_autoptr(GError) error = NULL;

  drop_sign_in (self, FALSE);

  self->client = g_object_ref (client);
  self->token = g_strdup (token);

  /* The roles of a sign-in are kept with the profile, so that a sign-in
   * restored from the keyring shows the same pages. */
  g_clear_pointer (&self->roles, g_strfreev);
  if (roles != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", (char **) roles);

      self->roles = g_strdupv ((char **) roles);
      if (!sp_db_meta_set (db, ROLES_META_KEY, joined, &error))
        g_warning ("Cannot remember the roles: %s", error->message);
    }
  else
    {
      g_autofree char *joined = sp_db_meta_get (db, ROLES_META_KEY);

      if (joined != NULL && *joined != '\0')
        self->roles = g_strsplit (joined, ",", -1);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
  g_free (self->server_url);
  self->server_url = g_strdup (server_url);
  g_free (self->user);
  self->user = g_strdup (user);

  /* Written after server_url so on_settings_changed sees no change. */
  g_settings_set_string (self->settings, "server-url", server_url);
  g_settings_set_string (self->settings, "user", user);

  update_online (self);
  set_error (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);

  start_sync (self);
}

/* Sign-in */

typedef struct
{
  SpSyncClient *client;
  char         *server_url;
  char         *user;
  char         *token;
  GCancellable *keyring_cancellable;
  guint         keyring_timeout_id;
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *sign_in = data;

  g_clear_handle_id (&sign_in->keyring_timeout_id, g_source_remove);
  g_clear_object (&sign_in->keyring_cancellable);
  g_clear_object (&sign_in->client);
  g_free (sign_in->server_url);
  g_free (sign_in->user);
  if (sign_in->token != NULL)
    memset (sign_in->token, 0, strlen (sign_in->token));
  g_free (sign_in->token);
  g_free (sign_in);
}

static gboolean
on_keyring_timeout (gpointer data)
{
  SignIn *sign_in = data;

  /* A Secret Service that waits for a prompt nobody answers. */
  sign_in->keyring_timeout_id = 0;
  g_cancellable_cancel (sign_in->keyring_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_token_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpSyncController *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&sign_in->keyring_timeout_id, g_source_remove);
  if (sp_token_store_save_finish (result, &error))
    return;

  /* Never fall back to a file: the token lives in memory for this session. */
  g_message ("Keeping the token in memory only, the keyring failed: %s", error->message);
  if (self->client == sign_in->client)
    g_signal_emit (self, signals[KEYRING_UNAVAILABLE], 0);
}

static void
on_login_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpSyncController *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GTask) keyring_task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) roles = NULL;
  SignIn *keyring;

  sign_in->token = sp_sync_client_login_finish (SP_SYNC_CLIENT (source), result, &roles, &error);
  if (sign_in->token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Signed in: start working at once, store the token in the background
   * (the keyring may need to ask for its password first). */
  sp_sync_client_set_token (sign_in->client, sign_in->token);
  use_sign_in (self, sign_in->client, sign_in->server_url, sign_in->user,
               sign_in->token, (const char * const *) roles);

  keyring = g_new0 (SignIn, 1);
  keyring->client = g_object_ref (sign_in->client);
  keyring->server_url = g_strdup (sign_in->server_url);
  keyring->user = g_strdup (sign_in->user);
  keyring->token = g_strdup (sign_in->token);
  keyring->keyring_cancellable = g_cancellable_new ();
  keyring->keyring_timeout_id = g_timeout_add_seconds (KEYRING_TIMEOUT_SECONDS,
                                                       on_keyring_timeout, keyring);
  keyring_task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_task_data (keyring_task, keyring, sign_in_free);
  sp_token_store_save_async (keyring->server_url, keyring->user, self->profile_dir,
                             keyring->token, keyring->keyring_cancellable,
                             on_token_saved, g_steal_pointer (&keyring_task));

  g_task_return_boolean (task, TRUE);
}

void
sp_sync_controller_sign_in_async (SpSyncController    *self,
                                  const char          *server_url,
                                  const char          *user,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SignIn *sign_in;

  g_return_if_fail (SP_IS_SYNC_CONTROLLER (self));
  g_return_if_fail (server_url != NULL && user != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_sync_controller_sign_in_async);

  sign_in = g_new0 (SignIn, 1);
  sign_in->server_url = g_strdup (server_url);
  sign_in->user = g_strdup (user);
  sign_in->client = sp_sync_client_new (sp_local_store_get_path (self->store), server_url);
  g_task_set_task_data (task, sign_in, sign_in_free);

  if (!apply_ca_file (self, sign_in->client, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sp_sync_client_login_async (sign_in->client, user, password, cancellable,
                              on_login_done, g_steal_pointer (&task));
}

gboolean
sp_sync_controller_sign_in_finish (SpSyncController  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Restore at start */

static void
on_token_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpSyncController *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) ca_error = NULL;

  g_clear_handle_id (&sign_in->keyring_timeout_id, g_source_remove);
  sign_in->token = sp_token_store_lookup_finish (result, &error);
  if (sign_in->token == NULL)
    {
      if (error != NULL)
        g_message ("No stored sign-in, the keyring failed: %s", error->message);
      g_task_return_boolean (task, FALSE);
      return;
    }

  sign_in->client = sp_sync_client_new (sp_local_store_get_path (self->store),
                                        sign_in->server_url);
  sp_sync_client_set_token (sign_in->client, sign_in->token);
  if (!apply_ca_file (self, sign_in->client, &ca_error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the technical reason */
      text = g_strdup_printf (_("Cannot use the CA certificate: %s"), ca_error->message);
      set_error (self, text);
    }
  use_sign_in (self, sign_in->client, sign_in->server_url, sign_in->user,
               sign_in->token, NULL);
  g_task_return_boolean (task, TRUE);
}

void
sp_sync_controller_restore_async (SpSyncController    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (SP_IS_SYNC_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_sync_controller_restore_async);

  sign_in = g_new0 (SignIn, 1);
  sign_in->server_url = g_settings_get_string (self->settings, "server-url");
  sign_in->user = g_settings_get_string (self->settings, "user");
  g_task_set_task_data (task, sign_in, sign_in_free);

  if (*sign_in->server_url == '\0' || *sign_in->user == '\0')
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  sign_in->keyring_cancellable = g_cancellable_new ();
  sign_in->keyring_timeout_id = g_timeout_add_seconds (KEYRING_TIMEOUT_SECONDS,
                                                       on_keyring_timeout, sign_in);
  sp_token_store_lookup_async (sign_in->server_url, sign_in->user, self->profile_dir,
                               sign_in->keyring_cancellable,
                               on_token_found, g_steal_pointer (&task));
}

gboolean
sp_sync_controller_restore_finish (SpSyncController  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_sync_controller_sign_out (SpSyncController *self)
{
  g_return_if_fail (SP_IS_SYNC_CONTROLLER (self));

  drop_sign_in (self, TRUE);
  set_error (self, NULL);
}

/* Getters */

guint
sp_sync_controller_get_pending (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), 0);
  return self->pending;
}

GDateTime *
sp_sync_controller_get_last_sync (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), NULL);
  return self->last_sync;
}

gboolean
sp_sync_controller_get_online (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), FALSE);
  return self->online;
}

gboolean
sp_sync_controller_get_syncing (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), FALSE);
  return self->syncing;
}

gboolean
sp_sync_controller_get_signed_in (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), FALSE);
  return self->client != NULL;
}

const char *
sp_sync_controller_get_error (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), NULL);
  return self->error;
}

const char *
sp_sync_controller_get_user (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), NULL);
  return self->user;
}

const char *
sp_sync_controller_get_server_url (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), NULL);
  return self->server_url;
}

/* GObject */

static void
sp_sync_controller_constructed (GObject *object)
{
  SpSyncController *self = SP_SYNC_CONTROLLER (object);

  G_OBJECT_CLASS (sp_sync_controller_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  g_assert (self->settings != NULL);
  g_assert (self->profile_dir != NULL);

  self->server_url = g_settings_get_string (self->settings, "server-url");
  self->user = g_settings_get_string (self->settings, "user");

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (on_network_changed), self, 0);
  update_online (self);

  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed), self, 0);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed), self, 0);

  self->pending = sp_local_store_outbox_count (self->store);
  load_last_sync (self);
}

static void
sp_sync_controller_dispose (GObject *object)
{
  SpSyncController *self = SP_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sp_sync_controller_parent_class)->dispose (object);
}

static void
sp_sync_controller_finalize (GObject *object)
{
  SpSyncController *self = SP_SYNC_CONTROLLER (object);

  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_free (self->profile_dir);
  g_free (self->server_url);
  g_free (self->user);
  g_free (self->error);
  g_free (self->token);
  g_strfreev (self->roles);

  G_OBJECT_CLASS (sp_sync_controller_parent_class)->finalize (object);
}

static void
sp_sync_controller_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SpSyncController *self = SP_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_PROFILE_DIR:
      g_value_set_string (value, self->profile_dir);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->client != NULL);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_ROLES:
      g_value_set_boxed (value, self->roles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_controller_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SpSyncController *self = SP_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_PROFILE_DIR:
      self->profile_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_sync_controller_class_init (SpSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sp_sync_controller_constructed;
  object_class->dispose = sp_sync_controller_dispose;
  object_class->finalize = sp_sync_controller_finalize;
  object_class->get_property = sp_sync_controller_get_property;
  object_class->set_property = sp_sync_controller_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_DIR] =
    g_param_spec_string ("profile-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLES] =
    g_param_spec_boxed ("roles", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::synced (pushed, pulled, conflicts) after every successful sync. */
  signals[SYNCED] =
    g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  /* ::sign-in-required (message): the server refused the token, or the
   * server address changed. */
  signals[SIGN_IN_REQUIRED] =
    g_signal_new ("sign-in-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* ::keyring-unavailable: the token of the current sign-in could not be
   * stored in the Secret Service and is kept in memory only. */
  signals[KEYRING_UNAVAILABLE] =
    g_signal_new ("keyring-unavailable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sp_sync_controller_init (SpSyncController *self)
{
}

SpSyncController *
sp_sync_controller_new (SpLocalStore *store,
                        GSettings    *settings,
                        const char   *profile_dir)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (profile_dir != NULL, NULL);

  return g_object_new (SP_TYPE_SYNC_CONTROLLER,
                       "store", store,
                       "settings", settings,
                       "profile-dir", profile_dir,
                       NULL);
}

/* Roles of the signed-in user ("staff" always among them), NULL when not
 * known. */
const char * const *
sp_sync_controller_get_roles (SpSyncController *self)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), NULL);
  return (const char * const *) self->roles;
}

gboolean
sp_sync_controller_has_role (SpSyncController *self,
                             const char       *allowed_csv)
{
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), FALSE);
  return self->roles != NULL
         && sp_roles_contain_any ((const char * const *) self->roles, allowed_csv);
}

gboolean
sp_sync_controller_get_access (SpSyncController  *self,
                               char             **base_url,
                               char             **token,
                               char             **ca_file)
{
  g_autofree char *ca = NULL;

  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (self), FALSE);

  if (self->client == NULL || self->token == NULL)
    return FALSE;

  ca = g_settings_get_string (self->settings, "ca-file");
  *base_url = g_strdup (self->server_url);
  *token = g_strdup (self->token);
  *ca_file = *ca != '\0' ? g_steal_pointer (&ca) : NULL;
  return TRUE;
}
