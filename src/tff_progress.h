/* tff_progress: "N of M motifs done, rate, ETA" on stderr during long runs.
 *
 * tffam's classification (each query compared with the reference under each
 * column score, then its importance profile; one phase over the whole streamed
 * run, in query x step units) reports through one TFF_PROGRESS:
 *   - on a terminal, one line rewritten in place ("\r"), at most every 0.5 s,
 *     ended with a newline when the work is done;
 *   - elsewhere (a log file, a pipe), one line every 10 s, if enabled at all
 *     (tffam: -verbosity 3 or more).
 * Nothing is printed for a run that ends within its first second. Updates may
 * come from several OpenMP threads (tff_progress_Add() is a critical section).
 *
 * Contents:
 *   1. The progress line
 */
#ifndef TFF_PROGRESS_INCLUDED
#define TFF_PROGRESS_INCLUDED

#include <stdio.h>

typedef struct {
  FILE       *fp;        /* stderr, or NULL: silent */
  const char *prog;      /* "tffam" */
  const char *what;      /* the phase: "comparing", "importance" */
  long        total, done;
  int         tty;       /* rewrite one line in place */
  int         shown;     /* a line was printed (and not yet ended) */
  double      t0, last;  /* start, last print (monotonic seconds) */
} TFF_PROGRESS;

/* Function:  tff_progress_Start()
 * Synopsis:  Begin a phase of <total> units. mode 0: silent; 1: only when <fp>
 *            is a terminal; 2: also to a file or pipe (a line every 10 s).
 */
void tff_progress_Start(TFF_PROGRESS *P, FILE *fp, int mode, const char *prog, const char *what, long total);

/* Function:  tff_progress_Add()
 * Synopsis:  <n> more units done; prints when it is time to. NULL P is fine.
 */
void tff_progress_Add(TFF_PROGRESS *P, long n);

/* Function:  tff_progress_End()
 * Synopsis:  The phase is over: a final line (if any was shown) with the time it took.
 */
void tff_progress_End(TFF_PROGRESS *P);

#endif /* TFF_PROGRESS_INCLUDED */
