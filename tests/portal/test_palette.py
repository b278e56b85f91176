"""The portal's colours are set in one place: the `:root` variables of static/portal/portal.css (decision 0067).
Every other rule of the portal's stylesheets, and every template, uses those variables, so a contrast fixed
there is fixed on every page. (No database, no browser: runs in test-quick.)"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PALETTE = ROOT / "static" / "portal" / "portal.css"
PORTAL_STYLESHEETS = [PALETTE, ROOT / "static" / "consultations" / "consultations.css"]
# A colour written out: #abc / #aabbcc / #aabbccdd, rgb()/hsl() with numbers (rgba(...) shadows and the
# backdrop's translucent ink are allowed: they are shades, not colours of text or backgrounds a reader sees
# text on), or a named colour used for `color:` or `background:`.
HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
NAMED_COLOUR = re.compile(r"(?:^|[;{\s])(?:color|background(?:-color)?)\s*:\s*(white|black|red|green|blue|grey|gray)\b")
ROOT_BLOCK = re.compile(r":root\s*\{.*?\n\}", re.S)


def _outside_palette(css: str) -> str:
    return ROOT_BLOCK.sub("", css)


def _literal_colours(css: str) -> list[str]:
    found = []
    for number, line in enumerate(css.splitlines(), start=1):
        code = re.sub(r"/\*.*?\*/", "", line)
        selectorless = re.sub(r"^[^{]*\{", "", code) if "{" in code else code  # ids like #add-slot are selectors
        if HEX.search(selectorless) or NAMED_COLOUR.search(code):
            found.append(f"{number}: {line.strip()}")
    return found


def test_portal_stylesheets_use_only_the_palettes_variables() -> None:
    for sheet in PORTAL_STYLESHEETS:
        assert _literal_colours(_outside_palette(sheet.read_text())) == [], sheet.name


def test_the_palette_is_declared_once_at_the_top_of_portal_css() -> None:
    css = PALETTE.read_text()
    assert len(ROOT_BLOCK.findall(css)) == 1
    assert "--ink-3: #5b6673" in css  # secondary text, 5.2:1 on the darkest tint (was #6b7886)


def test_portal_templates_set_no_colours_of_their_own() -> None:
    templates = [*ROOT.glob("templates/portal/**/*.html"), *ROOT.glob("*/templates/*/portal/**/*.html")]
    assert templates
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if re.search(r"style=\"[^\"]*(color|background)", path.read_text())
    ]
    assert offenders == []
