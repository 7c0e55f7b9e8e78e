/* tffam-eval: leave-one-out KNN evaluation on a labelled motif set.
 *
 * Compares every motif with every other once per column score (ed, pearson,
 * sandelin), then scores the KNN call of every motif for K = 1..kmax under
 * each metric and their ensemble, as in Wilk (2025), Fig. 1d,e. Writes:
 *   knn_table.tsv        K, metric, accuracy, macro-F1 (+ the thesis's value, beside its label set only)
 *   knn_families.tsv     per-family precision/recall/F1 of the best cell
 *   knn_confusion.tsv    its confusion matrix
 *   knn.html             all of it as one page
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_io.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_metrics.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_tomtom.h"
#include "tff_util.h"

static const TFF_OPTDEF eval_opts[] = {
  { "kmax",          tffOPT_INT,    "11",  "1", "100", NULL, "<K>",   NULL, NULL, "evaluate K = 1..K" },
  { "min-overlap",   tffOPT_INT,    "5",   "1", NULL, NULL, "<n>",    NULL, NULL, "minimum overlap of two aligned motifs (Tomtom web server: 5)" },
  { "motif-pseudo",  tffOPT_REAL,   "0.1", "0", NULL, NULL, "<x>",    NULL, NULL, "pseudocount added to every motif" },
  { "norc",          tffOPT_FLAG,   NULL,  NULL, NULL, NULL, NULL,    NULL, NULL, "compare the given strands only" },
  { "incomplete-scores", tffOPT_FLAG, NULL, NULL, NULL, NULL, NULL,   NULL, NULL, "Tomtom's incomplete scoring" },
  { "evalue-thresh", tffOPT_REAL,   NULL,  "0", NULL, NULL, "<E>",    NULL, NULL, "ignore neighbours with E-value above this (as a thresholded Tomtom run would); default: none" },
  { "tomtom-ed",     tffOPT_STRING, NULL,  NULL, NULL, NULL, "<tsv>", NULL, NULL, "take ed neighbours from this all-vs-all Tomtom run (tomtom.tsv) instead of computing them" },
  { "tomtom-pearson", tffOPT_STRING, NULL, NULL, NULL, NULL, "<tsv>", NULL, NULL, "the same for pearson" },
  { "tomtom-sandelin", tffOPT_STRING, NULL, NULL, NULL, NULL, "<tsv>", NULL, NULL, "the same for sandelin" },
  TFF_OPTS_THREADS("threads (0: all cores, or OMP_NUM_THREADS)"),
  { "o",             tffOPT_STRING, NULL,  NULL, NULL, NULL, "<dir>", NULL, "oc: give one output directory", "output directory; refuse to overwrite" },
  { "oc",            tffOPT_STRING, "tffam_eval_out", NULL, NULL, NULL, "<dir>", NULL, NULL, "output directory; if it exists, only the knn_* files and knn.html in it are replaced; refused while another run writes it" },
  { "predictions",   tffOPT_FLAG,   NULL,  NULL, NULL, NULL, NULL,    NULL, NULL, "also write every motif's call per metric and K (knn_predictions.tsv; with -text, instead of the table)" },
  { "text",          tffOPT_FLAG,   NULL,  NULL, NULL, NULL, NULL,    NULL, "o,oc: -text writes to standard output", "write the K x metric table to stdout, no directory" },
  TFF_OPTS_VERBOSITY("1: errors only; 2: progress and timing"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
static const char *usage = "tffam-eval [options] <motif file> <labels TSV>";
static const char *purpose = "Leave-one-out KNN family prediction on a labelled motif set, K = 1..kmax, metrics ed, pearson,\n"
                             "sandelin and their ensemble (Wilk 2025, Fig. 1d,e). Labels: see doc/labels-format.md.";

/* The thesis reports one KNN cell in numbers: ensemble, K = 1, on its label set (below). */
static int
thesis_cell(int thesis, int metric, int K, double *acc, double *f1)
{
  if (thesis && metric == tffKNN_ENSEMBLE && K == 1) { *acc = 0.842; *f1 = 0.765; return 1; }
  return 0;
}

