// Talks to the imvec explore server. The token from the page's URL goes with every request.
const params = new URLSearchParams(location.search);
export const token = params.get('token') || '';
export const query = params;

export function url(path, q = {}) {
  const u = new URL(path, location.origin);
  u.searchParams.set('token', token);
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u.toString();
}

export const imageUrl = (row) => url('/api/image/' + row);

async function check(r) {
  if (r.ok) return r;
  let msg = r.status + ' ' + r.statusText;
  try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
  throw new Error(msg);
}

export async function getJson(path, q) {
  const r = await check(await fetch(url(path, q), { headers: { 'X-Imvec-Token': token } }));
  return r.json();
}

const SPATIAL_LAYOUTS = { words: '/api/wordlayout', diversity: '/api/diversitylayout', clusters: '/api/clusterlayout' };

/** A layout: Float32Array when ready, or {status, progress} while the server computes it. */
export async function getLayout(kind, q = {}) {
  const path = SPATIAL_LAYOUTS[kind] || '/api/layout/' + kind;
  const r = await check(await fetch(url(path, q), { headers: { 'X-Imvec-Token': token } }));
  if (r.status === 202) return r.json();
  return { dims: Number(r.headers.get('X-Dims')), coords: new Float32Array(await r.arrayBuffer()) };
}

export async function post(path, body) {
  const r = await check(await fetch(url(path), {
    method: 'POST', headers: { 'X-Imvec-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body || {}),
  }));
  return r.json();
}
