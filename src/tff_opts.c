/* tff_opts: declarative command-line options.
 *
 * Contents:
 *   1. Parsing
 *   2. Requires and incompatible
 *   3. Access
 *   4. Help
 *   5. Unit tests (tffOPTS_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
  size_t            cmd0;     /* length of argv[0] (as quoted) at the start of cmdline */
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

/* The index of v among choices "a|b|c", -1 if it is not one. */
static int
choice_index(const char *choices, const char *v)
{
  size_t vlen = strlen(v);
  int    i = 0;
  for (const char *c = choices; *c; i++) {
    size_t len = strcspn(c, "|");
    if (len == vlen && strncmp(c, v, len) == 0) return i;
    c += len;
    if (*c == '|') c++;
  }
  return -1;
}

static int
check_value(const TFF_OPTDEF *d, const char *v, char *errbuf)
{
  char  *end;
  double x = 0;
  size_t n = strlen(v);

  /* strtol() and strtod() skip a leading blank and stop at a trailing one: ' 3' was
   * taken for 3 and '3 ' refused as not a number; both are refused, saying why */
  if ((d->type == tffOPT_INT || d->type == tffOPT_REAL) && n > 0 && (isspace((unsigned char) v[0]) || isspace((unsigned char) v[n - 1])))
    return tff_Fail(errbuf, tffEUSAGE, "-%s needs %s, not '%s': no blanks before or after it", d->name,
                    d->type == tffOPT_INT ? "an integer" : "a number", v);
  if (d->type == tffOPT_INT) {
    errno = 0;
    long l = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno) return tff_Fail(errbuf, tffEUSAGE, "-%s needs an integer, not '%s'", d->name, v);
    x = (double) l;
  } else if (d->type == tffOPT_REAL) {
    x = strtod(v, &end);
    if (*v == '\0' || *end != '\0' || !isfinite(x)) return tff_Fail(errbuf, tffEUSAGE, "-%s needs a number, not '%s'", d->name, v);
  } else if (d->choices && choice_index(d->choices, v) < 0) {
    return tff_Fail(errbuf, tffEUSAGE, "-%s must be one of %s, not '%s'", d->name, d->choices, v);
  }
  if (d->type == tffOPT_INT || d->type == tffOPT_REAL) {
    if (d->min && x < strtod(d->min, NULL)) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at least %s, not %s", d->name, d->min, v);
    if (d->max && x > strtod(d->max, NULL)) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at most %s, not %s", d->name, d->max, v);
  }
  /* tff_opts_GetInt() returns an int: a larger value would wrap (-min-overlap 99999999999 was 1215752191) */
  if (d->type == tffOPT_INT && x > INT_MAX) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at most %d, not %s", d->name, INT_MAX, v);
  if (d->type == tffOPT_INT && x < INT_MIN) return tff_Fail(errbuf, tffEUSAGE, "-%s must be at least %d, not %s", d->name, INT_MIN, v);
  return tffOK;
}