/* The thesis's figures are those of its label set, 2113 motifs in 20 classes
 * (etc/jaspar2024_eval_2113.tsv), and are shown beside that set only. The check
 * is on what the labels say, not on the file's bytes: the CRC-32 of the lines
 * "id<TAB>family\n" of every motif of the set, sorted (byte order), must be
 * THESIS_LABELS_CRC with 2113 motifs and 20 families. A label file with other
 * columns, another row order or CRLF line ends is still the set; a motif more,
 * less, renamed or relabelled is not (the figures are then not comparable). */
#define THESIS_LABELS_CRC "b621b83d"
#define THESIS_NMOTIF     2113
#define THESIS_NFAM       20

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
is_thesis_labels(const TFF_MOTIFSET *set, const TFF_LABELS *L, int *ret_thesis, char *errbuf)
{
  char  **line = NULL, crc[9];
  TFF_BUF all;
  int     status;

  tff_buf_Init(&all);
  *ret_thesis = 0;
  if (set->n != THESIS_NMOTIF || L->nfam != THESIS_NFAM) return tffOK;
  TFF_CALLOC(line, (size_t) set->n, sizeof(char *));
  for (int i = 0; i < set->n; i++) {
    TFF_BUF b;
    tff_buf_Init(&b);
    if ((status = tff_buf_Printf(&b, errbuf, "%s\t%s\n", set->m[i]->id, L->fam[L->y[i]])) != tffOK) { tff_buf_Free(&b); goto ERROR; }
    line[i] = b.s;   /* the buffer's string, freed below */
  }
  qsort(line, (size_t) set->n, sizeof(char *), cmp_str);
  for (int i = 0; i < set->n; i++) TFF_CHECK(tff_buf_Append(&all, line[i], strlen(line[i]), errbuf));
  tff_Crc32Hex(all.s, all.n, crc);
  *ret_thesis = strcmp(crc, THESIS_LABELS_CRC) == 0;
  status = tffOK;
 ERROR:
  if (line) for (int i = 0; i < set->n; i++) free(line[i]);
  free(line);
  tff_buf_Free(&all);
  return status;
}

/* Drop neighbours above an E-value threshold (keeps the ranked prefix). */
static void
apply_evalue_thresh(TFF_KNN_TABLE *T, double thresh)
{
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    for (int q = 0; q < T->nq; q++) {
      int n = 0;
      while (n < T->nnb[m][q] && T->nb[m][(size_t) q * T->kmax + n].evalue <= thresh) n++;
      T->nnb[m][q] = n;
    }
  }
}

/* The options that give a metric's neighbours from a Tomtom run, by tffKNN_* index. */
static const char *const tomtom_opt[tffKNN_NMETRIC] = { "tomtom-ed", "tomtom-pearson", "tomtom-sandelin" };

/* Neighbour lists of the metrics whose Tomtom TSVs were given, in one table. */
static int
neighbours_from_tomtom(const TFF_OPTS *opts, const TFF_MOTIFSET *set, int kmax, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL, *one = NULL;
  int            status;

  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    const char *path = tff_opts_GetString(opts, tomtom_opt[m]);
    char        opt[32];
    TFF_BUF     buf;
    if (!tff_opts_IsSet(opts, tomtom_opt[m])) continue;
    /* a run whose command line names another -dist (a pearson run given as -tomtom-ed) is refused */
    snprintf(opt, sizeof opt, "-%s", tomtom_opt[m]);
    TFF_CHECK(tff_io_SlurpKind(path, "Tomtom TSV", &buf, errbuf));
    if ((status = tff_tomtom_CheckMetric(opt, path, buf.s ? buf.s : "", buf.n, m, errbuf)) == tffOK)
      status = tff_knn_ParseTomtomTSV(path, buf.s ? buf.s : "", buf.n, set->m, set->n, set->m, set->n, m, kmax, 1, &one, errbuf);
    tff_buf_Free(&buf);
    if (status != tffOK) goto ERROR;
    if (T == NULL) { T = one; one = NULL; continue; }
    T->nb[m] = one->nb[m];  one->nb[m]  = NULL;   /* move metric m's lists over */
    T->nnb[m] = one->nnb[m]; one->nnb[m] = NULL;
    T->have[m] = 1;
    tff_knn_table_Destroy(one); one = NULL;
  }
  *ret_T = T;
  return tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  *ret_T = NULL;
  return status;
}

