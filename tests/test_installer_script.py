"""The Inno Setup script, the icon and the version information, checked without Windows.

Windows is not available to CI, so what the setup program names is checked here
against what desktop.spec makes; tests/test_bundle_build.py checks the same names
against a real bundle.
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from desktop import APP_PUBLISHER, APP_TITLE, __version__, paths
from tests.installer_script import ISS, ROOT, app_files, defines, iss_text, setting

SPEC = ROOT / "installer" / "desktop.spec"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def windows_bundle_layout() -> set[str]:
    """The top of the Windows bundle as desktop.spec makes it: its two programs and the
    _internal folder PyInstaller puts everything else in."""
    spec = SPEC.read_text(encoding="utf-8")
    assert 'executable(NAME, console=not WINDOWS)' in spec
    assert 'executable(f"{NAME}-cli", console=True)' in spec
    name = re.search(r'^NAME = "([^"]+)"', spec, re.MULTILINE)
    assert name is not None
    return {f"{name.group(1)}.exe", f"{name.group(1)}-cli.exe", "_internal"}


def test_every_file_the_setup_names_is_in_the_bundle() -> None:
    named = app_files(iss_text())
    assert "zongzhi-desk.exe" in named and "_internal" in named
    assert named <= windows_bundle_layout(), named - windows_bundle_layout()


def test_a_desk_without_administrator_rights_can_install() -> None:
    text = iss_text()
    assert setting(text, "PrivilegesRequired") == "lowest"
    assert setting(text, "PrivilegesRequiredOverridesAllowed") == "dialog"
    # {autopf}: Program Files for an administrator, the user's own Programs folder otherwise.
    assert setting(text, "DefaultDirName", ).startswith("{autopf}\\")
    assert "{commondesktop}" not in text and "{commonprograms}" not in text


def test_the_setup_is_in_chinese_or_not_built() -> None:
    """Inno Setup ships its Simplified Chinese messages from 6.5 on: the build takes them
    from the compiler (or a file put beside the script for an older one), and without
    either the compiler stops instead of making an English setup."""
    text = iss_text()
    languages = text[text.index("[Languages]"):text.index("[Tasks]")]
    compiler = languages.index(
        '#if FileExists(AddBackslash(CompilerPath) + "Languages\\ChineseSimplified.isl")')
    assert languages.index('MessagesFile: "compiler:Languages\\ChineseSimplified.isl"') > compiler
    assert languages.index('MessagesFile: "ChineseSimplified.isl"') > compiler
    assert re.search(r"#else\s+#error Inno Setup 6\.5 or newer is needed", languages)
    assert languages.index('Name: "chs"') < languages.index('Name: "en"')


def test_icon_publisher_and_version_information() -> None:
    text = iss_text()
    assert setting(text, "SetupIconFile") == "..\\resources\\icons\\app.ico"
    icon = ROOT / "resources" / "icons" / "app.ico"
    assert icon.stat().st_size < 100_000
    with Image.open(icon) as image:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(image.info["sizes"])
    assert setting(text, "AppPublisher") == "{#AppPublisher}"
    assert setting(text, "VersionInfoVersion") == "{#AppNumericVersion}"
    assert defines(text)["AppPublisher"] == APP_PUBLISHER
    assert 'icon=str(icon)' in SPEC.read_text(encoding="utf-8")


def _read_version_file(path: Path) -> str:
    """The version file as PyInstaller reads it: with its own loader where that can be
    imported (it needs pefile, which PyInstaller installs on Windows only), otherwise by
    evaluating the text with the same constructor names, as that loader does."""
    if importlib.util.find_spec("pefile") is not None and \
            importlib.util.find_spec("PyInstaller") is not None:
        from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file

        return str(load_version_info_from_text_file(str(path)))

    def record(kind: str):  # type: ignore[no-untyped-def]
        return lambda *args, **kwargs: f"{kind}({args!r}, {kwargs!r})"

    kinds = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct")
    return str(eval(path.read_text(encoding="utf-8"),  # our own file, as PyInstaller does
                    {"__builtins__": {}, **{kind: record(kind) for kind in kinds}}))


def test_the_executables_carry_version_information() -> None:
    """desktop.spec's version file, read back the way PyInstaller reads it."""
    versioninfo = _load("versioninfo", ROOT / "installer" / "versioninfo.py")
    assert versioninfo.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert versioninfo.numeric_version("1.2.3rc4+local") == (1, 2, 3, 4)
    assert "version=version_file(exe) if WINDOWS else None" in SPEC.read_text(encoding="utf-8")
    text = versioninfo.version_file_text(version=__version__, name="zongzhi-desk",
                                         title=APP_TITLE, publisher=APP_PUBLISHER,
                                         exe="zongzhi-desk.exe")
    path = Path(os.environ["DESKTOP_DATA_DIR"]).parent / "version.txt"
    path.write_text(text, encoding="utf-8")
    shown = _read_version_file(path)
    for expected in (APP_TITLE, APP_PUBLISHER, __version__, "zongzhi-desk.exe", "080404b0"):
        assert expected in shown
    assert f"filevers={versioninfo.numeric_version(__version__)!r}" in text


