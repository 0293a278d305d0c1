#!/usr/bin/env python3
"""Databend HTTP query protocol bridge over the embedded Databend engine.

This is a *bridge*, not a stand-in: every statement received on ``/v1/query``
is executed by the real Databend engine shipped in the PyPI package
``databend`` (its ``SessionContext`` runs Databend's own parser, binder,
embedded meta store and interpreters).  The bridge only translates between
Databend's HTTP query protocol (what ``databend-driver`` / bendsql speak) and
the Python binding.  No SQL behaviour is emulated here: result sets, error
codes and error messages all come from the engine.

Usage (this is how ``scripts/stack`` starts it)::

    python scripts/stack/databend_bridge.py --host 127.0.0.1 --port PORT \\
        --data-dir DIR [--log FILE]

* prints exactly one line ``READY <port>`` on stdout once it serves
  (``--port 0`` picks a free port), then serves until SIGTERM/SIGINT and
  exits with status 0;
* ``DIR`` receives the engine's data (``DIR/data``), embedded meta store
  (``DIR/meta``) and engine logs (``DIR/logs``);
* ``--log FILE`` gets one line per statement and one per error, with secrets
  masked (see `mask_sql`).

Requirements: Python >= 3.10, the PyPI package ``databend`` (1.2.895, 1.2.810,
1.2.747 and 1.2.453 tested; see `open_context` for the binding generations),
nothing else (stdlib ``http.server`` + ``json``).  pyarrow is *not* needed (see
"How results are read" below).

Offline start / telemetry
-------------------------
``databend.SessionContext`` initialises the engine (``init_embedded``) and then
sends a mandatory telemetry report (``report_python_binding_telemetry``: an
HTTPS POST to ``https://telemetry.databend.com/v1/report`` through reqwest,
bounded by a 2 s connect / 3 s total timeout, result ignored).  Offline this
costs at most 3 s and never fails the start, but to make it instant and to keep
the engine from ever reaching the internet the bridge sets, *before* importing
``databend``:

* ``HTTPS_PROXY`` / ``https_proxy`` = ``http://127.0.0.1:<closed port>``
  (a port the bridge bound and closed, so connects are refused at once); the
  telemetry request and any other HTTPS request made by the engine fail
  immediately.  Pass ``--allow-internet`` to keep the caller's proxy settings.
* ``NO_PROXY`` / ``no_proxy`` += ``127.0.0.1,localhost,::1`` so loopback
  endpoints (e.g. a moto S3 server at ``http://127.0.0.1:PORT``) are always
  reached directly, even if the environment defines ``HTTP_PROXY``.

Measured: engine start ~0.12 s; ``READY`` ~0.4 s after process start.

How results are read
--------------------
The bridge reads the engine's own text rendering of the collected blocks
(``str(DataBlocks)``, Databend's ``box_render``) with unlimited rows/width, and
reads the cells back:

* every cell is on one line; strings and other quoted scalars (Timestamp,
  Date, Variant, Interval, ...) are rendered by Databend as ``'...'`` with
  backslash escapes (``\\\\``, ``\\'``, ``\\n``, ``\\r``, ``\\t``, ``\\xNN``),
  which the bridge decodes (engines of the 1.2.453 generation print inner
  quotes unescaped; the outer quotes are then removed); ``NULL`` becomes JSON
  null; Boolean ``true`` / ``false`` becomes ``"1"`` / ``"0"`` as on the real
  HTTP handler; numbers, decimals and nested values (Array/Map/Tuple) are
  passed through as the engine printed them (nested values therefore look like
  ``[1, 2]`` rather than the HTTP handler's ``[1,2]``);
* column names and types come from the plan schema (Rust ``Debug`` text of
  ``DataSchema``), converted to the type names of the HTTP API
  (``Nullable(String)``, ``UInt64``, ``Decimal(10, 2)``, ``Array(Int32)`` ...).

Why not Arrow: ``DataFrame.to_py_arrow()`` needs pyarrow and *executes the
statement again* (``to_py_arrow`` after ``collect`` on a ``CREATE STAGE`` fails
with 2502), so it would have to replace ``collect``; its Variant columns come
as Databend's binary JSONB (not JSON text) and timestamps as Python datetimes,
both of which would need re-encoding to match the HTTP handler.  And it saves
little: with 200 stages a ``DESC STAGE`` took 111 ms through Arrow against
137 ms through the text rendering, because the time is spent in the engine:
its ``system.stages`` (behind ``DESC STAGE`` and ``SHOW STAGES``) costs about
0.5 ms per existing stage whatever is projected or filtered
(``SELECT count(*) FROM system.stages`` costs the same), while reading the
rendered text costs well under a millisecond.

Read cache.  So that a ``DESC`` or ``SHOW`` costs what it costs on a real
server (about a millisecond), reads of stages and connections are served from
a cache of the engine's own results (see `Engine.execute`): one snapshot of
``SELECT * FROM system.stages`` answers every ``DESC STAGE <name>`` (used only
when both have the same columns, checked at run time; a stage missing from the
snapshot is asked of the engine), and ``SHOW STAGES`` / ``SHOW CONNECTIONS`` /
``DESC CONNECTION`` results are kept by statement text.  Every statement that is
not a read (``DESC``, ``SHOW``, ``LIST``, ``SELECT``, ``EXPLAIN``, ``USE``)
clears the cache, failed ones included, and entries are keyed by the session's
role and settings.  Measured with ``scripts/stack/bench_bridge.py`` (400 stages,
400 connections, 1.2.895): ``DESC STAGE`` 240 ms -> 1.1 ms, ``SHOW STAGES``
247 ms -> ~3 ms, ``DESC CONNECTION`` 2.7 ms -> 0.5 ms, ``SHOW CONNECTIONS``
8.6 ms -> 1.0 ms; the first ``DESC STAGE`` after a write still costs the
engine's full scan (~230 ms at 400 stages).

Limitation: ``box_render`` in the binding renders only the first 10 data
blocks of a result.  A block holds up to ``max_block_size`` (65536) rows, but
every source part yields at least one block, so e.g. ``SELECT`` from a table
filled by more than 10 INSERTs or a ``UNION ALL`` of more than 10 branches
exceeds it even with few rows (seen in tests).  The
bridge compares the rendered row count with ``num_rows()`` and, rather than
silently truncating, fails such a query with code 1001
(``bridge: the engine rendered X of Y result rows ...``).  DDL, ``SHOW``/``DESC``
of connections and stages, ``LIST @stage`` and ``SELECT`` over a stage (tested
with 15 files) and ``numbers(N)`` up to 655360 rows were unaffected.

Wide values
-----------
``box_render`` (comfy-table, whose column widths are ``u16``) wraps a cell wider than 65,535
columns onto several lines and drops the whitespace at each wrap, so such a result cannot be read
back exactly; rendering it also costs seconds per row.  A real server has no such limit (a 64 KiB
stage comment lists fine).  So the reads of ``system.stages`` the bridge knows first ask the engine
for the longest value of each column (``max(length(CAST(col AS String)))``, kept until the next
write): ``SHOW STAGES`` (which the engine plans as ``SELECT * FROM system.stages ORDER BY name``)
and ``DESC STAGE``.  When a value is longer than `WIDE_CHUNK_CHARS` (16,000 characters, at most 4
columns each once escaped, so a chunk never wraps), the String and Variant columns concerned are
selected as ``substr(CAST(col AS String), k, 16000)`` chunks and joined: for ``SHOW STAGES`` with
``ORDER BY name``, and the row count must equal the engine's own result of the statement; for
``DESC STAGE x`` with ``WHERE name = 'x'`` instead of the snapshot (which would render every wide
value).  Any other result that wraps is refused with code 1001 (``bridge: the engine's text
rendering wrapped a value wider than 65535 columns ...``), never altered.  The width query (one
more scan of ``system.stages``, ~0.5 ms per stage) runs only once a statement longer than
`WIDE_STATEMENT_CHARS` (2,500 characters) has run: a shorter one cannot store a value that wraps
(a character of a literal becomes at most 6 of JSON text, each rendered at most 4 columns wide),
so ordinary use pays nothing.  Measured: see docs/reliability.md ("The test bridge").

Pages hold at most ``max_rows_per_page`` rows (default 10,000) and 10 MB of values (at least one
row), like the real handler's pages, so a 64 MB ``SHOW STAGES`` comes in 7 pages.

Errors
------
The binding raises ``RuntimeError`` whose text is Databend's ``ErrorCode``
Display, optionally prefixed and followed by a native backtrace::

    Error: StorageOther. Code: 4000, Text = invalid input parameter (...).
    DataFrame collect error: ConnectionAlreadyExists. Code: 2512, Text = UserDefinedConnection 'c1' already exists: Exist when add.\\n\\n   0: <unknown>@e0ac329\\n ...

(``Error:`` when planning fails, ``DataFrame collect error:`` when execution
fails).  `parse_engine_error` extracts ``code`` and ``Text``, removes backtrace
blocks (also those embedded in wrapped inner errors) and the single ``.`` that
Display appends, which yields exactly ``ErrorCode::message()`` as the real
server sends it.  Anything unparseable becomes code 1001 (Internal).  Errors
are returned like the real server: HTTP 200, ``state: "Failed"``.

Sessions
--------
As on the real server, a client's session state travels with its requests
(``session.database``, ``.role``, ``.settings``) and comes back in every
response (``session`` with ``catalog``, ``database``, ``role``, ``settings``,
``txn_state``, ``internal`` ...; and the result format ``settings``:
``timezone``, ``geometry_output_format``, ``binary_output_format``,
``http_json_result_mode``).  The engine has one session; before each statement
the bridge makes it match the request's (``USE``, ``default`` when the request
names none; ``SET ROLE``; ``SET``/``UNSET SESSION`` for settings that differ)
and after a ``USE``, ``SET``/``UNSET`` or ``SET ROLE`` reads the new state back
from the engine.  So client A's ``USE``/``SET`` is invisible to client B.  All
engine calls are serialised by one lock; the sync calls are bookkeeping and are
not counted in ``/_bridge/statements``.  ``/v1/session/login`` checks the
requested database, role and settings (HTTP 400 with the engine's error, e.g.
1003 for an unknown database) and reports the engine's version as
``1.2.895-nightly`` (the driver parses it as semver).  Write counts: when a
statement returns the engine's ``number of rows inserted|updated|deleted``
column the value is also reported as ``stats.write_progress.rows`` (what
``Connection.exec`` returns); other progress counters are not exposed by the
binding (scan/write 0, result = rows/bytes of the text result).

State does not survive a restart
--------------------------------
In databend 1.2.895 the embedded meta store is created afresh on every start
(new ``DIR/meta/MetaStoreProvider-created-<n>`` directories each time), so
connections, stages, databases and tables from an earlier run are gone after a
restart even with the same ``--data-dir`` (table files in ``DIR/data`` are
orphaned).  Treat ``DIR`` as scratch space; use a fresh one per stack.

S3 through a local moto server
------------------------------
Works: ``CREATE CONNECTION c STORAGE_TYPE='s3' ACCESS_KEY_ID='..'
SECRET_ACCESS_KEY='..' ENDPOINT_URL='http://127.0.0.1:<moto>' REGION='us-east-1'``,
``CREATE STAGE s URL='s3://bucket/path/' CONNECTION=(CONNECTION_NAME='c')``,
``LIST @s``, ``SELECT * FROM @s/f.parquet``, ``COPY INTO @s/...``.  Always give
REGION (otherwise the engine probes the endpoint to detect it).

Test-support endpoints (loopback clients only)
----------------------------------------------
``GET /_bridge/statements`` -> ``{"count": N, "statements": [...]}`` (masked SQL
of every ``/v1/query`` request since start or last reset);
``POST /_bridge/statements/reset`` -> ``{"count": 0}``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import functools
import http.server
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

BRIDGE_NODE_ID = "embedded_node"  # node id the embedded engine uses for itself
DEFAULT_MAX_ROWS_PER_PAGE = 10000
# A page holds at most this many bytes of values, and at least one row, like the real handler's
# pages (10 MB in the 1.2.8xx servers, "support returning rows larger than 10MB").
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_STORED_QUERIES = 512
QUERY_TTL_SECS = 600
RESULT_TIMEOUT_SECS = 60
AUTH_USER = "root"
AUTH_PASSWORD = ""

INTERNAL_ERROR_CODE = 1001  # Databend ErrorCode::Internal
AUTH_ERROR_CODE = 5100  # Databend ErrorCode::AuthenticateFailure

# Keys whose single-quoted value is masked in /_bridge/statements and the log.
SECRET_KEYS = frozenset(
    k.lower()
    for k in (
        "ACCESS_KEY_ID",
        "ACCESS_KEY_SECRET",
        "SECRET_ACCESS_KEY",
        "AWS_KEY_ID",
        "AWS_SECRET_KEY",
        "SESSION_TOKEN",
        "SECURITY_TOKEN",
        "AWS_TOKEN",
        "MASTER_KEY",
        "ACCOUNT_KEY",
        "CREDENTIAL",
        "SECRET_ID",
        "SECRET_KEY",
        "EXTERNAL_ID",
        "AWS_EXTERNAL_ID",
        "DELEGATION",
        "TOKEN",
        "PASSWORD",
    )
)
MASK = "'***'"

# Columns through which Databend interpreters report affected rows.
AFFECTED_ROWS_COLUMNS = frozenset(
    ("number of rows inserted", "number of rows updated", "number of rows deleted")
)


# --------------------------------------------------------------------------------------
# Secret masking
# --------------------------------------------------------------------------------------


def _scan_quoted(text: str, i: int, quote: str) -> int:
    """Return the index just past the literal that starts with ``quote`` at ``i``.

    Handles doubled quotes (``''``) and backslash escapes.  An unterminated
    literal extends to the end of ``text``.
    """
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            if j + 1 < n and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


def mask_sql(sql: str) -> str:
    """Mask secret values in SQL text.

    Every single-quoted literal that directly follows ``<KEY> =`` (optional
    whitespace/comments around ``=``, key matched case-insensitively, see
    `SECRET_KEYS`) is replaced by ``'***'``; so is the password literal of
    ``IDENTIFIED [WITH <auth>] BY '...'``.  The scanner skips string literals,
    quoted identifiers and comments, so a key name inside some other literal
    is not taken for a key, and ``''`` / backslash escapes inside literals are
    understood.
    """
    out: list[str] = []
    n = len(sql)
    i = 0
    last = 0
    # Tokens seen so far (lower-cased words, "=" or "'"), used to decide
    # whether a literal is a secret value.
    recent: list[str] = []

    def skip_ws_comments(k: int) -> int:
        while k < n:
            if sql[k].isspace():
                k += 1
            elif sql.startswith("--", k):
                e = sql.find("\n", k)
                k = n if e < 0 else e + 1
            elif sql.startswith("/*", k):
                e = sql.find("*/", k + 2)
                k = n if e < 0 else e + 2
            else:
                break
        return k

    while i < n:
        i = skip_ws_comments(i)
        if i >= n:
            break
        c = sql[i]
        if c == "'":
            end = _scan_quoted(sql, i, "'")
            secret = (len(recent) >= 2 and recent[-1] == "=" and recent[-2] in SECRET_KEYS) or (
                "identified" in recent[-4:] and recent[-1] == "by"
            )
            if secret:
                out.append(sql[last:i])
                out.append(MASK)
                last = end
            recent.append("'")
            i = end
        elif c in "\"`":
            end = _scan_quoted(sql, i, c)
            recent.append(sql[i + 1 : end - 1].lower())
            i = end
        elif c.isalnum() or c == "_" or c == "$":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            recent.append(sql[i:j].lower())
            i = j
        else:
            recent.append(c)
            i += 1
        if len(recent) > 16:
            del recent[:-8]
    out.append(sql[last:])
    return "".join(out)


_SECRET_TEXT_RE = re.compile(
    r"(?<![A-Za-z0-9_$])(?P<key>" + "|".join(sorted(SECRET_KEYS, key=len, reverse=True)) + r")"
    r"(?P<eq>[\"`]?\s*=\s*)'(?:[^'\\]|\\.|'')*'?",
    re.IGNORECASE,
)
_IDENTIFIED_TEXT_RE = re.compile(
    r"(?P<key>identified\s+(?:with\s+[A-Za-z0-9_]+\s+)?by\s*)'(?:[^'\\]|\\.|'')*'?", re.IGNORECASE
)


def mask_text(text: str) -> str:
    """Mask secrets in free text (log lines, error messages).

    Structure-aware `mask_sql` first, then a context-free regex pass that masks
    any ``KEY = '...'`` / ``IDENTIFIED BY '...'`` occurrence, so that stray
    apostrophes in error messages cannot hide a secret from the log.
    """
    text = mask_sql(text)
    text = _SECRET_TEXT_RE.sub(lambda m: m.group("key") + m.group("eq") + MASK, text)
    return _IDENTIFIED_TEXT_RE.sub(lambda m: m.group("key") + MASK, text)


# --------------------------------------------------------------------------------------
# Engine error parsing
# --------------------------------------------------------------------------------------

_ERROR_RE = re.compile(
    r"^(?:[^\n]*?: )??(?P<name>[A-Z][A-Za-z0-9_]*)\. Code: (?P<code>\d+), Text = (?P<text>.*)$",
    re.DOTALL,
)
# A native backtrace block: "\n\n   0: sym@addr\n             at file:line\n      inlined_sym\n ... \n\n"
# (every line after the first numbered frame is indented: frames, `at` lines, inlined symbols).
_BACKTRACE_RE = re.compile(r"\n\n[ \t]*\d+: [^\n]*(?:\n[ \t]+[^\n]*)*\n?")


def strip_backtraces(text: str) -> str:
    """Remove native backtrace blocks from an engine error text."""
    return _BACKTRACE_RE.sub("", text)


def parse_engine_error(exc: BaseException) -> tuple[int, str]:
    """Turn an exception raised by the binding into ``(code, message)``.

    See the module docstring for the format.  The message is Databend's
    ``ErrorCode::message()``: the ``Text = `` part without backtraces and
    without the trailing ``.`` added by the Display impl.
    """
    raw = str(exc)
    m = _ERROR_RE.match(raw)
    if not m:
        msg = strip_backtraces(raw).strip() or type(exc).__name__
        return INTERNAL_ERROR_CODE, f"bridge: engine raised {type(exc).__name__}: {msg}"
    text = strip_backtraces(m.group("text"))
    text = text.rstrip("\n")
    if text.endswith("."):
        text = text[:-1]
    return int(m.group("code")), text


class BridgeError(Exception):
    """An error raised by the bridge itself (not by the engine)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class WrappedRender(BridgeError):
    """The engine's rendering wrapped a cell wider than `RENDER_MAX_WIDTH` (see "Wide values")."""

    def __init__(self) -> None:
        super().__init__(
            INTERNAL_ERROR_CODE,
            f"bridge: the engine's text rendering wrapped a value wider than {RENDER_MAX_WIDTH} columns "
            "onto several lines, which loses the whitespace at each wrap, so the result cannot be read "
            "back exactly (only SHOW STAGES and DESC STAGE are read in chunks); narrow the query",
        )


