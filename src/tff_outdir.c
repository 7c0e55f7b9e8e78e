/* tff_outdir: output directories and files that never lose a user's file (see tff_outdir.h).
 *
 * Contents:
 *   1. Pending paths, removed on SIGINT/SIGTERM/SIGHUP
 *   2. The lock of an output directory
 *   3. Output directories (-o, -oc)
 *   4. Single output files
 *   5. Unit-test driver
 */
#define _XOPEN_SOURCE 700
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "tff_outdir.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Pending paths, removed on SIGINT/SIGTERM/SIGHUP
 *****************************************************************/

/* Temporary files and staging directories not yet committed or aborted. The
 * handler may run at any moment, so a slot is filled only with a complete
 * string and emptied before that string is freed. Only the thread that writes
 * the outputs registers paths. With more than TFF_PENDING_MAX pending, the
 * extra ones are simply not cleaned up on a signal. */
#define TFF_PENDING_MAX 64
static char *volatile        pending[TFF_PENDING_MAX];
static volatile sig_atomic_t pending_isdir[TFF_PENDING_MAX];
static int                   handlers_installed = 0;

static void
on_signal(int sig)
{
  for (int i = 0; i < TFF_PENDING_MAX; i++)   /* files first, so the directories are empty */
    if (pending[i] && !pending_isdir[i]) unlink(pending[i]);
  for (int i = 0; i < TFF_PENDING_MAX; i++)
    if (pending[i] && pending_isdir[i]) rmdir(pending[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void
install_handlers(void)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction sa, old;

  if (handlers_installed) return;
  handlers_installed = 1;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;   /* ignored or handled by someone else */
    sigaction(sigs[i], &sa, NULL);
  }
}

static void
pending_add(char *path, int isdir)
{
  install_handlers();
  for (int i = 0; i < TFF_PENDING_MAX; i++)
    if (pending[i] == NULL) { pending_isdir[i] = isdir; pending[i] = path; return; }
}

static void
pending_drop(const char *path)
{
  for (int i = 0; i < TFF_PENDING_MAX; i++)
    if (pending[i] == path) { pending[i] = NULL; return; }
}

/* A temporary file <base>.tmp-XXXXXX with the usual mode (mkstemp makes
 * it 0600), registered as pending. Returns its fd, or -1 with errno set. */
static int
make_temp(const char *base, char **ret_tmp)
{
  size_t n = strlen(base) + 16;
  char  *tmp = malloc(n);
  int    fd, e;
  mode_t mask;

  *ret_tmp = NULL;
  if (tmp == NULL) { errno = ENOMEM; return -1; }
  snprintf(tmp, n, "%s.tmp-XXXXXX", base);
  if ((fd = mkstemp(tmp)) < 0) { e = errno; free(tmp); errno = e; return -1; }
  mask = umask(0); umask(mask);
  (void) fchmod(fd, 0666 & ~mask);
  pending_add(tmp, 0);
  *ret_tmp = tmp;
  return fd;
}

static void
remove_temp(char **tmp)
{
  if (*tmp == NULL) return;
  pending_drop(*tmp);
  unlink(*tmp);
  free(*tmp);
  *tmp = NULL;
}

/* fsync a file that was written and closed; 0 or -1 with errno. */
static int
sync_path(const char *path)
{
  int fd = open(path, O_RDONLY), r, e;
  if (fd < 0) return -1;
  r = fsync(fd);
  e = errno;
  close(fd);
  errno = e;
  return r;
}

/*****************************************************************
 * 2. The lock of an output directory
 *****************************************************************/

/* The lock file of DIR (final): DIR/.tffam-lock when DIR exists, else
 * .NAME.tffam-lock in DIR's parent. Two spellings of one directory ("out",
 * "./out/", a symbolic link to it) name the same file. NULL: out of memory. */
static char *
lock_path(const char *final, int exists)
{
  const char *slash = strrchr(final, '/');
  size_t      n     = strlen(final) + 32;
  char       *p     = malloc(n);
  if (p == NULL) return NULL;
  if (exists)     snprintf(p, n, "%s/.tffam-lock", final);
  else if (slash) snprintf(p, n, "%.*s.%s.tffam-lock", (int) (slash - final + 1), final, slash + 1);
  else            snprintf(p, n, ".%s.tffam-lock", final);
  return p;
}

/* 1 if the open file fd is the file at path now (same device and inode), with its
 * fstat in *st; 0 if it was removed or replaced. */
static int
same_file(int fd, const char *path, struct stat *st)
{
  struct stat b;
  return fstat(fd, st) == 0 && lstat(path, &b) == 0 && st->st_dev == b.st_dev && st->st_ino == b.st_ino;
}

#ifdef tffOUTDIR_TESTDRIVE
static int utest_nolocks = 0;   /* the driver's stand-in for a file system without locks */
#endif

/* fcntl(F_SETLK); ENOLCK where the driver plays a file system without locks. */
static int
set_lock(int fd, struct flock *fl)
{
#ifdef tffOUTDIR_TESTDRIVE
  if (utest_nolocks) { errno = ENOLCK; return -1; }
#endif
  return fcntl(fd, F_SETLK, fl);
}

/* Takes the lock of DIR (final) for od: a write lock on the whole lock file,
 * without waiting. The run that held a lock file removes it before it lets
 * go, so a lock taken on a file no longer at its path is let go and the
 * file there taken instead. Returns tffOK (od->lock set, or left NULL where
 * the file system has no locks); tffEINVAL when another process holds the
 * lock; tffEWRITE when the lock file cannot be made. */
static int
lock_take(TFF_OUTDIR *od, int exists, char *errbuf)
{
  char *path = lock_path(od->final, exists);
  int   status;

  if (path == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  for (int tries = 0; tries < 100; tries++) {
    struct flock fl;
    struct stat a;
    int          fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);   /* the umask applies */
    if (fd < 0) {
      if (exists) TFF_FAIL(tffEWRITE, errbuf, "cannot write into output directory %s: %s", od->final, strerror(errno));
      TFF_FAIL(tffEWRITE, errbuf, "cannot create output directory %s: %s", od->final, strerror(errno));
    }
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK; fl.l_whence = SEEK_SET; fl.l_start = 0; fl.l_len = 0;
    if (set_lock(fd, &fl) != 0) {
      const int e = errno;
      if (e == EACCES || e == EAGAIN) {
        long pid = 0;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK; fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) pid = (long) fl.l_pid;
        close(fd);
        if (pid > 0)
          TFF_FAIL(tffEINVAL, errbuf, "output directory %s is in use by another run (process %ld); wait for it to end or give another directory", od->final, pid);
        TFF_FAIL(tffEINVAL, errbuf, "output directory %s is in use by another run; wait for it to end or give another directory", od->final);
      }
      /* no locks here (ENOLCK, EINVAL): go ahead unlocked, and leave no lock file behind */
      if (same_file(fd, path, &a) && S_ISREG(a.st_mode) && a.st_size == 0) unlink(path);
      close(fd);
      free(path);
      return tffOK;
    }
    if (same_file(fd, path, &a)) {
      od->lock   = path;
      od->lockfd = fd;
      od->lockrm = S_ISREG(a.st_mode) && a.st_size == 0;
      if (od->lockrm) pending_add(od->lock, 0);
      return tffOK;
    }
    close(fd);                         /* removed by the run that held it: take the one at the path now */
  }
  TFF_FAIL(tffEWRITE, errbuf, "cannot lock output directory %s: its lock file %s keeps changing", od->final, path);
 ERROR:
  free(path);
  return status;
}

