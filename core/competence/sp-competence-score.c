/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-competence-score"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-competence-score.h"

#include "sp-error.h"

/* -- small JSON helpers ---------------------------------------------------- */

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return FALSE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  if (strv == NULL || s == NULL)
    return FALSE;
  for (guint i = 0; strv[i]; i++)
    if (strcmp (strv[i], s) == 0)
      return TRUE;
  return FALSE;
}

/* -- questions --------------------------------------------------------- */

int
sp_competence_question_score (JsonObject         *question,
                              const char * const *chosen,
                              int                *max)
{
  JsonArray *options;
  const char *kind;
  gboolean multiple;
  int score = 0;
  int top = 0;

  g_return_val_if_fail (question != NULL, 0);

  kind = sp_json_get_string (question, "kind");
  multiple = g_strcmp0 (kind, "multiple") == 0;
  options = member_array (question, "options");

  for (guint i = 0; options && i < json_array_get_length (options); i++)
    {
      JsonObject *option = array_object (options, i);
      int points;
      gboolean picked;

      if (option == NULL)
        continue;
      points = (int) CLAMP (member_int (option, "points", 0), 0, 1000);
      picked = strv_has (chosen, sp_json_get_string (option, "id"));

      if (multiple)
        {
          top += points;
          if (picked == member_bool (option, "correct"))
            score += points;
        }
      else
        {
          top = MAX (top, points);
          if (picked)
            score = MAX (score, points);
        }
    }

  if (max)
    *max = top;
  return score;
}

int
sp_competence_level_for (int score,
                         int max)
{
  gint64 s, m;

  if (max <= 0)
    return SP_COMPETENCE_LEVEL_MIN;

  s = CLAMP (score, 0, max);
  m = max;
  /* 1 + round (4 s / m), halves rounded up, exactly as Math.round () on the
   * page: floor ((8 s + m) / (2 m)). */
  return SP_COMPETENCE_LEVEL_MIN + (int) ((8 * s + m) / (2 * m));
}

const char *
sp_competence_level_label (int level)
{
  switch (level)
    {
    case 1: return _("Basics missing");
    case 2: return _("Basic knowledge");
    case 3: return _("Independent use");
    case 4: return _("Confident and in depth");
    case 5: return _("Can guide others");
    default: return NULL;
    }
}

/* -- whole catalogue ---------------------------------------------------- */

static void
competence_level_free (SpCompetenceLevel *level)
{
  g_free (level->code);
  g_free (level->area_code);
  g_free (level->title);
  g_free (level);
}

static void
area_level_free (SpCompetenceAreaLevel *area)
{
  g_free (area->code);
  g_free (area->title);
  g_free (area);
}

void
sp_competence_score_free (SpCompetenceScore *score)
{
  if (score == NULL)
    return;
  g_clear_pointer (&score->competences, g_ptr_array_unref);
  g_clear_pointer (&score->areas, g_ptr_array_unref);
  g_free (score);
}

SpCompetenceScore *
sp_competence_score (JsonNode    *catalogue,
                     GHashTable  *answers,
                     GHashTable  *finished,
                     GError     **error)
{
  g_autoptr(SpCompetenceScore) score = NULL;
  JsonArray *areas;

  g_return_val_if_fail (catalogue != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (catalogue) ||
      !(areas = member_array (json_node_get_object (catalogue), "areas")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID,
                   _("Not a competence catalogue: “areas” is missing"));
      return NULL;
    }
  score = g_new0 (SpCompetenceScore, 1);
  score->competences = g_ptr_array_new_with_free_func ((GDestroyNotify) competence_level_free);
  score->areas = g_ptr_array_new_with_free_func ((GDestroyNotify) area_level_free);

  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonObject *area = array_object (areas, a);
      JsonArray *competences = member_array (area, "competences");
      SpCompetenceAreaLevel *al;
      int level_sum = 0;

      if (area == NULL)
        continue;

      al = g_new0 (SpCompetenceAreaLevel, 1);
      al->code = g_strdup (sp_json_get_string (area, "code"));
      al->title = g_strdup (sp_json_get_string (area, "title"));
      g_ptr_array_add (score->areas, al);

      for (guint c = 0; competences && c < json_array_get_length (competences); c++)
        {
          JsonObject *competence = array_object (competences, c);
          JsonArray *questions = member_array (competence, "questions");
          SpCompetenceLevel *cl;
          gboolean done;

          if (competence == NULL)
            continue;

          cl = g_new0 (SpCompetenceLevel, 1);
          cl->code = g_strdup (sp_json_get_string (competence, "code"));
          cl->area_code = g_strdup (al->code);
          cl->title = g_strdup (sp_json_get_string (competence, "title"));
          g_ptr_array_add (score->competences, cl);

          done = finished == NULL ||
                 (cl->code != NULL && g_hash_table_contains (finished, cl->code));

          for (guint q = 0; questions && q < json_array_get_length (questions); q++)
            {
              JsonObject *question = array_object (questions, q);
              const char *qid = sp_json_get_string (question, "id");
              const char * const *chosen = NULL;
              gboolean answered;
              int qmax = 0;
              int qscore;

              if (question == NULL)
                continue;
              cl->n_questions++;

              answered = answers != NULL && qid != NULL &&
                         g_hash_table_lookup_extended (answers, qid, NULL, (gpointer *) &chosen);
              if (!answered && !done)
                continue;

              qscore = sp_competence_question_score (question, answered ? chosen : NULL, &qmax);
              if (answered)
                {
                  cl->n_answered++;
                  cl->score += qscore;
                }
              /* Unanswered questions of a finished competence score 0. */
              cl->max += qmax;
            }

          if (cl->n_answered > 0 || (done && cl->n_questions > 0))
            cl->level = sp_competence_level_for (cl->score, cl->max);

          if (cl->level > 0)
            {
              level_sum += cl->level;
              al->n_levels++;
            }
        }

      if (al->n_levels > 0)
        al->level = ((20 * level_sum + (int) al->n_levels) / (2 * (int) al->n_levels)) / 10.0;
    }

  return g_steal_pointer (&score);
}

