# Imported targets for the four dependencies: vg::uv, vg::sqlite3, vg::z,
# vg::cmocka. Native builds find Debian's -dev packages; the windows preset
# finds the static libraries tools/bootstrap.sh built into VG_DEPS_PREFIX
# (the toolchain file puts it on CMAKE_FIND_ROOT_PATH).
function(vg_dep name header lib)
  find_path(VG_${name}_INCLUDE ${header})
  find_library(VG_${name}_LIBRARY NAMES ${lib})
  if(NOT VG_${name}_INCLUDE OR NOT VG_${name}_LIBRARY)
    message(FATAL_ERROR "${name} not found (${header}, lib${lib}); run "
            "tools/bootstrap.sh first")
  endif()
  add_library(vg::${name} UNKNOWN IMPORTED)
  set_target_properties(vg::${name} PROPERTIES
    IMPORTED_LOCATION "${VG_${name}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${VG_${name}_INCLUDE}")
endfunction()

if(WIN32)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()
vg_dep(uv uv.h uv)
vg_dep(sqlite3 sqlite3.h sqlite3)
vg_dep(z zlib.h z)
if(VG_TESTS)
  vg_dep(cmocka cmocka.h cmocka)
endif()
if(NOT WIN32)
  find_package(Threads REQUIRED)
  set_property(TARGET vg::uv APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    Threads::Threads dl)
  set_property(TARGET vg::sqlite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    Threads::Threads dl m)
endif()
