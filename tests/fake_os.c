/* fake_os.c: the in-memory OS table used by the probe tests. */
#include "fake_os.h"

#include "vg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int path_eq(const char *a, const char *b) {
  return strcasecmp(a, b) == 0;
}

static int f_reg_get(const vg_os_t *os, const char *key, const char *value,
                     unsigned flags, vg_reg_value_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  int i;
  if (cur->reg_err) return cur->reg_err;
  for (i = 0; i < cur->nreg; i++) {
    fake_reg_t *r = &cur->reg[i];
    unsigned view = flags & VG_REG_32 ? VG_REG_32 : VG_REG_64;
    if (r->flags && r->flags != view) continue;
    if (path_eq(r->key, key) && path_eq(r->value, value)) {
      if (r->err) return r->err;
      *out = r->v;
      return 0;
    }
  }
  return VG_ENOENT;
}

static int f_reg_enum_values(const vg_os_t *os, const char *key, unsigned flags,
                             vg_reg_enum_cb cb, void *ud) {
  fake_os_t *cur = (fake_os_t *)os;
  int i, found = 0;
  unsigned view = flags & VG_REG_32 ? VG_REG_32 : VG_REG_64;
  if (cur->reg_err) return cur->reg_err;
  for (i = 0; i < cur->nreg; i++)
    if (path_eq(cur->reg[i].key, key)) {
      /* An unreadable value (fake_reg_err) makes the key unreadable. */
      if (cur->reg[i].err) return cur->reg[i].err;
      if (cur->reg[i].flags && cur->reg[i].flags != view) continue;
      found = 1;
      if (cb(cur->reg[i].value, &cur->reg[i].v, ud)) break;
    }
  return found ? 0 : VG_ENOENT;
}

static int f_reg_enum_keys(const vg_os_t *os, const char *key, unsigned flags,
                           vg_reg_enum_cb cb, void *ud) {
  fake_os_t *cur = (fake_os_t *)os;
  int i, j, found = 0;
  size_t n = strlen(key);
  char seen[FAKE_MAX][128];
  int nseen = 0;
  (void)flags;
  if (cur->reg_err) return cur->reg_err;
  for (i = 0; i < cur->nreg; i++) {
    const char *k = cur->reg[i].key;
    char sub[128];
    const char *end;
    if (strncasecmp(k, key, n) != 0 || k[n] != '\\') continue;
    found = 1;
    end = strchr(k + n + 1, '\\');
    snprintf(sub, sizeof(sub), "%.*s",
             (int)(end ? (size_t)(end - (k + n + 1)) : strlen(k + n + 1)),
             k + n + 1);
    for (j = 0; j < nseen; j++)
      if (path_eq(seen[j], sub)) break;
    if (j < nseen) continue;
    vg_strlcpy(seen[nseen++], sub, sizeof(seen[0]));
    if (cb(sub, NULL, ud)) break;
  }
  return found ? 0 : VG_ENOENT;
}

static int f_expand_env(const vg_os_t *os, const char *in, char *out,
                        size_t outsz) {
  fake_os_t *cur = (fake_os_t *)os;
  /* %SystemRoot% is C:\Windows; fake_env adds more. Unknown %NAME%s stay
   * as written, as ExpandEnvironmentStrings leaves them. */
  size_t o = 0;
  int i;
  out[0] = '\0';
  while (*in) {
    const char *end = in[0] == '%' ? strchr(in + 1, '%') : NULL;
    const char *val = NULL;
    size_t n = end ? (size_t)(end - in - 1) : 0;
    if (end && n == strlen("SystemRoot") &&
        strncasecmp(in + 1, "SystemRoot", n) == 0)
      val = "C:\\Windows";
    for (i = 0; end && val == NULL && i < cur->nenv; i++)
      if (strlen(cur->env[i][0]) == n &&
          strncasecmp(in + 1, cur->env[i][0], n) == 0)
        val = cur->env[i][1];
    if (val) {
      vg_bufprintf(out, outsz, &o, "%s", val);
      in = end + 1;
    } else {
      vg_bufprintf(out, outsz, &o, "%c", *in++);
    }
  }
  return o + 1 >= outsz ? VG_ERANGE : 0;
}

