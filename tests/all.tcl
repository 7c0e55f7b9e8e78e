# all.tcl: run tffam's whole regression suite.
#
#   tclsh tests/all.tcl ?tcltest options?      (make check sets TFF_BUILDDIR/TFF_SRCDIR)
#
# Runs every tests/*.test file (tcltest) in this interpreter, which includes
# unit.test: the C unit-test drivers (src/*_utest). Prints a final line
# "N passed, N failed" and exits non-zero when a test failed, when a test file
# raised an error, or when no test ran at all.
package require Tcl 8.6
package require tcltest 2.2
namespace import ::tcltest::*

set here [file dirname [file normalize [info script]]]
source [file join $here lib.tcl]

file mkdir [file join [tff::outdir] tcltest]
configure -testdir $here -singleproc 1 -tmpdir [file join [tff::outdir] tcltest] {*}$argv

set ::tff_passed 0
set ::tff_failed 0
set ::tff_skipped 0
# cleanupTests (called at the end of each file, and by runAllTests) resets the
# counters; add them up before that happens.
proc ::tcltest::cleanupTestsHook {} {
    variable numTests
    incr ::tff_passed  $numTests(Passed)
    incr ::tff_failed  $numTests(Failed)
    incr ::tff_skipped $numTests(Skipped)
}

set file_errors {}
foreach f [lsort [glob -directory $here *.test]] {
    set wanted 0
    foreach pat [matchFiles] { if {[string match $pat [file tail $f]]} { set wanted 1 } }
    foreach pat [skipFiles]  { if {[string match $pat [file tail $f]]} { set wanted 0 } }
    if {!$wanted} continue
    puts "== [file tail $f]"
    if {[catch {uplevel #0 [list source $f]} msg]} {
        lappend file_errors [file tail $f]
        puts "ERROR in [file tail $f]: $msg"
    }
}
puts ""
if {[llength $file_errors]} { puts "Test files exiting with errors: $file_errors" }
if {$::tff_skipped} { puts "$::tff_skipped skipped" }
puts "$::tff_passed passed, $::tff_failed failed"
exit [expr {($::tff_failed > 0 || [llength $file_errors] > 0 || $::tff_passed == 0) ? 1 : 0}]
