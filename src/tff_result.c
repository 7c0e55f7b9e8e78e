/* tff_result: the data model of a tffam run's classification results.
 *
 * Contents:
 *   1. Create, destroy, fill
 *   2. Derived values
 *   3. Unit tests (tffRESULT_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tff_result.h"

/*****************************************************************
 * 1. Create, destroy, fill
 *****************************************************************/

int
tff_result_Create(int nq, int nfam, char *const *fam, TFF_RESULT **ret_R, char *errbuf)
{
  TFF_RESULT *R = NULL;
  int         status;

  TFF_CALLOC(R, 1, sizeof *R);
  R->nq   = nq;
  R->nfam = nfam;
  TFF_CALLOC(R->q,   (size_t) nq,     sizeof *R->q);
  TFF_CALLOC(R->fam, (size_t) nfam, sizeof *R->fam);
  for (int k = 0; k < nfam; k++)
    if ((R->fam[k] = tff_Strdup(fam[k])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  for (int i = 0; i < nq; i++) {
    R->q[i].index      = i + 1;
    R->q[i].cnn_top[0]  = R->q[i].cnn_top[1]  = -1;
    R->q[i].comb_top[0] = R->q[i].comb_top[1] = -1;
    R->q[i].knn_call    = -1;
    R->q[i].novelty     = NAN;
    R->q[i].best_evalue = NAN;
    R->q[i].near_ref    = -1;
    R->q[i].near_evalue = NAN;
  }
  tff_bg_Uniform(R->qbg);
  R->knn_k = 0;
  R->motif_pseudo = NAN;
  R->top_k        = 3;
  R->min_prob     = 0.0;
  R->nsig_evalue  = 1.0;
  R->novelty_thresh = NAN;
  R->second_prob  = NAN;
  R->partner_evalue = NAN;
  *ret_R = R;
  return tffOK;
 ERROR:
  tff_result_Destroy(R);
  *ret_R = NULL;
  return status;
}

void
tff_result_Destroy(TFF_RESULT *R)
{
  if (!R) return;
  if (R->q)
    for (int i = 0; i < R->nq; i++) {
      free(R->q[i].cnn_prob);
      free(R->q[i].comb_prob);
      free(R->q[i].knn_share);
      free(R->q[i].nb);
      free(R->q[i].importance);
    }
  free(R->q);
  if (R->fam) for (int k = 0; k < R->nfam; k++) free(R->fam[k]);
  free(R->fam);
  free(R->refy);
  free(R->refy2);
  free(R->version);      free(R->cmdline);
  free(R->query_file);   free(R->query_format);
  free(R->model_file);   free(R->model_checksum);
  free(R->ref_file);     free(R->ref_checksum);
  free(R->labels_file);  free(R->labels_checksum);
  free(R->tomtom_file);
  free(R->tomtom_note);
  free(R->note);
  free(R->knn_metric);   free(R->nb_metric);
  free(R->level);         free(R->model_level);
  free(R->combiner_file); free(R->combiner_checksum);
  free(R);
}

int
tff_result_SetRefs2(TFF_RESULT *R, const int *refy2, char *errbuf)
{
  int status;
  free(R->refy2);
  R->refy2 = NULL;
  TFF_ALLOC(R->refy2, sizeof(int) * (size_t) R->nref);
  for (int i = 0; i < R->nref; i++) R->refy2[i] = refy2 ? refy2[i] : -1;
  return tffOK;
 ERROR:
  return status;
}

int
tff_result_RefFamily(const TFF_RESULT *R, int r, TFF_BUF *buf, char *errbuf)
{
  int a = R->refy[r], b = R->refy2 ? R->refy2[r] : -1;
  buf->n = 0;   /* the whole name, however long (a fixed buffer cut long ones, mid-character) */
  if (a < 0 || a >= R->nfam) return tff_buf_Append(buf, "", 0, errbuf);
  if (b >= 0 && b < R->nfam) return tff_buf_Printf(buf, errbuf, "%s::%s", R->fam[a], R->fam[b]);
  return tff_buf_Printf(buf, errbuf, "%s", R->fam[a]);
}

int
tff_result_SetRefs(TFF_RESULT *R, TFF_MOTIF *const *ref, int nref, const int *refy, char *errbuf)
{
  int status;
  free(R->refy);
  free(R->refy2);
  R->refy = NULL;
  R->refy2 = NULL;   /* the new references' second families: tff_result_SetRefs2() */
  TFF_ALLOC(R->refy, sizeof(int) * (size_t) nref);
  for (int i = 0; i < nref; i++) R->refy[i] = refy ? refy[i] : -1;
  R->ref  = ref;
  R->nref = nref;
  return tffOK;
 ERROR:
  return status;
}

int
tff_result_SetString(char **field, const char *s, char *errbuf)
{
  char *copy = NULL;
  if (s && (copy = tff_Strdup(s)) == NULL) return tff_Fail(errbuf, tffEMEM, "out of memory");
  free(*field);
  *field = copy;
  return tffOK;
}

/* A copy of n doubles into *dst (allocated or reused). */
static int
copy_reals(double **dst, const double *src, int n, char *errbuf)
{
  int status;
  if (*dst == NULL) TFF_ALLOC(*dst, sizeof(double) * (size_t) n);
  memcpy(*dst, src, sizeof(double) * (size_t) n);
  return tffOK;
 ERROR:
  return status;
}

void
tff_result_TopTwo(const double *prob, int n, int top[2])
{
  top[0] = top[1] = -1;
  for (int k = 0; k < n; k++) {
    if      (top[0] < 0 || prob[k] > prob[top[0]]) { top[1] = top[0]; top[0] = k; }
    else if (top[1] < 0 || prob[k] > prob[top[1]])   top[1] = k;
  }
}

int
tff_result_SetCNN(TFF_RESULT *R, int q, const double *prob, char *errbuf)
{
  TFF_RESULT_QUERY *Q = &R->q[q];
  int status;
  TFF_CHECK(copy_reals(&Q->cnn_prob, prob, R->nfam, errbuf));
  tff_result_TopTwo(prob, R->nfam, Q->cnn_top);
  return tffOK;
 ERROR:
  return status;
}

int
tff_result_SetCombined(TFF_RESULT *R, int q, const double *prob, char *errbuf)
{
  TFF_RESULT_QUERY *Q = &R->q[q];
  int status;
  TFF_CHECK(copy_reals(&Q->comb_prob, prob, R->nfam, errbuf));
  tff_result_TopTwo(prob, R->nfam, Q->comb_top);
  return tffOK;
 ERROR:
  return status;
}

void
tff_result_SetBestEvalue(TFF_RESULT *R, int q, double evalue)
{
  R->q[q].best_evalue = evalue;
}

int
tff_result_SetKNN(TFF_RESULT *R, int q, int call, const double *share, char *errbuf)
{
  TFF_RESULT_QUERY *Q = &R->q[q];
  int status;
  if (call < -1 || call >= R->nfam) TFF_FAIL(tffEINVAL, errbuf, "KNN call %d out of range", call);
  Q->knn_call = call;
  if (share) TFF_CHECK(copy_reals(&Q->knn_share, share, R->nfam, errbuf));
  return tffOK;
 ERROR:
  return status;
}

int
tff_result_SetNearest(TFF_RESULT *R, int q, int ref, double evalue, char *errbuf)
{
  if (ref < -1 || ref >= R->nref) return tff_Fail(errbuf, tffEINVAL, "nearest reference %d of query %d out of range", ref, q);
  R->q[q].near_ref    = ref;
  R->q[q].near_evalue = ref >= 0 ? evalue : NAN;
  return tffOK;
}

int
tff_result_SetNeighbours(TFF_RESULT *R, int q, const TFF_RESULT_NB *nb, int nnb, char *errbuf)
{
  TFF_RESULT_QUERY *Q = &R->q[q];
  int status;
  for (int r = 0; r < nnb; r++)
    if (nb[r].ref < 0 || nb[r].ref >= R->nref) TFF_FAIL(tffEINVAL, errbuf, "neighbour %d of query %d: reference %d out of range", r, q, nb[r].ref);
  free(Q->nb);
  Q->nb  = NULL;
  Q->nnb = 0;
  TFF_ALLOC(Q->nb, sizeof *nb * (size_t) nnb);
  memcpy(Q->nb, nb, sizeof *nb * (size_t) nnb);
  Q->nnb = nnb;
  return tffOK;
 ERROR:
  return status;
}

int
tff_result_SetImportance(TFF_RESULT *R, int q, const double *imp, char *errbuf)
{
  return copy_reals(&R->q[q].importance, imp, R->q[q].motif->w, errbuf);
}

int
tff_result_SetDate(TFF_RESULT *R, char *errbuf)
{
  const char *s = getenv("SOURCE_DATE_EPOCH");
  if (s && *s) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    /* digits only, as date +%s writes it: strtoll skips a leading blank (and takes
     * a sign), so ' 1700000000' was taken where '1700000000 ' was refused */
    if (!isdigit((unsigned char) *s) || errno || *end != '\0' || v < 0)
      return tff_Fail(errbuf, tffEINVAL, "SOURCE_DATE_EPOCH must be a number of seconds, not '%s'", s);
    R->when = (int64_t) v;
  } else {
    R->when = (int64_t) time(NULL);
  }
  return tffOK;
}

/*****************************************************************
 * 2. Derived values
 *****************************************************************/

int
tff_result_Call(const TFF_RESULT *R, int q, double *opt_score)
{
  const TFF_RESULT_QUERY *Q = &R->q[q];
  int    k     = -1;
  double score = NAN;
  if (Q->comb_prob) {
    k = Q->comb_top[0];
    if (k >= 0) score = Q->comb_prob[k];
  } else if (Q->cnn_prob) {
    k = Q->cnn_top[0];
    if (k >= 0) score = Q->cnn_prob[k];
  } else if (Q->knn_call >= 0) {
    k = Q->knn_call;
    if (Q->knn_share) score = Q->knn_share[k];
  }
  if (opt_score) *opt_score = score;
  return k;
}

int
tff_result_Second(const TFF_RESULT *R, int q, double *opt_score)
{
  const TFF_RESULT_QUERY *Q = &R->q[q];
  int    k     = -1;
  double score = NAN;
  if (Q->comb_prob) {
    k = tff_result_SecondFamily(R, q);
    if (k < 0) k = Q->comb_top[1];
    if (k >= 0) score = Q->comb_prob[k];
  } else if (Q->cnn_prob) {
    k = Q->cnn_top[1];
    if (k >= 0) score = Q->cnn_prob[k];
  } else if (Q->knn_call >= 0 && Q->knn_share) {
    for (int f = 0; f < R->nfam; f++)
      if (f != Q->knn_call && Q->knn_share[f] > 0 && (k < 0 || Q->knn_share[f] > Q->knn_share[k])) k = f;
    if (k >= 0) score = Q->knn_share[k];
  }
  if (opt_score) *opt_score = score;
  return k;
}

int
tff_result_Top(const TFF_RESULT *R, int q, int k, int *fam, double *opt_score)
{
  const TFF_RESULT_QUERY *Q = &R->q[q];
  const double *score = Q->comb_prob ? Q->comb_prob : Q->cnn_prob ? Q->cnn_prob : (Q->knn_call >= 0 ? Q->knn_share : NULL);
  int           n = 0;
  if (!score) return 0;
  for (int f = 0; f < R->nfam; f++) {    /* insertion into the k best so far */
    if (score == Q->knn_share && score[f] <= 0) continue;
    int at = n < k ? n : k;
    while (at > 0 && score[f] > score[fam[at - 1]]) at--;
    if (at >= k) continue;
    for (int j = (n < k ? n : k - 1); j > at; j--) fam[j] = fam[j - 1];
    fam[at] = f;
    if (n < k) n++;
  }
  if (opt_score) for (int j = 0; j < n; j++) opt_score[j] = score[fam[j]];
  return n;
}

int
tff_result_Confident(const TFF_RESULT *R, int q)
{
  double s;
  if (tff_result_Call(R, q, &s) < 0) return 0;
  return R->min_prob <= 0 || (isfinite(s) && s >= R->min_prob);
}

int
tff_result_Known(const TFF_RESULT *R, int q)
{
  double v = R->q[q].novelty;
  /* a threshold of 1 is "never" (-novelty 1): the logistic reaches 1.0 exactly in
   * double for a far-out motif (a 500-column query), which v >= 1 then abstained on */
  return !(isfinite(v) && isfinite(R->novelty_thresh) && R->novelty_thresh < 1.0 && v >= R->novelty_thresh);
}

int
tff_result_Partner(int call, int ref_y, int ref_y2, double evalue, double emax)
{
  if (call < 0 || ref_y < 0 || ref_y2 < 0 || ref_y == ref_y2 || !(emax > 0) || !(evalue <= emax)) return -1;
  return call == ref_y ? ref_y2 : call == ref_y2 ? ref_y : -1;
}

int
tff_result_SecondFamily(const TFF_RESULT *R, int q)
{
  const TFF_RESULT_QUERY *Q = &R->q[q];
  int                     call, k;
  if (!Q->comb_prob || (call = Q->comb_top[0]) < 0 || !tff_result_Known(R, q) || !tff_result_Confident(R, q)) return -1;
  if (Q->near_ref >= 0 && R->refy && R->refy2 &&
      (k = tff_result_Partner(call, R->refy[Q->near_ref], R->refy2[Q->near_ref], Q->near_evalue, R->partner_evalue)) >= 0) return k;
  k = Q->comb_top[1];
  return k >= 0 && isfinite(R->second_prob) && Q->comb_prob[k] >= R->second_prob ? k : -1;
}

int
tff_result_TwoFamilies(const TFF_RESULT *R, int q)
{
  return tff_result_SecondFamily(R, q) >= 0;
}

const char *
tff_result_CallName(const TFF_RESULT *R, int q)
{
  int k = tff_result_Call(R, q, NULL);
  if (k < 0) return NULL;
  if (!tff_result_Known(R, q)) return TFF_RESULT_NOKNOWN;
  if (!tff_result_Confident(R, q)) return TFF_RESULT_NOCALL;
  return R->fam[k];
}

const char *
tff_result_Flags(const TFF_RESULT *R, int q, char *buf)
{
  buf[0] = '\0';
  if (!tff_result_Significant(R, q)) strcat(buf, "not_significant");
  if (tff_result_TwoFamilies(R, q)) strcat(buf, buf[0] ? ",two_families" : "two_families");
  if (!buf[0]) strcpy(buf, ".");
  return buf;
}

int
tff_result_Significant(const TFF_RESULT *R, int q)
{
  double e = R->q[q].best_evalue;
  return !isfinite(e) || e <= R->nsig_evalue;
}

const char *
tff_result_Methods(const TFF_RESULT *R, char *buf)
{
  snprintf(buf, 32, "%s%s%s", (R->methods & tffRESULT_COMBINED) ? "combined " : "",
           (R->methods & tffRESULT_CNN) ? "cnn " : "", (R->methods & tffRESULT_KNN) ? "knn " : "");
  size_t n = strlen(buf);
  if (n > 0) buf[n - 1] = '\0';   /* the last space */
  return buf;
}

const char *
tff_result_FormatDate(const TFF_RESULT *R, char *buf)
{
  time_t    t = (time_t) R->when;
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(buf, 32, "%lld", (long long) R->when);
  return buf;
}

/*****************************************************************
 * 3. Unit tests
 *****************************************************************/
#ifdef tffRESULT_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_result_utest", NULL);
  char        errbuf[TFF_ERRBUFSIZE];
  char       *fam[3] = { "A fam", "B fam", "C fam" };
  TFF_RESULT *R = NULL;
  TFF_MOTIF  *m = NULL, *r0 = NULL;
  double      s;
  char        date[32];

  if (tff_result_Create(2, 3, fam, &R, errbuf) != tffOK) TFF_UFAIL("create");
  if (tff_motif_Create("q1", NULL, 3, &m, errbuf) != tffOK) TFF_UFAIL("motif");
  if (tff_motif_Create("r0", NULL, 3, &r0, errbuf) != tffOK) TFF_UFAIL("motif");
  R->q[0].motif = R->q[1].motif = m;
  int refy[1] = { 2 };
  if (tff_result_SetRefs(R, &r0, 1, refy, errbuf) != tffOK) TFF_UFAIL("refs");

  /* no method ran: no call */
  if (tff_result_Call(R, 0, &s) != -1 || !isnan(s)) TFF_UFAIL("no call");

  /* KNN only: call and its share; runner-up is the next share with votes */
  double share[3] = { 0.0, 2.0 / 3, 1.0 / 3 };
  if (tff_result_SetKNN(R, 0, 1, share, errbuf) != tffOK) TFF_UFAIL("knn");
  if (tff_result_Call(R, 0, &s) != 1 || fabs(s - 2.0 / 3) > 1e-12) TFF_UFAIL("knn call");
  if (tff_result_Second(R, 0, &s) != 2 || fabs(s - 1.0 / 3) > 1e-12) TFF_UFAIL("knn second");
  double share1[3] = { 0.0, 1.0, 0.0 };
  if (tff_result_SetKNN(R, 1, 1, share1, errbuf) != tffOK) TFF_UFAIL("knn");
  if (tff_result_Second(R, 1, &s) != -1) TFF_UFAIL("knn no second");
  if (tff_result_SetKNN(R, 1, 3, share1, errbuf) != tffEINVAL) TFF_UFAIL("knn range");

  /* CNN: top two, ties to the lower index; the CNN call wins over KNN */
  double p[3] = { 0.25, 0.25, 0.5 };
  if (tff_result_SetCNN(R, 0, p, errbuf) != tffOK) TFF_UFAIL("cnn");
  if (R->q[0].cnn_top[0] != 2 || R->q[0].cnn_top[1] != 0) TFF_UFAIL("cnn top");
  if (tff_result_Call(R, 0, &s) != 2 || s != 0.5) TFF_UFAIL("cnn call");
  if (tff_result_Second(R, 0, &s) != 0 || s != 0.25) TFF_UFAIL("cnn second");

  /* Top: the call's score vector; KNN shares only where > 0 */
  int    top[3];
  double tops[3];
  if (tff_result_Top(R, 1, 3, top, tops) != 1 || top[0] != 1 || tops[0] != 1.0) TFF_UFAIL("top knn");
  if (tff_result_Top(R, 0, 3, top, tops) != 3 || top[0] != 2 || top[1] != 0 || top[2] != 1 || tops[2] != 0.25) TFF_UFAIL("top cnn ties");
  if (tff_result_Top(R, 0, 1, top, NULL) != 1 || top[0] != 2) TFF_UFAIL("top 1");

  /* the combined model's call wins over the conv net's; -min-prob; -nsig-evalue */
  double pc[3] = { 0.6, 0.3, 0.1 };
  if (tff_result_SetCombined(R, 0, pc, errbuf) != tffOK) TFF_UFAIL("combined");
  tff_result_SetBestEvalue(R, 0, 0.5);
  if (tff_result_Call(R, 0, &s) != 0 || s != 0.6) TFF_UFAIL("combined call");
  if (tff_result_Second(R, 0, &s) != 1 || s != 0.3) TFF_UFAIL("combined second");
  if (tff_result_Top(R, 0, 2, top, tops) != 2 || top[0] != 0 || top[1] != 1) TFF_UFAIL("combined top");
  if (!tff_result_Confident(R, 0)) TFF_UFAIL("confident at min-prob 0");
  R->min_prob = 0.6;
  if (!tff_result_Confident(R, 0)) TFF_UFAIL("confident at equality");
  R->min_prob = 0.61;
  if (tff_result_Confident(R, 0)) TFF_UFAIL("not confident");
  if (!tff_result_Significant(R, 0) || !tff_result_Significant(R, 1)) TFF_UFAIL("significant");
  R->nsig_evalue = 0.1;
  if (tff_result_Significant(R, 0) || !tff_result_Significant(R, 1)) TFF_UFAIL("not significant / unknown");
  R->min_prob = 0; R->nsig_evalue = 1;

  /* neighbours: range checked */
  TFF_RESULT_NB nb[2] = { { 0, 1, -2, 3, 1e-5, 1e-3, 0 }, { 1, 0, 0, 3, 0.1, 1, 0 } };
  if (tff_result_SetNeighbours(R, 0, nb, 1, errbuf) != tffOK || R->q[0].nnb != 1 || R->q[0].nb[0].offset != -2) TFF_UFAIL("nb");
  if (tff_result_SetNeighbours(R, 0, nb, 2, errbuf) != tffEINVAL) TFF_UFAIL("nb range");

  /* a second family of the answer: the heterodimer partner (the first listed neighbour
   * r0 is "C fam::A fam", the call is A fam, E 1e-3) before the runner-up (B fam, 0.3) */
  if (tff_result_Partner(0, 2, 0, 1e-3, 1.0) != 2 || tff_result_Partner(2, 2, 0, 1.0, 1.0) != 0) TFF_UFAIL("partner");
  if (tff_result_Partner(1, 2, 0, 1e-3, 1.0) != -1 || tff_result_Partner(0, 0, 0, 1e-3, 1.0) != -1 || tff_result_Partner(0, 2, -1, 1e-3, 1.0) != -1 ||
      tff_result_Partner(0, 2, 0, 2.0, 1.0) != -1 || tff_result_Partner(0, 2, 0, 1e-3, NAN) != -1 || tff_result_Partner(0, 2, 0, NAN, 1.0) != -1 ||
      tff_result_Partner(-1, 2, 0, 1e-3, 1.0) != -1 || tff_result_Partner(0, 2, 0, 0.0, 0.0) != -1) TFF_UFAIL("no partner");   /* emax 0: never, even at E = 0 */
  if (tff_result_SetNearest(R, 0, 0, 1e-3, errbuf) != tffOK || tff_result_SetNearest(R, 0, 1, 1e-3, errbuf) != tffEINVAL) TFF_UFAIL("nearest");
  if (tff_result_SecondFamily(R, 0) != -1 || tff_result_TwoFamilies(R, 0)) TFF_UFAIL("second family with -second-prob and -partner-evalue unset");
  R->second_prob = 0.25;
  if (tff_result_SecondFamily(R, 0) != 1 || !tff_result_TwoFamilies(R, 0)) TFF_UFAIL("runner-up at 0.3 >= 0.25");
  R->partner_evalue = 1.0;
  if (tff_result_SecondFamily(R, 0) != 1) TFF_UFAIL("r0 has one family: no partner");
  int refy2[1] = { 0 };
  if (tff_result_SetRefs2(R, refy2, errbuf) != tffOK) TFF_UFAIL("refs2");
  if (tff_result_SecondFamily(R, 0) != 2 || tff_result_Second(R, 0, &s) != 2 || s != 0.1) TFF_UFAIL("the partner before the runner-up");
  R->partner_evalue = 1e-4;
  if (tff_result_SecondFamily(R, 0) != 1 || tff_result_Second(R, 0, &s) != 1 || s != 0.3) TFF_UFAIL("E above -partner-evalue: the runner-up");
  R->partner_evalue = 1.0;
  R->min_prob = 0.7;
  if (tff_result_SecondFamily(R, 0) != -1) TFF_UFAIL("no confident family: no second family of the answer");
  R->min_prob = 0.0;
  R->q[0].novelty = 0.9; R->novelty_thresh = 0.5;
  if (tff_result_SecondFamily(R, 0) != -1 || tff_result_Second(R, 0, &s) != 1) TFF_UFAIL("no known family: no second family of the answer");
  R->q[0].novelty = NAN; R->novelty_thresh = NAN; R->second_prob = NAN; R->partner_evalue = NAN;

  /* importance */
  double imp[3] = { 0.1, -0.2, 0.3 };
  if (tff_result_SetImportance(R, 0, imp, errbuf) != tffOK || R->q[0].importance[1] != -0.2) TFF_UFAIL("importance");

  /* SOURCE_DATE_EPOCH */
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  if (tff_result_SetDate(R, errbuf) != tffOK || R->when != 1700000000) TFF_UFAIL("date");
  if (strcmp(tff_result_FormatDate(R, date), "2023-11-14T22:13:20Z") != 0) TFF_UFAIL("%s", date);
  setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
  if (tff_result_SetDate(R, errbuf) != tffEINVAL || strstr(errbuf, "SOURCE_DATE_EPOCH") == NULL) TFF_UFAIL("bad date");
  unsetenv("SOURCE_DATE_EPOCH");
  if (tff_result_SetDate(R, errbuf) != tffOK || R->when < 1700000000) TFF_UFAIL("now");

  if (tff_result_SetString(&R->version, "1.0", errbuf) != tffOK || strcmp(R->version, "1.0")) TFF_UFAIL("string");
  if (tff_result_SetString(&R->version, NULL, errbuf) != tffOK || R->version != NULL) TFF_UFAIL("string null");

  tff_result_Destroy(R);
  tff_motif_Destroy(m);
  tff_motif_Destroy(r0);
  tff_result_Destroy(NULL);
  return tff_utest_Done();
}
#endif /* tffRESULT_TESTDRIVE */