static fake_file_t *find(fake_os_t *cur, const char *path) {
  int i;
  for (i = 0; i < cur->nfiles; i++)
    if (path_eq(cur->files[i].path, path)) return &cur->files[i];
  return NULL;
}

static int f_disk_space(const vg_os_t *os, const char *path, uint64_t *fr,
                        uint64_t *total) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, path);
  if (cur->disk_err) return cur->disk_err;
  if (f && f->err) return f->err;
  *fr = cur->volume.free_bytes;
  *total = cur->volume.total_bytes;
  return 0;
}

static int f_fixed_used(const vg_os_t *os, uint64_t *used) {
  fake_os_t *cur = (fake_os_t *)os;
  if (cur->fixed_used == 0) return VG_ENOENT;
  *used = cur->fixed_used;
  return 0;
}

static int f_volume_info(const vg_os_t *os, const char *path,
                         vg_volume_info_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, path);
  if (f && f->err) return f->err;
  *out = cur->volume;
  return 0;
}

static int f_file_attrs(const vg_os_t *os, const char *path, uint32_t *attrs) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, path);
  if (f == NULL) return VG_ENOENT;
  if (f->err) return f->err;
  *attrs = f->attrs;
  return 0;
}

static int f_probe_write(const vg_os_t *os, const char *dir) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, dir);
  if (f == NULL) return VG_ENOENT;
  if (f->err) return f->err;
  return f->writable ? 0 : VG_EACCES;
}

static int f_count_files(const vg_os_t *os, const char *dir,
                         const char *pattern, uint64_t stop_at,
                         uint64_t *count) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, dir);
  cur->count_stop_at = stop_at;
  vg_strlcpy(cur->count_pattern, pattern, sizeof(cur->count_pattern));
  if (f == NULL) return VG_ENOENT;
  if (f->err) return f->err;
  *count = stop_at && f->count > stop_at ? stop_at : f->count;
  return 0;
}

static int f_list_dir(const vg_os_t *os, const char *dir, vg_dir_enum_cb cb,
                      void *ud) {
  fake_os_t *cur = (fake_os_t *)os;
  int i, found = 0;
  size_t n = strlen(dir);
  fake_file_t *d = find(cur, dir);
  if (d && d->err) return d->err;
  for (i = 0; i < cur->nfiles; i++) {
    const char *p = cur->files[i].path;
    if (strncasecmp(p, dir, n) != 0 || p[n] != '\\' || strchr(p + n + 1, '\\'))
      continue;
    found = 1;
    if (cur->files[i].attrs & VG_FA_DIRECTORY) continue;
    if (cb(p + n + 1, cur->files[i].attrs, cur->files[i].size, ud)) break;
  }
  return found || d ? 0 : VG_ENOENT;
}

static int f_file_crc32(const vg_os_t *os, const char *path, uint32_t *crc,
                        uint64_t *size) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, path);
  if (f == NULL) return VG_ENOENT;
  if (f->err) return f->err;
  *crc = f->crc;
  *size = f->size;
  return 0;
}

static int f_file_version(const vg_os_t *os, const char *path, uint16_t v[4]) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *f = find(cur, path);
  if (f == NULL) return VG_ENOENT;
  if (f->err) return f->err;
  if (f->version[0] == 0) return VG_ENOENT;
  memcpy(v, f->version, sizeof(f->version));
  return 0;
}

static int f_svc_query(const vg_os_t *os, const char *name,
                       vg_svc_info_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  int i;
  if (cur->svc_err) return cur->svc_err;
  for (i = 0; i < cur->nsvcs; i++)
    if (path_eq(cur->svcs[i].name, name)) {
      *out = cur->svcs[i].info;
      return 0;
    }
  return VG_ENOENT;
}

