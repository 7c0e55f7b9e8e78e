/* tff_combine: the combined family model, grouped folds, out-of-fold evidence (see tff_combine.h).
 *
 * Contents:
 *   1. Groups and grouped folds
 *   2. Out-of-fold evidence
 *   3. Features
 *   4. The combiner
 *   5. Combiner files
 *   6. Unit-test driver
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
#include "tff_random.h"
#include "tff_util.h"

static int cholesky_solve(double *A, double *b, int d);

const char *tff_combine_FeatureName[TFF_COMBINE_NFEAT] = {
  "cnn_logp", "ed_nlp", "pearson_nlp", "sandelin_nlp", "share_k1", "share_k5",
  "ed_top1", "pearson_top1", "sandelin_top1", "share_k11", "cnn_logp_unsure", "cnn_logp_nlp_low", "nlp_sum10",
  "extra_nlp"
};

/*****************************************************************
 * 1. Groups and grouped folds
 *****************************************************************/

int
tff_combine_ReadNames(const char *path, const TFF_MOTIFSET *set, char ***ret_names, char *errbuf)
{
  TFF_BUF     buf;
  TFF_STRMAP  map = { NULL, NULL, 0 };
  char      **names = NULL, *p, *f[64];
  const char **ids = NULL;
  int         status, namecol = -1, line = 0, header = 0;

  tff_buf_Init(&buf);
  *ret_names = NULL;
  TFF_CHECK(tff_io_Slurp(path, &buf, errbuf));
  TFF_CALLOC(names, (size_t) set->n + 1, sizeof(char *));
  TFF_CALLOC(ids, (size_t) set->n + 1, sizeof(char *));
  for (int i = 0; i < set->n; i++) ids[i] = set->m[i]->id;
  TFF_CHECK(tff_strmap_Build(&map, ids, set->n, errbuf));
  for (p = buf.s ? buf.s : ""; *p; ) {
    char *nl = strchr(p, '\n'), *next = nl ? nl + 1 : p + strlen(p);
    int   nf, i;
    if (nl) *nl = '\0';
    line++;
    if (*p == '\0' || *p == '#' || (*p == '\r' && p[1] == '\0')) { p = next; continue; }
    nf = tff_SplitTabs(p, f, 64, 1);
    if (!header) {
      if (strcasecmp(f[0], "matrix_id") != 0 && strcasecmp(f[0], "id") != 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected a header line starting with matrix_id or id", path, line);
      for (int c = 0; c < nf; c++) if (strcasecmp(f[c], "name") == 0) namecol = c;
      if (namecol < 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: no column named 'name' in the header", path, line);
      header = 1;
      p = next;
      continue;
    }
    if (nf <= namecol || f[namecol][0] == '\0')
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: no name (column %d)", path, line, namecol + 1);
    if ((i = tff_strmap_Get(&map, f[0])) >= 0 && names[i] == NULL)
      if ((names[i] = tff_Strdup(f[namecol])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    p = next;
  }
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
  tff_buf_Free(&buf);
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
  TFF_CALLOC(first2g, (size_t) n + 1, sizeof(int));
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
  TFF_CALLOC(low, (size_t) n + 1, sizeof(char *));
  TFF_CALLOC(gid, (size_t) n + 1, sizeof(int));
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
  TFF_CALLOC(map, (size_t) n + 1, sizeof(int));
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

  TFF_CALLOC(key, (size_t) 2 * n + 1, sizeof(char *));
  TFF_CALLOC(kg, (size_t) 2 * n + 1, sizeof(int));
  TFF_CALLOC(parent, (size_t) n + 1, sizeof(int));
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
  }
  nk = 2 * n;
  TFF_CHECK(groups_from_keys(key, nk, kg, &nk, errbuf));
  /* motifs sharing any stem fall together: union over the stems' first motifs */
  {
    int *owner = NULL;
    TFF_CALLOC(owner, (size_t) nk + 1, sizeof(int));
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
  TFF_CALLOC(parent, (size_t) T->nq + 1, sizeof(int));
  for (int i = 0; i < T->nq; i++) parent[i] = i;
  for (int q = 0; q < T->nq; q++) {
    const TFF_KNN_NB *list = T->nb[metric] + (size_t) q * T->kmax;
    for (int r = 0; r < T->nnb[metric][q]; r++)
      if (list[r].pvalue < thresh && list[r].ref >= 0 && list[r].ref < T->nq) uf_union(parent, q, list[r].ref);
  }
  if (opt_gid) {   /* and every group given (e.g. the stems) stays whole */
    TFF_CALLOC(owner, (size_t) T->nq + 1, sizeof(int));
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
tff_combine_WriteTable(const char *path, const TFF_KNN_TABLE *T, char *errbuf)
{
  FILE *fp = fopen(path, "w");
  int   status;
  if (!fp) return tff_Fail(errbuf, tffEWRITE, "%s: cannot open for writing", path);
  TFF_CHECK(tff_Fprintf(fp, errbuf, "TFFAM-NEIGHBOURS 1 %d %d\n", T->nq, T->kmax));
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    for (int q = 0; q < T->nq; q++)
      for (int r = 0; r < T->nnb[m][q]; r++) {
        const TFF_KNN_NB *b = T->nb[m] + (size_t) q * T->kmax + r;
        TFF_CHECK(tff_Fprintf(fp, errbuf, "%d %d %d %d %d %d %a %a\n", m, q, b->ref, b->strand, b->offset, b->overlap, b->pvalue, b->evalue));
      }
  }
  return tff_Fclose(fp, path, errbuf);
 ERROR:
  fclose(fp);
  remove(path);
  return status;
}

int
tff_combine_ReadTable(const char *path, int nq, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_BUF        buf;
  TFF_KNN_TABLE *T = NULL;
  char          *p;
  int            status, line = 1, fnq, kmax, ver, used;

  tff_buf_Init(&buf);
  *ret_T = NULL;
  TFF_CHECK(tff_io_Slurp(path, &buf, errbuf));
  p = buf.s ? buf.s : "";
  if (sscanf(p, "TFFAM-NEIGHBOURS %d %d %d%n", &ver, &fnq, &kmax, &used) != 3 || ver != 1 || kmax < 1 || kmax > 100000)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line 1: not a tffam neighbour file (TFFAM-NEIGHBOURS 1 <n> <kmax>)", path);
  if (fnq != nq) TFF_FAIL(tffEFORMAT, errbuf, "%s: neighbours of %d motifs, but the set has %d", path, fnq, nq);
  TFF_CALLOC(T, 1, sizeof *T);
  T->nq = nq; T->kmax = kmax;
  p = strchr(p, '\n');
  while (p && *++p) {
    TFF_KNN_NB b;
    int        m, q;
    char      *nl = strchr(p, '\n');
    line++;
    if (nl) *nl = '\0';
    if (sscanf(p, "%d %d %d %d %d %d %la %la", &m, &q, &b.ref, &b.strand, &b.offset, &b.overlap, &b.pvalue, &b.evalue) != 8 ||
        m < 0 || m >= tffKNN_NMETRIC || q < 0 || q >= nq || b.ref < 0 || b.ref >= nq)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'metric query ref strand offset overlap p E'", path, line);
    if (!T->have[m]) {
      TFF_CALLOC(T->nb[m], (size_t) nq * (size_t) kmax, sizeof(TFF_KNN_NB));
      TFF_CALLOC(T->nnb[m], (size_t) nq, sizeof(int));
      T->have[m] = 1;
    }
    if (T->nnb[m][q] >= kmax) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: more than %d neighbours", path, line, kmax);
    T->nb[m][(size_t) q * kmax + T->nnb[m][q]++] = b;
    p = nl;
  }
  *ret_T = T;
  T = NULL;
  status = tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  tff_buf_Free(&buf);
  return status;
}

int
tff_combine_CnnOOF(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K, int nseeds,
                   double *prob, char *errbuf)
{
  int    njob = K * nseeds, status, *jstatus = NULL;
  double *part = NULL;   /* njob x n x nfam would be large: per job only its fold's rows */
  char  (*jerr)[TFF_ERRBUFSIZE] = NULL;

  TFF_CALLOC(jstatus, (size_t) njob, sizeof(int));
  TFF_CALLOC(jerr, (size_t) njob, TFF_ERRBUFSIZE);
  TFF_CALLOC(part, (size_t) nseeds * (size_t) d->n * (size_t) d->nfam, sizeof(double));
#pragma omp parallel for schedule(dynamic, 1)
  for (int j = 0; j < njob; j++) {
    int         k = j % K, s = j / K, ntr = 0, st;
    int        *idx = malloc(sizeof(int) * (size_t) d->n);
    TFF_CNN    *net = NULL;
    TFF_CNN_WS *ws = NULL;
    uint64_t    seed = s == 0 ? o->seed : tff_rng_Derive(o->seed, 7000 + (uint64_t) s);
    char        tag[48];
    snprintf(tag, sizeof tag, "fold %d/%d seed %d", k + 1, K, s + 1);
    if (!idx) { jstatus[j] = tff_Fail(jerr[j], tffEMEM, "out of memory"); continue; }
    for (int i = 0; i < d->n; i++) if (fold[i] != k && (!trainable || trainable[i])) idx[ntr++] = i;
    st = tff_train_Fit(o, d, idx, ntr, tff_rng_Derive(seed, (uint64_t) k + 100), tag, &net, NULL, jerr[j]);
    if (st == tffOK) st = tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, jerr[j]);
    if (st == tffOK)
      for (int i = 0; i < d->n; i++)
        if (fold[i] == k) tff_train_Probs(net, ws, d, i, part + ((size_t) s * d->n + i) * d->nfam);
    jstatus[j] = st;
    tff_cnn_WsDestroy(ws);
    tff_cnn_Destroy(net);
    free(idx);
  }
  for (int j = 0; j < njob; j++)
    if (jstatus[j] != tffOK) TFF_FAIL(jstatus[j], errbuf, "network, fold %d seed %d: %s", j % K + 1, j / K + 1, jerr[j]);
  for (size_t t = 0; t < (size_t) d->n * d->nfam; t++) {   /* mean over seeds, in seed order */
    double sum = 0.0;
    for (int s = 0; s < nseeds; s++) sum += part[(size_t) s * d->n * d->nfam + t];
    prob[t] = sum / nseeds;
  }
  status = tffOK;
 ERROR:
  free(jstatus); free(jerr); free(part);
  return status;
}

/*****************************************************************
 * 3. Features
 *****************************************************************/

/* -log10 p, capped at TFF_COMBINE_NLP_MAX (a motif compared with itself or a copy can get p = 0) */
static double
nlp(double p)
{
  double v = p > 0.0 ? -log10(p) : TFF_COMBINE_NLP_MAX;
  return v < TFF_COMBINE_NLP_MAX ? v : TFF_COMBINE_NLP_MAX;
}

void
tff_combine_NlpFeature(const TFF_KNN_TABLE *T, int m, int q, const int *refy, const int *refy2, int nfam, int j, double *x)
{
  const int         J = TFF_COMBINE_NFEAT;
  const TFF_KNN_NB *list;
  int               n;
  double            floor_nlp = 0.0;
  if (!T->have[m]) return;
  list = T->nb[m] + (size_t) q * T->kmax;
  n = T->nnb[m][q];
  if (n > 0) floor_nlp = nlp(list[n - 1].pvalue);
  for (int f = 0; f < nfam; f++) x[f * J + j] = floor_nlp;
  for (int r = n - 1; r >= 0; r--) {   /* best last, so it stays */
    int fam = refy[list[r].ref], fam2 = refy2 ? refy2[list[r].ref] : -1;
    if (fam >= 0 && fam < nfam) x[fam * J + j] = nlp(list[r].pvalue);
    if (fam2 >= 0 && fam2 < nfam) x[fam2 * J + j] = nlp(list[r].pvalue);
  }
}

/* Vote shares of the families among the K nearest neighbours under metric m: a reference
 * with two labels (refy2 >= 0) gives half a vote to each; shares sum to 1 over the
 * neighbours there are (at most K). Returns the number of neighbours counted. */
static int
shares_one(const TFF_KNN_TABLE *T, int m, int q, int K, const int *refy, const int *refy2, int nfam, double *share)
{
  const TFF_KNN_NB *list = T->nb[m] + (size_t) q * T->kmax;
  int               n = T->nnb[m][q] < K ? T->nnb[m][q] : K;
  for (int f = 0; f < nfam; f++) share[f] = 0.0;
  for (int r = 0; r < n; r++) {
    int a = refy[list[r].ref], b = refy2[list[r].ref];
    if (b >= 0 && b < nfam && b != a) { if (a >= 0 && a < nfam) share[a] += 0.5 / n; share[b] += 0.5 / n; }
    else if (a >= 0 && a < nfam) share[a] += 1.0 / n;
  }
  return n;
}

int
tff_combine_Vote(const TFF_KNN_TABLE *T, int q, int K, const int *refy, const int *refy2, int nfam, double *share)
{
  double tmp[nfam > 0 ? nfam : 1];
  int    best = -1, any = 0;
  if (!refy2) return tff_knn_Vote(T, q, tffKNN_ENSEMBLE, K, refy, nfam, share);
  for (int f = 0; f < nfam; f++) share[f] = 0.0;
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) return -1;
    any += shares_one(T, m, q, K, refy, refy2, nfam, tmp);
    for (int f = 0; f < nfam; f++) share[f] += tmp[f] / tffKNN_NMETRIC;
  }
  if (!any) return -1;
  for (int f = 0; f < nfam; f++) if (best < 0 || share[f] > share[best]) best = f;
  return best;
}

void
tff_combine_Features(const TFF_KNN_TABLE *T, int q, const int *refy, const int *refy2, int nfam, const double *cnnprob, double *x)
{
  double share[nfam > 0 ? nfam : 1];
  const int J = TFF_COMBINE_NFEAT;

  for (int f = 0; f < nfam; f++) {
    x[f * J + tffFEAT_CNN_LOGP] = cnnprob ? log(cnnprob[f] > 1e-6 ? cnnprob[f] : 1e-6) : 0.0;
    for (int j = 1; j < J; j++) x[f * J + j] = 0.0;
  }
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    const TFF_KNN_NB *list = T->nb[m] + (size_t) q * T->kmax;
    if (T->nnb[m][q] > 0) {
      int a = refy[list[0].ref], b = refy2 ? refy2[list[0].ref] : -1;
      if (a >= 0 && a < nfam) x[a * J + tffFEAT_ED_TOP1 + m] = 1.0;
      if (b >= 0 && b < nfam) x[b * J + tffFEAT_ED_TOP1 + m] = 1.0;
    }
    tff_combine_NlpFeature(T, m, q, refy, refy2, nfam, tffFEAT_ED_NLP + m, x);
  }
  if (T->have[0] && T->have[1] && T->have[2]) {
    tff_combine_Vote(T, q, 1, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K1] = share[f];
    tff_combine_Vote(T, q, 5, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K5] = share[f];
    tff_combine_Vote(T, q, 11, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K11] = share[f];
  }
  /* soft vote: -log10 p summed over each metric's 10 nearest neighbours of family f, / 30 */
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    const TFF_KNN_NB *list;
    if (!T->have[m]) continue;
    list = T->nb[m] + (size_t) q * T->kmax;
    for (int r = 0; r < T->nnb[m][q] && r < 10; r++) {
      int fam = refy[list[r].ref], fam2 = refy2 ? refy2[list[r].ref] : -1;
      if (fam >= 0 && fam < nfam) x[fam * J + tffFEAT_NLP_SUM10] += nlp(list[r].pvalue) / 30.0;
      if (fam2 >= 0 && fam2 < nfam) x[fam2 * J + tffFEAT_NLP_SUM10] += nlp(list[r].pvalue) / 30.0;
    }
  }
  /* interactions: the network's log-probability, scaled by how unsure the neighbours are */
  {
    double agree = 0.0, best = 0.0;
    for (int f = 0; f < nfam; f++) {
      if (x[f * J + tffFEAT_SHARE_K1] > agree) agree = x[f * J + tffFEAT_SHARE_K1];
      for (int m = 0; m < tffKNN_NMETRIC; m++) if (x[f * J + tffFEAT_ED_NLP + m] > best) best = x[f * J + tffFEAT_ED_NLP + m];
    }
    for (int f = 0; f < nfam; f++) {
      x[f * J + tffFEAT_CNN_UNSURE] = x[f * J + tffFEAT_CNN_LOGP] * (1.0 - agree);
      x[f * J + tffFEAT_CNN_NLP_LOW] = x[f * J + tffFEAT_CNN_LOGP] / (1.0 + best);
    }
  }
}

