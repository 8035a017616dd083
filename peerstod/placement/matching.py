"""Stable matching of peer supporters to positions (a "speed-dating" matching event).

Peer supporters propose (deferred acceptance, Gale–Shapley with capacities), which gives
the peer-optimal stable matching: no peer supporter can do better in any stable
matching, and no peer supporter and position would both rather have each other than
what they got. A position is acceptable to a peer supporter only if the peer ranked it
and its service degree lies in the peer's accepted range; a peer is acceptable to a
position only if the position ranked them. Plain Python, no Django: the same code
serves the web page and `peerstod match`.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class MatchingInputError(ValueError):
    """Malformed input. `field` names the offending place, e.g. `peers[3].ranking[1]`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Peer:
    id: Hashable
    fte_min: int
    fte_max: int
    ranking: tuple[Hashable, ...]


@dataclass(frozen=True)
class Position:
    id: Hashable
    fte: int
    seats: int
    ranking: tuple[Hashable, ...]


@dataclass
class Result:
    matches: list[tuple[Hashable, Hashable]]  # (peer id, position id)
    unmatched_peers: list[Hashable]
    unfilled_positions: list[Hashable]
    reasons: dict[Hashable, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "matches": [{"peer": p, "position": q} for p, q in self.matches],
            "unmatched_peers": self.unmatched_peers,
            "unfilled_positions": self.unfilled_positions,
        }


