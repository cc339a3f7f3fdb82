/* textconv.h: text files of unknown encoding (UTF-8, or UTF-16 as Windows
 * tools write it, possibly read from the middle) as UTF-8, for the parsers
 * of task definitions and MARS logs. Pure; any thread. */
#ifndef VG_TEXTCONV_H
#define VG_TEXTCONV_H

#include <stddef.h>

/* Converts in (len bytes) to NUL-terminated UTF-8 in out, cut at outsz - 1
 * bytes on a character boundary. UTF-8 (a BOM is dropped) is copied;
 * UTF-16 is recognised by its BOM or, without one, by NUL bytes in every
 * other position (a tail read from an odd offset loses its first byte);
 * invalid sequences become '?', NUL characters spaces. Returns the bytes
 * written (without the NUL). outsz of 3 * len / 2 + 4 holds any input. */
size_t vg_text_utf8(const char *in, size_t len, char *out, size_t outsz);

#endif /* VG_TEXTCONV_H */
