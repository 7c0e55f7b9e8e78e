/* tff_model: writing and reading model files (doc/model-format.md).
 *
 * Contents:
 *   1. The model object
 *   2. Writing
 *   3. Reading
 *   4. Unit tests (tffMODEL_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tff_cnn.h"
#include "tff_io.h"
#include "tff_labels.h"
#include "tff_model.h"
#include "tff_motif.h"
#include "tff_outdir.h"
#include "tff_train.h"
#include "tff_util.h"

static const char *enc_names[] = { "prob", "center", "logodds", "ic" };
static const char *init_names[] = { "torch", "he" };
static const char *cw_names[]   = { "none", "balanced", "sqrt" };

/* 1. The model object */

void
tff_model_Destroy(TFF_MODEL *M)
{
  if (!M) return;
  tff_cnn_Destroy(M->net);
  if (M->fam) for (int k = 0; k < M->nfam; k++) free(M->fam[k]);
  free(M->fam);
  free(M->program);
  free(M->netline);
  free(M->training);
  free(M->data);
  free(M->path);
  free(M);
}

/* 2. Writing */

int
tff_model_DataChecksum(const TFF_MOTIFSET *set, const TFF_LABELS *L, char out[9], char *errbuf)
{
  TFF_BUF b;
  char    ms[9];
  int     status;
  tff_buf_Init(&b);
  tff_motifset_Checksum(set, ms);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s\n", ms));
  for (int i = 0; i < set->n; i++)
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s\t%s\n", set->m[i]->id, L->y[i] >= 0 ? L->fam[L->y[i]] : ""));
  tff_Crc32Hex(b.s, b.n, out);
 ERROR:
  tff_buf_Free(&b);
  return status;
}

