/* tff_report: tffam's reports, MEME Suite style: tffam.tsv, tffam.xml, tffam.html.
 *
 * Every writer reads a TFF_RESULT (tff_result.h) and writes one format; the
 * formats are described in doc/tffam-output-format.md.
 *
 *   tffam.tsv    one row per query; header row; '#' provenance footer ending "# [ok]"
 *   tffam.xml    the same results and more, libxml2 xmlTextWriter; DTD etc/tffam.dtd
 *   tffam.html   etc/tffam_template.html with its data placeholder replaced by
 *                the results as JSON (tff_report_WriteJSON); self-contained
 *
 * tff_report_WriteDir() writes all three into a staged output directory
 * (tff_outdir.h), so a failed run leaves nothing half-written.
 *
 * Contents:
 *   1. Output directory (tff_report.c)
 *   2. TSV (tff_report_tsv.c)
 *   3. XML (tff_report_xml.c)
 *   4. JSON data and HTML (tff_report_html.c)
 */
#ifndef TFF_REPORT_INCLUDED
#define TFF_REPORT_INCLUDED

#include <stdio.h>

#include "tff_outdir.h"
#include "tff_result.h"
#include "tff_util.h"

#define TFF_REPORT_TSV  "tffam.tsv"
#define TFF_REPORT_XML  "tffam.xml"
#define TFF_REPORT_HTML "tffam.html"
#define TFF_REPORT_TEMPLATE "tffam_template.html"
#define TFF_REPORT_DOCURL "doc/tffam-output-format.md"   /* relative to the installed docdir */
#define TFF_REPORT_PLACEHOLDER "<script src=\"tffam_data.js\"></script>"
#define TFF_REPORT_STATIC_PLACEHOLDER "<!-- tffam: static table -->"
#define TFF_REPORT_CITE_PLACEHOLDER "<!-- tffam: citations -->"   /* the method section's list (tff_cite.h) */
#define TFF_REPORT_JASPAR_URL "https://jaspar.elixir.no/matrix/"   /* + id + "/": a matrix's JASPAR page */
/* The static table (for readers without scripts) lists at most this many
 * motifs: it is parsed before the page's script runs, and 10,000 rows of it
 * kept a 10,000-motif report from showing for seconds (issue 23). */
#define TFF_REPORT_STATIC_MAX 1000

/* 1. Output directory */

/* Function:  tff_report_WriteDir()
 * Synopsis:  Write tffam.tsv, tffam.xml and tffam.html into a staged output directory.
 * Purpose:   The caller opened <od> (tff_outdir_Open: -o refuses an existing
 *            directory, -oc replaces it) and commits it after this returns
 *            tffOK, or aborts it on failure, so a failed run leaves nothing.
 * Args:      template_path - the HTML template (etc/tffam_template.html)
 * Returns:   tffOK; tffEWRITE; the errors of tff_report_WriteHTML().
 */
int tff_report_WriteDir(TFF_OUTDIR *od, const char *template_path, const TFF_RESULT *R, char *errbuf);

/* 2. TSV */

/* Function:  tff_report_WriteTSV()
 * Synopsis:  The TSV report (header, one row per query, footer) to an open stream.
 * Returns:   tffOK; tffEWRITE.
 */
int tff_report_WriteTSV(FILE *fp, const TFF_RESULT *R, char *errbuf);

/* Function:  tff_report_WriteCalls()
 * Synopsis:  tffam-combine's compact table: Query_ID, Call, Probability,
 *            Top_Families ("family:p; ..." for R->top_k families), Best_Evalue,
 *            Flags, Second_Family, Second_Probability, one row per query. Call,
 *            probability, flags and the second family are the ones tffam.tsv
 *            prints as Predicted_Family, Probability, Flags and Second_Family /
 *            Second_Probability (the same tff_result functions decide them): with
 *            two_families in Flags the answer's second family (a heterodimer
 *            partner need not be the runner-up), otherwise the runner-up; NA when
 *            there is none. After the rows, a blank line, tffam.tsv's
 *            '# combined model:' line (when R->combiner_file is set) and its
 *            '# level:' line.
 * Returns:   tffOK; tffEWRITE.
 */
int tff_report_WriteCalls(FILE *fp, const TFF_RESULT *R, char *errbuf);

/* 3. XML */

/* Function:  tff_report_WriteXML()
 * Synopsis:  The XML report to an open stream, with libxml2's xmlTextWriter.
 * Returns:   tffOK; tffEWRITE.
 */
int tff_report_WriteXML(FILE *fp, const TFF_RESULT *R, char *errbuf);

/* 4. JSON and HTML */

/* Function:  tff_report_WriteJSON()
 * Synopsis:  The HTML page's data object: program, version, cmd, options,
 *            provenance (all volatile fields), families, reference motifs
 *            used as neighbours, queries.
 * Returns:   tffOK; tffEWRITE.
 */
int tff_report_WriteJSON(FILE *fp, const TFF_RESULT *R, char *errbuf);

/* Function:  tff_report_WriteHTML()
 * Synopsis:  The template with TFF_REPORT_PLACEHOLDER replaced by
 *            <script id="tffam_data" type="application/json">DATA</script>,
 *            and TFF_REPORT_STATIC_PLACEHOLDER (if the template has it) by a
 *            static table of the calls that needs no JavaScript (the page's
 *            script removes it and draws its own): the call and its
 *            probability, KNN's call and vote share, the nearest reference
 *            motif (linked to its JASPAR page) and its p-value, the flags.
 * Returns:   tffOK; tffENOTFOUND (no template); tffEFORMAT (no placeholder); tffEWRITE.
 */
int tff_report_WriteHTML(FILE *fp, const char *template_path, const TFF_RESULT *R, char *errbuf);

#endif /* TFF_REPORT_INCLUDED */
