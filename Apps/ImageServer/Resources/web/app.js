// The page of `classify serve`: draw a digit or drop a photo, see the prediction update as you
// draw, and see what every layer of the network computes. Plain JavaScript, no build step, no
// network access beyond this server's API (docs: the HTTP contract of `classify serve`).
//
//   GET  /v1/models                      -> {"models": [ModelInfo, ...]}
//   POST /v1/models/{name}:classify?top=K   image body -> {"predictions": [...], ...}
//   POST /v1/models/{name}:visualize        image body -> {"layers": [...], "input": ..., ...}
//
// The page exposes its state for tests: #prediction's data-class, data-probability and
// data-state ("empty", "pending", "ok", "error"); body's data-busy ("1" while a request is in
// flight or due); #layers holds one <img> per layer picture.
"use strict";

/** Most nodes drawn for one dense layer in the connection picture. */
const UNIT_CAP = 24;
/** Most nodes drawn for one layer of feature maps in the connection picture. */
const MAP_CAP = 32;
/** Width of a stroke on the 280x280 drawing pad (MNIST strokes are ~2.5 of 28 pixels). */
const STROKE_WIDTH = 20;
/** Layer types that start a new column in the connection picture; others fold into it. */
const COLUMN_TYPES = new Set([
  "Conv2D", "MaxPool2D", "AvgPool2D", "SumPool2D", "Linear", "Residual",
]);
/** Layer types joined one-to-one to the column before them (same number of maps). */
const ONE_TO_ONE_TYPES = new Set(["MaxPool2D", "AvgPool2D", "SumPool2D"]);
/** The key of the input picture among the layer pictures (no layer has an empty name). */
const INPUT_KEY = "";
/** Request time limit, matching the server's default --request-timeout. */
const REQUEST_TIMEOUT_MS = 30000;

const $ = (selector) => document.querySelector(selector);

/** Everything the page knows. */
const state = {
  models: [],        // ModelInfo list from GET /v1/models
  model: null,       // the chosen ModelInfo
  hasInk: false,     // something was drawn or dropped since the last Clear
  input: 0,          // counts Clears and photos: an answer for an earlier input is dropped
  photo: null,       // a dropped/chosen image file, sent as is (null: send the pad)
  drawing: null,     // the pointer id and last point of the stroke in progress
  probabilities: [], // one per class, in class order
  tiles: new Map(),  // layer name -> {img, picture} of its feature-map grid ("" the input)
  hover: null,       // the connection picture's node under the mouse: {c: column, i: node}
};

/** One request kind at a time: at most one in flight, the latest input sent next. */
const channels = {
  classify: { busy: false, again: false },
  visualize: { busy: false, again: false },
};

// ---------------------------------------------------------------------------------------
// Server access

