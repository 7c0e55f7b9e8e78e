/* tff_opts: declarative command-line options, MEME Suite style.
 *
 * Each program declares one table of TFF_OPTDEF. The table is used to parse
 * (single-dash long options as MEME does, "--x" accepted too, "-x v" or "-x=v"),
 * to check types, ranges and choices, to check which options go together, and
 * to print the help, so the defaults shown by -h are the ones the code uses.
 * "-" alone is a positional argument (standard input); "--" ends the options.
 *
 *   static const TFF_OPTDEF opts[] = {
 *     { "min-overlap", tffOPT_INT,    "1",  "1", NULL, NULL, "<n>", NULL, NULL, "minimum overlap of two motifs" },
 *     { "dist",        tffOPT_STRING, "ed", NULL, NULL, "ed|pearson|sandelin", "<metric>", NULL, NULL, "column score" },
 *     { "ref",         tffOPT_STRING, NULL, NULL, NULL, NULL, "<file>", "ref-labels: a reference set needs its families", "method=cnn", "reference motifs" },
 *     TFF_OPTS_THREADS("threads (0: OpenMP's default)"),
 *     TFF_OPTS_VERBOSITY("1: errors only; 2: warnings"),
 *     TFF_OPTS_VERSION_HELP,
 *     { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
 *   };
 * An alias is parsed as the option it names (which must come before it in the
 * table) and read only under that name; -h shows it as "same as -NAME".
 *
 * Requires and incompatible (as in HMMER's option tables): a list of conditions
 * joined by ",", then optionally ": " and the reason said in the error. A
 * condition is NAME (that option given on the command line) or NAME=V1|V2 (its
 * value, given or default, is one of these). When an option is given,
 * tff_opts_Verify() checks that every "requires" condition holds and no
 * "incompatible" one does:
 *   "-ref goes with -ref-labels: a reference set needs its families"
 *   "-k cannot go with -method cnn: the conv net alone uses no KNN options"
 *
 * The same spelling in every program (TFF_OPTS_* rows below): -threads <n>
 * with -p as its alias, -verbosity 1..5 (default 2; 1: errors only), -version,
 * -h with -help as its alias; -o/-oc <dir> where a program writes a directory
 * (-o refuses an existing one, -oc writes into it).
 */
#ifndef TFF_OPTS_INCLUDED
#define TFF_OPTS_INCLUDED

#include <stdio.h>

typedef enum {
  tffOPT_FLAG,     /* no value; set or not */
  tffOPT_INT,
  tffOPT_REAL,
  tffOPT_STRING,
  tffOPT_LIST,     /* a string that may be given many times (-m a -m b) */
  tffOPT_ALIAS     /* another spelling of the option named by defval (kept for old command lines) */
} tff_opttype;

typedef struct {
  const char *name;      /* without dashes, e.g. "min-overlap"; NULL ends the table */
  tff_opttype type;
  const char *defval;    /* default as text, or NULL (none) */
  const char *min;       /* lower bound for INT/REAL, or NULL */
  const char *max;       /* upper bound for INT/REAL, or NULL */
  const char *choices;   /* "a|b|c" for STRING/LIST, or NULL */
  const char *metavar;   /* shown in help, e.g. "<n>" */
  const char *requires;  /* conditions that must hold when given, ": reason"; or NULL */
  const char *incompat;  /* conditions that must not hold when given, ": reason"; or NULL */
  const char *help;      /* one line */
} TFF_OPTDEF;

/* The shared rows of the option vocabulary. */
#define TFF_OPTS_THREADS(help) \
  { "threads",   tffOPT_INT,   "0", "0", "1024", NULL, "<n>", NULL, NULL, help }, \
  { "p",         tffOPT_ALIAS, "threads", NULL, NULL, NULL, NULL, NULL, NULL, NULL }
#define TFF_OPTS_VERBOSITY(help) \
  { "verbosity", tffOPT_INT,   "2", "1", "5", NULL, "<1..5>", NULL, NULL, help }
#define TFF_OPTS_VERSION_HELP \
  { "version",   tffOPT_FLAG,  NULL, NULL, NULL, NULL, NULL, NULL, NULL, "print the version and exit" }, \
  { "h",         tffOPT_FLAG,  NULL, NULL, NULL, NULL, NULL, NULL, NULL, "print this help and exit" }, \
  { "help",      tffOPT_ALIAS, "h", NULL, NULL, NULL, NULL, NULL, NULL, NULL }

typedef struct tff_opts_s TFF_OPTS;

/* Function:  tff_opts_Parse()
 * Synopsis:  Parse argv[1..] against a table.
 * Returns:   tffOK and *ret_opts; tffEUSAGE with a message in errbuf for an
 *            unknown option, a missing or bad value, a value out of range.
 */
int  tff_opts_Parse(const TFF_OPTDEF *defs, int argc, char **argv, TFF_OPTS **ret_opts, char *errbuf);
void tff_opts_Destroy(TFF_OPTS *o);

/* Function:  tff_opts_Verify()
 * Synopsis:  Check the requires and incompatible columns of the options given.
 * Purpose:   Called after -h and -version are handled (they go with anything).
 *            Options are checked in table order; the first violation is reported.
 * Returns:   tffOK; tffEUSAGE with the message in errbuf. A condition naming
 *            an option the table lacks is a programming error: it aborts.
 */
int  tff_opts_Verify(const TFF_OPTS *o, char *errbuf);

int         tff_opts_IsSet    (const TFF_OPTS *o, const char *name);   /* given on the command line */
int         tff_opts_GetFlag  (const TFF_OPTS *o, const char *name);
int         tff_opts_GetInt   (const TFF_OPTS *o, const char *name);   /* the default if not given */
double      tff_opts_GetReal  (const TFF_OPTS *o, const char *name);
const char *tff_opts_GetString(const TFF_OPTS *o, const char *name);   /* NULL if no default and not given */
int         tff_opts_GetChoice(const TFF_OPTS *o, const char *name);   /* index of the value in the row's choices; -1: none */
int         tff_opts_GetList  (const TFF_OPTS *o, const char *name, char ***ret_vals);  /* count */
int         tff_opts_NArgs    (const TFF_OPTS *o);                     /* positional arguments */
const char *tff_opts_Arg      (const TFF_OPTS *o, int i);
const char *tff_opts_CommandLine(const TFF_OPTS *o);                   /* argv joined, shell-quoted */
const char *tff_opts_CommandArgs(const TFF_OPTS *o);                   /* the same after argv[0] ("" or " ARG ...") */

/* Print "Usage: ...", then one line per option with its default. */
void tff_opts_PrintHelp(FILE *fp, const char *usage, const char *purpose, const TFF_OPTDEF *defs);

#endif /* TFF_OPTS_INCLUDED */
