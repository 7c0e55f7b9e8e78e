/* tffam-compare: Tomtom-compatible DNA motif comparison.
 *
 * A drop-in for `tomtom` 5.5.8 on DNA motifs: same options where they apply,
 * same tomtom.tsv (columns, number formats, row order, footer layout), same
 * offsets, strands, overlaps, p-, E- and q-values (see tff_compare.h), much
 * faster, and parallel (OpenMP; -threads or OMP_NUM_THREADS) with results
 * identical to one thread. Writes only the TSV (no XML/HTML).
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_compare.h"
#include "tff_io.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_qvalue.h"
#include "tff_util.h"

static const TFF_OPTDEF cmp_opts[] = {
  { "o",                 tffOPT_STRING, NULL,   NULL, NULL, NULL, "<dir>",   NULL, "oc: give one output directory", "output directory; refuse to overwrite it" },
  { "oc",                tffOPT_STRING, NULL,   NULL, NULL, NULL, "<dir>",   NULL, NULL, "output directory; if it exists, only tomtom.tsv in it is replaced (a warning names an earlier tomtom.html or tomtom.xml, which are kept); refused while another run writes it (default: tffam_compare_out)" },
  { "text",              tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "write the TSV to standard output instead of a directory (overrides -o and -oc, as in Tomtom)" },
  { "m",                 tffOPT_LIST,   NULL,   NULL, NULL, NULL, "<id>",    NULL, NULL, "use only the query motif with this id (an id not in the file is passed over with a warning while another -m or -mi selects a motif, as Tomtom)" },
  { "mi",                tffOPT_LIST,   NULL,   NULL, NULL, NULL, "<index>", NULL, NULL, "use only the query motif with this 1-based index (its number in the file, motifs with a repeated id counted, as Tomtom; a number past the last motif is passed over as -m's missing id)" },
  { "thresh",            tffOPT_REAL,   "0.5",  "0",  NULL, NULL, "<x>",     NULL, NULL, "report matches with q-value (E-value with -evalue) <= x" },
  { "q-thresh",          tffOPT_REAL,   NULL,   "0",  NULL, NULL, "<x>",     NULL, NULL, "deprecated synonym of -thresh" },
  { "evalue",            tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "threshold on E-values instead of q-values" },
  { "dist",              tffOPT_STRING, "ed",   NULL, NULL, "ed|pearson|sandelin|kullback|allr", "<metric>", NULL, NULL, "column score" },
  { "internal",          tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "only alignments where one motif contains the other" },
  { "min-overlap",       tffOPT_INT,    "1",    "0",  NULL, NULL, "<n>",     NULL, NULL, "minimum overlap of query and target" },
  { "motif-pseudo",      tffOPT_REAL,   "0.1",  "0",  NULL, NULL, "<x>",     NULL, NULL, "pseudocount added to every motif, weighted by the background; with 0, -dist allr drops the motifs with a probability of 0 (as Tomtom) and -dist kullback refuses them" },
  { "norc",              tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "do not score the reverse complements of the targets" },
  { "incomplete-scores", tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "ignore unaligned columns in the scores" },
  { "bfile",             tffOPT_STRING, NULL,   NULL, NULL, NULL, "<file>",  NULL, "dist=ed|pearson|sandelin|kullback: only -dist allr uses a background", "background (allr only; a file, --uniform--, --nrdb-- or --motif--); default: the query file's" },
  { "xalph",             tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "take target motifs of another alphabet (RNA or DNA) as the query file's; without it they are refused, as by Tomtom" },
  { "no-ssc",            tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "accepted for compatibility (no logos are drawn)" },
  { "png",               tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "accepted for compatibility (no logos are drawn)" },
  { "eps",               tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,      NULL, NULL, "accepted for compatibility (no logos are drawn)" },
  { "time",              tffOPT_REAL,   NULL,   NULL, NULL, NULL, "<s>",     NULL, NULL, "accepted for compatibility (Tomtom's limit on the run time in seconds, > 0; no limit is applied)" },
  TFF_OPTS_THREADS("threads to use (0: all cores, or OMP_NUM_THREADS)"),
  TFF_OPTS_VERBOSITY("1: errors only; 2: warnings; 3: timing"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

static const char *usage   = "tffam-compare [options] <query motif file> <target motif file>+";
static const char *purpose = "Compare DNA motifs as Tomtom 5.5.8 does (same tomtom.tsv), faster.";

/* A motif file's alphabet, for messages. */
static const char *
alph_desc(const TFF_MOTIFSET *set)
{
  if (set->rna) return set->nocomp ? "RNA (ACGU)" : "a custom alphabet of ACGU with complements";
  return set->nocomp ? "a custom alphabet of ACGT without complements" : "DNA (ACGT)";
}

