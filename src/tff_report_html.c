/* tff_report_html: tffam.html, the template with the results inlined as JSON.
 *
 * The template (etc/tffam_template.html) is a complete page with inline CSS
 * and JavaScript and a placeholder line, TFF_REPORT_PLACEHOLDER. The writer
 * copies the template, replacing the placeholder with
 *   <script id="tffam_data" type="application/json"> DATA </script>
 * where DATA is tff_report_WriteJSON()'s object; the page's script reads it
 * with JSON.parse and draws everything (logos, bars, tables) itself. A second
 * placeholder, TFF_REPORT_STATIC_PLACEHOLDER, becomes a static HTML table of
 * the calls, for readers without JavaScript (Galaxy shows HTML outputs
 * sanitised, scripts removed, by default); the script removes it.
 *
 * The data object (doc/tffam-output-format.md):
 *   program, version, cmd, citations[{what, text, doi|null}] (tff_cite.h), options{methods, level, top_k,
 *            min_prob, nsig_evalue, novelty_threshold, second_prob, partner_evalue, dist, k,
 *            neighbour_metric, min_overlap, motif_pseudo},
 *   provenance{date, query_file, query_format, model{file,crc32}, combiner{file,crc32},
 *              reference{file,checksum,motifs,labels,labels_crc32}, tomtom, tomtom_used,
 *              note},                                   <- everything volatile is here or in cmd
 *   families[name], family_refs[n],
 *   refs[{id, name, family, pwm[[A,C,G,T]...]}]          (only motifs listed as neighbours)
 *   queries[{index, id, alt, width, nsites, consensus, pwm, call, call_score, confident,
 *            best_evalue, significant, novelty, known, [second_family, second_family_prob,]
 *            combined{probs[nfam], top[2]}|null, cnn{probs[nfam], top[2]}|null,
 *            knn{family, share, shares[nfam]}|null,
 *            neighbours[{ref, pvalue, evalue, offset, overlap, strand, source}], importance[]|null}]
 *
 * Contents:
 *   1. JSON data
 *   2. The static table
 *   3. HTML
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_cite.h"
#include "tff_io.h"
#include "tff_json.h"
#include "tff_report.h"

/*****************************************************************
 * 1. JSON data
 *****************************************************************/

/* A classifier's probabilities: {"probs": [nfam], "top": [2]}, or null if it did not run. */
static void
json_probs(TFF_JSON *j, const char *key, const double *prob, const int top[2], int nfam)
{
  if (!prob) { tff_json_Null(j, key); return; }
  tff_json_StartObject(j, key);
  tff_json_StartArray(j, "probs");
  for (int f = 0; f < nfam; f++) tff_json_Real(j, NULL, prob[f], 6);
  tff_json_EndArray(j);
  tff_json_StartArray(j, "top");
  tff_json_Int(j, NULL, top[0]);
  tff_json_Int(j, NULL, top[1]);
  tff_json_EndArray(j);
  tff_json_EndObject(j);
}

static void
json_pwm(TFF_JSON *j, const char *key, const TFF_MOTIF *m)
{
  tff_json_StartArray(j, key);
  for (int r = 0; r < m->w; r++) {
    tff_json_StartArray(j, NULL);
    for (int a = 0; a < TFF_ALPHA; a++) tff_json_Real(j, NULL, m->p[r * TFF_ALPHA + a], 5);
    tff_json_EndArray(j);
  }
  tff_json_EndArray(j);
}

