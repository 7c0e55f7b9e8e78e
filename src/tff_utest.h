/* tff_utest: what every unit-test driver shares.
 *
 * Include it only inside a module's tffFOO_TESTDRIVE section (one driver, one
 * translation unit: it keeps the driver's name and options in static state).
 *
 *   #ifdef tffFOO_TESTDRIVE
 *   #include "tff_utest.h"
 *   static void
 *   utest_sum(void)
 *   {
 *     TFF_RNG rng;
 *     tff_rng_Init(&rng, tff_utest_Seed(42));
 *     double x = tff_rng_Uniform(&rng);
 *     TFF_UCHECK(tff_foo_Count() == 3, "count %d", tff_foo_Count());
 *     TFF_UNEAR(tff_foo_Sum(x), 2.0 * x, 1e-12, "the sum of two halves");
 *   }
 *   int
 *   main(int argc, char **argv)
 *   {
 *     tff_utest_Init(argc, argv, "tff_foo_utest", NULL);
 *     utest_sum();
 *     return tff_utest_Done();
 *   }
 *   #endif
 *
 * Every driver takes -s SEED (its random streams from SEED instead of the
 * fixed seeds the tests were written with: tff_utest_Seed()), -v (say more:
 * tff_utest_Log()) and -h. The first failure prints
 * "tff_foo_utest: FAIL (src/tff_foo.c:123): message" on stderr and exits 1
 * (with the seed, when -s gave one); tests/unit.test runs every driver.
 * On success the driver prints "tff_foo_utest: ok" and exits 0.
 */
#ifndef TFF_UTEST_INCLUDED
#define TFF_UTEST_INCLUDED

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_random.h"

static struct {
  const char *name;      /* the driver's name: tff_foo_utest */
  int         verbose;   /* -v */
  int         seeded;    /* -s given */
  uint64_t    seed;
} tff_utest_;

#if defined(__GNUC__)
#define TFF_UTEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TFF_UTEST_NORETURN     __attribute__((noreturn))
#else
#define TFF_UTEST_PRINTF(f, a)
#define TFF_UTEST_NORETURN
#endif

/* Function:  tff_utest_Init()
 * Synopsis:  Read the driver's options: -s SEED, -v, -h.
 * Args:      usage: what the driver takes after its options (NULL: nothing).
 * Returns:   the index in argv of the first argument after the options.
 *            -h prints the usage and exits 0; an unknown option exits 1.
 */
static inline int
tff_utest_Init(int argc, char **argv, const char *name, const char *usage)
{
  int i = 1;
  tff_utest_.name = name;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
    char *end = NULL;
    if (strcmp(argv[i], "-v") == 0) tff_utest_.verbose = 1;
    else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc && (tff_utest_.seed = strtoull(argv[i + 1], &end, 10), *end == '\0' && end != argv[i + 1])) {
      tff_utest_.seeded = 1;
      i++;
    } else {
      FILE *fp = strcmp(argv[i], "-h") == 0 ? stdout : stderr;
      fprintf(fp, "Usage: %s [-s SEED] [-v]%s%s\n"
                  "  -s SEED  random streams from SEED (default: the tests' fixed seeds)\n"
                  "  -v       verbose\n", name, usage ? " " : "", usage ? usage : "");
      exit(fp == stdout ? 0 : 1);
    }
  }
  if (tff_utest_.verbose && tff_utest_.seeded) printf("%s: seed %" PRIu64 "\n", name, tff_utest_.seed);
  return i;
}

/* Function:  tff_utest_Seed()
 * Synopsis:  The seed of one random stream of a test.
 * Purpose:   fixed, the seed the test was written with; with -s SEED, a seed
 *            derived from SEED and fixed (each stream stays its own).
 */
static inline uint64_t
tff_utest_Seed(uint64_t fixed)
{
  return tff_utest_.seeded ? tff_rng_Derive(tff_utest_.seed, fixed) : fixed;
}

/* 1 with -v. */
static inline int
tff_utest_Verbose(void)
{
  return tff_utest_.verbose;
}

/* printf to stdout with -v, nothing without. */
static inline TFF_UTEST_PRINTF(1, 2) void
tff_utest_Log(const char *fmt, ...)
{
  if (!tff_utest_.verbose) return;
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
}

static inline TFF_UTEST_PRINTF(3, 4) TFF_UTEST_NORETURN void
tff_utest_Fail(const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "%s: FAIL (%s:%d): ", tff_utest_.name ? tff_utest_.name : "utest", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (tff_utest_.seeded) fprintf(stderr, " [-s %" PRIu64 "]", tff_utest_.seed);
  fputc('\n', stderr);
  exit(1);
}

/* a is near the expected b: |a - b| <= tol * (1 + |b|), a relative tolerance
 * for large values and an absolute one near 0. NaN is near nothing. */
static inline int
tff_utest_Near(double a, double b, double tol)
{
  return fabs(a - b) <= tol * (1.0 + fabs(b));
}

static inline TFF_UTEST_PRINTF(6, 7) void
tff_utest_CheckNear(const char *file, int line, double a, double b, double tol, const char *fmt, ...)
{
  if (tff_utest_Near(a, b, tol)) return;
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  tff_utest_Fail(file, line, "%s: %.17g, expected %.17g within %g (x (1 + |expected|))", why, a, b, tol);
}

/* TFF_UFAIL(fmt, ...): fail here, with a printf-style message. */
#define TFF_UFAIL(...) tff_utest_Fail(__FILE__, __LINE__, __VA_ARGS__)

/* TFF_UCHECK(cond, fmt, ...): fail unless cond. */
#define TFF_UCHECK(cond, ...) do { if (!(cond)) tff_utest_Fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* TFF_UNEAR(got, expected, tol, fmt, ...): fail unless tff_utest_Near(); the
 * message gives the reason (fmt), both values and the tolerance. */
#define TFF_UNEAR(got, expected, tol, ...) tff_utest_CheckNear(__FILE__, __LINE__, (got), (expected), (tol), __VA_ARGS__)

/* The driver's last line: "tff_foo_utest: ok", exit status 0. */
static inline int
tff_utest_Done(void)
{
  printf("%s: ok\n", tff_utest_.name);
  return 0;
}

#endif /* TFF_UTEST_INCLUDED */
