/* tff_io: the front door for motif files: open, gunzip, sniff, dispatch, validate.
 *
 * Contents:
 *   1. Reading a whole file (gzip, stdin, size limit)
 *   2. Format detection
 *   3. Parsing and post-processing
 *   4. Helpers shared by the parsers (line cursor, numbers, alphabets)
 *   5. Writers
 *   6. Unit tests (tffIO_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "tff_io.h"
#include "tff_io_internal.h"
#include "tff_motif.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Reading a whole file
 *****************************************************************/

int
tff_io_Slurp(const char *path, TFF_BUF *buf, char *errbuf)
{
  return tff_io_SlurpKind(path, "file", buf, errbuf);
}

/* Bytes after the last gzip member of a compressed file, which zlib's gzread()
 * drops without a word (a damaged copy, a file appended to): 0 if none or if
 * the file cannot be looked at again (standard input), else their number.
 * The members are inflated a second time, only to find where they end. */
static long long
gzip_trailing(const char *path)
{
  unsigned char in[65536], out[65536];
  z_stream      z;
  FILE         *fp = fopen(path, "rb");
  long long     trailing = 0;
  int           rc = Z_OK, member = 0;
  size_t        got;

  if (fp == NULL) return 0;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 16) != Z_OK) { fclose(fp); return 0; }
  while ((got = z.avail_in ? z.avail_in : fread(in, 1, sizeof in, fp)) > 0 || z.avail_in) {
    if (z.avail_in == 0) { z.next_in = in; z.avail_in = (uInt) got; }
    if (member) {                              /* between members: another one, or trailing bytes */
      if (z.avail_in >= 1 && z.next_in[0] != 0x1f) break;
      if (z.avail_in >= 2 && z.next_in[1] != 0x8b) break;
      member = 0;
      inflateReset(&z);
    }
    z.next_out = out; z.avail_out = sizeof out;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) member = 1;
    else if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    else if (rc == Z_BUF_ERROR && z.avail_in == 0 && feof(fp)) break;
  }
  if (member && z.avail_in > 0) {              /* count what is left, in the buffer and the file */
    trailing = z.avail_in;
    while ((got = fread(in, 1, sizeof in, fp)) > 0) trailing += (long long) got;
  }
  inflateEnd(&z);
  fclose(fp);
  return trailing;
}

/* Standard input can be read once: a second '-' (a query and a reference
 * both '-') would read it empty. The one process-wide flag of this module. */
static int stdin_used = 0;

int
tff_io_SlurpKind(const char *path, const char *kind, TFF_BUF *buf, char *errbuf)
{
  gzFile fp = NULL;
  char   chunk[65536];
  int    status, n, fd;
  int    is_stdin = (strcmp(path, "-") == 0);

  tff_buf_Init(buf);
  if (is_stdin) {
    if (stdin_used++) TFF_FAIL(tffEINVAL, errbuf, "standard input ('-') was already read for another input; it can be given once");
    if ((fd = dup(STDIN_FILENO)) < 0) TFF_FAIL(tffESYS, errbuf, "cannot read standard input: %s", strerror(errno));
    fp = gzdopen(fd, "rb");
  } else {
    fp = gzopen(path, "rb");   /* plain files are read as they are */
  }
  if (fp == NULL)
    TFF_FAIL(tffENOTFOUND, errbuf, "cannot open %s %s: %s", kind, path, errno ? strerror(errno) : "unknown error");
  while ((n = gzread(fp, chunk, sizeof chunk)) > 0) {
    /* Every input is text: a NUL byte (/dev/zero, an image) stops the read at once,
     * not after TFF_MAX_INPUT_BYTES */
    if (memchr(chunk, '\0', (size_t) n) != NULL)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: binary data (a NUL byte); expected a %s", is_stdin ? "standard input" : path,
               strcmp(kind, "file") == 0 ? "text file" : kind);
    if (buf->n + (size_t) n > TFF_MAX_INPUT_BYTES)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: larger than %zu MiB (after decompression); split the motif file", path, TFF_MAX_INPUT_BYTES >> 20);
    TFF_CHECK(tff_buf_Append(buf, chunk, (size_t) n, errbuf));
  }
  if (n < 0 || !gzeof(fp)) {
    int         zerr;
    const char *zmsg = gzerror(fp, &zerr);
    /* a directory is a wrong argument (exit 1), as tffam's -combiner check says; not a failing disk */
    if (zerr == Z_ERRNO && errno == EISDIR) TFF_FAIL(tffENOTFOUND, errbuf, "cannot open %s %s: is a directory", kind, path);
    if (zerr == Z_ERRNO) TFF_FAIL(tffESYS, errbuf, "%s: read error: %s", path, strerror(errno));
    TFF_FAIL(tffEFORMAT, errbuf, "%s: corrupt or truncated gzip stream (%s)", path, zmsg);
  }
  /* zlib reports a stream cut off inside a member only through gzerror at EOF */
  {
    int zerr;
    gzerror(fp, &zerr);
    if (zerr != Z_OK && zerr != Z_STREAM_END)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: corrupt or truncated gzip stream", path);
  }
  if (!is_stdin && !gzdirect(fp)) {
    long long extra = gzip_trailing(path);
    if (extra > 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: %lld bytes after the end of the gzip data (damaged, or appended to?)", path, extra);
  }
  gzclose(fp);
  if (buf->s == NULL) TFF_CHECK(tff_buf_Append(buf, "", 0, errbuf));  /* empty file: valid empty buffer */
  return tffOK;
 ERROR:
  if (fp) gzclose(fp);
  tff_buf_Free(buf);
  return status;
}

