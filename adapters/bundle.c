/* bundle.c: see bundle.h. What goes in (docs/operations.md):
 *   manifest.json        version, host, time, each file, what was left out
 *   check.json           every probe run now in this process
 *   status.json          the service's current findings
 *   events.json          the service's state changes of the last 30 days
 *   history/PROBE.json   each probe's samples of the last 7 days
 *   vigil.ini            the configuration, if there is one
 * A service that cannot be reached (stopped, crashed, hung) has no
 * status.json; events and history then come from its database, opened
 * read-only, and the manifest says so: a bundle is wanted most when
 * something is broken. */
#include "bundle.h"

#include "client.h"
#include "config.h"
#include "json.h"
#include "probe.h"
#include "report.h"
#include "rows.h"
#include "store.h"
#include "vg.h"
#include "zip.h"

#include <uv.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BUNDLE_EVENTS_SINCE "30d"
#define BUNDLE_HISTORY_SINCE "7d"
#define BUNDLE_MAX_NOTES 8
#define BUNDLE_ROWS_MAX 10000 /* per file, as the protocol allows */

typedef struct bundle_s {
  vg_zip_t zip;
  vg_jw_t files; /* the manifest's "files" array */
  char notes[BUNDLE_MAX_NOTES][400];
  int nnotes;
  int64_t now;
  int nfiles;
  int rc; /* first zip error */
} bundle_t;

static void note(bundle_t *b, const char *fmt, ...) VG_PRINTF(2, 3);
static void note(bundle_t *b, const char *fmt, ...) {
  va_list ap;
  if (b->nnotes >= BUNDLE_MAX_NOTES) return;
  va_start(ap, fmt);
  vsnprintf(b->notes[b->nnotes++], sizeof(b->notes[0]), fmt, ap);
  va_end(ap);
}

static void add(bundle_t *b, const char *name, const char *data, size_t len) {
  int rc;
  if (b->rc) return;
  rc = vg_zip_add(&b->zip, name, data, len, b->now);
  if (rc != 0) {
    b->rc = rc;
    return;
  }
  b->nfiles++;
  vg_jw_obj_begin(&b->files);
  vg_jw_kstr(&b->files, "name", name);
  vg_jw_kuint(&b->files, "bytes", (uint64_t)len);
  vg_jw_obj_end(&b->files);
}

/* One request to the service; its response line goes in as name. Returns
 * 0, or VG_ECONN etc. with the reason noted. */
static int add_request(bundle_t *b, const char *pipe, const char *name,
                       const char *req) {
  char err[300], *resp = NULL;
  int rc = vg_client_request(pipe, req, &resp, err, sizeof(err));
  if (rc != 0) {
    if (rc != VG_ECONN) note(b, "%s left out: %s", name, err);
    return rc;
  }
  add(b, name, resp, strlen(resp));
  free(resp);
  return 0;
}

/* The JSON text of w (finished by the caller) goes in as name. */
static void add_writer(bundle_t *b, const char *name, vg_jw_t *w, int rc) {
  size_t len;
  char *text = vg_jw_steal(w, &len);
  if (rc != 0 || text == NULL)
    note(b, "%s left out: %s", name,
         rc != 0 ? "the database could not be read" : "out of memory");
  else
    add(b, name, text, len);
  free(text);
}