/* After -oc DIR (or the default directory): an earlier Tomtom run's HTML and
 * XML in DIR sit beside the new tomtom.tsv and disagree with it. They may be
 * the user's only copy, so they stay (-oc replaces only what this run
 * writes); say so. */
static void
warn_stale(const char *dir)
{
  static const char *const stale[] = { "tomtom.html", "tomtom.xml" };
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  for (size_t k = 0; k < sizeof stale / sizeof stale[0]; k++) {
    char        p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%.*s/%s", (int) n, dir, stale[k]);
    if (stat(p, &st) == 0)
      fprintf(stderr, "tffam-compare: warning: %s is from an earlier run and does not match the new tomtom.tsv "
              "(tffam-compare writes tomtom.tsv only); it was left as it was\n", p);
  }
}

/* -dist allr: Tomtom 5.5.8 drops every motif with a probability of 0, query or target
 * (read_motifs_and_background in motif-db.c, with allr's dist_allow_zeros false in
 * tomtom.c), and says so; only -motif-pseudo 0 leaves a zero. Tomtom keeps the motif of
 * a file of one motif (its check runs for files of two or more), whose allr scores are
 * then infinite or NaN; it is dropped here too. Kullback, which Tomtom does not guard,
 * is refused by the comparison instead (tff_cmp_ZeroRow()). *ret_n: motifs left. */
static int
drop_zero_motifs(TFF_MOTIFSET *set, const double bg[4], double pseudo, int verbosity, int *ret_n, char *errbuf)
{
  char   *keep = NULL;
  int     nkeep = 0, ndrop = 0, status;
  TFF_BUF ids;

  tff_buf_Init(&ids);
  TFF_CALLOC(keep, (size_t) set->n + 1, 1);
  for (int i = 0; i < set->n; i++) {
    TFF_CMP_MOTIF m;
    int           row;
    TFF_CHECK(tff_cmp_PrepareMotif(set->m[i], bg, pseudo, &m, errbuf));
    row = tff_cmp_ZeroRow(&m);
    tff_cmp_motif_Free(&m);
    if (row == 0) { keep[i] = 1; nkeep++; continue; }
    if (ndrop++ < 5) TFF_CHECK(tff_buf_Printf(&ids, errbuf, "%s%s", ndrop > 1 ? ", " : "", set->m[i]->id));
  }
  if (ndrop > 0 && verbosity >= 2)
    fprintf(stderr, "tffam-compare: warning: %s: %d motif%s dropped (%s%s): a probability of 0, whose logarithm -dist allr "
            "takes; Tomtom drops them too (give -motif-pseudo above 0 to keep them)\n", set->source, ndrop, ndrop > 1 ? "s" : "",
            ids.s, ndrop > 5 ? ", ..." : "");
  if (ndrop > 0) TFF_CHECK(tff_motifset_Keep(set, keep, errbuf));   /* none may be left */
  *ret_n = nkeep;
  status = tffOK;
 ERROR:
  free(keep);
  tff_buf_Free(&ids);
  return status;
}