/*****************************************************************
 * 2. Format detection
 *****************************************************************/

/* Name of the XML root element (first element after the prolog), copied into
 * out; 0 if the buffer does not start like XML. */
static int
xml_root_name(const char *s, const char *end, char *out, size_t outsz)
{
  while (s < end) {
    while (s < end && isspace((unsigned char) *s)) s++;
    if (s >= end || *s != '<') return 0;
    if (end - s >= 2 && (s[1] == '?' || s[1] == '!')) {   /* prolog: <?xml ..?>, <!-- -->, <!DOCTYPE> */
      const char *close;
      if (end - s >= 4 && strncmp(s, "<!--", 4) == 0) {
        close = s + 4;
        while (close + 3 <= end && strncmp(close, "-->", 3) != 0) close++;
        if (close + 3 > end) return 0;
        s = close + 3;
        continue;
      }
      int depth = 0;   /* a DOCTYPE may hold an internal subset in [...] */
      for (close = s + 1; close < end; close++) {
        if (*close == '[') depth++;
        else if (*close == ']') depth--;
        else if (*close == '>' && depth <= 0) break;
      }
      if (close >= end) return 0;
      s = close + 1;
      continue;
    }
    s++;
    size_t k = 0;
    while (s < end && (isalnum((unsigned char) *s) || *s == '_' || *s == ':' || *s == '-') && k + 1 < outsz) out[k++] = *s++;
    out[k] = '\0';
    return k > 0;
  }
  return 0;
}

/* 1 if the line s..end reads as a JASPAR count row: an optional letter A, C,
 * G, T or U, then numbers (digits, '.', 'e', '+', '-'), optionally inside one
 * pair of brackets. Only a first look: the JASPAR parser checks the numbers. */
static int
count_row(const char *s, const char *end)
{
  int nums = 0;
  while (s < end && (*s == ' ' || *s == '\t')) s++;
  if (s < end && strchr("ACGTUacgtu", *s) && *s && (s + 1 == end || !isalnum((unsigned char) s[1]))) s++;
  while (s < end) {
    if (isspace((unsigned char) *s) || *s == '[' || *s == ']') { s++; continue; }
    if (!(isdigit((unsigned char) *s) || *s == '.' || *s == '+' || *s == '-')) return 0;
    int digits = 0;   /* a number has a digit: "-----" or "." is no count */
    for (; s < end && (isdigit((unsigned char) *s) || strchr(".eE+-", *s)); s++) digits |= isdigit((unsigned char) *s) != 0;
    if (!digits) return 0;
    nums++;
    if (s < end && !isspace((unsigned char) *s) && *s != '[' && *s != ']') return 0;
  }
  return nums > 0;
}

const char *
tff_io_SniffFormat(const char *data, size_t n)
{
  const char *s = data, *end = data + n;
  char        root[64];

  if (n >= 3 && (unsigned char) s[0] == 0xEF && (unsigned char) s[1] == 0xBB && (unsigned char) s[2] == 0xBF) s += 3;
  while (s < end && isspace((unsigned char) *s)) s++;
  if (s < end && *s == '<') {
    if (!xml_root_name(s, end, root, sizeof root)) return "XML";
    if (strcmp(root, "MEME") == 0)   return "MEME XML";
    if (strcmp(root, "STREME") == 0) return "STREME XML";
    if (strcmp(root, "dreme") == 0)  return "DREME XML";
    return "XML";
  }
  if (s < end && *s == '>') return "JASPAR";
  /* MEME text: a line that starts with "MEME version" (it may follow comments) */
  for (const char *line = data; line < end; ) {
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    size_t      len = nl ? (size_t)(nl - line) : (size_t)(end - line);
    if (tff_io_Keyword(line, line + len, "MEME version")) return "MEME text";
    if (!nl) break;
    line = nl + 1;
  }
  /* JASPAR without a header line: the file starts with a count row */
  if (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (count_row(s, nl ? nl : end)) return "JASPAR";
  }
  return NULL;
}

