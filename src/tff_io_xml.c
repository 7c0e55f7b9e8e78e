/* tff_io_xml: MEME, STREME and DREME XML motif readers (libxml2).
 *
 * The three MEME Suite programs write their motifs in XML:
 *   MEME    <MEME> root; training_set/alphabet/letter (id, symbol),
 *           model/strands, model/background_frequencies/alphabet_array/value,
 *           motifs/motif (name = the motif ID, alt, width, sites, e_value, url)
 *           with probabilities/alphabet_matrix/alphabet_array/value[letter_id].
 *   STREME  <STREME> root; model/alphabet, model/strands,
 *           model/background_frequencies (or the older model/background A= C= ...),
 *           motifs/motif (id = the motif ID, alt, width, train_/test_ counts and
 *           log p-values) with rows <pos A= C= G= T=/>.
 *   DREME   <dreme> root; model/alphabet (5.x), model/strands, model/background
 *           A= C= G= T=; motifs/motif (seq = the motif ID, alt, length, nsites,
 *           evalue) with rows <pos .../>.
 * Letters are named by their alphabet letter id (MEME 5: "A"; MEME 4: "letter_A";
 * custom alphabets: "n1" for symbol "1"), which the alphabet section maps to a
 * symbol. The core symbols must be ACGT or ACGU (RNA is read as DNA).
 *
 * The input is untrusted. libxml2 parses it from memory with no network access,
 * no entity substitution, no DTD loading or validation and its default size
 * limits (no XML_PARSE_HUGE). A DOCTYPE may carry element and attribute
 * declarations (MEME and DREME write an internal DTD), but any entity
 * declaration or external subset is refused before it can be used, element
 * nesting is limited, and every libxml2 message is captured (the first error
 * becomes the error message) instead of going to stderr.
 *
 * Contents:
 *   1. Limits and the reader context
 *   2. Hardened parsing with libxml2
 *   3. DOM helpers: children, attributes, numbers
 *   4. Alphabet, strands, background
 *   5. Motifs: MEME, STREME, DREME
 *   6. The entry point, tff_io_xml_Parse()
 *   7. Unit test driver
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

/* libxml2 2.12 made the error passed to structured handlers const; 2.13 added
 * per-context handlers (and deprecated the global ones we use before it). */
#if LIBXML_VERSION >= 21200
typedef const xmlError *tff_xml_error_t;
#else
typedef xmlErrorPtr tff_xml_error_t;
#endif

#include "tff_io_internal.h"
#include "tff_motif.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Limits and the reader context
 *****************************************************************/

#define TFF_XML_MAX_DEPTH    64    /* element nesting; MEME's own files need 7 */
#define TFF_XML_MAX_ATTR     4096  /* bytes in any attribute or value we read */
#define TFF_XML_MAX_LETTERS  64    /* core letters in a declared alphabet */

/* What the parse hooks share (reached through ctxt->_private). */
typedef struct {
  const char      *name;      /* file name for messages */
  char            *errbuf;
  int              status;    /* tffOK until the first error */
  int              depth;     /* current element depth */
  xmlParserCtxtPtr ctxt;
  startElementNsSAX2Func start_element;  /* libxml2's own handlers we wrap */
  endElementNsSAX2Func   end_element;
  internalSubsetSAXFunc  internal_subset;
} TFF_XPARSE;

/* The alphabet of one file: core letters (id -> column 0..3). */
typedef struct {
  int   n;
  char *id[TFF_XML_MAX_LETTERS];
  int   col[TFF_XML_MAX_LETTERS];
  long  line;                 /* where the alphabet was declared, 0 if defaulted */
} TFF_XALPH;

/* The reader: file name, error buffer, alphabet, the set being filled. */
typedef struct {
  const char   *name;
  char         *errbuf;
  xmlDocPtr     doc;
  TFF_XALPH     alph;
  TFF_MOTIFSET *set;
} TFF_XREAD;

/* Format an error "NAME line N: motif ID: reason" (the parts that are known). */
static int
xfail(const char *name, char *errbuf, int status, long line, const char *motif, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 6, 7)))
#endif
  ;
static int
xfail(const char *name, char *errbuf, int status, long line, const char *motif, const char *fmt, ...)
{
  char    reason[TFF_ERRBUFSIZE];
  char    where[TFF_ERRBUFSIZE];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(reason, sizeof(reason), fmt, ap);
  va_end(ap);
  if (line > 0) snprintf(where, sizeof(where), "%s line %ld", name, line);
  else          snprintf(where, sizeof(where), "%s", name);
  if (motif) return tff_Fail(errbuf, status, "%s: motif %s: %s", where, motif, reason);
  else       return tff_Fail(errbuf, status, "%s: %s", where, reason);
}

/*****************************************************************
 * 2. Hardened parsing with libxml2
 *****************************************************************/

/* Record the first error and stop the parser. */
static void
xparse_stop(TFF_XPARSE *xp, long line, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
static void
xparse_stop(TFF_XPARSE *xp, long line, const char *fmt, ...)
{
  char    reason[TFF_ERRBUFSIZE];
  va_list ap;

  if (xp->status == tffOK) {
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    xp->status = xfail(xp->name, xp->errbuf, tffEFORMAT, line, NULL, "%s", reason);
  }
  if (xp->ctxt) xmlStopParser(xp->ctxt);
}

static long
xparse_line(TFF_XPARSE *xp)
{
  return (xp->ctxt && xp->ctxt->input) ? (long) xp->ctxt->input->line : 0;
}

/* libxml2's errors and warnings: keep the first error, drop the rest. */
static void
xparse_record(TFF_XPARSE *xp, const xmlError *err)
{
  char   msg[TFF_ERRBUFSIZE];
  size_t len;

  if (xp == NULL || err == NULL || err->level < XML_ERR_ERROR || xp->status != tffOK) return;
  snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "unknown XML error");
  len = strlen(msg);
  while (len > 0 && (msg[len-1] == '\n' || msg[len-1] == ' ' || msg[len-1] == '\r')) msg[--len] = '\0';
  for (char *s = msg; *s; s++) if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
  xp->status = xfail(xp->name, xp->errbuf, tffEFORMAT, (long) err->line, NULL, "XML error: %s", msg);
}

/* Structured handler attached to the parser context (data is the context). */
static void
xparse_ctxt_error(void *data, tff_xml_error_t err)
{
  xmlParserCtxtPtr ctxt = data;
  if (ctxt) xparse_record(ctxt->_private, err);
}

/* Thread-global structured handler while we parse (anything not routed
 * through the context: memory, encoding, I/O). */
