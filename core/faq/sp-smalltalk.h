/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Conversational moves the bot answers without the FAQ index. */
typedef enum {
  SP_SMALLTALK_NONE,
  SP_SMALLTALK_GREETING,  /* "hallo", "guten Tag", "moin", "hi", "hello" */
  SP_SMALLTALK_THANKS,    /* "danke", "vielen Dank", "thx", "thank you" */
  SP_SMALLTALK_HUMAN,     /* "Mitarbeiter bitte", "mit einem Menschen sprechen", "talk to a human" */
  SP_SMALLTALK_BYE,       /* "tschüss", "auf Wiedersehen", "bye" */
  SP_SMALLTALK_YES,       /* "ja", "genau", "yes" */
  SP_SMALLTALK_NO,        /* "nein", "no" */
} SpSmalltalk;

/* Classifies a whole message. A message that carries a real question
 * besides a greeting ("Hallo, wo beantrage ich einen Reisepass?") is NONE,
 * except for HUMAN requests, which win. @lang_out (nullable) receives "de"
 * or "en" (static strings): the language the message is written in. */
SpSmalltalk  sp_smalltalk_classify  (const char   *text,
                                     const char  **lang_out);
/* "none", "greeting", "thanks", "human", "bye", "yes", "no". */
const char  *sp_smalltalk_to_string (SpSmalltalk   kind);

G_END_DECLS
