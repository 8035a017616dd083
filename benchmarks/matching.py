"""Benchmark (not a test): 2,000 peer supporters × 1,000 positions, full rankings.

Prints the solve time (median of 5) and the wall time of the whole `peerstod match`
run (start-up, JSON parsing, solving, printing), median of 3.
Run: .venv/bin/python benchmarks/matching.py
"""

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peerstod.placement.matching import parse, solve  # noqa: E402

PEERS, POSITIONS = 2000, 1000


def instance(seed: int = 1) -> dict:
    rng = random.Random(seed)
    position_ids = [f"q{j}" for j in range(POSITIONS)]
    peer_ids = [f"p{i}" for i in range(PEERS)]
    peers = []
    for pid in peer_ids:
        low = rng.choice([25, 50, 75])
        ranking = position_ids[:]
        rng.shuffle(ranking)
        peers.append(
            {
                "id": pid,
                "fte_min": low,
                "fte_max": rng.choice([f for f in (50, 75, 100) if f >= low]),
                "ranking": ranking,
            }
        )
    positions = []
    for qid in position_ids:
        ranking = peer_ids[:]
        rng.shuffle(ranking)
        positions.append(
            {
                "id": qid,
                "fte": rng.choice([50, 50, 50, 75, 100]),
                "seats": rng.choice([1, 1, 2]),
                "ranking": ranking,
            }
        )
    return {"peers": peers, "positions": positions}


def main() -> None:
    data = instance()
    peers, positions = parse(data)
    solve_times = []
    for _ in range(5):
        start = time.perf_counter()
        result = solve(peers, positions)
        solve_times.append(time.perf_counter() - start)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(data, handle)
        path = handle.name
    size = Path(path).stat().st_size / 1e6
    command = [sys.executable, "-m", "peerstod", "match", path]
    cli_times = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=True,
            env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
        )
        cli_times.append(time.perf_counter() - start)
    output = json.loads(done.stdout)
    print(f"instance: {PEERS} peers × {POSITIONS} positions, full rankings, {size:.1f} MB JSON")
    print(
        f"matched {len(result.matches)}, unmatched peers {len(result.unmatched_peers)}, "
        f"unfilled positions {len(result.unfilled_positions)}"
    )
    print(
        f"solve: median {statistics.median(solve_times):.3f} s "
        f"(min {min(solve_times):.3f}, max {max(solve_times):.3f}) over 5 runs"
    )
    print(
        f"peerstod match (whole run): median {statistics.median(cli_times):.3f} s "
        f"(min {min(cli_times):.3f}, max {max(cli_times):.3f}) over 3 runs"
    )
    assert len(output["matches"]) == len(result.matches)


if __name__ == "__main__":
    main()
