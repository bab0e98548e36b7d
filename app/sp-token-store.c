/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-token-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "sp-token-store.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "de.stadtpult.Stadtpult.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

void
sp_token_store_save_async (const char          *server,
                           const char          *user,
                           const char          *profile,
                           const char          *token,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL && user != NULL && profile != NULL);
  g_return_if_fail (token != NULL);

  /* Translators: label of the keyring entry; %s are user name and server */
  label = g_strdup_printf (_("Stadtpult sign-in for %s at %s"), user, server);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, callback, user_data,
                         "server", server,
                         "user", user,
                         "profile", profile,
                         NULL);
}

gboolean
sp_token_store_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
sp_token_store_lookup_async (const char          *server,
                             const char          *user,
                             const char          *profile,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (server != NULL && user != NULL && profile != NULL);

  secret_password_lookup (token_schema (), cancellable, callback, user_data,
                          "server", server,
                          "user", user,
                          "profile", profile,
                          NULL);
}

char *
sp_token_store_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  char *secret = secret_password_lookup_finish (result, error);
  char *copy;

  if (secret == NULL)
    return NULL;

  /* Hand out a normal string; the libsecret copy is wiped on free. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

void
sp_token_store_clear_async (const char          *server,
                            const char          *user,
                            const char          *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (server != NULL && user != NULL && profile != NULL);

  secret_password_clear (token_schema (), cancellable, callback, user_data,
                         "server", server,
                         "user", user,
                         "profile", profile,
                         NULL);
}

gboolean
sp_token_store_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_clear_finish (result, error);
}
