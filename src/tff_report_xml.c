/* tff_report_xml: tffam.xml, written with libxml2's xmlTextWriter.
 *
 * The document type is etc/tffam.dtd (installed beside the data); tests
 * validate every XML they produce against it. Layout:
 *
 *   <tffam version release>
 *     <provenance> command_line, date, query_file, model?, combiner?, reference?, tomtom?, note? </provenance>
 *     <settings methods level top_k min_prob nsig_evalue novelty_threshold? second_prob? partner_evalue?
 *               knn_metric? k? neighbour_metric? min_overlap? motif_pseudo?/>
 *     (novelty_threshold, second_prob, partner_evalue: with the combined model; the first
 *     only when its combiner has a novelty model)
 *     <families> <family index name references/>* </families>
 *     <queries>
 *       <query index id alt? width nsites? consensus predicted_family? probability? confident? best_evalue? significant?>
 *         (nsites: absent when the motif file gives no site count, or 0)
 *         <matrix> <pos A C G T/>* </matrix>?       (left out with R->xml_no_positions)
 *         <combined family second_family?> <prob family p/>* </combined>?
 *         <cnn family second_family?> <prob family p/>* </cnn>?
 *         <knn family? share?> <vote family share/>* </knn>?
 *         <neighbours> <neighbour rank id name? family pvalue evalue offset overlap orientation source?/>* </neighbours>?
 *         (source: "tomtom" for a row of the user's -tomtom run used as given, "tomtom_same"
 *         for one that agreed with tffam's own comparison; absent: computed by tffam)
 *         <importance> numbers </importance>?     (left out with R->xml_no_positions)
 *       </query>*
 *     </queries>
 *     <summary> <count family combined? cnn? knn?/>* </summary>
 *     (family "NA": no call; "no_known_family": the combined calls the novelty model
 *     abstained on; "no_confident_family": those below -min-prob; neither is counted
 *     under its most probable family)
 *   </tffam>
 *
 * Contents:
 *   1. Helpers
 *   2. The writer
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <libxml/xmlwriter.h>

#if LIBXML_VERSION >= 21200   /* 2.12 made the structured handler's error const */
typedef const xmlError *tff_xw_error_t;
#else
typedef xmlErrorPtr tff_xw_error_t;
#endif

#include "tff_report.h"

/*****************************************************************
 * 1. Helpers
 *****************************************************************/

/* Every xmlTextWriter call returns < 0 on failure: jump out. */
#define XW(call) do { if ((call) < 0) goto WRITE_ERROR; } while (0)

/* Every string goes through xml_text(): ids, names and file names come from the
 * user's files, and a control byte or bytes that are not UTF-8 would make the
 * document not well-formed (issue 19); those become U+FFFD. kind: 0 attribute,
 * 1 element, 2 text inside the open element. Returns < 0 on failure. */
static int
xml_text(xmlTextWriterPtr w, int kind, const char *name, const char *value)
{
  char *clean = NULL;
  int   rc;

  if (value == NULL) value = "";
  if (tff_TextBad(value, 1) >= 0) {
    if ((clean = tff_TextClean(value, 1)) == NULL) return -1;
    value = clean;
  }
  if      (kind == 0) rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
  else if (kind == 1) rc = xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST value);
  else                rc = xmlTextWriterWriteString(w, BAD_CAST value);
  free(clean);
  return rc;
}

static int
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
  return xml_text(w, 0, name, value);
}

static int
attr_real(xmlTextWriterPtr w, const char *name, double x)
{
  char buf[40];
  if (!isfinite(x)) return attr(w, name, isnan(x) ? "NaN" : (x > 0 ? "INF" : "-INF"));
  if (x == 0) x = 0;
  return attr(w, name, tff_FormatG(buf, x, 6));
}

static int
attr_int(xmlTextWriterPtr w, const char *name, long long v)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", v);
  return attr(w, name, buf);
}