static uint32_t
float_bits(float f)
{
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

int
tff_model_Format(TFF_BUF *b, const TFF_CNN *net, const TFF_TRAIN_OPTS *o, const TFF_LABELS *L,
                 const TFF_MOTIFSET *set, const TFF_TRAIN_LOG *log, char *errbuf)
{
  const TFF_CNN_ARCH *a = &net->a;
  char                dsum[9], crc[9];
  int                 status;

  if (L->nfam != net->nfam) return tff_Fail(errbuf, tffEINVAL, "model: %d families named, network has %d", L->nfam, net->nfam);
  TFF_CHECK(tff_model_DataChecksum(set, L, dsum, errbuf));
  TFF_CHECK(tff_buf_Printf(b, errbuf, "%s %d\n", TFF_MODEL_MAGIC, TFF_MODEL_VERSION));
  TFF_CHECK(tff_buf_Printf(b, errbuf, "program %s %s\n", PACKAGE_NAME, PACKAGE_VERSION));
  TFF_CHECK(tff_buf_Printf(b, errbuf, "families %d\n", L->nfam));
  for (int k = 0; k < L->nfam; k++) TFF_CHECK(tff_buf_Printf(b, errbuf, "family %s\n", L->fam[k]));
  TFF_CHECK(tff_buf_Printf(b, errbuf, "network layers %d channels", a->nlayers));
  for (int l = 0; l < a->nlayers; l++) TFF_CHECK(tff_buf_Printf(b, errbuf, " %d", a->ch[l]));
  TFF_CHECK(tff_buf_Printf(b, errbuf, " kernels"));
  for (int l = 0; l < a->nlayers; l++) TFF_CHECK(tff_buf_Printf(b, errbuf, " %d", a->k[l]));
  TFF_CHECK(tff_buf_Printf(b, errbuf, " last_act %s encoding %s minw %d\n", a->last_relu ? "relu" : "none", enc_names[a->encoding], a->minw));
  TFF_CHECK(tff_buf_Printf(b, errbuf,
                           "training seed %llu init %s optimizer %s lr %.17g wd %.17g beta1 %.17g beta2 %.17g eps %.17g batch 1"
                           " class_weight %s patience %d max_epochs %d val_frac %.17g keep %s epochs %d best_epoch %d val_loss %.6f steps %ld\n",
                           (unsigned long long) o->seed, init_names[o->init], o->adam.decoupled ? "adamw" : "adam", o->adam.lr, o->adam.wd,
                           o->adam.beta1, o->adam.beta2, o->adam.eps, cw_names[o->class_weight], o->patience, o->max_epochs, o->val_frac,
                           o->restore_best ? "best" : "last", log ? log->epochs : 0, log ? log->best_epoch : 0,
                           log ? log->best_val_loss : 0.0, log ? log->steps : 0L));
  if (o->val_groups) {   /* recorded only when used, as augment below */
    b->n--;
    TFF_CHECK(tff_buf_Printf(b, errbuf, " val_split groups\n"));
  }
  if (o->augment) {   /* recorded only when used, so that plain models keep their bytes */
    char aug[64];
    b->n--;           /* before the newline */
    TFF_CHECK(tff_buf_Printf(b, errbuf, " augment %s aug_nsites %d aug_trim %d aug_trim_ic %.17g aug_minw %d aug_pad %d\n",
                             tff_train_AugmentName(o->augment, aug, sizeof aug), o->aug_nsites, o->aug_trim, o->aug_trim_ic,
                             o->aug_minw, o->aug_pad));
  }
  {
    size_t start = b->n;
    TFF_CHECK(tff_buf_Printf(b, errbuf, "data motifs %d checksum %s motif_file %s label_file %s\n", set->n, dsum,
                             set->source ? tff_Basename(set->source) : "-", L->source ? tff_Basename(L->source) : "-"));
    /* one line, whatever the file names hold (a line break, a carriage return, which
     * the reader refuses): control characters become spaces, as in the reports' footers */
    tff_OneLine(b->s + start, b->n - start - 1);   /* not the line's own newline */
  }
  TFF_CHECK(tff_buf_Printf(b, errbuf, "params %zu float32\n", net->nparams));
  for (size_t i = 0; i < net->nparams; i++)
    TFF_CHECK(tff_buf_Printf(b, errbuf, "%08lx%c", (unsigned long) float_bits((float) net->params[i]),
                             (i % 8 == 7 || i + 1 == net->nparams) ? '\n' : ' '));
  tff_Crc32Hex(b->s, b->n, crc);
  TFF_CHECK(tff_buf_Printf(b, errbuf, "crc32 %s\n", crc));
 ERROR:
  return status;
}

int
tff_model_Write(const char *path, const TFF_CNN *net, const TFF_TRAIN_OPTS *o, const TFF_LABELS *L,
                const TFF_MOTIFSET *set, const TFF_TRAIN_LOG *log, char *errbuf)
{
  TFF_BUF     b;
  TFF_OUTFILE of;
  int         status;

  /* Atomically: a temporary file beside <path>, renamed when complete, so a
   * failed write leaves no partial model and an existing model untouched. */
  tff_buf_Init(&b);
  TFF_CHECK(tff_model_Format(&b, net, o, L, set, log, errbuf));
  TFF_CHECK(tff_outfile_Open(path, &of, errbuf));
  if (fwrite(b.s, 1, b.n, of.fp) != b.n) {
    int e = errno;
    tff_outfile_Abort(&of);
    TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s; nothing written", path, strerror(e));
  }
  TFF_CHECK(tff_outfile_Commit(&of, errbuf));
 ERROR:
  tff_buf_Free(&b);
  return status;
}

const char *
tff_model_DefaultPath(void)
{
  const char *env = getenv("TFFAM_MODEL");
  return (env && *env) ? env : TFF_DATADIR "/tffam-default.model";
}

/* 3. Reading */

/* Next line of [*p, end) into a NUL-terminated copy; 0 at the end. */
static int
next_line(const char **p, const char *end, char **line, long *lineno)
{
  const char *nl;
  size_t      len;
  if (*p >= end) return 0;
  nl  = memchr(*p, '\n', (size_t) (end - *p));
  len = nl ? (size_t) (nl - *p) : (size_t) (end - *p);
  free(*line);
  *line = tff_Strndup(*p, len);
  *p = nl ? nl + 1 : end;
  (*lineno)++;
  return *line ? 1 : -1;
}

static int
index_of(const char *s, const char **names, int n)
{
  for (int i = 0; i < n; i++) if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* A whole token as an int in [-1e8, 1e8] (atoi and sscanf("%d") have
 * undefined behaviour on overflow); INT_MIN if it is not one. */
static int
small_int(const char *tok)
{
  char *e;
  long  v;
  errno = 0;
  v = strtol(tok, &e, 10);
  if (e == tok || *e != '\0' || errno != 0 || v < -100000000 || v > 100000000) return INT_MIN;
  return (int) v;
}

/* Parse "network layers N channels ... kernels ... last_act X encoding Y minw Z". */
static int
parse_network(char *s, TFF_CNN_ARCH *a)
{
  char *tok, *save = NULL;
  memset(a, 0, sizeof *a);
  if (!(tok = strtok_r(s, " ", &save)) || strcmp(tok, "network")) return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "layers")) return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || (a->nlayers = small_int(tok)) < 1 || a->nlayers > TFF_CNN_MAXLAYERS) return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "channels")) return 0;
  for (int l = 0; l < a->nlayers; l++) { if (!(tok = strtok_r(NULL, " ", &save))) return 0; if ((a->ch[l] = small_int(tok)) == INT_MIN) return 0; }
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "kernels")) return 0;
  for (int l = 0; l < a->nlayers; l++) { if (!(tok = strtok_r(NULL, " ", &save))) return 0; if ((a->k[l] = small_int(tok)) == INT_MIN) return 0; }
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "last_act")) return 0;
  if (!(tok = strtok_r(NULL, " ", &save))) return 0;
  if (strcmp(tok, "relu") == 0) a->last_relu = 1; else if (strcmp(tok, "none") == 0) a->last_relu = 0; else return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "encoding")) return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || (a->encoding = index_of(tok, enc_names, 4)) < 0) return 0;
  if (!(tok = strtok_r(NULL, " ", &save)) || strcmp(tok, "minw")) return 0;
  if (!(tok = strtok_r(NULL, " ", &save))) return 0;
  if ((a->minw = small_int(tok)) == INT_MIN) return 0;
  return strtok_r(NULL, " ", &save) == NULL;
}

