/* tff_combine: the combined family model (network + nearest-neighbour evidence),
 * grouped folds, and out-of-fold evidence for honest cross-validation.
 *
 * The combined model is a multinomial logistic regression with coefficients
 * shared by all families ("conditional logit"): family f of motif i scores
 *     s_f = sum_j beta_j x[i][f][j] + b_f,    P(f) = softmax(s)_f
 * where x[i][f] are the per-family features below and b_f a bias per family.
 * With TFF_COMBINE_NFEAT features and F families there are only
 * at most TFF_COMBINE_NFEAT + F parameters (33 for 20 families), fitted by Newton's
 * method on the (optionally class-weighted) mean log-loss with an L2 penalty
 * lambda/2 |theta|^2. Because it is fitted by likelihood on out-of-fold
 * features it is its own calibration (no separate temperature).
 *
 * Features of motif i for family f:
 *   0 cnn_logp      log max(P_cnn(f), 1e-6), the network's probability
 *   1 ed_nlp        -log10 p-value of the best neighbour of family f under ed
 *   2 pearson_nlp   the same under pearson
 *   3 sandelin_nlp  the same under sandelin
 *   4 share_k1      ensemble vote share of f at K = 1 (mean over the three metrics)
 *   5 share_k5      ensemble vote share of f at K = 5
 *   6 ed_top1       1 if the nearest neighbour under ed is of family f, else 0
 *   7 pearson_top1  the same under pearson
 *   8 sandelin_top1 the same under sandelin
 *   9 share_k11     ensemble vote share of f at K = 11
 *  10 cnn_logp_unsure   cnn_logp x (1 - the largest share_k1): the network where the
 *                       three metrics' nearest neighbours disagree
 *  11 cnn_logp_nlp_low  cnn_logp / (1 + the best -log10 p of any family and metric):
 *                       the network where even the best neighbour is weak
 *  12 nlp_sum10        -log10 p summed over the 10 nearest neighbours of family f under
 *                       each metric, divided by 30 (a soft, p-weighted vote)
 *  13 extra_nlp        as ed_nlp, under a fourth column score (the combiner's
 *                       extra_metric, e.g. kullback), from its own neighbour table
 *  14 kmer_logp        log max(P_kmer(f), 1e-6), the k-mer model's probability
 *                       (tff_kmer.h: alignment-free; the combiner's kmer_model file)
 * -log10 p-values are capped at TFF_COMBINE_NLP_MAX (20): a motif compared with
 * itself or an exact copy can get p = 0, and such values must not dominate.
 * A family with no neighbour among the kept ones gets the -log10 p of the last
 * kept neighbour (an upper bound on its best). Neighbour lists come from
 * tff_knn; out of fold, a motif's neighbours are restricted to other folds
 * (tff_combine_FilterTable), so the evidence equals a search of the training
 * folds, except that Tomtom's E-values refer to the whole set.
 *
 * Grouped folds: every motif of a group (the TF name, case-insensitive, so
 * that human and mouse orthologs such as SOX2/Sox2 fall together) goes to one
 * fold; groups are dealt largest first to the fold holding the fewest motifs
 * of the group's family, then the fewest motifs.
 *
 * Two files: the run time (tff_combine.c: features, novelty score, predict, classify,
 * read) that tffam and tffam-combine use, and the training half (tff_combine_fit.c:
 * groups and folds, out-of-fold evidence, the fits, decoys, write) that only tffam-cv
 * (and tffam-train's stem groups) use. Below, [fit] marks the training half's functions.
 *
 * Contents:
 *   1. Groups and grouped folds [fit]
 *   2. Out-of-fold evidence (neighbours, network) [fit]
 *   3. Features
 *   4. The combiner: fit [fit], predict, read, write [fit]
 */
#ifndef TFF_COMBINE_INCLUDED
#define TFF_COMBINE_INCLUDED

#include <stdint.h>
#include <stdio.h>

#include "tff_cnn.h"
#include "tff_kmer.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_level.h"
#include "tff_model.h"
#include "tff_motif.h"
#include "tff_train.h"
#include "tff_util.h"

