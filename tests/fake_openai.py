"""A tiny local HTTP server speaking enough of the OpenAI chat-completions API for tests."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Reply = str | Callable[[list[dict[str, Any]]], str]


def _error(status: int, message: str) -> dict[str, Any]:
    """Build an OpenAI-style error body for an HTTP status."""
    etype = "server_error" if status >= 500 else "invalid_request_error"
    error = {"message": message, "type": etype, "param": None, "code": f"http_{status}"}
    return {"error": error}


def _count_words(value: Any) -> int:
    """Roughly count the words in a message content (string or list of parts)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, list):
        return sum(_count_words(p.get("text", "") if isinstance(p, dict) else p) for p in value)
    return 0


def _pieces(text: str) -> list[str]:
    """Split text into small word-sized pieces whose concatenation is the text."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


class _Handler(BaseHTTPRequestHandler):
    """Request handler; the owning FakeOpenAIServer is reachable as self.server.owner."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging to stderr."""

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        """Send a complete JSON response with a Content-Length."""
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _write_chunk(self, data: bytes) -> None:
        """Write one HTTP/1.1 chunk (chunked transfer encoding) and flush it."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _sse(self, payload: Any) -> None:
        """Send one server-sent event `data: ...` line as its own chunk."""
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._write_chunk(f"data: {text}\n\n".encode())

    def do_GET(self) -> None:
        """Serve GET /v1/models."""
        if self.path.rstrip("/") != "/v1/models":
            return self._send_json(404, _error(404, f"No route {self.path}"))
        models = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.server.owner.models()]
        self._send_json(200, {"object": "list", "data": models})

    def _embeddings(self, body: dict[str, Any]) -> None:
        """Serve POST /v1/embeddings with deterministic bag-of-words vectors (64 dimensions)."""
        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else list(inputs)
        data = []
        for i, text in enumerate(texts):
            vector = [0.0] * 64
            for word in str(text).lower().split():
                vector[sum(word.encode()) % 64] += 1.0
            norm = sum(v * v for v in vector) ** 0.5 or 1.0
            data.append({"object": "embedding", "index": i, "embedding": [v / norm for v in vector]})
        self.server.owner.embedding_requests += 1
        usage = {"prompt_tokens": len(texts), "total_tokens": len(texts)}
        self._send_json(200, {"object": "list", "data": data, "model": body.get("model", "fake-embed"), "usage": usage})

    def do_POST(self) -> None:
        """Serve POST /v1/chat/completions (streaming or not)."""
        owner = self.server.owner
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.rstrip("/") == "/v1/embeddings":
            return self._embeddings(body)
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._send_json(404, _error(404, f"No route {self.path}"))
        with owner.lock:
            owner.requests.append(body)
        if owner.delay:
            time.sleep(owner.delay)
        if (status := owner.fail_with) is not None:
            return self._send_json(status, _error(status, f"Fake failure {status}"))
        messages: list[dict[str, Any]] = body.get("messages", [])
        text = owner.reply if isinstance(owner.reply, str) else owner.reply(messages)
        prompt_tokens = sum(_count_words(m.get("content")) for m in messages)
        completion_tokens = len(text.split())
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time())}
        base["model"] = body.get("model", owner.model)
        if not body.get("stream"):
            message = {"role": "assistant", "content": text, "refusal": None}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            result = {**base, "object": "chat.completion", "choices": [choice]}
            return self._send_json(200, {**result, "usage": usage})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = {**base, "object": "chat.completion.chunk"}

        deltas = [{"role": "assistant", "content": ""}]
        deltas += [{"content": piece} for piece in _pieces(text)] + [{}]
        for sent, delta in enumerate(deltas):
            if owner.cut_stream_after is not None and sent > owner.cut_stream_after:
                self.close_connection = True  # the connection drops mid-answer, as a crashed server's would
                return
            finish = None if delta else "stop"
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            self._sse({**chunk, "choices": [choice]})
        if (body.get("stream_options") or {}).get("include_usage"):
            self._sse({**chunk, "choices": [], "usage": usage})
        self._sse("[DONE]")
        self._write_chunk(b"")  # zero-length chunk ends the chunked body


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its owning FakeOpenAIServer."""

    daemon_threads = True
    owner: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a keep-alive connection closed when its HTTP client is collected) is normal:
        say nothing, as a real server would; any other error is printed as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeOpenAIServer:
    """Local OpenAI-compatible chat-completions server, used as a context manager."""

    def __init__(
        self,
        reply: Reply = "Hello from the fake model.",
        *,
        fail_with: int | None = None,
        delay: float = 0.0,
        cut_stream_after: int | None = None,
        model: str = "fake-model",
    ) -> None:
        """Configure the reply (string or messages -> str callable), failure status and delay."""
        self.reply = reply
        self.fail_with = fail_with
        self.delay = delay
        self.cut_stream_after = cut_stream_after  # streamed answers stop after this many pieces, unfinished
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.embedding_requests = 0
        self.base_url = ""  # set by start(), e.g. http://127.0.0.1:PORT/v1
        self.lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def models(self) -> list[str]:
        """Model names to list: the default model plus any requested so far."""
        with self.lock:
            seen = [r["model"] for r in self.requests if isinstance(r.get("model"), str)]
        return list(dict.fromkeys([self.model, *seen]))

    def start(self) -> Self:
        """Bind to a free port on 127.0.0.1 and serve in a background thread."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        serve = self._httpd.serve_forever
        self._thread = threading.Thread(target=serve, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down, close its socket and join the serving thread."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        """Start the server."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()
