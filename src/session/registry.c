/* registry.c — the command registry: every command module's table, listed
 * once. The session is made with this list (nb_session_new) and the
 * lowering, help and completion read it from there; nb_command_lookup
 * serves the callers without a session (the prompt's completion).
 *
 * Adding a command module is its file (a NULL-ended NbCommand table), its
 * line in NB_COMMAND_MODULES (command.h: the table's declaration and its
 * place here are made from it), and its line in Makefile.am.
 */
#include "session/session_internal.h"

#define TABLE(name) nb_cmds_##name,
const NbCommand *const nb_command_tables[] = {NB_COMMAND_MODULES(TABLE)};
#undef TABLE

const size_t nb_command_ntables =
    sizeof nb_command_tables / sizeof nb_command_tables[0];

const NbCommand *nb_command_lookup(const char *name)
{
    return nb_command_find(nb_command_tables, nb_command_ntables, name);
}