/*****************************************************************
 * 3. Parsing
 *****************************************************************/

int
tff_io_ParseBuffer(const char *name, const char *data, size_t n, TFF_MOTIFSET **ret_set, char *errbuf)
{
  return tff_io_ParseBufferFlags(name, data, n, 0, ret_set, errbuf);
}

/* sel: a selection made as the motifs are read (TFF_MOTIFSET's sel_*), or NULL */
static int
parse_buffer(const char *name, const char *data, size_t n, int flags, const TFF_MOTIFSET *sel, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_MOTIFSET *set = NULL;
  const char   *fmt;
  int           status;

  *ret_set = NULL;
  TFF_CHECK(tff_motifset_Create(name, &set, errbuf));
  set->skip_dup = (flags & tffIO_SKIP_DUP_IDS) != 0;
  if (sel) {
    set->sel_ids = sel->sel_ids; set->sel_nids = sel->sel_nids;
    set->sel_idx = sel->sel_idx; set->sel_nidx = sel->sel_nidx;
  }
  { size_t b = tff_BomLength(data, n); data += b; n -= b; }   /* a UTF-8 byte order mark, in any format */
  if (memchr(data, '\0', n) != NULL)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: binary data (a NUL byte); expected a motif file", name);
  fmt = tff_io_SniffFormat(data, n);
  if (fmt == NULL) {
    size_t k = 0;
    while (k < n && isspace((unsigned char) data[k])) k++;
    if (k == n) TFF_FAIL(tffEFORMAT, errbuf, "%s: the file is empty", name);
    TFF_FAIL(tffEFORMAT, errbuf, "%s: not a motif file tffam knows (MEME text, MEME/STREME/DREME XML, JASPAR)", name);
  }
  if (strcmp(fmt, "XML") == 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: XML, but not MEME, STREME or DREME output", name);
  set->format = fmt;
  if      (strcmp(fmt, "MEME text") == 0) TFF_CHECK(tff_io_meme_Parse(name, data, n, set, errbuf));
  else if (strcmp(fmt, "JASPAR") == 0)    TFF_CHECK(tff_io_jaspar_Parse(name, data, n, set, errbuf));
  else                                    TFF_CHECK(tff_io_xml_Parse(name, data, n, set, errbuf));
  if (set->nread == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: no motifs found (%s)", name, fmt);
  for (int i = 0; i < set->n; i++) tff_motif_Normalize(set->m[i]);
  set->sel_ids = NULL; set->sel_idx = NULL; set->sel_nids = set->sel_nidx = 0;   /* the caller's arrays */
  *ret_set = set;
  return tffOK;
 ERROR:
  tff_motifset_Destroy(set);
  return status;
}

int
tff_io_ParseBufferFlags(const char *name, const char *data, size_t n, int flags, TFF_MOTIFSET **ret_set, char *errbuf)
{
  return parse_buffer(name, data, n, flags, NULL, ret_set, errbuf);
}

int
tff_io_ReadMotifsSelect(const char *path, int flags, char **ids, int nids, char **idxv, int nidx, TFF_MOTIFSET **ret_set,
                        char **ret_missing, char *errbuf)
{
  TFF_MOTIFSET  sel;
  TFF_MOTIFSET *set = NULL;
  TFF_BUF       buf = { 0 }, miss;
  int          *idx = NULL, status, nmid = 0, nmidx = 0;

  *ret_set = NULL;
  *ret_missing = NULL;
  tff_buf_Init(&miss);
  memset(&sel, 0, sizeof sel);
  TFF_CALLOC(idx, (size_t) nidx + 1, sizeof(int));
  TFF_CHECK(tff_motif_ParseNumbers(idxv, nidx, idx, errbuf));
  sel.sel_ids = ids; sel.sel_nids = nids; sel.sel_idx = idx; sel.sel_nidx = nidx;
  TFF_CHECK(tff_io_SlurpKind(path, "motif file", &buf, errbuf));
  TFF_CHECK(parse_buffer(strcmp(path, "-") == 0 ? "standard input" : path, buf.s, buf.n, flags, &sel, &set, errbuf));
  /* What was asked for and is not there (a motif of a selected id is kept, the first if
   * it repeats). Tomtom 5.5.8 (read_motifs_and_background, motif-db.c) keeps what it
   * finds and passes over the rest without a word; only a selection that finds nothing
   * stops the run. The missing ones are worded here for the caller's warning. */
  for (int k = 0; k < nids; k++)
    if (tff_motifset_Find(set, ids[k]) < 0) TFF_CHECK(tff_buf_Printf(&miss, errbuf, "%s%s", nmid++ ? ", " : "no motif with id ", ids[k]));
  if (nmid) TFF_CHECK(tff_buf_Printf(&miss, errbuf, " (-m)"));
  for (int k = 0; k < nidx; k++)
    if (idx[k] > set->nread) TFF_CHECK(tff_buf_Printf(&miss, errbuf, "%s%d", nmidx++ ? ", " : nmid ? "; no motif number " : "no motif number ", idx[k]));
  if (nmidx) TFF_CHECK(tff_buf_Printf(&miss, errbuf, " (-mi); the file has %d", set->nread));
  if (set->n == 0 && (nmid || nmidx)) TFF_FAIL(tffENOTFOUND, errbuf, "%s: %s", set->source, miss.s);
  *ret_set = set;
  set = NULL;
  if (miss.s) { *ret_missing = miss.s; miss.s = NULL; }
  status = tffOK;
 ERROR:
  tff_motifset_Destroy(set);
  tff_buf_Free(&buf);
  tff_buf_Free(&miss);
  free(idx);
  return status;
}

int
tff_io_ReadMotifs(const char *path, TFF_MOTIFSET **ret_set, char *errbuf)
{
  return tff_io_ReadMotifsFlags(path, 0, ret_set, errbuf);
}

int
tff_io_ReadMotifsFlags(const char *path, int flags, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_BUF buf;
  int     status;

  *ret_set = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "motif file", &buf, errbuf));
  status = tff_io_ParseBufferFlags(strcmp(path, "-") == 0 ? "standard input" : path, buf.s, buf.n, flags, ret_set, errbuf);
  tff_buf_Free(&buf);
 ERROR:
  return status;
}

