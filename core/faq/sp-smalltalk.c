/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-smalltalk"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-smalltalk.h"

#include "sp-text.h"

typedef struct {
  const char  *phrase;  /* folded, words separated by single spaces */
  SpSmalltalk  kind;
  const char  *lang;
} Phrase;

/* Whole-message phrases. Fillers ("bitte", "nochmal", "!") around them
 * are allowed, see filler_words. */
static const Phrase phrases[] = {
  { "hallo", SP_SMALLTALK_GREETING, "de" },
  { "hallo zusammen", SP_SMALLTALK_GREETING, "de" },
  { "halloechen", SP_SMALLTALK_GREETING, "de" },
  { "guten tag", SP_SMALLTALK_GREETING, "de" },
  { "guten morgen", SP_SMALLTALK_GREETING, "de" },
  { "guten abend", SP_SMALLTALK_GREETING, "de" },
  { "moin", SP_SMALLTALK_GREETING, "de" },
  { "moin moin", SP_SMALLTALK_GREETING, "de" },
  { "servus", SP_SMALLTALK_GREETING, "de" },
  { "gruess gott", SP_SMALLTALK_GREETING, "de" },
  { "gruess dich", SP_SMALLTALK_GREETING, "de" },
  { "gruezi", SP_SMALLTALK_GREETING, "de" },
  { "tag", SP_SMALLTALK_GREETING, "de" },
  { "tach", SP_SMALLTALK_GREETING, "de" },
  { "na", SP_SMALLTALK_GREETING, "de" },
  { "hey", SP_SMALLTALK_GREETING, "en" },
  { "hi", SP_SMALLTALK_GREETING, "en" },
  { "hello", SP_SMALLTALK_GREETING, "en" },
  { "hello there", SP_SMALLTALK_GREETING, "en" },
  { "good morning", SP_SMALLTALK_GREETING, "en" },
  { "good afternoon", SP_SMALLTALK_GREETING, "en" },
  { "good evening", SP_SMALLTALK_GREETING, "en" },

  { "danke", SP_SMALLTALK_THANKS, "de" },
  { "danke schoen", SP_SMALLTALK_THANKS, "de" },
  { "danke sehr", SP_SMALLTALK_THANKS, "de" },
  { "dankeschoen", SP_SMALLTALK_THANKS, "de" },
  { "vielen dank", SP_SMALLTALK_THANKS, "de" },
  { "herzlichen dank", SP_SMALLTALK_THANKS, "de" },
  { "besten dank", SP_SMALLTALK_THANKS, "de" },
  { "danke fuer die hilfe", SP_SMALLTALK_THANKS, "de" },
  { "vielen dank fuer die hilfe", SP_SMALLTALK_THANKS, "de" },
  { "danke das hilft", SP_SMALLTALK_THANKS, "de" },
  { "super danke", SP_SMALLTALK_THANKS, "de" },
  { "prima danke", SP_SMALLTALK_THANKS, "de" },
  { "dank dir", SP_SMALLTALK_THANKS, "de" },
  { "merci", SP_SMALLTALK_THANKS, "de" },
  { "thx", SP_SMALLTALK_THANKS, "en" },
  { "thanks", SP_SMALLTALK_THANKS, "en" },
  { "thank you", SP_SMALLTALK_THANKS, "en" },
  { "thank you very much", SP_SMALLTALK_THANKS, "en" },
  { "thanks a lot", SP_SMALLTALK_THANKS, "en" },
  { "many thanks", SP_SMALLTALK_THANKS, "en" },
  { "cheers", SP_SMALLTALK_THANKS, "en" },

  { "tschuess", SP_SMALLTALK_BYE, "de" },
  { "tschau", SP_SMALLTALK_BYE, "de" },
  { "ciao", SP_SMALLTALK_BYE, "de" },
  { "auf wiedersehen", SP_SMALLTALK_BYE, "de" },
  { "auf wiederhoeren", SP_SMALLTALK_BYE, "de" },
  { "bis dann", SP_SMALLTALK_BYE, "de" },
  { "bis bald", SP_SMALLTALK_BYE, "de" },
  { "schoenen tag noch", SP_SMALLTALK_BYE, "de" },
  { "ade", SP_SMALLTALK_BYE, "de" },
  { "bye", SP_SMALLTALK_BYE, "en" },
  { "bye bye", SP_SMALLTALK_BYE, "en" },
  { "goodbye", SP_SMALLTALK_BYE, "en" },
  { "good bye", SP_SMALLTALK_BYE, "en" },
  { "see you", SP_SMALLTALK_BYE, "en" },

  { "ja", SP_SMALLTALK_YES, "de" },
  { "jawohl", SP_SMALLTALK_YES, "de" },
  { "ja genau", SP_SMALLTALK_YES, "de" },
  { "genau", SP_SMALLTALK_YES, "de" },
  { "richtig", SP_SMALLTALK_YES, "de" },
  { "stimmt", SP_SMALLTALK_YES, "de" },
  { "gerne", SP_SMALLTALK_YES, "de" },
  { "ja gerne", SP_SMALLTALK_YES, "de" },
  { "jo", SP_SMALLTALK_YES, "de" },
  { "jep", SP_SMALLTALK_YES, "de" },
  { "ok", SP_SMALLTALK_YES, "de" },
  { "okay", SP_SMALLTALK_YES, "de" },
  { "einverstanden", SP_SMALLTALK_YES, "de" },
  { "yes", SP_SMALLTALK_YES, "en" },
  { "yes please", SP_SMALLTALK_YES, "en" },
  { "yeah", SP_SMALLTALK_YES, "en" },
  { "yep", SP_SMALLTALK_YES, "en" },
  { "sure", SP_SMALLTALK_YES, "en" },
  { "correct", SP_SMALLTALK_YES, "en" },

  { "nein", SP_SMALLTALK_NO, "de" },
  { "nee", SP_SMALLTALK_NO, "de" },
  { "noe", SP_SMALLTALK_NO, "de" },
  { "nein danke", SP_SMALLTALK_NO, "de" },
  { "lieber nicht", SP_SMALLTALK_NO, "de" },
  { "falsch", SP_SMALLTALK_NO, "de" },
  { "no", SP_SMALLTALK_NO, "en" },
  { "nope", SP_SMALLTALK_NO, "en" },
  { "no thanks", SP_SMALLTALK_NO, "en" },
  { "no thank you", SP_SMALLTALK_NO, "en" },
};