int
tff_report_WriteJSON(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  TFF_JSON j;
  int     *refpos = NULL, *nrefs = NULL;
  char    *cons   = NULL;
  char     date[32];
  int      nused  = 0, maxw = 1;
  int      status;

  TFF_CALLOC(refpos, (size_t) R->nref + 1, sizeof(int));
  TFF_CALLOC(nrefs,  (size_t) R->nfam + 1, sizeof(int));
  for (int i = 0; i < R->nref; i++) refpos[i] = -1;
  for (int i = 0; i < R->nref; i++) if (R->refy[i] >= 0 && R->refy[i] < R->nfam) nrefs[R->refy[i]]++;
  for (int i = 0; i < R->nq; i++)
    for (int r = 0; r < R->q[i].nnb; r++) refpos[R->q[i].nb[r].ref] = 0;
  for (int i = 0; i < R->nref; i++) if (refpos[i] == 0) refpos[i] = nused++;   /* reference order */
  for (int i = 0; i < R->nq; i++) if (R->q[i].motif->w > maxw) maxw = R->q[i].motif->w;
  TFF_ALLOC(cons, (size_t) maxw + 1);

  tff_json_Init(&j, fp, errbuf);
  tff_json_StartObject(&j, NULL);
  tff_json_Str(&j, "program", "tffam");
  tff_json_Str(&j, "version", R->version ? R->version : PACKAGE_VERSION);
  tff_json_Str(&j, "cmd", R->cmdline);
  tff_json_StartArray(&j, "citations");          /* tff_cite.h: the works to cite */
  for (const TFF_CITATION *c = tff_citations; c->text; c++) {
    tff_json_StartObject(&j, NULL);
    tff_json_Str(&j, "what", c->what);
    tff_json_Str(&j, "text", c->text);
    tff_json_Str(&j, "doi", c->doi);
    tff_json_EndObject(&j);
  }
  tff_json_EndArray(&j);

  tff_json_StartObject(&j, "options");
  tff_json_StartArray(&j, "methods");
  if (R->methods & tffRESULT_COMBINED) tff_json_Str(&j, NULL, "combined");
  if (R->methods & tffRESULT_CNN) tff_json_Str(&j, NULL, "cnn");
  if (R->methods & tffRESULT_KNN) tff_json_Str(&j, NULL, "knn");
  tff_json_EndArray(&j);
  tff_json_Str (&j, "level", R->level ? R->level : "class");
  tff_json_Int (&j, "top_k", R->top_k);
  tff_json_Real(&j, "min_prob", R->min_prob, 6);
  tff_json_Real(&j, "nsig_evalue", R->nsig_evalue, 6);
  tff_json_Real(&j, "novelty_threshold", R->novelty_thresh, 6);
  tff_json_Real(&j, "second_prob", R->second_prob, 6);
  tff_json_Real(&j, "partner_evalue", R->partner_evalue, 6);
  if (R->methods & tffRESULT_KNN) {
    tff_json_Str (&j, "dist", R->knn_metric);
    tff_json_Int (&j, "k", R->knn_k);
    tff_json_Str (&j, "neighbour_metric", R->nb_metric);
    tff_json_Int (&j, "min_overlap", R->min_overlap);
    tff_json_Real(&j, "motif_pseudo", R->motif_pseudo, 6);
  }
  tff_json_EndObject(&j);

  tff_json_StartObject(&j, "provenance");
  tff_json_Str(&j, "date", tff_result_FormatDate(R, date));
  tff_json_Str(&j, "query_file", R->query_file);
  tff_json_Str(&j, "query_format", R->query_format);
  if (R->methods & tffRESULT_CNN) {
    tff_json_StartObject(&j, "model");
    tff_json_Str(&j, "file", R->model_file);
    tff_json_Str(&j, "crc32", R->model_checksum);
    tff_json_EndObject(&j);
  } else tff_json_Null(&j, "model");
  if (R->methods & tffRESULT_COMBINED) {
    tff_json_StartObject(&j, "combiner");
    tff_json_Str(&j, "file", R->combiner_file);
    tff_json_Str(&j, "crc32", R->combiner_checksum);
    tff_json_EndObject(&j);
  } else tff_json_Null(&j, "combiner");
  if (R->methods & tffRESULT_KNN) {
    tff_json_StartObject(&j, "reference");
    tff_json_Str(&j, "file", R->ref_file);
    tff_json_Str(&j, "checksum", R->ref_checksum);
    tff_json_Int(&j, "motifs", R->nref);
    tff_json_Str(&j, "labels", R->labels_file);
    tff_json_Str(&j, "labels_crc32", R->labels_checksum);
    tff_json_EndObject(&j);
  } else tff_json_Null(&j, "reference");
  tff_json_Str(&j, "tomtom", R->tomtom_file);
  tff_json_Str(&j, "tomtom_used", R->tomtom_note);
  tff_json_Str(&j, "note", R->note);
  tff_json_EndObject(&j);

  tff_json_StartArray(&j, "families");
  for (int k = 0; k < R->nfam; k++) tff_json_Str(&j, NULL, R->fam[k]);
  tff_json_EndArray(&j);
  tff_json_StartArray(&j, "family_refs");
  for (int k = 0; k < R->nfam; k++) tff_json_Int(&j, NULL, nrefs[k]);
  tff_json_EndArray(&j);

  tff_json_StartArray(&j, "refs");
  for (int i = 0; i < R->nref; i++) {
    if (refpos[i] < 0) continue;
    tff_json_StartObject(&j, NULL);
    tff_json_Str(&j, "id", R->ref[i]->id);
    tff_json_Str(&j, "name", R->ref[i]->alt);
    tff_json_Int(&j, "family", R->refy[i]);
    if (R->refy2 && R->refy2[i] >= 0) tff_json_Int(&j, "family2", R->refy2[i]);
    json_pwm(&j, "pwm", R->ref[i]);
    tff_json_EndObject(&j);
  }
  tff_json_EndArray(&j);

  tff_json_StartArray(&j, "queries");
  for (int i = 0; i < R->nq; i++) {
    const TFF_RESULT_QUERY *Q = &R->q[i];
    const TFF_MOTIF        *m = Q->motif;
    double s;
    int    k = tff_result_Call(R, i, &s);

    tff_json_StartObject(&j, NULL);
    tff_json_Int (&j, "index", Q->index);
    tff_json_Str (&j, "id", m->id);
    tff_json_Str (&j, "alt", m->alt);
    tff_json_Int (&j, "width", m->w);
    /* a count in full, as in tffam.xml; null when the motif gives none (or 0), as tffam.xml leaves it out */
    if (m->nsites > 0) tff_json_Real(&j, "nsites", m->nsites, 15);
    else               tff_json_Null(&j, "nsites");
    tff_motif_Consensus(m, cons);
    tff_json_Str (&j, "consensus", cons);
    json_pwm(&j, "pwm", m);
    tff_json_Int (&j, "call", k);
    tff_json_Real(&j, "call_score", s, 6);
    tff_json_Bool(&j, "confident", tff_result_Confident(R, i));
    tff_json_Real(&j, "best_evalue", Q->best_evalue, 6);
    tff_json_Bool(&j, "significant", tff_result_Significant(R, i));
    tff_json_Real(&j, "novelty", Q->novelty, 6);
    tff_json_Bool(&j, "known", tff_result_Known(R, i));
    int k2 = tff_result_SecondFamily(R, i);
    if (k2 >= 0) {
      tff_json_Str (&j, "second_family", R->fam[k2]);
      tff_json_Real(&j, "second_family_prob", Q->comb_prob[k2], 6);
    }
    json_probs(&j, "combined", Q->comb_prob, Q->comb_top, R->nfam);
    json_probs(&j, "cnn",      Q->cnn_prob,  Q->cnn_top,  R->nfam);
    if (R->methods & tffRESULT_KNN) {
      tff_json_StartObject(&j, "knn");
      tff_json_Int(&j, "family", Q->knn_call);
      tff_json_Real(&j, "share", (Q->knn_call >= 0 && Q->knn_share) ? Q->knn_share[Q->knn_call] : NAN, 6);
      if (Q->knn_share) {
        tff_json_StartArray(&j, "shares");
        for (int f = 0; f < R->nfam; f++) tff_json_Real(&j, NULL, Q->knn_share[f], 6);
        tff_json_EndArray(&j);
      } else tff_json_Null(&j, "shares");
      tff_json_EndObject(&j);
    } else tff_json_Null(&j, "knn");
    tff_json_StartArray(&j, "neighbours");
    for (int r = 0; r < Q->nnb; r++) {
      const TFF_RESULT_NB *nb = &Q->nb[r];
      tff_json_StartObject(&j, NULL);
      tff_json_Int (&j, "ref", refpos[nb->ref]);
      tff_json_Real(&j, "pvalue", nb->pvalue, 6);
      tff_json_Real(&j, "evalue", nb->evalue, 6);
      tff_json_Int (&j, "offset", nb->offset);
      tff_json_Int (&j, "overlap", nb->overlap);
      tff_json_Int (&j, "strand", nb->strand);
      tff_json_Int (&j, "source", nb->source);
      tff_json_EndObject(&j);
    }
    tff_json_EndArray(&j);
    if (Q->importance) {
      tff_json_StartArray(&j, "importance");
      for (int r = 0; r < m->w; r++) tff_json_Real(&j, NULL, Q->importance[r], 6);
      tff_json_EndArray(&j);
    } else tff_json_Null(&j, "importance");
    tff_json_EndObject(&j);
  }
  tff_json_EndArray(&j);
  tff_json_EndObject(&j);
  TFF_CHECK(tff_json_Status(&j));

  free(refpos); free(nrefs); free(cons);
  return tffOK;
 ERROR:
  free(refpos); free(nrefs); free(cons);
  return status;
}

