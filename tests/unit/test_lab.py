"""make lab: the course's JupyterLab settings become the environment's defaults; root gets --allow-root."""

import json

from helpers.lab import course_settings, install_overrides, lab_command


def test_course_settings_turn_the_news_popup_off():
    settings = course_settings()
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


def test_overrides_are_written_under_the_prefix_and_keep_other_entries(tmp_path):
    target = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    assert install_overrides(tmp_path) == target
    written = json.loads(target.read_text())
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert written["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_root_gets_allow_root_and_others_do_not():
    assert "--allow-root" in lab_command([], uid=0)
    assert "--allow-root" not in lab_command([], uid=1000)
    assert lab_command(["--allow-root"], uid=0).count("--allow-root") == 1
    assert lab_command(["--port", "9999"], uid=1000)[-2:] == ["--port", "9999"]