static int
element(xmlTextWriterPtr w, const char *name, const char *value)
{
  return xml_text(w, 1, name, value);
}

/* A classifier's probabilities: <name family second_family?> <prob family p/>... </name>. */
static int
write_probs(xmlTextWriterPtr w, const char *name, const double *prob, const int top[2], const TFF_RESULT *R)
{
  if (xmlTextWriterStartElement(w, BAD_CAST name) < 0 || attr(w, "family", R->fam[top[0]]) < 0) return -1;
  if (top[1] >= 0 && attr(w, "second_family", R->fam[top[1]]) < 0) return -1;
  for (int f = 0; f < R->nfam; f++)
    if (xmlTextWriterStartElement(w, BAD_CAST "prob") < 0 || attr(w, "family", R->fam[f]) < 0 ||
        attr_real(w, "p", prob[f]) < 0 || xmlTextWriterEndElement(w) < 0) return -1;
  return xmlTextWriterEndElement(w);
}

/*****************************************************************
 * 2. The writer
 *****************************************************************/

/* libxml2 reports a failed write (a full disk) on stderr through its global
 * handlers, beside our own message; they are silenced while the report is
 * written and reset to libxml2's defaults afterwards. */
static void xw_silent_structured(void *data, tff_xw_error_t err) { (void) data; (void) err; }
static void xw_silent_generic(void *data, const char *msg, ...) { (void) data; (void) msg; }

static int write_xml(FILE *fp, const TFF_RESULT *R, char *errbuf);

int
tff_report_WriteXML(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  int status;
  xmlSetStructuredErrorFunc(NULL, xw_silent_structured);
  xmlSetGenericErrorFunc(NULL, xw_silent_generic);
  status = write_xml(fp, R, errbuf);
  xmlSetStructuredErrorFunc(NULL, NULL);
  xmlSetGenericErrorFunc(NULL, NULL);
  return status;
}

