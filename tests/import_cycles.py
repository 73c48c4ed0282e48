"""An import-linter contract that fails on any circle of modules importing each other, anywhere.

import-linter's own `acyclic_siblings` contract looks for circles between the children of a package,
which misses a circle between two top-level apps (pages ↔ consultations) and one between a package and
a module inside it. This contract looks at every module the graph holds, imports inside functions
included (grimp reads those too: a circle hidden in a function body is still a circle).
"""

from importlinter.application import contract_utils, output
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class NoCyclesContract(Contract):
    type_name = "no_cycles"

    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph, verbose):
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,
            unmatched_alerting=self.unmatched_ignore_imports_alerting,
        )
        circles = []
        for component in strongly_connected(graph):
            members = set(component)
            imports = sorted(
                (importer, imported, where(graph, importer, imported))
                for importer in members
                for imported in graph.find_modules_directly_imported_by(importer)
                if imported in members
            )
            circles.append({"modules": sorted(members), "imports": imports})
        return ContractCheck(
            kept=not circles,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"circles": sorted(circles, key=lambda circle: circle["modules"])},
        )

    def render_broken_contract(self, check):
        for circle in check.metadata["circles"]:
            output.print_error(f"A circle of {len(circle['modules'])} modules:", bold=True)
            output.new_line()
            for importer, imported, lines in circle["imports"]:
                output.indent_cursor()
                output.print_error(f"{importer} -> {imported} (l. {lines})", bold=False)
            output.new_line()


def where(graph, importer, imported):
    """The lines of the importer that import the other module, e.g. "12, 40"."""
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(str(line) for line in sorted({detail["line_number"] for detail in details}))


def strongly_connected(graph):
    """Tarjan's strongly connected components with more than one module, without recursion."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.find_modules_directly_imported_by(successor)))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found
