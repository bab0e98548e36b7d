/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-text"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-text.h"

/* Appends the folded form of one (already case-folded) character. Returns
 * FALSE if it is no letter or digit. */
static gboolean
append_folded_char (GString *out,
                    gunichar c)
{
  gunichar decomp[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  if (c < 0x80)
    {
      if (g_ascii_isalnum (c))
        {
          g_string_append_c (out, g_ascii_tolower (c));
          return TRUE;
        }
      return FALSE;
    }
  switch (c)
    {
    case 0x00E4: g_string_append (out, "ae"); return TRUE;  /* ä */
    case 0x00F6: g_string_append (out, "oe"); return TRUE;  /* ö */
    case 0x00FC: g_string_append (out, "ue"); return TRUE;  /* ü */
    case 0x00DF: g_string_append (out, "ss"); return TRUE;  /* ß */
    case 0x00E6: g_string_append (out, "ae"); return TRUE;  /* æ */
    case 0x0153: g_string_append (out, "oe"); return TRUE;  /* œ */
    case 0x00F8: g_string_append_c (out, 'o'); return TRUE; /* ø */
    case 0x0142: g_string_append_c (out, 'l'); return TRUE; /* ł */
    default: break;
    }
  if (!g_unichar_isalnum (c))
    return FALSE;
  n = g_unichar_fully_decompose (c, FALSE, decomp, G_N_ELEMENTS (decomp));
  if (n > 0 && decomp[0] < 0x80 && g_ascii_isalnum (decomp[0]))
    {
      /* "é" -> "e"; but a decomposed umlaut (u + U+0308) is still ue. */
      g_string_append_c (out, g_ascii_tolower (decomp[0]));
      if (n > 1 && decomp[1] == 0x0308 && strchr ("aou", g_ascii_tolower (decomp[0])))
        g_string_append_c (out, 'e');
      return TRUE;
    }
  g_string_append_unichar (out, c);
  return TRUE;
}

/* TRUE if @text (valid UTF-8) has only ASCII and Latin-1 characters other
 * than the micro sign: it is in NFC already, and lowering its capitals is
 * its full case folding (with "ß" -> "ss" left to append_folded_char()). */
static gboolean
is_latin1 (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p < 0x80)
        continue;
      if ((*p != 0xC2 && *p != 0xC3) || (*p == 0xC2 && p[1] == 0xB5))
        return FALSE;
      p++;  /* the continuation byte (valid UTF-8) */
    }
  return TRUE;
}

/* Appends the fold of @text to @out; if @clause_ends_marks is given,
 * appends the output offset (guint) at which clause punctuation was seen. */
static void
fold_into (GString    *out,
           const char *text,
           GArray     *clause_ends_marks)
{
  g_autofree char *cf = NULL;
  gboolean need_space = FALSE;
  gboolean latin1;
  gsize start = out->len;
  const char *p;

  if (text == NULL)
    return;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      fold_into (out, valid, clause_ends_marks);
      return;
    }
  /* ASCII and Latin-1 (most questions) need no Unicode normalisation;
   * otherwise combining marks typed separately (u + U+0308) are merged
   * first. */
  latin1 = is_latin1 (text);
  if (!latin1)
    {
      g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

      cf = g_utf8_casefold (nfc != NULL ? nfc : text, -1);
      text = cf;
    }
  for (p = text; *p != '\0'; )
    {
      gunichar c;
      gsize before = out->len;

      if ((guchar) *p < 0x80)
        {
          c = (guchar) *p++;
          if (g_ascii_isalnum (c))
            {
              if (need_space && before > start)
                g_string_append_c (out, ' ');
              g_string_append_c (out, g_ascii_tolower (c));
              need_space = FALSE;
              continue;
            }
        }
      else
        {
          c = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
          if (latin1 && c >= 0xC0 && c <= 0xDE && c != 0xD7)
            c += 0x20;  /* Latin-1 capital -> small letter */
          if (append_folded_char (out, c))
            {
              if (need_space && before > start)
                g_string_insert_c (out, before, ' ');
              need_space = FALSE;
              continue;
            }
        }
      need_space = TRUE;
      /* Clause punctuation: record the end offset of the last token. */
      if (clause_ends_marks != NULL && before > start && c < 0x80 &&
          strchr (".?!,;:()", (int) c) != NULL)
        {
          guint off = before - start;
          g_array_append_val (clause_ends_marks, off);
        }
    }
}

static char *
fold_internal (const char *text,
               GArray     *clause_ends_marks)
{
  GString *out = g_string_sized_new (text != NULL ? strlen (text) + 8 : 1);

  fold_into (out, text, clause_ends_marks);
  return g_string_free (out, FALSE);
}

char *
sp_text_fold (const char *text)
{
  return fold_internal (text, NULL);
}

/* Writes the umlaut-free form of @folded[0..n) to @out (room for n + 1
 * bytes); returns its length. */