static int f_task_query(const vg_os_t *os, const char *folder, const char *name,
                        vg_task_info_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  char path[600];
  *out = cur->task;
  if (cur->task_rc) return cur->task_rc;
  snprintf(path, sizeof(path), "%s%s%s", folder,
           strcmp(folder, "\\") == 0 ? "" : "\\", name);
  if (!path_eq(cur->task_path, path)) {
    int i;
    for (i = 0; i < cur->nmore_tasks; i++)
      if (path_eq(cur->more_tasks[i].path, path)) {
        *out = cur->more_tasks[i].info;
        return 0;
      }
    memset(out, 0, sizeof(*out));
    out->hr = 0x80070002u; /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) */
    vg_strlcpy(out->call, "ITaskFolder::GetTask", sizeof(out->call));
    return VG_ENOENT;
  }
  return 0;
}

static int f_shadow_storage(const vg_os_t *os, vg_shadow_info_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  *out = cur->shadow;
  return cur->shadow_rc;
}

static int f_device_query(const vg_os_t *os, const char *class_guid,
                          const char *hardware_id, vg_device_list_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  size_t i;
  cur->device_queries++;
  memset(out, 0, sizeof(*out));
  out->hr = cur->devices.hr;
  vg_strlcpy(out->call, cur->devices.call, sizeof(out->call));
  if (cur->devices_rc) return cur->devices_rc;
  for (i = 0; i < cur->devices.n; i++) {
    const vg_device_info_t *d = &cur->devices.devs[i];
    if (class_guid && !path_eq(d->class_guid, class_guid)) continue;
    if (!path_eq(d->hardware_ids, hardware_id)) continue;
    out->devs[out->n++] = *d;
  }
  return 0;
}

static int f_volume_dedup(const vg_os_t *os, const char *path, int *enabled,
                          char *why, size_t whysz) {
  fake_os_t *cur = (fake_os_t *)os;
  (void)path;
  cur->dedup_queries++;
  *enabled = cur->dedup_rc ? 0 : cur->dedup_enabled;
  vg_strlcpy(why, cur->dedup_why, whysz);
  return cur->dedup_rc;
}

static int f_volumes_list(const vg_os_t *os, vg_volume_list_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  *out = cur->volumes;
  return cur->volumes_rc;
}

static int f_vss_writers(const vg_os_t *os, uint32_t timeout_ms,
                         vg_vss_writers_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  cur->vss_timeout_ms = timeout_ms;
  cur->vss_queries++;
  *out = cur->vss;
  return cur->vss_rc;
}

static int f_computer_names(const vg_os_t *os, vg_computer_names_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  *out = cur->names;
  return cur->names_rc;
}

static int f_svc_enum(const vg_os_t *os, vg_svc_enum_cb cb, void *ud) {
  fake_os_t *cur = (fake_os_t *)os;
  int i;
  if (cur->svc_enum_rc) return cur->svc_enum_rc;
  for (i = 0; i < cur->nsvcs; i++)
    if (cb(cur->svcs[i].name, cur->svc_display[i], cur->svcs[i].info.binary,
           ud))
      break;
  return 0;
}

/* A failed request's stage flags and error as WinHTTP reports the
 * failure rc (VG_ENOENT: the name, VG_ECONN: the connection, VG_EIO: TLS,
 * VG_ETIMEDOUT: the answer); other codes leave r as it is. */