/** Fetches `path` and returns its JSON; a non-2xx answer throws the server's JSON error. */
async function api(path, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, { ...options, signal: controller.signal });
  } catch (error) {
    const reason = error.name === "AbortError" ? "no answer within 30 s" : error.message;
    throw new Error(`${options.method || "GET"} ${path}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (_) { body = null; }
  if (!response.ok) {
    const error = body && body.error;
    const detail = error ? `${error.code}: ${error.message}` : text.slice(0, 200);
    throw new Error(`${options.method || "GET"} ${path} failed (${response.status}) ${detail}`);
  }
  if (body === null) throw new Error(`${path}: the answer is not JSON`);
  return body;
}

/** The image to send: the dropped file as it is, or the drawing pad as PNG. */
function currentImage() {
  if (state.photo) {
    const type = state.photo.type === "image/png" || state.photo.type === "image/jpeg"
      ? state.photo.type : "application/octet-stream";
    return Promise.resolve({ blob: state.photo, type });
  }
  return new Promise((resolve, reject) => {
    $("#pad").toBlob((blob) => blob ? resolve({ blob, type: "image/png" })
      : reject(new Error("the drawing pad could not be encoded as PNG")), "image/png");
  });
}

/** POSTs the current image to the chosen model's `action` (`classify?top=10`, `visualize`);
 * the answer is `stale` when the model or the input changed meanwhile (a newer request follows). */
async function postImage(action) {
  const model = state.model;
  const input = state.input;
  const { blob, type } = await currentImage();
  const path = `/v1/models/${encodeURIComponent(model.name)}:${action}`;
  const answer = await api(path, { method: "POST", headers: { "Content-Type": type }, body: blob });
  return { answer, stale: model !== state.model || input !== state.input || !state.hasInk };
}

/** Runs `kind` now, or once more after the request in flight (never two at once). */
function schedule(kind) {
  if (!state.model || !state.hasInk) return;
  const channel = channels[kind];
  if (channel.busy) { channel.again = true; return; }
  channel.busy = true;
  channel.again = false;
  const run = kind === "classify" ? classifyNow : visualizeNow;
  showBusy();
  run().catch(showError).finally(() => {
    channel.busy = false;
    if (channel.again) schedule(kind);
    showBusy();
  });
}

/** Sets body's data-busy: "1" while a request is in flight or waiting, else "0". */
function showBusy() {
  const busy = Object.values(channels).some((c) => c.busy || c.again);
  document.body.dataset.busy = busy ? "1" : "0";
}

/** Classifies the current image with every class's probability. */
async function classifyNow() {
  setPredictionState("pending");
  const top = state.model.classes.length;
  const { answer, stale } = await postImage(`classify?top=${top}`);
  if (stale) return;
  const probabilities = new Array(state.model.classes.length).fill(0);
  for (const p of answer.predictions) probabilities[p.index] = p.probability;
  showPrediction(answer.predictions[0], probabilities);
  const t = answer.timing_ms || {};
  $("#timing").textContent = `classified in ${fmt(t.total)} ms (inference ${fmt(t.inference)}`
    + ` ms, batch of ${answer.batch_size ?? 1})`;
  clearError();
}

/** Fetches every layer's pictures for the current image and draws them. */
async function visualizeNow() {
  $("#visual-status").textContent = "Updating the layer pictures…";
  const { answer, stale } = await postImage("visualize");
  if (stale) return;
  if (answer.prediction && Array.isArray(answer.probabilities)) {
    showPrediction(answer.prediction, answer.probabilities);
  }
  showLayers(answer);
  loadTiles(answer);
  $("#visual-status").textContent =
    `${answer.layers.length} layer pictures for the current input (model ${answer.model}).`;
  clearError();
}

// ---------------------------------------------------------------------------------------
// Models

/** Loads the model list and chooses the first model. */
async function loadModels() {
  const select = $("#model");
  try {
    const { models } = await api("/v1/models");
    if (!models.length) throw new Error("the server serves no model");
    state.models = models;
    select.replaceChildren(...models.map((m) => new Option(`${m.name} (${m.architecture})`, m.name)));
    select.disabled = false;
    select.dataset.count = String(models.length);
    const asked = new URLSearchParams(window.location.search).get("model");
    chooseModel(models.some((m) => m.name === asked) ? asked : models[0].name);
  } catch (error) {
    select.replaceChildren(new Option("no models"));
    showError(error);
  }
}

/** Makes `name` the chosen model and re-runs the current input through it. */
function chooseModel(name) {
  state.model = state.models.find((m) => m.name === name) || null;
  if (!state.model) return;
  $("#model").value = name;
  const url = new URL(window.location.href);
  url.searchParams.set("model", name);
  window.history.replaceState(null, "", url);
  state.tiles = new Map();
  showModelInfo(state.model);
  showBars(new Array(state.model.classes.length).fill(0));
  showLayers(null);
  drawNetwork();
  schedule("classify");
  schedule("visualize");
}

/** Fills the model facts: architecture, classes, input, parameters, provenance. */
function showModelInfo(info) {
  const input = info.input || {};
  const classes = info.classes.length <= 20 ? info.classes.join(", ")
    : `${info.classes.slice(0, 20).join(", ")}, …`;
  const facts = [
    ["Name", `${info.name} (version ${info.version})`],
    ["Architecture", info.architecture],
    ["Classes", `${info.classes.length}: ${classes}`],
    ["Input", `${input.channels} × ${input.height} × ${input.width}`
      + (input.color_mode ? ` (${input.color_mode})` : "")],
    ["Preprocessing", (info.preprocessing && info.preprocessing.method) || "not stated"],
    ["Parameters", Number(info.parameters).toLocaleString("en-US")],
    ["Layers", String((info.layers || []).length)],
    ["Provenance", provenanceSummary(info.provenance)],
  ];
  $("#model-info").replaceChildren(...facts.flatMap(([term, value]) => {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = term;
    dd.textContent = value;
    return [dt, dd];
  }));
}

/** One line on how the model was made, from the file's provenance (may be null). */
function provenanceSummary(p) {
  if (!p) return "not recorded";
  const parts = [];
  if (p.dataset) parts.push(`trained on ${p.dataset}`);
  if (p.epochs) parts.push(`${p.epochs} epochs`);
  const accuracy = p.metrics && p.metrics.test_accuracy;
  if (typeof accuracy === "number") parts.push(`test accuracy ${(100 * accuracy).toFixed(2)}%`);
  if (p.date) parts.push(String(p.date).slice(0, 10));
  if (p.command) parts.push(`by “${p.command}”`);
  return parts.length ? parts.join(", ") : JSON.stringify(p);
}

// ---------------------------------------------------------------------------------------
// Prediction and probabilities

/** Shows the top class and the bars of every class. */
function showPrediction(top, probabilities) {
  const element = $("#prediction");
  element.textContent = `${top.class}  ${(100 * top.probability).toFixed(1)}%`;
  element.dataset.class = top.class;
  element.dataset.probability = String(top.probability);
  setPredictionState("ok");
  state.probabilities = probabilities;
  showBars(probabilities);
  drawNetwork();
}

/** Sets #prediction's data-state (kept "ok" while a newer answer is on its way). */
function setPredictionState(value) {
  const element = $("#prediction");
  if (value === "pending" && element.dataset.state === "ok") return;
  element.dataset.state = value;
}

/** One bar per class, in class order, the most probable highlighted. */
function showBars(probabilities) {
  const classes = state.model ? state.model.classes : [];
  const best = probabilities.indexOf(Math.max(...probabilities));
  const list = $("#probabilities");
  list.style.setProperty("--name-chars", String(Math.max(1, ...classes.map((c) => c.length))));
  list.replaceChildren(...classes.map((name, i) => {
    const p = probabilities[i] || 0;
    const item = document.createElement("li");
    item.className = i === best && p > 0 ? "bar best" : "bar";
    item.innerHTML = '<span class="name"></span><span class="track"><span class="fill"></span>'
      + '</span><span class="value"></span>';
    item.querySelector(".name").textContent = name;
    item.querySelector(".fill").style.width = `${(100 * p).toFixed(1)}%`;
    item.querySelector(".value").textContent = `${(100 * p).toFixed(1)}%`;
    item.setAttribute("aria-label", `${name}: ${(100 * p).toFixed(1)} percent`);
    return item;
  }));
}

// ---------------------------------------------------------------------------------------
// Layer pictures

/** Shows the input, the filters and every layer's grid of a :visualize answer (null: none). */
function showLayers(answer) {
  showFigure("#input-figure", "#input-image", answer && answer.input);
  showFigure("#filters-figure", "#filters-image", answer && answer.filters);
  if (answer && answer.filters) {
    $("#filters-caption").textContent = `First layer's filters (${answer.filters.layer})`;
  }
  const container = $("#layers");
  if (!answer) { container.replaceChildren(); return; }
  container.replaceChildren(...answer.layers.map((layer) => {
    const figure = document.createElement("figure");
    figure.className = "layer";
    const img = document.createElement("img");
    img.src = layer.png;
    img.width = layer.width;
    img.height = layer.height;
    img.alt = `${layer.name} (${layer.type}): ${layer.summary}`;
    const caption = document.createElement("figcaption");
    caption.innerHTML = "<strong></strong> <span class=\"type\"></span> "
      + "<code></code><br><span class=\"summary\"></span>";
    caption.querySelector("strong").textContent = layer.name;
    caption.querySelector(".type").textContent = layer.type;
    caption.querySelector("code").textContent = `[${layer.output_shape.join(", ")}]`;
    caption.querySelector(".summary").textContent = layer.summary;
    figure.append(img, caption);
    return figure;
  }));
}

