/* task_xml.c: triggers and settings of a task definition (task_xml.h),
 * with a small tag scanner: elements, attributes, comments, CDATA and
 * processing instructions; no entities are needed for these values. */
#include "task_xml.h"

#include "textconv.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { TX_OPEN = 1, TX_CLOSE, TX_EMPTY };

typedef struct tx_tag_s {
  char name[64]; /* local name (without a namespace prefix) */
  int kind;
  const char *start; /* '<' */
  const char *after; /* just after '>' */
} tx_tag_t;

/* An element's content, [p, end). */
typedef struct tx_range_s {
  const char *p, *end;
} tx_range_t;

static const char *tx_find(const char *p, const char *end, const char *s) {
  size_t n = strlen(s);
  for (; p + n <= end; p++)
    if (memcmp(p, s, n) == 0) return p;
  return NULL;
}

/* The next tag in [p, end); 0 when there is none (or it is cut off). */
static int tx_next(const char *p, const char *end, tx_tag_t *t) {
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p)), *s, *q, *colon;
    size_t n;
    char quote = 0;
    if (lt == NULL || lt + 1 >= end) return 0;
    if (lt[1] == '!') {
      if (end - lt >= 4 && memcmp(lt, "<!--", 4) == 0) {
        q = tx_find(lt + 4, end, "-->");
        if (q == NULL) return 0;
        p = q + 3;
      } else if (end - lt >= 9 && memcmp(lt, "<![CDATA[", 9) == 0) {
        q = tx_find(lt + 9, end, "]]>");
        if (q == NULL) return 0;
        p = q + 3;
      } else {
        q = memchr(lt, '>', (size_t)(end - lt));
        if (q == NULL) return 0;
        p = q + 1;
      }
      continue;
    }
    if (lt[1] == '?') {
      q = tx_find(lt + 2, end, "?>");
      if (q == NULL) return 0;
      p = q + 2;
      continue;
    }
    s = lt + 1;
    t->kind = TX_OPEN;
    if (*s == '/') {
      t->kind = TX_CLOSE;
      s++;
    }
    for (q = s;
         q < end && !isspace((unsigned char)*q) && *q != '/' && *q != '>'; q++)
      ;
    colon = s;
    for (n = 0; s + n < q; n++)
      if (s[n] == ':') colon = s + n + 1;
    n = (size_t)(q - colon);
    if (n >= sizeof(t->name)) n = sizeof(t->name) - 1;
    memcpy(t->name, colon, n);
    t->name[n] = '\0';
    for (; q < end; q++) {
      if (quote) {
        if (*q == quote) quote = 0;
      } else if (*q == '"' || *q == '\'') {
        quote = *q;
      } else if (*q == '>') {
        break;
      }
    }
    if (q >= end) return 0;
    if (t->kind == TX_OPEN && q[-1] == '/') t->kind = TX_EMPTY;
    t->start = lt;
    t->after = q + 1;
    return 1;
  }
  return 0;
}

/* Content of the element opened by tag o (searching from o->after to end)
 * into *in, and *next just after it. Returns 0 when it is not closed. */
static int tx_content(const tx_tag_t *o, const char *end, tx_range_t *in,
                      const char **next) {
  tx_tag_t t;
  const char *p = o->after;
  int depth = 1;
  if (o->kind == TX_EMPTY) {
    in->p = in->end = *next = o->after;
    return 1;
  }
  while (tx_next(p, end, &t)) {
    p = t.after;
    if (strcmp(t.name, o->name) != 0) continue;
    if (t.kind == TX_OPEN) depth++;
    if (t.kind == TX_CLOSE && --depth == 0) {
      in->p = o->after;
      in->end = t.start;
      *next = t.after;
      return 1;
    }
  }
  return 0;
}

/* The first element named name at any depth of r; 0 when absent. */
static int tx_elem(const tx_range_t *r, const char *name, tx_range_t *in) {
  tx_tag_t t;
  const char *p = r->p, *next;
  while (tx_next(p, r->end, &t)) {
    if ((t.kind == TX_OPEN || t.kind == TX_EMPTY) && strcmp(t.name, name) == 0)
      return tx_content(&t, r->end, in, &next);
    p = t.after;
  }
  return 0;
}

