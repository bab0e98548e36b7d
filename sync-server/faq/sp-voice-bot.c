/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-voice-bot"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-voice-bot.h"

#include "sp-bot-index.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-route-bot.h"
#include "sp-route-handoff.h"

/* The published FAQ entries as the voice menu sees them, rebuilt when the
 * bot's content version changes. */
typedef struct {
  char  *id;
  char  *question;
  char  *answer_short;
  char  *answer;
  char  *language;
  char **keywords;
} VoiceFaq;

static void
voice_faq_free (VoiceFaq *faq)
{
  g_free (faq->id);
  g_free (faq->question);
  g_free (faq->answer_short);
  g_free (faq->answer);
  g_free (faq->language);
  g_strfreev (faq->keywords);
  g_free (faq);
}

typedef struct {
  gint64      version;
  char       *day;
  GPtrArray  *faqs;        /* VoiceFaq, in question order */
  GHashTable *by_id;       /* id -> VoiceFaq (owned by faqs) */
} VoiceContent;

static void
voice_content_free (VoiceContent *content)
{
  g_hash_table_unref (content->by_id);
  g_ptr_array_unref (content->faqs);
  g_free (content->day);
  g_free (content);
}

static GMutex      content_lock;
static VoiceContent *content_cache;     /* guarded by content_lock */
static GHashTable  *asked;              /* faq id -> count (voice answers); content_lock */

void
sp_voice_topic_free (SpVoiceTopic *topic)
{
  if (topic == NULL)
    return;
  g_free (topic->id);
  g_free (topic->question);
  g_strfreev (topic->keywords);
  g_free (topic);
}

void
sp_voice_bot_answer_free (SpVoiceBotAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->text);
  g_free (answer->faq_id);
  g_free (answer->question);
  g_clear_pointer (&answer->suggestions, g_ptr_array_unref);
  g_free (answer);
}

static char **
lower_strv (JsonObject *fields,
            const char *name)
{
  JsonNode *node = json_object_get_member (fields, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *word = json_array_get_string_element (array, i);

      if (word != NULL && *word != '\0')
        {
          g_autofree char *lower = g_utf8_strdown (word, -1);

          g_strv_builder_add (builder, lower);
        }
    }
  return g_strv_builder_end (builder);
}

static int
compare_question (gconstpointer a,
                  gconstpointer b)
{
  const VoiceFaq *fa = *(VoiceFaq * const *) a;
  const VoiceFaq *fb = *(VoiceFaq * const *) b;
  g_autofree char *ka = g_utf8_collate_key (fa->question, -1);
  g_autofree char *kb = g_utf8_collate_key (fb->question, -1);
  int cmp = strcmp (ka, kb);

  return cmp != 0 ? cmp : strcmp (fa->id, fb->id);
}

static VoiceContent *
voice_content_load (SpStorage  *storage,
                    gint64      version,
                    char       *day,   /* taken */
                    GError    **error)
{
  g_autoptr(GPtrArray) rows = sp_storage_bot_rows (storage, "faq", error);
  VoiceContent *content;

  if (rows == NULL)
    {
      g_free (day);
      return NULL;
    }

  content = g_new0 (VoiceContent, 1);
  content->version = version;
  content->day = day;
  content->faqs = g_ptr_array_new_with_free_func ((GDestroyNotify) voice_faq_free);
  content->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < rows->len; i++)
    {
      SpChange *row = g_ptr_array_index (rows, i);
      const char *valid_until;
      VoiceFaq *faq;

      if (row->op != SP_OP_UPSERT ||
          g_strcmp0 (sp_json_get_string (row->fields, "status"), "published") != 0)
        continue;
      valid_until = sp_json_get_string_or (row->fields, "valid_until", "");
      if (*valid_until != '\0' && strcmp (valid_until, day) < 0)
        continue;

      faq = g_new0 (VoiceFaq, 1);
      faq->id = g_strdup (row->id);
      faq->question = g_strdup (sp_json_get_string_or (row->fields, "question", ""));
      faq->answer_short = g_strdup (sp_json_get_string_or (row->fields, "answer_short", ""));
      faq->answer = g_strdup (sp_json_get_string_or (row->fields, "answer", ""));
      faq->language = g_strdup (sp_json_get_string_or (row->fields, "language", "de"));
      faq->keywords = lower_strv (row->fields, "keywords");
      if (*faq->question == '\0')
        {
          voice_faq_free (faq);
          continue;
        }
      g_ptr_array_add (content->faqs, faq);
    }
  g_ptr_array_sort (content->faqs, compare_question);
  for (guint i = 0; i < content->faqs->len; i++)
    {
      VoiceFaq *faq = g_ptr_array_index (content->faqs, i);

      g_hash_table_insert (content->by_id, faq->id, faq);
    }

  return content;
}

