/* tff_io_jaspar: JASPAR's count-matrix format.
 *
 *   >MA0004.1 Arnt
 *   A  [ 4 19  0  0  0  0 ]
 *   C  [16  0 20  0  0  0 ]
 *   G  [ 0  1  0 20  0 20 ]
 *   T  [ 0  0  0  0 20  0 ]
 *
 * The letter labels and the brackets are optional (rows are then A, C, G, T in
 * order); U is read as T. Each column is divided by its sum; nsites is the
 * largest column sum, rounded, as JASPAR's own MEME conversion does.
 *
 * A file that starts with the count rows, without a header line (JASPAR's
 * one-matrix .pfm files, which MEME Suite's jaspar2meme -pfm reads), is one
 * motif whose ID is the file's name without its directory, a ".gz" and one
 * more extension (MA0004.1.pfm is MA0004.1). Standard input has no name to
 * give, so there the header is required.
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tff_io_internal.h"
#include "tff_motif.h"
#include "tff_util.h"

/* Parse one count row into vals (allocated, *ret_n values); *ret_letter is the
 * row's letter index or -1 if unlabelled. headerless: the file was read as a
 * matrix without a header line (its first line a count row); first: the line
 * is the first after a '>' header, where a FASTA file has its sequence. */
static int
parse_row(const char *name, long lineno, const char *id, int headerless, int first, char *line, int *ret_letter, double **ret_vals, int *ret_n, char *errbuf)
{
  double *vals = NULL;
  int     n = 0, cap = 0, status;
  char   *s = line;

  *ret_letter = -1;
  while (isspace((unsigned char) *s)) s++;
  if (first && !headerless && isalpha((unsigned char) *s) && isalpha((unsigned char) s[1]) && strpbrk(s, "0123456789") == NULL &&
      !(strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)) {
    /* a line of letters and no number after a header: a sequence after a FASTA header (the
     * sequences given for the motifs), not a count row of another alphabet */
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: '%.20s%s' is a line of letters, not a JASPAR count row: a FASTA sequence file? "
             "tffam reads motifs (MEME text, MEME/STREME/DREME XML, JASPAR count matrices), not sequences",
             name, lineno, s, strlen(s) > 20 ? "..." : "");
  }
  if (isalpha((unsigned char) *s) && !(strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)) {
    const char *pos = strchr("ACGTU", toupper((unsigned char) *s));
    if (isalpha((unsigned char) s[1]))   /* a word, not a row letter: prose, or another format */
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: '%.*s' is not a count row (counts, after an optional letter A, C, G or T)%s",
               name, lineno, id, (int) strcspn(s, " \t["), s,
               headerless ? "; the file was read as a JASPAR count matrix without a header line because its first line reads as a count row" : "");
    if (!pos)
      TFF_FAIL(tffEFORMAT, errbuf, "tffam works on DNA motifs; %s has a row for letter '%.*s' (line %ld, motif %s)",
               name, (int) strcspn(s, " \t["), s, lineno, id);
    *ret_letter = (*pos == 'U') ? 3 : (int)(pos - "ACGTU");
    s++;
  }
  {
    char *open = strchr(s, '['), *close = strchr(s, ']');
    if ((open != NULL) != (close != NULL) || (open && close < open) || (open && (strchr(open + 1, '[') || strchr(close + 1, ']'))))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: the counts must be inside one pair of brackets [ ... ]", name, lineno, id);
    if (close) for (const char *c = close + 1; *c; c++)
      if (!isspace((unsigned char) *c)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: text after ']'", name, lineno, id);
  }
  for (char *c = s; *c; c++) if (*c == '[' || *c == ']') *c = ' ';
  char *save = NULL;
  for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      TFF_REALLOC(vals, sizeof(double) * (size_t) cap);
    }
    if (tff_io_ParseDouble(t, &vals[n]) != 0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: '%.20s' is not a count", name, lineno, id, t);
    if (isnan(vals[n]) || isinf(vals[n]) || vals[n] < 0.0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: count %s is not a non-negative number", name, lineno, id, t);
    if (++n > TFF_MAX_MOTIF_WIDTH)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: wider than the maximum, %d", name, lineno, id, TFF_MAX_MOTIF_WIDTH);
  }
  *ret_vals = vals;
  *ret_n = n;
  return tffOK;
 ERROR:
  free(vals);
  *ret_vals = NULL;
  return status;
}

