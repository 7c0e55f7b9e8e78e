/* tff_io_xml: MEME, STREME and DREME XML. Placeholder until the XML readers land:
 * refuses XML input with a clear error. (Replaced by the libxml2 implementation.) */
#include <config.h>
#include "tff_io_internal.h"
#include "tff_util.h"

int
tff_io_xml_Parse(const char *name, const char *data, size_t n, TFF_MOTIFSET *set, char *errbuf)
{
  (void) data; (void) n; (void) set;
  return tff_Fail(errbuf, tffEFORMAT, "%s: XML motif files are not supported yet", name);
}
