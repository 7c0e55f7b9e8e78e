/* tff_outdir: staged output directories (see tff_outdir.h). */
#define _XOPEN_SOURCE 700
#include <config.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "tff_outdir.h"
#include "tff_util.h"

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void) sb; (void) flag; (void) ftw;
  return remove(path);
}

int
tff_RemoveTree(const char *path)
{
  return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
tff_outdir_Open(const char *dir, int clobber, TFF_OUTDIR *od, char *errbuf)
{
  struct stat st;
  int         status;
  size_t      len = strlen(dir);

  od->final = NULL; od->stage = NULL; od->clobber = clobber;
  while (len > 1 && dir[len - 1] == '/') len--;   /* "out/" and "out" are the same directory */
  if (len == 0) TFF_FAIL(tffEINVAL, errbuf, "empty output directory name");
  if ((od->final = tff_Strndup(dir, len)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (stat(od->final, &st) == 0) {
    if (!clobber) TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists; use -oc to overwrite it", od->final);
    if (!S_ISDIR(st.st_mode)) TFF_FAIL(tffEINVAL, errbuf, "%s exists and is not a directory", od->final);
  }
  TFF_ALLOC(od->stage, len + 16);
  snprintf(od->stage, len + 16, "%s.tmp-XXXXXX", od->final);
  if (mkdtemp(od->stage) == NULL) {
    free(od->stage); od->stage = NULL;
    TFF_FAIL(tffEWRITE, errbuf, "cannot create output directory %s: %s", od->final, strerror(errno));
  }
  return tffOK;
 ERROR:
  free(od->final); od->final = NULL;
  return status;
}

int
tff_outdir_Fopen(TFF_OUTDIR *od, const char *name, FILE **ret_fp, char *errbuf)
{
  char  *path = NULL;
  size_t n = strlen(od->stage) + strlen(name) + 2;
  int    status;

  *ret_fp = NULL;
  TFF_ALLOC(path, n);
  snprintf(path, n, "%s/%s", od->stage, name);
  if ((*ret_fp = fopen(path, "w")) == NULL)
    TFF_FAIL(tffEWRITE, errbuf, "cannot write %s/%s: %s", od->final, name, strerror(errno));
  free(path);
  return tffOK;
 ERROR:
  free(path);
  return status;
}

int
tff_outdir_Commit(TFF_OUTDIR *od, char *errbuf)
{
  struct stat st;
  int         status;

  if (stat(od->final, &st) == 0) {
    if (!od->clobber) TFF_FAIL(tffEINVAL, errbuf, "output directory %s appeared while running; not overwritten", od->final);
    if (tff_RemoveTree(od->final) != 0)
      TFF_FAIL(tffEWRITE, errbuf, "cannot replace %s: %s", od->final, strerror(errno));
  }
  if (rename(od->stage, od->final) != 0)
    TFF_FAIL(tffEWRITE, errbuf, "cannot move the report into %s: %s", od->final, strerror(errno));
  chmod(od->final, 0755);   /* mkdtemp made it 0700 */
  free(od->stage); od->stage = NULL;
  free(od->final); od->final = NULL;
  return tffOK;
 ERROR:
  tff_outdir_Abort(od);
  return status;
}

void
tff_outdir_Abort(TFF_OUTDIR *od)
{
  if (od->stage) { tff_RemoveTree(od->stage); free(od->stage); od->stage = NULL; }
  free(od->final); od->final = NULL;
}

/* Single files written atomically (see tff_outdir.h). */

int
tff_outfile_Open(const char *path, TFF_OUTFILE *of, char *errbuf)
{
  size_t len = strlen(path);
  int    fd = -1, status;
  mode_t mask;

  of->final = NULL; of->tmp = NULL; of->fp = NULL;
  if (len == 0) TFF_FAIL(tffEINVAL, errbuf, "empty output file name");
  if ((of->final = tff_Strdup(path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_ALLOC(of->tmp, len + 16);
  snprintf(of->tmp, len + 16, "%s.tmp-XXXXXX", path);
  if ((fd = mkstemp(of->tmp)) < 0) {
    free(of->tmp); of->tmp = NULL;
    TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", path, strerror(errno));
  }
  mask = umask(0); umask(mask);       /* mkstemp made it 0600; give it the usual mode */
  (void) fchmod(fd, 0666 & ~mask);
  if ((of->fp = fdopen(fd, "w")) == NULL) {
    close(fd);
    TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", path, strerror(errno));
  }
  return tffOK;
 ERROR:
  tff_outfile_Abort(of);
  return status;
}

int
tff_outfile_Commit(TFF_OUTFILE *of, char *errbuf)
{
  int status, bad;

  if (of->fp == NULL || of->tmp == NULL) TFF_FAIL(tffEINVAL, errbuf, "output file is not open");
  errno = 0;
  bad = ferror(of->fp) || fflush(of->fp) != 0 || fsync(fileno(of->fp)) != 0;
  if (fclose(of->fp) != 0) bad = 1;
  of->fp = NULL;
  if (bad) TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s; nothing written", of->final, errno ? strerror(errno) : "I/O error");
  if (rename(of->tmp, of->final) != 0) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", of->final, strerror(errno));
  free(of->tmp);   of->tmp = NULL;
  free(of->final); of->final = NULL;
  return tffOK;
 ERROR:
  tff_outfile_Abort(of);
  return status;
}

void
tff_outfile_Abort(TFF_OUTFILE *of)
{
  if (of->fp)  { fclose(of->fp); of->fp = NULL; }
  if (of->tmp) { remove(of->tmp); free(of->tmp); of->tmp = NULL; }
  free(of->final); of->final = NULL;
}
