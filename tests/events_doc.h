/* events_doc.h: reads adapters/win/messages.mc and docs/events.md into one
 * shape so tests can hold them (and the compiled message table) against each
 * other. */
#ifndef VG_EVENTS_DOC_H
#define VG_EVENTS_DOC_H

#include <stddef.h>

#define ED_MAX 256
#define ED_PROBES_MAX 100

typedef struct ed_msg_s {
  unsigned id;     /* MessageId / the id column (low 16 bits) */
  char level[16];  /* Information, Warning, Error; Category for categories */
  char symbol[64]; /* VG_MSG_..., VG_CAT_... ("" where a source has none) */
  char text[2048]; /* message text, lines joined with '\n', no final '\n' */
} ed_msg_t;

/* A row of a probe table: interface.md "Probe ids" or the "Events per
 * probe" table of docs/events.md (which also gives the four ids). */
typedef struct ed_probe_s {
  unsigned number;
  char id[48];
  char scope[16];
  unsigned ids[4]; /* ok, warn, crit, unknown; 0 where the source has none */
} ed_probe_t;

typedef struct ed_doc_s {
  ed_msg_t rows[ED_MAX]; /* events tables and categories table */
  size_t nrows;
  ed_msg_t texts[ED_MAX]; /* "### <id> <SYMBOL>" sections with their text */
  size_t ntexts;
  ed_probe_t probes[ED_PROBES_MAX]; /* "Events per probe" probe table */
  size_t nprobes;
} ed_doc_t;

/* Parse a .mc file: one entry per message, level from Severity (Success =
 * Category). Returns the count, or -1 with a message in err. */
int ed_parse_mc(const char *path, ed_msg_t *out, size_t max, char *err,
                size_t errsz);
/* Parse docs/events.md. Returns 0, or -1 with a message in err. */
int ed_parse_doc(const char *path, ed_doc_t *doc, char *err, size_t errsz);
/* messages.mc of the source tree at srcdir into out: returns the count, or
 * -1 after saying why on stderr. */
int ed_load_mc(const char *srcdir, ed_msg_t *out, size_t max);
/* docs/events.md of the source tree at srcdir: returns 0, or -1 after
 * saying why on stderr. */
int ed_load_doc(const char *srcdir, ed_doc_t *doc);
/* Parse the probe table of interface.md ("| 6 | `scratch.kek` | backup |
 * ..."). Returns the count (ids left 0), or -1 with err set (no file). */
int ed_parse_interface(const char *path, ed_probe_t *out, size_t max, char *err,
                       size_t errsz);
/* Finds id in a list; NULL when absent. */
const ed_msg_t *ed_find(const ed_msg_t *list, size_t n, unsigned id);
/* The full 32-bit message id for a level ("Warning" -> 0x80000000 | id). */
unsigned long ed_full_id(const ed_msg_t *m);

#endif
