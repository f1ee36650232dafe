"""The one audio decoding path of the package: EmoSet++ building and prediction both decode through `load_audio`."""

import os

import numpy as np

SAMPLING_RATE = 16000
"""Sampling rate of every HuBERT-family model and of EmoSet++."""


class AudioDecodingError(ValueError):
    """A file could not be decoded (missing, corrupt, empty or without an audio stream); the message names it."""


def load_audio(
    path: str | os.PathLike,
    sampling_rate: int = SAMPLING_RATE,
    start: float | None = None,
    end: float | None = None,
) -> np.ndarray:
    """
    Decodes any FFmpeg-readable file (wav, flac, mp3, ogg, m4a, the audio stream of mp4/avi, ...) to a mono float32
    waveform at `sampling_rate`, resampling once with FFmpeg (torchcodec).

    Multi-channel audio is mixed down to the **channel mean**, the convention of datasets' `Audio` feature
    (`ds[i]["audio"]["array"]`); EmoSet++ building, training and prediction all use it.

    Args:
        path (`str` or `os.PathLike`): The file to decode.
        sampling_rate (`int`, *optional*, defaults to 16000): Target rate.
        start (`float`, *optional*): Start of the segment to decode, in seconds.
        end (`float`, *optional*): End of the segment to decode, in seconds.

    Returns:
        `np.ndarray` of shape `(num_samples,)`, dtype float32.

    Raises:
        AudioDecodingError: the file is missing, unreadable, has no audio stream or decodes to no samples.
    """
    from torchcodec.decoders import AudioDecoder

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise AudioDecodingError(f"{path}: file not found.")
    if os.path.getsize(path) == 0:
        raise AudioDecodingError(f"{path}: the file is empty (0 bytes).")
    try:
        decoder = AudioDecoder(path, sample_rate=sampling_rate)
        if start is None and end is None:
            samples = decoder.get_all_samples()
        else:
            samples = decoder.get_samples_played_in_range(start_seconds=start or 0.0, stop_seconds=end)
    except Exception as error:  # torchcodec raises RuntimeError/ValueError variants from FFmpeg
        raise AudioDecodingError(f"{path}: cannot decode audio ({error}).") from error
    waveform = samples.data.mean(dim=0).numpy().astype(np.float32, copy=False)
    if waveform.size == 0:
        raise AudioDecodingError(f"{path}: the file decodes to no audio samples.")
    if not np.isfinite(waveform).all():
        raise AudioDecodingError(f"{path}: the decoded audio contains NaN or infinite values.")
    return waveform
