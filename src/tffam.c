/* tffam: predict a transcription factor's structural family from its DNA motif.
 *
 * This is the program users run after STREME, MEME or Tomtom:
 *
 *   tffam [options] <motif file>
 *
 * reads any motif file the readers accept ('-' is standard input), classifies
 * every motif and writes tffam_out/tffam.{tsv,xml,html} (doc/tffam-output-format.md).
 * -list and -dump-motifs only show what was read.
 *
 * Methods (-method):
 *   combined  the default: the combined model (doc/combine.md) makes the call, a
 *             calibrated probability from the mean of its networks and the
 *             nearest-neighbour evidence under Tomtom's three column scores; the
 *             networks' and KNN's own calls are reported beside it;
 *   both      the conv net makes the call, KNN beside it;
 *   cnn, knn  one method alone.
 * -tomtom FILE (a user's Tomtom run, any JASPAR CORE release or the reference)
 * does not change who calls: its rows are merged into the neighbour lists under
 * its column score (tff_tomtom.h), the rest computed here.
 * -level picks the bundled data (tff_level.c): TFClass class (all 48 JASPAR knows; class20: the
 * thesis's 20) or the finer TFClass family (the 83 with >= 5 motifs; family30: the thesis set's 30).
 *
 * Data files (default model, reference set, HTML template) are looked up in:
 *   1. $TFFAM_DATA_DIR, if set (tests set it to the source tree's etc/);
 *   2. the installed data directory (TFF_DATADIR, $(pkgdatadir));
 *   3. ../etc beside the executable (a build tree: src/tffam -> etc/).
 * The first directory that has the file wins; TFFAM_DATA_DIR, when set, is the
 * only place looked at (tff_DataPath() in tff_util, shared with tffam-combine).
 * $TFFAM_MODEL, if set, names the default model itself (as tff_model_DefaultPath()
 * has it).
 *
 * Families: the report's family list is the union of the reference labels'
 * families and the model's, in strcmp order; each classifier's indices are
 * mapped onto it.
 *
 * Contents:
 *   1. Options
 *   2. Data files
 *   3. Classification
 *   4. main()
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tff_io.h"
#include "tff_cite.h"
#include "tff_cnn.h"
#include "tff_combine.h"
#include "tff_ig.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_level.h"
#include "tff_model.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_report.h"
#include "tff_result.h"
#include "tff_tomtom.h"
#include "tff_util.h"

#define TFFAM_DEFAULT_OUTDIR "tffam_out"
#define TFFAM_CHUNK 2048   /* queries per chunk of a streamed run: at most about 18 MB of neighbour
                            * tables; each chunk prepares the reference databases again (about 0.1 s) */

/*****************************************************************
 * 1. Options
 *****************************************************************/

/* The requires/incompatible columns (tff_opts_Verify) say which options go
 * together; the text after ": " is the reason the error gives. */
#define TFFAM_KNN_ONLY "method=cnn: the conv net alone uses no KNN options (-ref, -ref-labels, -tomtom, -dist, -k)"

