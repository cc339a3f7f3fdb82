/* test_cli.c: the vigil binary as a user runs it - output, exit codes,
 * `run --console` in one process and `status` from another over the real
 * pipe (a Unix socket natively, \\.\pipe\... under Wine). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fs_kit.h"
#include "json.h"
#include "probe.h"
#include "vg.h"
#include "zip_reader.h"

#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#ifndef VG_VIGIL_EXE
#error "VG_VIGIL_EXE must name the vigil binary"
#endif

static char home[600];
static char pipe_env[700];
static char home_env[700];

typedef struct out_s {
  uv_pipe_t pipe;
  char buf[65536];
  size_t len;
} out_t;

typedef struct proc_s {
  uv_process_t proc;
  out_t out, err;
  int64_t exit_status;
  int exited;
} proc_t;

static void alloc_cb(uv_handle_t *h, size_t s, uv_buf_t *b) {
  out_t *o = h->data;
  (void)s;
  *b = uv_buf_init(o->buf + o->len, (unsigned)(sizeof(o->buf) - 1 - o->len));
}

static void read_cb(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  out_t *o = st->data;
  (void)b;
  if (n < 0) {
    uv_close((uv_handle_t *)st, NULL);
    return;
  }
  o->len += (size_t)n;
  o->buf[o->len] = '\0';
}

static void exit_cb(uv_process_t *p, int64_t status, int sig) {
  proc_t *pr = p->data;
  (void)sig;
  pr->exit_status = status;
  pr->exited = 1;
  uv_close((uv_handle_t *)p, NULL);
}

/* Starts vigil with args on loop; output is collected into pr. */
static void spawn(uv_loop_t *loop, proc_t *pr, const char *const *args) {
  char *argv[16];
  char *env[] = {home_env, pipe_env, NULL};
  uv_process_options_t o;
  uv_stdio_container_t stdio[3];
  int i;
  memset(pr, 0, sizeof(*pr));
  memset(&o, 0, sizeof(o));
  argv[0] = (char *)VG_VIGIL_EXE;
  for (i = 0; args[i]; i++)
    argv[i + 1] = (char *)args[i];
  argv[i + 1] = NULL;
  uv_pipe_init(loop, &pr->out.pipe, 0);
  uv_pipe_init(loop, &pr->err.pipe, 0);
  pr->out.pipe.data = &pr->out;
  pr->err.pipe.data = &pr->err;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t *)&pr->out.pipe;
  stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[2].data.stream = (uv_stream_t *)&pr->err.pipe;
  o.file = VG_VIGIL_EXE;
  o.args = argv;
  o.env = env;
  o.stdio = stdio;
  o.stdio_count = 3;
  o.exit_cb = exit_cb;
  pr->proc.data = pr;
  assert_int_equal(uv_spawn(loop, &pr->proc, &o), 0);
  uv_read_start((uv_stream_t *)&pr->out.pipe, alloc_cb, read_cb);
  uv_read_start((uv_stream_t *)&pr->err.pipe, alloc_cb, read_cb);
}

/* Runs vigil to completion; returns its exit code. */
static int run(proc_t *pr, const char *const *args) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  spawn(&loop, pr, args);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
  return (int)pr->exit_status;
}

static void write_ini(const char *text) {
  char path[700];
  snprintf(path, sizeof(path), "%s/vigil.ini", home);
  fk_put(path, text);
}

/* One command: its arguments, its exit code, what its standard output
 * and error hold (NULL ends each list) and what its output must not. */
typedef struct cli_case_s {
  const char *args[5];
  int code;
  const char *out[5];
  const char *err[3];
  const char *not_out;
} cli_case_t;

