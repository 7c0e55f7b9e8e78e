"""The gene-name stem rule of tffam-cv -split stem (tff_combine_Stem; doc/combine.md),
re-implemented for the Python benchmarks (tests/bench/loco-ceiling.py,
tests/bench/kmer-evidence/). One name, no "::" (split a heterodimer's name first)."""
import re


def stem(name):
    """The stem rule of tff_combine_Stem (doc/combine.md), for one name."""
    u = name.upper()
    if u.startswith(("ZNF", "ZFP", "ZSCAN", "ZKSCAN", "ZBTB", "ZIM")):
        return u
    if re.match(r'AT\dG', u) or re.match(r'CG\d', u) or re.match(r'LOC\d', u) or re.search(r'_\d', u):
        return u
    k = len(u)
    while k > 0 and u[k - 1].isdigit():
        k -= 1
    if k == len(u) and k > 3 and u[k - 1].isalpha():
        k -= 1
    while k > 0 and u[k - 1] in '-._':
        k -= 1
    return u if k < 2 else u[:k]
