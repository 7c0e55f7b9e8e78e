/* tff_combine_fit: the training half of tff_combine (see tff_combine.h), used only by
 * tffam-cv (and tffam-train's stem groups): groups and folds, out-of-fold evidence,
 * the combiner's and the novelty model's fits, decoys, and writing combiner files.
 * Its unit tests are in tff_combine.c's driver.
 *
 * Contents:
 *   1. Groups and grouped folds
 *   2. Out-of-fold evidence
 *   3. The novelty model's fit and decoys
 *   4. The combiner's fit
 *   5. Combiner files: write
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_calib.h"
#include "tff_cnn.h"
#include "tff_colcmp.h"
#include "tff_combine.h"
#include "tff_io.h"
#include "tff_io_internal.h"   /* the line cursor */
#include "tff_outdir.h"
#include "tff_random.h"
#include "tff_util.h"

static int cholesky_solve(double *A, double *b, int d);

/*****************************************************************
 * 1. Groups and grouped folds
 *****************************************************************/

int
tff_combine_ReadLabelsNames(const char *path, const TFF_MOTIFSET *set, int flags, TFF_LABELS **ret_L, char ***opt_names,
                            char *errbuf)
{
  TFF_BUF buf;
  int     status;

  tff_buf_Init(&buf);
  *ret_L = NULL;
  if (opt_names) *opt_names = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "labels file", &buf, errbuf));   /* as tff_labels_Read() */
  TFF_CHECK(tff_labels_Parse(path, buf.s ? buf.s : "", buf.n, set, flags, ret_L, errbuf));
  if (opt_names)
    TFF_CHECK(tff_combine_ParseNames(strcmp(path, "-") == 0 ? "standard input" : path, buf.s ? buf.s : "", buf.n, set, opt_names, errbuf));
 ERROR:
  if (status != tffOK) { tff_labels_Destroy(*ret_L); *ret_L = NULL; }
  tff_buf_Free(&buf);
  return status;
}