/* The per-family features (numbered as in the list above; the three metrics'
 * features are consecutive in tff_knn's metric order: tffFEAT_ED_NLP + m). */
enum tff_combine_feature {
  tffFEAT_CNN_LOGP      = 0,
  tffFEAT_ED_NLP        = 1,    /* + tffKNN_PEARSON, + tffKNN_SANDELIN */
  tffFEAT_PEARSON_NLP   = 2,
  tffFEAT_SANDELIN_NLP  = 3,
  tffFEAT_SHARE_K1      = 4,
  tffFEAT_SHARE_K5      = 5,
  tffFEAT_ED_TOP1       = 6,    /* + tffKNN_PEARSON, + tffKNN_SANDELIN */
  tffFEAT_PEARSON_TOP1  = 7,
  tffFEAT_SANDELIN_TOP1 = 8,
  tffFEAT_SHARE_K11     = 9,
  tffFEAT_CNN_UNSURE    = 10,
  tffFEAT_CNN_NLP_LOW   = 11,
  tffFEAT_NLP_SUM10     = 12,
  tffFEAT_EXTRA_NLP     = 13,
  tffFEAT_KMER_LOGP     = 14,
  TFF_COMBINE_NFEAT     = 15
};
#define TFF_COMBINE_NLP_MAX 20.0
#define TFF_COMBINE_MAGIC "TFFAM-COMBINER"
#define TFF_COMBINE_VERSION 1

extern const char *tff_combine_FeatureName[TFF_COMBINE_NFEAT];

/* 1. Groups */

/* Function:  tff_combine_ParseNames()
 * Synopsis:  The TF name of every motif of set, from a JASPAR-style label file
 *            read into a buffer (name for messages).
 * Purpose:   The file needs a header whose first field is "matrix_id" or "id"
 *            and a column "name". Rows for motifs not in the set are ignored;
 *            a motif of the set with no row is an error. Read as every input
 *            is: a byte order mark, \n, \r\n or lone \r line ends; the buffer
 *            is not changed.
 * Returns:   tffOK and ret_names[set->n] (strings; free with tff_combine_FreeNames);
 *            tffEFORMAT (file and line in errbuf).
 */
int  tff_combine_ParseNames(const char *name, const char *data, size_t n, const TFF_MOTIFSET *set, char ***ret_names, char *errbuf);
void tff_combine_FreeNames(char **names, int n);
/* tff_combine_ReadLabelsNames(): tff_labels_Read() and, if opt_names is not NULL,
 * tff_combine_ParseNames() from one read of the file, so that standard input ('-')
 * or a pipe (<(...)) can hold the labels and the names. */
int  tff_combine_ReadLabelsNames(const char *path, const TFF_MOTIFSET *set, int flags, TFF_LABELS **ret_L, char ***opt_names,
                                 char *errbuf);

/* Function:  tff_combine_GroupFolds()
 * Synopsis:  K folds with every group (case-insensitive name) in one fold.
 * Returns:   tffOK and fold[0..n-1]; tffEINVAL (K < 2 or fewer groups than K).
 */
int  tff_combine_GroupFolds(char *const *name, const int *y, int n, int nfam, int K, uint64_t seed,
                            int *fold, char *errbuf);

/* Function:  tff_combine_Stem()
 * Synopsis:  The gene-name stem that groups paralogs (doc/combine.md, "Relative-free folds").
 * Purpose:   Upper case (so human, mouse and fly spellings fold together: SOX2/Sox2);
 *            then the trailing number is removed (FOXA1 -> FOXA, SOX10 -> SOX,
 *            AGL15 -> AGL), or, if there is none, a trailing letter where at least
 *            3 characters remain (JUNB -> JUN, HNF1A -> HNF1, but MYC stays); trailing
 *            '-', '.', '_' go too. A stem shorter than 2 characters gives the whole
 *            name (P53).
 *            Systematic names whose numbers say nothing about kinship are kept
 *            whole: ZNF/ZFP/ZSCAN/ZKSCAN/ZBTB/ZIM..., Arabidopsis AT1G..., fly CG...,
 *            LOC..., yeast ORFs (YBR239C), and names with '_' before a digit.
 *            out (n bytes) gets the stem, truncated to n - 1 characters.
 */
