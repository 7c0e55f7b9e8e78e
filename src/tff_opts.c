/* tff_opts: declarative command-line options.
 *
 * Contents:
 *   1. Parsing
 *   2. Access
 *   3. Help
 *   4. Unit tests (tffOPTS_TESTDRIVE)
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tff_opts.h"
#include "tff_util.h"

struct tff_opts_s {
  const TFF_OPTDEF *defs;
  int               ndefs;
  int              *nset;     /* per option: how many times given */
  const char      **value;    /* per option: last value given */
  char           ***list;     /* per LIST option: all values */
  char            **args;     /* positional arguments (pointers into argv) */
  int               nargs;
  char             *cmdline;
};

/*****************************************************************
 * 1. Parsing
 *****************************************************************/

static int
find_def(const TFF_OPTS *o, const char *name, size_t len)
{
  for (int i = 0; i < o->ndefs; i++)
    if (strlen(o->defs[i].name) == len && strncmp(o->defs[i].name, name, len) == 0) return i;
  return -1;
}

static int
in_choices(const char *choices, const char *v)
{
  size_t vlen = strlen(v);
  for (const char *c = choices; *c; ) {
    size_t len = strcspn(c, "|");
    if (len == vlen && strncmp(c, v, len) == 0) return 1;
    c += len;
    if (*c == '|') c++;
  }
  return 0;
}

static int
check_value(const TFF_OPTDEF *d, const char *v, char *errbuf)
{
  char  *end;
  double x = 0;

  if (d->type == tffOPT_INT) {
    errno = 0;
    long l = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno) return tff_Fail(errbuf, tffEUSAGE, "-%s needs an integer, not '%s'", d->name, v);
    x = (double) l;
  } else if (d->type == tffOPT_REAL) {
    x = strtod(v, &end);
    if (*v == '\0' || *end != '\0' || !isfinite(x)) return tff_Fail(errbuf, tffEUSAGE, "-%s needs a number, not '%s'", d->name, v);
  } else if (d->choices && !in_choices(d->choices, v)) {
    return tff_Fail(errbuf, tffEUSAGE, "-%s must be one of %s, not '%s'", d->name, d->choices, v);
  }
  if (d->type == tffOPT_INT || d->type == tffOPT_REAL) {
    if (d->min && x < strtod(d->min, NULL)) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at least %s, not %s", d->name, d->min, v);
    if (d->max && x > strtod(d->max, NULL)) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at most %s, not %s", d->name, d->max, v);
  }
  return tffOK;
}

static int
build_cmdline(TFF_OPTS *o, int argc, char **argv, char *errbuf)
{
  TFF_BUF b;
  int     status;
  tff_buf_Init(&b);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    int plain = (*a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == strlen(a));
    if (i) TFF_CHECK(tff_buf_Append(&b, " ", 1, errbuf));
    if (plain) { TFF_CHECK(tff_buf_Append(&b, a, strlen(a), errbuf)); continue; }
    TFF_CHECK(tff_buf_Append(&b, "'", 1, errbuf));
    for (; *a; a++) {
      if (*a == '\'') TFF_CHECK(tff_buf_Append(&b, "'\\''", 4, errbuf));
      else            TFF_CHECK(tff_buf_Append(&b, a, 1, errbuf));
    }
    TFF_CHECK(tff_buf_Append(&b, "'", 1, errbuf));
  }
  if (!b.s) TFF_CHECK(tff_buf_Append(&b, "", 0, errbuf));
  o->cmdline = b.s;
  return tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

