/* cli.c: vigil's command line - one table of commands, each a function. */
#include "cli.h"
#include "render.h"

#include "agent.h"
#include "config.h"
#include "buf.h"
#include "config_cmd.h"
#include "nagios.h"
#include "prom.h"
#include "explain.h"
#include "score.h"
#include "protocol.h"
#include "rows.h"
#include "store.h"
#include "bundle.h"
#include "client.h"
#include "platform.h"
#include "report.h"
#include "run.h"
#include "service_ctl.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options shared by every command. */
typedef struct vg_cli_s {
  char home[1024];
  char pipe[1024];
  int json;
  const char *since;
  const char *limit;
  int console;
  int backups;          /* history --backups */
  int nagios;           /* check/status --nagios */
  int force;            /* bundle --force */
  const char *probe;    /* events --probe */
  const char *args[64]; /* positional arguments after the verb */
  int nargs;
} vg_cli_t;

/* --------------------------------------------------------- pipe calls */

static int cli_unreachable(const vg_cli_t *c, const char *why) {
  fprintf(stderr,
          "vigil: cannot reach the Vigil service at %s (%s); start it with "
          "`vigil start` (or `net start Vigil`), or run `vigil run "
          "--console` in another window\n",
          c->pipe, why);
  return 3;
}

/* What history/events answer from the database when the service is not
 * running: the same rows, read-only (never creates or migrates). Returns
 * the response text ({"ok":true,"samples"|"events":[...]}) or NULL with a
 * line on stderr. */
