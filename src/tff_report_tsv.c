/* tff_report_tsv: tffam.tsv, one row per query motif.
 *
 * Columns (doc/tffam-output-format.md):
 *   Query_ID Query_Name Predicted_Family Probability Second_Family Second_Probability
 *   KNN_Family KNN_Vote_Share Nearest_ID Nearest_Name Nearest_Family
 *   Nearest_p-value Nearest_E-value Nearest_Offset Nearest_Overlap Nearest_Orientation
 *   CNN_Family CNN_Probability Top_Families Best_E-value Flags
 *   Importance (the per-position Integrated Gradients profile, comma-separated, one
 *   value per motif column, or NA)
 * Predicted_Family is the combined model's call when it ran (else the conv net's,
 * else KNN's), or "no_known_family" when the novelty model says the motif is unlike
 * every family the model knows (the novelty model's probability, in tffam.xml and
 * tffam.html, at or above -novelty), or
 * "no_confident_family" when its probability is below -min-prob; Flags lists
 * "not_significant" when even the best reference match has an E-value above
 * -nsig-evalue, and "two_families" when the answer has a second family
 * (tff_result_SecondFamily(): the heterodimer partner, or the runner-up at
 * -second-prob; a heterodimer-like motif: the answer is both families),
 * comma-separated, or "." for none.
 * A value that does not exist (a method that did not run, no neighbour) is "NA".
 * After the rows: a blank line and '#' lines with the version, the format
 * document, the command line, the model and reference checksums, the settings
 * (with the combined model also -novelty, the threshold in effect: the combiner's
 * or the user's, NA without a novelty model, -second-prob and -partner-evalue),
 * and "# [ok]".
 *
 * Contents:
 *   1. The writer
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_report.h"

/*****************************************************************
 * 1. The writer
 *****************************************************************/

static const char *tsv_header =
  "Query_ID\tQuery_Name\tPredicted_Family\tProbability\tSecond_Family\tSecond_Probability\t"
  "KNN_Family\tKNN_Vote_Share\tNearest_ID\tNearest_Name\tNearest_Family\t"
  "Nearest_p-value\tNearest_E-value\tNearest_Offset\tNearest_Overlap\tNearest_Orientation\t"
  "CNN_Family\tCNN_Probability\tTop_Families\tBest_E-value\tFlags\tImportance\n";

/* A text field: tabs and line breaks (impossible in ids, but names come from files) become spaces. */
static int
put_text(FILE *fp, const char *s, char *errbuf)
{
  if (s == NULL || *s == '\0') s = "NA";
  for (const char *p = s; *p; p++)
    if (putc((*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p, fp) == EOF)
      return tff_Fail(errbuf, tffEWRITE, "write failed");
  return tffOK;
}

/* A '#' footer line: file names (-ref, -ref-labels, -model, -tomtom) may hold a line
 * break, which would end the comment and leave the rest as a row; control
 * characters become spaces. */
static int
put_comment(FILE *fp, char *errbuf, const char *fmt, ...)
{
  char   *line = NULL;
  va_list ap;
  int     len, status;

  va_start(ap, fmt);
  len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len < 0) TFF_FAIL(tffFAIL, errbuf, "formatting error");
  TFF_ALLOC(line, (size_t) len + 1);
  va_start(ap, fmt);
  vsnprintf(line, (size_t) len + 1, fmt, ap);
  va_end(ap);
  tff_OneLine(line, (size_t) len);
  status = tff_Fprintf(fp, errbuf, "%s\n", line);
 ERROR:
  free(line);
  return status;
}

/* The '# level:' footer line: the level and the settings that decide the calls;
 * with the combined model also the rules of its call (-novelty: the threshold in
 * effect, NA without a novelty model; -second-prob, -partner-evalue). tffam.tsv's
 * footer and tffam-combine's call table (tff_report_WriteCalls) end with it. */