/* Lets go of od's lock, removing the lock file first if it is ours to remove. */
static void
lock_release(TFF_OUTDIR *od)
{
  struct stat a;
  if (od->lock == NULL) return;
  if (od->lockrm) {
    pending_drop(od->lock);
    if (same_file(od->lockfd, od->lock, &a) && a.st_size == 0) unlink(od->lock);
  }
  close(od->lockfd);
  free(od->lock);
  od->lock = NULL; od->lockfd = -1; od->lockrm = 0;
}

/*****************************************************************
 * 3. Output directories (-o, -oc)
 *****************************************************************/

int
tff_outdir_Open(const char *dir, int clobber, TFF_OUTDIR *od, char *errbuf)
{
  struct stat st;
  int         status;
  size_t      len = strlen(dir);

  memset(od, 0, sizeof *od);
  od->lockfd  = -1;
  od->clobber = clobber;
  while (len > 1 && dir[len - 1] == '/') len--;   /* "out/" and "out" are the same directory */
  if (len == 0) TFF_FAIL(tffEINVAL, errbuf, "empty output directory name");
  if (len == 1 && dir[0] == '-')   /* "-" or "-/": standard input to every reader, not a name a user means for a directory */
    TFF_FAIL(tffEINVAL, errbuf, "output directory '-': '-' is not standard output here (it would be a directory named '-'); give a directory name");
  if ((od->final = tff_Strndup(dir, len)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  for (int pass = 0; ; pass++) {
    if (stat(od->final, &st) == 0) {
      if (!clobber) TFF_FAIL(tffEINVAL, errbuf, "output directory %s exists; use -oc to overwrite it", od->final);
      if (!S_ISDIR(st.st_mode)) TFF_FAIL(tffEINVAL, errbuf, "%s exists and is not a directory", od->final);
      if (access(od->final, W_OK | X_OK) != 0)
        TFF_FAIL(tffEWRITE, errbuf, "cannot write into output directory %s: %s", od->final, strerror(errno));
      TFF_CHECK(lock_take(od, 1, errbuf));
      return tffOK;                                /* in place: files are staged one by one in Fopen */
    }
    int why = errno;   /* of the stat above */
    if (lstat(od->final, &st) == 0 && S_ISLNK(st.st_mode)) {   /* the report could not be moved there at the end */
      char    to[4096];
      ssize_t n = readlink(od->final, to, sizeof to - 1);
      to[n > 0 ? n : 0] = '\0';
      if (why == ENOENT)
        TFF_FAIL(tffEINVAL, errbuf, "output directory %s is a symbolic link to %s, which does not exist; remove the link or give another name",
                 od->final, n > 0 ? to : "?");
      TFF_FAIL(tffEINVAL, errbuf, "output directory %s is a symbolic link to %s, which cannot be used (%s); remove the link or give another name",
               od->final, n > 0 ? to : "?", strerror(why));
    }
    TFF_CHECK(lock_take(od, 0, errbuf));           /* the lock beside the DIR to be */
    if (pass > 0 || stat(od->final, &st) != 0) break;
    lock_release(od);                              /* DIR was made meanwhile (a run that just ended): its own lock */
  }
  TFF_ALLOC(od->stage, len + 16);
  snprintf(od->stage, len + 16, "%s.tmp-XXXXXX", od->final);
  if (mkdtemp(od->stage) == NULL) {
    free(od->stage); od->stage = NULL;
    TFF_FAIL(tffEWRITE, errbuf, "cannot create output directory %s: %s", od->final, strerror(errno));
  }
  pending_add(od->stage, 1);
  return tffOK;
 ERROR:
  lock_release(od);
  free(od->final); od->final = NULL;
  return status;
}

/* An existing DIR/name that a run may replace: absent, a file or a symbolic
 * link (to what it replaces); not a directory or another non-file. */
static int
check_replaceable(const char *dest, char *errbuf)
{
  struct stat st;
  if (lstat(dest, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    return tff_Fail(errbuf, tffEINVAL, "%s exists and is not a file; not replaced", dest);
  return tffOK;
}

int
tff_outdir_CheckNames(const TFF_OUTDIR *od, const char *const *names, int n, char *errbuf)
{
  char       *dest = NULL;
  int         status;

  if (od->final == NULL || od->stage) return tffOK;   /* not open, or a new directory: nothing there */
  for (int k = 0; k < n; k++) {
    size_t len = strlen(od->final) + strlen(names[k]) + 2;
    TFF_ALLOC(dest, len);
    snprintf(dest, len, "%s/%s", od->final, names[k]);
    TFF_CHECK(check_replaceable(dest, errbuf));   /* as tff_outdir_Path() will */
    free(dest); dest = NULL;
  }
  status = tffOK;
 ERROR:
  free(dest);
  return status;
}

int
tff_outdir_Path(TFF_OUTDIR *od, const char *name, const char **ret_path, char *errbuf)
{
  char       *dest = NULL, *tmp = NULL;
  size_t      n;
  int         fd, status;

  *ret_path = NULL;
  if (od->final == NULL) TFF_FAIL(tffEINVAL, errbuf, "output directory is not open");
  if (name[0] == '\0' || name[0] == '.' || strchr(name, '/'))
    TFF_FAIL(tffEINVAL, errbuf, "bad output file name \"%s\"", name);
  for (int i = 0; i < od->n; i++)
    if (strcmp(od->name[i], name) == 0) TFF_FAIL(tffEINVAL, errbuf, "%s/%s is written twice", od->final, name);
  if (od->n == od->nalloc) {
    int na = od->nalloc ? 2 * od->nalloc : 8;
    TFF_REALLOC(od->name, sizeof(char *) * na);
    TFF_REALLOC(od->tmp,  sizeof(char *) * na);
    od->nalloc = na;
  }
  n = strlen(od->stage ? od->stage : od->final) + strlen(name) + 2;
  TFF_ALLOC(dest, n);
  snprintf(dest, n, "%s/%s", od->stage ? od->stage : od->final, name);
  if (od->stage) {                                 /* a new directory: the file itself, in the staging directory */
    if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL, 0666)) < 0)
      TFF_FAIL(tffEWRITE, errbuf, "cannot write %s/%s: %s", od->final, name, strerror(errno));
    close(fd);
    tmp = dest; dest = NULL;
    pending_add(tmp, 0);
  } else {                                         /* an existing directory: a temporary file beside DIR/name */
    TFF_CHECK(check_replaceable(dest, errbuf));
    if ((fd = make_temp(dest, &tmp)) < 0)
      TFF_FAIL(tffEWRITE, errbuf, "cannot write %s: %s", dest, strerror(errno));
    close(fd);
    free(dest); dest = NULL;
  }
  if ((od->name[od->n] = tff_Strdup(name)) == NULL) { remove_temp(&tmp); TFF_FAIL(tffEMEM, errbuf, "out of memory"); }
  od->tmp[od->n++] = tmp;
  *ret_path = tmp;
  return tffOK;
 ERROR:
  free(dest);
  return status;
}

int
tff_outdir_Fopen(TFF_OUTDIR *od, const char *name, FILE **ret_fp, char *errbuf)
{
  const char *path;
  int         status;

  *ret_fp = NULL;
  TFF_CHECK(tff_outdir_Path(od, name, &path, errbuf));
  if ((*ret_fp = fopen(path, "w")) == NULL)
    TFF_FAIL(tffEWRITE, errbuf, "cannot write %s/%s: %s", od->final, name, strerror(errno));
  od->open = od->n;   /* tff_outdir_Path() added it last */
  return tffOK;
 ERROR:
  return status;
}

int
tff_outdir_Fclose(TFF_OUTDIR *od, FILE *fp, const char *name, char *errbuf)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", od->final ? od->final : ".", name);
  od->open = 0;
  return tff_Fclose(fp, path, errbuf);   /* its checks and message, with DIR/name */
}

