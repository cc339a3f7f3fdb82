/* client.h: the CLI's side of the query pipe. */
#ifndef VG_CLIENT_H
#define VG_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define VG_CLIENT_TIMEOUT_MS 15000
#define VG_RESPONSE_MAX (64 * 1024 * 1024)

/* Sends one request line to the service at pipe and returns its one-line
 * response (malloc'd, NUL-terminated, without the newline). Returns 0,
 * VG_ECONN (nobody listening) or VG_ETIMEDOUT/VG_EIO/VG_ETOOBIG with err
 * set to one line. Runs its own short-lived loop; any thread. */
int vg_client_request(const char *pipe, const char *request, char **response,
                      char *err, size_t errsz);

#endif /* VG_CLIENT_H */