static int
write_xml(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  xmlTextWriterPtr w = NULL;
  int             *ncnn = NULL, *nknn = NULL, *ncomb = NULL, *nrefs = NULL;
  char            *cons = NULL;
  char             date[32], buf[40];
  TFF_BUF          fbuf;
  int              maxw = 1;
  int              status;

  tff_buf_Init(&fbuf);
  TFF_CALLOC(ncnn,  (size_t) R->nfam + 1, sizeof(int));
  TFF_CALLOC(nknn,  (size_t) R->nfam + 1, sizeof(int));
  TFF_CALLOC(ncomb, (size_t) R->nfam + 3, sizeof(int));   /* families, NA, no_known_family, no_confident_family */
  TFF_CALLOC(nrefs, (size_t) R->nfam + 1, sizeof(int));
  for (int i = 0; i < R->nref; i++) if (R->refy[i] >= 0 && R->refy[i] < R->nfam) nrefs[R->refy[i]]++;
  for (int i = 0; i < R->nq; i++) if (R->q[i].motif->w > maxw) maxw = R->q[i].motif->w;
  TFF_ALLOC(cons, (size_t) maxw + 1);

  xmlOutputBufferPtr out = xmlOutputBufferCreateFile(fp, NULL);   /* does not close fp */
  if (out == NULL || (w = xmlNewTextWriter(out)) == NULL) {
    if (out) xmlOutputBufferClose(out);
    TFF_FAIL(tffEMEM, errbuf, "out of memory (XML writer)");
  }
  XW(xmlTextWriterSetIndent(w, 1));
  XW(xmlTextWriterSetIndentString(w, BAD_CAST "  "));
  XW(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));

  XW(xmlTextWriterStartElement(w, BAD_CAST "tffam"));
  XW(attr(w, "version", R->version ? R->version : PACKAGE_VERSION));

  /* provenance: every field that changes from run to run or machine to machine */
  XW(xmlTextWriterStartElement(w, BAD_CAST "provenance"));
  XW(element(w, "command_line", R->cmdline));
  XW(element(w, "date", tff_result_FormatDate(R, date)));
  XW(xmlTextWriterStartElement(w, BAD_CAST "query_file"));
  XW(attr(w, "format", R->query_format ? R->query_format : ""));
  XW(attr_int(w, "motifs", R->nq));
  XW(xml_text(w, 2, NULL, R->query_file));
  XW(xmlTextWriterEndElement(w));
  if (R->methods & tffRESULT_CNN) {
    XW(xmlTextWriterStartElement(w, BAD_CAST "model"));
    XW(attr(w, "file", R->model_file));
    XW(attr(w, "crc32", R->model_checksum));
    XW(xmlTextWriterEndElement(w));
  }
  if (R->methods & tffRESULT_COMBINED) {
    XW(xmlTextWriterStartElement(w, BAD_CAST "combiner"));
    XW(attr(w, "file", R->combiner_file));
    XW(attr(w, "crc32", R->combiner_checksum));
    XW(xmlTextWriterEndElement(w));
  }
  if (R->methods & tffRESULT_KNN) {
    XW(xmlTextWriterStartElement(w, BAD_CAST "reference"));
    XW(attr(w, "file", R->ref_file));
    XW(attr(w, "checksum", R->ref_checksum));
    XW(attr_int(w, "motifs", R->nref));
    XW(attr(w, "labels", R->labels_file));
    XW(attr(w, "labels_crc32", R->labels_checksum));
    XW(xmlTextWriterEndElement(w));
    if (R->tomtom_file) {
      XW(xmlTextWriterStartElement(w, BAD_CAST "tomtom"));
      XW(attr(w, "file", R->tomtom_file));
      if (R->tomtom_note) XW(attr(w, "used", R->tomtom_note));
      XW(xmlTextWriterEndElement(w));
    }
  }
  if (R->note) XW(element(w, "note", R->note));
  XW(xmlTextWriterEndElement(w));   /* provenance */

  XW(xmlTextWriterStartElement(w, BAD_CAST "settings"));
  XW(attr(w, "methods", tff_result_Methods(R, buf)));
  XW(attr(w, "level", R->level ? R->level : "class"));
  XW(attr_int(w, "top_k", R->top_k));
  XW(attr_real(w, "min_prob", R->min_prob));
  XW(attr_real(w, "nsig_evalue", R->nsig_evalue));
  if (R->methods & tffRESULT_COMBINED) {   /* the rules that decide the combined call (absent: not in play) */
    if (isfinite(R->novelty_thresh)) XW(attr_real(w, "novelty_threshold", R->novelty_thresh));
    if (isfinite(R->second_prob))    XW(attr_real(w, "second_prob", R->second_prob));
    if (isfinite(R->partner_evalue)) XW(attr_real(w, "partner_evalue", R->partner_evalue));
  }
  if (R->methods & tffRESULT_KNN) {
    XW(attr(w, "knn_metric", R->knn_metric));
    XW(attr_int(w, "k", R->knn_k));
    XW(attr(w, "neighbour_metric", R->nb_metric));
    XW(attr_int(w, "min_overlap", R->min_overlap));
    XW(attr_real(w, "motif_pseudo", R->motif_pseudo));
  }
  XW(xmlTextWriterEndElement(w));

  XW(xmlTextWriterStartElement(w, BAD_CAST "families"));
  for (int k = 0; k < R->nfam; k++) {
    XW(xmlTextWriterStartElement(w, BAD_CAST "family"));
    XW(attr_int(w, "index", k));
    XW(attr(w, "name", R->fam[k]));
    XW(attr_int(w, "references", nrefs[k]));
    XW(xmlTextWriterEndElement(w));
  }
  XW(xmlTextWriterEndElement(w));

  XW(xmlTextWriterStartElement(w, BAD_CAST "queries"));
  for (int i = 0; i < R->nq; i++) {
    const TFF_RESULT_QUERY *Q = &R->q[i];
    const TFF_MOTIF        *m = Q->motif;
    double s;
    int    k = tff_result_Call(R, i, &s);

    XW(xmlTextWriterStartElement(w, BAD_CAST "query"));
    XW(attr_int(w, "index", Q->index));
    XW(attr(w, "id", m->id));
    if (m->alt) XW(attr(w, "alt", m->alt));
    XW(attr_int(w, "width", m->w));
    /* a count in full: 6 digits made 1234567 1.23457e+06. None given (or 0): no
     * attribute, not nsites="0"; the comparisons count TFF_DEFAULT_NSITES sites. */
    if (m->nsites > 0) XW(attr(w, "nsites", tff_FormatG(buf, m->nsites, 15)));
    tff_motif_Consensus(m, cons);
    XW(attr(w, "consensus", cons));
    if (k >= 0) {
      XW(attr(w, "predicted_family", R->fam[k]));
      if (isfinite(s)) XW(attr_real(w, "probability", s));
      XW(attr(w, "confident", tff_result_Confident(R, i) ? "yes" : "no"));
      if (isfinite(Q->novelty)) {
        XW(attr_real(w, "novelty", Q->novelty));
        XW(attr(w, "known_family", tff_result_Known(R, i) ? "yes" : "no"));
      }
      int k2 = tff_result_SecondFamily(R, i);
      if (k2 >= 0) XW(attr(w, "second_family", R->fam[k2]));
    }
    if (isfinite(Q->best_evalue)) {
      XW(attr_real(w, "best_evalue", Q->best_evalue));
      XW(attr(w, "significant", tff_result_Significant(R, i) ? "yes" : "no"));
    }
    if (Q->comb_prob)
      ncomb[Q->comb_top[0] < 0 ? R->nfam : !tff_result_Known(R, i) ? R->nfam + 1 : !tff_result_Confident(R, i) ? R->nfam + 2 : Q->comb_top[0]]++;
    if (Q->cnn_prob) ncnn[Q->cnn_top[0] >= 0 ? Q->cnn_top[0] : R->nfam]++;
    if (R->methods & tffRESULT_KNN) nknn[Q->knn_call >= 0 ? Q->knn_call : R->nfam]++;

    if (!R->xml_no_positions) XW(xmlTextWriterStartElement(w, BAD_CAST "matrix"));
    for (int r = 0; r < m->w && !R->xml_no_positions; r++) {
      XW(xmlTextWriterStartElement(w, BAD_CAST "pos"));
      for (int a = 0; a < TFF_ALPHA; a++) {
        char letter[2] = { tff_alphabet[a], '\0' };
        XW(attr(w, letter, tff_FormatG(buf, m->p[r * TFF_ALPHA + a], 6)));
      }
      XW(xmlTextWriterEndElement(w));
    }
    if (!R->xml_no_positions) XW(xmlTextWriterEndElement(w));

    if (Q->comb_prob) XW(write_probs(w, "combined", Q->comb_prob, Q->comb_top, R));
    if (Q->cnn_prob)  XW(write_probs(w, "cnn",      Q->cnn_prob,  Q->cnn_top,  R));
    if (R->methods & tffRESULT_KNN) {
      XW(xmlTextWriterStartElement(w, BAD_CAST "knn"));
      if (Q->knn_call >= 0) {
        XW(attr(w, "family", R->fam[Q->knn_call]));
        if (Q->knn_share) XW(attr_real(w, "share", Q->knn_share[Q->knn_call]));
      }
      if (Q->knn_share)
        for (int f = 0; f < R->nfam; f++) {
          if (Q->knn_share[f] <= 0) continue;
          XW(xmlTextWriterStartElement(w, BAD_CAST "vote"));
          XW(attr(w, "family", R->fam[f]));
          XW(attr_real(w, "share", Q->knn_share[f]));
          XW(xmlTextWriterEndElement(w));
        }
      XW(xmlTextWriterEndElement(w));
    }
    if (Q->nnb > 0) {
      XW(xmlTextWriterStartElement(w, BAD_CAST "neighbours"));
      for (int r = 0; r < Q->nnb; r++) {
        const TFF_RESULT_NB *nb = &Q->nb[r];
        const TFF_MOTIF     *rm = R->ref[nb->ref];
        XW(xmlTextWriterStartElement(w, BAD_CAST "neighbour"));
        XW(attr_int(w, "rank", r + 1));
        XW(attr(w, "id", rm->id));
        if (rm->alt) XW(attr(w, "name", rm->alt));
        TFF_CHECK(tff_result_RefFamily(R, nb->ref, &fbuf, errbuf));
        XW(attr(w, "family", fbuf.s));
        XW(attr_real(w, "pvalue", nb->pvalue));
        XW(attr_real(w, "evalue", nb->evalue));
        XW(attr_int(w, "offset", nb->offset));
        XW(attr_int(w, "overlap", nb->overlap));
        XW(attr(w, "orientation", nb->strand ? "-" : "+"));
        if (nb->source) XW(attr(w, "source", nb->source == 2 ? "tomtom_same" : "tomtom"));
        XW(xmlTextWriterEndElement(w));
      }
      XW(xmlTextWriterEndElement(w));
    }
    if (Q->importance && !R->xml_no_positions) {
      XW(xmlTextWriterStartElement(w, BAD_CAST "importance"));
      for (int r = 0; r < m->w; r++) {
        double x = Q->importance[r];
        if (x == 0) x = 0;
        XW(xmlTextWriterWriteFormatString(w, "%s%s", r ? " " : "", tff_FormatG(buf, x, 6)));
      }
      XW(xmlTextWriterEndElement(w));
    }
    XW(xmlTextWriterEndElement(w));   /* query */
  }
  XW(xmlTextWriterEndElement(w));     /* queries */

  XW(xmlTextWriterStartElement(w, BAD_CAST "summary"));
  for (int k = 0; k <= R->nfam; k++) {
    if (ncomb[k] == 0 && ncnn[k] == 0 && nknn[k] == 0) continue;
    XW(xmlTextWriterStartElement(w, BAD_CAST "count"));
    XW(attr(w, "family", k < R->nfam ? R->fam[k] : "NA"));
    if (R->methods & tffRESULT_COMBINED) XW(attr_int(w, "combined", ncomb[k]));
    if (R->methods & tffRESULT_CNN) XW(attr_int(w, "cnn", ncnn[k]));
    if (R->methods & tffRESULT_KNN) XW(attr_int(w, "knn", nknn[k]));
    XW(xmlTextWriterEndElement(w));
  }
  for (int k = R->nfam + 1; k <= R->nfam + 2; k++) {   /* the two abstentions, not counted under their top family */
    if (ncomb[k] == 0) continue;
    XW(xmlTextWriterStartElement(w, BAD_CAST "count"));
    XW(attr(w, "family", k == R->nfam + 1 ? "no_known_family" : "no_confident_family"));
    XW(attr_int(w, "combined", ncomb[k]));
    XW(xmlTextWriterEndElement(w));
  }
  XW(xmlTextWriterEndElement(w));

  XW(xmlTextWriterEndElement(w));     /* tffam */
  XW(xmlTextWriterEndDocument(w));
  xmlFreeTextWriter(w);               /* flushes and closes */
  w = NULL;
  free(ncnn); free(nknn); free(ncomb); free(nrefs); free(cons); tff_buf_Free(&fbuf);
  return tffOK;

 WRITE_ERROR:
  status = tff_Fail(errbuf, tffEWRITE, "XML report: write failed");
 ERROR:
  if (w) xmlFreeTextWriter(w);
  free(ncnn); free(nknn); free(ncomb); free(nrefs); free(cons); tff_buf_Free(&fbuf);
  return status;
}
