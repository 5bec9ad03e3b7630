"""The test session never writes into the real home: HOME and the XDG folders are private."""

import os
import pathlib
import tempfile


def test_home_and_xdg_folders_are_a_temporary_folder():
    home = pathlib.Path(os.environ["HOME"])
    assert home.name.startswith("nnviz-test-home-")
    assert home.parent == pathlib.Path(tempfile.gettempdir())
    assert pathlib.Path.home() == home
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        assert pathlib.Path(os.environ[name]).is_relative_to(home), name


def test_the_user_data_folder_is_inside_the_private_home():
    from nnviz.engine.datasets import user_data_dir

    assert user_data_dir().is_relative_to(pathlib.Path(os.environ["HOME"]))
