"""Two versions of one schema compared keyword by keyword, each change with its `Effect`.

The walk follows `$ref`s in both documents; a change inside a referenced component is
reported at the component (`#/components/schemas/Trxid/pattern`), once per place it is
met. Objects are read closed-world: senders send only the properties a schema names,
so a new optional property narrows nothing, while a property that disappears from a
schema leaves its values unconstrained (a widening: readers lose what they were
promised). Inside `anyOf`/`oneOf`, a branch that widens is harmless when another old
branch already accepted all it now accepts (the open `Rc`: a new `ResponseCode` value
is still an integer 0-999); `subset.is_subset` decides that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.contract.compat.document import CircularReference, Document
from citcall_contract.contract.compat.effects import Effect
from citcall_contract.contract.compat.patterns import pattern_effect
from citcall_contract.contract.compat.subset import is_subset

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
#: Extensions that carry rules clients and the sandbox apply: a change changes behaviour.
BEHAVIOUR_EXTENSIONS = (
    "x-delivered-dial-codes",
    "x-dial-code-classes",
    "x-otp-digits",
    "x-sms-parts",
    "x-home-country-code",
)


@dataclass(frozen=True)
class SchemaChange:
    where: str
    rule: str
    effect: Effect
    message: str


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _covered(kind: str, types: set[str]) -> bool:
    return kind in types or (kind == "integer" and "number" in types)


def _within(inner: Any, outer: Any) -> bool:
    return inner is not None and outer is not None and is_subset(inner, outer)


def _added_or_dropped(before: object, after: object) -> Effect | None:
    """A constraining keyword added narrows, one dropped widens; None when both have one."""
    if before is None:
        return Effect.NARROWED
    if after is None:
        return Effect.WIDENED
    return None


def _multiple_effect(before: Any, after: Any) -> Effect:
    """`multipleOf` changed: a divisor of the old step widens, a multiple of it narrows."""
    if before % after == 0:
        return Effect.WIDENED
    return Effect.NARROWED if after % before == 0 else Effect.CHANGED


def _enum(schema: Mapping[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    values = schema.get("enum")
    return list(values) if isinstance(values, list) else None


class SchemaComparer:
    """Compares schemas of two documents; one instance per diff (it memoises components)."""

    def __init__(self, old: Document, new: Document) -> None:
        self.old = old
        self.new = new
        self._memo: dict[tuple[str, str], list[SchemaChange]] = {}
        self._active: set[tuple[str, str]] = set()

    def compare(self, old: Any, new: Any, where: str) -> list[SchemaChange]:
        old_ref = old.get("$ref") if isinstance(old, Mapping) else None
        new_ref = new.get("$ref") if isinstance(new, Mapping) else None
        if isinstance(new_ref, str):
            where = new_ref
        if isinstance(old_ref, str) or isinstance(new_ref, str):
            key = (str(old_ref), str(new_ref) + "@" + where)
            if key in self._memo:
                return self._memo[key]
            if key in self._active:
                return []
            self._active.add(key)
            try:
                found = self._compare(self.old.resolve(old), self.new.resolve(new), where)
            finally:
                self._active.discard(key)
            self._memo[key] = found
            return found
        return self._compare(old, new, where)

    def _compare(self, old: Any, new: Any, where: str) -> list[SchemaChange]:
        old = {} if old is True else old
        new = {} if new is True else new
        if old is False or new is False:
            return self._booleans(old, new, where)
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return []
        changes: list[SchemaChange] = []
        restructured = self._restructured(old, new, where)
        if restructured is not None:
            return [
                restructured,
                *self._default(old, new, where),
                *self._extensions(old, new, where),
            ]
        changes += self._type(old, new, where)
        changes += self._enum(old, new, where)
        changes += self._bounds(old, new, where)
        changes += self._strings(old, new, where)
        changes += self._objects(old, new, where)
        changes += self._arrays(old, new, where)
        changes += self._branches(old, new, where, "anyOf")
        changes += self._branches(old, new, where, "oneOf")
        changes += self._all_of(old, new, where)
        changes += self._negation(old, new, where)
        changes += self._conditional(old, new, where)
        changes += self._default(old, new, where)
        changes += self._extensions(old, new, where)
        return changes

    @staticmethod
    def _inline(doc: Document, schema: Any) -> Any:
        """The inlined schema, or None for a recursive one (no subset can be shown)."""
        try:
            return doc.inline(schema)
        except CircularReference:
            return None

    # --- keywords ---------------------------------------------------------------------

    def _restructured(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> SchemaChange | None:
        """A combinator that appears or goes (a field made nullable with `anyOf`, a type
        replaced by one of its branches): keyword-by-keyword reading would mislead, so the
        whole schemas are compared by subset."""
        keyword = next((k for k in ("anyOf", "oneOf", "allOf") if (k in old) != (k in new)), None)
        if keyword is None:
            return None
        try:
            before, after = self.old.inline(old), self.new.inline(new)
        except CircularReference:
            narrower = wider = False
        else:
            narrower, wider = is_subset(after, before), is_subset(before, after)
        if narrower and wider:
            effect, text = Effect.NEUTRAL, "the same values"
        elif narrower:
            effect, text = Effect.NARROWED, "fewer values"
        elif wider:
            effect, text = Effect.WIDENED, "more values"
        else:
            effect, text = Effect.CHANGED, "other values"
        action = "added" if keyword in new else "removed"
        return SchemaChange(
            where, "schema-restructured", effect, f"{keyword} {action}: now accepts {text}"
        )

    def _booleans(self, old: Any, new: Any, where: str) -> list[SchemaChange]:
        def accepts_all(schema: Any) -> bool:
            return schema is True or (isinstance(schema, Mapping) and not schema)

        def accepts_none(schema: Any) -> bool:
            return schema is False

        if (accepts_all(old) and accepts_all(new)) or (accepts_none(old) and accepts_none(new)):
            return []
        if accepts_none(old) or accepts_all(new):
            return [SchemaChange(where, "schema-opened", Effect.WIDENED, "now accepts anything")]
        return [SchemaChange(where, "schema-closed", Effect.NARROWED, "now accepts nothing")]

    def _type(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        before, after = _types(old), _types(new)
        if before == after:
            return []
        at = f"{where}/type"
        if before is None:
            return [
                SchemaChange(at, "type-added", Effect.NARROWED, f"type now {sorted(after or [])}")
            ]
        if after is None:
            return [SchemaChange(at, "type-removed", Effect.WIDENED, "any type now accepted")]
        changes = []
        added = sorted(t for t in after if not _covered(t, before))
        removed = sorted(t for t in before if not _covered(t, after))
        if added:
            changes.append(SchemaChange(at, "type-widened", Effect.WIDENED, f"type {added} added"))
        if removed:
            changes.append(
                SchemaChange(at, "type-narrowed", Effect.NARROWED, f"type {removed} removed")
            )
        return changes

    def _enum(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        before, after = _enum(old), _enum(new)
        if before is None and after is None:
            return []
        at = f"{where}/enum"
        if before is None:
            return [SchemaChange(at, "enum-added", Effect.NARROWED, f"values limited to {after}")]
        if after is None:
            return [SchemaChange(at, "enum-removed", Effect.WIDENED, "values no longer limited")]
        old_keys = {_key(v) for v in before}
        new_keys = {_key(v) for v in after}
        changes = []
        added = [v for v in after if _key(v) not in old_keys]
        removed = [v for v in before if _key(v) not in new_keys]
        if added:
            changes.append(
                SchemaChange(at, "enum-value-added", Effect.WIDENED, f"value(s) {added} added")
            )
        if removed:
            changes.append(
                SchemaChange(
                    at, "enum-value-removed", Effect.NARROWED, f"value(s) {removed} removed"
                )
            )
        return changes

    def _bounds(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes = []
        for keyword in (*LOWER_BOUNDS, *UPPER_BOUNDS):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            lower = keyword in LOWER_BOUNDS
            if before is None:
                effect, text = Effect.NARROWED, f"{keyword} {after} added"
            elif after is None:
                effect, text = Effect.WIDENED, f"{keyword} {before} removed"
            else:
                tighter = after > before if lower else after < before
                effect = Effect.NARROWED if tighter else Effect.WIDENED
                text = f"{keyword} {before} -> {after}"
            rule = f"{keyword}-{'narrowed' if effect is Effect.NARROWED else 'widened'}"
            changes.append(SchemaChange(f"{where}/{keyword}", rule, effect, text))
        before, after = old.get("multipleOf"), new.get("multipleOf")
        if before != after:
            effect = _added_or_dropped(before, after) or _multiple_effect(before, after)
            changes.append(
                SchemaChange(
                    f"{where}/multipleOf", "multipleOf-changed", effect, f"{before} -> {after}"
                )
            )
        return changes

    def _strings(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes = []
        before, after = old.get("pattern"), new.get("pattern")
        if before != after:
            effect = _added_or_dropped(before, after) or pattern_effect(str(before), str(after))
            changes.append(
                SchemaChange(
                    f"{where}/pattern",
                    f"pattern-{effect.value}",
                    effect,
                    f"{before!r} -> {after!r}",
                )
            )
        before, after = old.get("format"), new.get("format")
        if before != after:
            effect = _added_or_dropped(before, after) or Effect.CHANGED
            changes.append(
                SchemaChange(f"{where}/format", "format-changed", effect, f"{before} -> {after}")
            )
        return changes

    def _objects(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes: list[SchemaChange] = []
        old_props: Mapping[str, Any] = old.get("properties", {})
        new_props: Mapping[str, Any] = new.get("properties", {})
        old_closed = old.get("additionalProperties") is False
        new_closed = new.get("additionalProperties") is False
        for name in old_props:
            at = f"{where}/properties/{name}"
            if name in new_props:
                changes += self.compare(old_props[name], new_props[name], at)
            elif new_closed:
                changes.append(
                    SchemaChange(at, "property-removed", Effect.NARROWED, f"{name!r} now refused")
                )
            else:
                changes.append(
                    SchemaChange(at, "property-removed", Effect.WIDENED, f"{name!r} removed")
                )
        for name in new_props:
            if name not in old_props:
                effect = Effect.WIDENED if old_closed else Effect.NEUTRAL
                changes.append(
                    SchemaChange(
                        f"{where}/properties/{name}", "property-added", effect, f"{name!r} added"
                    )
                )
        old_required = set(old.get("required", []))
        new_required = set(new.get("required", []))
        for name in sorted(new_required - old_required):
            changes.append(
                SchemaChange(
                    f"{where}/required", "required-added", Effect.NARROWED, f"{name!r} now required"
                )
            )
        for name in sorted(old_required - new_required):
            changes.append(
                SchemaChange(
                    f"{where}/required",
                    "required-removed",
                    Effect.WIDENED,
                    f"{name!r} no longer required",
                )
            )
        changes += self._additional(old, new, where)
        return changes

    def _additional(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        before, after = old.get("additionalProperties"), new.get("additionalProperties")
        at = f"{where}/additionalProperties"

        def free(value: Any) -> bool:
            return value is None or value is True or (isinstance(value, Mapping) and not value)

        if (free(before) and free(after)) or before == after:
            return []
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            return self.compare(before, after, at)
        if before is False:
            return [
                SchemaChange(
                    at,
                    "additional-properties-allowed",
                    Effect.WIDENED,
                    "unnamed properties now allowed",
                )
            ]
        if after is False:
            return [
                SchemaChange(
                    at,
                    "additional-properties-refused",
                    Effect.NARROWED,
                    "unnamed properties now refused",
                )
            ]
        if free(before):
            return [
                SchemaChange(
                    at,
                    "additional-properties-limited",
                    Effect.NARROWED,
                    "unnamed properties now constrained",
                )
            ]
        return [
            SchemaChange(
                at,
                "additional-properties-freed",
                Effect.WIDENED,
                "unnamed properties no longer constrained",
            )
        ]

    def _arrays(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes: list[SchemaChange] = []
        if "items" in old or "items" in new:
            changes += self.compare(
                old.get("items", True), new.get("items", True), f"{where}/items"
            )
        if old.get("uniqueItems", False) != new.get("uniqueItems", False):
            effect = Effect.NARROWED if new.get("uniqueItems") else Effect.WIDENED
            changes.append(
                SchemaChange(
                    f"{where}/uniqueItems", "uniqueItems-changed", effect, "uniqueItems changed"
                )
            )
        return changes

    def _branches(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str, keyword: str
    ) -> list[SchemaChange]:
        before: list[Any] = list(old.get(keyword, []))
        after: list[Any] = list(new.get(keyword, []))
        if not before and not after:
            return []
        at = f"{where}/{keyword}"
        if not before or not after:
            effect = Effect.NARROWED if after else Effect.WIDENED
            return [
                SchemaChange(
                    at,
                    f"{keyword}-{'added' if after else 'removed'}",
                    effect,
                    f"{keyword} {'added' if after else 'removed'}",
                )
            ]
        old_union = self._inline(self.old, {keyword: before})
        new_union = self._inline(self.new, {keyword: after})
        pairs, added, removed = self._pair(before, after)
        changes: list[SchemaChange] = []
        for old_index, new_index in pairs:
            branch_at = f"{at}/{new_index}"
            found = self.compare(before[old_index], after[new_index], branch_at)
            if not found:
                continue
            widening_absorbed = _within(self._inline(self.new, after[new_index]), old_union)
            narrowing_absorbed = _within(self._inline(self.old, before[old_index]), new_union)
            for change in found:
                effect = change.effect
                if widening_absorbed:
                    effect = effect.without_widening()
                if narrowing_absorbed:
                    effect = effect.without_narrowing()
                note = "" if effect is change.effect else " (another branch already covers it)"
                changes.append(
                    SchemaChange(change.where, change.rule, effect, change.message + note)
                )
        for index in added:
            covered = _within(self._inline(self.new, after[index]), old_union)
            effect = Effect.NEUTRAL if covered else Effect.WIDENED
            changes.append(
                SchemaChange(
                    f"{at}/{index}",
                    f"{keyword}-branch-added",
                    effect,
                    "branch added" + (" (already covered)" if covered else ""),
                )
            )
        for index in removed:
            covered = _within(self._inline(self.old, before[index]), new_union)
            effect = Effect.NEUTRAL if covered else Effect.NARROWED
            changes.append(
                SchemaChange(
                    f"{at}/{index}",
                    f"{keyword}-branch-removed",
                    effect,
                    f"branch {index} removed" + (" (still covered)" if covered else ""),
                )
            )
        return changes

    def _pair(
        self, before: list[Any], after: list[Any]
    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """Match branches by `$ref` name, then by type, then by position."""
        free_old = list(range(len(before)))
        pairs: list[tuple[int, int]] = []
        unmatched: list[int] = []

        def signature(doc: Document, branch: Any) -> str:
            resolved = doc.resolve(branch)
            if not isinstance(resolved, Mapping):
                return _key(resolved)
            return _key([sorted(_types(resolved) or []), "enum" in resolved or "const" in resolved])

        def ref_name(branch: Any) -> str | None:
            ref = branch.get("$ref") if isinstance(branch, Mapping) else None
            return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None

        def same_ref(o: int, n: int) -> bool:
            name = ref_name(before[o])
            return name is not None and name == ref_name(after[n])

        def same_shape(o: int, n: int) -> bool:
            return signature(self.old, before[o]) == signature(self.new, after[n])

        for matcher in (same_ref, same_shape):
            unmatched = []
            for n in [i for i in range(len(after)) if i not in {p[1] for p in pairs}]:
                match = next((o for o in free_old if matcher(o, n)), None)
                if match is None:
                    unmatched.append(n)
                else:
                    pairs.append((match, n))
                    free_old.remove(match)
        return sorted(pairs, key=lambda p: p[1]), unmatched, free_old

    def _all_of(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        before: list[Any] = list(old.get("allOf", []))
        after: list[Any] = list(new.get("allOf", []))
        changes: list[SchemaChange] = []
        for index in range(max(len(before), len(after))):
            at = f"{where}/allOf/{index}"
            if index < len(before) and index < len(after):
                changes += self.compare(before[index], after[index], at)
            elif index < len(after):
                changes.append(
                    SchemaChange(at, "allOf-part-added", Effect.NARROWED, "allOf part added")
                )
            else:
                changes.append(
                    SchemaChange(at, "allOf-part-removed", Effect.WIDENED, "allOf part removed")
                )
        return changes

    def _negation(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        if "not" not in old and "not" not in new:
            return []
        at = f"{where}/not"
        if "not" not in old:
            return [SchemaChange(at, "not-added", Effect.NARROWED, "exclusion added")]
        if "not" not in new:
            return [SchemaChange(at, "not-removed", Effect.WIDENED, "exclusion removed")]
        return [
            SchemaChange(c.where, c.rule, c.effect.flipped(), c.message)
            for c in self.compare(old["not"], new["not"], at)
        ]

    def _conditional(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes: list[SchemaChange] = []
        if _key(self._inline(self.old, old.get("if"))) != _key(
            self._inline(self.new, new.get("if"))
        ):
            changes.append(
                SchemaChange(
                    f"{where}/if", "condition-changed", Effect.CHANGED, "if condition changed"
                )
            )
            return changes
        if "if" not in new:
            return changes
        for keyword, default_absent in (("then", True), ("else", True)):
            before, after = old.get(keyword, default_absent), new.get(keyword, default_absent)
            changes += self.compare(before, after, f"{where}/{keyword}")
        return changes

    def _default(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        """A changed `default` changes what an omitted value means; one that appears or goes
        only documents (or stops documenting) what the gateway does."""
        before, after = old.get("default"), new.get("default")
        if before == after:
            return []
        effect = Effect.OMISSION if "default" in old and "default" in new else Effect.NEUTRAL
        return [
            SchemaChange(
                f"{where}/default", "default-changed", effect, f"default {before!r} -> {after!r}"
            )
        ]

    def _extensions(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        changes: list[SchemaChange] = []
        changes += self._categories(old, new, where)
        changes += self._words(old, new, where)
        changes += self._national_digits(old, new, where)
        for keyword in BEHAVIOUR_EXTENSIONS:
            if _key(old.get(keyword)) != _key(new.get(keyword)):
                changes.append(
                    SchemaChange(
                        f"{where}/{keyword}", "rule-changed", Effect.SEMANTIC, f"{keyword} changed"
                    )
                )
        return changes

    def _categories(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        """`x-enum-categories`: an existing code moved to another category changes its handling."""

        def table(schema: Mapping[str, Any]) -> dict[str, Any]:
            return dict(
                zip(
                    (_key(v) for v in schema.get("enum", [])),
                    schema.get("x-enum-categories", []),
                    strict=False,
                )
            )

        before, after = table(old), table(new)
        return [
            SchemaChange(
                f"{where}/x-enum-categories",
                "category-changed",
                Effect.SEMANTIC,
                f"value {value} moved from {before[value]!r} to {after[value]!r}",
            )
            for value in before
            if value in after and before[value] != after[value]
        ]

    def _words(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        """`x-otp-words`: texts with these words are refused, so a new word narrows."""
        before, after = set(old.get("x-otp-words", [])), set(new.get("x-otp-words", []))
        changes = []
        if after - before:
            changes.append(
                SchemaChange(
                    f"{where}/x-otp-words",
                    "refused-words-added",
                    Effect.NARROWED,
                    f"now refused: {sorted(after - before)}",
                )
            )
        if before - after:
            changes.append(
                SchemaChange(
                    f"{where}/x-otp-words",
                    "refused-words-removed",
                    Effect.WIDENED,
                    f"no longer refused: {sorted(before - after)}",
                )
            )
        return changes

    def _national_digits(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: str
    ) -> list[SchemaChange]:
        """`x-national-digits`: digit-count bounds per country code."""

        def table(schema: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
            return {
                str(row["country_code"]): (int(row["min"]), int(row["max"]))
                for row in schema.get("x-national-digits", [])
            }

        before, after = table(old), table(new)
        at = f"{where}/x-national-digits"
        changes = []
        for country in sorted(set(before) | set(after)):
            if before.get(country) == after.get(country):
                continue
            if country not in before:
                effect = Effect.NARROWED
            elif country not in after:
                effect = Effect.WIDENED
            else:
                (lo, hi), (new_lo, new_hi) = before[country], after[country]
                narrower = new_lo > lo or new_hi < hi
                wider = new_lo < lo or new_hi > hi
                effect = (
                    Effect.CHANGED
                    if narrower and wider
                    else Effect.NARROWED
                    if narrower
                    else Effect.WIDENED
                )
            changes.append(
                SchemaChange(
                    at,
                    "national-digits-changed",
                    effect,
                    f"country {country}: {before.get(country)} -> {after.get(country)}",
                )
            )
        return changes
