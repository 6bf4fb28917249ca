// imvec explore: the page. State lives in `S`; window.imvecState mirrors what tests and benchmarks read.
import * as THREE from 'three';
import { MapView } from './map.js';
import * as api from './api.js';

const $ = (id) => document.getElementById(id);
const S = {
  run: null, attrs: null, labels: null, n: 0, layout: null, dims: 2,
  colour: 'label', hidden: new Set(), selection: new Set(), focus: -1, hovered: -1,
  search: null, tool: 'pan', items: new Map(), layer: null, axes: null, gridSize: 2, queries: [],
  divY: null, diversity: null, clusterQ: null, clusters: null,
};
const state = window.imvecState = { ready: false, n: 0, drawn: 0, layout: null, firstPaintMs: null, hovered: -1,
  selection: 0, search: null, labelCounts: {}, error: null, fullAtlas: false, layer: null, axes: null, localised: null, mapSearch: null,
  diversity: null, clusters: null, spatialProgress: null };
let view, colours, flags;

function status(text) { $('status').textContent = text || ''; }
function message(text, error) { const m = $('msg'); m.textContent = text || ''; m.className = error ? 'err' : 'muted'; }
function fail(e) { console.error(e); state.error = String(e.message || e); message(state.error, true); status(''); }

async function main() {
  status('loading…');
  const marks = state.marks = {};
  const mark = (k) => { marks[k] = Math.round(performance.now()); };
  mark('script');
  S.run = await api.getJson('/api/run');
  mark('run');
  S.n = state.n = S.run.n;
  $('runname').textContent = `${S.run.run} · ${S.n.toLocaleString()} images`;
  S.layer = state.layer = S.run.layer;
  $('layer').innerHTML = S.run.layers.map((l) => `<option>${escapeHtml(l)}</option>`).join('');
  $('layer').value = S.layer;
  $('nn-layer').textContent = 'in ' + S.run.layer;
  if (S.run.spatial) setUpSpatial();
  $('search').title = S.run.search;
  const synthetic = Number(api.query.get('synthetic') || 0);
  if (synthetic > 0) return benchSynthetic(synthetic);
  // Layout and thumbnails load beside the attributes; the preview atlas (one small page) paints first.
  const points = api.query.get('view') === 'points';
  const preview = !points && S.run.preview && S.run.preview.pages === 1 ? S.run.preview : null;
  const layoutLoad = api.getLayout('pca2').then((l) => { mark('layout'); return l; });
  const first = points ? Promise.resolve(null) : preview ? loadPages('/api/preview/', 1) : loadPages('/api/atlas/', S.run.atlas.pages);
  const [attrs, labels] = await Promise.all([api.getJson('/api/attributes'), api.getJson('/api/labels')]);
  S.attrs = attrs; S.labels = labels;
  mark('attributes');
  fillColourModes();
  colours = new Float32Array(S.n * 3);
  flags = new Float32Array(S.n).fill(1);
  view = new MapView($('map'));
  const textures = await first;
  mark('atlas');
  if (points) $('view').value = 'points';
  view.setData({ n: S.n, atlas: S.run.atlas, textures: preview ? null : textures, colours, flags,
    preview: preview ? { layout: preview, texture: textures[0] } : null });
  view.setStyle({ size: defaultSize(S.n), thumbs: !points });
  if (api.query.has('lod')) view.setStyle({ lodCell: Number(api.query.get('lod')) });
  $('size').value = view.size;
  recolour();
  mark('colours');
  applyLayout('pca2', await layoutLoad);
  if (Number(api.query.get('zoom')) > 0) view.zoomBy(Number(api.query.get('zoom')));
  // The first paint shows every image; the level of detail starts with the frames after it.
  view.renderNow({ full: true }); view.finish();
  state.firstPaintMs = Math.round(performance.now());
  state.drawn = S.n; state.ready = true;
  status('');
  showLabels();
  wire();
  setTimeout(() => view.warmUp(), 0);
  // The full thumbnails once the first paint is up, so they do not compete with it for the processor.
  const full = preview ? loadPages('/api/atlas/', S.run.atlas.pages).then((t) => {
    view.setTextures(t);
    mark('fullAtlas');
    state.fullAtlas = true;
  }) : Promise.resolve();
  full.catch(fail);
  if (api.query.get('bench') === 'zoom') full.then(benchZoom);
}

function defaultSize(n) { return Math.max(1.5, Math.min(24, Math.round(600 / Math.sqrt(n) * 10) / 10)); }

