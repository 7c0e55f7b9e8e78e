/* tffam-combine: family calls of the combined model (network + KNN evidence),
 * with top-k families, abstention and a "not significant" flag.
 *
 *   tffam-combine [options] <motif file>
 *
 * For every query motif: the combined model's probabilities over the families
 * (tff_combine_Classify: the query against the reference motifs under ed,
 * pearson and sandelin, and under the combiner's extra_metric if it names one
 * (the shipped combiners: kullback), the networks' mean probabilities, the
 * shipped combiner),
 * written as one TSV row:
 *   Query_ID  Call  Probability  Top_Families  Best_Evalue  Flags
 *   Second_Family  Second_Probability
 * Call is the most probable family, "no_known_family" (the novelty model), or
 * "no_confident_family" when its probability is below -min-prob. Top_Families
 * lists the -top-k most probable families as "family:probability" joined by
 * "; ". Best_Evalue is the smallest
 * E-value of any reference motif under ed, pearson or sandelin (p x number of reference
 * motifs); Flags is "not_significant" when it is above -nsig-evalue (even the
 * nearest reference motif is not a significant match: the TF may belong to a
 * family the model does not know) and "two_families" when the answer has a
 * second family, comma-separated, "." for none. Second_Family and
 * Second_Probability are tffam.tsv's (tff_result_Second): the answer's second
 * family with two_families, otherwise the runner-up. After the rows, a blank
 * line and two lines of tffam.tsv's footer: '# combined model:' (the combiner
 * file that made the calls, -combiner's or the level's, and its CRC-32) and
 * '# level:' (the -level, with the combiner's own level when -combiner is not
 * the -level's file, and the settings that decided the calls: -top-k,
 * -min-prob, -nsig-evalue, -novelty: the threshold in effect, NA without a
 * novelty model, -second-prob, -partner-evalue).
 *
 * -truth <tsv> (columns id and a family column, several families joined by
 * "::", as JASPAR's dimers) adds a multi-label evaluation: the answer set of a
 * motif is every family with probability >= -multi-prob (at least the call);
 * printed on stderr as counts (how often every true family is in the answer,
 * how often the call is one of them).
 *
 * Level: -level picks the shipped combiner, its networks and the reference set
 * they go with, from the level's manifest (models/LEVEL/MANIFEST, tff_level.h):
 * the same table of levels as tffam's.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_combine.h"
#include "tff_compare.h"
#include "tff_io.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_level.h"
#include "tff_model.h"
#include "tff_opts.h"
#include "tff_report.h"
#include "tff_result.h"
#include "tff_util.h"

static const TFF_OPTDEF combine_opts[] = {
  { "level",       tffOPT_STRING, TFF_LEVEL_DEFAULT, NULL, NULL, TFF_LEVEL_CHOICES, "<l>", NULL, NULL, "TFClass level: class (every class JASPAR 2024 knows), class20 (the thesis's 20 classes), family (every TFClass family with >= 5 JASPAR motifs) or family30 (the thesis set's 30 families)" },
  { "novelty",     tffOPT_REAL,   NULL,    "0",  "1",  NULL, "<p>",    NULL, NULL, "no_known_family when the novelty model's probability is at least <p>; default: the combiner's threshold (1: never)" },
  { "second-prob", tffOPT_REAL,   "1",     "0",  "1",  NULL, "<p>",    NULL, NULL, "flag two_families also when the runner-up's probability is at least <p> (above 0.5: never; as tffam)" },
  { "partner-evalue", tffOPT_REAL, "1",    "0",  NULL, NULL, "<E>",    NULL, NULL, "flag two_families also when the nearest reference motif (ed) is a two-family motif holding the call, at E-value <= <E>: its other family is the second (as tffam; 0: never)" },
  { "top-k",       tffOPT_INT,    "3",     "1",  "1000", NULL, "<k>",  NULL, NULL, "families listed per motif" },
  { "min-prob",    tffOPT_REAL,   "0",     "0",  "1",  NULL, "<p>",    NULL, NULL, "abstain (no_confident_family) when the best probability is below <p>" },
  { "nsig-evalue", tffOPT_REAL,   "1",     "0",  NULL, NULL, "<E>",    NULL, NULL, "flag not_significant when the best reference match has E-value above <E>" },
  { "truth",       tffOPT_STRING, NULL,    NULL, NULL, NULL, "<tsv>",  NULL, NULL, "true families (several joined by '::') for a multi-label evaluation on stderr" },
  { "multi-prob",  tffOPT_REAL,   "0.1",   "0",  "1",  NULL, "<p>",    "truth: -multi-prob sets how the answers are scored against -truth", NULL, "-truth: families with at least this probability form the answer" },
  { "model",       tffOPT_LIST,   NULL,    NULL, NULL, NULL, "<file>", NULL, NULL, "network model; repeat for an ensemble (default: the networks the combiner names)" },
  { "combiner",    tffOPT_STRING, NULL,    NULL, NULL, NULL, "<file>", NULL, NULL, "combiner file (default: the shipped one of the level)" },
  { "ref",         tffOPT_STRING, NULL,    NULL, NULL, NULL, "<file>", "ref-labels: a reference set needs its families", NULL, "reference motifs (default: the bundled JASPAR 2024 set of the -level)" },
  { "ref-labels",  tffOPT_STRING, NULL,    NULL, NULL, NULL, "<tsv>",  "ref: they are the families of the -ref motifs", NULL, "their families (default: the bundled labels of the level)" },
  { "exclude-self", tffOPT_FLAG,  NULL,    NULL, NULL, NULL, NULL,     NULL, NULL, "skip a reference motif with the query's id" },
  TFF_OPTS_THREADS("threads (0: all cores, or OMP_NUM_THREADS)"),
  TFF_OPTS_VERBOSITY("1: errors only (the -truth evaluation is printed at any level); 2: warnings"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
static const char *usage   = "tffam-combine [options] <motif file>";
static const char *purpose = "Family calls of the combined model (network + nearest-neighbour evidence), with top-k families,\n"
                             "abstention below a probability, and a flag when no reference motif matches significantly.";

/* The option's value, else the level's file, which must exist (its crc32 is
 * checked against the level's manifest). */
