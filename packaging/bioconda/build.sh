#!/bin/bash
# bioconda build script for tffam: conda-build runs it in the unpacked release
# tarball ($SRC_DIR) with $PREFIX the host environment and $CPU_COUNT set. The
# tarball carries configure, so no autotools are needed. The data directory
# (PREFIX/share/tffam) is compiled into the programs; conda relocates it.
set -euxo pipefail
./configure --prefix="${PREFIX}" --disable-dependency-tracking
make -j"${CPU_COUNT}"
make install
