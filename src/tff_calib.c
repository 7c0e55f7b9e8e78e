/* tff_calib: temperature scaling, calibration error, reliability diagrams (see tff_calib.h).
 *
 * Contents:
 *   1. Temperature scaling
 *   2. Calibration error
 *   3. Reliability diagram (SVG)
 *   4. Unit-test driver
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tff_calib.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Temperature scaling
 *****************************************************************/

void
tff_calib_Softmax(const double *z, int nfam, double T, double *prob)
{
  double mx = -INFINITY, sum = 0.0;
  for (int f = 0; f < nfam; f++) if (z[f] / T > mx) mx = z[f] / T;
  for (int f = 0; f < nfam; f++) { prob[f] = exp(z[f] / T - mx); sum += prob[f]; }
  for (int f = 0; f < nfam; f++) prob[f] /= sum;
}

double
tff_calib_NLL(const double *z, const int *y, const int *use, int n, int nfam, double T)
{
  double s = 0.0;
  long   m = 0;
  for (int i = 0; i < n; i++) {
    const double *zi = z + (size_t) i * nfam;
    double        mx = -INFINITY, sum = 0.0;
    if ((use && !use[i]) || y[i] < 0 || y[i] >= nfam) continue;
    for (int f = 0; f < nfam; f++) if (zi[f] / T > mx) mx = zi[f] / T;
    for (int f = 0; f < nfam; f++) sum += exp(zi[f] / T - mx);
    s += mx + log(sum) - zi[y[i]] / T;
    m++;
  }
  return m ? s / (double) m : 0.0;
}

/* First and second derivative of the mean NLL with respect to beta = 1/T. */
static void
nll_derivs(const double *z, const int *y, const int *use, int n, int nfam, double beta, double *d1, double *d2)
{
  double g = 0.0, h = 0.0;
  long   m = 0;
  for (int i = 0; i < n; i++) {
    const double *zi = z + (size_t) i * nfam;
    double        mx = -INFINITY, sum = 0.0, ez = 0.0, ez2 = 0.0;
    if ((use && !use[i]) || y[i] < 0 || y[i] >= nfam) continue;
    for (int f = 0; f < nfam; f++) if (beta * zi[f] > mx) mx = beta * zi[f];
    for (int f = 0; f < nfam; f++) {
      double w = exp(beta * zi[f] - mx);
      sum += w; ez += w * zi[f]; ez2 += w * zi[f] * zi[f];
    }
    ez /= sum; ez2 /= sum;
    g += ez - zi[y[i]];
    h += ez2 - ez * ez;
    m++;
  }
  *d1 = m ? g / (double) m : 0.0;
  *d2 = m ? h / (double) m : 0.0;
}

int
tff_calib_FitTemperature(const double *z, const int *y, const int *use, int n, int nfam, double *ret_T, char *errbuf)
{
  double lo = 0.01, hi = 100.0, beta = 1.0, g, h;
  int    m = 0;

  for (int i = 0; i < n; i++) if ((!use || use[i]) && y[i] >= 0 && y[i] < nfam) m++;
  if (m == 0) return tff_Fail(errbuf, tffEINVAL, "temperature scaling: no labelled items");
  nll_derivs(z, y, use, n, nfam, lo, &g, &h);
  if (g >= 0.0) { *ret_T = 1.0 / lo; return tffOK; }   /* beta at its lower bound: T = 100 */
  nll_derivs(z, y, use, n, nfam, hi, &g, &h);
  if (g <= 0.0) { *ret_T = 1.0 / hi; return tffOK; }
  /* f' is increasing in beta: keep a bracket [lo, hi] with f'(lo) < 0 < f'(hi) */
  for (int it = 0; it < 200; it++) {
    double next;
    nll_derivs(z, y, use, n, nfam, beta, &g, &h);
    if (fabs(g) < 1e-12) break;
    if (g < 0.0) lo = beta; else hi = beta;
    next = (h > 0.0) ? beta - g / h : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (fabs(next - beta) <= 1e-13 * beta) { beta = next; break; }
    beta = next;
  }
  *ret_T = 1.0 / beta;
  return tffOK;
}

/*****************************************************************
 * 2. Calibration error
 *****************************************************************/

