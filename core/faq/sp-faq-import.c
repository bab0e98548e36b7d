/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-faq-import"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sp-faq-import.h"

#include "sp-change.h"
#include "sp-entity.h"
#include "sp-error.h"
#include "sp-json-util.h"
#include "sp-uuid.h"

#define SHORT_MAX        300
#define FILE_ID_MAX      200
#define DLDB_MAX_PLACES  5

char *
sp_faq_import_id (const char *file_id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (file_id != NULL, NULL);

  if (g_uuid_string_is_valid (file_id))
    return g_ascii_strdown (file_id, -1);

  name = g_strconcat ("faq:", file_id, NULL);
  return sp_uuid_name_based (name);
}

/* -- short answers ---------------------------------------------------------- */

static gboolean
is_link_word (const char *word)
{
  return g_str_has_prefix (word, "http://") || g_str_has_prefix (word, "https://") ||
         g_str_has_prefix (word, "www.") || strchr (word, '@') != NULL;
}

/* Abbreviations whose dot does not end a sentence. */
static gboolean
is_abbreviation (const char *word,
                 gsize       len)
{
  static const char * const abbrevs[] = {
    "z.", "B.", "z.B.", "ca.", "bzw.", "ggf.", "u.", "a.", "d.", "h.", "Nr.", "Str.",
    "Tel.", "inkl.", "evtl.", "usw.", "etc.", "vgl.", "Mo.", "Di.", "Mi.", "Do.", "Fr.",
    "Sa.", "So.", "Abs.", "S.", "e.V.", "Dr.", "i.d.R.", "u.a.", "z.T.", "max.", "min.",
    "e.g.", "i.e.", "approx.", "No.", NULL,
  };

  for (guint i = 0; abbrevs[i] != NULL; i++)
    if (strlen (abbrevs[i]) == len && strncmp (abbrevs[i], word, len) == 0)
      return TRUE;
  /* "1." "20." (dates, ordinals) */
  return len >= 2 && g_ascii_isdigit (word[0]);
}

char *
sp_faq_answer_short (const char *answer)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) clean = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  g_return_val_if_fail (answer != NULL, NULL);

  /* Words without links; whitespace collapsed; "()" and ":" left dangling
   * by a removed link dropped. */
  words = g_strsplit_set (answer, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];

      if (*w == '\0')
        continue;
      if (is_link_word (w) || ((w[0] == '(' || w[0] == '<') && is_link_word (w + 1)))
        {
          /* Keep a sentence end that was glued to the link. */
          gsize l = strlen (w);

          if (l > 0 && (w[l - 1] == '.' || w[l - 1] == '!' || w[l - 1] == '?') && clean->len > 0)
            {
              while (clean->len > 0 && (clean->str[clean->len - 1] == ':' ||
                                        clean->str[clean->len - 1] == ' '))
                g_string_truncate (clean, clean->len - 1);
              g_string_append_c (clean, '.');
            }
          continue;
        }
      if (clean->len > 0)
        g_string_append_c (clean, ' ');
      g_string_append (clean, w);
    }
  while (clean->len > 0 && (clean->str[clean->len - 1] == ':' || clean->str[clean->len - 1] == ' '))
    g_string_truncate (clean, clean->len - 1);

  /* Sentences: end at . ! ? followed by a space (or the end). */
  for (gsize i = 0; i < clean->len; i++)
    {
      char c = clean->str[i];

      if ((c == '.' || c == '!' || c == '?') &&
          (i + 1 == clean->len || clean->str[i + 1] == ' '))
        {
          gsize w = i;

          while (w > start && clean->str[w - 1] != ' ')
            w--;
          if (c == '.' && i + 1 < clean->len && is_abbreviation (clean->str + w, i + 1 - w))
            continue;
          g_ptr_array_add (sentences, g_strndup (clean->str + start, i + 1 - start));
          start = i + 2;
        }
    }
  if (start < clean->len)
    g_ptr_array_add (sentences, g_strdup (clean->str + start));

  for (guint i = 0; i < sentences->len; i++)
    {
      const char *s = g_strstrip ((char *) g_ptr_array_index (sentences, i));
      gsize extra = strlen (s) + (out->len > 0 ? 1 : 0);

      if (*s == '\0')
        continue;
      if (out->len + extra > SHORT_MAX)
        {
          if (out->len == 0)
            {
              /* One long sentence: cut at a word. */
              gsize cut = SHORT_MAX - strlen ("…");

              while (cut > 0 && s[cut] != ' ')
                cut--;
              if (cut == 0)
                cut = SHORT_MAX - strlen ("…");
              g_string_append_len (out, s, cut);
              while (out->len > 0 && !g_utf8_validate (out->str, out->len, NULL))
                g_string_truncate (out, out->len - 1);
              while (out->len > 0 && strchr (" ,;:-", out->str[out->len - 1]))
                g_string_truncate (out, out->len - 1);
              g_string_append (out, "…");
            }
          break;
        }
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, s);
      /* Spoken answers stay short: two sentences are plenty. */
      if (i >= 1)
        break;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* -- FAQ file ---------------------------------------------------------------- */