/** Atlas pages decoded off the main thread (ImageBitmap), top row first: the shader does not flip. */
function loadPages(path, pages) {
  const one = async (p) => {
    const r = await fetch(api.url(path + p));
    if (!r.ok) throw new Error('atlas page ' + p + ' did not load');
    const bitmap = await createImageBitmap(await r.blob(), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const t = new THREE.Texture(bitmap);
    t.flipY = false; t.generateMipmaps = false; t.minFilter = THREE.LinearFilter; t.magFilter = THREE.LinearFilter;
    t.colorSpace = THREE.NoColorSpace; t.needsUpdate = true;
    return t;
  };
  return Promise.all(Array.from({ length: pages }, (_, p) => one(p)));
}

function applyLayout(kind, l) {
  S.layout = state.layout = kind; S.dims = l.dims;
  state.layoutPoints = l.coords.length / l.dims;
  view.setLayout(l.coords, l.dims);
  $('layout').value = kind;
  $('tool-pan').textContent = l.dims === 3 ? '⟳ rotate' : '✥ move';
}

/** Layouts that come from the spatial model's words rather than from the current layer. */
const SPATIAL_LAYOUTS = new Set(['words', 'diversity', 'clusters']);

function layoutQuery(kind) {
  switch (kind) {
    case 'words': return S.axes;
    case 'diversity': return S.divY ? { y: S.divY } : {};
    case 'clusters': return { words: S.clusterQ.words.join(','), min: S.clusterQ.min };
    default: return { layer: S.layer };
  }
}

/** Layouts of the current layer, or along the typed words (whatever the layer). */
async function switchLayout(kind) {
  if (kind === 'words' && !S.axes) { $('layout').value = S.layout; $('axis-x').focus(); return; }
  if (kind === 'clusters' && !S.clusterQ) { $('layout').value = S.layout; $('cluster-words').focus(); return; }
  const q = layoutQuery(kind);
  const layer = S.layer;
  try {
    if (SPATIAL_LAYOUTS.has(kind)) await spatialReady();
    if (kind === 'clusters') status('scoring the words…');
    let l = SPATIAL_LAYOUTS.has(kind) ? await whileScoring(api.getLayout(kind, q)) : await api.getLayout(kind, q);
    while (l.status === 'computing') {
      status(`computing ${kind.startsWith('tsne') ? 't-SNE' : 'PCA'} of ${layer}… ${Math.round(100 * l.progress)}%`);
      await new Promise((r) => setTimeout(r, 1500));
      if ($('layout').value !== kind || S.layer !== layer) return;
      l = await api.getLayout(kind, q);
    }
    if (kind === 'diversity') await loadDiversity();
    if (kind === 'clusters') await loadClusters(q);
    status(layoutText(kind));
    applyLayout(kind, l);
    view.renderNow();
  } catch (e) {
    $('layout').value = S.layout;
    status('');
    throw e;
  }
}

function layoutText(kind) {
  if (kind === 'words') return axesText(S.axes);
  if (kind === 'diversity') return `x: diversity, y: ${S.divY ? `“${S.divY}”` : 'random spread'}`;
  if (kind === 'clusters') return `clusters around ${S.clusterQ.words.map((w) => `“${w}”`).join(', ')}` + (S.clusterQ.min > 0 ? ` (min ${S.clusterQ.min})` : '');
  return '';
}

function axesText(a) { return a.y ? `x: “${a.x}”, y: “${a.y}”` : `x: “${a.x}”, y: random spread`; }

/** Every image's diversity, once: a colour mode of its own, the x axis of the diversity layout. */
async function loadDiversity() {
  if (!S.diversity) {
    await spatialReady();
    S.diversity = Float32Array.from((await api.getJson('/api/diversity')).diversity);
    fillColourModes();
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of S.diversity) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  state.diversity = { y: S.divY, lo, hi };
}

/** Each image's cluster around the typed words; the map is coloured by it and the legend lists the clusters. */
async function loadClusters(q) {
  const c = await whileScoring(api.getJson('/api/clusters', q));
  S.clusters = c;
  state.clusters = { words: c.words, min: c.min_score, counts: c.counts };
  fillColourModes();
  S.colour = 'cluster'; $('colour').value = 'cluster'; S.hidden.clear();
  recolour();
}

async function switchLayer(layer) {
  S.layer = state.layer = layer;
  $('nn-layer').textContent = 'in ' + layer;
  if (!SPATIAL_LAYOUTS.has(S.layout)) await switchLayout(S.layout);
  if (S.focus >= 0 && !$('detail-sec').hidden) await showNeighbours(S.focus);
}

// ---- colour and legend ----
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#17becf', '#bcbd22', '#8c564b', '#e377c2', '#7f7f7f', '#1f77b4', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896'];
function palette(k) {
  if (k <= CATEGORICAL.length) return CATEGORICAL.slice(0, k);
  return Array.from({ length: k }, (_, i) => d3.interpolateRainbow(i / k));
}

function fillColourModes() {
  const modes = [['label', 'class label']];
  if (S.attrs.predicted) modes.push(['predicted', 'predicted class'], ['correct', 'correct / wrong'], ['confidence', 'confidence']);
  modes.push(['user', 'my labels'], ['score', 'search score']);
  if (S.clusters) modes.push(['cluster', 'cluster around words']);
  if (S.diversity) modes.push(['diversity', 'diversity']);
  $('colour').innerHTML = modes.map(([v, t]) => `<option value="${v}">${t}</option>`).join('');
  $('colour').value = S.colour;
}

/** Categories of the current colour mode: {names, code(row) → index or -1 (grey)} or a continuous value. */
function colouring() {
  const A = S.attrs, C = A.classes;
  switch (S.colour) {
    case 'label': return { names: C, code: (i) => A.label[i] };
    case 'predicted': return { names: [...C, 'not a class here'], code: (i) => (A.predicted[i] >= 0 ? A.predicted[i] : C.length) };
    case 'correct': return { names: ['correct', 'wrong'], colours: ['#59a14f', '#e15759'], code: (i) => (A.predicted[i] === A.label[i] ? 0 : 1) };
    case 'user': return { names: [...S.labels.names, 'unlabelled'], code: (i) => (S.labels.codes[i] >= 0 ? S.labels.codes[i] : S.labels.names.length),
      colours: [...palette(S.labels.names.length), '#555a66'] };
    case 'confidence': return { value: (i) => A.confidence[i], title: 'top-1 probability' };
    case 'cluster': {
      const c = S.clusters, k = c.words.length;
      return { names: [...c.words, 'none'], code: (i) => (c.cluster[i] >= 0 ? c.cluster[i] : k), colours: [...palette(k), '#555a66'] };
    }
    case 'diversity': return { value: (i) => S.diversity[i], title: 'diversity of the region embeddings' };
    case 'score': return S.search ? { value: (i) => S.search.scores[i], title: `“${S.search.word}”` } : { value: () => 0, title: 'search a word first' };
  }
}

function recolour() {
  const c = colouring();
  if (c.value) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < S.n; i++) { const v = c.value(i); lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < S.n; i++) setColour(i, d3.rgb(d3.interpolateViridis((c.value(i) - lo) / span)));
    legendRamp(c.title, lo, hi);
  } else {
    const cols = (c.colours || palette(c.names.length)).map((x) => d3.rgb(x));
    const counts = new Array(c.names.length).fill(0);
    for (let i = 0; i < S.n; i++) { const k = c.code(i); counts[k]++; setColour(i, cols[k]); }
    legendItems(c.names, cols, counts);
  }
  reflag();
}

