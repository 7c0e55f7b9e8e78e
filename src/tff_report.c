/* tff_report: the output directory, written all at once or not at all.
 *
 * Contents:
 *   1. Paths
 *   2. Checking and writing the output directory
 *   3. Unit tests (tffREPORT_TESTDRIVE)
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tff_report.h"

/*****************************************************************
 * 1. Paths
 *****************************************************************/

/* "<a>/<b>" in a fresh string, or NULL on OOM. */
static char *
join(const char *a, const char *b)
{
  size_t n = strlen(a) + strlen(b) + 2;
  char  *s = tff_Malloc(n);
  if (s) snprintf(s, n, "%s/%s", a, b);
  return s;
}

/* The directory that holds <path> ("." if none), in a fresh string. */
static char *
parent_of(const char *path)
{
  char  *s = tff_Strdup(path);
  if (!s) return NULL;
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/') s[--n] = '\0';   /* "out/" -> "out" */
  char  *slash = strrchr(s, '/');
  if (slash == NULL)   { free(s); return tff_Strdup("."); }
  if (slash == s)      s[1] = '\0';                   /* "/out" -> "/" */
  else                 *slash = '\0';
  return s;
}

/* Remove a directory we made and the plain files in it (no recursion: we only write files). */
static void
remove_tmpdir(const char *dir)
{
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char *p = join(dir, e->d_name);
      if (p) { unlink(p); free(p); }
    }
    closedir(d);
  }
  rmdir(dir);
}

/*****************************************************************
 * 2. Checking and writing the output directory
 *****************************************************************/

