/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-row-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-row-list-model.h"

/* Items are cached direct-mapped by position: the view asks for a window
 * of neighbouring positions, which never collide within the window. */
#define CACHE_SIZE 256

typedef struct {
  guint  position;
  SpRow *row;          /* NULL = empty slot */
} CacheSlot;

/* One filter on a field: a set of values or an inclusive range. */
typedef struct {
  const SpField *field;
  GStrv          values;   /* NULL: a range */
  char          *min;
  char          *max;
} Filter;

static void
filter_free (gpointer data)
{
  Filter *filter = data;

  g_strfreev (filter->values);
  g_free (filter->min);
  g_free (filter->max);
  g_free (filter);
}

struct _SpRowListModel
{
  GObject          parent_instance;

  SpLocalStore    *store;
  const SpEntity  *entity;
  const SpField   *order;       /* NULL: by id */
  const SpField   *sort;        /* NULL: by order */
  const SpEntity  *sort_entity; /* sort through a lookup of sort's value */
  const SpField   *sort_lookup;
  gboolean         descending;
  GPtrArray       *filters;     /* Filter, one per field and kind */
  guint            frozen;
  gboolean         dirty;       /* changed while frozen */
  char            *search;
  GArray          *rowids;      /* gint64, in display order */
  gulong           changed_id;
  char            *fingerprint; /* of the table at the last reload */
  int              has_fts;     /* -1 unknown */
  CacheSlot        cache[CACHE_SIZE];
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SpRowListModel, sp_row_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_SEARCH,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cache_clear (SpRowListModel *self)
{
  for (guint i = 0; i < CACHE_SIZE; i++)
    g_clear_object (&self->cache[i].row);
}

static GType
sp_row_list_model_get_item_type (GListModel *model)
{
  return SP_TYPE_ROW;
}

static guint
sp_row_list_model_get_n_items (GListModel *model)
{
  SpRowListModel *self = SP_ROW_LIST_MODEL (model);

  return self->rowids->len;
}

static SpRow *
load_row (SpRowListModel *self,
          gint64          rowid)
{
  SpDb *db = sp_local_store_get_db (self->store);
  g_autofree char *sql = sp_db_select_sql (self->entity, "WHERE rowid = ?1");
  g_autoptr(SpDbRow) db_row = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  SpRow *row;

  stmt = sp_db_prepare (db, sql, &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read %s rows: %s", self->entity->name, error->message);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    db_row = sp_db_row_from_stmt (self->entity, stmt);
  sqlite3_reset (stmt);

  if (db_row == NULL)
    return NULL;

  row = sp_row_new (self->entity->name, db_row->id, db_row->version, db_row->fields);
  sp_row_set_pending (row, sp_local_store_is_pending (self->store, self->entity->name,
                                                      db_row->id));
  return row;
}

static gpointer
sp_row_list_model_get_item (GListModel *model,
                            guint       position)
{
  SpRowListModel *self = SP_ROW_LIST_MODEL (model);
  CacheSlot *slot;
  SpRow *row;

  if (position >= self->rowids->len)
    return NULL;

  slot = &self->cache[position % CACHE_SIZE];
  if (slot->row != NULL && slot->position == position)
    return g_object_ref (slot->row);

  row = load_row (self, g_array_index (self->rowids, gint64, position));
  if (row == NULL)
    {
      /* The row vanished under us (another connection); show an empty
       * placeholder until the next reload rather than break the view. */
      row = sp_row_new (self->entity->name, "", 0, NULL);
    }

  g_clear_object (&slot->row);
  slot->row = g_object_ref (row);
  slot->position = position;
  return row;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sp_row_list_model_get_item_type;
  iface->get_n_items = sp_row_list_model_get_n_items;
  iface->get_item = sp_row_list_model_get_item;
}

static void
sp_row_list_model_dispose (GObject *object)
{
  SpRowListModel *self = (SpRowListModel *) object;

  if (self->store != NULL && self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, self->store);
  cache_clear (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_row_list_model_parent_class)->dispose (object);
}

static void
sp_row_list_model_finalize (GObject *object)
{
  SpRowListModel *self = (SpRowListModel *) object;

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->filters, g_ptr_array_unref);

  G_OBJECT_CLASS (sp_row_list_model_parent_class)->finalize (object);
}

static void
sp_row_list_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpRowListModel *self = SP_ROW_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rowids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_row_list_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SpRowListModel *self = SP_ROW_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_SEARCH:
      sp_row_list_model_set_search (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_row_list_model_class_init (SpRowListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_row_list_model_dispose;
  object_class->finalize = sp_row_list_model_finalize;
  object_class->get_property = sp_row_list_model_get_property;
  object_class->set_property = sp_row_list_model_set_property;

  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_row_list_model_init (SpRowListModel *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->filters = g_ptr_array_new_with_free_func (filter_free);
  self->has_fts = -1;
}

/* FTS5 query: every word as a quoted prefix term, all required. Quoting
 * makes operators and punctuation in user input harmless. */
static char *
build_fts_query (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n\r", -1);
  GString *query = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    {
      GString *term = g_string_new (NULL);

      for (const char *p = words[i]; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          /* Keep what the unicode61 tokenizer keeps. */
          if (g_unichar_isalnum (c) || g_unichar_ismark (c))
            g_string_append_unichar (term, c);
          else
            g_string_append_c (term, ' ');
        }
      g_strstrip (term->str);
      term->len = strlen (term->str);

      if (term->len > 0)
        {
          if (query->len > 0)
            g_string_append_c (query, ' ');
          g_string_append_c (query, '"');
          for (const char *p = term->str; *p; p++)
            {
              if (*p == '"')
                g_string_append_c (query, '"');
              g_string_append_c (query, *p);
            }
          g_string_append (query, "\"*");
        }
      g_string_free (term, TRUE);
    }

  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }
  return g_string_free (query, FALSE);
}

static char *
escape_like (const char *word)
{
  GString *s = g_string_new ("%");

  for (const char *p = word; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

/* Appends the search condition to @sql (binds to @binds). */
static void
append_search (SpRowListModel *self,
               GString        *sql,
               GPtrArray      *binds)
{
  SpDb *db = sp_local_store_get_db (self->store);
  const char *table = self->entity->name;
  g_autoptr(GError) error = NULL;

  if (self->search == NULL || *self->search == '\0')
    return;

  if (self->has_fts < 0)
    {
      g_autofree char *fts = g_strdup_printf ("%s_fts", table);
      self->has_fts = sp_db_table_exists (db, fts);
    }

  if (self->has_fts)
    {
      char *query = build_fts_query (self->search);

      /* Rows written by other connections may not be indexed yet. */
      if (!sp_db_update_search_index (db, &error))
        {
          g_warning ("Cannot update the search index: %s", error->message);
          g_clear_error (&error);
        }

      if (query != NULL)
        {
          g_string_append_printf (sql,
                                  " AND rowid IN (SELECT rowid FROM \"%s_fts\" WHERE \"%s_fts\" MATCH ?%u)",
                                  table, table, binds->len + 1);
          g_ptr_array_add (binds, query);
        }
    }
  else
    {
      g_auto(GStrv) words = g_strsplit_set (self->search, " \t\n\r", -1);

      for (guint w = 0; words[w]; w++)
        {
          gboolean first = TRUE;

          if (*words[w] == '\0')
            continue;

          g_ptr_array_add (binds, escape_like (words[w]));
          g_string_append (sql, " AND (");
          for (guint i = 0; i < self->entity->n_fields; i++)
            {
              const SpField *field = &self->entity->fields[i];

              if (field->type != SP_FIELD_TEXT && field->type != SP_FIELD_STRV &&
                  field->type != SP_FIELD_ENUM)
                continue;
              g_string_append_printf (sql, "%s\"%s\" LIKE ?%u ESCAPE '\\'",
                                      first ? "" : " OR ", field->name, binds->len);
              first = FALSE;
            }
          if (first)
            g_string_append (sql, "0");
          g_string_append_c (sql, ')');
        }
    }
}

static gboolean
field_is_numeric (const SpField *field)
{
  return field->type == SP_FIELD_INT || field->type == SP_FIELD_BOOL;
}

/* Appends the filters except those on @skip to @sql. Numbers are bound as
 * text too: the column affinity (INTEGER) converts them. */
static void
append_filters (SpRowListModel *self,
                GString        *sql,
                GPtrArray      *binds,
                const SpField  *skip)
{
  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *filter = g_ptr_array_index (self->filters, i);
      const char *name = filter->field->name;

      if (filter->field == skip)
        continue;

      if (filter->values != NULL)
        {
          gboolean any_empty = FALSE;
          gboolean first = TRUE;

          g_string_append (sql, " AND (");
          if (filter->field->type == SP_FIELD_STRV)
            g_string_append_printf (sql, "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(\"%s\")"
                                    " THEN \"%s\" ELSE '[]' END) WHERE value IN (", name, name);
          else
            g_string_append_printf (sql, "\"%s\" IN (", name);
          for (guint v = 0; filter->values[v]; v++)
            {
              if (*filter->values[v] == '\0')
                any_empty = TRUE;
              g_ptr_array_add (binds, g_strdup (filter->values[v]));
              g_string_append_printf (sql, "%s?%u", first ? "" : ", ", binds->len);
              first = FALSE;
            }
          g_string_append (sql, filter->field->type == SP_FIELD_STRV ? "))" : ")");
          if (any_empty)
            g_string_append_printf (sql, " OR \"%s\" IS NULL", name);
          g_string_append_c (sql, ')');
        }
      else
        {
          /* Numbers compare as numbers, times and days as text. */
          const char *fmt = field_is_numeric (filter->field)
                            ? " AND \"%s\" %s CAST(?%u AS INTEGER)"
                            : " AND \"%s\" %s ?%u";

          if (filter->min != NULL)
            {
              g_ptr_array_add (binds, g_strdup (filter->min));
              g_string_append_printf (sql, fmt, name, ">=", binds->len);
            }
          if (filter->max != NULL)
            {
              g_ptr_array_add (binds, g_strdup (filter->max));
              g_string_append_printf (sql, fmt, name, "<=", binds->len);
            }
        }
    }
}

/* ORDER BY terms for the current sort (without the keyword). */
static void
append_order (SpRowListModel *self,
              GString        *sql)
{
  const SpField *field = self->sort != NULL ? self->sort : self->order;
  const char *dir = self->descending ? " DESC" : "";

  if (field == NULL)
    {
      g_string_append_printf (sql, "id%s", dir);
      return;
    }
  if (self->sort == NULL)
    {
      /* The construction order: by name-like text. */
      g_string_append_printf (sql, "\"%s\" COLLATE NOCASE%s, rowid%s", field->name, dir, dir);
      return;
    }

  if (self->sort != NULL && self->sort_lookup != NULL)
    g_string_append_printf (sql, "(SELECT l.\"%s\" FROM \"%s\" l WHERE l.id = \"%s\".\"%s\")"
                            " COLLATE NOCASE%s",
                            self->sort_lookup->name, self->sort_entity->name,
                            self->entity->name, field->name, dir);
  else if (field->type == SP_FIELD_ENUM && field->enum_values != NULL)
    {
      g_string_append_printf (sql, "CASE \"%s\"", field->name);
      /* Enum values are the registry's own identifiers: safe to inline. */
      for (guint i = 0; field->enum_values[i]; i++)
        g_string_append_printf (sql, " WHEN '%s' THEN %u", field->enum_values[i], i);
      g_string_append_printf (sql, " ELSE %u END%s", G_MAXINT, dir);
    }
  else if (field_is_numeric (field))
    g_string_append_printf (sql, "\"%s\"%s", field->name, dir);
  else
    g_string_append_printf (sql, "\"%s\" COLLATE NOCASE%s", field->name, dir);

  g_string_append_printf (sql, ", rowid%s", dir);
}

/* A one-off statement: the filters give many shapes of SQL, which must
 * not fill the connection's statement cache. */
static sqlite3_stmt *
prepare_filtered (SpRowListModel *self,
                  const char     *sql,
                  GPtrArray      *binds)
{
  sqlite3 *handle = sp_db_handle (sp_local_store_get_db (self->store));
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("Cannot list %s rows: %s", self->entity->name, sqlite3_errmsg (handle));
      sqlite3_finalize (stmt);
      return NULL;
    }
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (binds, i), -1, SQLITE_TRANSIENT);
  return stmt;
}

static void
query_ids (SpRowListModel *self,
           GArray         *out)
{
  const char *table = self->entity->name;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_string_append_printf (sql, "SELECT rowid FROM \"%s\" WHERE deleted = 0", table);
  append_search (self, sql, binds);
  append_filters (self, sql, binds, NULL);
  g_string_append (sql, " ORDER BY ");
  append_order (self, sql);

  stmt = prepare_filtered (self, sql->str, binds);
  if (stmt == NULL)
    return;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (out, rowid);
    }
  if (rc != SQLITE_DONE)
    g_warning ("Cannot list %s rows: %s", table,
               sqlite3_errmsg (sp_db_handle (sp_local_store_get_db (self->store))));
  sqlite3_finalize (stmt);
}

