/* tff_util: status codes, error buffer, checked allocation and output.
 *
 * Contents:
 *   1. Errors
 *   2. Allocation
 *   3. Strings and buffers
 *   4. Checked output
 *   5. A string -> index map
 *   6. Files
 *   7. Unit-test driver
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "tff_util.h"

/* 1. Errors */

double
tff_Seconds(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

int
tff_SimdLevel(void)
{
  static volatile int level = -1;     /* every thread finds the same value */
  if (level < 0) {
    int l = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (!getenv("TFF_NOSIMD") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
      l = 1;
      if (!getenv("TFF_NOAVX512") &&
          __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("bmi2"))
        l = 2;
    }
#endif
    level = l;
  }
  return level;
}

int
tff_Fail(char *errbuf, int status, const char *fmt, ...)
{
  if (errbuf) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, TFF_ERRBUFSIZE, fmt, ap);
    va_end(ap);
    tff_OneLine(errbuf, strlen(errbuf));   /* a newline in an XML value we quote, a terminal escape */
  }
  return status;
}

int
tff_ExitCode(int status)
{
  switch (status) {
  case tffOK:                     return 0;
  case tffEMEM: case tffESYS:
  case tffEWRITE:                 return 2;
  default:                        return 1;
  }
}

/* 2. Allocation: zero-size requests get one byte so that NULL always means OOM. */

void *tff_Malloc(size_t n)               { return malloc(n ? n : 1); }
void *tff_Calloc(size_t count, size_t s) { return calloc(count ? count : 1, s ? s : 1); }
void *tff_Realloc(void *p, size_t n)     { return realloc(p, n ? n : 1); }

/* 3. Strings and buffers */

char *
tff_Strndup(const char *s, size_t n)
{
  char *t;
  if (s == NULL) return NULL;
  if ((t = malloc(n + 1)) == NULL) return NULL;
  memcpy(t, s, n);
  t[n] = '\0';
  return t;
}

char *tff_Strdup(const char *s) { return s ? tff_Strndup(s, strlen(s)) : NULL; }

int tff_StrStartsWith(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

int
tff_SplitTabs(char *s, char **f, int maxf, int trim)
{
  int    n = 0;
  size_t len = strlen(s);
  while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r')) s[--len] = '\0';
  while (n < maxf) {
    char *t = strchr(s, '\t');
    if (t) *t = '\0';
    if (trim) {
      char *e;
      while (*s == ' ' || *s == '\r') s++;
      e = s + strlen(s);
      while (e > s && (e[-1] == ' ' || e[-1] == '\r')) *--e = '\0';
    }
    f[n++] = s;
    if (!t) break;
    s = t + 1;
  }
  return n;
}

char *
tff_Basename(const char *path)
{
  const char *slash = strrchr(path, '/');
  return (char *) (slash ? slash + 1 : path);
}

/* Length of the well-formed character at s (see tff_TextBad()), 0 if it is not one. */
static int
text_char(const unsigned char *s, int allow_ws)
{
  unsigned c = s[0], cp;
  int      n;

  if (c < 0x80) {
    if (c == 0x7f || (c < 0x20 && !(allow_ws && (c == '\t' || c == '\n' || c == '\r')))) return 0;
    return 1;
  }
  if      (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
  else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
  else return 0;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;   /* also stops at the NUL */
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;   /* overlong, too large */
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff) return 0;
  return n;
}

void
tff_OneLine(char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) s[i] = ' ';
}

size_t
tff_BomLength(const char *data, size_t n)
{
  return (n >= 3 && (unsigned char) data[0] == 0xEF && (unsigned char) data[1] == 0xBB && (unsigned char) data[2] == 0xBF) ? 3 : 0;
}

long
tff_TextBad(const char *s, int allow_ws)
{
  const unsigned char *p = (const unsigned char *) s;
  int n;
  while (*p) {
    if ((n = text_char(p, allow_ws)) == 0) return (long) (p - (const unsigned char *) s);
    p += n;
  }
  return -1;
}