/** Shows `picture` ({png, width, height}) in a figure, or hides the figure. */
function showFigure(figureSelector, imageSelector, picture) {
  const figure = $(figureSelector);
  figure.hidden = !picture;
  if (!picture) return;
  const img = $(imageSelector);
  img.src = picture.png;
  img.width = picture.width;
  img.height = picture.height;
}

/** Decodes each layer's grid (and the input) for the connection picture's node tiles. */
function loadTiles(answer) {
  const tiles = new Map();
  const pictures = [[INPUT_KEY, answer.input], ...answer.layers.map((l) => [l.name, l])];
  for (const [key, picture] of pictures) {
    if (!picture) continue;
    const img = new Image();
    img.onload = () => { if (state.tiles === tiles) drawNetwork(); };
    img.src = picture.png;
    tiles.set(key, { img, picture });
  }
  state.tiles = tiles;
}

// ---------------------------------------------------------------------------------------
// The connection picture (after A. W. Harley, "An Interactive Node-Link Visualization of
// Convolutional Neural Networks", 2015): one column per convolution, pooling, residual block
// or dense layer; activations, normalization, dropout and flatten fold into the column before.

/** The columns of `info`'s layer list: {label, type, count, shown, names, dense}; `names`
 * are the layers the column stands for (its own and those folded into it). */
