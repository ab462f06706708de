"""
A local HTTP server speaking Akismet's REST API, for tests and for trying the
site without the real service.

It answers like Akismet does:

- ``/1.1/verify-key``: "valid" for any non-empty key ("invalid" in invalid mode);
- ``/1.1/comment-check``: "true" when the author is ``akismet-guaranteed-spam``
  (with the ``X-akismet-pro-tip: discard`` header when the text contains
  ``[blatant]``, or always in discard mode), "false" otherwise;
- ``/1.1/submit-spam`` and ``/1.1/submit-ham``: "Thanks for making the web a better
  place."

Modes switch it into failure: ``error`` (HTTP 500), ``slow`` (answers after
``slow_seconds``, beyond the client's timeout), ``invalid`` (the key is rejected:
"invalid"), ``garbage`` (an unexpected body). Every request's form data is kept in
``requests`` for assertions.

Run as a process (``--log FILE``), it also appends each request, as a line of
JSON, to FILE, and ``POST /_control`` with ``mode=…`` (and ``slow_seconds=…``)
switches its mode: the Akismet faults benchmark drives it so.

Run it by hand (the site then checks comments against it)::

    .venv/bin/python -m tests.akismet_server --port 8765
    AKISMET_API_KEY=local-key AKISMET_API_URL=http://127.0.0.1:8765 make run
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SPAM_AUTHOR = "akismet-guaranteed-spam"
BLATANT_MARK = "[blatant]"
THANKS = "Thanks for making the web a better place."
MODES = ("ok", "discard", "error", "slow", "invalid", "garbage")


class AkismetServer:
    """An Akismet-compatible server on 127.0.0.1, in a background thread."""

    def __init__(self, port=0, *, delay=0.0, quiet=True, log=None):
        self.mode = "ok"
        self.log = log  # an open file: one JSON line per request
        self.delay = delay  # added to every answer (e.g. 0.3 for load tests)
        self.slow_seconds = 3.0
        self.requests = []
        self.quiet = quiet
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.httpd.daemon_threads = True
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self):
        self.mode = "ok"
        self.delay = 0.0
        with self._lock:
            self.requests.clear()

    def calls(self, endpoint):
        """The form data of every request made to an endpoint, in order."""
        with self._lock:
            return [data for path, data in self.requests if path.endswith(endpoint)]

    def answer(self, path, data):
        """Return (status, body, headers) for a request."""
        mode = self.mode
        with self._lock:
            self.requests.append((path, data))
            if self.log:
                line = {"path": path, "mode": mode, "time": time.time()}
                line["comment_content"] = data.get("comment_content", "")
                self.log.write(json.dumps(line) + "\n")
                self.log.flush()
        if self.delay:
            time.sleep(self.delay)
        if mode == "slow":
            time.sleep(self.slow_seconds)
        if mode == "error":
            return 500, "Internal Server Error", {}
        if mode == "garbage":
            return 200, "<html>Service temporarily unavailable</html>", {}
        if path == "/1.1/verify-key":
            valid = mode != "invalid" and data.get("key")
            return 200, "valid" if valid else "invalid", {}
        if mode == "invalid" or not data.get("api_key"):
            return 200, "invalid", {"X-akismet-debug-help": "Empty or invalid API key"}
        if path == "/1.1/comment-check":
            if data.get("user_role") == "administrator":
                return 200, "false", {}
            if data.get("comment_author") == SPAM_AUTHOR:
                blatant = mode == "discard" or BLATANT_MARK in data.get(
                    "comment_content", ""
                )
                headers = {"X-akismet-pro-tip": "discard"} if blatant else {}
                return 200, "true", headers
            return 200, "false", {}
        if path in ("/1.1/submit-spam", "/1.1/submit-ham"):
            return 200, THANKS, {}
        return 404, "Not found", {}

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                data = {k: v[-1] for k, v in parse_qs(raw).items()}
                if self.path == "/_control" and server.log:
                    server.mode = data.get("mode", server.mode)
                    if "slow_seconds" in data:
                        server.slow_seconds = float(data["slow_seconds"])
                    self._reply(200, server.mode, {})
                    return
                data["_user_agent"] = self.headers.get("User-Agent", "")
                self._reply(*server.answer(self.path, data))

            def do_GET(self):
                self._reply(404, "Not found", {})

            def _reply(self, status, body, headers):
                payload = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

            def log_message(self, format, *args):
                if not server.quiet:
                    super().log_message(format, *args)

        return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Serve an Akismet-compatible API on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds to wait before answering"
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="append each request to FILE as JSON, and accept POST /_control",
    )
    args = parser.parse_args(argv)
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    try:
        server = AkismetServer(args.port, delay=args.delay, quiet=bool(log), log=log)
    except OSError as exc:
        parser.exit(
            1,
            f"Cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); "
            "choose another port with --port.\n",
        )
    server.mode = args.mode
    print(f"Akismet-compatible server on {server.url} (mode {args.mode})")
    print(f"Use it: AKISMET_API_KEY=local-key AKISMET_API_URL={server.url} make run")
    print(f"Comments by “{SPAM_AUTHOR}” are spam. Ctrl-C stops the server.")
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