/* Words that may surround a phrase without changing what it means. */
static const char * const filler_words[] = {
  "bitte", "nochmal", "noch", "mal", "auch", "so", "sehr", "ganz", "erstmal",
  "please", "again", "very", "much", "oh", "ah", "aeh", "also", "und", "and",
  "liebe", "lieber", "bot", "chatbot",
};

/* Requests for a person, found anywhere in a message. Each entry is a set
 * of words that must all occur (folded, prefix match for German
 * inflection). */
typedef struct {
  const char *words[4];
  const char *lang;
} HumanPattern;

static const HumanPattern human_patterns[] = {
  { { "mitarbeiter", NULL }, "de" },
  { { "mitarbeiterin", NULL }, "de" },
  { { "sachbearbeiter", NULL }, "de" },
  { { "menschen", "sprechen", NULL }, "de" },
  { { "menschen", "reden", NULL }, "de" },
  { { "mensch", "sprechen", NULL }, "de" },
  { { "mensch", "reden", NULL }, "de" },
  { { "echten", "person", NULL }, "de" },
  { { "person", "sprechen", NULL }, "de" },
  { { "jemandem", "sprechen", NULL }, "de" },
  { { "jemand", "sprechen", NULL }, "de" },
  { { "kollegen", "sprechen", NULL }, "de" },
  { { "durchstellen", NULL }, "de" },
  { { "verbinden", "mich", NULL }, "de" },
  { { "persoenlich", "sprechen", NULL }, "de" },
  { { "kein", "bot", NULL }, "de" },
  { { "keinen", "bot", NULL }, "de" },
  { { "human", NULL }, "en" },
  { { "real", "person", NULL }, "en" },
  { { "speak", "person", NULL }, "en" },
  { { "talk", "person", NULL }, "en" },
  { { "agent", NULL }, "en" },
  { { "operator", NULL }, "en" },
  { { "representative", NULL }, "en" },
  { { "staff", "member", NULL }, "en" },
  { { "someone", "talk", NULL }, "en" },
  { { "somebody", "talk", NULL }, "en" },
};

static const char * const english_markers[] = {
  "the", "a", "an", "i", "you", "to", "is", "do", "how", "what", "where", "my",
  "can", "please", "with", "want", "need", "would", "like", "speak", "talk",
};

/* What a word is in the lists above (bits), and the phrases as phrase ->
 * index, built once: a message is checked with one lookup per word rather
 * than by comparing it with every entry. */
enum {
  WORD_FILLER  = 1 << 0,
  WORD_ENGLISH = 1 << 1,
  WORD_HUMAN   = 1 << 2,   /* a word of human_patterns */
};

typedef struct {
  GHashTable *phrases;        /* phrase -> index + 1 */
  GHashTable *words;          /* word -> WORD_* bits */
} Tables;

static void
add_words (GHashTable         *words,
           const char * const *list,
           guint               n,
           guint               bit)
{
  for (guint i = 0; i < n && list[i] != NULL; i++)
    g_hash_table_insert (words, (gpointer) list[i],
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (words, list[i])) | bit));
}

static const Tables *
tables (void)
{
  static Tables t;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      t.phrases = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
        if (!g_hash_table_contains (t.phrases, phrases[i].phrase))
          g_hash_table_insert (t.phrases, (gpointer) phrases[i].phrase, GUINT_TO_POINTER (i + 1));
      t.words = g_hash_table_new (g_str_hash, g_str_equal);
      add_words (t.words, filler_words, G_N_ELEMENTS (filler_words), WORD_FILLER);
      add_words (t.words, english_markers, G_N_ELEMENTS (english_markers), WORD_ENGLISH);
      for (guint i = 0; i < G_N_ELEMENTS (human_patterns); i++)
        add_words (t.words, human_patterns[i].words, G_N_ELEMENTS (human_patterns[i].words),
                   WORD_HUMAN);
      g_once_init_leave (&once, 1);
    }
  return &t;
}

