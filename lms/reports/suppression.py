"""Small-cell suppression for tables that leave the platform.

The method, in words (README "Participation data" and the policy brief repeat it):

1. *Primary suppression.* A count from 1 to ``threshold - 1`` is hidden and shown as "<5"
   (for the default threshold of 5). Zero is shown: it says nobody, not somebody.
2. *Complementary suppression.* The tables carry totals (per group, per gender, overall), so a
   single hidden cell could be worked out by subtraction. More cells are hidden until every
   primary cell lies on a *cycle* of hidden cells: a way to add 1 to it and balance every total
   it belongs to by changing other hidden cells, so that at least two tables fit everything
   shown. Cycles are found as paths in the table's flow graph (rows and gender columns are
   nodes, cells are edges; a table with margins is a transportation problem), taking the path
   that hides the smallest counts (Dijkstra with the hidden counts as costs).
3. *What a reader knows is respected.* Complementary cells are shown as "x", so a reader knows
   they are 0 or at least ``threshold``; a cell hidden as a complement may therefore move only
   within that range, and a zero cell cannot be a complement at all (making it 1 would need a
   value the "x" label excludes; making it 5 would need the primary cell to move by 5). Counts
   are also bounded by their *published* neighbours in the funnel (certified <= completed <=
   started <= enrolled), so a hidden cell only moves within those values.
4. *Linked equations.* Other sums a reader could use (the institutions of a country add up to
   the country) are given as extra equations; in each, every primary cell must have a hidden
   partner that can move the opposite way.
5. *When no cycle exists* (the funnel pins the cell: say 4 of 4 enrolled started and the row
   total is published), its kin — the same group in every measure — are hidden, which frees the
   bounds; if that is still not enough, every non-zero count of the table is hidden.

The module is pure Python (no database) so it can be tested with hand-made tables.
"""

from __future__ import annotations

import enum
import heapq
import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

INFINITY = 10**12