int
main(int argc, char **argv)
{
  char           errbuf[TFF_ERRBUFSIZE] = "";
  char           note[TFF_ERRBUFSIZE];
  TFF_OPTS      *opts = NULL;
  TFF_MOTIFSET  *qset = NULL, **tsets = NULL;
  TFF_MOTIF    **targets = NULL;
  int           *dbidx = NULL, ntsets = 0, ntargets = 0;
  TFF_CMP_DB    *db = NULL;
  TFF_CMP_MOTIF *queries = NULL;
  TFF_CMP_HIT   *hits = NULL;
  TFF_CMP_WORK **work = NULL;
  double        *sp = NULL;
  TFF_MT        *snap = NULL;
  int           *need = NULL, *order = NULL;
  int            chunk = 0;      /* queries compared between two writes */
  TFF_BUF       *rows = NULL;
  struct scratch_s { double *qv; TFF_CMP_HIT *top; char *seen, *qcons; } *scratch = NULL;
  FILE          *out = NULL;
  TFF_OUTDIR     od;
  int            have_od = 0;
  int            nthreads = 1, nq = 0, status = tffOK;
  char         **ids = NULL, **idxv = NULL, *missing = NULL;
  TFF_CMP_CFG    cfg;
  TFF_MT         rng;
  double         bg[4];

  if ((status = tff_opts_Parse(cmp_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-compare: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, cmp_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, cmp_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }

  /* options (which go together: the table's requires/incompatible columns) */
  TFF_CHECK(tff_opts_Verify(opts, errbuf));
  tff_cmp_DefaultConfig(&cfg);
  cfg.metric      = tff_colcmp_Metric(tff_opts_GetString(opts, "dist"));
  cfg.pseudo      = tff_opts_GetReal(opts, "motif-pseudo");
  cfg.min_overlap = tff_opts_GetInt(opts, "min-overlap");
  cfg.norc        = tff_opts_GetFlag(opts, "norc");
  cfg.incomplete  = tff_opts_GetFlag(opts, "incomplete-scores");
  cfg.internal    = tff_opts_GetFlag(opts, "internal");
  const int    use_evalue = tff_opts_GetFlag(opts, "evalue");
  const int    verbosity  = tff_opts_GetInt(opts, "verbosity");
  const double thresh     = tff_opts_IsSet(opts, "q-thresh") && !tff_opts_IsSet(opts, "thresh")
                              ? tff_opts_GetReal(opts, "q-thresh") : tff_opts_GetReal(opts, "thresh");
  if (tff_opts_IsSet(opts, "time") && !(tff_opts_GetReal(opts, "time") > 0))
    TFF_FAIL(tffEUSAGE, errbuf, "-time must be more than 0 seconds, not %g", tff_opts_GetReal(opts, "time"));
  if (!use_evalue && thresh > 1)
    TFF_FAIL(tffEUSAGE, errbuf, "-thresh (%g) must be at most 1 unless -evalue is given", thresh);
  if (tff_opts_NArgs(opts) < 2)
    TFF_FAIL(tffEUSAGE, errbuf, "%s", tff_opts_NArgs(opts) == 0 ? "no query motif file given" : "no target motif file given");
#ifdef _OPENMP
  nthreads = tff_opts_GetInt(opts, "threads");
  if (nthreads > 0) omp_set_num_threads(nthreads);
  nthreads = omp_get_max_threads();
#endif

  /* motifs: the query file gives the background, targets may come from several files */
  int nids = tff_opts_GetList(opts, "m", &ids);
  int nidx = tff_opts_GetList(opts, "mi", &idxv);
  /* as Tomtom: -m/-mi select by id or by number in the file, then a repeated id is skipped */
  TFF_CHECK(tff_io_ReadMotifsSelect(tff_opts_Arg(opts, 0), tffIO_SKIP_DUP_IDS, ids, nids, idxv, nidx, &qset, &missing, errbuf));
  if (missing && verbosity >= 2)
    fprintf(stderr, "tffam-compare: warning: %s: %s: ignored, as Tomtom ignores them\n", qset->source, missing);
  if (verbosity >= 2 && tff_motifset_SkipNote(qset, note, sizeof note))
    fprintf(stderr, "tffam-compare: warning: %s: %s (as Tomtom)\n", qset->source, note);
  {   /* Tomtom compares the given strand only when the query alphabet has no
       * complements (MEME's RNA), and then leaves the background unsymmetrised */
    double filebg[4];
    memcpy(filebg, qset->bg, sizeof filebg);
    if (tff_opts_IsSet(opts, "bfile")) TFF_CHECK(tff_bg_Read(tff_opts_GetString(opts, "bfile"), filebg, errbuf));
    tff_cmp_Alphabet(qset->nocomp, filebg, bg, &cfg);
  }
  if (cfg.metric == tffCOL_ALLR) {
    int nleft;
    TFF_CHECK(drop_zero_motifs(qset, bg, cfg.pseudo, verbosity, &nleft, errbuf));
    if (nleft == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no usable query motif: every one has a probability of 0, whose logarithm "
                             "-dist allr takes (give -motif-pseudo above 0)", qset->source);
  }
  ntsets = tff_opts_NArgs(opts) - 1;
  TFF_CALLOC(tsets, (size_t) ntsets, sizeof *tsets);
  for (int f = 0; f < ntsets; f++) {
    TFF_CHECK(tff_io_ReadMotifsFlags(tff_opts_Arg(opts, f + 1), tffIO_SKIP_DUP_IDS, &tsets[f], errbuf));
    if ((tsets[f]->rna != qset->rna || tsets[f]->nocomp != qset->nocomp) && !tff_opts_GetFlag(opts, "xalph"))
      TFF_FAIL(tffEFORMAT, errbuf, "%s: its motifs are %s, the query file's (%s) %s; Tomtom refuses targets of another "
               "alphabet: give -xalph to take them as the query file's", tsets[f]->source, alph_desc(tsets[f]),
               qset->source, alph_desc(qset));
    if (verbosity >= 2 && tff_motifset_SkipNote(tsets[f], note, sizeof note))
      fprintf(stderr, "tffam-compare: warning: %s: %s (as Tomtom)\n", tsets[f]->source, note);
    if (cfg.metric == tffCOL_ALLR) {   /* a file may be left with none (all of them: an error below) */
      int nleft;
      TFF_CHECK(drop_zero_motifs(tsets[f], bg, cfg.pseudo, verbosity, &nleft, errbuf));
    }
    ntargets += tsets[f]->n;
  }
  if (ntargets < 1) TFF_FAIL(tffEFORMAT, errbuf, "the target files hold no motifs%s",
                             cfg.metric == tffCOL_ALLR ? " without a probability of 0 (-dist allr takes its logarithm: give -motif-pseudo above 0)" : "");
  TFF_CALLOC(targets, (size_t) ntargets, sizeof *targets);
  TFF_CALLOC(dbidx, (size_t) ntargets, sizeof *dbidx);
  for (int f = 0, k = 0; f < ntsets; f++)
    for (int i = 0; i < tsets[f]->n; i++, k++) { targets[k] = tsets[f]->m[i]; dbidx[k] = f; }
  if (ntargets < 50 && verbosity >= 2)
    fprintf(stderr, "tffam-compare: warning: target database size too small (%d) for accurate p-values; provide at least 50 motifs\n", ntargets);
  TFF_CHECK(tff_cmp_db_Create(targets, ntargets, dbidx, bg, &cfg, &db, errbuf));
  if (qset->rna)   /* the consensus letters are the query alphabet's (targets taken as it, -xalph) */
    for (int i = 0; i < db->nhits; i++) for (char *c = db->cons[i]; *c; c++) if (*c == 'T') *c = 'U';

  /* queries: Tomtom skips those wider than 100 columns */
  TFF_CALLOC(queries, (size_t) qset->n + 1, sizeof *queries);
  for (int i = 0; i < qset->n; i++) {
    if (qset->m[i]->w > TFF_CMP_MAX_QUERY_W) {
      if (verbosity >= 2) fprintf(stderr, "tffam-compare: warning: skipping query %s: wider than %d columns\n", qset->m[i]->id, TFF_CMP_MAX_QUERY_W);
      continue;
    }
    TFF_CHECK(tff_cmp_PrepareMotif(qset->m[i], bg, cfg.pseudo, &queries[nq++], errbuf));
    /* -dist kullback -motif-pseudo 0: a query with a 0 is refused here, before the
     * table's first line is written (in the comparison it came after it, as an
     * out-of-memory error, exit status 2) */
    TFF_CHECK(tff_cmp_CheckLogs(&cfg, &queries[nq - 1], "query", errbuf));
  }
  if (nq == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no usable query motif", tff_opts_Arg(opts, 0));

  /* output: Tomtom's -text overrides -o and -oc (no directory is made) */
  if (tff_opts_GetFlag(opts, "text")) {
    const char *dopt = tff_opts_IsSet(opts, "o") ? "o" : tff_opts_IsSet(opts, "oc") ? "oc" : NULL;
    out = stdout;
    if (verbosity >= 2 && dopt)
      fprintf(stderr, "tffam-compare: warning: -text writes to standard output; -%s %s is not used (as in Tomtom)\n",
              dopt, tff_opts_GetString(opts, dopt));
  }
  else {
    const char *dir = tff_opts_IsSet(opts, "o") ? tff_opts_GetString(opts, "o")
                    : tff_opts_IsSet(opts, "oc") ? tff_opts_GetString(opts, "oc") : "tffam_compare_out";
    TFF_CHECK(tff_outdir_Open(dir, !tff_opts_IsSet(opts, "o"), &od, errbuf));
    have_od = 1;
    TFF_CHECK(tff_outdir_Fopen(&od, "tomtom.tsv", &out, errbuf));
  }
  TFF_CHECK(tff_Fprintf(out, errbuf, "Query_ID\tTarget_ID\tOptimal_offset\tp-value\tE-value\tq-value\tOverlap\tQuery_consensus\tTarget_consensus\tOrientation\n"));

  /* compare: chunks of queries. Per chunk: (1, parallel) compare each query
   * with every target and sort its p-values, while one thread moves Tomtom's
   * random stream (which Tomtom does not reseed between queries) to where
   * each query of the chunk starts to draw; (2, parallel) q-values, the rows
   * to print in Tomtom's order, formatted; (3) write them in query order. */
  /* chunks of 64 queries per thread up to 128 (few chunk ends, where threads
   * wait for each other), at least 16 per thread: memory grows with chunk * nh */
  chunk = 64 * nthreads;
  if (chunk > 128) chunk = 128;
  if (chunk < 16 * nthreads) chunk = 16 * nthreads;
  const int nh = db->nhits;
  TFF_ALLOC(hits, sizeof(TFF_CMP_HIT) * (size_t) nh * (size_t) chunk);
  TFF_ALLOC(sp, sizeof(double) * (size_t) nh * (size_t) chunk);
  TFF_ALLOC(snap, sizeof(TFF_MT) * (size_t) chunk);
  TFF_ALLOC(need, sizeof(int) * (size_t) chunk);
  TFF_ALLOC(order, sizeof(int) * (size_t) chunk);
  TFF_CALLOC(rows, (size_t) chunk, sizeof *rows);
  for (int k = 0; k < chunk; k++) tff_buf_Init(&rows[k]);
  TFF_CALLOC(work, (size_t) nthreads, sizeof *work);
  TFF_CALLOC(scratch, (size_t) nthreads, sizeof *scratch);
  for (int t = 0; t < nthreads; t++) {
    if ((work[t] = tff_cmp_work_Create(db)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    TFF_ALLOC(scratch[t].qv, sizeof(double) * (size_t) nh);
    TFF_ALLOC(scratch[t].top, sizeof(TFF_CMP_HIT) * (size_t) nh);
    TFF_ALLOC(scratch[t].seen, (size_t) db->n);
    TFF_ALLOC(scratch[t].qcons, TFF_CMP_MAX_QUERY_W + 1);
  }
  tff_mt_Seed(&rng, 4357);
  double t0 = tff_Seconds(), tq = 0.0;
  for (int c0 = 0; c0 < nq; c0 += chunk) {
    int cn = (nq - c0 < chunk) ? nq - c0 : chunk;
    int fail = tffOK;
    char ferr[TFF_ERRBUFSIZE] = "";
    /* widest queries first (they take longest): the threads finish the chunk together */
    for (int k = 0; k < cn; k++) order[k] = k;
    for (int k = 1; k < cn; k++) {
      int v = order[k], j = k;
      while (j > 0 && queries[c0 + order[j - 1]].w < queries[c0 + v].w) { order[j] = order[j - 1]; j--; }
      order[j] = v;
    }
    #pragma omp parallel for schedule(dynamic, 1)
    for (int kk = -1; kk < cn; kk++) {
      int tid = 0;
#ifdef _OPENMP
      tid = omp_get_thread_num();
#endif
      const int k = kk < 0 ? -1 : order[kk];
      if (k < 0) {
        /* Tomtom's random stream where each query of the chunk starts to draw
         * (every query draws the same number), alongside the comparisons */
        for (int j = 0; j < cn; j++) { snap[j] = rng; tff_mt_Skip(&rng, tff_qvalue_Draws(nh)); }
        continue;
      }
      char eb[TFF_ERRBUFSIZE];
      TFF_CMP_HIT *hk = hits + (size_t) k * nh;
      double *spk = sp + (size_t) k * nh;
      int  qs;
      if ((qs = tff_cmp_Query(db, &queries[c0 + k], work[tid], hk, eb)) != tffOK) {
        #pragma omp critical
        { if (fail == tffOK) { fail = qs; strcpy(ferr, eb); } }
        continue;
      }
      /* with -evalue, a query prints something iff its smallest E passes
       * (E grows with p); q-values then, and only then, are needed */
      need[k] = 1;
      if (use_evalue && nh > 0) {
        double emin = hk[0].evalue;
        for (int j = 1; j < nh; j++) if (hk[j].evalue < emin) emin = hk[j].evalue;
        need[k] = !(emin > thresh);
      }
      if (need[k] && (qs = tff_cmp_SortedPvalues(hk, nh, spk, eb)) != tffOK) {
        #pragma omp critical
        { if (fail == tffOK) { fail = qs; strcpy(ferr, eb); } }
        continue;
      }
    }
    if (fail != tffOK) { strcpy(errbuf, ferr); status = fail; goto ERROR; }
    double t1 = tff_Seconds();
    #pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < cn; k++) {
      int tid = 0;
#ifdef _OPENMP
      tid = omp_get_thread_num();
#endif
      char eb[TFF_ERRBUFSIZE];
      const TFF_CMP_MOTIF *q = &queries[c0 + k];
      const TFF_CMP_HIT *hk = hits + (size_t) k * nh;
      const double *spk = sp + (size_t) k * nh;
      struct scratch_s *sc = &scratch[tid];
      rows[k].n = 0;
      if (!need[k]) continue;
      tff_qvalue_Compute(spk, nh, &snap[k], sc->qv);
      /* the rows printed: the first positions (Tomtom's order) whose q (or E) passes */
      int np = 0;
      if (use_evalue) {
        while (np < nh) {   /* E is a function of p: the same for tied hits */
          double e = cfg.incomplete ? spk[np] * (double) db->n : (double)(((float) spk[np] * (float) nh) / (float) db->nstr);
          if (e > thresh) break;
          np++;
        }
      } else
        while (np < nh && !(sc->qv[np] > thresh)) np++;
      if (np == 0) continue;
      tff_cmp_SortTop(db, hk, nh, spk, np, sc->top);
      {
        int i;
        for (i = 0; i < q->w; i++) {
          int best = 0; float mx = (float) q->f[i * 4];
          for (int a = 1; a < 4; a++) if (q->f[i * 4 + a] > mx) { mx = (float) q->f[i * 4 + a]; best = a; }
          sc->qcons[i] = (qset->rna ? "ACGU" : "ACGT")[best];
        }
        sc->qcons[i] = '\0';
      }
      memset(sc->seen, 0, (size_t) db->n);
      for (int j = 0; j < np; j++) {
        const TFF_CMP_HIT *h = &sc->top[j];
        if (sc->seen[h->target]) continue;
        sc->seen[h->target] = 1;
        if (tff_buf_Printf(&rows[k], eb, "%s\t%s\t%d\t%g\t%g\t%g\t%d\t%s\t%s\t%c\n",
                           q->id, db->t[h->target].id, h->offset,
                           (double)(float) h->pvalue, (double)(float) h->evalue, (double)(float) sc->qv[j],
                           h->overlap, sc->qcons, db->cons[h->target * db->nstr + h->strand],
                           h->strand ? '-' : '+') != tffOK) {
          #pragma omp critical
          { if (fail == tffOK) { fail = tffEMEM; strcpy(ferr, eb); } }
          break;
        }
      }
    }
    if (fail != tffOK) { strcpy(errbuf, ferr); status = fail; goto ERROR; }
    for (int k = 0; k < cn; k++)
      if (rows[k].n > 0 && fwrite(rows[k].s, 1, rows[k].n, out) != rows[k].n)
        TFF_FAIL(tffEWRITE, errbuf, "%s", out == stdout ? "standard output: write failed" : "write failed");   /* tff_outdir_Blame() names DIR/tomtom.tsv */
    tq += tff_Seconds() - t1;
  }
  double t2 = tff_Seconds();
  TFF_CHECK(tff_Fprintf(out, errbuf, "\n# tffam-compare (Tomtom-compatible motif comparison): Version %s\n", PACKAGE_VERSION));
  TFF_CHECK(tff_Fprintf(out, errbuf, "# The format of this file is Tomtom's tomtom.tsv, described at https://meme-suite.org/meme/doc/tomtom-output-format.html.\n"));
  {   /* the arguments as given, as Tomtom 5.5.8 writes them (MEME Suite's get_command_line():
       * one with a space or a tab between single quotes, nothing else changed; the footer
       * readers, tff_tomtom.c, take it so), but on one line */
    TFF_BUF cmd;
    tff_buf_Init(&cmd);
    status = tff_buf_Printf(&cmd, errbuf, "# tffam-compare");
    for (int i = 1; i < argc && status == tffOK; i++)
      status = tff_buf_Printf(&cmd, errbuf, strpbrk(argv[i], " \t") ? " '%s'" : " %s", argv[i]);
    if (status == tffOK) {
      tff_OneLine(cmd.s, cmd.n);
      status = tff_Fprintf(out, errbuf, "%s\n", cmd.s);
    }
    tff_buf_Free(&cmd);
    if (status != tffOK) goto ERROR;
  }
  if (out == stdout) {
    TFF_CHECK(tff_FlushStdout(errbuf));
  } else {
    FILE *o = out;
    out = NULL;
    TFF_CHECK(tff_outdir_Fclose(&od, o, "tomtom.tsv", errbuf));
    TFF_CHECK(tff_outdir_Commit(&od, errbuf));
    have_od = 0;
    if (verbosity >= 2 && !tff_opts_IsSet(opts, "o"))   /* -oc DIR, or the default directory (also replaced) */
      warn_stale(tff_opts_IsSet(opts, "oc") ? tff_opts_GetString(opts, "oc") : "tffam_compare_out");
  }
  if (verbosity >= 3)
    fprintf(stderr, "# tffam-compare: %d queries x %d targets, %s, %d threads: %.3f s (q-values and output %.3f s), %.4g pairs/s\n",
            nq, db->n, tff_colcmp_Name(cfg.metric), nthreads, t2 - t0, tq, (double) nq * db->n / (t2 - t0));
  goto DONE;

 ERROR:
  if (have_od) tff_outdir_Blame(&od, status, errbuf);
  fprintf(stderr, "tffam-compare: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, cmp_opts);
  if (out && out != stdout) { fclose(out); out = NULL; }
  if (have_od) { tff_outdir_Abort(&od); have_od = 0; }
 DONE:
  if (work) for (int t = 0; t < nthreads; t++) tff_cmp_work_Destroy(work[t]);
  free(work);
  if (scratch) for (int t = 0; t < nthreads; t++) { free(scratch[t].qv); free(scratch[t].top); free(scratch[t].seen); free(scratch[t].qcons); }
  free(scratch);
  if (rows) for (int k = 0; k < chunk; k++) tff_buf_Free(&rows[k]);
  free(rows);
  if (queries) for (int i = 0; i < nq; i++) tff_cmp_motif_Free(&queries[i]);
  free(queries);
  tff_cmp_db_Destroy(db);
  free(hits); free(sp); free(snap); free(need); free(order);
  free(targets); free(dbidx);
  if (tsets) for (int f = 0; f < ntsets; f++) tff_motifset_Destroy(tsets[f]);
  free(tsets);
  tff_motifset_Destroy(qset);
  free(missing);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
