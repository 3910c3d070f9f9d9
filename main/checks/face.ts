/**
 * BlazeFace (MediaPipe short-range face detector, 128 x 128 "front" model) post-processing:
 * 896 anchors on a 16 x 16 grid (2 per cell) and an 8 x 8 grid (6 per cell); box offsets in input
 * pixels relative to the anchor centre; sigmoid scores; overlapping boxes blended (weighted by
 * score), as in MediaPipe's and keijiro/BlazeFaceBarracuda's post-processing.
 */
export const FACE_INPUT = 128;

export interface FaceBox {
  /** Centre and size in the crop's unit square (0..1). */
  cx: number;
  cy: number;
  w: number;
  h: number;
  score: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function decodeLayer(scores: Float32Array, boxes: Float32Array, cells: number, anchors: number, minScore: number, out: FaceBox[]): void {
  let s = 0;
  for (let y = 0; y < cells; y++) {
    for (let x = 0; x < cells; x++) {
      for (let a = 0; a < anchors; a++, s++) {
        const score = sigmoid(Math.max(-80, Math.min(80, scores[s] as number)));
        if (score < minScore) continue;
        const b = s * 16;
        const ax = (x + 0.5) / cells;
        const ay = (y + 0.5) / cells;
        out.push({
          cx: ax + (boxes[b] as number) / FACE_INPUT,
          cy: ay + (boxes[b + 1] as number) / FACE_INPUT,
          w: (boxes[b + 2] as number) / FACE_INPUT,
          h: (boxes[b + 3] as number) / FACE_INPUT,
          score,
        });
      }
    }
  }
}

function iou(a: FaceBox, b: FaceBox): number {
  const x0 = Math.max(a.cx - a.w / 2, b.cx - b.w / 2);
  const y0 = Math.max(a.cy - a.h / 2, b.cy - b.h / 2);
  const x1 = Math.min(a.cx + a.w / 2, b.cx + b.w / 2);
  const y1 = Math.min(a.cy + a.h / 2, b.cy + b.h / 2);
  const inner = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inner / (a.w * a.h + b.w * b.h - inner || 1);
}

/** Decodes the model outputs (Identity 512x1, Identity_1 384x1, Identity_2 512x16, Identity_3 384x16). */
export function decodeBlazeFace(out: { s1: Float32Array; s2: Float32Array; b1: Float32Array; b2: Float32Array }, minScore = 0.3): FaceBox[] {
  const raw: FaceBox[] = [];
  decodeLayer(out.s1, out.b1, 16, 2, minScore, raw);
  decodeLayer(out.s2, out.b2, 8, 6, minScore, raw);
  raw.sort((a, b) => b.score - a.score);
  const used = new Array<boolean>(raw.length).fill(false);
  const merged: FaceBox[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (used[i]) continue;
    const a = raw[i] as FaceBox;
    let ws = 0;
    const acc = { cx: 0, cy: 0, w: 0, h: 0 };
    for (let j = i; j < raw.length; j++) {
      if (used[j]) continue;
      const b = raw[j] as FaceBox;
      if (j !== i && iou(a, b) < 0.3) continue;
      used[j] = true;
      ws += b.score;
      acc.cx += b.cx * b.score;
      acc.cy += b.cy * b.score;
      acc.w += b.w * b.score;
      acc.h += b.h * b.score;
    }
    merged.push({ cx: acc.cx / ws, cy: acc.cy / ws, w: acc.w / ws, h: acc.h / ws, score: a.score });
  }
  return merged;
}