static void fake_http_error(vg_http_result_t *r, int rc) {
  static const struct {
    int rc, dns, tcp, tls;
    uint32_t error;
    const char *name, *text;
  } errs[] = {
      {VG_ENOENT, 0, -1, -1, 12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED",
       "name not resolved"},
      {VG_ECONN, 1, 0, -1, 12029, "ERROR_WINHTTP_CANNOT_CONNECT",
       "cannot connect"},
      {VG_EIO, 1, 1, 0, 12175, "ERROR_WINHTTP_SECURE_FAILURE",
       "TLS handshake failed"},
      {VG_ETIMEDOUT, 1, 1, -1, 12002, "ERROR_WINHTTP_TIMEOUT",
       "timed out waiting for the answer"},
  };
  size_t i;
  for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
    if (errs[i].rc == rc) {
      r->dns = errs[i].dns;
      r->tcp = errs[i].tcp;
      r->tls = errs[i].tls;
      r->error = errs[i].error;
      vg_strlcpy(r->error_name, errs[i].name, sizeof(r->error_name));
      vg_strlcpy(r->error_text, errs[i].text, sizeof(r->error_text));
    }
}

static int f_http_get(const vg_os_t *os, const vg_http_req_t *req,
                      vg_http_result_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  int i, n = cur->http_calls++;
  if (n < 8)
    vg_strlcpy(cur->http_proxy[n], req->proxy ? req->proxy : "",
               sizeof(cur->http_proxy[0]));
  vg_strlcpy(cur->http_pac, req->pac_url ? req->pac_url : "",
             sizeof(cur->http_pac));
  vg_strlcpy(cur->http_method, req->method ? req->method : "",
             sizeof(cur->http_method));
  cur->http_timeout = req->timeout_ms;
  for (i = 0; i < cur->nhttp; i++)
    if (strcmp(cur->http[i].url, req->url) == 0) {
      *out = cur->http[i].res;
      vg_strlcpy(out->proxy_used, req->proxy ? req->proxy : "",
                 sizeof(out->proxy_used));
      if (cur->http[i].rc == 0 && out->date_ms) {
        vg_strlcpy(cur->last_date.url, req->url, sizeof(cur->last_date.url));
        cur->last_date.date_ms = out->date_ms;
        cur->last_date.local_ms = out->local_ms;
        cur->last_date.age_ms = 0;
      }
      return cur->http[i].rc;
    }
  memset(out, 0, sizeof(*out));
  out->dns = 1;
  fake_http_error(out, VG_ECONN);
  return VG_ECONN;
}

static int f_http_last_date(const vg_os_t *os, vg_http_date_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  if (cur->last_date.date_ms == 0) return VG_ENOENT;
  *out = cur->last_date;
  return 0;
}

static int f_proxy_sources(const vg_os_t *os, vg_proxy_sources_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  *out = cur->proxy;
  return cur->proxy_rc;
}

static int f_time_zone(const vg_os_t *os, vg_time_zone_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  *out = cur->tz;
  if (cur->tz_rc) {
    vg_tz_set_utc(out);
    out->now_ms = cur->tz.now_ms;
  }
  return cur->tz_rc;
}

vg_http_result_t *fake_http(fake_os_t *f, const char *url, int rc, int status) {
  vg_http_result_t *r = &f->http[f->nhttp].res;
  vg_strlcpy(f->http[f->nhttp].url, url, sizeof(f->http[0].url));
  f->http[f->nhttp].rc = rc;
  f->nhttp++;
  memset(r, 0, sizeof(*r));
  r->dns = r->tcp = 1;
  r->tls = strncmp(url, "https:", 6) == 0 ? 1 : -1;
  r->status = rc == 0 ? status : 0;
  r->elapsed_ms = 120;
  fake_http_error(r, rc);
  return r;
}

void fake_proxy_src(vg_proxy_src_t *s, int enabled, const char *server,
                    const char *pac) {
  memset(s, 0, sizeof(*s));
  s->read = 1;
  s->enabled = enabled;
  vg_strlcpy(s->server, server ? server : "", sizeof(s->server));
  vg_strlcpy(s->pac, pac ? pac : "", sizeof(s->pac));
}

static int f_wall_clock_ms(const vg_os_t *os, int64_t *now_ms) {
  *now_ms = ((const fake_os_t *)os)->now_ms;
  return 0;
}

/* Folder part of a task path ("\A\B\name" -> "\A\B", "\name" -> "\"),
 * compared case-insensitively with folder. */
