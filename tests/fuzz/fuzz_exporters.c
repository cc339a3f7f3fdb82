/* fuzz_exporters.c: libFuzzer target; whatever report JSON comes back
 * from the service (vg_view_from_json) and whatever bytes a probe put in a
 * fact, a summary or a task name, vigil.prom stays a well-formed
 * exposition (valid UTF-8, one sample per line, labels closed and
 * escaped), the Nagios status line keeps exactly one '|' and the status
 * table prints without reading past the view. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "nagios.h"
#include "prom.h"
#include "render.h"
#include "report_view.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *text) {
  fprintf(stderr, "fuzz_exporters: %s\n%s\n", what, text ? text : "");
  abort();
}

/* Length of a valid UTF-8 sequence at s, 0 when invalid. */
static size_t utf8_ok(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) return (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (s[0] >= 0xE0 && s[0] <= 0xEF)
    return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 ? 3 : 0;
  if (s[0] >= 0xF0 && s[0] <= 0xF4)
    return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
                   (s[3] & 0xC0) == 0x80
               ? 4
               : 0;
  return 0;
}

static int name_char(char c, int first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || (!first && c >= '0' && c <= '9');
}

/* One sample line: name{k="v",...} value. Returns 0 when well-formed. */
static int sample_ok(const char *p) {
  if (!name_char(*p, 1)) return -1;
  while (name_char(*p, 0))
    p++;
  if (*p == '{') {
    p++;
    for (;;) {
      if (!name_char(*p, 1)) return -1;
      while (name_char(*p, 0))
        p++;
      if (*p++ != '=' || *p++ != '"') return -1;
      while (*p != '"') {
        if (*p == '\0') return -1;
        if (*p == '\\') {
          p++;
          if (*p != '\\' && *p != '"' && *p != 'n') return -1;
        }
        p++;
      }
      p++;
      if (*p == ',') {
        p++;
        continue;
      }
      if (*p++ != '}') return -1;
      break;
    }
  }
  if (*p++ != ' ' || *p == '\0') return -1;
  for (; *p; p++)
    if (*p == ' ' || *p == '{' || *p == '"') return -1;
  return 0;
}

static void check_prom(const char *text, size_t len) {
  const unsigned char *u = (const unsigned char *)text;
  size_t i, n;
  char *copy, *line, *next;
  if (len == 0 || text[len - 1] != '\n') fuzz_fail("no final newline", text);
  for (i = 0; i < len; i += n)
    if ((n = utf8_ok(u + i)) == 0) fuzz_fail("not UTF-8", text);
  if (memchr(text, '\r', len)) fuzz_fail("CR", text);
  copy = malloc(len + 1);
  if (copy == NULL) return;
  memcpy(copy, text, len + 1);
  for (line = copy; *line; line = next) {
    next = strchr(line, '\n');
    *next++ = '\0';
    if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0)
      continue;
    if (sample_ok(line) != 0) fuzz_fail("malformed sample line", line);
  }
  free(copy);
}

/* Called by libFuzzer for each input; returns 0 as libFuzzer requires. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_json_t *doc = NULL;
  vg_view_json_t v;
  vg_buf_t b;
  char err[200];
  const char *nl, *bar;
  if (vg_json_parse((const char *)data, size, &doc, err, sizeof(err)) != 0)
    return 0;
  if (vg_view_from_json(doc, &v, err, sizeof(err)) != 0) {
    vg_view_json_free(&v);
    vg_json_free(doc);
    return 0;
  }
  vg_buf_init(&b, VG_PROM_MAX);
  if (vg_prom_render(&v.view, &b) == 0) check_prom(vg_buf_str(&b), b.len);
  vg_buf_free(&b);

  vg_buf_init(&b, 0);
  if (vg_nagios_render(&v.view, &b) == 0) {
    const char *s = vg_buf_str(&b);
    nl = strchr(s, '\n');
    bar = strchr(s, '|');
    if (nl == NULL) fuzz_fail("no status line", s);
    if (bar == NULL || bar > nl || memchr(bar + 1, '|', (size_t)(nl - bar - 1)))
      fuzz_fail("status line has not exactly one '|'", s);
    if (strchr(nl + 1, '|')) fuzz_fail("'|' in a detail line", s);
  }
  vg_buf_free(&b);

  /* The table `vigil status` prints from the same view (next backup,
   * blocking probes, last backup, wrapping) never reads past the view. */
  {
    static FILE *table;
    if (table == NULL) table = tmpfile();
    if (table != NULL) {
      rewind(table);
      vg_cli_print_view(table, &v.view);
    }
  }
  vg_view_json_free(&v);
  vg_json_free(doc);
  return 0;
}
