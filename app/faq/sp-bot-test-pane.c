/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bot-test-pane"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sp-entity.h"
#include "sp-json-util.h"
#include "faq/sp-matcher.h"
#include "sp-bot-test-pane.h"
#include "sp-city-time.h"

#define SP_ENTITY_FAQ    "faq"
#define MAX_MATCHES      5
/* Rows change in bursts (a sync page, an import): build once after them. */
#define REBUILD_DELAY_MS 300

/* What the pane shows of an indexed document. */
typedef struct
{
  char     *title;
  gboolean  is_faq;
  gboolean  draft;
  gboolean  expired;
} DocInfo;

static void
doc_info_free (DocInfo *info)
{
  g_free (info->title);
  g_free (info);
}

/* One document for the worker thread (owns its strings). */
typedef struct
{
  char  *id;
  char  *title;
  GStrv  alternatives;
  GStrv  keywords;
  char  *extra;
  char  *lang;
} Doc;

static void
doc_free (Doc *doc)
{
  g_free (doc->id);
  g_free (doc->title);
  g_strfreev (doc->alternatives);
  g_strfreev (doc->keywords);
  g_free (doc->extra);
  g_free (doc->lang);
  g_free (doc);
}

typedef struct
{
  GPtrArray  *docs;   /* Doc */
  GHashTable *info;   /* id -> DocInfo */
  guint       generation;
} Build;

static void
build_free (Build *build)
{
  g_ptr_array_unref (build->docs);
  g_hash_table_unref (build->info);
  g_free (build);
}

struct _SpBotTestPane
{
  AdwBin          parent_instance;

  SpLocalStore   *store;
  gulong          changed_handler;
  guint           rebuild_source;
  guint           generation;     /* of the newest build started */
  gboolean        building;
  GCancellable   *cancellable;

  SpMatcher      *matcher;        /* NULL until the first build is done */
  GHashTable     *info;           /* id -> DocInfo, with the matcher */

  GtkSearchEntry *question_entry;
  GtkLabel       *index_label;
  GtkLabel       *verdict_label;
  GtkListBox     *results;
};

G_DEFINE_FINAL_TYPE (SpBotTestPane, sp_bot_test_pane, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  FAQ_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_rebuild (SpBotTestPane *self);

/* Reading the rows (main thread: the store's connection stays here) */

static gboolean
is_expired (const char *valid_until,
            const char *today)
{
  return valid_until != NULL && *valid_until != '\0' && g_strcmp0 (valid_until, today) < 0;
}

static void
read_entity (SpBotTestPane *self,
             const char    *entity_name,
             const char    *today,
             Build         *build)
{
  const SpEntity *entity = sp_entity_lookup (entity_name);
  g_autofree char *sql = sp_db_select_sql (entity, "WHERE deleted = 0");
  g_autoptr(GError) error = NULL;
  gboolean is_faq = g_str_equal (entity_name, SP_ENTITY_FAQ);
  sqlite3_stmt *stmt;

  stmt = sp_db_prepare (sp_local_store_get_db (self->store), sql, &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read %s rows for the bot test: %s", entity_name, error->message);
      return;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(SpDbRow) row = sp_db_row_from_stmt (entity, stmt);
      JsonObject *f = row->fields;
      const char *title = sp_json_get_string_or (f, is_faq ? "question" : "name", "");
      Doc *doc;
      DocInfo *info;

      if (*title == '\0')
        continue;

      doc = g_new0 (Doc, 1);
      doc->id = g_strdup (row->id);
      doc->title = g_strdup (title);
      doc->lang = g_strdup (is_faq ? sp_json_get_string_or (f, "language", "de") : "de");
      if (is_faq)
        {
          doc->alternatives = sp_json_get_strv (f, "alternatives");
          doc->keywords = sp_json_get_strv (f, "keywords");
          doc->extra = g_strdup (sp_json_get_string_or (f, "office", ""));
        }
      else
        {
          doc->extra = g_strjoin (" ", sp_json_get_string_or (f, "office", ""),
                                  sp_json_get_string_or (f, "description", ""), NULL);
        }
      g_ptr_array_add (build->docs, doc);

      info = g_new0 (DocInfo, 1);
      info->title = g_strdup (title);
      info->is_faq = is_faq;
      info->draft = g_strcmp0 (sp_json_get_string (f, "status"), "published") != 0;
      info->expired = is_faq && is_expired (sp_json_get_string (f, "valid_until"), today);
      g_hash_table_replace (build->info, g_strdup (row->id), info);
    }
  sqlite3_reset (stmt);
}

/* Building the index (worker thread) */

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Build *build = task_data;
  GError *error = NULL;
  SpLexicon *lexicon;
  SpMatcher *matcher;

  /* Loaded once per process (a few seconds: dictionaries), then shared. */
  lexicon = sp_lexicon_get_default (&error);
  if (lexicon == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  matcher = sp_matcher_new (lexicon);
  for (guint i = 0; i < build->docs->len; i++)
    {
      Doc *d = g_ptr_array_index (build->docs, i);
      SpMatchDoc doc = {
        .id = d->id,
        .title = d->title,
        .alternatives = (const char * const *) d->alternatives,
        .keywords = (const char * const *) d->keywords,
        .extra = d->extra,
        .lang = d->lang,
      };

      sp_matcher_add (matcher, &doc);
    }
  sp_matcher_build (matcher);
  g_task_return_pointer (task, matcher, (GDestroyNotify) sp_matcher_free);
}

/* Asking */

static void
clear_results (SpBotTestPane *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results))) != NULL)
    gtk_list_box_remove (self->results, child);
  gtk_widget_set_visible (GTK_WIDGET (self->results), FALSE);
}