function setColour(i, rgb) { colours[i * 3] = rgb.r / 255; colours[i * 3 + 1] = rgb.g / 255; colours[i * 3 + 2] = rgb.b / 255; }

function legendItems(names, cols, counts) {
  const box = $('legend');
  box.innerHTML = '';
  names.forEach((name, k) => {
    if (!counts[k]) return;
    const d = document.createElement('div');
    d.className = 'item' + (S.hidden.has(k) ? ' off' : '');
    d.innerHTML = `<span class="sw" style="background:${cols[k]}"></span><span></span><span class="count">${counts[k].toLocaleString()}</span>`;
    d.children[1].textContent = name;
    d.onclick = (e) => {
      if (e.shiftKey || e.altKey) { // show only this one
        S.hidden = new Set(names.map((_, j) => j).filter((j) => j !== k));
      } else if (S.hidden.has(k)) S.hidden.delete(k); else S.hidden.add(k);
      recolour();
    };
    box.appendChild(d);
  });
}

function legendRamp(title, lo, hi) {
  const stops = d3.range(0, 1.01, 0.1).map((t) => d3.interpolateViridis(t)).join(',');
  $('legend').innerHTML = `<div></div><div class="ramp" style="background:linear-gradient(90deg,${stops})"></div>
    <div class="row" style="justify-content:space-between"><span>${lo.toFixed(3)}</span><span>${hi.toFixed(3)}</span></div>`;
  $('legend').firstChild.textContent = title;
}

function reflag() {
  const c = colouring();
  let drawn = 0;
  for (let i = 0; i < S.n; i++) {
    const hidden = !c.value && S.hidden.has(c.code(i));
    flags[i] = hidden ? 0 : i === S.focus || i === S.hovered ? 3 : S.selection.has(i) ? 2 : 1;
    if (!hidden) drawn++;
  }
  state.drawn = drawn;
  state.selection = S.selection.size;
  $('selcount').textContent = S.selection.size.toLocaleString();
  view.attributesChanged();
}

