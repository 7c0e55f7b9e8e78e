/* tffam-ig: Integrated Gradients importance profiles of motifs under a conv net model.
 *
 *   tffam-ig [options] <motif file>                    profiles (TSV on stdout)
 *   tffam-ig [options] -eval-cores <labels> <motifs>   the thesis's Fig. 4 as numbers
 *
 * doc/ig.md describes the method, the outputs and the evaluation.
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_cnn.h"
#include "tff_ig.h"
#include "tff_io.h"
#include "tff_labels.h"
#include "tff_level.h"
#include "tff_model.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_util.h"

static const char usage[]   = "tffam-ig [options] <motif file>";
static const char purpose[] =
  "Integrated Gradients (doc/ig.md): per-position importance of each motif for the conv net's\n"
  "predicted family (or -family), baseline the uniform 0.25 matrix, output the family's logit.";

static const TFF_OPTDEF ig_opts[] = {
  { "model",      tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   NULL, NULL, "conv net model; default: $TFFAM_MODEL, else the model of tffam -level class20 (models/class20/MANIFEST, found as tffam finds it)" },
  { "family",     tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<name>",   NULL, NULL, "explain this family (a model family name) instead of the predicted one" },
  { "steps",      tffOPT_INT,    "50",       "1",  "100000", NULL, "<n>",   NULL, NULL, "interpolation steps" },
  { "rule",       tffOPT_STRING, "midpoint", NULL, NULL,  "midpoint|trapezoid", "<rule>", NULL, NULL, "numerical integration rule" },
  { "target",     tffOPT_STRING, "logit",    NULL, NULL,  "logit|prob", "<out>", NULL, NULL, "output explained: the family's logit or its softmax probability" },
  { "cells",      tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   NULL, NULL, "also write every cell's attribution (motif, position, letter) as TSV" },
  { "eval-cores", tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<labels>", NULL, "family,cells: -eval-cores explains the predicted family and writes no cells", "evaluation: share of importance on the bHLH CANNTG and homeodomain TAAT cores of correctly predicted motifs" },
  TFF_OPTS_VERBOSITY("1: errors only; 2: also warnings (-eval-cores: a core family that no labelled motif or the model has)"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

/* The consensus cores of the evaluation (thesis Fig. 4). */
static const struct { const char *family, *pattern; } cores[] = {
  { "Basic helix-loop-helix factors (bHLH)", "CANNTG" },
  { "Homeo domain factors",                  "TAAT"   },
};
#define NCORES ((int) (sizeof cores / sizeof cores[0]))

/* Write n bytes to path atomically: a failed write leaves an existing file as it was. */
static int
write_file(const char *path, const char *s, size_t n, char *errbuf)
{
  TFF_OUTFILE of;                 /* atomic for a regular file: a failed write leaves an existing one as it was */
  int         status;

  TFF_CHECK(tff_outfile_Open(path, &of, errbuf));
  if (fwrite(s, 1, n, of.fp) != n) {
    int e = errno, in_place = of.in_place;
    tff_outfile_Abort(&of);
    TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s%s", path, strerror(e), in_place ? "" : "; nothing written");
  }
  TFF_CHECK(tff_outfile_Commit(&of, errbuf));
  return tffOK;
 ERROR:
  return status;
}

static int
model_family(const TFF_MODEL *M, const char *name)
{
  for (int k = 0; k < M->nfam; k++) if (strcmp(M->fam[k], name) == 0) return k;
  return -1;
}

/* Profiles of every motif: one row per motif; -cells: one row per cell. */
static int
run_profiles(const TFF_MODEL *M, const TFF_MOTIFSET *set, int fam, const TFF_IG_OPTS *o, const char *cells_path, char *errbuf)
{
  TFF_IG_WS *ws = NULL;
  TFF_BUF    out = { 0 }, cells = { 0 };
  double    *attr = NULL, *imp = NULL;
  int        status, maxw = 1;

  for (int i = 0; i < set->n; i++) if (set->m[i]->w > maxw) maxw = set->m[i]->w;
  TFF_CHECK(tff_ig_WsCreate(M->net, maxw, &ws, errbuf));
  TFF_CALLOC(attr, (size_t) maxw * 4, sizeof(double));
  TFF_CALLOC(imp,  (size_t) maxw, sizeof(double));
  TFF_CHECK(tff_buf_Printf(&out, errbuf, "motif_id\tfamily\ttarget\tf_motif\tf_baseline\tattribution_sum\timportance\n"));
  if (cells_path) TFF_CHECK(tff_buf_Printf(&cells, errbuf, "motif_id\tfamily\tposition\tA\tC\tG\tT\n"));
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    int    f;
    double fx, fb, sum = 0.0;
    TFF_CHECK(tff_ig_Attribute(M->net, ws, m, fam, o, attr, &f, &fx, &fb, errbuf));
    tff_ig_Profile(attr, m->w, imp);
    for (int k = 0; k < m->w * 4; k++) sum += attr[k];
    TFF_CHECK(tff_buf_Printf(&out, errbuf, "%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t", m->id, M->fam[f],
                             o->target == tffIG_PROB ? "prob" : "logit", fx, fb, sum));
    for (int t = 0; t < m->w; t++) {   /* a small negative: "0.0000", as tffam.tsv's Importance writes it */
      char num[32];
      TFF_CHECK(tff_buf_Printf(&out, errbuf, "%s%s", t ? "," : "", tff_FormatF(num, imp[t], 4)));
    }
    TFF_CHECK(tff_buf_Printf(&out, errbuf, "\n"));
    if (cells_path)
      for (int t = 0; t < m->w; t++)
        TFF_CHECK(tff_buf_Printf(&cells, errbuf, "%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%.6g\n", m->id, M->fam[f], t + 1,
                                 attr[t * 4], attr[t * 4 + 1], attr[t * 4 + 2], attr[t * 4 + 3]));
  }
  /* everything computed: now write (no partial output on error) */
  if (cells_path) TFF_CHECK(write_file(cells_path, cells.s, cells.n, errbuf));
  fwrite(out.s, 1, out.n, stdout);   /* a short write shows in ferror: */
  TFF_CHECK(tff_FlushStdout(errbuf));
  status = tffOK;
 ERROR:
  tff_buf_Free(&out); tff_buf_Free(&cells);
  free(attr); free(imp);
  tff_ig_WsDestroy(ws);
  return status;
}

