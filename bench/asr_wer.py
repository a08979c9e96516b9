"""Recognition WER of a samtal build on synthetic speech: espeak-ng renderings of the first
three minutes of each dev meeting (Swedish, Danish; ../shared/eval/dev), of an English
home-care conversation (bench/asr-en-homecare.txt) and the English 60 s fixture.

espeak's robotic voice is far from real speech and Whisper base is weak in Swedish and
Danish, so the absolute numbers say little; the script exists to compare two builds or
settings (window lengths, models, quantizations) on the same audio. Dev-only.
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import wave

from wer import errors

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
WORK = ROOT / "bench" / ".asr"
RATE = 16000
SECONDS = 180


def speak(text, voice, pitch):
    """16 kHz mono 16-bit samples of `text` spoken by espeak-ng."""
    raw, pcm = WORK / "turn.wav", WORK / "turn16.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-p", str(pitch), "-w", str(raw),
                    text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(pcm)],
                   check=True, stderr=subprocess.DEVNULL)
    with wave.open(str(pcm)) as w:
        return w.readframes(w.getnframes())


def write(name, turns, lang):
    """turns: (start seconds or None to follow on, text, voice, pitch)."""
    audio = bytearray()
    for start, text, voice, pitch in turns:
        if start is not None:
            audio.extend(bytes(max(0, int(start * RATE) * 2 - len(audio))))
        audio.extend(speak(text, voice, pitch))
        audio.extend(bytes(int(0.3 * RATE) * 2))
    audio.extend(bytes(RATE * 2))
    with wave.open(str(WORK / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(audio))
    (WORK / f"{name}.txt").write_text(" ".join(t for _, t, _, _ in turns))
    (WORK / f"{name}.lang").write_text(lang)


def synthesize():
    WORK.mkdir(exist_ok=True)
    for path in sorted(DEV.glob("dev-*.json")):
        if (WORK / f"{path.stem}.wav").exists():
            continue
        meeting = json.loads(path.read_text())
        lang = meeting["language"]
        turns = [(s["start"], s["text"], lang, 40 if s["speaker"] == "worker" else 70)
                 for s in meeting["segments"] if s["end"] <= SECONDS]
        write(path.stem, turns, lang)
    if not (WORK / "en-homecare.wav").exists():
        lines = (ROOT / "bench" / "asr-en-homecare.txt").read_text().strip().splitlines()
        write("en-homecare", [(None, t, "en-us" if i % 2 == 0 else "en-gb",
                               40 if i % 2 == 0 else 65) for i, t in enumerate(lines)], "en")
    fixture = ROOT / "tests" / "fixtures" / "en-meeting-60s"
    (WORK / "en-fixture.wav").write_bytes(fixture.with_suffix(".wav").read_bytes())
    (WORK / "en-fixture.txt").write_text(fixture.with_suffix(".txt").read_text())
    (WORK / "en-fixture.lang").write_text("en")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samtal", required=True)
    ap.add_argument("--quant", default="q8_0")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    synthesize()
    totals = {}
    for wav in sorted(WORK.glob("*.wav")):
        if wav.stem.startswith("turn"):
            continue
        lang = wav.with_suffix(".lang").read_text().strip()
        out = subprocess.run([args.samtal, "transcribe", str(wav), "--lang", lang, "--quant",
                              args.quant, "--threads", str(args.threads)],
                             check=True, capture_output=True, text=True).stdout
        hypothesis = " ".join(re.sub(r"^\[.*?\]\s*", "", line) for line in out.splitlines())
        e, n = errors(wav.with_suffix(".txt").read_text(), hypothesis)
        total = totals.setdefault(lang, [0, 0])
        total[0] += e
        total[1] += n
        print(f"{wav.stem:<12} {lang}  WER {100 * e / n:5.1f} %  ({n} words)", flush=True)
    for lang, (e, n) in sorted(totals.items()):
        print(f"all {lang:<8}     WER {100 * e / n:5.1f} %  ({n} words)")


if __name__ == "__main__":
    sys.exit(main())
