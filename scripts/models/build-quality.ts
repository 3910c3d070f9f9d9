/**
 * Builds models/quality-v2.onnx: the image-quality features of a data-page image as a small ONNX
 * graph of standard operators (opset 13). No trained weights: every constant is a fixed filter
 * or threshold written here, so the file is reproducible byte for byte.
 *
 * Input  `luma`  float32 [1, 1, H, W], H and W dynamic, values 0..1 (Rec. 601 luma of the image,
 *                resized so that its longer side is 1024 px; see main/checks/preprocess.ts).
 * Outputs (scalars):
 *  - sharpness   mean(Laplacian²) / mean(|∇|²) on the image pooled 2x2 (falls as 1/σ² with blur,
 *                independent of contrast and exposure);
 *  - gradEnergy  mean(|∇|²) (near 0 for a blank or uniform frame);
 *  - saturated   fraction of 4x4-pooled pixels above 0.97 (glare spots, washed-out frames);
 *  - whiteLevel  mean of the pooled pixels at or above the frame mean (the paper's white level);
 *  - meanLuma    mean of the pooled image;
 *  - borderTop, borderBottom, borderLeft, borderRight: fraction of the outer 2 pooled rows or
 *                columns brighter than whiteLevel/2 (the page touching the frame: a cut-off page).
 *
 * Usage: npx tsx scripts/models/build-quality.ts [out.onnx]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeModel, type Node, type Tensor } from './onnx-proto.js';

export const QUALITY_MODEL_VERSION = 2;
export const SATURATION_LEVEL = 0.97;

export function buildQualityModel(): Uint8Array {
  const f = (name: string, values: number[], dims: number[] = []): Tensor => ({ name, dataType: DataType.FLOAT, dims, values });
  const i64 = (name: string, values: number[], dims: number[] = []): Tensor => ({ name, dataType: DataType.INT64, dims, values });
  const BIG = 2 ** 62;
  // dx, dy (central differences) and the 4-neighbour Laplacian, one output channel each.
  const kernels = [
    [0, 0, 0, -0.5, 0, 0.5, 0, 0, 0],
    [0, -0.5, 0, 0, 0, 0, 0, 0.5, 0],
    [0, 1, 0, 1, -4, 1, 0, 1, 0],
  ].flat();
  const initializers: Tensor[] = [
    f('k_grad', kernels, [3, 1, 3, 3]),
    f('c_eps', [1e-6]),
    f('c_sat', [SATURATION_LEVEL]),
    f('c_half', [0.5]),
    f('c_tol', [1e-3]),
    i64('pad_edge', [0, 0, 1, 1, 0, 0, 1, 1], [8]),
    i64('i0', [0]),
    i64('i1', [1]),
    i64('i2', [2]),
    i64('s_first_start', [0], [1]),
    i64('s_first_end', [2], [1]),
    i64('s_last_start', [-2], [1]),
    i64('s_last_end', [BIG], [1]),
    i64('ax_h', [2], [1]),
    i64('ax_w', [3], [1]),
  ];
  const all = { name: 'axes', ints: [0, 1, 2, 3] };
  const nodes: Node[] = [
    { op: 'AveragePool', inputs: ['luma'], outputs: ['p2'], attrs: [{ name: 'kernel_shape', ints: [2, 2] }, { name: 'strides', ints: [2, 2] }] },
    // edge padding: zero padding would draw a false edge round a uniform frame
    { op: 'Pad', inputs: ['p2', 'pad_edge'], outputs: ['p2pad'], attrs: [{ name: 'mode', s: 'edge' }] },
    { op: 'Conv', inputs: ['p2pad', 'k_grad'], outputs: ['g'] },
    { op: 'Mul', inputs: ['g', 'g'], outputs: ['g2'] },
    { op: 'ReduceMean', inputs: ['g2'], outputs: ['e'], attrs: [{ name: 'axes', ints: [0, 2, 3] }, { name: 'keepdims', i: 0 }] },
    { op: 'Gather', inputs: ['e', 'i0'], outputs: ['ex'] },
    { op: 'Gather', inputs: ['e', 'i1'], outputs: ['ey'] },
    { op: 'Gather', inputs: ['e', 'i2'], outputs: ['el'] },
    { op: 'Add', inputs: ['ex', 'ey'], outputs: ['gradEnergy'] },
    { op: 'Add', inputs: ['gradEnergy', 'c_eps'], outputs: ['ge_eps'] },
    { op: 'Div', inputs: ['el', 'ge_eps'], outputs: ['sharpness'] },

    { op: 'AveragePool', inputs: ['luma'], outputs: ['p4'], attrs: [{ name: 'kernel_shape', ints: [4, 4] }, { name: 'strides', ints: [4, 4] }] },
    { op: 'Greater', inputs: ['p4', 'c_sat'], outputs: ['sat_b'] },
    { op: 'Cast', inputs: ['sat_b'], outputs: ['sat_f'], attrs: [{ name: 'to', i: DataType.FLOAT }] },
    { op: 'ReduceMean', inputs: ['sat_f'], outputs: ['saturated'], attrs: [all, { name: 'keepdims', i: 0 }] },
    { op: 'ReduceMean', inputs: ['p4'], outputs: ['mean_k'], attrs: [all, { name: 'keepdims', i: 1 }] },
    { op: 'ReduceMean', inputs: ['p4'], outputs: ['meanLuma'], attrs: [all, { name: 'keepdims', i: 0 }] },
    { op: 'Sub', inputs: ['mean_k', 'c_tol'], outputs: ['mean_tol'] },
    { op: 'GreaterOrEqual', inputs: ['p4', 'mean_tol'], outputs: ['bright_b'] },
    { op: 'Cast', inputs: ['bright_b'], outputs: ['bright_f'], attrs: [{ name: 'to', i: DataType.FLOAT }] },
    { op: 'Mul', inputs: ['p4', 'bright_f'], outputs: ['bright_v'] },
    { op: 'ReduceMean', inputs: ['bright_v'], outputs: ['bright_num'], attrs: [all, { name: 'keepdims', i: 0 }] },
    { op: 'ReduceMean', inputs: ['bright_f'], outputs: ['bright_den'], attrs: [all, { name: 'keepdims', i: 0 }] },
    { op: 'Add', inputs: ['bright_den', 'c_eps'], outputs: ['bright_den_eps'] },
    { op: 'Div', inputs: ['bright_num', 'bright_den_eps'], outputs: ['whiteLevel'] },
    { op: 'Mul', inputs: ['whiteLevel', 'c_half'], outputs: ['page_thr'] },
  ];
  const strips: [string, string, string, string][] = [
    ['borderTop', 's_first_start', 's_first_end', 'ax_h'],
    ['borderBottom', 's_last_start', 's_last_end', 'ax_h'],
    ['borderLeft', 's_first_start', 's_first_end', 'ax_w'],
    ['borderRight', 's_last_start', 's_last_end', 'ax_w'],
  ];
  for (const [out, st, en, ax] of strips) {
    nodes.push(
      { op: 'Slice', inputs: ['p4', st, en, ax], outputs: [`${out}_strip`] },
      { op: 'Greater', inputs: [`${out}_strip`, 'page_thr'], outputs: [`${out}_b`] },
      { op: 'Cast', inputs: [`${out}_b`], outputs: [`${out}_f`], attrs: [{ name: 'to', i: DataType.FLOAT }] },
      { op: 'ReduceMean', inputs: [`${out}_f`], outputs: [out], attrs: [all, { name: 'keepdims', i: 0 }] },
    );
  }
  const outputs = ['sharpness', 'gradEnergy', 'saturated', 'whiteLevel', 'meanLuma', 'borderTop', 'borderBottom', 'borderLeft', 'borderRight'];
  return encodeModel({
    opset: 13,
    producerName: 'border-kiosk scripts/models/build-quality.ts',
    producerVersion: String(QUALITY_MODEL_VERSION),
    modelVersion: QUALITY_MODEL_VERSION,
    doc: 'Image-quality features of a document page image (sharpness, glare, exposure, crop).',
    graph: {
      name: 'page_quality',
      nodes,
      initializers,
      inputs: [{ name: 'luma', elemType: DataType.FLOAT, shape: [1, 1, 'H', 'W'] }],
      outputs: outputs.map((name) => ({ name, elemType: DataType.FLOAT, shape: [] })),
    },
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2] ?? path.join(here, '..', '..', 'models', 'quality-v2.onnx');
  writeFileSync(out, buildQualityModel());
  console.error(`wrote ${out}`);
}
