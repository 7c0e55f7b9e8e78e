/* tff_report: the three reports into a staged output directory (tff_outdir).
 *
 * Contents:
 *   1. Writing the output directory
 *   2. Unit tests (tffREPORT_TESTDRIVE)
 */
#include <config.h>

#include <errno.h>

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
    errno = 0;
    switch (i) {
    case 0:  status = tff_report_WriteTSV(fp, R, errbuf);                 break;
    case 1:  status = tff_report_WriteXML(fp, R, errbuf);                 break;
    default: status = tff_report_WriteHTML(fp, template_path, R, errbuf); break;
    }
    /* One message for a failed write, whichever layer (stdio, libxml2) saw it first. */
    if (status == tffEWRITE)
      TFF_FAIL(tffEWRITE, errbuf, "%s/%s: write failed: %s", od->final, names[i], errno ? strerror(errno) : "I/O error");
    TFF_CHECK(status);
    TFF_OUTDIR_FCLOSE(od, fp, names[i]);
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

#include "tff_utest.h"

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

/* With a directory argument: write a synthetic report that uses every
 * optional part (conv net, KNN, neighbours on both strands, importance) into
 * it, with the template argv[2]; tests/report.test validates it. */
static int
write_synthetic(const char *dir, const char *tpl)
{
  char        errbuf[TFF_ERRBUFSIZE];
  char       *fam[3] = { "Fam <A> & co", "Fam B", "Fam\x1b[31m C\xff" };   /* a control byte, a byte that is not UTF-8 */
  TFF_RESULT *R = NULL;
  TFF_MOTIF  *q[2] = { NULL, NULL }, *r[3] = { NULL, NULL, NULL };
  TFF_OUTDIR  od;
  int         refy[3] = { 0, 1, 2 };
  static const double cols[4][4] = { { .9, .05, .03, .02 }, { .1, .7, .1, .1 }, { .02, .03, .05, .9 }, { .25, .25, .25, .25 } };

  if (tff_result_Create(2, 3, fam, &R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < 2; i++) {
    if (tff_motif_Create(i ? "q2" : "q1", i ? NULL : "Q \"one\"", 4 + i, &q[i], errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int c = 0; c < q[i]->w; c++) memcpy(q[i]->p + 4 * c, cols[(c + i) % 4], sizeof cols[0]);
    q[i]->nsites = 20;
    R->q[i].motif = q[i];
  }
  for (int i = 0; i < 3; i++) {
    char id[16];
    snprintf(id, sizeof id, "R%d", i);
    if (tff_motif_Create(id, "ref", 3 + i, &r[i], errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int c = 0; c < r[i]->w; c++) memcpy(r[i]->p + 4 * c, cols[(c + 2 * i) % 4], sizeof cols[0]);
  }
  if (tff_result_SetRefs(R, r, 3, refy, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  double p0[3] = { 0.7, 0.2, 0.1 }, p1[3] = { 0.1, 0.3, 0.6 };
  double s0[3] = { 2.0 / 3, 1.0 / 3, 0 };
  double imp[5] = { 0.5, -0.25, 1.0, 0.0, 0.125 };
  TFF_RESULT_NB nb[3] = { { 0, 0, 0, 3, 1e-6, 3e-6, 0 }, { 2, 1, -1, 4, 1e-3, 3e-3, 0 }, { 1, 0, 1, 3, 0.02, 0.06, 0 } };
  if (tff_result_SetCNN(R, 0, p0, errbuf) || tff_result_SetCNN(R, 1, p1, errbuf)) TFF_UFAIL("%s", errbuf);
  if (tff_result_SetKNN(R, 0, 0, s0, errbuf) || tff_result_SetKNN(R, 1, -1, NULL, errbuf)) TFF_UFAIL("%s", errbuf);
  if (tff_result_SetNeighbours(R, 0, nb, 3, errbuf)) TFF_UFAIL("%s", errbuf);
  if (tff_result_SetImportance(R, 0, imp, errbuf) || tff_result_SetImportance(R, 1, imp, errbuf)) TFF_UFAIL("%s", errbuf);
  R->methods = tffRESULT_CNN | tffRESULT_KNN;
  R->when    = 1700000000;
  R->knn_k   = 3;
  R->min_overlap = 5;
  R->motif_pseudo = 0.1;
  if (tff_result_SetString(&R->version, "0.0-test", errbuf) ||
      tff_result_SetString(&R->cmdline, "tff_report_utest <dir>", errbuf) ||
      tff_result_SetString(&R->query_file, "synthetic", errbuf) ||
      tff_result_SetString(&R->query_format, "none", errbuf) ||
      tff_result_SetString(&R->model_file, "m.model", errbuf) ||
      tff_result_SetString(&R->model_checksum, "00000000", errbuf) ||
      tff_result_SetString(&R->ref_file, "r.meme", errbuf) ||
      tff_result_SetString(&R->ref_checksum, "00000000", errbuf) ||
      tff_result_SetString(&R->labels_file, "r.tsv", errbuf) ||
      tff_result_SetString(&R->labels_checksum, "00000000", errbuf) ||
      tff_result_SetString(&R->knn_metric, "ensemble", errbuf) ||
      tff_result_SetString(&R->nb_metric, "ed", errbuf)) TFF_UFAIL("%s", errbuf);
  if (tff_outdir_Open(dir, 1, &od, errbuf) || tff_report_WriteDir(&od, tpl, R, errbuf) || tff_outdir_Commit(&od, errbuf)) TFF_UFAIL("%s", errbuf);
  tff_result_Destroy(R);
  for (int i = 0; i < 2; i++) tff_motif_Destroy(q[i]);
  for (int i = 0; i < 3; i++) tff_motif_Destroy(r[i]);
  return 0;
}

int
main(int argc, char **argv)
{
  const int a = tff_utest_Init(argc, argv, "tff_report_utest", "[SYNDIR TEMPLATE]");
  if (argc - a == 2) return write_synthetic(argv[a], argv[a + 1]);

  char        errbuf[TFF_ERRBUFSIZE];
  char        base[] = "/tmp/tff_report_utest-XXXXXX";
  char        path[512], tpl[512], cmd[600];
  char       *fam[2] = { "F1", "F2" };
  TFF_RESULT *R = NULL;
  TFF_MOTIF  *m = NULL;
  TFF_OUTDIR  od;
  FILE       *fp;
  struct stat st;

  if (!mkdtemp(base)) TFF_UFAIL("mkdtemp");
  if (tff_result_Create(1, 2, fam, &R, errbuf) != tffOK) TFF_UFAIL("create");
  if (tff_motif_Create("q", "Q", 2, &m, errbuf) != tffOK) TFF_UFAIL("motif");
  for (int i = 0; i < 8; i++) m->p[i] = 0.25;
  R->q[0].motif = m;
  double p[2] = { 0.3, 0.7 };
  if (tff_result_SetCNN(R, 0, p, errbuf) != tffOK) TFF_UFAIL("cnn");
  R->methods = tffRESULT_CNN;

  snprintf(tpl, sizeof tpl, "%s/t.html", base);
  if ((fp = fopen(tpl, "w")) == NULL) TFF_UFAIL("template");
  fprintf(fp, "<html>%s</html>\n", TFF_REPORT_PLACEHOLDER);
  fclose(fp);

  /* three files, committed */
  snprintf(path, sizeof path, "%s/out", base);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_report_WriteDir(&od, tpl, R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_outdir_Commit(&od, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (count_entries(path) != 3) TFF_UFAIL("three files");
  if (count_entries(base) != 2) TFF_UFAIL("no staging directory left");

  /* a missing template: an error naming it; after Abort nothing is left */
  snprintf(path, sizeof path, "%s/out2", base);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_report_WriteDir(&od, "/nonexistent/t.html", R, errbuf) != tffENOTFOUND || !strstr(errbuf, "/nonexistent/t.html")) TFF_UFAIL("no template");
  tff_outdir_Abort(&od);
  if (stat(path, &st) == 0 || count_entries(base) != 2) TFF_UFAIL("half-written output");

  /* a template without the placeholder */
  if ((fp = fopen(tpl, "w")) == NULL) TFF_UFAIL("template");
  fprintf(fp, "<html></html>\n");
  fclose(fp);
  if (tff_outdir_Open(path, 0, &od, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_report_WriteDir(&od, tpl, R, errbuf) != tffEFORMAT || !strstr(errbuf, "placeholder")) TFF_UFAIL("no placeholder");
  tff_outdir_Abort(&od);

  tff_result_Destroy(R);
  tff_motif_Destroy(m);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system(cmd) != 0) TFF_UFAIL("cleanup");
  return tff_utest_Done();
}
#endif /* tffREPORT_TESTDRIVE */
