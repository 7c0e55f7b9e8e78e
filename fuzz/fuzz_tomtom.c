/* fuzz_tomtom: libFuzzer target for the Tomtom TSV reader,
 * tff_knn_ParseTomtomTSV(), with queries and references r1..r6 (the ids of
 * tests/data/knn/six.meme), then every vote the table allows.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_knn.h"
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
  return 0;
}
