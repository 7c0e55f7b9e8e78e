/* tff_json: a small streaming JSON writer.
 *
 * Writes one JSON value to a FILE, member by member, keeping track of commas
 * and nesting. Errors are sticky: the first failed write (or a nesting error)
 * is remembered and every later call does nothing, so a writer can emit a
 * whole document and check tff_json_Status() once at the end.
 *
 * Strings are escaped so the output can be embedded in an HTML <script>
 * element: '<', '>' and '&' become \u003c, \u003e, \u0026, and control
 * characters become \uXXXX. Non-finite numbers are written as null.
 *
 *   TFF_JSON j;  tff_json_Init(&j, fp, errbuf);
 *   tff_json_StartObject(&j, NULL);
 *     tff_json_Str(&j, "program", "tffam");
 *     tff_json_StartArray(&j, "p");  tff_json_Real(&j, NULL, 0.5, 6);  tff_json_EndArray(&j);
 *   tff_json_EndObject(&j);
 *   status = tff_json_Status(&j);
 *
 * A key must be given inside objects and must be NULL inside arrays and at the top.
 *
 * Contents:
 *   1. The writer
 *   2. Values
 */
#ifndef TFF_JSON_INCLUDED
#define TFF_JSON_INCLUDED

#include <stdio.h>

#define TFF_JSON_MAXDEPTH 32

typedef struct {
  FILE *fp;
  char *errbuf;
  int   status;                        /* tffOK until something fails */
  int   depth;
  int   count[TFF_JSON_MAXDEPTH];      /* values written at each level */
  char  kind[TFF_JSON_MAXDEPTH];       /* 'o' object, 'a' array */
  int   newline_depth;                 /* members at depth <= this start on a new line */
} TFF_JSON;

/* 1. The writer */
void tff_json_Init(TFF_JSON *j, FILE *fp, char *errbuf);
int  tff_json_Status(const TFF_JSON *j);    /* tffOK, tffEWRITE or tffEINVAL (misuse) */

void tff_json_StartObject(TFF_JSON *j, const char *key);
void tff_json_EndObject(TFF_JSON *j);
void tff_json_StartArray(TFF_JSON *j, const char *key);
void tff_json_EndArray(TFF_JSON *j);

/* 2. Values (key NULL in arrays) */
void tff_json_Str(TFF_JSON *j, const char *key, const char *s);    /* NULL s writes null */
void tff_json_Int(TFF_JSON *j, const char *key, long long v);
void tff_json_Real(TFF_JSON *j, const char *key, double x, int prec); /* %.<prec>g; non-finite: null */
void tff_json_Bool(TFF_JSON *j, const char *key, int b);
void tff_json_Null(TFF_JSON *j, const char *key);

/* Write s JSON-escaped, with quotes, to fp. Returns 0 or EOF on a write error. */
int  tff_json_WriteString(FILE *fp, const char *s);

#endif /* TFF_JSON_INCLUDED */