/* What a sync changes in the table: the number of rows, the sum of their
 * versions (a pulled or accepted change gives its row a new version) and
 * the newest rowid (SQLite reads them from the version index). */
static char *
query_fingerprint (SpRowListModel *self)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*), total(version), coalesce(max(rowid), 0)"
                                          " FROM \"%s\"", self->entity->name);
  sqlite3_stmt *stmt = sp_db_prepare (sp_local_store_get_db (self->store), sql, NULL);
  char *fingerprint = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    fingerprint = g_strdup_printf ("%" G_GINT64_FORMAT ":%.17g:%" G_GINT64_FORMAT,
                                   (gint64) sqlite3_column_int64 (stmt, 0),
                                   sqlite3_column_double (stmt, 1),
                                   (gint64) sqlite3_column_int64 (stmt, 2));
  sqlite3_reset (stmt);
  return fingerprint;
}

void
sp_row_list_model_reload (SpRowListModel *self)
{
  g_autoptr(GArray) rowids = NULL;
  guint old_n;

  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));

  if (self->store == NULL)
    return;
  if (self->frozen > 0)
    {
      self->dirty = TRUE;
      return;
    }

  rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->rowids->len + 16);
  g_free (self->fingerprint);
  self->fingerprint = query_fingerprint (self);
  query_ids (self, rowids);

  old_n = self->rowids->len;
  g_array_unref (self->rowids);
  self->rowids = g_steal_pointer (&rowids);
  cache_clear (self);

  if (old_n > 0 || self->rowids->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->rowids->len);
  if (old_n != self->rowids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_store_changed (SpLocalStore   *store,
                  const char     *entity,
                  SpRowListModel *self)
{
  /* "Anything changed" (after a sync in another connection) reloads
   * only when the sync wrote rows of this table: 100 000 ids are not
   * listed again after every sync that brought nothing for it. */
  if (entity == NULL && self->fingerprint != NULL && self->frozen == 0)
    {
      g_autofree char *now = query_fingerprint (self);

      if (g_strcmp0 (now, self->fingerprint) == 0)
        return;
    }
  if (entity == NULL || g_strcmp0 (entity, self->entity->name) == 0)
    sp_row_list_model_reload (self);
}

SpRowListModel *
sp_row_list_model_new (SpLocalStore *store,
                       const char   *entity,
                       const char   *order_field)
{
  SpRowListModel *self;
  const SpEntity *ent;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  ent = sp_entity_lookup (entity);
  g_return_val_if_fail (ent != NULL, NULL);

  self = g_object_new (SP_TYPE_ROW_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  self->entity = ent;
  self->order = order_field ? sp_entity_get_field (ent, order_field) : NULL;
  if (order_field != NULL && self->order == NULL)
    g_warning ("%s has no field “%s” to sort by; sorting by id", entity, order_field);

  self->changed_id = g_signal_connect (store, "changed",
                                       G_CALLBACK (on_store_changed), self);
  query_ids (self, self->rowids);
  return self;
}

void
sp_row_list_model_set_search (SpRowListModel *self,
                              const char     *text)
{
  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (self->search, text) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (text);
  sp_row_list_model_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

const char *
sp_row_list_model_get_search (SpRowListModel *self)
{
  g_return_val_if_fail (SP_IS_ROW_LIST_MODEL (self), NULL);
  return self->search;
}

int
sp_row_list_model_find (SpRowListModel *self,
                        const char     *id)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 rowid = -1;
  const gint64 *ids;

  g_return_val_if_fail (SP_IS_ROW_LIST_MODEL (self), -1);

  if (id == NULL || self->store == NULL)
    return -1;

  sql = g_strdup_printf ("SELECT rowid FROM \"%s\" WHERE id = ?1", self->entity->name);
  stmt = sp_db_prepare (sp_local_store_get_db (self->store), sql, NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rowid < 0)
    return -1;

  ids = (const gint64 *) (gpointer) self->rowids->data;
  for (guint i = 0; i < self->rowids->len; i++)
    if (ids[i] == rowid)
      return (int) i;
  return -1;
}

static Filter *
find_filter (SpRowListModel *self,
             const SpField  *field,
             gboolean        values,
             guint          *index)
{
  for (guint i = 0; i < self->filters->len; i++)
    {
      Filter *filter = g_ptr_array_index (self->filters, i);

      if (filter->field == field && (filter->values != NULL) == values)
        {
          if (index != NULL)
            *index = i;
          return filter;
        }
    }
  return NULL;
}

static const SpField *
lookup_field (SpRowListModel *self,
              const char     *field)
{
  const SpField *f = sp_entity_get_field (self->entity, field);

  if (f == NULL)
    g_critical ("%s has no field “%s”", self->entity->name, field);
  return f;
}

void
sp_row_list_model_set_filter_values (SpRowListModel     *self,
                                     const char         *field,
                                     const char * const *values)
{
  const SpField *f;
  guint index;
  Filter *filter;

  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));
  g_return_if_fail (field != NULL);

  if ((f = lookup_field (self, field)) == NULL)
    return;
  if (values != NULL && values[0] == NULL)
    values = NULL;

  filter = find_filter (self, f, TRUE, &index);
  if (filter == NULL && values == NULL)
    return;
  if (filter != NULL && values != NULL &&
      g_strv_equal ((const char * const *) filter->values, values))
    return;

  if (filter != NULL)
    g_ptr_array_remove_index (self->filters, index);
  if (values != NULL)
    {
      filter = g_new0 (Filter, 1);
      filter->field = f;
      filter->values = g_strdupv ((char **) values);
      g_ptr_array_add (self->filters, filter);
    }
  sp_row_list_model_reload (self);
}

