/* fuzz_model: libFuzzer target for the model file reader, tff_model_Parse().
 *
 * A model file ends with a CRC-32 of everything before it, so almost every
 * mutation is refused by the checksum. To fuzz what lies behind it, each input
 * is parsed twice: as it is, and with its final "crc32" line (if any) replaced
 * by the correct checksum of the rest.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "tff_model.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void
parse_one(const char *buf, size_t n)
{
  TFF_MODEL *M = NULL;
  char       errbuf[TFF_ERRBUFSIZE] = "";
  int        status = tff_model_Parse("fuzz.model", buf, n, &M, errbuf);
  if (status == tffOK) {
    FUZZ_CHECK(M != NULL && M->net != NULL, "model returned");
    FUZZ_CHECK(M->nfam >= 2 && M->nfam == M->net->nfam, "families");
    for (int k = 0; k < M->nfam; k++) FUZZ_CHECK(M->fam[k] != NULL && M->fam[k][0] != '\0', "family names");
    FUZZ_CHECK(M->net->nparams * 9 <= n, "weights come from the file");
    for (size_t i = 0; i < M->net->nparams; i++) FUZZ_CHECK(M->net->params[i] - M->net->params[i] == 0, "finite weights");
    tff_model_Destroy(M);
  } else {
    FUZZ_CHECK(M == NULL, "nothing returned on error");
    fuzz_check_error(status, errbuf);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
  const char *s = (const char *) data;
  size_t      body = n;
  char       *buf, crc[9];

  parse_one(s, n);
  /* drop a final "crc32 xxxxxxxx\n" line, then append the right one */
  if (n >= 15 && s[n - 1] == '\n' && memcmp(s + n - 15, "crc32 ", 6) == 0 && (n == 15 || s[n - 16] == '\n')) body = n - 15;
  if ((buf = malloc(body + 16)) == NULL) return 0;
  memcpy(buf, s, body);
  tff_Crc32Hex(buf, body, crc);
  snprintf(buf + body, 16, "crc32 %s\n", crc);
  parse_one(buf, body + 15);
  free(buf);
  return 0;
}
