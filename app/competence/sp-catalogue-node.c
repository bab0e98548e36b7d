/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-catalogue-node"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-json-util.h"
#include "sp-catalogue-node.h"

#define CODE_MAX_LEN 16

struct _SpCatalogueNode
{
  GObject              parent_instance;

  SpCatalogueNodeKind  kind;
  JsonObject          *object;
  SpCatalogueNode     *parent;           /* not owned: the parent owns us */
  GListStore          *children;         /* created on demand */
  GHashTable          *training_titles;  /* shared, may be NULL */
  char                *label;
};

G_DEFINE_FINAL_TYPE (SpCatalogueNode, sp_catalogue_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The JSON array of @self holding children of @kind (created if missing). */
static JsonArray *
child_array (SpCatalogueNode     *self,
             SpCatalogueNodeKind  kind)
{
  const char *member = NULL;
  JsonNode *node;

  switch (kind)
    {
    case SP_CATALOGUE_NODE_AREA: member = "areas"; break;
    case SP_CATALOGUE_NODE_COMPETENCE: member = "competences"; break;
    case SP_CATALOGUE_NODE_QUESTION: member = "questions"; break;
    case SP_CATALOGUE_NODE_OPTION: member = "options"; break;
    case SP_CATALOGUE_NODE_RECOMMENDATION: member = "recommendations"; break;
    case SP_CATALOGUE_NODE_CATALOGUE:
    default:
      g_assert_not_reached ();
    }

  node = json_object_get_member (self->object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (self->object, member, json_array_new ());
  return json_object_get_array_member (self->object, member);
}

static SpCatalogueNode *
node_new (SpCatalogueNodeKind  kind,
          JsonObject          *object,
          SpCatalogueNode     *parent,
          GHashTable          *training_titles)
{
  SpCatalogueNode *self = g_object_new (SP_TYPE_CATALOGUE_NODE, NULL);

  self->kind = kind;
  self->object = json_object_ref (object);
  self->parent = parent;
  self->training_titles = training_titles != NULL ? g_hash_table_ref (training_titles) : NULL;
  sp_catalogue_node_changed (self);
  return self;
}

static void
fill_children (SpCatalogueNode     *self,
               SpCatalogueNodeKind  kind)
{
  JsonArray *array = child_array (self, kind);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(SpCatalogueNode) child = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      child = node_new (kind, json_node_get_object (element), self, self->training_titles);
      g_list_store_append (self->children, child);
    }
}

GListModel *
sp_catalogue_node_get_children (SpCatalogueNode *self)
{
  g_return_val_if_fail (SP_IS_CATALOGUE_NODE (self), NULL);

  if (self->kind == SP_CATALOGUE_NODE_OPTION)
    return NULL;
  if (self->children == NULL)
    {
      self->children = g_list_store_new (SP_TYPE_CATALOGUE_NODE);
      switch (self->kind)
        {
        case SP_CATALOGUE_NODE_CATALOGUE:
          fill_children (self, SP_CATALOGUE_NODE_AREA);
          break;
        case SP_CATALOGUE_NODE_AREA:
          fill_children (self, SP_CATALOGUE_NODE_COMPETENCE);
          break;
        case SP_CATALOGUE_NODE_COMPETENCE:
          fill_children (self, SP_CATALOGUE_NODE_QUESTION);
          fill_children (self, SP_CATALOGUE_NODE_RECOMMENDATION);
          break;
        case SP_CATALOGUE_NODE_QUESTION:
          fill_children (self, SP_CATALOGUE_NODE_OPTION);
          break;
        case SP_CATALOGUE_NODE_OPTION:
        case SP_CATALOGUE_NODE_RECOMMENDATION:
        default:
          break;
        }
    }
  return G_LIST_MODEL (self->children);
}

SpCatalogueNode *
sp_catalogue_node_new_root (JsonObject *catalogue,
                            GHashTable *training_titles)
{
  g_return_val_if_fail (catalogue != NULL, NULL);

  return node_new (SP_CATALOGUE_NODE_CATALOGUE, catalogue, NULL, training_titles);
}

SpCatalogueNodeKind
sp_catalogue_node_get_kind (SpCatalogueNode *self)
{
  return self->kind;
}

JsonObject *
sp_catalogue_node_get_object (SpCatalogueNode *self)
{
  return self->object;
}

SpCatalogueNode *
sp_catalogue_node_get_parent (SpCatalogueNode *self)
{
  return self->parent;
}

SpCatalogueNode *
sp_catalogue_node_get_root (SpCatalogueNode *self)
{
  while (self->parent != NULL)
    self = self->parent;
  return self;
}

const char *
sp_catalogue_node_get_label (SpCatalogueNode *self)
{
  return self->label;
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "single") == 0)
    return _("Single choice");
  if (g_strcmp0 (kind, "multiple") == 0)
    return _("Multiple choice");
  return _("Self-rating");
}

