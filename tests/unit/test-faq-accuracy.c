/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "test-faq-accuracy"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-matcher.h"
#include "../../bench/bot/sp-bot-eval.h"

/* Regression guard of the matcher's quality: the labelled citizen
 * questions of bench/bot/questions-berlin.json (colloquial German, typos,
 * English, out of scope) against the Berlin DLDB catalogue as it is
 * (service names and topic names only, tests/data/berlin-dldb). The floors
 * are a few points below what the matcher reached when they were set;
 * raise them when the matcher gets better, never lower them to make a
 * change pass. bench/bot/README.md has the full numbers. */

/* share of in-scope questions answered with the expected service (or an
 * acceptable alternative) */
#define TOP1_FLOOR 0.48
/* share of out-of-scope questions the bot refuses to answer */
#define OOS_REFUSAL_FLOOR 0.84

typedef struct {
  GPtrArray  *catalogue;
  GPtrArray  *questions;
  SpMatcher  *matcher;
  SpBotScore  score;
} Fixture;

static Fixture *fixture;

static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("SP_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer) (root ? root : "."));
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static Fixture *
get_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dldb = NULL;
  g_autofree char *questions = NULL;

  if (fixture != NULL)
    return fixture;
  dldb = source_path ("tests", "data", "berlin-dldb", NULL);
  questions = source_path ("bench", "bot", "questions-berlin.json", NULL);
  fixture = g_new0 (Fixture, 1);
  fixture->catalogue = sp_bot_load_dldb (dldb, &error);
  g_assert_no_error (error);
  fixture->questions = sp_bot_load_questions (questions, &error);
  g_assert_no_error (error);
  fixture->matcher = sp_bot_matcher_new (fixture->catalogue);
  sp_bot_score (fixture->matcher, fixture->questions, &fixture->score, NULL);
  g_test_message ("%u questions: top-1 %u/%u, acceptable %u/%u, out of scope refused %u/%u, "
                  "in scope refused %u/%u",
                  fixture->score.n, fixture->score.top1, fixture->score.n_in,
                  fixture->score.top1_ok, fixture->score.n_in,
                  fixture->score.refused_oos, fixture->score.n_oos,
                  fixture->score.refused_in, fixture->score.n_in);
  return fixture;
}

static void
test_catalogue_and_set (void)
{
  Fixture *f = get_fixture ();

  /* the whole export is indexed and the set is the labelled one */
  g_assert_cmpuint (f->catalogue->len, ==, 560);
  g_assert_cmpuint (sp_matcher_size (f->matcher), ==, 560);
  g_assert_cmpuint (f->score.n_in, >=, 300);
  g_assert_cmpuint (f->score.n_oos, >=, 60);
}

static void
test_top1_floor (void)
{
  Fixture *f = get_fixture ();
  double top1 = (double) f->score.top1_ok / f->score.n_in;

  g_test_message ("top-1 incl. acceptable alternatives: %.3f (floor %.2f)", top1, TOP1_FLOOR);
  g_assert_cmpfloat (top1, >=, TOP1_FLOOR);
}

static void
test_oos_refusal_floor (void)
{
  Fixture *f = get_fixture ();
  double refused = (double) f->score.refused_oos / f->score.n_oos;

  g_test_message ("out-of-scope refusals: %.3f (floor %.2f)", refused, OOS_REFUSAL_FLOOR);
  g_assert_cmpfloat (refused, >=, OOS_REFUSAL_FLOOR);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faq/accuracy/catalogue", test_catalogue_and_set);
  g_test_add_func ("/faq/accuracy/top1-floor", test_top1_floor);
  g_test_add_func ("/faq/accuracy/oos-refusal-floor", test_oos_refusal_floor);
  status = g_test_run ();
  if (fixture != NULL)
    {
      sp_matcher_free (fixture->matcher);
      g_ptr_array_unref (fixture->catalogue);
      g_ptr_array_unref (fixture->questions);
      g_free (fixture);
    }
  return status;
}
