/* test_nametab.c — the name table (src/util/nametab.c) against a plain array:
 * random puts and deletes, then every name looked up. Deletion by
 * backward shift is the part worth checking: a wrong shift loses names
 * that were placed after a collision. */
#include "check.h"
#include "util/nametab.h"

enum { NAMES = 3000, OPS = 20000 };

static char names[NAMES][12];
static uintptr_t model[NAMES]; /* 0: absent */

static unsigned long long rng_state;
static unsigned rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng_state >> 33);
}

static int agrees(const NbNameTab *t)
{
    size_t n = 0;
    for (int i = 0; i < NAMES; i++) {
        if (nb_nametab_get(t, names[i]) != model[i])
            return 0;
        n += model[i] != 0;
    }
    return n == t->count;
}

int main(void)
{
    const char *env = getenv("NB_TEST_SEED");
    unsigned long long seed = env ? strtoull(env, NULL, 10) : 15;
    rng_state = seed;
    printf("seed %llu (NB_TEST_SEED)\n", seed);
    for (int i = 0; i < NAMES; i++)
        snprintf(names[i], sizeof names[i], "v%d", i);

    NbNameTab t = NB_NAMETAB_INIT;
    CHECK(nb_nametab_get(&t, "x") == 0, "an empty table has no names");
    nb_nametab_del(&t, "x");
    CHECK(t.count == 0, "deleting from an empty table is harmless");

    int ok = 1;
    for (int k = 0; k < OPS && ok; k++) {
        int i = (int)(rnd() % NAMES);
        if (rnd() % 3) {
            model[i] = (uintptr_t)k + 1;
            nb_nametab_put(&t, names[i], model[i]);
        } else {
            model[i] = 0;
            nb_nametab_del(&t, names[i]);
        }
        if (k % 1000 == 999)
            ok = agrees(&t);
    }
    CHECK(ok && agrees(&t), "%d random puts and deletes agree with an array",
          OPS);
    for (int i = 0; i < NAMES; i++)
        nb_nametab_del(&t, names[i]);
    CHECK(t.count == 0 && nb_nametab_get(&t, "v1") == 0,
          "every name deleted: the table is empty");
    nb_nametab_put(&t, "v1", 7);
    nb_nametab_put(&t, "v1", 8);
    CHECK(nb_nametab_get(&t, "v1") == 8 && t.count == 1,
          "a second put replaces the value");
    nb_nametab_free(&t);
    return check_done();
}