/*****************************************************************
 * 3b. Novelty: is the query of any family the reference knows?
 *****************************************************************/

const char *tff_combine_NovelName[TFF_NOVEL_NFEAT] = {
  "best_ed_nlp", "best_pearson_nlp", "best_sandelin_nlp", "best_extra_nlp", "top_share_k1", "top_share_k5",
  "ic_mean", "ic_total10", "width10", "ic_strong_frac", "ed_dense10", "ed_nlp5", "ed_atypical", "extra_atypical"
};

/* Information content (bits) of one column against a uniform background. */
static double
column_ic(const double *row)
{
  double h = 0.0;
  for (int a = 0; a < TFF_ALPHA; a++) if (row[a] > 0.0) h -= row[a] * log2(row[a]);
  return 2.0 - h;
}

void
tff_combine_NovelFeatures(const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, int q, const int *refy, const int *refy2, int nfam,
                          const double *typ, const TFF_MOTIF *m, double *z)
{
  double share[nfam > 0 ? nfam : 1], ic = 0.0;
  int    strong = 0;
  for (int j = 0; j < TFF_NOVEL_NFEAT; j++) z[j] = 0.0;
  for (int k = 0; k < tffKNN_NMETRIC; k++)
    if (T->have[k] && T->nnb[k][q] > 0) z[tffNOVEL_BEST_ED_NLP + k] = nlp(T->nb[k][(size_t) q * T->kmax].pvalue);
  if (TX && TX->have[0] && TX->nnb[0][q] > 0) z[tffNOVEL_BEST_EXTRA_NLP] = nlp(TX->nb[0][(size_t) q * TX->kmax].pvalue);
  if (T->have[0] && T->have[1] && T->have[2]) {
    tff_combine_Vote(T, q, 1, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) if (share[f] > z[tffNOVEL_TOP_SHARE_K1]) z[tffNOVEL_TOP_SHARE_K1] = share[f];
    tff_combine_Vote(T, q, 5, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) if (share[f] > z[tffNOVEL_TOP_SHARE_K5]) z[tffNOVEL_TOP_SHARE_K5] = share[f];
  }
  for (int i = 0; i < m->w; i++) {
    double c = column_ic(m->p + (size_t) i * TFF_ALPHA);
    ic += c;
    strong += c >= 1.0;
  }
  z[tffNOVEL_IC_MEAN] = m->w > 0 ? ic / m->w : 0.0;
  z[tffNOVEL_IC_TOTAL10] = ic / 10.0;
  z[tffNOVEL_WIDTH10] = m->w / 10.0;
  z[tffNOVEL_IC_STRONG_FRAC] = m->w > 0 ? (double) strong / m->w : 0.0;
  if (T->have[tffKNN_ED]) {
    const TFF_KNN_NB *list = T->nb[tffKNN_ED] + (size_t) q * T->kmax;
    int               n = T->nnb[tffKNN_ED][q], dense = 0;
    for (int r = 0; r < n; r++) dense += list[r].pvalue < 1e-4;
    z[tffNOVEL_ED_DENSE10] = dense / 10.0;
    z[tffNOVEL_ED_NLP5] = n >= 5 ? nlp(list[4].pvalue) : 0.0;
    if (typ && n > 0 && refy[list[0].ref] >= 0 && refy[list[0].ref] < nfam) z[tffNOVEL_ED_ATYPICAL] = z[tffNOVEL_BEST_ED_NLP] - typ[refy[list[0].ref] * 2];
  }
  if (typ && TX && TX->have[0] && TX->nnb[0][q] > 0) {
    int f = refy[TX->nb[0][(size_t) q * TX->kmax].ref];
    if (f >= 0 && f < nfam) z[tffNOVEL_EXTRA_ATYPICAL] = z[tffNOVEL_BEST_EXTRA_NLP] - typ[f * 2 + 1];
  }
}

