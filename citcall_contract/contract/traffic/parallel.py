"""A large JSON-lines file checked on every core the machine gives us.

The file is cut at line starts into parts of at least `MIN_PART_BYTES`; each part is
checked by a forked copy of the warmed-up checker (validators compiled once, before the
fork), and the parts' tallies merge, in file order, into exactly what one pass would have
found (`tally.merge`: same counts, same first-seen drifts, same bounds). Only where
forking is safe: Linux, a process with one thread. Elsewhere, and for small files, the
caller checks the file in one pass.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

from citcall_contract.contract.traffic.check import TrafficChecker
from citcall_contract.contract.traffic.files import TrafficFileError, json_lines
from citcall_contract.contract.traffic.matching import MAX_SUGGESTIONS
from citcall_contract.contract.traffic.scanner import MAX_VALUE_CHARS
from citcall_contract.contract.traffic.tally import PART_SCALE

#: A part smaller than this is not worth a process.
MIN_PART_BYTES = 8 * 1024 * 1024
MAX_WORKERS = 8
_READ = 1024 * 1024


def workers() -> int:
    """How many processes may check at once here (1: check in this process)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def _next_line_start(handle: BinaryIO, offset: int) -> int | None:
    """The offset just past the first newline at or after `offset` (None: none near)."""
    handle.seek(offset)
    scanned = 0
    while scanned <= MAX_VALUE_CHARS * 4:  # a line is at most that many bytes
        chunk = handle.read(_READ)
        if not chunk:
            return None
        found = chunk.find(b"\n")
        if found >= 0:
            return offset + scanned + found + 1
        scanned += len(chunk)
    return None


def split(path: Path, parts: int) -> list[tuple[int, int, int]]:
    """(start, end, first line number) of up to `parts` pieces cut at line starts."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        starts = [0]
        for index in range(1, parts):
            start = _next_line_start(handle, size * index // parts)
            if start is None or start >= size:
                break
            if start > starts[-1]:
                starts.append(start)
        ends = [*starts[1:], size]
        lines, first_lines, position = 0, [], 0
        for start in starts:
            handle.seek(position)
            lines += _count_newlines(handle, start - position)
            first_lines.append(lines + 1)
            position = start
    return list(zip(starts, ends, first_lines, strict=True))


def _count_newlines(handle: BinaryIO, size: int) -> int:
    count = 0
    while size > 0:
        chunk = handle.read(min(_READ, size))
        if not chunk:
            break
        count += chunk.count(b"\n")
        size -= len(chunk)
    return count


def _check_part(checker: TrafficChecker, path: Path, part: tuple[int, int, int], out: Any) -> None:
    """In a forked process: check one part, send back its tallies (or the error)."""
    try:
        checker.afresh(PART_SCALE)
        start, end, first_line = part
        for entry in json_lines(path, start, end, first_line):
            checker.check(entry.data, entry.where)
        out.send(("ok", checker.report, checker.matcher.suggestions))
    except TrafficFileError as exc:
        out.send(("error", str(exc)))
    except Exception as exc:
        out.send(("error", f"{path}: {type(exc).__name__}: {exc}"))
    finally:
        out.close()


def check_in_parallel(checker: TrafficChecker, path: Path) -> bool:
    """Check a JSON-lines file in parts on several cores into `checker.report`; False
    (nothing done) when the file is small or forking is not safe here."""
    count = min(workers(), path.stat().st_size // MIN_PART_BYTES)
    if count < 2:
        return False
    parts = split(path, count)
    if len(parts) < 2:
        return False
    checker.warm()
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    running = []
    for part in parts:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_check_part, args=(checker, path, part, writer))
        process.start()
        writer.close()
        running.append((process, reader))
    results = []
    for process, reader in running:
        try:
            results.append(reader.recv())
        except EOFError:
            results.append(("error", f"{path}: a checking process ended without an answer"))
        process.join()
    for result in results:
        if result[0] == "error":
            raise TrafficFileError(result[1])
    suggestions: Counter[str] = checker.matcher.suggestions
    for _, report, found in results:
        checker.report.merge(report)
        for base, seen in found.items():
            if base in suggestions or len(suggestions) < MAX_SUGGESTIONS:
                suggestions[base] += seen
    return True
