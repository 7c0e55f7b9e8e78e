/* fuzz_labels: libFuzzer target for the label TSV reader, tff_labels_Parse(),
 * mapped onto a fixed set of 30 motifs (the ids of tests/data/knn/six.tsv and
 * tests/data/cnn/two.tsv). The flags come from the input length, so all four
 * combinations of ALLOW_EXTRA / ALLOW_UNLABELLED are exercised.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_labels.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static TFF_MOTIFSET *fixed = NULL;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_LABELS *L = NULL;
  char        errbuf[TFF_ERRBUFSIZE] = "";
  int         flags = (int) (n & 3), status;

  if (fixed == NULL) {
    static char  buf[30][16];
    const char  *ids[30];
    for (int i = 0; i < 6; i++)  { snprintf(buf[i], sizeof buf[i], "r%d", i + 1); ids[i] = buf[i]; }
    for (int i = 6; i < 30; i++) { snprintf(buf[i], sizeof buf[i], "SYN%02d.1", i - 5); ids[i] = buf[i]; }
    fixed = fuzz_fixed_set(ids, 30);
  }
  status = tff_labels_Parse("fuzz.tsv", (const char *) data, n, fixed, flags, &L, errbuf);
  if (status == tffOK) {
    int total = 0;
    FUZZ_CHECK(L != NULL && L->n == fixed->n, "one label per motif");
    FUZZ_CHECK(L->nfam >= 1, "at least one family");
    for (int k = 0; k < L->nfam; k++) {
      FUZZ_CHECK(L->fam[k] != NULL && L->fam[k][0] != '\0', "family name");
      if (k > 0) FUZZ_CHECK(strcmp(L->fam[k - 1], L->fam[k]) < 0, "families sorted and unique");
      FUZZ_CHECK(tff_labels_FamilyIndex(L, L->fam[k]) == k, "family lookup");
      total += L->count[k];
    }
    for (int i = 0; i < L->n; i++) {
      FUZZ_CHECK(L->y[i] >= -1 && L->y[i] < L->nfam, "label in range");
      if (!(flags & TFF_LABELS_ALLOW_UNLABELLED)) FUZZ_CHECK(L->y[i] >= 0, "every motif labelled");
    }
    int labelled = 0;
    for (int i = 0; i < L->n; i++) labelled += (L->y[i] >= 0);
    FUZZ_CHECK(total == labelled, "family counts add up");
    if (labelled >= 2) {   /* folds over what was read */
      int fold[30];
      if (tff_labels_StratifiedFolds(L, 2, (uint64_t) n, fold, errbuf) == tffOK)
        for (int i = 0; i < L->n; i++) FUZZ_CHECK(fold[i] >= -1 && fold[i] < 2, "fold in range");
    }
    tff_labels_Destroy(L);
  } else {
    FUZZ_CHECK(L == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
