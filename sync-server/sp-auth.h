/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

#include "sp-storage.h"

G_BEGIN_DECLS

/* Passwords (libsodium argon2id) and bearer tokens of the staff API. */

#define SP_TOKEN_LIFETIME_SECONDS (30 * 24 * 60 * 60)

/* Calls sodium_init(); FALSE if libsodium cannot be used. */
gboolean  sp_auth_init             (void);

/* A crypto_pwhash_str string (argon2id, interactive limits). Slow. */
char     *sp_auth_hash_password    (const char  *password,
                                    GError     **error);

/* Checks @password of @user. Unknown users and wrong passwords take the same
 * time and give the same SP_ERROR_UNAUTHORIZED. Slow: call it off the main
 * loop. On success returns the user's roles (always including "staff"). */
char    **sp_auth_verify_user      (SpStorage   *storage,
                                    const char  *user,
                                    const char  *password,
                                    GError     **error);

/* A fresh random bearer token (32 bytes, base64url without padding). */
char     *sp_auth_new_token        (void);
/* SHA-256 hex of @token, the form tokens are stored in. */
char     *sp_auth_hash_token       (const char  *token);

/* Signs @user in: stores a new token's hash, returns the token. */
char     *sp_auth_issue_token      (SpStorage   *storage,
                                    const char  *user,
                                    GError     **error);

/* Account names: 1..64 characters of [A-Za-z0-9._@-]. */
gboolean  sp_auth_user_name_is_valid (const char *name);

/* Splits "a,b" into a role list including "staff" (sorted, no duplicates).
 * Unknown roles give SP_ERROR_INVALID naming the role. */
char    **sp_auth_parse_roles      (const char  *csv,
                                    GError     **error);

G_END_DECLS
