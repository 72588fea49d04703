"""`driftcheck history SNAPSHOT...` and `check --snapshot-in` repeated: the key timeline."""

from __future__ import annotations

import json
from pathlib import Path

from driftcheck.history import key_timeline
from driftcheck.report.html import render_history_html
from tests.browser import DomIndex
from tests.conftest import env_toml


def write_environments(sandbox, folder: Path, overlap: str = "24h") -> Path:
    folder.mkdir(exist_ok=True)
    for name in ("dev", "prod"):
        (folder / f"{name}.toml").write_text(env_toml(
            name, sandbox.tenant_url(name), f'rotation_overlap = "{overlap}"\n',
            tier="prod" if name == "prod" else "nonprod"))
    return folder


def rotation_series(sandbox, cli, tmp_path: Path) -> tuple[Path, list[str]]:
    """dev rotates: its key alone, then old and new side by side, then the new one alone
    (seconds apart, far less than the declared 24 h). prod does nothing."""
    folder = write_environments(sandbox, tmp_path / "envs")
    snapshots = []
    for step in range(3):
        if step == 1:
            sandbox.rotate_keys("dev")
            sandbox.set_faults("dev", publish_previous_key=True)
        if step == 2:
            sandbox.set_faults("dev", publish_previous_key=False)
        path = tmp_path / f"snap-{step}.toml"
        code, _out, err = cli("snapshot", str(folder), "-o", str(path))
        assert code == 0, err
        snapshots.append(str(path))
    return folder, snapshots


def test_history_console_shows_rotation_and_too_short_overlap(sandbox, cli, tmp_path):
    folder, snapshots = rotation_series(sandbox, cli, tmp_path)
    # In any order: the timeline sorts by collection time.
    code, out, err = cli("history", *reversed(snapshots), "--path", str(folder),
                         "-o", str(tmp_path / "history.html"))
    assert code == 0, err
    text = " ".join(out.split())
    assert "Key timeline over 3 snapshots" in text
    assert "kid 'dev-rs256-1' retired, replaced by 'dev-rs256-2'" in text
    assert "declared rotation_overlap 24 h" in text
    assert "shorter than rotation_overlap" in text
    assert "prod-rs256-1" in out
    assert text.count("rotation:") == 1
    page = DomIndex((tmp_path / "history.html").read_text(encoding="utf-8"))
    assert "Key timeline" in page.headings
    assert "Summary" not in page.headings
    assert "⚠ shorter than rotation_overlap" in page.all_text


def test_history_without_a_declared_overlap_or_with_a_met_one_stays_quiet(sandbox, cli,
                                                                          tmp_path):
    folder, snapshots = rotation_series(sandbox, cli, tmp_path)
    code, out, _err = cli("history", *snapshots)
    assert code == 0
    assert "retired, replaced by" in out
    assert "shorter than" not in out  # nothing declared: nothing to judge against
    write_environments(sandbox, folder, overlap="1ms")
    code, out, _err = cli("history", *snapshots, "--path", str(folder))
    assert "declared rotation_overlap 1 ms" in " ".join(out.split())
    assert "shorter than" not in out  # seconds between snapshots: 1 ms was surely met


def test_history_names_keys_shared_across_environments(sandbox, cli, tmp_path):
    folder = write_environments(sandbox, tmp_path / "envs")
    sandbox.set_faults("dev", shared_key_with="prod")
    path = tmp_path / "snap.toml"
    assert cli("snapshot", str(folder), "-o", str(path))[0] == 0
    code, out, _err = cli("history", str(path), "--format", "html")
    assert code == 0
    page = DomIndex(out)
    assert "Keys published by more than one environment" in page.all_text
    assert "is published by dev, prod" in page.all_text
    assert "shared with prod" in page.all_text
    assert "shared with dev" in page.all_text


def test_check_with_repeated_snapshot_in_draws_the_timeline(sandbox, cli, tmp_path):
    folder, snapshots = rotation_series(sandbox, cli, tmp_path)
    sandbox.rotate_keys("dev")  # and once more before this run
    code, out, err = cli("check", str(folder), "--format", "html",
                         *[a for s in snapshots for a in ("--snapshot-in", s)])
    assert code in (0, 1), err
    page = DomIndex(out)
    assert "Key timeline" in page.headings
    text = " ".join(page.all_text.split())
    assert "(this run)" in text
    assert "replaced by 'dev-rs256-3'" in text
    # The rules compare with the newest snapshot, whatever the order given.
    code, out, _err = cli("check", str(folder), "--format", "json",
                          "--snapshot-in", snapshots[2], "--snapshot-in", snapshots[0])
    rotated = [f for f in json.loads(out)["findings"] if f["rule"] == "DC601"]
    assert [f["evidence"]["removed"] for f in rotated] == [["dev-rs256-2"]]


def test_timeline_of_one_snapshot_has_no_rotation(sandbox, cli, tmp_path):
    folder = write_environments(sandbox, tmp_path / "envs")
    path = tmp_path / "one.toml"
    assert cli("snapshot", str(folder), "-o", str(path))[0] == 0
    from driftcheck.history import TimelinePoint
    from driftcheck.snapshot import read_snapshots

    timeline = key_timeline([TimelinePoint("one.toml", read_snapshots([path]))])
    assert timeline.has_keys
    assert not timeline.short_rotations
    assert not timeline.shared
    assert all(not e.rotations for e in timeline.environments)
    assert "Key timeline" in DomIndex(render_history_html(timeline)).headings
