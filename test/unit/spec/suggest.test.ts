import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggest } from '../../../src/runtime/spec/suggest';

describe('suggest', () => {
  const fields = ['epochs', 'batchSize', 'optimizer', 'loss', 'metrics', 'earlyStopping', 'seed', 'shuffle'];

  it('finds the closest name for a typo', () => {
    assert.equal(suggest('epoch', fields), 'epochs');
    assert.equal(suggest('batchsize', fields), 'batchSize');
    assert.equal(suggest('optimiser', fields), 'optimizer');
    assert.equal(suggest('desne', ['dense', 'dropout', 'flatten']), 'dense');
    assert.equal(suggest('adm', ['sgd', 'adam', 'adamax']), 'adam');
  });

  it('finds a full name from a prefix', () => {
    assert.equal(suggest('vocab', ['zscore', 'vocabulary']), 'vocabulary');
    assert.equal(suggest('early', fields), 'earlyStopping');
  });

  it('suggests nothing when no name is plausibly meant', () => {
    assert.equal(suggest('colour', fields), undefined);
    assert.equal(suggest('xy', fields), undefined);
    assert.equal(suggest('anything', []), undefined);
  });

  it('never suggests the word itself', () => {
    assert.equal(suggest('seed', ['seed']), undefined);
  });
});
