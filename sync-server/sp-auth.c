/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "sp-auth.h"

#include "sp-entity.h"
#include "sp-error.h"

#define MAX_PASSWORD_LEN 1024

/* Key derivations need 64 MiB each: never run more at once than there are
 * cores, so a burst of logins cannot exhaust memory. */
static GMutex kdf_lock;
static GCond kdf_cond;
static guint kdf_running;

static void
kdf_enter (void)
{
  guint max = MAX (2, g_get_num_processors ());

  g_mutex_lock (&kdf_lock);
  while (kdf_running >= max)
    g_cond_wait (&kdf_cond, &kdf_lock);
  kdf_running++;
  g_mutex_unlock (&kdf_lock);
}

static void
kdf_leave (void)
{
  g_mutex_lock (&kdf_lock);
  kdf_running--;
  g_cond_signal (&kdf_cond);
  g_mutex_unlock (&kdf_lock);
}

gboolean
sp_auth_init (void)
{
  return sodium_init () >= 0;
}

char *
sp_auth_hash_password (const char  *password,
                       GError     **error)
{
  char out[crypto_pwhash_STRBYTES];
  int ret;

  g_return_val_if_fail (password != NULL, NULL);

  if (*password == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "The password is empty");
      return NULL;
    }

  if (strlen (password) > MAX_PASSWORD_LEN)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "The password is longer than %d bytes", MAX_PASSWORD_LEN);
      return NULL;
    }

  kdf_enter ();
  ret = crypto_pwhash_str_alg (out, password, strlen (password),
                               crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE,
                               crypto_pwhash_ALG_ARGON2ID13);
  kdf_leave ();

  if (ret != 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_STORAGE,
                           "Out of memory while hashing the password");
      return NULL;
    }

  return g_strdup (out);
}

/* A hash of a random password, verified against for unknown users so that
 * they cost the same time as known ones. */
static gpointer
compute_dummy_hash (gpointer data)
{
  guint8 random[16];
  g_autofree char *password = NULL;
  char *computed;

  randombytes_buf (random, sizeof random);
  password = g_base64_encode (random, sizeof random);
  computed = sp_auth_hash_password (password, NULL);

  return computed ? computed : g_strdup ("");
}

static const char *
dummy_hash (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, compute_dummy_hash, NULL);
}

static char **
roles_with_staff (char **roles)
{
  GPtrArray *out = g_ptr_array_new ();
  gboolean has_staff = FALSE;

  for (guint i = 0; roles != NULL && roles[i] != NULL && out->len < 64; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < out->len; j++)
        if (strcmp (g_ptr_array_index (out, j), roles[i]) == 0)
          seen = TRUE;
      if (seen)
        continue;
      if (strcmp (roles[i], "staff") == 0)
        has_staff = TRUE;
      g_ptr_array_add (out, g_strdup (roles[i]));
    }

  if (!has_staff)
    g_ptr_array_add (out, g_strdup ("staff"));
  g_ptr_array_add (out, NULL);

  return (char **) g_ptr_array_free (out, FALSE);
}

char **
sp_auth_verify_user (SpStorage   *storage,
                     const char  *user,
                     const char  *password,
                     GError     **error)
{
  g_autofree char *hash = NULL;
  g_auto(GStrv) roles = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean found;
  int ret;

  g_return_val_if_fail (storage != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  found = sp_auth_user_name_is_valid (user) &&
          sp_storage_user_get (storage, user, &hash, &roles, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (strlen (password) > MAX_PASSWORD_LEN)
    found = FALSE;

  kdf_enter ();
  if (found)
    ret = crypto_pwhash_str_verify (hash, password, strlen (password));
  else
    {
      const char *dummy;

      kdf_leave ();
      dummy = dummy_hash ();
      kdf_enter ();
      /* Same work as a real check; the result does not matter. */
      if (crypto_pwhash_str_verify (dummy, password, MIN (strlen (password), MAX_PASSWORD_LEN)) == 0)
        g_debug ("Dummy hash matched");
      ret = -1;
    }
  kdf_leave ();

  if (ret != 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_UNAUTHORIZED,
                           "Wrong user name or password");
      return NULL;
    }

  return roles_with_staff (roles);
}

char *
sp_auth_new_token (void)
{
  guint8 random[32];
  char *token;

  randombytes_buf (random, sizeof random);
  token = g_base64_encode (random, sizeof random);
  sodium_memzero (random, sizeof random);

  for (char *p = token; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return token;
}

char *
sp_auth_hash_token (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

char *
sp_auth_issue_token (SpStorage   *storage,
                     const char  *user,
                     GError     **error)
{
  g_autofree char *token = sp_auth_new_token ();
  g_autofree char *hash = sp_auth_hash_token (token);
  gint64 expires = g_get_real_time () / G_USEC_PER_SEC + SP_TOKEN_LIFETIME_SECONDS;

  if (!sp_storage_token_put (storage, hash, user, expires, error))
    return NULL;

  return g_steal_pointer (&token);
}

gboolean
sp_auth_user_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;

  len = strlen (name);
  if (len == 0 || len > 64)
    return FALSE;

  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
sp_auth_parse_roles (const char  *csv,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (csv != NULL, NULL);

  parts = g_strsplit (csv, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *role = g_strstrip (parts[i]);
      gboolean seen = FALSE;

      if (*role == '\0')
        continue;

      if (!sp_role_is_known (role))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "Unknown role “%s” (known roles: admin, editor, hr, kita, trainer, staff)",
                       role);
          return NULL;
        }

      for (guint j = 0; j < roles->len; j++)
        if (strcmp (g_ptr_array_index (roles, j), role) == 0)
          seen = TRUE;
      if (!seen)
        g_ptr_array_add (roles, g_strdup (role));
    }

  if (roles->len == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID, "No role given");
      return NULL;
    }

  {
    gboolean has_staff = FALSE;

    for (guint j = 0; j < roles->len; j++)
      if (strcmp (g_ptr_array_index (roles, j), "staff") == 0)
        has_staff = TRUE;
    if (!has_staff)
      g_ptr_array_add (roles, g_strdup ("staff"));
  }

  g_ptr_array_sort (roles, compare_strings);
  g_ptr_array_set_free_func (roles, NULL);
  g_ptr_array_add (roles, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&roles), FALSE);
}