/* Text of the first element named name in r, trimmed, into buf; 0 when
 * absent. */
static int tx_text(const tx_range_t *r, const char *name, char *buf,
                   size_t size) {
  tx_range_t in;
  size_t n;
  buf[0] = '\0';
  if (!tx_elem(r, name, &in)) return 0;
  while (in.p < in.end && isspace((unsigned char)*in.p))
    in.p++;
  while (in.end > in.p && isspace((unsigned char)in.end[-1]))
    in.end--;
  n = (size_t)(in.end - in.p);
  if (n >= size) n = size - 1;
  memcpy(buf, in.p, n);
  buf[n] = '\0';
  return 1;
}

static int tx_int(const tx_range_t *r, const char *name, int def) {
  char buf[32];
  long v;
  if (!tx_text(r, name, buf, sizeof(buf))) return def;
  v = strtol(buf, NULL, 10);
  return v < 0 ? 0 : v > 1000000 ? 1000000 : (int)v;
}

static int tx_bool(const tx_range_t *r, const char *name, int def) {
  char buf[16];
  if (!tx_text(r, name, buf, sizeof(buf))) return def;
  if (strcasecmp(buf, "true") == 0 || strcmp(buf, "1") == 0) return 1;
  if (strcasecmp(buf, "false") == 0 || strcmp(buf, "0") == 0) return 0;
  return def;
}

static int tx_days_of_week(const tx_range_t *r) {
  static const char *const days[] = {"Sunday",    "Monday",   "Tuesday",
                                     "Wednesday", "Thursday", "Friday",
                                     "Saturday"};
  tx_range_t in;
  tx_tag_t t;
  const char *p;
  int mask = 0, i;
  if (!tx_elem(r, "DaysOfWeek", &in)) return 0;
  for (p = in.p; tx_next(p, in.end, &t); p = t.after)
    for (i = 0; i < 7; i++)
      if (t.kind != TX_CLOSE && strcmp(t.name, days[i]) == 0) mask |= 1 << i;
  return mask;
}

static int tx_kind(const char *name) {
  static const struct {
    const char *name;
    int type;
  } kinds[] = {{"EventTrigger", 0},        {"TimeTrigger", 1},
               {"CalendarTrigger", 1},     {"IdleTrigger", 6},
               {"RegistrationTrigger", 7}, {"BootTrigger", 8},
               {"LogonTrigger", 9},        {"SessionStateChangeTrigger", 11}};
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(kinds); i++)
    if (strcmp(name, kinds[i].name) == 0) return kinds[i].type;
  return 12; /* TASK_TRIGGER_CUSTOM_TRIGGER_01 */
}

static void tx_trigger(const char *name, const tx_range_t *r,
                       vg_task_trigger_t *t) {
  tx_range_t s, rep;
  memset(t, 0, sizeof(*t));
  t->type = tx_kind(name);
  t->enabled = tx_bool(r, "Enabled", 1);
  tx_text(r, "StartBoundary", t->start, sizeof(t->start));
  tx_text(r, "EndBoundary", t->end, sizeof(t->end));
  if (tx_elem(r, "Repetition", &rep)) {
    tx_text(&rep, "Interval", t->repetition, sizeof(t->repetition));
    tx_text(&rep, "Duration", t->rep_duration, sizeof(t->rep_duration));
  }
  if (strcmp(name, "CalendarTrigger") != 0) return;
  if (tx_elem(r, "ScheduleByDay", &s)) {
    t->type = 2;
    t->days_interval = tx_int(&s, "DaysInterval", 1);
  } else if (tx_elem(r, "ScheduleByWeek", &s)) {
    t->type = 3;
    t->weeks_interval = tx_int(&s, "WeeksInterval", 1);
    t->days_of_week = tx_days_of_week(&s);
  } else if (tx_elem(r, "ScheduleByMonthDayOfWeek", &s)) {
    t->type = 5;
  } else if (tx_elem(r, "ScheduleByMonth", &s)) {
    t->type = 4;
  }
}