/* The header line s ('>' first): the ID and the optional alt name (allocated). */
static int
parse_header(const char *name, long header, const char *s, char **ret_id, char **ret_alt, char *errbuf)
{
  int status;
  if (*s != '>') TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected a '>ID name' header line", name, header);
  const char *p = s + 1;
  while (*p == ' ' || *p == '\t') p++;
  size_t idlen = strcspn(p, " \t");
  if (idlen == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: header without a motif id", name, header);
  if ((*ret_id = tff_Strndup(p, idlen)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_CHECK(tff_io_CheckName(name, header, "motif ID", *ret_id, errbuf));
  p += idlen;
  while (*p == ' ' || *p == '\t') p++;
  if (*p && (*ret_alt = tff_Strndup(p, strcspn(p, " \t"))) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (*ret_alt) TFF_CHECK(tff_io_CheckName(name, header, "alt name", *ret_alt, errbuf));
  return tffOK;
 ERROR:
  return status;
}

/* Is the header line s ('>' first) a HOMER motif's: ">consensus<TAB>name<TAB>
 * log-odds threshold[<TAB>...]", its third tab-separated field a number?
 * HOMER's rows are positions (A C G T probabilities, four a row), the
 * transpose of JASPAR's letter rows. */
static int
homer_header(const char *s)
{
  const char *t1 = strchr(s, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
  char        field[64];
  double      v;
  if (!t2) return 0;
  size_t len = strcspn(t2 + 1, "\t");
  if (len == 0 || len >= sizeof field) return 0;
  memcpy(field, t2 + 1, len);
  field[len] = '\0';
  return tff_io_ParseDouble(field, &v) == 0 && isfinite(v);
}

/* The ID of a headerless matrix: name without its directory, a ".gz" and one
 * more extension; NULL on OOM. */
static char *
id_from_name(const char *name)
{
  const char *b = strrchr(name, '/');
  b = b ? b + 1 : name;
  size_t len = strlen(b);
  if (len > 3 && strcmp(b + len - 3, ".gz") == 0) len -= 3;
  for (size_t k = len; k > 1; k--)
    if (b[k - 1] == '.') { len = k - 1; break; }
  return tff_Strndup(b, len);
}

int
tff_io_jaspar_Parse(const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf)
{
  TFF_LINES  L;
  TFF_MOTIF *m = NULL;
  double    *row[4] = {NULL, NULL, NULL, NULL};
  char      *id = NULL, *alt = NULL;
  int        status, r, first = 1, headerless = 0;

  tff_lines_Init(&L, data, n);
  while ((r = tff_lines_Next(&L)) != 0) {
    if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    char *s = L.line;
    while (isspace((unsigned char) *s)) s++;
    if (*s == '\0') continue;
    long header = L.lineno;
    if (headerless && *s != '>')
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: more than the 4 count rows (A, C, G, T) of a JASPAR matrix without a header line (one row per motif position? tffam reads such matrices in MEME format)", name, header);
    if (!first && *s != '>' && (isdigit((unsigned char) *s) || *s == '.'))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: more than the 4 count rows (A, C, G, T) of the JASPAR matrix above (one row per motif position? tffam reads such matrices in MEME format)", name, header);
    int  pending = (*s != '>' && first);   /* a headerless matrix: this line is its first count row */
    first = 0;
    if (pending) {
      headerless = 1;
      if (strcmp(name, "standard input") == 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: a JASPAR count matrix without a '>ID name' header line takes its ID from the file name; give it as a file, or add the header", name, header);
      if ((id = id_from_name(name)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      TFF_CHECK(tff_io_CheckName(name, header, "motif ID (the file name)", id, errbuf));
      /* an ID is one word in every other format (MEME's "MOTIF id alt" would split it) */
      if (id[strcspn(id, " ")] != '\0')
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif ID (the file name) '%s' has a space, which no motif ID can hold; rename the file, or add a '>ID name' header line",
                 name, header, id);
    } else
      TFF_CHECK(parse_header(name, header, s, &id, &alt, errbuf));
    int homer = !headerless && homer_header(s);

    int w = -1, letter, nv = 0, seen[4] = {0, 0, 0, 0}, plain = 1;   /* plain: rows without letters or brackets */
    for (int k = 0; k < 4; k++) {
      double *vals = NULL;
      if (pending) { pending = 0; r = 1; }
      else do { r = tff_lines_Next(&L); } while (r > 0 && L.line[strspn(L.line, " \t")] == '\0');
      if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      if (r == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: the file ends after %d of 4 count rows (truncated?)", name, L.lineno, id, k);
      if (L.line[strspn(L.line, " \t")] == '>')
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: only %d of 4 count rows", name, L.lineno, id, k);
      int bracketed = strchr(L.line, '[') != NULL;
      TFF_CHECK(parse_row(name, L.lineno, id, headerless, k == 0, L.line, &letter, &vals, &nv, errbuf));
      if (letter >= 0 || bracketed) plain = 0;
      if (homer && k == 0 && letter < 0 && !bracketed && nv == 4) {
        /* read as JASPAR, a 4-wide HOMER motif came out transposed, without a word */
        free(vals);
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: a HOMER motif (header '>consensus<TAB>name<TAB>log-odds threshold', "
                 "a row of A C G T per position), which tffam does not read; give it in MEME format (one row per position "
                 "after 'letter-probability matrix:') or as a JASPAR count matrix (one row per letter)", name, header, id);
      }
      if (letter < 0) letter = k;
      if (seen[letter]) { free(vals); TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: two rows for %c", name, L.lineno, id, tff_alphabet[letter]); }
      seen[letter] = 1;
      row[letter] = vals;
      if (nv == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: empty matrix", name, L.lineno, id);
      if (w >= 0 && nv != w)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: %c row has %d columns, the rows above have %d", name, L.lineno, id, tff_alphabet[letter], nv, w);
      w = nv;
    }
    if (plain && w == 4) {   /* (a fifth row after them is reported as such, below) */
      TFF_LINES peek = L;
      int       more = 0, pr;
      peek.line = NULL; peek.cap = 0;
      while ((pr = tff_lines_Next(&peek)) > 0 && peek.line[strspn(peek.line, " \t")] == '\0') ;
      if (pr > 0) { const char *t = peek.line + strspn(peek.line, " \t"); more = isdigit((unsigned char) *t) || *t == '.'; }
      tff_lines_Free(&peek);
      if (more) plain = 0;
    }
    if (plain && w == 4) {
      /* four rows of four probabilities, each row summing to 1 and the columns not:
       * one row per position (MEME's layout, the transpose of JASPAR's), which read
       * as letter rows would be a transposed motif, without a word. (Counts whose
       * rows all sum to 1 have columns that do too, and JASPAR's columns sum to 1.) */
      int rows1 = 1, cols1 = 1;
      for (int a = 0; a < 4; a++) {
        double rs = row[a][0] + row[a][1] + row[a][2] + row[a][3];
        double cs = row[0][a] + row[1][a] + row[2][a] + row[3][a];
        if (fabs(rs - 1.0) > TFF_ROW_SUM_TOL) rows1 = 0;
        if (fabs(cs - 1.0) > TFF_ROW_SUM_TOL) cols1 = 0;
      }
      if (rows1 && !cols1)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: each of its four rows sums to 1 and its columns do not: one row per motif position, "
                 "not JASPAR's one row per letter (A, C, G, T)? tffam reads such matrices in MEME format", name, header, id);
    }
    TFF_CHECK(tff_motif_Create(id, alt, w, &m, errbuf));
    double maxsum = 0.0;
    for (int i = 0; i < w; i++) {
      double sum = row[0][i] + row[1][i] + row[2][i] + row[3][i];
      if (sum <= 0.0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: column %d has no counts", name, header, id, i + 1);
      if (!(sum <= TFF_MAX_NSITES))   /* also an inf sum of finite counts */
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: column %d counts %g sites, more than %g", name, header, id, i + 1, sum, TFF_MAX_NSITES);
      for (int a = 0; a < 4; a++) m->p[i * 4 + a] = row[a][i] / sum;
      if (sum > maxsum) maxsum = sum;
    }
    m->nsites = floor(maxsum + 0.5);
    m->line   = header;
    for (int a = 0; a < 4; a++) { free(row[a]); row[a] = NULL; }
    free(id);  id = NULL;
    free(alt); alt = NULL;
    status = tff_motifset_Add(set, m, errbuf);
    m = NULL;
    if (status != tffOK) goto ERROR;
  }
  tff_lines_Free(&L);
  return tffOK;
 ERROR:
  for (int a = 0; a < 4; a++) free(row[a]);
  free(id);
  free(alt);
  tff_motif_Destroy(m);
  tff_lines_Free(&L);
  return status;
}
