import { describe, expect, it } from 'vitest';
import { emailText } from './email-text.js';

describe('emailText', () => {
  it('takes the (unfolded) subject and the body, without headers', () => {
    const raw =
      'From a@b  Thu Aug 22 2002\nReturn-Path: <a@b>\nSubject: Cheap\n meds now\nTo: c@d\n\nBuy now.\nReally.\n';
    expect(emailText(raw)).toEqual({ subject: 'Cheap meds now', body: 'Buy now.\nReally.\n' });
  });
  it('keeps the text parts of a multipart body, decoded, and drops attachments', () => {
    const raw = [
      'Subject: =?iso-8859-1?Q?Caf=E9?=',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      'preamble',
      '--XX',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'soft=',
      'break =3D ok',
      '--XX',
      'Content-Type: text/html',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>hi</p>').toString('base64'),
      '--XX',
      'Content-Type: image/gif',
      '',
      'R0lGODlh',
      '--XX--',
    ].join('\r\n');
    expect(emailText(raw)).toEqual({ subject: 'Café', body: 'softbreak = ok\n\n<p>hi</p>' });
  });
  it('treats a message without a blank line as headers only', () => {
    expect(emailText('Subject: x')).toEqual({ subject: 'x', body: '' });
  });
});
