import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

// The shared sink itself: what it records and how it refuses, through a plain nodemailer client.
describe('smtp sink (test helper)', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => sink.close());

  const send = (to: string) =>
    nodemailer
      .createTransport(`smtp://127.0.0.1:${sink.port}`)
      .sendMail({ from: 'a@example.test', to, subject: 'Hello', text: 'plain', html: '<p>html</p>' });

  it('records the envelope and both parts of an accepted message', async () => {
    sink.clear();
    await send('b@example.test');
    expect(sink.messages).toHaveLength(1);
    const [m] = sink.messages;
    expect(m!.envelope).toEqual({ from: 'a@example.test', to: ['b@example.test'] });
    expect(m!.subject).toBe('Hello');
    expect(m!.text?.trim()).toBe('plain');
    expect(m!.html).toContain('<p>html</p>');
    expect(m!.messageId).toMatch(/^<.+@.+>$/);
  });

  it('refuses the next attempts with the given code, then accepts', async () => {
    sink.clear();
    sink.refuseNext(1, 451);
    await expect(send('c@example.test')).rejects.toMatchObject({ responseCode: 451 });
    sink.refuseNext(1, 550, 'data');
    await expect(send('c@example.test')).rejects.toMatchObject({ responseCode: 550 });
    await send('c@example.test');
    expect(sink.refused).toBe(2);
    expect(sink.messages).toHaveLength(1);
  });
});