static gsize
plain_copy (const char *folded,
            gsize       n,
            char       *out)
{
  gsize i, o = 0;

  for (i = 0; i < n; i++)
    {
      char c = folded[i];

      out[o++] = c;
      if ((c == 'a' || c == 'o' || c == 'u') && i + 1 < n && folded[i + 1] == 'e')
        {
          char prev = i > 0 ? folded[i - 1] : ' ';

          if (strchr ("aeiouyq", prev) == NULL || prev == '\0')
            i++;  /* skip the 'e' of the spelled-out umlaut */
        }
    }
  out[o] = '\0';
  return o;
}

char *
sp_text_plain (const char *folded)
{
  gsize n;
  char *out;

  g_return_val_if_fail (folded != NULL, NULL);

  n = strlen (folded);
  out = g_malloc (n + 1);
  plain_copy (folded, n, out);
  return out;
}

gboolean
sp_text_plain_buf (const char *folded,
                   char       *buf,
                   gsize       size)
{
  gsize n;

  g_return_val_if_fail (folded != NULL && buf != NULL, FALSE);

  n = strlen (folded);
  if (n >= size)
    return FALSE;
  plain_copy (folded, n, buf);
  return TRUE;
}

GStrv
sp_text_tokenize_clauses (const char  *text,
                          GArray     **clause_ends)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *folded = fold_internal (text, marks);
  g_auto(GStrv) words = NULL;
  GArray *ends = NULL;
  guint i, off = 0, m = 0;

  words = *folded != '\0' ? g_strsplit (folded, " ", -1) : g_new0 (char *, 1);
  if (clause_ends == NULL)
    return g_steal_pointer (&words);

  ends = g_array_new (FALSE, TRUE, sizeof (gboolean));
  for (i = 0; words[i] != NULL; i++)
    {
      gboolean end;

      off += strlen (words[i]);
      while (m < marks->len && g_array_index (marks, guint, m) < off)
        m++;
      end = words[i + 1] == NULL ||
            (m < marks->len && g_array_index (marks, guint, m) == off);
      g_array_append_val (ends, end);
      off += 1;  /* the separating space */
    }
  *clause_ends = ends;
  return g_steal_pointer (&words);
}

void
sp_text_tokenize_into (const char *text,
                       GString    *buf,
                       GPtrArray  *tokens,
                       GArray     *clause_ends)
{
  guint stack_marks[64];
  guint *marks = stack_marks;
  guint n_marks, m = 0;
  char *p;

  g_return_if_fail (buf != NULL && tokens != NULL && clause_ends != NULL);
  g_return_if_fail (g_array_get_element_size (clause_ends) == sizeof (gboolean));

  g_string_truncate (buf, 0);
  g_ptr_array_set_size (tokens, 0);
  /* The clause marks (guint offsets) borrow @clause_ends while folding. */
  g_array_set_size (clause_ends, 0);
  fold_into (buf, text, clause_ends);
  n_marks = clause_ends->len;
  if (n_marks > G_N_ELEMENTS (stack_marks))
    marks = g_new (guint, n_marks);
  memcpy (marks, clause_ends->data, n_marks * sizeof (guint));
  g_array_set_size (clause_ends, 0);

  for (p = buf->str; *p != '\0'; )
    {
      char *end = strchr (p, ' ');
      guint off;
      gboolean last = end == NULL, ends;

      if (end == NULL)
        end = p + strlen (p);
      off = end - buf->str;
      g_ptr_array_add (tokens, p);
      while (m < n_marks && marks[m] < off)
        m++;
      ends = last || (m < n_marks && marks[m] == off);
      g_array_append_val (clause_ends, ends);
      if (last)
        break;
      *end = '\0';
      p = end + 1;
    }
  g_ptr_array_add (tokens, NULL);
  if (marks != stack_marks)
    g_free (marks);
}

GStrv
sp_text_tokenize (const char *text)
{
  return sp_text_tokenize_clauses (text, NULL);
}

guint
sp_text_edit_distance (const char *a,
                       const char *b,
                       guint       max)
{
  gsize la = strlen (a), lb = strlen (b);
  guint rows[3][64];
  guint *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  gsize i, j;

  if ((la > lb ? la - lb : lb - la) > max)
    return max + 1;
  if (la >= 63 || lb >= 63)
    return strcmp (a, b) == 0 ? 0 : max + 1;

  for (j = 0; j <= lb; j++)
    prev[j] = j;
  for (i = 1; i <= la; i++)
    {
      guint row_min;

      cur[0] = i;
      row_min = cur[0];
      for (j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          guint v = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);

          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
          row_min = MIN (row_min, v);
        }
      if (row_min > max)
        return max + 1;
      {
        guint *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
      }
    }
  return prev[lb] > max ? max + 1 : prev[lb];
}