void tff_combine_Stem(const char *name, char *out, size_t n);

/* Function:  tff_combine_StemGroups()
 * Synopsis:  Groups of motifs whose names share a stem. A dimer name "A::B" has
 *            two stems and joins both groups (union), so FOS::JUN, FOS and
 *            JUNB fall together. An empty part ("A::", "::B") has no stem (the
 *            other part's alone); "::" alone is keyed by its whole name.
 * Returns:   tffOK, gid[0..n-1] and *ret_ng.
 */
int  tff_combine_StemGroups(char *const *name, int n, int *gid, int *ret_ng, char *errbuf);

/* Function:  tff_combine_ClusterGroups()
 * Synopsis:  Connected components of the motifs of a set-against-itself neighbour
 *            table T, linked where a neighbour's p-value under <metric> is below
 *            thresh (only the T->kmax nearest of each motif are looked at: a motif
 *            with more such links is linked to its kmax nearest, which link on).
 *            opt_gid (may be NULL): groups that must stay whole too (the stems).
 * Returns:   tffOK, gid[0..nq-1] and *ret_ng; tffEINVAL (metric not in T).
 */
int  tff_combine_ClusterGroups(const TFF_KNN_TABLE *T, int metric, double thresh, const int *opt_gid,
                               int *gid, int *ret_ng, char *errbuf);

/* 2. Out-of-fold evidence */

/* Function:  tff_combine_FilterTable()
 * Synopsis:  Neighbour lists of a set against itself, keeping for query q only
 *            references in another fold than q's (queries and references are
 *            the same motifs, index i = motif i).
 */
