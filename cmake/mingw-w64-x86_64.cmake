# Cross toolchain: x86-64 Windows with Debian's mingw-w64 (posix threads
# variant not required; we link libgcc/winpthread statically).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(VG_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${VG_MINGW_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${VG_MINGW_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${VG_MINGW_TRIPLE}-windres)
set(CMAKE_MC_COMPILER ${VG_MINGW_TRIPLE}-windmc)

# Dependencies built by tools/bootstrap.sh live in VG_DEPS_PREFIX.
if(NOT VG_DEPS_PREFIX)
  set(VG_DEPS_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../.cache/mingw")
endif()
get_filename_component(VG_DEPS_PREFIX "${VG_DEPS_PREFIX}" ABSOLUTE)
set(CMAKE_FIND_ROOT_PATH /usr/${VG_MINGW_TRIPLE} ${VG_DEPS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs the .exe tests under Wine.
find_program(VG_WINE NAMES wine wine64)
if(VG_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VG_WINE})
endif()
