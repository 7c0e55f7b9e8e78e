/* tff_level: the label levels of the shipped data and their manifests.
 *
 * Contents:
 *   1. The table of levels
 *   2. Reading a manifest
 *   3. Checking files against it
 *   4. Networks named by a combiner
 *   5. Unit tests (tffLEVEL_TESTDRIVE)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_io.h"
#include "tff_level.h"
#include "tff_util.h"

/*****************************************************************
 * 1. The table of levels. Adding a level: a row here, its choice in
 *    TFF_LEVEL_CHOICES, its directory and MANIFEST (doc/data-layout.md).
 *****************************************************************/

const TFF_LEVELDEF tff_levels[] = {
  { "class",   "TFClass class: every one JASPAR 2024 CORE annotates (48), all taxa",
    "jaspar2024_allclass.meme",      "jaspar2024_allclass.tsv",      "tffam-class-plain1.model", "tffam-class-combine.txt" },
  { "class20", "TFClass class: the thesis's 20 (its 2113 JASPAR 2024 CORE motifs, all taxa)",
    "jaspar2024_eval_2113.meme",     "jaspar2024_eval_2113.tsv",     "tffam-default.model",      "tffam-combine.txt" },
  { "family",  "TFClass family: every one with >= 5 JASPAR 2024 CORE motifs (83), all taxa",
    "jaspar2024_eval_tffamily.meme", "jaspar2024_eval_tffamily.tsv", "tffam-tffamily.model",     "tffam-tffamily-combine.txt" },
  { "family30", "TFClass family: the 30 with >= 20 motifs among the thesis's 2113",
    "jaspar2024_eval_tffamily.meme", "jaspar2024_eval_tffamily.tsv", "tffam-tffamily.model",     "tffam-tffamily-combine.txt" },
};
const int tff_nlevels = (int) (sizeof tff_levels / sizeof tff_levels[0]);

const TFF_LEVELDEF *
tff_level_Find(const char *name)
{
  for (int k = 0; name && k < tff_nlevels; k++)
    if (strcmp(tff_levels[k].name, name) == 0) return &tff_levels[k];
  return NULL;
}

/*****************************************************************
 * 2. Reading a manifest
 *****************************************************************/

static const char *kind_name[] = { "reference", "labels", "combiner", "model", "network", "kmer" };

void
tff_level_Destroy(TFF_LEVEL *L)
{
  if (!L) return;
  for (int i = 0; i < L->nf; i++) { free(L->f[i].name); free(L->f[i].path); }
  free(L->f);
  free(L->manifest);
  free(L);
}