function networkColumns(info) {
  const input = info.input || { channels: 1 };
  const columns = [{ label: "input", type: "Input", count: input.channels,
    shown: Math.min(input.channels, MAP_CAP), names: [INPUT_KEY] }];
  const layers = (info.layers || []).filter((l) => l.name && l.type !== "Sequential");
  const blocks = layers.filter((l) => l.type === "Residual").map((l) => `${l.name}.`);
  for (const layer of layers) {
    if (blocks.some((prefix) => layer.name.startsWith(prefix))) continue;  // inside a block
    const shape = layer.output_shape || [];
    if (COLUMN_TYPES.has(layer.type) && shape.length >= 1) {
      const count = shape[0];
      columns.push({ label: layer.name, type: layer.type, count,
        shown: Math.min(count, shape.length === 1 ? UNIT_CAP : MAP_CAP),
        names: [layer.name], dense: shape.length === 1 });
    } else if (columns.length > 1) {
      columns[columns.length - 1].names.push(layer.name);
    }
  }
  return columns;
}

/** The feature-map grid picture to take tiles from for `column`, or null. */
function columnTiles(column) {
  if (column.type === "Input") return state.tiles.get(INPUT_KEY) || null;
  let found = null;
  for (const name of column.names) {
    const tile = state.tiles.get(name);
    const shape = tile && tile.picture.output_shape;
    if (shape && shape.length === 3 && shape[0] === column.count) found = tile;
  }
  return found;
}

/** The source rectangle of tile `i` in a FeatureMapGrid picture of `count` tiles (2 px gaps,
 * ⌈√count⌉ columns, as FeatureMapGrid.layout). */
