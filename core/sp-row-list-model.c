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

struct _SpRowListModel
{
  GObject          parent_instance;

  SpLocalStore    *store;
  const SpEntity  *entity;
  const SpField   *order;       /* NULL: by id */
  char            *search;
  GArray          *rowids;      /* gint64, in display order */
  gulong           changed_id;
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
  g_clear_pointer (&self->rowids, g_array_unref);

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

static void
query_ids (SpRowListModel *self,
           GArray         *out)
{
  SpDb *db = sp_local_store_get_db (self->store);
  const char *table = self->entity->name;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *order = NULL;
  g_autoptr(GError) error = NULL;
  gboolean searching = self->search != NULL && *self->search != '\0';
  sqlite3_stmt *stmt;
  int rc;

  if (self->order != NULL)
    order = g_strdup_printf ("\"%s\" COLLATE NOCASE, rowid", self->order->name);
  else
    order = g_strdup ("id");

  g_string_append_printf (sql, "SELECT rowid FROM \"%s\" WHERE deleted = 0", table);

  if (searching && self->has_fts < 0)
    {
      g_autofree char *fts = g_strdup_printf ("%s_fts", table);
      self->has_fts = sp_db_table_exists (db, fts);
    }

  if (searching && self->has_fts)
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
  else if (searching)
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

  g_string_append_printf (sql, " ORDER BY %s", order);

  stmt = sp_db_prepare (db, sql->str, &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot list %s rows: %s", table, error->message);
      return;
    }
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (binds, i), -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (out, rowid);
    }
  if (rc != SQLITE_DONE)
    g_warning ("Cannot list %s rows: %s", table, sqlite3_errmsg (sp_db_handle (db)));
  sqlite3_reset (stmt);
}

void
sp_row_list_model_reload (SpRowListModel *self)
{
  g_autoptr(GArray) rowids = NULL;
  guint old_n;

  g_return_if_fail (SP_IS_ROW_LIST_MODEL (self));

  if (self->store == NULL)
    return;

  rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->rowids->len + 16);
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
