"""The page cache that lets an interrupted harvest resume.

Every page a URL harvest fetches is written here (body, URL, media type) under
``<cache>/harvest/<NAME>/`` before it is mapped, so a harvest that stops (a fetch failing
after retries, a kill) resumes where it stopped without fetching those pages again; a
completed harvest clears it. ``state.json`` (source, kind, page size) is written once, before
the first page, and replaced atomically; each page then appends one line to ``pages.jsonl``
after its body is written, so a page costs the same however many came before it. A kill
mid-append leaves a torn last line, which is skipped: the harvest resumes before that page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from dpgkg.catalogues.kinds import Page

STATE, PAGES = "state.json", "pages.jsonl"


class PageCache:
    """Pages of one harvest on disk: ``state.json``, ``pages.jsonl`` and ``NNNNN.body``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.state: dict[str, Any] = {}
        self._written = False  # state.json is on disk

    def open(self, source: str, kind: str, page_size: int, resume: bool) -> list[Page]:
        """The cached pages of an interrupted harvest of the same source, else start anew."""
        try:
            state = json.loads((self.directory / STATE).read_text(encoding="utf-8")
                               ) if resume else None
        except (OSError, ValueError):
            state = None
        if (not isinstance(state, dict) or state.get("source") != source
                or state.get("page_size") != page_size
                or kind not in ("auto", state.get("kind"))):
            shutil.rmtree(self.directory, ignore_errors=True)
            self.state = {"source": source, "kind": kind, "page_size": page_size}
            self._written = False
            return []
        self.state, self._written = state, True
        pages, lines = [], []
        for meta in self._entries():
            try:
                body = (self.directory / meta["file"]).read_bytes()
            except OSError:
                break  # a page lost mid-write: resume from the one before it
            pages.append(Page(meta["url"], meta["number"], body, meta["content_type"]))
            lines.append(json.dumps(meta) + "\n")
        self._replace(PAGES, "".join(lines))  # without what was dropped: appends follow on
        return pages

    def _entries(self) -> list[dict[str, Any]]:
        """The page entries of ``pages.jsonl`` up to the first torn or unreadable line."""
        try:
            text = (self.directory / PAGES).read_text(encoding="utf-8")
        except OSError:
            return []
        entries = []
        for line in text.splitlines(keepends=True):
            try:
                meta = json.loads(line) if line.endswith("\n") else None  # no "\n": torn
            except ValueError:
                meta = None
            if not isinstance(meta, dict) or not {"number", "url", "content_type",
                                                  "file"} <= meta.keys():
                break
            entries.append(meta)
        return entries

    def add(self, page: Page) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._written:
            self._write_state()
        name = f"{page.number:05d}.body"
        (self.directory / name).write_bytes(page.body)
        entry = {"number": page.number, "url": page.url, "content_type": page.content_type,
                 "file": name}
        with (self.directory / PAGES).open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def set_kind(self, kind: str) -> None:
        self.state["kind"] = kind
        if self._written:
            self._write_state()

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def _write_state(self) -> None:
        self._replace(STATE, json.dumps(self.state))
        self._written = True

    def _replace(self, name: str, text: str) -> None:
        tmp = self.directory / f"{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.directory / name)  # atomic: a kill leaves old or new