function tileRect(picture, count, i) {
  const gap = 2;
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const w = (picture.width - gap) / columns - gap;
  const h = (picture.height - gap) / rows - gap;
  return [gap + (i % columns) * (w + gap), gap + Math.floor(i / columns) * (h + gap), w, h];
}

/** Draws the node-link picture of the chosen model into #network. */
function drawNetwork() {
  const canvas = $("#network");
  if (!state.model) return;
  const columns = networkColumns(state.model);
  const width = Math.max(560, canvas.parentElement.clientWidth);
  const most = Math.max(...columns.map((c) => c.shown));
  const step = Math.max(9, Math.min(30, 480 / most));
  const height = Math.ceil(most * step + 60);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const margin = 40;
  const spacing = (width - 2 * margin - 40) / Math.max(1, columns.length - 1);
  const size = Math.max(6, Math.min(step - 3, spacing * 0.45, 26));
  const top = 10;
  const nodes = columns.map((column, c) => {
    const x = margin + c * spacing;
    const offset = top + ((most - column.shown) * step) / 2;
    return Array.from({ length: column.shown }, (_, i) => ({ x, y: offset + i * step + step / 2 }));
  });
  drawEdges(g, columns, nodes, size);
  columns.forEach((column, c) => drawColumn(g, column, nodes[c], size, c === columns.length - 1));
  const hovered = state.hover && nodes[state.hover.c] && nodes[state.hover.c][state.hover.i];
  if (hovered) {
    g.strokeStyle = "#d04010";
    g.lineWidth = 2;
    g.strokeRect(hovered.x - size / 2 - 2, hovered.y - size / 2 - 2, size + 4, size + 4);
  }
  columns.forEach((column, c) => {
    g.fillStyle = "#444";
    g.font = "11px system-ui, sans-serif";
    g.textAlign = "center";
    const more = column.shown < column.count ? ` (${column.shown} shown)` : "";
    g.fillText(shortType(column.type), nodes[c][0].x, height - 30);
    g.fillText(`${column.count}${more}`, nodes[c][0].x, height - 16);
  });
  canvas.setAttribute("aria-label", "Node-link picture of the network: "
    + columns.map((c) => `${c.label} ${c.type} with ${c.count}`).join(", then "));
  canvas.onmousemove = (event) => {
    const box = canvas.getBoundingClientRect();
    const c = Math.max(0, Math.min(columns.length - 1,
      Math.round((event.clientX - box.left - margin) / spacing)));
    const y = event.clientY - box.top;
    const i = nodes[c].findIndex((p) => Math.abs(p.y - y) <= step / 2);
    const hover = i >= 0 ? { c, i } : null;
    canvas.title = columnDescription(columns[c]) + (hover ? ` (node ${i + 1})` : "");
    if (JSON.stringify(hover) !== JSON.stringify(state.hover)) {
      state.hover = hover;
      drawNetwork();
    }
  };
  canvas.onmouseleave = () => { state.hover = null; drawNetwork(); };
}

/** A column's tooltip: its layers and size. */
function columnDescription(column) {
  const what = column.dense ? "units" : "feature maps";
  const names = column.names.filter((n) => n !== INPUT_KEY).join(", ") || "input";
  return `${names} (${column.type}): ${column.count} ${what}`;
}

/** Lines between consecutive columns: one-to-one after pooling, all-to-all otherwise; those
 * of the node under the mouse (state.hover) stand out. */
function drawEdges(g, columns, nodes, size) {
  const hover = state.hover;
  for (let c = 1; c < columns.length; c++) {
    const from = nodes[c - 1];
    const to = nodes[c];
    const oneToOne = ONE_TO_ONE_TYPES.has(columns[c].type) && from.length === to.length;
    const pairs = [];
    to.forEach((b, j) => (oneToOne ? [j] : from.keys()).forEach((k) => pairs.push([k, j])));
    const alpha = Math.min(0.6, Math.max(0.04, 25 / pairs.length));
    strokePairs(g, from, to, pairs, size, `rgba(70, 110, 160, ${alpha})`, 1);
    if (hover && (hover.c === c || hover.c === c - 1)) {
      const mine = pairs.filter(([k, j]) => (hover.c === c ? j : k) === hover.i);
      strokePairs(g, from, to, mine, size, "rgba(208, 64, 16, 0.85)", 1.5);
    }
  }
}

