/* task_xml.h: a scheduled task's triggers and settings from its XML
 * definition (the file the Task Scheduler keeps under
 * %SystemRoot%\System32\Tasks), for where its COM API cannot enumerate
 * triggers (Wine answers E_NOTIMPL). Pure, bounded; any thread. */
#ifndef VG_TASK_XML_H
#define VG_TASK_XML_H

#include "os.h"

#include <stddef.h>

#define VG_TASK_XML_MAX (256 * 1024) /* larger definitions are refused */

typedef struct vg_task_xml_s {
  vg_task_trigger_t triggers[VG_TASK_TRIGGERS_MAX];
  size_t ntriggers; /* read, at most VG_TASK_TRIGGERS_MAX */
  size_t total;     /* trigger elements in the definition */
  int enabled;      /* Settings/Enabled: 1, 0, or -1 when absent (true) */
  /* Settings/MultipleInstancesPolicy as TASK_INSTANCES_* (0 Parallel, 1
   * Queue, 2 IgnoreNew, 3 StopExisting); -1 when absent (IgnoreNew) */
  int multiple_instances;
} vg_task_xml_t;

/* Reads the definition in data (UTF-16 or UTF-8, len bytes). Returns 0;
 * VG_ETOOBIG above VG_TASK_XML_MAX; VG_EPARSE when it holds no <Task>
 * element; VG_ENOMEM. Trigger fields follow vg_task_trigger_t: daily
 * DaysInterval and weekly WeeksInterval default to 1 as the schema says,
 * an absent <Enabled> is true. */
int vg_task_xml_parse(const char *data, size_t len, vg_task_xml_t *out);

/* Reads the definition file of task task_path ("\A\B\name") from
 * %SystemRoot%\System32\Tasks through os and parses it; file gets the
 * file's path. Returns 0, the read error (VG_ENOENT: no such file,
 * VG_EACCES), VG_ETOOBIG or VG_EPARSE. Worker thread (it reads a file). */
int vg_task_xml_read(const vg_os_t *os, const char *task_path,
                     vg_task_xml_t *out, char *file, size_t filesz);

#endif /* VG_TASK_XML_H */