int
tff_model_Parse(const char *name, const char *data, size_t n, TFF_MODEL **ret_M, char *errbuf)
{
  TFF_MODEL   *M = NULL;
  TFF_CNN_ARCH a;
  const char  *p = data, *end = data + n, *last;
  char        *line = NULL, crc[9], *q;
  long         lineno = 0;
  int          version, nfam, status;
  size_t       np, got = 0;

  *ret_M = NULL;
  /* magic and version first, so that a wrong file or version says so */
  /* The buffer need not be NUL-terminated: compare and scan within [data, end) only. */
  if (n < strlen(TFF_MODEL_MAGIC) + 1 || memcmp(data, TFF_MODEL_MAGIC " ", strlen(TFF_MODEL_MAGIC) + 1) != 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: not a tffam model file (it does not start with \"%s\")", name, TFF_MODEL_MAGIC);
  version = 0;
  for (const char *v = data + strlen(TFF_MODEL_MAGIC) + 1; v < end && *v >= '0' && *v <= '9' && version < 100000; v++)
    version = version * 10 + (*v - '0');
  if (version != TFF_MODEL_VERSION)
    TFF_FAIL(tffEINCOMPAT, errbuf, "%s: model format version %d; this tffam (%s) reads version %d: retrain the model or use a matching tffam",
             name, version, PACKAGE_VERSION, TFF_MODEL_VERSION);
  /* A copy whose line ends were converted (a Windows checkout, a text-mode
   * transfer) fails its checksum: say so rather than "truncated". */
  if (memchr(data, '\r', n) != NULL)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: has carriage returns (Windows line ends?); a model file must be kept byte for byte (convert it back, e.g. dos2unix)", name);
  /* the checksum line ends the file */
  if (n < 16 || data[n - 1] != '\n') TFF_FAIL(tffEFORMAT, errbuf, "%s: truncated model file (no final checksum line)", name);
  for (last = end - 1; last > data && last[-1] != '\n'; last--) ;
  if (end - last != 15 || memcmp(last, "crc32 ", 6) != 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: truncated model file (no final checksum line)", name);
  tff_Crc32Hex(data, (size_t) (last - data), crc);
  if (memcmp(last + 6, crc, 8) != 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: corrupted model file: checksum %.8s recorded, %s computed", name, last + 6, crc);
  end = last;

  TFF_CALLOC(M, 1, sizeof *M);
  memcpy(M->checksum, crc, 9);
  if ((M->path = tff_Strdup(name)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  next_line(&p, end, &line, &lineno);                                   /* magic */
  if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "program ", 8))
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"program\"", name, lineno);
  if ((M->program = tff_Strdup(line + 8)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "families ", 9) || (nfam = small_int(line + 9)) < 2 || nfam > TFF_CNN_MAXCH)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"families N\" (2..%d)", name, lineno, TFF_CNN_MAXCH);
  TFF_CALLOC(M->fam, (size_t) nfam, sizeof(char *));
  for (int k = 0; k < nfam; k++) {
    if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "family ", 7) || line[7] == '\0')
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"family NAME\" (%d of %d)", name, lineno, k + 1, nfam);
    if ((M->fam[k] = tff_Strdup(line + 7)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    M->nfam = k + 1;
  }
  if (next_line(&p, end, &line, &lineno) == 1 && strncmp(line, "network ", 8) == 0 && (M->netline = tff_Strdup(line + 8)) == NULL)
    TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (!M->netline || !parse_network(line, &a))
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: bad \"network\" line", name, lineno);
  if (a.ch[a.nlayers - 1] != nfam)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: last layer has %d channels for %d families", name, lineno, a.ch[a.nlayers - 1], nfam);
  {
    /* Check the architecture, and that the file is long enough to hold its
     * weights (9 bytes each), before allocating anything for them: a short
     * hostile file cannot make us allocate a large network. */
    char   why[TFF_ERRBUFSIZE];
    size_t need = 0;
    if (tff_cnn_ArchCheck(&a, why) != tffOK) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: %s", name, lineno, why);
    for (int l = 0; l < a.nlayers; l++)
      need += (size_t) a.ch[l] * (size_t) (l ? a.ch[l - 1] : TFF_ALPHA) * (size_t) a.k[l] + (size_t) a.ch[l];
    if (need > (size_t) (end - p) / 9)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: the network needs %zu weights; the file is too short to hold them", name, lineno, need);
  }
  TFF_CHECK(tff_cnn_Create(&a, nfam, &M->net, errbuf));
  if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "training ", 9))
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"training\"", name, lineno);
  if ((M->training = tff_Strdup(line + 9)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "data ", 5))
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"data\"", name, lineno);
  if ((M->data = tff_Strdup(line + 5)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (next_line(&p, end, &line, &lineno) != 1 || strncmp(line, "params ", 7) || (q = strchr(line + 7, ' ')) == NULL ||
      strcmp(q, " float32") != 0 || (*q = '\0', small_int(line + 7)) < 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected \"params N float32\"", name, lineno);
  np = (size_t) small_int(line + 7);
  if (np != M->net->nparams)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: %zu parameters, the network needs %zu", name, lineno, np, M->net->nparams);
  while (got < np && next_line(&p, end, &line, &lineno) == 1) {
    q = line;
    while (*q) {
      char         *e;
      unsigned long u;
      float         f;
      uint32_t      u32;
      if (*q == ' ') { q++; continue; }
      /* exactly 8 hex digits: strtoul alone also took a sign, "0x" or leading blanks */
      int nx = 0;
      while (nx < 8 && isxdigit((unsigned char) q[nx])) nx++;
      if (nx != 8 || (q[8] != ' ' && q[8] != '\0') || got >= np)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: bad weight \"%.8s\"", name, lineno, q);
      u = strtoul(q, &e, 16);
      u32 = (uint32_t) u;
      memcpy(&f, &u32, sizeof f);
      if (f != f || f - f != 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: weight %zu is not finite", name, lineno, got + 1);
      M->net->params[got++] = (tff_real) f;
      q = e;
    }
  }
  if (got != np) TFF_FAIL(tffEFORMAT, errbuf, "%s: %zu of %zu weights", name, got, np);
  if (p != end) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: unexpected text after the weights", name, lineno + 1);
  free(line);
  *ret_M = M;
  return tffOK;
 ERROR:
  free(line);
  tff_model_Destroy(M);
  return status;
}

void
tff_model_FileCrc(const TFF_MODEL *M, char out[9])
{
  char          line[16];
  unsigned long c = strtoul(M->checksum, NULL, 16);
  snprintf(line, sizeof line, "crc32 %s\n", M->checksum);
  c = crc32(c, (const Bytef *) line, (uInt) strlen(line));   /* zlib's CRC continues from the first part's */
  snprintf(out, 9, "%08lx", c & 0xffffffffUL);
}

int
tff_model_Read(const char *path, TFF_MODEL **ret_M, char *errbuf)
{
  TFF_BUF b;
  int     status;
  tff_buf_Init(&b);
  *ret_M = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "model file", &b, errbuf));
  status = tff_model_Parse(path, b.s ? b.s : "", b.n, ret_M, errbuf);
 ERROR:
  tff_buf_Free(&b);
  return status;
}

