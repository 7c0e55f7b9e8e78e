/* tff_labels: labelled motif sets (motif id -> family) and stratified folds.
 *
 * A label file is a tab-separated text file (doc/labels-format.md):
 *   - blank lines and lines starting with '#' are skipped;
 *   - an optional header line is recognised when its first field is
 *     "matrix_id" or "id" (any case); if a header column is named "family"
 *     that column holds the family, otherwise the last column does;
 *   - every other line has at least two columns: the motif id in the first,
 *     the family in the last (or the "family" column of the header).
 *   So both `matrix_id name family` (JASPAR-style, as jaspar2024_eval_2113.tsv)
 *   and plain `id family` files work. Fields are trimmed of spaces and '\r'.
 *
 * With TFF_LABELS_MULTI a family field "A::B" (JASPAR's heterodimer notation) gives
 * two labels, A and B, both families of the table; "A::A" is the one label A. Without it,
 * "A::B" is a family name of its own (as before).
 *
 * Labels are mapped onto a TFF_MOTIFSET: label i belongs to set->m[i].
 * Families are indexed in byte-wise (strcmp) order of their names, so the
 * index of a family does not depend on the order of the file.
 *
 * Errors (tffEFORMAT, message names file and line): a line with fewer than 2
 * columns, an empty id or an empty family, a duplicated id, a label for a motif
 * that is not in the set (unless TFF_LABELS_ALLOW_EXTRA), a motif of the set
 * with no label (unless TFF_LABELS_ALLOW_UNLABELLED, which gives it y = -1),
 * and a file with no labels at all.
 *
 * Contents:
 *   1. TFF_LABELS: read, destroy, look up
 *   2. Stratified folds
 */
#ifndef TFF_LABELS_INCLUDED
#define TFF_LABELS_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "tff_motif.h"
#include "tff_util.h"

#define TFF_LABELS_ALLOW_EXTRA      (1 << 0)  /* labels for motifs not in the set are ignored */
#define TFF_LABELS_ALLOW_UNLABELLED (1 << 1)  /* motifs with no label get y = -1 */
#define TFF_LABELS_MULTI            (1 << 2)  /* "A::B" is two labels, y = A and y2 = B (see below) */

typedef struct {
  int     n;        /* number of motifs: the size of the set the labels were mapped on */
  int    *y;        /* y[i]: family index of motif i, 0..nfam-1 (or -1, see above) */
  int     nfam;     /* number of families */
  char  **fam;      /* fam[k]: family name, strcmp order */
  int    *y2;       /* TFF_LABELS_MULTI only (else NULL): y2[i] the second family of a two-label
                     * motif ("A::B" with A != B: y = A, y2 = B), -1 for one label ("A", or "A::A") */
  int     nmulti;   /* number of motifs with two different labels */
  int    *count;    /* count[k]: number of motifs whose first label is family k */
  char   *source;   /* label file name as given */
} TFF_LABELS;

/* 1. Reading */

/* Function:  tff_labels_Read()
 * Synopsis:  Read a label file and map it onto a motif set.
 * Args:      path   - label file ("-" is stdin; gzip is fine)
 *            set    - the motifs the labels belong to
 *            flags  - 0, or TFF_LABELS_ALLOW_EXTRA | TFF_LABELS_ALLOW_UNLABELLED
 *            ret_L  - RETURN: the labels (caller frees with tff_labels_Destroy)
 * Returns:   tffOK; tffENOTFOUND (cannot open), tffEFORMAT (see above), tffEMEM.
 */
int  tff_labels_Read(const char *path, const TFF_MOTIFSET *set, int flags, TFF_LABELS **ret_L, char *errbuf);

/* Function:  tff_labels_Parse()
 * Synopsis:  As tff_labels_Read(), from a buffer; <name> is used in messages.
 */
int  tff_labels_Parse(const char *name, const char *data, size_t n, const TFF_MOTIFSET *set, int flags,
                      TFF_LABELS **ret_L, char *errbuf);

/* Function:  tff_labels_Build()
 * Synopsis:  Labels from family names given per motif (fam_of[i] for motif i).
 * Purpose:   For programs and tests that have labels in memory. A NULL or empty
 *            name is an error unless TFF_LABELS_ALLOW_UNLABELLED.
 */
int  tff_labels_Build(const char *const *fam_of, int n, int flags, TFF_LABELS **ret_L, char *errbuf);

void tff_labels_Destroy(TFF_LABELS *L);   /* NULL is fine */

/* Function:  tff_labels_FamilyIndex()
 * Returns:   index of the family called <name>, or -1.
 */
int  tff_labels_FamilyIndex(const TFF_LABELS *L, const char *name);

/* Function:  tff_labels_ReadFamilyValues() / tff_labels_ParseFamilyValues()
 * Synopsis:  One number in [0,1] per family of L from a TSV (tffam-similarity's
 *            -knn / -cnn per-family accuracy tables): "family<TAB>value" rows,
 *            or a header "family ... accuracy|recall ..." naming the column (as
 *            tffam-eval's per-family table; tffam-cv's cv_families.tsv, a row
 *            per split, is refused as such). '#' lines and blank lines are
 *            skipped; read as every input (gzip, '-', a byte order mark, any
 *            line end). Every family of L must have exactly one row; a family
 *            L does not know is an error. Parse reads a buffer (name for
 *            messages) and does not change it. val[0..L->nfam-1]; on error its
 *            contents are undefined.
 * Returns:   tffOK; tffENOTFOUND (Read only); tffEFORMAT (file and line in
 *            errbuf); tffEMEM.
 */
int  tff_labels_ReadFamilyValues(const char *path, const char *kind, const TFF_LABELS *L, double *val, char *errbuf);
int  tff_labels_ParseFamilyValues(const char *name, const char *data, size_t n, const TFF_LABELS *L, double *val, char *errbuf);

/* 2. Stratified folds */

/* Function:  tff_labels_Stratify()
 * Synopsis:  Assign items to K folds so that every class is spread evenly.
 * Purpose:   y[0..n-1] are class indices in 0..nclass-1 (items with y < 0 get
 *            fold -1). Within each class the items are shuffled with <seed>
 *            and dealt to the folds in turn; each class starts where the
 *            previous one stopped, so fold sizes differ by at most one and each
 *            class's count per fold differs by at most one. The result depends
 *            only on (y, K, seed).
 * Returns:   tffOK and fold[0..n-1]; tffEINVAL if K < 2 or K > number of
 *            labelled items; tffEMEM.
 */
int  tff_labels_Stratify(const int *y, int n, int nclass, int K, uint64_t seed, int *fold, char *errbuf);

/* Function:  tff_labels_StratifyGroups()
 * Synopsis:  K folds with every group gid[i] (0..ng-1) in one fold, class-stratified
 *            as far as the groups allow: groups are dealt largest first (ties in a
 *            seeded order) to the fold holding the fewest motifs of the group's
 *            family (its most frequent y), then the fewest motifs.
 * Returns:   tffOK and fold[0..n-1]; tffEINVAL (K < 2, fewer groups than K, a bad id).
 */
int  tff_labels_StratifyGroups(const int *gid, int ng, const int *y, int n, int nfam, int K, uint64_t seed,
                               int *fold, char *errbuf);

/* Function:  tff_labels_StratifiedFolds()
 * Synopsis:  tff_labels_Stratify() over a label set. A family smaller than K
 *            is allowed: it is simply absent from some folds.
 */
int  tff_labels_StratifiedFolds(const TFF_LABELS *L, int K, uint64_t seed, int *fold, char *errbuf);

#endif /* TFF_LABELS_INCLUDED */