static char *offline_rows(const vg_cli_t *c, const char *req) {
  vg_json_t *q = NULL;
  vg_store_t *st = NULL;
  vg_jw_t w;
  char err[300], path[1200];
  const char *cmd, *probe, *since;
  int64_t from, limit = VG_HISTORY_DEFAULT_LIMIT;
  uv_timeval64_t tv;
  int rc;
  if (vg_json_parse(req, strlen(req), &q, err, sizeof(err)) != 0) return NULL;
  cmd = vg_json_get_str(q, "cmd");
  probe = vg_json_get_str(q, "probe");
  since = vg_json_get_str(q, "since");
  vg_json_int(vg_json_get(q, "limit"), &limit);
  uv_gettimeofday(&tv);
  snprintf(path, sizeof(path), "%s/vigil.db", c->home);
  if (cmd == NULL || since == NULL ||
      vg_parse_since(since, (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000,
                     &from) != 0 ||
      vg_store_open_readonly(path, &st, err, sizeof(err)) != 0) {
    if (st == NULL && cmd) fprintf(stderr, "vigil: %s\n", err);
    vg_json_free(q);
    return NULL;
  }
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kbool(&w, "ok", 1);
  vg_jw_kbool(&w, "offline", 1);
  if (strcmp(cmd, "history") == 0) {
    vg_jw_kstr(&w, "probe", probe ? probe : "");
    vg_jw_key(&w, "samples");
    vg_jw_arr_begin(&w);
    rc = vg_store_history(st, probe ? probe : "", from, (int)limit,
                          vg_sample_row, &w);
  } else {
    vg_jw_key(&w, "events");
    vg_jw_arr_begin(&w);
    rc = vg_store_changes(st, probe, from, (int)limit, vg_change_row, &w);
  }
  vg_jw_arr_end(&w);
  vg_jw_obj_end(&w);
  vg_store_close(st);
  vg_json_free(q);
  if (rc != 0) {
    vg_jw_free(&w);
    fprintf(stderr, "vigil: cannot read the database %s\n", path);
    return NULL;
  }
  return vg_jw_steal(&w, NULL);
}

/* Sends req; on success *doc is the parsed response with ok == true. With
 * offline, history/events are read from the database when the service is
 * not running. */
static int cli_call_ex(const vg_cli_t *c, const char *req, vg_json_t **doc,
                       char **raw, int offline) {
  char err[300], *resp = NULL;
  int rc = vg_client_request(c->pipe, req, &resp, err, sizeof(err));
  const vg_json_t *ok;
  *doc = NULL;
  if (rc == VG_ECONN && offline) {
    resp = offline_rows(c, req);
    if (resp == NULL) return cli_unreachable(c, err);
    fprintf(stderr,
            "vigil: the Vigil service is not running (%s); read from its "
            "database instead. Start it with `vigil start`.\n",
            err);
    rc = 0;
  }
  if (rc == VG_ECONN) return cli_unreachable(c, err);
  if (rc == VG_EUNTRUSTED) {
    fprintf(stderr, "vigil: %s\n", err);
    return 3;
  }
  if (rc != 0) {
    fprintf(stderr, "vigil: %s\n", err);
    return 3;
  }
  if (vg_json_parse(resp, strlen(resp), doc, err, sizeof(err)) != 0) {
    fprintf(stderr, "vigil: the service sent an unreadable answer (%s)\n", err);
    free(resp);
    return 3;
  }
  ok = vg_json_get(*doc, "ok");
  if (ok == NULL || vg_json_type(ok) != VG_JSON_BOOL ||
      vg_json_bool(ok, &rc) != 0 || !rc) {
    fprintf(stderr, "vigil: the service refused: %s\n",
            vg_json_get_str(*doc, "error") ? vg_json_get_str(*doc, "error")
                                           : "no reason given");
    vg_json_free(*doc);
    *doc = NULL;
    free(resp);
    return 3;
  }
  if (raw)
    *raw = resp;
  else
    free(resp);
  return 0;
}

static int cli_call(const vg_cli_t *c, const char *req, vg_json_t **doc,
                    char **raw) {
  return cli_call_ex(c, req, doc, raw, 0);
}

/* The service's report as an exporter renders it: Nagios lines (nagios)
 * or the Prometheus exposition. Returns the exit code. */
static int render_view(const vg_json_t *doc, int nagios) {
  vg_view_json_t v;
  vg_buf_t b;
  char err[200];
  int rc;
  if (vg_view_from_json(doc, &v, err, sizeof(err)) != 0) {
    if (nagios)
      printf("UNKNOWN: the service sent an unreadable report (%s)\n", err);
    else
      fprintf(stderr, "vigil metrics: unreadable report (%s)\n", err);
    return nagios ? 3 : 1;
  }
  vg_buf_init(&b, 1u << 20);
  if (nagios)
    vg_nagios_render(&v.view, &b);
  else
    vg_prom_render(&v.view, &b);
  fputs(vg_buf_str(&b), stdout);
  rc = nagios ? vg_nagios_exit(vg_view_overall(&v.view)) : 0;
  vg_buf_free(&b);
  vg_view_json_free(&v);
  return rc;
}

static int cmd_metrics(vg_cli_t *c) {
  vg_json_t *doc;
  int rc = cli_call(c, "{\"cmd\":\"status\"}", &doc, NULL);
  if (rc) return 1;
  rc = render_view(doc, 0);
  vg_json_free(doc);
  return rc;
}

/* A report from the service as asked (--json: its text; else the table);
 * returns the exit code of its overall status. */
static int show_report(const vg_cli_t *c, const vg_json_t *doc,
                       const char *raw) {
  if (c->json)
    printf("%s\n", raw);
  else if (vg_cli_print_report(stdout, doc) != 0)
    return 3;
  return vg_cli_exit_code(vg_json_get_str(doc, "overall"));
}

static int cmd_status(vg_cli_t *c) {
  vg_json_t *doc;
  char *raw;
  int rc;
  if (c->nagios) {
    char err[300], *resp = NULL;
    if (vg_client_request(c->pipe, "{\"cmd\":\"status\"}", &resp, err,
                          sizeof(err)) != 0 ||
        vg_json_parse(resp, strlen(resp), &doc, err, sizeof(err)) != 0) {
      printf("UNKNOWN: cannot reach the Vigil service (%s)\n", err);
      free(resp);
      return 3;
    }
    free(resp);
    rc = render_view(doc, 1);
    vg_json_free(doc);
    return rc;
  }
  rc = cli_call(c, "{\"cmd\":\"status\"}", &doc, &raw);
  if (rc) return rc;
  rc = show_report(c, doc, raw);
  vg_json_free(doc);
  free(raw);
  return rc;
}

static int print_rows(const vg_cli_t *c, const char *req, const char *key,
                      int events) {
  vg_json_t *doc;
  char *raw;
  const vg_json_t *rows;
  size_t i;
  int rc = cli_call_ex(c, req, &doc, &raw, 1);
  if (rc) return rc;
  if (c->json) {
    printf("%s\n", raw);
  } else {
    rows = vg_json_get(doc, key);
    if (vg_json_len(rows) == 0) printf("(nothing recorded in that period)\n");
    for (i = 0; i < vg_json_len(rows); i++) {
      const vg_json_t *r = vg_json_at(rows, i);
      if (events)
        printf("%s  %-18s %-7s -> %-7s %s\n", vg_json_get_str(r, "ts"),
               vg_json_get_str(r, "probe"), vg_json_get_str(r, "old_status"),
               vg_json_get_str(r, "new_status"), vg_json_get_str(r, "summary"));
      else {
        int64_t checks = 1;
        vg_json_int(vg_json_get(r, "checks"), &checks);
        printf("%s  %-7s %s", vg_json_get_str(r, "ts"),
               vg_json_get_str(r, "status"), vg_json_get_str(r, "summary"));
        if (checks > 1)
          printf("  (the same in %lld checks, last %s)", (long long)checks,
                 vg_json_get_str(r, "last_checked"));
        printf("\n");
      }
    }
  }
  vg_json_free(doc);
  free(raw);
  return 0;
}

/* `vigil history --backups`: each scheduled backup with the verdict Vigil
 * gave before it and what happened, then the hit-rate line. */
static int cmd_backups(vg_cli_t *c) {
  vg_jw_t w;
  vg_json_t *doc;
  char *req, *raw, t[64], line[300];
  const vg_json_t *rows;
  vg_score_t sc;
  size_t i;
  int rc;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kstr(&w, "cmd", "backups");
  vg_jw_kstr(&w, "since", c->since ? c->since : "30d");
  if (c->limit) vg_jw_kint(&w, "limit", strtol(c->limit, NULL, 10));
  vg_jw_obj_end(&w);
  req = vg_jw_steal(&w, NULL);
  if (req == NULL) return 3;
  rc = cli_call(c, req, &doc, &raw);
  free(req);
  if (rc) return rc;
  if (c->json) {
    printf("%s\n", raw);
  } else {
    memset(&sc, 0, sizeof(sc));
    rows = vg_json_get(doc, "backups");
    if (vg_json_len(rows) == 0)
      printf("(no scheduled backup judged in that period)\n");
    else
      printf("%-20s  %-10s %-9s %-22s %s\n", "SCHEDULED (UTC)", "VERDICT",
             "OUTCOME", "ASSESSMENT", "BLOCKING");
    for (i = 0; i < vg_json_len(rows); i++) {
      const vg_json_t *r = vg_json_at(rows, i);
      const char *outcome = vg_json_get_str(r, "outcome");
      const char *verdict = vg_json_get_str(r, "verdict");
      vg_strlcpy(t, vg_json_get_str(r, "at") ? vg_json_get_str(r, "at") : "?",
                 sizeof(t));
      if (outcome && verdict) vg_score_add(&sc, outcome, verdict);
      printf("%-20s  %-10s %-9s %-22s %s\n", t, verdict ? verdict : "?",
             outcome ? outcome : "pending",
             vg_json_get_str(r, "assessment") ? vg_json_get_str(r, "assessment")
                                              : "-",
             vg_json_get_str(r, "blocking") && *vg_json_get_str(r, "blocking")
                 ? vg_json_get_str(r, "blocking")
                 : "-");
    }
    if (sc.backups) printf("%s\n", vg_score_line(&sc, line, sizeof(line)));
  }
  vg_json_free(doc);
  free(raw);
  return 0;
}

static int cmd_history(vg_cli_t *c) {
  vg_jw_t w;
  char *req;
  int rc;
  if (c->backups) {
    if (c->nargs) {
      fprintf(stderr, "vigil history --backups: takes no probe id\n");
      return 2;
    }
    return cmd_backups(c);
  }
  if (c->nargs != 1) {
    fprintf(stderr, "vigil history: give one probe id, e.g. `vigil history "
                    "scratch.space --since 7d`\n");
    return 2;
  }
  if (vg_probe_find(c->args[0]) == NULL) {
    fprintf(stderr,
            "vigil history: unknown probe '%s'; `vigil --help` lists "
            "the probe ids\n",
            c->args[0]);
    return 2;
  }
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kstr(&w, "cmd", "history");
  vg_jw_kstr(&w, "probe", c->args[0]);
  vg_jw_kstr(&w, "since", c->since ? c->since : "7d");
  if (c->limit) vg_jw_kint(&w, "limit", strtol(c->limit, NULL, 10));
  vg_jw_obj_end(&w);
  req = vg_jw_steal(&w, NULL);
  rc = req ? print_rows(c, req, "samples", 0) : 3;
  free(req);
  return rc;
}

static int cmd_events(vg_cli_t *c) {
  vg_jw_t w;
  char *req;
  int rc;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kstr(&w, "cmd", "events");
  if (c->probe) {
    if (vg_probe_find(c->probe) == NULL) {
      vg_jw_free(&w);
      fprintf(stderr,
              "vigil events: unknown probe '%s'; `vigil --help` "
              "lists the probe ids\n",
              c->probe);
      return 2;
    }
    vg_jw_kstr(&w, "probe", c->probe);
  }
  vg_jw_kstr(&w, "since", c->since ? c->since : "24h");
  if (c->limit) vg_jw_kint(&w, "limit", strtol(c->limit, NULL, 10));
  vg_jw_obj_end(&w);
  req = vg_jw_steal(&w, NULL);
  rc = req ? print_rows(c, req, "events", 1) : 3;
  free(req);
  return rc;
}

/* ------------------------------------------------------------- check */

typedef struct vg_check_s {
  vg_cli_t *c;
  int exit_code;
  char **capture; /* bundle: keep the report text instead of printing */
} vg_check_t;

/* The runtime's "cycle complete" signal: every selected probe has a
 * finding; print (or capture) the report and stop. */
static void check_cycle_cb(void *ud, vg_agent_t *a) {
  vg_check_t *k = ud;
  vg_view_probe_t probes[VG_VIEW_MAX_PROBES];
  vg_report_view_t view;
  vg_jw_t w;
  char *text;
  vg_agent_view(a, &view, probes, VG_VIEW_MAX_PROBES);
  if (!k->capture && !k->c->json) {
    /* People and Nagios read the findings straight from the runtime. */
    if (k->c->nagios) {
      vg_buf_t b;
      vg_buf_init(&b, 1u << 20);
      vg_nagios_render(&view, &b);
      fputs(vg_buf_str(&b), stdout);
      vg_buf_free(&b);
      k->exit_code = vg_nagios_exit(vg_view_overall(&view));
    } else {
      vg_cli_print_view(stdout, &view);
      k->exit_code = vg_cli_exit_code(vg_status_name(vg_view_overall(&view)));
    }
    fflush(stdout);
    vg_agent_stop(a, 0, NULL, NULL);
    return;
  }
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_agent_report(a, &w);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, NULL);
  if (text) {
    k->exit_code = vg_cli_exit_code(vg_status_name(vg_view_overall(&view)));
    if (k->capture) {
      *k->capture = text;
      text = NULL;
    } else {
      printf("%s\n", text);
    }
  } else {
    fprintf(stderr, "vigil check: out of memory building the report\n");
    k->exit_code = 3;
  }
  fflush(stdout);
  free(text);
  vg_agent_stop(a, 0, NULL, NULL);
}

