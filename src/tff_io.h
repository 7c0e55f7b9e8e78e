/* tff_io: the front door for motif files.
 *
 * tff_io_ReadMotifs() opens a path ("-" is standard input), decompresses gzip
 * transparently (zlib; a truncated gzip stream is an error), refuses files
 * larger than TFF_MAX_INPUT_BYTES, detects the format from the content (never
 * from the file name), parses, validates and returns a TFF_MOTIFSET.
 *
 * Formats (doc/motif-formats.md describes each):
 *   MEME text   "MEME version N" header, MOTIF blocks, letter-probability matrices
 *   MEME XML    <MEME> root (meme.xml); the motif id is the name attribute
 *   STREME XML  <STREME> root (streme.xml); the motif id is the id attribute
 *   DREME XML   <dreme> root (dreme.xml); the motif id is the seq attribute
 *   JASPAR      ">ID name" then four count rows "A [ 1 2 3 ]"
 *
 * Every error names the file, the line (or XML element) and the motif.
 * Nothing is returned on error: a partially read set is freed.
 *
 * Contents:
 *   1. Reading
 *   2. Writing (MEME text: tffam -dump-motifs)
 */
#ifndef TFF_IO_INCLUDED
#define TFF_IO_INCLUDED

#include <stdio.h>
#include <stddef.h>

#include "tff_motif.h"
#include "tff_util.h"

#define TFF_MAX_INPUT_BYTES ((size_t) 256 << 20)   /* 256 MiB after decompression: a gzip bomb stops here */

/* 1. Reading */

/* Function:  tff_io_ReadMotifs()
 * Synopsis:  Read every motif of a file (any supported format, gzip or not).
 * Returns:   tffOK and *ret_set; tffENOTFOUND (cannot open), tffEFORMAT (bad
 *            content: errbuf says where), tffEMEM.
 */
int tff_io_ReadMotifs(const char *path, TFF_MOTIFSET **ret_set, char *errbuf);

/* Function:  tff_io_ReadMotifsFlags()
 * Synopsis:  tff_io_ReadMotifs() with flags. tffIO_SKIP_DUP_IDS: a motif
 *            whose id repeats an earlier one's is skipped, not an error (the
 *            set's nskip counts them; tff_motifset_SkipNote() words it for a
 *            warning). Tomtom 5.5.8 does the same (its E-values count the
 *            database without them). tffam's and tffam-compare's motif files
 *            are read so; a labelled set, whose labels go by id, is not.
 */
#define tffIO_SKIP_DUP_IDS 1
int tff_io_ReadMotifsFlags(const char *path, int flags, TFF_MOTIFSET **ret_set, char *errbuf);

/* Function:  tff_io_ReadMotifsSelect()
 * Synopsis:  tff_io_ReadMotifsFlags() keeping only the motifs Tomtom's -m
 *            (ids) and -mi (numbers, as text: "3") select, as Tomtom 5.5.8
 *            selects them: by id, or by the motif's number in the file
 *            counting every motif (repeated ids included), and only then
 *            skipping repeated ids. nids + nidx == 0: every motif. An id or
 *            number that selects nothing is passed over, as Tomtom passes over
 *            it, while something else is selected: *ret_missing (the caller
 *            frees it) then words what is missing for a warning ("no motif
 *            with id X, Y (-m); no motif number 9 (-mi); the file has 8");
 *            NULL when nothing is.
 * Returns:   tffOK; tffEUSAGE (an -mi that is no number); tffENOTFOUND (the
 *            selection found no motif; errbuf names the file and what is
 *            missing); as tff_io_ReadMotifsFlags().
 */
int tff_io_ReadMotifsSelect(const char *path, int flags, char **ids, int nids, char **idxv, int nidx, TFF_MOTIFSET **ret_set,
                            char **ret_missing, char *errbuf);

/* Function:  tff_bg_Read()
 * Synopsis:  Read a MEME background file (-bfile): order-0 lines "A 0.3" (U for T;
 *            higher-order lines such as "AA 0.1" are skipped), '#' comments, as
 *            any input (gzip, '-', a byte order mark, any line length). The four
 *            frequencies are normalised to sum to 1 into bg, which is left as it
 *            was on error. MEME Suite's names that are not files work as they
 *            do there: "--uniform--" (0.25 each), "--nrdb--" (the non-redundant
 *            database's frequencies, A 0.281774 C 0.222020 G 0.228876
 *            T 0.267330) and "--motif--" (also "--motif-file--", "motif-file":
 *            the motif file's own, so bg is left as it is).
 * Returns:   tffOK; tffENOTFOUND, tffEFORMAT (file and line in errbuf), tffEMEM.
 */
int tff_bg_Read(const char *path, double bg[TFF_ALPHA], char *errbuf);
/* tff_bg_KeepsMotifs(): 1 if path is one of the names for the motif file's own background. */
int tff_bg_KeepsMotifs(const char *path);
/* tff_bg_Parse(): the same from a buffer (data, n bytes; name for messages). */
int tff_bg_Parse(const char *name, const char *data, size_t n, double bg[TFF_ALPHA], char *errbuf);

/* Read a whole file (or "-" = stdin) into memory, gunzipping if needed.
 * A file that cannot be opened is tffENOTFOUND, "cannot open <kind> <path>: <reason>";
 * tff_io_Slurp() says "file". "-" a second time in one process is tffEINVAL
 * (standard input was read already). */
int tff_io_Slurp(const char *path, TFF_BUF *buf, char *errbuf);
int tff_io_SlurpKind(const char *path, const char *kind, TFF_BUF *buf, char *errbuf);

/* tff_io_CheckCrcLine(): tffam's data files (combiners, k-mer models) may end in a line
 * "crc32 XXXXXXXX", the CRC-32 of every byte before it. If the last line of data (n bytes)
 * starts with "crc32 " it must be that line and match: then *n becomes the length of what
 * it covers. A file without one is left as it is. Returns tffOK; tffEFORMAT ("<name>:
 * corrupted <kind>: checksum ... recorded, ... computed", or a malformed line). */
int tff_io_CheckCrcLine(const char *name, const char *kind, const char *data, size_t *n, char *errbuf);

/* tff_io_CheckMagic(): line 1 of such a file, "<magic> <version>" (line, NUL-terminated).
 * Returns tffOK; tffEFORMAT "<name> line 1: not a tffam <kind> (expected '<magic> <version>')";
 * tffEINCOMPAT "<name> line 1: <kind> format version N (this tffam reads <version>)". */
int tff_io_CheckMagic(const char *name, const char *kind, const char *line, const char *magic, int version, char *errbuf);

/* Detect the format of a buffer and parse it (after a UTF-8 byte order mark,
 * in any format; lines may end in \n, \r\n or \r). `name` is used in messages.
 * This is the entry point the fuzz targets use. */
int tff_io_ParseBuffer(const char *name, const char *data, size_t n, TFF_MOTIFSET **ret_set, char *errbuf);
int tff_io_ParseBufferFlags(const char *name, const char *data, size_t n, int flags, TFF_MOTIFSET **ret_set, char *errbuf);

/* Which format the content looks like: "MEME text", "MEME XML", "STREME XML",
 * "DREME XML", "JASPAR", or NULL. */
const char *tff_io_SniffFormat(const char *data, size_t n);

/* 2. Writing */
int tff_io_WriteMeme(FILE *fp, const TFF_MOTIFSET *set, char *errbuf);

#endif /* TFF_IO_INCLUDED */
