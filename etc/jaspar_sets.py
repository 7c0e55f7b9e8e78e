"""What the scripts that make tffam's JASPAR sets share (make_reference_set.py,
make_dimer_set.py, make_tffamily_set.py): reading a table with a header line and the
motif blocks of a MEME file, and writing a subset of the blocks with its label table.

A script in etc/ imports it as `import jaspar_sets` (Python puts the script's own
directory first on the module path).
"""


def read_tsv(path, *columns):
    """The rows of a tab-separated file after its header line (each a list of fields),
    and the index of each of the named columns in the header."""
    with open(path) as f:
        head = f.readline().rstrip('\n').split('\t')
        cols = [head.index(c) for c in columns]
        rows = [line.rstrip('\n').split('\t') for line in f]
    return rows, cols


def read_meme(path):
    """(header, blocks) of a MEME motif file: the text before the first MOTIF line, and
    each motif's text from its MOTIF line to the next."""
    with open(path) as f:
        text = f.read()
    head, rest = text.split('\nMOTIF ', 1)
    blocks = ('MOTIF ' + rest).split('\nMOTIF ')
    blocks = [b if b.startswith('MOTIF ') else 'MOTIF ' + b for b in blocks]
    return head, blocks


def write_meme(path, head, blocks, keep):
    """Writes the header and the blocks whose motif id is in keep, in the order of the
    blocks, each after a blank line; returns their ids in that order."""
    order = []
    with open(path, 'w') as f:
        f.write(head + '\n')
        for b in blocks:
            mid = b.split()[1]
            if mid in keep:
                order.append(mid)
                f.write('\n' + b.rstrip('\n') + '\n')
    return order


def write_labels(path, rows):
    """Writes tffam's label table: a header line, then matrix_id, name, family per row."""
    with open(path, 'w') as f:
        f.write('matrix_id\tname\tfamily\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')