/* 4. Unit tests */
#ifdef tffMODEL_TESTDRIVE
#include "tff_utest.h"

static void
expect(const char *data, size_t n, int want_status, const char *want_msg)
{
  TFF_MODEL *M = NULL;
  char       errbuf[TFF_ERRBUFSIZE] = "";
  int        st = tff_model_Parse("t.model", data, n, &M, errbuf);
  if (st != want_status || M != NULL) { fprintf(stderr, "status %d: %s\n", st, errbuf); TFF_UFAIL("%s", want_msg); }
  if (strstr(errbuf, want_msg) == NULL) { fprintf(stderr, "got: %s\n", errbuf); TFF_UFAIL("%s", want_msg); }
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_model_utest", NULL);
  TFF_MOTIFSET  *set = NULL;
  TFF_LABELS    *L = NULL;
  TFF_CNN       *net = NULL;
  TFF_MODEL     *M = NULL;
  TFF_TRAIN_OPTS o;
  TFF_BUF        b, b2;
  char           errbuf[TFF_ERRBUFSIZE], *copy;
  const char    *fams[3] = { "fam A", "fam B", "fam A" };

  tff_buf_Init(&b); tff_buf_Init(&b2);
  if (tff_motifset_Create("x.meme", &set, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < 3; i++) {
    TFF_MOTIF *m = NULL;
    char id[16];
    snprintf(id, sizeof id, "M%d", i);
    if (tff_motif_Create(id, NULL, 2, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int j = 0; j < 8; j++) m->p[j] = 0.25;
    if (tff_motifset_Add(set, m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  }
  if (tff_labels_Build(fams, 3, 0, &L, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_train_OptsDefault(&o);
  if (tff_cnn_Create(&o.arch, 2, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_cnn_Init(net, tffCNN_INIT_TORCH, 3);
  net->params[0] = -0.0f; net->params[1] = 1e-30f;
  if (tff_model_Format(&b, net, &o, L, set, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);

  /* round trip: the same weights bit for bit, and the same text when written again */
  if (tff_model_Parse("t.model", b.s, b.n, &M, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (M->nfam != 2 || strcmp(M->fam[0], "fam A") || strcmp(M->fam[1], "fam B")) TFF_UFAIL("families");
  if (M->net->nparams != net->nparams || memcmp(M->net->params, net->params, sizeof(tff_real) * net->nparams)) TFF_UFAIL("weights");
  if (M->net->a.last_relu != o.arch.last_relu || M->net->a.encoding != o.arch.encoding) TFF_UFAIL("architecture");
  if (tff_model_Format(&b2, M->net, &o, L, set, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (b.n != b2.n || memcmp(b.s, b2.s, b.n)) TFF_UFAIL("written twice differs");
  tff_model_Destroy(M);

  /* truncated anywhere: refused */
  for (size_t cut = 0; cut < b.n; cut += 97) expect(b.s, cut, cut < 12 ? tffEFORMAT : tffEFORMAT, cut < 12 ? "not a tffam model" : "truncated");
  /* one byte changed anywhere after the version: the checksum catches it */
  if ((copy = malloc(b.n)) == NULL) TFF_UFAIL("oom");
  for (size_t pos = 14; pos < b.n - 16; pos += 61) {
    memcpy(copy, b.s, b.n);
    copy[pos] = (char) (copy[pos] == '0' ? '1' : '0');
    expect(copy, b.n, tffEFORMAT, "corrupted model file");
  }
  /* another format version */
  memcpy(copy, b.s, b.n);
  copy[12] = '7';
  expect(copy, b.n, tffEINCOMPAT, "model format version 7");
  expect("hello\n", 6, tffEFORMAT, "not a tffam model file");
  free(copy);
  /* buffers that are not NUL-terminated are read within their bounds (fuzz
   * regressions, tests/data/fuzz/model/): exact-size copies, so ASan sees any overread */
  {
    const char *cases[] = { "TFFAM-MODEL", "TFFAM-MODEL 1111111111", "TFFAM-MODEL 1\npc\nf\n", "TFFAM-MODEL 1\n" };
    const char *want[]  = { "not a tffam model", "model format version", "truncated", "truncated" };
    for (int c = 0; c < 4; c++) {
      size_t len = strlen(cases[c]);
      if ((copy = malloc(len)) == NULL) TFF_UFAIL("oom");
      memcpy(copy, cases[c], len);
      expect(copy, len, c == 1 ? tffEINCOMPAT : tffEFORMAT, want[c]);
      free(copy);
    }
  }

  tff_buf_Free(&b); tff_buf_Free(&b2);
  tff_cnn_Destroy(net);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  return tff_utest_Done();
}
#endif /* tffMODEL_TESTDRIVE */
