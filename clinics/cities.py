"""City names as members type them: one key per city, whatever the case, a parenthesised region, or an old name.

`city_key("delhi")`, `city_key("Delhi (NCR)")` and `city_key("DELHI")` are the same key; so are
`city_key("Bangalore")` and `city_key("Bengaluru")`. The aliases below are the one table of renamed cities;
the first name of each row is the canonical one the API shows.
"""

import re
import unicodedata

# Canonical name first, then the other names members and older records use.
CITY_ALIASES: tuple[tuple[str, ...], ...] = (
    ("Bengaluru", "Bangalore"),
    ("Gurugram", "Gurgaon"),
    ("Mumbai", "Bombay"),
    ("Chennai", "Madras"),
    ("Kolkata", "Calcutta"),
    ("Puducherry", "Pondicherry"),
    ("Thiruvananthapuram", "Trivandrum"),
    ("Kochi", "Cochin"),
    ("Mysuru", "Mysore"),
    ("Prayagraj", "Allahabad"),
    ("Vadodara", "Baroda"),
    ("Varanasi", "Banaras", "Benares"),
    ("Visakhapatnam", "Vizag"),
    ("Delhi", "New Delhi"),
)
_REGION = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"[\s.,-]+")


def _unicode_folded(name: str) -> str:
    """Compatibility forms folded (full-width letters are Latin ones, a no-break space a space) and invisible
    format characters (zero-width spaces and joiners) dropped: what a phone keyboard or a paste adds."""
    return "".join(c for c in unicodedata.normalize("NFKC", name) if unicodedata.category(c) != "Cf")


def _plain(name: str) -> str:
    return _SPACES.sub(" ", _REGION.sub(" ", _unicode_folded(name))).strip().casefold()


_CANONICAL = {_plain(name): names[0] for names in CITY_ALIASES for name in names}


def city_key(name: str) -> str:
    """The matching key of a city name: case, spacing, a parenthesised region, Unicode look-alikes and old names
    do not matter. "" for a name with nothing else ("(NCR)", "-"): no city."""
    plain = _plain(name)
    return _plain(_CANONICAL.get(plain, plain))


def city_display_name(name: str) -> str:
    """The name the API shows for a stored city: the canonical name of a renamed city, else the stored name
    without its parenthesised region ("Delhi (NCR)" -> "Delhi")."""
    plain = _plain(name)
    if plain in _CANONICAL:
        return _CANONICAL[plain]
    return " ".join(_REGION.sub(" ", _unicode_folded(name)).split())