static int task_in_folder(const char *path, const char *folder,
                          const char **name) {
  const char *bs = strrchr(path, '\\');
  size_t n;
  if (bs == NULL || path[0] == '\0') return 0;
  n = (size_t)(bs - path);
  *name = bs + 1;
  if (n == 0) return strcmp(folder, "\\") == 0;
  return strlen(folder) == n && strncasecmp(path, folder, n) == 0;
}

static int f_task_list(const vg_os_t *os, const char *folder,
                       vg_task_names_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  const char *name;
  int i, found = 0;
  memset(out, 0, sizeof(*out));
  cur->task_list_calls++;
  if (cur->task_list_rc) {
    out->hr = cur->task_list_hr;
    vg_strlcpy(out->call, cur->task_list_call, sizeof(out->call));
    return cur->task_list_rc;
  }
  for (i = -1; i < cur->nmore_tasks; i++) {
    const char *path = i < 0 ? cur->task_path : cur->more_tasks[i].path;
    if (!task_in_folder(path, folder, &name)) continue;
    found = 1;
    if (out->n < VG_TASK_NAMES_MAX)
      vg_strlcpy(out->names[out->n++], name, sizeof(out->names[0]));
    out->total++;
  }
  if (!found) {
    out->hr = 0x80070002u; /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) */
    vg_strlcpy(out->call, "ITaskService::GetFolder", sizeof(out->call));
    return VG_ENOENT;
  }
  return 0;
}

static int f_file_tail(const vg_os_t *os, const char *path, size_t max,
                       char *buf, vg_file_tail_t *out) {
  fake_os_t *cur = (fake_os_t *)os;
  fake_file_t *ff = find(cur, path);
  int i;
  memset(out, 0, sizeof(*out));
  cur->file_tail_max = max;
  if (ff && ff->err) return ff->err;
  for (i = 0; i < cur->ncontents; i++)
    if (path_eq(cur->contents[i].path, path)) {
      size_t len = cur->contents[i].len, n = len < max ? len : max;
      memcpy(buf, cur->contents[i].data + (len - n), n);
      out->size = len;
      out->len = n;
      out->mtime_ms = cur->contents[i].mtime_ms;
      cur->file_tail_bytes += n;
      return 0;
    }
  return VG_ENOENT;
}

static int f_event_query(const vg_os_t *os, const char *channel,
                         const char *xpath, size_t max, vg_event_cb cb,
                         void *ud, char *why, size_t whysz) {
  fake_os_t *cur = (fake_os_t *)os;
  size_t i, n = 0;
  cur->event_queries++;
  vg_strlcpy(cur->event_xpath, xpath ? xpath : "", sizeof(cur->event_xpath));
  vg_strlcpy(cur->event_channel, channel, sizeof(cur->event_channel));
  if (whysz) why[0] = '\0';
  if (cur->event_rc) {
    vg_strlcpy(why, cur->event_why, whysz);
    return cur->event_rc;
  }
  for (i = 0; i < (size_t)cur->nchannels; i++)
    if (path_eq(cur->channels[i], channel)) break;
  if (i == (size_t)cur->nchannels) {
    snprintf(why, whysz,
             "EvtQuery(%s): Win32 error 15007 (the channel was "
             "not found)",
             channel);
    return VG_ENOENT;
  }
  if (i != 0) return 0; /* events live in the first channel */
  for (i = cur->nevents; i-- > 0 && n < max; n++)
    if (cb(&cur->events[i], ud)) break;
  return 0;
}

static int f_event_channels(const vg_os_t *os, vg_name_cb cb, void *ud,
                            char *why, size_t whysz) {
  fake_os_t *cur = (fake_os_t *)os;
  int i;
  if (whysz) why[0] = '\0';
  if (cur->channels_rc) {
    vg_strlcpy(why, cur->event_why, whysz);
    return cur->channels_rc;
  }
  for (i = 0; i < cur->nchannels; i++)
    if (cb(cur->channels[i], ud)) break;
  return 0;
}

