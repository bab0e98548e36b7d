/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bot-index"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-bot-index.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-faq-import.h"
#include "sp-json-util.h"

#define SERVICE_PREFIX "service:"

struct _SpBotIndex {
  gint           ref_count;
  gint64         version;
  char          *day;
  SpMatcher     *matcher;
  GHashTable    *docs;       /* match id -> SpBotDoc* (owned) */
  SpOfficeHours *hours;
  GHashTable    *settings;   /* key -> value */
};

static void
bot_doc_free (SpBotDoc *doc)
{
  g_free (doc->match_id);
  g_free (doc->id);
  g_free (doc->question);
  g_free (doc->answer);
  g_free (doc->answer_short);
  g_free (doc->service_id);
  g_free (doc->office);
  g_free (doc->opening_hours);
  g_free (doc->online_url);
  g_free (doc->language);
  g_free (doc);
}

static const char *
text_of (JsonObject *fields,
         const char *name)
{
  return sp_json_get_string_or (fields, name, "");
}

static gboolean
is_live (SpChange *row)
{
  return row->op == SP_OP_UPSERT &&
         g_strcmp0 (sp_json_get_string (row->fields, "status"), "published") == 0;
}

static gboolean
faq_is_current (SpChange   *row,
                const char *day)
{
  const char *until = text_of (row->fields, "valid_until");

  return is_live (row) && (*until == '\0' || strcmp (until, day) >= 0);
}

/* What a build reads from the storage (quick), before the slow part. */
typedef struct {
  gint64     version;
  GPtrArray *faqs;
  GPtrArray *services;
  GPtrArray *hours;
  GPtrArray *settings;
} IndexRows;

static void
index_rows_free (IndexRows *rows)
{
  g_clear_pointer (&rows->faqs, g_ptr_array_unref);
  g_clear_pointer (&rows->services, g_ptr_array_unref);
  g_clear_pointer (&rows->hours, g_ptr_array_unref);
  g_clear_pointer (&rows->settings, g_ptr_array_unref);
  g_free (rows);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IndexRows, index_rows_free)

static IndexRows *
index_rows_load (SpStorage  *storage,
                 GError    **error)
{
  g_autoptr(IndexRows) rows = g_new0 (IndexRows, 1);

  /* The version first: a change while loading triggers another build. */
  if ((rows->version = sp_storage_bot_content_version (storage)) < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read the content version");
      return NULL;
    }
  if (!(rows->faqs = sp_storage_bot_rows (storage, SP_ENTITY_FAQ, error)) ||
      !(rows->services = sp_storage_bot_rows (storage, SP_ENTITY_SERVICE, error)) ||
      !(rows->hours = sp_storage_bot_rows (storage, "bot_hours", error)) ||
      !(rows->settings = sp_storage_bot_rows (storage, "bot_setting", error)))
    return NULL;
  return g_steal_pointer (&rows);
}

static SpBotIndex *index_from_rows (IndexRows *rows, const char *day);

SpBotIndex *
sp_bot_index_build (SpStorage   *storage,
                    const char  *day,
                    GError     **error)
{
  g_autoptr(IndexRows) rows = NULL;

  g_return_val_if_fail (storage != NULL, NULL);
  g_return_val_if_fail (day != NULL, NULL);

  if (!(rows = index_rows_load (storage, error)))
    return NULL;
  return index_from_rows (rows, day);
}