int  tff_combine_FilterTable(const TFF_KNN_TABLE *T, const int *fold, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_combine_FilterTableOut()
 * Synopsis:  As tff_combine_FilterTable(), and no reference of fold <out> either
 *            (out < 0: none). The training features of outer fold out's combiner:
 *            no training motif's evidence may come from the held-out fold.
 */
int  tff_combine_FilterTableOut(const TFF_KNN_TABLE *T, const int *fold, int out, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_combine_WriteTable() / tff_combine_ReadTable() / tff_combine_ParseTable()
 * Synopsis:  Save and load neighbour lists exactly (hex floats), to rerun an
 *            evaluation without the all-vs-all comparison.
 * Purpose:   The file ("TFFAM-NEIGHBOURS 2 <n> <kmax> <set checksum>", then one
 *            line "metric query ref strand offset overlap p E" per neighbour, each
 *            query's neighbours in rank order) records the number of motifs, kmax
 *            and the motif set's checksum (tff_motifset_Checksum(), setsum; the
 *            writer needs it, the reader checks it unless setsum is NULL) of ids
 *            and matrices (not nsites, background or comparison options), and for
 *            the neighbours under one extra column score (tffam-cv -extra-metric)
 *            that score's name after a '/' ("648ae440/kullback": setsum as the
 *            caller gives it); the
 *            reader checks them against nq and setsum, and refuses values out of
 *            range and neighbours out of rank order (a p-value below the one
 *            before it), naming the line. Files of version 1 (no checksum, tffam
 *            0.2.0) are read with the count check only. ParseTable reads a buffer
 *            (name for messages) and does not change it.
 * Returns:   tffOK and *ret_T; tffENOTFOUND; tffEFORMAT (file and line in errbuf).
 */
int  tff_combine_WriteTable(const char *path, const TFF_KNN_TABLE *T, const char *setsum, char *errbuf);
int  tff_combine_ReadTable(const char *path, int nq, const char *setsum, TFF_KNN_TABLE **ret_T, char *errbuf);
int  tff_combine_ParseTable(const char *name, const char *data, size_t n, int nq, const char *setsum, TFF_KNN_TABLE **ret_T,
                            char *errbuf);

/* Function:  tff_combine_CnnOOF()
 * Synopsis:  Out-of-fold network probabilities for given folds.
 * Purpose:   For each fold k (0..K-1) and seed s (0..nseeds-1) a network is
 *            trained on the other folds (tff_train_Fit; its early-stopping split
 *            comes from them) and predicts fold k; prob[i*nfam + f] is the mean
 *            over the seeds. Seed 0 of fold k uses tff_rng_Derive(o->seed, k+100)
 *            as tff_train_CV() does, so with stratified folds and one seed the
 *            probabilities equal tffam-train -cv's. Runs in parallel (OpenMP);
 *            the result does not depend on the number of threads. trainable
 *            (may be NULL: all) says which motifs a network may train on (the
 *            two-label heterodimers are predicted, not trained on).
 *            A motif whose fold is outside 0..K-1 is never predicted (its rows
 *            stay 0) and trains every network it is trainable for: tffam-cv
 *            -novelty-cnn uses K = 1 with fold 0 the motifs to predict and fold 1
 *            the rest.
 */
int  tff_combine_CnnOOF(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K,
                        int nseeds, double *prob, char *errbuf);

/* Function:  tff_combine_CnnPairOOF()
 * Synopsis:  Nested out-of-fold network probabilities: the training rows of each
 *            fold's combiner from networks that never saw that fold either.
 * Purpose:   For each pair of folds a < b and seed s a network is trained on the
 *            other K - 2 folds (trainable motifs only) and predicts the motifs of
 *            folds a and b. prob (K x n x nfam): block k holds, for a motif i of a
 *            fold j != k, the mean over the seeds of the networks of the pair
 *            {j, k}; the rows of fold k itself are left 0 (the caller puts the
 *            ordinary out-of-fold probabilities there). So neither the motif's own
 *            fold nor fold k trained the network behind any row of block k.
 *            K (K - 1) / 2 x nseeds networks, in parallel; the result does not
 *            depend on the number of threads. Pair {a, b}, seed s is trained with
 *            seed tff_rng_Derive(base_s, 10000 + a K + b).
 * Returns:   tffOK; an error of tff_train_Fit (too few motifs), tffEMEM.
 */
int  tff_combine_CnnPairOOF(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K,
                            int nseeds, double *prob, char *errbuf);

/* Job p (0 .. K(K-1)/2 - 1) of tff_combine_CnnPairOOF is the pair a < b: (0,1), (0,2), ..., (K-2,K-1). */
void tff_combine_PairOfJob(int p, int K, int *ret_a, int *ret_b);

/* 3. Features */

/* Function:  tff_combine_Features()
 * Synopsis:  x[f * TFF_COMBINE_NFEAT + j] for query q of T (see above).
 * Args:      refy    - each reference's family
 *            refy2   - each reference's second family (-1: none), or NULL: a two-label
 *                      reference (a heterodimer) is evidence for both of its families
 *                      (its p-value for both, half a vote to each)
 *            cnnprob - the network's probabilities for q (nfam), or NULL (feature 0 = 0)
 */
void tff_combine_Features(const TFF_KNN_TABLE *T, int q, const int *refy, const int *refy2, int nfam, const double *cnnprob,
                          double *x);

/* Function:  tff_combine_Vote()
 * Synopsis:  The KNN ensemble's vote shares at K with two-label references (half a
 *            vote each); with refy2 NULL exactly tff_knn_Vote(tffKNN_ENSEMBLE).
 * Returns:   the family with the largest share (-1: no neighbour).
 */
int  tff_combine_Vote(const TFF_KNN_TABLE *T, int q, int K, const int *refy, const int *refy2, int nfam, double *share);

/* Function:  tff_combine_NlpFeature()
 * Synopsis:  Fill feature column j of x (nfam x TFF_COMBINE_NFEAT) for query q
 *            from metric slot m of T the way ed_nlp is made: -log10 p of the
 *            best neighbour of each family, or the last kept neighbour's value
 *            for a family with none. Makes the feature extra_nlp (j = 13:
 *            an extra column score, e.g. Kullback-Leibler, in slot 0 of its own
 *            table; tff_combine_Features leaves it 0), in tffam-cv and at
 *            prediction (tff_combine_ClassifyTable) alike.
 */
void tff_combine_NlpFeature(const TFF_KNN_TABLE *T, int m, int q, const int *refy, const int *refy2, int nfam, int j,
                            double *x);

/* Function:  tff_combine_KmerFeature()
 * Synopsis:  Fill feature kmer_logp of x (nfam x TFF_COMBINE_NFEAT) from the k-mer
 *            model's probabilities kprob[nfam] (log, floored at 1e-6, as cnn_logp);
 *            in tffam-cv and at prediction alike.
 */
void tff_combine_KmerFeature(const double *kprob, int nfam, double *x);

/* 3b. Novelty ("no known family")
 *
 * A second, binary logistic model on per-query features says how unlike every family
 * of the reference a query is; above the combiner's novelty threshold tffam calls it
 * no_known_family (doc/combine.md, "No known family"). Features of query q (neighbour
 * lists as for the combiner; -log10 p capped as there):
 *   0-2 best_{ed,pearson,sandelin}_nlp  -log10 p of the nearest reference under each score
 *   3   best_extra_nlp                  the same under the extra score (0 without TX)
 *   4,5 top_share_k1, top_share_k5      the KNN ensemble's largest vote share at K = 1, 5
 *   6   ic_mean                         mean information content per column (bits)
 *   7   ic_total10                      total information content / 10
 *   8   width10                         width / 10
 *   9   ic_strong_frac                  share of columns with at least 1 bit
 *   10  ed_dense10                      neighbours under ed with p < 1e-4, / 10
 *   11  ed_nlp5                         -log10 p of the fifth nearest under ed
 *   12  ed_atypical                     best_ed_nlp minus the typical best_ed_nlp of the
 *                                       nearest reference's family (typ[f*2], the median over
 *                                       that family's motifs, out of fold; 0 without typ)
 *   13  extra_atypical                  the same under the extra score (typ[f*2+1])
 *   14  cnn_top                         the networks' mean probability of their most
 *                                       probable family (0 when not given: NAN)
 *
 * A novelty model must weigh features 0..TFF_NOVEL_NREQ-1; cnn_top is optional (a
 * combiner file without its line gives it weight 0, and a weight of 0 is not written),
 * so combiners fitted without it (tffam-cv without -novelty-cnn) read and write as
 * before.
 */
/* The per-query novelty features (tff_combine_NovelName). */
enum tff_novel_feature {
  tffNOVEL_BEST_ED_NLP       = 0,    /* + tffKNN_PEARSON, + tffKNN_SANDELIN */
  tffNOVEL_BEST_PEARSON_NLP  = 1,
  tffNOVEL_BEST_SANDELIN_NLP = 2,
  tffNOVEL_BEST_EXTRA_NLP    = 3,
  tffNOVEL_TOP_SHARE_K1      = 4,
  tffNOVEL_TOP_SHARE_K5      = 5,
  tffNOVEL_IC_MEAN           = 6,
  tffNOVEL_IC_TOTAL10        = 7,
  tffNOVEL_WIDTH10           = 8,
  tffNOVEL_IC_STRONG_FRAC    = 9,
  tffNOVEL_ED_DENSE10        = 10,
  tffNOVEL_ED_NLP5           = 11,
  tffNOVEL_ED_ATYPICAL       = 12,
  tffNOVEL_EXTRA_ATYPICAL    = 13,
  tffNOVEL_CNN_TOP           = 14,
  TFF_NOVEL_NFEAT            = 15
};
#define TFF_NOVEL_NREQ 14   /* features every novelty model has (0..13) */
extern const char *tff_combine_NovelName[TFF_NOVEL_NFEAT];

/* Function:  tff_combine_NovelFeatures()
 * Synopsis:  z[0..TFF_NOVEL_NFEAT-1] of query q (motif m) from T (and TX, may be NULL);
 *            cnn_top: the networks' mean probability of their top family for q (NAN:
 *            none, z[tffNOVEL_CNN_TOP] = 0).
 */
void tff_combine_NovelFeatures(const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, int q, const int *refy, const int *refy2,
                               int nfam, const double *typ, const TFF_MOTIF *m, double cnn_top, double *z);

/* Function:  tff_combine_FitNovelty() [fit]
 * Synopsis:  Weighted L2-penalised logistic regression of novel[i] on Z[i] (n x
 *            TFF_NOVEL_NFEAT) over items with sel[i] (sel may be NULL), features
 *            standardised for the fit; the coefficients returned apply to raw features.
 */
int  tff_combine_FitNovelty(const double *Z, const int *novel, const double *wt, const int *sel, int n, double lambda,
                            double *ret_w, double *ret_b, char *errbuf);

/* Function:  tff_combine_DecoyMotifs() [fit]
 * Synopsis:  n random motifs of widths wmin..wmax, every column Dirichlet(alpha)
 *            (alpha <= 0: exactly uniform), ids <prefix>1, <prefix>2, ...; nsites 20.
 *            Decoys that no family explains: training and test data of the novelty model.
 */
int  tff_combine_DecoyMotifs(int n, int wmin, int wmax, double alpha, uint64_t seed, const char *prefix,
                             TFF_MOTIFSET **ret_set, char *errbuf);

/* 4. The combiner */
typedef struct {
  int      nfam;
  char   **fam;                        /* family names (may be NULL in memory) */
  int      use[TFF_COMBINE_NFEAT];     /* 1 if feature j is in the model */
  double   beta[TFF_COMBINE_NFEAT];    /* 0 for unused features */
  double  *bias;                       /* [nfam] */
  double   lambda;                     /* L2 penalty it was fitted with */
  double   cw;                         /* class-weight power it was fitted with */
  int      kmax;                       /* neighbours per query the features were made from (0: unknown) */
  int      nnet;                       /* networks whose mean probability feature 0 is (0: not recorded) */
  char   **net;                        /* [nnet] their model file names (shipped files: names only) */
  int      extra_col;                  /* column score of feature extra_nlp (tffCOL_*, e.g. kullback); -1: none */
  int      extra_kmax;                 /* neighbours per query under it that extra_nlp was made from */
  char    *kmer_name;                  /* the k-mer model file of feature kmer_logp (a name, as the networks'), or NULL */
  char     kmer_crc[9];                /* its crc32 line's value: the k-mer model fitted with the combiner, no other */
  TFF_KMER *kmer;                      /* that model once the caller has read it (tff_combine_Destroy frees it), or NULL */
  int      novel_use;                  /* 1 if the file has a novelty model */
  double   novel_w[TFF_NOVEL_NFEAT];   /* its coefficients on the raw features */
  double   novel_b;                    /* its intercept */
  double   novel_thresh;               /* default threshold on its probability (no_known_family at or above) */
  double  *novel_typ;                  /* [nfam x 2] typical best -log10 p of each family's motifs, ed and extra score */
} TFF_COMBINER;

/* Function:  tff_combine_Novelty()
 * Returns:   the novelty model's probability that z's query is of no known family (0 without a model).
 */
double tff_combine_Novelty(const TFF_COMBINER *C, const double *z);

/* Function:  tff_combine_Fit() [fit]
 * Synopsis:  Fit the combiner on items with sel[i] != 0 (sel may be NULL).
 * Args:      x       - n x nfam x TFF_COMBINE_NFEAT features
 *            use     - which features (NULL: all)
 *            lambda  - L2 penalty on all coefficients and biases (> 0)
 *            y2      - second labels (-1: none), or NULL: an item with two labels is
 *                      fitted to the target 1/2, 1/2 (soft-target log-loss); its weight
 *                      is its first label's
 *            cw      - class weights: item of family k weighs (n/(F n_k))^cw,
 *                      normalised to mean 1 (0: none, 1: balanced)
 * Returns:   tffOK and *ret_C; tffEINVAL (no items, lambda <= 0), tffEMEM.
 */
int  tff_combine_Fit(const double *x, const int *y, const int *y2, const int *sel, int n, int nfam, const int *use,
                     double lambda, double cw, TFF_COMBINER **ret_C, char *errbuf);

/* Function:  tff_combine_Create()
 * Synopsis:  An empty combiner for nfam families (every coefficient 0; no family
 *            names, networks or novelty model): the start of a fit or a parse.
 * Returns:   tffOK and *ret_C; tffEMEM.
 */
int  tff_combine_Create(int nfam, TFF_COMBINER **ret_C, char *errbuf);

/* Function:  tff_combine_Predict()
 * Synopsis:  Family probabilities (nfam) of one item from its features.
 */
void tff_combine_Predict(const TFF_COMBINER *C, const double *x, double *prob);

/* Function:  tff_combine_Write() [fit]
 * Synopsis:  Write a combiner file: magic line, comment, lambda, class_weight,
 *            kmax, one "network <file>" line per network (if recorded),
 *            "extra_metric <column score> <kmax>" (if C->extra_col >= 0), the
 *            features with their coefficients, the families with their biases,
 *            "end", then "crc32 XXXXXXXX": the CRC-32 (zlib's) of every byte
 *            before that line. fam (NULL: C->fam) gives the family names.
 */
int  tff_combine_Write(FILE *fp, const TFF_COMBINER *C, char *const *fam, const char *comment, char *errbuf);

/* Function:  tff_combine_SetNetworks() [fit]
 * Synopsis:  Record the network model file names (copied) in C.
 */
int  tff_combine_SetNetworks(TFF_COMBINER *C, char *const *names, int n, char *errbuf);

/* Function:  tff_combine_Read()
 * Synopsis:  Read a combiner file (doc/combine.md); opt_crc (9 bytes, or NULL)
 *            gets the CRC-32 of the file's bytes as read (decompressed), which
 *            the reports record, from the same read ('-' can be read only once). Refuses a wrong magic or
 *            version, a final crc32 line that does not match the bytes before
 *            it (a file without that line is accepted: older files, files
 *            edited by hand), unknown feature names, non-numbers, coefficients
 *            and biases beyond +-1e6, a repeated feature, lambda, class_weight,
 *            kmax or extra_metric line, a missing "end" or text after it,
 *            extra_nlp without an extra_metric line.
 * Returns:   tffOK; tffENOTFOUND; tffEFORMAT / tffEINCOMPAT with file and line.
 */
int  tff_combine_Read(const char *path, TFF_COMBINER **ret_C, char *opt_crc, char *errbuf);

/* Function:  tff_combine_Parse()
 * Synopsis:  tff_combine_Read() on n bytes already in memory; name is used in messages.
 */
int  tff_combine_Parse(const char *name, const char *data, size_t n, TFF_COMBINER **ret_C, char *errbuf);
void tff_combine_Destroy(TFF_COMBINER *C);

/* Function:  tff_combine_Classify()
 * Synopsis:  Combined family probabilities of new motifs.
 * Purpose:   The query motifs are compared with the reference motifs under the
 *            three metrics (cfg; cfg->kmax is set from C->kmax, default 60)
 *            and, if the combiner uses extra_nlp, under its extra column score
 *            (C->extra_col, C->extra_kmax neighbours; same cfg otherwise), the
 *            networks models[0..nmodel-1] give their mean probabilities (each
 *            model's families are mapped onto C's by name), and the combiner turns both
 *            into prob[q * C->nfam + f]. refy[] gives each reference motif's
 *            family as an index of C's families (-1: none). opt_bestp[q], if
 *            given, gets the smallest neighbour p-value under any metric (1 if none);
 *            opt_near[q] and opt_near_evalue[q], if given, the nearest reference
 *            under ed and its E-value (-1 and NAN if none: tff_result_SetNearest()).
 * Returns:   tffOK; tffEINCOMPAT (a family of C that a network lacks, or not as many
 *            networks as C was fitted with); tffEINVAL, tffEMEM.
 */
int  tff_combine_Classify(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                          TFF_MOTIF *const *q, int nq, TFF_MOTIF *const *refs, int nref, const int *refy,
                          const int *refy2, const TFF_KNN_CFG *cfg, double *prob, double *opt_bestp, double *opt_novelty,
                          int *opt_near, double *opt_near_evalue, char *errbuf);

/* Function:  tff_combine_Kmax()
 * Synopsis:  Neighbours per query and metric the combiner's features were made
 *            from: C->kmax, or 60 for a file that does not record it.
 */
int  tff_combine_Kmax(const TFF_COMBINER *C);

/* Function:  tff_combine_NetworkMean()
 * Synopsis:  The mean probability of the combiner's networks, on C's families.
 * Purpose:   The first half of tff_combine_Classify(): cp[q * C->nfam + f] gets
 *            the mean over models[0..nmodel-1] (each model's families mapped onto
 *            C's by name; all zero if C uses neither the network feature cnn_logp nor
 *            the novelty feature cnn_top).
 * Returns:   tffOK; tffEINCOMPAT (a family of C that a network lacks, or not as many
 *            networks as C was fitted with); tffEINVAL, tffEMEM.
 */
int  tff_combine_NetworkMean(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                             TFF_MOTIF *const *q, int nq, double *cp, char *errbuf);

/* Function:  tff_combine_ClassifyTable()
 * Synopsis:  The second half: combined probabilities from neighbour lists already made.
 * Purpose:   T must hold all three metrics and at least C->kmax (default 60)
 *            neighbours per query; longer lists are read only to C->kmax, so a
 *            table made for more neighbours gives the same probabilities.
 *            TX (slot 0; tff_knn_NeighboursScore() under C->extra_col) is read
 *            the same way to C->extra_kmax, only if tff_combine_NeedsExtra(C)
 *            (else it may be NULL); its feature is made by tff_combine_NlpFeature(),
 *            as tffam-cv makes it. opt_bestp uses the three metrics only.
 *            cp is tff_combine_NetworkMean()'s output; prob, opt_bestp as in
 *            tff_combine_Classify(). opt_novelty[q] (may be NULL) gets the novelty
 *            model's probability (NAN if C has none, or qm, the query motifs, is NULL).
 * Returns:   tffOK; tffEINVAL (a metric missing, lists too short), tffEMEM.
 */
int  tff_combine_ClassifyTable(const TFF_COMBINER *C, const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, const int *refy,
                               const int *refy2, const double *cp, TFF_MOTIF *const *qm, double *prob, double *opt_bestp,
                               double *opt_novelty, char *errbuf);

/* Function:  tff_combine_NeedsExtra()
 * Returns:   1 if C uses the feature extra_nlp (then tff_combine_ClassifyTable needs
 *            TX: neighbours under C->extra_col, at least C->extra_kmax per query), else 0.
 */
int  tff_combine_NeedsExtra(const TFF_COMBINER *C);

/* Function:  tff_combine_NeedsKmer()
 * Returns:   1 if C uses the feature kmer_logp: then its k-mer model (C->kmer_name, read by the
 *            caller) must be attached with tff_combine_AttachKmer() before classifying.
 */
int  tff_combine_NeedsKmer(const TFF_COMBINER *C);

/* Function:  tff_combine_AttachKmer()
 * Synopsis:  Give C its k-mer model K (read from path, for messages); C owns it then.
 * Returns:   tffOK; tffEINCOMPAT (K's families are not C's, in C's order, or K's crc32
 *            line is not the one C's kmer_model line records: K is not taken).
 */
int  tff_combine_AttachKmer(TFF_COMBINER *C, TFF_KMER *K, const char *path, char *errbuf);

/* Function:  tff_combine_ReadKmer()
 * Synopsis:  Find, check and attach the k-mer model C uses (nothing if C does not use
 *            kmer_logp): C->kmer_name is looked for as the networks are
 *            (tff_level_NetworkPath(), from comb_path, the combiner file's path),
 *            checked against lev's manifest unless lev is NULL (a combiner the user
 *            gave), read and attached (tff_combine_AttachKmer()).
 * Returns:   tffOK; tffENOTFOUND (no such file, named); an error of
 *            tff_level_VerifyKmer(), tff_kmer_Read() or tff_combine_AttachKmer().
 */
int  tff_combine_ReadKmer(TFF_COMBINER *C, const char *comb_path, const TFF_LEVEL *lev, char *errbuf);

/* Function:  tff_combine_FamilyIndex()
 * Returns:   the index of family <name> in C (by name), or -1.
 */
int  tff_combine_FamilyIndex(const TFF_COMBINER *C, const char *name);

#endif /* TFF_COMBINE_INCLUDED */