void fake_os_init(fake_os_t *f) {
  memset(f, 0, sizeof(*f));
  f->os.reg_get = f_reg_get;
  f->os.reg_enum_values = f_reg_enum_values;
  f->os.reg_enum_keys = f_reg_enum_keys;
  f->os.expand_env = f_expand_env;
  f->os.disk_space = f_disk_space;
  f->os.fixed_volumes_used = f_fixed_used;
  f->os.volume_info = f_volume_info;
  f->os.file_attrs = f_file_attrs;
  f->os.probe_write = f_probe_write;
  f->os.count_files = f_count_files;
  f->os.list_dir = f_list_dir;
  f->os.file_crc32 = f_file_crc32;
  f->os.file_version = f_file_version;
  f->os.svc_query = f_svc_query;
  f->os.task_query = f_task_query;
  f->os.shadow_storage = f_shadow_storage;
  f->os.device_query = f_device_query;
  f->os.volume_dedup = f_volume_dedup;
  f->os.wall_clock_ms = f_wall_clock_ms;
  f->os.task_list = f_task_list;
  f->os.file_tail = f_file_tail;
  f->os.event_query = f_event_query;
  f->os.event_channels = f_event_channels;
  f->now_ms = 1764000000000ll; /* 2025-11-24T16:00:00Z */
  f->os.http_get = f_http_get;
  f->os.http_last_date = f_http_last_date;
  f->os.proxy_sources = f_proxy_sources;
  f->os.time_zone = f_time_zone;
  f->proxy.per_user = -1;
  vg_strlcpy(f->tz.key_name, "UTC", sizeof(f->tz.key_name));
  vg_strlcpy(f->tz.std_name, "Coordinated Universal Time",
             sizeof(f->tz.std_name));
  f->tz.auto_dst = 1;
  f->tz.nyears = 2;
  f->tz.years[0].year = 2025;
  f->tz.years[1].year = 2026;
  f->tz.now_ms = 1764000000000ll; /* 2025-11-24T16:00:00Z */
  f->os.volumes_list = f_volumes_list;
  f->os.vss_writers = f_vss_writers;
  f->os.computer_names = f_computer_names;
  f->os.svc_enum = f_svc_enum;
  vg_strlcpy(f->names.host, "SRV01", sizeof(f->names.host));
  vg_strlcpy(f->names.fqdn, "SRV01.contoso.local", sizeof(f->names.fqdn));
  vg_strlcpy(f->names.domain, "contoso.local", sizeof(f->names.domain));
  vg_strlcpy(f->names.netbios, "SRV01", sizeof(f->names.netbios));
  vg_strlcpy(f->volume.root, "C:\\", sizeof(f->volume.root));
  vg_strlcpy(f->volume.fs_name, "NTFS", sizeof(f->volume.fs_name));
  f->volume.drive_type = VG_DRIVE_FIXED;
  f->volume.free_bytes = 100ull << 30;
  f->volume.total_bytes = 200ull << 30;
}

static fake_reg_t *reg_slot(fake_os_t *f, const char *key, const char *value) {
  fake_reg_t *r = &f->reg[f->nreg++];
  memset(r, 0, sizeof(*r));
  vg_strlcpy(r->key, key, sizeof(r->key));
  vg_strlcpy(r->value, value, sizeof(r->value));
  return r;
}

void fake_reg_sz(fake_os_t *f, const char *key, const char *value,
                 const char *data) {
  fake_reg_t *r = reg_slot(f, key, value);
  r->v.type = VG_REGT_SZ;
  vg_strlcpy(r->v.str, data, sizeof(r->v.str));
}

void fake_reg_dword(fake_os_t *f, const char *key, const char *value,
                    uint32_t data) {
  fake_reg_dword_view(f, 0, key, value, data);
}