static int tx_instances(const char *s) {
  static const char *const names[] = {"Parallel", "Queue", "IgnoreNew",
                                      "StopExisting"};
  int i;
  for (i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* Direct children of r: calls fn for each element. */
static void tx_children(const tx_range_t *r,
                        void (*fn)(const char *name, const tx_range_t *in,
                                   void *ud),
                        void *ud) {
  tx_tag_t t;
  tx_range_t in;
  const char *p = r->p, *next;
  while (tx_next(p, r->end, &t)) {
    if (t.kind == TX_CLOSE) {
      p = t.after;
      continue;
    }
    if (!tx_content(&t, r->end, &in, &next)) return;
    fn(t.name, &in, ud);
    p = next;
  }
}

static void tx_on_trigger(const char *name, const tx_range_t *in, void *ud) {
  vg_task_xml_t *x = ud;
  if (x->ntriggers < VG_TASK_TRIGGERS_MAX)
    tx_trigger(name, in, &x->triggers[x->ntriggers++]);
  x->total++;
}

static void tx_on_setting(const char *name, const tx_range_t *in, void *ud) {
  vg_task_xml_t *x = ud;
  const char *p = in->p, *end = in->end;
  char buf[32];
  size_t n;
  if (strcmp(name, "Enabled") != 0 &&
      strcmp(name, "MultipleInstancesPolicy") != 0)
    return;
  while (p < end && isspace((unsigned char)*p))
    p++;
  while (end > p && isspace((unsigned char)end[-1]))
    end--;
  n = (size_t)(end - p);
  if (n >= sizeof(buf)) n = sizeof(buf) - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  if (strcmp(name, "Enabled") == 0)
    x->enabled = strcasecmp(buf, "false") == 0 ? 0 : 1;
  else
    x->multiple_instances = tx_instances(buf);
}

int vg_task_xml_parse(const char *data, size_t len, vg_task_xml_t *out) {
  size_t cap = len * 3 / 2 + 4;
  char *text;
  tx_range_t all, task, sub;
  memset(out, 0, sizeof(*out));
  out->enabled = -1;
  out->multiple_instances = -1;
  if (len > VG_TASK_XML_MAX) return VG_ETOOBIG;
  text = malloc(cap);
  if (text == NULL) return VG_ENOMEM;
  all.p = text;
  all.end = text + vg_text_utf8(data, len, text, cap);
  if (!tx_elem(&all, "Task", &task)) {
    free(text);
    return VG_EPARSE;
  }
  if (tx_elem(&task, "Triggers", &sub)) tx_children(&sub, tx_on_trigger, out);
  if (tx_elem(&task, "Settings", &sub)) tx_children(&sub, tx_on_setting, out);
  free(text);
  return 0;
}

int vg_task_xml_read(const vg_os_t *os, const char *task_path,
                     vg_task_xml_t *out, char *file, size_t filesz) {
  char dir[1024];
  vg_file_tail_t ft;
  char *buf;
  int rc;
  memset(out, 0, sizeof(*out));
  out->enabled = out->multiple_instances = -1;
  if (filesz) file[0] = '\0';
  rc = os->expand_env(os, "%SystemRoot%\\System32\\Tasks", dir, sizeof(dir));
  if (rc != 0) return rc;
  snprintf(file, filesz, "%s%s%s", dir, task_path[0] == '\\' ? "" : "\\",
           task_path);
  buf = malloc(VG_TASK_XML_MAX + 1);
  if (buf == NULL) return VG_ENOMEM;
  rc = os->file_tail(os, file, VG_TASK_XML_MAX + 1, buf, &ft);
  if (rc == 0)
    rc = ft.size > VG_TASK_XML_MAX ? VG_ETOOBIG
                                   : vg_task_xml_parse(buf, ft.len, out);
  free(buf);
  return rc;
}
