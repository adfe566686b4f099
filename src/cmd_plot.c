/* cmd_plot.c — picture commands (SPEC §6). Not built yet: the table is
 * empty, so plot/contour report "unknown function" with a suggestion. */
#include "nabla/command.h"

const NbCommand nb_cmds_plot[] = {
    {NULL, NULL, NULL, NULL, NULL},
};