// ---- hover, click, selection ----
function wire() {
  const canvas = $('map'), overlay = d3.select('#overlay');
  $('layout').onchange = () => switchLayout($('layout').value).catch(fail);
  $('layer').onchange = () => switchLayer($('layer').value).catch(fail);
  $('colour').onchange = () => { S.colour = $('colour').value; S.hidden.clear(); recolour(); };
  $('view').onchange = () => {
    const thumbs = $('view').value === 'thumbs';
    if (thumbs && !view.hasTextures) { location.search = location.search.replace(/&?view=points/, ''); return; }
    view.setStyle({ thumbs });
  };
  $('size').oninput = () => view.setStyle({ size: Number($('size').value) });
  for (const t of ['pan', 'box', 'lasso']) $('tool-' + t).onclick = () => setTool(t);
  $('searchform').onsubmit = (e) => { e.preventDefault(); search($('search').value).catch(fail); };
  $('labelform').onsubmit = (e) => { e.preventDefault(); label($('labelname').value.trim()).catch(fail); };
  $('clearlabel').onclick = () => label('').catch(fail);
  $('undo').onclick = () => api.post('/api/labels/undo').then((c) => { message(`undid: ${c.label || 'unlabel'} on ${c.images} images`); return refreshLabels(); }).catch(fail);
  $('clearsel').onclick = () => { S.selection.clear(); reflag(); };
  $('export-paths').onclick = () => exportSelection('paths').catch(fail);
  $('export-folder').onclick = () => exportSelection('folder').catch(fail);
  $('detail-close').onclick = () => { $('detail-sec').hidden = true; S.focus = -1; reflag(); };
  window.addEventListener('focus', () => refreshLabels().catch(fail));
  window.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT') return;
    if (e.key === 'Escape') { S.selection.clear(); reflag(); }
    if ((e.ctrlKey || e.metaKey) && e.key === 'z') $('undo').click();
  });

  let drag = null, down = null, pending = null;
  canvas.addEventListener('pointerdown', (e) => {
    down = { x: e.offsetX, y: e.offsetY };
    const tool = e.shiftKey ? 'box' : e.altKey ? 'lasso' : S.tool;
    if (tool === 'pan' || e.button !== 0) return;
    view.setInteractive(false);
    drag = { tool, add: e.ctrlKey || e.metaKey, pts: [[e.offsetX, e.offsetY]] };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drag) {
      if (drag.tool === 'box') drag.pts = [drag.pts[0], [e.offsetX, e.offsetY]];
      else drag.pts.push([e.offsetX, e.offsetY]);
      drawShape(overlay, drag);
      return;
    }
    if (e.buttons) { hideTip(); return; }
    pending = [e.offsetX, e.offsetY];
    requestAnimationFrame(() => { if (pending) { hover(pending[0], pending[1]); pending = null; } });
  });
  canvas.addEventListener('pointerleave', () => { pending = null; hideTip(); });
  canvas.addEventListener('pointerup', (e) => {
    if (drag) {
      const poly = polygonOf(drag);
      const rows = poly.length >= 3 ? view.inside(poly) : [];
      if (!drag.add) S.selection.clear();
      for (const r of rows) S.selection.add(r);
      drag = null; overlay.selectAll('*').remove(); view.setInteractive(true);
      reflag();
      message(`${rows.length.toLocaleString()} images selected`);
      return;
    }
    if (down && Math.hypot(e.offsetX - down.x, e.offsetY - down.y) < 4) {
      const r = view.pick(e.offsetX, e.offsetY);
      if (r >= 0) openDetail(r).catch(fail);
    }
  });
}

function setTool(t) {
  S.tool = t;
  for (const x of ['pan', 'box', 'lasso']) $('tool-' + x).classList.toggle('on', x === t);
  $('map').style.cursor = t === 'pan' ? 'grab' : 'crosshair';
}

