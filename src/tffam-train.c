/* tffam-train: train the family network on a labelled motif set, or
 * cross-validate it.
 *
 *   tffam-train [options] -o model <motif file> <labels.tsv>     train, write a model
 *   tffam-train [options] -cv K [-oc dir] <motif file> <labels.tsv>   K-fold CV
 *
 * doc/cnn.md describes the network, the options and how the shipped model is made.
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_cnn.h"
#include "tff_combine.h"
#include "tff_io.h"
#include "tff_labels.h"
#include "tff_metrics.h"
#include "tff_model.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_random.h"
#include "tff_train.h"
#include "tff_util.h"

static const TFF_OPTDEF train_opts[] = {
  { "o",            tffOPT_STRING, NULL,      NULL,  NULL,  NULL, "<file>",  NULL, "cv: -o and -cv are separate runs: give one of them", "train on all motifs and write the model to <file>" },
  { "info",         tffOPT_STRING, NULL,      NULL,  NULL,  NULL, "<model>", NULL, "o,cv: -info only reads a model file; training (-o) and cross-validation (-cv) are separate runs", "check a model file and print what it holds (no training)" },
  { "cv",           tffOPT_INT,    NULL,      "2",   "1000", NULL, "<K>",    NULL, NULL, "stratified K-fold cross-validation (the thesis: 5, 10, 20)" },
  { "oc",           tffOPT_STRING, NULL,      NULL,  NULL,  NULL, "<dir>",   "cv", NULL, "with -cv: write cv_folds.tsv, cv_families.tsv, cv_confusion.tsv, cv.html here (only those files in it are replaced; refused while another run writes it)" },
  { "oof",          tffOPT_STRING, NULL,      NULL,  NULL,  NULL, "<file>",  "cv", NULL, "with -cv: write out-of-fold probabilities (id, family, fold, one column per family)" },
  { "config",       tffOPT_STRING, "default", NULL,  NULL,  "default|thesis", "<name>", NULL, NULL, "starting configuration: shipped default, or the thesis text taken literally" },
  { "seed",         tffOPT_INT,    "1",       "0",   NULL,  NULL, "<n>",     NULL, NULL, "random seed (folds, validation split, initialisation, order)" },
  TFF_OPTS_THREADS("threads for -cv (0: OpenMP's default); results do not depend on it"),
  { "encoding",     tffOPT_STRING, NULL,      NULL,  NULL,  "prob|center|logodds|ic", "<enc>", NULL, NULL, "input encoding of motif columns (default: from -config)" },
  { "last-act",     tffOPT_STRING, NULL,      NULL,  NULL,  "relu|none", "<act>", NULL, NULL, "activation after the last convolution (default: from -config)" },
  { "minw",         tffOPT_INT,    NULL,      "0",   "1000", NULL, "<w>",    NULL, NULL, "pad motifs narrower than <w> with uniform columns (default: from -config)" },
  { "init",         tffOPT_STRING, NULL,      NULL,  NULL,  "torch|he", "<init>", NULL, NULL, "weight initialisation (default: from -config)" },
  { "class-weight", tffOPT_STRING, NULL,      NULL,  NULL,  "none|balanced|sqrt", "<w>", NULL, NULL, "per-family loss weights (default: from -config)" },
  { "lr",           tffOPT_REAL,   NULL,      "0",   "1",   NULL, "<x>",     NULL, NULL, "Adam learning rate (default: from -config)" },
  { "wd",           tffOPT_REAL,   NULL,      "0",   "1",   NULL, "<x>",     NULL, NULL, "weight decay (default: from -config)" },
  { "adamw",        tffOPT_FLAG,   NULL,      NULL,  NULL,  NULL, NULL,      NULL, NULL, "decoupled weight decay (AdamW) instead of L2 in the gradient" },
  { "patience",     tffOPT_INT,    NULL,      "1",   "1000", NULL, "<n>",    NULL, NULL, "early stopping: epochs without improvement (default: from -config)" },
  { "max-epochs",   tffOPT_INT,    NULL,      "1",   "100000", NULL, "<n>",  NULL, NULL, "stop after this many epochs (default: from -config)" },
  { "val-frac",     tffOPT_REAL,   NULL,      "0",   "0.5", NULL, "<x>",     NULL, NULL, "fraction of the training motifs held out for early stopping (default: from -config)" },
  { "val-split",    tffOPT_STRING, "strat",   NULL,  NULL,  "strat|stem", "<s>", NULL, NULL, "early-stopping split: stratified, or by gene-name stem (paralogs on one side; needs a name column in the label file; doc/combine.md)" },
  { "channels",     tffOPT_STRING, NULL,      NULL,  NULL,  NULL, "<a,b,c>", NULL, NULL, "hidden channels of the first layers (default: 16,16,20)" },
  TFF_TRAIN_AUGMENT_OPTS("training augmentation, a fresh draw each visit: none, all, or sample, trim, pad joined by '+' (doc/cnn.md)"),
  { "last-epoch",   tffOPT_FLAG,   NULL,      NULL,  NULL,  NULL, NULL,      NULL, NULL, "keep the parameters of the last epoch, not of the best one" },
  TFF_OPTS_VERBOSITY("1: errors only; 2: progress per fold; 3: per epoch (4, 5: the same)"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

static const char *usage   = "tffam-train [options] (-o <model> | -cv <K>) <motif file> <labels.tsv>\n       tffam-train -info <model>";
static const char *purpose = "Train the family network (doc/cnn.md) on labelled motifs, or cross-validate it.\n"
                             "Labels: tab-separated id and family (doc/labels-format.md).";

/* Build the training options from -config and the expert overrides. */
static int
make_options(const TFF_OPTS *opts, TFF_TRAIN_OPTS *o, char *errbuf)
{
  const char *s;
  int         v;
  if (strcmp(tff_opts_GetString(opts, "config"), "thesis") == 0) tff_train_OptsThesis(o);
  else                                                           tff_train_OptsDefault(o);
  o->seed = (uint64_t) tff_opts_GetInt(opts, "seed");
  /* the table's choices in the order of the values (tff_cnn.h, tff_train.h) */
  if ((v = tff_opts_GetChoice(opts, "encoding")) >= 0)     o->arch.encoding = v;
  if ((v = tff_opts_GetChoice(opts, "last-act")) >= 0)     o->arch.last_relu = (v == 0);   /* relu|none */
  if ((v = tff_opts_GetChoice(opts, "init")) >= 0)         o->init = v;
  if ((v = tff_opts_GetChoice(opts, "class-weight")) >= 0) o->class_weight = v;
  if (tff_opts_IsSet(opts, "minw"))       o->arch.minw    = tff_opts_GetInt(opts, "minw");
  if (tff_opts_IsSet(opts, "lr"))         o->adam.lr      = tff_opts_GetReal(opts, "lr");
  if (tff_opts_IsSet(opts, "wd"))         o->adam.wd      = tff_opts_GetReal(opts, "wd");
  if (tff_opts_GetFlag(opts, "adamw"))    o->adam.decoupled = 1;
  if (tff_opts_IsSet(opts, "patience"))   o->patience     = tff_opts_GetInt(opts, "patience");
  if (tff_opts_IsSet(opts, "max-epochs")) o->max_epochs   = tff_opts_GetInt(opts, "max-epochs");
  if (tff_opts_IsSet(opts, "val-frac"))   o->val_frac     = tff_opts_GetReal(opts, "val-frac");
  if (tff_opts_GetFlag(opts, "last-epoch")) o->restore_best = 0;
  if ((v = tff_train_AugmentFromOpts(opts, o, errbuf)) != tffOK) return v;
  if ((s = tff_opts_GetString(opts, "channels")) && (v = tff_train_ChannelsParse("-channels", s, &o->arch, errbuf)) != tffOK) return v;
  o->verbose = tff_opts_GetInt(opts, "verbosity") - 1;
  return tff_cnn_ArchCheck(&o->arch, errbuf);
}

