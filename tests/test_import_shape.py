"""The import check in `make lint` (tests/import_cycles.py) finds a circle wherever it hides."""

import grimp
import pytest

from tests.import_cycles import NoCyclesContract

FUNCTION_IMPORTING = "def {name}():\n    from {module} import {what}\n    return {what}\n"
CASES = {
    "a circle across two apps, hidden in function bodies": (
        {
            "shop/models.py": "from stock.levels import level\n",
            "shop/views.py": FUNCTION_IMPORTING.format(name="show", module="shop.models", what="level"),
            "stock/levels.py": FUNCTION_IMPORTING.format(name="level", module="shop", what="views"),
        },
        [["shop.models", "shop.views", "stock.levels"]],
    ),
    "a package and a module inside it": (
        {"shop/__init__.py": "from shop.models import Item\n", "shop/models.py": "import shop\nItem = object\n"},
        [["shop", "shop.models"]],
    ),
    "imports in one direction only": (
        {"shop/views.py": FUNCTION_IMPORTING.format(name="show", module="stock.levels", what="level")},
        [],
    ),
}


@pytest.mark.parametrize("files, circles", CASES.values(), ids=CASES.keys())
def test_the_contract_breaks_on_every_circle_and_only_on_circles(tmp_path, monkeypatch, files, circles):
    for name, text in {"shop/__init__.py": "", "stock/__init__.py": "", "stock/levels.py": "", **files}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("shop", "stock", cache_dir=None)
    result = NoCyclesContract(name="no circles", session_options={}, contract_options={}).check(graph, verbose=False)
    assert result.kept == (not circles)
    assert [circle["modules"] for circle in result.metadata["circles"]] == circles
    if circles:
        # Each import in the circle is named with its line, so the reader can find the one in a function.
        imports = result.metadata["circles"][0]["imports"]
        assert all(line for _, _, line in imports)
