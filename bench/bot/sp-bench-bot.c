/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-bench-bot"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp-bench-util.h"
#include "sp-bot-eval.h"
#include "sp-json-util.h"
#include "sp-matcher.h"

/* bench/bot: the FAQ matcher in-process over a DLDB catalogue.
 *
 *   accuracy     the labelled questions (bench/bot/questions-berlin.json)
 *                against the real catalogue (560 services) and against the
 *                real catalogue plus synthetic entries (--synthetic, 10 000)
 *   speed        queries per second and p50/p99 latency of
 *                sp_matcher_query (question, 5), one thread, the question
 *                set repeated --reps times after one untimed pass
 *
 * With --reference (the JSON of bench/bot/nlpjs/bench.js, one per
 * catalogue size) and --http-dir
 * (wrk results written by bench/bot/run-bot.sh) it prints the whole table;
 * a floor-N.json there (wrk against bench-soup-floor, a bare SoupServer
 * with a constant answer) adds the "libsoup alone" row, the upper bound of
 * any libsoup server's HTTP row.
 * --write-catalogue DIR writes DIR/entries-560.json and
 * DIR/entries-10000.json (what NLP.js trains on) and the synthetic
 * catalogue as a DLDB export DIR/dldb-10000 (for the server import), and
 * exits. */

static char *dldb_dir;
static char *questions_path;
static char **references;
static char *http_dir;
static char *json_out;
static char *write_dir;
static char *faq_path;
static char *faq_questions_path;
static int synthetic = 10000;
static int seed = 4242;
static int reps = 20;
static gboolean show_misses;
static gboolean cold_list;

static GOptionEntry entries[] = {
  { "dldb", 0, 0, G_OPTION_ARG_FILENAME, &dldb_dir, "DLDB export (default: tests/data/berlin-dldb)", "DIR" },
  { "questions", 0, 0, G_OPTION_ARG_FILENAME, &questions_path, "Labelled questions (default: bench/bot/questions-berlin.json)", "FILE" },
  { "synthetic", 0, 0, G_OPTION_ARG_INT, &synthetic, "Entries of the large catalogue (10000; 0: skip)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the synthetic catalogue (4242)", "N" },
  { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed passes over the questions (20)", "N" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &references, "JSON of an NLP.js run (repeatable)", "FILE" },
  { "http-dir", 0, 0, G_OPTION_ARG_FILENAME, &http_dir, "wrk results (ours-N.json, nlpjs-N.json, floor-N.json)", "DIR" },
  { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_out, "Write our results as JSON", "FILE" },
  { "write-catalogue", 0, 0, G_OPTION_ARG_FILENAME, &write_dir, "Write the catalogues for NLP.js and the server import and exit", "DIR" },
  { "faq", 0, 0, G_OPTION_ARG_FILENAME, &faq_path, "FAQ file (import faq format) for a second accuracy table", "FILE" },
  { "faq-questions", 0, 0, G_OPTION_ARG_FILENAME, &faq_questions_path, "Labelled questions for --faq", "FILE" },
  { "misses", 0, 0, G_OPTION_ARG_NONE, &show_misses, "List wrong answers on the real catalogue", NULL },
  { "cold-list", 0, 0, G_OPTION_ARG_NONE, &cold_list, "Only the cold pass on the real catalogue: each question's microseconds, most expensive first", NULL },
  { NULL }
};

typedef struct {
  guint      size;
  double     build_s;
  SpBotScore score;
  guint      queries;
  double     qps;
  double     p50_us;
  double     p99_us;
  /* cold: each distinct question once, on a new matcher over a new
   * lexicon (no memoised stems, word readings or synonym lists) */
  guint      cold_queries;
  double     cold_qps;
  double     cold_p50_us;
  double     cold_p99_us;
} Result;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0;
  i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

/* Times @questions (each distinct one once) on a fresh matcher over a
 * fresh lexicon, so that no memo of the matcher or the lexicon helps. */
typedef struct {
  double      us;
  guint       order;
  const char *q;
} ColdCost;

static int
cold_cost_cmp (gconstpointer a,
               gconstpointer b)
{
  const ColdCost *x = a, *y = b;

  return (x->us < y->us) - (x->us > y->us);
}

static void
run_cold (GPtrArray *catalogue,
          GPtrArray *questions,
          Result    *result)
{
  g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (ColdCost));
  g_autoptr(GError) error = NULL;
  SpLexicon *lexicon = sp_lexicon_new_default (&error);
  SpMatcher *matcher;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) lat = g_array_sized_new (FALSE, FALSE, sizeof (double), questions->len);
  double t0, total;

  if (lexicon == NULL)
    sp_bench_die ("lexicon", error);
  matcher = sp_bot_matcher_new_full (catalogue, lexicon);
  t0 = now_s ();
  for (guint i = 0; i < questions->len; i++)
    {
      SpBotQuestion *question = g_ptr_array_index (questions, i);
      double a, b;
      GArray *matches;

      if (!g_hash_table_add (seen, question->q))
        continue;
      a = now_s ();
      matches = sp_matcher_query (matcher, question->q, 5);
      b = now_s ();
      g_array_unref (matches);
      g_array_append_val (lat, (double) { (b - a) * 1e6 });
      g_array_append_val (costs, ((ColdCost) { (b - a) * 1e6, costs->len, question->q }));
    }
  total = now_s () - t0;
  if (cold_list)
    {
      g_array_sort (costs, cold_cost_cmp);
      for (guint i = 0; i < costs->len; i++)
        printf ("%.1f\t%u\t%s\n", g_array_index (costs, ColdCost, i).us, g_array_index (costs, ColdCost, i).order,
                g_array_index (costs, ColdCost, i).q);
    }
  sp_matcher_free (matcher);
  sp_lexicon_free (lexicon);
  g_array_sort (lat, sp_bench_cmp_double);
  result->cold_queries = lat->len;
  result->cold_qps = lat->len / total;
  result->cold_p50_us = percentile (lat, 0.50);
  result->cold_p99_us = percentile (lat, 0.99);
  g_printerr ("stadtpult %u entries, cold: %u distinct questions, %.0f q/s, p50 %.1f us, p99 %.1f us\n",
              result->size, result->cold_queries, result->cold_qps,
              result->cold_p50_us, result->cold_p99_us);
}