/* Fig. 4 as numbers: per core family, the mean share of |importance| on the core. */
static int
run_eval(const TFF_MODEL *M, const TFF_MOTIFSET *set, const char *labels_path, const TFF_IG_OPTS *o, int verbosity, char *errbuf)
{
  TFF_LABELS *L  = NULL;
  TFF_IG_WS  *ws = NULL;
  TFF_BUF     out = { 0 };
  double     *attr = NULL, *imp = NULL;
  int         status, maxw = 1;

  TFF_CHECK(tff_labels_Read(labels_path, set, 0, &L, errbuf));
  for (int i = 0; i < set->n; i++) if (set->m[i]->w > maxw) maxw = set->m[i]->w;
  TFF_CHECK(tff_ig_WsCreate(M->net, maxw, &ws, errbuf));
  TFF_CALLOC(attr, (size_t) maxw * 4, sizeof(double));
  TFF_CALLOC(imp,  (size_t) maxw, sizeof(double));
  TFF_CHECK(tff_buf_Printf(&out, errbuf, "family\tcore\tmotifs\tcorrect\twith_core\tcore_share\texpected_share\tenrichment\tletter_share\texpected_letter_share\tcore_profile\n"));
  for (int c = 0; c < NCORES; c++) {
    int    fm = model_family(M, cores[c].family), nmot = 0, ncorr = 0, ncore = 0, L0 = (int) strlen(cores[c].pattern), nfix = 0;
    double sh = 0.0, ex = 0.0, lsh = 0.0, lex = 0.0, prof[64] = { 0 };
    for (int k = 0; k < L0; k++) if (cores[c].pattern[k] != 'N') nfix++;
    for (int i = 0; i < set->n; i++) {
      const TFF_MOTIF *m = set->m[i];
      int    f, start, strand;
      double fx, fb;
      if (L->y[i] < 0 || strcmp(L->fam[L->y[i]], cores[c].family) != 0) continue;
      nmot++;
      if (fm < 0) continue;
      TFF_CHECK(tff_ig_Attribute(M->net, ws, m, -1, o, attr, &f, &fx, &fb, errbuf));
      if (f != fm) continue;
      ncorr++;
      if ((start = tff_ig_FindCore(m, cores[c].pattern, &strand)) < 0) continue;
      tff_ig_Profile(attr, m->w, imp);
      double s = tff_ig_CoreShare(imp, m->w, start, L0);
      if (isnan(s)) continue;
      ncore++;
      sh += s;
      ex += (double) L0 / m->w;
      /* the fixed letters only (C, A, T, G of CANNTG) */
      double in = 0.0, tot = 0.0;
      for (int t = 0; t < m->w; t++) tot += fabs(imp[t]);
      for (int k = 0; k < L0; k++) {
        char p = strand ? cores[c].pattern[L0 - 1 - k] : cores[c].pattern[k];
        if (p != 'N') in += fabs(imp[start + k]);
        /* |importance| share at each pattern position, read on the pattern's strand */
        prof[strand ? L0 - 1 - k : k] += fabs(imp[start + k]) / tot;
      }
      lsh += in / tot;
      lex += (double) nfix / m->w;
    }
    /* a row that is NA because of the labels or the model, not the motifs: say so
     * (family-level labels, such as "bHLH-ZIP factors", name no core family) */
    if (verbosity >= 2 && nmot == 0)
      fprintf(stderr, "tffam-ig: warning: -eval-cores %s: no motif has the family \"%s\" (core %s), so its row is NA; "
                      "the core families are the class names of the 20-class labels (doc/ig.md)\n", labels_path, cores[c].family, cores[c].pattern);
    else if (verbosity >= 2 && fm < 0)
      fprintf(stderr, "tffam-ig: warning: -eval-cores: the model has no family \"%s\" (core %s), so none of the %d motifs labelled with it is predicted correctly and its row is NA\n",
              cores[c].family, cores[c].pattern, nmot);
    if (ncore) { sh /= ncore; ex /= ncore; lsh /= ncore; lex /= ncore; }
    TFF_CHECK(tff_buf_Printf(&out, errbuf, "%s\t%s\t%d\t%d\t%d\t", cores[c].family, cores[c].pattern, nmot, ncorr, ncore));
    if (ncore == 0)   /* no motif to average over: NA, as tffam-eval and the TSV reports write a value that does not exist */
      TFF_CHECK(tff_buf_Printf(&out, errbuf, "NA\tNA\tNA\tNA\tNA\tNA"));
    else {
      TFF_CHECK(tff_buf_Printf(&out, errbuf, "%.4f\t%.4f\t%.3f\t%.4f\t%.4f\t", sh, ex, sh / ex, lsh, lex));
      for (int k = 0; k < L0; k++) TFF_CHECK(tff_buf_Printf(&out, errbuf, "%s%.4f", k ? "," : "", prof[k] / ncore));
    }
    TFF_CHECK(tff_buf_Printf(&out, errbuf, "\n"));
  }
  fwrite(out.s, 1, out.n, stdout);   /* a short write shows in ferror: */
  TFF_CHECK(tff_FlushStdout(errbuf));
  status = tffOK;
 ERROR:
  tff_buf_Free(&out);
  free(attr); free(imp);
  tff_ig_WsDestroy(ws);
  tff_labels_Destroy(L);
  return status;
}

