/* fuzz_tomtom: libFuzzer target for the Tomtom TSV readers,
 * tff_knn_ParseTomtomTSV(), with queries and references r1..r6 (the ids of
 * tests/data/knn/six.meme), then every vote the table allows; and
 * tff_tomtom_Parse() (tffam -tomtom: the footer's command line, targets of
 * other JASPAR releases) on the same bytes, merged into an empty computed table.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "tff_knn.h"
#include "tff_tomtom.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static TFF_MOTIFSET *fixed = NULL;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_KNN_TABLE *T = NULL;
  char           errbuf[TFF_ERRBUFSIZE] = "";
  int            metric = (int) (n % 3), kmax = 1 + (int) ((n / 3) % 11), loo = (int) ((n / 33) & 1), status;
  static const int refy[6] = { 0, 0, 1, 1, 2, -1 };

  if (fixed == NULL) {
    const char *ids[6] = { "r1", "r2", "r3", "r4", "r5", "r6" };
    fixed = fuzz_fixed_set(ids, 6);
  }
  status = tff_knn_ParseTomtomTSV("fuzz.tsv", (const char *) data, n, fixed->m, fixed->n, fixed->m, fixed->n,
                                  metric, kmax, loo, &T, errbuf);
  if (status == tffOK) {
    double share[3];
    FUZZ_CHECK(T != NULL && T->nq == fixed->n && T->kmax == kmax && T->have[metric], "table shape");
    for (int q = 0; q < T->nq; q++) {
      FUZZ_CHECK(T->nnb[metric][q] >= 0 && T->nnb[metric][q] <= kmax, "neighbour count");
      for (int r = 0; r < T->nnb[metric][q]; r++) {
        const TFF_KNN_NB *nb = &T->nb[metric][q * kmax + r];
        FUZZ_CHECK(nb->ref >= 0 && nb->ref < fixed->n, "neighbour index");
        FUZZ_CHECK(nb->pvalue >= 0.0 && nb->pvalue <= 1.0, "p-value");
        FUZZ_CHECK(nb->evalue >= 0.0 && isfinite(nb->evalue), "E-value finite and >= 0");
        if (r > 0) FUZZ_CHECK(T->nb[metric][q * kmax + r - 1].pvalue <= nb->pvalue, "ranked by p-value");
      }
      for (int K = 1; K <= kmax; K++) {
        int call = tff_knn_Vote(T, q, metric, K, refy, 3, share);
        FUZZ_CHECK(call >= -1 && call < 3, "vote in range");
      }
    }
    tff_knn_table_Destroy(T);
  } else {
    FUZZ_CHECK(T == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }

  TFF_TOMTOM *tt = NULL;
  status = tff_tomtom_Parse("fuzz.tsv", (const char *) data, n, fixed->m, fixed->n, fixed->m, fixed->n, "/ref.meme",
                            (n & 64) ? metric : TFF_TOMTOM_UNKNOWN, kmax, loo, &tt, errbuf);
  if (status == tffOK) {
    TFF_KNN_TABLE *Tin = NULL, *M = NULL;
    FUZZ_CHECK(tt != NULL && tt->metric >= 0 && tt->metric < tffKNN_NMETRIC && tt->T != NULL, "a run with a metric");
    FUZZ_CHECK(tff_knn_table_Create(fixed->n, 2 * kmax, 1u << tt->metric, &Tin, errbuf) == tffOK, "table");
    FUZZ_CHECK(tff_tomtom_Merge(tt, Tin, kmax, fixed->m, fixed->n, &M, errbuf) == tffOK, "merge");
    for (int q = 0; q < M->nq; q++) {
      FUZZ_CHECK(M->nnb[tt->metric][q] <= kmax, "merged count");
      for (int r = 1; r < M->nnb[tt->metric][q]; r++)
        FUZZ_CHECK(M->nb[tt->metric][q * kmax + r - 1].pvalue <= M->nb[tt->metric][q * kmax + r].pvalue, "merged ranking");
    }
    tff_knn_table_Destroy(Tin);
    tff_knn_table_Destroy(M);
    tff_tomtom_Destroy(tt);
  } else {
    FUZZ_CHECK(tt == NULL, "no run returned on error");
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
