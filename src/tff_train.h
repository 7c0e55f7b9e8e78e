/* tff_train: training the network, early stopping, cross-validation.
 *
 * Training (tff_train_Fit) on a list of motifs: a stratified validation split
 * (val_frac of the motifs given, per family) is held back for early stopping;
 * the rest are visited in a seeded random order every epoch, one motif per
 * Adam step (batch size 1); after each epoch the mean cross-entropy on the
 * validation split is computed; training stops when it has not improved for
 * <patience> epochs, and the parameters of the best epoch are kept.
 *
 * Cross-validation (tff_train_CV): stratified K folds; for each fold a network
 * is trained on the other K-1 folds exactly as above (the validation split is
 * taken from those K-1 folds; the held-out fold is never looked at during
 * training, which is stricter than the thesis's description allows), then
 * predicts the held-out fold. Two-label motifs (d->y2) train no network, as in
 * tffam-train -o; they are predicted (pred, prob) but not scored (acc, f1,
 * pooled, nscored). Folds run in parallel (OpenMP); each fold's
 * random streams are derived from the seed and the fold number only, so the
 * results do not depend on the number of threads.
 *
 * Augmentation (o->augment, off by default): every time a training motif is
 * visited it is replaced by a fresh random variant of itself, made in this
 * order: (trim) 0..aug_trim low-information columns (information content
 * below aug_trim_ic bits) are dropped at each end, never below aug_minw
 * columns; (pad) 0..aug_pad uniform columns are added at each end; (sample)
 * the counts of every column are drawn from a multinomial with the column's
 * probabilities and N = min(nsites, aug_nsites) sites (nsites unknown:
 * TFF_DEFAULT_NSITES) and divided by N (the encoding adds its own
 * pseudocount, if any, as for any motif). The numbers of columns are drawn
 * uniformly and independently for each end. The validation motifs and all
 * predictions use the motifs as they are. The draws come from their own
 * stream of the training seed, so augmented training is as deterministic and
 * thread-independent as plain training, and plain training is unchanged.
 *
 * Determinism: the same options, seed and data give bit-identical networks.
 *
 * Contents:
 *   1. Options
 *   2. Encoded data sets
 *   3. Training
 *   4. Cross-validation
 */
#ifndef TFF_TRAIN_INCLUDED
#define TFF_TRAIN_INCLUDED

#include <stdint.h>

#include "tff_adam.h"
#include "tff_cnn.h"
#include "tff_labels.h"
#include "tff_metrics.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_random.h"
#include "tff_util.h"

enum tff_train_cw {
  tffTRAIN_CW_NONE     = 0,   /* every motif weighs 1 (thesis) */
  tffTRAIN_CW_BALANCED = 1,   /* family k weighs n / (F * n_k) */
  tffTRAIN_CW_SQRT     = 2    /* sqrt of that */
};

enum tff_train_aug {          /* bits of TFF_TRAIN_OPTS.augment */
  tffTRAIN_AUG_SAMPLE = 1,    /* multinomial resampling of each column at min(nsites, aug_nsites) */
  tffTRAIN_AUG_TRIM   = 2,    /* drop 0..aug_trim low-information end columns */
  tffTRAIN_AUG_PAD    = 4     /* add 0..aug_pad uniform columns at each end */
};

/* 1. Options */
typedef struct {
  TFF_CNN_ARCH arch;
  TFF_ADAM     adam;
  int          init;          /* enum tff_cnn_init */
  int          patience;      /* epochs without improvement of the validation loss */
  int          max_epochs;
  double       val_frac;      /* fraction of the training motifs used for early stopping */
  int          val_groups;    /* 1: the early-stopping split keeps each group of d->group whole
                               * (stem groups: it then measures loss on new TFs); 0: stratified */
  int          class_weight;  /* enum tff_train_cw */
  int          restore_best;  /* keep the parameters of the best epoch (1) or the last (0) */
  int          augment;       /* enum tff_train_aug bits; 0: none */
  int          aug_nsites;    /* sample: cap on the number of sites drawn per column */
  int          aug_trim;      /* trim: at most this many columns per end */
  double       aug_trim_ic;   /* trim: only end columns below this information content (bits) */
  int          aug_minw;      /* trim: never below this width (or the motif's own, if narrower) */
  int          aug_pad;       /* pad: at most this many uniform columns per end */
  uint64_t     seed;
  int          verbose;       /* 0 silent; 1 per fold; 2 per epoch (stderr) */
} TFF_TRAIN_OPTS;