int
main(int argc, char **argv)
{
  char          errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS     *opts = NULL;
  TFF_MODEL    *M    = NULL;
  TFF_MOTIFSET *set  = NULL;
  TFF_IG_OPTS   o;
  int           status = tffOK, fam = -1;
  const char   *model_path, *envm = getenv("TFFAM_MODEL");
  TFF_LEVEL    *lev = NULL;           /* the default model's level (no -model, no $TFFAM_MODEL) */

  if ((status = tff_opts_Parse(ig_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-ig: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, ig_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, ig_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_NArgs(opts) != 1) TFF_FAIL(tffEUSAGE, errbuf, "expected one motif file, got %d arguments", tff_opts_NArgs(opts));
  TFF_CHECK(tff_opts_Verify(opts, errbuf));

  tff_ig_DefaultOpts(&o);
  o.steps  = tff_opts_GetInt(opts, "steps");
  o.rule   = strcmp(tff_opts_GetString(opts, "rule"), "trapezoid") == 0 ? tffIG_TRAPEZOID : tffIG_MIDPOINT;
  o.target = strcmp(tff_opts_GetString(opts, "target"), "prob") == 0 ? tffIG_PROB : tffIG_LOGIT;

  /* -model, else $TFFAM_MODEL, else the default model where tffam finds it
   * ($TFFAM_DATA_DIR, the installed data directory, ../etc beside the program) */
  if (tff_opts_IsSet(opts, "model")) model_path = tff_opts_GetString(opts, "model");
  else if (envm && *envm)            model_path = envm;
  else {   /* the 20-class level's model (the thesis's), its crc32 checked against the manifest */
    TFF_CHECK(tff_level_Open("class20", &lev, errbuf));
    if (!tff_IsFile(lev->model))
      TFF_FAIL(tffENOTFOUND, errbuf, "cannot open the default model: %s not found (is TFFAM_DATA_DIR right? or give -model)",
               lev->layout == tffLEVEL_NONE ? lev->manifest : lev->model);
    TFF_CHECK(tff_level_Verify(lev, lev->model, errbuf));
    model_path = lev->model;
  }
  if (tff_opts_IsSet(opts, "cells")) {   /* before any work: -cells must not replace a file the run reads */
    const char *in[2] = { tff_opts_Arg(opts, 0), model_path };
    TFF_CHECK(tff_outfile_Check("cells", tff_opts_GetString(opts, "cells"), in, 2, errbuf));
  }
  TFF_CHECK(tff_model_Read(model_path, &M, errbuf));
  if (tff_opts_IsSet(opts, "family") && (fam = model_family(M, tff_opts_GetString(opts, "family"))) < 0)
    TFF_FAIL(tffENOTFOUND, errbuf, "family \"%s\" is not in model %s", tff_opts_GetString(opts, "family"), model_path);
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  if (set->n == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no motifs", tff_opts_Arg(opts, 0));

  if (tff_opts_IsSet(opts, "eval-cores")) TFF_CHECK(run_eval(M, set, tff_opts_GetString(opts, "eval-cores"), &o, tff_opts_GetInt(opts, "verbosity"), errbuf));
  else TFF_CHECK(run_profiles(M, set, fam, &o, tff_opts_IsSet(opts, "cells") ? tff_opts_GetString(opts, "cells") : NULL, errbuf));
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam-ig: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, ig_opts);
 DONE:
  tff_level_Destroy(lev);
  tff_motifset_Destroy(set);
  tff_model_Destroy(M);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
