/* tffam-cv.h: what the two source files of the tffam-cv program share.
 *
 *   tffam-cv.c          options, folds (stratified, grouped, stem, cluster), the
 *                       networks' out-of-fold probabilities and their cache, the
 *                       cross-validation of KNN, the network and the combined model on
 *                       each split, the reports (cv_*.tsv, cv.html, the table on
 *                       standard output) and -write-combiner;
 *   tffam-cv-novelty.c  -novelty: the no_known_family model, fitted on the known
 *                       motifs (out of fold), the left-out classes and decoys, and
 *                       judged leave-one-class-out (doc/combine.md, "No known family").
 *
 * Not a library interface: only these two files include it.
 */
#ifndef TFFAM_CV_H
#define TFFAM_CV_H

#include <stdint.h>
#include <stdio.h>

#include "tff_calib.h"
#include "tff_combine.h"
#include "tff_io.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_outdir.h"
#include "tff_train.h"

/* The methods of a split's table (rows of cv_table.tsv). */
enum { M_KNN, M_KNN_T, M_CNN, M_CNN_T, M_COMB, NMETHOD };

/* One split's out-of-fold calls and their summaries. */
typedef struct {
  const char *split;
  int         K;
  int        *fold;       /* n */
  int        *pred;       /* NMETHOD x n */
  double     *conf;       /* NMETHOD x n */
  double     *comb;       /* n x nfam: combined probabilities */
  int        *novel;      /* n: 1 if no same-family reference of another fold at ed p < -novel-pvalue */
  double      acc[NMETHOD], f1[NMETHOD], ece[NMETHOD], fold_acc_mean[NMETHOD], fold_acc_sd[NMETHOD];
  TFF_CALIB_BINS bins[NMETHOD];
  long        n_single, n_novel;                  /* motifs scored (one label), of them novel */
  double      f1_5[NMETHOD];                      /* macro-F1 over the families with at least 5 motifs */
  double     *recall;                             /* NMETHOD x nfam: recall per family */
  long       *support;                            /* nfam */
  double      nov_acc[NMETHOD], nov_ece[NMETHOD];
  TFF_CALIB_BINS nov_bins[NMETHOD];
  long        hi_n[NMETHOD], hi_ok[NMETHOD];      /* calls with confidence >= 0.9, right ones */
  long        nhi_n[NMETHOD], nhi_ok[NMETHOD];    /* the same among the novel motifs */
  long        n_dimer, dimer_one, dimer_both_top2, dimer_both_p10;   /* two-label motifs (combined model) */
  double     *lambda, *cw;    /* K: chosen per outer fold */
} SPLIT_RESULT;

/* cv_network_probs(): the networks' out-of-fold probabilities as the options ask
 * (-cnn-cache, -augment-mix: the same seeds again without augmentation, and the mean of
 * all). pairs 0: prob[n x nfam], each motif by networks trained without its fold; pairs
 * 1: prob[K x n x nfam], the nested ones (tff_combine_CnnPairOOF). */
int cv_network_probs(int pairs, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K,
                     int nseeds, double *prob, char *errbuf);

/* -novelty: its settings (main() sets them) and the model cv_novelty_Run() fits on all
 * rows, which -write-combiner writes into the combiner. */
typedef struct {
  int     use_cnn;                  /* -novelty-cnn: cnn_top is a feature */
  double  wloco;                    /* -novelty-loco-weight */
  int     have;                     /* 1 once the model below is fitted */
  double  w[TFF_NOVEL_NFEAT], b;    /* its coefficients and intercept */
  double  thresh;                   /* its threshold (-novelty-lost) */
  double *typ;                      /* nfam x 2: its families' typical best -log10 p (ed, extra score); free() it */
} CV_NOVELTY;

/* cv_novelty_LocoClass(): whether family c is left out (one at a time) by -novelty: when
 * at least locomin motifs carry it, as their only or either of two labels; its one-label
 * motifs are the queries. *opt_count: the motifs that carry c; *opt_nquery: its one-label
 * motifs (a left-out class with none adds no row). */
int cv_novelty_LocoClass(const TFF_LABELS *L, int c, int locomin, int *opt_count, int *opt_nquery);

/* cv_novelty_Run(): fit and judge the novelty model (doc/combine.md, "No known family").
 * T and TX (NULL without an extra score): the all-vs-all neighbour tables; R: the
 * split whose out-of-fold calls are the known rows (the combiner's split); Rall[nsplit]:
 * every split, for the final model's lost calls. Writes cv_novelty.tsv into od when
 * have_dir, its summary lines to out, and the model fitted on all rows into M. */
int cv_novelty_Run(const TFF_MOTIFSET *set, const TFF_LABELS *L, const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, int extra_col,
                   const SPLIT_RESULT *R, const SPLIT_RESULT *Rall, int nsplit, int locomin, double lost, int ndecoy, uint64_t seed,
                   int nthreads, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int nseeds, TFF_OUTDIR *od, int have_dir,
                   int verbose, FILE *out, CV_NOVELTY *M, char *errbuf);

#endif /* TFFAM_CV_H */