void
sp_row_list_model_set_filter_range (SpRowListModel *self,
                                    const char     *field,
                                    const char     *min,
                                    const char     *max)
{
  const SpField *f;
  guint index;
  Filter *filter;

  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));
  g_return_if_fail (field != NULL);

  if ((f = lookup_field (self, field)) == NULL)
    return;

  filter = find_filter (self, f, FALSE, &index);
  if (filter == NULL && min == NULL && max == NULL)
    return;
  if (filter != NULL && g_strcmp0 (filter->min, min) == 0 && g_strcmp0 (filter->max, max) == 0)
    return;

  if (filter != NULL)
    g_ptr_array_remove_index (self->filters, index);
  if (min != NULL || max != NULL)
    {
      filter = g_new0 (Filter, 1);
      filter->field = f;
      filter->min = g_strdup (min);
      filter->max = g_strdup (max);
      g_ptr_array_add (self->filters, filter);
    }
  sp_row_list_model_reload (self);
}

void
sp_row_list_model_clear_filters (SpRowListModel *self)
{
  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));

  if (self->filters->len == 0 && self->search == NULL)
    return;

  g_ptr_array_set_size (self->filters, 0);
  if (self->search != NULL)
    {
      g_clear_pointer (&self->search, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
    }
  sp_row_list_model_reload (self);
}

