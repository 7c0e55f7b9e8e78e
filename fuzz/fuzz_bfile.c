/* fuzz_bfile: libFuzzer target for the MEME background file reader (-bfile),
 * tff_bg_Parse(). On success the four frequencies are finite, in [0, 1] and
 * sum to 1; on failure bg is left as it was.
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "tff_io.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  double bg[TFF_ALPHA] = { 0.1, 0.2, 0.3, 0.4 }, sum = 0.0;
  char   errbuf[TFF_ERRBUFSIZE] = "";
  int    status = tff_bg_Parse("fuzz.bg", (const char *) data, n, bg, errbuf);

  if (status == tffOK) {
    for (int a = 0; a < TFF_ALPHA; a++) {
      FUZZ_CHECK(isfinite(bg[a]) && bg[a] >= 0.0 && bg[a] <= 1.0, "frequency in [0,1]");
      sum += bg[a];
    }
    FUZZ_CHECK(fabs(sum - 1.0) < 1e-9, "frequencies sum to 1");
  } else {
    fuzz_check_error(status, errbuf);
    FUZZ_CHECK(bg[0] == 0.1 && bg[1] == 0.2 && bg[2] == 0.3 && bg[3] == 0.4, "bg unchanged on error");
  }
  return 0;
}
