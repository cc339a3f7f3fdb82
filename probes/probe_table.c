/* registry.c: the probe table - every probe Vigil runs, in report order. */
#include "probe.h"

extern const vg_probe_t vg_probe_scratch_space;
extern const vg_probe_t vg_probe_mars_install;
extern const vg_probe_t vg_probe_mars_engine;
extern const vg_probe_t vg_probe_scratch_config;
extern const vg_probe_t vg_probe_scratch_attributes;
extern const vg_probe_t vg_probe_scratch_kek;
extern const vg_probe_t vg_probe_vss_storage;
extern const vg_probe_t vg_probe_task_schedule;
extern const vg_probe_t vg_probe_iscsi_initiator;
extern const vg_probe_t vg_probe_temp_files;
extern const vg_probe_t vg_probe_dotnet_version;
extern const vg_probe_t vg_probe_powershell_env;
extern const vg_probe_t vg_probe_tls_config;
extern const vg_probe_t vg_probe_av_exclusions;
extern const vg_probe_t vg_probe_mars_jobs;
extern const vg_probe_t vg_probe_net_proxy;
extern const vg_probe_t vg_probe_net_reach;
extern const vg_probe_t vg_probe_clock_skew;
extern const vg_probe_t vg_probe_mars_mgmtagent;
extern const vg_probe_t vg_probe_mars_registration;
extern const vg_probe_t vg_probe_source_volumes;
extern const vg_probe_t vg_probe_vss_writers;

const vg_probe_t *const vg_probes[] = {
    &vg_probe_scratch_space,      &vg_probe_mars_install,
    &vg_probe_mars_engine,        &vg_probe_scratch_config,
    &vg_probe_scratch_attributes, &vg_probe_scratch_kek,
    &vg_probe_vss_storage,        &vg_probe_task_schedule,
    &vg_probe_iscsi_initiator,    &vg_probe_temp_files,
    &vg_probe_dotnet_version,     &vg_probe_powershell_env,
    &vg_probe_tls_config,         &vg_probe_av_exclusions,
    &vg_probe_net_proxy,          &vg_probe_net_reach,
    &vg_probe_clock_skew,         &vg_probe_mars_jobs,
    &vg_probe_mars_mgmtagent,     &vg_probe_mars_registration,
    &vg_probe_source_volumes,     &vg_probe_vss_writers,
};

const size_t vg_nprobes = sizeof(vg_probes) / sizeof(vg_probes[0]);
