# Writes a C file with the shipped industrial vocabulary (src/text/vocab/*.tsv, in name order,
# concatenated) as text_vocab_seed_tsv (src/text/vocab.h). Invoked by CMake at build time:
# cmake -DOUT=file.c -DFILES="a.tsv|b.tsv" -P this.
string(REPLACE "|" ";" FILES "${FILES}")
set(hexall "")
foreach(f ${FILES})
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  # a file's last line may lack its newline: add one between files
  string(APPEND hexall "${hex}0x0a,")
endforeach()
file(WRITE ${OUT} "/* Generated from the .tsv files of src/text/vocab/ by scripts/embed-vocab.cmake. */\n#include \"text/vocab.h\"\nconst char text_vocab_seed_tsv[] = {${hexall}0x00};\n")