/* A Tomtom run that leaves motifs without a neighbour (run on some of them
 * only, -m/-mi or a slice; or thresholded so hard that only the self-match
 * was left) makes each of them a wrong call; say so, once per file, rather
 * than let an accuracy fall without a word. */
static void
warn_no_neighbours(const TFF_OPTS *opts, const TFF_KNN_TABLE *T, const TFF_MOTIFSET *set)
{
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    int n = 0, first = -1;
    if (!T->have[m] || !tff_opts_IsSet(opts, tomtom_opt[m])) continue;
    for (int q = 0; q < T->nq; q++)
      if (T->nnb[m][q] == 0) { if (first < 0) first = q; n++; }
    if (n > 0)
      fprintf(stderr, "tffam-eval: warning: -%s %s: %d of the %d motifs have no neighbour in it (the first: %s), and count as wrong; "
              "was Tomtom run on every motif against every motif, with -thresh 1 (or -evalue and a large -thresh)?\n",
              tomtom_opt[m], tff_opts_GetString(opts, tomtom_opt[m]), n, T->nq, set->m[first]->id);
  }
}

/* Accuracy and macro-F1 of every (K, metric) cell; M[k*4+m] filled. */
static int
score_cells(const TFF_KNN_TABLE *T, const TFF_LABELS *L, int kmax, TFF_METRICS **M, char *errbuf)
{
  int status;
  for (int K = 1; K <= kmax; K++)
    for (int m = 0; m <= tffKNN_ENSEMBLE; m++) {
      TFF_METRICS *cell;
      TFF_CHECK(tff_metrics_Create(L->nfam, &cell, errbuf));
      M[(K - 1) * 4 + m] = cell;
      if ((m < tffKNN_NMETRIC && !T->have[m]) || (m == tffKNN_ENSEMBLE && !(T->have[0] && T->have[1] && T->have[2]))) continue;
      for (int q = 0; q < T->nq; q++) {
        int call = tff_knn_Vote(T, q, m, K, L->y, L->nfam, NULL);
        /* no neighbour: no call, counted as wrong (a class no motif has) */
        if (call < 0) { tff_metrics_AddNoCall(cell, L->y[q]); continue; }
        tff_metrics_Add(cell, L->y[q], call);
      }
    }
  return tffOK;
 ERROR:
  return status;
}

static int
write_table(FILE *fp, TFF_METRICS **M, int kmax, int thesis, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "K\tmetric\taccuracy\tmacro_F1\tthesis_accuracy\tthesis_macro_F1\n"));
  for (int K = 1; K <= kmax; K++)
    for (int m = 0; m <= tffKNN_ENSEMBLE; m++) {
      double ta, tf;
      TFF_METRICS *c = M[(K - 1) * 4 + m];
      int has = thesis_cell(thesis, m, K, &ta, &tf);
      if (c->n == 0) { TFF_CHECK(tff_Fprintf(fp, errbuf, "%d\t%s\tNA\tNA\t\t\n", K, tff_knn_MetricName(m))); continue; }
      if (has) TFF_CHECK(tff_Fprintf(fp, errbuf, "%d\t%s\t%.4f\t%.4f\t%.3f\t%.3f\n", K, tff_knn_MetricName(m), tff_metrics_Accuracy(c), tff_metrics_MacroF1(c), ta, tf));
      else     TFF_CHECK(tff_Fprintf(fp, errbuf, "%d\t%s\t%.4f\t%.4f\t\t\n", K, tff_knn_MetricName(m), tff_metrics_Accuracy(c), tff_metrics_MacroF1(c)));
    }
  return tffOK;
 ERROR:
  return status;
}

/* One row per motif: id, true family, then the call of each metric at each K. */
static int
write_predictions(FILE *fp, const TFF_KNN_TABLE *T, const TFF_MOTIFSET *set, const TFF_LABELS *L, int kmax, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "Query_ID\tfamily"));
  for (int m = 0; m <= tffKNN_ENSEMBLE; m++)
    for (int K = 1; K <= kmax; K++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s_K%d", tff_knn_MetricName(m), K));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int q = 0; q < set->n; q++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s", set->m[q]->id, L->fam[L->y[q]]));
    for (int m = 0; m <= tffKNN_ENSEMBLE; m++)
      for (int K = 1; K <= kmax; K++) {
        int call = tff_knn_Vote(T, q, m, K, L->y, L->nfam, NULL);
        TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", call >= 0 ? L->fam[call] : "NA"));
      }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
  return tffOK;
 ERROR:
  return status;
}

