/* tff_ig: Integrated Gradients attributions for the conv net.
 *
 * Integrated Gradients (Sundararajan, Taly & Yan 2017) explains one output of
 * the network, F, for one motif P (w x 4 probabilities) relative to a baseline
 * B: the attribution of cell (t, a) is
 *
 *   A[t][a] = (P[t][a] - B[t][a]) * integral_0^1 dF(B + s (P - B)) / dP[t][a] ds
 *
 * and by completeness sum_{t,a} A[t][a] = F(P) - F(B), up to the error of the
 * numerical integral.
 *
 * Choices (documented in doc/ig.md):
 *   - The path is a straight line in PROBABILITY space, the baseline is the
 *     uniform matrix (0.25 in every cell, the "no information" motif of the
 *     same width; with the centred encoding it is the all-zero input). The
 *     gradient is taken through the model's input encoding (chain rule), so
 *     attributions are in units of the output for every encoding.
 *   - The forward pass is the network's own RC-invariant one: the motif and
 *     its reverse complement both enter, and the gradient of a cell is the
 *     sum of the gradients through both strands. Hence the attributions of
 *     RC(P) are those of P mirrored (position w-1-t, letter 3-a).
 *   - Output F: the chosen family's LOGIT (default; the softmax saturates for
 *     confident calls, which makes probability attributions vanish), or its
 *     softmax probability (tffIG_PROB).
 *   - Integral: midpoint rule with m steps (default 50; m gradient
 *     evaluations; it never evaluates at the baseline, where the max pool is
 *     tied), or the trapezoid rule (m + 1 evaluations). The network is
 *     piecewise linear in its input (ReLU, max pool), so the error comes from
 *     the kinks the path crosses and falls like 1/m.
 *   - Padding columns (motifs narrower than the model's minw) are not part of
 *     the motif and get no attribution.
 *
 * Per-position profile: S[t] = sum_a A[t][a]; importance[t] = S[t] / sum_u |S[u]|
 * (signed; the absolute values sum to 1; all zero if every S[t] is zero).
 *
 * Contents:
 *   1. Options and results
 *   2. Attributions of one motif
 *   3. Profiles, consensus cores, results
 */
#ifndef TFF_IG_INCLUDED
#define TFF_IG_INCLUDED

#include "tff_cnn.h"
#include "tff_motif.h"
#include "tff_progress.h"
#include "tff_result.h"
#include "tff_util.h"

/* 1. Options and results */
enum tff_ig_target { tffIG_LOGIT = 0, tffIG_PROB = 1 };
enum tff_ig_rule   { tffIG_MIDPOINT = 0, tffIG_TRAPEZOID = 1 };

#define TFF_IG_DEFAULT_STEPS 50

typedef struct {
  int steps;    /* interpolation steps m >= 1 */
  int rule;     /* enum tff_ig_rule */
  int target;   /* enum tff_ig_target */
  int nthreads; /* tff_ig_FillResult(): threads sharing the queries (0: the OpenMP default) */
  TFF_PROGRESS *progress;   /* tff_ig_FillResult(): one unit per query, or NULL */
  int q0, q1;   /* tff_ig_FillResult(): only R's queries q0..q1-1 (a streamed run's
                 * chunk); q1 = 0: all of them */
} TFF_IG_OPTS;

/* Function:  tff_ig_DefaultOpts()
 * Synopsis:  50 steps, midpoint rule, logit, the OpenMP default number of threads.
 */
void tff_ig_DefaultOpts(TFF_IG_OPTS *o);

/* Workspace for attributions with one network (not shareable between threads). */
typedef struct tff_ig_ws_s TFF_IG_WS;

/* Function:  tff_ig_WsCreate()
 * Synopsis:  Scratch space for motifs up to width <maxw> (grows when needed).
 */
int  tff_ig_WsCreate(const TFF_CNN *net, int maxw, TFF_IG_WS **ret_ws, char *errbuf);
void tff_ig_WsDestroy(TFF_IG_WS *ws);

/* 2. Attributions */

/* Function:  tff_ig_Attribute()
 * Synopsis:  Integrated Gradients of one motif for family <fam>.
 * Args:      fam        - family index 0..nfam-1, or -1: the predicted family
 *            attr       - out: w*4 attributions, row-major like m->p
 *            opt_fam    - out: the family explained (useful with fam = -1)
 *            opt_fx     - out: F(motif)
 *            opt_fbase  - out: F(baseline)
 * Returns:   tffOK; tffEINVAL (bad family, steps < 1, empty motif); tffEMEM.
 */
int  tff_ig_Attribute(const TFF_CNN *net, TFF_IG_WS *ws, const TFF_MOTIF *m, int fam, const TFF_IG_OPTS *o,
                      double *attr, int *opt_fam, double *opt_fx, double *opt_fbase, char *errbuf);

/* 3. Profiles, cores, results */

/* Function:  tff_ig_Profile()
 * Synopsis:  Per-position importance from w*4 attributions (see above) into imp[w].
 */
void tff_ig_Profile(const double *attr, int w, double *imp);

/* Function:  tff_ig_FindCore()
 * Synopsis:  Find a consensus core (IUPAC-free pattern of A, C, G, T and N,
 *            e.g. "CANNTG", "TAAT") in a motif, on either strand.
 * Purpose:   A window matches when at each non-N position of the pattern the
 *            pattern's letter is the most probable letter of that column
 *            (ties count as a match). Among matching windows, on both strands,
 *            the one with the largest sum of log probabilities of the pattern
 *            letters wins (ties: leftmost, forward strand first).
 * Returns:   the first motif column of the window (0-based), or -1 if none;
 *            *opt_strand = 0 (forward) / 1 (the pattern is on the reverse strand).
 */
int  tff_ig_FindCore(const TFF_MOTIF *m, const char *pattern, int *opt_strand);

/* Function:  tff_ig_CoreShare()
 * Synopsis:  Share of |importance| on columns [start, start+len): sum |imp| there / sum |imp|.
 * Returns:   the share in [0,1], or NAN if all importances are zero.
 */
double tff_ig_CoreShare(const double *imp, int w, int start, int len);

/* Function:  tff_ig_FillResult()
 * Synopsis:  For every query of R that has conv net probabilities, attribute
 *            the family the report shows (tff_result_Call(): the combined
 *            model's call if it ran, else the network's top family) and store
 *            the profile with tff_result_SetImportance().
 * Purpose:   With several networks (an ensemble) the attributions are averaged
 *            before the profile is made: IG is linear in the function, so that
 *            is IG of the mean of the networks' logits. R's families must be
 *            every network's (same order). Queries without a call are left alone.
 */
int  tff_ig_FillResult(const TFF_CNN *const *nets, int nnet, const TFF_IG_OPTS *o, TFF_RESULT *R, char *errbuf);

#endif /* TFF_IG_INCLUDED */
