/** A message split into what a text model should read. */
export interface EmailText {
  readonly subject: string;
  /** The decoded text parts of the body (quoted-printable and base64 decoded, MIME headers gone). */
  readonly body: string;
}

/**
 * Splits a raw RFC 822 message into its subject and body text, without headers. Headers end at
 * the first blank line; folded header lines are joined. A multipart body keeps only its
 * `text/*` parts (recursively), each decoded from quoted-printable or base64; other parts
 * (images, attachments) are dropped. A message with no blank line is all headers.
 */
export function emailText(raw: string): EmailText {
  const { headers, body } = splitHeaders(raw.replace(/\r\n?/g, '\n'));
  return { subject: decodeWords(headers.get('subject') ?? ''), body: partText(headers, body, 0) };
}

function splitHeaders(message: string): { headers: Map<string, string>; body: string } {
  const end = message.indexOf('\n\n');
  const head = end < 0 ? message : message.slice(0, end);
  const body = end < 0 ? '' : message.slice(end + 2);
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // the mbox "From " line
    last = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function partText(headers: ReadonlyMap<string, string>, body: string, depth: number): string {
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary !== undefined && depth < 5) {
    const parts = body.split(`--${boundary}`).slice(1);
    const texts: string[] = [];
    for (const part of parts) {
      if (part.startsWith('--')) break; // closing boundary
      const inner = splitHeaders(part.replace(/^[ \t]*\n/, ''));
      const text = partText(inner.headers, inner.body, depth + 1);
      if (text.trim() !== '') texts.push(text);
    }
    return texts.join('\n');
  }
  if (!type.startsWith('text/') && !type.startsWith('message/')) return '';
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase().trim();
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
}

/** RFC 2047 encoded words in headers: `=?iso-8859-1?Q?Caf=E9?=`, `=?utf-8?B?...?=`. */
function decodeWords(text: string): string {
  return text.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
    (_, charset: string, kind: string, data: string) => {
      const bytes =
        kind.toLowerCase() === 'b'
          ? Buffer.from(data, 'base64')
          : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'latin1');
      return bytes.toString(charset.toLowerCase().replace('-', '') === 'utf8' ? 'utf8' : 'latin1');
    },
  );
}
