# make-manifest.tcl: fill in (or check) the crc32 column of a level's MANIFEST.
#
#   tclsh etc/models/make-manifest.tcl etc/models/LEVEL          rewrite LEVEL/MANIFEST's crc32s
#   tclsh etc/models/make-manifest.tcl -check etc/models/LEVEL   exit 1 if one is out of date
#
# The manifest's format is in doc/data-layout.md: a file line is "KIND<tab>NAME<tab>CRC32".
# combiner, model, network and kmer files are in the level's directory; reference and labels
# files in the data directory, two levels up. Write a new line with "-" as its crc32
# and run this script. The crc32 is zlib's (as gzip's) of the file's bytes, decompressed
# for a .gz file: what tffam checks when it reads the file.
set check 0
if {[lindex $argv 0] eq "-check"} { set check 1; set argv [lrange $argv 1 end] }
if {[llength $argv] != 1} {
    puts stderr "usage: tclsh make-manifest.tcl \[-check\] <level directory>"
    exit 2
}
set dir  [lindex $argv 0]
set path [file join $dir MANIFEST]
if {[catch {open $path} f]} { puts stderr "make-manifest: cannot open $path"; exit 1 }
set lines [split [read -nonewline $f] \n]
close $f
if {[lindex $lines 0] ne "TFFAM-MANIFEST 1"} { puts stderr "make-manifest: $path: not a manifest (no 'TFFAM-MANIFEST 1' line)"; exit 1 }

proc crc {file} {
    set f [open $file rb]
    set data [read $f]
    close $f
    if {[string match *.gz $file]} { set data [zlib gunzip $data] }
    format %08x [zlib crc32 $data]
}

set out {}
set bad 0
set n 0
foreach line $lines {
    set cols [split $line \t]
    if {[llength $cols] == 3 && [lindex $cols 0] in {reference labels combiner model network kmer}} {
        lassign $cols kind name old
        set file [expr {$kind in {reference labels} ? [file join $dir .. .. $name] : [file join $dir $name]}]
        if {![file isfile $file]} { puts stderr "make-manifest: $path: $kind $name: no file $file"; exit 1 }
        set new [crc $file]
        if {$new ne $old} {
            incr bad
            if {$check} { puts stderr "make-manifest: $path: $kind $name: crc32 $old recorded, $new computed" }
        }
        set line "$kind\t$name\t$new"
        incr n
    }
    lappend out $line
}
if {$check} {
    if {$bad} { exit 1 }
    puts "make-manifest: $path: $n files, every crc32 current"
    exit 0
}
set f [open $path w]
puts $f [join $out \n]
close $f
puts "make-manifest: $path: $n files, $bad crc32s updated"
