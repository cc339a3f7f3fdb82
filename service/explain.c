/* explain.c: `vigil explain` - sections of the embedded docs (compressed
 * into the program by tools/embed_docs.py) and the effective settings. */
#include "explain.h"

#include "vg.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

extern const unsigned char vg_doc_probes_z[];
extern const size_t vg_doc_probes_zlen, vg_doc_probes_len;
extern const unsigned char vg_doc_events_z[];
extern const size_t vg_doc_events_zlen, vg_doc_events_len;

/* The doc inflated (NUL-terminated, kept for the process's life: explain
 * is a one-shot command), or "" when it cannot be (out of memory). */
static const char *doc_text(char **cache, const unsigned char *z,
                            size_t zlen, size_t len) {
  uLongf n = (uLongf)len;
  if (*cache) return *cache;
  *cache = malloc(len + 1);
  if (*cache == NULL) return "";
  if (uncompress((Bytef *)*cache, &n, z, (uLong)zlen) != Z_OK) n = 0;
  (*cache)[n] = '\0';
  return *cache;
}

static char *probes_doc, *events_doc;
#define DOC_PROBES()                                                       \
  doc_text(&probes_doc, vg_doc_probes_z, vg_doc_probes_zlen,               \
           vg_doc_probes_len)
#define DOC_EVENTS()                                                       \
  doc_text(&events_doc, vg_doc_events_z, vg_doc_events_zlen,               \
           vg_doc_events_len)

/* The section that starts with a heading line equal to head, up to the next
 * heading of the same or a higher level; NULL when absent. *len set. */
static const char *section(const char *doc, const char *head, size_t *len) {
  size_t hl = strlen(head), level = 0;
  const char *p = doc, *end;
  while (head[level] == '#')
    level++;
  for (;;) {
    if (strncmp(p, head, hl) == 0 && (p[hl] == '\n' || p[hl] == '\0')) break;
    p = strchr(p, '\n');
    if (p == NULL) return NULL;
    p++;
  }
  end = p + hl;
  for (;;) {
    const char *nl = strchr(end, '\n');
    size_t k = 0;
    if (nl == NULL) {
      end += strlen(end);
      break;
    }
    end = nl + 1;
    while (end[k] == '#')
      k++;
    if (k > 0 && k <= level && end[k] == ' ') break;
  }
  *len = (size_t)(end - p);
  return p;
}

/* Prints the probe's settings in effect: the keys every probe has and its
 * own, with where each value came from. */
static void effective(FILE *out, const vg_probe_t *p, const vg_config_t *cfg) {
  static const char *const common[] = {"enabled", "interval", "deadline",
                                       "warn",    "crit",     "hysteresis"};
  const vg_key_def_t *k;
  size_t i;
  vg_thresholds_t th;
  fprintf(out, "\nIn effect here ([%s] in vigil.ini; default when not set):\n",
          p->id);
  vg_config_thresholds(cfg, p, &th);
  for (i = 0; i < VG_ARRAY_SIZE(common); i++) {
    const char *v = vg_config_get_str(cfg, p->id, common[i]);
    char buf[64];
    if (v == NULL || !vg_config_is_set(cfg, p->id, common[i])) {
      if (strcmp(common[i], "interval") == 0)
        snprintf(buf, sizeof(buf), "%us", (unsigned)p->interval_s);
      else if (strcmp(common[i], "deadline") == 0)
        snprintf(buf, sizeof(buf), "%us", (unsigned)p->deadline_s);
      else if (strcmp(common[i], "warn") == 0)
        snprintf(buf, sizeof(buf), "%g", th.warn);
      else if (strcmp(common[i], "crit") == 0)
        snprintf(buf, sizeof(buf), "%g", th.crit);
      else if (strcmp(common[i], "hysteresis") == 0)
        snprintf(buf, sizeof(buf), "%g", th.hysteresis);
      else
        snprintf(buf, sizeof(buf), "true");
      v = buf;
    }
    if (strcmp(v, "nan") == 0) continue; /* a threshold the probe lacks */
    fprintf(out, "  %-18s = %-20s (%s)\n", common[i], v,
            vg_config_is_set(cfg, p->id, common[i]) ? "vigil.ini" : "default");
  }
  for (k = p->keys; k && k->name; k++) {
    const char *v = vg_config_get_str(cfg, p->id, k->name);
    fprintf(out, "  %-18s = %-20s (%s) %s\n", k->name, v ? v : "(unset)",
            vg_config_is_set(cfg, p->id, k->name) ? "vigil.ini" : "default",
            k->help ? k->help : "");
  }
}

