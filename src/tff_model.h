/* tff_model: model files (a trained network and where it came from).
 *
 * doc/model-format.md describes the format: a text file with a magic line and
 * format version, the families, the architecture, the training options, seed
 * and data checksum, the weights as exact IEEE-754 bit patterns, and a
 * CRC-32 of everything before the final line. A truncated, corrupted or
 * wrong-version file is refused with a message naming the file (and line).
 *
 * Contents:
 *   1. The model object
 *   2. Writing
 *   3. Reading
 */
#ifndef TFF_MODEL_INCLUDED
#define TFF_MODEL_INCLUDED

#include <stddef.h>

#include "tff_cnn.h"
#include "tff_labels.h"
#include "tff_motif.h"
#include "tff_train.h"
#include "tff_util.h"

#define TFF_MODEL_MAGIC   "TFFAM-MODEL"
#define TFF_MODEL_VERSION 1

/* 1. The model */
typedef struct {
  TFF_CNN *net;           /* the network (nfam = number of families) */
  int      nfam;
  char   **fam;           /* family names, in output order */
  char    *program;       /* "tffam 0.2.0": the version that trained it */
  char    *netline;       /* the network line (architecture) as text */
  char    *training;      /* the training line (options, seed, epochs) as text */
  char    *data;          /* the data line (motif count, checksum, sources) as text */
  char     checksum[9];   /* CRC-32 of the file, hex */
  char    *path;          /* the file's name as given (tff_model_Parse's name), for messages */
} TFF_MODEL;

void tff_model_Destroy(TFF_MODEL *M);

/* 2. Writing */

/* Function:  tff_model_Format()
 * Synopsis:  The model file's text for a trained network into buf.
 * Args:      o, L, set, log - the training options, labels, motifs and log,
 *            recorded in the file; L->fam gives the family names.
 */
int tff_model_Format(TFF_BUF *buf, const TFF_CNN *net, const TFF_TRAIN_OPTS *o, const TFF_LABELS *L,
                     const TFF_MOTIFSET *set, const TFF_TRAIN_LOG *log, char *errbuf);

/* Function:  tff_model_Write()
 * Synopsis:  tff_model_Format() into file <path>; nothing is left behind on error.
 */
int tff_model_Write(const char *path, const TFF_CNN *net, const TFF_TRAIN_OPTS *o, const TFF_LABELS *L,
                    const TFF_MOTIFSET *set, const TFF_TRAIN_LOG *log, char *errbuf);

/* 3. Reading */

/* Function:  tff_model_Read()
 * Synopsis:  Read and verify a model file ("-" is stdin; gzip is fine).
 * Returns:   tffOK and *ret_M; tffENOTFOUND, tffEFORMAT (truncated, corrupted,
 *            malformed), tffEINCOMPAT (another format version), tffEMEM.
 */
int tff_model_Read(const char *path, TFF_MODEL **ret_M, char *errbuf);
int tff_model_Parse(const char *name, const char *data, size_t n, TFF_MODEL **ret_M, char *errbuf);

/* Function:  tff_model_FileCrc()
 * Synopsis:  CRC-32 (hex) of the model file's whole bytes, its checksum line
 *            included (a manifest's crc32), from M->checksum, the CRC-32 of
 *            the bytes before that line: the line is "crc32 <M->checksum>\n".
 */
void tff_model_FileCrc(const TFF_MODEL *M, char out[9]);

/* Function:  tff_model_DataChecksum()
 * Synopsis:  CRC-32 (hex) of a labelled set: every motif id, matrix and family.
 */
int tff_model_DataChecksum(const TFF_MOTIFSET *set, const TFF_LABELS *L, char out[9], char *errbuf);

/* Function:  tff_model_DefaultPath()
 * Synopsis:  Where the installed default model is: $TFFAM_MODEL if set, else
 *            <pkgdatadir>/tffam-default.model.
 */
const char *tff_model_DefaultPath(void);

#endif /* TFF_MODEL_INCLUDED */
