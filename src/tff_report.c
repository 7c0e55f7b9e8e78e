/* tff_report: the three reports into a staged output directory (tff_outdir).
 *
 * Contents:
 *   1. Writing the output directory
 *   2. Unit tests (tffREPORT_TESTDRIVE)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_outdir.h"
#include "tff_report.h"

/*****************************************************************
 * 1. Writing the output directory
 *****************************************************************/

int
tff_report_WriteDir(TFF_OUTDIR *od, const char *template_path, const TFF_RESULT *R, char *errbuf)
{
  static const char *names[] = { TFF_REPORT_TSV, TFF_REPORT_XML, TFF_REPORT_HTML };
  FILE *fp = NULL;
  int   status;

  for (int i = 0; i < 3; i++) {
    TFF_CHECK(tff_outdir_Fopen(od, names[i], &fp, errbuf));
    switch (i) {
    case 0:  TFF_CHECK(tff_report_WriteTSV(fp, R, errbuf));                 break;
    case 1:  TFF_CHECK(tff_report_WriteXML(fp, R, errbuf));                 break;
    default: TFF_CHECK(tff_report_WriteHTML(fp, template_path, R, errbuf)); break;
    }
    status = tff_Fclose(fp, names[i], errbuf);
    fp = NULL;
    TFF_CHECK(status);
  }
  return tffOK;
 ERROR:
  if (fp) fclose(fp);
  return status;
}

/*****************************************************************
 * 2. Unit tests
 *****************************************************************/
#ifdef tffREPORT_TESTDRIVE
#include <dirent.h>
#include <sys/stat.h>

static void
fail(const char *what)
{
  fprintf(stderr, "tff_report_utest: FAIL: %s\n", what);
  exit(1);
}

static int
count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  int  n = 0;
  struct dirent *e;
  if (!d) return -1;
  while ((e = readdir(d)) != NULL) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

int
main(void)
{
  char        errbuf[TFF_ERRBUFSIZE];
  char        base[] = "/tmp/tff_report_utest-XXXXXX";
  char        path[512], tpl[512], cmd[600];
  char       *fam[2] = { "F1", "F2" };
  TFF_RESULT *R = NULL;
  TFF_MOTIF  *m = NULL;
  TFF_OUTDIR  od;
  FILE       *fp;
  struct stat st;

  if (!mkdtemp(base)) fail("mkdtemp");
  if (tff_result_Create(1, 2, fam, &R, errbuf) != tffOK) fail("create");
  if (tff_motif_Create("q", "Q", 2, &m, errbuf) != tffOK) fail("motif");
  for (int i = 0; i < 8; i++) m->p[i] = 0.25;
  R->q[0].motif = m;
  double p[2] = { 0.3, 0.7 };
  if (tff_result_SetCNN(R, 0, p, errbuf) != tffOK) fail("cnn");
  R->methods = tffRESULT_CNN;

  snprintf(tpl, sizeof tpl, "%s/t.html", base);
  if ((fp = fopen(tpl, "w")) == NULL) fail("template");
  fprintf(fp, "<html>%s</html>\n", TFF_REPORT_PLACEHOLDER);
  fclose(fp);

  /* three files, committed */
  snprintf(path, sizeof path, "%s/out", base);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) fail(errbuf);
  if (tff_report_WriteDir(&od, tpl, R, errbuf) != tffOK) fail(errbuf);
  if (tff_outdir_Commit(&od, errbuf) != tffOK) fail(errbuf);
  if (count_entries(path) != 3) fail("three files");
  if (count_entries(base) != 2) fail("no staging directory left");

  /* a missing template: an error naming it; after Abort nothing is left */
  snprintf(path, sizeof path, "%s/out2", base);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) fail(errbuf);
  if (tff_report_WriteDir(&od, "/nonexistent/t.html", R, errbuf) != tffENOTFOUND || !strstr(errbuf, "/nonexistent/t.html")) fail("no template");
  tff_outdir_Abort(&od);
  if (stat(path, &st) == 0 || count_entries(base) != 2) fail("half-written output");

  /* a template without the placeholder */
  if ((fp = fopen(tpl, "w")) == NULL) fail("template");
  fprintf(fp, "<html></html>\n");
  fclose(fp);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) fail(errbuf);
  if (tff_report_WriteDir(&od, tpl, R, errbuf) != tffEFORMAT || !strstr(errbuf, "placeholder")) fail("no placeholder");
  tff_outdir_Abort(&od);

  tff_result_Destroy(R);
  tff_motif_Destroy(m);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system(cmd) != 0) fail("cleanup");
  printf("tff_report_utest: ok\n");
  return 0;
}
#endif /* tffREPORT_TESTDRIVE */
