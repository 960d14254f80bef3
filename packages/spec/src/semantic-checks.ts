import type { Issue } from '@seqpipe/errors';
import { describeValue } from '@seqpipe/errors';
import { didYouMean } from './did-you-mean.js';
import { childPointer, pointer } from './json-pointer.js';
import { isLayerType, layerShapeRules, type ValueKind } from './layer-kinds.js';
import { parseTensorRef } from './tensor-ref.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A layer placed in the model: where it is in the document and what it is applied to. */
interface PlacedLayer {
  readonly path: string;
  readonly layer: JsonObject;
}

/** A value flowing in the model and the layer that produced it (none for a model input). */
interface Flow {
  readonly kind: ValueKind;
  readonly producer: PlacedLayer | undefined;
  /** The embedding whose maskZero mask travels with the value. */
  readonly maskedBy?: PlacedLayer | undefined;
}

const FINAL_LAYER_HINT = {
  binaryClassification:
    'binaryClassification predicts one probability per example: end with { "type": "dense", "units": 1, "activation": "sigmoid" } (binaryCrossentropy expects it)',
  multiclassClassification:
    'multiclassClassification predicts one probability per class: end with { "type": "dense", "units": <number of classes>, "activation": "softmax" }',
} as const;

/**
 * Checks JSON Schema cannot express: split fractions, how layers connect (recurrent layers
 * stacked without returnSequences, pooling after a vector, unknown graph inputs, cycles),
 * the output layer and loss a task needs, unique layer names, embedding size vs numWords.
 * Works on any JSON value (it runs even when the schema found problems) and skips what it
 * cannot read.
 */
export function semanticIssues(doc: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(doc)) return issues;
  checkSplit(doc, issues);
  const task = doc['task'];
  const model = doc['model'];
  if (!isObject(model)) return issues;
  checkSeq2seqModel(task, model, issues);
  let outputs: Flow[] | undefined;
  if (model['type'] === 'classifier' && Array.isArray(model['layers']))
    outputs = checkClassifier(model['layers'], issues);
  else if (model['type'] === 'graph') outputs = checkGraph(model, issues);
  if (outputs === undefined) return issues;
  checkUniqueNames(model, issues);
  checkEmbeddingSize(doc, model, issues);
  if (task === 'binaryClassification' || task === 'multiclassClassification') {
    for (const output of outputs) checkClassificationOutput(task, output, issues);
    checkLoss(task, doc['train'], issues);
  }
  return issues;
}

function checkSplit(doc: JsonObject, issues: Issue[]): void {
  const data = doc['data'];
  const split = isObject(data) ? data['split'] : undefined;
  if (!isObject(split)) return;
  const validation = split['validation'];
  const test = split['test'];
  if (typeof validation !== 'number' || typeof test !== 'number') return;
  if (validation + test >= 1) {
    issues.push({
      path: '/data/split',
      message: 'validation + test leaves nothing to train on',
      expected: 'validation + test < 1',
      received: `${validation} + ${test} = ${validation + test}`,
      hint: 'lower data.split.validation or data.split.test (e.g. 0.2 and 0.1)',
    });
  }
}

/** Follows a value through one layer; reports a wiring problem and returns undefined when it cannot. */
function applyLayer(
  placed: PlacedLayer,
  input: Flow | undefined,
  issues: Issue[],
): Flow | undefined {
  const type = placed.layer['type'];
  if (input === undefined || !isLayerType(type)) return undefined;
  const rule = layerShapeRules[type];
  if (!rule.accepts.includes(input.kind)) {
    issues.push(wiringIssue(type, placed, input));
    return undefined;
  }
  const mask = rule.mask(input.maskedBy !== undefined, placed.layer);
  if (mask === 'unsupported') {
    const source = input.maskedBy as PlacedLayer;
    issues.push({
      path: childPointer(source.path, 'maskZero'),
      message: `${type} at ${placed.path} cannot take the padding mask of this embedding (tfjs-layers' global pooling layers do not support masks)`,
      expected: 'false',
      received: 'true',
      hint: `remove "maskZero" from ${source.path}, or replace the pooling with a recurrent layer that returns its last state`,
    });
    return undefined;
  }
  const maskedBy = mask ? (input.maskedBy ?? placed) : undefined;
  return { kind: rule.output(input.kind, placed.layer), producer: placed, maskedBy };
}