int
tff_calib_Bins(const double *conf, const int *correct, int n, int nbins, TFF_CALIB_BINS *B, char *errbuf)
{
  if (nbins < 1 || nbins > TFF_CALIB_MAXBINS) return tff_Fail(errbuf, tffEINVAL, "calibration bins: %d (1..%d)", nbins, TFF_CALIB_MAXBINS);
  memset(B, 0, sizeof *B);
  B->nbins = nbins;
  for (int i = 0; i < n; i++) {
    int b;
    if (!(conf[i] >= 0.0 && conf[i] <= 1.0)) return tff_Fail(errbuf, tffEINVAL, "calibration: confidence %g of item %d is not in [0, 1]", conf[i], i + 1);
    b = (int) ceil(conf[i] * nbins) - 1;     /* (b/B, (b+1)/B] */
    if (b < 0) b = 0;
    if (b >= nbins) b = nbins - 1;
    B->count[b]++;
    B->conf[b] += conf[i];
    B->acc[b]  += correct[i] ? 1.0 : 0.0;
    B->n++;
  }
  for (int b = 0; b < nbins; b++) {
    double gap;
    if (B->count[b] == 0) continue;
    B->conf[b] /= (double) B->count[b];
    B->acc[b]  /= (double) B->count[b];
    gap = fabs(B->acc[b] - B->conf[b]);
    B->ece += gap * (double) B->count[b] / (double) B->n;
    if (gap > B->mce) B->mce = gap;
  }
  return tffOK;
}

/*****************************************************************
 * 3. Reliability diagram (SVG)
 *****************************************************************/

static void
svg_escape(FILE *fp, const char *s)
{
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", fp); else if (*s == '>') fputs("&gt;", fp);
    else if (*s == '&') fputs("&amp;", fp); else fputc(*s, fp);
  }
}

int
tff_calib_WriteSVG(FILE *fp, const TFF_CALIB_BINS *B, const char *title, char *errbuf)
{
  const double S = 200.0, x0 = 40.0, y0 = 30.0;   /* plot square, origin offsets */
  double       w = S / B->nbins;

  fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"10\">\n",
          x0 + S + 10, y0 + S + 35);
  fprintf(fp, "<text x=\"%.0f\" y=\"12\">", x0);
  svg_escape(fp, title);
  fprintf(fp, "</text><text x=\"%.0f\" y=\"24\">ECE %.4f, MCE %.4f, n = %ld</text>\n", x0, B->ece, B->mce, B->n);
  fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n", x0, y0, S, S);
  for (int b = 0; b < B->nbins; b++) {
    double h, gh;
    if (B->count[b] == 0) continue;
    h  = B->acc[b] * S;
    gh = B->conf[b] * S;
    fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#4a7bd0\" stroke=\"#fff\">"
                "<title>confidence %.3f, accuracy %.3f, %ld motifs</title></rect>\n",
            x0 + b * w, y0 + S - h, w, h, B->conf[b], B->acc[b], B->count[b]);
    fprintf(fp, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#d33\" stroke-width=\"2\"/>\n",
            x0 + b * w, x0 + (b + 1) * w, y0 + S - gh, y0 + S - gh);
  }
  fprintf(fp, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>\n", x0, y0 + S, x0 + S, y0);
  fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">0</text><text x=\"%.0f\" y=\"%.0f\">1</text>"
              "<text x=\"%.0f\" y=\"%.0f\">confidence (red: mean per bin)</text>\n",
          x0 - 3, y0 + S + 12, x0 + S - 3, y0 + S + 12, x0 + 30, y0 + S + 26);
  fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" transform=\"rotate(-90 %.0f %.0f)\">accuracy (blue)</text>\n",
          x0 - 8, y0 + S - 50, x0 - 8, y0 + S - 50);
  fprintf(fp, "</svg>\n");
  return ferror(fp) ? tff_Fail(errbuf, tffEWRITE, "reliability diagram: write failed") : tffOK;
}

/*****************************************************************
 * 4. Unit-test driver
 *****************************************************************/