static void
run (GPtrArray *catalogue,
     GPtrArray *questions,
     Result    *result)
{
  g_autoptr(SpMatcher) matcher = NULL;
  g_autoptr(GArray) lat = g_array_sized_new (FALSE, FALSE, sizeof (double), questions->len * reps);
  g_autoptr(GPtrArray) misses = show_misses ? g_ptr_array_new_with_free_func (g_free) : NULL;
  double t0, total;

  result->size = catalogue->len;
  t0 = now_s ();
  matcher = sp_bot_matcher_new (catalogue);
  result->build_s = now_s () - t0;

  sp_bot_score (matcher, questions, &result->score, misses);
  if (misses != NULL && catalogue->len == (guint) synthetic)
    g_clear_pointer (&misses, g_ptr_array_unref);
  for (guint i = 0; misses != NULL && i < misses->len; i++)
    g_printerr ("miss: %s\n", (char *) g_ptr_array_index (misses, i));

  /* timed passes (the scoring pass above warmed caches up) */
  t0 = now_s ();
  for (int r = 0; r < reps; r++)
    for (guint i = 0; i < questions->len; i++)
      {
        SpBotQuestion *question = g_ptr_array_index (questions, i);
        double a = now_s ();
        GArray *matches = sp_matcher_query (matcher, question->q, 5);
        double b = now_s ();

        g_array_unref (matches);
        g_array_append_val (lat, (double) { (b - a) * 1e6 });
      }
  total = now_s () - t0;
  g_array_sort (lat, sp_bench_cmp_double);
  result->queries = lat->len;
  result->qps = lat->len / total;
  result->p50_us = percentile (lat, 0.50);
  result->p99_us = percentile (lat, 0.99);
  g_printerr ("stadtpult %u entries: built in %.2f s, %u queries, %.0f q/s, p50 %.1f us, p99 %.1f us\n",
              result->size, result->build_s, result->queries, result->qps,
              result->p50_us, result->p99_us);
  run_cold (catalogue, questions, result);
}