static GtkWidget *
result_row (DocInfo       *info,
            const char    *id,
            const SpMatch *match)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (info->title);
  GtkWidget *meta = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *kind, *score, *bar;
  int percent = (int) lround (CLAMP (match->confidence, 0.0, 1.0) * 100.0);
  g_autofree char *percent_text = g_strdup_printf (_("%d %%"), percent);
  g_autofree char *score_text = g_strdup_printf (_("Score %.1f"), match->score);
  g_autofree char *kind_text = NULL;
  g_autofree char *accessible = NULL;

  if (info->is_faq)
    kind_text = g_strdup (info->expired ? _("FAQ, expired")
                          : info->draft ? _("FAQ, draft") : _("FAQ"));
  else
    kind_text = g_strdup (info->draft ? _("Service, draft") : _("Service"));

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (box), title);

  kind = gtk_label_new (kind_text);
  gtk_widget_add_css_class (kind, "caption");
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_box_append (GTK_BOX (meta), kind);
  score = gtk_label_new (score_text);
  gtk_widget_add_css_class (score, "caption");
  gtk_widget_add_css_class (score, "dim-label");
  gtk_widget_set_hexpand (score, TRUE);
  gtk_label_set_xalign (GTK_LABEL (score), 1);
  gtk_box_append (GTK_BOX (meta), score);
  gtk_box_append (GTK_BOX (box), meta);

  bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), percent / 100.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), percent_text);
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confidence"), -1);
  gtk_box_append (GTK_BOX (box), bar);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), info->is_faq);
  if (info->is_faq)
    gtk_widget_set_tooltip_text (row, _("Open this entry"));

  /* One sentence for screen readers (and the UI tests). */
  accessible = g_strdup_printf (_("%s (%s), confidence %d %%"), info->title, kind_text, percent);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (row), "faq-id", info->is_faq ? g_strdup (id) : NULL, g_free);
  return row;
}

static void
set_verdict (SpBotTestPane *self,
             const char    *text,
             const char    *style)
{
  gtk_label_set_text (self->verdict_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "warning");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), style);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), text != NULL && *text != '\0');
}

