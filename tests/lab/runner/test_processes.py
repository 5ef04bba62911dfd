import pytest

from lab.runner.processes import LabError, binary_find


@pytest.mark.parametrize("name", ["nginx", "memcached"])
def test_missing_binary_says_how_to_install_it(monkeypatch, name):
    monkeypatch.setenv("PATH", "")

    with pytest.raises(
        LabError, match=f"^{name} is not installed: apt-get install {name}$"
    ):
        binary_find(name=name, folders=())
