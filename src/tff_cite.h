/* tff_cite: what to cite when tffam is used, in one place.
 *
 * The list below is the one source of the citation strings that tffam shows:
 *   - the last lines of `tffam -h` (tff_cite_Print());
 *   - the HTML report: tff_report_WriteJSON() writes the list as the report
 *     data's "citations" array, which the template's footer (and any citation
 *     or method section) renders;
 * and the same works are listed in CITATION.cff, website/cite.html and the
 * Galaxy wrapper's <citations> (galaxy/macros.xml). tests/release.test checks that
 * all of those name the same DOIs and the thesis as this list does.
 *
 * Contents:
 *   1. The citations
 *   2. Printing them
 */
#ifndef TFF_CITE_INCLUDED
#define TFF_CITE_INCLUDED

#include <stdio.h>

/* 1. The citations */
typedef struct {
  const char *what;   /* what tffam takes from it: "method", "reference motifs", ... */
  const char *text;   /* the reference, one line, plain text (no markup) */
  const char *doi;    /* "10.1093/..." or NULL (the thesis has none) */
} TFF_CITATION;

/* The works to cite, the thesis first; ends with a { NULL, NULL, NULL } entry. */
extern const TFF_CITATION tff_citations[];

/* 2. Printing them */

/* tff_cite_Print()
 * Purpose:   Write "Please cite:" and one line per work ("  <text> doi:<doi>")
 *            to <fp>: the last lines of a program's -h.
 * Returns:   tffOK, or tffEWRITE (message in errbuf) if <fp> fails.
 */
int tff_cite_Print(FILE *fp, char *errbuf);

#endif /* TFF_CITE_INCLUDED */
