/* fuzz_kmer: libFuzzer target for the k-mer model's file reader, tff_kmer_Parse()
 * (the kmer_model file a combiner names; tffam and tffam-combine read it).
 *
 * On success the model must be usable as tff_kmer_Predict() uses it: at least two
 * uniquely named families, TFF_KMER_DIM centres and weights, every number finite
 * and within +-1e6, and its probabilities for a spectrum finite and summing to 1.
 * It must also survive a round trip: tff_kmer_Write() and tff_kmer_Parse() again
 * give the same model (to the 9 significant digits the file keeps). Each input is
 * also parsed with a correct checksum line appended, so that the content checks
 * run behind a valid checksum too.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_kmer.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void
round_trip(const TFF_KMER *K)
{
  TFF_KMER *D = NULL;
  char      errbuf[TFF_ERRBUFSIZE] = "";
  char     *text = NULL;
  size_t    len = 0;
  FILE     *fp = open_memstream(&text, &len);

  if (fp == NULL) abort();
  FUZZ_CHECK(tff_kmer_Write(fp, K, K->fam, "fuzz", NULL, errbuf) == tffOK, "write");
  if (fclose(fp) != 0) abort();
  FUZZ_CHECK(tff_kmer_Parse("rt.txt", text, len, &D, errbuf) == tffOK, "a written k-mer model reads back");
  FUZZ_CHECK(D->nfam == K->nfam && D->dim == K->dim, "round trip: sizes");
  for (int f = 0; f < K->nfam; f++) FUZZ_CHECK(strcmp(D->fam[f], K->fam[f]) == 0 && D->b[f] == K->b[f], "round trip: families");
  for (size_t t = 0; t < (size_t) K->dim * K->nfam; t++)
    FUZZ_CHECK(fabs(D->W[t] - K->W[t]) <= 1e-8 * fabs(K->W[t]) + 1e-300, "round trip: weights");
  tff_kmer_Destroy(D);
  free(text);
}

static int
one_input(const uint8_t *data, size_t n)
{
  TFF_KMER *K = NULL;
  char      errbuf[TFF_ERRBUFSIZE] = "";
  int       status = tff_kmer_Parse("fuzz.txt", (const char *) data, n, &K, errbuf);
  double    x[TFF_KMER_DIM], *p, sum = 0.0;

  if (status != tffOK) {
    FUZZ_CHECK(K == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
    return 0;
  }
  FUZZ_CHECK(K != NULL && K->nfam >= 2 && K->fam != NULL && K->dim == TFF_KMER_DIM, "families and dimension");
  for (int f = 0; f < K->nfam; f++) {
    FUZZ_CHECK(K->fam[f] != NULL && K->fam[f][0] != '\0', "family names");
    FUZZ_CHECK(isfinite(K->b[f]) && fabs(K->b[f]) <= 1e6, "biases within +-1e6");
    for (int g = 0; g < f; g++) FUZZ_CHECK(strcmp(K->fam[f], K->fam[g]) != 0, "family names unique");
  }
  for (size_t t = 0; t < (size_t) K->dim * K->nfam; t++) FUZZ_CHECK(isfinite(K->W[t]) && fabs(K->W[t]) <= 1e6, "weights");
  for (int j = 0; j < K->dim; j++) { FUZZ_CHECK(isfinite(K->mu[j]) && fabs(K->mu[j]) <= 1e6, "centres"); x[j] = 0.5; }
  if ((p = malloc(sizeof(double) * (size_t) K->nfam)) == NULL) abort();
  tff_kmer_Predict(K, x, p);
  for (int f = 0; f < K->nfam; f++) { FUZZ_CHECK(isfinite(p[f]) && p[f] >= 0.0, "probabilities"); sum += p[f]; }
  FUZZ_CHECK(fabs(sum - 1.0) < 1e-9, "probabilities sum to 1");
  free(p);
  round_trip(K);
  tff_kmer_Destroy(K);
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  fuzz_with_crc_line(data, n, one_input);
  return 0;
}