static void
ask (SpBotTestPane *self)
{
  g_autofree char *question = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->question_entry))));
  g_autoptr(GArray) matches = NULL;
  g_autofree char *verdict = NULL;
  int threshold = (int) lround (sp_matcher_threshold () * 100.0);

  clear_results (self);
  if (*question == '\0')
    {
      set_verdict (self, NULL, NULL);
      return;
    }
  if (self->matcher == NULL)
    {
      set_verdict (self, _("The bot is still reading the entries…"), NULL);
      return;
    }

  matches = sp_matcher_query (self->matcher, question, MAX_MATCHES);
  for (guint i = 0; i < matches->len; i++)
    {
      const SpMatch *match = &g_array_index (matches, SpMatch, i);
      DocInfo *info = g_hash_table_lookup (self->info, match->id);

      if (info != NULL)
        gtk_list_box_append (self->results, result_row (info, match->id, match));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results), gtk_widget_get_first_child (GTK_WIDGET (self->results)) != NULL);

  if (matches->len > 0 && g_array_index (matches, SpMatch, 0).confidence >= sp_matcher_threshold ())
    {
      const SpMatch *top = &g_array_index (matches, SpMatch, 0);
      DocInfo *info = g_hash_table_lookup (self->info, top->id);
      int percent = (int) lround (top->confidence * 100.0);

      if (info != NULL && info->is_faq && (info->draft || info->expired))
        verdict = g_strdup_printf (info->expired
                                   ? _("The best answer, “%s” (%d %%), has expired: the bot does not use it.")
                                   : _("The best answer, “%s” (%d %%), is a draft: publish it so that the bot uses it."),
                                   info->title, percent);
      else
        verdict = g_strdup_printf (_("The bot answers with “%s” (confidence %d %%)."),
                                   info ? info->title : top->id, percent);
      set_verdict (self, verdict, "success");
    }
  else
    {
      int best = matches->len > 0 ? (int) lround (g_array_index (matches, SpMatch, 0).confidence * 100.0) : 0;

      verdict = g_strdup_printf (_("The bot would say that it does not know (best confidence %d %%, it answers from %d %%)."),
                                 best, threshold);
      set_verdict (self, verdict, "warning");
    }
}

static void
on_question_changed (SpBotTestPane *self)
{
  /* GtkSearchEntry debounces ::search-changed (150 ms). */
  ask (self);
}

static void
on_question_activate (SpBotTestPane *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->results, 0);

  if (first != NULL && gtk_list_box_row_get_activatable (first))
    g_signal_emit (self, signals[FAQ_ACTIVATED], 0, g_object_get_data (G_OBJECT (first), "faq-id"));
}

static void
on_result_activated (SpBotTestPane *self,
                     GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "faq-id");

  if (id != NULL)
    g_signal_emit (self, signals[FAQ_ACTIVATED], 0, id);
}

/* Index life cycle */

static void
update_index_label (SpBotTestPane *self,
                    const char    *error_message)
{
  g_autofree char *text = NULL;

  if (error_message != NULL)
    text = g_strdup_printf (_("The bot cannot be tested: %s"), error_message);
  else if (self->matcher == NULL)
    text = g_strdup (_("Preparing the language data…"));
  else
    text = g_strdup_printf (ngettext ("%u entry known to the bot", "%u entries known to the bot",
                                      sp_matcher_size (self->matcher)),
                            sp_matcher_size (self->matcher));
  gtk_label_set_text (self->index_label, text);
}

static void start_build (SpBotTestPane *self);

static void
on_build_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SpBotTestPane *self = SP_BOT_TEST_PANE (source);
  Build *build = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  SpMatcher *matcher;

  matcher = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->building = FALSE;
  if (matcher == NULL)
    {
      g_warning ("Cannot build the bot test index: %s", error->message);
      update_index_label (self, error->message);
      return;
    }

  g_clear_pointer (&self->matcher, sp_matcher_free);
  g_clear_pointer (&self->info, g_hash_table_unref);
  self->matcher = matcher;
  self->info = g_hash_table_ref (build->info);
  update_index_label (self, NULL);
  ask (self);

  /* Rows changed while building: once more with the newest rows. */
  if (build->generation != self->generation)
    start_build (self);
}