static void
xparse_global_error(void *data, tff_xml_error_t err)
{
  xparse_record(data, err);
}

#if LIBXML_VERSION < 21300
/* Generic (unstructured) messages: swallowed; the structured ones carry the text. */
static void
xparse_silent(void *data, const char *msg, ...)
{
  (void) data; (void) msg;
}
#endif

/* <!DOCTYPE root PUBLIC/SYSTEM ...>: an external subset is refused. */
static void
xparse_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;

  if (external_id || system_id) {
    xparse_stop(xp, xparse_line(xp), "DOCTYPE refers to an external DTD (%s \"%.200s\"); external DTDs are not allowed",
                system_id ? "SYSTEM" : "PUBLIC", (const char *) (system_id ? system_id : external_id));
    return;
  }
  if (xp->internal_subset) xp->internal_subset(ctx, name, external_id, system_id);
}

/* <!ENTITY ...>: any entity declaration is refused (this stops XXE and
 * entity-expansion bombs before the first reference). */
static void
xparse_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                   const xmlChar *system_id, xmlChar *content)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;
  (void) type; (void) public_id; (void) content;

  if (system_id || public_id)
    xparse_stop(xp, xparse_line(xp), "DOCTYPE declares the external entity '%.200s'; entity declarations are not allowed", (const char *) name);
  else
    xparse_stop(xp, xparse_line(xp), "DOCTYPE declares the entity '%.200s'; entity declarations are not allowed", (const char *) name);
}

static void
xparse_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                            const xmlChar *system_id, const xmlChar *notation)
{
  (void) notation;
  xparse_entity_decl(ctx, name, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, public_id, system_id, NULL);
}

/* A reference to an entity that slipped through (cannot happen once
 * declarations are refused, but make sure nothing is substituted). */
static xmlEntityPtr
xparse_get_entity(void *ctx, const xmlChar *name)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;
  xmlEntityPtr     ent  = xmlGetPredefinedEntity(name);
  if (ent) return ent;
  xparse_stop(xp, xparse_line(xp), "reference to the entity '%.200s'; entities are not allowed", (const char *) name);
  return NULL;
}

static xmlEntityPtr
xparse_get_parameter_entity(void *ctx, const xmlChar *name)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;
  xparse_stop(xp, xparse_line(xp), "reference to the parameter entity '%%%.200s;'; entities are not allowed", (const char *) name);
  return NULL;
}

/* Element start/end: count the depth. */
static void
xparse_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;

  if (xp->status != tffOK) return;
  if (++xp->depth > TFF_XML_MAX_DEPTH) {
    xparse_stop(xp, xparse_line(xp), "XML elements nested deeper than %d levels", TFF_XML_MAX_DEPTH);
    return;
  }
  xp->start_element(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
}

static void
xparse_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;
  TFF_XPARSE      *xp   = ctxt->_private;

  if (xp->status != tffOK) return;
  xp->depth--;
  xp->end_element(ctx, localname, prefix, uri);
}

/* Parse data[0..n-1] into a DOM tree, safely. On error *ret_doc is NULL and
 * errbuf says what and where. */
static int
xparse_memory(const char *name, const char *data, size_t n, xmlDocPtr *ret_doc, char *errbuf)
{
  TFF_XPARSE             xp;
  xmlParserCtxtPtr       ctxt = NULL;
  xmlDocPtr              doc  = NULL;
  int                    options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;

  *ret_doc = NULL;
  if (n > (size_t) INT_MAX)
    return xfail(name, errbuf, tffEFORMAT, 0, NULL, "XML input of %zu bytes is too large", n);

  xmlInitParser();
  memset(&xp, 0, sizeof(xp));
  xp.name   = name;
  xp.errbuf = errbuf;
  xp.status = tffOK;

  if ((ctxt = xmlNewParserCtxt()) == NULL)
    return tff_Fail(errbuf, tffEMEM, "out of memory (XML parser)");
  xp.ctxt          = ctxt;
  ctxt->_private   = &xp;
  /* Our hooks on top of libxml2's SAX2 tree builder. */
  xp.start_element   = ctxt->sax->startElementNs;
  xp.end_element     = ctxt->sax->endElementNs;
  xp.internal_subset = ctxt->sax->internalSubset;
  ctxt->sax->startElementNs      = xparse_start_element;
  ctxt->sax->endElementNs        = xparse_end_element;
  ctxt->sax->internalSubset      = xparse_internal_subset;
  ctxt->sax->externalSubset      = NULL;     /* never load an external subset */
  ctxt->sax->entityDecl          = xparse_entity_decl;
  ctxt->sax->unparsedEntityDecl  = xparse_unparsed_entity_decl;
  ctxt->sax->getEntity           = xparse_get_entity;
  ctxt->sax->getParameterEntity  = xparse_get_parameter_entity;
  ctxt->sax->resolveEntity       = NULL;
  ctxt->sax->serror              = xparse_ctxt_error;
  ctxt->sax->warning             = NULL;
  ctxt->sax->error               = NULL;
  ctxt->sax->fatalError          = NULL;

#if LIBXML_VERSION >= 21300
  /* Every message of this parse goes to our handler, none to stderr. */
  xmlCtxtSetErrorHandler(ctxt, xparse_global_error, &xp);
  doc = xmlCtxtReadMemory(ctxt, data, (int) n, name, NULL, options);
#else
  {
    /* Messages that do not go through the context: captured, not printed. */
    xmlStructuredErrorFunc old_serror      = xmlStructuredError;
    void                  *old_serror_ctx  = xmlStructuredErrorContext;
    xmlGenericErrorFunc    old_generic     = xmlGenericError;
    void                  *old_generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&xp, xparse_global_error);
    xmlSetGenericErrorFunc(NULL, xparse_silent);
    doc = xmlCtxtReadMemory(ctxt, data, (int) n, name, NULL, options);
    xmlSetStructuredErrorFunc(old_serror_ctx, old_serror);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
  }
#endif

  if (xp.status == tffOK && (doc == NULL || !ctxt->wellFormed))
    xp.status = xfail(name, errbuf, tffEFORMAT, 0, NULL, "XML error: the document is not well-formed");
  ctxt->_private = NULL;
  xmlFreeParserCtxt(ctxt);
  if (xp.status != tffOK) {
    if (doc) xmlFreeDoc(doc);
    return xp.status;
  }
  *ret_doc = doc;
  return tffOK;
}

/*****************************************************************
 * 3. DOM helpers: children, attributes, numbers
 *****************************************************************/

