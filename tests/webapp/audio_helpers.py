"""Real audio files made by the test itself (no recording tool needed at run time)."""

from __future__ import annotations

import io
import math
import wave


def wav_tone(seconds: float = 1.0, rate: int = 8000, hz: float = 440.0) -> bytes:
    """A mono 8-bit WAV of a sine tone: a file any browser plays."""
    frames = bytes(int(128 + 100 * math.sin(2 * math.pi * hz * i / rate))
                   for i in range(int(seconds * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()
