/* tff_json: a small streaming JSON writer.
 *
 * Contents:
 *   1. The writer
 *   2. Values
 *   3. Unit tests (tffJSON_TESTDRIVE)
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tff_json.h"
#include "tff_util.h"

/*****************************************************************
 * 1. The writer
 *****************************************************************/

void
tff_json_Init(TFF_JSON *j, FILE *fp, char *errbuf)
{
  memset(j, 0, sizeof *j);
  j->fp            = fp;
  j->errbuf        = errbuf;
  j->status        = tffOK;
  j->depth         = 0;
  j->kind[0]       = 'a';   /* the top level takes one value without a key */
  j->newline_depth = 2;
}

int
tff_json_Status(const TFF_JSON *j)
{
  return j->status;
}

static void
misuse(TFF_JSON *j, const char *what)
{
  if (j->status == tffOK) j->status = tff_Fail(j->errbuf, tffEINVAL, "JSON writer: %s", what);
}

static void
put(TFF_JSON *j, const char *s)
{
  if (j->status != tffOK) return;
  if (fputs(s, j->fp) == EOF) j->status = tff_Fail(j->errbuf, tffEWRITE, "write failed");
}

/* Comma, line break and key before a value at the current level. */
static int
begin_value(TFF_JSON *j, const char *key)
{
  if (j->status != tffOK) return 0;
  int d = j->depth;
  if (j->kind[d] == 'o' && key == NULL) { misuse(j, "object member without a key"); return 0; }
  if (j->kind[d] == 'a' && key != NULL) { misuse(j, "array element with a key");    return 0; }
  if (d == 0 && j->count[0] > 0)       { misuse(j, "two top-level values");          return 0; }
  if (j->count[d] > 0) put(j, ",");
  if (d > 0 && d <= j->newline_depth) put(j, "\n");
  j->count[d]++;
  if (key) {
    if (tff_json_WriteString(j->fp, key) == EOF) j->status = tff_Fail(j->errbuf, tffEWRITE, "write failed");
    put(j, ":");
  }
  return j->status == tffOK;
}

static void
start(TFF_JSON *j, const char *key, char kind)
{
  if (!begin_value(j, key)) return;
  if (j->depth + 1 >= TFF_JSON_MAXDEPTH) { misuse(j, "nested too deep"); return; }
  put(j, kind == 'o' ? "{" : "[");
  j->depth++;
  j->kind[j->depth]  = kind;
  j->count[j->depth] = 0;
}

static void
end(TFF_JSON *j, char kind)
{
  if (j->status != tffOK) return;
  if (j->depth == 0 || j->kind[j->depth] != kind) { misuse(j, "unbalanced end"); return; }
  if (j->count[j->depth] > 0 && j->depth <= j->newline_depth) put(j, "\n");
  j->depth--;
  put(j, kind == 'o' ? "}" : "]");
}

void tff_json_StartObject(TFF_JSON *j, const char *key) { start(j, key, 'o'); }
void tff_json_EndObject(TFF_JSON *j)                    { end(j, 'o'); }
void tff_json_StartArray(TFF_JSON *j, const char *key)  { start(j, key, 'a'); }
void tff_json_EndArray(TFF_JSON *j)                     { end(j, 'a'); }

/*****************************************************************
 * 2. Values
 *****************************************************************/

int
tff_json_WriteString(FILE *fp, const char *s)
{
  if (putc('"', fp) == EOF) return EOF;
  for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
    int rc;
    switch (*p) {
    case '"':  rc = fputs("\\\"", fp); break;
    case '\\': rc = fputs("\\\\", fp); break;
    case '\n': rc = fputs("\\n", fp);  break;
    case '\t': rc = fputs("\\t", fp);  break;
    case '\r': rc = fputs("\\r", fp);  break;
    case '<': case '>': case '&':
      rc = fprintf(fp, "\\u%04x", *p); break;
    default:
      rc = (*p < 0x20 || *p == 0x7f) ? fprintf(fp, "\\u%04x", *p) : putc(*p, fp);
    }
    if (rc == EOF || rc < 0) return EOF;
  }
  return putc('"', fp) == EOF ? EOF : 0;
}

void
tff_json_Str(TFF_JSON *j, const char *key, const char *s)
{
  if (!begin_value(j, key)) return;
  if (s == NULL) { put(j, "null"); return; }
  if (tff_json_WriteString(j->fp, s) == EOF) j->status = tff_Fail(j->errbuf, tffEWRITE, "write failed");
}

