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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  TFF_MOTIFSET *set = NULL;
  char          errbuf[TFF_ERRBUFSIZE] = "";
  int           status;

  status = tff_io_ParseBuffer("fuzz.in", (const char *) data, n, &set, errbuf);
  if (status == tffOK) {
    fuzz_check_motifset(set);
    FUZZ_CHECK(set->n >= 1, "a successful read has motifs");
    FUZZ_CHECK(set->format != NULL, "format recorded");
    tff_motifset_Destroy(set);
  } else {
    FUZZ_CHECK(set == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
