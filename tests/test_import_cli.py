"""`pressroom import` ends with the list of drafts to review, each with its file and why."""
from __future__ import annotations

from generator.cli import main

UNDATED = """City opens new library branch on Elm Street

The city opened its new library branch on Elm Street on Monday, with reading rooms for children and adults,
a makerspace and longer evening hours for students preparing for exams.

"Every neighbourhood deserves a library within walking distance," the mayor said at the opening.
"""


def test_import_ends_with_the_review_list(tmp_path, capsys) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "library.txt").write_text(UNDATED)
    (tmp_path / "pressroom.toml").write_text('timezone = "America/New_York"\n')
    assert main(["import", "--site", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("to review (1 draft"))
    [entry] = out[start + 1:]
    path, why = entry.strip().split(": ", 1)
    assert (tmp_path / path).is_file() and "draft: true" in (tmp_path / path).read_text()
    assert "date" in why