double
tff_combine_Novelty(const TFF_COMBINER *C, const double *z)
{
  double s = C->novel_b;
  if (!C->novel_use) return 0.0;
  for (int j = 0; j < TFF_NOVEL_NFEAT; j++) s += C->novel_w[j] * z[j];
  return 1.0 / (1.0 + exp(-s));
}

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
 * 4. The combiner
 *****************************************************************/

void
tff_combine_Destroy(TFF_COMBINER *C)
{
  if (!C) return;
  if (C->fam) for (int f = 0; f < C->nfam; f++) free(C->fam[f]);
  free(C->fam);
  free(C->bias);
  free(C->novel_typ);
  for (int k = 0; k < C->nnet; k++) free(C->net[k]);
  free(C->net);
  free(C);
}

static int
combiner_create(int nfam, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_COMBINER *C = NULL;
  int           status;
  TFF_CALLOC(C, 1, sizeof *C);
  C->nfam = nfam;
  C->extra_col = -1;
  TFF_CALLOC(C->bias, (size_t) nfam, sizeof(double));
  *ret_C = C;
  return tffOK;
 ERROR:
  tff_combine_Destroy(C);
  *ret_C = NULL;
  return status;
}

void
tff_combine_Predict(const TFF_COMBINER *C, const double *x, double *prob)
{
  double s[C->nfam];
  for (int f = 0; f < C->nfam; f++) {
    s[f] = C->bias[f];
    for (int j = 0; j < TFF_COMBINE_NFEAT; j++) if (C->use[j]) s[f] += C->beta[j] * x[f * TFF_COMBINE_NFEAT + j];
  }
  tff_calib_Softmax(s, C->nfam, 1.0, prob);
}

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
  TFF_CALLOC(phi, (size_t) nfam * nj + 1, sizeof(double));
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
  TFF_CHECK(combiner_create(nfam, &C, errbuf));
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

