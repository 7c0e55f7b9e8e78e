/* tff_io_meme: the MEME minimal text format (versions 4 and 5).
 *
 * A line-driven state machine. Recognised lines:
 *   MEME version N                       required before anything else counts
 *   ALPHABET= ACGT | ACGU                or a custom ALPHABET ... END ALPHABET block
 *   strands: + -                         "+" alone means forward only
 *   Background letter frequencies        followed by "A p C p G p T p" (one or more lines)
 *   MOTIF id [alt]                       alt is the next token unless it holds '='
 *   letter-probability matrix: alength= 4 w= W nsites= N E= e    then W rows of 4 numbers
 *                                        (P= or STREME's S= in place of E=)
 *   log-odds matrix: ...                 its rows are skipped
 *   URL url
 * Other lines outside a matrix are ignored, as MEME does.
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

#define MAXTOK 64

/* Split a line on whitespace (in place). Returns the number of tokens. */
static int
tokenize(char *s, char **tok, int maxtok)
{
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(s, " \t", &save); t && n < maxtok; t = strtok_r(NULL, " \t", &save)) tok[n++] = t;
  return n;
}

static int
is_blank(const char *s)
{
  while (*s) if (!isspace((unsigned char) *s++)) return 0;
  return 1;
}

/* Look up "key=" in the header of a matrix: tolerates "key= v", "key=v", any case. */
static const char *
header_value(char **tok, int ntok, const char *key, char *scratch, size_t scratchsz)
{
  size_t klen = strlen(key);
  for (int i = 0; i < ntok; i++) {
    if (strncasecmp(tok[i], key, klen) == 0 && tok[i][klen] == '=') {
      if (tok[i][klen + 1] != '\0') { snprintf(scratch, scratchsz, "%s", tok[i] + klen + 1); return scratch; }
      if (i + 1 < ntok)             { snprintf(scratch, scratchsz, "%s", tok[i + 1]); return scratch; }
      return NULL;
    }
  }
  return NULL;
}

/* In a line of an ALPHABET block: the first c outside quoted text ("...",
 * \" inside) and before a comment, or NULL. As in MEME's alphabet format,
 * '#' outside quotes starts a comment that runs to the end of the line. */
static const char *
alph_find(const char *s, int c)
{
  int quoted = 0;
  for (; *s; s++) {
    if (quoted) { if (*s == '\\' && s[1]) s++; else if (*s == '"') quoted = 0; continue; }
    if (*s == '"') quoted = 1;
    else if (*s == c) return s;
    else if (*s == '#') return NULL;
  }
  return NULL;
}

/* A custom ALPHABET block (MEME's alphabet definition: a header line with the
 * alphabet's name and DNA-LIKE or RNA-LIKE, then a line per core letter or
 * complementary pair, "A "Adenine" 8510A8 ~ T "Thymine" A89610", ambiguity and
 * alias lines "N = ACGT", and END ALPHABET). tffam reads it when its core
 * letters are A, C, G and T (or U); otherwise the error names the alphabet and
 * its letters. header: the text after "ALPHABET". The block also ends (a file
 * without END ALPHABET) at the first line that is no alphabet line; that line
 * is then left in L->line and *ret_pending set, for the caller to read.
 * *ret_rna: its letters have U; *ret_nocomp: it pairs no letters with "~"
 * (MEME then has no complements for it). */
