"""Checking an uploaded recording: its real type (magic bytes), its size and its length."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

MAX_AUDIO_BYTES = 1024 * 1024  # a question read aloud is seconds long: 1 MB is ample
MAX_AUDIO_SECONDS = 60.0
MIN_AUDIO_SECONDS = 0.3
# The browser recorder writes 16 kHz 16-bit mono WAV (ample for speech): at 32 KB a second the
# size limit, not the length limit, decides how long a take may last.
RECORDER_RATE = 16000
RECORD_SECONDS = int(min(MAX_AUDIO_SECONDS, (MAX_AUDIO_BYTES - 44) / (2 * RECORDER_RATE)))


class AudioRejected(ValueError):
    """The file is not a recording hailong stores; the message says why."""


@dataclass(frozen=True)
class AudioCheck:
    """What the checks found."""

    media_type: str
    duration_ms: int


def sniff(data: bytes) -> str | None:
    """The media type that the file's first bytes prove, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    return None


def _duration(data: bytes, media_type: str) -> float:
    if media_type == "audio/wav":
        with wave.open(io.BytesIO(data)) as w:
            return w.getnframes() / float(w.getframerate())
    import mutagen

    found = mutagen.File(io.BytesIO(data))
    if found is None or found.info is None:
        raise ValueError("unreadable")
    return float(found.info.length)


def check_audio(data: bytes, filename: str) -> AudioCheck:
    """Accept an MP3, OGG, WAV or M4A file within the limits, or say what is wrong."""
    if not data:
        raise AudioRejected(_("%(file)s is empty.", file=filename))
    if len(data) > MAX_AUDIO_BYTES:
        raise AudioRejected(_("%(file)s is %(size)s KB; a recording may be at most %(max)s KB.",
                              file=filename, size=len(data) // 1024,
                              max=MAX_AUDIO_BYTES // 1024))
    media_type = sniff(data)
    if media_type is None:
        raise AudioRejected(_("%(file)s is not an MP3, OGG, WAV or M4A recording.",
                              file=filename))
    try:
        seconds = _duration(data, media_type)
    except Exception as exc:  # any parser error means the same to the person uploading
        raise AudioRejected(_("%(file)s looks like audio but cannot be read: it may be "
                              "damaged.", file=filename)) from exc
    if not MIN_AUDIO_SECONDS <= seconds <= MAX_AUDIO_SECONDS:
        raise AudioRejected(_("%(file)s lasts %(s)s seconds; a recording must last between "
                              "%(min)s and %(max)s seconds.", file=filename,
                              s=format_decimal(round(seconds, 1)),
                              min=format_decimal(MIN_AUDIO_SECONDS),
                              max=int(MAX_AUDIO_SECONDS)))
    return AudioCheck(media_type, round(seconds * 1000))
