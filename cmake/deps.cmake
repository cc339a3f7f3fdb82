# Imported targets for the four dependencies: vg::uv, vg::sqlite3, vg::z,
# vg::cmocka. Native builds find Debian's -dev packages; the windows preset
# finds the static libraries tools/bootstrap.sh built into VG_DEPS_PREFIX
# (the toolchain file puts it on CMAKE_FIND_ROOT_PATH). With VG_STATIC_PREFIX
# set (the native-release preset), SQLite and libuv are the static, size-
# optimized libraries tools/bootstrap.sh built there, found nowhere else,
# linked as vigil.exe links them (issue 17).
set(VG_STATIC_PREFIX "" CACHE PATH
  "Prefix of the static SQLite and libuv from tools/bootstrap.sh (include/, lib/libsqlite3.a, lib/libuv.a); empty: the system's")

# vg_dep(NAME HEADER LIB [PREFIX DIR]): with PREFIX, HEADER and LIB (a file
# name) are looked for in DIR/include and DIR/lib only.
function(vg_dep name header lib)
  cmake_parse_arguments(D "" "PREFIX" "" ${ARGN})
  set(what "${header}, lib${lib}")
  if(D_PREFIX)
    set(what "${header}, ${lib} in ${D_PREFIX}")
    find_path(VG_${name}_INCLUDE ${header} PATHS ${D_PREFIX}/include
      NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
    find_library(VG_${name}_LIBRARY NAMES ${lib} PATHS ${D_PREFIX}/lib
      NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  else()
    find_path(VG_${name}_INCLUDE ${header})
    find_library(VG_${name}_LIBRARY NAMES ${lib})
  endif()
  if(NOT VG_${name}_INCLUDE OR NOT VG_${name}_LIBRARY)
    message(FATAL_ERROR "${name} not found (${what}); "
            "run tools/bootstrap.sh first")
  endif()
  add_library(vg::${name} UNKNOWN IMPORTED)
  set_target_properties(vg::${name} PROPERTIES
    IMPORTED_LOCATION "${VG_${name}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${VG_${name}_INCLUDE}")
endfunction()

if(WIN32)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()
# A build folder configured with another VG_STATIC_PREFIX forgets the
# libraries it found then (find_* results are cached).
if(NOT "${VG_STATIC_PREFIX}" STREQUAL "${VG_STATIC_PREFIX_USED}")
  foreach(n uv sqlite3)
    unset(VG_${n}_INCLUDE CACHE)
    unset(VG_${n}_LIBRARY CACHE)
  endforeach()
  set(VG_STATIC_PREFIX_USED "${VG_STATIC_PREFIX}" CACHE INTERNAL "")
endif()
if(VG_STATIC_PREFIX)
  get_filename_component(VG_STATIC_PREFIX_ABS "${VG_STATIC_PREFIX}" ABSOLUTE)
  vg_dep(uv uv.h libuv.a PREFIX ${VG_STATIC_PREFIX_ABS})
  vg_dep(sqlite3 sqlite3.h libsqlite3.a PREFIX ${VG_STATIC_PREFIX_ABS})
else()
  vg_dep(uv uv.h uv)
  vg_dep(sqlite3 sqlite3.h sqlite3)
endif()
vg_dep(z zlib.h z)
if(VG_TESTS)
  vg_dep(cmocka cmocka.h cmocka)
endif()
if(NOT WIN32)
  find_package(Threads REQUIRED)
  set_property(TARGET vg::uv APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    Threads::Threads dl)
  # A static SQLite (VG_STATIC_PREFIX) needs these after it on the link line.
  set_property(TARGET vg::sqlite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    Threads::Threads dl m)
endif()