void fake_reg_dword_view(fake_os_t *f, unsigned view, const char *key,
                         const char *value, uint32_t data) {
  fake_reg_t *r = reg_slot(f, key, value);
  r->flags = view;
  r->v.type = VG_REGT_DWORD;
  r->v.num = data;
  snprintf(r->v.str, sizeof(r->v.str), "%u", data);
}

void fake_reg_err(fake_os_t *f, const char *key, const char *value, int err) {
  fake_reg_t *r = reg_slot(f, key, value);
  r->err = err;
}

void fake_reg_expand_sz(fake_os_t *f, const char *key, const char *value,
                        const char *data) {
  fake_reg_t *r = reg_slot(f, key, value);
  r->v.type = VG_REGT_EXPAND_SZ;
  vg_strlcpy(r->v.str, data, sizeof(r->v.str));
}

void fake_env(fake_os_t *f, const char *name, const char *value) {
  vg_strlcpy(f->env[f->nenv][0], name, sizeof(f->env[0][0]));
  vg_strlcpy(f->env[f->nenv][1], value, sizeof(f->env[0][1]));
  f->nenv++;
}

fake_file_t *fake_file(fake_os_t *f, const char *path, uint32_t attrs) {
  fake_file_t *x = &f->files[f->nfiles++];
  memset(x, 0, sizeof(*x));
  vg_strlcpy(x->path, path, sizeof(x->path));
  x->attrs = attrs;
  x->writable = 1;
  return x;
}

fake_svc_t *fake_svc(fake_os_t *f, const char *name, int state,
                     int start_type) {
  fake_svc_t *s = &f->svcs[f->nsvcs++];
  memset(s, 0, sizeof(*s));
  vg_strlcpy(s->name, name, sizeof(s->name));
  s->info.state = state;
  s->info.start_type = start_type;
  return s;
}

static void fake_task_defaults(vg_task_info_t *t);

vg_task_info_t *fake_task(fake_os_t *f, const char *path) {
  vg_task_info_t *t = &f->task;
  vg_strlcpy(f->task_path, path, sizeof(f->task_path));
  fake_task_defaults(t);
  return t;
}

vg_shadow_volume_t *fake_shadow_volume(fake_os_t *f, const char *name,
                                       const char *fs, uint64_t used,
                                       uint64_t max) {
  vg_shadow_volume_t *v = &f->shadow.vols[f->shadow.n];
  memset(v, 0, sizeof(*v));
  snprintf(v->device, sizeof(v->device),
           "\\\\?\\Volume{%08u-0000-0000-0000-000000000000}\\",
           (unsigned)f->shadow.n);
  vg_strlcpy(v->name, name, sizeof(v->name));
  vg_strlcpy(v->fs_name, fs, sizeof(v->fs_name));
  v->drive_type = VG_DRIVE_FIXED;
  v->capacity = 500ull << 30;
  v->copies = 0;
  if (max) {
    v->has_storage = 1;
    vg_strlcpy(v->diff_volume, name, sizeof(v->diff_volume));
    v->used = used;
    v->allocated = used;
    v->max = max;
  }
  f->shadow.n++;
  return v;
}

vg_device_info_t *fake_device(fake_os_t *f, const char *class_guid,
                              const char *class_name, const char *hwid) {
  vg_device_info_t *d = &f->devices.devs[f->devices.n++];
  memset(d, 0, sizeof(*d));
  vg_strlcpy(d->class_guid, class_guid, sizeof(d->class_guid));
  vg_strlcpy(d->class_name, class_name, sizeof(d->class_name));
  vg_strlcpy(d->hardware_ids, hwid, sizeof(d->hardware_ids));
  snprintf(d->instance_id, sizeof(d->instance_id), "%s\\0000", hwid);
  return d;
}