static int
build_cmdline(TFF_OPTS *o, int argc, char **argv, char *errbuf)
{
  TFF_BUF b;
  int     status;
  size_t  cmd0 = 0;
  tff_buf_Init(&b);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    int plain = (*a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == strlen(a));
    if (i == 1) cmd0 = b.n;
    if (i) TFF_CHECK(tff_buf_Append(&b, " ", 1, errbuf));
    if (plain) { TFF_CHECK(tff_buf_Append(&b, a, strlen(a), errbuf)); continue; }
    /* A control character (a newline in a file name): bash's $'...' quoting, so that the
     * command line stays one line (the TSV footer, a combiner's comment) and still runs. */
    int ctl = 0;
    for (const char *c = a; *c; c++) ctl |= (unsigned char) *c < 0x20 || *c == 0x7f;
    if (ctl) {
      TFF_CHECK(tff_buf_Append(&b, "$'", 2, errbuf));
      for (; *a; a++) {
        unsigned char c = (unsigned char) *a;
        if      (c == '\n')                 TFF_CHECK(tff_buf_Append(&b, "\\n", 2, errbuf));
        else if (c == '\t')                 TFF_CHECK(tff_buf_Append(&b, "\\t", 2, errbuf));
        else if (c == '\r')                 TFF_CHECK(tff_buf_Append(&b, "\\r", 2, errbuf));
        else if (c == '\'' || c == '\\')   { TFF_CHECK(tff_buf_Append(&b, "\\", 1, errbuf)); TFF_CHECK(tff_buf_Append(&b, a, 1, errbuf)); }
        else if (c < 0x20 || c == 0x7f)     TFF_CHECK(tff_buf_Printf(&b, errbuf, "\\x%02x", c));
        else                                TFF_CHECK(tff_buf_Append(&b, a, 1, errbuf));
      }
      TFF_CHECK(tff_buf_Append(&b, "'", 1, errbuf));
      continue;
    }
    TFF_CHECK(tff_buf_Append(&b, "'", 1, errbuf));
    for (; *a; a++) {
      if (*a == '\'') TFF_CHECK(tff_buf_Append(&b, "'\\''", 4, errbuf));
      else            TFF_CHECK(tff_buf_Append(&b, a, 1, errbuf));
    }
    TFF_CHECK(tff_buf_Append(&b, "'", 1, errbuf));
  }
  if (argc == 1) cmd0 = b.n;
  if (!b.s) TFF_CHECK(tff_buf_Append(&b, "", 0, errbuf));
  o->cmdline = b.s;
  o->cmd0 = cmd0;
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
 * 2. Requires and incompatible: "COND,COND...: reason", a COND is
 *    NAME (given) or NAME=V1|V2 (its value, given or default, is one of them).
 *****************************************************************/

static void
bad_table(const char *what, const char *name, size_t len)
{
  fprintf(stderr, "tff_opts: internal error: %s names no option: %.*s\n", what, (int) len, name);
  abort();
}

/* The option a condition names (an alias: the option it stands for). */
static int
cond_option(const TFF_OPTS *o, const char *c, size_t nlen)
{
  int k = find_def(o, c, nlen);
  if (k >= 0 && o->defs[k].type == tffOPT_ALIAS) k = find_def(o, o->defs[k].defval, strlen(o->defs[k].defval));
  if (k < 0) bad_table("a requires/incompatible condition", c, nlen);
  return k;
}

/* Does the condition c[0..len-1] hold? */
static int
cond_holds(const TFF_OPTS *o, const char *c, size_t len)
{
  const char *eq   = memchr(c, '=', len);
  size_t      nlen = eq ? (size_t) (eq - c) : len;
  int         k    = cond_option(o, c, nlen);
  const char *v;
  size_t      vlen;

  if (!eq) return o->nset[k] > 0;
  if ((v = o->nset[k] ? o->value[k] : o->defs[k].defval) == NULL) return 0;
  vlen = strlen(v);
  for (const char *x = eq + 1, *end = c + len; x < end; ) {
    size_t xl = strcspn(x, "|,:");
    if (x + xl > end) xl = (size_t) (end - x);
    if (xl == vlen && strncmp(x, v, vlen) == 0) return 1;
    x += xl + 1;
  }
  return 0;
}

/* The option named by a condition and the value it has, as "-NAME" or "-NAME VALUE". */
static void
cond_text(const TFF_OPTS *o, const char *c, size_t len, int list_values, char *buf, size_t n)
{
  const char *eq   = memchr(c, '=', len);
  size_t      nlen = eq ? (size_t) (eq - c) : len;
  int         k    = cond_option(o, c, nlen);
  const char *v    = o->nset[k] ? o->value[k] : o->defs[k].defval;
  if (!eq)              snprintf(buf, n, "-%s", o->defs[k].name);
  else if (list_values) snprintf(buf, n, "-%s %.*s", o->defs[k].name, (int) (c + len - eq - 1), eq + 1);
  else                  snprintf(buf, n, "-%s %s", o->defs[k].name, v ? v : "");
}

