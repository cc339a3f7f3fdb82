/* events_doc.c: tolerant line readers for messages.mc and docs/events.md
 * (only the parts the Event Log contract lives in). */
#include "events_doc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
    s[--n] = '\0';
}

static void append_line(char *text, size_t size, const char *line) {
  size_t n = strlen(text);
  snprintf(text + n, size - n, "%s%s", n > 0 ? "\n" : "", line);
}

static const char *level_of_severity(const char *sev) {
  if (strcmp(sev, "Informational") == 0) return "Information";
  if (strcmp(sev, "Warning") == 0) return "Warning";
  if (strcmp(sev, "Error") == 0) return "Error";
  return "Category";
}

int ed_parse_mc(const char *path, ed_msg_t *out, size_t max, char *err,
                size_t errsz) {
  FILE *f = fopen(path, "r");
  char line[2048];
  int n = 0, in_text = 0;
  ed_msg_t cur;
  if (f == NULL) {
    snprintf(err, errsz, "cannot open %s", path);
    return -1;
  }
  memset(&cur, 0, sizeof(cur));
  strcpy(cur.level, "Category");
  while (fgets(line, sizeof(line), f)) {
    chomp(line);
    if (in_text) {
      if (strcmp(line, ".") == 0) {
        if ((size_t)n >= max) break;
        out[n++] = cur;
        memset(&cur, 0, sizeof(cur));
        strcpy(cur.level, "Category");
        in_text = 0;
      } else {
        append_line(cur.text, sizeof(cur.text), line);
      }
      continue;
    }
    if (strncmp(line, "MessageId=", 10) == 0)
      cur.id = (unsigned)strtoul(line + 10, NULL, 0);
    else if (strncmp(line, "Severity=", 9) == 0)
      strcpy(cur.level, level_of_severity(line + 9));
    else if (strncmp(line, "SymbolicName=", 13) == 0)
      snprintf(cur.symbol, sizeof(cur.symbol), "%s", line + 13);
    else if (strncmp(line, "Language=", 9) == 0)
      in_text = 1;
  }
  fclose(f);
  if (in_text) {
    snprintf(err, errsz, "%s: message %u has no closing '.'", path, cur.id);
    return -1;
  }
  return n;
}

/* Splits a markdown table row into trimmed cells; returns the count. */
static int cells(char *line, char *cell[], int max) {
  int n = 0;
  char *p = line, *bar;
  if (*p != '|') return 0;
  p++;
  while ((bar = strchr(p, '|')) != NULL && n < max) {
    char *s = p, *e = bar;
    while (s < e && *s == ' ')
      s++;
    while (e > s && e[-1] == ' ')
      e--;
    *e = '\0';
    cell[n++] = s;
    p = bar + 1;
  }
  return n;
}