static int
is_elem(const xmlNode *node, const char *name)
{
  return node && node->type == XML_ELEMENT_NODE && strcasecmp((const char *) node->name, name) == 0;
}

/* First child element called name, or NULL. */
static xmlNodePtr
child(const xmlNode *parent, const char *name)
{
  if (parent == NULL) return NULL;
  for (xmlNodePtr c = parent->children; c; c = c->next)
    if (is_elem(c, name)) return c;
  return NULL;
}

/* Next sibling element called name, or NULL. */
static xmlNodePtr
next_elem(const xmlNode *node, const char *name)
{
  for (xmlNodePtr c = node->next; c; c = c->next)
    if (is_elem(c, name)) return c;
  return NULL;
}

static long
line_of(const xmlNode *node)
{
  long line = node ? xmlGetLineNo(node) : 0;
  return line > 0 ? line : 0;
}

/* Attribute value as written (no DTD defaults), a new string in *ret_val or
 * NULL if absent. Values longer than TFF_XML_MAX_ATTR are an error. */
static int
get_attr(TFF_XREAD *r, const xmlNode *node, const char *attr, const char *motif, char **ret_val)
{
  xmlChar *v = NULL;
  size_t   len;

  *ret_val = NULL;
  for (xmlAttrPtr a = node->properties; a; a = a->next) {
    if (a->ns == NULL && strcmp((const char *) a->name, attr) == 0) {
      if ((v = xmlNodeListGetString(r->doc, a->children, 1)) == NULL) v = xmlStrdup((const xmlChar *) "");
      if (v == NULL) return tff_Fail(r->errbuf, tffEMEM, "out of memory");
      break;
    }
  }
  if (v == NULL) return tffOK;
  len = strlen((const char *) v);
  if (len > TFF_XML_MAX_ATTR) {
    xmlFree(v);
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(node), motif,
                 "attribute %s of <%s> is %zu bytes long (the limit is %d)", attr, (const char *) node->name, len, TFF_XML_MAX_ATTR);
  }
  *ret_val = tff_Strdup((const char *) v);
  xmlFree(v);
  if (*ret_val == NULL) return tff_Fail(r->errbuf, tffEMEM, "out of memory");
  return tffOK;
}

/* Text content of an element, trimmed, as a new string. */
static int
get_text(TFF_XREAD *r, const xmlNode *node, const char *motif, char **ret_text)
{
  xmlChar *v = xmlNodeGetContent(node);
  char    *s, *e;
  size_t   len;

  *ret_text = NULL;
  if (v == NULL) v = xmlStrdup((const xmlChar *) "");
  if (v == NULL) return tff_Fail(r->errbuf, tffEMEM, "out of memory");
  s = (char *) v;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
  len = (size_t) (e - s);
  if (len > TFF_XML_MAX_ATTR) {
    xmlFree(v);
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(node), motif,
                 "the text of <%s> is %zu bytes long (the limit is %d)", (const char *) node->name, len, TFF_XML_MAX_ATTR);
  }
  *ret_text = tff_Strndup(s, len);
  xmlFree(v);
  if (*ret_text == NULL) return tff_Fail(r->errbuf, tffEMEM, "out of memory");
  return tffOK;
}

/* A non-negative integer: digits only, with blanks (white space) before and after
 * them allowed, as around every number of a data file (tff_io_ParseDouble()); a
 * space was refused where a tab or a line break was taken. */
static int
parse_count(const char *s, long *ret)
{
  char *end;
  long  v;
  if (s == NULL) return -1;
  while (isspace((unsigned char) *s)) s++;
  if (!isdigit((unsigned char) *s)) return -1;   /* no sign */
  errno = 0;
  v = strtol(s, &end, 10);
  while (isspace((unsigned char) *end)) end++;
  if (errno || *end != '\0' || v < 0) return -1;
  *ret = v;
  return 0;
}

/* A number such as an E-value: like strtod, but the whole string (blanks around it
 * allowed, as tff_io_ParseDouble()), and an underflow (MEME writes values such as
 * 1e-3000) is fine. */
static int
parse_number(const char *s, double *ret)
{
  double v;
  if (tff_io_ParseDouble(s, &v) != 0) return -1;
  *ret = v;
  return 0;
}

/*****************************************************************
 * 4. Alphabet, strands, background
 *****************************************************************/

static void
alph_clear(TFF_XALPH *a)
{
  for (int i = 0; i < a->n; i++) free(a->id[i]);
  a->n = 0;
}

/* Column of a letter id, or -1. */
static int
alph_col(const TFF_XALPH *a, const char *id)
{
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->id[i], id) == 0) return a->col[i];
  return -1;
}

/* The alphabet a file uses when it declares none: DNA (or RNA), ids = symbols. */
static int
alph_default(TFF_XREAD *r, int rna)
{
  const char *ids[4] = { "A", "C", "G", rna ? "U" : "T" };
  alph_clear(&r->alph);
  r->set->rna = r->set->nocomp = rna;   /* MEME's RNA has no complements */
  for (int i = 0; i < 4; i++) {
    if ((r->alph.id[i] = tff_Strdup(ids[i])) == NULL) return tff_Fail(r->errbuf, tffEMEM, "out of memory");
    r->alph.col[i] = i;
    r->alph.n = i + 1;
  }
  r->alph.line = 0;
  return tffOK;
}

/* Read <alphabet> (its <letter id symbol [equals]> children; the core letters
 * are those without `equals`). Checks the core symbols form DNA or RNA. */
