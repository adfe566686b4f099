/* repl.h — the interactive prompt (SPEC §7). */
#ifndef NABLA_REPL_H
#define NABLA_REPL_H

#include "nabla/session.h"

/* Read statements from stdin until quit or end of input: with GNU readline
 * (editing, history in ~/.nabla_history, completion, ^C handling) when
 * stdin is a terminal, else line by line without prompts. file (-i FILE),
 * when not NULL, runs first as a script, after the banner. Assignments
 * typed are echoed; errors are reported and do not end the session.
 * Returns 0; 1 when the history or input could not be handled or, stdin
 * not being a terminal (nobody saw the errors), when a statement of file
 * or stdin failed; 2 when file cannot be read. */
int nb_repl(NbSession *s, const char *file);

#endif
