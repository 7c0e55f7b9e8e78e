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
 * One run at a time per directory: from Open to Commit or Abort a run holds
 * an advisory lock (fcntl F_SETLK, a write lock on the whole file) on a lock
 * file, DIR/.tffam-lock, or .NAME.tffam-lock beside DIR while DIR (NAME)
 * does not exist yet, so that two runs given one DIR cannot mix their files.
 * A second run, of any of the programs, fails at Open with "output directory
 * DIR is in use by another run (process N)". The lock file is empty; the run
 * removes it when it ends (and on the signals below). A run that crashes or
 * is killed leaves the file but not the lock: the system releases a
 * process's locks when it ends, so there is no stale lock, and the next run
 * takes the file and removes it. On a file system without locks (an NFS
 * mount without lockd) a run goes ahead unlocked. A lock file that is not
 * empty is not ours to remove: it is locked but left in place.
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
  char  *lock;     /* the lock file held (see above), or NULL */
  int    lockfd;   /* its descriptor, when lock is set */
  int    lockrm;   /* 1: remove the lock file at the end (an empty file: ours, or a crashed run's) */
  int    open;     /* 1 + the index in name[] of the file open for writing (tff_outdir_Fopen to Fclose); 0: none */
} TFF_OUTDIR;

/* Function:  tff_outdir_Open()
 * Purpose:   Start an output directory DIR (-o when !clobber, -oc when clobber).
 * Returns:   tffOK; tffEINVAL if DIR exists and !clobber ("use -oc to overwrite"),
 *            or exists and is not a directory, or is "-" (which every reader takes
 *            for standard input), or another run holds its lock
 *            ("in use by another run"); tffEWRITE if the staging directory or
 *            the lock file cannot be made or an existing DIR is not writable.
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

/* Function:  tff_outdir_CheckNames()
 * Purpose:   Right after tff_outdir_Open(), before any work: whether each of the
 *            <n> files the run will write, DIR/<names[k]>, can be replaced, the
 *            check tff_outdir_Fopen() makes when it comes to the file (an existing
 *            DIR/<name> that is not a regular file, a directory say, is not). So
 *            a run does not find out only after its computation. Nothing to check
 *            for a new directory.
 * Returns:   tffOK; tffEINVAL ("DIR/name exists and is not a file; not replaced").
 */
int  tff_outdir_CheckNames(const TFF_OUTDIR *od, const char *const *names, int n, char *errbuf);

/* Function:  tff_outdir_Fclose()
 * Purpose:   Close a FILE from tff_outdir_Fopen(<name>), checking every write
 *            (ferror, fclose): a failure (a full disk) names DIR/<name>, so the
 *            user knows which run's report could not be written.
 *            TFF_OUTDIR_FCLOSE(od, fp, name) does it inside a TFF_CHECK
 *            function and sets fp to NULL first, so that an ERROR: label's
 *            `if (fp) fclose(fp)` never closes it a second time when the
 *            close itself fails (a full disk shows up here).
 * Returns:   tffOK; tffEWRITE ("DIR/name: write failed: ...").
 */
int  tff_outdir_Fclose(TFF_OUTDIR *od, FILE *fp, const char *name, char *errbuf);

/* Function:  tff_outdir_Blame()
 * Purpose:   At a program's error exit: a failed write (status tffEWRITE)
 *            while a file of <od> was open (between tff_outdir_Fopen and
 *            Fclose) is a write to that file, so errbuf gets "DIR/name: " in
 *            front ("DIR/cv_table.tsv: write failed: File too large"); the
 *            writers' own messages ("write failed: ...", from tff_Fprintf) do
 *            not know the file. Nothing changes for other statuses, when no
 *            file is open, or when errbuf names the file already. <od> may be
 *            one that was never opened (zero-initialised).
 */
