from __future__ import annotations

import re
from pathlib import Path

import pytest

from integrity import config
from integrity.config import DEFAULT_SECRET_KEY, SETTINGS, ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_put_the_database_and_files_in_the_instance_folder(tmp_path: Path) -> None:
    values = load_settings(tmp_path, {"INTEGRITY_ENV": "development"})
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'integrity.sqlite3'}"
    assert values["DATA_DIR"] == str(tmp_path / "data")
    assert values["DEFAULT_LOCALE"] == "kk"


def test_the_instance_file_overrides_defaults_and_the_environment_overrides_the_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "integrity.toml").write_text(
        'env = "development"\npage_size = 20\ndefault_locale = "ru"\n'
    )
    values = load_settings(tmp_path, {"INTEGRITY_PAGE_SIZE": "75"})
    assert values["PAGE_SIZE"] == 75
    assert values["DEFAULT_LOCALE"] == "ru"


def test_production_refuses_the_built_in_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(tmp_path, {})
    assert load_settings(tmp_path, {"INTEGRITY_SECRET_KEY": "x" * 64})["SECRET_KEY"] == "x" * 64
    assert (
        load_settings(tmp_path, {"INTEGRITY_ENV": "development"})["SECRET_KEY"]
        == DEFAULT_SECRET_KEY
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"INTEGRITY_ENV": "staging"}, "ENV must be one of"),
        (
            {"INTEGRITY_ENV": "development", "INTEGRITY_PAGE_SIZE": "many"},
            "PAGE_SIZE must be a whole number",
        ),
        (
            {"INTEGRITY_ENV": "development", "INTEGRITY_COOKIE_SECURE": "perhaps"},
            "COOKIE_SECURE must be true or false",
        ),
        ({"INTEGRITY_ENV": "development", "INTEGRITY_DEFAULT_LOCALE": "de"}, "DEFAULT_LOCALE"),
    ],
)
def test_bad_settings_are_refused_with_their_name(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path, environ)


def test_an_unknown_key_in_the_instance_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "integrity.toml").write_text('env = "development"\nsecret_kee = "typo"\n')
    with pytest.raises(ConfigError, match="unknown setting 'secret_kee'"):
        load_settings(tmp_path, {})


def test_the_readme_documents_every_setting_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `INTEGRITY_([A-Z_]+)` \| `([a-z_]+)` \|", readme, flags=re.M))
    assert documented == {(s.name, s.name.lower()) for s in SETTINGS}


def test_the_app_refuses_to_start_with_unreadable_risk_thresholds(tmp_path: Path) -> None:
    from integrity import create_app

    with pytest.raises(ConfigError, match="RISK_THRESHOLDS"):
        create_app(
            {"ENV": "development", "RISK_THRESHOLDS": "late_protocols=lots"},
            instance_path=str(tmp_path),
        )


def test_the_settings_object_has_one_typed_field_for_every_documented_setting() -> None:
    import dataclasses
    import typing

    from integrity.settings import Settings

    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == {s.name.lower() for s in config.SETTINGS}
    hints = typing.get_type_hints(Settings)
    for setting in config.SETTINGS:
        expected = Path if setting.name == "DATA_DIR" else setting.type
        assert hints[setting.name.lower()] is expected, setting.name


def test_the_settings_object_is_frozen_and_carries_the_zone_and_the_folders(
    tmp_path: Path,
) -> None:
    import dataclasses

    from integrity.settings import Settings

    settings = Settings.from_values(
        config.load_settings(tmp_path, environ={"INTEGRITY_ENV": "testing"})
    )
    assert settings.zone.key == "Asia/Almaty" and settings.page_size == 50
    assert settings.files_dir == tmp_path / "data" / "files"
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.page_size = 10  # type: ignore[misc]
    assert settings.replace(page_size=10).page_size == 10 and settings.page_size == 50


@pytest.mark.parametrize(
    ("public_host", "refused"),
    [
        ("olimp.example.kz", False),
        ("https://olimp.example.kz", False),
        ("http://olimp.example.kz", True),  # a printed QR code would link in the clear
        ("http://95.56.0.10:8000", True),
        ("http://127.0.0.1:8000", False),  # the demo on this machine
        ("http://192.168.1.20:8000", False),  # the demo on a venue's own network
        ("http://localhost:8000", False),
    ],
)
def test_production_links_diplomas_over_https_except_on_this_machine_or_a_local_network(
    tmp_path: Path, public_host: str, refused: bool
) -> None:
    environ = {"INTEGRITY_SECRET_KEY": "x" * 64, "INTEGRITY_PUBLIC_HOST": public_host}
    if refused:
        with pytest.raises(ConfigError, match="PUBLIC_HOST: a diploma's QR code must link over"):
            load_settings(tmp_path, environ)
    else:
        assert load_settings(tmp_path, environ)["PUBLIC_HOST"] == public_host
    assert load_settings(tmp_path, {**environ, "INTEGRITY_ENV": "development"})