function polygonOf(drag) {
  if (drag.tool !== 'box') return drag.pts;
  const [[x0, y0], [x1, y1]] = drag.pts.length > 1 ? drag.pts : [drag.pts[0], drag.pts[0]];
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

function drawShape(overlay, drag) {
  overlay.selectAll('*').remove();
  overlay.append('path').attr('d', 'M' + polygonOf(drag).map((p) => p.join(',')).join('L') + 'Z');
}

async function item(row) {
  if (!S.items.has(row)) S.items.set(row, api.getJson('/api/item/' + row));
  return S.items.get(row);
}

function hover(x, y) {
  const r = view.pick(x, y);
  if (r === S.hovered) { if (r >= 0) placeTip(x, y); return; }
  S.hovered = state.hovered = r;
  reflag();
  if (r < 0) { hideTip(); return; }
  const tip = $('tip');
  tip.hidden = false;
  tip.innerHTML = `<img alt=""><div class="id"></div><div class="lbl"></div><table class="top"></table>`;
  tip.querySelector('img').src = api.imageUrl(r);
  tip.dataset.row = r;
  placeTip(x, y);
  item(r).then((it) => {
    if (Number(tip.dataset.row) !== r) return;
    tip.querySelector('.id').textContent = `#${r} · ${it.id}`;
    tip.querySelector('.lbl').textContent = `label: ${it.label}` + (it.user_label ? ` · mine: ${it.user_label}` : '');
    tip.querySelector('.top').innerHTML = topRows(it.topk);
  }).catch(fail);
}

function topRows(top) {
  return top.map((t) => `<tr><td>${escapeHtml(t.class)}</td><td class="p">${(100 * t.p).toFixed(1)}%</td><td style="width:50px"><div class="bar" style="width:${Math.round(100 * t.p)}%"></div></td></tr>`).join('');
}

function escapeHtml(s) { return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`); }

function placeTip(x, y) {
  const tip = $('tip'), W = $('mapwrap').clientWidth, H = $('mapwrap').clientHeight;
  tip.style.left = Math.min(x + 16, W - 250) + 'px';
  tip.style.top = Math.min(y + 16, H - 260) + 'px';
}
function hideTip() { $('tip').hidden = true; if (S.hovered >= 0) { S.hovered = state.hovered = -1; reflag(); } }

async function openDetail(row) {
  S.focus = row; reflag();
  const it = await item(row);
  $('detail-sec').hidden = false;
  $('detail-id').textContent = `#${row} · ${it.id}`;
  $('detail').innerHTML = `<div class="stage"><img alt=""><canvas hidden></canvas></div><p>label: <b></b><span class="mine"></span></p><table>${topRows(it.topk)}</table>`;
  $('detail').querySelector('img').src = api.imageUrl(row);
  $('detail').querySelector('b').textContent = it.label;
  $('detail').querySelector('.mine').textContent = it.user_label ? ` · my label: ${it.user_label}` : '';
  state.localised = null;
  if (S.run.localisation) {
    $('locform').hidden = false;
    if (!$('loc-word').value && S.search) $('loc-word').value = S.search.word;
    if ($('loc-word').value.trim()) localise(row, $('loc-word').value.trim()).catch(fail); // a word it cannot map must not hide the neighbours
  }
  await showNeighbours(row);
  $('detail-sec').scrollIntoView({ block: 'nearest' });
}

async function showNeighbours(row) {
  const nn = await api.getJson('/api/neighbours/' + row, { k: 24, layer: S.layer });
  grid($('neighbours'), nn.rows, nn.cosines.map((c) => c.toFixed(3)));
}

/** The word's map over the large image: each location's probability as a heat colour, smoothed by the browser's scaling. */
async function localise(row, word) {
  await spatialReady();
  const m = await whileScoring(api.getJson('/api/localise/' + row, { word }));
  if (S.focus !== row) return;
  const c = $('detail').querySelector('canvas');
  c.width = m.cols; c.height = m.rows;
  const g = c.getContext('2d'), img = g.createImageData(m.cols, m.rows);
  let hi = 0;
  m.scores.forEach((v, i) => {
    const rgb = d3.rgb(d3.interpolateInferno(v));
    img.data.set([rgb.r, rgb.g, rgb.b, Math.round(60 + 150 * v)], i * 4);
    if (v > m.scores[hi]) hi = i;
  });
  g.putImageData(img, 0, 0);
  c.hidden = false;
  $('loc-what').textContent = `“${m.word}”: max ${m.scores[hi].toFixed(2)} at row ${Math.floor(hi / m.cols) + 1}, column ${hi % m.cols + 1} of ${m.rows}×${m.cols}`;
  state.localised = { row, word: m.word, rows: m.rows, cols: m.cols, max: hi };
}

// ---- the spatial model: word layouts, localisation, map search ----
let spatialWait = null;

/**
 * Resolves once the server's region cache is ready; until then the bar shows images done / total.
 * Every spatial control waits on this one promise, so the page asks the server once a second, not once per control.
 */
function spatialReady() {
  if (!spatialWait) {
    spatialWait = (async () => {
      for (;;) {
        const p = await api.getJson('/api/spatial/progress');
        showProgress(p);
        if (p.status === 'ready') return p;
        if (p.status === 'failed') throw new Error(p.error);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    spatialWait.catch(() => { spatialWait = null; });
  }
  return spatialWait;
}

/** While `request` runs (scoring a new word takes seconds on a large run), the bar follows the server's progress. */
async function whileScoring(request) {
  let pending = true;
  const poll = (async () => {
    await new Promise((r) => setTimeout(r, 300));
    while (pending) {
      const p = await api.getJson('/api/spatial/progress');
      if (pending && p.task.startsWith('scoring')) showProgress({ ...p, status: 'computing' });
      await new Promise((r) => setTimeout(r, 400));
    }
  })().catch(() => {});
  try {
    return await request;
  } finally {
    pending = false;
    await poll;
    $('sp-progress').hidden = true;
  }
}

function showProgress(p) {
  state.spatialProgress = { status: p.status, task: p.task, done: p.done, total: p.total, progress: p.progress };
  (state.progressSeen ||= []).push(p.progress);
  const box = $('sp-progress');
  box.hidden = p.status === 'ready';
  $('sp-bar').value = p.progress;
  $('sp-text').textContent = `${p.task}: ${p.done.toLocaleString()} / ${p.total.toLocaleString()} images (${Math.floor(100 * p.progress)}%)`;
}

function setUpSpatial() {
  spatialReady().catch(fail);
  const sp = S.run.spatial;
  $('spatial-sec').hidden = false;
  $('spatial-what').textContent = `${sp.tap}, ${sp.map_size.join('×')} map`;
  for (const k of SPATIAL_LAYOUTS) $('layout').querySelector(`option[value=${k}]`).hidden = false;
  $('diversityform').onsubmit = (e) => {
    e.preventDefault();
    const before = S.divY;
    S.divY = $('div-y').value.trim() || null;
    switchLayout('diversity').catch((err) => { S.divY = before; fail(err); });
  };
  $('clusterform').onsubmit = (e) => {
    e.preventDefault();
    const before = S.clusterQ;
    const words = $('cluster-words').value.split(',').map((w) => w.trim()).filter((w) => w);
    S.clusterQ = { words, min: Number($('cluster-min').value) || 0 };
    switchLayout('clusters').catch((err) => { S.clusterQ = before; fail(err); });
  };
  $('axesform').onsubmit = (e) => {
    e.preventDefault();
    const x = $('axis-x').value.trim(), y = $('axis-y').value.trim();
    if (!x) { $('axis-x').focus(); return; }
    S.axes = state.axes = y ? { x, y } : { x };
    switchLayout('words').catch(fail);
  };
  $('locform').onsubmit = (e) => { e.preventDefault(); if (S.focus >= 0) localise(S.focus, $('loc-word').value.trim()).catch(fail); };
  $('grid-size').onchange = () => { S.gridSize = Number($('grid-size').value); for (const q of S.queries) q.cells = new Array(S.gridSize ** 2).fill(0); drawGrids(); };
  $('grid-add').onclick = () => { if (S.queries.length < 4) { S.queries.push({ word: '', cells: new Array(S.gridSize ** 2).fill(0) }); drawGrids(); } };
  $('grid-search').onclick = () => mapSearch().catch(fail);
  S.queries.push({ word: '', cells: new Array(S.gridSize ** 2).fill(0) });
  drawGrids();
}

const CELL = { 0: ['', ''], 1: ['+', 'plus'], '-1': ['−', 'minus'] };
function drawGrids() {
  const box = $('grids');
  box.innerHTML = '';
  S.queries.forEach((q, k) => {
    const d = document.createElement('div');
    d.className = 'qgrid';
    d.innerHTML = `<input placeholder="word" maxlength="64" autocomplete="off"><div class="cells" style="grid-template-columns:repeat(${S.gridSize}, 26px)"></div><button type="button" title="remove">×</button>`;
    const input = d.querySelector('input');
    input.value = q.word;
    input.oninput = () => { q.word = input.value.trim(); };
    q.cells.forEach((v, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      const paint = () => { b.textContent = CELL[q.cells[i]][0]; b.className = CELL[q.cells[i]][1]; };
      b.onclick = () => { q.cells[i] = q.cells[i] === 0 ? 1 : q.cells[i] === 1 ? -1 : 0; paint(); };
      paint();
      d.querySelector('.cells').appendChild(b);
    });
    d.lastChild.onclick = () => { S.queries.splice(k, 1); drawGrids(); };
    box.appendChild(d);
  });
}

async function mapSearch() {
  const query = {};
  for (const q of S.queries) {
    if (!q.word) continue;
    const n = S.gridSize, rows = [];
    for (let r = 0; r < n; r++) rows.push(q.cells.slice(r * n, r * n + n));
    query[q.word] = rows;
  }
  if (!Object.keys(query).length) throw new Error('type a word beside a grid first');
  status('searching by map…');
  await spatialReady();
  const r = await whileScoring(api.post('/api/mapsearch', { query, top: 48 }));
  state.mapSearch = { rows: r.rows.slice(0, 10), query };
  $('results-sec').hidden = false;
  $('results-what').textContent = 'by map: ' + Object.entries(query).map(([w, g]) => `${w} ${JSON.stringify(g)}`).join(', ');
  grid($('results'), r.rows, r.scores.map((x) => x.toFixed(3)));
  S.focus = r.rows[0];
  reflag();
  status('');
}

function grid(box, rows, captions) {
  box.innerHTML = '';
  rows.forEach((r, j) => {
    const f = document.createElement('figure');
    f.innerHTML = '<img alt="" loading="lazy"><figcaption></figcaption>';
    f.querySelector('img').src = api.imageUrl(r);
    f.querySelector('figcaption').textContent = captions ? captions[j] : '#' + r;
    f.title = '#' + r;
    f.onclick = () => openDetail(r).catch(fail);
    box.appendChild(f);
  });
}

// ---- search ----
async function search(word) {
  word = word.trim();
  if (!word) return;
  status('searching…');
  if (S.run.spatial) await spatialReady();
  const r = S.run.spatial ? await whileScoring(api.getJson('/api/search', { word, top: 48 })) : await api.getJson('/api/search', { word, top: 48 });
  S.search = r;
  state.search = { word: r.word, top: r.top.slice(0, 10), matched: r.matched };
  $('results-sec').hidden = false;
  $('results-what').textContent = `“${r.word}” → ${r.matched.join(', ')} (${r.method})`;
  grid($('results'), r.top, r.top.map((i) => r.scores[i].toFixed(3)));
  S.colour = 'score'; $('colour').value = 'score'; S.hidden.clear();
  S.focus = r.top[0];
  recolour();
  status('');
  if (S.run.localisation && !$('loc-word').value) $('loc-word').value = r.word;
}

// ---- labels ----
async function refreshLabels() {
  S.labels = await api.getJson('/api/labels');
  showLabels();
  if (S.colour === 'user') recolour();
}

function showLabels() {
  const L = S.labels;
  state.labelCounts = L.counts;
  $('labelsfile').textContent = L.file;
  $('labelnames').innerHTML = L.names.map((n) => `<option value="${escapeHtml(n)}">`).join('');
  $('labelcounts').innerHTML = L.names.length
    ? L.names.map((n) => `<tr><td>${escapeHtml(n)}</td><td class="n">${L.counts[n].toLocaleString()}</td></tr>`).join('')
    : '<tr><td class="muted">no labels yet: select images with box or lasso, type a name, press enter</td></tr>';
}

async function label(name) {
  if (!S.selection.size) throw new Error('select images first (box or lasso)');
  if (name === '' && !confirm(`Remove the labels of ${S.selection.size} images?`)) return;
  const c = await api.post('/api/labels', { label: name, rows: [...S.selection] });
  message(name ? `labelled ${c.images} images “${name}”` : `unlabelled ${c.images} images`);
  for (const r of S.selection) S.items.delete(r);
  await refreshLabels();
}

async function exportSelection(format) {
  if (!S.selection.size) throw new Error('select images first (box or lasso)');
  const name = $('exportname').value.trim() || ('selection-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-'));
  const r = await api.post('/api/export', { name, format, rows: [...S.selection] });
  if (format === 'paths' && navigator.clipboard) navigator.clipboard.writeText(r.paths.join('\n')).catch(() => {});
  message(`${r.images} images → ${r.file || r.folder}`);
}

// ---- benchmarks (imvec bench explore) ----
/**
 * Times each frame of a zoom in and out about the centre with the level of detail, then the same path drawing every
 * point on screen, then replays it comparing the two pictures pixel by pixel.
 */
async function benchZoom() {
  const frames = Number(api.query.get('frames') || 60);
  const lodCell = view.lodCell;
  const lod = await zoomPath(frames);
  view.setStyle({ lodCell: 0 });
  const full = await zoomPath(frames);
  view.setStyle({ lodCell });
  const difference = lodCell > 0 ? await pictureDifference(frames) : null;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  const result = { n: S.n, mode: view.thumbs && view.hasTextures ? 'thumbnails' : 'points', firstPaintMs: state.firstPaintMs,
    marks: state.marks, lodCell, drawnMedian: median(lod.drawn), onScreenMedian: median(lod.onScreen),
    cullMedianMs: median(lod.cull), submitMedianMs: median(lod.submit), frameMedianMs: median(lod.times), frameP90Ms: p90(lod.times),
    fullFrameMedianMs: median(full.times), fullFrameP90Ms: p90(full.times), fullDrawnMedian: median(full.drawn),
    frames: lod.times, fullFrames: full.times, drawn: lod.drawn, onScreen: lod.onScreen, difference,
    renderer: rendererName(), width: view.width, height: view.height };
  state.bench = result;
  await api.post('/api/bench', result);
}

/** The bench's zoom path from the current view and back: per frame its time (render plus GPU sync) and counts. */
async function zoomPath(frames, each) {
  const out = { times: [], drawn: [], onScreen: [], cull: [], submit: [] };
  const f = 1.06;
  for (let i = 0; i < frames; i++) {
    view.zoomBy(i < frames / 2 ? f : 1 / f);
    if (each) { await each(i); continue; }
    const t0 = performance.now();
    view.renderNow(); view.finish();
    out.times.push(performance.now() - t0);
    out.drawn.push(view.drawnPoints); out.onScreen.push(view.onScreenPoints); out.cull.push(view.cullMs); out.submit.push(view.submitMs);
    await new Promise((r) => requestAnimationFrame(r));
  }
  return out;
}

/**
 * At every other step of the zoom path, the frame with the level of detail against the frame with every point:
 * the fraction of pixels that differ at all and by more than 64 in some channel, and the mean absolute difference
 * per channel over all pixels (0-255). Medians and maxima over the steps.
 */
async function pictureDifference(frames) {
  const gl = view.gl, w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
  const a = new Uint8Array(w * h * 4), b = new Uint8Array(w * h * 4);
  const any = [], large = [], mean = [], pictures = {};
  // The deepest step with its every-point twin as JPEGs, for a person to look at (the POST body stays under 4 MB).
  const deepest = 2 * Math.floor((frames / 2 - 1) / 2);
  await zoomPath(frames, async (i) => {
    if (i % 2) return;
    view.renderNow(); gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, a);
    if (i === deepest) pictures.lod = view.canvas.toDataURL('image/jpeg', 0.9);
    view.renderNow({ full: true }); gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, b);
    if (i === deepest) pictures.full = view.canvas.toDataURL('image/jpeg', 0.9);
    let differ = 0, big = 0, sum = 0;
    for (let p = 0; p < a.length; p += 4) {
      const d = Math.max(Math.abs(a[p] - b[p]), Math.abs(a[p + 1] - b[p + 1]), Math.abs(a[p + 2] - b[p + 2]));
      if (d > 0) differ++;
      if (d > 64) big++;
      sum += Math.abs(a[p] - b[p]) + Math.abs(a[p + 1] - b[p + 1]) + Math.abs(a[p + 2] - b[p + 2]);
    }
    any.push(differ / (w * h)); large.push(big / (w * h)); mean.push(sum / (3 * w * h));
  });
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { steps: any.length, differMedian: median(any), differMax: Math.max(...any), differ64Median: median(large),
    differ64Max: Math.max(...large), meanAbsMedian: median(mean), meanAbsMax: Math.max(...mean),
    pictures: (pictures.lod || '').length + (pictures.full || '').length < 3e6 ? pictures : null };
}

function rendererName() {
  const gl = view.gl, ext = gl.getExtension('WEBGL_debug_renderer_info');
  return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
}

/** N synthetic points (clusters of Gaussians), points only, to find where the renderer's limit lies. */
async function benchSynthetic(n) {
  S.n = state.n = n;
  colours = new Float32Array(n * 3); flags = new Float32Array(n).fill(1);
  view = new MapView($('map'));
  view.setData({ n, atlas: null, textures: null, colours, flags });
  view.setStyle({ size: 1.5, thumbs: false });
  if (api.query.has('lod')) view.setStyle({ lodCell: Number(api.query.get('lod')) });
  const coords = new Float32Array(n * 2);
  const rand = d3.randomNormal.source(d3.randomLcg(42));
  const g = rand(0, 0.08);
  for (let i = 0; i < n; i++) {
    const k = i % 10, a = (k / 10) * 2 * Math.PI;
    coords[i * 2] = 0.6 * Math.cos(a) + g(); coords[i * 2 + 1] = 0.6 * Math.sin(a) + g();
    const c = d3.rgb(CATEGORICAL[k]); setColour(i, c);
  }
  view.setLayout(coords, 2);
  view.renderNow({ full: true }); view.finish();
  state.firstPaintMs = Math.round(performance.now());
  state.drawn = n; state.ready = true;
  status(`${n.toLocaleString()} synthetic points`);
  if (api.query.get('bench') === 'zoom') await benchZoom();
}

// For tests and benchmarks: where rows are on screen.
window.imvecApi = {
  screen() { const { sx, sy } = view.screen(); return { x: Array.from(sx), y: Array.from(sy) }; },
  screenOf(row) { const { sx, sy } = view.screen(); return [sx[row], sy[row]]; },
  drawnNow() { return view.drawnPoints; },
  onScreenNow() { return view.onScreenPoints; },
  lodLevelNow() { return view.lodLevelNow === Infinity ? -1 : view.lodLevelNow; },
  setLodCell(c) { view.setStyle({ lodCell: c }); view.renderNow(); },
  lodCell() { return view.lodCell; },
  pointPixels() { return view.pointPixels(); },
  zoomBy(f) { view.zoomBy(f); view.renderNow(); },
  drawnRows() { return view.drawnRows(); },
  pick(x, y) { return view.pick(x, y); },
};

main().catch(fail);
