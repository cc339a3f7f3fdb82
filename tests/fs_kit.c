/* fs_kit.c: temporary folders and whole files for tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fs_kit.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

int fk_mkdtemp(char *out, size_t size, const char *prefix) {
  char tmp[400];
  size_t n = sizeof(tmp);
  uv_fs_t req;
  int rc;
  uv_os_tmpdir(tmp, &n);
  snprintf(out, size, "%s/%sXXXXXX", tmp, prefix);
  rc = uv_fs_mkdtemp(NULL, &req, out, NULL);
  if (rc == 0) snprintf(out, size, "%s", req.path);
  uv_fs_req_cleanup(&req);
  return rc;
}

void fk_rmtree(const char *dir) {
  uv_fs_t req;
  uv_dirent_t ent;
  char p[900];
  if (uv_fs_scandir(NULL, &req, dir, 0, NULL) >= 0) {
    while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
      uv_fs_t r2;
      snprintf(p, sizeof(p), "%s/%s", dir, ent.name);
      if (uv_fs_unlink(NULL, &r2, p, NULL) != 0) {
        uv_fs_req_cleanup(&r2);
        uv_fs_rmdir(NULL, &r2, p, NULL);
      }
      uv_fs_req_cleanup(&r2);
    }
  }
  uv_fs_req_cleanup(&req);
  uv_fs_rmdir(NULL, &req, dir, NULL);
  uv_fs_req_cleanup(&req);
}

char *fk_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (len) *len = 0;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = n < 0 ? NULL : malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf == NULL) return NULL;
  buf[n] = '\0';
  if (len) *len = (size_t)n;
  return buf;
}

void fk_put(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) fail_msg("cannot write %s", path);
  fputs(text, f);
  fclose(f);
}