class Status(enum.Enum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # a count from 1 to threshold - 1: shown as "<5"
    COMPLEMENTARY = "complementary"  # hidden so that a primary cannot be recovered: shown as "x"


@dataclass(frozen=True, eq=False)
class Table:
    """A two-way table with its margins, by cell keys.

    `rows[i][j]` is the cell of group i and column j; `row_totals[i]` sums row i;
    `column_totals[j]` sums column j over the groups; `grand` sums everything.
    """

    rows: Sequence[Sequence[Hashable]]
    row_totals: Sequence[Hashable]
    column_totals: Sequence[Hashable]
    grand: Hashable

    def edges(self) -> Iterable[tuple[Hashable, Hashable, Hashable]]:
        """(cell, from node, to node): the table as a circulation network."""
        for i, row in enumerate(self.rows):
            yield self.row_totals[i], "S", ("R", i)
            for j, cell in enumerate(row):
                yield cell, ("R", i), ("C", j)
        for j, cell in enumerate(self.column_totals):
            yield cell, ("C", j), "T"
        yield self.grand, "T", "S"

    def cells(self) -> Iterable[Hashable]:
        return (edge[0] for edge in self.edges())

    def equations(self) -> Iterable[tuple[Hashable, list[Hashable]]]:
        for i, row in enumerate(self.rows):
            yield self.row_totals[i], list(row)
        for j, total in enumerate(self.column_totals):
            yield total, [row[j] for row in self.rows]
        yield self.grand, list(self.column_totals)
        yield self.grand, list(self.row_totals)


class Suppressor:
    """Decide which cells to hide. Build, then call `run()`; read `status`."""

    def __init__(
        self,
        values: Mapping[Hashable, int],
        tables: Sequence[Table],
        threshold: int,
        *,
        equations: Iterable[tuple[Hashable, Sequence[Hashable]]] = (),
        bounds: Mapping[Hashable, tuple[int, int]] | None = None,
        neighbours: Mapping[Hashable, tuple[Hashable | None, Hashable | None]] | None = None,
        kin: Callable[[Hashable], Iterable[Hashable]] | None = None,
    ):
        if threshold < 3:
            raise ValueError("the suppression threshold must be at least 3")
        self.values = values
        self.tables = list(tables)
        self.threshold = threshold
        self.equations = [(total, list(parts)) for total, parts in equations]
        self.bounds = bounds or {}
        self.neighbours = neighbours or {}
        self.kin = kin
        self._widened: set = set()
        self.protected: set = set()
        self.status: dict[Hashable, Status] = {
            key: (Status.PRIMARY if 0 < value < threshold else Status.PUBLISHED)
            for key, value in values.items()
        }
        # The graph searches work on integers: hashing tuple keys dominated their time.
        self._keys = list(values)
        self._id = {key: n for n, key in enumerate(self._keys)}
        self._values = [values[key] for key in self._keys]
        self._published = [self.status[key] is Status.PUBLISHED for key in self._keys]

    # -- what a reader can infer about one cell -------------------------------------------------

    def hidden(self, key) -> bool:
        return self.status[key] is not Status.PUBLISHED

    def room(self, key, as_hidden: bool | None = None) -> tuple[int, int]:
        """How far the cell could move down and up, in a reader's eyes, if it is (or were) hidden."""
        value = self.values[key]
        hidden = self.hidden(key) if as_hidden is None else as_hidden
        if not hidden or value == 0:
            return 0, 0
        low, high = self.bounds.get(key, (0, INFINITY))
        below, above = self.neighbours.get(key, (None, None))
        # A published neighbour in the funnel bounds the cell; a hidden one moves with it.
        if below is not None and self.status[below] is Status.PUBLISHED:
            low = max(low, self.values[below])
        if above is not None and self.status[above] is Status.PUBLISHED:
            high = min(high, self.values[above])
        if 0 < value < self.threshold:
            low, high = max(low, 1), min(high, self.threshold - 1)
        else:
            low = max(low, self.threshold)
        low, high = min(low, value), max(high, value)
        return value - low, high - value

    def eligible(self, key) -> bool:
        """A published cell that could become a complement: a zero cannot (see the module note)."""
        return not self.hidden(key) and self.values[key] >= self.threshold

    def hide(self, key) -> bool:
        if self.hidden(key):
            return False
        self.status[key] = Status.COMPLEMENTARY
        self._published[self._id[key]] = False
        return True

    # -- the algorithm ------------------------------------------------------------------------

    def run(self) -> dict[Hashable, Status]:
        for _round in range(10_000):
            changed = self._protect_equations()
            for table in self.tables:
                changed |= self._protect_table(table)
            if not changed:
                return self.status
        raise RuntimeError("suppression did not converge")  # pragma: no cover

    def _protect_equations(self) -> bool:
        """Every primary cell in an extra equation gets a hidden partner moving the other way."""
        changed = False
        for total, parts in self.equations:
            signed = [(total, -1)] + [(part, 1) for part in parts]
            for key, sign in signed:
                if self.status[key] is not Status.PRIMARY or self._has_partner(key, sign, signed):
                    continue
                candidates = [
                    (self.values[other], other_sign != -1, n)
                    for n, (other, other_sign) in enumerate(signed)
                    if other != key
                    and self.eligible(other)
                    and self._pairs(key, sign, other, other_sign, True)
                ]
                if candidates:
                    _value, _is_total, n = min(candidates)
                    changed |= self.hide(signed[n][0])
        return changed

    def _pairs(self, key, sign, other, other_sign, as_hidden=None) -> bool:
        down, up = self.room(key)
        other_down, other_up = self.room(other, as_hidden)
        if sign == other_sign:  # both on the same side: one goes up, the other down
            return bool((up and other_down) or (down and other_up))
        return bool((up and other_up) or (down and other_down))

    def _has_partner(self, key, sign, signed) -> bool:
        return any(
            other != key and self.hidden(other) and self._pairs(key, sign, other, other_sign)
            for other, other_sign in signed
        )

    def _protect_table(self, table: Table) -> bool:
        changed = False
        arcs, node = self._network(table)
        for key, tail, head in table.edges():
            if self.status[key] is not Status.PRIMARY or key in self.protected:
                continue
            tail, head = node[tail], node[head]
            if self._cycle(arcs, key, tail, head, hidden_only=True) is not None:
                self.protected.add(key)  # more hidden cells only add paths: it stays protected
                continue
            path = self._cycle(arcs, key, tail, head, hidden_only=False)
            if path is None:
                changed |= self._widen(key, table)
                continue
            for other in path:
                changed |= self.hide(self._keys[other])
        return changed

    def _widen(self, key, table: Table) -> bool:
        """No cycle exists: the cell's neighbours pin it. First hide its kin (the same group in
        the other measures, which frees the funnel bounds); if that is not enough, the table."""
        if self.kin is not None and key not in self._widened:
            self._widened.add(key)
            others = list(self.kin(key))
        else:
            others = list(table.cells())
        changed = False
        for other in others:
            if self.values[other]:
                changed |= self.hide(other)
        return changed

    def _network(self, table: Table) -> tuple[dict, dict]:
        """Arcs of the residual graph: a cell that can go up is an arc tail -> head, down head -> tail.

        Built once per round with each cell's room *as if hidden* (published neighbours may
        hide later and widen it, which the next round sees); costs are read during the search.
        """
        arcs: dict = {}
        node: dict = {}
        for key, tail, head in table.edges():
            down, up = self.room(key, as_hidden=True)
            cell = self._id[key]
            tail, head = node.setdefault(tail, len(node)), node.setdefault(head, len(node))
            if up:
                arcs.setdefault(tail, []).append((head, cell))
            if down:
                arcs.setdefault(head, []).append((tail, cell))
        return arcs, node

    def _cycle(self, arcs, key, tail, head, hidden_only: bool) -> list | None:
        """The cheapest published cells to hide so that `key` can move by one; None if impossible."""
        down, up = self.room(key)
        options = []
        if up:  # key goes up: the flow must come back from its head to its tail
            options.append(self._path(arcs, key, head, tail, hidden_only))
        if down:
            options.append(self._path(arcs, key, tail, head, hidden_only))
        options = [option for option in options if option is not None]
        return min(options, key=lambda option: option[0])[1] if options else None

    def _path(self, arcs, key, start, goal, hidden_only: bool):
        """Dijkstra: hidden cells cost nothing, published ones their count, zeros are no way."""
        published, values, threshold, key = self._published, self._values, self.threshold, self._id[key]
        counter = itertools.count()
        queue = [(0, next(counter), start)]
        best = {start: 0}
        came: dict = {}
        while queue:
            cost, _n, node = heapq.heappop(queue)
            if cost > best.get(node, INFINITY):
                continue
            if node == goal:
                path = []
                while node != start:
                    previous, cell = came[node]
                    if published[cell]:
                        path.append(cell)
                    node = previous
                return cost, path
            for target, cell in arcs.get(node, ()):
                if cell == key:
                    continue
                if not published[cell]:
                    step = 0
                elif hidden_only or values[cell] < threshold:
                    continue
                else:
                    step = values[cell]
                total = cost + step
                if total < best.get(target, INFINITY):
                    best[target] = total
                    came[target] = (node, cell)
                    heapq.heappush(queue, (total, next(counter), target))
        return None


def suppress(
    values: Mapping[Hashable, int],
    tables: Sequence[Table],
    threshold: int,
    *,
    equations: Iterable[tuple[Hashable, Sequence[Hashable]]] = (),
    bounds: Mapping[Hashable, tuple[int, int]] | None = None,
    neighbours: Mapping[Hashable, tuple[Hashable | None, Hashable | None]] | None = None,
    kin: Callable[[Hashable], Iterable[Hashable]] | None = None,
) -> dict[Hashable, Status]:
    """The status of every cell of `values` after primary and complementary suppression.

    `neighbours` gives, per cell, the cells just below and above it in a chain of inequalities
    (certified <= completed <= ...); `kin` the cells to hide first when one cannot be covered.
    """
    return Suppressor(
        values, tables, threshold, equations=equations, bounds=bounds, neighbours=neighbours, kin=kin
    ).run()
