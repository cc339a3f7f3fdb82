#!/usr/bin/env python3
"""Servers for tests/wine/net_probes.sh, on 127.0.0.1 only: an origin whose
Date header is off by the seconds in DIR/skew (read per request), a second
origin with the same clock, a proxy that answers 407 to everything, a proxy
that answers like the origin (a working proxy), and a port nothing listens
on. Writes their ports to DIR/ports.json and exits by itself after LIFETIME
seconds (the script also kills it by pid)."""
import json
import os
import socket
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

work, lifetime = sys.argv[1], float(sys.argv[2])


def skew():
    try:
        with open(os.path.join(work, "skew")) as f:
            return float(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0.0


class Origin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    status = 200
    extra = {}

    def date_time_string(self, timestamp=None):
        return formatdate(time.time() + skew(), usegmt=True)

    def log_message(self, *args):
        pass

    def answer(self):
        with open(os.path.join(work, "requests.log"), "a") as log:
            log.write("%d %s\n" % (self.server.server_address[1], self.requestline))
        self.send_response(self.status)
        for k, v in self.extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    do_GET = do_HEAD = do_CONNECT = answer


class Proxy407(Origin):
    status = 407
    extra = {"Proxy-Authenticate": 'Basic realm="vigil-test"'}


def serve(handler):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


ports = {"origin": serve(Origin), "origin2": serve(Origin),
         "proxy407": serve(Proxy407), "proxyok": serve(Origin),
         "closed": closed_port()}
with open(os.path.join(work, "ports.json.tmp"), "w") as f:
    json.dump(ports, f)
os.replace(os.path.join(work, "ports.json.tmp"), os.path.join(work, "ports.json"))
time.sleep(lifetime)