static int
alph_read(TFF_XREAD *r, const xmlNode *alphabet)
{
  char   symbols[TFF_XML_MAX_LETTERS + 1];
  char  *id = NULL, *sym = NULL, *equals = NULL, *comp = NULL;
  long   line = line_of(alphabet);
  int    ns = 0, ncomp = 0;
  int    status;

  alph_clear(&r->alph);
  r->alph.line = line;
  for (xmlNodePtr l = child(alphabet, "letter"); l; l = next_elem(l, "letter")) {
    TFF_CHECK(get_attr(r, l, "equals", NULL, &equals));
    if (equals) { free(equals); equals = NULL; continue; }   /* an ambiguity code */
    TFF_CHECK(get_attr(r, l, "id", NULL, &id));
    TFF_CHECK(get_attr(r, l, "symbol", NULL, &sym));
    TFF_CHECK(get_attr(r, l, "complement", NULL, &comp));
    if (comp) { ncomp++; free(comp); comp = NULL; }
    if (id == NULL || *id == '\0')
      TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: alphabet letter without an id attribute", r->name, line_of(l));
    if (sym == NULL || strlen(sym) != 1)
      TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: alphabet letter %s: the symbol attribute must be one character", r->name, line_of(l), id);
    if (alph_col(&r->alph, id) >= 0)
      TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: alphabet letter id %s declared twice", r->name, line_of(l), id);
    if (ns >= TFF_XML_MAX_LETTERS)
      TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: alphabet has more than %d letters", r->name, line, TFF_XML_MAX_LETTERS);
    symbols[ns] = sym[0];
    r->alph.id[ns]  = id;  id = NULL;
    r->alph.col[ns] = -1;
    r->alph.n = ++ns;
    free(sym); sym = NULL;
  }
  symbols[ns] = '\0';
  if (ns == 0)
    TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: the alphabet declares no letters", r->name, line);
  TFF_CHECK(tff_io_CheckAlphabet(r->name, line, symbols, r->errbuf));
  /* RNA whose letters have no complements (MEME's RNA): Tomtom compares the given strand
   * only. DNA letters without complement attributes are MEME 4's XML (<alphabet
   * id="nucleotide">), whose DNA MEME 5 complements as its standard DNA. */
  r->set->rna    = strpbrk(symbols, "Uu") != NULL;
  r->set->nocomp = r->set->rna && ncomp == 0;

  /* Columns by symbol. tff_io_CheckAlphabet has accepted ACGT or ACGU, but
   * insist on one letter per column whatever it lets through. */
  {
    int seen[TFF_ALPHA] = { 0, 0, 0, 0 };
    for (int i = 0; i < ns; i++) {
      int c;
      switch (symbols[i]) {
      case 'A': case 'a': c = 0; break;
      case 'C': case 'c': c = 1; break;
      case 'G': case 'g': c = 2; break;
      case 'T': case 't': case 'U': case 'u': c = 3; break;
      default: c = -1; break;
      }
      if (c < 0 || seen[c]++)
        TFF_FAIL(tffEFORMAT, r->errbuf, "tffam works on DNA motifs; %s uses alphabet %s", r->name, symbols);
      r->alph.col[i] = c;
    }
    if (ns != TFF_ALPHA)
      TFF_FAIL(tffEFORMAT, r->errbuf, "tffam works on DNA motifs; %s uses alphabet %s", r->name, symbols);
  }
  return tffOK;

 ERROR:
  free(id); free(sym); free(equals); free(comp);
  return status;
}

/* <strands>both|forward|none|given</strands> -> set->strands ("given": DREME -norc,
 * the sequences' own strand only, as MEME's reader takes it). */
static int
read_strands(TFF_XREAD *r, const xmlNode *model)
{
  xmlNodePtr s = child(model, "strands");
  char      *text = NULL;
  int        status;

  if (s == NULL) return tffOK;
  TFF_CHECK(get_text(r, s, NULL, &text));
  if      (strcmp(text, "both") == 0)                                   r->set->strands = 2;
  else if (strcmp(text, "forward") == 0 || strcmp(text, "none") == 0 || strcmp(text, "given") == 0) r->set->strands = 1;
  else TFF_FAIL(tffEFORMAT, r->errbuf, "%s line %ld: strands must be both, forward, given or none, not '%s'", r->name, line_of(s), text);
  free(text);
  return tffOK;
 ERROR:
  free(text);
  return status;
}

/* Check and store a background, scaled to sum to 1 as the MEME text reader
 * scales its "Background letter frequencies" (MEME Suite prints them to three
 * decimals, so their sum is often 0.999 or 1.001): the same run's text and
 * XML then give the same background, and the same calls. */
static int
set_background(TFF_XREAD *r, const double bg[TFF_ALPHA], long line)
{
  double sum = 0.0;
  for (int a = 0; a < TFF_ALPHA; a++) {
    if (!isfinite(bg[a]) || bg[a] < 0.0)
      return xfail(r->name, r->errbuf, tffEFORMAT, line, NULL, "background frequency of %c is not a non-negative number", tff_alphabet[a]);
    sum += bg[a];
  }
  if (fabs(sum - 1.0) > TFF_ROW_SUM_TOL)
    return xfail(r->name, r->errbuf, tffEFORMAT, line, NULL, "background frequencies sum to %g, not 1", sum);
  for (int a = 0; a < TFF_ALPHA; a++) r->set->bg[a] = bg[a] / sum;
  r->set->has_bg = 1;
  return tffOK;
}

/* <alphabet_array><value letter_id="X">p</value>...</alphabet_array> -> row[4].
 * Letters outside the core (none in practice) are an error. */
static int
read_alphabet_array(TFF_XREAD *r, const xmlNode *array, const char *motif, double row[TFF_ALPHA])
{
  int   seen[TFF_ALPHA] = { 0, 0, 0, 0 };
  char *lid = NULL, *text = NULL;
  int   status;

  for (xmlNodePtr v = child(array, "value"); v; v = next_elem(v, "value")) {
    int c;
    TFF_CHECK(get_attr(r, v, "letter_id", motif, &lid));
    if (lid == NULL)
    { status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(v), motif, "<value> without a letter_id attribute"); goto ERROR; }
    if ((c = alph_col(&r->alph, lid)) < 0) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(v), motif, "unknown letter_id '%s'", lid);
      goto ERROR;
    }
    if (seen[c]++) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(v), motif, "letter_id '%s' given twice", lid);
      goto ERROR;
    }
    TFF_CHECK(get_text(r, v, motif, &text));
    if (tff_io_ParseDouble(text, &row[c]) != 0) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(v), motif, "value '%s' of letter_id '%s' is not a number", text, lid);
      goto ERROR;
    }
    free(lid);  lid = NULL;
    free(text); text = NULL;
  }
  for (int a = 0; a < TFF_ALPHA; a++)
    if (!seen[a]) {
      const char *lname = "?";
      for (int i = 0; i < r->alph.n; i++) if (r->alph.col[i] == a) lname = r->alph.id[i];
      return xfail(r->name, r->errbuf, tffEFORMAT, line_of(array), motif, "no value for letter_id '%s'", lname);
    }
  return tffOK;
 ERROR:
  free(lid); free(text);
  return status;
}

/* Attributes named by letter id (<pos A=".." C=".." .../>, DREME/STREME
 * <background A= ...>) -> row[4]. Other attributes are ignored. */