/* Function:  tff_train_OptsThesis()
 * Synopsis:  The training of the thesis taken literally (with the thesis network).
 */
void tff_train_OptsThesis(TFF_TRAIN_OPTS *o);

/* Function:  tff_train_OptsDefault()
 * Synopsis:  The shipped configuration (doc/cnn.md): tff_cnn_ArchDefault()
 *            and He initialisation; otherwise as the thesis.
 */
void tff_train_OptsDefault(TFF_TRAIN_OPTS *o);

/* The augmentation options of tffam-train and tffam-cv: rows of their option tables
 * (tff_opts.h; augment_help describes -augment in the program's words), read into
 * TFF_TRAIN_OPTS by tff_train_AugmentFromOpts(). */
#define TFF_TRAIN_AUGMENT_OPTS(augment_help) \
  { "augment",         tffOPT_STRING, "none", NULL, NULL,     NULL, "<list>", NULL, NULL, augment_help }, \
  { "augment-nsites",  tffOPT_INT,    "100",  "1",  "100000", NULL, "<n>",    NULL, NULL, "sample: draw min(nsites, <n>) sites per column" }, \
  { "augment-trim",    tffOPT_INT,    "3",    "0",  "100",    NULL, "<n>",    NULL, NULL, "trim: drop up to <n> low-information columns at each end" }, \
  { "augment-trim-ic", tffOPT_REAL,   "1",    "0",  "2",      NULL, "<bits>", NULL, NULL, "trim: columns below this information content count as low-information" }, \
  { "augment-minw",    tffOPT_INT,    "5",    "1",  "1000",   NULL, "<w>",    NULL, NULL, "trim: never trim a motif below <w> columns" }, \
  { "augment-pad",     tffOPT_INT,    "3",    "0",  "100",    NULL, "<n>",    NULL, NULL, "pad: add up to <n> uniform columns at each end" }

/* Function:  tff_train_AugmentFromOpts()
 * Synopsis:  o->augment and o->aug_* from the TFF_TRAIN_AUGMENT_OPTS options of opts.
 * Returns:   tffOK; tffEUSAGE (a bad -augment list, named in errbuf).
 */
int  tff_train_AugmentFromOpts(const TFF_OPTS *opts, TFF_TRAIN_OPTS *o, char *errbuf);

/* Function:  tff_train_ChannelsParse()
 * Synopsis:  Parse "a,b,c", the hidden channels of the first three layers
 *            (tffam-train -channels, tffam-cv -cnn-channels), into arch->ch[0..2];
 *            opt names the option in the error message.
 * Returns:   tffOK; tffEUSAGE (not three counts in 1..TFF_CNN_MAXCH; arch unchanged).
 */
int  tff_train_ChannelsParse(const char *opt, const char *s, TFF_CNN_ARCH *arch, char *errbuf);

/* Function:  tff_train_AugmentParse()
 * Synopsis:  Parse an augmentation list: "none", "all", or names joined by
 *            '+' or ',' from sample, trim, pad (e.g. "sample+pad").
 * Returns:   tffOK and *ret_bits; tffEUSAGE with a message naming the bad word.
 */
int  tff_train_AugmentParse(const char *s, int *ret_bits, char *errbuf);

/* Function:  tff_train_AugmentName()
 * Synopsis:  The canonical name of augmentation bits ("none", "sample+trim+pad", ...)
 *            in buf (at least 32 chars); returns buf.
 */
char *tff_train_AugmentName(int bits, char *buf, size_t len);

/* 2. Encoded data: every motif and its reverse complement, encoded once;
 * the probabilities too (for augmentation). */
