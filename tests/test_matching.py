"""The stable matching solver: stable, peer-optimal, within seats and service degrees,
and strict about its input."""

import itertools
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerstod.placement.matching import (
    NO_ACCEPTABLE,
    NOT_RANKED,
    MatchingInputError,
    blocking_pairs,
    parse,
    solve,
)

FTES = [25, 50, 75, 100]


@st.composite
def instances(draw, max_peers=5, max_positions=4):
    n_peers = draw(st.integers(0, max_peers))
    n_positions = draw(st.integers(0, max_positions))
    peer_ids = [f"p{i}" for i in range(n_peers)]
    position_ids = [f"q{j}" for j in range(n_positions)]
    peers = []
    for pid in peer_ids:
        low = draw(st.sampled_from(FTES))
        high = draw(st.sampled_from([f for f in FTES if f >= low]))
        ranking = draw(st.permutations(position_ids))
        ranking = ranking[: draw(st.integers(0, len(ranking)))]
        peers.append({"id": pid, "fte_min": low, "fte_max": high, "ranking": list(ranking)})
    positions = []
    for qid in position_ids:
        ranking = draw(st.permutations(peer_ids))
        ranking = ranking[: draw(st.integers(0, len(ranking)))]
        positions.append(
            {
                "id": qid,
                "fte": draw(st.sampled_from(FTES)),
                "seats": draw(st.integers(1, 2)),
                "ranking": list(ranking),
            }
        )
    return {"peers": peers, "positions": positions}


def acceptable(peer, position):
    return (
        position.id in peer.ranking
        and peer.fte_min <= position.fte <= peer.fte_max
        and peer.id in position.ranking
    )


def all_stable_matchings(peers, positions):
    """Brute force over every assignment (small instances only)."""
    options = [[None] + [q for q in positions if acceptable(p, q)] for p in peers]
    for choice in itertools.product(*options):
        seats = {}
        for q in choice:
            if q is not None:
                seats[q.id] = seats.get(q.id, 0) + 1
        if any(seats[q.id] > q.seats for q in positions if q.id in seats):
            continue
        matches = [(p.id, q.id) for p, q in zip(peers, choice, strict=True) if q is not None]

        class Fake:
            pass

        fake = Fake()
        fake.matches = matches
        if not blocking_pairs(peers, positions, fake):
            yield dict(matches)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_matching_is_stable_and_respects_seats_and_service_degrees(data):
    peers, positions = parse(data)
    result = solve(peers, positions)
    assert blocking_pairs(peers, positions, result) == []
    by_id = {q.id: q for q in positions}
    peers_by_id = {p.id: p for p in peers}
    counts = {}
    for pid, qid in result.matches:
        counts[qid] = counts.get(qid, 0) + 1
        assert acceptable(peers_by_id[pid], by_id[qid])
    assert all(counts[q] <= by_id[q].seats for q in counts)
    assert len({pid for pid, _ in result.matches}) == len(result.matches)  # once each
    assert set(result.unmatched_peers) == set(peers_by_id) - {p for p, _ in result.matches}


@settings(max_examples=200, deadline=None)
@given(instances(max_peers=4, max_positions=3))
def test_the_matching_is_the_best_stable_one_for_every_peer_supporter(data):
    peers, positions = parse(data)
    result = dict(solve(peers, positions).matches)
    for stable in all_stable_matchings(peers, positions):
        for peer in peers:
            mine, theirs = result.get(peer.id), stable.get(peer.id)
            if theirs is None:
                continue
            assert mine is not None, (peer.id, stable, result)
            assert peer.ranking.index(mine) <= peer.ranking.index(theirs)


