/* tff_result: what one tffam classification run found, for the report writers.
 *
 * A TFF_RESULT holds, for every query motif, the combined model's calibrated
 * family probabilities (if it ran), the conv net's family
 * probabilities (if the conv net ran), the nearest-neighbour call with its vote
 * shares (if KNN ran), the N nearest reference motifs with Tomtom's alignment,
 * and an optional per-position importance profile (Integrated Gradients).
 * It also holds the run's provenance (version, command line, checksums of the
 * model and reference set, settings, date), which every report repeats.
 *
 * The writers (tff_report.h) only read a TFF_RESULT; they never compute. So a
 * report can be tested from a hand-made result, and the classifiers never see
 * the report formats.
 *
 * Ownership: the result owns everything it points to except the motifs
 * (query and reference), which belong to the caller's motif sets and must
 * outlive the result.
 *
 * Contents:
 *   1. The data model
 *   2. Create, destroy, fill
 *   3. Derived values (top families, summary counts)
 */
#ifndef TFF_RESULT_INCLUDED
#define TFF_RESULT_INCLUDED

#include <stdint.h>

#include "tff_motif.h"
#include "tff_util.h"

/* Methods that ran (bit mask). */
#define tffRESULT_CNN      (1 << 0)
#define tffRESULT_KNN      (1 << 1)
#define tffRESULT_COMBINED (1 << 2)   /* the combined model (tff_combine) made the calls */

/* What a report writes instead of a family when the call's probability is below -min-prob. */
#define TFF_RESULT_NOCALL "no_confident_family"
#define TFF_RESULT_NOKNOWN "no_known_family"

/* 1. The data model */

/* One nearest reference motif of a query. */
typedef struct {
  int    ref;       /* index into TFF_RESULT.ref */
  int    strand;    /* 0: the reference as given; 1: its reverse complement */
  int    offset;    /* Tomtom's Optimal_offset: query column i faces reference column i+offset */
  int    overlap;   /* aligned columns */
  double pvalue;
  double evalue;
  int    source;    /* tffKNN_SRC_*: 0 computed by tffam, 1 a row of the user's Tomtom run
                     * used as given, 2 a Tomtom row that agreed with tffam's own */
} TFF_RESULT_NB;

/* One query motif's results. Fields of a method that did not run are NULL / -1. */
typedef struct {
  const TFF_MOTIF *motif;   /* the query (not owned) */
  int     index;            /* 1-based position among the classified queries (after -m/-mi) */
  double *cnn_prob;         /* [nfam] conv net probabilities, or NULL */
  int     cnn_top[2];       /* the two most probable families (-1: none) */
  double *comb_prob;        /* [nfam] combined model's probabilities, or NULL */
  int     comb_top[2];      /* its two most probable families (-1: none) */
  double  best_evalue;      /* smallest E-value of any reference motif under any metric compared (NAN: unknown) */
  int     knn_call;         /* KNN family, -1 if none (no neighbour, or KNN did not run) */
  double *knn_share;        /* [nfam] vote shares, or NULL */
  int     near_ref;         /* the nearest reference motif by ed (rank 1; -1: none), whatever -nnb lists: */
  double  near_evalue;      /* and its E-value: the heterodimer rule's (tff_result_SecondFamily()) */
  int     nnb;              /* nearest reference motifs kept */
  TFF_RESULT_NB *nb;        /* [nnb], best first */
  double *importance;       /* [motif->w] per-position importance, or NULL */
  double  novelty;          /* the novelty model's probability of no known family (NAN: no model) */
} TFF_RESULT_QUERY;

