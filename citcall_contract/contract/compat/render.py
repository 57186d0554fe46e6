"""A report as text (terminal), Markdown (changelog, review) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Literal, get_args

from citcall_contract.contract.compat.model import Audience, Change, Report

Format = Literal["text", "markdown", "json"]
#: The `--format` choices of `diff` and `compat`, the first the default.
FORMATS: tuple[Format, ...] = get_args(Format)


def render(report: Report, fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, sort_keys=False) + "\n"
    if fmt == "markdown":
        return markdown(report)
    return text(report)


def _via(change: Change) -> str:
    return f" (via {', '.join(change.contexts)})" if change.contexts else ""


def text(report: Report) -> str:
    lines = [
        f"{report.old_label} ({report.old_version}) -> {report.new_label} ({report.new_version})",
        "",
    ]
    for audience in Audience:
        changes = report.for_audience(audience)
        broken = sum(c.breaking for c in changes)
        lines.append(
            f"{audience.value:12} {report.verdict(audience).value:10} "
            f"{broken} breaking, {len(changes) - broken} compatible"
        )
    for breaking, heading in ((True, "BREAKING"), (False, "COMPATIBLE")):
        selected = [c for c in report.changes if c.breaking is breaking]
        if not selected:
            continue
        lines += ["", heading]
        for change in selected:
            lines.append(f"  [{change.audience.value}] {change.rule}: {change.message}")
            lines.append(f"      at {change.where}{_via(change)}")
            if change.witness is not None:
                lines.append(f"      e.g. {json.dumps(change.witness)[:200]}")
    if not report.changes:
        lines += ["", "no changes"]
    return "\n".join(lines) + "\n"


def markdown(report: Report, heading: str | None = None) -> str:
    title = heading or f"Changes {report.old_version} → {report.new_version}"
    lines = [f"## {title}", "", "| Audience | Verdict |", "|---|---|"]
    for audience in Audience:
        lines.append(f"| {audience.heading} | {report.verdict(audience).value} |")
    for breaking, section in ((True, "Breaking changes"), (False, "Compatible changes")):
        selected = [c for c in report.changes if c.breaking is breaking]
        if not selected:
            continue
        lines += ["", f"### {section}"]
        for audience in Audience:
            mine = [c for c in selected if c.audience is audience]
            if not mine:
                continue
            lines += ["", f"**{audience.heading}**", ""]
            for change in mine:
                message = change.message.replace("|", "\\|")
                lines.append(f"- {message} (`{change.rule}` at `{change.where}`){_via(change)}")
    if not report.changes:
        lines += ["", "No changes to the contract."]
    return "\n".join(lines) + "\n"