function wiringIssue(type: string, placed: PlacedLayer, input: Flow): Issue {
  const at = childPointer(placed.path, 'type');
  if (type === 'embedding') {
    return {
      path: at,
      message: 'embedding must be applied to the token ids',
      expected: 'the int32 token ids [batch, time]',
      received: input.kind === 'sequence' ? 'a sequence of vectors' : 'one vector per example',
      hint: 'make the embedding the first layer',
    };
  }
  if (input.kind === 'tokens') {
    return {
      path: at,
      message: `${type} is applied to raw token ids`,
      expected: 'vectors (an embedding before it)',
      received: 'int32 token ids [batch, time]',
      hint: 'add { "type": "embedding", "outputDim": 16 } before it',
    };
  }
  // needs a sequence, got a vector
  const producer = input.producer;
  const producerType = producer?.layer['type'];
  const switchAt = isLayerType(producerType)
    ? layerShapeRules[producerType].returnSequencesAt
    : undefined;
  if (producer !== undefined && switchAt !== undefined) {
    return {
      path: childPointer(producer.path, ...switchAt),
      message: `${type} at ${placed.path} needs the whole sequence, but this ${String(producerType)} layer returns only its last state`,
      expected: 'true',
      received: describeValue(
        switchAt.reduce<unknown>(
          (value, key) => (isObject(value) ? value[key] : undefined),
          producer.layer,
        ),
      ),
      hint: `set "returnSequences": true on ${producer.path}${switchAt.length > 1 ? '/layer' : ''} (stacked recurrent and pooling layers read every time step)`,
    };
  }
  return {
    path: at,
    message: `${type} needs a sequence [batch, time, features] but receives one vector per example`,
    expected: 'a sequence',
    received: 'a vector',
    hint: 'move it before the pooling (or last recurrent) layer',
  };
}

function checkClassifier(layers: unknown[], issues: Issue[]): Flow[] | undefined {
  let flow: Flow | undefined = { kind: 'tokens', producer: undefined };
  layers.forEach((layer, index) => {
    if (!isObject(layer)) {
      flow = undefined;
      return;
    }
    flow = applyLayer({ path: pointer('model', 'layers', index), layer }, flow, issues);
  });
  return flow === undefined ? undefined : [flow];
}

function inputKind(input: JsonObject): ValueKind | undefined {
  const shape = input['shape'];
  if (!Array.isArray(shape)) return undefined;
  const dtype = input['dtype'] ?? 'int32';
  if (dtype === 'int32' && shape.length === 1) return 'tokens';
  if (dtype === 'float32' && shape.length === 2) return 'sequence';
  if (dtype === 'float32' && shape.length === 1) return 'vector';
  return undefined;
}

/** Layer types that take several inputs (Keras merge layers). */
const MERGING_LAYERS: ReadonlySet<unknown> = new Set(['concatenate']);