/* A whole run. */
typedef struct {
  /* the families, in the labels' order (strcmp order of names) */
  int     nfam;
  char  **fam;
  /* the reference motifs (for neighbour names and logos) and their families */
  int               nref;
  TFF_MOTIF *const *ref;     /* not owned; NULL if no reference set */
  int              *refy;    /* [nref] family index of each reference motif (owned copy) */
  int              *refy2;   /* [nref] second family of a two-label reference (heterodimer), -1: none; NULL: none at all */
  /* the queries */
  int               nq;
  TFF_RESULT_QUERY *q;
  double            qbg[TFF_ALPHA];   /* query file's background (logos) */
  /* provenance and settings (strings owned; NULL means "not used") */
  int     methods;          /* tffRESULT_CNN | tffRESULT_KNN | tffRESULT_COMBINED */
  char   *level;            /* "class" or "family" (the JASPAR label level), or NULL */
  char   *combiner_file;    /* the combined model's file, or NULL */
  char   *combiner_checksum;/* CRC-32 of its bytes */
  char   *model_level;      /* the level of the combiner (or, without one, the network) that made the calls:
                             * the -level's own, else the shipped level whose manifest lists its CRC-32
                             * (tff_level_Owner()), "" if none does; NULL: no combiner or network */
  int     top_k;            /* families listed per query (Top_Families) */
  int     xml_no_positions; /* tffam.xml leaves out each query's per-position data (<matrix>, <importance>) */
  double  min_prob;         /* a call whose probability is below this is "no confident family" */
  double  nsig_evalue;      /* a best reference match with E-value above this is "not significant" */
  double  novelty_thresh;   /* novelty at or above this: "no known family" (NAN: never) */
  double  second_prob;      /* combined runner-up at or above this: a second family of the answer (NAN: never) */
  double  partner_evalue;   /* the nearest reference by ed a two-family motif holding the combined call, at an
                             * E-value at or below this: its other family is a second family of the answer
                             * (tff_result_SecondFamily(); 0 or NAN: never, as -partner-evalue 0) */
  char   *version;          /* PACKAGE_VERSION */
  char   *cmdline;          /* the command line, program name as "tffam" */
  char   *query_file;       /* as given ("-" for stdin) */
  char   *query_format;     /* "MEME text", ... */
  char   *model_file;       /* conv net model file */
  char   *model_checksum;   /* CRC-32 of the model file's bytes, 8 hex digits */
  char   *ref_file;         /* reference motif file */
  char   *ref_checksum;     /* tff_motifset_Checksum of the reference set */
  char   *labels_file;      /* reference label file */
  char   *labels_checksum;  /* CRC-32 of the label file's bytes */
  char   *tomtom_file;      /* -tomtom TSV the neighbours came from, or NULL */
  char   *tomtom_note;      /* what was used of it (tff_tomtom_Describe()), or NULL */
  char   *note;             /* a fallback the reader must know of (tffam: an own reference), or NULL */
  char   *knn_metric;       /* "ed", "pearson", "sandelin", "ensemble" */
  char   *nb_metric;        /* the metric whose neighbours are listed */
  int     knn_k;
  int     min_overlap;
  double  motif_pseudo;
  int64_t when;             /* run date, seconds since 1970 (SOURCE_DATE_EPOCH if set) */
} TFF_RESULT;

/* 2. Create, destroy, fill */

/* Function:  tff_result_Create()
 * Synopsis:  An empty result for nq queries and nfam families.
 * Args:      fam    - nfam family names (copied)
 *            nq     - number of query motifs; q[i].motif set by the caller
 * Returns:   tffOK and *ret_R; tffEMEM.
 */
int  tff_result_Create(int nq, int nfam, char *const *fam, TFF_RESULT **ret_R, char *errbuf);
void tff_result_Destroy(TFF_RESULT *R);   /* NULL is fine */

/* Function:  tff_result_SetRefs()
 * Synopsis:  Attach the reference motifs (not copied) and their families (copied).
 */
int  tff_result_SetRefs(TFF_RESULT *R, TFF_MOTIF *const *ref, int nref, const int *refy, char *errbuf);

/* Function:  tff_result_SetRefs2()
 * Synopsis:  The references' second families (copied; -1: none), for two-label references.
 */
int  tff_result_SetRefs2(TFF_RESULT *R, const int *refy2, char *errbuf);

