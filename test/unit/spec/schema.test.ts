import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import type { Activation, Algorithm, Goal, LayerSpec, OptimizerName, ParameterType, ScaleType, TransformName } from '../../../src/runtime/spec/jobSpec';
import { loadJobSpec } from '../../../src/runtime/spec/loadJobSpec';
import { jobSpecSchema } from '../../../src/runtime/spec/schemaValidation';

type Schema = Record<string, unknown>;

const root = jobSpecSchema as Schema;
const definitions = root.definitions as Record<string, Schema>;

/** Every subschema with its JSON pointer. */
function subschemas(node: unknown, pointer = ''): [string, Schema][] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((child, i) => subschemas(child, `${pointer}/${i}`));
  const out: [string, Schema][] = [[pointer, node as Schema]];
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' || key === 'definitions') {
      for (const [name, sub] of Object.entries(child as Schema)) out.push(...subschemas(sub, `${pointer}/${key}/${name}`));
    } else if (['items', 'additionalProperties', 'anyOf', 'allOf', 'oneOf', 'if', 'then', 'else', 'not'].includes(key)) {
      out.push(...subschemas(child, `${pointer}/${key}`));
    }
  }
  return out;
}

const ANNOTATIONS = new Set(['description', 'markdownDescription', 'title', 'default', 'examples', '$comment']);
const VALIDATION = new Set([
  '$schema', '$id', '$ref', 'definitions', 'type', 'enum', 'const', 'properties', 'additionalProperties', 'required', 'items',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern',
  'anyOf', 'allOf', 'if', 'then', 'else', 'patternErrorMessage',
]);

function enumAt(pointer: string): unknown[] {
  let node: unknown = root;
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part];
  return (node as Schema).enum as unknown[];
}

describe('schemas/modellab.schema.json', () => {
  it('is draft-07 and compiles in ajv strict mode', () => {
    assert.equal(root.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: true, strictRequired: false });
    ajv.addVocabulary(['patternErrorMessage', 'markdownDescription']);
    assert.doesNotThrow(() => ajv.compile(root));
  });

  it('uses only plain JSON Schema keywords (and VS Code\'s patternErrorMessage)', () => {
    for (const [pointer, schema] of subschemas(root)) {
      for (const key of Object.keys(schema)) assert.ok(ANNOTATIONS.has(key) || VALIDATION.has(key), `${pointer}: unexpected keyword '${key}'`);
    }
  });

  it('describes every field, for completion and hover', () => {
    for (const [pointer, schema] of subschemas(root)) {
      // An `if` only tests a discriminator; its `properties` are conditions, not fields.
      if (/\/if(\/|$)/.test(pointer)) continue;
      for (const [name, field] of Object.entries((schema.properties as Schema | undefined) ?? {})) {
        assert.equal(typeof (field as Schema).description, 'string', `${pointer}/properties/${name} has no description`);
      }
    }
  });

  it('closes every object, so unknown fields are caught', () => {
    for (const [pointer, schema] of subschemas(root)) {
      if (schema.type !== 'object') continue;
      // Objects whose fields depend on a discriminator are closed by each branch instead.
      const branches = [schema.then, schema.else, ...((schema.allOf as Schema[] | undefined) ?? []).map((s) => s.then)].filter(Boolean) as Schema[];
      if (branches.length > 0) {
        for (const branch of branches) {
          const target = typeof branch.$ref === 'string' ? definitions[branch.$ref.replace('#/definitions/', '')] : branch;
          assert.equal(target.additionalProperties, false, `${pointer}: branch ${String(branch.$ref)} is open`);
        }
      } else if (pointer !== '/properties/features') {
        assert.equal(schema.additionalProperties, false, `${pointer} does not set additionalProperties: false`);
      }
    }
  });

  it('keeps anyOf alone in its schema (the error translation relies on it)', () => {
    for (const [pointer, schema] of subschemas(root)) {
      if (!schema.anyOf) continue;
      const others = Object.keys(schema).filter((k) => k !== 'anyOf' && !ANNOTATIONS.has(k));
      assert.deepEqual(others, [], `${pointer} has validation keywords beside anyOf`);
    }
  });

  it('matches the placeholder form of the spec', () => {
    assert.equal(definitions.placeholder.pattern, '^\\{\\{\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\}\\}$');
  });

  it('names the same layer types, transforms, optimizers and enums as jobSpec.ts', () => {
    // Records keyed by the TypeScript unions: adding a member to a union without adding it here fails to compile.
    const layers = { dense: 1, dropout: 1, batchNormalization: 1, conv2d: 1, maxPooling2d: 1, averagePooling2d: 1, globalAveragePooling2d: 1, globalMaxPooling2d: 1, flatten: 1, reshape: 1, embedding: 1, activation: 1 } satisfies Record<LayerSpec['type'], 1>;
    const transforms = { zscore: 1, minmax: 1, vocabulary: 1, quantile: 1, hash: 1, identity: 1, drop: 1 } satisfies Record<TransformName, 1>;
    const optimizers = { sgd: 1, momentum: 1, adam: 1, adamax: 1, adagrad: 1, adadelta: 1, rmsprop: 1 } satisfies Record<OptimizerName, 1>;
    const activations = { relu: 1, relu6: 1, elu: 1, selu: 1, sigmoid: 1, tanh: 1, softmax: 1, softplus: 1, softsign: 1, linear: 1, swish: 1, mish: 1, hardSigmoid: 1 } satisfies Record<Activation, 1>;
    const goals = { GOAL_TYPE_UNSPECIFIED: 1, MAXIMIZE: 1, MINIMIZE: 1 } satisfies Record<Goal, 1>;
    const algorithms = { ALGORITHM_UNSPECIFIED: 1, GRID_SEARCH: 1, RANDOM_SEARCH: 1 } satisfies Record<Algorithm, 1>;
    const types = { PARAMETER_TYPE_UNSPECIFIED: 1, DOUBLE: 1, INTEGER: 1, CATEGORICAL: 1, DISCRETE: 1 } satisfies Record<ParameterType, 1>;
    const scales = { NONE: 1, UNIT_LINEAR_SCALE: 1, UNIT_LOG_SCALE: 1, UNIT_REVERSE_LOG_SCALE: 1 } satisfies Record<ScaleType, 1>;
    const same = (pointer: string, keys: object) => assert.deepEqual([...enumAt(pointer)].sort(), Object.keys(keys).sort(), pointer);
    same('/definitions/layer/properties/type', layers);
    same('/definitions/transformName', transforms);
    same('/definitions/optimizerName', optimizers);
    same('/definitions/activation/anyOf/0', activations);
    same('/properties/hyperparameters/properties/goal', goals);
    same('/properties/hyperparameters/properties/algorithm', algorithms);
    same('/definitions/parameterSpec/properties/type', types);
    same('/definitions/parameterSpec/properties/scaleType', scales);
  });
});

describe('example specs', () => {
  const examplesDir = resolve(__dirname, '../../../examples');
  const specs = existsSync(examplesDir)
    ? readdirSync(examplesDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(examplesDir, d.name, 'modellab.yaml')))
        .map((d) => join(examplesDir, d.name, 'modellab.yaml'))
    : [];

  it('validates every examples/*/modellab.yaml', { skip: specs.length === 0 ? 'no examples/*/modellab.yaml yet' : false }, async () => {
    for (const file of specs) await loadJobSpec(file);
  });
});
