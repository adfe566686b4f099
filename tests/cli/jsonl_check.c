/* jsonl_check.c — is stdin JSON Lines (SPEC §9)? Every line must be one
 * JSON object (RFC 8259 grammar: objects, arrays, strings with their
 * escapes, numbers, true, false, null), with a "command" key at its top
 * level, and nothing else on the line. Exit 0 and print the number of
 * documents, or exit 1 naming the first bad line and column. Used by
 * tests/cli/jsonl.sh so that `make check` needs no jq or Python. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;   /* the cursor in the line */
static int depth;

static int value(void);

static void ws(void)
{
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
}

static int digits(void)
{
    if (!(*p >= '0' && *p <= '9'))
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return 1;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(void)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (!digits())
        return 0;
    if (*p == '.') {
        p++;
        if (!digits())
            return 0;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!digits())
            return 0;
    }
    return 1;
}

/* A string; *key (when not NULL) says whether it is "command". */
static int string(int *is_command)
{
    const char *start = ++p;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20)
            return 0; /* includes the end of the line */
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return 0;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return 0;
            }
        }
        p++;
    }
    if (is_command)
        *is_command = (size_t)(p - start) == 7 && strncmp(start, "command", 7) == 0;
    p++;
    return 1;
}

static int literal(const char *w)
{
    size_t n = strlen(w);
    if (strncmp(p, w, n) != 0)
        return 0;
    p += n;
    return 1;
}

/* An object or array; *has_command: a "command" key at this level. */
static int container(char close, int *has_command)
{
    if (++depth > 200)
        return 0;
    p++;
    ws();
    if (*p == close) {
        p++;
        depth--;
        return 1;
    }
    for (;;) {
        ws();
        if (close == '}') {
            int k = 0;
            if (*p != '"' || !string(&k))
                return 0;
            if (k && has_command)
                *has_command = 1;
            ws();
            if (*p++ != ':')
                return 0;
            ws();
        }
        if (!value())
            return 0;
        ws();
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p++ != close)
            return 0;
        depth--;
        return 1;
    }
}

static int value(void)
{
    switch (*p) {
    case '{': return container('}', NULL);
    case '[': return container(']', NULL);
    case '"': return string(NULL);
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: return number();
    }
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    long n = 0, docs = 0;
    while (getline(&line, &cap, stdin) > 0) {
        n++;
        line[strcspn(line, "\n")] = '\0';
        p = line;
        depth = 0;
        int has_command = 0;
        ws();
        int ok = *p == '{' && container('}', &has_command);
        ws();
        if (!ok || *p || !has_command) {
            printf("line %ld, column %ld: %s\n", n, (long)(p - line) + 1,
                   !ok || *p ? "not one JSON object" : "no \"command\" key");
            free(line);
            return 1;
        }
        docs++;
    }
    free(line);
    printf("%ld documents\n", docs);
    return 0;
}
