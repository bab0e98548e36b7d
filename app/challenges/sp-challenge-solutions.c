/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-challenge-solutions"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-uuid.h"
#include "sp-challenge-solutions.h"

const char * const sp_solution_states[] = {
  "submitted", "accepted", "winner", "rejected", "spam", NULL,
};

const char *
sp_solution_state_label (const char *state)
{
  if (g_strcmp0 (state, "accepted") == 0)
    return _("Accepted");
  if (g_strcmp0 (state, "winner") == 0)
    return _("Winner");
  if (g_strcmp0 (state, "rejected") == 0)
    return _("Rejected");
  if (g_strcmp0 (state, "spam") == 0)
    return _("Spam");
  return _("Submitted");
}

void
sp_solution_summary_free (SpSolutionSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->id);
  g_free (summary->title);
  g_free (summary->team);
  g_free (summary->state);
  g_free (summary);
}

char *
sp_challenge_score_id (const char *solution_id,
                       const char *reviewer)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (solution_id != NULL && reviewer != NULL, NULL);

  name = g_strconcat ("challenge_score:", solution_id, ":", reviewer, NULL);
  return sp_uuid_name_based (name);
}

static gboolean
is_ranked (const SpSolutionSummary *s)
{
  return g_strcmp0 (s->state, "spam") != 0 && g_strcmp0 (s->state, "rejected") != 0;
}

/* Winners first, spam last. */
static int
state_order (const char *state)
{
  static const char * const order[] = { "winner", "accepted", "submitted", "rejected", "spam", NULL };

  for (int i = 0; order[i] != NULL; i++)
    if (g_strcmp0 (order[i], state) == 0)
      return i;
  return 2;
}

static int
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const SpSolutionSummary *x = *(SpSolutionSummary * const *) a;
  const SpSolutionSummary *y = *(SpSolutionSummary * const *) b;

  if (is_ranked (x) != is_ranked (y))
    return is_ranked (x) ? -1 : 1;
  if (x->average != y->average)
    return x->average > y->average ? -1 : 1;
  if (state_order (x->state) != state_order (y->state))
    return state_order (x->state) - state_order (y->state);
  return g_utf8_collate (x->title, y->title);
}

GPtrArray *
sp_challenge_solutions_load (SpLocalStore *store,
                             const char   *challenge_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *solutions = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_solution_summary_free);
  sqlite3_stmt *stmt;
  guint rank = 0;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), solutions);
  g_return_val_if_fail (challenge_id != NULL, solutions);

  /* Each reviewer's mark, then their mean per solution. */
  stmt = sp_db_prepare (sp_local_store_get_db (store),
                        "SELECT s.id, coalesce(s.title, ''), coalesce(s.team, ''),"
                        "  coalesce(nullif(s.state, ''), 'submitted'),"
                        "  (SELECT avg((sc.impact + sc.feasibility + sc.innovation) / 3.0)"
                        "     FROM challenge_score sc WHERE sc.solution_id = s.id AND sc.deleted = 0"
                        "       AND sc.impact BETWEEN 1 AND 5 AND sc.feasibility BETWEEN 1 AND 5"
                        "       AND sc.innovation BETWEEN 1 AND 5),"
                        "  (SELECT count(*) FROM challenge_score sc WHERE sc.solution_id = s.id"
                        "     AND sc.deleted = 0 AND sc.impact BETWEEN 1 AND 5"
                        "     AND sc.feasibility BETWEEN 1 AND 5 AND sc.innovation BETWEEN 1 AND 5)"
                        " FROM challenge_solution s WHERE s.challenge_id = ?1 AND s.deleted = 0",
                        &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the solutions: %s", error->message);
      return solutions;
    }
  sqlite3_bind_text (stmt, 1, challenge_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      SpSolutionSummary *s = g_new0 (SpSolutionSummary, 1);

      s->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      s->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      s->team = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      s->state = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      s->average = sqlite3_column_double (stmt, 4);
      s->n_scores = (guint) sqlite3_column_int (stmt, 5);
      g_ptr_array_add (solutions, s);
    }
  sqlite3_reset (stmt);

  g_ptr_array_sort (solutions, compare_summaries);
  for (guint i = 0; i < solutions->len; i++)
    {
      SpSolutionSummary *s = g_ptr_array_index (solutions, i);

      s->pending = sp_local_store_is_pending (store, "challenge_solution", s->id);
      if (is_ranked (s) && s->n_scores > 0)
        s->rank = ++rank;
    }
  return solutions;
}