/* --- JSON in and out ------------------------------------------------------ */

static void
add_score (JsonBuilder      *b,
           const SpBotScore *s)
{
  json_builder_begin_object (b);
#define INT(name) json_builder_set_member_name (b, #name); json_builder_add_int_value (b, s->name);
  INT (n) INT (n_in) INT (n_oos) INT (top1) INT (top1_ok) INT (rank1_ok)
  INT (refused_in) INT (refused_oos)
#undef INT
  json_builder_set_member_name (b, "kind_n");
  json_builder_begin_array (b);
  for (guint k = 0; k < SP_BOT_N_KINDS; k++)
    json_builder_add_int_value (b, s->kind_n[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "kind_ok");
  json_builder_begin_array (b);
  for (guint k = 0; k < SP_BOT_N_KINDS; k++)
    json_builder_add_int_value (b, s->kind_ok[k]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
set_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
set_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
write_results (const Result *results,
               guint         n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, sp_matcher_threshold ());
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_object (b);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%u", results[i].size);

      json_builder_set_member_name (b, key);
      json_builder_begin_object (b);
      set_double (b, "build_s", results[i].build_s);
      json_builder_set_member_name (b, "score");
      add_score (b, &results[i].score);
      set_int (b, "queries", results[i].queries);
      set_double (b, "qps", results[i].qps);
      set_double (b, "p50_us", results[i].p50_us);
      set_double (b, "p99_us", results[i].p99_us);
      set_int (b, "cold_queries", results[i].cold_queries);
      set_double (b, "cold_qps", results[i].cold_qps);
      set_double (b, "cold_p50_us", results[i].cold_p50_us);
      set_double (b, "cold_p99_us", results[i].cold_p99_us);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!json_generator_to_file (gen, json_out, &error))
    sp_bench_die ("--json", error);
}

static JsonNode *
read_json (const char *path)
{
  g_autofree char *text = NULL;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return json_from_string (text, NULL);
}

/* The NLP.js runs (one file per catalogue size) merged into one object:
 * {"version","threshold","faq",..,"sizes":{"560":{..},"10000":{..}}}. */
static JsonNode *
read_references (void)
{
  g_autoptr(JsonObject) merged = json_object_new ();
  g_autoptr(JsonObject) sizes = json_object_new ();
  JsonNode *node;

  for (guint i = 0; references != NULL && references[i] != NULL; i++)
    {
      g_autoptr(JsonNode) ref = read_json (references[i]);
      JsonObject *root = ref && JSON_NODE_HOLDS_OBJECT (ref) ? json_node_get_object (ref) : NULL;
      g_autoptr(GList) members = root ? json_object_get_members (root) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *value = json_object_get_member (root, name);

          if (g_strcmp0 (name, "sizes") == 0 && JSON_NODE_HOLDS_OBJECT (value))
            {
              JsonObject *these = json_node_get_object (value);
              g_autoptr(GList) keys = json_object_get_members (these);

              for (GList *k = keys; k != NULL; k = k->next)
                json_object_set_member (sizes, k->data,
                                        json_node_copy (json_object_get_member (these, k->data)));
            }
          else if (!json_object_has_member (merged, name) && !JSON_NODE_HOLDS_NULL (value))
            json_object_set_member (merged, name, json_node_copy (value));
        }
    }
  if (json_object_get_size (merged) == 0 && json_object_get_size (sizes) == 0)
    return NULL;
  json_object_set_object_member (merged, "sizes", json_object_ref (sizes));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, merged);
  return node;
}

/* The object for catalogue @size in the reference ({"sizes":{"560":{..}}}). */
static JsonObject *
ref_size (JsonNode *ref,
          guint     size)
{
  g_autofree char *key = g_strdup_printf ("%u", size);
  JsonObject *root = ref && JSON_NODE_HOLDS_OBJECT (ref) ? json_node_get_object (ref) : NULL;
  JsonObject *sizes;

  if (root == NULL || !json_object_has_member (root, "sizes"))
    return NULL;
  sizes = json_object_get_object_member (root, "sizes");
  return sizes && json_object_has_member (sizes, key) ?
    json_object_get_object_member (sizes, key) : NULL;
}