@pytest.fixture
def build_module() -> ModuleType:
    return _load("desk_build", ROOT / "installer" / "build.py")


@pytest.fixture
def fake_iscc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ``iscc`` on PATH that records its arguments and leaves the setup file behind."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "iscc"
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import pathlib, sys\n"
        f"pathlib.Path({str(tmp_path / 'iscc-args.txt')!r}).write_text("
        "'\\n'.join(sys.argv[1:]), encoding='utf-8')\n"
        "out = next(a[2:] for a in sys.argv if a.startswith('/O'))\n"
        f"(pathlib.Path(out) / 'zongzhi-desk-setup-{__version__}.exe').write_bytes(b'MZ')\n",
        encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("DESKTOP_SIGN_COMMAND", raising=False)
    return tmp_path / "iscc-args.txt"


@pytest.mark.skipif(sys.platform == "win32", reason="the fake iscc is a POSIX script")
def test_iscc_gets_the_version_publisher_and_signs_only_when_asked(
        build_module: ModuleType, fake_iscc: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    build_module.build_installer(dist)
    args = fake_iscc.read_text(encoding="utf-8").splitlines()
    assert f"/DAppVersion={__version__}" in args
    assert "/DAppNumericVersion=0.1.0.0" in args
    assert f"/DAppPublisher={APP_PUBLISHER}" in args
    assert args[-1] == str(ISS)
    assert not any(a.startswith(("/S", "/DSignToolName")) for a in args)

    monkeypatch.setenv("DESKTOP_SIGN_COMMAND", "signtool sign /f desk.pfx $f")
    build_module.build_installer(dist)
    args = fake_iscc.read_text(encoding="utf-8").splitlines()
    assert "/Sdesksign=signtool sign /f desk.pfx $f" in args
    assert "/DSignToolName=desksign" in args
    text = iss_text()
    assert re.search(r"#ifdef SignToolName\s+SignTool=\{#SignToolName\}", text)


def test_no_inno_setup_on_windows_fails_the_build(
        build_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Not 'success' without an installer: exit 1 and what to do."""
    monkeypatch.setattr(build_module, "WINDOWS", True)
    monkeypatch.setattr(build_module, "find_iscc", lambda: None)
    monkeypatch.setattr(build_module, "smoke_test", lambda bundle: None)
    dist = tmp_path / "dist"
    assert build_module.main(["--skip-build", "--dist", str(dist)]) == 1
    err = capsys.readouterr().err
    assert "INSTALLER NOT BUILT" in err and "--no-installer" in err
    assert build_module.main(["--skip-build", "--dist", str(dist), "--no-installer"]) == 0
    monkeypatch.setattr(build_module, "WINDOWS", False)
    assert build_module.main(["--skip-build", "--dist", str(dist)]) == 0
    assert "installer is made on Windows only" in capsys.readouterr().out


def test_a_desk_pc_can_share_one_data_folder_between_its_windows_accounts() -> None:
    """Installed for every user of the PC, the accounts may share one folder under
    ProgramData: the setup creates it writable by all of them and tells the program
    through the file the program reads at start."""
    text = iss_text()
    task = next(line for line in text.splitlines() if line.startswith('Name: "shareddata"'))
    assert "Check: IsAdminInstallMode" in task  # a per-user install has no business there
    folder = "{commonappdata}\\zongzhi-desk"
    dirs = text[text.index("[Dirs]"):text.index("[INI]")]
    assert f'Name: "{folder}"; Permissions: users-modify' in dirs and "Tasks: shareddata" in dirs
    ini = text[text.index("[INI]"):text.index("[Files]")]
    assert f'Filename: "{{app}}\\{paths.DATA_LOCATION_FILE}"' in ini
    assert 'Section: "data"; Key: "folder"' in ini and f'String: "{folder}"' in ini
    assert "Tasks: shareddata" in ini
