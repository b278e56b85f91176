"""The `Content-Disposition` of a file the user downloads: a name from data (a patient's file name, a city)
can never end the header early, add a header, or break on a character outside ASCII."""

import re
import unicodedata
from urllib.parse import quote


def content_disposition(name: str, *, fallback: str = "download") -> str:
    """`attachment` with an ASCII fallback name and the full name in RFC 5987 form (percent-encoded: no quote,
    control character or line break reaches the header)."""
    name = "".join(char for char in name if char.isprintable())
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", ascii_name)
    ascii_name = re.sub(r" +", " ", ascii_name).strip(" ._") or fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name or fallback, safe='')}"