static const char * const faq_members[] = {
  "id", "question", "answer", "alternatives", "keywords", "answer_short",
  "service_id", "leika", "office", "language", "valid_until", NULL,
};

static JsonNode *
string_node (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, s ? s : "");
  return node;
}

static JsonNode *
strv_node (GPtrArray *items)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (items, i));
  json_node_take_array (node, array);
  return node;
}

static gboolean
is_date (const char *s)
{
  int y, m, d;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  if (sscanf (s, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return FALSE;
  return g_date_valid_dmy (d, m, y);
}

/* A string member, trimmed; required ones must not be empty. */
static gboolean
get_text (JsonObject  *o,
          const char  *name,
          gboolean     required,
          char       **out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (o, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: missing", name);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected a string", name);
      return FALSE;
    }
  *out = g_strstrip (g_strdup (json_node_get_string (node)));
  if (required && **out == '\0')
    {
      g_clear_pointer (out, g_free);
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: must not be empty", name);
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
get_strings (JsonObject  *o,
             const char  *name,
             GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  JsonNode *node = json_object_get_member (o, name);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&items);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: expected an array of strings", name);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *s = NULL;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s[%u]: expected a string", name, i);
          return NULL;
        }
      s = g_strstrip (g_strdup (json_node_get_string (item)));
      if (*s == '\0')
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s[%u]: must not be empty", name, i);
          return NULL;
        }
      g_ptr_array_add (items, g_steal_pointer (&s));
    }
  return g_steal_pointer (&items);
}

