/* registry.c — the command registry: every command module's table, listed
 * once. The session is made with this list (nb_session_new) and the
 * lowering, help and completion read it from there; nb_command_lookup
 * serves the callers without a session (the prompt's completion).
 *
 * Adding a command module is its file (a NULL-ended NbCommand table), one
 * line below, the table's declaration beside the others in command.h (so
 * the compiler checks its definition), and its line in Makefile.am.
 */
#include "session/session_internal.h"

const NbCommand *const nb_command_tables[] = {
    nb_cmds_symbolic,   /* cmd_symbolic.c: diff, grad, taylor, latex, ... */
    nb_cmds_numdiff,    /* cmd_numdiff.c:  nderiv, hstudy, gradcheck */
    nb_cmds_descent,    /* cmd_descent.c:  descend */
    nb_cmds_plot,       /* cmd_plot.c:     plot, contour, surface, figure */
    nb_cmds_vector,     /* cmd_vector.c:   len, norm, dot, sum, table */
};

const size_t nb_command_ntables =
    sizeof nb_command_tables / sizeof nb_command_tables[0];

const NbCommand *nb_command_lookup(const char *name)
{
    return nb_command_find(nb_command_tables, nb_command_ntables, name);
}
