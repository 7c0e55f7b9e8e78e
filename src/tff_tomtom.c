/* tff_tomtom: a user's Tomtom run (tomtom.tsv) as evidence for tffam.
 * See tff_tomtom.h for the rules.
 *
 * Contents:
 *   1. The run: the footer's command line
 *   2. Reading: targets of any JASPAR release
 *   3. Merging
 *   4. Unit test driver
 */
#include <config.h>

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_io.h"
#include "tff_io_internal.h"
#include "tff_knn.h"
#include "tff_tomtom.h"
#include "tff_util.h"

/*****************************************************************
 * 1. The run: the footer's command line
 *****************************************************************/

/* Tomtom's (and tffam-compare's) options that take a value; any other option is a flag.
 * Tomtom 5.5.8 also takes -time <seconds> and -column-scores <file>. */
static const char *valued_opts[] = { "o", "oc", "bfile", "motif-pseudo", "m", "mi", "thresh", "q-thresh", "dist",
                                     "min-overlap", "verbosity", "threads", "p", "time", "column-scores", NULL };

static int
is_valued(const char *opt)
{
  for (int i = 0; valued_opts[i]; i++) if (strcmp(opt, valued_opts[i]) == 0) return 1;
  return 0;
}

/* Does a file name say JASPAR (any case)? */
static int
names_jaspar(const char *s)
{
  for (; s && *s; s++)
    if (strncasecmp(s, "jaspar", 6) == 0) return 1;
  return 0;
}

/* The arguments of a footer's command line, unquoted, into words[] (each a string in
 * out, which has room for strlen(line) + 1 bytes; words for strlen(line) + 1).
 * Tomtom writes its line with MEME Suite's get_command_line() (utils.c, 5.5.8): an
 * argument with a space or a tab between single quotes, nothing else changed (a quote
 * inside an argument is written as it is). tffam-compare's footer quotes the same way
 * (tffam-compare.c), so one reading serves both: a quote is taken as one only around
 * a word with a blank in it, otherwise it is a character of the argument
 * (John's.meme). Returns the number of words. */
static int
split_command_line(const char *line, char *out, char **words)
{
  const char *p = line;
  int         n = 0;
  for (;;) {
    const char *q = NULL;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\0') return n;
    words[n++] = out;
    if (*p == '\'')   /* a quoted argument: to the first quote followed by a blank or the end, if it holds a blank */
      for (const char *c = p + 1; *c && !q; c++)
        if (*c == '\'' && (c[1] == '\0' || c[1] == ' ' || c[1] == '\t')) q = c;
    if (q && strcspn(p + 1, " \t") < (size_t) (q - p - 1)) {
      memcpy(out, p + 1, (size_t) (q - p - 1));
      out += q - p - 1;
      p = q + 1;
    } else {
      size_t len = strcspn(p, " \t");
      memcpy(out, p, len);
      out += len;
      p += len;
    }
    *out++ = '\0';
  }
}

