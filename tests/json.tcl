# json.tcl: a small JSON reader for the tests: flattens a JSON text into a
# list of {path value} pairs, e.g. {queries/0/id MA0001.3} {queries/0/pwm/0/1 0.25}.
# Objects add "/key", arrays "/index"; empty objects and arrays appear as
# {path {}} and {path []}; null is the word null. Errors raise "json: ...".
namespace eval tffjson {
    proc flatten {text} {
        set i 0
        set out {}
        value $text i "" out
        skipws $text i
        if {$i < [string length $text]} { error "json: trailing text at $i" }
        return $out
    }
    proc skipws {t iv} {
        upvar $iv i
        if {[regexp -start $i {\A[ \t\r\n]*} $t m]} { incr i [string length $m] }
    }
    proc value {t iv path ov} {
        upvar $iv i $ov out
        skipws $t i
        set c [string index $t $i]
        switch -- $c {
            "\{" {
                incr i
                skipws $t i
                if {[string index $t $i] eq "\}"} { incr i; lappend out [list $path "{}"]; return }
                while 1 {
                    skipws $t i
                    set k [str $t i]
                    skipws $t i
                    if {[string index $t $i] ne ":"} { error "json: ':' expected at $i" }
                    incr i
                    value $t i [expr {$path eq "" ? $k : "$path/$k"}] out
                    skipws $t i
                    set c [string index $t $i]
                    incr i
                    if {$c eq "\}"} return
                    if {$c ne ","} { error "json: ',' or '\}' expected at [expr {$i-1}]" }
                }
            }
            "\[" {
                incr i
                skipws $t i
                if {[string index $t $i] eq "\]"} { incr i; lappend out [list $path "\[\]"]; return }
                set n 0
                while 1 {
                    value $t i [expr {$path eq "" ? $n : "$path/$n"}] out
                    incr n
                    skipws $t i
                    set c [string index $t $i]
                    incr i
                    if {$c eq "\]"} return
                    if {$c ne ","} { error "json: ',' or '\]' expected at [expr {$i-1}]" }
                }
            }
            "\"" { lappend out [list $path [str $t i]] }
            default {
                if {[regexp -start $i {\A(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)} $t m]} {
                    incr i [string length $m]
                    lappend out [list $path $m]
                } else {
                    error "json: unexpected '$c' at $i"
                }
            }
        }
    }
    proc str {t iv} {
        upvar $iv i
        if {[string index $t $i] ne "\""} { error "json: string expected at $i" }
        incr i
        set s ""
        while 1 {
            set c [string index $t $i]
            if {$c eq ""} { error "json: unterminated string" }
            incr i
            if {$c eq "\""} { return $s }
            if {$c ne "\\"} { append s $c; continue }
            set e [string index $t $i]
            incr i
            switch -- $e {
                n { append s \n }  t { append s \t }  r { append s \r }  b { append s \b }  f { append s \f }
                u { append s [format %c [scan [string range $t $i [expr {$i+3}]] %x]]; incr i 4 }
                default { append s $e }
            }
        }
    }
    # The JSON object embedded in a tffam.html.
    proc from_html {html} {
        if {![regexp {<script id="tffam_data" type="application/json">\n(.*?)\n</script>} $html -> j]} { error "no tffam_data in the HTML" }
        return $j
    }
}
