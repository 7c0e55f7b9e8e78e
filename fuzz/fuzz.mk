# fuzz/fuzz.mk: libFuzzer targets for every tffam reader (GNU make; fuzz/README.md).
#
# Called by `make fuzz` / `make fuzz-build` from the top Makefile
# (src/am/reliability.am), which passes top_srcdir, top_builddir, LIB_SOURCES
# (libtff's sources), XML_CFLAGS, XML_LIBS and ZLIB_LIBS. Everything is built
# with clang -fsanitize=fuzzer,address,undefined into $(top_builddir)/fuzz-build.
#
#   targets   fuzz_meme fuzz_xml fuzz_jaspar (tff_io_ParseBuffer), fuzz_labels
#             (tff_labels_Parse), fuzz_tomtom (tff_knn_ParseTomtomTSV),
#             fuzz_model (tff_model_Parse), fuzz_combiner (tff_combine_Parse),
#             fuzz_kmer (tff_kmer_Parse),
#             fuzz_bfile (tff_bg_Parse), fuzz_neighbours (tff_combine_ParseTable),
#             fuzz_names (tff_combine_ParseNames), fuzz_famvalues
#             (tff_labels_ParseFamilyValues)
#   seeds     the test fixtures (tests/data/**), fuzz/seeds/<target>/, and the
#             regression inputs of earlier crashes (tests/data/fuzz/<target>/)
#   run       each target for FUZZ_SECONDS seconds (fuzz/run-fuzz.sh); a crash
#             stops the run, leaves the input in fuzz-build/crashes/ and fails.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= meme xml jaspar labels tomtom model combiner kmer bfile neighbours names famvalues
FUZZ_SAN     ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OPT     ?= -O2

O        := $(top_builddir)/fuzz-build
CFLAGS   := -std=c11 -ffp-contract=off -g $(FUZZ_OPT) -fno-omit-frame-pointer $(FUZZ_SAN) -Wall -Wextra -Wno-unknown-pragmas
CPPFLAGS := -D_DEFAULT_SOURCE -I$(top_srcdir)/src -I$(top_srcdir)/fuzz -I$(top_builddir) -DTFF_DATADIR='"/nonexistent"' $(XML_CFLAGS)
LIBS     := $(XML_LIBS) $(ZLIB_LIBS) -lm

LIBSRC   := $(filter %.c,$(LIB_SOURCES))
LIBOBJ   := $(patsubst %.c,$(O)/obj/%.o,$(notdir $(LIBSRC)))
BINS     := $(patsubst %,$(O)/fuzz_%,$(FUZZ_TARGETS))

vpath %.c $(top_srcdir)/src $(top_srcdir)/fuzz

.PHONY: build run
build: $(BINS)

$(O)/obj/%.o: %.c $(top_builddir)/config.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(O)/libtff-fuzz.a: $(LIBOBJ)
	rm -f $@ && ar cr $@ $^

# The three motif-format targets are one source; the seeds make the difference.
$(O)/fuzz_meme $(O)/fuzz_xml $(O)/fuzz_jaspar: $(top_srcdir)/fuzz/fuzz_motifs.c $(top_srcdir)/fuzz/fuzz_util.h $(O)/libtff-fuzz.a
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(O)/libtff-fuzz.a $(LIBS)
$(O)/fuzz_%: $(top_srcdir)/fuzz/fuzz_%.c $(top_srcdir)/fuzz/fuzz_util.h $(O)/libtff-fuzz.a
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(O)/libtff-fuzz.a $(LIBS)

run: build
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  sh $(top_srcdir)/fuzz/run-fuzz.sh $(top_srcdir) $(O) $$t $(FUZZ_SECONDS) || fail=1; \
	done; \
	echo "== fuzz summary"; cat $(O)/summary.txt; exit $$fail