int ed_parse_doc(const char *path, ed_doc_t *doc, char *err, size_t errsz) {
  FILE *f = fopen(path, "r");
  char line[2048];
  ed_msg_t *sec = NULL;
  int in_block = 0;
  char heading[128] = "";
  memset(doc, 0, sizeof(*doc));
  if (f == NULL) {
    snprintf(err, errsz, "cannot open %s", path);
    return -1;
  }
  while (fgets(line, sizeof(line), f)) {
    char *cell[8];
    int nc;
    chomp(line);
    if (in_block) {
      if (strcmp(line, "```") == 0) {
        in_block = 0;
        sec = NULL;
      } else if (sec) {
        append_line(sec->text, sizeof(sec->text), line);
      }
      continue;
    }
    if (strncmp(line, "## ", 3) == 0) {
      snprintf(heading, sizeof(heading), "%s", line + 3);
      continue;
    }
    if (strncmp(line, "### ", 4) == 0 && isdigit((unsigned char)line[4])) {
      if (doc->ntexts == ED_MAX) break;
      sec = &doc->texts[doc->ntexts++];
      sec->id = (unsigned)strtoul(line + 4, NULL, 10);
      sscanf(line + 4, "%*u %63s", sec->symbol);
      continue;
    }
    if (strcmp(line, "```text") == 0) {
      in_block = 1;
      continue;
    }
    nc = cells(line, cell, 8);
    if (nc < 2 || !isdigit((unsigned char)cell[0][0])) continue;
    if (nc == 7 && strncmp(heading, "Events", 6) == 0) {
      /* | no | `probe` | scope | ok | warn | crit | unknown | */
      ed_probe_t *pr;
      int k;
      if (doc->nprobes == ED_PROBES_MAX) continue;
      pr = &doc->probes[doc->nprobes++];
      pr->number = (unsigned)strtoul(cell[0], NULL, 10);
      snprintf(pr->id, sizeof(pr->id), "%.*s",
               (int)(strlen(cell[1]) >= 2 ? strlen(cell[1]) - 2 : 0),
               cell[1] + (cell[1][0] == '`'));
      snprintf(pr->scope, sizeof(pr->scope), "%s", cell[2]);
      for (k = 0; k < 4; k++)
        pr->ids[k] = (unsigned)strtoul(cell[3 + k], NULL, 10);
      continue;
    }
    if (doc->nrows == ED_MAX) break;
    if (nc == 2 && strcmp(heading, "Categories") == 0) { /* | 1 | Service | */
      ed_msg_t *m = &doc->rows[doc->nrows++];
      m->id = (unsigned)strtoul(cell[0], NULL, 10);
      strcpy(m->level, "Category");
      snprintf(m->text, sizeof(m->text), "%s", cell[1]);
    } else if (nc == 5 && strncmp(heading, "Events", 6) == 0) {
      /* | id | level | symbol | meaning | what to do | */
      ed_msg_t *m = &doc->rows[doc->nrows++];
      m->id = (unsigned)strtoul(cell[0], NULL, 10);
      snprintf(m->level, sizeof(m->level), "%s", cell[1]);
      snprintf(m->symbol, sizeof(m->symbol), "%s", cell[2]);
      snprintf(m->text, sizeof(m->text), "%s", cell[3]);
    }
  }
  fclose(f);
  if (in_block) {
    snprintf(err, errsz, "%s: unterminated ```text block", path);
    return -1;
  }
  return 0;
}

int ed_parse_interface(const char *path, ed_probe_t *out, size_t max, char *err,
                       size_t errsz) {
  FILE *f = fopen(path, "r");
  char line[2048];
  size_t n = 0;
  if (f == NULL) {
    snprintf(err, errsz, "cannot open %s", path);
    return -1;
  }
  while (fgets(line, sizeof(line), f) && n < max) {
    char *cell[8];
    int nc;
    size_t len;
    chomp(line);
    nc = cells(line, cell, 8);
    if (nc < 4 || !isdigit((unsigned char)cell[0][0])) continue;
    len = strlen(cell[1]);
    if (len < 3 || cell[1][0] != '`' || cell[1][len - 1] != '`') continue;
    if (strcmp(cell[2], "backup") && strcmp(cell[2], "restore") &&
        strcmp(cell[2], "monitoring"))
      continue;
    memset(&out[n], 0, sizeof(out[n]));
    out[n].number = (unsigned)strtoul(cell[0], NULL, 10);
    snprintf(out[n].id, sizeof(out[n].id), "%.*s", (int)(len - 2), cell[1] + 1);
    snprintf(out[n].scope, sizeof(out[n].scope), "%s", cell[2]);
    n++;
  }
  fclose(f);
  return (int)n;
}

const ed_msg_t *ed_find(const ed_msg_t *list, size_t n, unsigned id) {
  size_t i;
  for (i = 0; i < n; i++)
    if (list[i].id == id) return &list[i];
  return NULL;
}

unsigned long ed_full_id(const ed_msg_t *m) {
  unsigned long sev = 0;
  if (strcmp(m->level, "Information") == 0)
    sev = 0x40000000ul;
  else if (strcmp(m->level, "Warning") == 0)
    sev = 0x80000000ul;
  else if (strcmp(m->level, "Error") == 0)
    sev = 0xC0000000ul;
  return sev | m->id;
}

int ed_load_mc(const char *srcdir, ed_msg_t *out, size_t max) {
  char path[600], err[256];
  int n;
  snprintf(path, sizeof(path), "%s/adapters/win/messages.mc", srcdir);
  n = ed_parse_mc(path, out, max, err, sizeof(err));
  if (n < 0) fprintf(stderr, "%s\n", err);
  return n;
}

int ed_load_doc(const char *srcdir, ed_doc_t *doc) {
  char path[600], err[256];
  snprintf(path, sizeof(path), "%s/docs/events.md", srcdir);
  if (ed_parse_doc(path, doc, err, sizeof(err)) == 0) return 0;
  fprintf(stderr, "%s\n", err);
  return -1;
}