static int
custom_alphabet(const char *name, TFF_LINES *L, const char *header, int *ret_pending, int *ret_rna, int *ret_nocomp, char *errbuf)
{
  char  alph[128], letters[64];
  long  start = L->lineno;
  int   nl = 0, r, ok = 1, ncomp = 0;
  const char *q1 = strchr(header, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;

  if (q1 && q2) snprintf(alph, sizeof alph, "\"%.*s\"", (int) (q2 - q1 - 1), q1 + 1);
  else { while (*header == ' ') header++; snprintf(alph, sizeof alph, "%s", *header ? header : "(unnamed)"); }
  *ret_pending = 0;
  while ((r = tff_lines_Next(L)) > 0) {
    const char *s = L->line;
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "END ALPHABET", 12) == 0) break;
    if (*s == '\0' || *s == '#') continue;   /* blank, or a comment line */
    /* a core letter line: a symbol, a space, then a quoted name or a colour; not "X = ..." */
    int is_letter_line = s[0] && (s[1] == ' ' || s[1] == '\t' || s[1] == '\0' || s[1] == '#');
    const char *eq = alph_find(s, '=');
    if (!is_letter_line) { *ret_pending = 1; break; }
    if (eq) continue;   /* an ambiguity or alias line: "N = ACGT", "N "Any base" = ACGT" */
    if (nl + 2 < (int) sizeof letters) letters[nl++] = s[0];
    const char *tilde = alph_find(s, '~');
    if (tilde) {
      ncomp++;
      tilde++;
      while (*tilde == ' ' || *tilde == '\t') tilde++;
      if (*tilde && nl + 2 < (int) sizeof letters) letters[nl++] = *tilde;
    }
  }
  if (r < 0) return tff_Fail(errbuf, tffEMEM, "out of memory");
  letters[nl] = '\0';
  if (nl != 4) ok = 0;
  for (int i = 0; ok && i < nl; i++) ok = strchr("ACGTU", letters[i]) != NULL;
  if (ok && !(strchr(letters, 'T') == NULL) == !(strchr(letters, 'U') == NULL)) ok = 0;   /* T or U, not both */
  if (!ok)
    return tff_Fail(errbuf, tffEFORMAT, "tffam works on DNA motifs; %s uses alphabet %s (line %ld; core letters %s), "
                    "not ACGT", name, alph, start, nl ? letters : "none");
  *ret_rna    = strchr(letters, 'U') != NULL;
  *ret_nocomp = (ncomp == 0);   /* no "X ~ Y" pairs: MEME does not complement it */
  return tffOK;
}

/* Parse the background pairs "A 0.3 C 0.2 ..." from tok[]; fills bg and seen. */
static int
parse_bg_pairs(const char *name, long lineno, char **tok, int ntok, double bg[4], int seen[4], char *errbuf)
{
  if (ntok % 2 != 0)
    return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: background frequencies must be letter/value pairs", name, lineno);
  for (int i = 0; i < ntok; i += 2) {
    double      f;
    const char *pos;
    if (strlen(tok[i]) != 1 || (pos = strchr("ACGTU", toupper((unsigned char) tok[i][0]))) == NULL)
      return tff_Fail(errbuf, tffEFORMAT, "tffam works on DNA motifs; %s has a background for letter %s (line %ld)", name, tok[i], lineno);
    int a = (*pos == 'U') ? 3 : (int)(pos - "ACGTU");
    if (tff_io_ParseDouble(tok[i + 1], &f) != 0 || !isfinite(f) || f < 0.0)
      return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: background frequency of %s is not a probability: %s", name, lineno, tok[i], tok[i + 1]);
    bg[a] = f;
    seen[a] = 1;
  }
  return tffOK;
}