/* Runs the probes (c->args, or all) once in this process. With capture,
 * *capture is the report text (malloc'd) instead of printing it. Returns
 * the exit code; *stuck is 1 when a probe is still running in the OS past
 * its deadline (its loop is left to it). */
static int check_here(vg_cli_t *c, char **capture, int *stuck) {
  uv_loop_t *loop;
  vg_agent_opts_t o;
  vg_agent_t *a;
  vg_check_t k;
  vg_config_t *cfg;
  vg_settings_t set;
  char err[400];
  size_t i, ndisabled = 0;
  int rc;
  *stuck = 0;
  memset(&o, 0, sizeof(o));
  memset(&k, 0, sizeof(k));
  k.c = c;
  k.exit_code = 3;
  k.capture = capture;
  /* On the heap: a probe stuck in the OS keeps a reference to them. */
  cfg = malloc(sizeof(*cfg));
  loop = malloc(sizeof(*loop));
  if (cfg == NULL || loop == NULL || uv_loop_init(loop) != 0) {
    fprintf(stderr, "vigil check: out of memory\n");
    free(loop);
    free(cfg);
    return 3;
  }
  vg_config_init(cfg);
  vg_config_load_home(cfg, c->home);
  for (i = 0; i < cfg->nwarnings; i++)
    fprintf(stderr, "vigil: %s\n", cfg->warnings[i]);
  vg_config_settings(cfg, &set);
  /* A probe named but disabled in vigil.ini is said to be, not run. */
  for (i = 0; i < (size_t)c->nargs; i++) {
    const vg_probe_t *p = vg_probe_find(c->args[i]);
    if (p && !vg_config_enabled(cfg, p)) {
      fprintf(stderr,
              "vigil check: %s is disabled in vigil.ini ([%s] enabled = "
              "false); it was not run\n",
              p->id, p->id);
      ndisabled++;
    }
  }
  if (c->nargs > 0 && ndisabled == (size_t)c->nargs) {
    uv_loop_close(loop);
    free(loop);
    vg_config_free(cfg);
    free(cfg);
    return 3;
  }
  o.mode = VG_AGENT_ONCE;
  o.cfg = cfg;
  o.settings = &set;
  o.only = c->nargs ? c->args : NULL;
  o.nonly = (size_t)c->nargs;
  o.sink.cycle = check_cycle_cb;
  o.sink.ud = &k;
  rc = vg_agent_start(&a, loop, &o, err, sizeof(err));
  if (rc != 0) {
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    free(loop);
    vg_config_free(cfg);
    free(cfg);
    fprintf(stderr, "vigil check: %s\n", err);
    return 3;
  }
  uv_run(loop, UV_RUN_DEFAULT);
  if (uv_loop_close(loop) != 0) {
    /* A probe is stuck in the OS past its deadline: it was reported
     * unknown. The caller exits without waiting for it; the loop, the
     * settings and the config stay with the stuck worker. */
    *stuck = 1;
    return k.exit_code;
  }
  free(loop);
  vg_config_free(cfg);
  free(cfg);
  return k.exit_code;
}