void
sp_row_list_model_set_sort (SpRowListModel *self,
                            const char     *field,
                            const char     *lookup,
                            gboolean        descending)
{
  const SpField *f = NULL;
  const SpEntity *lookup_entity = NULL;
  const SpField *lookup_f = NULL;

  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));

  if (field != NULL && (f = lookup_field (self, field)) == NULL)
    return;
  if (f != NULL && lookup != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (lookup, ".", 2);

      if (parts[0] != NULL && parts[1] != NULL)
        lookup_entity = sp_entity_lookup (parts[0]);
      if (lookup_entity != NULL)
        lookup_f = sp_entity_get_field (lookup_entity, parts[1]);
      if (lookup_f == NULL)
        {
          g_critical ("No field “%s” to sort by", lookup);
          return;
        }
    }

  descending = !!descending;
  if (self->sort == f && self->sort_lookup == lookup_f && self->descending == descending)
    return;

  self->sort = f;
  self->sort_entity = lookup_entity;
  self->sort_lookup = lookup_f;
  self->descending = descending;
  sp_row_list_model_reload (self);
}

void
sp_row_list_model_freeze (SpRowListModel *self)
{
  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));
  self->frozen++;
}

void
sp_row_list_model_thaw (SpRowListModel *self)
{
  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));
  g_return_if_fail (self->frozen > 0);

  if (--self->frozen == 0 && self->dirty)
    {
      self->dirty = FALSE;
      sp_row_list_model_reload (self);
    }
}