static int
write_html(FILE *fp, TFF_METRICS **M, int kmax, int best, int thesis, const TFF_LABELS *L, const char *cmdline,
           double seconds, int nmotifs, char *errbuf)
{
  int   status;
  const TFF_METRICS *B = M[best];
  TFF_CHECK(tff_Fprintf(fp, errbuf,
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tffam-eval: leave-one-out KNN</title>\n"
    "<style>body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eef}td.l,th.l{text-align:left}"
    ".best{background:#dfd;font-weight:bold}.th{color:#a33}</style></head><body>\n"
    "<h1>Leave-one-out KNN family prediction</h1>\n<p>%d motifs, %d families; all-vs-all comparisons and the %d-cell table took %.2f s.</p>\n",
    nmotifs, L->nfam, kmax * 4, seconds));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<p>Command: <code>"));
  tff_FputsHTML(fp, cmdline);
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</code></p>\n<h2>Accuracy / macro-F1 by K and metric</h2>\n"
    "<p>Neighbours ranked by Tomtom p-value, then E-value, then id; the motif itself excluded. "
    "%s</p>\n<table><tr><th>K</th><th>ed</th><th>pearson</th><th>sandelin</th><th>ensemble</th></tr>\n",
    thesis ? "<span class=\"th\">Red</span>: the thesis's value (Wilk 2025, Fig. 1d,e), where it gives one."
           : "The thesis's values (Wilk 2025, Fig. 1d,e) are not shown: they are those of its 2113-motif, 20-class label set, "
             "and these labels are not that set (not comparable)."));
  for (int K = 1; K <= kmax; K++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<tr><td>%d</td>", K));
    for (int m = 0; m <= tffKNN_ENSEMBLE; m++) {
      int    c = (K - 1) * 4 + m;
      double ta, tf;
      if (M[c]->n == 0) { TFF_CHECK(tff_Fprintf(fp, errbuf, "<td>&ndash;</td>")); continue; }
      TFF_CHECK(tff_Fprintf(fp, errbuf, "<td%s>%.3f / %.3f", c == best ? " class=\"best\"" : "", tff_metrics_Accuracy(M[c]), tff_metrics_MacroF1(M[c])));
      if (thesis_cell(thesis, m, K, &ta, &tf)) TFF_CHECK(tff_Fprintf(fp, errbuf, "<br><span class=\"th\">%.3f / %.3f</span>", ta, tf));
      TFF_CHECK(tff_Fprintf(fp, errbuf, "</td>"));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</tr>\n"));
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</table>\n<h2>Best cell: %s, K = %d, per family</h2>\n<table><tr><th class=\"l\">family</th>"
                        "<th>motifs</th><th>predicted</th><th>precision</th><th>recall</th><th>F1</th></tr>\n",
                        tff_knn_MetricName(best % 4), best / 4 + 1));
  for (int k = 0; k < L->nfam; k++) {
    double p, r, f; long sup, np;
    tff_metrics_Family(B, k, &p, &r, &f, &sup, &np);
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<tr><td class=\"l\">"));
    tff_FputsHTML(fp, L->fam[k]);
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</td><td>%ld</td><td>%ld</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n", sup, np, p, r, f));
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</table>\n<h2>Confusion matrix (rows: true family, columns: predicted, in the order above)</h2>\n<table><tr><th></th>"));
  for (int k = 0; k < L->nfam; k++) TFF_CHECK(tff_Fprintf(fp, errbuf, "<th>%d</th>", k + 1));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</tr>\n"));
  for (int t = 0; t < L->nfam; t++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<tr><th class=\"l\">%d. ", t + 1));
    tff_FputsHTML(fp, L->fam[t]);
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</th>"));
    for (int p = 0; p < L->nfam; p++) {
      long v = B->cm[(size_t) t * L->nfam + p];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "<td%s>", t == p ? " class=\"best\"" : ""));
      if (v) TFF_CHECK(tff_Fprintf(fp, errbuf, "%ld", v));   /* inside the cell; 0: an empty cell */
      TFF_CHECK(tff_Fprintf(fp, errbuf, "</td>"));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</tr>\n"));
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</table>\n<p>tffam %s</p></body></html>\n", PACKAGE_VERSION));
  return tffOK;
 ERROR:
  return status;
}

