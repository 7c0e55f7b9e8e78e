/* tff_motif: DNA motifs and motif sets.
 *
 * Contents:
 *   1. Motifs
 *   2. Validation
 *   3. Backgrounds and pseudocounts
 *   4. Motif sets
 *   5. Unit tests (tffMOTIF_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tff_motif.h"
#include "tff_util.h"

const char tff_alphabet[TFF_ALPHA + 1] = "ACGT";

/*****************************************************************
 * 1. Motifs
 *****************************************************************/

int
tff_motif_Create(const char *id, const char *alt, int w, TFF_MOTIF **ret_m, char *errbuf)
{
  TFF_MOTIF *m = NULL;
  int        status;

  *ret_m = NULL;
  if (w < 1)                   TFF_FAIL(tffEINVAL, errbuf, "motif %s has no columns", id ? id : "(no id)");
  if (w > TFF_MAX_MOTIF_WIDTH) TFF_FAIL(tffEINVAL, errbuf, "motif %s is %d columns wide; the maximum is %d", id ? id : "(no id)", w, TFF_MAX_MOTIF_WIDTH);
  TFF_CALLOC(m, 1, sizeof *m);
  m->w      = w;
  m->evalue = NAN;
  m->log10_evalue = NAN;
  TFF_CALLOC(m->p, (size_t) w * TFF_ALPHA, sizeof(double));
  if ((m->id = tff_Strdup(id ? id : "")) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (alt && (m->alt = tff_Strdup(alt)) == NULL)  TFF_FAIL(tffEMEM, errbuf, "out of memory");
  *ret_m = m;
  return tffOK;
 ERROR:
  tff_motif_Destroy(m);
  return status;
}

void
tff_motif_Destroy(TFF_MOTIF *m)
{
  if (!m) return;
  free(m->id);
  free(m->alt);
  free(m->url);
  free(m->p);
  free(m);
}

int
tff_motif_Copy(const TFF_MOTIF *m, TFF_MOTIF **ret_copy, char *errbuf)
{
  TFF_MOTIF *c = NULL;
  int        status;

  TFF_CHECK(tff_motif_Create(m->id, m->alt, m->w, &c, errbuf));
  memcpy(c->p, m->p, sizeof(double) * (size_t) m->w * TFF_ALPHA);
  if (m->url && (c->url = tff_Strdup(m->url)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  c->nsites = m->nsites;
  c->evalue = m->evalue;
  c->log10_evalue = m->log10_evalue;
  c->line   = m->line;
  *ret_copy = c;
  return tffOK;
 ERROR:
  tff_motif_Destroy(c);
  *ret_copy = NULL;
  return status;
}

void
tff_motif_RevCompMatrix(const double *p, int w, double *rc)
{
  /* ACGT order makes the complement of letter a simply 3 - a. */
  for (int i = 0; i < w; i++)
    for (int a = 0; a < TFF_ALPHA; a++)
      rc[(size_t)(w - 1 - i) * TFF_ALPHA + (3 - a)] = p[(size_t) i * TFF_ALPHA + a];
}

int
tff_motif_RevComp(const TFF_MOTIF *m, TFF_MOTIF **ret_rc, char *errbuf)
{
  int status;
  TFF_CHECK(tff_motif_Copy(m, ret_rc, errbuf));
  tff_motif_RevCompMatrix(m->p, m->w, (*ret_rc)->p);
  return tffOK;
 ERROR:
  return status;
}

void
tff_motif_Consensus(const TFF_MOTIF *m, char *out)
{
  for (int i = 0; i < m->w; i++) {
    int best = 0;
    for (int a = 1; a < TFF_ALPHA; a++)  /* compared as float, first strict maximum wins, as Tomtom does */
      if ((float) m->p[i * TFF_ALPHA + a] > (float) m->p[i * TFF_ALPHA + best]) best = a;
    out[i] = tff_alphabet[best];
  }
  out[m->w] = '\0';
}

int
tff_motif_SameMatrix(const TFF_MOTIF *a, const TFF_MOTIF *b, double tol)
{
  if (a->w != b->w) return 0;
  for (int k = 0; k < a->w * TFF_ALPHA; k++)
    if (fabs(a->p[k] - b->p[k]) > tol) return 0;
  return 1;
}

/*****************************************************************
 * 2. Validation
 *****************************************************************/

int
tff_motif_ValidateRow(const double *row, int row_index, char *errbuf)
{
  double sum = 0.0;
  for (int a = 0; a < TFF_ALPHA; a++) {
    if (isnan(row[a]))   return tff_Fail(errbuf, tffEFORMAT, "row %d: %c is not a number", row_index + 1, tff_alphabet[a]);
    if (isinf(row[a]))   return tff_Fail(errbuf, tffEFORMAT, "row %d: %c is infinite", row_index + 1, tff_alphabet[a]);
    if (row[a] < 0.0)    return tff_Fail(errbuf, tffEFORMAT, "row %d: %c is negative (%g)", row_index + 1, tff_alphabet[a], row[a]);
    sum += row[a];
  }
  if (fabs(sum - 1.0) > TFF_ROW_SUM_TOL)
    return tff_Fail(errbuf, tffEFORMAT, "row %d sums to %g, not 1 (tolerance %g)", row_index + 1, sum, TFF_ROW_SUM_TOL);
  return tffOK;
}

void
tff_motif_Normalize(TFF_MOTIF *m)
{
  for (int i = 0; i < m->w; i++) {
    double *row = m->p + (size_t) i * TFF_ALPHA;
    double  sum = row[0] + row[1] + row[2] + row[3];
    if (fabs(sum - 1.0) > TFF_RENORM_TOL && sum > 0.0)
      for (int a = 0; a < TFF_ALPHA; a++) row[a] /= sum;
  }
}

/*****************************************************************
 * 3. Backgrounds and pseudocounts
 *****************************************************************/

void tff_bg_Uniform(double bg[TFF_ALPHA]) { for (int a = 0; a < TFF_ALPHA; a++) bg[a] = 0.25; }

void
tff_bg_AverageRC(double bg[TFF_ALPHA])
{
  /* MEME's order of operations, so that Tomtom's p-values are reproduced to the bit:
   * average the complementary pairs, add 5e-7 to each, divide by the new sum, and
   * divide again by the total only if rounding left it off 1. */
  double at = (bg[0] + bg[3]) / 2.0, cg = (bg[1] + bg[2]) / 2.0;
  bg[0] = bg[3] = at; bg[1] = bg[2] = cg;
  tff_bg_Normalize(bg);
}

void
tff_bg_Normalize(double bg[TFF_ALPHA])
{
  const double pseudo = 5e-7;
  double f[TFF_ALPHA] = { bg[0], bg[1], bg[2], bg[3] };
  double sum = pseudo * TFF_ALPHA, total = 0.0;
  for (int a = 0; a < TFF_ALPHA; a++) sum += f[a];
  for (int a = 0; a < TFF_ALPHA; a++) { f[a] = (f[a] + pseudo) / sum; total += f[a]; }
  for (int a = 0; a < TFF_ALPHA; a++) bg[a] = (total != 1.0) ? f[a] / total : f[a];
}

void
tff_motif_PseudoRows(const double *p, int w, double nsites, const double bg[TFF_ALPHA], double pseudo, double *out)
{
  /* MEME truncates nsites to an integer (20 when the motif gives none). */
  /* The readers refuse nsites > TFF_MAX_NSITES; the bound here keeps the cast defined whatever the caller passes. */
  int    sites = (int)(nsites > 0 ? (nsites < TFF_MAX_NSITES ? nsites : TFF_MAX_NSITES) : (double) TFF_DEFAULT_NSITES);
  double total = sites + pseudo;
  if (pseudo == 0) { if (out != p) memcpy(out, p, sizeof(double) * (size_t) w * TFF_ALPHA); return; }
  for (int i = 0; i < w; i++)
    for (int a = 0; a < TFF_ALPHA; a++) {
      double count = p[(size_t) i * TFF_ALPHA + a] * sites + pseudo * bg[a];
      out[(size_t) i * TFF_ALPHA + a] = count / total;
    }
}

void
tff_motif_ApplyPseudo(TFF_MOTIF *m, const double bg[TFF_ALPHA], double pseudo)
{
  tff_motif_PseudoRows(m->p, m->w, m->nsites, bg, pseudo, m->p);
}

/*****************************************************************
 * 4. Motif sets
 *****************************************************************/

int
tff_motifset_Create(const char *source, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_MOTIFSET *set = NULL;
  int           status;

  TFF_CALLOC(set, 1, sizeof *set);
  tff_bg_Uniform(set->bg);
  set->strands = 2;
  if ((set->source = tff_Strdup(source ? source : "-")) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  *ret_set = set;
  return tffOK;
 ERROR:
  tff_motifset_Destroy(set);
  *ret_set = NULL;
  return status;
}

void
tff_motifset_Destroy(TFF_MOTIFSET *set)
{
  if (!set) return;
  for (int i = 0; i < set->n; i++) tff_motif_Destroy(set->m[i]);
  free(set->m);
  free(set->source);
  free(set->idhash);
  free(set->skip_id);
  free(set);
}

/* FNV-1a of an id. */
static uint32_t
id_hash(const char *id)
{
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *) id; *p; p++) { h ^= *p; h *= 16777619u; }
  return h;
}

static void
idhash_insert(TFF_MOTIFSET *set, int i)
{
  const uint32_t mask = (uint32_t) set->hashcap - 1;
  uint32_t k = id_hash(set->m[i]->id) & mask;
  while (set->idhash[k] >= 0) k = (k + 1) & mask;
  set->idhash[k] = i;
}

/* A new id index of cap slots (a power of two > n) over the motifs the set holds. */
static int
idhash_rebuild(TFF_MOTIFSET *set, int cap, char *errbuf)
{
  int *h = NULL, status;
  TFF_ALLOC(h, sizeof(int) * (size_t) cap);
  for (int k = 0; k < cap; k++) h[k] = -1;
  free(set->idhash);
  set->idhash = h;
  set->hashcap = cap;
  for (int i = 0; i < set->n; i++) idhash_insert(set, i);
  return tffOK;
 ERROR:
  return status;
}

int
tff_motifset_Add(TFF_MOTIFSET *set, TFF_MOTIF *m, char *errbuf)
{
  int status, prev;

  set->nread++;
  if (set->sel_nids + set->sel_nidx > 0) {   /* Tomtom: the selection first, then repeated ids */
    int keep = 0;
    for (int k = 0; k < set->sel_nids && !keep; k++) keep = strcmp(set->sel_ids[k], m->id) == 0;
    for (int k = 0; k < set->sel_nidx && !keep; k++) keep = set->sel_idx[k] == set->nread;
    if (!keep) { tff_motif_Destroy(m); return tffOK; }
  }
  if ((prev = tff_motifset_Find(set, m->id)) >= 0 && set->skip_dup) {
    if (set->nskip++ == 0) {
      if ((set->skip_id = tff_Strdup(m->id)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      set->skip_line  = m->line;
      set->skip_first = set->m[prev]->line;
    }
    tff_motif_Destroy(m);
    return tffOK;
  }
  if (prev >= 0) {
    if (set->m[prev]->line > 0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: duplicate motif id (first seen on line %ld)",
               set->source, m->line, m->id, set->m[prev]->line);
    TFF_FAIL(tffEFORMAT, errbuf, "%s: motif %s: duplicate motif id", set->source, m->id);
  }
  if (set->n >= TFF_MAX_MOTIFS) TFF_FAIL(tffEFORMAT, errbuf, "%s: more than %d motifs", set->source, TFF_MAX_MOTIFS);
  if (set->n == set->nalloc) {
    int nalloc = set->nalloc ? set->nalloc * 2 : 64;
    TFF_REALLOC(set->m, sizeof(TFF_MOTIF *) * (size_t) nalloc);
    set->nalloc = nalloc;
  }
  if (2 * (set->n + 1) > set->hashcap) TFF_CHECK(idhash_rebuild(set, set->hashcap ? 2 * set->hashcap : 128, errbuf));
  set->m[set->n] = m;
  idhash_insert(set, set->n++);
  return tffOK;
 ERROR:
  tff_motif_Destroy(m);
  return status;
}

int
tff_motifset_Find(const TFF_MOTIFSET *set, const char *id)
{
  if (!set->idhash) return -1;    /* nothing added yet */
  const uint32_t mask = (uint32_t) set->hashcap - 1;
  for (uint32_t k = id_hash(id) & mask; set->idhash[k] >= 0; k = (k + 1) & mask)
    if (strcmp(set->m[set->idhash[k]]->id, id) == 0) return set->idhash[k];
  return -1;
}

int
tff_motifset_Select(TFF_MOTIFSET *set, char **ids, int nids, const int *idx, int nidx, char *errbuf)
{
  char *keep = NULL;
  int   status;

  if (nids == 0 && nidx == 0) return tffOK;
  TFF_CALLOC(keep, (size_t) set->n, 1);
  for (int k = 0; k < nids; k++) {
    int i = tff_motifset_Find(set, ids[k]);
    if (i < 0) TFF_FAIL(tffENOTFOUND, errbuf, "%s: no motif with id %s (-m)", set->source, ids[k]);
    keep[i] = 1;
  }
  for (int k = 0; k < nidx; k++) {
    if (idx[k] < 1 || idx[k] > set->n)
      TFF_FAIL(tffENOTFOUND, errbuf, "%s: no motif number %d (-mi); the file has %d", set->source, idx[k], set->n);
    keep[idx[k] - 1] = 1;
  }
  status = tff_motifset_Keep(set, keep, errbuf);
 ERROR:
  free(keep);
  return status;
}

int
tff_motifset_Keep(TFF_MOTIFSET *set, const char *keep, char *errbuf)
{
  int n = 0;
  for (int i = 0; i < set->n; i++) {
    if (keep[i]) set->m[n++] = set->m[i];
    else         tff_motif_Destroy(set->m[i]);
  }
  set->n = n;
  return idhash_rebuild(set, set->hashcap ? set->hashcap : 128, errbuf);   /* the motifs have new numbers */
}

int
tff_motif_ParseNumbers(char **idxv, int nidx, int *idx, char *errbuf)
{
  for (int i = 0; i < nidx; i++) {
    char *end;
    long  v = strtol(idxv[i], &end, 10);
    /* a blank before the number is refused as one after it is (strtol skips it), with the
     * option numbers' words (tff_opts.c) */
    size_t n = strlen(idxv[i]);
    if (n > 0 && (isspace((unsigned char) idxv[i][0]) || isspace((unsigned char) idxv[i][n - 1])))
      return tff_Fail(errbuf, tffEUSAGE, "-mi needs a motif number (1, 2, ...), not '%s': no blanks before or after it", idxv[i]);
    if (*idxv[i] == '\0' || *end != '\0' || v < 1 || v > 100000000)
      return tff_Fail(errbuf, tffEUSAGE, "-mi needs a motif number (1, 2, ...), not '%s'", idxv[i]);
    idx[i] = (int) v;
  }
  return tffOK;
}

int
tff_motifset_SelectArgs(TFF_MOTIFSET *set, char **ids, int nids, char **idxv, int nidx, char *errbuf)
{
  int *idx = NULL, status;
  TFF_CALLOC(idx, (size_t) nidx + 1, sizeof(int));
  TFF_CHECK(tff_motif_ParseNumbers(idxv, nidx, idx, errbuf));
  status = tff_motifset_Select(set, ids, nids, idx, nidx, errbuf);
 ERROR:
  free(idx);
  return status;
}

int
tff_motifset_SkipNote(const TFF_MOTIFSET *set, char *buf, size_t n)
{
  const char *s = set->nskip == 1 ? "" : "s", *its = set->nskip == 1 ? "its id repeats" : "their id repeats";
  if (set->nskip == 0) return 0;
  if (set->skip_line > 0 && set->skip_first > 0)
    snprintf(buf, n, "%d motif%s skipped: %s an earlier motif's (the first: %s on line %ld, as on line %ld)",
             set->nskip, s, its, set->skip_id, set->skip_line, set->skip_first);
  else
    snprintf(buf, n, "%d motif%s skipped: %s an earlier motif's (the first: %s)", set->nskip, s, its, set->skip_id);
  return 1;
}

void
tff_motifset_Checksum(const TFF_MOTIFSET *set, char out[9])
{
  uLong c = crc32(0L, Z_NULL, 0);
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    char   num[32];
    c = crc32(c, (const Bytef *) m->id, (uInt) strlen(m->id) + 1);
    for (int k = 0; k < m->w * TFF_ALPHA; k++) {  /* text, so the checksum is the same on any platform */
      int len = snprintf(num, sizeof num, "%.6f;", m->p[k]);
      c = crc32(c, (const Bytef *) num, (uInt) len);
    }
  }
  snprintf(out, 9, "%08lx", (unsigned long) c);
}

/*****************************************************************
 * 5. Unit tests
 *****************************************************************/
#ifdef tffMOTIF_TESTDRIVE
#include "tff_utest.h"

static void
utest_revcomp(void)
{
  char       errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIF *m = NULL, *rc = NULL, *rcrc = NULL;
  const double rows[3][4] = { {0.7, 0.1, 0.1, 0.1}, {0.0, 1.0, 0.0, 0.0}, {0.2, 0.3, 0.4, 0.1} };
  char cons[4], rccons[4];

  if (tff_motif_Create("m1", "alt", 3, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  memcpy(m->p, rows, sizeof rows);
  if (tff_motif_RevComp(m, &rc, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  /* last row of rc is the complement of the first row: T gets A's 0.7 */
  if (rc->p[2 * 4 + 3] != 0.7)                    TFF_UFAIL("revcomp row order/complement");
  if (rc->p[1 * 4 + 2] != 1.0)                    TFF_UFAIL("revcomp C->G");
  if (tff_motif_RevComp(rc, &rcrc, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (!tff_motif_SameMatrix(m, rcrc, 0.0))        TFF_UFAIL("revcomp twice is not identity");
  tff_motif_Consensus(m, cons);
  tff_motif_Consensus(rc, rccons);
  if (strcmp(cons, "ACG") != 0 || strcmp(rccons, "CGT") != 0) TFF_UFAIL("consensus");
  tff_motif_Destroy(m); tff_motif_Destroy(rc); tff_motif_Destroy(rcrc);
}

static void
utest_validate(void)
{
  char   errbuf[TFF_ERRBUFSIZE];
  double ok[4]  = {0.25, 0.25, 0.25, 0.25};
  double neg[4] = {-0.1, 0.6, 0.25, 0.25};
  double sum[4] = {0.5, 0.5, 0.5, 0.5};
  double nan4[4] = {NAN, 0.5, 0.25, 0.25};
  if (tff_motif_ValidateRow(ok, 0, errbuf)  != tffOK)      TFF_UFAIL("valid row rejected");
  if (tff_motif_ValidateRow(neg, 2, errbuf) != tffEFORMAT) TFF_UFAIL("negative accepted");
  if (strcmp(errbuf, "row 3: A is negative (-0.1)") != 0)  TFF_UFAIL("%s", errbuf);
  if (tff_motif_ValidateRow(sum, 0, errbuf) != tffEFORMAT) TFF_UFAIL("bad sum accepted");
  if (tff_motif_ValidateRow(nan4, 0, errbuf) != tffEFORMAT) TFF_UFAIL("NaN accepted");
}

static void
utest_pseudo(void)
{
  char       errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIF *m = NULL;
  double     bg[4] = {0.3, 0.2, 0.2, 0.3};
  if (tff_motif_Create("m", NULL, 1, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  m->p[0] = 1.0;
  m->nsites = 9.9;                      /* truncated to 9 */
  tff_motif_ApplyPseudo(m, bg, 0.1);
  if (fabs(m->p[0] - (9.0 + 0.03) / 9.1) > 1e-15) TFF_UFAIL("pseudocount with nsites");
  if (fabs(m->p[1] - 0.02 / 9.1) > 1e-15)         TFF_UFAIL("pseudocount zero cell");
  m->nsites = 0; m->p[0] = 1.0; m->p[1] = 0.0;
  tff_motif_ApplyPseudo(m, bg, 0.1);
  if (fabs(m->p[0] - (20.0 + 0.03) / 20.1) > 1e-15) TFF_UFAIL("pseudocount default nsites");
  m->nsites = 0.5; m->p[0] = 1.0; m->p[1] = 0.0;   /* (int) 0.5 = 0 sites: MEME gives the background */
  tff_motif_ApplyPseudo(m, bg, 0.1);
  if (fabs(m->p[0] - 0.3) > 1e-15) TFF_UFAIL("pseudocount with nsites < 1");
  m->nsites = 1e300; m->p[0] = 1.0; m->p[1] = 0.0;  /* beyond int: taken as TFF_MAX_NSITES (no undefined cast) */
  tff_motif_ApplyPseudo(m, bg, 0.1);
  if (fabs(m->p[0] - (1e9 + 0.03) / (1e9 + 0.1)) > 1e-15 || !(m->p[1] > 0)) TFF_UFAIL("pseudocount with huge nsites");
  tff_motif_Destroy(m);

  double b2[4] = {0.4, 0.1, 0.2, 0.3};
  tff_bg_AverageRC(b2);
  if (fabs(b2[0] - b2[3]) > 1e-15 || fabs(b2[0] - (0.35 + 5e-7) / (1 + 2e-6)) > 1e-12) TFF_UFAIL("AverageRC");
}

static void
utest_set(void)
{
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET *set = NULL;
  TFF_MOTIF    *m   = NULL;
  char         *ids[1] = { "b" };
  int           idx[1] = { 3 };
  const char   *names[] = { "a", "b", "c", "d" };

  if (tff_motifset_Create("test.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < 4; i++) {
    if (tff_motif_Create(names[i], NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    m->line = 10 * (i + 1);
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  if (tff_motif_Create("c", NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  m->line = 99;
  if (tff_motifset_Add(set, m, errbuf) != tffEFORMAT) TFF_UFAIL("duplicate accepted");
  if (strcmp(errbuf, "test.meme line 99: motif c: duplicate motif id (first seen on line 30)") != 0) TFF_UFAIL("%s", errbuf);
  if (tff_motifset_Select(set, ids, 1, idx, 1, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (set->n != 2 || strcmp(set->m[0]->id, "b") || strcmp(set->m[1]->id, "c")) TFF_UFAIL("select");
  if (tff_motifset_Find(set, "b") != 0 || tff_motifset_Find(set, "c") != 1 || tff_motifset_Find(set, "a") != -1) TFF_UFAIL("find after select");
  idx[0] = 7;
  if (tff_motifset_Select(set, NULL, 0, idx, 1, errbuf) != tffENOTFOUND) TFF_UFAIL("bad -mi accepted");
  tff_motifset_Destroy(set);

  /* many motifs: the id index grows; every id is found, a late duplicate is caught */
  char id[32];
  if (tff_motifset_Create("big.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < 5000; i++) {
    snprintf(id, sizeof id, "MA%04d.1", i);
    if (tff_motif_Create(id, NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    m->line = i + 1;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  for (int i = 0; i < 5000; i++) {
    snprintf(id, sizeof id, "MA%04d.1", i);
    if (tff_motifset_Find(set, id) != i) TFF_UFAIL("find in a large set");
  }
  if (tff_motifset_Find(set, "MA5000.1") != -1 || tff_motifset_Find(set, "") != -1) TFF_UFAIL("found a missing id");
  if (tff_motif_Create("MA4321.1", NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  m->line = 9999;
  if (tff_motifset_Add(set, m, errbuf) != tffEFORMAT) TFF_UFAIL("late duplicate accepted");
  if (strcmp(errbuf, "big.meme line 9999: motif MA4321.1: duplicate motif id (first seen on line 4322)") != 0) TFF_UFAIL("%s", errbuf);
  tff_motifset_Destroy(set);
}

/* skip_dup: a repeated id is skipped and counted, the first motif keeps it
 * (also when the id index grows), and the note names the first skipped. */
static void
utest_skip_dup(void)
{
  char          errbuf[TFF_ERRBUFSIZE], note[256];
  TFF_MOTIFSET *set = NULL;
  TFF_MOTIF    *m   = NULL;
  const char   *names[] = { "a", "x", "b", "x", "a", "x" };

  if (tff_motifset_Create("db.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  set->skip_dup = 1;
  if (tff_motifset_SkipNote(set, note, sizeof note) != 0) TFF_UFAIL("a note for an empty set");
  for (int i = 0; i < 6; i++) {
    if (tff_motif_Create(names[i], NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    m->line = 10 * (i + 1);
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  if (set->n != 3 || set->nskip != 3 || set->m[1]->line != 20 || set->m[2]->line != 30) TFF_UFAIL("n %d nskip %d", set->n, set->nskip);
  if (tff_motifset_Find(set, "x") != 1 || tff_motifset_Find(set, "b") != 2) TFF_UFAIL("find");
  if (tff_motifset_SkipNote(set, note, sizeof note) != 1 ||
      strcmp(note, "3 motifs skipped: their id repeats an earlier motif's (the first: x on line 40, as on line 20)") != 0) TFF_UFAIL("%s", note);
  tff_motifset_Destroy(set);

  /* 3000 motifs, 1000 ids: the index is rebuilt on the way */
  char id[32];
  if (tff_motifset_Create("big.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  set->skip_dup = 1;
  for (int i = 0; i < 3000; i++) {
    snprintf(id, sizeof id, "TF%d", i % 1000);
    if (tff_motif_Create(id, NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    m->nsites = i;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  if (set->n != 1000 || set->nskip != 2000) TFF_UFAIL("big: n %d nskip %d", set->n, set->nskip);
  for (int i = 0; i < 1000; i++) {
    snprintf(id, sizeof id, "TF%d", i);
    if (tff_motifset_Find(set, id) != i || set->m[i]->nsites != i) TFF_UFAIL("%s: not the first", id);
  }
  if (tff_motifset_SkipNote(set, note, sizeof note) != 1 ||
      strcmp(note, "2000 motifs skipped: their id repeats an earlier motif's (the first: TF0)") != 0) TFF_UFAIL("%s", note);
  tff_motifset_Destroy(set);

  /* one skipped: the singular */
  if (tff_motifset_Create("one.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  set->skip_dup = 1;
  for (int i = 0; i < 2; i++) {
    if (tff_motif_Create("m1", NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    m->line = 5 + 6 * i;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  if (tff_motifset_SkipNote(set, note, sizeof note) != 1 ||
      strcmp(note, "1 motif skipped: its id repeats an earlier motif's (the first: m1 on line 11, as on line 5)") != 0) TFF_UFAIL("%s", note);
  tff_motifset_Destroy(set);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_motif_utest", NULL);
  utest_revcomp();
  utest_validate();
  utest_pseudo();
  utest_set();
  utest_skip_dup();
  return tff_utest_Done();
}
#endif /* tffMOTIF_TESTDRIVE */
