/* tff_util: status codes, the error buffer, checked allocation and checked output.
 *
 * One error convention is used everywhere in tffam:
 *   - A function that can fail returns an int status: tffOK (0) or one of the
 *     tffE* codes below. It never exits and never prints.
 *   - When it fails it writes a one-line, human-readable message into the
 *     caller's errbuf (char errbuf[TFF_ERRBUFSIZE]); errbuf may be NULL.
 *     Messages name the file, the line (or XML element) and the motif where
 *     that is known: "query.meme line 14: motif MA0001.3: row 3 sums to 0.91".
 *   - Functions that allocate declare `int status;`, set their pointers to NULL,
 *     and on failure `goto ERROR;` where everything is freed. TFF_FAIL and
 *     TFF_ALLOC do the jump.
 *   - Only main() turns a status into an exit code (tff_ExitCode) and a message
 *     on stderr.
 *
 * Contents:
 *   1. Status codes and the fail macros
 *   2. Checked allocation
 *   3. Small string helpers
 *   4. Checked output
 *   5. A string -> index map
 *   6. Files: existence, the shipped data files
 */
#ifndef TFF_UTIL_INCLUDED
#define TFF_UTIL_INCLUDED

#include <stddef.h>
#include <stdio.h>
#include <stdarg.h>

/* 1. Status codes */
enum tff_status {
  tffOK        = 0,  /* success */
  tffFAIL      = 1,  /* generic failure */
  tffEOF       = 2,  /* end of input (not always an error) */
  tffEMEM      = 3,  /* out of memory */
  tffENOTFOUND = 4,  /* a file, motif or family that does not exist */
  tffEFORMAT   = 5,  /* malformed input */
  tffEINVAL    = 6,  /* invalid argument or option */
  tffEWRITE    = 7,  /* an output could not be written */
  tffESYS      = 8,  /* a system call failed */
  tffEINCOMPAT = 9,  /* a model or file of the wrong version or kind */
  tffEUSAGE    = 10  /* bad command line (main() prints usage) */
};

#define TFF_ERRBUFSIZE 1024

/* TFF_CLONES_AVX2 before a function compiles it twice, for CPUs with AVX2
 * and for the baseline, and picks one when the program loads (GCC, x86-64,
 * glibc). For plain loops that the compiler vectorises: twice the vector
 * width on CPUs without the hand-written AVX-512 kernels. The arithmetic is
 * the same in both (no contraction: -ffp-contract=off, configure.ac; no
 * reassociation), so are the results. The one clone macro of tffam;
 * -DTFF_NO_CLONES turns it off. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && defined(__GLIBC__) && !defined(TFF_NO_CLONES)
#define TFF_CLONES_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define TFF_CLONES_AVX2
#endif

/* TFF_SIMD before a loop whose iterations are independent: vectorise it
 * (OpenMP simd; nothing without OpenMP). */
#ifdef _OPENMP
#define TFF_SIMD _Pragma("omp simd")
#else
#define TFF_SIMD
#endif

/* Function:  tff_SimdLevel()
 * Synopsis:  Which hand-written vector kernels this CPU may run.
 * Returns:   2: AVX-512 (F, DQ, BW, VL, with BMI2 and POPCNT); 1: AVX2 (with
 *            POPCNT); 0: none (not x86-64, or $TFF_NOSIMD is set: the scalar
 *            code, which the tests compare with the kernels). $TFF_NOAVX512
 *            caps it at 1, as on a CPU without AVX-512. Decided once.
 */
int tff_SimdLevel(void);

/* Function:  tff_Seconds()
 * Synopsis:  Wall-clock seconds from a fixed point (monotonic): for durations.
 */
double tff_Seconds(void);

/* Function:  tff_Fail()
 * Synopsis:  Format an error message into errbuf and return <status>.
 * Purpose:   printf-style; errbuf may be NULL. The message is one line.
 */