/* Check one column of option d (given): requires (want = 1) or incompatible (want = 0). */
static int
check_rule(const TFF_OPTS *o, const TFF_OPTDEF *d, const char *rule, int want, char *errbuf)
{
  const char *reason = strstr(rule, ": ");
  const char *end    = reason ? reason : rule + strlen(rule);
  char        what[128];

  for (const char *c = rule; c < end; ) {
    size_t len = strcspn(c, ",");
    if (c + len > end) len = (size_t) (end - c);
    if (cond_holds(o, c, len) != want) {
      cond_text(o, c, len, want, what, sizeof what);
      return tff_Fail(errbuf, tffEUSAGE, "-%s %s %s%s%s", d->name, want ? "goes with" : "cannot go with", what,
                      reason ? ": " : "", reason ? reason + 2 : "");
    }
    c += len + 1;
  }
  return tffOK;
}

/* Every condition of the table names an option: checked on every run, so a
 * typo in a table fails any test of the program, not only one that uses it. */
static void
check_table(const TFF_OPTS *o)
{
  for (int k = 0; k < o->ndefs; k++)
    for (int r = 0; r < 2; r++) {
      const char *rule = r ? o->defs[k].incompat : o->defs[k].requires;
      const char *end;
      if (!rule) continue;
      end = strstr(rule, ": ") ? strstr(rule, ": ") : rule + strlen(rule);
      for (const char *c = rule; c < end; ) {
        size_t len = strcspn(c, ",");
        if (c + len > end) len = (size_t) (end - c);
        cond_option(o, c, memchr(c, '=', len) ? (size_t) ((const char *) memchr(c, '=', len) - c) : len);
        c += len + 1;
      }
    }
}

