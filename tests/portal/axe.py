"""axe-core (bundled by axe-playwright-python, no network) with the WCAG 2.1 A and AA rules, no rule switched
off; a readable report of what it finds."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS}, "resultTypes": ["violations"]}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop 1280": DESKTOP, "phone 390": PHONE}

_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe finds on the page as it is now."""
    return list(_axe.run(page, options=AXE_OPTIONS).response["violations"])


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and one per element it names: rule, impact, selector, axe's summary."""
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}), {len(violation['nodes'])} element(s)")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[:300]}")
    return lines
