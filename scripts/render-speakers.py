"""Renders meetings to audio with espeak-ng, one voice per speaker, for measuring speaker
attribution (`samtal bench speakers`) and for the two-voice fixture.

Each speaker of a meeting gets its own espeak voice variant, pitch (settings at least 15 of
espeak's 0-99 apart), speed and level (the worker nearest the phone); a faint noise floor
runs underneath. Turns follow each other with the pause the meeting's timing gives (at most
1.5 s), and a turn that ends in "—" (cut off) is followed at once, with no pause. The worker's voice also reads the enrolment text
of the meeting's language (speaker/enrolment/). Gold timing comes from the rendering itself:
for every turn, where in the file it is and where in it there is sound.

    render-speakers.py meetings DIR_OF_MEETING_JSONS OUT_DIR
    render-speakers.py fixture SCRIPT.txt OUT_PREFIX

Outputs per meeting NAME: NAME.wav (16 kHz mono 16-bit), NAME.enrol.wav and NAME.json
({"id", "language", "others": [roles besides the worker], "voices": {role: espeak
settings}, "turns": [{"role", "start", "end", "speech": [[start, end], ...]}]}).
"""
import array
import json
import operator
import pathlib
import random
import subprocess
import sys
import wave

ROOT = pathlib.Path(__file__).resolve().parent.parent
RATE = 16000
ESPEAK_LANG = {"sv": "sv", "da": "da", "en": "en-gb"}
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
            "klatt", "Andy", "Annie", "steph", "linda", "david", "john", "max", "Lee",
            "edward", "Alicia", "robert"]
MAX_GAP = 1.5
MIN_PITCH_APART = 15
# Sound in a turn: 10 ms frames louder than this (int16 RMS, about -50 dBFS).
SOUND_RMS = 100


def speak(text, lang, voice):
    """int16 samples at 16 kHz of `text` in `voice` (variant, pitch, speed, gain)."""
    espeak = subprocess.run(
        ["espeak-ng", "-v", f"{ESPEAK_LANG[lang]}+{voice['variant']}", "-p",
         str(voice["pitch"]), "-s", str(voice["speed"]), "--stdout", text],
        check=True, capture_output=True).stdout
    raw = subprocess.run(["sox", "-t", "wav", "-", "-r", str(RATE), "-c", "1", "-b", "16",
                          "-e", "signed-integer", "-t", "raw", "-", "vol", str(voice["gain"])],
                         input=espeak, check=True, capture_output=True).stdout
    samples = array.array("h")
    samples.frombytes(raw)
    return samples


def sound_spans(samples, offset):
    """Where `samples` (starting at `offset` seconds) has sound, as [start, end] seconds."""
    frame = RATE // 100
    spans = []
    for i in range(0, len(samples) - frame + 1, frame):
        chunk = samples[i:i + frame]
        rms = (sum(map(operator.mul, chunk, chunk)) / frame) ** 0.5
        if rms < SOUND_RMS:
            continue
        t = offset + i / RATE
        if spans and t - spans[-1][1] < 0.05:
            spans[-1][1] = round(t + 0.01, 3)
        else:
            spans.append([round(t, 3), round(t + 0.01, 3)])
    return spans