/* Runs the n commands of c in turn and asserts each; p keeps the last. */
static void run_cases(proc_t *p, const cli_case_t *c, size_t n) {
  size_t i, k;
  for (i = 0; i < n; i++) {
    int rc = run(p, c[i].args);
    if (rc != c[i].code)
      fail_msg("vigil %s %s: exit %d, want %d; stderr: %s", c[i].args[0],
               c[i].args[1] ? c[i].args[1] : "", rc, c[i].code, p->err.buf);
    for (k = 0; k < 5 && c[i].out[k]; k++)
      if (strstr(p->out.buf, c[i].out[k]) == NULL)
        fail_msg("vigil %s: no '%s' in: %s", c[i].args[0], c[i].out[k],
                 p->out.buf);
    for (k = 0; k < 3 && c[i].err[k]; k++)
      if (strstr(p->err.buf, c[i].err[k]) == NULL)
        fail_msg("vigil %s: no '%s' in stderr: %s", c[i].args[0], c[i].err[k],
                 p->err.buf);
    if (c[i].not_out && strstr(p->out.buf, c[i].not_out))
      fail_msg("vigil %s: '%s' in: %s", c[i].args[0], c[i].not_out, p->out.buf);
  }
}

static int setup(void **st) {
  (void)st;
  assert_int_equal(fk_mkdtemp(home, sizeof(home), "vgcli"), 0);
  snprintf(home_env, sizeof(home_env), "VIGIL_HOME=%s", home);
  /* A private pipe name: never the installed service's. */
  if (strchr(home, '\\'))
    snprintf(pipe_env, sizeof(pipe_env),
             "VIGIL_PIPE=\\\\.\\pipe\\vigil-cli-test-%d", (int)uv_os_getpid());
  else
    snprintf(pipe_env, sizeof(pipe_env), "VIGIL_PIPE=%s/vigil.sock", home);
  return 0;
}

static void check_exit_codes_follow_status(void **st) {
  static const cli_case_t human = {
      {"check"},
      2,
      {"STATUS", "CRIT     scratch.space", "fix: ", "overall: CRIT"}};
  static const cli_case_t ok = {
      {"check", "scratch.space"}, 0, {"OK       scratch.space"}};
  static const cli_case_t unknown = {
      {"check", "scratch.space"}, 3, {"UNKNOWN", "no/such/folder"}};
  proc_t p;
  const char *json[] = {"check", "--json", NULL};
  vg_json_t *doc;
  char err[200];
  (void)st;
  write_ini("[scratch.space]\npath = .\nbackup_bytes = 1T\n");
  /* Free space of the temp volume is far below 5 % of 1 TiB only on tiny
   * disks; use a backup size no disk can meet instead. */
  write_ini("[scratch.space]\npath = .\nbackup_bytes = 16000T\n");
  assert_int_equal(run(&p, json), 2);
  assert_int_equal(vg_json_parse(p.out.buf, p.out.len, &doc, err, sizeof(err)),
                   0);
  assert_string_equal(vg_json_get_str(doc, "overall"), "crit");
  vg_json_free(doc);
  run_cases(&p, &human, 1);

  write_ini("[scratch.space]\npath = .\nbackup_bytes = 1K\n");
  run_cases(&p, &ok, 1);

  write_ini("[scratch.space]\npath = ./no/such/folder\n");
  run_cases(&p, &unknown, 1);
}

static void config_problems_are_reported_not_fatal(void **st) {
  proc_t p;
  const char *args[] = {"check", "--json", NULL};
  (void)st;
  write_ini("[scratch.space]\npath = .\nbackup_bytes = lots\nbackup_bytes = "
            "1K\ncolour = blue\n[mars.install]\nrequired = false\n"
            "[vss.storage]\nenabled = false\n[iscsi.initiator]\nenabled = "
            "false\n"
            "[dotnet.version]\nenabled = false\n"
            "[tls.config]\nenabled = false\n"
            "[net.proxy]\nenabled = false\n[net.reach]\nenabled = false\n"
            "[clock.skew]\nenabled = false\n");
  assert_int_equal(run(&p, args), 0);
  assert_non_null(strstr(p.err.buf, "vigil.ini:3: [scratch.space] "
                                    "backup_bytes: expected a size"));
  assert_non_null(strstr(p.err.buf, "vigil.ini:5: unknown key 'colour'"));
  assert_non_null(strstr(p.err.buf, "unknown key 'colour'"));
}

/* `vigil explain`: every probe has its catalog entry built in, with the
 * settings in effect; event ids (generic and per probe) are explained;
 * anything else is one clear line. And every command has --help. */

