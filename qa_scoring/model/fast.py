"""Fast CPU inference for :class:`~qa_scoring.model.classifier.TurnClassifier`: an int8 ONNX Runtime engine.

    clf = TurnClassifier.from_pretrained(engine="onnx")     # "auto" (the default) picks it when installed

The model folder ships only the PyTorch weights (the repository keeps ``models/`` small), so the engine builds its
graph from them on first use and caches it:

1. export :class:`~qa_scoring.model.network.SoftSkillNet` (encoder, reply/context pooling, skill and distress heads)
   to ONNX, opset 17, dynamic batch and sequence axes, and check it against PyTorch on built-in Turkish pairs;
2. calibrate: run that graph on the same pairs and record, for every weight matrix, each input channel's largest
   absolute value;
3. smooth (SmoothQuant-style, exact in float arithmetic): a few input channels carry outliers 10–40× larger than
   the rest, which would swamp an 8-bit range; those channels are scaled down to ``SMOOTH_FACTOR`` × the median
   channel and the matching weight rows scaled up by the same factor;
4. quantise every weight matrix and the embeddings to int8 (per output channel; activations are quantised per
   call, dynamically), keeping the two small heads in float.

The result lives in ``$QA_SCORING_CACHE/onnx/<key>/`` (default ``~/.cache/qa-scoring``), where the key hashes the
model files, the library versions and this recipe. It is built in a temporary folder under a file lock and moved
into place with an atomic rename, so concurrent processes build it once and never read half a file.

Each turn runs as a batch of one, ``threads`` turns at a time with one ONNX Runtime thread each: no padding, and
the dynamic int8 ranges depend on that turn alone, so a turn gets the same result on its own or in any batch.
Post-processing (temperatures, labels) is shared with the PyTorch engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .encoding import prepare_texts
from .sidecar import HEADS_NAME, ModelSidecar

log = logging.getLogger(__name__)

RECIPE = "export-opset17+smooth3+int8-per-channel/v1"
OPSET = 17
SMOOTH_FACTOR = 3.0
MODEL_FILE = "model.int8.onnx"
META_FILE = "build.json"
INPUT_NAMES = ("input_ids", "attention_mask", "reply_mask", "context_mask")
OUTPUT_NAMES = ("skill_logits", "distress_logits")
HEAD_SCOPES = ("skill_head", "distress_head")  # SoftSkillNet's attribute names: these stay in float
KEY_FILES = ("config.json", "model.safetensors", HEADS_NAME, "tokenizer.json", "tokenizer_config.json")
KEY_PACKAGES = ("torch", "transformers", "onnx", "onnxruntime")
MAX_DEFAULT_THREADS = 8
EXPORT_TOLERANCE = 1e-3  # largest logit difference accepted between the float ONNX graph and PyTorch

# Calibration and check inputs: written for this module (not from the labelled data), clean and noisy Turkish.
PROBES: tuple[tuple[str, str], ...] = (
    ("Kargom üç gündür gelmedi, çok sinirliyim artık.", "Çok haklısınız, gecikme için özür dilerim; hemen bakıyorum."),
    ("Faturamda anlamadığım bir ücret var.", "Hangi kalemi kastettiğinizi söyler misiniz, birlikte bakalım."),
    ("kartim bloke olmus param cekemiyorum", "anliyorum, kimlik dogrulamasi yaptiktan sonra blokeyi kaldiriyorum"),
    ("Üç kere aradım, hâlâ çözülmedi!", "Bu sizin sorununuz, sistem böyle çalışıyor."),
    ("", "İyi günler, HızlıKargo'ya hoş geldiniz, ben Elif. Size nasıl yardımcı olabilirim?"),
    ("internetim sürekli kopuyo ya", "modeminizi kapatıp açtınız mı? açmadıysanız önce onu deneyin lütfen"),
    ("Annem hastanede, randevuyu değiştirmem lazım.", "Geçmiş olsun, çok üzüldüm. En yakın uygun randevuyu buluyorum."),
    ("siparişim eksik geldi tatlı yok", "tamam"),
    ("Bakın kaç kere söyledim, iptal etmek istiyorum!", "Sakin olun lütfen, bağırmanıza gerek yok."),
    ("Sigorta hasar dosyam ne durumda?", "Dosyanız eksper incelemesinde; sonuç çıkınca size SMS ile bilgi vereceğiz."),
    (
        "bagajim kayboldu ve kimse bir sey bilmiyor",
        "Ne kadar can sıkıcı olduğunu anlıyorum. Dosya numaranızı alabilir miyim?",
    ),
    (
        "Aboneliğimi iptal etmek istiyorum, çok pahalı.",
        "Tabii, iptali başlatıyorum. İsterseniz daha uygun bir paket de önerebilirim.",
    ),
    ("bi saattir bekliyorum hattaaa", "bekleme için kusura bakmayın yoğunluk var şu an nasıl yardımcı olayım"),
    (
        "Elektrik faturası iki katına çıkmış, nasıl olur bu?",
        "Geçen ayki endeks ile bu ayınkini tek tek karşılaştırıyorum.",
    ),
    ("Tamam teşekkürler.", "Rica ederim, başka bir konuda yardımcı olabilir miyim? İyi günler dilerim."),
    (
        "Kredi kartı borcumu yapılandırmak istiyorum, işimi kaybettim.",
        "Zor bir dönem, anlıyorum; taksit seçeneklerine bakalım.",
    ),
    ("yemek soğuk geldi", "Restorana şikayetinizi ilettim, ücret iadesini de başlattım."),
    (
        "Depozitom hâlâ iade edilmedi, iki hafta oldu.",
        "Anladığım kadarıyla iadeniz on dört gündür bekliyor; bankaya bakıyorum.",
    ),
    ("Şifremi unuttum.", "Kimlik numaranızı söyleyin."),
    (
        "Teknisyen ne zaman gelecek? Sabahtan beri evde bekliyorum.",
        "Teknisyenimiz iki adres uzakta, kırk dakika içinde orada.",
    ),
    ("ya abi bu ne rezalet", "Haklısınız efendim, hata bizde; telafi için ne yapabileceğimi hemen söylüyorum."),
    (
        "Su kesintisi için yazmıştım.",
        "Bildiriminiz ulaştı; arıza ekibi yönlendirildi, akşam altıya kadar su gelmesi bekleniyor.",
    ),
    ("Hattımı taşımak istiyorum.", "Not aldım. Yeni operatörünüzün adını ve tercih ettiğiniz tarihi alabilir miyim?"),
    (
        "anlamadım tekrar eder misiniz",
        "Tabii, daha yavaş anlatayım: önce uygulamaya giriş yapıyorsunuz, sonra Ayarlar'a.",
    ),
)


class OnnxBuildError(ModelError):
    """The ONNX graph could not be built faithfully from a model folder (the PyTorch engine still works)."""


# ---------------------------------------------------------------------------------------------- availability
def onnx_available() -> bool:
    """Whether the ``fast`` extra (``onnxruntime`` and ``onnx``) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def default_threads() -> int:
    """``$OMP_NUM_THREADS`` when set (Ray and job schedulers set it per worker), else the CPUs this process may use
    (affinity-aware), at most ``MAX_DEFAULT_THREADS``."""
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_DEFAULT_THREADS))


