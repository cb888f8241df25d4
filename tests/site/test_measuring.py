"""`make bench`'s commands time a command with its own peak memory and rewrite their README sections."""

import pytest

from diegem.lib.measuring import MeasureFailed, MissingSection, measure_command, replace_section


def test_peak_memory_is_the_measured_commands_own():
    # This test process may hold far more than the child; the child allocates about 80 MB.
    ballast = bytearray(200 * 1024 * 1024)
    measured = measure_command(["-c", "block = bytearray(80 * 1024 * 1024); print('klaar')"])
    assert measured.stdout == "klaar\n"
    assert 80 <= measured.peak_mb < 150
    assert measured.seconds > 0
    del ballast


def test_a_failing_command_says_why():
    with pytest.raises(MeasureFailed, match="boom"):
        measure_command(["-c", "raise SystemExit('boom')"])


def test_a_section_is_replaced_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Titel\n<!-- bench-x:start -->\noud\n<!-- bench-x:end -->\nrest\n", encoding="utf-8"
    )
    replace_section(readme, "bench-x", "| nieuw |")
    assert readme.read_text(encoding="utf-8") == (
        "# Titel\n<!-- bench-x:start -->\n| nieuw |\n<!-- bench-x:end -->\nrest\n"
    )


def test_a_missing_section_is_refused(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Titel\n", encoding="utf-8")
    with pytest.raises(MissingSection, match="bench-y:start"):
        replace_section(readme, "bench-y", "x")
    assert readme.read_text(encoding="utf-8") == "# Titel\n"