static int
put_level_line(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  char comb[160] = "";
  if (R->methods & tffRESULT_COMBINED) {
    char nov[40];
    if (isfinite(R->novelty_thresh)) tff_FormatG(nov, R->novelty_thresh, 6);
    else                             strcpy(nov, "NA");
    snprintf(comb, sizeof comb, " -novelty %s -second-prob %g -partner-evalue %g", nov, R->second_prob, R->partner_evalue);
  }
  /* -combiner or -model may be another level's than -level (whose reference set and
   * labels are used unless -ref is given): then the line names that level too */
  const char *lev = R->level ? R->level : "class";
  char        own[96] = "";
  if (R->model_level && strcmp(R->model_level, lev) != 0)
    snprintf(own, sizeof own, " (%s %s%s)", (R->methods & tffRESULT_COMBINED) ? "combined model" : "conv net",
             *R->model_level ? "of -level " : "of no shipped level", R->model_level);
  return put_comment(fp, errbuf, "# level: %s%s; -top-k %d -min-prob %g -nsig-evalue %g%s", lev, own,
                     R->top_k, R->min_prob, R->nsig_evalue, comb);
}

static int
put_real(FILE *fp, double x, char *errbuf)
{
  char buf[40];
  if (!isfinite(x)) return tff_Fprintf(fp, errbuf, "NA");
  return tff_Fprintf(fp, errbuf, "%s", tff_FormatG(buf, x, 6));
}

static const char *
fam_name(const TFF_RESULT *R, int k)
{
  return (k >= 0 && k < R->nfam) ? R->fam[k] : NULL;
}

int
tff_report_WriteTSV(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  int     status, ntop;
  int    *top  = NULL;
  double *tops = NULL;
  TFF_BUF fbuf;

  tff_buf_Init(&fbuf);
  TFF_ALLOC(top,  sizeof(int)    * (size_t) R->top_k);
  TFF_ALLOC(tops, sizeof(double) * (size_t) R->top_k);
  TFF_CHECK(tff_Fprintf(fp, errbuf, "%s", tsv_header));
  for (int i = 0; i < R->nq; i++) {
    const TFF_RESULT_QUERY *Q = &R->q[i];
    double s1, s2;
    char   flags[64];
    int    k1 = tff_result_Call(R, i, &s1);
    int    k2 = tff_result_Second(R, i, &s2);

    TFF_CHECK(put_text(fp, Q->motif->id, errbuf));                 TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_text(fp, Q->motif->alt, errbuf));                TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_text(fp, k1 >= 0 ? tff_result_CallName(R, i) : NULL, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_real(fp, s1, errbuf));                           TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_text(fp, fam_name(R, k2), errbuf));              TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_real(fp, s2, errbuf));                           TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_text(fp, fam_name(R, Q->knn_call), errbuf));     TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_real(fp, (Q->knn_call >= 0 && Q->knn_share) ? Q->knn_share[Q->knn_call] : NAN, errbuf));
    if (Q->nnb > 0) {
      const TFF_RESULT_NB *nb = &Q->nb[0];
      const TFF_MOTIF     *r  = R->ref[nb->ref];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
      TFF_CHECK(put_text(fp, r->id, errbuf));                      TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
      TFF_CHECK(put_text(fp, r->alt, errbuf));                     TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
      TFF_CHECK(tff_result_RefFamily(R, nb->ref, &fbuf, errbuf));
      TFF_CHECK(put_text(fp, fbuf.s, errbuf));                     TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
      TFF_CHECK(put_real(fp, nb->pvalue, errbuf));                 TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
      TFF_CHECK(put_real(fp, nb->evalue, errbuf));
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%d\t%d\t%c", nb->offset, nb->overlap, nb->strand ? '-' : '+'));
    } else {
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA"));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_text(fp, Q->cnn_prob ? fam_name(R, Q->cnn_top[0]) : NULL, errbuf));  TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_real(fp, (Q->cnn_prob && Q->cnn_top[0] >= 0) ? Q->cnn_prob[Q->cnn_top[0]] : NAN, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    ntop = tff_result_Top(R, i, R->top_k, top, tops);
    if (ntop == 0) TFF_CHECK(tff_Fprintf(fp, errbuf, "NA"));
    for (int j = 0; j < ntop; j++) {
      if (j) TFF_CHECK(tff_Fprintf(fp, errbuf, "; "));
      TFF_CHECK(put_text(fp, fam_name(R, top[j]), errbuf));
      TFF_CHECK(tff_Fprintf(fp, errbuf, ":%.4f", tops[j]));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t"));
    TFF_CHECK(put_real(fp, Q->best_evalue, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", tff_result_Flags(R, i, flags)));
    if (Q->importance) {
      for (int i = 0; i < Q->motif->w; i++) {
        char num[32];   /* a small negative: "0.0000", as tffam.xml writes no -0 */
        TFF_CHECK(tff_Fprintf(fp, errbuf, "%c%s", i ? ',' : '\t', tff_FormatF(num, Q->importance[i], 4)));
      }
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
    } else {
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\tNA\n"));
    }
  }

  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n# tffam (transcription factor family prediction): Version %s\n", R->version ? R->version : PACKAGE_VERSION));
  TFF_CHECK(put_comment(fp, errbuf, "# The format of this file is described in %s.", TFF_REPORT_DOCURL));
  TFF_CHECK(put_comment(fp, errbuf, "# %s", R->cmdline ? R->cmdline : "tffam"));
  if (R->methods & tffRESULT_CNN)
    TFF_CHECK(put_comment(fp, errbuf, "# model: %s crc32 %s", R->model_file ? R->model_file : "NA", R->model_checksum ? R->model_checksum : "NA"));
  if (R->methods & tffRESULT_COMBINED)
    TFF_CHECK(put_comment(fp, errbuf, "# combined model: %s crc32 %s", R->combiner_file ? R->combiner_file : "NA",
                          R->combiner_checksum ? R->combiner_checksum : "NA"));
  TFF_CHECK(put_level_line(fp, R, errbuf));
  if (R->methods & tffRESULT_KNN) {
    TFF_CHECK(put_comment(fp, errbuf, "# reference: %s (%d motifs) checksum %s; labels: %s crc32 %s",
                          R->ref_file ? R->ref_file : "NA", R->nref, R->ref_checksum ? R->ref_checksum : "NA",
                          R->labels_file ? R->labels_file : "NA", R->labels_checksum ? R->labels_checksum : "NA"));
    TFF_CHECK(put_comment(fp, errbuf, "# knn: -dist %s -k %d; neighbours by %s%s%s",
                          R->knn_metric ? R->knn_metric : "NA", R->knn_k, R->nb_metric ? R->nb_metric : "NA",
                          R->tomtom_file ? " from " : "", R->tomtom_file ? R->tomtom_file : ""));
    if (R->tomtom_note) TFF_CHECK(put_comment(fp, errbuf, "# tomtom: %s", R->tomtom_note));
  }
  if (R->note) TFF_CHECK(put_comment(fp, errbuf, "# note: %s", R->note));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "# [ok]\n"));
  free(top); free(tops); tff_buf_Free(&fbuf);
  return tffOK;
 ERROR:
  free(top); free(tops); tff_buf_Free(&fbuf);
  return status;
}

