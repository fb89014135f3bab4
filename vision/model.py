"""Which pose model bundle to use, and building one offline when there is none.

MediaPipe's Tasks ``PoseLandmarker`` loads a ``.task`` bundle: a zip holding
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``, each carrying
TFLite metadata that tells the Tasks runtime how to normalise the input image.
Google distributes these bundles from its own servers, which this project may
not reach.  The ``mediapipe==0.10.21`` wheel on PyPI still ships the same two
networks (BlazePose detector and the "full" landmark model) without that
metadata, so :func:`build_bundle` adds it and zips them.  The input
normalisation must match how the networks were trained; a wrong one still runs
but moves landmarks by many pixels, which the tests check.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from vision.errors import ModelUnavailableError

MODEL_ENV = "STRIDESCOPE_MODEL"
CACHE_ENV = "STRIDESCOPE_CACHE"

SOURCE_WHEEL = "mediapipe==0.10.21"
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKS_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
SHA256 = {
    DETECTOR_IN_WHEEL: "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    LANDMARKS_IN_WHEEL: "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}
BUILT_BUNDLE_NAME = "pose_landmarker_full_mp0.10.21.task"


@dataclass(frozen=True)
class Normalisation:
    """Input normalisation ``(pixel - mean) / std`` written into a network's metadata."""

    mean: float
    std: float


# BlazePose detector expects [-1, 1]; the landmark network expects [0, 1].
DETECTOR_NORMALISATION = Normalisation(127.5, 127.5)
LANDMARKS_NORMALISATION = Normalisation(0.0, 255.0)


@dataclass(frozen=True)
class ModelBundle:
    """A ``.task`` bundle on disk and a short identity for caches and reports."""

    path: Path
    identity: str


def cache_dir() -> Path:
    """Stridescope's per-user cache (``$STRIDESCOPE_CACHE``, else the XDG cache)."""
    root = os.environ.get(CACHE_ENV) or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    ) / "stridescope"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundle_identity(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}@sha256:{digest}"


def resolve_model(path: str | os.PathLike | None = None, build: bool = True) -> ModelBundle:
    """Answer "which ``.task`` bundle do I use?".

    In order: the ``path`` given (``--model``); the ``$STRIDESCOPE_MODEL``
    environment variable; a bundle already built in the user cache; else
    build one from the ``mediapipe==0.10.21`` wheel (``build=True``).

    Raises:
        ModelUnavailableError: with a message saying exactly what to do.
    """
    given = path or os.environ.get(MODEL_ENV)
    if given:
        p = Path(given).expanduser()
        if not p.is_file():
            raise ModelUnavailableError(
                f"pose model '{p}' does not exist: give the path of a MediaPipe "
                "PoseLandmarker .task file (e.g. pose_landmarker_heavy.task)"
            )
        return ModelBundle(p, bundle_identity(p))
    cached = cache_dir() / "models" / BUILT_BUNDLE_NAME
    if not cached.is_file():
        if not build:
            raise ModelUnavailableError(_HOW_TO_GET_A_MODEL)
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, build_bundle(download_source_wheel()))
    return ModelBundle(cached, bundle_identity(cached))


_HOW_TO_GET_A_MODEL = (
    "no pose model available. Run `stridescope setup-model` once while the Python package "
    "index is reachable (it builds one from the mediapipe 0.10.21 wheel), or pass "
    f"--model PATH / set {MODEL_ENV} to an official pose_landmarker_heavy.task file"
)


def download_source_wheel() -> bytes:
    """The ``mediapipe==0.10.21`` wheel, fetched once with pip (download only, never installed)."""
    kept = cache_dir() / "wheels"
    wheels = sorted(kept.glob("mediapipe-0.10.21-*.whl"))
    if not wheels:
        kept.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=kept) as tmp:
            cmd = [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
                "--platform", "manylinux_2_28_x86_64", "-d", tmp, SOURCE_WHEEL,
            ]
            result = subprocess.run(cmd, capture_output=True, text=True)
            got = list(Path(tmp).glob("*.whl"))
            if result.returncode != 0 or not got:
                reason = (result.stderr.strip().splitlines() or ["no wheel"])[-1]
                raise ModelUnavailableError(
                    f"could not download {SOURCE_WHEEL} from the Python package index to build "
                    f"the pose model ({reason}). " + _HOW_TO_GET_A_MODEL
                )
            wheels = [got[0].replace(kept / got[0].name)]
    return wheels[0].read_bytes()


def build_bundle(
    wheel: bytes,
    detector: Normalisation = DETECTOR_NORMALISATION,
    landmarks: Normalisation = LANDMARKS_NORMALISATION,
) -> bytes:
    """Make ``.task`` bundle bytes from the 0.10.21 wheel's two networks.

    The networks' sha256 are checked so a changed wheel cannot slip in
    silently.  ``detector``/``landmarks`` exist so tests can build a bundle
    with a wrong normalisation and see it fail.
    """
    with zipfile.ZipFile(io.BytesIO(wheel)) as whl:
        nets = {}
        for name, expected in SHA256.items():
            data = whl.read(name)
            if hashlib.sha256(data).hexdigest() != expected:
                raise ModelUnavailableError(f"{name} in {SOURCE_WHEEL} has an unexpected sha256")
            nets[name] = data
    members = {
        "pose_detector.tflite": with_image_metadata(nets[DETECTOR_IN_WHEEL], detector),
        "pose_landmarks_detector.tflite": with_image_metadata(nets[LANDMARKS_IN_WHEEL], landmarks),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        for name, data in members.items():
            # A fixed timestamp makes the same wheel give the same bundle bytes.
            bundle.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def with_image_metadata(model: bytes, norm: Normalisation) -> bytes:
    """Return ``model`` (a .tflite flatbuffer) with image-input metadata added.

    Uses the flatbuffer schemas MediaPipe ships (its own metadata writer needs
    a native module the current wheel no longer has).
    """
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    tflite = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(model, 0))
    graph = tflite.subgraphs[0]

    normalization = md.NormalizationOptionsT()
    normalization.mean, normalization.std = [norm.mean], [norm.std]
    unit = md.ProcessUnitT()
    unit.optionsType, unit.options = md.ProcessUnitOptions.NormalizationOptions, normalization
    image = md.ImagePropertiesT()
    image.colorSpace = md.ColorSpaceType.RGB
    content = md.ContentT()
    content.contentPropertiesType, content.contentProperties = md.ContentProperties.ImageProperties, image
    image_input = md.TensorMetadataT()
    image_input.name, image_input.content, image_input.processUnits = "image", content, [unit]
    outputs = []
    for i in graph.outputs:
        out = md.TensorMetadataT()
        out.name = graph.tensors[i].name
        outputs.append(out)
    subgraph = md.SubGraphMetadataT()
    subgraph.inputTensorMetadata, subgraph.outputTensorMetadata = [image_input], outputs
    meta = md.ModelMetadataT()
    meta.name, meta.subgraphMetadata, meta.minParserVersion = "stridescope", [subgraph], "1.0.0"

    builder = flatbuffers.Builder(0)
    builder.Finish(meta.Pack(builder), b"M001")
    buffer = tfl.BufferT()
    buffer.data = list(builder.Output())
    tflite.buffers.append(buffer)
    entry = tfl.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(tflite.buffers) - 1
    tflite.metadata = [m for m in (tflite.metadata or []) if m.name != b"TFLITE_METADATA"] + [entry]
    builder = flatbuffers.Builder(0)
    builder.Finish(tflite.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def write_atomically(path: Path, data: bytes) -> None:
    """Write whole-or-nothing, so an interrupted build never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
