"""Every weight format with one and two lanes: batch speed, CPU seconds per audio minute
(user + system: the figure that tracks battery use), peak RSS, and model load time with the
full checksum check and with a sealed install record. One process per measurement, so
peak RSS is that configuration's alone. Configurations take turns, round after round, so a
change in the machine's load touches all of them alike.
"""
import argparse
import re
import statistics
import subprocess

FIELDS = {
    "median": r"median seconds\s+([\d.]+)",
    "cpu": r"cpu s/audio min\s+([\d.]+)",
    "rss": r"peak RSS MB\s+([\d.]+)",
}
LOAD = {
    "full": r"load, full s\s+([\d.]+)",
    "sealed": r"load, sealed s\s+([\d.]+)",
    "rss": r"peak RSS MB\s+([\d.]+)",
}


def run(cmd, fields):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {k: float(re.search(p, out).group(1)) for k, p in fields.items() if re.search(p, out)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samtal", required=True)
    ap.add_argument("--clip", default="tests/fixtures/en-meeting-60s.wav")
    ap.add_argument("--formats", default="f16,q8_0,q5_1,q5_0,q4_0")
    ap.add_argument("--lanes", default="1,2")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    configs = [(q, int(l)) for q in args.formats.split(",") for l in args.lanes.split(",")]
    results = {c: [] for c in configs}
    loads = {q: [] for q in args.formats.split(",")}
    for _ in range(args.rounds):
        for quant, lanes in configs:
            results[(quant, lanes)].append(run(
                [args.samtal, "bench", "transcribe", "--file", args.clip, "--threads",
                 str(args.threads), "--quant", quant, "--lanes", str(lanes)], FIELDS))
        for quant in loads:
            loads[quant].append(run(
                [args.samtal, "bench", "load", "--runs", "1", "--threads", str(args.threads),
                 "--quant", quant], LOAD))

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    print(f"{args.clip}, {args.threads} threads, medians of {args.rounds} rounds\n")
    print("| format | lanes | wall s | CPU s per audio min | peak RSS MB |")
    print("| --- | --- | --- | --- | --- |")
    for (quant, lanes), rows in results.items():
        print(f"| {quant} | {lanes} | {med(rows, 'median'):.2f} | {med(rows, 'cpu'):.2f} "
              f"| {med(rows, 'rss'):.0f} |")
    print("\n| format | load s, full check | load s, sealed |")
    print("| --- | --- | --- |")
    for quant, rows in loads.items():
        print(f"| {quant} | {med(rows, 'full'):.3f} | {med(rows, 'sealed'):.3f} |")


if __name__ == "__main__":
    main()