# Why a peer supporter ended up without a position.
NO_ACCEPTABLE = "no_acceptable_position"  # ranked nothing within their service degree
NOT_RANKED = "not_ranked_by_positions"  # no acceptable position ranked them
PREFERRED_OTHERS = "positions_filled_by_preferred"  # every acceptable position filled first


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MatchingInputError(where, f"must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise MatchingInputError(where, f"must lie between {low} and {high}, not {value}")
    return value


def _id(value: Any, where: str) -> Hashable:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MatchingInputError(where, f"must be a string or a whole number, not {value!r}")
    return value


def _ranking(items: Any, where: str, known: set, kind: str) -> tuple:
    if not isinstance(items, list):
        raise MatchingInputError(where, "must be a list of ids")
    # Fast path in C (set operations); the slow loop below only runs to name the fault.
    unique = set(items) if set(map(type, items)) <= {str, int} else None
    if unique is not None and len(unique) == len(items) and unique <= known:
        return tuple(items)
    seen: set = set()
    for index, item in enumerate(items):
        item = _id(item, f"{where}[{index}]")
        if item not in known:
            raise MatchingInputError(f"{where}[{index}]", f"unknown {kind} id {item!r}")
        if item in seen:
            raise MatchingInputError(f"{where}[{index}]", f"{kind} id {item!r} ranked twice")
        seen.add(item)
    return tuple(items)


def parse(data: Any) -> tuple[list[Peer], list[Position]]:
    """Validate the JSON shape of `peerstod match` and return typed peers and positions."""
    if not isinstance(data, Mapping):
        raise MatchingInputError("(top)", "must be an object with 'peers' and 'positions'")
    for key in ("peers", "positions"):
        if not isinstance(data.get(key), list):
            raise MatchingInputError(key, "must be a list")
    raw_peers, raw_positions = data["peers"], data["positions"]
    peer_ids: list = []
    for index, peer in enumerate(raw_peers):
        if not isinstance(peer, Mapping):
            raise MatchingInputError(f"peers[{index}]", "must be an object")
        peer_ids.append(_id(peer.get("id"), f"peers[{index}].id"))
    position_ids: list = []
    for index, position in enumerate(raw_positions):
        if not isinstance(position, Mapping):
            raise MatchingInputError(f"positions[{index}]", "must be an object")
        position_ids.append(_id(position.get("id"), f"positions[{index}].id"))
    for name, ids in (("peers", peer_ids), ("positions", position_ids)):
        seen: set = set()
        for index, value in enumerate(ids):
            if value in seen:
                raise MatchingInputError(f"{name}[{index}].id", f"duplicate id {value!r}")
            seen.add(value)
    known_peers, known_positions = set(peer_ids), set(position_ids)
    peers = []
    for index, peer in enumerate(raw_peers):
        where = f"peers[{index}]"
        low = _int(peer.get("fte_min"), f"{where}.fte_min", 1, 100)
        high = _int(peer.get("fte_max"), f"{where}.fte_max", 1, 100)
        if low > high:
            raise MatchingInputError(f"{where}.fte_min", "is above fte_max")
        peers.append(
            Peer(
                peer_ids[index],
                low,
                high,
                _ranking(peer.get("ranking"), f"{where}.ranking", known_positions, "position"),
            )
        )
    positions = []
    for index, position in enumerate(raw_positions):
        where = f"positions[{index}]"
        positions.append(
            Position(
                position_ids[index],
                _int(position.get("fte"), f"{where}.fte", 1, 100),
                _int(position.get("seats"), f"{where}.seats", 1, 10_000),
                _ranking(position.get("ranking"), f"{where}.ranking", known_peers, "peer"),
            )
        )
    return peers, positions


def solve(peers: Sequence[Peer], positions: Sequence[Position]) -> Result:
    """Peer-proposing deferred acceptance with seats.

    Work is proportional to the proposals made, not to the size of the rankings: a
    position's ranking is turned into a lookup table only when someone first proposes
    to it, and a peer's list is walked only as far as their proposals go.
    """
    position_index = {q.id: j for j, q in enumerate(positions)}
    fte = [q.fte for q in positions]
    seats = [q.seats for q in positions]
    ranks: list[dict | None] = [None] * len(positions)
    nxt = [0] * len(peers)
    # What a peer's walk has seen, to say why they end up unmatched.
    saw_within = [False] * len(peers)
    saw_ranked = [False] * len(peers)
    # Each position holds a heap of (-rank, peer index): the worst held peer on top.
    held: list[list[tuple[int, int]]] = [[] for _ in positions]
    push, replace = heapq.heappush, heapq.heapreplace
    free = list(range(len(peers) - 1, -1, -1))
    while free:
        i = free.pop()
        peer = peers[i]
        ranking, low, high, pid = peer.ranking, peer.fte_min, peer.fte_max, peer.id
        k, end = nxt[i], len(peer.ranking)
        within = ranked = False
        while k < end:
            j = position_index[ranking[k]]
            k += 1
            if not low <= fte[j] <= high:
                continue
            within = True
            table = ranks[j]
            if table is None:
                order = positions[j].ranking
                table = ranks[j] = dict(zip(order, range(len(order)), strict=True))
            r = table.get(pid)
            if r is None:
                continue
            ranked = True
            heap = held[j]
            if len(heap) < seats[j]:
                push(heap, (-r, i))
                break
            if -heap[0][0] > r:
                free.append(replace(heap, (-r, i))[1])
                break
        nxt[i] = k
        saw_within[i] = saw_within[i] or within
        saw_ranked[i] = saw_ranked[i] or ranked
    assignment: dict[int, int] = {}
    for j, heap in enumerate(held):
        for _, i in heap:
            assignment[i] = j
    matches = sorted(
        ((peers[i].id, positions[j].id) for i, j in assignment.items()), key=lambda m: str(m)
    )
    unmatched = [p.id for i, p in enumerate(peers) if i not in assignment]
    reasons = {}
    for i, peer in enumerate(peers):
        if i in assignment:
            continue
        if not saw_within[i]:
            reasons[peer.id] = NO_ACCEPTABLE
        elif not saw_ranked[i]:
            reasons[peer.id] = NOT_RANKED
        else:
            reasons[peer.id] = PREFERRED_OTHERS
    unfilled = [q.id for j, q in enumerate(positions) if len(held[j]) < q.seats]
    return Result(matches, unmatched, unfilled, reasons)


def blocking_pairs(peers: Sequence[Peer], positions: Sequence[Position], result: Result):
    """Pairs that would both rather have each other: empty for a stable matching."""
    by_peer = dict(result.matches)
    holders: dict[Hashable, list[Hashable]] = {q.id: [] for q in positions}
    for pid, qid in result.matches:
        holders[qid].append(pid)
    position_by_id = {q.id: q for q in positions}
    found = []
    for peer in peers:
        current = by_peer.get(peer.id)
        for qid in peer.ranking:
            if qid == current:
                break
            q = position_by_id[qid]
            if not peer.fte_min <= q.fte <= peer.fte_max or peer.id not in q.ranking:
                continue
            order = {pid: r for r, pid in enumerate(q.ranking)}
            if len(holders[qid]) < q.seats or any(order[peer.id] < order[h] for h in holders[qid]):
                found.append((peer.id, qid))
    return found
