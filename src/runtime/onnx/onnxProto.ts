/**
 * The part of ONNX's `onnx.proto` (proto2) that Model Lab writes and rewrites, declared in code with
 * the public field numbers, so no generated code or .proto file has to ship. Field numbers were
 * checked against onnx/onnx's onnx.proto (the copy Debian's python3-onnx 1.12 installs).
 *
 * Reading a model made elsewhere and writing it back (see rewriteModel.ts) only keeps the fields
 * declared here: protobufjs drops unknown fields. Every field a plain inference graph uses is
 * declared; training_info, functions and sparse tensors are not, and models that use them are
 * refused by the rewriter rather than silently changed.
 */
import protobuf from 'protobufjs';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/**
 * The ONNX operator set the converter targets, and the IR version released with it (ONNX 1.8:
 * IR 7, opset 13). Reduce* ops still take `axes` as an attribute at this opset.
 */
export const OPSET_VERSION = 13;
export const IR_VERSION = 7;

type Num = number | Long;
interface Long {
  toNumber(): number;
}

export interface TensorProto {
  dims?: Num[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: Num[];
  name?: string;
  docString?: string;
  rawData?: Uint8Array;
  doubleData?: number[];
  uint64Data?: Num[];
}

export interface AttributeProto {
  name: string;
  refAttrName?: string;
  docString?: string;
  type: number;
  f?: number;
  i?: Num;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Num[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

export interface Dimension {
  dimValue?: Num;
  dimParam?: string;
  denotation?: string;
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: Dimension[] } };
  sequenceType?: { elemType?: TypeProto };
  mapType?: { keyType?: number; valueType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  denotation?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
  docString?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version: Num;
}

export interface ModelProto {
  irVersion: Num;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Num;
  docString?: string;
  graph: GraphProto;
  metadataProps?: { key: string; value: string }[];
}

const f = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

// Field names in snake_case as in onnx.proto; camelCased() below gives the objects above their names.
const schema = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1),
            ref_attr_name: f('string', 21),
            doc_string: f('string', 13),
            type: f('int32', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            g: f('GraphProto', 6),
            floats: f('float', 7, 'repeated'),
            ints: f('int64', 8, 'repeated'),
            strings: f('bytes', 9, 'repeated'),
            tensors: f('TensorProto', 10, 'repeated'),
            graphs: f('GraphProto', 11, 'repeated'),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), doc_string: f('string', 3) } },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'),
            output: f('string', 2, 'repeated'),
            name: f('string', 3),
            op_type: f('string', 4),
            domain: f('string', 7),
            attribute: f('AttributeProto', 5, 'repeated'),
            doc_string: f('string', 6),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        ModelProto: {
          fields: {
            ir_version: f('int64', 1),
            opset_import: f('OperatorSetIdProto', 8, 'repeated'),
            producer_name: f('string', 2),
            producer_version: f('string', 3),
            domain: f('string', 4),
            model_version: f('int64', 5),
            doc_string: f('string', 6),
            graph: f('GraphProto', 7),
            metadata_props: f('StringStringEntryProto', 14, 'repeated'),
            // Declared only so the rewriter can see they are present and refuse to drop them.
            training_info: f('bytes', 20, 'repeated'),
            functions: f('bytes', 25, 'repeated'),
          },
        },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'),
            name: f('string', 2),
            initializer: f('TensorProto', 5, 'repeated'),
            sparse_initializer: f('bytes', 15, 'repeated'),
            doc_string: f('string', 10),
            input: f('ValueInfoProto', 11, 'repeated'),
            output: f('ValueInfoProto', 12, 'repeated'),
            value_info: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'),
            data_type: f('int32', 2),
            float_data: f('float', 4, 'repeated'),
            int32_data: f('int32', 5, 'repeated'),
            string_data: f('bytes', 6, 'repeated'),
            int64_data: f('int64', 7, 'repeated'),
            name: f('string', 8),
            doc_string: f('string', 12),
            raw_data: f('bytes', 9),
            double_data: f('double', 10, 'repeated'),
            uint64_data: f('uint64', 11, 'repeated'),
            external_data: f('StringStringEntryProto', 13, 'repeated'),
            data_location: f('int32', 14),
          },
        },
        TensorShapeProto: {
          fields: { dim: f('TensorShapeProto.Dimension', 1, 'repeated') },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: f('int64', 1), dim_param: f('string', 2), denotation: f('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type'] } },
          fields: {
            tensor_type: f('TypeProto.Tensor', 1),
            sequence_type: f('TypeProto.Sequence', 4),
            map_type: f('TypeProto.Map', 5),
            optional_type: f('TypeProto.Optional', 9),
            sparse_tensor_type: f('TypeProto.Tensor', 8),
            denotation: f('string', 6),
          },
          nested: {
            Tensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
            Sequence: { fields: { elem_type: f('TypeProto', 1) } },
            Map: { fields: { key_type: f('int32', 1), value_type: f('TypeProto', 2) } },
            Optional: { fields: { elem_type: f('TypeProto', 1) } },
          },
        },
      },
    },
  },
};

/** protobufjs uses JSON descriptors' names as they are; the .proto parser would have camelCased them. */
function camelCased(node: unknown): unknown {
  const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (Array.isArray(node)) return node.map((v) => (typeof v === 'string' ? camel(v) : camelCased(v)));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Message and nested-type names are already CamelCase; field and oneof names are snake_case.
    out[/^[a-z]/.test(k) ? camel(k) : k] = k === 'type' && typeof v === 'string' ? v : camelCased(v);
  }
  return out;
}

const root = protobuf.Root.fromJSON(camelCased(schema) as protobuf.INamespace);
const ModelType = root.lookupType('onnx.ModelProto');

/**
 * Encodes a model. Repeated numeric fields are written packed: proto2 parsers (ONNX Runtime's,
 * python onnx's) accept packed and unpacked encodings alike.
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = ModelType.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto & { trainingInfo?: unknown[]; functions?: unknown[] } {
  return ModelType.toObject(ModelType.decode(bytes), { longs: Number, defaults: false }) as ReturnType<typeof decodeModel>;
}

export function toNumber(n: Num | undefined): number {
  return n === undefined ? 0 : typeof n === 'number' ? n : n.toNumber();
}
