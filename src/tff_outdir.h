/* tff_outdir: MEME-style output directories that are never left half-written.
 *
 *   -o DIR   refuse to run if DIR exists;   -oc DIR   replace DIR if it exists.
 *
 * Files are written into a fresh staging directory beside DIR (DIR.tmp-XXXXXX);
 * tff_outdir_Commit() moves it into place only when every file was written.
 * On failure tff_outdir_Abort() removes the staging directory, so a run that
 * fails leaves neither a partial report nor a changed DIR.
 */
#ifndef TFF_OUTDIR_INCLUDED
#define TFF_OUTDIR_INCLUDED

#include <stdio.h>

typedef struct {
  char *final;     /* DIR as given */
  char *stage;     /* staging directory, or NULL once committed/aborted */
  int   clobber;   /* -oc */
} TFF_OUTDIR;

/* Returns tffOK; tffEINVAL if DIR exists and !clobber ("use -oc to overwrite");
 * tffEWRITE if the staging directory cannot be made. */
int  tff_outdir_Open(const char *dir, int clobber, TFF_OUTDIR *od, char *errbuf);
/* Open DIR/name for writing (inside the staging directory). */
int  tff_outdir_Fopen(TFF_OUTDIR *od, const char *name, FILE **ret_fp, char *errbuf);
/* Move the staging directory into place (replacing DIR with -oc). */
int  tff_outdir_Commit(TFF_OUTDIR *od, char *errbuf);
/* Remove the staging directory and everything in it. Safe to call twice. */
void tff_outdir_Abort(TFF_OUTDIR *od);
/* Remove a directory tree (used for -oc). 0 on success. */
int  tff_RemoveTree(const char *path);

/* Single output files written atomically (model files, -oof tables).
 *
 * tff_outfile_Open() creates a temporary file beside <path> (PATH.tmp-XXXXXX,
 * so that the final rename stays on one file system) and gives its FILE in
 * of->fp. tff_outfile_Commit() checks every write (ferror, fflush, fsync,
 * fclose) and renames the temporary file to <path>; if anything failed it
 * removes the temporary file instead and returns tffEWRITE, and an existing
 * <path> is left as it was. tff_outfile_Abort() removes the temporary file.
 */
typedef struct {
  char *final;     /* path as given */
  char *tmp;       /* temporary file, or NULL once committed/aborted */
  FILE *fp;
} TFF_OUTFILE;

int  tff_outfile_Open(const char *path, TFF_OUTFILE *of, char *errbuf);
int  tff_outfile_Commit(TFF_OUTFILE *of, char *errbuf);
void tff_outfile_Abort(TFF_OUTFILE *of);

#endif /* TFF_OUTDIR_INCLUDED */