/* Events and history straight from the database: the service is down. */
static void add_database(bundle_t *b, const char *home) {
  char path[1100], err[1300], name[VG_ZIP_MAX_NAME];
  vg_store_t *st = NULL;
  vg_jw_t w;
  int64_t since;
  size_t i;
  int rc;
  snprintf(path, sizeof(path), "%s/vigil.db", home);
  if (vg_store_open_readonly(path, &st, err, sizeof(err)) != 0) {
    note(b, "events and history left out: %s", err);
    return;
  }
  note(b,
       "events and history were read from %s (the service was not "
       "running)",
       path);
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kbool(&w, "ok", 1);
  vg_jw_kstr(&w, "source", "database");
  vg_jw_key(&w, "events");
  vg_jw_arr_begin(&w);
  vg_parse_since(BUNDLE_EVENTS_SINCE, b->now, &since);
  rc = vg_store_changes(st, NULL, since, BUNDLE_ROWS_MAX, vg_change_row, &w);
  vg_jw_arr_end(&w);
  vg_jw_obj_end(&w);
  add_writer(b, "events.json", &w, rc);
  vg_parse_since(BUNDLE_HISTORY_SINCE, b->now, &since);
  for (i = 0; i < vg_nprobes; i++) {
    vg_jw_init(&w);
    vg_jw_obj_begin(&w);
    vg_jw_kbool(&w, "ok", 1);
    vg_jw_kstr(&w, "source", "database");
    vg_jw_kstr(&w, "probe", vg_probes[i]->id);
    vg_jw_key(&w, "samples");
    vg_jw_arr_begin(&w);
    rc = vg_store_history(st, vg_probes[i]->id, since, BUNDLE_ROWS_MAX,
                          vg_sample_row, &w);
    vg_jw_arr_end(&w);
    vg_jw_obj_end(&w);
    snprintf(name, sizeof(name), "history/%s.json", vg_probes[i]->id);
    add_writer(b, name, &w, rc);
  }
  vg_store_close(st);
}

static void add_service(bundle_t *b, const char *pipe, const char *home) {
  char req[256], name[VG_ZIP_MAX_NAME];
  size_t i;
  int rc = add_request(b, pipe, "status.json", "{\"cmd\":\"status\"}");
  if (rc != 0) {
    if (rc == VG_ECONN)
      note(b,
           "the service at %s could not be reached: status.json is left "
           "out (start it with `vigil start`, or make the bundle on the "
           "host where it runs)",
           pipe);
    add_database(b, home);
    return;
  }
  snprintf(req, sizeof(req),
           "{\"cmd\":\"events\",\"since\":\"" BUNDLE_EVENTS_SINCE
           "\",\"limit\":%d}",
           BUNDLE_ROWS_MAX);
  add_request(b, pipe, "events.json", req);
  for (i = 0; i < vg_nprobes; i++) {
    snprintf(req, sizeof(req),
             "{\"cmd\":\"history\",\"probe\":\"%s\",\"since\":"
             "\"" BUNDLE_HISTORY_SINCE "\",\"limit\":%d}",
             vg_probes[i]->id, BUNDLE_ROWS_MAX);
    snprintf(name, sizeof(name), "history/%s.json", vg_probes[i]->id);
    add_request(b, pipe, name, req);
  }
}

/* vigil.ini from the data folder, when there is one; past the size the
 * agent reads it is ignored there too, and left out here. */
static void add_ini(bundle_t *b, const char *home) {
  char path[1100], err[200], *buf;
  size_t len;
  int rc;
  snprintf(path, sizeof(path), "%s/vigil.ini", home);
  rc = vg_read_file(path, VG_CONFIG_MAX_BYTES, &buf, &len, err, sizeof(err));
  if (rc == VG_ENOENT) return;
  if (rc != 0)
    note(b, "vigil.ini left out: %s", err);
  else if (len > VG_CONFIG_MAX_BYTES)
    note(b, "vigil.ini left out: larger than %d bytes", VG_CONFIG_MAX_BYTES);
  else
    add(b, "vigil.ini", buf, len);
  free(buf);
}

int vg_bundle_target_ok(const char *path, int force, char *msg, size_t msgsz) {
  uv_fs_t req;
  int rc, mode;
  if (path == NULL || path[0] == '\0') return 0;
  rc = uv_fs_lstat(NULL, &req, path, NULL); /* the link, not its target */
  mode = (int)(req.statbuf.st_mode & S_IFMT);
  uv_fs_req_cleanup(&req);
  if (rc == UV_ENOENT) return 0;
  if (rc != 0) {
    snprintf(msg, msgsz, "cannot check %s: %s; give another file name", path,
             uv_strerror(rc));
    return VG_EIO;
  }
  if (!force) {
    snprintf(msg, msgsz,
             "%s already exists; give another file name, or add --force to "
             "replace it",
             path);
    return VG_EEXIST;
  }
  if (mode != S_IFREG) {
    snprintf(msg, msgsz,
             "%s is not a regular file (a link, folder or device); --force "
             "replaces only a plain file: give another file name",
             path);
    return VG_EINVAL;
  }
  return 0;
}