static int
read_letter_attrs(TFF_XREAD *r, const xmlNode *node, const char *motif, double row[TFF_ALPHA])
{
  int   seen[TFF_ALPHA] = { 0, 0, 0, 0 };
  char *val = NULL;
  int   status;

  for (xmlAttrPtr a = node->properties; a; a = a->next) {
    int c;
    if (a->ns != NULL || (c = alph_col(&r->alph, (const char *) a->name)) < 0) continue;
    if (seen[c]++) {   /* two ids mapping to one column: cannot happen with a checked alphabet */
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(node), motif, "letter %s given twice", (const char *) a->name);
      goto ERROR;
    }
    TFF_CHECK(get_attr(r, node, (const char *) a->name, motif, &val));
    if (tff_io_ParseDouble(val, &row[c]) != 0) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(node), motif, "value '%s' of letter %s is not a number", val, (const char *) a->name);
      goto ERROR;
    }
    free(val); val = NULL;
  }
  for (int c = 0; c < TFF_ALPHA; c++)
    if (!seen[c]) {
      const char *lname = "?";
      for (int i = 0; i < r->alph.n; i++) if (r->alph.col[i] == c) lname = r->alph.id[i];
      return xfail(r->name, r->errbuf, tffEFORMAT, line_of(node), motif, "<%s> has no value for letter %s", (const char *) node->name, lname);
    }
  return tffOK;
 ERROR:
  free(val);
  return status;
}

/* model/background_frequencies/alphabet_array (MEME, STREME >= 5.3). */
static int
read_bg_frequencies(TFF_XREAD *r, const xmlNode *bf)
{
  xmlNodePtr arr = child(bf, "alphabet_array");
  double     bg[TFF_ALPHA];
  int        status;

  if (arr == NULL)
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(bf), NULL, "<background_frequencies> without <alphabet_array>");
  TFF_CHECK(read_alphabet_array(r, arr, NULL, bg));
  return set_background(r, bg, line_of(arr));
 ERROR:
  return status;
}

/*****************************************************************
 * 5. Motifs: MEME, STREME, DREME
 *****************************************************************/

/* The width attribute, checked. */
static int
read_width(TFF_XREAD *r, const xmlNode *m, const char *attr, const char *id, long *ret_w)
{
  char *s = NULL;
  int   status;

  TFF_CHECK(get_attr(r, m, attr, id, &s));
  if (s == NULL)
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "no %s attribute", attr);
  if (parse_count(s, ret_w) != 0) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "%s '%s' is not a whole number", attr, s);
    goto ERROR;
  }
  if (*ret_w > TFF_MAX_MOTIF_WIDTH) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "%s %ld is larger than the limit of %d", attr, *ret_w, TFF_MAX_MOTIF_WIDTH);
    goto ERROR;
  }
  free(s);
  return tffOK;
 ERROR:
  free(s);
  return status;
}

/* An optional numeric attribute; *ret untouched if absent. With opt_log10 it
 * is an E-value (MEME's e_value, DREME's evalue): not negative, and its log10
 * taken from the text, exact where the double underflows (e_value="1.2e-1234");
 * both stay as they are (NAN) if it is absent. */
static int
read_attr(TFF_XREAD *r, const xmlNode *m, const char *attr, const char *id, double *ret, int *opt_present, double *opt_log10)
{
  char *s = NULL;
  int   status;

  if (opt_present) *opt_present = 0;
  TFF_CHECK(get_attr(r, m, attr, id, &s));
  if (s == NULL) return tffOK;
  if (opt_log10 ? tff_io_ParseEvalue(s, ret, opt_log10) != 0 : (parse_number(s, ret) != 0 || isnan(*ret))) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "%s '%s' is not %s", attr, s, opt_log10 ? "an E-value" : "a number");
    goto ERROR;
  }
  if (opt_present) *opt_present = 1;
  free(s);
  return tffOK;
 ERROR:
  free(s);
  return status;
}

static int
read_number_attr(TFF_XREAD *r, const xmlNode *m, const char *attr, const char *id, double *ret, int *opt_present)
{
  return read_attr(r, m, attr, id, ret, opt_present, NULL);
}

static int
read_evalue_attr(TFF_XREAD *r, const xmlNode *m, const char *attr, const char *id, double *ret_e, double *ret_log10)
{
  return read_attr(r, m, attr, id, ret_e, NULL, ret_log10);
}

/* Build a motif from its rows (the row elements, in order: <alphabet_array>
 * for MEME, <pos> for STREME/DREME), check it and add it to the set.
 * Takes ownership of id and alt. */
static int
finish_motif(TFF_XREAD *r, const xmlNode *m, char *id, char *alt, long w,
             const xmlNode *first_row, const char *row_name, int pos_rows, double nsites, double evalue,
             double log10_evalue, char *url)
{
  TFF_MOTIF *motif = NULL;
  long       nrows = 0;
  long       i;
  int        status;

  for (const xmlNode *x = first_row; x; x = next_elem(x, row_name)) nrows++;
  if (nrows == 0)
  { status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "empty matrix (no <%s> rows)", row_name); goto ERROR; }
  if (nrows != w) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id,
                   "width %ld but the matrix has %ld row%s", w, nrows, nrows == 1 ? "" : "s");
    goto ERROR;
  }
  TFF_CHECK(tff_motif_Create(id, alt, (int) w, &motif, r->errbuf));
  motif->line   = line_of(m);
  motif->nsites = nsites;
  motif->evalue = evalue;
  motif->log10_evalue = log10_evalue;
  motif->url    = url;  url = NULL;

  i = 0;
  for (const xmlNode *x = first_row; x; x = next_elem(x, row_name), i++) {
    double *row = motif->p + i * TFF_ALPHA;
    char    reason[TFF_ERRBUFSIZE];
    if (pos_rows) TFF_CHECK(read_letter_attrs(r, x, id, row));
    else          TFF_CHECK(read_alphabet_array(r, x, id, row));
    if (tff_motif_ValidateRow(row, (int) i, reason) != tffOK) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(x), id, "%s", reason);
      goto ERROR;
    }
  }
  tff_motif_Normalize(motif);
  free(id); free(alt);
  return tff_motifset_Add(r->set, motif, r->errbuf);   /* takes motif */

 ERROR:
  tff_motif_Destroy(motif);
  free(id); free(alt); free(url);
  return status;
}

/* Motif IDs and alt names are single words (MEME text and the reports need
 * that). An ID with white space or a control character is refused. An alt
 * name is a free label in XML (a user's "Sox2 motif"): each run of blanks
 * (space, tab, newline) in it becomes one '_', so the name survives as one
 * word; other control characters are refused. Empty alt becomes NULL. */