/* A stuck worker does not hold the process: main returns and the process
 * exits without joining it. */
static int cmd_check(vg_cli_t *c) {
  int stuck;
  return check_here(c, NULL, &stuck);
}

/* ------------------------------------------------------------ bundle */

static int cmd_bundle(vg_cli_t *c) {
  vg_bundle_in_t in;
  vg_cli_t all = *c;
  char *report = NULL, msg[4096];
  int rc;
  if (c->nargs > 1) {
    fprintf(stderr, "vigil bundle: give at most one file name, e.g. `vigil "
                    "bundle C:\\Temp\\vigil.zip`\n");
    return 2;
  }
  /* Refuse a target that exists (unless --force) before running anything. */
  if (vg_bundle_target_ok(c->nargs ? c->args[0] : NULL, c->force, msg,
                          sizeof(msg)) != 0) {
    fprintf(stderr, "vigil bundle: %s\n", msg);
    return 1;
  }
  all.nargs = 0; /* every probe */
  all.json = 1;
  fprintf(stderr, "vigil bundle: running every probe, then asking the "
                  "service for its status, events and history...\n");
  {
    int stuck;
    check_here(&all, &report, &stuck);
  }
  memset(&in, 0, sizeof(in));
  in.home = c->home;
  in.pipe = c->pipe;
  in.check = report;
  in.check_error = "the probes could not be run here (see the line above)";
  in.force = c->force;
  rc = vg_bundle_write(&in, c->nargs ? c->args[0] : NULL, msg, sizeof(msg));
  free(report);
  if (rc != 0) {
    fprintf(stderr, "vigil bundle: %s\n", msg);
    return 1;
  }
  printf("vigil bundle: %s\n", msg);
  return 0;
}

