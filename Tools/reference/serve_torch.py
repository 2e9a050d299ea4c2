#!/usr/bin/env python3
"""The Python reference for `classify serve`'s load benchmark: the same service in FastAPI.

    uvicorn --app-dir Tools/reference serve_torch:app --port 8081 [--workers W]

Serves the bundled MNIST model (or $SWIFTCNN_MODEL) with PyTorch:
`POST /v1/models/{name}:classify?top=K` with a PNG or JPEG body answers the same JSON as
`classify serve` (`predictions`, `timing_ms`), preparing the image as
Tools/reference/classify_torch.py does. One request is one forward pass (no batching), the
way a plain FastAPI + PyTorch service is usually written. Threads per worker:
$TORCH_THREADS (default 2 divided by the worker count).

Only for the benchmark (Tools/bench-serve); the project and its tests never run Python.
"""
import io
import os
import time

import torch
from fastapi import FastAPI, HTTPException, Request
from PIL import Image

import classify_torch

MODEL = os.environ.get("SWIFTCNN_MODEL", classify_torch.BUNDLED)
NAME = os.path.splitext(os.path.basename(MODEL))[0]
torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
model, description = classify_torch.load_model(MODEL)
classes = description["class_names"]
app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok", "models": 1}


@app.post("/v1/models/{name}:classify")
async def classify(name: str, request: Request, top: int = 5):
    started = time.perf_counter()
    if name != NAME:
        raise HTTPException(404, f"no model named {name}")
    body = await request.body()
    try:
        with Image.open(io.BytesIO(body)) as image:
            image.load()
            pixels = classify_torch.prepared(image, description)
    except Exception as error:  # noqa: BLE001 - a bad image is the client's error
        raise HTTPException(400, f"cannot read the image: {error}")
    inference = time.perf_counter()
    with torch.no_grad():
        probabilities = torch.softmax(model(pixels[None]), dim=1)[0]
    values, indices = probabilities.topk(min(max(top, 1), len(classes)))
    done = time.perf_counter()
    return {
        "model": NAME,
        "predictions": [{"class": classes[i], "index": i, "probability": v}
                        for v, i in zip(values.tolist(), indices.tolist())],
        "batch_size": 1,
        "timing_ms": {"inference": 1000 * (done - inference), "total": 1000 * (done - started)},
    }