static void explain_every_probe_and_event(void **st) {
  static const cli_case_t explained[] = {
      {{"explain", "temp.files"}, 0, {"50000", "(vigil.ini)"}},
      {{"explain", "1062"}, 0, {"scratch.kek is critical"}},
      {{"explain", "100"}, 0, {"VG_MSG_STARTED"}},
      {{"explain", "no.such"}, 1, {NULL}, {"neither a probe id nor"}},
  };
  proc_t p;
  size_t i;
  char head[80];
  (void)st;
  write_ini("[temp.files]\nwarn = 50000\n");
  for (i = 0; i < vg_nprobes; i++) {
    const char *args[] = {"explain", vg_probes[i]->id, NULL};
    assert_int_equal(run(&p, args), 0);
    snprintf(head, sizeof(head), "## `%s`", vg_probes[i]->id);
    if (strstr(p.out.buf, head) == NULL)
      fail_msg("vigil explain %s: no catalog entry", vg_probes[i]->id);
    assert_non_null(strstr(p.out.buf, "In effect here"));
  }
  run_cases(&p, explained, VG_ARRAY_SIZE(explained));
  assert_null(strchr(strchr(p.err.buf, '\n') + 1, '\n')); /* one line */
  {
    static const char *const cmds[] = {"run",     "status",  "check",
                                       "history", "events",  "bundle",
                                       "explain", "install", "version"};
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
      const char *args[] = {cmds[i], "--help", NULL};
      assert_int_equal(run(&p, args), 0);
      if (strstr(p.out.buf, "usage: vigil") == NULL)
        fail_msg("vigil %s --help: no usage", cmds[i]);
    }
  }
}

/* `vigil config`: every setting with its source; problems listed, exit 1;
 * a clean file exits 0. `vigil check` on a disabled probe says so. */
static void config_explains_itself(void **st) {
  static const cli_case_t problems[] = {
      {{"config"},
       1,
       {"warn                 = 70000", "(vigil.ini)", "(default)",
        "'90' is outside 1d..3650d", "warn = 70000 is above crit = 65000"}},
      {{"config", "--json"}, 1, {"\"problems\":[\""}},
      {{"check", "temp.files"},
       3,
       {NULL},
       {"temp.files is disabled in vigil.ini"}},
  };
  static const cli_case_t clean = {{"config"}, 0, {"No problems"}};
  proc_t p;
  (void)st;
  write_ini("[temp.files]\nwarn = 70000\ncrit = 65000\nenabled = false\n"
            "[agent]\nretention = 90\n");
  run_cases(&p, problems, VG_ARRAY_SIZE(problems));
  write_ini("[temp.files]\nwarn = 60000\n");
  run_cases(&p, &clean, 1);
}

/* Nagios lines: check --nagios with its exit code; status --nagios with
 * the service down is UNKNOWN (3). */
static void nagios_lines_and_exit_codes(void **st) {
  proc_t p;
  const char *check[] = {"check", "--nagios", "scratch.space", NULL};
  const char *status[] = {"status", "--nagios", NULL};
  (void)st;
  write_ini("[scratch.space]\npath = .\nbackup_bytes = 900T\n");
  assert_int_equal(run(&p, check), 2);
  assert_true(strncmp(p.out.buf, "CRITICAL: ", 10) == 0);
  assert_non_null(strstr(p.out.buf, " | "));
  assert_non_null(strstr(p.out.buf, "scratch.space"));
  write_ini("[scratch.space]\npath = .\nbackup_bytes = 1K\n");
  assert_int_equal(run(&p, check), 0);
  assert_true(strncmp(p.out.buf, "OK: ", 4) == 0);
  assert_int_equal(run(&p, status), 3);
  assert_true(strncmp(p.out.buf, "UNKNOWN: ", 9) == 0);
}

