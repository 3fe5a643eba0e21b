"""`pip install .` (not editable) gives a working app: templates, static files, translations."""

import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.slow

SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "LICENSE", "README.md"]
FOLDERS = ["app", "games", "templates", "static", "translations", "docs"]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "_data", "*.png")

CHECK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import app
    from app import create_app
    from app.new_campaign import create_campaign
    from app.lottery.conditions import demo_conditions

    here = Path(sys.argv[1])
    assert Path(app.__file__).is_relative_to(Path(sys.prefix)), app.__file__
    kuji = create_app({"DATABASE": str(here / "kuji.sqlite"), "SECRET_KEY": "x"})
    assert Path(kuji.template_folder).is_relative_to(Path(sys.prefix)), kuji.template_folder
    with kuji.app_context():
        demo = demo_conditions(kuji.config["CLOCK"]())
        create_campaign(demo, kuji.config["CLOCK"]())
    client = kuji.test_client()
    page = client.get("/c/demo").get_data(as_text=True)
    assert "残り" in page or "枚" in page, page[:500]  # Japanese, the default
    client.set_cookie("lang", "en")
    assert "tiles left" in client.get("/c/demo").get_data(as_text=True)
    assert client.get("/static/css/kuji.css").status_code == 200
    vendored = client.get("/static/vendor/htmx.min.js").status_code
    fairness = client.get("/c/demo/fairness").get_data(as_text=True)
    assert "HMAC" in fairness, fairness[:500]  # docs/fairness.md, rendered
    print("ok", vendored)
    """
)


def test_a_wheel_installed_in_a_fresh_venv_serves_pages_in_japanese(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, src / name)
    for name in FOLDERS:
        shutil.copytree(ROOT / name, src / name, ignore=SKIP)
    pip = [sys.executable, "-m", "pip"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path / "dist"]
    subprocess.run([*build, src], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("kuji-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    target = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies come from this venv, without downloads; the app itself from the wheel.
    Path(target, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = [*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel]
    subprocess.run(install, check=True, capture_output=True)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"PATH": "/usr/bin:/bin", "KUJI_INSTANCE": str(outside / "instance"), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [python, "-c", CHECK, outside], cwd=outside, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    vendored = (ROOT / "static" / "vendor" / "htmx.min.js").exists()
    assert done.stdout.split() == ["ok", "200" if vendored else "404"]

    # The command line too, with the instance folder outside the package.
    flask = [python, "-m", "flask", "--app", "app"]
    demo = subprocess.run([*flask, "campaign", "demo"], cwd=outside, env=env, capture_output=True)
    assert demo.returncode == 0, demo.stderr
    assert (outside / "instance" / "kuji.sqlite").exists()
