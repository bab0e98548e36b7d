/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include "sp-server.h"

G_BEGIN_DECLS

/* The hotline's voice bot: VoiceXML 2.1 documents under /voice/ for the
 * telephone platform, and the spoken prompts they use as WAV files.
 *
 *   GET  /voice/                start: greeting, keypad menu of the top
 *                               topics (keys 1-9, 0 = staff), free speech
 *   GET  /voice/answer?q=TEXT   the bot's answer to a question (the same
 *        /voice/answer?faq=ID   matcher and answer logic as the chat bot),
 *                               then 1 repeat, 2 back, 0 staff
 *   GET  /voice/staff?q=TEXT    transfer to the hotline in office hours,
 *                               else the call back request
 *   GET  /voice/callback?q=TEXT consent, number by keypad, confirmation
 *   POST /voice/callback        stores the call back request in the
 *                               hand-off inbox (kind callback, channel voice)
 *   GET  /voice/prompt/SHA.wav  a prompt spoken by espeak-ng
 *
 * Speech recognition stays the telephone platform's: each menu field has
 * an inline SRGS grammar of the topics' keywords plus the platform's
 * free-form grammar (builtin:dictation, see the documentation in the .c
 * file); whatever was recognised comes back as text and goes through the
 * bot's matcher. Prompts are rendered once per distinct text with
 * espeak-ng into a cache directory next to the database and served with
 * ETags; each <audio> element carries its text, so a platform without the
 * file speaks it with its own TTS. ?lang=en gives English documents. */
void sp_route_voice_register (SpServer *server);

G_END_DECLS
