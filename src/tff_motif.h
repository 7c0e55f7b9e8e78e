/* tff_motif: DNA motifs and motif sets.
 *
 * A TFF_MOTIF is a letter-probability matrix over the DNA alphabet in the order
 * A, C, G, T: w rows (motif columns, positions) of 4 probabilities each, stored
 * row-major in p[i*4 + a]. Every reader produces these; RNA (ACGU) is mapped to
 * DNA on input, and other alphabets are refused by the readers.
 *
 * A TFF_MOTIFSET is what one motif file holds: the motifs in file order, the
 * background letter frequencies the file declares (uniform if none), and where
 * it came from (for messages and report provenance).
 *
 * Contents:
 *   1. TFF_MOTIF: create, destroy, copy, reverse complement, consensus
 *   2. Validation (the rules every reader applies)
 *   3. Pseudocounts and backgrounds, as MEME Suite applies them
 *   4. TFF_MOTIFSET: create, add, find, select (-m / -mi)
 */
#ifndef TFF_MOTIF_INCLUDED
#define TFF_MOTIF_INCLUDED

#include <stdint.h>

#define TFF_ALPHA 4                /* A C G T */
#define TFF_MAX_MOTIF_WIDTH 1000   /* wider motifs are refused before allocation */
#define TFF_MAX_MOTIFS 1000000     /* more motifs in one file are refused */
#define TFF_ROW_SUM_TOL 0.1        /* a row must sum to 1 within this (MEME's own tolerance) */
#define TFF_RENORM_TOL 1e-5        /* rows further than this from 1 are renormalised */
#define TFF_DEFAULT_NSITES 20      /* MEME's nsites when a motif gives none */
#define TFF_MAX_NSITES 1e9         /* larger site counts (nsites=, JASPAR column sums) are refused: they fit an int */

extern const char tff_alphabet[TFF_ALPHA + 1];   /* "ACGT" */

/* 1. Motifs */
typedef struct {
  char   *id;        /* required, unique within a set */
  char   *alt;       /* alternative name, or NULL */
  char   *url;       /* or NULL */
  int     w;         /* width: number of positions, >= 1 */
  double *p;         /* w x 4 probabilities, row-major, A C G T */
  double  nsites;    /* number of sites; 0 if unknown */
  double  evalue;    /* E-value as given in the file; NAN if none (0 if it underflows, inf if it overflows) */
  double  log10_evalue; /* its log10, exact where evalue is not (MEME's 1.2e-1234 is -1233.92);
                         * -INFINITY for an E-value of 0; NAN if none */
  long    line;      /* line (or 0) in the source file where the motif starts */
} TFF_MOTIF;

/* Function:  tff_motif_Create()
 * Synopsis:  A motif of width w, all probabilities 0, id and alt copied.
 * Returns:   tffOK and *ret_m; tffEMEM or tffEINVAL (w < 1 or too wide).
 */
int  tff_motif_Create(const char *id, const char *alt, int w, TFF_MOTIF **ret_m, char *errbuf);
void tff_motif_Destroy(TFF_MOTIF *m);   /* NULL is fine */
int  tff_motif_Copy(const TFF_MOTIF *m, TFF_MOTIF **ret_copy, char *errbuf);

/* Reverse complement: rows reversed, A<->T and C<->G. Id and names kept. */
int  tff_motif_RevComp(const TFF_MOTIF *m, TFF_MOTIF **ret_rc, char *errbuf);
void tff_motif_RevCompMatrix(const double *p, int w, double *rc);  /* rc must hold w*4 */

/* Consensus in the MEME/Tomtom sense: per row, the first letter with the
 * strictly largest value. out must hold w+1 chars. */
void tff_motif_Consensus(const TFF_MOTIF *m, char *out);

/* Compare two matrices: same width and every value within tol. */
int  tff_motif_SameMatrix(const TFF_MOTIF *a, const TFF_MOTIF *b, double tol);

/* 2. Validation.
 * tff_motif_ValidateRow(): checks one row as read (finite, >= 0, sum 1 +- TFF_ROW_SUM_TOL)
 * and writes the reason into errbuf (without file/line: the reader adds those).
 * tff_motif_Normalize(): rows that differ from 1 by more than TFF_RENORM_TOL are rescaled.
 */
int  tff_motif_ValidateRow(const double *row, int row_index, char *errbuf);
void tff_motif_Normalize(TFF_MOTIF *m);

/* 3. Backgrounds and pseudocounts (MEME Suite's rules, see doc/motif-formats.md).
 * tff_bg_Uniform(): 0.25 each.
 * tff_bg_AverageRC(): average A with T and C with G, then add 5e-7 to every
 *   letter and renormalise (what Tomtom does to the query file's background).
 * tff_motif_ApplyPseudo(): f' = (f * S + pseudo * bg) / (S + pseudo),
 *   S = (int) nsites, or TFF_DEFAULT_NSITES when the motif gives none (nsites 0).
 *   Both follow MEME's order of operations exactly (Tomtom's p-values depend on it).
 * tff_motif_PseudoRows(): the same on a bare w x 4 matrix, into out (may be p).
 */
