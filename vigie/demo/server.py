"""A small static web server on 127.0.0.1 for the demo sample and tests: it answers conditional requests
(ETag / Last-Modified -> 304) like a well-behaved publisher, so the incremental path is exercised too."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"


class StaticHandler(SimpleHTTPRequestHandler):
    """Static files with a strong ETag; counts body bytes sent so benchmarks can show what a rerun costs."""

    bytes_sent = 0
    requests = 0

    def send_head(self):  # type: ignore[no-untyped-def]
        type(self).requests += 1
        path = Path(self.translate_path(self.path))
        if path.is_file():
            stat = path.stat()
            etag = '"' + hashlib.sha1(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            self._etag = etag
        return super().send_head()

    def end_headers(self) -> None:
        etag = getattr(self, "_etag", None)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")  # always revalidate: the demo shows 304s
            self._etag = None
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        data = source.read()
        type(self).bytes_sent += len(data)
        outputfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if os.environ.get("VIGIE_DEMO_LOG"):
            super().log_message(format, *args)


class DemoHTTPServer(ThreadingHTTPServer):
    # The stdlib's listen backlog of 5 drops connections when every source opens several at once; the
    # client then waits for a TCP retransmit (1 s), which a real publisher's server would not impose.
    request_queue_size = 128
    daemon_threads = True


# The port the demo tries first. Ids and links do not depend on it: each served document is given its real
# public address before it is parsed (vigie/demo/public_urls.py).
DEMO_PORT = int(os.environ.get("VIGIE_DEMO_PORT", "8647"))

# The day `vigie run --demo` behaves as on, unless --as-of says otherwise. The sample's notices are real, so
# old, and spread over 2018-2024: no day has them all open. On this one the creative-sector calls of 2021 are
# (ARTE's social-media formats closing in 4 days, OTW's communication agency in 20), with the TED notices
# published before it; notices published after it are left out, as a run on that day would not know them.
DEMO_AS_OF = "2021-08-20"

# The demo server stands in for the UiTdatabank API, which wants a client id; the real one is never needed.
_DEMO_ENV = {"VIGIE_UITDATABANK_CLIENT_ID": "vigie-demo"}


@contextmanager
def demo_environment() -> Iterator[None]:
    """Placeholders the demo's stand-in servers accept, for the duration of the block; values already set win."""
    added = {k: v for k, v in _DEMO_ENV.items() if not os.environ.get(k)}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


@contextmanager
def serve(directory: Path = SITE, port: int | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 for the duration of the block; yields the base URL. Without a port, the
    fixed demo port is tried first, then any free port."""
    handler = type("Handler", (StaticHandler,), {"bytes_sent": 0, "requests": 0})
    bind = partial(DemoHTTPServer, RequestHandlerClass=partial(handler, directory=str(directory)))
    if port is None:
        try:
            server = bind(("127.0.0.1", DEMO_PORT))
        except OSError:
            server = bind(("127.0.0.1", 0))
    else:
        server = bind(("127.0.0.1", port))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="vigie-demo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