typedef struct {
  int       n;
  int       nfam;
  int       maxW;
  int      *W;        /* encoded width of motif i */
  size_t   *off;      /* start of motif i in x and rc (4 * W[i] reals each) */
  tff_real *x, *rc;
  int      *y;        /* family index */
  int      *y2;       /* NULL, or n: second family of a two-label motif ("A::B"), -1 for one label;
                       * two-label motifs do not train the network and are not scored in CV */
  int       maxw;     /* widest motif (columns, before encoding) */
  int      *w;        /* width of motif i */
  size_t   *poff;     /* start of motif i in p (4 * w[i] values) */
  double   *p;        /* probabilities, row-major ACGT */
  double   *nsites;   /* nsites of motif i (0: unknown) */
  int      *group;    /* optional (NULL): group of motif i (0..ngroup-1), for the
                       * grouped early-stopping split (o->val_groups); owned by the caller */
  int       ngroup;
} TFF_TRAIN_DATA;

int  tff_train_DataCreate(const TFF_CNN_ARCH *a, const TFF_MOTIFSET *set, const TFF_LABELS *L,
                          TFF_TRAIN_DATA **ret_d, char *errbuf);
void tff_train_DataDestroy(TFF_TRAIN_DATA *d);

/* 3. Training */
typedef struct {
  int    epochs;         /* epochs run */
  int    best_epoch;     /* 1-based epoch of the lowest validation loss */
  double best_val_loss;
  double train_loss;     /* mean training loss of the best epoch */
  long   steps;          /* Adam steps taken */
} TFF_TRAIN_LOG;

/* Function:  tff_train_ValidationSplit()
 * Synopsis:  The early-stopping split of motifs idx[0..n-1]: vfold[r] == 0 marks
 *            validation motifs, fold 0 of round(1 / o->val_frac) folds;
 *            stratified by family, or, with o->val_groups and d->group, with every
 *            group on one side (tff_labels_StratifyGroups; stratified if fewer
 *            groups than folds). val_frac 0: no validation motif.
 * Returns:   tffOK; tffEINVAL (too few motifs, a bad group id); tffEMEM.
 */
int  tff_train_ValidationSplit(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *idx, int n, uint64_t seed,
                               int *vfold, char *errbuf);

/* Function:  tff_train_Fit()
 * Synopsis:  Train a network on motifs idx[0..n-1] of d.
 * Args:      tag - label for progress messages (e.g. "fold 3"), or NULL
 * Returns:   tffOK and *ret_net; tffEINVAL (too few motifs for the split), tffEMEM.
 */
int  tff_train_Fit(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *idx, int n, uint64_t seed,
                   const char *tag, TFF_CNN **ret_net, TFF_TRAIN_LOG *opt_log, char *errbuf);

/* Function:  tff_train_Augment()
 * Synopsis:  One random variant of motif i of d under o's augmentation
 *            (see the top of this file) into out (room for 4 * (d->maxw +
 *            2 * o->aug_pad) values); returns its width.
 */
int  tff_train_Augment(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int i, TFF_RNG *rng, double *out);

/* Function:  tff_train_Probs()
 * Synopsis:  Probabilities (nfam) of motif i of d under net (ws from tff_cnn_WsCreate
 *            with tff_cnn_RowLength(net, d->maxW)).
 */
void tff_train_Probs(const TFF_CNN *net, TFF_CNN_WS *ws, const TFF_TRAIN_DATA *d, int i, double *probs);

/* 4. Cross-validation */
typedef struct {
  int            K;
  int            n, nfam;
  int            nscored;   /* the one-label motifs: those in acc, f1 and pooled */
  int           *fold;      /* n: held-out fold of each motif */
  int           *scored;    /* n: 1 for a one-label motif (scored), 0 for a two-label one */
  int           *pred;      /* n: predicted family (out of fold) */
  double        *prob;      /* n x nfam out-of-fold probabilities */
  double        *acc, *f1;  /* K: per fold; NaN for a fold that holds out no one-label motif */
  TFF_METRICS   *pooled;    /* all out-of-fold predictions */
  TFF_TRAIN_LOG *log;       /* K */
} TFF_CV;

/* Function:  tff_train_CV()
 * Synopsis:  Stratified K-fold cross-validation.
 * Returns:   tffOK and *ret_cv; tffEINVAL (bad K), tffEMEM.
 */
int  tff_train_CV(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int K, TFF_CV **ret_cv, char *errbuf);
void tff_train_CVDestroy(TFF_CV *cv);

#endif /* TFF_TRAIN_INCLUDED */