/* Creates a partial file beside path that did not exist before (never a
 * link's target): path.partial, else path.partialN. Returns the fd or a
 * libuv error; tmp gets its name. */
static uv_file partial_open(const char *path, char *tmp, size_t tmpsz) {
  uv_fs_t req;
  uv_file fd = UV_EEXIST;
  int i;
  for (i = 0; i < 10 && fd == UV_EEXIST; i++) {
    if ((i ? snprintf(tmp, tmpsz, "%s.partial%d", path, i)
           : snprintf(tmp, tmpsz, "%s.partial", path)) >= (int)tmpsz)
      return UV_ENAMETOOLONG;
    fd = uv_fs_open(NULL, &req, tmp,
                    UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_EXCL, 0644, NULL);
    uv_fs_req_cleanup(&req);
  }
  return fd;
}

/* Writes data to path through a partial file. Without force the complete
 * file is put in place only if path is still free (a hard link, which
 * never replaces; a rename where links are not supported). 0, VG_EEXIST
 * when path appeared meanwhile, or a libuv error. */
static int write_file(const char *path, int force, const unsigned char *data,
                      size_t len) {
  char tmp[1200];
  uv_fs_t req;
  uv_buf_t ub;
  uv_file fd;
  ssize_t n;
  size_t off = 0;
  int rc = 0, linked = 0;
  fd = partial_open(path, tmp, sizeof(tmp));
  if (fd < 0) return fd;
  while (off < len) {
    ub = uv_buf_init(
        (char *)(uintptr_t)(data + off),
        (unsigned)(len - off > (1u << 30) ? (1u << 30) : len - off));
    n = uv_fs_write(NULL, &req, fd, &ub, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    if (n <= 0) {
      rc = n < 0 ? (int)n : UV_EIO;
      break;
    }
    off += (size_t)n;
  }
  if (rc == 0) {
    rc = uv_fs_fsync(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
  }
  uv_fs_close(NULL, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
  if (rc == 0 && !force) {
    rc = uv_fs_link(NULL, &req, tmp, path, NULL);
    uv_fs_req_cleanup(&req);
    if (rc == 0) {
      linked = 1;
    } else if (rc == UV_EEXIST) {
      rc = VG_EEXIST;
    } else if (rc != 0) {
      /* No hard links here (FAT, some shares): check, then rename. */
      rc = uv_fs_lstat(NULL, &req, path, NULL);
      uv_fs_req_cleanup(&req);
      if (rc == 0) {
        rc = VG_EEXIST;
      } else {
        rc = uv_fs_rename(NULL, &req, tmp, path, NULL);
        uv_fs_req_cleanup(&req);
      }
    }
  } else if (rc == 0) {
    /* A rename replaces the name itself, never what a link points to. */
    rc = uv_fs_rename(NULL, &req, tmp, path, NULL);
    uv_fs_req_cleanup(&req);
  }
  if (rc != 0 || linked) {
    uv_fs_unlink(NULL, &req, tmp, NULL);
    uv_fs_req_cleanup(&req);
  }
  return rc;
}

/* vigil-bundle-HOST-20261125T030405Z.zip; host reduced to [A-Za-z0-9-]. */
static void default_name(char *out, size_t size, const char *host,
                         int64_t now) {
  char h[64], iso[32], stamp[32];
  size_t i, j = 0;
  for (i = 0; host[i] && j < sizeof(h) - 1; i++) {
    char ch = host[i];
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
        (ch >= '0' && ch <= '9') || ch == '-')
      h[j++] = ch;
  }
  h[j] = '\0';
  vg_iso8601(now, iso, sizeof(iso));
  for (i = 0, j = 0; iso[i] && j < sizeof(stamp) - 1; i++)
    if (iso[i] != '-' && iso[i] != ':') stamp[j++] = iso[i];
  stamp[j] = '\0';
  snprintf(out, size, "vigil-bundle-%s-%s.zip", j ? h : "host", stamp);
}

int vg_bundle_write(const vg_bundle_in_t *in, const char *path, char *msg,
                    size_t msgsz) {
  bundle_t b;
  vg_jw_t m;
  uv_timeval64_t tv;
  char host[256], iso[32], name[300], *text;
  unsigned char *zip = NULL;
  size_t hl = sizeof(host), len, ziplen = 0, pos = 0;
  int i, rc;

  memset(&b, 0, sizeof(b));
  vg_zip_init(&b.zip);
  vg_jw_init(&b.files);
  b.now = uv_gettimeofday(&tv) == 0
              ? (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000
              : 0;
  if (uv_os_gethostname(host, &hl) != 0)
    vg_strlcpy(host, "localhost", sizeof(host));
  if (path == NULL || path[0] == '\0') {
    default_name(name, sizeof(name), host, b.now);
    path = name;
  }

  vg_jw_arr_begin(&b.files);
  if (in->check)
    add(&b, "check.json", in->check, strlen(in->check));
  else
    note(&b, "check.json left out: %s",
         in->check_error ? in->check_error : "the check did not run");
  add_service(&b, in->pipe, in->home);
  add_ini(&b, in->home);
  vg_jw_arr_end(&b.files);

  vg_jw_init(&m);
  vg_jw_obj_begin(&m);
  vg_jw_kstr(&m, "vigil", VG_VERSION);
  vg_jw_kstr(&m, "host", host);
  vg_jw_kstr(&m, "generated_at", vg_iso8601(b.now, iso, sizeof(iso)));
  vg_jw_kstr(&m, "data_folder", in->home);
  vg_jw_kstr(&m, "pipe", in->pipe);
  text = vg_jw_steal(&b.files, NULL);
  vg_jw_key(&m, "files");
  vg_jw_raw(&m, text ? text : "[]");
  free(text);
  vg_jw_key(&m, "notes");
  vg_jw_arr_begin(&m);
  for (i = 0; i < b.nnotes; i++)
    vg_jw_str(&m, b.notes[i]);
  vg_jw_arr_end(&m);
  vg_jw_obj_end(&m);
  text = vg_jw_steal(&m, &len);
  rc = b.rc;
  if (rc == 0 && text == NULL) rc = VG_ENOMEM;
  if (rc == 0) {
    rc = vg_zip_add(&b.zip, "manifest.json", text, len, b.now);
    if (rc == 0) b.nfiles++;
  }
  free(text);
  vg_jw_free(&b.files);
  if (rc == 0) rc = vg_zip_finish(&b.zip, &zip, &ziplen);
  vg_zip_free(&b.zip);
  if (rc != 0) {
    snprintf(msg, msgsz, "could not build the bundle: %s", vg_strerror(rc));
    return rc;
  }
  rc = vg_bundle_target_ok(path, in->force, msg, msgsz);
  if (rc != 0) {
    free(zip);
    return rc;
  }
  rc = write_file(path, in->force, zip, ziplen);
  free(zip);
  if (rc == VG_EEXIST) {
    snprintf(msg, msgsz,
             "%s appeared while the bundle was made; give another file name, "
             "or add --force to replace it",
             path);
    return VG_EEXIST;
  }
  if (rc != 0) {
    snprintf(msg, msgsz,
             "cannot write %s: %s; give a writable path, e.g. `vigil bundle "
             "%%TEMP%%\\vigil.zip`",
             path, uv_strerror(rc));
    return VG_EIO;
  }
  {
    /* The full path, so a bundle made from any folder is found. */
    uv_fs_t req;
    const char *full = path;
    if (uv_fs_realpath(NULL, &req, path, NULL) == 0 && req.ptr != NULL)
      full = req.ptr;
    vg_bufprintf(msg, msgsz, &pos,
                 "wrote %s (%d files, %.1f KiB); attach it to the support "
                 "ticket",
                 full, b.nfiles, (double)ziplen / 1024.0);
    uv_fs_req_cleanup(&req);
  }
  for (i = 0; i < b.nnotes; i++)
    vg_bufprintf(msg, msgsz, &pos, "\n  note: %s", b.notes[i]);
  return 0;
}