int
tff_opts_Parse(const TFF_OPTDEF *defs, int argc, char **argv, TFF_OPTS **ret_opts, char *errbuf)
{
  TFF_OPTS *o = NULL;
  int       status, only_args = 0;

  *ret_opts = NULL;
  TFF_CALLOC(o, 1, sizeof *o);
  o->defs = defs;
  while (defs[o->ndefs].name) o->ndefs++;
  TFF_CALLOC(o->nset,  (size_t) o->ndefs, sizeof(int));
  TFF_CALLOC(o->value, (size_t) o->ndefs, sizeof(char *));
  TFF_CALLOC(o->list,  (size_t) o->ndefs, sizeof(char **));
  TFF_CALLOC(o->args,  (size_t) argc, sizeof(char *));
  TFF_CHECK(build_cmdline(o, argc, argv, errbuf));

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') { o->args[o->nargs++] = argv[i]; continue; }
    if (strcmp(a, "--") == 0) { only_args = 1; continue; }
    const char *name = a + 1;
    if (*name == '-') name++;
    const char *eq  = strchr(name, '=');
    size_t      len = eq ? (size_t)(eq - name) : strlen(name);
    int         k   = find_def(o, name, len);
    if (k < 0) TFF_FAIL(tffEUSAGE, errbuf, "unknown option %s", a);
    if (defs[k].type == tffOPT_ALIAS) k = find_def(o, defs[k].defval, strlen(defs[k].defval));   /* the option it names */
    if (k < 0) TFF_FAIL(tffEUSAGE, errbuf, "unknown option %s", a);
    const TFF_OPTDEF *d = &defs[k];
    const char *v = NULL;
    if (d->type == tffOPT_FLAG) {
      if (eq) TFF_FAIL(tffEUSAGE, errbuf, "-%s takes no value", d->name);
    } else if (eq) {
      v = eq + 1;
    } else {
      if (i + 1 >= argc) TFF_FAIL(tffEUSAGE, errbuf, "-%s needs a value %s", d->name, d->metavar ? d->metavar : "");
      v = argv[++i];
    }
    if (v) TFF_CHECK(check_value(d, v, errbuf));
    o->nset[k]++;
    o->value[k] = v;
    if (d->type == tffOPT_LIST) {
      TFF_REALLOC(o->list[k], sizeof(char *) * (size_t) o->nset[k]);
      o->list[k][o->nset[k] - 1] = (char *) v;
    }
  }
  *ret_opts = o;
  return tffOK;
 ERROR:
  tff_opts_Destroy(o);
  return status;
}

void
tff_opts_Destroy(TFF_OPTS *o)
{
  if (!o) return;
  if (o->list) for (int i = 0; i < o->ndefs; i++) free(o->list[i]);
  free(o->list);
  free(o->nset);
  free(o->value);
  free(o->args);
  free(o->cmdline);
  free(o);
}

/*****************************************************************
 * 2. Access. Asking for an option the table lacks is a programming
 *    error: it aborts with a message, so it is caught by any test.
 *****************************************************************/

static int
must_find(const TFF_OPTS *o, const char *name)
{
  int k = find_def(o, name, strlen(name));
  if (k < 0) { fprintf(stderr, "tff_opts: internal error: no option -%s in the table\n", name); abort(); }
  return k;
}

static const char *
current(const TFF_OPTS *o, const char *name)
{
  int k = must_find(o, name);
  return o->nset[k] ? o->value[k] : o->defs[k].defval;
}

int         tff_opts_IsSet    (const TFF_OPTS *o, const char *name) { return o->nset[must_find(o, name)] > 0; }
int         tff_opts_GetFlag  (const TFF_OPTS *o, const char *name) { return tff_opts_IsSet(o, name); }
int         tff_opts_GetInt   (const TFF_OPTS *o, const char *name) { const char *v = current(o, name); return v ? (int) strtol(v, NULL, 10) : 0; }
double      tff_opts_GetReal  (const TFF_OPTS *o, const char *name) { const char *v = current(o, name); return v ? strtod(v, NULL) : 0.0; }
const char *tff_opts_GetString(const TFF_OPTS *o, const char *name) { return current(o, name); }
int         tff_opts_NArgs    (const TFF_OPTS *o)                   { return o->nargs; }
const char *tff_opts_Arg      (const TFF_OPTS *o, int i)            { return (i >= 0 && i < o->nargs) ? o->args[i] : NULL; }
const char *tff_opts_CommandLine(const TFF_OPTS *o)                 { return o->cmdline; }

int
tff_opts_GetList(const TFF_OPTS *o, const char *name, char ***ret_vals)
{
  int k = must_find(o, name);
  *ret_vals = o->list[k];
  return o->nset[k];
}

/*****************************************************************
 * 3. Help
 *****************************************************************/

void
tff_opts_PrintHelp(FILE *fp, const char *usage, const char *purpose, const TFF_OPTDEF *defs)
{
  fprintf(fp, "Usage: %s\n", usage);
  if (purpose) fprintf(fp, "\n%s\n", purpose);
  fprintf(fp, "\nOptions:\n");
  for (const TFF_OPTDEF *d = defs; d->name; d++) {
    char left[64];
    if (d->type == tffOPT_ALIAS) {
      const TFF_OPTDEF *t = defs;
      while (t->name && strcmp(t->name, d->defval) != 0) t++;
      snprintf(left, sizeof left, "-%s %s", d->name, (t->name && t->type != tffOPT_FLAG && t->metavar) ? t->metavar : "");
      fprintf(fp, "  %-26s same as -%s\n", left, d->defval);
      continue;
    }
    snprintf(left, sizeof left, "-%s %s", d->name, d->type == tffOPT_FLAG ? "" : (d->metavar ? d->metavar : "<v>"));
    fprintf(fp, "  %-26s %s", left, d->help);
    if (d->choices)                   fprintf(fp, " (%s)", d->choices);
    if (d->min && d->max)             fprintf(fp, " [%s..%s]", d->min, d->max);
    else if (d->min)                  fprintf(fp, " [>= %s]", d->min);
    if (d->defval)                    fprintf(fp, "; default: %s", d->defval);
    if (d->type == tffOPT_LIST)       fprintf(fp, "; may be repeated");
    fputc('\n', fp);
  }
}