static int
check_names(TFF_XREAD *r, const xmlNode *m, const char *attr, const char *id, char **alt)
{
  for (const unsigned char *s = (const unsigned char *) id; *s; s++)
    if (*s <= ' ' || *s == 0x7f)
      return xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), NULL,
                   "motif ID '%.200s' (the %s attribute) contains white space or a control character", id, attr);
  if (*alt) {
    char *d = *alt;
    for (const char *s = *alt; *s; ) {
      unsigned char c = (unsigned char) *s;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        if (d != *alt && *s) *d++ = '_';   /* leading and trailing blanks go */
        continue;
      }
      if (c < ' ' || c == 0x7f)
        return xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id,
                     "alt name '%.200s' contains a control character (byte 0x%02x)", *alt, c);
      *d++ = *s++;
    }
    *d = '\0';
  }
  if (*alt && **alt == '\0') { free(*alt); *alt = NULL; }
  return tffOK;
}

/* The motif's ID (attribute idattr; messages name the motif by its number
 * when it has none) and its alt name (NULL if none), checked by
 * check_names(); the caller frees both. */
static int
read_motif_names(TFF_XREAD *r, const xmlNode *m, int index, const char *idattr, char **ret_id, char **ret_alt)
{
  char  label[64];
  char *id = NULL, *alt = NULL;
  int   status;

  TFF_CHECK(get_attr(r, m, idattr, NULL, &id));
  if (id == NULL || *id == '\0') {
    snprintf(label, sizeof(label), "#%d", index);
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), label, "no %s attribute (the motif ID)", idattr);
    goto ERROR;
  }
  TFF_CHECK(get_attr(r, m, "alt", id, &alt));
  TFF_CHECK(check_names(r, m, idattr, id, &alt));
  *ret_id = id; *ret_alt = alt;
  return tffOK;
 ERROR:
  free(id); free(alt);
  *ret_id = *ret_alt = NULL;
  return status;
}

/* MEME: <motif id name alt width sites e_value url> with
 * probabilities/alphabet_matrix/alphabet_array rows. */
static int
read_meme_motif(TFF_XREAD *r, const xmlNode *m, int index)
{
  char      *id = NULL, *alt = NULL, *url = NULL;
  long       w;
  double     nsites = 0.0, evalue = NAN, log10_evalue = NAN;
  xmlNodePtr prob, mat;
  int        status;

  TFF_CHECK(read_motif_names(r, m, index, "name", &id, &alt));
  TFF_CHECK(get_attr(r, m, "url", id, &url));
  if (url && *url == '\0') { free(url); url = NULL; }
  TFF_CHECK(read_width(r, m, "width", id, &w));
  TFF_CHECK(read_number_attr(r, m, "sites", id, &nsites, NULL));
  TFF_CHECK(read_evalue_attr(r, m, "e_value", id, &evalue, &log10_evalue));
  if (!isfinite(nsites) || nsites < 0.0 || nsites > TFF_MAX_NSITES) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "sites must be a number from 0 to 1e+09");
    goto ERROR;
  }
  if ((prob = child(m, "probabilities")) == NULL || (mat = child(prob, "alphabet_matrix")) == NULL) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "empty matrix (no probabilities/alphabet_matrix)");
    goto ERROR;
  }
  return finish_motif(r, m, id, alt, w, child(mat, "alphabet_array"), "alphabet_array", 0, nsites, evalue, log10_evalue, url);
 ERROR:
  free(id); free(alt); free(url);
  return status;
}

/* STREME: <motif id alt width train_pos_count test_pos_count ... > with <pos/> rows.
 * nsites = train_pos_count + test_pos_count (or an nsites attribute);
 * E-value = 10^test_log_evalue if there was a test set (STREME 5.4 on: the "E="
 * of its own streme.txt), else 10^test_log_pvalue (older STREME wrote no
 * E-value), and without a test set 10^train_log_pvalue (streme.txt's "S="). */
static int
read_streme_motif(TFF_XREAD *r, const xmlNode *m, int index)
{
  char  *id = NULL, *alt = NULL;
  long   w;
  double nsites = 0.0, evalue = NAN, log10_evalue = NAN, v;
  double train_pos = 0, test_pos = 0, test_neg = 0, train_lp = NAN, test_lp = NAN, test_le = NAN;
  int    have;
  int    status;

  TFF_CHECK(read_motif_names(r, m, index, "id", &id, &alt));
  TFF_CHECK(read_width(r, m, "width", id, &w));
  TFF_CHECK(read_number_attr(r, m, "train_pos_count", id, &train_pos, NULL));
  TFF_CHECK(read_number_attr(r, m, "test_pos_count",  id, &test_pos,  NULL));
  TFF_CHECK(read_number_attr(r, m, "test_neg_count",  id, &test_neg,  NULL));
  TFF_CHECK(read_number_attr(r, m, "train_log_pvalue", id, &train_lp, NULL));
  TFF_CHECK(read_number_attr(r, m, "test_log_pvalue",  id, &test_lp,  NULL));
  TFF_CHECK(read_number_attr(r, m, "test_log_evalue",  id, &test_le,  NULL));
  nsites = train_pos + test_pos;
  TFF_CHECK(read_number_attr(r, m, "nsites", id, &v, &have));
  if (have) nsites = v;
  if (!isfinite(nsites) || nsites < 0.0 || nsites > TFF_MAX_NSITES) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "the number of sites must be a number from 0 to 1e+09");
    goto ERROR;
  }
  /* the log10 kept as well: 10^-1234.5 underflows the double */
  if (test_pos + test_neg > 0 && isfinite(test_le))      log10_evalue = test_le;
  else if (test_pos + test_neg > 0 && isfinite(test_lp)) log10_evalue = test_lp;
  else if (isfinite(train_lp))                           log10_evalue = train_lp;
  if (!isnan(log10_evalue)) evalue = pow(10.0, log10_evalue);
  return finish_motif(r, m, id, alt, w, child(m, "pos"), "pos", 1, nsites, evalue, log10_evalue, NULL);
 ERROR:
  free(id); free(alt);
  return status;
}

/* DREME: <motif id alt seq length nsites evalue> with <pos/> rows. */
static int
read_dreme_motif(TFF_XREAD *r, const xmlNode *m, int index)
{
  char  *id = NULL, *alt = NULL;
  long   w;
  double nsites = 0.0, evalue = NAN, log10_evalue = NAN;
  int    status;

  TFF_CHECK(read_motif_names(r, m, index, "seq", &id, &alt));
  TFF_CHECK(read_width(r, m, "length", id, &w));
  TFF_CHECK(read_number_attr(r, m, "nsites", id, &nsites, NULL));
  TFF_CHECK(read_evalue_attr(r, m, "evalue", id, &evalue, &log10_evalue));
  if (!isfinite(nsites) || nsites < 0.0 || nsites > TFF_MAX_NSITES) {
    status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(m), id, "nsites must be a number from 0 to 1e+09");
    goto ERROR;
  }
  return finish_motif(r, m, id, alt, w, child(m, "pos"), "pos", 1, nsites, evalue, log10_evalue, NULL);
 ERROR:
  free(id); free(alt);
  return status;
}