static const TFF_OPTDEF tffam_opts[] = {
  { "o",            tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<dir>",    NULL, "oc: give one output directory", "output directory; refused if it exists" },
  { "oc",           tffOPT_STRING, TFFAM_DEFAULT_OUTDIR, NULL, NULL, NULL, "<dir>", NULL, NULL, "output directory; if it exists, only tffam.tsv, tffam.xml and tffam.html in it are replaced; refused while another run writes it" },
  { "text",         tffOPT_FLAG,   NULL,       NULL, NULL,  NULL, NULL,       NULL, "o,oc: -text writes to standard output", "write the TSV report to standard output, no directory" },
  { "method",       tffOPT_STRING, "combined", NULL, NULL,  "combined|both|cnn|knn", "<m>", NULL, NULL, "who makes the call: the combined model (networks + KNN, calibrated), the conv net (KNN beside it), one alone" },
  { "level",        tffOPT_STRING, TFF_LEVEL_DEFAULT, NULL, NULL, TFF_LEVEL_CHOICES, "<l>", NULL, NULL, "label level of the bundled data: TFClass class (all 48 JASPAR 2024 knows), the thesis's 20 classes, the finer TFClass family (the 83 with >= 5 JASPAR motifs), or the thesis set's 30 families" },
  { "dist",         tffOPT_STRING, "ensemble", NULL, NULL,  "ed|pearson|sandelin|ensemble", "<metric>", NULL, TFFAM_KNN_ONLY, "KNN column score (ensemble: majority of the three)" },
  { "k",            tffOPT_INT,    "3",        "1",  "100", NULL, "<K>",      NULL, TFFAM_KNN_ONLY, "KNN: number of neighbours that vote" },
  { "nnb",          tffOPT_INT,    "5",        "0",  "100", NULL, "<n>",      NULL, NULL, "nearest reference motifs listed per query" },
  { "min-overlap",  tffOPT_INT,    "5",        "1",  NULL,  NULL, "<n>",      NULL, NULL, "KNN: minimum overlap of query and reference motif (Tomtom's)" },
  { "ref",          tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   "ref-labels: a reference set needs its families", TFFAM_KNN_ONLY, "reference motifs for KNN; default: the bundled JASPAR 2024 set of the -level" },
  { "ref-labels",   tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<tsv>",    "ref: they are the families of the -ref motifs", TFFAM_KNN_ONLY, "families of the -ref motifs (doc/labels-format.md)" },
  { "tomtom",       tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<tsv>",    NULL, TFFAM_KNN_ONLY, "a Tomtom run of the queries (tomtom.tsv) against a JASPAR CORE release or the reference: its rows stand for the neighbours they cover, its -dist read from the file" },
  { "exclude-self", tffOPT_FLAG,   NULL,       NULL, NULL,  NULL, NULL,       NULL, NULL, "KNN: skip a reference motif with the query's id (leave-one-out)" },
  { "model",        tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   "method=both|cnn: -method combined uses the networks its combiner names (or give -combiner), -method knn none", NULL, "-method both|cnn: conv net model; default: the shipped one of the -level" },
  { "combiner",     tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   "method=combined", NULL, "-method combined: combined model file (it names its networks); default: the shipped one of the -level" },
  { "ig-steps",     tffOPT_INT,    "50",       "0",  "10000", NULL, "<m>",    NULL, "method=knn: KNN alone has no network to explain", "Integrated Gradients steps for the per-position importance of the call (0: none)" },
  { "xml-no-positions", tffOPT_FLAG, NULL,     NULL, NULL,  NULL, NULL,       NULL, "text: -xml-no-positions shapes tffam.xml; -text writes no XML", "leave each query's per-position data (<matrix>, <importance>) out of tffam.xml" },
  { "top-k",        tffOPT_INT,    "3",        "1",  "1000", NULL, "<k>",     NULL, NULL, "families listed per motif (Top_Families)" },
  { "min-prob",     tffOPT_REAL,   "0",        "0",  "1",   NULL, "<p>",      NULL, NULL, "no_confident_family when the call's probability is below <p>" },
  { "nsig-evalue",  tffOPT_REAL,   "1",        "0",  NULL,  NULL, "<E>",      NULL, NULL, "flag not_significant when even the best reference match has E-value above <E>" },
  { "novelty",      tffOPT_REAL,   NULL,       "0",  "1",   NULL, "<p>",      "method=combined: no_known_family comes from the combiner's novelty model", NULL, "-method combined: no_known_family when the novelty model's probability is at least <p>; default: the combiner's threshold (1: never)" },
  { "second-prob",  tffOPT_REAL,   "1",        "0",  "1",   NULL, "<p>",      NULL, NULL, "flag two_families (a second family of the answer, as for a heterodimer) also when the runner-up's probability is at least <p> (above 0.5: never; doc/combine.md says why that is the default)" },
  { "partner-evalue", tffOPT_REAL, "1",        "0",  NULL,  NULL, "<E>",      NULL, NULL, "flag two_families also when the nearest reference motif is a two-family motif (JASPAR's A::B) holding the combined call, at an E-value of at most <E>: its other family is the second family of the answer (0: never)" },
  { "m",            tffOPT_LIST,   NULL,       NULL, NULL,  NULL, "<id>",     NULL, NULL, "use only the query motif with this id" },
  { "mi",           tffOPT_LIST,   NULL,       NULL, NULL,  NULL, "<index>",  NULL, NULL, "use only the query motif with this 1-based index" },
  { "bfile",        tffOPT_STRING, NULL,       NULL, NULL,  NULL, "<file>",   NULL, NULL, "background frequencies (MEME -bfile format, or --uniform--, --nrdb--, --motif--); default: the motif file's" },
  { "motif-pseudo", tffOPT_REAL,   "0.1",      "0",  NULL,  NULL, "<x>",      NULL, NULL, "pseudocount added to motifs for comparison, weighted by the background" },
  TFF_OPTS_THREADS("threads (0: all the OpenMP default gives)"),
  { "list",         tffOPT_FLAG,   NULL,       NULL, NULL,  NULL, NULL,       NULL, NULL, "list the motifs read (id, alt, width, nsites; NA: not given) and stop" },
  { "dump-motifs",  tffOPT_FLAG,   NULL,       NULL, NULL,  NULL, NULL,       NULL, NULL, "write the motifs as read, in MEME text format, to stdout and stop" },
  TFF_OPTS_VERBOSITY("how much to say on stderr (1: errors only)"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

static const char *usage   = "tffam [options] <motif file>+";
static const char *purpose =
  "Predict the structural family (TFClass, as JASPAR annotates it) of each DNA motif,\n"
  "with a calibrated combination of convolutional networks and nearest neighbours\n"
  "among reference motifs (Tomtom's comparison).\n"
  "Motif files: MEME text, MEME/STREME/DREME XML, JASPAR; gzip accepted; '-' is stdin.\n"
  "Writes <dir>/tffam.tsv, tffam.xml, tffam.html (doc/tffam-output-format.md).\n"
  "Data files come from $TFFAM_DATA_DIR if set, else " TFF_DATADIR ", else ../etc beside the program.";

static int
list_motifs(const TFF_MOTIFSET *set, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(stdout, errbuf, "# %s: %d motifs, %s\n", set->source, set->n, set->format));
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    char             nbuf[32];
    /* no site count (nsites 0): NA, as the reports say "not given", not 0 sites */
    TFF_CHECK(tff_Fprintf(stdout, errbuf, "%s\t%s\t%d\t%s\n", m->id, m->alt ? m->alt : "", m->w,
                          m->nsites > 0 ? tff_FormatG(nbuf, m->nsites, 15) : "NA"));
  }
  return tffOK;
 ERROR:
  return status;
}

/* A query file's motifs skipped for a repeated id: a warning naming the first. */
static void
skip_warning(const TFF_MOTIFSET *set, int verbosity)
{
  char note[TFF_ERRBUFSIZE];
  if (verbosity >= 2 && tff_motifset_SkipNote(set, note, sizeof note))
    fprintf(stderr, "tffam: warning: %s: %s; Tomtom skips them too\n", set->source, note);
}

/* The query motifs: one file, or several (as MEME tools take several), read in
 * turn into one set whose source is their names joined by spaces. Within a
 * file, a motif whose id repeats an earlier one's is skipped with a warning,
 * as Tomtom skips it (MEME Suite's transfac2meme writes such files); an id in
 * two files is an error (ids name the motifs in every report); the first file's
 * background (uniform if it gives none) is the comparison's, with a warning if
 * another file's differs, unless -bfile replaces them all. */
static int
read_queries(const TFF_OPTS *opts, int verbosity, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_MOTIFSET *set = NULL, *more = NULL;
  TFF_BUF       src;
  int          *upto = NULL;   /* upto[a]: the motifs read from files 0..a (to name a repeated id's first file) */
  int           status;
  int           bfile = tff_opts_IsSet(opts, "bfile") && !tff_bg_KeepsMotifs(tff_opts_GetString(opts, "bfile"));

  tff_buf_Init(&src);
  TFF_CALLOC(upto, (size_t) tff_opts_NArgs(opts) + 1, sizeof(int));
  TFF_CHECK(tff_io_ReadMotifsFlags(tff_opts_Arg(opts, 0), tffIO_SKIP_DUP_IDS, &set, errbuf));
  upto[0] = set->n;
  skip_warning(set, verbosity);
  for (int a = 1; a < tff_opts_NArgs(opts); a++) {
    const char *path = tff_opts_Arg(opts, a);
    TFF_CHECK(tff_io_ReadMotifsFlags(path, tffIO_SKIP_DUP_IDS, &more, errbuf));
    skip_warning(more, verbosity);
    for (int i = 0; i < more->n; i++) {
      int j = tff_motifset_Find(set, more->m[i]->id), b = 0;
      if (j < 0) continue;
      while (b < a - 1 && j >= upto[b]) b++;   /* the file that gave motif j */
      if (strcmp(tff_opts_Arg(opts, b), path) == 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s is given twice as a query file (its motif id %s would repeat); give it once", path, more->m[i]->id);
      TFF_FAIL(tffEFORMAT, errbuf, "motif id %s of %s is also in %s: a query's id must be unique across the files (rename one)",
               more->m[i]->id, path, tff_opts_Arg(opts, b));
    }
    for (int i = 0; i < more->n; i++) {
      TFF_MOTIF *m = more->m[i];
      more->m[i] = NULL;
      TFF_CHECK(tff_motifset_Add(set, m, errbuf));
    }
    more->n = 0;
    upto[a] = set->n;
    /* (the first file's background is uniform when it gives none, as JASPAR's; a -bfile replaces them all) */
    if (more->has_bg && !bfile && memcmp(more->bg, set->bg, sizeof set->bg) != 0 && verbosity >= 2)
      fprintf(stderr, "tffam: warning: %s's background differs from %s's%s; the comparison uses the first file's\n", path,
              tff_opts_Arg(opts, 0), set->has_bg ? "" : " (uniform: it gives none)");
    if (strcmp(more->format, set->format) != 0) set->format = "several formats";
    if (more->strands == 2) set->strands = 2;
    tff_motifset_Destroy(more);
    more = NULL;
  }
  if (tff_opts_NArgs(opts) > 1) {   /* the source names every file */
    for (int a = 0; a < tff_opts_NArgs(opts); a++) TFF_CHECK(tff_buf_Printf(&src, errbuf, "%s%s", a ? " " : "", tff_opts_Arg(opts, a)));
    free(set->source);
    set->source = src.s;
    tff_buf_Init(&src);
  }
  free(upto);
  *ret_set = set;
  return tffOK;
 ERROR:
  free(upto);
  tff_buf_Free(&src);
  tff_motifset_Destroy(more);
  tff_motifset_Destroy(set);
  *ret_set = NULL;
  return status;
}

/* The command line for provenance, with the program path shortened to "tffam"
 * so reports do not depend on where the program was run from. */
static int
provenance_cmdline(const TFF_OPTS *opts, TFF_RESULT *R, char *errbuf)
{
  TFF_BUF     b;
  int         status;
  tff_buf_Init(&b);
  /* argv[0] as the command line quotes it (a path with a space is quoted): it was
   * kept whole when it was, and the shards of one run had different footers */
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "tffam%s", tff_opts_CommandArgs(opts)));
  TFF_CHECK(tff_result_SetString(&R->cmdline, b.s, errbuf));
  tff_buf_Free(&b);
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

/*****************************************************************
 * 2. Data files
 *****************************************************************/

/* What the options ask for: who makes the call and from which files. */
typedef struct {
  int        use_comb, use_cnn, use_knn;   /* the combined model; a network (its own call, or the combiner's); KNN */
  TFF_LEVEL *lev;                          /* the -level's shipped files (tff_level.h) */
  const TFF_LEVEL *comb_lev;               /* lev if the combiner is the level's (its networks checked), else NULL */
  int        model_lev;                    /* 1: the network of -method both|cnn is the level's */
  char      *comb_path, *model_path, *ref_path, *labels_path;
} TFFAM_PLAN;

static void
plan_Free(TFFAM_PLAN *P)
{
  tff_level_Destroy(P->lev);
  free(P->comb_path); free(P->model_path); free(P->ref_path); free(P->labels_path);
  memset(P, 0, sizeof *P);
}

/* A copy of the option's value, or of the level's file (its crc32 checked
 * against the manifest); NULL if neither (the level has no such file). */
static int
plan_path(const TFF_OPTS *opts, const char *opt, const TFF_LEVEL *lev, const char *lev_path, char **ret, char *errbuf)
{
  int status;
  *ret = NULL;
  if (opt && tff_opts_IsSet(opts, opt)) {
    if ((*ret = tff_Strdup(tff_opts_GetString(opts, opt))) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    return tffOK;
  }
  if (lev_path && tff_IsFile(lev_path)) TFF_CHECK(tff_level_Verify(lev, lev_path, errbuf));
  if (lev_path && (*ret = tff_Strdup(lev_path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  return tffOK;
 ERROR:
  free(*ret);
  *ret = NULL;
  return status;
}

/* Method, level and data files from the options (after tff_opts_Verify: the
 * combinations are valid). A missing shipped model or combiner falls back to
 * KNN alone with a warning, except for -method cnn (an error). The level's
 * files are found by its manifest (models/LEVEL/MANIFEST), or in the flat
 * layout of 0.1.0, with a warning. */
static int
resolve_plan(const TFF_OPTS *opts, int verbosity, TFFAM_PLAN *P, char *errbuf)
{
  const char *method = tff_opts_GetString(opts, "method");
  const char *envm   = getenv("TFFAM_MODEL");
  const char *what   = NULL;       /* the level's file used, for the flat-layout warning */
  int         status;

  memset(P, 0, sizeof *P);
  P->use_comb = strcmp(method, "combined") == 0;
  P->use_cnn  = strcmp(method, "knn") != 0;
  P->use_knn  = strcmp(method, "cnn") != 0;
  TFF_CHECK(tff_level_Open(tff_opts_GetString(opts, "level"), &P->lev, errbuf));
  /* the level's reference set, needed by KNN and by the combined model: missing, the
   * data directory is wrong (a missing combiner alone falls back to KNN below) */
  if (P->use_knn && !tff_opts_IsSet(opts, "ref") && P->lev->ref && !tff_IsFile(P->lev->ref))
    TFF_FAIL(tffENOTFOUND, errbuf, "cannot open the reference set of -level %s: %s: %s (is TFFAM_DATA_DIR right? or give -ref and -ref-labels)",
             P->lev->def->name, P->lev->ref, tff_NotFileReason(P->lev->ref));

  if (P->use_comb) {
    TFF_CHECK(plan_path(opts, "combiner", P->lev, P->lev->combiner, &P->comb_path, errbuf));
    if (!tff_opts_IsSet(opts, "combiner")) {
      if (!tff_IsFile(P->comb_path)) {   /* as a missing default model below */
        if (verbosity >= 2)
          fprintf(stderr, "tffam: warning: no combined model (%s not found); classifying by KNN only\n",
                  P->lev->layout == tffLEVEL_NONE ? P->lev->manifest : P->comb_path);
        P->use_comb = P->use_cnn = 0;
      } else {
        P->comb_lev = P->lev;
        what = P->comb_path;
      }
    }
  } else if (P->use_cnn) {
    if (tff_opts_IsSet(opts, "model") || (envm && *envm && !tff_opts_IsSet(opts, "level"))) {
      if ((P->model_path = tff_Strdup(tff_opts_IsSet(opts, "model") ? tff_opts_GetString(opts, "model") : envm)) == NULL)
        TFF_FAIL(tffEMEM, errbuf, "out of memory");
      const char *why = strcmp(P->model_path, "-") != 0 ? tff_NotInputReason(P->model_path) : NULL;   /* a pipe, <(...), is read as it is */
      if (why) TFF_FAIL(tffENOTFOUND, errbuf, "cannot open model file %s: %s", P->model_path, why);
    } else {
      const char *missing = P->lev->layout == tffLEVEL_NONE ? P->lev->manifest : P->lev->model;
      TFF_CHECK(plan_path(opts, NULL, P->lev, P->lev->model, &P->model_path, errbuf));
      P->model_lev = 1;
      if (!tff_IsFile(P->model_path)) {
        if (!P->use_knn) TFF_FAIL(tffENOTFOUND, errbuf, "cannot open the default model: %s not found (is TFFAM_DATA_DIR right? or give -model)", missing);
        if (verbosity >= 2)
          fprintf(stderr, "tffam: warning: no conv net model (%s not found); classifying by KNN only\n", missing);
        P->use_cnn = 0;
      } else what = P->model_path;
    }
  }
  if (what && P->lev->layout == tffLEVEL_FLAT && verbosity >= 2)
    fprintf(stderr, "tffam: warning: %s not found: reading %s and the level's other files in the flat layout of tffam 0.1, "
                    "which a later release will not read (doc/data-layout.md)\n", P->lev->manifest, what);
  if (P->use_knn) {
    TFF_CHECK(plan_path(opts, "ref",        P->lev, P->lev->ref,    &P->ref_path,    errbuf));
    TFF_CHECK(plan_path(opts, "ref-labels", P->lev, P->lev->labels, &P->labels_path, errbuf));
  }
  return tffOK;
 ERROR:
  plan_Free(P);
  return status;
}

/*****************************************************************
 * 3. Classification
 *****************************************************************/

/* The neighbour table: computed under the metrics KNN needs (all three for the
 * combined model), or read from a Tomtom TSV. kmax: neighbours kept per query. */
static int
popcount(int x)
{
  int n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/* The progress of the classification on stderr (tff_progress.h): on a
 * terminal at -verbosity 2 (the default), also to a file or pipe from
 * -verbosity 3. One phase for the whole streamed run (the queries go through
 * in chunks, each compared, classified and attributed before the next), in
 * units of one query under one step: each column score compared, the extra
 * column score, the importance profile. */
static TFF_PROGRESS tffam_progress;

static void
knn_config(const TFF_OPTS *opts, const TFF_MOTIFSET *qs, int metrics, int kmax, TFF_KNN_CFG *cfg)
{
  tff_knn_DefaultConfig(cfg);
  cfg->kmax            = kmax;
  cfg->nthreads        = tff_opts_GetInt(opts, "threads");
  cfg->leave_one_out   = tff_opts_GetFlag(opts, "exclude-self");
  cfg->cmp.min_overlap = tff_opts_GetInt(opts, "min-overlap");
  cfg->cmp.pseudo      = tff_opts_GetReal(opts, "motif-pseudo");
  cfg->bg              = qs->bg;      /* Tomtom: the query file's background */
  cfg->metrics         = metrics;
}

/* The neighbour table. With -tomtom, the user's Tomtom run is read first (its
 * footer says the column score; its targets may be of any JASPAR release),
 * tffam computes the metrics it needs (that one among them) with room for
 * Tomtom's rows, and the two are merged (tff_tomtom.h): Tomtom's rows for the
 * references they cover, tffam's own for the rest. *ret_tt: the run, or NULL. */
static int
knn_table(const TFF_OPTS *opts, const TFF_MOTIFSET *qs, const TFF_MOTIFSET *refs, const char *ref_path, int metrics,
          int kmax, TFF_PROGRESS *P, TFF_KNN_TABLE **ret_T, TFF_TOMTOM **ret_tt, char *errbuf)
{
  TFF_KNN_CFG    cfg;
  TFF_KNN_TABLE *Tin = NULL;
  TFF_TOMTOM    *tt  = NULL;
  char          *abs_ref = NULL;
  int            status, dist = tff_knn_MetricIndex(tff_opts_GetString(opts, "dist"));

  *ret_tt = NULL;
  knn_config(opts, qs, metrics, kmax, &cfg);
  cfg.progress = P;
  if (!tff_opts_IsSet(opts, "tomtom")) return tff_knn_Neighbours(qs->m, qs->n, refs->m, refs->n, &cfg, ret_T, errbuf);
  abs_ref = realpath(ref_path, NULL);   /* named in full in the message for a database tffam cannot map */
  TFF_CHECK(tff_tomtom_Read(tff_opts_GetString(opts, "tomtom"), qs->m, qs->n, refs->m, refs->n, abs_ref ? abs_ref : ref_path,
                            tff_opts_IsSet(opts, "dist") ? dist : TFF_TOMTOM_UNKNOWN, kmax + 20, cfg.leave_one_out, &tt, errbuf));
  if (tt->nrows == 0 && tff_opts_GetInt(opts, "verbosity") >= 2)
    fprintf(stderr, "tffam: warning: none of the targets in %s is in the reference (%d skipped); every neighbour is computed by tffam\n",
            tt->path, tt->skipped);
  cfg.metrics |= 1 << tt->metric;
  cfg.kmax     = kmax + tt->T->kmax;
  TFF_CHECK(tff_knn_Neighbours(qs->m, qs->n, refs->m, refs->n, &cfg, &Tin, errbuf));
  TFF_CHECK(tff_tomtom_Merge(tt, Tin, kmax, refs->m, refs->n, ret_T, errbuf));
  tff_knn_table_Destroy(Tin);
  free(abs_ref);
  *ret_tt = tt;
  return tffOK;
 ERROR:
  tff_knn_table_Destroy(Tin);
  tff_tomtom_Destroy(tt);
  free(abs_ref);
  return status;
}

/* The run's file and what was used of it, for the reports. */
static int
tomtom_provenance(const TFF_TOMTOM *tt, int nq, TFF_RESULT *R, char *errbuf)
{
  TFF_BUF b;
  int     status;
  tff_buf_Init(&b);
  TFF_CHECK(tff_result_SetString(&R->tomtom_file, tt->path, errbuf));
  TFF_CHECK(tff_tomtom_Describe(tt, nq, &b, errbuf));
  TFF_CHECK(tff_result_SetString(&R->tomtom_note, b.s, errbuf));
 ERROR:
  tff_buf_Free(&b);
  return status;
}

/* The combined model's extra column score (its extra_metric line), with the
 * same comparison settings as the three metrics; only if the combiner uses it. */
static int
extra_table(const TFF_OPTS *opts, const TFF_COMBINER *C, const TFF_MOTIFSET *qs, const TFF_MOTIFSET *refs,
            TFF_PROGRESS *P, TFF_KNN_TABLE **ret_TX, char *errbuf)
{
  TFF_KNN_CFG cfg;
  *ret_TX = NULL;
  if (!tff_combine_NeedsExtra(C)) return tffOK;
  knn_config(opts, qs, 0, C->extra_kmax, &cfg);
  cfg.progress = P;
  return tff_knn_NeighboursScore(qs->m, qs->n, refs->m, refs->n, &cfg, C->extra_col, ret_TX, errbuf);
}

/* KNN into the result: votes (metric = -dist), listed neighbours, the best
 * E-value. T's query q is the result's query q0+q (a chunk of the queries). */
static int
fill_knn(const TFF_OPTS *opts, const TFF_KNN_TABLE *T, int q0, int metric, const TFF_LABELS *L, const int *lab2r,
         TFF_RESULT *R, char *errbuf)
{
  TFF_RESULT_NB *nb    = NULL;
  double        *share = NULL, *rshare = NULL;
  int            K     = tff_opts_GetInt(opts, "k");
  int            nnb   = tff_opts_GetInt(opts, "nnb");
  int            nbm   = metric == tffKNN_ENSEMBLE ? tffKNN_ED : metric;   /* whose neighbours are listed: */
  int            status;

  for (int m = 0; m < tffKNN_NMETRIC; m++) if (T->src[m]) nbm = m;      /* the user's Tomtom run's, if any */

  TFF_ALLOC(nb,     sizeof *nb * (size_t) nnb);
  TFF_ALLOC(share,  sizeof(double) * (size_t) L->nfam);
  TFF_ALLOC(rshare, sizeof(double) * (size_t) R->nfam);
  for (int q = 0; q < T->nq; q++) {
    int               call = tff_knn_Vote(T, q, metric, K, L->y, L->nfam, share);
    const TFF_KNN_NB *best = tff_knn_Best(T, q);   /* under ed, pearson and sandelin (not the combiner's extra score): a match under any counts */
    for (int f = 0; f < R->nfam; f++) rshare[f] = 0;
    for (int f = 0; f < L->nfam; f++) rshare[lab2r[f]] = share[f];
    TFF_CHECK(tff_result_SetKNN(R, q0 + q, call >= 0 ? lab2r[call] : -1, call >= 0 ? rshare : NULL, errbuf));
    int n = T->nnb[nbm][q] < nnb ? T->nnb[nbm][q] : nnb;
    for (int r = 0; r < n; r++) {
      const TFF_KNN_NB *x = &T->nb[nbm][(size_t) q * T->kmax + r];
      nb[r].ref = x->ref;  nb[r].strand = x->strand;  nb[r].offset = x->offset;
      nb[r].overlap = x->overlap;  nb[r].pvalue = x->pvalue;  nb[r].evalue = x->evalue;
      nb[r].source  = T->src[nbm] ? T->src[nbm][(size_t) q * T->kmax + r] : tffKNN_SRC_COMPUTED;
    }
    TFF_CHECK(tff_result_SetNeighbours(R, q0 + q, nb, n, errbuf));
    if (T->have[tffKNN_ED]) {   /* the heterodimer rule's nearest reference, whatever -nnb lists */
      const TFF_KNN_NB *x = tff_knn_First(T, tffKNN_ED, q);
      TFF_CHECK(tff_result_SetNearest(R, q0 + q, x ? x->ref : -1, x ? x->evalue : NAN, errbuf));
    }
    /* no reference overlaps enough: p = 1 for all, E = the number of references */
    tff_result_SetBestEvalue(R, q0 + q, best ? best->evalue : (double) R->nref);
  }
  TFF_CHECK(tff_result_SetString(&R->knn_metric, tff_knn_MetricName(metric), errbuf));
  TFF_CHECK(tff_result_SetString(&R->nb_metric,  tff_knn_MetricName(nbm), errbuf));
  R->knn_k        = K;
  R->min_overlap  = tff_opts_GetInt(opts, "min-overlap");
  R->motif_pseudo = tff_opts_GetReal(opts, "motif-pseudo");
  R->methods     |= tffRESULT_KNN;
  free(nb); free(share); free(rshare);
  return tffOK;
 ERROR:
  free(nb); free(share); free(rshare);
  return status;
}

/* Network probabilities of nq queries into the result's queries q0.., on its
 * families (map[f]: the result's index of probs' family f). */
static int
fill_cnn(const double *probs, int nq, int nfam, const int *map, int q0, TFF_RESULT *R, char *errbuf)
{
  double *rp = NULL;
  int     status;
  TFF_ALLOC(rp, sizeof(double) * (size_t) R->nfam);
  for (int q = 0; q < nq; q++) {
    for (int f = 0; f < R->nfam; f++) rp[f] = 0;
    for (int f = 0; f < nfam; f++) rp[map[f]] = probs[(size_t) q * nfam + f];
    TFF_CHECK(tff_result_SetCNN(R, q0 + q, rp, errbuf));
  }
  R->methods |= tffRESULT_CNN;
  free(rp);
  return tffOK;
 ERROR:
  free(rp);
  return status;
}

/* Whether Integrated Gradients can explain the result's calls: the networks
 * must have the result's families in its order (or there is no profile). */
static int
importance_possible(TFF_MODEL *const *nets, int nnet, int steps, int verbosity, const TFF_RESULT *R)
{
  int same = 1;
  if (steps <= 0 || nnet < 1) return 0;
  for (int k = 0; k < nnet && same; k++) {
    same = (nets[k]->nfam == R->nfam);
    for (int f = 0; same && f < R->nfam; f++) same = (strcmp(nets[k]->fam[f], R->fam[f]) == 0);
  }
  if (!same && verbosity >= 2) fprintf(stderr, "tffam: warning: the networks' families differ from the reference labels'; no importance profiles\n");
  return same;
}

/* Integrated Gradients of the reported calls of the result's queries q0..q1-1,
 * averaged over the networks (importance_possible() said yes). */
static int
fill_importance(TFF_MODEL *const *nets, int nnet, int steps, int nthreads, int q0, int q1, TFF_PROGRESS *P,
                TFF_RESULT *R, char *errbuf)
{
  const TFF_CNN **cnn = NULL;
  int             status;
  TFF_ALLOC(cnn, sizeof *cnn * (size_t) nnet);
  for (int k = 0; k < nnet; k++) cnn[k] = nets[k]->net;
  TFF_IG_OPTS igo;
  tff_ig_DefaultOpts(&igo);
  igo.steps    = steps;
  igo.nthreads = nthreads;
  igo.progress = P;
  igo.q0       = q0;
  igo.q1       = q1;
  TFF_CHECK(tff_ig_FillResult(cnn, nnet, &igo, R, errbuf));
  status = tffOK;
 ERROR:
  free(cnn);
  return status;
}

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The union of two family lists (either may be empty), sorted, and the index
 * of each input family in it. Names are not copied: *ret_fam points into the inputs. */
static int
family_union(char **fa, int na, char **fb, int nb, char ***ret_fam, int *ret_n, int **ret_amap, int **ret_bmap, char *errbuf)
{
  char **all = NULL;
  int   *am = NULL, *bm = NULL, n = 0, status;

  TFF_ALLOC(all, sizeof(char *) * (size_t) (na + nb + 1));
  TFF_ALLOC(am,  sizeof(int) * (size_t) (na + 1));
  TFF_ALLOC(bm,  sizeof(int) * (size_t) (nb + 1));
  for (int i = 0; i < na; i++) all[n++] = fa[i];
  for (int i = 0; i < nb; i++) all[n++] = fb[i];
  qsort(all, (size_t) n, sizeof *all, cmp_str);
  int u = 0;
  for (int i = 0; i < n; i++) if (u == 0 || strcmp(all[u - 1], all[i]) != 0) all[u++] = all[i];
  for (int i = 0; i < na; i++) am[i] = (int) ((char **) bsearch(&fa[i], all, (size_t) u, sizeof *all, cmp_str) - all);
  for (int i = 0; i < nb; i++) bm[i] = (int) ((char **) bsearch(&fb[i], all, (size_t) u, sizeof *all, cmp_str) - all);
  *ret_fam = all; *ret_n = u; *ret_amap = am; *ret_bmap = bm;
  return tffOK;
 ERROR:
  free(all); free(am); free(bm);
  return status;
}

/* The combined model and the networks it names (tff_level_NetworkPath: beside
 * the combiner, else as data files). lev: the -level's files when the combiner
 * is the shipped one, whose networks must then be its manifest's (crc32s checked).
 * crc: the combiner file's CRC-32, from the same read (tffam.tsv's '# combined model:'). */
static int
load_combiner(const char *path, const TFF_LEVEL *lev, TFF_COMBINER **ret_C, char crc[9], TFF_MODEL ***ret_nets, int *ret_nnet,
              char *errbuf)
{
  TFF_COMBINER *C    = NULL;
  TFF_MODEL   **nets = NULL;
  char         *mpath = NULL;
  int           nnet = 0, status;

  if (!tff_IsFile(path)) TFF_FAIL(tffENOTFOUND, errbuf, "cannot open combiner file %s: %s", path, tff_NotFileReason(path));
  TFF_CHECK(tff_combine_Read(path, &C, crc, errbuf));
  if (C->nnet < 1) TFF_FAIL(tffEFORMAT, errbuf, "combiner file %s names no networks (no 'network' lines)", path);
  TFF_CALLOC(nets, (size_t) C->nnet, sizeof(TFF_MODEL *));
  for (int k = 0; k < C->nnet; k++) {
    TFF_CHECK(tff_level_NetworkPath(path, C->net[k], &mpath, errbuf));
    if (!tff_IsFile(mpath)) TFF_FAIL(tffENOTFOUND, errbuf, "cannot open network %s named by the combiner %s: %s", C->net[k], path, tff_NotFileReason(mpath));
    if (lev) TFF_CHECK(tff_level_VerifyNetworks(lev, &mpath, 1, errbuf));
    TFF_CHECK(tff_model_Read(mpath, &nets[k], errbuf));
    free(mpath); mpath = NULL;
    nnet = k + 1;
  }
  TFF_CHECK(tff_combine_ReadKmer(C, path, lev, errbuf));   /* its k-mer model (feature kmer_logp), found as the networks are */
  *ret_C = C; *ret_nets = nets; *ret_nnet = nnet;
  return tffOK;
 ERROR:
  for (int k = 0; k < nnet; k++) tff_model_Destroy(nets[k]);
  free(nets); free(mpath);
  tff_combine_Destroy(C);
  *ret_C = NULL; *ret_nets = NULL; *ret_nnet = 0;
  return status;
}

/* The combined model's probabilities into the result (C's families mapped by
 * name): qs (and T, TX) are the result's queries q0.. (a chunk). */
static int
fill_combined(const TFF_COMBINER *C, TFF_MODEL *const *nets, int nnet, const TFF_MOTIFSET *qs, int q0, const TFF_KNN_TABLE *T,
              const TFF_KNN_TABLE *TX, const TFF_MOTIFSET *refs, const TFF_LABELS *L, TFF_RESULT *R, char *errbuf)
{
  double *cp = NULL, *prob = NULL, *rp = NULL, *nov = NULL;
  int    *refy = NULL, *refy2 = NULL, *c2r = NULL, status;
  size_t  nqf = (size_t) qs->n * (size_t) C->nfam;

  TFF_ALLOC(c2r, sizeof(int) * (size_t) C->nfam);
  for (int f = 0; f < C->nfam; f++) {
    c2r[f] = -1;
    for (int g = 0; g < R->nfam; g++) if (strcmp(C->fam[f], R->fam[g]) == 0) c2r[f] = g;
    if (c2r[f] < 0) TFF_FAIL(tffEINCOMPAT, errbuf, "the combined model's family '%s' is not among the reference labels' families", C->fam[f]);
  }
  TFF_ALLOC(refy, sizeof(int) * (size_t) (refs->n + 1));
  for (int i = 0; i < refs->n; i++)
    if ((refy[i] = tff_combine_FamilyIndex(C, L->fam[L->y[i]])) < 0)
      TFF_FAIL(tffEINCOMPAT, errbuf, "reference family '%s' (%s) is not one of the combined model's", L->fam[L->y[i]], refs->m[i]->id);
  TFF_ALLOC(cp,   sizeof(double) * nqf);
  TFF_ALLOC(prob, sizeof(double) * nqf);
  TFF_ALLOC(rp,   sizeof(double) * (size_t) R->nfam);
  TFF_CHECK(tff_combine_NetworkMean(C, nets, nnet, qs->m, qs->n, cp, errbuf));
  TFF_CHECK(fill_cnn(cp, qs->n, C->nfam, c2r, q0, R, errbuf));     /* the networks' own call: their mean */
  if (L->y2) {   /* two-label references (heterodimers): evidence for both families */
    TFF_ALLOC(refy2, sizeof(int) * (size_t) (refs->n + 1));
    for (int i = 0; i < refs->n; i++) {
      refy2[i] = -1;
      if (L->y2[i] >= 0 && (refy2[i] = tff_combine_FamilyIndex(C, L->fam[L->y2[i]])) < 0)
        TFF_FAIL(tffEINCOMPAT, errbuf, "reference family '%s' (%s) is not one of the combined model's", L->fam[L->y2[i]], refs->m[i]->id);
    }
  }
  TFF_ALLOC(nov, sizeof(double) * (size_t) qs->n);
  TFF_CHECK(tff_combine_ClassifyTable(C, T, TX, refy, refy2, cp, qs->m, prob, NULL, nov, errbuf));
  for (int q = 0; q < qs->n; q++) R->q[q0 + q].novelty = nov[q];
  for (int q = 0; q < qs->n; q++) {
    for (int f = 0; f < R->nfam; f++) rp[f] = 0;
    for (int f = 0; f < C->nfam; f++) rp[c2r[f]] = prob[(size_t) q * C->nfam + f];
    TFF_CHECK(tff_result_SetCombined(R, q0 + q, rp, errbuf));
  }
  R->methods |= tffRESULT_COMBINED;
  status = tffOK;
 ERROR:
  free(cp); free(prob); free(rp); free(refy); free(refy2); free(c2r); free(nov);
  return status;
}

/* A user's reference (-ref/-ref-labels) with families the combined model was
 * not fitted on: it cannot weigh their evidence, so by default KNN against
 * that reference makes the call, with a note in the reports (*ret_note) and on
 * stderr; an explicit -method combined is refused. The combiner and its
 * networks are then released (*use_comb = *use_cnn = 0). */
static int
own_reference(const TFF_OPTS *opts, int verbosity, const TFF_LABELS *L, const char *labels_path, TFF_COMBINER **C,
              TFF_MODEL ***nets, int *nnet, int *use_comb, int *use_cnn, char **ret_note, char *errbuf)
{
  TFF_BUF b;
  int     nnew = 0, status;

  tff_buf_Init(&b);
  for (int f = 0; f < L->nfam; f++)
    if (tff_combine_FamilyIndex(*C, L->fam[f]) < 0)
      TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s'%s'", nnew++ ? ", " : "", L->fam[f]));
  if (nnew == 0) { tff_buf_Free(&b); return tffOK; }
  if (tff_opts_IsSet(opts, "method"))
    TFF_FAIL(tffEUSAGE, errbuf, "the labels %s have %d famil%s the combined model was not fitted on (%s); "
             "drop -method combined to classify by KNN against your reference, or give -method knn",
             labels_path, nnew, nnew == 1 ? "y" : "ies", b.s);
  tff_buf_Free(&b);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "the reference labels %s have %d famil%s the combined model was not fitted on, "
                           "so KNN against that reference makes the call (as -method knn)", labels_path, nnew, nnew == 1 ? "y" : "ies"));
  if (verbosity >= 2) fprintf(stderr, "tffam: note: %s\n", b.s);
  for (int k = 0; k < *nnet; k++) tff_model_Destroy((*nets)[k]);
  free(*nets);
  *nets = NULL; *nnet = 0;
  tff_combine_Destroy(*C);
  *C = NULL;
  *use_comb = *use_cnn = 0;
  *ret_note = b.s;   /* the buffer's string is the note */
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

/* The networks' file names and checksums as one provenance string each. */
static int
networks_provenance(TFF_MODEL *const *nets, const char *const *paths, int nnet, TFF_RESULT *R, char *errbuf)
{
  TFF_BUF f, c;
  int     status;
  tff_buf_Init(&f);
  tff_buf_Init(&c);
  for (int k = 0; k < nnet; k++) {
    TFF_CHECK(tff_buf_Printf(&f, errbuf, "%s%s", k ? "," : "", paths[k]));
    TFF_CHECK(tff_buf_Printf(&c, errbuf, "%s%s", k ? "," : "", nets[k]->checksum));
  }
  TFF_CHECK(tff_result_SetString(&R->model_file,     f.s ? f.s : "", errbuf));
  TFF_CHECK(tff_result_SetString(&R->model_checksum, c.s ? c.s : "", errbuf));
  status = tffOK;
 ERROR:
  tff_buf_Free(&f);
  tff_buf_Free(&c);
  return status;
}

/*****************************************************************
 * 4. main()
 *****************************************************************/

/* '-' (standard input) can stand for one input only: with two (-tomtom - -), the
 * first reader took all of it and the second said "standard input: not a motif
 * file", which does not name the mistake. */
static int
check_stdin_once(const TFF_OPTS *opts, char *errbuf)
{
  static const char *const inopt[] = { "ref", "ref-labels", "tomtom", "bfile", "combiner", "model" };
  char first[32] = "";
  for (int i = 0; i < tff_opts_NArgs(opts); i++)
    if (strcmp(tff_opts_Arg(opts, i), "-") == 0) {
      if (first[0]) return tff_Fail(errbuf, tffEUSAGE, "'-' (standard input) is given as two motif files; it can stand for one input only");
      snprintf(first, sizeof first, "a motif file");
    }
  for (size_t k = 0; k < sizeof inopt / sizeof inopt[0]; k++)
    if (tff_opts_IsSet(opts, inopt[k]) && strcmp(tff_opts_GetString(opts, inopt[k]), "-") == 0) {
      if (first[0]) return tff_Fail(errbuf, tffEUSAGE, "'-' (standard input) is given twice, for %s and -%s; it can stand for one input only", first, inopt[k]);
      snprintf(first, sizeof first, "-%s", inopt[k]);
    }
  return tffOK;
}

int
main(int argc, char **argv)
{
  char          errbuf[TFF_ERRBUFSIZE] = "";
  char          crc[9], labels_crc[9] = "", comb_crc[9] = "";
  TFF_OPTS     *opts  = NULL;
  TFF_MOTIFSET *set   = NULL, *refs = NULL;
  TFF_LABELS   *L     = NULL;
  TFF_MODEL   **nets  = NULL;       /* the conv net (-method both|cnn) or the combiner's networks */
  TFF_COMBINER *C     = NULL;
  TFF_KNN_TABLE *T    = NULL, *TX = NULL;
  TFF_TOMTOM   *tt    = NULL;       /* -tomtom: the user's run */
  TFF_RESULT   *R     = NULL;
  char        **fam   = NULL, **netfam = NULL;
  int          *lab2r = NULL, *mod2r = NULL, *refy = NULL, nfam = 0, nnet = 0;
  TFF_OUTDIR    od    = { 0 };
  char        **ids   = NULL, **idxv = NULL;
  char         *note  = NULL;       /* a fallback the reports must mention */
  char         *tpl_path = NULL;
  const char   *outdir = NULL;
  TFFAM_PLAN    P     = { 0 };      /* method, level and data files (resolve_plan) */
  int           status = tffOK, nids, nidx, use_cnn, use_knn, use_comb, text, verbosity, metric = 0;
  int           metrics = 0, kmax = 0, chunk, ig_steps;
  double       *probs = NULL;
  double        t0 = (double) clock();

  if ((status = tff_opts_Parse(tffam_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, tffam_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) {
    tff_opts_PrintHelp(stdout, usage, purpose, tffam_opts);
    if ((status = tff_cite_Print(stdout, errbuf)) != tffOK) goto ERROR;
    TFF_CHECK(tff_FlushStdout(errbuf));
    goto DONE;
  }
  if (tff_opts_NArgs(opts) < 1) {
    fprintf(stderr, "tffam: error: expected a motif file (or several)\n");
    tff_opts_PrintHelp(stderr, usage, NULL, tffam_opts);
    status = tffEUSAGE;
    goto DONE;
  }

  /* Which options go together (the table's requires/incompatible columns), before any work */
  TFF_CHECK(tff_opts_Verify(opts, errbuf));
  TFF_CHECK(check_stdin_once(opts, errbuf));
  verbosity = tff_opts_GetInt(opts, "verbosity");
  text      = tff_opts_GetFlag(opts, "text");

  /* Queries */
  nids = tff_opts_GetList(opts, "m", &ids);
  nidx = tff_opts_GetList(opts, "mi", &idxv);
  TFF_CHECK(read_queries(opts, verbosity, &set, errbuf));
  TFF_CHECK(tff_motifset_SelectArgs(set, ids, nids, idxv, nidx, errbuf));
  if (tff_opts_IsSet(opts, "bfile")) {
    TFF_CHECK(tff_bg_Read(tff_opts_GetString(opts, "bfile"), set->bg, errbuf));
    if (!tff_bg_KeepsMotifs(tff_opts_GetString(opts, "bfile"))) set->has_bg = 1;
  }
  if (tff_opts_GetFlag(opts, "dump-motifs")) {
    TFF_CHECK(tff_io_WriteMeme(stdout, set, errbuf));
    TFF_CHECK(tff_FlushStdout(errbuf));
    goto DONE;
  }
  if (tff_opts_GetFlag(opts, "list")) {
    TFF_CHECK(list_motifs(set, errbuf));
    TFF_CHECK(tff_FlushStdout(errbuf));
    goto DONE;
  }

  /* Method, level, data files; then the networks: the combiner's, or one model */
  TFF_CHECK(resolve_plan(opts, verbosity, &P, errbuf));
  use_comb = P.use_comb; use_cnn = P.use_cnn; use_knn = P.use_knn;
  if (use_comb) TFF_CHECK(load_combiner(P.comb_path, P.comb_lev, &C, comb_crc, &nets, &nnet, errbuf));
  else if (use_cnn) {
    TFF_CALLOC(nets, 1, sizeof *nets);
    TFF_CHECK(tff_model_Read(P.model_path, &nets[0], errbuf));
    nnet = 1;
  }

  /* Reference set and labels */
  if (use_knn) {
    TFF_CHECK(tff_io_ReadMotifs(P.ref_path, &refs, errbuf));
    {   /* read once: the labels and the CRC-32 the reports record (standard input, a pipe) */
      TFF_BUF lb;
      tff_buf_Init(&lb);
      status = tff_io_SlurpKind(P.labels_path, "labels file", &lb, errbuf);
      if (status == tffOK) {
        tff_Crc32Hex(lb.s ? lb.s : "", lb.n, labels_crc);
        status = tff_labels_Parse(P.labels_path, lb.s ? lb.s : "", lb.n, refs, TFF_LABELS_MULTI, &L, errbuf);
      }
      tff_buf_Free(&lb);
      if (status != tffOK) goto ERROR;
    }
  }
  if (use_comb && L) TFF_CHECK(own_reference(opts, verbosity, L, P.labels_path, &C, &nets, &nnet, &use_comb, &use_cnn, &note, errbuf));
  if (!text) TFF_CHECK(tff_DataPath(TFF_REPORT_TEMPLATE, &tpl_path, errbuf));

  /* Output directory: refuse a bad -o before the work */
  if (!text) {
    int clobber = !tff_opts_IsSet(opts, "o");
    outdir = clobber ? tff_opts_GetString(opts, "oc") : tff_opts_GetString(opts, "o");
    TFF_CHECK(tff_outdir_Open(outdir, clobber, &od, errbuf));
    static const char *const own[3] = { TFF_REPORT_TSV, TFF_REPORT_XML, TFF_REPORT_HTML };
    TFF_CHECK(tff_outdir_CheckNames(&od, own, 3, errbuf));
  }

  /* Results, over the union of the labels' and the networks' families */
  if (use_comb) netfam = C->fam;
  else if (nnet > 0) netfam = nets[0]->fam;
  TFF_CHECK(family_union(L ? L->fam : NULL, L ? L->nfam : 0, netfam, netfam ? (use_comb ? C->nfam : nets[0]->nfam) : 0,
                         &fam, &nfam, &lab2r, &mod2r, errbuf));
  TFF_CHECK(tff_result_Create(set->n, nfam, fam, &R, errbuf));
  for (int i = 0; i < set->n; i++) R->q[i].motif = set->m[i];
  memcpy(R->qbg, set->bg, sizeof R->qbg);
  R->top_k       = tff_opts_GetInt(opts, "top-k");
  R->xml_no_positions = tff_opts_GetFlag(opts, "xml-no-positions");
  R->min_prob    = tff_opts_GetReal(opts, "min-prob");
  R->nsig_evalue = tff_opts_GetReal(opts, "nsig-evalue");
  R->second_prob = use_comb ? tff_opts_GetReal(opts, "second-prob") : NAN;
  R->partner_evalue = use_comb ? tff_opts_GetReal(opts, "partner-evalue") : NAN;   /* 0: never (tff_result_Partner) */
  if (use_comb && !C->novel_use && tff_opts_IsSet(opts, "novelty") && verbosity >= 2)
    fprintf(stderr, "tffam: warning: -novelty: the combiner %s has no novelty model (those of -level class and family have one); "
                    "no call is no_known_family\n", P.comb_path);
  /* the threshold in effect (reported in every output): none without a novelty model */
  if (use_comb && C->novel_use)
    R->novelty_thresh = tff_opts_IsSet(opts, "novelty") ? tff_opts_GetReal(opts, "novelty") : C->novel_thresh;
  TFF_CHECK(tff_result_SetDate(R, errbuf));
  TFF_CHECK(provenance_cmdline(opts, R, errbuf));
  TFF_CHECK(tff_result_SetString(&R->version,      PACKAGE_VERSION, errbuf));
  TFF_CHECK(tff_result_SetString(&R->query_file,   set->source, errbuf));
  TFF_CHECK(tff_result_SetString(&R->query_format, set->format, errbuf));
  TFF_CHECK(tff_result_SetString(&R->level,        P.lev->def->name, errbuf));
  if (note) TFF_CHECK(tff_result_SetString(&R->note, note, errbuf));
  if (use_knn) {
    kmax = tff_opts_GetInt(opts, "k") > tff_opts_GetInt(opts, "nnb") ? tff_opts_GetInt(opts, "k") : tff_opts_GetInt(opts, "nnb");
    metric  = tff_knn_MetricIndex(tff_opts_GetString(opts, "dist"));
    metrics = (metric == tffKNN_ENSEMBLE || use_comb) ? ((1 << tffKNN_ED) | (1 << tffKNN_PEARSON) | (1 << tffKNN_SANDELIN)) : (1 << metric);
    if (use_comb && kmax < tff_combine_Kmax(C)) kmax = tff_combine_Kmax(C);
    TFF_ALLOC(refy, sizeof(int) * (size_t) (refs->n + 1));
    for (int i = 0; i < refs->n; i++) refy[i] = L->y[i] >= 0 ? lab2r[L->y[i]] : -1;
    TFF_CHECK(tff_result_SetRefs(R, refs->m, refs->n, refy, errbuf));
    if (L->nmulti > 0) {
      for (int i = 0; i < refs->n; i++) refy[i] = L->y2[i] >= 0 ? lab2r[L->y2[i]] : -1;
      TFF_CHECK(tff_result_SetRefs2(R, refy, errbuf));
    }
    tff_motifset_Checksum(refs, crc);
    TFF_CHECK(tff_result_SetString(&R->ref_file,        P.ref_path, errbuf));
    TFF_CHECK(tff_result_SetString(&R->ref_checksum,    crc, errbuf));
    TFF_CHECK(tff_result_SetString(&R->labels_file,     P.labels_path, errbuf));
    TFF_CHECK(tff_result_SetString(&R->labels_checksum, labels_crc, errbuf));
  }
  if (use_comb) {
    const char *owner = P.comb_lev ? P.lev->def->name : tff_level_Owner(tffLEVEL_COMBINER, comb_crc);
    TFF_CHECK(tff_result_SetString(&R->combiner_file, P.comb_path, errbuf));
    TFF_CHECK(tff_result_SetString(&R->combiner_checksum, comb_crc, errbuf));
    TFF_CHECK(tff_result_SetString(&R->model_level, owner ? owner : "", errbuf));   /* the '# level:' line */
    TFF_CHECK(networks_provenance(nets, (const char *const *) C->net, nnet, R, errbuf));
  } else if (use_cnn) {
    char        fcrc[9];
    const char *owner = P.lev->def->name;
    if (!P.model_lev) { tff_model_FileCrc(nets[0], fcrc); owner = tff_level_Owner(tffLEVEL_MODEL, fcrc); }
    TFF_CHECK(tff_result_SetString(&R->model_level, owner ? owner : "", errbuf));
    TFF_CHECK(networks_provenance(nets, (const char *const *) &P.model_path, 1, R, errbuf));
  }
  ig_steps = use_cnn ? tff_opts_GetInt(opts, "ig-steps") : 0;
  if (use_cnn && !importance_possible(nets, nnet, ig_steps, verbosity, R)) ig_steps = 0;

  /* Classification, streamed: the queries go through in chunks, each compared,
   * classified and attributed; only what the reports print is kept in R, and a
   * chunk's neighbour tables are freed before the next (issue 19, item 12).
   * Every query's result is its own (no step looks at another query), so the
   * reports do not depend on the chunk size. A user's Tomtom run is merged in
   * one chunk (its rows are already in memory). */
  chunk = TFFAM_CHUNK;
  if (getenv("TFFAM_CHUNK") && atoi(getenv("TFFAM_CHUNK")) > 0) chunk = atoi(getenv("TFFAM_CHUNK"));   /* tests */
  if (tff_opts_IsSet(opts, "tomtom") || chunk > set->n) chunk = set->n > 0 ? set->n : 1;
  if (use_cnn && !use_comb) TFF_ALLOC(probs, sizeof(double) * (size_t) chunk * (size_t) nets[0]->nfam);
  {
    int  v     = verbosity;
    long units = (use_knn ? popcount(metrics) : 0) + (use_comb && tff_combine_NeedsExtra(C) ? 1 : 0) + (ig_steps > 0 ? 1 : 0);
    tff_progress_Start(&tffam_progress, stderr, v >= 3 ? 2 : v >= 2 ? 1 : 0, "tffam",
                       "classifying (query x step, each column score and the importance)", (long) set->n * units);
  }
  for (int q0 = 0; q0 == 0 || q0 < set->n; q0 += chunk) {   /* no query: one empty chunk, as before */
    TFF_MOTIFSET sub = *set;   /* a view of the chunk's queries (not owned) */
    sub.m = set->m + q0;
    sub.n = set->n - q0 < chunk ? set->n - q0 : chunk;
    if (use_knn) {
      TFF_CHECK(knn_table(opts, &sub, refs, P.ref_path, metrics, kmax, &tffam_progress, &T, &tt, errbuf));
      /* Tomtom skips queries wider than 100 columns; so does the comparison: such a
       * query has no neighbours (KNN columns NA, Best_E-value = the number of
       * reference motifs, flagged not_significant); the combined call rests on the network. */
      for (int i = 0; i < sub.n && verbosity >= 2; i++)
        if (sub.m[i]->w > TFF_CMP_MAX_QUERY_W)
          fprintf(stderr, "tffam: warning: query %s is wider than %d columns: not compared with the reference motifs (no neighbours)\n",
                  sub.m[i]->id, TFF_CMP_MAX_QUERY_W);
      if (tt) TFF_CHECK(tomtom_provenance(tt, set->n, R, errbuf));
      TFF_CHECK(fill_knn(opts, T, q0, metric, L, lab2r, R, errbuf));
    }
    if (use_comb) {
      TFF_CHECK(extra_table(opts, C, &sub, refs, &tffam_progress, &TX, errbuf));
      TFF_CHECK(fill_combined(C, nets, nnet, &sub, q0, T, TX, refs, L, R, errbuf));
    } else if (use_cnn) {
      TFF_CHECK(tff_cnn_PredictBatch(nets[0]->net, sub.m, sub.n, probs, errbuf));
      TFF_CHECK(fill_cnn(probs, sub.n, nets[0]->nfam, mod2r, q0, R, errbuf));
    }
    if (ig_steps > 0)
      TFF_CHECK(fill_importance(nets, nnet, ig_steps, tff_opts_GetInt(opts, "threads"), q0, q0 + sub.n, &tffam_progress, R, errbuf));
    tff_knn_table_Destroy(T);  T  = NULL;
    tff_knn_table_Destroy(TX); TX = NULL;
  }
  tff_progress_End(&tffam_progress);

  /* Reports */
  if (text) {
    TFF_CHECK(tff_report_WriteTSV(stdout, R, errbuf));
    TFF_CHECK(tff_FlushStdout(errbuf));
  } else {
    TFF_CHECK(tff_report_WriteDir(&od, tpl_path, R, errbuf));
    TFF_CHECK(tff_outdir_Commit(&od, errbuf));
  }
  if (verbosity >= 2 && !text)
    fprintf(stderr, "tffam: %d motif%s classified (%s); report in %s%s\n", set->n, set->n == 1 ? "" : "s",
            use_comb ? "combined model" : use_cnn && use_knn ? "conv net and KNN" : use_cnn ? "conv net" : "KNN", outdir,
            outdir[0] && outdir[strlen(outdir) - 1] == '/' ? "" : "/");   /* -oc out/ or -oc /: one slash */
  if (verbosity >= 3)
    fprintf(stderr, "tffam: %.2f s CPU\n", ((double) clock() - t0) / CLOCKS_PER_SEC);
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, tffam_opts);
 DONE:
  tff_outdir_Abort(&od);
  tff_result_Destroy(R);
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(TX);
  tff_tomtom_Destroy(tt);
  for (int k = 0; k < nnet; k++) tff_model_Destroy(nets[k]);
  free(nets);
  tff_combine_Destroy(C);
  free(fam); free(lab2r); free(mod2r); free(refy); free(probs);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(refs);
  tff_motifset_Destroy(set);
  free(note);
  plan_Free(&P);
  free(tpl_path);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