# The widest cell ``box_render`` (comfy-table, whose widths are u16) prints on one line.
RENDER_MAX_WIDTH = 65535
# Characters per chunk when reading wide values: a character renders at most 4 columns wide
# (``\xNN``), so a chunk never wraps.
WIDE_CHUNK_CHARS = 16000
# A statement this long may store a value too wide to render (a character of a literal becomes at
# most 6 of JSON text, rendered at most 4 columns wide each): after one, reads of system.stages
# check their widths first (see "Wide values").
WIDE_STATEMENT_CHARS = 2500


# --------------------------------------------------------------------------------------
# Schema (Rust Debug of DataSchema) -> HTTP API type names
# --------------------------------------------------------------------------------------

_DEBUG_TOKEN_RE = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[{}()\[\],:]))',
    re.DOTALL,
)


def _unescape_rust_debug_str(lit: str) -> str:
    """Decode a Rust ``{:?}`` string literal (including the quotes)."""
    body = lit[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt == "u" and body.startswith("{", i + 2):
            end = body.index("}", i + 3)
            out.append(chr(int(body[i + 3 : end], 16)))
            i = end + 1
            continue
        out.append({"n": "\n", "r": "\r", "t": "\t", "0": "\0"}.get(nxt, nxt))
        i += 2
    return "".join(out)


def _parse_debug(text: str) -> Any:
    """Parse Rust ``{:?}`` output into nested Python values.

    Grammar (enough for ``DataSchema``): ``Name { field: value, ... }`` ->
    ``("struct", Name, {field: value})``; ``Name(v, ...)`` -> ``("tuple", Name,
    [v...])``; ``[v, ...]`` -> list; ``{k: v}`` -> dict; ``"s"`` -> str; bare
    ``Name`` -> ``("unit", Name)``; numbers -> str.
    """
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _DEBUG_TOKEN_RE.match(text, pos)
        if not m:
            raise ValueError(f"cannot tokenize schema near {text[pos:pos + 40]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    idx = 0

    def peek(k: int = 0):
        return tokens[idx + k] if idx + k < len(tokens) else (None, None)

    def expect(p: str) -> None:
        nonlocal idx
        if peek() != ("punct", p):
            raise ValueError(f"expected {p!r} in schema, got {peek()!r}")
        idx += 1

    def value() -> Any:
        nonlocal idx
        kind, tok = peek()
        if kind == "str":
            idx += 1
            return _unescape_rust_debug_str(tok)
        if kind == "num":
            idx += 1
            return tok
        if kind == "punct" and tok == "[":
            idx += 1
            items = []
            while peek() != ("punct", "]"):
                items.append(value())
                if peek() == ("punct", ","):
                    idx += 1
            expect("]")
            return items
        if kind == "punct" and tok == "{":
            idx += 1
            d = {}
            while peek() != ("punct", "}"):
                k = value()
                expect(":")
                d[k if isinstance(k, str) else str(k)] = value()
                if peek() == ("punct", ","):
                    idx += 1
            expect("}")
            return d
        if kind == "ident":
            idx += 1
            name = tok
            if peek() == ("punct", "{"):
                idx += 1
                fields = {}
                while peek() != ("punct", "}"):
                    fk, fname = peek()
                    if fk != "ident":
                        raise ValueError(f"expected field name in schema, got {fname!r}")
                    idx += 1
                    expect(":")
                    fields[fname] = value()
                    if peek() == ("punct", ","):
                        idx += 1
                expect("}")
                return ("struct", name, fields)
            if peek() == ("punct", "("):
                idx += 1
                items = []
                while peek() != ("punct", ")"):
                    items.append(value())
                    if peek() == ("punct", ","):
                        idx += 1
                expect(")")
                return ("tuple", name, items)
            return ("unit", name)
        raise ValueError(f"unexpected token {tok!r} in schema")

    result = value()
    return result


def debug_type_to_api(t: Any) -> str:
    """Convert a parsed ``DataType`` Debug value to the HTTP API type string.

    Matches Databend's ``DataType::wrapped_display`` for the common types:
    ``Nullable(T)``, ``Array(T)``, ``Map(K, V)``, ``Tuple(A, B)``,
    ``Decimal(P, S)``, number names (``UInt64`` ...), and plain names for
    the rest (``String``, ``Boolean``, ``Variant``, ``Timestamp`` ...).
    """
    if isinstance(t, tuple) and t[0] == "unit":
        name = t[1]
        return {"Null": "NULL", "EmptyArray": "Array(Nothing)", "EmptyMap": "Map(Nothing)"}.get(name, name)
    if isinstance(t, tuple) and t[0] == "tuple":
        name, args = t[1], t[2]
        if name == "Number" and len(args) == 1:
            return debug_type_to_api(args[0])
        if name in ("Nullable", "Array") and len(args) == 1:
            return f"{name}({debug_type_to_api(args[0])})"
        if name == "Map" and len(args) == 1:
            inner = args[0]
            if isinstance(inner, tuple) and inner[0] == "tuple" and inner[1] == "Tuple" and inner[2]:
                kv = inner[2][0]
                if isinstance(kv, list) and len(kv) == 2:
                    return f"Map({debug_type_to_api(kv[0])}, {debug_type_to_api(kv[1])})"
            return f"Map({debug_type_to_api(inner)})"
        if name == "Tuple" and len(args) == 1 and isinstance(args[0], list):
            return "Tuple(" + ", ".join(debug_type_to_api(a) for a in args[0]) + ")"
        if name == "Decimal" and len(args) == 1:
            d = args[0]
            if isinstance(d, tuple) and d[0] == "struct":
                f = d[2]
                return f"Decimal({f.get('precision')}, {f.get('scale')})"
            if isinstance(d, tuple) and d[0] == "tuple" and d[2] and isinstance(d[2][0], tuple):
                # older layout: Decimal(Decimal128(DecimalSize { .. }))
                return debug_type_to_api(("tuple", "Decimal", [d[2][0]]))
        if name == "Vector" and len(args) == 1:
            v = args[0]
            if isinstance(v, tuple) and v[0] == "tuple" and v[2]:
                return f"Vector({v[2][0]})"
        if len(args) == 1 and isinstance(args[0], tuple):
            # e.g. Number(UInt64) handled above; single-payload wrappers
            return f"{name}({debug_type_to_api(args[0])})"
        return name
    if isinstance(t, tuple) and t[0] == "struct":
        return t[1]
    return str(t)


def parse_schema(schema_debug: str) -> list[tuple[str, str]]:
    """Return ``[(column name, API type)]`` from ``str(DataFrame.schema())``."""
    parsed = _parse_debug(schema_debug)
    if not (isinstance(parsed, tuple) and parsed[0] == "struct"):
        raise ValueError("unexpected schema layout")
    fields = parsed[2].get("fields", [])
    result = []
    for f in fields:
        if not (isinstance(f, tuple) and f[0] == "struct"):
            raise ValueError("unexpected field layout")
        result.append((f[2]["name"], debug_type_to_api(f[2]["data_type"])))
    return result


# --------------------------------------------------------------------------------------
# Rendered blocks (Databend box_render) -> rows of strings
# --------------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]+)\}|(.))", re.DOTALL)
_QUOTED = r"'(?:[^'\\]|\\.)*'"
_QUOTED_RE = re.compile(_QUOTED, re.DOTALL)
# One cell: non-separator characters and quoted literals (which may contain the
# separator), up to the separator; padding is stripped afterwards.
# (Single-character alternatives, not `[^...]+` inside `*`: nested quantifiers backtrack
# exponentially on the unbalanced quotes old engines print.)
_CELL_RE = re.compile(r"((?:[^│']|" + _QUOTED + r")*)│", re.DOTALL)


# The same escapes as `_ESCAPE_RE`, as one capturing group: `re.split` then yields text and escapes
# alternately, which decodes a long value several times faster than a `sub` callback per escape.
_ESCAPE_SPLIT_RE = re.compile(r"(\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.))", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _unescape_one(escape: str) -> str:
    """The character one display escape (``\\n``, ``\\x1f``, ``\\u{2028}``, ``\\'`` ...) stands for."""
    m = _ESCAPE_RE.fullmatch(escape)
    if m is None:
        raise ValueError(f"not a display escape: {escape!r}")
    if m.group(1):
        return chr(int(m.group(1), 16))
    if m.group(2):
        return chr(int(m.group(2), 16))
    return _SIMPLE_ESCAPES.get(m.group(3), m.group(3))


def _unescape_display(body: str) -> str:
    """Undo Databend's display escaping of a string (the text between the quotes)."""
    if "\\" not in body:
        return body
    parts = _ESCAPE_SPLIT_RE.split(body)
    parts[1::2] = [_unescape_one(e) for e in parts[1::2]]
    return "".join(parts)


def _cell(value: str, escaped: bool = True) -> tuple[str, str]:
    """Classify one cell's text (padding removed) as ``quoted`` (decoded) or ``raw``.

    ``escaped`` is False for engines of the 1.2.453 generation, which print strings between quotes
    without any escaping (the creator 'root'@'%' comes out as ''root'@'%''): the value is then
    what the outer quotes hold, verbatim.
    """
    if not escaped:
        if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
            return ("quoted", value[1:-1])
        return ("raw", value)
    if value.startswith("'") and _QUOTED_RE.fullmatch(value):
        return ("quoted", _unescape_display(value[1:-1]))
    return ("raw", value)


def _parse_row(line: str, ncols: int, escaped: bool = True) -> list[tuple[str, str]]:
    """Split one rendered row into ``[(kind, text)]`` with kind ``quoted``/``raw``.

    A row is ``│ <value><padding> │ <value><padding> │``.  A value that is
    exactly one quoted literal is decoded (kind ``quoted``); any other value
    (numbers, ``NULL``, ``true``, nested values whose quoted parts may contain
    ``│``) is returned verbatim without padding (kind ``raw``).
    """
    if not (line.startswith("│") and line.endswith("│")):
        raise ValueError(f"unexpected row line {line[:60]!r}")
    parts = line[1:-1].split("│")
    if "'" not in line:
        if len(parts) != ncols:
            raise ValueError(f"rendered row has {len(parts)} cells, schema has {ncols}")
        return [("raw", p.strip(" ")) for p in parts]
    if len(parts) == ncols:
        # No separator inside a value: split directly (also keeps the cell regex, which backtracks
        # badly on the unescaped quotes of old engines, away from such rows).
        return [_cell(p.strip(" "), escaped) for p in parts]
    cells: list[tuple[str, str]] = []
    pos = 1
    n = len(line)
    while pos < n:
        m = _CELL_RE.match(line, pos)
        if not m:
            raise ValueError(f"cannot split rendered row near {line[pos:pos + 40]!r}")
        cells.append(_cell(m.group(1).strip(" "), escaped))
        pos = m.end()
    if len(cells) != ncols:
        raise ValueError(f"rendered row has {len(cells)} cells, schema has {ncols}")
    return cells


def _base_type(api_type: str) -> str:
    while api_type.startswith("Nullable(") and api_type.endswith(")"):
        api_type = api_type[len("Nullable(") : -1]
    return api_type


def _cell_to_json(kind: str, text: str, base_type: str) -> str | None:
    """Convert one rendered cell to the HTTP API string encoding (or None)."""
    if kind == "quoted":
        return text
    if text == "NULL":
        return None
    if base_type == "Boolean":
        if text == "true":
            return "1"
        if text == "false":
            return "0"
    return text


def rendered_rows(
    rendered: str, num_rows: int, schema: list[tuple[str, str]], escaped: bool = True
) -> list[list[str | None]]:
    """Read the rows back from ``str(DataBlocks)`` (``escaped``: see `_cell`)."""
    if num_rows == 0:
        return []
    lines = rendered.split("\n")
    try:
        sep = next(k for k, ln in enumerate(lines) if ln.startswith("├"))
    except StopIteration as exc:
        raise ValueError("rendered result has no header separator") from exc
    body = [ln for ln in lines[sep + 1 :] if not ln.startswith("└")]
    if len(body) > num_rows:
        raise WrappedRender()
    if len(body) != num_rows:
        raise BridgeError(
            INTERNAL_ERROR_CODE,
            f"bridge: the engine rendered {len(body)} of {num_rows} result rows "
            "(the Python binding renders at most 10 data blocks); narrow the query",
        )
    base_types = [_base_type(t) for _, t in schema]
    ncols = len(schema)
    rows = []
    for ln in body:
        cells = _parse_row(ln, ncols, escaped)
        rows.append([_cell_to_json(k, v, bt) for (k, v), bt in zip(cells, base_types)])
    return rows


# --------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------


def _closed_loopback_port() -> int:
    """A loopback TCP port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_offline_environment(allow_internet: bool) -> None:
    """Set proxy env vars before the engine is loaded (see module docstring)."""
    loopback = ["127.0.0.1", "localhost", "::1"]
    for var in ("NO_PROXY", "no_proxy"):
        existing = [h for h in os.environ.get(var, "").split(",") if h.strip()]
        os.environ[var] = ",".join(existing + [h for h in loopback if h not in existing])
    if not allow_internet:
        dead = f"http://127.0.0.1:{_closed_loopback_port()}"
        for var in ("HTTPS_PROXY", "https_proxy"):
            os.environ[var] = dead


class EngineResult:
    """Outcome of one statement, with the session state to hand back to the client."""

    def __init__(self) -> None:
        self.schema: list[tuple[str, str]] = []
        self.rows: list[list[str | None]] = []
        self.error: tuple[int, str] | None = None
        self.write_rows = 0
        self.result_bytes = 0
        self.running_time_ms = 0.0
        self.session: dict[str, Any] = {}
        self.result_settings: dict[str, str] = {}
        self.cached = False


_LEADING = r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*"
_USE_RE = re.compile(_LEADING + r"use\b", re.IGNORECASE | re.DOTALL)
_SET_RE = re.compile(_LEADING + r"(?:set|unset)\b", re.IGNORECASE | re.DOTALL)
_SET_ROLE_RE = re.compile(_LEADING + r"set\s+(?:secondary\s+)?roles?\b", re.IGNORECASE | re.DOTALL)
# Statements that change nothing a cached read depends on (stages, connections, grants, settings).
_READ_ONLY_RE = re.compile(_LEADING + r"(?:desc|describe|show|list|select|explain|use)\b", re.IGNORECASE | re.DOTALL)
# Reads whose result depends only on the tenant's objects and the session's role and settings
# (not on the current database), so the exact statement text can key a cached result.
_MEMO_RE = re.compile(_LEADING + r"(?:show|desc|describe)\s+(?:stages|connections|connection|stage)\b", re.IGNORECASE | re.DOTALL)
# DESC STAGE of a plain lower-case name: answered from one snapshot of system.stages.
_DESC_STAGE_RE = re.compile(r"^\s*(?:desc|describe)\s+stage\s+([a-z_][a-z0-9_]*)\s*;?\s*$", re.IGNORECASE)
# SHOW STAGES without LIKE/WHERE: read in chunks when a value is too wide to render (see `_stage_rows`).
_SHOW_STAGES_RE = re.compile(r"^\s*show\s+stages\s*;?\s*$", re.IGNORECASE)
_COLUMN_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_SETTING_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Settings the real handler reports in the response's top-level `settings` (ResultFormatSettings).
RESULT_SETTINGS = ("timezone", "geometry_output_format", "binary_output_format", "http_json_result_mode")


def _is_use_statement(sql: str) -> bool:
    return bool(_USE_RE.match(sql))


def _sql_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_context(databend: Any, data_dir: str) -> Any:
    """Create the engine's session across binding generations.

    1.2.8xx: ``SessionContext(data_path=DIR)``; 1.2.7xx: ``init_service(local_dir=DIR)`` then
    ``SessionContext()``; 1.2.453: ``SessionContext()`` with paths relative to the working
    directory (`Engine` changes into ``DIR`` first).
    """
    try:
        return databend.SessionContext(data_path=data_dir)
    except TypeError:
        pass
    init = getattr(databend, "init_service", None)
    if init is not None:
        init(local_dir=data_dir)
    return databend.SessionContext()


def semver_of(full_version: str) -> str:
    """``1.2.895-nightly`` from ``Databend Query v1.2.895-nightly-363a49c1dd(rust-...)``.

    This is what the real server's login reports (``DATABEND_SEMVER`` without the leading ``v``
    and the commit); the driver parses it as semver.
    """
    m = re.search(r"v?(\d+\.\d+\.\d+)(-nightly)?", full_version or "")
    return (m.group(1) + (m.group(2) or "")) if m else "0.0.0"


class Engine:
    """The embedded Databend engine behind one lock, shared by every HTTP session.

    The engine has a single session of its own.  Like the real HTTP handler, whose session state
    travels with each request (``session.database``, ``session.settings``, ``session.role``),
    the bridge makes the engine session match the request's before running the statement: ``USE``
    (``default`` when the request names no database), ``SET ROLE``, ``SET``/``UNSET`` for settings
    that differ; then reads back what the statement changed (``USE``, ``SET``, ``SET ROLE``) and
    returns it as the response's session.  One client's ``USE`` or ``SET`` is therefore invisible
    to another.  These sync calls are bookkeeping and are not counted in ``/_bridge/statements``.
    """

    _UNLIMITED = 1 << 62

    def __init__(self, data_dir: str):
        # Engines of the 1.2.453 generation put their data under the working directory (from
        # import time on), so work from the data directory.
        os.chdir(data_dir)
        import databend  # noqa: PLC0415 - imported after the environment is prepared

        self._lock = threading.Lock()
        started = time.monotonic()
        self._ctx = open_context(databend, data_dir)
        self.start_seconds = time.monotonic() - started
        # Whether the engine escapes quotes inside rendered strings (not in the 1.2.453 generation).
        self._escaped = "\\'" in str(self._collect("SELECT 'a''b' AS v")[1])
        self.full_version = self._scalar("SELECT version()") or ""
        self.semver = semver_of(self.full_version)
        self._db = self._scalar("SELECT current_database()") or "default"
        self.default_role = self._scalar("SELECT current_role()") or "public"
        self._role = self.default_role
        # Session-level settings currently applied in the engine session.
        self._settings: dict[str, str] = self._read_session_settings()
        self._unset_session = True  # `UNSET SESSION k`; engines before 1.2.7xx only know `UNSET k`
        self._result_defaults = self._read_result_defaults()
        # Read cache: see `execute`.
        self._memo: dict[tuple, tuple[list[tuple[str, str]], list[list[str | None]]]] = {}
        self._stages: tuple[tuple, list[tuple[str, str]], dict[str, list[str | None]]] | None = None
        self._desc_stage_schema: list[tuple[str, str]] | None = None
        self._desc_stage_snapshot_ok: bool | None = None
        # Whether a statement long enough to store a wide value has run (see `_wide_safe`).
        self._may_hold_wide = False
        # The longest value of each column of system.stages, while nothing has changed (`_stage_widths`).
        self._widths: tuple[tuple, list[int]] | None = None

    # -- low level --------------------------------------------------------------------

    def _frame(self, sql: str):
        rel = self._ctx.sql(sql)
        df = getattr(rel, "_relation", rel)
        df.set_max_display_rows(self._UNLIMITED)
        df.set_max_width(self._UNLIMITED)
        df.set_max_col_width(self._UNLIMITED)
        return df

    def _collect(self, sql: str):
        df = self._frame(sql)
        return df, df.collect()

    def _run(self, sql: str) -> tuple[list[tuple[str, str]], list[list[str | None]]]:
        """Execute ``sql``; engine errors propagate, result-reading errors become BridgeError."""
        df, blocks = self._collect(sql)
        try:
            schema = parse_schema(str(df.schema()))
            num_rows = blocks.num_rows()
            rows = rendered_rows(str(blocks), num_rows, schema, self._escaped) if num_rows else []
        except (ValueError, IndexError, KeyError) as exc:
            raise BridgeError(INTERNAL_ERROR_CODE, f"bridge: cannot read the engine result: {exc}") from exc
        return schema, rows

    def _scalar(self, sql: str) -> str | None:
        _, rows = self._run(sql)
        return rows[0][0] if rows and rows[0] else None

    def _read_session_settings(self) -> dict[str, str]:
        _, rows = self._run("SELECT name, value FROM system.settings WHERE level = 'SESSION'")
        return {str(r[0]): str(r[1]) for r in rows if r[0] is not None and r[1] is not None}

    def _read_result_defaults(self) -> dict[str, str]:
        names = ", ".join(_sql_literal(n) for n in RESULT_SETTINGS)
        _, rows = self._run(f"SELECT name, value FROM system.settings WHERE name IN ({names})")
        found = {str(r[0]): str(r[1]) for r in rows}
        return {n: found[n] for n in RESULT_SETTINGS if n in found}

    # -- session sync -------------------------------------------------------------------

    @staticmethod
    def _guard(fn) -> tuple[int, str] | None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - engine errors come as RuntimeError/PanicException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return parse_engine_error(exc)
        return None

    def _unset_locked(self, key: str) -> tuple[int, str] | None:
        if self._unset_session:
            err = self._guard(lambda: self._collect(f"UNSET SESSION {key}"))
            if err is None or err[0] != 1005:
                return err
            self._unset_session = False
        return self._guard(lambda: self._collect(f"UNSET {key}"))

    def _sync_locked(self, database: str, role: str, settings: dict[str, str]) -> tuple[int, str] | None:
        """Make the engine session match one HTTP session (see the class docstring)."""
        if database != self._db:
            err = self._guard(lambda: self._collect(f"USE {_sql_ident(database)}"))
            if err:
                return err
            self._db = database
        if role != self._role:
            err = self._guard(lambda: self._collect(f"SET ROLE {_sql_ident(role)}"))
            if err:
                return err
            self._role = role
        for key in [k for k in self._settings if k not in settings]:
            err = self._unset_locked(key)
            if err:
                return err
            del self._settings[key]
        for key, value in settings.items():
            if self._settings.get(key) == value:
                continue
            err = self._guard(lambda: self._collect(f"SET {key} = {_sql_literal(value)}"))
            if err:
                return err
            self._settings[key] = value
        return None

    @staticmethod
    def requested(session: dict[str, Any] | None) -> tuple[str, str | None, dict[str, str]]:
        """``(database, role, settings)`` an HTTP request's ``session`` asks for."""
        session = session if isinstance(session, dict) else {}
        database = session.get("database")
        role = session.get("role")
        settings = session.get("settings") if isinstance(session.get("settings"), dict) else {}
        return (
            database if isinstance(database, str) and database else "default",
            role if isinstance(role, str) and role else None,
            {
                str(k): v if isinstance(v, str) else json.dumps(v)
                for k, v in settings.items()
                if isinstance(k, str) and _SETTING_NAME_RE.fullmatch(k) and v is not None
            },
        )

    def session_state(self) -> dict[str, Any]:
        """The engine session as the real handler reports a client session."""
        state: dict[str, Any] = {
            "catalog": "default",
            "database": self._db,
            "role": self._role,
            "secondary_roles": None,
            "txn_state": "AutoCommit",
            "need_sticky": False,
            "need_keep_alive": False,
        }
        if self._settings:
            state["settings"] = dict(sorted(self._settings.items()))
        return state

    def result_settings(self) -> dict[str, str]:
        out = {k: self._settings.get(k, v) for k, v in self._result_defaults.items()}
        if "binary_output_format" in out:
            out["binary_output_format"] = out["binary_output_format"].upper()
        return out

    # -- read cache -----------------------------------------------------------------------

    def _cache_key(self) -> tuple:
        return (self._role, tuple(sorted(self._settings.items())))

    def _invalidate(self) -> None:
        self._memo.clear()
        self._stages = None
        self._widths = None

    def _desc_stage_from_snapshot(self, name: str) -> tuple[list[tuple[str, str]], list[list[str | None]]] | None:
        """DESC STAGE ``name`` as the engine's own ``system.stages`` row, or None to ask the engine.

        Every ``DESC STAGE`` makes the engine list all stages (about 0.5 ms per stage in 1.2.895,
        whatever is projected or filtered), so one snapshot of ``SELECT * FROM system.stages``
        serves every ``DESC STAGE`` until a statement may have changed it.  Used only when
        ``DESC STAGE`` and ``system.stages`` have the same columns (true from 1.2.453 to 1.2.895,
        checked at run time) and the stage is in the snapshot; a missing stage goes to the engine,
        so its answer (empty result or error) is the engine's.
        """
        if self._desc_stage_snapshot_ok is None:
            desc_schema = parse_schema(str(self._frame(f"DESC STAGE {name}").schema()))
            table_schema = parse_schema(str(self._frame("SELECT * FROM system.stages").schema()))
            self._desc_stage_snapshot_ok = desc_schema == table_schema
        if not self._desc_stage_snapshot_ok:
            return None
        key = self._cache_key()
        if self._stages is None or self._stages[0] != key:
            if self._may_hold_wide:
                table = parse_schema(str(self._frame("SELECT * FROM system.stages").schema()))
                widths = self._stage_widths(table)
                if max(widths, default=0) > WIDE_CHUNK_CHARS:
                    # Too wide to snapshot cheaply (a render of every wide value): this stage only.
                    rows = self._stage_rows(table, widths, order_by_name=False, name=name)
                    return (table, rows) if rows else None
            schema, rows = self._run("SELECT * FROM system.stages")
            self._stages = (key, schema, {str(r[0]): r for r in rows})
        _, schema, by_name = self._stages
        row = by_name.get(name)
        return (schema, [list(row)]) if row is not None else None

    def _wide_safe(
        self, sql: str, all_columns: bool, order_by_name: bool
    ) -> tuple[list[tuple[str, str]], list[list[str | None]]]:
        """Run ``sql``, a read of ``system.stages`` (all its columns, or those of ``sql``'s own
        schema; ordered by name or not), exactly, however wide its values (see "Wide values").

        The widths come first: rendering a wrapped cell costs seconds per row, and loses the
        whitespace at each wrap.  Until a statement longer than `WIDE_STATEMENT_CHARS` has run no
        stored value can be that wide, and ``sql`` runs as it is.  When no String or Variant value
        is longer than
        `WIDE_CHUNK_CHARS`, ``sql`` itself runs; otherwise the rows are read in chunks
        (`_stage_rows`) and must be as many as the engine's own result of ``sql``.
        """
        if not self._may_hold_wide:
            return self._run(sql)
        table = parse_schema(str(self._frame("SELECT * FROM system.stages").schema()))
        columns = table if all_columns else parse_schema(str(self._frame(sql).schema()))
        types = dict(table)
        for name, typ in columns:
            if not _COLUMN_NAME_RE.fullmatch(name) or types.get(name) != typ:
                return self._run(sql)  # not a plain read of system.stages: the engine's answer as is
        widths = self._stage_widths(columns)
        if max(widths, default=0) <= WIDE_CHUNK_CHARS:
            return self._run(sql)
        rows = self._stage_rows(columns, widths, order_by_name)
        expected = self._collect(sql)[1].num_rows()
        if len(rows) != expected:
            raise BridgeError(
                INTERNAL_ERROR_CODE,
                f"bridge: the chunked read of system.stages ({len(rows)} rows) does not match the "
                f"engine's own result of {sql!r} ({expected} rows)",
            )
        return columns, rows

    def _stage_widths(self, columns: list[tuple[str, str]]) -> list[int]:
        """The longest value (characters of its text) of each of ``columns`` in ``system.stages``;
        all 0 until a statement long enough to store a wide value has run (see `_wide_safe`)."""
        if not self._may_hold_wide:
            return [0] * len(columns)
        key = (self._cache_key(), tuple(columns))
        if self._widths is None or self._widths[0] != key:
            lengths = ", ".join(f"max(length(CAST({n} AS String)))" for n, _ in columns)
            _, found = self._run(f"SELECT {lengths} FROM system.stages")
            self._widths = (key, [int(w or 0) for w in (found[0] if found else [])] or [0] * len(columns))
        return self._widths[1]

    def _stage_rows(
        self, columns: list[tuple[str, str]], widths: list[int], order_by_name: bool, name: str | None = None
    ) -> list[list[str | None]]:
        """``SELECT <columns> FROM system.stages [ORDER BY name]`` with every String or Variant
        column wider than `WIDE_CHUNK_CHARS` (``widths``: the longest value of each) selected as
        ``substr(CAST(col AS String), k, WIDE_CHUNK_CHARS)`` chunks, joined here.  Every character
        still comes from the engine (``CAST`` of a Variant is the JSON text the engine renders)."""
        select: list[str] = []
        spans: list[int] = []
        for (column, typ), width in zip(columns, widths):
            if width <= WIDE_CHUNK_CHARS:
                select.append(column)
                spans.append(1)
                continue
            if _base_type(typ) not in ("String", "Variant"):
                raise BridgeError(INTERNAL_ERROR_CODE, f"bridge: cannot read {width}-character {typ} values of {column}")
            chunks = -(-width // WIDE_CHUNK_CHARS)
            select += [
                f"substr(CAST({column} AS String), {1 + k * WIDE_CHUNK_CHARS}, {WIDE_CHUNK_CHARS})"
                for k in range(chunks)
            ]
            spans.append(chunks)
        where = f" WHERE name = {_sql_literal(name)}" if name is not None else ""
        order = " ORDER BY name" if order_by_name else ""
        _, raw = self._run(f"SELECT {', '.join(select)} FROM system.stages{where}{order}")
        rows: list[list[str | None]] = []
        for r in raw:
            row: list[str | None] = []
            at = 0
            for span in spans:
                part = r[at : at + span]
                at += span
                row.append(part[0] if span == 1 or part[0] is None else "".join(p or "" for p in part))
            rows.append(row)
        return rows

    def _read(self, sql: str, res: EngineResult) -> None:
        m = _DESC_STAGE_RE.match(sql)
        if m:
            hit = self._desc_stage_from_snapshot(m.group(1))
            if hit:
                res.schema, res.rows = hit
                res.cached = True
                return
        memo_key = (self._cache_key(), sql) if _MEMO_RE.match(sql) else None
        if memo_key and memo_key in self._memo:
            schema, rows = self._memo[memo_key]
            res.schema, res.rows = schema, [list(r) for r in rows]
            res.cached = True
            return
        if _SHOW_STAGES_RE.match(sql):
            res.schema, res.rows = self._wide_safe(sql, all_columns=False, order_by_name=True)
        else:
            res.schema, res.rows = self._run(sql)
        if memo_key:
            self._memo[memo_key] = (res.schema, [list(r) for r in res.rows])

    # -- public -------------------------------------------------------------------------

    def check_session(self, session: dict[str, Any] | None) -> tuple[int, str] | None:
        """Validate a login's database, role and settings (the real login checks they exist)."""
        database, role, settings = self.requested(session)
        with self._lock:
            return self._sync_locked(database, role or self.default_role, settings)

    def execute(self, sql: str, session: dict[str, Any] | None) -> EngineResult:
        """Run one statement in the HTTP session ``session`` (the request's ``session`` object).

        Reads of stages and connections are served from a cache of the engine's own results while
        nothing has changed: any statement that is not a read (``DESC``, ``SHOW``, ``LIST``,
        ``SELECT``, ``EXPLAIN``, ``USE``) clears it, failed ones included, and entries are keyed by
        the session's role and settings.  Results are never computed by the bridge.
        """
        res = EngineResult()
        database, role, settings = self.requested(session)
        with self._lock:
            started = time.monotonic()
            try:
                err = self._sync_locked(database, role or self.default_role, settings)
                if err:
                    res.error = err
                    return res
                read_only = bool(_READ_ONLY_RE.match(sql))
                if not read_only:
                    self._invalidate()
                    self._may_hold_wide = self._may_hold_wide or len(sql) > WIDE_STATEMENT_CHARS
                try:
                    if read_only:
                        self._read(sql, res)
                    else:
                        res.schema, res.rows = self._run(sql)
                finally:
                    if _is_use_statement(sql):
                        self._db = self._scalar("SELECT current_database()") or self._db
                    if _SET_ROLE_RE.match(sql):
                        self._role = self._scalar("SELECT current_role()") or self._role
                    elif _SET_RE.match(sql):
                        self._settings = self._read_session_settings()
            except BridgeError as exc:
                res.error = (exc.code, exc.message)
            except BaseException as exc:  # noqa: BLE001
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                res.error = parse_engine_error(exc)
            finally:
                res.session = self.session_state()
                res.result_settings = self.result_settings()
                res.running_time_ms = (time.monotonic() - started) * 1000.0
        if res.error:
            res.schema, res.rows = [], []
            return res
        res.result_bytes = sum(len(c.encode("utf-8")) for r in res.rows for c in r if c is not None)
        if len(res.schema) == 1 and res.schema[0][0] in AFFECTED_ROWS_COLUMNS and len(res.rows) == 1:
            try:
                res.write_rows = int(res.rows[0][0] or 0)
            except ValueError:
                pass
        return res


# --------------------------------------------------------------------------------------
# Query store (paging)
# --------------------------------------------------------------------------------------


def paged(rows: list[list[str | None]], max_rows: int, max_bytes: int) -> list[list[list[str | None]]]:
    """Split ``rows`` into pages of at most ``max_rows`` rows and ``max_bytes`` bytes of values
    (UTF-8), each with at least one row; no rows is one empty page."""
    pages: list[list[list[str | None]]] = []
    page: list[list[str | None]] = []
    size = 0
    for row in rows:
        n = sum(len(c.encode("utf-8")) for c in row if c is not None)
        if page and (len(page) >= max_rows or size + n > max_bytes):
            pages.append(page)
            page, size = [], 0
        page.append(row)
        size += n
    if page or not pages:
        pages.append(page)
    return pages


class StoredQuery:
    """A finished query whose pages are still being fetched."""

    def __init__(self, qid: str, session_id: str, result: EngineResult, page_size: int):
        self.id = qid
        self.session_id = session_id
        # The client session after this query, as the real handler returns it; `internal` is the
        # handler's opaque bookkeeping, which clients echo back unread.
        self.session = {
            **result.session,
            "internal": json.dumps({"last_node_id": BRIDGE_NODE_ID, "last_query_ids": [qid]}),
        }
        self.result = result
        self.created = time.monotonic()
        rows = result.rows
        self.pages = paged(rows, page_size, MAX_PAGE_BYTES)

    def uri(self, suffix: str = "") -> str:
        return f"/v1/query/{self.id}{suffix}"

    def next_uri_after(self, page_no: int) -> str:
        if self.result.error is None and page_no + 1 < len(self.pages):
            return self.uri(f"/page/{page_no + 1}")
        return self.uri("/final")

    def envelope(self, data: list, next_uri: str | None, include_schema: bool = True) -> dict:
        """Build Databend's ``QueryResponse`` for this query."""
        res = self.result
        failed = res.error is not None
        nrows = len(res.rows)
        return {
            "id": self.id,
            "session_id": self.session_id,
            "node_id": BRIDGE_NODE_ID,
            "state": "Failed" if failed else "Succeeded",
            "session": self.session,
            "error": {"code": res.error[0], "message": res.error[1]} if failed else None,
            "warnings": [],
            "has_result_set": bool(res.schema),
            "schema": [{"name": n, "type": t} for n, t in res.schema] if include_schema else [],
            "data": data,
            "affect": None,
            "result_timeout_secs": RESULT_TIMEOUT_SECS,
            "settings": res.result_settings,
            "stats": {
                "scan_progress": {"rows": 0, "bytes": 0},
                "write_progress": {"rows": res.write_rows, "bytes": 0},
                "result_progress": {"rows": nrows, "bytes": res.result_bytes},
                "total_scan": {"rows": 0, "bytes": 0},
                "spill_progress": {"file_nums": 0, "bytes": 0},
                "running_time_ms": res.running_time_ms,
            },
            "stats_uri": self.uri(),
            "final_uri": self.uri("/final"),
            "next_uri": next_uri,
            "kill_uri": self.uri("/kill"),
        }


class QueryStore:
    """Thread-safe map of query id -> StoredQuery with size/age eviction."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, StoredQuery] = OrderedDict()

    def put(self, q: StoredQuery) -> None:
        with self._lock:
            self._queries[q.id] = q
            self._queries.move_to_end(q.id)
            now = time.monotonic()
            while self._queries:
                oldest = next(iter(self._queries.values()))
                if len(self._queries) > MAX_STORED_QUERIES or now - oldest.created > QUERY_TTL_SECS:
                    self._queries.popitem(last=False)
                else:
                    break

    def get(self, qid: str) -> StoredQuery | None:
        with self._lock:
            return self._queries.get(qid)

    def pop(self, qid: str) -> StoredQuery | None:
        with self._lock:
            return self._queries.pop(qid, None)


# --------------------------------------------------------------------------------------
# Statement recorder / log
# --------------------------------------------------------------------------------------


class Recorder:
    """Masked statement history (for /_bridge/statements) and the --log file."""

    def __init__(self, log_path: str | None):
        self._lock = threading.Lock()
        self._statements: list[str] = []
        self._log = open(log_path, "a", encoding="utf-8", buffering=1) if log_path else None  # noqa: SIM115

    def log(self, line: str) -> None:
        if not self._log:
            return
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        text = mask_text(line).replace("\n", "\\n")
        with self._lock:
            self._log.write(f"{stamp} {text}\n")

    def statement(self, qid: str, sql: str) -> None:
        masked = mask_sql(sql)
        with self._lock:
            self._statements.append(masked)
        self.log(f"query id={qid} sql={masked}")

    def error(self, qid: str, code: int, message: str) -> None:
        self.log(f"error id={qid} code={code} message={message}")

    def snapshot(self) -> dict:
        with self._lock:
            return {"count": len(self._statements), "statements": list(self._statements)}

    def reset(self) -> dict:
        with self._lock:
            self._statements.clear()
        return {"count": 0}

    def close(self) -> None:
        if self._log:
            with self._lock:
                self._log.close()
                self._log = None


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """An HTTP-level error answered with ``{"error": {...}}``."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


_PAGE_RE = re.compile(r"^/v1/query/([^/]+)/page/(\d+)$")
_FINAL_RE = re.compile(r"^/v1/query/([^/]+)/final$")
_KILL_RE = re.compile(r"^/v1/query/([^/]+)/kill$")
_STATE_RE = re.compile(r"^/v1/query/([^/]+)$")


class BridgeHandler(http.server.BaseHTTPRequestHandler):
    """Request handler; the server object carries engine, store and recorder."""

    protocol_version = "HTTP/1.1"
    server_version = "databend-bridge"
    sys_version = ""

    # -- plumbing ---------------------------------------------------------------------

    @property
    def bridge(self) -> "BridgeServer":
        return self.server  # type: ignore[return-value]

    def setup(self) -> None:
        super().setup()
        # Responses are written as headers + body; without NODELAY the second small
        # segment waits for the client's delayed ACK (~40 ms per request).
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the statement log is written by the Recorder

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline().strip()
                size = int(size_line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: Any, extra_headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _send_error(self, status: int, code: int, message: str) -> None:
        self._send(status, {"error": {"code": code, "message": message}})

    def _json_body(self) -> dict:
        raw = self._read_body()
        if not raw.strip():
            return {}
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProtocolError(400, 400, f"parse error: {exc}") from exc
        if not isinstance(doc, dict):
            raise ProtocolError(400, 400, "parse error: expected a JSON object")
        return doc

    def _check_auth(self) -> None:
        header = self.headers.get("Authorization", "")
        if not header:
            raise ProtocolError(401, AUTH_ERROR_CODE, "Authentication error: no authorization header provided")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise ProtocolError(
                401, AUTH_ERROR_CODE, f"Authentication error: unsupported authorization scheme {scheme!r}"
            )
        try:
            user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProtocolError(401, AUTH_ERROR_CODE, "Authentication error: bad basic auth header") from exc
        if user != AUTH_USER or password != AUTH_PASSWORD:
            raise ProtocolError(
                401, AUTH_ERROR_CODE, f"Authentication error: wrong user name or password for user '{user}'"
            )

    def _session_id(self) -> str:
        sid = self.headers.get("X-DATABEND-SESSION-ID")
        if sid:
            return sid
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie", ""))
        except Exception:  # noqa: BLE001 - malformed cookies are ignored
            return str(uuid.uuid4())
        if "session_id" in cookie and cookie["session_id"].value:
            return cookie["session_id"].value
        return str(uuid.uuid4())

    def _session_headers(self, sid: str) -> dict[str, str]:
        return {"X-DATABEND-SESSION-ID": sid, "Set-Cookie": f"session_id={sid}; Path=/; HttpOnly"}

    def _is_loopback_client(self) -> bool:
        host = self.client_address[0]
        return host.startswith("127.") or host in ("::1", "localhost") or host.startswith("::ffff:127.")

    # -- dispatch ---------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        try:
            if path == "/health" and method == "GET":
                self._read_body()
                self._send(
                    200, {"ok": True, "version": self.bridge.engine.full_version, "semver": self.bridge.engine.semver}
                )
            elif path.startswith("/_bridge/"):
                self._bridge_endpoint(method, path)
            elif path == "/v1/query" and method == "POST":
                self._query()
            elif path == "/v1/session/login" and method == "POST":
                self._login()
            elif path == "/v1/session/heartbeat" and method == "POST":
                self._json_body()
                self._check_auth()
                self._send(200, {"queries_to_remove": []})
            elif path == "/v1/session/logout" and method == "POST":
                self._read_body()
                self._check_auth()
                self._send(200, {"error": None})
            elif method == "GET" and _PAGE_RE.match(path):
                m = _PAGE_RE.match(path)
                self._page(m.group(1), int(m.group(2)))
            elif method in ("GET", "POST") and _FINAL_RE.match(path):
                self._final(_FINAL_RE.match(path).group(1))
            elif method in ("GET", "POST") and _KILL_RE.match(path):
                self._read_body()
                self._check_auth()
                self.bridge.store.pop(_KILL_RE.match(path).group(1))
                self._send(200, None)
            elif method == "GET" and _STATE_RE.match(path):
                self._state(_STATE_RE.match(path).group(1))
            else:
                self._read_body()
                self._send_error(404, 404, "not found")
        except ProtocolError as exc:
            self._send_error(exc.status, exc.code, exc.message)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # noqa: BLE001 - never kill the server thread
            self.bridge.recorder.log(f"bridge-internal-error {exc!r}: {traceback.format_exc()}")
            try:
                self._send_error(500, INTERNAL_ERROR_CODE, f"bridge internal error: {exc}")
            except OSError:
                pass

    # -- endpoints --------------------------------------------------------------------

    def _bridge_endpoint(self, method: str, path: str) -> None:
        self._read_body()
        if not self._is_loopback_client():
            raise ProtocolError(403, 403, "test-support endpoints are loopback only")
        if path == "/_bridge/statements" and method == "GET":
            self._send(200, self.bridge.recorder.snapshot())
        elif path == "/_bridge/statements/reset" and method == "POST":
            self._send(200, self.bridge.recorder.reset())
        else:
            raise ProtocolError(404, 404, "not found")

    def _login(self) -> None:
        body = self._json_body()
        self._check_auth()
        sid = self._session_id()
        err = self.bridge.engine.check_session(body)
        if err:
            raise ProtocolError(400, err[0], err[1])
        self._send(
            200,
            {"version": self.bridge.engine.semver, "session_id": sid},
            self._session_headers(sid),
        )

    def _query(self) -> None:
        body = self._json_body()
        sql = body.get("sql")
        if not isinstance(sql, str):
            raise ProtocolError(400, 400, "parse error: missing field `sql`")
        qid = self.headers.get("X-DATABEND-QUERY-ID") or uuid.uuid4().hex
        self.bridge.recorder.statement(qid, sql)
        self._check_auth()
        sid = self._session_id()

        session = body.get("session") if isinstance(body.get("session"), dict) else {}
        pagination = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
        page_size = pagination.get("max_rows_per_page") or DEFAULT_MAX_ROWS_PER_PAGE
        try:
            page_size = max(1, int(page_size))
        except (TypeError, ValueError):
            page_size = DEFAULT_MAX_ROWS_PER_PAGE

        result = self.bridge.engine.execute(sql, session)
        if result.error:
            self.bridge.recorder.error(qid, *result.error)
        q = StoredQuery(qid, sid, result, page_size)
        self.bridge.store.put(q)
        self._send(200, q.envelope(q.pages[0], q.next_uri_after(0)), self._session_headers(sid))

    def _lookup(self, qid: str) -> StoredQuery:
        q = self.bridge.store.get(qid)
        if q is None:
            raise ProtocolError(404, 404, f"query id {qid} not found")
        return q

    def _page(self, qid: str, page_no: int) -> None:
        self._read_body()
        self._check_auth()
        q = self._lookup(qid)
        if page_no >= len(q.pages):
            raise ProtocolError(404, 404, f"page {page_no} of query {qid} not found")
        self._send(200, q.envelope(q.pages[page_no], q.next_uri_after(page_no)))

    def _final(self, qid: str) -> None:
        self._read_body()
        self._check_auth()
        q = self.bridge.store.pop(qid)
        if q is None:
            raise ProtocolError(404, 404, f"query id {qid} not found")
        self._send(200, q.envelope([], None))

    def _state(self, qid: str) -> None:
        self._read_body()
        self._check_auth()
        q = self._lookup(qid)
        self._send(200, q.envelope([], q.uri("/final"), include_schema=False))


class BridgeServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the engine, query store and recorder."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], engine: Engine, recorder: Recorder):
        self.engine = engine
        self.recorder = recorder
        self.store = QueryStore()
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, BridgeHandler)


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--data-dir", required=True, help="engine data directory (created if missing)")
    parser.add_argument("--log", help="append masked statements and errors to this file")
    parser.add_argument(
        "--allow-internet",
        action="store_true",
        help="do not black-hole the engine's HTTPS traffic (telemetry) through a dead proxy",
    )
    args = parser.parse_args(argv)

    prepare_offline_environment(args.allow_internet)
    os.makedirs(args.data_dir, exist_ok=True)
    recorder = Recorder(args.log)
    started = time.monotonic()
    try:
        engine = Engine(os.path.abspath(args.data_dir))
    except BaseException as exc:  # noqa: BLE001
        recorder.log(f"engine start failed: {exc!r}")
        print(f"databend_bridge: engine start failed: {exc}", file=sys.stderr, flush=True)
        return 1
    server = BridgeServer((args.host, args.port), engine, recorder)
    port = server.server_address[1]
    recorder.log(
        f"ready port={port} engine={engine.full_version} engine_start_s={engine.start_seconds:.3f} "
        f"total_start_s={time.monotonic() - started:.3f}"
    )

    stopping = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            recorder.log(f"signal {signum}: shutting down")
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    print(f"READY {port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        recorder.log("stopped")
        recorder.close()
        sys.stdout.flush()
        sys.stderr.flush()
    # The engine's native runtime threads are not joinable from Python; its meta
    # store and data files are written synchronously per statement, so exit hard
    # to avoid waiting on native destructors at interpreter shutdown.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
