// The WebGL map: every image as a point or a thumbnail, one THREE.Points per atlas page. Two levels of detail,
// as PixPlot does: a small preview atlas (every image in one page) paints first and serves zoomed-out views; the
// full atlas pages, once loaded, serve thumbnails drawn larger than the preview's tiles. Each frame draws only the
// points on screen (an index of them per page), so zooming in costs less than the whole collection.
//
// Screen-space level of detail (2-D): SwiftShader's cost is per drawn point, and where many points overlap most of
// them are hidden under others anyway. A quadtree over the layout gives every point the coarsest level at which it is
// the representative of its cell (the point drawn on top there, i.e. the highest row); a frame draws a point only if
// it represents its cell at the level whose cells are a fraction of the drawn point size. Cells are fixed in the
// layout, and a coarse cell's representative also represents the sub-cell it lies in, so zooming in only ever adds
// points and nothing flickers; a point alone in its cell, a selected, hovered or focused point is always drawn.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';

// Every value a point passes to its fragments is the same across the point: flat varyings, packed into two vec4s,
// spare the software rasteriser their interpolation.
const VERTEX = `
attribute float tile; attribute vec3 tint; attribute float flag;
uniform float size; uniform float zoom; uniform float persp; uniform float tpr; uniform float tpc;
uniform float firstRow; uniform float ptpr; uniform float ptpc; uniform float ptile; uniform float hasFull;
flat varying vec4 vLook; // tint, flag
flat varying vec4 vTex;  // the tile's top-left in its texture, 1 = full atlas (0 = preview), 1 = draw the thumbnail
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float s = persp > 0.5 ? size * 3.0 / max(0.05, -mv.z) : size * zoom;
  if (flag > 1.5) s = max(s * 1.3, 6.0);
  gl_PointSize = clamp(s, 1.0, 256.0);
  if (flag < 0.5) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
  vLook = vec4(tint, flag);
  // The full thumbnail only once it is loaded and drawn larger than a preview tile would show sharply.
  bool full = hasFull > 0.5 && (ptile < 0.5 || s > 1.5 * ptile);
  float row = firstRow + tile;
  vec2 cell = full ? vec2(mod(tile, tpr) / tpr, floor(tile / tpr) / tpc) : vec2(mod(row, ptpr) / ptpr, floor(row / ptpr) / ptpc);
  // Below 5 px a thumbnail is unreadable: draw the colour only and skip the texture fetches.
  vTex = vec4(cell, full ? 1.0 : 0.0, s >= 5.0 ? 1.0 : 0.0);
}`;

// MODE 0 draws any point (3-D, and the selected, hovered or focused points in a pass of their own); in 2-D every
// other point is drawn the same way in a frame, so a frame uses a program with only that way in it (1: colour dots,
// 2: preview thumbnails, 3: full thumbnails). SwiftShader pays for the branches a program holds even where they are
// not taken: a dots-only program draws the same dots about 30% faster.
const FRAGMENT = `
uniform sampler2D atlas; uniform sampler2D preview; uniform float thumbs; uniform float tpr; uniform float tpc;
uniform float ptpr; uniform float ptpc;
flat varying vec4 vLook;
flat varying vec4 vTex;
void main() {
  vec2 p = gl_PointCoord;
  vec3 tint = vLook.rgb; float flag = vLook.a;
#if MODE == 1
  if (length(p - 0.5) > 0.5) discard;
  gl_FragColor = vec4(tint, 1.0);
#elif MODE >= 2
  if (p.x < 0.07 || p.x > 0.93 || p.y < 0.07 || p.y > 0.93) {
    gl_FragColor = vec4(tint, 1.0);
    return;
  }
  vec2 q = (p - 0.07) / 0.86;
#if MODE == 2
  vec4 t = texture2D(preview, vTex.xy + q / vec2(ptpr, ptpc));
#else
  vec4 t = texture2D(atlas, vTex.xy + q / vec2(tpr, tpc));
#endif
  gl_FragColor = vec4(mix(vec3(0.08), t.rgb, t.a), 1.0);
#else
  if (thumbs > 0.5 && vTex.w > 0.5) {
    float b = flag > 1.5 ? 0.14 : 0.07;
    if (p.x < b || p.x > 1.0 - b || p.y < b || p.y > 1.0 - b) {
      gl_FragColor = vec4(flag > 2.5 ? vec3(1.0) : tint, 1.0);
      return;
    }
    vec2 q = (p - b) / (1.0 - 2.0 * b);
    vec4 t = vTex.z > 0.5 ? texture2D(atlas, vTex.xy + q / vec2(tpr, tpc)) : texture2D(preview, vTex.xy + q / vec2(ptpr, ptpc));
    gl_FragColor = vec4(mix(vec3(0.08), t.rgb, t.a), 1.0);
  } else {
    float d = length(p - 0.5);
    if (d > 0.5) discard;
    vec3 c = flag > 2.5 ? vec3(1.0) : (flag > 1.5 ? mix(tint, vec3(1.0), 0.45) : tint);
    gl_FragColor = vec4(c, 1.0);
  }
#endif
}`;

