/* tff_level: the label levels of the shipped data (-level) and their manifests.
 *
 * Each level's networks and combiner sit in their own data directory,
 * models/LEVEL/, with a MANIFEST that lists them, their crc32s and the
 * reference set and labels they go with (doc/data-layout.md):
 *
 *   TFFAM-MANIFEST 1
 *   level      class20
 *   about      TFClass class, the thesis's 20 ...
 *   reference  jaspar2024_eval_2113.meme  <crc32>   (in the data directory)
 *   labels     jaspar2024_eval_2113.tsv   <crc32>
 *   combiner   tffam-combine.txt          <crc32>   (in models/LEVEL/)
 *   model      tffam-default.model        <crc32>   (the network of -method both|cnn)
 *   network    tffam-default.model        <crc32>   (one line per network)
 *
 * One table of levels (tff_levels[]) serves every program with -level (tffam,
 * tffam-combine) and tffam-ig's default model. A data directory without
 * models/LEVEL/MANIFEST is read in the flat layout of 0.1.0 (every file in the
 * data directory itself, tff_levels[].old_*), for one release.
 *
 *   TFF_LEVEL *L;
 *   tff_level_Open("class", &L, errbuf);        // finds models/class/MANIFEST
 *   if (L->layout == tffLEVEL_NONE) ...         // neither layout: say L->manifest is missing
 *   tff_level_Verify(L, L->combiner, errbuf);   // its crc32 is the manifest's
 *   tff_level_Destroy(L);
 */
#ifndef TFF_LEVEL_INCLUDED
#define TFF_LEVEL_INCLUDED

/* For the option tables: -level's choices and default. */
#define TFF_LEVEL_CHOICES "class|class20|family|family30"
#define TFF_LEVEL_DEFAULT "class"

typedef struct {
  const char *name;          /* the -level value; its files are in models/<name>/ */
  const char *about;         /* one line */
  /* the flat layout (0.1.0): file names in the data directory itself */
  const char *old_ref, *old_labels, *old_model, *old_combiner;
} TFF_LEVELDEF;

extern const TFF_LEVELDEF tff_levels[];
extern const int          tff_nlevels;

/* The level named name, or NULL. */
const TFF_LEVELDEF *tff_level_Find(const char *name);

enum tff_level_layout {
  tffLEVEL_MANIFEST = 0,     /* models/LEVEL/MANIFEST read */
  tffLEVEL_FLAT     = 1,     /* no manifest; the old flat model or combiner found */
  tffLEVEL_NONE     = 2      /* neither: only the reference set may be there */
};

/* The kinds of a manifest's file lines; every level has one of each of the first five
 * (network: one or more); a kmer line (the combiner's k-mer model) is optional. */
enum tff_level_kind { tffLEVEL_REFERENCE, tffLEVEL_LABELS, tffLEVEL_COMBINER, tffLEVEL_MODEL, tffLEVEL_NETWORK, tffLEVEL_KMER };

typedef struct {
  int   kind;                /* tffLEVEL_REFERENCE ... */
  char *name;                /* as the manifest lists it */
  char *path;                /* where it is */
  char  crc[9];              /* the manifest's crc32; "" in the flat layout */
} TFF_LEVEL_FILE;

typedef struct {
  const TFF_LEVELDEF *def;
  int                 layout;     /* tffLEVEL_MANIFEST, _FLAT, _NONE */
  char               *manifest;   /* its path; where it was looked for if not found */
  TFF_LEVEL_FILE     *f;
  int                 nf;
  const char         *ref, *labels, *combiner, *model;   /* paths (into f[]); the flat names' if no manifest */
  int                 nnet;       /* network lines */
} TFF_LEVEL;

/* Function:  tff_level_Open()
 * Synopsis:  Find a level's files: its manifest, else the flat layout.
 * Purpose:   Looks for models/<name>/MANIFEST as tff_DataPath() looks for a
 *            data file. Without one, *ret_L has the flat layout's paths
 *            (layout FLAT if its model or combiner exists, else NONE); the
 *            caller says what is missing.
 * Returns:   tffOK; tffEINVAL (no such level), tffEFORMAT (a bad manifest:
 *            errbuf names it and the line), tffEMEM.
 */
int  tff_level_Open(const char *name, TFF_LEVEL **ret_L, char *errbuf);
void tff_level_Destroy(TFF_LEVEL *L);

/* Function:  tff_level_Verify()
 * Synopsis:  Check a file against the manifest's crc32 (if the manifest lists it).
 * Returns:   tffOK (listed and equal, or not listed, or the flat layout);
 *            tffEFORMAT naming the file and the manifest when it differs;
 *            tffENOTFOUND if it cannot be read.
 */
int  tff_level_Verify(const TFF_LEVEL *L, const char *path, char *errbuf);

/* Function:  tff_level_VerifyNetworks()
 * Synopsis:  The combiner's networks (their paths) are the manifest's, unchanged.
 * Returns:   tffOK; tffEFORMAT if one is not listed as a network or its crc32
 *            differs. Nothing is checked in the flat layout.
 */
int  tff_level_VerifyNetworks(const TFF_LEVEL *L, char *const *paths, int n, char *errbuf);

/* Function:  tff_level_VerifyKmer()
 * Synopsis:  The combiner's k-mer model (its path) is the manifest's kmer file, unchanged.
 * Returns:   as tff_level_VerifyNetworks().
 */
int  tff_level_VerifyKmer(const TFF_LEVEL *L, const char *path, char *errbuf);

/* Function:  tff_level_NetworkPath()
 * Synopsis:  Where a network named by a combiner file is.
 * Purpose:   A combiner names its networks by file name. Looked for beside the
 *            combiner, then as a data file (the flat layout), then in each
 *            level's models/LEVEL/ (shipped names are unique across levels).
 *            The first that exists; if none does, the path beside the combiner.
 * Returns:   tffOK and a new string in *ret_path; tffEMEM.
 */
int  tff_level_NetworkPath(const char *combiner_path, const char *name, char **ret_path, char *errbuf);

/* Function:  tff_level_Owner()
 * Synopsis:  The shipped level whose manifest lists a file of this kind with
 *            this crc32 (of the whole file): a combiner file records no
 *            level, its manifest does.
 * Args:      kind - tffLEVEL_COMBINER, or tffLEVEL_MODEL (a model or network line)
 *            crc  - 8 lower-case hex digits
 * Returns:   the level's name (tff_levels[]), or NULL: no manifest lists it (a
 *            level without one, or with one that cannot be read, is passed over).
 */
const char *tff_level_Owner(int kind, const char *crc);

#endif /* TFF_LEVEL_INCLUDED */