static void bad_usage_gets_one_clear_line(void **st) {
  static const cli_case_t c[] = {
      {{"frobnicate"}, 2, {NULL}, {"unknown command 'frobnicate'"}},
      {{"check", "no.such.probe"},
       3,
       {NULL},
       {"unknown probe 'no.such.probe'"}},
      {{"history"}, 2, {NULL}, {"give one probe id"}},
      {{"events", "--since", "last tuesday"},
       2,
       {NULL},
       {"--since 'last tuesday'"}},
      /* status is Nagios-style: a usage error is UNKNOWN (3, interface.md). */
      {{"status", "--bogus"}, 3, {NULL}, {"unknown option '--bogus'"}},
      {{"--help"}, 0, {"vigil status [--json]"}},
  };
  proc_t p;
  (void)st;
  run_cases(&p, c, VG_ARRAY_SIZE(c));
}

static void status_without_service_says_how_to_start(void **st) {
  proc_t p;
  const char *args[] = {"status", NULL};
  (void)st;
  assert_int_equal(run(&p, args), 3);
  assert_non_null(strstr(p.err.buf, "cannot reach the Vigil service"));
  assert_non_null(strstr(p.err.buf, "vigil start"));
  assert_null(strchr(strchr(p.err.buf, '\n') + 1, '\n')); /* one line */
}

/* The entry name of the bundle at path (under home), or fails the test. */
static char *bundle_entry(const char *file, const char *name) {
  char path[800];
  unsigned char *zip;
  size_t ziplen = 0, len;
  const char *why = NULL;
  char *got;
  snprintf(path, sizeof(path), "%s/%s", home, file);
  zip = zr_load(path, &ziplen);
  assert_non_null(zip);
  got = zr_read(zip, ziplen, name, &len, NULL, &why);
  if (got == NULL) fprintf(stderr, "%s in %s: %s\n", name, file, why);
  free(zip);
  assert_non_null(got);
  return got;
}

static const char *const quiet_ini =
    "[scratch.space]\npath = .\ninterval = 200ms\nbackup_bytes = 1K\n"
    "[mars.install]\nrequired = false\n[vss.storage]\nenabled = false\n"
    "[iscsi.initiator]\nenabled = false\n[dotnet.version]\nenabled = "
    "false\n[tls.config]\nenabled = false\n"
    /* the network probes' endpoints are on the Internet */
    "[net.proxy]\nenabled = false\n[net.reach]\nenabled = false\n"
    "[clock.skew]\nenabled = false\n";

/* With no service the bundle still has the probes run here, the config and
 * a manifest that says what is missing and why. */
static void bundle_without_service_keeps_what_it_can(void **st) {
  proc_t p;
  char out[800], bad[800];
  const char *args[] = {"bundle", out, NULL};
  const char *two[] = {"bundle", "a.zip", "b.zip", NULL};
  const char *unwritable[] = {"bundle", bad, NULL};
  char *text;
  vg_json_t *doc;
  char err[200];
  (void)st;
  write_ini(quiet_ini);
  snprintf(out, sizeof(out), "%s/b1.zip", home);
  assert_int_equal(run(&p, args), 0);
  assert_non_null(strstr(p.out.buf, "vigil bundle: wrote "));
  assert_non_null(strstr(p.out.buf, "attach it to the support ticket"));
  assert_non_null(strstr(p.out.buf, "could not be reached"));
  text = bundle_entry("b1.zip", "check.json");
  assert_int_equal(vg_json_parse(text, strlen(text), &doc, err, sizeof(err)),
                   0);
  assert_string_equal(
      vg_json_get_str(vg_json_at(vg_json_get(doc, "probes"), 0), "id"),
      "scratch.space");
  vg_json_free(doc);
  free(text);
  text = bundle_entry("b1.zip", "vigil.ini");
  assert_string_equal(text, quiet_ini);
  free(text);
  text = bundle_entry("b1.zip", "manifest.json");
  assert_int_equal(vg_json_parse(text, strlen(text), &doc, err, sizeof(err)),
                   0);
  assert_string_equal(vg_json_get_str(doc, "vigil"), VG_VERSION);
  assert_int_equal(vg_json_len(vg_json_get(doc, "files")), 2);
  assert_non_null(strstr(vg_json_str(vg_json_at(vg_json_get(doc, "notes"), 0)),
                         "status.json is left out"));
  /* no database yet either: said, not fatal */
  assert_non_null(strstr(vg_json_str(vg_json_at(vg_json_get(doc, "notes"), 1)),
                         "events and history left out: cannot read "));
  vg_json_free(doc);
  free(text);

  assert_int_equal(run(&p, two), 2);
  assert_non_null(strstr(p.err.buf, "at most one file name"));
  snprintf(bad, sizeof(bad), "%s/no/such/folder/b.zip", home);
  assert_int_equal(run(&p, unwritable), 1);
  assert_non_null(strstr(p.err.buf, "vigil bundle: cannot write "));
  assert_non_null(strstr(p.err.buf, "give a writable path"));
}