static SpChange *
faq_entry_to_change (JsonNode  *node,
                     GError   **error)
{
  const SpEntity *entity = sp_entity_lookup (SP_ENTITY_FAQ);
  g_autoptr(SpChange) change = sp_change_new ();
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) valid = NULL;
  g_autofree char *id = NULL, *question = NULL, *answer = NULL, *answer_short = NULL;
  g_autofree char *service_id = NULL, *leika = NULL, *office = NULL, *language = NULL;
  g_autofree char *valid_until = NULL;
  g_autoptr(GPtrArray) alternatives = NULL;
  g_autoptr(GPtrArray) keywords = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *o;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "expected an object");
      return NULL;
    }
  o = json_node_get_object (node);

  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (faq_members, l->data))
      {
        g_set_error (error, SP_ERROR, SP_ERROR_UNKNOWN_FIELD, "%s: unknown member",
                     (const char *) l->data);
        return NULL;
      }

  if (!get_text (o, "id", TRUE, &id, error) ||
      !get_text (o, "question", TRUE, &question, error) ||
      !get_text (o, "answer", TRUE, &answer, error) ||
      !get_text (o, "answer_short", FALSE, &answer_short, error) ||
      !get_text (o, "service_id", FALSE, &service_id, error) ||
      !get_text (o, "leika", FALSE, &leika, error) ||
      !get_text (o, "office", FALSE, &office, error) ||
      !get_text (o, "language", FALSE, &language, error) ||
      !get_text (o, "valid_until", FALSE, &valid_until, error))
    return NULL;
  if (strlen (id) > FILE_ID_MAX)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "id: longer than %d bytes", FILE_ID_MAX);
      return NULL;
    }
  if (!(alternatives = get_strings (o, "alternatives", error)) ||
      !(keywords = get_strings (o, "keywords", error)))
    return NULL;
  if (language != NULL && *language != '\0' &&
      strcmp (language, "de") != 0 && strcmp (language, "en") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "language: expected “de” or “en”");
      return NULL;
    }
  if (valid_until != NULL && *valid_until != '\0' && !is_date (valid_until))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "valid_until: expected a date YYYY-MM-DD");
      return NULL;
    }
  if (service_id != NULL && *service_id != '\0' && !sp_id_is_valid (service_id))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "service_id: not a row id");
      return NULL;
    }
  if (answer_short == NULL || *answer_short == '\0')
    {
      g_free (answer_short);
      answer_short = sp_faq_answer_short (answer);
    }

  json_object_set_member (fields, "question", string_node (question));
  json_object_set_member (fields, "alternatives", strv_node (alternatives));
  json_object_set_member (fields, "answer_short", string_node (answer_short));
  json_object_set_member (fields, "answer", string_node (answer));
  json_object_set_member (fields, "keywords", strv_node (keywords));
  json_object_set_member (fields, "service_id", string_node (service_id));
  json_object_set_member (fields, "leika", string_node (leika));
  json_object_set_member (fields, "office", string_node (office));
  json_object_set_member (fields, "language",
                          string_node (language && *language ? language : "de"));
  json_object_set_member (fields, "status", string_node ("published"));
  json_object_set_member (fields, "valid_until", string_node (valid_until));

  /* Sizes and types of the registry. */
  if (!(valid = sp_change_validate_fields (entity, fields, error)))
    return NULL;

  change->entity = g_strdup (SP_ENTITY_FAQ);
  change->id = sp_faq_import_id (id);
  change->op = SP_OP_UPSERT;
  json_object_unref (change->fields);
  change->fields = g_steal_pointer (&valid);

  return g_steal_pointer (&change);
}

GPtrArray *
sp_faq_import_parse_node (JsonNode  *root,
                          GError   **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array;

  g_return_val_if_fail (root != NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "expected a JSON array of FAQ entries");
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *file_id = sp_json_get_string (o, "id");
      g_autoptr(GError) local_error = NULL;
      SpChange *change;

      if (!(change = faq_entry_to_change (node, &local_error)))
        {
          if (file_id != NULL)
            g_set_error (error, SP_ERROR, local_error->code, "entry %u (“%s”): %s",
                         i, file_id, local_error->message);
          else
            g_set_error (error, SP_ERROR, local_error->code, "entry %u: %s",
                         i, local_error->message);
          return NULL;
        }
      g_ptr_array_add (changes, change);
      if (!g_hash_table_add (seen, g_strdup (change->id)))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "entry %u (“%s”): id: used by an earlier entry", i, file_id);
          return NULL;
        }
    }

  return g_steal_pointer (&changes);
}

GPtrArray *
sp_faq_import_parse (const char  *data,
                     gsize        len,
                     GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "the file is not valid UTF-8");
      return NULL;
    }
  if (!(root = sp_json_parse (data, (gssize) len, error)))
    return NULL;
  return sp_faq_import_parse_node (root, error);
}

/* -- DLDB export ------------------------------------------------------------- */

