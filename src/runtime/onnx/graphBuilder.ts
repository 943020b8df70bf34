/**
 * Builds an ONNX graph node by node: unique value names, float32/int64 initializers stored as
 * little-endian raw_data (the compact form every reader accepts), attributes typed from their JS
 * values, and the finished ModelProto bytes.
 */
import {
  type AttributeProto,
  AttributeType,
  DataType,
  encodeModel,
  IR_VERSION,
  type NodeProto,
  OPSET_VERSION,
  type TensorProto,
  type ValueInfoProto,
} from './onnxProto';

/** An attribute value: numbers are INT when `Number.isInteger`, so floats must be marked with `float()`. */
export type AttrValue = number | string | number[] | FloatAttr | FloatsAttr;
interface FloatAttr {
  float: number;
}
interface FloatsAttr {
  floats: number[];
}
export const float = (v: number): FloatAttr => ({ float: v });
export const floats = (v: number[]): FloatsAttr => ({ floats: v });

function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; mark floats with float()`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.FLOATS, floats: value.floats };
}

function rawBytes(data: Float32Array | BigInt64Array): Uint8Array {
  // Typed arrays are in the platform's byte order; ONNX wants little-endian, which every platform
  // Node runs on is. Copy so the proto never aliases a caller's (or a tfjs tensor's) buffer.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];

  /** A value name not used yet, based on `hint` (layer names make the graph readable in Netron). */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  floatTensor(hint: string, data: Float32Array | number[], dims: number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`initializer ${hint}: ${values.length} values for shape [${dims.join(', ')}]`);
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: rawBytes(values) });
    return name;
  }

  int64Tensor(hint: string, data: number[], dims: number[] = [data.length]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, dataType: DataType.INT64, rawData: rawBytes(BigInt64Array.from(data.map(BigInt))) });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: string[], hint: string, attrs: Record<string, AttrValue> = {}): string {
    const output = this.fresh(hint);
    this.nodes.push({
      opType,
      input: inputs,
      output: [output],
      name: output,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /**
   * A float32 graph input or output. Unknown dimensions become symbolic: 'N' for the batch, and a
   * name of their own elsewhere, since equal names would tell consumers the sizes are equal.
   */
  static floatValue(name: string, shape: (number | null)[]): ValueInfoProto {
    const dim = shape.map((d, i) => (d !== null && d >= 0 ? { dimValue: d } : { dimParam: i === 0 ? 'N' : `${name}_d${i}` }));
    return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
  }

  toBytes(options: { graphName: string; producerVersion: string; metadata?: Record<string, string> }): Uint8Array {
    return encodeModel({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      producerName: 'model-lab',
      producerVersion: options.producerVersion,
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }
}