char *
tff_TextClean(const char *s, int allow_ws)
{
  const unsigned char *p = (const unsigned char *) s;
  char  *t, *o;
  int    n;

  if ((t = malloc(3 * strlen(s) + 1)) == NULL) return NULL;   /* each bad byte becomes 3 */
  for (o = t; *p; ) {
    if ((n = text_char(p, allow_ws)) > 0) { memcpy(o, p, (size_t) n); o += n; p += n; }
    else { memcpy(o, "\xef\xbf\xbd", 3); o += 3; p++; }
  }
  *o = '\0';
  return t;
}

void tff_buf_Init(TFF_BUF *b) { b->s = NULL; b->n = 0; b->nalloc = 0; }

int
tff_buf_Append(TFF_BUF *b, const char *s, size_t n, char *errbuf)
{
  int status;
  if (b->n + n + 1 > b->nalloc) {
    size_t want = b->nalloc ? b->nalloc : 256;
    while (want < b->n + n + 1) want *= 2;
    TFF_REALLOC(b->s, want);
    b->nalloc = want;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
  return tffOK;
 ERROR:
  return status;
}

int
tff_buf_Printf(TFF_BUF *b, char *errbuf, const char *fmt, ...)
{
  char    small[512];
  char   *big = NULL;
  int     len, status;
  va_list ap;

  va_start(ap, fmt);
  len = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (len < 0) return tff_Fail(errbuf, tffFAIL, "formatting error");
  if ((size_t) len < sizeof small) return tff_buf_Append(b, small, (size_t) len, errbuf);
  TFF_ALLOC(big, (size_t) len + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t) len + 1, fmt, ap);
  va_end(ap);
  status = tff_buf_Append(b, big, (size_t) len, errbuf);
 ERROR:
  free(big);
  return status;
}

void tff_buf_Free(TFF_BUF *b) { free(b->s); tff_buf_Init(b); }

/* 4. Checked output */

int
tff_Fprintf(FILE *fp, char *errbuf, const char *fmt, ...)
{
  va_list ap;
  int     n;
  va_start(ap, fmt);
  n = vfprintf(fp, fmt, ap);
  va_end(ap);
  if (n < 0) return tff_Fail(errbuf, tffEWRITE, "write failed: %s", strerror(errno));
  return tffOK;
}

int
tff_Fclose(FILE *fp, const char *name, char *errbuf)
{
  int bad = ferror(fp);
  if (fclose(fp) != 0 || bad)
    return tff_Fail(errbuf, tffEWRITE, "%s: write failed: %s", name, errno ? strerror(errno) : "I/O error");
  return tffOK;
}

int
tff_FlushStdout(char *errbuf)
{
  if (fflush(stdout) != 0 || ferror(stdout)) return tff_Fail(errbuf, tffEWRITE, "standard output: write failed");
  return tffOK;
}

void
tff_FputsHTML(FILE *fp, const char *s)
{
  for (; *s; s++) {
    if      (*s == '<') fputs("&lt;", fp);
    else if (*s == '>') fputs("&gt;", fp);
    else if (*s == '&') fputs("&amp;", fp);
    else if (*s == '"') fputs("&quot;", fp);
    else fputc(*s, fp);
  }
}

const char *
tff_FormatG(char *buf, double x, int prec)
{
  snprintf(buf, 32, "%.*g", prec, x);
  return buf;
}

const char *
tff_FormatF(char *buf, double x, int prec)
{
  snprintf(buf, 32, "%.*f", prec, x);
  if (buf[0] == '-' && buf[1 + strspn(buf + 1, "0.")] == '\0') memmove(buf, buf + 1, strlen(buf));   /* "-0.0000": no sign */
  return buf;
}

