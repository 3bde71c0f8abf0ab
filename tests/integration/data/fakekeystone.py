#!/usr/bin/env python3
"""A fake Keystone for fault injection only: the faults the real lab cannot
produce on demand. Serves just enough of /v3/auth/tokens for the benchmark:
POST issues a token, GET validates it.

Usage: fakekeystone.py PORTFILE MODE [SECONDS]
  MODE ok       answer everything at once
       die      answer for SECONDS seconds, then exit (the endpoint dies mid-run)
       garbage  POST /v3/auth/tokens answers 201 with a body that is not JSON and no token
       hang     GET /v3/auth/tokens accepts the connection and never answers
       stall    every 10 s, stall every request for 1 s (bench/validate)
Writes the port it listens on (127.0.0.1, chosen by the OS) to PORTFILE.
"""
import http.server
import json
import os
import socketserver
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

PORTFILE, MODE = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 0
START = time.monotonic()
COUNTER = [0]
LOCK = threading.Lock()


def token_doc():
    exp = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%S.000000Z')
    return {'token': {'expires_at': exp, 'issued_at': exp, 'audit_ids': ['fakeauditid'],
                      'methods': ['password'], 'user': {'id': 'u1', 'name': 'fake'},
                      'project': {'id': 'p1', 'name': 'fake'}}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def reply(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def maybe_stall(self):
        if MODE == 'stall':
            # 1 s of every 10 s: a request arriving in it waits for its end.
            phase = (time.monotonic() - START) % 10.0
            if phase < 1.0:
                time.sleep(1.0 - phase)

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        self.rfile.read(n)
        if MODE == 'garbage':
            self.reply(201, b'<html>this is not json')
            return
        with LOCK:
            COUNTER[0] += 1
            tok = 'fake-token-%d' % COUNTER[0]
        self.reply(201, json.dumps(token_doc()).encode(), [('X-Subject-Token', tok)])

    def do_GET(self):
        if MODE == 'hang' and self.path.startswith('/v3/auth/tokens'):
            time.sleep(3600)
            return
        self.maybe_stall()
        if self.path.startswith('/v3/auth/tokens'):
            self.reply(200, json.dumps(token_doc()).encode())
        elif self.path.startswith('/v3/OS-REVOKE/events'):
            self.reply(200, b'{"events": [], "links": {"next": null}}')
        else:
            self.reply(200, b'{}')


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256


srv = Server(('127.0.0.1', 0), Handler)
with open(PORTFILE + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.replace(PORTFILE + '.tmp', PORTFILE)
if MODE == 'die':
    threading.Timer(SECONDS, lambda: os._exit(0)).start()
srv.serve_forever()
