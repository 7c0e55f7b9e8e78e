/* fuzz_famvalues: libFuzzer target for the per-family value tables
 * (tffam-similarity -knn / -cnn), tff_labels_ParseFamilyValues(), for the
 * families F1 and F2 of a fixed labelled set (tests/data/knn/six.tsv's). On
 * success every family has one value in [0, 1].
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_labels.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static TFF_LABELS *L = NULL;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  double val[2];
  char   errbuf[TFF_ERRBUFSIZE] = "";
  int    status;

  if (L == NULL) {
    static const char *fam[6] = { "F1", "F1", "F1", "F2", "F2", "F2" };
    if (tff_labels_Build(fam, 6, 0, &L, errbuf) != tffOK) abort();
    FUZZ_CHECK(L->nfam == 2, "two families");
  }
  status = tff_labels_ParseFamilyValues("fuzz.tsv", (const char *) data, n, L, val, errbuf);
  if (status == tffOK) {
    for (int k = 0; k < L->nfam; k++) FUZZ_CHECK(val[k] >= 0.0 && val[k] <= 1.0, "value in [0,1]");
  } else {
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