/*****************************************************************
 * 4. Unit tests
 *****************************************************************/
#ifdef tffOPTS_TESTDRIVE

static void fail(const char *m) { fprintf(stderr, "tff_opts_utest: FAIL: %s\n", m); exit(1); }

int
main(void)
{
  static const TFF_OPTDEF defs[] = {
    { "min-overlap", tffOPT_INT,    "1",  "1", NULL, NULL, "<n>", "minimum overlap" },
    { "thresh",      tffOPT_REAL,   "0.5", "0", "1", NULL, "<x>", "threshold" },
    { "dist",        tffOPT_STRING, "ed", NULL, NULL, "ed|pearson|sandelin", "<d>", "column score" },
    { "m",           tffOPT_LIST,   NULL, NULL, NULL, NULL, "<id>", "select motif" },
    { "text",        tffOPT_FLAG,   NULL, NULL, NULL, NULL, NULL, "TSV to stdout" },
    { "threads",     tffOPT_INT,    "0",  "0", "8", NULL, "<n>", "threads" },
    { "p",           tffOPT_ALIAS,  "threads", NULL, NULL, NULL, NULL, NULL },
    { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }
  };
  char      errbuf[TFF_ERRBUFSIZE];
  TFF_OPTS *o = NULL;
  char     *argv1[] = { "prog", "--min-overlap", "5", "-dist=pearson", "-m", "a", "-", "-m", "b c", "-text", "q.meme" };
  char    **vals;

  {   /* an alias is its option: -p 3 sets -threads; its range is the option's */
    char *a1[] = { "prog", "-p", "3" }, *a2[] = { "prog", "--p=9" };
    if (tff_opts_Parse(defs, 3, a1, &o, errbuf) != tffOK || tff_opts_GetInt(o, "threads") != 3 || !tff_opts_IsSet(o, "threads")) fail("alias");
    tff_opts_Destroy(o);
    if (tff_opts_Parse(defs, 2, a2, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-threads must be at most 8, not 9")) fail("alias range");
    tff_opts_Destroy(o);
    o = NULL;
  }

  if (tff_opts_Parse(defs, 11, argv1, &o, errbuf) != tffOK) fail(errbuf);
  if (tff_opts_GetInt(o, "min-overlap") != 5)                 fail("int");
  if (tff_opts_GetReal(o, "thresh") != 0.5)                    fail("default real");
  if (strcmp(tff_opts_GetString(o, "dist"), "pearson") != 0)   fail("string with =");
  if (tff_opts_GetList(o, "m", &vals) != 2 || strcmp(vals[1], "b c") != 0) fail("list");
  if (!tff_opts_GetFlag(o, "text") || tff_opts_IsSet(o, "thresh")) fail("flag");
  if (tff_opts_NArgs(o) != 2 || strcmp(tff_opts_Arg(o, 0), "-") != 0) fail("positional");
  if (strcmp(tff_opts_CommandLine(o), "prog --min-overlap 5 -dist=pearson -m a - -m 'b c' -text q.meme") != 0) fail(tff_opts_CommandLine(o));
  tff_opts_Destroy(o);

  char *bad1[] = { "prog", "-thresh", "2" };
  if (tff_opts_Parse(defs, 3, bad1, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-thresh must be at most 1, not 2")) fail("range");
  char *bad2[] = { "prog", "-dist", "foo" };
  if (tff_opts_Parse(defs, 3, bad2, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-dist must be one of ed|pearson|sandelin, not 'foo'")) fail("choices");
  char *bad3[] = { "prog", "-bogus" };
  if (tff_opts_Parse(defs, 2, bad3, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "unknown option -bogus")) fail("unknown");
  char *bad4[] = { "prog", "-min-overlap" };
  if (tff_opts_Parse(defs, 2, bad4, &o, errbuf) != tffEUSAGE) fail("missing value");
  char *bad5[] = { "prog", "-min-overlap", "x1" };
  if (tff_opts_Parse(defs, 3, bad5, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-min-overlap needs an integer, not 'x1'")) fail("int parse");
  printf("tff_opts_utest: ok\n");
  return 0;
}
#endif /* tffOPTS_TESTDRIVE */