GHashTable *
sp_row_list_model_count_by (SpRowListModel *self,
                            const char     *field)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  const SpField *f;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SP_IS_ROW_LIST_MODEL (self), counts);
  g_return_val_if_fail (field != NULL, counts);

  if (self->store == NULL || (f = lookup_field (self, field)) == NULL)
    return counts;

  /* Grouped by the bare column (NULL apart from "", merged below), so an
   * index on it gives the groups in order without a sort. */
  g_string_append_printf (sql, "SELECT \"%s\", count(*) FROM \"%s\" WHERE deleted = 0",
                          f->name, self->entity->name);
  append_search (self, sql, binds);
  append_filters (self, sql, binds, f);
  g_string_append_printf (sql, " GROUP BY 1");

  stmt = prepare_filtered (self, sql->str, binds);
  if (stmt == NULL)
    return counts;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, 0);
      guint n = (guint) sqlite3_column_int64 (stmt, 1);
      gpointer old = g_hash_table_lookup (counts, value ? value : "");

      /* INT columns: 0 and '0' group apart only with mixed storage. */
      g_hash_table_insert (counts, g_strdup (value ? value : ""),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + n));
    }
  sqlite3_finalize (stmt);
  return counts;
}

char *
sp_row_list_model_get_id (SpRowListModel *self,
                          guint           position)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  char *id = NULL;

  g_return_val_if_fail (SP_IS_ROW_LIST_MODEL (self), NULL);

  if (position >= self->rowids->len || self->store == NULL)
    return NULL;

  {
    CacheSlot *slot = &self->cache[position % CACHE_SIZE];

    if (slot->row != NULL && slot->position == position)
      return g_strdup (sp_row_get_id (slot->row));
  }

  sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE rowid = ?1", self->entity->name);
  stmt = sp_db_prepare (sp_local_store_get_db (self->store), sql, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, g_array_index (self->rowids, gint64, position));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return id;
}
