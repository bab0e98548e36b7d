/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-hlc"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-hlc.h"

#define HLC_MS_DIGITS   15
#define HLC_CTR_DIGITS  4
#define HLC_MAX_COUNTER 0xffff
#define HLC_MAX_NODE    64

struct _SpHlc
{
  char    *node;
  gint64   last_ms;
  guint    counter;
  gint64 (*now_ms) (gpointer);
  gpointer now_data;
};

static gint64
default_now_ms (gpointer data)
{
  return g_get_real_time () / 1000;
}

gboolean
sp_hlc_node_is_valid (const char *node)
{
  gsize len = 0;

  if (node == NULL)
    return FALSE;

  for (const char *p = node; *p; p++, len++)
    {
      if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
        return FALSE;
    }

  return len >= 1 && len <= HLC_MAX_NODE;
}

SpHlc *
sp_hlc_new (const char *node_id)
{
  SpHlc *self;

  g_return_val_if_fail (sp_hlc_node_is_valid (node_id), NULL);

  self = g_new0 (SpHlc, 1);
  self->node = g_strdup (node_id);
  self->now_ms = default_now_ms;
  return self;
}

void
sp_hlc_free (SpHlc *self)
{
  if (self == NULL)
    return;
  g_free (self->node);
  g_free (self);
}

const char *
sp_hlc_get_node (SpHlc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->node;
}

void
sp_hlc_set_time_func (SpHlc    *self,
                      gint64  (*now_ms) (gpointer),
                      gpointer  data)
{
  g_return_if_fail (self != NULL);
  self->now_ms = now_ms ? now_ms : default_now_ms;
  self->now_data = data;
}

static char *
format_hlc (gint64      ms,
            guint       counter,
            const char *node)
{
  return g_strdup_printf ("%015" G_GINT64_FORMAT ":%04x:%s", ms, counter, node);
}

/* Advance the counter, carrying into the milliseconds on overflow so that
 * the result still sorts after everything before. */
static void
bump_counter (SpHlc *self)
{
  if (self->counter >= HLC_MAX_COUNTER)
    {
      self->last_ms++;
      self->counter = 0;
    }
  else
    self->counter++;
}

char *
sp_hlc_now (SpHlc *self)
{
  gint64 wall;

  g_return_val_if_fail (self != NULL, NULL);

  wall = self->now_ms (self->now_data);
  if (wall < 0)
    wall = 0;

  if (wall > self->last_ms)
    {
      self->last_ms = wall;
      self->counter = 0;
    }
  else
    bump_counter (self);

  return format_hlc (self->last_ms, self->counter, self->node);
}

gboolean
sp_hlc_observe (SpHlc      *self,
                const char *remote)
{
  gint64 rms;
  guint rctr;
  gint64 wall;
  gint64 new_ms;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!sp_hlc_parse (remote, &rms, &rctr, NULL))
    return FALSE;

  wall = self->now_ms (self->now_data);
  new_ms = MAX (MAX (self->last_ms, rms), wall);

  if (new_ms == self->last_ms && new_ms == rms)
    {
      self->counter = MAX (self->counter, rctr);
      bump_counter (self);
    }
  else if (new_ms == self->last_ms)
    bump_counter (self);
  else if (new_ms == rms)
    {
      self->last_ms = rms;
      self->counter = rctr;
      bump_counter (self);
    }
  else
    {
      self->last_ms = new_ms;
      self->counter = 0;
    }

  return TRUE;
}

gboolean
sp_hlc_parse (const char  *hlc,
              gint64      *ms,
              guint       *counter,
              char       **node)
{
  gint64 m = 0;
  guint c = 0;
  const char *p;

  if (hlc == NULL)
    return FALSE;

  p = hlc;
  for (int i = 0; i < HLC_MS_DIGITS; i++, p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      m = m * 10 + (*p - '0');
    }
  if (*p++ != ':')
    return FALSE;
  for (int i = 0; i < HLC_CTR_DIGITS; i++, p++)
    {
      if (g_ascii_isdigit (*p))
        c = c * 16 + (guint) (*p - '0');
      else if (*p >= 'a' && *p <= 'f')
        c = c * 16 + (guint) (*p - 'a' + 10);
      else
        return FALSE;
    }
  if (*p++ != ':')
    return FALSE;
  if (!sp_hlc_node_is_valid (p))
    return FALSE;

  if (ms)
    *ms = m;
  if (counter)
    *counter = c;
  if (node)
    *node = g_strdup (p);
  return TRUE;
}

gboolean
sp_hlc_is_valid (const char *hlc)
{
  return sp_hlc_parse (hlc, NULL, NULL, NULL);
}

char *
sp_hlc_node_of (const char *hlc)
{
  char *node = NULL;

  if (!sp_hlc_parse (hlc, NULL, NULL, &node))
    return NULL;
  return node;
}

int
sp_hlc_compare (const char *a,
                const char *b)
{
  if (a == b)
    return 0;
  if (a == NULL)
    return -1;
  if (b == NULL)
    return 1;
  return strcmp (a, b);
}