/* Runs @func with the current content, under the lock. */
static gboolean
with_content (SpServer  *server,
              GError   **error,
              void     (*func) (VoiceContent *content, gpointer data),
              gpointer   data)
{
  SpStorage *storage = sp_server_get_storage (server);
  gint64 version = sp_storage_bot_content_version (storage);
  char *day = sp_city_today ();
  gboolean ok = TRUE;

  if (version < 0)
    {
      g_free (day);
      g_set_error_literal (error, SP_ERROR, SP_ERROR_STORAGE, "Cannot read the bot's content version");
      return FALSE;
    }

  g_mutex_lock (&content_lock);
  if (content_cache == NULL || content_cache->version != version ||
      strcmp (content_cache->day, day) != 0)
    {
      VoiceContent *fresh = voice_content_load (storage, version, g_steal_pointer (&day), error);

      if (fresh == NULL)
        ok = FALSE;
      else
        {
          g_clear_pointer (&content_cache, voice_content_free);
          content_cache = fresh;
        }
    }
  if (ok)
    func (content_cache, data);
  g_mutex_unlock (&content_lock);
  g_free (day);

  return ok;
}

typedef struct {
  const char *lang;
  guint       max;
  GPtrArray  *topics;
} TopicsData;

static int
compare_asked (gconstpointer a,
               gconstpointer b)
{
  const VoiceFaq *fa = *(VoiceFaq * const *) a;
  const VoiceFaq *fb = *(VoiceFaq * const *) b;
  guint na = asked ? GPOINTER_TO_UINT (g_hash_table_lookup (asked, fa->id)) : 0;
  guint nb = asked ? GPOINTER_TO_UINT (g_hash_table_lookup (asked, fb->id)) : 0;

  if (na != nb)
    return na > nb ? -1 : 1;
  return compare_question (a, b);
}

static void
collect_topics (VoiceContent *content,
                gpointer      user_data)
{
  TopicsData *data = user_data;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();

  for (guint pass = 0; pass < 2 && candidates->len == 0; pass++)
    for (guint i = 0; i < content->faqs->len; i++)
      {
        VoiceFaq *faq = g_ptr_array_index (content->faqs, i);

        /* Entries in the caller's language; if there are none, German. */
        if (g_strcmp0 (faq->language, pass == 0 ? data->lang : "de") == 0)
          g_ptr_array_add (candidates, faq);
      }

  g_ptr_array_sort (candidates, compare_asked);
  for (guint i = 0; i < candidates->len && i < data->max; i++)
    {
      VoiceFaq *faq = g_ptr_array_index (candidates, i);
      SpVoiceTopic *topic = g_new0 (SpVoiceTopic, 1);

      topic->id = g_strdup (faq->id);
      topic->question = g_strdup (faq->question);
      topic->keywords = g_strdupv (faq->keywords);
      g_ptr_array_add (data->topics, topic);
    }
}

GPtrArray *
sp_voice_bot_topics (SpServer    *server,
                     const char  *lang,
                     guint        max,
                     GError     **error)
{
  TopicsData data = { lang ? lang : "de", max, NULL };

  g_return_val_if_fail (server != NULL, NULL);

  data.topics = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_voice_topic_free);
  if (!with_content (server, error, collect_topics, &data))
    {
      g_ptr_array_unref (data.topics);
      return NULL;
    }
  return data.topics;
}

static void
note_asked (const char *faq_id)
{
  guint n;

  g_mutex_lock (&content_lock);
  if (asked == NULL)
    asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Bounded by the number of FAQ entries ever answered. */
  n = GPOINTER_TO_UINT (g_hash_table_lookup (asked, faq_id));
  g_hash_table_replace (asked, g_strdup (faq_id), GUINT_TO_POINTER (n + 1));
  g_mutex_unlock (&content_lock);
}

/* Text without links, for speaking. */
static char *
strip_links (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text ? text : "", " \t\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0' ||
          g_str_has_prefix (words[i], "http://") || g_str_has_prefix (words[i], "https://") ||
          g_str_has_prefix (words[i], "www."))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  const char       *id;
  SpVoiceBotAnswer *answer;
} FaqData;

static void
find_faq (VoiceContent *content,
          gpointer      user_data)
{
  FaqData *data = user_data;
  VoiceFaq *faq = g_hash_table_lookup (content->by_id, data->id);

  if (faq == NULL)
    return;
  data->answer = g_new0 (SpVoiceBotAnswer, 1);
  data->answer->faq_id = g_strdup (faq->id);
  data->answer->question = g_strdup (faq->question);
  data->answer->text = *faq->answer_short != '\0' ? g_strdup (faq->answer_short)
                                                  : strip_links (faq->answer);
  data->answer->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_voice_topic_free);
}