int
tff_report_CheckDir(const char *dir, int clobber, char *errbuf)
{
  struct stat st;
  char       *parent = NULL;
  int         status;

  if (dir == NULL || *dir == '\0') TFF_FAIL(tffEINVAL, errbuf, "empty output directory name");
  if (stat(dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists and is not a directory", dir);
    if (!clobber)             TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists; use -oc to overwrite it", dir);
  } else {
    if ((parent = parent_of(dir)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
      TFF_FAIL(tffENOTFOUND, errbuf, "cannot create output directory %s: %s is not a directory", dir, parent);
  }
  free(parent);
  return tffOK;
 ERROR:
  free(parent);
  return status;
}

/* Write one report file <name> into <tmpdir>, by kind. */
static int
write_one(const char *tmpdir, const char *name, const char *template_path, const TFF_RESULT *R, char *errbuf)
{
  char *path = NULL;
  FILE *fp   = NULL;
  int   status;

  if ((path = join(tmpdir, name)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (strcmp(name, TFF_REPORT_XML) == 0) {
    TFF_CHECK(tff_report_WriteXML(path, R, errbuf));
  } else {
    if ((fp = fopen(path, "w")) == NULL) TFF_FAIL(tffEWRITE, errbuf, "cannot write %s: %s", path, strerror(errno));
    if (strcmp(name, TFF_REPORT_TSV) == 0) TFF_CHECK(tff_report_WriteTSV(fp, R, errbuf));
    else                                   TFF_CHECK(tff_report_WriteHTML(fp, template_path, R, errbuf));
    status = tff_Fclose(fp, path, errbuf);
    fp = NULL;
    TFF_CHECK(status);
  }
  free(path);
  return tffOK;
 ERROR:
  if (fp) fclose(fp);
  free(path);
  return status;
}

int
tff_report_WriteDir(const char *dir, int clobber, const char *template_path, const TFF_RESULT *R, char *errbuf)
{
  static const char *names[] = { TFF_REPORT_TSV, TFF_REPORT_XML, TFF_REPORT_HTML };
  char  *parent = NULL, *tmpl = NULL, *src = NULL, *dst = NULL;
  char  *tmpdir = NULL;
  struct stat st;
  int    status;

  TFF_CHECK(tff_report_CheckDir(dir, clobber, errbuf));
  if ((parent = parent_of(dir)) == NULL || (tmpl = join(parent, ".tffam-tmp-XXXXXX")) == NULL)
    TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if ((tmpdir = mkdtemp(tmpl)) == NULL)
    TFF_FAIL(tffEWRITE, errbuf, "cannot create a temporary directory in %s: %s", parent, strerror(errno));
  {                 /* mkdtemp makes 0700; give the umask's mode, as mkdir would */
    mode_t um = umask(0);
    umask(um);
    if (chmod(tmpdir, 0777 & ~um) != 0) TFF_FAIL(tffEWRITE, errbuf, "cannot chmod %s: %s", tmpdir, strerror(errno));
  }

  for (int i = 0; i < 3; i++) TFF_CHECK(write_one(tmpdir, names[i], template_path, R, errbuf));

  if (stat(dir, &st) != 0) {
    if (rename(tmpdir, dir) != 0)
      TFF_FAIL(tffEWRITE, errbuf, "cannot create output directory %s: %s", dir, strerror(errno));
    tmpdir = NULL;   /* it is the output now */
  } else {
    if (!clobber)             TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists; use -oc to overwrite it", dir);
    if (!S_ISDIR(st.st_mode)) TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists and is not a directory", dir);
    for (int i = 0; i < 3; i++) {
      if ((src = join(tmpdir, names[i])) == NULL || (dst = join(dir, names[i])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      if (rename(src, dst) != 0) TFF_FAIL(tffEWRITE, errbuf, "cannot write %s: %s", dst, strerror(errno));
      free(src); free(dst); src = dst = NULL;
    }
    rmdir(tmpdir);
    tmpdir = NULL;
  }
  free(parent); free(tmpl);
  return tffOK;

 ERROR:
  if (tmpdir) remove_tmpdir(tmpdir);
  free(src); free(dst);
  free(parent); free(tmpl);
  return status;
}

/*****************************************************************
 * 3. Unit tests
 *****************************************************************/
#ifdef tffREPORT_TESTDRIVE

static void
fail(const char *what)
{
  fprintf(stderr, "tff_report_utest: FAIL: %s\n", what);
  exit(1);
}

static int
exists(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0;
}

static int
count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  int  n = 0;
  struct dirent *e;
  if (!d) return -1;
  while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.' || strncmp(e->d_name, ".tffam-tmp", 10) == 0) n++;
  closedir(d);
  return n;
}

int
main(void)
{
  char        errbuf[TFF_ERRBUFSIZE];
  char        base[] = "/tmp/tff_report_utest-XXXXXX";
  char        path[512], tpl[512];
  char       *fam[2] = { "F1", "F2" };
  TFF_RESULT *R = NULL;
  TFF_MOTIF  *m = NULL;
  FILE       *fp;

  if (!mkdtemp(base)) fail("mkdtemp");
  {
    const char *in[3] = { "a/b/", "b", "/b" }, *want[3] = { "a", ".", "/" };
    for (int i = 0; i < 3; i++) {
      char *got = parent_of(in[i]);
      if (!got || strcmp(got, want[i])) fail("parent_of");
      free(got);
    }
  }

  if (tff_result_Create(1, 2, fam, &R, errbuf) != tffOK) fail("create");
  if (tff_motif_Create("q", "Q", 2, &m, errbuf) != tffOK) fail("motif");
  for (int i = 0; i < 8; i++) m->p[i] = 0.25;
  R->q[0].motif = m;
  double p[2] = { 0.3, 0.7 };
  tff_result_SetCNN(R, 0, p, errbuf);
  R->methods = tffRESULT_CNN;

  /* a template */
  snprintf(tpl, sizeof tpl, "%s/t.html", base);
  if ((fp = fopen(tpl, "w")) == NULL) fail("template");
  fprintf(fp, "<html>%s</html>\n", TFF_REPORT_PLACEHOLDER);
  fclose(fp);

  /* -o into a new directory */
  snprintf(path, sizeof path, "%s/out", base);
  if (tff_report_WriteDir(path, 0, tpl, R, errbuf) != tffOK) fail(errbuf);
  if (count_entries(path) != 3) fail("three files");
  if (count_entries(base) != 2) fail("no temporary directory left");

  /* -o refuses it now; -oc overwrites and keeps other files */
  if (tff_report_CheckDir(path, 0, errbuf) != tffEINVAL || !strstr(errbuf, "use -oc")) fail("refuse");
  if (tff_report_WriteDir(path, 0, tpl, R, errbuf) != tffEINVAL) fail("refuse write");
  snprintf(tpl + strlen(base), sizeof tpl - strlen(base), "/out/keep.txt");
  if ((fp = fopen(tpl, "w")) == NULL) fail("keep");
  fclose(fp);
  snprintf(tpl, sizeof tpl, "%s/t.html", base);
  if (tff_report_WriteDir(path, 1, tpl, R, errbuf) != tffOK) fail(errbuf);
  if (count_entries(path) != 4) fail("-oc keeps other files");

  /* a missing template: error, no directory, no temporary left */
  snprintf(path, sizeof path, "%s/out2", base);
  if (tff_report_WriteDir(path, 0, "/nonexistent/t.html", R, errbuf) != tffENOTFOUND) fail("no template");
  if (exists(path)) fail("half-written output");
  if (count_entries(base) != 2) fail("temporary directory left behind");

  /* no parent */
  if (tff_report_CheckDir("/nonexistent/dir/out", 1, errbuf) != tffENOTFOUND) fail("no parent");

  tff_result_Destroy(R);
  tff_motif_Destroy(m);
  snprintf(path, sizeof path, "rm -rf '%s'", base);
  if (system(path) != 0) fail("cleanup");
  printf("tff_report_utest: ok\n");
  return 0;
}
#endif /* tffREPORT_TESTDRIVE */
