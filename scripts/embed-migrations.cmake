# Writes a C file with every migration's number, name and SQL text, in order.
# Invoked by CMake at build time: cmake -DOUT=file.c -DFILES="a.sql|b.sql" [-DLIST=pg] -P this.
# LIST unset: the SQLite list (store_migrations); LIST=pg: the PostgreSQL twins NNNN_name.pg.sql
# (store_migrations_pg), named without the .pg suffix. Numbers may have gaps.
string(REPLACE "|" ";" FILES "${FILES}")
if(LIST STREQUAL "pg")
  set(array store_migrations_pg)
  set(count store_migration_pg_count)
else()
  set(array store_migrations)
  set(count store_migration_count)
endif()
set(body "/* Generated from src/store/migrations by scripts/embed-migrations.cmake. */\n#include \"store/migrate.h\"\n")
set(rows "")
set(n 0)
foreach(f ${FILES})
  get_filename_component(base ${f} NAME)
  string(REGEX REPLACE "(\\.pg)?\\.sql$" "" base "${base}")
  string(REGEX MATCH "^[0-9]+" num "${base}")
  # no leading zeros: C would read 0008 as a (bad) octal constant
  string(REGEX REPLACE "^0+([0-9])" "\\1" num "${num}")
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const char ${array}_${n}[] = {${hex}0x00};\n")
  string(APPEND rows "  {${num}, \"${base}\", ${array}_${n}},\n")
  math(EXPR n "${n}+1")
endforeach()
string(APPEND body "const struct migration ${array}[] = {\n${rows}  {0, 0, 0}\n};\nconst int ${count} = ${n};\n")
file(WRITE ${OUT} "${body}")