static int
pick_path(const TFF_OPTS *opts, const char *opt, const TFF_LEVEL *lev, const char *lev_path, char **ret, char *errbuf)
{
  int status;
  *ret = NULL;
  if (opt && tff_opts_IsSet(opts, opt)) {
    if ((*ret = tff_Strdup(tff_opts_GetString(opts, opt))) == NULL) return tff_Fail(errbuf, tffEMEM, "out of memory");
    return tffOK;
  }
  if (lev->layout == tffLEVEL_NONE)
    TFF_FAIL(tffENOTFOUND, errbuf, "cannot find the shipped files of -level %s: %s not found (is TFFAM_DATA_DIR right?)", lev->def->name, lev->manifest);
  if (!tff_IsFile(lev_path))
    TFF_FAIL(tffENOTFOUND, errbuf, "cannot find the shipped file %s of -level %s (is TFFAM_DATA_DIR right?)", lev_path, lev->def->name);
  TFF_CHECK(tff_level_Verify(lev, lev_path, errbuf));
  if ((*ret = tff_Strdup(lev_path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  return tffOK;
 ERROR:
  return status;
}

typedef struct { int n; long all_found, call_in, ndistinct2, both2_found, top2_both; } MULTI;

/* The families of a -truth label, "A::B::C" (JASPAR's dimers): a copy of the
 * label in *ret_buf with each "::" cut, and *ret_part[0..*ret_n-1] pointing at
 * the parts, in order (the caller frees both). Any length, any number of parts.
 * Returns tffOK or tffEMEM. */
static int
truth_split(const char *label, char **ret_buf, char ***ret_part, int *ret_n, char *errbuf)
{
  char  *buf = NULL, **part = NULL, *p, *e;
  int    n = 1, k = 0, status;

  for (const char *q = label; (q = strstr(q, "::")) != NULL; q += 2) n++;
  if ((buf = tff_Strdup(label)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_CALLOC(part, (size_t) n, sizeof *part);
  for (p = buf; ; p = e + 2) {
    part[k++] = p;
    if ((e = strstr(p, "::")) == NULL) break;
    *e = '\0';
  }
  *ret_buf = buf; *ret_part = part; *ret_n = n;
  return tffOK;
 ERROR:
  free(buf); free(part);
  *ret_buf = NULL; *ret_part = NULL; *ret_n = 0;
  return status;
}

/* Multi-label evaluation of one query: truth "A::B" (families of C by name). */
static int
multi_eval(const char *truth, const TFF_COMBINER *C, const double *prob, int call, double thresh, MULTI *S, char *errbuf)
{
  char  *buf = NULL, **name = NULL;
  int   *tf = NULL, np, nt = 0, all = 1, callin = 0, second = -1, status;

  TFF_CHECK(truth_split(truth, &buf, &name, &np, errbuf));
  TFF_CALLOC(tf, (size_t) np, sizeof *tf);
  for (int j = 0; j < np; j++) {
    int f = tff_combine_FamilyIndex(C, name[j]), dup = 0;
    /* the same family twice ("A::A") is one; two names the model does not have (index -1) are two */
    for (int k = 0; k < nt; k++) dup |= strcmp(name[k], name[j]) == 0 || (f >= 0 && tf[k] == f);
    if (!dup) { name[nt] = name[j]; tf[nt++] = f; }
  }
  for (int f = 0; f < C->nfam; f++) if (f != call && (second < 0 || prob[f] > prob[second])) second = f;
  for (int k = 0; k < nt; k++) {
    int in = tf[k] >= 0 && (tf[k] == call || prob[tf[k]] >= thresh);
    all &= in;
    callin |= tf[k] == call;
  }
  S->n++;
  S->all_found += all;
  S->call_in += callin;
  if (nt == 2) {
    S->ndistinct2++;
    S->both2_found += all;
    S->top2_both += (tf[0] == call || tf[0] == second) && (tf[1] == call || tf[1] == second);
  }
  status = tffOK;
 ERROR:
  free(buf); free(name); free(tf);
  return status;
}

int
main(int argc, char **argv)
{
  char          errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS     *opts = NULL;
  TFF_MOTIFSET *qs = NULL, *refs = NULL;
  TFF_LABELS   *L = NULL, *TL = NULL;
  TFF_MODEL   **M = NULL;
  int           nmodel = 0;
  TFF_COMBINER *C = NULL;
  TFF_RESULT   *R = NULL;
  TFF_KNN_CFG   cfg;
  char         *comb_path = NULL, *ref_path = NULL, *lab_path = NULL, **truth = NULL, comb_crc[9] = "";
  double       *prob = NULL, *bestp = NULL, *novelty = NULL, *near_e = NULL, minp, nsig;
  int          *near = NULL, *refy = NULL, *refy2 = NULL, status = tffOK, topk;
  TFF_LEVEL    *lev = NULL;
  MULTI         S = { 0, 0, 0, 0, 0, 0 };

  if ((status = tff_opts_Parse(combine_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-combine: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, combine_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, combine_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_NArgs(opts) != 1) TFF_FAIL(tffEUSAGE, errbuf, "expected one motif file, got %d arguments", tff_opts_NArgs(opts));
  TFF_CHECK(tff_opts_Verify(opts, errbuf));
  topk = tff_opts_GetInt(opts, "top-k");
  minp = tff_opts_GetReal(opts, "min-prob");
  nsig = tff_opts_GetReal(opts, "nsig-evalue");

  TFF_CHECK(tff_level_Open(tff_opts_GetString(opts, "level"), &lev, errbuf));
  if (lev->layout == tffLEVEL_FLAT && tff_opts_GetInt(opts, "verbosity") >= 2)
    fprintf(stderr, "tffam-combine: warning: %s not found: reading the level's files in the flat layout of tffam 0.1, "
                    "which a later release will not read (doc/data-layout.md)\n", lev->manifest);
  TFF_CHECK(pick_path(opts, "combiner",   lev, lev->combiner, &comb_path, errbuf));
  TFF_CHECK(pick_path(opts, "ref",        lev, lev->ref,      &ref_path,  errbuf));
  TFF_CHECK(pick_path(opts, "ref-labels", lev, lev->labels,   &lab_path,  errbuf));
  TFF_CHECK(tff_combine_Read(comb_path, &C, comb_crc, errbuf));   /* its CRC-32 for the table's footer, as tffam.tsv has it */
  if (!C->novel_use && tff_opts_IsSet(opts, "novelty") && tff_opts_GetInt(opts, "verbosity") >= 2)
    fprintf(stderr, "tffam-combine: warning: -novelty: the combiner %s has no novelty model (those of -level class and family have one); "
                    "no call is no_known_family\n", comb_path);
  {
    char **given = NULL;
    int    ng = tff_opts_GetList(opts, "model", &given);
    int    n  = ng > 0 ? ng : (C->nnet > 0 ? C->nnet : 1);
    TFF_CALLOC(M, (size_t) n, sizeof(TFF_MODEL *));
    for (int k = 0; k < n; k++) {
      char *path = NULL;
      if (ng > 0)           { if ((path = tff_Strdup(given[k])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory"); }
      else if (C->nnet > 0) { /* beside the combiner, else shipped; the shipped combiner's networks are its manifest's */
        TFF_CHECK(tff_level_NetworkPath(comb_path, C->net[k], &path, errbuf));
        if (!tff_IsFile(path)) { status = tff_Fail(errbuf, tffENOTFOUND, "cannot open network %s named by the combiner %s", C->net[k], comb_path); free(path); goto ERROR; }
        if (!tff_opts_IsSet(opts, "combiner") && (status = tff_level_VerifyNetworks(lev, &path, 1, errbuf)) != tffOK) { free(path); goto ERROR; }
      }
      else if ((status = pick_path(opts, NULL, lev, lev->model, &path, errbuf)) != tffOK) goto ERROR;
      status = tff_model_Read(path, &M[k], errbuf);
      free(path);
      if (status != tffOK) goto ERROR;
      nmodel = k + 1;
    }
  }
  /* its k-mer model (feature kmer_logp): beside the combiner, else shipped, as the networks; the shipped combiner's is its manifest's */
  TFF_CHECK(tff_combine_ReadKmer(C, comb_path, tff_opts_IsSet(opts, "combiner") ? NULL : lev, errbuf));
  TFF_CHECK(tff_io_ReadMotifs(ref_path, &refs, errbuf));
  TFF_CHECK(tff_labels_Read(lab_path, refs, TFF_LABELS_MULTI, &L, errbuf));
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &qs, errbuf));
  /* as tffam: the comparison skips queries wider than Tomtom's limit, so their call rests on the networks */
  for (int i = 0; i < qs->n && tff_opts_GetInt(opts, "verbosity") >= 2; i++)
    if (qs->m[i]->w > TFF_CMP_MAX_QUERY_W)
      fprintf(stderr, "tffam-combine: warning: query %s is wider than %d columns: not compared with the reference motifs (no neighbours)\n",
              qs->m[i]->id, TFF_CMP_MAX_QUERY_W);
  if (tff_opts_IsSet(opts, "truth")) {
    TFF_CHECK(tff_labels_Read(tff_opts_GetString(opts, "truth"), qs, TFF_LABELS_ALLOW_EXTRA, &TL, errbuf));
    TFF_CALLOC(truth, (size_t) qs->n + 1, sizeof(char *));
    int         nunknown = 0;
    const char *first_unknown = NULL;
    for (int i = 0; i < qs->n; i++) {
      const char *t = truth[i] = TL->fam[TL->y[i]];
      char       *buf, **part;
      int         np, unknown = 0, empty = 0;
      TFF_CHECK(truth_split(t, &buf, &part, &np, errbuf));
      for (int j = 0; j < np; j++) {   /* "A::B": no part empty ("A::" was two distinct families) */
        empty |= part[j][0] == '\0';
        if (tff_combine_FamilyIndex(C, part[j]) < 0) unknown = 1;
      }
      free(buf); free(part);
      if (empty)
        TFF_FAIL(tffEFORMAT, errbuf, "%s: motif %s: empty family in '%s' (families are joined by '::')", tff_opts_GetString(opts, "truth"), qs->m[i]->id, t);
      if (unknown && !first_unknown) first_unknown = t;
      nunknown += unknown;
    }
    /* A family the model does not have is never found: right for a motif of another class
     * (open world), but a typo looks the same; say how many and show one. */
    if (nunknown && tff_opts_GetInt(opts, "verbosity") >= 2)
      fprintf(stderr, "tffam-combine: warning: %s: %d %s a family the combined model does not have (e.g. '%s'); "
              "they count as never found\n", tff_opts_GetString(opts, "truth"), nunknown, nunknown == 1 ? "motif names" : "motifs name", first_unknown);
  }
  TFF_CALLOC(refy, (size_t) refs->n + 1, sizeof(int));
  TFF_CALLOC(refy2, (size_t) refs->n + 1, sizeof(int));
  for (int i = 0; i < refs->n; i++) {
    refy[i] = tff_combine_FamilyIndex(C, L->fam[L->y[i]]);
    if (refy[i] < 0) TFF_FAIL(tffEINCOMPAT, errbuf, "%s: family '%s' of %s is not one of the combiner's (%s)", lab_path, L->fam[L->y[i]], refs->m[i]->id, comb_path);
    refy2[i] = L->y2[i] >= 0 ? tff_combine_FamilyIndex(C, L->fam[L->y2[i]]) : -1;
    if (L->y2[i] >= 0 && refy2[i] < 0)
      TFF_FAIL(tffEINCOMPAT, errbuf, "%s: family '%s' of %s is not one of the combiner's (%s)", lab_path, L->fam[L->y2[i]], refs->m[i]->id, comb_path);
  }
  tff_knn_DefaultConfig(&cfg);
  cfg.nthreads = tff_opts_GetInt(opts, "threads");
  cfg.leave_one_out = tff_opts_GetFlag(opts, "exclude-self");
  cfg.bg = qs->bg;
  TFF_CALLOC(prob, (size_t) (qs->n + 1) * C->nfam, sizeof(double));
  TFF_CALLOC(bestp, (size_t) qs->n + 1, sizeof(double));
  TFF_CALLOC(novelty, (size_t) qs->n + 1, sizeof(double));
  TFF_CALLOC(near, (size_t) qs->n + 1, sizeof(int));
  TFF_CALLOC(near_e, (size_t) qs->n + 1, sizeof(double));
  TFF_CHECK(tff_combine_Classify(C, M, nmodel, qs->m, qs->n, refs->m, refs->n, refy, refy2, &cfg, prob, bestp, novelty, near, near_e, errbuf));

  /* the calls, decided and written as tffam decides them (tff_result, tff_report_WriteCalls) */
  TFF_CHECK(tff_result_Create(qs->n, C->nfam, C->fam, &R, errbuf));
  R->methods        = tffRESULT_COMBINED;
  TFF_CHECK(tff_result_SetString(&R->level, lev->def->name, errbuf));   /* the table's '# level:' line, as tffam.tsv's */
  /* and its '# combined model:' line: the combiner that made the calls (-combiner's own, or the level's) */
  TFF_CHECK(tff_result_SetString(&R->combiner_file, comb_path, errbuf));
  TFF_CHECK(tff_result_SetString(&R->combiner_checksum, comb_crc, errbuf));
  {   /* and the level of that combiner for the '# level:' line: -combiner's may be another level's */
    const char *owner = tff_opts_IsSet(opts, "combiner") ? tff_level_Owner(tffLEVEL_COMBINER, comb_crc) : lev->def->name;
    TFF_CHECK(tff_result_SetString(&R->model_level, owner ? owner : "", errbuf));
  }
  R->top_k          = topk;
  R->min_prob       = minp;
  R->nsig_evalue    = nsig;
  /* the threshold in effect, as tffam reports it: none without a novelty model (-novelty then applies to nothing) */
  R->novelty_thresh = !C->novel_use ? NAN : tff_opts_IsSet(opts, "novelty") ? tff_opts_GetReal(opts, "novelty") : C->novel_thresh;
  R->second_prob    = tff_opts_GetReal(opts, "second-prob");
  R->partner_evalue = tff_opts_GetReal(opts, "partner-evalue");   /* 0: never (tff_result_Partner) */
  TFF_CHECK(tff_result_SetRefs(R, refs->m, refs->n, refy, errbuf));   /* the heterodimer rule's families */
  TFF_CHECK(tff_result_SetRefs2(R, refy2, errbuf));
  for (int i = 0; i < qs->n; i++) {
    R->q[i].motif   = qs->m[i];
    R->q[i].novelty = C->novel_use ? novelty[i] : NAN;
    TFF_CHECK(tff_result_SetCombined(R, i, prob + (size_t) i * C->nfam, errbuf));
    tff_result_SetBestEvalue(R, i, bestp[i] * refs->n);
    TFF_CHECK(tff_result_SetNearest(R, i, near[i], near_e[i], errbuf));
  }
  TFF_CHECK(tff_report_WriteCalls(stdout, R, errbuf));
  if (truth)
    for (int i = 0; i < qs->n; i++) {
      const double *p = prob + (size_t) i * C->nfam;
      int           best = 0;
      for (int f = 1; f < C->nfam; f++) if (p[f] > p[best]) best = f;
      TFF_CHECK(multi_eval(truth[i], C, p, best, tff_opts_GetReal(opts, "multi-prob"), &S, errbuf));
    }
  if (truth)
    fprintf(stderr, "tffam-combine: multi-label (answer: call + families with probability >= %g): %d motifs; every true family found %ld (%.3f); "
                    "call is a true family %ld (%.3f); motifs with two distinct families %ld: both found %ld (%.3f), both in the top 2 %ld (%.3f)\n",
            tff_opts_GetReal(opts, "multi-prob"), S.n, S.all_found, S.n ? (double) S.all_found / S.n : 0.0, S.call_in, S.n ? (double) S.call_in / S.n : 0.0,
            S.ndistinct2, S.both2_found, S.ndistinct2 ? (double) S.both2_found / S.ndistinct2 : 0.0,
            S.top2_both, S.ndistinct2 ? (double) S.top2_both / S.ndistinct2 : 0.0);
  TFF_CHECK(tff_FlushStdout(errbuf));
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam-combine: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, combine_opts);
 DONE:
  tff_result_Destroy(R);
  free(prob); free(bestp); free(novelty); free(near); free(near_e); free(refy); free(refy2); free(truth);
  free(comb_path); free(ref_path); free(lab_path);
  tff_level_Destroy(lev);
  tff_combine_Destroy(C);
  for (int k = 0; k < nmodel; k++) tff_model_Destroy(M[k]);
  free(M);
  tff_labels_Destroy(L);
  tff_labels_Destroy(TL);
  tff_motifset_Destroy(qs);
  tff_motifset_Destroy(refs);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