/** Strokes the lines from `from[k]` to `to[j]` for each [k, j] of `pairs`. */
function strokePairs(g, from, to, pairs, size, color, width) {
  g.strokeStyle = color;
  g.lineWidth = width;
  g.beginPath();
  for (const [k, j] of pairs) {
    g.moveTo(from[k].x + size / 2, from[k].y);
    g.lineTo(to[j].x - size / 2, to[j].y);
  }
  g.stroke();
}

/** A column's nodes: feature-map tiles when the pictures are in, else plain squares or dots;
 * the output column's dots show the class probabilities with the class names. */
function drawColumn(g, column, points, size, isOutput) {
  const tiles = columnTiles(column);
  points.forEach((p, i) => {
    const x = p.x - size / 2;
    const y = p.y - size / 2;
    if (isOutput && column.dense) {
      const prob = state.probabilities[i] || 0;
      const best = prob > 0 && prob === Math.max(...state.probabilities);
      g.fillStyle = `rgb(${255 - Math.round(200 * prob)}, ${255 - Math.round(120 * prob)}, 255)`;
      g.beginPath();
      g.arc(p.x, p.y, size / 2, 0, 2 * Math.PI);
      g.fill();
      g.strokeStyle = best ? "#d04010" : "#46a";
      g.lineWidth = best ? 2.5 : 1;
      g.stroke();
      g.fillStyle = best ? "#d04010" : "#222";
      g.font = `${best ? "bold " : ""}${Math.min(14, size)}px system-ui, sans-serif`;
      g.textAlign = "left";
      g.textBaseline = "middle";
      g.fillText(state.model.classes[i] || "", p.x + size / 2 + 4, p.y);
      g.textBaseline = "alphabetic";
    } else if (tiles && tiles.img.complete && tiles.img.naturalWidth > 0) {
      g.imageSmoothingEnabled = false;
      const isInput = column.type === "Input";
      const [sx, sy, sw, sh] = tileRect(tiles.picture, isInput ? 1 : column.count, isInput ? 0 : i);
      g.drawImage(tiles.img, sx, sy, sw, sh, x, y, size, size);
      g.strokeStyle = "#46a";
      g.lineWidth = 1;
      g.strokeRect(x, y, size, size);
    } else {
      g.fillStyle = column.dense ? "#fff" : "#dde6f0";
      g.strokeStyle = "#46a";
      g.lineWidth = 1;
      g.beginPath();
      if (column.dense) g.arc(p.x, p.y, size / 3, 0, 2 * Math.PI);
      else g.rect(x, y, size, size);
      g.fill();
      g.stroke();
    }
  });
}

/** A short column caption for a layer type. */
function shortType(type) {
  return { Input: "input", Conv2D: "conv", MaxPool2D: "max pool", AvgPool2D: "avg pool",
    SumPool2D: "sum pool", Linear: "dense", Residual: "res block" }[type] || type;
}

// ---------------------------------------------------------------------------------------
// Drawing pad, photos and errors

/** Clears the pad to black (the model's preprocessing takes light ink on dark, or the reverse). */
function clearPad() {
  const pad = $("#pad");
  const g = pad.getContext("2d");
  g.fillStyle = "#000";
  g.fillRect(0, 0, pad.width, pad.height);
  state.hasInk = false;
  state.input += 1;
  state.photo = null;
  state.tiles = new Map();
  state.probabilities = [];
  const prediction = $("#prediction");
  prediction.textContent = "Draw something";
  prediction.dataset.state = "empty";
  delete prediction.dataset.class;
  delete prediction.dataset.probability;
  $("#timing").textContent = "";
  $("#visual-status").textContent = "Draw a digit to see them.";
  clearError();
  if (state.model) showBars(new Array(state.model.classes.length).fill(0));
  showLayers(null);
  drawNetwork();
}