int
tff_tomtom_ParseCommandLine(const char *line, TFF_TOMTOM *tt, char *errbuf)
{
  TFF_BUF db;
  char   *out = NULL, **words = NULL, *tok;
  int     status, npos = 0, nw, w = 1;

  tff_buf_Init(&db);
  while (*line == '#' || *line == ' ') line++;
  if (!(tff_StrStartsWith(line, "tomtom ") || tff_StrStartsWith(line, "tffam-compare "))) return tffOK;
  TFF_ALLOC(out, strlen(line) + 1);
  TFF_ALLOC(words, sizeof(char *) * (strlen(line) + 1));
  nw  = split_command_line(line, out, words);
  tok = words[0];
  free(tt->program);
  if ((tt->program = tff_Strdup(tok)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  snprintf(tt->dist, sizeof tt->dist, "%s", "ed");   /* Tomtom's default, and tffam-compare's */
  tt->min_overlap = 1; tt->pseudo = 0.1; tt->norc = tt->incomplete = tt->internal = 0;
  tt->thresh = 0.5; tt->evalue = 0;                  /* Tomtom's defaults */
  while (w < nw) {
    tok = words[w++];
    if (tok[0] == '-' && tok[1] != '\0') {
      char       *opt = tok + (tok[1] == '-' ? 2 : 1);
      const char *val = NULL;
      char       *eq  = strchr(opt, '=');
      /* getopt_long_only (Tomtom) and tffam's parser take -dist=pearson as -dist pearson */
      if (eq) { *eq = '\0'; val = eq + 1; }
      else if (is_valued(opt)) { if (w >= nw) break; val = words[w++]; }
      if      (strcmp(opt, "dist") == 0)              snprintf(tt->dist, sizeof tt->dist, "%s", val);
      else if (strcmp(opt, "min-overlap") == 0)       tt->min_overlap = atoi(val);
      else if (strcmp(opt, "motif-pseudo") == 0)      tt->pseudo = atof(val);
      else if (strcmp(opt, "norc") == 0)              tt->norc = 1;
      else if (strcmp(opt, "incomplete-scores") == 0) tt->incomplete = 1;
      else if (strcmp(opt, "internal") == 0)          tt->internal = 1;
      else if (strcmp(opt, "evalue") == 0)            tt->evalue = 1;
      else if (strcmp(opt, "thresh") == 0 || strcmp(opt, "q-thresh") == 0) {
        char  *end;
        double v = strtod(val, &end);
        if (end != val && *end == '\0' && v >= 0) tt->thresh = v;   /* Tomtom refuses anything else */
      }
    } else if (npos++ > 0) {   /* the first positional argument is the query file; the rest are databases */
      TFF_CHECK(tff_buf_Printf(&db, errbuf, "%s%s", db.s ? " " : "", tok));
    }
  }
  int m = tff_knn_MetricIndex(tt->dist);
  tt->metric = (m >= 0 && m < tffKNN_NMETRIC) ? m : TFF_TOMTOM_OTHER;
  free(tt->database);
  tt->database = NULL;
  if (db.s && (tt->database = tff_Strdup(db.s)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  tt->jaspar = names_jaspar(tt->database);
  status = tffOK;
 ERROR:
  free(out);
  free(words);
  tff_buf_Free(&db);
  return status;
}

/* The command line among the file's '#' lines (the last one that is one). */
static int
find_command_line(const char *data, size_t n, TFF_TOMTOM *tt, char *errbuf)
{
  TFF_LINES L;
  int       r, status = tffOK;
  tff_lines_Init(&L, data, n);
  while ((r = tff_lines_Next(&L)) != 0) {
    if (r < 0) { status = tff_Fail(errbuf, tffEMEM, "out of memory"); break; }
    if (L.line[0] == '#' && (status = tff_tomtom_ParseCommandLine(L.line, tt, errbuf)) != tffOK) break;
  }
  tff_lines_Free(&L);
  return status;
}

/* A file's run as its command line says (tt's program NULL: none); the caller frees
 * tt->program and tt->database. */
static int
file_run(const char *data, size_t n, TFF_TOMTOM *tt, char *errbuf)
{
  memset(tt, 0, sizeof *tt);
  tt->metric = TFF_TOMTOM_UNKNOWN;
  return find_command_line(data, n, tt, errbuf);
}

int
tff_tomtom_CheckMetric(const char *opt, const char *path, const char *data, size_t n, int metric, char *errbuf)
{
  TFF_TOMTOM tt;
  int        status;

  TFF_CHECK(file_run(data, n, &tt, errbuf));
  if (tt.metric != TFF_TOMTOM_UNKNOWN && tt.metric != metric)
    TFF_FAIL(tffEUSAGE, errbuf, "%s %s was made with %s -dist %s (its command line says so), not -dist %s",
             opt, path, tt.program, tt.dist, tff_knn_MetricName(metric));
  status = tffOK;
 ERROR:
  free(tt.program); free(tt.database);
  return status;
}

int
tff_tomtom_FileDist(const char *data, size_t n, char *dist, size_t dsz, double *ret_thresh, int *ret_evalue, char *errbuf)
{
  TFF_TOMTOM tt;
  int        status;

  if (dsz) dist[0] = '\0';
  *ret_thresh = -1.0; *ret_evalue = 0;
  TFF_CHECK(file_run(data, n, &tt, errbuf));
  if (tt.program && dsz) snprintf(dist, dsz, "%s", tt.dist);
  if (tt.program) { *ret_thresh = tt.thresh; *ret_evalue = tt.evalue; }
  status = tffOK;
 ERROR:
  free(tt.program); free(tt.database);
  return status;
}

/*****************************************************************
 * 2. Reading: targets of any JASPAR release
 *****************************************************************/

/* The base of a JASPAR matrix id ("MA0139" of "MA0139.1"; also PB, PF, PH, PL, UN, CN
 * collections), into out; 0 if id is not one. *ver: its version (0 without one). */
static int
jaspar_base(const char *id, char *out, size_t outsz, int *ver)
{
  size_t i = 2;
  if (!(isupper((unsigned char) id[0]) && isupper((unsigned char) id[1]) && isdigit((unsigned char) id[2]))) return 0;
  while (isdigit((unsigned char) id[i])) i++;
  if (i != 6 || i >= outsz) return 0;
  *ver = 0;
  if (id[i] == '.') {
    const char *v = id + i + 1;
    if (!isdigit((unsigned char) *v)) return 0;
    for (*ver = 0; isdigit((unsigned char) *v) && *ver < 100000; v++) *ver = *ver * 10 + (*v - '0');
    if (*v != '\0') return 0;
  } else if (id[i] != '\0') return 0;
  memcpy(out, id, i);
  out[i] = '\0';
  return 1;
}

/* The resolver's lookup tables over the reference set. */
typedef struct {
  TFF_TOMTOM   *tt;
  const char   *ref_path;
  TFF_STRMAP    ids, bases, names, unames;
  char        **base_key, **uname_key;   /* owned copies */
  int          *base_ref;                /* base i -> the reference index with the highest version */
  int          *name_amb, *uname_amb;    /* 1: the name is shared by several reference motifs */
  int           nref;
} RESOLVER;

static void
upcase(char *s)
{
  for (; *s; s++) *s = (char) toupper((unsigned char) *s);
}

/* A map of keys -> first index, with amb[first] = 1 where a key repeats. */
static int
map_with_repeats(TFF_STRMAP *map, const char *const *keys, int n, int **ret_amb, char *errbuf)
{
  int *amb = NULL, status;
  TFF_CALLOC(amb, (size_t) n + 1, sizeof(int));
  TFF_CHECK(tff_strmap_Build(map, keys, n, errbuf));
  for (int i = 0; i < n; i++) {
    int first = keys[i] ? tff_strmap_Get(map, keys[i]) : i;
    if (first != i && first >= 0) amb[first] = 1;
  }
  *ret_amb = amb;
  return tffOK;
 ERROR:
  free(amb);
  return status;
}

static void
resolver_free(RESOLVER *rv)
{
  tff_strmap_Free(&rv->ids);
  tff_strmap_Free(&rv->bases);
  tff_strmap_Free(&rv->names);
  tff_strmap_Free(&rv->unames);
  if (rv->base_key)  for (int i = 0; i < rv->nref; i++) free(rv->base_key[i]);
  if (rv->uname_key) for (int i = 0; i < rv->nref; i++) free(rv->uname_key[i]);
  free(rv->base_key); free(rv->uname_key); free(rv->base_ref); free(rv->name_amb); free(rv->uname_amb);
}

static int
resolver_init(RESOLVER *rv, TFF_TOMTOM *tt, TFF_MOTIF *const *refs, int nref, const char *ref_path, char *errbuf)
{
  const char **keys = NULL;
  int         *vers = NULL, nb = 0, status;

  memset(rv, 0, sizeof *rv);
  rv->tt = tt; rv->ref_path = ref_path; rv->nref = nref;
  TFF_ALLOC(keys, sizeof(char *) * (size_t) nref);
  TFF_CALLOC(rv->base_key,  (size_t) nref + 1, sizeof(char *));
  TFF_CALLOC(rv->uname_key, (size_t) nref + 1, sizeof(char *));
  TFF_CALLOC(rv->base_ref,  (size_t) nref + 1, sizeof(int));
  TFF_CALLOC(vers,          (size_t) nref + 1, sizeof(int));
  for (int i = 0; i < nref; i++) keys[i] = refs[i]->id;
  TFF_CHECK(tff_strmap_Build(&rv->ids, keys, nref, errbuf));
  /* JASPAR base ids: the highest version of each */
  for (int i = 0; i < nref; i++) {
    char base[16];
    int  v;
    if (!jaspar_base(refs[i]->id, base, sizeof base, &v)) continue;
    int j;
    for (j = 0; j < nb; j++) if (strcmp(rv->base_key[j], base) == 0) break;   /* linear only within one build: see below */
    if (j == nb) {
      if ((rv->base_key[nb] = tff_Strdup(base)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      rv->base_ref[nb] = i; vers[nb] = v; nb++;
    } else if (v > vers[j]) { rv->base_ref[j] = i; vers[j] = v; }
  }
  TFF_CHECK(tff_strmap_Build(&rv->bases, (const char *const *) rv->base_key, nb, errbuf));
  /* names, as given and in upper case */
  for (int i = 0; i < nref; i++) {
    keys[i] = refs[i]->alt ? refs[i]->alt : "";
    if ((rv->uname_key[i] = tff_Strdup(keys[i])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    upcase(rv->uname_key[i]);
  }
  TFF_CHECK(map_with_repeats(&rv->names,  keys, nref, &rv->name_amb, errbuf));
  TFF_CHECK(map_with_repeats(&rv->unames, (const char *const *) rv->uname_key, nref, &rv->uname_amb, errbuf));
  status = tffOK;
 ERROR:
  free(keys);
  free(vers);
  return status;
}

/* A name the reference holds once: exact, else ignoring case; -1 if none or several. */
static int
by_name(const RESOLVER *rv, const char *target)
{
  char up[256];
  int  t = tff_strmap_Get(&rv->names, target);
  if (t >= 0) return rv->name_amb[t] ? -1 : t;
  if (strlen(target) >= sizeof up) return -1;
  strcpy(up, target);
  upcase(up);
  t = tff_strmap_Get(&rv->unames, up);
  return (t >= 0 && !rv->uname_amb[t]) ? t : -1;
}

static int
resolve_target(void *ctx, const char *path, long lineno, const char *target, int *ret_t, char *errbuf)
{
  RESOLVER   *rv = ctx;
  TFF_TOMTOM *tt = rv->tt;
  char        base[16];
  int         v, t, is_ma = jaspar_base(target, base, sizeof base, &v);

  if ((t = tff_strmap_Get(&rv->ids, target)) >= 0) { tt->by_id++; *ret_t = t; return tffOK; }
  if (is_ma && (t = tff_strmap_Get(&rv->bases, base)) >= 0) { tt->by_base++; *ret_t = rv->base_ref[t]; return tffOK; }
  if (!is_ma && tt->jaspar && (t = by_name(rv, target)) >= 0) { tt->by_name++; *ret_t = t; return tffOK; }
  if (is_ma || tt->jaspar) { tt->skipped++; *ret_t = -1; return tffOK; }
  *ret_t = -1;
  return tff_Fail(errbuf, tffEFORMAT,
                  "%s line %ld: target %s is not in tffam's reference set, and the run's database (%s) is not a JASPAR CORE "
                  "release, whose matrices tffam can map. Run Tomtom against tffam's reference instead: "
                  "tomtom -dist pearson -min-overlap 5 <your motifs> %s",
                  path, lineno, target, tt->database ? tt->database : "the file has no '# tomtom' command line to say",
                  rv->ref_path ? rv->ref_path : "<the -ref file>");
}

void
tff_tomtom_Destroy(TFF_TOMTOM *tt)
{
  if (!tt) return;
  free(tt->path); free(tt->program); free(tt->database);
  tff_knn_table_Destroy(tt->T);
  free(tt);
}

int
tff_tomtom_Parse(const char *path, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                 TFF_MOTIF *const *refs, int nref, const char *ref_path, int metric, int cap,
                 int leave_one_out, TFF_TOMTOM **ret_tt, char *errbuf)
{
  TFF_TOMTOM *tt = NULL;
  RESOLVER    rv;
  int         status, have_rv = 0;

  *ret_tt = NULL;
  TFF_CALLOC(tt, 1, sizeof *tt);
  tt->metric = TFF_TOMTOM_UNKNOWN;
  if ((tt->path = tff_Strdup(path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (memchr(data, '\0', n) != NULL) TFF_FAIL(tffEFORMAT, errbuf, "%s: binary data (a NUL byte); expected a Tomtom TSV", path);
  TFF_CHECK(tff_knn_TomtomRows(path, data, n, NULL, NULL, errbuf));   /* a Tomtom TSV at all (tomtom.xml?), before its command line */
  TFF_CHECK(find_command_line(data, n, tt, errbuf));
  if (tt->metric == TFF_TOMTOM_OTHER)
    TFF_FAIL(tffEUSAGE, errbuf, "%s was made with %s -dist %s; tffam's neighbours are by ed, pearson or sandelin "
             "(the combined model uses all three): run Tomtom again with -dist pearson (or ed, sandelin)", path, tt->program, tt->dist);
  if (tt->metric == TFF_TOMTOM_UNKNOWN) {
    if (metric < 0 || metric >= tffKNN_NMETRIC)
      TFF_FAIL(tffEUSAGE, errbuf, "%s has no '# tomtom' command line (Tomtom 5 writes one at the end; Tomtom 4's tomtom.txt has none) to say which column score made it; "
               "give it with -dist ed|pearson|sandelin", path);
    tt->metric = metric;
    snprintf(tt->dist, sizeof tt->dist, "%s", tff_knn_MetricName(metric));
  } else if (metric >= 0 && metric < tffKNN_NMETRIC && metric != tt->metric)
    TFF_FAIL(tffEUSAGE, errbuf, "%s was made with %s -dist %s (its command line says so), not %s: drop -dist or give -dist %s",
             path, tt->program, tt->dist, tff_knn_MetricName(metric), tt->dist);
  TFF_CHECK(resolver_init(&rv, tt, refs, nref, ref_path, errbuf));
  have_rv = 1;
  TFF_CHECK(tff_knn_ParseTomtomRows(path, data, n, queries, nq, refs, resolve_target, &rv, tt->metric, cap,
                                    leave_one_out, &tt->nrows, &tt->T, errbuf));
  resolver_free(&rv);
  *ret_tt = tt;
  return tffOK;
 ERROR:
  if (have_rv) resolver_free(&rv);
  tff_tomtom_Destroy(tt);
  return status;
}

int
tff_tomtom_Read(const char *path, TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                const char *ref_path, int metric, int cap, int leave_one_out, TFF_TOMTOM **ret_tt, char *errbuf)
{
  TFF_BUF buf;
  int     status;
  *ret_tt = NULL;
  if ((status = tff_io_SlurpKind(path, "Tomtom TSV", &buf, errbuf)) != tffOK) return status;
  status = tff_tomtom_Parse(path, buf.s ? buf.s : "", buf.n, queries, nq, refs, nref, ref_path, metric, cap, leave_one_out, ret_tt, errbuf);
  tff_buf_Free(&buf);
  return status;
}

/*****************************************************************
 * 3. Merging
 *****************************************************************/

/* Is Tomtom's row x tffam's own y, as far as six printed digits tell? */
static int
same_evidence(const TFF_KNN_NB *x, const TFF_KNN_NB *y)
{
  double tol = 5.000001e-6 * y->pvalue;   /* %g's rounding to six significant digits */
  return x->strand == y->strand && x->offset == y->offset && x->overlap == y->overlap && fabs(x->pvalue - y->pvalue) <= tol;
}

/* Query q under metric m: Tomtom's rows, tffam's own for the other references, ranked, kmax kept. */
static void
merge_query(TFF_TOMTOM *tt, const TFF_KNN_TABLE *Tin, TFF_KNN_TABLE *T, int q, int m, TFF_MOTIF *const *refs, int nref,
            unsigned char *tsame)
{
  const TFF_KNN_NB *tl  = tt->T->nb[m] + (size_t) q * (size_t) tt->T->kmax;
  const TFF_KNN_NB *own = Tin->nb[m] + (size_t) q * (size_t) Tin->kmax;
  int               nt  = tt->T->nnb[m][q], no = Tin->nnb[m][q];
  TFF_KNN_NB       *out = T->nb[m] + (size_t) q * (size_t) T->kmax;
  unsigned char    *src = T->src[m] + (size_t) q * (size_t) T->kmax;
  int               n   = 0;

  if (nt > 0) tt->nq_covered++;
  for (int i = 0; i < nt; i++) {
    TFF_KNN_NB x = tl[i];
    int        j;
    for (j = 0; j < no; j++) if (own[j].ref == x.ref) break;
    tsame[i] = (j < no && same_evidence(&x, &own[j]));
    if (tsame[i]) { x = own[j]; tt->same++; }
    else { x.evalue = x.pvalue * (double) nref; tt->differ++; }   /* E-value over the reference, not Tomtom's database */
    tff_knn_Insert(out, &n, T->kmax, &x, refs);
  }
  for (int j = 0; j < no; j++) {
    int i;
    for (i = 0; i < nt; i++) if (tl[i].ref == own[j].ref) break;
    if (i == nt) tff_knn_Insert(out, &n, T->kmax, &own[j], refs);
  }
  T->nnb[m][q] = n;
  for (int r = 0; r < n; r++) {
    src[r] = tffKNN_SRC_COMPUTED;
    for (int i = 0; i < nt; i++)
      if (tl[i].ref == out[r].ref) { src[r] = tsame[i] ? tffKNN_SRC_TOMTOM_SAME : tffKNN_SRC_TOMTOM; break; }
  }
}

int
tff_tomtom_Merge(TFF_TOMTOM *tt, const TFF_KNN_TABLE *Tin, int kmax, TFF_MOTIF *const *refs, int nref,
                 TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL;
  unsigned char *tsame = NULL;
  unsigned       have = 0;
  int            m = tt->metric, status;

  *ret_T = NULL;
  if (m < 0 || m >= tffKNN_NMETRIC || !Tin->have[m]) TFF_FAIL(tffEINVAL, errbuf, "tff_tomtom_Merge: the computed table lacks the run's metric");
  if (Tin->kmax < kmax + tt->T->kmax && Tin->kmax < nref) TFF_FAIL(tffEINVAL, errbuf, "tff_tomtom_Merge: the computed table is too short");
  for (int k = 0; k < tffKNN_NMETRIC; k++) if (Tin->have[k]) have |= 1u << k;
  TFF_CHECK(tff_knn_table_Create(Tin->nq, kmax, have, &T, errbuf));
  TFF_CALLOC(T->src[m], (size_t) T->nq * (size_t) kmax + 1, 1);
  TFF_CALLOC(tsame, (size_t) tt->T->kmax + 1, 1);
  tt->same = tt->differ = tt->nq_covered = 0;
  for (int k = 0; k < tffKNN_NMETRIC; k++) {
    if (!Tin->have[k]) continue;
    for (int q = 0; q < Tin->nq; q++) {
      if (k == m) { merge_query(tt, Tin, T, q, m, refs, nref, tsame); continue; }
      int n = Tin->nnb[k][q] < kmax ? Tin->nnb[k][q] : kmax;
      memcpy(T->nb[k] + (size_t) q * (size_t) kmax, Tin->nb[k] + (size_t) q * (size_t) Tin->kmax, sizeof(TFF_KNN_NB) * (size_t) n);
      T->nnb[k][q] = n;
    }
  }
  free(tsame);
  *ret_T = T;
  return tffOK;
 ERROR:
  free(tsame);
  tff_knn_table_Destroy(T);
  return status;
}

int
tff_tomtom_Describe(const TFF_TOMTOM *tt, int nq, TFF_BUF *b, char *errbuf)
{
  int status;
  TFF_CHECK(tff_buf_Printf(b, errbuf, "%s (%s -dist %s against %s): %d rows for %d of %d queries; targets by id %d, by JASPAR base id %d, by name %d, "
                           "not in the reference %d (skipped); of the best %d rows per query, %d the same as tffam's own comparison, "
                           "%d used as Tomtom gave them; the other neighbours computed by tffam",
                           tt->path, tt->program ? tt->program : "tomtom", tt->dist, tt->database ? tt->database : "an unnamed database",
                           tt->nrows, tt->nq_covered, nq, tt->by_id, tt->by_base, tt->by_name, tt->skipped, tt->T ? tt->T->kmax : 0,
                           tt->same, tt->differ));
  if (tt->program && (tt->min_overlap != 5 || tt->incomplete || tt->internal || tt->norc || tt->pseudo != 0.1))
    TFF_CHECK(tff_buf_Printf(b, errbuf, "; its settings (-min-overlap %d%s%s%s -motif-pseudo %g) differ from tffam's (-min-overlap 5, complete scoring, both strands)",
                             tt->min_overlap, tt->incomplete ? " -incomplete-scores" : "", tt->internal ? " -internal" : "",
                             tt->norc ? " -norc" : "", tt->pseudo));
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 4. Unit test driver
 *****************************************************************/
#ifdef tffTOMTOM_TESTDRIVE
#include "tff_utest.h"

static void
utest_cmdline(void)
{
  char       errbuf[TFF_ERRBUFSIZE];
  TFF_TOMTOM tt;
  memset(&tt, 0, sizeof tt);
  if (tff_tomtom_ParseCommandLine("# tomtom -no-ssc -oc x -min-overlap 5 -dist ed -evalue -thresh 10 -verbosity 1 q.txt JASPAR2022.meme db2.meme", &tt, errbuf) != tffOK) TFF_UFAIL("parse");
  if (!tt.program || strcmp(tt.program, "tomtom") || tt.metric != 0 || tt.min_overlap != 5 || !tt.database ||
      strcmp(tt.database, "JASPAR2022.meme db2.meme") || !tt.jaspar) TFF_UFAIL("tomtom line");
  if (tff_tomtom_ParseCommandLine("# tomtom q.txt hocomoco.meme", &tt, errbuf) != tffOK) TFF_UFAIL("parse 2");
  if (tt.metric != 0 || tt.min_overlap != 1 || tt.jaspar || strcmp(tt.database, "hocomoco.meme")) TFF_UFAIL("tomtom's defaults: ed, overlap 1");
  if (tff_tomtom_ParseCommandLine("# tomtom --dist allr q.txt db.meme", &tt, errbuf) != tffOK || tt.metric != TFF_TOMTOM_OTHER) TFF_UFAIL("allr");
  if (tff_tomtom_ParseCommandLine("# tffam-compare q.txt db.meme", &tt, errbuf) != tffOK || tt.metric != 0) TFF_UFAIL("tffam-compare's default ed");
  free(tt.program); free(tt.database);
  memset(&tt, 0, sizeof tt);
  if (tff_tomtom_ParseCommandLine("# The format of this file is described at ...", &tt, errbuf) != tffOK || tt.program) TFF_UFAIL("not a command line");
}

static void
utest_base(void)
{
  char b[16];
  int  v;
  if (!jaspar_base("MA0139.1", b, sizeof b, &v) || strcmp(b, "MA0139") || v != 1) TFF_UFAIL("MA0139.1");
  if (!jaspar_base("MA1102.12", b, sizeof b, &v) || v != 12) TFF_UFAIL("two-digit version");
  if (!jaspar_base("PB0001", b, sizeof b, &v) || v != 0) TFF_UFAIL("no version");
  if (jaspar_base("Klf1", b, sizeof b, &v) || jaspar_base("MA013.1", b, sizeof b, &v) || jaspar_base("MA0139.1x", b, sizeof b, &v) ||
      jaspar_base("KLF1_HUMAN.H11MO.0.A", b, sizeof b, &v)) TFF_UFAIL("not JASPAR ids");
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_tomtom_utest", NULL);
  utest_cmdline();
  utest_base();
  return tff_utest_Done();
}
#endif /* tffTOMTOM_TESTDRIVE */
