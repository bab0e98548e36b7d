/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-titles"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-competence-catalogue.h"
#include "sp-competence-titles.h"

GHashTable *
sp_competence_titles_load (SpLocalStore *store)
{
  GHashTable *titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SpDb *db = sp_local_store_get_db (store);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) catalogues = NULL;
  sqlite3_stmt *stmt;

  catalogues = sp_competence_catalogue_list_published (db, &error);
  if (catalogues == NULL)
    {
      g_debug ("No published catalogues: %s", error ? error->message : "");
      g_clear_error (&error);
    }

  stmt = sp_db_prepare (db,
                        "SELECT code, title FROM competence"
                        " WHERE deleted = 0 AND catalogue_id = ?1",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read competence titles: %s", error->message);
      return titles;
    }
  for (guint i = 0; catalogues != NULL && catalogues[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, catalogues[i], -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *code = (const char *) sqlite3_column_text (stmt, 0);
          const char *title = (const char *) sqlite3_column_text (stmt, 1);

          if (code != NULL && title != NULL && !g_hash_table_contains (titles, code))
            g_hash_table_insert (titles, g_strdup (code), g_strdup (title));
        }
      sqlite3_reset (stmt);
    }
  sqlite3_clear_bindings (stmt);
  return titles;
}

int
sp_competence_code_compare (const char *a,
                            const char *b)
{
  /* Numeric parts compare as numbers. */
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          char *end_a, *end_b;
          guint64 na = g_ascii_strtoull (a, &end_a, 10);
          guint64 nb = g_ascii_strtoull (b, &end_b, 10);

          if (na != nb)
            return na < nb ? -1 : 1;
          a = end_a;
          b = end_b;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return (*a != '\0') - (*b != '\0');
}

static int
compare_code_ptrs (gconstpointer a,
                   gconstpointer b)
{
  return sp_competence_code_compare (*(const char **) a, *(const char **) b);
}

GPtrArray *
sp_competence_titles_codes (GHashTable *titles)
{
  GPtrArray *codes = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer code;

  g_hash_table_iter_init (&iter, titles);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    g_ptr_array_add (codes, code);
  g_ptr_array_sort (codes, compare_code_ptrs);
  return codes;
}
