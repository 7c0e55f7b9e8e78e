/* fuzz_combiner: libFuzzer target for the combined model's file reader,
 * tff_combine_Parse() (what tffam -combiner and tffam-combine -combiner read).
 *
 * On success the combiner must be usable as tffam uses it: at least two
 * uniquely named families with finite biases, finite coefficients only for
 * features in use, kmax and the extra metric's neighbours in range, network
 * names non-empty, and an extra metric whenever extra_nlp is used.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "tff_colcmp.h"
#include "tff_combine.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_COMBINER *C = NULL;
  char          errbuf[TFF_ERRBUFSIZE] = "";
  int           status = tff_combine_Parse("fuzz.txt", (const char *) data, n, &C, errbuf);

  if (status != tffOK) {
    FUZZ_CHECK(C == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
    return 0;
  }
  FUZZ_CHECK(C != NULL && C->nfam >= 2 && C->fam != NULL && C->bias != NULL, "families");
  for (int f = 0; f < C->nfam; f++) {
    FUZZ_CHECK(C->fam[f] != NULL && C->fam[f][0] != '\0', "family names");
    FUZZ_CHECK(isfinite(C->bias[f]), "finite biases");
    for (int g = 0; g < f; g++) FUZZ_CHECK(strcmp(C->fam[f], C->fam[g]) != 0, "family names unique");
  }
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++) {
    FUZZ_CHECK(C->use[j] == 0 || C->use[j] == 1, "feature flags");
    FUZZ_CHECK(isfinite(C->beta[j]) && (C->use[j] || C->beta[j] == 0), "coefficients");
  }
  FUZZ_CHECK(C->kmax >= 0 && C->kmax <= 100000, "kmax in range");
  FUZZ_CHECK(!tff_combine_NeedsExtra(C) || (C->extra_col >= 0 && C->extra_kmax >= 1 && C->extra_kmax <= 100000), "extra metric");
  FUZZ_CHECK(C->extra_col < 0 || tff_colcmp_Name(C->extra_col) != NULL, "extra metric is a column score");
  for (int k = 0; k < C->nnet; k++) FUZZ_CHECK(C->net[k] != NULL && C->net[k][0] != '\0', "network names");
  FUZZ_CHECK(tff_combine_FamilyIndex(C, C->fam[C->nfam - 1]) == C->nfam - 1, "family lookup");
  tff_combine_Destroy(C);
  return 0;
}
