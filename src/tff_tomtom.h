/* tff_tomtom: a user's Tomtom run (tomtom.tsv) as evidence for tffam.
 *
 * A MEME Suite user chains streme -> tomtom -> tffam and has a tomtom.tsv from
 * a run against one of MEME's motif_databases (a JASPAR CORE release, most
 * often) or against tffam's own reference. This module reads such a file,
 * works out what it is, and merges its rows into the neighbour lists tffam
 * computes itself, so that the call stays the combined model's:
 *
 *   command line  the footer's "# tomtom ..." (or "# tffam-compare ...") line
 *                 says which column score made the rows (-dist; Tomtom's
 *                 default is ed, as tffam-compare's), the target
 *                 database(s) and the settings that change p-values
 *                 (-min-overlap, -motif-pseudo, -norc, -incomplete-scores,
 *                 -internal). A file without it (an old or edited file) says
 *                 nothing: the caller must be told the metric.
 *   targets       a Target_ID is mapped to a reference motif by, in turn:
 *                 its id; its JASPAR base id (MA0139.1 -> the reference's
 *                 MA0139.x, the highest version there); and, for a database
 *                 whose file name says JASPAR (MEME's transfac2meme names
 *                 motifs by the factor: "Klf1"), the reference motif with that
 *                 name (exact, else the one name that matches ignoring case).
 *                 The reference motif's family (its JASPAR class annotation
 *                 in the labels) is then the neighbour's family. A JASPAR
 *                 target the reference does not hold (a retired matrix, a
 *                 name shared by two factors) is skipped and counted; a target
 *                 of another database (HOCOMOCO, CIS-BP, ...) is an error that
 *                 names the reference file to run Tomtom against, in full.
 *   merge         for the metric Tomtom used, a query's neighbours are
 *                 Tomtom's rows for the references they cover and tffam's own
 *                 comparison for the rest, ranked together. A row whose
 *                 p-value, strand and offset agree with tffam's own (Tomtom
 *                 prints six significant digits) is the same evidence: tffam's
 *                 full-precision numbers are kept, so a Tomtom run against the
 *                 reference with tffam's settings changes no call. A row that
 *                 differs (another database's null, other settings) is used as
 *                 Tomtom gave it, its E-value rescaled to the reference's size.
 *                 TFF_KNN_TABLE.src says where each neighbour came from.
 *
 * Contents:
 *   1. The run
 *   2. Reading
 *   3. Merging
 */
#ifndef TFF_TOMTOM_INCLUDED
#define TFF_TOMTOM_INCLUDED

#include "tff_knn.h"
#include "tff_motif.h"
#include "tff_util.h"

#define TFF_TOMTOM_UNKNOWN  (-1)   /* metric: no command line in the file */
#define TFF_TOMTOM_OTHER    (-2)   /* metric: a column score tffam does not have (allr, kullback, ...) */

/* 1. The run */
typedef struct {
  char  *path;
  char  *program;       /* "tomtom" or "tffam-compare"; NULL: no command line found */
  char  *database;      /* the target database file(s) as the command line names them; NULL if unknown */
  char   dist[32];      /* -dist as given, or the program's default; "" if unknown */
  int    metric;        /* tffKNN_ED/PEARSON/SANDELIN, TFF_TOMTOM_UNKNOWN or TFF_TOMTOM_OTHER */
  int    min_overlap;   /* -min-overlap (Tomtom's default 1) */
  double pseudo;        /* -motif-pseudo (0.1) */
  int    norc, incomplete, internal;
  double thresh;        /* -thresh (or -q-thresh; the last given): Tomtom's default 0.5 */
  int    evalue;        /* -evalue: thresh is on E-values, else on q-values */
  int    jaspar;        /* the database's file name says JASPAR */
  /* rows (tff_tomtom_Read) */
  int    nrows;         /* rows used, for the queries asked about */
  int    by_id, by_base, by_name, skipped;   /* how their targets were found, or not */
  TFF_KNN_TABLE *T;     /* the rows as neighbour lists under metric (capacity: the cap given) */
  /* merging (tff_tomtom_Merge) */
  int    same, differ;  /* rows that agreed with tffam's own comparison, rows used as given */
  int    nq_covered;    /* queries with at least one row */
} TFF_TOMTOM;

