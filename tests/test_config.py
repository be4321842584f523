from __future__ import annotations

import pytest

from generator.config import load_config
from generator.errors import PressroomError


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
    ('timezone = "Mars/Olympus"\n', "pressroom.toml: 'timezone' 'Mars/Olympus' is not a known time zone"),
    ('base_url = "example.org"\n', "pressroom.toml: 'base_url' 'example.org' must be an absolute http(s) URL"),
    ('permalink = "/{year}/{title}/"\n', "pressroom.toml: 'permalink' may use only"),
    ('per_page = 0\n', "pressroom.toml: 'per_page' must be 1 or more"),
])
def test_bad_config_names_key_and_file(tmp_path, text, message):
    with pytest.raises(PressroomError) as caught:
        load_config(write(tmp_path, text))
    assert str(caught.value).startswith(message)
