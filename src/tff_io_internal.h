/* tff_io_internal: what the format parsers share. Not a public API.
 *
 * Each parser fills an already created TFF_MOTIFSET from an in-memory buffer.
 * Parsers apply tff_motif_ValidateRow() to every row they read and report
 * errors as "<file> line <n>: motif <id>: <reason>" (XML parsers give the
 * element instead of, or beside, the line).
 */
#ifndef TFF_IO_INTERNAL_INCLUDED
#define TFF_IO_INTERNAL_INCLUDED

#include <stddef.h>
#include "tff_motif.h"

int tff_io_meme_Parse  (const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf);
int tff_io_jaspar_Parse(const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf);
/* MEME, STREME and DREME XML (tff_io_xml.c, libxml2). */
int tff_io_xml_Parse   (const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf);

/* A line cursor over a buffer: lines end at \n, \r\n or a lone \r. */
typedef struct {
  const char *p, *end;
  long        lineno;      /* 1-based number of the line last returned */
  char       *line;        /* NUL-terminated copy of the current line */
  size_t      cap;
} TFF_LINES;
void tff_lines_Init(TFF_LINES *L, const char *data, size_t n);
/* 1 and L->line set, or 0 at the end; -1 on OOM. */
int  tff_lines_Next(TFF_LINES *L);
void tff_lines_Free(TFF_LINES *L);

/* Parse a double strictly (the whole token a number, finite or not: caller checks),
 * blanks (white space) before and after it allowed, as MEME Suite's own readers take
 * them; a token of blanks only is no number. Every data-file reader takes its numbers
 * so (doc/motif-formats.md, "Numbers"); options refuse the blanks (tff_opts.c).
 * 0 on success. */
int  tff_io_ParseDouble(const char *tok, double *ret);

/* An E-value as text (MEME's "E= 1.2e-1234", an XML e_value attribute): the
 * whole token a number, not NaN, not negative. *ret_e is the double (0 when
 * it underflows, inf when it overflows); *ret_log10 its log10 from the text's
 * own mantissa and exponent, so 1.2e-1234 gives -1233.92 (-INFINITY for a
 * zero). 0 on success, -1 if the token is no E-value. */
int  tff_io_ParseEvalue(const char *tok, double *ret_e, double *ret_log10);

/* A motif ID or alt name (what: "motif ID", "alt name") must be UTF-8 without
 * control characters, as the XML reader requires: the reports (tffam.xml) and
 * the terminal (-list) take it as it is. Error: "FILE line N: motif ID 'ab'...". */
int  tff_io_CheckName(const char *name, long line, const char *what, const char *s, char *errbuf);

/* Check the alphabet a file declares: DNA (ACGT) or RNA (ACGU) are accepted,
 * anything else is an error "tffam works on DNA motifs; FILE uses alphabet X". */
int  tff_io_CheckAlphabet(const char *name, long line, const char *alphabet, char *errbuf);

/* A keyword line of the MEME text format, matched as MEME Suite's reader
 * (motif-in-meme-text.c) matches it: after any leading spaces and tabs, in any
 * case; in kw a space stands for one or more spaces or tabs and '_' for zero or
 * more. The line is s up to end (end NULL: up to its NUL). Returns the first
 * character after the keyword, or NULL if the line does not start with it (nor
 * when the keyword ends in a letter and the line goes on with a letter or digit:
 * "ALPHABETS" is not "ALPHABET"). */
const char *tff_io_Keyword(const char *s, const char *end, const char *kw);

#endif /* TFF_IO_INTERNAL_INCLUDED */
