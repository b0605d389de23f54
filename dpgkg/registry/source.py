"""Where the registry comes from: a local folder, or the URL of a repository archive.

An archive is downloaded once into the cache (keyed by URL), its SHA-256 recorded and,
when the caller pins one, checked; extraction refuses paths that escape the target.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from dpgkg import USER_AGENT

MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
TIMEOUT = (10, 60)


class RegistrySourceError(ValueError):
    """The registry source cannot be used."""


@dataclass(frozen=True)
class RegistrySource:
    """A registry folder ready to read, with what is known of its origin."""

    folder: Path
    url: str | None = None
    archive_sha256: str | None = None


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def resolve_registry(
    location: str, cache: Path, sha256: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> RegistrySource:
    """A folder as is; a URL downloaded (once) and extracted into CACHE."""
    if not is_url(location):
        folder = Path(location)
        if not folder.is_dir():
            raise RegistrySourceError(f"registry {location}: no such folder")
        return RegistrySource(folder)
    archive, digest = _download(location, cache / "archives", progress)
    if sha256 and sha256.lower() != digest:
        raise RegistrySourceError(f"registry archive {location}: SHA-256 {digest} does not "
                                  f"match the expected {sha256}")
    folder = cache / "registry" / digest
    if not folder.is_dir():
        _extract(archive, folder)
    return RegistrySource(folder, location, digest)


def _download(url: str, folder: Path, progress: Callable[[int, int | None], None] | None
              ) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(url.encode()).hexdigest()[:32]
    target, meta = folder / key, folder / f"{key}.json"
    if target.is_file() and meta.is_file():
        return target, json.loads(meta.read_text())["sha256"]
    tmp = folder / f"{key}.part"
    h = hashlib.sha256()
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT,
                          headers={"User-Agent": USER_AGENT}) as resp:
            resp.raise_for_status()
            total = int(resp.headers.get("Content-Length") or 0) or None
            if total and total > MAX_ARCHIVE_BYTES:
                raise RegistrySourceError(f"{url}: {total} bytes is over the "
                                          f"{MAX_ARCHIVE_BYTES} byte limit")
            done = 0
            with tmp.open("wb") as fh:
                for chunk in resp.iter_content(1 << 16):
                    done += len(chunk)
                    if done > MAX_ARCHIVE_BYTES:
                        raise RegistrySourceError(f"{url}: archive over {MAX_ARCHIVE_BYTES} bytes")
                    h.update(chunk)
                    fh.write(chunk)
                    if progress:
                        progress(done, total)
    except requests.RequestException as exc:
        tmp.unlink(missing_ok=True)
        raise RegistrySourceError(f"cannot download {url}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    digest = h.hexdigest()
    tmp.replace(target)
    meta.write_text(json.dumps({"url": url, "sha256": digest}))
    return target, digest


def _extract(archive: Path, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                for name in zf.namelist():
                    dest = (tmp / name).resolve()
                    if not dest.is_relative_to(tmp.resolve()):
                        raise RegistrySourceError(f"{archive}: unsafe path {name!r} in archive")
                zf.extractall(tmp)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                # The "data" filter refuses absolute paths, links out of the tree and devices.
                tf.extractall(tmp, filter="data")
        else:
            raise RegistrySourceError(f"{archive}: not a zip or tar archive")
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RegistrySourceError(f"cannot extract the registry archive: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.rename(folder)
