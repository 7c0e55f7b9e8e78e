/* tff_calib: probability calibration and its measurement.
 *
 * Temperature scaling (Guo et al. 2017): probabilities p_f = softmax(z_f / T)
 * of scores z (log-probabilities or logits); T > 0 is fitted by maximum
 * likelihood on labelled items (typically out-of-fold predictions). The
 * negative log-likelihood is convex in beta = 1/T, so a safeguarded Newton
 * iteration on beta finds the optimum.
 *
 * Expected calibration error (ECE): the predictions are binned by confidence
 * (the probability of the predicted family) into B equal-width bins of [0, 1]
 * (bin b holds confidences in (b/B, (b+1)/B]; 0 goes to bin 0);
 *   ECE = sum_b (n_b / n) |accuracy_b - mean confidence_b|.
 * The same bins give a reliability diagram (SVG).
 *
 * Contents:
 *   1. Temperature scaling
 *   2. Calibration error and reliability bins
 *   3. Reliability diagram (SVG)
 */
#ifndef TFF_CALIB_INCLUDED
#define TFF_CALIB_INCLUDED

#include <stdio.h>

#include "tff_util.h"

/* 1. Temperature scaling */

/* Function:  tff_calib_Softmax()
 * Synopsis:  prob[f] = softmax(z[f] / T) over nfam families (overflow-safe).
 * Purpose:   tffam's one softmax: T = 1 gives the networks' probabilities
 *            (z / 1.0 is z to the bit).
 */
void tff_calib_Softmax(const double *z, int nfam, double T, double *prob);

/* Function:  tff_calib_NLL()
 * Synopsis:  Mean negative log-likelihood of softmax(z / T) over the items
 *            with use[i] != 0 (use may be NULL: all), z row-major n x nfam.
 */
double tff_calib_NLL(const double *z, const int *y, const int *use, int n, int nfam, double T);

/* Function:  tff_calib_FitTemperature()
 * Synopsis:  The temperature that minimises tff_calib_NLL().
 * Purpose:   Items with y < 0 are skipped as well. If the scores already rank
 *            every item's true family first with a margin, the likelihood keeps
 *            rising as T -> 0; the search is bounded to T in [0.01, 100].
 * Returns:   tffOK and *ret_T; tffEINVAL if no item is usable.
 */
int tff_calib_FitTemperature(const double *z, const int *y, const int *use, int n, int nfam,
                             double *ret_T, char *errbuf);

/* 2. Calibration error */
#define TFF_CALIB_MAXBINS 100

typedef struct {
  int    nbins;
  long   n;                          /* items counted */
  long   count[TFF_CALIB_MAXBINS];   /* items per bin */
  double conf[TFF_CALIB_MAXBINS];    /* mean confidence per bin (0 if empty) */
  double acc[TFF_CALIB_MAXBINS];     /* fraction correct per bin (0 if empty) */
  double ece;                        /* expected calibration error */
  double mce;                        /* maximum |acc - conf| over non-empty bins */
} TFF_CALIB_BINS;

/* Function:  tff_calib_Bins()
 * Synopsis:  Bin predictions by confidence; compute ECE and MCE.
 * Args:      conf[i]    - confidence of item i's prediction (0..1)
 *            correct[i] - 1 if the prediction was right
 *            n, nbins   - items, bins (1..TFF_CALIB_MAXBINS)
 * Returns:   tffOK; tffEINVAL (bad nbins, or a confidence outside [0, 1]).
 */
int tff_calib_Bins(const double *conf, const int *correct, int n, int nbins, TFF_CALIB_BINS *B, char *errbuf);

/* 3. Reliability diagram */

/* Function:  tff_calib_WriteSVG()
 * Synopsis:  A reliability diagram: per bin, a bar of accuracy against the
 *            diagonal, bar width scaled by nothing, the count as a tooltip;
 *            the title and ECE printed above. Inline-able in HTML.
 */
int tff_calib_WriteSVG(FILE *fp, const TFF_CALIB_BINS *B, const char *title, char *errbuf);

#endif /* TFF_CALIB_INCLUDED */