void
tff_Crc32Hex(const void *data, size_t n, char out[9])
{
  uLong c = crc32(0L, Z_NULL, 0);
  const unsigned char *p = data;
  while (n > 0) {  /* zlib takes uInt lengths */
    uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt) n;
    c = crc32(c, p, chunk);
    p += chunk; n -= chunk;
  }
  snprintf(out, 9, "%08lx", (unsigned long) c);
}

int
tff_IsCrc32Hex(const char *s)
{
  return strlen(s) == 8 && strspn(s, "0123456789abcdef") == 8;
}

/* 5. String map */

static uint64_t
strhash(const char *s)
{
  uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
  for (; *s; s++) { h ^= (unsigned char) *s; h *= 1099511628211ULL; }
  return h;
}

int
tff_strmap_Build(TFF_STRMAP *map, const char *const *keys, int n, char *errbuf)
{
  int status;
  map->key = NULL; map->val = NULL;
  map->cap = 16;
  while (map->cap < (size_t) n * 2) map->cap *= 2;
  TFF_CALLOC(map->key, map->cap, sizeof(char *));
  TFF_CALLOC(map->val, map->cap, sizeof(int));
  for (int i = 0; i < n; i++) {
    size_t h = (size_t) strhash(keys[i]) & (map->cap - 1);
    while (map->key[h] && strcmp(map->key[h], keys[i]) != 0) h = (h + 1) & (map->cap - 1);
    if (!map->key[h]) { map->key[h] = keys[i]; map->val[h] = i; }
  }
  return tffOK;
 ERROR:
  tff_strmap_Free(map);
  return status;
}

int
tff_strmap_Get(const TFF_STRMAP *map, const char *key)
{
  size_t h = (size_t) strhash(key) & (map->cap - 1);
  while (map->key[h]) {
    if (strcmp(map->key[h], key) == 0) return map->val[h];
    h = (h + 1) & (map->cap - 1);
  }
  return -1;
}

void tff_strmap_Free(TFF_STRMAP *map) { free(map->key); free(map->val); map->key = NULL; map->val = NULL; map->cap = 0; }

/*****************************************************************
 * 6. Files
 *****************************************************************/