/* The whole document, for each format. */
static int
read_meme(TFF_XREAD *r, const xmlNode *root)
{
  xmlNodePtr ts    = child(root, "training_set");
  xmlNodePtr model = child(root, "model");
  xmlNodePtr alph  = ts ? child(ts, "alphabet") : NULL;
  xmlNodePtr motifs, bf;
  int        index = 0;
  int        status;

  if (alph) TFF_CHECK(alph_read(r, alph));
  else      TFF_CHECK(alph_default(r, 0));
  if (model) {
    TFF_CHECK(read_strands(r, model));
    if ((bf = child(model, "background_frequencies")) != NULL) TFF_CHECK(read_bg_frequencies(r, bf));
  }
  if ((motifs = child(root, "motifs")) == NULL)
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(root), NULL, "<MEME> has no <motifs> element");
  for (xmlNodePtr m = child(motifs, "motif"); m; m = next_elem(m, "motif"))
    TFF_CHECK(read_meme_motif(r, m, ++index));
  return tffOK;
 ERROR:
  return status;
}

static int
read_streme_or_dreme(TFF_XREAD *r, const xmlNode *root, int is_dreme)
{
  xmlNodePtr model = child(root, "model");
  xmlNodePtr alph  = model ? child(model, "alphabet") : NULL;
  xmlNodePtr motifs, bf, bg;
  char      *type = NULL;
  double     row[TFF_ALPHA];
  int        index = 0;
  int        status;

  bg = model ? child(model, "background") : NULL;
  if (alph) TFF_CHECK(alph_read(r, alph));
  else {
    /* Older files: no alphabet; <background type="dna|rna" A= ...>. */
    if (bg) TFF_CHECK(get_attr(r, bg, "type", NULL, &type));
    if (type && strcasecmp(type, "dna") != 0 && strcasecmp(type, "rna") != 0) {
      status = xfail(r->name, r->errbuf, tffEFORMAT, line_of(bg), NULL, "tffam works on DNA motifs; %s uses alphabet %s", r->name, type);
      goto ERROR;
    }
    TFF_CHECK(alph_default(r, type && strcasecmp(type, "rna") == 0));
    free(type); type = NULL;
  }
  if (model) {
    TFF_CHECK(read_strands(r, model));
    if ((bf = child(model, "background_frequencies")) != NULL) TFF_CHECK(read_bg_frequencies(r, bf));
    else if (bg) {
      TFF_CHECK(read_letter_attrs(r, bg, NULL, row));
      TFF_CHECK(set_background(r, row, line_of(bg)));
    }
  }
  if ((motifs = child(root, "motifs")) == NULL)
    return xfail(r->name, r->errbuf, tffEFORMAT, line_of(root), NULL, "<%s> has no <motifs> element", (const char *) root->name);
  for (xmlNodePtr m = child(motifs, "motif"); m; m = next_elem(m, "motif")) {
    if (is_dreme) TFF_CHECK(read_dreme_motif(r, m, ++index));
    else          TFF_CHECK(read_streme_motif(r, m, ++index));
  }
  return tffOK;
 ERROR:
  free(type);
  return status;
}

/*****************************************************************
 * 6. The entry point
 *****************************************************************/

/* Function:  tff_io_xml_Parse()
 * Synopsis:  Read a MEME, STREME or DREME XML document into <set>.
 * Purpose:   Parses data[0..n-1] (name is used in messages) with libxml2,
 *            hardened against hostile input (section 2), and adds every
 *            motif to <set> in document order; records the background
 *            (set->bg, set->has_bg), the strands (set->strands) and the
 *            format name (set->format).
 * Returns:   tffOK; tffEFORMAT with "NAME line N: [motif ID: ]reason" in
 *            errbuf; tffEMEM. On error <set> may hold some motifs: the
 *            caller frees it.
 */
int
tff_io_xml_Parse(const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf)
{
  TFF_XREAD  r;
  xmlNodePtr root;
  int        status;

  memset(&r, 0, sizeof(r));
  r.name   = name ? name : "-";
  r.errbuf = errbuf;
  r.set    = set;
  TFF_CHECK(xparse_memory(r.name, data, n, &r.doc, errbuf));

  if ((root = xmlDocGetRootElement(r.doc)) == NULL)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: XML document without a root element", r.name);
  if (is_elem(root, "MEME")) {
    set->format = "MEME XML";
    TFF_CHECK(read_meme(&r, root));
  } else if (is_elem(root, "STREME")) {
    set->format = "STREME XML";
    TFF_CHECK(read_streme_or_dreme(&r, root, 0));
  } else if (is_elem(root, "dreme")) {
    set->format = "DREME XML";
    TFF_CHECK(read_streme_or_dreme(&r, root, 1));
  } else {
    status = xfail(r.name, errbuf, tffEFORMAT, line_of(root), NULL,
                   "the root element <%.100s> is not MEME, STREME or dreme", (const char *) root->name);
    goto ERROR;
  }
  alph_clear(&r.alph);
  xmlFreeDoc(r.doc);
  return tffOK;

 ERROR:
  alph_clear(&r.alph);
  if (r.doc) xmlFreeDoc(r.doc);
  return status;
}

/*****************************************************************
 * 7. Unit test driver
 *****************************************************************/
#ifdef tffIO_XML_TESTDRIVE
#include "tff_utest.h"
/* Build:  make src/tff_io_xml_utest
 * Run:    ./src/tff_io_xml_utest   (exit 0 on success, 1 at the first failure)
 */

static int
parse_string(const char *xml, TFF_MOTIFSET **ret_set, char *errbuf)
{
  TFF_MOTIFSET *set = NULL;
  int           status;
  if ((status = tff_motifset_Create("snippet.xml", &set, errbuf)) != tffOK) return status;
  if ((status = tff_io_xml_Parse("snippet.xml", xml, strlen(xml), set, errbuf)) != tffOK) {
    tff_motifset_Destroy(set);
    *ret_set = NULL;
    return status;
  }
  *ret_set = set;
  return tffOK;
}

