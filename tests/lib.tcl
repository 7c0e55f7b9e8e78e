# lib.tcl: helpers shared by the tffam Tcl test files.
#
#   tff::bin NAME              path of a built program (src/NAME in the build tree)
#   tff::run NAME ?arg ...?    run it; returns {exitcode stdout stderr}, never throws
#   tff::runin DATA NAME ...   the same with DATA on standard input
#   tff::data FILE             tests/data/FILE in the source tree
#   tff::shared REL            ../shared/REL beside the source tree (constraint "shared")
#   tff::tmpdir                a fresh, empty directory under the build's tests/out
#   tff::readfile PATH         contents of a file (gzip-decompressed if it ends in .gz)
#   tff::within E A TOL        lists of numbers equal within an absolute tolerance
#   tff::combine_rows OUT      the rows of tffam-combine's call table (header and
#                              the footer after the blank line left out)
#   -match approx              numbers equal within relative 1e-6 (absolute 1e-12),
#                              other words exactly; lists compared element by element
package require Tcl 8.6
package require tcltest 2.2

namespace eval tff {
    variable srcdir   [file normalize [expr {[info exists ::env(TFF_SRCDIR)] ? $::env(TFF_SRCDIR) : [file dirname [file dirname [file normalize [info script]]]]}]]
    variable builddir [expr {[info exists ::env(TFF_BUILDDIR)] ? $::env(TFF_BUILDDIR) : $srcdir}]
    variable tmpcount 0

    proc outdir {} {
        variable builddir
        set d [file join $builddir tests out]
        file mkdir $d
        return $d
    }
    proc bin {name} {
        variable builddir
        return [file join $builddir src $name]
    }
    proc data {f} {
        variable srcdir
        return [file join $srcdir tests data $f]
    }
    proc shared {rel} {
        variable srcdir
        return [file join [file dirname $srcdir] shared $rel]
    }
    proc tmpdir {} {
        variable tmpcount
        incr tmpcount
        set d [file join [outdir] "t[pid]-$tmpcount"]
        file delete -force $d
        file mkdir $d
        return $d
    }
    proc readfile {path} {
        if {[string match *.gz $path]} {
            set f [open $path rb]
            zlib push gunzip $f
        } else {
            set f [open $path r]
        }
        set data [read $f]
        close $f
        return $data
    }
    # Run a program; stdin from /dev/null unless given. Returns {code stdout stderr}.
    proc run {name args} {
        return [runin "" $name {*}$args]
    }
    proc runin {input name args} {
        set prog [expr {[file pathtype $name] eq "relative" && ![string match */* $name] ? [bin $name] : $name}]
        set errfile [file join [outdir] "stderr.[pid]"]
        set outfile [file join [outdir] "stdout.[pid]"]
        if {$input eq ""} {
            set cmd [list exec -ignorestderr -- $prog {*}$args > $outfile 2> $errfile < /dev/null]
        } else {
            set cmd [list exec -ignorestderr -- $prog {*}$args > $outfile 2> $errfile << $input]
        }
        set code 0
        if {[catch $cmd msg opts]} {
            set ec [dict get $opts -errorcode]
            if {[lindex $ec 0] eq "CHILDSTATUS"} {
                set code [lindex $ec 2]
            } elseif {[lindex $ec 0] eq "CHILDKILLED"} {
                set code "killed:[lindex $ec 2]"
            } else {
                set code "error:$msg"
            }
        }
        set out [slurp_and_delete $outfile]
        set err [slurp_and_delete $errfile]
        return [list $code [string trimright $out \n] [string trimright $err \n]]
    }
    proc slurp_and_delete {path} {
        if {![file exists $path]} { return "" }
        set f [open $path r]; set data [read $f]; close $f
        file delete $path
        return $data
    }
    # Two equal-length lists of numbers, each pair within an absolute tolerance.
    proc within {expected actual abstol} {
        if {[llength $expected] != [llength $actual] || [llength $expected] == 0} { return 0 }
        foreach e $expected a $actual {
            if {abs($e - $a) > $abstol} { return 0 }
        }
        return 1
    }
    # tffam-combine's stdout: the rows between the header line and the blank line
    # before its '# level:' footer.
    proc combine_rows {out} {
        set rows {}
        foreach line [lrange [split $out \n] 1 end] {
            if {$line eq ""} break
            lappend rows $line
        }
        return $rows
    }
    # Compare two values word by word, numbers with a relative tolerance.
    proc approx {expected actual {rel 1e-6}} {
        if {[llength $expected] != [llength $actual]} { return 0 }
        foreach e $expected a $actual {
            if {[llength $e] > 1 || [llength $a] > 1} {
                if {![approx $e $a $rel]} { return 0 }
                continue
            }
            if {[string is double -strict $e] && [string is double -strict $a]} {
                if {$e == $a} continue
                set d [expr {abs($e - $a)}]
                if {$d > 1e-12 && $d > $rel * max(abs($e), abs($a))} { return 0 }
            } elseif {$e ne $a} {
                return 0
            }
        }
        return 1
    }
}
::tcltest::customMatch approx ::tff::approx
::tcltest::testConstraint shared [file isdirectory [tff::shared data/jaspar2024]]
::tcltest::testConstraint xmllint [expr {[info exists ::env(TFF_XMLLINT)] && $::env(TFF_XMLLINT) ni {"" no}}]