void
tff_outdir_Blame(const TFF_OUTDIR *od, int status, char *errbuf)
{
  char path[TFF_ERRBUFSIZE], msg[TFF_ERRBUFSIZE];
  if (status != tffEWRITE || od->final == NULL || od->open < 1 || od->open > od->n) return;
  snprintf(path, sizeof path, "%s/%s", od->final, od->name[od->open - 1]);
  if (strstr(errbuf, path) != NULL) return;
  snprintf(msg, sizeof msg, "%.*s: %s", (int) (sizeof path / 2), path, errbuf);
  snprintf(errbuf, TFF_ERRBUFSIZE, "%s", msg);
}

int
tff_outdir_Commit(TFF_OUTDIR *od, char *errbuf)
{
  struct stat st;
  char       *dest = NULL;
  mode_t      mask;
  int         status, done = 0;
  size_t      n;

  if (od->final == NULL) TFF_FAIL(tffEINVAL, errbuf, "output directory is not open");
  for (int i = 0; i < od->n; i++)
    if (sync_path(od->tmp[i]) != 0) TFF_FAIL(tffEWRITE, errbuf, "%s/%s: write failed: %s", od->final, od->name[i], strerror(errno));

  if (od->stage) {
    if (stat(od->final, &st) != 0) {
      if (rename(od->stage, od->final) != 0)
        TFF_FAIL(tffEWRITE, errbuf, "cannot move the report into %s: %s", od->final, strerror(errno));
      mask = umask(0); umask(mask);
      chmod(od->final, 0777 & ~mask);              /* mkdtemp made it 0700 */
      for (int i = 0; i < od->n; i++) { pending_drop(od->tmp[i]); free(od->tmp[i]); od->tmp[i] = NULL; }
      pending_drop(od->stage);
      free(od->stage); od->stage = NULL;
      tff_outdir_Abort(od);                        /* frees the rest; nothing left to remove */
      return tffOK;
    }
    /* DIR appeared while we ran (another run): -o refuses; -oc adds our files to it one by one */
    if (!od->clobber) TFF_FAIL(tffEINVAL, errbuf, "output directory %s appeared while running; not overwritten", od->final);
    if (!S_ISDIR(st.st_mode)) TFF_FAIL(tffEINVAL, errbuf, "%s appeared while running and is not a directory", od->final);
  }
  for (; done < od->n; done++) {
    n = strlen(od->final) + strlen(od->name[done]) + 2;
    TFF_ALLOC(dest, n);
    snprintf(dest, n, "%s/%s", od->final, od->name[done]);
    if (rename(od->tmp[done], dest) != 0) {
      int e = errno;
      if (done == 0) TFF_FAIL(tffEWRITE, errbuf, "cannot write %s: %s; nothing replaced", dest, strerror(e));
      TFF_FAIL(tffEWRITE, errbuf, "cannot write %s: %s; the first %d of %d files were already replaced", dest, strerror(e), done, od->n);
    }
    free(dest); dest = NULL;
    pending_drop(od->tmp[done]);
    free(od->tmp[done]); od->tmp[done] = NULL;
  }
  tff_outdir_Abort(od);                            /* removes the emptied staging directory, if any; frees */
  return tffOK;
 ERROR:
  free(dest);
  tff_outdir_Abort(od);
  return status;
}