/* Function:  tff_result_RefFamily()
 * Synopsis:  Reference r's family as text into buf (replacing its contents): "A",
 *            "A::B" for two labels, "" for none. tffOK or tffEMEM.
 */
int tff_result_RefFamily(const TFF_RESULT *R, int r, TFF_BUF *buf, char *errbuf);

/* Function:  tff_result_SetString()
 * Synopsis:  Set one of the owned provenance strings (*field = copy of s; s may be NULL).
 */
int  tff_result_SetString(char **field, const char *s, char *errbuf);

/* Function:  tff_result_SetCNN()
 * Synopsis:  Store query q's conv net probabilities (nfam values, copied) and
 *            work out its top two families.
 */
int  tff_result_SetCNN(TFF_RESULT *R, int q, const double *prob, char *errbuf);

/* Function:  tff_result_SetCombined()
 * Synopsis:  Store query q's combined-model probabilities (nfam values, copied)
 *            and work out its top two families.
 */
int  tff_result_SetCombined(TFF_RESULT *R, int q, const double *prob, char *errbuf);

/* Function:  tff_result_SetBestEvalue()
 * Synopsis:  Query q's smallest E-value of any reference motif under any metric compared.
 */
void tff_result_SetBestEvalue(TFF_RESULT *R, int q, double evalue);

/* Function:  tff_result_SetKNN()
 * Synopsis:  Store query q's KNN call (-1: none) and vote shares (nfam, copied; may be NULL).
 */
int  tff_result_SetKNN(TFF_RESULT *R, int q, int call, const double *share, char *errbuf);

/* Function:  tff_result_SetNearest()
 * Synopsis:  Query q's nearest reference motif under ed (rank 1 by p-value) and its
 *            E-value, for the heterodimer rule (ref -1: none).
 * Returns:   tffOK; tffEINVAL if ref is out of range.
 */
int  tff_result_SetNearest(TFF_RESULT *R, int q, int ref, double evalue, char *errbuf);

/* Function:  tff_result_SetNeighbours()
 * Synopsis:  Store query q's nearest reference motifs (copied), best first.
 * Returns:   tffOK; tffEINVAL if a neighbour's ref index is out of range; tffEMEM.
 */
int  tff_result_SetNeighbours(TFF_RESULT *R, int q, const TFF_RESULT_NB *nb, int nnb, char *errbuf);

/* Function:  tff_result_SetImportance()
 * Synopsis:  Store query q's per-position importance (motif->w values, copied).
 */
int  tff_result_SetImportance(TFF_RESULT *R, int q, const double *imp, char *errbuf);

/* Function:  tff_result_SetDate()
 * Synopsis:  R->when from SOURCE_DATE_EPOCH if set (a bad value is an error),
 *            otherwise the current time.
 * Returns:   tffOK; tffEINVAL (SOURCE_DATE_EPOCH is not a number).
 */
int  tff_result_SetDate(TFF_RESULT *R, char *errbuf);

/* 3. Derived values */

/* Function:  tff_result_Call()
 * Synopsis:  The family a report shows as "Predicted_Family" for query q and its
 *            score: the combined model's top family and probability when it ran,
 *            else the conv net's top family and probability when the conv net
 *            ran, otherwise the KNN call and its vote share.
 * Returns:   the family index, or -1 (no call); *opt_score gets the score (NAN if none).
 */
int  tff_result_Call(const TFF_RESULT *R, int q, double *opt_score);

/* Function:  tff_result_Second()
 * Synopsis:  The runner-up to tff_result_Call(): the combined model's second family
 *            of the answer if it has one (tff_result_SecondFamily()), else its or the
 *            conv net's second most probable family, or the family with the second
 *            largest KNN vote share (if it has any votes).
 * Returns:   family index or -1; *opt_score as above.
 */
int  tff_result_Second(const TFF_RESULT *R, int q, double *opt_score);