static char *
make_label (SpCatalogueNode *self)
{
  JsonObject *o = self->object;

  switch (self->kind)
    {
    case SP_CATALOGUE_NODE_CATALOGUE:
      /* Translators: tree row of a catalogue, e.g. "DigComp (version 2)" */
      return g_strdup_printf (_("%s (version %d)"),
                              sp_json_get_string_or (o, "title", ""), (int) sp_json_get_int_or (o, "version", 0));
    case SP_CATALOGUE_NODE_AREA:
      return g_strdup_printf (_("Area %s %s"), sp_json_get_string_or (o, "code", ""), sp_json_get_string_or (o, "title", ""));
    case SP_CATALOGUE_NODE_COMPETENCE:
      return g_strdup_printf ("%s %s", sp_json_get_string_or (o, "code", ""), sp_json_get_string_or (o, "title", ""));
    case SP_CATALOGUE_NODE_QUESTION:
      /* Translators: tree row of a question: "<kind>: <text>" */
      return g_strdup_printf (_("%s: %s"), kind_label (sp_json_get_string_or (o, "kind", "")), sp_json_get_string_or (o, "text", ""));
    case SP_CATALOGUE_NODE_OPTION:
      {
        JsonNode *correct = json_object_get_member (o, "correct");
        gboolean is_correct = correct != NULL && JSON_NODE_HOLDS_VALUE (correct) &&
                              json_node_get_value_type (correct) == G_TYPE_BOOLEAN &&
                              json_node_get_boolean (correct);
        int points = (int) sp_json_get_int_or (o, "points", 0);
        g_autofree char *pts = g_strdup_printf (ngettext ("%d point",
                                                          "%d points",
                                                          points), points);

        if (is_correct)
          /* Translators: tree row of a correct answer option */
          return g_strdup_printf (_("%s · %s · correct"), sp_json_get_string_or (o, "label", ""), pts);
        return g_strdup_printf ("%s · %s", sp_json_get_string_or (o, "label", ""), pts);
      }
    case SP_CATALOGUE_NODE_RECOMMENDATION:
      {
        const char *training = sp_json_get_string_or (o, "training", "");
        const char *title = self->training_titles != NULL
                            ? g_hash_table_lookup (self->training_titles, training) : NULL;

        /* Translators: tree row of a recommendation, e.g. "Levels 1–2: Course title" */
        return g_strdup_printf (_("Levels %d–%d: %s"),
                                (int) sp_json_get_int_or (o, "min_level", 0), (int) sp_json_get_int_or (o, "max_level", 0),
                                title != NULL ? title : (*training ? training : _("(no training item)")));
      }
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

void
sp_catalogue_node_changed (SpCatalogueNode *self)
{
  g_autofree char *label = NULL;

  g_return_if_fail (SP_IS_CATALOGUE_NODE (self));

  label = make_label (self);
  if (g_strcmp0 (label, self->label) == 0)
    return;
  g_free (self->label);
  self->label = g_steal_pointer (&label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

static gboolean
code_in_use (SpCatalogueNode *root,
             const char      *code,
             gboolean         areas)
{
  JsonArray *area_array = child_array (root, SP_CATALOGUE_NODE_AREA);

  for (guint a = 0; a < json_array_get_length (area_array); a++)
    {
      JsonObject *area = json_array_get_object_element (area_array, a);
      JsonNode *competences = json_object_get_member (area, "competences");

      if (areas)
        {
          if (g_strcmp0 (sp_json_get_string_or (area, "code", ""), code) == 0)
            return TRUE;
          continue;
        }
      if (competences == NULL || !JSON_NODE_HOLDS_ARRAY (competences))
        continue;
      for (guint c = 0; c < json_array_get_length (json_node_get_array (competences)); c++)
        if (g_strcmp0 (sp_json_get_string_or (json_array_get_object_element (json_node_get_array (competences), c), "code", ""),
                       code) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
add_option (JsonArray  *options,
            const char *label,
            int         points,
            gboolean    correct)
{
  JsonObject *option = json_object_new ();

  json_object_set_string_member (option, "label", label);
  json_object_set_int_member (option, "points", points);
  json_object_set_boolean_member (option, "correct", correct);
  json_array_add_object_element (options, option);
}

static JsonObject *
default_object (SpCatalogueNode     *self,
                SpCatalogueNodeKind  kind)
{
  SpCatalogueNode *root = sp_catalogue_node_get_root (self);
  JsonObject *o = json_object_new ();

  switch (kind)
    {
    case SP_CATALOGUE_NODE_AREA:
      for (guint n = json_array_get_length (child_array (self, kind)) + 1; ; n++)
        {
          g_autofree char *code = g_strdup_printf ("%u", n);

          if (!code_in_use (root, code, TRUE))
            {
              json_object_set_string_member (o, "code", code);
              break;
            }
        }
      json_object_set_string_member (o, "title", _("New area"));
      json_object_set_array_member (o, "competences", json_array_new ());
      break;
    case SP_CATALOGUE_NODE_COMPETENCE:
      for (guint n = json_array_get_length (child_array (self, kind)) + 1; ; n++)
        {
          g_autofree char *code = g_strdup_printf ("%s.%u", sp_json_get_string_or (self->object, "code", ""), n);

          if (!code_in_use (root, code, FALSE))
            {
              json_object_set_string_member (o, "code", code);
              break;
            }
        }
      json_object_set_string_member (o, "title", _("New competence"));
      json_object_set_string_member (o, "description", "");
      json_object_set_array_member (o, "questions", json_array_new ());
      json_object_set_array_member (o, "recommendations", json_array_new ());
      break;
    case SP_CATALOGUE_NODE_QUESTION:
      {
        JsonArray *options = json_array_new ();

        json_object_set_string_member (o, "kind", "self");
        json_object_set_string_member (o, "text", _("New question"));
        /* The described self-rating scale. */
        add_option (options, _("I cannot do this"), 0, FALSE);
        add_option (options, _("I have heard of it"), 1, FALSE);
        add_option (options, _("I can do it with help"), 2, FALSE);
        add_option (options, _("I can do it on my own"), 3, FALSE);
        add_option (options, _("I can explain it to others"), 4, FALSE);
        json_object_set_array_member (o, "options", options);
      }
      break;
    case SP_CATALOGUE_NODE_OPTION:
      json_object_set_string_member (o, "label", _("New answer"));
      json_object_set_int_member (o, "points", 0);
      json_object_set_boolean_member (o, "correct", FALSE);
      break;
    case SP_CATALOGUE_NODE_RECOMMENDATION:
      json_object_set_int_member (o, "min_level", 1);
      json_object_set_int_member (o, "max_level", 2);
      json_object_set_string_member (o, "training", "");
      json_object_set_string_member (o, "note", "");
      break;
    case SP_CATALOGUE_NODE_CATALOGUE:
    default:
      g_assert_not_reached ();
    }
  return o;
}

/* Position in the children list of the first child of @kind. */
static guint
store_offset (SpCatalogueNode     *self,
              SpCatalogueNodeKind  kind)
{
  if (self->kind == SP_CATALOGUE_NODE_COMPETENCE && kind == SP_CATALOGUE_NODE_RECOMMENDATION)
    return json_array_get_length (child_array (self, SP_CATALOGUE_NODE_QUESTION));
  return 0;
}

SpCatalogueNode *
sp_catalogue_node_add_child (SpCatalogueNode     *self,
                             SpCatalogueNodeKind  kind)
{
  g_autoptr(SpCatalogueNode) child = NULL;
  JsonObject *object;
  JsonArray *array;
  guint position;

  g_return_val_if_fail (SP_IS_CATALOGUE_NODE (self), NULL);

  sp_catalogue_node_get_children (self);  /* fill before the JSON changes */
  array = child_array (self, kind);
  position = store_offset (self, kind) + json_array_get_length (array);
  object = default_object (self, kind);
  json_array_add_object_element (array, object);
  child = node_new (kind, object, self, self->training_titles);
  g_list_store_insert (self->children, position, child);
  return child;
}

guint
sp_catalogue_node_get_index (SpCatalogueNode *self,
                             guint           *n_siblings)
{
  JsonArray *array;

  if (self->parent == NULL)
    {
      if (n_siblings != NULL)
        *n_siblings = 1;
      return 0;
    }
  array = child_array (self->parent, self->kind);
  if (n_siblings != NULL)
    *n_siblings = json_array_get_length (array);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (json_array_get_object_element (array, i) == self->object)
      return i;
  return 0;
}

void
sp_catalogue_node_remove (SpCatalogueNode *self)
{
  SpCatalogueNode *parent = self->parent;
  guint index, offset;

  g_return_if_fail (SP_IS_CATALOGUE_NODE (self));
  if (parent == NULL)
    return;

  g_object_ref (self);
  index = sp_catalogue_node_get_index (self, NULL);
  offset = store_offset (parent, self->kind);
  json_array_remove_element (child_array (parent, self->kind), index);
  self->parent = NULL;
  g_list_store_remove (parent->children, offset + index);
  g_object_unref (self);
}

gboolean
sp_catalogue_node_move (SpCatalogueNode *self,
                        int              delta)
{
  SpCatalogueNode *parent = self->parent;
  JsonArray *array;
  guint index, n, target, offset;
  JsonNode *element;

  g_return_val_if_fail (SP_IS_CATALOGUE_NODE (self), FALSE);
  if (parent == NULL)
    return FALSE;

  index = sp_catalogue_node_get_index (self, &n);
  if ((delta < 0 && index == 0) || (delta > 0 && index + 1 >= n))
    return FALSE;
  target = delta < 0 ? index - 1 : index + 1;

  /* JsonArray has no insert: rebuild it in the new order. */
  array = child_array (parent, self->kind);
  {
    g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (elements, json_node_ref (json_array_get_element (array, i)));
    element = elements->pdata[index];
    elements->pdata[index] = elements->pdata[target];
    elements->pdata[target] = element;
    while (json_array_get_length (array) > 0)
      json_array_remove_element (array, 0);
    for (guint i = 0; i < n; i++)
      json_array_add_element (array, json_node_ref (elements->pdata[i]));
  }

  g_object_ref (self);
  offset = store_offset (parent, self->kind);
  g_list_store_remove (parent->children, offset + index);
  g_list_store_insert (parent->children, offset + target, self);
  g_object_unref (self);
  return TRUE;
}

static gboolean
code_is_valid (const char *code)
{
  if (code == NULL || *code == '\0' || strlen (code) > CODE_MAX_LEN)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
blank (const char *text)
{
  for (; text != NULL && *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* How many competences (or areas) of the catalogue use @code. */
static guint
count_code (SpCatalogueNode *root,
            const char      *code,
            gboolean         areas)
{
  JsonArray *area_array = child_array (root, SP_CATALOGUE_NODE_AREA);
  guint n = 0;

  for (guint a = 0; a < json_array_get_length (area_array); a++)
    {
      JsonObject *area = json_array_get_object_element (area_array, a);
      JsonNode *competences = json_object_get_member (area, "competences");

      if (areas)
        {
          n += g_strcmp0 (sp_json_get_string_or (area, "code", ""), code) == 0;
          continue;
        }
      if (competences == NULL || !JSON_NODE_HOLDS_ARRAY (competences))
        continue;
      for (guint c = 0; c < json_array_get_length (json_node_get_array (competences)); c++)
        n += g_strcmp0 (sp_json_get_string_or (json_array_get_object_element (json_node_get_array (competences), c), "code", ""),
                        code) == 0;
    }
  return n;
}

char *
sp_catalogue_node_validate (SpCatalogueNode *self)
{
  JsonObject *o = self->object;
  SpCatalogueNode *root = sp_catalogue_node_get_root (self);

  switch (self->kind)
    {
    case SP_CATALOGUE_NODE_CATALOGUE:
      {
        JsonNode *levels = json_object_get_member (o, "levels");

        if (blank (sp_json_get_string_or (o, "title", "")))
          return g_strdup (_("The catalogue needs a title."));
        if (levels == NULL || !JSON_NODE_HOLDS_ARRAY (levels) ||
            json_array_get_length (json_node_get_array (levels)) != 5)
          return g_strdup (_("The catalogue needs exactly five level labels."));
        for (guint i = 0; i < 5; i++)
          if (blank (json_array_get_string_element (json_node_get_array (levels), i)))
            return g_strdup_printf (_("Level %u needs a label."), i + 1);
        if (json_array_get_length (child_array (self, SP_CATALOGUE_NODE_AREA)) == 0)
          return g_strdup (_("The catalogue needs at least one area."));
      }
      break;
    case SP_CATALOGUE_NODE_AREA:
      if (!code_is_valid (sp_json_get_string_or (o, "code", "")))
        return g_strdup (_("The code may only contain letters, digits and dots (at most 16)."));
      if (count_code (root, sp_json_get_string_or (o, "code", ""), TRUE) > 1)
        return g_strdup_printf (_("Another area has the code “%s”."), sp_json_get_string_or (o, "code", ""));
      if (blank (sp_json_get_string_or (o, "title", "")))
        return g_strdup (_("The area needs a title."));
      break;
    case SP_CATALOGUE_NODE_COMPETENCE:
      if (!code_is_valid (sp_json_get_string_or (o, "code", "")))
        return g_strdup (_("The code may only contain letters, digits and dots (at most 16)."));
      if (count_code (root, sp_json_get_string_or (o, "code", ""), FALSE) > 1)
        return g_strdup_printf (_("Another competence has the code “%s”."), sp_json_get_string_or (o, "code", ""));
      if (blank (sp_json_get_string_or (o, "title", "")))
        return g_strdup (_("The competence needs a title."));
      break;
    case SP_CATALOGUE_NODE_QUESTION:
      {
        guint n = json_array_get_length (child_array (self, SP_CATALOGUE_NODE_OPTION));
        const char *kind = sp_json_get_string_or (o, "kind", "");

        if (blank (sp_json_get_string_or (o, "text", "")))
          return g_strdup (_("The question needs a text."));
        if (n == 0)
          return g_strdup (_("The question needs answer options."));
        if (!g_str_equal (kind, "self") && n < 2)
          return g_strdup (_("A choice question needs at least two answer options."));
      }
      break;
    case SP_CATALOGUE_NODE_OPTION:
      if (blank (sp_json_get_string_or (o, "label", "")))
        return g_strdup (_("The answer option needs a label."));
      if ((int) sp_json_get_int_or (o, "points", 0) < 0 || (int) sp_json_get_int_or (o, "points", 0) > 4)
        return g_strdup (_("Points must be between 0 and 4."));
      break;
    case SP_CATALOGUE_NODE_RECOMMENDATION:
      if ((int) sp_json_get_int_or (o, "min_level", 0) > (int) sp_json_get_int_or (o, "max_level", 0))
        return g_strdup (_("The lowest level is above the highest level."));
      if (blank (sp_json_get_string_or (o, "training", "")))
        return g_strdup (_("Choose the training item to recommend."));
      break;
    default:
      break;
    }
  return NULL;
}

SpCatalogueNode *
sp_catalogue_node_find_path (SpCatalogueNode *root,
                             const char      *path)
{
  static const struct { const char *member; SpCatalogueNodeKind kind; } steps[] = {
    { "areas", SP_CATALOGUE_NODE_AREA },
    { "competences", SP_CATALOGUE_NODE_COMPETENCE },
    { "questions", SP_CATALOGUE_NODE_QUESTION },
    { "options", SP_CATALOGUE_NODE_OPTION },
    { "recommendations", SP_CATALOGUE_NODE_RECOMMENDATION },
  };
  SpCatalogueNode *node = root;
  const char *p = path;

  while (p != NULL && *p != '\0' && *p != ':' && *p != ' ')
    {
      gboolean matched = FALSE;

      if (*p == '.')
        p++;
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        {
          gsize len = strlen (steps[i].member);
          char *end;
          guint64 index;
          GListModel *children;
          guint offset;

          if (strncmp (p, steps[i].member, len) != 0 || p[len] != '[')
            continue;
          index = g_ascii_strtoull (p + len + 1, &end, 10);
          if (*end != ']')
            return node;
          children = sp_catalogue_node_get_children (node);
          if (children == NULL)
            return node;
          offset = store_offset (node, steps[i].kind);
          if (offset + index >= g_list_model_get_n_items (children))
            return node;
          {
            /* Borrowed: the parent's list keeps it alive. */
            g_autoptr(SpCatalogueNode) child = g_list_model_get_item (children, offset + index);
            node = child;
          }
          p = end + 1;
          matched = TRUE;
          break;
        }
      if (!matched)
        break;
    }
  return node;
}

static void
sp_catalogue_node_finalize (GObject *object)
{
  SpCatalogueNode *self = SP_CATALOGUE_NODE (object);

  g_clear_object (&self->children);
  g_clear_pointer (&self->object, json_object_unref);
  g_clear_pointer (&self->training_titles, g_hash_table_unref);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (sp_catalogue_node_parent_class)->finalize (object);
}

static void
sp_catalogue_node_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpCatalogueNode *self = SP_CATALOGUE_NODE (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_catalogue_node_class_init (SpCatalogueNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_catalogue_node_finalize;
  object_class->get_property = sp_catalogue_node_get_property;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_catalogue_node_init (SpCatalogueNode *self)
{
}
