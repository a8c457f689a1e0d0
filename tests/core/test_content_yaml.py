"""Content YAML is read with libyaml's loader where PyYAML has it, and gives the same data as the Python loader."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from rugpad.content import parse_yaml, read_text, yaml_loader


def test_the_loader_is_libyamls_when_pyyaml_was_built_with_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML has no libyaml")
    assert yaml_loader() is yaml.CSafeLoader


def test_without_libyaml_the_pure_python_safe_loader_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert yaml_loader() is yaml.SafeLoader
    assert parse_yaml("a: [1, {b: true}]") == {"a": [1, {"b": True}]}


def test_the_loader_builds_no_python_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        parse_yaml("!!python/object/apply:os.system ['true']")


def _packaged_yaml() -> list[str]:
    root = resources.files("rugpad.content").joinpath("data")
    found: list[str] = []
    for folder in root.iterdir():
        if folder.is_dir():
            found += [f"{folder.name}/{entry.name}" for entry in folder.iterdir() if entry.name.endswith(".yaml")]
    return sorted(found)


@pytest.mark.parametrize("path", _packaged_yaml())
def test_every_content_file_reads_the_same_with_either_loader(path: str) -> None:
    text = read_text(path)
    assert parse_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)