/* ------------------------------------------------------------ run etc */

#define RECHECK_WAIT_MS 180000 /* longest a re-check waits for its probes */
#define RECHECK_POLL_MS 250

/* checked_at of probe id in a status document ("" when absent). */
static const char *checked_at(const vg_json_t *doc, const char *id) {
  const vg_json_t *probes = vg_json_get(doc, "probes");
  size_t i;
  for (i = 0; i < vg_json_len(probes); i++) {
    const vg_json_t *p = vg_json_at(probes, i);
    const char *pid = vg_json_get_str(p, "id");
    if (pid && strcmp(pid, id) == 0)
      return vg_json_get_str(p, "checked_at") ? vg_json_get_str(p, "checked_at")
                                              : "";
  }
  return "";
}

/* The "checks" count of probe id in a status answer; -1 when not there
 * (a service older than the field). */
static int64_t checks_of(const vg_json_t *report, const char *id) {
  const vg_json_t *probes = vg_json_get(report, "probes");
  size_t i;
  for (i = 0; i < vg_json_len(probes); i++) {
    const vg_json_t *p = vg_json_at(probes, i);
    const char *pid = vg_json_get_str(p, "id");
    double c;
    if (pid && strcmp(pid, id) == 0)
      return vg_json_num(vg_json_get(p, "checks"), &c) == 0 ? (int64_t)c : -1;
  }
  return -1;
}

/* `vigil run [PROBE..]`: asks the service to collect now, waits (bounded)
 * until each scheduled probe has a finding from a collection started after
 * the request (its "checks" count reached what the run answer named; from
 * a service without it, a newer checked_at), then prints the findings as
 * `status` does. */
static int cmd_recheck(vg_cli_t *c) {
  vg_jw_t w;
  vg_json_t *before = NULL, *resp = NULL, *after = NULL;
  char *req, *raw = NULL, prev[64][40];
  const vg_json_t *sched;
  size_t i, n;
  uint64_t t0 = uv_hrtime();
  int rc, k;
  rc = cli_call(c, "{\"cmd\":\"status\"}", &before, NULL);
  if (rc) return rc;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kstr(&w, "cmd", "run");
  vg_jw_key(&w, "probes");
  vg_jw_arr_begin(&w);
  for (k = 0; k < c->nargs; k++) {
    if (vg_probe_find(c->args[k]) == NULL) {
      fprintf(stderr,
              "vigil run: unknown probe '%s'; `vigil --help` lists "
              "the probe ids\n",
              c->args[k]);
      vg_jw_free(&w);
      vg_json_free(before);
      return 3;
    }
    vg_jw_str(&w, c->args[k]);
  }
  vg_jw_arr_end(&w);
  vg_jw_obj_end(&w);
  req = vg_jw_steal(&w, NULL);
  rc = req ? cli_call(c, req, &resp, NULL) : 3;
  free(req);
  if (rc) {
    vg_json_free(before);
    return rc;
  }
  sched = vg_json_get(resp, "scheduled");
  n = vg_json_len(sched);
  if (n > VG_ARRAY_SIZE(prev)) n = VG_ARRAY_SIZE(prev);
  for (i = 0; i < n; i++)
    vg_strlcpy(prev[i], checked_at(before, vg_json_str(vg_json_at(sched, i))),
               sizeof(prev[i]));
  if (n == 0)
    fprintf(stderr, "vigil run: nothing to run (the probes named are "
                    "disabled in vigil.ini)\n");
  else if (!c->json)
    fprintf(stderr, "vigil run: collecting %zu probe%s now...\n", n,
            n == 1 ? "" : "s");
  for (;;) {
    size_t fresh = 0;
    free(raw);
    raw = NULL;
    vg_json_free(after);
    after = NULL;
    rc = cli_call(c, "{\"cmd\":\"status\"}", &after, &raw);
    if (rc) break;
    for (i = 0; i < n; i++) {
      const char *id = vg_json_str(vg_json_at(sched, i));
      double want;
      if (vg_json_num(vg_json_get(vg_json_get(resp, "checks"), id), &want) ==
          0) {
        if (checks_of(after, id) >= (int64_t)want) fresh++;
      } else if (strcmp(checked_at(after, id), prev[i]) != 0) {
        fresh++;
      }
    }
    if (fresh == n) break;
    if ((uv_hrtime() - t0) / 1000000u > RECHECK_WAIT_MS) {
      fprintf(stderr,
              "vigil run: %zu of %zu probes did not finish within "
              "%d s; showing what is known\n",
              n - fresh, n, RECHECK_WAIT_MS / 1000);
      break;
    }
    uv_sleep(RECHECK_POLL_MS);
  }
  if (rc == 0) rc = show_report(c, after, raw);
  free(raw);
  vg_json_free(before);
  vg_json_free(resp);
  vg_json_free(after);
  return rc;
}