static double
get_double (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : -1;
}

static gboolean
ref_score (JsonObject *size,
           SpBotScore *s)
{
  JsonObject *o = size && json_object_has_member (size, "score") ?
    json_object_get_object_member (size, "score") : NULL;
  JsonArray *kn, *ko;

  memset (s, 0, sizeof *s);
  if (o == NULL)
    return FALSE;
#define INT(name) s->name = sp_json_get_int_or (o, #name, 0);
  INT (n) INT (n_in) INT (n_oos) INT (top1) INT (top1_ok) INT (rank1_ok)
  INT (refused_in) INT (refused_oos)
#undef INT
  kn = json_object_get_array_member (o, "kind_n");
  ko = json_object_get_array_member (o, "kind_ok");
  for (guint k = 0; k < SP_BOT_N_KINDS && kn && ko; k++)
    {
      s->kind_n[k] = json_array_get_int_element (kn, k);
      s->kind_ok[k] = json_array_get_int_element (ko, k);
    }
  return TRUE;
}

/* --- the table ------------------------------------------------------------ */

static char *
fmt_rate (guint part,
          guint whole)
{
  return whole ? g_strdup_printf ("%.3f", (double) part / whole) : g_strdup ("-");
}

static void
print_accuracy (const char       *title,
                const SpBotScore *ours_score,
                JsonObject       *ref)
{
  SpBotScore r;
  gboolean have_ref = ref_score (ref, &r);
  const SpBotScore *o = ours_score;
  struct { const char *label; guint op, ow, rp, rw; } rows[] = {
    { "top-1 (expected entry answered), in scope", o->top1, o->n_in, r.top1, r.n_in },
    { "top-1 incl. acceptable alternatives", o->top1_ok, o->n_in, r.top1_ok, r.n_in },
    { "first rank acceptable, threshold ignored", o->rank1_ok, o->n_in, r.rank1_ok, r.n_in },
    { "refused, out of scope (higher is better)", o->refused_oos, o->n_oos, r.refused_oos, r.n_oos },
    { "false refusals, in scope (lower is better)", o->refused_in, o->n_in, r.refused_in, r.n_in },
  };

  g_print ("| %s | stadtpult | nlp.js |\n|---|---:|---:|\n", title);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *a = fmt_rate (rows[i].op, rows[i].ow);
      g_autofree char *b = have_ref ? fmt_rate (rows[i].rp, rows[i].rw) : g_strdup ("-");

      g_print ("| %s | %s | %s |\n", rows[i].label, a, b);
    }
  for (guint k = 0; k < SP_BOT_N_KINDS; k++)
    {
      g_autofree char *a = fmt_rate (o->kind_ok[k], o->kind_n[k]);
      g_autofree char *b = have_ref ? fmt_rate (r.kind_ok[k], r.kind_n[k]) : g_strdup ("-");

      g_print ("| %s: %s (%u questions) | %s | %s |\n", sp_bot_kind_name (k),
               k == SP_BOT_KIND_OOS ? "refused" : "answered acceptably",
               o->kind_n[k], a, b);
    }
  {
    /* one number: right answers plus right refusals over all questions */
    g_autofree char *a = fmt_rate (o->top1_ok + o->refused_oos, o->n);
    g_autofree char *b = have_ref ? fmt_rate (r.top1_ok + r.refused_oos, r.n) : g_strdup ("-");

    g_print ("| overall (acceptable answers + refusals of out of scope) | %s | %s |\n", a, b);
  }
}

