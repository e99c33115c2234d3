"""Page hooks: higher apps register template panels that lower apps' pages include, so the
import direction stays accounts ← leads ← calls ← kpis ← targets (a target card on the call plan
is registered by targets, not imported by calls)."""

HOME_PANELS: list[str] = []  # shown on a rep's home page (the daily call plan; `rep` is whose plan)
TEAM_PANELS: list[str] = []  # shown on the manager's team page


def register_home_panel(template_name: str) -> None:
    if template_name not in HOME_PANELS:
        HOME_PANELS.append(template_name)


def register_team_panel(template_name: str) -> None:
    if template_name not in TEAM_PANELS:
        TEAM_PANELS.append(template_name)
