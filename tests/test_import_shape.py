"""The import check in `make lint` (tools/import_cycles.py) finds a circle wherever it hides."""

import textwrap

import grimp

from tools.import_cycles import NoCyclesContract


def graph_of(tmp_path, monkeypatch, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return grimp.build_graph("shop", "stock", cache_dir=None)


def check(graph):
    contract = NoCyclesContract(name="no circles", session_options={}, contract_options={})
    return contract.check(graph, verbose=False)


def test_a_circle_hidden_in_a_function_and_across_apps_breaks_the_contract(tmp_path, monkeypatch):
    graph = graph_of(
        tmp_path,
        monkeypatch,
        {
            "shop/__init__.py": "",
            "shop/models.py": "from stock.levels import level\n",
            "shop/views.py": "def show():\n    from shop.models import level\n    return level\n",
            "stock/__init__.py": "",
            "stock/levels.py": "def level():\n    from shop import views\n    return views\n",
        },
    )
    result = check(graph)
    assert not result.kept
    [circle] = result.metadata["circles"]
    assert circle["modules"] == ["shop.models", "shop.views", "stock.levels"]
    assert ("shop.views", "shop.models", "2") in circle["imports"]


def test_a_package_and_a_module_inside_it_importing_each_other_is_a_circle(tmp_path, monkeypatch):
    graph = graph_of(
        tmp_path,
        monkeypatch,
        {
            "shop/__init__.py": "from shop.models import Item\n",
            "shop/models.py": "import shop\nItem = object\n",
            "stock/__init__.py": "",
        },
    )
    assert [circle["modules"] for circle in check(graph).metadata["circles"]] == [["shop", "shop.models"]]


def test_imports_in_one_direction_keep_the_contract(tmp_path, monkeypatch):
    graph = graph_of(
        tmp_path,
        monkeypatch,
        {
            "shop/__init__.py": "",
            "shop/views.py": "def show():\n    from stock.levels import level\n    return level\n",
            "stock/__init__.py": "",
            "stock/levels.py": "level = 1\n",
        },
    )
    assert check(graph).kept