static void
print_speed_row (guint       size,
                 const char *path,
                 double      oq,
                 double      o50,
                 double      o99,
                 double      rq,
                 double      r50,
                 double      r99)
{
  g_autofree char *oqs = oq > 0 ? g_strdup_printf ("%.0f", oq) : g_strdup ("-");
  g_autofree char *o50s = o50 > 0 ? g_strdup_printf ("%.0f", o50) : g_strdup ("-");
  g_autofree char *o99s = o99 > 0 ? g_strdup_printf ("%.0f", o99) : g_strdup ("-");
  g_autofree char *rqs = rq > 0 ? g_strdup_printf ("%.0f", rq) : g_strdup ("-");
  g_autofree char *r50s = r50 > 0 ? g_strdup_printf ("%.0f", r50) : g_strdup ("-");
  g_autofree char *r99s = r99 > 0 ? g_strdup_printf ("%.0f", r99) : g_strdup ("-");
  g_autofree char *ratio = oq > 0 && rq > 0 ?
    g_strdup_printf ("%.1fx%s", oq / rq, oq / rq >= 20 ? "" : " (< 20x)") : g_strdup ("-");

  g_print ("| %u | %s | %s | %s | %s | %s | %s | %s | %s |\n",
           size, path, oqs, o50s, o99s, rqs, r50s, r99s, ratio);
}

static JsonNode *
read_http (const char *who,
           guint       size)
{
  g_autofree char *name = g_strdup_printf ("%s-%u.json", who, size);
  g_autofree char *path = http_dir ? g_build_filename (http_dir, name, NULL) : NULL;

  return read_json (path);
}

#define FLOOR_LABEL "libsoup alone, constant answer (upper bound for any libsoup server)"

/* The wrk results of one run-bot.sh HTTP run each: file prefix, name in
 * the notes under the table, and whether a missing file is worth a note. */
static const struct { const char *who, *label; gboolean always; } http_runs[] = {
  { "ours", "stadtpult", TRUE },
  { "nlpjs", "nlp.js", TRUE },
  { "floor", "libsoup alone", FALSE },
};

/* One line under the speed table: how far any libsoup server could get
 * against NLP.js over HTTP in this run (the floor's requests/s over
 * NLP.js'), against the 20x target, and how much of it ours reaches. */
static void
print_floor_bound (guint size)
{
  g_autoptr(JsonNode) hf = read_http ("floor", size);
  g_autoptr(JsonNode) hr = read_http ("nlpjs", size);
  g_autoptr(JsonNode) ho = read_http ("ours", size);
  JsonObject *hfo = hf && JSON_NODE_HOLDS_OBJECT (hf) ? json_node_get_object (hf) : NULL;
  JsonObject *hro = hr && JSON_NODE_HOLDS_OBJECT (hr) ? json_node_get_object (hr) : NULL;
  JsonObject *hoo = ho && JSON_NODE_HOLDS_OBJECT (ho) ? json_node_get_object (ho) : NULL;
  double floor_rps = get_double (hfo, "rps");
  double nlpjs_rps = get_double (hro, "rps");
  double ours_rps = get_double (hoo, "rps");

  if (floor_rps <= 0 || nlpjs_rps <= 0)
    return;
  g_print ("HTTP %u entries: the highest ratio to NLP.js any libsoup server reaches in this run is "
           "%.1fx (libsoup alone %.0f / NLP.js %.0f requests/s), target 20x%s",
           size, floor_rps / nlpjs_rps, floor_rps, nlpjs_rps,
           floor_rps / nlpjs_rps >= 20 ? "" : ": out of reach over libsoup");
  if (ours_rps > 0)
    g_print ("; stadtpult reaches %.0f %% of libsoup alone", 100 * ours_rps / floor_rps);
  g_print ("\n");
}