static JsonArray *
load_dldb_data (const char  *dir,
                const char  *name,
                gboolean     required,
                JsonNode   **root_out,
                GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *member;
  gsize len = 0;

  *root_out = NULL;
  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      if (!required && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }
  if (!(root = sp_json_parse (data, (gssize) len, &local_error)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: %s", name, local_error->message);
      return NULL;
    }
  *root_out = root;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !(member = json_object_get_member (json_node_get_object (root), "data")) ||
      !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   "%s: expected an object with a “data” array (a DLDB export)", name);
      return NULL;
    }
  return json_node_get_array (member);
}

/* A member that is a string or a number, as text; NULL otherwise. */
static char *
id_text (JsonObject *o,
         const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return *json_node_get_string (node) ? g_strdup (json_node_get_string (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static JsonObject *
object_member (JsonObject *o,
               const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Adds @s to @list unless present (keeps the order). */
static void
add_unique (GPtrArray  *list,
            const char *s)
{
  if (s == NULL || *s == '\0')
    return;
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), s) == 0)
      return;
  g_ptr_array_add (list, g_strdup (s));
}

/* "a, b und c" within @max bytes; the rest counted as "und N weitere". */
static char *
join_limited (GPtrArray *items,
              gsize      max)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *s = g_ptr_array_index (items, i);
      g_autofree char *rest = g_strdup_printf (" und %u weitere", items->len - i);

      if (out->len + strlen (s) + 2 + strlen (rest) > max && i > 0)
        {
          g_string_append (out, rest);
          break;
        }
      if (i > 0)
        g_string_append (out, i + 1 == items->len ? " und " : ", ");
      g_string_append (out, s);
    }
  if (out->len > max)
    {
      g_string_truncate (out, max);
      while (out->len > 0 && !g_utf8_validate (out->str, out->len, NULL))
        g_string_truncate (out, out->len - 1);
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  char *name;
  char *address;       /* "Straße 1, 10115 Berlin" or NULL */
  char *authority;
  char *hours;         /* opening hours text when the export has them */
} DldbLocation;

static void
dldb_location_free (DldbLocation *l)
{
  g_free (l->name);
  g_free (l->address);
  g_free (l->authority);
  g_free (l->hours);
  g_free (l);
}

