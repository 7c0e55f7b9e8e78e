/* fuzz_neighbours: libFuzzer target for tffam-cv's neighbour files
 * (-neighbours, -extra-neighbours), tff_combine_ParseTable(), for a set of 12
 * motifs. Inputs of odd length are checked against a set checksum (a version-2
 * file of another set must be refused), even ones without. On success every
 * neighbour is in range and each query's neighbours are in rank order.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "tff_combine.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

#define FUZZ_NQ 12

/* 1 if the first line of data holds s. */
static int
first_line_has(const uint8_t *data, size_t n, const char *s)
{
  size_t k = strlen(s), e = 0;
  while (e < n && data[e] != '\n' && data[e] != '\r') e++;
  for (size_t i = 0; i + k <= e; i++) if (memcmp(data + i, s, k) == 0) return 1;
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_KNN_TABLE *T = NULL;
  char           errbuf[TFF_ERRBUFSIZE] = "";
  const char    *setsum = (n & 1) ? "5e7a0c11" : NULL;
  int            status = tff_combine_ParseTable("fuzz.nb", (const char *) data, n, FUZZ_NQ, setsum, &T, errbuf);

  if (status == tffOK) {
    FUZZ_CHECK(T != NULL && T->nq == FUZZ_NQ && T->kmax >= 1 && T->kmax <= 100000, "table size");
    if (setsum && n >= 18 && memcmp(data, "TFFAM-NEIGHBOURS 2", 18) == 0)
      FUZZ_CHECK(first_line_has(data, n, setsum), "a version-2 file passes only with the set's checksum");
    for (int m = 0; m < tffKNN_NMETRIC; m++) {
      if (!T->have[m]) continue;
      for (int q = 0; q < T->nq; q++) {
        FUZZ_CHECK(T->nnb[m][q] >= 0 && T->nnb[m][q] <= T->kmax, "neighbour count within kmax");
        for (int r = 0; r < T->nnb[m][q]; r++) {
          const TFF_KNN_NB *b = T->nb[m] + (size_t) q * T->kmax + r;
          FUZZ_CHECK(b->ref >= 0 && b->ref < T->nq, "reference in the set");
          FUZZ_CHECK(b->strand == 0 || b->strand == 1, "strand 0 or 1");
          FUZZ_CHECK(b->pvalue >= 0.0 && b->pvalue <= 1.0 && b->evalue >= 0.0 && isfinite(b->evalue), "p and E in range");
          FUZZ_CHECK(b->overlap >= 0 && b->overlap <= TFF_MAX_MOTIF_WIDTH, "overlap in range");
          FUZZ_CHECK(r == 0 || b[-1].pvalue <= b->pvalue, "neighbours in rank order");
        }
      }
    }
    tff_knn_table_Destroy(T);
  } else {
    FUZZ_CHECK(T == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
