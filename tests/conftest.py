from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup import Index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs ../shared/data beside the checkout")
    for item in items:
        if "shared_data" in item.keywords and not SHARED_DATA.is_dir():
            item.add_marker(skip)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20241113)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def index() -> Iterator[Index]:
    with Index.open() as idx:
        yield idx


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("0*.txt"))


@pytest.fixture(scope="session")
def seed_bodies() -> dict[str, str]:
    labels = json.loads((SEEDS / "body_labels.json").read_text(encoding="utf-8"))
    return {name: "\n".join(entry["body"]) for name, entry in labels.items()}


@pytest.fixture(scope="session")
def expected() -> dict[str, object]:
    return json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]