/* MEME Suite's names for a background that is not a file (its -bfile
 * conventions): the motif file's own, uniform, and the non-redundant
 * database's letter frequencies, which MEME Suite builds into its DNA
 * alphabet (A 0.281774, C 0.222020, G 0.228876, T 0.267330). */
int
tff_bg_KeepsMotifs(const char *path)
{
  return path && (strcmp(path, "--motif--") == 0 || strcmp(path, "--motif-file--") == 0 || strcmp(path, "motif-file") == 0);
}

int
tff_bg_Read(const char *path, double bg[TFF_ALPHA], char *errbuf)
{
  static const double nrdb[TFF_ALPHA] = { 0.281774, 0.222020, 0.228876, 0.267330 };
  TFF_BUF buf;
  int     status;

  if (tff_bg_KeepsMotifs(path)) return tffOK;
  if (strcmp(path, "--uniform--") == 0) { tff_bg_Uniform(bg); return tffOK; }
  if (strcmp(path, "--nrdb--") == 0)    { memcpy(bg, nrdb, sizeof nrdb); return tffOK; }
  tff_buf_Init(&buf);
  TFF_CHECK(tff_io_SlurpKind(path, "background file", &buf, errbuf));
  status = tff_bg_Parse(strcmp(path, "-") == 0 ? "standard input" : path, buf.s ? buf.s : "", buf.n, bg, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

int
tff_bg_Parse(const char *path, const char *data, size_t n, double bg[TFF_ALPHA], char *errbuf)
{
  TFF_LINES L;
  double    v[TFF_ALPHA] = { 0, 0, 0, 0 }, sum = 0.0;
  int       seen[TFF_ALPHA] = { 0, 0, 0, 0 }, status, r;
  size_t    bom = tff_BomLength(data, n);

  tff_lines_Init(&L, data + bom, n - bom);
  while ((r = tff_lines_Next(&L)) > 0) {
    const char *line = L.line, *pos;
    const char *word = line + strspn(line, " \t");
    size_t      wlen = strcspn(word, " \t");   /* the word, of any length (%7s cut an order-7 word, AAAAAAAA, and took its 8th letter for the number) */
    double      f;
    int         a;
    if (line[0] == '#' || *word == '\0') continue;
    if (sscanf(word + wlen, "%lf", &f) != 1)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: expected a letter and a frequency", path, L.lineno);
    if (wlen != 1) continue;   /* higher-order Markov lines (AA 0.1) are skipped */
    if ((pos = strchr("ACGTU", toupper((unsigned char) word[0]))) == NULL)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: tffam works on DNA; unexpected letter %c", path, L.lineno, word[0]);
    a = (*pos == 'U') ? 3 : (int) (pos - "ACGTU");
    if (!isfinite(f) || f < 0.0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: bad frequency for %c", path, L.lineno, word[0]);
    v[a] = f; seen[a] = 1;
  }
  if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  for (int a = 0; a < TFF_ALPHA; a++) {
    if (!seen[a]) TFF_FAIL(tffEFORMAT, errbuf, "%s: no frequency for %c", path, tff_alphabet[a]);
    sum += v[a];
  }
  if (!(sum > 0.0) || !isfinite(sum)) TFF_FAIL(tffEFORMAT, errbuf, "%s: frequencies sum to %g", path, sum);
  for (int a = 0; a < TFF_ALPHA; a++) bg[a] = v[a] / sum;
  status = tffOK;
 ERROR:
  tff_lines_Free(&L);
  return status;
}

/*****************************************************************
 * 4. Helpers shared by the parsers
 *****************************************************************/

void
tff_lines_Init(TFF_LINES *L, const char *data, size_t n)
{
  L->p = data; L->end = data + n; L->lineno = 0; L->line = NULL; L->cap = 0;
}

int
tff_lines_Next(TFF_LINES *L)
{
  const char *e = L->p;
  size_t      len;

  if (L->p >= L->end) return 0;
  /* A line ends at \n, \r\n or a lone \r (old Mac files); the end is not part of it. */
  while (e < L->end && *e != '\n' && *e != '\r') e++;
  len = (size_t)(e - L->p);
  if (len + 1 > L->cap) {
    size_t cap = len + 1 > 256 ? len + 1 : 256;
    char  *tmp = realloc(L->line, cap);
    if (!tmp) return -1;
    L->line = tmp; L->cap = cap;
  }
  memcpy(L->line, L->p, len);
  L->line[len] = '\0';
  if (e < L->end && *e == '\r' && e + 1 < L->end && e[1] == '\n') e++;
  L->p = e < L->end ? e + 1 : L->end;
  L->lineno++;
  return 1;
}

void tff_lines_Free(TFF_LINES *L) { free(L->line); L->line = NULL; L->cap = 0; }

int
tff_io_CheckName(const char *name, long line, const char *what, const char *s, char *errbuf)
{
  long bad = tff_TextBad(s, 0);
  if (bad < 0) return tffOK;
  return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: %s '%.*s...' has a control character or bytes that are not UTF-8 (byte %ld, 0x%02x)",
                  name, line, what, (int) (bad < 200 ? bad : 200), s, bad + 1, (unsigned) (unsigned char) s[bad]);
}

const char *
tff_io_Keyword(const char *s, const char *end, const char *kw)
{
  if (!end) end = s + strlen(s);
  while (s < end && (*s == ' ' || *s == '\t')) s++;
  for (; *kw; kw++) {
    if (*kw == ' ' || *kw == '_') {
      const char *t = s;
      while (s < end && (*s == ' ' || *s == '\t')) s++;
      if (*kw == ' ' && s == t) return NULL;
    } else {
      if (s == end || tolower((unsigned char) *s) != tolower((unsigned char) *kw)) return NULL;
      s++;
    }
  }
  if (isalpha((unsigned char) kw[-1]) && s < end && isalnum((unsigned char) *s)) return NULL;
  return s;
}

int
tff_io_CheckCrcLine(const char *name, const char *kind, const char *data, size_t *n, char *errbuf)
{
  const char *last;
  char        crc[9];
  int         status;
  for (last = data + *n; last > data && last[-1] == '\n'; last--) ;
  while (last > data && last[-1] != '\n') last--;
  if ((size_t) (data + *n - last) >= 14 && memcmp(last, "crc32 ", 6) == 0) {
    size_t tail = (size_t) (data + *n - last);
    int    ok = (tail == 14 || (tail == 15 && last[14] == '\n'));
    for (int i = 6; ok && i < 14; i++) ok = isxdigit((unsigned char) last[i]) != 0;
    if (!ok) TFF_FAIL(tffEFORMAT, errbuf, "%s: the checksum line is not 'crc32 <8 hex digits>'", name);
    tff_Crc32Hex(data, (size_t) (last - data), crc);
    if (memcmp(last + 6, crc, 8) != 0)
      TFF_FAIL(tffEFORMAT, errbuf, "%s: corrupted %s: checksum %.8s recorded, %s computed", name, kind, last + 6, crc);
    *n = (size_t) (last - data);
  }
  return tffOK;
 ERROR:
  return status;
}

int
tff_io_CheckMagic(const char *name, const char *kind, const char *line, const char *magic, int version, char *errbuf)
{
  char got[32];
  int  ver, status;
  if (sscanf(line, "%31s %d", got, &ver) != 2 || strcmp(got, magic) != 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s line 1: not a tffam %s (expected '%s %d')", name, kind, magic, version);
  if (ver != version) TFF_FAIL(tffEINCOMPAT, errbuf, "%s line 1: %s format version %d (this tffam reads %d)", name, kind, ver, version);
  return tffOK;
 ERROR:
  return status;
}

int
tff_io_ParseDouble(const char *tok, double *ret)
{
  char *endp;
  if (tok == NULL || *tok == '\0') return -1;
  errno = 0;
  *ret = strtod(tok, &endp);   /* skips blanks before the number */
  if (endp == tok) return -1;
  while (isspace((unsigned char) *endp)) endp++;   /* and after it: ' 0.5' and '0.5 ' alike */
  return *endp == '\0' ? 0 : -1;
}

/* log10 of a decimal number written as text (already checked by strtod):
 * from its first significant digits and its exponent, so it is exact where
 * the double is not (1.2e-1234 underflows to 0, 3e400 overflows). */
static double
text_log10(const char *s)
{
  char   sig[24];          /* "d.ddddddddddddddd" */
  int    nsig = 0, seen_point = 0;
  long   power = 0;        /* 10^power of the first significant digit, before the exponent */
  long   before_point = 0; /* digits before the point, counted from the first significant one */
  long   zeros_after = 0;  /* zeros after the point before the first significant digit */
  long   exponent = 0;

  while (isspace((unsigned char) *s)) s++;
  if (*s == '+' || *s == '-') s++;
  for (; *s; s++) {
    if (*s == '.') { seen_point = 1; continue; }
    if (!isdigit((unsigned char) *s)) break;
    if (nsig == 0 && *s == '0') { if (seen_point) zeros_after++; continue; }
    if (nsig == 0) sig[nsig++] = *s, sig[nsig++] = '.';
    else if (nsig < (int) sizeof sig - 1) sig[nsig++] = *s;
    if (!seen_point) before_point++;
  }
  if (nsig == 0) return -INFINITY;   /* all zeros */
  sig[nsig] = '\0';
  if (*s == 'e' || *s == 'E') {
    errno = 0;
    exponent = strtol(s + 1, NULL, 10);   /* ERANGE: clamped to LONG_MIN/MAX, still far out */
  }
  power = before_point > 0 ? before_point - 1 : -(zeros_after + 1);
  return log10(strtod(sig, NULL)) + (double) power + (double) exponent;
}

int
tff_io_ParseEvalue(const char *tok, double *ret_e, double *ret_log10)
{
  double e;
  if (tff_io_ParseDouble(tok, &e) != 0 || isnan(e) || e < 0.0) return -1;
  *ret_e = e;
  if (e >= DBL_MIN && isfinite(e)) *ret_log10 = log10(e);
  else if (e == 0.0 || isinf(e)) {
    const char *t = tok;
    while (isspace((unsigned char) *t)) t++;
    if (*t == '+') t++;
    /* hexadecimal or "inf": the double is all there is */
    if (strchr(tok, 'x') || strchr(tok, 'X') || !(isdigit((unsigned char) *t) || *t == '.'))
      *ret_log10 = isinf(e) ? INFINITY : -INFINITY;
    else
      *ret_log10 = text_log10(tok);
  } else if (strchr(tok, 'x') || strchr(tok, 'X'))
    *ret_log10 = log10(e);               /* a hexadecimal subnormal: its double is exact */
  else *ret_log10 = text_log10(tok);     /* a decimal subnormal: the text is more precise */
  return 0;
}

int
tff_io_CheckAlphabet(const char *name, long line, const char *alphabet, char *errbuf)
{
  char up[64];
  size_t k;
  for (k = 0; alphabet[k] && k + 1 < sizeof up; k++) up[k] = (char) toupper((unsigned char) alphabet[k]);
  up[k] = '\0';
  if (strcmp(up, "ACGT") == 0 || strcmp(up, "ACGU") == 0 || strcmp(up, "DNA") == 0 || strcmp(up, "RNA") == 0) return tffOK;
  if (line > 0)
    return tff_Fail(errbuf, tffEFORMAT, "tffam works on DNA motifs; %s uses alphabet %s (line %ld)", name, alphabet, line);
  return tff_Fail(errbuf, tffEFORMAT, "tffam works on DNA motifs; %s uses alphabet %s", name, alphabet);
}

/*****************************************************************
 * 5. Writers
 *****************************************************************/

/* A motif's E-value for "E=", or "" if it has none (E= is optional in MEME's
 * format: JASPAR motifs have no E-value, and writing 0 would claim one). A
 * value the double holds is written with %g, as before; one that underflows
 * or overflows it from log10_evalue, mantissa and exponent (1.2e-1234). */
static const char *
format_evalue(char *buf, size_t n, const TFF_MOTIF *m)
{
  double lg = m->log10_evalue, e = m->evalue;
  if (isnan(lg)) { snprintf(buf, n, "%s", ""); return buf; }
  if (isfinite(e) && e >= DBL_MIN) { snprintf(buf, n, "%g", e); return buf; }
  if (lg == -INFINITY) { snprintf(buf, n, "0"); return buf; }
  if (lg == INFINITY)  { snprintf(buf, n, "inf"); return buf; }
  double ex   = floor(lg);
  double mant = pow(10.0, lg - ex);
  char   mbuf[32];
  snprintf(mbuf, sizeof mbuf, "%.6g", mant);
  if (strtod(mbuf, NULL) >= 10.0) { ex += 1.0; snprintf(mbuf, sizeof mbuf, "%.6g", mant / 10.0); }   /* 9.9999996 rounds to 10 */
  snprintf(buf, n, "%se%+.0f", mbuf, ex);
  return buf;
}

int
tff_io_WriteMeme(FILE *fp, const TFF_MOTIFSET *set, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "MEME version 4\n\nALPHABET= ACGT\n\nstrands: %s\n\n", set->strands == 1 ? "+" : "+ -"));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "Background letter frequencies\nA %.6f C %.6f G %.6f T %.6f\n",
                        set->bg[0], set->bg[1], set->bg[2], set->bg[3]));
  for (int i = 0; i < set->n; i++) {
    const TFF_MOTIF *m = set->m[i];
    char             nbuf[32];
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\nMOTIF %s%s%s\n", m->id, m->alt ? " " : "", m->alt ? m->alt : ""));
    /* nsites in full (%g made 1234567 1.23457e+06, another count when read back) */
    char             ebuf[48];
    TFF_CHECK(tff_Fprintf(fp, errbuf, "letter-probability matrix: alength= 4 w= %d nsites= %s%s%s\n",
                          m->w, tff_FormatG(nbuf, m->nsites > 0 ? m->nsites : (double) TFF_DEFAULT_NSITES, 15),
                          isnan(m->log10_evalue) ? "" : " E= ", format_evalue(ebuf, sizeof ebuf, m)));
    for (int r = 0; r < m->w; r++)
      TFF_CHECK(tff_Fprintf(fp, errbuf, " %.6f  %.6f  %.6f  %.6f\n", m->p[r*4], m->p[r*4+1], m->p[r*4+2], m->p[r*4+3]));
    if (m->url) TFF_CHECK(tff_Fprintf(fp, errbuf, "URL %s\n", m->url));
  }
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 6. Unit tests
 *****************************************************************/