/* x with printf's %.<prec>f or %.<prec>g (g: 'g'), or "NA" for NaN: a fold that held
 * out no one-label motif has no accuracy (as tffam-eval and the TSV reports write
 * a value that does not exist) */
static const char *
fmt_na(char *buf, double x, int prec, int g)
{
  if (isnan(x)) return "NA";
  return g ? tff_FormatG(buf, x, prec) : tff_FormatF(buf, x, prec);
}

static int
write_fold_table(FILE *fp, const TFF_CV *cv, char *errbuf)
{
  double ma, sa, mf, sf;
  char   b1[32], b2[32], b3[32], b4[32];
  int    status, *nk = calloc((size_t) cv->K, sizeof(int));
  if (!nk) return tff_Fail(errbuf, tffEMEM, "out of memory");
  for (int i = 0; i < cv->n; i++) if (cv->scored[i]) nk[cv->fold[i]]++;   /* the motifs scored */
  tff_metrics_MeanSD(cv->acc, cv->K, &ma, &sa);   /* over the folds with a value (NA: none held out) */
  tff_metrics_MeanSD(cv->f1, cv->K, &mf, &sf);
  TFF_CHECK(tff_Fprintf(fp, errbuf, "fold\tmotifs\tepochs\tbest_epoch\tval_loss\taccuracy\tmacro_f1\n"));
  for (int k = 0; k < cv->K; k++)
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%d\t%d\t%d\t%d\t%.6g\t%s\t%s\n", k + 1, nk[k], cv->log[k].epochs,
                          cv->log[k].best_epoch, cv->log[k].best_val_loss, fmt_na(b1, cv->acc[k], 6, 1), fmt_na(b2, cv->f1[k], 6, 1)));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "mean\t\t\t\t\t%s\t%s\n", fmt_na(b1, ma, 6, 1), fmt_na(b2, mf, 6, 1)));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "sd\t\t\t\t\t%s\t%s\n", fmt_na(b3, sa, 6, 1), fmt_na(b4, sf, 6, 1)));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "pooled\t%d\t\t\t\t%.6g\t%.6g\n", cv->nscored, tff_metrics_Accuracy(cv->pooled), tff_metrics_MacroF1(cv->pooled)));
 ERROR:
  free(nk);
  return status;
}