def write_wav(path, samples):
    """Writes 16 kHz mono 16-bit audio with a faint noise floor (about -60 dBFS, as from
    a room and a phone's microphone; sox's repeatable random numbers)."""
    clean, noise = path.with_suffix(".clean.wav"), path.with_suffix(".noise.wav")
    tmp = path.with_suffix(".tmp.wav")
    with wave.open(str(clean), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    seconds = len(samples) / RATE
    subprocess.run(["sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(noise),
                    "synth", f"{seconds:.4f}", "whitenoise", "vol", "0.002"],
                   check=True, capture_output=True)
    subprocess.run(["sox", "-m", "-v", "1", str(clean), "-v", "1", str(noise), str(tmp)],
                   check=True, capture_output=True)
    noise.unlink()
    clean.unlink()
    tmp.replace(path)


def voices_for(name, roles):
    """A distinct voice per role, the same for a meeting on every run."""
    rng = random.Random(name)
    variants = rng.sample(VARIANTS, len(roles))
    # espeak's pitch setting moves a voice's whole range (-p 25 puts a "female" variant
    # at about 90 Hz), so two variants at nearly the same setting can sound alike: keep the
    # settings of one meeting at least MIN_PITCH_APART apart.
    while True:
        pitches = [rng.randint(20, 80) for _ in roles]
        if all(abs(a - b) >= MIN_PITCH_APART for i, a in enumerate(pitches)
               for b in pitches[i + 1:]):
            break
    voices = {}
    for role, variant, pitch in zip(roles, variants, pitches):
        voices[role] = {"variant": variant, "pitch": pitch,
                        "speed": rng.randint(150, 185),
                        "gain": 1.0 if role == "worker" else round(rng.uniform(0.5, 0.9), 2)}
    return voices


def render(name, lang, segments, others, out_dir):
    """segments: (role, text, pause after in s). Writes NAME.wav, NAME.enrol.wav, NAME.json."""
    roles = ["worker"] + sorted({role for role, _, _ in segments} - {"worker"})
    voices = voices_for(name, roles)
    audio = array.array("h", bytes(RATE))
    turns = []
    for role, text, pause in segments:
        start = len(audio) / RATE
        samples = speak(text, lang, voices[role])
        turns.append({"role": role, "start": round(start, 3),
                      "end": round(start + len(samples) / RATE, 3),
                      "speech": sound_spans(samples, start)})
        audio.extend(samples)
        audio.extend(bytes(2 * int(pause * RATE)))
    audio.extend(bytes(RATE))
    write_wav(out_dir / f"{name}.wav", audio)
    enrolment = (ROOT / "speaker" / "enrolment" / f"{lang}.txt").read_text().strip()
    enrol = array.array("h", bytes(RATE // 2))
    enrol.extend(speak(enrolment, lang, voices["worker"]))
    enrol.extend(bytes(RATE))
    write_wav(out_dir / f"{name}.enrol.wav", enrol)
    gold = {"id": name, "language": lang, "others": others, "voices": voices, "turns": turns}
    (out_dir / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False))


def meeting_segments(meeting):
    segs = meeting["segments"]
    out = []
    for i, s in enumerate(segs):
        text = s["text"].strip()
        cut_off = text.endswith("—")
        gap = 0.0 if cut_off or i + 1 == len(segs) else segs[i + 1]["start"] - s["end"]
        out.append((s["speaker"], text.rstrip("—").strip(), min(max(gap, 0.0), MAX_GAP)))
    return out


def participants(meeting):
    """Roles besides the worker, in the order the meeting lists its participants."""
    roles = []
    for p in meeting["meeting"]["participants"]:
        role = p.rsplit("(", 1)[-1].rstrip(")").strip()
        if role != "worker" and role not in roles:
            roles.append(role)
    return roles


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("meetings", "fixture"):
        sys.exit(__doc__)
    if sys.argv[1] == "meetings":
        src, out_dir = pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(src.glob("dev-*.json")):
            if (out_dir / f"{path.stem}.json").exists():
                continue
            meeting = json.loads(path.read_text())
            render(path.stem, meeting["language"], meeting_segments(meeting),
                   participants(meeting), out_dir)
            print(f"rendered {path.stem}", flush=True)
    else:
        script, prefix = pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
        segments = []
        for line in script.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                role, text = line.split(":", 1)
                segments.append((role.strip(), text.strip(), 0.0 if text.strip().endswith("—")
                                 else 0.6))
        segments = [(r, t.rstrip("—").strip(), p) for r, t, p in segments]
        others = sorted({r for r, _, _ in segments} - {"worker"})
        render(prefix.name, "en", segments, others, prefix.parent)


if __name__ == "__main__":
    main()