int
tff_combine_NetworkMean(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                        TFF_MOTIF *const *q, int nq, double *cp, char *errbuf)
{
  double   *raw = NULL;
  int      *map = NULL, status, maxfam = 1;
  const int F = C->nfam;

  if (!C->fam) TFF_FAIL(tffEINVAL, errbuf, "combiner without family names");
  if (C->use[tffFEAT_CNN_LOGP] && nmodel < 1) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the network's probabilities, but no network was given");
  if (C->use[tffFEAT_CNN_LOGP] && C->nnet > 0 && nmodel != C->nnet)
    TFF_FAIL(tffEINCOMPAT, errbuf, "the combiner was fitted on the mean of %d networks, but %d were given", C->nnet, nmodel);
  for (int m = 0; m < nmodel; m++) if (models[m]->nfam > maxfam) maxfam = models[m]->nfam;
  TFF_CALLOC(map, (size_t) F * (nmodel > 0 ? nmodel : 1), sizeof(int));
  for (int m = 0; m < nmodel; m++)
    for (int f = 0; f < F; f++) {
      int *mf = map + (size_t) m * F + f;
      *mf = -1;
      for (int g = 0; g < models[m]->nfam; g++) if (strcmp(models[m]->fam[g], C->fam[f]) == 0) *mf = g;
      if (*mf < 0 && C->use[tffFEAT_CNN_LOGP]) TFF_FAIL(tffEINCOMPAT, errbuf, "network %d has no family '%s' that the combiner needs", m + 1, C->fam[f]);
    }
  for (size_t i = 0; i < (size_t) nq * F; i++) cp[i] = 0;
  if (nq == 0) { status = tffOK; goto ERROR; }
  TFF_CALLOC(raw, (size_t) nq * maxfam, sizeof(double));
  if (C->use[tffFEAT_CNN_LOGP])
    for (int m = 0; m < nmodel; m++) {   /* mean of the networks' probabilities, in model order */
      TFF_CHECK(tff_cnn_PredictBatch(models[m]->net, q, nq, raw, errbuf));
      for (int i = 0; i < nq; i++)
        for (int f = 0; f < F; f++) cp[(size_t) i * F + f] += raw[(size_t) i * models[m]->nfam + map[(size_t) m * F + f]] / nmodel;
    }
  status = tffOK;
 ERROR:
  free(raw); free(map);
  return status;
}

int
tff_combine_Kmax(const TFF_COMBINER *C)
{
  return C->kmax > 0 ? C->kmax : 60;
}

int
tff_combine_NeedsExtra(const TFF_COMBINER *C)
{
  return C->use[tffFEAT_EXTRA_NLP] != 0;
}

int
tff_combine_ClassifyTable(const TFF_COMBINER *C, const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, const int *refy,
                          const int *refy2, const double *cp, TFF_MOTIF *const *qm, double *prob, double *opt_bestp,
                          double *opt_novelty, char *errbuf)
{
  TFF_KNN_TABLE V, VX;               /* T (TX) seen through C->kmax (C->extra_kmax) neighbours per query */
  double   *x = NULL;
  int      *clip[tffKNN_NMETRIC] = { NULL }, *clipx = NULL;
  int       status;
  const int F = C->nfam, kmax = tff_combine_Kmax(C), extra = tff_combine_NeedsExtra(C);

  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if (!T->have[m]) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the neighbours under %s", tff_knn_MetricName(m));
  if (T->kmax < kmax) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs %d neighbours per query, the table has %d", kmax, T->kmax);
  memset(&VX, 0, sizeof VX);
  if (extra) {
    if (C->extra_col < 0 || C->extra_kmax < 1) TFF_FAIL(tffEINVAL, errbuf, "the combiner uses extra_nlp but names no extra column score");
    if (!TX || !TX->have[0] || TX->nq != T->nq)
      TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the neighbours under %s (its extra_metric)", tff_colcmp_Name(C->extra_col));
    if (TX->kmax < C->extra_kmax)
      TFF_FAIL(tffEINVAL, errbuf, "the combiner needs %d neighbours per query under %s, the table has %d", C->extra_kmax,
               tff_colcmp_Name(C->extra_col), TX->kmax);
    VX = *TX;
    TFF_CALLOC(clipx, (size_t) (TX->nq > 0 ? TX->nq : 1), sizeof(int));
    for (int i = 0; i < TX->nq; i++) clipx[i] = TX->nnb[0][i] < C->extra_kmax ? TX->nnb[0][i] : C->extra_kmax;
    VX.nnb[0] = clipx;
  }
  V = *T;   /* the features were fitted on kmax neighbours: clip longer lists (same stride) */
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    TFF_CALLOC(clip[m], (size_t) (T->nq > 0 ? T->nq : 1), sizeof(int));
    for (int i = 0; i < T->nq; i++) clip[m][i] = T->nnb[m][i] < kmax ? T->nnb[m][i] : kmax;
    V.nnb[m] = clip[m];
  }
  TFF_CALLOC(x, (size_t) F * TFF_COMBINE_NFEAT, sizeof(double));
  for (int i = 0; i < T->nq; i++) {
    tff_combine_Features(&V, i, refy, refy2, F, cp + (size_t) i * F, x);
    if (extra) tff_combine_NlpFeature(&VX, 0, i, refy, refy2, F, tffFEAT_EXTRA_NLP, x);
    tff_combine_Predict(C, x, prob + (size_t) i * F);
    if (opt_novelty) {
      double z[TFF_NOVEL_NFEAT];
      if (C->novel_use && qm) {
        tff_combine_NovelFeatures(&V, extra ? &VX : NULL, i, refy, refy2, F, C->novel_typ, qm[i], z);
        opt_novelty[i] = tff_combine_Novelty(C, z);
      } else opt_novelty[i] = NAN;
    }
    if (opt_bestp) {
      const TFF_KNN_NB *best = tff_knn_Best(T, i);
      opt_bestp[i] = (best && best->pvalue < 1.0) ? best->pvalue : 1.0;
    }
  }
  status = tffOK;
 ERROR:
  for (int m = 0; m < tffKNN_NMETRIC; m++) free(clip[m]);
  free(clipx);
  free(x);
  return status;
}

int
tff_combine_Classify(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                     TFF_MOTIF *const *q, int nq, TFF_MOTIF *const *refs, int nref, const int *refy, const int *refy2,
                     const TFF_KNN_CFG *cfg, double *prob, double *opt_bestp, double *opt_novelty, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL, *TX = NULL;
  TFF_KNN_CFG    kc = *cfg;
  double        *cp = NULL;
  int            status;

  TFF_CALLOC(cp, (size_t) C->nfam * (nq > 0 ? nq : 1), sizeof(double));
  TFF_CHECK(tff_combine_NetworkMean(C, models, nmodel, q, nq, cp, errbuf));
  if (nq == 0) { status = tffOK; goto ERROR; }
  kc.kmax    = tff_combine_Kmax(C);
  kc.metrics = (1 << tffKNN_ED) | (1 << tffKNN_PEARSON) | (1 << tffKNN_SANDELIN);
  TFF_CHECK(tff_knn_Neighbours(q, nq, refs, nref, &kc, &T, errbuf));
  if (tff_combine_NeedsExtra(C)) {   /* the fourth column score, same settings */
    kc.kmax = C->extra_kmax;
    TFF_CHECK(tff_knn_NeighboursScore(q, nq, refs, nref, &kc, C->extra_col, &TX, errbuf));
  }
  TFF_CHECK(tff_combine_ClassifyTable(C, T, TX, refy, refy2, cp, q, prob, opt_bestp, opt_novelty, errbuf));
  status = tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(TX);
  free(cp);
  return status;
}

