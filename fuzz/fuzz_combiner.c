/* fuzz_combiner: libFuzzer target for the combined model's file reader,
 * tff_combine_Parse() (what tffam -combiner and tffam-combine -combiner read).
 *
 * On success the combiner must be usable as tffam uses it: at least two
 * uniquely named families with biases within +-1e6, coefficients within
 * +-1e6 only for features in use, kmax and the extra metric's neighbours in
 * range, network names non-empty, and an extra metric whenever extra_nlp is
 * used. It must also survive a round trip: tff_combine_Write() (which adds
 * the checksum line) and tff_combine_Parse() again give the same combiner.
 * Each input is also parsed with a correct checksum line appended, so that
 * the content checks run behind a valid checksum too.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_colcmp.h"
#include "tff_combine.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* Write C and read it back: the same families, biases, coefficients and settings. */
static void
round_trip(const TFF_COMBINER *C)
{
  TFF_COMBINER *D = NULL;
  char          errbuf[TFF_ERRBUFSIZE] = "";
  char         *text = NULL;
  size_t        len = 0;
  FILE         *fp = open_memstream(&text, &len);

  if (fp == NULL) abort();
  FUZZ_CHECK(tff_combine_Write(fp, C, NULL, "fuzz", errbuf) == tffOK, "write");
  if (fclose(fp) != 0) abort();
  FUZZ_CHECK(tff_combine_Parse("rt.txt", text, len, &D, errbuf) == tffOK, "a written combiner reads back");
  FUZZ_CHECK(D->nfam == C->nfam && D->nnet == C->nnet && D->kmax == C->kmax && D->extra_col == C->extra_col, "round trip: settings");
  for (int f = 0; f < C->nfam; f++) FUZZ_CHECK(strcmp(D->fam[f], C->fam[f]) == 0 && D->bias[f] == C->bias[f], "round trip: families");
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++) FUZZ_CHECK(D->use[j] == C->use[j] && D->beta[j] == C->beta[j], "round trip: coefficients");
  tff_combine_Destroy(D);
  free(text);
}

static int one_input(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  fuzz_with_crc_line(data, n, one_input);
  return 0;
}

static int
one_input(const uint8_t *data, size_t n)
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
    FUZZ_CHECK(fabs(C->bias[f]) <= 1e6, "biases within +-1e6");
    for (int g = 0; g < f; g++) FUZZ_CHECK(strcmp(C->fam[f], C->fam[g]) != 0, "family names unique");
  }
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++) {
    FUZZ_CHECK(C->use[j] == 0 || C->use[j] == 1, "feature flags");
    FUZZ_CHECK(fabs(C->beta[j]) <= 1e6 && (C->use[j] || C->beta[j] == 0), "coefficients");
  }
  FUZZ_CHECK(C->kmax >= 0 && C->kmax <= 100000, "kmax in range");
  FUZZ_CHECK(!tff_combine_NeedsExtra(C) || (C->extra_col >= 0 && C->extra_kmax >= 1 && C->extra_kmax <= 100000), "extra metric");
  FUZZ_CHECK(C->extra_col < 0 || tff_colcmp_Name(C->extra_col) != NULL, "extra metric is a column score");
  for (int k = 0; k < C->nnet; k++) FUZZ_CHECK(C->net[k] != NULL && C->net[k][0] != '\0', "network names");
  FUZZ_CHECK(tff_combine_FamilyIndex(C, C->fam[C->nfam - 1]) == C->nfam - 1, "family lookup");
  round_trip(C);
  tff_combine_Destroy(C);
  return 0;
}