static int cmd_run(vg_cli_t *c) {
  vg_run_opts_t o;
  char err[500];
  int rc;
  if (!c->console) return cmd_recheck(c);
  if (c->nargs) {
    fprintf(stderr, "vigil run --console: runs every probe; name probes "
                    "without --console to re-check them in the service\n");
    return 2;
  }
  memset(&o, 0, sizeof(o));
  o.home = c->home;
  o.pipe = c->pipe;
  o.console = 1;
  rc = vg_run(&o, err, sizeof(err));
  if (rc != 0) {
    fprintf(stderr, "vigil run: %s\n", err);
    return 1;
  }
  return 0;
}

/* `vigil config [--json]`: the settings in effect and vigil.ini's problems;
 * exit 0 clean, 1 problems. */
static int cmd_config(vg_cli_t *c) {
  vg_config_t *cfg = malloc(sizeof(*cfg));
  uv_fs_t req;
  int found, rc;
  if (cfg == NULL) return 1;
  vg_config_init(cfg);
  vg_config_load_home(cfg, c->home);
  found = uv_fs_stat(NULL, &req, cfg->path, NULL) == 0;
  uv_fs_req_cleanup(&req);
  rc = vg_config_print(stdout, cfg, found, c->json);
  vg_config_free(cfg);
  free(cfg);
  return rc;
}

/* `vigil explain PROBE|EVENT_ID`: offline, with this machine's
 * effective settings. */
static int cmd_explain(vg_cli_t *c) {
  vg_config_t *cfg = malloc(sizeof(*cfg));
  int rc;
  if (c->nargs != 1) {
    fprintf(stderr, "vigil explain: name one probe or event id, e.g. `vigil "
                    "explain scratch.kek` or `vigil explain 1062`\n");
    free(cfg);
    return 2;
  }
  if (cfg == NULL) return 1;
  vg_config_init(cfg);
  vg_config_load_home(cfg, c->home);
  rc = vg_explain(stdout, stderr, c->args[0], cfg);
  vg_config_free(cfg);
  free(cfg);
  return rc == 0 ? 0 : 1;
}

static int cmd_version(vg_cli_t *c) {
  (void)c;
  printf("vigil %s\n", VG_VERSION);
  return 0;
}

static int cmd_help(vg_cli_t *c);

/* ------------------------------------------------------- command table */

/* Options, each a flag a command lists when it takes it. */
enum {
  OPT_JSON = 1u << 0,
  OPT_CONSOLE = 1u << 1,
  OPT_SINCE = 1u << 2,
  OPT_LIMIT = 1u << 3,
  OPT_HOME = 1u << 4,
  OPT_PIPE = 1u << 5,
  OPT_HELP = 1u << 6,
  OPT_BACKUPS = 1u << 7,
  OPT_PROBE = 1u << 8,
  OPT_NAGIOS = 1u << 9,
  OPT_FORCE = 1u << 10
};
#define OPT_COMMON (OPT_HOME | OPT_PIPE | OPT_HELP)

typedef struct vg_opt_s {
  const char *name;
  unsigned flag;
  int takes_value;
} vg_opt_t;

static const vg_opt_t options[] = {
    {"--json", OPT_JSON, 0},       {"--console", OPT_CONSOLE, 0},
    {"--since", OPT_SINCE, 1},     {"--limit", OPT_LIMIT, 1},
    {"--home", OPT_HOME, 1},       {"--pipe", OPT_PIPE, 1},
    {"--help", OPT_HELP, 0},       {"-h", OPT_HELP, 0},
    {"--backups", OPT_BACKUPS, 0}, {"--nagios", OPT_NAGIOS, 0},
    {"--probe", OPT_PROBE, 1},
};

typedef struct vg_cmd_s {
  const char *name;
  int (*fn)(vg_cli_t *c);
  int (*svc)(int argc, char **argv); /* SCM verbs take raw args */
  unsigned opts;                     /* OPT_* it takes besides OPT_COMMON */
  int max_args;                      /* positional arguments */
  const char *usage;
  const char *help; /* what `vigil COMMAND --help` adds to the usage */
} vg_cmd_t;