static const char *streme_snippet =
  "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
  "<STREME version=\"5.5.5\" release=\"Thu Sep 14 08:48:04 2023 +1000\">\n"
  "  <model>\n"
  "    <alphabet name=\"DNA\" like=\"dna\">\n"
  "      <letter id=\"A\" symbol=\"A\" complement=\"T\" name=\"Adenine\" colour=\"CC0000\"/>\n"
  "      <letter id=\"C\" symbol=\"C\" complement=\"G\" name=\"Cytosine\" colour=\"0000CC\"/>\n"
  "      <letter id=\"G\" symbol=\"G\" complement=\"C\" name=\"Guanine\" colour=\"FFB300\"/>\n"
  "      <letter id=\"T\" symbol=\"T\" aliases=\"U\" complement=\"A\" name=\"Thymine\" colour=\"008000\"/>\n"
  "      <letter id=\"N\" symbol=\"N\" aliases=\"X.\" equals=\"ACGT\" name=\"Any base\"/>\n"
  "    </alphabet>\n"
  "    <strands>forward</strands>\n"
  "    <background_frequencies source=\"--negatives--\" order=\"0\">\n"
  "      <alphabet_array>\n"
  "        <value letter_id=\"A\">0.3</value><value letter_id=\"C\">0.2</value>\n"
  "        <value letter_id=\"G\">0.2</value><value letter_id=\"T\">0.3</value>\n"
  "      </alphabet_array>\n"
  "    </background_frequencies>\n"
  "  </model>\n"
  "  <motifs>\n"
  "    <motif id=\"1-CACGTG\" alt=\"STREME-1\" width=\"2\" train_pos_count=\"30\" test_pos_count=\"5\""
  " test_neg_count=\"1\" train_log_pvalue=\"-8\" test_log_pvalue=\"-3\">\n"
  "      <pos A=\"0.1\" C=\"0.7\" G=\"0.1\" T=\"0.1\"/>\n"
  "      <pos A=\"0.25\" C=\"0.25\" G=\"0.25\" T=\"0.25\"/>\n"
  "    </motif>\n"
  "  </motifs>\n"
  "</STREME>\n";

static void
utest_streme(void)
{
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET *set = NULL;
  TFF_MOTIF    *m;

  TFF_UCHECK(parse_string(streme_snippet, &set, errbuf) == tffOK, "parse failed: %s", errbuf);
  TFF_UCHECK(set->n == 1, "%d motifs", set->n);
  m = set->m[0];
  TFF_UCHECK(strcmp(m->id, "1-CACGTG") == 0, "id %s", m->id);
  TFF_UCHECK(m->alt && strcmp(m->alt, "STREME-1") == 0, "alt");
  TFF_UCHECK(m->w == 2, "w %d", m->w);
  TFF_UCHECK(m->p[1] == 0.7 && m->p[4] == 0.25, "values");
  TFF_UCHECK(m->nsites == 35.0, "nsites %g", m->nsites);
  TFF_UCHECK(fabs(m->evalue - 1e-3) < 1e-12, "evalue %g", m->evalue);
  TFF_UCHECK(m->line == 20, "line %ld", m->line);
  TFF_UCHECK(set->strands == 1, "strands %d", set->strands);
  TFF_UCHECK(set->has_bg && set->bg[0] == 0.3 && set->bg[1] == 0.2, "bg");
  TFF_UCHECK(strcmp(set->format, "STREME XML") == 0, "format");
  tff_motifset_Destroy(set);
}

/* Custom letter ids (id != symbol), RNA mapped to DNA, columns out of order. */
static void
utest_letter_ids(void)
{
  const char *xml =
    "<STREME version=\"5.5.5\" release=\"x\"><model>\n"
    "<alphabet name=\"RNA\" like=\"rna\">\n"
    "<letter id=\"x41\" symbol=\"A\"/><letter id=\"x43\" symbol=\"C\"/>\n"
    "<letter id=\"x47\" symbol=\"G\"/><letter id=\"x55\" symbol=\"U\"/>\n"
    "</alphabet><strands>none</strands></model>\n"
    "<motifs><motif id=\"m1\" alt=\"x\" width=\"1\">\n"
    "<pos x55=\"0.4\" x47=\"0.3\" x43=\"0.2\" x41=\"0.1\"/></motif></motifs></STREME>\n";
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET *set = NULL;

  TFF_UCHECK(parse_string(xml, &set, errbuf) == tffOK, "parse failed: %s", errbuf);
  TFF_UCHECK(set->m[0]->p[0] == 0.1 && set->m[0]->p[3] == 0.4, "columns");
  TFF_UCHECK(set->strands == 1, "strands");
  TFF_UCHECK(!set->has_bg, "has_bg");
  tff_motifset_Destroy(set);
}

/* Hostile or broken inputs: the right error, never a crash. */
static void
utest_errors(void)
{
  static const struct { const char *xml; const char *expect; } cases[] = {
    { "<STREME><model>", "snippet.xml line 1: XML error: " },
    { "<!DOCTYPE STREME [<!ENTITY x \"y\">]><STREME/>", "snippet.xml line 1: DOCTYPE declares the entity 'x'; entity declarations are not allowed" },
    { "<!DOCTYPE STREME SYSTEM \"http://example.org/x.dtd\"><STREME/>",
      "snippet.xml line 1: DOCTYPE refers to an external DTD (SYSTEM \"http://example.org/x.dtd\"); external DTDs are not allowed" },
    { "<other/>", "snippet.xml line 1: the root element <other> is not MEME, STREME or dreme" },
    { "<STREME><motifs><motif id=\"a\" width=\"2\"><pos A=\"1\" C=\"0\" G=\"0\" T=\"0\"/></motif></motifs></STREME>",
      "snippet.xml line 1: motif a: width 2 but the matrix has 1 row" },
    { "<STREME><motifs><motif id=\"a\" width=\"0\"></motif></motifs></STREME>",
      "snippet.xml line 1: motif a: empty matrix (no <pos> rows)" },
  };
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET *set = NULL;

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    errbuf[0] = '\0';
    TFF_UCHECK(parse_string(cases[i].xml, &set, errbuf) == tffEFORMAT, "case %zu parsed", i);
    TFF_UCHECK(strncmp(errbuf, cases[i].expect, strlen(cases[i].expect)) == 0, "case %zu: got '%s'", i, errbuf);
  }
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_io_xml_utest", NULL);
  utest_streme();
  utest_letter_ids();
  utest_errors();
  return tff_utest_Done();
}
#endif /* tffIO_XML_TESTDRIVE */