int
main(int argc, char **argv)
{
  char           errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS      *opts = NULL;
  TFF_MOTIFSET  *set  = NULL;
  TFF_LABELS    *L    = NULL;
  TFF_KNN_TABLE *T    = NULL;
  TFF_METRICS  **M    = NULL;
  TFF_OUTDIR     od   = { 0 };
  FILE          *fp   = NULL;
  TFF_KNN_CFG    cfg;
  int            status = tffOK, kmax, verbosity, best = 0, thesis = 0;
  double         t0, seconds;

  if ((status = tff_opts_Parse(eval_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-eval: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, eval_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, eval_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_NArgs(opts) != 2) {
    fprintf(stderr, "tffam-eval: error: expected a motif file and a labels file\n");
    tff_opts_PrintHelp(stderr, usage, NULL, eval_opts);
    status = tffEUSAGE;
    goto DONE;
  }
  TFF_CHECK(tff_opts_Verify(opts, errbuf));   /* the table's requires/incompatible columns */
  kmax      = tff_opts_GetInt(opts, "kmax");
  verbosity = tff_opts_GetInt(opts, "verbosity");
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  TFF_CHECK(tff_labels_Read(tff_opts_Arg(opts, 1), set, 0, &L, errbuf));
  TFF_CHECK(is_thesis_labels(set, L, &thesis, errbuf));   /* the thesis's figures beside its own label set only */
  /* leave-one-out: a lone motif has no other to be its neighbour (every cell would be 0) */
  if (set->n < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: at least 2 motifs are needed (each is classified by the others)", set->source);
  if (!tff_opts_GetFlag(opts, "text")) {   /* refuse a bad -o before the long computation */
    int clobber = !tff_opts_IsSet(opts, "o");
    static const char *const own[5] = { "knn_table.tsv", "knn_families.tsv", "knn_confusion.tsv", "knn.html", "knn_predictions.tsv" };
    TFF_CHECK(tff_outdir_Open(clobber ? tff_opts_GetString(opts, "oc") : tff_opts_GetString(opts, "o"), clobber, &od, errbuf));
    TFF_CHECK(tff_outdir_CheckNames(&od, own, tff_opts_GetFlag(opts, "predictions") ? 5 : 4, errbuf));
  }

  tff_knn_DefaultConfig(&cfg);
  cfg.kmax             = kmax;
  cfg.leave_one_out    = 1;
  cfg.nthreads         = tff_opts_GetInt(opts, "threads");
  cfg.cmp.min_overlap  = tff_opts_GetInt(opts, "min-overlap");
  cfg.cmp.pseudo       = tff_opts_GetReal(opts, "motif-pseudo");
  cfg.cmp.norc         = tff_opts_GetFlag(opts, "norc");
  cfg.cmp.incomplete   = tff_opts_GetFlag(opts, "incomplete-scores");
  cfg.bg               = set->bg;   /* Tomtom: the query file's background */
  t0 = tff_Seconds();
  if (tff_opts_IsSet(opts, "tomtom-ed") || tff_opts_IsSet(opts, "tomtom-pearson") || tff_opts_IsSet(opts, "tomtom-sandelin"))
  {
    TFF_CHECK(neighbours_from_tomtom(opts, set, kmax, &T, errbuf));
    if (verbosity >= 2) warn_no_neighbours(opts, T, set);
  }
  else
    TFF_CHECK(tff_knn_Neighbours(set->m, set->n, set->m, set->n, &cfg, &T, errbuf));
  if (tff_opts_IsSet(opts, "evalue-thresh")) apply_evalue_thresh(T, tff_opts_GetReal(opts, "evalue-thresh"));
  TFF_CALLOC(M, (size_t) kmax * 4, sizeof(TFF_METRICS *));
  TFF_CHECK(score_cells(T, L, kmax, M, errbuf));
  seconds = tff_Seconds() - t0;
  while (best < kmax * 4 - 1 && M[best]->n == 0) best++;   /* a metric not given (-tomtom-* of some metrics only) has no cells */
  for (int c = best + 1; c < kmax * 4; c++)   /* best: accuracy, then macro-F1, then the first cell */
    if (M[c]->n > 0 &&
        (tff_metrics_Accuracy(M[c]) > tff_metrics_Accuracy(M[best]) ||
         (tff_metrics_Accuracy(M[c]) == tff_metrics_Accuracy(M[best]) && tff_metrics_MacroF1(M[c]) > tff_metrics_MacroF1(M[best]))))
      best = c;
  if (verbosity >= 2) {
    int ncell = 0, nmetric = 0;
    for (int c = 0; c < kmax * 4; c++) ncell += M[c]->n > 0;
    for (int m = 0; m < tffKNN_NMETRIC; m++) nmetric += T->have[m] != 0;
    if (tff_opts_IsSet(opts, "tomtom-ed") || tff_opts_IsSet(opts, "tomtom-pearson") || tff_opts_IsSet(opts, "tomtom-sandelin"))
      fprintf(stderr, "tffam-eval: %d motifs, %d families: the neighbours of %d metric%s from Tomtom files and %d cells in %.2f s\n",
              set->n, L->nfam, nmetric, nmetric == 1 ? "" : "s", ncell, seconds);
    else
      fprintf(stderr, "tffam-eval: %d motifs, %d families: %d x %d comparisons x %d metrics and %d cells in %.2f s\n",
              set->n, L->nfam, set->n, set->n, nmetric, ncell, seconds);
  }

  if (tff_opts_GetFlag(opts, "text")) {
    if (tff_opts_GetFlag(opts, "predictions")) TFF_CHECK(write_predictions(stdout, T, set, L, kmax, errbuf));
    else                                       TFF_CHECK(write_table(stdout, M, kmax, thesis, errbuf));
    TFF_CHECK(tff_FlushStdout(errbuf));
    goto DONE;
  }
  TFF_CHECK(tff_outdir_Fopen(&od, "knn_table.tsv", &fp, errbuf));
  TFF_CHECK(write_table(fp, M, kmax, thesis, errbuf));
  TFF_OUTDIR_FCLOSE(&od, fp, "knn_table.tsv");
  TFF_CHECK(tff_outdir_Fopen(&od, "knn_families.tsv", &fp, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "# best cell: %s, K = %d\n", tff_knn_MetricName(best % 4), best / 4 + 1));
  TFF_CHECK(tff_metrics_WriteFamilyTSV(fp, M[best], L->fam, errbuf));
  TFF_OUTDIR_FCLOSE(&od, fp, "knn_families.tsv");
  TFF_CHECK(tff_outdir_Fopen(&od, "knn_confusion.tsv", &fp, errbuf));
  TFF_CHECK(tff_metrics_WriteConfusionTSV(fp, M[best], L->fam, errbuf));
  TFF_OUTDIR_FCLOSE(&od, fp, "knn_confusion.tsv");
  if (tff_opts_GetFlag(opts, "predictions")) {
    TFF_CHECK(tff_outdir_Fopen(&od, "knn_predictions.tsv", &fp, errbuf));
    TFF_CHECK(write_predictions(fp, T, set, L, kmax, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "knn_predictions.tsv");
  }
  TFF_CHECK(tff_outdir_Fopen(&od, "knn.html", &fp, errbuf));
  TFF_CHECK(write_html(fp, M, kmax, best, thesis, L, tff_opts_CommandLine(opts), seconds, set->n, errbuf));
  TFF_OUTDIR_FCLOSE(&od, fp, "knn.html");
  TFF_CHECK(tff_outdir_Commit(&od, errbuf));
  goto DONE;

 ERROR:
  tff_outdir_Blame(&od, status, errbuf);
  fprintf(stderr, "tffam-eval: error: %s\n", errbuf);
 DONE:
  if (fp) fclose(fp);
  tff_outdir_Abort(&od);
  if (M) for (int c = 0; c < tff_opts_GetInt(opts, "kmax") * 4; c++) tff_metrics_Destroy(M[c]);
  free(M);
  tff_knn_table_Destroy(T);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
