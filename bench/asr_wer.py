"""Recognition WER of a samtal build on synthetic speech: espeak-ng renderings of the first
three minutes of each dev meeting (Swedish, Danish; ../shared/eval/dev), of an English
home-care conversation (bench/asr-en-homecare.txt) and the English 60 s fixture.

espeak's robotic voice is far from real speech and Whisper base is weak in Swedish and
Danish, so the absolute numbers say little; the script exists to compare two builds or
settings (window lengths, models, quantizations) on the same audio. Dev-only.

Settings are chosen on the `tune` half (odd-numbered dev meetings and the home-care
conversation) and reported on the `held-out` half (even-numbered meetings and the fixture),
so a choice is never judged on the audio it was made on.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import wave

from wer import errors

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The evaluation set beside the repository (SAMTAL_DEV_EVAL for a checkout elsewhere).
DEV = pathlib.Path(os.environ.get("SAMTAL_DEV_EVAL", ROOT.parent / "shared" / "eval" / "dev"))
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


def held_out(stem):
    """Even-numbered dev meetings and the fixture; the rest is for tuning."""
    if stem.startswith("dev-"):
        return int(stem[4:]) % 2 == 0
    return stem == "en-fixture"


def transcribe(args, wav, lang, quant):
    cmd = [args.samtal, "transcribe", str(wav), "--lang", lang, "--quant", quant,
           "--threads", str(args.threads)]
    if args.cut_after is not None:
        cmd += ["--cut-after", str(args.cut_after)]
    if args.max_window is not None:
        cmd += ["--max-window", str(args.max_window)]
    if args.previous_text:
        cmd.append("--previous-text")
    if args.early_commit is not None:
        cmd += ["--early-commit", str(args.early_commit)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return " ".join(re.sub(r"^\[.*?\]\s*", "", line) for line in out.splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samtal", required=True)
    ap.add_argument("--quant", default="q8_0",
                    help="one or more weight formats, comma-separated (f16,q8_0,q5_1,q5_0,q4_0)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cut-after", type=float, help="samtal's window setting (seconds)")
    ap.add_argument("--max-window", type=float,
                    help="seconds at which a window is cut at its quietest moment")
    ap.add_argument("--early-commit", type=float,
                    help="commit what Whisper closed every SECS of an open window (0: off)")
    ap.add_argument("--previous-text", action="store_true",
                    help="decode each window with the text before it as prompt")
    ap.add_argument("--split", choices=["tune", "held-out", "all"], default="all")
    ap.add_argument("--only", help="comma-separated recordings (e.g. dev-06,en-fixture), for "
                    "a quick comparison on a busy machine")
    ap.add_argument("--synthesize-only", action="store_true")
    args = ap.parse_args()
    synthesize()
    if args.synthesize_only:
        return
    quants = args.quant.split(",")
    wavs = [w for w in sorted(WORK.glob("*.wav")) if not w.stem.startswith("turn")
            and (args.split == "all" or held_out(w.stem) == (args.split == "held-out"))
            and (not args.only or w.stem in args.only.split(","))]
    totals = {}
    for wav in wavs:
        lang = wav.with_suffix(".lang").read_text().strip()
        reference = wav.with_suffix(".txt").read_text()
        cells = []
        for quant in quants:
            e, n = errors(reference, transcribe(args, wav, lang, quant))
            total = totals.setdefault((quant, lang, held_out(wav.stem)), [0, 0])
            total[0] += e
            total[1] += n
            cells.append(f"{quant} {100 * e / n:5.1f} %")
        print(f"{wav.stem:<12} {lang}  {n:>5} words  " + "  ".join(cells), flush=True)
    print()
    for half, name in ((False, "tune"), (True, "held-out")):
        for lang in ("sv", "da", "en"):
            row = []
            for quant in quants:
                e, n = totals.get((quant, lang, half), (0, 0))
                if n:
                    row.append(f"{quant} {100 * e / n:5.1f} % ({n} words)")
            if row:
                print(f"{name:<9} {lang}  " + "  ".join(row))


if __name__ == "__main__":
    sys.exit(main())
