/* fuzz_util: what the libFuzzer targets share (fuzz/README.md).
 *
 * Each target feeds the bytes libFuzzer gives it to one reader's buffer entry
 * point and checks what came back: on success the object must satisfy the
 * reader's documented invariants, on failure the status must be a tffE* code
 * and errbuf a non-empty one-line message. A broken invariant calls abort(),
 * which libFuzzer reports as a crash (and keeps the input).
 */
#ifndef FUZZ_UTIL_INCLUDED
#define FUZZ_UTIL_INCLUDED

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_motif.h"
#include "tff_util.h"

#define FUZZ_CHECK(cond, what) \
  do { if (!(cond)) { fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", (what), __FILE__, __LINE__); abort(); } } while (0)

/* A failed call: a real status and a non-empty, one-line message. */
static inline void
fuzz_check_error(int status, const char *errbuf)
{
  FUZZ_CHECK(status > tffOK && status <= tffEUSAGE, "status is a tffE* code");
  FUZZ_CHECK(errbuf[0] != '\0', "error message is not empty");
  FUZZ_CHECK(strchr(errbuf, '\n') == NULL, "error message is one line");
  FUZZ_CHECK(strlen(errbuf) < TFF_ERRBUFSIZE, "error message fits errbuf");
}

/* Run one_input on the bytes, then on the same bytes followed by a correct checksum
 * line ("crc32 XXXXXXXX", tff_io_CheckCrcLine), so that a reader's content checks run
 * behind a valid checksum too (the combiner and k-mer model targets). */
static inline void
fuzz_with_crc_line(const uint8_t *data, size_t n, int (*one_input)(const uint8_t *, size_t))
{
  char crc[9], *with = NULL;
  one_input(data, n);
  if ((with = malloc(n + 16)) == NULL) return;
  memcpy(with, data, n);
  tff_Crc32Hex(with, n, crc);
  snprintf(with + n, 16, "crc32 %s\n", crc);
  one_input((const uint8_t *) with, n + 15);
  free(with);
}

/* A motif set a reader returned: widths within the limit, finite
 * probabilities that are >= 0, ids present and unique. */
static inline void
fuzz_check_motifset(const TFF_MOTIFSET *set)
{
  FUZZ_CHECK(set != NULL, "set returned");
  FUZZ_CHECK(set->n >= 0 && set->n <= TFF_MAX_MOTIFS, "motif count");
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    FUZZ_CHECK(m != NULL && m->id != NULL && m->id[0] != '\0', "motif id");
    FUZZ_CHECK(tff_TextBad(m->id, 0) < 0 && (m->alt == NULL || tff_TextBad(m->alt, 0) < 0), "ids and alt names are UTF-8 without control characters");
    FUZZ_CHECK(m->nsites >= 0.0 && m->nsites <= TFF_MAX_NSITES, "nsites within [0, TFF_MAX_NSITES]");
    FUZZ_CHECK(m->w >= 1 && m->w <= TFF_MAX_MOTIF_WIDTH, "motif width within the limit");
    for (int k = 0; k < m->w * TFF_ALPHA; k++)
      FUZZ_CHECK(m->p[k] >= 0.0 && m->p[k] <= 1.0 + TFF_RENORM_TOL, "probability in [0,1] (rows within TFF_RENORM_TOL of 1 are kept)");
    FUZZ_CHECK(tff_motifset_Find(set, m->id) == i, "ids unique");
  }
}

/* A small fixed motif set with the given ids (for the label and Tomtom targets). */
static inline TFF_MOTIFSET *
fuzz_fixed_set(const char *const *ids, int n)
{
  TFF_MOTIFSET *set = NULL;
  char          errbuf[TFF_ERRBUFSIZE];
  if (tff_motifset_Create("fixed.meme", &set, errbuf) != tffOK) abort();
  for (int i = 0; i < n; i++) {
    TFF_MOTIF *m = NULL;
    if (tff_motif_Create(ids[i], NULL, 6, &m, errbuf) != tffOK) abort();
    for (int k = 0; k < 6 * TFF_ALPHA; k++) m->p[k] = 0.25;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) abort();
  }
  return set;
}

#endif /* FUZZ_UTIL_INCLUDED */
