import type { LayersModel } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@seqpipe/text';
import type { ArtifactManifest } from './manifest.js';
import { TextClassifier } from './text-classifier.js';

function classifier(preprocess: ArtifactManifest['preprocess']): TextClassifier {
  const tokenizer = new Tokenizer({ oovToken: '<OOV>' });
  tokenizer.fitOnTexts(['great film', 'bad film']);
  const manifest = { preprocess } as ArtifactManifest;
  return new TextClassifier(manifest, tokenizer, {} as LayersModel);
}

describe('TextClassifier.encode', () => {
  it('cleans texts as the pipeline did in training (data.clean) before tokenizing', () => {
    const plain = classifier({ maxLen: 4, padding: 'post', truncating: 'post' });
    const cleaning = classifier({
      maxLen: 4,
      padding: 'post',
      truncating: 'post',
      clean: { stripHtml: true, collapseWhitespace: true },
    });
    const text = 'great<br />film';
    // Without cleaning the tag leaves a stray unknown word ("br", index 1) between the two.
    expect(plain.encode([text])).toEqual([[3, 1, 2, 0]]);
    expect(cleaning.encode([text])).toEqual(plain.encode(['great film']));
  });
});