/* The phrase @text is, or NULL. */
static const Phrase *
find_phrase (const Tables *t,
             const char   *text)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (t->phrases, text));

  return i > 0 ? &phrases[i - 1] : NULL;
}

static gboolean
has_word (GStrv        tokens,
          const char  *word)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    if (g_str_equal (tokens[i], word))
      return TRUE;
  return FALSE;
}

/* The WORD_* bits of each token, in @bits; their union. */
static guint
word_bits (const Tables *t,
           GStrv         tokens,
           guint        *bits,
           guint         n)
{
  guint all = 0;

  for (guint i = 0; i < n; i++)
    all |= bits[i] = GPOINTER_TO_UINT (g_hash_table_lookup (t->words, tokens[i]));
  return all;
}

/* The tokens without fillers, joined by spaces. */
static char *
core_of (GStrv        tokens,
         const guint *bits)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (bits[i] & WORD_FILLER)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, tokens[i]);
    }
  return g_string_free (out, FALSE);
}

/* The request for a person among @tokens, or NULL. */
static const HumanPattern *
find_human (GStrv tokens)
{
  for (guint i = 0; i < G_N_ELEMENTS (human_patterns); i++)
    {
      const HumanPattern *p = &human_patterns[i];
      gboolean all = TRUE;

      for (guint j = 0; p->words[j] != NULL && all; j++)
        all = has_word (tokens, p->words[j]);
      if (all)
        return p;
    }
  return NULL;
}

/* The folded message and its tokens, kept per thread (sp_text_tokenize()
 * allocates every token). */
typedef struct {
  GString   *folded;
  GPtrArray *tokens;
  GArray    *ends;
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *sc = data;

  g_string_free (sc->folded, TRUE);
  g_ptr_array_unref (sc->tokens);
  g_array_unref (sc->ends);
  g_free (sc);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static GStrv
tokenize (const char *text)
{
  Scratch *sc = g_private_get (&scratch_key);

  if (sc == NULL)
    {
      sc = g_new0 (Scratch, 1);
      sc->folded = g_string_sized_new (256);
      sc->tokens = g_ptr_array_sized_new (64);
      sc->ends = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 64);
      g_private_set (&scratch_key, sc);
    }
  sp_text_tokenize_into (text, sc->folded, sc->tokens, sc->ends);
  return (GStrv) sc->tokens->pdata;
}

SpSmalltalk
sp_smalltalk_classify (const char  *text,
                       const char **lang_out)
{
  const Tables *t = tables ();
  GStrv tokens = tokenize (text);
  g_autofree char *core = NULL;
  guint n = g_strv_length (tokens);
  g_autofree guint *bits = g_new (guint, n + 1);
  guint all = word_bits (t, tokens, bits, n);
  const char *lang = all & WORD_ENGLISH ? "en" : "de";
  const Phrase *phrase;

  if (lang_out != NULL)
    *lang_out = lang;
  if (n == 0)
    return SP_SMALLTALK_NONE;

  /* A request for a person wins, also inside a longer message, as long as
   * the message is short enough to be about that (most messages have none
   * of the patterns' words at all). */
  if (n <= 12 && (all & WORD_HUMAN) != 0)
    {
      const HumanPattern *p = find_human (tokens);

      if (p != NULL)
        {
          if (lang_out != NULL)
            *lang_out = p->lang;
          return SP_SMALLTALK_HUMAN;
        }
    }

  core = core_of (tokens, bits);
  if (*core == '\0')
    return SP_SMALLTALK_NONE;
  if ((phrase = find_phrase (t, core)) != NULL)
    {
      if (lang_out != NULL)
        *lang_out = phrase->lang;
      return phrase->kind;
    }
  /* Greeting + a name or a second greeting word ("hallo bot", "hi there"). */
  if (n <= 3 && (phrase = find_phrase (t, tokens[0])) != NULL &&
      phrase->kind == SP_SMALLTALK_GREETING &&
      (has_word (tokens, "there") || has_word (tokens, "zusammen") ||
       has_word (tokens, "leute") || has_word (tokens, "everyone")))
    {
      if (lang_out != NULL)
        *lang_out = phrase->lang;
      return SP_SMALLTALK_GREETING;
    }
  return SP_SMALLTALK_NONE;
}

const char *
sp_smalltalk_to_string (SpSmalltalk kind)
{
  switch (kind)
    {
    case SP_SMALLTALK_GREETING: return "greeting";
    case SP_SMALLTALK_THANKS: return "thanks";
    case SP_SMALLTALK_HUMAN: return "human";
    case SP_SMALLTALK_BYE: return "bye";
    case SP_SMALLTALK_YES: return "yes";
    case SP_SMALLTALK_NO: return "no";
    case SP_SMALLTALK_NONE:
    default:
      return "none";
    }
}
