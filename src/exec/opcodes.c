/* opcodes.c — the instruction set's tables (compile_internal.h): each
 * opcode's name, for listings, and its operand roles, which the compiler,
 * the VMs and the JIT read. In a file of their own so that the JIT, which
 * reads the roles, and the compiler, which frees a program's native code,
 * do not depend on each other. */
#include "exec/compile_internal.h"

const char *const nbi_op_names[NB_OP__COUNT] = {
#define NB_OP_NAME(name, sig) #name,
    NB_OPS(NB_OP_NAME)
#undef NB_OP_NAME
};

const char nbi_op_sigs[NB_OP__COUNT][4] = {
#define NB_OP_SIG(name, sig) sig,
    NB_OPS(NB_OP_SIG)
#undef NB_OP_SIG
};