// Finest quadtree level: 2^16 cells across the layout, far below a pixel at the deepest zoom (400).
const LOD_LEVELS = 16;

/** Interleaves the bits of two 16-bit cell coordinates (x in the even bits), as an unsigned 32-bit number. */
function morton(x, y) {
  return (spread(x) | (spread(y) << 1)) >>> 0;
}

function spread(v) {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** Position of the highest bit in which two unsigned 32-bit codes differ (they must differ). */
function highestBit(a, b) {
  return 31 - Math.clz32((a ^ b) >>> 0);
}

/** Changes when the set of hidden rows does (flags 0), not when selection or hover does. */
function hiddenSignature(flags) {
  let count = 0, sum = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] < 0.5) { count++; sum = (sum + i * 2654435761) % 4294967291; }
  return count + ':' + sum;
}

export class MapView {
  constructor(canvas) {
    this.canvas = canvas;
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(1);
    this.renderer.setClearColor(0x111318, 1);
    this.scene = new THREE.Scene();
    this.objects = [];
    this.version = 0;
    this.dirty = true;
    this.size = 8;
    this.thumbs = true;
    this.lodCell = 0.5;
    this.flagsVersion = 0;
    this.frameListeners = [];
    this.resize();
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    const loop = () => {
      if (this.dirty) this.renderNow();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  get gl() { return this.renderer.getContext(); }

  resize() {
    const w = this.canvas.parentElement.clientWidth, h = this.canvas.parentElement.clientHeight;
    this.width = w; this.height = h;
    this.renderer.setSize(w, h, false);
    if (this.camera) this.fitCamera();
    this.dirty = true;
  }

  /**
   * Rows, atlas pages (textures, or null until loaded), the preview atlas ({layout, texture}: one page of every
   * image, or null) and per-row attributes. colours: Float32Array n*3, flags: Float32Array n.
   */
  setData({ n, atlas, textures, preview, colours, flags }) {
    for (const o of this.objects) {
      const h = o.userData.marked;
      this.scene.remove(o); this.scene.remove(h);
      o.geometry.dispose(); o.material.dispose(); h.geometry.dispose(); h.material.dispose();
    }
    this.objects = [];
    this.n = n; this.colours = colours; this.flags = flags; this.lod = null;
    this.positions = new Float32Array(n * 3);
    const perPage = atlas ? atlas.tilesPerRow * atlas.tilesPerRow : n;
    const pages = atlas ? atlas.pages : 1;
    for (let p = 0; p < pages; p++) {
      const a = p * perPage, b = Math.min(n, a + perPage);
      const g = new THREE.BufferGeometry();
      const tile = new Float32Array(b - a);
      for (let i = 0; i < tile.length; i++) tile[i] = i;
      g.setAttribute('position', new THREE.BufferAttribute(this.positions.subarray(a * 3, b * 3), 3));
      g.setAttribute('tile', new THREE.BufferAttribute(tile, 1));
      g.setAttribute('tint', new THREE.BufferAttribute(colours.subarray(a * 3, b * 3), 3));
      g.setAttribute('flag', new THREE.BufferAttribute(flags.subarray(a, b), 1));
      // Rows on screen this frame (page-local), drawn through an index; without one the whole page is drawn.
      const visible = new THREE.BufferAttribute(new Uint32Array(b - a), 1);
      visible.setUsage(THREE.DynamicDrawUsage);
      const uniforms = {
          size: { value: this.size }, zoom: { value: 1 }, persp: { value: 0 },
          tpr: { value: atlas ? atlas.tilesPerRow : 1 }, thumbs: { value: 0 },
          tpc: { value: atlas ? Math.ceil((b - a) / atlas.tilesPerRow) : 1 },
          atlas: { value: textures ? textures[p] : null }, hasFull: { value: textures ? 1 : 0 }, firstRow: { value: a },
          preview: { value: preview ? preview.texture : null }, ptile: { value: preview ? preview.layout.tile : 0 },
          ptpr: { value: preview ? preview.layout.tilesPerRow : 1 },
          ptpc: { value: preview ? Math.ceil(n / preview.layout.tilesPerRow) : 1 },
      };
      const material = (mode) => new THREE.ShaderMaterial({ vertexShader: VERTEX, fragmentShader: FRAGMENT, depthTest: false,
        depthWrite: false, uniforms, defines: { MODE: mode } });
      // The selected, hovered and focused rows, drawn after the page's other rows with the program that draws any point.
      const hg = new THREE.BufferGeometry();
      for (const [k, v] of Object.entries(g.attributes)) hg.setAttribute(k, v);
      const marked = new THREE.BufferAttribute(new Uint32Array(b - a), 1);
      marked.setUsage(THREE.DynamicDrawUsage);
      hg.setIndex(marked);
      hg.setDrawRange(0, 0);
      const h = new THREE.Points(hg, material(0));
      h.frustumCulled = false;
      const o = new THREE.Points(g, material(0));
      o.userData = { first: a, count: b - a, visible, marked: h };
      o.frustumCulled = false;
      this.objects.push(o);
      this.scene.add(o);
      this.scene.add(h);
    }
    this.hasTextures = !!(textures || preview);
    this.dirty = true;
  }

  /** The full atlas pages, once loaded: thumbnails drawn large switch to them. */
  setTextures(textures) {
    this.objects.forEach((o, p) => { o.material.uniforms.atlas.value = textures[p]; o.material.uniforms.hasFull.value = 1; });
    this.hasFull = true;
    this.dirty = true;
  }

  /** coords: Float32Array n*dims in [-1, 1]. */
  setLayout(coords, dims) {
    const pos = this.positions;
    for (let i = 0; i < this.n; i++) {
      pos[i * 3] = coords[i * dims];
      pos[i * 3 + 1] = coords[i * dims + 1];
      pos[i * 3 + 2] = dims > 2 ? coords[i * dims + 2] : 0;
    }
    for (const o of this.objects) o.geometry.attributes.position.needsUpdate = true;
    if (this.dims !== dims) this.makeCamera(dims);
    this.dims = dims;
    this.lod = null;
    this.changed();
  }

  /**
   * Each shown row's level in the quadtree over [-1, 1]²: the coarsest level at which it is the representative of its
   * cell, the cell's highest row (drawn last, so on top of the others); 255 if hidden. Rows sorted by the Morton code
   * of their finest cell make every cell of every level one run; a run starts where a code first differs from its
   * predecessor's above the level's bits. One pass per level, finest first, marks each run's highest row.
   */
  buildLod() {
    const n = this.n, pos = this.positions, flags = this.flags;
    const rowBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const levels = Math.min(LOD_LEVELS, Math.floor((53 - rowBits) / 2));
    const side = 2 ** levels, rowSpan = 2 ** rowBits;
    let m = 0;
    for (let i = 0; i < n; i++) if (flags[i] >= 0.5) m++;
    const keys = new Float64Array(m);
    for (let i = 0, k = 0; i < n; i++) {
      if (flags[i] < 0.5) continue;
      const cx = Math.min(side - 1, Math.max(0, Math.floor((pos[i * 3] + 1) * 0.5 * side)));
      const cy = Math.min(side - 1, Math.max(0, Math.floor((pos[i * 3 + 1] + 1) * 0.5 * side)));
      keys[k++] = morton(cx, cy) * rowSpan + i;
    }
    keys.sort();
    // rows[k]: the k-th row in code order; starts[k]: the coarsest level at which it begins a run of its own.
    const rows = new Int32Array(m), starts = new Uint8Array(m);
    let before = -1;
    for (let k = 0; k < m; k++) {
      const code = Math.floor(keys[k] / rowSpan);
      rows[k] = keys[k] - code * rowSpan;
      starts[k] = k === 0 ? 0 : code === before ? levels + 1 : levels - Math.floor(highestBit(code, before) / 2);
      before = code;
    }
    const level = new Uint8Array(n).fill(255);
    for (let k = 0; k < m; k++) level[rows[k]] = levels + 1;
    for (let l = levels; l >= 0; l--) {
      let best = -1;
      for (let k = 0; k <= m; k++) {
        if (k === m || starts[k] <= l) {
          if (best >= 0) level[best] = l;
          best = -1;
        }
        if (k < m && rows[k] > best) best = rows[k];
      }
    }
    this.lod = { level, levels, hidden: hiddenSignature(flags), flagsVersion: this.flagsVersion };
  }

  /** The quadtree level whose cells are at most lodCell of a drawn point across, or Infinity when LOD is off. */
  lodLevel() {
    if (!this.camera.isOrthographicCamera || !(this.lodCell > 0)) return Infinity;
    if (this.lod && this.lod.flagsVersion !== this.flagsVersion) {
      // Flags change on every hover; only a change in which rows are hidden moves the representatives.
      if (this.lod.hidden !== hiddenSignature(this.flags)) this.lod = null;
      else this.lod.flagsVersion = this.flagsVersion;
    }
    if (!this.lod) this.buildLod();
    const c = this.camera, perPixel = (c.right - c.left) / c.zoom / Math.max(1, this.width);
    const cell = this.lodCell * Math.min(256, Math.max(1, this.size * c.zoom)) * perPixel;
    const l = Math.ceil(Math.log2(2 / cell));
    return l > this.lod.levels ? Infinity : Math.max(0, l);
  }

  makeCamera(dims) {
    if (this.controls) this.controls.dispose();
    const aspect = this.width / Math.max(1, this.height);
    if (dims === 2) {
      this.camera = new THREE.OrthographicCamera(-aspect * 1.15, aspect * 1.15, 1.15, -1.15, -10, 10);
      this.camera.position.set(0, 0, 5);
    } else {
      this.camera = new THREE.PerspectiveCamera(50, aspect, 0.01, 100);
      this.camera.position.set(0, 0, 3.2);
    }
    const c = new OrbitControls(this.camera, this.canvas);
    c.enableDamping = false;
    c.zoomToCursor = true;
    c.screenSpacePanning = true;
    if (dims === 2) {
      c.enableRotate = false;
      c.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      c.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
      c.minZoom = 0.3; c.maxZoom = 400;
    } else {
      c.mouseButtons = { LEFT: THREE.MOUSE.ROTATE, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      c.minDistance = 0.05; c.maxDistance = 20;
    }
    c.addEventListener('change', () => this.changed());
    this.controls = c;
    this.fitCamera();
  }

  fitCamera() {
    const aspect = this.width / Math.max(1, this.height);
    if (this.camera.isOrthographicCamera) {
      this.camera.left = -aspect * 1.15; this.camera.right = aspect * 1.15;
    } else {
      this.camera.aspect = aspect;
    }
    this.camera.updateProjectionMatrix();
    this.changed();
  }

  setInteractive(on) { if (this.controls) this.controls.enabled = on; }

  changed() { this.version++; this.dirty = true; }
  attributesChanged(which = ['tint', 'flag']) {
    for (const o of this.objects) for (const w of which) o.geometry.attributes[w].needsUpdate = true;
    if (which.includes('flag')) this.flagsVersion = (this.flagsVersion || 0) + 1;
    this.dirty = true;
  }

  /** lodCell: the level of detail's cell as a fraction of the drawn point size; 0 draws every point on screen. */
  setStyle({ size, thumbs, lodCell }) {
    if (size !== undefined) this.size = size;
    if (lodCell !== undefined) this.lodCell = lodCell;
    if (thumbs !== undefined) this.thumbs = thumbs;
    this.dirty = true;
  }

  /** Current point size in CSS pixels (2-D), for picking. */
  pointPixels() {
    return this.camera && this.camera.isOrthographicCamera ? Math.min(256, this.size * this.camera.zoom) : this.size * 2;
  }

  /** full: draw every point on screen this once, whatever the level of detail (the first full paint). */
  renderNow({ full = false } = {}) {
    if (!this.camera) return;
    const zoom = this.camera.isOrthographicCamera ? this.camera.zoom : 1;
    for (const o of this.objects) {
      const u = o.material.uniforms;
      u.size.value = this.size; u.zoom.value = zoom;
      u.persp.value = this.camera.isPerspectiveCamera ? 1 : 0;
      u.thumbs.value = this.thumbs && this.hasTextures ? 1 : 0;
    }
    this.setMode(this.frameMode());
    const c0 = performance.now();
    this.cull(full);
    const t0 = performance.now();
    this.cullMs = t0 - c0;
    this.renderer.render(this.scene, this.camera);
    this.submitMs = performance.now() - t0;
    this.dirty = false;
    for (const f of this.frameListeners) f(t0);
  }

  /**
   * Each page draws only its rows that can touch the screen (centre within the viewport widened by half a point),
   * are not hidden and represent their cell at this zoom's level of detail, through an index rewritten in place; a
   * page whose rows all show is drawn without one.
   */
  cull(full = false) {
    const { sx, sy, front } = this.screen();
    const half = (this.camera.isOrthographicCamera ? Math.min(256, Math.max(6, this.size * this.camera.zoom * 1.3)) : 256) / 2 + 1;
    const x0 = -half, x1 = this.width + half, y0 = -half, y1 = this.height + half, flags = this.flags;
    const lod = full ? Infinity : this.lodLevel(), level = lod === Infinity ? null : this.lod.level;
    // A row at the edge may be represented by one just off screen: representatives are drawn from a cell's diagonal
    // further out (they cost little: a thin band), so the edge never loses a row without its representative.
    const wide = level ? half + this.lodCell * this.pointPixels() * Math.SQRT2 : half;
    const w0 = -wide, w1 = this.width + wide, v0 = -wide, v1 = this.height + wide;
    let drawn = 0, onScreen = 0;
    for (const o of this.objects) {
      const { first, count, visible, marked } = o.userData, idx = visible.array, mdx = marked.geometry.index.array;
      let k = 0, km = 0;
      for (let j = 0; j < count; j++) {
        const i = first + j;
        if (flags[i] < 0.5 || !front[i]) continue;
        const x = sx[i], y = sy[i];
        if (x < w0 || x > w1 || y < v0 || y > v1) continue;
        const on = x >= x0 && x <= x1 && y >= y0 && y <= y1;
        if (on) onScreen++;
        if (flags[i] > 1.5) { if (on) mdx[km++] = j; } else if (level === null ? on : level[i] <= lod) idx[k++] = j;
      }
      const mi = marked.geometry.index;
      mi.clearUpdateRanges();
      mi.addUpdateRange(0, km);
      mi.needsUpdate = km > 0;
      marked.geometry.setDrawRange(0, km);
      drawn += km;
      const g = o.geometry;
      if (k === count) {
        if (g.index) g.setIndex(null);
        g.setDrawRange(0, Infinity);
      } else {
        if (g.index !== visible) g.setIndex(visible);
        visible.clearUpdateRanges();
        visible.addUpdateRange(0, k);
        visible.needsUpdate = true;
        g.setDrawRange(0, k);
      }
      drawn += k;
    }
    this.drawnPoints = drawn;
    this.onScreenPoints = onScreen;
    this.lodLevelNow = lod;
  }

  /** The fragment program every unmarked point of this frame needs (see FRAGMENT), 0 when they differ (3-D). */
  frameMode() {
    if (!this.camera.isOrthographicCamera) return 0;
    const s = Math.min(256, Math.max(1, this.size * this.camera.zoom));
    if (!(this.thumbs && this.hasTextures) || s < 5) return 1;
    const u = this.objects.length ? this.objects[0].material.uniforms : null;
    const full = u && u.hasFull.value > 0.5 && (u.ptile.value < 0.5 || s > 1.5 * u.ptile.value);
    return full ? 3 : 2;
  }

  setMode(mode) {
    for (const o of this.objects) {
      if (o.material.defines.MODE === mode) continue;
      o.material.defines.MODE = mode;
      o.material.needsUpdate = true;
    }
  }

  /** Compiles every frame program up front, so the first zoom past a threshold does not stall on a compile. */
  warmUp() {
    if (!this.camera || !this.objects.length) return;
    const mode = this.objects[0].material.defines.MODE;
    for (const m of [0, 1, 2, 3]) { this.setMode(m); this.renderer.compile(this.scene, this.camera); }
    this.setMode(mode);
  }

  /** The rows the last frame drew (for tests): each page's index, or the whole page when it drew without one. */
  drawnRows() {
    const rows = [];
    for (const o of this.objects) {
      const { first, count, marked } = o.userData, g = o.geometry;
      const k = g.index ? g.drawRange.count : count;
      for (let j = 0; j < k; j++) rows.push(first + (g.index ? g.index.array[j] : j));
      for (let j = 0; j < marked.geometry.drawRange.count; j++) rows.push(first + marked.geometry.index.array[j]);
    }
    return rows;
  }

  /** Blocks until the GPU has finished the frame: reads one pixel back. */
  finish() {
    const px = new Uint8Array(4);
    const gl = this.gl;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  }

  /** Screen coordinates of every row, recomputed only when the camera moved. */
  screen() {
    if (this.screenVersion === this.version && this.sx) return { sx: this.sx, sy: this.sy, front: this.front };
    const n = this.n, pos = this.positions;
    if (!this.sx || this.sx.length !== n) { this.sx = new Float32Array(n); this.sy = new Float32Array(n); this.front = new Uint8Array(n); }
    this.camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse).elements;
    const W = this.width, H = this.height;
    for (let i = 0; i < n; i++) {
      const x = pos[i * 3], y = pos[i * 3 + 1], z = pos[i * 3 + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      const cx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
      const cy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
      this.sx[i] = (cx * 0.5 + 0.5) * W;
      this.sy[i] = (0.5 - cy * 0.5) * H;
      this.front[i] = w > 0 ? 1 : 0;
    }
    this.screenVersion = this.version;
    return { sx: this.sx, sy: this.sy, front: this.front };
  }

  /** The visible row under (x, y) in canvas pixels, or -1. */
  pick(x, y) {
    const { sx, sy, front } = this.screen();
    const r = Math.max(5, this.pointPixels() / 2 + 1);
    let best = -1, bestD = r * r;
    for (let i = 0; i < this.n; i++) {
      if (this.flags[i] < 0.5 || !front[i]) continue;
      const dx = sx[i] - x, dy = sy[i] - y;
      if (Math.abs(dx) > r || Math.abs(dy) > r) continue;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best;
  }

  /** Visible rows whose centre lies inside the polygon [[x, y], ...]. */
  inside(polygon) {
    const { sx, sy, front } = this.screen();
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const [x, y] of polygon) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const rows = [];
    for (let i = 0; i < this.n; i++) {
      if (this.flags[i] < 0.5 || !front[i]) continue;
      const x = sx[i], y = sy[i];
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      if (d3.polygonContains(polygon, [x, y])) rows.push(i);
    }
    return rows;
  }

  /** Zooms (2-D) or dollies (3-D) by a factor about the centre, for the zoom benchmark. */
  zoomBy(f) {
    if (this.camera.isOrthographicCamera) {
      this.camera.zoom = Math.min(400, Math.max(0.3, this.camera.zoom * f));
      this.camera.updateProjectionMatrix();
    } else {
      this.camera.position.multiplyScalar(1 / f);
    }
    this.changed();
  }
}