static const vg_cmd_t commands[] = {
    {"run", cmd_run, NULL, OPT_CONSOLE | OPT_JSON, 64,
     "run --console              run the agent in the foreground\n"
     "  vigil run [PROBE..] [--json]  ask the service to re-check now; wait "
     "and print the new findings",
     "With --console: runs the agent in this window until Ctrl-C (the "
     "findings table once every probe has run, then one line per change). "
     "Without: asks the running service to collect the probes named (all "
     "when none) now, waits until each has a new finding (at most 3 min) "
     "and prints them as `vigil status` does - re-check after a fix. Needs "
     "an elevated prompt. Exit code as `vigil status`."},
    {"service", NULL, vg_service_dispatch, 0, 0,
     "service                    entry point used by the Service Control "
     "Manager",
     NULL},
    {"install", NULL, vg_service_install, 0, 0,
     "install                    register the service and event source", NULL},
    {"uninstall", NULL, vg_service_uninstall, 0, 0,
     "uninstall [--purge]        remove them (--purge: the data folder too)",
     NULL},
    {"start", NULL, vg_service_start, 0, 0,
     "start                      start the service", NULL},
    {"stop", NULL, vg_service_stop, 0, 0,
     "stop                       stop the service", NULL},
    {"status", cmd_status, NULL, OPT_JSON | OPT_NAGIOS, 0,
     "status [--json] [--nagios]  current findings from the running service",
     "Asks the running service for its findings. Exit code 0 ok, 1 warn, 2 "
     "crit, 3 unknown or the service unreachable."},
    {"check", cmd_check, NULL, OPT_JSON | OPT_NAGIOS, 64,
     "check [--json] [--nagios] [PROBE..]  run probes once here; exit 0 ok, "
     "1 warn, 2 crit, 3 unknown",
     "Runs the probes (all, or the ones named) once in this process; no "
     "service needed."},
    {"history", cmd_history, NULL,
     OPT_SINCE | OPT_LIMIT | OPT_JSON | OPT_BACKUPS, 1,
     "history PROBE [--since 7d] [--limit N] [--json]  samples of one "
     "probe\n  vigil history --backups [--since 30d]   each scheduled backup: "
     "Vigil's verdict before it, the outcome after",
     "Samples the service recorded for one probe; --since takes 90s, 30m, "
     "24h, 7d or an ISO time, --limit 1 to 10000. With --backups: every "
     "scheduled backup Vigil judged, the verdict it gave at the pre-flight "
     "sweep, what MARS reported afterwards, and how often Vigil was right."},
    {"events", cmd_events, NULL, OPT_SINCE | OPT_LIMIT | OPT_JSON | OPT_PROBE,
     0, "events [--probe ID] [--since 24h] [--limit N] [--json]  state changes",
     "State changes the service recorded (raised and cleared), of every "
     "probe or of one (--probe)."},
    {"bundle", cmd_bundle, NULL, OPT_FORCE, 64, /* it says "at most one" */
     "bundle [FILE] [--force]    support bundle (.zip) for a ticket",
     "Writes a .zip with the findings, events, history and vigil.ini to "
     "attach to a support ticket."},
    {"metrics", cmd_metrics, NULL, 0, 0,
     "metrics                    the findings in Prometheus text format "
     "(as vigil.prom)",
     "Asks the running service for its findings and prints them in the "
     "Prometheus text exposition format, the same metrics the service "
     "writes to [export] textfile_dir/vigil.prom (docs\\metrics.md)."},
    {"config", cmd_config, NULL, OPT_JSON, 0,
     "config [--json]            settings in effect and every problem in "
     "vigil.ini; exit 0 clean, 1 problems",
     "Reads vigil.ini as the service does and prints every setting with "
     "where it came from (vigil.ini or default), then each problem with its "
     "line. The running service re-reads vigil.ini within 10 s of a change; "
     "a file with problems is not applied (the settings in effect stay)."},
    {"explain", cmd_explain, NULL, 0, 64,
     "explain PROBE|EVENT_ID     what it checks, why MARS cares, thresholds "
     "in effect, how to fix",
     "Prints the catalog entry (the same text as docs/probes.md and "
     "docs/events.md, built into vigil.exe) and the settings in effect "
     "here. Works without the service."},
    {"version", cmd_version, NULL, 0, 0,
     "version                    print the version", NULL},
    {"--version", cmd_version, NULL, 0, 0, NULL, NULL},
    {"help", cmd_help, NULL, 0, 1, NULL, NULL},
    {"--help", cmd_help, NULL, 0, 1, NULL, NULL},
    {"-h", cmd_help, NULL, 0, 1, NULL, NULL},
    {"/?", cmd_help, NULL, 0, 1, NULL, NULL},
};

static const vg_cmd_t *cmd_find(const char *name) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(commands); i++)
    if (strcmp(name, commands[i].name) == 0) return &commands[i];
  return NULL;
}

/* `vigil COMMAND --help`: the command's usage and what it does. */
static int cmd_usage(const vg_cmd_t *cmd) {
  printf("usage: vigil %s\n", cmd->usage ? cmd->usage : cmd->name);
  if (cmd->help) printf("\n%s\n", cmd->help);
  printf("\noptions every command takes: --home DIR (data folder), --pipe "
         "NAME (query pipe)\n");
  return 0;
}

static int cmd_help(vg_cli_t *c) {
  size_t i;
  const vg_cmd_t *cmd = c->nargs ? cmd_find(c->args[0]) : NULL;
  if (cmd && cmd->usage) return cmd_usage(cmd);
  printf("Vigil %s - MARS backup health monitor\n\nusage: vigil COMMAND "
         "[options]\n\n",
         VG_VERSION);
  for (i = 0; i < VG_ARRAY_SIZE(commands); i++)
    if (commands[i].usage) printf("  vigil %s\n", commands[i].usage);
  printf("\noptions: --home DIR (data folder), --pipe NAME (query pipe); "
         "`vigil COMMAND --help` for one command\n"
         "probes:");
  for (i = 0; i < vg_nprobes; i++)
    printf(" %s", vg_probes[i]->id);
  printf("\nwhat a warning means and how to fix it: vigil explain PROBE (the "
         "same text as docs\\probes.md in the install folder)\n");
  return 0;
}

