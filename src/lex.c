/* lex.c: not written yet */
