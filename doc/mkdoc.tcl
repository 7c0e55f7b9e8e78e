# mkdoc.tcl: write each program's man page (doc/PROG.1) and options page
# (website/PROG.html) from its -h output and the descriptions below.
#
#   tclsh doc/mkdoc.tcl BUILDDIR SRCDIR PROG...   (what `make docs` runs, for every
#                                                 program in bin_PROGRAMS)
#
# A program without an entry below gets its summary and description from its -h.
#
# The options, their arguments and defaults come from `PROG -h` (the option tables in
# the code), so the pages cannot drift from the programs: tests/eco.test fails when a
# program's options and its man page differ, and `make docs` brings them back in line.

set builddir [lindex $argv 0]
set srcdir [lindex $argv 1]
set wanted [lmap p [lrange $argv 2 end] {file tail $p}]

# Per program: one-line summary, description paragraphs, examples {command comment ...},
# files/environment notes, related programs.
set progs {
    tffam {
        summary "predict the structural family of transcription factors from their DNA motifs"
        description {
            {tffam predicts, for each DNA binding motif in the input, the structural family of the transcription factor that binds it: its TFClass class as JASPAR 2024 annotates it, such as Homeo domain factors or C2H2 zinc finger factors. By default the call is the combined model's (tffam-combine): a calibrated probability from the mean of ten small reverse-complement-invariant convolutional networks (Wilk 2025) and the nearest-neighbour (KNN) evidence among the 2324 bundled JASPAR 2024 CORE reference motifs of all 48 TFClass classes JASPAR annotates (heterodimers count for both of their classes) under Tomtom's column scores. The networks' own call and KNN's are reported beside it; -method both, cnn or knn makes one of them the caller instead. -level class20 uses the thesis's 20 classes and 2113 motifs instead.}
            {No known family: a second model scores how unlike every known class a motif is (how close and how typical its nearest references are, its information content, how sure the networks are); at or above the combiner's threshold (-novelty) the call is no_known_family, with the most probable classes and the nearest references still shown. Decoys (uniform and random matrices) almost all get it; motifs of a class left out of the reference get it only sometimes (about one in five in cross-validation), because many classes bind similar DNA. A heterodimer-like motif gets the flag two_families, the answer being both classes: when its nearest reference motif (by ed) is a two-class JASPAR motif (A::B) holding the call at an E-value of at most -partner-evalue, the other class; otherwise, only if -second-prob is set (it is off by default: on held-out motifs it was wrong far more often than right), when the second class has probability at least that (an abstained call has no second class; the 20-class and family30 references hold no two-class motifs, so there only -second-prob can give one). The accuracy on TFs that JASPAR does not have is lower than on TFs it has (doc/combine.md: relative-free cross-validation).}
            {After Tomtom: with -tomtom tomtom.tsv (a Tomtom run of the same motifs against any JASPAR CORE release from MEME's motif_databases, or against the bundled reference) the call is still the combined model's. Tomtom's rows stand for the neighbours they cover under the column score its command line names; tffam computes the rest; the report says which neighbours came from Tomtom. Targets are matched to the reference by JASPAR base id (MA0139.1 stands for MA0139.x) or, for transfac2meme files, by factor name.}
            {Your own reference (-ref, -ref-labels): when all its families are the combined model's, the combined model uses it as its neighbours' evidence. When some are not (families the model was never fitted on), KNN against your reference makes the call, as -method knn, and the reports say so (a note on stderr, '# note:' in tffam.tsv, <note> in tffam.xml); -method combined is then refused.}
            {The motif file may be MEME text, MEME/STREME/DREME XML or JASPAR, gzip-compressed or not; '-' reads standard input. The results go to tffam.tsv, tffam.xml and tffam.html in the output directory (their columns and elements: doc/tffam-output-format.md, installed in PREFIX/share/doc/tffam), or, with -text, the table goes to standard output. With -oc into an existing directory, only these three files are replaced, each atomically, and every other file in it is left alone; a run that fails changes nothing there. The other programs with -o/-oc do the same with their own files. One run at a time per directory: while a run writes it, it holds a lock on DIR/.tffam-lock (.DIR.tffam-lock beside it while DIR is being made), and a second run given the same directory, of any of the programs, stops at once with an error naming it and the process that holds it. The lock file is removed when the run ends; a run that is killed leaves the file but not the lock, so the next run is not held up.}
        }
        examples {
            {tffam -oc example_out /usr/local/share/tffam/example/example.streme.xml} {classify the bundled STREME example; open example_out/tffam.html}
            {tffam -text -method knn -k 5 streme_out/streme.xml} {KNN only, five voters, the table on standard output}
            {tffam -oc out -ref my.meme -ref-labels my_families.tsv motifs.meme} {KNN against your own labelled reference motifs}
            {streme --p peaks.fa --dna --oc streme_out; tomtom -dist pearson -min-overlap 5 -oc tomtom_out streme_out/streme.txt motif_databases/JASPAR/JASPAR2022_CORE_non-redundant_v2.meme; tffam -oc tffam_out -tomtom tomtom_out/tomtom.tsv streme_out/streme.txt} {the MEME Suite chain: the combined model's calls, with Tomtom's JASPAR matches as evidence}
        }
        files {
            {TFFAM_DATA_DIR} {directory holding the reference sets, the models and the report template; default: the installed data directory (PREFIX/share/tffam)}
            {PREFIX/share/tffam/models/LEVEL/MANIFEST} {the networks and combiner of each -level (class, class20, family, family30), their crc32s (checked when read) and the reference set they go with (doc/data-layout.md)}
            {TFFAM_MODEL} {model file used by -method both and cnn instead of the level's model, when neither -model nor -level is given}
            {OMP_NUM_THREADS} {threads used when -threads is 0}
            {TFF_NOPRUNE} {if set, the comparisons compute every reference motif's p-value, not only those that can be among the nearest neighbours (the full computation; the results are the same bytes: doc/compare.md, "The nearest targets only")}
        }
        seealso {tffam-combine tffam-cv tffam-compare tffam-eval tffam-train tffam-ig tffam-similarity tomtom streme meme}
    }
    tffam-compare {
        summary "compare DNA motifs with the same statistics and output as Tomtom"
        description {
            {tffam-compare compares each query motif with every target motif as Tomtom 5.5.8 does: the same column scores, offsets, p-values, E-values and q-values, and the same tomtom.tsv columns, so that its output can be used wherever Tomtom's is. It is the comparison that tffam's nearest-neighbour classifier uses, and is faster than Tomtom.}
            {Results go to tomtom.tsv in the output directory, or to standard output with -text. No logos are drawn; Tomtom's logo options are accepted and ignored.}
        }
        examples {
            {tffam-compare -oc cmp_out query.meme JASPAR2024.meme} {compare every query motif with a database}
            {tffam-compare -text -thresh 1 -dist pearson -m MA0058.4 a.meme b.meme} {all matches of one motif, Pearson correlation}
        }
        files {
            {OMP_NUM_THREADS} {threads used when -threads is 0}
        }
        seealso {tffam tomtom}
    }
    tffam-eval {
        summary "leave-one-out nearest-neighbour family prediction on a labelled motif set"
        description {
            {tffam-eval measures how well nearest neighbours predict transcription factor families: each motif of a labelled set is classified by its K nearest other motifs, for K = 1 to -kmax, under the ed, pearson and sandelin column scores and their ensemble (the benchmark of Wilk 2025, Fig. 1d,e). It writes the accuracy table, per-family scores and the confusion matrix.}
            {The labels file is tab-separated: motif id and family (doc/labels-format.md). Neighbours are computed, or read from all-versus-all Tomtom runs.}
            {The thesis's figures (accuracy 0.842, macro-F1 0.765: the ensemble at K = 1) are printed beside its own label set only, the 2113 motifs in 20 classes of jaspar2024_eval_2113.tsv. That set is recognised by what the labels say, not by the file's bytes: 2113 motifs, 20 families and the CRC-32 of the sorted lines "id TAB family" of every motif (another row order, other columns or CRLF line ends do not matter; a motif more, less or relabelled does). For any other labels the thesis_accuracy and thesis_macro_F1 columns of knn_table.tsv are empty, and knn.html says the thesis's values are not comparable.}
        }
        examples {
            {tffam-eval -oc knn_out /usr/local/share/tffam/jaspar2024_eval_2113.meme /usr/local/share/tffam/jaspar2024_eval_2113.tsv} {the thesis benchmark on the bundled JASPAR 2024 set}
        }
        files {
            {OMP_NUM_THREADS} {threads used when -threads is 0}
            {TFF_NOPRUNE} {if set, the comparisons compute every reference motif's p-value, not only those that can be among the nearest neighbours (the full computation; the results are the same bytes: doc/compare.md, "The nearest targets only")}
        }
        seealso {tffam tffam-compare tffam-train}
    }
    tffam-train {
        summary "train or cross-validate tffam's convolutional network"
        description {
            {tffam-train trains the family network (doc/cnn.md) on labelled motifs and writes a model that tffam -model reads, or estimates its accuracy by stratified K-fold cross-validation (-cv), writing per-fold and per-family results, the confusion matrix and an HTML summary.}
            {Training is deterministic for a given -seed; the number of threads does not change the results.}
        }
        examples {
            {tffam-train -o my.model motifs.meme families.tsv} {train on all motifs}
            {tffam-train -cv 10 -oc cv_out motifs.meme families.tsv} {10-fold cross-validation}
            {tffam-train -info my.model} {check a model file}
        }
        files {}
        seealso {tffam tffam-eval tffam-ig}
    }
    tffam-ig {
        summary "per-position importance of a motif for tffam's convolutional network (Integrated Gradients)"
        description {
            {tffam-ig explains the network's call for each motif with Integrated Gradients (doc/ig.md): the importance of every position (and letter) for the predicted family, or for the family given with -family, from the uniform 0.25 matrix to the motif.}
            {With -eval-cores it measures the share of importance on the bHLH CANNTG and homeodomain TAAT cores of correctly predicted motifs (thesis Fig. 4). The core families are those of the 20-class labels ("Basic helix-loop-helix factors (bHLH)", "Homeo domain factors"): one that no labelled motif has, as with family-level labels, gets NA and a warning on stderr.}
        }
        examples {
            {tffam-ig streme_out/streme.xml > importance.tsv} {importance profiles of the predicted families}
            {tffam-ig -family "Homeo domain factors" -cells cells.tsv motifs.meme > ig.tsv} {explain one family, every cell}
        }
        files {
            {TFFAM_MODEL} {model file used instead of the shipped models/class20/tffam-default.model}
        }
        seealso {tffam tffam-train}
    }
    tffam-cv {
        summary "cross-validated accuracy and calibration of KNN, the network and their combination"
        description {
            {tffam-cv estimates, on a labelled motif set, the accuracy, macro-F1 and calibration (expected calibration error, reliability diagrams) of the nearest-neighbour classifier, the convolutional network and the combined model, on stratified folds, on folds grouped by TF name, by gene-name stem (paralogs such as FOXA1 and FOXA2 together: the accuracy on TFs the reference does not have) and by clusters of near-identical motifs (Tomtom ed p-value below -cluster-pvalue), side by side (doc/combine.md). Each fold's combiner is fitted on the other folds' out-of-fold features, whose neighbours exclude the held-out fold; the networks behind those features' probabilities were trained with the held-out fold among their training motifs, unless -nested is given (then no network that saw either fold contributes). It reports the motifs with no same-family reference (novel), confident calls (p90), per-family recall and, for two-label (heterodimer) motifs, how often both families are found.}
            {-novelty fits and judges the no_known_family model: every family with at least -loco-min motifs is left out of the reference in turn, decoy motifs are added, and the abstention share, AUROC and lost correct calls are printed; -write-combiner then writes it into the combiner (fitted on the -combiner-split's out-of-fold evidence, stem by default).}
            {The labels file needs a name column (the TF) besides the family, as the bundled jaspar2024_eval_2113.tsv and jaspar2024_allclass.tsv have; a family "A::B" is two labels. A grouped split can put every motif of a family into one fold (a family whose motifs share one stem, or form one cluster); held out, they have no reference or training motif of their family, so that split cannot judge the family: a warning names it.}
        }
        examples {
            {tffam-cv -oc cv_out /usr/local/share/tffam/jaspar2024_eval_2113.meme /usr/local/share/tffam/jaspar2024_eval_2113.tsv} {stratified, stem and cluster folds on the thesis's set}
            {tffam-cv -novelty -oc cv_all /usr/local/share/tffam/jaspar2024_allclass.meme /usr/local/share/tffam/jaspar2024_allclass.tsv} {every class, with the no_known_family model}
        }
        files {
            {OMP_NUM_THREADS} {threads used when -threads is 0}
            {TFF_NOPRUNE} {if set, the comparisons compute every reference motif's p-value, not only those that can be among the nearest neighbours (the full computation; the results are the same bytes: doc/compare.md, "The nearest targets only")}
        }
        seealso {tffam tffam-eval tffam-train}
    }
    tffam-combine {
        summary ""
        description {}
        examples {}
        files {
            {OMP_NUM_THREADS} {threads used when -threads is 0}
            {TFF_NOPRUNE} {if set, the comparisons compute every reference motif's p-value, not only those that can be among the nearest neighbours (the full computation; the results are the same bytes: doc/compare.md, "The nearest targets only")}
        }
        seealso {tffam tffam-cv tffam-compare}
    }
    tffam-similarity {
        summary "motif similarity within and between transcription factor families"
        description {
            {tffam-similarity compares all motifs of a labelled set with each other (Tomtom's statistics), summarises the similarity within and between families, finds overlapping families, and regresses per-family accuracy of the classifiers on it (thesis Fig. 5). It writes tables, PNG/SVG heatmaps and an HTML page.}
        }
        examples {
            {tffam-similarity -oc sim_out -knn knn_out/knn_families.tsv -cnn cv_out/cv_families.tsv motifs.meme families.tsv} {similarity and its relation to accuracy}
        }
        files {
            {OMP_NUM_THREADS} {threads used when -threads is 0}
        }
        seealso {tffam-eval tffam-train tffam-compare}
    }
}

# Parse `PROG -h`: usage lines, description lines, options {name arg text}.
proc parse_help {text} {
    set usage {}; set desc {}; set opts {}; set state usage
    foreach line [split $text \n] {
        if {$state eq "usage"} {
            if {[string trim $line] eq ""} { set state desc; continue }
            lappend usage [regsub {^(Usage:)? +} $line {}]
        } elseif {$state eq "desc"} {
            if {$line eq "Options:"} { set state opts; continue }
            if {[string trim $line] ne ""} { lappend desc [string trim $line] }
        } elseif {[regexp {^  (-\S+)(?: (<[^>]*>|\S+))? +(.*)$} $line -> name arg help]} {
            if {[string match -* $arg]} { set arg "" }
            lappend opts [list $name $arg $help]
        } elseif {[regexp {^ {10,}(\S.*)$} $line -> more] && [llength $opts]} {
            lset opts end 2 "[lindex $opts end 2] $more"
        }
    }
    return [list $usage [join $desc " "] $opts]
}

proc roff {s} {
    set s [string map {\\ \\e} $s]
    set s [string map {- \\-} $s]
    if {[string match {[.']*} $s]} { set s "\\&$s" }
    return $s
}

proc html {s} { string map {& &amp; < &lt; > &gt; \" &quot;} $s }

proc read_version {builddir} {
    set f [open "|[list [file join $builddir src tffam] -version]"]
    set v [string trim [read $f]]; close $f
    return $v
}

set version [read_version $builddir]
set date [clock format [clock seconds] -format %Y-%m-%d]
set nav {index.html Overview tffam.html tffam tffam-compare.html tffam-compare tffam-eval.html tffam-eval
         tffam-train.html tffam-train tffam-ig.html tffam-ig tffam-similarity.html tffam-similarity
         tffam-cv.html tffam-cv tffam-combine.html tffam-combine
         input-formats.html {Input formats} output-formats.html {Output formats}
         example.html Example workflows.html {Galaxy, CWL, Snakemake} cite.html {How to cite}}

proc page_head {title active} {
    global nav version
    set h "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>[html $title] - tffam</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n"
    append h "<div class=\"top\"><span class=\"brand\">tffam</span> <span class=\"ver\">version $version</span></div>\n<div class=\"nav\">\n"
    foreach {href label} $nav {
        set cls [expr {$href eq $active ? " class=\"here\"" : ""}]
        append h "  <a href=\"$href\"$cls>[html $label]</a>\n"
    }
    append h "</div>\n<div class=\"main\">\n"
    return $h
}
proc page_foot {} { return "</div>\n</body>\n</html>\n" }

if {![llength $wanted]} { set wanted [dict keys $progs] }
foreach prog $wanted {
    if {[dict exists $progs $prog]} {
        set info [dict get $progs $prog]
    } else {
        set info {summary "" description {} examples {} files {} seealso tffam}
    }
    set f [open "|[list [file join $builddir src $prog] -h] 2>@1"]
    set text [read $f]; catch {close $f}
    lassign [parse_help $text] usage hdesc opts
    dict with info {}
    # Fall back on the -h text: its first sentence as the summary, all of it as description.
    if {$summary eq ""} {
        set summary [string tolower [string trimright [lindex [split $hdesc .] 0]] 0 0]
    }
    if {![llength $description]} { set description [list $hdesc] }

    # The man page.
    set m ".\\\" $prog.1: generated by doc/mkdoc.tcl from `$prog -h` (make docs); do not edit.\n"
    append m ".TH [string toupper $prog] 1 \"$date\" \"tffam $version\" \"User Commands\"\n"
    append m ".SH NAME\n[roff $prog] \\- [roff $summary]\n.SH SYNOPSIS\n"
    foreach u $usage { append m ".nf\n[roff $u]\n.fi\n" }
    append m ".SH DESCRIPTION\n"
    foreach p $description { append m ".PP\n[roff [string trim $p]]\n" }
    append m ".SH OPTIONS\nMEME-style options: a single dash, or two (\\fB\\-\\-k 5\\fR equals \\fB\\-k 5\\fR).\n"
    foreach o $opts {
        lassign $o name arg help
        append m ".TP\n"
        if {$arg ne ""} { append m ".BI [roff $name] \" [roff $arg]\"\n" } else { append m ".B [roff $name]\n" }
        append m "[roff $help]\n"
    }
    append m ".SH EXIT STATUS\n0 on success; 1 for bad input or a usage error (the message names the file and line); 2 when memory runs out or a file cannot be written.\n"
    if {[llength $examples]} {
        append m ".SH EXAMPLES\n"
        foreach {cmd what} $examples { append m ".PP\n[roff [string toupper $what 0 0]]:\n.PP\n.RS\n.nf\n[roff $cmd]\n.fi\n.RE\n" }
    }
    if {[llength $files]} {
        append m ".SH ENVIRONMENT\n"
        foreach {var what} $files { append m ".TP\n.B [roff $var]\n[roff $what]\n" }
    }
    append m ".SH SEE ALSO\n"
    set refs {}
    foreach s $seealso { lappend refs "\\fB[roff $s]\\fR(1)" }
    append m "[join $refs {, }]\n.PP\nThe tffam website (website/index.html in the source) and the documents in PREFIX/share/doc/tffam.\n"
    append m ".SH CITATION\nWilk AB (2025). Machine learning methods to predict transcription factor family from binding specificity. Quantitative Biology Honors Thesis, University of Southern California.\n"
    set out [open [file join $srcdir doc $prog.1] w]; puts -nonewline $out $m; close $out

    # The options page.
    set h [page_head $prog $prog.html]
    append h "<!-- generated by doc/mkdoc.tcl from `$prog -h` (make docs); do not edit -->\n"
    append h "<h1>$prog</h1>\n<p class=\"summary\">[html [string toupper $summary 0 0]].</p>\n"
    append h "<h2>Usage</h2>\n<pre class=\"usage\">[html [join $usage \n]]</pre>\n<h2>Description</h2>\n"
    foreach p $description { append h "<p>[html [string trim $p]]</p>\n" }
    append h "<h2>Options</h2>\n<p>Options start with one dash, as in the MEME Suite (two are accepted too). Defaults are those the program prints with <code>-h</code>.</p>\n"
    append h "<table class=\"opts\">\n<tr><th>Option</th><th>Description</th></tr>\n"
    foreach o $opts {
        lassign $o name arg help
        append h "<tr><td class=\"opt\"><code>[html $name]</code>[expr {$arg ne "" ? " <i>[html $arg]</i>" : ""}]</td><td>[html $help]</td></tr>\n"
    }
    append h "</table>\n"
    if {[llength $examples]} {
        append h "<h2>Examples</h2>\n"
        foreach {cmd what} $examples { append h "<p>[html [string toupper $what 0 0]]:</p>\n<pre class=\"cmd\">[html $cmd]</pre>\n" }
    }
    if {[llength $files]} {
        append h "<h2>Environment</h2>\n<dl>\n"
        foreach {var what} $files { append h "<dt><code>$var</code></dt><dd>[html $what]</dd>\n" }
        append h "</dl>\n"
    }
    append h "<h2>Exit status</h2>\n<p>0 on success; 1 for bad input or a usage error (the message names the file and line); 2 when memory runs out or a file cannot be written.</p>\n"
    append h "<p>Man page: <code>man $prog</code>.</p>\n"
    append h [page_foot]
    set out [open [file join $srcdir website $prog.html] w]; puts -nonewline $out $h; close $out
    puts "wrote doc/$prog.1 and website/$prog.html ([llength $opts] options)"
}
