/* tff_labels: label files, family tables, stratified folds.
 *
 * Contents:
 *   1. Parsing a label file
 *   2. Building the family table
 *   3. Look-ups
 *   4. Stratified folds
 *   5. Unit tests (tffLABELS_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tff_io.h"
#include "tff_io_internal.h"   /* tff_io_CheckName() */
#include "tff_labels.h"
#include "tff_motif.h"
#include "tff_random.h"
#include "tff_util.h"

#define MAXCOLS 64

static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *) a, *(char *const *) b); }

/* Trim spaces and '\r' around a field, in place. */
static char *
trim(char *s)
{
  char *e;
  while (*s == ' ' || *s == '\r') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\r')) *--e = '\0';
  return s;
}

/* 2. Family table from per-motif names (names are borrowed); line_of[i] (or
 * NULL) the line of the source that gave motif i's name, for messages. */
static int
build_table(const char *const *fam_of, const long *line_of, int n, int flags, const char *source, TFF_LABELS **ret_L, char *errbuf)
{
  TFF_LABELS  *L = NULL;
  const char **sorted = NULL;
  char       **parts = NULL;
  int          nlab = 0, status;

  TFF_CALLOC(L, 1, sizeof *L);
  L->n = n;
  TFF_CALLOC(L->y, (size_t) n, sizeof(int));
  if (flags & TFF_LABELS_MULTI) {   /* "A::B": two names, split into parts[] (owned) */
    TFF_CALLOC(L->y2, (size_t) n, sizeof(int));
    TFF_CALLOC(parts, (size_t) 2 * n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
      const char *sep = fam_of[i] ? strstr(fam_of[i], "::") : NULL;
      L->y2[i] = -1;
      if (!sep) continue;
      const char *what = strstr(sep + 2, "::") ? "more than two families" : (sep == fam_of[i] || !sep[2]) ? "empty family" : NULL;
      if (what && line_of && line_of[i] > 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: %s in '%s'", source ? source : "labels", line_of[i], what, fam_of[i]);
      if (what) TFF_FAIL(tffEFORMAT, errbuf, "%s: item %d: %s in '%s'", source ? source : "labels", i + 1, what, fam_of[i]);
      if ((parts[2 * i] = tff_Strdup(fam_of[i])) == NULL || (parts[2 * i + 1] = tff_Strdup(sep + 2)) == NULL)
        TFF_FAIL(tffEMEM, errbuf, "out of memory");
      parts[2 * i][sep - fam_of[i]] = '\0';
    }
  }
  TFF_CALLOC(sorted, (size_t) 2 * n + 1, sizeof(char *));
  for (int i = 0; i < n; i++) {
    if (parts && parts[2 * i]) { sorted[nlab++] = parts[2 * i]; sorted[nlab++] = parts[2 * i + 1]; }
    else if (fam_of[i] && fam_of[i][0]) sorted[nlab++] = fam_of[i];
  }
  if (nlab == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no labels", source ? source : "labels");
  qsort(sorted, (size_t) nlab, sizeof(char *), cmp_strp);
  TFF_CALLOC(L->fam, (size_t) nlab, sizeof(char *));
  for (int i = 0; i < nlab; i++)
    if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
      if ((L->fam[L->nfam++] = tff_Strdup(sorted[i])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_CALLOC(L->count, (size_t) L->nfam, sizeof(int));
  for (int i = 0; i < n; i++) {
    if (!fam_of[i] || !fam_of[i][0]) {
      if (!(flags & TFF_LABELS_ALLOW_UNLABELLED))
        TFF_FAIL(tffEFORMAT, errbuf, "%s: item %d has no label", source ? source : "labels", i + 1);
      L->y[i] = -1;
      continue;
    }
    if (parts && parts[2 * i]) {   /* two families; the same one twice is one label */
      L->y[i] = tff_labels_FamilyIndex(L, parts[2 * i]);
      L->y2[i] = tff_labels_FamilyIndex(L, parts[2 * i + 1]);
      if (L->y2[i] == L->y[i]) L->y2[i] = -1;
      else                     L->nmulti++;
    } else
      L->y[i] = tff_labels_FamilyIndex(L, fam_of[i]);
    L->count[L->y[i]]++;
  }
  if (source && (L->source = tff_Strdup(source)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  free(sorted);
  if (parts) for (int i = 0; i < 2 * n; i++) free(parts[i]);
  free(parts);
  *ret_L = L;
  return tffOK;

 ERROR:
  free(sorted);
  if (parts) for (int i = 0; i < 2 * n; i++) free(parts[i]);
  free(parts);
  tff_labels_Destroy(L);
  *ret_L = NULL;
  return status;
}

int
tff_labels_Build(const char *const *fam_of, int n, int flags, TFF_LABELS **ret_L, char *errbuf)
{
  return build_table(fam_of, NULL, n, flags, NULL, ret_L, errbuf);
}

/* 1. Parsing */

int
tff_labels_Parse(const char *name, const char *data, size_t n, const TFF_MOTIFSET *set, int flags,
                 TFF_LABELS **ret_L, char *errbuf)
{
  char       **fam_of = NULL;   /* per motif: family name (owned) */
  long        *line_of = NULL;  /* per motif: label line */
  char        *line = NULL;
  char        *f[MAXCOLS];
  const char  *p = data + tff_BomLength(data, n), *end = data + n;   /* after a UTF-8 byte order mark */
  long         lineno = 0;
  int          famcol = -1, seen_data = 0, nrows = 0, status;

  *ret_L = NULL;
  TFF_CALLOC(fam_of, (size_t) set->n, sizeof(char *));
  TFF_CALLOC(line_of, (size_t) set->n, sizeof(long));

  while (p < end) {
    const char *nl = p;
    size_t      len;
    int         nf, idx;
    char       *s;

    while (nl < end && *nl != '\n' && *nl != '\r') nl++;   /* a line ends at \n, \r\n or a lone \r */
    len = (size_t) (nl - p);
    if (nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n') nl++;
    lineno++;
    free(line);
    if ((line = tff_Strndup(p, len)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    p = nl < end ? nl + 1 : end;
    if (memchr(line, '\0', len)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: NUL byte (is this a text file?)", name, lineno);
    s = trim(line);
    if (*s == '\0' || *s == '#') continue;

    nf = tff_SplitTabs(line, f, MAXCOLS, 1);
    if (!seen_data && famcol < 0 && (strcasecmp(f[0], "matrix_id") == 0 || strcasecmp(f[0], "id") == 0)) {
      famcol = nf - 1;
      for (int c = 1; c < nf; c++) if (strcasecmp(f[c], "family") == 0) famcol = c;
      if (nf < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: header has one column; need an id and a family column", name, lineno);
      seen_data = 1;
      continue;
    }
    seen_data = 1;
    nrows++;
    if (nf < 2)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected at least 2 tab-separated columns (id, family), got 1", name, lineno);
    {
      int   fc = famcol >= 0 ? famcol : nf - 1;
      char *id = f[0], *fam;
      if (fc >= nf)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: no column %d (family) on this line", name, lineno, fc + 1);
      fam = f[fc];
      if (*id == '\0')  TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: empty motif id", name, lineno);
      if (*fam == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: empty family", name, lineno, id);
      idx = tff_motifset_Find(set, id);
      if (idx < 0) {
        if (flags & TFF_LABELS_ALLOW_EXTRA) continue;
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s is not in %s", name, lineno, id,
                 set->source ? set->source : "the motif set");
      }
      {   /* reports and terminals print it: checked as motif ids are (id is one: found above) */
        char what[TFF_ERRBUFSIZE];
        snprintf(what, sizeof what, "motif %s: family", id);
        TFF_CHECK(tff_io_CheckName(name, lineno, what, fam, errbuf));
      }
      if (fam_of[idx])
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s labelled twice (first on line %ld)", name, lineno, id, line_of[idx]);
      if ((fam_of[idx] = tff_Strdup(fam)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      line_of[idx] = lineno;
    }
  }

  if (nrows == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no labels", name);   /* an empty file (or a header alone): say so, not "motif X has no label" */
  if (!(flags & TFF_LABELS_ALLOW_UNLABELLED))
    for (int i = 0; i < set->n; i++)
      if (!fam_of[i]) {
        if (set->m[i]->line > 0)
          TFF_FAIL(tffEFORMAT, errbuf, "%s: motif %s (%s line %ld) has no label", name, set->m[i]->id,
                   set->source ? set->source : "motif file", set->m[i]->line);
        TFF_FAIL(tffEFORMAT, errbuf, "%s: motif %s has no label", name, set->m[i]->id);
      }
  if (set->n == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: the motif set is empty", name);
  TFF_CHECK(build_table((const char *const *) fam_of, line_of, set->n, flags, name, ret_L, errbuf));

 ERROR:
  if (fam_of) for (int i = 0; i < set->n; i++) free(fam_of[i]);
  free(fam_of);
  free(line_of);
  free(line);
  return status;
}

int
tff_labels_Read(const char *path, const TFF_MOTIFSET *set, int flags, TFF_LABELS **ret_L, char *errbuf)
{
  TFF_BUF buf;
  int     status;

  tff_buf_Init(&buf);
  *ret_L = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "labels file", &buf, errbuf));
  status = tff_labels_Parse(path, buf.s ? buf.s : "", buf.n, set, flags, ret_L, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

void
tff_labels_Destroy(TFF_LABELS *L)
{
  if (!L) return;
  if (L->fam) for (int k = 0; k < L->nfam; k++) free(L->fam[k]);
  free(L->fam);
  free(L->y);
  free(L->y2);
  free(L->count);
  free(L->source);
  free(L);
}

/* 3. Look-ups: binary search, the table is sorted. */
int
tff_labels_FamilyIndex(const TFF_LABELS *L, const char *name)
{
  int lo = 0, hi = L->nfam - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(name, L->fam[mid]);
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return -1;
}


int
tff_labels_ReadFamilyValues(const char *path, const char *kind, const TFF_LABELS *L, double *val, char *errbuf)
{
  TFF_BUF buf;
  int     status;

  tff_buf_Init(&buf);
  TFF_CHECK(tff_io_SlurpKind(path, kind, &buf, errbuf));
  status = tff_labels_ParseFamilyValues(strcmp(path, "-") == 0 ? "standard input" : path, buf.s ? buf.s : "", buf.n, L, val, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

int
tff_labels_ParseFamilyValues(const char *path, const char *data, size_t n, const TFF_LABELS *L, double *val, char *errbuf)
{
  TFF_LINES lines;
  int       status, fcol = 0, acol = 1, header_done = 0, r;
  char     *f[64];
  size_t    bom = tff_BomLength(data, n);

  for (int k = 0; k < L->nfam; k++) val[k] = NAN;
  tff_lines_Init(&lines, data + bom, n - bom);
  while ((r = tff_lines_Next(&lines)) > 0) {
    char  *line = lines.line;
    long   ln   = lines.lineno;
    int    nf, k;
    double a;
    if (line[0] == '#' || line[0] == '\0') continue;
    nf = tff_SplitTabs(line, f, 64, 0);
    if (!header_done) {
      header_done = 1;
      if (strcmp(f[0], "family") == 0) {
        int ac = -1, rc = -1;
        for (int c = 0; c < nf; c++) {
          if (strcmp(f[c], "accuracy") == 0) ac = c;
          if (strcmp(f[c], "recall") == 0)   rc = c;
        }
        if (ac < 0 && rc < 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: header has no \"accuracy\" or \"recall\" column", path, ln);
        acol = ac >= 0 ? ac : rc;
        continue;
      }
      /* tffam-cv's cv_families.tsv has the same name as tffam-train -cv's but a row per split */
      if (nf >= 2 && strcmp(f[0], "split") == 0 && strcmp(f[1], "family") == 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: a table with a row per split and family (tffam-cv's cv_families.tsv), "
                 "not one value per family: give tffam-train -cv's cv_families.tsv, or family<TAB>accuracy lines", path, ln);
    }
    if (nf <= acol || nf <= fcol) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: %d columns, expected at least %d", path, ln, nf, acol + 1);
    k = tff_labels_FamilyIndex(L, f[fcol]);
    if (k < 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: family '%s' is not in %s", path, ln, f[fcol], L->source ? L->source : "the labels");
    if (!isnan(val[k])) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: family '%s' given twice", path, ln, f[fcol]);
    if (tff_io_ParseDouble(f[acol], &a) != 0 || !(a >= 0.0 && a <= 1.0))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: accuracy '%s' is not a number in [0,1]", path, ln, f[acol]);
    val[k] = a;
  }
  if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  for (int k = 0; k < L->nfam; k++)
    if (isnan(val[k])) TFF_FAIL(tffEFORMAT, errbuf, "%s: no accuracy for family '%s'", path, L->fam[k]);
  status = tffOK;
 ERROR:
  tff_lines_Free(&lines);
  return status;
}

/* 4. Stratified folds */
int
tff_labels_Stratify(const int *y, int n, int nclass, int K, uint64_t seed, int *fold, char *errbuf)
{
  TFF_RNG rng;
  int    *members = NULL;
  int     nlab = 0, start = 0, status;

  for (int i = 0; i < n; i++) if (y[i] >= 0) nlab++;
  if (K < 2) return tff_Fail(errbuf, tffEINVAL, "number of folds must be at least 2 (got %d)", K);
  if (K > nlab) return tff_Fail(errbuf, tffEINVAL, "%d folds for %d labelled motifs: need at least one per fold", K, nlab);
  TFF_ALLOC(members, sizeof(int) * (size_t) n);
  tff_rng_Init(&rng, seed);
  for (int i = 0; i < n; i++) fold[i] = -1;
  for (int c = 0; c < nclass; c++) {
    int m = 0;
    for (int i = 0; i < n; i++) if (y[i] == c) members[m++] = i;
    tff_rng_Shuffle(&rng, members, m);
    for (int r = 0; r < m; r++) fold[members[r]] = (start + r) % K;
    start = (start + m) % K;
  }
  status = tffOK;
 ERROR:
  free(members);
  return status;
}

typedef struct { int size; int fam; uint64_t key; int first; } GROUP;

static int
group_cmp(const void *a, const void *b)
{
  const GROUP *x = a, *y = b;
  if (x->size != y->size) return y->size - x->size;        /* largest first */
  if (x->key != y->key) return x->key < y->key ? -1 : 1;    /* seeded order */
  return x->first - y->first;
}

int
tff_labels_StratifyGroups(const int *gid, int ng, const int *y, int n, int nfam, int K, uint64_t seed, int *fold, char *errbuf)
{
  int        *famcount = NULL, *size = NULL, *gfold = NULL, *cnt = NULL;
  GROUP      *G = NULL;
  int         status;

  if (K < 2) TFF_FAIL(tffEINVAL, errbuf, "grouped folds: K = %d (at least 2)", K);
  if (ng < K) TFF_FAIL(tffEINVAL, errbuf, "grouped folds: %d groups for %d folds", ng, K);
  TFF_CALLOC(G, (size_t) ng, sizeof(GROUP));
  TFF_CALLOC(famcount, (size_t) ng * (size_t) nfam, sizeof(int));
  for (int g = 0; g < ng; g++) { G[g].first = -1; G[g].key = tff_rng_Derive(seed, (uint64_t) g); }
  for (int i = 0; i < n; i++) {
    int g = gid[i];
    if (g < 0 || g >= ng) TFF_FAIL(tffEINVAL, errbuf, "grouped folds: item %d has group %d (of %d)", i + 1, g, ng);
    if (G[g].first < 0) G[g].first = g;
    G[g].size++;
    if (y[i] >= 0 && y[i] < nfam) famcount[(size_t) g * nfam + y[i]]++;
  }
  for (int g = 0; g < ng; g++) {   /* a group's family: its most frequent one */
    int best = 0;
    for (int f = 1; f < nfam; f++) if (famcount[(size_t) g * nfam + f] > famcount[(size_t) g * nfam + best]) best = f;
    G[g].fam = best;
  }
  qsort(G, (size_t) ng, sizeof(GROUP), group_cmp);
  TFF_CALLOC(gfold, (size_t) ng, sizeof(int));
  TFF_CALLOC(size, (size_t) K, sizeof(int));
  TFF_CALLOC(cnt, (size_t) K * (size_t) nfam, sizeof(int));
  for (int r = 0; r < ng; r++) {
    int g = G[r].first, f = G[r].fam, best = 0;
    if (g < 0) continue;   /* an empty group id */
    for (int k = 1; k < K; k++) {
      int a = cnt[(size_t) k * nfam + f], b = cnt[(size_t) best * nfam + f];
      if (a < b || (a == b && size[k] < size[best])) best = k;
    }
    gfold[g] = best;
    size[best] += G[r].size;
    cnt[(size_t) best * nfam + f] += G[r].size;
  }
  for (int i = 0; i < n; i++) fold[i] = gfold[gid[i]];
  status = tffOK;
 ERROR:
  free(G); free(famcount); free(gfold); free(size); free(cnt);
  return status;
}

int
tff_labels_StratifiedFolds(const TFF_LABELS *L, int K, uint64_t seed, int *fold, char *errbuf)
{
  return tff_labels_Stratify(L->y, L->n, L->nfam, K, seed, fold, errbuf);
}

/* 5. Unit tests */
#ifdef tffLABELS_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

static TFF_MOTIFSET *
make_set(int n, const char **ids)
{
  TFF_MOTIFSET *set = NULL;
  char          errbuf[TFF_ERRBUFSIZE];
  if (tff_motifset_Create("test.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s: %s", "motifset create", errbuf);
  for (int i = 0; i < n; i++) {
    TFF_MOTIF *m = NULL;
    if (tff_motif_Create(ids[i], NULL, 3, &m, errbuf) != tffOK) TFF_UFAIL("%s: %s", "motif create", errbuf);
    for (int j = 0; j < 12; j++) m->p[j] = 0.25;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s: %s", "add", errbuf);
  }
  return set;
}

static void
expect_error(const char *txt, TFF_MOTIFSET *set, int flags, const char *want)
{
  TFF_LABELS *L = NULL;
  char        errbuf[TFF_ERRBUFSIZE] = "";
  int         status = tff_labels_Parse("lab.tsv", txt, strlen(txt), set, flags, &L, errbuf);
  if (status != tffEFORMAT || L != NULL) TFF_UFAIL("%s: %s", "expected a format error", txt);
  if (strstr(errbuf, want) == NULL) TFF_UFAIL("%s: %s", errbuf, want);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_labels_utest", NULL);
  const char   *ids[] = { "M1", "M2", "M3", "M4", "M5", "M6" };
  TFF_MOTIFSET *set = make_set(6, ids);
  TFF_LABELS   *L = NULL;
  char          errbuf[TFF_ERRBUFSIZE];
  const char   *t1 = "matrix_id\tname\tfamily\r\nM2\tb\tzeta\nM1\ta\talpha\n# comment\n\nM3\tc\tzeta\nM4\td\tbeta\nM5\te\tbeta\nM6\tf\tzeta\n";
  const char   *t2 = "M1\talpha\nM2\tzeta\nM3 \t zeta\nM4\tbeta\nM5\tbeta\nM6\tzeta";
  const char   *t3 = "id\tfamily\tnote\nM1\talpha\tx\nM2\tzeta\tx\nM3\tzeta\tx\nM4\tbeta\tx\nM5\tbeta\tx\nM6\tzeta\tx\n";
  const char   *tt[] = { t1, t2, t3 };

  /* Two labels (TFF_LABELS_MULTI): "A::B" is A and B, "A::A" is A; without the flag "A::B" is a name */
  {
    const char *tm = "M1\talpha::zeta\nM2\tzeta\nM3\tbeta::beta\nM4\tbeta\nM5\tzeta::alpha\nM6\tbeta\n";
    if (tff_labels_Parse("lab.tsv", tm, strlen(tm), set, TFF_LABELS_MULTI, &L, errbuf) != tffOK) TFF_UFAIL("%s: %s", "multi parse", errbuf);
    if (L->nfam != 3 || strcmp(L->fam[0], "alpha") || strcmp(L->fam[1], "beta") || strcmp(L->fam[2], "zeta")) TFF_UFAIL("%s: %s", "multi families", tm);
    if (L->y[0] != 0 || L->y2[0] != 2 || L->y[2] != 1 || L->y2[2] != -1 || L->y[4] != 2 || L->y2[4] != 0 || L->y2[1] != -1) TFF_UFAIL("%s: %s", "multi labels", tm);
    if (L->nmulti != 2 || L->count[0] != 1 || L->count[1] != 3 || L->count[2] != 2) TFF_UFAIL("%s: %s", "multi counts", tm);
    tff_labels_Destroy(L); L = NULL;
    if (tff_labels_Parse("lab.tsv", tm, strlen(tm), set, 0, &L, errbuf) != tffOK) TFF_UFAIL("%s: %s", "plain parse of ::", errbuf);
    if (L->nfam != 5 || L->y2 != NULL) TFF_UFAIL("%s: %s", "without the flag, 'a::b' is a name", tm);
    tff_labels_Destroy(L); L = NULL;
    expect_error("M1\ta::b::c\nM2\tb\nM3\tb\nM4\tb\nM5\tb\nM6\tb\n", set, TFF_LABELS_MULTI, "more than two families");
    expect_error("M1\t::b\nM2\tb\nM3\tb\nM4\tb\nM5\tb\nM6\tb\n", set, TFF_LABELS_MULTI, "empty family");
  }

  for (int t = 0; t < 3; t++) {
    if (tff_labels_Parse("lab.tsv", tt[t], strlen(tt[t]), set, 0, &L, errbuf) != tffOK) TFF_UFAIL("%s: %s", "parse", errbuf);
    if (L->nfam != 3 || strcmp(L->fam[0], "alpha") || strcmp(L->fam[1], "beta") || strcmp(L->fam[2], "zeta")) TFF_UFAIL("%s: %s", "family table", tt[t]);
    if (L->y[0] != 0 || L->y[1] != 2 || L->y[2] != 2 || L->y[3] != 1 || L->y[4] != 1 || L->y[5] != 2) TFF_UFAIL("%s: %s", "labels", tt[t]);
    if (L->count[0] != 1 || L->count[1] != 2 || L->count[2] != 3) TFF_UFAIL("%s: %s", "counts", tt[t]);
    if (tff_labels_FamilyIndex(L, "beta") != 1 || tff_labels_FamilyIndex(L, "gamma") != -1) TFF_UFAIL("FamilyIndex");
    tff_labels_Destroy(L);
  }

  expect_error("M1\talpha\nM2\nM3\tz\n", set, 0, "line 2: expected at least 2");
  expect_error("M1\talpha\nM2\t\n", set, 0, "line 2: motif M2: empty family");
  expect_error("M1\talpha\nM1\tbeta\n", set, 0, "line 2: motif M1 labelled twice (first on line 1)");
  expect_error("M1\talpha\nMX\tbeta\n", set, 0, "line 2: motif MX is not in test.meme");
  expect_error("M1\ta\nM2\ta\nM3\ta\nM4\ta\nM5\ta\n", set, 0, "motif M6 has no label");
  expect_error("", set, TFF_LABELS_ALLOW_UNLABELLED, "no labels");

  /* extra labels and unlabelled motifs allowed by flags */
  {
    const char *t = "M1\ta\nMX\tb\nM3\tb\n";
    if (tff_labels_Parse("lab.tsv", t, strlen(t), set, TFF_LABELS_ALLOW_EXTRA | TFF_LABELS_ALLOW_UNLABELLED, &L, errbuf) != tffOK) TFF_UFAIL("%s: %s", "flags", errbuf);
    if (L->nfam != 2 || L->y[0] != 0 || L->y[1] != -1 || L->y[2] != 1) TFF_UFAIL("flags labels");
    tff_labels_Destroy(L);
  }

  /* stratified folds: balanced per class and overall, deterministic */
  {
    int n = 103, y[103], f1[103], f2[103], cnt[5][7] = { { 0 } }, tot[7] = { 0 };
    for (int i = 0; i < n; i++) y[i] = (i * 7) % 5 == 4 ? 4 : (i % 4);
    if (tff_labels_Stratify(y, n, 5, 7, 11, f1, errbuf) != tffOK) TFF_UFAIL("%s: %s", "stratify", errbuf);
    if (tff_labels_Stratify(y, n, 5, 7, 11, f2, errbuf) != tffOK) TFF_UFAIL("%s: %s", "stratify", errbuf);
    for (int i = 0; i < n; i++) { if (f1[i] != f2[i]) TFF_UFAIL("stratify not deterministic"); cnt[y[i]][f1[i]]++; tot[f1[i]]++; }
    for (int c = 0; c < 5; c++) {
      int mn = 1 << 30, mx = 0;
      for (int k = 0; k < 7; k++) { if (cnt[c][k] < mn) mn = cnt[c][k]; if (cnt[c][k] > mx) mx = cnt[c][k]; }
      if (mx - mn > 1) TFF_UFAIL("class not spread evenly");
    }
    for (int k = 1; k < 7; k++) if (abs(tot[k] - tot[0]) > 1) TFF_UFAIL("fold sizes uneven");
    if (tff_labels_Stratify(y, n, 5, 7, 12, f2, errbuf) != tffOK) TFF_UFAIL("%s: %s", "stratify", errbuf);
    { int same = 1; for (int i = 0; i < n; i++) if (f1[i] != f2[i]) same = 0; if (same) TFF_UFAIL("seed has no effect"); }
    if (tff_labels_Stratify(y, n, 5, 1, 11, f2, errbuf) != tffEINVAL) TFF_UFAIL("K=1 accepted");
    if (tff_labels_Stratify(y, n, 5, 104, 11, f2, errbuf) != tffEINVAL) TFF_UFAIL("K>n accepted");
  }
  tff_motifset_Destroy(set);
  return tff_utest_Done();
}
#endif /* tffLABELS_TESTDRIVE */