/*****************************************************************
 * 2. The static table
 *****************************************************************/

/* Text with &, <, >, " escaped. */
static int
put_html(FILE *fp, const char *s, char *errbuf)
{
  for (; s && *s; s++) {
    const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : NULL;
    if (e ? fputs(e, fp) == EOF : putc(*s, fp) == EOF) return tff_Fail(errbuf, tffEWRITE, "write failed");
  }
  return tffOK;
}

/* Is id a JASPAR matrix id (MA0139.2), which has a page at JASPAR? */
static int
is_jaspar_id(const char *id)
{
  int n = 0;
  if (!(id[0] == 'M' && id[1] == 'A')) return 0;
  for (id += 2; id[n] >= '0' && id[n] <= '9'; n++) ;
  if (n != 4 || id[n] != '.') return 0;
  id += n + 1;
  for (n = 0; id[n] >= '0' && id[n] <= '9'; n++) ;
  return n > 0 && id[n] == '\0';
}

/* A reference motif's id, linked to its JASPAR page when it has one. */
static int
put_ref_link(FILE *fp, const char *id, char *errbuf)
{
  int status;
  if (!is_jaspar_id(id)) return put_html(fp, id, errbuf);
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<a href=\"" TFF_REPORT_JASPAR_URL "%s/\" title=\"this matrix at JASPAR\">%s</a>", id, id));
  return tffOK;
 ERROR:
  return status;
}

