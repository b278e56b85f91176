"""Keyboard-only driving of the portal in Playwright: Tab / Shift+Tab to an element by its accessible name,
checking on the way that every element that takes the focus shows it: a computed outline of 2px or more in the
portal's focus colour (from :focus-visible, or :focus-within for date and time inputs, whose inner fields and
calendar button Chromium does not always count as their focus)."""

from typing import Any

import pytest
from playwright.sync_api import Page

# What has the focus: its accessible-ish name (aria-label, label, text, value) and how its focus looks.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: name.replace(/\\s+/g, " "),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, focusVisible: el.matches(":focus-visible"),
    inDialog: !!el.closest("dialog[open]"), pageFocus: document.hasFocus(), focus: el.matches(":focus"),
  };
}"""
FOCUS_COLOUR = "rgb(29, 78, 216)"  # --focus in static/portal/portal.css
MAX_TABS = 80


def _settle(page: Page) -> None:
    """Chromium gives a date or time input's inner field the focus a moment after the key: wait for the focused
    element to match :focus-within (at most a second) before reading its style."""
    page.wait_for_function(
        "() => !document.activeElement || document.activeElement === document.body"
        " || !document.hasFocus() || document.activeElement.matches(':focus-within')",
        timeout=1000,
    )


def focused(page: Page) -> dict[str, Any] | None:
    return page.evaluate(_FOCUSED)


def assert_focus_visible(info: dict[str, Any] | None) -> None:
    assert info is not None, "nothing has the focus"
    where = f"<{info['tag']} id={info['id']!r}> {info['name'][:60]!r}"
    assert info["outlineStyle"] != "none" and info["outlineWidth"] >= 2, f"{where}: no visible outline {info}"
    assert info["outlineColor"] == FOCUS_COLOUR, f"{where}: outline colour {info['outlineColor']}"


def tab_to(page: Page, name: str, *, backwards: bool = False, exact: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab) until the focused element's name is (or starts with) `name`; every stop on the
    way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        _settle(page)
        info = focused(page)
        if info is None:  # past the last element the focus leaves the page (browser chrome), then wraps
            seen.append("(outside the page)")
            continue
        assert_focus_visible(info)
        seen.append(info["name"][:40])
        if info["name"] == name or (not exact and info["name"].startswith(name)):
            return info
    pytest.fail(f"{key} never reached {name!r}; the focus went through {seen}")


def press_to_navigate(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)