SpVoiceBotAnswer *
sp_voice_bot_answer_faq (SpServer    *server,
                         const char  *faq_id,
                         const char  *lang,
                         GError     **error)
{
  FaqData data = { faq_id, NULL };

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (faq_id != NULL, NULL);

  if (!with_content (server, error, find_faq, &data))
    return NULL;
  if (data.answer == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, "No published FAQ entry %s", faq_id);
      return NULL;
    }

  sp_bot_kpi_count (server, "voice", SP_BOT_EVENT_INTERACTION);
  sp_bot_kpi_count (server, "voice", SP_BOT_EVENT_ANSWERED);
  note_asked (faq_id);
  return data.answer;
}

SpVoiceBotAnswer *
sp_voice_bot_ask (SpServer    *server,
                  const char  *question,
                  const char  *lang,
                  GError     **error)
{
  SpBotAnswer reply = { 0 };
  SpVoiceBotAnswer *answer;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (question != NULL, NULL);

  if (!sp_bot_answer (server, question, lang, "voice", &reply))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_STORAGE, "The bot has no index");
      return NULL;
    }

  answer = g_new0 (SpVoiceBotAnswer, 1);
  /* Answers and small talk are spoken as the bot wrote them for the voice
   * channel; its "not understood, reply yes" texts are for the chat: the
   * voice route says that with its own keypad words. */
  if (reply.kind == SP_BOT_KIND_ANSWER || reply.kind == SP_BOT_KIND_SMALLTALK)
    answer->text = strip_links (reply.answer);
  answer->faq_id = g_strdup (reply.faq_id);
  answer->question = g_strdup (question);
  answer->handoff_requested = reply.kind == SP_BOT_KIND_HANDOFF;
  answer->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_voice_topic_free);
  for (guint i = 0; reply.suggestions != NULL && i < reply.suggestions->len; i++)
    {
      SpBotSuggestion *s = g_ptr_array_index (reply.suggestions, i);
      SpVoiceTopic *topic;

      /* Only FAQ entries can be picked by key (services have no spoken
       * answer of their own). */
      if (s->faq_id == NULL || s->question == NULL || g_strcmp0 (s->faq_id, reply.faq_id) == 0)
        continue;
      topic = g_new0 (SpVoiceTopic, 1);
      topic->id = g_strdup (s->faq_id);
      topic->question = g_strdup (s->question);
      g_ptr_array_add (answer->suggestions, topic);
    }
  if (reply.faq_id != NULL)
    note_asked (reply.faq_id);
  sp_bot_answer_clear (&reply);

  return answer;
}

gboolean
sp_voice_bot_status (SpServer          *server,
                     SpVoiceBotStatus  *status,
                     GError           **error)
{
  g_autofree char *hours = NULL;

  g_return_val_if_fail (server != NULL, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  status->office_open = sp_bot_office_open (server, NULL, &status->hotline);
  hours = sp_storage_bot_setting (sp_server_get_storage (server), "callback_hours");
  status->callback_hours = g_strdup (hours != NULL && *hours != '\0' ? hours : "24");
  return TRUE;
}

void
sp_voice_bot_status_clear (SpVoiceBotStatus *status)
{
  g_clear_pointer (&status->hotline, g_free);
  g_clear_pointer (&status->callback_hours, g_free);
}

void
sp_voice_bot_count (SpServer        *server,
                    SpVoiceBotCount  what)
{
  g_return_if_fail (server != NULL);

  sp_bot_kpi_count (server, "voice",
                    what == SP_VOICE_BOT_COUNT_HANDOFF ? SP_BOT_EVENT_HANDOFF
                                                       : SP_BOT_EVENT_CALLBACK);
}

gboolean
sp_voice_bot_store_callback (SpServer    *server,
                             const char  *question,
                             const char  *number,
                             const char  *lang,
                             char       **hours,
                             GError     **error)
{
  g_autofree char *contact = NULL;
  g_autofree char *id = NULL;
  g_autofree char *setting = NULL;

  g_return_val_if_fail (server != NULL, FALSE);
  g_return_val_if_fail (number != NULL, FALSE);

  contact = g_strconcat ("tel:", number, NULL);
  /* Stored, counted and shown in the staff inbox by the hand-off route. */
  id = sp_handoff_request_callback (server, "voice", lang ? lang : "de", question, contact, error);
  if (id == NULL)
    return FALSE;

  if (hours != NULL)
    {
      setting = sp_storage_bot_setting (sp_server_get_storage (server), "callback_hours");
      *hours = g_strdup (setting != NULL && *setting != '\0' ? setting : "24");
    }
  return TRUE;
}
