/**
 * A minimal ONNX protobuf writer (onnx.proto, IR version 7), enough to build small graphs of
 * standard operators from TypeScript without Python's onnx package. Field numbers follow
 * onnx/onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto.
 */

class Writer {
  private chunks: number[] = [];
  varint(v: number | bigint): this {
    let n = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      this.chunks.push(b);
    } while (n > 0n);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  float(field: number, f: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export const DataType = { FLOAT: 1, INT64: 7 } as const;

export type Attr =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; ints: number[] }
  | { name: string; floats: number[] }
  | { name: string; s: string };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Attr[];
}

export interface Tensor {
  name: string;
  dataType: (typeof DataType)[keyof typeof DataType];
  dims: number[];
  values: number[];
}

export interface ValueInfo {
  name: string;
  elemType: (typeof DataType)[keyof typeof DataType];
  /** numbers are fixed sizes, strings symbolic (dynamic) dimensions; omit for unknown rank. */
  shape?: (number | string)[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  doc?: string;
}

export interface Model {
  graph: Graph;
  opset: number;
  producerName: string;
  producerVersion: string;
  modelVersion: number;
  doc?: string;
  metadata?: Record<string, string>;
}

function attribute(a: Attr): Writer {
  const w = new Writer().string(1, a.name);
  if ('f' in a) w.float(2, a.f).int(20, 1);
  else if ('i' in a) w.int(3, a.i).int(20, 2);
  else if ('s' in a) w.string(4, a.s).int(20, 3);
  else if ('floats' in a) {
    for (const f of a.floats) w.float(7, f);
    w.int(20, 6);
  } else {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  }
  return w;
}

function tensor(t: Tensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  const raw = new Uint8Array(t.values.length * (t.dataType === DataType.FLOAT ? 4 : 8));
  const dv = new DataView(raw.buffer);
  t.values.forEach((v, i) => {
    if (t.dataType === DataType.FLOAT) dv.setFloat32(i * 4, v, true);
    else dv.setBigInt64(i * 8, BigInt(v), true);
  });
  w.bytes(9, raw);
  return w;
}

function valueInfo(v: ValueInfo): Writer {
  const tt = new Writer().int(1, v.elemType);
  if (v.shape) {
    const shape = new Writer();
    for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
    tt.message(2, shape);
  }
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tt));
}

export function encodeModel(m: Model): Uint8Array {
  const g = new Writer();
  m.graph.nodes.forEach((n, idx) => {
    const nw = new Writer();
    for (const i of n.inputs) nw.string(1, i);
    for (const o of n.outputs) nw.string(2, o);
    nw.string(3, n.name ?? `${n.op}_${idx}`);
    nw.string(4, n.op);
    for (const a of n.attrs ?? []) nw.message(5, attribute(a));
    g.message(1, nw);
  });
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, tensor(t));
  if (m.graph.doc) g.string(10, m.graph.doc);
  for (const i of m.graph.inputs) g.message(11, valueInfo(i));
  for (const o of m.graph.outputs) g.message(12, valueInfo(o));

  const w = new Writer();
  w.int(1, 7); // ir_version 7 (ONNX 1.8, opset 13)
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.int(5, m.modelVersion);
  if (m.doc) w.string(6, m.doc);
  w.message(7, g);
  w.message(8, new Writer().string(1, '').int(2, m.opset));
  for (const [k, v] of Object.entries(m.metadata ?? {})) w.message(14, new Writer().string(1, k).string(2, v));
  return w.finish();
}