/* Function:  tff_result_Top()
 * Synopsis:  Up to k families in decreasing order of the score tff_result_Call() uses
 *            (ties: lower family index first); KNN vote shares only where > 0.
 * Returns:   how many were put in fam[] and (if opt_score) opt_score[].
 */
int  tff_result_Top(const TFF_RESULT *R, int q, int k, int *fam, double *opt_score);

/* Function:  tff_result_Confident()
 * Synopsis:  1 if query q has a call whose score is at least R->min_prob, else 0.
 */
int  tff_result_Confident(const TFF_RESULT *R, int q);

/* Function:  tff_result_Known()
 * Synopsis:  0 if query q's novelty is at or above R->novelty_thresh (the motif is
 *            unlike every family the model knows: "no_known_family"), else 1.
 *            A threshold of 1 (or NaN: no novelty model) is never reached.
 */
int  tff_result_Known(const TFF_RESULT *R, int q);

/* Function:  tff_result_TopTwo()
 * Synopsis:  The indices of the two largest of prob[0..n-1] into top[0], top[1]
 *            (ties: the lower index first; -1 where n is too small). The order
 *            of the calls and runner-ups of the reports (comb_top, cnn_top).
 */
void tff_result_TopTwo(const double *prob, int n, int top[2]);

/* Function:  tff_result_Partner()
 * Synopsis:  The heterodimer rule on its own (tffam-cv judges it on held-out
 *            folds with this function): if a motif's nearest reference motif has
 *            two different families ref_y and ref_y2 (JASPAR's "A::B"), the call
 *            is one of them and the match's E-value is at most emax, the other.
 * Returns:   that family, or -1 (also for emax 0 or NAN: never; a call or ref_y < 0).
 */
int  tff_result_Partner(int call, int ref_y, int ref_y2, double evalue, double emax);

/* Function:  tff_result_SecondFamily()
 * Synopsis:  The second family of a combined answer, or -1. For a query with a
 *            combined call that is an answer (of a known family, tff_result_Known(),
 *            and confident, tff_result_Confident(); an abstention has no second
 *            family): the call's partner (tff_result_Partner() of the nearest
 *            reference by ed, tff_result_SetNearest(), emax = R->partner_evalue)
 *            if there is one, else the runner-up if its probability is at least
 *            R->second_prob (tffam's default 1: never). A heterodimer-like
 *            motif: the answer is both, flag "two_families".
 */
int  tff_result_SecondFamily(const TFF_RESULT *R, int q);

/* Function:  tff_result_TwoFamilies()
 * Synopsis:  1 if tff_result_SecondFamily() is a family, else 0.
 */
int  tff_result_TwoFamilies(const TFF_RESULT *R, int q);

/* Function:  tff_result_CallName()
 * Synopsis:  What a report prints as the predicted family: "no_known_family",
 *            "no_confident_family" or the family's name (NULL: no call).
 */
const char *tff_result_CallName(const TFF_RESULT *R, int q);

/* Function:  tff_result_Flags()
 * Synopsis:  The flags of query q as a comma-separated list ("not_significant",
 *            "two_families") into buf (>= 64 bytes), or "." if none.
 */
const char *tff_result_Flags(const TFF_RESULT *R, int q, char *buf);

/* Function:  tff_result_Significant()
 * Synopsis:  0 if query q's best reference match is known and its E-value is above
 *            R->nsig_evalue (likely a family outside the reference set), else 1.
 */
int  tff_result_Significant(const TFF_RESULT *R, int q);

/* Function:  tff_result_Methods()
 * Synopsis:  The methods that ran as words ("combined cnn knn", ...) into buf (>= 32 bytes).
 */
const char *tff_result_Methods(const TFF_RESULT *R, char *buf);

/* Function:  tff_result_FormatDate()
 * Synopsis:  R->when as ISO 8601 UTC ("2024-01-31T12:00:00Z") into buf (>= 32 bytes).
 */
const char *tff_result_FormatDate(const TFF_RESULT *R, char *buf);

#endif /* TFF_RESULT_INCLUDED */
