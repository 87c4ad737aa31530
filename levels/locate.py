"""Where things are in a TOML source: line and column of keys, tables, values and
of single characters inside string values (the maps).

`tomllib` returns plain dicts with no positions, so `Locator` scans the source once
more and records, for every path into the document, where it starts. A path is a
tuple of keys and array indices, the same one the parser uses to reach a value:
`("train", 2, "map")`, `("legend", "b", "color")`, `("rules", "reward", "coin")`.

The scanner assumes the text is valid TOML (the parser only asks for positions
after `tomllib` has accepted it). It is best effort: should it ever fail, it keeps
what it recorded so far, and lookups fall back to the nearest enclosing path, then
to the start of the file. It never raises.
"""

from __future__ import annotations

import bisect

Path = tuple  # tuple[str | int, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class Locator:
    """Positions in one TOML source text. All positions returned are 1-based
    (line, column), columns counted in characters."""

    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(i + 1)
        self.keys: dict[Path, int] = {}     # path -> index of the key (or table header)
        self.values: dict[Path, int] = {}   # path -> index of the value's first character
        self.strings: dict[Path, tuple[str, int, int]] = {}  # path -> (kind, start, end)
        self._aot_count: dict[Path, int] = {}
        # keys written twice, as (path, index of the second, index of the first):
        # found even in text tomllib rejects, so its vague error can be made precise
        self.duplicates: list[tuple[Path, int, int]] = []
        self._i = 0
        try:
            self._scan()
        except Exception:  # noqa: BLE001 - positions are best effort
            pass

    # --- lookups ---------------------------------------------------------------

    def linecol(self, index: int) -> tuple[int, int]:
        index = max(0, min(index, len(self.text)))
        line = bisect.bisect_right(self._line_starts, index) - 1
        return line + 1, index - self._line_starts[line] + 1

    def key(self, path: Path) -> tuple[int, int]:
        """Where the key (or table header) for `path` is written; falls back to the
        nearest enclosing path that has a position, then to line 1, column 1."""
        path = tuple(path)
        while path:
            if path in self.keys:
                return self.linecol(self.keys[path])
            if path in self.values:
                return self.linecol(self.values[path])
            path = path[:-1]
        return 1, 1

    def value(self, path: Path) -> tuple[int, int]:
        """Where the value at `path` starts (falls back like `key`)."""
        path = tuple(path)
        if path in self.values:
            return self.linecol(self.values[path])
        return self.key(path)

    def char(self, path: Path, offset: int) -> tuple[int, int]:
        """Where the character at `offset` of the decoded string at `path` is written
        (offset == len(string) gives the closing delimiter's position)."""
        path = tuple(path)
        info = self.strings.get(path)
        if info is None:
            return self.value(path)
        kind, start, end = info
        text = self.text
        i = start
        if kind.startswith("ml") and text.startswith("\n", i):
            i += 1  # TOML trims a newline right after the opening delimiter
        if kind.endswith("literal"):
            return self.linecol(min(i + offset, end))
        k = 0
        while i < end:
            if k >= offset:
                return self.linecol(i)
            ch = text[i]
            if ch == "\\" and i + 1 < end:
                nxt = text[i + 1]
                if nxt in _ESCAPES:
                    i += 2
                elif nxt == "u":
                    i += 6
                elif nxt == "U":
                    i += 10
                else:  # line-ending backslash: skip it and all whitespace after it
                    i += 1
                    while i < end and text[i] in " \t\r\n":
                        i += 1
                    continue
                k += 1
            else:
                i += 1
                k += 1
        return self.linecol(min(i, end))

    # --- the scanner -------------------------------------------------------------

    def _peek(self, n: int = 1) -> str:
        return self.text[self._i:self._i + n]

    def _skip_ws(self, newlines: bool = False) -> None:
        text, n = self.text, len(self.text)
        while self._i < n:
            ch = text[self._i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self._i += 1
            elif ch == "#" and newlines:
                while self._i < n and text[self._i] != "\n":
                    self._i += 1
            else:
                return

    def _skip_comment_line(self) -> None:
        text, n = self.text, len(self.text)
        self._skip_ws()
        if self._i < n and text[self._i] == "#":
            while self._i < n and text[self._i] != "\n":
                self._i += 1

    def _scan(self) -> None:
        text, n = self.text, len(self.text)
        table: Path = ()
        while True:
            self._skip_ws(newlines=True)
            if self._i >= n:
                return
            start = self._i
            if text.startswith("[[", self._i):
                self._i += 2
                names = self._dotted_key()[0]
                self._skip_ws()
                self._i += 2  # ]]
                prefix = self._resolve(names[:-1])
                full = prefix + (names[-1],)
                idx = self._aot_count.get(full, -1) + 1
                self._aot_count[full] = idx
                table = full + (idx,)
                self.keys.setdefault(full, start)
                self.keys[table] = start
            elif text[self._i] == "[":
                self._i += 1
                names = self._dotted_key()[0]
                self._skip_ws()
                self._i += 1  # ]
                table = self._resolve(names)
                self.keys[table] = start
            else:
                self._keyval(table)
            self._skip_comment_line()

    def _resolve(self, names) -> Path:
        """The path of a table header's names: an array of tables in the way stands
        for its latest element."""
        path: list = []
        for name in names:
            path.append(name)
            t = tuple(path)
            if t in self._aot_count:
                path.append(self._aot_count[t])
        return tuple(path)

    def _keyval(self, table: Path) -> None:
        names, starts = self._dotted_key()
        for j, s in enumerate(starts):
            self.keys.setdefault(table + tuple(names[:j + 1]), s)
        full = table + tuple(names)
        if full in self.values:
            self.duplicates.append((full, starts[-1], self.keys.get(full, self.values[full])))
        self.keys[full] = starts[-1]
        self._skip_ws()
        self._i += 1  # =
        self._skip_ws()
        self._value(full)

    def _dotted_key(self) -> tuple[list[str], list[int]]:
        names, starts = [], []
        while True:
            self._skip_ws()
            starts.append(self._i)
            names.append(self._key_part())
            self._skip_ws()
            if self._peek() == ".":
                self._i += 1
                continue
            return names, starts

    def _key_part(self) -> str:
        text, n = self.text, len(self.text)
        ch = text[self._i]
        if ch == '"':
            start = self._i + 1
            end = self._basic_end(start)
            self._i = end + 1
            return _decode_basic(text[start:end])
        if ch == "'":
            start = self._i + 1
            end = text.index("'", start)
            self._i = end + 1
            return text[start:end]
        start = self._i
        while self._i < n and text[self._i] in _BARE:
            self._i += 1
        if self._i == start:
            raise ValueError("no key")
        return text[start:self._i]

    def _basic_end(self, i: int) -> int:
        text = self.text
        while text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i

    def _value(self, path: Path) -> None:
        text, n = self.text, len(self.text)
        self.values[path] = self._i
        if text.startswith('"""', self._i) or text.startswith("'''", self._i):
            quote = text[self._i]
            start = self._i + 3
            i = start
            while True:
                if i >= n:
                    raise ValueError("unterminated string")  # only in text tomllib rejects
                if quote == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(quote * 3, i):
                    run = 3
                    while i + run < n and text[i + run] == quote and run < 5:
                        run += 1
                    end = i + run - 3
                    self._i = i + run
                    break
                i += 1
            kind = "ml_basic" if quote == '"' else "ml_literal"
            self.strings[path] = (kind, start, end)
        elif text[self._i] == '"':
            start = self._i + 1
            end = self._basic_end(start)
            self._i = end + 1
            self.strings[path] = ("basic", start, end)
        elif text[self._i] == "'":
            start = self._i + 1
            end = text.index("'", start)
            self._i = end + 1
            self.strings[path] = ("literal", start, end)
        elif text[self._i] == "[":
            self._i += 1
            k = 0
            while True:
                self._skip_ws(newlines=True)
                if self._peek() == "]":
                    self._i += 1
                    return
                self._value(path + (k,))
                k += 1
                self._skip_ws(newlines=True)
                if self._peek() == ",":
                    self._i += 1
        elif text[self._i] == "{":
            self._i += 1
            while True:
                self._skip_ws(newlines=True)
                if self._peek() == "}":
                    self._i += 1
                    return
                self._keyval(path)
                self._skip_ws(newlines=True)
                if self._peek() == ",":
                    self._i += 1
        else:
            start = self._i
            while self._i < n and text[self._i] not in ",]}\n#":
                self._i += 1
            if self._i == start:
                raise ValueError("no value")  # only in text tomllib rejects


def _decode_basic(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = 4 if nxt == "u" else 8 if nxt == "U" else 0
            if width:
                try:
                    out.append(chr(int(raw[i + 2:i + 2 + width], 16)))
                except ValueError:
                    pass
                i += 2 + width
                continue
        out.append(ch)
        i += 1
    return "".join(out)