static void run_console_and_status_from_another_process(void **st) {
  uv_loop_t loop;
  proc_t agent, p;
  const char *run_args[] = {"run", "--console", NULL};
  const char *status_json[] = {"status", "--json", NULL};
  static const cli_case_t served[] = {
      {{"status"}, 0, {"OK       scratch.space"}},
      /* A second agent on the same pipe refuses to start, saying why. */
      {{"run", "--console"}, 1, {NULL}, {"already running"}},
      {{"events"}, 0, {"scratch.space", "n/a     -> ok"}},
  };
  static const cli_case_t recorded[] = {
      {{"history", "scratch.space", "--since", "1h"},
       0,
       {"ok      Scratch volume"}},
      {{"metrics"}, 0, {"# TYPE vigil_probe_status gauge"}},
  };
  vg_json_t *doc = NULL;
  char err[200];
  int i, rc = -1;
  (void)st;
  {
    char ini[1600];
    uv_fs_t req;
    snprintf(ini, sizeof(ini), "%s/prom", home);
    uv_fs_mkdir(NULL, &req, ini, 0700, NULL);
    uv_fs_req_cleanup(&req);
    snprintf(ini, sizeof(ini),
             "[scratch.space]\npath = .\ninterval = 200ms\nbackup_bytes = "
             "1K\n[mars.install]\nrequired = false\n[vss.storage]\nenabled "
             "= false\n[iscsi.initiator]\nenabled = false\n"
             "[dotnet.version]\nenabled = false\n"
             "[tls.config]\nenabled = false\n"
             "[net.proxy]\nenabled = false\n[net.reach]\nenabled = false\n"
             "[clock.skew]\nenabled = false\n[export]\ntextfile_dir = "
             "%s/prom\n",
             home);
    write_ini(ini);
  }
  uv_loop_init(&loop);
  spawn(&loop, &agent, run_args);
  for (i = 0; i < 100; i++) { /* up to ~10 s for the agent to serve */
    uv_run(&loop, UV_RUN_NOWAIT);
    rc = run(&p, status_json);
    if (rc != 3) break;
    uv_sleep(100);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(vg_json_parse(p.out.buf, p.out.len, &doc, err, sizeof(err)),
                   0);
  assert_string_equal(vg_json_get_str(doc, "overall"), "ok");
  assert_string_equal(
      vg_json_get_str(vg_json_at(vg_json_get(doc, "probes"), 0), "id"),
      "scratch.space");
  vg_json_free(doc);
  run_cases(&p, served, VG_ARRAY_SIZE(served));
  {
    /* Re-check after a fix: the service collects now and the new findings
     * are printed as status does. */
    static const cli_case_t c[] = {
        {{"run", "scratch.space"},
         0,
         {"OK       scratch.space", "Backups: "},
         {"collecting 1 probe now"}},
        {{"run", "no.such"}, 3, {NULL}, {"unknown probe 'no.such'"}},
        {{"events", "--probe", "scratch.space"},
         0,
         {"scratch.space"},
         {NULL},
         "mars.install"},
        {{"history", "--backups"}, 0, {"no scheduled backup judged"}},
    };
    run_cases(&p, c, VG_ARRAY_SIZE(c));
  }
  uv_sleep(500);
  {
    /* vigil.prom for windows_exporter: written after evaluations, UTF-8
     * without BOM, LF only, ending with a newline, no temporary left. */
    char path[1600], *text = NULL;
    int k;
    for (k = 0; k < 50 && text == NULL; k++) {
      snprintf(path, sizeof(path), "%s/prom/vigil.prom", home);
      text = fk_slurp(path, NULL);
      if (text == NULL) uv_sleep(200);
    }
    assert_non_null(text);
    assert_true((unsigned char)text[0] != 0xEF);
    assert_null(strchr(text, '\r'));
    assert_int_equal(text[strlen(text) - 1], '\n');
    assert_non_null(strstr(text, "vigil_probe_status{probe=\"scratch.space\""));
    free(text);
    snprintf(path, sizeof(path), "%s/prom/vigil.prom.tmp", home);
    text = fk_slurp(path, NULL);
    assert_null(text);
  }
  run_cases(&p, recorded, VG_ARRAY_SIZE(recorded));
  /* The support bundle asks the running service too. */
  {
    char out[800], *text;
    const char *bundle[] = {"bundle", out, NULL};
    snprintf(out, sizeof(out), "%s/b2.zip", home);
    assert_int_equal(run(&p, bundle), 0);
    assert_null(strstr(p.out.buf, "note:"));
    text = bundle_entry("b2.zip", "status.json");
    assert_non_null(strstr(text, "\"overall\":\"ok\""));
    free(text);
    text = bundle_entry("b2.zip", "events.json");
    assert_non_null(strstr(text, "\"scratch.space\""));
    free(text);
    text = bundle_entry("b2.zip", "history/scratch.space.json");
    assert_non_null(strstr(text, "Scratch volume"));
    free(text);
    text = bundle_entry("b2.zip", "history/av.exclusions.json");
    assert_non_null(strstr(text, "\"samples\""));
    free(text);
  }
  /* Ctrl-C: the console agent stops cleanly. */
  uv_process_kill(&agent.proc, SIGINT);
  while (!agent.exited)
    uv_run(&loop, UV_RUN_ONCE);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
  assert_non_null(strstr(agent.out.buf, "STATUS"));
  /* The service is gone: the bundle reads its database instead. */
  {
    char out[800], *text;
    const char *bundle[] = {"bundle", out, NULL};
    snprintf(out, sizeof(out), "%s/b3.zip", home);
    assert_int_equal(run(&p, bundle), 0);
    assert_non_null(strstr(p.out.buf, "events and history were read from"));
    text = bundle_entry("b3.zip", "history/scratch.space.json");
    assert_non_null(strstr(text, "\"source\":\"database\""));
    assert_non_null(strstr(text, "Scratch volume"));
    free(text);
    text = bundle_entry("b3.zip", "events.json");
    assert_non_null(strstr(text, "\"new_status\":\"ok\""));
    free(text);
  }
  if (strchr(home, '\\') == NULL) { /* Wine's kill is TerminateProcess */
    assert_int_equal(agent.exit_status, 0);
    assert_non_null(strstr(agent.err.buf, "Vigil stopped"));
  }
}

/* `vigil run PROBE` twice in a row: the second re-check's collection ends
 * within the same second as the first one's, so a CLI comparing
 * checked_at (whole seconds) saw nothing new and waited its 3 minutes; it
 * waits for the probe's "checks" count the run answer names. */
static void recheck_twice_within_a_second(void **st) {
  uv_loop_t loop;
  proc_t agent, p;
  const char *run_args[] = {"run", "--console", NULL};
  const char *status_args[] = {"status", NULL};
  const char *recheck[] = {"run", "scratch.space", NULL};
  int i, rc = -1;
  (void)st;
  write_ini("[scratch.space]\npath = .\ninterval = 1h\nbackup_bytes = 1K\n"
            "[mars.install]\nrequired = false\n[vss.storage]\nenabled = "
            "false\n[iscsi.initiator]\nenabled = false\n[dotnet.version]\n"
            "enabled = false\n[tls.config]\nenabled = false\n[net.proxy]\n"
            "enabled = false\n[net.reach]\nenabled = false\n[clock.skew]\n"
            "enabled = false\n");
  uv_loop_init(&loop);
  spawn(&loop, &agent, run_args);
  for (i = 0; i < 100; i++) { /* up to ~10 s for the agent to serve */
    uv_run(&loop, UV_RUN_NOWAIT);
    rc = run(&p, status_args);
    if (rc != 3) break;
    uv_sleep(100);
  }
  assert_int_equal(rc, 0);
  for (i = 0; i < 3; i++) {
    assert_int_equal(run(&p, recheck), 0);
    assert_non_null(strstr(p.out.buf, "OK       scratch.space"));
    assert_null(strstr(p.err.buf, "did not finish"));
  }
  uv_process_kill(&agent.proc, SIGINT);
  while (!agent.exited)
    uv_run(&loop, UV_RUN_ONCE);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---------------------------------------------------- issue 16 files */

#ifndef _WIN32
static int guard_fired;

static void guard_kill_cb(uv_timer_t *t) {
  proc_t *pr = t->data;
  guard_fired = 1;
  if (!pr->exited) uv_process_kill(&pr->proc, SIGTERM);
  uv_close((uv_handle_t *)t, NULL);
}

/* As run, but the process is killed after max_ms: a hang fails the test
 * instead of stalling it. */
static int run_bounded(proc_t *pr, const char *const *args, uint64_t max_ms) {
  uv_loop_t loop;
  uv_timer_t guard;
  uv_loop_init(&loop);
  guard_fired = 0;
  spawn(&loop, pr, args);
  uv_timer_init(&loop, &guard);
  guard.data = pr;
  uv_timer_start(&guard, guard_kill_cb, max_ms, 0);
  while (!pr->exited)
    uv_run(&loop, UV_RUN_ONCE);
  if (!uv_is_closing((uv_handle_t *)&guard))
    uv_close((uv_handle_t *)&guard, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
  return (int)pr->exit_status;
}
#endif

/* `vigil bundle FILE` replaced whatever FILE was (it replaced /dev/full):
 * an existing path is refused, and left as it was. (`--force` is wired in
 * the command line by the lead.) */
static void bundle_to_an_existing_file_is_refused(void **st) {
  proc_t p;
  char out[800];
  const char *args[] = {"bundle", out, NULL};
  FILE *f;
  char buf[32] = {0};
  (void)st;
  write_ini(quiet_ini);
  snprintf(out, sizeof(out), "%s/exists.zip", home);
  f = fopen(out, "wb");
  assert_non_null(f);
  fputs("keep me", f);
  fclose(f);
  assert_int_equal(run(&p, args), 1);
  assert_non_null(strstr(p.err.buf, "already exists"));
  assert_non_null(strstr(p.err.buf, "--force"));
  f = fopen(out, "rb");
  assert_non_null(f);
  assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
  fclose(f);
  assert_string_equal(buf, "keep me");
}

/* A FIFO as vigil.ini hung `check` (and `run`) waiting for a writer: now
 * it is one warning and all defaults. No FIFOs in Windows' file system. */
static void fifo_as_vigil_ini_does_not_hang_check(void **st) {
#ifdef _WIN32
  (void)st;
#else
  proc_t p;
  char path[700];
  const char *args[] = {"check", "--json", NULL};
  (void)st;
  snprintf(path, sizeof(path), "%s/vigil.ini", home);
  unlink(path);
  assert_int_equal(mkfifo(path, 0600), 0);
  run_bounded(&p, args, 30000);
  unlink(path);
  assert_false(guard_fired); /* it finished on its own */
  assert_true(p.exit_status >= 0 && p.exit_status <= 3);
  assert_non_null(strstr(p.err.buf, "vigil.ini: cannot be read (not a "
                                    "regular file"));
#endif
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(check_exit_codes_follow_status),
      cmocka_unit_test(config_problems_are_reported_not_fatal),
      cmocka_unit_test(bad_usage_gets_one_clear_line),
      cmocka_unit_test(explain_every_probe_and_event),
      cmocka_unit_test(config_explains_itself),
      cmocka_unit_test(nagios_lines_and_exit_codes),
      cmocka_unit_test(status_without_service_says_how_to_start),
      cmocka_unit_test(bundle_without_service_keeps_what_it_can),
      cmocka_unit_test(run_console_and_status_from_another_process),
      cmocka_unit_test(recheck_twice_within_a_second),
      cmocka_unit_test(bundle_to_an_existing_file_is_refused),
      cmocka_unit_test(fifo_as_vigil_ini_does_not_hang_check),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
