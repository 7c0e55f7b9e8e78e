/* tff_progress: "N of M motifs done, rate, ETA" on stderr during long runs.
 * See tff_progress.h.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tff_progress.h"
#include "tff_util.h"

/*****************************************************************
 * 1. The progress line
 *****************************************************************/

void
tff_progress_Start(TFF_PROGRESS *P, FILE *fp, int mode, const char *prog, const char *what, long total)
{
  memset(P, 0, sizeof *P);
  P->tty   = fp && isatty(fileno(fp));
  P->fp    = (mode == 2 || (mode == 1 && P->tty)) ? fp : NULL;
  P->prog  = prog;
  P->what  = what;
  P->total = total;
  P->t0    = P->last = tff_Seconds();
}

static void
print_line(TFF_PROGRESS *P, double now, int final)
{
  double el = now - P->t0, rate = el > 0 ? (double) P->done / el : 0.0;
  if (final)
    fprintf(P->fp, "%s%s: %s: %ld of %ld done in %.1f s (%.1f/s)%s\n", P->tty ? "\r" : "", P->prog, P->what, P->done, P->total, el, rate, P->tty ? "          " : "");
  else {
    double eta = rate > 0 ? (double) (P->total - P->done) / rate : 0.0;
    fprintf(P->fp, "%s%s: %s: %ld of %ld done (%.0f%%), %.1f/s, ETA %.0f s   %s", P->tty ? "\r" : "", P->prog, P->what,
            P->done, P->total, P->total > 0 ? 100.0 * (double) P->done / (double) P->total : 100.0, rate, eta, P->tty ? "" : "\n");
  }
  fflush(P->fp);
  P->last  = now;
  P->shown = !final;
}

void
tff_progress_Add(TFF_PROGRESS *P, long n)
{
  if (P == NULL || P->fp == NULL) return;
#ifdef _OPENMP
#pragma omp critical(tff_progress)
#endif
  {
    double now = tff_Seconds();
    P->done += n;
    if (now - P->t0 >= 1.0 && now - P->last >= (P->tty ? 0.5 : 10.0) && P->done < P->total) print_line(P, now, 0);
  }
}

void
tff_progress_End(TFF_PROGRESS *P)
{
  if (P == NULL || P->fp == NULL) return;
  if (P->shown || (!P->tty && tff_Seconds() - P->t0 >= 1.0)) print_line(P, tff_Seconds(), 1);
  P->fp = NULL;
}
