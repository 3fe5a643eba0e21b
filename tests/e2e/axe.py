"""axe-core in a Playwright page: the accessibility rules a screen must pass.

axe-core comes from the npm registry (package.json, installed by `make install` like
htmx) and is injected into the page under test; the context must bypass the app's CSP.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
}"""


def settled(page) -> None:
    """Wait until every CSS animation that ends has ended: a card fading in or a glowing
    value has no final contrast yet. Endless ones (a game's reel) are not waited for."""
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().iterations === Infinity)"
    )


def violations(page) -> list[str]:
    """Return axe-core's violations on the page once its animations have ended: rule id and
    where."""
    assert AXE.exists(), "axe-core is missing: run make install"
    settled(page)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN)