void
tff_json_Int(TFF_JSON *j, const char *key, long long v)
{
  char buf[32];
  if (!begin_value(j, key)) return;
  snprintf(buf, sizeof buf, "%lld", v);
  put(j, buf);
}

void
tff_json_Real(TFF_JSON *j, const char *key, double x, int prec)
{
  char buf[40];
  if (!begin_value(j, key)) return;
  if (!isfinite(x)) { put(j, "null"); return; }
  if (x == 0) x = 0;                    /* no "-0" */
  put(j, tff_FormatG(buf, x, prec));
}

void
tff_json_Bool(TFF_JSON *j, const char *key, int b)
{
  if (!begin_value(j, key)) return;
  put(j, b ? "true" : "false");
}

void
tff_json_Null(TFF_JSON *j, const char *key)
{
  if (!begin_value(j, key)) return;
  put(j, "null");
}

/*****************************************************************
 * 3. Unit tests
 *****************************************************************/
#ifdef tffJSON_TESTDRIVE
#include <stdlib.h>

#include "tff_utest.h"

/* Run a writer into a memory buffer and return the text (static). */
static char outbuf[4096];

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_json_utest", NULL);
  char     errbuf[TFF_ERRBUFSIZE];
  TFF_JSON j;
  FILE    *fp;

  /* a document, escaping, non-finite numbers */
  if ((fp = fmemopen(outbuf, sizeof outbuf, "w")) == NULL) TFF_UFAIL("fmemopen");
  tff_json_Init(&j, fp, errbuf);
  j.newline_depth = 0;
  tff_json_StartObject(&j, NULL);
  tff_json_Str(&j, "s", "a\"b\\c</script>\n\x01");
  tff_json_StartArray(&j, "x");
  tff_json_Real(&j, NULL, 0.5, 6);
  tff_json_Real(&j, NULL, NAN, 6);
  tff_json_Real(&j, NULL, -0.0, 6);
  tff_json_Int(&j, NULL, -3);
  tff_json_EndArray(&j);
  tff_json_Null(&j, "n");
  tff_json_Bool(&j, "b", 1);
  tff_json_StartObject(&j, "e");
  tff_json_EndObject(&j);
  tff_json_EndObject(&j);
  if (tff_json_Status(&j) != tffOK) TFF_UFAIL("%s", errbuf);
  fclose(fp);
  if (strcmp(outbuf, "{\"s\":\"a\\\"b\\\\c\\u003c/script\\u003e\\n\\u0001\",\"x\":[0.5,null,0,-3],\"n\":null,\"b\":true,\"e\":{}}") != 0)
    TFF_UFAIL("%s", outbuf);

  /* line breaks at shallow depths */
  if ((fp = fmemopen(outbuf, sizeof outbuf, "w")) == NULL) TFF_UFAIL("fmemopen");
  tff_json_Init(&j, fp, errbuf);
  tff_json_StartObject(&j, NULL);
  tff_json_Int(&j, "a", 1);
  tff_json_StartArray(&j, "b"); tff_json_Int(&j, NULL, 2); tff_json_EndArray(&j);
  tff_json_EndObject(&j);
  fclose(fp);
  if (strcmp(outbuf, "{\n\"a\":1,\n\"b\":[\n2\n]\n}") != 0) TFF_UFAIL("%s", outbuf);

  /* misuse is sticky and reported */
  if ((fp = fmemopen(outbuf, sizeof outbuf, "w")) == NULL) TFF_UFAIL("fmemopen");
  tff_json_Init(&j, fp, errbuf);
  tff_json_StartObject(&j, NULL);
  tff_json_Int(&j, NULL, 1);
  tff_json_Int(&j, "ok", 1);
  if (tff_json_Status(&j) != tffEINVAL || strstr(errbuf, "without a key") == NULL) TFF_UFAIL("misuse");
  tff_json_Init(&j, fp, errbuf);
  tff_json_EndArray(&j);
  if (tff_json_Status(&j) != tffEINVAL) TFF_UFAIL("unbalanced");
  fclose(fp);

  /* a failed write is tffEWRITE */
  if ((fp = fopen("/dev/full", "w")) != NULL) {
    setvbuf(fp, NULL, _IONBF, 0);
    tff_json_Init(&j, fp, errbuf);
    tff_json_Str(&j, NULL, "hello");
    if (tff_json_Status(&j) != tffEWRITE) TFF_UFAIL("write error");
    fclose(fp);
  }
  return tff_utest_Done();
}
#endif /* tffJSON_TESTDRIVE */
