/* tffam: predict a transcription factor's structural family from its DNA motif.
 *
 * This is the program users run after STREME, MEME or Tomtom. At this stage
 * it reads motif files (any supported format) and, with -list, lists what it read.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "tff_io.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_util.h"

static const TFF_OPTDEF tffam_opts[] = {
  { "list",         tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,       "list the motifs read (id, alt, width, nsites) and stop" },
  { "dump-motifs",  tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,       "write the motifs as read, in MEME text format, to stdout and stop" },
  { "m",            tffOPT_LIST,   NULL,   NULL, NULL, NULL, "<id>",     "use only the query motif with this id" },
  { "mi",           tffOPT_LIST,   NULL,   NULL, NULL, NULL, "<index>",  "use only the query motif with this 1-based index" },
  { "bfile",        tffOPT_STRING, NULL,   NULL, NULL, NULL, "<file>",   "background frequencies (MEME -bfile format); default: the motif file's" },
  { "motif-pseudo", tffOPT_REAL,   "0.1",  "0",  NULL, NULL, "<x>",      "pseudocount added to query motifs, weighted by the background" },
  { "verbosity",    tffOPT_INT,    "2",    "1",  "5",  NULL, "<1..5>",   "how much to say on stderr" },
  { "version",      tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,       "print the version and exit" },
  { "h",            tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,       "print this help and exit" },
  { "help",         tffOPT_FLAG,   NULL,   NULL, NULL, NULL, NULL,       "print this help and exit" },
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }
};

static const char *usage   = "tffam [options] <motif file>";
static const char *purpose = "Predict the structural family (TFClass, as JASPAR annotates it) of each DNA motif.\n"
                             "Motif files: MEME text, MEME/STREME/DREME XML, JASPAR; gzip accepted; '-' is stdin.";

/* Parse -mi values into integers; a non-number is a usage error. */
static int
parse_indices(char **vals, int n, int **ret_idx, char *errbuf)
{
  int *idx = NULL, status;
  TFF_CALLOC(idx, (size_t) n, sizeof(int));
  for (int i = 0; i < n; i++) {
    char *end;
    long  v = strtol(vals[i], &end, 10);
    if (*vals[i] == '\0' || *end != '\0' || v < 1 || v > 100000000)
      TFF_FAIL(tffEUSAGE, errbuf, "-mi needs a motif number (1, 2, ...), not '%s'", vals[i]);
    idx[i] = (int) v;
  }
  *ret_idx = idx;
  return tffOK;
 ERROR:
  free(idx);
  *ret_idx = NULL;
  return status;
}

static int
list_motifs(const TFF_MOTIFSET *set, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(stdout, errbuf, "# %s: %d motifs, %s\n", set->source, set->n, set->format));
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    TFF_CHECK(tff_Fprintf(stdout, errbuf, "%s\t%s\t%d\t%g\n", m->id, m->alt ? m->alt : "", m->w, m->nsites));
  }
  return tffOK;
 ERROR:
  return status;
}

int
main(int argc, char **argv)
{
  char          errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS     *opts = NULL;
  TFF_MOTIFSET *set  = NULL;
  int          *idx  = NULL;
  char        **ids  = NULL, **idxv = NULL;
  int           status = tffOK, nids, nidx;

  if ((status = tff_opts_Parse(tffam_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, tffam_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); goto DONE; }
  if (tff_opts_GetFlag(opts, "h") || tff_opts_GetFlag(opts, "help")) {
    tff_opts_PrintHelp(stdout, usage, purpose, tffam_opts);
    goto DONE;
  }
  if (tff_opts_NArgs(opts) != 1) {
    fprintf(stderr, "tffam: error: expected one motif file, got %d\n", tff_opts_NArgs(opts));
    tff_opts_PrintHelp(stderr, usage, NULL, tffam_opts);
    status = tffEUSAGE;
    goto DONE;
  }
  nids = tff_opts_GetList(opts, "m", &ids);
  nidx = tff_opts_GetList(opts, "mi", &idxv);
  TFF_CHECK(parse_indices(idxv, nidx, &idx, errbuf));
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  TFF_CHECK(tff_motifset_Select(set, ids, nids, idx, nidx, errbuf));
  if (tff_opts_IsSet(opts, "bfile")) {
    TFF_CHECK(tff_bg_Read(tff_opts_GetString(opts, "bfile"), set->bg, errbuf));
    set->has_bg = 1;
  }
  if (tff_opts_GetFlag(opts, "dump-motifs")) {
    TFF_CHECK(tff_io_WriteMeme(stdout, set, errbuf));
    TFF_CHECK(fflush(stdout) == 0 ? tffOK : tff_Fail(errbuf, tffEWRITE, "standard output: write failed"));
    goto DONE;
  }
  if (tff_opts_GetFlag(opts, "list")) {
    TFF_CHECK(list_motifs(set, errbuf));
    TFF_CHECK(fflush(stdout) == 0 ? tffOK : tff_Fail(errbuf, tffEWRITE, "standard output: write failed"));
    goto DONE;
  }
  TFF_CHECK(list_motifs(set, errbuf));
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam: error: %s\n", errbuf);
 DONE:
  free(idx);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
