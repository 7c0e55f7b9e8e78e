# tests/browser/report.tcl: the HTML report in a real browser (headless Chromium).
#
#   make check-browser        (needs Debian's `chromium`; not part of make check)
#
# Opens the report of the bundled example (etc/example/example.streme.xml,
# default model and reference set) and the synthetic report of
# tff_report_utest (every optional part: importance tracks, awkward names),
# lets the page's JavaScript run, and checks the DOM it built: no script
# errors on the console, one summary row per query, the expected number of
# logos, importance tracks. Screenshots are kept in tests/out/browser/.
package require Tcl 8.6
package require tcltest 2.2
namespace import ::tcltest::*
set here [file dirname [file normalize [info script]]]
source [file join [file dirname $here] lib.tcl]
configure -singleproc 1 {*}$argv

set chromium [expr {[info exists ::env(CHROMIUM)] ? $::env(CHROMIUM) : "chromium"}]
if {[auto_execok $chromium] eq ""} {
    puts "check-browser: $chromium not found (Debian: apt-get install chromium)"
    exit 1
}
set ::env(TFFAM_DATA_DIR) [file join $::tff::srcdir etc]
set out [file join [tff::outdir] browser]
file delete -force $out
file mkdir $out

# Run headless Chromium on a local file: the DOM after the scripts ran, and its log (stderr).
proc browse {html what} {
    global chromium out
    set profile [file join $out profile-[pid]]
    file delete -force $profile
    set common [list --headless --no-sandbox --disable-gpu --disable-background-networking \
                    --disable-component-update --disable-sync --no-first-run --user-data-dir=$profile \
                    --enable-logging=stderr --v=0 --virtual-time-budget=10000 --window-size=1400,2200]
    set url "file://[file normalize $html]"
    set log [file join $out $what.log]
    if {[catch {exec -ignorestderr -- timeout 120 $chromium {*}$common --dump-dom $url 2> $log} dom]} {
        error "chromium --dump-dom failed: $dom"
    }
    catch {exec -ignorestderr -- timeout 120 $chromium {*}$common --screenshot=[file join $out $what.png] $url 2>> $log}
    file delete -force $profile
    set f [open $log]; set err [read $f]; close $f
    return [list $dom $err]
}
# Lines of a Chromium log that report a problem in the page.
proc page_errors {log} {
    set bad {}
    foreach line [split $log \n] {
        if {[regexp {CONSOLE|Uncaught|SyntaxError|TypeError|ReferenceError} $line]} { lappend bad $line }
    }
    return $bad
}

# The bundled example, default model and reference set.
set ex [file join $out example]
lassign [tff::run tffam -verbosity 1 -oc $ex [file join $::tff::srcdir etc example example.streme.xml]] code o e
if {$code != 0} { puts "tffam failed: $e"; exit 1 }
lassign [browse [file join $ex tffam.html] example] exdom exlog

test browser-example-1.1 {the example report: no script errors, the page finished} -body {
    list [page_errors $exlog] [regexp {<body[^>]*data-rendered="yes"} $exdom] [regexp {id="error">\s*</div>} $exdom]
} -result {{} 1 1}

test browser-example-1.2 {eight query rows in the summary table, eight motif sections} -body {
    list [regexp -all {<tr class="qrow} $exdom] [regexp -all {<div class="query" id="q[0-9]+">} $exdom]
} -result {8 8}

test browser-example-1.3 {logos: two per query (both strands) and one per listed neighbour, letters drawn} -body {
    set nlogos [regexp -all {<svg [^>]*class="logo"} $exdom]
    set nnb [regexp -all {<table class="nbtable">} $exdom]
    set nbrows [regexp -all {<td class="num">[1-5]</td><td class="mono">MA} $exdom]
    list $nnb $nbrows [expr {$nlogos == 2 * 8 + $nbrows}] [expr {[regexp -all {<path d="M} $exdom] > 500}]
} -result {8 40 1 1}

test browser-example-1.4 {conv net bars, KNN bars, family counts, importance tracks} -body {
    list [regexp -all {<h3>Conv net: family probabilities</h3>} $exdom] [regexp -all {<h3>KNN: vote shares</h3>} $exdom] \
        [expr {[regexp -all {<div class="name"} $exdom] >= 8}] [expr {[regexp -all {<rect class="imp"} $exdom] > 0}]
} -result {8 8 1 1}

test browser-example-1.5 {a screenshot was taken} -body {
    expr {[file exists [file join $out example.png]] && [file size [file join $out example.png]] > 10000}
} -result 1

# The synthetic report: importance on both queries, a query without a KNN call, names to escape.
set syn [file join $out synthetic]
lassign [tff::run tff_report_utest $syn [file join $::tff::srcdir etc tffam_template.html]] code o e
if {$code != 0} { puts "tff_report_utest failed: $e"; exit 1 }
lassign [browse [file join $syn tffam.html] synthetic] sdom slog

test browser-synthetic-1.1 {every optional part renders without script errors; names shown as text} -body {
    list [page_errors $slog] [regexp -all {<tr class="qrow} $sdom] [expr {[regexp -all {<rect class="imp"} $sdom] >= 2 * (4 + 5)}] \
        [regexp {Fam &lt;A&gt; &amp; co} $sdom] [regexp {no call \(no neighbour\)} $sdom]
} -result {{} 2 1 1 1}

set failed $::tcltest::numTests(Failed)
cleanupTests
puts "check-browser: screenshots and logs in $out"
exit [expr {$failed > 0}]