/* Function:  tff_tomtom_ParseCommandLine()
 * Synopsis:  Fill tt's program, database, dist, metric and settings from one
 *            footer line ("# tomtom -dist ed ... query.meme db.meme").
 * Returns:   tffOK (also when the line is not a command line: tt->program
 *            stays NULL); tffEMEM.
 */
int  tff_tomtom_ParseCommandLine(const char *line, TFF_TOMTOM *tt, char *errbuf);

/* Function:  tff_tomtom_CheckMetric()
 * Synopsis:  Refuse a Tomtom TSV (path; data, n bytes) whose '# tomtom' command
 *            line says another column score made it than <metric> (tffKNN_*),
 *            the one the caller will read it as; <opt> names the option that
 *            gave the file ("-tomtom-ed"), for the message. A file without a
 *            command line passes (nothing says otherwise).
 * Returns:   tffOK; tffEUSAGE ("<opt> <path> was made with ... -dist X ...");
 *            tffEMEM.
 */
int  tff_tomtom_CheckMetric(const char *opt, const char *path, const char *data, size_t n, int metric, char *errbuf);

/* Function:  tff_tomtom_FileDist()
 * Synopsis:  The column score ("ed", "kullback", ...; -dist as given, or the
 *            program's default) that a Tomtom TSV's '# tomtom' (or
 *            tffam-compare) command line says made it, into dist (dsz bytes);
 *            "" when the file has no command line. *ret_thresh and
 *            *ret_evalue: the run's -thresh (the default 0.5 if not given)
 *            and -evalue; *ret_thresh is -1 when the file has no command line.
 * Returns:   tffOK; tffEMEM.
 */
int  tff_tomtom_FileDist(const char *data, size_t n, char *dist, size_t dsz, double *ret_thresh, int *ret_evalue, char *errbuf);

/* 2. Reading */

/* Function:  tff_tomtom_Read()
 * Synopsis:  Read a tomtom.tsv for queries against the reference set refs.
 * Args:      ref_path  - the reference file, named in full in the message for
 *                        a database tffam cannot map
 *            metric    - the column score to file the rows under when the
 *                        file has no command line (TFF_TOMTOM_UNKNOWN: none
 *                        known; then, and for a metric tffam does not have,
 *                        it is an error)
 *            cap       - rows kept per query (the best cap)
 * Returns:   tffOK and *ret_tt; tffENOTFOUND; tffEFORMAT (file and line);
 *            tffEUSAGE (a metric that cannot be used, -dist given against the
 *            file's); tffEMEM.
 */
int  tff_tomtom_Read(const char *path, TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                     const char *ref_path, int metric, int cap, int leave_one_out, TFF_TOMTOM **ret_tt, char *errbuf);

/* Function:  tff_tomtom_Parse()
 * Synopsis:  As tff_tomtom_Read(), from a buffer (the fuzz target's entry point).
 */
int  tff_tomtom_Parse(const char *path, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                      TFF_MOTIF *const *refs, int nref, const char *ref_path, int metric, int cap,
                      int leave_one_out, TFF_TOMTOM **ret_tt, char *errbuf);

/* 3. Merging */

/* Function:  tff_tomtom_Merge()
 * Synopsis:  tffam's own neighbour table Tin with the run's rows, as a table of kmax.
 * Purpose:   Tin must hold tt->metric and at least kmax + tt's cap neighbours
 *            per query (so that kmax remain after Tomtom's rows replace
 *            theirs). Other metrics are copied, truncated to kmax. Sets
 *            tt->same, tt->differ, tt->nq_covered and the result's src[metric].
 * Returns:   tffOK and *ret_T; tffEINVAL (Tin lacks the metric or is too short); tffEMEM.
 */
int  tff_tomtom_Merge(TFF_TOMTOM *tt, const TFF_KNN_TABLE *Tin, int kmax, TFF_MOTIF *const *refs, int nref,
                      TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_tomtom_Describe()
 * Synopsis:  One line for the reports: which run, which metric, how many rows
 *            were used, how their targets were found, how many agreed.
 */
int  tff_tomtom_Describe(const TFF_TOMTOM *tt, int nq, TFF_BUF *b, char *errbuf);

void tff_tomtom_Destroy(TFF_TOMTOM *tt);

#endif /* TFF_TOMTOM_INCLUDED */