int
tff_report_WriteCalls(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  int    status, fam[R->nfam > 0 ? R->nfam : 1];
  double sc[R->nfam > 0 ? R->nfam : 1];
  char   flags[64];

  TFF_CHECK(tff_Fprintf(fp, errbuf, "Query_ID\tCall\tProbability\tTop_Families\tBest_Evalue\tFlags\tSecond_Family\tSecond_Probability\n"));
  for (int i = 0; i < R->nq; i++) {
    double      s, s2;
    int         n = tff_result_Top(R, i, R->top_k, fam, sc);
    const char *call = tff_result_CallName(R, i);
    int         k2 = tff_result_Second(R, i, &s2);
    tff_result_Call(R, i, &s);
    TFF_CHECK(put_text(fp, R->q[i].motif->id, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s\t%.4f\t", call ? call : "NA", s));
    for (int a = 0; a < n; a++) TFF_CHECK(tff_Fprintf(fp, errbuf, "%s%s:%.4f", a ? "; " : "", R->fam[fam[a]], sc[a]));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%.3g\t%s\t", R->q[i].best_evalue, tff_result_Flags(R, i, flags)));
    TFF_CHECK(put_text(fp, fam_name(R, k2), errbuf));
    TFF_CHECK(k2 >= 0 && isfinite(s2) ? tff_Fprintf(fp, errbuf, "\t%.4f\n", s2) : tff_Fprintf(fp, errbuf, "\tNA\n"));
  }
  /* after a blank line, the combiner and the settings that decided the calls, as
   * tffam.tsv's footer has them: '# level: class' alone did not say that -combiner
   * replaced the level's combiner */
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  if (R->combiner_file)
    TFF_CHECK(put_comment(fp, errbuf, "# combined model: %s crc32 %s", R->combiner_file,
                          R->combiner_checksum ? R->combiner_checksum : "NA"));
  TFF_CHECK(put_level_line(fp, R, errbuf));
  return tffOK;
 ERROR:
  return status;
}