void tff_bg_Uniform(double bg[TFF_ALPHA]);
void tff_bg_AverageRC(double bg[TFF_ALPHA]);
void tff_bg_Normalize(double bg[TFF_ALPHA]);   /* AverageRC's normalisation alone: an alphabet without complements */
void tff_motif_ApplyPseudo(TFF_MOTIF *m, const double bg[TFF_ALPHA], double pseudo);
void tff_motif_PseudoRows(const double *p, int w, double nsites, const double bg[TFF_ALPHA], double pseudo, double *out);
/* tff_bg_Read() (a MEME -bfile) is in tff_io.h. */

/* 4. Motif sets */
typedef struct {
  TFF_MOTIF **m;        /* motifs in file order */
  int         n;
  int         nalloc;
  double      bg[TFF_ALPHA];  /* background the file declares, uniform if none */
  int         has_bg;         /* 1 if the file declared one */
  int         strands;        /* 2 (both, default) or 1 (the file says forward only) */
  int         rna;            /* the alphabet's fourth letter is U (MEME's RNA, or a custom one), not T */
  int         nocomp;         /* the alphabet has no complements (MEME's RNA; a custom one without ~):
                               * Tomtom then compares the given strand only and leaves the background as it is */
  char       *source;         /* file name as given ("-" for stdin) */
  const char *format;         /* "MEME text", "MEME XML", "STREME XML", "DREME XML", "JASPAR" */
  int        *idhash;         /* open-addressing index of the ids (motif numbers, -1 empty), hashcap slots */
  int         hashcap;        /* 0 or a power of two >= 2 * n */
  int         skip_dup;       /* 1: a motif whose id repeats an earlier one's is skipped (tffIO_SKIP_DUP_IDS) */
  int         nskip;          /* how many were skipped */
  char       *skip_id;        /* the first one skipped: its id, */
  long        skip_line;      /* its line, */
  long        skip_first;     /* and the line of the motif that kept the id */
  int         nread;          /* motifs offered to tff_motifset_Add (read from the file), kept or not */
  /* A selection made as the motifs are read (Tomtom's -m and -mi): a motif
   * is kept if its id is one of sel_ids or its number in the file (1, 2, ...,
   * counting every motif read, repeated ids included) one of sel_idx; only
   * then are repeated ids skipped. sel_nids + sel_nidx == 0: every motif. */
  char      **sel_ids;
  int         sel_nids;
  const int  *sel_idx;
  int         sel_nidx;
} TFF_MOTIFSET;

int  tff_motifset_Create(const char *source, TFF_MOTIFSET **ret_set, char *errbuf);
void tff_motifset_Destroy(TFF_MOTIFSET *set);
/* Add takes ownership of m (also on failure). A duplicate id is an error
 * (tffEFORMAT), reported with both lines; if the set's skip_dup is 1, the
 * motif is freed and counted (nskip) instead, as MEME Suite's Tomtom skips a
 * database motif whose id it has seen (transfac2meme names JASPAR 2020's
 * motifs by TF name: ABF1 twice). */
int  tff_motifset_Add(TFF_MOTIFSET *set, TFF_MOTIF *m, char *errbuf);
/* Index of the motif with this id, or -1 (hashed: reading n motifs is O(n)). */
int  tff_motifset_Find(const TFF_MOTIFSET *set, const char *id);
/* Keep only the motifs named by ids (-m) or 1-based indices (-mi), in file order.
 * A name or index that matches nothing is an error (tffENOTFOUND). */
int  tff_motifset_Select(TFF_MOTIFSET *set, char **ids, int nids, const int *idx, int nidx, char *errbuf);
/* Keep the motifs i with keep[i] != 0 (in their order; none may be kept), free the
 * others and renumber: what tff_motifset_Select() does once it knows which. */
int  tff_motifset_Keep(TFF_MOTIFSET *set, const char *keep, char *errbuf);
/* The same from the command line: idxv are -mi arguments as text; one that is not
 * a motif number (1, 2, ...) is tffEUSAGE. */
int  tff_motifset_SelectArgs(TFF_MOTIFSET *set, char **ids, int nids, char **idxv, int nidx, char *errbuf);
/* -mi's arguments (text) as motif numbers idx[0..nidx-1]: each a number 1..1e8 with
 * nothing before or after it; else tffEUSAGE ("-mi needs a motif number ..."). */
int  tff_motif_ParseNumbers(char **idxv, int nidx, int *idx, char *errbuf);
/* Function:  tff_motifset_SkipNote()
 * Synopsis:  If motifs were skipped for a repeated id, a sentence naming the
 *            first, e.g. "10 motifs skipped: their id repeats an earlier
 *            motif's (the first: ABF1 on line 52, as on line 32)", into buf
 *            (n bytes); returns 1. Else returns 0.
 */
int  tff_motifset_SkipNote(const TFF_MOTIFSET *set, char *buf, size_t n);
/* A checksum of the whole set (ids and matrices), for report provenance. */
void tff_motifset_Checksum(const TFF_MOTIFSET *set, char out[9]);

#endif /* TFF_MOTIF_INCLUDED */