#ifdef tffCALIB_TESTDRIVE
#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_calib_utest", NULL);
  char           errbuf[TFF_ERRBUFSIZE];
  TFF_CALIB_BINS B;
  double         T, p[3];

  /* softmax at T = 1 and T = 2 */
  double z1[3] = { 0.0, log(2.0), log(5.0) };
  tff_calib_Softmax(z1, 3, 1.0, p);
  TFF_UCHECK(tff_utest_Near(p[0], 0.125, 1e-9) && tff_utest_Near(p[1], 0.25, 1e-9) && tff_utest_Near(p[2], 0.625, 1e-9), "softmax %g %g %g", p[0], p[1], p[2]);
  tff_calib_Softmax(z1, 3, 2.0, p);
  TFF_UNEAR(p[2] / p[0], sqrt(5.0), 1e-9, "softmax T=2");

  /* Two families, scores (0, 1) for both items, truths family 1 and family 0:
   * NLL(beta) = [log(1+e^b) - b + log(1+e^b)] / 2, f'(b) = sigmoid(b) - 1/2 -> beta 0 at
   * the optimum, outside the bracket: T = 100 (beta = 0.01). */
  double z2[4] = { 0, 1, 0, 1 };
  int    y2[2] = { 1, 0 };
  TFF_UCHECK(tff_calib_FitTemperature(z2, y2, NULL, 2, 2, &T, errbuf) == tffOK && tff_utest_Near(T, 100.0, 1e-9), "T %g", T);

  /* Three items, two families, scores (0, 1): truths 1, 1, 0. The optimum has
   * sigmoid(beta) = 2/3, so beta = log 2 and T = 1/log 2. */
  double z3[6] = { 0, 1, 0, 1, 0, 1 };
  int    y3[3] = { 1, 1, 0 };
  TFF_UCHECK(tff_calib_FitTemperature(z3, y3, NULL, 3, 2, &T, errbuf) == tffOK && tff_utest_Near(T, 1.0 / log(2.0), 1e-9), "T %.12g", T);
  TFF_UNEAR(tff_calib_NLL(z3, y3, NULL, 3, 2, T), -(2.0 * log(2.0 / 3.0) + log(1.0 / 3.0)) / 3.0, 1e-9, "NLL");
  /* the mask: only the first two items (both family 1): T at its lower bound */
  int use[3] = { 1, 1, 0 };
  TFF_UCHECK(tff_calib_FitTemperature(z3, y3, use, 3, 2, &T, errbuf) == tffOK && tff_utest_Near(T, 0.01, 1e-9), "masked T %g", T);
  int none[3] = { 0, 0, 0 };
  TFF_UCHECK(tff_calib_FitTemperature(z3, y3, none, 3, 2, &T, errbuf) == tffEINVAL, "no items");

  /* ECE with 2 bins: confidences .9 .9 .6 .4, correct 1 0 1 0.
   * bin (0.5,1]: conf .8, acc 2/3, n 3; bin [0,.5]: conf .4, acc 0, n 1.
   * ECE = 3/4 * |2/3 - .8| + 1/4 * .4 = .1 + .1 = .2; MCE .4 */
  double conf[4] = { 0.9, 0.9, 0.6, 0.4 };
  int    ok[4]   = { 1, 0, 1, 0 };
  TFF_UCHECK(tff_calib_Bins(conf, ok, 4, 2, &B, errbuf) == tffOK, "%s", errbuf);
  TFF_UCHECK(B.count[0] == 1 && B.count[1] == 3 && tff_utest_Near(B.conf[1], 0.8, 1e-9) && tff_utest_Near(B.acc[1], 2.0 / 3.0, 1e-9), "bins");
  TFF_UCHECK(tff_utest_Near(B.ece, 0.2, 1e-9) && tff_utest_Near(B.mce, 0.4, 1e-9), "ece %g mce %g", B.ece, B.mce);
  /* bin edges: 0.5 belongs to the lower bin, 0 to bin 0, 1 to the top bin */
  double edge[3] = { 0.5, 0.0, 1.0 };
  int    ok3[3]  = { 1, 1, 1 };
  TFF_UCHECK(tff_calib_Bins(edge, ok3, 3, 2, &B, errbuf) == tffOK && B.count[0] == 2 && B.count[1] == 1, "edges");
  double bad[1] = { 1.5 };
  TFF_UCHECK(tff_calib_Bins(bad, ok3, 1, 10, &B, errbuf) == tffEINVAL && strstr(errbuf, "not in [0, 1]"), "bad conf");
  TFF_UCHECK(tff_calib_Bins(conf, ok, 4, 0, &B, errbuf) == tffEINVAL, "0 bins");

  return tff_utest_Done();
}
#endif /* tffCALIB_TESTDRIVE */