static int
write_html(FILE *fp, const TFF_CV *cv, const TFF_LABELS *L, const char *cmd, char *errbuf)
{
  double ma, sa, mf, sf;
  long   mx = 1;
  char   b1[32], b2[32];
  int    F = cv->nfam, used;
  used = tff_metrics_MeanSD(cv->acc, cv->K, &ma, &sa);
  tff_metrics_MeanSD(cv->f1, cv->K, &mf, &sf);
  for (int i = 0; i < F * F; i++) if (cv->pooled->cm[i] > mx) mx = cv->pooled->cm[i];
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tffam-train cross-validation</title>\n"
              "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
              "th.r{text-align:left}td.n{text-align:left}</style></head><body>\n");
  fprintf(fp, "<h1>Stratified %d-fold cross-validation</h1>\n<p>%d motifs, %d families. Command: <code>", cv->K, cv->n, F);
  tff_FputsHTML(fp, cmd);
  fprintf(fp, "</code></p>\n<p>Accuracy %s &plusmn; %s, ", fmt_na(b1, ma, 4, 0), fmt_na(b2, sa, 4, 0));
  fprintf(fp, "macro-F1 %s &plusmn; %s (mean &plusmn; SD over held-out folds", fmt_na(b1, mf, 4, 0), fmt_na(b2, sf, 4, 0));
  fprintf(fp, used < cv->K ? "; the %d of %d that hold out a one-label motif).</p>\n" : ").</p>\n", used, cv->K);
  if (cv->nscored != cv->n)
    fprintf(fp, "<p>Scored: the %d one-label motifs (the two-label ones, A::B, train no network and are not scored).</p>\n", cv->nscored);
  fprintf(fp, "<h2>Folds</h2>\n<table><tr><th>fold</th><th>epochs</th><th>best epoch</th><th>accuracy</th><th>macro-F1</th></tr>\n");
  for (int k = 0; k < cv->K; k++)
    fprintf(fp, "<tr><td>%d</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>\n", k + 1, cv->log[k].epochs, cv->log[k].best_epoch,
            fmt_na(b1, cv->acc[k], 4, 0), fmt_na(b2, cv->f1[k], 4, 0));
  fprintf(fp, "</table>\n<h2>Families (all held-out predictions)</h2>\n<table><tr><th class=\"r\">family</th><th>motifs</th><th>accuracy (recall)</th><th>precision</th><th>F1</th></tr>\n");
  for (int f = 0; f < F; f++) {
    double p, r, f1;
    long   sup;
    tff_metrics_Family(cv->pooled, f, &p, &r, &f1, &sup, NULL);
    fprintf(fp, "<tr><td class=\"n\">");
    tff_FputsHTML(fp, L->fam[f]);
    fprintf(fp, "</td><td>%ld</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n", sup, r, p, f1);
  }
  fprintf(fp, "</table>\n<h2>Confusion matrix</h2>\n<p>Rows: true family; columns: predicted family (numbered as the rows).</p>\n<table><tr><th></th>");
  for (int f = 0; f < F; f++) fprintf(fp, "<th>%d</th>", f + 1);
  fprintf(fp, "</tr>\n");
  for (int t = 0; t < F; t++) {
    fprintf(fp, "<tr><th class=\"r\">%d. ", t + 1);
    tff_FputsHTML(fp, L->fam[t]);
    fprintf(fp, "</th>");
    for (int f = 0; f < F; f++) {
      long c = cv->pooled->cm[t * F + f];
      int  shade = (int) (255 - 200.0 * (double) c / (double) mx);
      fprintf(fp, "<td style=\"background:rgb(%d,%d,255)\">%ld</td>", shade, shade, c);
    }
    fprintf(fp, "</tr>\n");
  }
  fprintf(fp, "</table>\n<p>tffam %s</p></body></html>\n", PACKAGE_VERSION);
  return ferror(fp) ? tff_Fail(errbuf, tffEWRITE, "HTML write failed") : tffOK;
}

