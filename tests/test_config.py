from __future__ import annotations

import pytest

from generator.config import file_keys, load_config
from generator.errors import PressroomError

KNOWN = ", ".join(sorted(file_keys()))


def write(tmp_path, text):
    (tmp_path / "pressroom.toml").write_text(text)
    return tmp_path


def test_defaults_without_a_config_file(tmp_path):
    config = load_config(tmp_path)
    assert config.output == "_site" and config.per_page == 10 and config.base_path == "/"


def test_values_are_read_and_base_path_derived(tmp_path):
    config = load_config(write(tmp_path, 'title = "T"\nbase_url = "https://me.github.io/repo"\nper_page = 3\n'))
    assert config.title == "T" and config.base_url == "https://me.github.io/repo/" and config.base_path == "/repo/"


def test_cli_override_wins(tmp_path):
    config = load_config(write(tmp_path, 'base_url = "https://a.org/"\n'), base_url="https://b.org/x/")
    assert config.base_path == "/x/"


@pytest.mark.parametrize("text, message", [
    ('titel = "x"\n', "pressroom.toml:1: unknown key 'titel'"),
    ('title = "x"\nper_page = "ten"\n', "pressroom.toml:2: 'per_page' must be an integer, not str"),
    ('per_page = true\n', "pressroom.toml:1: 'per_page' must be an integer, not bool"),
    ('title = \n', "pressroom.toml:1: not valid TOML"),
    ('title = "x"\ntimezone = "Mars/Olympus"\n', "pressroom.toml:2: 'timezone' 'Mars/Olympus' is not a known time zone"),
    ('base_url = "example.org"\n', "pressroom.toml:1: 'base_url' 'example.org' must be an absolute http(s) URL"),
    ('base_url = "https://example.org/?utm=1"\n', "pressroom.toml:1: 'base_url' 'https://example.org/?utm=1' must not have a query"),
    ('base_url = "https://example.org/#top"\n', "pressroom.toml:1: 'base_url' 'https://example.org/#top' must not have a query"),
    ('permalink = "/{year}/{title}/"\n', "pressroom.toml:1: 'permalink' may use only"),
    ('per = 3\nper_page = 0\n', "pressroom.toml:1: unknown key 'per'"),
    ('theme = "../../etc"\n', "pressroom.toml:1: 'theme' must be the name of a folder in themes/"),
])
def test_bad_config_names_key_and_file(tmp_path, text, message):
    with pytest.raises(PressroomError) as caught:
        load_config(write(tmp_path, text))
    assert str(caught.value).startswith(message)


def problems_of(tmp_path, text, **overrides):
    with pytest.raises(PressroomError) as caught:
        load_config(write(tmp_path, text), **overrides)
    return [str(p) for p in caught.value.problems]


def test_every_problem_is_reported_at_once_each_at_its_line(tmp_path):
    text = 'title = 3\nper = 3\nper_page = 0\ntimezone = "Mars/Olympus"\n\n[extras]\ntitle = "About"\n'
    assert problems_of(tmp_path, text) == [
        "pressroom.toml:1: 'title' must be a string, not int",
        "pressroom.toml:2: unknown key 'per'; did you mean 'per_page'?",
        "pressroom.toml:3: 'per_page' must be 1 or more",
        "pressroom.toml:4: 'timezone' 'Mars/Olympus' is not a known time zone (e.g. 'UTC', 'America/New_York')",
        f"pressroom.toml:6: unknown key 'extras'; the known keys are {KNOWN}",
    ]


def test_a_key_inside_a_table_is_not_taken_for_the_top_level_key(tmp_path):
    text = '[extra]\nper_page = 3\n'
    assert problems_of(tmp_path, text)[0].startswith("pressroom.toml:1: unknown key 'extra'")


def test_command_line_overrides_are_checked_like_the_file(tmp_path):
    assert problems_of(tmp_path, "", base_url="https://example.org/?utm=1") == [
        "--base-url: 'base_url' 'https://example.org/?utm=1' must not have a query ('?...') or a fragment ('#...'): "
        "every page URL is built from it"]
    assert problems_of(tmp_path, "", output="  ") == ["--output: 'output' must name a folder, e.g. '_site'"]


def test_a_theme_that_does_not_exist_names_those_that_do(tmp_path):
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    [message] = problems_of(tmp_path, 'title = "T"\ntheme = "nonexistent"\n')
    assert message.startswith("pressroom.toml:2: 'theme' is 'nonexistent', but there is no such theme; the themes are: ")
    assert "default" in message and "mine" in message
    (tmp_path / "pressroom.toml").write_text('theme = "mine"\n')
    assert load_config(tmp_path).theme == "mine"


def test_every_key_has_a_documented_default_of_its_type(tmp_path):
    from dataclasses import fields
    from typing import get_type_hints

    from generator.config import Config

    hints = get_type_hints(Config)
    for item in fields(Config):
        if item.metadata:
            assert item.metadata["doc"], item.name
            base = getattr(hints[item.name], "__origin__", hints[item.name])
            assert isinstance(item.default, base), item.name
