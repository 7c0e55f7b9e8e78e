/* fuzz_names: libFuzzer target for the TF-name reader of tffam-cv's stem and
 * cluster splits, tff_combine_ParseNames() (the "name" column of a label
 * file), for a fixed set of 6 motifs (the ids of tests/data/knn/six.tsv). On
 * success every motif has a non-empty name; the stem of each (the grouping
 * rule) is a string no longer than the name.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_combine.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static TFF_MOTIFSET *fixed = NULL;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  char **names = NULL;
  char   errbuf[TFF_ERRBUFSIZE] = "";
  int    status;

  if (fixed == NULL) {
    static const char *ids[6] = { "r1", "r2", "r3", "r4", "r5", "r6" };
    fixed = fuzz_fixed_set(ids, 6);
  }
  status = tff_combine_ParseNames("fuzz.tsv", (const char *) data, n, fixed, &names, errbuf);
  if (status == tffOK) {
    int gid[6], ng = 0;
    FUZZ_CHECK(names != NULL, "names returned");
    for (int i = 0; i < fixed->n; i++) {
      char stem[256];
      FUZZ_CHECK(names[i] != NULL && names[i][0] != '\0', "every motif named");
      tff_combine_Stem(names[i], stem, sizeof stem);
      FUZZ_CHECK(strlen(stem) <= strlen(names[i]), "a stem is no longer than its name");
    }
    FUZZ_CHECK(tff_combine_StemGroups(names, fixed->n, gid, &ng, errbuf) == tffOK, "stem groups of the names");
    FUZZ_CHECK(ng >= 1 && ng <= fixed->n, "group count");
    for (int i = 0; i < fixed->n; i++) FUZZ_CHECK(gid[i] >= 0 && gid[i] < ng, "group id in range");
    tff_combine_FreeNames(names, fixed->n);
  } else {
    FUZZ_CHECK(names == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
  return 0;
}
