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

function(vg_warnings target)
  target_compile_options(${target} PRIVATE ${VG_WARNINGS})
endfunction()
