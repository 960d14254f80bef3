import { describe, expect, it } from 'vitest';
import { cleanText } from './clean-text.js';

describe('cleanText', () => {
  it('strips the aclImdb <br /> tags and decodes entities', () => {
    expect(
      cleanText('Great film.<br /><br />A &amp; B &#39;ok&#x21;', {
        stripHtml: true,
        collapseWhitespace: true,
      }),
    ).toBe("Great film. A & B 'ok!");
  });
  it('drops script/style bodies and comments, keeps text that only looks like a tag', () => {
    expect(
      cleanText('a<script>x=1</script>b<!-- c -->d 3 < 4 > 2', {
        stripHtml: true,
        collapseWhitespace: true,
      }),
    ).toBe('a b d 3 < 4 > 2');
  });
  it('lower-cases and filters in order, and is identity without options', () => {
    expect(cleanText('Hi, THERE!', { lower: true, filters: ',!' })).toBe('hi  there ');
    expect(cleanText('<b>Hi</b>', {})).toBe('<b>Hi</b>');
  });
  it('leaves unknown entities alone', () => {
    expect(cleanText('&bogus; &#0;', { stripHtml: true })).toBe('&bogus; &#0;');
  });
});
