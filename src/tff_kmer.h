/* tff_kmer: alignment-free evidence, a motif's expected k-mer spectrum and a
 * multinomial logistic regression on it (doc/combine.md, "k-mer evidence").
 *
 * The nearest-neighbour evidence aligns a motif with each reference column by
 * column; the networks read it through convolutions. This module describes a
 * motif without any alignment: for k = 3..6, the expected number of times each
 * k-letter word occurs in a site drawn from the matrix,
 *     c(w) = sum over start positions s of prod_j p[s + j][w_j],
 * for the motif and its reverse complement together (so the description does not
 * depend on the strand), folded onto the canonical words (a word and its reverse
 * complement are one feature: 32 + 136 + 512 + 2080 = 2760 numbers), normalised
 * per k to frequencies and square-rooted (Hellinger). A motif narrower than k has
 * a uniform spectrum for that k.
 *
 * The classifier on it: an L2-penalised multinomial logistic regression
 * (softmax of x W + b), fitted by maximum likelihood with the penalty
 * |W|^2 / (2 C n) on the mean log-loss (C as scikit-learn's; the bias is not
 * penalised). There are more features (2760) than motifs, so the fit is done in
 * the span of the training motifs' leading directions: an orthonormal basis Q of
 * rank r (300) from a randomised range finder (Halko, Martinsson & Tropp 2011,
 * two power iterations, fixed seed) on the centred training spectra; W = Q V
 * with V (r x F) fitted by L-BFGS. The model keeps W, b and the centring
 * vector, so prediction is one product. Deterministic: the same data give the
 * same bits, whatever the number of threads.
 *
 * Model files ("TFFAM-KMER 1"): text, the families in order, the settings, one
 * line per feature (its centre and its F weights), the biases, and a last line
 * "crc32 XXXXXXXX" over every byte before it.
 *
 * Contents:
 *   1. The spectrum
 *   2. The model: fit, predict, out-of-fold probabilities
 *   3. Model files
 */
#ifndef TFF_KMER_INCLUDED
#define TFF_KMER_INCLUDED

#include <stdint.h>
#include <stdio.h>

#include "tff_motif.h"
#include "tff_util.h"

#define TFF_KMER_KMIN  3
#define TFF_KMER_KMAX  6
#define TFF_KMER_DIM   2760     /* canonical words of length 3..6: 32 + 136 + 512 + 2080 */
#define TFF_KMER_MAGIC "TFFAM-KMER"
#define TFF_KMER_VERSION 1
#define TFF_KMER_MAXFAM 1000    /* families a model file may have (TFClass has fewer than 200 families) */

/* 1. The spectrum */

/* Function:  tff_kmer_Spectrum()
 * Synopsis:  x[TFF_KMER_DIM]: the motif's folded, normalised, square-rooted
 *            expected k-mer spectrum for k = 3..6 (blocks in that order; words
 *            in each block in increasing order of their index, A C G T = 0..3,
 *            first letter most significant, canonical = not above its reverse
 *            complement's index).
 */
void tff_kmer_Spectrum(const TFF_MOTIF *m, double *x);

/* 2. The model */

typedef struct {
  double C;          /* inverse penalty (default 20) */
  int    rank;       /* dimension of the fitting basis (default 300; at most the training motifs - 1) */
  int    maxit;      /* L-BFGS iterations at most (default 500) */
  uint64_t seed;     /* of the range finder's random matrix */
} TFF_KMER_OPTS;

void tff_kmer_DefaultOpts(TFF_KMER_OPTS *o);

typedef struct {
  int     nfam;
  char  **fam;       /* [nfam] family names (NULL in memory after a fit) */
  int     dim;       /* TFF_KMER_DIM */
  double  C;         /* as fitted */
  int     rank;      /* as fitted */
  double *mu;        /* [dim] centre: the training motifs' mean spectrum */
  double *W;         /* [dim x nfam] */
  double *b;         /* [nfam] */
  char    crc[9];    /* the file's crc32 line (tff_kmer_Parse), "" if it had none or was not read from a file */
} TFF_KMER;

/* Function:  tff_kmer_Fit()
 * Synopsis:  Fit the model on the spectra X (n x TFF_KMER_DIM) of the motifs
 *            with sel[i] != 0 (sel NULL: all) and a label y[i] in 0..nfam-1.
 * Purpose:   One thread (callers run fits side by side).
 * Returns:   tffOK and *ret_K; tffEINVAL (fewer than 2 motifs), tffEMEM.
 */
int  tff_kmer_Fit(const double *X, const int *y, const int *sel, int n, int nfam, const TFF_KMER_OPTS *o, TFF_KMER **ret_K,
                  char *errbuf);

/* Function:  tff_kmer_Predict()
 * Synopsis:  prob[nfam]: the model's probabilities for the spectrum x.
 */
void tff_kmer_Predict(const TFF_KMER *K, const double *x, double *prob);

/* Function:  tff_kmer_PredictMotifs()
 * Synopsis:  prob[n x nfam] for n motifs (their spectra computed here).
 */
int  tff_kmer_PredictMotifs(const TFF_KMER *K, TFF_MOTIF *const *m, int n, double *prob, char *errbuf);

/* Function:  tff_kmer_OOF()
 * Synopsis:  Out-of-fold probabilities: for each fold k (0..nfold-1) a model
 *            fitted on the motifs of the other folds with trainable[i] != 0
 *            (NULL: all) predicts fold k's motifs: prob[i x nfam]. A motif whose
 *            fold is outside 0..nfold-1 trains every model and is not predicted
 *            (its row stays 0).
 * Purpose:   The folds are fitted in parallel (OpenMP); the result does not
 *            depend on the number of threads. Fold k's seed is
 *            tff_rng_Derive(o->seed, k).
 */
int  tff_kmer_OOF(const double *X, const int *y, const int *trainable, const int *fold, int n, int nfam, int nfold,
                  const TFF_KMER_OPTS *o, double *prob, char *errbuf);

void tff_kmer_Destroy(TFF_KMER *K);   /* NULL is fine */

/* 3. Model files */

/* Function:  tff_kmer_Write()
 * Synopsis:  Write K with family names fam[] and a comment line (may be NULL);
 *            opt_crc (may be NULL) gets the crc32 written on the last line, the
 *            value a combiner's kmer_model line records.
 */
int  tff_kmer_Write(FILE *fp, const TFF_KMER *K, char *const *fam, const char *comment, char *opt_crc, char *errbuf);

/* Function:  tff_kmer_Parse() / tff_kmer_Read()
 * Synopsis:  Read a model file (a buffer named name; a path). The crc32 line,
 *            if there, must match; every number is checked (finite, in range).
 * Returns:   tffOK and *ret_K; tffENOTFOUND (Read); tffEFORMAT, tffEINCOMPAT
 *            (file and line in errbuf); tffEMEM.
 */
int  tff_kmer_Parse(const char *name, const char *data, size_t n, TFF_KMER **ret_K, char *errbuf);
int  tff_kmer_Read(const char *path, TFF_KMER **ret_K, char *errbuf);

#endif /* TFF_KMER_INCLUDED */