int
tff_combine_ParseNames(const char *path, const char *data, size_t n, const TFF_MOTIFSET *set, char ***ret_names, char *errbuf)
{
  TFF_LINES   L;
  TFF_STRMAP  map = { NULL, NULL, 0 };
  char      **names = NULL, *f[64];
  const char **ids = NULL;
  int         status, namecol = -1, header = 0, r;
  size_t      bom = tff_BomLength(data, n);

  *ret_names = NULL;
  tff_lines_Init(&L, data + bom, n - bom);
  TFF_CALLOC(names, (size_t) set->n + 1, sizeof(char *));
  TFF_CALLOC(ids, (size_t) set->n + 1, sizeof(char *));
  for (int i = 0; i < set->n; i++) ids[i] = set->m[i]->id;
  TFF_CHECK(tff_strmap_Build(&map, ids, set->n, errbuf));
  while ((r = tff_lines_Next(&L)) > 0) {
    char *p = L.line;
    int   nf, i;
    if (*p == '\0' || *p == '#') continue;
    nf = tff_SplitTabs(p, f, 64, 1);
    if (!header) {
      if (strcasecmp(f[0], "matrix_id") != 0 && strcasecmp(f[0], "id") != 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected a header line starting with matrix_id or id", path, L.lineno);
      for (int c = 0; c < nf; c++) if (strcasecmp(f[c], "name") == 0) namecol = c;
      if (namecol < 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: no column named 'name' in the header", path, L.lineno);
      header = 1;
      continue;
    }
    if (nf <= namecol || f[namecol][0] == '\0')
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: no name (column %d)", path, L.lineno, namecol + 1);
    if ((i = tff_strmap_Get(&map, f[0])) >= 0 && names[i] == NULL)
      if ((names[i] = tff_Strdup(f[namecol])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  }
  if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (!header) TFF_FAIL(tffEFORMAT, errbuf, "%s: empty (no header line)", path);
  for (int i = 0; i < set->n; i++)
    if (!names[i]) TFF_FAIL(tffEFORMAT, errbuf, "%s: no row for motif %s", path, set->m[i]->id);
  *ret_names = names;
  names = NULL;
  status = tffOK;
 ERROR:
  tff_combine_FreeNames(names, set->n);
  free(ids);
  tff_strmap_Free(&map);
  tff_lines_Free(&L);
  return status;
}

void
tff_combine_FreeNames(char **names, int n)
{
  if (!names) return;
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* Group ids 0..ng-1 from keys: items with equal keys share a group, numbered in order of first appearance. */
static int
groups_from_keys(char *const *key, int n, int *gid, int *ret_ng, char *errbuf)
{
  TFF_STRMAP map = { NULL, NULL, 0 };
  int       *first2g = NULL, status, ng = 0;
  TFF_CHECK(tff_strmap_Build(&map, (const char *const *) key, n, errbuf));
  TFF_CALLOC(first2g, (size_t) n, sizeof(int));
  for (int i = 0; i < n; i++) first2g[i] = -1;
  for (int i = 0; i < n; i++) {
    int f0 = tff_strmap_Get(&map, key[i]);
    if (first2g[f0] < 0) first2g[f0] = ng++;
    gid[i] = first2g[f0];
  }
  *ret_ng = ng;
  status = tffOK;
 ERROR:
  free(first2g);
  tff_strmap_Free(&map);
  return status;
}

int
tff_combine_GroupFolds(char *const *name, const int *y, int n, int nfam, int K, uint64_t seed, int *fold, char *errbuf)
{
  char **low = NULL;
  int   *gid = NULL;
  int    status, ng = 0;

  if (K < 2) TFF_FAIL(tffEINVAL, errbuf, "grouped folds: K = %d (at least 2)", K);
  TFF_CALLOC(low, (size_t) n, sizeof(char *));
  TFF_CALLOC(gid, (size_t) n, sizeof(int));
  for (int i = 0; i < n; i++) {
    if ((low[i] = tff_Strdup(name[i])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    for (char *c = low[i]; *c; c++) *c = (char) tolower((unsigned char) *c);
  }
  TFF_CHECK(groups_from_keys(low, n, gid, &ng, errbuf));
  TFF_CHECK(tff_labels_StratifyGroups(gid, ng, y, n, nfam, K, seed, fold, errbuf));
 ERROR:
  if (low) for (int i = 0; i < n; i++) free(low[i]);
  free(low); free(gid);
  return status;
}

/* Union-find with path halving; the root of a set is its smallest member. */
static int
uf_find(int *parent, int i)
{
  while (parent[i] != i) { parent[i] = parent[parent[i]]; i = parent[i]; }
  return i;
}

static void
uf_union(int *parent, int a, int b)
{
  a = uf_find(parent, a);
  b = uf_find(parent, b);
  if (a < b) parent[b] = a; else if (b < a) parent[a] = b;
}

/* Roots -> group ids 0..ng-1 in order of first appearance. */
static int
uf_groups(int *parent, int n, int *gid, int *ret_ng, char *errbuf)
{
  int *map = NULL, status, ng = 0;
  TFF_CALLOC(map, (size_t) n, sizeof(int));
  for (int i = 0; i < n; i++) map[i] = -1;
  for (int i = 0; i < n; i++) {
    int r = uf_find(parent, i);
    if (map[r] < 0) map[r] = ng++;
    gid[i] = map[r];
  }
  *ret_ng = ng;
  status = tffOK;
 ERROR:
  free(map);
  return status;
}

/* Systematic locus names whose numbers are not paralogy: kept whole. */
static int
stem_keep_whole(const char *u)
{
  static const char *prefix[] = { "ZNF", "ZFP", "ZSCAN", "ZKSCAN", "ZBTB", "ZIM", NULL };
  for (int k = 0; prefix[k]; k++) if (strncmp(u, prefix[k], strlen(prefix[k])) == 0) return 1;
  if (u[0] == 'A' && u[1] == 'T' && isdigit((unsigned char) u[2]) && u[3] == 'G') return 1;         /* Arabidopsis AT1G01010 */
  if (u[0] == 'C' && u[1] == 'G' && isdigit((unsigned char) u[2])) return 1;                        /* Drosophila CG1234 */
  if (strncmp(u, "LOC", 3) == 0 && isdigit((unsigned char) u[3])) return 1;
  if (u[0] == 'Y' && strlen(u) >= 7 && isalpha((unsigned char) u[1]) && (u[2] == 'L' || u[2] == 'R')
      && isdigit((unsigned char) u[3]) && isdigit((unsigned char) u[4]) && isdigit((unsigned char) u[5])) return 1;  /* yeast ORF */
  for (const char *c = u; *c; c++) if (*c == '_' && isdigit((unsigned char) c[1])) return 1;         /* ARALYDRAFT_484486 */
  return 0;
}

void
tff_combine_Stem(const char *name, char *out, size_t n)
{
  size_t len = 0, keep;
  if (n == 0) return;
  while (name[len] && len + 1 < n) { out[len] = (char) toupper((unsigned char) name[len]); len++; }
  out[len] = '\0';
  if (stem_keep_whole(out)) return;
  keep = len;
  while (keep > 0 && isdigit((unsigned char) out[keep - 1])) keep--;          /* trailing number */
  if (keep == len && keep > 3 && isalpha((unsigned char) out[keep - 1])) keep--;   /* else a trailing letter (JUNB, HNF1A), 3 left at least */
  while (keep > 0 && (out[keep - 1] == '-' || out[keep - 1] == '.' || out[keep - 1] == '_')) keep--;
  if (keep < 2) return;   /* too little left ("P53", "E1"): the whole name */
  out[keep] = '\0';
}

int
tff_combine_StemGroups(char *const *name, int n, int *gid, int *ret_ng, char *errbuf)
{
  char **key = NULL;    /* one stem per part of every name: n x 2 ("A::B" -> stem(A), stem(B)) */
  int   *parent = NULL, *kg = NULL, status, nk = 0;

  TFF_CALLOC(key, (size_t) 2 * n, sizeof(char *));
  TFF_CALLOC(kg, (size_t) 2 * n, sizeof(int));
  TFF_CALLOC(parent, (size_t) n, sizeof(int));
  for (int i = 0; i < n; i++) {
    const char *sep = strstr(name[i], "::");
    size_t      len = sep ? (size_t) (sep - name[i]) : strlen(name[i]);
    char        buf[256];
    TFF_CALLOC(key[2 * i], 256, 1);
    TFF_CALLOC(key[2 * i + 1], 256, 1);
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, name[i], len);
    buf[len] = '\0';
    tff_combine_Stem(buf, key[2 * i], 256);
    if (sep) tff_combine_Stem(sep + 2, key[2 * i + 1], 256);   /* "A::B": both stems (a third part stays with B) */
    else     memcpy(key[2 * i + 1], key[2 * i], 256);
    /* an empty part ("A::", "::B") has no stem: the other part's alone (an empty key
     * would put every such motif in one group); "::" alone keeps its whole name */
    if (sep && key[2 * i][0] == '\0' && key[2 * i + 1][0] == '\0') {
      snprintf(key[2 * i], 256, "%s", name[i]);
      memcpy(key[2 * i + 1], key[2 * i], 256);
    } else if (key[2 * i][0] == '\0')     memcpy(key[2 * i], key[2 * i + 1], 256);
    else if (key[2 * i + 1][0] == '\0')   memcpy(key[2 * i + 1], key[2 * i], 256);
  }
  nk = 2 * n;
  TFF_CHECK(groups_from_keys(key, nk, kg, &nk, errbuf));
  /* motifs sharing any stem fall together: union over the stems' first motifs */
  {
    int *owner = NULL;
    TFF_CALLOC(owner, (size_t) nk, sizeof(int));
    for (int k = 0; k < nk; k++) owner[k] = -1;
    for (int i = 0; i < n; i++) parent[i] = i;
    for (int i = 0; i < n; i++)
      for (int part = 0; part < 2; part++) {
        int k = kg[2 * i + part];
        if (owner[k] < 0) owner[k] = i; else uf_union(parent, owner[k], i);
      }
    free(owner);
  }
  TFF_CHECK(uf_groups(parent, n, gid, ret_ng, errbuf));
  status = tffOK;
 ERROR:
  if (key) for (int i = 0; i < 2 * n; i++) free(key[i]);
  free(key); free(kg); free(parent);
  return status;
}

int
tff_combine_ClusterGroups(const TFF_KNN_TABLE *T, int metric, double thresh, const int *opt_gid, int *gid, int *ret_ng, char *errbuf)
{
  int *parent = NULL, *owner = NULL, status;
  if (metric < 0 || metric >= tffKNN_NMETRIC || !T->have[metric])
    TFF_FAIL(tffEINVAL, errbuf, "cluster groups: no neighbours under %s", tff_knn_MetricName(metric));
  TFF_CALLOC(parent, (size_t) T->nq, sizeof(int));
  for (int i = 0; i < T->nq; i++) parent[i] = i;
  for (int q = 0; q < T->nq; q++) {
    const TFF_KNN_NB *list = T->nb[metric] + (size_t) q * T->kmax;
    for (int r = 0; r < T->nnb[metric][q]; r++)
      if (list[r].pvalue < thresh && list[r].ref >= 0 && list[r].ref < T->nq) uf_union(parent, q, list[r].ref);
  }
  if (opt_gid) {   /* and every group given (e.g. the stems) stays whole */
    TFF_CALLOC(owner, (size_t) T->nq, sizeof(int));
    for (int i = 0; i < T->nq; i++) owner[i] = -1;
    for (int i = 0; i < T->nq; i++) {
      int g = opt_gid[i];
      if (g < 0 || g >= T->nq) continue;
      if (owner[g] < 0) owner[g] = i; else uf_union(parent, owner[g], i);
    }
  }
  TFF_CHECK(uf_groups(parent, T->nq, gid, ret_ng, errbuf));
  status = tffOK;
 ERROR:
  free(parent); free(owner);
  return status;
}

/*****************************************************************
 * 2. Out-of-fold evidence
 *****************************************************************/

static int
table_like(const TFF_KNN_TABLE *T, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *U = NULL;
  int            status;
  TFF_CALLOC(U, 1, sizeof *U);
  U->nq = T->nq; U->kmax = T->kmax;
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    TFF_CALLOC(U->nb[m], (size_t) T->nq * (size_t) T->kmax, sizeof(TFF_KNN_NB));
    TFF_CALLOC(U->nnb[m], (size_t) T->nq, sizeof(int));
    U->have[m] = 1;
  }
  *ret_T = U;
  return tffOK;
 ERROR:
  tff_knn_table_Destroy(U);
  *ret_T = NULL;
  return status;
}

int
tff_combine_FilterTable(const TFF_KNN_TABLE *T, const int *fold, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  return tff_combine_FilterTableOut(T, fold, -1, ret_T, errbuf);
}

int
tff_combine_FilterTableOut(const TFF_KNN_TABLE *T, const int *fold, int out, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *U = NULL;
  int            status;
  TFF_CHECK(table_like(T, &U, errbuf));
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    for (int q = 0; q < T->nq; q++) {
      const TFF_KNN_NB *src = T->nb[m] + (size_t) q * T->kmax;
      TFF_KNN_NB       *dst = U->nb[m] + (size_t) q * T->kmax;
      int               k = 0;
      for (int r = 0; r < T->nnb[m][q]; r++)
        if (src[r].ref >= 0 && src[r].ref < T->nq && fold[src[r].ref] != fold[q] && fold[src[r].ref] != out) dst[k++] = src[r];
      U->nnb[m][q] = k;
    }
  }
  *ret_T = U;
  return tffOK;
 ERROR:
  *ret_T = NULL;
  return status;
}

int
tff_combine_WriteTable(const char *path, const TFF_KNN_TABLE *T, const char *setsum, char *errbuf)
{
  TFF_OUTFILE of;
  int         status;

  /* Atomically (tff_outfile): a failed write leaves an existing file as it was.
   * Write errors are sticky in the FILE; Commit checks them. */
  TFF_CHECK(tff_outfile_Open(path, &of, errbuf));
  fprintf(of.fp, "TFFAM-NEIGHBOURS 2 %d %d %s\n", T->nq, T->kmax, setsum);
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    for (int q = 0; q < T->nq && !ferror(of.fp); q++)
      for (int r = 0; r < T->nnb[m][q]; r++) {
        const TFF_KNN_NB *b = T->nb[m] + (size_t) q * T->kmax + r;
        fprintf(of.fp, "%d %d %d %d %d %d %a %a\n", m, q, b->ref, b->strand, b->offset, b->overlap, b->pvalue, b->evalue);
      }
  }
  TFF_CHECK(tff_outfile_Commit(&of, errbuf));
 ERROR:
  return status;
}

int
tff_combine_ReadTable(const char *path, int nq, const char *setsum, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_BUF buf;
  int     status;

  tff_buf_Init(&buf);
  *ret_T = NULL;
  TFF_CHECK(tff_io_Slurp(path, &buf, errbuf));
  status = tff_combine_ParseTable(strcmp(path, "-") == 0 ? "standard input" : path, buf.s ? buf.s : "", buf.n, nq, setsum, ret_T, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

int
tff_combine_ParseTable(const char *path, const char *data, size_t n, int nq, const char *setsum, TFF_KNN_TABLE **ret_T,
                       char *errbuf)
{
  TFF_LINES      L;
  TFF_KNN_TABLE *T = NULL;
  char           sum[48];
  int            status, fnq, kmax, ver, nf, r;

  *ret_T = NULL;
  tff_lines_Init(&L, data, n);
  if ((r = tff_lines_Next(&L)) < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (r == 0 || (nf = sscanf(L.line, "TFFAM-NEIGHBOURS %d %d %d %47s", &ver, &fnq, &kmax, sum)) < 3 || !(ver == 1 || (ver == 2 && nf == 4))
      || kmax < 1 || kmax > 100000)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line 1: not a tffam neighbour file (TFFAM-NEIGHBOURS 2 <n> <kmax> <checksum>)", path);
  if (fnq != nq) TFF_FAIL(tffEFORMAT, errbuf, "%s: neighbours of %d motifs, but the set has %d", path, fnq, nq);
  if (ver == 2 && setsum && strcmp(sum, setsum) != 0) {
    /* "<set checksum>" (the three scores of -save-neighbours) or "<set checksum>/<score>" (-save-extra-neighbours) */
    const char *fs = strchr(sum, '/'), *ws = strchr(setsum, '/');
    size_t      fl = fs ? (size_t) (fs - sum) : strlen(sum), wl = ws ? (size_t) (ws - setsum) : strlen(setsum);
    if (fl != wl || strncmp(sum, setsum, fl) != 0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: neighbours of another motif set (its checksum %.*s, this set's %.*s)", path, (int) fl, sum, (int) wl, setsum);
    if (fs && ws)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: neighbours under the column score %s, not %s", path, fs + 1, ws + 1);
    if (fs)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: neighbours under the one column score %s (-save-extra-neighbours), not the three of -save-neighbours", path, fs + 1);
    TFF_FAIL(tffEFORMAT, errbuf, "%s: the file does not say which column score its neighbours are under (an older tffam wrote it); "
             "make it again with -save-extra-neighbours", path);
  }
  TFF_CALLOC(T, 1, sizeof *T);
  T->nq = nq; T->kmax = kmax;
  while ((r = tff_lines_Next(&L)) > 0) {
    TFF_KNN_NB b;
    int        m, q, k;
    if (sscanf(L.line, "%d %d %d %d %d %d %la %la", &m, &q, &b.ref, &b.strand, &b.offset, &b.overlap, &b.pvalue, &b.evalue) != 8 ||
        m < 0 || m >= tffKNN_NMETRIC || q < 0 || q >= nq || b.ref < 0 || b.ref >= nq)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected 'metric query ref strand offset overlap p E'", path, L.lineno);
    if (!(b.pvalue >= 0.0 && b.pvalue <= 1.0) || !(b.evalue >= 0.0 && isfinite(b.evalue)) || (b.strand != 0 && b.strand != 1) ||
        b.overlap < 0 || b.overlap > TFF_MAX_MOTIF_WIDTH || b.offset < -TFF_MAX_MOTIF_WIDTH || b.offset > TFF_MAX_MOTIF_WIDTH)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: a value out of range (strand 0 or 1, offset and overlap within %d, p in [0,1], E finite >= 0)",
               path, L.lineno, TFF_MAX_MOTIF_WIDTH);
    if (!T->have[m]) {
      TFF_CALLOC(T->nb[m], (size_t) nq * (size_t) kmax, sizeof(TFF_KNN_NB));
      TFF_CALLOC(T->nnb[m], (size_t) nq, sizeof(int));
      T->have[m] = 1;
    }
    if ((k = T->nnb[m][q]) >= kmax) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: more than %d neighbours", path, L.lineno, kmax);
    if (k > 0 && b.pvalue < T->nb[m][(size_t) q * kmax + k - 1].pvalue)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: neighbours out of rank order (a p-value below the one before it)", path, L.lineno);
    T->nb[m][(size_t) q * kmax + k] = b;
    T->nnb[m][q]++;
  }
  if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  *ret_T = T;
  T = NULL;
  status = tffOK;
 ERROR:
  tff_lines_Free(&L);
  tff_knn_table_Destroy(T);
  return status;
}

/* One network of the out-of-fold evidence: trained on the trainable motifs of no fold in
 * out[0..nout-1] (tff_train_Fit; its early-stopping split comes from them), predicting the
 * motifs of those folds: motif i of fold out[t] into dst[t] + i * nfam. */
static int
fit_predict(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, const int *out, int nout,
            uint64_t seed, const char *tag, double *const *dst, char *errbuf)
{
  int         ntr = 0, status;
  int        *idx = NULL;
  TFF_CNN    *net = NULL;
  TFF_CNN_WS *ws = NULL;
  TFF_ALLOC(idx, sizeof(int) * (size_t) d->n);
  for (int i = 0; i < d->n; i++) {
    int held = 0;
    for (int t = 0; t < nout; t++) held |= fold[i] == out[t];
    if (!held && (!trainable || trainable[i])) idx[ntr++] = i;
  }
  TFF_CHECK(tff_train_Fit(o, d, idx, ntr, seed, tag, &net, NULL, errbuf));
  TFF_CHECK(tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, errbuf));
  for (int i = 0; i < d->n; i++)
    for (int t = 0; t < nout; t++)
      if (fold[i] == out[t]) tff_train_Probs(net, ws, d, i, dst[t] + (size_t) i * d->nfam);
  status = tffOK;
 ERROR:
  tff_cnn_WsDestroy(ws);
  tff_cnn_Destroy(net);
  free(idx);
  return status;
}

/* Seed s's base seed: o->seed for s = 0, as tffam-train's. */
static uint64_t
seed_base(const TFF_TRAIN_OPTS *o, int s)
{
  return s == 0 ? o->seed : tff_rng_Derive(o->seed, 7000 + (uint64_t) s);
}

/* prob[t] = mean over the seeds of part[s * N + t], in seed order. */
static void
seed_mean(const double *part, int nseeds, size_t N, double *prob)
{
  for (size_t t = 0; t < N; t++) {
    double sum = 0.0;
    for (int s = 0; s < nseeds; s++) sum += part[(size_t) s * N + t];
    prob[t] = sum / nseeds;
  }
}

int
tff_combine_CnnOOF(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K, int nseeds,
                   double *prob, char *errbuf)
{
  int    njob = K * nseeds, status, *jstatus = NULL;
  double *part = NULL;   /* nseeds x n x nfam: every job writes only its fold's rows */
  const size_t N = (size_t) d->n * d->nfam;
  char  (*jerr)[TFF_ERRBUFSIZE] = NULL;

  TFF_CALLOC(jstatus, (size_t) njob, sizeof(int));
  TFF_CALLOC(jerr, (size_t) njob, TFF_ERRBUFSIZE);
  TFF_CALLOC(part, (size_t) nseeds * N, sizeof(double));
#pragma omp parallel for schedule(dynamic, 1)
  for (int j = 0; j < njob; j++) {
    int     k = j % K, s = j / K;
    double *dst = part + (size_t) s * N;
    char    tag[48];
    snprintf(tag, sizeof tag, "fold %d/%d seed %d", k + 1, K, s + 1);
    jstatus[j] = fit_predict(o, d, fold, trainable, &k, 1, tff_rng_Derive(seed_base(o, s), (uint64_t) k + 100), tag, &dst, jerr[j]);
  }
  for (int j = 0; j < njob; j++)
    if (jstatus[j] != tffOK) TFF_FAIL(jstatus[j], errbuf, "network, fold %d seed %d: %s", j % K + 1, j / K + 1, jerr[j]);
  seed_mean(part, nseeds, N, prob);
  status = tffOK;
 ERROR:
  free(jstatus); free(jerr); free(part);
  return status;
}

void
tff_combine_PairOfJob(int p, int K, int *ret_a, int *ret_b)
{
  int a = 0;
  while (p >= K - 1 - a) { p -= K - 1 - a; a++; }
  *ret_a = a;
  *ret_b = a + 1 + p;
}

int
tff_combine_CnnPairOOF(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K, int nseeds,
                       double *prob, char *errbuf)
{
  const int    npair = K * (K - 1) / 2, njob = npair * nseeds;
  const size_t N = (size_t) d->n * d->nfam;
  int          status, *jstatus = NULL;
  double      *part = NULL;   /* nseeds x K x n x nfam */
  char       (*jerr)[TFF_ERRBUFSIZE] = NULL;

  TFF_CALLOC(jstatus, (size_t) njob, sizeof(int));
  TFF_CALLOC(jerr, (size_t) njob, TFF_ERRBUFSIZE);
  TFF_CALLOC(part, (size_t) nseeds * K * N, sizeof(double));
#pragma omp parallel for schedule(dynamic, 1)
  for (int j = 0; j < njob; j++) {
    int     p = j % npair, s = j / npair, ab[2];
    double *dst[2];
    char    tag[64];
    tff_combine_PairOfJob(p, K, &ab[0], &ab[1]);
    /* fold a's motifs are training rows of fold b's combiner, and the other way round */
    dst[0] = part + ((size_t) s * K + ab[1]) * N;
    dst[1] = part + ((size_t) s * K + ab[0]) * N;
    snprintf(tag, sizeof tag, "folds %d+%d/%d seed %d", ab[0] + 1, ab[1] + 1, K, s + 1);
    jstatus[j] = fit_predict(o, d, fold, trainable, ab, 2, tff_rng_Derive(seed_base(o, s), 10000 + (uint64_t) ab[0] * K + ab[1]),
                             tag, dst, jerr[j]);
  }
  for (int j = 0; j < njob; j++)
    if (jstatus[j] != tffOK) {
      int a, b;
      tff_combine_PairOfJob(j % npair, K, &a, &b);
      TFF_FAIL(jstatus[j], errbuf, "network, folds %d and %d, seed %d: %s", a + 1, b + 1, j / npair + 1, jerr[j]);
    }
  seed_mean(part, nseeds, (size_t) K * N, prob);
  status = tffOK;
 ERROR:
  free(jstatus); free(jerr); free(part);
  return status;
}

/*****************************************************************
 * 3. The novelty model's fit and decoys
 *****************************************************************/

int
tff_combine_FitNovelty(const double *Z, const int *novel, const double *wt, const int *sel, int n, double lambda,
                       double *ret_w, double *ret_b, char *errbuf)
{
  const int J = TFF_NOVEL_NFEAT, d = J + 1;
  double    mean[TFF_NOVEL_NFEAT] = { 0 }, sd[TFF_NOVEL_NFEAT] = { 0 }, th[TFF_NOVEL_NFEAT + 1] = { 0 };
  double    g[TFF_NOVEL_NFEAT + 1], H[(TFF_NOVEL_NFEAT + 1) * (TFF_NOVEL_NFEAT + 1)], zs[TFF_NOVEL_NFEAT + 1];
  double    W = 0.0;
  int       status;

  for (int i = 0; i < n; i++) if (!sel || sel[i]) W += wt[i];
  if (!(W > 0.0)) TFF_FAIL(tffEINVAL, errbuf, "novelty model: nothing to fit on");
  /* standardise (weighted), fit, then fold the scaling back into raw-feature coefficients */
  for (int i = 0; i < n; i++) if (!sel || sel[i]) for (int j = 0; j < J; j++) mean[j] += wt[i] * Z[(size_t) i * J + j] / W;
  for (int i = 0; i < n; i++) if (!sel || sel[i]) for (int j = 0; j < J; j++) { double e = Z[(size_t) i * J + j] - mean[j]; sd[j] += wt[i] * e * e / W; }
  for (int j = 0; j < J; j++) sd[j] = sd[j] > 1e-12 ? sqrt(sd[j]) : 1.0;
  for (int it = 0; it < 50; it++) {
    double gn = 0.0;
    for (int a = 0; a < d; a++) g[a] = lambda * th[a];
    for (int a = 0; a < d * d; a++) H[a] = 0.0;
    for (int a = 0; a < d; a++) H[a * d + a] = lambda;
    for (int i = 0; i < n; i++) {
      double s = 0.0, p, wi;
      if (sel && !sel[i]) continue;
      wi = wt[i] / W;
      for (int j = 0; j < J; j++) zs[j] = (Z[(size_t) i * J + j] - mean[j]) / sd[j];
      zs[J] = 1.0;
      for (int a = 0; a < d; a++) s += th[a] * zs[a];
      p = 1.0 / (1.0 + exp(-s));
      for (int a = 0; a < d; a++) {
        g[a] += wi * (p - (novel[i] != 0)) * zs[a];
        for (int b = 0; b <= a; b++) H[a * d + b] += wi * p * (1.0 - p) * zs[a] * zs[b];
      }
    }
    for (int a = 0; a < d; a++) { for (int b = 0; b < a; b++) H[b * d + a] = H[a * d + b]; gn += g[a] * g[a]; }
    if (sqrt(gn) < 1e-10) break;
    if (!cholesky_solve(H, g, d)) TFF_FAIL(tffEINVAL, errbuf, "novelty model: singular system");
    for (int a = 0; a < d; a++) th[a] -= g[a];   /* logistic log-loss is convex: plain Newton steps converge */
  }
  *ret_b = th[J];
  for (int j = 0; j < J; j++) { ret_w[j] = th[j] / sd[j]; *ret_b -= th[j] * mean[j] / sd[j]; }
  return tffOK;
 ERROR:
  return status;
}

int
tff_combine_DecoyMotifs(int n, int wmin, int wmax, double alpha, uint64_t seed, const char *prefix, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_MOTIFSET *set = NULL;
  TFF_MOTIF    *m = NULL;
  TFF_RNG       r;
  int           status;
  char          id[64];

  tff_rng_Init(&r, seed);
  TFF_CHECK(tff_motifset_Create(prefix, &set, errbuf));
  for (int i = 0; i < n; i++) {
    int w = wmin + (int) tff_rng_Below(&r, (uint64_t) (wmax - wmin + 1));
    snprintf(id, sizeof id, "%s%d", prefix, i + 1);
    TFF_CHECK(tff_motif_Create(id, NULL, w, &m, errbuf));
    for (int c = 0; c < w; c++) {
      double *row = m->p + (size_t) c * TFF_ALPHA, sum = 0.0;
      for (int a = 0; a < TFF_ALPHA; a++) {
        if (alpha <= 0.0) row[a] = 1.0;   /* uniform */
        else {                            /* Gamma(alpha) by Marsaglia-Tsang (alpha >= 1), boosted below 1 */
          double al = alpha < 1.0 ? alpha + 1.0 : alpha, dd = al - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd), x, v, u;
          for (;;) {
            do { x = tff_rng_Normal(&r); v = 1.0 + cc * x; } while (v <= 0.0);
            v = v * v * v;
            u = tff_rng_Uniform(&r);
            if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + dd * (1.0 - v + log(v))) break;
          }
          row[a] = dd * v;
          if (alpha < 1.0) row[a] *= pow(tff_rng_Uniform(&r), 1.0 / alpha);
        }
        sum += row[a];
      }
      for (int a = 0; a < TFF_ALPHA; a++) row[a] /= sum;
    }
    m->nsites = TFF_DEFAULT_NSITES;
    TFF_CHECK(tff_motifset_Add(set, m, errbuf));
    m = NULL;
  }
  *ret_set = set;
  return tffOK;
 ERROR:
  tff_motif_Destroy(m);
  tff_motifset_Destroy(set);
  *ret_set = NULL;
  return status;
}

/*****************************************************************
 * 4. The combiner's fit
 *****************************************************************/

/* Solve A t = b (A symmetric positive definite, d x d) by Cholesky, in place; 0 if not PD. */
static int
cholesky_solve(double *A, double *b, int d)
{
  for (int j = 0; j < d; j++) {
    double s = A[j * d + j];
    for (int k = 0; k < j; k++) s -= A[j * d + k] * A[j * d + k];
    if (!(s > 0.0)) return 0;
    A[j * d + j] = sqrt(s);
    for (int i = j + 1; i < d; i++) {
      double t = A[i * d + j];
      for (int k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / A[j * d + j];
    }
  }
  for (int i = 0; i < d; i++) {        /* L y = b */
    for (int k = 0; k < i; k++) b[i] -= A[i * d + k] * b[k];
    b[i] /= A[i * d + i];
  }
  for (int i = d - 1; i >= 0; i--) {   /* L^T t = y */
    for (int k = i + 1; k < d; k++) b[i] -= A[k * d + i] * b[k];
    b[i] /= A[i * d + i];
  }
  return 1;
}

/* Penalised weighted mean log-loss of theta = (beta over the used features, biases). */
static double
fit_loss(const double *x, const int *y, const int *y2, const double *w, const int *sel, int n, int nfam, const int *fj, int nj,
         const double *theta, double lambda, double wsum)
{
  double L = 0.0, pen = 0.0, s[nfam];
  for (int i = 0; i < n; i++) {
    const double *xi = x + (size_t) i * nfam * TFF_COMBINE_NFEAT;
    double        mx = -INFINITY, z = 0.0;
    if ((sel && !sel[i]) || y[i] < 0) continue;
    for (int f = 0; f < nfam; f++) {
      s[f] = theta[nj + f];
      for (int a = 0; a < nj; a++) s[f] += theta[a] * xi[f * TFF_COMBINE_NFEAT + fj[a]];
      if (s[f] > mx) mx = s[f];
    }
    for (int f = 0; f < nfam; f++) z += exp(s[f] - mx);
    if (y2 && y2[i] >= 0 && y2[i] < nfam && y2[i] != y[i]) L += w[y[i]] * (mx + log(z) - 0.5 * (s[y[i]] + s[y2[i]]));
    else                                                    L += w[y[i]] * (mx + log(z) - s[y[i]]);
  }
  for (int a = 0; a < nj + nfam; a++) pen += theta[a] * theta[a];
  return L / wsum + 0.5 * lambda * pen;
}

int
tff_combine_Fit(const double *x, const int *y, const int *y2, const int *sel, int n, int nfam, const int *use, double lambda,
                double cw, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_COMBINER *C = NULL;
  double       *theta = NULL, *g = NULL, *H = NULL, *step = NULL, *w = NULL, *cand = NULL, *phi = NULL, *mu = NULL, *p = NULL;
  long         *cnt = NULL;
  int           fj[TFF_COMBINE_NFEAT], nj = 0, d, status, m = 0;
  double        wsum = 0.0, loss;

  *ret_C = NULL;
  if (!(lambda > 0.0)) TFF_FAIL(tffEINVAL, errbuf, "combiner: L2 penalty must be > 0 (%g)", lambda);
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++) if (!use || use[j]) fj[nj++] = j;
  d = nj + nfam;
  TFF_CALLOC(cnt, (size_t) nfam, sizeof(long));
  TFF_CALLOC(w, (size_t) nfam, sizeof(double));
  for (int i = 0; i < n; i++) if ((!sel || sel[i]) && y[i] >= 0 && y[i] < nfam) { cnt[y[i]]++; m++; }
  if (m == 0) TFF_FAIL(tffEINVAL, errbuf, "combiner: no labelled items to fit on");
  {
    int present = 0;
    for (int f = 0; f < nfam; f++) if (cnt[f]) present++;
    for (int f = 0; f < nfam; f++) w[f] = cnt[f] ? pow((double) m / ((double) present * cnt[f]), cw) : 0.0;
    for (int f = 0; f < nfam; f++) wsum += w[f] * cnt[f];
    for (int f = 0; f < nfam; f++) w[f] *= (double) m / wsum;   /* mean weight 1 */
    wsum = m;
  }
  TFF_CALLOC(theta, (size_t) d, sizeof(double));
  TFF_CALLOC(cand, (size_t) d, sizeof(double));
  TFF_CALLOC(g, (size_t) d, sizeof(double));
  TFF_CALLOC(step, (size_t) d, sizeof(double));
  TFF_CALLOC(H, (size_t) d * d, sizeof(double));
  TFF_CALLOC(phi, (size_t) nfam * nj, sizeof(double));
  TFF_CALLOC(mu, (size_t) d, sizeof(double));
  TFF_CALLOC(p, (size_t) nfam, sizeof(double));
  loss = fit_loss(x, y, y2, w, sel, n, nfam, fj, nj, theta, lambda, wsum);
  for (int it = 0; it < 100; it++) {
    double gnorm = 0.0, t = 1.0, newloss;
    for (int a = 0; a < d; a++) { g[a] = lambda * theta[a]; }
    memset(H, 0, sizeof(double) * (size_t) d * d);
    for (int i = 0; i < n; i++) {
      const double *xi = x + (size_t) i * nfam * TFF_COMBINE_NFEAT;
      double        mx = -INFINITY, z = 0.0, wi;
      int           b2;   /* a second label: the target is half on each */
      if ((sel && !sel[i]) || y[i] < 0 || y[i] >= nfam) continue;
      wi = w[y[i]] / wsum;
      b2 = (y2 && y2[i] >= 0 && y2[i] < nfam && y2[i] != y[i]) ? y2[i] : -1;
      for (int f = 0; f < nfam; f++) {
        p[f] = theta[nj + f];
        for (int a = 0; a < nj; a++) { phi[f * nj + a] = xi[f * TFF_COMBINE_NFEAT + fj[a]]; p[f] += theta[a] * phi[f * nj + a]; }
        if (p[f] > mx) mx = p[f];
      }
      for (int f = 0; f < nfam; f++) { p[f] = exp(p[f] - mx); z += p[f]; }
      for (int f = 0; f < nfam; f++) p[f] /= z;
      /* mu = E_p[phi]; gradient wi (mu - phi_y); Hessian wi (E_p[phi phi^T] - mu mu^T) */
      for (int a = 0; a < nj; a++) { double s = 0.0; for (int f = 0; f < nfam; f++) s += p[f] * phi[f * nj + a]; mu[a] = s; }
      for (int f = 0; f < nfam; f++) mu[nj + f] = p[f];
      if (b2 < 0) {
        for (int a = 0; a < nj; a++) g[a] += wi * (mu[a] - phi[y[i] * nj + a]);
        for (int f = 0; f < nfam; f++) g[nj + f] += wi * (p[f] - (f == y[i]));
      } else {
        for (int a = 0; a < nj; a++) g[a] += wi * (mu[a] - 0.5 * (phi[y[i] * nj + a] + phi[b2 * nj + a]));
        for (int f = 0; f < nfam; f++) g[nj + f] += wi * (p[f] - 0.5 * ((f == y[i]) + (f == b2)));
      }
      for (int a = 0; a < nj; a++) {
        for (int b = 0; b <= a; b++) {
          double s = 0.0;
          for (int f = 0; f < nfam; f++) s += p[f] * phi[f * nj + a] * phi[f * nj + b];
          H[a * d + b] += wi * (s - mu[a] * mu[b]);
        }
        for (int f = 0; f < nfam; f++) H[(nj + f) * d + a] += wi * (p[f] * phi[f * nj + a] - p[f] * mu[a]);
      }
      for (int f = 0; f < nfam; f++)
        for (int f2 = 0; f2 <= f; f2++) H[(nj + f) * d + nj + f2] += wi * ((f == f2 ? p[f] : 0.0) - p[f] * p[f2]);
    }
    for (int a = 0; a < d; a++) {   /* symmetric, plus the penalty */
      H[a * d + a] += lambda;
      for (int b = 0; b < a; b++) H[b * d + a] = H[a * d + b];
      gnorm += g[a] * g[a];
    }
    if (sqrt(gnorm) < 1e-10) break;
    for (int a = 0; a < d; a++) step[a] = g[a];
    if (!cholesky_solve(H, step, d)) for (int a = 0; a < d; a++) step[a] = g[a];   /* cannot happen with lambda > 0 */
    for (int half = 0; half < 40; half++, t *= 0.5) {
      for (int a = 0; a < d; a++) cand[a] = theta[a] - t * step[a];
      newloss = fit_loss(x, y, y2, w, sel, n, nfam, fj, nj, cand, lambda, wsum);
      if (newloss <= loss) break;
    }
    if (!(newloss <= loss)) break;
    memcpy(theta, cand, sizeof(double) * (size_t) d);
    if (loss - newloss < 1e-14 * (1.0 + fabs(loss))) { loss = newloss; break; }
    loss = newloss;
  }
  TFF_CHECK(tff_combine_Create(nfam, &C, errbuf));
  for (int a = 0; a < nj; a++) { C->use[fj[a]] = 1; C->beta[fj[a]] = theta[a]; }
  for (int f = 0; f < nfam; f++) C->bias[f] = theta[nj + f];
  C->lambda = lambda;
  C->cw = cw;
  *ret_C = C;
  status = tffOK;
 ERROR:
  free(theta); free(cand); free(g); free(step); free(H); free(phi); free(mu); free(p); free(w); free(cnt);
  return status;
}

/*****************************************************************
 * 5. Combiner files: write
 *****************************************************************/

int
tff_combine_SetNetworks(TFF_COMBINER *C, char *const *names, int n, char *errbuf)
{
  int status;
  for (int k = 0; k < C->nnet; k++) free(C->net[k]);
  free(C->net);
  C->net = NULL; C->nnet = 0;
  TFF_CALLOC(C->net, (size_t) n, sizeof(char *));
  for (int k = 0; k < n; k++) {
    if ((C->net[k] = tff_Strdup(names[k])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    C->nnet = k + 1;
  }
  return tffOK;
 ERROR:
  return status;
}

int
tff_combine_Write(FILE *fp, const TFF_COMBINER *C, char *const *fam, const char *comment, char *errbuf)
{
  TFF_BUF b;
  char    crc[9];
  int     status;

  tff_buf_Init(&b);   /* built in memory first: the last line is the CRC-32 of the bytes before it */
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s %d\n", TFF_COMBINE_MAGIC, TFF_COMBINE_VERSION));
  if (comment) TFF_CHECK(tff_buf_Printf(&b, errbuf, "# %s\n", comment));
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "lambda\t%.17g\nclass_weight\t%.17g\n", C->lambda, C->cw));
  if (C->kmax > 0) TFF_CHECK(tff_buf_Printf(&b, errbuf, "kmax\t%d\n", C->kmax));
  for (int k = 0; k < C->nnet; k++) TFF_CHECK(tff_buf_Printf(&b, errbuf, "network\t%s\n", C->net[k]));
  if (C->kmer_name) TFF_CHECK(tff_buf_Printf(&b, errbuf, "kmer_model\t%s\t%s\n", C->kmer_name, C->kmer_crc));
  if (C->extra_col >= 0) TFF_CHECK(tff_buf_Printf(&b, errbuf, "extra_metric\t%s\t%d\n", tff_colcmp_Name(C->extra_col), C->extra_kmax));
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++)
    if (C->use[j]) TFF_CHECK(tff_buf_Printf(&b, errbuf, "feature\t%s\t%.17g\n", tff_combine_FeatureName[j], C->beta[j]));
  for (int f = 0; f < C->nfam; f++) TFF_CHECK(tff_buf_Printf(&b, errbuf, "family\t%s\t%.17g\n", fam ? fam[f] : C->fam[f], C->bias[f]));
  if (C->novel_use) {
    for (int j = 0; j < TFF_NOVEL_NFEAT; j++)
      if (j < TFF_NOVEL_NREQ || C->novel_w[j] != 0.0)   /* optional features: only when weighed */
        TFF_CHECK(tff_buf_Printf(&b, errbuf, "novelty_feature\t%s\t%.17g\n", tff_combine_NovelName[j], C->novel_w[j]));
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "novelty_bias\t%.17g\nnovelty_threshold\t%.17g\n", C->novel_b, C->novel_thresh));
    for (int f = 0; f < C->nfam; f++)
      TFF_CHECK(tff_buf_Printf(&b, errbuf, "novelty_typical\t%s\t%.17g\t%.17g\n", fam ? fam[f] : C->fam[f], C->novel_typ[f * 2],
                               C->novel_typ[f * 2 + 1]));
  }
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "end\n"));
  tff_Crc32Hex(b.s, b.n, crc);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "crc32 %s\n", crc));
  if (fwrite(b.s, 1, b.n, fp) != b.n) TFF_FAIL(tffEWRITE, errbuf, "combiner file: write failed");
  status = tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}