#ifdef tffIO_TESTDRIVE
#include "tff_utest.h"

static void
expect_error(const char *text, const char *want)
{
  char          errbuf[TFF_ERRBUFSIZE] = "";
  TFF_MOTIFSET *set = NULL;
  if (tff_io_ParseBuffer("t.meme", text, strlen(text), &set, errbuf) == tffOK) TFF_UFAIL("%s: %s", "accepted bad input", text);
  if (set != NULL) TFF_UFAIL("%s: %s", "set returned on error", text);
  if (strcmp(errbuf, want) != 0) TFF_UFAIL("%s: %s", want, errbuf);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_io_utest", NULL);
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET *set = NULL;
  const char   *good =
    "MEME version 5\n\nALPHABET= ACGU\n\nstrands: +\n\n"
    "Background letter frequencies\nA 0.3 C 0.2 G 0.2 U 0.3\n\n"
    "MOTIF one alpha\nletter-probability matrix: alength= 4 w= 2 nsites= 7 E= 1.5e-3\n"
    "0.1 0.2 0.3 0.4\n1 0 0 0\nURL http://x/one\n\n"
    "MOTIF two\nlog-odds matrix: alength= 4 w= 1\n 1 2 3 4\n"
    "letter-probability matrix: alength= 4 w= 1\n0.25 0.25 0.25 0.25\n";

  if (strcmp(tff_io_SniffFormat(good, strlen(good)), "MEME text") != 0) TFF_UFAIL("%s: %s", "sniff", "MEME text");
  if (strcmp(tff_io_SniffFormat("<?xml version='1.0'?>\n<!-- x -->\n<STREME>", 40), "STREME XML") != 0) TFF_UFAIL("%s: %s", "sniff", "STREME");
  if (strcmp(tff_io_SniffFormat(">MA1 x\nA [1]\n", 13), "JASPAR") != 0) TFF_UFAIL("%s: %s", "sniff", "JASPAR");
  { static const char *rows[] = {"1 2 3\n", "  A [ 1 0.5 ]\r\n", "t 1e2", "\n\n 0 3 79\n"}, *not[] = {"1 2 x\n", "AC 1 2\n", "hello 1\n", "1:2\n", "\n", "-----\n", "A . -\n"};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
      if (!tff_io_SniffFormat(rows[k], strlen(rows[k])) || strcmp(tff_io_SniffFormat(rows[k], strlen(rows[k])), "JASPAR") != 0) TFF_UFAIL("sniff: headerless JASPAR row %zu", k);
    for (size_t k = 0; k < sizeof not / sizeof not[0]; k++)
      if (tff_io_SniffFormat(not[k], strlen(not[k])) != NULL) TFF_UFAIL("sniff: not a count row %zu", k);
  }

  if (tff_io_ParseBuffer("t.meme", good, strlen(good), &set, errbuf) != tffOK) TFF_UFAIL("%s: %s", "good file", errbuf);
  if (set->n != 2 || set->strands != 1)          TFF_UFAIL("%s: %s", "good file", "count or strands");
  if (fabs(set->bg[3] - 0.3) > 1e-12)            TFF_UFAIL("%s: %s", "good file", "background");
  if (strcmp(set->m[0]->alt, "alpha") != 0)      TFF_UFAIL("%s: %s", "good file", "alt");
  if (set->m[0]->nsites != 7 || fabs(set->m[0]->evalue - 1.5e-3) > 1e-15) TFF_UFAIL("%s: %s", "good file", "nsites/E");
  if (strcmp(set->m[0]->url, "http://x/one") != 0) TFF_UFAIL("%s: %s", "good file", "url");
  if (set->m[0]->line != 10 || set->m[1]->line != 16) TFF_UFAIL("%s: %s", "good file", "line numbers");
  if (set->m[1]->w != 1 || set->m[1]->p[0] != 0.25) TFF_UFAIL("%s: %s", "good file", "log-odds skipped");
  tff_motifset_Destroy(set);

  expect_error("MEME version 4\nMOTIF a\nletter-probability matrix: alength= 4 w= 2\n0.25 0.25 0.25 0.25\n",
               "t.meme line 4: motif a: the file ends after 1 of 2 rows (truncated?)");
  expect_error("", "t.meme: the file is empty");
  {   /* E-values: log10 from the text where the double underflows (1.2e-1234: -1234 + log10 1.2) */
    double e, lg;
    if (tff_io_ParseEvalue("1.2e-1234", &e, &lg) != 0 || e != 0.0 || fabs(lg - (-1234 + 0.0791812460476248)) > 1e-9) TFF_UFAIL("%s: %g", "1.2e-1234", lg);
    if (tff_io_ParseEvalue("0.00045e+500", &e, &lg) != 0 || !isinf(e) || fabs(lg - (496 + 0.6532125137753437)) > 1e-9) TFF_UFAIL("%s: %g", "0.00045e+500", lg);
    if (tff_io_ParseEvalue("0", &e, &lg) != 0 || e != 0.0 || lg != -INFINITY) TFF_UFAIL("%s: %g", "0", lg);
    if (tff_io_ParseEvalue("0x1p-1070", &e, &lg) != 0 || fabs(lg - (-1070 * log10(2.0))) > 1e-9) TFF_UFAIL("%s: %g", "0x1p-1070", lg);
    if (tff_io_ParseEvalue("2e-3", &e, &lg) != 0 || e != 2e-3 || fabs(lg - log10(2e-3)) > 1e-15) TFF_UFAIL("%s: %g", "2e-3", lg);
    if (tff_io_ParseEvalue("-1", &e, &lg) == 0 || tff_io_ParseEvalue("1e-5x", &e, &lg) == 0) TFF_UFAIL("%s", "bad E-value accepted");
  }
  return tff_utest_Done();
}
#endif /* tffIO_TESTDRIVE */
