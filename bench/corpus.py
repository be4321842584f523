"""A deterministic corpus of N press releases (~500 words, tags, years and months) for benchmarks.

    python bench/corpus.py N DIR      # writes DIR/content/..., DIR/pressroom.toml

The same N always gives the same files (a seeded `random.Random`), so timings compare.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = ("agency port harbour ferry council budget grant energy solar wind transit rail bridge "
         "school health clinic water supply emergency response training exercise partnership "
         "program community residents investment contract award vessel cargo terminal capacity "
         "research university climate flood defence upgrade annual report quarter growth safety "
         "inspection regional national minister director announced today plan project phase "
         "construction completion service public access digital network coverage rural urban").split()
TAGS = ("Energy", "Transport", "Health", "Education", "Environment", "Defence", "Maritime", "Finance",
        "Housing", "Technology", "Agriculture", "Culture", "Science", "Water", "Safety", "Trade",
        "Tourism", "Employment", "Justice", "Sport", "North Korea", "Climate", "Infrastructure", "Research")
AUTHORS = ("Ana Ruiz", "Tomasz Okafor", "Mei Lin", "Jonas Berg", "Priya Nair", "Sam Carter")
SOURCES = ("Ministry of Transport", "Port Authority", "City Council", "Health Service", "Energy Board")


def sentence(rng: random.Random, low: int = 8, high: int = 20) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.org/{words[i]})"
    return " ".join(words).capitalize() + "."


def release(rng: random.Random, number: int) -> tuple[str, str]:
    """(relative path, text) of release `number`."""
    year = 2000 + number % 25
    month = 1 + (number // 25) % 12
    day = 1 + (number // 300) % 28
    hour, minute = rng.randint(6, 20), rng.randint(0, 59)
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + f" {number}"
    tags = rng.sample(TAGS, rng.randint(1, 4))
    parts = []
    words = 0
    heading_done = False
    while words < 500:
        if words > 200 and not heading_done:
            parts.append("## " + " ".join(rng.choice(WORDS) for _ in range(4)).capitalize())
            heading_done = True
        if rng.random() < 0.12:
            items = [sentence(rng, 4, 9) for _ in range(rng.randint(2, 4))]
            parts.append("\n".join(f"- {item}" for item in items))
            words += sum(len(i.split()) for i in items)
        else:
            para = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
            parts.append(para)
            words += len(para.split())
    front = (f"---\ntitle: \"{title}\"\ndate: {year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00\n"
             f"authors: [{rng.choice(AUTHORS)}]\nsource: {rng.choice(SOURCES)}\n"
             f"tags: [{', '.join(tags)}]\n---\n\n")
    return f"content/{year:04d}/{month:02d}/release-{number:05d}.md", front + "\n\n".join(parts) + "\n"


def write_corpus(n: int, site: Path, *, seed: int = 7) -> Path:
    rng = random.Random(seed)
    site.mkdir(parents=True, exist_ok=True)
    (site / "pressroom.toml").write_text('title = "Bench Press"\nbase_url = "https://example.org/"\nper_page = 10\n')
    for number in range(n):
        rel, text = release(rng, number)
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