/* Add a file; its path: dir/name, or the data file name when dir is NULL. */
static int
add_file(TFF_LEVEL *L, int kind, const char *name, const char *dir, const char *crc, char *errbuf)
{
  TFF_LEVEL_FILE *x;
  TFF_BUF         b;
  int             status;

  tff_buf_Init(&b);
  TFF_REALLOC(L->f, sizeof *L->f * (size_t) (L->nf + 1));
  x = &L->f[L->nf];
  memset(x, 0, sizeof *x);
  if ((x->name = tff_Strdup(name)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  L->nf++;
  if (dir) { TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s/%s", dir, name)); x->path = b.s; tff_buf_Init(&b); }
  else       TFF_CHECK(tff_DataPath(name, &x->path, errbuf));
  x->kind = kind;
  snprintf(x->crc, sizeof x->crc, "%s", crc ? crc : "");
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

static const char *
first_path(const TFF_LEVEL *L, int kind)
{
  for (int i = 0; i < L->nf; i++) if (L->f[i].kind == kind) return L->f[i].path;
  return NULL;
}

/* Parse the manifest text (NUL-terminated; lines end in \n). dir: its directory. */
static int
parse_manifest(TFF_LEVEL *L, char *text, const char *dir, char *errbuf)
{
  const char *path = L->manifest;
  int         count[tffLEVEL_KMER + 1] = { 0 }, have_level = 0, ln = 0, status;
  char       *line, *next;

  for (line = text; line && *line; line = next) {
    char *col[5] = { NULL };
    int   ncol = 0, kind = -1;
    ln++;
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    if (line[0] != '\0' && line[strlen(line) - 1] == '\r') line[strlen(line) - 1] = '\0';
    if (ln == 1) {
      if (strcmp(line, "TFFAM-MANIFEST 1") != 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line 1: not a tffam manifest (expected 'TFFAM-MANIFEST 1')", path);
      continue;
    }
    if (line[0] == '#' || line[0] == '\0') continue;
    ncol = tff_SplitTabs(line, col, 5, 0);
    if (ncol > 4) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: more than 3 tab-separated columns", path, ln);
    if (strcmp(col[0], "level") == 0) {
      if (ncol != 2 || strcmp(col[1], L->def->name) != 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: the manifest of level '%s' says 'level %s'", path, ln, L->def->name, ncol > 1 ? col[1] : "");
      have_level = 1;
      continue;
    }
    if (strcmp(col[0], "about") == 0) continue;
    for (int k = 0; k <= tffLEVEL_KMER; k++) if (strcmp(col[0], kind_name[k]) == 0) kind = k;
    if (kind < 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown line '%s' (level, about, reference, labels, combiner, model, network, kmer)", path, ln, col[0]);
    if (ncol != 3 || col[1][0] == '\0' || !tff_IsCrc32Hex(col[2]))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected '%s<tab>FILE<tab>CRC32' (8 lower-case hex digits)", path, ln, col[0]);
    if (strchr(col[1], '/'))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is a path; a manifest names files (doc/data-layout.md)", path, ln, col[1]);
    if (kind != tffLEVEL_NETWORK && count[kind] > 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second '%s' line", path, ln, col[0]);
    count[kind]++;
    TFF_CHECK(add_file(L, kind, col[1], (kind == tffLEVEL_REFERENCE || kind == tffLEVEL_LABELS) ? NULL : dir, col[2], errbuf));
  }
  if (!have_level) TFF_FAIL(tffEFORMAT, errbuf, "%s: no 'level' line", path);
  for (int k = 0; k < 5; k++)
    if (count[k] == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no '%s' line", path, kind_name[k]);
  L->nnet = count[tffLEVEL_NETWORK];
  return tffOK;
 ERROR:
  return status;
}

int
tff_level_Open(const char *name, TFF_LEVEL **ret_L, char *errbuf)
{
  TFF_LEVEL *L = NULL;
  TFF_BUF    b, text;
  char      *dir = NULL;
  int        status;

  tff_buf_Init(&b);
  tff_buf_Init(&text);
  *ret_L = NULL;
  TFF_CALLOC(L, 1, sizeof *L);
  if ((L->def = tff_level_Find(name)) == NULL) TFF_FAIL(tffEINVAL, errbuf, "no label level '%s' (%s)", name ? name : "", TFF_LEVEL_CHOICES);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "models/%s/MANIFEST", name));
  TFF_CHECK(tff_DataPath(b.s, &L->manifest, errbuf));
  if (tff_IsFile(L->manifest)) {
    TFF_CHECK(tff_io_SlurpKind(L->manifest, "manifest", &text, errbuf));
    if ((dir = tff_Strdup(L->manifest)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    *strrchr(dir, '/') = '\0';    /* the path ends in /MANIFEST */
    TFF_CHECK(parse_manifest(L, text.s, dir, errbuf));
    L->layout = tffLEVEL_MANIFEST;
  } else {
    const TFF_LEVELDEF *d = L->def;
    TFF_CHECK(add_file(L, tffLEVEL_REFERENCE, d->old_ref,      NULL, NULL, errbuf));
    TFF_CHECK(add_file(L, tffLEVEL_LABELS,    d->old_labels,   NULL, NULL, errbuf));
    TFF_CHECK(add_file(L, tffLEVEL_COMBINER,  d->old_combiner, NULL, NULL, errbuf));
    TFF_CHECK(add_file(L, tffLEVEL_MODEL,     d->old_model,    NULL, NULL, errbuf));
    L->layout = (tff_IsFile(first_path(L, tffLEVEL_COMBINER)) || tff_IsFile(first_path(L, tffLEVEL_MODEL))) ? tffLEVEL_FLAT : tffLEVEL_NONE;
  }
  L->ref      = first_path(L, tffLEVEL_REFERENCE);
  L->labels   = first_path(L, tffLEVEL_LABELS);
  L->combiner = first_path(L, tffLEVEL_COMBINER);
  L->model    = first_path(L, tffLEVEL_MODEL);
  tff_buf_Free(&b);
  tff_buf_Free(&text);
  free(dir);
  *ret_L = L;
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  tff_buf_Free(&text);
  free(dir);
  tff_level_Destroy(L);
  return status;
}

/*****************************************************************
 * 3. Checking files against the manifest
 *****************************************************************/

static int
check_file(const TFF_LEVEL *L, const TFF_LEVEL_FILE *x, char *errbuf)
{
  TFF_BUF b;
  char    crc[9];
  int     status;
  tff_buf_Init(&b);
  TFF_CHECK(tff_io_SlurpKind(x->path, kind_name[x->kind], &b, errbuf));
  tff_Crc32Hex(b.s, b.n, crc);
  if (strcmp(crc, x->crc) != 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: crc32 %s, but %s lists %s for it: the file was changed or damaged "
             "(after a deliberate change: tclsh etc/models/make-manifest.tcl, doc/data-layout.md)", x->path, crc, L->manifest, x->crc);
  status = tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

int
tff_level_Verify(const TFF_LEVEL *L, const char *path, char *errbuf)
{
  if (L->layout != tffLEVEL_MANIFEST || !path) return tffOK;
  for (int i = 0; i < L->nf; i++)
    if (strcmp(L->f[i].path, path) == 0) return check_file(L, &L->f[i], errbuf);
  return tffOK;
}

/* The files (paths) a combiner names, of one kind (network, kmer): each listed by the manifest, its crc32 checked. */
static int
verify_kind(const TFF_LEVEL *L, int kind, const char *what, const char *const *paths, int n, char *errbuf)
{
  int status;
  if (L->layout != tffLEVEL_MANIFEST) return tffOK;
  for (int k = 0; k < n; k++) {
    int found = 0;
    for (int i = 0; i < L->nf && !found; i++)
      if (L->f[i].kind == kind && strcmp(L->f[i].path, paths[k]) == 0) {
        TFF_CHECK(check_file(L, &L->f[i], errbuf));
        found = 1;
      }
    if (!found) TFF_FAIL(tffEFORMAT, errbuf, "the combiner %s names the %s %s, which %s does not list", L->combiner, what, paths[k], L->manifest);
  }
  return tffOK;
 ERROR:
  return status;
}

int
tff_level_VerifyNetworks(const TFF_LEVEL *L, char *const *paths, int n, char *errbuf)
{
  return verify_kind(L, tffLEVEL_NETWORK, "network", (const char *const *) paths, n, errbuf);
}

int
tff_level_VerifyKmer(const TFF_LEVEL *L, const char *path, char *errbuf)
{
  return verify_kind(L, tffLEVEL_KMER, "k-mer model", &path, 1, errbuf);
}

const char *
tff_level_Owner(int kind, const char *crc)
{
  char        err[TFF_ERRBUFSIZE];
  const char *owner = NULL;
  for (int l = 0; l < tff_nlevels && !owner; l++) {
    TFF_LEVEL *L = NULL;
    if (tff_level_Open(tff_levels[l].name, &L, err) != tffOK) continue;
    if (L->layout == tffLEVEL_MANIFEST)
      for (int i = 0; i < L->nf && !owner; i++)
        if ((L->f[i].kind == kind || (kind == tffLEVEL_MODEL && L->f[i].kind == tffLEVEL_NETWORK)) && strcmp(L->f[i].crc, crc) == 0)
          owner = tff_levels[l].name;
    tff_level_Destroy(L);
  }
  return owner;
}

/*****************************************************************
 * 4. Networks named by a combiner
 *****************************************************************/

int
tff_level_NetworkPath(const char *combiner_path, const char *name, char **ret_path, char *errbuf)
{
  const char *slash = strrchr(combiner_path, '/');
  char       *beside = NULL, *p = NULL;
  TFF_BUF     b;
  int         status;

  tff_buf_Init(&b);
  *ret_path = NULL;
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "%.*s%s", slash ? (int) (slash - combiner_path + 1) : 0, combiner_path, name));
  beside = b.s;
  tff_buf_Init(&b);
  if (tff_IsFile(beside)) { *ret_path = beside; return tffOK; }
  TFF_CHECK(tff_DataPath(name, &p, errbuf));
  for (int k = 0; k < tff_nlevels && !tff_IsFile(p); k++) {
    free(p); p = NULL;
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "models/%s/%s", tff_levels[k].name, name));
    TFF_CHECK(tff_DataPath(b.s, &p, errbuf));
    tff_buf_Free(&b);
  }
  if (tff_IsFile(p)) { free(beside); *ret_path = p; }
  else               { free(p);      *ret_path = beside; }
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  free(beside);
  free(p);
  return status;
}

/*****************************************************************
 * 5. Unit tests
 *****************************************************************/
#ifdef tffLEVEL_TESTDRIVE
#include "tff_utest.h"

#include <sys/stat.h>
#include <unistd.h>


static void
write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0) TFF_UFAIL("%s", path);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_level_utest", NULL);
  char       errbuf[TFF_ERRBUFSIZE], dir[] = "/tmp/tff_level_utestXXXXXX", path[512], crc[9];
  TFF_LEVEL *L = NULL;
  char      *np = NULL;

  if (!mkdtemp(dir)) TFF_UFAIL("mkdtemp");
  setenv("TFFAM_DATA_DIR", dir, 1);

  /* every choice has a row, and no more */
  if (tff_nlevels != 4 || !tff_level_Find("class20") || tff_level_Find("order") || strcmp(tff_levels[0].name, TFF_LEVEL_DEFAULT)) TFF_UFAIL("table");

  /* no manifest, no flat files: NONE, with the flat names' paths */
  if (tff_level_Open("family", &L, errbuf) != tffOK || L->layout != tffLEVEL_NONE) TFF_UFAIL("none");
  snprintf(path, sizeof path, "%s/models/family/MANIFEST", dir);
  if (strcmp(L->manifest, path) || !strstr(L->ref, "jaspar2024_eval_tffamily.meme")) TFF_UFAIL("none paths");
  tff_level_Destroy(L);
  if (tff_level_Open("order", &L, errbuf) != tffEINVAL) TFF_UFAIL("unknown level");

  /* the flat layout: the old combiner found */
  snprintf(path, sizeof path, "%s/tffam-combine.txt", dir);
  write_file(path, "x\n");
  if (tff_level_Open("class20", &L, errbuf) != tffOK || L->layout != tffLEVEL_FLAT || strcmp(L->combiner, path)) TFF_UFAIL("flat");
  if (tff_level_Verify(L, L->combiner, errbuf) != tffOK) TFF_UFAIL("flat verify");
  tff_level_Destroy(L);

  /* a manifest: paths in its directory, reference in the data directory; crc32 checked */
  snprintf(path, sizeof path, "%s/models", dir);          if (mkdir(path, 0700)) TFF_UFAIL("mkdir");
  snprintf(path, sizeof path, "%s/models/class20", dir);  if (mkdir(path, 0700)) TFF_UFAIL("mkdir");
  snprintf(path, sizeof path, "%s/models/class20/a.model", dir);
  write_file(path, "net a\n");
  tff_Crc32Hex("net a\n", 6, crc);
  {
    char text[1024];
    snprintf(text, sizeof text, "TFFAM-MANIFEST 1\n# comment\nlevel\tclass20\nabout\tx\nreference\tr.meme\t00000000\nlabels\tr.tsv\t00000000\n"
                                "combiner\tc.txt\t00000000\nmodel\ta.model\t%s\nnetwork\ta.model\t%s\nnetwork\tb.model\t00000000\n", crc, crc);
    snprintf(path, sizeof path, "%s/models/class20/MANIFEST", dir);
    write_file(path, text);
  }
  if (tff_level_Open("class20", &L, errbuf) != tffOK || L->layout != tffLEVEL_MANIFEST || L->nnet != 2) TFF_UFAIL("%s", errbuf);
  snprintf(path, sizeof path, "%s/models/class20/a.model", dir);
  if (strcmp(L->model, path)) TFF_UFAIL("model path");
  snprintf(path, sizeof path, "%s/r.meme", dir);
  if (strcmp(L->ref, path)) TFF_UFAIL("reference path");
  if (tff_level_Verify(L, L->model, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  snprintf(path, sizeof path, "%s/models/class20/a.model", dir);
  write_file(path, "net A\n");
  if (tff_level_Verify(L, L->model, errbuf) != tffEFORMAT || !strstr(errbuf, "lists")) TFF_UFAIL("changed file");
  {
    char *other[] = { "/elsewhere/z.model" };
    if (tff_level_VerifyNetworks(L, other, 1, errbuf) != tffEFORMAT || !strstr(errbuf, "does not list")) TFF_UFAIL("unlisted network");
  }
  /* a network named by a combiner elsewhere is found in the level's directory */
  if (tff_level_NetworkPath("/no/where/c.txt", "a.model", &np, errbuf) != tffOK || strcmp(np, path)) TFF_UFAIL("network path");
  free(np);
  if (tff_level_NetworkPath("/no/where/c.txt", "q.model", &np, errbuf) != tffOK || strcmp(np, "/no/where/q.model")) TFF_UFAIL("network path, none");
  free(np);
  tff_level_Destroy(L);

  /* bad manifests name the file and line */
  snprintf(path, sizeof path, "%s/models/class20/MANIFEST", dir);
  write_file(path, "TFFAM-MANIFEST 1\nlevel\tfamily\n");
  if (tff_level_Open("class20", &L, errbuf) != tffEFORMAT || !strstr(errbuf, "line 2")) TFF_UFAIL("wrong level");
  write_file(path, "TFFAM-MANIFEST 1\nlevel\tclass20\nnetwork\ta.model\tXYZ\n");
  if (tff_level_Open("class20", &L, errbuf) != tffEFORMAT || !strstr(errbuf, "line 3")) TFF_UFAIL("bad crc");
  write_file(path, "TFFAM-MANIFEST 1\nlevel\tclass20\nnetwork\t../a.model\t00000000\n");
  if (tff_level_Open("class20", &L, errbuf) != tffEFORMAT || !strstr(errbuf, "is a path")) TFF_UFAIL("path in manifest");
  write_file(path, "TFFAM-MANIFEST 1\nlevel\tclass20\nnetwork\ta.model\t00000000\n");
  if (tff_level_Open("class20", &L, errbuf) != tffEFORMAT || !strstr(errbuf, "no 'reference' line")) TFF_UFAIL("missing line");
  write_file(path, "MANIFEST\n");
  if (tff_level_Open("class20", &L, errbuf) != tffEFORMAT || !strstr(errbuf, "line 1")) TFF_UFAIL("no magic");

  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  if (system(path) != 0) TFF_UFAIL("cleanup");
  return tff_utest_Done();
}
#endif /* tffLEVEL_TESTDRIVE */