int
tff_combine_WriteCalls(FILE *fp, const TFF_COMBINER *C, TFF_MOTIF *const *q, int nq, const double *prob,
                       const double *bestp, const double *novelty, int nref, int topk, double minp, double nsig,
                       double novel_thresh, double second_prob, char *errbuf)
{
  int  status, order[C->nfam > 0 ? C->nfam : 1];
  TFF_CHECK(tff_Fprintf(fp, errbuf, "Query_ID\tCall\tProbability\tTop_Families\tBest_Evalue\tFlags\n"));
  for (int i = 0; i < nq; i++) {
    const double *p = prob + (size_t) i * C->nfam;
    double        E = bestp[i] * nref;
    int           k = topk < C->nfam ? topk : C->nfam;
    for (int f = 0; f < C->nfam; f++) order[f] = f;
    for (int a = 0; a < k; a++)   /* partial selection sort: ties keep the family order */
      for (int b = a + 1; b < C->nfam; b++)
        if (p[order[b]] > p[order[a]]) { int t = order[a]; order[a] = order[b]; order[b] = t; }
    double        nv = novelty ? novelty[i] : NAN;
    int           known = !(isfinite(nv) && nv >= novel_thresh), two = 0;
    if (C->nfam > 1 && known) {   /* the runner-up: a second family of the answer (heterodimer-like)? */
      int second = order[0] == 0 ? 1 : 0;
      for (int f = 0; f < C->nfam; f++) if (f != order[0] && p[f] > p[second]) second = f;
      two = p[second] >= second_prob;
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%.4f\t", q[i]->id,
                          !known ? "no_known_family" : p[order[0]] < minp ? "no_confident_family" : C->fam[order[0]], p[order[0]]));
    for (int a = 0; a < k; a++) TFF_CHECK(tff_Fprintf(fp, errbuf, "%s%s:%.4f", a ? "; " : "", C->fam[order[a]], p[order[a]]));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%.3g", E));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s\n", E > nsig ? (two ? "not_significant,two_families" : "not_significant") : two ? "two_families" : "."));
  }
  return tffOK;
 ERROR:
  return status;
}