void tff_outdir_Blame(const TFF_OUTDIR *od, int status, char *errbuf);
#define TFF_OUTDIR_FCLOSE(od, fp, name) \
  do { FILE *tff_ofp_ = (fp); (fp) = NULL; TFF_CHECK(tff_outdir_Fclose((od), tff_ofp_, (name), errbuf)); } while (0)

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
 * Purpose:   Remove this run's temporary files (and its staging directory)
 *            and release the lock; nothing else. Safe to call twice, and
 *            after Commit (which ends with it).
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
 * A signal removes it as for tff_outdir. An existing <path> that is not a
 * regular file (/dev/null, a FIFO; links followed) or names an open descriptor
 * (/dev/stdout, /dev/fd/N) is written in place (appended to) instead: renaming
 * would replace it with a regular file. Then of->fp writes to memory, and
 * Commit writes the whole of it to <path> at once; a run that fails (Abort)
 * writes nothing there.
 */
typedef struct {
  char  *final;     /* path as given */
  char  *tmp;       /* temporary file, or NULL once committed/aborted (and when in_place) */
  FILE  *fp;
  int    in_place;  /* <path> is written where it is: a device, a FIFO, an open descriptor */
  int    fd;        /* in_place: the descriptor Commit writes to (-1: none) */
  char  *mem;       /* in_place: what was written to fp (open_memstream) */
  size_t memlen;
} TFF_OUTFILE;

int  tff_outfile_Open(const char *path, TFF_OUTFILE *of, char *errbuf);

/* Function:  tff_outfile_Check()
 * Purpose:   Before any work, refuse an output file <path> (the value of option
 *            -<opt>) that would be replaced wrongly: a directory, or one of the
 *            files the run reads, inputs[0..n-1] (the same file by device and
 *            inode; NULL and "-" entries skipped), which the run would
 *            overwrite. A <path> that does not exist yet is fine if its
 *            directory exists and can take a new file: a missing or
 *            unwritable directory is refused now, not after the work. "-"
 *            is refused: it means standard input to every reader, and here
 *            it would be a file named "-" (/dev/stdout is standard output).
 * Returns:   tffOK; tffEINVAL with the option and both paths in errbuf;
 *            tffEWRITE ("<path>: cannot write: <reason>") for the directory.
 */
int  tff_outfile_Check(const char *opt, const char *path, const char *const *inputs, int n, char *errbuf);

/* Function:  tff_outdir_CheckDir()
 * Purpose:   Before any work, whether directory <dir> exists and can take new
 *            files (a directory, with write and search permission), so that a
 *            run does not find out only when it writes, hours later. <what>
 *            names it in the message (the path of the file to be written, or
 *            "-cnn-cache DIR").
 * Returns:   tffOK; tffEWRITE ("<what>: cannot write: <reason>").
 */
int  tff_outdir_CheckDir(const char *dir, const char *what, char *errbuf);

/* Function:  tff_outfile_CheckPair()
 * Purpose:   Before any work, refuse two output options (-<opt1> <p1>, -<opt2> <p2>)
 *            that name the same file (the same path, or the same existing file by
 *            device and inode): the second would replace the first. NULL: not given.
 *            One device, FIFO or descriptor named twice (/dev/null) is allowed:
 *            such outputs are written in place, whole, one after the other.
 * Returns:   tffOK; tffEINVAL with both options in errbuf.
 */
int  tff_outfile_CheckPair(const char *opt1, const char *p1, const char *opt2, const char *p2, char *errbuf);
/* Function:  tff_outfile_CheckApart()
 * Purpose:   Before any work, refuse an output file (-<opt> <path>) that is one of
 *            the files names[0..n-1] an output directory (-<diropt> <dir>) gets:
 *            whichever is written last would silently replace the other (as
 *            tff_outfile_CheckPair() for each). NULL path or dir: not given.
 * Returns:   tffOK; tffEINVAL naming both options.
 */
int  tff_outfile_CheckApart(const char *opt, const char *path, const char *diropt, const char *dir,
                            const char *const *names, int n, char *errbuf);
int  tff_outfile_Commit(TFF_OUTFILE *of, char *errbuf);
void tff_outfile_Abort(TFF_OUTFILE *of);

#endif /* TFF_OUTDIR_INCLUDED */
