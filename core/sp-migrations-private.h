/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-db.h"

G_BEGIN_DECLS

/* One numbered schema migration. The SQL text is frozen: once released, a
 * migration never changes (it is not generated from the registry), so that
 * databases created by older versions are upgraded exactly as new ones. */
typedef struct {
  int         version;
  const char *sql;
} SpMigration;

const SpMigration *_sp_migrations_get (SpSchemaKind  kind,
                                       guint        *n_migrations);

G_END_DECLS
