# make-motifs.tcl: a large query set for the benchmarks, built from the bundled
# JASPAR motifs (etc/jaspar2024_eval_2113.meme), written in MEME text format.
#
#   tclsh make-motifs.tcl N SEED IN.meme > OUT.meme
#
# Motif i is a jittered copy of input motif (i mod n): every probability is
# multiplied by exp(0.4 z), z uniform in [-1, 1), and the column renormalised;
# every third copy also loses a column at one end (if 6 or more remain). The
# random numbers come from this script's own 64-bit LCG (Knuth's MMIX
# constants), so the set is the same on every machine and Tcl version. Copies
# are never equal to each other or to the input (the jitter is continuous), so
# no exact repeats reach the comparison core.
if {[llength $argv] != 3} { puts stderr "usage: tclsh make-motifs.tcl N SEED IN.meme"; exit 2 }
lassign $argv N seed in
set state [expr {wide($seed) & 0xFFFFFFFFFFFFFFFF}]
proc uniform {} {   ;# in [0, 1), the top 53 bits of the state
    global state
    set state [expr {(($state * 6364136223846793005) + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF}]
    return [expr {double($state >> 11) / 9007199254740992.0}]
}
set f [open $in r]
set ids {}; set rows {}
set cur -1
while {[gets $f line] >= 0} {
    if {[regexp {^MOTIF\s+(\S+)(?:\s+(\S+))?} $line -> id alt]} {
        lappend ids [list $id $alt]; lappend rows {}; incr cur
    } elseif {$cur >= 0 && [regexp {^\s*[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s*$} $line]} {
        lset rows $cur [concat [lindex $rows $cur] [list $line]]
    }
}
close $f
set n [llength $ids]
puts "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n"
for {set i 0} {$i < $N} {incr i} {
    set k [expr {$i % $n}]
    lassign [lindex $ids $k] id alt
    set cols [lindex $rows $k]
    if {$i % 3 == 2 && [llength $cols] > 6} {
        set cols [expr {[uniform] < 0.5 ? [lrange $cols 1 end] : [lrange $cols 0 end-1]}]
    }
    puts "MOTIF bench[expr {$i + 1}]_$id $alt"
    puts "letter-probability matrix: alength= 4 w= [llength $cols] nsites= 20 E= 0"
    foreach c $cols {
        set v {}; set s 0.0
        foreach p $c { set x [expr {($p + 0.001) * exp(0.4 * (2.0 * [uniform] - 1.0))}]; lappend v $x; set s [expr {$s + $x}] }
        set out {}
        foreach x $v { lappend out [format %.6f [expr {$x / $s}]] }
        puts " [join $out {  }]"
    }
    puts ""
}