# ---------------------------------------------------------------------------------------------- cache
def cache_root() -> Path:
    """``$QA_SCORING_CACHE`` if set, else ``~/.cache/qa-scoring``."""
    env = os.environ.get("QA_SCORING_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "qa-scoring"


def _versions() -> dict[str, str]:
    out = {}
    for pkg in KEY_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "missing"
    return out


def cache_key(folder: str | Path, versions: dict[str, str] | None = None) -> str:
    """Identifies a built graph: the model files' contents, what the graph depends on in the sidecar, the versions
    of the exporting and running libraries, and the recipe. Any change gives a new key (and a new build)."""
    folder = Path(folder)
    h = hashlib.sha256(RECIPE.encode())
    for name in KEY_FILES:
        path = folder / name
        h.update(name.encode())
        if path.is_file():
            with path.open("rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
        else:
            h.update(b"-")
    sidecar = ModelSidecar.load(folder)
    h.update(json.dumps([sidecar.skills, sidecar.normalization, sidecar.max_length]).encode())
    h.update(json.dumps(versions if versions is not None else _versions(), sort_keys=True).encode())
    return h.hexdigest()[:24]


def _complete(folder: Path) -> bool:
    return (folder / MODEL_FILE).is_file() and (folder / META_FILE).is_file()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between processes (``fcntl``; where it is missing the atomic rename of the
    finished folder still keeps readers safe, at worst two processes build the same graph)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is building %s; waiting for it", path.stem)
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ensure_onnx(folder: str | Path, build: Callable[[Path], dict[str, Any]], key: str | None = None) -> Path:
    """The cached graph of the model in ``folder``; ``build(tmp_dir)`` writes it on a cache miss.

    ``build`` gets an empty temporary folder next to the final one and must write ``MODEL_FILE`` into it; it
    returns details recorded in ``META_FILE``. The folder is renamed into place only when complete.
    """
    folder = Path(folder)
    key = key or cache_key(folder)
    parent = cache_root() / "onnx"
    final = parent / key
    if _complete(final):
        log.info("ONNX engine for %s: using the cached graph %s", folder, final)
        return final / MODEL_FILE
    with file_lock(parent / f"{key}.lock"):
        if _complete(final):  # built by another process while we waited
            log.info("ONNX engine for %s: using the graph another process built in %s", folder, final)
            return final / MODEL_FILE
        for stale in parent.glob(f".{key}-*"):  # left by a killed build; we hold the lock, so nobody uses it
            shutil.rmtree(stale, ignore_errors=True)
        if final.exists():  # an incomplete folder (copied by hand?): rebuild it
            shutil.rmtree(final, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=parent))
        try:
            log.info("ONNX engine for %s: building the int8 graph once (10–30 s) into %s", folder, final)
            t0 = time.perf_counter()
            meta = build(tmp)
            if not (tmp / MODEL_FILE).is_file():
                raise OnnxBuildError(f"building the ONNX graph for {folder} wrote no {MODEL_FILE}")
            meta = {
                "key": key,
                "recipe": RECIPE,
                "source": str(folder.resolve()),
                "versions": _versions(),
                "seconds": round(time.perf_counter() - t0, 1),
                **meta,
            }
            (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            try:
                os.rename(tmp, final)
            except OSError:
                if not _complete(final):
                    raise
            log.info("ONNX engine for %s: built in %.1f s", folder, meta["seconds"])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return final / MODEL_FILE


# ---------------------------------------------------------------------------------------------- build
def build_onnx(net, tokenizer, sidecar: ModelSidecar, out_dir: str | Path) -> dict[str, Any]:
    """Export, calibrate, smooth and quantise ``net`` (a float32 SoftSkillNet) into ``out_dir / MODEL_FILE``.

    Returns what the build measured (export error, smoothed channels, int8 agreement on the probe pairs).

    Raises:
        OnnxBuildError: when the exported float graph does not reproduce PyTorch.
    """
    import onnx

    out_dir = Path(out_dir)
    fp32_path = out_dir / "fp32.onnx"
    _export(net, tokenizer, sidecar, fp32_path)
    feeds = encode_pairs(tokenizer, PROBES, sidecar.normalization, sidecar.max_length)
    torch_s, torch_d = _torch_logits(net, feeds)
    f32_s, f32_d = _run_session(_session(str(fp32_path)), feeds)
    export_err = float(max(np.abs(f32_s - torch_s).max(), np.abs(f32_d - torch_d).max()))
    if not export_err <= EXPORT_TOLERANCE:
        raise OnnxBuildError(
            f"the ONNX export differs from PyTorch by {export_err:.2g} (> {EXPORT_TOLERANCE}); "
            "use engine='torch' and report the torch/transformers versions"
        )
    model = onnx.load(str(fp32_path))
    channel_max = _calibrate(model, feeds)
    smoothed = _smooth(model, channel_max, SMOOTH_FACTOR)
    smooth_path = out_dir / "smoothed.onnx"
    onnx.save(model, str(smooth_path))
    del model
    fp32_path.unlink()
    _quantize(smooth_path, out_dir / MODEL_FILE, out_dir / "prepared.onnx")
    smooth_path.unlink()
    q_s, q_d = _run_session(_session(str(out_dir / MODEL_FILE)), feeds)
    agree = float(np.mean(q_s.argmax(-1) == torch_s.argmax(-1)))
    return {
        "opset": OPSET,
        "export_max_abs_diff": export_err,
        "smooth_factor": SMOOTH_FACTOR,
        "smoothed_channels": smoothed,
        "probe_label_agreement_int8_vs_torch": round(agree, 4),
        "probe_max_abs_logit_diff_int8_vs_torch": round(float(np.abs(q_s - torch_s).max()), 4),
        "size_bytes": (out_dir / MODEL_FILE).stat().st_size,
    }


def _export(net, tokenizer, sidecar: ModelSidecar, path: Path) -> None:
    import torch

    from .encoding import encode_batch

    net = net.eval().float()
    sample = encode_batch(tokenizer, list(PROBES[:3]), sidecar.normalization, sidecar.max_length)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    dynamic |= {name: {0: "batch"} for name in OUTPUT_NAMES}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer notes are not for our users
        torch.onnx.export(
            net,
            tuple(sample[name] for name in INPUT_NAMES),
            str(path),
            dynamo=False,  # the TorchScript exporter runs offline without onnxscript
            opset_version=OPSET,
            input_names=list(INPUT_NAMES),
            output_names=list(OUTPUT_NAMES),
            dynamic_axes=dynamic,
            do_constant_folding=True,
        )


def _torch_logits(net, feeds: Sequence[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    import torch

    skills, distress = [], []
    with torch.inference_mode():
        for feed in feeds:
            s, d = net(**{k: torch.from_numpy(v) for k, v in feed.items()})
            skills.append(s.float().numpy()[0])
            distress.append(d.float().numpy()[0])
    return np.stack(skills), np.stack(distress)


def _weight_matmuls(model) -> tuple[list[Any], dict[str, Any]]:
    """MatMul nodes with a constant 2-D weight, outside the heads: the ones quantised."""
    inits = {i.name: i for i in model.graph.initializer}
    nodes = [
        n
        for n in model.graph.node
        if n.op_type == "MatMul"
        and n.input[1] in inits
        and len(inits[n.input[1]].dims) == 2
        and not any(scope in n.name for scope in HEAD_SCOPES)
    ]
    return nodes, inits


def _calibrate(model, feeds: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per input tensor of a weight MatMul: the largest absolute value of each channel over the probe tokens."""
    import onnx
    from onnx import helper

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    nodes, _ = _weight_matmuls(probe)
    names = sorted({n.input[0] for n in nodes})
    for name in names:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    sess = _session(probe.SerializeToString())
    channel_max: dict[str, np.ndarray] = {}
    for feed in feeds:
        for name, value in zip(names, sess.run(names, feed), strict=True):
            m = np.abs(value.reshape(-1, value.shape[-1])).max(axis=0)
            channel_max[name] = np.maximum(channel_max[name], m) if name in channel_max else m
    return channel_max


def _smooth(model, channel_max: dict[str, np.ndarray], factor: float) -> int:
    """Scale outlier input channels down (a Mul before the MatMuls) and their weight rows up; returns the count."""
    from onnx import helper, numpy_helper

    nodes, inits = _weight_matmuls(model)
    by_input: dict[str, list[Any]] = {}
    for n in nodes:
        by_input.setdefault(n.input[0], []).append(n)
    graph = model.graph
    scaled = 0
    for x, consumers in by_input.items():
        m = channel_max[x]
        ceiling = factor * float(np.median(m))
        scale = np.where(m > ceiling, ceiling / np.maximum(m, 1e-12), 1.0).astype(np.float32)
        if ceiling <= 0 or not (scale < 1).any():
            continue
        scaled += int((scale < 1).sum())
        tag = x.strip("/").replace("/", "_")
        graph.initializer.append(numpy_helper.from_array(scale, f"{tag}_smooth_scale"))
        mul = helper.make_node("Mul", [x, f"{tag}_smooth_scale"], [f"{tag}_smoothed"], name=f"{tag}_Smooth")
        first = min(list(graph.node).index(n) for n in consumers)
        graph.node.insert(first, mul)
        for n in consumers:
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
            name = f"{n.name.strip('/').replace('/', '_')}_smoothed_weight"
            graph.initializer.append(numpy_helper.from_array(w / scale[:, None], name))
            n.input[0] = f"{tag}_smoothed"
            n.input[1] = name
    used = {i for n in graph.node for i in n.input}
    keep = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    return scaled


def _quantize(src: Path, dst: Path, prepared: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with _quiet_root_logger():
        quant_pre_process(str(src), str(prepared), skip_symbolic_shape=True)
        heads = [n.name for n in onnx.load(str(prepared), load_external_data=False).graph.node if _is_head(n.name)]
        quantize_dynamic(
            str(prepared),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=heads,
            extra_options={"MatMulConstBOnly": True},
        )
    prepared.unlink()


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """ONNX Runtime's quantiser logs through the root logger (one line per tensor). While it runs, drop its records
    below ERROR, and keep ``logging.info()`` from configuring logging for the application (a library must not)."""
    root = logging.getLogger()
    marker = os.sep + "onnxruntime" + os.sep

    def keep(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or marker not in record.pathname

    guard = logging.NullHandler() if not root.handlers else None
    if guard is not None:
        root.addHandler(guard)
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)
        if guard is not None:
            root.removeHandler(guard)


def _is_head(name: str) -> bool:
    return any(scope in name for scope in HEAD_SCOPES)


# ---------------------------------------------------------------------------------------------- inference
def _session(model: str | bytes, threads: int = 1):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])


def _run_session(sess, feeds: Sequence[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    outs = [sess.run(list(OUTPUT_NAMES), feed) for feed in feeds]
    return np.concatenate([s for s, _ in outs]), np.concatenate([d for _, d in outs])


def encode_pairs(
    tokenizer, pairs: Sequence[tuple[str | None, str]], preset: str, max_length: int
) -> list[dict[str, np.ndarray]]:
    """One unpadded ``[1, T]`` input per pair: the same tokens and masks as :func:`encode_batch`, without padding."""
    if not pairs:
        return []
    firsts, seconds = zip(*(prepare_texts(c, a, preset) for c, a in pairs), strict=True)
    enc = tokenizer(list(firsts), list(seconds), truncation="longest_first", max_length=max_length)
    out = []
    for i, ids in enumerate(enc["input_ids"]):
        seq = np.array([-1 if s is None else s for s in enc.sequence_ids(i)], dtype=np.int64)
        out.append(
            {
                "input_ids": np.asarray(ids, dtype=np.int64)[None],
                "attention_mask": np.asarray(enc["attention_mask"][i], dtype=np.int64)[None],
                "reply_mask": (seq == 1).astype(np.int64)[None],
                "context_mask": (seq == 0).astype(np.int64)[None],
            }
        )
    return out


class OnnxSoftSkillNet:
    """The int8 graph behind :class:`TurnClassifier` ``engine="onnx"``.

    Args:
        model_path: The ``.onnx`` file (see :func:`ensure_onnx`).
        threads: Turns run at the same time (one ONNX Runtime thread each); default: the CPUs available, up to 8.
    """

    engine = "onnx"

    def __init__(self, model_path: str | Path, threads: int | None = None):
        self.model_path = Path(model_path)
        self.threads = threads or default_threads()
        self._session = _session(str(self.model_path), threads=1)
        self._pool: ThreadPoolExecutor | None = None
        _LIVE.add(self)

    def eval(self) -> OnnxSoftSkillNet:  # the same call TurnClassifier makes on a torch module
        return self

    def logits(
        self, tokenizer, pairs: Sequence[tuple[str | None, str]], preset: str, max_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(skill logits ``[n, skills, 3]``, distress logits ``[n, 2]``) in input order."""
        feeds = encode_pairs(tokenizer, pairs, preset, max_length)
        n = len(feeds)
        outputs: list[Any] = [None] * n

        def run(i: int) -> None:
            outputs[i] = self._session.run(list(OUTPUT_NAMES), feeds[i])

        if self.threads == 1 or n == 1:
            for i in range(n):
                run(i)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="qa-onnx")
            list(self._pool.map(run, range(n)))
        skills = np.concatenate([o[0] for o in outputs]) if n else np.zeros((0, 0, 3), np.float32)
        distress = np.concatenate([o[1] for o in outputs]) if n else np.zeros((0, 2), np.float32)
        return skills, distress

    def close(self) -> None:
        """Stop the worker threads (they also stop at interpreter exit)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __repr__(self) -> str:
        return f"OnnxSoftSkillNet({str(self.model_path)!r}, threads={self.threads})"


_LIVE: weakref.WeakSet[OnnxSoftSkillNet] = weakref.WeakSet()


def _forget_pools_after_fork() -> None:
    """A forked child has none of the parent's threads: let each engine start its own pool when next used."""
    for net in list(_LIVE):
        net._pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_after_fork)