function checkGraph(model: JsonObject, issues: Issue[]): Flow[] | undefined {
  const inputs = Array.isArray(model['inputs']) ? model['inputs'] : [];
  const nodes = Array.isArray(model['nodes']) ? model['nodes'] : [];
  const outputs = Array.isArray(model['outputs']) ? model['outputs'] : [];
  const flows = new Map<string, Flow | undefined>();
  const defined = new Map<string, string>(); // name -> path of its definition
  inputs.forEach((input, index) => {
    if (!isObject(input) || typeof input['name'] !== 'string') return;
    const kind = inputKind(input);
    defined.set(input['name'], pointer('model', 'inputs', index, 'name'));
    flows.set(input['name'], kind === undefined ? undefined : { kind, producer: undefined });
  });
  const pending: Array<{ index: number; node: JsonObject; name: string }> = [];
  nodes.forEach((node, index) => {
    if (!isObject(node) || typeof node['name'] !== 'string') return;
    const name = node['name'];
    const first = defined.get(name);
    if (first !== undefined) {
      issues.push({
        path: pointer('model', 'nodes', index, 'name'),
        message: `duplicate name "${name}"`,
        received: describeValue(name),
        hint: `${first} already uses it; give every input and node its own name`,
      });
      return;
    }
    defined.set(name, pointer('model', 'nodes', index, 'name'));
    pending.push({ index, node, name });
  });
  const names = [...defined.keys()];
  /** Output 0 of a node is its value; outputs 1.. of a recurrent layer with returnState are states. */
  const flowOf = (ref: string): Flow | undefined => {
    const { node, index } = parseTensorRef(ref);
    const flow = flows.get(node);
    return index === 0 || flow === undefined ? flow : { kind: 'vector', producer: undefined };
  };
  const unresolved = (ref: unknown, path: string): boolean => {
    if (typeof ref !== 'string' || defined.has(parseTensorRef(ref).node)) return false;
    const hint = didYouMean(ref, names) ?? `defined names: ${names.join(', ')}`;
    issues.push({
      path,
      message: `unknown input or node "${ref}"`,
      expected: `one of ${names.join(', ')}`,
      received: describeValue(ref),
      hint,
    });
    return true;
  };
  // Resolve nodes in dependency order (nodes may be listed in any order).
  let progress = true;
  const waiting = new Set(pending);
  for (const entry of pending) {
    const refs = entry.node['inputs'];
    if (!Array.isArray(refs)) {
      waiting.delete(entry);
      flows.set(entry.name, undefined);
      continue;
    }
    let bad = false;
    refs.forEach((ref, i) => {
      if (unresolved(ref, pointer('model', 'nodes', entry.index, 'inputs', i))) bad = true;
    });
    const states = entry.node['initialState'];
    if (Array.isArray(states)) {
      states.forEach((ref, i) => {
        if (unresolved(ref, pointer('model', 'nodes', entry.index, 'initialState', i))) bad = true;
      });
    }
    const layerType = isObject(entry.node['layer']) ? entry.node['layer']['type'] : undefined;
    if (refs.length > 1 && !MERGING_LAYERS.has(layerType)) {
      issues.push({
        path: pointer('model', 'nodes', entry.index, 'inputs'),
        message: `a ${String(layerType ?? 'layer')} layer takes exactly one input`,
        expected: '1 input',
        received: `${refs.length} inputs`,
        hint: `only ${[...MERGING_LAYERS].join(', ')} merges several inputs; pass states through "initialState"`,
      });
      bad = true;
    }
    if (bad) {
      waiting.delete(entry);
      flows.set(entry.name, undefined);
    }
  }
  while (progress && waiting.size > 0) {
    progress = false;
    for (const entry of [...waiting]) {
      const refs = entry.node['inputs'] as string[];
      const states = Array.isArray(entry.node['initialState'])
        ? (entry.node['initialState'] as string[])
        : [];
      if (![...refs, ...states].every((ref) => flows.has(parseTensorRef(ref).node))) continue;
      waiting.delete(entry);
      progress = true;
      const layer = entry.node['layer'];
      const flow = isObject(layer)
        ? applyLayer(
            { path: pointer('model', 'nodes', entry.index, 'layer'), layer },
            flowOf(refs[0] as string),
            issues,
          )
        : undefined;
      flows.set(entry.name, flow);
    }
  }
  for (const entry of waiting) {
    issues.push({
      path: pointer('model', 'nodes', entry.index, 'inputs'),
      message: `node "${entry.name}" is part of a cycle`,
      hint: 'a node cannot depend on itself, directly or through other nodes',
    });
  }
  const result: Flow[] = [];
  let complete = true;
  outputs.forEach((ref, i) => {
    if (unresolved(ref, pointer('model', 'outputs', i))) complete = false;
    else if (typeof ref === 'string') {
      const flow = flowOf(ref);
      if (flow === undefined) complete = false;
      else result.push(flow);
    }
  });
  return complete ? result : undefined;
}

function checkClassificationOutput(
  task: 'binaryClassification' | 'multiclassClassification',
  output: Flow,
  issues: Issue[],
): void {
  const last = output.producer;
  if (last === undefined) return;
  const hint = FINAL_LAYER_HINT[task];
  if (output.kind === 'sequence') {
    issues.push({
      path: last.path,
      message:
        'the model outputs a sequence [batch, time, units]; classification needs one prediction per example',
      hint: 'set "returnSequences": false on the last recurrent layer, or add a globalMaxPooling1d before the output',
    });
    return;
  }
  const layer = last.layer;
  if (layer['type'] !== 'dense') {
    issues.push({
      path: childPointer(last.path, 'type'),
      message: `the last layer of a ${task} model must be dense`,
      expected: '"dense"',
      received: describeValue(layer['type']),
      hint,
    });
    return;
  }
  const units = layer['units'];
  const activation = layer['activation'] ?? 'linear';
  if (task === 'binaryClassification') {
    if (typeof units === 'number' && units !== 1) {
      issues.push({
        path: childPointer(last.path, 'units'),
        message: 'the last dense layer of a binaryClassification model must have 1 unit',
        expected: '1',
        received: describeValue(units),
        hint,
      });
    }
    if (activation !== 'sigmoid') {
      issues.push({
        path: childPointer(last.path, 'activation'),
        message: 'the last dense layer of a binaryClassification model must use sigmoid',
        expected: '"sigmoid"',
        received: describeValue(activation),
        hint,
      });
    }
  } else {
    if (typeof units === 'number' && units < 2) {
      issues.push({
        path: childPointer(last.path, 'units'),
        message:
          'the last dense layer of a multiclassClassification model needs one unit per class',
        expected: 'the number of classes (at least 2)',
        received: describeValue(units),
        hint,
      });
    }
    if (activation !== 'softmax') {
      issues.push({
        path: childPointer(last.path, 'activation'),
        message: 'the last dense layer of a multiclassClassification model must use softmax',
        expected: '"softmax"',
        received: describeValue(activation),
        hint,
      });
    }
  }
}

