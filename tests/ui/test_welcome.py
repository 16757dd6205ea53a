"""The welcome view's hints name menu items that exist: a first-time user follows them word for word."""

import re

from desktop.ui.welcome import SUGGESTIONS


def menu_items(window) -> dict[str, set[str]]:
    def bare(text: str) -> str:
        return text.replace("&", "").rstrip("…").strip()

    return {bare(action.text()): {bare(item.text()) for item in action.menu().actions() if item.text()}
            for action in window.menuBar().actions() if action.menu() is not None}


def test_every_menu_path_a_hint_names_is_in_the_menus(qtbot, make_window):
    window = make_window()
    items = menu_items(window)
    named = [match for _prompt, hint in SUGGESTIONS for match in re.findall(r"(\w+) → ([^;)]+)", hint)]
    assert named  # the hints do name menu paths
    for menu, item in named:
        assert item.rstrip("…").strip() in items[menu], (menu, item, items[menu])
