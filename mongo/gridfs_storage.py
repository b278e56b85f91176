"""A Django storage backend over GridFS: files kept in MongoDB, so every app server reads what any one wrote.

Files are GridFS files of one bucket (`<bucket>.files` / `<bucket>.chunks`) named by their storage name
(`doctors/DOC001/RX-...-<uuid>.pdf`); the name is unique (the storage refuses to write a second file of a
name, Django then picks another). Directories are only prefixes of names, as in object stores.

With `fallback_location` (or `fallback=True`, meaning MEDIA_ROOT) the storage also reads files that are still
on the local disk: `open`, `exists`, `size`, `get_modified_time` and `listdir` look in GridFS first and then
on disk, `delete` removes both. New files always go to GridFS. `manage.py move_prescription_files_to_gridfs`
moves the disk files over (docs/operations.md#prescription-files-in-mongodb).

A write is one upload stream: its chunks first, then its `files` document, which is what makes the file
visible; a crash midway leaves chunks no name points at (the upload stream's own abort removes them on an
error it sees).
"""

import contextlib
import hashlib
import re
from datetime import UTC, datetime
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import connections
from django.utils.deconstruct import deconstructible
from gridfs import GridFSBucket, NoFile
from pymongo.collection import Collection

CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size


@deconstructible(path="mongo.gridfs_storage.GridFSStorage")
class GridFSStorage(Storage):
    def __init__(
        self,
        bucket: str = "fs",
        using: str = "default",
        fallback: bool = False,
        fallback_location: str | None = None,
    ) -> None:
        self.bucket_name = bucket
        self.using = using
        self.fallback: FileSystemStorage | None = (
            FileSystemStorage(location=fallback_location) if (fallback or fallback_location) else None
        )

    # --- MongoDB handles (looked up per call: tests and forks replace the connection) ---------------------

    @property
    def _database(self) -> Any:
        # The backend's pymongo Database (get_database() may wrap it for query logging); not in the stubs.
        return connections[self.using].database  # type: ignore[attr-defined]

    @property
    def _bucket(self) -> GridFSBucket:
        return GridFSBucket(self._database, bucket_name=self.bucket_name)

    @property
    def _files(self) -> Collection:
        return self._database[f"{self.bucket_name}.files"]

    def _document(self, name: str) -> dict[str, Any] | None:
        return self._files.find_one({"filename": name}, sort=[("uploadDate", -1)])

    # --- Storage API -----------------------------------------------------------------------------------------

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("GridFS files are written with save(), not opened for writing")
        try:
            stream = self._bucket.open_download_stream_by_name(name)
        except NoFile:
            if self.fallback is not None and self.fallback.exists(name):
                return self.fallback.open(name, mode)
            raise FileNotFoundError(name) from None
        return File(stream, name=name)

    def _save(self, name: str, content: File) -> str:
        digest = hashlib.sha256()
        content.seek(0)
        with self._bucket.open_upload_stream(name, chunk_size_bytes=CHUNK_BYTES) as upload:
            for chunk in content.chunks(CHUNK_BYTES):
                data = chunk.encode() if isinstance(chunk, str) else chunk
                digest.update(data)
                upload.write(data)
            upload.set("sha256", digest.hexdigest())  # checked by the move command (docs/operations.md)
        return name

    def delete(self, name: str) -> None:
        self.delete_from_gridfs(name)
        if self.fallback is not None:
            self.fallback.delete(name)

    def delete_from_gridfs(self, name: str) -> None:
        """Every GridFS file of this name (its chunks first, then its document); never the disk copy."""
        for document in list(self._files.find({"filename": name}, {"_id": 1})):
            with contextlib.suppress(NoFile):  # deleted meanwhile
                self._bucket.delete(document["_id"])

    def exists(self, name: str) -> bool:
        if self._files.find_one({"filename": name}, {"_id": 1}) is not None:
            return True
        return self.fallback is not None and self.fallback.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        query = {"filename": {"$regex": "^" + re.escape(prefix)}} if prefix else {}
        directories: set[str] = set()
        files: set[str] = set()
        for name in self._files.distinct("filename", query):
            rest = name[len(prefix) :]
            head, slash, _tail = rest.partition("/")
            (directories if slash else files).add(head)
        if self.fallback is not None:
            try:
                disk_directories, disk_files = self.fallback.listdir(path)
            except (FileNotFoundError, NotADirectoryError):
                disk_directories, disk_files = [], []
            directories.update(disk_directories)
            files.update(disk_files)
        if not directories and not files and prefix:
            raise FileNotFoundError(path)
        return sorted(directories), sorted(files)

    def size(self, name: str) -> int:
        document = self._document(name)
        if document is not None:
            return int(document["length"])
        if self.fallback is not None and self.fallback.exists(name):
            return self.fallback.size(name)
        raise FileNotFoundError(name)

    def get_modified_time(self, name: str) -> datetime:
        document = self._document(name)
        if document is not None:
            uploaded: datetime = document["uploadDate"]
            return uploaded if uploaded.tzinfo else uploaded.replace(tzinfo=UTC)
        if self.fallback is not None and self.fallback.exists(name):
            return self.fallback.get_modified_time(name)
        raise FileNotFoundError(name)

    def get_created_time(self, name: str) -> datetime:
        return self.get_modified_time(name)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("GridFS files have no public URL; they leave through views that check access")

    # --- for the move command ---------------------------------------------------------------------------------

    def in_gridfs(self, name: str) -> bool:
        return self._files.find_one({"filename": name}, {"_id": 1}) is not None

    def stored_sha256(self, name: str) -> str | None:
        """The SHA-256 of the file as read back from GridFS now (not the one recorded at upload)."""
        try:
            stream = self._bucket.open_download_stream_by_name(name)
        except NoFile:
            return None
        return sha256_of(stream)


def sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()
