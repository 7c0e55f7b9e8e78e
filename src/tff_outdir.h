/* tff_outdir: MEME-style output directories that never lose a user's file.
 *
 *   -o DIR   refuse to run if DIR exists;
 *   -oc DIR  write into DIR, replacing only the program's own files in it.
 *
 * A new DIR (-o, or -oc when DIR does not exist) is written as a fresh staging
 * directory beside it (DIR.tmp-XXXXXX), renamed to DIR only when every file
 * was written.
 *
 * An existing DIR (-oc) is never removed or emptied: each output file NAME is
 * written to a temporary file in DIR itself (DIR/NAME.tmp-XXXXXX, so the
 * rename stays on DIR's file system even when DIR is a mount point) and
 * tff_outdir_Commit() renames each over DIR/NAME, which is atomic per file.
 * Every other file in DIR (inputs, other programs' outputs, subdirectories)
 * is left as it was, so `-oc .`, `-oc ..` or `-oc` on the directory that
 * holds the input are safe. Own files that this run does not write (an
 * optional table from an earlier run with other options) are left too.
 *
 * A run that fails before tff_outdir_Commit() (tff_outdir_Abort()) removes
 * only its own temporary files: DIR is as it was. Commit renames are the only
 * step that changes DIR; they are metadata operations on files already
 * written and synced, so a failure there is a failing file system, and the
 * message names the files that had already been replaced.
 *
 * Temporary files and staging directories are also removed when the process
 * is stopped by SIGINT, SIGTERM or SIGHUP: the first tff_outdir_Open() or
 * tff_outfile_Open() installs a handler for each of these that has the
 * default action (an ignored signal, as under nohup, stays ignored), which
 * removes what is pending and then dies of the signal as before. This is the
 * module's one piece of process-wide state (a table of pending paths; a
 * signal handler cannot be given any other).
 */
#ifndef TFF_OUTDIR_INCLUDED
#define TFF_OUTDIR_INCLUDED

#include <stdio.h>

typedef struct {
  char  *final;    /* DIR as given, without trailing slashes */
  char  *stage;    /* staging directory for a new DIR; NULL when writing into an existing DIR or when done */
  int    clobber;  /* -oc */
  int    n;        /* output files opened so far */
  int    nalloc;
  char **name;     /* [n] their names (DIR/name) */
  char **tmp;      /* [n] where each is being written (a temporary file or a file in the staging directory) */
} TFF_OUTDIR;

/* Function:  tff_outdir_Open()
 * Purpose:   Start an output directory DIR (-o when !clobber, -oc when clobber).
 * Returns:   tffOK; tffEINVAL if DIR exists and !clobber ("use -oc to overwrite"),
 *            or exists and is not a directory; tffEWRITE if the staging
 *            directory cannot be made or an existing DIR is not writable.
 *            On error nothing was created and <od> needs no Abort (one is harmless).
 */
int  tff_outdir_Open(const char *dir, int clobber, TFF_OUTDIR *od, char *errbuf);

/* Function:  tff_outdir_Fopen()
 * Purpose:   Open output file DIR/<name> for writing (a plain name, no '/');
 *            the caller writes and closes *ret_fp (tff_Fclose()) before Commit.
 * Returns:   tffOK; tffEINVAL for a bad or repeated name, or when DIR/<name>
 *            exists and is not a regular file (it would not be replaced);
 *            tffEWRITE if it cannot be created.
 */
int  tff_outdir_Fopen(TFF_OUTDIR *od, const char *name, FILE **ret_fp, char *errbuf);

/* Function:  tff_outdir_Path()
 * Purpose:   As tff_outdir_Fopen(), for a writer that opens files itself
 *            (gzopen): *ret_path (owned by <od>) is an existing empty file
 *            that becomes DIR/<name> at Commit.
 */
int  tff_outdir_Path(TFF_OUTDIR *od, const char *name, const char **ret_path, char *errbuf);

/* Function:  tff_outdir_Commit()
 * Purpose:   Put the files in place: rename the staging directory to DIR, or
 *            (existing DIR) sync each file and rename it over DIR/<name>.
 *            On any error <od> is aborted (temporary files removed).
 * Returns:   tffOK; tffEINVAL if a new DIR appeared meanwhile with -o;
 *            tffEWRITE if a file cannot be synced or renamed.
 */
int  tff_outdir_Commit(TFF_OUTDIR *od, char *errbuf);

/* Function:  tff_outdir_Abort()
 * Purpose:   Remove this run's temporary files (and its staging directory);
 *            nothing else. Safe to call twice, and after Commit.
 */
void tff_outdir_Abort(TFF_OUTDIR *od);

/* Single output files written atomically (model files, -oof tables, -cells).
 *
 * tff_outfile_Open() creates a temporary file beside <path> (PATH.tmp-XXXXXX,
 * so that the final rename stays on one file system) and gives its FILE in
 * of->fp. tff_outfile_Commit() checks every write (ferror, fflush, fsync,
 * fclose) and renames the temporary file to <path>; if anything failed it
 * removes the temporary file instead and returns tffEWRITE, and an existing
 * <path> is left as it was. tff_outfile_Abort() removes the temporary file.
 * A signal removes it as for tff_outdir.
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