static void
print_table (const Result     *results,
             guint             n,
             guint             n_questions,
             const SpBotScore *faq_score,
             guint             faq_size)
{
  g_autoptr(JsonNode) ref = read_references ();
  JsonObject *ref_root = ref && JSON_NODE_HOLDS_OBJECT (ref) ? json_node_get_object (ref) : NULL;

  g_print ("\nbench/bot: %u labelled questions (%s), matcher threshold %.2f",
           n_questions, questions_path, sp_matcher_threshold ());
  if (ref_root && json_object_has_member (ref_root, "version"))
    g_print (", NLP.js %s (node-nlp), threshold %.2f",
             sp_json_get_string_or (ref_root, "version", "?"), get_double (ref_root, "threshold"));
  g_print ("\n\nAccuracy\n\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("metric (%u entries)", results[i].size);

      print_accuracy (title, &results[i].score, ref_size (ref, results[i].size));
      g_print ("\n");
    }
  if (faq_score != NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s (%u FAQ entries, %u questions)",
                                                faq_path, faq_size, faq_score->n);
      JsonObject *rf = ref_root && json_object_has_member (ref_root, "faq") ?
        json_object_get_object_member (ref_root, "faq") : NULL;

      print_accuracy (title, faq_score, rf);
      g_print ("\n");
    }

  g_print ("Speed (queries/s; latency in microseconds; in-process: one thread, the question set %d times;\n"
           "in-process cold: each distinct question once on a new matcher and lexicon, no memo warm;\n"
           "HTTP: wrk POST /api/v1/bot/ask; libsoup alone: the same against a bare SoupServer answering\n"
           "a constant typical answer, bench-soup-floor)\n\n", reps);
  g_print ("| entries | path | stadtpult q/s | p50 | p99 | nlp.js q/s | p50 | p99 | ratio (q/s) |\n"
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = ref_size (ref, results[i].size);
      g_autoptr(JsonNode) ho = read_http ("ours", results[i].size);
      g_autoptr(JsonNode) hr = read_http ("nlpjs", results[i].size);
      g_autoptr(JsonNode) hf = read_http ("floor", results[i].size);
      JsonObject *hoo = ho && JSON_NODE_HOLDS_OBJECT (ho) ? json_node_get_object (ho) : NULL;
      JsonObject *hro = hr && JSON_NODE_HOLDS_OBJECT (hr) ? json_node_get_object (hr) : NULL;
      JsonObject *hfo = hf && JSON_NODE_HOLDS_OBJECT (hf) ? json_node_get_object (hf) : NULL;

      print_speed_row (results[i].size, "in-process", results[i].qps, results[i].p50_us,
                       results[i].p99_us, get_double (r, "qps"), get_double (r, "p50_us"),
                       get_double (r, "p99_us"));
      print_speed_row (results[i].size, "in-process cold", results[i].cold_qps,
                       results[i].cold_p50_us, results[i].cold_p99_us, get_double (r, "qps"),
                       get_double (r, "p50_us"), get_double (r, "p99_us"));
      print_speed_row (results[i].size, "HTTP", get_double (hoo, "rps"), get_double (hoo, "p50_us"),
                       get_double (hoo, "p99_us"), get_double (hro, "rps"),
                       get_double (hro, "p50_us"), get_double (hro, "p99_us"));
      if (hfo != NULL)
        print_speed_row (results[i].size, FLOOR_LABEL, get_double (hfo, "rps"),
                         get_double (hfo, "p50_us"), get_double (hfo, "p99_us"),
                         get_double (hro, "rps"), get_double (hro, "p50_us"),
                         get_double (hro, "p99_us"));
    }
  g_print ("\n");
  for (guint i = 0; i < n; i++)
    print_floor_bound (results[i].size);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = ref_size (ref, results[i].size);
      double train = get_double (r, "train_s");
      double timeout = get_double (r, "timeout_s");

      g_print ("index build %u entries: stadtpult %.2f s", results[i].size, results[i].build_s);
      if (train >= 0)
        g_print (", nlp.js training %.1f s", train);
      else if (timeout >= 0)
        g_print (", nlp.js training did not finish within %.0f s (no NLP.js numbers)", timeout);
      g_print ("\n");
    }
  for (guint i = 0; i < n && http_dir; i++)
    for (guint w = 0; w < G_N_ELEMENTS (http_runs); w++)
      {
        g_autoptr(JsonNode) h = read_http (http_runs[w].who, results[i].size);
        JsonObject *ho = h && JSON_NODE_HOLDS_OBJECT (h) ? json_node_get_object (h) : NULL;

        /* the floor runs at the real catalogue's size only: no "not run" */
        if (ho == NULL && http_runs[w].always)
          g_print ("HTTP %s %u: not run\n", http_runs[w].label, results[i].size);
        else if (ho != NULL && (get_double (ho, "non2xx") > 0 || get_double (ho, "errors") > 0))
          g_print ("HTTP %s %u: %.0f requests, %.0f non-2xx, %.0f socket errors\n",
                   http_runs[w].label, results[i].size, get_double (ho, "requests"),
                   get_double (ho, "non2xx"), get_double (ho, "errors"));
      }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- FAQ matcher benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) real = NULL;
  g_autoptr(GPtrArray) questions = NULL;
  const char *root = g_getenv ("SP_SOURCE_ROOT");
  Result results[2];
  guint n_results = 0;
  g_autoptr(GPtrArray) faq = NULL;
  SpBotScore faq_score;

  g_set_prgname ("bench-bot");

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    sp_bench_die ("options", error);
  if (root == NULL)
    root = ".";
  if (dldb_dir == NULL)
    dldb_dir = g_build_filename (root, "tests", "data", "berlin-dldb", NULL);
  if (questions_path == NULL)
    questions_path = g_build_filename (root, "bench", "bot", "questions-berlin.json", NULL);
  if (reps < 1 || synthetic < 0)
    sp_bench_die ("need --reps >= 1 and --synthetic >= 0", NULL);

  real = sp_bot_load_dldb (dldb_dir, &error);
  if (real == NULL)
    sp_bench_die ("catalogue", error);
  if (faq_path != NULL && (faq = sp_bot_load_faq (faq_path, &error)) == NULL)
    sp_bench_die ("--faq", error);

  if (write_dir != NULL)
    {
      g_autofree char *small = g_strdup_printf ("%s/entries-%u.json", write_dir, real->len);

      if (g_mkdir_with_parents (write_dir, 0755) != 0 ||
          !sp_bot_write_entries (real, small, &error))
        sp_bench_die ("--write-catalogue", error);
      if ((guint) synthetic > real->len)
        {
          g_autoptr(GPtrArray) big = sp_bot_synthesize (real, synthetic, seed);
          g_autofree char *entries_path = g_strdup_printf ("%s/entries-%u.json", write_dir, big->len);
          g_autofree char *dldb = g_strdup_printf ("%s/dldb-%u", write_dir, big->len);

          if (!sp_bot_write_entries (big, entries_path, &error) ||
              !sp_bot_write_dldb (big, dldb, &error))
            sp_bench_die ("--write-catalogue", error);
        }
      if (faq != NULL)
        {
          g_autofree char *faq_entries = g_build_filename (write_dir, "entries-faq.json", NULL);

          if (!sp_bot_write_entries (faq, faq_entries, &error))
            sp_bench_die ("--write-catalogue", error);
        }
      g_printerr ("wrote the catalogues (%u and %d entries) to %s\n", real->len, synthetic, write_dir);
      return 0;
    }

  questions = sp_bot_load_questions (questions_path, &error);
  if (questions == NULL)
    sp_bench_die ("questions", error);

  if (sp_lexicon_get_default (&error) == NULL)
    sp_bench_die ("lexicon", error);

  if (cold_list)
    {
      results[0].size = real->len;
      run_cold (real, questions, &results[0]);
      return 0;
    }
  run (real, questions, &results[n_results++]);
  if ((guint) synthetic > real->len)
    {
      g_autoptr(GPtrArray) big = sp_bot_synthesize (real, synthetic, seed);

      run (big, questions, &results[n_results++]);
    }

  if (faq != NULL && faq_questions_path != NULL)
    {
      g_autoptr(GPtrArray) fq = sp_bot_load_questions (faq_questions_path, &error);
      g_autoptr(SpMatcher) fm = NULL;
      g_autoptr(GPtrArray) misses = show_misses ? g_ptr_array_new_with_free_func (g_free) : NULL;

      if (fq == NULL)
        sp_bench_die ("--faq-questions", error);
      fm = sp_bot_matcher_new (faq);
      sp_bot_score (fm, fq, &faq_score, misses);
      for (guint i = 0; misses != NULL && i < misses->len; i++)
        g_printerr ("faq miss: %s\n", (char *) g_ptr_array_index (misses, i));
    }

  if (json_out != NULL)
    write_results (results, n_results);
  print_table (results, n_results, questions->len,
               faq != NULL && faq_questions_path != NULL ? &faq_score : NULL,
               faq != NULL ? faq->len : 0);
  return 0;
}