static void
start_build (SpBotTestPane *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *today = sp_city_today ();
  Build *build;

  if (self->store == NULL || self->building)
    return;

  build = g_new0 (Build, 1);
  build->docs = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_free);
  build->info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) doc_info_free);
  build->generation = self->generation;
  read_entity (self, SP_ENTITY_FAQ, today, build);
  read_entity (self, SP_ENTITY_SERVICE, today, build);

  self->building = TRUE;
  task = g_task_new (self, self->cancellable, on_build_done, NULL);
  g_task_set_source_tag (task, start_build);
  g_task_set_task_data (task, build, (GDestroyNotify) build_free);
  g_task_run_in_thread (task, build_thread);
}

static gboolean
rebuild_cb (gpointer user_data)
{
  SpBotTestPane *self = user_data;

  self->rebuild_source = 0;
  start_build (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (SpBotTestPane *self)
{
  self->generation++;
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->rebuild_source = g_timeout_add (REBUILD_DELAY_MS, rebuild_cb, self);
}

static void
on_store_changed (SpBotTestPane *self,
                  const char    *entity)
{
  if (entity == NULL || g_str_equal (entity, SP_ENTITY_FAQ) || g_str_equal (entity, SP_ENTITY_SERVICE))
    schedule_rebuild (self);
}

void
sp_bot_test_pane_set_store (SpBotTestPane *self,
                            SpLocalStore  *store)
{
  g_return_if_fail (SP_IS_BOT_TEST_PANE (self));
  g_return_if_fail (!store || SP_IS_LOCAL_STORE (store));

  if (self->store == store)
    return;

  g_clear_signal_handler (&self->changed_handler, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      self->changed_handler = g_signal_connect_object (store, "changed",
                                                       G_CALLBACK (on_store_changed), self,
                                                       G_CONNECT_SWAPPED);
      self->generation++;
      start_build (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
sp_bot_test_pane_set_question (SpBotTestPane *self,
                               const char    *text)
{
  g_return_if_fail (SP_IS_BOT_TEST_PANE (self));
  g_return_if_fail (text != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->question_entry), text);
  ask (self);
}

void
sp_bot_test_pane_focus (SpBotTestPane *self)
{
  g_return_if_fail (SP_IS_BOT_TEST_PANE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->question_entry));
}

static void
sp_bot_test_pane_dispose (GObject *object)
{
  SpBotTestPane *self = (SpBotTestPane *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_signal_handler (&self->changed_handler, self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_BOT_TEST_PANE);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->matcher, sp_matcher_free);
  g_clear_pointer (&self->info, g_hash_table_unref);

  G_OBJECT_CLASS (sp_bot_test_pane_parent_class)->dispose (object);
}

static void
sp_bot_test_pane_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SpBotTestPane *self = SP_BOT_TEST_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_bot_test_pane_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SpBotTestPane *self = SP_BOT_TEST_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sp_bot_test_pane_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_bot_test_pane_class_init (SpBotTestPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_bot_test_pane_dispose;
  object_class->get_property = sp_bot_test_pane_get_property;
  object_class->set_property = sp_bot_test_pane_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_LOCAL_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FAQ_ACTIVATED] =
    g_signal_new ("faq-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/faq/sp-bot-test-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SpBotTestPane, question_entry);
  gtk_widget_class_bind_template_child (widget_class, SpBotTestPane, index_label);
  gtk_widget_class_bind_template_child (widget_class, SpBotTestPane, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, SpBotTestPane, results);
  gtk_widget_class_bind_template_callback (widget_class, on_question_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_question_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_result_activated);
}

static void
sp_bot_test_pane_init (SpBotTestPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_index_label (self, NULL);
}

GtkWidget *
sp_bot_test_pane_new (SpLocalStore *store)
{
  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);

  return g_object_new (SP_TYPE_BOT_TEST_PANE, "store", store, NULL);
}