void
tff_outdir_Abort(TFF_OUTDIR *od)
{
  for (int i = 0; i < od->n; i++) {
    remove_temp(&od->tmp[i]);
    free(od->name[i]);
  }
  free(od->tmp);  od->tmp  = NULL;
  free(od->name); od->name = NULL;
  od->n = od->nalloc = 0;
  if (od->stage) {                                 /* only ever held our own files: now empty */
    pending_drop(od->stage);
    rmdir(od->stage);
    free(od->stage); od->stage = NULL;
  }
  lock_release(od);                                /* last: every file is in place or gone */
  free(od->final); od->final = NULL;
}

/*****************************************************************
 * 4. Single output files
 *****************************************************************/

/* The directory part of <path> into dir (n bytes): "." if it has none, "/" for "/x". */
static void
dir_part(const char *path, char *dir, size_t n)
{
  const char *slash = strrchr(path, '/');
  if (!slash) snprintf(dir, n, ".");
  else        snprintf(dir, n, "%.*s", (int) (slash > path ? slash - path : 1), path);
}

int
tff_outdir_CheckDir(const char *dir, const char *what, char *errbuf)
{
  struct stat ds;
  if (stat(dir, &ds) != 0)           return tff_Fail(errbuf, tffEWRITE, "%s: cannot write: %s", what, strerror(errno));
  if (!S_ISDIR(ds.st_mode))          return tff_Fail(errbuf, tffEWRITE, "%s: cannot write: %s", what, strerror(ENOTDIR));
  if (access(dir, W_OK | X_OK) != 0) return tff_Fail(errbuf, tffEWRITE, "%s: cannot write: %s", what, strerror(errno));
  return tffOK;
}

/* The directory part of <path> resolved (realpath), malloc'd; NULL if it cannot be resolved. */
static char *
dir_realpath(const char *path)
{
  char dir[4096];
  dir_part(path, dir, sizeof dir);
  return realpath(dir, NULL);
}

/* Whether <path> must be written where it is, not replaced by a renamed
 * temporary file: an existing file that is not a regular one (a device such
 * as /dev/null, a FIFO, a socket; links followed), or an open descriptor
 * (a link into /proc such as /dev/stdout, or a name in /proc/PID/fd such as
 * /dev/fd/1). The rename would put a regular file in its place: as root,
 * -o /dev/null replaced the system's /dev/null, and a FIFO's reader got
 * nothing. */
static int
write_in_place(const char *path)
{
  struct stat st, lst;
  char        target[16], *res;
  ssize_t     n;
  int         inproc;

  if (stat(path, &st) != 0) return 0;
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return 1;
  if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && (n = readlink(path, target, sizeof target - 1)) > 0) {
    target[n] = '\0';
    if (strncmp(target, "/proc/", 6) == 0) return 1;
  }
  if (strchr(path, '/') == NULL || (res = dir_realpath(path)) == NULL) return 0;
  inproc = strncmp(res, "/proc/", 6) == 0;
  free(res);
  return inproc;
}

/* The descriptor N that <path> names: /dev/fd/N, /proc/self/fd/N, or a link
 * to /proc/self/fd/N (/dev/stdout, /dev/stderr); -1 if none. Writing to a
 * duplicate of it shares the offset with the program's own writes there
 * (opening the name would not: the two would overwrite each other). */
static int
descriptor_of(const char *path)
{
  static const char *const pre[] = { "/dev/fd/", "/proc/self/fd/" };
  char        target[64];
  const char *p = path;
  struct stat lst;
  ssize_t     n;
  char       *end;
  long        fd;

  if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && (n = readlink(path, target, sizeof target - 1)) > 0) {
    target[n] = '\0';
    if (strncmp(target, pre[1], strlen(pre[1])) == 0) p = target;
  }
  for (int i = 0; i < 2; i++)
    if (strncmp(p, pre[i], strlen(pre[i])) == 0) {
      p += strlen(pre[i]);
      if (*p < '0' || *p > '9') return -1;
      fd = strtol(p, &end, 10);
      return (*end == '\0' && fd <= 1024) ? (int) fd : -1;
    }
  return -1;
}