static SpBotIndex *
index_from_rows (IndexRows  *rows,
                 const char *day)
{
  GPtrArray *faqs = rows->faqs, *services = rows->services;
  GPtrArray *hours = rows->hours, *settings = rows->settings;
  g_autoptr(GHashTable) service_rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) linked_keywords = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                                 (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(JsonArray) hour_rows = json_array_new ();
  SpBotIndex *self;

  self = g_new0 (SpBotIndex, 1);
  self->ref_count = 1;
  self->version = rows->version;
  self->day = g_strdup (day);
  self->matcher = sp_matcher_new (NULL);
  self->docs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) bot_doc_free);
  self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < services->len; i++)
    {
      SpChange *row = g_ptr_array_index (services, i);

      if (is_live (row))
        g_hash_table_insert (service_rows, row->id, row);
    }

  for (guint i = 0; i < faqs->len; i++)
    {
      SpChange *row = g_ptr_array_index (faqs, i);
      const char *service_id = text_of (row->fields, "service_id");
      GPtrArray *keywords;
      g_auto(GStrv) kw = NULL;

      if (row->op != SP_OP_UPSERT || *service_id == '\0')
        continue;
      if (faq_is_current (row, day))
        g_hash_table_add (covered, (gpointer) service_id);
      if (!(keywords = g_hash_table_lookup (linked_keywords, service_id)))
        {
          keywords = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (linked_keywords, (gpointer) service_id, keywords);
        }
      kw = sp_json_get_strv (row->fields, "keywords");
      for (guint k = 0; kw[k] != NULL; k++)
        g_ptr_array_add (keywords, g_strdup (kw[k]));
    }

  for (guint i = 0; i < faqs->len; i++)
    {
      SpChange *row = g_ptr_array_index (faqs, i);
      SpChange *service;
      g_auto(GStrv) alternatives = NULL, keywords = NULL;
      SpBotDoc *doc;
      SpMatchDoc match = { 0 };

      if (!faq_is_current (row, day) || *text_of (row->fields, "question") == '\0')
        continue;
      doc = g_new0 (SpBotDoc, 1);
      doc->kind = SP_BOT_DOC_FAQ;
      doc->match_id = g_strdup (row->id);
      doc->id = g_strdup (row->id);
      doc->question = g_strdup (text_of (row->fields, "question"));
      doc->answer = g_strdup (text_of (row->fields, "answer"));
      doc->answer_short = g_strdup (text_of (row->fields, "answer_short"));
      if (*doc->answer_short == '\0')
        {
          g_free (doc->answer_short);
          doc->answer_short = sp_faq_answer_short (doc->answer);
        }
      doc->service_id = g_strdup (text_of (row->fields, "service_id"));
      doc->office = g_strdup (text_of (row->fields, "office"));
      doc->language = g_strdup (g_strcmp0 (text_of (row->fields, "language"), "en") == 0 ? "en" : "de");
      service = *doc->service_id ? g_hash_table_lookup (service_rows, doc->service_id) : NULL;
      doc->opening_hours = g_strdup (service ? text_of (service->fields, "opening_hours") : "");
      doc->online_url = g_strdup (service ? text_of (service->fields, "online_url") : "");
      if (*doc->office == '\0' && service != NULL)
        {
          g_free (doc->office);
          doc->office = g_strdup (text_of (service->fields, "office"));
        }

      alternatives = sp_json_get_strv (row->fields, "alternatives");
      keywords = sp_json_get_strv (row->fields, "keywords");
      match.id = doc->match_id;
      match.title = doc->question;
      match.alternatives = (const char * const *) alternatives;
      match.keywords = (const char * const *) keywords;
      match.extra = doc->office;
      match.lang = doc->language;
      sp_matcher_add (self->matcher, &match);
      g_hash_table_insert (self->docs, doc->match_id, doc);
    }

  for (guint i = 0; i < services->len; i++)
    {
      SpChange *row = g_ptr_array_index (services, i);
      GPtrArray *keywords;
      SpBotDoc *doc;
      SpMatchDoc match = { 0 };

      if (!is_live (row) || g_hash_table_contains (covered, row->id) ||
          *text_of (row->fields, "name") == '\0')
        continue;
      doc = g_new0 (SpBotDoc, 1);
      doc->kind = SP_BOT_DOC_SERVICE;
      doc->match_id = g_strconcat (SERVICE_PREFIX, row->id, NULL);
      doc->id = g_strdup (row->id);
      doc->question = g_strdup (text_of (row->fields, "name"));
      doc->answer = g_strdup ("");
      doc->answer_short = g_strdup ("");
      doc->service_id = g_strdup (row->id);
      doc->office = g_strdup (text_of (row->fields, "office"));
      doc->opening_hours = g_strdup (text_of (row->fields, "opening_hours"));
      doc->online_url = g_strdup (text_of (row->fields, "online_url"));
      doc->language = g_strdup ("de");

      keywords = g_hash_table_lookup (linked_keywords, row->id);
      if (keywords != NULL)
        g_ptr_array_add (keywords, NULL);
      match.id = doc->match_id;
      match.title = doc->question;
      match.keywords = keywords ? (const char * const *) keywords->pdata : NULL;
      match.extra = doc->office;
      match.lang = "de";
      sp_matcher_add (self->matcher, &match);
      if (keywords != NULL)
        g_ptr_array_remove_index (keywords, keywords->len - 1);
      g_hash_table_insert (self->docs, doc->match_id, doc);
    }

  sp_matcher_build (self->matcher);

  for (guint i = 0; i < hours->len; i++)
    {
      SpChange *row = g_ptr_array_index (hours, i);

      if (row->op == SP_OP_UPSERT)
        json_array_add_object_element (hour_rows, json_object_ref (row->fields));
    }
  self->hours = sp_office_hours_new_from_json (hour_rows, NULL);

  for (guint i = 0; i < settings->len; i++)
    {
      SpChange *row = g_ptr_array_index (settings, i);
      const char *key = text_of (row->fields, "key");

      if (row->op == SP_OP_UPSERT && *key != '\0')
        g_hash_table_replace (self->settings, g_strdup (key),
                              g_strdup (text_of (row->fields, "value")));
    }

  return self;
}

SpBotIndex *
sp_bot_index_ref (SpBotIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
sp_bot_index_unref (SpBotIndex *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  sp_matcher_free (self->matcher);
  g_hash_table_unref (self->docs);
  g_clear_pointer (&self->hours, sp_office_hours_free);
  g_hash_table_unref (self->settings);
  g_free (self->day);
  g_free (self);
}

SpMatcher *
sp_bot_index_get_matcher (SpBotIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->matcher;
}

const SpBotDoc *
sp_bot_index_lookup (SpBotIndex *self,
                     const char *match_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return match_id ? g_hash_table_lookup (self->docs, match_id) : NULL;
}

guint
sp_bot_index_size (SpBotIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->docs);
}