vg_volume_entry_t *fake_volume(fake_os_t *f, const char *mount, const char *fs,
                               uint64_t used, uint64_t total) {
  vg_volume_entry_t *v = &f->volumes.vols[f->volumes.n];
  memset(v, 0, sizeof(*v));
  snprintf(v->device, sizeof(v->device),
           "\\\\?\\Volume{%08u-1111-0000-0000-000000000000}\\",
           (unsigned)f->volumes.n);
  vg_strlcpy(v->mount, mount, sizeof(v->mount));
  if (mount[0] && mount[1] == ':' && mount[2] == '\\' && mount[3] == '\0')
    v->letter = mount[0];
  vg_strlcpy(v->fs_name, fs, sizeof(v->fs_name));
  v->drive_type = VG_DRIVE_FIXED;
  v->space_read = 1;
  v->total_bytes = total;
  v->free_bytes = total - used;
  f->volumes.n++;
  return v;
}

vg_vss_writer_t *fake_vss_writer(fake_os_t *f, const char *name, int state,
                                 uint32_t last_error) {
  vg_vss_writer_t *w = &f->vss.w[f->vss.n];
  memset(w, 0, sizeof(*w));
  vg_strlcpy(w->name, name, sizeof(w->name));
  snprintf(w->id, sizeof(w->id), "{%08u-2222-0000-0000-000000000000}",
           (unsigned)f->vss.n);
  w->state = state;
  w->last_error = last_error;
  f->vss.n++;
  return w;
}

void fake_svc_display(fake_os_t *f, const fake_svc_t *svc,
                      const char *display) {
  int i = (int)(svc - f->svcs);
  vg_strlcpy(f->svc_display[i], display, sizeof(f->svc_display[0]));
}

/* A task as fake_task plants it, at t. */
static void fake_task_defaults(vg_task_info_t *t) {
  memset(t, 0, sizeof(*t));
  t->enabled = 1;
  t->state = 3;                     /* ready */
  t->last_run_ms = 1763935200000ll; /* 2025-11-23T22:00:00Z */
  t->next_run_ms = 1764021600000ll; /* 2025-11-24T22:00:00Z */
  vg_strlcpy(t->user_id, "S-1-5-18", sizeof(t->user_id));
  vg_strlcpy(t->principal_sid, "S-1-5-18", sizeof(t->principal_sid));
  t->multiple_instances = 2; /* IgnoreNew */
  t->ntriggers = 1;
  t->triggers[0].type = 3; /* weekly */
  t->triggers[0].enabled = 1;
  t->triggers[0].weeks_interval = 1;
  vg_strlcpy(t->triggers[0].start, "2025-01-05T22:00:00",
             sizeof(t->triggers[0].start));
}

vg_task_info_t *fake_task_add(fake_os_t *f, const char *path) {
  vg_task_info_t *t = &f->more_tasks[f->nmore_tasks].info;
  vg_strlcpy(f->more_tasks[f->nmore_tasks].path, path,
             sizeof(f->more_tasks[0].path));
  f->nmore_tasks++;
  fake_task_defaults(t);
  return t;
}

fake_file_t *fake_content(fake_os_t *f, const char *path, const char *data,
                          size_t len, int64_t mtime_ms) {
  fake_file_t *x = find(f, path);
  int i = f->ncontents++;
  vg_strlcpy(f->contents[i].path, path, sizeof(f->contents[i].path));
  f->contents[i].data = data;
  f->contents[i].len = len;
  f->contents[i].mtime_ms = mtime_ms;
  if (x == NULL) x = fake_file(f, path, 0);
  x->size = len;
  return x;
}

void fake_channel(fake_os_t *f, const char *name) {
  vg_strlcpy(f->channels[f->nchannels++], name, sizeof(f->channels[0]));
}

vg_event_t *fake_event(fake_os_t *f, uint32_t id, int64_t time_ms) {
  vg_event_t *e = &f->events[f->nevents];
  memset(e, 0, sizeof(*e));
  e->id = id;
  e->time_ms = time_ms;
  e->level = id == 11 || id == 18               ? 2
             : id == 10 || id == 14 || id == 16 ? 3
                                                : 4;
  e->record_id = ++f->nevents;
  vg_strlcpy(e->provider, "CloudBackup", sizeof(e->provider));
  return e;
}
