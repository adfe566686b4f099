/* term.h — pictures at the interactive terminal (SPEC §6), the program's
 * side: which picture protocol the terminal speaks, and drawing a figure
 * right under the prompt in it.
 */
#ifndef NABLA_TERM_H
#define NABLA_TERM_H

#include <stdio.h>
#include "nabla/plot.h"

typedef enum NbTermProto {
    NB_TERM_TEXT,     /* braille and block characters */
    NB_TERM_KITTY,    /* kitty graphics protocol */
    NB_TERM_ITERM2,   /* iTerm2 inline images (also WezTerm) */
    NB_TERM_SIXEL
} NbTermProto;

/* How long nb_term_detect waits for the terminal's answer by default. */
#define NB_TERM_QUERY_MS 100

/* The protocol to use: NABLA_TERM_PROTO=kitty|iterm2|sixel|text first;
 * inside tmux or screen text (they pass no images through by default);
 * then kitty (TERM=xterm-kitty, KITTY_WINDOW_ID), iTerm2 (TERM_PROGRAM
 * iTerm.app or WezTerm); else, when in_fd and out_fd are terminals, a
 * Primary Device Attributes query (ESC [ c) whose answer lists 4 means
 * sixel. The query runs with echo and line editing off (restored after),
 * waits at most timeout_ms, and reads the answer up so it never shows in
 * the input line. */
NbTermProto nb_term_detect(int in_fd, int out_fd, int timeout_ms);

/* The protocol's name ("kitty", ...), and back (-1 when unknown). */
const char *nb_term_proto_name(NbTermProto p);
int nb_term_proto_parse(const char *name);

/* Draw f on out at about 70% of the terminal's width and at most 60% of
 * its height (TIOCGWINSZ; 8 x 16 pixel cells when the terminal does not
 * say), as an image in proto, or as text (color: 24-bit colour escapes).
 * An image protocol falls back to text when no PNG can be made. Ends with
 * a newline, the cursor at column 0. 0, or -1 on a write error. */
int nb_term_show(const NbFigure *f, NbTermProto proto, FILE *out, int color);

#endif
