# Writes a C file with every migration's number, name and SQL text, in order.
# Invoked by CMake at build time: cmake -DOUT=file.c -DFILES="a.sql;b.sql" -P this.
string(REPLACE "|" ";" FILES "${FILES}")
set(body "/* Generated from src/store/migrations by scripts/embed-migrations.cmake. */\n#include \"store/migrate.h\"\n")
set(rows "")
set(n 0)
foreach(f ${FILES})
  get_filename_component(base ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" num "${base}")
  # 0008 would be an octal constant in C (and 0019 an error): the version without leading zeros.
  string(REGEX REPLACE "^0+([0-9])" "\\1" num "${num}")
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const char migration_${n}[] = {${hex}0x00};\n")
  string(APPEND rows "  {${num}, \"${base}\", migration_${n}},\n")
  math(EXPR n "${n}+1")
endforeach()
string(APPEND body "const struct migration store_migrations[] = {\n${rows}  {0, 0, 0}\n};\nconst int store_migration_count = ${n};\n")
file(WRITE ${OUT} "${body}")
