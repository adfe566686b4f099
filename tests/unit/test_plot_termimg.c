/* test_plot_termimg.c — terminal image escapes (src/plot/termimg.c).
 *
 * kitty: every escape's payload is at most 4096 base64 bytes, only the
 * last says m=0, and the payloads joined decode (with a decoder written
 * here, from RFC 4648's table) back to the very bytes given. iTerm2: the
 * header fields. sixel: a DCS string (ESC P ... q ... ESC \). */
#include "check.h"

#include <stdint.h>

#include "termimg.h"

static char *capture_start(FILE **m, size_t *len, char **buf)
{
    *buf = NULL;
    *m = open_memstream(buf, len);
    return *m ? *buf : NULL;
}

/* RFC 4648 base64 decoding, padded input; -1 on a bad character. */
static long decode64(const char *s, size_t n, unsigned char *out)
{
    long k = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *p = strchr(alpha, s[i]);
        if (!p || !s[i])
            return -1;
        v = v << 6 | (unsigned)(p - alpha);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (unsigned char)(v >> bits & 255);
        }
    }
    return k;
}

static void test_base64_vectors(void)
{
    /* RFC 4648 section 10 */
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        char b[16];
        nb_base64((const unsigned char *)in[i], strlen(in[i]), b);
        CHECK_STR(b, want[i], "base64 of \"%s\"", in[i]);
    }
}

static void test_kitty(void)
{
    enum { N = 10000 };   /* 13336 base64 bytes: 4 chunks, the last 1048 */
    unsigned char *png = malloc(N), *back = malloc(N + 8);
    char *payload = malloc(4 * N);
    size_t plen = 0;
    unsigned long x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245UL + 12345UL;
        png[i] = (unsigned char)(x >> 16);
    }
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    FILE *m;
    size_t len;
    char *buf;
    capture_start(&m, &len, &buf);
    CHECK(nb_termimg_kitty(m, png, N, 30, 10) == 0, "kitty written");
    fclose(m);
    CHECK(strncmp(buf, "\033_Gf=100,a=T,", 13) == 0, "first escape: PNG, transmit and show");
    CHECK(strstr(buf, ",c=30,r=10,") != NULL, "placement in 30 x 10 cells");
    CHECK(len > 0 && buf[len - 1] == '\n', "a newline after the picture");
    int chunks = 0, big = 0, last_m = -1, bad = 0;
    for (char *p = buf; (p = strstr(p, "\033_G")) != NULL;) {
        char *semi = strchr(p, ';'), *end = strstr(p, "\033\\");
        if (!semi || !end || semi > end) {
            bad = 1;
            break;
        }
        if (last_m == 0)
            bad = 1;   /* a chunk after the last */
        last_m = semi[-1] - '0';
        if (strncmp(semi - 4, ",m=", 3) != 0 && strncmp(semi - 4, "Gm=", 3) != 0)
            bad = 1;
        big |= end - semi - 1 > 4096;
        memcpy(payload + plen, semi + 1, (size_t)(end - semi - 1));
        plen += (size_t)(end - semi - 1);
        chunks++;
        p = end + 2;
    }
    CHECK(!bad && chunks == 4, "4 well-formed chunks (got %d)", chunks);
    CHECK(!big, "no chunk over 4096 base64 bytes");
    CHECK(last_m == 0, "the last chunk says m=0");
    long k = decode64(payload, plen, back);
    CHECK(k == N && memcmp(back, png, N) == 0, "chunks decode back to the PNG (%ld bytes)", k);
    free(buf);
    free(png);
    free(back);
    free(payload);
}

static void test_iterm2(void)
{
    const unsigned char png[] = "\x89PNG\r\n\x1a\nabc";
    FILE *m;
    size_t len;
    char *buf;
    capture_start(&m, &len, &buf);
    CHECK(nb_termimg_iterm2(m, png, 11, 640, 480) == 0, "iTerm2 written");
    fclose(m);
    const char *head = "\033]1337;File=inline=1;size=11;width=640px;height=480px;"
                       "preserveAspectRatio=1:";
    CHECK(strncmp(buf, head, strlen(head)) == 0, "iTerm2 header fields");
    /* 11 bytes: 16 base64 characters, then BEL and the newline */
    CHECK(len == strlen(head) + 16 + 2 && buf[len - 2] == '\a' && buf[len - 1] == '\n',
          "payload then BEL and newline");
    unsigned char back[16];
    CHECK(decode64(buf + strlen(head), 16, back) == 11 && memcmp(back, png, 11) == 0,
          "payload decodes to the PNG");
    free(buf);
}

static void test_sixel(void)
{
    enum { W = 16, H = 12 };
    uint32_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = (i % W) < W / 2 ? 0xffff0000u : 0x00000000u;  /* red | clear */
    FILE *m;
    size_t len;
    char *buf;
    capture_start(&m, &len, &buf);
    int rc = nb_termimg_sixel(m, px, W, H);
    fclose(m);
    CHECK(rc == 0, "sixel written");
    if (rc == 0) {
        CHECK(len > 4 && buf[0] == '\033' && buf[1] == 'P', "starts with ESC P");
        char *q = strchr(buf, 'q');
        CHECK(q && strspn(buf + 2, "0123456789;") == (size_t)(q - buf - 2),
              "DCS parameters then q");
        CHECK(len > 3 && buf[len - 3] == '\033' && buf[len - 2] == '\\' && buf[len - 1] == '\n',
              "ends with ESC \\ and a newline");
        /* palette entries #n;2;r;g;b in percent: red and white (the
         * clear half over white); libsixel keeps 5 bits a channel, so
         * 255 may come back as 97% */
        int red = 0, white = 0;
        for (char *p = buf; (p = strchr(p, '#')) != NULL; p++) {
            int idx, r, g, b;
            if (sscanf(p, "#%d;2;%d;%d;%d", &idx, &r, &g, &b) == 4) {
                red |= r >= 95 && g == 0 && b == 0;
                white |= r >= 95 && g >= 95 && b >= 95;
            }
        }
        CHECK(red && white, "palette holds red and white (transparent over white)");
    }
    free(buf);
}

int main(void)
{
    test_base64_vectors();
    test_kitty();
    test_iterm2();
#ifdef HAVE_LIBSIXEL
    test_sixel();
#else
    printf("# sixel: built without libsixel, not tested\n");
#endif
    return check_done();
}
