"""The page cache that lets an interrupted harvest resume.

Every page a URL harvest fetches is written here (body, URL, media type) under
``<cache>/harvest/<NAME>/`` before it is mapped, so a harvest that stops (a fetch failing
after retries, a kill) resumes where it stopped without fetching those pages again; a
completed harvest clears it. ``state.json`` is replaced atomically after each page, so a
kill leaves either the old or the new list, never a torn one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from dpgkg.catalogues.kinds import Page


class PageCache:
    """Pages of one harvest on disk: ``state.json`` and ``NNNNN.body`` files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.state: dict[str, Any] = {}

    def open(self, source: str, kind: str, page_size: int, resume: bool) -> list[Page]:
        """The cached pages of an interrupted harvest of the same source, else start anew."""
        state_file = self.directory / "state.json"
        try:
            state = json.loads(state_file.read_text()) if resume else None
        except (OSError, ValueError):
            state = None
        fresh = {"source": source, "kind": kind, "page_size": page_size, "pages": []}
        if (not state or state.get("source") != source or state.get("page_size") != page_size
                or kind not in ("auto", state.get("kind"))):
            shutil.rmtree(self.directory, ignore_errors=True)
            self.state = fresh
            return []
        pages = []
        for meta in state.get("pages", []):
            try:
                body = (self.directory / meta["file"]).read_bytes()
            except OSError:
                break  # a page lost mid-write: resume from the one before it
            pages.append(Page(meta["url"], meta["number"], body, meta["content_type"]))
        state["pages"] = state["pages"][:len(pages)]
        self.state = state
        return pages

    def add(self, page: Page) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{page.number:05d}.body"
        (self.directory / name).write_bytes(page.body)
        self.state["pages"].append({"number": page.number, "url": page.url,
                                    "content_type": page.content_type, "file": name})
        tmp = self.directory / "state.json.tmp"
        tmp.write_text(json.dumps(self.state))
        tmp.replace(self.directory / "state.json")  # atomic: a kill leaves old or new

    def set_kind(self, kind: str) -> None:
        self.state["kind"] = kind

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
