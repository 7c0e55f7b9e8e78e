/* fuzz_motifs: libFuzzer target for the motif readers, through
 * tff_io_ParseBuffer() (format detection, parsing, normalisation).
 *
 * Built three times (fuzz/fuzz.mk) with FUZZ_FORMAT set to the reader the
 * binary is for: fuzz_meme (MEME text), fuzz_xml (MEME, STREME and DREME XML)
 * and fuzz_jaspar (JASPAR). Each has its own seed corpus; an input that does
 * not sniff as the target's format is still parsed (the detection code is
 * fuzzed too) but counts against no reader in particular.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_io.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* Each input is read twice: as labelled sets are (a repeated id is an error)
 * and as tffam's and tffam-compare's motif files are (tffIO_SKIP_DUP_IDS: a
 * repeated id is skipped). The second read succeeds whenever the first does,
 * with the same motifs. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_MOTIFSET *set = NULL, *set2 = NULL;
  char          errbuf[TFF_ERRBUFSIZE] = "";
  int           status, status2;

  status = tff_io_ParseBuffer("fuzz.in", (const char *) data, n, &set, errbuf);
  if (status == tffOK) {
    fuzz_check_motifset(set);
    FUZZ_CHECK(set->n >= 1, "a successful read has motifs");
    FUZZ_CHECK(set->format != NULL, "format recorded");
  } else {
    FUZZ_CHECK(set == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
  status2 = tff_io_ParseBufferFlags("fuzz.in", (const char *) data, n, tffIO_SKIP_DUP_IDS, &set2, errbuf);
  if (status2 == tffOK) {
    fuzz_check_motifset(set2);
    FUZZ_CHECK(set2->n >= 1, "a successful read has motifs");
    for (int i = 1; i < set2->n; i++) FUZZ_CHECK(tff_motifset_Find(set2, set2->m[i]->id) == i, "ids unique after skipping");
    if (set) FUZZ_CHECK(set2->n == set->n && set2->nskip == 0, "nothing skipped where nothing repeats");
  } else {
    FUZZ_CHECK(set2 == NULL, "nothing returned on error");
    FUZZ_CHECK(status != tffOK, "the skipping read fails only where the strict one does");
    fuzz_check_error(status2, errbuf);
  }
  tff_motifset_Destroy(set);
  tff_motifset_Destroy(set2);
  return 0;
}
