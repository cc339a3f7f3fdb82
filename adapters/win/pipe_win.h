/* pipe_win.h: how the query pipe is created (pipe_win.c); tests read the
 * same constants back from a live pipe. */
#ifndef VG_PIPE_WIN_H
#define VG_PIPE_WIN_H

#include "vg_win.h"

/* SYSTEM and Administrators full control, whatever their logon type (an
 * elevated admin over PowerShell remoting or OpenSSH has a network logon);
 * interactive users (console and RDP) read, write and synchronize - enough
 * to send a request and read the answer, but not FILE_CREATE_PIPE_INSTANCE
 * (0x4), so nobody else can add an instance and answer in Vigil's name;
 * anonymous denied. Other network logons match no entry and are refused;
 * remote clients are also refused by the pipe mode. */
#define VG_PIPE_SDDL                                                           \
  L"D:P(D;;FA;;;AN)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;IU)"
/* Members of this local group, when it exists, may query (not `run`)
 * whatever their logon type: the pipe gets one more entry for it. */
#define VG_PIPE_READERS_GROUP L"Vigil Readers"
#define VG_PIPE_READER_RIGHTS L"0x12019b"
#define VG_PIPE_OPEN_MODE (PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED)
#define VG_PIPE_MODE                                                           \
  (PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS)
#define VG_PIPE_INSTANCES 4 /* instances waiting for a client at once */
#define VG_PIPE_QUEUE 256   /* connected, not yet taken by the loop */
#define VG_PIPE_BUFSIZE 65536

#endif /* VG_PIPE_WIN_H */