static int
write_oof(const char *path, const TFF_CV *cv, const TFF_MOTIFSET *set, const TFF_LABELS *L, char *errbuf)
{
  TFF_OUTFILE of;
  FILE       *fp;
  int         status;
  if ((status = tff_outfile_Open(path, &of, errbuf)) != tffOK) return status;   /* a regular file atomically: no partial table */
  fp = of.fp;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "id\tfamily\tfold\tpredicted"));
  for (int f = 0; f < cv->nfam; f++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", L->fam[f]));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int i = 0; i < cv->n; i++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s%s%s\t%d\t%s", set->m[i]->id, L->fam[L->y[i]], cv->scored[i] ? "" : "::",
                          cv->scored[i] ? "" : L->fam[L->y2[i]], cv->fold[i] + 1, L->fam[cv->pred[i]]));
    for (int f = 0; f < cv->nfam; f++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%.6g", cv->prob[(size_t) i * cv->nfam + f]));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
  return tff_outfile_Commit(&of, errbuf);
 ERROR:
  tff_outfile_Abort(&of);
  return status;
}

/* The files of -oc, in the order written */
static const char *const cv_files[4] = { "cv_folds.tsv", "cv_families.tsv", "cv_confusion.tsv", "cv.html" };

static int
run_cv(const TFF_OPTS *opts, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_MOTIFSET *set,
       const TFF_LABELS *L, char *errbuf)
{
  TFF_CV     *cv = NULL;
  FILE       *fp = NULL;
  TFF_OUTDIR  od = { 0 };
  const char *dir = tff_opts_GetString(opts, "oc");
  double      ma, sa, mf, sf;
  char        b1[32], b2[32];
  int         K = tff_opts_GetInt(opts, "cv"), status, used;
  time_t      t0 = time(NULL);

  if (K > d->n) TFF_FAIL(tffEUSAGE, errbuf, "-cv %d: only %d motifs", K, d->n);
  /* -oc DIR: staged (tff_outdir), so a failed run leaves no partial report; refused before the long part */
  if (dir) {
    TFF_CHECK(tff_outdir_Open(dir, 1, &od, errbuf));
    TFF_CHECK(tff_outdir_CheckNames(&od, cv_files, 4, errbuf));
  }
  TFF_CHECK(tff_train_CV(o, d, K, &cv, errbuf));
  used = tff_metrics_MeanSD(cv->acc, K, &ma, &sa);
  tff_metrics_MeanSD(cv->f1, K, &mf, &sf);
  if (o->verbose >= 1) {
    fprintf(stderr, "tffam-train: %d-fold CV: accuracy %s +- %s, ", K, fmt_na(b1, ma, 4, 0), fmt_na(b2, sa, 4, 0));
    fprintf(stderr, "macro-F1 %s +- %s", fmt_na(b1, mf, 4, 0), fmt_na(b2, sf, 4, 0));
    if (used < K) fprintf(stderr, " (the %d of %d folds that hold out a one-label motif)", used, K);
    fprintf(stderr, " (%ld s)\n", (long) (time(NULL) - t0));
  }
  /* the files first, the table on stdout once they are in place: a run that fails
   * (a full disk) prints no table and exits 2 */
  if (dir) {
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_folds.tsv", &fp, errbuf));
    TFF_CHECK(write_fold_table(fp, cv, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_folds.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_families.tsv", &fp, errbuf));
    TFF_CHECK(tff_metrics_WriteFamilyTSV(fp, cv->pooled, L->fam, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_families.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_confusion.tsv", &fp, errbuf));
    TFF_CHECK(tff_metrics_WriteConfusionTSV(fp, cv->pooled, L->fam, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_confusion.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv.html", &fp, errbuf));
    TFF_CHECK(write_html(fp, cv, L, tff_opts_CommandLine(opts), errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv.html");
  }
  if (tff_opts_GetString(opts, "oof")) TFF_CHECK(write_oof(tff_opts_GetString(opts, "oof"), cv, set, L, errbuf));
  if (dir) TFF_CHECK(tff_outdir_Commit(&od, errbuf));
  TFF_CHECK(tff_Fprintf(stdout, errbuf, "# tffam-train %d-fold cross-validation: %d motifs, %d families, seed %llu\n",
                        K, d->n, d->nfam, (unsigned long long) o->seed));
  TFF_CHECK(write_fold_table(stdout, cv, errbuf));
  status = tffOK;
 ERROR:
  tff_outdir_Blame(&od, status, errbuf);
  if (fp) fclose(fp);
  if (dir) tff_outdir_Abort(&od);
  tff_train_CVDestroy(cv);
  return status;
}

static int
run_train(const TFF_OPTS *opts, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_MOTIFSET *set,
          const TFF_LABELS *L, char *errbuf)
{
  TFF_CNN      *net = NULL;
  TFF_TRAIN_LOG log;
  int          *idx = NULL, status, ntrain = 0;
  const char   *out = tff_opts_GetString(opts, "o");
  time_t        t0 = time(NULL);

  TFF_ALLOC(idx, sizeof(int) * (size_t) d->n);
  for (int i = 0; i < d->n; i++) if (!d->y2 || d->y2[i] < 0) idx[ntrain++] = i;   /* two-label motifs (heterodimers) do not train the network */
  if (ntrain < 2 && ntrain < d->n)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: %d of the %d motifs have one family; training needs at least 2 (two-label motifs, 'A::B', do not train the network)",
             tff_opts_Arg(opts, 1), ntrain, d->n);
  TFF_CHECK(tff_train_Fit(o, d, idx, ntrain, tff_rng_Derive(o->seed, 99), "training", &net, &log, errbuf));
  if (o->verbose >= 1)
    fprintf(stderr, "tffam-train: %d epochs (best %d, validation loss %.4f) in %ld s\n", log.epochs, log.best_epoch, log.best_val_loss, (long) (time(NULL) - t0));
  TFF_CHECK(tff_model_Write(out, net, o, L, set, &log, errbuf));
  {
    /* training-set accuracy of the written network, through the batched inference path;
     * the training set: the one-label motifs (idx) */
    TFF_METRICS *Mt = NULL;
    double      *pr = NULL;
    TFF_CALLOC(pr, (size_t) d->n * (size_t) d->nfam, sizeof(double));
    if ((status = tff_metrics_Create(d->nfam, &Mt, errbuf)) == tffOK)
      status = tff_cnn_PredictBatch(net, set->m, set->n, pr, errbuf);
    if (status == tffOK) {
      for (int r = 0; r < ntrain; r++) {
        int i = idx[r], best = 0;
        for (int f = 1; f < d->nfam; f++) if (pr[(size_t) i * d->nfam + f] > pr[(size_t) i * d->nfam + best]) best = f;
        tff_metrics_Add(Mt, d->y[i], best);
      }
      status = tff_Fprintf(stdout, errbuf, "# tffam-train: model %s: %d motifs, %d families, seed %llu\n"
                           "epochs\t%d\nbest_epoch\t%d\nval_loss\t%.6g\ntraining_accuracy\t%.6g\ntraining_macro_f1\t%.6g\n",
                           out, d->n, d->nfam, (unsigned long long) o->seed, log.epochs, log.best_epoch, log.best_val_loss,
                           tff_metrics_Accuracy(Mt), tff_metrics_MacroF1(Mt));
    }
    tff_metrics_Destroy(Mt);
    free(pr);
    if (status != tffOK) goto ERROR;
  }
  status = tffOK;
 ERROR:
  free(idx);
  tff_cnn_Destroy(net);
  return status;
}

int
main(int argc, char **argv)
{
  char            errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS       *opts = NULL;
  TFF_MOTIFSET   *set  = NULL;
  TFF_LABELS     *L    = NULL;
  TFF_TRAIN_DATA *d    = NULL;
  TFF_TRAIN_OPTS  o;
  char          **names = NULL;   /* -val-split stem: TF names and their stem groups */
  int            *gid = NULL;
  int             status = tffOK;

  if ((status = tff_opts_Parse(train_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-train: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, train_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, train_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  TFF_CHECK(tff_opts_Verify(opts, errbuf));   /* which options go together: the table's requires/incompatible columns */
  if (tff_opts_IsSet(opts, "info")) {
    TFF_MODEL *M = NULL;
    if (tff_opts_NArgs(opts) != 0) TFF_FAIL(tffEUSAGE, errbuf, "-info takes no other arguments");
    TFF_CHECK(tff_model_Read(tff_opts_GetString(opts, "info"), &M, errbuf));
    status = tff_Fprintf(stdout, errbuf, "model\t%s\nformat\t%d\nprogram\t%s\nfamilies\t%d\nparams\t%zu\nnetwork\t%s\ntraining\t%s\ndata\t%s\ncrc32\t%s\n",
                         tff_opts_GetString(opts, "info"), TFF_MODEL_VERSION, M->program, M->nfam, M->net->nparams,
                         M->netline, M->training, M->data, M->checksum);
    for (int k = 0; status == tffOK && k < M->nfam; k++) status = tff_Fprintf(stdout, errbuf, "family\t%d\t%s\n", k + 1, M->fam[k]);
    tff_model_Destroy(M);
    if (status != tffOK) goto ERROR;
    TFF_CHECK(tff_FlushStdout(errbuf));
    goto DONE;
  }
  if (tff_opts_NArgs(opts) != 2)
    TFF_FAIL(tffEUSAGE, errbuf, "expected a motif file and a label file, got %d arguments", tff_opts_NArgs(opts));
  if (!tff_opts_IsSet(opts, "o") && !tff_opts_IsSet(opts, "cv"))
    TFF_FAIL(tffEUSAGE, errbuf, "say what to do: -o <model> (train) or -cv <K> (cross-validate)");
  TFF_CHECK(make_options(opts, &o, errbuf));
  {   /* before any work: the model file or -oof table must not replace the motif or label file */
    const char *in[2] = { tff_opts_Arg(opts, 0), tff_opts_Arg(opts, 1) };
    if (tff_opts_IsSet(opts, "o"))   TFF_CHECK(tff_outfile_Check("o",   tff_opts_GetString(opts, "o"),   in, 2, errbuf));
    if (tff_opts_IsSet(opts, "oof")) TFF_CHECK(tff_outfile_Check("oof", tff_opts_GetString(opts, "oof"), in, 2, errbuf));
    TFF_CHECK(tff_outfile_CheckPair("o", tff_opts_GetString(opts, "o"), "oof", tff_opts_GetString(opts, "oof"), errbuf));
    TFF_CHECK(tff_outfile_CheckApart("oof", tff_opts_GetString(opts, "oof"), "oc", tff_opts_GetString(opts, "oc"), cv_files, 4, errbuf));
  }
#ifdef _OPENMP
  if (tff_opts_GetInt(opts, "threads") > 0) omp_set_num_threads(tff_opts_GetInt(opts, "threads"));
#endif
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  {   /* -val-split stem (with a split to make: -val-frac > 0): the TF names too, from the same read (labels on standard input) */
    int want_names = strcmp(tff_opts_GetString(opts, "val-split"), "stem") == 0 && o.val_frac > 0;
    TFF_CHECK(tff_combine_ReadLabelsNames(tff_opts_Arg(opts, 1), set, TFF_LABELS_MULTI, &L, want_names ? &names : NULL, errbuf));
  }
  if (L->nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: only one family (%s): nothing to learn", tff_opts_Arg(opts, 1), L->fam[0]);
  if (L->nfam > TFF_CNN_MAXCH) TFF_FAIL(tffEFORMAT, errbuf, "%s: %d families (at most %d)", tff_opts_Arg(opts, 1), L->nfam, TFF_CNN_MAXCH);
  TFF_CHECK(tff_train_DataCreate(&o.arch, set, L, &d, errbuf));
  if (names) {   /* -val-split stem; -val-frac 0: no split to make, no names read */
    TFF_CALLOC(gid, (size_t) set->n, sizeof(int));
    TFF_CHECK(tff_combine_StemGroups(names, set->n, gid, &d->ngroup, errbuf));
    d->group = gid;
    o.val_groups = 1;
  }
  if (o.verbose >= 1)
    fprintf(stderr, "tffam-train: %d motifs, %d families from %s and %s\n", set->n, L->nfam, tff_opts_Arg(opts, 0), tff_opts_Arg(opts, 1));
  if (tff_opts_IsSet(opts, "cv")) TFF_CHECK(run_cv(opts, &o, d, set, L, errbuf));
  else                            TFF_CHECK(run_train(opts, &o, d, set, L, errbuf));
  TFF_CHECK(tff_FlushStdout(errbuf));
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam-train: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, train_opts);
 DONE:
  tff_train_DataDestroy(d);
  tff_combine_FreeNames(names, set ? set->n : 0);
  free(gid);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