const LOSSES_FOR_TASK = {
  binaryClassification: ['binaryCrossentropy', 'meanSquaredError'],
  multiclassClassification: ['sparseCategoricalCrossentropy', 'categoricalCrossentropy'],
} as const;

function checkLoss(
  task: 'binaryClassification' | 'multiclassClassification',
  train: unknown,
  issues: Issue[],
): void {
  if (!isObject(train) || typeof train['loss'] !== 'string') return;
  const allowed: readonly string[] = LOSSES_FOR_TASK[task];
  if (allowed.includes(train['loss'])) return;
  issues.push({
    path: '/train/loss',
    message: `loss ${train['loss']} does not fit task ${task}`,
    expected: `one of ${allowed.join(', ')}`,
    received: describeValue(train['loss']),
    hint: `use ${allowed[0]} (or remove "loss": it defaults from the task)`,
  });
}

function checkUniqueNames(model: JsonObject, issues: Issue[]): void {
  const seen = new Map<string, string>();
  const visit = (layer: unknown, path: string): void => {
    if (!isObject(layer) || typeof layer['name'] !== 'string') return;
    const first = seen.get(layer['name']);
    if (first !== undefined) {
      issues.push({
        path: childPointer(path, 'name'),
        message: `duplicate layer name "${layer['name']}"`,
        hint: `${first} already uses it; layer names must be unique`,
      });
    } else seen.set(layer['name'], childPointer(path, 'name'));
  };
  if (Array.isArray(model['layers']))
    model['layers'].forEach((layer, i) => visit(layer, pointer('model', 'layers', i)));
}

function checkEmbeddingSize(doc: JsonObject, model: JsonObject, issues: Issue[]): void {
  const preprocess = doc['preprocess'];
  const numWords = isObject(preprocess) ? preprocess['numWords'] : undefined;
  if (typeof numWords !== 'number') return;
  const check = (layer: unknown, path: string): void => {
    if (!isObject(layer) || layer['type'] !== 'embedding' || typeof layer['inputDim'] !== 'number')
      return;
    if (layer['inputDim'] < numWords) {
      issues.push({
        path: childPointer(path, 'inputDim'),
        message: `embedding inputDim is smaller than preprocess.numWords: token ids up to ${numWords - 1} would be out of range`,
        expected: `at least ${numWords}`,
        received: describeValue(layer['inputDim']),
        hint: 'remove inputDim (it defaults to the vocabulary size) or raise it',
      });
    }
  };
  if (Array.isArray(model['layers']))
    model['layers'].forEach((layer, i) => check(layer, pointer('model', 'layers', i)));
  if (Array.isArray(model['nodes'])) {
    model['nodes'].forEach((node, i) =>
      check(isObject(node) ? node['layer'] : undefined, pointer('model', 'nodes', i, 'layer')),
    );
  }
}

/** task seq2seq trains an encoderDecoder model, and an encoderDecoder model is trained as seq2seq. */
function checkSeq2seqModel(task: unknown, model: JsonObject, issues: Issue[]): void {
  const isEncoderDecoder = model['type'] === 'encoderDecoder';
  if (task === 'seq2seq' && !isEncoderDecoder && typeof model['type'] === 'string') {
    issues.push({
      path: '/model/type',
      message: 'task seq2seq needs an encoderDecoder model',
      expected: '"encoderDecoder"',
      received: JSON.stringify(model['type']),
      hint: 'use { "type": "encoderDecoder", "cell": "lstm", "units": 256 }',
    });
  }
  if (isEncoderDecoder && typeof task === 'string' && task !== 'seq2seq') {
    issues.push({
      path: '/task',
      message: 'an encoderDecoder model is trained on sequence pairs',
      expected: '"seq2seq"',
      received: JSON.stringify(task),
      hint: 'set "task": "seq2seq", or use a classifier model',
    });
  }
  if (isEncoderDecoder && model['inputEncoding'] === 'embedding' && !isObject(model['embedding'])) {
    issues.push({
      path: '/model/embedding',
      message: 'inputEncoding "embedding" needs the embedding size',
      expected: '{ "outputDim": <integer> }',
      received: 'nothing',
      hint: 'add "embedding": { "outputDim": 64 }, or use "inputEncoding": "oneHot"',
    });
  }
}