/* A column head with its "?" help (a CSS popup: no script needed). */
static int
put_head(FILE *fp, const char *cls, const char *title, const char *help, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<th%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : ""));
  TFF_CHECK(put_html(fp, title, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, " <span class=\"help\" tabindex=\"0\">?<span class=\"tip\">"));
  TFF_CHECK(put_html(fp, help, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</span></span></th>"));
  return tffOK;
 ERROR:
  return status;
}

static int
put_prob(FILE *fp, double x, char *errbuf)
{
  return isfinite(x) ? tff_Fprintf(fp, errbuf, "<td class=\"num\">%.3f</td>", x) : tff_Fprintf(fp, errbuf, "<td></td>");
}

/* What the page's header and footer say when scripts run: the queries, who
 * called, the reference, the date; what was used of a Tomtom run; a fallback. */
static int
write_static_meta(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  char date[32];
  int  status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<p class=\"note\">%d motif%s from ", R->nq, R->nq == 1 ? "" : "s"));
  TFF_CHECK(put_html(fp, R->query_file ? R->query_file : "", errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, " (%s); calls by %s", R->query_format ? R->query_format : "",
                        (R->methods & tffRESULT_COMBINED) ? "the combined model" : (R->methods & tffRESULT_CNN) ? "the conv net" : "KNN"));
  if (R->methods & tffRESULT_KNN) TFF_CHECK(tff_Fprintf(fp, errbuf, "; reference: %d motifs", R->nref));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "; %s.", tff_result_FormatDate(R, date)));
  if (R->tomtom_note) { TFF_CHECK(tff_Fprintf(fp, errbuf, "<br>Tomtom run used as evidence: ")); TFF_CHECK(put_html(fp, R->tomtom_note, errbuf)); }
  if (R->note) { TFF_CHECK(tff_Fprintf(fp, errbuf, "<br><span class=\"warn\">Note: ")); TFF_CHECK(put_html(fp, R->note, errbuf)); TFF_CHECK(tff_Fprintf(fp, errbuf, "</span>")); }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</p>\n"));
  return tffOK;
 ERROR:
  return status;
}