SpCompetenceLevel *
sp_competence_score_get (SpCompetenceScore *score,
                         const char        *code)
{
  g_return_val_if_fail (score != NULL, NULL);

  for (guint i = 0; code && i < score->competences->len; i++)
    {
      SpCompetenceLevel *cl = g_ptr_array_index (score->competences, i);

      if (g_strcmp0 (cl->code, code) == 0)
        return cl;
    }
  return NULL;
}

JsonNode *
sp_competence_score_levels_json (SpCompetenceScore *score)
{
  JsonObject *levels = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (score != NULL, NULL);

  for (guint i = 0; i < score->competences->len; i++)
    {
      SpCompetenceLevel *cl = g_ptr_array_index (score->competences, i);

      if (cl->level > 0 && cl->code != NULL)
        json_object_set_int_member (levels, cl->code, cl->level);
    }
  json_node_take_object (node, levels);
  return node;
}

/* -- recommendations ------------------------------------------------------ */

void
sp_competence_recommendation_free (SpCompetenceRecommendation *rec)
{
  if (rec == NULL)
    return;
  g_free (rec->competence_code);
  g_free (rec->training_id);
  g_free (rec->note);
  g_clear_pointer (&rec->training, json_object_unref);
  g_free (rec);
}

static JsonObject *
find_training (JsonNode   *training,
               const char *id)
{
  JsonArray *items;

  if (training == NULL || id == NULL || !JSON_NODE_HOLDS_ARRAY (training))
    return NULL;
  items = json_node_get_array (training);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = array_object (items, i);

      if (g_strcmp0 (sp_json_get_string (item, "id"), id) == 0)
        return item;
    }
  return NULL;
}

GPtrArray *
sp_competence_recommend (JsonNode          *catalogue,
                         SpCompetenceScore *score,
                         JsonNode          *training)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_competence_recommendation_free);
  JsonArray *areas;

  g_return_val_if_fail (catalogue != NULL, result);
  g_return_val_if_fail (score != NULL, result);

  if (!JSON_NODE_HOLDS_OBJECT (catalogue) ||
      !(areas = member_array (json_node_get_object (catalogue), "areas")))
    return result;

  for (guint a = 0; a < json_array_get_length (areas); a++)
    {
      JsonArray *competences = member_array (array_object (areas, a), "competences");

      for (guint c = 0; competences && c < json_array_get_length (competences); c++)
        {
          JsonObject *competence = array_object (competences, c);
          JsonArray *recs = member_array (competence, "recommendations");
          SpCompetenceLevel *cl = sp_competence_score_get (score, sp_json_get_string (competence, "code"));

          if (cl == NULL || cl->level <= 0)
            continue;

          for (guint r = 0; recs && r < json_array_get_length (recs); r++)
            {
              JsonObject *rec = array_object (recs, r);
              SpCompetenceRecommendation *out;
              JsonObject *item;
              gint64 min_level = member_int (rec, "min_level", SP_COMPETENCE_LEVEL_MIN);
              gint64 max_level = member_int (rec, "max_level", SP_COMPETENCE_LEVEL_MAX);

              if (rec == NULL || cl->level < min_level || cl->level > max_level)
                continue;

              out = g_new0 (SpCompetenceRecommendation, 1);
              out->competence_code = g_strdup (cl->code);
              out->level = cl->level;
              out->min_level = (int) min_level;
              out->max_level = (int) max_level;
              out->training_id = g_strdup (sp_json_get_string (rec, "training"));
              out->note = g_strdup (sp_json_get_string (rec, "note"));
              item = find_training (training, out->training_id);
              if (item != NULL)
                out->training = json_object_ref (item);
              g_ptr_array_add (result, out);
            }
        }
    }

  return result;
}