def test_nassjo_goes_to_its_first_choice_omar_and_lina_who_ranked_it_first_gets_jonkoping():
    data = {
        "peers": [
            {"id": "lina", "fte_min": 50, "fte_max": 75, "ranking": ["nassjo", "jkpg", "savsjo"]},
            {"id": "omar", "fte_min": 50, "fte_max": 100, "ranking": ["nassjo", "jkpg"]},
            {"id": "eva", "fte_min": 100, "fte_max": 100, "ranking": ["jkpg"]},
        ],
        "positions": [
            {"id": "nassjo", "fte": 50, "seats": 1, "ranking": ["omar", "lina"]},
            {"id": "jkpg", "fte": 50, "seats": 1, "ranking": ["lina", "omar", "eva"]},
            {"id": "savsjo", "fte": 50, "seats": 1, "ranking": []},
        ],
    }
    result = solve(*parse(data))
    # Omar is Nässjö's first choice and wants it most: he gets it; Lina gets Jönköping.
    assert dict(result.matches) == {"omar": "nassjo", "lina": "jkpg"}
    assert result.unmatched_peers == ["eva"]
    assert result.reasons["eva"] == NO_ACCEPTABLE  # needs 100 %, all positions are 50 %
    assert result.unfilled_positions == ["savsjo"]


def test_a_peer_ranked_by_nobody_is_told_so():
    result = solve(
        *parse(
            {
                "peers": [{"id": 1, "fte_min": 50, "fte_max": 50, "ranking": [10]}],
                "positions": [{"id": 10, "fte": 50, "seats": 1, "ranking": []}],
            }
        )
    )
    assert result.reasons[1] == NOT_RANKED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "(top)"),
        ({"peers": []}, "positions"),
        (
            {
                "peers": [{"id": "a", "fte_min": 50, "fte_max": 50, "ranking": ["x"]}],
                "positions": [],
            },
            "peers[0].ranking[0]",
        ),
        (
            {
                "peers": [
                    {"id": "a", "fte_min": 50, "fte_max": 50, "ranking": []},
                    {"id": "a", "fte_min": 50, "fte_max": 50, "ranking": []},
                ],
                "positions": [],
            },
            "peers[1].id",
        ),
        (
            {"peers": [], "positions": [{"id": "q", "fte": 50, "seats": 1, "ranking": ["a", "a"]}]},
            "positions[0].ranking[0]",
        ),
        (
            {
                "peers": [{"id": "a", "fte_min": "50", "fte_max": 50, "ranking": []}],
                "positions": [],
            },
            "peers[0].fte_min",
        ),
        (
            {"peers": [{"id": "a", "fte_min": 75, "fte_max": 50, "ranking": []}], "positions": []},
            "peers[0].fte_min",
        ),
        (
            {"peers": [], "positions": [{"id": "q", "fte": 50, "seats": 0, "ranking": []}]},
            "positions[0].seats",
        ),
        (
            {"peers": [{"id": None, "fte_min": 50, "fte_max": 50, "ranking": []}], "positions": []},
            "peers[0].id",
        ),
    ],
)
def test_malformed_input_names_the_offending_field(data, field):
    with pytest.raises(MatchingInputError) as raised:
        parse(data)
    assert raised.value.field == field


def run_cli(tmp_path, data, *extra):
    path = tmp_path / "input.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return subprocess.run(
        [sys.executable, "-m", "peerstod", "match", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_prints_the_matching_as_json(tmp_path):
    data = {
        "peers": [{"id": "a", "fte_min": 50, "fte_max": 100, "ranking": ["q"]}],
        "positions": [{"id": "q", "fte": 50, "seats": 1, "ranking": ["a"]}],
    }
    result = run_cli(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "matches": [{"peer": "a", "position": "q"}],
        "unmatched_peers": [],
        "unfilled_positions": [],
    }


def test_the_command_line_rejects_bad_input_naming_the_field(tmp_path):
    result = run_cli(tmp_path, {"peers": [{"id": "a"}], "positions": []})
    assert result.returncode != 0
    assert "peers[0].fte_min" in result.stderr
    broken = run_cli(tmp_path, "{not json")
    assert broken.returncode != 0
    assert "JSON" in broken.stderr