static char *
location_address (JsonObject *address)
{
  const char *street = sp_json_get_string (address, "street");
  const char *number = sp_json_get_string (address, "house_number");
  const char *postal = sp_json_get_string (address, "postal_code");
  const char *city = sp_json_get_string (address, "city");
  GString *out = g_string_new (NULL);

  if (street && *street)
    g_string_append_printf (out, "%s%s%s", street, number && *number ? " " : "",
                            number ? number : "");
  if ((postal && *postal) || (city && *city))
    g_string_append_printf (out, "%s%s%s%s", out->len ? ", " : "",
                            postal ? postal : "", postal && *postal && city ? " " : "",
                            city ? city : "");
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* Opening hours, if a (newer) export carries them: a string member
 * "opening_hours"/"hours", or "opening_times" as an object of day -> text. */
static char *
location_hours (JsonObject *loc)
{
  const char *text = sp_json_get_string (loc, "opening_hours");
  JsonObject *times;

  if (text == NULL)
    text = sp_json_get_string (loc, "hours");
  if (text != NULL && *text)
    return g_strdup (text);
  if ((times = object_member (loc, "opening_times")) != NULL)
    {
      GString *out = g_string_new (NULL);
      g_autoptr(GList) days = json_object_get_members (times);

      for (GList *l = days; l != NULL; l = l->next)
        {
          const char *v = sp_json_get_string (times, l->data);

          if (v == NULL || *v == '\0')
            continue;
          g_string_append_printf (out, "%s%s: %s", out->len ? "; " : "",
                                  (const char *) l->data, v);
        }
      if (out->len > 0)
        return g_string_free (out, FALSE);
      g_string_free (out, TRUE);
    }
  return NULL;
}

static void
collect_topics (GHashTable *parents,      /* topic id -> parent id */
                GHashTable *topic_names,  /* topic id -> name */
                const char *topic,
                GPtrArray  *out)
{
  /* Walk up to the root; the depth bound guards against cycles. */
  for (guint depth = 0; topic != NULL && depth < 8; depth++)
    {
      add_unique (out, g_hash_table_lookup (topic_names, topic));
      topic = g_hash_table_lookup (parents, topic);
    }
}

GPtrArray *
sp_faq_import_dldb (const char  *dir,
                    guint       *n_services,
                    GError     **error)
{
  g_autoptr(JsonNode) services_root = NULL, topics_root = NULL;
  g_autoptr(JsonNode) locations_root = NULL, authorities_root = NULL;
  g_autoptr(GHashTable) locations = NULL;
  g_autoptr(GHashTable) authorities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) topic_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) service_topics = NULL;   /* service id -> GPtrArray of topic ids */
  g_autoptr(GPtrArray) service_changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_autoptr(GPtrArray) faq_changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  const SpEntity *service_entity = sp_entity_lookup (SP_ENTITY_SERVICE);
  const SpEntity *faq_entity = sp_entity_lookup (SP_ENTITY_FAQ);
  JsonArray *services, *topics, *locs, *auths;
  GPtrArray *all;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "%s: not a directory", dir);
      return NULL;
    }
  if (!(services = load_dldb_data (dir, "services_de.json", TRUE, &services_root, error)) ||
      !(topics = load_dldb_data (dir, "topic_de.json", TRUE, &topics_root, error)) ||
      !(locs = load_dldb_data (dir, "locations_de.json", TRUE, &locations_root, error)))
    return NULL;
  auths = load_dldb_data (dir, "authority_de.json", FALSE, &authorities_root, error);
  if (auths == NULL && error && *error)
    return NULL;

  for (guint i = 0; auths != NULL && i < json_array_get_length (auths); i++)
    {
      JsonObject *a = json_array_get_object_element (auths, i);
      char *id = id_text (a, "id");
      const char *name = sp_json_get_string (a, "name");

      if (id != NULL && name != NULL)
        g_hash_table_replace (authorities, id, g_strdup (name));
      else
        g_free (id);
    }

  locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) dldb_location_free);
  for (guint i = 0; i < json_array_get_length (locs); i++)
    {
      JsonObject *l = json_array_get_object_element (locs, i);
      char *id = id_text (l, "id");
      DldbLocation *loc;

      if (id == NULL || sp_json_get_string (l, "name") == NULL)
        {
          g_free (id);
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "locations_de.json: data[%u]: expected an object with “id” and “name”", i);
          return NULL;
        }
      loc = g_new0 (DldbLocation, 1);
      loc->name = g_strdup (sp_json_get_string (l, "name"));
      loc->address = location_address (object_member (l, "address"));
      loc->authority = g_strdup (sp_json_get_string (object_member (l, "authority"), "name"));
      loc->hours = location_hours (l);
      g_hash_table_replace (locations, id, loc);
    }

  service_topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < json_array_get_length (topics); i++)
    {
      JsonObject *t = json_array_get_object_element (topics, i);
      JsonObject *relation = object_member (t, "relation");
      JsonArray *childs = array_member (relation, "childs");
      JsonArray *listed = array_member (relation, "services");
      char *id = id_text (t, "id");

      if (id == NULL || sp_json_get_string (t, "name") == NULL)
        {
          g_free (id);
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "topic_de.json: data[%u]: expected an object with “id” and “name”", i);
          return NULL;
        }
      g_hash_table_replace (topic_names, g_strdup (id), g_strdup (sp_json_get_string (t, "name")));
      for (guint c = 0; childs != NULL && c < json_array_get_length (childs); c++)
        {
          char *child = id_text (json_array_get_object_element (childs, c), "id");

          if (child != NULL && strcmp (child, id) != 0)
            g_hash_table_replace (parents, child, g_strdup (id));
          else
            g_free (child);
        }
      for (guint s = 0; listed != NULL && s < json_array_get_length (listed); s++)
        {
          char *service = id_text (json_array_get_object_element (listed, s), "id");
          GPtrArray *list;

          if (service == NULL)
            continue;
          if (!(list = g_hash_table_lookup (service_topics, service)))
            {
              list = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (service_topics, g_strdup (service), list);
            }
          add_unique (list, id);
          g_free (service);
        }
      g_free (id);
    }

  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = json_array_get_object_element (services, i);
      g_autofree char *sid = id_text (s, "id");
      g_autofree char *name = NULL;
      const char *url = sp_json_get_string (object_member (s, "meta"), "url");
      const char *leika = sp_json_get_string (s, "leika");
      JsonArray *sauths = array_member (s, "authorities");
      JsonArray *slocs = array_member (s, "locations");
      g_autoptr(GPtrArray) offices = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) hours = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) answer = g_string_new (NULL);
      g_autoptr(GString) spoken = g_string_new (NULL);
      g_autoptr(JsonObject) sfields = json_object_new ();
      g_autoptr(JsonObject) ffields = json_object_new ();
      g_autoptr(GError) local_error = NULL;
      g_autofree char *office = NULL, *opening = NULL, *online = NULL;
      g_autofree char *service_row = NULL;
      GPtrArray *tlist;
      JsonObject *valid;
      SpChange *change;

      if (s == NULL || sid == NULL || sp_json_get_string (s, "name") == NULL ||
          *sp_json_get_string (s, "name") == '\0')
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "services_de.json: data[%u]: expected an object with “id” and “name”", i);
          return NULL;
        }
      name = g_strstrip (g_strdup (sp_json_get_string (s, "name")));
      service_row = g_strdup_printf ("dldb.service.%s", sid);
      if (!sp_id_is_valid (service_row))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                       "services_de.json: data[%u]: id “%s” is not usable as a row id", i, sid);
          return NULL;
        }

      for (guint a = 0; sauths != NULL && a < json_array_get_length (sauths); a++)
        {
          JsonObject *ao = json_array_get_object_element (sauths, a);
          g_autofree char *aid = id_text (ao, "id");
          const char *aname = sp_json_get_string (ao, "name");

          if (aname == NULL && aid != NULL)
            aname = g_hash_table_lookup (authorities, aid);
          add_unique (offices, aname);
        }
      for (guint l = 0; slocs != NULL && l < json_array_get_length (slocs); l++)
        {
          g_autofree char *lid = id_text (json_array_get_object_element (slocs, l), "location");
          DldbLocation *loc = lid ? g_hash_table_lookup (locations, lid) : NULL;
          g_autofree char *place = NULL;

          if (loc == NULL)
            continue;
          if (offices->len == 0 || l == 0)
            add_unique (offices, loc->authority);
          place = loc->address ? g_strdup_printf ("%s, %s", loc->name, loc->address)
                               : g_strdup (loc->name);
          add_unique (places, place);
          if (loc->hours != NULL)
            {
              g_autofree char *h = g_strdup_printf ("%s: %s", loc->name, loc->hours);

              add_unique (hours, h);
            }
        }

      /* Topics listing the service, with their parents; the root topic. */
      if ((tlist = g_hash_table_lookup (service_topics, sid)) != NULL)
        for (guint t = 0; t < tlist->len; t++)
          collect_topics (parents, topic_names, g_ptr_array_index (tlist, t), keywords);
      {
        g_autofree char *root_topic = id_text (object_member (s, "relation"), "root_topic");

        if (root_topic != NULL)
          collect_topics (parents, topic_names, root_topic, keywords);
      }
      while (keywords->len > 20)
        g_ptr_array_remove_index (keywords, keywords->len - 1);
      for (guint k = 0; k < keywords->len; k++)
        if (strlen (g_ptr_array_index (keywords, k)) > 100)
          ((char *) g_ptr_array_index (keywords, k))[100] = '\0';

      office = join_limited (offices, 500);
      opening = join_limited (hours, 2000);
      online = url && *url ? g_strdup (url)
                           : g_strdup_printf ("https://service.berlin.de/dienstleistung/%s/", sid);

      /* The service row. */
      json_object_set_member (sfields, "name", string_node (name));
      json_object_set_member (sfields, "leika", string_node (leika));
      json_object_set_member (sfields, "description", string_node (""));
      json_object_set_member (sfields, "documents", strv_node (NULL));
      json_object_set_member (sfields, "fees", string_node (""));
      json_object_set_member (sfields, "office", string_node (office));
      json_object_set_member (sfields, "opening_hours", string_node (opening));
      json_object_set_member (sfields, "online_url", string_node (online));
      json_object_set_member (sfields, "status", string_node ("published"));
      if (!(valid = sp_change_validate_fields (service_entity, sfields, &local_error)))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "services_de.json: data[%u] (%s): %s",
                       i, sid, local_error->message);
          return NULL;
        }
      change = sp_change_new_upsert (SP_ENTITY_SERVICE, g_strdup (service_row));
      json_object_unref (change->fields);
      change->fields = valid;
      g_ptr_array_add (service_changes, change);

      /* The FAQ row: where to go, and the link. */
      g_string_append_printf (answer, "%s.", name);
      g_string_append_printf (spoken, "%s.", name);
      if (offices->len > 0)
        {
          g_autofree char *who = join_limited (offices, 400);

          g_string_append_printf (answer, "\nZuständig: %s.", who);
          g_string_append_printf (spoken, " Zuständig ist %s%s.",
                                  (const char *) g_ptr_array_index (offices, 0),
                                  offices->len > 1 ? " oder eine weitere Stelle" : "");
        }
      if (places->len > 0)
        {
          g_string_append (answer, "\nStandorte: ");
          for (guint p = 0; p < places->len && p < DLDB_MAX_PLACES; p++)
            g_string_append_printf (answer, "%s%s", p ? "; " : "",
                                    (const char *) g_ptr_array_index (places, p));
          if (places->len > DLDB_MAX_PLACES)
            g_string_append_printf (answer, " und %u weitere", places->len - DLDB_MAX_PLACES);
          g_string_append_c (answer, '.');
        }
      if (opening != NULL && *opening)
        g_string_append_printf (answer, "\nÖffnungszeiten: %s", opening);
      g_string_append_printf (answer, "\nMehr Informationen und Termine: %s", online);
      g_string_append (spoken, " Alle Einzelheiten und Termine finden Sie im Service-Portal der Stadt.");

      json_object_set_member (ffields, "question", string_node (name));
      json_object_set_member (ffields, "alternatives", strv_node (NULL));
      json_object_set_member (ffields, "answer_short", string_node (spoken->str));
      json_object_set_member (ffields, "answer", string_node (answer->str));
      json_object_set_member (ffields, "keywords", strv_node (keywords));
      json_object_set_member (ffields, "service_id", string_node (service_row));
      json_object_set_member (ffields, "leika", string_node (leika));
      json_object_set_member (ffields, "office", string_node (office));
      json_object_set_member (ffields, "language", string_node ("de"));
      json_object_set_member (ffields, "status", string_node ("published"));
      json_object_set_member (ffields, "valid_until", string_node (""));
      if (spoken->len > 1000)
        json_object_set_member (ffields, "answer_short", string_node (name));
      if (!(valid = sp_change_validate_fields (faq_entity, ffields, &local_error)))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID, "services_de.json: data[%u] (%s): %s",
                       i, sid, local_error->message);
          return NULL;
        }
      change = sp_change_new_upsert (SP_ENTITY_FAQ, g_strdup_printf ("dldb.faq.%s", sid));
      json_object_unref (change->fields);
      change->fields = valid;
      g_ptr_array_add (faq_changes, change);
    }

  if (n_services)
    *n_services = service_changes->len;

  /* Services first: the FAQ rows refer to them. */
  all = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_change_free);
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&service_changes));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&faq_changes));
  return all;
}
