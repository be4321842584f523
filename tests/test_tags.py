from __future__ import annotations

from generator.tags import count_mentions, find_tags, vocabulary


def test_common_country_names_and_demonyms():
    counts = count_mentions("North Koreans and South Korean troops; Russia, Iran and Ukrainians.")
    assert counts == {"North Korea": 1, "South Korea": 1, "Russia": 1, "Iran": 1, "Ukraine": 1}


def test_title_mention_or_two_mentions():
    body = "Officials from Japan met. Japan agreed. Brazil was mentioned once."
    assert find_tags("Talks With Ukraine", body) == ["Ukraine", "Japan"]


def test_regions_and_organizations():
    tags = find_tags("NATO Meets", "The Indo-Pacific and the Middle East. The Indo-Pacific again; the Middle East again. The U.N. and the United Nations.")
    assert tags[0] == "NATO" and {"Indo-Pacific", "Middle East", "UN"} <= set(tags)


def test_united_states_and_lowercase_words_are_not_tags():
    assert find_tags("U.S. Army news", "The United States and the U.S. ate turkey from china twice; turkey, china.") == []


def test_extra_vocabulary_terms():
    extra = ("Space Force = USSF, U.S. Space Force", "hypersonic")
    tags = find_tags("USSF Tests Hypersonic Glider", "The Space Force said.", extra)
    assert tags == ["Space Force", "hypersonic"]
    assert any(t.display == "Space Force" for t in vocabulary(extra))


def test_deterministic():
    text = "Russia Russia Ukraine Ukraine Poland Poland"
    assert find_tags("x", text) == find_tags("x", text) == ["Poland", "Russia", "Ukraine"]