static int
write_static_table(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  const char *caller = (R->methods & tffRESULT_COMBINED) ? "the combined model's call (calibrated probability)"
                     : (R->methods & tffRESULT_CNN) ? "the conv net's call (its probability)" : "KNN's call (its vote share)";
  int knn = (R->methods & tffRESULT_KNN) != 0, status;

  TFF_CHECK(tff_Fprintf(fp, errbuf, "<div id=\"static\">\n<noscript><p class=\"noscript\">JavaScript is off in this page "
                        "(Galaxy shows HTML outputs without their scripts unless its administrator allows them), so the logos, "
                        "the motif sections, sorting and filtering are not shown. The table below has the calls; "
                        "<a href=\"" TFF_REPORT_TSV "\">" TFF_REPORT_TSV "</a> and <a href=\"" TFF_REPORT_XML "\">" TFF_REPORT_XML "</a> "
                        "have everything.</p></noscript>\n"));
  TFF_CHECK(write_static_meta(fp, R, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<table id=\"static-table\" class=\"calls\"><thead><tr>"));
  TFF_CHECK(put_head(fp, NULL, "#", "the motif's position in the query file (after -m/-mi)", errbuf));
  TFF_CHECK(put_head(fp, NULL, "Query", "the motif's id and name in the query file", errbuf));
  TFF_CHECK(put_head(fp, "fam", "Family", caller, errbuf));
  TFF_CHECK(put_head(fp, NULL, "Prob.", "the probability of the call", errbuf));
  if (knn) {
    TFF_CHECK(put_head(fp, "fam", "KNN family", "the majority family of the K nearest reference motifs", errbuf));
    TFF_CHECK(put_head(fp, NULL, "Votes", "KNN: the call's share of the votes", errbuf));
    TFF_CHECK(put_head(fp, NULL, "Nearest", "the nearest reference motif (rank 1 by Tomtom p-value), linked to its JASPAR page", errbuf));
    TFF_CHECK(put_head(fp, NULL, "p-value", "Tomtom p-value of the query against the nearest reference motif", errbuf));
  }
  TFF_CHECK(put_head(fp, NULL, "Flags", "not significant: even the best reference match has an E-value above -nsig-evalue "
                     "(perhaps a family outside the reference set); two families: a heterodimer-like answer, both families "
                     "(the nearest reference is a two-family motif holding the call, E-value at most -partner-evalue; "
                     "or the runner-up's probability is at least -second-prob, a rule that is off by default)", errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</tr></thead>\n<tbody>\n"));
  for (int i = 0; i < R->nq && i < TFF_REPORT_STATIC_MAX; i++) {
    const TFF_RESULT_QUERY *Q = &R->q[i];
    double s1;
    int    k1 = tff_result_Call(R, i, &s1);
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<tr class=\"srow\"><td class=\"num\">%d</td><td><span class=\"mono\">", Q->index));
    TFF_CHECK(put_html(fp, Q->motif->id, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</span>"));
    if (Q->motif->alt) { TFF_CHECK(tff_Fprintf(fp, errbuf, " ")); TFF_CHECK(put_html(fp, Q->motif->alt, errbuf)); }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</td><td>"));
    TFF_CHECK(put_html(fp, k1 < 0 ? "" : !tff_result_Known(R, i) ? "No known family" : tff_result_Confident(R, i) ? R->fam[k1] : "no confident family", errbuf));
    int k2 = tff_result_SecondFamily(R, i);
    if (k2 >= 0) { TFF_CHECK(put_html(fp, " + ", errbuf)); TFF_CHECK(put_html(fp, R->fam[k2], errbuf)); }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "</td>"));
    TFF_CHECK(put_prob(fp, k1 >= 0 ? s1 : NAN, errbuf));
    if (knn) {
      TFF_CHECK(tff_Fprintf(fp, errbuf, "<td>"));
      TFF_CHECK(put_html(fp, Q->knn_call >= 0 ? R->fam[Q->knn_call] : "", errbuf));
      TFF_CHECK(tff_Fprintf(fp, errbuf, "</td>"));
      TFF_CHECK(put_prob(fp, (Q->knn_call >= 0 && Q->knn_share) ? Q->knn_share[Q->knn_call] : NAN, errbuf));
      if (Q->nnb > 0) {
        const TFF_MOTIF *r = R->ref[Q->nb[0].ref];
        TFF_CHECK(tff_Fprintf(fp, errbuf, "<td><span class=\"mono\">"));
        TFF_CHECK(put_ref_link(fp, r->id, errbuf));
        TFF_CHECK(tff_Fprintf(fp, errbuf, "</span>"));
        if (r->alt) { TFF_CHECK(tff_Fprintf(fp, errbuf, " ")); TFF_CHECK(put_html(fp, r->alt, errbuf)); }
        TFF_CHECK(tff_Fprintf(fp, errbuf, "</td><td class=\"num\">%.3g</td>", Q->nb[0].pvalue));
      } else TFF_CHECK(tff_Fprintf(fp, errbuf, "<td></td><td></td>"));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<td class=\"warn\">%s%s%s</td></tr>\n", tff_result_Significant(R, i) ? "" : "not significant",
                          !tff_result_Significant(R, i) && tff_result_TwoFamilies(R, i) ? ", " : "", tff_result_TwoFamilies(R, i) ? "two families" : ""));
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</tbody></table>\n"));
  if (R->nq > TFF_REPORT_STATIC_MAX)
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<p class=\"note\" id=\"static-more\">The first %d of %d motifs; "
                          "<a href=\"" TFF_REPORT_TSV "\">" TFF_REPORT_TSV "</a> has every motif's call.</p>\n",
                          TFF_REPORT_STATIC_MAX, R->nq));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</div>"));
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 3. HTML
 *****************************************************************/