/** The pad coordinates of a pointer event. */
function padPoint(event) {
  const pad = $("#pad");
  const rect = pad.getBoundingClientRect();
  return { x: (event.clientX - rect.left) * (pad.width / rect.width),
    y: (event.clientY - rect.top) * (pad.height / rect.height) };
}

/** Draws a white round stroke segment from `a` to `b`. */
function strokeSegment(a, b) {
  const g = $("#pad").getContext("2d");
  g.strokeStyle = "#fff";
  g.lineWidth = STROKE_WIDTH;
  g.lineCap = "round";
  g.lineJoin = "round";
  g.beginPath();
  g.moveTo(a.x, a.y);
  g.lineTo(b.x, b.y);
  g.stroke();
}

/** Pointer Events on the pad: mouse, pen and touch alike. */
function setUpPad() {
  const pad = $("#pad");
  pad.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    if (state.photo) clearPad();  // drawing replaces a photo
    const point = padPoint(event);
    state.drawing = { id: event.pointerId, last: point };
    strokeSegment(point, point);
    state.hasInk = true;
    schedule("classify");
  });
  pad.addEventListener("pointermove", (event) => {
    if (!state.drawing || state.drawing.id !== event.pointerId) return;
    const point = padPoint(event);
    strokeSegment(state.drawing.last, point);
    state.drawing.last = point;
    schedule("classify");
  });
  const end = (event) => {
    if (!state.drawing || state.drawing.id !== event.pointerId) return;
    state.drawing = null;
    schedule("classify");
    schedule("visualize");
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  pad.addEventListener("keydown", (event) => {
    if (["Escape", "Delete", "Backspace"].includes(event.key)) { clearPad(); event.preventDefault(); }
  });
  $("#clear").addEventListener("click", clearPad);
}

/** Uses a dropped or chosen image file: shown on the pad, sent to the server as it is. */
function usePhoto(file) {
  if (!file) return;
  clearPad();
  state.photo = file;
  state.hasInk = true;
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.onload = () => {
    const pad = $("#pad");
    const scale = Math.min(pad.width / img.width, pad.height / img.height);
    const w = img.width * scale;
    const h = img.height * scale;
    pad.getContext("2d").drawImage(img, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
    URL.revokeObjectURL(url);
  };
  img.onerror = () => URL.revokeObjectURL(url);  // the server names the problem
  img.src = url;
  schedule("classify");
  schedule("visualize");
}

/** Drag and drop onto the pad, and the file chooser. */
function setUpPhotos() {
  const zone = $("#dropzone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    usePhoto(event.dataTransfer.files[0]);
  });
  $("#file").addEventListener("change", (event) => {
    usePhoto(event.target.files[0]);
    event.target.value = "";
  });
}

/** Shows an error (the server's JSON error message, or a network failure). */
function showError(error) {
  const box = $("#error");
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
  if ($("#prediction").dataset.state === "pending") $("#prediction").dataset.state = "error";
}

/** Hides the error box after a success. */
function clearError() {
  $("#error").hidden = true;
  $("#error").textContent = "";
}

/** A number of milliseconds for display. */
function fmt(value) {
  return typeof value === "number" ? value.toFixed(1) : "?";
}

function start() {
  $("#unit-cap").textContent = String(UNIT_CAP);
  $("#map-cap").textContent = String(MAP_CAP);
  $("#model").addEventListener("change", (event) => chooseModel(event.target.value));
  setUpPad();
  setUpPhotos();
  clearPad();
  showBusy();
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawNetwork, 100);
  });
  loadModels();
}

document.addEventListener("DOMContentLoaded", start);