/* Stores an option's value. */
static void opt_set(vg_cli_t *c, unsigned flag, const char *v, int *pipe_set) {
  switch (flag) {
  case OPT_JSON: c->json = 1; break;
  case OPT_CONSOLE: c->console = 1; break;
  case OPT_SINCE: c->since = v; break;
  case OPT_LIMIT: c->limit = v; break;
  case OPT_BACKUPS: c->backups = 1; break;
  case OPT_NAGIOS: c->nagios = 1; break;
  case OPT_FORCE: c->force = 1; break;
  case OPT_PROBE: c->probe = v; break;
  case OPT_HOME: vg_strlcpy(c->home, v, sizeof(c->home)); break;
  case OPT_PIPE:
    vg_strlcpy(c->pipe, v, sizeof(c->pipe));
    *pipe_set = 1;
    break;
  default: break;
  }
}

/* Parses argv after the verb into c by cmd's table entry. Returns 0, or 2
 * (usage error, one line on stderr). */
static int cli_parse(vg_cli_t *c, const vg_cmd_t *cmd, int argc, char **argv,
                     unsigned *seen, int *pipe_set) {
  int a;
  size_t i;
  for (a = 2; a < argc; a++) {
    const char *arg = argv[a];
    const vg_opt_t *o = NULL;
    for (i = 0; i < VG_ARRAY_SIZE(options); i++)
      if (strcmp(arg, options[i].name) == 0) o = &options[i];
    if (o == NULL && arg[0] == '-' && arg[1] == '-') {
      fprintf(stderr,
              "vigil %s: unknown option '%s'; `vigil %s --help` lists "
              "its options\n",
              argv[1], arg, argv[1]);
      return 2;
    }
    if (o == NULL) {
      if (c->nargs >= cmd->max_args ||
          c->nargs >= (int)VG_ARRAY_SIZE(c->args)) {
        fprintf(stderr, "vigil %s: unexpected argument '%s'\n", argv[1], arg);
        return 2;
      }
      c->args[c->nargs++] = arg;
      continue;
    }
    if (!(o->flag & (cmd->opts | OPT_COMMON))) {
      fprintf(stderr,
              "vigil %s: %s does not apply to %s; `vigil %s --help` "
              "lists its options\n",
              argv[1], arg, argv[1], argv[1]);
      return 2;
    }
    if (o->takes_value && a + 1 >= argc) {
      fprintf(stderr, "vigil %s: %s needs a value\n", argv[1], arg);
      return 2;
    }
    *seen |= o->flag;
    opt_set(c, o->flag, o->takes_value ? argv[++a] : NULL, pipe_set);
  }
  if (c->limit) {
    char *end;
    long l = strtol(c->limit, &end, 10);
    if (*end || l < 1 || l > VG_HISTORY_MAX_LIMIT) {
      fprintf(stderr, "vigil %s: --limit takes 1 to %d\n", argv[1],
              VG_HISTORY_MAX_LIMIT);
      return 2;
    }
  }
  if (c->since) {
    int64_t t;
    if (vg_parse_since(c->since, 0, &t) != 0) {
      fprintf(stderr,
              "vigil %s: --since '%s' is not understood; use 24h, "
              "7d or 2026-11-24T00:00:00Z\n",
              argv[1], c->since);
      return 2;
    }
  }
  return 0;
}

int vg_cli_main(int argc, char **argv) {
  vg_cli_t c;
  const vg_cmd_t *cmd;
  unsigned seen = 0;
  int pipe_set = 0, rc, nagios_style;
  memset(&c, 0, sizeof(c));
  if (argc < 2) {
    cmd_help(&c);
    return 2;
  }
  cmd = cmd_find(argv[1]);
  if (cmd == NULL) {
    fprintf(stderr,
            "vigil: unknown command '%s'; `vigil --help` lists the "
            "commands\n",
            argv[1]);
    return 2;
  }
  if (cmd->svc) {
    if (argc == 3 &&
        (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
      return cmd_usage(cmd);
    return cmd->svc(argc - 2, argv + 2);
  }
  if (vg_platform_home(c.home, sizeof(c.home)) != 0) {
    fprintf(stderr, "vigil: data folder path too long; set VIGIL_HOME\n");
    return 2;
  }
  /* Exit codes (interface.md): check, status and a re-check are
   * Nagios-style, 3 for a usage error or an unreachable service too; the
   * other commands exit 0 done, 1 failed, 2 usage error. */
  nagios_style = cmd->fn == cmd_check || cmd->fn == cmd_status ||
                 (cmd->fn == cmd_run && !c.console);
  rc = cli_parse(&c, cmd, argc, argv, &seen, &pipe_set);
  if (rc != 0) return nagios_style ? 3 : rc;
  if ((seen & OPT_HELP) && cmd->fn != cmd_help) return cmd_usage(cmd);
  if (!pipe_set) vg_platform_pipe_name(c.home, c.pipe, sizeof(c.pipe));
  rc = cmd->fn(&c);
  if (!nagios_style && rc == 3) rc = 1;
  return rc;
}