int
tff_IsFile(const char *path)
{
  struct stat st;
  return path != NULL && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *
tff_NotFileReason(const char *path)
{
  struct stat st;
  if (path == NULL) return "no file name";
  if (stat(path, &st) != 0) return strerror(errno);
  return S_ISDIR(st.st_mode) ? "is a directory" : S_ISREG(st.st_mode) ? "a regular file" : "not a regular file";
}

const char *
tff_NotInputReason(const char *path)
{
  struct stat st;
  if (path == NULL) return "no file name";
  if (stat(path, &st) != 0) return strerror(errno);
  return S_ISDIR(st.st_mode) ? "is a directory" : NULL;
}

int
tff_DataPath(const char *name, char **ret_path, char *errbuf)
{
  const char *env = getenv("TFFAM_DATA_DIR");
  char        exe[PATH_MAX], *slash;
  ssize_t     n;
  TFF_BUF     b, alt;
  int         status;

  tff_buf_Init(&b);
  tff_buf_Init(&alt);
  if (env && *env) {
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s/%s", env, name));
  } else {
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s/%s", TFF_DATADIR, name));
    if (!tff_IsFile(b.s) && (n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
      exe[n] = '\0';
      if ((slash = strrchr(exe, '/')) != NULL) {
        *slash = '\0';
        TFF_CHECK(tff_buf_Printf(&alt, errbuf, "%s/../etc/%s", exe, name));
        if (tff_IsFile(alt.s)) { tff_buf_Free(&b); b = alt; tff_buf_Init(&alt); }
      }
    }
  }
  tff_buf_Free(&alt);
  *ret_path = b.s;
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  tff_buf_Free(&alt);
  *ret_path = NULL;
  return status;
}

/*****************************************************************
 * 7. Unit-test driver
 *****************************************************************/
#ifdef tffUTIL_TESTDRIVE
#include <unistd.h>

#include "tff_utest.h"

static void
utest_status(void)
{
  char errbuf[TFF_ERRBUFSIZE];
  TFF_UCHECK(tff_Fail(errbuf, tffEFORMAT, "%s line %d: %s", "a.meme", 3, "bad row") == tffEFORMAT, "tff_Fail's status");
  TFF_UCHECK(strcmp(errbuf, "a.meme line 3: bad row") == 0, "tff_Fail's message: '%s'", errbuf);
  TFF_UCHECK(tff_Fail(NULL, tffEINVAL, "no buffer") == tffEINVAL, "tff_Fail without errbuf");
  TFF_UCHECK(tff_ExitCode(tffOK) == 0 && tff_ExitCode(tffEUSAGE) == 1 && tff_ExitCode(tffEFORMAT) == 1, "exit codes of user errors");
  TFF_UCHECK(tff_ExitCode(tffEMEM) == 2 && tff_ExitCode(tffESYS) == 2 && tff_ExitCode(tffEWRITE) == 2, "exit codes of system errors");
}

/* Zero-size allocations succeed: NULL always means out of memory. */
static void
utest_alloc(void)
{
  void *a = tff_Malloc(0), *b = tff_Calloc(0, 8), *c = tff_Calloc(8, 0), *d = tff_Realloc(NULL, 0);
  TFF_UCHECK(a && b && c && d, "a zero-size allocation returned NULL");
  free(a); free(b); free(c); free(d);
  int *z = tff_Calloc(16, sizeof(int));
  TFF_UCHECK(z != NULL, "tff_Calloc");
  for (int i = 0; i < 16; i++) TFF_UCHECK(z[i] == 0, "tff_Calloc does not zero");
  free(z);
}

static void
utest_strings(void)
{
  char *s = tff_Strndup("abcdef", 3);
  TFF_UCHECK(s && strcmp(s, "abc") == 0, "tff_Strndup");
  free(s);
  TFF_UCHECK(tff_Strdup(NULL) == NULL, "tff_Strdup(NULL)");
  TFF_UCHECK(tff_StrStartsWith("MOTIF x", "MOTIF") && !tff_StrStartsWith("MOT", "MOTIF"), "tff_StrStartsWith");
  TFF_UCHECK(strcmp(tff_Basename("a/b/c.meme"), "c.meme") == 0 && strcmp(tff_Basename("c.meme"), "c.meme") == 0
             && strcmp(tff_Basename("dir/"), "") == 0, "tff_Basename");
  TFF_UCHECK(tff_BomLength("\xef\xbb\xbfMEME", 7) == 3 && tff_BomLength("MEME", 4) == 0 && tff_BomLength("\xef\xbb", 2) == 0, "tff_BomLength");

  /* text: control characters, tabs, overlong forms, surrogates, too large, noncharacters */
  TFF_UCHECK(tff_TextBad("plain \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0) == -1, "good UTF-8 taken as bad");
  TFF_UCHECK(tff_TextBad("a\tb", 0) == 1 && tff_TextBad("a\tb\r\n", 1) == -1, "whitespace");
  TFF_UCHECK(tff_TextBad("ab\x7f", 0) == 2 && tff_TextBad("\x1b[31m", 1) == 0, "DEL and ESC");
  TFF_UCHECK(tff_TextBad("x\xc0\xaf", 0) == 1 && tff_TextBad("\xe0\x80\xaf", 0) == 0, "overlong forms");
  TFF_UCHECK(tff_TextBad("\xed\xa0\x80", 0) == 0 && tff_TextBad("\xef\xbf\xbe", 0) == 0 && tff_TextBad("\xf4\x90\x80\x80", 0) == 0, "surrogate, U+FFFE, past U+10FFFF");
  TFF_UCHECK(tff_TextBad("ab\xc3", 0) == 2, "a truncated sequence");
  char *t = tff_TextClean("a\xffz\x01", 0);
  TFF_UCHECK(t && strcmp(t, "a\xef\xbf\xbdz\xef\xbf\xbd") == 0, "tff_TextClean: '%s'", t ? t : "(null)");
  TFF_UCHECK(tff_TextBad(t, 0) == -1, "tff_TextClean's output is not clean");
  free(t);

  char buf[32], hex[9];
  TFF_UCHECK(strcmp(tff_FormatG(buf, 0.000123456, 3), "0.000123") == 0 && strcmp(tff_FormatG(buf, 1e-30, 2), "1e-30") == 0, "tff_FormatG: %s", buf);
  TFF_UCHECK(strcmp(tff_FormatF(buf, -0.00004, 4), "0.0000") == 0 && strcmp(tff_FormatF(buf, -0.0, 2), "0.00") == 0 &&
             strcmp(tff_FormatF(buf, -0.00005001, 4), "-0.0001") == 0 && strcmp(tff_FormatF(buf, -1.5, 0), "-2") == 0 &&
             strcmp(tff_FormatF(buf, -0.4, 0), "0") == 0 && strcmp(tff_FormatF(buf, 0.12345, 4), "0.1235") == 0 &&
             strcmp(tff_FormatF(buf, -10.0, 1), "-10.0") == 0, "tff_FormatF: %s", buf);
  tff_Crc32Hex("123456789", 9, hex);
  TFF_UCHECK(strcmp(hex, "cbf43926") == 0, "tff_Crc32Hex: %s (the CRC-32 check value is cbf43926)", hex);
  tff_Crc32Hex("", 0, hex);
  TFF_UCHECK(strcmp(hex, "00000000") == 0, "tff_Crc32Hex of nothing: %s", hex);
}

/* One tab splitter: fields, the cap, trimming, the line's end. */
static void
utest_split(void)
{
  char  line[64], *f[4];
  snprintf(line, sizeof line, "a\tb c\t\tlast\r\n");
  TFF_UCHECK(tff_SplitTabs(line, f, 4, 0) == 4 && strcmp(f[0], "a") == 0 && strcmp(f[1], "b c") == 0 && f[2][0] == '\0' && strcmp(f[3], "last") == 0,
             "tff_SplitTabs: four fields, the line's end removed");
  snprintf(line, sizeof line, "a\tb\tc\td\te");
  TFF_UCHECK(tff_SplitTabs(line, f, 3, 0) == 3 && strcmp(f[2], "c") == 0, "tff_SplitTabs: the cap ends the last field at its tab");
  snprintf(line, sizeof line, "  x \t y\r\t");
  TFF_UCHECK(tff_SplitTabs(line, f, 4, 1) == 3 && strcmp(f[0], "x") == 0 && strcmp(f[1], "y") == 0 && f[2][0] == '\0', "tff_SplitTabs: trimmed fields");
  snprintf(line, sizeof line, "%s", "");
  TFF_UCHECK(tff_SplitTabs(line, f, 4, 0) == 1 && f[0][0] == '\0', "tff_SplitTabs: an empty line is one empty field");
  const double t0 = tff_Seconds();
  TFF_UCHECK(t0 > 0.0 && tff_Seconds() >= t0, "tff_Seconds goes forward");
}

static void
utest_buf(void)
{
  char    errbuf[TFF_ERRBUFSIZE];
  TFF_BUF b;
  tff_buf_Init(&b);
  TFF_UCHECK(tff_buf_Append(&b, "ab", 2, errbuf) == tffOK && tff_buf_Printf(&b, errbuf, "-%d-%s", 42, "x") == tffOK, "tff_buf");
  TFF_UCHECK(b.n == 7 && strcmp(b.s, "ab-42-x") == 0, "tff_buf holds '%s'", b.s);
  for (int i = 0; i < 1000; i++) TFF_UCHECK(tff_buf_Printf(&b, errbuf, "%04d", i) == tffOK, "tff_buf_Printf");
  TFF_UCHECK(b.n == 4007 && b.s[b.n] == '\0' && strncmp(b.s + 7, "0000000100020003", 16) == 0 && strcmp(b.s + b.n - 4, "0999") == 0, "tff_buf grows");
  tff_buf_Free(&b);
  TFF_UCHECK(b.s == NULL && b.n == 0, "tff_buf_Free");
}

static void
utest_strmap(void)
{
  char        errbuf[TFF_ERRBUFSIZE];
  TFF_STRMAP  map;
  enum { N = 500 };
  static char names[N][16];
  const char *keys[N + 1];
  for (int i = 0; i < N; i++) { snprintf(names[i], sizeof names[i], "MA%04d.1", i); keys[i] = names[i]; }
  keys[N] = "MA0007.1";    /* a duplicate keeps its first index */
  TFF_UCHECK(tff_strmap_Build(&map, keys, N + 1, errbuf) == tffOK, "%s", errbuf);
  for (int i = 0; i < N; i++) TFF_UCHECK(tff_strmap_Get(&map, names[i]) == i, "tff_strmap_Get(%s)", names[i]);
  TFF_UCHECK(tff_strmap_Get(&map, "MA0007.1") == 7, "a duplicate key's index");
  TFF_UCHECK(tff_strmap_Get(&map, "MA9999.1") == -1 && tff_strmap_Get(&map, "") == -1, "an absent key");
  tff_strmap_Free(&map);
  TFF_UCHECK(tff_strmap_Build(&map, keys, 0, errbuf) == tffOK && tff_strmap_Get(&map, "x") == -1, "an empty map");
  tff_strmap_Free(&map);
}

static void
utest_files(void)
{
  char  errbuf[TFF_ERRBUFSIZE], dir[] = "/tmp/tff_util_utest-XXXXXX", path[600];
  char *p = NULL;
  TFF_UCHECK(mkdtemp(dir) != NULL, "mkdtemp");
  snprintf(path, sizeof path, "%s/f.txt", dir);
  FILE *fp = fopen(path, "w");
  TFF_UCHECK(fp != NULL, "fopen %s", path);
  TFF_UCHECK(tff_Fprintf(fp, errbuf, "%d\n", 1) == tffOK && tff_Fclose(fp, path, errbuf) == tffOK, "tff_Fprintf, tff_Fclose: %s", errbuf);
  TFF_UCHECK(tff_IsFile(path) && !tff_IsFile(dir) && !tff_IsFile(NULL), "tff_IsFile");
  TFF_UCHECK(tff_NotInputReason(path) == NULL && tff_NotInputReason("/dev/null") == NULL && strcmp(tff_NotInputReason(dir), "is a directory") == 0 &&
             tff_NotInputReason("/nonexistent/x") != NULL, "tff_NotInputReason");
  TFF_UCHECK(strcmp(tff_NotFileReason(dir), "is a directory") == 0 && strcmp(tff_NotFileReason("/dev/null"), "not a regular file") == 0 &&
             strcmp(tff_NotFileReason(path), "a regular file") == 0, "tff_NotFileReason");
  /* $TFFAM_DATA_DIR is the only place looked at when set */
  TFF_UCHECK(setenv("TFFAM_DATA_DIR", dir, 1) == 0, "setenv");
  TFF_UCHECK(tff_DataPath("f.txt", &p, errbuf) == tffOK && strcmp(p, path) == 0, "tff_DataPath: %s", p ? p : errbuf);
  free(p);
  TFF_UCHECK(tff_DataPath("none.txt", &p, errbuf) == tffOK && !tff_IsFile(p), "tff_DataPath of a missing file");
  free(p);
  unsetenv("TFFAM_DATA_DIR");
  TFF_UCHECK(remove(path) == 0 && rmdir(dir) == 0, "cleaning up %s", dir);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_util_utest", NULL);
  utest_status();
  utest_alloc();
  utest_strings();
  utest_split();
  utest_buf();
  utest_strmap();
  utest_files();
  return tff_utest_Done();
}
#endif /* tffUTIL_TESTDRIVE */
