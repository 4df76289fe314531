"""Suppression, attacked: hand-made tables whose hidden cells an intruder tries to recover.

The intruder knows every published cell, every total relation, that a "<5" cell holds 1–4 and
that an "x" cell holds 0 or at least 5. It enumerates every table consistent with that
(depth-first, pruning on the sums) and succeeds if a small cell has a single possible value.
"""

from __future__ import annotations

import random

import pytest

from lms.reports.suppression import Status, Table, suppress

T = 5


def grid(rows: list[list[int]]):
    """Values and the Table of a two-way table with its margins, keyed by (row, column)."""
    n, m = len(rows), len(rows[0])
    values = {(i, j): rows[i][j] for i in range(n) for j in range(m)}
    for i in range(n):
        values[(i, "all")] = sum(rows[i])
    for j in range(m):
        values[("all", j)] = sum(rows[i][j] for i in range(n))
    values[("all", "all")] = sum(map(sum, rows))
    table = Table(
        rows=[[(i, j) for j in range(m)] for i in range(n)],
        row_totals=[(i, "all") for i in range(n)],
        column_totals=[("all", j) for j in range(m)],
        grand=("all", "all"),
    )
    return values, table


def possible_values(values, table: Table, status, limit: int = 200) -> dict:
    """Every value each hidden cell can take in some table consistent with what is published."""
    equations = list(table.equations())
    hidden = [key for key in values if status[key] is not Status.PUBLISHED]
    ceiling = max(values.values())
    domains = {}
    for key in hidden:
        if status[key] is Status.PRIMARY:
            domains[key] = list(range(1, T))
        else:
            domains[key] = [0] + list(range(T, ceiling + T))
    known = {key: values[key] for key in values if status[key] is Status.PUBLISHED}
    seen = {key: set() for key in hidden}
    solutions = 0

    def consistent(assignment) -> bool:
        for total, parts in equations:
            cells = [total, *parts]
            if all(c in assignment for c in cells):
                if assignment[total] != sum(assignment[p] for p in parts):
                    return False
            elif (
                total in assignment
                and sum(assignment[p] for p in parts if p in assignment) > assignment[total]
            ):
                return False
        return True

    def search(assignment, remaining):
        nonlocal solutions
        if solutions >= limit * 50:
            return
        if not remaining:
            solutions += 1
            for key in hidden:
                seen[key].add(assignment[key])
            return
        # Force any cell an equation determines; otherwise branch on the first.
        key = remaining[0]
        for value in domains[key]:
            assignment[key] = value
            if consistent(assignment):
                search(assignment, remaining[1:])
            del assignment[key]

    search(dict(known), hidden)
    return seen


def assert_protected(rows):
    values, table = grid(rows)
    status = suppress(values, [table], T)
    for key, value in values.items():
        if 0 < value < T:
            assert status[key] is Status.PRIMARY
        if value == 0:
            assert status[key] is Status.PUBLISHED, "zero cells are never hidden"
    seen = possible_values(values, table, status)
    for key, state in status.items():
        if state is Status.PRIMARY:
            assert values[key] in seen[key]
            assert len(seen[key]) >= 2, f"{key} = {values[key]} recovered from {rows}"
    return status


def test_primary_suppression_alone_is_recoverable_so_the_attack_works():
    values, table = grid([[3, 10, 12], [8, 9, 20]])
    status = {key: (Status.PRIMARY if 0 < v < T else Status.PUBLISHED) for key, v in values.items()}
    assert possible_values(values, table, status)[(0, 0)] == {3}


def test_single_small_cell_gets_complements_in_its_row_and_column():
    status = assert_protected([[3, 10, 12], [8, 9, 20], [7, 30, 6]])
    hidden = [k for k, s in status.items() if s is not Status.PUBLISHED]
    assert len(hidden) >= 4  # a rectangle at least


def test_two_ones_in_a_row_are_not_left_to_cover_each_other():
    # 1 + 1 = 2 with both in 1..4 has one solution: the heuristic "two hidden per row" fails here.
    assert_protected([[1, 1, 15], [9, 8, 14], [12, 7, 20]])


def test_zero_cells_are_never_used_as_cover():
    status = assert_protected([[2, 0, 0], [0, 11, 9], [6, 0, 13]])
    assert status[(0, 1)] is Status.PUBLISHED and status[(0, 2)] is Status.PUBLISHED


def test_a_table_of_only_small_counts_is_protected():
    assert_protected([[1, 2], [3, 1]])


def test_complement_equal_to_the_threshold_only_moves_up():
    assert_protected([[4, 5, 30], [5, 30, 30], [30, 30, 30]])


@pytest.mark.parametrize("seed", range(25))
def test_random_small_tables_resist_the_attack(seed):
    rng = random.Random(seed)
    rows = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 14]) for _ in range(3)] for _ in range(3)]
    assert_protected(rows)


def test_extra_equations_give_small_cells_a_partner():
    # Two institutions make up a country: country = a + b, with a small.
    values = {"country": 12, "a": 2, "b": 10}
    status = suppress(values, [], T, equations=[("country", ["a", "b"])])
    assert status["a"] is Status.PRIMARY
    assert status["b"] is Status.COMPLEMENTARY or status["country"] is Status.COMPLEMENTARY


def test_funnel_bounds_are_respected():
    # started sits between its neighbours: a complement pinned by them could not cover a cell.
    values, table = grid([[3, 10], [10, 20]])
    bounds = {(1, 0): (10, 10)}  # the reader knows this cell exactly from other measures
    status = suppress(values, [table], T, bounds=bounds)
    assert status[(1, 0)] is Status.PUBLISHED or status[(1, 1)] is not Status.PUBLISHED


def test_threshold_below_three_is_refused():
    with pytest.raises(ValueError):
        suppress({"a": 1}, [], 2)