int
tff_combine_SetNetworks(TFF_COMBINER *C, char *const *names, int n, char *errbuf)
{
  int status;
  for (int k = 0; k < C->nnet; k++) free(C->net[k]);
  free(C->net);
  C->net = NULL; C->nnet = 0;
  TFF_CALLOC(C->net, (size_t) (n > 0 ? n : 1), sizeof(char *));
  for (int k = 0; k < n; k++) {
    if ((C->net[k] = tff_Strdup(names[k])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    C->nnet = k + 1;
  }
  return tffOK;
 ERROR:
  return status;
}

int
tff_combine_FamilyIndex(const TFF_COMBINER *C, const char *name)
{
  if (C->fam) for (int f = 0; f < C->nfam; f++) if (strcmp(C->fam[f], name) == 0) return f;
  return -1;
}

/*****************************************************************
 * 5. Combiner files
 *****************************************************************/

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
  if (C->extra_col >= 0) TFF_CHECK(tff_buf_Printf(&b, errbuf, "extra_metric\t%s\t%d\n", tff_colcmp_Name(C->extra_col), C->extra_kmax));
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++)
    if (C->use[j]) TFF_CHECK(tff_buf_Printf(&b, errbuf, "feature\t%s\t%.17g\n", tff_combine_FeatureName[j], C->beta[j]));
  for (int f = 0; f < C->nfam; f++) TFF_CHECK(tff_buf_Printf(&b, errbuf, "family\t%s\t%.17g\n", fam ? fam[f] : C->fam[f], C->bias[f]));
  if (C->novel_use) {
    for (int j = 0; j < TFF_NOVEL_NFEAT; j++)
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

static int
parse_real(const char *s, double *v)
{
  char *e;
  *v = strtod(s, &e);
  return e != s && *e == '\0' && isfinite(*v);
}

/* A coefficient or bias: a number within +-TFF_COMBINE_MAXCOEF. */
#define TFF_COMBINE_MAXCOEF 1e6
static int
parse_coef(const char *s, double *v)
{
  return parse_real(s, v) && fabs(*v) <= TFF_COMBINE_MAXCOEF;
}

int
tff_combine_Parse(const char *name, const char *data, size_t n, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_BUF       buf;
  TFF_COMBINER *C = NULL;
  char         *p, *f[8];
  int           status, line = 0, ver, nfam = 0, cap = 0, ended = 0, seen[4] = { 0, 0, 0, 0 };
  const char   *last;
  char          crc[9];
  unsigned      novel_seen = 0;   /* bits: novelty features, 30 bias, 31 threshold */
  int           ntyp = 0;
  char         *typ_seen = NULL;

  tff_buf_Init(&buf);
  *ret_C = NULL;
  /* The last line, if it is "crc32 XXXXXXXX", is the CRC-32 of every byte
   * before it (tff_combine_Write() adds it); it must match. A file without
   * one (written before tffam had it, or by hand) is read as it is. */
  for (last = data + n; last > data && last[-1] == '\n'; last--) ;
  while (last > data && last[-1] != '\n') last--;
  if ((size_t) (data + n - last) >= 14 && memcmp(last, "crc32 ", 6) == 0) {
    size_t tail = (size_t) (data + n - last);
    int    ok = (tail == 14 || (tail == 15 && last[14] == '\n'));
    for (int i = 6; ok && i < 14; i++) ok = isxdigit((unsigned char) last[i]) != 0;
    if (!ok) TFF_FAIL(tffEFORMAT, errbuf, "%s: the checksum line is not 'crc32 <8 hex digits>'", name);
    tff_Crc32Hex(data, (size_t) (last - data), crc);
    if (memcmp(last + 6, crc, 8) != 0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: corrupted combiner file: checksum %.8s recorded, %s computed", name, last + 6, crc);
    n = (size_t) (last - data);
  }
  TFF_CHECK(tff_buf_Append(&buf, data, n, errbuf));   /* a copy: the lines are cut in place */
  TFF_CALLOC(C, 1, sizeof *C);
  C->extra_col = -1;
  for (p = buf.s ? buf.s : ""; *p && !ended; ) {
    char  *nl = strchr(p, '\n'), *next = nl ? nl + 1 : p + strlen(p);
    double v;
    int    nf;
    if (nl) *nl = '\0';
    line++;
    if (line == 1) {
      char magic[32];
      if (sscanf(p, "%31s %d", magic, &ver) != 2 || strcmp(magic, TFF_COMBINE_MAGIC) != 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line 1: not a tffam combiner file (expected '%s %d')", name, TFF_COMBINE_MAGIC, TFF_COMBINE_VERSION);
      if (ver != TFF_COMBINE_VERSION)
        TFF_FAIL(tffEINCOMPAT, errbuf, "%s line 1: combiner format version %d (this tffam reads %d)", name, ver, TFF_COMBINE_VERSION);
      p = next;
      continue;
    }
    if (*p == '\0' || *p == '#') { p = next; continue; }
    nf = tff_SplitTabs(p, f, 8, 1);
    if (strcmp(f[0], "end") == 0 && nf == 1) { ended = 1; p = next; break; }
    if (nf == 2 && (strcmp(f[0], "lambda") == 0 || strcmp(f[0], "class_weight") == 0)) {
      if (!parse_real(f[1], &v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a number", name, line, f[1]);
      if (seen[f[0][0] == 'l'] ++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second %s line", name, line, f[0]);
      if (f[0][0] == 'l') C->lambda = v; else C->cw = v;
    } else if (nf == 2 && strcmp(f[0], "kmax") == 0) {
      if (seen[2]++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second kmax line", name, line);
      if (!parse_real(f[1], &v) || v < 1 || v > 100000 || v != floor(v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: kmax '%s' is not a whole number in 1..100000", name, line, f[1]);
      C->kmax = (int) v;
    } else if (nf == 2 && strcmp(f[0], "network") == 0) {
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty network file name", name, line);
      TFF_REALLOC(C->net, sizeof(char *) * (size_t) (C->nnet + 1));
      if ((C->net[C->nnet] = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      C->nnet++;
    } else if (strcmp(f[0], "extra_metric") == 0) {
      int col;
      if (nf != 3) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'extra_metric <column score> <neighbours>'", name, line);
      if (C->extra_col >= 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second extra_metric line", name, line);
      if ((col = tff_colcmp_Metric(f[1])) < 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown column score '%s' (ed, pearson, sandelin, kullback or allr)", name, line, f[1]);
      if (!parse_real(f[2], &v) || v < 1 || v > 100000 || v != floor(v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: extra_metric neighbours '%s' is not a whole number in 1..100000", name, line, f[2]);
      C->extra_col = col;
      C->extra_kmax = (int) v;
    } else if (nf == 3 && strcmp(f[0], "feature") == 0) {
      int j;
      for (j = 0; j < TFF_COMBINE_NFEAT && strcmp(tff_combine_FeatureName[j], f[1]) != 0; j++) ;
      if (j == TFF_COMBINE_NFEAT) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown feature '%s'", name, line, f[1]);
      if (C->use[j]) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: feature '%s' given twice", name, line, f[1]);
      if (!parse_coef(f[2], &v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: coefficient '%s' is not a number within +-%g", name, line, f[2], TFF_COMBINE_MAXCOEF);
      C->use[j] = 1; C->beta[j] = v;
    } else if (nf == 3 && strcmp(f[0], "family") == 0) {
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty family name", name, line);
      if (!parse_coef(f[2], &v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: bias '%s' is not a number within +-%g", name, line, f[2], TFF_COMBINE_MAXCOEF);
      if (nfam == cap) {
        cap = cap ? 2 * cap : 32;
        TFF_REALLOC(C->fam, sizeof(char *) * (size_t) cap);
        TFF_REALLOC(C->bias, sizeof(double) * (size_t) cap);
      }
      if ((C->fam[nfam] = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      C->bias[nfam] = v;
      C->nfam = ++nfam;
      for (int k = 0; k < nfam - 1; k++)
        if (strcmp(C->fam[k], f[1]) == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: family '%s' given twice", name, line, f[1]);
    } else if (nf == 3 && strcmp(f[0], "novelty_feature") == 0) {
      int j;
      for (j = 0; j < TFF_NOVEL_NFEAT && strcmp(tff_combine_NovelName[j], f[1]) != 0; j++) ;
      if (j == TFF_NOVEL_NFEAT) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown novelty feature '%s'", name, line, f[1]);
      if (novel_seen & (1u << j)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty feature '%s' given twice", name, line, f[1]);
      if (!parse_real(f[2], &v) || !isfinite(v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a finite number", name, line, f[2]);
      novel_seen |= 1u << j;
      C->novel_w[j] = v;
    } else if (nf == 4 && strcmp(f[0], "novelty_typical") == 0) {
      int    k;
      double v2;
      for (k = 0; k < nfam && strcmp(C->fam[k], f[1]) != 0; k++) ;
      if (k == nfam) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical for '%s', not a family above", name, line, f[1]);
      if (!parse_real(f[2], &v) || !isfinite(v) || !parse_real(f[3], &v2) || !isfinite(v2))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical needs two finite numbers", name, line);
      if (!C->novel_typ) { TFF_CALLOC(C->novel_typ, (size_t) 2 * nfam, sizeof(double)); TFF_CALLOC(typ_seen, (size_t) nfam, 1); }
      if (typ_seen[k]) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical for '%s' given twice", name, line, f[1]);
      typ_seen[k] = 1;
      C->novel_typ[k * 2] = v;
      C->novel_typ[k * 2 + 1] = v2;
      ntyp++;
    } else if (nf == 2 && (strcmp(f[0], "novelty_bias") == 0 || strcmp(f[0], "novelty_threshold") == 0)) {
      if (!parse_real(f[1], &v) || !isfinite(v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a finite number", name, line, f[1]);
      if (f[0][8] == 'b') { C->novel_b = v; novel_seen |= 1u << 30; }
      else {
        if (v < 0.0 || v > 1.0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_threshold %s is not a probability", name, line, f[1]);
        C->novel_thresh = v;
        novel_seen |= 1u << 31;
      }
    } else
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'lambda', 'class_weight', 'kmax', 'network', 'extra_metric', 'feature', 'family', "
               "'novelty_feature', 'novelty_bias', 'novelty_threshold' or 'end'", name, line);
    p = next;
  }
  if (line == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: empty file", name);
  if (!ended) TFF_FAIL(tffEFORMAT, errbuf, "%s: truncated (no 'end' line)", name);
  for (int l = line + 1; *p; p++) {
    if (*p == '\n') l++;
    else if (!isspace((unsigned char) *p)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: text after 'end' (only the 'crc32' line may follow it)", name, l);
  }
  if (nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: fewer than two families", name);
  if (C->use[tffFEAT_EXTRA_NLP] && C->extra_col < 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: feature extra_nlp needs an 'extra_metric <column score> <neighbours>' line", name);
  if (novel_seen) {   /* all or nothing */
    if (novel_seen != (0xC0000000u | ((1u << TFF_NOVEL_NFEAT) - 1u)))
      TFF_FAIL(tffEFORMAT, errbuf, "%s: an incomplete novelty model (every novelty_feature, novelty_bias and novelty_threshold are needed)", name);
    if (ntyp != nfam) TFF_FAIL(tffEFORMAT, errbuf, "%s: the novelty model needs a novelty_typical line for each of the %d families (%d given)", name, nfam, ntyp);
    C->novel_use = 1;
  }
  *ret_C = C;
  C = NULL;
  status = tffOK;
 ERROR:
  free(typ_seen);
  tff_combine_Destroy(C);
  tff_buf_Free(&buf);
  return status;
}

int
tff_combine_Read(const char *path, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_BUF buf;
  int     status;
  tff_buf_Init(&buf);
  *ret_C = NULL;
  TFF_CHECK(tff_io_Slurp(path, &buf, errbuf));
  status = tff_combine_Parse(path, buf.s ? buf.s : "", buf.n, ret_C, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

/*****************************************************************
 * 6. Unit-test driver
 *****************************************************************/
#ifdef tffCOMBINE_TESTDRIVE
#include "tff_utest.h"
#define CHECK TFF_UCHECK
#define NEAR(a, b, tol) tff_utest_Near((a), (b), (tol))

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_combine_utest", NULL);
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_COMBINER *C = NULL;
  enum { J = TFF_COMBINE_NFEAT };

  /* Grouped folds: names a, A, b, c, C, d with families 0 0 1 1 1 0 and K = 2:
   * groups {a,A} (2, fam 0), {c,C} (2, fam 1), {b} (1, fam 1), {d} (1, fam 0).
   * Every group lands in one fold, and the folds get 3 motifs each. */
  {
    char *names[6] = { "a", "A", "b", "c", "C", "d" };
    int   y[6] = { 0, 0, 1, 1, 1, 0 }, fold[6], n0 = 0;
    CHECK(tff_combine_GroupFolds(names, y, 6, 2, 2, 1, fold, errbuf) == tffOK, "%s", errbuf);
    CHECK(fold[0] == fold[1] && fold[3] == fold[4], "groups split");
    for (int i = 0; i < 6; i++) n0 += fold[i] == 0;
    CHECK(n0 == 3, "fold sizes %d/%d", n0, 6 - n0);
    CHECK(tff_combine_GroupFolds(names, y, 6, 2, 5, 1, fold, errbuf) == tffEINVAL && strstr(errbuf, "4 groups for 5 folds"), "%s", errbuf);
  }

  /* One feature (cnn_logp) with values log q: the fitted conditional logit on
   * two families where q = (0.8, 0.2) always and the truth is family 0 in 8
   * of 10 items: the maximum-likelihood model has beta = 1 and equal biases
   * (up to the tiny penalty). */
  {
    double x[10 * 2 * J] = { 0 }, prob[2];
    int    y[10], use[J] = { 1 };
    for (int i = 0; i < 10; i++) {
      x[(i * 2 + 0) * J] = log(0.8);
      x[(i * 2 + 1) * J] = log(0.2);
      y[i] = i < 8 ? 0 : 1;
    }
    CHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 1e-9, 0.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x, prob);
    CHECK(NEAR(prob[0], 0.8, 1e-6), "p %g", prob[0]);
    /* beta and the bias difference are not identifiable separately (one x pattern);
     * the penalty splits them, but the probability is what the data say */
    tff_combine_Destroy(C); C = NULL;
    /* class weights, balanced: the 2 items of family 1 weigh 4x as much as each of family 0 -> p = 0.5 */
    CHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 1e-9, 1.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x, prob);
    CHECK(NEAR(prob[0], 0.5, 1e-6), "balanced p %g", prob[0]);
    tff_combine_Destroy(C); C = NULL;
    CHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 0.0, 0.0, &C, errbuf) == tffEINVAL, "lambda 0");
  }


  /* Stems (independent: by hand, from the rule in tff_combine.h) */
  {
    static const char *in[][2] = {
      { "FOXA1", "FOXA" }, { "Foxa2", "FOXA" }, { "SOX10", "SOX" }, { "Sox2", "SOX" }, { "HNF1A", "HNF1" }, { "Hnf4g", "HNF4" },
      { "NR2F6", "NR2F" }, { "ZNF263", "ZNF263" }, { "Zfp281", "ZFP281" }, { "AT1G14600", "AT1G14600" }, { "P53", "P53" },
      { "ARALYDRAFT_484486", "ARALYDRAFT_484486" }, { "Abd-B", "ABD" }, { "AG", "AG" }, { "JUNB", "JUN" }, { "MYC", "MYC" }, { "GATA4", "GATA" }, { "YBR239C", "YBR239C" }, { "CG11085", "CG11085" }
    };
    char out[64];
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++) {
      tff_combine_Stem(in[k][0], out, sizeof out);
      CHECK(strcmp(out, in[k][1]) == 0, "stem of %s: %s, expected %s", in[k][0], out, in[k][1]);
    }
  }

  /* Stem groups: a dimer joins both of its stems' groups; a stem group stays in one fold */
  {
    char *names[7] = { "FOS::JUN", "JUNB", "Jun", "FOS", "SOX2", "Sox9", "GATA1" };
    int   gid[7], ng, y[7] = { 0, 0, 0, 0, 1, 1, 2 }, fold[7];
    CHECK(tff_combine_StemGroups(names, 7, gid, &ng, errbuf) == tffOK, "%s", errbuf);
    CHECK(ng == 3 && gid[0] == gid[1] && gid[1] == gid[2] && gid[2] == gid[3] && gid[4] == gid[5] && gid[6] != gid[0] && gid[6] != gid[4],
          "stem groups %d: %d %d %d %d %d %d %d", ng, gid[0], gid[1], gid[2], gid[3], gid[4], gid[5], gid[6]);
    CHECK(tff_labels_StratifyGroups(gid, ng, y, 7, 3, 3, 1, fold, errbuf) == tffOK, "%s", errbuf);
    CHECK(fold[0] == fold[1] && fold[0] == fold[2] && fold[0] == fold[3] && fold[4] == fold[5], "a group split over folds");
    CHECK(tff_labels_StratifyGroups(gid, ng, y, 7, 3, 4, 1, fold, errbuf) == tffEINVAL, "4 folds from 3 groups");
  }

  /* Out-of-fold neighbours: a hand-made table of 4 motifs in folds 0 0 1 2; motif 0's
   * neighbours 1 (own fold), 2 (fold 1), 3 (fold 2). Excluding fold 1 as well leaves 3. */
  {
    TFF_KNN_TABLE T, *U = NULL;
    TFF_KNN_NB    nb[4 * 3];
    int           nnb[4] = { 3, 0, 0, 0 }, fold[4] = { 0, 0, 1, 2 }, gid[4], ng;
    memset(&T, 0, sizeof T);
    memset(nb, 0, sizeof nb);
    T.nq = 4; T.kmax = 3; T.have[0] = 1; T.nb[0] = nb; T.nnb[0] = nnb;
    for (int r = 0; r < 3; r++) { nb[r].ref = r + 1; nb[r].pvalue = r == 0 ? 1e-12 : r == 1 ? 1e-9 : 1e-3; }
    CHECK(tff_combine_FilterTableOut(&T, fold, -1, &U, errbuf) == tffOK, "%s", errbuf);
    CHECK(U->nnb[0][0] == 2 && U->nb[0][0].ref == 2 && U->nb[0][1].ref == 3, "own fold kept");
    tff_knn_table_Destroy(U); U = NULL;
    CHECK(tff_combine_FilterTableOut(&T, fold, 1, &U, errbuf) == tffOK, "%s", errbuf);
    CHECK(U->nnb[0][0] == 1 && U->nb[0][0].ref == 3, "the held-out fold's motif kept as a neighbour");
    tff_knn_table_Destroy(U); U = NULL;
    /* clusters at 1e-8: 0-1 and 0-2 linked, 3 alone */
    CHECK(tff_combine_ClusterGroups(&T, 0, 1e-8, NULL, gid, &ng, errbuf) == tffOK, "%s", errbuf);
    CHECK(ng == 2 && gid[0] == gid[1] && gid[0] == gid[2] && gid[3] != gid[0], "clusters %d", ng);
    CHECK(tff_combine_ClusterGroups(&T, 0, 1e-10, NULL, gid, &ng, errbuf) == tffOK && ng == 3, "clusters at 1e-10: %d", ng);
  }

  /* Two labels: an item whose features favour neither family, labelled with both,
   * among items that pin the biases, is fitted to 1/2, 1/2; the soft target's
   * gradient is right where the loss is minimal (a finite-difference check of
   * the fitted optimum through the probability). */
  {
    double x[3 * 2 * J] = { 0 }, prob[2];
    int    y[3] = { 0, 1, 0 }, y2[3] = { -1, -1, 1 }, use[J] = { 1 };
    x[(0 * 2 + 0) * J] = 1.0;   /* item 0: family 0's feature high */
    x[(1 * 2 + 1) * J] = 1.0;   /* item 1: family 1's */
    CHECK(tff_combine_Fit(x, y, y2, NULL, 3, 2, use, 1e-9, 0.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x + 2 * 2 * J, prob);
    CHECK(NEAR(prob[0], 0.5, 1e-6), "two-label item p %g", prob[0]);
    tff_combine_Destroy(C); C = NULL;
  }

  /* The novelty model: a logistic fit that separates two clouds on feature 0 puts
   * a positive coefficient there and gives the clouds probabilities on either side
   * of 1/2; weights count (a row of weight 0 changes nothing). */
  {
    double Z[40 * TFF_NOVEL_NFEAT] = { 0 }, wt[40], w[TFF_NOVEL_NFEAT], b, w2[TFF_NOVEL_NFEAT], b2;
    int    nov[40];
    for (int i = 0; i < 40; i++) {
      nov[i] = i < 20;
      Z[i * TFF_NOVEL_NFEAT + 0] = (nov[i] ? 1.0 : -1.0) + 0.3 * ((i * 7) % 5 - 2);
      Z[i * TFF_NOVEL_NFEAT + 1] = (i * 3) % 4;   /* noise */
      wt[i] = 1.0;
    }
    CHECK(tff_combine_FitNovelty(Z, nov, wt, NULL, 40, 1e-3, w, &b, errbuf) == tffOK, "%s", errbuf);
    CHECK(w[0] > 0.0, "novelty coefficient %g", w[0]);
    for (int i = 0; i < 40; i++) {
      double s = b;
      for (int j = 0; j < TFF_NOVEL_NFEAT; j++) s += w[j] * Z[i * TFF_NOVEL_NFEAT + j];
      CHECK((s > 0) == nov[i], "row %d on the wrong side (%g)", i, s);
    }
    {
      int sel[40];
      for (int i = 0; i < 40; i++) sel[i] = i != 39;
      CHECK(tff_combine_FitNovelty(Z, nov, wt, sel, 40, 1e-3, w, &b, errbuf) == tffOK, "%s", errbuf);   /* without row 39 */
    }
    Z[39 * TFF_NOVEL_NFEAT] = 50.0; wt[39] = 0.0;   /* row 39, wild, but weighing nothing */
    CHECK(tff_combine_FitNovelty(Z, nov, wt, NULL, 40, 1e-3, w2, &b2, errbuf) == tffOK, "%s", errbuf);
    CHECK(NEAR(w2[0], w[0], 1e-9) && NEAR(b2, b, 1e-9), "a row of weight 0 moved the fit: %g %g", w2[0], w[0]);
  }

  /* Decoys: widths in range, rows of probabilities, uniform exactly, the same for the same seed */
  {
    TFF_MOTIFSET *a = NULL, *b = NULL, *u = NULL;
    CHECK(tff_combine_DecoyMotifs(50, 6, 20, 1.0, 7, "d", &a, errbuf) == tffOK, "%s", errbuf);
    CHECK(tff_combine_DecoyMotifs(50, 6, 20, 1.0, 7, "d", &b, errbuf) == tffOK, "%s", errbuf);
    CHECK(tff_combine_DecoyMotifs(3, 5, 5, 0.0, 7, "u", &u, errbuf) == tffOK, "%s", errbuf);
    for (int i = 0; i < 50; i++) {
      CHECK(a->m[i]->w >= 6 && a->m[i]->w <= 20, "width %d", a->m[i]->w);
      CHECK(tff_motif_SameMatrix(a->m[i], b->m[i], 0.0), "not deterministic");
      for (int c = 0; c < a->m[i]->w; c++) {
        double sum = 0.0;
        for (int k = 0; k < 4; k++) { CHECK(a->m[i]->p[c * 4 + k] > 0.0, "zero"); sum += a->m[i]->p[c * 4 + k]; }
        CHECK(NEAR(sum, 1.0, 1e-12), "row sum %g", sum);
      }
    }
    CHECK(u->n == 3 && u->m[2]->w == 5 && u->m[2]->p[7] == 0.25, "uniform decoy");
    tff_motifset_Destroy(a); tff_motifset_Destroy(b); tff_motifset_Destroy(u);
  }

  /* Write and read back */
  {
    double x[4 * 2 * J] = { 0 }, p1[2], p2[2];
    int    y[4] = { 0, 1, 0, 1 };
    char  *fam[2] = { "F one", "F2" };
    char   tmp[] = "/tmp/tff_combine_utestXXXXXX";
    int    fd = mkstemp(tmp);
    FILE  *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    TFF_COMBINER *D = NULL;
    for (int i = 0; i < 4; i++) { x[(i * 2 + y[i]) * J + 1] = 3.0; x[(i * 2 + y[i]) * J + 4] = 1.0; x[(i * 2) * J + 2] = 0.5 * i; }
    CHECK(fp != NULL, "temp file");
    CHECK(tff_combine_Fit(x, y, NULL, NULL, 4, 2, NULL, 0.1, 0.5, &C, errbuf) == tffOK, "%s", errbuf);
    char *nets[2] = { "a.model", "b.model" };
    CHECK(tff_combine_SetNetworks(C, nets, 2, errbuf) == tffOK, "%s", errbuf);
    C->extra_col = tffCOL_KULLBACK; C->extra_kmax = 100;
    C->novel_use = 1; C->novel_b = -1.5; C->novel_thresh = 0.75;
    for (int j = 0; j < TFF_NOVEL_NFEAT; j++) C->novel_w[j] = 0.1 * j - 0.3;
    CHECK((C->novel_typ = calloc(4, sizeof(double))) != NULL, "memory");
    C->novel_typ[0] = 7.5; C->novel_typ[3] = 2.25;
    CHECK(tff_combine_Write(fp, C, fam, "test", errbuf) == tffOK, "%s", errbuf);
    fclose(fp);
    CHECK(tff_combine_Read(tmp, &D, errbuf) == tffOK, "%s", errbuf);
    remove(tmp);
    CHECK(D->nfam == 2 && strcmp(D->fam[0], "F one") == 0 && tff_combine_FamilyIndex(D, "F2") == 1, "families");
    tff_combine_Predict(C, x, p1);
    tff_combine_Predict(D, x, p2);
    CHECK(p1[0] == p2[0] && p1[1] == p2[1], "read back differs");
    CHECK(D->lambda == 0.1 && D->cw == 0.5, "lambda/cw");
    CHECK(D->nnet == 2 && strcmp(D->net[1], "b.model") == 0, "networks");
    CHECK(D->extra_col == tffCOL_KULLBACK && D->extra_kmax == 100 && tff_combine_NeedsExtra(D), "extra metric");
    CHECK(D->novel_use && D->novel_b == -1.5 && D->novel_thresh == 0.75 && D->novel_w[5] == C->novel_w[5]
          && D->novel_typ[0] == 7.5 && D->novel_typ[3] == 2.25, "novelty model read back");
    {
      double z[TFF_NOVEL_NFEAT] = { 1.0 };   /* independent: by hand, sigmoid(-1.5 + (-0.3) * 1) */
      CHECK(NEAR(tff_combine_Novelty(D, z), 1.0 / (1.0 + exp(1.8)), 1e-12), "novelty probability %g", tff_combine_Novelty(D, z));
    }
    tff_combine_Destroy(C); C = NULL;
    tff_combine_Destroy(D);
  }

  return tff_utest_Done();
}
#endif /* tffCOMBINE_TESTDRIVE */
