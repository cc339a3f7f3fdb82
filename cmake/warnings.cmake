# Warnings are errors in every preset (gcc and mingw alike); sanitizer,
# static and release link options.
set(VG_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith -Wundef
    -Wno-format-nonliteral -Wno-format-truncation
    -Wno-missing-field-initializers -Werror)

if(VG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(WIN32)
  # One self-contained vigil.exe: no libgcc/winpthread DLLs to ship.
  add_link_options(-static -static-libgcc)
endif()

# Release links drop unreferenced sections: most of the static SQLite, which
# tools/bootstrap.sh compiles with -ffunction-sections -fdata-sections
# (footprint, issue 17).
add_link_options($<$<CONFIG:Release,RelWithDebInfo>:-Wl,--gc-sections>)
# Optimized for size, like the SQLite and libuv it links: the agent sleeps
# between checks and its CPU goes to SQLite, while every page of code it
# maps counts in its memory (issue 17). Last -O wins over CMake's -O2/-O3.
add_compile_options($<$<CONFIG:Release,RelWithDebInfo>:-Os>)
# ... but copies and clears of unknown size call the C library's memcpy /
# memset (vectorized) as -O2 does, not an inlined `rep movsb` that -Os
# prefers: an 8 KiB status answer copied byte by byte cost 8,000
# instructions per request under callgrind.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  add_compile_options(
    $<$<CONFIG:Release,RelWithDebInfo>:-mstringop-strategy=libcall>)
endif()
# A shared library nothing calls is not loaded (libm, once fmod was gone:
# ~170 KiB of mappings).
if(NOT WIN32)
  add_link_options(-Wl,--as-needed)
endif()

function(vg_warnings target)
  target_compile_options(${target} PRIVATE ${VG_WARNINGS})
endfunction()