/* The method section's citations, from tff_citations (tff_cite.h), as a static list. */
static int
write_citations(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  int status;
  (void) R;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<ul id=\"cite-list\">\n"));
  for (const TFF_CITATION *c = tff_citations; c->text; c++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "<li>"));
    TFF_CHECK(put_html(fp, c->text, errbuf));
    if (c->doi) { TFF_CHECK(tff_Fprintf(fp, errbuf, " doi:")); TFF_CHECK(put_html(fp, c->doi, errbuf)); }
    TFF_CHECK(tff_Fprintf(fp, errbuf, " ("));
    TFF_CHECK(put_html(fp, c->what, errbuf));
    TFF_CHECK(tff_Fprintf(fp, errbuf, ")</li>\n"));
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "</ul>"));
  return tffOK;
 ERROR:
  return status;
}

/* The report data in its script element. */
static int
write_data(FILE *fp, const TFF_RESULT *R, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "<script id=\"tffam_data\" type=\"application/json\">\n"));
  TFF_CHECK(tff_report_WriteJSON(fp, R, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n</script>"));
  return tffOK;
 ERROR:
  return status;
}

int
tff_report_WriteHTML(FILE *fp, const char *template_path, const TFF_RESULT *R, char *errbuf)
{
  /* the template's placeholders, each replaced (once) wherever it is; the data's is required */
  static const struct { const char *mark; int (*write)(FILE *, const TFF_RESULT *, char *); } ph[] = {
    { TFF_REPORT_PLACEHOLDER,        write_data },
    { TFF_REPORT_STATIC_PLACEHOLDER, write_static_table },
    { TFF_REPORT_CITE_PLACEHOLDER,   write_citations },
  };
  enum { NPH = sizeof ph / sizeof ph[0] };
  TFF_BUF     tpl;
  const char *at[NPH], *from;
  int         status;

  tff_buf_Init(&tpl);
  if ((status = tff_io_Slurp(template_path, &tpl, errbuf)) != tffOK) {
    if (status == tffENOTFOUND) tff_Fail(errbuf, status, "cannot open the HTML template %s (is TFFAM_DATA_DIR right?)", template_path);
    goto ERROR;
  }
  for (int k = 0; k < NPH; k++) at[k] = strstr(tpl.s, ph[k].mark);
  if (at[0] == NULL)
    TFF_FAIL(tffEFORMAT, errbuf, "HTML template %s has no %s placeholder", template_path, TFF_REPORT_PLACEHOLDER);
  for (from = tpl.s; ; ) {   /* the next placeholder after <from>, in the template's order */
    int next = -1;
    for (int k = 0; k < NPH; k++) if (at[k] && at[k] >= from && (next < 0 || at[k] < at[next])) next = k;
    if (next < 0) break;
    if (fwrite(from, 1, (size_t) (at[next] - from), fp) != (size_t) (at[next] - from)) TFF_FAIL(tffEWRITE, errbuf, "write failed");
    TFF_CHECK(ph[next].write(fp, R, errbuf));
    from = at[next] + strlen(ph[next].mark);
    at[next] = NULL;
  }
  TFF_CHECK(tff_Fprintf(fp, errbuf, "%s", from));
  tff_buf_Free(&tpl);
  return tffOK;
 ERROR:
  tff_buf_Free(&tpl);
  return status;
}
