/* tff_cite: what to cite when tffam is used (tff_cite.h). */
#include <config.h>

#include <stdio.h>

#include "tff_cite.h"
#include "tff_util.h"

/*****************************************************************
 * 1. The citations
 *****************************************************************/

const TFF_CITATION tff_citations[] = {
  { "method",
    "Wilk AB (2025). Machine learning methods to predict transcription factor family from binding specificity. "
    "Quantitative Biology Honors Thesis, University of Southern California, Los Angeles, CA.",
    NULL },
  { "reference motifs and their families",
    "Rauluseviciute I et al. (2024). JASPAR 2024: 20th anniversary of the open-access database of "
    "transcription factor binding profiles. Nucleic Acids Res. 52:D174-D182.",
    "10.1093/nar/gkad1059" },
  { "motif comparison",
    "Gupta S, Stamatoyannopoulos JA, Bailey TL, Noble WS (2007). Quantifying similarity between motifs. "
    "Genome Biol. 8:R24.",
    "10.1186/gb-2007-8-2-r24" },
  { NULL, NULL, NULL }
};

/*****************************************************************
 * 2. Printing them
 *****************************************************************/

int
tff_cite_Print(FILE *fp, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\nPlease cite (tffam %s; CITATION.cff):\n", PACKAGE_VERSION));
  for (const TFF_CITATION *c = tff_citations; c->text; c++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "  %s", c->text));
    if (c->doi) TFF_CHECK(tff_Fprintf(fp, errbuf, " doi:%s", c->doi));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
  return tffOK;
 ERROR:
  return status;
}