gint64
sp_bot_index_get_version (SpBotIndex *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->version;
}

SpOfficeHours *
sp_bot_index_get_office_hours (SpBotIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->hours;
}

const char *
sp_bot_index_get_setting (SpBotIndex *self,
                          const char *key)
{
  const char *value;

  g_return_val_if_fail (self != NULL, NULL);
  value = g_hash_table_lookup (self->settings, key);
  return value && *value ? value : NULL;
}

/* -- the live index ------------------------------------------------------ */

/* The indexer is shared with its build thread (reference counted): at
 * shutdown a build that is still loading the language resources is left
 * to finish on its own, it only needs the storage while reading rows. */
struct _SpBotIndexer {
  gint        ref_count;
  SpStorage  *storage;       /* NULL once closed; guarded by storage_lock */
  GMutex      storage_lock;
  GMutex      lock;
  GCond       cond;
  SpBotIndex *current;
  GThread    *thread;
  gboolean    building;
  gboolean    first_done;
  gint64      last_check;    /* monotonic µs */
  guint       builds;
};

static void
indexer_unref (SpBotIndexer *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_clear_pointer (&self->thread, g_thread_unref);
  g_clear_pointer (&self->current, sp_bot_index_unref);
  g_mutex_clear (&self->storage_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

static gpointer
build_thread (gpointer data)
{
  SpBotIndexer *self = data;
  g_autofree char *day = sp_city_today ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IndexRows) rows = NULL;
  SpBotIndex *index = NULL, *old = NULL;

  g_mutex_lock (&self->storage_lock);
  if (self->storage != NULL && !(rows = index_rows_load (self->storage, &error)))
    g_warning ("Cannot build the bot index: %s", error->message);
  g_mutex_unlock (&self->storage_lock);
  if (rows != NULL)
    index = index_from_rows (rows, day);

  g_mutex_lock (&self->lock);
  if (index != NULL)
    {
      old = self->current;
      self->current = index;
      self->builds++;
    }
  self->first_done = TRUE;
  self->building = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (index != NULL)
    g_debug ("bot index: %u entries (content version %" G_GINT64_FORMAT ")",
             sp_bot_index_size (index), index->version);
  g_clear_pointer (&old, sp_bot_index_unref);
  indexer_unref (self);
  return NULL;
}

/* With the lock held. */
static void
start_build (SpBotIndexer *self)
{
  if (self->building)
    return;
  /* A previous build thread has finished its work: let it go. */
  g_clear_pointer (&self->thread, g_thread_unref);
  self->building = TRUE;
  g_atomic_int_inc (&self->ref_count);
  self->thread = g_thread_new ("bot-index", build_thread, self);
}

SpBotIndexer *
sp_bot_indexer_new (SpStorage *storage,
                    gboolean   build_now)
{
  SpBotIndexer *self;

  g_return_val_if_fail (storage != NULL, NULL);

  self = g_new0 (SpBotIndexer, 1);
  self->ref_count = 1;
  self->storage = storage;
  g_mutex_init (&self->storage_lock);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->last_check = g_get_monotonic_time ();
  self->first_done = TRUE;
  if (build_now)
    {
      g_mutex_lock (&self->lock);
      self->first_done = FALSE;
      start_build (self);
      g_mutex_unlock (&self->lock);
    }
  return self;
}

void
sp_bot_indexer_free (SpBotIndexer *self)
{
  if (self == NULL)
    return;
  /* Waits for a build that is reading the storage, not for one that is
   * still building. */
  g_mutex_lock (&self->storage_lock);
  self->storage = NULL;
  g_mutex_unlock (&self->storage_lock);
  indexer_unref (self);
}

SpBotIndex *
sp_bot_indexer_get (SpBotIndexer *self)
{
  SpBotIndex *index;
  gint64 now = g_get_monotonic_time ();
  gboolean check = FALSE;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (self->current == NULL && !self->building)
    {
      self->first_done = FALSE;
      start_build (self);
    }
  while (!self->first_done)
    g_cond_wait (&self->cond, &self->lock);
  if (!self->building && now - self->last_check >= SP_BOT_INDEX_CHECK_MS * 1000)
    {
      self->last_check = now;
      check = TRUE;
    }
  index = self->current ? sp_bot_index_ref (self->current) : NULL;
  g_mutex_unlock (&self->lock);

  if (check)
    {
      gint64 version = sp_storage_bot_content_version (self->storage);
      g_autofree char *day = sp_city_today ();

      if (index == NULL || (version >= 0 && version != index->version) ||
          strcmp (day, index->day) != 0)
        {
          g_mutex_lock (&self->lock);
          start_build (self);
          g_mutex_unlock (&self->lock);
        }
    }

  return index;
}

void
sp_bot_indexer_invalidate (SpBotIndexer *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->last_check = 0;
  g_mutex_unlock (&self->lock);
}

guint
sp_bot_indexer_get_builds (SpBotIndexer *self)
{
  guint builds;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->lock);
  builds = self->builds;
  g_mutex_unlock (&self->lock);
  return builds;
}