int
tff_io_meme_Parse(const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf)
{
  TFF_LINES  L;
  TFF_MOTIF *cur = NULL;         /* motif being read, not yet added */
  char      *tok[MAXTOK];
  char       scratch[256];
  int        status, ntok, r;
  int        have_version = 0;
  int        in_bg = 0, bg_seen[4] = {0, 0, 0, 0};
  long       bg_line = 0;
  /* The current MOTIF line: its id, alt and line; the motif is created when its matrix starts. */
  char      *motif_id = NULL, *motif_alt = NULL;
  long       motif_line = 0;
  int        motif_has_matrix = 0;
  int        motif_kept = 0;

  tff_lines_Init(&L, data, n);
  while ((r = tff_lines_Next(&L)) != 0) {
    if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    char *line = L.line;
    const char *kw;   /* the text after a keyword (tff_io_Keyword: leading blanks, any case, as MEME Suite) */

    if ((kw = tff_io_Keyword(line, NULL, "MEME version")) != NULL) {
      const char *v = kw;
      while (*v == ' ' || *v == '\t') v++;
      if (have_version)   /* cat a.meme b.meme: b's background would silently apply to a's motifs */
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: a second \"MEME version\" header (two files joined?); give one MEME file (MEME Suite's meme2meme merges them)", name, L.lineno);
      if (!isdigit((unsigned char) *v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: \"MEME version\" is not followed by a version number", name, L.lineno);
      have_version = 1;
      continue;
    }
    if (!have_version) continue;
    if (in_bg) {   /* background pairs continue until all four letters are seen */
      if (is_blank(line)) {
        if (bg_seen[0] + bg_seen[1] + bg_seen[2] + bg_seen[3] == 0) continue;
      } else {
        ntok = tokenize(line, tok, MAXTOK);
        TFF_CHECK(parse_bg_pairs(name, L.lineno, tok, ntok, set->bg, bg_seen, errbuf));
        if (bg_seen[0] + bg_seen[1] + bg_seen[2] + bg_seen[3] < 4) continue;
      }
      /* all four letters seen (or a blank line ended the block) */
      if (bg_seen[0] + bg_seen[1] + bg_seen[2] + bg_seen[3] < 4)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: the background frequencies do not give all of A, C, G, T", name, bg_line);
      double sum = set->bg[0] + set->bg[1] + set->bg[2] + set->bg[3];
      if (fabs(sum - 1.0) > TFF_ROW_SUM_TOL)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: background frequencies sum to %g, not 1", name, bg_line, sum);
      for (int a = 0; a < 4; a++) set->bg[a] /= sum;
      set->has_bg = 1;
      in_bg = 0;
      continue;
    }

    if ((kw = tff_io_Keyword(line, NULL, "ALPHABET")) != NULL) {
      char *rest = line + (kw - line);
      const char *eq = tff_io_Keyword(rest, NULL, "_=");   /* "ALPHABET= ACGT", "ALPHABET = ACGT" */
      if (eq) {
        ntok = tokenize(line + (eq - line), tok, MAXTOK);
        if (ntok < 1) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: ALPHABET= names no letters", name, L.lineno);
        TFF_CHECK(tff_io_CheckAlphabet(name, L.lineno, tok[0], errbuf));
        /* MEME's standard RNA alphabet has no complements */
        set->rna = set->nocomp = (strcasecmp(tok[0], "ACGU") == 0 || strcasecmp(tok[0], "RNA") == 0);
      } else {
        int pending = 0;   /* the block ended at a line that is not its own (no END ALPHABET) */
        TFF_CHECK(custom_alphabet(name, &L, rest, &pending, &set->rna, &set->nocomp, errbuf));
        if (pending) { line = L.line; goto REPARSE; }
      }
      continue;
    }
  REPARSE:
    if ((kw = tff_io_Keyword(line, NULL, "strands_:")) != NULL) {
      ntok = tokenize(line + (kw - line), tok, MAXTOK);
      if (ntok == 1 && strcmp(tok[0], "+") == 0) set->strands = 1;
      else if (ntok == 2 && strcmp(tok[0], "+") == 0 && strcmp(tok[1], "-") == 0) set->strands = 2;
      else TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: strands must be \"+\" or \"+ -\"", name, L.lineno);
      continue;
    }
    if (tff_io_Keyword(line, NULL, "Background letter frequencies")) {
      in_bg = 1;
      bg_line = L.lineno;
      memset(bg_seen, 0, sizeof bg_seen);
      continue;
    }
    while (*line == ' ' || *line == '\t') line++;   /* MOTIF (case as written, as MEME), URL: after leading blanks */
    if (strncmp(line, "MOTIF", 5) == 0 && (line[5] == ' ' || line[5] == '\t' || line[5] == '\0')) {
      if (motif_id && !motif_has_matrix)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: no letter-probability matrix", name, motif_line, motif_id);
      free(motif_id);  motif_id = NULL;
      free(motif_alt); motif_alt = NULL;
      ntok = tokenize(line + 5, tok, MAXTOK);
      if (ntok < 1) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: MOTIF without an id", name, L.lineno);
      TFF_CHECK(tff_io_CheckName(name, L.lineno, "motif ID", tok[0], errbuf));
      if ((motif_id = tff_Strdup(tok[0])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      if (ntok >= 2 && strchr(tok[1], '=') == NULL && !(ntok >= 3 && tok[2][0] == '=')) {
        TFF_CHECK(tff_io_CheckName(name, L.lineno, "alt name", tok[1], errbuf));
        if ((motif_alt = tff_Strdup(tok[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      }
      motif_line = L.lineno;
      motif_has_matrix = 0;
      continue;
    }
    if (strncasecmp(line, "URL", 3) == 0 && (line[3] == ' ' || line[3] == '\t')) {
      if (motif_id && set->n > 0 && motif_has_matrix && motif_kept) {   /* the URL of the motif just added */
        TFF_MOTIF *last = set->m[set->n - 1];
        ntok = tokenize(line + 3, tok, MAXTOK);
        if (ntok >= 1 && !last->url && (last->url = tff_Strdup(tok[0])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      }
      continue;
    }
    if (tff_io_Keyword(line, NULL, "log_-_odds matrix")) {
      /* Skip the numeric rows that follow. */
      const char *save_p = L.p;
      long        save_line = L.lineno;
      while ((r = tff_lines_Next(&L)) > 0) {
        char *s = L.line; while (isspace((unsigned char) *s)) s++;
        if (*s == '\0' || !(isdigit((unsigned char) *s) || *s == '-' || *s == '.' || *s == '+')) break;
        save_p = L.p; save_line = L.lineno;
      }
      L.p = save_p; L.lineno = save_line;   /* the line that ended the rows is read again */
      continue;
    }
    if (tff_io_Keyword(line, NULL, "letter_-_probability matrix")) {
      int    w = -1, alength = 4;
      double nsites = 0.0, evalue = NAN, log10_evalue = NAN, v;
      const char *val;

      if (!motif_id) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: letter-probability matrix before any MOTIF line", name, L.lineno);
      if (motif_has_matrix) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: a second letter-probability matrix", name, L.lineno, motif_id);
      char *colon = strchr(line, ':');
      ntok = colon ? tokenize(colon + 1, tok, MAXTOK) : 0;
      if ((val = header_value(tok, ntok, "alength", scratch, sizeof scratch)) != NULL) {
        if (tff_io_ParseDouble(val, &v) != 0 || v != floor(v))
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: alength= is not a number: %s", name, L.lineno, motif_id, val);
        if (v != 4)   /* checked as a double: (int) of 1e3083 or 1e12 is undefined (a fuzz find) */
          TFF_FAIL(tffEFORMAT, errbuf, "tffam works on DNA motifs; %s uses an alphabet of %.0f letters (line %ld, motif %s)", name, v, L.lineno, motif_id);
        alength = 4;
      }
      if (alength != 4)
        TFF_FAIL(tffEFORMAT, errbuf, "tffam works on DNA motifs; %s uses an alphabet of %d letters (line %ld, motif %s)", name, alength, L.lineno, motif_id);
      if ((val = header_value(tok, ntok, "w", scratch, sizeof scratch)) != NULL) {
        if (tff_io_ParseDouble(val, &v) != 0 || v != floor(v) || v < 0)
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: w= is not a width: %s", name, L.lineno, motif_id, val);
        if (v < 1)  TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: empty motif (w= 0)", name, L.lineno, motif_id);
        if (v > TFF_MAX_MOTIF_WIDTH)
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: w= %.0f is wider than the maximum, %d", name, L.lineno, motif_id, v, TFF_MAX_MOTIF_WIDTH);
        w = (int) v;
      }
      if ((val = header_value(tok, ntok, "nsites", scratch, sizeof scratch)) != NULL) {
        if (tff_io_ParseDouble(val, &nsites) != 0 || !isfinite(nsites) || nsites < 0)
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: nsites= is not a count: %s", name, L.lineno, motif_id, val);
        if (nsites > TFF_MAX_NSITES)
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: nsites= %s is more than %g sites", name, L.lineno, motif_id, val, TFF_MAX_NSITES);
      }
      /* The E-value: E= (or P=); STREME without a hold-out set writes S=
       * instead, its training-set p-value (train_log_pvalue in its XML,
       * which the XML reader takes in that case too) */
      const char *ekey = "E";
      if ((val = header_value(tok, ntok, ekey, scratch, sizeof scratch)) == NULL &&
          (val = header_value(tok, ntok, ekey = "P", scratch, sizeof scratch)) == NULL)
        val = header_value(tok, ntok, ekey = "S", scratch, sizeof scratch);
      if (val != NULL && tff_io_ParseEvalue(val, &evalue, &log10_evalue) != 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: %s= is not %s: %s", name, L.lineno, motif_id, ekey,
                 *ekey == 'E' ? "an E-value" : "a p-value", val);

      /* Read the rows into a growing buffer, then build the motif. */
      double *rows = NULL;
      int     nrows = 0, cap = 0;
      long    header_line = L.lineno;
      for (;;) {
        const char *save_p = L.p;
        long        save_line = L.lineno;
        if (w >= 0 && nrows == w) break;
        r = tff_lines_Next(&L);
        if (r < 0) { free(rows); TFF_FAIL(tffEMEM, errbuf, "out of memory"); }
        if (r == 0 || is_blank(L.line)) {
          if (w >= 0) {
            long at = r == 0 ? L.lineno : L.lineno;
            free(rows);
            if (r == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: the file ends after %d of %d rows (truncated?)", name, at, motif_id, nrows, w);
            TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: the matrix ends after %d row%s; w= says %d", name, at, motif_id, nrows, nrows == 1 ? "" : "s", w);
          }
          break;
        }
        char *s = L.line; while (isspace((unsigned char) *s)) s++;
        if (w < 0 && !(isdigit((unsigned char) *s) || *s == '.' || *s == '-' || *s == '+' ||
                       strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)) {
          L.p = save_p; L.lineno = save_line;   /* not a row: hand the line back */
          break;
        }
        ntok = tokenize(L.line, tok, MAXTOK);
        if (ntok != 4) {
          free(rows);
          if (w >= 0 && ntok > 0 && (isalpha((unsigned char) tok[0][0]) && strncasecmp(tok[0], "nan", 3) && strncasecmp(tok[0], "inf", 3)))
            TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: the matrix ends after %d row%s; w= says %d", name, L.lineno, motif_id, nrows, nrows == 1 ? "" : "s", w);
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: row %d has %d values; expected 4", name, L.lineno, motif_id, nrows + 1, ntok);
        }
        if (nrows == cap) {
          int     ncap = cap ? cap * 2 : 16;
          double *tmp  = realloc(rows, sizeof(double) * 4 * (size_t) ncap);
          if (!tmp) { free(rows); TFF_FAIL(tffEMEM, errbuf, "out of memory"); }
          rows = tmp; cap = ncap;
        }
        for (int a = 0; a < 4; a++)
          if (tff_io_ParseDouble(tok[a], &rows[nrows * 4 + a]) != 0) {
            char bad[64];
            snprintf(bad, sizeof bad, "%s", tok[a]);
            free(rows);
            TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: row %d: '%s' is not a number", name, L.lineno, motif_id, nrows + 1, bad);
          }
        if (tff_motif_ValidateRow(&rows[nrows * 4], nrows, scratch) != tffOK) {
          free(rows);
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: %s", name, L.lineno, motif_id, scratch);
        }
        nrows++;
        if (nrows > TFF_MAX_MOTIF_WIDTH) {
          free(rows);
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: wider than the maximum, %d", name, L.lineno, motif_id, TFF_MAX_MOTIF_WIDTH);
        }
      }
      if (w >= 0) {   /* a numeric row right after w rows means w= is wrong */
        TFF_LINES peek = L;
        peek.line = NULL; peek.cap = 0;
        if (tff_lines_Next(&peek) > 0) {
          char *s = peek.line; while (isspace((unsigned char) *s)) s++;
          int more = (isdigit((unsigned char) *s) || *s == '.' || (*s == '-' && isdigit((unsigned char) s[1])));
          long at = peek.lineno;
          tff_lines_Free(&peek);
          if (more) { free(rows); TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: more rows than w= %d", name, at, motif_id, w); }
        }
        tff_lines_Free(&peek);
      }
      if (nrows == 0) { free(rows); TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: empty matrix", name, header_line, motif_id); }
      status = tff_motif_Create(motif_id, motif_alt, nrows, &cur, errbuf);
      if (status != tffOK) { free(rows); goto ERROR; }
      memcpy(cur->p, rows, sizeof(double) * 4 * (size_t) nrows);
      free(rows);
      cur->nsites = nsites;
      cur->evalue = evalue;
      cur->log10_evalue = log10_evalue;
      cur->line   = motif_line;
      int nbefore = set->n;
      status = tff_motifset_Add(set, cur, errbuf);   /* takes ownership */
      cur = NULL;
      if (status != tffOK) goto ERROR;
      motif_has_matrix = 1;
      motif_kept = set->n > nbefore;    /* not skipped for a repeated id (set->skip_dup) */
      continue;
    }
  }
  if (!have_version) TFF_FAIL(tffEFORMAT, errbuf, "%s: no \"MEME version\" line", name);
  if (in_bg) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: the file ends inside the background frequencies (truncated?)", name, bg_line);
  if (motif_id && !motif_has_matrix)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: motif %s: no letter-probability matrix (truncated?)", name, motif_line, motif_id);
  free(motif_id);
  free(motif_alt);
  tff_lines_Free(&L);
  return tffOK;
 ERROR:
  free(motif_id);
  free(motif_alt);
  tff_motif_Destroy(cur);
  tff_lines_Free(&L);
  return status;
}