int tff_Fail(char *errbuf, int status, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* TFF_FAIL(code, errbuf, fmt, ...): record the message, set `status`, goto ERROR. */
#define TFF_FAIL(code, errbuf, ...) \
  do { status = tff_Fail((errbuf), (code), __VA_ARGS__); goto ERROR; } while (0)

/* TFF_CHECK(call): run call; on a non-OK status, keep it and goto ERROR
 * (the callee already wrote errbuf). */
#define TFF_CHECK(call) \
  do { if ((status = (call)) != tffOK) goto ERROR; } while (0)

/* Exit code for main(): 0 for tffOK, 1 for usage/input errors, 2 for system errors. */
int tff_ExitCode(int status);

/* 2. Checked allocation.
 * TFF_ALLOC(p, n) / TFF_CALLOC(p, count, size) / TFF_REALLOC(p, n): on failure set
 * status = tffEMEM, write "out of memory" into `errbuf` (which must be in scope,
 * possibly NULL) and goto ERROR. A size of zero is treated as one byte, so
 * that NULL always means out of memory: the one rule for zero-size
 * allocations is to allocate n items as they come, n = 0 included, through
 * these (or tff_Malloc/tff_Calloc/tff_Realloc), without an `n > 0 ? n : 1`
 * pad. (Variable-length arrays still need one: a VLA of 0 is undefined.) */
#define TFF_ALLOC(p, n) \
  do { if (((p) = tff_Malloc(n)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory (%zu bytes)", (size_t)(n)); } while (0)
#define TFF_CALLOC(p, count, size) \
  do { if (((p) = tff_Calloc((count), (size))) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory (%zu x %zu bytes)", (size_t)(count), (size_t)(size)); } while (0)
#define TFF_REALLOC(p, n) \
  do { void *tff_tmp_ = tff_Realloc((p), (n)); if (tff_tmp_ == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory (%zu bytes)", (size_t)(n)); (p) = tff_tmp_; } while (0)

void *tff_Malloc(size_t n);
void *tff_Calloc(size_t count, size_t size);
void *tff_Realloc(void *p, size_t n);

/* 3. Strings */
char *tff_Strdup(const char *s);              /* NULL on OOM or s == NULL */
char *tff_Strndup(const char *s, size_t n);
int   tff_StrStartsWith(const char *s, const char *prefix);
/* Function:  tff_SplitTabs()
 * Synopsis:  Split a line at tabs, in place, into at most maxf fields.
 * Purpose:   The line's end (\n, \r\n) is removed first. Field maxf ends at
 *            the next tab and the rest of the line is dropped: ask for one
 *            field more than a row may have to notice a longer one. With
 *            trim, the spaces and '\r' around each field are removed.
 * Returns:   the number of fields, 1..maxf (maxf >= 1).
 */
int   tff_SplitTabs(char *s, char **f, int maxf, int trim);
char *tff_Basename(const char *path);          /* pointer into path */

/* Text that an XML document (and a terminal) can take: UTF-8 without C0
 * control characters (tab, LF, CR allowed when allow_ws), DEL, overlong forms,
 * surrogates, code points past U+10FFFF, U+FFFE or U+FFFF.
 * tff_TextBad(): offset of the first byte that is not such text, or -1 if all is.
 * tff_TextClean(): a copy with each bad sequence replaced by U+FFFD (NULL on OOM). */
long  tff_TextBad(const char *s, int allow_ws);
/* 3 if data starts with a UTF-8 byte order mark (EF BB BF), else 0: the text starts after it. */
size_t tff_BomLength(const char *data, size_t n);
char *tff_TextClean(const char *s, int allow_ws);
/* One line, whatever a file name or a hostile file put into text we print (a
 * newline, a terminal escape): the control characters of s[0..n-1] (below 0x20,
 * and DEL) become spaces. */
void  tff_OneLine(char *s, size_t n);

/* A growable byte buffer (for reading files and building text). */
typedef struct {
  char  *s;      /* NUL-terminated contents */
  size_t n;      /* length, excluding the NUL */
  size_t nalloc;
} TFF_BUF;
void tff_buf_Init(TFF_BUF *b);
int  tff_buf_Append(TFF_BUF *b, const char *s, size_t n, char *errbuf);
int  tff_buf_Printf(TFF_BUF *b, char *errbuf, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
void tff_buf_Free(TFF_BUF *b);

/* 4. Checked output: report writers print through these so that a full disk
 * or a closed pipe becomes tffEWRITE instead of a silently short file. */
int tff_Fprintf(FILE *fp, char *errbuf, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
int tff_Fclose(FILE *fp, const char *name, char *errbuf);
/* Flush standard output (after a report, -version or -h, ...): a failed write,
 * now or earlier, is tffEWRITE "standard output: write failed". */
int tff_FlushStdout(char *errbuf);

/* Write s with <, >, & and " escaped for HTML text and attribute values. Errors show
 * up in ferror(fp), which tff_Fclose() reports. */
void tff_FputsHTML(FILE *fp, const char *s);

/* A double formatted as C's %g would, but locale-independent; buf >= 32 bytes. */
const char *tff_FormatG(char *buf, double x, int prec);
/* A double formatted as C's %.<prec>f, except that a value that rounds to zero
 * is written without a sign ("0.0000", not "-0.0000": a tiny negative, or -0.0);
 * buf >= 32 bytes (for |x| < 1e20 at prec <= 10). */
const char *tff_FormatF(char *buf, double x, int prec);

/* CRC-32 (zlib's) of a byte range, as 8 hex digits in out[9]. */
void tff_Crc32Hex(const void *data, size_t n, char out[9]);
/* 1 if s is such a CRC-32 as written: exactly 8 lower-case hex digits (manifests, kmer_model lines). */
int  tff_IsCrc32Hex(const char *s);

/* 5. A read-only string -> index map (open addressing), for id lookups in
 * large sets. Keys are not copied: they must outlive the map. */
typedef struct {
  const char **key;   /* [cap] or NULL slots */
  int         *val;   /* [cap] */
  size_t       cap;
} TFF_STRMAP;
/* Map keys[i] -> i. A duplicate key keeps its first index. */
int  tff_strmap_Build(TFF_STRMAP *map, const char *const *keys, int n, char *errbuf);
int  tff_strmap_Get(const TFF_STRMAP *map, const char *key);   /* index, or -1 */
void tff_strmap_Free(TFF_STRMAP *map);

/* 6. Files */

/* 1 if path names an existing regular file, else 0. */
int  tff_IsFile(const char *path);
/* Why path is not a regular file, for a message: strerror() of stat ("No such
 * file or directory", ...), "is a directory" or "not a regular file". */
const char *tff_NotFileReason(const char *path);
/* NULL if path can be read as an input file: a regular file, or a pipe or
 * device such as bash's <(...); otherwise why not, as tff_NotFileReason(). */
const char *tff_NotInputReason(const char *path);

/* Function:  tff_DataPath()
 * Synopsis:  Where the shipped data file <name> is (reference motifs, models,
 *            combiners, the HTML template), as a new string in *ret_path.
 * Purpose:   $TFFAM_DATA_DIR/<name> if TFFAM_DATA_DIR is set (the only place
 *            looked at then); else the installed data directory
 *            (TFF_DATADIR, $(pkgdatadir)) if the file is there; else ../etc
 *            beside the running program (a build tree) if it is there; else
 *            the installed path. The file may not exist: callers check with
 *            tff_IsFile() and say what is missing.
 * Returns:   tffOK; tffEMEM.
 */
int  tff_DataPath(const char *name, char **ret_path, char *errbuf);

#endif /* TFF_UTIL_INCLUDED */