static int explain_probe(FILE *out, const vg_probe_t *p,
                         const vg_config_t *cfg) {
  char head[80];
  size_t len;
  const char *s;
  snprintf(head, sizeof(head), "## `%s`", p->id);
  s = section(DOC_PROBES(), head, &len);
  fprintf(out, "%s (number %u, scope %s): %s\n\n", p->id, p->number,
          vg_scope_name(p->scope), p->title);
  if (s)
    fwrite(s, 1, len, out);
  else
    fprintf(out, "(no catalog entry in this build)\n");
  effective(out, p, cfg);
  fprintf(out,
          "\nEvent Log ids: %u back to ok, %u warn, %u crit, %u unknown"
          " (vigil explain %u).\n",
          1000 + 10 * p->number, 1001 + 10 * p->number, 1002 + 10 * p->number,
          1003 + 10 * p->number, 1002 + 10 * p->number);
  return 0;
}

/* The table row "| id | ..." of docs/events.md and its "### id ..."
 * message text. */
static int explain_event(FILE *out, unsigned id) {
  const char *doc = DOC_EVENTS(), *p = doc;
  char row[32], head[32];
  int found = 0;
  size_t len;
  snprintf(row, sizeof(row), "| %u |", id);
  while ((p = strstr(p, row)) != NULL) {
    if (p == doc || p[-1] == '\n') {
      const char *nl = strchr(p, '\n');
      fprintf(out, "Event %u\n%.*s\n", id,
              (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
      found = 1;
      break;
    }
    p++;
  }
  snprintf(head, sizeof(head), "### %u ", id);
  p = doc;
  while ((p = strstr(p, head)) != NULL) {
    if (p == doc || p[-1] == '\n') {
      const char *nl = strchr(p, '\n');
      const char *s;
      char h[120];
      snprintf(h, sizeof(h), "%.*s", (int)(nl ? (size_t)(nl - p) : 0), p);
      s = section(doc, h, &len);
      if (s) {
        fprintf(out, "\n");
        fwrite(s, 1, len, out);
        found = 1;
      }
      break;
    }
    p++;
  }
  return found ? 0 : VG_ENOENT;
}

int vg_explain(FILE *out, FILE *err, const char *what, const vg_config_t *cfg) {
  const vg_probe_t *p = vg_probe_find(what);
  char *end;
  unsigned long id;
  if (p) return explain_probe(out, p, cfg);
  id = strtoul(what, &end, 10);
  if (*what && *end == '\0') {
    if (id >= 1000 && id < 2000) {
      /* 1000 + 10 x number + k: the probe's own entry and the level. */
      static const char *const levels[] = {"back to ok (or no longer applies)",
                                           "warning", "critical",
                                           "cannot measure (unknown)"};
      unsigned number = (unsigned)(id - 1000) / 10, k = (unsigned)id % 10;
      size_t i;
      for (i = 0; i < vg_nprobes && k < 4; i++)
        if (vg_probes[i]->number == number) {
          fprintf(out, "Event %lu: %s is %s.\n\n", id, vg_probes[i]->id,
                  levels[k]);
          explain_event(out, (unsigned)id);
          return explain_probe(out, vg_probes[i], cfg);
        }
    } else if (explain_event(out, (unsigned)id) == 0) {
      return 0;
    }
  }
  fprintf(err,
          "vigil explain: '%s' is neither a probe id nor a Vigil event id; "
          "`vigil --help` lists the probes, docs/events.md the event ids\n",
          what);
  return VG_ENOENT;
}