int
tff_opts_Verify(const TFF_OPTS *o, char *errbuf)
{
  int status;
  check_table(o);
  for (int k = 0; k < o->ndefs; k++) {
    const TFF_OPTDEF *d = &o->defs[k];
    if (!o->nset[k]) continue;
    if (d->requires) TFF_CHECK(check_rule(o, d, d->requires, 1, errbuf));
    if (d->incompat) TFF_CHECK(check_rule(o, d, d->incompat, 0, errbuf));
  }
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 3. Access. Asking for an option the table lacks is a programming
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

int
tff_opts_GetChoice(const TFF_OPTS *o, const char *name)
{
  const int   k = must_find(o, name);
  const char *v = current(o, name);
  return (v && o->defs[k].choices) ? choice_index(o->defs[k].choices, v) : -1;
}
int         tff_opts_NArgs    (const TFF_OPTS *o)                   { return o->nargs; }
const char *tff_opts_Arg      (const TFF_OPTS *o, int i)            { return (i >= 0 && i < o->nargs) ? o->args[i] : NULL; }
const char *tff_opts_CommandLine(const TFF_OPTS *o)                 { return o->cmdline; }
const char *tff_opts_CommandArgs(const TFF_OPTS *o)                 { return o->cmdline + o->cmd0; }

int
tff_opts_GetList(const TFF_OPTS *o, const char *name, char ***ret_vals)
{
  int k = must_find(o, name);
  *ret_vals = o->list[k];
  return o->nset[k];
}

/*****************************************************************
 * 4. Help
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
 * 5. Unit tests
 *****************************************************************/
#ifdef tffOPTS_TESTDRIVE
#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_opts_utest", NULL);
  static const TFF_OPTDEF defs[] = {
    { "min-overlap", tffOPT_INT,    "1",  "1", NULL, NULL, "<n>", NULL, NULL, "minimum overlap" },
    { "thresh",      tffOPT_REAL,   "0.5", "0", "1", NULL, "<x>", NULL, NULL, "threshold" },
    { "dist",        tffOPT_STRING, "ed", NULL, NULL, "ed|pearson|sandelin", "<d>", NULL, NULL, "column score" },
    { "m",           tffOPT_LIST,   NULL, NULL, NULL, NULL, "<id>", NULL, NULL, "select motif" },
    { "text",        tffOPT_FLAG,   NULL, NULL, NULL, NULL, NULL, NULL, NULL, "TSV to stdout" },
    { "threads",     tffOPT_INT,    "0",  "0", "8", NULL, "<n>", NULL, NULL, "threads" },
    { "p",           tffOPT_ALIAS,  "threads", NULL, NULL, NULL, NULL, NULL, NULL, NULL },
    { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
  };
  char      errbuf[TFF_ERRBUFSIZE];
  TFF_OPTS *o = NULL;
  char     *argv1[] = { "prog", "--min-overlap", "5", "-dist=pearson", "-m", "a", "-", "-m", "b c", "-text", "q.meme" };
  char    **vals;

  {   /* an alias is its option: -p 3 sets -threads; its range is the option's */
    char *a1[] = { "prog", "-p", "3" }, *a2[] = { "prog", "--p=9" };
    if (tff_opts_Parse(defs, 3, a1, &o, errbuf) != tffOK || tff_opts_GetInt(o, "threads") != 3 || !tff_opts_IsSet(o, "threads")) TFF_UFAIL("alias");
    tff_opts_Destroy(o);
    if (tff_opts_Parse(defs, 2, a2, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-threads must be at most 8, not 9")) TFF_UFAIL("alias range");
    tff_opts_Destroy(o);
    o = NULL;
  }

  if (tff_opts_Parse(defs, 11, argv1, &o, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_opts_GetInt(o, "min-overlap") != 5)                 TFF_UFAIL("int");
  if (tff_opts_GetReal(o, "thresh") != 0.5)                    TFF_UFAIL("default real");
  if (strcmp(tff_opts_GetString(o, "dist"), "pearson") != 0)   TFF_UFAIL("string with =");
  if (tff_opts_GetChoice(o, "dist") != 1 || tff_opts_GetChoice(o, "thresh") != -1) TFF_UFAIL("the choice's index in the table");
  if (tff_opts_GetList(o, "m", &vals) != 2 || strcmp(vals[1], "b c") != 0) TFF_UFAIL("list");
  if (!tff_opts_GetFlag(o, "text") || tff_opts_IsSet(o, "thresh")) TFF_UFAIL("flag");
  if (tff_opts_NArgs(o) != 2 || strcmp(tff_opts_Arg(o, 0), "-") != 0) TFF_UFAIL("positional");
  if (strcmp(tff_opts_CommandLine(o), "prog --min-overlap 5 -dist=pearson -m a - -m 'b c' -text q.meme") != 0) TFF_UFAIL("%s", tff_opts_CommandLine(o));
  if (strcmp(tff_opts_CommandArgs(o), " --min-overlap 5 -dist=pearson -m a - -m 'b c' -text q.meme") != 0) TFF_UFAIL("%s", tff_opts_CommandArgs(o));
  tff_opts_Destroy(o);
  {   /* a program path that needs quoting: the arguments start after its quoted form */
    char *av[] = { "/opt/my bin/prog", "-text" };
    if (tff_opts_Parse(defs, 2, av, &o, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    if (strcmp(tff_opts_CommandArgs(o), " -text") != 0) TFF_UFAIL("args of a quoted program: %s", tff_opts_CommandArgs(o));
    tff_opts_Destroy(o);
    if (tff_opts_Parse(defs, 1, av, &o, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    if (strcmp(tff_opts_CommandArgs(o), "") != 0) TFF_UFAIL("no arguments: '%s'", tff_opts_CommandArgs(o));
    tff_opts_Destroy(o);
  }

  char *bad1[] = { "prog", "-thresh", "2" };
  if (tff_opts_Parse(defs, 3, bad1, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-thresh must be at most 1, not 2")) TFF_UFAIL("range");
  char *bad2[] = { "prog", "-dist", "foo" };
  if (tff_opts_Parse(defs, 3, bad2, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-dist must be one of ed|pearson|sandelin, not 'foo'")) TFF_UFAIL("choices");
  char *bad3[] = { "prog", "-bogus" };
  if (tff_opts_Parse(defs, 2, bad3, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "unknown option -bogus")) TFF_UFAIL("unknown");
  char *bad4[] = { "prog", "-min-overlap" };
  if (tff_opts_Parse(defs, 2, bad4, &o, errbuf) != tffEUSAGE) TFF_UFAIL("missing value");
  char *bad5[] = { "prog", "-min-overlap", "x1" };
  if (tff_opts_Parse(defs, 3, bad5, &o, errbuf) != tffEUSAGE || strcmp(errbuf, "-min-overlap needs an integer, not 'x1'")) TFF_UFAIL("int parse");
  {   /* requires and incompatible: plain and by value (the default counts), with and without a reason */
    static const TFF_OPTDEF rd[] = {
      { "method", tffOPT_STRING, "combined", NULL, NULL, "combined|cnn|knn", "<m>", NULL, NULL, "method" },
      { "o",      tffOPT_STRING, NULL, NULL, NULL, NULL, "<dir>", NULL, "oc", "dir" },
      { "oc",     tffOPT_STRING, "out", NULL, NULL, NULL, "<dir>", NULL, NULL, "dir" },
      { "text",   tffOPT_FLAG,   NULL, NULL, NULL, NULL, NULL, NULL, "o,oc: -text writes to standard output", "stdout" },
      { "ref",    tffOPT_STRING, NULL, NULL, NULL, NULL, "<f>", "ref-labels: a reference needs its labels", "method=cnn: no KNN", "ref" },
      { "ref-labels", tffOPT_STRING, NULL, NULL, NULL, NULL, "<f>", "ref", NULL, "labels" },
      { "model",  tffOPT_STRING, NULL, NULL, NULL, NULL, "<f>", "method=cnn|knn", NULL, "model" },
      { "q",      tffOPT_ALIAS,  "model", NULL, NULL, NULL, NULL, NULL, NULL, NULL },
      { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
    };
    struct { int argc; char *argv[8]; const char *msg; } c[] = {
      { 5, { "prog", "-o", "a", "-oc", "b" },            "-o cannot go with -oc" },
      { 4, { "prog", "-o", "a", "-text" },               "-text cannot go with -o: -text writes to standard output" },
      { 3, { "prog", "-ref", "r" },                      "-ref goes with -ref-labels: a reference needs its labels" },
      { 3, { "prog", "-ref-labels", "r" },               "-ref-labels goes with -ref" },
      { 5, { "prog", "-ref", "r", "-ref-labels", "l" },  "" },
      { 7, { "prog", "-method", "cnn", "-ref", "r", "-ref-labels", "l" }, "-ref cannot go with -method cnn: no KNN" },
      { 3, { "prog", "-q", "m" },                        "-model goes with -method cnn|knn" },
      { 5, { "prog", "-method", "knn", "-q", "m" },      "" },
      { 3, { "prog", "-oc", "b" },                       "" },
    };
    for (size_t t = 0; t < sizeof c / sizeof c[0]; t++) {
      char msg[160];
      errbuf[0] = '\0';
      if (tff_opts_Parse(rd, c[t].argc, c[t].argv, &o, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      int st = tff_opts_Verify(o, errbuf);
      snprintf(msg, sizeof msg, "verify %zu: '%.120s'", t, errbuf);
      if ((st == tffOK) != (c[t].msg[0] == '\0') || (st != tffOK && strcmp(errbuf, c[t].msg) != 0)) TFF_UFAIL("%s", msg);
      tff_opts_Destroy(o);
    }
  }
  return tff_utest_Done();
}
#endif /* tffOPTS_TESTDRIVE */