int
tff_outfile_Open(const char *path, TFF_OUTFILE *of, char *errbuf)
{
  int fd = -1, status;

  of->final = NULL; of->tmp = NULL; of->fp = NULL; of->in_place = 0; of->fd = -1; of->mem = NULL; of->memlen = 0;
  if (path[0] == '\0') TFF_FAIL(tffEINVAL, errbuf, "empty output file name");
  if ((of->final = tff_Strdup(path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  if (write_in_place(path)) {   /* opened now (errors now), written by Commit from memory */
    int n = descriptor_of(path);
    of->in_place = 1;
    if (n >= 0) of->fd = dup(n);
    else        of->fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY);
    if (of->fd < 0) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", path, strerror(errno));
    if ((of->fp = open_memstream(&of->mem, &of->memlen)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    return tffOK;
  }
  if ((fd = make_temp(path, &of->tmp)) < 0) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", path, strerror(errno));
  if ((of->fp = fdopen(fd, "w")) == NULL) {
    close(fd);
    TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", path, strerror(errno));
  }
  return tffOK;
 ERROR:
  tff_outfile_Abort(of);
  return status;
}

int
tff_outfile_Check(const char *opt, const char *path, const char *const *inputs, int n, char *errbuf)
{
  struct stat out, in;

  /* "-" is standard input everywhere tffam reads; as an output it would be a file named "-" */
  if (strcmp(path, "-") == 0)
    return tff_Fail(errbuf, tffEINVAL, "-%s -: '-' is not standard output here (it would be a file named '-'); give a file name, or /dev/stdout", opt);
  /* lstat: a symbolic link at <path> is itself what the rename replaces */
  if (lstat(path, &out) != 0) {   /* a new file: its directory must take files now, not after hours of work */
    char dir[4096];
    dir_part(path, dir, sizeof dir);
    return tff_outdir_CheckDir(dir, path, errbuf);
  }
  if (S_ISDIR(out.st_mode)) return tff_Fail(errbuf, tffEINVAL, "-%s %s: is a directory; give a file name", opt, path);
  for (int i = 0; i < n; i++) {
    if (inputs[i] == NULL || strcmp(inputs[i], "-") == 0 || stat(inputs[i], &in) != 0) continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
      return tff_Fail(errbuf, tffEINVAL, "-%s %s is an input file of this run (%s): it would be overwritten; give another file name",
                      opt, path, inputs[i]);
  }
  return tffOK;
}

/* The file a path names, for comparing two not yet made: its directory resolved
 * (realpath) and its last component, into out (n bytes); the path itself if the
 * directory cannot be resolved. */
static void
file_key(const char *path, char *out, size_t n)
{
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
  char       *res = dir_realpath(path);
  if (res == NULL) { snprintf(out, n, "%s", path); return; }
  snprintf(out, n, "%s/%s", res, base);
  free(res);
}

int
tff_outfile_CheckPair(const char *opt1, const char *p1, const char *opt2, const char *p2, char *errbuf)
{
  struct stat a, b;
  char        k1[8192], k2[8192];
  if (!p1 || !p2) return tffOK;
  /* A device, FIFO or descriptor (/dev/null, /dev/stdout) is written in place
   * (tff_outfile_Open), each output whole at its commit: nothing is replaced,
   * so -o /dev/null -oof /dev/null discards both, as a user means it to. */
  if (stat(p1, &a) == 0 && stat(p2, &b) == 0 && !S_ISREG(a.st_mode) && !S_ISDIR(a.st_mode) &&
      a.st_dev == b.st_dev && a.st_ino == b.st_ino)
    return tffOK;
  file_key(p1, k1, sizeof k1);
  file_key(p2, k2, sizeof k2);
  if (strcmp(k1, k2) == 0 ||   /* the same path has the same key */
      (stat(p1, &a) == 0 && stat(p2, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino))
    return tff_Fail(errbuf, tffEINVAL, "-%s %s and -%s %s name the same file: the second would replace the first; give two names",
                    opt1, p1, opt2, p2);
  return tffOK;
}

int
tff_outfile_CheckApart(const char *opt, const char *path, const char *diropt, const char *dir,
                       const char *const *names, int n, char *errbuf)
{
  int status;
  if (!path || !dir) return tffOK;
  for (int i = 0; i < n; i++) {
    TFF_BUF b;
    tff_buf_Init(&b);
    if ((status = tff_buf_Printf(&b, errbuf, "%s/%s", dir, names[i])) == tffOK) {
      status = tff_outfile_CheckPair(opt, path, "", b.s, errbuf);
      if (status == tffEINVAL)
        status = tff_Fail(errbuf, tffEINVAL, "-%s %s is the %s file of -%s %s: one would replace the other; give another name",
                          opt, path, names[i], diropt, dir);
    }
    tff_buf_Free(&b);
    if (status != tffOK) return status;
  }
  return tffOK;
}

int
tff_outfile_Commit(TFF_OUTFILE *of, char *errbuf)
{
  int status, bad;

  if (of->fp == NULL || (of->tmp == NULL && !of->in_place)) TFF_FAIL(tffEINVAL, errbuf, "output file is not open");
  errno = 0;
  if (of->in_place) {   /* a device, FIFO or descriptor: the whole output at once; no fsync (EINVAL on most), no rename */
    size_t done = 0;
    bad = ferror(of->fp) != 0;
    if (fclose(of->fp) != 0) bad = 1;   /* of->mem and of->memlen are final now */
    of->fp = NULL;
    if (bad) TFF_FAIL(tffEMEM, errbuf, "%s: out of memory; nothing written", of->final);
    fflush(stdout);   /* what the program printed comes first when <path> is its standard output */
    while (done < of->memlen) {
      ssize_t w = write(of->fd, of->mem + done, of->memlen - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s", of->final, w < 0 ? strerror(errno) : "nothing accepted");
      done += (size_t) w;
    }
    if (close(of->fd) != 0) { of->fd = -1; TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s", of->final, strerror(errno)); }
    of->fd = -1;
    free(of->mem);   of->mem = NULL; of->memlen = 0;
    free(of->final); of->final = NULL;
    of->in_place = 0;
    return tffOK;
  }
  bad = ferror(of->fp) || fflush(of->fp) != 0 || fsync(fileno(of->fp)) != 0;
  if (fclose(of->fp) != 0) bad = 1;
  of->fp = NULL;
  if (bad) TFF_FAIL(tffEWRITE, errbuf, "%s: write failed: %s; nothing written", of->final, errno ? strerror(errno) : "I/O error");
  if (rename(of->tmp, of->final) != 0) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write: %s", of->final, strerror(errno));
  pending_drop(of->tmp);
  free(of->tmp);   of->tmp = NULL;
  free(of->final); of->final = NULL;
  return tffOK;
 ERROR:
  tff_outfile_Abort(of);
  return status;
}

void
tff_outfile_Abort(TFF_OUTFILE *of)
{
  if (of->fp) { fclose(of->fp); of->fp = NULL; }   /* in place: into memory, discarded below */
  if (of->fd >= 0) { close(of->fd); of->fd = -1; }
  free(of->mem); of->mem = NULL; of->memlen = 0;
  remove_temp(&of->tmp);
  free(of->final); of->final = NULL;
  of->in_place = 0;
}

/*****************************************************************
 * 5. Unit-test driver
 *****************************************************************/
#ifdef tffOUTDIR_TESTDRIVE
#include <dirent.h>
#include <sys/wait.h>

#include "tff_utest.h"

static char base[] = "/tmp/tff_outdir_utest-XXXXXX";

/* Writes text to path (plain stdio: the test's own files). */
static void
put(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  TFF_UCHECK(fp != NULL && fputs(text, fp) >= 0 && fclose(fp) == 0, "writing %s", path);
}

/* 1 if path holds exactly text. */
static int
holds(const char *path, const char *text)
{
  char  got[256];
  FILE *fp = fopen(path, "r");
  if (!fp) return 0;
  size_t n = fread(got, 1, sizeof got - 1, fp);
  fclose(fp);
  got[n] = '\0';
  return strcmp(got, text) == 0;
}

/* The number of entries of dir whose names contain ".tmp-" (temporary files, staging directories). */
static int
ntemp(const char *dir)
{
  DIR *d = opendir(dir);
  int  n = 0;
  struct dirent *e;
  TFF_UCHECK(d != NULL, "opendir %s", dir);
  while ((e = readdir(d)) != NULL) n += (strstr(e->d_name, ".tmp-") != NULL);
  closedir(d);
  return n;
}

/* One file through tff_outdir_Fopen(). */
static void
write_one(TFF_OUTDIR *od, const char *name, const char *text)
{
  char  errbuf[TFF_ERRBUFSIZE];
  FILE *fp = NULL;
  TFF_UCHECK(tff_outdir_Fopen(od, name, &fp, errbuf) == tffOK, "Fopen %s: %s", name, errbuf);
  TFF_UCHECK(fputs(text, fp) >= 0 && tff_Fclose(fp, name, errbuf) == tffOK, "writing %s: %s", name, errbuf);
}

/* -o: a new directory appears whole at Commit, or not at all. */
static void
utest_new_dir(void)
{
  char       errbuf[TFF_ERRBUFSIZE], dir[600], path[700];
  TFF_OUTDIR od;
  snprintf(dir, sizeof dir, "%s/out", base);
  TFF_UCHECK(tff_outdir_Open(dir, 0, &od, errbuf) == tffOK, "Open -o: %s", errbuf);
  write_one(&od, "a.txt", "one\n");
  snprintf(path, sizeof path, "%s/a.txt", dir);
  TFF_UCHECK(!tff_IsFile(path), "a file is in place before Commit");
  TFF_UCHECK(tff_outdir_Commit(&od, errbuf) == tffOK, "Commit: %s", errbuf);
  tff_outdir_Abort(&od);    /* harmless after Commit */
  TFF_UCHECK(holds(path, "one\n"), "%s after Commit", path);
  TFF_UCHECK(ntemp(base) == 0 && ntemp(dir) == 0, "temporary files left after Commit");
  /* -o on an existing directory: refused, nothing made */
  TFF_UCHECK(tff_outdir_Open(dir, 0, &od, errbuf) == tffEINVAL && strstr(errbuf, "-oc"), "-o on an existing directory: %s", errbuf);
  tff_outdir_Abort(&od);
  /* a run that fails: no directory, no staging directory */
  snprintf(dir, sizeof dir, "%s/out2", base);
  TFF_UCHECK(tff_outdir_Open(dir, 0, &od, errbuf) == tffOK, "Open -o: %s", errbuf);
  write_one(&od, "a.txt", "two\n");
  tff_outdir_Abort(&od);
  tff_outdir_Abort(&od);    /* twice: harmless */
  TFF_UCHECK(access(dir, F_OK) != 0 && ntemp(base) == 0, "an aborted -o run left %s or its staging directory", dir);
}

/* tff_outdir_Blame(): a write error while a file is open names DIR/name, once;
 * nothing else changes (expected strings by hand). */
static void
utest_blame(void)
{
  char       errbuf[TFF_ERRBUFSIZE], dir[600], want[800];
  TFF_OUTDIR od = { 0 };
  FILE      *fp = NULL;
  snprintf(errbuf, sizeof errbuf, "write failed: x");
  tff_outdir_Blame(&od, tffEWRITE, errbuf);   /* never opened */
  TFF_UCHECK(strcmp(errbuf, "write failed: x") == 0, "Blame without a directory: %s", errbuf);
  snprintf(dir, sizeof dir, "%s/blame", base);
  TFF_UCHECK(tff_outdir_Open(dir, 0, &od, errbuf) == tffOK, "Open -o: %s", errbuf);
  TFF_UCHECK(tff_outdir_Fopen(&od, "t.tsv", &fp, errbuf) == tffOK, "Fopen: %s", errbuf);
  snprintf(errbuf, sizeof errbuf, "write failed: x");
  tff_outdir_Blame(&od, tffEFORMAT, errbuf);   /* not a write error */
  TFF_UCHECK(strcmp(errbuf, "write failed: x") == 0, "Blame of another status: %s", errbuf);
  tff_outdir_Blame(&od, tffEWRITE, errbuf);
  tff_outdir_Blame(&od, tffEWRITE, errbuf);   /* twice: named once */
  snprintf(want, sizeof want, "%s/t.tsv: write failed: x", dir);
  TFF_UCHECK(strcmp(errbuf, want) == 0, "Blame while t.tsv is open: %s", errbuf);
  TFF_UCHECK(tff_outdir_Fclose(&od, fp, "t.tsv", errbuf) == tffOK, "Fclose: %s", errbuf);
  snprintf(errbuf, sizeof errbuf, "write failed: x");
  tff_outdir_Blame(&od, tffEWRITE, errbuf);   /* no file open */
  TFF_UCHECK(strcmp(errbuf, "write failed: x") == 0, "Blame after Fclose: %s", errbuf);
  tff_outdir_Abort(&od);
}

/* -oc on an existing directory: own files replaced, every other file kept. */
static void
utest_existing_dir(void)
{
  char        errbuf[TFF_ERRBUFSIZE], dir[600], a[700], keep[700], b[700];
  const char *tmp = NULL;
  TFF_OUTDIR  od;
  FILE       *fp = NULL;
  snprintf(dir, sizeof dir, "%s/out", base);
  snprintf(a, sizeof a, "%s/a.txt", dir);
  snprintf(b, sizeof b, "%s/b.txt", dir);
  snprintf(keep, sizeof keep, "%s/input.meme", dir);
  put(keep, "MEME version 4\n");
  TFF_UCHECK(tff_outdir_Open(dir, 1, &od, errbuf) == tffOK, "Open -oc: %s", errbuf);
  write_one(&od, "a.txt", "new\n");
  TFF_UCHECK(tff_outdir_Path(&od, "b.txt", &tmp, errbuf) == tffOK && tff_IsFile(tmp), "Path: %s", errbuf);
  put(tmp, "by path\n");
  TFF_UCHECK(tff_outdir_Fopen(&od, "a.txt", &fp, errbuf) == tffEINVAL, "a repeated name accepted");
  TFF_UCHECK(tff_outdir_Fopen(&od, "x/y.txt", &fp, errbuf) == tffEINVAL, "a name with '/' accepted");
  TFF_UCHECK(holds(a, "one\n") && !tff_IsFile(b), "files replaced before Commit");
  TFF_UCHECK(tff_outdir_Commit(&od, errbuf) == tffOK, "Commit -oc: %s", errbuf);
  TFF_UCHECK(holds(a, "new\n") && holds(b, "by path\n"), "own files after Commit");
  TFF_UCHECK(holds(keep, "MEME version 4\n"), "another file changed");
  TFF_UCHECK(ntemp(dir) == 0, "temporary files left in %s", dir);
  /* a run that fails leaves the directory as it was */
  TFF_UCHECK(tff_outdir_Open(dir, 1, &od, errbuf) == tffOK, "Open -oc: %s", errbuf);
  write_one(&od, "a.txt", "lost\n");
  write_one(&od, "c.txt", "lost\n");
  tff_outdir_Abort(&od);
  snprintf(b, sizeof b, "%s/c.txt", dir);
  TFF_UCHECK(holds(a, "new\n") && !tff_IsFile(b) && ntemp(dir) == 0, "an aborted -oc run changed %s", dir);
  /* a file where the directory should be */
  TFF_UCHECK(tff_outdir_Open(keep, 1, &od, errbuf) == tffEINVAL, "-oc on a file accepted");
  tff_outdir_Abort(&od);
}

/* Single files: replaced at Commit, kept on Abort. */
static void
utest_outfile(void)
{
  char        errbuf[TFF_ERRBUFSIZE], path[700];
  TFF_OUTFILE of;
  snprintf(path, sizeof path, "%s/model.txt", base);
  TFF_UCHECK(tff_outfile_Open(path, &of, errbuf) == tffOK, "outfile Open: %s", errbuf);
  TFF_UCHECK(fputs("v1\n", of.fp) >= 0 && tff_outfile_Commit(&of, errbuf) == tffOK, "outfile Commit: %s", errbuf);
  TFF_UCHECK(holds(path, "v1\n"), "outfile after Commit");
  TFF_UCHECK(tff_outfile_Open(path, &of, errbuf) == tffOK, "outfile Open: %s", errbuf);
  TFF_UCHECK(fputs("v2\n", of.fp) >= 0, "writing");
  tff_outfile_Abort(&of);
  TFF_UCHECK(holds(path, "v1\n") && ntemp(base) == 0, "an aborted outfile changed %s or left a temporary file", path);
  /* In place (a pipe, as /dev/fd/N): an aborted run sends nothing; a committed one
   * the whole output, and the pipe is still a pipe (no file renamed over it). */
  {
    int     pfd[2];
    char    fdpath[64], got[64];
    ssize_t n;
    TFF_UCHECK(pipe(pfd) == 0, "pipe");
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", pfd[1]);
    TFF_UCHECK(tff_outfile_Open(fdpath, &of, errbuf) == tffOK && of.in_place, "outfile Open %s: %s", fdpath, errbuf);
    TFF_UCHECK(fputs("partial\n", of.fp) >= 0, "writing in place");
    tff_outfile_Abort(&of);
    TFF_UCHECK(tff_outfile_Open(fdpath, &of, errbuf) == tffOK, "outfile Open %s again: %s", fdpath, errbuf);
    TFF_UCHECK(fputs("whole\n", of.fp) >= 0 && tff_outfile_Commit(&of, errbuf) == tffOK, "outfile Commit in place: %s", errbuf);
    close(pfd[1]);
    n = read(pfd[0], got, sizeof got - 1);
    TFF_UCHECK(n == 6 && memcmp(got, "whole\n", 6) == 0, "the pipe got %zd bytes, not the committed output alone", n);
    close(pfd[0]);
  }
  /* Check: the same file under another name is refused, another file, "-", NULL and a new path are not */
  {
    char        other[760];
    const char *in[3];
    snprintf(other, sizeof other, "%s/./model.txt", base);
    in[0] = NULL; in[1] = "-"; in[2] = other;
    TFF_UCHECK(tff_outfile_Check("o", path, in, 3, errbuf) == tffEINVAL && strstr(errbuf, "is an input file"), "Check of an input: %s", errbuf);
    TFF_UCHECK(tff_outfile_Check("o", path, in, 2, errbuf) == tffOK, "Check without the input: %s", errbuf);
    TFF_UCHECK(tff_outfile_Check("o", base, in, 2, errbuf) == tffEINVAL && strstr(errbuf, "is a directory"), "Check of a directory: %s", errbuf);
    snprintf(other, sizeof other, "%s/new.txt", base);
    TFF_UCHECK(tff_outfile_Check("o", other, in, 3, errbuf) == tffOK, "Check of a new file: %s", errbuf);
    {
      char gone[800];
      snprintf(gone, sizeof gone, "%s/no-such-dir/new.txt", base);
      TFF_UCHECK(tff_outfile_Check("o", gone, in, 3, errbuf) == tffEWRITE && strstr(errbuf, "cannot write: No such file"), "Check of a new file in no directory: %s", errbuf);
    }
    TFF_UCHECK(tff_outfile_CheckPair("a", other, "b", other, errbuf) == tffEINVAL && strstr(errbuf, "name the same file"), "CheckPair: one path");
    {
      char other2[780];
      snprintf(other2, sizeof other2, "%s/./new.txt", base);   /* neither exists */
      TFF_UCHECK(tff_outfile_CheckPair("a", other, "b", other2, errbuf) == tffEINVAL, "CheckPair: one new file, two paths");
    }
    snprintf(other, sizeof other, "%s/./model.txt", base);
    TFF_UCHECK(tff_outfile_CheckPair("a", path, "b", other, errbuf) == tffEINVAL, "CheckPair: one file, two paths");
    TFF_UCHECK(tff_outfile_CheckPair("a", path, "b", NULL, errbuf) == tffOK && tff_outfile_CheckPair("a", path, "b", base, errbuf) == tffOK,
               "CheckPair: different or absent");
    /* a device named twice is allowed (written in place, whole, one after the other); only checked, never written here */
    TFF_UCHECK(tff_outfile_CheckPair("o", "/dev/null", "oof", "/dev/null", errbuf) == tffOK, "CheckPair: /dev/null twice: %s", errbuf);
  }
  TFF_UCHECK(remove(path) == 0, "remove %s", path);
}

/* What Open says in a child process (another process: the parent's fcntl
 * locks are its own): 0 if it opened, 1 if refused as in use by process
 * pid, 2 otherwise. */
static int
open_in_child(const char *dir, int clobber, long pid)
{
  pid_t c = fork();
  int   st;
  TFF_UCHECK(c >= 0, "fork");
  if (c == 0) {
    char       errbuf[TFF_ERRBUFSIZE], want[128];
    TFF_OUTDIR od;
    int        r = tff_outdir_Open(dir, clobber, &od, errbuf);
    snprintf(want, sizeof want, "is in use by another run (process %ld)", pid);
    if (r == tffOK) { tff_outdir_Abort(&od); _exit(0); }
    _exit(r == tffEINVAL && strstr(errbuf, dir) && strstr(errbuf, want) ? 1 : 2);
  }
  TFF_UCHECK(waitpid(c, &st, 0) == c && WIFEXITED(st), "child");
  return WEXITSTATUS(st);
}

/* One run at a time per directory: a second process is refused while the
 * first holds the lock, existing DIR or new; the lock file goes at the end;
 * a crashed run's (empty) lock file is no stale lock; a file of that name
 * that is not empty is left alone. Independent checks. */
static void
utest_lock(void)
{
  char       errbuf[TFF_ERRBUFSIZE], dir[600], lock[700], nd[600], nlock[700];
  TFF_OUTDIR od;
  const long me = (long) getpid();
  snprintf(dir, sizeof dir, "%s/locked", base);
  snprintf(lock, sizeof lock, "%s/.tffam-lock", dir);
  TFF_UCHECK(mkdir(dir, 0777) == 0, "mkdir %s", dir);
  /* an existing directory */
  TFF_UCHECK(tff_outdir_Open(dir, 1, &od, errbuf) == tffOK, "Open -oc: %s", errbuf);
  TFF_UCHECK(tff_IsFile(lock), "no lock file %s while a run holds %s", lock, dir);
  TFF_UCHECK(open_in_child(dir, 1, me) == 1, "a second -oc run into %s was not refused as in use", dir);
  TFF_UCHECK(open_in_child(dir, 0, me) == 2, "a second -o run into %s: not 'exists'", dir);
  write_one(&od, "a.txt", "first\n");
  TFF_UCHECK(tff_outdir_Commit(&od, errbuf) == tffOK, "Commit: %s", errbuf);
  TFF_UCHECK(!tff_IsFile(lock) && ntemp(dir) == 0, "the lock file or a temporary file left after Commit");
  TFF_UCHECK(open_in_child(dir, 1, me) == 0, "-oc refused after the first run ended");
  /* a new directory: the lock beside it, for -o and -oc alike */
  snprintf(nd, sizeof nd, "%s/fresh", base);
  snprintf(nlock, sizeof nlock, "%s/.fresh.tffam-lock", base);
  TFF_UCHECK(tff_outdir_Open(nd, 0, &od, errbuf) == tffOK, "Open -o: %s", errbuf);
  TFF_UCHECK(tff_IsFile(nlock), "no lock file %s while a run makes %s", nlock, nd);
  TFF_UCHECK(open_in_child(nd, 1, me) == 1 && open_in_child(nd, 0, me) == 1, "a second run making %s was not refused as in use", nd);
  tff_outdir_Abort(&od);
  TFF_UCHECK(!tff_IsFile(nlock) && access(nd, F_OK) != 0 && ntemp(base) == 0, "an aborted -o run left its lock, %s or a staging directory", nd);
  /* a crashed run's lock file: no lock held on it, so no stale lock; removed at the end */
  put(lock, "");
  TFF_UCHECK(tff_outdir_Open(dir, 1, &od, errbuf) == tffOK, "a crashed run's lock file blocked -oc: %s", errbuf);
  TFF_UCHECK(open_in_child(dir, 1, me) == 1, "the leftover lock file was not locked");
  tff_outdir_Abort(&od);
  TFF_UCHECK(!tff_IsFile(lock), "the crashed run's lock file was not removed");
  /* a file by that name that is not empty is not ours: locked, never removed */
  put(lock, "user data\n");
  TFF_UCHECK(tff_outdir_Open(dir, 1, &od, errbuf) == tffOK, "Open -oc: %s", errbuf);
  TFF_UCHECK(open_in_child(dir, 1, me) == 1, "not locked");
  TFF_UCHECK(tff_outdir_Commit(&od, errbuf) == tffOK, "Commit: %s", errbuf);
  TFF_UCHECK(holds(lock, "user data\n"), "a non-empty %s was changed or removed", lock);
  TFF_UCHECK(remove(lock) == 0, "remove %s", lock);
  /* a file system without locks (ENOLCK): the run goes ahead unlocked and leaves no lock
   * file, beside a new directory or in an existing one */
  utest_nolocks = 1;
  snprintf(nd, sizeof nd, "%s/nolocks", base);
  snprintf(nlock, sizeof nlock, "%s/.nolocks.tffam-lock", base);
  TFF_UCHECK(tff_outdir_Open(nd, 0, &od, errbuf) == tffOK, "Open -o without locks: %s", errbuf);
  TFF_UCHECK(!tff_IsFile(nlock), "%s left by a run on a file system without locks", nlock);
  write_one(&od, "a.txt", "first\n");
  TFF_UCHECK(tff_outdir_Commit(&od, errbuf) == tffOK, "Commit: %s", errbuf);
  snprintf(lock, sizeof lock, "%s/.tffam-lock", nd);
  TFF_UCHECK(tff_outdir_Open(nd, 1, &od, errbuf) == tffOK, "Open -oc without locks: %s", errbuf);
  TFF_UCHECK(!tff_IsFile(lock), "%s left by a run on a file system without locks", lock);
  tff_outdir_Abort(&od);
  TFF_UCHECK(!tff_IsFile(lock) && !tff_IsFile(nlock), "a lock file after the runs without locks");
  utest_nolocks = 0;
}

/* Removes the test's tree (two levels at most). */
static void
cleanup(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[700];
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (remove(path) != 0) cleanup(path);
  }
  closedir(d);
  rmdir(dir);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_outdir_utest", NULL);
  TFF_UCHECK(mkdtemp(base) != NULL, "mkdtemp");
  utest_new_dir();
  utest_existing_dir();
  utest_outfile();
  utest_lock();
  utest_blame();
  cleanup(base);
  return tff_utest_Done();
}
#endif /* tffOUTDIR_TESTDRIVE */
