/* config_cmd.h: `vigil config` - the settings in effect and the problems
 * of vigil.ini, for people (text) and scripts (--json). */
#ifndef VG_CONFIG_CMD_H
#define VG_CONFIG_CMD_H

#include "config.h"

#include <stdio.h>

/* Prints every setting of cfg with its source ("vigil.ini" or "default")
 * and cfg's problems; found says whether the file exists. Returns 0 when
 * there is no problem, 1 otherwise (the command's exit code). */
int vg_config_print(FILE *out, const vg_config_t *cfg, int found, int json);

#endif /* VG_CONFIG_CMD_H */
