"""import_seeds: files in content/YYYY/slug.md, idempotent, hand edits kept, atomic, contained."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.ingest import import_seeds
from generator.ingest.writer import untouched

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
TARGET = Path("content/2024/u-s-south-korea-concerned-north-koreans-may-soon-fight-against-ukrainians.md")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copy(FIXTURES / "seed_dod_news.txt", tmp_path / "seeds" / "000_532aa90f7ae57331.txt")
    return tmp_path


def run(site: Path, **kwargs):
    return import_seeds(site / "seeds", site / "content", site_dir=site, **kwargs)


def test_import_writes_content_file(site: Path):
    report = run(site)
    assert report.written == (site / TARGET,) and not report.skipped and report.ok
    text = (site / TARGET).read_text(encoding="utf-8")
    assert "seed: seeds/000_532aa90f7ae57331.txt\n" in text
    assert "date: 2024-10-30\n" in text and "unsafe_html: false\n" in text
    assert untouched(text)
    assert not list((site / "content").rglob(".*.tmp"))


def test_second_import_writes_nothing(site: Path):
    run(site)
    before = (site / TARGET).stat().st_mtime_ns
    report = run(site)
    assert report.written == () and report.unchanged == (site / TARGET,)
    assert (site / TARGET).stat().st_mtime_ns == before


def test_hand_edit_is_kept_unless_forced(site: Path):
    run(site)
    path = site / TARGET
    edited = path.read_text(encoding="utf-8").replace("kind: story", "kind: feature")
    path.write_text(edited, encoding="utf-8")
    report = run(site)
    assert report.kept == (path,) and report.written == ()
    assert path.read_text(encoding="utf-8") == edited
    report = run(site, force=True)
    assert report.written == (path,) and "kind: story" in path.read_text(encoding="utf-8")


def test_changed_seed_reimports_untouched_file(site: Path):
    run(site)
    seed = site / "seeds" / "000_532aa90f7ae57331.txt"
    seed.write_bytes(seed.read_bytes().replace(b"cannon fodder.", b"cannon fodder, he said."))
    report = run(site)
    assert report.written == (site / TARGET,)
    assert "cannon fodder, he said." in (site / TARGET).read_text(encoding="utf-8")


def test_retitled_seed_replaces_its_old_file(site: Path):
    run(site)
    seed = site / "seeds" / "000_532aa90f7ae57331.txt"
    seed.write_bytes(seed.read_bytes().replace(b"May Soon Fight", b"Could Soon Fight"))
    report = run(site)
    assert report.removed == (site / TARGET,) and not (site / TARGET).exists()
    assert len(report.written) == 1 and "could-soon-fight" in report.written[0].name


def test_bad_seeds_are_reported_and_others_imported(site: Path):
    (site / "seeds" / "empty.txt").write_bytes(b"")
    (site / "seeds" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    shutil.copy(FIXTURES / "photo_page.txt", site / "seeds" / "photo_page.txt")
    report = run(site)
    assert len(report.written) == 1
    reasons = {p.path: p for p in report.skipped}
    assert set(reasons) == {"seeds/empty.txt", "seeds/photo.jpg", "seeds/photo_page.txt"}
    assert "empty" in reasons["seeds/empty.txt"].message and not reasons["seeds/empty.txt"].warning
    assert "binary" in reasons["seeds/photo.jpg"].message
    assert reasons["seeds/photo_page.txt"].warning
    assert not report.ok


def test_same_title_from_two_seeds_gets_two_files(site: Path):
    shutil.copy(site / "seeds" / "000_532aa90f7ae57331.txt", site / "seeds" / "001_copy.txt")
    report = run(site)
    assert {p.name for p in report.written} == {TARGET.name, TARGET.stem + "-2.md"}
    assert run(site).written == ()


def test_hand_written_file_with_the_same_name_is_never_touched(site: Path):
    path = site / TARGET
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: Mine\ndate: 2024-10-30\n---\n\nMy own text.\n", encoding="utf-8")
    report = run(site)
    assert path.read_text(encoding="utf-8").endswith("My own text.\n")
    assert report.written[0].name == TARGET.stem + "-2.md"


def test_feed_seed_writes_one_file_per_item(site: Path):
    shutil.copy(FIXTURES / "feed_two_items.rss", site / "seeds" / "state.rss")
    report = run(site)
    names = sorted(p.relative_to(site / "content").as_posix() for p in report.written)
    assert "2021/department-press-briefing-july-21-2021.md" in names
    assert "2022/secretary-s-call-with-japanese-foreign-minister.md" in names


def test_missing_seeds_dir_is_empty_report(tmp_path: Path):
    report = import_seeds(tmp_path / "nope", tmp_path / "content", site_dir=tmp_path)
    assert report.written == report.skipped == () and report.ok
